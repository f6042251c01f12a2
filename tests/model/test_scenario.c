/* Unit tests of the scenario model (src/model/scenario.c): the builder and
 * its validation, the precomputed utilities, outcome counting and
 * indexing, and red-line evaluation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/util.h"
#include "parley/parley.h"
#include "testutil.h"

static const char *const XYZ[] = {"x", "y", "z", NULL};

/* One party, one 3-option issue, weight 1: the smallest finishable
 * scenario. */
static pl_scenario *tiny(void) {
  pl_scenario *s = pl_scenario_new("tiny");
  tu_party(s, "a", 0);
  tu_issue(s, "i", XYZ);
  tu_weight(s, 0, 0, 1);
  return s;
}

/* ------------------------------------------------------------------ */
/* lifetime                                                            */
/* ------------------------------------------------------------------ */

static void test_free_null_is_noop(void **state) {
  (void)state;
  pl_scenario_free(NULL);
  pl_expr_free(NULL);
  pl_analysis_free(NULL);
  pl_free(NULL);
}

static void test_new_defaults(void **state) {
  (void)state;
  pl_scenario *s = pl_scenario_new(NULL);
  assert_non_null(s);
  tu_party(s, "a", 0);
  tu_issue(s, "i", XYZ);
  tu_weight(s, 0, 0, 1);
  tu_finish(s);
  assert_string_equal(pl_scenario_id(s), "scenario");
  assert_string_equal(pl_scenario_title(s), "");
  assert_string_equal(pl_scenario_description(s), "");
  pl_scenario_free(s);

  s = pl_scenario_new("talks");
  TU_OK(pl_scenario_set_text(s, "Title", "Text", NULL));
  TU_OK(pl_scenario_set_text(s, "Title 2", NULL, NULL)); /* NULL: "" */
  tu_party(s, "a", 0);
  tu_issue(s, "i", XYZ);
  tu_weight(s, 0, 0, 1);
  tu_finish(s);
  assert_string_equal(pl_scenario_id(s), "talks");
  assert_string_equal(pl_scenario_title(s), "Title 2");
  assert_string_equal(pl_scenario_description(s), "");
  pl_scenario_free(s);
}

static void test_names_default_to_ids(void **state) {
  (void)state;
  pl_scenario *s = pl_scenario_new("n");
  pl_error err;
  assert_int_equal(pl_scenario_add_party(s, "a", NULL, 0, &err), 0);
  assert_int_equal(pl_scenario_add_party(s, "b", "", 0, &err), 1);
  assert_int_equal(pl_scenario_add_party(s, "c", "Party C", 0.5, &err), 2);
  const char *ids[] = {"x", "y"}, *names[] = {"Ex", NULL};
  assert_int_equal(
      pl_scenario_add_discrete_issue(s, "i", "Issue", 2, ids, names, &err), 0);
  assert_int_equal(pl_scenario_add_integer_issue(s, "n", NULL, 0, 2, 1, &err),
                   1);
  assert_int_equal(pl_scenario_add_real_issue(s, "r", "", 0, 1, 0.5, &err), 2);
  for (int p = 0; p < 3; p++) tu_weight(s, p, 0, 1);
  tu_finish(s);
  assert_int_equal(pl_scenario_party_count(s), 3);
  assert_string_equal(pl_scenario_party_name(s, 0), "a");
  assert_string_equal(pl_scenario_party_name(s, 1), "b");
  assert_string_equal(pl_scenario_party_name(s, 2), "Party C");
  assert_double_near(pl_scenario_reservation(s, 2), 0.5, 0);
  assert_int_equal(pl_scenario_issue_count(s), 3);
  assert_string_equal(pl_scenario_issue_name(s, 0), "Issue");
  assert_string_equal(pl_scenario_issue_name(s, 1), "n");
  assert_string_equal(pl_scenario_issue_name(s, 2), "r");
  assert_int_equal(pl_scenario_issue_kind(s, 0), PL_ISSUE_DISCRETE);
  assert_int_equal(pl_scenario_issue_kind(s, 1), PL_ISSUE_INTEGER);
  assert_int_equal(pl_scenario_issue_kind(s, 2), PL_ISSUE_REAL);
  assert_int_equal(pl_scenario_find_party(s, "c"), 2);
  assert_int_equal(pl_scenario_find_party(s, "d"), -1);
  assert_int_equal(pl_scenario_find_issue(s, "r"), 2);
  assert_int_equal(pl_scenario_find_issue(s, "q"), -1);
  assert_int_equal(pl_scenario_find_option(s, 0, "y"), 1);
  assert_int_equal(pl_scenario_find_option(s, 0, "z"), -1);
  assert_string_equal(pl_scenario_option_id(s, 0, PL_NOT_AGREED), "-");
  pl_scenario_free(s);
}

/* ------------------------------------------------------------------ */
/* validation                                                          */
/* ------------------------------------------------------------------ */

static void test_duplicate_ids(void **state) {
  (void)state;
  pl_scenario *s = pl_scenario_new("d");
  pl_error err;
  tu_party(s, "a", 0);
  tu_party(s, "b", 0);
  assert_rc(pl_scenario_add_party(s, "a", NULL, 0, &err), PL_EEXIST);
  assert_int_equal(err.code, PL_EEXIST);
  assert_non_null(strstr(err.message, "\"a\""));
  assert_rc(pl_scenario_add_party(s, "", NULL, 0, &err), PL_EINVAL);
  assert_rc(pl_scenario_add_party(s, NULL, NULL, 0, &err), PL_EINVAL);

  tu_issue(s, "i", XYZ);
  assert_rc(pl_scenario_add_discrete_issue(s, "i", NULL, 3, XYZ, NULL, &err),
            PL_EEXIST);
  assert_rc(pl_scenario_add_integer_issue(s, "i", NULL, 0, 1, 1, &err),
            PL_EEXIST);
  assert_rc(pl_scenario_add_real_issue(s, "i", NULL, 0, 1, 1, &err),
            PL_EEXIST);
  const char *dup[] = {"p", "q", "p"};
  assert_rc(pl_scenario_add_discrete_issue(s, "j", NULL, 3, dup, NULL, &err),
            PL_EEXIST);
  assert_non_null(strstr(err.message, "\"p\""));
  const char *empty[] = {"p", ""};
  assert_rc(pl_scenario_add_discrete_issue(s, "j", NULL, 2, empty, NULL, &err),
            PL_EINVAL);
  assert_rc(pl_scenario_add_discrete_issue(s, "j", NULL, 0, empty, NULL, &err),
            PL_EINVAL);
  assert_rc(pl_scenario_add_discrete_issue(s, "", NULL, 1, empty, NULL, &err),
            PL_EINVAL);
  /* the failed issues were not added; "j" is still free */
  assert_int_equal(pl_scenario_add_discrete_issue(s, "j", NULL, 2, dup, NULL,
                                                  &err),
                   1);

  /* red line ids: unique per party, the same id for another party is fine */
  assert_int_equal(pl_scenario_add_red_line(s, 0, "r", NULL, tu_in1(0, 0),
                                            &err),
                   0);
  assert_rc(pl_scenario_add_red_line(s, 0, "r", NULL, tu_in1(0, 1), &err),
            PL_EEXIST);
  assert_rc(pl_scenario_add_linkage(s, 0, "r", NULL, 0, NULL, &err),
            PL_EEXIST);
  assert_int_equal(pl_scenario_add_red_line(s, 1, "r", NULL, tu_in1(0, 0),
                                            &err),
                   1);
  assert_rc(pl_scenario_add_red_line(s, 1, "", NULL, tu_in1(0, 0), &err),
            PL_EINVAL);
  tu_weight(s, 0, 0, 1);
  tu_weight(s, 1, 1, 1);
  tu_finish(s);
  assert_int_equal(pl_scenario_red_line_count(s), 2);
  assert_int_equal(pl_scenario_red_line_party(s, 1), 1);
  assert_string_equal(pl_scenario_red_line_id(s, 1), "r");
  assert_string_equal(pl_scenario_red_line_description(s, 1), "");
  pl_scenario_free(s);
}

