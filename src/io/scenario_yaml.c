/* The YAML scenario format (docs/scenario-format.md): tree -> builder calls.
 * Every error names the node it comes from, as file:line:col. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "io/yaml_read.h"
#include "model/scenario_internal.h"

/* Limits of the reader on top of the model's (docs/scenario-format.md):
 * they bound the memory and time a small hostile file can cost. */
/* grid points of all issues together */
#define PL__YAML_MAX_TOTAL_OPTIONS (1u << 24)
/* (options of all issues) x parties: the utility table; and the options
 * the rules of all red lines range over */
#define PL__YAML_MAX_CELLS (1u << 26)
/* red lines of every party, linkages included */
#define PL__YAML_MAX_RED_LINES 10000

typedef struct ctx {
  pl__yreader r;    /* the file and the error to fill */
  size_t len;       /* bytes of input */
  pl_scenario *s;
  pl__idref *issue_ix; /* the issues sorted by id, once all are read */
  uint64_t options; /* grid points of all issues */
  uint64_t rule_options; /* options scanned by rules so far */
  int constraints;  /* rule red lines and positive reservations so far */
} ctx;

/* A builder call failed: keep its message, give it the node's place. */
static int relay(ctx *c, const pl__ynode *n, int rc) {
  if (rc == PL_ENOMEM) return rc;
  char msg[sizeof c->r.err->message];
  snprintf(msg, sizeof msg, "%s", c->r.err->message);
  pl__err_at(c->r.err, rc == PL_ETOOBIG ? PL_ETOOBIG : PL_EPARSE, c->r.file,
             n ? n->line : 1, n ? n->col : 1, "%s", msg);
  return c->r.err->code;
}

/* Appends item to the ", "-separated list in buf; when it does not fit,
 * appends "..." and returns false. */
static bool list_add(char *buf, size_t size, const char *item) {
  size_t len = strlen(buf), sep = len ? 2 : 0;
  if (len + sep + strlen(item) + 5 >= size) {
    snprintf(buf + len, size - len, "%s...", sep ? ", " : "");
    return false;
  }
  snprintf(buf + len, size - len, "%s%s", sep ? ", " : "", item);
  return true;
}

/* ------------------------------------------------------------------ */
/* issues                                                              */
/* ------------------------------------------------------------------ */

/* Counts n more grid points against the reader's limit. */
static int add_options(ctx *c, const pl__ynode *at, const char *id,
                       uint64_t n) {
  if (n > PL__YAML_MAX_TOTAL_OPTIONS - c->options)
    return pl__err_at(c->r.err, PL_ETOOBIG, c->r.file, at->line, at->col,
                      "issue \"%s\" brings the options of all issues to more "
                      "than %u",
                      id, PL__YAML_MAX_TOTAL_OPTIONS);
  c->options += n;
  return PL_OK;
}

/* The first repeated id of a list (index of the repeat, and of the first
 * one), or 0 when the ids are distinct; -1 when out of memory. */
static int find_repeat(const char *const *ids, size_t n, size_t *again,
                       size_t *first) {
  if (n < 2) return 0;
  pl__idref *r = pl__malloc(n * sizeof *r);
  if (!r) return -1;
  for (size_t k = 0; k < n; k++) r[k] = (pl__idref){ids[k], k};
  pl__idref_sort(r, n);
  int found = 0;
  for (size_t k = 1; k < n; k++)
    if (!strcmp(r[k].id, r[k - 1].id) && (k == 1 || strcmp(r[k - 1].id, r[k - 2].id)) &&
        (!found || r[k].k < *again)) {
      /* r[k - 1] is the first of its group, r[k] its first repeat */
      *again = r[k].k;
      *first = r[k - 1].k;
      found = 1;
    }
  pl__free(r);
  return found;
}

static int issue_discrete(ctx *c, const pl__ynode *nd, const char *id,
                          const char *name) {
  const pl__ynode *opts;
  char where[300];
  snprintf(where, sizeof where, "discrete issue \"%s\"", id);
  int rc = pl__yneed(&c->r, nd, "options", where, &opts);
  if (rc || (rc = pl__yexpect(&c->r, opts, PL__Y_SEQ, "\"options\""))) return rc;
  if (opts->n == 0)
    return pl__yfail(&c->r, opts, "issue \"%s\" has no options: list at least one",
                id);
  if ((rc = add_options(c, opts, id, opts->n))) return rc;
  const char **ids = pl__calloc(opts->n, sizeof *ids);
  const char **names = pl__calloc(opts->n, sizeof *names);
  if (!ids || !names) rc = pl__err(c->r.err, PL_ENOMEM, "out of memory");
  for (size_t k = 0; k < opts->n && !rc; k++) {
    const pl__ynode *o = opts->items[k];
    if (o->kind == PL__Y_MAP) {
      static const char *const keys[] = {"id", "name", NULL};
      const pl__ynode *v;
      if (!(rc = pl__ycheck_keys(&c->r, o, "option", keys)) &&
          !(rc = pl__yneed(&c->r, o, "id", "option", &v)) &&
          !(rc = pl__yget_id(&c->r, v, "option id", &ids[k])) &&
          (v = pl__ymap_get(o, "name")))
        rc = pl__yget_string(&c->r, v, "option name", &names[k]);
    } else if (o->kind == PL__Y_SCALAR) {
      rc = pl__yget_id(&c->r, o, "option id", &ids[k]);
    } else {
      rc = pl__yfail(&c->r, o, "expected an option id or {id, name}, found %s",
                pl__ykind_name(o));
    }
  }
  size_t again = 0, first = 0;
  int rep = rc ? 0 : find_repeat(ids, opts->n, &again, &first);
  if (rep < 0) {
    rc = pl__err(c->r.err, PL_ENOMEM, "out of memory");
  } else if (rep) {
    const pl__ynode *a = opts->items[again], *f = opts->items[first];
    rc = pl__yfail(&c->r, a->kind == PL__Y_MAP ? pl__ymap_get(a, "id") : a,
              "duplicate option \"%s\" in issue \"%s\" (first at line %d)",
              ids[again], id, f->line);
  }
  if (!rc) {
    rc = pl_scenario_add_discrete_issue(c->s, id, name, opts->n, ids, names,
                                        c->r.err);
    if (rc < 0) rc = relay(c, opts, rc);
  }
  pl__free(ids);
  pl__free(names);
  return rc < 0 ? rc : PL_OK;
}

