/* The negotiation table driven from many threads at once, as parley
 * serve's connection threads drive it: sessions created in parallel, two
 * people per session playing by long polling, and a stream of events
 * (GET .../events, piece by piece) per session that must receive every
 * event once and in order, and the host's stream (the host's view) and
 * figure beside them; meanwhile scenarios are uploaded, each of them
 * under a name of its own. In memory and with a store (the one SQLite
 * connection shared by all the sessions and the uploads). `make tsan` runs it under
 * ThreadSanitizer (docs/architecture.md, "The negotiation table"). No
 * timing is asserted: the work is bounded by the sessions' deadline. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <jansson.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "table/table_request.h"
#include "testutil.h"

enum { SESSIONS = 6, ROUNDS = 10, UPLOADS = 4 };

static char path_buf[4096];
static const char *src_path(const char *rel) {
  const char *dir = getenv("PL_SOURCE_DIR");
  snprintf(path_buf, sizeof path_buf, "%s/%s", dir ? dir : ".", rel);
  return path_buf;
}

typedef struct game {
  pl_table *t;
  char path[64], act[80], events[80];
  char token[2][PL_TABLE_TOKEN_LEN + 1];
  char host[PL_TABLE_TOKEN_LEN + 1];
  json_t *streamed; /* the events the stream delivered, in order */
  json_t *host_streamed; /* the same on the host's stream */
  char failure[200]; /* set by a thread; checked by the main one */
} game;

static json_t *call(pl_table *t, const char *method, const char *path,
                    const char *token, const char *body, const char *since,
                    const char *wait, int *status) {
  pl_table_response r;
  *status = table_request(t, method, path, token, body, since, wait, NULL, &r);
  json_t *v = *status ? json_loadb(r.body, r.len, 0, NULL) : NULL;
  pl_free(r.body);
  return v;
}

static void *create(void *arg) {
  game *g = arg;
  int st = 0;
  json_t *r = call(g->t, "POST", "/api/sessions", NULL,
                   "{\"scenario\":\"job-offer\",\"rounds\":10,\"parties\":"
                   "{\"candidate\":\"person\",\"employer\":\"person\"}}",
                   NULL, NULL, &st);
  const char *id = json_string_value(json_object_get(r, "id"));
  if (st != 201 || !id) {
    snprintf(g->failure, sizeof g->failure, "create: %d", st);
  } else {
    snprintf(g->path, sizeof g->path, "/api/sessions/%s", id);
    snprintf(g->act, sizeof g->act, "%s/act", g->path);
    snprintf(g->events, sizeof g->events, "%s/events", g->path);
    const char *ids[] = {"candidate", "employer"};
    json_t *links = json_object_get(r, "links");
    for (int p = 0; p < 2; p++)
      snprintf(g->token[p], sizeof g->token[p], "%s",
               json_string_value(json_object_get(json_object_get(links, ids[p]), "token")));
    snprintf(g->host, sizeof g->host, "%s",
             json_string_value(json_object_get(json_object_get(r, "host"), "token")));
  }
  json_decref(r);
  return NULL;
}

/* The offer of the party's best option on every issue (its own view). */
static char *best_offer(json_t *view) {
  json_t *offer = json_object();
  json_t *issues = json_object_get(json_object_get(view, "you"), "issues");
  size_t i;
  json_t *is;
  json_array_foreach(issues, i, is) {
    json_t *opts = json_object_get(is, "options"), *o, *best = NULL;
    size_t k;
    json_array_foreach(opts, k, o) {
      if (!best || json_real_value(json_object_get(o, "value")) >
                       json_real_value(json_object_get(best, "value")))
        best = o;
    }
    json_object_set(offer, json_string_value(json_object_get(is, "id")),
                    json_object_get(best, "id"));
  }
  json_t *a = json_pack("{s:s,s:o}", "type", "offer", "offer", offer);
  char *s = json_dumps(a, JSON_COMPACT);
  json_decref(a);
  return s;
}

typedef struct player {
  game *g;
  int party;
} player;

/* Long-polls its view and, on its turn, offers its best (or accepts, or
 * walks out when neither is allowed), until the end. */
