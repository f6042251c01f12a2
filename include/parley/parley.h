/*
 * parley.h — the public API of libparley.
 *
 * Conventions that hold for every function unless its comment says otherwise:
 *
 *  - Fallible calls return an int: PL_OK (0) on success, a negative PL_E*
 *    code on failure. When a `pl_error *err` argument is given (it may be
 *    NULL), a failing call fills it with the code, a lower-case message and,
 *    for file input, the file, line and column (1-based; 0 when unknown).
 *  - Ownership: `pl_x_new`/`pl_x_free` pairs; `pl_x_free(NULL)` is a no-op.
 *    Pointers returned by query functions borrow from the handle they came
 *    from and live as long as it does, unless the function says otherwise.
 *    Strings passed in are copied.
 *  - The library never prints, exits or aborts on bad input.
 *  - Thread-safety: distinct handles may be used from distinct threads; one
 *    handle must not be modified while another thread reads it. A finished
 *    scenario (pl_scenario_finish) and an analysis are read-only and may be
 *    shared between threads.
 *  - Utilities are doubles in [0,1]. Two utilities closer than
 *    PL_TOLERANCE are equal for every comparison the library makes.
 */
#ifndef PARLEY_H
#define PARLEY_H

#include <stddef.h>
#include <stdint.h>

#include "version.h"

