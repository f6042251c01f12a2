/* The analysis as JSON (schema: docs/analysis-json.md), built with jansson. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/analysis_internal.h"

/* jansson's constructors return NULL when out of memory and its setters
 * then fail cleanly, so the tree is checked once, at the end. */
static json_t *outcome_json(const pl_scenario *s, const uint32_t *o) {
  json_t *obj = json_object();
  for (int i = 0; i < s->n_issues; i++) {
    json_t *v;
    if (o[i] == PL_NOT_AGREED)
      v = json_null();
    else if (s->issues[i].kind == PL_ISSUE_INTEGER)
      v = json_integer((json_int_t)s->issues[i].num[o[i]]);
    else if (s->issues[i].kind == PL_ISSUE_REAL)
      v = json_real(s->issues[i].num[o[i]]);
    else
      v = json_string(s->issues[i].opt_id[o[i]]);
    json_object_set_new(obj, s->issues[i].id, v);
  }
  return obj;
}

static json_t *point_json(const pl_analysis *a, const pl_point *pt,
                          bool rational) {
  if (!pt) return json_null();
  json_t *obj = json_object(), *u = json_array();
  json_object_set_new(obj, "outcome", outcome_json(a->s, pt->options));
  for (int p = 0; p < a->np; p++) json_array_append_new(u, json_real(pt->utilities[p]));
  json_object_set_new(obj, "utilities", u);
  if (rational) {
    json_t *r = json_array();
    for (int p = 0; p < a->np; p++) {
      int v = pl_analysis_point_rational(a, pt, p);
      json_array_append_new(r, v < 0 ? json_null() : json_boolean(v));
    }
    json_object_set_new(obj, "rational", r);
  }
  return obj;
}

static json_t *constraint_json(const pl_analysis *a, const pl_constraint *c) {
  const pl_scenario *s = a->s;
  json_t *obj = json_object();
  json_object_set_new(obj, "party", json_string(s->parties[c->party].id));
  if (c->kind == PL_CONSTRAINT_RED_LINE) {
    json_object_set_new(obj, "red_line", json_string(s->red_lines[c->red_line].id));
    json_object_set_new(obj, "description",
                        json_string(s->red_lines[c->red_line].description));
  } else {
    json_object_set_new(obj, "reservation",
                        json_real(s->parties[c->party].reservation));
  }
  return obj;
}

static json_t *constraints_json(const pl_analysis *a, const pl_constraint *c,
                                size_t n) {
  json_t *arr = json_array();
  for (size_t k = 0; k < n; k++) json_array_append_new(arr, constraint_json(a, &c[k]));
  return arr;
}

static json_t *issues_json(const pl_analysis *a) {
  const pl_scenario *s = a->s;
  json_t *arr = json_array();
  for (int i = 0; i < a->ni; i++) {
    json_t *obj = json_object(), *acc = json_object();
    json_object_set_new(obj, "id", json_string(s->issues[i].id));
    json_object_set_new(obj, "name", json_string(s->issues[i].name));
    json_object_set_new(obj, "class", json_string(pl_issue_class_name(a->cls[i])));
    uint32_t c = a->common_opt[i];
    json_object_set_new(obj, "common_option",
                        c == PL_NOT_AGREED ? json_null()
                                           : json_string(s->issues[i].opt_id[c]));
    for (int p = 0; p < a->np; p++) {
      json_t *list = json_array();
      for (uint32_t o = 0; o < s->issues[i].n; o++)
        if (pl_analysis_acceptable(a, i, p, o))
          json_array_append_new(list, json_string(s->issues[i].opt_id[o]));
      json_object_set_new(acc, s->parties[p].id, list);
    }
    json_object_set_new(obj, "acceptable", acc);
    json_array_append_new(arr, obj);
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
  json_t *root = json_object(), *arr;
  json_object_set_new(root, "parley", json_string(pl_version()));
  json_object_set_new(root, "scenario", json_string(s->id));
  json_object_set_new(root, "title", json_string(s->title));
  json_object_set_new(root, "method", json_string(a->method));
  arr = json_array();
  for (int p = 0; p < a->np; p++) json_array_append_new(arr, json_string(s->parties[p].id));
  json_object_set_new(root, "parties", arr);
  arr = json_array();
  for (int p = 0; p < a->np; p++)
    json_array_append_new(arr, json_real(s->parties[p].reservation));
  json_object_set_new(root, "reservation", arr);
  json_object_set_new(root, "issues", issues_json(a));
  char count[4096];
  uint64_t n;
  if (pl_scenario_outcome_count(s, &n) == PL_OK && n <= (uint64_t)INT64_MAX)
    json_object_set_new(root, "outcomes", json_integer((json_int_t)n));
  else if (pl_scenario_outcome_count_text(s, count, sizeof count) == PL_OK)
    json_object_set_new(root, "outcomes", json_string(count));
  json_object_set_new(root, "feasible", json_integer((json_int_t)a->feasible));
  if (pl_scenario_has_status_quo(s)) {
    json_t *sq = json_array();
    for (int p = 0; p < a->np; p++) json_array_append_new(sq, json_real(a->sq_u[p]));
    json_object_set_new(root, "status_quo_utilities", sq);
  } else {
    json_object_set_new(root, "status_quo_utilities", json_null());
  }
  arr = json_array();
  for (size_t k = 0; k < a->nf; k++)
    json_array_append_new(arr, point_json(a, &a->front[k], false));
  json_object_set_new(root, "pareto", arr);
  for (int w = 0; w < PL_SOLUTION_COUNT_; w++)
    json_object_set_new(root, pl_solution_name((pl_solution)w),
                        point_json(a, a->sol[w], true));
  arr = json_array();
  for (size_t k = 0; k < a->n_dead; k++) {
    const pl_constraint *items;
    size_t m = pl_analysis_deadlock(a, k, &items);
    json_array_append_new(arr, constraints_json(a, items, m));
  }
  json_object_set_new(root, "deadlocks", arr);
  json_object_set_new(root, "deadlocks_truncated", json_boolean(a->dead_truncated));
  json_object_set_new(root, "binding", constraints_json(a, a->bind, a->n_bind));
  json_object_set_new(root, "partial_agreements_status",
                      json_string(partial_status_name(a->partial_status)));
  arr = json_array();
  for (size_t k = 0; k < a->n_partial; k++) {
    const pl_partial *pt = &a->partial[k];
    json_t *obj = json_object(), *iss = json_array(), *blk = json_array();
    for (size_t j = 0; j < pt->n_issues; j++)
      json_array_append_new(iss, json_string(s->issues[pt->issues[j]].id));
    json_object_set_new(obj, "issues", iss);
    json_object_set_new(obj, "nash", point_json(a, &pt->nash, true));
    for (size_t j = 0; j < pt->n_blocking; j++) {
      pl_constraint c = {PL_CONSTRAINT_RED_LINE, s->red_lines[pt->blocking[j]].party,
                         pt->blocking[j]};
      json_array_append_new(blk, constraint_json(a, &c));
    }
    json_object_set_new(obj, "blocked_by", blk);
    json_array_append_new(arr, obj);
  }
  json_object_set_new(root, "partial_agreements", arr);
  char *text = json_dumps(root, JSON_INDENT(2) | JSON_REAL_PRECISION(10) |
                                    JSON_PRESERVE_ORDER);
  json_decref(root);
  return text; /* allocated by jansson with malloc: pl_free releases it */
}
