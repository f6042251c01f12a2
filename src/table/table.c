/* The negotiation table (include/parley/table.h, docs/web.md): sessions of
 * people and agents over the public session and agent API. A person is an
 * agent of a registry that answers PL_AGENT_WAIT until its person's action
 * is queued; an action is checked against the person's own red lines and
 * reservation before it is stored (so the engine never fails a person),
 * stored, queued, and the session is stepped until it waits again. A
 * restart replays the stored actions through the same queues: built-in
 * strategies are deterministic for a round deadline, so the negotiation
 * comes back event for event. */
#include <errno.h>
#include <stddef.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>

#include <jansson.h>

#include "core/json_text.h"
#include "core/util.h"
#include "io/formats.h"
#include "parley/agents.h"
#include "parley/records.h"
#include "parley/report.h"
#include "parley/table.h"
#include "table/table_internal.h"

enum { ASK_NONE, ASK_PROPOSE, ASK_RESPOND, ASK_COMMENT };
enum { A_OFFER, A_ACCEPT, A_COMMENT, A_END };
static const char *const ask_names[] = {NULL, "propose", "respond",
                                        "comment"};
static const char *const action_names[] = {"offer", "accept", "comment",
                                           "end"};

typedef struct action {
  int kind;
  uint32_t *options; /* offer, comment: issue_count entries */
  char *note;        /* or NULL */
} action;

typedef struct tsession tsession;
typedef struct person {
  tsession *ts;
  int party;
  action *q; /* queued actions, q[head..n) waiting */
  size_t head, n, cap;
  int asked;
  uint32_t *standing; /* what it is asked to respond to */
  char *note;         /* of the action just taken, until its event */
  char err[160];
} person;

struct tsession {
  char id[33];
  char *yaml;
  size_t yaml_len;
  char *scenario_name;
  pl_scenario *s;
  pl_session *x;
  int np, ni;
  int protocol, drafter, rounds;
  uint64_t seed;
  char **agents;      /* per party: "person" or a strategy */
  unsigned char *hash; /* per party: 32 bytes of BLAKE2b of its token */
  person *persons;
  char **notes; /* per event, or NULL */
  size_t n_notes;
  uint64_t version;
  int64_t seq; /* actions stored */
  char error[256]; /* a step that failed (out of memory) */
  unsigned char host[32]; /* BLAKE2b of the host's token, when has_host */
  int has_host;
  pl_analysis *analysis; /* of the scenario, made when first asked for (mu) */
  /* Everything above past creation is guarded by mu; cv is signalled on
   * every new version (and when the table stops): only this session's
   * waiting views and streams wake. */
  pthread_mutex_t mu;
  pthread_cond_t cv;
  int sync_ready; /* mu and cv initialised */
};

typedef struct tscenario {
  char *name;
  char *yaml;
  size_t len;
  pl_scenario *s;
} tscenario;

/* Locks (docs/architecture.md, "The negotiation table"): t->mu guards
 * the list of sessions and the scenarios (lookup, creation, limits, the
 * uploads' count and names); each
 * session's own ts->mu guards that session; t->db_mu the one SQLite
 * connection. Order: t->mu, then a session's mu, then t->db_mu; a thread
 * holding a session's mu never takes t->mu, and no thread holds two
 * sessions' locks. Sessions are only freed with the table, so a pointer
 * found under t->mu stays valid after it is released. */
struct pl_table {
  pl_table_options o;
  pthread_mutex_t mu;
  pthread_mutex_t db_mu;
  atomic_int stopping;
  sqlite3 *db;
  pl_agent_registry *reg;
  tscenario *scen;
  size_t n_scen;
  tsession **ss;
  size_t ns, cap;
  const pl_key *sign;  /* signs the transcripts (options.sign_key); set once */
  size_t n_uploaded;   /* scenarios uploaded (POST /api/scenarios); t->mu */
  size_t reserved; /* sessions being created, counted against the limit */
};

static int scenario_put(pl_table *t, tscenario *sc, pl_error *err);
static int scenario_make(const char *name, const pl_scenario *s, tscenario *sc,
                         pl_error *err);
static int load_uploads(pl_table *t, pl_error *err);
static json_t *host_view_json(const tsession *ts, size_t from);

/* The session whose persons pl_session_new is creating on this thread
 * (person_create has only the registry's context, the table). */
static _Thread_local tsession *creating;

/* ---- people as agents ----------------------------------------------- */

static action *head_of(person *p) { return p->head < p->n ? &p->q[p->head] : NULL; }

static void pop(person *p, int keep_note) {
  action *a = &p->q[p->head++];
  pl__free(p->note);
  p->note = keep_note ? a->note : NULL;
  if (!keep_note) pl__free(a->note);
  a->note = NULL;
  pl__free(a->options);
  a->options = NULL;
  p->asked = ASK_NONE;
}

static void *person_create(const pl_agent_setup *su) {
  (void)su->ctx;
  tsession *ts = creating;
  if (!ts || su->party < 0 || su->party >= ts->np) return NULL;
  person *p = &ts->persons[su->party];
  p->ts = ts;
  p->party = su->party;
  return p;
}

static void person_destroy(void *agent) { (void)agent; }

static int wrong(person *p, const char *asked, const action *a) {
  snprintf(p->err, sizeof p->err, "asked to %s, the stored action was %s",
           asked, action_names[a->kind]);
  return -1;
}

/* A proposal, or a comment's wanted text: the queued action's options, a
 * walk-out, or a wait until the person acts. */
static int take_options(person *p, int asked, uint32_t *out) {
  action *a = head_of(p);
  if (!a) {
    p->asked = asked;
    return PL_AGENT_WAIT;
  }
  if (a->kind == A_END) {
    pop(p, 0);
    return PL_AGENT_END;
  }
  if (a->kind != A_OFFER && !(asked == ASK_COMMENT && a->kind == A_COMMENT))
    return wrong(p, ask_names[asked], a);
  memcpy(out, a->options, (size_t)p->ts->ni * sizeof *out);
  pop(p, 1);
  return 0;
}

static int person_propose(void *agent, const pl_agent_turn *tu,
                          uint32_t *options) {
  (void)tu;
  return take_options(agent, ASK_PROPOSE, options);
}

static int person_respond(void *agent, const pl_agent_turn *tu,
                          const uint32_t *offer) {
  (void)tu;
  person *p = agent;
  action *a = head_of(p);
  if (!a) {
    p->asked = ASK_RESPOND;
    memcpy(p->standing, offer, (size_t)p->ts->ni * sizeof *offer);
    return PL_AGENT_WAIT;
  }
  p->asked = ASK_NONE;
  switch (a->kind) {
  case A_END: pop(p, 0); return PL_AGENT_END;
  case A_ACCEPT: pop(p, 1); return PL_AGENT_ACCEPT;
  default: return PL_AGENT_REJECT; /* its offer or comment follows */
  }
}

static int person_comment(void *agent, const pl_agent_turn *tu,
                          const uint32_t *draft, uint32_t *want) {
  (void)tu;
  (void)draft;
  return take_options(agent, ASK_COMMENT, want);
}

/* The note of the action a person just took goes with its event. */
static void person_event(void *agent, const pl_session *x, const pl_event *e) {
  person *p = agent;
  tsession *ts = p->ts;
  if (e->party != p->party || !p->note) return;
  size_t i = pl_session_event_count(x) - 1;
  if (i >= ts->n_notes) {
    size_t n = i + 64;
    char **nn = pl__realloc(ts->notes, n * sizeof *nn);
    if (!nn) return; /* the note is lost, not the event */
    memset(nn + ts->n_notes, 0, (n - ts->n_notes) * sizeof *nn);
    ts->notes = nn;
    ts->n_notes = n;
  }
  pl__free(ts->notes[i]);
  ts->notes[i] = p->note;
  p->note = NULL;
}

static const char *person_error(void *agent) { return ((person *)agent)->err; }

static const pl_agent_api person_api = {
    .abi_version = PL_AGENT_ABI_VERSION,
    .struct_size = sizeof(pl_agent_api),
    .destroy = person_destroy,
    .create2 = person_create,
    .propose2 = person_propose,
    .respond2 = person_respond,
    .comment = person_comment,
    .event = person_event,
    .error = person_error,
};

/* ---- sessions ------------------------------------------------------- */

static void session_free(tsession *ts) {
  if (!ts) return;
  pl_session_free(ts->x);
  pl_analysis_free(ts->analysis);
  pl_scenario_free(ts->s);
  for (int p = 0; p < ts->np; p++) {
    if (ts->agents) pl__free(ts->agents[p]);
    if (!ts->persons) continue;
    person *ps = &ts->persons[p];
    for (size_t k = ps->head; k < ps->n; k++) {
      pl__free(ps->q[k].options);
      pl__free(ps->q[k].note);
    }
    pl__free(ps->q);
    pl__free(ps->standing);
    pl__free(ps->note);
  }
  for (size_t i = 0; i < ts->n_notes; i++) pl__free(ts->notes[i]);
  pl__free(ts->notes);
  pl__free(ts->agents);
  pl__free(ts->persons);
  pl__free(ts->hash);
  pl__free(ts->yaml);
  pl__free(ts->scenario_name);
  if (ts->sync_ready) {
    pthread_cond_destroy(&ts->cv);
    pthread_mutex_destroy(&ts->mu);
  }
  pl__free(ts);
}

/* Steps until the session waits for a person or ends. */
static int drive(tsession *ts) {
  for (;;) {
    int rc = pl_session_step(ts->x);
    if (rc == PL_SESSION_RUNNING) continue;
    if (rc < 0) {
      snprintf(ts->error, sizeof ts->error, "%s", pl_strerror(rc));
      return rc;
    }
    return PL_OK;
  }
}

static int queue_action(tsession *ts, int party, action *a) {
  person *p = &ts->persons[party];
  if (p->n == p->cap) {
    if (p->head > 0) { /* reuse the consumed front */
      memmove(p->q, p->q + p->head, (p->n - p->head) * sizeof *p->q);
      p->n -= p->head;
      p->head = 0;
    }
    if (p->n == p->cap) {
      size_t cap = p->cap ? 2 * p->cap : 8;
      action *q = pl__realloc(p->q, cap * sizeof *q);
      if (!q) return PL_ENOMEM;
      p->q = q;
      p->cap = cap;
    }
  }
  p->q[p->n++] = *a;
  memset(a, 0, sizeof *a);
  return PL_OK;
}

