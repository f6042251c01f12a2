/* The scenario model: building, checking and querying a negotiation. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/scenario_internal.h"

/* ------------------------------------------------------------------ */
/* lifetime                                                            */
/* ------------------------------------------------------------------ */

pl_scenario *pl_scenario_new(const char *id) {
  pl_scenario *s = pl__calloc(1, sizeof *s);
  if (!s) return NULL;
  s->id = pl__strdup(id ? id : "scenario");
  s->title = pl__strdup("");
  s->description = pl__strdup("");
  if (!s->id || !s->title || !s->description) {
    pl_scenario_free(s);
    return NULL;
  }
  return s;
}

static void free_issue(pl__issue *is) {
  for (uint32_t k = 0; k < is->n; k++) {
    if (is->opt_name && is->opt_name[k] != (is->opt_id ? is->opt_id[k] : 0))
      pl__free(is->opt_name[k]);
    if (is->opt_id) pl__free(is->opt_id[k]);
  }
  pl__free(is->opt_id);
  pl__free(is->opt_name);
  pl__free(is->by_id);
  pl__free(is->num);
  pl__free(is->id);
  pl__free(is->name);
}

void pl_scenario_free(pl_scenario *s) {
  if (!s) return;
  for (int p = 0; p < s->n_parties; p++) {
    pl__party *pa = &s->parties[p];
    pl__free(pa->id);
    pl__free(pa->name);
    pl__free(pa->weight);
    if (pa->value)
      for (int i = 0; i < pa->n_alloc; i++) pl__free(pa->value[i]);
    pl__free(pa->value);
    pl__free(pa->status_quo);
    pl__free(pa->reservation_outcome);
    pl__party_free_ufun(pa);
  }
  for (int i = 0; i < s->n_issues; i++) free_issue(&s->issues[i]);
  for (int r = 0; r < s->n_red_lines; r++) {
    pl__red_line *rl = &s->red_lines[r];
    pl__free(rl->id);
    pl__free(rl->description);
    pl_expr_free(rl->rule);
    pl__free(rl->issues);
    pl__variants_free(rl);
  }
  if (s->table)
    for (int i = 0; i < s->n_issues; i++) pl__free(s->table[i]);
  pl__free(s->table);
  pl__free(s->wnorm);
  pl__free(s->radix_stride);
  pl__free(s->parties);
  pl__free(s->issues);
  pl__free(s->red_lines);
  pl__free(s->status_quo);
  pl__free(s->id);
  pl__free(s->title);
  pl__free(s->description);
  pl__free(s);
}

/* ------------------------------------------------------------------ */
/* checks shared by the builder calls                                  */
/* ------------------------------------------------------------------ */

static int check_open(pl_scenario *s, pl_error *err) {
  if (!s) return pl__err(err, PL_EINVAL, "no scenario");
  if (s->finished)
    return pl__err(err, PL_ESTATE, "scenario \"%s\" is finished", s->id);
  return PL_OK;
}

static int check_id(const char *id, const char *what, pl_error *err) {
  if (!id || !*id) return pl__err(err, PL_EINVAL, "%s id is empty", what);
  return PL_OK;
}

static int check_party(const pl_scenario *s, int p, pl_error *err) {
  if (p < 0 || p >= s->n_parties)
    return pl__err(err, PL_ENOTFOUND, "no party %d", p);
  return PL_OK;
}

static int check_issue(const pl_scenario *s, int i, pl_error *err) {
  if (i < 0 || i >= s->n_issues)
    return pl__err(err, PL_ENOTFOUND, "no issue %d", i);
  return PL_OK;
}

int pl__check_party_open(pl_scenario *s, int p, pl_error *err) {
  int rc = check_open(s, err);
  return rc ? rc : check_party(s, p, err);
}

int pl_scenario_set_text(pl_scenario *s, const char *title,
                         const char *description, pl_error *err) {
  int rc = check_open(s, err);
  if (rc) return rc;
  char *t = pl__strdup(title ? title : ""), *d = pl__strdup(description ? description : "");
  if (!t || !d) {
    pl__free(t);
    pl__free(d);
    return pl__err(err, PL_ENOMEM, "out of memory");
  }
  pl__free(s->title);
  pl__free(s->description);
  s->title = t;
  s->description = d;
  return PL_OK;
}

/* ------------------------------------------------------------------ */
/* parties and issues                                                  */
/* ------------------------------------------------------------------ */

int pl_scenario_add_party(pl_scenario *s, const char *id, const char *name,
                          double reservation, pl_error *err) {
  int rc = check_open(s, err);
  if (rc || (rc = check_id(id, "party", err))) return rc;
  if (pl_scenario_find_party(s, id) >= 0)
    return pl__err(err, PL_EEXIST, "duplicate party id \"%s\"", id);
  if (!(reservation >= 0 && reservation <= 1))
    return pl__err(err, PL_ERANGE,
                   "reservation value of party \"%s\" must be in [0,1], got %g",
                   id, reservation);
  if (s->n_parties >= PL__MAX_PARTIES)
    return pl__err(err, PL_ETOOBIG, "too many parties: at most %d",
                   PL__MAX_PARTIES);
  if (pl__grow((void **)&s->parties, &s->cap_parties, s->n_parties + 1,
               sizeof *s->parties))
    return pl__err(err, PL_ENOMEM, "out of memory");
  pl__party *pa = &s->parties[s->n_parties];
  memset(pa, 0, sizeof *pa);
  pa->id = pl__strdup(id);
  pa->name = pl__strdup(name && *name ? name : id);
  pa->reservation = reservation;
  pa->discount = 1;
  pa->reservation_cost = 1;
  if (!pa->id || !pa->name) {
    pl__free(pa->id);
    pl__free(pa->name);
    return pl__err(err, PL_ENOMEM, "out of memory");
  }
  return s->n_parties++;
}

