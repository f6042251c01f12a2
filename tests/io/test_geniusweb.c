/* The GeniusWeb JSON reader and writer (src/io/geniusweb.c) through the
 * public API: the fixtures of tests/data/geniusweb give hand-computed
 * utilities; broken files give the exact message and place; the ANL 2023
 * domains of ../shared/data/geniusweb load and agree with their
 * specials.json and with DOMAINS.tsv; writing and reading back keeps every
 * utility bit for bit; what GeniusWeb cannot express is refused. */
#include <dirent.h>
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
#include <jansson.h>

#include "core/util.h"
#include "io/formats.h"
#include "model/scenario_internal.h"
#include "parley/parley.h"
#include "testutil.h"

/* ------------------------------------------------------------------ */
/* helpers                                                             */
/* ------------------------------------------------------------------ */

static char *dup_path(const char *rel) { return strdup(tu_source_path(rel)); }

/* Loads the files named relative to the source tree (NULL-terminated). */
static int load_rel(pl_scenario **s, pl_error *err, const pl_load_options *o,
                    ...) {
  const char *paths[16];
  char *owned[16];
  size_t n = 0;
  va_list ap;
  va_start(ap, o);
  for (const char *r; (r = va_arg(ap, const char *)) && n < 16;)
    paths[n] = owned[n] = dup_path(r), n++;
  va_end(ap);
  memset(err, 0, sizeof *err);
  int rc = pl_scenario_load_inputs(paths, n, o, s, err);
  for (size_t k = 0; k < n; k++) free(owned[k]);
  return rc;
}

static pl_scenario *load_ok(const char *const *paths, size_t n,
                            const pl_load_options *o) {
  pl_scenario *s = NULL;
  pl_error err;
  memset(&err, 0, sizeof err);
  int rc = pl_scenario_load_inputs(paths, n, o, &s, &err);
  if (rc)
    fail_msg("loading %s: %s:%d:%d: %s", paths[0], err.file, err.line,
             err.column, err.message);
  return s;
}

static pl_scenario *load_dir(const char *dir) {
  return load_ok(&dir, 1, NULL);
}

static uint32_t opt(const pl_scenario *s, const char *issue, const char *id) {
  int i = pl_scenario_find_issue(s, issue);
  assert_true(i >= 0);
  int64_t k = pl_scenario_find_option(s, i, id);
  if (k < 0) fail_msg("issue %s has no option %s", issue, id);
  return (uint32_t)k;
}

static int same_bits(double a, double b) { return !memcmp(&a, &b, sizeof a); }

static void rm_rf(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) return;
  struct dirent *e;
  char p[4096];
  while ((e = readdir(d))) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
    unlink(p);
  }
  closedir(d);
  rmdir(dir);
}

static char *temp_dir(void) {
  char tmpl[] = "/tmp/pl_gw_XXXXXX";
  char *d = mkdtemp(tmpl);
  assert_non_null(d);
  return strdup(d);
}

/* Every outcome (up to `limit`, spread over the space) gives every party
 * of a the same utility in b, bit for bit; same parties (by id), issues,
 * options and reservation values. */
static void assert_same_utilities(const pl_scenario *a, const pl_scenario *b,
                                  uint64_t limit) {
  int np = pl_scenario_party_count(a), ni = pl_scenario_issue_count(a);
  assert_int_equal(pl_scenario_party_count(b), np);
  assert_int_equal(pl_scenario_issue_count(b), ni);
  assert_string_equal(pl_scenario_id(b), pl_scenario_id(a));
  for (int i = 0; i < ni; i++) {
    assert_string_equal(pl_scenario_issue_id(b, i), pl_scenario_issue_id(a, i));
    assert_int_equal(pl_scenario_option_count(b, i),
                     pl_scenario_option_count(a, i));
    for (uint32_t k = 0; k < pl_scenario_option_count(a, i); k++)
      assert_string_equal(pl_scenario_option_id(b, i, k),
                          pl_scenario_option_id(a, i, k));
  }
  int *q = calloc((size_t)np, sizeof *q);
  for (int p = 0; p < np; p++) {
    q[p] = pl_scenario_find_party(b, pl_scenario_party_id(a, p));
    assert_true(q[p] >= 0);
    assert_string_equal(pl_scenario_party_name(b, q[p]),
                        pl_scenario_party_name(a, p));
    if (!same_bits(pl_scenario_reservation(a, p),
                   pl_scenario_reservation(b, q[p])))
      fail_msg("party %s: reservation %.17g, read back %.17g",
               pl_scenario_party_id(a, p), pl_scenario_reservation(a, p),
               pl_scenario_reservation(b, q[p]));
    assert_int_equal(pl_scenario_weighting(b, q[p]), PL_WEIGHTS_AS_GIVEN);
  }
  uint64_t n;
  assert_int_equal(pl_scenario_outcome_count(a, &n), PL_OK);
  uint64_t step = n > limit ? n / limit : 1;
  uint32_t *o = calloc((size_t)ni, sizeof *o);
  for (uint64_t x = 0; x < n; x += step) {
    pl_scenario_decode(a, x, o);
    for (int p = 0; p < np; p++) {
      double ua = pl_scenario_utility(a, p, o), ub = pl_scenario_utility(b, q[p], o);
      if (!same_bits(ua, ub))
        fail_msg("party %s, outcome %llu: utility %.17g, read back %.17g",
                 pl_scenario_party_id(a, p), (unsigned long long)x, ua, ub);
    }
  }
  free(o);
  free(q);
}

/* Writes s to a new folder, reads it back twice (the files in party
 * order, and the folder) and compares. */
static void round_trip(const pl_scenario *s, uint64_t limit) {
  char *dir = temp_dir();
  pl_error err;
  memset(&err, 0, sizeof err);
  int rc = pl_scenario_write(s, PL_FORMAT_GENIUSWEB, dir, &err);
  if (rc) fail_msg("writing %s: %s", pl_scenario_id(s), err.message);
  int np = pl_scenario_party_count(s);
  char **paths = calloc((size_t)np + 1, sizeof *paths);
  for (int p = -1; p < np; p++) {
    const char *name = p < 0 ? pl_scenario_id(s) : pl_scenario_party_id(s, p);
    size_t len = strlen(dir) + strlen(name) + 8;
    paths[p + 1] = malloc(len);
    snprintf(paths[p + 1], len, "%s/%s.json", dir, name);
  }
  pl_scenario *b = load_ok((const char *const *)paths, (size_t)np + 1, NULL);
  assert_same_utilities(s, b, limit);
  pl_scenario_free(b);
  b = load_dir(dir);
  assert_same_utilities(s, b, limit);
  /* and again: what was read back writes the same files */
  char *dir2 = temp_dir();
  assert_int_equal(pl_scenario_write(b, PL_FORMAT_GENIUSWEB, dir2, &err), PL_OK);
  for (int p = -1; p < np; p++) {
    const char *name = p < 0 ? pl_scenario_id(s) : pl_scenario_party_id(s, p);
    char p2[4096];
    snprintf(p2, sizeof p2, "%s/%s.json", dir2, name);
    char *t1, *t2;
    size_t l1, l2;
    assert_int_equal(pl__read_file(paths[p + 1], 1 << 26, &t1, &l1, NULL), PL_OK);
    assert_int_equal(pl__read_file(p2, 1 << 26, &t2, &l2, NULL), PL_OK);
    if (strcmp(t1, t2)) {
      size_t at = 0, line = 1;
      while (t1[at] == t2[at]) line += t1[at++] == '\n';
      size_t from = at > 60 ? at - 60 : 0;
      fail_msg("%s.json written again differs at line %zu:\n%.120s\n---\n%.120s",
               name, line, t1 + from, t2 + from);
    }
    pl__free(t1);
    pl__free(t2);
  }
  pl_scenario_free(b);
  for (int p = 0; p <= np; p++) free(paths[p]);
  free(paths);
  rm_rf(dir);
  rm_rf(dir2);
  free(dir);
  free(dir2);
}