#ifdef __cplusplus
extern "C" {
#endif

#if defined(PL_BUILDING_LIBRARY) && defined(__GNUC__)
#define PL_API __attribute__((visibility("default")))
#else
#define PL_API
#endif

/* ------------------------------------------------------------------ */
/* Errors                                                              */
/* ------------------------------------------------------------------ */

/* X(name, value, description): the one list behind the enum,
 * pl_strerror() and pl_errname(). */
#define PL_ERRNO_MAP(X)                                                       \
  X(OK, 0, "success")                                                         \
  X(ENOMEM, -1, "out of memory")                                              \
  X(EINVAL, -2, "invalid argument")                                           \
  X(EPARSE, -3, "bad input")                                                  \
  X(EIO, -4, "input/output error")                                            \
  X(ERANGE, -5, "value out of range")                                         \
  X(ETOOBIG, -6, "problem too large")                                         \
  X(ENOTFOUND, -7, "no such item")                                            \
  X(EEXIST, -8, "item already exists")                                        \
  X(ESTATE, -9, "call not valid in this state")                               \
  X(EUNSUPPORTED, -10, "not supported")                                       \
  X(ECONFLICT, -11, "conflicts with existing data")

typedef enum pl_status {
#define PL__ENUM(name, value, text) PL_##name = (value),
  PL_ERRNO_MAP(PL__ENUM)
#undef PL__ENUM
} pl_status;

/* Text of a status code ("out of memory"); never NULL. */
PL_API const char *pl_strerror(int code);
/* Name of a status code ("PL_ENOMEM"); never NULL. */
PL_API const char *pl_errname(int code);

/* Filled by failing calls. `file` is empty and line/column are 0 when the
 * error has no place in a file. */
typedef struct pl_error {
  int code;
  int line;
  int column;
  char file[1024];
  char message[1024];
} pl_error;

/* Version of the library actually linked, e.g. "0.1.0". */
PL_API const char *pl_version(void);
/* 1 when the library was built with the named optional feature ("yaml",
 * "json", ...), else 0. */
PL_API int pl_has(const char *feature);

/* Frees memory the library handed to the caller (strings from *_to_json). */
PL_API void pl_free(void *p);

/* Two utilities closer than this are equal. Documented in docs/analysis.md. */
#define PL_TOLERANCE 1e-9

/* ------------------------------------------------------------------ */
/* Scenario: parties, issues, preferences, red lines                   */
/* ------------------------------------------------------------------ */

typedef struct pl_scenario pl_scenario;

typedef enum pl_issue_kind {
  PL_ISSUE_DISCRETE = 0, /* named options */
  PL_ISSUE_INTEGER = 1,  /* integers min, min+step, ..., max */
  PL_ISSUE_REAL = 2      /* reals min, min+resolution, ..., max */
} pl_issue_kind;

/* An option index that stands for "this issue is not part of the
 * agreement" in partial agreements. */
#define PL_NOT_AGREED UINT32_MAX

/* Reads a scenario from one file or folder, as pl_scenario_load_inputs
 * with one path and default options. On failure *out is NULL and err holds
 * file:line:col and the message. */
PL_API int pl_scenario_load(const char *path, pl_scenario **out, pl_error *err);

typedef struct pl_load_options {
  size_t struct_size;      /* sizeof(pl_load_options), set by _init */
  unsigned real_intervals; /* real issues of GENIUS files are analysed at
                              min + k (max - min) / real_intervals,
                              k = 0..real_intervals (default 10); GeniusWeb
                              ranges keep their own grid unless it has 10^7
                              steps or more, then every
                              ceil(steps / real_intervals)-th value */
} pl_load_options;
PL_API void pl_load_options_init(pl_load_options *o);

/* Reads a scenario from n inputs, in any of these forms:
 *  - one parley YAML file (docs/scenario-format.md);
 *  - a GENIUS domain XML followed by one profile XML per party;
 *  - a GeniusWeb domain JSON followed by one profile JSON per party;
 *  - one folder holding a GENIUS or GeniusWeb domain and its profiles
 *    (profiles in file-name order; other files, such as GENIUS pareto.xml
 *    or GeniusWeb specials.json, are ignored).
 * The format is told from the content. Party ids come from the profile file
 * names without their extension. o may be NULL (defaults). */
PL_API int pl_scenario_load_inputs(const char *const *paths, size_t n,
                                   const pl_load_options *o,
                                   pl_scenario **out, pl_error *err);

typedef enum pl_format {
  PL_FORMAT_YAML = 0,     /* one parley YAML file */
  PL_FORMAT_GENIUS = 1,   /* a folder: domain.xml and <party>.xml each */
  PL_FORMAT_GENIUSWEB = 2 /* a folder: domain.json and <party>.json each */
} pl_format;
/* "yaml", "genius", "geniusweb" */
PL_API const char *pl_format_name(pl_format f);

/* Writes a finished scenario: a file for YAML, a folder (created when
 * missing) for GENIUS and GeniusWeb. Files are written under temporary
 * names and renamed into place, so a failure leaves nothing half-written.
 * What the format cannot express (red lines and status quo in GENIUS and
 * GeniusWeb, non-linear utilities in GeniusWeb, a reservation value without
 * a reservation outcome in GeniusWeb, ...) fails with PL_EUNSUPPORTED and a
 * message naming it; nothing is dropped silently. Reading the result back
 * gives every outcome the same utilities, bit for bit. */
PL_API int pl_scenario_write(const pl_scenario *s, pl_format f,
                             const char *path, pl_error *err);
/* Same from memory; `name` is used as the file name in messages. */
PL_API int pl_scenario_load_yaml(const char *text, size_t len,
                                 const char *name, pl_scenario **out,
                                 pl_error *err);

/* --- building a scenario from C ---------------------------------------
 * pl_scenario_new, then parties and issues, then preferences, status quo and
 * red lines, then pl_scenario_finish, which checks the whole and precomputes
 * the utility tables. Queries below need a finished scenario; builder calls
 * on a finished one fail with PL_ESTATE. Ids are unique among parties, among
 * issues, among the options of one issue and among one party's red lines:
 * a repeated id fails with PL_EEXIST. Builder calls return the new item's
 * index (>= 0) or a negative status. */
PL_API pl_scenario *pl_scenario_new(const char *id); /* NULL: out of memory */
PL_API void pl_scenario_free(pl_scenario *s);
PL_API int pl_scenario_set_text(pl_scenario *s, const char *title,
                                const char *description, pl_error *err);

/* reservation: utility of no agreement, in [0,1]. */
PL_API int pl_scenario_add_party(pl_scenario *s, const char *id,
                                 const char *name, double reservation,
                                 pl_error *err);
/* name may be NULL (the id is shown). */
PL_API int pl_scenario_add_discrete_issue(pl_scenario *s, const char *id,
                                          const char *name, size_t n_options,
                                          const char *const *option_ids,
                                          const char *const *option_names,
                                          pl_error *err);
/* Values min, min+step, ..., up to max (max must be reached exactly). */
PL_API int pl_scenario_add_integer_issue(pl_scenario *s, const char *id,
                                         const char *name, int64_t min,
                                         int64_t max, int64_t step,
                                         pl_error *err);
/* Values min + k*resolution for k = 0..round((max-min)/resolution); the
 * range must be a whole number of steps (within 1e-9 relative). */
PL_API int pl_scenario_add_real_issue(pl_scenario *s, const char *id,
                                      const char *name, double min,
                                      double max, double resolution,
                                      pl_error *err);

/* Weight of an issue for a party: any non-negative number; pl_scenario_finish
 * divides each party's weights by their sum. Unset weights are 0. */
PL_API int pl_scenario_set_weight(pl_scenario *s, int party, int issue,
                                  double weight, pl_error *err);
/* Value in [0,1] of one option (any kind of issue: options of numeric
 * issues are the grid points). Unset values are 0. */
PL_API int pl_scenario_set_value(pl_scenario *s, int party, int issue,
                                 uint32_t option, double value, pl_error *err);
/* Piecewise-linear value function of a numeric issue: n >= 1 points with
 * strictly increasing x and values in [0,1]; constant beyond the ends. Sets
 * the value of every grid point. */
PL_API int pl_scenario_set_value_function(pl_scenario *s, int party,
                                          int issue, size_t n, const double *x,
                                          const double *v, pl_error *err);
/* Status quo: the option of every issue that holds without agreement.
 * party -1 sets the scenario's; party >= 0 sets that party's own view. */
PL_API int pl_scenario_set_status_quo(pl_scenario *s, int party,
                                      const uint32_t *options, pl_error *err);

/* --- utility functions as GENIUS and GeniusWeb define them ------------
 * PL_WEIGHTS_NORMALISED (default, the parley YAML rule): weights divided by
 * their sum, values in [0,1]. PL_WEIGHTS_AS_GIVEN (GENIUS, GeniusWeb):
 * weights used as set, values any finite number. Whatever the utility
 * function, a utility above 1 is 1 (GENIUS's rule; it also absorbs the
 * rounding of normalised sums). */
typedef enum pl_weighting {
  PL_WEIGHTS_NORMALISED = 0,
  PL_WEIGHTS_AS_GIVEN = 1
} pl_weighting;
PL_API int pl_scenario_set_weighting(pl_scenario *s, int party,
                                     pl_weighting w, pl_error *err);
/* Changes a party's reservation value (same range as add_party). */
PL_API int pl_scenario_set_reservation(pl_scenario *s, int party,
                                       double reservation, pl_error *err);
/* Reservation given as an outcome (GeniusWeb's reservationBid): at
 * pl_scenario_finish the reservation value becomes that outcome's utility. */
PL_API int pl_scenario_set_reservation_outcome(pl_scenario *s, int party,
                                               const uint32_t *options,
                                               pl_error *err);
/* Discount factor in (0,1] (GENIUS's discount_factor; default 1): reported
 * with the scenario; protocols apply it as U * d^t. */
PL_API int pl_scenario_set_discount(pl_scenario *s, int party,
                                    double discount, pl_error *err);

/* Hyper-rectangle utility (the ANAC 2014 non-linear profiles): the party's
 * utility is the sum of the utilities of the rectangles that contain the
 * outcome, divided by max_utility (> 0). Replaces the party's additive
 * function (its weights and values are then ignored). */
PL_API int pl_scenario_set_rectangles(pl_scenario *s, int party,
                                      double max_utility, pl_error *err);
/* Adds a rectangle to a party set up by pl_scenario_set_rectangles: it
 * contains the outcomes whose option index of issues[k] lies within
 * [lo[k], hi[k]] for every k < n (n >= 0; n = 0 contains every outcome).
 * utility is any finite number. */
PL_API int pl_scenario_add_rectangle(pl_scenario *s, int party,
                                     double utility, size_t n,
                                     const int *issues, const uint32_t *lo,
                                     const uint32_t *hi, pl_error *err);

/* Red-line expressions. Each pl_expr_* returns a new node or NULL when out
 * of memory (children are then freed). Nodes are owned by whoever they are
 * passed to: a parent node, or pl_scenario_add_red_line (also on failure). */
typedef struct pl_expr pl_expr;
/* the issue's option is one of the n given */
PL_API pl_expr *pl_expr_in(int issue, size_t n, const uint32_t *options);
/* negation */
PL_API pl_expr *pl_expr_not(pl_expr *e);
/* all / any of n children (n >= 1); the array itself stays the caller's */
PL_API pl_expr *pl_expr_all(size_t n, pl_expr **children);
PL_API pl_expr *pl_expr_any(size_t n, pl_expr **children);
PL_API void pl_expr_free(pl_expr *e);

/* A red line of `party`: every acceptable agreement satisfies `rule`. */
PL_API int pl_scenario_add_red_line(pl_scenario *s, int party, const char *id,
                                    const char *description, pl_expr *rule,
                                    pl_error *err);
/* A linkage red line: the n >= 2 issues are agreed together or not at all
 * (n == 0: every issue — "nothing is agreed until everything is agreed").
 * Matters only for partial agreements. */
PL_API int pl_scenario_add_linkage(pl_scenario *s, int party, const char *id,
                                   const char *description, size_t n,
                                   const int *issues, pl_error *err);

/* Checks the whole scenario (at least one party and one issue, every party's
 * weights not all 0, ...) and prepares it for analysis. */
PL_API int pl_scenario_finish(pl_scenario *s, pl_error *err);

/* --- queries (finished scenario) --------------------------------------- */
PL_API const char *pl_scenario_id(const pl_scenario *s);
PL_API const char *pl_scenario_title(const pl_scenario *s);       /* or "" */
PL_API const char *pl_scenario_description(const pl_scenario *s); /* or "" */
PL_API int pl_scenario_party_count(const pl_scenario *s);
PL_API const char *pl_scenario_party_id(const pl_scenario *s, int party);
PL_API const char *pl_scenario_party_name(const pl_scenario *s, int party);
PL_API double pl_scenario_reservation(const pl_scenario *s, int party);
PL_API int pl_scenario_issue_count(const pl_scenario *s);
PL_API const char *pl_scenario_issue_id(const pl_scenario *s, int issue);
PL_API const char *pl_scenario_issue_name(const pl_scenario *s, int issue);
PL_API pl_issue_kind pl_scenario_issue_kind(const pl_scenario *s, int issue);
PL_API uint32_t pl_scenario_option_count(const pl_scenario *s, int issue);
/* Id of an option: the declared id, or the number for numeric issues
 * ("40", "0.25"). "-" for PL_NOT_AGREED. */
PL_API const char *pl_scenario_option_id(const pl_scenario *s, int issue,
                                         uint32_t option);
/* Weight as used in the utility: normalised (the party's weights sum to 1)
 * or as given, following the party's weighting. */
PL_API double pl_scenario_weight(const pl_scenario *s, int party, int issue);
PL_API pl_weighting pl_scenario_weighting(const pl_scenario *s, int party);
PL_API double pl_scenario_discount(const pl_scenario *s, int party);
/* The reservation outcome set by pl_scenario_set_reservation_outcome, or
 * NULL. */
PL_API const uint32_t *pl_scenario_reservation_outcome(const pl_scenario *s,
                                                       int party);
/* 1 for an additive utility, 0 for hyper-rectangles. */
PL_API int pl_scenario_is_additive(const pl_scenario *s, int party);
/* Hyper-rectangles of a non-additive party: max_utility, their count, and
 * one rectangle's utility and conditions (arrays borrowed). */
PL_API double pl_scenario_max_utility(const pl_scenario *s, int party);
PL_API size_t pl_scenario_rectangle_count(const pl_scenario *s, int party);
PL_API double pl_scenario_rectangle(const pl_scenario *s, int party,
                                    size_t r, size_t *n, const int **issues,
                                    const uint32_t **lo, const uint32_t **hi);
/* Range and step of a numeric issue (0 for discrete ones). */
PL_API double pl_scenario_issue_min(const pl_scenario *s, int issue);
PL_API double pl_scenario_issue_max(const pl_scenario *s, int issue);
PL_API double pl_scenario_issue_step(const pl_scenario *s, int issue);
/* Display name of an option (the id when none was given). */
PL_API const char *pl_scenario_option_name(const pl_scenario *s, int issue,
                                           uint32_t option);
/* Numeric value of an option of a numeric issue (0 for discrete ones). */
PL_API double pl_scenario_option_number(const pl_scenario *s, int issue,
                                        uint32_t option);
PL_API double pl_scenario_value(const pl_scenario *s, int party, int issue,
                                uint32_t option);
/* Index of an issue / option / party by id, or -1. */
PL_API int pl_scenario_find_issue(const pl_scenario *s, const char *id);
PL_API int pl_scenario_find_party(const pl_scenario *s, const char *id);
PL_API int64_t pl_scenario_find_option(const pl_scenario *s, int issue,
                                       const char *id);

/* Utility of an outcome (one option per issue; PL_NOT_AGREED counts as the
 * party's status quo option) for a party: sum of weight x value. */
PL_API double pl_scenario_utility(const pl_scenario *s, int party,
                                  const uint32_t *options);
/* Status quo option of `issue` as `party` sees it, or PL_NOT_AGREED when the
 * scenario has none. party -1: the scenario's own. */
PL_API uint32_t pl_scenario_status_quo(const pl_scenario *s, int party,
                                       int issue);
/* 1 when every party has a status quo (its own or the scenario's). */
PL_API int pl_scenario_has_status_quo(const pl_scenario *s);

/* --- offer search (for strategies), additive parties only ------------
 * The outcome that gives `party` the smallest utility at or above target
 * (within PL_TOLERANCE), found without enumerating: branch and bound over
 * the issues' options sorted by contribution. *exact is 0 when the search
 * stopped at its budget (about a second) with the best found so far.
 * PL_ENOTFOUND when no outcome reaches the target; PL_EUNSUPPORTED for a
 * hyper-rectangle party. options: issue_count entries. */
PL_API int pl_scenario_offer_at_least(const pl_scenario *s, int party,
                                      double target, uint32_t *options,
                                      double *utility, int *exact,
                                      pl_error *err);
/* A party's outcomes from the best down, one per call, each once; memory
 * grows with the outcomes returned (about issues x 4 bytes each). Sums
 * equal within rounding may come out in either order. */
typedef struct pl_offer_iter pl_offer_iter;
PL_API int pl_offer_iter_new(const pl_scenario *s, int party,
                             pl_offer_iter **out, pl_error *err);
/* PL_OK with the next outcome, PL_ENOTFOUND when every one was given. */
PL_API int pl_offer_iter_next(pl_offer_iter *it, uint32_t *options,
                              double *utility);
PL_API void pl_offer_iter_free(pl_offer_iter *it);

/* Number of outcomes: PL_OK and *n, or PL_ERANGE when it exceeds 2^64-1.
 * pl_scenario_outcome_count_text writes the exact decimal number whatever
 * its size (buffer of `size` bytes; PL_ERANGE when too small). */
PL_API int pl_scenario_outcome_count(const pl_scenario *s, uint64_t *n);
PL_API int pl_scenario_outcome_count_text(const pl_scenario *s, char *buf,
                                          size_t size);
/* Mixed-radix index <-> options: the last issue varies fastest. */
PL_API void pl_scenario_decode(const pl_scenario *s, uint64_t index,
                               uint32_t *options);
PL_API uint64_t pl_scenario_encode(const pl_scenario *s,
                                   const uint32_t *options);

/* Red lines, across all parties, in the order they were added. */
PL_API int pl_scenario_red_line_count(const pl_scenario *s);
PL_API int pl_scenario_red_line_party(const pl_scenario *s, int red_line);
PL_API const char *pl_scenario_red_line_id(const pl_scenario *s,
                                           int red_line);
PL_API const char *pl_scenario_red_line_description(const pl_scenario *s,
                                                    int red_line); /* or "" */
/* 1 for a linkage red line, 0 for a rule. */
PL_API int pl_scenario_red_line_is_linkage(const pl_scenario *s,
                                           int red_line);
/* 1 when the outcome satisfies the red line. With PL_NOT_AGREED entries (a
 * partial agreement), as the analysis counts them: a rule counts only when
 * every issue it mentions is agreed, and a linkage breaks when some of its
 * issues are agreed and others not (on complete outcomes it always holds). */
PL_API int pl_scenario_red_line_holds(const pl_scenario *s, int red_line,
                                      const uint32_t *options);
/* 1 when the red line mentions the issue. */
PL_API int pl_scenario_red_line_mentions(const pl_scenario *s, int red_line,
                                         int issue);

/* ------------------------------------------------------------------ */
/* Analysis                                                            */
/* ------------------------------------------------------------------ */

typedef enum pl_method {
  PL_METHOD_AUTO = 0,       /* the library chooses (docs/analysis.md) */
  PL_METHOD_ENUMERATE = 1,  /* visit every outcome */
  PL_METHOD_STRUCTURAL = 2  /* issue by issue, without enumerating: additive
                               utilities and one-issue red lines only */
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
                             method; for many parties, where exact frontiers
                             explode): every Pareto-optimal package is less
                             than epsilon below a listed one in every
                             party's utility. 0 (default): exact */
  /* Called now and then during a long enumeration with the share done, in
   * [0,1]; returning non-zero stops the analysis (PL_ESTATE, "stopped").
   * NULL (default): not called. */
  int (*progress)(void *ctx, double done);
  void *progress_ctx;
} pl_analysis_options;

