/* The layout of a sequencing plan, shared by the reader (plan_yaml.c), the
 * queries (plan.c) and the analysis (sequence.c, conflicts.c, ideals.c). */
#ifndef PL_PLAN_INTERNAL_H
#define PL_PLAN_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "core/util.h"
#include "parley/sequence.h"

/* Limits of the plan format (docs/sequence-format.md). */
#define PL__PLAN_MAX_PARTIES 64   /* parties are bits of a uint64_t */
#define PL__PLAN_MAX_STEPS 256
#define PL__PLAN_MAX_DEMANDS 4096
#define PL__PLAN_MAX_TRANCHES 64  /* tranches of one step */
#define PL__PLAN_MAX_WEIGHT 1000000
#define PL__PLAN_MAX_NUMBER 1e12  /* |gain|, cost, value, defection cost */

typedef struct pl__plan_party {
  char *id, *name;
  double defection_cost;
} pl__plan_party;

typedef struct pl__plan_step {
  char *id, *description;
  int by;         /* party, or -1 for a joint step */
  int tranches;   /* >= 1 */
  int *after;     /* prerequisites, n_after of them */
  size_t n_after;
} pl__plan_step;

typedef struct pl__plan_demand {
  char *id, *description;
  int party, step;
  pl_demand_kind kind;
  int *others; /* before/after: the other steps */
  size_t n_others;
  bool hard;
  int64_t weight; /* soft: >= 1; hard: 0 */
} pl__plan_demand;

struct pl_plan {
  char *id, *title, *description;
  int np, ns, nd;
  pl__plan_party *parties;
  pl__plan_step *steps;
  pl__plan_demand *demands;
  double *gain; /* ns x np: gain[s * np + p] */
};

/* An empty plan (NULL when out of memory), filled by the reader. */
pl_plan *pl__plan_new(void);

#endif
