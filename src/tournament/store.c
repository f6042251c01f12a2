/* The results store: SQLite in WAL mode (docs/tournament.md). One writer;
 * results go in transactions of many negotiations, each negotiation and
 * its seats together, keyed by job number: a killed run loses only what
 * was not committed, a resumed one skips what was. */
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/json_text.h"
#include "tournament/chain.h"
#include "tournament/tournament_internal.h"

#define BATCH 256          /* results per transaction at most */
#define BATCH_SECONDS 0.5  /* and at most this old */

struct pl_store {
  sqlite3 *db;
  const pl_tournament *t;
  uint64_t *done; /* bitset over jobs */
  uint64_t n_done;
  sqlite3_stmt *ins_neg;
  int pending;    /* results in the open transaction */
  uint64_t pending_jobs[BATCH]; /* which: unmarked if it rolls back */
  double opened;  /* when it began */
  pl__tchain chain; /* signed stores: the rows' chain (chain.c) */
};

static int db_err(pl_error *err, sqlite3 *db, const char *what) {
  int code = sqlite3_errcode(db);
  return pl__err(err, code == SQLITE_NOMEM ? PL_ENOMEM : PL_EIO,
                 "results store: %s: %s", what,
                 db ? sqlite3_errmsg(db) : "cannot open");
}