PL_API void pl_analysis_options_init(pl_analysis_options *o);

typedef struct pl_analysis pl_analysis;

/* Analyses a finished scenario. PL_ETOOBIG, with the outcome count and what
 * to do in err->message, when the outcome space exceeds max_outcomes or the
 * results exceed memory_limit. The scenario must outlive the analysis. */
PL_API int pl_analyze(const pl_scenario *s, const pl_analysis_options *o,
                      pl_analysis **out, pl_error *err);
PL_API void pl_analysis_free(pl_analysis *a);

/* "enumerate" or "structural" */
PL_API const char *pl_analysis_method(const pl_analysis *a);
/* The epsilon of an approximate frontier, 0 when exact. */
PL_API double pl_analysis_epsilon(const pl_analysis *a);
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

/* ------------------------------------------------------------------ */
/* Negotiation                                                         */
/* ------------------------------------------------------------------ */

/* A negotiation between the parties of a finished scenario under a
 * protocol, one agent (strategy) per party, advanced one action at a time
 * (docs/negotiation.md): the Stacked Alternating Offers Protocol (Aydogan
 * et al. 2017) for 1..n parties; a drafter-led single negotiating text
 * (Fisher & Ury's one-text procedure: one party drafts the whole text, the
 * others accept it or comment article by article with the option they
 * want, the drafter answers with a revised text); a mediator-led single
 * text (Klein, Faratin, Sayama & Bar-Yam 2003: a mediator proposes one
 * change to the text at a time, the change stands when every party votes
 * for it). Deadlines in rounds and/or wall time; partial agreements
 * (articles left at the status quo) when asked for. */
