/* GeniusWeb JSON (TU Delft's GeniusWeb; ANAC/ANL 2020-2023): a domain file
 * and one profile file per party.
 *
 *   domain:  {"name": N, "issuesValues": {ISSUE: {"values": [STRING...]} |
 *                                        {"range": {"low", "high", "step"}}}}
 *   profile: {"LinearAdditiveUtilitySpace": {
 *               "issueUtilities": {ISSUE: {"DiscreteValueSetUtilities":
 *                                            {"valueUtilities": {V: U}}} |
 *                                         {"NumberValueSetUtilities":
 *                                            {"lowValue", "lowUtility",
 *                                             "highValue", "highUtility"}}},
 *               "issueWeights": {ISSUE: W}, "domain": {...}, "name": N,
 *               "reservationBid"?: {"issuevalues": {ISSUE: V}}}}
 *
 * Older GeniusWeb wrote "discreteutils" and "numberutils" for the two
 * value-set utilities; both spellings are read, the current one written.
 *
 * Semantics, as GeniusWeb defines them (geniusweb.profile.utilityspace):
 *  - utility = sum of weight x value utility, weights used as given
 *    (PL_WEIGHTS_AS_GIVEN: no renormalisation);
 *  - a NumberValueSet is the grid low, low+step, ... up to high (the last
 *    point may be below high); its NumberValueSetUtilities interpolates
 *    linearly between (lowValue, lowUtility) and (highValue, highUtility),
 *    rounded to 8 decimals, which must be the range's ends;
 *  - a reservationBid's utility is the reservation value; a partial bid
 *    counts 0 for the issues it leaves out;
 *  - discrete values are strings; numbers in bids are NumberValues.
 * An issue is a parley integer issue when low, high and step are all JSON
 * integers, else a real one, on GeniusWeb's exact grid; a grid of 10^7
 * steps or more (beyond what the model holds) keeps every
 * ceil(steps / real_intervals)-th value, each still on GeniusWeb's grid. A
 * reservation bid that is not an outcome then (or a partial one) becomes a
 * reservation value.
 *
 * The writer refuses (PL_EUNSUPPORTED) what GeniusWeb cannot express: red
 * lines, a status quo, hyper-rectangles, discount factors, a reservation
 * value without a reservation outcome, values outside [0,1], weights (as
 * used) that do not add up to 1. Weights are written as used, and read
 * back as given: the same weights, the same sums, capped at 1 alike. A
 * numeric issue is written as a range when every
 * party's values are GeniusWeb's interpolation of its end values bit for
 * bit, else as discrete values named by the numbers. Reals are written in
 * the fewest digits that read back as the same double.
 *
 * jansson keeps no positions, so every error names a path into the document
 * and locate() finds that path's place in the text (which jansson has
 * already checked to be well-formed JSON) for file:line:col. */
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/formats.h"
#include "model/scenario_internal.h"

#include "io/geniusweb_internal.h"

/* ------------------------------------------------------------------ */
/* documents                                                           */
/* ------------------------------------------------------------------ */

static void doc_free(doc *d) {
  json_decref(d->root);
  pl__free(d->text);
  memset(d, 0, sizeof *d);
}

/* Counts the values of a document before jansson builds them, so that the
 * tree a file can cost stays bounded; fails at the first one too many. */
static int count_values(ctx *c, const doc *d) {
  const char *t = d->text;
  uint64_t n = 0;
  for (size_t p = d->start; p < d->len; p++) {
    char ch = t[p];
    if (ch == '"') {
      p = pl__gw_skip_string(t, d->len, p) - 1;
      continue;
    }
    if (ch == ',' || ch == '[' || ch == '{' || ch == ':') n++;
    if (n > GW_MAX_VALUES) {
      int line, col;
      pl__gw_line_col(d, p, &line, &col);
      return pl__err_at(c->err, PL_ETOOBIG, d->path, line, col,
                        "more than %u JSON values in one file", GW_MAX_VALUES);
    }
  }
  return PL_OK;
}

static int doc_load(ctx *c, const char *path, doc *d) {
  memset(d, 0, sizeof *d);
  d->path = path;
  int rc = pl__read_file(path, GW_MAX_BYTES, &d->text, &d->len, c->err);
  if (rc) return rc;
  if (d->len >= 3 && !memcmp(d->text, "\xEF\xBB\xBF", 3)) d->start = 3;
  if ((rc = count_values(c, d))) return rc;
  json_error_t je;
  d->root = json_loadb(d->text + d->start, d->len - d->start,
                       JSON_REJECT_DUPLICATES, &je);
  if (!d->root) {
    if (json_error_code(&je) == json_error_out_of_memory)
      return pl__err(c->err, PL_ENOMEM, "out of memory");
    return pl__err_at(c->err, PL_EPARSE, path, je.line > 0 ? je.line : 1,
                      je.column > 0 ? je.column : 1, "invalid JSON: %s",
                      je.text);
  }
  return PL_OK;
}

/* ------------------------------------------------------------------ */
/* small readers                                                       */
/* ------------------------------------------------------------------ */

static const char *jtype(const json_t *v) {
  switch (json_typeof(v)) {
  case JSON_OBJECT:
    return "an object";
  case JSON_ARRAY:
    return "a list";
  case JSON_STRING:
    return "a string";
  case JSON_INTEGER:
  case JSON_REAL:
    return "a number";
  case JSON_TRUE:
    return "true";
  case JSON_FALSE:
    return "false";
  case JSON_NULL:
    break;
  }
  return "null";
}

