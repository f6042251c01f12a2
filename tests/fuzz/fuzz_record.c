/* libFuzzer target: the record and bundle reader (pl_record_parse) and the
 * verifier. An input is the text of a record. What must hold for any
 * input: parsing fails only with a message, or gives a record whose text
 * is the input again (damaged lines are kept as they were); verification
 * succeeds (a verdict, flaws and all) and its JSON parses; every flaw
 * names a line of the input; the fast mode finds a flaw exactly when the
 * full one does. Built by tests/fuzz/CMakeLists.txt when PL_FUZZ is ON;
 * ctest replays tests/fuzz/corpus/record (replay.cmake). */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "parley/parley.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define check fuzz_check

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > (1 << 20)) return 0;
  pl_record *r = NULL;
  pl_error err;
  memset(&err, 0, sizeof err);
  int rc = pl_record_parse((const char *)data, size, "fuzz", &r, &err);
  if (rc != PL_OK) {
    check(r == NULL && rc < 0 && err.code == rc && err.message[0]);
    return 0;
  }
  size_t lines = 0;
  for (size_t k = 0; k < size; k++) lines += data[k] == '\n';
  if (size && data[size - 1] != '\n') lines++;
  char *text = pl_record_to_text(r);
  check(text != NULL);
  if (!size || data[size - 1] == '\n') /* (damaged lines may hold NULs) */
    check(!memcmp(text, data, size) && text[size] == 0);
  pl_free(text);
  pl_verdict *v = NULL, *f = NULL;
  check(pl_record_verify(r, NULL, &v, &err) == PL_OK && v);
  pl_verify_options o;
  pl_verify_options_init(&o);
  o.fast = 1;
  check(pl_record_verify(r, &o, &f, &err) == PL_OK && f);
  check(pl_verdict_ok(v) == pl_verdict_ok(f));
  for (size_t i = 0; i < pl_verdict_flaw_count(v); i++) {
    const pl_flaw *x = pl_verdict_flaw(v, i);
    check(x->line <= lines && x->detail[0]);
  }
  char *json = pl_verdict_to_json(v);
  check(json != NULL);
  json_t *doc = json_loads(json, JSON_REJECT_DUPLICATES, NULL);
  check(doc != NULL);
  json_decref(doc);
  pl_free(json);
  pl_verdict_free(v);
  pl_verdict_free(f);
  pl_record_free(r);
  return 0;
}
