/* Unit tests of pl_analyze (src/analysis/analysis.c): every solution
 * concept on hand-computed cases, ties, deadlocks, binding constraints,
 * issue classes, acceptable options, partial agreements, individual
 * rationality, the limits, the security-talks example, allocation
 * failures, and a randomized cross-check against brute force.
 *
 * Most hand cases have one issue "deal" whose options are the packages:
 * with weight 1 a party's utility of an option is its value. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/util.h"
#include "testutil.h"

/* One issue with n options; party p values option k at u[k * np + p];
 * option ids from `ids` (or o0, o1, ...); reservation values rv (or 0). */
static pl_scenario *deal(int np, uint32_t n, const double *u, const double *rv,
                         const char *const *ids) {
  pl_scenario *s = pl_scenario_new("deal");
  for (int p = 0; p < np; p++) {
    char id[16];
    snprintf(id, sizeof id, "p%d", p);
    tu_party(s, id, rv ? rv[p] : 0);
  }
  int i = ids ? tu_issue(s, "deal", ids) : tu_issue_n(s, "deal", n);
  for (int p = 0; p < np; p++) {
    tu_weight(s, p, i, 1);
    for (uint32_t k = 0; k < n; k++)
      TU_OK(pl_scenario_set_value(s, p, i, k, u[k * np + p], NULL));
  }
  return s;
}

/* Option of the one-issue point, or -1 for NULL. */
static long opt(const pl_point *pt) { return pt ? (long)pt->options[0] : -1; }

static void expect_solutions(const pl_analysis *a, long nash, long kalai,
                             long welfare, long egal) {
  long want[] = {nash, kalai, welfare, egal};
  for (int w = 0; w < PL_SOLUTION_COUNT_; w++) {
    long got = opt(pl_analysis_solution(a, (pl_solution)w));
    if (got != want[w])
      fail_msg("%s is option %ld, expected %ld", pl_solution_name((pl_solution)w),
               got, want[w]);
  }
}

/* The frontier, as option indices in order. */
static void expect_pareto(const pl_analysis *a, size_t n, const long *want) {
  if (pl_analysis_pareto_count(a) != n)
    fail_msg("%zu frontier points, expected %zu", pl_analysis_pareto_count(a), n);
  for (size_t k = 0; k < n; k++)
    if (opt(pl_analysis_pareto(a, k)) != want[k])
      fail_msg("frontier point %zu is option %ld, expected %ld", k,
               opt(pl_analysis_pareto(a, k)), want[k]);
  assert_null(pl_analysis_pareto(a, n));
}

static void expect_constraint(const pl_constraint *c, pl_constraint_kind kind,
                              int party, int red_line) {
  if (c->kind != kind || c->party != party || c->red_line != red_line)
    fail_msg("constraint {%d, party %d, red line %d}, expected {%d, %d, %d}",
             c->kind, c->party, c->red_line, kind, party, red_line);
}

#define RL PL_CONSTRAINT_RED_LINE
#define RV PL_CONSTRAINT_RESERVATION

/* ------------------------------------------------------------------ */
/* solution concepts                                                   */
/* ------------------------------------------------------------------ */

/*            a     b     sum   a x b   min
 *   0 W    1.0   0.3    1.3    .30     .30
 *   1 N    0.8   0.45   1.25   .36     .45
 *   2 K    0.7   0.5    1.2    .35     .50
 *   3 E    0.55  0.55   1.1    .3025   .55
 *   4 Z    0.0   0.7    0.7    0       0
 *   5 X    0.5   0.5    1.0    .25     .50   dominated by K and E */
static const char *const WNKEZX[] = {"W", "N", "K", "E", "Z", "X", NULL};
static const double CONCEPTS[] = {1.0, 0.3,  0.8, 0.45, 0.7, 0.5,
                                  0.55, 0.55, 0.0, 0.7,  0.5, 0.5};

static void test_solutions_two_parties(void **state) {
  (void)state;
  pl_scenario *s = deal(2, 6, CONCEPTS, NULL, WNKEZX);
  tu_finish(s);
  pl_analysis *a = tu_analyze(s);
  assert_string_equal(pl_analysis_method(a), "enumerate");
  assert_int_equal(pl_analysis_feasible_count(a), 6);
  /* frontier by a's utility descending: W N K E Z (X dominated) */
  expect_pareto(a, 5, (long[]){0, 1, 2, 3, 4});
  /* Nash: max a x b = .36 at N.
   * Kalai: ideal (1.0, 0.7), d = 0: min(a/1, b/.7): W .43, N .64, K .70,
   *   E .55, Z 0 -> K.
   * welfare: max sum 1.3 at W.
   * egalitarian: max min 0.55 at E. */
  expect_solutions(a, 1, 2, 0, 3);
  const pl_point *n = pl_analysis_solution(a, PL_SOLUTION_NASH);
  assert_ptr_equal(n, pl_analysis_pareto(a, 1)); /* a frontier point */
  assert_utility(n->utilities[0], 0.8);
  assert_utility(n->utilities[1], 0.45);
  assert_null(pl_analysis_solution(a, PL_SOLUTION_COUNT_));
  assert_string_equal(pl_solution_name(PL_SOLUTION_NASH), "nash");
  assert_string_equal(pl_solution_name(PL_SOLUTION_KALAI), "kalai");
  assert_string_equal(pl_solution_name(PL_SOLUTION_WELFARE), "welfare");
  assert_string_equal(pl_solution_name(PL_SOLUTION_EGALITARIAN), "egalitarian");
  assert_string_equal(pl_solution_name(PL_SOLUTION_COUNT_), "?");
  /* nothing binds: there are no constraints */
  const pl_constraint *items = NULL;
  assert_int_equal(pl_analysis_binding(a, &items), 0);
  assert_int_equal(pl_analysis_deadlock_count(a), 0);
  assert_int_equal(pl_analysis_partial_status(a), PL_PARTIAL_NOT_NEEDED);
  assert_int_equal(pl_analysis_partial_count(a), 0);
  assert_null(pl_analysis_partial(a, 0));
  pl_analysis_free(a);
  pl_scenario_free(s);
}

static void test_solutions_with_reservations(void **state) {
  (void)state;
  /* Reservation a 0.5: Z (a = 0) is out, X (a = 0.5) is in, exactly at its
   * reservation value. Frontier W N K E; ideal (1.0, 0.55); d = (0.5, 0).
   *          gains        Nash    Kalai: min(ga/.5, gb/.55)   sorted gains
   *   W   (.5,  .3 )     .15     min(1.0, .545) = .545        (.3, .5)
   *   N   (.3,  .45)     .135    min(.6,  .818) = .6          (.3, .45)
   *   K   (.2,  .5 )     .10     min(.4,  .909) = .4          (.2, .5)
   *   E   (.05, .55)     .0275   min(.1,  1.0 ) = .1          (.05, .55)
   * Nash W, Kalai N, welfare W (1.3), egalitarian: W and N tie on the
   * smallest gain .3, W wins on the next (.5 > .45). */
  pl_scenario *s = deal(2, 6, CONCEPTS, (double[]){0.5, 0}, WNKEZX);
  tu_finish(s);
  pl_analysis *a = tu_analyze(s);
  assert_int_equal(pl_analysis_feasible_count(a), 5);
  expect_pareto(a, 4, (long[]){0, 1, 2, 3});
  expect_solutions(a, 0, 1, 0, 0);
  /* a's reservation binds: Z violates it and nothing else */
  const pl_constraint *items = NULL;
  assert_int_equal(pl_analysis_binding(a, &items), 1);
  expect_constraint(&items[0], RV, 0, -1);
  pl_analysis_free(a);
  pl_scenario_free(s);
}

static void test_solutions_three_parties(void **state) {
  (void)state;
  /*            a     b     c     sum   product  min
   *   0 T1   1.0   0.2   0.6    1.8   .12      .2
   *   1 T2   0.5   0.5   0.5    1.5   .125     .5
   *   2 T3   0.8   0.55  0.4    1.75  .176     .4
   *   3 T4   0.45  0.45  0.45               dominated by T2
   *   4 T5   0.3   0.3   0.7    1.3   .063     .3
   * frontier by a descending: T1 T3 T2 T5. Ideal (1.0, 0.55, 0.7).
   * Kalai min(a, b/.55, c/.7): T1 .364, T2 .5, T3 .571, T5 .3 -> T3.
   * Nash T3, welfare T1, egalitarian T2. */
  double u[] = {1.0, 0.2, 0.6, 0.5, 0.5,  0.5,  0.8, 0.55,
                0.4, 0.45, 0.45, 0.45, 0.3, 0.3, 0.7};
  pl_scenario *s = deal(3, 5, u, NULL, NULL);
  tu_finish(s);
  pl_analysis *a = tu_analyze(s);
  assert_int_equal(pl_analysis_feasible_count(a), 5);
  expect_pareto(a, 4, (long[]){0, 2, 1, 4});
  expect_solutions(a, 2, 2, 0, 1);
  pl_analysis_free(a);
  pl_scenario_free(s);

  /* d = (0.2, 0.2, 0.2): everything feasible (T1's b = 0.2 exactly).
   *          gains              Nash     Kalai (spans .8, .35, .5)  min
   *   T1  (.8, 0,   .4)        0        min(1,   0,    .8) = 0      0
   *   T2  (.3, .3,  .3)        .027     min(.375, .857, .6) = .375  .3
   *   T3  (.6, .35, .2)        .042     min(.75, 1,    .4) = .4     .2
   *   T5  (.1, .1,  .5)        .005     min(.125, .286, 1) = .125   .1
   * Nash T3, Kalai T3, welfare T1, egalitarian T2. */
  s = deal(3, 5, u, (double[]){0.2, 0.2, 0.2}, NULL);
  tu_finish(s);
  a = tu_analyze(s);
  assert_int_equal(pl_analysis_feasible_count(a), 5);
  expect_pareto(a, 4, (long[]){0, 2, 1, 4});
  expect_solutions(a, 2, 2, 0, 1);
  pl_analysis_free(a);
  pl_scenario_free(s);
}

