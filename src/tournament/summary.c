/* Summaries of a results store, finished or partial: per agent and per
 * scenario, by SQL over the store (docs/tournament.md). */
#include <jansson.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "core/json_text.h"
#include "tournament/tournament_internal.h"

struct pl_summary {
  uint64_t done, total;
  int finished;
  char *name, *hash, *version, *started, *ended;
  size_t na, ns;
  pl_summary_row *agents, *scenarios;
  char **names; /* the rows' names, owned here */
  size_t n_names;
};

/* Student's t, two-sided 95%, for 1..30 degrees of freedom; 1.96 beyond. */
static double t95(uint64_t df) {
  static const double t[] = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447,
                             2.365,  2.306, 2.262, 2.228, 2.201, 2.179,
                             2.160,  2.145, 2.131, 2.120, 2.110, 2.101,
                             2.093,  2.086, 2.080, 2.074, 2.069, 2.064,
                             2.060,  2.056, 2.052, 2.048, 2.045, 2.042};
  if (df == 0) return NAN;
  return df <= 30 ? t[df - 1] : 1.96;
}

static double col_real(sqlite3_stmt *q, int k) {
  return sqlite3_column_type(q, k) == SQLITE_NULL ? NAN
                                                   : sqlite3_column_double(q, k);
}

static char *col_text(sqlite3_stmt *q, int k) {
  const char *s = (const char *)sqlite3_column_text(q, k);
  return pl__strdup(s ? s : "");
}

/* Rows of: name, count, sum, sum of squares, agreements, welfare,
 * distance to Nash, to the frontier, failures. */
static int rows(sqlite3 *db, const char *sql, pl_summary *s,
                pl_summary_row **out, size_t *n_out) {
  sqlite3_stmt *q;
  if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK) return PL_EIO;
  int rc = PL_OK;
  size_t n = 0, cap = 0;
  pl_summary_row *r = NULL;
  for (;;) {
    int st = sqlite3_step(q);
    if (st == SQLITE_DONE) break;
    if (st != SQLITE_ROW) {
      rc = PL_EIO;
      break;
    }
    if (n == cap) {
      cap = cap ? cap * 2 : 16;
      pl_summary_row *r2 = pl__realloc(r, cap * sizeof *r2);
      char **n2 = pl__realloc(s->names, (s->n_names + cap) * sizeof *n2);
      if (n2) s->names = n2;
      if (!r2 || !n2) {
        pl__free(r2 ? r2 : r);
        r = NULL;
        rc = PL_ENOMEM;
        break;
      }
      r = r2;
    }
    char *name = col_text(q, 0);
    if (!name) {
      rc = PL_ENOMEM;
      break;
    }
    s->names[s->n_names++] = name;
    uint64_t cnt = (uint64_t)sqlite3_column_int64(q, 1);
    double sum = sqlite3_column_double(q, 2), sq = sqlite3_column_double(q, 3);
    double mean = cnt ? sum / (double)cnt : NAN;
    double var = cnt > 1 ? (sq - (double)cnt * mean * mean) / (double)(cnt - 1)
                         : NAN;
    if (var < 0) var = 0; /* rounding */
    r[n++] = (pl_summary_row){
        name,
        cnt,
        mean,
        cnt > 1 ? t95(cnt - 1) * sqrt(var / (double)cnt) : NAN,
        cnt ? sqlite3_column_double(q, 4) / (double)cnt : NAN,
        col_real(q, 5),
        col_real(q, 6),
        col_real(q, 7),
        (uint64_t)sqlite3_column_int64(q, 8)};
  }
  sqlite3_finalize(q);
  *out = r;
  *n_out = rc ? 0 : n;
  return rc;
}

#define AGREED "n.ended_by IN ('agreement','partial')"