static void test_ranges(void **state) {
  (void)state;
  pl_scenario *s = pl_scenario_new("r");
  pl_error err;
  assert_rc(pl_scenario_add_party(s, "a", NULL, -0.1, &err), PL_ERANGE);
  assert_rc(pl_scenario_add_party(s, "a", NULL, 1.1, &err), PL_ERANGE);
  assert_rc(pl_scenario_add_party(s, "a", NULL, NAN, &err), PL_ERANGE);
  assert_int_equal(pl_scenario_add_party(s, "a", NULL, 0, &err), 0);
  assert_int_equal(pl_scenario_add_party(s, "b", NULL, 1, &err), 1);
  tu_issue(s, "i", XYZ);

  assert_rc(pl_scenario_set_weight(s, 0, 0, -1, &err), PL_ERANGE);
  assert_rc(pl_scenario_set_weight(s, 0, 0, NAN, &err), PL_ERANGE);
  assert_rc(pl_scenario_set_weight(s, 0, 0, INFINITY, &err), PL_ERANGE);
  assert_rc(pl_scenario_set_weight(s, 2, 0, 1, &err), PL_ENOTFOUND);
  assert_rc(pl_scenario_set_weight(s, -1, 0, 1, &err), PL_ENOTFOUND);
  assert_rc(pl_scenario_set_weight(s, 0, 1, 1, &err), PL_ENOTFOUND);
  TU_OK(pl_scenario_set_weight(s, 0, 0, 0, &err));

  assert_rc(pl_scenario_set_value(s, 0, 0, 0, 1.5, &err), PL_ERANGE);
  assert_rc(pl_scenario_set_value(s, 0, 0, 0, -0.5, &err), PL_ERANGE);
  assert_rc(pl_scenario_set_value(s, 0, 0, 0, NAN, &err), PL_ERANGE);
  assert_rc(pl_scenario_set_value(s, 0, 0, 3, 0.5, &err), PL_ENOTFOUND);
  assert_rc(pl_scenario_set_value(s, 0, 0, PL_NOT_AGREED, 0.5, &err),
            PL_ENOTFOUND);
  TU_OK(pl_scenario_set_value(s, 0, 0, 2, 1, &err));

  /* integer grids */
  assert_rc(pl_scenario_add_integer_issue(s, "n", NULL, 0, 10, 0, &err),
            PL_ERANGE);
  assert_rc(pl_scenario_add_integer_issue(s, "n", NULL, 0, 10, -5, &err),
            PL_ERANGE);
  assert_rc(pl_scenario_add_integer_issue(s, "n", NULL, 10, 0, 5, &err),
            PL_ERANGE);
  assert_rc(pl_scenario_add_integer_issue(s, "n", NULL, 0, 10, 3, &err),
            PL_ERANGE); /* 10 is not 0 + 3k */
  assert_rc(pl_scenario_add_integer_issue(s, "n", NULL, INT64_MIN, INT64_MAX,
                                          1, &err),
            PL_ETOOBIG); /* beyond 2^53 (and the span overflows) */
  assert_rc(pl_scenario_add_integer_issue(s, "n", NULL, 0,
                                          INT64_C(9007199254740993), 1, &err),
            PL_ETOOBIG); /* 2^53 + 1 has no double of its own */
  assert_rc(pl_scenario_add_integer_issue(s, "n", NULL,
                                          -INT64_C(9007199254740993), 0, 1,
                                          &err),
            PL_ETOOBIG);
  assert_rc(pl_scenario_add_integer_issue(s, "n", NULL, 0, 20000000, 1, &err),
            PL_ETOOBIG);
  /* real grids */
  assert_rc(pl_scenario_add_real_issue(s, "x", NULL, 0, 1, 0, &err),
            PL_ERANGE);
  assert_rc(pl_scenario_add_real_issue(s, "x", NULL, 0, 1, -0.1, &err),
            PL_ERANGE);
  assert_rc(pl_scenario_add_real_issue(s, "x", NULL, 1, 0, 0.1, &err),
            PL_ERANGE);
  assert_rc(pl_scenario_add_real_issue(s, "x", NULL, 0, 1, 0.3, &err),
            PL_ERANGE); /* 1/0.3 = 3.33 steps */
  assert_rc(pl_scenario_add_real_issue(s, "x", NULL, 0, INFINITY, 1, &err),
            PL_ERANGE);
  assert_rc(pl_scenario_add_real_issue(s, "x", NULL, NAN, 1, 0.5, &err),
            PL_ERANGE);
  assert_rc(pl_scenario_add_real_issue(s, "x", NULL, 0, 1, 1e-9, &err),
            PL_ETOOBIG);
  /* a whole number of steps (binary fractions), but options of 12
   * significant digits cannot tell 10^6 from 10^6 + 2^-20 */
  double r20 = ldexp(1, -20);
  assert_rc(pl_scenario_add_real_issue(s, "x", NULL, 1e6, 1e6 + 4 * r20, r20,
                                       &err),
            PL_ERANGE);
  assert_non_null(strstr(err.message, "too fine"));
  /* coarser, the same range is fine: 10^6 + 2^-10 is "1000000.00098" */
  double r10 = ldexp(1, -10);
  assert_int_equal(
      pl_scenario_add_real_issue(s, "x2", NULL, 1e6, 1e6 + 2 * r10, r10, &err),
      1);
  /* min == max: one option */
  int one = pl_scenario_add_real_issue(s, "x", NULL, 2.5, 2.5, 0.1, &err);
  assert_int_equal(one, 2);
  int onei = pl_scenario_add_integer_issue(s, "m", NULL, 7, 7, 3, &err);
  assert_int_equal(onei, 3);
  tu_weight(s, 1, 0, 1);
  assert_rc(pl_scenario_finish(s, &err), PL_EINVAL); /* party a: weights 0 */
  assert_non_null(strstr(err.message, "\"a\""));
  tu_weight(s, 0, 3, 2);
  tu_finish(s);
  assert_int_equal(pl_scenario_option_count(s, 1), 3);
  assert_string_equal(pl_scenario_option_id(s, 1, 1), "1000000.00098");
  assert_int_equal(pl_scenario_option_count(s, 2), 1);
  assert_string_equal(pl_scenario_option_id(s, 2, 0), "2.5");
  assert_int_equal(pl_scenario_option_count(s, 3), 1);
  assert_string_equal(pl_scenario_option_id(s, 3, 0), "7");
  pl_scenario_free(s);
}

static void test_weights_normalised(void **state) {
  (void)state;
  pl_scenario *s = pl_scenario_new("w");
  tu_party(s, "a", 0);
  tu_party(s, "b", 0);
  tu_issue(s, "i", XYZ);
  tu_issue(s, "j", XYZ);
  tu_issue(s, "k", XYZ);
  /* a: 3, 1, unset -> 3/4, 1/4, 0. b: 2, 2, 4 -> 1/4, 1/4, 1/2.
   * A weight set twice keeps the last. */
  tu_weight(s, 0, 0, 7);
  tu_weight(s, 0, 0, 3);
  tu_weight(s, 0, 1, 1);
  tu_weight(s, 1, 0, 2);
  tu_weight(s, 1, 1, 2);
  tu_weight(s, 1, 2, 4);
  tu_finish(s);
  assert_double_near(pl_scenario_weight(s, 0, 0), 0.75, 0);
  assert_double_near(pl_scenario_weight(s, 0, 1), 0.25, 0);
  assert_double_near(pl_scenario_weight(s, 0, 2), 0, 0);
  assert_double_near(pl_scenario_weight(s, 1, 0), 0.25, 0);
  assert_double_near(pl_scenario_weight(s, 1, 1), 0.25, 0);
  assert_double_near(pl_scenario_weight(s, 1, 2), 0.5, 0);
  pl_scenario_free(s);

  /* huge weights: finite each, but their sum overflows */
  s = pl_scenario_new("w2");
  pl_error err;
  tu_party(s, "a", 0);
  tu_issue(s, "i", XYZ);
  tu_issue(s, "j", XYZ);
  tu_weight(s, 0, 0, 1e308);
  tu_weight(s, 0, 1, 1e308);
  assert_rc(pl_scenario_finish(s, &err), PL_ERANGE);
  tu_weight(s, 0, 1, 3e307); /* 1e308 + 3e307: fine */
  TU_OK(pl_scenario_finish(s, &err));
  assert_double_near(pl_scenario_weight(s, 0, 0), 1 / 1.3, 1e-15);
  pl_scenario_free(s);
}