/* Appends an issue whose options the caller fills in; returns its index. */
static int new_issue(pl_scenario *s, const char *id, const char *name,
                     pl_issue_kind kind, uint64_t n, pl_error *err) {
  int rc = check_open(s, err);
  if (rc || (rc = check_id(id, "issue", err))) return rc;
  if (pl_scenario_find_issue(s, id) >= 0)
    return pl__err(err, PL_EEXIST, "duplicate issue id \"%s\"", id);
  if (s->status_quo)
    return pl__err(err, PL_ESTATE, "issue \"%s\" added after a status quo",
                   id);
  for (int p = 0; p < s->n_parties; p++)
    if (s->parties[p].status_quo)
      return pl__err(err, PL_ESTATE, "issue \"%s\" added after a status quo",
                     id);
  /* red lines keep a bitset of the issues they mention, sized when added */
  if (s->n_red_lines)
    return pl__err(err, PL_ESTATE, "issue \"%s\" added after a red line",
                   id);
  if (n == 0) return pl__err(err, PL_EINVAL, "issue \"%s\" has no options", id);
  if (n > PL__MAX_OPTIONS)
    return pl__err(err, PL_ETOOBIG,
                   "issue \"%s\" has %llu options; at most %u are supported",
                   id, (unsigned long long)n, PL__MAX_OPTIONS);
  if (s->n_issues >= PL__MAX_ISSUES)
    return pl__err(err, PL_ETOOBIG, "too many issues: at most %d",
                   PL__MAX_ISSUES);
  if (pl__grow((void **)&s->issues, &s->cap_issues, s->n_issues + 1,
               sizeof *s->issues))
    return pl__err(err, PL_ENOMEM, "out of memory");
  pl__issue *is = &s->issues[s->n_issues];
  memset(is, 0, sizeof *is);
  is->kind = kind;
  is->id = pl__strdup(id);
  is->name = pl__strdup(name && *name ? name : id);
  is->opt_id = pl__calloc(n, sizeof *is->opt_id);
  is->opt_name = pl__calloc(n, sizeof *is->opt_name);
  if (!is->id || !is->name || !is->opt_id || !is->opt_name) {
    free_issue(is);
    return pl__err(err, PL_ENOMEM, "out of memory");
  }
  return s->n_issues; /* counted by the caller once the options are in */
}

/* An option to sort by id. qsort passes no context, and a global would
 * race when distinct scenarios are built in distinct threads. */
typedef struct opt_ref {
  const char *id;
  uint32_t k;
} opt_ref;
static int by_id_cmp(const void *a, const void *b) {
  return strcmp(((const opt_ref *)a)->id, ((const opt_ref *)b)->id);
}

int pl_scenario_add_discrete_issue(pl_scenario *s, const char *id,
                                   const char *name, size_t n_options,
                                   const char *const *option_ids,
                                   const char *const *option_names,
                                   pl_error *err) {
  int i = new_issue(s, id, name, PL_ISSUE_DISCRETE, n_options, err);
  if (i < 0) return i;
  pl__issue *is = &s->issues[i];
  int rc = PL_OK;
  for (uint32_t k = 0; k < n_options && !rc; k++) {
    if ((rc = check_id(option_ids[k], "option", err))) break;
    is->opt_id[k] = pl__strdup(option_ids[k]);
    const char *nm = option_names && option_names[k] && *option_names[k]
                         ? option_names[k]
                         : NULL;
    is->opt_name[k] = nm ? pl__strdup(nm) : is->opt_id[k];
    is->n = k + 1;
    if (!is->opt_id[k] || !is->opt_name[k])
      rc = pl__err(err, PL_ENOMEM, "out of memory");
  }
  opt_ref *refs = NULL;
  if (!rc && (!(is->by_id = pl__malloc(n_options * sizeof *is->by_id)) ||
              !(refs = pl__malloc(n_options * sizeof *refs))))
    rc = pl__err(err, PL_ENOMEM, "out of memory");
  if (!rc) {
    for (uint32_t k = 0; k < n_options; k++)
      refs[k] = (opt_ref){is->opt_id[k], k};
    qsort(refs, n_options, sizeof *refs, by_id_cmp);
    for (uint32_t k = 0; k < n_options; k++) is->by_id[k] = refs[k].k;
    for (uint32_t k = 1; k < n_options && !rc; k++)
      if (!strcmp(is->opt_id[is->by_id[k]], is->opt_id[is->by_id[k - 1]]))
        rc = pl__err(err, PL_EEXIST, "duplicate option \"%s\" in issue \"%s\"",
                     is->opt_id[is->by_id[k]], id);
  }
  pl__free(refs);
  if (rc) {
    free_issue(is);
    return rc;
  }
  return s->n_issues++;
}

