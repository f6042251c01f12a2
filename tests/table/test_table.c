/* The negotiation table (include/parley/table.h) without HTTP: requests
 * straight into pl_table_handle. A person against boulware to the end,
 * a person's refused moves, privacy of the other party's preferences,
 * tokens, caps and hostile bodies, paths, a table reopened on its
 * store that resumes its sessions event for event, and the pieces of a
 * stream of events (server-sent events); an upload, the host's view (and
 * its stream), the figure and the results after the end, and what a seat
 * gets of them before the end. (tests/web/serve_api.py
 * does the same through the server.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <jansson.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "table/table_request.h"
#include "testutil.h"

static char path_buf[4096];
static const char *src_path(const char *rel) {
  const char *dir = getenv("PL_SOURCE_DIR");
  snprintf(path_buf, sizeof path_buf, "%s/%s", dir ? dir : ".", rel);
  return path_buf;
}

static pl_table *open_table(const char *data) {
  pl_table_options o;
  pl_table_options_init(&o);
  o.data_dir = data;
  pl_table *t = NULL;
  pl_error err = {0};
  int rc = pl_table_new(&o, &t, &err);
  if (rc) fail_msg("pl_table_new: %s", err.message);
  const char *files[][2] = {{"job-offer", "examples/job-offer.yaml"},
                            {"secret-offer", "tests/data/web/secret-offer.yaml"}};
  for (size_t k = 0; k < 2; k++) {
    pl_scenario *s = NULL;
    if (pl_scenario_load(src_path(files[k][1]), &s, &err))
      fail_msg("%s", err.message);
    assert_int_equal(pl_table_add_scenario(t, files[k][0], s, &err), PL_OK);
    pl_scenario_free(s);
  }
  return t;
}

/* One request; the answer's status, its JSON in *out (NULL when none). */
static int call(pl_table *t, const char *method, const char *path,
                const char *token, const char *body, const char *from,
                json_t **out) {
  pl_table_response r;
  int status = table_request(t, method, path, token, body, NULL, NULL, from, &r);
  assert_int_not_equal(status, 0);
  if (out) *out = json_loadb(r.body, r.len, 0, NULL);
  pl_free(r.body);
  return status;
}

typedef struct seat {
  char sid[33];
  char path[64], act[80];
  char token[2][PL_TABLE_TOKEN_LEN + 1];
} seat;

static void create(pl_table *t, const char *body, seat *st) {
  json_t *r = NULL;
  assert_int_equal(call(t, "POST", "/api/sessions", NULL, body, NULL, &r), 201);
  snprintf(st->sid, sizeof st->sid, "%s", json_string_value(json_object_get(r, "id")));
  snprintf(st->path, sizeof st->path, "/api/sessions/%s", st->sid);
  snprintf(st->act, sizeof st->act, "/api/sessions/%s/act", st->sid);
  json_t *links = json_object_get(r, "links");
  const char *ids[] = {"candidate", "employer"};
  for (int p = 0; p < 2; p++) {
    const char *tok = json_string_value(json_object_get(json_object_get(links, ids[p]), "token"));
    snprintf(st->token[p], sizeof st->token[p], "%s", tok ? tok : "");
  }
  json_decref(r);
}

static const char *ask(json_t *v) {
  return json_string_value(json_object_get(json_object_get(v, "you"), "ask"));
}

static const char best[] =
    "{\"type\":\"offer\",\"offer\":{\"salary\":\"80\",\"remote\":\"1\","
    "\"start\":\"september\"}}";