typedef struct pl_session pl_session;

typedef enum pl_protocol {
  PL_PROTOCOL_SAOP = 0,    /* Stacked Alternating Offers */
  PL_PROTOCOL_TEXT = 1,    /* single negotiating text, drafter-led */
  PL_PROTOCOL_MEDIATED = 2 /* single text, mediator-led (Klein et al. 2003) */
} pl_protocol;
/* "saop", "text", "mediated" */
PL_API const char *pl_protocol_name(pl_protocol p);

typedef struct pl_session_options {
  size_t struct_size; /* sizeof(pl_session_options), set by _init */
  pl_protocol protocol; /* default PL_PROTOCOL_SAOP */
  int drafter;        /* PL_PROTOCOL_TEXT: the party that drafts (default
                         0) */
  int rounds;         /* deadline: rounds in which every party acts once
                         (default 100); 0: none (then time_limit must be
                         set) */
  uint64_t seed;      /* for randomised strategies (default 0) */
  double time_limit;  /* deadline in seconds of wall time from the first
                         step (default 0: none). With both deadlines,
                         normalised time is the later of the two clocks
                         and whichever comes first ends the negotiation */
  /* The clock for time_limit, in seconds (default: CLOCK_MONOTONIC); a
   * virtual clock makes timed runs reproducible. */
  double (*clock)(void *ctx);
  void *clock_ctx;
  size_t max_events;  /* the transcript's length limit (default 1,000,000;
                         0: none): a run that reaches it ends with
                         PL_END_EVENT_LIMIT, so a time limit alone cannot
                         fill the memory (an event takes 40 bytes plus 5 per
                         issue and 8 per party) */
  int partial;        /* 1: when the deadline passes without agreement, the
                         articles every party accepted are agreed and the
                         others stay at the status quo, if every party
                         allows that partial text (needs a status quo) */
} pl_session_options;
PL_API void pl_session_options_init(pl_session_options *o);