static void test_integer_grid(void **state) {
  (void)state;
  pl_scenario *s = pl_scenario_new("g");
  pl_error err;
  tu_party(s, "a", 0);
  int i = pl_scenario_add_integer_issue(s, "n", NULL, 10, 50, 10, &err);
  int j = pl_scenario_add_integer_issue(s, "m", NULL, -4, 4, 2, &err);
  assert_int_equal(i, 0);
  assert_int_equal(j, 1);
  tu_weight(s, 0, 0, 1);
  tu_finish(s);
  /* 10, 20, 30, 40, 50 */
  assert_int_equal(pl_scenario_option_count(s, i), 5);
  const char *want[] = {"10", "20", "30", "40", "50"};
  for (uint32_t k = 0; k < 5; k++)
    assert_string_equal(pl_scenario_option_id(s, i, k), want[k]);
  const char *want2[] = {"-4", "-2", "0", "2", "4"};
  for (uint32_t k = 0; k < 5; k++)
    assert_string_equal(pl_scenario_option_id(s, j, k), want2[k]);
  assert_int_equal(pl_scenario_find_option(s, i, "30"), 2);
  assert_int_equal(pl_scenario_find_option(s, i, "10"), 0);
  assert_int_equal(pl_scenario_find_option(s, i, "50"), 4);
  assert_int_equal(pl_scenario_find_option(s, i, "35"), -1);
  assert_int_equal(pl_scenario_find_option(s, i, "60"), -1);
  assert_int_equal(pl_scenario_find_option(s, i, "0"), -1);
  assert_int_equal(pl_scenario_find_option(s, i, "abc"), -1);
  assert_int_equal(pl_scenario_find_option(s, i, ""), -1);
  assert_int_equal(pl_scenario_find_option(s, i, "30x"), -1);
  assert_int_equal(pl_scenario_find_option(s, i, "nan"), -1);
  assert_int_equal(pl_scenario_find_option(s, i, "inf"), -1);
  assert_int_equal(pl_scenario_find_option(s, i, "-inf"), -1);
  assert_int_equal(pl_scenario_find_option(s, j, "-2"), 1);
  assert_int_equal(pl_scenario_find_option(s, j, "0"), 2);
  pl_scenario_free(s);
}

static void test_real_grid(void **state) {
  (void)state;
  pl_scenario *s = pl_scenario_new("g");
  pl_error err;
  tu_party(s, "a", 0);
  int i = pl_scenario_add_real_issue(s, "q", NULL, 0, 1, 0.25, &err);
  /* -0.3 + 3 x 0.1 is 5.55e-17 in floating point: the grid point must
   * still be 0 and be labelled "0". */
  int j = pl_scenario_add_real_issue(s, "z", NULL, -0.3, 0.3, 0.1, &err);
  /* 0.1 x 3 = 0.30000000000000004: labelled by its 12 significant digits */
  int k = pl_scenario_add_real_issue(s, "t", NULL, 0, 0.7, 0.1, &err);
  assert_int_equal(i, 0);
  assert_int_equal(j, 1);
  assert_int_equal(k, 2);
  tu_weight(s, 0, 0, 1);
  tu_finish(s);
  const char *want[] = {"0", "0.25", "0.5", "0.75", "1"};
  assert_int_equal(pl_scenario_option_count(s, i), 5);
  for (uint32_t o = 0; o < 5; o++)
    assert_string_equal(pl_scenario_option_id(s, i, o), want[o]);
  const char *want2[] = {"-0.3", "-0.2", "-0.1", "0", "0.1", "0.2", "0.3"};
  assert_int_equal(pl_scenario_option_count(s, j), 7);
  for (uint32_t o = 0; o < 7; o++)
    assert_string_equal(pl_scenario_option_id(s, j, o), want2[o]);
  const char *want3[] = {"0", "0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7"};
  assert_int_equal(pl_scenario_option_count(s, k), 8);
  for (uint32_t o = 0; o < 8; o++)
    assert_string_equal(pl_scenario_option_id(s, k, o), want3[o]);
  assert_int_equal(pl_scenario_find_option(s, i, "0.5"), 2);
  assert_int_equal(pl_scenario_find_option(s, i, "0.50"), 2);
  assert_int_equal(pl_scenario_find_option(s, i, ".75"), 3);
  assert_int_equal(pl_scenario_find_option(s, i, "0.3"), -1);
  assert_int_equal(pl_scenario_find_option(s, i, "1.25"), -1);
  assert_int_equal(pl_scenario_find_option(s, i, "-0.25"), -1);
  assert_int_equal(pl_scenario_find_option(s, i, "nan"), -1);
  assert_int_equal(pl_scenario_find_option(s, j, "0"), 3);
  assert_int_equal(pl_scenario_find_option(s, j, "-0.1"), 2);
  assert_int_equal(pl_scenario_find_option(s, k, "0.3"), 3);
  pl_scenario_free(s);
}

static void test_value_function(void **state) {
  (void)state;
  pl_scenario *s = pl_scenario_new("v");
  pl_error err;
  tu_party(s, "a", 0);
  tu_party(s, "b", 0);
  int n = pl_scenario_add_integer_issue(s, "n", NULL, 0, 100, 25, &err);
  int r = pl_scenario_add_real_issue(s, "r", NULL, 0, 1, 0.5, &err);
  int d = tu_issue(s, "d", XYZ);
  double x1[] = {20, 60, 80}, v1[] = {0.2, 0.6, 1.0};
  double x2[] = {0, 50, 100}, v2[] = {1, 0.5, 0};
  double x3[] = {0.3}, v3[] = {0.7};
  TU_OK(pl_scenario_set_value_function(s, 0, n, 3, x1, v1, &err));
  TU_OK(pl_scenario_set_value_function(s, 1, n, 3, x2, v2, &err));
  TU_OK(pl_scenario_set_value_function(s, 0, r, 1, x3, v3, &err));
  /* errors */
  assert_rc(pl_scenario_set_value_function(s, 0, d, 1, x3, v3, &err),
            PL_EINVAL); /* discrete */
  assert_rc(pl_scenario_set_value_function(s, 0, n, 0, x3, v3, &err),
            PL_EINVAL); /* empty */
  double xd[] = {10, 10}, vd[] = {0, 1};
  assert_rc(pl_scenario_set_value_function(s, 0, n, 2, xd, vd, &err),
            PL_EINVAL); /* x not strictly increasing */
  double xn[] = {10, NAN}, xb[] = {10, 20}, vb[] = {0, 1.5};
  assert_rc(pl_scenario_set_value_function(s, 0, n, 2, xn, vd, &err),
            PL_EINVAL);
  assert_rc(pl_scenario_set_value_function(s, 0, n, 2, xb, vb, &err),
            PL_ERANGE);
  tu_weight(s, 0, n, 1);
  tu_weight(s, 1, n, 1);
  tu_finish(s);
  /* grid 0, 25, 50, 75, 100.
   * a: 0 <= 20 -> clamped to 0.2; 25 -> 0.2 + 0.4 x 5/40 = 0.25;
   *    50 -> 0.2 + 0.4 x 30/40 = 0.5; 75 -> 0.6 + 0.4 x 15/20 = 0.9;
   *    100 >= 80 -> clamped to 1.0. The failed calls changed nothing. */
  double wa[] = {0.2, 0.25, 0.5, 0.9, 1.0};
  /* b: on the points 1, 0.5, 0; between them 0.75 and 0.25 */
  double wb[] = {1, 0.75, 0.5, 0.25, 0};
  for (uint32_t k = 0; k < 5; k++) {
    assert_double_near(pl_scenario_value(s, 0, n, k), wa[k], 1e-15);
    assert_double_near(pl_scenario_value(s, 1, n, k), wb[k], 1e-15);
  }
  /* one point: constant 0.7 everywhere; b's values were never set: 0 */
  for (uint32_t k = 0; k < 3; k++) {
    assert_double_near(pl_scenario_value(s, 0, r, k), 0.7, 0);
    assert_double_near(pl_scenario_value(s, 1, r, k), 0, 0);
    assert_double_near(pl_scenario_value(s, 1, d, k), 0, 0);
  }
  pl_scenario_free(s);
}

