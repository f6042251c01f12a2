/* Dominance index (see dominance.h). */
#include "analysis/dominance.h"

#include <string.h>

#include "core/util.h"

/* a node's record: its point, then its subtree's least and largest */
#define PT(t, m) ((t)->rec + 3 * (size_t)(m) * (size_t)(t)->np)
#define LO(t, m) (PT(t, m) + (t)->np)
#define HI(t, m) (PT(t, m) + 2 * (size_t)(t)->np)

void pl__dom_init(pl__dom_index *t, int np, int split0) {
  memset(t, 0, sizeof *t);
  t->np = np;
  t->split0 = split0;
}

void pl__dom_free(pl__dom_index *t) {
  pl__free(t->rec);
  pl__free(t->kid);
  pl__free(t->dead);
  pl__free(t->stack);
  pl__free(t->bound);
  memset(t, 0, sizeof *t);
}

static int grow(pl__dom_index *t) {
  size_t cap = t->cap ? 2 * t->cap : 64, np = (size_t)t->np;
  if (cap > UINT32_MAX) return PL_ENOMEM;
  if (!t->bound && !(t->bound = pl__malloc(np * sizeof *t->bound)))
    return PL_ENOMEM;
  void *p[4] = {pl__realloc(t->rec, cap * 3 * np * sizeof *t->rec),
                pl__realloc(t->kid, 2 * cap * sizeof *t->kid),
                pl__realloc(t->dead, cap * sizeof *t->dead),
                pl__realloc(t->stack, cap * sizeof *t->stack)};
  /* each array that moved is kept, so a failure leaks nothing */
  if (p[0]) t->rec = p[0];
  if (p[1]) t->kid = p[1];
  if (p[2]) t->dead = p[2];
  if (p[3]) t->stack = p[3];
  for (int k = 0; k < 4; k++)
    if (!p[k]) return PL_ENOMEM;
  t->cap = cap;
  return PL_OK;
}

int pl__dom_insert(pl__dom_index *t, const double *u) {
  if (t->n == t->cap && grow(t)) return PL_ENOMEM;
  const int np = t->np;
  uint32_t m = (uint32_t)t->n++;
  for (int k = 0; k < 3; k++)
    memcpy(t->rec + (3 * (size_t)m + k) * np, u, (size_t)np * sizeof *u);
  t->kid[2 * m] = t->kid[2 * m + 1] = 0;
  t->dead[m] = false;
  if (m == 0) return PL_OK;
  const int dims = np - t->split0;
  uint32_t at = 0;
  for (int depth = 0;; depth++) {
    double *lo = LO(t, at), *hi = HI(t, at);
    for (int c = 0; c < np; c++) {
      if (u[c] < lo[c]) lo[c] = u[c];
      if (u[c] > hi[c]) hi[c] = u[c];
    }
    int c = t->split0 + depth % dims;
    uint32_t *next = &t->kid[2 * at + (u[c] >= PT(t, at)[c])];
    if (!*next) {
      *next = m;
      return PL_OK;
    }
    at = *next;
  }
}

/* x[c] >= y[c] for every c */
static bool above(const double *x, const double *y, int np) {
  int c = 0;
  while (c < np && x[c] >= y[c]) c++;
  return c == np;
}

bool pl__dom_covered(pl__dom_index *t, const double *u, double tol) {
  const int np = t->np;
  if (!t->n) return false;
  double *floor_ = t->bound;
  for (int c = 0; c < np; c++) floor_[c] = u[c] - tol;
  if (!t->dead[t->last] && above(PT(t, t->last), floor_, np))
    return true;
  size_t top = 0;
  t->stack[top++] = 0;
  while (top) {
    uint32_t m = t->stack[--top];
    if (!above(HI(t, m), floor_, np)) continue;
    if (!t->dead[m] && above(PT(t, m), floor_, np)) {
      t->last = m;
      return true;
    }
    /* the high side pushed last, so searched first: larger utilities */
    if (t->kid[2 * m]) t->stack[top++] = t->kid[2 * m];
    if (t->kid[2 * m + 1]) t->stack[top++] = t->kid[2 * m + 1];
  }
  return false;
}

size_t pl__dom_remove_covered_by(pl__dom_index *t, const double *u,
                                 double tol) {
  const int np = t->np;
  if (!t->n) return 0;
  double *ceil_ = t->bound;
  for (int c = 0; c < np; c++) ceil_[c] = u[c] + tol;
  size_t removed = 0, top = 0;
  t->stack[top++] = 0;
  while (top) {
    uint32_t m = t->stack[--top];
    if (!above(ceil_, LO(t, m), np)) continue;
    if (!t->dead[m] && above(ceil_, PT(t, m), np)) {
      t->dead[m] = true;
      removed++;
    }
    if (t->kid[2 * m]) t->stack[top++] = t->kid[2 * m];
    if (t->kid[2 * m + 1]) t->stack[top++] = t->kid[2 * m + 1];
  }
  return removed;
}