/* Fills the options of a numeric issue from its grid. */
static int fill_grid(pl_scenario *s, pl__issue *is, pl_error *err) {
  is->num = pl__malloc(is->n * sizeof *is->num);
  if (!is->num) return pl__err(err, PL_ENOMEM, "out of memory");
  for (uint32_t k = 0; k < is->n; k++) {
    char buf[64];
    double v = is->min + is->step * k;
    if (is->kind == PL_ISSUE_INTEGER) {
      snprintf(buf, sizeof buf, "%lld", (long long)llround(v));
    } else {
      if (k + 1 == is->n) v = is->max; /* no drift at the end */
      if (fabs(v) < 1e-9 * is->step) v = 0; /* not 5.55e-17, nor -0 */
      snprintf(buf, sizeof buf, "%.12g", v);
      v = strtod(buf, NULL); /* the grid value is what its label says */
      if (k > 0 && !(v > is->num[k - 1])) /* 12 digits cannot tell apart */
        return pl__err(err, PL_ERANGE,
                       "issue \"%s\": resolution %g is too fine for values "
                       "around %g",
                       is->id, is->step, v);
    }
    is->num[k] = v;
    is->opt_id[k] = is->opt_name[k] = pl__strdup(buf);
    if (!is->opt_id[k]) return pl__err(err, PL_ENOMEM, "out of memory");
  }
  (void)s;
  return PL_OK;
}

int pl_scenario_add_integer_issue(pl_scenario *s, const char *id,
                                  const char *name, int64_t min, int64_t max,
                                  int64_t step, pl_error *err) {
  int64_t span;
  if (step <= 0)
    return pl__err(err, PL_ERANGE, "step of issue \"%s\" must be positive",
                   id ? id : "");
  if (min < -PL__EXACT_INT || min > PL__EXACT_INT || max < -PL__EXACT_INT ||
      max > PL__EXACT_INT)
    return pl__err(err, PL_ETOOBIG,
                   "issue \"%s\" has values beyond 2^53 (9007199254740992), "
                   "the largest whole number parley holds exactly",
                   id ? id : "");
  if (max < min || __builtin_sub_overflow(max, min, &span))
    return pl__err(err, PL_ERANGE,
                   "issue \"%s\": min %lld is above max %lld", id ? id : "",
                   (long long)min, (long long)max);
  if (span % step)
    return pl__err(err, PL_ERANGE,
                   "issue \"%s\": max %lld is not min %lld plus a whole number "
                   "of steps of %lld",
                   id ? id : "", (long long)max, (long long)min,
                   (long long)step);
  if ((uint64_t)(span / step) >= PL__MAX_OPTIONS)
    return pl__err(err, PL_ETOOBIG, "issue \"%s\" has more than %u values",
                   id ? id : "", PL__MAX_OPTIONS);
  int i = new_issue(s, id, name, PL_ISSUE_INTEGER, (uint64_t)(span / step) + 1,
                    err);
  if (i < 0) return i;
  pl__issue *is = &s->issues[i];
  is->n = (uint32_t)(span / step) + 1;
  is->min = (double)min;
  is->max = (double)max;
  is->step = (double)step;
  int rc = fill_grid(s, is, err);
  if (rc) {
    free_issue(is);
    return rc;
  }
  return s->n_issues++;
}

int pl_scenario_add_real_issue(pl_scenario *s, const char *id,
                               const char *name, double min, double max,
                               double resolution, pl_error *err) {
  if (!isfinite(min) || !isfinite(max) || max < min)
    return pl__err(err, PL_ERANGE, "issue \"%s\": min %g is above max %g",
                   id ? id : "", min, max);
  if (!(resolution > 0) || !isfinite(resolution))
    return pl__err(err, PL_ERANGE,
                   "resolution of issue \"%s\" must be positive",
                   id ? id : "");
  double steps = (max - min) / resolution;
  if (steps >= PL__MAX_OPTIONS)
    return pl__err(err, PL_ETOOBIG,
                   "issue \"%s\" has more than %u values at resolution %g",
                   id ? id : "", PL__MAX_OPTIONS, resolution);
  double whole = round(steps);
  if (fabs(steps - whole) > 1e-9 * (whole > 1 ? whole : 1))
    return pl__err(err, PL_ERANGE,
                   "issue \"%s\": the range %g..%g is not a whole number of "
                   "steps of %g",
                   id ? id : "", min, max, resolution);
  int i = new_issue(s, id, name, PL_ISSUE_REAL, (uint64_t)whole + 1, err);
  if (i < 0) return i;
  pl__issue *is = &s->issues[i];
  is->n = (uint32_t)whole + 1;
  is->min = min;
  is->max = max;
  is->step = resolution;
  int rc = fill_grid(s, is, err);
  if (rc) {
    free_issue(is);
    return rc;
  }
  return s->n_issues++;
}

/* ------------------------------------------------------------------ */
/* preferences                                                         */
/* ------------------------------------------------------------------ */