/* The options a session runs with (and its signed record names). */
static void session_options(const pl_table *t, const tsession *ts,
                            pl_session_options *o) {
  pl_session_options_init(o);
  o->protocol = (pl_protocol)ts->protocol;
  o->drafter = ts->drafter;
  o->rounds = ts->rounds;
  o->seed = ts->seed;
  o->registry = t->reg;
  o->move_limit = 0; /* people take their time */
}

/* A session's lock, and its condition on the monotonic clock (a waiting
 * view's deadline does not move with the wall clock). */
static int session_sync_init(tsession *ts) {
  pthread_condattr_t ca;
  if (pthread_condattr_init(&ca)) return PL_ENOMEM;
  pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
  int bad = pthread_cond_init(&ts->cv, &ca);
  pthread_condattr_destroy(&ca);
  if (bad) return PL_ENOMEM;
  if (pthread_mutex_init(&ts->mu, NULL)) {
    pthread_cond_destroy(&ts->cv);
    return PL_ENOMEM;
  }
  ts->sync_ready = 1;
  return PL_OK;
}

/* A new session from its YAML (ts->s, unless loaded already) and spec;
 * persons and session created, nothing stepped. */
static int session_start(pl_table *t, tsession *ts, pl_error *err) {
  int rc = ts->s ? PL_OK
                 : pl_scenario_load_yaml(ts->yaml, ts->yaml_len,
                                         ts->scenario_name, &ts->s, err);
  if (rc) return rc;
  if (session_sync_init(ts)) return pl__err(err, PL_ENOMEM, "out of memory");
  ts->np = pl_scenario_party_count(ts->s);
  ts->ni = pl_scenario_issue_count(ts->s);
  ts->persons = pl__calloc((size_t)ts->np, sizeof *ts->persons);
  if (!ts->persons) return pl__err(err, PL_ENOMEM, "out of memory");
  for (int p = 0; p < ts->np; p++) {
    ts->persons[p].standing = pl__calloc((size_t)ts->ni, sizeof(uint32_t));
    if (!ts->persons[p].standing) return pl__err(err, PL_ENOMEM, "out of memory");
  }
  pl_session_options o;
  session_options(t, ts, &o);
  creating = ts;
  rc = pl_session_new(ts->s, &o, (const char *const *)ts->agents, &ts->x, err);
  creating = NULL;
  return rc;
}

static int add_session(pl_table *t, tsession *ts) {
  if (t->ns == t->cap) {
    size_t cap = t->cap ? 2 * t->cap : 16;
    tsession **ss = pl__realloc(t->ss, cap * sizeof *ss);
    if (!ss) return PL_ENOMEM;
    t->ss = ss;
    t->cap = cap;
  }
  t->ss[t->ns++] = ts;
  return PL_OK;
}

static tsession *find_session(pl_table *t, const char *id, size_t len) {
  if (len != 32) return NULL;
  for (size_t i = 0; i < t->ns; i++)
    if (!memcmp(t->ss[i]->id, id, 32)) return t->ss[i];
  return NULL;
}

/* ---- random tokens ------------------------------------------------- */

static int random_hex(char *out, size_t bytes) {
  unsigned char b[32];
  size_t got = 0;
  while (got < bytes) { /* getrandom(2): the kernel's CSPRNG */
    ssize_t k = getrandom(b + got, bytes - got, 0);
    if (k < 0) {
      if (errno == EINTR) continue;
      return PL_EIO;
    }
    got += (size_t)k;
  }
  static const char hex[] = "0123456789abcdef";
  for (size_t i = 0; i < bytes; i++) {
    out[2 * i] = hex[b[i] >> 4];
    out[2 * i + 1] = hex[b[i] & 15];
  }
  out[2 * bytes] = 0;
  sodium_memzero(b, sizeof b);
  return PL_OK;
}

static void token_hash(const char *token, unsigned char out[32]) {
  crypto_generichash(out, 32, (const unsigned char *)token,
                     PL_TABLE_TOKEN_LEN, NULL, 0);
}

/* Who holds the host's token (docs/web.md, "The host's view"). */
#define WHO_HOST (-2)

/* The person party whose token this is, WHO_HOST for the host's, or -1.
 * Every hash is compared, in constant time, whichever matches. */
static int token_party(const tsession *ts, const char *token) {
  if (!token || strlen(token) != PL_TABLE_TOKEN_LEN) return -1;
  unsigned char h[32];
  token_hash(token, h);
  int found = -1;
  for (int p = 0; p < ts->np; p++) {
    int same = sodium_memcmp(h, ts->hash + 32 * (size_t)p, 32) == 0;
    int is_person = strcmp(ts->agents[p], PL__TABLE_PERSON) == 0;
    if (same && is_person) found = p;
  }
  int host = sodium_memcmp(h, ts->host, 32) == 0;
  if (host && ts->has_host) found = WHO_HOST;
  return found;
}

/* ---- the store ------------------------------------------------------ */

static const char schema[] =
    "PRAGMA journal_mode=WAL;"
    "PRAGMA synchronous=NORMAL;"
    "CREATE TABLE IF NOT EXISTS sessions(id TEXT PRIMARY KEY, scenario TEXT "
    "NOT NULL, yaml BLOB NOT NULL, spec TEXT NOT NULL, hashes BLOB NOT NULL,"
    " created INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS actions(session TEXT NOT NULL, seq INTEGER "
    "NOT NULL, party INTEGER NOT NULL, action TEXT NOT NULL, PRIMARY "
    "KEY(session, seq));"
    "CREATE TABLE IF NOT EXISTS scenarios(name TEXT PRIMARY KEY, yaml BLOB "
    "NOT NULL);";

static int db_fail(pl_table *t, pl_error *err, const char *what) {
  return pl__err(err, PL_EIO, "table store: %s: %s", what,
                 t->db ? sqlite3_errmsg(t->db) : "not open");
}

static char *spec_json(const tsession *ts) {
  json_t *o = json_object(), *a = json_array();
  if (!o || !a) {
    json_decref(o);
    json_decref(a);
    return NULL;
  }
  for (int p = 0; p < ts->np; p++) json_array_append_new(a, json_string(ts->agents[p]));
  json_object_set_new(o, "agents", a);
  json_object_set_new(o, "protocol", json_integer(ts->protocol));
  json_object_set_new(o, "drafter", json_integer(ts->drafter));
  json_object_set_new(o, "rounds", json_integer(ts->rounds));
  json_object_set_new(o, "seed", json_integer((json_int_t)ts->seed));
  if (ts->has_host) {
    char hex[65];
    sodium_bin2hex(hex, sizeof hex, ts->host, 32);
    json_object_set_new(o, "host", json_string(hex));
  }
  char *s = pl__json_dumps(o, JSON_COMPACT);
  json_decref(o);
  return s;
}

static int db_insert_session(pl_table *t, const tsession *ts, pl_error *err) {
  if (!t->db) return PL_OK;
  char *spec = spec_json(ts);
  if (!spec) return pl__err(err, PL_ENOMEM, "out of memory");
  sqlite3_stmt *st = NULL;
  pthread_mutex_lock(&t->db_mu); /* the connection is shared */
  int rc = sqlite3_prepare_v2(
      t->db, "INSERT INTO sessions VALUES(?,?,?,?,?,strftime('%s','now'))",
      -1, &st, NULL);
  if (rc == SQLITE_OK) {
    sqlite3_bind_text(st, 1, ts->id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, ts->scenario_name, -1, SQLITE_STATIC);
    sqlite3_bind_blob(st, 3, ts->yaml, (int)ts->yaml_len, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, spec, -1, SQLITE_STATIC);
    sqlite3_bind_blob(st, 5, ts->hash, 32 * ts->np, SQLITE_STATIC);
    rc = sqlite3_step(st);
  }
  sqlite3_finalize(st);
  free(spec);
  rc = rc == SQLITE_DONE ? PL_OK : db_fail(t, err, "cannot store the session");
  pthread_mutex_unlock(&t->db_mu);
  return rc;
}

