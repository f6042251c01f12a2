/* The YAML scenario reader through the public API (pl_scenario_load_yaml,
 * pl_scenario_load): good input gives the right model, bad input the right
 * message and place, hostile input is refused with bounded work (its
 * timings are printed by bench/bench_readers, never asserted here),
 * and every allocation failure is reported as PL_ENOMEM without leaks (the
 * ASan build checks the leaks). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/util.h"
#include "parley/parley.h"

/* $PL_SOURCE_DIR/rel (ctest sets the variable). */
static const char *source_path(const char *rel) {
  static char buf[4096];
  const char *dir = getenv("PL_SOURCE_DIR");
  snprintf(buf, sizeof buf, "%s/%s", dir ? dir : ".", rel);
  return buf;
}

/* The whole of a source file, NUL-terminated; *len its size. */
static char *read_source(const char *rel, size_t *len) {
  const char *path = source_path(rel);
  FILE *f = fopen(path, "rb");
  if (!f) fail_msg("cannot open %s (is PL_SOURCE_DIR set?)", path);
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *text = malloc((size_t)n + 1);
  assert_non_null(text);
  assert_int_equal(fread(text, 1, (size_t)n, f), (size_t)n);
  fclose(f);
  text[n] = 0;
  if (len) *len = (size_t)n;
  return text;
}

/* A growing text buffer for generated scenarios. */
typedef struct sbuf {
  char *p;
  size_t len, cap;
} sbuf;

static void sb_printf(sbuf *b, const char *fmt, ...) PL__PRINTF(2, 3);
static void sb_printf(sbuf *b, const char *fmt, ...) {
  for (;;) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(b->p ? b->p + b->len : NULL, b->p ? b->cap - b->len : 0,
                      fmt, ap);
    va_end(ap);
    assert_true(n >= 0);
    if (b->p && b->len + (size_t)n < b->cap) {
      b->len += (size_t)n;
      return;
    }
    size_t cap = b->cap ? b->cap : 4096;
    while (cap <= b->len + (size_t)n) cap *= 2;
    b->p = realloc(b->p, cap);
    assert_non_null(b->p);
    b->cap = cap;
  }
}

static pl_scenario *load_ok(const char *text) {
  pl_scenario *s = NULL;
  pl_error err;
  int rc = pl_scenario_load_yaml(text, strlen(text), "t.yaml", &s, &err);
  if (rc)
    fail_msg("load failed: %s:%d:%d: %s", err.file, err.line, err.column,
             err.message);
  assert_non_null(s);
  return s;
}

/* Loads text, expecting code at line:col (0: not checked) with `part` in
 * the message; also checks the invariants of every failure. */
static void refused_len(const char *text, size_t len, int code, int line,
                        int col, const char *part) {
  pl_scenario *s = (pl_scenario *)&s; /* must be reset to NULL */
  pl_error err;
  memset(&err, 0, sizeof err);
  int rc = pl_scenario_load_yaml(text, len, "t.yaml", &s, &err);
  if (rc != code)
    fail_msg("got %s (%s:%d:%d: %s), expected %s", pl_errname(rc), err.file,
             err.line, err.column, err.message, pl_errname(code));
  assert_null(s);
  assert_int_equal(err.code, code);
  if (code != PL_ENOMEM) {
    assert_string_equal(err.file, "t.yaml");
    assert_true(err.line >= 1 && err.column >= 1);
  }
  if ((line && err.line != line) || (col && err.column != col))
    fail_msg("place %d:%d, expected %d:%d (%s)", err.line, err.column, line,
             col, err.message);
  assert_null(strchr(err.message, '\n'));
  if (part && !strstr(err.message, part))
    fail_msg("message \"%s\" lacks \"%s\"", err.message, part);
}

static void refused(const char *text, int code, int line, int col,
                    const char *part) {
  refused_len(text, strlen(text), code, line, col, part);
}

static void assert_near(double a, double b) {
  if (!(a - b < 1e-12 && b - a < 1e-12))
    fail_msg("%.17g is not %.17g", a, b);
}

/* ------------------------------------------------------------------ */
/* good input                                                          */
/* ------------------------------------------------------------------ */