int pl_summary_load(const char *path, pl_summary **out, pl_error *err) {
  *out = NULL;
  sqlite3 *db = NULL;
  if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
    int rc = pl__err(err, PL_EIO, "cannot open the results store %s: %s",
                     path, db ? sqlite3_errmsg(db) : "out of memory");
    sqlite3_close(db);
    return rc;
  }
  sqlite3_busy_timeout(db, 10000);
  pl_summary *s = pl__calloc(1, sizeof *s);
  int rc = s ? PL_OK : PL_ENOMEM;
  sqlite3_stmt *q = NULL;
  if (!rc && sqlite3_prepare_v2(db,
                                "SELECT name, config_hash, parley_version, "
                                "jobs, started, finished, (SELECT COUNT(*) "
                                "FROM negotiations) FROM tournament",
                                -1, &q, NULL) != SQLITE_OK)
    rc = PL_EPARSE;
  if (!rc && sqlite3_step(q) != SQLITE_ROW) rc = PL_EPARSE;
  if (!rc) {
    s->name = col_text(q, 0);
    s->hash = col_text(q, 1);
    s->version = col_text(q, 2);
    s->total = (uint64_t)sqlite3_column_int64(q, 3);
    s->started = col_text(q, 4);
    s->finished = sqlite3_column_type(q, 5) != SQLITE_NULL;
    s->ended = col_text(q, 5);
    s->done = (uint64_t)sqlite3_column_int64(q, 6);
    if (!s->name || !s->hash || !s->version || !s->started || !s->ended)
      rc = PL_ENOMEM;
  }
  sqlite3_finalize(q);
  if (rc == PL_EPARSE) {
    rc = pl__err(err, PL_EPARSE, "%s is not a parley results store", path);
  } else if (!rc) {
    rc = rows(db,
              "SELECT a.spec, COUNT(*), SUM(s.utility), "
              "SUM(s.utility * s.utility), SUM(" AGREED "), AVG(n.welfare), "
              "AVG(n.distance_nash), AVG(n.distance_pareto), "
              "SUM(n.ended_by = 'failure') FROM agents a "
              "JOIN seats s ON s.agent = a.id "
              "JOIN negotiations n ON n.job = s.job "
              "GROUP BY a.id ORDER BY a.id",
              s, &s->agents, &s->na);
    /* per scenario: every party's payoff; counts are negotiations */
    if (!rc)
      rc = rows(db,
                "SELECT c.name, COUNT(*), "
                "(SELECT SUM(utility) FROM seats JOIN negotiations m USING "
                "(job) WHERE m.scenario = c.id) / c.parties, "
                "(SELECT SUM(utility * utility) FROM seats JOIN negotiations "
                "m USING (job) WHERE m.scenario = c.id) / c.parties, "
                "SUM(" AGREED "), AVG(n.welfare), AVG(n.distance_nash), "
                "AVG(n.distance_pareto), SUM(n.ended_by = 'failure') "
                "FROM scenarios c JOIN negotiations n ON n.scenario = c.id "
                "GROUP BY c.id ORDER BY c.id",
                s, &s->scenarios, &s->ns);
    if (rc == PL_EIO)
      rc = pl__err(err, PL_EIO, "results store %s: %s", path,
                   sqlite3_errmsg(db));
    else if (rc)
      rc = pl__err(err, rc, "out of memory");
  } else {
    rc = pl__err(err, rc, "out of memory");
  }
  sqlite3_close(db);
  if (rc) {
    pl_summary_free(s);
    return rc;
  }
  *out = s;
  return PL_OK;
}

void pl_summary_free(pl_summary *s) {
  if (!s) return;
  for (size_t k = 0; k < s->n_names; k++) pl__free(s->names[k]);
  pl__free(s->names);
  pl__free(s->agents);
  pl__free(s->scenarios);
  pl__free(s->name);
  pl__free(s->hash);
  pl__free(s->version);
  pl__free(s->started);
  pl__free(s->ended);
  pl__free(s);
}

uint64_t pl_summary_done(const pl_summary *s) { return s->done; }
uint64_t pl_summary_total(const pl_summary *s) { return s->total; }
int pl_summary_finished(const pl_summary *s) { return s->finished; }
size_t pl_summary_agent_count(const pl_summary *s) { return s->na; }
const pl_summary_row *pl_summary_agent(const pl_summary *s, size_t i) {
  return i < s->na ? &s->agents[i] : NULL;
}
size_t pl_summary_scenario_count(const pl_summary *s) { return s->ns; }
const pl_summary_row *pl_summary_scenario(const pl_summary *s, size_t i) {
  return i < s->ns ? &s->scenarios[i] : NULL;
}

static json_t *num(double v) { return isnan(v) ? json_null() : json_real(v); }

static json_t *rows_json(const pl_summary_row *r, size_t n, const char *key) {
  json_t *arr = json_array();
  for (size_t k = 0; arr && k < n; k++) {
    json_t *o = json_object();
    int bad = !o;
    bad |= json_object_set_new(o, key, json_string(r[k].name));
    bad |= json_object_set_new(o, "negotiations",
                               json_integer((json_int_t)r[k].count));
    bad |= json_object_set_new(o, "mean_utility", num(r[k].mean_utility));
    bad |= json_object_set_new(o, "ci95", num(r[k].ci95));
    bad |= json_object_set_new(o, "agreement_rate", num(r[k].agreement_rate));
    bad |= json_object_set_new(o, "mean_welfare", num(r[k].mean_welfare));
    bad |= json_object_set_new(o, "mean_distance_nash",
                               num(r[k].mean_distance_nash));
    bad |= json_object_set_new(o, "mean_distance_pareto",
                               num(r[k].mean_distance_pareto));
    bad |= json_object_set_new(o, "failures",
                               json_integer((json_int_t)r[k].failures));
    if (bad) json_decref(o); /* append_new releases o itself */
    if (bad || json_array_append_new(arr, o)) {
      json_decref(arr);
      return NULL;
    }
  }
  return arr;
}

