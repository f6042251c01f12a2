/* The GENIUS XML reader and writer through the public API: hand-made
 * fixtures with hand-computed utilities (tests/data/genius), the sloppy
 * files GENIUS accepted, broken files with their exact file:line:col, every
 * GENIUS sample of ../shared/data (when present) loaded, checked against
 * DOMAINS.tsv and written back bit for bit, what the writer must refuse,
 * hostile input and allocation failures. */
#include <dirent.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/util.h"
#include "parley/parley.h"
#include "testutil.h"

/* ------------------------------------------------------------------ */
/* helpers                                                             */
/* ------------------------------------------------------------------ */

static char *fixture(const char *rel) {
  static char buf[8][4096];
  static int k;
  k = (k + 1) % 8;
  const char *dir = getenv("PL_SOURCE_DIR");
  snprintf(buf[k], sizeof buf[k], "%s/tests/data/genius/%s", dir ? dir : ".",
           rel);
  return buf[k];
}

/* ../shared/data next to the source tree, or NULL when absent. */
static const char *shared_data(void) {
  static char buf[4096];
  const char *dir = getenv("PL_SOURCE_DIR");
  snprintf(buf, sizeof buf, "%s/../shared/data", dir ? dir : ".");
  struct stat st;
  if (stat(buf, &st) != 0 || !S_ISDIR(st.st_mode)) return NULL;
  char probe[4200];
  snprintf(probe, sizeof probe, "%s/genius", buf);
  if (stat(probe, &st) != 0 || !S_ISDIR(st.st_mode)) return NULL;
  return buf;
}

static pl_scenario *load(size_t n, const char *const *paths,
                         const pl_load_options *o) {
  pl_scenario *s = NULL;
  pl_error err;
  memset(&err, 0, sizeof err);
  int rc = pl_scenario_load_inputs(paths, n, o, &s, &err);
  if (rc)
    fail_msg("loading %s: %s:%d:%d: %s (%s)", paths[0], err.file, err.line,
             err.column, err.message, pl_errname(rc));
  return s;
}

static pl_scenario *load1(const char *path) { return load(1, &path, NULL); }

/* Utility of the outcome given as option indices. */
static double util(const pl_scenario *s, int p, ...) {
  uint32_t o[64];
  va_list ap;
  va_start(ap, p);
  for (int i = 0; i < pl_scenario_issue_count(s); i++)
    o[i] = va_arg(ap, uint32_t);
  va_end(ap);
  return pl_scenario_utility(s, p, o);
}

static void make_tmpdir(char *buf, size_t size) {
  snprintf(buf, size, "/tmp/pl_genius_XXXXXX");
  assert_non_null(mkdtemp(buf));
}

static void rm_tree(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) return;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    char p[4200];
    snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
    struct stat st;
    if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
      rm_tree(p);
    else
      unlink(p);
  }
  closedir(d);
  rmdir(dir);
}

/* Writes s in GENIUS format to a fresh folder and reads it back, parties in
 * the same order. */
static pl_scenario *round_trip(const pl_scenario *s, char *dir, size_t size) {
  make_tmpdir(dir, size);
  pl_error err;
  memset(&err, 0, sizeof err);
  int rc = pl_scenario_write(s, PL_FORMAT_GENIUS, dir, &err);
  if (rc)
    fail_msg("writing %s: %s (%s)", pl_scenario_id(s), err.message,
             pl_errname(rc));
  int np = pl_scenario_party_count(s);
  char(*paths)[4200] = calloc((size_t)np + 1, sizeof *paths);
  const char **pp = calloc((size_t)np + 1, sizeof *pp);
  snprintf(paths[0], sizeof paths[0], "%s/%s.xml", dir, pl_scenario_id(s));
  pp[0] = paths[0];
  for (int p = 0; p < np; p++) {
    snprintf(paths[p + 1], sizeof paths[p + 1], "%s/%s.xml", dir,
             pl_scenario_party_id(s, p));
    pp[p + 1] = paths[p + 1];
  }
  pl_scenario *b = load((size_t)np + 1, pp, NULL);
  free(paths);
  free(pp);
  return b;
}

static bool same_bits(double a, double b) { return memcmp(&a, &b, sizeof a) == 0; }

/* Same parties, issues, options, reservation values, discounts, and the
 * same utility bits for every outcome (or `samples` random ones when there
 * are more than `limit`). */
static void assert_same(const pl_scenario *a, const pl_scenario *b,
                        uint64_t limit, int samples) {
  int np = pl_scenario_party_count(a), ni = pl_scenario_issue_count(a);
  assert_int_equal(pl_scenario_party_count(b), np);
  assert_int_equal(pl_scenario_issue_count(b), ni);
  for (int p = 0; p < np; p++) {
    assert_string_equal(pl_scenario_party_id(a, p), pl_scenario_party_id(b, p));
    if (!same_bits(pl_scenario_reservation(a, p), pl_scenario_reservation(b, p)))
      fail_msg("%s: reservation %.17g became %.17g", pl_scenario_party_id(a, p),
               pl_scenario_reservation(a, p), pl_scenario_reservation(b, p));
    if (!same_bits(pl_scenario_discount(a, p), pl_scenario_discount(b, p)))
      fail_msg("%s: discount %.17g became %.17g", pl_scenario_party_id(a, p),
               pl_scenario_discount(a, p), pl_scenario_discount(b, p));
    assert_int_equal(pl_scenario_is_additive(a, p), pl_scenario_is_additive(b, p));
  }
  for (int i = 0; i < ni; i++) {
    assert_string_equal(pl_scenario_issue_id(a, i), pl_scenario_issue_id(b, i));
    uint32_t n = pl_scenario_option_count(a, i);
    assert_int_equal(pl_scenario_option_count(b, i), n);
    for (uint32_t k = 0; k < n; k++)
      assert_string_equal(pl_scenario_option_id(a, i, k),
                          pl_scenario_option_id(b, i, k));
  }
  uint32_t *o = calloc((size_t)ni, sizeof *o);
  uint64_t count;
  bool all = pl_scenario_outcome_count(a, &count) == PL_OK && count <= limit;
  uint64_t runs = all ? count : (uint64_t)samples;
  tu_rng r = {0x5EED};
  for (uint64_t x = 0; x < runs; x++) {
    if (all)
      pl_scenario_decode(a, x, o);
    else
      for (int i = 0; i < ni; i++)
        o[i] = (uint32_t)(tu_next(&r) % pl_scenario_option_count(a, i));
    for (int p = 0; p < np; p++) {
      double ua = pl_scenario_utility(a, p, o), ub = pl_scenario_utility(b, p, o);
      if (!same_bits(ua, ub))
        fail_msg("%s, party %s, outcome %llu: utility %.17g became %.17g",
                 pl_scenario_id(a), pl_scenario_party_id(a, p),
                 (unsigned long long)x, ua, ub);
    }
  }
  free(o);
}

