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
    int np = 2 + round % 4;
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

/* The merges exactly (the two-party heap merge, the dominance index of
 * three or more parties), against enumeration by brute force: problems
 * built by hand with contributions in quarters, so that every sum is exact
 * in any order, drawn from few values (equal utilities, exact duplicates,
 * a party indifferent to an issue, options struck out). The candidates must
 * be exactly one outcome per non-dominated utility vector, the first in
 * outcome order (the lexicographic tie-break of the merges). */
enum { XI = 5, XO = 5, XP = 5 };

static int weakly_above(const double *q, const double *u, int np) {
  int p = 0;
  while (p < np && q[p] >= u[p]) p++;
  return p == np;
}

static void test_merges_exact(void **state) {
  (void)state;
  tu_rng r = {2026};
  uint32_t cnt[XI], opt[XI][XO], *optp[XI];
  double contrib[XI][XO * XP], *contribp[XI];
  uint64_t vmask[XI][XO], *vmaskp[XI];
  static double fu[4096 * XP];
  static uint32_t fo[4096 * XI];
  int compared = 0, ties = 0;
  for (int round = 0; round < 2400; round++) {
    const int np = 2 + round % 4, ni = 1 + tu_below(&r, XI);
    const int spread = 1 + tu_below(&r, 4); /* values 0..spread quarters */
    pl__problem pb = {0};
    pb.ni = ni;
    pb.np = np;
    pb.cnt = cnt;
    pb.opt = optp;
    pb.contrib = contribp;
    pb.vmask = vmaskp;
    for (int i = 0; i < ni; i++) {
      optp[i] = opt[i];
      contribp[i] = contrib[i];
      vmaskp[i] = vmask[i];
      cnt[i] = 1 + (uint32_t)tu_below(&r, XO);
      for (uint32_t c = 0; c < cnt[i]; c++) {
        opt[i][c] = c;
        vmask[i][c] = tu_below(&r, 8) == 0; /* struck out */
        for (int p = 0; p < np; p++)
          contrib[i][c * np + p] = tu_below(&r, spread + 1) / 4.0;
        if (c > 0 && tu_below(&r, 6) == 0) /* a duplicate option */
          memcpy(&contrib[i][c * np], &contrib[i][(c - 1) * np],
                 (size_t)np * sizeof(double));
      }
      if (tu_below(&r, 4) == 0) { /* a party indifferent to the issue */
        int p = tu_below(&r, np);
        for (uint32_t c = 0; c < cnt[i]; c++) contrib[i][c * np + p] = 0;
      }
    }
    /* brute force, in outcome order (the last issue fastest) */
    size_t nf = 0;
    uint32_t o[XI] = {0};
    for (;;) {
      int ok = 1;
      double u[XP] = {0};
      for (int i = 0; i < ni; i++) {
        ok &= !vmask[i][o[i]];
        for (int p = 0; p < np; p++) u[p] += contrib[i][o[i] * np + p];
      }
      int dominated = !ok;
      for (size_t k = 0; k < nf && !dominated; k++)
        dominated = weakly_above(fu + k * XP, u, np);
      if (!dominated) {
        size_t w = 0;
        for (size_t k = 0; k < nf; k++)
          if (!weakly_above(u, fu + k * XP, np)) {
            memmove(fu + w * XP, fu + k * XP, sizeof(double) * XP);
            memmove(fo + w * XI, fo + k * XI, sizeof(uint32_t) * XI);
            w++;
          }
        memcpy(fu + w * XP, u, sizeof u);
        memcpy(fo + w * XI, o, sizeof o);
        nf = w + 1;
      }
      int i = ni - 1;
      while (i >= 0 && ++o[i] == cnt[i]) o[i--] = 0;
      if (i < 0) break;
    }
    pl__candidates c;
    assert_int_equal(pl__structural_frontier(&pb, 1u << 20, 0, &c), PL_OK);
    assert_int_equal(pl__candidates_sort(&c, ni), PL_OK);
    if (c.n != nf)
      fail_msg("round %d (%d parties, %d issues): enumerated %zu points, "
               "structural %zu",
               round, np, ni, nf, c.n);
    /* fo is in outcome order already: the frontier keeps insertion order
     * and outcomes arrive in order */
    for (size_t k = 0; k < nf; k++)
      for (int i = 0; i < ni; i++)
        if (c.options[k * ni + i] != fo[k * XI + i])
          fail_msg("round %d: point %zu differs at issue %d", round, k, i);
    pl__candidates_free(&c);
    compared++;
    /* did this round have outcomes of equal utilities? */
    size_t total = 1;
    for (int i = 0; i < ni; i++) total *= cnt[i];
    ties += total > nf && spread < 3;
  }
  assert_int_equal(compared, 2400);
  assert_true(ties > 500);
}

/* The two-party merge stops at max_points kept points: PL_ETOOBIG, and
 * nothing leaks. */
/* Two parties, two issues of at most three options, built by hand: the
 * contributions c[i][option * 2 + party], nothing struck out. */