static void test_status_quo(void **state) {
  (void)state;
  pl_scenario *s = pl_scenario_new("sq");
  pl_error err;
  tu_party(s, "a", 0);
  tu_party(s, "b", 0);
  tu_party(s, "c", 0);
  tu_issue(s, "i", XYZ);
  tu_issue(s, "j", XYZ);
  uint32_t bad[] = {0, 3};
  assert_rc(pl_scenario_set_status_quo(s, -1, bad, &err), PL_ENOTFOUND);
  uint32_t own_b[] = {2, 2};
  assert_rc(pl_scenario_set_status_quo(s, 3, own_b, &err), PL_ENOTFOUND);
  assert_rc(pl_scenario_set_status_quo(s, -2, own_b, &err), PL_ENOTFOUND);
  TU_OK(pl_scenario_set_status_quo(s, 1, own_b, &err));
  /* no issue may follow a status quo: the status quo covers every issue */
  assert_rc(pl_scenario_add_discrete_issue(s, "k", NULL, 3, XYZ, NULL, &err),
            PL_ESTATE);
  for (int p = 0; p < 3; p++) tu_weight(s, p, 0, 1);
  tu_finish(s);
  /* only b has a status quo */
  assert_int_equal(pl_scenario_has_status_quo(s), 0);
  assert_int_equal(pl_scenario_status_quo(s, -1, 0), PL_NOT_AGREED);
  assert_int_equal(pl_scenario_status_quo(s, 0, 1), PL_NOT_AGREED);
  assert_int_equal(pl_scenario_status_quo(s, 1, 0), 2);
  assert_int_equal(pl_scenario_status_quo(s, 1, 1), 2);
  pl_scenario_free(s);

  s = pl_scenario_new("sq2");
  tu_party(s, "a", 0);
  tu_party(s, "b", 0);
  tu_issue(s, "i", XYZ);
  tu_issue(s, "j", XYZ);
  uint32_t sq[] = {0, 1}, sq2[] = {1, 1};
  TU_OK(pl_scenario_set_status_quo(s, -1, sq2, &err));
  TU_OK(pl_scenario_set_status_quo(s, -1, sq, &err)); /* replaces */
  TU_OK(pl_scenario_set_status_quo(s, 1, own_b, &err));
  assert_rc(pl_scenario_add_integer_issue(s, "k", NULL, 0, 1, 1, &err),
            PL_ESTATE);
  for (int p = 0; p < 2; p++) tu_weight(s, p, 0, 1);
  tu_finish(s);
  assert_int_equal(pl_scenario_has_status_quo(s), 1);
  assert_int_equal(pl_scenario_status_quo(s, -1, 0), 0);
  assert_int_equal(pl_scenario_status_quo(s, -1, 1), 1);
  assert_int_equal(pl_scenario_status_quo(s, 0, 0), 0); /* scenario's */
  assert_int_equal(pl_scenario_status_quo(s, 0, 1), 1);
  assert_int_equal(pl_scenario_status_quo(s, 1, 0), 2); /* own */
  assert_int_equal(pl_scenario_status_quo(s, 1, 1), 2);
  pl_scenario_free(s);
}

/* ------------------------------------------------------------------ */
/* utility                                                             */
/* ------------------------------------------------------------------ */

static void test_utility(void **state) {
  (void)state;
  pl_scenario *s = pl_scenario_new("u");
  tu_party(s, "a", 0);
  tu_party(s, "b", 0);
  int i = tu_issue(s, "i", XYZ), j = tu_issue(s, "j", XYZ);
  /* a: weights 3, 1 -> 0.75, 0.25; values i (0, 0.4, 1), j (1, 0.5, 0).
   * b: weights 1, 1 -> 0.5, 0.5; values i (1, 0, 0.2), j (0, 0.6, 1). */
  tu_weight(s, 0, i, 3);
  tu_weight(s, 0, j, 1);
  tu_weight(s, 1, i, 1);
  tu_weight(s, 1, j, 1);
  double ai[] = {0, 0.4, 1}, aj[] = {1, 0.5, 0};
  double bi[] = {1, 0, 0.2}, bj[] = {0, 0.6, 1};
  tu_values(s, 0, i, 3, ai);
  tu_values(s, 0, j, 3, aj);
  tu_values(s, 1, i, 3, bi);
  tu_values(s, 1, j, 3, bj);
  /* scenario status quo (x, x); b sees (z, y) */
  uint32_t sq[] = {0, 0}, sqb[] = {2, 1};
  TU_OK(pl_scenario_set_status_quo(s, -1, sq, NULL));
  TU_OK(pl_scenario_set_status_quo(s, 1, sqb, NULL));
  tu_finish(s);
  uint32_t o1[] = {1, 1}; /* a: .75x.4 + .25x.5 = .425; b: 0 + .3 = .3 */
  assert_double_near(pl_scenario_utility(s, 0, o1), 0.425, 1e-15);
  assert_double_near(pl_scenario_utility(s, 1, o1), 0.3, 1e-15);
  uint32_t o2[] = {2, 0}; /* a: .75 + .25 = 1; b: .1 + 0 = .1 */
  assert_double_near(pl_scenario_utility(s, 0, o2), 1.0, 1e-15);
  assert_double_near(pl_scenario_utility(s, 1, o2), 0.1, 1e-15);
  /* PL_NOT_AGREED is each party's own status quo:
   * (-, y): a takes i = x: 0 + .125 = .125; b takes i = z: .1 + .3 = .4 */
  uint32_t o3[] = {PL_NOT_AGREED, 1};
  assert_double_near(pl_scenario_utility(s, 0, o3), 0.125, 1e-15);
  assert_double_near(pl_scenario_utility(s, 1, o3), 0.4, 1e-15);
  /* (-, -): a (x, x) = .25; b (z, y) = .1 + .3 = .4 */
  uint32_t o4[] = {PL_NOT_AGREED, PL_NOT_AGREED};
  assert_double_near(pl_scenario_utility(s, 0, o4), 0.25, 1e-15);
  assert_double_near(pl_scenario_utility(s, 1, o4), 0.4, 1e-15);
  /* utility and value queries */
  assert_double_near(pl_scenario_value(s, 1, j, 1), 0.6, 0);
  pl_scenario_free(s);

  /* without any status quo, a left-out issue contributes 0 */
  s = pl_scenario_new("u2");
  tu_party(s, "a", 0);
  i = tu_issue(s, "i", XYZ);
  j = tu_issue(s, "j", XYZ);
  tu_weight(s, 0, i, 1);
  tu_weight(s, 0, j, 1);
  tu_values(s, 0, i, 3, ai);
  tu_values(s, 0, j, 3, aj);
  tu_finish(s);
  uint32_t o5[] = {PL_NOT_AGREED, 0}; /* 0 + .5 x 1 */
  assert_double_near(pl_scenario_utility(s, 0, o5), 0.5, 1e-15);
  assert_double_near(pl_scenario_utility(s, 0, o4), 0, 0);
  pl_scenario_free(s);
}

/* ------------------------------------------------------------------ */
/* outcomes                                                            */
/* ------------------------------------------------------------------ */

/* n issues of m options each, finished. */
static pl_scenario *uniform(int n, uint32_t m) {
  pl_scenario *s = pl_scenario_new("big");
  tu_party(s, "a", 0);
  for (int i = 0; i < n; i++) {
    char id[16];
    snprintf(id, sizeof id, "i%d", i);
    tu_issue_n(s, id, m);
  }
  tu_weight(s, 0, 0, 1);
  tu_finish(s);
  return s;
}

