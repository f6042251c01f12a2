/* cli_fixed3 (cli/fixed3.c), the transcript's "%.3f" without stdio, gives
 * snprintf's characters: on the edge cases (ties, which printf rounds to
 * even on the exact binary value; the doubles next to them; negative
 * zero and small negatives; large, tiny and non-finite values) and on
 * a million random doubles of four kinds. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "cli.h"

static void same(double x) {
  char got[400], want[400];
  int k = cli_fixed3(got, sizeof got, x);
  int n = snprintf(want, sizeof want, "%.3f", x);
  if (k != n || strcmp(got, want)) {
    print_error("%.17g: cli_fixed3 \"%s\" (%d), snprintf \"%s\" (%d)\n", x,
                got, k, want, n);
    fail();
  }
}

static void test_edges(void **state) {
  (void)state;
  const double xs[] = {0,       -0.0,   0.0005,  0.0015, 0.0025, -0.0005,
                       0.0625,  0.1875, -0.0004, 0.9995, 999.9995,
                       1.0,     0.5,    0.123,   1e15,   -1e15, 1e15 - 1,
                       1e14 + 0.0005,   1e-300,  5e-324, 1e300,
                       0.12349999999999999,      INFINITY, -INFINITY, NAN};
  for (size_t k = 0; k < sizeof xs / sizeof *xs; k++) {
    same(xs[k]);
    same(nextafter(xs[k], INFINITY));
    same(nextafter(xs[k], -INFINITY));
  }
  /* every tie x.yyy5 below 10 and its neighbours */
  for (int k = 0; k < 20000; k++) {
    double x = (k + 0.5) / 1000;
    same(x);
    same(-x);
    same(nextafter(x, 0));
    same(nextafter(x, 1e9));
  }
  /* a buffer too small for the fast path still gets snprintf's answer */
  char small[8];
  assert_int_equal(cli_fixed3(small, sizeof small, 1234.5678), 8);
  assert_string_equal(small, "1234.56");
}

static uint64_t xorshift(uint64_t *s) {
  *s ^= *s << 13;
  *s ^= *s >> 7;
  *s ^= *s << 17;
  return *s;
}

static void test_random(void **state) {
  (void)state;
  uint64_t s = 88172645463325252u;
  for (long k = 0; k < 1000000; k++) {
    uint64_t r = xorshift(&s);
    double x;
    switch (k % 4) {
    case 0: /* utilities: [0, 1) */
      x = (double)(r >> 11) / (double)(UINT64_C(1) << 53);
      break;
    case 1: /* thousandths, and halfway between them */
      x = (double)((int64_t)(r % 2000001) - 1000000) / 1000 +
          (double)((int)(xorshift(&s) % 3) - 1) * 0.0005;
      break;
    case 2: /* any bit pattern */
      memcpy(&x, &r, sizeof x);
      break;
    default: /* next to a tie */
      x = nextafter(((double)(r % 100000) + 0.5) / 1000,
                    (xorshift(&s) & 1) ? 1e9 : -1e9);
      if (xorshift(&s) & 1) x = -x;
    }
    same(x);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_edges),
      cmocka_unit_test(test_random),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
