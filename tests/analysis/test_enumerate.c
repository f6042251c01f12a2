/* Unit tests of the enumeration (src/analysis/enumerate.c): frontier
 * insertion for two and for more parties, the antichain of minimal
 * violation masks, problems restricted to agreed issues, and a randomized
 * cross-check against brute force. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "analysis/enumerate.h"
#include "testutil.h"

#define NOLIMIT ((uint64_t)1 << 40)

/* The frontier point with outcome index idx, or -1. */
static long find_idx(const pl__acc *acc, uint64_t idx) {
  for (size_t k = 0; k < acc->nf; k++)
    if (acc->fidx[k] == idx) return (long)k;
  return -1;
}

/* Asserts the frontier holds exactly the given points (np utilities and an
 * index each), in any order. */
static void expect_frontier(const pl__acc *acc, size_t n, const double *u,
                            const uint64_t *idx) {
  if (acc->nf != n) fail_msg("frontier has %zu points, expected %zu", acc->nf, n);
  for (size_t k = 0; k < n; k++) {
    long f = find_idx(acc, idx[k]);
    if (f < 0) fail_msg("outcome %llu is not on the frontier",
                        (unsigned long long)idx[k]);
    for (int p = 0; p < acc->np; p++)
      assert_double_near(acc->fu[(size_t)f * acc->np + p],
                         u[k * (size_t)acc->np + p], 0);
  }
}

/* ------------------------------------------------------------------ */
/* two parties                                                         */
/* ------------------------------------------------------------------ */

static void test_frontier2_insert(void **state) {
  (void)state;
  pl__acc acc;
  pl__acc_init(&acc, 2, NOLIMIT);
  double a[] = {0.5, 0.5};
  pl__frontier_add(&acc, a, 0);
  /* dominated: rejected */
  double b[] = {0.4, 0.4}, c[] = {0.5, 0.3}, d[] = {0.2, 0.5};
  pl__frontier_add(&acc, b, 1);
  pl__frontier_add(&acc, c, 2);
  pl__frontier_add(&acc, d, 3);
  /* equal within the tolerance: the first (index 0) is kept, whichever
   * side of it the newcomer lies */
  double e1[] = {0.5 + 0.5e-9, 0.5 - 0.5e-9}, e2[] = {0.5 - 0.9e-9, 0.5 + 0.9e-9};
  double e3[] = {0.5 + 0.9e-9, 0.5 + 0.9e-9};
  pl__frontier_add(&acc, e1, 4);
  pl__frontier_add(&acc, e2, 5);
  pl__frontier_add(&acc, e3, 6);
  expect_frontier(&acc, 1, a, (uint64_t[]){0});
  /* incomparable: kept, the staircase sorted by u0 ascending */
  double f[] = {0.7, 0.2}, g[] = {0.1, 0.9}, h[] = {0.3, 0.6};
  pl__frontier_add(&acc, f, 7);
  pl__frontier_add(&acc, g, 8);
  pl__frontier_add(&acc, h, 9);
  assert_int_equal(acc.nf, 4);
  double want[] = {0.1, 0.9, 0.3, 0.6, 0.5, 0.5, 0.7, 0.2};
  uint64_t wi[] = {8, 9, 0, 7};
  for (size_t k = 0; k < 4; k++) {
    assert_double_near(acc.fu[2 * k], want[2 * k], 0);
    assert_double_near(acc.fu[2 * k + 1], want[2 * k + 1], 0);
    assert_int_equal(acc.fidx[k], wi[k]);
  }
  /* (0.35, 0.85) dominates (0.3, 0.6) only; (0.1, 0.9) has more u1 and
   * (0.5, 0.5) more u0 */
  double m[] = {0.35, 0.85};
  pl__frontier_add(&acc, m, 10);
  double want2[] = {0.1, 0.9, 0.35, 0.85, 0.5, 0.5, 0.7, 0.2};
  uint64_t wi2[] = {8, 10, 0, 7};
  assert_int_equal(acc.nf, 4);
  for (size_t k = 0; k < 4; k++) {
    assert_double_near(acc.fu[2 * k], want2[2 * k], 0);
    assert_double_near(acc.fu[2 * k + 1], want2[2 * k + 1], 0);
    assert_int_equal(acc.fidx[k], wi2[k]);
  }
  /* (0.5, 0.9) dominates a run of three: (0.1, 0.9) is equal in u1 and
   * below in u0, (0.35, 0.85), (0.5, 0.5) equal in u0; (0.7, 0.2) stays */
  double r[] = {0.5, 0.9};
  pl__frontier_add(&acc, r, 11);
  double want3[] = {0.5, 0.9, 0.7, 0.2};
  uint64_t wi3[] = {11, 7};
  assert_int_equal(acc.nf, 2);
  for (size_t k = 0; k < 2; k++) {
    assert_double_near(acc.fu[2 * k], want3[2 * k], 0);
    assert_double_near(acc.fu[2 * k + 1], want3[2 * k + 1], 0);
    assert_int_equal(acc.fidx[k], wi3[k]);
  }
  /* a point that dominates everything replaces everything */
  double top[] = {1, 1};
  pl__frontier_add(&acc, top, 12);
  expect_frontier(&acc, 1, top, (uint64_t[]){12});
  pl__acc_free(&acc);
}

