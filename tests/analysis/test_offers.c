/* Offer search and the descending iterator against brute force. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "testutil.h"
#include "analysis/offers.h"

static void test_iterator_visits_all_in_order(void **state) {
  (void)state;
  tu_rng r = {5150};
  for (int round = 0; round < 300; round++) {
    pl_scenario *s = tu_random_scenario(&r, 1 + round % 3);
    int p = tu_below(&r, pl_scenario_party_count(s));
    uint64_t n;
    assert_int_equal(pl_scenario_outcome_count(s, &n), PL_OK);
    char *seen = calloc(n, 1);
    pl_offer_iter *it;
    assert_int_equal(pl_offer_iter_new(s, p, &it, NULL), PL_OK);
    uint32_t o[8];
    double u, prev = 2;
    uint64_t k = 0;
    while (pl_offer_iter_next(it, o, &u) == PL_OK) {
      uint64_t x = pl_scenario_encode(s, o);
      assert_false(seen[x]);
      seen[x] = 1;
      assert_true(u <= prev + 1e-12);
      assert_true(u == pl_scenario_utility(s, p, o));
      prev = u;
      k++;
    }
    assert_int_equal(k, n);
    pl_offer_iter_free(it);
    free(seen);
    pl_scenario_free(s);
  }
}

static void test_offer_at_least(void **state) {
  (void)state;
  tu_rng r = {8086};
  for (int round = 0; round < 600; round++) {
    pl_scenario *s = tu_random_scenario(&r, 1 + round % 3);
    int p = tu_below(&r, pl_scenario_party_count(s));
    double target = tu_below(&r, 12) / 10.0;
    uint64_t n;
    assert_int_equal(pl_scenario_outcome_count(s, &n), PL_OK);
    double best = 2;
    for (uint64_t x = 0; x < n; x++) {
      uint32_t o[8];
      pl_scenario_decode(s, x, o);
      double u = pl_scenario_utility(s, p, o);
      if (u >= target - PL_TOLERANCE && u < best) best = u;
    }
    uint32_t o[8];
    double u;
    int exact = -1;
    int rc = pl_scenario_offer_at_least(s, p, target, o, &u, &exact, NULL);
    if (best > 1.5) {
      assert_int_equal(rc, PL_ENOTFOUND);
    } else {
      assert_int_equal(rc, PL_OK);
      assert_int_equal(exact, 1);
      assert_true(u == pl_scenario_utility(s, p, o));
      assert_double_near(u, best, 1e-12);
    }
    pl_scenario_free(s);
  }
}

/* Both engines against brute force on 10^6 outcomes (3 issues of 100
 * options): the public call searches by branch and bound (a half would
 * list 10^4 sums, over its limit), the agents' meet in the middle takes
 * larger halves; every answer is the least utility at or above the
 * target. */
/* One party "a" over n issues of m options: weights 1-9, values in
 * thousandths, drawn from r. */
static pl_scenario *random_party(tu_rng *r, const char *name, int n,
                                 uint32_t m) {
  pl_scenario *s = pl_scenario_new(name);
  for (int i = 0; i < n; i++) {
    char id[16];
    snprintf(id, sizeof id, "i%d", i);
    tu_issue_n(s, id, m);
  }
  int a = tu_party(s, "a", 0);
  for (int i = 0; i < n; i++) {
    tu_weight(s, a, i, 1 + tu_below(r, 9));
    for (uint32_t k = 0; k < m; k++)
      TU_OK(pl_scenario_set_value(s, a, i, k, tu_below(r, 1001) / 1000.0,
                                  NULL));
  }
  tu_finish(s);
  return s;
}

static void test_offer_engines(void **state) {
  (void)state;
  tu_rng r = {4711};
  for (int round = 0; round < 6; round++) {
    pl_scenario *s = random_party(&r, "mid", 3, 100);
    const int a = 0;
    double *all = malloc(1000000 * sizeof *all);
    assert_non_null(all);
    uint32_t o[3];
    for (uint64_t x = 0; x < 1000000; x++) {
      pl_scenario_decode(s, x, o);
      all[x] = pl_scenario_utility(s, a, o);
    }
    pl__mitm *m;
    assert_int_equal(pl__mitm_new(s, a, (size_t)1 << 20, &m), PL_OK);
    pl__mitm *small;
    assert_int_equal(pl__mitm_new(s, a, (size_t)1 << 13, &small), PL_ETOOBIG);
    for (int k = 0; k < 8; k++) {
      double target = tu_below(&r, 1001) / 1000.0, best = 2;
      for (uint64_t x = 0; x < 1000000; x++)
        if (all[x] >= target - PL_TOLERANCE && all[x] < best) best = all[x];
      double u1, u2;
      int exact;
      int rc1 = pl_scenario_offer_at_least(s, a, target, o, &u1, &exact, NULL);
      int rc2 = pl__mitm_at_least(m, target, o, &u2);
      if (best > 1.5) {
        assert_int_equal(rc1, PL_ENOTFOUND);
        assert_int_equal(rc2, PL_ENOTFOUND);
        continue;
      }
      assert_int_equal(rc1, PL_OK);
      assert_int_equal(rc2, PL_OK);
      assert_true(u2 == pl_scenario_utility(s, a, o));
      if (exact) assert_double_near(u1, best, 1e-12);
      assert_double_near(u2, best, 1e-12);
    }
    pl__mitm_free(m);
    free(all);
    pl_scenario_free(s);
  }
}

