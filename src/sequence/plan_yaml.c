/* The YAML plan format (docs/sequence-format.md): the node tree of
 * io/yaml_tree.c to a pl_plan. Every error names the node it comes from,
 * as file:line:col. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/formats.h"
#include "io/yaml_read.h"
#include "sequence/plan_internal.h"

typedef struct ctx {
  pl__yreader r; /* the file and the error to fill */
  size_t len;
  pl_plan *p;
  pl__idref *step_ix; /* steps sorted by id, once all are read */
  const pl__ynode **step_node;   /* the mapping of each step */
  const pl__ynode **after_node;  /* each step's "after" list, or NULL */
} ctx;

static int too_big(ctx *c, const pl__ynode *n, const char *what, int limit) {
  return pl__err_at(c->r.err, PL_ETOOBIG, c->r.file, n->line, n->col,
                    "more than %d %s; at most %d are supported", limit, what,
                    limit);
}

static int nomem(ctx *c) { return pl__err(c->r.err, PL_ENOMEM, "out of memory"); }

/* A finite number of at most PL__PLAN_MAX_NUMBER in magnitude. */
static int get_number(ctx *c, const pl__ynode *n, const char *what,
                      double *out) {
  int rc = pl__yget_number(&c->r, n, what, out);
  if (!rc && fabs(*out) > PL__PLAN_MAX_NUMBER)
    return pl__yfail(&c->r, n, "%s is too large: %g; at most %g in magnitude",
                     what, *out, PL__PLAN_MAX_NUMBER);
  if (*out == 0) *out = 0; /* no -0 in reports */
  return rc;
}

static int copy(ctx *c, const char *s, char **out) {
  if (!(*out = pl__strdup(s ? s : ""))) return nomem(c);
  return PL_OK;
}

/* ------------------------------------------------------------------ */
/* parties                                                             */
/* ------------------------------------------------------------------ */

static int party_ref(ctx *c, const pl__ynode *n, const char *what, int *out) {
  const char *id;
  int rc = pl__yget_id(&c->r, n, what, &id);
  if (rc) return rc;
  if ((*out = pl_plan_find_party(c->p, id)) < 0)
    return pl__yfail(&c->r, n, "unknown party \"%s\" in %s", id, what);
  return PL_OK;
}

static int parse_parties(ctx *c, const pl__ynode *list) {
  int rc = pl__yexpect(&c->r, list, PL__Y_SEQ, "\"parties\"");
  if (rc) return rc;
  if (list->n == 0)
    return pl__yfail(&c->r, list, "\"parties\" is empty: list at least one party");
  if (list->n > PL__PLAN_MAX_PARTIES)
    return too_big(c, list->items[PL__PLAN_MAX_PARTIES], "parties",
                   PL__PLAN_MAX_PARTIES);
  if (!(c->p->parties = pl__calloc(list->n, sizeof *c->p->parties)))
    return nomem(c);
  for (size_t k = 0; k < list->n; k++) {
    static const char *const keys[] = {"id", "name", "defection_cost",
                                       "demands", NULL};
    const pl__ynode *nd = list->items[k], *v;
    const char *id, *name;
    pl__plan_party *pt = &c->p->parties[k];
    if ((rc = pl__yexpect(&c->r, nd, PL__Y_MAP, "a party")) ||
        (rc = pl__ycheck_keys(&c->r, nd, "party", keys)) ||
        (rc = pl__yneed(&c->r, nd, "id", "party", &v)) ||
        (rc = pl__yget_id(&c->r, v, "party id", &id)))
      return rc;
    int j = pl_plan_find_party(c->p, id);
    if (j >= 0)
      return pl__yfail(&c->r, v, "duplicate party id \"%s\" (first at line %d)", id,
                  list->items[j]->line);
    name = id;
    if ((v = pl__ymap_get(nd, "name")) &&
        (rc = pl__yget_string(&c->r, v, "party name", &name)))
      return rc;
    c->p->np++; /* counted first, so that pl_plan_free frees the copies */
    if ((rc = copy(c, id, &pt->id)) || (rc = copy(c, name, &pt->name)))
      return rc;
    if ((v = pl__ymap_get(nd, "defection_cost"))) {
      if ((rc = get_number(c, v, "\"defection_cost\"", &pt->defection_cost)))
        return rc;
      if (pt->defection_cost < 0)
        return pl__yfail(&c->r, v,
                    "defection cost %g of party \"%s\" is negative: it is "
                    "what walking away costs the party, 0 or more",
                    pt->defection_cost, id);
    }
  }
  return PL_OK;
}