/* A newcomer that dominates a point within the tolerance on one side and
 * clearly on the other replaces it. */
static void test_frontier2_tolerance_replace(void **state) {
  (void)state;
  pl__acc acc;
  pl__acc_init(&acc, 2, NOLIMIT);
  double a[] = {0.3, 0.7}, b[] = {0.6, 0.4};
  pl__frontier_add(&acc, a, 0);
  pl__frontier_add(&acc, b, 1);
  /* u0 a hair lower (equal within tol), u1 clearly higher: dominates a */
  double c[] = {0.3 - 0.5e-9, 0.8};
  pl__frontier_add(&acc, c, 2);
  double want[] = {0.3 - 0.5e-9, 0.8, 0.6, 0.4};
  expect_frontier(&acc, 2, want, (uint64_t[]){2, 1});
  /* u0 a hair higher, u1 clearly lower than b: dominated by b */
  double d[] = {0.6 + 0.5e-9, 0.3};
  pl__frontier_add(&acc, d, 3);
  expect_frontier(&acc, 2, want, (uint64_t[]){2, 1});
  pl__acc_free(&acc);
}

/* 300 points on an antidiagonal, inserted in a scrambled order: all kept,
 * sorted, past several growths of the arrays. */
static void test_frontier2_many(void **state) {
  (void)state;
  pl__acc acc;
  pl__acc_init(&acc, 2, NOLIMIT);
  const int n = 300;
  for (int t = 0; t < n; t++) {
    int k = (t * 7919) % n; /* 7919 is prime to 300: a permutation */
    double u[] = {k / (double)n, 1 - k / (double)n};
    pl__frontier_add(&acc, u, (uint64_t)k);
  }
  assert_int_equal(acc.nf, n);
  for (int k = 0; k < n; k++) {
    assert_int_equal(acc.fidx[k], k);
    assert_double_near(acc.fu[2 * k], k / (double)n, 0);
  }
  /* then the point (0.5, 0.5) + tiny removes the ones it dominates: only
   * k = 150 (0.5, 0.5), equal within tolerance -> kept as the first */
  double mid[] = {0.5 + 1e-10, 0.5 + 1e-10};
  pl__frontier_add(&acc, mid, 9999);
  assert_int_equal(acc.nf, n);
  assert_int_equal(find_idx(&acc, 9999), -1);
  /* (0.6, 0.6) dominates k = 120..180 (u0 <= 0.6 and u1 <= 0.6 means
   * 0.4 <= k/300 <= 0.6): 61 points */
  double big[] = {0.6, 0.6};
  pl__frontier_add(&acc, big, 7777);
  assert_int_equal(acc.nf, n - 61 + 1);
  for (size_t k = 1; k < acc.nf; k++) {
    assert_true(acc.fu[2 * k] > acc.fu[2 * (k - 1)]);
    assert_true(acc.fu[2 * k + 1] < acc.fu[2 * (k - 1) + 1]);
  }
  assert_true(find_idx(&acc, 7777) >= 0);
  assert_int_equal(find_idx(&acc, 120), -1);
  assert_int_equal(find_idx(&acc, 180), -1);
  assert_true(find_idx(&acc, 119) >= 0);
  assert_true(find_idx(&acc, 181) >= 0);
  pl__acc_free(&acc);
}

/* ------------------------------------------------------------------ */
/* three and more parties                                              */
/* ------------------------------------------------------------------ */

static void test_frontier3_insert(void **state) {
  (void)state;
  pl__acc acc;
  pl__acc_init(&acc, 3, NOLIMIT);
  double a[] = {0.5, 0.5, 0.5}, b[] = {0.9, 0.1, 0.4}, c[] = {0.1, 0.9, 0.6};
  pl__frontier_add(&acc, a, 0);
  pl__frontier_add(&acc, b, 1);
  pl__frontier_add(&acc, c, 2);
  /* dominated by a / by b / equal to c within the tolerance */
  double d[] = {0.5, 0.4, 0.5}, e[] = {0.8, 0.1, 0.1};
  double f[] = {0.1 + 0.9e-9, 0.9 - 0.9e-9, 0.6 + 0.5e-9};
  pl__frontier_add(&acc, d, 3);
  pl__frontier_add(&acc, e, 4);
  pl__frontier_add(&acc, f, 5);
  double want[] = {0.5, 0.5, 0.5, 0.9, 0.1, 0.4, 0.1, 0.9, 0.6};
  expect_frontier(&acc, 3, want, (uint64_t[]){0, 1, 2});
  /* (0.9, 0.5, 0.5) dominates a and b; c stays */
  double g[] = {0.9, 0.5, 0.5};
  pl__frontier_add(&acc, g, 6);
  double want2[] = {0.1, 0.9, 0.6, 0.9, 0.5, 0.5};
  expect_frontier(&acc, 2, want2, (uint64_t[]){2, 6});
  /* a point above g in two coordinates and equal in the third within the
   * tolerance replaces it */
  double h[] = {0.9 - 0.5e-9, 0.6, 0.7};
  pl__frontier_add(&acc, h, 7);
  double want3[] = {0.1, 0.9, 0.6, 0.9 - 0.5e-9, 0.6, 0.7};
  expect_frontier(&acc, 2, want3, (uint64_t[]){2, 7});
  pl__acc_free(&acc);
}

