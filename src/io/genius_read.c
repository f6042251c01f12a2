/* GENIUS XML: a domain (<negotiation_template>) and one profile
 * (<utility_space>) per party -> builder calls; a scenario -> such files.
 *
 * The meaning of the files is GENIUS's own (genius.core.DomainImpl,
 * AdditiveUtilitySpace, EvaluatorDiscrete/Integer/Real, EVALFUNCTYPE,
 * NonlinearUtilitySpace, UtilityFunction, Inclusive/ExclusiveHyperRectangle,
 * AbstractUtilitySpace.validateDiscount); each step below names the rule it
 * follows. GENIUS read its files with a lenient hand-written parser, so real
 * files carry raw '&', attributes without space between them and comments
 * before the XML declaration: a pre-pass repairs exactly these (keeping
 * every line and column where it was) before expat parses the result
 * strictly, without DTD, entity expansion or external files, into a tree
 * of elements (genius_repair.c). */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/formats.h"
#include "model/scenario_internal.h"

#include "io/genius_internal.h"

/* ---- tree helpers ----------------------------------------------------- */

static bool gx_is(const gx_node *n, const char *name) {
  return n && !strcmp(n->name, name);
}

/* First child element named `name`, or NULL. */
static gx_node *gx_child(gx_node *n, const char *name) {
  for (gx_node *c = n ? n->children : NULL; c; c = c->next)
    if (gx_is(c, name)) return c;
  return NULL;
}

/* Next sibling element named `name` after c, or NULL. */
static gx_node *gx_next(gx_node *c, const char *name) {
  for (c = c ? c->next : NULL; c; c = c->next)
    if (gx_is(c, name)) return c;
  return NULL;
}

#define GX_EACH(var, parent, name)                                           \
  for (gx_node *var = gx_child(parent, name); var; var = gx_next(var, name))

/* An attribute's text (borrowed from the tree), "" when empty, NULL when
 * absent. */
static const char *gx_attr(const gx_node *n, const char *name) {
  for (const char **a = n->attrs; *a; a += 2)
    if (!strcmp(a[0], name)) return a[1];
  return NULL;
}

/* Java's Double.valueOf: surrounding white space, an optional f/F/d/D
 * suffix. Not-a-number and infinities are refused. */
static bool gx_parse_double(const char *s, double *out) {
  if (!s) return false;
  while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n') s++;
  if (!*s) return false;
  char *e;
  errno = 0;
  double v = strtod(s, &e);
  if (e == s) return false;
  if (*e && strchr("fFdD", *e)) e++;
  while (*e == ' ' || *e == '\t' || *e == '\r' || *e == '\n') e++;
  if (*e || !isfinite(v)) return false;
  *out = v;
  return true;
}

/* A whole number: 1, 0 when the text is not one, -1 when it is one beyond
 * 2^53 (parley's integers convert to double without loss; GENIUS's own are
 * 32-bit ints). */
static int gx_parse_int(const char *s, int64_t *out) {
  if (!s) return 0;
  while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n') s++;
  char *e;
  errno = 0;
  long long v = strtoll(s, &e, 10);
  if (e == s) return 0;
  bool range = errno == ERANGE;
  while (*e == ' ' || *e == '\t' || *e == '\r' || *e == '\n') e++;
  if (*e) return 0;
  if (range || v < -PL__EXACT_INT || v > PL__EXACT_INT) return -1;
  *out = v;
  return 1;
}

/* A number attribute that must be there. */
static int gx_num(const gx_doc *d, pl_error *err, gx_node *n,
                  const char *name, const char *what, double *out) {
  const char *v = gx_attr(n, name);
  if (!v)
    return pl__gx_fail(d, err, n, NULL, PL_EPARSE, "<%s> has no \"%s\" (%s)",
                   n->name, name, what);
  if (!gx_parse_double(v, out))
    return pl__gx_fail(d, err, n, name, PL_EPARSE,
                   "expected a number for %s, found \"%s\"", what, v);
  return PL_OK;
}

static int gx_int(const gx_doc *d, pl_error *err, gx_node *n,
                  const char *name, const char *what, int64_t *out) {
  const char *v = gx_attr(n, name);
  if (!v)
    return pl__gx_fail(d, err, n, NULL, PL_EPARSE, "<%s> has no \"%s\" (%s)",
                   n->name, name, what);
  int r = gx_parse_int(v, out);
  if (r < 0)
    return pl__gx_fail(d, err, n, name, PL_ERANGE,
                   "%s is %s, beyond 2^53 (9007199254740992), the largest "
                   "whole number parley holds exactly",
                   what, v);
  if (!r)
    return pl__gx_fail(d, err, n, name, PL_EPARSE,
                   "expected an integer for %s, found \"%s\"", what, v);
  return PL_OK;
}

static bool gx_ieq(const char *a, const char *b) {
  if (!a) return false;
  for (; *a && *b; a++, b++) {
    char x = *a >= 'A' && *a <= 'Z' ? (char)(*a - 'A' + 'a') : *a;
    if (x != *b) return false;
  }
  return !*a && !*b;
}

/* ------------------------------------------------------------------ */
/* the domain                                                          */
/* ------------------------------------------------------------------ */

typedef struct gx_issue {
  gx_node *node;
  int64_t number; /* GENIUS's index attribute */
  int id;         /* parley issue index */
  pl_issue_kind kind;
  int64_t lb, ub; /* integer issues */
  /* a discrete issue that lists an item more than once: each option's
   * GENIUS value (pointers into the domain document); NULL otherwise,
   * when the option ids are the values */
  const char **vals;
} gx_issue;

typedef struct gx_load {
  pl_scenario *s;
  pl_error *err;
  const pl_load_options *o;
  gx_doc dom;
  gx_issue *issues;
  size_t n_issues, cap_issues;
  size_t *by_number; /* positions in issues[], sorted by number */
  uint64_t options;  /* of all issues */
  const char **pending_vals; /* gx_repeats's values, for the issue added */
} gx_load;

