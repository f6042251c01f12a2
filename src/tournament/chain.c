/* Signed results stores (docs/records.md, "Tournament stores"): the
 * chain the store's one writer keeps of the rows it commits, and the
 * store's verification -- the chain by the records' verifier, then every
 * row against the entry that signs it. */
#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json_text.h"
#include "io/formats.h"
#include "tournament/chain.h"

#define ROW_PREFIX "{\"event\":\"negotiation\",\"job\":"

/* ------------------------------------------------------------------ */
/* The row's canonical serialisation                                   */
/* ------------------------------------------------------------------ */

static int put(pl__rbuf *b, const char *s) {
  return pl__rbuf_put(b, s, strlen(s));
}

static int put_int(pl__rbuf *b, const char *key, int64_t v) {
  char num[32];
  snprintf(num, sizeof num, "%" PRId64, v);
  return put(b, key) | put(b, num);
}

/* A real in its shortest round-trip form; null for NULL (NaN) and
 * non-finite values; -0 as 0 (SQLite keeps no negative zero). */
static int put_real(pl__rbuf *b, const char *key, double v) {
  char num[PL__REAL_CHARS];
  if (!isfinite(v)) return put(b, key) | put(b, "null");
  pl__shortest_double(num, v == 0 ? 0.0 : v);
  return put(b, key) | put(b, num);
}

static int put_str(pl__rbuf *b, const char *key, const char *s) {
  return put(b, key) |
         (s ? pl__rbuf_put_string(b, s, strlen(s)) : put(b, "null"));
}

static int put_raw(pl__rbuf *b, const char *key, const char *s) {
  return put(b, key) | put(b, s ? s : "null");
}

int pl__trow_body(pl__rbuf *b, const pl__trow *r) {
  int bad = put_int(b, ROW_PREFIX, r->job);
  bad |= put_int(b, ",\"scenario\":", r->scenario);
  bad |= put_int(b, ",\"repetition\":", r->repetition);
  bad |= put_str(b, ",\"seed\":", r->seed);
  bad |= put_raw(b, ",\"agents\":", r->agents);
  bad |= put_str(b, ",\"ended_by\":", r->ended_by);
  bad |= put_raw(b, ",\"agreement\":", r->agreement);
  bad |= put_raw(b, ",\"utilities\":", r->utilities);
  bad |= put_int(b, ",\"rounds\":", r->rounds);
  bad |= put_real(b, ",\"wall_time\":", r->wall_time);
  bad |= put_real(b, ",\"distance_pareto\":", r->distance_pareto);
  bad |= put_real(b, ",\"distance_nash\":", r->distance_nash);
  bad |= put_real(b, ",\"welfare\":", r->welfare);
  bad |= put_str(b, ",\"error\":", r->error);
  bad |= put(b, "}");
  return bad ? -1 : 0;
}

/* ------------------------------------------------------------------ */
/* The writer                                                          */
/* ------------------------------------------------------------------ */

static int db_fail(pl_error *err, sqlite3 *db, const char *what) {
  return pl__err(err,
                 sqlite3_errcode(db) == SQLITE_NOMEM ? PL_ENOMEM : PL_EIO,
                 "results store: %s: %s", what, sqlite3_errmsg(db));
}

/* Writes line l (formatted) as the chain's next line. */
static int put_line(pl__tchain *c, const rec_line *l, pl_error *err) {
  pl__rbuf b = {0};
  if (pl__format_line(&b, l)) {
    pl__free(b.p);
    return pl__err(err, PL_ENOMEM, "out of memory");
  }
  sqlite3_stmt *q = c->ins;
  sqlite3_reset(q);
  sqlite3_bind_int64(q, 1, (sqlite3_int64)c->seq);
  sqlite3_bind_text(q, 2, b.p, (int)b.len - 1, SQLITE_TRANSIENT); /* no LF */
  int rc = sqlite3_step(q) == SQLITE_DONE
               ? PL_OK
               : db_fail(err, sqlite3_db_handle(q), "chain");
  sqlite3_reset(q);
  pl__free(b.p);
  if (!rc) c->seq++;
  return rc;
}

