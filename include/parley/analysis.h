/*
 * analysis.h — what a scenario allows: feasible set, Pareto frontier, Nash,
 * Kalai-Smorodinsky, utilitarian and egalitarian packages, issue classes,
 * deadlocks and their explanations, partial agreements (docs/analysis.md).
 *
 * The conventions of core.h hold for every call declared here.
 */
#ifndef PARLEY_ANALYSIS_H
#define PARLEY_ANALYSIS_H

#include "parley/scenario.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Analysis                                                            */
/* ------------------------------------------------------------------ */

typedef enum pl_method {
  PL_METHOD_AUTO = 0,       /* the library chooses (docs/analysis.md) */
  PL_METHOD_ENUMERATE = 1,  /* visit every outcome */
  PL_METHOD_STRUCTURAL = 2, /* issue by issue, without enumerating: additive
                               utilities and one-issue red lines only */
  PL_METHOD_BOXES = 3       /* branch and bound over boxes of the outcome
                               space: any utilities and red lines, exact
                               within a budget of boxes, else an
                               epsilon-frontier that states its epsilon */
} pl_method;

typedef enum pl_kalai {
  PL_KALAI_PROPER = 0, /* Kalai & Smorodinsky 1975 (docs/analysis.md) */
  PL_KALAI_GENIUS = 1  /* what GENIUS and ANL report as "Kalai": the frontier
                          point minimising the sum of |u_i - u_j| */
} pl_kalai;

typedef struct pl_analysis_options {
  size_t struct_size;     /* sizeof(pl_analysis_options), set by _init */
  pl_method method;       /* default PL_METHOD_AUTO */
  uint64_t max_outcomes;  /* enumerate at most this many (default 2^32) */
  uint64_t memory_limit;  /* bytes for stored results (default 16 GiB) */
  int partial_max_issues; /* partial agreements up to this many issues
                             (default 16, at most 62) */
  pl_kalai kalai;         /* which Kalai point (default PL_KALAI_PROPER) */
  double epsilon;         /* > 0: an epsilon-approximate frontier (structural
                             and box methods; for many parties, where exact
                             frontiers explode): every Pareto-optimal
                             package is less than epsilon below a listed
                             one in every party's utility. 0 (default):
                             exact */
  /* Called now and then during a long enumeration with the share done, in
   * [0,1]; returning non-zero stops the analysis (PL_ESTATE, "stopped").
   * NULL (default): not called. */
  int (*progress)(void *ctx, double done);
  void *progress_ctx;
  /* The box method's budget, a count of work, not time: each box searched
   * and each refinement of a two-party weighted-sum bound (about a box's
   * bound) counts one. Searches at epsilon 0.08, 0.04, 0.02, 0.01, then
   * exact (or the epsilon asked for), each from the root; when the budget
   * runs out the result states the epsilon it can certify. 0 (default):
   * 4,000,000, about ten seconds of one core at most. */
  uint64_t max_boxes;
} pl_analysis_options;

PL_API void pl_analysis_options_init(pl_analysis_options *o);

typedef struct pl_analysis pl_analysis;

/* Analyses a finished scenario. PL_ETOOBIG, with the outcome count and what
 * to do in err->message, when the outcome space exceeds max_outcomes or the
 * results exceed memory_limit. The scenario must outlive the analysis. */
PL_API int pl_analyze(const pl_scenario *s, const pl_analysis_options *o,
                      pl_analysis **out, pl_error *err);
PL_API void pl_analysis_free(pl_analysis *a);

/* "enumerate", "structural" or "boxes" */
PL_API const char *pl_analysis_method(const pl_analysis *a);
/* The epsilon of an approximate frontier, 0 when exact. The box method
 * certifies it: every feasible package is at most epsilon below a listed
 * one in every party's utility (up to the tolerance). */
PL_API double pl_analysis_epsilon(const pl_analysis *a);
/* Boxes the box method searched (0 for the other methods). */
PL_API uint64_t pl_analysis_boxes(const pl_analysis *a);
/* The Kalai definition the analysis used (pl_analysis_options.kalai). */
PL_API pl_kalai pl_analysis_kalai(const pl_analysis *a);
/* Feasible outcomes: satisfy every red line and give every party at least
 * its reservation value. UINT64_MAX when there are more, or when the count
 * was not computed (the structural method with a binding reservation
 * value); pl_analysis_feasible_text tells which. */
PL_API uint64_t pl_analysis_feasible_count(const pl_analysis *a);
/* The exact feasible count as a decimal, whatever its size: PL_OK, or
 * PL_ENOTFOUND when it was not computed, PL_ERANGE when buf is too small. */
PL_API int pl_analysis_feasible_text(const pl_analysis *a, char *buf,
                                     size_t size);
/* 1 when deadlocks or binding constraints were computed (always, by
 * enumeration; by the structural method unless a reservation value can
 * bind), else 0: the lists below are then empty for want of computation. */
PL_API int pl_analysis_explained(const pl_analysis *a);

/* A package and what it gives each party (arrays of issue_count options and
 * party_count utilities). */
typedef struct pl_point {
  const uint32_t *options;
  const double *utilities;
} pl_point;

/* Pareto frontier of the feasible set, one outcome per distinct utility
 * vector, sorted by the first party's utility descending, then the next. */