/* Makes room in a party's arrays for every issue declared so far. */
static int party_storage(pl_scenario *s, pl__party *pa, pl_error *err) {
  if (pa->n_alloc >= s->n_issues) return PL_OK;
  double *w = pl__realloc(pa->weight, (size_t)s->n_issues * sizeof *w);
  if (!w) return pl__err(err, PL_ENOMEM, "out of memory");
  pa->weight = w;
  double **v = pl__realloc(pa->value, (size_t)s->n_issues * sizeof *v);
  if (!v) return pl__err(err, PL_ENOMEM, "out of memory");
  pa->value = v;
  for (int i = pa->n_alloc; i < s->n_issues; i++) {
    w[i] = 0;
    v[i] = NULL;
  }
  pa->n_alloc = s->n_issues;
  return PL_OK;
}

static int party_issue(pl_scenario *s, int p, int i, pl_error *err) {
  int rc = check_open(s, err);
  if (rc || (rc = check_party(s, p, err)) || (rc = check_issue(s, i, err)))
    return rc;
  return party_storage(s, &s->parties[p], err);
}

int pl_scenario_set_weight(pl_scenario *s, int party, int issue, double weight,
                           pl_error *err) {
  int rc = party_issue(s, party, issue, err);
  if (rc) return rc;
  if (!(weight >= 0) || !isfinite(weight))
    return pl__err(err, PL_ERANGE,
                   "weight of issue \"%s\" for party \"%s\" must be a "
                   "non-negative number, got %g",
                   s->issues[issue].id, s->parties[party].id, weight);
  s->parties[party].weight[issue] = weight;
  return PL_OK;
}

static double *values_of(pl_scenario *s, int p, int i) {
  pl__party *pa = &s->parties[p];
  if (!pa->value[i]) pa->value[i] = pl__calloc(s->issues[i].n, sizeof(double));
  return pa->value[i];
}

int pl_scenario_set_value(pl_scenario *s, int party, int issue,
                          uint32_t option, double value, pl_error *err) {
  int rc = party_issue(s, party, issue, err);
  if (rc) return rc;
  if (option >= s->issues[issue].n)
    return pl__err(err, PL_ENOTFOUND, "issue \"%s\" has no option %u",
                   s->issues[issue].id, option);
  if (s->parties[party].weighting == PL_WEIGHTS_AS_GIVEN ? !isfinite(value)
                                                         : !(value >= 0 && value <= 1))
    return pl__err(err, PL_ERANGE,
                   "value of option \"%s\" of issue \"%s\" for party \"%s\" "
                   "must be in [0,1], got %g",
                   s->issues[issue].opt_id[option], s->issues[issue].id,
                   s->parties[party].id, value);
  double *v = values_of(s, party, issue);
  if (!v) return pl__err(err, PL_ENOMEM, "out of memory");
  v[option] = value;
  return PL_OK;
}

int pl_scenario_set_value_function(pl_scenario *s, int party, int issue,
                                   size_t n, const double *x, const double *v,
                                   pl_error *err) {
  int rc = party_issue(s, party, issue, err);
  if (rc) return rc;
  pl__issue *is = &s->issues[issue];
  if (is->kind == PL_ISSUE_DISCRETE)
    return pl__err(err, PL_EINVAL,
                   "issue \"%s\" is discrete: give option values, not a "
                   "value function",
                   is->id);
  if (n == 0)
    return pl__err(err, PL_EINVAL, "value function of issue \"%s\" is empty",
                   is->id);
  for (size_t k = 0; k < n; k++) {
    if (!isfinite(x[k]) || (k > 0 && !(x[k] > x[k - 1])))
      return pl__err(err, PL_EINVAL,
                     "value function of issue \"%s\": points must have "
                     "strictly increasing x",
                     is->id);
    if (!(v[k] >= 0 && v[k] <= 1))
      return pl__err(err, PL_ERANGE,
                     "value function of issue \"%s\": value %g is outside "
                     "[0,1]",
                     is->id, v[k]);
  }
  double *out = values_of(s, party, issue);
  if (!out) return pl__err(err, PL_ENOMEM, "out of memory");
  /* the grid ascends, so the segment index only moves forward */
  size_t j = 0;
  for (uint32_t k = 0; k < is->n; k++) {
    double g = is->num[k];
    while (j < n && x[j] < g) j++;
    if (j == 0)
      out[k] = v[0];
    else if (j == n)
      out[k] = v[n - 1];
    else if (x[j] == g)
      out[k] = v[j];
    else
      out[k] = pl__interp(x[j - 1], v[j - 1], x[j], v[j], g);
  }
  return PL_OK;
}

int pl_scenario_set_status_quo(pl_scenario *s, int party,
                               const uint32_t *options, pl_error *err) {
  int rc = check_open(s, err);
  if (rc) return rc;
  if (party != -1 && (rc = check_party(s, party, err))) return rc;
  for (int i = 0; i < s->n_issues; i++)
    if (options[i] >= s->issues[i].n)
      return pl__err(err, PL_ENOTFOUND, "issue \"%s\" has no option %u",
                     s->issues[i].id, options[i]);
  uint32_t *sq = pl__malloc((size_t)(s->n_issues ? s->n_issues : 1) * sizeof *sq);
  if (!sq) return pl__err(err, PL_ENOMEM, "out of memory");
  memcpy(sq, options, (size_t)s->n_issues * sizeof *sq);
  uint32_t **slot = party < 0 ? &s->status_quo : &s->parties[party].status_quo;
  pl__free(*slot);
  *slot = sq;
  return PL_OK;
}