static int expect_object(ctx *c, const json_t *v, const char *what) {
  if (json_is_object(v)) return PL_OK;
  return pl__gw_fail(c, "expected an object for %s, found %s", what, jtype(v));
}

/* Every key of obj must be in the NULL-terminated list. */
static int check_keys(ctx *c, json_t *obj, const char *where,
                      const char *const *allowed) {
  const char *key;
  json_t *v;
  json_object_foreach(obj, key, v) {
    bool ok = false;
    for (const char *const *a = allowed; *a && !ok; a++) ok = !strcmp(key, *a);
    if (ok) continue;
    char list[256] = "";
    for (const char *const *a = allowed; *a; a++) {
      strncat(list, *a, sizeof list - strlen(list) - 1);
      if (a[1]) strncat(list, ", ", sizeof list - strlen(list) - 1);
    }
    pl__gw_push_key(c, key);
    return pl__gw_fail_key(c, "unknown key \"%s\" in %s; expected one of: %s", key,
                    where, list);
  }
  return PL_OK;
}

/* obj[key], which must be there. */
static int need(ctx *c, json_t *obj, const char *key, const char *where,
                json_t **out) {
  *out = json_object_get(obj, key);
  if (!*out) return pl__gw_fail(c, "%s has no \"%s\"", where, key);
  return PL_OK;
}

/* A number; the current path names it. */
static int get_number(ctx *c, const json_t *v, const char *what, double *out) {
  if (!json_is_number(v)) {
    if (json_is_string(v))
      return pl__gw_fail(c,
                  "expected a number for %s, found the string \"%s\": write "
                  "numbers without quotes",
                  what, json_string_value(v));
    return pl__gw_fail(c, "expected a number for %s, found %s", what, jtype(v));
  }
  *out = json_number_value(v);
  return PL_OK;
}

/* GeniusWeb's interpolation of a NumberValueSetUtilities: lowUtility +
 * (highUtility - lowUtility) (x - lowValue) / (highValue - lowValue),
 * rounded to 8 decimals. The grid lies within [lowValue, highValue]; a
 * point a 12-digit label moved past an end counts as that end. */
double pl__gw_interp(const gw_numutil *f, double x) {
  if (x < f->low_v) x = f->low_v;
  if (x > f->high_v) x = f->high_v;
  double u = f->low_u + (f->high_u - f->low_u) * (x - f->low_v) /
                            (f->high_v - f->low_v);
  u = round(u * 1e8) / 1e8;
  return u > 0 ? (u > 1 ? 1 : u) : 0; /* never -0 */
}

/* ------------------------------------------------------------------ */
/* value sets                                                          */
/* ------------------------------------------------------------------ */

/* One issue's value set as written: {"values": [...]} or {"range": {...}}. */
typedef struct vset {
  bool numeric, integer;
  json_t *values;
  double low, high, step;
} vset;

static int read_vset(ctx *c, json_t *v, const char *issue, vset *out) {
  memset(out, 0, sizeof *out);
  char what[300];
  snprintf(what, sizeof what, "the values of issue \"%s\"", issue);
  if (!json_is_object(v) || json_object_size(v) != 1 ||
      (!json_object_get(v, "values") && !json_object_get(v, "range"))) {
    if (json_is_object(v) && json_object_size(v) > 0) {
      const char *key = json_object_iter_key(json_object_iter(v));
      if (strcmp(key, "values") && strcmp(key, "range")) {
        pl__gw_push_key(c, key);
        return pl__gw_fail_key(c,
                        "unknown key \"%s\" in %s; expected {\"values\": "
                        "[...]} or {\"range\": {\"low\", \"high\", "
                        "\"step\"}}",
                        key, what);
      }
    }
    return pl__gw_fail(c,
                "expected {\"values\": [...]} or {\"range\": {\"low\", "
                "\"high\", \"step\"}} for %s, found %s",
                what, json_is_object(v) ? "another object" : jtype(v));
  }
  json_t *vals = json_object_get(v, "values");
  if (vals) {
    pl__gw_push_key(c, "values");
    if (!json_is_array(vals))
      return pl__gw_fail(c, "expected a list of strings for %s, found %s", what,
                  jtype(vals));
    if (json_array_size(vals) == 0)
      return pl__gw_fail(c, "issue \"%s\" has no values: list at least one", issue);
    for (size_t k = 0; k < json_array_size(vals); k++) {
      json_t *e = json_array_get(vals, k);
      pl__gw_push_index(c, k);
      if (json_is_number(e))
        return pl__gw_fail(c,
                    "expected a string for value %zu of issue \"%s\", found "
                    "a number: GeniusWeb's discrete values are strings (a "
                    "numeric issue is a \"range\")",
                    k + 1, issue);
      if (!json_is_string(e))
        return pl__gw_fail(c, "expected a string for value %zu of issue \"%s\", "
                       "found %s",
                    k + 1, issue, jtype(e));
      if (!json_string_value(e)[0])
        return pl__gw_fail(c, "value %zu of issue \"%s\" is empty", k + 1, issue);
      pl__gw_pop(c);
    }
    pl__gw_pop(c);
    out->values = vals;
    return PL_OK;
  }
  json_t *r = json_object_get(v, "range"), *x;
  pl__gw_push_key(c, "range");
  static const char *const keys[] = {"low", "high", "step", NULL};
  int rc;
  if ((rc = expect_object(c, r, "a range")) ||
      (rc = check_keys(c, r, "a range", keys)))
    return rc;
  double *dst[] = {&out->low, &out->high, &out->step};
  bool integer = true;
  char where[300];
  snprintf(where, sizeof where, "the range of issue \"%s\"", issue);
  for (int k = 0; k < 3; k++) {
    if ((rc = need(c, r, keys[k], where, &x))) return rc;
    pl__gw_push_key(c, keys[k]);
    char w[320];
    snprintf(w, sizeof w, "\"%s\" of issue \"%s\"", keys[k], issue);
    if ((rc = get_number(c, x, w, dst[k]))) return rc;
    if (json_is_integer(x) && (json_integer_value(x) < -PL__EXACT_INT ||
                               json_integer_value(x) > PL__EXACT_INT))
      return pl__gw_fail(c, "%s is %lld, beyond 2^53 (9007199254740992), the "
                     "largest whole number parley holds exactly",
                  w, (long long)json_integer_value(x));
    integer &= json_is_integer(x);
    pl__gw_pop(c);
  }
  if (!(out->step > 0)) {
    pl__gw_push_key(c, "step");
    return pl__gw_fail(c, "the step of issue \"%s\" must be positive, got %s", issue,
                pl__gw_num(out->step).s);
  }
  if (out->high < out->low)
    return pl__gw_fail(c, "the range of issue \"%s\" is empty: low %s is above high "
                   "%s",
                issue, pl__gw_num(out->low).s, pl__gw_num(out->high).s);
  pl__gw_pop(c);
  out->numeric = true;
  out->integer = integer;
  return PL_OK;
}