static void test_egalitarian_leximin(void **state) {
  (void)state;
  /*            a     b     c     sorted gains      sum   product
   *   0 P1   0.9   0.2   0.5    (.2, .5, .9)      1.6   .09
   *   1 P2   0.6   0.2   0.7    (.2, .6, .7)      1.5   .084
   *   2 P3   0.2   0.5   0.6    dominated by P5
   *   3 P5   0.2   0.6   0.75   (.2, .6, .75)     1.55  .09
   * frontier P1 P2 P5. Everyone's smallest gain is .2; the next decides
   * for P2 and P5 (.6), the third for P5 (.75 > .7): the last point in
   * frontier order wins.
   * Nash: P1 and P5 tie at .09; the larger sum (1.6) takes it: P1.
   * Kalai: ideal (.9, .6, .75): P1 min(1, .333, .667) = .333,
   *   P2 min(.667, .333, .933) = .333, P5 min(.222, 1, 1): P1 and P2 tie,
   *   the larger sum: P1. Welfare P1. */
  double u[] = {0.9, 0.2, 0.5, 0.6, 0.2, 0.7, 0.2, 0.5, 0.6, 0.2, 0.6, 0.75};
  pl_scenario *s = deal(3, 4, u, NULL, NULL);
  tu_finish(s);
  pl_analysis *a = tu_analyze(s);
  expect_pareto(a, 3, (long[]){0, 1, 3});
  expect_solutions(a, 0, 0, 0, 3);
  pl_analysis_free(a);
  pl_scenario_free(s);
}

static void test_ties(void **state) {
  (void)state;
  /* Mirror images P = (0.8, 0.2), Q = (0.2, 0.8): every criterion ties and
   * so does the sum; the first point in frontier order (a's utility
   * descending) wins, P, whichever option comes first. */
  double pq[] = {0.8, 0.2, 0.2, 0.8}, qp[] = {0.2, 0.8, 0.8, 0.2};
  pl_scenario *s = deal(2, 2, pq, NULL, NULL);
  tu_finish(s);
  pl_analysis *a = tu_analyze(s);
  expect_pareto(a, 2, (long[]){0, 1});
  expect_solutions(a, 0, 0, 0, 0);
  /* analysing again gives the same answers */
  pl_analysis *b = tu_analyze(s);
  for (int w = 0; w < PL_SOLUTION_COUNT_; w++)
    assert_int_equal(opt(pl_analysis_solution(a, (pl_solution)w)),
                     opt(pl_analysis_solution(b, (pl_solution)w)));
  pl_analysis_free(b);
  pl_analysis_free(a);
  pl_scenario_free(s);
  s = deal(2, 2, qp, NULL, NULL);
  tu_finish(s);
  a = tu_analyze(s);
  expect_pareto(a, 2, (long[]){1, 0});
  expect_solutions(a, 1, 1, 1, 1); /* option 1 is now P */
  pl_analysis_free(a);
  pl_scenario_free(s);

  /* P = (0.6, 0.4), Q = (0.3, 0.8): Nash ties at .24, the larger sum
   * (1.1) wins: Q, although P comes first. Kalai: ideal (.6, .8),
   * min(1, .5) = .5 = min(.5, 1): tie, Q by its sum. Welfare Q (1.1).
   * Egalitarian P (min .4 > .3). */
  double t2[] = {0.6, 0.4, 0.3, 0.8};
  s = deal(2, 2, t2, NULL, NULL);
  tu_finish(s);
  a = tu_analyze(s);
  expect_pareto(a, 2, (long[]){0, 1});
  expect_solutions(a, 1, 1, 1, 0);
  pl_analysis_free(a);
  pl_scenario_free(s);

  /* Equal utility vectors: options 1 and 3 are both (0.5, 0.5); the
   * frontier keeps the first, option 1. Welfare: (0.5, 0.5) and
   * (0.9, 0.1) tie at 1.0; (0.9, 0.1) comes first in frontier order. */
  double eq[] = {0.9, 0.1, 0.5, 0.5, 0.1, 0.1, 0.5, 0.5};
  s = deal(2, 4, eq, NULL, NULL);
  tu_finish(s);
  a = tu_analyze(s);
  expect_pareto(a, 2, (long[]){0, 1});
  expect_solutions(a, 1, 1, 0, 1);
  pl_analysis_free(a);
  pl_scenario_free(s);
}

static void test_single_outcome(void **state) {
  (void)state;
  /* One outcome (0.7, 0.4) with d = (0.7, 0.1): a gains nothing, so the
   * Nash product is 0, but the only point is every solution. Kalai: the
   * ideal point is the point itself; a's span is 0 and counts as 1,
   * b's ratio is .3/.3 = 1. Nothing violates anything: nothing binds. */
  pl_scenario *s = deal(2, 1, (double[]){0.7, 0.4}, (double[]){0.7, 0.1},
                        NULL);
  tu_finish(s);
  pl_analysis *a = tu_analyze(s);
  assert_int_equal(pl_analysis_feasible_count(a), 1);
  expect_pareto(a, 1, (long[]){0});
  expect_solutions(a, 0, 0, 0, 0);
  const pl_constraint *items;
  assert_int_equal(pl_analysis_binding(a, &items), 0);
  assert_int_equal(pl_analysis_deadlock_count(a), 0);
  /* one option: nothing at stake on the issue */
  assert_int_equal(pl_analysis_issue_class(a, 0), PL_CLASS_INDIFFERENT);
  assert_int_equal(pl_analysis_common_option(a, 0), PL_NOT_AGREED);
  pl_analysis_free(a);
  pl_scenario_free(s);
}

/* ------------------------------------------------------------------ */
/* deadlocks and binding constraints                                   */
/* ------------------------------------------------------------------ */

static void test_deadlocks(void **state) {
  (void)state;
  /* Issues X (x0, x1, x2), Y (y0, y1); weights 1, 1 (0.5 each).
   *   A: values X (0, .5, 1), Y (1, 0); reservation 0.3
   *   B: values X (0, .4, 1), Y (0, 1); reservation 0.6
   * Red lines: rA: X in {x2}; rA2: Y in {y0} (A); rB: X in {x0, x1} (B).
   * Constraint bits: rA 0, rA2 1, rB 2, res A 3, res B 4.
   *            A     B     violated
   *   x0 y0   .5    0     rA, resB
   *   x0 y1   0     .5    rA, rA2, resA, resB
   *   x1 y0   .75   .2    rA, resB
   *   x1 y1   .25   .7    rA, rA2, resA
   *   x2 y0   1     .5    rB, resB
   *   x2 y1   .5    1     rA2, rB
   * Minimal masks {0,4} {0,1,3} {2,4} {1,2}; their minimal hitting sets:
   *   {rA, rB}, {rA2, resB}, {rB, resA, resB}. */
  pl_scenario *s = pl_scenario_new("dead");
  tu_party(s, "A", 0.3);
  tu_party(s, "B", 0.6);
  const char *const X[] = {"x0", "x1", "x2", NULL}, *const Y[] = {"y0", "y1", NULL};
  int x = tu_issue(s, "X", X), y = tu_issue(s, "Y", Y);
  for (int p = 0; p < 2; p++) {
    tu_weight(s, p, x, 1);
    tu_weight(s, p, y, 1);
  }
  tu_values(s, 0, x, 3, (double[]){0, 0.5, 1});
  tu_values(s, 0, y, 2, (double[]){1, 0});
  tu_values(s, 1, x, 3, (double[]){0, 0.4, 1});
  tu_values(s, 1, y, 2, (double[]){0, 1});
  tu_rule(s, 0, "rA", tu_in1(x, 2));
  tu_rule(s, 0, "rA2", tu_in1(y, 0));
  tu_rule(s, 1, "rB", tu_in(x, 2, (uint32_t[]){0, 1}));
  tu_finish(s);
  pl_analysis *a = tu_analyze(s);
  assert_int_equal(pl_analysis_feasible_count(a), 0);
  assert_int_equal(pl_analysis_pareto_count(a), 0);
  assert_null(pl_analysis_pareto(a, 0));
  for (int w = 0; w < PL_SOLUTION_COUNT_; w++)
    assert_null(pl_analysis_solution(a, (pl_solution)w));
  assert_int_equal(pl_analysis_deadlocks_truncated(a), 0);
  assert_int_equal(pl_analysis_deadlock_count(a), 3);
  const pl_constraint *c;
  assert_int_equal(pl_analysis_deadlock(a, 0, &c), 2);
  expect_constraint(&c[0], RL, 0, 0);
  expect_constraint(&c[1], RL, 1, 2);
  assert_int_equal(pl_analysis_deadlock(a, 1, &c), 2);
  expect_constraint(&c[0], RL, 0, 1);
  expect_constraint(&c[1], RV, 1, -1);
  assert_int_equal(pl_analysis_deadlock(a, 2, &c), 3);
  expect_constraint(&c[0], RL, 1, 2);
  expect_constraint(&c[1], RV, 0, -1);
  expect_constraint(&c[2], RV, 1, -1);
  assert_int_equal(pl_analysis_deadlock(a, 3, &c), 0);
  /* nothing binds when nothing is feasible */
  assert_int_equal(pl_analysis_binding(a, &c), 0);
  /* no status quo: no partial agreements */
  assert_int_equal(pl_analysis_partial_status(a), PL_PARTIAL_NO_STATUS_QUO);
  assert_int_equal(pl_analysis_partial_count(a), 0);
  pl_analysis_free(a);
  pl_scenario_free(s);
}

static void test_binding(void **state) {
  (void)state;
  /* One issue, options x0..x3. A values (1, .5, .2, 1), reservation 0.3;
   * B values (.3, .6, .9, 1). Red lines in order:
   *   0 rA1 (A): not x3     1 rA2 (A): in {x0..x3}, never violated
   *   2 rB1 (B): not x3     3 rB2 (B): not x0
   * bits: rA1 0, rA2 1, rB1 2, rB2 3, res A 4.
   *   x0: rB2          x1: feasible
   *   x2: res A (.2)   x3: rA1, rB1
   * Binding (violated alone by some outcome): rB2 and A's reservation.
   * rA1 and rB1 only ever fail together: dropping one alone changes
   * nothing. */
  double u[] = {1, 0.3, 0.5, 0.6, 0.2, 0.9, 1, 1};
  pl_scenario *s = deal(2, 4, u, (double[]){0.3, 0}, NULL);
  tu_rule(s, 0, "rA1", pl_expr_not(tu_in1(0, 3)));
  tu_rule(s, 0, "rA2", tu_in(0, 4, (uint32_t[]){0, 1, 2, 3}));
  tu_rule(s, 1, "rB1", pl_expr_not(tu_in1(0, 3)));
  tu_rule(s, 1, "rB2", pl_expr_not(tu_in1(0, 0)));
  tu_finish(s);
  pl_analysis *a = tu_analyze(s);
  assert_int_equal(pl_analysis_feasible_count(a), 1);
  expect_pareto(a, 1, (long[]){1});
  expect_solutions(a, 1, 1, 1, 1);
  const pl_constraint *c;
  assert_int_equal(pl_analysis_binding(a, &c), 2);
  expect_constraint(&c[0], RL, 1, 3);
  expect_constraint(&c[1], RV, 0, -1);
  assert_int_equal(pl_analysis_deadlock_count(a), 0);
  pl_analysis_free(a);
  pl_scenario_free(s);
}