/* agents[party] names a strategy with optional parameters after a colon
 * (docs/negotiation.md has the full list):
 *   bidding: "boulware" (e = 0.2), "linear" (e = 1), "conceder" (e = 5),
 *   "timedep:e=0.5,k=0.1", "aspiration" (NegMAS's curve 1 - t^e, e = 4;
 *   curve=exp for the exponential one), "hardliner", "random" (seeded by
 *   seed and the party), "micro" (MiCRO), "tit-for-tat";
 *   acceptance, for any of them: ac=next (default; alpha=, beta=),
 *   ac=const (c=, default 0.8), ac=time (t=, default 0.99), or several
 *   joined by '+' (any accepts);
 *   om=freq: offer, among outcomes within w (default 0.05) above the
 *   target, the one a frequency model of the others likes best;
 *   or a plug-in's path (see below).
 * Every strategy keeps to its party's red lines and reservation value: it
 * never proposes or accepts an outcome that breaks them. The scenario must
 * outlive the session. */
PL_API int pl_session_new(const pl_scenario *s, const pl_session_options *o,
                          const char *const *agents, pl_session **out,
                          pl_error *err);
PL_API void pl_session_free(pl_session *x);

#define PL_SESSION_RUNNING 1
#define PL_SESSION_DONE 0
/* One party's turn: PL_SESSION_RUNNING, PL_SESSION_DONE once the
 * negotiation has ended, or a negative status (out of memory). Steps after
 * the end return PL_SESSION_DONE. */