static int db_insert_action(pl_table *t, tsession *ts, int party,
                            const char *json, pl_error *err) {
  if (!t->db) return PL_OK;
  sqlite3_stmt *st = NULL;
  pthread_mutex_lock(&t->db_mu); /* under the session's lock: see pl_table */
  int rc = sqlite3_prepare_v2(t->db, "INSERT INTO actions VALUES(?,?,?,?)",
                              -1, &st, NULL);
  if (rc == SQLITE_OK) {
    sqlite3_bind_text(st, 1, ts->id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, ts->seq);
    sqlite3_bind_int(st, 3, party);
    sqlite3_bind_text(st, 4, json, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
  }
  sqlite3_finalize(st);
  rc = rc == SQLITE_DONE ? PL_OK : db_fail(t, err, "cannot store the action");
  pthread_mutex_unlock(&t->db_mu);
  return rc;
}

/* ---- actions ------------------------------------------------------- */

#define MAX_NOTE 1000

/* Options of an outcome from {"issue id": "option id", ...} over base
 * (NULL: every issue must be given). */
static int parse_outcome(const tsession *ts, json_t *m, const uint32_t *base,
                         uint32_t *out, char *why, size_t size) {
  if (!json_is_object(m)) {
    snprintf(why, size, "\"offer\" must be an object of issue ids to option ids");
    return -1;
  }
  const int ni = ts->ni;
  for (int i = 0; i < ni; i++) out[i] = base ? base[i] : PL_NOT_AGREED;
  const char *k;
  json_t *v;
  json_object_foreach(m, k, v) {
    int i = pl_scenario_find_issue(ts->s, k);
    if (i < 0) {
      char q[80];
      snprintf(why, size, "no issue %s", pl__quote(q, sizeof q, k));
      return -1;
    }
    int64_t o = json_is_string(v)
                    ? pl_scenario_find_option(ts->s, i, json_string_value(v))
                    : -1;
    if (o < 0) {
      char q[80];
      snprintf(why, size, "issue %s has no such option",
               pl__quote(q, sizeof q, k));
      return -1;
    }
    out[i] = (uint32_t)o;
  }
  for (int i = 0; i < ni; i++)
    if (out[i] == PL_NOT_AGREED) {
      char q[80];
      snprintf(why, size, "the offer leaves issue %s open",
               pl__quote(q, sizeof q, pl_scenario_issue_id(ts->s, i)));
      return -1;
    }
  return 0;
}

/* Whether the party may stand by this outcome: its red lines and its
 * reservation value (the engine's own check, made before the engine sees
 * it). */
static int allowed(const tsession *ts, int party, const uint32_t *o,
                   const char *what, char *why, size_t size) {
  for (int r = 0; r < pl_scenario_red_line_count(ts->s); r++)
    if (pl_scenario_red_line_party(ts->s, r) == party &&
        !pl_scenario_red_line_holds(ts->s, r, o)) {
      char q[80];
      snprintf(why, size, "this %s breaks your red line %s", what,
               pl__quote(q, sizeof q, pl_scenario_red_line_id(ts->s, r)));
      return 0;
    }
  double u = pl_scenario_utility(ts->s, party, o);
  double rv = pl_scenario_reservation(ts->s, party);
  if (u < rv - PL_TOLERANCE) {
    snprintf(why, size,
             "this %s gives you %.3f, below your reservation value %.3f",
             what, u, rv);
    return 0;
  }
  return 1;
}

/* Parses an action (the API's body, or a stored one); with check, also
 * that it answers what the person is asked and that the person may take
 * it. Returns 0, or an HTTP status with why filled. */
static int parse_action(const tsession *ts, int party, json_t *root,
                        int check, action *a, char *why, size_t size) {
  memset(a, 0, sizeof *a);
  if (!json_is_object(root)) {
    snprintf(why, size, "an action must be a JSON object");
    return 400;
  }
  const char *type = json_string_value(json_object_get(root, "type"));
  int kind = -1;
  for (int k = 0; type && k < 4; k++)
    if (!strcmp(type, action_names[k])) kind = k;
  if (kind < 0) {
    snprintf(why, size, "\"type\" must be \"offer\", \"accept\", \"comment\" or \"end\"");
    return 400;
  }
  a->kind = kind;
  json_t *note = json_object_get(root, "note");
  if (note && !json_is_null(note)) {
    if (!json_is_string(note) || json_string_length(note) > MAX_NOTE) {
      snprintf(why, size, "\"note\" must be a string of at most %d bytes", MAX_NOTE);
      return 400;
    }
    if (json_string_length(note) > 0 &&
        !(a->note = pl__strdup(json_string_value(note)))) {
      snprintf(why, size, "out of memory");
      return 500;
    }
  }
  const person *p = &ts->persons[party];
  int asked = check ? p->asked : -1;
  if (check) {
    if (pl_session_end(ts->x) != PL_END_RUNNING) {
      snprintf(why, size, "the negotiation has ended");
      return 409;
    }
    int fits = kind == A_END ||
               (kind == A_OFFER && (asked == ASK_PROPOSE ||
                                    (asked == ASK_RESPOND &&
                                     ts->protocol == PL_PROTOCOL_SAOP))) ||
               (kind == A_ACCEPT && asked == ASK_RESPOND) ||
               (kind == A_COMMENT && asked == ASK_RESPOND &&
                ts->protocol == PL_PROTOCOL_TEXT);
    if (asked == ASK_NONE) {
      snprintf(why, size, "it is not your turn");
      return 409;
    }
    if (!fits) {
      snprintf(why, size, "you are asked to %s, not to %s",
               asked == ASK_PROPOSE && ts->protocol == PL_PROTOCOL_TEXT
                   ? "draft the text"
                   : asked == ASK_PROPOSE ? "make an offer"
                   : ts->protocol == PL_PROTOCOL_TEXT ? "accept or comment on the draft"
                                                      : "accept or counter the offer",
               type);
      return 409;
    }
  }
  if (kind == A_OFFER || kind == A_COMMENT) {
    a->options = pl__calloc((size_t)ts->ni, sizeof *a->options);
    if (!a->options) {
      snprintf(why, size, "out of memory");
      return 500;
    }
    const uint32_t *base = kind == A_COMMENT ? p->standing : NULL;
    if (parse_outcome(ts, json_object_get(root, "offer"), check ? base : NULL,
                      a->options, why, size))
      return check ? 422 : 400;
    if (check && kind == A_COMMENT &&
        !memcmp(a->options, p->standing, (size_t)ts->ni * sizeof(uint32_t))) {
      snprintf(why, size, "the comment changes no article of the draft");
      return 422;
    }
    if (check && !allowed(ts, party, a->options,
                          kind == A_OFFER ? "offer" : "comment", why, size))
      return 422;
  }
  if (check && kind == A_ACCEPT &&
      !allowed(ts, party, p->standing, "acceptance", why, size))
    return 422;
  return 0;
}

static void action_clear(action *a) {
  pl__free(a->options);
  pl__free(a->note);
  memset(a, 0, sizeof *a);
}

/* The stored form of an action: options by id, so it reads back through
 * parse_action. */
static char *action_json(const tsession *ts, const action *a) {
  json_t *o = json_object();
  if (!o) return NULL;
  json_object_set_new(o, "type", json_string(action_names[a->kind]));
  if (a->options) {
    json_t *m = json_object();
    for (int i = 0; i < ts->ni; i++)
      json_object_set_new(m, pl_scenario_issue_id(ts->s, i),
                          json_string(pl_scenario_option_id(ts->s, i, a->options[i])));
    json_object_set_new(o, "offer", m);
  }
  if (a->note) json_object_set_new(o, "note", json_string(a->note));
  char *s = pl__json_dumps(o, JSON_COMPACT);
  json_decref(o);
  return s;
}

/* ---- resuming ------------------------------------------------------- */

static int resume_one(pl_table *t, sqlite3_stmt *row, pl_error *err) {
  tsession *ts = pl__calloc(1, sizeof *ts);
  if (!ts) return pl__err(err, PL_ENOMEM, "out of memory");
  const char *id = (const char *)sqlite3_column_text(row, 0);
  const char *name = (const char *)sqlite3_column_text(row, 1);
  const void *yaml = sqlite3_column_blob(row, 2);
  int yaml_len = sqlite3_column_bytes(row, 2);
  const char *spec = (const char *)sqlite3_column_text(row, 3);
  const void *hashes = sqlite3_column_blob(row, 4);
  int hlen = sqlite3_column_bytes(row, 4);
  int rc = PL_EPARSE;
  json_t *sp = spec ? json_loads(spec, JSON_REJECT_DUPLICATES, NULL) : NULL;
  json_t *ag = json_object_get(sp, "agents");
  if (!id || strlen(id) != 32 || !name || !yaml || !sp || !json_is_array(ag)) {
    pl__err(err, PL_EPARSE, "table store: session %s is damaged", id ? id : "?");
    goto fail;
  }
  memcpy(ts->id, id, 33);
  ts->scenario_name = pl__strdup(name);
  ts->yaml = pl__malloc((size_t)yaml_len + 1);
  if (!ts->scenario_name || !ts->yaml) {
    rc = pl__err(err, PL_ENOMEM, "out of memory");
    goto fail;
  }
  memcpy(ts->yaml, yaml, (size_t)yaml_len);
  ts->yaml[yaml_len] = 0;
  ts->yaml_len = (size_t)yaml_len;
  ts->protocol = (int)json_integer_value(json_object_get(sp, "protocol"));
  ts->drafter = (int)json_integer_value(json_object_get(sp, "drafter"));
  ts->rounds = (int)json_integer_value(json_object_get(sp, "rounds"));
  ts->seed = (uint64_t)json_integer_value(json_object_get(sp, "seed"));
  const char *host = json_string_value(json_object_get(sp, "host"));
  ts->has_host = host && strlen(host) == 64 &&
                 !sodium_hex2bin(ts->host, 32, host, 64, NULL, NULL, NULL);
  size_t na = json_array_size(ag);
  ts->agents = pl__calloc(na + 1, sizeof *ts->agents);
  ts->hash = pl__malloc(32 * na + 1);
  if (!ts->agents || !ts->hash) {
    rc = pl__err(err, PL_ENOMEM, "out of memory");
    goto fail;
  }
  for (size_t p = 0; p < na; p++) {
    const char *a = json_string_value(json_array_get(ag, p));
    if (!a || !(ts->agents[p] = pl__strdup(a))) {
      rc = pl__err(err, PL_EPARSE, "table store: session %s is damaged", id);
      goto fail;
    }
  }
  if ((size_t)hlen != 32 * na) {
    rc = pl__err(err, PL_EPARSE, "table store: session %s is damaged", id);
    goto fail;
  }
  memcpy(ts->hash, hashes, 32 * na);
  ts->np = (int)na;
  if ((rc = session_start(t, ts, err))) goto fail;
  if (ts->np != (int)na) {
    rc = pl__err(err, PL_EPARSE, "table store: session %s is damaged", id);
    goto fail;
  }
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(t->db,
                         "SELECT party, action FROM actions WHERE session=? "
                         "ORDER BY seq",
                         -1, &st, NULL) != SQLITE_OK) {
    rc = db_fail(t, err, "cannot read the actions");
    goto fail;
  }
  sqlite3_bind_text(st, 1, ts->id, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    int party = sqlite3_column_int(st, 0);
    const char *text = (const char *)sqlite3_column_text(st, 1);
    json_t *j = text ? json_loads(text, JSON_REJECT_DUPLICATES, NULL) : NULL;
    action a;
    char why[200];
    int bad = party < 0 || party >= ts->np ||
              parse_action(ts, party, j, 0, &a, why, sizeof why) != 0;
    json_decref(j);
    if (bad || queue_action(ts, party, &a)) {
      if (!bad) action_clear(&a);
      sqlite3_finalize(st);
      rc = pl__err(err, PL_EPARSE, "table store: session %s: action %lld is damaged",
                   id, (long long)ts->seq);
      goto fail;
    }
    ts->seq++;
  }
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) {
    rc = db_fail(t, err, "cannot read the actions");
    goto fail;
  }
  if ((rc = drive(ts)) || (rc = add_session(t, ts))) {
    rc = pl__err(err, rc, "out of memory");
    goto fail;
  }
  ts->version = 1;
  json_decref(sp);
  return PL_OK;
fail:
  json_decref(sp);
  session_free(ts);
  return rc;
}

static int open_store(pl_table *t, pl_error *err) {
  const char *dir = t->o.data_dir;
  if (mkdir(dir, 0700) && errno != EEXIST)
    return pl__err(err, PL_EIO, "%s: cannot create the folder: %s", dir,
                   strerror(errno));
  size_t n = strlen(dir) + 32;
  char *path = pl__malloc(n);
  if (!path) return pl__err(err, PL_ENOMEM, "out of memory");
  snprintf(path, n, "%s/parley-table.sqlite", dir);
  int rc = sqlite3_open_v2(path, &t->db,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                               SQLITE_OPEN_NOMUTEX,
                           NULL);
  pl__free(path);
  if (rc != SQLITE_OK) return db_fail(t, err, "cannot open");
  sqlite3_busy_timeout(t->db, 5000);
  if (sqlite3_exec(t->db, schema, NULL, NULL, NULL) != SQLITE_OK)
    return db_fail(t, err, "cannot set up");
  if ((rc = load_uploads(t, err))) return rc;
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(t->db,
                         "SELECT id, scenario, yaml, spec, hashes FROM "
                         "sessions ORDER BY rowid",
                         -1, &st, NULL) != SQLITE_OK)
    return db_fail(t, err, "cannot read the sessions");
  while ((rc = sqlite3_step(st)) == SQLITE_ROW)
    if ((rc = resume_one(t, st, err))) {
      sqlite3_finalize(st);
      return rc;
    }
  sqlite3_finalize(st);
  return rc == SQLITE_DONE ? PL_OK : db_fail(t, err, "cannot read the sessions");
}