static void person_against_boulware(void **state) {
  (void)state;
  pl_table *t = open_table(NULL);
  seat st;
  create(t, "{\"scenario\":\"job-offer\",\"rounds\":6,\"parties\":"
            "{\"candidate\":\"person\",\"employer\":\"boulware\"}}", &st);
  assert_int_equal(st.token[1][0], 0); /* no link for an agent */
  json_t *v = NULL;
  assert_int_equal(call(t, "GET", st.path, st.token[0], NULL, NULL, &v), 200);
  assert_string_equal(ask(v), "propose");
  json_decref(v);
  /* refused: not its question, its own red line, an open issue */
  assert_int_equal(call(t, "POST", st.act, st.token[0], "{\"type\":\"accept\"}", NULL, NULL), 409);
  assert_int_equal(call(t, "POST", st.act, st.token[0],
                        "{\"type\":\"offer\",\"offer\":{\"salary\":\"60\",\"remote\":\"1\",\"start\":\"june\"}}",
                        NULL, NULL), 422);
  assert_int_equal(call(t, "POST", st.act, st.token[0],
                        "{\"type\":\"offer\",\"offer\":{\"salary\":\"80\"}}", NULL, NULL), 422);
  int turns = 0;
  for (; turns < 20; turns++) { /* bounded: 6 rounds */
    assert_int_equal(call(t, "POST", st.act, st.token[0], best, NULL, &v), 200);
    int over = !json_is_null(json_object_get(v, "end"));
    json_decref(v);
    if (over) break;
  }
  assert_true(turns < 20);
  assert_int_equal(call(t, "GET", st.path, st.token[0], NULL, "3", &v), 200);
  assert_string_equal(json_string_value(json_object_get(json_object_get(v, "end"), "ended_by")),
                      "deadline");
  assert_int_equal(json_integer_value(json_object_get(v, "events_from")), 3);
  json_decref(v);
  pl_table_free(t);
}

static void privacy_tokens_and_bodies(void **state) {
  (void)state;
  pl_table *t = open_table(NULL);
  seat st;
  create(t, "{\"scenario\":\"secret-offer\",\"parties\":"
            "{\"candidate\":\"person\",\"employer\":\"person\"}}", &st);
  pl_table_request q = {0};
  q.method = "GET";
  q.path = st.path;
  q.token = st.token[0];
  pl_table_response r;
  assert_int_equal(pl_table_handle(t, &q, &r), PL_OK);
  assert_int_equal(r.status, 200);
  assert_true(r.private_);
  const char *secret[] = {"SECRET", "secret_office_days_line", "0.61357", "0.98765", "0.27182"};
  for (size_t k = 0; k < 5; k++)
    if (strstr(r.body, secret[k])) fail_msg("the candidate sees %s", secret[k]);
  pl_free(r.body);
  /* tokens: none, the other party's is another view, a changed one */
  assert_int_equal(call(t, "GET", st.path, NULL, NULL, NULL, NULL), 403);
  char bad[PL_TABLE_TOKEN_LEN + 1];
  memcpy(bad, st.token[0], sizeof bad);
  bad[10] = bad[10] == 'a' ? 'b' : 'a';
  assert_int_equal(call(t, "GET", st.path, bad, NULL, NULL, NULL), 403);
  json_t *v = NULL;
  assert_int_equal(call(t, "GET", st.path, st.token[1], NULL, NULL, &v), 200);
  assert_string_equal(json_string_value(json_object_get(json_object_get(v, "you"), "id")), "employer");
  json_decref(v);
  /* bodies: too big, not JSON, duplicate keys, a form's content type */
  char *big = malloc(PL_TABLE_MAX_BODY + 2);
  memset(big, ' ', PL_TABLE_MAX_BODY + 1);
  big[PL_TABLE_MAX_BODY + 1] = 0;
  assert_int_equal(call(t, "POST", st.act, st.token[0], big, NULL, NULL), 413);
  free(big);
  assert_int_equal(call(t, "POST", st.act, st.token[0], "{", NULL, NULL), 400);
  assert_int_equal(call(t, "POST", st.act, st.token[0],
                        "{\"type\":\"end\",\"type\":\"end\"}", NULL, NULL), 400);
  q.method = "POST";
  q.path = st.act;
  q.content_type = "text/plain";
  q.body = "{\"type\":\"end\"}";
  q.body_len = strlen(q.body);
  assert_int_equal(pl_table_handle(t, &q, &r), PL_OK);
  assert_int_equal(r.status, 415);
  pl_free(r.body);
  /* paths: nothing but the page, its files and the API */
  const char *paths[] = {"/../etc/passwd", "/app.js/..", "/s/x/y", "/api/../x", "/api/sessions/x/act/y"};
  for (size_t k = 0; k < 5; k++)
    assert_int_equal(call(t, "GET", paths[k], NULL, NULL, NULL, NULL), 404);
  assert_int_equal(call(t, "GET", "/app.js", NULL, NULL, NULL, NULL), 200);
  pl_table_free(t);
}