/* ------------------------------------------------------------------ */
/* issues                                                              */
/* ------------------------------------------------------------------ */

/* Parties A and B, weight 1 on P, Q, R, S (0.25 each) and 0 on T.
 *   P: A (0, .5, 1), B (0, 1, .4)      status quo p0
 *   Q: A (.5, 1, 0), B (.5, 0, 1)      status quo q0
 *   R: A (1, 0, 0), B (0, 1, 1)        A: R in {r0}; B: R in {r1, r2}
 *   S: A (0, 1), B (.2, 1)             status quo s0
 *   T: three options, no weight       */
static pl_scenario *classes_scenario(int with_sq) {
  pl_scenario *s = pl_scenario_new("classes");
  tu_party(s, "A", 0);
  tu_party(s, "B", 0);
  int P = tu_issue_n(s, "P", 3), Q = tu_issue_n(s, "Q", 3),
      R = tu_issue_n(s, "R", 3), S = tu_issue_n(s, "S", 2),
      T = tu_issue_n(s, "T", 3);
  (void)T;
  for (int p = 0; p < 2; p++)
    for (int i = P; i <= S; i++) tu_weight(s, p, i, 1);
  tu_values(s, 0, P, 3, (double[]){0, 0.5, 1});
  tu_values(s, 1, P, 3, (double[]){0, 1, 0.4});
  tu_values(s, 0, Q, 3, (double[]){0.5, 1, 0});
  tu_values(s, 1, Q, 3, (double[]){0.5, 0, 1});
  tu_values(s, 0, R, 3, (double[]){1, 0, 0});
  tu_values(s, 1, R, 3, (double[]){0, 1, 1});
  tu_values(s, 0, S, 2, (double[]){0, 1});
  tu_values(s, 1, S, 2, (double[]){0.2, 1});
  if (with_sq)
    TU_OK(pl_scenario_set_status_quo(s, -1, (uint32_t[]){0, 0, 0, 0, 0},
                                     NULL));
  tu_rule(s, 0, "rA", tu_in1(R, 0));
  tu_rule(s, 1, "rB", tu_in(R, 2, (uint32_t[]){1, 2}));
  tu_finish(s);
  return s;
}

static void test_issue_classes(void **state) {
  (void)state;
  /* With the status quo:
   *   P: p1 (A +.5, B +1) and p2 (A +1, B +.4) both leave nobody worse and
   *      somebody better; p1 has the larger sum (1.5 > 1.4): common_ground
   *      with p1.
   *   Q: any move from q0 makes one party worse: contested.
   *   R: A accepts r0 only, B r1 and r2 only: blocked.
   *   S: s1 is better for both: common_ground with s1.
   *   T: no weight, every option worth 0 to both: indifferent. */
  pl_scenario *s = classes_scenario(1);
  pl_analysis *a = tu_analyze(s);
  pl_issue_class want[] = {PL_CLASS_COMMON_GROUND, PL_CLASS_CONTESTED,
                           PL_CLASS_BLOCKED, PL_CLASS_COMMON_GROUND,
                           PL_CLASS_INDIFFERENT};
  uint32_t common[] = {1, PL_NOT_AGREED, PL_NOT_AGREED, 1, PL_NOT_AGREED};
  for (int i = 0; i < 5; i++) {
    if (pl_analysis_issue_class(a, i) != want[i])
      fail_msg("issue %d: %s, expected %s", i,
               pl_issue_class_name(pl_analysis_issue_class(a, i)),
               pl_issue_class_name(want[i]));
    assert_int_equal(pl_analysis_common_option(a, i), common[i]);
  }
  /* acceptable options of R; every option of the others */
  assert_true(pl_analysis_acceptable(a, 2, 0, 0));
  assert_false(pl_analysis_acceptable(a, 2, 0, 1));
  assert_false(pl_analysis_acceptable(a, 2, 0, 2));
  assert_false(pl_analysis_acceptable(a, 2, 1, 0));
  assert_true(pl_analysis_acceptable(a, 2, 1, 1));
  assert_true(pl_analysis_acceptable(a, 2, 1, 2));
  for (int i = 0; i < 5; i++)
    if (i != 2)
      for (uint32_t o = 0; o < pl_scenario_option_count(s, i); o++)
        for (int p = 0; p < 2; p++) assert_true(pl_analysis_acceptable(a, i, p, o));
  pl_analysis_free(a);
  pl_scenario_free(s);

  /* Without a status quo, common ground is an option that is every party's
   * best among those all accept:
   *   P: A's best is p2, B's p1: contested. Q: contested. R: blocked.
   *   S: s1 is best for both: common_ground. T: indifferent. */
  s = classes_scenario(0);
  a = tu_analyze(s);
  pl_issue_class want2[] = {PL_CLASS_CONTESTED, PL_CLASS_CONTESTED,
                            PL_CLASS_BLOCKED, PL_CLASS_COMMON_GROUND,
                            PL_CLASS_INDIFFERENT};
  for (int i = 0; i < 5; i++) {
    if (pl_analysis_issue_class(a, i) != want2[i])
      fail_msg("issue %d without status quo: %s, expected %s", i,
               pl_issue_class_name(pl_analysis_issue_class(a, i)),
               pl_issue_class_name(want2[i]));
  }
  assert_int_equal(pl_analysis_common_option(a, 3), 1);
  assert_int_equal(pl_analysis_common_option(a, 0), PL_NOT_AGREED);
  pl_analysis_free(a);
  pl_scenario_free(s);

  assert_string_equal(pl_issue_class_name(PL_CLASS_COMMON_GROUND),
                      "common_ground");
  assert_string_equal(pl_issue_class_name(PL_CLASS_CONTESTED), "contested");
  assert_string_equal(pl_issue_class_name(PL_CLASS_BLOCKED), "blocked");
  assert_string_equal(pl_issue_class_name(PL_CLASS_INDIFFERENT),
                      "indifferent");
  assert_string_equal(pl_issue_class_name((pl_issue_class)7), "?");
}

static void test_acceptable_multi_issue(void **state) {
  (void)state;
  /* Issues X (x0, x1, x2), Y (y0, y1), Z (z0, z1). A's red lines:
   *   r1: any(all(X in {x0}, Y in {y1}), X in {x2})
   *   r2: not(all(X in {x2}, Y in {y1}))
   * Outcomes of (X, Y) satisfying both: (x0, y1) and (x2, y0). So A
   * accepts X {x0, x2} and Y {y0, y1} (y1 only with x0); Z is not
   * mentioned: all. B: Y in {y1}: Y {y1}, X and Z all.
   * Weights: A X 1, Z 1; B Z 1. Values: Z A (1, 0), B (0, 1); none on X
   * and Y. A's reservation 0.99 (A gets at most .5) makes nothing
   * feasible: acceptability ignores reservation values. */
  pl_scenario *s = pl_scenario_new("acc");
  tu_party(s, "A", 0.99);
  tu_party(s, "B", 0);
  int x = tu_issue_n(s, "X", 3), y = tu_issue_n(s, "Y", 2),
      z = tu_issue_n(s, "Z", 2);
  tu_weight(s, 0, x, 1);
  tu_weight(s, 0, z, 1);
  tu_weight(s, 1, z, 1);
  tu_values(s, 0, z, 2, (double[]){1, 0});
  tu_values(s, 1, z, 2, (double[]){0, 1});
  tu_rule(s, 0, "r1", tu_any2(tu_all2(tu_in1(x, 0), tu_in1(y, 1)), tu_in1(x, 2)));
  tu_rule(s, 0, "r2", pl_expr_not(tu_all2(tu_in1(x, 2), tu_in1(y, 1))));
  tu_rule(s, 1, "rb", tu_in1(y, 1));
  tu_finish(s);
  pl_analysis *a = tu_analyze(s);
  assert_int_equal(pl_analysis_feasible_count(a), 0);
  int want_a[3][3] = {{1, 0, 1}, {1, 1, -1}, {1, 1, -1}};
  int want_b[3][3] = {{1, 1, 1}, {0, 1, -1}, {1, 1, -1}};
  for (int i = 0; i < 3; i++)
    for (uint32_t o = 0; o < pl_scenario_option_count(s, i); o++) {
      if (pl_analysis_acceptable(a, i, 0, o) != want_a[i][o])
        fail_msg("A, issue %d option %u", i, o);
      if (pl_analysis_acceptable(a, i, 1, o) != want_b[i][o])
        fail_msg("B, issue %d option %u", i, o);
    }
  /* X: x0 and x2 common, worth 0 to everybody: indifferent. Z: A wants
   * z0, B z1: contested. Y: y1 is the only common option; no issue is
   * blocked although the package (x2, y1) is excluded. */
  assert_int_equal(pl_analysis_issue_class(a, x), PL_CLASS_INDIFFERENT);
  assert_int_equal(pl_analysis_issue_class(a, z), PL_CLASS_CONTESTED);
  assert_true(pl_analysis_issue_class(a, y) != PL_CLASS_BLOCKED);
  /* the only deadlock: A's reservation alone */
  assert_int_equal(pl_analysis_deadlock_count(a), 1);
  const pl_constraint *c;
  assert_int_equal(pl_analysis_deadlock(a, 0, &c), 1);
  expect_constraint(&c[0], RV, 0, -1);
  pl_analysis_free(a);
  pl_scenario_free(s);
}

/* ------------------------------------------------------------------ */
/* partial agreements                                                  */
/* ------------------------------------------------------------------ */

/* Issues I0, I1, I2, options o0 (status quo), o1. Weights 1 each.
 *   A values o0 0, o1 1 on every issue.
 *   B values I0 (1, 0), I1 (0, 1), I2 (1, 0).
 * Red lines (index: party, rule):
 *   0 A rA:    I0 in {o1}
 *   1 A rA2:   all(I1 in {o1}, I2 in {o0})
 *   2 A linkA: linkage {I1, I2}
 *   3 B rB:    I0 in {o0}
 *   4 B rB2:   any(I0 in {o1}, I1 in {o0})
 *   5 B rB3:   all(I1 in {o0}, I2 in {o1})
 *   6 B linkB: linkage of every issue
 *   7 B linkC: linkage {I0, I1} */
