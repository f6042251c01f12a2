/* A dominance index: points of np utilities in a k-d tree (Bentley 1975,
 * "Multidimensional binary search trees used for associative searching",
 * CACM 18(9)), built by insertion, each node holding the least and largest
 * utilities of its subtree so that a query skips every subtree that cannot
 * answer it (the bounding points of the ND-tree: Jaszkiewicz & Lust 2018,
 * "ND-Tree-based update: a fast algorithm for the dynamic nondominance
 * problem", IEEE TEC 22(5)). It answers the two questions of a Pareto
 * filter, "does a point dominate u?" and "which points does u dominate?",
 * in time that grows with the part of the frontier near u rather than the
 * whole. Points are removed by marking; the bounds stay as they were, which
 * only makes them looser. */
#ifndef PL_DOMINANCE_H
#define PL_DOMINANCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct pl__dom_index {
  int np;
  int split0;      /* first utility to split on (the earlier ones are known
                      to be ordered by insertion) */
  size_t n, cap;   /* points (nodes), in insertion order */
  double *rec;     /* n * 3 * np: per node its point (pl__dom_point), then
                      the least and the largest utilities of its subtree */
  uint32_t *kid;   /* 2 * n: children, 0 for none (node 0 is the root) */
  bool *dead;
  uint32_t *stack; /* cap: the query stack */
  uint32_t last;   /* the node that last covered: tried first */
  double *bound;   /* np: the corner of the query */
} pl__dom_index;

/* An empty index; split0 < np. */
void pl__dom_init(pl__dom_index *t, int np, int split0);
void pl__dom_free(pl__dom_index *t);
/* Point m (m < t->n), in insertion order. */
static inline const double *pl__dom_point(const pl__dom_index *t, size_t m) {
  return t->rec + 3 * m * (size_t)t->np;
}
/* Whether point m weakly dominates u (without tolerance). */
static inline bool pl__dom_point_covers(const pl__dom_index *t, size_t m,
                                        const double *u) {
  const double *q = pl__dom_point(t, m);
  int c = 0;
  while (c < t->np && q[c] >= u[c]) c++;
  return c == t->np;
}
/* Adds u (copied) as point t->n; PL_ENOMEM. */
int pl__dom_insert(pl__dom_index *t, const double *u);
/* Whether a live point q has q[p] >= u[p] - tol for every p. */
bool pl__dom_covered(pl__dom_index *t, const double *u, double tol);
/* Marks dead every live point q with q[p] <= u[p] + tol for every p;
 * returns how many. */
size_t pl__dom_remove_covered_by(pl__dom_index *t, const double *u,
                                 double tol);

#endif