static void resumes_from_its_store(void **state) {
  (void)state;
  char dir[] = "/tmp/parley-table-XXXXXX";
  assert_non_null(mkdtemp(dir));
  pl_table *t = open_table(dir);
  seat st;
  create(t, "{\"scenario\":\"job-offer\",\"rounds\":6,\"parties\":"
            "{\"candidate\":\"person\",\"employer\":\"boulware\"}}", &st);
  json_t *v = NULL;
  assert_int_equal(call(t, "POST", st.act, st.token[0],
                        "{\"type\":\"offer\",\"note\":\"hello\",\"offer\":{\"salary\":\"80\","
                        "\"remote\":\"1\",\"start\":\"september\"}}",
                        NULL, NULL), 200);
  assert_int_equal(call(t, "POST", st.act, st.token[0], best, NULL, &v), 200);
  json_t *before = json_deep_copy(json_object_get(v, "events"));
  json_decref(v);
  pl_table_free(t);
  t = open_table(dir);
  assert_int_equal(call(t, "GET", st.path, st.token[0], NULL, NULL, &v), 200);
  assert_true(json_equal(before, json_object_get(v, "events")));
  assert_string_equal(json_string_value(json_object_get(json_array_get(before, 0), "note")), "hello");
  assert_string_equal(ask(v), "respond");
  json_decref(v);
  json_decref(before);
  assert_int_equal(call(t, "POST", st.act, st.token[0], best, NULL, NULL), 200);
  pl_table_free(t);
  char db[4200];
  snprintf(db, sizeof db, "%s/parley-table.sqlite", dir);
  unlink(db);
  snprintf(db, sizeof db, "%s/parley-table.sqlite-wal", dir);
  unlink(db);
  snprintf(db, sizeof db, "%s/parley-table.sqlite-shm", dir);
  unlink(db);
  rmdir(dir);
}

/* The answer's status, filename and CSP for a GET with a token. */
static int get_file(pl_table *t, const char *path, const char *token,
                    pl_table_response *r) {
  return table_request(t, "GET", path, token, NULL, NULL, NULL, NULL, r);
}


/* One piece of a stream of events (GET .../events), as cmd_serve asks
 * for it. */
static int piece(pl_table *t, const char *path, const char *token,
                 const char *since, const char *from, const char *last_id,
                 pl_table_response *r) {
  pl_table_request q = {0};
  q.method = "GET";
  q.path = path;
  q.token = token;
  q.since = since;
  q.from = from;
  q.wait = "0"; /* the heartbeat comes at once */
  q.last_event_id = last_id;
  assert_int_equal(pl_table_handle(t, &q, r), PL_OK);
  return r->status;
}