static void *play(void *arg) {
  player *pl = arg;
  game *g = pl->g;
  const char *tok = g->token[pl->party];
  char since[24] = "0";
  for (int n = 0; n < 10 * ROUNDS; n++) { /* bounded: the deadline ends it */
    int st = 0;
    json_t *v = call(g->t, "GET", g->path, tok, NULL, since, "5", &st);
    if (st != 200) {
      snprintf(g->failure, sizeof g->failure, "view: %d", st);
      json_decref(v);
      return NULL;
    }
    snprintf(since, sizeof since, "%lld",
             (long long)json_integer_value(json_object_get(v, "version")));
    if (!json_is_null(json_object_get(v, "end"))) {
      json_decref(v);
      return NULL;
    }
    const char *ask = json_string_value(json_object_get(json_object_get(v, "you"), "ask"));
    if (ask) {
      char *offer = best_offer(v);
      const char *tries[] = {offer, "{\"type\":\"accept\"}", "{\"type\":\"end\"}"};
      for (int k = 0; k < 3; k++) {
        json_t *a = call(g->t, "POST", g->act, tok, tries[k], NULL, NULL, &st);
        json_decref(a);
        if (st != 422 && st != 409) break;
      }
      free(offer);
      if (st != 200 && st != 409) {
        snprintf(g->failure, sizeof g->failure, "act: %d", st);
        json_decref(v);
        return NULL;
      }
    }
    json_decref(v);
  }
  snprintf(g->failure, sizeof g->failure, "the session did not end");
  return NULL;
}

/* A stream of events, piece by piece, as cmd_serve sends it: each
 * view's events must start where the last one's stopped. The host's
 * stream also asks for the figure at each piece. */
static void follow(game *g, const char *token, json_t **out) {
  char since[24] = "", from[24] = "0", fig[96];
  snprintf(fig, sizeof fig, "%s/figure.svg", g->path);
  json_t *streamed = *out = json_array();
  for (int n = 0; n < 100 * ROUNDS; n++) {
    pl_table_response r;
    if (token == g->host) {
      int fs = table_request(g->t, "GET", fig, token, NULL, NULL, NULL, NULL, &r);
      pl_free(r.body);
      if (fs != 200 && fs != 501) {
        snprintf(g->failure, sizeof g->failure, "figure: %d", fs);
        return;
      }
    }
    int st = table_request(g->t, "GET", g->events, token, NULL,
                           since[0] ? since : NULL, "5", from, &r);
    if (st != 200 || strcmp(r.content_type, "text/event-stream")) {
      snprintf(g->failure, sizeof g->failure, "events: %d", st);
      pl_free(r.body);
      return;
    }
    const char *data = strstr(r.body, "\ndata: ");
    if (data) {
      json_t *v = json_loads(data + 7, JSON_DISABLE_EOF_CHECK, NULL);
      size_t have = json_array_size(streamed);
      if ((size_t)json_integer_value(json_object_get(v, "events_from")) != have)
        snprintf(g->failure, sizeof g->failure, "a view's events start at %lld, not %zu",
                 (long long)json_integer_value(json_object_get(v, "events_from")), have);
      json_array_extend(streamed, json_object_get(v, "events"));
      json_decref(v);
    }
    snprintf(since, sizeof since, "%llu", (unsigned long long)r.next_since);
    snprintf(from, sizeof from, "%llu", (unsigned long long)r.next_from);
    int end = r.end_of_stream;
    pl_free(r.body);
    if (end) return;
  }
  snprintf(g->failure, sizeof g->failure, "the stream did not end");
}

static void *watch(void *arg) {
  game *g = arg;
  follow(g, g->token[0], &g->streamed);
  return NULL;
}

static void *watch_host(void *arg) {
  game *g = arg;
  follow(g, g->host, &g->host_streamed);
  return NULL;
}

/* The job offer uploaded as "up": each upload gets a name of its own. */
typedef struct uploader {
  pl_table *t;
  const char *body;
  char name[64];
  int status;
} uploader;

static void *upload(void *arg) {
  uploader *u = arg;
  json_t *r = call(u->t, "POST", "/api/scenarios", NULL, u->body, NULL, NULL,
                   &u->status);
  snprintf(u->name, sizeof u->name, "%s",
           json_string_value(json_object_get(r, "name")) ? json_string_value(json_object_get(r, "name")) : "");
  json_decref(r);
  return NULL;
}

/* {"name": "up", "files": [job-offer.yaml in base64]} */
static char *upload_body(void) {
  FILE *f = fopen(src_path("examples/job-offer.yaml"), "rb");
  assert_non_null(f);
  static char yaml[1 << 16];
  size_t len = fread(yaml, 1, sizeof yaml, f);
  fclose(f);
  size_t blen = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_ORIGINAL);
  char *body = malloc(blen + 100);
  assert_non_null(body);
  int k = snprintf(body, 100, "{\"name\":\"up\",\"files\":[{\"name\":\"up.yaml\",\"data\":\"");
  sodium_bin2base64(body + k, blen, (const unsigned char *)yaml, len,
                    sodium_base64_VARIANT_ORIGINAL);
  strcat(body, "\"}]}");
  return body;
}