static pl_scenario *partial_scenario(int with_sq) {
  pl_scenario *s = pl_scenario_new("partial");
  tu_party(s, "A", 0);
  tu_party(s, "B", 0);
  for (int i = 0; i < 3; i++) {
    char id[16];
    snprintf(id, sizeof id, "I%d", i);
    tu_issue_n(s, id, 2);
    tu_weight(s, 0, i, 1);
    tu_weight(s, 1, i, 1);
    tu_values(s, 0, i, 2, (double[]){0, 1});
  }
  tu_values(s, 1, 0, 2, (double[]){1, 0});
  tu_values(s, 1, 1, 2, (double[]){0, 1});
  tu_values(s, 1, 2, 2, (double[]){1, 0});
  if (with_sq) TU_OK(pl_scenario_set_status_quo(s, -1, (uint32_t[]){0, 0, 0}, NULL));
  tu_rule(s, 0, "rA", tu_in1(0, 1));
  tu_rule(s, 0, "rA2", tu_all2(tu_in1(1, 1), tu_in1(2, 0)));
  TU_OK(pl_scenario_add_linkage(s, 0, "linkA", NULL, 2, (int[]){1, 2}, NULL));
  tu_rule(s, 1, "rB", tu_in1(0, 0));
  tu_rule(s, 1, "rB2", tu_any2(tu_in1(0, 1), tu_in1(1, 0)));
  tu_rule(s, 1, "rB3", tu_all2(tu_in1(1, 0), tu_in1(2, 1)));
  TU_OK(pl_scenario_add_linkage(s, 1, "linkB", NULL, 0, NULL, NULL));
  TU_OK(pl_scenario_add_linkage(s, 1, "linkC", NULL, 2, (int[]){0, 1}, NULL));
  tu_finish(s);
  return s;
}

static void test_partial_agreements(void **state) {
  (void)state;
  pl_scenario *s = partial_scenario(1);
  pl_analysis *a = tu_analyze(s);
  /* Violations over (I0, I1, I2) (bits rA 0, rA2 1, rB 2, rB2 3, rB3 4):
   *   000 {0,1,4}  001 {0,1}  010 {0,3,4}  011 {0,1,3,4}
   *   100 {1,2,4}  101 {1,2}  110 {2,4}    111 {1,2,4}
   * minimal {0,1} {0,3,4} {1,2} {2,4}; minimal hitting sets:
   *   {rA, rB}, {rA2, rB3}, {rA2, rB, rB2} */
  assert_int_equal(pl_analysis_feasible_count(a), 0);
  assert_int_equal(pl_analysis_deadlock_count(a), 3);
  const pl_constraint *c;
  assert_int_equal(pl_analysis_deadlock(a, 0, &c), 2);
  expect_constraint(&c[0], RL, 0, 0);
  expect_constraint(&c[1], RL, 1, 3);
  assert_int_equal(pl_analysis_deadlock(a, 1, &c), 2);
  expect_constraint(&c[0], RL, 0, 1);
  expect_constraint(&c[1], RL, 1, 5);
  assert_int_equal(pl_analysis_deadlock(a, 2, &c), 3);
  expect_constraint(&c[0], RL, 0, 1);
  expect_constraint(&c[1], RL, 1, 3);
  expect_constraint(&c[2], RL, 1, 4);
  /* classes: A accepts I0 {o1}, I1 {o1}, I2 {o0}; B (rB forces I0 = o0,
   * then rB2 I1 = o0, rB3 I2 = o1) I0 {o0}, I1 {o0}, I2 {o1}: all blocked */
  for (int i = 0; i < 3; i++)
    assert_int_equal(pl_analysis_issue_class(a, i), PL_CLASS_BLOCKED);

  /* Issue sets: any set with I0 counts rA and rB: infeasible. {I1, I2}
   * counts rA2 and rB3, which clash. {I1} and {I2} count nothing (every
   * rule mentions another issue; rB2 mentions I0): both feasible and
   * maximal. Sorted by size, then issues: {I1}, {I2}.
   * {I1}: (-, o0, -): A 0, B (1 + 0 + 1)/3; (-, o1, -): A 1/3, B 1.
   *   Nash (d = 0): o1, product 1/3 (rB2, were it counted, would forbid
   *   it). Blocked by linkA (I1 without I2), linkB (every issue), linkC
   *   (I1 without I0).
   * {I2}: (-, -, o1): A 1/3, B 1/3; o0: A 0. Nash o1.
   *   Blocked by linkA and linkB; linkC does not mention I2. */
  assert_int_equal(pl_analysis_partial_status(a), PL_PARTIAL_DONE);
  assert_int_equal(pl_analysis_partial_count(a), 2);
  const uint32_t N = PL_NOT_AGREED;
  const pl_partial *pt = pl_analysis_partial(a, 0);
  assert_int_equal(pt->n_issues, 1);
  assert_int_equal(pt->issues[0], 1);
  assert_int_equal(pt->nash.options[0], N);
  assert_int_equal(pt->nash.options[1], 1);
  assert_int_equal(pt->nash.options[2], N);
  assert_utility(pt->nash.utilities[0], 1 / 3.0);
  assert_utility(pt->nash.utilities[1], 1.0);
  assert_int_equal(pt->n_blocking, 3);
  assert_int_equal(pt->blocking[0], 2);
  assert_int_equal(pt->blocking[1], 6);
  assert_int_equal(pt->blocking[2], 7);
  for (size_t k = 0; k < pt->n_blocking; k++)
    assert_int_equal(pl_scenario_red_line_holds(s, pt->blocking[k],
                                                pt->nash.options),
                     0);
  /* rational against the status quo (A 0, B 2/3): yes, yes */
  assert_utility(pl_analysis_status_quo_utility(a, 0), 0);
  assert_utility(pl_analysis_status_quo_utility(a, 1), 2 / 3.0);
  assert_int_equal(pl_analysis_point_rational(a, &pt->nash, 0), 1);
  assert_int_equal(pl_analysis_point_rational(a, &pt->nash, 1), 1);

  pt = pl_analysis_partial(a, 1);
  assert_int_equal(pt->n_issues, 1);
  assert_int_equal(pt->issues[0], 2);
  assert_int_equal(pt->nash.options[0], N);
  assert_int_equal(pt->nash.options[1], N);
  assert_int_equal(pt->nash.options[2], 1);
  assert_utility(pt->nash.utilities[0], 1 / 3.0);
  assert_utility(pt->nash.utilities[1], 1 / 3.0);
  assert_int_equal(pt->n_blocking, 2);
  assert_int_equal(pt->blocking[0], 2);
  assert_int_equal(pt->blocking[1], 6);
  /* B gets 1/3 < 2/3: not rational for B */
  assert_int_equal(pl_analysis_point_rational(a, &pt->nash, 0), 1);
  assert_int_equal(pl_analysis_point_rational(a, &pt->nash, 1), 0);
  assert_null(pl_analysis_partial(a, 2));
  pl_analysis_free(a);

  /* limits: more issues than partial_max_issues, or more work (the
   * product of options + 1, 27) than max_outcomes: too_big */
  pl_analysis_options o;
  pl_analysis_options_init(&o);
  o.partial_max_issues = 2;
  assert_int_equal(pl_analyze(s, &o, &a, NULL), PL_OK);
  assert_int_equal(pl_analysis_partial_status(a), PL_PARTIAL_TOO_BIG);
  assert_int_equal(pl_analysis_partial_count(a), 0);
  pl_analysis_free(a);
  pl_analysis_options_init(&o);
  o.max_outcomes = 26;
  assert_int_equal(pl_analyze(s, &o, &a, NULL), PL_OK);
  assert_int_equal(pl_analysis_partial_status(a), PL_PARTIAL_TOO_BIG);
  pl_analysis_free(a);
  o.max_outcomes = 27;
  assert_int_equal(pl_analyze(s, &o, &a, NULL), PL_OK);
  assert_int_equal(pl_analysis_partial_status(a), PL_PARTIAL_DONE);
  assert_int_equal(pl_analysis_partial_count(a), 2);
  pl_analysis_free(a);
  pl_scenario_free(s);

  /* without a status quo: not computed */
  s = partial_scenario(0);
  a = tu_analyze(s);
  assert_int_equal(pl_analysis_partial_status(a), PL_PARTIAL_NO_STATUS_QUO);
  assert_int_equal(pl_analysis_partial_count(a), 0);
  assert_double_near(pl_analysis_status_quo_utility(a, 0), -1, 0);
  pl_analysis_free(a);
  pl_scenario_free(s);
}

/* A partial agreement needs every party at its reservation value, with the
 * left-out issues at each party's own status quo. */
static void test_partial_reservation_and_own_status_quo(void **state) {
  (void)state;
  /* Issues I0, I1 (o0, o1). A: weights 1, 1; values I0 (0, 1), I1 (0, 1);
   * reservation 0. B: weights 1, 1; values I0 (1, 0), I1 (1, 0);
   * reservation 0.5; B's own status quo (o1, o0), the scenario's (o0, o0).
   * Red lines: A: I0 in {o1} and I1 in {o1} (one rule each), B: I0 in {o0}.
   * Full packages: I0 clashes (rA0, rB): infeasible.
   * {I1}: counts rA1 only: I1 = o1. A: I0 at o0 (scenario) -> 0 + .5 =
   *   .5; B: I0 at its own o1 -> 0 + 0 = 0 < .5: infeasible.
   * {I0}: rA0 and rB clash: infeasible. So no partial agreement at all. */
  pl_scenario *s = pl_scenario_new("prs");
  tu_party(s, "A", 0);
  tu_party(s, "B", 0.5);
  tu_issue_n(s, "I0", 2);
  tu_issue_n(s, "I1", 2);
  for (int i = 0; i < 2; i++) {
    tu_weight(s, 0, i, 1);
    tu_weight(s, 1, i, 1);
    tu_values(s, 0, i, 2, (double[]){0, 1});
    tu_values(s, 1, i, 2, (double[]){1, 0});
  }
  TU_OK(pl_scenario_set_status_quo(s, -1, (uint32_t[]){0, 0}, NULL));
  TU_OK(pl_scenario_set_status_quo(s, 1, (uint32_t[]){1, 0}, NULL));
  tu_rule(s, 0, "rA0", tu_in1(0, 1));
  tu_rule(s, 0, "rA1", tu_in1(1, 1));
  tu_rule(s, 1, "rB", tu_in1(0, 0));
  tu_finish(s);
  pl_analysis *a = tu_analyze(s);
  assert_int_equal(pl_analysis_partial_status(a), PL_PARTIAL_DONE);
  assert_int_equal(pl_analysis_partial_count(a), 0);
  /* B's status quo utility uses its own view: (o1, o0) -> 0 + .5 */
  assert_utility(pl_analysis_status_quo_utility(a, 1), 0.5);
  assert_utility(pl_analysis_status_quo_utility(a, 0), 0);
  pl_analysis_free(a);
  pl_scenario_free(s);
}