/* ---- the table ------------------------------------------------------ */

void pl_table_options_init(pl_table_options *o) {
  memset(o, 0, sizeof *o);
  o->struct_size = sizeof *o;
  o->max_sessions = 1000;
  o->max_rounds = 1000;
}

int pl_table_new(const pl_table_options *o, pl_table **out, pl_error *err) {
  *out = NULL;
  if (sodium_init() < 0) return pl__err(err, PL_EIO, "libsodium failed to start");
  pl_table *t = pl__calloc(1, sizeof *t);
  if (!t) return pl__err(err, PL_ENOMEM, "out of memory");
  pl_table_options_init(&t->o);
  if (o) {
    t->o.data_dir = o->data_dir;
    t->o.max_sessions = o->max_sessions;
    t->o.max_rounds = o->max_rounds > 0 ? o->max_rounds : 1000;
    if (o->struct_size >= offsetof(pl_table_options, sign_key) + sizeof o->sign_key)
      t->sign = o->sign_key;
  }
  pthread_mutex_init(&t->mu, NULL);
  pthread_mutex_init(&t->db_mu, NULL);
  int rc = pl_agent_registry_new(&t->reg, err);
  if (!rc) rc = pl_agent_registry_add(t->reg, PL__TABLE_PERSON, &person_api, t, err);
  if (!rc && t->o.data_dir) rc = open_store(t, err);
  t->o.data_dir = NULL; /* not kept: the caller's string */
  if (rc) {
    pl_table_free(t);
    return rc;
  }
  *out = t;
  return PL_OK;
}

void pl_table_free(pl_table *t) {
  if (!t) return;
  for (size_t i = 0; i < t->ns; i++) session_free(t->ss[i]);
  pl__free(t->ss);
  for (size_t i = 0; i < t->n_scen; i++) {
    pl__free(t->scen[i].name);
    pl__free(t->scen[i].yaml);
    pl_scenario_free(t->scen[i].s);
  }
  pl__free(t->scen);
  pl_agent_registry_free(t->reg);
  if (t->db) sqlite3_close(t->db);
  pthread_mutex_destroy(&t->db_mu);
  pthread_mutex_destroy(&t->mu);
  pl__free(t);
}

static int good_name(const char *s, size_t max) {
  size_t n = 0;
  for (; s[n]; n++) {
    char c = s[n];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
          (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'))
      return 0;
  }
  return n >= 1 && n <= max;
}

/* Lists sc under its name, replacing one of that name (the table's lock
 * held); sc is the table's afterwards, or freed on failure. */
static int scenario_put(pl_table *t, tscenario *sc, pl_error *err) {
  size_t i = 0;
  while (i < t->n_scen && strcmp(t->scen[i].name, sc->name)) i++;
  if (i == t->n_scen) {
    tscenario *n = pl__realloc(t->scen, (t->n_scen + 1) * sizeof *n);
    if (!n) {
      pl__free(sc->yaml);
      pl__free(sc->name);
      pl_scenario_free(sc->s);
      return pl__err(err, PL_ENOMEM, "out of memory");
    }
    t->scen = n;
    t->n_scen++;
  } else {
    pl__free(t->scen[i].name);
    pl__free(t->scen[i].yaml);
    pl_scenario_free(t->scen[i].s);
  }
  t->scen[i] = *sc;
  return PL_OK;
}

int pl_table_add_scenario(pl_table *t, const char *name, const pl_scenario *s,
                          pl_error *err) {
  if (!name || !good_name(name, 63))
    return pl__err(err, PL_EINVAL,
                   "scenario name %s: use 1 to 63 letters, digits, '-', '_', '.'",
                   name ? name : "(null)");
  tscenario sc;
  int rc = scenario_make(name, s, &sc, err);
  if (rc) return rc;
  pthread_mutex_lock(&t->mu);
  rc = scenario_put(t, &sc, err);
  pthread_mutex_unlock(&t->mu);
  return rc;
}

/* Each waiter tests `stopping` under its session's lock before it waits,
 * and the broadcast is made under that lock after the flag is set: no
 * waiter misses it. */
void pl_table_wake(pl_table *t) {
  atomic_store(&t->stopping, 1);
  pthread_mutex_lock(&t->mu);
  for (size_t i = 0; i < t->ns; i++) {
    tsession *ts = t->ss[i];
    pthread_mutex_lock(&ts->mu);
    pthread_cond_broadcast(&ts->cv);
    pthread_mutex_unlock(&ts->mu);
  }
  pthread_mutex_unlock(&t->mu);
}

/* ---- answers -------------------------------------------------------- */

static int answer_json(pl_table_response *r, int status, json_t *body,
                       int private_) {
  r->status = status;
  r->content_type = "application/json";
  r->private_ = private_;
  r->body = body ? pl__json_dumps(body, JSON_COMPACT) : NULL;
  json_decref(body);
  if (!r->body) return PL_ENOMEM;
  r->len = strlen(r->body);
  return PL_OK;
}

static int answer_error(pl_table_response *r, int status, const char *msg) {
  return answer_json(r, status, json_pack("{s:s}", "error", msg), 1);
}

/* A piece of a stream of server-sent events that is not a view. */
static int answer_text(pl_table_response *r, const char *text) {
  r->status = 200;
  r->content_type = "text/event-stream";
  r->private_ = 1;
  r->len = strlen(text);
  r->body = pl__malloc(r->len + 1);
  if (!r->body) return PL_ENOMEM;
  memcpy(r->body, text, r->len + 1);
  return PL_OK;
}

static json_t *outcome_json(const pl_scenario *s, const uint32_t *o) {
  json_t *m = json_object();
  for (int i = 0; m && i < pl_scenario_issue_count(s); i++)
    json_object_set_new(m, pl_scenario_issue_id(s, i),
                        o[i] == PL_NOT_AGREED
                            ? json_null()
                            : json_string(pl_scenario_option_id(s, i, o[i])));
  return m;
}

static int answer_scenarios(pl_table *t, pl_table_response *r) {
  pthread_mutex_lock(&t->mu);
  json_t *a = json_array();
  for (size_t k = 0; a && k < t->n_scen; k++) {
    const pl_scenario *s = t->scen[k].s;
    json_t *parties = json_array();
    for (int p = 0; p < pl_scenario_party_count(s); p++)
      json_array_append_new(parties,
                            json_pack("{s:s,s:s}", "id", pl_scenario_party_id(s, p),
                                      "name", pl_scenario_party_name(s, p)));
    json_array_append_new(
        a, json_pack("{s:s,s:s,s:s,s:o,s:i}", "name", t->scen[k].name,
                     "title", pl_scenario_title(s), "description",
                     pl_scenario_description(s), "parties", parties, "issues",
                     pl_scenario_issue_count(s)));
  }
  pthread_mutex_unlock(&t->mu);
  return answer_json(r, 200, json_pack("{s:o}", "scenarios", a), 0);
}

/* A strategy a host may name: built-in names and parameters only, never a
 * plug-in's path or an external command. */
static int good_strategy(const char *s) {
  size_t n = strlen(s);
  if (n == 0 || n > 120 || !strncmp(s, "ext", 3) || !strcmp(s, PL__TABLE_PERSON))
    return 0;
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
          c == '_' || c == '+' || c == '=' || c == '.' || c == ',' ||
          c == ':'))
      return 0;
  }
  return 1;
}