static void check_security_talks(const pl_scenario *s) {
  assert_string_equal(pl_scenario_id(s), "security-talks");
  assert_string_equal(
      pl_scenario_title(s),
      "Security guarantees: Russia, the United States and NATO (January 2022)");
  assert_non_null(strstr(pl_scenario_description(s), "Russia's two draft"));
  assert_int_equal(pl_scenario_party_count(s), 3);
  assert_int_equal(pl_scenario_issue_count(s), 5);
  assert_string_equal(pl_scenario_party_id(s, 1), "usa");
  assert_string_equal(pl_scenario_party_name(s, 1), "United States");
  assert_near(pl_scenario_reservation(s, 2), 0.655);
  int ne = pl_scenario_find_issue(s, "nato_enlargement");
  int risk = pl_scenario_find_issue(s, "risk_reduction");
  assert_int_equal(ne, 0);
  assert_int_equal(risk, 4);
  assert_int_equal(pl_scenario_issue_kind(s, ne), PL_ISSUE_DISCRETE);
  assert_int_equal(pl_scenario_option_count(s, ne), 3);
  assert_string_equal(pl_scenario_option_id(s, ne, 2), "legal_guarantee");
  assert_int_equal(pl_scenario_find_option(s, ne, "moratorium"), 1);
  assert_int_equal(pl_scenario_find_option(s, ne, "nope"), -1);
  int russia = pl_scenario_find_party(s, "russia");
  assert_int_equal(russia, 0);
  /* weights 30/20/20/15/15 normalised */
  assert_near(pl_scenario_weight(s, russia, ne), 0.30);
  assert_near(pl_scenario_weight(s, russia, risk), 0.15);
  assert_near(pl_scenario_value(s, russia, ne, 1), 0.5);
  assert_near(pl_scenario_value(s, 1, 1, 0), 0.6);
  /* the scenario's status quo: the first option of every issue */
  for (int i = 0; i < 5; i++) assert_int_equal(pl_scenario_status_quo(s, -1, i), 0);
  assert_true(pl_scenario_has_status_quo(s));
  uint32_t sq[5] = {0, 0, 0, 0, 0};
  assert_near(pl_scenario_utility(s, 1, sq), 0.49);
  /* 4 + 3 + 3 red lines, in file order */
  assert_int_equal(pl_scenario_red_line_count(s), 10);
  assert_string_equal(pl_scenario_red_line_id(s, 3), "package_deal");
  assert_true(pl_scenario_red_line_is_linkage(s, 3));
  assert_false(pl_scenario_red_line_is_linkage(s, 0));
  assert_int_equal(pl_scenario_red_line_party(s, 4), 1);
  assert_string_equal(pl_scenario_red_line_description(s, 4),
                      "the right of every state to choose its alliances");
  for (int i = 0; i < 5; i++) assert_true(pl_scenario_red_line_mentions(s, 3, i));
  assert_true(pl_scenario_red_line_mentions(s, 0, ne));
  assert_false(pl_scenario_red_line_mentions(s, 0, risk));
  uint32_t o[5] = {2, 0, 0, 0, 0};
  assert_true(pl_scenario_red_line_holds(s, 0, o));  /* in [legal_guarantee] */
  assert_false(pl_scenario_red_line_holds(s, 4, o)); /* not_in [..] */
  o[0] = 1;
  assert_false(pl_scenario_red_line_holds(s, 0, o));
  assert_true(pl_scenario_red_line_holds(s, 4, o));
}

static void test_security_talks(void **state) {
  (void)state;
  size_t len;
  char *text = read_source("examples/security-talks.yaml", &len);
  pl_scenario *s = NULL;
  pl_error err;
  assert_int_equal(pl_scenario_load_yaml(text, len, "x.yaml", &s, &err),
                   PL_OK);
  check_security_talks(s);
  pl_scenario_free(s);
  /* the same from the file */
  s = NULL;
  assert_int_equal(
      pl_scenario_load(source_path("examples/security-talks.yaml"), &s, &err),
      PL_OK);
  check_security_talks(s);
  pl_scenario_free(s);
  free(text);
}

static void test_load_file_errors(void **state) {
  (void)state;
  pl_scenario *s = (pl_scenario *)&s;
  pl_error err;
  assert_int_equal(pl_scenario_load("/nonexistent/x.yaml", &s, &err), PL_EIO);
  assert_null(s);
  assert_string_equal(err.file, "/nonexistent/x.yaml");
  assert_int_equal(err.line, 0);
  assert_non_null(strstr(err.message, "cannot open"));
  /* a folder is an input of its own; this one holds two scenarios */
  assert_int_equal(pl_scenario_load(source_path("examples"), &s, &err),
                   PL_EPARSE);
  assert_non_null(strstr(err.message, "2 parley scenarios"));
  /* a bad file: the message names the path given */
  const char *bad = "tests/data/scenarios/n_unknown_key_party.yaml";
  assert_int_equal(pl_scenario_load(source_path(bad), &s, &err), PL_EPARSE);
  assert_null(s);
  assert_string_equal(err.file, source_path(bad));
  assert_int_equal(err.line, 8);
  assert_int_equal(err.column, 5);
}

static void test_defaults(void **state) {
  (void)state;
  pl_scenario *s = load_ok("issues:\n"
                           "  - id: a\n"
                           "    options: [x, {id: y}, {id: z, name: Zed}]\n"
                           "  - {id: b, name: Bee, options: [u, v]}\n"
                           "parties:\n"
                           "  - id: p\n"
                           "    weights: {a: 3, b: 1}\n"
                           "    values: {a: {y: 0.25}, b: {v: 1}}\n"
                           "  - {id: q, name: Queue, reservation: 0.5,\n"
                           "     weights: {a: 0, b: 2}, values: {b: {u: 1}}}\n");
  assert_string_equal(pl_scenario_id(s), "scenario");
  assert_string_equal(pl_scenario_title(s), "");
  assert_string_equal(pl_scenario_description(s), "");
  assert_string_equal(pl_scenario_issue_name(s, 0), "a");
  assert_string_equal(pl_scenario_issue_name(s, 1), "Bee");
  assert_string_equal(pl_scenario_party_name(s, 0), "p");
  assert_string_equal(pl_scenario_party_name(s, 1), "Queue");
  assert_near(pl_scenario_reservation(s, 0), 0);
  assert_near(pl_scenario_reservation(s, 1), 0.5);
  assert_string_equal(pl_scenario_option_id(s, 0, 2), "z");
  assert_near(pl_scenario_weight(s, 0, 0), 0.75);
  assert_near(pl_scenario_weight(s, 0, 1), 0.25);
  assert_near(pl_scenario_weight(s, 1, 0), 0);
  assert_near(pl_scenario_weight(s, 1, 1), 1);
  assert_near(pl_scenario_value(s, 0, 0, 0), 0); /* unlisted: 0 */
  assert_near(pl_scenario_value(s, 0, 0, 1), 0.25);
  assert_near(pl_scenario_value(s, 1, 0, 1), 0); /* not valued at all */
  assert_int_equal(pl_scenario_red_line_count(s), 0);
  assert_int_equal(pl_scenario_status_quo(s, -1, 0), PL_NOT_AGREED);
  assert_false(pl_scenario_has_status_quo(s));
  pl_scenario_free(s);
}