static int issue_numeric(ctx *c, const pl__ynode *nd, const char *id,
                         const char *name, bool integer) {
  const pl__ynode *lo, *hi, *st, *at;
  char where[300];
  snprintf(where, sizeof where, "%s issue \"%s\"",
           integer ? "integer" : "real", id);
  int rc;
  if ((rc = pl__yneed(&c->r, nd, "min", where, &lo)) ||
      (rc = pl__yneed(&c->r, nd, "max", where, &hi)))
    return rc;
  if (integer) {
    int64_t a, b, step = 1;
    if ((rc = pl__yget_integer(&c->r, lo, "\"min\"", &a)) ||
        (rc = pl__yget_integer(&c->r, hi, "\"max\"", &b)))
      return rc;
    if ((st = pl__ymap_get(nd, "step")) &&
        (rc = pl__yget_integer(&c->r, st, "\"step\"", &step)))
      return rc;
    /* beyond 2^53 a double cannot tell neighbouring values apart */
    const pl__ynode *big = a < -PL__EXACT_INT || a > PL__EXACT_INT ? lo
                           : b < -PL__EXACT_INT || b > PL__EXACT_INT ? hi
                           : step > PL__EXACT_INT ? st : NULL;
    if (big)
      return pl__yfail(&c->r, big,
                       "integer issue \"%s\": %s is beyond 2^53 "
                       "(9007199254740992), the largest whole number parley "
                       "holds exactly",
                       id, big->text);
    if (pl__ymap_get(nd, "resolution"))
      return pl__yfail(&c->r, pl__ymap_get(nd, "resolution"),
                  "integer issue \"%s\" takes \"step\", not \"resolution\"",
                  id);
    /* the node a builder error is about */
    at = step <= 0 ? st : b < a ? hi : st ? st : hi;
    uint64_t n = step > 0 && b >= a
                     ? ((uint64_t)b - (uint64_t)a) / (uint64_t)step + 1
                     : 0;
    if (n && n <= PL__MAX_OPTIONS && (rc = add_options(c, at, id, n)))
      return rc;
    rc = pl_scenario_add_integer_issue(c->s, id, name, a, b, step, c->r.err);
  } else {
    double a, b, res;
    if ((rc = pl__yget_number(&c->r, lo, "\"min\"", &a)) ||
        (rc = pl__yget_number(&c->r, hi, "\"max\"", &b)))
      return rc;
    if (pl__ymap_get(nd, "step"))
      return pl__yfail(&c->r, pl__ymap_get(nd, "step"),
                  "real issue \"%s\" takes \"resolution\", not \"step\"", id);
    st = pl__ymap_get(nd, "resolution");
    if (!st)
      return pl__yfail(&c->r, nd,
                  "real issue \"%s\" has no \"resolution\" (the step between "
                  "the values analysed)",
                  id);
    if ((rc = pl__yget_number(&c->r, st, "\"resolution\"", &res))) return rc;
    at = !(res > 0) || !(b >= a) ? (b < a ? hi : st) : st;
    double steps = res > 0 && b >= a ? round((b - a) / res) : -1;
    if (steps >= 0 && steps < (double)PL__MAX_OPTIONS &&
        (rc = add_options(c, at, id, (uint64_t)steps + 1)))
      return rc;
    rc = pl_scenario_add_real_issue(c->s, id, name, a, b, res, c->r.err);
  }
  return rc < 0 ? relay(c, at, rc) : PL_OK;
}

static int parse_issues(ctx *c, const pl__ynode *list) {
  int rc = pl__yexpect(&c->r, list, PL__Y_SEQ, "\"issues\"");
  if (rc) return rc;
  if (list->n == 0) return pl__yfail(&c->r, list, "\"issues\" is empty: list at least one issue");
  for (size_t k = 0; k < list->n; k++) {
    const pl__ynode *nd = list->items[k], *v;
    static const char *const keys[] = {"id",  "name", "type",       "options",
                                       "min", "max",  "step", "resolution",
                                       NULL};
    const char *id, *name = NULL, *type = "discrete";
    if ((rc = pl__yexpect(&c->r, nd, PL__Y_MAP, "an issue")) ||
        (rc = pl__ycheck_keys(&c->r, nd, "issue", keys)) ||
        (rc = pl__yneed(&c->r, nd, "id", "issue", &v)) ||
        (rc = pl__yget_id(&c->r, v, "issue id", &id)))
      return rc;
    int j = pl_scenario_find_issue(c->s, id);
    if (j >= 0) /* issue j came from list->items[j] */
      return pl__yfail(&c->r, v, "duplicate issue id \"%s\" (first at line %d)", id,
                  list->items[j]->line);
    if ((v = pl__ymap_get(nd, "name")) &&
        (rc = pl__yget_string(&c->r, v, "issue name", &name)))
      return rc;
    if ((v = pl__ymap_get(nd, "type")) &&
        (rc = pl__yget_string(&c->r, v, "issue type", &type)))
      return rc;
    if (!strcmp(type, "discrete")) {
      if (pl__ymap_get(nd, "min") || pl__ymap_get(nd, "max"))
        return pl__yfail(&c->r, pl__ymap_get(nd, "min") ? pl__ymap_get(nd, "min")
                                                : pl__ymap_get(nd, "max"),
                    "discrete issue \"%s\" takes \"options\", not min/max; "
                    "set \"type: integer\" or \"type: real\" for a range",
                    id);
      rc = issue_discrete(c, nd, id, name);
    } else if (!strcmp(type, "integer") || !strcmp(type, "real")) {
      if (pl__ymap_get(nd, "options"))
        return pl__yfail(&c->r, pl__ymap_get(nd, "options"),
                    "%s issue \"%s\" takes min/max, not \"options\"", type, id);
      rc = issue_numeric(c, nd, id, name, type[0] == 'i');
    } else {
      return pl__yfail(&c->r, v,
                  "unknown issue type \"%s\"; expected discrete, integer or "
                  "real",
                  type);
    }
    if (rc) return rc;
  }
  /* an index for issue_ref: files may name issues millions of times */
  size_t n = (size_t)c->s->n_issues;
  if (!(c->issue_ix = pl__malloc(n * sizeof *c->issue_ix)))
    return pl__err(c->r.err, PL_ENOMEM, "out of memory");
  for (size_t i = 0; i < n; i++)
    c->issue_ix[i] = (pl__idref){c->s->issues[i].id, i};
  pl__idref_sort(c->issue_ix, n);
  return PL_OK;
}

