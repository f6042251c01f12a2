/* Unit tests of the JSON report (src/report/json.c): the output parses
 * back with jansson and has the keys and values of docs/analysis-json.md;
 * when jansson runs out of memory the result is NULL, never a partial
 * document. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <jansson.h>

#include "core/json_text.h"
#include "testutil.h"

static json_t *parse(const char *text) {
  json_error_t e;
  json_t *root = json_loads(text, 0, &e);
  if (!root) fail_msg("JSON does not parse: %s at %d:%d", e.text, e.line, e.column);
  assert_true(json_is_object(root));
  return root;
}

static json_t *get(json_t *obj, const char *key) {
  json_t *v = json_object_get(obj, key);
  if (!v) fail_msg("no key \"%s\"", key);
  return v;
}

static const char *str(json_t *obj, const char *key) {
  json_t *v = get(obj, key);
  if (!json_is_string(v)) fail_msg("\"%s\" is not a string", key);
  return json_string_value(v);
}

static json_t *arr(json_t *obj, const char *key, size_t n) {
  json_t *v = get(obj, key);
  if (!json_is_array(v)) fail_msg("\"%s\" is not an array", key);
  if (json_array_size(v) != n)
    fail_msg("\"%s\" has %zu items, expected %zu", key, json_array_size(v), n);
  return v;
}

static double num(json_t *v) {
  if (!json_is_number(v)) fail_msg("not a number");
  return json_number_value(v);
}

static pl_scenario *load(const char *rel) {
  pl_scenario *s = NULL;
  pl_error err;
  if (pl_scenario_load(tu_source_path(rel), &s, &err))
    fail_msg("%s:%d:%d: %s", err.file, err.line, err.column, err.message);
  return s;
}

static void test_security_talks_json(void **state) {
  (void)state;
  pl_scenario *s = load("examples/security-talks.yaml");
  pl_analysis *a = tu_analyze(s);
  char *text = pl_analysis_to_json(a);
  assert_non_null(text);
  json_t *root = parse(text);

  assert_string_equal(str(root, "parley"), pl_version());
  assert_string_equal(str(root, "scenario"), "security-talks");
  assert_non_null(strstr(str(root, "title"), "Security guarantees"));
  assert_string_equal(str(root, "method"), "enumerate");
  json_t *parties = arr(root, "parties", 3);
  const char *pid[] = {"russia", "usa", "nato"};
  for (size_t p = 0; p < 3; p++)
    assert_string_equal(json_string_value(json_array_get(parties, p)), pid[p]);
  json_t *rv = arr(root, "reservation", 3);
  assert_double_near(num(json_array_get(rv, 0)), 0, 1e-12);
  assert_double_near(num(json_array_get(rv, 1)), 0.49, 1e-12);
  assert_double_near(num(json_array_get(rv, 2)), 0.655, 1e-12);

  /* issues: id, name, class, common_option, acceptable */
  json_t *issues = arr(root, "issues", 5);
  const char *iid[] = {"nato_enlargement", "offensive_weapons",
                       "nato_infrastructure", "inf_missiles", "risk_reduction"};
  const char *cls[] = {"blocked", "blocked", "blocked", "common_ground",
                       "common_ground"};
  const char *common[] = {NULL, NULL, NULL, "verified_ban",
                          "incidents_agreement"};
  for (size_t i = 0; i < 5; i++) {
    json_t *is = json_array_get(issues, i);
    assert_string_equal(str(is, "id"), iid[i]);
    assert_true(strlen(str(is, "name")) > 0);
    assert_string_equal(str(is, "class"), cls[i]);
    if (common[i])
      assert_string_equal(str(is, "common_option"), common[i]);
    else
      assert_true(json_is_null(get(is, "common_option")));
    json_t *acc = get(is, "acceptable");
    assert_true(json_is_object(acc));
    assert_int_equal(json_object_size(acc), 3);
  }
  /* nato_enlargement: russia accepts legal_guarantee only */
  json_t *acc0 = get(get(json_array_get(issues, 0), "acceptable"), "russia");
  assert_int_equal(json_array_size(acc0), 1);
  assert_string_equal(json_string_value(json_array_get(acc0, 0)),
                      "legal_guarantee");
  json_t *acc1 = get(get(json_array_get(issues, 0), "acceptable"), "usa");
  assert_int_equal(json_array_size(acc1), 2);
  assert_string_equal(json_string_value(json_array_get(acc1, 0)), "open_door");
  assert_string_equal(json_string_value(json_array_get(acc1, 1)), "moratorium");

  /* counts */
  assert_true(json_is_integer(get(root, "outcomes")));
  assert_int_equal(json_integer_value(get(root, "outcomes")), 243);
  assert_true(json_is_integer(get(root, "feasible")));
  assert_int_equal(json_integer_value(get(root, "feasible")), 0);
  json_t *sq = arr(root, "status_quo_utilities", 3);
  assert_double_near(num(json_array_get(sq, 1)), 0.49, 1e-12);
  assert_double_near(num(json_array_get(sq, 2)), 0.655, 1e-12);

  /* nothing feasible: no frontier, null solutions */
  arr(root, "pareto", 0);
  const char *sol[] = {"nash", "kalai", "welfare", "egalitarian"};
  for (int w = 0; w < 4; w++) assert_true(json_is_null(get(root, sol[w])));

  /* deadlocks: 10 sets; the first is russia's no_enlargement against usa's
   * choose_alliances; the seventh ends with nato's reservation value */
  json_t *dead = arr(root, "deadlocks", 10);
  json_t *d0 = json_array_get(dead, 0);
  assert_int_equal(json_array_size(d0), 2);
  assert_string_equal(str(json_array_get(d0, 0), "party"), "russia");
  assert_string_equal(str(json_array_get(d0, 0), "red_line"), "no_enlargement");
  assert_string_equal(str(json_array_get(d0, 0), "description"),
                      "Ukraine's non-accession to NATO, legally binding");
  assert_string_equal(str(json_array_get(d0, 1), "party"), "usa");
  assert_string_equal(str(json_array_get(d0, 1), "red_line"), "choose_alliances");
  json_t *d6 = json_array_get(dead, 6);
  assert_int_equal(json_array_size(d6), 3);
  json_t *res = json_array_get(d6, 2);
  assert_string_equal(str(res, "party"), "nato");
  assert_double_near(num(get(res, "reservation")), 0.655, 1e-12);
  assert_null(json_object_get(res, "red_line"));
  json_t *d9 = json_array_get(dead, 9);
  assert_int_equal(json_array_size(d9), 4);
  assert_string_equal(str(json_array_get(d9, 3), "party"), "usa");
  assert_true(json_is_false(get(root, "deadlocks_truncated")));
  arr(root, "binding", 0);

  /* the partial agreement */
  assert_string_equal(str(root, "partial_agreements_status"), "done");
  json_t *parts = arr(root, "partial_agreements", 1);
  json_t *pa = json_array_get(parts, 0);
  json_t *pi = arr(pa, "issues", 2);
  assert_string_equal(json_string_value(json_array_get(pi, 0)), "inf_missiles");
  assert_string_equal(json_string_value(json_array_get(pi, 1)), "risk_reduction");
  json_t *nash = get(pa, "nash");
  json_t *out = get(nash, "outcome");
  assert_int_equal(json_object_size(out), 5);
  for (int i = 0; i < 3; i++) assert_true(json_is_null(get(out, iid[i])));
  assert_string_equal(str(out, "inf_missiles"), "verified_ban");
  assert_string_equal(str(out, "risk_reduction"), "incidents_agreement");
  json_t *u = arr(nash, "utilities", 3);
  assert_double_near(num(json_array_get(u, 0)), 0.3, 1e-9);
  assert_double_near(num(json_array_get(u, 1)), 0.94, 1e-9);
  assert_double_near(num(json_array_get(u, 2)), 0.955, 1e-9);
  json_t *rat = arr(nash, "rational", 3);
  for (size_t p = 0; p < 3; p++) assert_true(json_is_true(json_array_get(rat, p)));
  json_t *blk = arr(pa, "blocked_by", 1);
  assert_string_equal(str(json_array_get(blk, 0), "party"), "russia");
  assert_string_equal(str(json_array_get(blk, 0), "red_line"), "package_deal");

  json_decref(root);
  pl_free(text);
  pl_analysis_free(a);
  pl_scenario_free(s);
}