/* Many incomparable points for 4 parties (growth), then one that
 * dominates all of them. */
static void test_frontier4_many(void **state) {
  (void)state;
  pl__acc acc;
  pl__acc_init(&acc, 4, NOLIMIT);
  int n = 0;
  for (int x = 0; x <= 10; x++)
    for (int y = 0; x + y <= 10; y++) {
      /* on the simplex x + y + z = 10, w = 0.5: mutually incomparable */
      double u[] = {x / 10.0, y / 10.0, (10 - x - y) / 10.0, 0.5};
      pl__frontier_add(&acc, u, (uint64_t)n++);
    }
  assert_int_equal(n, 66);
  assert_int_equal(acc.nf, 66);
  /* re-adding them all (later indices) changes nothing */
  int m = 0;
  for (int x = 0; x <= 10; x++)
    for (int y = 0; x + y <= 10; y++) {
      double u[] = {x / 10.0, y / 10.0, (10 - x - y) / 10.0, 0.5};
      pl__frontier_add(&acc, u, (uint64_t)(1000 + m++));
    }
  assert_int_equal(acc.nf, 66);
  for (size_t k = 0; k < acc.nf; k++) assert_true(acc.fidx[k] < 66);
  double top[] = {1, 1, 1, 0.5};
  pl__frontier_add(&acc, top, 5000);
  expect_frontier(&acc, 1, top, (uint64_t[]){5000});
  pl__acc_free(&acc);
}

/* One party: the frontier is the single best utility. */
static void test_frontier1(void **state) {
  (void)state;
  pl__acc acc;
  pl__acc_init(&acc, 1, NOLIMIT);
  double u[][1] = {{0.3}, {0.2}, {0.7}, {0.7 + 1e-10}, {0.5}};
  for (uint64_t k = 0; k < 5; k++) pl__frontier_add(&acc, u[k], k);
  expect_frontier(&acc, 1, u[2], (uint64_t[]){2});
  pl__acc_free(&acc);
}

static void test_frontier_memory_limit(void **state) {
  (void)state;
  pl__acc acc;
  /* 64 points of 2 x 8 + 8 bytes fit in 1536 bytes, the next growth
   * (128 points) does not */
  pl__acc_init(&acc, 2, 1536);
  for (int k = 0; k < 64; k++) {
    double u[] = {k / 100.0, 1 - k / 100.0};
    pl__frontier_add(&acc, u, (uint64_t)k);
  }
  assert_int_equal(acc.rc, PL_OK);
  assert_int_equal(acc.nf, 64);
  double u[] = {0.99, 0.001};
  pl__frontier_add(&acc, u, 64);
  assert_int_equal(acc.rc, PL_ETOOBIG);
  pl__acc_free(&acc);

  pl__acc_init(&acc, 3, 10);
  double v[] = {0.1, 0.2, 0.3};
  pl__frontier_add(&acc, v, 0);
  assert_int_equal(acc.rc, PL_ETOOBIG);
  pl__acc_free(&acc);
}

/* pl__frontier_add_all is pl__frontier_add in turn, bit for bit: the same
 * points, indices and order, and the same memory-limit failure, on points
 * a grid apart or a fraction of the tolerance apart (where covering is not
 * transitive and the order of insertion decides). */
static void test_frontier_add_all(void **state) {
  (void)state;
  tu_rng r = {31337};
  static double u[400 * 5];
  static uint64_t idx[400];
  const double jit[] = {0, PL_TOLERANCE / 2, -PL_TOLERANCE / 2,
                        2 * PL_TOLERANCE, -0.75 * PL_TOLERANCE};
  for (int round = 0; round < 800; round++) {
    const int np = 2 + round % 4, n = 1 + tu_below(&r, 400);
    const int grid = 2 + tu_below(&r, 8);
    for (int k = 0; k < n; k++) {
      idx[k] = (uint64_t)tu_below(&r, 1000);
      for (int p = 0; p < np; p++)
        u[k * np + p] = tu_below(&r, grid + 1) / (double)grid +
                        jit[tu_below(&r, 5)];
    }
    /* a limit that bites in some rounds */
    uint64_t limit = round % 5 == 4 ? (uint64_t)tu_below(&r, 3000) : NOLIMIT;
    pl__acc a, b;
    pl__acc_init(&a, np, limit);
    pl__acc_init(&b, np, limit);
    for (int k = 0; k < n && !a.rc; k++)
      pl__frontier_add(&a, u + k * np, idx[k]);
    assert_int_equal(pl__frontier_add_all(&b, u, idx, (size_t)n), a.rc);
    if (!a.rc) {
      assert_int_equal(a.nf, b.nf);
      assert_memory_equal(a.fu, b.fu, a.nf * (size_t)np * sizeof *a.fu);
      assert_memory_equal(a.fidx, b.fidx, a.nf * sizeof *a.fidx);
    }
    pl__acc_free(&a);
    pl__acc_free(&b);
  }
  /* every allocation failing in turn: PL_ENOMEM, nothing leaked */
  for (long f = 0;; f++) {
    pl__acc a;
    pl__acc_init(&a, 3, NOLIMIT);
    for (int k = 0; k < 200; k++)
      for (int p = 0; p < 3; p++) u[k * 3 + p] = tu_below(&r, 50) / 49.0;
    pl__alloc_fail_after(f);
    int rc = pl__frontier_add_all(&a, u, idx, 200);
    pl__alloc_fail_after(-1);
    pl__acc_free(&a);
    if (rc == PL_OK) break;
    assert_int_equal(rc, PL_ENOMEM);
  }
}

