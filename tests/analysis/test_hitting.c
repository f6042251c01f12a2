/* Unit tests of the minimal hitting sets (src/analysis/hitting.c): small
 * hand-computed families and random families checked against brute force
 * over every subset. Elements are bit positions: {0, 2} is the mask 5. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "analysis/hitting.h"
#include "core/util.h"
#include "testutil.h"

#define B(k) ((uint64_t)1 << (k))

/* Runs pl__hitting_sets and compares with the expected list (in order). */
static void expect(const uint64_t *fam, size_t n, size_t limit,
                   const uint64_t *want, size_t nwant, bool want_trunc) {
  uint64_t *out = NULL;
  size_t nout = 99;
  bool trunc = !want_trunc;
  assert_int_equal(pl__hitting_sets(fam, n, limit, &out, &nout, &trunc), PL_OK);
  assert_int_equal(trunc, want_trunc);
  if (nout != nwant) fail_msg("%zu sets, expected %zu", nout, nwant);
  for (size_t k = 0; k < nwant; k++)
    if (out[k] != want[k])
      fail_msg("set %zu is %llx, expected %llx", k,
               (unsigned long long)out[k], (unsigned long long)want[k]);
  pl__free(out);
}

static void test_empty_family(void **state) {
  (void)state;
  /* nothing to hit: the empty set is the one minimal hitting set */
  expect(NULL, 0, 1000, (uint64_t[]){0}, 1, false);
}

static void test_family_with_empty_set(void **state) {
  (void)state;
  /* the empty set cannot be hit: no hitting sets at all */
  uint64_t fam[] = {B(0) | B(1), 0};
  expect(fam, 2, 1000, NULL, 0, false);
}

static void test_single_set(void **state) {
  (void)state;
  /* {0, 1, 5}: each element alone */
  uint64_t fam[] = {B(0) | B(1) | B(5)};
  expect(fam, 1, 1000, (uint64_t[]){B(0), B(1), B(5)}, 3, false);
  /* one singleton: itself */
  uint64_t one[] = {B(63)};
  expect(one, 1, 1000, one, 1, false);
}

static void test_overlapping_pair(void **state) {
  (void)state;
  /* {0,1}, {1,2}: {1} hits both; otherwise one of each, {0,2}.
   * Order: by size, then value: {1} = 2, {0,2} = 5. */
  uint64_t fam[] = {B(0) | B(1), B(1) | B(2)};
  expect(fam, 2, 1000, (uint64_t[]){B(1), B(0) | B(2)}, 2, false);
}

static void test_disjoint_pairs(void **state) {
  (void)state;
  /* {0,1}, {2,3}: one of each: {0,2} = 5, {1,2} = 6, {0,3} = 9,
   * {1,3} = 10 */
  uint64_t fam[] = {B(2) | B(3), B(0) | B(1)};
  uint64_t want[] = {B(0) | B(2), B(1) | B(2), B(0) | B(3), B(1) | B(3)};
  expect(fam, 2, 1000, want, 4, false);
}

static void test_triangle(void **state) {
  (void)state;
  /* the edges of a triangle: any two vertices, never one */
  uint64_t fam[] = {B(0) | B(1), B(1) | B(2), B(0) | B(2)};
  uint64_t want[] = {B(0) | B(1), B(0) | B(2), B(1) | B(2)};
  expect(fam, 3, 1000, want, 3, false);
}

static void test_duplicates_and_supersets(void **state) {
  (void)state;
  /* {0}, {0,1}, {0}, {0,1,2}: hitting {0} suffices for all */
  uint64_t fam[] = {B(0), B(0) | B(1), B(0), B(0) | B(1) | B(2)};
  expect(fam, 4, 1000, (uint64_t[]){B(0)}, 1, false);
  /* {0}, {1}, {2}: all three are needed */
  uint64_t fam2[] = {B(2), B(0), B(1)};
  expect(fam2, 3, 1000, (uint64_t[]){B(0) | B(1) | B(2)}, 1, false);
}

static void test_deadlock_family(void **state) {
  (void)state;
  /* the minimal violation masks of the hand-computed deadlock case of
   * test_analysis.c: {0,4}, {0,1,3}, {2,4}, {1,2} -> {0,2}, {1,4},
   * {2,3,4} */
  uint64_t fam[] = {B(0) | B(4), B(0) | B(1) | B(3), B(2) | B(4),
                    B(1) | B(2)};
  uint64_t want[] = {B(0) | B(2), B(1) | B(4), B(2) | B(3) | B(4)};
  expect(fam, 4, 1000, want, 3, false);
}

static void test_limit(void **state) {
  (void)state;
  /* 4 minimal sets, at most 2 returned: the first two, truncated */
  uint64_t fam[] = {B(2) | B(3), B(0) | B(1)};
  uint64_t want[] = {B(0) | B(2), B(1) | B(2)};
  expect(fam, 2, 2, want, 2, true);
  /* exactly as many as the limit: not truncated */
  uint64_t all[] = {B(0) | B(2), B(1) | B(2), B(0) | B(3), B(1) | B(3)};
  expect(fam, 2, 4, all, 4, false);
}

