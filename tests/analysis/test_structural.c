/* The issue-wise frontier against enumeration, on random scenarios. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "analysis/structural.h"
#include "testutil.h"

#define NOLIMIT ((uint64_t)1 << 40)

/* Frontier under PL_TOLERANCE of the structural candidates, with the
 * utilities recomputed in issue order and the reservation values applied,
 * in outcome-index order: what pl_analyze does with them. */
static void candidate_frontier(const pl_scenario *s, const pl__candidates *c,
                               pl__acc *acc) {
  const int np = pl_scenario_party_count(s), ni = pl_scenario_issue_count(s);
  uint64_t *idx = malloc((c->n + 1) * sizeof *idx);
  for (size_t k = 0; k < c->n; k++)
    idx[k] = pl_scenario_encode(s, c->options + k * (size_t)ni);
  qsort(idx, c->n, sizeof *idx, tu_cmp_u64);
  uint32_t o[16];
  double u[8];
  for (size_t k = 0; k < c->n; k++) {
    pl_scenario_decode(s, idx[k], o);
    int ok = 1;
    for (int p = 0; p < np; p++) {
      u[p] = pl_scenario_utility(s, p, o);
      ok &= u[p] >= pl_scenario_reservation(s, p) - PL_TOLERANCE;
    }
    if (ok) pl__frontier_add(acc, u, idx[k]);
  }
  free(idx);
}

/* Every point of a has an equal (within tolerance) point in b. */
static int covered(const pl__acc *a, const pl__acc *b, int np) {
  for (size_t k = 0; k < a->nf; k++) {
    int found = 0;
    for (size_t j = 0; j < b->nf && !found; j++) {
      int p = 0;
      while (p < np &&
             fabs(a->fu[k * (size_t)np + p] - b->fu[j * (size_t)np + p]) <=
                 PL_TOLERANCE)
        p++;
      found = p == np;
    }
    if (!found) return 0;
  }
  return 1;
}

static void test_random_against_enumeration(void **state) {
  (void)state;
  tu_rng r = {424242};
  int compared = 0;
  for (int round = 0; round < 3000; round++) {
    int np = 2 + round % 3;
    pl_scenario *s = tu_random_scenario(&r, np);
    pl__constraints cons;
    pl__problem pb;
    assert_int_equal(pl__constraints_init(&cons, s), PL_OK);
    assert_int_equal(pl__problem_init(&pb, s, &cons, NULL), PL_OK);
    if (pb.n_multi == 0) { /* several-issue rules need folding first */
      pl__acc e, st;
      pl__acc_init(&e, np, NOLIMIT);
      pl__acc_init(&st, np, NOLIMIT);
      assert_int_equal(pl__enumerate(&pb, &e), PL_OK);
      pl__candidates c;
      assert_int_equal(pl__structural_frontier(&pb, 1u << 24, 0, &c), PL_OK);
      candidate_frontier(s, &c, &st);
      if (e.nf != st.nf || !covered(&e, &st, np) || !covered(&st, &e, np))
        fail_msg("round %d (%d parties): enumerated %zu points, structural "
                 "%zu",
                 round, np, e.nf, st.nf);
      pl__candidates_free(&c);
      pl__acc_free(&e);
      pl__acc_free(&st);
      compared++;
    }
    pl__problem_free(&pb);
    pl__constraints_free(&cons);
    pl_scenario_free(s);
  }
  assert_true(compared > 1000);
}

/* 40 issues of 10 options: 10^40 outcomes, far beyond enumeration. Party A
 * values option k of every issue at k/9, party B at (9-k)/9, equal weights:
 * every outcome lies on the line uA + uB = 1, and the frontier has one
 * point per total t = sum of k, t = 0..360: 361 points. */
