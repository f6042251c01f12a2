#include "analysis/hitting.h"

#include <stdlib.h>

#include "core/util.h"

static int by_size(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  int px = __builtin_popcountll(x), py = __builtin_popcountll(y);
  if (px != py) return px - py;
  return x < y ? -1 : x > y;
}

size_t pl__minimal_sets(uint64_t *h, size_t n, uint64_t *budget) {
  qsort(h, n, sizeof *h, by_size);
  size_t w = 0;
  for (size_t k = 0; k < n; k++) {
    if (*budget < w) return SIZE_MAX;
    *budget -= w;
    bool keep = true;
    for (size_t j = 0; j < w && keep; j++)
      keep = (h[j] & h[k]) != h[j];
    if (keep) h[w++] = h[k];
  }
  return w;
}

int pl__hitting_sets(const uint64_t *fam, size_t n, size_t limit,
                     uint64_t **out, size_t *nout, bool *truncated) {
  *out = NULL;
  *nout = 0;
  *truncated = false;
  /* Smallest sets first keep the intermediate families small. */
  uint64_t *f = pl__malloc((n ? n : 1) * sizeof *f);
  uint64_t *h = pl__malloc(sizeof *h), *next = NULL;
  if (!f || !h) goto nomem;
  for (size_t k = 0; k < n; k++) f[k] = fam[k];
  qsort(f, n, sizeof *f, by_size);
  size_t nh = 1;
  uint64_t budget = PL__HITTING_COMPARISONS;
  h[0] = 0;
  for (size_t k = 0; k < n; k++) {
    size_t cap = 0;
    for (size_t j = 0; j < nh; j++)
      cap += (h[j] & f[k]) ? 1 : (size_t)__builtin_popcountll(f[k]);
    if (cap > (size_t)PL__HITTING_WORK * 64) {
      *truncated = true;
      pl__free(f);
      pl__free(h);
      return 0;
    }
    next = pl__malloc((cap ? cap : 1) * sizeof *next);
    if (!next) goto nomem;
    size_t m = 0;
    for (size_t j = 0; j < nh; j++) {
      if (h[j] & f[k]) {
        next[m++] = h[j];
        continue;
      }
      for (uint64_t b = f[k]; b; b &= b - 1) next[m++] = h[j] | (b & -b);
    }
    pl__free(h);
    h = next;
    next = NULL;
    nh = pl__minimal_sets(h, m, &budget);
    if (nh > PL__HITTING_WORK) {
      *truncated = true;
      pl__free(f);
      pl__free(h);
      return 0;
    }
  }
  pl__free(f);
  if (nh > limit) {
    *truncated = true;
    nh = limit;
  }
  *out = h;
  *nout = nh;
  return 0;
nomem:
  pl__free(f);
  pl__free(h);
  pl__free(next);
  return PL_ENOMEM;
}