/* ------------------------------------------------------------------ */
/* outcomes, preferences, red lines                                    */
/* ------------------------------------------------------------------ */

static int issue_ref(ctx *c, const pl__ynode *n, int *out) {
  const char *id;
  int rc = pl__yget_id(&c->r, n, "an issue id", &id);
  if (rc) return rc;
  ptrdiff_t k = pl__idref_find(c->issue_ix, (size_t)c->s->n_issues, id);
  if (k >= 0) {
    *out = (int)k;
    return PL_OK;
  }
  char list[256] = "";
  for (int i = 0; i < c->s->n_issues; i++)
    if (!list_add(list, sizeof list, c->s->issues[i].id)) break;
  return pl__yfail(&c->r, n, "unknown issue \"%s\"; expected one of: %s", id, list);
}

static int option_ref(ctx *c, const pl__ynode *n, int issue, uint32_t *out) {
  const char *id;
  int rc = pl__yget_id(&c->r, n, "an option", &id);
  if (rc) return rc;
  int64_t k = pl_scenario_find_option(c->s, issue, id);
  if (k < 0) {
    const pl__issue *is = &c->s->issues[issue];
    if (is->kind == PL_ISSUE_DISCRETE) {
      char list[256] = "";
      for (uint32_t o = 0; o < is->n; o++)
        if (!list_add(list, sizeof list, is->opt_id[o])) break;
      return pl__yfail(&c->r, n, "unknown option \"%s\" of issue \"%s\"; expected one of: %s",
                  id, is->id, list);
    }
    return pl__yfail(&c->r, n,
                "%s is not a value of issue \"%s\" (%g to %g in steps of %g)",
                id, is->id, is->min, is->max, is->step);
  }
  *out = (uint32_t)k;
  return PL_OK;
}

/* An outcome: a mapping naming the option of every issue. */
static int parse_outcome(ctx *c, const pl__ynode *map, const char *what,
                         uint32_t *out) {
  int rc = pl__yexpect(&c->r, map, PL__Y_MAP, what);
  if (rc) return rc;
  for (int i = 0; i < c->s->n_issues; i++) out[i] = PL_NOT_AGREED;
  for (size_t k = 0; k < map->n; k++) {
    int i;
    if ((rc = issue_ref(c, map->items[2 * k], &i)) ||
        (rc = option_ref(c, map->items[2 * k + 1], i, &out[i])))
      return rc;
  }
  for (int i = 0; i < c->s->n_issues; i++)
    if (out[i] == PL_NOT_AGREED)
      return pl__yfail(&c->r, map, "%s gives no option for issue \"%s\"", what,
                  c->s->issues[i].id);
  return PL_OK;
}

static int set_status_quo(ctx *c, int party, const pl__ynode *n) {
  uint32_t *o = pl__malloc((size_t)c->s->n_issues * sizeof *o);
  if (!o) return pl__err(c->r.err, PL_ENOMEM, "out of memory");
  int rc = parse_outcome(c, n, "\"status_quo\"", o);
  if (!rc && (rc = pl_scenario_set_status_quo(c->s, party, o, c->r.err)) < 0)
    rc = relay(c, n, rc);
  pl__free(o);
  return rc;
}

/* Reads a party's values; marks valued[i] for every issue it values. */
static int parse_values(ctx *c, int p, const pl__ynode *map, bool *valued) {
  int rc = pl__yexpect(&c->r, map, PL__Y_MAP, "\"values\"");
  for (size_t k = 0; k < map->n && !rc; k++) {
    int i;
    const pl__ynode *v = map->items[2 * k + 1];
    if ((rc = issue_ref(c, map->items[2 * k], &i))) break;
    valued[i] = true;
    const pl__issue *is = &c->s->issues[i];
    if (is->kind == PL_ISSUE_DISCRETE) {
      if ((rc = pl__yexpect(&c->r, v, PL__Y_MAP, "the values of a discrete issue")))
        break;
      for (size_t j = 0; j < v->n && !rc; j++) {
        uint32_t o;
        double x;
        if ((rc = option_ref(c, v->items[2 * j], i, &o)) ||
            (rc = pl__yget_number(&c->r, v->items[2 * j + 1], "an option value", &x)))
          break;
        if ((rc = pl_scenario_set_value(c->s, p, i, o, x, c->r.err)) < 0)
          rc = relay(c, v->items[2 * j + 1], rc);
      }
      continue;
    }
    /* numeric: increasing | decreasing | [[x, v], ...] */
    double xs[2] = {is->min, is->max}, vs[2] = {0, 1};
    if (v->kind == PL__Y_SCALAR) {
      if (!strcmp(v->text, "decreasing")) {
        vs[0] = 1;
        vs[1] = 0;
      } else if (strcmp(v->text, "increasing")) {
        rc = pl__yfail(&c->r, v,
                  "expected \"increasing\", \"decreasing\" or a list of [x, "
                  "value] points, found \"%s\"",
                  v->text);
        break;
      }
      size_t n = is->max > is->min ? 2 : 1;
      if ((rc = pl_scenario_set_value_function(c->s, p, i, n, xs, vs,
                                               c->r.err)) < 0)
        rc = relay(c, v, rc);
      continue;
    }
    if ((rc = pl__yexpect(&c->r, v, PL__Y_SEQ, "a value function"))) break;
    if (v->n == 0) {
      rc = pl__yfail(&c->r, v, "value function of issue \"%s\" has no points", is->id);
      break;
    }
    double *px = pl__malloc(v->n * sizeof *px), *pv = pl__malloc(v->n * sizeof *pv);
    if (!px || !pv) rc = pl__err(c->r.err, PL_ENOMEM, "out of memory");
    for (size_t j = 0; j < v->n && !rc; j++) {
      const pl__ynode *pt = v->items[j];
      if (pt->kind != PL__Y_SEQ || pt->n != 2) {
        if (pt->kind == PL__Y_SEQ)
          rc = pl__yfail(&c->r, pt,
                    "expected a point [x, value], found a list of %zu "
                    "items",
                    pt->n);
        else
          rc = pl__yfail(&c->r, pt, "expected a point [x, value], found %s",
                    pl__ykind_name(pt));
        break;
      }
      if ((rc = pl__yget_number(&c->r, pt->items[0], "x", &px[j])) ||
          (rc = pl__yget_number(&c->r, pt->items[1], "a value", &pv[j])))
        break;
      if (j > 0 && !(px[j] > px[j - 1]))
        rc = pl__yfail(&c->r, pt->items[0],
                  "x %g does not follow %g: the points of a value function "
                  "must have increasing x",
                  px[j], px[j - 1]);
      else if (!(pv[j] >= 0 && pv[j] <= 1))
        rc = pl__yfail(&c->r, pt->items[1], "value %g is outside [0,1]", pv[j]);
    }
    if (!rc && (rc = pl_scenario_set_value_function(c->s, p, i, v->n, px, pv,
                                                    c->r.err)) < 0)
      rc = relay(c, v, rc);
    pl__free(px);
    pl__free(pv);
  }
  return rc < 0 ? rc : PL_OK;
}