/* ------------------------------------------------------------------ */
/* red lines                                                           */
/* ------------------------------------------------------------------ */

pl_expr *pl_expr_in(int issue, size_t n, const uint32_t *options) {
  pl_expr *e = pl__calloc(1, sizeof *e);
  if (!e) return NULL;
  e->kind = PL__EXPR_IN;
  e->issue = issue;
  e->n_listed = n;
  e->listed = pl__malloc((n ? n : 1) * sizeof *e->listed);
  if (!e->listed) {
    pl__free(e);
    return NULL;
  }
  if (n) memcpy(e->listed, options, n * sizeof *options);
  return e;
}

static pl_expr *node(pl__expr_kind kind, size_t n, pl_expr **kids) {
  pl_expr *e = pl__calloc(1, sizeof *e);
  pl_expr **k = pl__malloc((n ? n : 1) * sizeof *k);
  if (!e || !k) {
    pl__free(e);
    pl__free(k);
    for (size_t j = 0; j < n; j++) pl_expr_free(kids[j]);
    return NULL;
  }
  e->kind = kind;
  e->n = n;
  e->kids = k;
  if (n) memcpy(k, kids, n * sizeof *kids);
  return e;
}

pl_expr *pl_expr_not(pl_expr *e) {
  if (!e) return NULL;
  return node(PL__EXPR_NOT, 1, &e);
}
/* A NULL child means an earlier allocation failed: free the rest. */
static pl_expr *combine(pl__expr_kind kind, size_t n, pl_expr **kids) {
  for (size_t j = 0; j < n; j++)
    if (!kids[j]) {
      for (size_t m = 0; m < n; m++) pl_expr_free(kids[m]);
      return NULL;
    }
  return node(kind, n, kids);
}
pl_expr *pl_expr_all(size_t n, pl_expr **kids) {
  return combine(PL__EXPR_ALL, n, kids);
}
pl_expr *pl_expr_any(size_t n, pl_expr **kids) {
  return combine(PL__EXPR_ANY, n, kids);
}

void pl_expr_free(pl_expr *e) {
  if (!e) return;
  for (size_t j = 0; j < e->n; j++) pl_expr_free(e->kids[j]);
  pl__free(e->kids);
  pl__free(e->listed);
  pl__free(e->set);
  pl__free(e);
}

bool pl__expr_eval(const pl_expr *e, const uint32_t *o) {
  switch (e->kind) {
  case PL__EXPR_IN:
    return o[e->issue] != PL_NOT_AGREED && pl__bit(e->set, o[e->issue]);
  case PL__EXPR_NOT:
    return !pl__expr_eval(e->kids[0], o);
  case PL__EXPR_ALL:
    for (size_t j = 0; j < e->n; j++)
      if (!pl__expr_eval(e->kids[j], o)) return false;
    return true;
  case PL__EXPR_ANY:
    for (size_t j = 0; j < e->n; j++)
      if (pl__expr_eval(e->kids[j], o)) return true;
    return false;
  }
  return false;
}

void pl__expr_issues(const pl_expr *e, uint64_t *issues) {
  if (e->kind == PL__EXPR_IN) pl__setbit(issues, (size_t)e->issue);
  for (size_t j = 0; j < e->n; j++) pl__expr_issues(e->kids[j], issues);
}

/* Checks a rule against the scenario and builds its option bitsets. */
static int bind_expr(pl_scenario *s, pl_expr *e, int depth, pl_error *err) {
  if (depth > 64) return pl__err(err, PL_EINVAL, "red line nested too deeply");
  if (e->kind == PL__EXPR_IN) {
    int rc = check_issue(s, e->issue, err);
    if (rc) return rc;
    const pl__issue *is = &s->issues[e->issue];
    pl__free(e->set);
    e->set = pl__calloc(pl__words(is->n), sizeof *e->set);
    if (!e->set) return pl__err(err, PL_ENOMEM, "out of memory");
    for (size_t j = 0; j < e->n_listed; j++) {
      if (e->listed[j] >= is->n)
        return pl__err(err, PL_ENOTFOUND, "issue \"%s\" has no option %u",
                       is->id, e->listed[j]);
      pl__setbit(e->set, e->listed[j]);
    }
    return PL_OK;
  }
  if (e->n == 0)
    return pl__err(err, PL_EINVAL, "red line has an empty all/any");
  for (size_t j = 0; j < e->n; j++) {
    int rc = bind_expr(s, e->kids[j], depth + 1, err);
    if (rc) return rc;
  }
  return PL_OK;
}

int pl__bind_rule(pl_scenario *s, pl_expr *e, pl_error *err) {
  int rc = check_open(s, err);
  return rc ? rc : bind_expr(s, e, 0, err);
}

