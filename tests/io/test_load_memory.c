/* pl_scenario_load_memory (src/io/load.c): files held in memory read with
 * the same readers as files on disk. Each case loads the same files both
 * ways, from inside their folder so that the names agree, and wants the
 * same scenario (the same YAML text) or the same error, place and message
 * for message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/util.h"
#include "io/formats.h"
#include "parley/parley.h"
#include "testutil.h"

typedef struct outcome {
  int rc;
  pl_error err;
  char *yaml; /* on success */
} outcome;

static void outcome_free(outcome *o) { pl__free(o->yaml); }

static void finish(outcome *o, pl_scenario *s) {
  if (!o->rc) {
    size_t len;
    assert_int_equal(pl__yaml_text(s, &o->yaml, &len, NULL), PL_OK);
  }
  pl_scenario_free(s);
}

/* names: files of folder `dir` (relative to the source tree), NULL-ended. */
static void both(const char *dir, const char *const *names, outcome *disk,
                 outcome *mem) {
  char here[4096];
  assert_non_null(getcwd(here, sizeof here));
  assert_int_equal(chdir(tu_source_path(dir)), 0);
  size_t n = 0;
  while (names[n]) n++;
  memset(disk, 0, sizeof *disk);
  memset(mem, 0, sizeof *mem);
  pl_scenario *s = NULL;
  disk->rc = pl_scenario_load_inputs(names, n, NULL, &s, &disk->err);
  finish(disk, s);
  pl_memory_file files[16];
  char *data[16];
  for (size_t k = 0; k < n; k++) {
    size_t len;
    assert_int_equal(pl__read_file(names[k], 1 << 26, &data[k], &len, NULL), PL_OK);
    files[k] = (pl_memory_file){names[k], data[k], len};
  }
  s = NULL;
  mem->rc = pl_scenario_load_memory(files, n, NULL, NULL, &s, &mem->err);
  finish(mem, s);
  for (size_t k = 0; k < n; k++) pl__free(data[k]);
  assert_int_equal(chdir(here), 0);
}

static void same(const char *dir, const char *const *names, int want_ok) {
  outcome d, m;
  both(dir, names, &d, &m);
  assert_int_equal(m.rc, d.rc);
  if (want_ok) {
    if (d.rc) fail_msg("%s: %s", d.err.file, d.err.message);
    assert_string_equal(m.yaml, d.yaml);
  } else {
    assert_int_not_equal(d.rc, PL_OK);
    assert_string_equal(m.err.file, d.err.file);
    assert_int_equal(m.err.line, d.err.line);
    assert_int_equal(m.err.column, d.err.column);
    assert_string_equal(m.err.message, d.err.message);
  }
  outcome_free(&d);
  outcome_free(&m);
}

static void test_yaml(void **state) {
  (void)state;
  same("examples", (const char *const[]){"job-offer.yaml", NULL}, 1);
}

static void test_genius(void **state) {
  (void)state;
  same("tests/data/genius/mixed",
       (const char *const[]){"mixed.xml", "buyer.xml", "seller.xml", NULL}, 1);
}

static void test_geniusweb(void **state) {
  (void)state;
  same("tests/data/geniusweb/mixed",
       (const char *const[]){"mixed.json", "buyer.json", "seller.json", NULL}, 1);
}

/* Several files are a folder: any order, the domain found by content. */
static void test_any_order(void **state) {
  (void)state;
  outcome d, m;
  both("tests/data/genius/mixed",
       (const char *const[]){"mixed.xml", "buyer.xml", "seller.xml", NULL}, &d, &m);
  outcome r1, r2;
  both("tests/data/genius/mixed",
       (const char *const[]){"seller.xml", "mixed.xml", "buyer.xml", NULL}, &r1, &r2);
  assert_int_equal(r2.rc, PL_OK);
  assert_string_equal(r2.yaml, d.yaml);
  outcome_free(&d);
  outcome_free(&m);
  outcome_free(&r1);
  outcome_free(&r2);
}

static void test_errors(void **state) {
  (void)state;
  same("tests/data/geniusweb/bad",
       (const char *const[]){"dom_syntax.json", "good.json", NULL}, 0);
  same("tests/data/genius/broken",
       (const char *const[]){"tag_mismatch.xml", NULL}, 0);
  same("tests/data/geniusweb/bad", (const char *const[]){"dom.json", NULL}, 0);
}

static void test_bad_names(void **state) {
  (void)state;
  pl_scenario *s = NULL;
  pl_error err;
  pl_memory_file f[2] = {{"../x.yaml", "a", 1}, {"b.yaml", "b", 1}};
  assert_int_equal(pl_scenario_load_memory(f, 1, "up", NULL, &s, &err), PL_EPARSE);
  assert_string_equal(err.file, "up");
  f[0].name = "b.yaml";
  assert_int_equal(pl_scenario_load_memory(f, 2, "up", NULL, &s, &err), PL_EPARSE);
  assert_non_null(strstr(err.message, "two files are named"));
  assert_int_equal(pl_scenario_load_memory(f, 0, "up", NULL, &s, &err), PL_EPARSE);
  /* names that are no file of the set are not read from the disk */
  f[0] = (pl_memory_file){"README.md", "# x", 3};
  f[1] = (pl_memory_file){"notes.txt", "x", 1};
  assert_int_equal(pl_scenario_load_memory(f, 2, "up", NULL, &s, &err), PL_EPARSE);
  assert_null(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_yaml),       cmocka_unit_test(test_genius),
      cmocka_unit_test(test_geniusweb),  cmocka_unit_test(test_any_order),
      cmocka_unit_test(test_errors),     cmocka_unit_test(test_bad_names),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
