/* pl_unlock_to_json and pl_improve_to_json (schema:
 * docs/mediation-json.md), built with jansson. */
#include <jansson.h>
#include <string.h>

#include "core/json_text.h"
#include "analysis/mediation_internal.h"
#include "model/scenario_internal.h"
#include "report/json_common.h"

/* As in src/report/json.c: every failure is recorded in *bad. */
static void put(json_t *obj, const char *key, json_t *v, int *bad) {
  if (json_object_set_new(obj, key, v)) *bad = 1;
}
static void push(json_t *arr, json_t *v, int *bad) {
  if (json_array_append_new(arr, v)) *bad = 1;
}

static json_t *reals(const double *x, int n, int *bad) {
  json_t *a = json_array();
  for (int k = 0; k < n; k++) push(a, json_real(x[k]), bad);
  return a;
}

/* A package, its utilities, and the gains over `base` (NULL entries < 0:
 * none). */
static json_t *package(const pl_scenario *s, const pl_point *pt,
                       const double *base, const char *gains_key, int *bad) {
  if (!pt) return json_null();
  const int np = s->n_parties;
  json_t *o = json_object();
  put(o, "outcome", pl__outcome_json(s, pt->options), bad);
  put(o, "utilities", reals(pt->utilities, np, bad), bad);
  json_t *g = json_array();
  for (int p = 0; p < np; p++)
    push(g, base[p] < 0 ? json_null()
                        : json_real(pt->utilities[p] - base[p]),
         bad);
  put(o, gains_key, g, bad);
  return o;
}

static char *dump(json_t *root, int bad) {
  char *text = bad || !root ? NULL
                            : pl__json_dumps(root, JSON_INDENT(2) |
                                                   JSON_PRESERVE_ORDER);
  json_decref(root);
  return text;
}

char *pl_unlock_to_json(const pl_unlock *u) {
  const pl_scenario *s = pl__unlock_scenario(u);
  const int np = s->n_parties;
  int bad = 0;
  double *sq = pl__malloc((size_t)np * sizeof *sq);
  if (!sq) return NULL;
  bool has_sq = true;
  for (int p = 0; p < np; p++) {
    sq[p] = pl_unlock_status_quo_utility(u, p);
    has_sq &= sq[p] >= 0;
  }
  json_t *root = json_object();
  put(root, "scenario", json_string(s->id), &bad);
  put(root, "method", json_string(pl_unlock_method(u)), &bad);
  int by = pl_unlock_party(u);
  put(root, "party", by >= 0 ? json_string(s->parties[by].id) : json_null(),
      &bad);
  put(root, "needed", json_boolean(pl_unlock_needed(u)), &bad);
  put(root, "incomplete", json_boolean(pl_unlock_incomplete(u)), &bad);
  put(root, "total", json_integer((json_int_t)pl_unlock_total(u)), &bad);
  put(root, "status_quo_utilities", has_sq ? reals(sq, np, &bad) : json_null(),
      &bad);
  json_t *sets = json_array();
  for (size_t k = 0; k < pl_unlock_set_count(u); k++) {
    const pl_unlock_set *st = pl_unlock_set_at(u, k);
    json_t *o = json_object(), *moves = json_array();
    put(o, "cost", json_real(st->cost), &bad);
    put(o, "parties_moving", json_integer(st->parties_moving), &bad);
    put(o, "max_party_cost", json_real(st->max_party_cost), &bad);
    put(o, "fairest", json_boolean(st->fairest), &bad);
    for (size_t j = 0; j < st->n_moves; j++) {
      const pl_move *m = &st->moves[j];
      json_t *mv = json_object();
      put(mv, "kind", json_string(pl_move_kind_name(m->kind)), &bad);
      put(mv, "party", json_string(s->parties[m->party].id), &bad);
      if (m->kind == PL_MOVE_LOWER) {
        put(mv, "from", json_real(m->from), &bad);
        put(mv, "to", json_real(m->to), &bad);
      } else {
        put(mv, "red_line", json_string(s->red_lines[m->red_line].id), &bad);
        if (m->kind == PL_MOVE_VARIANT)
          put(mv, "variant",
              json_string(s->red_lines[m->red_line].variants[m->variant].id),
              &bad);
      }
      put(mv, "cost", json_real(m->cost), &bad);
      push(moves, mv, &bad);
    }
    put(o, "moves", moves, &bad);
    put(o, "feasible",
        st->feasible == UINT64_MAX ? json_null()
                                   : json_integer((json_int_t)st->feasible),
        &bad);
    put(o, "pareto_count", json_integer((json_int_t)st->pareto_count), &bad);
    for (int w = 0; w < PL_SOLUTION_COUNT_; w++)
      put(o, pl_solution_name((pl_solution)w),
          package(s, st->solution[w], sq, "gains_over_status_quo", &bad),
          &bad);
    push(sets, o, &bad);
  }
  put(root, "sets", sets, &bad);
  pl__free(sq);
  return dump(root, bad);
}

static json_t *improvement(const pl_improve *x, const pl_point *pt,
                           int *bad) {
  const pl_scenario *s = pl__improve_scenario(x);
  if (!pt) return json_null();
  json_t *o = package(s, pt, pl_improve_from(x)->utilities, "gains", bad);
  char *t = pl_improve_trades(x, pt);
  if (!t) *bad = 1;
  put(o, "trades", t ? json_string(t) : json_null(), bad);
  pl__free(t);
  return o;
}

char *pl_improve_to_json(const pl_improve *x) {
  const pl_scenario *s = pl__improve_scenario(x);
  const pl_point *from = pl_improve_from(x);
  int bad = 0;
  json_t *root = json_object(), *f = json_object();
  put(root, "scenario", json_string(s->id), &bad);
  put(f, "outcome", pl__outcome_json(s, from->options), &bad);
  put(f, "utilities", reals(from->utilities, s->n_parties, &bad), &bad);
  put(f, "feasible", json_boolean(pl_improve_from_feasible(x)), &bad);
  put(root, "from", f, &bad);
  put(root, "efficient", json_boolean(pl_improve_efficient(x)), &bad);
  uint64_t n = pl_improve_count(x);
  put(root, "count", n == UINT64_MAX ? json_null() : json_integer((json_int_t)n),
      &bad);
  put(root, "max_min", improvement(x, pl_improve_max_min(x), &bad), &bad);
  put(root, "max_nash", improvement(x, pl_improve_max_nash(x), &bad), &bad);
  json_t *best = json_array();
  for (size_t k = 0; k < pl_improve_best_count(x); k++)
    push(best, improvement(x, pl_improve_best(x, k), &bad), &bad);
  put(root, "best", best, &bad);
  return dump(root, bad);
}