/* A feasible scenario with integer, real and discrete issues.
 *   salary 40, 50, 60 (integer); share 0, 0.5, 1 (real); car yes, no.
 *   emp: weights 2, 1, 1; values salary (0, .5, 1), share (0, .5, 1),
 *        car (1, 0).
 *   firm: weights 1, 1, 0; values salary (1, .5, 0), share (1, .5, 0).
 *   firm red line: salary not 60. No status quo. */
static pl_scenario *job(void) {
  pl_scenario *s = pl_scenario_new("job");
  TU_OK(pl_scenario_set_text(s, "A job", "", NULL));
  tu_party(s, "emp", 0);
  tu_party(s, "firm", 0);
  pl_error err;
  int sal = pl_scenario_add_integer_issue(s, "salary", NULL, 40, 60, 10, &err);
  int sh = pl_scenario_add_real_issue(s, "share", NULL, 0, 1, 0.5, &err);
  const char *const yn[] = {"yes", "no", NULL};
  int car = tu_issue(s, "car", yn);
  tu_weight(s, 0, sal, 2);
  tu_weight(s, 0, sh, 1);
  tu_weight(s, 0, car, 1);
  tu_weight(s, 1, sal, 1);
  tu_weight(s, 1, sh, 1);
  tu_values(s, 0, sal, 3, (double[]){0, 0.5, 1});
  tu_values(s, 0, sh, 3, (double[]){0, 0.5, 1});
  tu_values(s, 0, car, 2, (double[]){1, 0});
  tu_values(s, 1, sal, 3, (double[]){1, 0.5, 0});
  tu_values(s, 1, sh, 3, (double[]){1, 0.5, 0});
  tu_rule(s, 1, "cap", pl_expr_not(tu_in1(sal, 2)));
  tu_finish(s);
  return s;
}

