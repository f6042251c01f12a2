/*
 * mediation.h — the mediator's questions: what is the smallest move, by
 * whom, that opens a zone of agreement (pl_unlock_*), and is there a
 * package every party prefers to a given one (pl_improve_*)
 * (docs/mediation.md, JSON in docs/mediation-json.md).
 *
 * The conventions of core.h hold for every call declared here.
 */
#ifndef PARLEY_MEDIATION_H
#define PARLEY_MEDIATION_H

#include "parley/analysis.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Unlocking a deadlock                                                 */
/* ------------------------------------------------------------------ */

typedef struct pl_unlock_options {
  size_t struct_size;    /* sizeof(pl_unlock_options), set by _init */
  int party;             /* >= 0: only this party's concessions (what can
                            it do alone?); -1 (default): every party's */
  size_t max_sets;       /* sets described in full, cheapest first (default
                            10; the fairest are added when beyond) */
  uint64_t max_outcomes; /* enumerate at most this many (default 2^32);
                            larger additive scenarios go structural */
  uint64_t memory_limit; /* bytes for the search (default 16 GiB) */
  size_t max_candidates; /* budget: concession sets kept while searching
                            (default 100000); beyond it the search stops
                            and the list may be incomplete */
} pl_unlock_options;
PL_API void pl_unlock_options_init(pl_unlock_options *o);

typedef enum pl_move_kind {
  PL_MOVE_VARIANT = 0, /* a red line replaced by one of its variants */
  PL_MOVE_DROP = 1,    /* a red line dropped */
  PL_MOVE_LOWER = 2    /* a reservation value lowered */
} pl_move_kind;
/* "variant", "drop", "lower" */
PL_API const char *pl_move_kind_name(pl_move_kind k);

typedef struct pl_move {
  pl_move_kind kind;
  int party;
  int red_line;     /* the red line moved; -1 for a reservation value */
  int variant;      /* PL_MOVE_VARIANT: the variant moved to; else -1 */
  double from, to;  /* PL_MOVE_LOWER: the reservation value and the least
                       lowered one that suffices given the other moves */
  double cost;
} pl_move;

/* One set of concessions that opens a zone of agreement, minimal: no move
 * can be taken back or made smaller and the set still open one. */
typedef struct pl_unlock_set {
  size_t n_moves;
  const pl_move *moves;      /* red lines in scenario order, then
                                reservation values by party */
  double cost;               /* the sum of the moves' costs */
  int parties_moving;
  double max_party_cost;     /* the largest cost one party bears */
  int fairest;               /* 1: no set puts less on its worst-off party */
  /* The scenario with these concessions made: */
  uint64_t feasible;         /* packages it allows; UINT64_MAX: more, or
                                not counted (structural method) */
  size_t pareto_count;       /* its Pareto frontier */
  const pl_point *solution[PL_SOLUTION_COUNT_]; /* Nash, Kalai-Smorodinsky,
                                utilitarian, egalitarian; NULL when the
                                detail was not computed */
} pl_unlock_set;

typedef struct pl_unlock pl_unlock;

/* Searches the minimal concession sets of a finished scenario: the sets of
 * moves (red lines to a variant or dropped, reservation values lowered)
 * after which some package satisfies every red line and reservation value,
 * such that no proper part of the set does so at the same or a lower cost.
 * They are ranked by cost, then by the fewest parties moving. Exact by
 * enumeration up to max_outcomes; beyond, for additive scenarios whose red
 * lines and variants mention one issue each, issue by issue: by combining
 * the issues' violation masks, or, when a reservation value can bind, by
 * the frontier of utilities and violation masks (exact too; PL_ETOOBIG
 * with the reason when that frontier outgrows 64 x max_candidates points
 * after an issue or the memory limit); else PL_ETOOBIG. PL_ETOOBIG too
 * when red lines, variants and binding reservation values exceed 64. */
PL_API int pl_unlock_compute(const pl_scenario *s, const pl_unlock_options *o,
                             pl_unlock **out, pl_error *err);
PL_API void pl_unlock_free(pl_unlock *u);
/* 0 when the scenario already has feasible packages (nothing to unlock). */
PL_API int pl_unlock_needed(const pl_unlock *u);
/* "enumerate" or "structural" */
PL_API const char *pl_unlock_method(const pl_unlock *u);
/* 1 when the search stopped at its budget: more sets, or cheaper ones,
 * may exist. */