/* ------------------------------------------------------------------ */
/* violation masks and problems                                        */
/* ------------------------------------------------------------------ */

static const char *const ABCD[] = {"a", "b", "c", "d", NULL};

/* Runs the full enumeration of s; the caller frees acc. */
static void run(const pl_scenario *s, const uint64_t *agreed, pl__acc *acc,
                pl__problem *pb_out) {
  pl__constraints cons;
  pl__problem pb;
  assert_int_equal(pl__constraints_init(&cons, s), PL_OK);
  assert_int_equal(pl__problem_init(&pb, s, &cons, agreed), PL_OK);
  pl__acc_init(acc, pl_scenario_party_count(s), NOLIMIT);
  assert_int_equal(pl__enumerate(&pb, acc), PL_OK);
  if (pb_out)
    *pb_out = pb;
  else
    pl__problem_free(&pb);
  pl__constraints_free(&cons);
}

static void sort_masks(pl__acc *acc) {
  if (acc->nm) qsort(acc->masks, acc->nm, sizeof *acc->masks, tu_cmp_u64);
}

static void test_minimal_masks(void **state) {
  (void)state;
  /* One issue X with options a, b, c, d; party p has red lines
   *   r0: X in {c, d}   (bit 0)
   *   r1: X in {b, d}   (bit 1)
   * and party q reservation 0.5 (bit 2) with values a 1, b 1, c 1, d 0.
   * Masks by option: a {r0, r1}, b {r0}, c {r1}, d {q}: minimal
   * {r0} = 1, {r1} = 2, {q} = 4; {r0, r1} was seen first and dropped
   * when {r0} came. Nothing is feasible. */
  pl_scenario *s = pl_scenario_new("m");
  tu_party(s, "p", 0);
  tu_party(s, "q", 0.5);
  int x = tu_issue(s, "X", ABCD);
  tu_weight(s, 0, x, 1);
  tu_weight(s, 1, x, 1);
  tu_values(s, 1, x, 4, (double[]){1, 1, 1, 0});
  tu_rule(s, 0, "r0", tu_in(x, 2, (uint32_t[]){2, 3}));
  tu_rule(s, 0, "r1", tu_in(x, 2, (uint32_t[]){1, 3}));
  tu_finish(s);
  pl__acc acc;
  run(s, NULL, &acc, NULL);
  assert_int_equal(acc.feasible, 0);
  assert_int_equal(acc.nf, 0);
  assert_int_equal(acc.nm, 3);
  sort_masks(&acc);
  assert_int_equal(acc.masks[0], 1);
  assert_int_equal(acc.masks[1], 2);
  assert_int_equal(acc.masks[2], 4);
  pl__acc_free(&acc);
  pl_scenario_free(s);
}

static void test_masks_multi_issue(void **state) {
  (void)state;
  /* Issues X, Y (a, b). Party p: r0 = all(X in {a}, Y in {a}) (bit 0),
   * r1 = any(X in {b}, Y in {b}) (bit 1), r2 = not(Y in {b}) (bit 2).
   *   (a,a): r1 fails                 -> {1}      = 2
   *   (a,b): r0, r2 fail               -> {0, 2}   = 5
   *   (b,a): r0 fails                  -> {0}      = 1
   *   (b,b): r0, r2 fail               -> {0, 2}   = 5
   * minimal: {0} = 1 and {1} = 2; the mask {0,2} is seen twice. */
  pl_scenario *s = pl_scenario_new("mm");
  tu_party(s, "p", 0);
  const char *const ab[] = {"a", "b", NULL};
  int x = tu_issue(s, "X", ab), y = tu_issue(s, "Y", ab);
  tu_weight(s, 0, x, 1);
  tu_rule(s, 0, "r0", tu_all2(tu_in1(x, 0), tu_in1(y, 0)));
  tu_rule(s, 0, "r1", tu_any2(tu_in1(x, 1), tu_in1(y, 1)));
  tu_rule(s, 0, "r2", pl_expr_not(tu_in1(y, 1)));
  tu_finish(s);
  pl__acc acc;
  pl__problem pb;
  run(s, NULL, &acc, &pb);
  /* r0 and r1 read two issues: evaluated per outcome; r2 is folded into
   * the table of Y */
  assert_int_equal(pb.n_multi, 2);
  assert_int_equal(pb.vmask[y][1], 4);
  assert_int_equal(pb.vmask[y][0], 0);
  assert_int_equal(pb.n_outcomes, 4);
  assert_int_equal(acc.feasible, 0);
  assert_int_equal(acc.nm, 2);
  sort_masks(&acc);
  assert_int_equal(acc.masks[0], 1);
  assert_int_equal(acc.masks[1], 2);
  pl__acc_free(&acc);
  pl__problem_free(&pb);
  pl_scenario_free(s);
}