static int parse_rule(ctx *c, const pl__ynode *n, int depth, pl_expr **out);

static int parse_rules(ctx *c, const pl__ynode *list, int depth,
                       const char *key, pl_expr **out) {
  int rc = pl__yexpect(&c->r, list, PL__Y_SEQ, key);
  if (rc) return rc;
  if (list->n == 0)
    return pl__yfail(&c->r, list, "\"%s\" names no rule: list at least one", key);
  pl_expr **kids = pl__calloc(list->n, sizeof *kids);
  if (!kids) return pl__err(c->r.err, PL_ENOMEM, "out of memory");
  for (size_t k = 0; k < list->n && !rc; k++)
    rc = parse_rule(c, list->items[k], depth + 1, &kids[k]);
  if (rc) {
    for (size_t k = 0; k < list->n; k++) pl_expr_free(kids[k]);
  } else {
    *out = key[1] == 'l' ? pl_expr_all(list->n, kids)
                         : pl_expr_any(list->n, kids);
    if (!*out) rc = pl__err(c->r.err, PL_ENOMEM, "out of memory");
  }
  pl__free(kids);
  return rc;
}

/* {issue, in | not_in | min/max} | {all: [...]} | {any: [...]} | {not: r} */
static int parse_rule(ctx *c, const pl__ynode *n, int depth, pl_expr **out) {
  static const char *const keys[] = {"issue", "in",  "not_in", "min", "max",
                                     "all",   "any", "not",    NULL};
  int rc;
  *out = NULL;
  if (depth > 32) return pl__yfail(&c->r, n, "rule nested more than 32 levels deep");
  if ((rc = pl__yexpect(&c->r, n, PL__Y_MAP, "a rule")) ||
      (rc = pl__ycheck_keys(&c->r, n, "rule", keys)))
    return rc;
  const pl__ynode *v;
  if (n->n == 1 && ((v = pl__ymap_get(n, "all")) || (v = pl__ymap_get(n, "any"))))
    return parse_rules(c, v, depth, n->items[0]->text, out);
  if (n->n == 1 && (v = pl__ymap_get(n, "not"))) {
    pl_expr *e;
    if ((rc = parse_rule(c, v, depth + 1, &e))) return rc;
    if (!(*out = pl_expr_not(e))) return pl__err(c->r.err, PL_ENOMEM, "out of memory");
    return PL_OK;
  }
  if (pl__ymap_get(n, "all") || pl__ymap_get(n, "any") || pl__ymap_get(n, "not"))
    return pl__yfail(&c->r, n, "\"all\", \"any\" and \"not\" stand alone in a rule");
  const pl__ynode *iv = pl__ymap_get(n, "issue");
  if (!iv)
    return pl__yfail(&c->r, n,
                "a rule needs \"issue\" with \"in\", \"not_in\" or min/max, "
                "or one of \"all\", \"any\", \"not\"");
  int i;
  if ((rc = issue_ref(c, iv, &i))) return rc;
  const pl__issue *is = &c->s->issues[i];
  if (is->n > PL__YAML_MAX_CELLS - c->rule_options)
    return pl__err_at(c->r.err, PL_ETOOBIG, c->r.file, n->line, n->col,
                      "too large: the rules of the red lines range over more "
                      "than %u options in all",
                      PL__YAML_MAX_CELLS);
  c->rule_options += is->n;
  const pl__ynode *in = pl__ymap_get(n, "in"), *nin = pl__ymap_get(n, "not_in");
  const pl__ynode *lo = pl__ymap_get(n, "min"), *hi = pl__ymap_get(n, "max");
  int forms = !!in + !!nin + !!(lo || hi);
  if (forms != 1)
    return pl__yfail(&c->r, n,
                "a rule on issue \"%s\" needs exactly one of \"in\", "
                "\"not_in\" or min/max",
                is->id);
  uint32_t *opts = pl__malloc((size_t)is->n * sizeof *opts);
  uint64_t *mark = pl__calloc(pl__words(is->n), sizeof *mark);
  size_t cnt = 0;
  if (!opts || !mark) rc = pl__err(c->r.err, PL_ENOMEM, "out of memory");
  if (!rc && (in || nin)) {
    const pl__ynode *list = in ? in : nin;
    if (!(rc = pl__yexpect(&c->r, list, PL__Y_SEQ, in ? "\"in\"" : "\"not_in\"")) &&
        list->n == 0)
      rc = pl__yfail(&c->r, list, "red line on issue \"%s\" names no option", is->id);
    for (size_t k = 0; k < (rc ? 0 : list->n) && !rc; k++) {
      uint32_t o;
      if (!(rc = option_ref(c, list->items[k], i, &o))) pl__setbit(mark, o);
    }
    for (uint32_t o = 0; o < is->n && !rc; o++)
      if (pl__bit(mark, o) == !!in) opts[cnt++] = o;
  } else if (!rc) {
    double a = -INFINITY, b = INFINITY;
    if (is->kind == PL_ISSUE_DISCRETE)
      rc = pl__yfail(&c->r, lo ? lo : hi,
                "min/max apply to numeric issues; issue \"%s\" is discrete: "
                "use \"in\" or \"not_in\"",
                is->id);
    if (!rc && lo) rc = pl__yget_number(&c->r, lo, "\"min\"", &a);
    if (!rc && hi) rc = pl__yget_number(&c->r, hi, "\"max\"", &b);
    if (!rc && a > b) rc = pl__yfail(&c->r, n, "min %g is above max %g", a, b);
    for (uint32_t o = 0; o < is->n && !rc; o++) {
      double x = is->num[o], tol = 1e-9 * (fabs(x) > 1 ? fabs(x) : 1);
      if (x >= a - tol && x <= b + tol) opts[cnt++] = o;
    }
  }
  if (!rc && !(*out = pl_expr_in(i, cnt, opts)))
    rc = pl__err(c->r.err, PL_ENOMEM, "out of memory");
  pl__free(opts);
  pl__free(mark);
  return rc;
}

