/* The layout of a sequencing result, shared by sequence.c and the JSON
 * report (sequence_json.c). */
#ifndef PL_SEQUENCE_INTERNAL_H
#define PL_SEQUENCE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "sequence/conflicts.h"
#include "sequence/plan_internal.h"

/* One order and everything reported about it. */
typedef struct pl__order {
  bool present;
  int *steps;       /* n positions; a step split in k tranches appears k times */
  size_t n;
  int *tranches;    /* per step: its tranches in this order */
  double *gain;     /* (n + 1) x np: running gains, row 0 all 0 */
  int *violated;    /* demands broken, ascending */
  size_t n_violated;
  int hard;         /* hard demands among them */
  int64_t weight;   /* soft weight among them */
  bool counted;     /* optimal is known */
  uint64_t optimal; /* equally good orders */
  bool capped;      /* at least `optimal` */
} pl__order;

#define PL__ORDER_KINDS 3

struct pl_sequence {
  const pl_plan *plan;
  bool evaluated, exact, levers;
  uint64_t states, bytes;
  pl__conflicts conf;
  double tol;
  double bound[PL__PLAN_MAX_PARTIES];
  pl__order order[PL__ORDER_KINDS];
  /* bounds over every admissible order */
  int lb_hard;
  int64_t lb_weight;
  double ub_slack;
  /* levers */
  double uniform;
  bool has_needed[PL__PLAN_MAX_PARTIES];
  double needed[PL__PLAN_MAX_PARTIES], alone[PL__PLAN_MAX_PARTIES];
  pl_tranche_status tranche_status;
  int tranche_extra;
};

#endif