/* ../shared/data next to the source tree, or NULL. */
static const char *shared_data(void) {
  static char buf[4096];
  struct stat st;
  snprintf(buf, sizeof buf, "%s", tu_source_path("../shared/data"));
  if (stat(buf, &st) != 0 || !S_ISDIR(st.st_mode)) return NULL;
  return buf;
}

static const char *const anl[] = {"domain00", "domain01", "domain02",
                                  "domain05"};

/* Loads ANL2023/<name> as files (domain, profileA, profileB). */
static pl_scenario *load_anl(const char *data, const char *name) {
  char d[4096], a[4096], b[4096];
  snprintf(d, sizeof d, "%s/geniusweb/ANL2023/%s/%s.json", data, name, name);
  snprintf(a, sizeof a, "%s/geniusweb/ANL2023/%s/profileA.json", data, name);
  snprintf(b, sizeof b, "%s/geniusweb/ANL2023/%s/profileB.json", data, name);
  const char *paths[] = {d, a, b};
  return load_ok(paths, 3, NULL);
}

/* ------------------------------------------------------------------ */
/* fixtures                                                            */
/* ------------------------------------------------------------------ */

static pl_scenario *load_mixed(void) {
  pl_scenario *s = NULL;
  pl_error err;
  int rc = load_rel(&s, &err, NULL, "tests/data/geniusweb/mixed/mixed.json",
                    "tests/data/geniusweb/mixed/buyer.json",
                    "tests/data/geniusweb/mixed/seller.json", NULL);
  if (rc) fail_msg("%s:%d:%d: %s", err.file, err.line, err.column, err.message);
  return s;
}

static void test_mixed(void **state) {
  (void)state;
  pl_scenario *s = load_mixed();
  assert_string_equal(pl_scenario_id(s), "mixed");
  assert_int_equal(pl_scenario_party_count(s), 2);
  assert_string_equal(pl_scenario_party_id(s, 0), "buyer");
  assert_string_equal(pl_scenario_party_id(s, 1), "seller");
  assert_string_equal(pl_scenario_party_name(s, 1), "The seller");
  /* issues in the file's order */
  assert_int_equal(pl_scenario_issue_count(s), 4);
  const char *ids[] = {"colour", "price", "delivery", "ratio"};
  pl_issue_kind kinds[] = {PL_ISSUE_DISCRETE, PL_ISSUE_INTEGER, PL_ISSUE_REAL,
                           PL_ISSUE_REAL};
  uint32_t counts[] = {3, 5, 4, 4};
  for (int i = 0; i < 4; i++) {
    assert_string_equal(pl_scenario_issue_id(s, i), ids[i]);
    assert_int_equal(pl_scenario_issue_kind(s, i), kinds[i]);
    assert_int_equal(pl_scenario_option_count(s, i), counts[i]);
  }
  /* the grid stops below a high end that is not on it */
  assert_string_equal(pl_scenario_option_id(s, 3, 3), "0.9");
  assert_string_equal(pl_scenario_option_id(s, 1, 2), "20");
  for (int p = 0; p < 2; p++) {
    assert_int_equal(pl_scenario_weighting(s, p), PL_WEIGHTS_AS_GIVEN);
    assert_true(pl_scenario_is_additive(s, p));
  }
  /* weights as given, not renormalised */
  assert_true(same_bits(pl_scenario_weight(s, 0, 1), 0.4));
  assert_true(same_bits(pl_scenario_weight(s, 1, 0), 0.1));
  /* linear interpolation, rounded to 8 decimals as GeniusWeb does */
  assert_true(same_bits(pl_scenario_value(s, 1, 2, 1), 0.33333333));
  assert_true(same_bits(pl_scenario_value(s, 1, 2, 2), 0.66666667));
  assert_utility(pl_scenario_value(s, 0, 1, 1), 0.75);
  assert_utility(pl_scenario_value(s, 0, 2, 3), 0.4);
  assert_utility(pl_scenario_value(s, 1, 3, 1), 0.7);

  struct {
    const char *c, *p, *d, *r;
    double buyer, seller;
  } cases[] = {
      /* 0.25 + 0.4 + 0.25 + 0; 0.02 + 0 + 0 + 0.2 */
      {"red", "10", "0.5", "0", 0.9, 0.22},
      /* 0.125 + 0.2 + 0.2 + 0.03; 0.1 + 0.25 + 0.2 x 0.33333333 + 0.14 */
      {"green", "20", "1", "0.3", 0.555, 0.556666666},
      /* 0 + 0 + 0.1 + 0.09; 0.06 + 0.5 + 0.2 + 0.02 */
      {"blue", "30", "2", "0.9", 0.19, 0.78},
  };
  for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
    uint32_t o[4] = {opt(s, "colour", cases[k].c), opt(s, "price", cases[k].p),
                     opt(s, "delivery", cases[k].d),
                     opt(s, "ratio", cases[k].r)};
    assert_utility(pl_scenario_utility(s, 0, o), cases[k].buyer);
    assert_utility(pl_scenario_utility(s, 1, o), cases[k].seller);
  }
  /* buyer's reservation bid green/20/1.5/0.3: 0.125 + 0.2 + 0.15 + 0.03 */
  const uint32_t *rb = pl_scenario_reservation_outcome(s, 0);
  assert_non_null(rb);
  assert_int_equal(rb[0], opt(s, "colour", "green"));
  assert_int_equal(rb[1], opt(s, "price", "20"));
  assert_int_equal(rb[2], opt(s, "delivery", "1.5"));
  assert_int_equal(rb[3], opt(s, "ratio", "0.3"));
  assert_utility(pl_scenario_reservation(s, 0), 0.505);
  assert_true(same_bits(pl_scenario_reservation(s, 0),
                        pl_scenario_utility(s, 0, rb)));
  assert_null(pl_scenario_reservation_outcome(s, 1));
  assert_true(pl_scenario_reservation(s, 1) == 0);

  /* the folder form reads the same scenario */
  char *dir = dup_path("tests/data/geniusweb/mixed");
  pl_scenario *f = load_dir(dir);
  free(dir);
  assert_same_utilities(s, f, UINT64_MAX);
  pl_scenario_free(f);
  pl_scenario_free(s);
}