static void test_huge_space(void **state) {
  (void)state;
  pl_scenario *s = pl_scenario_new("huge");
  for (int i = 0; i < 40; i++) {
    char id[16];
    snprintf(id, sizeof id, "i%d", i);
    tu_issue_n(s, id, 10);
  }
  int a = tu_party(s, "a", 0), b = tu_party(s, "b", 0);
  for (int i = 0; i < 40; i++) {
    tu_weight(s, a, i, 1);
    tu_weight(s, b, i, 1);
    for (uint32_t k = 0; k < 10; k++) {
      TU_OK(pl_scenario_set_value(s, a, i, k, k / 9.0, NULL));
      TU_OK(pl_scenario_set_value(s, b, i, k, (9 - k) / 9.0, NULL));
    }
  }
  tu_finish(s);
  char count[64];
  assert_int_equal(pl_scenario_outcome_count_text(s, count, sizeof count),
                   PL_OK);
  assert_string_equal(count, "10000000000000000000000000000000000000000");
  pl__constraints cons;
  pl__problem pb;
  assert_int_equal(pl__constraints_init(&cons, s), PL_OK);
  assert_int_equal(pl__problem_init(&pb, s, &cons, NULL), PL_OK);
  assert_true(pb.n_outcomes == UINT64_MAX); /* saturated */
  pl__candidates c;
  assert_int_equal(pl__structural_frontier(&pb, 1u << 24, 0, &c), PL_OK);
  /* exact duplicates merge: at most one candidate per total (sums in
   * another order may round apart: the tolerance filter merges those) */
  assert_true(c.n >= 361);
  /* under the tolerance: one point per total */
  pl__acc acc;
  pl__acc_init(&acc, 2, NOLIMIT);
  for (size_t k = 0; k < c.n; k++) {
    double u[2];
    for (int p = 0; p < 2; p++)
      u[p] = pl_scenario_utility(s, p, c.options + k * 40);
    pl__frontier_add(&acc, u, k);
  }
  assert_int_equal(acc.nf, 361);
  pl__acc_free(&acc);
  pl__candidates_free(&c);
  pl__problem_free(&pb);
  pl__constraints_free(&cons);
  pl_scenario_free(s);
}

/* pl_analyze by both methods: the same frontier (within the tolerance),
 * solutions, classes, and, where the structural method computes them, the
 * same feasible count and explanations. */
static void test_analyze_methods_agree(void **state) {
  (void)state;
  tu_rng r = {777};
  int compared = 0;
  for (int round = 0; round < 1500; round++) {
    int np = 2 + round % 3;
    pl_scenario *s = tu_random_scenario(&r, np);
    pl_analysis_options oe, os;
    pl_analysis_options_init(&oe);
    pl_analysis_options_init(&os);
    oe.method = PL_METHOD_ENUMERATE;
    os.method = PL_METHOD_STRUCTURAL;
    pl_analysis *e = NULL, *st = NULL;
    pl_error err;
    assert_int_equal(pl_analyze(s, &oe, &e, &err), PL_OK);
    int rc = pl_analyze(s, &os, &st, &err);
    if (rc == PL_EUNSUPPORTED) { /* several-issue red lines */
      pl_analysis_free(e);
      pl_scenario_free(s);
      continue;
    }
    assert_int_equal(rc, PL_OK);
    compared++;
    size_t nf = pl_analysis_pareto_count(e);
    if (pl_analysis_pareto_count(st) != nf)
      fail_msg("round %d: frontier %zu / %zu", round, nf,
               pl_analysis_pareto_count(st));
    for (size_t k = 0; k < nf; k++)
      for (int p = 0; p < np; p++)
        assert_double_near(pl_analysis_pareto(e, k)->utilities[p],
                           pl_analysis_pareto(st, k)->utilities[p],
                           PL_TOLERANCE);
    for (int w = 0; w < PL_SOLUTION_COUNT_; w++) {
      const pl_point *a = pl_analysis_solution(e, (pl_solution)w);
      const pl_point *b = pl_analysis_solution(st, (pl_solution)w);
      assert_true(!a == !b);
      for (int p = 0; a && p < np; p++)
        assert_double_near(a->utilities[p], b->utilities[p], PL_TOLERANCE);
    }
    for (int i = 0; i < pl_scenario_issue_count(s); i++)
      assert_int_equal(pl_analysis_issue_class(e, i),
                       pl_analysis_issue_class(st, i));
    char fe[64], fs[64];
    assert_int_equal(pl_analysis_feasible_text(e, fe, sizeof fe), PL_OK);
    if (pl_analysis_feasible_text(st, fs, sizeof fs) == PL_OK)
      assert_string_equal(fe, fs);
    if (pl_analysis_explained(st)) {
      assert_int_equal(pl_analysis_deadlock_count(e),
                       pl_analysis_deadlock_count(st));
      for (size_t k = 0; k < pl_analysis_deadlock_count(e); k++) {
        const pl_constraint *x, *y;
        size_t n = pl_analysis_deadlock(e, k, &x);
        assert_int_equal(pl_analysis_deadlock(st, k, &y), n);
        assert_memory_equal(x, y, n * sizeof *x);
      }
      const pl_constraint *x, *y;
      size_t n = pl_analysis_binding(e, &x);
      assert_int_equal(pl_analysis_binding(st, &y), n);
      if (n) assert_memory_equal(x, y, n * sizeof *x);
    }
    pl_analysis_free(e);
    pl_analysis_free(st);
    pl_scenario_free(s);
  }
  assert_true(compared > 500);
}