/* Makes entry c->n (body taken over) and writes it, or holds it. */
static int entry(pl__tchain *c, const char *event, char *body, bool sign,
                 bool hold, pl_error *err) {
  char salt[PL__HEX + 1];
  pl__random_salt(salt);
  rec_line l;
  if (pl__entry_make(&l, c->n, c->key->id, event, sign, body, salt, c->key,
                     c->link)) {
    pl__free(body);
    return pl__err(err, PL_EINVAL, "cannot sign with the key of '%s'",
                   c->key->id);
  }
  c->n++;
  if (hold) {
    c->held = l;
    c->holding = true;
    return PL_OK;
  }
  int rc = put_line(c, &l, err);
  pl__free(l.body);
  return rc;
}

/* Writes the held entry, signed when sign (its link, the next entry's
 * prev, is made now). */
static int flush(pl__tchain *c, bool sign, pl_error *err) {
  if (!c->holding) return PL_OK;
  c->holding = false;
  rec_line *l = &c->held;
  char pre[512];
  size_t np = pl__preimage(l, pre);
  l->has_sig = sign;
  if (sign && crypto_sign_detached(l->sig, NULL, (const uint8_t *)pre, np,
                                   c->key->sk)) {
    pl__free(l->body);
    return pl__err(err, PL_EINVAL, "cannot sign with the key of '%s'",
                   c->key->id);
  }
  pl__link(l, pre, np, c->link);
  int rc = put_line(c, l, err);
  pl__free(l->body);
  l->body = NULL;
  return rc;
}

static char *own(char *s) {
  char *d = s ? pl__strdup(s) : NULL;
  free(s);
  return d;
}

/* Entry 0's body: the tournament, its config's hash, every scenario's
 * hash (as a negotiation record's genesis gives it), the agents, the key. */
static char *genesis_body(const pl_tournament *t, const pl_key *key,
                          pl_error *err) {
  json_t *g = json_object(), *sc = json_array(), *ag = json_array(),
         *ks = json_object();
  int bad = !g || !sc || !ag || !ks;
  char hex[PL__HEX + 1], seed[32];
  bad |= json_object_set_new(g, "format", json_string(PL__TOURNAMENT_FORMAT));
  bad |= json_object_set_new(g, "tournament", json_string(t->name));
  bad |= json_object_set_new(g, "config_hash", json_string(t->hash));
  bad |= json_object_set_new(g, "jobs", json_integer((json_int_t)t->jobs));
  snprintf(seed, sizeof seed, "%" PRIu64, t->seed);
  bad |= json_object_set_new(g, "seed", json_string(seed));
  for (int k = 0; !bad && k < t->ns; k++) {
    char *text = NULL;
    size_t len = 0;
    if (pl__yaml_text(t->sc[k].s, &text, &len, err)) {
      json_decref(g);
      json_decref(sc);
      json_decref(ag);
      json_decref(ks);
      return NULL;
    }
    uint8_t h[PL__HASH];
    pl__hash2(h, text, len, NULL, 0);
    pl__free(text);
    pl__hex(hex, h, PL__HASH);
    json_t *x = json_object();
    bad |= !x;
    bad |= json_object_set_new(x, "name", json_string(t->sc[k].label));
    bad |= json_object_set_new(x, "parties", json_integer(t->sc[k].parties));
    bad |= json_object_set_new(x, "blake2b_256", json_string(hex));
    bad |= json_array_append_new(sc, x);
  }
  bad |= json_object_set_new(g, "scenarios", sc);
  for (int k = 0; k < t->na; k++)
    bad |= json_array_append_new(ag, json_string(t->agents[k]));
  bad |= json_object_set_new(g, "agents", ag);
  pl__hex(hex, key->pk, 32);
  bad |= json_object_set_new(ks, key->id, json_string(hex));
  bad |= json_object_set_new(g, "keys", ks);
  char *out =
      bad ? NULL : own(pl__json_dumps(g, JSON_COMPACT | JSON_PRESERVE_ORDER));
  json_decref(g);
  if (!out) pl__err(err, PL_ENOMEM, "out of memory");
  return out;
}

/* The line at seq position `which` (0 first, -1 last) parsed; -1 when
 * there is none. */