static void check_round_trip(const pl_scenario *s) {
  char dir[64];
  pl_scenario *b = round_trip(s, dir, sizeof dir);
  assert_same(s, b, 2000000, 3000);
  pl_scenario_free(b);
  rm_tree(dir);
}

/* Same, except that a party of parley's own weighting whose sum exceeds 1
 * by rounding is refused (GENIUS would cap it). */
static bool round_trip_or_rounding(const pl_scenario *s) {
  char dir[64];
  make_tmpdir(dir, sizeof dir);
  pl_error err;
  int rc = pl_scenario_write(s, PL_FORMAT_GENIUS, dir, &err);
  rm_tree(dir);
  if (rc == PL_EUNSUPPORTED && strstr(err.message, "above 1 by rounding"))
    return false;
  check_round_trip(s);
  return true;
}

/* ------------------------------------------------------------------ */
/* fixtures                                                            */
/* ------------------------------------------------------------------ */

static void test_mixed(void **state) {
  (void)state;
  pl_scenario *s = load1(fixture("mixed"));
  assert_string_equal(pl_scenario_id(s), "mixed");
  assert_string_equal(pl_scenario_title(s), "Mixed");
  assert_string_equal(pl_scenario_description(s), "one issue of each kind");
  assert_int_equal(pl_scenario_issue_count(s), 3);
  assert_int_equal(pl_scenario_issue_kind(s, 0), PL_ISSUE_DISCRETE);
  assert_int_equal(pl_scenario_issue_kind(s, 1), PL_ISSUE_INTEGER);
  assert_int_equal(pl_scenario_issue_kind(s, 2), PL_ISSUE_REAL);
  assert_string_equal(pl_scenario_option_name(s, 0, 0), "Red");
  assert_int_equal(pl_scenario_option_count(s, 1), 5);
  assert_int_equal(pl_scenario_option_count(s, 2), 11); /* 10 intervals */
  /* the folder form: parties in file-name order */
  assert_int_equal(pl_scenario_party_count(s), 2);
  assert_string_equal(pl_scenario_party_id(s, 0), "buyer");
  assert_string_equal(pl_scenario_party_id(s, 1), "seller");
  for (int p = 0; p < 2; p++)
    assert_int_equal(pl_scenario_weighting(s, p), PL_WEIGHTS_AS_GIVEN);
  /* weights as given, not normalised */
  assert_utility(pl_scenario_weight(s, 0, 0), 0.5);
  assert_utility(pl_scenario_weight(s, 0, 1), 0.3);
  assert_utility(pl_scenario_weight(s, 0, 2), 0.4);
  assert_utility(pl_scenario_reservation(s, 0), 0.25);
  assert_utility(pl_scenario_discount(s, 0), 0.8);
  assert_utility(pl_scenario_reservation(s, 1), 0);
  assert_utility(pl_scenario_discount(s, 1), 1); /* 1.5: no discount */
  /* buyer: evaluations 2,4,1 over their maximum 4; count 0.3 (v-1) - 0.1
   * clamped to [0,1]; price 1 - 0.1 x; the sum capped at 1 */
  assert_utility(pl_scenario_value(s, 0, 0, 0), 0.5);
  assert_utility(pl_scenario_value(s, 0, 1, 0), 0);
  assert_utility(pl_scenario_value(s, 0, 1, 4), 1);
  assert_utility(util(s, 0, 1u, 4u, 0u), 1);        /* 1.2 capped */
  assert_utility(util(s, 0, 0u, 2u, 3u), 0.68);     /* .25 + .15 + .28 */
  assert_utility(util(s, 0, 2u, 0u, 10u), 0.125);
  /* seller: 0.2 (the later "red"), 0.6, 0.9 as they are; count v/4 - 1/4;
   * triangle 2..8 with top 6 */
  assert_utility(pl_scenario_value(s, 1, 0, 0), 0.2);
  assert_utility(util(s, 1, 2u, 3u, 6u), 0.9125);
  assert_utility(util(s, 1, 0u, 1u, 4u), 0.3625);
  assert_utility(util(s, 1, 1u, 0u, 8u), 0.15); /* the triangle's end: 0 */
  assert_utility(pl_scenario_value(s, 1, 2, 7), 0.5);
  pl_scenario_free(s);
}

static void test_mixed_intervals(void **state) {
  (void)state;
  pl_load_options o;
  pl_load_options_init(&o);
  o.real_intervals = 4;
  const char *p[] = {fixture("mixed/mixed.xml"), fixture("mixed/seller.xml")};
  pl_scenario *s = load(2, p, &o);
  assert_int_equal(pl_scenario_option_count(s, 2), 5);
  assert_string_equal(pl_scenario_option_id(s, 2, 1), "2.5");
  assert_utility(pl_scenario_value(s, 0, 2, 1), 0.125); /* (2.5-2)/4 */
  assert_utility(pl_scenario_value(s, 0, 2, 3), 0.25);  /* 1-(7.5-6)/2 */
  pl_scenario_free(s);
}

static void test_nonlinear(void **state) {
  (void)state;
  const char *p[] = {fixture("nonlinear/cubes.xml"),
                     fixture("nonlinear/rects.xml"),
                     fixture("nonlinear/linear.xml")};
  pl_scenario *s = load(3, p, NULL);
  assert_string_equal(pl_scenario_party_id(s, 0), "rects");
  assert_int_equal(pl_scenario_is_additive(s, 0), 0);
  assert_int_equal(pl_scenario_is_additive(s, 1), 1);
  assert_utility(pl_scenario_max_utility(s, 0), 100);
  assert_utility(pl_scenario_reservation(s, 0), 0.2);
  assert_utility(pl_scenario_discount(s, 0), 0.5);
  /* a=1 b=3 c=1: the first box, the excluded one (c outside 2..3), the
   * one without bounds */
  assert_utility(util(s, 0, 1u, 3u, 0u), 0.8);
  /* a=0 b=0 c=2: the unbounded one and the nested 20 x 2 x 0.5 */
  assert_utility(util(s, 0, 0u, 0u, 1u), 0.3);
  assert_utility(util(s, 0, 4u, 4u, 2u), 0.1);
  assert_utility(util(s, 0, 2u, 4u, 0u), 0.8);
  assert_utility(util(s, 1, 1u, 3u, 0u), 0.75);
  check_round_trip(s);
  pl_scenario_free(s);
}

static void test_sloppy(void **state) {
  (void)state;
  pl_scenario *s = load1(fixture("sloppy"));
  assert_int_equal(pl_scenario_issue_count(s), 2);
  assert_string_equal(pl_scenario_option_id(s, 0, 0), "R&D");
  assert_string_equal(pl_scenario_option_id(s, 0, 1), "Sales & Marketing");
  assert_string_equal(pl_scenario_option_id(s, 0, 2), "a<b");
  assert_string_equal(pl_scenario_issue_id(s, 1), "term");
  assert_utility(util(s, 0, 0u, 0u), 1.0);
  assert_utility(util(s, 0, 2u, 1u), 0.4);
  assert_utility(util(s, 0, 1u, 0u), 0.6 / 3 + 0.4);
  check_round_trip(s);
  pl_scenario_free(s);
}