static int answer_create(pl_table *t, const pl_table_request *q,
                         pl_table_response *r) {
  json_error_t je;
  json_t *root = json_loadb(q->body ? q->body : "", q->body_len,
                            JSON_REJECT_DUPLICATES, &je);
  char why[1200];
  if (!root) {
    snprintf(why, sizeof why, "request body:%d:%d: %s", je.line, je.column, je.text);
    return answer_error(r, 400, why);
  }
  int status = 400, rc = PL_OK, reserved = 0;
  tsession *ts = NULL;
  json_t *links = NULL;
  const char *name = json_string_value(json_object_get(root, "scenario"));
  const char *proto = json_string_value(json_object_get(root, "protocol"));
  json_t *rounds = json_object_get(root, "rounds");
  json_t *parties = json_object_get(root, "parties");
  json_t *drafter = json_object_get(root, "drafter");
  json_t *seed = json_object_get(root, "seed");
  /* the scenario is copied under the table's lock (it may be replaced
   * meanwhile), and a place is kept for the session under the limit */
  pthread_mutex_lock(&t->mu);
  size_t k = 0;
  while (name && k < t->n_scen && strcmp(t->scen[k].name, name)) k++;
  if (!json_is_object(root)) snprintf(why, sizeof why, "the body must be a JSON object");
  else if (!name || k == t->n_scen) snprintf(why, sizeof why, "\"scenario\" must name one of /api/scenarios");
  else if (proto && strcmp(proto, "saop") && strcmp(proto, "text"))
    snprintf(why, sizeof why, "\"protocol\" must be \"saop\" or \"text\"");
  else if (rounds && (!json_is_integer(rounds) || json_integer_value(rounds) < 1 ||
                      json_integer_value(rounds) > t->o.max_rounds))
    snprintf(why, sizeof why, "\"rounds\" must be a whole number from 1 to %d", t->o.max_rounds);
  else if (seed && (!json_is_integer(seed) || json_integer_value(seed) < 0))
    snprintf(why, sizeof why, "\"seed\" must be a whole number >= 0");
  else if (!json_is_object(parties))
    snprintf(why, sizeof why, "\"parties\" must map each party id to \"person\" or a strategy");
  else if (t->o.max_sessions && t->ns + t->reserved >= t->o.max_sessions) {
    status = 503;
    snprintf(why, sizeof why, "the table holds its limit of %zu sessions", t->o.max_sessions);
  } else
    status = 0;
  if (!status) {
    status = 500;
    snprintf(why, sizeof why, "out of memory");
    const tscenario *sc = &t->scen[k];
    if ((ts = pl__calloc(1, sizeof *ts)) &&
        (ts->scenario_name = pl__strdup(sc->name)) &&
        (ts->yaml = pl__malloc(sc->len + 1))) {
      memcpy(ts->yaml, sc->yaml, sc->len + 1);
      ts->yaml_len = sc->len;
      t->reserved++;
      reserved = 1;
      status = 0;
    }
  }
  pthread_mutex_unlock(&t->mu);
  if (status) goto done;
  pl_error lerr = {0};
  if ((rc = pl_scenario_load_yaml(ts->yaml, ts->yaml_len, ts->scenario_name,
                                  &ts->s, &lerr))) {
    status = rc == PL_ENOMEM ? 500 : 400;
    snprintf(why, sizeof why, "%s", lerr.message);
    goto done;
  }
  status = 500;
  const pl_scenario *sc_s = ts->s;
  const int np = pl_scenario_party_count(sc_s);
  if (!(ts->agents = pl__calloc((size_t)np + 1, sizeof *ts->agents)) ||
      !(ts->hash = pl__calloc((size_t)np, 32)) || !(links = json_object()))
    goto done;
  ts->np = np;
  ts->protocol = proto && !strcmp(proto, "text") ? PL_PROTOCOL_TEXT : PL_PROTOCOL_SAOP;
  ts->rounds = rounds ? (int)json_integer_value(rounds) : 20;
  ts->seed = seed ? (uint64_t)json_integer_value(seed) : 0;
  status = 400;
  if (drafter) {
    ts->drafter = json_is_string(drafter)
                      ? pl_scenario_find_party(sc_s, json_string_value(drafter))
                      : -1;
    if (ts->drafter < 0) {
      snprintf(why, sizeof why, "\"drafter\" must be a party id");
      goto done;
    }
  }
  if (json_object_size(parties) != (size_t)np) {
    snprintf(why, sizeof why, "\"parties\" must name each of the %d parties once", np);
    goto done;
  }
  for (int p = 0; p < np; p++) {
    const char *pid = pl_scenario_party_id(sc_s, p);
    const char *a = json_string_value(json_object_get(parties, pid));
    if (!a || (strcmp(a, PL__TABLE_PERSON) && !good_strategy(a))) {
      char qid[80];
      snprintf(why, sizeof why,
               "party %s must be \"person\" or a built-in strategy",
               pl__quote(qid, sizeof qid, pid));
      goto done;
    }
    if (!(ts->agents[p] = pl__strdup(a))) {
      status = 500;
      goto done;
    }
    if (!strcmp(a, PL__TABLE_PERSON)) {
      char tok[PL_TABLE_TOKEN_LEN + 1];
      if (random_hex(tok, 32)) {
        status = 500;
        snprintf(why, sizeof why, "no random numbers");
        goto done;
      }
      token_hash(tok, ts->hash + 32 * (size_t)p);
      json_object_set_new(links, pid, json_pack("{s:s}", "token", tok));
      sodium_memzero(tok, sizeof tok);
    }
  }
  if (random_hex(ts->id, 16)) {
    status = 500;
    snprintf(why, sizeof why, "no random numbers");
    goto done;
  }
  char host[PL_TABLE_TOKEN_LEN + 1];
  if (random_hex(host, 32)) {
    status = 500;
    snprintf(why, sizeof why, "no random numbers");
    goto done;
  }
  token_hash(host, ts->host);
  ts->has_host = 1;
  json_object_set_new(links, "", json_pack("{s:s}", "token", host));
  sodium_memzero(host, sizeof host);
  /* the paths name the session now that it has an id */
  const char *pid;
  json_t *v;
  json_object_foreach(links, pid, v) {
    char path[200];
    snprintf(path, sizeof path, *pid ? "/s/%s/%s#%s" : "/h/%s%s#%s", ts->id,
             pid, json_string_value(json_object_get(v, "token")));
    json_object_set_new(v, "path", json_string(path));
  }
  pl_error err = {0};
  if ((rc = session_start(t, ts, &err))) {
    status = rc == PL_ENOMEM ? 500 : 400;
    snprintf(why, sizeof why, "%s", err.message);
    goto done;
  }
  if ((rc = db_insert_session(t, ts, &err))) {
    status = 500;
    snprintf(why, sizeof why, "%s", err.message);
    goto done;
  }
  ts->version = 1; /* published below: no lock needed before */
  if (drive(ts)) {
    status = 500;
    snprintf(why, sizeof why, "%s", ts->error);
    goto done;
  }
  pthread_mutex_lock(&t->mu);
  t->reserved--;
  reserved = 0;
  rc = add_session(t, ts); /* stored: resumes after a restart */
  pthread_mutex_unlock(&t->mu);
  if (rc) {
    status = 500;
    goto done;
  }
  json_t *host_link = json_incref(json_object_get(links, ""));
  json_object_del(links, ""); /* the host's link goes apart */
  json_t *out = json_pack("{s:s,s:o,s:o}", "id", ts->id, "links", links,
                          "host", host_link);
  json_decref(root);
  return answer_json(r, 201, out, 1);
done:
  if (reserved) {
    pthread_mutex_lock(&t->mu);
    t->reserved--;
    pthread_mutex_unlock(&t->mu);
  }
  json_decref(root);
  json_decref(links);
  session_free(ts);
  return answer_error(r, status, why);
}

static const char *party_kind(const tsession *ts, int p) {
  return strcmp(ts->agents[p], PL__TABLE_PERSON) ? "agent" : "person";
}

/* One party's view: its own preferences only; the others' utilities never
 * appear (events carry this party's utility alone). */
static json_t *view_json(const tsession *ts, int me, size_t from) {
  const pl_scenario *s = ts->s;
  const pl_session *x = ts->x;
  json_t *v = json_object();
  if (!v) return NULL;
  json_object_set_new(v, "session", json_string(ts->id));
  json_object_set_new(v, "version", json_integer((json_int_t)ts->version));
  json_object_set_new(v, "scenario",
                      json_pack("{s:s,s:s,s:s}", "name", ts->scenario_name,
                                "title", pl_scenario_title(s), "description",
                                pl_scenario_description(s)));
  json_object_set_new(v, "protocol", json_string(pl_protocol_name((pl_protocol)ts->protocol)));
  json_object_set_new(v, "rounds", json_integer(ts->rounds));
  json_object_set_new(v, "round", json_integer(pl_session_rounds(x)));
  json_object_set_new(v, "time", json_real(pl_session_time(x)));
  json_t *parties = json_array();
  for (int p = 0; p < ts->np; p++) {
    json_t *o = json_pack("{s:s,s:s,s:s,s:b}", "id", pl_scenario_party_id(s, p),
                          "name", pl_scenario_party_name(s, p), "kind",
                          party_kind(ts, p), "waiting",
                          pl_session_end(x) == PL_END_RUNNING &&
                              ts->persons[p].asked != ASK_NONE);
    if (strcmp(ts->agents[p], PL__TABLE_PERSON))
      json_object_set_new(o, "agent", json_string(ts->agents[p]));
    if (ts->protocol == PL_PROTOCOL_TEXT && p == ts->drafter)
      json_object_set_new(o, "drafter", json_true());
    json_array_append_new(parties, o);
  }
  json_object_set_new(v, "parties", parties);
  /* you: your party, its preferences and red lines */
  json_t *issues = json_array();
  for (int i = 0; i < ts->ni; i++) {
    json_t *opts = json_array();
    for (uint32_t k = 0; k < pl_scenario_option_count(s, i); k++)
      json_array_append_new(
          opts, json_pack("{s:s,s:s,s:f}", "id", pl_scenario_option_id(s, i, k),
                          "name", pl_scenario_option_name(s, i, k), "value",
                          pl_scenario_value(s, me, i, k)));
    json_array_append_new(issues,
                          json_pack("{s:s,s:s,s:f,s:o}", "id", pl_scenario_issue_id(s, i),
                                    "name", pl_scenario_issue_name(s, i), "weight",
                                    pl_scenario_weight(s, me, i), "options", opts));
  }
  json_t *red = json_array();
  for (int r = 0; r < pl_scenario_red_line_count(s); r++)
    if (pl_scenario_red_line_party(s, r) == me)
      json_array_append_new(red, json_pack("{s:s,s:s}", "id", pl_scenario_red_line_id(s, r),
                                           "description",
                                           pl_scenario_red_line_description(s, r)));
  const person *ps = &ts->persons[me];
  int asked = pl_session_end(x) == PL_END_RUNNING ? ps->asked : ASK_NONE;
  json_t *you = json_pack("{s:s,s:s,s:i,s:f,s:o,s:o}", "id", pl_scenario_party_id(s, me),
                          "name", pl_scenario_party_name(s, me), "index", me,
                          "reservation", pl_scenario_reservation(s, me),
                          "issues", issues, "red_lines", red);
  json_object_set_new(you, "ask", asked ? json_string(ask_names[asked]) : json_null());
  if (asked == ASK_RESPOND)
    json_object_set_new(you, "standing",
                        json_pack("{s:o,s:f}", "offer", outcome_json(s, ps->standing),
                                  "utility", pl_scenario_utility(s, me, ps->standing)));
  json_object_set_new(v, "you", you);
  json_t *events = json_array();
  json_object_set_new(v, "event_count", json_integer((json_int_t)pl_session_event_count(x)));
  json_object_set_new(v, "events_from", json_integer((json_int_t)from));
  for (size_t i = from; i < pl_session_event_count(x); i++) {
    const pl_event *e = pl_session_event(x, i);
    json_t *o = json_pack("{s:s,s:i,s:f}", "kind", pl_event_name(e->kind), "round",
                          e->round, "time", e->time);
    json_object_set_new(o, "party", e->party >= 0
                                        ? json_string(pl_scenario_party_id(s, e->party))
                                        : json_null());
    if (e->options) {
      json_object_set_new(o, "offer", outcome_json(s, e->options));
      json_object_set_new(o, "utility", json_real(pl_scenario_utility(s, me, e->options)));
    }
    if (e->rejects) {
      json_t *rj = json_array();
      for (int k = 0; k < ts->ni; k++)
        if (e->rejects[k]) json_array_append_new(rj, json_string(pl_scenario_issue_id(s, k)));
      json_object_set_new(o, "rejects", rj);
    }
    if (i < ts->n_notes && ts->notes[i])
      json_object_set_new(o, "note", json_string(ts->notes[i]));
    json_array_append_new(events, o);
  }
  json_object_set_new(v, "events", events);
  pl_end end = pl_session_end(x);
  if (end == PL_END_RUNNING) {
    json_object_set_new(v, "end", json_null());
  } else {
    const pl_point *ag = pl_session_agreement(x);
    (void)ag;
    size_t ne = pl_session_event_count(x);
    const pl_event *last = ne ? pl_session_event(x, ne - 1) : NULL;
    json_t *e = json_pack("{s:s,s:f}", "ended_by", pl_end_name(end), "payoff",
                          pl_session_payoff(x, me));
    json_object_set_new(e, "agreement", last && last->kind == PL_EVENT_END && last->options
                                            ? outcome_json(s, last->options)
                                            : json_null());
    json_object_set_new(e, "failure", json_string(pl_session_failure(x)));
    json_object_set_new(v, "end", e);
  }
  if (ts->error[0]) json_object_set_new(v, "error", json_string(ts->error));
  return v;
}