/* ------------------------------------------------------------------ */
/* individual rationality                                              */
/* ------------------------------------------------------------------ */

static void test_rationality(void **state) {
  (void)state;
  /* The concepts scenario with status quo E (0.55, 0.55):
   *   Nash N (.8, .45): a yes, b no    Kalai K (.7, .5): a yes, b no
   *   welfare W (1, .3): a yes, b no   egalitarian E: both yes (equal) */
  pl_scenario *s = deal(2, 6, CONCEPTS, NULL, WNKEZX);
  TU_OK(pl_scenario_set_status_quo(s, -1, (uint32_t[]){3}, NULL));
  tu_finish(s);
  pl_analysis *a = tu_analyze(s);
  assert_utility(pl_analysis_status_quo_utility(a, 0), 0.55);
  assert_utility(pl_analysis_status_quo_utility(a, 1), 0.55);
  int want[4][2] = {{1, 0}, {1, 0}, {1, 0}, {1, 1}};
  for (int w = 0; w < 4; w++)
    for (int p = 0; p < 2; p++)
      assert_int_equal(pl_analysis_point_rational(
                           a, pl_analysis_solution(a, (pl_solution)w), p),
                       want[w][p]);
  pl_analysis_free(a);
  pl_scenario_free(s);

  /* Only b has a status quo (its own: Z, 0.7): a's rationality is -1;
   * for b, N (.45), K (.5), W (.3), E (.55) are all below 0.7. */
  s = deal(2, 6, CONCEPTS, NULL, WNKEZX);
  TU_OK(pl_scenario_set_status_quo(s, 1, (uint32_t[]){4}, NULL));
  tu_finish(s);
  a = tu_analyze(s);
  assert_double_near(pl_analysis_status_quo_utility(a, 0), -1, 0);
  assert_utility(pl_analysis_status_quo_utility(a, 1), 0.7);
  for (int w = 0; w < 4; w++) {
    const pl_point *pt = pl_analysis_solution(a, (pl_solution)w);
    assert_int_equal(pl_analysis_point_rational(a, pt, 0), -1);
    assert_int_equal(pl_analysis_point_rational(a, pt, 1), 0);
  }
  /* a frontier point: Z itself is rational for b */
  assert_int_equal(pl_analysis_point_rational(a, pl_analysis_pareto(a, 4), 1),
                   1);
  pl_analysis_free(a);
  pl_scenario_free(s);
}

/* ------------------------------------------------------------------ */
/* limits and options                                                  */
/* ------------------------------------------------------------------ */

static pl_scenario *uniform(int n, uint32_t m) {
  pl_scenario *s = pl_scenario_new("uniform");
  tu_party(s, "a", 0);
  tu_party(s, "b", 0);
  for (int i = 0; i < n; i++) {
    char id[16];
    snprintf(id, sizeof id, "i%d", i);
    tu_issue_n(s, id, m);
    double v[16];
    for (uint32_t k = 0; k < m; k++) v[k] = k / (double)(m - 1);
    tu_values(s, 0, i, m, v);
  }
  tu_weight(s, 0, 0, 1);
  tu_weight(s, 1, 0, 1);
  tu_finish(s);
  return s;
}

static void test_limits(void **state) {
  (void)state;
  pl_scenario *s = uniform(3, 10); /* 1000 outcomes */
  pl_analysis_options o;
  pl_analysis_options_init(&o);
  assert_int_equal(o.struct_size, sizeof o);
  assert_int_equal(o.method, PL_METHOD_AUTO);
  assert_true(o.max_outcomes == (uint64_t)1 << 32);
  pl_analysis *a = (pl_analysis *)1;
  pl_error err;
  memset(&err, 0, sizeof err);
  o.max_outcomes = 999;
  o.method = PL_METHOD_ENUMERATE; /* auto would go structural */
  assert_int_equal(pl_analyze(s, &o, &a, &err), PL_ETOOBIG);
  assert_null(a);
  assert_int_equal(err.code, PL_ETOOBIG);
  assert_non_null(strstr(err.message, "1000 outcomes"));
  assert_non_null(strstr(err.message, "999"));
  o.max_outcomes = 1000;
  assert_int_equal(pl_analyze(s, &o, &a, &err), PL_OK);
  assert_int_equal(pl_analysis_feasible_count(a), 1000);
  pl_analysis_free(a);

  /* the results beyond memory_limit: PL_ETOOBIG, with a message */
  pl_analysis_options_init(&o);
  o.memory_limit = 100;
  assert_int_equal(pl_analyze(s, &o, &a, &err), PL_ETOOBIG);
  assert_null(a);
  assert_non_null(strstr(err.message, "memory"));

  /* unknown method; PL_METHOD_ENUMERATE is the one there is */
  pl_analysis_options_init(&o);
  o.method = (pl_method)7;
  assert_int_equal(pl_analyze(s, &o, &a, &err), PL_EUNSUPPORTED);
  o.method = PL_METHOD_ENUMERATE;
  assert_int_equal(pl_analyze(s, &o, &a, &err), PL_OK);
  pl_analysis_free(a);

  /* an older, shorter options struct: the rest are defaults */
  pl_analysis_options_init(&o);
  o.max_outcomes = 999;
  o.struct_size = offsetof(pl_analysis_options, max_outcomes);
  assert_int_equal(pl_analyze(s, &o, &a, &err), PL_OK);
  pl_analysis_free(a);
  pl_scenario_free(s);

  /* 20 issues of 10: 10^20 outcomes, beyond 2^64, named exactly */
  s = uniform(20, 10);
  pl_analysis_options_init(&o);
  o.max_outcomes = UINT64_MAX;
  o.method = PL_METHOD_ENUMERATE;
  assert_int_equal(pl_analyze(s, &o, &a, &err), PL_ETOOBIG);
  assert_non_null(strstr(err.message, "100000000000000000000 outcomes"));
  /* with the default options the structural method answers, exactly */
  assert_int_equal(pl_analyze(s, NULL, &a, &err), PL_OK);
  assert_string_equal(pl_analysis_method(a), "structural");
  char text[64];
  assert_int_equal(pl_analysis_feasible_text(a, text, sizeof text), PL_OK);
  assert_string_equal(text, "100000000000000000000");
  assert_true(pl_analysis_feasible_count(a) == UINT64_MAX);
  assert_true(pl_analysis_explained(a));
  pl_analysis_free(a);
  pl_scenario_free(s);

  /* an unfinished scenario */
  s = pl_scenario_new("open");
  assert_int_equal(pl_analyze(s, NULL, &a, &err), PL_EINVAL);
  assert_null(a);
  assert_int_equal(pl_analyze(NULL, NULL, &a, &err), PL_EINVAL);
  pl_scenario_free(s);
}

/* ------------------------------------------------------------------ */
/* the security-talks example                                          */
/* ------------------------------------------------------------------ */

static pl_scenario *load_security_talks(void) {
  pl_scenario *s = NULL;
  pl_error err;
  const char *path = tu_source_path("examples/security-talks.yaml");
  if (pl_scenario_load(path, &s, &err))
    fail_msg("%s:%d:%d: %s", err.file, err.line, err.column, err.message);
  return s;
}