static void test_big_grid(void **state) {
  (void)state;
  pl_scenario *s = NULL;
  pl_error err;
  /* 10^8 + 1 values: more than the model holds, thinned to real_intervals
   * (10) steps of 10^7, every option still on GeniusWeb's grid */
  char *dir = dup_path("tests/data/geniusweb/big");
  s = load_dir(dir);
  assert_int_equal(pl_scenario_issue_kind(s, 0), PL_ISSUE_INTEGER);
  assert_int_equal(pl_scenario_option_count(s, 0), 11);
  assert_string_equal(pl_scenario_option_id(s, 0, 1), "10000000");
  assert_string_equal(pl_scenario_option_id(s, 0, 10), "100000000");
  int full = pl_scenario_find_party(s, "full"),
      part = pl_scenario_find_party(s, "partial");
  /* amount 5 lies between the kept options: its utility is computed as
   * GeniusWeb does, 0.5 x 0.00000005 + 0.5 x 1 */
  assert_null(pl_scenario_reservation_outcome(s, full));
  assert_utility(pl_scenario_reservation(s, full), 0.500000025);
  /* a partial bid: the issues left out count 0; 0.25 x 0.25 */
  assert_null(pl_scenario_reservation_outcome(s, part));
  assert_utility(pl_scenario_reservation(s, part), 0.0625);
  uint32_t o[2] = {3, 1};
  assert_utility(pl_scenario_utility(s, full, o), 0.5 * 0.3);
  assert_utility(pl_scenario_utility(s, part, o), 0.75 * 0.7 + 0.25);
  pl_scenario_free(s);

  pl_load_options lo;
  pl_load_options_init(&lo);
  lo.real_intervals = 4;
  const char *p = dir;
  s = load_ok(&p, 1, &lo);
  assert_int_equal(pl_scenario_option_count(s, 0), 5);
  assert_string_equal(pl_scenario_option_id(s, 0, 1), "25000000");
  pl_scenario_free(s);

  /* a grid that is not a whole number of steps of the thinned one */
  lo.real_intervals = 3;
  s = load_ok(&p, 1, &lo);
  assert_int_equal(pl_scenario_option_count(s, 0), 3); /* 0, 33333334, ... */
  assert_string_equal(pl_scenario_option_id(s, 0, 1), "33333334");
  pl_scenario_free(s);
  free(dir);
  (void)err;
}

/* ------------------------------------------------------------------ */
/* broken files                                                        */
/* ------------------------------------------------------------------ */

static void test_bad_files(void **state) {
  (void)state;
  static const struct {
    const char *domain, *profile;
    int code, line, col;
    const char *message;
  } cases[] = {
      {"dom_syntax", "good", PL_EPARSE, 2, 25,
       "invalid JSON: unexpected token near ']'"},
      {"dom_duplicate_key", "good", PL_EPARSE, 1, 20,
       "invalid JSON: duplicate object key near '\"name\"'"},
      {"dom_number_value", "good", PL_EPARSE, 4, 27,
       "expected a string for value 2 of issue \"i\", found a number: "
       "GeniusWeb's discrete values are strings (a numeric issue is a "
       "\"range\")"},
      {"dom_duplicate_value", "good", PL_EPARSE, 4, 32,
       "value \"a\" of issue \"i\" is listed twice (values 1 and 3)"},
      {"dom_unknown_key", "good", PL_EPARSE, 4, 3,
       "unknown key \"description\" in a domain; expected one of: name, "
       "issuesValues"},
      {"dom_zero_step", "good", PL_EPARSE, 4, 50,
       "the step of issue \"n\" must be positive, got 0"},
      {"dom_beyond_2p53", "good", PL_EPARSE, 4, 28,
       "\"low\" of issue \"n\" is -9223372036854775808, beyond 2^53 "
       "(9007199254740992), the largest whole number parley holds exactly"},
      {"dom_2p53_plus_1", "good", PL_EPARSE, 4, 39,
       "\"high\" of issue \"n\" is 9007199254740993, beyond 2^53 "
       "(9007199254740992), the largest whole number parley holds exactly"},
      {"dom_no_step", "good", PL_EPARSE, 4, 20,
       "the range of issue \"n\" has no \"step\""},
      {"dom_value_set", "good", PL_EPARSE, 4, 11,
       "unknown key \"options\" in the values of issue \"i\"; expected "
       "{\"values\": [...]} or {\"range\": {\"low\", \"high\", \"step\"}}"},
      {"dom", "kind", PL_EPARSE, 2, 3,
       "profile kind \"SumOfGroupsUtilitySpace\" is not supported: parley "
       "reads LinearAdditiveUtilitySpace profiles"},
      {"dom", "wrapper", PL_EPARSE, 4, 13,
       "unknown kind of value utilities \"LinearValueSetUtilities\" for issue "
       "\"i\"; expected DiscreteValueSetUtilities (older files: "
       "discreteutils) or NumberValueSetUtilities (older files: "
       "numberutils)"},
      {"dom", "missing_value", PL_EPARSE, 4, 49,
       "value \"b\" of issue \"i\" has no utility"},
      {"dom", "utility_range", PL_EPARSE, 4, 55,
       "the utility of value \"a\" of issue \"i\" must be in [0,1], got 1.5"},
      {"dom", "domain_name", PL_EPARSE, 8, 24,
       "this profile is for domain \"other\", but the domain file "
       "\"@/dom.json\" is domain \"bad\""},
      {"dom", "domain_values", PL_EPARSE, 8, 70,
       "value \"c\" of issue \"i\" in this profile's domain is not in the "
       "domain file \"@/dom.json\""},
      {"dom", "domain_range", PL_EPARSE, 8, 82,
       "the range of issue \"n\" (low 0, high 4, step 1) differs from the "
       "domain file \"@/dom.json\" (low 0, high 4, step 2)"},
      {"dom", "weights_missing", PL_EPARSE, 7, 21,
       "\"issueWeights\" has no entry for issue \"n\""},
      {"dom", "weight_string", PL_EPARSE, 7, 27,
       "expected a number for the weight of issue \"i\", found the string "
       "\"0.5\": write numbers without quotes"},
      {"dom", "reservation_value", PL_EPARSE, 8, 55,
       "3 is not a value of issue \"n\" (from 0 to 4 in steps of 2)"},
      {"dom", "low_value", PL_EPARSE, 5, 41,
       "lowValue 1 of issue \"n\" is not the low end 0 of its range"},
      {"dom", "kind_mismatch", PL_EPARSE, 5, 13,
       "issue \"n\" is numeric (a range): its utilities must be "
       "NumberValueSetUtilities, not discreteutils"},
      {"dom", "unknown_issue", PL_EPARSE, 7, 42,
       "\"issueWeights\" names issue \"m\xc3\xa9\", which is not in the "
       "domain \"bad\""},
      {"dom", "unknown_key", PL_EPARSE, 8, 5,
       "unknown key \"discount\" in a LinearAdditiveUtilitySpace; expected "
       "one of: issueUtilities, issueWeights, domain, name, reservationBid"},
  };
  char *base = dup_path("tests/data/geniusweb/bad");
  for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
    char d[4096], p[4096], want[2048];
    snprintf(d, sizeof d, "%s/%s.json", base, cases[k].domain);
    snprintf(p, sizeof p, "%s/%s.json", base, cases[k].profile);
    const char *paths[] = {d, p};
    pl_scenario *s = (pl_scenario *)1;
    pl_error err;
    memset(&err, 0, sizeof err);
    int rc = pl_scenario_load_inputs(paths, 2, NULL, &s, &err);
    /* "@" stands for the folder */
    const char *at = strchr(cases[k].message, '@');
    if (at)
      snprintf(want, sizeof want, "%.*s%s%s", (int)(at - cases[k].message),
               cases[k].message, base, at + 1);
    else
      snprintf(want, sizeof want, "%s", cases[k].message);
    const char *bad_file = strcmp(cases[k].domain, "dom") ? d : p;
    if (rc != cases[k].code || strcmp(err.message, want) ||
        strcmp(err.file, bad_file) || err.line != cases[k].line ||
        err.column != cases[k].col)
      fail_msg("%s/%s: got %s %s:%d:%d: %s\nwanted %s %s:%d:%d: %s",
               cases[k].domain, cases[k].profile, pl_errname(rc), err.file,
               err.line, err.column, err.message, pl_errname(cases[k].code),
               bad_file, cases[k].line, cases[k].col, want);
    assert_null(s);
    assert_int_equal(err.code, rc);
  }
  /* the good profile does load */
  char d[4096], p[4096];
  snprintf(d, sizeof d, "%s/dom.json", base);
  snprintf(p, sizeof p, "%s/good.json", base);
  const char *paths[] = {d, p, p};
  pl_scenario *s = load_ok(paths, 2, NULL);
  pl_scenario_free(s);
  /* the same profile twice: two parties of one id */
  pl_error err;
  assert_int_equal(pl_scenario_load_inputs(paths, 3, NULL, &s, &err),
                   PL_EPARSE);
  assert_null(s);
  assert_string_equal(err.file, p);
  char want[4200];
  snprintf(want, sizeof want,
           "party id \"good\" (the file name) is also the id of profile "
           "\"%s\": party ids must differ",
           p);
  assert_string_equal(err.message, want);
  free(base);
}