static int read_line(sqlite3 *db, bool last, rec_line *l) {
  sqlite3_stmt *q = NULL;
  int rc = -1;
  if (sqlite3_prepare_v2(db,
                         last ? "SELECT line FROM chain ORDER BY seq DESC "
                                "LIMIT 1"
                              : "SELECT line FROM chain ORDER BY seq LIMIT "
                                "1 OFFSET 1",
                         -1, &q, NULL) == SQLITE_OK &&
      sqlite3_step(q) == SQLITE_ROW) {
    const char *s = (const char *)sqlite3_column_text(q, 0);
    if (s) {
      pl__parse_line(s, (size_t)sqlite3_column_bytes(q, 0), l);
      rc = l->kind == REC_ENTRY ? 0 : -1;
      if (rc) pl__free(l->body);
    }
  }
  sqlite3_finalize(q);
  return rc;
}

static int64_t count(sqlite3 *db, const char *sql) {
  sqlite3_stmt *q = NULL;
  int64_t n = -1;
  if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) == SQLITE_OK &&
      sqlite3_step(q) == SQLITE_ROW)
    n = sqlite3_column_int64(q, 0);
  sqlite3_finalize(q);
  return n;
}

int pl__tchain_open(pl__tchain *c, sqlite3 *db, const pl_tournament *t,
                    const pl_key *key, uint32_t every, pl_error *err) {
  memset(c, 0, sizeof *c);
  int64_t lines = count(db, "SELECT COUNT(*) FROM chain");
  if (lines < 0) return db_fail(err, db, "read");
  if (!key) {
    if (lines > 0)
      return pl__err(err, PL_ECONFLICT,
                     "the results store is signed: resume it with --sign "
                     "and the key it was started with");
    return PL_OK;
  }
  if (!key->secret)
    return pl__err(err, PL_EINVAL,
                   "signing a results store needs a secret key ('%s' is a "
                   "public key)",
                   key->id);
  int rc = pl__sodium(err);
  if (rc) return rc;
  c->key = key;
  c->every = every;
  if (lines == 0) {
    if (count(db, "SELECT COUNT(*) FROM negotiations") != 0)
      return pl__err(err, PL_ECONFLICT,
                     "the results store was started without --sign and "
                     "holds results: it cannot be signed afterwards (start "
                     "afresh with another --db)");
  } else {
    rec_line g, last;
    if (read_line(db, false, &g))
      return pl__err(err, PL_ECONFLICT,
                     "the results store's chain has no readable genesis "
                     "(see 'parley verify')");
    char want[PL__ID_MAX + PL__HEX + 16], hex[PL__HEX + 1];
    pl__hex(hex, key->pk, 32);
    snprintf(want, sizeof want, "\"keys\":{\"%s\":\"%s\"}}", key->id, hex);
    size_t nw = strlen(want);
    bool same = g.n == 0 && g.body && g.body_len >= nw &&
                !memcmp(g.body + g.body_len - nw, want, nw);
    pl__free(g.body);
    if (!same)
      return pl__err(err, PL_ECONFLICT,
                     "the results store is signed with another key than "
                     "'%s': resume it with the key it was started with",
                     key->id);
    if (read_line(db, true, &last))
      return pl__err(err, PL_ECONFLICT,
                     "the results store's chain ends in a damaged line "
                     "(see 'parley verify')");
    c->n = last.n + 1;
    memcpy(c->link, last.link, PL__HASH);
    c->ended = !strcmp(last.event, "end");
    pl__free(last.body);
    c->seq = (uint64_t)count(db, "SELECT MAX(seq) FROM chain") + 1;
  }
  if (sqlite3_prepare_v2(db, "INSERT INTO chain VALUES (?, ?)", -1, &c->ins,
                         NULL) != SQLITE_OK)
    return db_fail(err, db, "prepare");
  if (lines == 0) { /* the header and the genesis */
    c->seq = 1;
    rec_line h;
    memset(&h, 0, sizeof h);
    h.kind = REC_HEADER;
    char *body = genesis_body(t, key, err);
    rc = body ? PL_OK : err->code ? err->code : PL_ENOMEM;
    if (!rc && sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL))
      rc = db_fail(err, db, "begin");
    else if (!rc) {
      rc = put_line(c, &h, err);
      if (!rc) rc = entry(c, "genesis", body, true, false, err);
      else pl__free(body);
      if (!rc && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL))
        rc = db_fail(err, db, "commit");
      if (rc) sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    }
    if (rc) {
      pl__tchain_close(c);
      return rc;
    }
  }
  pl__tchain_committed(c);
  return PL_OK;
}