/* A cost: a plain non-negative number. */
static int get_cost(ctx *c, const pl__ynode *n, const char *what, double *out) {
  int rc = pl__yget_number(&c->r, n, what, out);
  if (!rc && !(*out >= 0))
    rc = pl__yfail(&c->r, n, "%s must not be negative, got %g", what, *out);
  return rc;
}

/* The variants of rule red line r, in the order "relaxes" gives them (by
 * default each relaxes the one listed before it, the first the red line),
 * and its drop cost. */
static int parse_concessions(ctx *c, int r, const pl__ynode *nd) {
  const pl__ynode *list = pl__ymap_get(nd, "variants"), *v;
  const char *rid = c->s->red_lines[r].id;
  double drop = 0;
  bool has_drop = false;
  int rc = PL_OK;
  if ((v = pl__ymap_get(nd, "drop_cost"))) {
    if ((rc = get_cost(c, v, "\"drop_cost\"", &drop))) return rc;
    has_drop = true;
  }
  size_t n = 0;
  if (list && (rc = pl__yexpect(&c->r, list, PL__Y_SEQ, "\"variants\"")))
    return rc;
  if (list) n = list->n;
  static const char *const keys[] = {"id",   "description", "rule",
                                     "cost", "relaxes",     NULL};
  const char **ids = pl__calloc(n + 1, sizeof *ids);
  long *parent = pl__calloc(n + 1, sizeof *parent); /* -1: the red line */
  long *child = pl__calloc(n + 1, sizeof *child);   /* of the red line at n */
  if (!ids || !parent || !child) {
    rc = pl__err(c->r.err, PL_ENOMEM, "out of memory");
    goto done;
  }
  for (size_t k = 0; k <= n; k++) child[k] = -1;
  for (size_t k = 0; k < n && !rc; k++) {
    const pl__ynode *it = list->items[k];
    if ((rc = pl__yexpect(&c->r, it, PL__Y_MAP, "a variant")) ||
        (rc = pl__ycheck_keys(&c->r, it, "variant", keys)) ||
        (rc = pl__yneed(&c->r, it, "id", "variant", &v)) ||
        (rc = pl__yget_id(&c->r, v, "variant id", &ids[k])))
      break;
    for (size_t j = 0; j < k && !rc; j++)
      if (!strcmp(ids[j], ids[k]))
        rc = pl__yfail(&c->r, v,
                       "duplicate variant id \"%s\" of red line \"%s\" "
                       "(first at line %d)",
                       ids[k], rid, list->items[j]->line);
    if (!rc && !strcmp(ids[k], rid))
      rc = pl__yfail(&c->r, v,
                     "variant id \"%s\" repeats the id of its red line",
                     ids[k]);
  }
  /* who relaxes what */
  for (size_t k = 0; k < n && !rc; k++) {
    const pl__ynode *it = list->items[k];
    parent[k] = (long)k - 1;
    if ((v = pl__ymap_get(it, "relaxes"))) {
      const char *to;
      if ((rc = pl__yget_id(&c->r, v, "\"relaxes\"", &to))) break;
      parent[k] = -2;
      if (!strcmp(to, rid)) parent[k] = -1;
      for (size_t j = 0; j < n; j++)
        if (!strcmp(ids[j], to)) parent[k] = (long)j;
      if (parent[k] == -2) {
        rc = pl__yfail(&c->r, v,
                       "variant \"%s\" relaxes \"%s\", which is neither "
                       "red line \"%s\" nor one of its variants",
                       ids[k], to, rid);
        break;
      }
      if (parent[k] == (long)k) {
        rc = pl__yfail(&c->r, v, "variant \"%s\" relaxes itself", ids[k]);
        break;
      }
    }
    size_t at = parent[k] < 0 ? n : (size_t)parent[k];
    if (child[at] >= 0) {
      rc = pl__yfail(&c->r, it,
                     "variants \"%s\" and \"%s\" both relax \"%s\": the "
                     "variants of a red line form one chain, each relaxing "
                     "the one before",
                     ids[child[at]], ids[k], at == n ? rid : ids[at]);
      break;
    }
    child[at] = (long)k;
  }
  /* follow the chain from the red line; variants it misses form cycles */
  size_t reached = 0;
  for (long k = child[n]; !rc && k >= 0 && reached <= n; k = child[k]) {
    const pl__ynode *it = list->items[k], *rule;
    double cost;
    pl_expr *e;
    const char *desc = "";
    reached++;
    if ((v = pl__ymap_get(it, "description")) &&
        (rc = pl__yget_string(&c->r, v, "description", &desc)))
      break;
    if ((rc = pl__yneed(&c->r, it, "cost", "variant", &v)) ||
        (rc = get_cost(c, v, "\"cost\"", &cost)) ||
        (rc = pl__yneed(&c->r, it, "rule", "variant", &rule)) ||
        (rc = parse_rule(c, rule, 0, &e)))
      break;
    const pl__ynode *costn = v;
    int w = pl_scenario_add_variant(c->s, r, ids[k], desc, cost, e, c->r.err);
    if (w < 0)
      rc = relay(c, strstr(c->r.err->message, " costs ") ? costn : rule, w);
  }
  if (!rc && reached < n) {
    size_t k = 0;
    while (k < n) { /* the first variant not reached */
      bool on = false;
      for (long j = child[n]; j >= 0; j = child[j]) on |= (size_t)j == k;
      if (!on) break;
      k++;
    }
    const pl__ynode *rel = pl__ymap_get(list->items[k], "relaxes");
    rc = pl__yfail(&c->r, rel ? rel : list->items[k],
                   "variant \"%s\" of red line \"%s\" is on a cycle of "
                   "variants (each relaxes another, none the red line)",
                   ids[k], rid);
  }
  if (!rc && has_drop &&
      (rc = pl_scenario_set_drop_cost(c->s, r, drop, c->r.err)) < 0)
    rc = relay(c, pl__ymap_get(nd, "drop_cost"), rc);
done:
  pl__free(ids);
  pl__free(parent);
  pl__free(child);
  return rc < 0 ? rc : PL_OK;
}

