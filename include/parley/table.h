/*
 * table.h — a negotiation table for people and agents: sessions whose
 * human parties answer through requests, one party's view at a time, kept
 * in SQLite and resumed after a restart (docs/web.md). `parley serve`
 * puts it behind HTTP; this module knows nothing of sockets.
 *
 * The conventions of core.h hold for every call declared here.
 */
#ifndef PARLEY_TABLE_H
#define PARLEY_TABLE_H

#include "parley/records.h"
#include "parley/session.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A set of negotiations over a set of scenarios. Human parties are agents
 * of a registry (agents.h) that answer PL_AGENT_WAIT until their person
 * acts; every other party is a built-in strategy. Thread-safe: every call
 * may come from any thread. Each session has its own lock, so requests to
 * different sessions run in parallel and a waiting view or stream is woken
 * by its own session's actions only (docs/architecture.md). */
typedef struct pl_table pl_table;

typedef struct pl_table_options {
  size_t struct_size;   /* sizeof(pl_table_options), set by _init */
  /* A folder for the SQLite store (created when missing; file
   * DATA/parley-table.sqlite): every session and every person's action is
   * stored before it is answered, and pl_table_new resumes them by
   * replaying the actions through the engine. NULL (default): in memory
   * only. */
  const char *data_dir;
  size_t max_sessions;  /* new sessions refused past it (default 1000) */
  int max_rounds;       /* the longest deadline a session may ask for
                           (default 1000) */
  /* A key with party id "engine" (pl_key_load of a `parley keygen --party
   * engine` file): transcripts are then signed parley records
   * (docs/records.md) that `parley verify` checks. Borrowed: it must
   * outlive the table. NULL (default): plain transcripts. */
  const pl_key *sign_key;
} pl_table_options;
PL_API void pl_table_options_init(pl_table_options *o);

/* Opens the table (and its store; resumes its sessions). o may be NULL.
 * Fails with PL_EIO when the store cannot be opened or read, PL_EPARSE
 * when a stored session no longer loads. */
PL_API int pl_table_new(const pl_table_options *o, pl_table **out,
                        pl_error *err);
PL_API void pl_table_free(pl_table *t);

/* Offers a scenario to new sessions under `name` (1 to 63 letters, digits,
 * '-', '_', '.'; a name given again replaces the scenario for new
 * sessions). The table keeps its own copy (its YAML text, stored with
 * each session), so s may be freed afterwards. */
PL_API int pl_table_add_scenario(pl_table *t, const char *name,
                                 const pl_scenario *s, pl_error *err);

/* Request bodies longer than this are refused (413). */
#define PL_TABLE_MAX_BODY 65536
/* ... except an upload of a scenario (POST /api/scenarios): its files in
 * base64 within a JSON body of at most 4 MiB (about 3 MiB of files). */
#define PL_TABLE_MAX_UPLOAD (4u << 20)
/* Scenarios uploaded to one table (kept in its store), at most. */
#define PL_TABLE_MAX_UPLOADS 100
/* The body limit of a request (a server refuses a longer Content-Length
 * before reading the body). */
PL_API size_t pl_table_body_limit(const char *method, const char *path);
/* Tokens: 32 random bytes as 64 hexadecimal digits. */
#define PL_TABLE_TOKEN_LEN 64

/* One request of the JSON API (docs/web.md). path excludes the query;
 * token is the X-Parley-Token header (NULL: none); since, wait and from
 * are the query's values (NULL: absent); last_event_id the Last-Event-ID
 * header of a stream's reconnection (NULL: none). */
typedef struct pl_table_request {
  const char *method;
  const char *path;
  const char *token;
  const char *content_type; /* of the body: POSTs must send
                               application/json (a cross-site form
                               cannot), else 415 */
  const char *body;
  size_t body_len;
  const char *since;
  const char *wait;
  const char *from; /* a view's events from this index on (default 0) */
  const char *last_event_id;
} pl_table_request;

/* Its answer: an HTTP status, the content type, and the body (pl_free).
 * private_: 1 when the body is one party's (never to be cached).
 * filename: not NULL for a download (a server sends it as an attachment
 * under this name). csp: when not empty, the Content-Security-Policy this
 * body needs instead of the page's (a report's inline style and script,
 * by their hashes).
 *
 * GET /api/sessions/ID/events answers one piece of a stream of
 * server-sent events (text/event-stream) at a time: a view once there is
 * a new version, or after `wait` seconds (default 15) a comment that keeps
 * the connection alive. A server sends the pieces one after the other on
 * one response, passing next_since and next_from back as the next
 * request's since and from, until end_of_stream (the negotiation's last
 * view is sent, or the table stops). */
typedef struct pl_table_response {
  int status;
  const char *content_type;
  char *body;
  size_t len;
  int private_;
  const char *filename;
  char csp[1024];
  uint64_t next_since, next_from;
  int end_of_stream;
} pl_table_response;

/* Answers one request: the page and its script and style, the list of
 * scenarios, a new session, a party's view (long polling with `since`
 * and `wait`), a piece of its stream of events, a party's action. Errors are answers too: a status >= 400
 * and {"error": "..."}. Returns PL_OK, or PL_ENOMEM when no answer could be
 * made (then r->body is NULL). */
PL_API int pl_table_handle(pl_table *t, const pl_table_request *q,
                           pl_table_response *r);

/* Wakes every waiting view and stream (they answer at once, and streams
 * end): for a server that stops. */
PL_API void pl_table_wake(pl_table *t);

#ifdef __cplusplus
}
#endif

#endif