typedef struct broken {
  const char *domain, *profile; /* relative to tests/data/genius */
  const char *file;             /* the file the error names */
  int line, col, code;
  const char *message;
} broken;

static void test_broken(void **state) {
  (void)state;
  static const broken cases[] = {
      {"broken/tag_mismatch.xml", "mixed/buyer.xml", "broken/tag_mismatch.xml",
       6, 7, PL_EPARSE,
       "malformed XML: opening and ending tag mismatch: issue line 4 and "
       "objective"},
      {"broken/unknown_type.xml", "mixed/buyer.xml", "broken/unknown_type.xml",
       4, 39, PL_EPARSE,
       "unknown issue type \"complex\"; expected discrete, integer or real"},
      {"broken/unclosed.xml", "mixed/buyer.xml", "broken/unclosed.xml", 5, 9,
       PL_EPARSE, "malformed XML: unclosed token (the file ends inside it)"},
      {"mixed/mixed.xml", "broken/doctype.xml", "broken/doctype.xml", 2, 1,
       PL_EPARSE,
       "document type declarations (<!DOCTYPE ...>) are not supported in "
       "GENIUS files"},
      {"mixed/mixed.xml", "broken/bad_evaluation.xml",
       "broken/bad_evaluation.xml", 5, 49, PL_EPARSE,
       "expected a number for the evaluation of \"green\", found \"lots\""},
      {"mixed/mixed.xml", "broken/missing_evaluation.xml",
       "broken/missing_evaluation.xml", 3, 5, PL_EPARSE,
       "issue \"color\" has no evaluation for its option \"blue\""},
      {"mixed/mixed.xml", "broken/bad_reservation.xml",
       "broken/bad_reservation.xml", 5, 23, PL_EPARSE,
       "reservation value 1.5 is outside [0,1]"},
      {"nonlinear/cubes.xml", "broken/bad_bound.xml", "broken/bad_bound.xml", 6,
       28, PL_EPARSE, "the domain has no issue with index 9"},
      /* numbers beyond what parley holds exactly: refused, not wrapped */
      {"broken/int_domain.xml", "broken/int_min_bound.xml",
       "broken/int_min_bound.xml", 3, 58, PL_ERANGE,
       "the lower bound is -9223372036854775808, beyond 2^53 "
       "(9007199254740992), the largest whole number parley holds exactly"},
      {"broken/int_huge_domain.xml", "broken/int_min_bound.xml",
       "broken/int_huge_domain.xml", 4, 90, PL_ERANGE,
       "the upper bound is 9007199254740993, beyond 2^53 "
       "(9007199254740992), the largest whole number parley holds exactly"},
      {"broken/real_wide_domain.xml", "broken/int_min_bound.xml",
       "broken/real_wide_domain.xml", 4, 84, PL_ERANGE,
       "issue \"x\": the range from -1e+308 to 1e+308 is wider than the "
       "largest number a double holds (about 1.8e308)"},
      {"mixed/mixed.xml", "mixed/buyer.xml", "mixed/buyer.xml", 1, 1,
       PL_EPARSE,
       "two profiles give the party id \"buyer\": party ids come from the "
       "profile file names"},
  };
  for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
    const broken *c = &cases[k];
    bool twice = k == sizeof cases / sizeof *cases - 1;
    const char *p[] = {fixture(c->domain), fixture(c->profile),
                       fixture(c->profile)};
    pl_scenario *s = (pl_scenario *)&s;
    pl_error err;
    memset(&err, 0, sizeof err);
    int rc = pl_scenario_load_inputs(p, twice ? 3 : 2, NULL, &s, &err);
    assert_rc(rc, c->code);
    assert_null(s);
    assert_int_equal(err.code, c->code);
    assert_string_equal(err.file, fixture(c->file));
    if (err.line != c->line || err.column != c->col ||
        strcmp(err.message, c->message))
      fail_msg("%s: got %d:%d: %s; expected %d:%d: %s", c->file, err.line,
               err.column, err.message, c->line, c->col, c->message);
  }
}

/* Files written here: name -> text. */
static const char *write_tmp(const char *dir, const char *name,
                             const char *text) {
  static char buf[4][4200];
  static int k;
  k = (k + 1) % 4;
  snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
  FILE *f = fopen(buf[k], "wb");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
  return buf[k];
}

static int try_load(const char *dir, const char *domain, const char *profile,
                    pl_error *err) {
  const char *p[2];
  p[0] = write_tmp(dir, "d.xml", domain);
  p[1] = write_tmp(dir, "p.xml", profile);
  pl_scenario *s = NULL;
  memset(err, 0, sizeof *err);
  int rc = pl_scenario_load_inputs(p, 2, NULL, &s, err);
  pl_scenario_free(s);
  return rc;
}

#define DOMAIN1                                                               \
  "<negotiation_template><utility_space><objective index=\"0\" "             \
  "name=\"root\"><issue index=\"1\" name=\"x\"><item value=\"a\"/><item "     \
  "value=\"b\"/></issue></objective></utility_space></negotiation_template>"
#define PROFILE1                                                              \
  "<utility_space><objective index=\"0\"><issue index=\"1\" name=\"x\"><item " \
  "value=\"a\" evaluation=\"1\"/><item value=\"b\" evaluation=\"0\"/></issue>" \
  "<weight index=\"1\" value=\"1\"/></objective></utility_space>"

