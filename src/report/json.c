/* The analysis as JSON (schema: docs/analysis-json.md), built with jansson. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/json_text.h"
#include "analysis/analysis_internal.h"
#include "report/json_common.h"

/* jansson's constructors return NULL when out of memory, and its setters
 * then fail cleanly (freeing the value). put() and push() record every
 * failure in *bad, so that a tree missing a part is never printed. */
static void put(json_t *obj, const char *key, json_t *v, int *bad) {
  if (json_object_set_new(obj, key, v)) *bad = 1;
}
static void push(json_t *arr, json_t *v, int *bad) {
  if (json_array_append_new(arr, v)) *bad = 1;
}

json_t *pl__option_json(const pl_scenario *s, int i, uint32_t o) {
  if (o == PL_NOT_AGREED) return json_null();
  if (s->issues[i].kind == PL_ISSUE_INTEGER)
    return json_integer((json_int_t)s->issues[i].num[o]);
  if (s->issues[i].kind == PL_ISSUE_REAL) return json_real(s->issues[i].num[o]);
  return json_string(s->issues[i].opt_id[o]);
}

json_t *pl__outcome_json(const pl_scenario *s, const uint32_t *o) {
  json_t *obj = json_object();
  for (int i = 0; obj && i < s->n_issues; i++)
    if (json_object_set_new(obj, s->issues[i].id, pl__option_json(s, i, o[i]))) {
      json_decref(obj);
      return NULL;
    }
  return obj;
}

static json_t *point_json(const pl_analysis *a, const pl_point *pt,
                          bool rational, int *bad) {
  if (!pt) return json_null();
  json_t *obj = json_object(), *u = json_array();
  put(obj, "outcome", pl__outcome_json(a->s, pt->options), bad);
  for (int p = 0; p < a->np; p++) push(u, json_real(pt->utilities[p]), bad);
  put(obj, "utilities", u, bad);
  if (rational) {
    json_t *r = json_array();
    for (int p = 0; p < a->np; p++) {
      int v = pl_analysis_point_rational(a, pt, p);
      push(r, v < 0 ? json_null() : json_boolean(v), bad);
    }
    put(obj, "rational", r, bad);
  }
  return obj;
}

static json_t *constraint_json(const pl_analysis *a, const pl_constraint *c,
                               int *bad) {
  const pl_scenario *s = a->s;
  json_t *obj = json_object();
  put(obj, "party", json_string(s->parties[c->party].id), bad);
  if (c->kind == PL_CONSTRAINT_RED_LINE) {
    put(obj, "red_line", json_string(s->red_lines[c->red_line].id), bad);
    put(obj, "description",
        json_string(s->red_lines[c->red_line].description), bad);
  } else {
    put(obj, "reservation", json_real(s->parties[c->party].reservation),
        bad);
  }
  return obj;
}

static json_t *constraints_json(const pl_analysis *a, const pl_constraint *c,
                                size_t n, int *bad) {
  json_t *arr = json_array();
  for (size_t k = 0; k < n; k++) push(arr, constraint_json(a, &c[k], bad), bad);
  return arr;
}

static json_t *issues_json(const pl_analysis *a, int *bad) {
  const pl_scenario *s = a->s;
  json_t *arr = json_array();
  for (int i = 0; i < a->ni; i++) {
    json_t *obj = json_object(), *acc = json_object();
    put(obj, "id", json_string(s->issues[i].id), bad);
    put(obj, "name", json_string(s->issues[i].name), bad);
    put(obj, "class", json_string(pl_issue_class_name(a->cls[i])), bad);
    uint32_t c = a->common_opt[i];
    put(obj, "common_option", pl__option_json(s, i, c), bad);
    for (int p = 0; p < a->np; p++) {
      json_t *list = json_array();
      for (uint32_t o = 0; o < s->issues[i].n; o++)
        if (pl_analysis_acceptable(a, i, p, o))
          push(list, pl__option_json(s, i, o), bad);
      put(acc, s->parties[p].id, list, bad);
    }
    put(obj, "acceptable", acc, bad);
    push(arr, obj, bad);
  }
  return arr;
}

static const char *partial_status_name(pl_partial_status st) {
  switch (st) {
  case PL_PARTIAL_NOT_NEEDED:
    return "not_needed";
  case PL_PARTIAL_DONE:
    return "done";
  case PL_PARTIAL_NO_STATUS_QUO:
    return "no_status_quo";
  case PL_PARTIAL_TOO_BIG:
    return "too_big";
  }
  return "?";
}

