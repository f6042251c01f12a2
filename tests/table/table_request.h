/* One request of the negotiation table's JSON API straight into
 * pl_table_handle, for the tests of tests/table/ (no HTTP). */
#ifndef PL_TEST_TABLE_REQUEST_H
#define PL_TEST_TABLE_REQUEST_H

#include <string.h>

#include "parley/table.h"

/* The answer in *r (its body to pl_free); returns its status, or 0 when
 * pl_table_handle could make none. NULL arguments are absent. */
static inline int table_request(pl_table *t, const char *method,
                                const char *path, const char *token,
                                const char *body, const char *since,
                                const char *wait, const char *from,
                                pl_table_response *r) {
  pl_table_request q = {0};
  q.method = method;
  q.path = path;
  q.token = token;
  q.content_type = "application/json";
  q.body = body;
  q.body_len = body ? strlen(body) : 0;
  q.since = since;
  q.wait = wait;
  q.from = from;
  if (pl_table_handle(t, &q, r)) return 0;
  return r->status;
}

#endif