/* ------------------------------------------------------------------ */
/* steps                                                               */
/* ------------------------------------------------------------------ */

static int step_ref(ctx *c, const pl__ynode *n, const char *what, int *out) {
  const char *id;
  int rc = pl__yget_id(&c->r, n, what, &id);
  if (rc) return rc;
  ptrdiff_t k = pl__idref_find(c->step_ix, (size_t)c->p->ns, id);
  if (k >= 0) {
    *out = (int)k;
    return PL_OK;
  }
  return pl__yfail(&c->r, n, "unknown step \"%s\" in %s", id, what);
}

static int parse_gains(ctx *c, int s, const pl__ynode *nd) {
  pl_plan *p = c->p;
  double *g = p->gain + (size_t)s * (size_t)p->np;
  const pl__ynode *gains = pl__ymap_get(nd, "gains");
  const pl__ynode *cost = pl__ymap_get(nd, "cost");
  const pl__ynode *value = pl__ymap_get(nd, "value");
  const char *id = p->steps[s].id;
  int rc;
  if (gains && (cost || value))
    return pl__yfail(&c->r, cost ? cost : value,
                "step \"%s\" has \"gains\": give either gains or the "
                "shorthand cost/value, not both",
                id);
  if (gains) {
    if ((rc = pl__yexpect(&c->r, gains, PL__Y_MAP, "\"gains\""))) return rc;
    for (size_t k = 0; k < gains->n; k++) {
      int party;
      double x;
      char what[300];
      snprintf(what, sizeof what, "the gains of step \"%s\"", id);
      if ((rc = party_ref(c, gains->items[2 * k], what, &party)))
        return rc;
      snprintf(what, sizeof what, "the gain of party \"%s\" in step \"%s\"",
               p->parties[party].id, id);
      if ((rc = get_number(c, gains->items[2 * k + 1], what, &x))) return rc;
      g[party] = x;
    }
    return PL_OK;
  }
  if (!cost && !value) return PL_OK; /* a step nobody gains or loses by */
  int by = p->steps[s].by;
  if (by < 0)
    return pl__yfail(&c->r, cost ? cost : value,
                "step \"%s\" has %s but no \"by\": say which party performs "
                "it",
                id, cost ? "a cost" : "a value");
  double x;
  if (cost) {
    if ((rc = get_number(c, cost, "\"cost\"", &x))) return rc;
    g[by] = x == 0 ? 0 : -x;
  }
  if (value) {
    if ((rc = get_number(c, value, "\"value\"", &x))) return rc;
    if (p->np < 2)
      return pl__yfail(&c->r, value,
                  "step \"%s\" has a value for the other side, but the plan "
                  "has one party",
                  id);
    for (int q = 0; q < p->np; q++)
      if (q != by) g[q] = x;
  }
  return PL_OK;
}