static void test_numeric_issues(void **state) {
  (void)state;
  pl_scenario *s = load_ok(
      "scenario: numeric\n"
      "issues:\n"
      "  - {id: n, type: integer, min: 0, max: 100, step: 25}\n"
      "  - {id: d, type: integer, min: -3, max: 3}\n"
      "  - {id: r, type: real, min: 0, max: 0.5, resolution: 0.05}\n"
      "  - {id: one, type: real, min: 2, max: 2, resolution: 1}\n"
      "status_quo: {n: 50, d: -1, r: 0.25, one: 2}\n"
      "parties:\n"
      "  - id: p\n"
      "    weights: {n: 1, d: 1, r: 1, one: 1}\n"
      "    values:\n"
      "      n: increasing\n"
      "      d: decreasing\n"
      "      r: [[0, 1], [0.1, 0.9], [0.3, 0.2], [0.5, 0]]\n"
      "      one: increasing\n"
      "  - id: q\n"
      "    weights: {r: 1}\n"
      "    values: {r: [[0.1, 0], [0.4, 1]]}\n"
      "    status_quo: {n: 0, d: 3, r: 0.5, one: 2.0}\n");
  int n = pl_scenario_find_issue(s, "n"), d = pl_scenario_find_issue(s, "d");
  int r = pl_scenario_find_issue(s, "r"), one = pl_scenario_find_issue(s, "one");
  assert_int_equal(pl_scenario_issue_kind(s, n), PL_ISSUE_INTEGER);
  assert_int_equal(pl_scenario_issue_kind(s, r), PL_ISSUE_REAL);
  assert_int_equal(pl_scenario_option_count(s, n), 5);
  assert_int_equal(pl_scenario_option_count(s, d), 7);
  assert_int_equal(pl_scenario_option_count(s, r), 11);
  assert_int_equal(pl_scenario_option_count(s, one), 1);
  assert_string_equal(pl_scenario_option_id(s, n, 3), "75");
  assert_string_equal(pl_scenario_option_id(s, d, 0), "-3");
  assert_string_equal(pl_scenario_option_id(s, r, 1), "0.05");
  assert_string_equal(pl_scenario_option_id(s, r, 10), "0.5");
  assert_int_equal(pl_scenario_find_option(s, r, "0.35"), 7);
  /* linear: 0 at min, 1 at max, or back */
  assert_near(pl_scenario_value(s, 0, n, 1), 0.25);
  assert_near(pl_scenario_value(s, 0, d, 0), 1);
  assert_near(pl_scenario_value(s, 0, d, 4), 1.0 / 3);
  /* piecewise: between (0.1, 0.9) and (0.3, 0.2) */
  assert_near(pl_scenario_value(s, 0, r, 2), 0.9);
  assert_near(pl_scenario_value(s, 0, r, 4), 0.55);
  assert_near(pl_scenario_value(s, 0, r, 6), 0.2);
  /* constant beyond the ends */
  assert_near(pl_scenario_value(s, 1, r, 0), 0);
  assert_near(pl_scenario_value(s, 1, r, 5), 0.5);
  assert_near(pl_scenario_value(s, 1, r, 10), 1);
  /* status quo: the scenario's, and q's own */
  assert_int_equal(pl_scenario_status_quo(s, -1, n), 2);
  assert_int_equal(pl_scenario_status_quo(s, 0, d), 2);
  assert_int_equal(pl_scenario_status_quo(s, 0, r), 5);
  assert_int_equal(pl_scenario_status_quo(s, 1, d), 6);
  assert_int_equal(pl_scenario_status_quo(s, 1, r), 10);
  pl_scenario_free(s);
}

