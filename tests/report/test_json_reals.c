/* Lossless reals in every JSON output (src/core/json_text.c): the
 * shortest-form writer reads back exactly, every writer of the library
 * goes through it, and the reals of the analysis, run and transcript JSON
 * read back equal to the library's own doubles, bit for bit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <dirent.h>
#include <float.h>
#include <jansson.h>
#include <math.h>
#include <string.h>

#include "core/json_text.h"
#include "testutil.h"

static double random_double(tu_rng *r) {
  for (;;) {
    uint64_t bits = tu_next(r);
    double d;
    memcpy(&d, &bits, sizeof d);
    if (isfinite(d)) return d;
  }
}

/* The shortest form reads back; whatever %.15g gives back exactly is
 * what is written (the readable form of most utilities). */
static void test_shortest_reads_back(void **state) {
  (void)state;
  static const double fixed[] = {0.1,  0.18, 1.0 / 3, 1.0, 0.0, -0.0, 1e16,
                                 1e21, 5e-324, DBL_MAX, DBL_MIN, 0.955,
                                 0.9550000000000001, 123456789012345678.0};
  char buf[PL__REAL_CHARS];
  tu_rng r = {15};
  for (int k = 0; k < 200000; k++) {
    double v = k < (int)(sizeof fixed / sizeof *fixed) ? fixed[k]
               : k % 2 ? random_double(&r)
                       : (double)(tu_next(&r) >> 11) / 9007199254740992.0;
    int n = pl__shortest_double(buf, v);
    assert_int_equal(n, (int)strlen(buf));
    assert_true(n < PL__REAL_CHARS);
    double back = strtod(buf, NULL);
    assert_memory_equal(&back, &v, sizeof v);
    char f15[PL__REAL_CHARS];
    snprintf(f15, sizeof f15, "%.15g", v);
    if (strtod(f15, NULL) == v) assert_string_equal(buf, f15);
  }
  pl__shortest_double(buf, 0.1);
  assert_string_equal(buf, "0.1");
}

/* pl__json_dumps: reals read back exactly and stay reals, integers stay
 * integers, strings that look like numbers are untouched. */
static void test_dumps_reads_back(void **state) {
  (void)state;
  tu_rng r = {7};
  json_t *root = json_object();
  json_t *arr = json_array();
  enum { N = 20000 };
  static double want[N];
  for (int k = 0; k < N; k++) {
    want[k] = k % 3 ? random_double(&r) : (double)(k % 7) / 10;
    json_array_append_new(arr, json_real(want[k]));
  }
  json_object_set_new(root, "reals", arr);
  json_object_set_new(root, "ints", json_pack("[i,i,I]", 0, -3, (json_int_t)1 << 60));
  json_object_set_new(root, "text", json_string("0.10000000000000001 \"1e5\" \\ -2.50"));
  json_object_set_new(root, "whole", json_real(3.0));
  for (size_t flags = 0; flags < 2; flags++) {
    char *text = pl__json_dumps(root, flags ? JSON_COMPACT : JSON_INDENT(2));
    assert_non_null(text);
    json_t *back = json_loads(text, 0, NULL);
    assert_non_null(back);
    json_t *ba = json_object_get(back, "reals");
    assert_int_equal(json_array_size(ba), N);
    for (int k = 0; k < N; k++) {
      json_t *v = json_array_get(ba, (size_t)k);
      assert_true(json_is_real(v));
      double d = json_real_value(v);
      assert_memory_equal(&d, &want[k], sizeof d);
    }
    assert_true(json_equal(json_object_get(back, "ints"),
                           json_object_get(root, "ints")));
    assert_string_equal(json_string_value(json_object_get(back, "text")),
                        "0.10000000000000001 \"1e5\" \\ -2.50");
    assert_true(json_is_real(json_object_get(back, "whole")));
    assert_non_null(strstr(text, "3.0"));
    assert_non_null(strstr(text, "0.1"));
    assert_null(strstr(text, "0.10000000000000001,"));
    json_decref(back);
    free(text);
  }
  json_decref(root);
}