/* Hostile shapes: deep nesting and huge grids are refused in bounded time
 * and memory, with a place. */
static void write_text(const char *path, const char *text) {
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}

static void test_hostile(void **state) {
  (void)state;
  char *dir = temp_dir();
  char d[4096], p[4096];
  snprintf(d, sizeof d, "%s/d.json", dir);
  snprintf(p, sizeof p, "%s/p.json", dir);
  write_text(p, "{\"LinearAdditiveUtilitySpace\": {}}");
  const char *paths[] = {d, p};
  pl_scenario *s = NULL;
  pl_error err;

  /* nesting beyond jansson's depth limit (2048) */
  size_t depth = 5000;
  char *deep = malloc(2 * depth + 64);
  strcpy(deep, "{\"issuesValues\": ");
  size_t n = strlen(deep);
  for (size_t k = 0; k < depth; k++) deep[n++] = '[';
  for (size_t k = 0; k < depth; k++) deep[n++] = ']';
  deep[n++] = '}';
  deep[n] = 0;
  write_text(d, deep);
  free(deep);
  assert_int_equal(pl_scenario_load_inputs(paths, 2, NULL, &s, &err), PL_EPARSE);
  assert_string_equal(err.message, "invalid JSON: maximum parsing depth reached near '['");
  assert_int_equal(err.line, 1);

  /* a grid of 2^53 values: thinned, not enumerated */
  write_text(d, "{\"name\": \"d\", \"issuesValues\": {\"x\": {\"range\": "
                "{\"low\": 0, \"high\": 9007199254740992, \"step\": 1}}}}");
  write_text(p, "{\"LinearAdditiveUtilitySpace\": {\"issueUtilities\": {\"x\": "
                "{\"numberutils\": {\"lowValue\": 0, \"lowUtility\": 0, "
                "\"highValue\": 9007199254740992, \"highUtility\": 1}}}, "
                "\"issueWeights\": {\"x\": 1}}}");
  s = load_ok(paths, 2, NULL);
  /* strides of ceil(2^53 / 10): nine of them fit */
  assert_int_equal(pl_scenario_option_count(s, 0), 10);
  pl_scenario_free(s);

  /* "reservationBid": null is no reservation bid; a bid of no issues is a
   * reservation value of 0 */
  write_text(d, "{\"name\": \"d\", \"issuesValues\": {\"x\": {\"values\": [\"a\"]}}}");
  write_text(p, "{\"LinearAdditiveUtilitySpace\": {\"issueUtilities\": {\"x\": "
                "{\"discreteutils\": {\"valueUtilities\": {\"a\": 0.5}}}}, "
                "\"issueWeights\": {\"x\": 1}, \"reservationBid\": null}}");
  s = load_ok(paths, 2, NULL);
  assert_null(pl_scenario_reservation_outcome(s, 0));
  assert_true(pl_scenario_reservation(s, 0) == 0);
  pl_scenario_free(s);
  write_text(p, "{\"LinearAdditiveUtilitySpace\": {\"issueUtilities\": {\"x\": "
                "{\"discreteutils\": {\"valueUtilities\": {\"a\": 0.5}}}}, "
                "\"issueWeights\": {\"x\": 1}, \"reservationBid\": "
                "{\"issuevalues\": {}}}}");
  s = load_ok(paths, 2, NULL);
  assert_true(pl_scenario_reservation(s, 0) == 0);
  pl_scenario_free(s);
  /* a control character in a key is shown escaped: one line */
  write_text(p, "{\"LinearAdditiveUtilitySpace\": {\"a\\nb\": 1}}");
  assert_int_equal(pl_scenario_load_inputs(paths, 2, NULL, &s, &err), PL_EPARSE);
  assert_string_equal(err.message,
                      "unknown key \"a\\nb\" in a LinearAdditiveUtilitySpace; "
                      "expected one of: issueUtilities, issueWeights, domain, "
                      "name, reservationBid");

  /* a real range of 10^300 steps */
  write_text(d, "{\"name\": \"d\", \"issuesValues\": {\"x\": {\"range\": "
                "{\"low\": 0.0, \"high\": 1e300, \"step\": 1e-10}}}}");
  assert_int_equal(pl_scenario_load_inputs(paths, 2, NULL, &s, &err), PL_ETOOBIG);
  assert_string_equal(err.message,
                      "the range of issue \"x\" has more than 2^53 values");
  assert_int_equal(err.line, 1);
  assert_int_equal(err.column, 37);

  /* two issues of 10^7 - 1 values: more options than the reader takes,
   * refused before any is built */
  write_text(d, "{\"name\": \"d\", \"issuesValues\": {\"x0\": {\"range\": "
                "{\"low\": 0, \"high\": 9999998, \"step\": 1}}, \"x1\": "
                "{\"range\": {\"low\": 0, \"high\": 9999998, \"step\": 1}}}}");
  assert_int_equal(pl_scenario_load_inputs(paths, 2, NULL, &s, &err), PL_ETOOBIG);
  assert_string_equal(err.message, "issue \"x1\" brings the values of all "
                                   "issues to more than 16777216");
  assert_int_equal(err.column, 95);
  rm_rf(dir);
  free(dir);
}