static int parse_u64(const char *s, uint64_t *out) {
  if (!s || !*s || strlen(s) > 19) return -1;
  uint64_t v = 0;
  for (; *s; s++) {
    if (*s < '0' || *s > '9') return -1;
    v = v * 10 + (uint64_t)(*s - '0');
  }
  *out = v;
  return 0;
}

/* A view for the token's holder: a party's, or the host's. */
static json_t *party_view(const tsession *ts, int me, size_t from) {
  return me == WHO_HOST ? host_view_json(ts, from) : view_json(ts, me, from);
}

/* The query of a view or a stream: since, wait (default wait0, at most
 * 60 s) and from. Returns 0, or -1 after answering 400. */
static int view_query(const pl_table_request *q, uint64_t *since,
                      uint64_t *wait, uint64_t *from, pl_table_response *r) {
  if ((q->since && parse_u64(q->since, since)) ||
      (q->wait && (parse_u64(q->wait, wait) || *wait > 60)) ||
      (q->from && parse_u64(q->from, from))) {
    answer_error(r, 400, "\"since\" and \"from\" must be whole numbers and \"wait\" 0 to 60 seconds");
    return -1;
  }
  return 0;
}

/* Waits, holding the session's lock (released while waiting), until the
 * session's version passes `since`, the table stops, or `wait` seconds
 * have gone. Only this session's actions wake it. */
static void wait_version(pl_table *t, tsession *ts, uint64_t since,
                         uint64_t wait) {
  if (!wait || ts->version > since) return;
  struct timespec until;
  clock_gettime(CLOCK_MONOTONIC, &until);
  until.tv_sec += (time_t)wait;
  while (ts->version <= since && !atomic_load(&t->stopping))
    if (pthread_cond_timedwait(&ts->cv, &ts->mu, &until) == ETIMEDOUT) break;
}

/* GET: the view now, or (since, wait) once the version passes `since` or
 * `wait` seconds have gone. */
static int answer_view(pl_table *t, tsession *ts, int me,
                       const pl_table_request *q, pl_table_response *r) {
  uint64_t since = 0, wait = 0, from = 0;
  if (view_query(q, &since, &wait, &from, r))
    return r->body ? PL_OK : PL_ENOMEM;
  if (q->since) wait_version(t, ts, since, wait);
  return answer_json(r, 200, party_view(ts, me, (size_t)from), 1);
}

/* GET .../events: the next piece of a party's stream of server-sent
 * events (docs/web.md). Without `since` (or Last-Event-ID), the view now;
 * with it, the view once the version passes `since`, or after `wait`
 * seconds (default 15) a comment that keeps the connection alive. A view
 * is the message `id: VERSION.EVENTS`, `event: view`, `data: JSON`, whose
 * events are those from `from` on: a client that passes each message's id
 * back (as Last-Event-ID, or as since and from) gets every event once, in
 * order, across reconnections. r->next_since and r->next_from say where
 * the next piece starts; r->end_of_stream that the negotiation has ended
 * (its last view sent) or the table is stopping. */
static int answer_events(pl_table *t, tsession *ts, int me,
                         const pl_table_request *q, pl_table_response *r) {
  uint64_t since = 0, wait = 15, from = 0;
  if (view_query(q, &since, &wait, &from, r))
    return r->body ? PL_OK : PL_ENOMEM;
  int resume = q->since != NULL;
  if (q->last_event_id) {
    const char *id = q->last_event_id, *dot = strchr(id, '.');
    char v[24];
    size_t n = dot ? (size_t)(dot - id) : 0;
    if (!dot || n >= sizeof v ||
        (memcpy(v, id, n), v[n] = 0, parse_u64(v, &since)) ||
        parse_u64(dot + 1, &from))
      return answer_error(r, 400, "Last-Event-ID must be an id this stream "
                                  "sent (VERSION.EVENTS)");
    resume = 1;
  }
  if (resume) wait_version(t, ts, since, wait);
  int over = pl_session_end(ts->x) != PL_END_RUNNING ||
             atomic_load(&t->stopping);
  r->next_since = since;
  r->next_from = from;
  r->end_of_stream = over;
  if (resume && ts->version <= since) { /* nothing new */
    int rc = answer_text(r, over ? "" : ": keep-alive\n\n");
    r->end_of_stream = over;
    return rc;
  }
  json_t *v = party_view(ts, me, (size_t)from); /* the host's too */
  char *data = v ? pl__json_dumps(v, JSON_COMPACT) : NULL; /* one line */
  json_decref(v);
  if (!data) return PL_ENOMEM;
  size_t events = pl_session_event_count(ts->x);
  size_t cap = strlen(data) + 80;
  char *msg = pl__malloc(cap);
  if (msg)
    snprintf(msg, cap, "id: %llu.%zu\nevent: view\ndata: %s\n\n",
             (unsigned long long)ts->version, events, data);
  pl__free(data);
  if (!msg) return PL_ENOMEM;
  r->status = 200;
  r->content_type = "text/event-stream";
  r->private_ = 1;
  r->body = msg;
  r->len = strlen(msg);
  r->next_since = ts->version;
  r->next_from = events;
  return PL_OK;
}

/* A dry run: whether the action would be taken, and what the outcome
 * gives the party (the page shows it while an offer is built). */
static int answer_dry(const tsession *ts, int me, action *a, int status,
                      const char *why, pl_table_response *r) {
  const uint32_t *o = a->options ? a->options
                      : a->kind == A_ACCEPT ? ts->persons[me].standing : NULL;
  for (int i = 0; o && i < ts->ni; i++)
    if (o[i] == PL_NOT_AGREED) o = NULL;
  json_t *v = json_pack("{s:b}", "ok", status == 0);
  json_object_set_new(v, "utility", o ? json_real(pl_scenario_utility(ts->s, me, o)) : json_null());
  if (status) json_object_set_new(v, "error", json_string(why));
  action_clear(a);
  return answer_json(r, 200, v, 1);
}

static int answer_act(pl_table *t, tsession *ts, int me,
                      const pl_table_request *q, pl_table_response *r) {
  uint64_t from = 0; /* the answer's events from this one on */
  if (q->from && parse_u64(q->from, &from))
    return answer_error(r, 400, "\"from\" must be a whole number");
  json_error_t je;
  json_t *root = json_loadb(q->body ? q->body : "", q->body_len,
                            JSON_REJECT_DUPLICATES, &je);
  char why[300];
  if (!root) {
    snprintf(why, sizeof why, "request body:%d:%d: %s", je.line, je.column, je.text);
    return answer_error(r, 400, why);
  }
  action a;
  int status = parse_action(ts, me, root, 1, &a, why, sizeof why);
  int dry = json_is_true(json_object_get(root, "dry_run"));
  json_decref(root);
  if (dry && (status == 0 || status == 422)) /* a check, not an action */
    return answer_dry(ts, me, &a, status, why, r);
  if (status) {
    action_clear(&a);
    return answer_error(r, status, why);
  }
  char *stored = action_json(ts, &a);
  pl_error err = {0};
  int rc = stored ? db_insert_action(t, ts, me, stored, &err) : PL_ENOMEM;
  free(stored);
  if (rc) {
    action_clear(&a);
    return answer_error(r, 500, rc == PL_ENOMEM ? "out of memory" : err.message);
  }
  ts->seq++;
  if (queue_action(ts, me, &a)) { /* stored: a restart takes it */
    action_clear(&a);
    return answer_error(r, 500, "out of memory");
  }
  drive(ts);
  ts->version++;
  pthread_cond_broadcast(&ts->cv); /* this session's views and streams */
  return answer_json(r, 200, view_json(ts, me, (size_t)from), 1);
}

/* ---- the host's view, the figure and the results (docs/web.md) ------ */

/* The host's view: the party's view without "you", with every party's
 * utility of each offer and every party's payoff. The host made the
 * session and chose the scenario, so it knows every party's preferences
 * anyway; the parties never receive this. */
static json_t *host_view_json(const tsession *ts, size_t from) {
  json_t *v = view_json(ts, 0, from);
  if (!v) return NULL;
  json_object_del(v, "you");
  json_object_set_new(v, "host", json_true());
  json_t *events = json_object_get(v, "events");
  size_t i;
  json_t *e;
  json_array_foreach(events, i, e) {
    const pl_event *pe = pl_session_event(ts->x, from + i);
    if (!pe->options) continue;
    json_t *u = json_object();
    for (int p = 0; p < ts->np; p++)
      json_object_set_new(u, pl_scenario_party_id(ts->s, p),
                          json_real(pl_scenario_utility(ts->s, p, pe->options)));
    json_object_del(e, "utility");
    json_object_set_new(e, "utilities", u);
  }
  json_t *end = json_object_get(v, "end");
  if (json_is_object(end)) {
    json_t *pay = json_object();
    for (int p = 0; p < ts->np; p++)
      json_object_set_new(pay, pl_scenario_party_id(ts->s, p),
                          json_real(pl_session_payoff(ts->x, p)));
    json_object_del(end, "payoff");
    json_object_set_new(end, "payoffs", pay);
  }
  return v;
}

/* The analysis of the session's scenario, made once. */
static const pl_analysis *session_analysis(tsession *ts, pl_error *err) {
  if (!ts->analysis && pl_analyze(ts->s, NULL, &ts->analysis, err))
    ts->analysis = NULL;
  return ts->analysis;
}

static int answer_bytes(pl_table_response *r, char *body, size_t len,
                        const char *type, const char *filename) {
  r->status = 200;
  r->content_type = type;
  r->private_ = 1;
  r->body = body;
  r->len = len;
  r->filename = filename;
  return PL_OK;
}

/* The outcome space with the offers so far (pl_figure_session, the picture
 * of `parley run --plot`), as SVG. It shows every party's utilities, so a
 * party sees it only after the end; the host at any time. */