static void test_constraints_order(void **state) {
  (void)state;
  /* red lines r0 (b), link (a, linkage), r1 (a); reservations a 0.2,
   * b 0, c 0.1 -> constraints r0, r1, res a, res c */
  pl_scenario *s = pl_scenario_new("c");
  tu_party(s, "a", 0.2);
  tu_party(s, "b", 0);
  tu_party(s, "c", 0.1);
  int x = tu_issue(s, "X", ABCD);
  for (int p = 0; p < 3; p++) tu_weight(s, p, x, 1);
  tu_rule(s, 1, "r0", tu_in1(x, 0));
  TU_OK(pl_scenario_add_linkage(s, 0, "link", NULL, 0, NULL, NULL));
  tu_rule(s, 0, "r1", tu_in1(x, 1));
  tu_finish(s);
  pl__constraints c;
  assert_int_equal(pl__constraints_init(&c, s), PL_OK);
  assert_int_equal(c.n, 4);
  assert_int_equal(c.items[0].kind, PL_CONSTRAINT_RED_LINE);
  assert_int_equal(c.items[0].party, 1);
  assert_int_equal(c.items[0].red_line, 0);
  assert_int_equal(c.items[1].kind, PL_CONSTRAINT_RED_LINE);
  assert_int_equal(c.items[1].party, 0);
  assert_int_equal(c.items[1].red_line, 2);
  assert_int_equal(c.items[2].kind, PL_CONSTRAINT_RESERVATION);
  assert_int_equal(c.items[2].party, 0);
  assert_int_equal(c.items[2].red_line, -1);
  assert_int_equal(c.items[3].kind, PL_CONSTRAINT_RESERVATION);
  assert_int_equal(c.items[3].party, 2);
  pl__constraints_free(&c);
  assert_int_equal(c.n, 0);
  pl__constraints_free(&c); /* twice is harmless */
  pl_scenario_free(s);
}

/* Reservation values: met within the tolerance counts as met. */
static void test_reservation_tolerance(void **state) {
  (void)state;
  /* p: values a 0.3, b 0.3 - 0.5e-9, c 0.3 - 2e-9, d 1; reservation 0.3:
   * a, b, d feasible (b within tol), c violates. */
  pl_scenario *s = pl_scenario_new("t");
  tu_party(s, "p", 0.3);
  int x = tu_issue(s, "X", ABCD);
  tu_weight(s, 0, x, 1);
  tu_values(s, 0, x, 4, (double[]){0.3, 0.3 - 0.5e-9, 0.3 - 2e-9, 1});
  tu_finish(s);
  pl__acc acc;
  run(s, NULL, &acc, NULL);
  assert_int_equal(acc.feasible, 3);
  assert_int_equal(acc.nm, 1);
  assert_int_equal(acc.masks[0], 1);
  expect_frontier(&acc, 1, (double[]){1}, (uint64_t[]){3});
  pl__acc_free(&acc);
  pl_scenario_free(s);
}

/* Agreed issues: the others are fixed at each party's status quo and the
 * red lines that mention them are not counted. */