int pl__tchain_add(pl__tchain *c, const pl__trow *r, pl_error *err) {
  if (!c->key) return PL_OK;
  /* the entry before it is signed when it is the every-th */
  bool sign = c->every == 1 || (c->every > 1 && ++c->count % c->every == 0);
  int rc = flush(c, sign, err);
  pl__rbuf b = {0};
  if (!rc && pl__trow_body(&b, r)) rc = pl__err(err, PL_ENOMEM, "out of memory");
  if (!rc) return entry(c, "negotiation", b.p, false, true, err);
  pl__free(b.p);
  return rc;
}

int pl__tchain_seal(pl__tchain *c, pl_error *err) {
  return c->key ? flush(c, true, err) : PL_OK;
}

void pl__tchain_committed(pl__tchain *c) {
  c->seq0 = c->seq;
  c->n0 = c->n;
  c->count0 = c->count;
  memcpy(c->link0, c->link, PL__HASH);
}

void pl__tchain_rolled_back(pl__tchain *c) {
  if (c->holding) pl__free(c->held.body);
  c->holding = false;
  c->seq = c->seq0;
  c->n = c->n0;
  c->count = c->count0;
  memcpy(c->link, c->link0, PL__HASH);
}

int pl__tchain_end(pl__tchain *c, uint64_t rows, const char *when,
                   pl_error *err) {
  if (!c->key || c->ended) return PL_OK;
  int rc = flush(c, true, err);
  char body[160];
  snprintf(body, sizeof body,
           "{\"event\":\"end\",\"negotiations\":%" PRIu64
           ",\"finished\":\"%s\"}",
           rows, when);
  char *b = pl__strdup(body);
  if (!rc && !b) rc = pl__err(err, PL_ENOMEM, "out of memory");
  if (!rc) {
    rc = entry(c, "end", b, true, false, err);
    b = NULL;
  }
  pl__free(b);
  if (!rc) c->ended = true;
  return rc;
}

void pl__tchain_close(pl__tchain *c) {
  if (c->holding) pl__free(c->held.body);
  c->holding = false;
  sqlite3_finalize(c->ins);
  c->ins = NULL;
}

/* ------------------------------------------------------------------ */
/* Verification                                                        */
/* ------------------------------------------------------------------ */