static int parse_red_lines(ctx *c, int p, const pl__ynode *list) {
  int rc = pl__yexpect(&c->r, list, PL__Y_SEQ, "\"red_lines\"");
  for (size_t k = 0; k < list->n && !rc; k++) {
    static const char *const keys[] = {"id",        "description", "rule",
                                       "linked",    "drop_cost",   "variants",
                                       NULL};
    const pl__ynode *nd = list->items[k], *v, *rule, *linked;
    const char *id, *desc = "";
    if ((rc = pl__yexpect(&c->r, nd, PL__Y_MAP, "a red line")) ||
        (rc = pl__ycheck_keys(&c->r, nd, "red line", keys)) ||
        (rc = pl__yneed(&c->r, nd, "id", "red line", &v)) ||
        (rc = pl__yget_id(&c->r, v, "red line id", &id)))
      break;
    /* this party's red lines so far came from list->items[0..k-1] */
    for (size_t j = 0; j < k; j++)
      if (!strcmp(pl__ymap_get(list->items[j], "id")->text, id))
        return pl__yfail(&c->r, v,
                    "duplicate red line id \"%s\" for party \"%s\" (first "
                    "at line %d)",
                    id, c->s->parties[p].id, list->items[j]->line);
    if (c->s->n_red_lines >= PL__YAML_MAX_RED_LINES)
      return pl__err_at(c->r.err, PL_ETOOBIG, c->r.file, nd->line, nd->col,
                        "more than %d red lines; at most %d are supported",
                        PL__YAML_MAX_RED_LINES, PL__YAML_MAX_RED_LINES);
    if ((v = pl__ymap_get(nd, "description")) &&
        (rc = pl__yget_string(&c->r, v, "description", &desc)))
      break;
    rule = pl__ymap_get(nd, "rule");
    linked = pl__ymap_get(nd, "linked");
    if (!rule == !linked) {
      rc = pl__yfail(&c->r, nd,
                "red line \"%s\" needs exactly one of \"rule\" or \"linked\"",
                id);
      break;
    }
    if (rule) {
      /* refused by pl_scenario_finish anyway: say so before the work */
      if (c->constraints >= PL__MAX_CONSTRAINTS)
        return pl__err_at(c->r.err, PL_ETOOBIG, c->r.file, nd->line, nd->col,
                          "more than %d red lines (rules) and positive "
                          "reservation values; at most %d are supported",
                          PL__MAX_CONSTRAINTS, PL__MAX_CONSTRAINTS);
      pl_expr *e;
      if ((rc = parse_rule(c, rule, 0, &e))) break;
      int r = pl_scenario_add_red_line(c->s, p, id, desc, e, c->r.err);
      rc = r < 0 ? relay(c, rule, r) : PL_OK;
      c->constraints++;
      if (!rc) rc = parse_concessions(c, r, nd);
      continue;
    }
    const pl__ynode *extra = pl__ymap_get(nd, "variants");
    if (!extra) extra = pl__ymap_get(nd, "drop_cost");
    if (extra) {
      rc = pl__yfail(&c->r, extra,
                     "red line \"%s\" is a linkage: only rules have "
                     "variants and drop costs",
                     id);
      break;
    }
    if (linked->kind == PL__Y_SCALAR && !strcmp(linked->text, "all")) {
      int r = pl_scenario_add_linkage(c->s, p, id, desc, 0, NULL, c->r.err);
      rc = r < 0 ? relay(c, linked, r) : PL_OK;
      continue;
    }
    if (linked->kind != PL__Y_SEQ) {
      rc = pl__yfail(&c->r, linked, "expected \"all\" or a list of issues for \"linked\"");
      break;
    }
    if (linked->n < 2) {
      rc = pl__yfail(&c->r, linked, "\"linked\" needs at least two issues, or \"all\"");
      break;
    }
    int *is = pl__malloc(linked->n * sizeof *is);
    if (!is) return pl__err(c->r.err, PL_ENOMEM, "out of memory");
    for (size_t j = 0; j < linked->n && !rc; j++)
      rc = issue_ref(c, linked->items[j], &is[j]);
    if (!rc) {
      int r = pl_scenario_add_linkage(c->s, p, id, desc, linked->n, is, c->r.err);
      rc = r < 0 ? relay(c, linked, r) : PL_OK;
    }
    pl__free(is);
  }
  return rc < 0 ? rc : PL_OK;
}