static void test_problem_agreed(void **state) {
  (void)state;
  /* Issues X (a..d), Y (a..d), Z (a..d); status quo (a, b, c), party q
   * sees (d, d, d). p weights 1, 1, 2 -> .25, .25, .5; values option k ->
   * k/3. q weight on X only, values a 0, b .2, c .4, d .6.
   * Red lines: r0 (p) X in {a, b} (only X), r1 (q) all(X in {a}, Y in {a})
   * (X and Y), r2 (q) Z in {c} (only Z).
   * Agreed {X, Z}: Y is left out, r1 is not counted; r0 and r2 are. */
  pl_scenario *s = pl_scenario_new("pa");
  tu_party(s, "p", 0);
  tu_party(s, "q", 0);
  int x = tu_issue(s, "X", ABCD), y = tu_issue(s, "Y", ABCD),
      z = tu_issue(s, "Z", ABCD);
  tu_weight(s, 0, x, 1);
  tu_weight(s, 0, y, 1);
  tu_weight(s, 0, z, 2);
  tu_weight(s, 1, x, 1);
  double thirds[] = {0, 1 / 3.0, 2 / 3.0, 1};
  for (int i = 0; i < 3; i++) tu_values(s, 0, i, 4, thirds);
  tu_values(s, 1, x, 4, (double[]){0, 0.2, 0.4, 0.6});
  TU_OK(pl_scenario_set_status_quo(s, -1, (uint32_t[]){0, 1, 2}, NULL));
  TU_OK(pl_scenario_set_status_quo(s, 1, (uint32_t[]){3, 3, 3}, NULL));
  tu_rule(s, 0, "r0", tu_in(x, 2, (uint32_t[]){0, 1}));
  tu_rule(s, 1, "r1", tu_all2(tu_in1(x, 0), tu_in1(y, 0)));
  tu_rule(s, 1, "r2", tu_in1(z, 2));
  tu_finish(s);
  pl__constraints cons;
  pl__problem pb;
  assert_int_equal(pl__constraints_init(&cons, s), PL_OK);
  uint64_t agreed = (1u << x) | (1u << z);
  assert_int_equal(pl__problem_init(&pb, s, &cons, &agreed), PL_OK);
  assert_int_equal(pb.n_outcomes, 16);
  assert_int_equal(pb.cnt[y], 1);
  assert_int_equal(pb.opt[y][0], PL_NOT_AGREED);
  /* Y's contribution is each party's status quo: p sees b (1/3 x .25),
   * q sees d (weight 0) */
  assert_double_near(pb.contrib[y][0], 0.25 / 3, 1e-15);
  assert_double_near(pb.contrib[y][1], 0, 0);
  assert_int_equal(pb.n_multi, 0); /* r1 not counted */
  assert_int_equal(pb.vmask[x][2], 1); /* r0: X = c violates */
  assert_int_equal(pb.vmask[z][0], 4); /* r2: Z = a violates */
  uint32_t o[3];
  pl__problem_decode(&pb, 5, o); /* 5 = X b, Z b */
  assert_int_equal(o[x], 1);
  assert_int_equal(o[y], PL_NOT_AGREED);
  assert_int_equal(o[z], 1);
  pl__acc acc;
  pl__acc_init(&acc, 2, NOLIMIT);
  assert_int_equal(pl__enumerate(&pb, &acc), PL_OK);
  /* feasible: X in {a, b} and Z = c: 2 outcomes.
   *   (a, -, c): p 0 + .25/3 + .5 x 2/3 = .4167, q 0
   *   (b, -, c): p .25/3 + .25/3 + 1/3 = .5,    q .2  <- dominates */
  assert_int_equal(acc.feasible, 2);
  assert_int_equal(acc.nf, 1);
  pl__problem_decode(&pb, acc.fidx[0], o);
  assert_int_equal(o[x], 1);
  assert_int_equal(o[z], 2);
  assert_double_near(acc.fu[0], 0.5, 1e-15);
  assert_double_near(acc.fu[1], 0.2, 1e-15);
  /* the same bits as pl_scenario_utility */
  assert_true(acc.fu[0] == pl_scenario_utility(s, 0, o));
  assert_true(acc.fu[1] == pl_scenario_utility(s, 1, o));
  pl__acc_free(&acc);
  pl__problem_free(&pb);

  /* the first feasible outcome only */
  assert_int_equal(pl__problem_init(&pb, s, &cons, &agreed), PL_OK);
  pl__acc_init(&acc, 2, NOLIMIT);
  acc.stop_at_first = true;
  assert_int_equal(pl__enumerate(&pb, &acc), PL_OK);
  assert_int_equal(acc.feasible, 1);
  assert_int_equal(acc.nf, 1);
  pl__problem_decode(&pb, acc.fidx[0], o);
  assert_int_equal(o[x], 0); /* (a, -, c) comes first */
  pl__acc_free(&acc);
  pl__problem_free(&pb);
  pl__constraints_free(&cons);
  pl_scenario_free(s);
}

/* Allocation failures in problem_init and enumerate return PL_ENOMEM and
 * leak nothing. */
static void test_enumerate_alloc_failures(void **state) {
  (void)state;
  pl_scenario *s = pl_scenario_new("af");
  tu_party(s, "p", 0.1);
  tu_party(s, "q", 0);
  int x = tu_issue(s, "X", ABCD), y = tu_issue(s, "Y", ABCD);
  tu_weight(s, 0, x, 1);
  tu_weight(s, 1, y, 1);
  tu_values(s, 0, x, 4, (double[]){0, 0.3, 0.6, 1});
  tu_values(s, 1, y, 4, (double[]){1, 0.6, 0.3, 0});
  tu_rule(s, 1, "r", tu_any2(tu_in1(x, 0), tu_in1(y, 1)));
  tu_finish(s);
  for (long n = 0;; n++) {
    pl__constraints cons;
    pl__problem pb;
    pl__acc acc;
    pl__alloc_fail_after(n);
    int rc = pl__constraints_init(&cons, s);
    if (!rc) {
      rc = pl__problem_init(&pb, s, &cons, NULL);
      if (!rc) {
        pl__acc_init(&acc, 2, NOLIMIT);
        rc = pl__enumerate(&pb, &acc);
        pl__acc_free(&acc);
        pl__problem_free(&pb);
      }
      pl__constraints_free(&cons);
    }
    pl__alloc_fail_after(-1);
    if (rc == PL_OK) break;
    assert_int_equal(rc, PL_ENOMEM);
  }
  pl_scenario_free(s);
}

