/* Shared helpers of the unit tests: assertions that print both sides, small
 * scenario-building shortcuts, a seeded random generator of small scenarios
 * and the brute-force references the randomized cross-checks compare with.
 *
 * Include after <cmocka.h> (and its prerequisites). Everything here is
 * static inline, so a test program uses what it needs. */
#ifndef PL_TESTUTIL_H
#define PL_TESTUTIL_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parley/parley.h"

/* ------------------------------------------------------------------ */
/* assertions                                                          */
/* ------------------------------------------------------------------ */

/* |a - b| <= eps, printing both values and the expressions on failure. */
#define assert_double_near(a, b, eps)                                         \
  do {                                                                        \
    double tu_a_ = (a), tu_b_ = (b), tu_e_ = (eps);                           \
    if (!(fabs(tu_a_ - tu_b_) <= tu_e_))                                      \
      fail_msg("%s = %.17g, expected %s = %.17g (tolerance %g)", #a, tu_a_,   \
               #b, tu_b_, tu_e_);                                             \
  } while (0)

/* Equality of utilities as the library defines it (PL_TOLERANCE), with a
 * little room for the rounding of hand-written decimal constants. */
#define assert_utility(a, b) assert_double_near(a, b, 1e-12)

/* A builder call that must succeed: rc >= 0, else print the message. */
#define TU_OK(call)                                                           \
  do {                                                                        \
    int tu_rc_ = (call);                                                      \
    if (tu_rc_ < 0)                                                           \
      fail_msg("%s failed: %s (%d)", #call, pl_errname(tu_rc_), tu_rc_);      \
  } while (0)

/* A call that must fail with `code`. */
#define assert_rc(call, code)                                                 \
  do {                                                                        \
    int tu_rc_ = (call), tu_want_ = (code);                                   \
    if (tu_rc_ != tu_want_)                                                   \
      fail_msg("%s returned %s (%d), expected %s (%d)", #call,                \
               pl_errname(tu_rc_), tu_rc_, pl_errname(tu_want_), tu_want_);   \
  } while (0)

/* ------------------------------------------------------------------ */
/* shared data                                                         */
/* ------------------------------------------------------------------ */

/* The shared ANAC data, ../shared/data (or ../../shared/data, from a
 * worktree; from $PL_SOURCE_DIR when set), when its `probe` (a file or
 * folder under it) exists; else NULL (a user's clone has none: the test
 * skips). The path lives in a static buffer. */
static inline const char *tu_shared_data(const char *probe) {
  static char buf[4096];
  const char *dir = getenv("PL_SOURCE_DIR");
  const char *ups[] = {"..", "../.."};
  for (int k = 0; k < 2; k++) {
    snprintf(buf, sizeof buf, "%s/%s/shared/data/%s", dir ? dir : ".",
             ups[k], probe);
    FILE *f = fopen(buf, "r");
    if (!f) continue;
    fclose(f);
    buf[strlen(buf) - strlen(probe) - 1] = 0;
    return buf;
  }
  return NULL;
}

/* ------------------------------------------------------------------ */
/* building                                                            */
/* ------------------------------------------------------------------ */

/* A discrete issue whose options are named by the NULL-terminated list. */
static inline int tu_issue(pl_scenario *s, const char *id,
                           const char *const *options) {
  size_t n = 0;
  while (options[n]) n++;
  pl_error err;
  int i = pl_scenario_add_discrete_issue(s, id, NULL, n, options, NULL, &err);
  if (i < 0) fail_msg("issue %s: %s", id, err.message);
  return i;
}

/* A discrete issue with n options "o0", "o1", ... */
static inline int tu_issue_n(pl_scenario *s, const char *id, uint32_t n) {
  char(*buf)[16] = calloc(n ? n : 1, sizeof *buf);
  const char **ids = calloc(n ? n : 1, sizeof *ids);
  for (uint32_t k = 0; k < n; k++) {
    snprintf(buf[k], sizeof buf[k], "o%u", k);
    ids[k] = buf[k];
  }
  pl_error err;
  int i = pl_scenario_add_discrete_issue(s, id, NULL, n, ids, NULL, &err);
  free(ids);
  free(buf);
  if (i < 0) fail_msg("issue %s: %s", id, err.message);
  return i;
}

static inline int tu_party(pl_scenario *s, const char *id, double rv) {
  pl_error err;
  int p = pl_scenario_add_party(s, id, NULL, rv, &err);
  if (p < 0) fail_msg("party %s: %s", id, err.message);
  return p;
}

/* Sets the values of every option of an issue for a party (n values). */
static inline void tu_values(pl_scenario *s, int p, int i, uint32_t n,
                             const double *v) {
  pl_error err;
  for (uint32_t k = 0; k < n; k++)
    if (pl_scenario_set_value(s, p, i, k, v[k], &err) < 0)
      fail_msg("value %d/%d/%u: %s", p, i, k, err.message);
}

static inline void tu_weight(pl_scenario *s, int p, int i, double w) {
  pl_error err;
  if (pl_scenario_set_weight(s, p, i, w, &err) < 0)
    fail_msg("weight %d/%d: %s", p, i, err.message);
}

static inline int tu_rule(pl_scenario *s, int p, const char *id, pl_expr *e) {
  pl_error err;
  int r = pl_scenario_add_red_line(s, p, id, NULL, e, &err);
  if (r < 0) fail_msg("red line %s: %s", id, err.message);
  return r;
}

/* issue in {options...}: n options. */
static inline pl_expr *tu_in(int issue, size_t n, const uint32_t *o) {
  return pl_expr_in(issue, n, o);
}
static inline pl_expr *tu_in1(int issue, uint32_t o) {
  return pl_expr_in(issue, 1, &o);
}
static inline pl_expr *tu_all2(pl_expr *a, pl_expr *b) {
  pl_expr *k[2] = {a, b};
  return pl_expr_all(2, k);
}
static inline pl_expr *tu_any2(pl_expr *a, pl_expr *b) {
  pl_expr *k[2] = {a, b};
  return pl_expr_any(2, k);
}

static inline void tu_finish(pl_scenario *s) {
  pl_error err;
  if (pl_scenario_finish(s, &err) < 0) fail_msg("finish: %s", err.message);
}

static inline pl_analysis *tu_analyze(const pl_scenario *s) {
  pl_error err;
  pl_analysis *a = NULL;
  int rc = pl_analyze(s, NULL, &a, &err);
  if (rc) fail_msg("pl_analyze: %s", err.message);
  return a;
}

/* $PL_SOURCE_DIR/rel (the source tree; ctest sets the variable). */
static inline const char *tu_source_path(const char *rel) {
  static char buf[4096];
  const char *dir = getenv("PL_SOURCE_DIR");
  snprintf(buf, sizeof buf, "%s/%s", dir ? dir : ".", rel);
  return buf;
}

/* A scenario file of the source tree (examples/..., tests/data/...),
 * loaded or the test fails. */
static inline pl_scenario *tu_load(const char *rel) {
  pl_scenario *s = NULL;
  pl_error err;
  if (pl_scenario_load(tu_source_path(rel), &s, &err))
    fail_msg("%s: %s", rel, err.message);
  return s;
}

/* ------------------------------------------------------------------ */
/* seeded random small scenarios                                       */
/* ------------------------------------------------------------------ */

typedef struct tu_rng {
  uint64_t s;
} tu_rng;

static inline uint64_t tu_next(tu_rng *r) { /* splitmix64 */
  uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}
static inline int tu_below(tu_rng *r, int n) {
  return (int)(tu_next(r) % (uint64_t)n);
}

/* A random rule over issues with the given option counts: single-issue
 * `in` leaves (a random subset, possibly empty), `not`, and `all`/`any` of
 * two or three children, which may mention several issues. */
static inline pl_expr *tu_random_expr(tu_rng *r, int ni, const uint32_t *n,
                                      int depth) {
  int kind = depth >= 2 ? 0 : tu_below(r, 5);
  if (kind <= 1) {
    int i = tu_below(r, ni);
    uint32_t opts[8];
    size_t m = 0;
    for (uint32_t k = 0; k < n[i]; k++)
      if (tu_below(r, 3)) opts[m++] = k; /* keeps 2/3 of the options */
    return pl_expr_in(i, m, opts);
  }
  if (kind == 2) return pl_expr_not(tu_random_expr(r, ni, n, depth + 1));
  pl_expr *kids[3];
  size_t m = 2 + (size_t)tu_below(r, 2);
  for (size_t k = 0; k < m; k++) kids[k] = tu_random_expr(r, ni, n, depth + 1);
  return kind == 3 ? pl_expr_all(m, kids) : pl_expr_any(m, kids);
}

/* A random finished scenario: np parties, 1-4 issues of 1-4 options (at
 * most 256 outcomes), integer weights 0-3 and values in tenths, so distinct
 * utilities differ by at least 1/120 and equal ones by rounding only;
 * reservation values that are often exactly the utility of some outcome;
 * 0-4 rule red lines (single- and multi-issue), sometimes a linkage, and
 * sometimes a status quo (scenario-level and/or per party). */
static inline pl_scenario *tu_random_scenario(tu_rng *r, int np) {
  pl_scenario *s = pl_scenario_new("random");
  int ni = 1 + tu_below(r, 4);
  uint32_t n[4];
  for (int i = 0; i < ni; i++) {
    char id[16];
    snprintf(id, sizeof id, "i%d", i);
    n[i] = 1 + (uint32_t)tu_below(r, 4);
    tu_issue_n(s, id, n[i]);
  }
  for (int p = 0; p < np; p++) {
    char id[16];
    snprintf(id, sizeof id, "p%d", p);
    int w[4], wsum = 0;
    for (int i = 0; i < ni; i++) wsum += (w[i] = tu_below(r, 4));
    if (wsum == 0) wsum = w[tu_below(r, ni)] = 1;
    int k[4];
    int val[4][4];
    for (int i = 0; i < ni; i++)
      for (uint32_t o = 0; o < n[i]; o++) val[i][o] = tu_below(r, 11);
    double rv = 0;
    if (tu_below(r, 2)) { /* the utility of a random outcome */
      int num = 0;
      for (int i = 0; i < ni; i++) {
        k[i] = tu_below(r, (int)n[i]);
        num += w[i] * val[i][k[i]];
      }
      rv = num / (10.0 * wsum);
    }
    tu_party(s, id, rv);
    for (int i = 0; i < ni; i++) {
      tu_weight(s, p, i, w[i]);
      for (uint32_t o = 0; o < n[i]; o++)
        if (pl_scenario_set_value(s, p, i, o, val[i][o] / 10.0, NULL) < 0)
          fail_msg("set_value");
    }
  }
  uint32_t sq[4];
  if (tu_below(r, 2)) {
    for (int i = 0; i < ni; i++) sq[i] = (uint32_t)tu_below(r, (int)n[i]);
    TU_OK(pl_scenario_set_status_quo(s, -1, sq, NULL));
  }
  for (int p = 0; p < np; p++)
    if (tu_below(r, 4) == 0) {
      for (int i = 0; i < ni; i++) sq[i] = (uint32_t)tu_below(r, (int)n[i]);
      TU_OK(pl_scenario_set_status_quo(s, p, sq, NULL));
    }
  int nr = tu_below(r, 5);
  for (int k = 0; k < nr; k++) {
    char id[16];
    snprintf(id, sizeof id, "r%d", k);
    tu_rule(s, tu_below(r, np), id, tu_random_expr(r, ni, n, 0));
  }
  if (tu_below(r, 3) == 0) {
    int linked[4], m = 0;
    for (int i = 0; i < ni; i++)
      if (tu_below(r, 2)) linked[m++] = i;
    if (m == 1) m = 0; /* one issue links nothing: every issue instead */
    TU_OK(pl_scenario_add_linkage(s, tu_below(r, np), "link", NULL,
                                  (size_t)m, linked, NULL));
  }
  tu_finish(s);
  return s;
}

/* ------------------------------------------------------------------ */
/* brute force                                                         */
/* ------------------------------------------------------------------ */

/* The constraints in the order the analysis numbers them: rule red lines in
 * scenario order, then the parties with a positive reservation value. */
typedef struct tu_cons {
  int n;
  pl_constraint c[64];
} tu_cons;

/* Lowest utility any outcome gives an additive party: a reservation value
 * at or below it excludes nothing and is no constraint (docs/analysis.md). */
static inline double tu_lowest(const pl_scenario *s, int p) {
  double low = 0;
  if (!pl_scenario_is_additive(s, p)) { /* every negative rectangle at once */
    for (size_t k = 0; k < pl_scenario_rectangle_count(s, p); k++) {
      size_t n;
      const int *is;
      const uint32_t *lo, *hi;
      double u = pl_scenario_rectangle(s, p, k, &n, &is, &lo, &hi);
      if (u < 0) low += u;
    }
    low /= pl_scenario_max_utility(s, p);
    return low > 1 ? 1 : low;
  }
  for (int i = 0; i < pl_scenario_issue_count(s); i++) {
    double m = 1e300;
    for (uint32_t k = 0; k < pl_scenario_option_count(s, i); k++) {
      double v = pl_scenario_weight(s, p, i) * pl_scenario_value(s, p, i, k);
      if (v < m) m = v;
    }
    low += m;
  }
  return low > 1 ? 1 : low; /* a utility above 1 is 1 */
}

static inline void tu_constraints(const pl_scenario *s, tu_cons *c) {
  c->n = 0;
  for (int r = 0; r < pl_scenario_red_line_count(s); r++)
    if (!pl_scenario_red_line_is_linkage(s, r))
      c->c[c->n++] = (pl_constraint){PL_CONSTRAINT_RED_LINE,
                                     pl_scenario_red_line_party(s, r), r};
  for (int p = 0; p < pl_scenario_party_count(s); p++)
    if (pl_scenario_reservation(s, p) > tu_lowest(s, p) + PL_TOLERANCE)
      c->c[c->n++] = (pl_constraint){PL_CONSTRAINT_RESERVATION, p, -1};
}

/* Violation mask of one (possibly partial) outcome, from the public
 * queries only: a rule red line counts when `counted` says so (NULL: all);
 * a reservation value is violated below rv - PL_TOLERANCE. */
static inline uint64_t tu_mask(const pl_scenario *s, const tu_cons *c,
                               const uint32_t *o, const int *counted) {
  uint64_t m = 0;
  for (int b = 0; b < c->n; b++) {
    const pl_constraint *ct = &c->c[b];
    if (ct->kind == PL_CONSTRAINT_RED_LINE) {
      if (counted && !counted[ct->red_line]) continue;
      if (!pl_scenario_red_line_holds(s, ct->red_line, o)) m |= 1ull << b;
    } else if (pl_scenario_utility(s, ct->party, o) <
               pl_scenario_reservation(s, ct->party) - PL_TOLERANCE) {
      m |= 1ull << b;
    }
  }
  return m;
}

/* u weakly dominates-or-equals v within the tolerance. */
static inline int tu_geq(const double *u, const double *v, int np) {
  for (int p = 0; p < np; p++)
    if (u[p] < v[p] - PL_TOLERANCE) return 0;
  return 1;
}
static inline int tu_equal(const double *u, const double *v, int np) {
  return tu_geq(u, v, np) && tu_geq(v, u, np);
}

/* The Pareto frontier of a list of points (utilities, np each), O(N^2):
 * for every distinct utility vector (within the tolerance) not dominated by
 * another point, the first point that has it. Writes the indices of those
 * points (into `pts`, ascending) to keep[] and returns their number. */
static inline size_t tu_frontier(const double *u, size_t n, int np,
                                 size_t *keep) {
  size_t nk = 0;
  for (size_t x = 0; x < n; x++) {
    const double *ux = u + x * (size_t)np;
    int out = 0;
    for (size_t y = 0; y < n && !out; y++) {
      const double *uy = u + y * (size_t)np;
      if (y == x) continue;
      if (tu_equal(ux, uy, np))
        out = y < x; /* the first of equal points stands for all */
      else
        out = tu_geq(uy, ux, np); /* dominated */
    }
    if (!out) keep[nk++] = x;
  }
  return nk;
}

/* Minimal elements (by inclusion) of a list of masks, sorted ascending. */
static inline int tu_cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}
static inline size_t tu_minimal(uint64_t *m, size_t n) {
  size_t w = 0;
  for (size_t k = 0; k < n; k++) {
    int keep = 1;
    for (size_t j = 0; j < n && keep; j++)
      if (j != k && (m[j] & m[k]) == m[j] && (m[j] != m[k] || j < k)) keep = 0;
    if (keep) m[w++] = m[k];
  }
  qsort(m, w, sizeof *m, tu_cmp_u64);
  return w;
}

/* Sorts masks by size then value, the order of the deadlock list. */
static inline int tu_cmp_size(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  int px = __builtin_popcountll(x), py = __builtin_popcountll(y);
  if (px != py) return px - py;
  return x < y ? -1 : x > y;
}
static inline void tu_sort_by_size(uint64_t *m, size_t n) {
  qsort(m, n, sizeof *m, tu_cmp_size);
}

/* A random small scenario whose first party has a hyper-rectangle utility
 * (overlapping rectangles, negative utilities, conditions on one issue
 * twice) and, at random, GENIUS-style capped sums for the second. */
static inline pl_scenario *tu_random_hyper_scenario(tu_rng *r, int np) {
  pl_scenario *s = pl_scenario_new("hyper");
  int ni = 1 + tu_below(r, 4);
  uint32_t n[4];
  for (int i = 0; i < ni; i++) {
    char id[16];
    snprintf(id, sizeof id, "i%d", i);
    n[i] = 1 + (uint32_t)tu_below(r, 5);
    tu_issue_n(s, id, n[i]);
  }
  uint32_t sq[4];
  for (int i = 0; i < ni; i++) sq[i] = (uint32_t)tu_below(r, (int)n[i]);
  TU_OK(pl_scenario_set_status_quo(s, -1, sq, NULL));
  for (int p = 0; p < np; p++) {
    char id[16];
    snprintf(id, sizeof id, "p%d", p);
    int q = tu_party(s, id, tu_below(r, 3) ? 0 : 0.1 * tu_below(r, 5));
    if (p == 0) {
      TU_OK(pl_scenario_set_rectangles(s, q, 1 + tu_below(r, 10), NULL));
      int nr = tu_below(r, 7);
      for (int k = 0; k < nr; k++) {
        int is[3];
        uint32_t lo[3], hi[3];
        int m = tu_below(r, 4);
        for (int j = 0; j < m; j++) {
          is[j] = tu_below(r, ni);
          lo[j] = (uint32_t)tu_below(r, (int)n[is[j]]);
          hi[j] = lo[j] + (uint32_t)tu_below(r, (int)(n[is[j]] - lo[j]));
        }
        TU_OK(pl_scenario_add_rectangle(s, q, tu_below(r, 12) - 3, (size_t)m,
                                        is, lo, hi, NULL));
      }
      continue;
    }
    if (p == 1 && tu_below(r, 2))
      TU_OK(pl_scenario_set_weighting(s, q, PL_WEIGHTS_AS_GIVEN, NULL));
    for (int i = 0; i < ni; i++) {
      tu_weight(s, q, i, 0.25 * (1 + tu_below(r, 4)));
      for (uint32_t o = 0; o < n[i]; o++)
        TU_OK(pl_scenario_set_value(s, q, i, o, 0.1 * tu_below(r, 11), NULL));
    }
  }
  tu_finish(s);
  return s;
}

/* ------------------------------------------------------------------ */
/* round trips                                                         */
/* ------------------------------------------------------------------ */

/* Fails unless b is a faithful copy of a: same parties, issues and
 * options, bit-identical utilities of every outcome (at most `limit`
 * outcomes, spread evenly over the space), reservation values and
 * discounts; with red_lines, the same red lines holding on every outcome
 * visited. */
static inline void tu_same_scenario(const pl_scenario *a, const pl_scenario *b,
                                    uint64_t limit, int red_lines) {
  const int np = pl_scenario_party_count(a), ni = pl_scenario_issue_count(a);
  if (pl_scenario_party_count(b) != np || pl_scenario_issue_count(b) != ni)
    fail_msg("parties %d/%d, issues %d/%d", np, pl_scenario_party_count(b), ni,
             pl_scenario_issue_count(b));
  for (int p = 0; p < np; p++) {
    if (strcmp(pl_scenario_party_id(a, p), pl_scenario_party_id(b, p)))
      fail_msg("party %d: \"%s\" / \"%s\"", p, pl_scenario_party_id(a, p),
               pl_scenario_party_id(b, p));
    if (pl_scenario_reservation(a, p) != pl_scenario_reservation(b, p) ||
        pl_scenario_discount(a, p) != pl_scenario_discount(b, p))
      fail_msg("party %s: reservation %.17g/%.17g, discount %.17g/%.17g",
               pl_scenario_party_id(a, p), pl_scenario_reservation(a, p),
               pl_scenario_reservation(b, p), pl_scenario_discount(a, p),
               pl_scenario_discount(b, p));
  }
  for (int i = 0; i < ni; i++) {
    if (strcmp(pl_scenario_issue_id(a, i), pl_scenario_issue_id(b, i)) ||
        pl_scenario_option_count(a, i) != pl_scenario_option_count(b, i))
      fail_msg("issue %d: \"%s\" (%u options) / \"%s\" (%u)", i,
               pl_scenario_issue_id(a, i), pl_scenario_option_count(a, i),
               pl_scenario_issue_id(b, i), pl_scenario_option_count(b, i));
    for (uint32_t k = 0; k < pl_scenario_option_count(a, i); k++)
      if (strcmp(pl_scenario_option_id(a, i, k), pl_scenario_option_id(b, i, k)))
        fail_msg("issue %s option %u: \"%s\" / \"%s\"",
                 pl_scenario_issue_id(a, i), k, pl_scenario_option_id(a, i, k),
                 pl_scenario_option_id(b, i, k));
  }
  if (red_lines && pl_scenario_red_line_count(a) != pl_scenario_red_line_count(b))
    fail_msg("red lines %d/%d", pl_scenario_red_line_count(a),
             pl_scenario_red_line_count(b));
  /* outcomes: all of them, or `limit` spread by a mixed-radix walk */
  uint32_t o[64];
  if (ni > 64) fail_msg("tu_same_scenario: more than 64 issues");
  uint64_t n = 0;
  if (pl_scenario_outcome_count(a, &n) != PL_OK) n = UINT64_MAX;
  uint64_t step = n <= limit ? 1 : n / limit;
  tu_rng r = {12345};
  for (uint64_t x = 0, visited = 0; visited < limit && x < n; x += step, visited++) {
    if (n == UINT64_MAX) { /* too many to index: random outcomes */
      for (int i = 0; i < ni; i++)
        o[i] = (uint32_t)tu_below(&r, (int)pl_scenario_option_count(a, i));
    } else {
      pl_scenario_decode(a, x, o);
    }
    for (int p = 0; p < np; p++) {
      double ua = pl_scenario_utility(a, p, o), ub = pl_scenario_utility(b, p, o);
      if (ua != ub)
        fail_msg("outcome %llu, party %s: utility %.17g / %.17g",
                 (unsigned long long)x, pl_scenario_party_id(a, p), ua, ub);
    }
    for (int k = 0; red_lines && k < pl_scenario_red_line_count(a); k++) {
      /* the same red line of the same party: writers may group them */
      int kb = 0;
      while (kb < pl_scenario_red_line_count(b) &&
             (pl_scenario_red_line_party(b, kb) != pl_scenario_red_line_party(a, k) ||
              strcmp(pl_scenario_red_line_id(b, kb), pl_scenario_red_line_id(a, k))))
        kb++;
      if (kb == pl_scenario_red_line_count(b))
        fail_msg("red line %s is missing", pl_scenario_red_line_id(a, k));
      if (pl_scenario_red_line_holds(a, k, o) != pl_scenario_red_line_holds(b, kb, o))
        fail_msg("outcome %llu: red line %s differs", (unsigned long long)x,
                 pl_scenario_red_line_id(a, k));
    }
  }
}

#endif
