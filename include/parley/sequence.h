/*
 * sequence.h — implementation sequencing: in which order the steps of an
 * agreed package are carried out (docs/sequencing.md, docs/sequence-format.md).
 *
 * A plan (pl_plan) holds parties, steps and the parties' demands on the
 * order of the steps. pl_sequence_analyze answers: can every hard demand
 * hold together (and if not, which minimal sets of demands clash); which
 * order breaks the least weight of demands; how exposed each party is at
 * every step of an order; and which levers (guarantees, tranches) make a
 * safe order exist. pl_sequence_evaluate does the same for a given order.
 *
 * The conventions of core.h hold: calls return PL_OK or a negative
 * PL_E* code and fill a caller's pl_error (may be NULL); _free(NULL) is a
 * no-op; returned pointers borrow from the handle they came from and live
 * as long as it does; the library never prints. A plan is read-only once
 * loaded and may be shared between threads; so may a result.
 */
#ifndef PARLEY_SEQUENCE_H
#define PARLEY_SEQUENCE_H

#include <stddef.h>
#include <stdint.h>

#include "parley/core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Plans                                                               */
/* ------------------------------------------------------------------ */

typedef struct pl_plan pl_plan;

/* Reads a plan from a YAML file (docs/sequence-format.md). On failure *out
 * is NULL and err holds file:line:col and a one-line message: PL_EPARSE for
 * a bad plan, PL_ETOOBIG beyond a documented limit, PL_EIO when the file
 * cannot be read, PL_ENOMEM. */
PL_API int pl_plan_load(const char *path, pl_plan **out, pl_error *err);
/* Same from memory; `name` (may be NULL: "<memory>") is the file name used
 * in messages. The text need not be NUL-terminated. */
PL_API int pl_plan_load_string(const char *text, size_t len, const char *name,
                               pl_plan **out, pl_error *err);
PL_API void pl_plan_free(pl_plan *p);

/* Id ("plan" when the file gives none), title and description ("" when
 * absent). */
PL_API const char *pl_plan_id(const pl_plan *p);
PL_API const char *pl_plan_title(const pl_plan *p);
PL_API const char *pl_plan_description(const pl_plan *p);

/* Parties, in file order. The name is the id when none was given. */
PL_API int pl_plan_party_count(const pl_plan *p);
PL_API const char *pl_plan_party_id(const pl_plan *p, int party);
PL_API const char *pl_plan_party_name(const pl_plan *p, int party);
/* What walking away costs the party (>= 0; default 0). */
PL_API double pl_plan_defection_cost(const pl_plan *p, int party);
/* Index of a party by id, or -1. */
PL_API int pl_plan_find_party(const pl_plan *p, const char *id);

/* Steps, in file order ("plan order", used to break ties). */
PL_API int pl_plan_step_count(const pl_plan *p);
PL_API const char *pl_plan_step_id(const pl_plan *p, int step);
/* "" when absent. */
PL_API const char *pl_plan_step_description(const pl_plan *p, int step);
/* The party that performs the step, or -1 for a joint step. */
PL_API int pl_plan_step_by(const pl_plan *p, int step);
/* What the step, carried out whole, gives the party (negative: costs). */
PL_API double pl_plan_step_gain(const pl_plan *p, int step, int party);
/* The most tranches the step may be split into (1: not splittable). */
PL_API int pl_plan_step_tranches(const pl_plan *p, int step);
/* The step's technical prerequisites (`after`): *n step indices, borrowed;
 * NULL when *n is 0. */
PL_API const int *pl_plan_step_after(const pl_plan *p, int step, size_t *n);
/* Index of a step by id, or -1. */
PL_API int pl_plan_find_step(const pl_plan *p, const char *id);

typedef enum pl_demand_kind {
  PL_DEMAND_BEFORE = 0, /* the step is complete before any of the others
                           starts */
  PL_DEMAND_AFTER = 1,  /* every one of the others is complete before the
                           step starts */
  PL_DEMAND_FIRST = 2,  /* the step is complete before any other starts */
  PL_DEMAND_LAST = 3    /* every other step is complete before it starts */
} pl_demand_kind;
/* "before", "after", "first", "last" */
PL_API const char *pl_demand_kind_name(pl_demand_kind k);

