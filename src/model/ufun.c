/* Utility functions beyond the parley default: GENIUS's and GeniusWeb's
 * weighting (weights as given, sums capped at 1), reservation outcomes,
 * discount factors, and hyper-rectangle utilities (the ANAC 2014
 * non-linear profiles; Ito, Hattori & Klein 2007, "Multi-issue negotiation
 * protocol for agents: exploring nonlinear utility spaces"). */
#include <math.h>
#include <string.h>

#include "model/scenario_internal.h"

int pl_scenario_set_weighting(pl_scenario *s, int party, pl_weighting w,
                              pl_error *err) {
  int rc = pl__check_party_open(s, party, err);
  if (rc) return rc;
  if (w != PL_WEIGHTS_NORMALISED && w != PL_WEIGHTS_AS_GIVEN)
    return pl__err(err, PL_EINVAL, "unknown weighting %d", (int)w);
  s->parties[party].weighting = w;
  return PL_OK;
}

int pl_scenario_set_reservation(pl_scenario *s, int party, double rv,
                                pl_error *err) {
  int rc = pl__check_party_open(s, party, err);
  if (rc) return rc;
  if (!(rv >= 0 && rv <= 1))
    return pl__err(err, PL_ERANGE,
                   "reservation value of party \"%s\" must be in [0,1], got %g",
                   s->parties[party].id, rv);
  s->parties[party].reservation = rv;
  pl__free(s->parties[party].reservation_outcome);
  s->parties[party].reservation_outcome = NULL;
  return PL_OK;
}

int pl_scenario_set_reservation_outcome(pl_scenario *s, int party,
                                        const uint32_t *options,
                                        pl_error *err) {
  int rc = pl__check_party_open(s, party, err);
  if (rc) return rc;
  for (int i = 0; i < s->n_issues; i++)
    if (options[i] >= s->issues[i].n)
      return pl__err(err, PL_ENOTFOUND, "issue \"%s\" has no option %u",
                     s->issues[i].id, options[i]);
  uint32_t *o = pl__malloc((size_t)(s->n_issues ? s->n_issues : 1) * sizeof *o);
  if (!o) return pl__err(err, PL_ENOMEM, "out of memory");
  memcpy(o, options, (size_t)s->n_issues * sizeof *o);
  pl__free(s->parties[party].reservation_outcome);
  s->parties[party].reservation_outcome = o;
  return PL_OK;
}

int pl_scenario_set_discount(pl_scenario *s, int party, double d,
                             pl_error *err) {
  int rc = pl__check_party_open(s, party, err);
  if (rc) return rc;
  if (!(d > 0 && d <= 1))
    return pl__err(err, PL_ERANGE,
                   "discount factor of party \"%s\" must be in (0,1], got %g",
                   s->parties[party].id, d);
  s->parties[party].discount = d;
  return PL_OK;
}

int pl_scenario_set_rectangles(pl_scenario *s, int party, double max_utility,
                               pl_error *err) {
  int rc = pl__check_party_open(s, party, err);
  if (rc) return rc;
  if (!(max_utility > 0) || !isfinite(max_utility))
    return pl__err(err, PL_ERANGE,
                   "maximum utility of party \"%s\" must be positive, got %g",
                   s->parties[party].id, max_utility);
  pl__party *pa = &s->parties[party];
  pl__party_free_ufun(pa);
  pa->hyper = true;
  pa->max_utility = max_utility;
  return PL_OK;
}