/* The epsilon-approximation covers the exact frontier: every exact point
 * has an approximate one less than epsilon below it in every utility, and
 * every approximate point is a real outcome's utilities. */
static void test_epsilon_cover(void **state) {
  (void)state;
  tu_rng r = {99};
  int compared = 0;
  for (int round = 0; round < 600; round++) {
    int np = 3 + round % 3;
    pl_scenario *s = tu_random_scenario(&r, np);
    pl_analysis_options oe, oa;
    pl_analysis_options_init(&oe);
    pl_analysis_options_init(&oa);
    oe.method = PL_METHOD_ENUMERATE;
    oa.method = PL_METHOD_STRUCTURAL;
    oa.epsilon = 0.05;
    pl_analysis *e = NULL, *ap = NULL;
    pl_error err;
    assert_int_equal(pl_analyze(s, &oe, &e, &err), PL_OK);
    if (pl_analyze(s, &oa, &ap, &err) != PL_OK) {
      pl_analysis_free(e);
      pl_scenario_free(s);
      continue;
    }
    compared++;
    assert_true(pl_analysis_epsilon(ap) == 0.05);
    assert_true(pl_analysis_pareto_count(ap) <= pl_analysis_pareto_count(e));
    for (size_t k = 0; k < pl_analysis_pareto_count(e); k++) {
      const double *x = pl_analysis_pareto(e, k)->utilities;
      int covered = 0;
      for (size_t j = 0; j < pl_analysis_pareto_count(ap) && !covered; j++) {
        const double *y = pl_analysis_pareto(ap, j)->utilities;
        int p = 0;
        while (p < np && y[p] > x[p] - 0.05) p++;
        covered = p == np;
      }
      if (!covered) fail_msg("round %d: exact point %zu not covered", round, k);
    }
    for (size_t j = 0; j < pl_analysis_pareto_count(ap); j++) {
      const pl_point *pt = pl_analysis_pareto(ap, j);
      for (int p = 0; p < np; p++)
        assert_true(pt->utilities[p] == pl_scenario_utility(s, p, pt->options));
    }
    pl_analysis_free(e);
    pl_analysis_free(ap);
    pl_scenario_free(s);
  }
  assert_true(compared > 200);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_random_against_enumeration),
      cmocka_unit_test(test_huge_space),
      cmocka_unit_test(test_analyze_methods_agree),
      cmocka_unit_test(test_epsilon_cover),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