PL_API int pl_session_step(pl_session *x);

typedef enum pl_end {
  PL_END_RUNNING = 0,
  PL_END_AGREEMENT = 1,
  PL_END_DEADLINE = 2, /* the last round passed without agreement */
  PL_END_NO_OFFER = 3, /* a party had nothing it could propose */
  PL_END_FAILURE = 4,  /* a plug-in agent failed: an error, or an offer or
                          acceptance breaking its party's red lines or
                          reservation, or options out of range */
  PL_END_TIMEOUT = 5,  /* the wall-time limit passed without agreement */
  PL_END_WALKOUT = 6,  /* a party ended the negotiation */
  PL_END_PARTIAL = 7,  /* a deadline passed; the articles every party
                          accepted were agreed, the others stay at the
                          status quo (options PL_NOT_AGREED) */
  PL_END_EVENT_LIMIT = 8 /* the transcript reached options.max_events */
} pl_end;
/* "running", "agreement", "deadline", "no_offer", "failure", "timeout",
 * "walkout", "partial", "event_limit" */
PL_API const char *pl_end_name(pl_end e);
PL_API pl_end pl_session_end(const pl_session *x);
/* The agreement (complete, or partial with PL_NOT_AGREED options), or
 * NULL. */
PL_API const pl_point *pl_session_agreement(const pl_session *x);
/* After PL_END_FAILURE or PL_END_WALKOUT: the party whose agent failed or
 * walked out (else -1). */