static void test_security_talks(void **state) {
  (void)state;
  pl_scenario *s = load_security_talks();
  pl_analysis *a = tu_analyze(s);
  uint64_t n = 0;
  assert_int_equal(pl_scenario_outcome_count(s, &n), PL_OK);
  assert_int_equal(n, 243); /* 3^5 */
  assert_int_equal(pl_analysis_feasible_count(a), 0);
  assert_int_equal(pl_analysis_pareto_count(a), 0);
  for (int w = 0; w < PL_SOLUTION_COUNT_; w++)
    assert_null(pl_analysis_solution(a, (pl_solution)w));

  /* classes: the three points of principle are blocked; missiles and risk
   * reduction are common ground, with the strongest option (every party
   * is better off than with no agreement; the largest sum of weighted
   * values) */
  const char *ids[] = {"nato_enlargement", "offensive_weapons",
                       "nato_infrastructure", "inf_missiles",
                       "risk_reduction"};
  pl_issue_class want[] = {PL_CLASS_BLOCKED, PL_CLASS_BLOCKED,
                           PL_CLASS_BLOCKED, PL_CLASS_COMMON_GROUND,
                           PL_CLASS_COMMON_GROUND};
  for (int i = 0; i < 5; i++) {
    assert_int_equal(pl_scenario_find_issue(s, ids[i]), i);
    assert_int_equal(pl_analysis_issue_class(a, i), want[i]);
  }
  assert_string_equal(pl_scenario_option_id(s, 3, pl_analysis_common_option(a, 3)),
                      "verified_ban");
  assert_string_equal(pl_scenario_option_id(s, 4, pl_analysis_common_option(a, 4)),
                      "incidents_agreement");

  /* Red lines: russia 0-2 and package_deal 3 (linkage), usa 4-6, nato
   * 7-9. Constraint bits: the nine rules, then usa's and nato's
   * reservation values (russia's is 0).
   * The six two-party clashes, russia's principle against usa's / nato's
   * on the same issue, then three sets where two of russia's principles
   * leave nato below 0.655 (e.g. legal_guarantee + ban_near_borders: at
   * most .25 + .15 + .15 = .55), and all three leave usa below 0.49
   * (.25 + .2 = .45). */
  int russia = pl_scenario_find_party(s, "russia"),
      usa = pl_scenario_find_party(s, "usa"),
      nato = pl_scenario_find_party(s, "nato");
  assert_int_equal(pl_analysis_deadlock_count(a), 10);
  assert_int_equal(pl_analysis_deadlocks_truncated(a), 0);
  struct {
    int n;
    pl_constraint c[4];
  } want_dead[10] = {
      {2, {{RL, russia, 0}, {RL, usa, 4}}},
      {2, {{RL, russia, 1}, {RL, usa, 5}}},
      {2, {{RL, russia, 2}, {RL, usa, 6}}},
      {2, {{RL, russia, 0}, {RL, nato, 7}}},
      {2, {{RL, russia, 1}, {RL, nato, 8}}},
      {2, {{RL, russia, 2}, {RL, nato, 9}}},
      {3, {{RL, russia, 0}, {RL, russia, 1}, {RV, nato, -1}}},
      {3, {{RL, russia, 0}, {RL, russia, 2}, {RV, nato, -1}}},
      {3, {{RL, russia, 1}, {RL, russia, 2}, {RV, nato, -1}}},
      {4, {{RL, russia, 0}, {RL, russia, 1}, {RL, russia, 2}, {RV, usa, -1}}},
  };
  int clashes = 0;
  for (size_t k = 0; k < 10; k++) {
    const pl_constraint *c;
    size_t m = pl_analysis_deadlock(a, k, &c);
    assert_int_equal(m, want_dead[k].n);
    for (size_t j = 0; j < m; j++)
      expect_constraint(&c[j], want_dead[k].c[j].kind, want_dead[k].c[j].party,
                        want_dead[k].c[j].red_line);
    clashes += m == 2 && c[0].kind == RL && c[1].kind == RL &&
               c[0].party != c[1].party;
  }
  assert_int_equal(clashes, 6);
  assert_string_equal(pl_scenario_red_line_id(s, 3), "package_deal");
  assert_string_equal(pl_scenario_red_line_id(s, 4), "choose_alliances");
  assert_int_equal(pl_scenario_red_line_party(s, 7), nato);

  /* one partial agreement: missiles and risk reduction, at their strongest
   * options; russia .15 + .15 = .3; usa .25 + .15 x .6 + .15 (status quo
   * of the others) + .25 + .2 = .94; nato .3 + .15 x .7 + .25 + .15 + .15
   * = .955. Blocked by russia's package_deal. */
  assert_int_equal(pl_analysis_partial_status(a), PL_PARTIAL_DONE);
  assert_int_equal(pl_analysis_partial_count(a), 1);
  const pl_partial *pt = pl_analysis_partial(a, 0);
  assert_int_equal(pt->n_issues, 2);
  assert_int_equal(pt->issues[0], 3);
  assert_int_equal(pt->issues[1], 4);
  for (int i = 0; i < 3; i++) assert_int_equal(pt->nash.options[i], PL_NOT_AGREED);
  assert_string_equal(pl_scenario_option_id(s, 3, pt->nash.options[3]),
                      "verified_ban");
  assert_string_equal(pl_scenario_option_id(s, 4, pt->nash.options[4]),
                      "incidents_agreement");
  assert_utility(pt->nash.utilities[russia], 0.3);
  assert_utility(pt->nash.utilities[usa], 0.94);
  assert_utility(pt->nash.utilities[nato], 0.955);
  assert_int_equal(pt->n_blocking, 1);
  assert_int_equal(pt->blocking[0], 3);
  assert_int_equal(pl_scenario_red_line_party(s, 3), russia);
  /* everybody at least at its status quo (0, .49, .655) */
  for (int p = 0; p < 3; p++)
    assert_int_equal(pl_analysis_point_rational(a, &pt->nash, p), 1);
  assert_utility(pl_analysis_status_quo_utility(a, usa), 0.49);
  assert_utility(pl_analysis_status_quo_utility(a, nato), 0.655);
  pl_analysis_free(a);
  pl_scenario_free(s);
}

/* Every allocation of pl_analyze failing in turn: each failure returns an
 * error (PL_ENOMEM), sets *out to NULL and leaks nothing (ASan build). */
static void test_alloc_torture(void **state) {
  (void)state;
  pl_scenario *s = load_security_talks();
  long n;
  for (n = 0;; n++) {
    pl_analysis *a = (pl_analysis *)1;
    pl_error err;
    memset(&err, 0, sizeof err);
    pl__alloc_fail_after(n);
    int rc = pl_analyze(s, NULL, &a, &err);
    pl__alloc_fail_after(-1);
    if (rc == PL_OK) {
      assert_int_equal(pl_analysis_partial_count(a), 1);
      assert_int_equal(pl_analysis_deadlock_count(a), 10);
      pl_analysis_free(a);
      break;
    }
    if (rc != PL_ENOMEM)
      fail_msg("allocation %ld: %s (%s)", n, pl_errname(rc), err.message);
    assert_null(a);
    assert_int_equal(err.code, PL_ENOMEM);
    assert_true(n < 100000);
  }
  assert_true(n > 10);
  pl_scenario_free(s);
}

/* ------------------------------------------------------------------ */
/* threads                                                             */
/* ------------------------------------------------------------------ */

/* Distinct handles may be used from distinct threads (parley.h): two
 * threads build and analyse their own scenarios at once and compare with
 * the answers of a single-threaded run. The scenarios have one issue of
 * 3000 options whose ids come in a scrambled order (the builder sorts them,
 * each thread in its own order) and whose values add up to 1 over the
 * parties, so all 3000 outcomes are on the frontier (which the analysis
 * sorts, each thread in its own order). */
#define THREAD_OPTIONS 3000
typedef struct job {
  int np, mult;                       /* parties; scrambling of the options */
  size_t nf;                          /* reference frontier size */
  double u[3 * THREAD_OPTIONS];       /* reference frontier utilities */
  int ok;
} job;

static void thread_id(char *buf, size_t size, const job *j, int k) {
  snprintf(buf, size, "x%d-%05d", j->mult, (k * j->mult) % THREAD_OPTIONS);
}

static pl_scenario *thread_scenario(const job *j) {
  const int np = j->np;
  tu_rng r = {(uint64_t)j->mult};
  pl_scenario *s = pl_scenario_new("threads");
  for (int p = 0; p < np; p++) {
    char id[16];
    snprintf(id, sizeof id, "p%d", p);
    if (pl_scenario_add_party(s, id, NULL, 0, NULL) < 0) return s;
  }
  char(*ids)[16] = malloc(THREAD_OPTIONS * sizeof *ids);
  const char **ptr = malloc(THREAD_OPTIONS * sizeof *ptr);
  for (int k = 0; k < THREAD_OPTIONS; k++) {
    thread_id(ids[k], sizeof ids[k], j, k);
    ptr[k] = ids[k];
  }
  int i = pl_scenario_add_discrete_issue(s, "deal", NULL, THREAD_OPTIONS, ptr,
                                         NULL, NULL);
  free(ptr);
  free(ids);
  if (i < 0) return s;
  for (int p = 0; p < np; p++) pl_scenario_set_weight(s, p, i, 1, NULL);
  for (uint32_t k = 0; k < THREAD_OPTIONS; k++) {
    double v0 = (k * j->mult) % THREAD_OPTIONS / (double)THREAD_OPTIONS;
    double v1 = 1 - v0;
    if (np == 3) v1 *= tu_below(&r, 1001) / 1000.0;
    pl_scenario_set_value(s, 0, i, k, v0, NULL);
    pl_scenario_set_value(s, 1, i, k, v1, NULL);
    if (np == 3) pl_scenario_set_value(s, 2, i, k, 1 - v0 - v1, NULL);
  }
  pl_scenario_finish(s, NULL);
  return s;
}

/* Runs one job; returns 1 when the results match j's reference. */
static int run_job(job *j, int record) {
  pl_scenario *s = thread_scenario(j);
  int ok = pl_scenario_issue_count(s) == 1;
  for (int k = 0; k < THREAD_OPTIONS && ok; k++) {
    char id[16];
    thread_id(id, sizeof id, j, k);
    ok = pl_scenario_find_option(s, 0, id) == k;
  }
  pl_analysis *a = NULL;
  if (ok) ok = pl_analyze(s, NULL, &a, NULL) == PL_OK;
  if (ok) {
    size_t nf = pl_analysis_pareto_count(a);
    if (record) {
      j->nf = nf;
      ok = nf <= THREAD_OPTIONS;
      for (size_t k = 0; k < nf && ok; k++)
        memcpy(j->u + k * j->np, pl_analysis_pareto(a, k)->utilities,
               (size_t)j->np * sizeof(double));
    } else {
      ok = nf == j->nf;
      for (size_t k = 0; k < nf && ok; k++)
        ok = !memcmp(j->u + k * j->np, pl_analysis_pareto(a, k)->utilities,
                     (size_t)j->np * sizeof(double));
    }
  }
  pl_analysis_free(a);
  pl_scenario_free(s);
  return ok;
}

static void *thread_main(void *arg) {
  job *j = arg;
  j->ok = 1;
  for (int k = 0; k < 10 && j->ok; k++) j->ok = run_job(j, 0);
  return NULL;
}

static void test_threads(void **state) {
  (void)state;
  static job jobs[2] = {{.np = 2, .mult = 7919}, {.np = 3, .mult = 7}};
  for (int k = 0; k < 2; k++) {
    assert_true(run_job(&jobs[k], 1));
    assert_true(jobs[k].nf > THREAD_OPTIONS * 9 / 10);
  }
  pthread_t th[2];
  for (int k = 0; k < 2; k++)
    assert_int_equal(pthread_create(&th[k], NULL, thread_main, &jobs[k]), 0);
  for (int k = 0; k < 2; k++) assert_int_equal(pthread_join(th[k], NULL), 0);
  assert_true(jobs[0].ok);
  assert_true(jobs[1].ok);
}

/* ------------------------------------------------------------------ */
/* randomized cross-check                                              */
/* ------------------------------------------------------------------ */

typedef struct ctx {
  const pl_scenario *s;
  int np, ni;
  unsigned seed;
  int round;
} ctx;

#define CHECK(cond, ...)                                                      \
  do {                                                                        \
    if (!(cond)) {                                                            \
      print_error("seed %u round %d (%d parties, %d issues): ", c->seed,      \
                  c->round, c->np, c->ni);                                    \
      fail_msg(__VA_ARGS__);                                                  \
    }                                                                         \
  } while (0)

static double nash_of(const pl_scenario *s, const double *u, int np) {
  double x = 1;
  for (int p = 0; p < np; p++) {
    double g = u[p] - pl_scenario_reservation(s, p);
    x *= g > 0 ? g : 0;
  }
  return x;
}

static double kalai_of(const pl_scenario *s, const double *u,
                       const double *ideal, int np) {
  double r = INFINITY;
  for (int p = 0; p < np; p++) {
    double d = pl_scenario_reservation(s, p), span = ideal[p] - d;
    double g = u[p] - d, x = span > PL_TOLERANCE ? (g > 0 ? g : 0) / span : 1;
    if (x < r) r = x;
  }
  return r;
}