/* Demands of all parties, in file order (party by party). */
PL_API int pl_plan_demand_count(const pl_plan *p);
/* The demand's id: as given, or made from its party's demands' count
 * ("ukraine-2") when none was given. */
PL_API const char *pl_plan_demand_id(const pl_plan *p, int demand);
PL_API const char *pl_plan_demand_description(const pl_plan *p, int demand);
PL_API int pl_plan_demand_party(const pl_plan *p, int demand);
PL_API pl_demand_kind pl_plan_demand_kind(const pl_plan *p, int demand);
/* The step the demand is about. */
PL_API int pl_plan_demand_step(const pl_plan *p, int demand);
/* The other steps of a before/after demand (*n of them, borrowed); NULL
 * with *n = 0 for first/last. */
PL_API const int *pl_plan_demand_others(const pl_plan *p, int demand,
                                        size_t *n);
/* 1 for a hard demand, else 0. */
PL_API int pl_plan_demand_hard(const pl_plan *p, int demand);
/* The weight of a soft demand (a whole number >= 1); 0 for a hard one. */
PL_API int64_t pl_plan_demand_weight(const pl_plan *p, int demand);
/* The demand as words into buf ("border after elections, amnesty");
 * returns buf. Truncated to size. */
PL_API const char *pl_plan_demand_text(const pl_plan *p, int demand,
                                       char *buf, size_t size);

/* ------------------------------------------------------------------ */
/* Analysis                                                            */
/* ------------------------------------------------------------------ */

typedef struct pl_sequence_options {
  size_t struct_size;    /* sizeof(pl_sequence_options), set by _init */
  uint64_t max_states;   /* order ideals the exact search may visit
                            (default 2^25 = 33554432); beyond, the
                            heuristic runs */
  uint64_t memory_limit; /* bytes for the exact search's tables (default
                            2 GiB); beyond, the heuristic runs */
  unsigned beam_width;   /* partial orders the heuristic keeps per step
                            (default 256; less on very large plans, to
                            stay within about 2^30 elementary steps) */
  unsigned max_conflicts; /* minimal conflicting sets listed at most
                             (default 100) */
  int levers;            /* 1 (default): compute the levers; 0: skip them */
  unsigned max_extra_tranches; /* the tranche lever tries at most this many
                                  extra tranches in all (default 12) */
  uint64_t tranche_work; /* order ideals the tranche lever may visit over
                            all splits tried (default 2^25) */
} pl_sequence_options;
PL_API void pl_sequence_options_init(pl_sequence_options *o);

typedef struct pl_sequence pl_sequence;

/* Analyses a plan: feasibility and conflicts, the recommended order (the
 * best compromise: fewest hard demands broken, then least soft weight, then
 * the largest minimum slack), the safest order, exposure and levers
 * (docs/sequencing.md). o may be NULL (defaults). An infeasible plan is a
 * successful analysis (pl_sequence_feasible says 0). Fails with PL_ENOMEM
 * only; a plan too large for the exact search gets the heuristic
 * (pl_sequence_exact says 0). The plan must outlive the result. */
PL_API int pl_sequence_analyze(const pl_plan *p, const pl_sequence_options *o,
                               pl_sequence **out, pl_error *err);

/* Evaluates one order instead of searching: `order` holds n step indices;
 * a step that allows tranches may appear up to pl_plan_step_tranches times
 * (k appearances: k equal tranches), every other step exactly once. The
 * result holds that order as PL_ORDER_RECOMMENDED, the demands it breaks,
 * its exposure, feasibility and conflicts, and as levers the guarantee
 * each party needs for this order to be safe. PL_EINVAL (with the step
 * named in err) when a step is missing, repeated beyond its tranches, out
 * of range, or placed before one of its prerequisites is complete. */
PL_API int pl_sequence_evaluate(const pl_plan *p, const int *order, size_t n,
                                pl_sequence **out, pl_error *err);
