/* The negotiation table driven from many threads at once, as parley
 * serve's connection threads drive it: sessions created in parallel, two
 * people per session playing by long polling, and a stream of events
 * (GET .../events, piece by piece) per session that must receive every
 * event once and in order. In memory and with a store (the one SQLite
 * connection shared by all the sessions). `make tsan` runs it under
 * ThreadSanitizer (docs/architecture.md, "The negotiation table"). No
 * timing is asserted: the work is bounded by the sessions' deadline. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "table/table_request.h"
#include "testutil.h"

enum { SESSIONS = 6, ROUNDS = 10 };

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
  json_t *streamed; /* the events the stream delivered, in order */
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

/* The candidate's stream of events, piece by piece, as cmd_serve sends
 * it: each view's events must start where the last one's stopped. */
static void *watch(void *arg) {
  game *g = arg;
  char since[24] = "", from[24] = "0";
  g->streamed = json_array();
  for (int n = 0; n < 100 * ROUNDS; n++) {
    pl_table_response r;
    int st = table_request(g->t, "GET", g->events, g->token[0], NULL,
                           since[0] ? since : NULL, "5", from, &r);
    if (st != 200 || strcmp(r.content_type, "text/event-stream")) {
      snprintf(g->failure, sizeof g->failure, "events: %d", st);
      pl_free(r.body);
      return NULL;
    }
    const char *data = strstr(r.body, "\ndata: ");
    if (data) {
      json_t *v = json_loads(data + 7, JSON_DISABLE_EOF_CHECK, NULL);
      size_t have = json_array_size(g->streamed);
      if ((size_t)json_integer_value(json_object_get(v, "events_from")) != have)
        snprintf(g->failure, sizeof g->failure, "a view's events start at %lld, not %zu",
                 (long long)json_integer_value(json_object_get(v, "events_from")), have);
      json_array_extend(g->streamed, json_object_get(v, "events"));
      json_decref(v);
    }
    snprintf(since, sizeof since, "%llu", (unsigned long long)r.next_since);
    snprintf(from, sizeof from, "%llu", (unsigned long long)r.next_from);
    int end = r.end_of_stream;
    pl_free(r.body);
    if (end) return NULL;
  }
  snprintf(g->failure, sizeof g->failure, "the stream did not end");
  return NULL;
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
  pthread_t th[SESSIONS][3];
  memset(g, 0, sizeof g);
  for (int k = 0; k < SESSIONS; k++) {
    g[k].t = t;
    assert_int_equal(pthread_create(&th[k][0], NULL, create, &g[k]), 0);
  }
  for (int k = 0; k < SESSIONS; k++) pthread_join(th[k][0], NULL);
  for (int k = 0; k < SESSIONS; k++) {
    if (g[k].failure[0]) fail_msg("session %d: %s", k, g[k].failure);
    assert_int_equal(pthread_create(&th[k][2], NULL, watch, &g[k]), 0);
    for (int p = 0; p < 2; p++) {
      pl[k][p] = (player){&g[k], p};
      assert_int_equal(pthread_create(&th[k][p], NULL, play, &pl[k][p]), 0);
    }
  }
  for (int k = 0; k < SESSIONS; k++)
    for (int j = 0; j < 3; j++) pthread_join(th[k][j], NULL);
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