int pl_scenario_add_rectangle(pl_scenario *s, int party, double utility,
                              size_t n, const int *issues, const uint32_t *lo,
                              const uint32_t *hi, pl_error *err) {
  int rc = pl__check_party_open(s, party, err);
  if (rc) return rc;
  pl__party *pa = &s->parties[party];
  if (!pa->hyper)
    return pl__err(err, PL_ESTATE,
                   "party \"%s\" has no hyper-rectangle utility: call "
                   "pl_scenario_set_rectangles first",
                   pa->id);
  if (!isfinite(utility))
    return pl__err(err, PL_ERANGE, "rectangle utility must be finite");
  for (size_t k = 0; k < n; k++) {
    if (issues[k] < 0 || issues[k] >= s->n_issues)
      return pl__err(err, PL_ENOTFOUND, "no issue %d", issues[k]);
    if (lo[k] > hi[k] || hi[k] >= s->issues[issues[k]].n)
      return pl__err(err, PL_ERANGE,
                     "rectangle bounds %u..%u are not options of issue "
                     "\"%s\" (0..%u)",
                     lo[k], hi[k], s->issues[issues[k]].id,
                     s->issues[issues[k]].n - 1);
  }
  if (pa->n_rects == pa->cap_rects) {
    size_t cap = pa->cap_rects ? pa->cap_rects * 2 : 16;
    pl__rect *r = pl__realloc(pa->rects, cap * sizeof *r);
    if (!r) return pl__err(err, PL_ENOMEM, "out of memory");
    pa->rects = r;
    pa->cap_rects = cap;
  }
  /* one block: issues, then lo, then hi */
  size_t m = n ? n : 1;
  void *block = pl__malloc(m * (sizeof(int) + 2 * sizeof(uint32_t)));
  if (!block) return pl__err(err, PL_ENOMEM, "out of memory");
  pl__rect *r = &pa->rects[pa->n_rects++];
  r->utility = utility;
  r->n = n;
  r->lo = block;
  r->hi = r->lo + m;
  r->issue = (int *)(void *)(r->hi + m);
  if (n) {
    memcpy(r->issue, issues, n * sizeof *issues);
    memcpy(r->lo, lo, n * sizeof *lo);
    memcpy(r->hi, hi, n * sizeof *hi);
  }
  return PL_OK;
}

void pl__party_free_ufun(pl__party *pa) {
  for (size_t k = 0; k < pa->n_rects; k++) pl__free(pa->rects[k].lo);
  pl__free(pa->rects);
  pa->rects = NULL;
  pa->n_rects = pa->cap_rects = 0;
  pa->hyper = false;
}

double pl__hyper_utility(const pl_scenario *s, int p, const uint32_t *o) {
  const pl__party *pa = &s->parties[p];
  double sum = 0;
  for (size_t k = 0; k < pa->n_rects; k++) {
    const pl__rect *r = &pa->rects[k];
    size_t j = 0;
    for (; j < r->n; j++) {
      uint32_t v = o[r->issue[j]];
      if (v == PL_NOT_AGREED) v = pl__status_quo(s, p, r->issue[j]);
      if (v < r->lo[j] || v > r->hi[j]) break; /* NOT_AGREED stays out */
    }
    if (j == r->n) sum += r->utility;
  }
  sum /= pa->max_utility;
  return sum > 1 ? 1 : sum; /* as every utility, capped at 1 */
}

double pl__lowest_utility(const pl_scenario *s, int p) {
  const pl__party *pa = &s->parties[p];
  double low = 0;
  if (pa->hyper) { /* every negative rectangle at once: a bound */
    for (size_t k = 0; k < pa->n_rects; k++)
      if (pa->rects[k].utility < 0) low += pa->rects[k].utility;
    low /= pa->max_utility;
    return low > 1 ? 1 : low;
  }
  for (int i = 0; i < s->n_issues; i++) {
    double m = INFINITY;
    for (uint32_t k = 0; k < s->issues[i].n; k++) {
      double v = s->table[i][(size_t)k * s->n_parties + p];
      if (v < m) m = v;
    }
    low += m;
  }
  return low > 1 ? 1 : low;
}

/* The one issue a rule mentions, or -1 when it mentions several. */
static int single_issue(const pl_scenario *s, const pl__red_line *rl) {
  int found = -1;
  for (size_t w = 0; w < s->issue_words; w++) {
    uint64_t bits = rl->issues[w];
    if (!bits) continue;
    if (found >= 0 || (bits & (bits - 1))) return -1;
    found = (int)(w * 64) + __builtin_ctzll(bits);
  }
  return found;
}

