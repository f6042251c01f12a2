/*
 * scenario.h — a negotiation written down: parties, issues and their options,
 * preferences, status quo, red lines; reading and writing YAML, GENIUS and
 * GeniusWeb (docs/scenario-format.md, docs/formats.md).
 *
 * The conventions of core.h hold for every call declared here.
 */
#ifndef PARLEY_SCENARIO_H
#define PARLEY_SCENARIO_H

#include "parley/core.h"

#ifdef __cplusplus
extern "C" {
#endif

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
  /* Called for what loads, but not as a strict reader would take it: a
   * GENIUS domain that lists an item twice in one issue, loaded as GENIUS
   * loads it (docs/formats.md). w->file, line and column say where;
   * w->code is PL_OK. NULL (the default): no warnings. */
  void (*warning)(void *ctx, const pl_error *w);
  void *warning_ctx;
} pl_load_options;
PL_API void pl_load_options_init(pl_load_options *o);

/* Reads a scenario from n inputs, in any of these forms:
 *  - one parley YAML file (docs/scenario-format.md);
 *  - a GENIUS domain XML followed by one profile XML per party;
 *  - a GeniusWeb domain JSON followed by one profile JSON per party;
 *  - one folder holding a GENIUS or GeniusWeb domain and its profiles
 *    (profiles in file-name order; other files, such as GENIUS pareto.xml
 *    or GeniusWeb specials.json, are ignored);
 *  - "FOLDER/PREFIX", which does not exist itself: the GENIUS domain
 *    FOLDER/PREFIX-domain.xml and the profiles FOLDER/PREFIX-*.xml (the
 *    ANAC 2012 layout of several domains in one folder).
 * The format is told from the content. Party ids come from the profile file
 * names without their extension. o may be NULL (defaults). */
PL_API int pl_scenario_load_inputs(const char *const *paths, size_t n,
                                   const pl_load_options *o,
                                   pl_scenario **out, pl_error *err);

/* The scenarios one input path holds, as paths pl_scenario_load_inputs
 * takes one at a time. A folder that holds several GENIUS domains named by
 * the ANAC 2012 layout (PREFIX-domain.xml, with profiles PREFIX-<party>.xml)
 * holds one scenario per domain, listed as "path/PREFIX" in file-name
 * order; any other path (a folder with one scenario, a file, a path that
 * does not exist) is listed as itself, to be checked when it is loaded.
 * On success *names is an array of *n new strings (*n >= 1) that the caller
 * frees with pl_scenario_folder_list_free; on failure *names is NULL. */
PL_API int pl_scenario_folder_list(const char *path, char ***names, size_t *n,
                                   pl_error *err);
PL_API void pl_scenario_folder_list_free(char **names, size_t n);

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

/* A file held in memory: its name (as a file name of a folder: no '/', no
 * leading '.') and its bytes. */
typedef struct pl_memory_file {
  const char *name;
  const char *data;
  size_t len;
} pl_memory_file;
#define PL_MEMORY_FILES_MAX 256
/* Reads a scenario from files in memory with the same readers, checks and
 * messages as pl_scenario_load_inputs: one file is read as a file given
 * alone (a parley YAML scenario); several as a folder holding them (one
 * GENIUS or GeniusWeb domain and its profiles in file-name order, party
 * ids from the profiles' file names; files other than .xml, .json, .yaml
 * and .yml are ignored). Messages name the files by their names, and
 * `name` (NULL: "upload") for the set as a whole. At most
 * PL_MEMORY_FILES_MAX files. */
PL_API int pl_scenario_load_memory(const pl_memory_file *files, size_t n,
                                   const char *name,
                                   const pl_load_options *o,
                                   pl_scenario **out, pl_error *err);

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

/* --- concessions (docs/scenario-format.md, "Concessions") -------------
 * What each party could give up, and at what cost: pl_unlock_* (mediation.h)
 * searches them. Costs are non-negative numbers in any unit shared by all
 * parties. A rule red line can be dropped at its drop cost (default 1, or
 * the cost of its weakest variant when that is more); it may list weaker
 * variants, strongest first: each allows every package the one before it
 * (the red line itself, for the first) allows, and costs at least as much;
 * the cost of a variant is that of the whole move from the red line to it.
 * A reservation value can be lowered at reservation_cost per unit of
 * utility (default 1). */
PL_API int pl_scenario_set_drop_cost(pl_scenario *s, int red_line,
                                     double cost, pl_error *err);
/* Appends a variant to a rule red line (the rule is owned as by
 * pl_scenario_add_red_line). PL_EINVAL when it is not weaker than the
 * variant before it (the message names a package it refuses that the
 * other allows), costs less than it or more than an explicit drop cost;
 * PL_ETOOBIG when the issues both mention have more than 10^7 combinations
 * of options to check; PL_EEXIST for a repeated id. Returns the variant's
 * index. */
PL_API int pl_scenario_add_variant(pl_scenario *s, int red_line,
                                   const char *id, const char *description,
                                   double cost, pl_expr *rule, pl_error *err);
PL_API int pl_scenario_set_reservation_cost(pl_scenario *s, int party,
                                            double cost_per_unit,
                                            pl_error *err);

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
 * grows with the outcomes returned (about issues x 4 bytes for each
 * outcome waiting its turn) up to a cap of 64 MiB. Sums equal within
 * rounding may come out in either order. */
typedef struct pl_offer_iter pl_offer_iter;
PL_API int pl_offer_iter_new(const pl_scenario *s, int party,
                             pl_offer_iter **out, pl_error *err);
/* PL_OK with the next outcome, PL_ENOTFOUND when every one was given,
 * PL_ETOOBIG once the memory cap is reached (the walk is then over). */
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
/* 1 when the party may offer or accept the outcome: it keeps every red line
 * of the party and gives it at least its reservation value (within
 * PL_TOLERANCE). Otherwise 0, with *red_line (if not NULL) the first red line
 * it breaks, or -1 when it only falls below the reservation value. */
PL_API int pl_scenario_acceptable(const pl_scenario *s, int party,
                                  const uint32_t *options, int *red_line);
/* 1 when the red line mentions the issue. */
PL_API int pl_scenario_red_line_mentions(const pl_scenario *s, int red_line,
                                         int issue);

/* Concessions (finished scenario, rule red lines). */
PL_API double pl_scenario_red_line_drop_cost(const pl_scenario *s,
                                             int red_line);
PL_API int pl_scenario_variant_count(const pl_scenario *s, int red_line);
PL_API const char *pl_scenario_variant_id(const pl_scenario *s, int red_line,
                                          int variant);
PL_API const char *pl_scenario_variant_description(const pl_scenario *s,
                                                   int red_line,
                                                   int variant); /* or "" */
PL_API double pl_scenario_variant_cost(const pl_scenario *s, int red_line,
                                       int variant);
/* 1 when the complete outcome satisfies the variant. */
PL_API int pl_scenario_variant_holds(const pl_scenario *s, int red_line,
                                     int variant, const uint32_t *options);
PL_API double pl_scenario_reservation_cost(const pl_scenario *s, int party);

#ifdef __cplusplus
}
#endif

#endif