static void host_upload_and_results(void **state) {
  (void)state;
  pl_table *t = open_table(NULL);
  /* an upload: a bad YAML file gets the reader's line:col, a good one is
   * listed under its file name */
  const char *bad = "scenario: x\nissues: [\n";
  char b64[256], body[512];
  sodium_bin2base64(b64, sizeof b64, (const unsigned char *)bad, strlen(bad),
                    sodium_base64_VARIANT_ORIGINAL);
  snprintf(body, sizeof body, "{\"files\":[{\"name\":\"bad.yaml\",\"data\":\"%s\"}]}", b64);
  json_t *v = NULL;
  assert_int_equal(call(t, "POST", "/api/scenarios", NULL, body, NULL, &v), 400);
  const char *msg = json_string_value(json_object_get(v, "error"));
  if (!msg || strncmp(msg, "bad.yaml:", 9)) fail_msg("upload error: %s", msg ? msg : "?");
  json_decref(v);
  char *yaml = NULL;
  size_t len = 0;
  pl_error err;
  FILE *f = fopen(src_path("examples/job-offer.yaml"), "rb");
  assert_non_null(f);
  yaml = malloc(1 << 16);
  len = fread(yaml, 1, 1 << 16, f);
  fclose(f);
  size_t blen = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_ORIGINAL);
  char *big = malloc(blen + 100);
  static const char head[] = "{\"files\":[{\"name\":\"up.yaml\",\"data\":\"";
  memcpy(big, head, sizeof head - 1);
  sodium_bin2base64(big + sizeof head - 1, blen, (const unsigned char *)yaml, len, sodium_base64_VARIANT_ORIGINAL);
  strcat(big, "\"}]}");
  free(yaml);
  assert_int_equal(call(t, "POST", "/api/scenarios", NULL, big, NULL, &v), 201);
  free(big);
  assert_string_equal(json_string_value(json_object_get(v, "name")), "up");
  json_decref(v);
  (void)err;
  /* a session on it, with its host */
  json_t *r = NULL;
  assert_int_equal(call(t, "POST", "/api/sessions", NULL,
                        "{\"scenario\":\"up\",\"rounds\":4,\"parties\":"
                        "{\"candidate\":\"person\",\"employer\":\"boulware\"}}",
                        NULL, &r), 201);
  char path[120], fig[140], res[140], act[140];
  const char *sid = json_string_value(json_object_get(r, "id"));
  const char *tok = json_string_value(json_object_get(json_object_get(json_object_get(r, "links"),
                                                                      "candidate"), "token"));
  const char *host = json_string_value(json_object_get(json_object_get(r, "host"), "token"));
  snprintf(path, sizeof path, "/api/sessions/%s", sid);
  snprintf(fig, sizeof fig, "%s/figure.svg", path);
  snprintf(act, sizeof act, "%s/act", path);
  assert_int_equal(call(t, "GET", path, host, NULL, NULL, &v), 200);
  assert_null(json_object_get(v, "you"));
  json_decref(v);
  pl_table_response fr0;
  /* the host's stream of events carries the host's view */
  char ev[140];
  snprintf(ev, sizeof ev, "%s/events", path);
  assert_int_equal(piece(t, ev, host, NULL, NULL, NULL, &fr0), 200);
  assert_non_null(strstr(fr0.body, "\"host\":true"));
  assert_null(strstr(fr0.body, "\"you\""));
  pl_free(fr0.body);
  assert_int_equal(call(t, "POST", act, host, "{\"type\":\"end\"}", NULL, NULL), 403);
  pl_table_response fr;
  assert_int_equal(get_file(t, fig, tok, &fr), 403);
  pl_free(fr.body);
  int fs = get_file(t, fig, host, &fr);
  assert_true(fs == 200 || (fs == 501 && !pl_pictures_available()));
  if (fs == 200) assert_non_null(strstr(fr.body, "<svg"));
  pl_free(fr.body);
  const char *after[] = {"analysis", "report.html", "transcript"};
  for (size_t k = 0; k < 3; k++) {
    snprintf(res, sizeof res, "%s/%s", path, after[k]);
    assert_int_equal(get_file(t, res, tok, &fr), 409);
    pl_free(fr.body);
  }
  assert_int_equal(call(t, "POST", act, tok, "{\"type\":\"end\"}", NULL, NULL), 200);
  assert_int_equal(get_file(t, fig, tok, &fr), fs);
  pl_free(fr.body);
  snprintf(res, sizeof res, "%s/transcript", path);
  assert_int_equal(get_file(t, res, tok, &fr), 200);
  assert_string_equal(fr.filename, "transcript.jsonl");
  pl_free(fr.body);
  snprintf(res, sizeof res, "%s/report.html", path);
  if (get_file(t, res, tok, &fr) == 200) {
    assert_non_null(strstr(fr.csp, "script-src 'sha256-"));
    assert_null(strstr(fr.csp, "unsafe-inline"));
  }
  pl_free(fr.body);
  json_decref(r);
  pl_table_free(t);
}