PL_API void pl_sequence_free(pl_sequence *r);

/* 1 when pl_sequence_evaluate made the result, 0 for pl_sequence_analyze. */
PL_API int pl_sequence_evaluated(const pl_sequence *r);
/* 1 when some order satisfies every prerequisite and every hard demand. */
PL_API int pl_sequence_feasible(const pl_sequence *r);
/* 1 when the orders and figures are exact (dynamic programming over the
 * order ideals), 0 when the heuristic found them (bounds below). An
 * evaluated order is exact. */
PL_API int pl_sequence_exact(const pl_sequence *r);
/* Order ideals (sets of steps that can be done first) the exact search
 * visited; 0 for the heuristic and for an evaluation. */
PL_API uint64_t pl_sequence_states(const pl_sequence *r);
/* Bytes the exact search's tables took (0 when it did not run). */
PL_API uint64_t pl_sequence_memory(const pl_sequence *r);

/* Conflicts: minimal sets of hard demands that cannot hold together (with
 * the prerequisites, always in force); none when feasible. Sorted by size,
 * then demand indices. */
PL_API size_t pl_sequence_conflict_count(const pl_sequence *r);
/* The demands of conflict k (*n of them, borrowed, ascending). */
PL_API const int *pl_sequence_conflict(const pl_sequence *r, size_t k,
                                       size_t *n);
/* A cycle of steps the conflict's demands and the prerequisites force
 * (*n steps, the first repeated at the end), borrowed. */
PL_API const int *pl_sequence_conflict_cycle(const pl_sequence *r, size_t k,
                                             size_t *n);
/* 1 when every minimal conflicting set is listed; 0 when the list stopped
 * at max_conflicts or at the search's work limit. */
PL_API int pl_sequence_conflicts_complete(const pl_sequence *r);

typedef enum pl_order_kind {
  PL_ORDER_RECOMMENDED = 0, /* the best compromise (or the evaluated order) */
  PL_ORDER_SAFEST = 1,      /* the largest minimum slack, hard demands as
                               for the compromise, soft demands ignored */
  PL_ORDER_TRANCHED = 2     /* the safe order the tranche lever found */
} pl_order_kind;
/* "recommended", "safest", "tranched" */
PL_API const char *pl_order_kind_name(pl_order_kind k);

/* The order: *n step indices (a step split into k tranches appears k
 * times), borrowed; NULL with *n = 0 when the result has no such order
 * (safest and tranched for an evaluation; tranched when the lever found
 * none). Among equally good orders, the one that is lexicographically
 * smallest in plan order. */
PL_API const int *pl_sequence_order(const pl_sequence *r, pl_order_kind k,
                                    size_t *n);
/* Number of tranches of `step` in the order (1 when not split; 0 when the
 * order is absent). */
PL_API int pl_sequence_order_tranches(const pl_sequence *r, pl_order_kind k,
                                      int step);
/* The party's running gain after the first `prefix` positions of the order
 * (prefix 0..n; 0 before any step); NAN when absent or out of range. */
PL_API double pl_sequence_gain(const pl_sequence *r, pl_order_kind k,
                               int party, size_t prefix);
/* K = the party's gain from the whole plan + its defection cost: the most
 * it can have received at any point without being tempted to walk away. */
PL_API double pl_sequence_bound(const pl_sequence *r, int party);
/* Slack = bound - running gain; negative: the party is exposed (it has
 * collected more than seeing the agreement through would give it). */
PL_API double pl_sequence_slack(const pl_sequence *r, pl_order_kind k,
                                int party, size_t prefix);
/* The order's minimum slack over every party and prefix (NAN when
 * absent); *prefix and *party (either may be NULL) say where: the first
 * prefix, then the first party, that reaches it. */
PL_API double pl_sequence_min_slack(const pl_sequence *r, pl_order_kind k,
                                    size_t *prefix, int *party);
/* The party's own minimum slack over the order's prefixes, and where. */
PL_API double pl_sequence_party_min_slack(const pl_sequence *r,
                                          pl_order_kind k, int party,
                                          size_t *prefix);