static void test_hostile(void **state) {
  (void)state;
  char dir[64];
  make_tmpdir(dir, sizeof dir);
  pl_error err;
  assert_rc(try_load(dir, DOMAIN1, PROFILE1, &err), PL_OK);
  /* an integer issue of 10^9 values */
  assert_rc(try_load(dir,
                     "<negotiation_template><utility_space><objective "
                     "index=\"0\"><issue index=\"1\" name=\"x\" type=\"integer\" "
                     "lowerbound=\"0\" upperbound=\"999999999\"/></objective>"
                     "</utility_space></negotiation_template>",
                     PROFILE1, &err),
            PL_ETOOBIG);
  /* entities cannot expand: no DOCTYPE at all */
  assert_rc(try_load(dir, DOMAIN1,
                     "<!DOCTYPE x [<!ENTITY a \"aaaa\"><!ENTITY b "
                     "\"&a;&a;&a;&a;\">]><utility_space>&b;</utility_space>",
                     &err),
            PL_EPARSE);
  /* no network, no external files */
  assert_rc(try_load(dir, DOMAIN1,
                     "<utility_space xmlns:xi=\"http://www.w3.org/2001/"
                     "XInclude\"><xi:include href=\"/etc/passwd\"/>"
                     "</utility_space>",
                     &err),
            PL_EPARSE); /* no weighted evaluation: the include is ignored */
  /* deep nesting */
  size_t depth = 100000;
  char *deep = malloc(depth * 7 + 64);
  char *q = deep;
  q += sprintf(q, "<utility_space>");
  for (size_t k = 0; k < depth; k++) q += sprintf(q, "<o>");
  for (size_t k = 0; k < depth; k++) q += sprintf(q, "</o>");
  sprintf(q, "</utility_space>");
  assert_rc(try_load(dir, DOMAIN1, deep, &err), PL_EPARSE);
  free(deep);
  /* a file above the size limit */
  size_t big = (17u << 20);
  char *huge = malloc(big + 1);
  memset(huge, ' ', big);
  memcpy(huge, "<utility_space>", 15);
  huge[big] = 0;
  assert_rc(try_load(dir, DOMAIN1, huge, &err), PL_ETOOBIG);
  free(huge);
  /* no space between attributes, raw '&', CRLF, the declaration after a
   * comment, ISO-8859-1 without declaration */
  assert_rc(try_load(dir, DOMAIN1,
                     "<!-- x -->\r\n<?xml version=\"1.0\"?>\r\n<utility_space>"
                     "<objective index=\"0\"><issue index=\"1\"name=\"x&y\">"
                     "<item value=\"a\"evaluation=\"1\"/><item value=\"b\" "
                     "evaluation=\"0\"/></issue><weight index=\"1\" "
                     "value=\"1\"/></objective></utility_space>",
                     &err),
            PL_OK);
  assert_rc(try_load(dir,
                     "<negotiation_template><utility_space><objective "
                     "index=\"0\" name=\"caf\xe9\"><issue index=\"1\" "
                     "name=\"x\"><item value=\"a\"/><item value=\"b\"/>"
                     "</issue></objective></utility_space>"
                     "</negotiation_template>",
                     PROFILE1, &err),
            PL_OK);
  /* an encoding expat does not read: refused by name, at the declaration,
   * not a message on stderr */
  assert_rc(try_load(dir, DOMAIN1,
                     "<?xml version=\"1.0\" encoding=\"EUC-JP\"?>\n"
                     "<utility_space name=\"\xff\xff\xff\xff\"/>",
                     &err),
            PL_EUNSUPPORTED);
  assert_string_equal(err.message,
                      "the encoding \"EUC-JP\" is not supported: GENIUS files "
                      "are read in UTF-8, UTF-16, ISO-8859-1 or US-ASCII");
  assert_int_equal(err.line, 1);
  /* a declared encoding the bytes do not follow: an error at the bad byte */
  assert_rc(try_load(dir, DOMAIN1,
                     "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                     "<utility_space name=\"ab\xff\xff\"/>",
                     &err),
            PL_EPARSE);
  assert_string_equal(err.message, "malformed XML: not well-formed (invalid "
                                   "token)");
  assert_int_equal(err.line, 2);
  assert_int_equal(err.column, 24);
  /* a NUL byte */
  const char *p[2] = {write_tmp(dir, "d.xml", DOMAIN1),
                      write_tmp(dir, "p.xml", "")};
  FILE *f = fopen(p[1], "wb");
  fwrite("<utility_space>\0</utility_space>", 1, 32, f);
  fclose(f);
  pl_scenario *s = NULL;
  assert_rc(pl_scenario_load_inputs(p, 2, NULL, &s, &err), PL_EPARSE);
  assert_int_equal(err.line, 1);
  assert_int_equal(err.column, 16);
  rm_tree(dir);
}

/* What expat refuses, with its place in the original file (line and
 * column, columns in characters, counted before the pre-pass's repairs)
 * and a message saying what is wrong. */
typedef struct xml_case {
  const char *what, *text;
  int code, line, col;
  const char *message;
} xml_case;

static void test_xml_errors(void **state) {
  (void)state;
  char dir[64];
  make_tmpdir(dir, sizeof dir);
  /* deeper than the parser's limit of 256 elements */
  static char deep[300 * 7 + 64];
  char *q = deep;
  q += sprintf(q, "<utility_space>\n");
  for (int k = 0; k < 300; k++) q += sprintf(q, "<o>");
  for (int k = 0; k < 300; k++) q += sprintf(q, "</o>");
  sprintf(q, "</utility_space>");
  static const xml_case cases[] = {
      {"billion laughs",
       "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [<!ENTITY lol \"lol\">"
       "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">]>\n"
       "<utility_space a=\"&lol2;\"/>",
       PL_EPARSE, 2, 1,
       "document type declarations (<!DOCTYPE ...>) are not supported in "
       "GENIUS files"},
      {"external entity",
       "  <!DOCTYPE u [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
       "<utility_space>&x;</utility_space>",
       PL_EPARSE, 1, 3,
       "document type declarations (<!DOCTYPE ...>) are not supported in "
       "GENIUS files"},
      {"tag mismatch after a repaired '&' on the same line",
       "<utility_space name=\"a&b\"><objective></utility_space>", PL_EPARSE,
       1, 38,
       "malformed XML: opening and ending tag mismatch: objective line 1 "
       "and utility_space"},
      {"duplicate attribute after a repaired '&'",
       "<utility_space>\n  <objective name=\"a&b\"name=\"c\"/>\n"
       "</utility_space>",
       PL_EPARSE, 2, 24, "malformed XML: duplicate attribute"},
      {"truncated inside an element", "<utility_space>\n  <objective>\n",
       PL_EPARSE, 3, 1,
       "malformed XML: the file ends inside <objective> (line 2)"},
      {"truncated inside a comment", "<utility_space>\n <!-- x", PL_EPARSE, 2,
       2, "malformed XML: unclosed token (the file ends inside it)"},
      {"empty", "", PL_EPARSE, 1, 1, "malformed XML: no element found"},
      /* (without a declared encoding such bytes are read as ISO-8859-1) */
      {"invalid UTF-8 with a multibyte character before it",
       "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
       "<utility_space name=\"caf\xc3\xa9\x80\"/>",
       PL_EPARSE, 2, 26,
       "malformed XML: not well-formed (invalid token)"},
      {"deep nesting", deep, PL_EPARSE, 2, 766,
       "elements nested deeper than 256"},
      {"undeclared namespace prefix", "<utility_space>\n<x:o/></utility_space>",
       PL_EPARSE, 2, 1, "malformed XML: unbound prefix"},
      {"two roots", "<utility_space/>\n <utility_space/>", PL_EPARSE, 2, 2,
       "malformed XML: junk after document element"},
  };
  for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
    const xml_case *c = &cases[k];
    pl_error err;
    int rc = try_load(dir, DOMAIN1, c->text, &err);
    if (rc != c->code || err.line != c->line || err.column != c->col ||
        strcmp(err.message, c->message))
      fail_msg("%s: got %d, %d:%d: %s; expected %d, %d:%d: %s", c->what, rc,
               err.line, err.column, err.message, c->code, c->line, c->col,
               c->message);
  }
  rm_tree(dir);
}