/* ------------------------------------------------------------------ */
/* randomized cross-check                                              */
/* ------------------------------------------------------------------ */

/* Compares one enumeration (of all issues, or of the agreed ones) with
 * brute force from the public queries. */
static void cross_check(const pl_scenario *s, uint64_t agreed_bits,
                        int use_agreed, unsigned seed, int round) {
  const int np = pl_scenario_party_count(s), ni = pl_scenario_issue_count(s);
  tu_cons tc;
  tu_constraints(s, &tc);
  int counted[80];
  for (int r = 0; r < pl_scenario_red_line_count(s); r++) {
    counted[r] = 1;
    if (use_agreed)
      for (int i = 0; i < ni; i++)
        if (pl_scenario_red_line_mentions(s, r, i) && !(agreed_bits >> i & 1))
          counted[r] = 0;
  }
  /* brute force: every outcome, in index order */
  uint32_t cnt[8];
  uint64_t total = 1;
  for (int i = 0; i < ni; i++) {
    int in = !use_agreed || (agreed_bits >> i & 1);
    cnt[i] = in ? pl_scenario_option_count(s, i) : 1;
    total *= cnt[i];
  }
  double *u = malloc(total * (size_t)np * sizeof *u);
  uint64_t *fidx = malloc(total * sizeof *fidx);
  uint64_t *masks = malloc(total * sizeof *masks);
  uint32_t (*opts)[8] = malloc(total * sizeof *opts);
  size_t nfeas = 0, nmask = 0;
  for (uint64_t x = 0; x < total; x++) {
    uint32_t o[8];
    uint64_t y = x;
    for (int i = ni - 1; i >= 0; i--) {
      int in = !use_agreed || (agreed_bits >> i & 1);
      o[i] = in ? (uint32_t)(y % cnt[i]) : PL_NOT_AGREED;
      y /= cnt[i];
    }
    memcpy(opts[x], o, sizeof o);
    uint64_t m = tu_mask(s, &tc, o, counted);
    if (m) {
      masks[nmask++] = m;
      continue;
    }
    for (int p = 0; p < np; p++)
      u[nfeas * np + p] = pl_scenario_utility(s, p, o);
    fidx[nfeas++] = x;
  }
  size_t *keep = malloc((nfeas + 1) * sizeof *keep);
  size_t nk = tu_frontier(u, nfeas, np, keep);
  nmask = tu_minimal(masks, nmask);

  pl__constraints cons;
  pl__problem pb;
  pl__acc acc;
  assert_int_equal(pl__constraints_init(&cons, s), PL_OK);
  assert_int_equal(pl__problem_init(&pb, s, &cons, use_agreed ? &agreed_bits
                                                             : NULL),
                   PL_OK);
  assert_int_equal(pb.n_outcomes, total);
  pl__acc_init(&acc, np, NOLIMIT);
  assert_int_equal(pl__enumerate(&pb, &acc), PL_OK);
  if (acc.feasible != nfeas || acc.nf != nk || acc.nm != nmask)
    fail_msg("seed %u round %d: feasible %llu/%zu, frontier %zu/%zu, masks "
             "%zu/%zu (enumerated/brute force)",
             seed, round, (unsigned long long)acc.feasible, nfeas, acc.nf, nk,
             acc.nm, nmask);
  for (size_t k = 0; k < nk; k++) {
    uint64_t x = fidx[keep[k]];
    long f = find_idx(&acc, x);
    if (f < 0)
      fail_msg("seed %u round %d: outcome %llu missing from the frontier",
               seed, round, (unsigned long long)x);
    /* bit-identical utilities (docs/analysis.md, "Tolerance") */
    for (int p = 0; p < np; p++)
      if (acc.fu[(size_t)f * np + p] != u[keep[k] * np + p])
        fail_msg("seed %u round %d: utility %.17g != %.17g", seed, round,
                 acc.fu[(size_t)f * np + p], u[keep[k] * np + p]);
    uint32_t o[8];
    pl__problem_decode(&pb, x, o);
    assert_memory_equal(o, opts[x], (size_t)ni * sizeof *o);
  }
  sort_masks(&acc);
  for (size_t k = 0; k < nmask; k++)
    if (acc.masks[k] != masks[k])
      fail_msg("seed %u round %d: mask %zu: %llx != %llx", seed, round, k,
               (unsigned long long)acc.masks[k],
               (unsigned long long)masks[k]);
  pl__acc_free(&acc);
  pl__problem_free(&pb);
  pl__constraints_free(&cons);
  free(u);
  free(fidx);
  free(masks);
  free(opts);
  free(keep);
}

/* Hyper-rectangle parties (evaluated level by level) and capped sums:
 * enumeration against pl_scenario_utility, on whole and partial spaces. */