int pl__highest_allowed(const pl_scenario *s, int p, bool partial,
                        double *out) {
  const pl__party *pa = &s->parties[p];
  double high = 0;
  if (pa->hyper) { /* every positive rectangle at once */
    for (size_t k = 0; k < pa->n_rects; k++)
      if (pa->rects[k].utility > 0) high += pa->rects[k].utility;
    high /= pa->max_utility;
    *out = high > 1 ? 1 : high;
    return PL_OK;
  }
  const int ni = s->n_issues, np = s->n_parties;
  uint32_t *o = pl__calloc((size_t)ni, sizeof *o);
  int *on = pl__malloc(((size_t)s->n_red_lines + 1) * sizeof *on);
  if (!o || !on) {
    pl__free(o);
    pl__free(on);
    return PL_ENOMEM;
  }
  for (int r = 0; r < s->n_red_lines; r++) {
    const pl__red_line *rl = &s->red_lines[r];
    on[r] = rl->party == p && !rl->linkage ? single_issue(s, rl) : -1;
  }
  /* rule checks are bounded: past the budget an option counts as allowed
   * (the bound stays a bound) */
  long budget = 1L << 24;
  for (int i = 0; i < ni; i++) {
    const uint32_t sq = partial ? pl__status_quo(s, p, i) : PL_NOT_AGREED;
    double best = -INFINITY;
    for (uint32_t k = 0; k < s->issues[i].n; k++) {
      double v = s->table[i][(size_t)k * np + p];
      if (v <= best) continue;
      bool ok = true; /* an article left at the status quo breaks no rule */
      o[i] = k;
      for (int r = 0; ok && k != sq && r < s->n_red_lines; r++)
        if (on[r] == i && budget-- > 0)
          ok = pl__expr_eval(s->red_lines[r].rule, o);
      if (ok) best = v;
    }
    o[i] = 0;
    high += best; /* -inf: no option of issue i is allowed */
  }
  pl__free(o);
  pl__free(on);
  *out = high > 1 ? 1 : high;
  return PL_OK;
}

bool pl__reservation_binds(const pl_scenario *s, int p) {
  return s->parties[p].reservation > pl__lowest_utility(s, p) + PL_TOLERANCE;
}

/* ---- queries ---- */

pl_weighting pl_scenario_weighting(const pl_scenario *s, int p) {
  return s->parties[p].weighting;
}
double pl_scenario_discount(const pl_scenario *s, int p) {
  return s->parties[p].discount;
}
const uint32_t *pl_scenario_reservation_outcome(const pl_scenario *s, int p) {
  return s->parties[p].reservation_outcome;
}
int pl_scenario_is_additive(const pl_scenario *s, int p) {
  return !s->parties[p].hyper;
}
double pl_scenario_max_utility(const pl_scenario *s, int p) {
  return s->parties[p].max_utility;
}
size_t pl_scenario_rectangle_count(const pl_scenario *s, int p) {
  return s->parties[p].n_rects;
}
double pl_scenario_rectangle(const pl_scenario *s, int p, size_t r, size_t *n,
                             const int **issues, const uint32_t **lo,
                             const uint32_t **hi) {
  const pl__rect *rc = &s->parties[p].rects[r];
  *n = rc->n;
  *issues = rc->issue;
  *lo = rc->lo;
  *hi = rc->hi;
  return rc->utility;
}
double pl_scenario_issue_min(const pl_scenario *s, int i) {
  return s->issues[i].kind == PL_ISSUE_DISCRETE ? 0 : s->issues[i].min;
}
double pl_scenario_issue_max(const pl_scenario *s, int i) {
  return s->issues[i].kind == PL_ISSUE_DISCRETE ? 0 : s->issues[i].max;
}
double pl_scenario_issue_step(const pl_scenario *s, int i) {
  return s->issues[i].kind == PL_ISSUE_DISCRETE ? 0 : s->issues[i].step;
}
const char *pl_scenario_option_name(const pl_scenario *s, int i, uint32_t k) {
  return k == PL_NOT_AGREED ? "-" : s->issues[i].opt_name[k];
}
double pl_scenario_option_number(const pl_scenario *s, int i, uint32_t k) {
  return s->issues[i].num && k < s->issues[i].n ? s->issues[i].num[k] : 0;
}