/* rectangles: [{utility: u, where: {issue: [lo, hi] | option}}, ...] */
static int parse_rectangles(ctx *c, int p, const pl__ynode *nd) {
  const pl__ynode *list = pl__ymap_get(nd, "rectangles"), *mx;
  double maxu;
  int rc;
  if ((rc = pl__yneed(&c->r, nd, "max_utility", "a party with rectangles", &mx)) ||
      (rc = pl__yget_number(&c->r, mx, "\"max_utility\"", &maxu)))
    return rc;
  if ((rc = pl_scenario_set_rectangles(c->s, p, maxu, c->r.err)) < 0)
    return relay(c, mx, rc);
  if ((rc = pl__yexpect(&c->r, list, PL__Y_SEQ, "\"rectangles\"")))
    return rc;
  int *is = pl__malloc((size_t)c->s->n_issues * sizeof *is);
  uint32_t *lo = pl__malloc((size_t)c->s->n_issues * sizeof *lo);
  uint32_t *hi = pl__malloc((size_t)c->s->n_issues * sizeof *hi);
  if (!is || !lo || !hi) rc = pl__err(c->r.err, PL_ENOMEM, "out of memory");
  for (size_t k = 0; k < list->n && !rc; k++) {
    static const char *const keys[] = {"utility", "where", NULL};
    const pl__ynode *r = list->items[k], *u, *w;
    double util;
    if ((rc = pl__yexpect(&c->r, r, PL__Y_MAP, "a rectangle")) ||
        (rc = pl__ycheck_keys(&c->r, r, "rectangle", keys)) ||
        (rc = pl__yneed(&c->r, r, "utility", "rectangle", &u)) ||
        (rc = pl__yget_number(&c->r, u, "\"utility\"", &util)))
      break;
    size_t n = 0;
    if ((w = pl__ymap_get(r, "where"))) {
      if ((rc = pl__yexpect(&c->r, w, PL__Y_MAP, "\"where\""))) break;
      for (size_t j = 0; j < w->n && !rc; j++, n++) {
        const pl__ynode *b = w->items[2 * j + 1];
        if ((rc = issue_ref(c, w->items[2 * j], &is[n]))) break;
        if (b->kind == PL__Y_SEQ && b->n == 2) {
          if (!(rc = option_ref(c, b->items[0], is[n], &lo[n])) &&
              !(rc = option_ref(c, b->items[1], is[n], &hi[n])) &&
              lo[n] > hi[n])
            rc = pl__yfail(&c->r, b, "the first bound comes after the second in the "
                            "options of issue \"%s\"",
                      c->s->issues[is[n]].id);
        } else if (b->kind == PL__Y_SCALAR) {
          if (!(rc = option_ref(c, b, is[n], &lo[n]))) hi[n] = lo[n];
        } else {
          rc = pl__yfail(&c->r, b, "expected an option or [first, last] options, "
                          "found %s",
                    pl__ykind_name(b));
        }
      }
    }
    if (!rc && (rc = pl_scenario_add_rectangle(c->s, p, util, n, is, lo, hi,
                                               c->r.err)) < 0)
      rc = relay(c, r, rc);
  }
  pl__free(is);
  pl__free(lo);
  pl__free(hi);
  return rc;
}

/* The additive utility: weights and values. */
static int parse_additive(ctx *c, int p, const pl__ynode *nd) {
  const pl__ynode *v, *w;
  const char *id = c->s->parties[p].id;
  int rc;
  char where[300];
  snprintf(where, sizeof where, "party \"%s\"", id);
  if ((rc = pl__yneed(&c->r, nd, "weights", where, &w)) ||
      (rc = pl__yexpect(&c->r, w, PL__Y_MAP, "\"weights\"")))
    return rc;
  int *wi = pl__malloc((w->n ? w->n : 1) * sizeof *wi);
  bool *valued = pl__calloc((size_t)c->s->n_issues, sizeof *valued);
  if (!wi || !valued) rc = pl__err(c->r.err, PL_ENOMEM, "out of memory");
  double sum = 0;
  for (size_t k = 0; k < w->n && !rc; k++) {
    double x;
    const pl__ynode *wv = w->items[2 * k + 1];
    if ((rc = issue_ref(c, w->items[2 * k], &wi[k])) ||
        (rc = pl__yget_number(&c->r, wv, "a weight", &x)))
      break;
    if (!(x >= 0))
      rc = pl__yfail(&c->r, wv,
                "weight %g of issue \"%s\" is negative; weights are "
                "non-negative",
                x, c->s->issues[wi[k]].id);
    else if ((rc = pl_scenario_set_weight(c->s, p, wi[k], x, c->r.err)) < 0)
      rc = relay(c, wv, rc);
    sum += x;
  }
  if (!rc && !(sum > 0) &&
      c->s->parties[p].weighting == PL_WEIGHTS_NORMALISED)
    rc = pl__yfail(&c->r, w,
              "party \"%s\" gives every issue weight 0: give at least one "
              "issue a positive weight",
              id);
  if (!rc && (v = pl__ymap_get(nd, "values")))
    rc = parse_values(c, p, v, valued);
  /* An issue that matters to a party must be valued by it. */
  for (size_t k = 0; k < w->n && !rc; k++)
    if (c->s->parties[p].weight[wi[k]] > 0 && !valued[wi[k]])
      rc = pl__yfail(&c->r, w->items[2 * k],
                "party \"%s\" weighs issue \"%s\" but gives it no values",
                id, c->s->issues[wi[k]].id);
  pl__free(wi);
  pl__free(valued);
  return rc;
}