static void test_random_hyper_cross_check(void **state) {
  (void)state;
  const unsigned seed = 31337;
  tu_rng rng = {seed};
  for (int round = 0; round < 1500; round++) {
    pl_scenario *s = tu_random_hyper_scenario(&rng, 1 + round % 3);
    cross_check(s, 0, 0, seed, round);
    int ni = pl_scenario_issue_count(s);
    uint64_t agreed = tu_next(&rng) & ((1u << ni) - 1);
    if (!agreed) agreed = 1;
    cross_check(s, agreed, 1, seed, round);
    pl_scenario_free(s);
  }
}

static void test_random_cross_check(void **state) {
  (void)state;
  const unsigned seed = 20240117;
  tu_rng rng = {seed};
  int rounds = 0, with_feasible = 0, with_deadlock = 0, multi = 0;
  for (int np = 1; np <= 5; np++) {
    int n = np >= 2 && np <= 4 ? 400 : 100;
    for (int k = 0; k < n; k++, rounds++) {
      pl_scenario *s = tu_random_scenario(&rng, np);
      for (int r = 0; r < pl_scenario_red_line_count(s); r++) {
        int m = 0;
        for (int i = 0; i < pl_scenario_issue_count(s); i++)
          m += pl_scenario_red_line_mentions(s, r, i);
        multi += m > 1 && !pl_scenario_red_line_is_linkage(s, r);
      }
      cross_check(s, 0, 0, seed, rounds);
      /* and a random set of agreed issues, when there is a status quo */
      if (pl_scenario_has_status_quo(s)) {
        int ni = pl_scenario_issue_count(s);
        uint64_t agreed = tu_next(&rng) & ((1u << ni) - 1);
        if (!agreed) agreed = 1;
        cross_check(s, agreed, 1, seed, rounds);
      }
      pl_analysis *a = tu_analyze(s);
      if (pl_analysis_feasible_count(a))
        with_feasible++;
      else
        with_deadlock++;
      pl_analysis_free(a);
      pl_scenario_free(s);
    }
  }
  /* the generator covers both sides and multi-issue rules */
  assert_true(with_feasible > rounds / 5);
  assert_true(with_deadlock > rounds / 10);
  assert_true(multi > rounds / 5);
}

/* Larger frontiers for 3 to 6 parties (past the 64 points where the
 * enumerator starts indexing them): 3-4 issues of 5-8 options, values in
 * hundredths, a few red lines and reservation values. */
static pl_scenario *large_scenario(tu_rng *r, int np) {
  pl_scenario *s = pl_scenario_new("large");
  int ni = 3 + tu_below(r, 2);
  uint32_t n[4];
  uint64_t total = 1;
  for (int i = 0; i < ni; i++) {
    char id[16];
    snprintf(id, sizeof id, "i%d", i);
    n[i] = 5 + (uint32_t)tu_below(r, 4);
    if (total * n[i] > 2500) n[i] = 2;
    total *= n[i];
    tu_issue_n(s, id, n[i]);
  }
  for (int p = 0; p < np; p++) {
    char id[16];
    snprintf(id, sizeof id, "p%d", p);
    tu_party(s, id, tu_below(r, 3) ? 0 : tu_below(r, 30) / 100.0);
    for (int i = 0; i < ni; i++) {
      tu_weight(s, p, i, 1 + tu_below(r, 5));
      for (uint32_t o = 0; o < n[i]; o++)
        TU_OK(pl_scenario_set_value(s, p, i, o, tu_below(r, 101) / 100.0, NULL));
    }
  }
  int nr = tu_below(r, 3);
  for (int k = 0; k < nr; k++) {
    char id[16];
    snprintf(id, sizeof id, "r%d", k);
    tu_rule(s, tu_below(r, np), id, tu_random_expr(r, ni, n, 1));
  }
  tu_finish(s);
  return s;
}

static void test_random_large_frontiers(void **state) {
  (void)state;
  const unsigned seed = 99;
  tu_rng rng = {seed};
  int big = 0, round = 0;
  for (int np = 3; np <= 6; np++)
    for (int k = 0; k < 6; k++, round++) {
      pl_scenario *s = large_scenario(&rng, np);
      cross_check(s, 0, 0, seed, round);
      pl__acc acc;
      run(s, NULL, &acc, NULL);
      big += acc.nf > 64;
      pl__acc_free(&acc);
      pl_scenario_free(s);
    }
  assert_true(big >= 8);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_frontier2_insert),
      cmocka_unit_test(test_frontier2_tolerance_replace),
      cmocka_unit_test(test_frontier2_many),
      cmocka_unit_test(test_frontier3_insert),
      cmocka_unit_test(test_frontier4_many),
      cmocka_unit_test(test_frontier1),
      cmocka_unit_test(test_frontier_memory_limit),
      cmocka_unit_test(test_frontier_add_all),
      cmocka_unit_test(test_minimal_masks),
      cmocka_unit_test(test_masks_multi_issue),
      cmocka_unit_test(test_constraints_order),
      cmocka_unit_test(test_reservation_tolerance),
      cmocka_unit_test(test_problem_agreed),
      cmocka_unit_test(test_enumerate_alloc_failures),
      cmocka_unit_test(test_random_cross_check),
      cmocka_unit_test(test_random_hyper_cross_check),
      cmocka_unit_test(test_random_large_frontiers),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