static int open_ro(const char *path, sqlite3 **db, pl_error *err) {
  if (sqlite3_open_v2(path, db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
    int rc = pl__err(err, PL_EIO, "cannot open the results store %s: %s",
                     path, *db ? sqlite3_errmsg(*db) : "out of memory");
    sqlite3_close(*db);
    *db = NULL;
    return rc;
  }
  sqlite3_busy_timeout(*db, 10000);
  return PL_OK;
}

/* The chain's lines, as a record's text. */
static int chain_text(sqlite3 *db, const char *path, pl__rbuf *b,
                      pl_error *err) {
  sqlite3_stmt *q = NULL;
  if (sqlite3_prepare_v2(db, "SELECT line FROM chain ORDER BY seq", -1, &q,
                         NULL) != SQLITE_OK) {
    sqlite3_finalize(q);
    return count(db, "SELECT COUNT(*) FROM tournament") < 0
               ? pl__err(err, PL_EPARSE, "%s is not a parley results store",
                         path)
               : pl__err(err, PL_EPARSE,
                         "%s is not signed (no chain): it was made without "
                         "'parley tournament --sign'",
                         path);
  }
  int s, rc = PL_OK;
  while ((s = sqlite3_step(q)) == SQLITE_ROW) {
    const char *line = (const char *)sqlite3_column_text(q, 0);
    int n = sqlite3_column_bytes(q, 0);
    if ((line && pl__rbuf_put(b, line, (size_t)n)) || pl__rbuf_put(b, "\n", 1)) {
      rc = pl__err(err, PL_ENOMEM, "out of memory");
      break;
    }
  }
  if (!rc && s != SQLITE_DONE) rc = db_fail(err, db, "read");
  sqlite3_finalize(q);
  if (!rc && !b->len)
    rc = pl__err(err, PL_EPARSE,
                 "%s is not signed (its chain is empty): it was made "
                 "without 'parley tournament --sign'",
                 path);
  return rc;
}

int pl_store_record(const char *path, pl_record **out, pl_error *err) {
  *out = NULL;
  sqlite3 *db = NULL;
  int rc = open_ro(path, &db, err);
  pl__rbuf b = {0};
  if (!rc) rc = chain_text(db, path, &b, err);
  if (!rc) rc = pl_record_parse(b.p, b.len, path, out, err);
  pl__free(b.p);
  sqlite3_close(db);
  return rc;
}

typedef struct jentry {
  int64_t job;
  size_t line; /* index in the record */
} jentry;

static int by_job(const void *a, const void *b) {
  const jentry *x = a, *y = b;
  if (x->job != y->job) return x->job < y->job ? -1 : 1;
  return x->line < y->line ? -1 : x->line > y->line;
}

/* A flaw of the rows; PL_ENOMEM (err set) when it cannot be kept. */
static int add(pl_error *err, pl_verdict *v, pl_flaw_kind k, size_t line,
               long entry, const char *fmt, ...) PL__PRINTF(6, 7);
static int add(pl_error *err, pl_verdict *v, pl_flaw_kind k, size_t line,
               long entry, const char *fmt, ...) {
  char detail[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(detail, sizeof detail, fmt, ap);
  va_end(ap);
  return pl__verdict_add(v, k, line, entry, detail)
             ? pl__err(err, PL_ENOMEM, "out of memory")
             : PL_OK;
}

static const char *col_text(sqlite3_stmt *q, int k) {
  return sqlite3_column_type(q, k) == SQLITE_NULL
             ? NULL
             : (const char *)sqlite3_column_text(q, k);
}

static double col_real(sqlite3_stmt *q, int k) {
  return sqlite3_column_type(q, k) == SQLITE_NULL ? NAN
                                                  : sqlite3_column_double(q, k);
}

/* The tournament row against the genesis: name, config hash, jobs. */
static int check_tournament(sqlite3 *db, const pl_record *r,
                            pl_verdict *v, pl_error *err) {
  const rec_line *g = NULL;
  for (size_t j = 0; j < r->n && !g; j++)
    if (r->lines[j].kind == REC_ENTRY && r->lines[j].n == 0 &&
        r->lines[j].body)
      g = &r->lines[j];
  if (!g) return PL_OK; /* the chain's verdict says why */
  json_t *root = json_loadb(g->body, g->body_len, 0, NULL);
  const char *name = json_string_value(json_object_get(root, "tournament"));
  const char *hash = json_string_value(json_object_get(root, "config_hash"));
  json_int_t jobs = json_integer_value(json_object_get(root, "jobs"));
  sqlite3_stmt *q = NULL;
  int rc = PL_OK;
  if (sqlite3_prepare_v2(db, "SELECT name, config_hash, jobs FROM tournament",
                         -1, &q, NULL) == SQLITE_OK &&
      sqlite3_step(q) == SQLITE_ROW) {
    const char *tn = col_text(q, 0), *th = col_text(q, 1);
    if (!name || !hash || !tn || !th || strcmp(tn, name) ||
        strcmp(th, hash) || sqlite3_column_int64(q, 2) != jobs)
      rc = add(err, v, PL_FLAW_ALTERED, g->line, 0,
               "the tournament row (%s, config %s, %lld jobs) is not the "
               "one the genesis (line %zu) commits to (%s, config %s, %lld "
               "jobs)",
               tn ? tn : "?", th ? th : "?",
               (long long)sqlite3_column_int64(q, 2), g->line,
               name ? name : "?", hash ? hash : "?", (long long)jobs);
  } else {
    rc = add(err, v, PL_FLAW_DROPPED, 0, -1, "the store has no tournament row");
  }
  sqlite3_finalize(q);
  json_decref(root);
  return rc;
}

/* Every negotiation row against the body of the entry that signs it. */
static int check_rows(sqlite3 *db, const pl_record *r, pl_verdict *v,
                      pl_error *err) {
  jentry *je = pl__malloc((r->n + 1) * sizeof *je);
  if (!je) return pl__err(err, PL_ENOMEM, "out of memory");
  size_t nj = 0, plen = strlen(ROW_PREFIX);
  for (size_t j = 0; j < r->n; j++) {
    const rec_line *l = &r->lines[j];
    if (l->kind != REC_ENTRY || !l->body || strcmp(l->event, "negotiation") ||
        l->body_len <= plen || memcmp(l->body, ROW_PREFIX, plen))
      continue;
    je[nj++] = (jentry){strtoll(l->body + plen, NULL, 10), j};
  }
  qsort(je, nj, sizeof *je, by_job);
  sqlite3_stmt *q = NULL;
  int rc = PL_OK, s = SQLITE_DONE;
  if (sqlite3_prepare_v2(db,
                         "SELECT job, scenario, repetition, seed, agents, "
                         "ended_by, agreement, utilities, rounds, wall_time, "
                         "distance_pareto, distance_nash, welfare, error "
                         "FROM negotiations ORDER BY job",
                         -1, &q, NULL) != SQLITE_OK)
    rc = db_fail(err, db, "read");
  size_t k = 0;
  pl__rbuf b = {0};
  while (!rc && (s = sqlite3_step(q)) == SQLITE_ROW) {
    pl__trow row = {
        .job = sqlite3_column_int64(q, 0),
        .scenario = sqlite3_column_int64(q, 1),
        .repetition = sqlite3_column_int64(q, 2),
        .seed = col_text(q, 3),
        .agents = col_text(q, 4),
        .ended_by = col_text(q, 5),
        .agreement = col_text(q, 6),
        .utilities = col_text(q, 7),
        .rounds = sqlite3_column_int64(q, 8),
        .wall_time = col_real(q, 9),
        .distance_pareto = col_real(q, 10),
        .distance_nash = col_real(q, 11),
        .welfare = col_real(q, 12),
        .error = col_text(q, 13)};
    for (; !rc && k < nj && je[k].job < row.job; k++) {
      const rec_line *l = &r->lines[je[k].line];
      rc = add(err, v, PL_FLAW_DROPPED, je[k].line + 1, (long)l->n,
               "the row of job %lld is missing from the store (its entry "
               "%llu is on line %zu)",
               (long long)je[k].job, (unsigned long long)l->n,
               je[k].line + 1);
    }
    if (rc) break;
    if (k == nj || je[k].job != row.job) {
      rc = add(err, v, PL_FLAW_INSERTED, 0, -1,
               "the row of job %lld is in no entry of the chain",
               (long long)row.job);
      continue;
    }
    b.len = 0;
    if (pl__trow_body(&b, &row)) {
      rc = pl__err(err, PL_ENOMEM, "out of memory");
      break;
    }
    const rec_line *l = &r->lines[je[k].line];
    if (l->body_len != b.len || memcmp(l->body, b.p, b.len))
      rc = add(err, v, PL_FLAW_ALTERED, je[k].line + 1, (long)l->n,
               "the row of job %lld does not match entry %llu (line %zu) "
               "signed by '%s': it was altered",
               (long long)row.job, (unsigned long long)l->n, je[k].line + 1,
               l->signer);
    /* a repeated entry of the job is the chain's flaw: skip it */
    int64_t job = je[k].job;
    while (k < nj && je[k].job == job) k++;
  }
  if (!rc && s != SQLITE_DONE && s != SQLITE_ROW) rc = db_fail(err, db, "read");
  for (; !rc && k < nj; k++) {
    const rec_line *l = &r->lines[je[k].line];
    rc = add(err, v, PL_FLAW_DROPPED, je[k].line + 1, (long)l->n,
             "the row of job %lld is missing from the store (its entry %llu "
             "is on line %zu)",
             (long long)je[k].job, (unsigned long long)l->n, je[k].line + 1);
  }
  pl__free(b.p);
  sqlite3_finalize(q);
  pl__free(je);
  return rc;
}

int pl_store_verify(const char *path, const pl_verify_options *o,
                    pl_verdict **out, pl_error *err) {
  *out = NULL;
  pl_record *r = NULL;
  int rc = pl_store_record(path, &r, err);
  sqlite3 *db = NULL;
  if (!rc) rc = open_ro(path, &db, err);
  if (!rc) rc = pl_record_verify(r, o, out, err);
  if (!rc) rc = check_tournament(db, r, *out, err);
  if (!rc) rc = check_rows(db, r, *out, err);
  if (rc) {
    pl_verdict_free(*out);
    *out = NULL;
  } else {
    pl__verdict_sort(*out);
  }
  sqlite3_close(db);
  pl_record_free(r);
  return rc;
}