static void test_alloc_failures(void **state) {
  (void)state;
  const char *p[] = {fixture("mixed/mixed.xml"), fixture("mixed/buyer.xml"),
                     fixture("mixed/seller.xml")};
  const char *q[] = {fixture("nonlinear/cubes.xml"),
                     fixture("nonlinear/rects.xml")};
  for (int which = 0; which < 2; which++) {
    bool done = false;
    for (long n = 0; !done && n < 100000; n++) {
      pl_scenario *s = NULL;
      pl_error err;
      pl__alloc_fail_after(n);
      int rc = which ? pl_scenario_load_inputs(q, 2, NULL, &s, &err)
                     : pl_scenario_load_inputs(p, 3, NULL, &s, &err);
      pl__alloc_fail_after(-1);
      if (rc == PL_OK) {
        done = true;
        char dir[64];
        make_tmpdir(dir, sizeof dir);
        for (long m = 0;; m++) {
          pl__alloc_fail_after(m);
          int wrc = pl_scenario_write(s, PL_FORMAT_GENIUS, dir, &err);
          pl__alloc_fail_after(-1);
          if (wrc == PL_OK) break;
          assert_rc(wrc, PL_ENOMEM);
        }
        rm_tree(dir);
      } else {
        assert_rc(rc, PL_ENOMEM);
        assert_null(s);
      }
      pl_scenario_free(s);
    }
    assert_true(done);
  }
}

/* ------------------------------------------------------------------ */
/* the writer                                                          */
/* ------------------------------------------------------------------ */

static void test_round_trip_fixtures(void **state) {
  (void)state;
  pl_scenario *s = load1(fixture("mixed"));
  char dir[64];
  pl_scenario *b = round_trip(s, dir, sizeof dir);
  assert_same(s, b, 1000000, 0);
  /* the integer issue's values are linear: it stays an integer issue; the
   * real one comes back as its grid of discrete options */
  assert_int_equal(pl_scenario_issue_kind(b, 1), PL_ISSUE_INTEGER);
  assert_int_equal(pl_scenario_issue_kind(b, 2), PL_ISSUE_DISCRETE);
  assert_string_equal(pl_scenario_title(b), "Mixed");
  assert_string_equal(pl_scenario_option_name(b, 0, 0), "Red");
  pl_scenario_free(b);
  rm_tree(dir);
  pl_scenario_free(s);
}

/* A scenario built from C: parley's own weighting, each kind of issue,
 * values that no linear evaluator gives, a reservation outcome. */
static pl_scenario *built(void) {
  pl_scenario *s = pl_scenario_new("built");
  const char *opts[] = {"a", "b & c", "<d>", NULL};
  tu_issue(s, "disc", opts);
  TU_OK(pl_scenario_add_integer_issue(s, "lin", NULL, 10, 14, 1, NULL));
  TU_OK(pl_scenario_add_integer_issue(s, "bumpy", NULL, 0, 3, 1, NULL));
  TU_OK(pl_scenario_add_integer_issue(s, "even", NULL, 0, 8, 2, NULL));
  TU_OK(pl_scenario_add_real_issue(s, "r", NULL, 0.5, 2, 0.25, NULL));
  int p0 = tu_party(s, "p0", 0.1), p1 = tu_party(s, "p1", 0);
  double w0[] = {3, 1, 2, 1, 7}, w1[] = {1, 1, 1, 1, 1};
  for (int i = 0; i < 5; i++) {
    tu_weight(s, p0, i, w0[i]);
    tu_weight(s, p1, i, w1[i]);
  }
  double d[] = {0.1, 0.7, 1}, lin[] = {0, 0.25, 0.5, 0.75, 1};
  double bumpy[] = {0.3, 0.9, 0.1, 0.5}, even[] = {1, 0.5, 0.2, 0.1, 0};
  tu_values(s, p0, 0, 3, d);
  tu_values(s, p0, 1, 5, lin);
  tu_values(s, p0, 2, 4, bumpy);
  tu_values(s, p0, 3, 5, even);
  double x[] = {0.5, 2}, v[] = {0.2, 0.9};
  TU_OK(pl_scenario_set_value_function(s, p0, 4, 2, x, v, NULL));
  TU_OK(pl_scenario_set_weighting(s, p1, PL_WEIGHTS_AS_GIVEN, NULL));
  double neg[] = {-0.5, 1, 0.25};
  tu_values(s, p1, 0, 3, neg);
  tu_values(s, p1, 1, 5, lin);
  TU_OK(pl_scenario_set_discount(s, p1, 0.75, NULL));
  uint32_t ro[] = {1, 2, 0, 3, 4};
  TU_OK(pl_scenario_set_reservation_outcome(s, p1, ro, NULL));
  TU_OK(pl_scenario_set_text(s, "Built", "from C", NULL));
  return s;
}

/* One integer issue of n values (and a discrete one), the two parties
 * valuing it increasing and decreasing (parley's own k / (n - 1)). */
static pl_scenario *long_range(uint32_t n) {
  pl_scenario *s = pl_scenario_new("long");
  const char *opts[] = {"a", "b", NULL};
  tu_issue(s, "c", opts);
  TU_OK(pl_scenario_add_integer_issue(s, "n", NULL, 1, (int64_t)n, 1, NULL));
  int p0 = tu_party(s, "up", 0), p1 = tu_party(s, "down", 0);
  double x[] = {1, (double)n}, up[] = {0, 1}, down[] = {1, 0};
  TU_OK(pl_scenario_set_value_function(s, p0, 1, 2, x, up, NULL));
  TU_OK(pl_scenario_set_value_function(s, p1, 1, 2, x, down, NULL));
  double ab[] = {1, 0}, ba[] = {0, 1};
  tu_values(s, p0, 0, 2, ab);
  tu_values(s, p1, 0, 2, ba);
  TU_OK(pl_scenario_set_weight(s, p0, 0, 0.5, NULL));
  TU_OK(pl_scenario_set_weight(s, p0, 1, 0.5, NULL));
  TU_OK(pl_scenario_set_weight(s, p1, 0, 0.5, NULL));
  TU_OK(pl_scenario_set_weight(s, p1, 1, 0.5, NULL));
  tu_finish(s);
  return s;
}

/* What convert writes, parley reads back, at every size the readers take
 * (issue 19: 400,000 values as one item each made a domain file over the
 * reader's 16 MiB). GENIUS: a long linear range is written by its bounds,
 * utilities equal to 12 digits (bit for bit up to 10,000 values). YAML: a
 * line is written by its ends, bit for bit. */
