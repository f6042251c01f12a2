/* Signed results stores (docs/records.md, "Tournament stores"): a signed
 * tournament verifies; a changed payoff, a deleted row, swapped rows,
 * swapped chain lines, an entry re-signed with another key and a store
 * re-signed by another key are each located; resuming (also after the
 * writer is killed) keeps a verifiable chain; the refusals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"
#include "dbutil.h"
#include "parley/records.h"
#include "parley/tournament.h"
#include "records/records_internal.h"

static pl_tournament *load(void) {
  static const char text[] =
      "name: signed\n"
      "seed: 5\n"
      "scenarios: [examples/job-offer.yaml, examples/security-talks.yaml]\n"
      "agents: [boulware, conceder, tit-for-tat]\n"
      "rounds: 60\n"
      "repetitions: 2\n";
  pl_tournament *t = NULL;
  pl_error err;
  if (pl_tournament_load_string(text, sizeof text - 1, "t.yaml",
                                getenv("PL_SOURCE_DIR") ? getenv("PL_SOURCE_DIR")
                                                        : ".",
                                &t, &err))
    fail_msg("config: %s", err.message);
  return t;
}

static pl_key *key(uint8_t fill) {
  uint8_t seed[32];
  memset(seed, fill, sizeof seed);
  pl_key *k = NULL;
  pl_error err;
  assert_int_equal(pl_key_from_seed("org", seed, &k, &err), PL_OK);
  return k;
}

static int open_signed(const char *db, pl_tournament *t, const pl_key *k,
                       uint32_t every, pl_store **st, pl_error *err) {
  pl_store_options o;
  pl_store_options_init(&o);
  o.key = k;
  o.sign_every = every;
  return pl_store_open_opts(db, t, &o, st, err);
}

/* The whole tournament into db, on two threads. */
static void run_signed(const char *db, pl_tournament *t, const pl_key *k,
                       uint32_t every) {
  pl_store *st;
  pl_error err;
  if (open_signed(db, t, k, every, &st, &err)) fail_msg("%s", err.message);
  pl_run_options o;
  pl_run_options_init(&o);
  o.threads = 2;
  if (pl_tournament_run(t, st, &o, &err)) fail_msg("%s", err.message);
  assert_int_equal(pl_store_close(st, &err), PL_OK);
}

static pl_verdict *verify(const char *db, const pl_key *trusted) {
  pl_verify_options o;
  pl_verify_options_init(&o);
  o.trusted = &trusted;
  o.n_trusted = trusted ? 1 : 0;
  pl_verdict *v = NULL;
  pl_error err;
  if (pl_store_verify(db, &o, &v, &err)) fail_msg("%s", err.message);
  return v;
}

static void sql(const char *db, const char *text) {
  sqlite3 *h;
  assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
  if (sqlite3_exec(h, text, NULL, NULL, NULL) != SQLITE_OK)
    fail_msg("%s: %s", text, sqlite3_errmsg(h));
  sqlite3_close(h);
}

