/* pl_sequence_to_json: a sequencing result as one JSON object (schema in
 * docs/sequencing.md), built with jansson. */
#include <jansson.h>
#include <math.h>
#include <string.h>

#include "core/json_text.h"
#include "sequence/sequence_internal.h"

/* As in report/json.c: every failed insertion is recorded in *bad, so a
 * tree missing a part is never printed. */
static void put(json_t *obj, const char *key, json_t *v, int *bad) {
  if (json_object_set_new(obj, key, v)) *bad = 1;
}
static void push(json_t *arr, json_t *v, int *bad) {
  if (json_array_append_new(arr, v)) *bad = 1;
}
static json_t *num(double x) {
  return isfinite(x) ? json_real(x == 0 ? 0 : x) : json_null();
}

static json_t *demand_json(const pl_plan *p, int d, int *bad) {
  char text[1024];
  json_t *o = json_object();
  const pl__plan_demand *m = &p->demands[d];
  put(o, "party", json_string(p->parties[m->party].id), bad);
  put(o, "id", json_string(m->id), bad);
  put(o, "demand", json_string(pl_plan_demand_text(p, d, text, sizeof text)),
      bad);
  put(o, "description", json_string(m->description), bad);
  put(o, "hard", json_boolean(m->hard), bad);
  put(o, "weight", m->hard ? json_null() : json_integer(m->weight), bad);
  return o;
}

static json_t *step_ids(const pl_plan *p, const int *steps, size_t n,
                        int *bad) {
  json_t *a = json_array();
  for (size_t k = 0; k < n; k++) push(a, json_string(p->steps[steps[k]].id), bad);
  return a;
}

/* {"after": k, "step": id of the k-th position or null, "party": id} */
static json_t *place_json(const pl_plan *p, const pl__order *o, size_t at,
                          int party, int *bad) {
  json_t *w = json_object();
  put(w, "after", json_integer((json_int_t)at), bad);
  put(w, "step", at ? json_string(p->steps[o->steps[at - 1]].id) : json_null(),
      bad);
  if (party >= 0) put(w, "party", json_string(p->parties[party].id), bad);
  return w;
}

/* The fields of one order, into obj. */
static void order_fields(const pl_sequence *r, pl_order_kind kind,
                         json_t *obj, int *bad) {
  const pl_plan *p = r->plan;
  const pl__order *o = &r->order[kind];
  size_t np = (size_t)p->np;
  put(obj, "order", step_ids(p, o->steps, o->n, bad), bad);
  json_t *tr = json_object();
  for (int s = 0; s < p->ns; s++)
    if (o->tranches[s] > 1) put(tr, p->steps[s].id, json_integer(o->tranches[s]), bad);
  put(obj, "tranches", tr, bad);
  json_t *v = json_array();
  for (size_t k = 0; k < o->n_violated; k++)
    push(v, demand_json(p, o->violated[k], bad), bad);
  put(obj, "violated", v, bad);
  put(obj, "hard_violated", json_integer(o->hard), bad);
  put(obj, "weight_violated", json_integer(o->weight), bad);
  if (o->counted) {
    put(obj, "optimal_orders", json_integer((json_int_t)(o->capped ? INT64_MAX : o->optimal)), bad);
    put(obj, "optimal_orders_capped", json_boolean(o->capped), bad);
  } else {
    put(obj, "optimal_orders", json_null(), bad);
    put(obj, "optimal_orders_capped", json_false(), bad);
  }
  size_t at;
  int party;
  double m = pl_sequence_min_slack(r, kind, &at, &party);
  put(obj, "min_slack", num(m), bad);
  put(obj, "min_slack_at", place_json(p, o, at, party, bad), bad);
  put(obj, "safe", json_boolean(pl_sequence_safe(r, kind)), bad);
  json_t *ex = json_array();
  for (size_t q = 0; q < np; q++) {
    json_t *e = json_object(), *g = json_array(), *sl = json_array();
    for (size_t k = 0; k <= o->n; k++) {
      double x = o->gain[k * np + q];
      push(g, num(x), bad);
      push(sl, num(r->bound[q] - x), bad);
    }
    size_t qat;
    double qm = pl_sequence_party_min_slack(r, kind, (int)q, &qat);
    put(e, "party", json_string(p->parties[q].id), bad);
    put(e, "bound", num(r->bound[q]), bad);
    put(e, "gain", g, bad);
    put(e, "slack", sl, bad);
    put(e, "min_slack", num(qm), bad);
    put(e, "min_slack_at", place_json(p, o, qat, -1, bad), bad);
    put(e, "exposed", json_boolean(qm < -r->tol), bad);
    push(ex, e, bad);
  }
  put(obj, "exposure", ex, bad);
}