/* No library source writes JSON text but through pl__json_dumps. */
static void scan(const char *dir, int *files) {
  DIR *d = opendir(dir);
  if (!d) fail_msg("cannot open %s", dir);
  struct dirent *e;
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.') continue;
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    size_t n = strlen(e->d_name);
    if (n > 2 && !strcmp(e->d_name + n - 2, ".c")) {
      if (!strcmp(e->d_name, "json_text.c")) continue;
      FILE *f = fopen(path, "r");
      assert_non_null(f);
      char line[4096];
      int ln = 0;
      while (fgets(line, sizeof line, f)) {
        ln++;
        if (strstr(line, "json_dump") && !strstr(line, "pl__json_dumps"))
          fail_msg("%s:%d writes JSON without pl__json_dumps", path, ln);
        if (strstr(line, "JSON_REAL_PRECISION"))
          fail_msg("%s:%d sets a real precision", path, ln);
      }
      fclose(f);
      ++*files;
    } else if (!strchr(e->d_name, '.')) {
      scan(path, files); /* a subdirectory */
    }
  }
  closedir(d);
}

static void test_every_writer_is_lossless(void **state) {
  (void)state;
  int files = 0;
  scan(tu_source_path("src"), &files);
  assert_true(files > 50);
}

static void same(json_t *v, double want) {
  assert_true(json_is_number(v));
  double d = json_number_value(v);
  assert_memory_equal(&d, &want, sizeof d);
}

static void same_array(json_t *arr, const double *want, int n) {
  assert_int_equal(json_array_size(arr), n);
  for (int p = 0; p < n; p++) same(json_array_get(arr, (size_t)p), want[p]);
}

/* The analysis, the run's result and its transcript: their reals are
 * the library's doubles exactly. */
static void test_outputs_are_the_doubles(void **state) {
  (void)state;
  pl_scenario *s = tu_load("examples/job-offer.yaml");
  int np = pl_scenario_party_count(s);
  pl_analysis *a = tu_analyze(s);
  char *text = pl_analysis_to_json(a);
  json_t *j = json_loads(text, 0, NULL);
  assert_non_null(j);
  json_t *pareto = json_object_get(j, "pareto");
  assert_int_equal(json_array_size(pareto), pl_analysis_pareto_count(a));
  assert_true(json_array_size(pareto) > 0);
  for (size_t i = 0; i < json_array_size(pareto); i++)
    same_array(json_object_get(json_array_get(pareto, i), "utilities"),
               pl_analysis_pareto(a, i)->utilities, np);
  same_array(json_object_get(json_object_get(j, "nash"), "utilities"),
             pl_analysis_solution(a, PL_SOLUTION_NASH)->utilities, np);
  json_decref(j);
  pl_free(text);

  const char *agents[2] = {"boulware", "conceder"};
  pl_session_options o;
  pl_session_options_init(&o);
  o.rounds = 10;
  pl_session *x = NULL;
  assert_int_equal(pl_session_new(s, &o, agents, &x, NULL), PL_OK);
  pl_session_run(x);
  text = pl_session_to_json(x, a);
  j = json_loads(text, 0, NULL);
  assert_non_null(j);
  same(json_object_get(j, "distance_to_nash"), pl_session_distance_to_nash(x, a));
  same(json_object_get(j, "distance_to_pareto"),
       pl_session_distance_to_pareto(x, a));
  same(json_object_get(j, "time"), pl_session_time(x));
  json_decref(j);
  pl_free(text);

  text = pl_session_transcript(x);
  size_t k = 0;
  int offers = 0;
  for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
    j = json_loads(line, 0, NULL);
    assert_non_null(j);
    const char *ev = json_string_value(json_object_get(j, "event"));
    if (ev && strcmp(ev, "run") && strcmp(ev, "message")) {
      const pl_event *e = pl_session_event(x, k++);
      same(json_object_get(j, "time"), e->time);
      json_t *u = json_object_get(j, "utilities");
      if (e->utilities && u) {
        same_array(u, e->utilities, np);
        offers++;
      }
    }
    json_decref(j);
  }
  assert_int_equal(k, pl_session_event_count(x));
  assert_true(offers > 0);
  pl_free(text);
  pl_session_free(x);
  pl_analysis_free(a);
  pl_scenario_free(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_shortest_reads_back),
      cmocka_unit_test(test_dumps_reads_back),
      cmocka_unit_test(test_every_writer_is_lossless),
      cmocka_unit_test(test_outputs_are_the_doubles),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