static void stream_of_events(void **state) {
  (void)state;
  pl_table *t = open_table(NULL);
  seat st;
  create(t, "{\"scenario\":\"job-offer\",\"rounds\":6,\"parties\":"
            "{\"candidate\":\"person\",\"employer\":\"person\"}}", &st);
  char ev[96];
  snprintf(ev, sizeof ev, "%s/events", st.path);
  pl_table_response r;
  /* the first piece: the view now, its id VERSION.EVENTS */
  assert_int_equal(piece(t, ev, st.token[1], NULL, NULL, NULL, &r), 200);
  assert_string_equal(r.content_type, "text/event-stream");
  assert_true(r.private_);
  assert_non_null(strstr(r.body, "id: 1.0\nevent: view\ndata: {"));
  assert_int_equal(r.next_since, 1);
  assert_int_equal(r.next_from, 0);
  assert_false(r.end_of_stream);
  pl_free(r.body);
  /* nothing new: a comment that keeps the connection alive */
  assert_int_equal(piece(t, ev, st.token[1], "1", "0", NULL, &r), 200);
  assert_string_equal(r.body, ": keep-alive\n\n");
  assert_int_equal(r.next_since, 1);
  pl_free(r.body);
  /* an offer, its answer without the events before the first (from=1:
   * none); the next view of the stream carries the new event only */
  assert_int_equal(call(t, "POST", st.act, st.token[0], "{\"type\":\"offer\"}", "x", NULL), 400);
  json_t *a = NULL;
  assert_int_equal(call(t, "POST", st.act, st.token[0], best, "1", &a), 200);
  assert_int_equal(json_array_size(json_object_get(a, "events")), 0);
  assert_int_equal(json_integer_value(json_object_get(a, "event_count")), 1);
  json_decref(a);
  assert_int_equal(piece(t, ev, st.token[1], "1", "0", NULL, &r), 200);
  assert_non_null(strstr(r.body, "id: 2.1\n"));
  json_t *v = json_loads(strstr(r.body, "data: ") + 6, JSON_DISABLE_EOF_CHECK, NULL);
  assert_int_equal(json_integer_value(json_object_get(v, "events_from")), 0);
  assert_int_equal(json_array_size(json_object_get(v, "events")), 1);
  json_decref(v);
  assert_int_equal(r.next_since, 2);
  assert_int_equal(r.next_from, 1);
  pl_free(r.body);
  /* a reconnection with Last-Event-ID resumes after it */
  assert_int_equal(piece(t, ev, st.token[1], NULL, NULL, "2.1", &r), 200);
  assert_string_equal(r.body, ": keep-alive\n\n");
  pl_free(r.body);
  assert_int_equal(piece(t, ev, st.token[1], NULL, NULL, "1.0", &r), 200);
  assert_non_null(strstr(r.body, "id: 2.1\n"));
  assert_non_null(strstr(r.body, "\"events_from\":0"));
  pl_free(r.body);
  /* refused: a damaged id, bad numbers, no token, a POST */
  const char *bad_ids[] = {"2", "x.1", "2.", ".1", "2.1.1", "-1.0", "99999999999999999999.0"};
  for (size_t k = 0; k < 7; k++) {
    assert_int_equal(piece(t, ev, st.token[1], NULL, NULL, bad_ids[k], &r), 400);
    pl_free(r.body);
  }
  assert_int_equal(piece(t, ev, st.token[1], "x", NULL, NULL, &r), 400);
  pl_free(r.body);
  assert_int_equal(piece(t, ev, NULL, NULL, NULL, NULL, &r), 403);
  pl_free(r.body);
  assert_int_equal(call(t, "POST", ev, st.token[1], "{}", NULL, NULL), 405);
  /* the end: the last view ends the stream, and so does a resumption */
  assert_int_equal(call(t, "POST", st.act, st.token[1], "{\"type\":\"end\"}", NULL, NULL), 200);
  assert_int_equal(piece(t, ev, st.token[0], "2", "1", NULL, &r), 200);
  assert_non_null(strstr(r.body, "id: 3.2\n"));
  assert_true(r.end_of_stream);
  pl_free(r.body);
  assert_int_equal(piece(t, ev, st.token[0], "3", "2", NULL, &r), 200);
  assert_string_equal(r.body, "");
  assert_true(r.end_of_stream);
  pl_free(r.body);
  /* a table that stops ends every stream */
  create(t, "{\"scenario\":\"job-offer\",\"parties\":"
            "{\"candidate\":\"person\",\"employer\":\"person\"}}", &st);
  snprintf(ev, sizeof ev, "%s/events", st.path);
  pl_table_wake(t);
  assert_int_equal(piece(t, ev, st.token[0], "1", "0", NULL, &r), 200);
  assert_true(r.end_of_stream);
  pl_free(r.body);
  pl_table_free(t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(person_against_boulware),
      cmocka_unit_test(privacy_tokens_and_bodies),
      cmocka_unit_test(resumes_from_its_store),
      cmocka_unit_test(host_upload_and_results),
      cmocka_unit_test(stream_of_events),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