static void test_feasible_json(void **state) {
  (void)state;
  pl_scenario *s = job();
  pl_analysis *a = tu_analyze(s);
  char *text = pl_analysis_to_json(a);
  assert_non_null(text);
  json_t *root = parse(text);
  assert_string_equal(str(root, "scenario"), "job");
  assert_string_equal(str(root, "title"), "A job");
  assert_int_equal(json_integer_value(get(root, "outcomes")), 18);
  /* salary 60 is out: 12 feasible */
  assert_int_equal(json_integer_value(get(root, "feasible")), 12);
  assert_true(json_is_null(get(root, "status_quo_utilities")));
  assert_string_equal(str(root, "partial_agreements_status"), "not_needed");
  arr(root, "partial_agreements", 0);
  arr(root, "deadlocks", 0);
  /* the cap binds: (60, 0, yes) violates it and nothing else */
  json_t *bind = arr(root, "binding", 1);
  assert_string_equal(str(json_array_get(bind, 0), "party"), "firm");
  assert_string_equal(str(json_array_get(bind, 0), "red_line"), "cap");
  assert_string_equal(str(json_array_get(bind, 0), "description"), "");

  /* the frontier, point by point as the API gives it */
  size_t nf = pl_analysis_pareto_count(a);
  assert_true(nf > 1);
  json_t *pareto = arr(root, "pareto", nf);
  for (size_t k = 0; k < nf; k++) {
    const pl_point *pt = pl_analysis_pareto(a, k);
    json_t *jp = json_array_get(pareto, k);
    json_t *out = get(jp, "outcome");
    assert_int_equal(json_object_size(out), 3);
    /* integer issue: a JSON integer; real: a real; discrete: the id */
    json_t *sal = get(out, "salary"), *sh = get(out, "share");
    assert_true(json_is_integer(sal));
    assert_int_equal(json_integer_value(sal), 40 + 10 * (int)pt->options[0]);
    assert_true(json_is_real(sh));
    assert_double_near(json_real_value(sh), 0.5 * pt->options[1], 0);
    assert_string_equal(str(out, "car"), pt->options[2] ? "no" : "yes");
    json_t *u = arr(jp, "utilities", 2);
    for (size_t p = 0; p < 2; p++)
      assert_double_near(num(json_array_get(u, p)), pt->utilities[p], 1e-9);
    assert_null(json_object_get(jp, "rational")); /* solutions only */
  }
  /* solutions: packages with rational = [null, null] (no status quo) */
  const char *sol[] = {"nash", "kalai", "welfare", "egalitarian"};
  for (int w = 0; w < 4; w++) {
    json_t *js = get(root, sol[w]);
    assert_true(json_is_object(js));
    const pl_point *pt = pl_analysis_solution(a, (pl_solution)w);
    assert_int_equal(json_integer_value(get(get(js, "outcome"), "salary")),
                     40 + 10 * (int)pt->options[0]);
    json_t *u = arr(js, "utilities", 2);
    assert_double_near(num(json_array_get(u, 0)), pt->utilities[0], 1e-9);
    json_t *rat = arr(js, "rational", 2);
    assert_true(json_is_null(json_array_get(rat, 0)));
    assert_true(json_is_null(json_array_get(rat, 1)));
  }
  /* issues: options of a numeric issue are numbers, as in outcomes */
  json_t *issues = arr(root, "issues", 3);
  json_t *acc = get(get(json_array_get(issues, 0), "acceptable"), "firm");
  assert_int_equal(json_array_size(acc), 2);
  assert_true(json_is_integer(json_array_get(acc, 1)));
  assert_int_equal(json_integer_value(json_array_get(acc, 1)), 50);
  json_decref(root);
  pl_free(text);
  pl_analysis_free(a);
  pl_scenario_free(s);
}

