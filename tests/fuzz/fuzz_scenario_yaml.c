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

#include "fuzz_check.h"
#include "parley/parley.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define check fuzz_check

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

  fuzz_check_analysis(s, 100000);
  pl_scenario_free(s);
  return 0;
}
