/* Enumeration of an outcome space: every outcome visited once, utilities
 * and red-line violations updated incrementally, feasible outcomes folded
 * into a Pareto frontier and infeasible ones into the antichain of minimal
 * violation masks (which explains deadlocks). */
#ifndef PL_ENUMERATE_H
#define PL_ENUMERATE_H

#include <stdbool.h>

#include "model/scenario_internal.h"

/* What is enumerated: per issue a list of candidates (options of the
 * scenario, or PL_NOT_AGREED for an issue left out of a partial agreement),
 * each with its per-party utility contribution and the violation bits of
 * the single-issue red lines it breaks. Bits of several-issue red lines and
 * of reservation values are computed per outcome. The last issue varies
 * fastest, so the visit order is the mixed-radix index order. */
typedef struct pl__problem {
  const pl_scenario *s;
  int ni, np;
  uint32_t *cnt;       /* candidates per issue */
  uint32_t **opt;      /* opt[i][c]: scenario option or PL_NOT_AGREED */
  double **contrib;    /* contrib[i][c * np + p] */
  uint64_t **vmask;    /* vmask[i][c] */
  int n_multi;
  const pl_expr **multi;
  uint64_t *multi_bit;
  int n_special;       /* parties whose utility is not the plain sum: */
  int *special;        /* their indices */
  double *rv;          /* per party */
  uint64_t *rv_bit;    /* per party; 0 when the reservation cannot bind */
  uint64_t n_outcomes; /* product of cnt; UINT64_MAX when larger */
  void *mem;           /* owned allocations, freed by pl__problem_free */
} pl__problem;

/* The constraints of a scenario, one violation bit each: the rule red lines
 * in scenario order, then the positive reservation values. */
typedef struct pl__constraints {
  int n;
  pl_constraint *items;
  int *variant; /* NULL, or per item: the variant of the red line that is
                   checked instead of the red line itself, -1 for none */
} pl__constraints;

int pl__constraints_init(pl__constraints *c, const pl_scenario *s);
void pl__constraints_free(pl__constraints *c);

/* Builds the problem. `agreed` is a bitset over issues, or NULL for all:
 * issues outside it are left at each party's status quo, and red lines that
 * mention them are not counted. n_outcomes saturates at UINT64_MAX when the product of
 * the candidate counts overflows. */
int pl__problem_init(pl__problem *pb, const pl_scenario *s,
                     const pl__constraints *cons, const uint64_t *agreed);
void pl__problem_free(pl__problem *pb);
/* Options of the outcome with the given index in the problem's radix. */
void pl__problem_decode(const pl__problem *pb, uint64_t index,
                        uint32_t *options);

/* What enumeration gathers. */
typedef struct pl__acc {
  int np;
  uint64_t memory_limit;
  bool stop_at_first; /* feasibility test only: stop at a feasible outcome */
  bool skip_masks;    /* do not gather minimal violation masks (the visit
                         hook sees every mask) */
  uint64_t feasible;
  size_t nf, capf;    /* frontier: nf points */
  double *fu;         /* nf * np utilities */
  uint64_t *fidx;     /* outcome index of each point */
  size_t nm, capm;    /* minimal violation masks */
  uint64_t *masks;
  uint64_t seen[256]; /* recently seen non-minimal masks */
  size_t last_dom;    /* frontier point that last rejected a candidate */
  int rc;             /* PL_ENOMEM / PL_ETOOBIG when gathering failed */
  int (*progress)(void *ctx, double done); /* see pl_analysis_options */
  void *progress_ctx;
  /* When set, called with every outcome: its index, utilities and
   * violation mask (0: feasible), before it is gathered; a non-zero
   * return stops the enumeration with that status. */
  int (*visit)(void *ctx, uint64_t index, const double *u, uint64_t mask);
  void *visit_ctx;
} pl__acc;

void pl__acc_init(pl__acc *acc, int np, uint64_t memory_limit);
void pl__acc_free(pl__acc *acc);

/* Visits every outcome of pb (or until the first feasible one when
 * acc->stop_at_first). Returns acc->rc. */
int pl__enumerate(const pl__problem *pb, pl__acc *acc);

/* Frontier insertion, exposed for tests: adds point u (np utilities) unless
 * a point already held dominates or equals it, removing points it
 * dominates. */
void pl__frontier_add(pl__acc *acc, const double *u, uint64_t index);
/* pl__frontier_add of u[k * np ..] with index[k] for k = 0..n-1 in turn,
 * the same frontier in the same order, but for three or more parties in
 * time that grows with the frontier near each point rather than the whole
 * (a dominance index, dominance.h). Returns acc->rc. */
int pl__frontier_add_all(pl__acc *acc, const double *u,
                         const uint64_t *index, size_t n);

#endif