static void test_outcome_count(void **state) {
  (void)state;
  pl_scenario *s = pl_scenario_new("c");
  tu_party(s, "a", 0);
  tu_issue_n(s, "i", 3);
  tu_issue_n(s, "j", 4);
  tu_issue_n(s, "k", 5);
  tu_weight(s, 0, 0, 1);
  tu_finish(s);
  uint64_t n = 0;
  char buf[64];
  assert_int_equal(pl_scenario_outcome_count(s, &n), PL_OK);
  assert_int_equal(n, 60); /* 3 x 4 x 5 */
  assert_int_equal(pl_scenario_outcome_count_text(s, buf, sizeof buf), PL_OK);
  assert_string_equal(buf, "60");
  assert_int_equal(pl_scenario_outcome_count_text(s, buf, 3), PL_OK);
  assert_string_equal(buf, "60");
  assert_int_equal(pl_scenario_outcome_count_text(s, buf, 2), PL_ERANGE);
  assert_int_equal(pl_scenario_outcome_count_text(s, buf, 0), PL_ERANGE);
  pl_scenario_free(s);

  /* 19 issues of 10: 10^19 < 2^64 - 1 = 18446744073709551615 */
  s = uniform(19, 10);
  assert_int_equal(pl_scenario_outcome_count(s, &n), PL_OK);
  assert_true(n == 10000000000000000000ull);
  assert_int_equal(pl_scenario_outcome_count_text(s, buf, sizeof buf), PL_OK);
  assert_string_equal(buf, "10000000000000000000");
  pl_scenario_free(s);

  /* 20 issues of 10: 10^20 > 2^64 - 1 */
  s = uniform(20, 10);
  n = 42;
  assert_int_equal(pl_scenario_outcome_count(s, &n), PL_ERANGE);
  assert_int_equal(pl_scenario_outcome_count_text(s, buf, sizeof buf), PL_OK);
  assert_string_equal(buf, "100000000000000000000");
  pl_scenario_free(s);

  /* 2^63 fits; 2^64 is one more than the largest uint64_t */
  s = uniform(63, 2);
  assert_int_equal(pl_scenario_outcome_count(s, &n), PL_OK);
  assert_true(n == 9223372036854775808ull);
  pl_scenario_free(s);
  s = uniform(64, 2);
  assert_int_equal(pl_scenario_outcome_count(s, &n), PL_ERANGE);
  assert_int_equal(pl_scenario_outcome_count_text(s, buf, sizeof buf), PL_OK);
  assert_string_equal(buf, "18446744073709551616");
  pl_scenario_free(s);

  /* 40 issues of 10 options: 10^40, "1" and 40 zeros (42 bytes with the
   * terminating NUL) */
  s = uniform(40, 10);
  char want[64];
  want[0] = '1';
  memset(want + 1, '0', 40);
  want[41] = 0;
  assert_int_equal(pl_scenario_outcome_count(s, &n), PL_ERANGE);
  assert_int_equal(pl_scenario_outcome_count_text(s, buf, sizeof buf), PL_OK);
  assert_string_equal(buf, want);
  assert_int_equal(pl_scenario_outcome_count_text(s, buf, 42), PL_OK);
  assert_string_equal(buf, want);
  assert_int_equal(pl_scenario_outcome_count_text(s, buf, 41), PL_ERANGE);
  pl_scenario_free(s);

  /* 30 issues of 7 options: 7^30 = 22539340290692258087863249 */
  s = uniform(30, 7);
  assert_int_equal(pl_scenario_outcome_count(s, &n), PL_ERANGE);
  assert_int_equal(pl_scenario_outcome_count_text(s, buf, sizeof buf), PL_OK);
  assert_string_equal(buf, "22539340290692258087863249");
  pl_scenario_free(s);

  /* 7 integer issues of 1000 values: 10^21 */
  s = pl_scenario_new("wide");
  tu_party(s, "a", 0);
  pl_error err;
  for (int i = 0; i < 7; i++) {
    char id[16];
    snprintf(id, sizeof id, "w%d", i);
    assert_int_equal(
        pl_scenario_add_integer_issue(s, id, NULL, 1, 1000, 1, &err), i);
  }
  tu_weight(s, 0, 0, 1);
  tu_finish(s);
  assert_int_equal(pl_scenario_outcome_count(s, &n), PL_ERANGE);
  assert_int_equal(pl_scenario_outcome_count_text(s, buf, sizeof buf), PL_OK);
  assert_string_equal(buf, "1000000000000000000000");
  pl_scenario_free(s);
}

static void test_encode_decode(void **state) {
  (void)state;
  pl_scenario *s = pl_scenario_new("e");
  tu_party(s, "a", 0);
  tu_issue_n(s, "i", 3);
  tu_issue_n(s, "j", 4);
  tu_issue_n(s, "k", 5);
  tu_weight(s, 0, 0, 1);
  tu_finish(s);
  uint32_t o[3];
  /* the last issue varies fastest: index = (i x 4 + j) x 5 + k */
  pl_scenario_decode(s, 0, o);
  assert_true(o[0] == 0 && o[1] == 0 && o[2] == 0);
  pl_scenario_decode(s, 1, o);
  assert_true(o[0] == 0 && o[1] == 0 && o[2] == 1);
  pl_scenario_decode(s, 5, o);
  assert_true(o[0] == 0 && o[1] == 1 && o[2] == 0);
  pl_scenario_decode(s, 20, o);
  assert_true(o[0] == 1 && o[1] == 0 && o[2] == 0);
  pl_scenario_decode(s, 59, o);
  assert_true(o[0] == 2 && o[1] == 3 && o[2] == 4);
  pl_scenario_decode(s, 33, o); /* 33 = (1 x 4 + 2) x 5 + 3 */
  assert_true(o[0] == 1 && o[1] == 2 && o[2] == 3);
  for (uint64_t x = 0; x < 60; x++) {
    pl_scenario_decode(s, x, o);
    assert_true(o[0] < 3 && o[1] < 4 && o[2] < 5);
    assert_int_equal(pl_scenario_encode(s, o), x);
    assert_int_equal(x, (o[0] * 4 + o[1]) * 5 + o[2]);
  }
  pl_scenario_free(s);

  /* near the top of the range: 63 binary issues */
  s = uniform(63, 2);
  uint32_t big[63];
  uint64_t x = 0x5A5A5A5A5A5A5A5Aull >> 1;
  pl_scenario_decode(s, x, big);
  assert_true(pl_scenario_encode(s, big) == x);
  for (int i = 0; i < 63; i++) assert_int_equal(big[i], (x >> (62 - i)) & 1);
  pl_scenario_free(s);
}

/* ------------------------------------------------------------------ */
/* red lines                                                           */
/* ------------------------------------------------------------------ */