static void test_round_trip_sizes(void **state) {
  (void)state;
  static const uint32_t sizes[] = {2, 3, 10000, 10001, 400000};
  for (size_t z = 0; z < sizeof sizes / sizeof *sizes; z++) {
    pl_scenario *s = long_range(sizes[z]);
    char dir[64];
    pl_scenario *b = round_trip(s, dir, sizeof dir);
    assert_int_equal(pl_scenario_option_count(b, 1), sizes[z]);
    tu_rng r = {sizes[z]};
    uint32_t o[2];
    for (int t = 0; t < 2000; t++) {
      o[0] = (uint32_t)(tu_next(&r) % 2);
      o[1] = t < 2 ? (uint32_t)t * (sizes[z] - 1)
                   : (uint32_t)(tu_next(&r) % sizes[z]);
      for (int p = 0; p < 2; p++) {
        double ua = pl_scenario_utility(s, p, o),
               ub = pl_scenario_utility(b, p, o);
        if (sizes[z] <= 10000 ? ua != ub : fabs(ua - ub) > 1e-12)
          fail_msg("%u values, party %d, option %u: %.17g became %.17g",
                   sizes[z], p, o[1], ua, ub);
      }
    }
    pl_scenario_free(b);
    /* the YAML writer: the same, bit for bit */
    char path[128];
    snprintf(path, sizeof path, "%s/long.yaml", dir);
    pl_error err;
    TU_OK(pl_scenario_write(s, PL_FORMAT_YAML, path, &err));
    b = NULL;
    if (pl_scenario_load(path, &b, &err))
      fail_msg("%u values: %s:%d:%d: %s", sizes[z], err.file, err.line,
               err.column, err.message);
    assert_same(s, b, 1000, 2000);
    pl_scenario_free(b);
    rm_tree(dir);
    pl_scenario_free(s);
  }
}

static void test_round_trip_built(void **state) {
  (void)state;
  pl_scenario *s = built();
  tu_finish(s);
  char dir[64];
  pl_scenario *b = round_trip(s, dir, sizeof dir);
  assert_same(s, b, 1000000, 0);
  assert_int_equal(pl_scenario_issue_kind(b, 1), PL_ISSUE_INTEGER);
  assert_int_equal(pl_scenario_issue_kind(b, 2), PL_ISSUE_DISCRETE);
  assert_int_equal(pl_scenario_issue_kind(b, 3), PL_ISSUE_DISCRETE);
  assert_int_equal(pl_scenario_issue_kind(b, 4), PL_ISSUE_DISCRETE);
  assert_string_equal(pl_scenario_option_id(b, 0, 2), "<d>");
  assert_string_equal(pl_scenario_description(b), "from C");
  pl_scenario_free(b);
  rm_tree(dir);
  pl_scenario_free(s);
}

/* Random scenarios of parley's own weighting round-trip too. */
static void test_round_trip_random(void **state) {
  (void)state;
  tu_rng r = {42};
  int refused = 0;
  for (int t = 0; t < 200; t++) {
    pl_scenario *s = pl_scenario_new("random");
    int ni = 1 + tu_below(&r, 4), np = 2 + tu_below(&r, 3);
    for (int i = 0; i < ni; i++) {
      char id[16];
      snprintf(id, sizeof id, "i%d", i);
      int kind = tu_below(&r, 3);
      if (kind == 0)
        tu_issue_n(s, id, 1 + (uint32_t)tu_below(&r, 5));
      else if (kind == 1)
        TU_OK(pl_scenario_add_integer_issue(s, id, NULL, -2, tu_below(&r, 4),
                                            1, NULL));
      else
        TU_OK(pl_scenario_add_real_issue(s, id, NULL, 0, 1, 0.125, NULL));
    }
    for (int p = 0; p < np; p++) {
      char id[16];
      snprintf(id, sizeof id, "p%d", p);
      tu_party(s, id, tu_below(&r, 3) / 4.0);
      if (tu_below(&r, 2))
        TU_OK(pl_scenario_set_weighting(s, p, PL_WEIGHTS_AS_GIVEN, NULL));
      int any = 0;
      for (int i = 0; i < ni; i++) {
        int w = tu_below(&r, 5);
        any += w;
        tu_weight(s, p, i, w == 4 ? 1.0 / 3 : w / 7.0);
        for (uint32_t k = 0; k < pl_scenario_option_count(s, i); k++)
          TU_OK(pl_scenario_set_value(s, p, i, k, tu_below(&r, 11) / 10.0,
                                      NULL));
      }
      if (!any) tu_weight(s, p, 0, 1);
    }
    tu_finish(s);
    refused += !round_trip_or_rounding(s);
    pl_scenario_free(s);
  }
  print_message("%d of 200 refused for a sum above 1 by rounding\n", refused);
  assert_true(refused < 100);
}

static void assert_refused(pl_scenario *s, const char *what) {
  char dir[64];
  make_tmpdir(dir, sizeof dir);
  pl_error err;
  memset(&err, 0, sizeof err);
  assert_rc(pl_scenario_write(s, PL_FORMAT_GENIUS, dir, &err), PL_EUNSUPPORTED);
  if (!strstr(err.message, what))
    fail_msg("message \"%s\" does not mention \"%s\"", err.message, what);
  /* nothing written */
  DIR *d = opendir(dir);
  int files = 0;
  struct dirent *e;
  while ((e = readdir(d))) files += e->d_name[0] != '.';
  closedir(d);
  assert_int_equal(files, 0);
  rm_tree(dir);
}

static void test_write_refuses(void **state) {
  (void)state;
  pl_scenario *s = built();
  tu_rule(s, 0, "no-a", pl_expr_not(tu_in1(0, 0)));
  tu_finish(s);
  assert_refused(s, "red line");
  pl_scenario_free(s);

  s = built();
  uint32_t sq[] = {0, 0, 0, 0, 0};
  TU_OK(pl_scenario_set_status_quo(s, -1, sq, NULL));
  tu_finish(s);
  assert_refused(s, "status quo");
  pl_scenario_free(s);

  s = built();
  TU_OK(pl_scenario_set_status_quo(s, 1, sq, NULL));
  tu_finish(s);
  assert_refused(s, "status quo");
  pl_scenario_free(s);

  s = built();
  TU_OK(pl_scenario_set_value(s, 1, 0, 1, 1.5, NULL)); /* as given */
  tu_finish(s);
  assert_refused(s, "above 1");
  pl_scenario_free(s);

  s = built();
  int p = tu_party(s, "hyper", 0);
  TU_OK(pl_scenario_set_rectangles(s, p, 10, NULL));
  int is[] = {0};
  uint32_t lo[] = {0}, hi[] = {1};
  TU_OK(pl_scenario_add_rectangle(s, p, 5, 1, is, lo, hi, NULL));
  tu_finish(s);
  assert_refused(s, "hyper-rectangles over issue \"disc\"");
  pl_scenario_free(s);

  s = built();
  tu_party(s, "a/b", 0);
  tu_weight(s, 2, 0, 1);
  tu_finish(s);
  assert_refused(s, "cannot be a file name");
  pl_scenario_free(s);

  s = built();
  tu_party(s, "built", 0);
  tu_weight(s, 2, 0, 1);
  tu_finish(s);
  assert_refused(s, "domain file");
  pl_scenario_free(s);
}