/* Every allocation failure is PL_ENOMEM, and leaks nothing (ASan). */
static void test_alloc_torture(void **state) {
  (void)state;
  char *d = dup_path("tests/data/geniusweb/mixed/mixed.json");
  char *a = dup_path("tests/data/geniusweb/mixed/buyer.json");
  char *b = dup_path("tests/data/geniusweb/mixed/seller.json");
  const char *paths[] = {d, a, b};
  int ok = 0;
  for (long n = 0; n < 100000 && !ok; n++) {
    pl_scenario *s = NULL;
    pl_error err;
    pl__alloc_fail_after(n);
    int rc = pl_scenario_load_inputs(paths, 3, NULL, &s, &err);
    pl__alloc_fail_after(-1);
    if (rc == PL_OK) {
      ok = 1;
      char *dir = temp_dir();
      rm_rf(dir);
      /* and the writer */
      for (long m = 0;; m++) {
        pl__alloc_fail_after(m);
        int w = pl_scenario_write(s, PL_FORMAT_GENIUSWEB, dir, &err);
        pl__alloc_fail_after(-1);
        if (w == PL_OK) break;
        if (w != PL_ENOMEM) fail_msg("%s: %s", pl_errname(w), err.message);
        rm_rf(dir); /* each file is whole or absent (pl__write_file) */
      }
      rm_rf(dir);
      free(dir);
    } else {
      assert_int_equal(rc, PL_ENOMEM);
      assert_null(s);
    }
    pl_scenario_free(s);
  }
  assert_true(ok);
  free(d);
  free(a);
  free(b);
}

/* ------------------------------------------------------------------ */
/* the ANL 2023 domains                                                */
/* ------------------------------------------------------------------ */

static void test_anl_load(void **state) {
  (void)state;
  const char *data = shared_data();
  if (!data) skip();
  for (size_t k = 0; k < sizeof anl / sizeof *anl; k++) {
    pl_scenario *s = load_anl(data, anl[k]);
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/geniusweb/ANL2023/%s", data, anl[k]);
    pl_scenario *f = load_dir(dir); /* specials.json is left out */
    assert_same_utilities(s, f, UINT64_MAX);
    assert_string_equal(pl_scenario_id(s), anl[k]);
    assert_string_equal(pl_scenario_party_id(s, 0), "profileA");
    assert_string_equal(pl_scenario_party_id(s, 1), "profileB");
    pl_scenario_free(f);
    pl_scenario_free(s);
  }
}

static json_t *load_json(const char *path) {
  json_error_t je;
  json_t *j = json_load_file(path, 0, &je);
  if (!j) fail_msg("%s:%d: %s", path, je.line, je.text);
  return j;
}

static void point_of(const json_t *pt, double u[2]) {
  json_t *a = json_object_get(pt, "utility");
  assert_non_null(a);
  u[0] = json_number_value(json_array_get(a, 0));
  u[1] = json_number_value(json_array_get(a, 1));
}

static void assert_point(const pl_point *pt, const json_t *want,
                         const char *what, const char *dom) {
  double u[2];
  point_of(want, u);
  assert_non_null(pt);
  if (fabs(pt->utilities[0] - u[0]) > 1e-6 || fabs(pt->utilities[1] - u[1]) > 1e-6)
    fail_msg("%s %s: (%.10f, %.10f), specials.json says (%.10f, %.10f)", dom,
             what, pt->utilities[0], pt->utilities[1], u[0], u[1]);
}

/* specials.json: size, Pareto frontier (distinct utility vectors), Nash,
 * social welfare, and GENIUS's "Kalai". */
static void test_anl_specials(void **state) {
  (void)state;
  const char *data = shared_data();
  if (!data) skip();
  for (size_t k = 0; k < sizeof anl / sizeof *anl; k++) {
    pl_scenario *s = load_anl(data, anl[k]);
    char path[4096];
    snprintf(path, sizeof path, "%s/geniusweb/ANL2023/%s/specials.json", data,
             anl[k]);
    json_t *sp = load_json(path);
    uint64_t n;
    assert_int_equal(pl_scenario_outcome_count(s, &n), PL_OK);
    assert_int_equal(n, json_integer_value(json_object_get(sp, "size")));

    pl_analysis_options o;
    pl_analysis_options_init(&o);
    o.kalai = PL_KALAI_GENIUS;
    pl_analysis *a = NULL;
    pl_error err;
    assert_int_equal(pl_analyze(s, &o, &a, &err), PL_OK);

    /* distinct utility vectors of the specials' frontier */
    json_t *pf = json_object_get(sp, "pareto_front");
    size_t m = json_array_size(pf), nd = 0;
    double(*v)[2] = calloc(m ? m : 1, sizeof *v);
    for (size_t j = 0; j < m; j++) {
      double u[2];
      point_of(json_array_get(pf, j), u);
      size_t x = 0;
      while (x < nd && (fabs(v[x][0] - u[0]) > 1e-6 || fabs(v[x][1] - u[1]) > 1e-6))
        x++;
      if (x == nd) {
        v[nd][0] = u[0];
        v[nd][1] = u[1];
        nd++;
      }
    }
    size_t np = pl_analysis_pareto_count(a);
    if (np != nd)
      fail_msg("%s: %zu frontier points, specials.json has %zu distinct",
               anl[k], np, nd);
    for (size_t j = 0; j < np; j++) {
      const double *u = pl_analysis_pareto(a, j)->utilities;
      size_t x = 0;
      while (x < nd && (fabs(v[x][0] - u[0]) > 1e-6 || fabs(v[x][1] - u[1]) > 1e-6))
        x++;
      if (x == nd)
        fail_msg("%s: frontier point (%.10f, %.10f) is not in specials.json",
                 anl[k], u[0], u[1]);
    }
    free(v);
    assert_point(pl_analysis_solution(a, PL_SOLUTION_NASH),
                 json_object_get(sp, "nash"), "nash", anl[k]);
    assert_point(pl_analysis_solution(a, PL_SOLUTION_WELFARE),
                 json_object_get(sp, "social_welfare"), "social welfare",
                 anl[k]);
    assert_point(pl_analysis_solution(a, PL_SOLUTION_KALAI),
                 json_object_get(sp, "kalai"), "kalai", anl[k]);
    pl_analysis_free(a);
    json_decref(sp);
    pl_scenario_free(s);
  }
}