char *pl_summary_to_json(const pl_summary *s) {
  json_t *root = json_object();
  int bad = !root;
  bad |= json_object_set_new(root, "tournament", json_string(s->name));
  bad |= json_object_set_new(root, "config_hash", json_string(s->hash));
  bad |= json_object_set_new(root, "parley_version", json_string(s->version));
  bad |= json_object_set_new(root, "negotiations",
                             json_integer((json_int_t)s->total));
  bad |= json_object_set_new(root, "done", json_integer((json_int_t)s->done));
  bad |= json_object_set_new(root, "finished", json_boolean(s->finished));
  bad |= json_object_set_new(root, "agents", rows_json(s->agents, s->na, "agent"));
  bad |= json_object_set_new(root, "scenarios",
                             rows_json(s->scenarios, s->ns, "scenario"));
  char *text = bad ? NULL
                   : pl__json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
  json_decref(root);
  return text;
}

/* ------------------------------------------------------------------ */
/* CSV                                                                 */
/* ------------------------------------------------------------------ */

/* RFC 4180: quoted when it holds a comma, quote or line break. */
static void csv_field(FILE *f, const char *s, bool last) {
  if (!s) s = "";
  if (strpbrk(s, ",\"\r\n")) {
    fputc('"', f);
    for (; *s; s++) {
      if (*s == '"') fputc('"', f);
      fputc(*s, f);
    }
    fputc('"', f);
  } else {
    fputs(s, f);
  }
  fputc(last ? '\n' : ',', f);
}

int pl_results_write_csv(const char *path, const char *csv, pl_error *err) {
  sqlite3 *db = NULL;
  if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
    int rc = pl__err(err, PL_EIO, "cannot open the results store %s", path);
    sqlite3_close(db);
    return rc;
  }
  sqlite3_busy_timeout(db, 10000);
  /* agents by name, separated by ';' in party order */
  static const char sql[] =
      "SELECT n.job, c.name, n.repetition, n.seed, "
      "(SELECT group_concat(spec, ';') FROM (SELECT a.spec FROM seats s "
      "JOIN agents a ON a.id = s.agent WHERE s.job = n.job ORDER BY s.party)),"
      " n.ended_by, n.utilities, n.agreement, n.rounds, "
      "n.distance_pareto, n.distance_nash, n.welfare, n.error, n.wall_time "
      "FROM negotiations n JOIN scenarios c ON c.id = n.scenario "
      "ORDER BY n.job";
  sqlite3_stmt *q = NULL;
  if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK) {
    int rc = pl__err(err, PL_EPARSE, "%s is not a parley results store", path);
    sqlite3_close(db);
    return rc;
  }
  /* written beside the target and renamed into place: never half a file */
  char tmp[4096];
  snprintf(tmp, sizeof tmp, "%s.tmp", csv);
  FILE *f = fopen(tmp, "w");
  int rc = f ? PL_OK : pl__err(err, PL_EIO, "cannot write %s", csv);
  if (f)
    fputs("job,scenario,repetition,seed,agents,ended_by,utilities,agreement,"
          "rounds,distance_pareto,distance_nash,welfare,error,wall_time\n",
          f);
  while (!rc) {
    int st = sqlite3_step(q);
    if (st == SQLITE_DONE) break;
    if (st != SQLITE_ROW) {
      rc = pl__err(err, PL_EIO, "results store %s: %s", path,
                   sqlite3_errmsg(db));
      break;
    }
    for (int k = 0; k < 14; k++)
      csv_field(f, (const char *)sqlite3_column_text(q, k), k == 13);
  }
  sqlite3_finalize(q);
  sqlite3_close(db);
  if (f && (fclose(f) != 0 || rc)) {
    if (!rc) rc = pl__err(err, PL_EIO, "cannot write %s", csv);
    remove(tmp);
    return rc;
  }
  if (!rc && rename(tmp, csv)) {
    remove(tmp);
    return pl__err(err, PL_EIO, "cannot write %s", csv);
  }
  return rc;
}
