/* Internal layout of a scenario, shared by model/, io/ and analysis/. */
#ifndef PL_SCENARIO_INTERNAL_H
#define PL_SCENARIO_INTERNAL_H

#include <stdbool.h>

#include "core/util.h"
#include "parley/parley.h"

/* An issue, with every option it can take made explicit: numeric issues are
 * discretised to their grid once, so every later layer sees only options. */
/* Limits on what one scenario may hold (docs/scenario-format.md). */
#define PL__MAX_PARTIES 1024
#define PL__MAX_ISSUES 10000
#define PL__MAX_OPTIONS 10000000u
/* Red lines plus positive reservation values: one bit each in the
 * violation masks of the analysis. */
#define PL__MAX_CONSTRAINTS 64

typedef struct pl__issue {
  char *id;
  char *name;
  pl_issue_kind kind;
  uint32_t n;       /* number of options (grid points) */
  char **opt_id;    /* n ids ("40", "0.25" for numeric issues) */
  char **opt_name;  /* n display names (may equal the id) */
  uint32_t *by_id;  /* discrete: option indices sorted by id */
  double *num;      /* numeric issues: the n grid values; else NULL */
  double min, max, step;
} pl__issue;

typedef enum pl__expr_kind {
  PL__EXPR_IN,
  PL__EXPR_NOT,
  PL__EXPR_ALL,
  PL__EXPR_ANY
} pl__expr_kind;

struct pl_expr {
  pl__expr_kind kind;
  int issue;          /* IN */
  size_t n_listed;    /* IN: the options as given */
  uint32_t *listed;
  uint64_t *set;      /* IN: bitset of accepted options, built when the
                         rule is added to a scenario */
  size_t n;           /* ALL/ANY/NOT: children */
  struct pl_expr **kids;
};

/* A weaker variant of a rule red line (docs/scenario-format.md,
 * "Concessions"): every package the red line, or the variant before it,
 * allows, it allows too. */
typedef struct pl__variant {
  char *id;
  char *description;
  double cost;      /* of moving from the red line to this variant */
  pl_expr *rule;
  uint64_t *issues; /* bitset over issues mentioned */
} pl__variant;

typedef struct pl__red_line {
  char *id;
  char *description;
  int party;
  pl_expr *rule;   /* NULL for a linkage */
  bool linkage;
  uint64_t *issues; /* bitset over issues: mentioned (rule) or linked */
  double drop_cost; /* cost of dropping the red line (default 1) */
  bool drop_cost_set;
  int n_variants, cap_variants; /* strongest first, each weaker */
  pl__variant *variants;
} pl__red_line;

/* A hyper-rectangle of a non-linear utility: option index of issue[k] in
 * [lo[k], hi[k]] for every k < n. */
typedef struct pl__rect {
  double utility;
  size_t n;
  int *issue;
  uint32_t *lo, *hi;
} pl__rect;

typedef struct pl__party {
  char *id;
  char *name;
  double reservation;
  pl_weighting weighting;
  double discount;
  uint32_t *reservation_outcome; /* or NULL */
  bool hyper;                    /* hyper-rectangles instead of additive */
  double max_utility;
  size_t n_rects, cap_rects;
  pl__rect *rects;
  int n_alloc;       /* issues the two arrays below have room for */
  double *weight;    /* raw weights as set, per issue */
  double **value;    /* value[issue][option] in [0,1], NULL: all 0 */
  uint32_t *status_quo; /* own view, or NULL */
  double reservation_cost; /* per unit of lowering (default 1) */
  bool reservation_cost_set;
} pl__party;

struct pl_scenario {
  char *id, *title, *description;
  bool finished;
  int n_parties, n_issues, n_red_lines;
  int cap_parties, cap_issues, cap_red_lines;
  pl__party *parties;
  pl__issue *issues;
  pl__red_line *red_lines;
  uint32_t *status_quo; /* scenario-level, or NULL */
  size_t issue_words;   /* words of an issue bitset */
  /* Prepared by pl_scenario_finish: */
  double *wnorm;        /* [party * n_issues + issue] normalised weights */
  double **table;       /* table[issue][option * n_parties + party] =
                           normalised weight x value */
  uint64_t *radix_stride; /* stride of each issue in the mixed-radix index;
                             0 when the outcome count overflows */
};

/* The product of n counts as an exact decimal (PL_ERANGE: buffer too
 * small). */
int pl__count_text(const uint32_t *counts, int n, char *buf, size_t size);

/* PL_OK when s is open for building and p is one of its parties. */
int pl__check_party_open(pl_scenario *s, int p, pl_error *err);

/* Utility of a hyper-rectangle party (src/model/ufun.c). */
/* Options PL_NOT_AGREED count as the party's status quo. */
double pl__hyper_utility(const pl_scenario *s, int p, const uint32_t *options);
/* Lowest utility any outcome can give the party (a bound for hyper
 * parties), computed from the finished tables. */
double pl__lowest_utility(const pl_scenario *s, int p);
/* A bound from above on the utility of any outcome party p allows: the
 * best option of every issue among those its red lines over that issue
 * alone allow (red lines over several issues are not looked at), -inf
 * when some issue has none. With partial, an article may also stay at
 * the status quo, where no rule counts (a partial agreement). For hyper
 * parties: every positive rectangle at once. Below the reservation value
 * the party allows nothing. */
int pl__highest_allowed(const pl_scenario *s, int p, bool partial,
                        double *out);
/* Whether party p's reservation value can exclude any outcome: it is above
 * the lowest utility the party can get. */
bool pl__reservation_binds(const pl_scenario *s, int p);
void pl__party_free_ufun(pl__party *pa);

/* Checks a rule against an open scenario and builds its option bitsets. */
int pl__bind_rule(pl_scenario *s, pl_expr *e, pl_error *err);
/* Frees a red line's variants (src/model/concessions.c). */
void pl__variants_free(pl__red_line *rl);

/* Evaluates a red-line rule on complete options. */
bool pl__expr_eval(const pl_expr *e, const uint32_t *options);
/* Marks in `issues` (bitset) every issue the expression mentions. */
void pl__expr_issues(const pl_expr *e, uint64_t *issues);

/* Status quo of party p on issue i, or PL_NOT_AGREED. */
/* A value function's value at g between its points (x0, v0) and (x1, v1):
 * the one formula of the builder, so writers can tell which points give
 * back the same values bit for bit. */
static inline double pl__interp(double x0, double v0, double x1, double v1,
                                double g) {
  return v0 + (v1 - v0) * (g - x0) / (x1 - x0);
}

static inline uint32_t pl__status_quo(const pl_scenario *s, int p, int i) {
  if (p >= 0 && s->parties[p].status_quo) return s->parties[p].status_quo[i];
  return s->status_quo ? s->status_quo[i] : PL_NOT_AGREED;
}

#endif