/* The geniusweb rows of DOMAINS.tsv: outcomes, 2-party Pareto size, Nash. */
static void test_anl_domains_tsv(void **state) {
  (void)state;
  const char *data = shared_data();
  if (!data) skip();
  char path[4096];
  snprintf(path, sizeof path, "%s/DOMAINS.tsv", data);
  FILE *f = fopen(path, "r");
  assert_non_null(f);
  char line[8192];
  int rows = 0;
  while (fgets(line, sizeof line, f)) {
    if (strncmp(line, "geniusweb/", 10)) continue;
    char *col[12];
    int nc = 0;
    for (char *t = line; nc < 12;) {
      col[nc++] = t;
      char *tab = strchr(t, '\t');
      if (!tab) break;
      *tab = 0;
      t = tab + 1;
    }
    assert_true(nc >= 7);
    /* col 0 domain file, 3 outcomes, 4 profiles, 5 pareto, 6 nash */
    char dom[4096], folder[4096];
    snprintf(dom, sizeof dom, "%s/%s", data, col[0]);
    snprintf(folder, sizeof folder, "%s", dom);
    *strrchr(folder, '/') = 0;
    char prof[2][8192];
    char a[1024], b[1024];
    assert_int_equal(sscanf(col[4], "%1023s %1023s", a, b), 2);
    snprintf(prof[0], sizeof prof[0], "%s/%s", folder, a);
    snprintf(prof[1], sizeof prof[1], "%s/%s", folder, b);
    const char *paths[] = {dom, prof[0], prof[1]};
    pl_scenario *s = load_ok(paths, 3, NULL);
    uint64_t n;
    assert_int_equal(pl_scenario_outcome_count(s, &n), PL_OK);
    assert_int_equal(n, strtoull(col[3], NULL, 10));
    pl_analysis *an = tu_analyze(s);
    assert_int_equal(pl_analysis_pareto_count(an), strtoull(col[5], NULL, 10));
    double u0, u1;
    assert_int_equal(sscanf(col[6], "[%lf, %lf]", &u0, &u1), 2);
    const pl_point *nash = pl_analysis_solution(an, PL_SOLUTION_NASH);
    assert_double_near(nash->utilities[0], u0, 1e-6);
    assert_double_near(nash->utilities[1], u1, 1e-6);
    pl_analysis_free(an);
    pl_scenario_free(s);
    rows++;
  }
  fclose(f);
  assert_true(rows >= 4);
}

/* ------------------------------------------------------------------ */
/* writing                                                             */
/* ------------------------------------------------------------------ */

static void expect_refusal(const pl_scenario *s, const char *message);

static void test_round_trip_files(void **state) {
  (void)state;
  pl_scenario *s = load_mixed();
  round_trip(s, UINT64_MAX);
  pl_scenario_free(s);
  /* big's reservation bids are not outcomes of the thinned grid: their
   * values cannot be written as bids */
  char *dir = dup_path("tests/data/geniusweb/big");
  s = load_dir(dir);
  free(dir);
  expect_refusal(s, "GeniusWeb cannot express a reservation value without a "
                    "reservation bid: party \"full\" has reservation value "
                    "0.500000025 and no reservation outcome");
  pl_scenario_free(s);
  const char *data = shared_data();
  for (size_t k = 0; data && k < sizeof anl / sizeof *anl; k++) {
    s = load_anl(data, anl[k]);
    round_trip(s, UINT64_MAX);
    pl_scenario_free(s);
  }
}

/* The written files, as a GeniusWeb reader sees them. */
static void test_written_format(void **state) {
  (void)state;
  pl_scenario *s = load_mixed();
  char *dir = temp_dir();
  pl_error err;
  assert_int_equal(pl_scenario_write(s, PL_FORMAT_GENIUSWEB, dir, &err), PL_OK);
  char path[4096];
  snprintf(path, sizeof path, "%s/mixed.json", dir);
  json_t *d = load_json(path);
  json_t *iv = json_object_get(d, "issuesValues");
  assert_string_equal(json_string_value(json_object_get(d, "name")), "mixed");
  assert_int_equal(json_object_size(iv), 4);
  const char *key;
  json_t *v;
  const char *order[] = {"colour", "price", "delivery", "ratio"};
  int k = 0;
  json_object_foreach(iv, key, v) assert_string_equal(key, order[k++]);
  json_t *r = json_object_get(json_object_get(iv, "price"), "range");
  assert_true(json_is_integer(json_object_get(r, "low")));
  assert_int_equal(json_integer_value(json_object_get(r, "step")), 5);
  r = json_object_get(json_object_get(iv, "delivery"), "range");
  assert_true(json_is_real(json_object_get(r, "step")));
  json_decref(d);

  snprintf(path, sizeof path, "%s/buyer.json", dir);
  char *text;
  size_t len;
  assert_int_equal(pl__read_file(path, 1 << 20, &text, &len, NULL), PL_OK);
  /* reals in their shortest exact form */
  assert_non_null(strstr(text, "\"price\": 0.4"));
  assert_null(strstr(text, "0.40000"));
  pl__free(text);
  json_t *p = load_json(path);
  json_t *las = json_object_get(p, "LinearAdditiveUtilitySpace");
  assert_non_null(las);
  assert_non_null(json_object_get(json_object_get(
      json_object_get(las, "issueUtilities"), "price"), "NumberValueSetUtilities"));
  json_t *bid = json_object_get(json_object_get(las, "reservationBid"), "issuevalues");
  assert_string_equal(json_string_value(json_object_get(bid, "colour")), "green");
  assert_int_equal(json_integer_value(json_object_get(bid, "price")), 20);
  assert_true(json_real_value(json_object_get(bid, "delivery")) == 1.5);
  assert_string_equal(json_string_value(json_object_get(las, "name")), "buyer");
  json_decref(p);
  rm_rf(dir);
  free(dir);
  pl_scenario_free(s);
}

static pl_scenario *load_example(const char *name) {
  char rel[256];
  snprintf(rel, sizeof rel, "examples/%s.yaml", name);
  char *path = dup_path(rel);
  pl_scenario *s = NULL;
  pl_error err;
  if (pl_scenario_load(path, &s, &err))
    fail_msg("%s: %s", path, err.message);
  free(path);
  return s;
}

static void expect_refusal(const pl_scenario *s, const char *message) {
  char *dir = temp_dir();
  rm_rf(dir);
  pl_error err;
  memset(&err, 0, sizeof err);
  int rc = pl_scenario_write(s, PL_FORMAT_GENIUSWEB, dir, &err);
  if (rc != PL_EUNSUPPORTED || strcmp(err.message, message))
    fail_msg("got %s: %s\nwanted PL_EUNSUPPORTED: %s", pl_errname(rc),
             err.message, message);
  struct stat st;
  assert_true(stat(dir, &st) != 0); /* nothing written */
  free(dir);
}

static void test_examples_refused(void **state) {
  (void)state;
  pl_scenario *s = load_example("job-offer");
  expect_refusal(s, "GeniusWeb cannot express red lines: party \"candidate\" "
                    "has the red line \"salary_floor\" (and there are more); "
                    "write the scenario as YAML, or drop its red lines");
  pl_scenario_free(s);
  s = load_example("security-talks");
  expect_refusal(s, "GeniusWeb cannot express red lines: party \"russia\" "
                    "has the red line \"no_enlargement\" (and there are "
                    "more); write the scenario as YAML, or drop its red "
                    "lines");
  pl_scenario_free(s);
}

/* A copy of a finished scenario without its red lines, status quo and
 * reservation values: the same issues, raw weights, values and weighting. */
static pl_scenario *strip(const pl_scenario *s) {
  pl_scenario *c = pl_scenario_new(pl_scenario_id(s));
  pl_error err;
  for (int i = 0; i < s->n_issues; i++) {
    const pl__issue *is = &s->issues[i];
    int r = is->kind == PL_ISSUE_DISCRETE
                ? pl_scenario_add_discrete_issue(c, is->id, is->name, is->n,
                                                 (const char *const *)is->opt_id,
                                                 NULL, &err)
            : is->kind == PL_ISSUE_INTEGER
                ? pl_scenario_add_integer_issue(c, is->id, is->name,
                                                (int64_t)is->min,
                                                (int64_t)is->max,
                                                (int64_t)is->step, &err)
                : pl_scenario_add_real_issue(c, is->id, is->name, is->min,
                                             is->max, is->step, &err);
    if (r < 0) fail_msg("%s", err.message);
  }
  for (int p = 0; p < s->n_parties; p++) {
    const pl__party *pa = &s->parties[p];
    TU_OK(pl_scenario_add_party(c, pa->id, pa->name, 0, &err));
    TU_OK(pl_scenario_set_weighting(c, p, pa->weighting, &err));
    for (int i = 0; i < s->n_issues; i++) {
      TU_OK(pl_scenario_set_weight(c, p, i, pa->weight[i], &err));
      for (uint32_t k = 0; k < s->issues[i].n; k++)
        TU_OK(pl_scenario_set_value(c, p, i, k, pl_scenario_value(s, p, i, k),
                                    &err));
    }
  }
  tu_finish(c);
  return c;
}