/* One text value of a query. */
static char *query(const char *db, const char *text) {
  sqlite3 *h;
  sqlite3_stmt *q;
  assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
  assert_int_equal(sqlite3_prepare_v2(h, text, -1, &q, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_step(q), SQLITE_ROW);
  char *s = strdup((const char *)sqlite3_column_text(q, 0));
  sqlite3_finalize(q);
  sqlite3_close(h);
  return s;
}

static void copy(const char *from, const char *to) {
  char cmd[512];
  snprintf(cmd, sizeof cmd, "cp '%s' '%s'", from, to);
  assert_int_equal(system(cmd), 0);
}

/* The verdict has exactly the flaws of kinds[] (in line order), and each
 * one's detail contains the matching words[] (NULL: anything). */
static void expect(const pl_verdict *v, size_t n, const pl_flaw_kind *kinds,
                   const char *const *words) {
  size_t nf = pl_verdict_flaw_count(v);
  for (size_t i = 0; i < nf; i++)
    print_message("  flaw: %s: %s\n", pl_flaw_name(pl_verdict_flaw(v, i)->kind),
                  pl_verdict_flaw(v, i)->detail);
  assert_int_equal(nf, n);
  for (size_t i = 0; i < n; i++) {
    const pl_flaw *f = pl_verdict_flaw(v, i);
    assert_int_equal(f->kind, kinds[i]);
    if (words[i] && !strstr(f->detail, words[i]))
      fail_msg("flaw %zu: '%s' does not say '%s'", i, f->detail, words[i]);
  }
}

/* A signed tournament verifies, with every row signed, with checkpoints
 * and with only the commits' last rows signed; an unsigned store is no
 * signed one. */
static void test_signed_verifies(void **state) {
  (void)state;
  pl_tournament *t = load();
  pl_key *k = key(7);
  uint32_t every[] = {1, 5, 0};
  for (size_t m = 0; m < 3; m++) {
    char db[64];
    db_name(db, sizeof db);
    run_signed(db, t, k, every[m]);
    pl_verdict *v = verify(db, k);
    expect(v, 0, NULL, NULL);
    assert_true(pl_verdict_is_tournament(v));
    /* the genesis, one entry per negotiation, the end */
    assert_int_equal(pl_verdict_entries(v), pl_tournament_job_count(t) + 2);
    pl_verdict_free(v);
    /* its export verifies as a record alone */
    pl_record *r;
    pl_error err;
    assert_int_equal(pl_store_record(db, &r, &err), PL_OK);
    assert_int_equal(pl_record_verify(r, NULL, &v, &err), PL_OK);
    assert_true(pl_verdict_ok(v));
    pl_verdict_free(v);
    pl_record_free(r);
    db_remove(db);
  }
  char db[64];
  db_name(db, sizeof db);
  pl_store *st;
  pl_error err;
  assert_int_equal(pl_store_open(db, t, &st, &err), PL_OK);
  assert_int_equal(pl_store_close(st, &err), PL_OK);
  pl_verdict *v = NULL;
  assert_int_equal(pl_store_verify(db, NULL, &v, &err), PL_EPARSE);
  assert_non_null(strstr(err.message, "not signed"));
  db_remove(db);
  pl_key_free(k);
  pl_tournament_free(t);
}

/* Every kind of tampering is located at the job and line it concerns. */
static void test_tampering(void **state) {
  (void)state;
  pl_tournament *t = load();
  pl_key *k = key(7), *other = key(9);
  char ref[64], db[64];
  db_name(ref, sizeof ref);
  db_name(db, sizeof db);
  run_signed(ref, t, k, 1);
  /* line L of the chain holds entry L - 2; job j is entry... whichever:
   * the chain is in commit order, so ask it */
  char *line5 = query(ref, "SELECT seq FROM chain WHERE instr(line, "
                           "'\\\"job\\\":5,') > 0");
  char *u3 = query(ref, "SELECT utilities FROM negotiations WHERE job = 3");
  char want5[64];
  snprintf(want5, sizeof want5, "line %s", line5);

  /* one payoff changed */
  copy(ref, db);
  sql(db, "UPDATE negotiations SET utilities = '[0.99,0.1]' WHERE job = 3");
  pl_verdict *v = verify(db, k);
  expect(v, 1, (pl_flaw_kind[]){PL_FLAW_ALTERED},
         (const char *[]){"row of job 3 does not match"});
  pl_verdict_free(v);

  /* a row deleted */
  copy(ref, db);
  sql(db, "DELETE FROM negotiations WHERE job = 5");
  v = verify(db, k);
  expect(v, 1, (pl_flaw_kind[]){PL_FLAW_DROPPED},
         (const char *[]){"row of job 5 is missing"});
  assert_non_null(strstr(pl_verdict_flaw(v, 0)->detail, want5));
  pl_verdict_free(v);

  /* a row deleted with its chain line */
  copy(ref, db);
  sql(db, "DELETE FROM negotiations WHERE job = 5;"
          "DELETE FROM chain WHERE instr(line, '\\\"job\\\":5,') > 0");
  v = verify(db, k);
  expect(v, 1, (pl_flaw_kind[]){PL_FLAW_DROPPED}, (const char *[]){"missing"});
  pl_verdict_free(v);

  /* two rows' results swapped */
  copy(ref, db);
  char swap[512];
  char *u13 = query(db, "SELECT utilities FROM negotiations WHERE job = 13");
  snprintf(swap, sizeof swap,
           "UPDATE negotiations SET utilities = (SELECT utilities FROM "
           "negotiations WHERE job = 3) WHERE job = 13;"
           "UPDATE negotiations SET utilities = '%s' WHERE job = 3",
           u13);
  assert_string_not_equal(u3, u13);
  free(u13);
  sql(db, swap);
  v = verify(db, k);
  size_t nf = pl_verdict_flaw_count(v);
  assert_int_equal(nf, 2);
  bool j3 = false, j13 = false;
  for (size_t i = 0; i < nf; i++) {
    assert_int_equal(pl_verdict_flaw(v, i)->kind, PL_FLAW_ALTERED);
    j3 |= strstr(pl_verdict_flaw(v, i)->detail, "job 3 ") != NULL;
    j13 |= strstr(pl_verdict_flaw(v, i)->detail, "job 13 ") != NULL;
  }
  assert_true(j3 && j13);
  pl_verdict_free(v);

  /* two chain lines swapped */
  copy(ref, db);
  sql(db, "UPDATE chain SET seq = -1 WHERE seq = 6;"
          "UPDATE chain SET seq = 6 WHERE seq = 7;"
          "UPDATE chain SET seq = 7 WHERE seq = -1");
  v = verify(db, k);
  expect(v, 1, (pl_flaw_kind[]){PL_FLAW_REORDERED},
         (const char *[]){"entry 5 (line 6) comes before entry 4 (line 7)"});
  pl_verdict_free(v);

  /* a row inserted */
  copy(ref, db);
  sql(db, "INSERT INTO negotiations SELECT job + 1000, scenario, repetition,"
          " seed, agents, ended_by, agreement, utilities, rounds, wall_time,"
          " distance_pareto, distance_nash, welfare, error FROM negotiations"
          " WHERE job = 2");
  v = verify(db, k);
  expect(v, 1, (pl_flaw_kind[]){PL_FLAW_INSERTED},
         (const char *[]){"row of job 1002 is in no entry"});
  pl_verdict_free(v);

  /* a payoff changed in the row and in its entry, re-signed with another
   * key of the same id */
  copy(ref, db);
  char *text = query(db, "SELECT line FROM chain WHERE instr(line, "
                         "'\\\"job\\\":5,') > 0");
  rec_line l;
  pl__parse_line(text, strlen(text), &l);
  assert_int_equal(l.kind, REC_ENTRY);
  char *u5 = query(db, "SELECT utilities FROM negotiations WHERE job = 5");
  char *at = strstr(l.body, u5);
  assert_non_null(at);
  size_t nb = l.body_len - strlen(u5) + 11;
  char *body = malloc(nb + 1);
  snprintf(body, nb + 1, "%.*s[0.99,0.1]%s", (int)(at - l.body), l.body,
           at + strlen(u5));
  free(l.body);
  l.body = body;
  l.body_len = strlen(body);
  pl__commit(&l, l.commit);
  assert_int_equal(pl__sign_entry(&l, other), 0);
  pl__rbuf b = {0};
  assert_int_equal(pl__format_line(&b, &l), 0);
  b.p[b.len - 1] = 0; /* no newline */
  sqlite3 *h;
  sqlite3_stmt *q;
  assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
  assert_int_equal(sqlite3_prepare_v2(h, "UPDATE chain SET line = ? WHERE "
                                         "seq = ?",
                                      -1, &q, NULL),
                   SQLITE_OK);
  sqlite3_bind_text(q, 1, b.p, -1, SQLITE_STATIC);
  sqlite3_bind_int64(q, 2, atoll(line5));
  assert_int_equal(sqlite3_step(q), SQLITE_DONE);
  sqlite3_finalize(q);
  sqlite3_close(h);
  sql(db, "UPDATE negotiations SET utilities = '[0.99,0.1]' WHERE job = 5");
  v = verify(db, k);
  expect(v, 1, (pl_flaw_kind[]){PL_FLAW_ALTERED},
         (const char *[]){"does not match its signature by 'org'"});
  assert_non_null(strstr(pl_verdict_flaw(v, 0)->detail, want5));
  pl_verdict_free(v);
  free(b.p);
  free(l.body);
  free(text);
  free(u5);

  /* the whole store made again and signed by another key of 'org':
   * consistent in itself, so only the trusted key tells */
  db_remove(db);
  run_signed(db, t, other, 1);
  v = verify(db, NULL);
  expect(v, 0, NULL, NULL);
  pl_verdict_free(v);
  v = verify(db, k);
  expect(v, 1, (pl_flaw_kind[]){PL_FLAW_KEY},
         (const char *[]){"key for 'org' is not the trusted one"});
  pl_verdict_free(v);

  free(line5);
  free(u3);
  db_remove(db);
  db_remove(ref);
  pl_key_free(k);
  pl_key_free(other);
  pl_tournament_free(t);
}

static void add_job(pl_tournament *t, pl_store *st, uint64_t j) {
  pl_job_result r;
  pl_error err;
  assert_int_equal(pl_tournament_run_job(t, j, &r, &err), PL_OK);
  if (pl_store_add(st, &r, &err)) fail_msg("%s", err.message);
  pl_job_result_clear(&r);
}

/* Resuming: only with the same key; an unfinished store is intact so far
 * (its one flaw: no end entry yet); the writer killed with SIGKILL between
 * commits and in the middle of one leaves a chain that verifies so far and
 * resumes to a complete one. */
static void test_resume(void **state) {
  (void)state;
  pl_tournament *t = load();
  pl_key *k = key(7), *other = key(9);
  char db[64];
  db_name(db, sizeof db);
  pl_store *st;
  pl_error err;
  for (uint32_t every = 0; every < 3; every += 2) {
    assert_int_equal(open_signed(db, t, k, every, &st, &err), PL_OK);
    for (uint64_t j = 0; j < 5; j++) add_job(t, st, j);
    assert_int_equal(pl_store_commit(st, &err), PL_OK);
    for (uint64_t j = 5; j < 8; j++) add_job(t, st, j);
    assert_int_equal(pl_store_close(st, &err), PL_OK);
    pl_verdict *v = verify(db, k);
    expect(v, 1, (pl_flaw_kind[]){PL_FLAW_TRUNCATED},
           (const char *[]){"not at an end event"});
    pl_verdict_free(v);
    /* killed: between commits, then with a transaction open */
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
      if (open_signed(db, t, k, every, &st, &err)) _exit(1);
      for (uint64_t j = 8; j < 11; j++) add_job(t, st, j);
      if (pl_store_commit(st, &err)) _exit(1);
      for (uint64_t j = 11; j < 14; j++) add_job(t, st, j);
      raise(SIGKILL);
      _exit(1);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    v = verify(db, k);
    expect(v, 1, (pl_flaw_kind[]){PL_FLAW_TRUNCATED},
           (const char *[]){"not at an end event"});
    /* genesis, jobs 0-10; 0-13 when the three adds outlasted the store's
     * time-based commit (BATCH_SECONDS: a loaded machine under ASan) */
    assert_true(pl_verdict_entries(v) == 1 + 11 ||
                pl_verdict_entries(v) == 1 + 14);
    pl_verdict_free(v);
    /* the refusals */
    assert_int_equal(pl_store_open(db, t, &st, &err), PL_ECONFLICT);
    assert_int_equal(open_signed(db, t, other, every, &st, &err),
                     PL_ECONFLICT);
    pl_key *pub = NULL;
    char *line = pl_key_public_text(k);
    assert_int_equal(pl_key_parse_public(line, &pub, &err), PL_OK);
    pl_free(line);
    assert_int_equal(open_signed(db, t, pub, every, &st, &err), PL_EINVAL);
    pl_key_free(pub);
    /* the rest */
    run_signed(db, t, k, every);
    v = verify(db, k);
    expect(v, 0, NULL, NULL);
    assert_int_equal(pl_verdict_entries(v), pl_tournament_job_count(t) + 2);
    pl_verdict_free(v);
    /* a finished store reopened and closed stays as it is */
    run_signed(db, t, k, every);
    v = verify(db, k);
    expect(v, 0, NULL, NULL);
    pl_verdict_free(v);
    db_remove(db);
  }
  /* an unsigned store with results is never signed afterwards */
  assert_int_equal(pl_store_open(db, t, &st, &err), PL_OK);
  add_job(t, st, 0);
  assert_int_equal(pl_store_close(st, &err), PL_OK);
  assert_int_equal(open_signed(db, t, k, 1, &st, &err), PL_ECONFLICT);
  assert_non_null(strstr(err.message, "without --sign"));
  db_remove(db);
  pl_key_free(k);
  pl_key_free(other);
  pl_tournament_free(t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_signed_verifies),
      cmocka_unit_test(test_tampering),
      cmocka_unit_test(test_resume),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