char *pl_analysis_to_json(const pl_analysis *a) {
  const pl_scenario *s = a->s;
  int failed = 0, *bad = &failed;
  json_t *root = json_object(), *arr;
  put(root, "parley", json_string(pl_version()), bad);
  put(root, "scenario", json_string(s->id), bad);
  put(root, "title", json_string(s->title), bad);
  put(root, "method", json_string(a->method), bad);
  put(root, "epsilon", json_real(a->epsilon), bad);
  if (!strcmp(a->method, "boxes"))
    put(root, "boxes", json_integer((json_int_t)a->boxes), bad);
  arr = json_array();
  for (int p = 0; p < a->np; p++) push(arr, json_string(s->parties[p].id), bad);
  put(root, "parties", arr, bad);
  arr = json_array();
  for (int p = 0; p < a->np; p++)
    push(arr, json_real(s->parties[p].reservation), bad);
  put(root, "reservation", arr, bad);
  arr = json_array();
  for (int p = 0; p < a->np; p++)
    push(arr, json_real(pl_scenario_discount(s, p)), bad);
  put(root, "discount", arr, bad);
  put(root, "kalai_definition",
      json_string(a->kalai == PL_KALAI_GENIUS ? "genius" : "proper"), bad);
  put(root, "issues", issues_json(a, bad), bad);
  char count[4096];
  uint64_t n;
  if (pl_scenario_outcome_count(s, &n) == PL_OK && n <= (uint64_t)INT64_MAX)
    put(root, "outcomes", json_integer((json_int_t)n), bad);
  else if (pl_scenario_outcome_count_text(s, count, sizeof count) == PL_OK)
    put(root, "outcomes", json_string(count), bad);
  char ftext[4096];
  if (pl_analysis_feasible_text(a, ftext, sizeof ftext) != PL_OK)
    put(root, "feasible", json_null(), bad);
  else if (a->feasible <= (uint64_t)INT64_MAX)
    put(root, "feasible", json_integer((json_int_t)a->feasible), bad);
  else
    put(root, "feasible", json_string(ftext), bad);
  put(root, "explained", json_boolean(a->explained), bad);
  put(root, "acceptable_exact", json_boolean(!a->acceptable_approx), bad);
  if (pl_scenario_has_status_quo(s)) {
    json_t *sq = json_array();
    for (int p = 0; p < a->np; p++) push(sq, json_real(a->sq_u[p]), bad);
    put(root, "status_quo_utilities", sq, bad);
  } else {
    put(root, "status_quo_utilities", json_null(), bad);
  }
  arr = json_array();
  for (size_t k = 0; k < a->nf; k++)
    push(arr, point_json(a, &a->front[k], false, bad), bad);
  put(root, "pareto", arr, bad);
  for (int w = 0; w < PL_SOLUTION_COUNT_; w++)
    put(root, pl_solution_name((pl_solution)w),
        point_json(a, a->sol[w], true, bad), bad);
  arr = json_array();
  for (size_t k = 0; k < a->n_dead; k++) {
    const pl_constraint *items;
    size_t m = pl_analysis_deadlock(a, k, &items);
    push(arr, constraints_json(a, items, m, bad), bad);
  }
  put(root, "deadlocks", arr, bad);
  put(root, "deadlocks_truncated", json_boolean(a->dead_truncated), bad);
  put(root, "binding", constraints_json(a, a->bind, a->n_bind, bad), bad);
  put(root, "partial_agreements_status",
      json_string(partial_status_name(a->partial_status)), bad);
  arr = json_array();
  for (size_t k = 0; k < a->n_partial; k++) {
    const pl_partial *pt = &a->partial[k];
    json_t *obj = json_object(), *iss = json_array(), *blk = json_array();
    for (size_t j = 0; j < pt->n_issues; j++)
      push(iss, json_string(s->issues[pt->issues[j]].id), bad);
    put(obj, "issues", iss, bad);
    put(obj, "nash", point_json(a, &pt->nash, true, bad), bad);
    for (size_t j = 0; j < pt->n_blocking; j++) {
      pl_constraint c = {PL_CONSTRAINT_RED_LINE, s->red_lines[pt->blocking[j]].party,
                         pt->blocking[j]};
      push(blk, constraint_json(a, &c, bad), bad);
    }
    put(obj, "blocked_by", blk, bad);
    push(arr, obj, bad);
  }
  put(root, "partial_agreements", arr, bad);
  char *text = failed || !root
                   ? NULL
                   : pl__json_dumps(root, JSON_INDENT(2) |
                                          JSON_PRESERVE_ORDER);
  json_decref(root);
  return text; /* allocated by jansson with malloc: pl_free releases it */
}