/* GENIUS's ISSUETYPE from type (else vtype, else etype); none: discrete. */
static int gx_kind(const gx_doc *d, pl_error *err, gx_node *n, bool *given,
                   pl_issue_kind *out) {
  const char *attr = "type";
  const char *t = gx_attr(n, attr);
  if (!t) t = gx_attr(n, attr = "vtype");
  if (!t) t = gx_attr(n, attr = "etype");
  *given = t != NULL;
  if (!t || gx_ieq(t, "discrete")) {
    *out = PL_ISSUE_DISCRETE;
  } else if (gx_ieq(t, "integer")) {
    *out = PL_ISSUE_INTEGER;
  } else if (gx_ieq(t, "real")) {
    *out = PL_ISSUE_REAL;
  } else {
    return pl__gx_fail(d, err, n, attr, PL_EPARSE,
                   "unknown issue type \"%s\"; expected discrete, integer or "
                   "real",
                   t);
  }
  return PL_OK;
}

typedef int (*gx_cmp)(size_t a, size_t b, const void *ctx);
static size_t *gx_order(size_t n, gx_cmp cmp, const void *ctx);
static int gx_by_string(size_t a, size_t b, const void *ctx);

/* Calls the caller's warning callback (pl_load_options) with a message at
 * n's place in the file. */
static void gx_warn(const gx_load *L, gx_node *n, const char *fmt, ...)
    PL__PRINTF(3, 4);
static void gx_warn(const gx_load *L, gx_node *n, const char *fmt, ...) {
  if (!L->o->warning) return;
  char msg[sizeof ((pl_error *)0)->message];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  pl_error w = {0};
  pl__gx_fail(&L->dom, &w, n, NULL, PL_OK, "%s", msg);
  L->o->warning(L->o->warning_ctx, &w);
}

/* Position of the first entry of sorted positions ord[0..n) whose string
 * is not below key (strcmp), n when none. */