/* One jansson allocation failing (the (n+1)th, for every n up to the number
 * the tree of a complete document needs; the later ones succeed):
 * pl_analysis_to_json returns NULL, never a document with a part missing.
 * The allocations of json_dumps itself are left out: jansson 2.14 ignores a
 * failure while it writes an object key (do_dump does not check what
 * dump_string returns) and prints a corrupt document, which pl_analysis_to_json
 * cannot see. */
static long json_fail_after = -1, json_allocs = 0;
static void *failing_malloc(size_t n) {
  json_allocs++;
  if (json_fail_after == 0) {
    json_fail_after = -1;
    return NULL;
  }
  if (json_fail_after > 0) json_fail_after--;
  return malloc(n);
}

static void test_json_out_of_memory(void **state) {
  (void)state;
  pl_scenario *s = load("examples/security-talks.yaml");
  pl_analysis *a = tu_analyze(s);
  json_set_alloc_funcs(failing_malloc, free);
  json_allocs = 0;
  char *ref = pl_analysis_to_json(a);
  long total = json_allocs;
  assert_non_null(ref);
  /* the allocations of printing the same tree */
  json_t *copy = json_loads(ref, 0, NULL);
  assert_non_null(copy);
  json_allocs = 0;
  char *again = pl__json_dumps(copy, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
  assert_string_equal(again, ref);
  total -= json_allocs;
  free(again);
  json_decref(copy);
  assert_true(total > 100);
  long nulls = 0;
  for (long n = 0; n < total; n++) {
    json_fail_after = n;
    char *text = pl_analysis_to_json(a);
    json_fail_after = -1;
    if (!text) {
      nulls++;
      continue;
    }
    if (strcmp(text, ref)) {
      json_set_alloc_funcs(malloc, free);
      fail_msg("allocation %ld failed: an incomplete document of %zu bytes "
               "(complete: %zu)",
               n, strlen(text), strlen(ref));
    }
    free(text);
  }
  json_set_alloc_funcs(malloc, free);
  assert_int_equal(nulls, total); /* every allocation matters */
  pl_free(ref);
  pl_analysis_free(a);
  pl_scenario_free(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_security_talks_json),
      cmocka_unit_test(test_feasible_json),
      cmocka_unit_test(test_json_out_of_memory),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
