/* What every fuzz target checks after a successful load: the analysis
 * either succeeds with a report that parses as JSON, or fails with its
 * error filled in. A broken promise aborts, so libFuzzer reports it. */
#ifndef PL_FUZZ_CHECK_H
#define PL_FUZZ_CHECK_H

#include <jansson.h>
#include <stdlib.h>

#include "parley/parley.h"

static inline void fuzz_check(int ok) {
  if (!ok) abort();
}

static inline void fuzz_check_analysis(const pl_scenario *s,
                                       uint64_t max_outcomes) {
  pl_analysis_options o;
  pl_analysis_options_init(&o);
  o.max_outcomes = max_outcomes;
  o.memory_limit = (uint64_t)64 << 20;
  pl_analysis *a = NULL;
  pl_error err;
  int rc = pl_analyze(s, &o, &a, &err);
  if (rc == PL_OK) {
    char *json = pl_analysis_to_json(a);
    fuzz_check(json != NULL);
    /* ids from the input end up in the report: it must stay valid JSON */
    json_t *doc = json_loads(json, JSON_REJECT_DUPLICATES, NULL);
    fuzz_check(doc != NULL);
    json_decref(doc);
    pl_free(json);
    pl_analysis_free(a);
  } else {
    fuzz_check(a == NULL && err.code == rc && err.message[0] != 0);
  }
}

#endif