static void sorted_gains(const pl_scenario *s, const double *u, int np,
                         double *g) {
  for (int p = 0; p < np; p++) {
    double x = u[p] - pl_scenario_reservation(s, p);
    g[p] = x > 0 ? x : 0;
  }
  for (int p = 1; p < np; p++) /* insertion sort */
    for (int q = p; q > 0 && g[q] < g[q - 1]; q--) {
      double t = g[q];
      g[q] = g[q - 1];
      g[q - 1] = t;
    }
}

/* -1, 0, 1: leximin comparison within the tolerance */
static int lex_cmp(const double *x, const double *y, int np) {
  for (int p = 0; p < np; p++) {
    if (x[p] > y[p] + PL_TOLERANCE) return 1;
    if (x[p] < y[p] - PL_TOLERANCE) return -1;
  }
  return 0;
}

static void check_solutions(const ctx *c, const pl_analysis *a) {
  const int np = c->np;
  const size_t nf = pl_analysis_pareto_count(a);
  if (nf == 0) {
    for (int w = 0; w < PL_SOLUTION_COUNT_; w++)
      CHECK(!pl_analysis_solution(a, (pl_solution)w), "solution without frontier");
    return;
  }
  double ideal[8] = {0};
  for (size_t k = 0; k < nf; k++)
    for (int p = 0; p < np; p++)
      if (pl_analysis_pareto(a, k)->utilities[p] > ideal[p])
        ideal[p] = pl_analysis_pareto(a, k)->utilities[p];
  /* Nash, Kalai, welfare: the maximum; among points within the tolerance
   * of it (relative for Nash) the largest sum; among those the first */
  for (int w = 0; w < 3; w++) {
    double best = -1;
    double crit[4096];
    for (size_t k = 0; k < nf; k++) {
      const double *u = pl_analysis_pareto(a, k)->utilities;
      double s = 0;
      for (int p = 0; p < np; p++) s += u[p];
      crit[k] = w == 0 ? nash_of(c->s, u, np)
                : w == 1 ? kalai_of(c->s, u, ideal, np)
                         : s;
      if (crit[k] > best) best = crit[k];
    }
    /* Nash products are compared relatively (docs/analysis.md) */
    const double eps = w == 0 ? PL_TOLERANCE * best : PL_TOLERANCE;
    double best_sum = -1;
    for (size_t k = 0; k < nf; k++) {
      if (crit[k] < best - eps) continue;
      double s = 0;
      for (int p = 0; p < np; p++) s += pl_analysis_pareto(a, k)->utilities[p];
      if (s > best_sum) best_sum = s;
    }
    long first = -1;
    for (size_t k = 0; k < nf && first < 0; k++) {
      if (crit[k] < best - eps) continue;
      double s = 0;
      for (int p = 0; p < np; p++) s += pl_analysis_pareto(a, k)->utilities[p];
      if (s >= best_sum - PL_TOLERANCE) first = (long)k;
    }
    const pl_point *got = pl_analysis_solution(a, (pl_solution)w);
    CHECK(got == pl_analysis_pareto(a, (size_t)first),
          "%s: frontier point %ld, expected %ld",
          pl_solution_name((pl_solution)w),
          got ? (long)(got - pl_analysis_pareto(a, 0)) : -1, first);
  }
  /* egalitarian: the leximin-best, the first of equals */
  double best[8], g[8];
  long first = -1;
  for (size_t k = 0; k < nf; k++) {
    sorted_gains(c->s, pl_analysis_pareto(a, k)->utilities, np, g);
    if (first < 0 || lex_cmp(g, best, np) > 0) {
      memcpy(best, g, sizeof g);
      first = (long)k;
    }
  }
  CHECK(pl_analysis_solution(a, PL_SOLUTION_EGALITARIAN) ==
            pl_analysis_pareto(a, (size_t)first),
        "egalitarian: expected frontier point %ld", first);
}

/* Brute-force masks of every complete outcome. */
static uint64_t *all_masks(const ctx *c, const tu_cons *tc, uint64_t n) {
  uint64_t *m = malloc(n * sizeof *m);
  uint32_t o[8];
  for (uint64_t x = 0; x < n; x++) {
    pl_scenario_decode(c->s, x, o);
    m[x] = tu_mask(c->s, tc, o, NULL);
  }
  return m;
}

static uint64_t to_mask(const tu_cons *tc, const pl_constraint *items,
                        size_t m) {
  uint64_t x = 0;
  for (size_t j = 0; j < m; j++) {
    int found = -1;
    for (int b = 0; b < tc->n && found < 0; b++)
      if (tc->c[b].kind == items[j].kind && tc->c[b].party == items[j].party &&
          tc->c[b].red_line == items[j].red_line)
        found = b;
    assert_true(found >= 0);
    x |= 1ull << found;
  }
  return x;
}

static void check_explanations(const ctx *c, const pl_analysis *a,
                               const tu_cons *tc, const uint64_t *m,
                               uint64_t n) {
  const pl_constraint *items;
  if (pl_analysis_feasible_count(a) == 0) {
    /* every subset of constraints that meets every outcome's mask;
     * minimal when no single element can go */
    uint64_t want[512];
    size_t nw = 0;
    for (uint64_t C = 0; C < (1ull << tc->n); C++) {
      int dead = 1;
      for (uint64_t x = 0; x < n && dead; x++) dead = (m[x] & C) != 0;
      if (!dead) continue;
      int minimal = 1;
      for (uint64_t b = C; b && minimal; b &= b - 1) {
        uint64_t D = C & ~(b & -b);
        int d2 = 1;
        for (uint64_t x = 0; x < n && d2; x++) d2 = (m[x] & D) != 0;
        if (d2) minimal = 0;
      }
      if (minimal) want[nw++] = C;
    }
    tu_sort_by_size(want, nw);
    CHECK(pl_analysis_deadlock_count(a) == nw, "%zu deadlocks, expected %zu",
          pl_analysis_deadlock_count(a), nw);
    CHECK(!pl_analysis_deadlocks_truncated(a), "truncated");
    for (size_t k = 0; k < nw; k++) {
      size_t sz = pl_analysis_deadlock(a, k, &items);
      uint64_t got = to_mask(tc, items, sz);
      CHECK(got == want[k] && (size_t)__builtin_popcountll(got) == sz,
            "deadlock %zu: %llx, expected %llx", k, (unsigned long long)got,
            (unsigned long long)want[k]);
    }
    CHECK(pl_analysis_binding(a, &items) == 0, "binding without feasible");
  } else {
    CHECK(pl_analysis_deadlock_count(a) == 0, "deadlocks with feasible");
    size_t nb = pl_analysis_binding(a, &items), k = 0;
    for (int b = 0; b < tc->n; b++) {
      int binds = 0;
      for (uint64_t x = 0; x < n && !binds; x++) binds = m[x] == 1ull << b;
      if (!binds) continue;
      CHECK(k < nb && to_mask(tc, &items[k], 1) == 1ull << b,
            "binding constraint %d missing", b);
      k++;
    }
    CHECK(k == nb, "%zu binding, expected %zu", nb, k);
  }
}

static void check_issues(const ctx *c, const pl_analysis *a, uint64_t n) {
  const pl_scenario *s = c->s;
  const int np = c->np, ni = c->ni;
  uint32_t o[8];
  for (int p = 0; p < np; p++) {
    /* acceptable: some complete outcome with the option satisfies every
     * rule of p */
    int acc[8][8] = {{0}};
    for (uint64_t x = 0; x < n; x++) {
      pl_scenario_decode(s, x, o);
      int ok = 1;
      for (int r = 0; r < pl_scenario_red_line_count(s) && ok; r++)
        if (pl_scenario_red_line_party(s, r) == p &&
            !pl_scenario_red_line_is_linkage(s, r))
          ok = pl_scenario_red_line_holds(s, r, o);
      if (ok)
        for (int i = 0; i < ni; i++) acc[i][o[i]] = 1;
    }
    for (int i = 0; i < ni; i++)
      for (uint32_t k = 0; k < pl_scenario_option_count(s, i); k++)
        CHECK(pl_analysis_acceptable(a, i, p, k) == acc[i][k],
              "acceptable(issue %d, party %d, option %u)", i, p, k);
  }
  /* classes, as docs/analysis.md defines them, in the order blocked,
   * indifferent, common_ground, contested */
  const int sq_all = pl_scenario_has_status_quo(s);
  for (int i = 0; i < ni; i++) {
    const uint32_t no = pl_scenario_option_count(s, i);
    int common[8], any = 0;
    double wv[8][8];
    for (uint32_t k = 0; k < no; k++) {
      common[k] = 1;
      for (int p = 0; p < np; p++) {
        common[k] &= pl_analysis_acceptable(a, i, p, k);
        wv[k][p] = pl_scenario_weight(s, p, i) * pl_scenario_value(s, p, i, k);
      }
      any |= common[k];
    }
    pl_issue_class want;
    uint32_t want_opt = PL_NOT_AGREED;
    if (!any) {
      want = PL_CLASS_BLOCKED;
    } else {
      /* every option of the issue, accepted or not, alike to each party */
      int alike = 1;
      for (uint32_t k = 1; k < no; k++)
        for (int p = 0; p < np; p++)
          alike &= fabs(wv[k][p] - wv[0][p]) <= PL_TOLERANCE;
      if (alike) {
        want = PL_CLASS_INDIFFERENT;
      } else {
        double best_sum = -1;
        for (uint32_t k = 0; k < no; k++) {
          if (!common[k]) continue;
          int q = 1, better = 0;
          for (int p = 0; p < np && q; p++) {
            double ref = -1;
            if (sq_all) {
              ref = wv[pl_scenario_status_quo(s, p, i)][p];
            } else {
              for (uint32_t j = 0; j < no; j++)
                if (common[j] && wv[j][p] > ref) ref = wv[j][p];
            }
            q = wv[k][p] >= ref - PL_TOLERANCE;
            better |= wv[k][p] > ref + PL_TOLERANCE;
          }
          if (!q || (sq_all && !better)) continue;
          double sum = 0;
          for (int p = 0; p < np; p++) sum += wv[k][p];
          if (sum > best_sum + PL_TOLERANCE) {
            best_sum = sum;
            want_opt = k;
          }
        }
        want = want_opt != PL_NOT_AGREED ? PL_CLASS_COMMON_GROUND
                                         : PL_CLASS_CONTESTED;
      }
    }
    CHECK(pl_analysis_issue_class(a, i) == want, "issue %d: %s, expected %s",
          i, pl_issue_class_name(pl_analysis_issue_class(a, i)),
          pl_issue_class_name(want));
    CHECK(pl_analysis_common_option(a, i) == want_opt,
          "issue %d: common option %u, expected %u", i,
          pl_analysis_common_option(a, i), want_opt);
  }
}