/* 1 when no party's slack is below the tolerance anywhere in the order.
 * The tolerance is 10^-9 times the largest sum over a party of |gains| and
 * its defection cost (at least 10^-9). */
PL_API int pl_sequence_safe(const pl_sequence *r, pl_order_kind k);
/* 1 when the party's slack is below the tolerance somewhere in the order:
 * it has collected more than seeing the agreement through gives it. */
PL_API int pl_sequence_exposed(const pl_sequence *r, pl_order_kind k,
                               int party);
/* The demands the order breaks (*n, ascending, borrowed), how many of them
 * are hard, and the total weight of the soft ones. */
PL_API const int *pl_sequence_violated(const pl_sequence *r, pl_order_kind k,
                                       size_t *n);
PL_API int pl_sequence_hard_violated(const pl_sequence *r, pl_order_kind k);
PL_API int64_t pl_sequence_weight_violated(const pl_sequence *r,
                                           pl_order_kind k);
/* How many orders are as good as this one (recommended: the same hard
 * count and soft weight; safest: the same minimum slack, also breaking as
 * few hard demands). 0 when not counted (heuristic, evaluation). *capped
 * (may be NULL) is 1 when there are at least that many (2^63). */
PL_API uint64_t pl_sequence_optimal_orders(const pl_sequence *r,
                                           pl_order_kind k, int *capped);

/* Bounds that hold for every order, from the plan's structure; with the
 * heuristic they say how far its orders can be from the best: no order
 * breaks fewer than *hard hard demands nor violates less than *weight soft
 * weight; no order has a minimum slack above the returned value. */
PL_API double pl_sequence_bounds(const pl_sequence *r, int *hard,
                                 int64_t *weight);

/* ------------------------------------------------------------------ */
/* Levers (docs/sequencing.md)                                          */
/* ------------------------------------------------------------------ */

/* 1 when the levers were computed (options.levers), else 0. */
PL_API int pl_sequence_levers(const pl_sequence *r);
/* The smallest amount that, added to every party's defection cost, makes
 * a safe order exist (0 when one exists already). For an evaluation: the
 * amount that makes the given order safe. */
PL_API double pl_sequence_uniform_guarantee(const pl_sequence *r);
/* The smallest defection cost of `party` that, the other parties' left as
 * they are, makes a safe order exist: returns 1 and sets *needed, or
 * returns 0 when no guarantee to this party alone does (another party is
 * exposed in every order). *alone (may be NULL) gets the defection cost
 * the party needs in the order best for it, the others ignored: a lower
 * bound of *needed. For an evaluation both are what the given order
 * needs. With the heuristic, upper bounds. */
PL_API int pl_sequence_guarantee(const pl_sequence *r, int party,
                                 double *needed, double *alone);

typedef enum pl_tranche_status {
  PL_TRANCHES_NOT_NEEDED = 0, /* a safe order exists without splitting */
  PL_TRANCHES_FOUND = 1,      /* a split makes a safe order exist */
  PL_TRANCHES_NONE = 2,       /* no split allowed by the plan does */
  PL_TRANCHES_LIMIT = 3,      /* none with up to the extra tranches tried;
                                 the search stopped at its limit */
  PL_TRANCHES_NOT_COMPUTED = 4 /* heuristic, evaluation, or levers off */
} pl_tranche_status;
/* "not_needed", "found", "none", "limit", "not_computed" */
PL_API const char *pl_tranche_status_name(pl_tranche_status s);
/* The tranche lever: the fewest extra tranches (sum over steps of
 * tranches - 1) with which a safe order exists. *extra (may be NULL) gets
 * that number when found, else the most extra tranches fully tried. The
 * split itself is pl_sequence_order_tranches(r, PL_ORDER_TRANCHED, step). */
PL_API pl_tranche_status pl_sequence_tranche_lever(const pl_sequence *r,
                                                   int *extra);

/* The result as one JSON object (docs/sequencing.md), free with pl_free;
 * NULL when out of memory. */
PL_API char *pl_sequence_to_json(const pl_sequence *r);

#ifdef __cplusplus
}
#endif

#endif