static int add_red_line(pl_scenario *s, int party, const char *id,
                        const char *description, pl_error *err,
                        pl__red_line **out) {
  int rc = check_open(s, err);
  if (rc || (rc = check_party(s, party, err)) ||
      (rc = check_id(id, "red line", err)))
    return rc;
  for (int r = 0; r < s->n_red_lines; r++)
    if (s->red_lines[r].party == party && !strcmp(s->red_lines[r].id, id))
      return pl__err(err, PL_EEXIST,
                     "duplicate red line id \"%s\" for party \"%s\"", id,
                     s->parties[party].id);
  if (pl__grow((void **)&s->red_lines, &s->cap_red_lines, s->n_red_lines + 1,
               sizeof *s->red_lines))
    return pl__err(err, PL_ENOMEM, "out of memory");
  pl__red_line *rl = &s->red_lines[s->n_red_lines];
  memset(rl, 0, sizeof *rl);
  rl->party = party;
  rl->drop_cost = 1;
  rl->id = pl__strdup(id);
  rl->description = pl__strdup(description ? description : "");
  rl->issues = pl__calloc(pl__words((size_t)s->n_issues), sizeof *rl->issues);
  if (!rl->id || !rl->description || !rl->issues) {
    pl__free(rl->id);
    pl__free(rl->description);
    pl__free(rl->issues);
    return pl__err(err, PL_ENOMEM, "out of memory");
  }
  *out = rl;
  return PL_OK;
}

int pl_scenario_add_red_line(pl_scenario *s, int party, const char *id,
                             const char *description, pl_expr *rule,
                             pl_error *err) {
  if (!rule) return pl__err(err, PL_ENOMEM, "out of memory");
  pl__red_line *rl;
  int rc = check_open(s, err);
  if (!rc) rc = bind_expr(s, rule, 0, err);
  if (!rc) rc = add_red_line(s, party, id, description, err, &rl);
  if (rc) {
    pl_expr_free(rule);
    return rc;
  }
  rl->rule = rule;
  pl__expr_issues(rule, rl->issues);
  return s->n_red_lines++;
}

int pl_scenario_add_linkage(pl_scenario *s, int party, const char *id,
                            const char *description, size_t n,
                            const int *issues, pl_error *err) {
  pl__red_line *rl;
  int rc = check_open(s, err);
  if (!rc && n == 1) /* one issue is always agreed with itself */
    rc = pl__err(err, PL_EINVAL,
                 "a linkage needs at least two issues (or 0: every issue)");
  for (size_t j = 0; j < n && !rc; j++) rc = check_issue(s, issues[j], err);
  if (!rc) rc = add_red_line(s, party, id, description, err, &rl);
  if (rc) return rc;
  rl->linkage = true;
  for (int i = 0; i < s->n_issues; i++)
    if (n == 0) pl__setbit(rl->issues, (size_t)i);
  for (size_t j = 0; j < n; j++) pl__setbit(rl->issues, (size_t)issues[j]);
  return s->n_red_lines++;
}

/* ------------------------------------------------------------------ */
/* finishing                                                           */
/* ------------------------------------------------------------------ */

int pl_scenario_finish(pl_scenario *s, pl_error *err) {
  int rc = check_open(s, err);
  if (rc) return rc;
  if (s->n_parties == 0)
    return pl__err(err, PL_EINVAL, "scenario \"%s\" has no parties", s->id);
  if (s->n_issues == 0)
    return pl__err(err, PL_EINVAL, "scenario \"%s\" has no issues", s->id);
  const int np = s->n_parties, ni = s->n_issues;
  for (int p = 0; p < np; p++) {
    if ((rc = party_storage(s, &s->parties[p], err))) return rc;
    if (s->parties[p].hyper || s->parties[p].weighting == PL_WEIGHTS_AS_GIVEN)
      continue; /* weights as given: any sum, 0 included */
    double sum = 0;
    for (int i = 0; i < ni; i++) sum += s->parties[p].weight[i];
    if (!(sum > 0))
      return pl__err(err, PL_EINVAL,
                     "party \"%s\" gives every issue weight 0: give at least "
                     "one issue a positive weight",
                     s->parties[p].id);
    if (!isfinite(sum)) /* dividing by it would zero every weight */
      return pl__err(err, PL_ERANGE,
                     "the weights of party \"%s\" add up to more than the "
                     "largest number: scale them down",
                     s->parties[p].id);
  }
  s->issue_words = pl__words((size_t)ni);
  s->wnorm = pl__malloc((size_t)np * (size_t)ni * sizeof *s->wnorm);
  s->table = pl__calloc((size_t)ni, sizeof *s->table);
  s->radix_stride = pl__calloc((size_t)ni, sizeof *s->radix_stride);
  if (!s->wnorm || !s->table || !s->radix_stride) goto nomem;
  for (int p = 0; p < np; p++) {
    const pl__party *pa = &s->parties[p];
    double sum = 0;
    for (int i = 0; i < ni; i++) sum += pa->weight[i];
    for (int i = 0; i < ni; i++)
      s->wnorm[p * ni + i] = pa->hyper ? 0
                             : pa->weighting == PL_WEIGHTS_AS_GIVEN
                                 ? pa->weight[i]
                                 : pa->weight[i] / sum;
  }
  for (int i = 0; i < ni; i++) {
    const pl__issue *is = &s->issues[i];
    s->table[i] = pl__malloc((size_t)is->n * (size_t)np * sizeof(double));
    if (!s->table[i]) goto nomem;
    for (uint32_t k = 0; k < is->n; k++)
      for (int p = 0; p < np; p++) {
        const double *v = s->parties[p].value[i];
        s->table[i][(size_t)k * np + p] = s->wnorm[p * ni + i] * (v ? v[k] : 0);
      }
  }
  uint64_t stride = 1;
  bool overflow = false;
  for (int i = ni - 1; i >= 0; i--) {
    s->radix_stride[i] = overflow ? 0 : stride;
    if (__builtin_mul_overflow(stride, (uint64_t)s->issues[i].n, &stride))
      overflow = true;
  }
  if (overflow) memset(s->radix_stride, 0, (size_t)ni * sizeof *s->radix_stride);
  /* Reservation outcomes become values once utilities can be computed. */
  for (int p = 0; p < np; p++)
    if (s->parties[p].reservation_outcome)
      s->parties[p].reservation =
          pl_scenario_utility(s, p, s->parties[p].reservation_outcome);
  int n_constraints = 0;
  for (int r = 0; r < s->n_red_lines; r++) n_constraints += !s->red_lines[r].linkage;
  for (int p = 0; p < np; p++) n_constraints += pl__reservation_binds(s, p);
  if (n_constraints > PL__MAX_CONSTRAINTS) {
    rc = pl__err(err, PL_ETOOBIG,
                 "%d red lines and binding reservation values; at most %d are "
                 "supported",
                 n_constraints, PL__MAX_CONSTRAINTS);
    goto undo;
  }
  s->finished = true;
  return PL_OK;
nomem:
  rc = pl__err(err, PL_ENOMEM, "out of memory");
undo:
  /* Leave nothing half-prepared: the scenario may still change (more
   * issues) and be finished again. */
  if (s->table)
    for (int i = 0; i < ni; i++) pl__free(s->table[i]);
  pl__free(s->table);
  pl__free(s->wnorm);
  pl__free(s->radix_stride);
  s->table = NULL;
  s->wnorm = NULL;
  s->radix_stride = NULL;
  return rc;
}

