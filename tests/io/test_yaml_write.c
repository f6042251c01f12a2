/* The YAML writer: everything it writes reads back to the same model. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <dirent.h>
#include <unistd.h>

#include "testutil.h"

static char tmpdir[256];

static int setup(void **state) {
  (void)state;
  snprintf(tmpdir, sizeof tmpdir, "/tmp/pl-yaml-write-XXXXXX");
  return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state) {
  (void)state;
  char cmd[512];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
  return system(cmd) == 0 ? 0 : -1;
}

/* Drop costs, variants (ids, costs, the packages they allow) and
 * reservation costs survive the trip. */
static void same_concessions(const pl_scenario *s, const pl_scenario *b) {
  const int ni = pl_scenario_issue_count(s);
  uint32_t o[64];
  uint64_t n = 0;
  if (ni > 64 || pl_scenario_outcome_count(s, &n) || n > 20000) n = 0;
  for (int p = 0; p < pl_scenario_party_count(s); p++)
    assert_true(pl_scenario_reservation_cost(s, p) ==
                pl_scenario_reservation_cost(b, p));
  for (int r = 0; r < pl_scenario_red_line_count(s); r++) {
    if (pl_scenario_red_line_is_linkage(s, r)) continue;
    assert_true(pl_scenario_red_line_drop_cost(s, r) ==
                pl_scenario_red_line_drop_cost(b, r));
    assert_int_equal(pl_scenario_variant_count(s, r),
                     pl_scenario_variant_count(b, r));
    for (int v = 0; v < pl_scenario_variant_count(s, r); v++) {
      assert_string_equal(pl_scenario_variant_id(s, r, v),
                          pl_scenario_variant_id(b, r, v));
      assert_true(pl_scenario_variant_cost(s, r, v) ==
                  pl_scenario_variant_cost(b, r, v));
      for (uint64_t k = 0; k < n; k++) {
        pl_scenario_decode(s, k, o);
        assert_int_equal(pl_scenario_variant_holds(s, r, v, o),
                         pl_scenario_variant_holds(b, r, v, o));
      }
    }
  }
}

/* Writes s as YAML, reads it back, and checks the copy. */
static void round_trip(const pl_scenario *s) {
  char path[512];
  snprintf(path, sizeof path, "%s/out.yaml", tmpdir);
  pl_error err = {0};
  if (pl_scenario_write(s, PL_FORMAT_YAML, path, &err))
    fail_msg("write %s: %s", pl_scenario_id(s), err.message);
  pl_scenario *b = NULL;
  if (pl_scenario_load(path, &b, &err))
    fail_msg("read back %s: %s:%d:%d: %s", pl_scenario_id(s), err.file,
             err.line, err.column, err.message);
  tu_same_scenario(s, b, 200000, 1);
  same_concessions(s, b);
  assert_string_equal(pl_scenario_title(s), pl_scenario_title(b));
  for (int p = 0; p < pl_scenario_party_count(s); p++)
    for (int i = 0; i < pl_scenario_issue_count(s); i++)
      assert_int_equal(pl_scenario_status_quo(s, p, i),
                       pl_scenario_status_quo(b, p, i));
  pl_scenario_free(b);
}

static void round_trip_file(const char *rel) {
  pl_scenario *s = tu_load(rel);
  round_trip(s);
  pl_scenario_free(s);
}

static void test_examples(void **state) {
  (void)state;
  round_trip_file("examples/security-talks.yaml");
  round_trip_file("examples/job-offer.yaml");
}

static void test_corpus(void **state) {
  (void)state;
  DIR *d = opendir(tu_source_path("tests/data/scenarios"));
  assert_non_null(d);
  struct dirent *e;
  int n = 0;
  while ((e = readdir(d))) {
    if (strncmp(e->d_name, "y_", 2)) continue;
    char rel[512];
    snprintf(rel, sizeof rel, "tests/data/scenarios/%s", e->d_name);
    round_trip_file(rel);
    n++;
  }
  closedir(d);
  assert_true(n >= 10);
}

static void test_random(void **state) {
  (void)state;
  tu_rng r = {2026};
  for (int round = 0; round < 200; round++) {
    pl_scenario *s = tu_random_scenario(&r, 2 + round % 3);
    round_trip(s);
    pl_scenario_free(s);
  }
}

/* Everything beyond the parley defaults: weights as given with values
 * outside [0,1], a discount, a reservation outcome, hyper-rectangles, a
 * real issue, awkward ids. */
static void test_extensions(void **state) {
  (void)state;
  pl_scenario *s = pl_scenario_new("ext: 'odd' id");
  static const char *const ids[] = {"1", "true", "a b", "#x", NULL};
  int a = tu_issue(s, "colour: yes", ids);
  int b = pl_scenario_add_real_issue(s, "share", NULL, -0.5, 0.5, 0.1, NULL);
  int c = pl_scenario_add_integer_issue(s, "n", NULL, 1, 10, 1, NULL);
  assert_true(a >= 0 && b >= 0 && c >= 0);
  int g = tu_party(s, "genius", 0);
  TU_OK(pl_scenario_set_weighting(s, g, PL_WEIGHTS_AS_GIVEN, NULL));
  TU_OK(pl_scenario_set_weight(s, g, a, 0.7, NULL));
  TU_OK(pl_scenario_set_weight(s, g, b, 0.45, NULL));
  TU_OK(pl_scenario_set_value(s, g, a, 2, 1.25, NULL));
  TU_OK(pl_scenario_set_value(s, g, a, 3, -0.3, NULL));
  for (uint32_t k = 0; k < 11; k++)
    TU_OK(pl_scenario_set_value(s, g, b, k, 0.1 * k, NULL));
  TU_OK(pl_scenario_set_discount(s, g, 0.37, NULL));
  uint32_t ro[3] = {2, 5, 3};
  TU_OK(pl_scenario_set_reservation_outcome(s, g, ro, NULL));
  int h = tu_party(s, "hyper", 0.1);
  TU_OK(pl_scenario_set_rectangles(s, h, 7.5, NULL));
  int is[2] = {c, a};
  uint32_t lo[2] = {2, 0}, hi[2] = {6, 1};
  TU_OK(pl_scenario_add_rectangle(s, h, 5, 2, is, lo, hi, NULL));
  TU_OK(pl_scenario_add_rectangle(s, h, -1.5, 1, is, lo, hi, NULL));
  TU_OK(pl_scenario_add_rectangle(s, h, 2.5, 0, NULL, NULL, NULL, NULL));
  int q = tu_party(s, "plain", 0.2);
  tu_weight(s, q, c, 3);
  double x[2] = {1, 10}, v[2] = {1, 0};
  TU_OK(pl_scenario_set_value_function(s, q, c, 2, x, v, NULL));
  tu_finish(s);
  round_trip(s);
  pl_scenario_free(s);
}

static void test_write_errors(void **state) {
  (void)state;
  pl_scenario *s = NULL;
  pl_error err = {0};
  assert_int_equal(pl_scenario_load(tu_source_path("examples/job-offer.yaml"),
                                    &s, &err),
                   PL_OK);
  assert_int_equal(pl_scenario_write(s, PL_FORMAT_YAML,
                                     "/nonexistent-dir/x.yaml", &err),
                   PL_EIO);
  assert_non_null(strstr(err.message, "cannot write"));
  assert_int_equal(access("/nonexistent-dir", F_OK), -1);
  pl_scenario_free(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_examples),   cmocka_unit_test(test_corpus),
      cmocka_unit_test(test_random),     cmocka_unit_test(test_extensions),
      cmocka_unit_test(test_write_errors),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
