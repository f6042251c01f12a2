/* The search over orders: a plan with its steps split into tranches
 * ("units"), the exact dynamic programme over the order ideals of the
 * units' precedences, and the beam-search heuristic beyond its reach
 * (docs/sequencing.md). */
#ifndef PL_SEQ_IDEALS_H
#define PL_SEQ_IDEALS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sequence/plan_internal.h"

/* A demand checked when a unit is placed, against the set D of units done
 * before it: satisfied when every unit of req is in D and none of forb. */
typedef struct pl__check {
  int demand;
  bool hard;
  int64_t weight;
} pl__check;

/* The cost of breaking one hard demand: above any sum of soft weights
 * (at most 4096 x 10^6 < 2^40), so costs compare lexicographically. */
#define PL__HARD_COST ((uint64_t)1 << 40)
#define PL__UNREACHED UINT64_MAX

typedef struct pl__units {
  int n, np, nw; /* units, parties, words of a unit set */
  int *step;     /* unit -> step; units are numbered in a topological order */
  uint64_t *pred; /* n rows of nw words: units that must be done first */
  uint64_t *succ; /* the converse */
  double *gain;   /* n x np */
  double bound[PL__PLAN_MAX_PARTIES]; /* K of every party */
  int *cstart;    /* checks of unit x: chk[cstart[x] .. cstart[x + 1]) */
  pl__check *chk;
  uint64_t *creq, *cforb; /* nw words per check */
  int nchk;
} pl__units;

/* Builds the units of plan p with tranches[s] tranches of step s (NULL: 1
 * each). Hard demands become precedences when hard_as_edges (they must
 * hold together), else checks costing PL__HARD_COST each. PL_OK or
 * PL_ENOMEM. */
int pl__units_build(const pl_plan *p, const int *tranches, bool hard_as_edges,
                    const double *bound, pl__units *u);
void pl__units_free(pl__units *u);

/* What an order is scored by. Costs: broken checks (hard ones always, soft
 * weights when `soft`); bottleneck: the minimum over the order's prefixes
 * of min over the parties in `bott` of K - gain; a prefix where a party of
 * `guard` has slack below -tol, or (count passes) where the bottleneck is
 * below `floor`, is not allowed. */
typedef struct pl__objective {
  bool soft;
  uint64_t bott, guard;
  double tol, floor;
} pl__objective;

typedef union pl__cell {
  uint64_t u;
  double d;
} pl__cell;

/* The order ideals of a pl__units with n <= 64, and two values per ideal. */
typedef struct pl__space {
  const pl__units *u;
  bool dense;          /* tables indexed by the set itself, else by the
                          ideal's place among the sorted ideals */
  uint64_t full;       /* every unit */
  uint64_t count;      /* ideals */
  uint64_t *bits;      /* dense: which sets are ideals */
  uint64_t *mask;      /* sparse: the ideals in increasing order */
  uint64_t cursor[64]; /* sparse: per unit, where the last set + unit was */
  pl__cell *a, *b;
  double *tab;         /* gains by byte of the set: [chunk][party][256] */
  int nchunk;
  uint64_t bytes;      /* memory taken */
} pl__space;

/* Enumerates the ideals. Returns PL_OK, PL_ENOMEM, or PL_ETOOBIG when
 * there are more than max_states or the tables would take more than
 * memory bytes (n > 64 too). layout: 0 chooses, 1 dense only, 2 sparse
 * only (tests). */
int pl__space_build(const pl__units *u, uint64_t max_states, uint64_t memory,
                    int layout, pl__space *sp);
void pl__space_free(pl__space *sp);

/* Backward passes. value: a = least cost to finish, b = the largest
 * bottleneck among the least-cost ways (PL__UNREACHED / -inf when no
 * allowed way). count: a = least cost, b.u = how many least-cost ways
 * (saturating at 2^63). The start's figures: a[index of 0], b[...]. */
void pl__space_value(pl__space *sp, const pl__objective *o);
void pl__space_count(pl__space *sp, const pl__objective *o);
/* The table entry of an ideal (UINT64_MAX when set is none). */
uint64_t pl__space_index(const pl__space *sp, uint64_t set);
/* After pl__space_value with the same o: the optimal order that is
 * lexicographically smallest by step, as n units into out. Returns false
 * when no allowed order exists. */
bool pl__space_path(const pl__space *sp, const pl__objective *o, int *out);

/* The heuristic: beam search keeping `width` partial orders per length,
 * ranked like pl__space_value. Fills out (n units), *cost and *bott;
 * returns PL_OK, PL_ENOTFOUND when no allowed order was found, or
 * PL_ENOMEM. */
int pl__beam(const pl__units *u, const pl__objective *o, unsigned width,
             int *out, uint64_t *cost, double *bott);

/* The cost of placing unit x after the units in done (nw words). */
uint64_t pl__units_cost(const pl__units *u, int x, const uint64_t *done,
                        bool soft);

#endif