PL_API int pl_unlock_incomplete(const pl_unlock *u);
/* Minimal sets found in all (with o->party, that party's alone). */
PL_API size_t pl_unlock_total(const pl_unlock *u);
/* The sets described, cheapest first. */
PL_API size_t pl_unlock_set_count(const pl_unlock *u);
PL_API const pl_unlock_set *pl_unlock_set_at(const pl_unlock *u, size_t i);
/* The analysis of the scenario with set i's moves made (its feasible set is
 * what the set opens), or NULL when it was not computed; owned by u (for
 * pl_plot_analysis and the like). */
PL_API const pl_analysis *pl_unlock_set_analysis(const pl_unlock *u,
                                                 size_t i);
/* The party the search was restricted to, or -1. */
PL_API int pl_unlock_party(const pl_unlock *u);
/* Status-quo utility of a party, or -1 when it has none (gains are
 * reported against it). */
PL_API double pl_unlock_status_quo_utility(const pl_unlock *u, int party);
/* The result as one JSON object (docs/mediation-json.md), or NULL when out
 * of memory. Free with pl_free. */
PL_API char *pl_unlock_to_json(const pl_unlock *u);

/* ------------------------------------------------------------------ */
/* Improving a deal                                                     */
/* ------------------------------------------------------------------ */

/* Reads a package: "status_quo" (the scenario's status quo), or
 * "issue=option,issue=option,..." (issues left out take the scenario's
 * status quo; without one, every issue must be named). Errors carry `name`
 * as the file, line 1 and the column of the mistake (PL_EPARSE for unknown
 * issues or options, a repeated or missing issue). options: issue_count
 * entries. */
PL_API int pl_package_parse(const pl_scenario *s, const char *text,
                            const char *name, uint32_t *options,
                            pl_error *err);

/* Reads the agreement a negotiation ended with from its transcript (JSON
 * Lines, docs/negotiation.md): the outcome of the last "end" event.
 * PL_EPARSE (path:line:col) when the file is not a transcript, the
 * negotiation ended without agreement, or the outcome names issues or
 * options the scenario does not have; PL_EIO when it cannot be read.
 * Issues a partial agreement leaves out take the status quo (an error
 * without one). */
PL_API int pl_package_from_transcript(const pl_scenario *s, const char *path,
                                      uint32_t *options, pl_error *err);

typedef struct pl_improve_options {
  size_t struct_size;      /* sizeof(pl_improve_options), set by _init */
  uint64_t max_outcomes;   /* enumerate at most this many (default 2^32);
                              larger additive scenarios go structural */
  uint64_t count_limit;    /* count every improvement when the outcomes are
                              at most this many (default 10^7) */
  uint64_t memory_limit;   /* default 16 GiB */
} pl_improve_options;
PL_API void pl_improve_options_init(pl_improve_options *o);

typedef struct pl_improve pl_improve;

/* The Pareto improvements over package `from` among the feasible packages
 * (every red line and reservation value holds): every party at least as
 * well off, one better. Exact by enumeration, and for additive scenarios of
 * any size by the structural frontier. */
PL_API int pl_improve_compute(const pl_scenario *s, const uint32_t *from,
                              const pl_improve_options *o, pl_improve **out,
                              pl_error *err);
PL_API void pl_improve_free(pl_improve *x);
PL_API const pl_point *pl_improve_from(const pl_improve *x);
/* 1 when `from` satisfies every red line and reservation value. */
PL_API int pl_improve_from_feasible(const pl_improve *x);
/* 1 when no feasible package improves on `from`. */
PL_API int pl_improve_efficient(const pl_improve *x);
/* Every improvement, or UINT64_MAX when not counted (more outcomes than
 * count_limit). */
PL_API uint64_t pl_improve_count(const pl_improve *x);
/* The Pareto-optimal improvements (each a point of the frontier), by the
 * first party's utility descending. */
PL_API size_t pl_improve_best_count(const pl_improve *x);
PL_API const pl_point *pl_improve_best(const pl_improve *x, size_t i);
/* The improvement that maximises the smallest gain (ties: the largest sum),
 * and the one that maximises the product of gains; NULL when efficient. */
PL_API const pl_point *pl_improve_max_min(const pl_improve *x);
PL_API const pl_point *pl_improve_max_nash(const pl_improve *x);
/* The trades that lead from `from` to `to`, in one sentence ("russia moves
 * missiles from moratorium to verified_ban; ...: russia +0.05, usa
 * +0.08"): each changed issue is moved by the party that loses most on it
 * (by weight x value; "x goes from a to b" when nobody loses). NULL when
 * out of memory;
 * free with pl_free. */
PL_API char *pl_improve_trades(const pl_improve *x, const pl_point *to);
/* The result as one JSON object (docs/mediation-json.md), or NULL when out
 * of memory. Free with pl_free. */
PL_API char *pl_improve_to_json(const pl_improve *x);

#ifdef __cplusplus
}
#endif

#endif
