/* Layout of an analysis result, shared by analysis/ and report/. */
#ifndef PL_ANALYSIS_INTERNAL_H
#define PL_ANALYSIS_INTERNAL_H

#include "analysis/enumerate.h"

struct pl_analysis {
  const pl_scenario *s;
  const char *method;
  int np, ni;
  uint64_t n_outcomes;
  uint64_t memory_limit;
  pl_kalai kalai;
  double epsilon; /* > 0: the frontier is an epsilon-approximation */
  uint64_t boxes; /* boxes the box search visited (method "boxes") */
  uint64_t feasible;     /* UINT64_MAX: more, or not known */
  bool feasible_known;
  char *feasible_text;   /* exact decimal when known beyond 2^64 */
  bool explained;        /* deadlocks / binding constraints computed */
  pl__constraints cons;
  /* Pareto frontier */
  size_t nf;
  pl_point *front;
  uint32_t *front_opts;
  double *front_u;
  const pl_point *sol[PL_SOLUTION_COUNT_];
  double *sq_u; /* per party; -1 without status quo */
  /* issues */
  pl_issue_class *cls;
  uint32_t *common_opt;
  uint64_t *acceptable; /* bitsets, at acc_off[issue * np + party] */
  size_t *acc_off;
  bool acceptable_approx;
  /* explanations */
  size_t n_dead;
  pl_constraint *dead_items;
  size_t *dead_off;
  bool dead_truncated;
  size_t n_bind;
  pl_constraint *bind;
  /* partial agreements */
  pl_partial_status partial_status;
  size_t n_partial;
  pl_partial *partial;
};

void pl__solutions(const pl_analysis *a, const pl_point *front, size_t n,
                   const pl_point **sol);
/* pl_analyze; without allow_boxes, auto never picks the box method (what
 * unlock and improve need: an exact frontier, or the refusal they report),
 * and non-additive spaces beyond max_outcomes are refused as before. */
int pl__analyze(const pl_scenario *s, const pl_analysis_options *opts,
                bool allow_boxes, pl_analysis **out, pl_error *err);

#endif