static void test_red_line_eval(void **state) {
  (void)state;
  pl_scenario *s = pl_scenario_new("rl");
  tu_party(s, "a", 0);
  tu_party(s, "b", 0);
  int i = tu_issue(s, "i", XYZ), j = tu_issue(s, "j", XYZ);
  tu_issue(s, "k", XYZ);
  tu_weight(s, 0, 0, 1);
  tu_weight(s, 1, 0, 1);
  uint32_t xz[] = {0, 2};
  /* r0: i in {x, z}; r1: not (j in {y});
   * r2: all(i in {x}, j in {y, z}); r3: any(i in {y}, j in {x});
   * r4: in [] (never holds); r5: not(any(all(i in{x}, j in{x}), i in {z}))
   * r6: a linkage of i and j (b) */
  int r0 = tu_rule(s, 0, "r0", tu_in(i, 2, xz));
  int r1 = tu_rule(s, 0, "r1", pl_expr_not(tu_in1(j, 1)));
  uint32_t yz[] = {1, 2};
  int r2 = tu_rule(s, 1, "r2", tu_all2(tu_in1(i, 0), tu_in(j, 2, yz)));
  int r3 = tu_rule(s, 1, "r3", tu_any2(tu_in1(i, 1), tu_in1(j, 0)));
  int r4 = tu_rule(s, 1, "r4", pl_expr_in(i, 0, NULL));
  int r5 = tu_rule(s, 0, "r5",
                   pl_expr_not(tu_any2(tu_all2(tu_in1(i, 0), tu_in1(j, 0)),
                                       tu_in1(i, 2))));
  int ij[] = {0, 1};
  int r6 = pl_scenario_add_linkage(s, 1, "r6", "together", 2, ij, NULL);
  assert_int_equal(r6, 6);
  tu_finish(s);
  assert_int_equal(pl_scenario_red_line_count(s), 7);
  assert_int_equal(pl_scenario_red_line_is_linkage(s, r0), 0);
  assert_int_equal(pl_scenario_red_line_is_linkage(s, r6), 1);
  assert_string_equal(pl_scenario_red_line_description(s, r6), "together");
  /* mentions */
  assert_true(pl_scenario_red_line_mentions(s, r0, 0));
  assert_false(pl_scenario_red_line_mentions(s, r0, 1));
  assert_true(pl_scenario_red_line_mentions(s, r2, 0));
  assert_true(pl_scenario_red_line_mentions(s, r2, 1));
  assert_false(pl_scenario_red_line_mentions(s, r2, 2));
  assert_true(pl_scenario_red_line_mentions(s, r6, 1));
  assert_false(pl_scenario_red_line_mentions(s, r6, 2));
  /* every complete outcome of (i, j), k = x:
   *   i j | r0 r1 r2 r3 r4 r5 r6
   *   x x |  1  1  0  1  0  0  1
   *   x y |  1  0  1  0  0  1  1
   *   x z |  1  1  1  0  0  1  1
   *   y x |  0  1  0  1  0  1  1
   *   y y |  0  0  0  1  0  1  1
   *   y z |  0  1  0  1  0  1  1
   *   z x |  1  1  0  1  0  0  1
   *   z y |  1  0  0  0  0  0  1
   *   z z |  1  1  0  0  0  0  1 */
  static const int want[9][7] = {
      {1, 1, 0, 1, 0, 0, 1}, {1, 0, 1, 0, 0, 1, 1}, {1, 1, 1, 0, 0, 1, 1},
      {0, 1, 0, 1, 0, 1, 1}, {0, 0, 0, 1, 0, 1, 1}, {0, 1, 0, 1, 0, 1, 1},
      {1, 1, 0, 1, 0, 0, 1}, {1, 0, 0, 0, 0, 0, 1}, {1, 1, 0, 0, 0, 0, 1}};
  int rs[] = {r0, r1, r2, r3, r4, r5, r6};
  for (uint32_t a = 0; a < 3; a++)
    for (uint32_t b = 0; b < 3; b++) {
      uint32_t o[] = {a, b, 0};
      for (int r = 0; r < 7; r++)
        if (pl_scenario_red_line_holds(s, rs[r], o) != want[a * 3 + b][r])
          fail_msg("r%d on (%u, %u): %d", r, a, b,
                   pl_scenario_red_line_holds(s, rs[r], o));
    }
  /* as the analysis of partial agreements counts them: a rule that
   * mentions a left-out issue does not count, so it holds */
  uint32_t na[] = {PL_NOT_AGREED, PL_NOT_AGREED, 0};
  assert_int_equal(pl_scenario_red_line_holds(s, r0, na), 1);
  assert_int_equal(pl_scenario_red_line_holds(s, r1, na), 1);
  pl_scenario_free(s);
}

static void test_linkage_holds(void **state) {
  (void)state;
  pl_scenario *s = pl_scenario_new("lk");
  tu_party(s, "a", 0);
  tu_issue(s, "i", XYZ);
  tu_issue(s, "j", XYZ);
  tu_issue(s, "k", XYZ);
  tu_weight(s, 0, 0, 1);
  int ij[] = {0, 1};
  int l1 = pl_scenario_add_linkage(s, 0, "ij", NULL, 2, ij, NULL);
  int la = pl_scenario_add_linkage(s, 0, "all", NULL, 0, NULL, NULL);
  assert_int_equal(l1, 0);
  assert_int_equal(la, 1);
  pl_error err;
  int bad[] = {0, 3};
  assert_rc(pl_scenario_add_linkage(s, 0, "bad", NULL, 2, bad, &err),
            PL_ENOTFOUND);
  assert_rc(pl_scenario_add_linkage(s, 1, "bad", NULL, 0, NULL, &err),
            PL_ENOTFOUND);
  tu_finish(s);
  const uint32_t N = PL_NOT_AGREED;
  /* complete outcomes: always holds */
  uint32_t c[] = {0, 1, 2};
  assert_int_equal(pl_scenario_red_line_holds(s, l1, c), 1);
  assert_int_equal(pl_scenario_red_line_holds(s, la, c), 1);
  /* i and j both left out: {i,j} holds; "all" does not (k agreed) */
  uint32_t o1[] = {N, N, 2};
  assert_int_equal(pl_scenario_red_line_holds(s, l1, o1), 1);
  assert_int_equal(pl_scenario_red_line_holds(s, la, o1), 0);
  /* i agreed, j left out: violated */
  uint32_t o2[] = {1, N, 2};
  assert_int_equal(pl_scenario_red_line_holds(s, l1, o2), 0);
  assert_int_equal(pl_scenario_red_line_holds(s, la, o2), 0);
  uint32_t o3[] = {N, 0, N};
  assert_int_equal(pl_scenario_red_line_holds(s, l1, o3), 0);
  /* i and j agreed, k left out: {i,j} holds */
  uint32_t o4[] = {0, 0, N};
  assert_int_equal(pl_scenario_red_line_holds(s, l1, o4), 1);
  assert_int_equal(pl_scenario_red_line_holds(s, la, o4), 0);
  /* nothing agreed: nothing violated */
  uint32_t o5[] = {N, N, N};
  assert_int_equal(pl_scenario_red_line_holds(s, l1, o5), 1);
  assert_int_equal(pl_scenario_red_line_holds(s, la, o5), 1);
  for (int i = 0; i < 3; i++) assert_true(pl_scenario_red_line_mentions(s, la, i));
  assert_false(pl_scenario_red_line_mentions(s, l1, 2));
  pl_scenario_free(s);
}

static void test_red_line_errors(void **state) {
  (void)state;
  pl_scenario *s = pl_scenario_new("rle");
  pl_error err;
  tu_party(s, "a", 0);
  tu_issue(s, "i", XYZ);
  /* each failing call frees the rule it was given (ASan checks) */
  assert_rc(pl_scenario_add_red_line(s, 0, "r", NULL, tu_in1(0, 3), &err),
            PL_ENOTFOUND);
  assert_rc(pl_scenario_add_red_line(s, 0, "r", NULL, tu_in1(1, 0), &err),
            PL_ENOTFOUND);
  assert_rc(pl_scenario_add_red_line(s, 0, "r", NULL, tu_in1(-1, 0), &err),
            PL_ENOTFOUND);
  assert_rc(pl_scenario_add_red_line(s, 0, "r", NULL,
                                     pl_expr_not(tu_all2(tu_in1(0, 0),
                                                         tu_in1(0, 7))),
                                     &err),
            PL_ENOTFOUND);
  assert_rc(pl_scenario_add_red_line(s, 0, "r", NULL, pl_expr_all(0, NULL),
                                     &err),
            PL_EINVAL);
  assert_rc(pl_scenario_add_red_line(s, 0, "r", NULL, pl_expr_any(0, NULL),
                                     &err),
            PL_EINVAL);
  assert_rc(pl_scenario_add_red_line(s, 0, "r", NULL, NULL, &err), PL_ENOMEM);
  assert_rc(pl_scenario_add_red_line(s, 1, "r", NULL, tu_in1(0, 0), &err),
            PL_ENOTFOUND);
  assert_rc(pl_scenario_add_red_line(s, 0, NULL, NULL, tu_in1(0, 0), &err),
            PL_EINVAL);
  /* nested too deeply: 70 `not` */
  pl_expr *deep = tu_in1(0, 0);
  for (int k = 0; k < 70; k++) deep = pl_expr_not(deep);
  assert_rc(pl_scenario_add_red_line(s, 0, "r", NULL, deep, &err), PL_EINVAL);
  /* a NULL child: all/any/not return NULL and free the other children */
  pl_expr *kids[] = {tu_in1(0, 0), NULL, tu_in1(0, 1)};
  assert_null(pl_expr_all(3, kids));
  pl_expr *kids2[] = {NULL, tu_in1(0, 1)};
  assert_null(pl_expr_any(2, kids2));
  assert_null(pl_expr_not(NULL));
  /* an expression never added is the caller's to free */
  pl_expr_free(tu_all2(tu_in1(0, 0), pl_expr_not(tu_in1(0, 1))));
  assert_int_equal(pl_scenario_red_line_count(s), 0);
  tu_weight(s, 0, 0, 1);
  tu_finish(s);
  assert_int_equal(pl_scenario_red_line_count(s), 0);
  pl_scenario_free(s);

  /* NULL scenario: an error, and the rule is freed */
  assert_rc(pl_scenario_add_red_line(NULL, 0, "r", NULL, tu_in1(0, 0), &err),
            PL_EINVAL);
  int one = 0;
  assert_rc(pl_scenario_add_linkage(NULL, 0, "l", NULL, 1, &one, &err),
            PL_EINVAL);
  assert_rc(pl_scenario_add_party(NULL, "a", NULL, 0, &err), PL_EINVAL);
  assert_rc(pl_scenario_finish(NULL, &err), PL_EINVAL);
}

