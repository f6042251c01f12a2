/* libFuzzer target: the YAML plan reader (src/sequence/plan_yaml.c), then
 * (on success) the sequencing analysis with small limits, an evaluation of
 * the order it recommends, and both JSON reports.
 *
 * Built by tests/fuzz/CMakeLists.txt when PL_FUZZ is ON (clang), and linked
 * into the plain replay driver (tests/fuzz/replay.c) that ctest runs over
 * tests/fuzz/corpus/plan_yaml. A broken promise of the API aborts: a
 * failing load returns no plan and a one-line message with a place; the
 * analysis succeeds on every plan the reader accepts; evaluating the
 * recommended order gives its figures back; the reports parse. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "parley/sequence.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define check fuzz_check

static void check_json(const pl_sequence *r) {
  char *text = pl_sequence_to_json(r);
  check(text != NULL);
  json_t *doc = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
  check(doc != NULL);
  json_decref(doc);
  pl_free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  pl_plan *p = NULL;
  pl_error err;
  memset(&err, 0, sizeof err);
  int rc = pl_plan_load_string((const char *)data, size, "fuzz.yaml", &p, &err);
  if (rc != PL_OK) {
    check(p == NULL);
    check(rc < 0 && err.code == rc);
    check(err.message[0] != 0 && strchr(err.message, '\n') == NULL);
    check(rc == PL_ENOMEM || (err.line >= 1 && err.column >= 1));
    return 0;
  }
  check(p != NULL && pl_plan_step_count(p) >= 1 && pl_plan_party_count(p) >= 1);
  pl_sequence_options o;
  pl_sequence_options_init(&o);
  o.max_states = 4096;
  o.memory_limit = (uint64_t)16 << 20;
  o.beam_width = 4;
  o.max_conflicts = 20;
  o.max_extra_tranches = 3;
  o.tranche_work = 20000;
  pl_sequence *r = NULL;
  rc = pl_sequence_analyze(p, &o, &r, &err);
  check(rc == PL_OK && r != NULL);
  check_json(r);
  size_t n;
  const int *order = pl_sequence_order(r, PL_ORDER_RECOMMENDED, &n);
  check(order != NULL && n == (size_t)pl_plan_step_count(p));
  pl_sequence *e = NULL;
  rc = pl_sequence_evaluate(p, order, n, &e, &err);
  check(rc == PL_OK);
  check(pl_sequence_hard_violated(e, PL_ORDER_RECOMMENDED) ==
        pl_sequence_hard_violated(r, PL_ORDER_RECOMMENDED));
  check(pl_sequence_weight_violated(e, PL_ORDER_RECOMMENDED) ==
        pl_sequence_weight_violated(r, PL_ORDER_RECOMMENDED));
  check(pl_sequence_feasible(r) == pl_sequence_feasible(e));
  if (pl_sequence_feasible(r))
    check(pl_sequence_hard_violated(r, PL_ORDER_RECOMMENDED) == 0);
  check_json(e);
  pl_sequence_free(e);
  pl_sequence_free(r);
  pl_plan_free(p);
  return 0;
}