static void play_all(const char *data) {
  pl_table_options o;
  pl_table_options_init(&o);
  o.data_dir = data;
  pl_table *t = NULL;
  pl_error err = {0};
  if (pl_table_new(&o, &t, &err)) fail_msg("pl_table_new: %s", err.message);
  pl_scenario *s = NULL;
  if (pl_scenario_load(src_path("examples/job-offer.yaml"), &s, &err))
    fail_msg("%s", err.message);
  assert_int_equal(pl_table_add_scenario(t, "job-offer", s, &err), PL_OK);
  pl_scenario_free(s);
  static game g[SESSIONS];
  static player pl[SESSIONS][2];
  pthread_t th[SESSIONS][4], up[UPLOADS];
  static uploader us[UPLOADS];
  char *body = upload_body();
  memset(g, 0, sizeof g);
  for (int k = 0; k < SESSIONS; k++) {
    g[k].t = t;
    assert_int_equal(pthread_create(&th[k][0], NULL, create, &g[k]), 0);
  }
  for (int k = 0; k < SESSIONS; k++) pthread_join(th[k][0], NULL);
  for (int k = 0; k < SESSIONS; k++) {
    if (g[k].failure[0]) fail_msg("session %d: %s", k, g[k].failure);
    assert_int_equal(pthread_create(&th[k][2], NULL, watch, &g[k]), 0);
    assert_int_equal(pthread_create(&th[k][3], NULL, watch_host, &g[k]), 0);
    for (int p = 0; p < 2; p++) {
      pl[k][p] = (player){&g[k], p};
      assert_int_equal(pthread_create(&th[k][p], NULL, play, &pl[k][p]), 0);
    }
  }
  for (int k = 0; k < UPLOADS; k++) {
    us[k] = (uploader){.t = t, .body = body};
    assert_int_equal(pthread_create(&up[k], NULL, upload, &us[k]), 0);
  }
  for (int k = 0; k < SESSIONS; k++)
    for (int j = 0; j < 4; j++) pthread_join(th[k][j], NULL);
  for (int k = 0; k < UPLOADS; k++) pthread_join(up[k], NULL);
  free(body);
  for (int k = 0; k < UPLOADS; k++) { /* up, up-2, ...: no name twice */
    assert_int_equal(us[k].status, 201);
    for (int j = 0; j < k; j++) assert_string_not_equal(us[k].name, us[j].name);
  }
  for (int k = 0; k < SESSIONS; k++) {
    if (g[k].failure[0]) fail_msg("session %d: %s", k, g[k].failure);
    int st = 0;
    json_t *v = call(t, "GET", g[k].path, g[k].token[0], NULL, NULL, NULL, &st);
    assert_int_equal(st, 200);
    assert_false(json_is_null(json_object_get(v, "end")));
    /* the stream gave every event once, in order */
    assert_true(json_array_size(g[k].streamed) > 0);
    assert_true(json_equal(g[k].streamed, json_object_get(v, "events")));
    json_decref(v);
    json_decref(g[k].streamed);
    /* the host's stream too, with every party's utilities */
    v = call(t, "GET", g[k].path, g[k].host, NULL, NULL, NULL, &st);
    assert_int_equal(st, 200);
    assert_true(json_equal(g[k].host_streamed, json_object_get(v, "events")));
    json_decref(v);
    json_decref(g[k].host_streamed);
  }
  pl_table_free(t);
}

static void sessions_in_memory(void **state) {
  (void)state;
  play_all(NULL);
}

static void sessions_in_a_store(void **state) {
  (void)state;
  char dir[] = "/tmp/parley-table-threads-XXXXXX";
  assert_non_null(mkdtemp(dir));
  play_all(dir);
  const char *files[] = {"parley-table.sqlite", "parley-table.sqlite-wal",
                         "parley-table.sqlite-shm"};
  for (int k = 0; k < 3; k++) {
    char p[200];
    snprintf(p, sizeof p, "%s/%s", dir, files[k]);
    unlink(p);
  }
  rmdir(dir);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(sessions_in_memory),
      cmocka_unit_test(sessions_in_a_store),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