static int exec(pl_store *st, const char *sql, pl_error *err) {
  if (sqlite3_exec(st->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    return db_err(err, st->db, sql);
  return PL_OK;
}

static const char SCHEMA[] =
    "CREATE TABLE IF NOT EXISTS tournament("
    " id INTEGER PRIMARY KEY CHECK (id = 1),"
    " name TEXT NOT NULL, config_hash TEXT NOT NULL,"
    " parley_version TEXT NOT NULL, jobs INTEGER NOT NULL,"
    " started TEXT NOT NULL, finished TEXT);"
    "CREATE TABLE IF NOT EXISTS scenarios("
    " id INTEGER PRIMARY KEY, name TEXT NOT NULL, parties INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS agents("
    " id INTEGER PRIMARY KEY, spec TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS negotiations("
    " job INTEGER PRIMARY KEY, scenario INTEGER NOT NULL,"
    " repetition INTEGER NOT NULL, seed TEXT NOT NULL,"
    " agents TEXT NOT NULL, ended_by TEXT NOT NULL, agreement TEXT,"
    " utilities TEXT NOT NULL, rounds INTEGER NOT NULL,"
    " wall_time REAL NOT NULL, distance_pareto REAL, distance_nash REAL,"
    " welfare REAL, error TEXT);"
    /* signed stores: the lines of the rows' chain (docs/records.md) */
    "CREATE TABLE IF NOT EXISTS chain("
    " seq INTEGER PRIMARY KEY, line TEXT NOT NULL);"
    /* one row per party of each negotiation, for per-agent statistics:
     * a view over the two JSON arrays, so that a result is one insert */
    "CREATE VIEW IF NOT EXISTS seats AS"
    " SELECT n.job AS job, CAST(a.key AS INTEGER) AS party,"
    " a.value AS agent, u.value AS utility"
    " FROM negotiations n, json_each(n.agents) a, json_each(n.utilities) u"
    " WHERE a.key = u.key;";

static void utc_now(char *buf, size_t size) {
  time_t s = time(NULL);
  struct tm tm;
  gmtime_r(&s, &tm);
  strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* A new store: the tournament row, its scenarios and agents. */
static int create(pl_store *st, pl_error *err) {
  const pl_tournament *t = st->t;
  char when[32];
  utc_now(when, sizeof when);
  int rc = exec(st, "BEGIN IMMEDIATE", err);
  sqlite3_stmt *q = NULL;
  if (!rc && sqlite3_prepare_v2(st->db,
                                "INSERT INTO tournament VALUES (1, ?, ?, ?, "
                                "?, ?, NULL)",
                                -1, &q, NULL) != SQLITE_OK)
    rc = db_err(err, st->db, "prepare");
  if (!rc) {
    sqlite3_bind_text(q, 1, t->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, t->hash, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 3, pl_version(), -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 4, (sqlite3_int64)t->jobs);
    sqlite3_bind_text(q, 5, when, -1, SQLITE_STATIC);
    if (sqlite3_step(q) != SQLITE_DONE) rc = db_err(err, st->db, "insert");
  }
  sqlite3_finalize(q);
  q = NULL;
  if (!rc && sqlite3_prepare_v2(st->db, "INSERT INTO scenarios VALUES (?, ?, ?)",
                                -1, &q, NULL) != SQLITE_OK)
    rc = db_err(err, st->db, "prepare");
  for (int k = 0; !rc && k < t->ns; k++) {
    sqlite3_reset(q);
    sqlite3_bind_int(q, 1, k);
    sqlite3_bind_text(q, 2, t->sc[k].label, -1, SQLITE_STATIC);
    sqlite3_bind_int(q, 3, t->sc[k].parties);
    if (sqlite3_step(q) != SQLITE_DONE) rc = db_err(err, st->db, "insert");
  }
  sqlite3_finalize(q);
  q = NULL;
  if (!rc && sqlite3_prepare_v2(st->db, "INSERT INTO agents VALUES (?, ?)", -1,
                                &q, NULL) != SQLITE_OK)
    rc = db_err(err, st->db, "prepare");
  for (int k = 0; !rc && k < t->na; k++) {
    sqlite3_reset(q);
    sqlite3_bind_int(q, 1, k);
    sqlite3_bind_text(q, 2, t->agents[k], -1, SQLITE_STATIC);
    if (sqlite3_step(q) != SQLITE_DONE) rc = db_err(err, st->db, "insert");
  }
  sqlite3_finalize(q);
  if (!rc) rc = exec(st, "COMMIT", err);
  else sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
  return rc;
}

/* An existing file that is not a parley store -- not SQLite, or another
 * program's database -- is refused (PL_EPARSE), never written into. */
static int check_ours(pl_store *st, const char *path, pl_error *err) {
  sqlite3_stmt *q = NULL;
  int s = sqlite3_prepare_v2(st->db,
                             "SELECT COUNT(*), COALESCE(SUM(name = "
                             "'tournament'), 0) FROM sqlite_master",
                             -1, &q, NULL);
  if (s == SQLITE_OK) s = sqlite3_step(q);
  int rc = PL_OK;
  if (s == SQLITE_ROW) {
    if (sqlite3_column_int64(q, 0) > 0 && sqlite3_column_int64(q, 1) == 0)
      rc = pl__err(err, PL_EPARSE,
                   "%s is a database of something else, not a parley "
                   "results store: it is left as it is",
                   path);
  } else if (sqlite3_errcode(st->db) == SQLITE_NOTADB) {
    rc = pl__err(err, PL_EPARSE,
                 "%s is not a parley results store (not a SQLite database)",
                 path);
  } else {
    rc = db_err(err, st->db, "read");
  }
  sqlite3_finalize(q);
  return rc;
}

void pl_store_options_init(pl_store_options *o) {
  memset(o, 0, sizeof *o);
  o->struct_size = sizeof *o;
  o->sign_every = 1;
}

int pl_store_open(const char *path, const pl_tournament *t, pl_store **out,
                  pl_error *err) {
  return pl_store_open_opts(path, t, NULL, out, err);
}

int pl_store_open_opts(const char *path, const pl_tournament *t,
                       const pl_store_options *o, pl_store **out,
                       pl_error *err) {
  *out = NULL;
  pl_store_options def;
  pl_store_options_init(&def);
  PL__OPTIONS_COPY(&def, o);
  pl_store *st = pl__calloc(1, sizeof *st);
  if (!st) return pl__err(err, PL_ENOMEM, "out of memory");
  st->t = t;
  st->done = pl__calloc(pl__words(t->jobs ? t->jobs : 1), sizeof *st->done);
  int rc = st->done ? PL_OK : pl__err(err, PL_ENOMEM, "out of memory");
  if (!rc && sqlite3_open_v2(path, &st->db,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                                 SQLITE_OPEN_NOMUTEX,
                             NULL) != SQLITE_OK)
    rc = pl__err(err, PL_EIO, "cannot open the results store %s: %s", path,
                 st->db ? sqlite3_errmsg(st->db) : "out of memory");
  if (!rc) sqlite3_busy_timeout(st->db, 10000);
  if (!rc) rc = check_ours(st, path, err);
  /* WAL: readers (parley results) never block the writer; NORMAL sync is
   * durable against a killed process (the WAL is in the OS's hands once
   * written), and never corrupts */
  if (!rc) rc = exec(st, "PRAGMA journal_mode=WAL", err);
  if (!rc) rc = exec(st, "PRAGMA synchronous=NORMAL", err);
  if (!rc) rc = exec(st, SCHEMA, err);
  sqlite3_stmt *q = NULL;
  if (!rc && sqlite3_prepare_v2(st->db,
                                "SELECT config_hash, jobs FROM tournament",
                                -1, &q, NULL) != SQLITE_OK)
    rc = db_err(err, st->db, "read");
  if (!rc) {
    int s = sqlite3_step(q);
    if (s == SQLITE_ROW) {
      const char *h = (const char *)sqlite3_column_text(q, 0);
      if (!h || strcmp(h, t->hash))
        rc = pl__err(err, PL_ECONFLICT,
                     "%s holds a tournament of another config (hash %s; "
                     "this config's is %s): the config, its scenarios or "
                     "agents changed. Use another --db to start afresh, or "
                     "restore the config to resume",
                     path, h ? h : "?", t->hash);
    } else if (s == SQLITE_DONE) {
      sqlite3_finalize(q);
      q = NULL;
      rc = create(st, err);
    } else {
      rc = db_err(err, st->db, "read");
    }
  }
  sqlite3_finalize(q);
  q = NULL;
  if (!rc)
    rc = pl__tchain_open(&st->chain, st->db, t, def.key, def.sign_every, err);
  if (!rc && sqlite3_prepare_v2(st->db, "SELECT job FROM negotiations", -1, &q,
                                NULL) != SQLITE_OK)
    rc = db_err(err, st->db, "read");
  while (!rc) {
    int s = sqlite3_step(q);
    if (s == SQLITE_DONE) break;
    if (s != SQLITE_ROW) {
      rc = db_err(err, st->db, "read");
      break;
    }
    sqlite3_int64 j = sqlite3_column_int64(q, 0);
    if (j >= 0 && (uint64_t)j < t->jobs && !pl__bit(st->done, (size_t)j)) {
      pl__setbit(st->done, (size_t)j);
      st->n_done++;
    }
  }
  sqlite3_finalize(q);
  if (!rc &&
      (sqlite3_prepare_v2(st->db,
                          "INSERT INTO negotiations VALUES (?, ?, ?, ?, ?, ?, "
                          "?, ?, ?, ?, ?, ?, ?, ?)",
                          -1, &st->ins_neg, NULL) != SQLITE_OK))
    rc = db_err(err, st->db, "prepare");
  if (rc) {
    pl__tchain_close(&st->chain);
    sqlite3_finalize(st->ins_neg);
    sqlite3_close(st->db);
    pl__free(st->done);
    pl__free(st);
    return rc;
  }
  *out = st;
  return PL_OK;
}

int pl_store_done(const pl_store *st, uint64_t j) {
  return j < st->t->jobs && pl__bit(st->done, (size_t)j);
}
uint64_t pl_store_done_count(const pl_store *st) { return st->n_done; }

/* The open transaction is lost (a failed insert or COMMIT): roll it back
 * if SQLite has not already, and forget its jobs, so that memory says
 * what the database holds and the next result begins a new one. */
static void roll_back(pl_store *st) {
  if (!sqlite3_get_autocommit(st->db))
    sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
  for (int k = 0; k < st->pending; k++) {
    uint64_t j = st->pending_jobs[k];
    st->done[j / 64] &= ~(1ull << (j % 64));
    st->n_done--;
  }
  st->pending = 0;
  pl__tchain_rolled_back(&st->chain);
}

int pl_store_commit(pl_store *st, pl_error *err) {
  if (!st->pending) return PL_OK;
  /* the chain's checkpoint: the transaction's last entry is signed, so
   * that whatever a kill leaves is covered (docs/records.md) */
  int rc = pl__tchain_seal(&st->chain, err);
  if (!rc) rc = exec(st, "COMMIT", err);
  if (rc) roll_back(st);
  else pl__tchain_committed(&st->chain);
  st->pending = 0;
  return rc;
}

static void bind_real(sqlite3_stmt *q, int k, double v) {
  if (isnan(v)) sqlite3_bind_null(q, k);
  else sqlite3_bind_double(q, k, v);
}

int pl_store_add(pl_store *st, const pl_job_result *r, pl_error *err) {
  const pl_tournament *t = st->t;
  pl_job job;
  if (pl_tournament_job(t, r->index, &job) || r->parties != job.parties)
    return pl__err(err, PL_EINVAL, "a result for no job of this tournament");
  if (pl_store_done(st, r->index)) return PL_OK; /* never twice */
  int rc = PL_OK;
  if (!st->pending) {
    if ((rc = exec(st, "BEGIN IMMEDIATE", err))) return rc;
    st->opened = pl__now();
  }
  /* agents and utilities as JSON arrays */
  char agents[8192], utils[PL_JOB_MAX_PARTIES * 32 + 8], seed[32];
  size_t a = 0, u = 0;
  agents[a++] = '[';
  utils[u++] = '[';
  for (int p = 0; p < job.parties; p++) {
    a += (size_t)snprintf(agents + a, sizeof agents - a, "%s%d", p ? "," : "",
                          job.agents[p]);
    if (p) utils[u++] = ',';
    char num[PL__REAL_CHARS];
    int nn = pl__shortest_double(num, r->utilities[p]); /* reads back */
    memcpy(utils + u, num, (size_t)nn);
    u += (size_t)nn;
  }
  snprintf(agents + a, sizeof agents - a, "]");
  snprintf(utils + u, sizeof utils - u, "]");
  snprintf(seed, sizeof seed, "%llu", (unsigned long long)job.seed);
  sqlite3_stmt *q = st->ins_neg;
  sqlite3_reset(q);
  sqlite3_bind_int64(q, 1, (sqlite3_int64)r->index);
  sqlite3_bind_int(q, 2, job.scenario);
  sqlite3_bind_int(q, 3, job.repetition);
  sqlite3_bind_text(q, 4, seed, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(q, 5, agents, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(q, 6, pl_end_name(r->end), -1, SQLITE_STATIC);
  if (r->outcome) sqlite3_bind_text(q, 7, r->outcome, -1, SQLITE_TRANSIENT);
  else sqlite3_bind_null(q, 7);
  sqlite3_bind_text(q, 8, utils, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int(q, 9, r->rounds);
  sqlite3_bind_double(q, 10, r->wall_time);
  bind_real(q, 11, r->distance_pareto);
  bind_real(q, 12, r->distance_nash);
  bind_real(q, 13, r->welfare);
  if (r->error[0]) sqlite3_bind_text(q, 14, r->error, -1, SQLITE_TRANSIENT);
  else sqlite3_bind_null(q, 14);
  if (sqlite3_step(q) != SQLITE_DONE) rc = db_err(err, st->db, "insert");
  sqlite3_reset(q);
  if (!rc) {
    pl__trow row = {.job = (int64_t)r->index,
                    .scenario = job.scenario,
                    .repetition = job.repetition,
                    .rounds = r->rounds,
                    .seed = seed,
                    .agents = agents,
                    .ended_by = pl_end_name(r->end),
                    .agreement = r->outcome,
                    .utilities = utils,
                    .error = r->error[0] ? r->error : NULL,
                    .wall_time = r->wall_time,
                    .distance_pareto = r->distance_pareto,
                    .distance_nash = r->distance_nash,
                    .welfare = r->welfare};
    rc = pl__tchain_add(&st->chain, &row, err);
  }
  if (rc) {
    roll_back(st);
    return rc;
  }
  pl__setbit(st->done, (size_t)r->index);
  st->n_done++;
  st->pending_jobs[st->pending] = r->index;
  if (++st->pending >= BATCH || pl__now() - st->opened >= BATCH_SECONDS)
    rc = pl_store_commit(st, err);
  return rc;
}

int pl_store_close(pl_store *st, pl_error *err) {
  if (!st) return PL_OK;
  int rc = pl_store_commit(st, err);
  if (!rc && st->n_done == st->t->jobs) {
    char when[32], sql[256];
    utc_now(when, sizeof when);
    /* and only when the database agrees that every row is there; a
     * signed store's chain gets its end entry in the same transaction */
    snprintf(sql, sizeof sql,
             "UPDATE tournament SET finished = '%s' WHERE finished IS NULL "
             "AND (SELECT COUNT(*) FROM negotiations) = jobs",
             when);
    rc = exec(st, "BEGIN IMMEDIATE", err);
    if (!rc) rc = exec(st, sql, err);
    if (!rc && sqlite3_changes(st->db) == 1)
      rc = pl__tchain_end(&st->chain, st->n_done, when, err);
    if (!rc) rc = exec(st, "COMMIT", err);
    if (rc) {
      sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
      pl__tchain_rolled_back(&st->chain);
    }
  }
  pl__tchain_close(&st->chain);
  sqlite3_finalize(st->ins_neg);
  if (sqlite3_close(st->db) != SQLITE_OK && !rc)
    rc = pl__err(err, PL_EIO, "results store: cannot close");
  pl__free(st->done);
  pl__free(st);
  return rc;
}