typedef struct hand2 {
  uint32_t cnt[2], opt[2][3], *optp[2];
  double contrib[2][6], *contribp[2];
  uint64_t vmask[2][3], *vmaskp[2];
  pl__problem pb;
} hand2;

static void hand2_init(hand2 *h, uint32_t n0, uint32_t n1,
                       const double c[2][6]) {
  memset(h, 0, sizeof *h);
  h->cnt[0] = n0;
  h->cnt[1] = n1;
  memcpy(h->contrib, c, sizeof h->contrib);
  for (int i = 0; i < 2; i++) {
    for (uint32_t k = 0; k < 3; k++) h->opt[i][k] = k;
    h->optp[i] = h->opt[i];
    h->contribp[i] = h->contrib[i];
    h->vmaskp[i] = h->vmask[i];
  }
  h->pb.ni = 2;
  h->pb.np = 2;
  h->pb.cnt = h->cnt;
  h->pb.opt = h->optp;
  h->pb.contrib = h->contribp;
  h->pb.vmask = h->vmaskp;
}

static void test_merge_limit(void **state) {
  (void)state;
  /* two issues of three options on a line: every sum is non-dominated */
  hand2 h;
  hand2_init(&h, 3, 3,
             (const double[2][6]){{0, 2, 1, 1, 2, 0}, {0, 2, 1, 1, 2, 0}});
  pl__candidates c;
  assert_int_equal(pl__structural_frontier(&h.pb, 5, 0, &c), PL_OK);
  assert_int_equal(c.n, 5); /* sums 0..4 of the first utility */
  pl__candidates_free(&c);
  assert_int_equal(pl__structural_frontier(&h.pb, 4, 0, &c), PL_ETOOBIG);
}

/* Sums that round equal: 4 + 1 and 4 + (1 - 2^-53) are both 5, so along a
 * row of the two-party merge the first utility can stay put while the
 * second rises. The sort-and-sweep this merge replaced kept only the best
 * of such a run, and of exact duplicates the first outcome; so must the
 * merge. */
static void test_merge_rounding(void **state) {
  (void)state;
  hand2 h;
  hand2_init(&h, 1, 3,
             (const double[2][6]){
                 {4, 8}, {1, 0, 1 - 0x1p-53, 1, 1 - 0x1p-52, 1 + 0x1p-52}});
  assert_true(4 + h.contrib[1][2] == 5.0 && 8 + h.contrib[1][5] == 9.0);
  pl__candidates c;
  assert_int_equal(pl__structural_frontier(&h.pb, 100, 0, &c), PL_OK);
  assert_int_equal(c.n, 1); /* (5, 9): the others are dominated or equal */
  assert_int_equal(c.options[0], 0);
  assert_int_equal(c.options[1], 1);
  pl__candidates_free(&c);
}

/* Every allocation of a structural pl_analyze failing in turn, for two
 * parties (the heap merge) and three (the dominance index), then with the
 * final filter of candidates: PL_ENOMEM each time, nothing leaked (ASan). */
static void test_alloc_failures(void **state) {
  (void)state;
  for (int np = 2; np <= 4; np++) {
    pl_scenario *s = pl_scenario_new("af");
    for (int i = 0; i < 4; i++) {
      char id[8];
      snprintf(id, sizeof id, "i%d", i);
      tu_issue_n(s, id, 4);
    }
    for (int p = 0; p < np; p++) {
      char id[8];
      snprintf(id, sizeof id, "p%d", p);
      tu_party(s, id, 0);
      for (int i = 0; i < 4; i++) {
        tu_weight(s, p, i, 1 + (p + i) % 3);
        for (uint32_t k = 0; k < 4; k++)
          TU_OK(pl_scenario_set_value(s, p, i, k,
                                      ((k * (uint32_t)(p + 1) + (uint32_t)i) %
                                       4) / 3.0,
                                      NULL));
      }
    }
    tu_finish(s);
    pl_analysis_options o;
    pl_analysis_options_init(&o);
    o.method = PL_METHOD_STRUCTURAL;
    for (long n = 0;; n++) {
      pl_analysis *a = NULL;
      pl_error err;
      pl__alloc_fail_after(n);
      int rc = pl_analyze(s, &o, &a, &err);
      pl__alloc_fail_after(-1);
      if (rc == PL_OK) {
        assert_true(pl_analysis_pareto_count(a) > 1);
        pl_analysis_free(a);
        break;
      }
      assert_int_equal(rc, PL_ENOMEM);
      assert_null(a);
    }
    pl_scenario_free(s);
  }
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
      cmocka_unit_test(test_merges_exact),
      cmocka_unit_test(test_merge_limit),
      cmocka_unit_test(test_merge_rounding),
      cmocka_unit_test(test_alloc_failures),
      cmocka_unit_test(test_huge_space),
      cmocka_unit_test(test_analyze_methods_agree),
      cmocka_unit_test(test_epsilon_cover),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