static void test_work_cap(void **state) {
  (void)state;
  /* 20 disjoint pairs: 2^20 minimal hitting sets; past PL__HITTING_WORK
   * intermediate sets the result is truncated and empty */
  uint64_t fam[20];
  for (int k = 0; k < 20; k++) fam[k] = B(2 * k) | B(2 * k + 1);
  uint64_t *out = (uint64_t *)1;
  size_t n = 99;
  bool trunc = false;
  assert_int_equal(pl__hitting_sets(fam, 20, 1000, &out, &n, &trunc), PL_OK);
  assert_true(trunc);
  assert_int_equal(n, 0);
  assert_null(out);
  /* 14 pairs: 16384 sets, under the cap; the first 1000 come back */
  assert_int_equal(pl__hitting_sets(fam, 14, 1000, &out, &n, &trunc), PL_OK);
  assert_true(trunc);
  assert_int_equal(n, 1000);
  for (size_t k = 0; k < n; k++) assert_int_equal(__builtin_popcountll(out[k]), 14);
  for (size_t k = 1; k < n; k++) assert_true(out[k - 1] < out[k]);
  pl__free(out);
}

/* Brute force: the minimal hitting sets among all subsets of `bits`
 * elements, sorted by size then value. */
static size_t brute(const uint64_t *fam, size_t n, int bits, uint64_t *out) {
  size_t m = 0;
  for (uint64_t h = 0; h < B(bits); h++) {
    int hits = 1;
    for (size_t k = 0; k < n && hits; k++) hits = (fam[k] & h) != 0;
    if (!hits) continue;
    /* hitting is closed upwards: minimal when no element can go */
    int minimal = 1;
    for (uint64_t b = h; b && minimal; b &= b - 1) {
      uint64_t g = h & ~(b & -b);
      int gh = 1;
      for (size_t k = 0; k < n && gh; k++) gh = (fam[k] & g) != 0;
      if (gh) minimal = 0;
    }
    if (minimal) out[m++] = h;
  }
  tu_sort_by_size(out, m);
  return m;
}

static void test_random_against_brute_force(void **state) {
  (void)state;
  tu_rng rng = {12345};
  static uint64_t want[1 << 12];
  for (int round = 0; round < 2000; round++) {
    int bits = 1 + tu_below(&rng, 12);
    size_t n = (size_t)tu_below(&rng, 9);
    uint64_t fam[8];
    for (size_t k = 0; k < n; k++) {
      /* sets of 1-4 elements, rarely empty */
      fam[k] = 0;
      int size = tu_below(&rng, 50) ? 1 + tu_below(&rng, 4) : 0;
      for (int j = 0; j < size; j++) fam[k] |= B(tu_below(&rng, bits));
    }
    size_t nw = brute(fam, n, bits, want);
    uint64_t *out;
    size_t nout;
    bool trunc;
    assert_int_equal(pl__hitting_sets(fam, n, 1000, &out, &nout, &trunc),
                     PL_OK);
    assert_false(trunc);
    if (nout != nw) fail_msg("round %d: %zu sets, brute force %zu", round, nout, nw);
    for (size_t k = 0; k < nw; k++)
      if (out[k] != want[k])
        fail_msg("round %d: set %zu %llx, brute force %llx", round, k,
                 (unsigned long long)out[k], (unsigned long long)want[k]);
    pl__free(out);
  }
}

static void test_alloc_failures(void **state) {
  (void)state;
  uint64_t fam[] = {B(0) | B(4), B(0) | B(1) | B(3), B(2) | B(4),
                    B(1) | B(2)};
  for (long n = 0;; n++) {
    uint64_t *out = (uint64_t *)1;
    size_t nout = 99;
    bool trunc;
    pl__alloc_fail_after(n);
    int rc = pl__hitting_sets(fam, 4, 1000, &out, &nout, &trunc);
    pl__alloc_fail_after(-1);
    if (rc == PL_OK) {
      assert_int_equal(nout, 3);
      pl__free(out);
      break;
    }
    assert_int_equal(rc, PL_ENOMEM);
    assert_null(out);
    assert_int_equal(nout, 0);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_empty_family),
      cmocka_unit_test(test_family_with_empty_set),
      cmocka_unit_test(test_single_set),
      cmocka_unit_test(test_overlapping_pair),
      cmocka_unit_test(test_disjoint_pairs),
      cmocka_unit_test(test_triangle),
      cmocka_unit_test(test_duplicates_and_supersets),
      cmocka_unit_test(test_deadlock_family),
      cmocka_unit_test(test_limit),
      cmocka_unit_test(test_work_cap),
      cmocka_unit_test(test_random_against_brute_force),
      cmocka_unit_test(test_alloc_failures),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