/* The feasible outcomes of the partial problem on the issue set S. */
static size_t partial_feasible(const ctx *c, const tu_cons *tc, unsigned S,
                               uint32_t (*out)[8], double *nash) {
  const pl_scenario *s = c->s;
  int counted[16];
  for (int r = 0; r < pl_scenario_red_line_count(s); r++) {
    counted[r] = 1;
    for (int i = 0; i < c->ni; i++)
      if (pl_scenario_red_line_mentions(s, r, i) && !(S >> i & 1))
        counted[r] = 0;
  }
  uint32_t cnt[8];
  uint64_t total = 1;
  for (int i = 0; i < c->ni; i++)
    total *= cnt[i] = S >> i & 1 ? pl_scenario_option_count(s, i) : 1;
  size_t nf = 0;
  *nash = -1;
  for (uint64_t x = 0; x < total; x++) {
    uint32_t o[8];
    uint64_t y = x;
    for (int i = c->ni - 1; i >= 0; i--) {
      o[i] = S >> i & 1 ? (uint32_t)(y % cnt[i]) : PL_NOT_AGREED;
      y /= cnt[i];
    }
    if (tu_mask(s, tc, o, counted)) continue;
    if (out) memcpy(out[nf], o, sizeof o);
    nf++;
    double u[8];
    for (int p = 0; p < c->np; p++) u[p] = pl_scenario_utility(s, p, o);
    double v = nash_of(s, u, c->np);
    if (v > *nash) *nash = v;
  }
  return nf;
}

/* Partial agreements are listed by size descending, then by their
 * ascending issue lists. */
static int by_issue_set(const void *px, const void *py) {
  unsigned x = *(const unsigned *)px, y = *(const unsigned *)py;
  if (__builtin_popcount(x) != __builtin_popcount(y))
    return __builtin_popcount(y) - __builtin_popcount(x);
  for (; x && y; x &= x - 1, y &= y - 1)
    if (__builtin_ctz(x) != __builtin_ctz(y))
      return __builtin_ctz(x) - __builtin_ctz(y);
  return 0;
}

static void check_partials(const ctx *c, const pl_analysis *a,
                           const tu_cons *tc) {
  const pl_scenario *s = c->s;
  if (pl_analysis_feasible_count(a) > 0) {
    CHECK(pl_analysis_partial_status(a) == PL_PARTIAL_NOT_NEEDED, "status");
    return;
  }
  if (!pl_scenario_has_status_quo(s)) {
    CHECK(pl_analysis_partial_status(a) == PL_PARTIAL_NO_STATUS_QUO, "status");
    return;
  }
  CHECK(pl_analysis_partial_status(a) == PL_PARTIAL_DONE, "status");
  const unsigned all = (1u << c->ni) - 1;
  int feas[256];
  double nash[256];
  for (unsigned S = 1; S <= all; S++)
    feas[S] = partial_feasible(c, tc, S, NULL, &nash[S]) > 0;
  /* maximal feasible sets */
  unsigned want[256];
  size_t nw = 0;
  for (int size = c->ni; size >= 1; size--)
    for (unsigned S = 1; S <= all; S++) {
      if (__builtin_popcount(S) != size || !feas[S]) continue;
      int maximal = 1;
      for (unsigned T = 1; T <= all && maximal; T++)
        if (T != S && (T & S) == S && feas[T]) maximal = 0;
      if (maximal) want[nw++] = S;
    }
  qsort(want, nw, sizeof *want, by_issue_set);
  CHECK(pl_analysis_partial_count(a) == nw, "%zu partial agreements, expected %zu",
        pl_analysis_partial_count(a), nw);
  for (size_t k = 0; k < nw; k++) {
    const pl_partial *pt = pl_analysis_partial(a, k);
    unsigned S = 0;
    for (size_t j = 0; j < pt->n_issues; j++) {
      if (j) CHECK(pt->issues[j] > pt->issues[j - 1], "issues not ascending");
      S |= 1u << pt->issues[j];
    }
    CHECK(S == want[k], "partial %zu: issues %x, expected %x", k, S, want[k]);
    /* the Nash package: options on S only, utilities as the queries give,
     * feasible in the partial problem, and the best product */
    double u[8];
    for (int i = 0; i < c->ni; i++)
      CHECK((pt->nash.options[i] == PL_NOT_AGREED) == !(S >> i & 1),
            "partial %zu: issue %d agreed or not", k, i);
    for (int p = 0; p < c->np; p++) {
      u[p] = pl_scenario_utility(s, p, pt->nash.options);
      CHECK(u[p] == pt->nash.utilities[p], "partial %zu: utility", k);
    }
    CHECK(fabs(nash_of(s, u, c->np) - nash[S]) <= PL_TOLERANCE,
          "partial %zu: Nash product %g, best %g", k, nash_of(s, u, c->np),
          nash[S]);
    /* blocking: the linkages this package violates, in order */
    size_t b = 0;
    for (int r = 0; r < pl_scenario_red_line_count(s); r++) {
      if (!pl_scenario_red_line_is_linkage(s, r) ||
          pl_scenario_red_line_holds(s, r, pt->nash.options))
        continue;
      CHECK(b < pt->n_blocking && pt->blocking[b] == r, "blocking %d", r);
      b++;
    }
    CHECK(b == pt->n_blocking, "%zu blocking, expected %zu", pt->n_blocking, b);
  }
}

static void check_rational(const ctx *c, const pl_analysis *a) {
  const pl_scenario *s = c->s;
  uint32_t none[8];
  for (int i = 0; i < c->ni; i++) none[i] = PL_NOT_AGREED;
  for (int p = 0; p < c->np; p++) {
    int has = 1;
    for (int i = 0; i < c->ni; i++)
      has &= pl_scenario_status_quo(s, p, i) != PL_NOT_AGREED;
    double sq = has ? pl_scenario_utility(s, p, none) : -1;
    CHECK(pl_analysis_status_quo_utility(a, p) == sq, "status quo utility");
    for (int w = 0; w < PL_SOLUTION_COUNT_; w++) {
      const pl_point *pt = pl_analysis_solution(a, (pl_solution)w);
      if (!pt) continue;
      int want = has ? pt->utilities[p] >= sq - PL_TOLERANCE : -1;
      CHECK(pl_analysis_point_rational(a, pt, p) == want, "rational");
    }
  }
}

static void check_frontier(const ctx *c, const pl_analysis *a,
                           const tu_cons *tc, uint64_t n) {
  const pl_scenario *s = c->s;
  const int np = c->np;
  double *u = malloc(n * (size_t)np * sizeof *u);
  uint64_t *idx = malloc(n * sizeof *idx);
  size_t *keep = malloc(n * sizeof *keep), nfeas = 0;
  uint32_t o[8];
  for (uint64_t x = 0; x < n; x++) {
    pl_scenario_decode(s, x, o);
    if (tu_mask(s, tc, o, NULL)) continue;
    for (int p = 0; p < np; p++) u[nfeas * np + p] = pl_scenario_utility(s, p, o);
    idx[nfeas++] = x;
  }
  CHECK(pl_analysis_feasible_count(a) == nfeas, "feasible %llu, expected %zu",
        (unsigned long long)pl_analysis_feasible_count(a), nfeas);
  size_t nk = tu_frontier(u, nfeas, np, keep);
  CHECK(pl_analysis_pareto_count(a) == nk, "frontier %zu, expected %zu",
        pl_analysis_pareto_count(a), nk);
  for (size_t k = 0; k < nk; k++) {
    const pl_point *pt = pl_analysis_pareto(a, k);
    if (k) { /* sorted: first party descending, then the next */
      const double *q = pl_analysis_pareto(a, k - 1)->utilities;
      int p = 0;
      while (p < np && q[p] == pt->utilities[p]) p++;
      CHECK(p < np && q[p] > pt->utilities[p], "frontier order at %zu", k);
    }
    uint64_t x = pl_scenario_encode(s, pt->options);
    size_t j = 0;
    while (j < nk && idx[keep[j]] != x) j++;
    CHECK(j < nk, "frontier point %zu (outcome %llu) is not the first of its "
                  "utilities or not Pareto-optimal",
          k, (unsigned long long)x);
    for (int p = 0; p < np; p++)
      CHECK(pt->utilities[p] == u[keep[j] * np + p], "frontier utilities");
  }
  free(u);
  free(idx);
  free(keep);
}

static void test_random_cross_check(void **state) {
  (void)state;
  const unsigned seed = 7001;
  tu_rng rng = {seed};
  int round = 0, partial_done = 0, deadlocked = 0;
  for (int np = 2; np <= 4; np++)
    for (int k = 0; k < 300; k++, round++) {
      pl_scenario *s = tu_random_scenario(&rng, np);
      ctx cx = {s, np, pl_scenario_issue_count(s), seed, round}, *c = &cx;
      pl_analysis *a = tu_analyze(s);
      tu_cons tc;
      tu_constraints(s, &tc);
      uint64_t n;
      CHECK(pl_scenario_outcome_count(s, &n) == PL_OK, "count");
      uint64_t *m = all_masks(c, &tc, n);
      check_frontier(c, a, &tc, n);
      check_solutions(c, a);
      check_explanations(c, a, &tc, m, n);
      check_issues(c, a, n);
      check_partials(c, a, &tc);
      check_rational(c, a);
      partial_done += pl_analysis_partial_status(a) == PL_PARTIAL_DONE;
      deadlocked += pl_analysis_feasible_count(a) == 0;
      free(m);
      pl_analysis_free(a);
      pl_scenario_free(s);
    }
  assert_true(partial_done > 20);
  assert_true(deadlocked > 60);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_solutions_two_parties),
      cmocka_unit_test(test_solutions_with_reservations),
      cmocka_unit_test(test_solutions_three_parties),
      cmocka_unit_test(test_egalitarian_leximin),
      cmocka_unit_test(test_ties),
      cmocka_unit_test(test_single_outcome),
      cmocka_unit_test(test_deadlocks),
      cmocka_unit_test(test_binding),
      cmocka_unit_test(test_issue_classes),
      cmocka_unit_test(test_acceptable_multi_issue),
      cmocka_unit_test(test_partial_agreements),
      cmocka_unit_test(test_partial_reservation_and_own_status_quo),
      cmocka_unit_test(test_rationality),
      cmocka_unit_test(test_limits),
      cmocka_unit_test(test_security_talks),
      cmocka_unit_test(test_alloc_torture),
      cmocka_unit_test(test_threads),
      cmocka_unit_test(test_random_cross_check),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