/* ------------------------------------------------------------------ */
/* the GENIUS samples                                                  */
/* ------------------------------------------------------------------ */

/* Every folder under dir that holds .xml files. */
static void each_folder(const char *dir, void (*fn)(const char *, void *),
                        void *ctx) {
  DIR *d = opendir(dir);
  if (!d) return;
  char **names = NULL;
  size_t n = 0;
  bool xml = false;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.') continue;
    size_t len = strlen(e->d_name);
    if (len > 4 && !strcmp(e->d_name + len - 4, ".xml")) xml = true;
    names = realloc(names, (n + 1) * sizeof *names);
    names[n] = malloc(strlen(dir) + len + 2);
    sprintf(names[n++], "%s/%s", dir, e->d_name);
  }
  closedir(d);
  if (xml) fn(dir, ctx);
  for (size_t k = 0; k < n; k++) {
    struct stat st;
    if (stat(names[k], &st) == 0 && S_ISDIR(st.st_mode))
      each_folder(names[k], fn, ctx);
    free(names[k]);
  }
  free(names);
}

static void sample_loads(const char *dir, void *ctx) {
  pl_scenario *s = load1(dir);
  assert_true(pl_scenario_party_count(s) >= 2);
  ++*(int *)ctx;
  pl_scenario_free(s);
}

static void test_samples_load(void **state) {
  (void)state;
  const char *data = shared_data();
  if (!data) skip();
  char dir[4200];
  snprintf(dir, sizeof dir, "%s/genius", data);
  int n = 0;
  each_folder(dir, sample_loads, &n);
  assert_true(n >= 50);
  print_message("loaded %d GENIUS folders\n", n);
}

static void sample_round_trip(const char *dir, void *ctx) {
  pl_scenario *s = load1(dir);
  check_round_trip(s);
  ++*(int *)ctx;
  pl_scenario_free(s);
}

static void test_samples_round_trip(void **state) {
  (void)state;
  const char *data = shared_data();
  if (!data) skip();
  char dir[4200];
  snprintf(dir, sizeof dir, "%s/genius", data);
  int n = 0;
  each_folder(dir, sample_round_trip, &n);
  assert_true(n >= 50);
  /* the fixtures too */
  sample_round_trip(fixture("mixed"), &n);
  sample_round_trip(fixture("sloppy"), &n);
}

/* The Pareto frontier of two parties, with the library's tolerance: the
 * exact staircase first, then the tolerance rule of testutil.h on it. */
static int cmp_pt(const void *a, const void *b) {
  const double *x = a, *y = b;
  if (x[0] != y[0]) return x[0] > y[0] ? -1 : 1;
  if (x[1] != y[1]) return x[1] > y[1] ? -1 : 1;
  return 0;
}

static size_t frontier_counts(const pl_scenario *s, size_t *exact) {
  uint64_t n;
  assert_rc(pl_scenario_outcome_count(s, &n), PL_OK);
  double *u = malloc((size_t)n * 2 * sizeof *u);
  uint32_t o[64];
  for (uint64_t k = 0; k < n; k++) {
    pl_scenario_decode(s, k, o);
    u[2 * k] = pl_scenario_utility(s, 0, o);
    u[2 * k + 1] = pl_scenario_utility(s, 1, o);
  }
  qsort(u, (size_t)n, 2 * sizeof *u, cmp_pt);
  size_t m = 0;
  double best = -INFINITY;
  for (uint64_t k = 0; k < n; k++)
    if (u[2 * k + 1] > best) {
      best = u[2 * k + 1];
      u[2 * m] = u[2 * k];
      u[2 * m + 1] = u[2 * k + 1];
      m++;
    }
  *exact = m;
  size_t *keep = malloc((m ? m : 1) * sizeof *keep);
  size_t t = tu_frontier(u, m, 2, keep);
  free(keep);
  free(u);
  return t;
}

/* [a, b] */
static void parse_pair(const char *s, double *a, double *b) {
  if (sscanf(s, " [%lf, %lf]", a, b) != 2) fail_msg("bad pair \"%s\"", s);
}

static void test_domains_tsv(void **state) {
  (void)state;
  const char *data = shared_data();
  if (!data) skip();
  char path[4200];
  snprintf(path, sizeof path, "%s/DOMAINS.tsv", data);
  FILE *f = fopen(path, "r");
  if (!f) skip();
  char line[8192];
  int rows = 0;
  bool header = true;
  while (fgets(line, sizeof line, f)) {
    if (header) {
      header = false;
      continue;
    }
    line[strcspn(line, "\r\n")] = 0;
    char *col[12] = {0};
    int nc = 0;
    for (char *p = line; nc < 12;) {
      col[nc++] = p;
      char *t = strchr(p, '\t');
      if (!t) break;
      *t = 0;
      p = t + 1;
    }
    if (nc < 7 || strncmp(col[0], "genius/", 7)) continue;
    char *end;
    unsigned long long outcomes = strtoull(col[3], &end, 10);
    if (end == col[3] || *end) continue; /* "inf", empty */
    char dom[4200], p1[4200], p2[4200], prof[2][1024];
    snprintf(dom, sizeof dom, "%s/%s", data, col[0]);
    if (sscanf(col[4], "%1023s %1023s", prof[0], prof[1]) != 2) {
      /* no profiles named (the 10^10 ANAC 2014 domain): the folder, and
       * its outcome count only */
      *strrchr(dom, '/') = 0;
      pl_scenario *s = load1(dom);
      char count[128];
      assert_rc(pl_scenario_outcome_count_text(s, count, sizeof count), PL_OK);
      assert_string_equal(count, col[3]);
      pl_scenario_free(s);
      rows++;
      continue;
    }
    snprintf(p1, sizeof p1, "%s/genius/%s", data, prof[0]);
    snprintf(p2, sizeof p2, "%s/genius/%s", data, prof[1]);
    const char *paths[] = {dom, p1, p2};
    pl_scenario *s = load(3, paths, NULL);
    uint64_t n;
    assert_rc(pl_scenario_outcome_count(s, &n), PL_OK);
    if (n != outcomes)
      fail_msg("%s: %llu outcomes, DOMAINS.tsv says %llu", col[0],
               (unsigned long long)n, outcomes);
    pl_analysis *a = tu_analyze(s);
    size_t pareto = pl_analysis_pareto_count(a);
    size_t want = (size_t)strtoull(col[5], NULL, 10);
    if (pareto != want) {
      /* The table compares utilities exactly, so float noise (0.785 vs
       * 0.7850000000000001) keeps points the library's tolerance treats as
       * one utility; then the count must be the tolerance count of an
       * independent enumeration, and the table's within the exact one. */
      size_t exact, tol = frontier_counts(s, &exact);
      if (pareto != tol || want > exact || want < tol)
        fail_msg("%s: Pareto frontier of %zu points, DOMAINS.tsv says %zu "
                 "(brute force: %zu with tolerance, %zu exact)",
                 col[0], pareto, want, tol, exact);
      print_message("note: %s: %zu Pareto points (DOMAINS.tsv: %zu, exact "
                    "comparison of floats: %zu)\n",
                    col[0], pareto, want, exact);
    }
    double u1, u2;
    parse_pair(col[6], &u1, &u2);
    const pl_point *nash = pl_analysis_solution(a, PL_SOLUTION_NASH);
    assert_non_null(nash);
    assert_double_near(nash->utilities[0], u1, 1e-6);
    assert_double_near(nash->utilities[1], u2, 1e-6);
    pl_analysis_free(a);
    pl_scenario_free(s);
    rows++;
  }
  fclose(f);
  assert_true(rows >= 13);
  print_message("checked %d DOMAINS.tsv rows\n", rows);
}