/* Red lines record the issues they mention as they are added, so an issue
 * must not follow them (like the status quo). */
static void test_issue_after_red_line(void **state) {
  (void)state;
  pl_scenario *s = pl_scenario_new("late");
  pl_error err;
  tu_party(s, "a", 0);
  tu_issue(s, "i", XYZ);
  tu_rule(s, 0, "r", tu_in1(0, 0));
  assert_rc(pl_scenario_add_discrete_issue(s, "j", NULL, 3, XYZ, NULL, &err),
            PL_ESTATE);
  assert_rc(pl_scenario_add_integer_issue(s, "n", NULL, 0, 1, 1, &err),
            PL_ESTATE);
  assert_rc(pl_scenario_add_real_issue(s, "x", NULL, 0, 1, 1, &err),
            PL_ESTATE);
  pl_scenario_free(s);

  /* a linkage counts as well: "linked: all" covers the issues it saw */
  s = pl_scenario_new("late2");
  tu_party(s, "a", 0);
  tu_issue(s, "i", XYZ);
  TU_OK(pl_scenario_add_linkage(s, 0, "all", NULL, 0, NULL, &err));
  assert_rc(pl_scenario_add_discrete_issue(s, "j", NULL, 3, XYZ, NULL, &err),
            PL_ESTATE);
  pl_scenario_free(s);
}

static void test_finish_checks(void **state) {
  (void)state;
  pl_error err;
  pl_scenario *s = pl_scenario_new("f");
  assert_rc(pl_scenario_finish(s, &err), PL_EINVAL); /* no parties */
  tu_party(s, "a", 0);
  assert_rc(pl_scenario_finish(s, &err), PL_EINVAL); /* no issues */
  tu_issue(s, "i", XYZ);
  assert_rc(pl_scenario_finish(s, &err), PL_EINVAL); /* weights all 0 */
  tu_weight(s, 0, 0, 1);
  TU_OK(pl_scenario_finish(s, &err));
  assert_rc(pl_scenario_finish(s, &err), PL_ESTATE);
  pl_scenario_free(s);

  /* 64 constraints are fine, 65 are too many: 63 red lines plus two
   * positive reservation values; linkages do not count */
  s = pl_scenario_new("many");
  tu_party(s, "a", 0.1);
  tu_party(s, "b", 0);
  tu_issue(s, "i", XYZ);
  tu_weight(s, 0, 0, 1);
  tu_weight(s, 1, 0, 1);
  for (int r = 0; r < 63; r++) {
    char id[16];
    snprintf(id, sizeof id, "r%d", r);
    tu_rule(s, 1, id, tu_in1(0, 0));
  }
  TU_OK(pl_scenario_add_linkage(s, 0, "l", NULL, 0, NULL, &err));
  TU_OK(pl_scenario_finish(s, &err));
  pl_scenario_free(s);

  s = pl_scenario_new("too-many");
  tu_party(s, "a", 0.1);
  tu_party(s, "b", 0.2);
  tu_issue(s, "i", XYZ);
  tu_weight(s, 0, 0, 1);
  tu_weight(s, 1, 0, 1);
  for (int r = 0; r < 63; r++) {
    char id[16];
    snprintf(id, sizeof id, "r%d", r);
    tu_rule(s, 1, id, tu_in1(0, 0));
  }
  assert_rc(pl_scenario_finish(s, &err), PL_ETOOBIG);
  assert_non_null(strstr(err.message, "65"));
  pl_scenario_free(s);
}

static void test_builder_after_finish(void **state) {
  (void)state;
  pl_scenario *s = tiny();
  pl_error err;
  tu_finish(s);
  assert_rc(pl_scenario_set_text(s, "t", "d", &err), PL_ESTATE);
  assert_int_equal(err.code, PL_ESTATE);
  assert_rc(pl_scenario_add_party(s, "b", NULL, 0, &err), PL_ESTATE);
  assert_rc(pl_scenario_add_discrete_issue(s, "j", NULL, 3, XYZ, NULL, &err),
            PL_ESTATE);
  assert_rc(pl_scenario_add_integer_issue(s, "n", NULL, 0, 1, 1, &err),
            PL_ESTATE);
  assert_rc(pl_scenario_add_real_issue(s, "x", NULL, 0, 1, 0.5, &err),
            PL_ESTATE);
  assert_rc(pl_scenario_set_weight(s, 0, 0, 2, &err), PL_ESTATE);
  assert_rc(pl_scenario_set_value(s, 0, 0, 0, 0.5, &err), PL_ESTATE);
  double x[] = {0}, v[] = {1};
  assert_rc(pl_scenario_set_value_function(s, 0, 0, 1, x, v, &err),
            PL_ESTATE);
  uint32_t sq[] = {0};
  assert_rc(pl_scenario_set_status_quo(s, -1, sq, &err), PL_ESTATE);
  assert_rc(pl_scenario_set_status_quo(s, 0, sq, &err), PL_ESTATE);
  assert_rc(pl_scenario_add_red_line(s, 0, "r", NULL, tu_in1(0, 0), &err),
            PL_ESTATE); /* and the rule is freed */
  assert_rc(pl_scenario_add_linkage(s, 0, "l", NULL, 0, NULL, &err),
            PL_ESTATE);
  assert_rc(pl_scenario_finish(s, &err), PL_ESTATE);
  /* nothing changed */
  assert_int_equal(pl_scenario_party_count(s), 1);
  assert_int_equal(pl_scenario_issue_count(s), 1);
  assert_int_equal(pl_scenario_red_line_count(s), 0);
  assert_double_near(pl_scenario_weight(s, 0, 0), 1, 0);
  assert_double_near(pl_scenario_value(s, 0, 0, 0), 0, 0);
  assert_string_equal(pl_scenario_title(s), "");
  assert_int_equal(pl_scenario_status_quo(s, -1, 0), PL_NOT_AGREED);
  pl_scenario_free(s);
}

/* ------------------------------------------------------------------ */
/* allocation failures                                                 */
/* ------------------------------------------------------------------ */

/* Builds a scenario that touches every builder call; returns PL_OK or the
 * first error, leaving *out to be freed. */