static json_t *order_json(const pl_sequence *r, pl_order_kind kind, int *bad) {
  if (!r->order[kind].present) return json_null();
  json_t *o = json_object();
  order_fields(r, kind, o, bad);
  return o;
}

static json_t *levers_json(const pl_sequence *r, int *bad) {
  const pl_plan *p = r->plan;
  if (!r->levers) return json_null();
  json_t *l = json_object(), *g = json_array();
  put(l, "uniform_guarantee", num(r->uniform), bad);
  for (int q = 0; q < p->np; q++) {
    json_t *e = json_object();
    double d = p->parties[q].defection_cost;
    put(e, "party", json_string(p->parties[q].id), bad);
    put(e, "defection_cost", num(d), bad);
    put(e, "needed", r->has_needed[q] ? num(r->needed[q]) : json_null(), bad);
    put(e, "extra", r->has_needed[q] ? num(r->needed[q] - d) : json_null(), bad);
    put(e, "alone", num(r->alone[q]), bad);
    push(g, e, bad);
  }
  put(l, "guarantees", g, bad);
  json_t *t = json_object();
  put(t, "status", json_string(pl_tranche_status_name(r->tranche_status)), bad);
  put(t, "extra",
      r->tranche_status == PL_TRANCHES_NOT_COMPUTED
          ? json_null()
          : json_integer(r->tranche_extra),
      bad);
  put(t, "order", order_json(r, PL_ORDER_TRANCHED, bad), bad);
  put(l, "tranches", t, bad);
  return l;
}

char *pl_sequence_to_json(const pl_sequence *r) {
  const pl_plan *p = r->plan;
  int bad = 0;
  json_t *root = json_object();
  put(root, "parley", json_string(pl_version()), &bad);
  put(root, "plan", json_string(p->id), &bad);
  put(root, "title", json_string(p->title), &bad);
  put(root, "mode", json_string(r->evaluated ? "evaluate" : "search"), &bad);
  put(root, "method",
      json_string(r->evaluated ? "given" : r->exact ? "exact" : "heuristic"),
      &bad);
  put(root, "states", json_integer((json_int_t)r->states), &bad);
  json_t *parties = json_array();
  for (int q = 0; q < p->np; q++) {
    json_t *e = json_object();
    double total = r->bound[q] - p->parties[q].defection_cost;
    put(e, "id", json_string(p->parties[q].id), &bad);
    put(e, "name", json_string(p->parties[q].name), &bad);
    put(e, "defection_cost", num(p->parties[q].defection_cost), &bad);
    put(e, "total", num(total), &bad);
    put(e, "bound", num(r->bound[q]), &bad);
    push(parties, e, &bad);
  }
  put(root, "parties", parties, &bad);
  put(root, "feasible", json_boolean(r->conf.feasible), &bad);
  json_t *conf = json_array();
  for (size_t k = 0; k < r->conf.n; k++) {
    json_t *c = json_object(), *d = json_array();
    for (size_t j = 0; j < r->conf.set_n[k]; j++)
      push(d, demand_json(p, r->conf.sets[k][j], &bad), &bad);
    put(c, "demands", d, &bad);
    put(c, "cycle", step_ids(p, r->conf.cycles[k], r->conf.cycle_n[k], &bad),
        &bad);
    push(conf, c, &bad);
  }
  put(root, "conflicts", conf, &bad);
  put(root, "conflicts_complete", json_boolean(r->conf.complete), &bad);
  order_fields(r, PL_ORDER_RECOMMENDED, root, &bad);
  put(root, "safest", order_json(r, PL_ORDER_SAFEST, &bad), &bad);
  put(root, "levers", levers_json(r, &bad), &bad);
  json_t *b = json_object();
  put(b, "hard_violated_at_least", json_integer(r->lb_hard), &bad);
  put(b, "weight_violated_at_least", json_integer(r->lb_weight), &bad);
  put(b, "min_slack_at_most", num(r->ub_slack), &bad);
  put(root, "bounds", b, &bad);
  char *text = bad || !root
                   ? NULL
                   : pl__json_dumps(root, JSON_INDENT(2) |
                                          JSON_PRESERVE_ORDER);
  json_decref(root);
  if (!text) return NULL;
  /* jansson allocates with malloc; pl_free is free */
  return text;
}