PL_API int pl_session_failed_party(const pl_session *x);
/* Rounds begun so far (1-based). */
PL_API int pl_session_rounds(const pl_session *x);
/* Normalised time of the last event, in [0,1]. */
PL_API double pl_session_time(const pl_session *x);
/* What the party got: the agreement's utility, or its reservation value
 * without one, times its discount factor to the power of the normalised
 * time of the end (GENIUS's U d^t). */
PL_API double pl_session_payoff(const pl_session *x, int party);

/* With options.partial, after a deadline: the partial text that was tried
 * (PL_NOT_AGREED on articles not every party accepted), or NULL when none
 * was (no article agreed by all); and the red lines and reservation
 * values that blocked it (none when it was agreed). */
typedef struct pl_blocker {
  int party;
  int red_line; /* -1: the party's reservation value */
} pl_blocker;
PL_API const uint32_t *pl_session_partial_text(const pl_session *x);
PL_API size_t pl_session_partial_blockers(const pl_session *x,
                                          const pl_blocker **out);

typedef enum pl_event_kind {
  PL_EVENT_OFFER = 0,  /* an offer, or a draft of the single text (by the
                          mediator: party -1) */
  PL_EVENT_ACCEPT = 1,
  PL_EVENT_END = 2,
  PL_EVENT_COMMENT = 3, /* single text: the draft with the options the
                           party wants instead on the articles it rejects */
  PL_EVENT_REJECT = 4   /* mediated: a vote against the proposed change */
} pl_event_kind;
/* "offer", "accept", "end", "comment", "reject" */
PL_API const char *pl_event_name(pl_event_kind k);
/* One event of the transcript. options and utilities (issue_count and
 * party_count entries) are the outcome offered or accepted, NULL for an
 * end without agreement. */