static int parse_steps(ctx *c, const pl__ynode *list) {
  pl_plan *p = c->p;
  int rc = pl__yexpect(&c->r, list, PL__Y_SEQ, "\"steps\"");
  if (rc) return rc;
  if (list->n == 0)
    return pl__yfail(&c->r, list, "\"steps\" is empty: list at least one step");
  if (list->n > PL__PLAN_MAX_STEPS)
    return too_big(c, list->items[PL__PLAN_MAX_STEPS], "steps",
                   PL__PLAN_MAX_STEPS);
  size_t n = list->n;
  p->steps = pl__calloc(n, sizeof *p->steps);
  p->gain = pl__calloc(n * (size_t)p->np, sizeof *p->gain);
  c->step_ix = pl__calloc(n, sizeof *c->step_ix);
  c->step_node = pl__calloc(n, sizeof *c->step_node);
  c->after_node = pl__calloc(n, sizeof *c->after_node);
  if (!p->steps || !p->gain || !c->step_ix || !c->step_node || !c->after_node)
    return nomem(c);
  /* ids first: prerequisites may name later steps */
  for (size_t k = 0; k < n; k++) {
    static const char *const keys[] = {"id",    "description", "by",
                                       "gains", "cost",        "value",
                                       "after", "tranches",    NULL};
    const pl__ynode *nd = list->items[k], *v;
    const char *id, *desc = "";
    pl__plan_step *st = &p->steps[k];
    if ((rc = pl__yexpect(&c->r, nd, PL__Y_MAP, "a step")) ||
        (rc = pl__ycheck_keys(&c->r, nd, "step", keys)) ||
        (rc = pl__yneed(&c->r, nd, "id", "step", &v)) ||
        (rc = pl__yget_id(&c->r, v, "step id", &id)))
      return rc;
    for (size_t j = 0; j < k; j++)
      if (!strcmp(p->steps[j].id, id))
        return pl__yfail(&c->r, v, "duplicate step id \"%s\" (first at line %d)", id,
                    list->items[j]->line);
    if ((v = pl__ymap_get(nd, "description")) &&
        (rc = pl__yget_string(&c->r, v, "step description", &desc)))
      return rc;
    p->ns++; /* counted first, so that pl_plan_free frees the copies */
    st->by = -1;
    st->tranches = 1;
    if ((rc = copy(c, id, &st->id)) || (rc = copy(c, desc, &st->description)))
      return rc;
    c->step_ix[k] = (pl__idref){st->id, k};
    c->step_node[k] = nd;
  }
  pl__idref_sort(c->step_ix, n);
  for (size_t k = 0; k < n; k++) {
    const pl__ynode *nd = list->items[k], *v;
    pl__plan_step *st = &p->steps[k];
    if ((v = pl__ymap_get(nd, "by"))) {
      char what[300];
      snprintf(what, sizeof what, "\"by\" of step \"%s\"", st->id);
      if ((rc = party_ref(c, v, what, &st->by))) return rc;
    }
    if ((rc = parse_gains(c, (int)k, nd))) return rc;
    if ((v = pl__ymap_get(nd, "tranches"))) {
      int64_t t;
      if ((rc = pl__yget_integer_in(&c->r, v, "\"tranches\"", 1, PL__PLAN_MAX_TRANCHES,
                            &t)))
        return rc;
      st->tranches = (int)t;
    }
    if ((v = pl__ymap_get(nd, "after"))) {
      char what[300];
      snprintf(what, sizeof what, "\"after\" of step \"%s\"", st->id);
      c->after_node[k] = v;
      if (v->kind == PL__Y_SCALAR) {
        if (!(st->after = pl__malloc(sizeof *st->after))) return nomem(c);
        if ((rc = step_ref(c, v, what, &st->after[0]))) return rc;
        st->n_after = 1;
      } else {
        if ((rc = pl__yexpect(&c->r, v, PL__Y_SEQ, what))) return rc;
        if (v->n > n)
          return pl__yfail(&c->r, v, "step \"%s\" lists %zu prerequisites; there are "
                            "%zu steps",
                      st->id, v->n, n);
        if (!(st->after = pl__malloc((v->n ? v->n : 1) * sizeof *st->after)))
          return nomem(c);
        for (size_t j = 0; j < v->n; j++, st->n_after++)
          if ((rc = step_ref(c, v->items[j], what, &st->after[j]))) return rc;
      }
      for (size_t j = 0; j < st->n_after; j++) {
        const pl__ynode *at = v->kind == PL__Y_SEQ ? v->items[j] : v;
        if (st->after[j] == (int)k)
          return pl__yfail(&c->r, at, "step \"%s\" cannot come after itself",
                      st->id);
        for (size_t i = 0; i < j; i++)
          if (st->after[i] == st->after[j])
            return pl__yfail(&c->r, at, "step \"%s\" is listed twice in %s",
                        p->steps[st->after[j]].id, what);
      }
    }
  }
  return PL_OK;
}

