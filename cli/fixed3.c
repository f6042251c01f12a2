/* cli_fixed3: "%.3f" without stdio, for the numbers of a transcript's
 * lines (`parley run` prints thousands). */
#include <math.h>
#include <stdint.h>

#include "cli.h"

/* printf rounds x's exact binary value to 3 decimals, ties to even (in
 * the default rounding mode, the only one parley uses). r = x * 1000
 * rounded to an integer is that result whenever the exact x * 1000 is
 * within 0.4999 of r, which fma tells with one rounding (of at most
 * 2^-54 there); else, near a tie or a large or non-finite x, snprintf. */
int cli_fixed3(char *buf, size_t size, double x) {
  if (size >= 32 && fabs(x) < 1e15) {
    double r = nearbyint(x * 1000.0);
    if (fabs(fma(x, 1000.0, -r)) < 0.4999) {
      uint64_t v = (uint64_t)fabs(r);
      char d[24];
      int n = 0;
      for (int k = 0; k < 3; k++, v /= 10) d[n++] = (char)('0' + v % 10);
      d[n++] = '.';
      do d[n++] = (char)('0' + v % 10); while (v /= 10);
      int k = 0;
      if (signbit(x)) buf[k++] = '-'; /* -0.0004 prints "-0.000" too */
      while (n) buf[k++] = d[--n];
      buf[k] = 0;
      return k;
    }
  }
  return snprintf(buf, size, "%.3f", x);
}