/* The meet-in-the-middle search keeps its recent answers (offers.c): a
 * falling target, as an agent asks, a step of 0.0005 at a time over
 * 0.9 -> 0.4 on 625 outcomes (most steps keep the answer, and are
 * answered from those kept), gives exactly the answers of a fresh
 * search at every step. */
static void test_mitm_kept_answers(void **state) {
  (void)state;
  tu_rng r = {99};
  pl_scenario *s = random_party(&r, "kept", 4, 5);
  const int a = 0;
  pl__mitm *kept;
  assert_int_equal(pl__mitm_new(s, a, (size_t)1 << 10, &kept), PL_OK);
  uint32_t o1[4], o2[4];
  int same = 0;
  double prev = -1;
  for (int k = 0; k <= 1000; k++) {
    const double target = 0.9 - 0.0005 * k;
    pl__mitm *fresh;
    assert_int_equal(pl__mitm_new(s, a, (size_t)1 << 10, &fresh), PL_OK);
    double u1, u2;
    int rc1 = pl__mitm_at_least(kept, target, o1, &u1);
    int rc2 = pl__mitm_at_least(fresh, target, o2, &u2);
    assert_int_equal(rc1, rc2);
    if (rc1 == PL_OK) {
      assert_memory_equal(o1, o2, sizeof o1);
      assert_true(u1 == u2);
      same += u1 == prev;
      prev = u1;
    }
    pl__mitm_free(fresh);
  }
  if (same < 300) fail_msg("%d answers kept", same);
  pl__mitm_free(kept);
  pl_scenario_free(s);
}

/* 60 issues of 10 options, 10^60 outcomes: within a second, an offer at
 * most 0.01 above the target (exact or the best the budget found). */
static void test_offer_huge(void **state) {
  (void)state;
  pl_scenario *s = pl_scenario_new("huge");
  for (int i = 0; i < 60; i++) {
    char id[16];
    snprintf(id, sizeof id, "i%d", i);
    tu_issue_n(s, id, 10);
  }
  int a = tu_party(s, "a", 0);
  for (int i = 0; i < 60; i++) {
    tu_weight(s, a, i, 1 + i % 7);
    for (uint32_t k = 0; k < 10; k++)
      TU_OK(pl_scenario_set_value(s, a, i, k, ((k * 7 + i) % 10) / 9.0, NULL));
  }
  tu_finish(s);
  uint32_t o[60];
  double u;
  int exact;
  assert_int_equal(pl_scenario_offer_at_least(s, a, 0.8, o, &u, &exact, NULL),
                   PL_OK);
  assert_true(u >= 0.8 - PL_TOLERANCE);
  assert_true(u < 0.8 + 0.01);
  pl_offer_iter *it;
  assert_int_equal(pl_offer_iter_new(s, a, &it, NULL), PL_OK);
  double prev = 2;
  for (int k = 0; k < 10000; k++) {
    assert_int_equal(pl_offer_iter_next(it, o, &u), PL_OK);
    assert_true(u <= prev + 1e-12);
    prev = u;
  }
  assert_double_near(prev, 1.0, 0.05);
  pl_offer_iter_free(it);
  pl_scenario_free(s);
}

static void test_offer_errors(void **state) {
  (void)state;
  pl_scenario *s = pl_scenario_new("e");
  tu_issue_n(s, "x", 3);
  int h = tu_party(s, "h", 0);
  TU_OK(pl_scenario_set_rectangles(s, h, 1, NULL));
  tu_finish(s);
  uint32_t o[1];
  pl_error err;
  assert_int_equal(pl_scenario_offer_at_least(s, h, 0.5, o, NULL, NULL, &err),
                   PL_EUNSUPPORTED);
  assert_int_equal(pl_scenario_offer_at_least(s, 7, 0.5, o, NULL, NULL, &err),
                   PL_ENOTFOUND);
  pl_offer_iter *it = (pl_offer_iter *)1;
  assert_int_equal(pl_offer_iter_new(s, h, &it, &err), PL_EUNSUPPORTED);
  assert_null(it);
  pl_offer_iter_free(NULL);
  pl_scenario_free(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_iterator_visits_all_in_order),
      cmocka_unit_test(test_offer_at_least),
      cmocka_unit_test(test_offer_engines),
      cmocka_unit_test(test_mitm_kept_answers),
      cmocka_unit_test(test_offer_huge),
      cmocka_unit_test(test_offer_errors),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