/* Prerequisites must leave some order: a cycle is reported at the "after"
 * entry that closes it, with the whole cycle in the message. */
static int check_cycles(ctx *c) {
  pl_plan *p = c->p;
  int n = p->ns, rc = PL_OK;
  /* iterative depth-first search; colour 0 new, 1 on the path, 2 done */
  unsigned char *colour = pl__calloc((size_t)n, 1);
  int *stack = pl__malloc((size_t)n * sizeof *stack);
  size_t *next = pl__calloc((size_t)n, sizeof *next);
  if (!colour || !stack || !next) rc = nomem(c);
  for (int root = 0; root < n && !rc; root++) {
    if (colour[root]) continue;
    int depth = 0;
    stack[depth++] = root;
    colour[root] = 1;
    while (depth && !rc) {
      int u = stack[depth - 1];
      if (next[u] == p->steps[u].n_after) {
        colour[u] = 2;
        depth--;
        continue;
      }
      size_t j = next[u]++;
      int v = p->steps[u].after[j];
      if (colour[v] == 0) {
        colour[v] = 1;
        stack[depth++] = v;
      } else if (colour[v] == 1) {
        /* stack from v to u, then back to v */
        char msg[900] = "";
        size_t len = 0;
        int from = 0;
        while (stack[from] != v) from++;
        for (int i = from; i < depth && len < sizeof msg; i++)
          len += (size_t)snprintf(msg + len, sizeof msg - len, "%s after ",
                                  p->steps[stack[i]].id);
        if (len < sizeof msg)
          snprintf(msg + len, sizeof msg - len, "%s", p->steps[v].id);
        const pl__ynode *an = c->after_node[u];
        rc = pl__yfail(&c->r, an->kind == PL__Y_SEQ ? an->items[j] : an,
                  "the prerequisites form a cycle: %s", msg);
      }
    }
  }
  pl__free(colour);
  pl__free(stack);
  pl__free(next);
  return rc;
}

/* ------------------------------------------------------------------ */
/* demands                                                             */
/* ------------------------------------------------------------------ */