PL_API size_t pl_analysis_pareto_count(const pl_analysis *a);
PL_API const pl_point *pl_analysis_pareto(const pl_analysis *a, size_t i);

typedef enum pl_solution {
  PL_SOLUTION_NASH = 0,        /* max product of gains over reservation */
  PL_SOLUTION_KALAI = 1,       /* Kalai–Smorodinsky */
  PL_SOLUTION_WELFARE = 2,     /* utilitarian: max sum */
  PL_SOLUTION_EGALITARIAN = 3, /* max of the minimum gain (leximin) */
  PL_SOLUTION_COUNT_ = 4
} pl_solution;
/* "nash", "kalai", "welfare", "egalitarian" */
PL_API const char *pl_solution_name(pl_solution which);
/* NULL when the feasible set is empty. */
PL_API const pl_point *pl_analysis_solution(const pl_analysis *a,
                                            pl_solution which);
/* Individual rationality against the status quo: 1 when the package gives
 * `party` at least its status-quo utility, 0 when less, -1 when the party
 * has no status quo. */
PL_API int pl_analysis_point_rational(const pl_analysis *a, const pl_point *pt,
                                      int party);
/* Utility of the party's status quo, or -1 when it has none. */
PL_API double pl_analysis_status_quo_utility(const pl_analysis *a, int party);

typedef enum pl_issue_class {
  PL_CLASS_COMMON_GROUND = 0, /* an option all accept that makes nobody worse
                                 off than its status quo, someone better */
  PL_CLASS_CONTESTED = 1,     /* options all accept exist; preferences oppose */
  PL_CLASS_BLOCKED = 2,       /* red lines leave no common option */
  PL_CLASS_INDIFFERENT = 3    /* every party values every option alike
                                 (weight 0 or flat values): nothing at stake */
} pl_issue_class;
PL_API const char *pl_issue_class_name(pl_issue_class c); /* "blocked", ... */
PL_API pl_issue_class pl_analysis_issue_class(const pl_analysis *a, int issue);
/* 1 when some outcome with this option satisfies every red line of party. */
PL_API int pl_analysis_acceptable(const pl_analysis *a, int issue, int party,
                                  uint32_t option);
/* 1 when the acceptable options are exact; 0 when a party's red lines span
 * more than 10^7 combinations of issues and were not projected (every
 * option of those issues is then reported acceptable). */
PL_API int pl_analysis_acceptable_exact(const pl_analysis *a);
/* The option behind a common_ground class (best for the parties' sum of
 * weighted values among the qualifying ones), else PL_NOT_AGREED. */
PL_API uint32_t pl_analysis_common_option(const pl_analysis *a, int issue);

/* A constraint named in explanations: a red line (index as in
 * pl_scenario_red_line_*) or a party's reservation value. */
typedef enum pl_constraint_kind {
  PL_CONSTRAINT_RED_LINE = 0,
  PL_CONSTRAINT_RESERVATION = 1
} pl_constraint_kind;
typedef struct pl_constraint {
  pl_constraint_kind kind;
  int party;
  int red_line; /* -1 for a reservation value */
} pl_constraint;

/* Deadlocks: when the feasible set is empty, every minimal set of
 * constraints that jointly excludes every outcome (at most 1000 sets;
 * pl_analysis_deadlocks_truncated says whether there were more). */
PL_API size_t pl_analysis_deadlock_count(const pl_analysis *a);
PL_API size_t pl_analysis_deadlock(const pl_analysis *a, size_t i,
                                   const pl_constraint **items);
PL_API int pl_analysis_deadlocks_truncated(const pl_analysis *a);
/* Binding constraints: removing one alone would enlarge the feasible set. */
PL_API size_t pl_analysis_binding(const pl_analysis *a,
                                  const pl_constraint **items);

/* Partial agreements, computed when the full package deadlocks and every
 * party has a status quo: the largest (inclusion-maximal) sets of issues
 * that can be agreed on their own, the others left at the status quo, red
 * lines counted only when every issue they mention is agreed; linkage red
 * lines are not applied but reported as blocking. */
typedef struct pl_partial {
  size_t n_issues;
  const int *issues;       /* agreed issues, ascending */
  pl_point nash;           /* best Nash package; PL_NOT_AGREED elsewhere */
  size_t n_blocking;
  const int *blocking;     /* linkage red lines this partial deal violates */
} pl_partial;
/* Status of the partial-agreement analysis. */
typedef enum pl_partial_status {
  PL_PARTIAL_NOT_NEEDED = 0,   /* the full package is feasible */
  PL_PARTIAL_DONE = 1,
  PL_PARTIAL_NO_STATUS_QUO = 2, /* some party has no status quo */
  PL_PARTIAL_TOO_BIG = 3        /* more issues or outcomes than the limits */
} pl_partial_status;
PL_API pl_partial_status pl_analysis_partial_status(const pl_analysis *a);
PL_API size_t pl_analysis_partial_count(const pl_analysis *a);
PL_API const pl_partial *pl_analysis_partial(const pl_analysis *a, size_t i);

/* The analysis as one JSON object (schema in docs/analysis-json.md), or
 * NULL when out of memory. Free with pl_free. */
PL_API char *pl_analysis_to_json(const pl_analysis *a);

#ifdef __cplusplus
}
#endif

#endif