/* Normalised weights (the YAML rule) are written as used and read back as
 * given: the utilities stay the same bits. Numeric issues whose values are
 * not GeniusWeb's linear interpolation are written as discrete values. */
static void test_examples_stripped(void **state) {
  (void)state;
  const char *names[] = {"job-offer", "security-talks"};
  for (int k = 0; k < 2; k++) {
    pl_scenario *s = load_example(names[k]);
    pl_scenario *c = strip(s);
    round_trip(c, UINT64_MAX);
    pl_scenario_free(c);
    pl_scenario_free(s);
  }
  /* job-offer: salary is linear (written as a range), remote is not
   * (written as the values "0", "1", "2") */
  pl_scenario *s = load_example("job-offer");
  pl_scenario *c = strip(s);
  char *dir = temp_dir();
  pl_error err;
  assert_int_equal(pl_scenario_write(c, PL_FORMAT_GENIUSWEB, dir, &err), PL_OK);
  pl_scenario *b = load_dir(dir);
  assert_int_equal(pl_scenario_issue_kind(b, 0), PL_ISSUE_INTEGER);
  assert_int_equal(pl_scenario_issue_kind(b, 1), PL_ISSUE_DISCRETE);
  assert_string_equal(pl_scenario_option_id(b, 1, 2), "2");
  pl_scenario_free(b);
  rm_rf(dir);
  free(dir);
  pl_scenario_free(c);
  pl_scenario_free(s);
}

static pl_scenario *small(void) {
  pl_scenario *s = pl_scenario_new("small");
  tu_issue_n(s, "i", 3);
  tu_party(s, "a", 0);
  tu_party(s, "b", 0);
  const double v[] = {0, 0.5, 1};
  for (int p = 0; p < 2; p++) {
    tu_weight(s, p, 0, 1);
    tu_values(s, p, 0, 3, v);
  }
  return s;
}

static void test_writer_refusals(void **state) {
  (void)state;
  pl_scenario *s = small();
  uint32_t sq = 0;
  TU_OK(pl_scenario_set_status_quo(s, -1, &sq, NULL));
  tu_finish(s);
  expect_refusal(s, "GeniusWeb cannot express a status quo (the scenario has one)");
  pl_scenario_free(s);

  s = small();
  TU_OK(pl_scenario_set_status_quo(s, 1, &sq, NULL));
  tu_finish(s);
  expect_refusal(s, "GeniusWeb cannot express a status quo (party \"b\" has one)");
  pl_scenario_free(s);

  s = small();
  TU_OK(pl_scenario_add_linkage(s, 0, "all", NULL, 0, NULL, NULL));
  tu_finish(s);
  expect_refusal(s, "GeniusWeb cannot express red lines: party \"a\" has the "
                    "linkage \"all\"; write the scenario as YAML, or drop its "
                    "red lines");
  pl_scenario_free(s);

  s = small();
  TU_OK(pl_scenario_set_rectangles(s, 1, 2, NULL));
  tu_finish(s);
  expect_refusal(s, "GeniusWeb cannot express non-linear utilities: party "
                    "\"b\" uses hyper-rectangles");
  pl_scenario_free(s);

  s = small();
  TU_OK(pl_scenario_set_discount(s, 0, 0.9, NULL));
  tu_finish(s);
  expect_refusal(s, "GeniusWeb cannot express discount factors: party \"a\" "
                    "has 0.9");
  pl_scenario_free(s);

  s = small();
  TU_OK(pl_scenario_set_reservation(s, 1, 0.25, NULL));
  tu_finish(s);
  expect_refusal(s, "GeniusWeb cannot express a reservation value without a "
                    "reservation bid: party \"b\" has reservation value 0.25 "
                    "and no reservation outcome");
  pl_scenario_free(s);

  s = small();
  TU_OK(pl_scenario_set_weighting(s, 0, PL_WEIGHTS_AS_GIVEN, NULL));
  TU_OK(pl_scenario_set_value(s, 0, 0, 2, 1.5, NULL));
  tu_finish(s);
  expect_refusal(s, "GeniusWeb cannot express utilities outside [0,1]: party "
                    "\"a\" values option \"o2\" of issue \"i\" at 1.5");
  pl_scenario_free(s);

  s = small();
  TU_OK(pl_scenario_set_weighting(s, 1, PL_WEIGHTS_AS_GIVEN, NULL));
  tu_weight(s, 1, 0, 0.5);
  tu_finish(s);
  expect_refusal(s, "GeniusWeb cannot express weights that do not add up to "
                    "1: those of party \"b\" add up to 0.5");
  pl_scenario_free(s);

  s = pl_scenario_new("a");
  tu_issue_n(s, "i", 2);
  tu_party(s, "a", 0);
  tu_weight(s, 0, 0, 1);
  tu_finish(s);
  expect_refusal(s, "GeniusWeb cannot express party \"a\" next to a scenario "
                    "of the same id: both would be \"a.json\"");
  pl_scenario_free(s);

  s = pl_scenario_new("x/y");
  tu_issue_n(s, "i", 2);
  tu_party(s, "a", 0);
  tu_weight(s, 0, 0, 1);
  tu_finish(s);
  expect_refusal(s, "GeniusWeb cannot express the scenario id \"x/y\" as a "
                    "file name (it names the domain file)");
  pl_scenario_free(s);

  s = pl_scenario_new("s");
  tu_issue_n(s, "i", 2);
  tu_party(s, ".hidden", 0);
  tu_weight(s, 0, 0, 1);
  tu_finish(s);
  expect_refusal(s, "GeniusWeb cannot express the party id \".hidden\" as a "
                    "file name (it names the party's profile)");
  pl_scenario_free(s);

  /* normalised weights whose best outcome sums above 1 by rounding: the
   * model caps every utility at 1, so reading back as given changes
   * nothing */
  s = pl_scenario_new("s");
  for (int i = 0; i < 3; i++) {
    char id[8];
    snprintf(id, sizeof id, "i%d", i);
    tu_issue_n(s, id, 1);
  }
  tu_party(s, "p", 0);
  const double one = 1;
  for (int i = 0; i < 3; i++) {
    tu_weight(s, 0, i, 0.1);
    tu_values(s, 0, i, 1, &one);
  }
  tu_finish(s);
  round_trip(s, UINT64_MAX);
  pl_scenario_free(s);

  /* not finished */
  s = small();
  pl_error err;
  char *dir = temp_dir();
  assert_int_equal(pl_scenario_write(s, PL_FORMAT_GENIUSWEB, dir, &err), PL_ESTATE);
  rm_rf(dir);
  free(dir);
  pl_scenario_free(s);
}