static int build_all(pl_scenario **out) {
  pl_scenario *s = *out = pl_scenario_new("alloc");
  if (!s) return PL_ENOMEM;
  int rc;
  const char *names[] = {"Ex", "Why", "Zed"};
  if ((rc = pl_scenario_set_text(s, "T", "D", NULL)) < 0) return rc;
  if ((rc = pl_scenario_add_party(s, "a", "A", 0.1, NULL)) < 0) return rc;
  if ((rc = pl_scenario_add_party(s, "b", NULL, 0, NULL)) < 0) return rc;
  if ((rc = pl_scenario_add_discrete_issue(s, "i", "I", 3, XYZ, names,
                                           NULL)) < 0)
    return rc;
  if ((rc = pl_scenario_add_integer_issue(s, "n", NULL, 0, 10, 5, NULL)) < 0)
    return rc;
  if ((rc = pl_scenario_add_real_issue(s, "x", NULL, 0, 1, 0.5, NULL)) < 0)
    return rc;
  double fx[] = {0, 1}, fv[] = {0, 1};
  if ((rc = pl_scenario_set_weight(s, 0, 0, 1, NULL)) < 0 ||
      (rc = pl_scenario_set_weight(s, 1, 2, 1, NULL)) < 0 ||
      (rc = pl_scenario_set_value(s, 0, 0, 1, 0.5, NULL)) < 0 ||
      (rc = pl_scenario_set_value_function(s, 1, 2, 2, fx, fv, NULL)) < 0)
    return rc;
  uint32_t sq[] = {0, 0, 0};
  if ((rc = pl_scenario_set_status_quo(s, -1, sq, NULL)) < 0 ||
      (rc = pl_scenario_set_status_quo(s, 1, sq, NULL)) < 0)
    return rc;
  uint32_t two[] = {1, 2};
  pl_expr *e = pl_expr_any(2, (pl_expr *[]){pl_expr_in(0, 2, two),
                                            pl_expr_not(pl_expr_in(1, 1, two))});
  if ((rc = pl_scenario_add_red_line(s, 0, "r", "d", e, NULL)) < 0) return rc;
  int ij[] = {0, 1};
  if ((rc = pl_scenario_add_linkage(s, 1, "l", NULL, 2, ij, NULL)) < 0)
    return rc;
  if ((rc = pl_scenario_finish(s, NULL)) < 0) return rc;
  char buf[64];
  if ((rc = pl_scenario_outcome_count_text(s, buf, sizeof buf)) < 0) return rc;
  return PL_OK;
}

static void test_builder_alloc_failures(void **state) {
  (void)state;
  for (long n = 0;; n++) {
    pl_scenario *s = NULL;
    pl__alloc_fail_after(n);
    int rc = build_all(&s);
    pl__alloc_fail_after(-1);
    pl_scenario_free(s);
    if (rc == PL_OK) break;
    if (rc != PL_ENOMEM) fail_msg("allocation %ld: %s", n, pl_errname(rc));
    assert_true(n < 10000);
  }
}

/* A finish that failed for lack of memory leaves the scenario open: it may
 * grow and be finished again, without leaking or overrunning what the first
 * attempt prepared. */
static void test_finish_retry_after_enomem(void **state) {
  (void)state;
  for (long n = 0;; n++) {
    pl_scenario *s = tiny();
    tu_issue(s, "j", XYZ);
    pl__alloc_fail_after(n);
    int rc = pl_scenario_finish(s, NULL);
    pl__alloc_fail_after(-1);
    if (rc == PL_OK) {
      pl_scenario_free(s);
      break;
    }
    assert_int_equal(rc, PL_ENOMEM);
    /* still open: one more issue, then finish again */
    tu_issue(s, "k", XYZ);
    TU_OK(pl_scenario_finish(s, NULL));
    uint32_t o[] = {0, 0, 0};
    assert_double_near(pl_scenario_utility(s, 0, o), 0, 0);
    pl_scenario_free(s);
  }
}

/* Concessions: variants must be weaker and no cheaper, costs
 * non-negative, linkages have none, drop costs default to 1 or the weakest
 * variant's cost. */
static void test_concessions(void **state) {
  (void)state;
  pl_scenario *s = pl_scenario_new("c");
  pl_error err = {0};
  int i = tu_issue_n(s, "a", 3), p = tu_party(s, "p", 0.2);
  tu_weight(s, p, i, 1);
  uint32_t xy[] = {0, 1}, yz[] = {1, 2}, xyz[] = {0, 1, 2};
  int r = tu_rule(s, p, "only_x", tu_in1(i, 0));
  int k = pl_scenario_add_linkage(s, p, "tie", NULL, 0, NULL, &err);
  assert_true(k >= 0);
  assert_int_equal(pl_scenario_add_variant(s, r, "v", NULL, 1,
                                           tu_in(i, 2, yz), &err),
                   PL_EINVAL);
  assert_non_null(strstr(err.message, "is not weaker"));
  assert_non_null(strstr(err.message, "it refuses a="));
  assert_int_equal(pl_scenario_add_variant(s, r, "v", NULL, -1,
                                           tu_in(i, 2, xy), &err),
                   PL_EINVAL);
  assert_int_equal(pl_scenario_add_variant(s, k, "v", NULL, 1,
                                           tu_in(i, 2, xy), &err),
                   PL_EINVAL);
  assert_int_equal(pl_scenario_add_variant(s, r, "only_x", NULL, 1,
                                           tu_in(i, 2, xy), &err),
                   PL_EEXIST);
  assert_int_equal(pl_scenario_add_variant(s, r, "v1", "x or y", 2,
                                           tu_in(i, 2, xy), &err),
                   0);
  assert_int_equal(pl_scenario_add_variant(s, r, "v2", NULL, 1,
                                           tu_in(i, 3, xyz), &err),
                   PL_EINVAL);
  assert_non_null(strstr(err.message, "cannot cost less"));
  assert_int_equal(pl_scenario_add_variant(s, r, "v2", NULL, 3,
                                           tu_in(i, 3, xyz), &err),
                   1);
  assert_int_equal(pl_scenario_set_drop_cost(s, r, 2.5, &err), PL_EINVAL);
  assert_int_equal(pl_scenario_set_drop_cost(s, k, 1, &err), PL_EINVAL);
  assert_int_equal(pl_scenario_set_reservation_cost(s, p, -1, &err),
                   PL_EINVAL);
  TU_OK(pl_scenario_set_reservation_cost(s, p, 4, &err));
  TU_OK(pl_scenario_finish(s, &err));
  assert_int_equal(pl_scenario_variant_count(s, r), 2);
  assert_string_equal(pl_scenario_variant_description(s, r, 0), "x or y");
  assert_true(pl_scenario_red_line_drop_cost(s, r) == 3); /* weakest's */
  assert_true(pl_scenario_reservation_cost(s, p) == 4);
  uint32_t o = 1;
  assert_int_equal(pl_scenario_variant_holds(s, r, 0, &o), 1);
  assert_int_equal(pl_scenario_red_line_holds(s, r, &o), 0);
  pl_scenario_free(s);
  /* the default drop cost is 1 */
  s = pl_scenario_new("d");
  i = tu_issue_n(s, "a", 2);
  p = tu_party(s, "p", 0);
  tu_weight(s, p, i, 1);
  r = tu_rule(s, p, "only_x", tu_in1(i, 0));
  TU_OK(pl_scenario_finish(s, &err));
  assert_true(pl_scenario_red_line_drop_cost(s, r) == 1);
  assert_true(pl_scenario_reservation_cost(s, p) == 1);
  assert_int_equal(pl_scenario_variant_count(s, r), 0);
  pl_scenario_free(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_free_null_is_noop),
      cmocka_unit_test(test_new_defaults),
      cmocka_unit_test(test_names_default_to_ids),
      cmocka_unit_test(test_duplicate_ids),
      cmocka_unit_test(test_ranges),
      cmocka_unit_test(test_weights_normalised),
      cmocka_unit_test(test_integer_grid),
      cmocka_unit_test(test_real_grid),
      cmocka_unit_test(test_value_function),
      cmocka_unit_test(test_status_quo),
      cmocka_unit_test(test_utility),
      cmocka_unit_test(test_outcome_count),
      cmocka_unit_test(test_encode_decode),
      cmocka_unit_test(test_red_line_eval),
      cmocka_unit_test(test_linkage_holds),
      cmocka_unit_test(test_red_line_errors),
      cmocka_unit_test(test_issue_after_red_line),
      cmocka_unit_test(test_finish_checks),
      cmocka_unit_test(test_builder_after_finish),
      cmocka_unit_test(test_concessions),
      cmocka_unit_test(test_builder_alloc_failures),
      cmocka_unit_test(test_finish_retry_after_enomem),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