static size_t gx_lower(const char *const *v, const size_t *ord, size_t n,
                       const char *key) {
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (strcmp(v[ord[mid]], key) < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

/* GENIUS keeps every <item> of a discrete issue, in document order, the
 * same value twice included (IssueDiscrete holds a list): the issue then
 * has one option per item, and the evaluator (a map by value) gives every
 * listing of a value the same evaluation. parley's options need ids of
 * their own: the k-th listing of value V (k >= 2) becomes option "V#k"
 * (k stepped over any item that has that value), its label V. ids[] is
 * rewritten (the new ids in *owned, to free), names[] gets the labels;
 * vals[] keeps the values. Returns the number of repeats. */
static int gx_repeats(gx_load *L, gx_node *n, const char *name, size_t cnt,
                      const char **ids, const char **names, char ***owned,
                      size_t *repeats) {
  *owned = NULL;
  *repeats = 0;
  size_t *ord = gx_order(cnt, gx_by_string, ids);
  if (!ord) return pl__err(L->err, PL_ENOMEM, "out of memory");
  size_t r = 0;
  for (size_t k = 1; k < cnt; k++)
    if (!strcmp(ids[ord[k]], ids[ord[k - 1]])) r++;
  if (r == 0) {
    pl__free(ord);
    return PL_OK;
  }
  char **own = pl__calloc(r, sizeof *own);
  const char **orig = pl__malloc(cnt * sizeof *orig);
  if (!own || !orig) {
    pl__free(own);
    pl__free(orig);
    pl__free(ord);
    return pl__err(L->err, PL_ENOMEM, "out of memory");
  }
  memcpy(orig, ids, cnt * sizeof *orig);
  size_t made = 0, next = 2; /* the next suffix of the current value */
  const char *first = NULL, *first_id = NULL;
  gx_node *first_node = NULL;
  int rc = PL_OK;
  for (size_t k = 1; k < cnt && !rc; k++) {
    size_t a = ord[k]; /* stable: document order within a value */
    if (strcmp(orig[a], orig[ord[k - 1]])) {
      next = 2;
      continue;
    }
    size_t len = strlen(orig[a]) + 24;
    char *id = pl__malloc(len);
    if (!id) {
      rc = pl__err(L->err, PL_ENOMEM, "out of memory");
      break;
    }
    /* suffixes only go up within a value: each item named like a repeat
     * is stepped over once, so the whole issue costs O(n log n) */
    for (;; next++) {
      snprintf(id, len, "%s#%zu", orig[a], next);
      size_t at = gx_lower(orig, ord, cnt, id);
      if (at == cnt || strcmp(orig[ord[at]], id)) break;
    }
    next++;
    own[made++] = id;
    if (!names[a]) names[a] = orig[a];
    ids[a] = id;
    if (!first) {
      first = orig[a];
      first_id = id;
      size_t i = 0;
      GX_EACH(it, n, "item") if (i++ == a) first_node = it;
    }
  }
  pl__free(ord);
  if (!rc)
    gx_warn(L, first_node ? first_node : n,
            "issue \"%s\" lists %zu item%s again (here \"%s\", as option "
            "\"%s\"); loaded as GENIUS does: every listing is an option, "
            "evaluated like its value",
            name, r, r > 1 ? "s" : "", first, first_id);
  /* the new ids outlive the builder call: the caller frees them */
  *owned = own;
  *repeats = made;
  if (rc) {
    pl__free(orig);
    return rc;
  }
  L->pending_vals = orig;
  return PL_OK;
}

static int gx_count_options(gx_load *L, gx_node *n, const char *name,
                            uint64_t count) {
  if (count > GX_MAX_TOTAL_OPTIONS - L->options)
    return pl__gx_fail(&L->dom, L->err, n, NULL, PL_ETOOBIG,
                   "issue \"%s\" brings the options of all issues to more "
                   "than %u",
                   name, GX_MAX_TOTAL_OPTIONS);
  L->options += count;
  return PL_OK;
}

static int gx_add_issue(gx_load *L, gx_node *n) {
  const gx_doc *d = &L->dom;
  pl_error *err = L->err;
  int64_t number;
  int rc = gx_int(d, err, n, "index", "the issue's number", &number);
  if (rc) return rc;
  const char *name = gx_attr(n, "name");
  if (!name || !*name)
    return pl__gx_fail(d, err, n, NULL, PL_EPARSE, "<issue> has no \"name\"");
  bool given;
  pl_issue_kind kind;
  if ((rc = gx_kind(d, err, n, &given, &kind))) return rc;
  gx_issue gi = {.node = n, .number = number, .kind = kind};
  int id = -1;
  if (kind == PL_ISSUE_DISCRETE) {
    /* the item children are the options: DomainImpl.buildTreeRecursive */
    size_t cnt = 0;
    GX_EACH(it, n, "item") cnt++;
    if ((rc = gx_count_options(L, n, name, cnt))) return rc;
    const char **ids = pl__calloc(cnt ? cnt : 1, sizeof *ids);
    const char **names = pl__calloc(cnt ? cnt : 1, sizeof *names);
    if (!ids || !names) {
      pl__free(ids);
      pl__free(names);
      return pl__err(err, PL_ENOMEM, "out of memory");
    }
    size_t k = 0;
    rc = PL_OK;
    GX_EACH(it, n, "item") {
      ids[k] = gx_attr(it, "value");
      if (!ids[k]) {
        rc = pl__gx_fail(d, err, it, NULL, PL_EPARSE,
                     "<item> of issue \"%s\" has no \"value\"", name);
        break;
      }
      const char *desc = gx_attr(it, "description");
      names[k++] = desc && *desc ? desc : NULL;
    }
    if (!rc && cnt == 0)
      rc = pl__gx_fail(d, err, n, NULL, PL_EPARSE,
                   "discrete issue \"%s\" has no <item> options", name);
    char **owned = NULL;
    size_t n_owned = 0;
    L->pending_vals = NULL;
    if (!rc) rc = gx_repeats(L, n, name, cnt, ids, names, &owned, &n_owned);
    if (!rc) {
      id = pl_scenario_add_discrete_issue(L->s, name, NULL, cnt, ids, names,
                                          err);
      if (id < 0) rc = pl__gx_relay(d, err, n, NULL, id);
    }
    for (size_t j = 0; j < n_owned; j++) pl__free(owned[j]);
    pl__free(owned);
    pl__free(ids);
    pl__free(names);
    gi.vals = L->pending_vals;
    L->pending_vals = NULL;
    if (rc) {
      pl__free(gi.vals);
      return rc;
    }
  } else if (kind == PL_ISSUE_INTEGER) {
    /* bounds as attributes (GENIUS 6 on), or in a <range> child (before) */
    gx_node *b = n;
    if (!gx_attr(n, "lowerbound") && gx_child(n, "range"))
      b = gx_child(n, "range");
    if ((rc = gx_int(d, err, b, "lowerbound", "the lower bound", &gi.lb)) ||
        (rc = gx_int(d, err, b, "upperbound", "the upper bound", &gi.ub)))
      return rc;
    if (gi.lb > gi.ub)
      return pl__gx_fail(d, err, b, "lowerbound", PL_EPARSE,
                     "issue \"%s\": lower bound %lld is above upper bound %lld",
                     name, (long long)gi.lb, (long long)gi.ub);
    uint64_t cnt = (uint64_t)gi.ub - (uint64_t)gi.lb + 1;
    if (cnt == 0 || (rc = gx_count_options(L, n, name, cnt)))
      return rc ? rc
                : pl__gx_fail(d, err, n, NULL, PL_ETOOBIG,
                          "issue \"%s\" has too many values", name);
    id = pl_scenario_add_integer_issue(L->s, name, NULL, gi.lb, gi.ub, 1, err);
    if (id < 0) return pl__gx_relay(d, err, n, NULL, id);
  } else {
    gx_node *b = gx_child(n, "range");
    if (!b) b = n;
    double lo, hi;
    if ((rc = gx_num(d, err, b, "lowerbound", "the lower bound", &lo)) ||
        (rc = gx_num(d, err, b, "upperbound", "the upper bound", &hi)))
      return rc;
    if (lo > hi)
      return pl__gx_fail(d, err, b, "lowerbound", PL_EPARSE,
                     "issue \"%s\": lower bound %g is above upper bound %g",
                     name, lo, hi);
    if (!isfinite(hi - lo))
      return pl__gx_fail(d, err, b, "upperbound", PL_ERANGE,
                     "issue \"%s\": the range from %g to %g is wider than "
                     "the largest number a double holds (about 1.8e308)",
                     name, lo, hi);
    unsigned m = L->o->real_intervals;
    double res = hi > lo ? (hi - lo) / m : 1;
    if ((rc = gx_count_options(L, n, name, hi > lo ? (uint64_t)m + 1 : 1)))
      return rc;
    id = pl_scenario_add_real_issue(L->s, name, NULL, lo, hi, res, err);
    if (id < 0) return pl__gx_relay(d, err, n, NULL, id);
  }
  gi.id = id;
  if (L->n_issues == L->cap_issues) {
    size_t cap = L->cap_issues ? L->cap_issues * 2 : 16;
    gx_issue *v = pl__realloc(L->issues, cap * sizeof *v);
    if (!v) {
      pl__free(gi.vals);
      return pl__err(err, PL_ENOMEM, "out of memory");
    }
    L->issues = v;
    L->cap_issues = cap;
  }
  L->issues[L->n_issues++] = gi;
  return PL_OK;
}

/* GENIUS's order: at each level the sub-objectives (depth first), then the
 * issues; utilities are summed in this order too. */
static int gx_domain_level(gx_load *L, gx_node *obj, int depth) {
  if (depth > GX_MAX_DEPTH)
    return pl__gx_fail(&L->dom, L->err, obj, NULL, PL_EPARSE,
                   "objectives nested deeper than %d", GX_MAX_DEPTH);
  int rc;
  GX_EACH(c, obj, "objective")
  if ((rc = gx_domain_level(L, c, depth + 1))) return rc;
  GX_EACH(c, obj, "issue")
  if ((rc = gx_add_issue(L, c))) return rc;
  return PL_OK;
}

/* Merge sort of positions by a comparison with context (qsort has none,
 * and a global would race between threads): stable. */
static void gx_msort(size_t *ix, size_t n, size_t *tmp, gx_cmp cmp,
                     const void *ctx) {
  if (n < 2) return;
  size_t h = n / 2;
  gx_msort(ix, h, tmp, cmp, ctx);
  gx_msort(ix + h, n - h, tmp, cmp, ctx);
  size_t i = 0, j = h, k = 0;
  while (i < h && j < n) tmp[k++] = cmp(ix[j], ix[i], ctx) < 0 ? ix[j++] : ix[i++];
  while (i < h) tmp[k++] = ix[i++];
  while (j < n) tmp[k++] = ix[j++];
  memcpy(ix, tmp, n * sizeof *ix);
}

static int gx_by_number(size_t a, size_t b, const void *ctx) {
  const gx_issue *v = ctx;
  return v[a].number < v[b].number ? -1 : v[a].number > v[b].number;
}

static int gx_by_i64(size_t a, size_t b, const void *ctx) {
  const int64_t *v = ctx;
  return v[a] < v[b] ? -1 : v[a] > v[b];
}

static int gx_by_string(size_t a, size_t b, const void *ctx) {
  const char *const *v = ctx;
  return strcmp(v[a], v[b]);
}

/* Positions 0..n-1 sorted by cmp (stable); NULL when out of memory. */
static size_t *gx_order(size_t n, gx_cmp cmp, const void *ctx) {
  size_t *ix = pl__malloc((n ? n : 1) * sizeof *ix);
  size_t *tmp = pl__malloc((n ? n : 1) * sizeof *tmp);
  if (ix && tmp) {
    for (size_t k = 0; k < n; k++) ix[k] = k;
    gx_msort(ix, n, tmp, cmp, ctx);
  } else {
    pl__free(ix);
    ix = NULL;
  }
  pl__free(tmp);
  return ix;
}

/* The issue with GENIUS number `number`, or NULL. */
static gx_issue *gx_find(const gx_load *L, int64_t number) {
  size_t lo = 0, hi = L->n_issues;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int64_t x = L->issues[L->by_number[mid]].number;
    if (x == number) return &L->issues[L->by_number[mid]];
    if (x < number)
      lo = mid + 1;
    else
      hi = mid;
  }
  return NULL;
}

static int gx_read_domain(gx_load *L) {
  gx_doc *d = &L->dom;
  if (!gx_is(d->root, "negotiation_template"))
    return pl__gx_fail(d, L->err, d->root, NULL, PL_EPARSE,
                   "expected a GENIUS domain (<negotiation_template>), found "
                   "<%s>",
                   d->root->name);
  gx_node *us = gx_child(d->root, "utility_space");
  if (!us)
    return pl__gx_fail(d, L->err, d->root, NULL, PL_EPARSE,
                   "<negotiation_template> has no <utility_space>");
  gx_node *obj = gx_child(us, "objective");
  if (!obj)
    return pl__gx_fail(d, L->err, us, NULL, PL_EPARSE,
                   "<utility_space> has no <objective>");
  const char *title = gx_attr(obj, "name");
  const char *desc = gx_attr(obj, "description");
  int rc = pl_scenario_set_text(
      L->s, title && strcmp(title, "root") ? title : "", desc ? desc : "",
      L->err);
  if (rc) return rc;
  if ((rc = gx_domain_level(L, obj, 0))) return rc;
  if (L->n_issues == 0)
    return pl__gx_fail(d, L->err, obj, NULL, PL_EPARSE, "the domain has no issues");
  L->by_number = gx_order(L->n_issues, gx_by_number, L->issues);
  if (!L->by_number) return pl__err(L->err, PL_ENOMEM, "out of memory");
  for (size_t k = 1; k < L->n_issues; k++) {
    const gx_issue *a = &L->issues[L->by_number[k - 1]];
    const gx_issue *b = &L->issues[L->by_number[k]];
    if (a->number == b->number)
      return pl__gx_fail(d, L->err, b->node, "index", PL_EPARSE,
                     "issue \"%s\" has the same index %lld as issue \"%s\"",
                     L->s->issues[b->id].id, (long long)b->number,
                     L->s->issues[a->id].id);
  }
  return PL_OK;
}

/* ------------------------------------------------------------------ */
/* additive profiles                                                   */
/* ------------------------------------------------------------------ */

typedef struct gx_eval {
  gx_node *node; /* the profile's <issue>, or NULL */
  gx_node *wnode;
  double weight;
} gx_eval;

typedef struct gx_prof {
  gx_load *L;
  gx_doc *d;
  gx_eval *ev; /* per issue of L->issues */
  double rv, discount;
  gx_node *rv_node, *discount_node;
  bool has_discount;
} gx_prof;

/* AbstractUtilitySpace.validateDiscount: outside (0,1] means no discount. */
static double gx_discount(double df) { return df <= 0 || df > 1 ? 1 : df; }

/* AdditiveUtilitySpace.loadTreeRecursive, at every element of the profile:
 * the first <reservation> and <discount_factor> children, the <weight>
 * children, and the <issue>/<objective> children that have a weight become
 * the evaluators of the domain's issues with that index; later ones win. */
static int gx_profile_walk(gx_prof *P, gx_node *e, int depth) {
  const gx_doc *d = P->d;
  pl_error *err = P->L->err;
  int rc;
  if (depth > GX_MAX_DEPTH)
    return pl__gx_fail(d, err, e, NULL, PL_EPARSE, "elements nested deeper than %d",
                   GX_MAX_DEPTH);
  gx_node *r = gx_child(e, "reservation");
  if (r) {
    if ((rc = gx_num(d, err, r, "value", "the reservation value", &P->rv)))
      return rc;
    P->rv_node = r;
  }
  gx_node *df = gx_child(e, "discount_factor");
  if (df) {
    double v;
    if ((rc = gx_num(d, err, df, "value", "the discount factor", &v))) return rc;
    P->discount = gx_discount(v);
    P->discount_node = df;
  }
  /* weights of this level, later ones of the same index winning */
  size_t nw = 0;
  GX_EACH(w, e, "weight") nw++;
  if (nw) {
    int64_t *idx = pl__malloc(nw * sizeof *idx);
    double *val = pl__malloc(nw * sizeof *val);
    gx_node **wn = pl__malloc(nw * sizeof *wn);
    rc = idx && val && wn ? PL_OK : pl__err(err, PL_ENOMEM, "out of memory");
    size_t k = 0;
    if (!rc) GX_EACH(w, e, "weight") {
        if ((rc = gx_int(d, err, w, "index", "the weight's issue index",
                         &idx[k])) ||
            (rc = gx_num(d, err, w, "value", "the weight", &val[k])))
          break;
        wn[k++] = w;
      }
    /* sorted by index, stable: the last weight of an index is the last of
     * its run */
    size_t *ord = rc ? NULL : gx_order(nw, gx_by_i64, idx);
    if (!rc && !ord) rc = pl__err(err, PL_ENOMEM, "out of memory");
    for (int pass = 0; pass < 2 && !rc; pass++)
      GX_EACH(c, e, pass ? "objective" : "issue") {
        int64_t number;
        if ((rc = gx_int(d, err, c, "index", "the issue's index", &number)))
          break;
        size_t lo = 0, hi = nw; /* first position with idx > number */
        while (lo < hi) {
          size_t mid = lo + (hi - lo) / 2;
          if (idx[ord[mid]] <= number)
            lo = mid + 1;
          else
            hi = mid;
        }
        if (lo == 0 || idx[ord[lo - 1]] != number)
          continue; /* no weight: no evaluator */
        size_t j = ord[lo - 1];
        gx_issue *gi = pass ? NULL : gx_find(P->L, number);
        if (!gi) continue; /* an objective, or not in the domain: ignored */
        gx_eval *ev = &P->ev[gi - P->L->issues];
        ev->node = c;
        ev->weight = val[j];
        ev->wnode = wn[j];
      }
    pl__free(ord);
    pl__free(idx);
    pl__free(val);
    pl__free(wn);
    if (rc) return rc;
  }
  for (gx_node *c = e->children; c; c = c->next)
    if ((rc = gx_profile_walk(P, c, depth + 1)))
      return rc;
  return PL_OK;
}

/* EVALFUNCTYPE.evalTriangular(x, lower, upper, top). */
static double gx_triangular(double x, double lo, double hi, double top) {
  if (x < lo) return 0;
  if (x < top) return (x - lo) / (top - lo);
  if (x < hi) return 1 - (x - top) / (hi - top);
  return 0;
}

/* Values of one discrete issue: EvaluatorDiscrete. Evaluations of the
 * direct <item> children by value (a later item of the same value wins;
 * "null" or no evaluation: none); divided by the largest evaluation when
 * that is above 1, else used as they are. That is the rule GENIUS documents
 * and applied from 2014 (it also rounded evaluations to integers first,
 * which we do not); its last release divides by the maximum whenever that
 * is 1e-5 or more. The ANAC files never tell these apart: their maxima are
 * 0, 1 or integers above 1. */
static int gx_discrete_values(gx_prof *P, int party, const gx_issue *gi,
                              gx_node *n) {
  const gx_doc *d = P->d;
  pl_error *err = P->L->err;
  const pl__issue *is = &P->L->s->issues[gi->id];
  size_t cnt = 0;
  GX_EACH(it, n, "item") cnt++;
  double *ev = pl__malloc((is->n ? is->n : 1) * sizeof *ev);
  bool *set = pl__calloc(is->n ? is->n : 1, sizeof *set);
  const char **vals = pl__calloc(cnt ? cnt : 1, sizeof *vals);
  double *evs = pl__calloc(cnt ? cnt : 1, sizeof *evs);
  int rc = ev && set && vals && evs ? PL_OK
                                    : pl__err(err, PL_ENOMEM, "out of memory");
  size_t m = 0;
  if (!rc) GX_EACH(it, n, "item") {
      const char *v = gx_attr(it, "value");
      const char *e = gx_attr(it, "evaluation");
      if (!e || !strcmp(e, "null")) continue;
      double x;
      if (!gx_parse_double(e, &x)) {
        rc = pl__gx_fail(d, err, it, "evaluation", PL_EPARSE,
                     "expected a number for the evaluation of \"%s\", found "
                     "\"%s\"",
                     v ? v : "", e);
        break;
      }
      vals[m] = v ? v : ""; /* ValueDiscrete(null) matches no option */
      evs[m++] = x;
    }
  /* by value, stable: the last item of a value ends its run and wins; the
   * maximum counts values the domain does not have too, as in GENIUS */
  size_t *ord = rc ? NULL : gx_order(m, gx_by_string, vals);
  if (!rc && !ord) rc = pl__err(err, PL_ENOMEM, "out of memory");
  double max = -INFINITY;
  for (size_t k = 0; !rc && k < m; k++) {
    size_t a = ord[k];
    if (k + 1 < m && !strcmp(vals[ord[k + 1]], vals[a])) continue;
    if (evs[a] > max) max = evs[a];
    if (gi->vals) continue; /* below: by the options' values */
    int64_t o = pl_scenario_find_option(P->L->s, gi->id, vals[a]);
    if (o >= 0) {
      ev[o] = evs[a];
      set[o] = true;
    }
  }
  /* an issue with repeated items: each option takes its value's last
   * evaluation (the end of the value's run in the stable order) */
  for (uint32_t k = 0; !rc && gi->vals && k < is->n; k++) {
    size_t at = gx_lower(vals, ord, m, gi->vals[k]);
    size_t last = m;
    while (at < m && !strcmp(vals[ord[at]], gi->vals[k])) last = at++;
    if (last < m) {
      ev[k] = evs[ord[last]];
      set[k] = true;
    }
  }
  for (uint32_t k = 0; !rc && k < is->n; k++) {
    if (!set[k]) {
      rc = pl__gx_fail(d, err, n, NULL, PL_EPARSE,
                   "issue \"%s\" has no evaluation for its option \"%s\"",
                   is->id, is->opt_id[k]);
      break;
    }
    double v = max > 1 ? ev[k] / max : ev[k];
    int r = pl_scenario_set_value(P->L->s, party, gi->id, k, v, err);
    if (r < 0) rc = pl__gx_relay(d, err, n, NULL, r);
  }
  pl__free(ord);
  pl__free(ev);
  pl__free(set);
  pl__free(vals);
  pl__free(evs);
  return rc;
}

/* EvaluatorInteger: clamp(offset + slope (v - lowerbound), 0, 1), with the
 * profile's own lower bound; no <evaluator>: slope and offset 0. */
static int gx_integer_values(gx_prof *P, int party, const gx_issue *gi,
                             gx_node *n) {
  const gx_doc *d = P->d;
  pl_error *err = P->L->err;
  const pl__issue *is = &P->L->s->issues[gi->id];
  int64_t lb = gi->lb;
  int rc;
  if (gx_attr(n, "lowerbound") &&
      (rc = gx_int(d, err, n, "lowerbound", "the lower bound", &lb)))
    return rc;
  double slope = 0, offset = 0;
  gx_node *e = gx_child(n, "evaluator");
  if (e && ((rc = gx_num(d, err, e, "slope", "the slope", &slope)) ||
            (rc = gx_num(d, err, e, "offset", "the offset", &offset))))
    return rc;
  for (uint32_t k = 0; k < is->n; k++) {
    double x = (double)(gi->lb + (int64_t)k - lb);
    double v = gx_clamp01(slope * x + offset);
    int r = pl_scenario_set_value(P->L->s, party, gi->id, k, v, err);
    if (r < 0) return pl__gx_relay(d, err, e ? e : n, NULL, r);
  }
  return PL_OK;
}

/* EvaluatorReal at every grid point: linear clamp(p1 x + p0, 0, 1),
 * constant p0, triangular (p0 lower, p1 upper, p2 top). */
static int gx_real_values(gx_prof *P, int party, const gx_issue *gi,
                          gx_node *n) {
  const gx_doc *d = P->d;
  pl_error *err = P->L->err;
  const pl__issue *is = &P->L->s->issues[gi->id];
  gx_node *e = gx_child(n, "evaluator");
  if (!e)
    return pl__gx_fail(d, err, n, NULL, PL_EPARSE,
                   "real issue \"%s\" has no <evaluator>", is->id);
  const char *ft = gx_attr(e, "ftype");
  double p[3] = {0, 0, 0};
  int np, kind, rc;
  if (gx_ieq(ft, "linear")) {
    kind = 0;
    np = 2;
  } else if (gx_ieq(ft, "constant")) {
    kind = 1;
    np = 1;
  } else if (gx_ieq(ft, "triangular")) {
    kind = 2;
    np = 3;
  } else if (!ft) {
    return pl__gx_fail(d, err, e, NULL, PL_EPARSE,
                   "the <evaluator> of real issue \"%s\" has no \"ftype\"",
                   is->id);
  } else {
    return pl__gx_fail(d, err, e, "ftype", PL_EUNSUPPORTED,
                   "evaluator type \"%s\" of real issue \"%s\" is not "
                   "supported; GENIUS evaluates linear, constant and "
                   "triangular",
                   ft, is->id);
  }
  static const char *const names[] = {"parameter0", "parameter1",
                                      "parameter2"};
  for (int k = 0; k < np; k++)
    if ((rc = gx_num(d, err, e, names[k], "an evaluator parameter", &p[k])))
      return rc;
  for (uint32_t k = 0; k < is->n; k++) {
    double x = is->num[k], v;
    if (kind == 0)
      v = gx_clamp01(p[1] * x + p[0]);
    else if (kind == 1)
      v = p[0];
    else
      v = gx_triangular(x, p[0], p[1], p[2]);
    if (!isfinite(v))
      return pl__gx_fail(d, err, e, NULL, PL_EPARSE,
                     "the evaluator of real issue \"%s\" gives no number at "
                     "%g",
                     is->id, x);
    int r = pl_scenario_set_value(P->L->s, party, gi->id, k, v, err);
    if (r < 0) return pl__gx_relay(d, err, e, NULL, r);
  }
  return PL_OK;
}

static const char *gx_kind_name(pl_issue_kind k) {
  return k == PL_ISSUE_DISCRETE ? "discrete"
         : k == PL_ISSUE_INTEGER ? "integer"
                                 : "real";
}

static int gx_additive(gx_prof *P, int party) {
  gx_load *L = P->L;
  const gx_doc *d = P->d;
  pl_error *err = L->err;
  int rc = pl_scenario_set_weighting(L->s, party, PL_WEIGHTS_AS_GIVEN, err);
  if (rc) return rc;
  for (size_t k = 0; k < L->n_issues; k++) {
    const gx_issue *gi = &L->issues[k];
    const gx_eval *ev = &P->ev[k];
    const char *name = L->s->issues[gi->id].id;
    if (!ev->node)
      return pl__gx_fail(d, err, d->root, NULL, PL_EPARSE,
                     "the profile has no weighted evaluation of issue \"%s\" "
                     "(index %lld)",
                     name, (long long)gi->number);
    bool given;
    pl_issue_kind kind;
    if ((rc = gx_kind(d, err, ev->node, &given, &kind))) return rc;
    if (given && kind != gi->kind)
      return pl__gx_fail(d, err, ev->node, NULL, PL_EPARSE,
                     "issue \"%s\" is %s in the profile but %s in the domain",
                     name, gx_kind_name(kind), gx_kind_name(gi->kind));
    int r = pl_scenario_set_weight(L->s, party, gi->id, ev->weight, err);
    if (r < 0) return pl__gx_relay(d, err, ev->wnode, "value", r);
    if (gi->kind == PL_ISSUE_DISCRETE)
      rc = gx_discrete_values(P, party, gi, ev->node);
    else if (gi->kind == PL_ISSUE_INTEGER)
      rc = gx_integer_values(P, party, gi, ev->node);
    else
      rc = gx_real_values(P, party, gi, ev->node);
    if (rc) return rc;
  }
  return PL_OK;
}

/* ------------------------------------------------------------------ */
/* non-linear (hyper-rectangle) profiles                               */
/* ------------------------------------------------------------------ */

typedef struct gx_box {
  long *slot; /* per issue: its position in the lists below, or -1 */
  int *issues;
  uint32_t *lo, *hi;
  size_t n, cap;
} gx_box;

/* The option bounds of one <INCLUDES>/<EXCLUDES> list (Bound: issue index,
 * integer min and max, inclusive), intersected per issue. false: no outcome
 * satisfies them all. */
static int gx_bounds(gx_prof *P, gx_node *rect, const char *tag, gx_box *b,
                     bool *nonempty) {
  const gx_doc *d = P->d;
  pl_error *err = P->L->err;
  for (size_t k = 0; k < b->n; k++) b->slot[b->issues[k]] = -1;
  b->n = 0;
  *nonempty = true;
  GX_EACH(c, rect, tag) {
    int64_t number, mn, mx;
    int rc;
    if ((rc = gx_int(d, err, c, "index", "the issue index", &number)) ||
        (rc = gx_int(d, err, c, "min", "the lower bound", &mn)) ||
        (rc = gx_int(d, err, c, "max", "the upper bound", &mx)))
      return rc;
    const gx_issue *gi = gx_find(P->L, number);
    if (!gi)
      return pl__gx_fail(d, err, c, "index", PL_EPARSE,
                     "the domain has no issue with index %lld",
                     (long long)number);
    if (gi->kind != PL_ISSUE_INTEGER)
      return pl__gx_fail(d, err, c, "index", PL_EPARSE,
                     "hyper-rectangles bound integer issues; issue \"%s\" is "
                     "%s",
                     P->L->s->issues[gi->id].id, gx_kind_name(gi->kind));
    int64_t lo = mn > gi->lb ? mn : gi->lb, hi = mx < gi->ub ? mx : gi->ub;
    size_t j = b->slot[gi->id] >= 0 ? (size_t)b->slot[gi->id] : b->n;
    if (j == b->n) {
      if (b->n == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 8;
        int *vi = pl__realloc(b->issues, cap * sizeof *vi);
        if (vi) b->issues = vi;
        uint32_t *vl = pl__realloc(b->lo, cap * sizeof *vl);
        if (vl) b->lo = vl;
        uint32_t *vh = pl__realloc(b->hi, cap * sizeof *vh);
        if (vh) b->hi = vh;
        if (!vi || !vl || !vh) return pl__err(err, PL_ENOMEM, "out of memory");
        b->cap = cap;
      }
      b->issues[j] = gi->id;
      b->slot[gi->id] = (long)j;
      b->lo[j] = 0;
      b->hi[j] = (uint32_t)(gi->ub - gi->lb);
      b->n++;
    }
    if (lo > hi) {
      *nonempty = false;
      continue;
    }
    uint32_t l = (uint32_t)(lo - gi->lb), h = (uint32_t)(hi - gi->lb);
    if (l > b->lo[j]) b->lo[j] = l;
    if (h < b->hi[j]) b->hi[j] = h;
    if (b->lo[j] > b->hi[j]) *nonempty = false;
  }
  return PL_OK;
}

static int gx_rect(gx_prof *P, int party, double utility, size_t n,
                   const gx_box *b, gx_node *at) {
  int r = pl_scenario_add_rectangle(P->L->s, party, utility, n,
                                    n ? b->issues : NULL, n ? b->lo : NULL,
                                    n ? b->hi : NULL, P->L->err);
  return r < 0 ? pl__gx_relay(P->d, P->L->err, at, NULL, r) : PL_OK;
}

/* UtilityFunction.getUtility with SUM aggregation: its hyper-rectangles,
 * then its inner functions times their weight. A rectangle gives
 * utility x weight: an inclusive one when all its bounds hold, an
 * exclusive one when some bound fails (as u - u [all hold]), one without
 * bounds always. Nested weights multiply into the rectangles. */
static int gx_ufun(gx_prof *P, int party, gx_node *f, double scale,
                   gx_box *b, int depth) {
  const gx_doc *d = P->d;
  pl_error *err = P->L->err;
  int rc;
  if (depth > GX_MAX_DEPTH)
    return pl__gx_fail(d, err, f, NULL, PL_EPARSE, "<ufun> nested deeper than %d",
                   GX_MAX_DEPTH);
  const char *agg = gx_attr(f, "aggregation");
  if (agg && (gx_ieq(agg, "min") || gx_ieq(agg, "max")))
    return pl__gx_fail(d, err, f, "aggregation", PL_EUNSUPPORTED,
                   "\"%s\" aggregation of hyper-rectangles is not supported; "
                   "only sums are",
                   agg);
  GX_EACH(h, f, "hyperRectangle") {
    double u, w = 1;
    if ((rc = gx_num(d, err, h, "utility", "the rectangle's utility", &u)))
      return rc;
    if (gx_attr(h, "weight") &&
        (rc = gx_num(d, err, h, "weight", "the rectangle's weight", &w)))
      return rc;
    u = u * w;
    if (scale != 1) u *= scale;
    if (!isfinite(u))
      return pl__gx_fail(d, err, h, "utility", PL_EPARSE,
                     "the rectangle's utility is out of range");
    bool ex = gx_child(h, "EXCLUDES") != NULL;
    bool in = gx_child(h, "INCLUDES") != NULL;
    bool nonempty = true;
    if ((ex || in) &&
        (rc = gx_bounds(P, h, ex ? "EXCLUDES" : "INCLUDES", b, &nonempty)))
      return rc;
    if (!ex && !in) {
      rc = gx_rect(P, party, u, 0, b, h);
    } else if (in && !ex) {
      rc = nonempty ? gx_rect(P, party, u, b->n, b, h) : PL_OK;
    } else {
      rc = gx_rect(P, party, u, 0, b, h);
      if (!rc && nonempty) rc = gx_rect(P, party, -u, b->n, b, h);
    }
    if (rc) return rc;
  }
  GX_EACH(g, f, "ufun") {
    double w = 1;
    if (gx_attr(g, "weight") &&
        (rc = gx_num(d, err, g, "weight", "the function's weight", &w)))
      return rc;
    if ((rc = gx_ufun(P, party, g, scale * w, b, depth + 1))) return rc;
  }
  return PL_OK;
}

/* NonlinearUtilitySpace.loadNonlinearSpace: reservation and discount among
 * the root's children; the first child element holds <utility maxutility>
 * with the top <ufun>; the utility is the sum divided by maxutility. */
static int gx_nonlinear(gx_prof *P, int party) {
  const gx_doc *d = P->d;
  pl_error *err = P->L->err;
  gx_node *first = d->root->children;
  gx_node *u = gx_child(first, "utility");
  if (!u)
    return pl__gx_fail(d, err, first ? first : d->root, NULL, PL_EPARSE,
                   "a non-linear profile needs <utility maxutility=...> in "
                   "its first element");
  double max;
  int rc = gx_num(d, err, u, "maxutility", "the maximum utility", &max);
  if (rc) return rc;
  gx_node *f = gx_child(u, "ufun");
  if (!f) return pl__gx_fail(d, err, u, NULL, PL_EPARSE, "<utility> has no <ufun>");
  int r = pl_scenario_set_rectangles(P->L->s, party, max, err);
  if (r < 0) return pl__gx_relay(d, err, u, "maxutility", r);
  gx_box b = {0};
  b.slot = pl__malloc((P->L->n_issues ? P->L->n_issues : 1) * sizeof *b.slot);
  if (!b.slot) return pl__err(err, PL_ENOMEM, "out of memory");
  for (size_t k = 0; k < P->L->n_issues; k++) b.slot[k] = -1;
  rc = gx_ufun(P, party, f, 1, &b, 0);
  pl__free(b.slot);
  pl__free(b.issues);
  pl__free(b.lo);
  pl__free(b.hi);
  return rc;
}

/* ------------------------------------------------------------------ */
/* profiles                                                            */
/* ------------------------------------------------------------------ */

static int gx_read_profile(gx_load *L, const char *path) {
  pl_error *err = L->err;
  gx_doc d;
  int rc = pl__gx_doc_load(&d, path, err);
  gx_prof P = {.L = L, .d = &d, .rv = 0, .discount = 1};
  char *stem = NULL;
  if (rc) goto done;
  if (!gx_is(d.root, "utility_space")) {
    rc = pl__gx_fail(&d, err, d.root, NULL, PL_EPARSE,
                 "expected a GENIUS profile (<utility_space>), found <%s>",
                 d.root->name);
    goto done;
  }
  const char *type = gx_attr(d.root, "type");
  bool nonlinear = type && !strcmp(type, "nonlinear");
  if (type && !strcmp(type, "constraint")) {
    rc = pl__gx_fail(&d, err, d.root, "type", PL_EUNSUPPORTED,
                 "constraint utility spaces are not supported");
    goto done;
  }
  if (nonlinear) {
    gx_node *r = gx_child(d.root, "reservation");
    gx_node *df = gx_child(d.root, "discount_factor");
    if (r && (rc = gx_num(&d, err, r, "value", "the reservation value", &P.rv)))
      goto done;
    P.rv_node = r;
    if (df) {
      double v;
      if ((rc = gx_num(&d, err, df, "value", "the discount factor", &v)))
        goto done;
      P.discount = gx_discount(v);
    }
  } else {
    P.ev = pl__calloc(L->n_issues, sizeof *P.ev);
    if (!P.ev) {
      rc = pl__err(err, PL_ENOMEM, "out of memory");
      goto done;
    }
    if ((rc = gx_profile_walk(&P, d.root, 0))) goto done;
  }
  stem = pl__file_stem(path);
  if (!stem) {
    rc = pl__err(err, PL_ENOMEM, "out of memory");
    goto done;
  }
  if (pl_scenario_find_party(L->s, stem) >= 0) {
    rc = pl__err_at(err, PL_EPARSE, path, 1, 1,
                    "two profiles give the party id \"%s\": party ids come "
                    "from the profile file names",
                    stem);
    goto done;
  }
  if ((uint64_t)(L->s->n_parties + 1) * L->options > GX_MAX_CELLS) {
    rc = pl__err_at(err, PL_ETOOBIG, path, 1, 1,
                    "%d parties over %llu options are more than %u values",
                    L->s->n_parties + 1, (unsigned long long)L->options,
                    GX_MAX_CELLS);
    goto done;
  }
  if (!(P.rv >= 0 && P.rv <= 1)) {
    rc = pl__gx_fail(&d, err, P.rv_node, "value", PL_EPARSE,
                 "reservation value %g is outside [0,1]", P.rv);
    goto done;
  }
  int party = pl_scenario_add_party(L->s, stem, NULL, P.rv, err);
  if (party < 0) {
    rc = pl__gx_relay(&d, err, d.root, NULL, party);
    goto done;
  }
  if ((rc = pl_scenario_set_discount(L->s, party, P.discount, err))) {
    rc = pl__gx_relay(&d, err, P.discount_node, "value", rc);
    goto done;
  }
  rc = nonlinear ? gx_nonlinear(&P, party) : gx_additive(&P, party);
done:
  pl__free(stem);
  pl__free(P.ev);
  pl__gx_doc_free(&d);
  return rc;
}

int pl__genius_load(const char *domain, const char *const *profiles,
                    size_t n_profiles, const pl_load_options *o,
                    pl_scenario **out, pl_error *err) {
  pl_load_options def;
  if (!o) {
    pl_load_options_init(&def);
    o = &def;
  }
  *out = NULL;
  gx_load L = {.err = err, .o = o};
  char *stem = pl__file_stem(domain);
  L.s = stem ? pl_scenario_new(stem) : NULL;
  pl__free(stem);
  int rc = L.s ? PL_OK : pl__err(err, PL_ENOMEM, "out of memory");
  if (!rc) rc = pl__gx_doc_load(&L.dom, domain, err);
  if (!rc) rc = gx_read_domain(&L);
  for (size_t k = 0; k < n_profiles && !rc; k++)
    rc = gx_read_profile(&L, profiles[k]);
  if (!rc && (rc = pl_scenario_finish(L.s, err)) && rc != PL_ENOMEM) {
    char msg[sizeof err->message];
    snprintf(msg, sizeof msg, "%s", err ? err->message : "");
    rc = pl__err_at(err, rc == PL_ETOOBIG ? PL_ETOOBIG : PL_EPARSE, domain, 1,
                    1, "%s", msg);
  }
  pl__gx_doc_free(&L.dom);
  for (size_t k = 0; k < L.n_issues; k++) pl__free(L.issues[k].vals);
  pl__free(L.issues);
  pl__free(L.by_number);
  if (rc) {
    pl_scenario_free(L.s);
    return rc;
  }
  *out = L.s;
  return PL_OK;
}