static int answer_figure(tsession *ts, int me, pl_table_response *r) {
  if (me != WHO_HOST && pl_session_end(ts->x) == PL_END_RUNNING)
    return answer_error(r, 403, "the figure shows every party's utilities: "
                                "the parties see it after the end");
  pl_error err = {0};
  const pl_analysis *a = session_analysis(ts, &err);
  pl_figure *f = NULL;
  char *svg = NULL;
  size_t len = 0;
  int rc = pl_figure_session(ts->s, ts->x, a, NULL, &f, &err);
  if (!rc) rc = pl_figure_render(f, PL_PLOT_SVG, NULL, &svg, &len, &err);
  pl_figure_free(f);
  if (rc)
    return answer_error(r, rc == PL_ENOMEM ? 500 : rc == PL_EUNSUPPORTED ? 501 : 500,
                        err.message);
  return answer_bytes(r, svg, len, "image/svg+xml", NULL);
}

/* The Content-Security-Policy of a report: its own inline style and
 * script, by their SHA-256 hashes (CSP Level 3, "hash-source"), its
 * style attributes by theirs ('unsafe-hashes'), pictures as data: URLs,
 * nothing else; sandboxed, so even opened from the server it runs in an
 * origin of its own. */
static void add_hash(char *csp, size_t size, const char *from, size_t n) {
  unsigned char h[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(h, (const unsigned char *)from, n);
  char b64[sodium_base64_ENCODED_LEN(crypto_hash_sha256_BYTES,
                                     sodium_base64_VARIANT_ORIGINAL)];
  sodium_bin2base64(b64, sizeof b64, h, sizeof h, sodium_base64_VARIANT_ORIGINAL);
  char src[80];
  snprintf(src, sizeof src, " 'sha256-%s'", b64);
  if (!strstr(csp, src) && strlen(csp) + strlen(src) < size) strcat(csp, src);
}

/* Every text between `open` and `close`: an element's content (open
 * "<script": from the end of its start tag) or an attribute's value (open
 * ` style="`: from there). */
static void hash_blocks(const char *html, const char *open, const char *close,
                        char *csp, size_t size) {
  int element = open[0] == '<';
  for (const char *p = strstr(html, open); p; p = strstr(p, open)) {
    const char *b = element ? strchr(p, '>') : p + strlen(open) - 1;
    const char *e = b ? strstr(b + 1, close) : NULL;
    if (!e) break;
    add_hash(csp, size, b + 1, (size_t)(e - b - 1));
    p = e;
  }
}

static void report_csp(const char *html, char *csp, size_t size) {
  char scripts[512] = "", styles[512] = "", attrs[512] = "";
  hash_blocks(html, "<script", "</script>", scripts, sizeof scripts);
  hash_blocks(html, "<style", "</style>", styles, sizeof styles);
  hash_blocks(html, " style=\"", "\"", attrs, sizeof attrs);
  snprintf(csp, size,
           "default-src 'none'; script-src%s; style-src%s%s%s; "
           "img-src data:; base-uri 'none'; form-action 'none'; "
           "frame-ancestors 'none'; sandbox allow-scripts",
           scripts[0] ? scripts : " 'none'", styles[0] || attrs[0] ? "" : " 'none'",
           styles, attrs[0] ? " 'unsafe-hashes'" : "");
  if (attrs[0] && strlen(csp) + strlen(attrs) < size) {
    char *semi = strstr(csp, "; img-src");
    memmove(semi + strlen(attrs), semi, strlen(semi) + 1);
    memcpy(semi, attrs, strlen(attrs));
  }
}

/* What the end makes available: the analysis with the agreement placed
 * against the frontier and Nash (parley analyze, parley run --json), the
 * HTML report (parley report), the transcript (parley run --transcript;
 * signed with the table's key as a parley record). */
static int answer_result(pl_table *t, tsession *ts, const char *what,
                         pl_table_response *r) {
  if (pl_session_end(ts->x) == PL_END_RUNNING)
    return answer_error(r, 409, "the negotiation has not ended yet");
  pl_error err = {0};
  int transcript = !strcmp(what, "transcript");
  const pl_analysis *a = transcript ? NULL : session_analysis(ts, &err);
  if (!transcript && !a) return answer_error(r, 500, err.message);
  if (!strcmp(what, "analysis")) {
    char *aj = pl_analysis_to_json(a), *sj = pl_session_to_json(ts->x, a);
    json_t *out = aj && sj ? json_pack("{s:o,s:o}", "analysis", json_loads(aj, 0, NULL),
                                       "result", json_loads(sj, 0, NULL))
                           : NULL;
    pl_free(aj);
    pl_free(sj);
    if (!out) return answer_error(r, 500, "out of memory");
    int rc = answer_json(r, 200, out, 1);
    r->filename = "analysis.json";
    return rc;
  }
  if (!strcmp(what, "report.html")) {
    char setup[600];
    size_t k = 0;
    for (int p = 0; p < ts->np && k < 400; p++)
      k += (size_t)snprintf(setup + k, sizeof setup - k, "%s%s", p ? ", " : "", ts->agents[p]);
    snprintf(setup + k, sizeof setup - k, "; %s, %d rounds (parley serve)",
             pl_protocol_name((pl_protocol)ts->protocol), ts->rounds);
    pl_report_options ro;
    pl_report_options_init(&ro);
    ro.session = ts->x;
    ro.session_setup = setup;
    char *html = NULL;
    size_t len = 0;
    int rc = pl_report_html(a, &ro, &html, &len, &err);
    if (rc) return answer_error(r, rc == PL_EUNSUPPORTED ? 501 : 500, err.message);
    report_csp(html, r->csp, sizeof r->csp);
    return answer_bytes(r, html, len, "text/html; charset=utf-8", "report.html");
  }
  char *text = NULL;
  if (t->sign) {
    pl_session_options o;
    session_options(t, ts, &o);
    const pl_key **keys = pl__calloc((size_t)ts->np, sizeof *keys);
    pl_record *rec = NULL;
    int rc = keys ? pl_record_sign_session(ts->x, ts->s, &o,
                                           (const char *const *)ts->agents,
                                           keys, t->sign, &rec, &err)
                  : PL_ENOMEM;
    pl__free(keys);
    if (rc) return answer_error(r, 500, rc == PL_ENOMEM ? "out of memory" : err.message);
    text = pl_record_to_text(rec);
    pl_record_free(rec);
  } else {
    text = pl_session_transcript(ts->x);
  }
  if (!text) return answer_error(r, 500, "out of memory");
  return answer_bytes(r, text, strlen(text), "application/x-ndjson",
                      "transcript.jsonl");
}

/* ---- uploaded scenarios --------------------------------------------- */

/* A name for an uploaded scenario: the one asked for, else its file's (or
 * domain's) name; letters, digits, '-', '_', '.' only, made unique with
 * -2, -3, ... */
static void upload_name(const pl_table *t, const char *want, char *out,
                        size_t size) {
  size_t k = 0;
  for (; want[k] && k < 50 && k + 1 < size; k++) {
    char c = want[k];
    out[k] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                     (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'
                 ? c
                 : '_';
  }
  out[k] = 0;
  if (!out[0]) snprintf(out, size, "upload");
  char base[52];
  snprintf(base, sizeof base, "%.50s", out);
  for (int n = 2;; n++) {
    size_t i = 0;
    while (i < t->n_scen && strcmp(t->scen[i].name, out)) i++;
    if (i == t->n_scen) return;
    snprintf(out, size, "%s-%d", base, n);
  }
}

/* The reader's message as `parley` prints it: FILE:LINE:COL: MESSAGE. */
static void error_text(const pl_error *e, char *out, size_t size) {
  if (e->file[0] && e->line > 0)
    snprintf(out, size, "%s:%d:%d: %s", e->file, e->line, e->column, e->message);
  else if (e->file[0])
    snprintf(out, size, "%s: %s", e->file, e->message);
  else
    snprintf(out, size, "%s", e->message);
}

static int db_put_scenario(pl_table *t, const tscenario *sc, pl_error *err) {
  if (!t->db) return PL_OK;
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2(t->db, "INSERT OR REPLACE INTO scenarios VALUES(?,?)",
                              -1, &st, NULL);
  if (rc == SQLITE_OK) {
    sqlite3_bind_text(st, 1, sc->name, -1, SQLITE_STATIC);
    sqlite3_bind_blob(st, 2, sc->yaml, (int)sc->len, SQLITE_STATIC);
    rc = sqlite3_step(st);
  }
  sqlite3_finalize(st);
  return rc == SQLITE_DONE ? PL_OK : db_fail(t, err, "cannot store the scenario");
}

/* A scenario as the table keeps it: its YAML text and that text read
 * back (what sessions start from and what the store holds). */
static int scenario_make(const char *name, const pl_scenario *s, tscenario *sc,
                         pl_error *err) {
  memset(sc, 0, sizeof *sc);
  int rc = pl__yaml_text(s, &sc->yaml, &sc->len, err);
  if (rc) return rc;
  if ((rc = pl_scenario_load_yaml(sc->yaml, sc->len, name, &sc->s, err)) ||
      !(sc->name = pl__strdup(name))) {
    pl__free(sc->yaml);
    pl_scenario_free(sc->s);
    return rc ? rc : pl__err(err, PL_ENOMEM, "out of memory");
  }
  return PL_OK;
}

/* POST /api/scenarios: {"name": optional, "files": [{"name", "data"}]}
 * with data in base64 (the bytes as they are, whatever the encoding):
 * one parley YAML file, or a GENIUS or GeniusWeb domain and its profiles,
 * read by pl_scenario_load_memory. */
static int answer_upload(pl_table *t, const pl_table_request *q,
                         pl_table_response *r) {
  json_error_t je;
  json_t *root = json_loadb(q->body ? q->body : "", q->body_len,
                            JSON_REJECT_DUPLICATES, &je);
  char why[2200];
  if (!root) {
    snprintf(why, sizeof why, "request body:%d:%d: %s", je.line, je.column, je.text);
    return answer_error(r, 400, why);
  }
  json_t *files = json_object_get(root, "files");
  json_t *want = json_object_get(root, "name");
  size_t n = json_array_size(files);
  int status = 400;
  json_t *out = NULL;
  pl_memory_file *mf = NULL;
  pl_scenario *s = NULL;
  if (!json_is_object(root) || !json_is_array(files) || n == 0 ||
      n > PL_MEMORY_FILES_MAX) {
    snprintf(why, sizeof why, "\"files\" must list 1 to %d files, each "
             "{\"name\", \"data\"} with the bytes in base64", PL_MEMORY_FILES_MAX);
    goto done;
  }
  if (want && (!json_is_string(want) || !good_name(json_string_value(want), 50))) {
    snprintf(why, sizeof why, "\"name\" must be 1 to 50 letters, digits, '-', '_', '.'");
    goto done;
  }
  if (!(mf = pl__calloc(n, sizeof *mf))) {
    status = 500;
    snprintf(why, sizeof why, "out of memory");
    goto done;
  }
  for (size_t k = 0; k < n; k++) {
    json_t *f = json_array_get(files, k);
    const char *name = json_string_value(json_object_get(f, "name"));
    const char *b64 = json_string_value(json_object_get(f, "data"));
    size_t blen = b64 ? strlen(b64) : 0, len = 0;
    char *bin = b64 ? pl__malloc(blen / 4 * 3 + 4) : NULL;
    if (!name || !b64 || !bin ||
        sodium_base642bin((unsigned char *)bin, blen / 4 * 3 + 4, b64, blen,
                          "\r\n", &len, NULL, sodium_base64_VARIANT_ORIGINAL)) {
      pl__free(bin);
      char qn[80];
      snprintf(why, sizeof why, "file %zu%s%s: \"name\" must be a string and "
               "\"data\" its bytes in base64", k + 1, name ? " " : "",
               name ? pl__quote(qn, sizeof qn, name) : "");
      goto done;
    }
    mf[k] = (pl_memory_file){name, bin, len};
  }
  pl_error err = {0};
  int rc = pl_scenario_load_memory(mf, n, "upload", NULL, &s, &err);
  if (rc) {
    status = rc == PL_ENOMEM ? 500 : 400;
    error_text(&err, why, sizeof why);
    goto done;
  }
  char name[64], *stem = n == 1 ? pl__file_stem(mf[0].name) : NULL;
  tscenario sc;
  /* the limit, the name's uniqueness, the store and the list: one
   * critical section under the table's lock (then the store's, in the
   * order of struct pl_table), so two uploads never take one name */
  pthread_mutex_lock(&t->mu);
  if (t->n_uploaded >= PL_TABLE_MAX_UPLOADS) {
    status = 503;
    snprintf(why, sizeof why, "the table holds its limit of %d uploaded scenarios",
             PL_TABLE_MAX_UPLOADS);
    goto unlock;
  }
  upload_name(t, want ? json_string_value(want) : stem ? stem : pl_scenario_id(s),
              name, sizeof name);
  if (!(rc = scenario_make(name, s, &sc, &err))) {
    pthread_mutex_lock(&t->db_mu);
    rc = db_put_scenario(t, &sc, &err);
    pthread_mutex_unlock(&t->db_mu);
  }
  if (rc) {
    if (sc.name) {
      pl__free(sc.name);
      pl__free(sc.yaml);
      pl_scenario_free(sc.s);
    }
    status = rc == PL_ENOMEM || rc == PL_EIO ? 500 : 400;
    error_text(&err, why, sizeof why);
    goto unlock;
  }
  if ((rc = scenario_put(t, &sc, &err))) {
    status = 500;
    snprintf(why, sizeof why, "out of memory");
    goto unlock;
  }
  t->n_uploaded++;
  status = 0;
unlock:
  pthread_mutex_unlock(&t->mu);
  pl__free(stem);
  if (!status)
    out = json_pack("{s:s,s:s}", "name", name, "title", pl_scenario_title(s));
done:
  for (size_t k = 0; mf && k < n; k++) pl__free((char *)mf[k].data);
  pl__free(mf);
  pl_scenario_free(s);
  json_decref(root);
  return status ? answer_error(r, status, why) : answer_json(r, 201, out, 0);
}

/* The uploaded scenarios of the store, listed again on start. */
static int load_uploads_locked(pl_table *t, pl_error *err) {
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(t->db, "SELECT name, yaml FROM scenarios ORDER BY rowid",
                         -1, &st, NULL) != SQLITE_OK)
    return db_fail(t, err, "cannot read the scenarios");
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    const char *name = (const char *)sqlite3_column_text(st, 0);
    const char *yaml = sqlite3_column_blob(st, 1);
    int len = sqlite3_column_bytes(st, 1);
    tscenario sc = {0};
    if (!name || !good_name(name, 63) || !yaml ||
        pl_scenario_load_yaml(yaml, (size_t)len, name, &sc.s, err)) {
      pl_scenario_free(sc.s);
      sqlite3_finalize(st);
      return pl__err(err, PL_EPARSE, "table store: scenario %s is damaged",
                     name ? name : "?");
    }
    sc.name = pl__strdup(name);
    sc.yaml = pl__malloc((size_t)len + 1);
    if (!sc.name || !sc.yaml) {
      pl__free(sc.name);
      pl__free(sc.yaml);
      pl_scenario_free(sc.s);
      sqlite3_finalize(st);
      return pl__err(err, PL_ENOMEM, "out of memory");
    }
    memcpy(sc.yaml, yaml, (size_t)len);
    sc.yaml[len] = 0;
    sc.len = (size_t)len;
    if ((rc = scenario_put(t, &sc, err))) {
      sqlite3_finalize(st);
      return rc;
    }
    t->n_uploaded++;
  }
  sqlite3_finalize(st);
  return rc == SQLITE_DONE ? PL_OK : db_fail(t, err, "cannot read the scenarios");
}