static int parse_demand(ctx *c, int party, const pl__ynode *nd, int index) {
  static const char *const keys[] = {"id",    "description", "step",
                                     "before", "after",      "first",
                                     "last",  "hard",        "weight",
                                     NULL};
  pl_plan *p = c->p;
  const char *pid = p->parties[party].id;
  const pl__ynode *v;
  int rc;
  if ((rc = pl__yexpect(&c->r, nd, PL__Y_MAP, "a demand")) ||
      (rc = pl__ycheck_keys(&c->r, nd, "demand", keys)))
    return rc;
  pl__plan_demand *d = &p->demands[p->nd];
  d->party = party;
  /* counted now, so that pl_plan_free releases what is filled in */
  p->nd++;
  char defid[64];
  const char *id = defid, *desc = "";
  snprintf(defid, sizeof defid, "%.40s-%d", pid, index + 1);
  if ((v = pl__ymap_get(nd, "id")) && (rc = pl__yget_id(&c->r, v, "demand id", &id)))
    return rc;
  for (int k = 0; k < p->nd - 1; k++)
    if (p->demands[k].party == party && !strcmp(p->demands[k].id, id))
      return pl__yfail(&c->r, v ? v : nd,
                  "duplicate demand id \"%s\" for party \"%s\"", id, pid);
  if ((v = pl__ymap_get(nd, "description")) &&
      (rc = pl__yget_string(&c->r, v, "demand description", &desc)))
    return rc;
  if ((rc = copy(c, id, &d->id)) || (rc = copy(c, desc, &d->description)))
    return rc;
  char what[300];
  snprintf(what, sizeof what, "\"step\" of demand \"%s\"", d->id);
  if ((rc = pl__yneed(&c->r, nd, "step", "demand", &v)) ||
      (rc = step_ref(c, v, what, &d->step)))
    return rc;
  static const char *const kinds[] = {"before", "after", "first", "last"};
  const pl__ynode *kn = NULL;
  for (int k = 0; k < 4; k++) {
    const pl__ynode *x = pl__ymap_get(nd, kinds[k]);
    if (!x) continue;
    if (kn)
      return pl__yfail(&c->r, x,
                  "demand \"%s\" of party \"%s\" has both \"%s\" and \"%s\": "
                  "give one of before, after, first, last",
                  d->id, pid, pl_demand_kind_name(d->kind), kinds[k]);
    kn = x;
    d->kind = (pl_demand_kind)k;
  }
  if (!kn)
    return pl__yfail(&c->r, nd,
                "demand \"%s\" of party \"%s\" says nothing about the order: "
                "give one of before, after, first, last",
                d->id, pid);
  if (d->kind == PL_DEMAND_FIRST || d->kind == PL_DEMAND_LAST) {
    bool yes;
    if ((rc = pl__yget_bool(&c->r, kn, kinds[d->kind], &yes))) return rc;
    if (!yes)
      return pl__yfail(&c->r, kn, "write \"%s: true\", or leave \"%s\" out",
                  kinds[d->kind], kinds[d->kind]);
  } else {
    snprintf(what, sizeof what, "\"%s\" of demand \"%s\"", kinds[d->kind],
             d->id);
    size_t m = kn->kind == PL__Y_SEQ ? kn->n : 1;
    if (kn->kind != PL__Y_SEQ && (rc = pl__yexpect(&c->r, kn, PL__Y_SCALAR, what)))
      return rc;
    if (m == 0)
      return pl__yfail(&c->r, kn, "%s is empty: name at least one step", what);
    if (m > (size_t)p->ns)
      return pl__yfail(&c->r, kn, "%s lists %zu steps; there are %d", what, m, p->ns);
    if (!(d->others = pl__malloc(m * sizeof *d->others))) return nomem(c);
    for (size_t j = 0; j < m; j++) {
      const pl__ynode *at = kn->kind == PL__Y_SEQ ? kn->items[j] : kn;
      if ((rc = step_ref(c, at, what, &d->others[j]))) return rc;
      d->n_others++;
      if (d->others[j] == d->step)
        return pl__yfail(&c->r, at, "step \"%s\" cannot come %s itself",
                    p->steps[d->step].id, kinds[d->kind]);
      for (size_t i = 0; i < j; i++)
        if (d->others[i] == d->others[j])
          return pl__yfail(&c->r, at, "step \"%s\" is listed twice in %s",
                      p->steps[d->others[j]].id, what);
    }
  }
  const pl__ynode *hard = pl__ymap_get(nd, "hard");
  const pl__ynode *weight = pl__ymap_get(nd, "weight");
  if (hard && (rc = pl__yget_bool(&c->r, hard, "\"hard\"", &d->hard))) return rc;
  if (d->hard && weight)
    return pl__yfail(&c->r, weight,
                "demand \"%s\" of party \"%s\" is hard: it takes no weight",
                d->id, pid);
  d->weight = d->hard ? 0 : 1;
  if (weight && (rc = pl__yget_integer_in(&c->r, weight, "\"weight\"", 1,
                                  PL__PLAN_MAX_WEIGHT, &d->weight)))
    return rc;
  return PL_OK;
}