static void test_rules(void **state) {
  (void)state;
  pl_scenario *s = load_ok(
      "issues:\n"
      "  - {id: a, options: [a1, a2, a3]}\n"
      "  - {id: b, options: [b1, b2]}\n"
      "  - {id: n, type: integer, min: 10, max: 50, step: 10}\n"
      "  - {id: x, type: real, min: 0, max: 1, resolution: 0.25}\n"
      "parties:\n"
      "  - id: p\n"
      "    weights: {a: 1}\n"
      "    values: {a: {a1: 1}}\n"
      "    red_lines:\n"
      "      - {id: r0, rule: {issue: a, not_in: [a3]}}\n"
      "      - id: r1\n"
      "        rule:\n"
      "          all:\n"
      "            - {issue: b, in: [b1]}\n"
      "            - {not: {issue: a, in: [a1]}}\n"
      "      - id: r2\n"
      "        rule: {any: [{issue: n, max: 20}, {issue: x, min: 0.75}]}\n"
      "      - {id: r3, rule: {issue: n, min: 20, max: 40}}\n"
      "      - {id: r4, rule: {issue: n, in: [30, 50]}}\n"
      "      - {id: l1, linked: [a, n]}\n"
      "      - {id: l2, description: every issue, linked: all}\n");
  assert_int_equal(pl_scenario_red_line_count(s), 7);
  /* options: a, b, n (10..50), x (0..1) */
  struct {
    int r;
    uint32_t o[4];
    int holds;
  } cases[] = {
      {0, {0, 0, 0, 0}, 1}, {0, {2, 0, 0, 0}, 0}, {1, {1, 0, 0, 0}, 1},
      {1, {0, 0, 0, 0}, 0}, {1, {1, 1, 0, 0}, 0}, {2, {0, 0, 1, 0}, 1},
      {2, {0, 0, 2, 2}, 0}, {2, {0, 0, 4, 3}, 1}, {3, {0, 0, 0, 0}, 0},
      {3, {0, 0, 1, 0}, 1}, {3, {0, 0, 3, 0}, 1}, {3, {0, 0, 4, 0}, 0},
      {4, {0, 0, 2, 0}, 1}, {4, {0, 0, 3, 0}, 0}, {4, {0, 0, 4, 0}, 1},
  };
  for (size_t k = 0; k < sizeof cases / sizeof *cases; k++)
    if (pl_scenario_red_line_holds(s, cases[k].r, cases[k].o) != cases[k].holds)
      fail_msg("case %zu: red line %d", k, cases[k].r);
  assert_true(pl_scenario_red_line_mentions(s, 1, 0));
  assert_true(pl_scenario_red_line_mentions(s, 1, 1));
  assert_false(pl_scenario_red_line_mentions(s, 1, 2));
  assert_true(pl_scenario_red_line_is_linkage(s, 5));
  assert_true(pl_scenario_red_line_mentions(s, 5, 0));
  assert_false(pl_scenario_red_line_mentions(s, 5, 1));
  assert_true(pl_scenario_red_line_mentions(s, 5, 2));
  for (int i = 0; i < 4; i++) assert_true(pl_scenario_red_line_mentions(s, 6, i));
  assert_string_equal(pl_scenario_red_line_description(s, 6), "every issue");
  /* linkage on partial outcomes */
  uint32_t part[4] = {0, PL_NOT_AGREED, PL_NOT_AGREED, 0};
  assert_false(pl_scenario_red_line_holds(s, 5, part));
  part[2] = 1;
  assert_true(pl_scenario_red_line_holds(s, 5, part));
  pl_scenario_free(s);
}

/* Every good file of the corpus loads and its analysis runs. */
static void test_corpus_good_files(void **state) {
  (void)state;
  static const char *const files[] = {
      "y_discrete.yaml", "y_option_names.yaml",    "y_integer.yaml",
      "y_real_piecewise.yaml", "y_rules.yaml",     "y_min_max_rules.yaml",
      "y_linked.yaml",   "y_party_status_quo.yaml", "y_single.yaml",
      "y_three_parties.yaml"};
  for (size_t k = 0; k < sizeof files / sizeof *files; k++) {
    char rel[256];
    snprintf(rel, sizeof rel, "tests/data/scenarios/%s", files[k]);
    size_t len;
    char *text = read_source(rel, &len);
    pl_scenario *s = NULL;
    pl_error err;
    if (pl_scenario_load_yaml(text, len, files[k], &s, &err))
      fail_msg("%s:%d:%d: %s", files[k], err.line, err.column, err.message);
    pl_analysis *a = NULL;
    if (pl_analyze(s, NULL, &a, &err)) fail_msg("%s: %s", files[k], err.message);
    pl_analysis_free(a);
    pl_scenario_free(s);
    free(text);
  }
  size_t len;
  char *text = read_source("tests/data/scenarios/y_option_names.yaml", &len);
  pl_scenario *s = NULL;
  assert_int_equal(pl_scenario_load_yaml(text, len, NULL, &s, NULL), PL_OK);
  assert_int_equal(pl_scenario_option_count(s, 0), 4);
  assert_string_equal(pl_scenario_option_id(s, 0, 3), "helsinki");
  pl_scenario_free(s);
  free(text);
}

/* ------------------------------------------------------------------ */
/* bad input                                                           */
/* ------------------------------------------------------------------ */

#define BASE_ISSUES "issues:\n  - {id: a, options: [x, y]}\n"
#define BASE_PARTY                                                          \
  "parties:\n  - id: p\n    weights: {a: 1}\n    values: {a: {x: 1}}\n"