/* ------------------------------------------------------------------ */
/* domain                                                              */
/* ------------------------------------------------------------------ */

typedef struct vref {
  const char *s;
  size_t k;
} vref;
static int vref_cmp(const void *a, const void *b) {
  const vref *x = a, *y = b;
  int r = strcmp(x->s, y->s);
  return r ? r : (x->k > y->k) - (x->k < y->k);
}

/* Index of value s in a discrete issue, or -1. */
static long find_value(const gw_issue *is, const char *s) {
  size_t lo = 0, hi = is->nv;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int r = strcmp(is->val[is->sorted[mid]], s);
    if (r == 0) return (long)is->sorted[mid];
    if (r < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return -1;
}

/* Pass 1 over an issue: its number of options, checked against the limits
 * before anything is built. */
static int plan_issue(ctx *c, gw_issue *is, const vset *v) {
  uint64_t n;
  if (!v->numeric) {
    n = json_array_size(v->values);
  } else {
    is->numeric = true;
    is->integer = v->integer;
    is->low = v->low;
    is->high = v->high;
    is->step = v->step;
    double q = (v->high - v->low) / v->step;
    if (!isfinite(q) || q > 9007199254740992.0)
      return pl__gw_fail_code(c, PL_ETOOBIG,
                       "the range of issue \"%s\" has more than 2^53 values",
                       is->id);
    if (v->integer)
      is->steps = (uint64_t)((int64_t)v->high - (int64_t)v->low) /
                  (uint64_t)(int64_t)v->step;
    else /* GeniusWeb counts in decimal: 0.3 / 0.1 is 3 there,
            2.9999999999999996 here */
      is->steps = (uint64_t)floor(q + 1e-9 * (q > 1 ? q : 1));
    /* A grid the model cannot hold is thinned to every stride-th value, at
     * most real_intervals steps, each kept value still on GeniusWeb's grid. */
    is->stride = 1;
    if (is->steps >= PL__MAX_OPTIONS)
      is->stride =
          (is->steps + c->o->real_intervals - 1) / c->o->real_intervals;
    n = is->steps / is->stride + 1;
  }
  if (n > GW_MAX_TOTAL_OPTIONS - c->options)
    return pl__gw_fail_code(c, PL_ETOOBIG,
                     "issue \"%s\" brings the values of all issues to more "
                     "than %u",
                     is->id, GW_MAX_TOTAL_OPTIONS);
  c->options += n;
  return PL_OK;
}

/* Pass 2: the issue in the scenario. */
static int add_discrete(ctx *c, gw_issue *is, json_t *vals) {
  size_t n = json_array_size(vals);
  is->nv = n;
  is->val = pl__calloc(n, sizeof *is->val);
  is->sorted = pl__calloc(n, sizeof *is->sorted);
  vref *r = pl__calloc(n, sizeof *r);
  if (!is->val || !is->sorted || !r) {
    pl__free(r);
    return pl__err(c->err, PL_ENOMEM, "out of memory");
  }
  for (size_t k = 0; k < n; k++) {
    is->val[k] = json_string_value(json_array_get(vals, k));
    r[k] = (vref){is->val[k], k};
  }
  qsort(r, n, sizeof *r, vref_cmp);
  size_t again = n, first = 0;
  for (size_t k = 0; k < n; k++) {
    is->sorted[k] = r[k].k;
    if (k > 0 && !strcmp(r[k].s, r[k - 1].s) && r[k].k < again &&
        (k < 2 || strcmp(r[k - 1].s, r[k - 2].s))) {
      again = r[k].k; /* the first repeat of its group */
      first = r[k - 1].k;
    }
  }
  pl__free(r);
  if (again < n) {
    pl__gw_push_key(c, "values");
    pl__gw_push_index(c, again);
    return pl__gw_fail(c, "value \"%s\" of issue \"%s\" is listed twice (values %zu "
                   "and %zu)",
                is->val[again], is->id, first + 1, again + 1);
  }
  int i = pl_scenario_add_discrete_issue(c->s, is->id, NULL, n, is->val, NULL,
                                         c->err);
  if (i < 0) return pl__gw_relay(c, i);
  is->n = (uint32_t)n;
  return PL_OK;
}

static int add_numeric(ctx *c, gw_issue *is) {
  uint64_t kept = is->steps / is->stride;
  int i;
  if (is->integer) {
    int64_t lo = (int64_t)is->low, st = (int64_t)is->step * (int64_t)is->stride;
    i = pl_scenario_add_integer_issue(c->s, is->id, NULL, lo,
                                      lo + (int64_t)kept * st, st, c->err);
  } else {
    double gstep = is->step * (double)is->stride, gmax;
    double q = (is->high - is->low) / is->step;
    if (is->stride == 1 && fabs(q - (double)is->steps) <=
                               1e-9 * (is->steps > 1 ? (double)is->steps : 1))
      gmax = is->high; /* the range ends on the grid */
    else
      gmax = is->low + (double)kept * gstep;
    i = pl_scenario_add_real_issue(c->s, is->id, NULL, is->low, gmax, gstep,
                                   c->err);
  }
  if (i < 0) return pl__gw_relay(c, i);
  is->n = c->s->issues[i].n;
  return PL_OK;
}

static int read_domain(ctx *c, const doc *d) {
  c->cur = d;
  c->depth = 0;
  json_t *root = d->root, *name, *iv;
  int rc;
  static const char *const keys[] = {"name", "issuesValues", NULL};
  if (!json_is_object(root))
    return pl__gw_fail(c, "expected an object {\"name\", \"issuesValues\"} for a "
                   "GeniusWeb domain, found %s",
                jtype(root));
  if ((rc = check_keys(c, root, "a domain", keys)) ||
      (rc = need(c, root, "name", "the domain", &name)))
    return rc;
  pl__gw_push_key(c, "name");
  if (!json_is_string(name))
    return pl__gw_fail(c, "expected a string for the domain's name, found %s",
                jtype(name));
  if (!json_string_value(name)[0]) return pl__gw_fail(c, "the domain's name is empty");
  pl__gw_pop(c);
  c->domain_name = json_string_value(name);
  if ((rc = need(c, root, "issuesValues", "the domain", &iv))) return rc;
  pl__gw_push_key(c, "issuesValues");
  if ((rc = expect_object(c, iv, "\"issuesValues\""))) return rc;
  size_t ni = json_object_size(iv);
  if (ni == 0) return pl__gw_fail(c, "the domain has no issues: give at least one");
  c->issues = pl__calloc(ni, sizeof *c->issues);
  vset *vs = pl__calloc(ni, sizeof *vs);
  if (!c->issues || !vs) {
    pl__free(vs);
    return pl__err(c->err, PL_ENOMEM, "out of memory");
  }
  const char *key;
  json_t *v;
  rc = PL_OK;
  json_object_foreach(iv, key, v) { /* pass 1: check, count */
    gw_issue *is = &c->issues[c->n_issues];
    is->id = key;
    pl__gw_push_key(c, key);
    if (!key[0])
      rc = pl__gw_fail_key(c, "an issue's name is empty");
    if (rc || (rc = read_vset(c, v, key, &vs[c->n_issues])) ||
        (rc = plan_issue(c, is, &vs[c->n_issues])))
      break;
    c->n_issues++;
    pl__gw_pop(c);
  }
  if (!rc && !(c->s = pl_scenario_new(c->domain_name)))
    rc = pl__err(c->err, PL_ENOMEM, "out of memory");
  for (size_t i = 0; i < c->n_issues && !rc; i++) { /* pass 2: build */
    gw_issue *is = &c->issues[i];
    pl__gw_push_key(c, is->id);
    rc = is->numeric ? add_numeric(c, is) : add_discrete(c, is, vs[i].values);
    if (!rc) pl__gw_pop(c);
  }
  pl__free(vs);
  return rc;
}

/* The "domain" a profile repeats must be the domain file's. */
static int check_domain(ctx *c, json_t *dom) {
  json_t *name, *iv;
  int rc;
  static const char *const keys[] = {"name", "issuesValues", NULL};
  if ((rc = expect_object(c, dom, "the profile's domain")) ||
      (rc = check_keys(c, dom, "the profile's domain", keys)) ||
      (rc = need(c, dom, "name", "the profile's domain", &name)))
    return rc;
  pl__gw_push_key(c, "name");
  if (!json_is_string(name))
    return pl__gw_fail(c, "expected a string for the domain's name, found %s",
                jtype(name));
  if (strcmp(json_string_value(name), c->domain_name))
    return pl__gw_fail(c,
                "this profile is for domain \"%s\", but the domain file \"%s\" "
                "is domain \"%s\"",
                json_string_value(name), c->domain_file, c->domain_name);
  pl__gw_pop(c);
  if ((rc = need(c, dom, "issuesValues", "the profile's domain", &iv)))
    return rc;
  pl__gw_push_key(c, "issuesValues");
  if ((rc = expect_object(c, iv, "\"issuesValues\""))) return rc;
  const char *key;
  json_t *v;
  json_object_foreach(iv, key, v) {
    pl__gw_push_key(c, key);
    size_t i = 0;
    while (i < c->n_issues && strcmp(c->issues[i].id, key)) i++;
    if (i == c->n_issues)
      return pl__gw_fail_key(c,
                      "issue \"%s\" of this profile's domain is not in the "
                      "domain file \"%s\"",
                      key, c->domain_file);
    const gw_issue *is = &c->issues[i];
    vset vs;
    if ((rc = read_vset(c, v, key, &vs))) return rc;
    if (vs.numeric != is->numeric)
      return pl__gw_fail(c,
                  "issue \"%s\" is %s in this profile's domain but %s in the "
                  "domain file \"%s\"",
                  key, vs.numeric ? "numeric" : "discrete",
                  is->numeric ? "numeric" : "discrete", c->domain_file);
    if (vs.numeric) {
      if (vs.low != is->low || vs.high != is->high || vs.step != is->step)
        return pl__gw_fail(c,
                    "the range of issue \"%s\" (low %s, high %s, step %s) "
                    "differs from the domain file \"%s\" (low %s, high %s, "
                    "step %s)",
                    key, pl__gw_num(vs.low).s, pl__gw_num(vs.high).s, pl__gw_num(vs.step).s,
                    c->domain_file, pl__gw_num(is->low).s, pl__gw_num(is->high).s,
                    pl__gw_num(is->step).s);
    } else {
      size_t n = json_array_size(vs.values);
      char *seen = pl__calloc(is->nv, 1);
      if (!seen) return pl__err(c->err, PL_ENOMEM, "out of memory");
      for (size_t k = 0; k < n; k++) {
        const char *s = json_string_value(json_array_get(vs.values, k));
        long j = find_value(is, s);
        if (j < 0 || seen[j]) {
          pl__free(seen);
          pl__gw_push_key(c, "values");
          pl__gw_push_index(c, k);
          if (j < 0)
            return pl__gw_fail(c,
                        "value \"%s\" of issue \"%s\" in this profile's "
                        "domain is not in the domain file \"%s\"",
                        s, key, c->domain_file);
          return pl__gw_fail(c, "value \"%s\" of issue \"%s\" is listed twice", s,
                      key);
        }
        seen[j] = 1;
      }
      size_t miss = 0;
      while (miss < is->nv && seen[miss]) miss++;
      pl__free(seen);
      if (miss < is->nv) {
        pl__gw_push_key(c, "values");
        return pl__gw_fail(c,
                    "value \"%s\" of issue \"%s\" in the domain file \"%s\" "
                    "is missing from this profile's domain",
                    is->val[miss], key, c->domain_file);
      }
    }
    pl__gw_pop(c);
  }
  if (json_object_size(iv) < c->n_issues)
    for (size_t i = 0; i < c->n_issues; i++)
      if (!json_object_get(iv, c->issues[i].id))
        return pl__gw_fail(c,
                    "issue \"%s\" of the domain file \"%s\" is missing from "
                    "this profile's domain",
                    c->issues[i].id, c->domain_file);
  pl__gw_pop(c);
  return PL_OK;
}

/* ------------------------------------------------------------------ */
/* profiles                                                            */
/* ------------------------------------------------------------------ */

static long issue_index(const ctx *c, const char *id) {
  for (size_t i = 0; i < c->n_issues; i++)
    if (!strcmp(c->issues[i].id, id)) return (long)i;
  return -1;
}

/* An object keyed by the domain's issues, each exactly once; the current
 * path names it. */
static int check_issue_keys(ctx *c, json_t *obj, const char *what) {
  const char *key;
  json_t *v;
  json_object_foreach(obj, key, v) {
    if (issue_index(c, key) >= 0) continue;
    pl__gw_push_key(c, key);
    return pl__gw_fail_key(c, "%s names issue \"%s\", which is not in the domain "
                       "\"%s\"",
                    what, key, c->domain_name);
  }
  for (size_t i = 0; i < c->n_issues; i++)
    if (!json_object_get(obj, c->issues[i].id))
      return pl__gw_fail(c, "%s has no entry for issue \"%s\"", what,
                  c->issues[i].id);
  return PL_OK;
}

static int read_weights(ctx *c, int p, json_t *w) {
  int rc;
  pl__gw_push_key(c, "issueWeights");
  if ((rc = expect_object(c, w, "\"issueWeights\"")) ||
      (rc = check_issue_keys(c, w, "\"issueWeights\"")))
    return rc;
  for (size_t i = 0; i < c->n_issues; i++) {
    json_t *x = json_object_get(w, c->issues[i].id);
    pl__gw_push_key(c, c->issues[i].id);
    char what[300];
    snprintf(what, sizeof what, "the weight of issue \"%s\"", c->issues[i].id);
    double v;
    if ((rc = get_number(c, x, what, &v))) return rc;
    if (!(v >= 0))
      return pl__gw_fail(c, "the weight of issue \"%s\" must not be negative, got %s",
                  c->issues[i].id, pl__gw_num(v).s);
    if ((rc = pl_scenario_set_weight(c->s, p, (int)i, v, c->err)))
      return pl__gw_relay(c, rc);
    pl__gw_pop(c);
  }
  pl__gw_pop(c);
  return PL_OK;
}

static int get_utility(ctx *c, const json_t *x, const char *what,
                       double *out) {
  int rc = get_number(c, x, what, out);
  if (rc) return rc;
  if (!(*out >= 0 && *out <= 1))
    return pl__gw_fail(c, "%s must be in [0,1], got %s", what, pl__gw_num(*out).s);
  return PL_OK;
}

static int read_discrete_utils(ctx *c, int p, size_t i, json_t *u) {
  const gw_issue *is = &c->issues[i];
  json_t *vu;
  int rc;
  static const char *const keys[] = {"valueUtilities", NULL};
  if ((rc = expect_object(c, u, "discrete value utilities")) ||
      (rc = check_keys(c, u, "discrete value utilities", keys)) ||
      (rc = need(c, u, "valueUtilities", "the value utilities", &vu)))
    return rc;
  pl__gw_push_key(c, "valueUtilities");
  if ((rc = expect_object(c, vu, "\"valueUtilities\""))) return rc;
  const char *key;
  json_t *x;
  json_object_foreach(vu, key, x) {
    pl__gw_push_key(c, key);
    long k = find_value(is, key);
    if (k < 0)
      return pl__gw_fail_key(c, "\"%s\" is not a value of issue \"%s\" in the domain",
                      key, is->id);
    char what[600];
    snprintf(what, sizeof what, "the utility of value \"%s\" of issue \"%s\"",
             key, is->id);
    double v;
    if ((rc = get_utility(c, x, what, &v))) return rc;
    if ((rc = pl_scenario_set_value(c->s, p, (int)i, (uint32_t)k, v, c->err)))
      return pl__gw_relay(c, rc);
    pl__gw_pop(c);
  }
  if (json_object_size(vu) < is->nv) /* GeniusWeb wants every value */
    for (size_t k = 0; k < is->nv; k++)
      if (!json_object_get(vu, is->val[k]))
        return pl__gw_fail(c, "value \"%s\" of issue \"%s\" has no utility",
                    is->val[k], is->id);
  pl__gw_pop(c);
  return PL_OK;
}

static int read_number_utils(ctx *c, int p, size_t i, json_t *u,
                             gw_numutil *f) {
  const gw_issue *is = &c->issues[i];
  int rc;
  static const char *const keys[] = {"lowValue", "lowUtility", "highValue",
                                     "highUtility", NULL};
  if ((rc = expect_object(c, u, "number value utilities")) ||
      (rc = check_keys(c, u, "number value utilities", keys)))
    return rc;
  double *dst[] = {&f->low_v, &f->low_u, &f->high_v, &f->high_u};
  for (int k = 0; k < 4; k++) {
    json_t *x;
    if ((rc = need(c, u, keys[k], "the number value utilities", &x)))
      return rc;
    pl__gw_push_key(c, keys[k]);
    char what[300];
    snprintf(what, sizeof what, "\"%s\" of issue \"%s\"", keys[k], is->id);
    rc = k % 2 ? get_utility(c, x, what, dst[k]) : get_number(c, x, what, dst[k]);
    if (rc) return rc;
    pl__gw_pop(c);
  }
  if (f->low_v != is->low) {
    pl__gw_push_key(c, "lowValue");
    return pl__gw_fail(c, "lowValue %s of issue \"%s\" is not the low end %s of its "
                   "range",
                pl__gw_num(f->low_v).s, is->id, pl__gw_num(is->low).s);
  }
  if (f->high_v != is->high) {
    pl__gw_push_key(c, "highValue");
    return pl__gw_fail(c, "highValue %s of issue \"%s\" is not the high end %s of "
                   "its range",
                pl__gw_num(f->high_v).s, is->id, pl__gw_num(is->high).s);
  }
  if (!(f->high_v > f->low_v))
    return pl__gw_fail(c, "highValue of issue \"%s\" must be above its lowValue: a "
                   "range of one value has no number value utilities",
                is->id);
  const pl__issue *mi = &c->s->issues[i];
  for (uint32_t k = 0; k < mi->n; k++)
    if ((rc = pl_scenario_set_value(c->s, p, (int)i, k,
                                    pl__gw_interp(f, mi->num[k]), c->err)))
      return pl__gw_relay(c, rc);
  return PL_OK;
}

static int read_utilities(ctx *c, int p, json_t *iu, gw_numutil *fs) {
  int rc;
  pl__gw_push_key(c, "issueUtilities");
  if ((rc = expect_object(c, iu, "\"issueUtilities\"")) ||
      (rc = check_issue_keys(c, iu, "\"issueUtilities\"")))
    return rc;
  for (size_t i = 0; i < c->n_issues; i++) {
    const gw_issue *is = &c->issues[i];
    json_t *u = json_object_get(iu, is->id);
    pl__gw_push_key(c, is->id);
    char what[300];
    snprintf(what, sizeof what, "the utilities of issue \"%s\"", is->id);
    if ((rc = expect_object(c, u, what))) return rc;
    const char *kind = json_object_size(u)
                           ? json_object_iter_key(json_object_iter(u))
                           : NULL;
    bool disc = kind && (!strcmp(kind, "DiscreteValueSetUtilities") ||
                         !strcmp(kind, "discreteutils"));
    bool num = kind && (!strcmp(kind, "NumberValueSetUtilities") ||
                        !strcmp(kind, "numberutils"));
    if (!kind)
      return pl__gw_fail(c,
                  "the utilities of issue \"%s\" are empty: expected "
                  "{\"DiscreteValueSetUtilities\": {...}} or "
                  "{\"NumberValueSetUtilities\": {...}}",
                  is->id);
    pl__gw_push_key(c, kind);
    if (!disc && !num)
      return pl__gw_fail_key(c,
                      "unknown kind of value utilities \"%s\" for issue "
                      "\"%s\"; expected DiscreteValueSetUtilities (older "
                      "files: discreteutils) or NumberValueSetUtilities "
                      "(older files: numberutils)",
                      kind, is->id);
    if (disc && is->numeric)
      return pl__gw_fail_key(c,
                      "issue \"%s\" is numeric (a range): its utilities must "
                      "be NumberValueSetUtilities, not %s",
                      is->id, kind);
    if (num && !is->numeric)
      return pl__gw_fail_key(c,
                      "issue \"%s\" is discrete: its utilities must be "
                      "DiscreteValueSetUtilities, not %s",
                      is->id, kind);
    pl__gw_pop(c);
    if (json_object_size(u) > 1) {
      void *it = json_object_iter_next(u, json_object_iter(u));
      pl__gw_push_key(c, json_object_iter_key(it));
      return pl__gw_fail_key(c,
                      "the utilities of issue \"%s\" are one object named by "
                      "its kind; found also \"%s\"",
                      is->id, json_object_iter_key(it));
    }
    pl__gw_push_key(c, kind);
    json_t *body = json_object_get(u, kind);
    rc = disc ? read_discrete_utils(c, p, i, body)
              : read_number_utils(c, p, i, body, &fs[i]);
    if (rc) return rc;
    pl__gw_pop(c);
    pl__gw_pop(c);
  }
  pl__gw_pop(c);
  return PL_OK;
}

/* Option of a numeric issue holding x: *k, or -1 when x is on GeniusWeb's
 * grid but between the kept options (a thinned grid), or -2 when it is not
 * a value of the issue. */
static int numeric_option(const gw_issue *is, double x, uint32_t *k) {
  double q = (x - is->low) / is->step;
  double j = round(q);
  if (!(j >= 0 && j <= (double)is->steps)) return -2;
  if (is->integer ? q != j : fabs(q - j) > 1e-9 * (j > 1 ? j : 1)) return -2;
  uint64_t ji = (uint64_t)j;
  if (ji % is->stride) return -1;
  *k = (uint32_t)(ji / is->stride);
  return 0;
}

static int read_reservation(ctx *c, int p, json_t *rb, const gw_numutil *fs) {
  int rc;
  json_t *iv;
  static const char *const keys[] = {"issuevalues", NULL};
  pl__gw_push_key(c, "reservationBid");
  if ((rc = expect_object(c, rb, "\"reservationBid\"")) ||
      (rc = check_keys(c, rb, "a bid", keys)) ||
      (rc = need(c, rb, "issuevalues", "the reservation bid", &iv)))
    return rc;
  pl__gw_push_key(c, "issuevalues");
  if ((rc = expect_object(c, iv, "\"issuevalues\""))) return rc;
  uint32_t *opt = pl__calloc(c->n_issues, sizeof *opt);
  if (!opt) return pl__err(c->err, PL_ENOMEM, "out of memory");
  /* utility by GeniusWeb's formula, for a bid parley cannot name as an
   * outcome (partial, or between the options of a thinned grid) */
  const pl__party *pa = &c->s->parties[p];
  double u = 0;
  bool outcome = json_object_size(iv) == c->n_issues;
  const char *key;
  json_t *x;
  rc = PL_OK;
  json_object_foreach(iv, key, x) {
    pl__gw_push_key(c, key);
    long i = issue_index(c, key);
    if (i < 0) {
      rc = pl__gw_fail_key(c, "the reservation bid names issue \"%s\", which is not "
                       "in the domain \"%s\"",
                    key, c->domain_name);
      break;
    }
    const gw_issue *is = &c->issues[i];
    double v;
    if (!is->numeric) {
      long k = json_is_string(x) ? find_value(is, json_string_value(x)) : -1;
      if (!json_is_string(x)) {
        rc = pl__gw_fail(c, "expected a string (a value of issue \"%s\") in the "
                     "reservation bid, found %s",
                  key, jtype(x));
        break;
      }
      if (k < 0) {
        rc = pl__gw_fail(c, "\"%s\" is not a value of issue \"%s\"",
                  json_string_value(x), key);
        break;
      }
      opt[i] = (uint32_t)k;
      v = pa->value[i] ? pa->value[i][k] : 0;
    } else {
      char what[300];
      snprintf(what, sizeof what, "the value of issue \"%s\"", key);
      double x_num;
      if ((rc = get_number(c, x, what, &x_num))) break;
      int r = numeric_option(is, x_num, &opt[i]);
      if (r == -2) {
        rc = pl__gw_fail(c, "%s is not a value of issue \"%s\" (from %s to %s in "
                     "steps of %s)",
                  pl__gw_num(x_num).s, key, pl__gw_num(is->low).s, pl__gw_num(is->high).s,
                  pl__gw_num(is->step).s);
        break;
      }
      if (r == -1) {
        outcome = false;
        v = pl__gw_interp(&fs[i], x_num);
      } else {
        v = pa->value[i] ? pa->value[i][opt[i]] : 0;
      }
    }
    u += pa->weight[i] * v;
    pl__gw_pop(c);
  }
  if (!rc) {
    if (outcome)
      rc = pl_scenario_set_reservation_outcome(c->s, p, opt, c->err);
    else /* the issues left out count 0, as in GeniusWeb */
      rc = pl_scenario_set_reservation(c->s, p, u > 1 ? 1 : u, c->err);
    if (rc) rc = pl__gw_relay(c, rc);
  }
  pl__free(opt);
  if (rc) return rc;
  pl__gw_pop(c);
  pl__gw_pop(c);
  return PL_OK;
}

static int read_profile(ctx *c, const doc *d, const char *party_id) {
  c->cur = d;
  c->depth = 0;
  json_t *root = d->root;
  int rc;
  if (!json_is_object(root) || json_object_size(root) == 0)
    return pl__gw_fail(c, "expected {\"LinearAdditiveUtilitySpace\": {...}} for a "
                   "GeniusWeb profile, found %s",
                json_is_object(root) ? "an empty object" : jtype(root));
  const char *kind = json_object_iter_key(json_object_iter(root));
  pl__gw_push_key(c, kind);
  if (strcmp(kind, "LinearAdditiveUtilitySpace"))
    return pl__gw_fail_key(c,
                    "profile kind \"%s\" is not supported: parley reads "
                    "LinearAdditiveUtilitySpace profiles",
                    kind);
  pl__gw_pop(c);
  if (json_object_size(root) > 1) {
    const char *k2 =
        json_object_iter_key(json_object_iter_next(root, json_object_iter(root)));
    pl__gw_push_key(c, k2);
    return pl__gw_fail_key(c,
                    "a profile is one object named by its kind; found also "
                    "\"%s\"",
                    k2);
  }
  pl__gw_push_key(c, kind);
  json_t *las = json_object_get(root, kind), *x;
  static const char *const keys[] = {"issueUtilities", "issueWeights",
                                     "domain", "name", "reservationBid",
                                     NULL};
  if ((rc = expect_object(c, las, "a LinearAdditiveUtilitySpace")) ||
      (rc = check_keys(c, las, "a LinearAdditiveUtilitySpace", keys)))
    return rc;
  const char *name = NULL;
  if ((x = json_object_get(las, "name"))) {
    pl__gw_push_key(c, "name");
    if (!json_is_string(x))
      return pl__gw_fail(c, "expected a string for the profile's name, found %s",
                  jtype(x));
    name = json_string_value(x);
    pl__gw_pop(c);
  }
  if ((x = json_object_get(las, "domain"))) {
    pl__gw_push_key(c, "domain");
    if ((rc = check_domain(c, x))) return rc;
    pl__gw_pop(c);
  }
  uint64_t cells = c->options * (uint64_t)(c->s->n_parties + 1);
  if (cells > GW_MAX_CELLS)
    return pl__gw_fail_code(c, PL_ETOOBIG,
                     "%d parties over %llu values: more than %u utilities",
                     c->s->n_parties + 1, (unsigned long long)c->options,
                     GW_MAX_CELLS);
  int p = pl_scenario_add_party(c->s, party_id, name, 0, c->err);
  if (p < 0) return pl__gw_relay(c, p);
  if ((rc = pl_scenario_set_weighting(c->s, p, PL_WEIGHTS_AS_GIVEN, c->err)))
    return pl__gw_relay(c, rc);
  json_t *iu, *w;
  if ((rc = need(c, las, "issueWeights", "the profile", &w)) ||
      (rc = read_weights(c, p, w)) ||
      (rc = need(c, las, "issueUtilities", "the profile", &iu)))
    return rc;
  gw_numutil *fs = pl__calloc(c->n_issues, sizeof *fs);
  if (!fs) return pl__err(c->err, PL_ENOMEM, "out of memory");
  rc = read_utilities(c, p, iu, fs);
  /* Jackson writes a profile without one as "reservationBid": null */
  if (!rc && (x = json_object_get(las, "reservationBid")) && !json_is_null(x))
    rc = read_reservation(c, p, x, fs);
  pl__free(fs);
  return rc;
}

int pl__geniusweb_load(const char *domain, const char *const *profiles,
                       size_t n_profiles, const pl_load_options *o,
                       pl_scenario **out, pl_error *err) {
  *out = NULL;
  pl_load_options def;
  if (!o) {
    pl_load_options_init(&def);
    o = &def;
  }
  ctx c;
  memset(&c, 0, sizeof c);
  c.err = err;
  c.o = o;
  c.domain_file = domain;
  doc dd, pd;
  memset(&dd, 0, sizeof dd);
  memset(&pd, 0, sizeof pd);
  char **ids = pl__calloc(n_profiles ? n_profiles : 1, sizeof *ids);
  int rc = ids ? PL_OK : pl__err(err, PL_ENOMEM, "out of memory");
  if (!rc) rc = doc_load(&c, domain, &dd);
  if (!rc) rc = read_domain(&c, &dd);
  if (!rc && n_profiles > PL__MAX_PARTIES)
    rc = pl__err_at(err, PL_ETOOBIG, profiles[PL__MAX_PARTIES], 1, 1,
                    "too many parties: at most %d", PL__MAX_PARTIES);
  for (size_t j = 0; j < n_profiles && !rc; j++) {
    ids[j] = pl__file_stem(profiles[j]);
    if (!ids[j]) {
      rc = pl__err(err, PL_ENOMEM, "out of memory");
      break;
    }
    for (size_t k = 0; k < j; k++)
      if (!strcmp(ids[k], ids[j])) {
        rc = pl__err_at(err, PL_EPARSE, profiles[j], 1, 1,
                        "party id \"%s\" (the file name) is also the id of "
                        "profile \"%s\": party ids must differ",
                        ids[j], profiles[k]);
        break;
      }
    if (!rc && !ids[j][0])
      rc = pl__err_at(err, PL_EPARSE, profiles[j], 1, 1,
                      "the file name gives an empty party id");
    if (!rc) rc = doc_load(&c, profiles[j], &pd);
    if (!rc) rc = read_profile(&c, &pd, ids[j]);
    doc_free(&pd);
  }
  if (!rc) {
    rc = pl_scenario_finish(c.s, err);
    if (rc && rc != PL_ENOMEM) {
      char msg[sizeof err->message];
      snprintf(msg, sizeof msg, "%s", err ? err->message : "");
      rc = pl__err_at(err, rc == PL_ETOOBIG ? PL_ETOOBIG : PL_EPARSE, domain, 1,
                      1, "%s", msg);
    }
  }
  for (size_t j = 0; j < n_profiles && ids; j++) pl__free(ids[j]);
  pl__free(ids);
  for (size_t i = 0; i < c.n_issues; i++) {
    pl__free(c.issues[i].val);
    pl__free(c.issues[i].sorted);
  }
  pl__free(c.issues);
  doc_free(&dd);
  if (rc) {
    pl_scenario_free(c.s);
    return rc;
  }
  *out = c.s;
  return PL_OK;
}
