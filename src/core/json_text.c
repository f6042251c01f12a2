/* Lossless reals in JSON text (json_text.h). jansson writes a real with
 * printf's %.{precision}g, and no precision is both exact and short:
 * %.17g always reads back, but writes 0.1 as 0.10000000000000001. So the
 * text is dumped at 17 digits, which identifies each double, and every
 * real in it is then written again in the shortest of the 15, 16 and 17
 * digit forms that reads back to the same double. */
#include "core/json_text.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int pl__shortest_double(char *buf, double v) {
  int n = 0;
  for (int digits = 15; digits <= 17; digits++) {
    n = snprintf(buf, PL__REAL_CHARS, "%.*g", digits, v);
    if (strtod(buf, NULL) == v) break;
  }
  return n;
}

/* A real in jansson's output: a number token with a '.' or an exponent
 * (jansson adds ".0" to reals that print as whole numbers; integers never
 * have either). */
static bool is_real(const char *s, size_t n) {
  for (size_t k = 0; k < n; k++)
    if (s[k] == '.' || s[k] == 'e' || s[k] == 'E') return true;
  return false;
}

char *pl__json_dumps(const json_t *j, size_t flags) {
  char *in = json_dumps(j, flags | JSON_REAL_PRECISION(17));
  if (!in) return NULL;
  size_t len = strlen(in);
  /* each rewritten real grows by at most its ".0" or a longer exponent:
   * bound the growth per number token by its 32-byte maximum */
  size_t reals = 0;
  for (size_t k = 0; k < len; k++)
    if (in[k] == '.' || in[k] == 'e' || in[k] == 'E') reals++;
  char *out = malloc(len + reals * PL__REAL_CHARS + 1);
  if (!out) {
    free(in);
    return NULL;
  }
  size_t o = 0;
  bool string = false;
  for (size_t k = 0; k < len;) {
    char c = in[k];
    if (string) {
      out[o++] = c;
      k++;
      if (c == '\\' && k < len) out[o++] = in[k++];
      else if (c == '"') string = false;
      continue;
    }
    if (c == '"') string = true;
    if (c != '-' && (c < '0' || c > '9')) {
      out[o++] = c;
      k++;
      continue;
    }
    size_t e = k;
    while (e < len && strchr("+-.0123456789eE", in[e])) e++;
    if (!is_real(in + k, e - k)) {
      memcpy(out + o, in + k, e - k);
      o += e - k;
    } else {
      char tok[PL__REAL_CHARS];
      size_t tn = e - k < sizeof tok ? e - k : sizeof tok - 1;
      memcpy(tok, in + k, tn);
      tok[tn] = 0;
      char buf[PL__REAL_CHARS + 2];
      int n = pl__shortest_double(buf, strtod(tok, NULL));
      if (!strpbrk(buf, ".eEn")) { /* a whole number: keep it a real */
        memcpy(buf + n, ".0", 3);
        n += 2;
      }
      memcpy(out + o, buf, (size_t)n);
      o += (size_t)n;
    }
    k = e;
  }
  out[o] = 0;
  free(in);
  return out;
}