/* ------------------------------------------------------------------ */
/* queries                                                             */
/* ------------------------------------------------------------------ */

const char *pl_scenario_id(const pl_scenario *s) { return s->id; }
const char *pl_scenario_title(const pl_scenario *s) { return s->title; }
const char *pl_scenario_description(const pl_scenario *s) {
  return s->description;
}
int pl_scenario_party_count(const pl_scenario *s) { return s->n_parties; }
const char *pl_scenario_party_id(const pl_scenario *s, int p) {
  return s->parties[p].id;
}
const char *pl_scenario_party_name(const pl_scenario *s, int p) {
  return s->parties[p].name;
}
double pl_scenario_reservation(const pl_scenario *s, int p) {
  return s->parties[p].reservation;
}
int pl_scenario_issue_count(const pl_scenario *s) { return s->n_issues; }
const char *pl_scenario_issue_id(const pl_scenario *s, int i) {
  return s->issues[i].id;
}
const char *pl_scenario_issue_name(const pl_scenario *s, int i) {
  return s->issues[i].name;
}
pl_issue_kind pl_scenario_issue_kind(const pl_scenario *s, int i) {
  return s->issues[i].kind;
}
uint32_t pl_scenario_option_count(const pl_scenario *s, int i) {
  return s->issues[i].n;
}
const char *pl_scenario_option_id(const pl_scenario *s, int i, uint32_t k) {
  return k == PL_NOT_AGREED ? "-" : s->issues[i].opt_id[k];
}
double pl_scenario_weight(const pl_scenario *s, int p, int i) {
  return s->wnorm[p * s->n_issues + i];
}
double pl_scenario_value(const pl_scenario *s, int p, int i, uint32_t k) {
  const double *v = s->parties[p].value ? s->parties[p].value[i] : NULL;
  return v ? v[k] : 0;
}

int pl_scenario_find_issue(const pl_scenario *s, const char *id) {
  for (int i = 0; i < s->n_issues; i++)
    if (!strcmp(s->issues[i].id, id)) return i;
  return -1;
}
int pl_scenario_find_party(const pl_scenario *s, const char *id) {
  for (int p = 0; p < s->n_parties; p++)
    if (!strcmp(s->parties[p].id, id)) return p;
  return -1;
}
int64_t pl_scenario_find_option(const pl_scenario *s, int i, const char *id) {
  const pl__issue *is = &s->issues[i];
  if (is->by_id) {
    size_t lo = 0, hi = is->n;
    while (lo < hi) {
      size_t mid = (lo + hi) / 2;
      int c = strcmp(is->opt_id[is->by_id[mid]], id);
      if (c == 0) return is->by_id[mid];
      if (c < 0)
        lo = mid + 1;
      else
        hi = mid;
    }
    return -1;
  }
  /* numeric: parse and look the value up on the grid */
  char *end;
  double v = strtod(id, &end);
  if (end == id || *end) return -1;
  double k = round((v - is->min) / is->step);
  if (!(k >= 0 && k < is->n)) return -1; /* also NaN */
  double g = is->num[(uint32_t)k];
  if (fabs(g - v) > 1e-9 * (fabs(g) > 1 ? fabs(g) : 1)) return -1;
  return (int64_t)k;
}