/* Random scenarios: normalised or as-given weights of any bits, values of
 * any bits, discrete, integer and real issues, linear values or not,
 * reservation outcomes. Each is written and read back bit for bit. */
static double rnd(tu_rng *r) { return (double)(tu_next(r) >> 11) / 9007199254740992.0; }

static void test_random_round_trip(void **state) {
  (void)state;
  tu_rng r = {20261129};
  int written = 0, capped = 0;
  for (int t = 0; t < 500; t++) {
    pl_scenario *s = pl_scenario_new("random");
    int ni = 1 + tu_below(&r, 4), np = 1 + tu_below(&r, 3);
    for (int i = 0; i < ni; i++) {
      char id[16];
      snprintf(id, sizeof id, "i%d", i);
      int kind = tu_below(&r, 3);
      if (kind == 0)
        tu_issue_n(s, id, 1 + (uint32_t)tu_below(&r, 5));
      else if (kind == 1)
        TU_OK(pl_scenario_add_integer_issue(s, id, NULL, -10, -10 + 3 * tu_below(&r, 5),
                                            3, NULL));
      else
        TU_OK(pl_scenario_add_real_issue(s, id, NULL, 0.1, 0.1 + 0.25 * tu_below(&r, 5),
                                         0.25, NULL));
    }
    bool as_given = tu_below(&r, 2);
    for (int p = 0; p < np; p++) {
      char id[16];
      snprintf(id, sizeof id, "p%d", p);
      tu_party(s, id, 0);
      if (as_given) TU_OK(pl_scenario_set_weighting(s, p, PL_WEIGHTS_AS_GIVEN, NULL));
      double w[4], sum = 0;
      for (int i = 0; i < ni; i++) sum += (w[i] = rnd(&r) + 0.01);
      for (int i = 0; i < ni; i++) tu_weight(s, p, i, as_given ? w[i] / sum : w[i]);
      bool top = tu_below(&r, 2); /* every issue's best is 1 */
      for (int i = 0; i < ni; i++) {
        uint32_t n = pl_scenario_option_count(s, i);
        if (s->issues[i].kind != PL_ISSUE_DISCRETE && n > 1 &&
            tu_below(&r, 2)) {
          /* linear, GeniusWeb-style */
          double x[2] = {s->issues[i].min, s->issues[i].max};
          double v[2] = {tu_below(&r, 11) / 10.0, tu_below(&r, 11) / 10.0};
          TU_OK(pl_scenario_set_value_function(s, p, i, 2, x, v, NULL));
        } else {
          for (uint32_t k = 0; k < n; k++) /* often a best value of 1 */
            TU_OK(pl_scenario_set_value(s, p, i, k,
                                        (top && k == 0) || !tu_below(&r, 3)
                                            ? 1
                                            : rnd(&r),
                                        NULL));
        }
      }
      if (tu_below(&r, 2)) {
        uint32_t o[4];
        for (int i = 0; i < ni; i++)
          o[i] = (uint32_t)tu_below(&r, (int)pl_scenario_option_count(s, i));
        TU_OK(pl_scenario_set_reservation_outcome(s, p, o, NULL));
      }
    }
    pl_error err;
    if (pl_scenario_finish(s, &err)) fail_msg("%s", err.message);
    char *dir = temp_dir();
    rm_rf(dir);
    int rc = pl_scenario_write(s, PL_FORMAT_GENIUSWEB, dir, &err);
    rm_rf(dir);
    free(dir);
    /* normalised sums may exceed 1 by rounding: capped alike either way */
    for (int p = 0; p < np; p++) {
      double raw = 0;
      for (int i = 0; i < ni; i++) {
        double m = 0;
        for (uint32_t k = 0; k < pl_scenario_option_count(s, i); k++) {
          double wv = pl_scenario_weight(s, p, i) * pl_scenario_value(s, p, i, k);
          if (wv > m) m = wv;
        }
        raw += m;
      }
      capped += raw > 1;
    }
    if (rc) fail_msg("%s", err.message);
    round_trip(s, UINT64_MAX);
    written++;
    pl_scenario_free(s);
  }
  print_message("%d written and read back (%d parties with a best sum above "
                "1)\n", written, capped);
  assert_true(written == 500 && capped > 0);
}

/* GENIUS scenarios (../shared/data/genius, read by the GENIUS reader):
 * each is written as GeniusWeb and read back bit for bit, or refused with
 * PL_EUNSUPPORTED. */
static void genius_folders(const char *dir, int depth, char ***out, size_t *n) {
  DIR *d = opendir(dir);
  if (!d) return;
  struct dirent *e;
  int xml = 0;
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.') continue;
    char p[4096];
    snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
    struct stat st;
    if (stat(p, &st) != 0) continue;
    if (S_ISDIR(st.st_mode) && depth < 6)
      genius_folders(p, depth + 1, out, n);
    else if (strstr(e->d_name, ".xml"))
      xml = 1;
  }
  closedir(d);
  if (xml) {
    *out = realloc(*out, (*n + 1) * sizeof **out);
    (*out)[(*n)++] = strdup(dir);
  }
}

static void test_genius_to_geniusweb(void **state) {
  (void)state;
  const char *data = shared_data();
  if (!data) skip();
  char root[4096];
  snprintf(root, sizeof root, "%s/genius", data);
  char **dirs = NULL;
  size_t n = 0;
  genius_folders(root, 0, &dirs, &n);
  int written = 0, refused = 0, unread = 0;
  for (size_t k = 0; k < n; k++) {
    pl_scenario *s = NULL;
    pl_error err;
    const char *path = dirs[k];
    if (pl_scenario_load_inputs(&path, 1, NULL, &s, &err)) {
      unread++; /* not this reader's business */
      free(dirs[k]);
      continue;
    }
    char *dir = temp_dir();
    rm_rf(dir);
    int rc = pl_scenario_write(s, PL_FORMAT_GENIUSWEB, dir, &err);
    rm_rf(dir);
    free(dir);
    if (rc == PL_EUNSUPPORTED) {
      refused++;
    } else {
      if (rc) fail_msg("%s: %s %s", dirs[k], pl_errname(rc), err.message);
      round_trip(s, 20000);
      written++;
    }
    pl_scenario_free(s);
    free(dirs[k]);
  }
  free(dirs);
  print_message("GENIUS folders: %d written and read back, %d refused, %d not "
                "read\n", written, refused, unread);
  assert_true(written > 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_mixed),
      cmocka_unit_test(test_big_grid),
      cmocka_unit_test(test_bad_files),
      cmocka_unit_test(test_hostile),
      cmocka_unit_test(test_alloc_torture),
      cmocka_unit_test(test_anl_load),
      cmocka_unit_test(test_anl_specials),
      cmocka_unit_test(test_anl_domains_tsv),
      cmocka_unit_test(test_round_trip_files),
      cmocka_unit_test(test_written_format),
      cmocka_unit_test(test_examples_refused),
      cmocka_unit_test(test_examples_stripped),
      cmocka_unit_test(test_writer_refusals),
      cmocka_unit_test(test_random_round_trip),
      cmocka_unit_test(test_genius_to_geniusweb),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