/* At creation no other thread sees the table yet, but the locks are
 * taken as every writer of the list and the store takes them (t->mu,
 * then t->db_mu). */
static int load_uploads(pl_table *t, pl_error *err) {
  pthread_mutex_lock(&t->mu);
  pthread_mutex_lock(&t->db_mu);
  int rc = load_uploads_locked(t, err);
  pthread_mutex_unlock(&t->db_mu);
  pthread_mutex_unlock(&t->mu);
  return rc;
}

/* The session and party of /api/sessions/ID[/act|/events] with the
 * token. The session is found under the table's lock and answered under
 * its own. */
static int answer_session(pl_table *t, const pl_table_request *q,
                          const char *rest, pl_table_response *r) {
  const char *slash = strchr(rest, '/');
  size_t idlen = slash ? (size_t)(slash - rest) : strlen(rest);
  int act = slash && !strcmp(slash, "/act");
  int events = slash && !strcmp(slash, "/events");
  const char *sub = slash && !act && !events ? slash + 1 : NULL; /* figure, results */
  if (sub && strcmp(sub, "figure.svg") && strcmp(sub, "analysis") &&
      strcmp(sub, "report.html") && strcmp(sub, "transcript"))
    return answer_error(r, 404, "no such resource");
  pthread_mutex_lock(&t->mu);
  tsession *ts = find_session(t, rest, idlen);
  pthread_mutex_unlock(&t->mu);
  if (!ts) return answer_error(r, 404, "no such session");
  /* hashes, seats and the host's hash never change after creation */
  int me = token_party(ts, q->token);
  if (me == -1)
    return answer_error(r, 403, "no party of this session has this token "
                                "(X-Parley-Token)");
  if (act != !strcmp(q->method, "POST"))
    return answer_error(r, 405, act ? "use POST to act" : "use GET to view");
  if (act && me == WHO_HOST)
    return answer_error(r, 403, "the host watches; only the parties act");
  pthread_mutex_lock(&ts->mu);
  int rc = sub && !strcmp(sub, "figure.svg") ? answer_figure(ts, me, r)
           : sub    ? answer_result(t, ts, sub, r)
           : act    ? answer_act(t, ts, me, q, r)
           : events ? answer_events(t, ts, me, q, r)
                    : answer_view(t, ts, me, q, r);
  pthread_mutex_unlock(&ts->mu);
  return rc;
}

static int answer_asset(pl_table_response *r, const char *data, size_t len,
                        const char *type) {
  r->status = 200;
  r->content_type = type;
  r->private_ = 0;
  r->body = pl__malloc(len + 1);
  if (!r->body) return PL_ENOMEM;
  memcpy(r->body, data, len);
  r->body[len] = 0;
  r->len = len;
  return PL_OK;
}

/* The page's own paths: "/", "/new" and "/s/SESSION/PARTY". */
static int page_path(const char *p) {
  if (!strcmp(p, "/")) return 1;
  if (!strncmp(p, "/h/", 3)) return strlen(p + 3) == 32 && good_name(p + 3, 32);
  if (strncmp(p, "/s/", 3)) return 0;
  const char *id = p + 3, *sl = strchr(id, '/');
  return sl && sl - id == 32 && good_name(sl + 1, 63);
}

size_t pl_table_body_limit(const char *method, const char *path) {
  return method && path && !strcmp(method, "POST") &&
                 !strcmp(path, "/api/scenarios")
             ? PL_TABLE_MAX_UPLOAD
             : PL_TABLE_MAX_BODY;
}

int pl_table_handle(pl_table *t, const pl_table_request *q,
                    pl_table_response *r) {
  memset(r, 0, sizeof *r);
  const char *path = q->path ? q->path : "";
  int get = !strcmp(q->method, "GET") || !strcmp(q->method, "HEAD");
  if (q->body_len > pl_table_body_limit(q->method, path))
    return answer_error(r, 413, q->body_len > PL_TABLE_MAX_UPLOAD
                                    ? "the request body is over 4 MiB"
                                    : "the request body is over 64 KiB");
  if (get && page_path(path))
    return answer_asset(r, (const char *)pl__table_page, pl__table_page_size,
                        "text/html; charset=utf-8");
  if (get && !strcmp(path, "/app.js"))
    return answer_asset(r, (const char *)pl__table_script, pl__table_script_size,
                        "text/javascript; charset=utf-8");
  if (get && !strcmp(path, "/app.css"))
    return answer_asset(r, (const char *)pl__table_style, pl__table_style_size,
                        "text/css; charset=utf-8");
  if (strncmp(path, "/api/", 5)) return answer_error(r, 404, "no such page");
  if (!get && (!q->content_type ||
               strncmp(q->content_type, "application/json", 16) ||
               (q->content_type[16] && q->content_type[16] != ';')))
    return answer_error(r, 415, "send the body as application/json");
  /* each route takes the locks it needs (struct pl_table) */
  if (!strcmp(path, "/api/scenarios"))
    return get ? answer_scenarios(t, r) : answer_upload(t, q, r);
  if (!strcmp(path, "/api/sessions"))
    return !strcmp(q->method, "POST")
               ? answer_create(t, q, r)
               : answer_error(r, 405, "use POST to create a session");
  if (!strncmp(path, "/api/sessions/", 14))
    return answer_session(t, q, path + 14, r);
  return answer_error(r, 404, "no such resource");
}