static int parse_party(ctx *c, const pl__ynode *parties, size_t index) {
  const pl__ynode *nd = parties->items[index];
  static const char *const keys[] = {
      "id",        "name",       "reservation", "reservation_outcome",
      "weighting", "discount",   "status_quo",  "weights",
      "values",    "rectangles", "max_utility", "red_lines",
      "reservation_cost", NULL};
  const pl__ynode *v;
  const char *id, *name = NULL;
  double rv = 0;
  int rc;
  if ((rc = pl__yexpect(&c->r, nd, PL__Y_MAP, "a party")) ||
      (rc = pl__ycheck_keys(&c->r, nd, "party", keys)) ||
      (rc = pl__yneed(&c->r, nd, "id", "party", &v)) ||
      (rc = pl__yget_id(&c->r, v, "party id", &id)))
    return rc;
  int j = pl_scenario_find_party(c->s, id);
  if (j >= 0) /* party j came from parties->items[j] */
    return pl__yfail(&c->r, v, "duplicate party id \"%s\" (first at line %d)", id,
                parties->items[j]->line);
  if ((v = pl__ymap_get(nd, "name")) &&
      (rc = pl__yget_string(&c->r, v, "party name", &name)))
    return rc;
  if ((v = pl__ymap_get(nd, "reservation"))) {
    if ((rc = pl__yget_number(&c->r, v, "\"reservation\"", &rv))) return rc;
    if (!(rv >= 0 && rv <= 1))
      return pl__yfail(&c->r, v, "reservation value %g of party \"%s\" is outside [0,1]",
                  rv, id);
  }
  /* every party adds a row per option to the utility table */
  if ((uint64_t)(c->s->n_parties + 1) * c->options > PL__YAML_MAX_CELLS)
    return pl__err_at(c->r.err, PL_ETOOBIG, c->r.file, nd->line, nd->col,
                      "too large: %d parties times %llu options of all "
                      "issues is more than %u; use fewer parties or coarser "
                      "numeric issues",
                      c->s->n_parties + 1, (unsigned long long)c->options,
                      PL__YAML_MAX_CELLS);
  int p = pl_scenario_add_party(c->s, id, name, rv, c->r.err);
  if (p < 0) return relay(c, nd, p);
  c->constraints += rv > 0;
  if ((v = pl__ymap_get(nd, "weighting"))) {
    const char *wt;
    if ((rc = pl__yget_string(&c->r, v, "\"weighting\"", &wt))) return rc;
    if (strcmp(wt, "normalised") && strcmp(wt, "as_given"))
      return pl__yfail(&c->r, v, "unknown weighting \"%s\"; expected normalised or "
                        "as_given",
                  wt);
    pl_scenario_set_weighting(c->s, p,
                              wt[0] == 'a' ? PL_WEIGHTS_AS_GIVEN
                                           : PL_WEIGHTS_NORMALISED,
                              c->r.err);
  }
  if ((v = pl__ymap_get(nd, "discount"))) {
    double d;
    if ((rc = pl__yget_number(&c->r, v, "\"discount\"", &d))) return rc;
    if ((rc = pl_scenario_set_discount(c->s, p, d, c->r.err)) < 0)
      return relay(c, v, rc);
  }
  if (pl__ymap_get(nd, "rectangles")) {
    const pl__ynode *extra = pl__ymap_get(nd, "weights");
    if (!extra) extra = pl__ymap_get(nd, "values");
    if (extra)
      return pl__yfail(&c->r, extra,
                  "party \"%s\" has rectangles: its utility takes no weights "
                  "or values",
                  id);
    rc = parse_rectangles(c, p, nd);
  } else if (pl__ymap_get(nd, "max_utility")) {
    return pl__yfail(&c->r, pl__ymap_get(nd, "max_utility"),
                "\"max_utility\" goes with \"rectangles\"");
  } else {
    rc = parse_additive(c, p, nd);
  }
  if (rc) return rc;
  if ((v = pl__ymap_get(nd, "reservation_outcome"))) {
    if (pl__ymap_get(nd, "reservation"))
      return pl__yfail(&c->r, v,
                  "party \"%s\" has both \"reservation\" and "
                  "\"reservation_outcome\"; give one",
                  id);
    uint32_t *o = pl__malloc((size_t)c->s->n_issues * sizeof *o);
    if (!o) return pl__err(c->r.err, PL_ENOMEM, "out of memory");
    rc = parse_outcome(c, v, "\"reservation_outcome\"", o);
    if (!rc && (rc = pl_scenario_set_reservation_outcome(c->s, p, o,
                                                         c->r.err)) < 0)
      rc = relay(c, v, rc);
    pl__free(o);
    if (rc) return rc;
    c->constraints++;
  }
  if ((v = pl__ymap_get(nd, "status_quo")) && (rc = set_status_quo(c, p, v)))
    return rc;
  if ((v = pl__ymap_get(nd, "reservation_cost"))) {
    double cost;
    if ((rc = get_cost(c, v, "\"reservation_cost\"", &cost))) return rc;
    if ((rc = pl_scenario_set_reservation_cost(c->s, p, cost, c->r.err)) < 0)
      return relay(c, v, rc);
  }
  if ((v = pl__ymap_get(nd, "red_lines")) && (rc = parse_red_lines(c, p, v)))
    return rc;
  return PL_OK;
}

static int parse_scenario(ctx *c, const pl__ynode *root) {
  static const char *const keys[] = {"scenario",   "title",   "description",
                                     "issues",     "parties", "status_quo",
                                     NULL};
  const pl__ynode *v, *parties, *issues;
  const char *title = "", *desc = "";
  int rc;
  if (!root)
    return pl__yfail(&c->r, NULL,
                "%s: expected a scenario mapping with \"issues\" and "
                "\"parties\"",
                c->len ? "no YAML document in the file" : "empty file");
  if ((rc = pl__yexpect(&c->r, root, PL__Y_MAP, "the scenario")) ||
      (rc = pl__ycheck_keys(&c->r, root, "scenario", keys)))
    return rc;
  if ((v = pl__ymap_get(root, "scenario"))) {
    const char *id;
    if ((rc = pl__yget_id(&c->r, v, "scenario id", &id))) return rc;
    char *copy = pl__strdup(id);
    if (!copy) return pl__err(c->r.err, PL_ENOMEM, "out of memory");
    pl__free(c->s->id);
    c->s->id = copy;
  }
  if ((v = pl__ymap_get(root, "title")) &&
      (rc = pl__yget_string(&c->r, v, "\"title\"", &title)))
    return rc;
  if ((v = pl__ymap_get(root, "description")) &&
      (rc = pl__yget_string(&c->r, v, "\"description\"", &desc)))
    return rc;
  if ((rc = pl_scenario_set_text(c->s, title, desc, c->r.err))) return rc;
  if ((rc = pl__yneed(&c->r, root, "issues", "scenario", &issues)) ||
      (rc = parse_issues(c, issues)))
    return rc;
  if ((v = pl__ymap_get(root, "status_quo")) && (rc = set_status_quo(c, -1, v)))
    return rc;
  if ((rc = pl__yneed(&c->r, root, "parties", "scenario", &parties)) ||
      (rc = pl__yexpect(&c->r, parties, PL__Y_SEQ, "\"parties\"")))
    return rc;
  if (parties->n == 0)
    return pl__yfail(&c->r, parties, "\"parties\" is empty: list at least one party");
  for (size_t k = 0; k < parties->n; k++)
    if ((rc = parse_party(c, parties, k))) return rc;
  if ((rc = pl_scenario_finish(c->s, c->r.err)) < 0) return relay(c, root, rc);
  return PL_OK;
}

int pl_scenario_load_yaml(const char *text, size_t len, const char *name,
                          pl_scenario **out, pl_error *err) {
  pl_error local;
  if (!err) err = &local;
  *out = NULL;
  if (!name) name = "<memory>";
  pl__ydoc doc;
  int rc = pl__yaml_parse(text, len, name, &doc, err);
  if (rc) return rc;
  ctx c = {.r = {name, err}, .len = len, .s = pl_scenario_new("scenario")};
  if (!c.s) {
    rc = pl__err(err, PL_ENOMEM, "out of memory");
  } else {
    rc = parse_scenario(&c, doc.root);
  }
  pl__yaml_free(&doc);
  pl__free(c.issue_ix);
  if (rc) {
    pl_scenario_free(c.s);
    return rc;
  }
  *out = c.s;
  return PL_OK;
}