static void test_errors(void **state) {
  (void)state;
  /* places and messages of the reader's own checks */
  refused("", PL_EPARSE, 1, 1, "empty file");
  refused("# nothing\n", PL_EPARSE, 1, 1, "no YAML document");
  refused("[1, 2]\n", PL_EPARSE, 1, 1, "expected a mapping for the scenario, found a list");
  refused(BASE_ISSUES BASE_PARTY "extra: 1\n", PL_EPARSE, 7, 1,
          "unknown key \"extra\" in scenario; expected one of: scenario, title");
  refused(BASE_ISSUES, PL_EPARSE, 1, 1, "scenario has no \"parties\"");
  refused(BASE_PARTY, PL_EPARSE, 1, 1, "scenario has no \"issues\"");
  refused("issues:\n  - {id: a, options: [x, y, x]}\n" BASE_PARTY, PL_EPARSE, 2,
          29, "duplicate option \"x\" in issue \"a\" (first at line 2)");
  refused("issues:\n  - {id: a, options: [x, [y]]}\n" BASE_PARTY, PL_EPARSE, 2,
          26, "expected an option id or {id, name}, found a list");
  refused("issues:\n  - {id: a, options: [x, {name: y}]}\n" BASE_PARTY,
          PL_EPARSE, 2, 26, "option has no \"id\"");
  refused("issues:\n  - {id: a, type: integer, min: 0, max: \"5\"}\n" BASE_PARTY,
          PL_EPARSE, 2, 41, "found the string \"5\": write numbers without quotes");
  refused("issues:\n  - {id: a, type: integer, min: 0}\n" BASE_PARTY, PL_EPARSE,
          2, 5, "integer issue \"a\" has no \"max\"");
  refused("issues:\n  - {id: a, type: integer, min: 0, max: 9, step: -3}\n" BASE_PARTY,
          PL_EPARSE, 2, 50, "must be positive");
  refused("issues:\n  - {id: a, type: real, min: 0, max: 1, resolution: 0}\n" BASE_PARTY,
          PL_EPARSE, 2, 53, "resolution of issue \"a\" must be positive");
  refused("issues:\n  - {id: a, type: real, min: 1, max: 0, resolution: 1}\n" BASE_PARTY,
          PL_EPARSE, 2, 38, "min 1 is above max 0");
  refused("issues:\n  - {id: a, type: [integer]}\n" BASE_PARTY, PL_EPARSE, 2, 19,
          "expected a string for issue type, found a list");
  refused(BASE_ISSUES "parties:\n  - id: p\n    weights: {a: 1}\n",
          PL_EPARSE, 5, 15, "party \"p\" weighs issue \"a\" but gives it no values");
  refused(BASE_ISSUES "parties:\n  - id: p\n    weights: {a: 1}\n"
                      "    values: {a: increasing}\n",
          PL_EPARSE, 6, 17, "expected a mapping for the values of a discrete issue");
  refused(BASE_ISSUES "parties:\n  - id: p\n    weights: {a: .nan}\n"
                      "    values: {a: {x: 1}}\n",
          PL_EPARSE, 5, 18, "expected a number for a weight");
  refused(BASE_ISSUES "parties:\n  - id: p\n    weights: {a: 1}\n"
                      "    values: {a: {x: 1}}\n    reservation: -0.1\n",
          PL_EPARSE, 7, 18, "reservation value -0.1 of party \"p\" is outside [0,1]");
  refused(BASE_ISSUES "status_quo: {a: x}\nparties:\n  - id: p\n"
                      "    weights: {a: 1}\n    values: {a: {x: 1}}\n"
                      "    status_quo: [x]\n",
          PL_EPARSE, 8, 17, "expected a mapping for \"status_quo\", found a list");
  refused(BASE_ISSUES BASE_PARTY "    red_lines: {id: r}\n", PL_EPARSE, 7, 16,
          "expected a list for \"red_lines\", found a mapping");
  refused(BASE_ISSUES BASE_PARTY "    red_lines:\n      - {id: r, rule: {not: []}}\n",
          PL_EPARSE, 8, 29, "expected a mapping for a rule, found a list");
  refused(BASE_ISSUES BASE_PARTY
          "    red_lines:\n      - {id: r, rule: {any: [{issue: a, in: [z]}]}}\n",
          PL_EPARSE, 8, 46, "unknown option \"z\" of issue \"a\"; expected one of: x, y");
  refused(BASE_ISSUES BASE_PARTY "    red_lines:\n      - {id: \"\", linked: all}\n",
          PL_EPARSE, 8, 14, "red line id is empty");
  /* ids with line breaks are escaped: one line per message */
  refused(BASE_ISSUES "parties:\n  - id: p\n    weights: {\"a\\nb\\t\\u0001\": 1}\n",
          PL_EPARSE, 5, 15, "unknown issue \"a\\nb\\t\\x01\"");
  /* the list of expected ids is cut, not the message */
  sbuf b = {0};
  sb_printf(&b, "issues:\n");
  for (int k = 0; k < 200; k++)
    sb_printf(&b, "  - {id: issue_number_%d, options: [x]}\n", k);
  sb_printf(&b, "parties:\n  - {id: p, weights: {nope: 1}}\n");
  refused(b.p, PL_EPARSE, 203, 23, "issue_number_1, issue_number_2, ");
  refused(b.p, PL_EPARSE, 203, 23, ", ...");
  free(b.p);
}

/* Null and odd arguments. */
static void test_arguments(void **state) {
  (void)state;
  pl_scenario *s = (pl_scenario *)&s;
  assert_int_equal(pl_scenario_load_yaml(NULL, 0, NULL, &s, NULL), PL_EPARSE);
  assert_null(s);
  pl_error err;
  assert_int_equal(pl_scenario_load_yaml(NULL, 0, NULL, &s, &err), PL_EPARSE);
  assert_string_equal(err.file, "<memory>");
  assert_non_null(strstr(err.message, "empty file"));
  /* text need not be NUL-terminated: only len bytes are read */
  const char *text = BASE_ISSUES BASE_PARTY "garbage: [";
  size_t len = strlen(BASE_ISSUES BASE_PARTY);
  assert_int_equal(pl_scenario_load_yaml(text, len, "t", &s, &err), PL_OK);
  pl_scenario_free(s);
}

/* ------------------------------------------------------------------ */
/* hostile input                                                       */
/* ------------------------------------------------------------------ */