static int parse_demands(ctx *c, const pl__ynode *parties) {
  pl_plan *p = c->p;
  size_t total = 0;
  int rc;
  for (int q = 0; q < p->np; q++) {
    const pl__ynode *v = pl__ymap_get(parties->items[q], "demands");
    if (!v) continue;
    if ((rc = pl__yexpect(&c->r, v, PL__Y_SEQ, "\"demands\""))) return rc;
    if (v->n > PL__PLAN_MAX_DEMANDS - total)
      return too_big(c, v->items[PL__PLAN_MAX_DEMANDS - total],
                     "demands in all", PL__PLAN_MAX_DEMANDS);
    total += v->n;
  }
  if (!(p->demands = pl__calloc(total ? total : 1, sizeof *p->demands)))
    return nomem(c);
  for (int q = 0; q < p->np; q++) {
    const pl__ynode *v = pl__ymap_get(parties->items[q], "demands");
    for (size_t k = 0; v && k < v->n; k++)
      if ((rc = parse_demand(c, q, v->items[k], (int)k))) return rc;
  }
  return PL_OK;
}

static int parse_plan(ctx *c, const pl__ynode *root) {
  static const char *const keys[] = {"plan",    "title", "description",
                                     "parties", "steps", NULL};
  const pl__ynode *v, *parties, *steps;
  const char *id = "plan", *title = "", *desc = "";
  int rc;
  if (!root)
    return pl__yfail(&c->r, NULL,
                "%s: expected a plan mapping with \"parties\" and \"steps\"",
                c->len ? "no YAML document in the file" : "empty file");
  if ((rc = pl__yexpect(&c->r, root, PL__Y_MAP, "the plan")) ||
      (rc = pl__ycheck_keys(&c->r, root, "plan", keys)))
    return rc;
  if ((v = pl__ymap_get(root, "plan")) && (rc = pl__yget_id(&c->r, v, "plan id", &id)))
    return rc;
  if ((v = pl__ymap_get(root, "title")) &&
      (rc = pl__yget_string(&c->r, v, "\"title\"", &title)))
    return rc;
  if ((v = pl__ymap_get(root, "description")) &&
      (rc = pl__yget_string(&c->r, v, "\"description\"", &desc)))
    return rc;
  if ((rc = copy(c, id, &c->p->id)) || (rc = copy(c, title, &c->p->title)) ||
      (rc = copy(c, desc, &c->p->description)))
    return rc;
  if ((rc = pl__yneed(&c->r, root, "parties", "plan", &parties)) ||
      (rc = parse_parties(c, parties)) ||
      (rc = pl__yneed(&c->r, root, "steps", "plan", &steps)) ||
      (rc = parse_steps(c, steps)) || (rc = check_cycles(c)))
    return rc;
  return parse_demands(c, parties);
}


int pl_plan_load_string(const char *text, size_t len, const char *name,
                        pl_plan **out, pl_error *err) {
  pl_error local;
  if (!err) err = &local;
  if (!out) return pl__err(err, PL_EINVAL, "no place for the plan");
  *out = NULL;
  if (!name) name = "<memory>";
  if (!text && len) return pl__err(err, PL_EINVAL, "no text");
  pl__ydoc doc;
  int rc = pl__yaml_parse(text ? text : "", len, name, &doc, err);
  if (rc) return rc;
  ctx c = {.r = {name, err}, .len = len, .p = pl__plan_new()};
  rc = c.p ? parse_plan(&c, doc.root) : nomem(&c);
  pl__yaml_free(&doc);
  pl__free(c.step_ix);
  pl__free(c.step_node);
  pl__free(c.after_node);
  if (rc) {
    pl_plan_free(c.p);
    return rc;
  }
  *out = c.p;
  return PL_OK;
}

int pl_plan_load(const char *path, pl_plan **out, pl_error *err) {
  pl_error local;
  if (!err) err = &local;
  if (!out) return pl__err(err, PL_EINVAL, "no place for the plan");
  *out = NULL;
  if (!path) return pl__err(err, PL_EINVAL, "no file name");
  char *text;
  size_t len;
  int rc = pl__read_file(path, PL__YAML_MAX_BYTES, &text, &len, err);
  if (rc) return rc;
  rc = pl_plan_load_string(text, len, strcmp(path, "-") ? path : PL__STDIN_NAME,
                           out, err);
  pl__free(text);
  return rc;
}