typedef struct pl_event {
  pl_event_kind kind;
  int round;   /* 1-based */
  int party;   /* who acted; -1 for the end */
  double time; /* normalised time in [0,1] */
  const uint32_t *options;
  const double *utilities;
  const uint8_t *rejects; /* comments: 1 for each article the party
                             rejects (issue_count entries); else NULL */
} pl_event;
PL_API size_t pl_session_event_count(const pl_session *x);
PL_API const pl_event *pl_session_event(const pl_session *x, size_t i);
/* The transcript as JSON Lines, one event per line (docs/negotiation.md);
 * free with pl_free; NULL when out of memory. The same scenario, agents
 * and options give byte-identical transcripts (with a wall-time limit,
 * the clock decides the times). */
PL_API char *pl_session_transcript(const pl_session *x);
/* The result as one JSON object: agreement ({"outcome", "utilities"} or
 * null), rounds, ended_by, payoffs, the partial text tried, and, when `a`
 * (an analysis of the same scenario) is given and there is an agreement,
 * its Euclidean distances in utility space to the nearest Pareto-frontier
 * point and to the Nash point (else null). Free with pl_free; NULL when
 * out of memory. */
PL_API char *pl_session_to_json(const pl_session *x, const pl_analysis *a);
/* The same distances as numbers; -1 when there is no agreement or no such
 * point. */
PL_API double pl_session_distance_to_pareto(const pl_session *x,
                                            const pl_analysis *a);
PL_API double pl_session_distance_to_nash(const pl_session *x,
                                          const pl_analysis *a);

/* --- plug-in agents ----------------------------------------------------
 * A shared object exporting `const pl_agent_api *parley_agent(void)`,
 * named in an agents list by a path containing '/' (".../agent.so", with
 * optional ":params" after it). The table starts with abi_version and
 * struct_size so that later versions can grow it. The engine checks every
 * answer: an error, options out of range, or an offer or acceptance that
 * breaks the party's red lines or reservation ends the negotiation with
 * PL_END_FAILURE naming the party; the plug-in is not called again. A
 * plug-in runs in the engine's process (isolation in worker processes is
 * the tournament's). Example: examples/agents/. */
#define PL_AGENT_ABI_VERSION 1
#define PL_AGENT_END 2 /* from propose or respond: end the negotiation */
typedef struct pl_agent_api {
  uint32_t abi_version; /* PL_AGENT_ABI_VERSION */
  uint32_t struct_size; /* sizeof(pl_agent_api) */
  /* A new agent for `party` (params: the text after ':', or ""); NULL
   * fails the negotiation before it starts. */
  void *(*create)(const pl_scenario *s, int party, const char *params,
                  uint64_t seed);
  /* Its offer at normalised time t: fill options (issue_count entries);
   * return 0, PL_AGENT_END to walk out, or another value for an error. */
  int (*propose)(void *agent, double t, uint32_t *options);
  /* 1 to accept the offer, 0 to reject it, PL_AGENT_END to walk out,
   * negative for an error. */
  int (*respond)(void *agent, double t, const uint32_t *offer);
  /* Another party offered this (may be NULL). */
  void (*observe)(void *agent, int party, const uint32_t *offer);
  void (*destroy)(void *agent);
} pl_agent_api;

/* ------------------------------------------------------------------ */
/* Reports                                                             */
/* ------------------------------------------------------------------ */

/* The analysis as one JSON object (schema in docs/analysis-json.md), or
 * NULL when out of memory. Free with pl_free. */
PL_API char *pl_analysis_to_json(const pl_analysis *a);

#ifdef __cplusplus
}
#endif

/* The other parts of the API: implementation sequencing, tournaments, and
 * pictures and reports. */
#include "parley/sequence.h"
#include "parley/tournament.h"
#include "parley/report.h"

#endif