double pl_scenario_utility(const pl_scenario *s, int p,
                           const uint32_t *options) {
  const pl__party *pa = &s->parties[p];
  if (pa->hyper) return pl__hyper_utility(s, p, options);
  /* Summed in issue order, exactly as the enumeration does, so both give the
   * same bits. */
  double u = 0;
  for (int i = 0; i < s->n_issues; i++) {
    uint32_t k = options[i];
    if (k == PL_NOT_AGREED) k = pl__status_quo(s, p, i);
    if (k == PL_NOT_AGREED) continue;
    u += s->table[i][(size_t)k * s->n_parties + p];
  }
  return u > 1 ? 1 : u; /* a utility above 1 is 1 (GENIUS's rule) */
}

uint32_t pl_scenario_status_quo(const pl_scenario *s, int p, int i) {
  return pl__status_quo(s, p, i);
}

int pl_scenario_has_status_quo(const pl_scenario *s) {
  for (int p = 0; p < s->n_parties; p++)
    if (!s->status_quo && !s->parties[p].status_quo) return 0;
  return 1;
}

int pl_scenario_outcome_count(const pl_scenario *s, uint64_t *n) {
  if (s->n_issues == 0 || s->radix_stride[0] == 0) return PL_ERANGE;
  uint64_t c;
  if (__builtin_mul_overflow(s->radix_stride[0], (uint64_t)s->issues[0].n, &c))
    return PL_ERANGE;
  *n = c;
  return PL_OK;
}

int pl__count_text(const uint32_t *counts, int n, char *buf, size_t size) {
  /* Schoolbook multiplication on little-endian decimal digits. */
  size_t cap = 16 + 8 * (size_t)(n > 0 ? n : 0);
  unsigned char *d = pl__calloc(cap, 1);
  if (!d) return PL_ENOMEM;
  size_t len = 1;
  d[0] = 1;
  for (int i = 0; i < n; i++) {
    uint64_t carry = 0, m = counts[i];
    for (size_t k = 0; k < len || carry; k++) {
      uint64_t t = (k < len ? d[k] : 0) * m + carry;
      d[k] = (unsigned char)(t % 10);
      carry = t / 10;
      if (k >= len) len = k + 1;
    }
  }
  while (len > 1 && d[len - 1] == 0) len--; /* a factor 0 */
  int rc = PL_OK;
  if (len + 1 > size) {
    rc = PL_ERANGE;
  } else {
    for (size_t k = 0; k < len; k++) buf[k] = (char)('0' + d[len - 1 - k]);
    buf[len] = 0;
  }
  pl__free(d);
  return rc;
}

int pl_scenario_outcome_count_text(const pl_scenario *s, char *buf,
                                   size_t size) {
  uint32_t *counts = pl__malloc((size_t)(s->n_issues ? s->n_issues : 1) *
                                sizeof *counts);
  if (!counts) return PL_ENOMEM;
  for (int i = 0; i < s->n_issues; i++) counts[i] = s->issues[i].n;
  int rc = pl__count_text(counts, s->n_issues, buf, size);
  pl__free(counts);
  return rc;
}

void pl_scenario_decode(const pl_scenario *s, uint64_t index,
                        uint32_t *options) {
  for (int i = s->n_issues - 1; i >= 0; i--) {
    options[i] = (uint32_t)(index % s->issues[i].n);
    index /= s->issues[i].n;
  }
}

uint64_t pl_scenario_encode(const pl_scenario *s, const uint32_t *options) {
  uint64_t x = 0;
  for (int i = 0; i < s->n_issues; i++) x = x * s->issues[i].n + options[i];
  return x;
}

int pl_scenario_red_line_count(const pl_scenario *s) { return s->n_red_lines; }
int pl_scenario_red_line_party(const pl_scenario *s, int r) {
  return s->red_lines[r].party;
}
const char *pl_scenario_red_line_id(const pl_scenario *s, int r) {
  return s->red_lines[r].id;
}
const char *pl_scenario_red_line_description(const pl_scenario *s, int r) {
  return s->red_lines[r].description;
}
int pl_scenario_red_line_is_linkage(const pl_scenario *s, int r) {
  return s->red_lines[r].linkage;
}
int pl_scenario_red_line_mentions(const pl_scenario *s, int r, int i) {
  return pl__bit(s->red_lines[r].issues, (size_t)i);
}

int pl_scenario_red_line_holds(const pl_scenario *s, int r,
                               const uint32_t *o) {
  const pl__red_line *rl = &s->red_lines[r];
  int agreed = 0, left = 0;
  for (size_t w = 0; w < s->issue_words; w++)
    for (uint64_t bits = rl->issues[w]; bits; bits &= bits - 1) {
      size_t i = w * 64 + (size_t)__builtin_ctzll(bits);
      if (o[i] == PL_NOT_AGREED)
        left++;
      else
        agreed++;
    }
  if (!rl->linkage) return left || pl__expr_eval(rl->rule, o);
  return !(agreed && left);
}

int pl_scenario_acceptable(const pl_scenario *s, int party, const uint32_t *o,
                           int *red_line) {
  for (int r = 0; r < s->n_red_lines; r++)
    if (s->red_lines[r].party == party && !pl_scenario_red_line_holds(s, r, o)) {
      if (red_line) *red_line = r;
      return 0;
    }
  if (red_line) *red_line = -1;
  return pl_scenario_utility(s, party, o) >=
         s->parties[party].reservation - PL_TOLERANCE;
}
