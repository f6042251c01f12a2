/* libFuzzer target: the YAML scenario reader, then (on success) the
 * analysis with small limits and the JSON report.
 *
 * Built by tests/fuzz/CMakeLists.txt when PL_FUZZ is ON (clang), and also
 * linked into the plain `replay` driver (tests/fuzz/replay.c) that ctest
 * runs over the saved corpus. Besides the sanitizers' findings, a broken
 * promise of the API aborts: a failing load must return no scenario and
 * fill the error with the same code and a one-line message; the JSON
 * report must parse. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parley/parley.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok) {
  if (!ok) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  pl_scenario *s = NULL;
  pl_error err;
  memset(&err, 0, sizeof err);
  int rc = pl_scenario_load_yaml((const char *)data, size, "fuzz.yaml", &s,
                                 &err);
  if (rc != PL_OK) {
    check(s == NULL);
    check(rc < 0 && err.code == rc);
    check(err.message[0] != 0 && strchr(err.message, '\n') == NULL);
    check(rc == PL_ENOMEM || (err.line >= 1 && err.column >= 1));
    return 0;
  }
  check(s != NULL);
  check(pl_scenario_party_count(s) >= 1 && pl_scenario_issue_count(s) >= 1);

  pl_analysis_options o;
  pl_analysis_options_init(&o);
  o.max_outcomes = 100000;
  o.memory_limit = (uint64_t)64 << 20;
  pl_analysis *a = NULL;
  rc = pl_analyze(s, &o, &a, &err);
  if (rc == PL_OK) {
    char *json = pl_analysis_to_json(a);
    check(json != NULL);
    /* ids from the input end up in the report: it must stay valid JSON */
    json_t *doc = json_loads(json, JSON_REJECT_DUPLICATES, NULL);
    check(doc != NULL);
    json_decref(doc);
    pl_free(json);
    pl_analysis_free(a);
  } else {
    check(a == NULL && err.code == rc && err.message[0] != 0);
  }
  pl_scenario_free(s);
  return 0;
}