static void test_alias_bomb(void **state) {
  (void)state;
  sbuf b = {0};
  sb_printf(&b, "lol0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
  for (int k = 1; k < 30; k++) {
    sb_printf(&b, "lol%d: &l%d [", k, k);
    for (int j = 0; j < 9; j++) sb_printf(&b, "%s*l%d", j ? ", " : "", k - 1);
    sb_printf(&b, "]\n");
  }
  sb_printf(&b, BASE_ISSUES BASE_PARTY);
  refused(b.p, PL_EPARSE, 2, 12, "aliases");
  free(b.p);
}

static void test_deep_nesting(void **state) {
  (void)state;
  sbuf b = {0};
  sb_printf(&b, BASE_ISSUES BASE_PARTY "    red_lines:\n      - id: r\n        rule: ");
  for (int k = 0; k < 10000; k++) sb_printf(&b, "{not: ");
  sb_printf(&b, "{issue: a, in: [x]}");
  for (int k = 0; k < 10000; k++) sb_printf(&b, "}");
  sb_printf(&b, "\n");
  refused(b.p, PL_EPARSE, 9, 0, "nesting deeper than 64 levels");
  free(b.p);
  /* block style: a list in a list in a list ... */
  b = (sbuf){0};
  sb_printf(&b, "issues:\n  - ");
  for (int k = 0; k < 10000; k++) sb_printf(&b, "- ");
  sb_printf(&b, "x\n");
  refused(b.p, PL_EPARSE, 2, 0, "nesting deeper than 64 levels");
  free(b.p);
  /* rules have their own, lower limit */
  b = (sbuf){0};
  sb_printf(&b, BASE_ISSUES BASE_PARTY "    red_lines:\n      - id: r\n        rule: ");
  for (int k = 0; k < 40; k++) sb_printf(&b, "{not: ");
  sb_printf(&b, "{issue: a, in: [x]}");
  for (int k = 0; k < 40; k++) sb_printf(&b, "}");
  sb_printf(&b, "\n");
  refused(b.p, PL_EPARSE, 9, 0, "rule nested more than 32 levels deep");
  free(b.p);
}

static void test_too_big(void **state) {
  (void)state;
  /* over 64 MiB: refused before parsing */
  size_t len = (64u << 20) + 1;
  char *text = malloc(len);
  assert_non_null(text);
  memset(text, '#', len);
  refused_len(text, len, PL_ETOOBIG, 1, 1, "at most 67108864");
  /* exactly 64 MiB is read: a scenario padded with a long comment */
  const char *good = BASE_ISSUES BASE_PARTY;
  len--;
  memcpy(text, good, strlen(good));
  text[strlen(good)] = '#';
  text[len - 1] = '\n';
  pl_scenario *s = NULL;
  pl_error err;
  assert_int_equal(pl_scenario_load_yaml(text, len, "t", &s, &err), PL_OK);
  assert_int_equal(pl_scenario_issue_count(s), 1);
  pl_scenario_free(s);
  free(text);
}

/* One issue with 10^6 options, values for some, a rule on it. */
static void test_million_options(void **state) {
  (void)state;
  const int n = 1000000;
  sbuf b = {0};
  sb_printf(&b, "issues:\n  - id: big\n    options: [");
  for (int k = 0; k < n; k++) sb_printf(&b, "%so%d", k ? ", " : "", k);
  sb_printf(&b, "]\n  - {id: small, options: [s]}\n"
                "parties:\n"
                "  - id: p\n"
                "    weights: {big: 1}\n"
                "    values: {big: {o0: 1, o123456: 0.5, o999999: 0.25}}\n"
                "    red_lines:\n"
                "      - {id: r, rule: {issue: big, not_in: [o7, o8]}}\n"
                "  - id: q\n"
                "    weights: {big: 1, small: 1}\n"
                "    values: {big: {o1: 1}, small: {s: 1}}\n");
  pl_scenario *s = NULL;
  pl_error err;
  int rc = pl_scenario_load_yaml(b.p, b.len, "big.yaml", &s, &err);
  if (rc) fail_msg("%d:%d: %s", err.line, err.column, err.message);
  assert_int_equal(pl_scenario_option_count(s, 0), (uint32_t)n);
  assert_int_equal(pl_scenario_find_option(s, 0, "o123456"), 123456);
  assert_near(pl_scenario_value(s, 0, 0, 123456), 0.5);
  assert_near(pl_scenario_value(s, 0, 0, 999999), 0.25);
  uint32_t o[2] = {7, 0};
  assert_false(pl_scenario_red_line_holds(s, 0, o));
  o[0] = 9;
  assert_true(pl_scenario_red_line_holds(s, 0, o));
  pl_scenario_free(s);

  /* a repeated option at the very end is found without quadratic work */
  char *dup = strstr(b.p, "o999999]");
  assert_non_null(dup);
  memcpy(dup, "o999998", 7);
  refused_len(b.p, b.len, PL_EPARSE, 3, 0,
              "duplicate option \"o999998\" in issue \"big\" (first at line 3)");
  free(b.p);
}

/* Many issues named many times: look-ups must not be linear. */
static void test_many_references(void **state) {
  (void)state;
  const int ni = 5000, np = 20;
  sbuf b = {0};
  sb_printf(&b, "issues:\n");
  for (int i = 0; i < ni; i++) sb_printf(&b, "  - {id: issue%d, options: [a, b]}\n", i);
  sb_printf(&b, "parties:\n");
  for (int p = 0; p < np; p++) {
    sb_printf(&b, "  - id: p%d\n    weights: {", p);
    for (int i = 0; i < ni; i++) sb_printf(&b, "%sissue%d: 1", i ? ", " : "", i);
    sb_printf(&b, "}\n    values: {");
    for (int i = 0; i < ni; i++) sb_printf(&b, "%sissue%d: {a: 1}", i ? ", " : "", i);
    sb_printf(&b, "}\n");
  }
  pl_scenario *s = NULL;
  pl_error err;
  int rc = pl_scenario_load_yaml(b.p, b.len, "many.yaml", &s, &err);
  if (rc) fail_msg("%d:%d: %s", err.line, err.column, err.message);
  assert_near(pl_scenario_weight(s, np - 1, ni - 1), 1.0 / ni);
  pl_scenario_free(s);
  free(b.p);
}

/* Red lines: rules are capped at the analysis limit as they are read, all
 * red lines (linkages too) at 10,000. */
static void test_red_line_limits(void **state) {
  (void)state;
  sbuf b = {0};
  sb_printf(&b, BASE_ISSUES BASE_PARTY "    red_lines:\n");
  for (int k = 0; k < 100000; k++) sb_printf(&b, "      - {id: r%d, linked: all}\n", k);
  refused(b.p, PL_ETOOBIG, 10008, 9, "more than 10000 red lines");
  free(b.p);
  b = (sbuf){0};
  sb_printf(&b, BASE_ISSUES BASE_PARTY "    red_lines:\n");
  for (int k = 0; k < 100000; k++)
    sb_printf(&b, "      - {id: r%d, rule: {issue: a, in: [x]}}\n", k);
  refused(b.p, PL_ETOOBIG, 72, 9, "more than 64 red lines (rules)");
  free(b.p);
  /* positive reservation values count too */
  b = (sbuf){0};
  sb_printf(&b, BASE_ISSUES "parties:\n");
  for (int p = 0; p < 64; p++)
    sb_printf(&b, "  - {id: p%d, reservation: 0.1, weights: {a: 1}, values: {a: {x: 1}}}\n", p);
  sb_printf(&b, "  - id: last\n    weights: {a: 1}\n    values: {a: {x: 1}}\n"
                "    red_lines: [{id: r, rule: {issue: a, in: [x]}}]\n");
  refused(b.p, PL_ETOOBIG, 71, 17, "at most 64 are supported");
  free(b.p);
}

/* Size budgets of the reader: a few bytes must not cost gigabytes. */
static void test_size_budgets(void **state) {
  (void)state;
  /* options x parties */
  sbuf b = {0};
  sb_printf(&b, "issues:\n  - {id: big, type: integer, min: 1, max: 1000000}\n"
                "  - {id: s, options: [x]}\nparties:\n");
  for (int p = 0; p < 100; p++)
    sb_printf(&b, "  - {id: p%d, weights: {s: 1}, values: {s: {x: 1}}}\n", p);
  refused(b.p, PL_ETOOBIG, 72, 5, "68 parties times 1000001 options");
  free(b.p);
  /* options scanned by rules */
  b = (sbuf){0};
  sb_printf(&b, "issues:\n  - {id: big, type: integer, min: 1, max: 1000000}\n"
                "parties:\n  - id: p\n    weights: {big: 1}\n"
                "    values: {big: increasing}\n"
                "    red_lines:\n      - id: r\n        rule:\n          all:\n");
  for (int k = 0; k < 100; k++) sb_printf(&b, "            - {issue: big, min: %d}\n", k);
  refused(b.p, PL_ETOOBIG, 78, 15, "range over more than 67108864 options");
  free(b.p);
  /* grid points of all issues */
  b = (sbuf){0};
  sb_printf(&b, "issues:\n  - {id: a, type: integer, min: 0, max: 9000000}\n"
                "  - {id: b, type: integer, min: 0, max: 9000000}\n" BASE_PARTY);
  refused(b.p, PL_ETOOBIG, 3, 41, "brings the options of all issues to more than 16777216");
  free(b.p);
  /* a single numeric issue over the model's limit says so */
  refused("issues:\n  - {id: a, type: real, min: 0, max: 1, resolution: 1e-9}\n" BASE_PARTY,
          PL_ETOOBIG, 2, 53, "has more than 10000000 values");
}

/* A small xorshift generator: the same junk on every run. */
static uint64_t rng_next(uint64_t *x) {
  *x ^= *x << 13;
  *x ^= *x >> 7;
  *x ^= *x << 17;
  return *x;
}

static void check_outcome(int rc, pl_scenario *s, const pl_error *err);

/* Loads len bytes: they load, or are refused with a place in one line. */
static void load_any(const char *text, size_t len, const char *name) {
  pl_scenario *s = (pl_scenario *)&s;
  pl_error err;
  memset(&err, 0, sizeof err);
  int rc = pl_scenario_load_yaml(text, len, name, &s, &err);
  check_outcome(rc, s, &err);
}

static void check_outcome(int rc, pl_scenario *s, const pl_error *err) {
  if (rc == PL_OK) {
    assert_non_null(s);
    pl_scenario_free(s);
    return;
  }
  assert_null(s);
  if (rc != PL_EPARSE && rc != PL_ETOOBIG)
    fail_msg("unexpected %s: %s", pl_errname(rc), err->message);
  assert_true(err->line >= 1 && err->column >= 1);
  assert_true(err->message[0] != 0);
  assert_null(strchr(err->message, '\n'));
}

/* Random bytes; random tokens of the format; random mutations of the
 * example. Each is refused with a place or loads; nothing crashes or
 * leaks. */
static void test_random_junk(void **state) {
  (void)state;
  uint64_t x = 0x9E3779B97F4A7C15ULL;
  char buf[2048];
  for (int it = 0; it < 20000; it++) {
    size_t len = rng_next(&x) % sizeof buf;
    for (size_t k = 0; k < len; k++) buf[k] = (char)(rng_next(&x) & 0xFF);
    load_any(buf, len, "junk");
  }
  static const char *const tokens[] = {
      "issues:", "parties:", "status_quo:", "- ", "id: ", "options: ",
      "weights: ", "values: ", "red_lines: ", "rule: ", "linked: ", "all",
      "any: ", "not: ", "issue: ", "in: ", "not_in: ", "min: ", "max: ",
      "type: ", "integer", "real", "step: ", "resolution: ", "increasing",
      "a", "b", "x", "y", "0", "1", "0.5", "-1", "1e9", "[", "]", "{", "}",
      ", ", ": ", "\n", "\n  ", "\n    ", "\n      ", "'", "\"", "&a ", "*a",
      "#", "---"};
  const size_t nt = sizeof tokens / sizeof *tokens;
  for (int it = 0; it < 20000; it++) {
    size_t len = 0, want = rng_next(&x) % 120;
    for (size_t k = 0; k < want; k++) {
      const char *t = tokens[rng_next(&x) % nt];
      size_t tl = strlen(t);
      if (len + tl >= sizeof buf) break;
      memcpy(buf + len, t, tl);
      len += tl;
    }
    load_any(buf, len, "junk");
  }
  size_t elen;
  char *example = read_source("examples/security-talks.yaml", &elen);
  char *m = malloc(elen);
  assert_non_null(m);
  for (int it = 0; it < 3000; it++) {
    memcpy(m, example, elen);
    int edits = 1 + (int)(rng_next(&x) % 4);
    for (int e = 0; e < edits; e++) {
      size_t at = rng_next(&x) % elen;
      switch (rng_next(&x) % 3) {
      case 0: /* a random byte */
        m[at] = (char)(rng_next(&x) & 0xFF);
        break;
      case 1: /* a structural character */
        m[at] = ":-[]{}#&*'\" \n\t"[rng_next(&x) % 15];
        break;
      default: /* a digit: other numbers, ids and indentation */
        m[at] = (char)('0' + rng_next(&x) % 10);
      }
    }
    load_any(m, elen, "mutant");
  }
  free(m);
  free(example);
}

/* ------------------------------------------------------------------ */
/* allocation failures                                                 */
/* ------------------------------------------------------------------ */

/* Loads text with the nth allocation failing, n = 0, 1, ... until a load
 * succeeds: each failure must be PL_ENOMEM with nothing returned. */
static long torture(const char *text, size_t len, const char *what) {
  for (long n = 0;; n++) {
    pl_scenario *s = (pl_scenario *)&s;
    pl_error err;
    memset(&err, 0, sizeof err);
    pl__alloc_fail_after(n);
    int rc = pl_scenario_load_yaml(text, len, what, &s, &err);
    pl__alloc_fail_after(-1);
    if (rc == PL_OK) {
      assert_non_null(s);
      pl_scenario_free(s);
      return n;
    }
    if (rc != PL_ENOMEM)
      fail_msg("%s, allocation %ld failing: %s (%s:%d:%d: %s)", what, n,
               pl_errname(rc), err.file, err.line, err.column, err.message);
    assert_int_equal(err.code, PL_ENOMEM);
    assert_null(s);
    if (n > 1000000) fail_msg("%s: no success after %ld allocations", what, n);
  }
}

static void test_alloc_failures(void **state) {
  (void)state;
  size_t len;
  char *text = read_source("examples/security-talks.yaml", &len);
  long n = torture(text, len, "security-talks.yaml");
  assert_true(n > 50); /* the loop really went through the load */
  free(text);
  static const char *const files[] = {
      "y_integer.yaml", "y_real_piecewise.yaml", "y_rules.yaml",
      "y_min_max_rules.yaml", "y_linked.yaml", "y_party_status_quo.yaml",
      "y_option_names.yaml", "y_three_parties.yaml"};
  for (size_t k = 0; k < sizeof files / sizeof *files; k++) {
    char rel[256];
    snprintf(rel, sizeof rel, "tests/data/scenarios/%s", files[k]);
    text = read_source(rel, &len);
    torture(text, len, files[k]);
    free(text);
  }
  /* the file reader too */
  const char *path = source_path("examples/security-talks.yaml");
  for (long k = 0;; k++) {
    pl_scenario *s = NULL;
    pl_error err;
    pl__alloc_fail_after(k);
    int rc = pl_scenario_load(path, &s, &err);
    pl__alloc_fail_after(-1);
    if (rc == PL_OK) {
      pl_scenario_free(s);
      break;
    }
    assert_int_equal(rc, PL_ENOMEM);
    assert_null(s);
  }
}

int main(int argc, char **argv) {
  if (argc > 1) cmocka_set_test_filter(argv[1]); /* e.g. test_alloc* */
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_security_talks),
      cmocka_unit_test(test_load_file_errors),
      cmocka_unit_test(test_defaults),
      cmocka_unit_test(test_numeric_issues),
      cmocka_unit_test(test_rules),
      cmocka_unit_test(test_corpus_good_files),
      cmocka_unit_test(test_errors),
      cmocka_unit_test(test_arguments),
      cmocka_unit_test(test_alias_bomb),
      cmocka_unit_test(test_deep_nesting),
      cmocka_unit_test(test_too_big),
      cmocka_unit_test(test_million_options),
      cmocka_unit_test(test_many_references),
      cmocka_unit_test(test_red_line_limits),
      cmocka_unit_test(test_size_budgets),
      cmocka_unit_test(test_random_junk),
      cmocka_unit_test(test_alloc_failures),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