/* Several domains in one folder (the ANAC 2012 layout): listed one scenario
 * per domain, each loaded as FOLDER/PREFIX; the folder itself and a wrong
 * prefix are refused with the prefixes named. */
static void test_several_domains(void **state) {
  (void)state;
  const char *dir = fixture("anac2012");
  char **names;
  size_t n;
  pl_error e;
  assert_int_equal(pl_scenario_folder_list(dir, &names, &n, &e), PL_OK);
  assert_int_equal(n, 2);
  char want[4200];
  snprintf(want, sizeof want, "%s/Tiny-A", dir);
  assert_string_equal(names[0], want);
  snprintf(want, sizeof want, "%s/Tiny-B", dir);
  assert_string_equal(names[1], want);
  int parties[2] = {2, 3};
  for (size_t j = 0; j < n; j++) {
    pl_scenario *s;
    int rc = pl_scenario_load(names[j], &s, &e);
    if (rc) fail_msg("%s: %s", names[j], e.message);
    assert_int_equal(pl_scenario_party_count(s), parties[j]);
    assert_string_equal(pl_scenario_party_id(s, 0),
                        j ? "Tiny-B-prof1" : "Tiny-A-prof1");
    pl_scenario_free(s);
  }
  pl_scenario_folder_list_free(names, n);

  /* a folder of one scenario, and a file, are listed as themselves */
  const char *one = fixture("mixed");
  assert_int_equal(pl_scenario_folder_list(one, &names, &n, &e), PL_OK);
  assert_int_equal(n, 1);
  assert_string_equal(names[0], one);
  pl_scenario_folder_list_free(names, n);

  pl_scenario *s;
  assert_int_equal(pl_scenario_load(dir, &s, &e), PL_EPARSE);
  assert_null(s);
  assert_non_null(strstr(e.message, "2 domains (Tiny-A, Tiny-B)"));
  assert_non_null(strstr(e.message, "FOLDER/PREFIX"));

  snprintf(want, sizeof want, "%s/Tiny-C", dir);
  assert_int_equal(pl_scenario_load(want, &s, &e), PL_EPARSE);
  assert_null(s);
  assert_non_null(strstr(e.message, "Tiny-A, Tiny-B"));
  /* a prefix needs its '-': "Tiny" is not a domain */
  snprintf(want, sizeof want, "%s/Tiny", dir);
  assert_int_equal(pl_scenario_load(want, &s, &e), PL_EPARSE);
}


/* A domain that lists an item twice (tests/data/genius/repeats): loaded as
 * GENIUS loads it -- one option per listing, in document order, each
 * listing evaluated like its value (the profile's last evaluation of it) --
 * with one warning at the first repeat. */
typedef struct warned {
  int n;
  pl_error first;
} warned;

static void on_warning(void *ctx, const pl_error *w) {
  warned *c = ctx;
  if (c->n++ == 0) c->first = *w;
}

static void test_repeated_items(void **state) {
  (void)state;
  const char *paths[] = {fixture("repeats/repeats.xml"),
                         fixture("repeats/alice.xml"),
                         fixture("repeats/bob.xml")};
  warned c = {0};
  pl_load_options o;
  pl_load_options_init(&o);
  o.warning = on_warning;
  o.warning_ctx = &c;
  pl_scenario *s = load(3, paths, &o);
  assert_int_equal(c.n, 1);
  assert_int_equal(c.first.code, PL_OK);
  assert_string_equal(c.first.file, paths[0]);
  assert_int_equal(c.first.line, 11);
  assert_int_equal(c.first.column, 9);
  assert_non_null(strstr(c.first.message, "\"small\""));
  /* GENIUS's count: 4 x 2 outcomes */
  assert_int_equal(pl_scenario_option_count(s, 0), 4);
  assert_string_equal(pl_scenario_option_id(s, 0, 0), "small");
  assert_string_equal(pl_scenario_option_id(s, 0, 1), "large");
  assert_string_equal(pl_scenario_option_id(s, 0, 2), "small#3");
  assert_string_equal(pl_scenario_option_name(s, 0, 2), "Small, again");
  assert_string_equal(pl_scenario_option_id(s, 0, 3), "small#2");
  /* alice: small 1/4, large 4/4, small#2 2/4 (max 4 > 1 divides) */
  assert_double_near(util(s, 0, 0, 0), 0.6 * 0.25 + 0.4, 1e-12);
  assert_double_near(util(s, 0, 2, 1), 0.6 * 0.25 + 0.4 * 0.5, 1e-12);
  assert_double_near(util(s, 0, 3, 0), 0.6 * 0.5 + 0.4, 1e-12);
  /* bob: small 3 (the later), large 2, small#2 0; max 3 */
  assert_double_near(util(s, 1, 0, 0), 0.5, 1e-12);
  assert_double_near(util(s, 1, 2, 0), 0.5, 1e-12);
  assert_double_near(util(s, 1, 1, 1), 0.5 * 2.0 / 3 + 0.5, 1e-12);
  assert_double_near(util(s, 1, 3, 1), 0.5, 1e-12);
  pl_scenario_free(s);
  /* no callback: the same scenario, silently */
  s = load(3, paths, NULL);
  assert_int_equal(pl_scenario_option_count(s, 0), 4);
  pl_scenario_free(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_mixed),
      cmocka_unit_test(test_several_domains),
      cmocka_unit_test(test_mixed_intervals),
      cmocka_unit_test(test_nonlinear),
      cmocka_unit_test(test_sloppy),
      cmocka_unit_test(test_broken),
      cmocka_unit_test(test_xml_errors),
      cmocka_unit_test(test_hostile),
      cmocka_unit_test(test_alloc_failures),
      cmocka_unit_test(test_round_trip_fixtures),
      cmocka_unit_test(test_round_trip_built),
      cmocka_unit_test(test_round_trip_sizes),
      cmocka_unit_test(test_round_trip_random),
      cmocka_unit_test(test_write_refuses),
      cmocka_unit_test(test_samples_load),
      cmocka_unit_test(test_samples_round_trip),
      cmocka_unit_test(test_domains_tsv),
      cmocka_unit_test(test_repeated_items),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
