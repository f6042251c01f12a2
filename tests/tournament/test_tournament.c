/* Tournament configs, job numbering, results packing and the store. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"
#include "dbutil.h"
#include "parley/agents.h"
#include "parley/tournament.h"
#include "tournament/tournament_internal.h"

/* A config over the job-offer example (2 parties) and the security talks
 * (3 parties), with the given agents and switches. */
static pl_tournament *load(const char *agents, const char *extra,
                           pl_error *err) {
  char text[2048];
  snprintf(text, sizeof text,
           "scenarios: [examples/job-offer.yaml, examples/security-talks.yaml]\n"
           "agents: %s\n%s",
           agents, extra);
  pl_tournament *t = NULL;
  pl_tournament_load_string(text, strlen(text), "t.yaml",
                            getenv("PL_SOURCE_DIR") ? getenv("PL_SOURCE_DIR")
                                                    : ".",
                            &t, err);
  return t;
}

/* Every seating of m agents at n parties under a mode, by brute force:
 * all n-tuples in lexicographic order, filtered. */
static uint64_t brute(int m, int n, bool rotate, bool self, int tuples[][4]) {
  uint64_t count = 0;
  int v[4] = {0};
  for (;;) {
    bool ok = true;
    for (int i = 0; i < n && ok; i++)
      for (int j = i + 1; j < n && ok; j++) {
        if (!self && v[i] == v[j]) ok = false;
        if (!rotate && v[i] > v[j]) ok = false;
      }
    if (ok) memcpy(tuples[count++], v, sizeof v);
    int k = n - 1;
    while (k >= 0 && ++v[k] == m) v[k--] = 0;
    if (k < 0) break;
  }
  return count;
}

/* Job numbers decode to every seating of every mode, in order, with the
 * repetitions innermost; seeds differ between jobs. */
static void test_jobs(void **state) {
  (void)state;
  const char *modes[4] = {"rotate: true\nself_play: false\n",
                          "rotate: true\nself_play: true\n",
                          "rotate: false\nself_play: false\n",
                          "rotate: false\nself_play: true\n"};
  for (int mode = 0; mode < 4; mode++) {
    char extra[256];
    snprintf(extra, sizeof extra, "%srepetitions: 2\n", modes[mode]);
    pl_error err;
    pl_tournament *t =
        load("[boulware, conceder, micro, hardliner]", extra, &err);
    if (!t) fail_msg("%s", err.message);
    bool rotate = mode < 2, self = mode % 2;
    int tuples[256][4];
    uint64_t n2 = brute(4, 2, rotate, self, tuples);
    uint64_t n3 = brute(4, 3, rotate, self, tuples + n2);
    assert_int_equal(pl_tournament_job_count(t), 2 * (n2 + n3));
    uint64_t prev_seed = 0;
    for (uint64_t j = 0; j < pl_tournament_job_count(t); j++) {
      pl_job job;
      assert_int_equal(pl_tournament_job(t, j, &job), PL_OK);
      uint64_t a = j / 2;
      assert_int_equal(job.repetition, (int)(j % 2));
      assert_int_equal(job.scenario, a < n2 ? 0 : 1);
      assert_int_equal(job.parties, a < n2 ? 2 : 3);
      for (int p = 0; p < job.parties; p++)
        assert_int_equal(job.agents[p], tuples[a][p]);
      assert_true(job.seed != prev_seed);
      prev_seed = job.seed;
    }
    pl_job job;
    assert_int_equal(pl_tournament_job(t, pl_tournament_job_count(t), &job),
                     PL_ENOTFOUND);
    pl_tournament_free(t);
  }
}

/* A result packs and unpacks to itself; truncated bytes are refused. */
static void test_pack(void **state) {
  (void)state;
  double u[3] = {0.25, NAN, 1};
  pl_job_result r = {.index = 77, .end = PL_END_AGREEMENT, .rounds = 12,
                     .wall_time = 0.5, .parties = 3, .utilities = u,
                     .outcome = (char *)"{\"a\":1}", .distance_pareto = 0.1,
                     .distance_nash = NAN, .welfare = 1.25};
  snprintf(r.error, sizeof r.error, "none");
  size_t len;
  void *b = pl_job_result_pack(&r, &len);
  assert_non_null(b);
  pl_job_result q;
  assert_int_equal(pl_job_result_unpack(b, len, &q), PL_OK);
  assert_int_equal(q.index, 77);
  assert_int_equal(q.end, PL_END_AGREEMENT);
  assert_int_equal(q.rounds, 12);
  assert_int_equal(q.parties, 3);
  assert_true(q.utilities[0] == 0.25 && isnan(q.utilities[1]));
  assert_string_equal(q.outcome, "{\"a\":1}");
  assert_true(isnan(q.distance_nash));
  assert_string_equal(q.error, "none");
  pl_job_result_clear(&q);
  for (size_t cut = 0; cut < len; cut++)
    assert_int_equal(pl_job_result_unpack(b, cut, &q), PL_EPARSE);
  pl_free(b);
}

/* Config errors carry file:line:col. */
static void test_config_errors(void **state) {
  (void)state;
  static const struct {
    const char *agents, *extra, *msg;
    int line, col;
  } cases[] = {
      {"[boulware, nonsense]", "", "unknown agent", 2, 20},
      {"[boulware, boulware]", "", "listed twice", 2, 20},
      {"[boulware, conceder]", "", "security-talks.yaml\" has 3 parties", 2, 9},
      {"[a, b, c]", "", "unknown agent", 2, 10},
      {"[boulware, conceder, micro]", "rounds: 0\n", "\"rounds\" 0 is out of range", 3,
       9},
      {"[boulware, conceder, micro]", "protocol: shouting\n", "takes one of",
       3, 11},
      {"[boulware, conceder, micro]", "frobnicate: 1\n", "unknown key", 3, 1},
      {"[boulware, conceder, micro]", "parties: 5\n", "no scenario has 5", 1,
       12},
      {"[boulware, conceder, micro]", "time_limit: -1\n", "time_limit", 3,
       13},
  };
  for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
    pl_error err;
    pl_tournament *t = load(cases[k].agents, cases[k].extra, &err);
    assert_null(t);
    if (!strstr(err.message, cases[k].msg) || err.line != cases[k].line ||
        err.column != cases[k].col)
      fail_msg("case %zu: %s:%d:%d: %s", k, err.file, err.line, err.column,
               err.message);
    assert_string_equal(err.file, "t.yaml");
  }
}

/* A folder of several GENIUS domains (the ANAC 2012 layout) is one
 * scenario per domain (folder/PREFIX, short name PREFIX), listed plainly or
 * by a glob;
 * "parties" filters them like any other scenarios. */
static void test_several_domains(void **state) {
  (void)state;
  const char *base =
      getenv("PL_SOURCE_DIR") ? getenv("PL_SOURCE_DIR") : ".";
  static const struct {
    const char *scenarios, *extra;
    int n;
    const char *first, *second;
  } cases[] = {
      {"[tests/data/genius/anac2012]", "", 2,
       "Tiny-A",
       "Tiny-B"},
      {"[tests/data/genius/anac*]", "", 2, "Tiny-A",
       "Tiny-B"},
      {"[tests/data/genius/anac2012/Tiny-B]", "", 1,
       "Tiny-B", NULL},
      {"[tests/data/genius/anac2012]", "parties: 2\n", 1,
       "Tiny-A", NULL},
  };
  for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
    char text[1024];
    snprintf(text, sizeof text,
             "scenarios: %s\nagents: [boulware, conceder, micro]\n%s",
             cases[k].scenarios, cases[k].extra);
    pl_tournament *t = NULL;
    pl_error err;
    if (pl_tournament_load_string(text, strlen(text), "t.yaml", base, &t,
                                  &err))
      fail_msg("case %zu: %s:%d:%d: %s", k, err.file, err.line, err.column,
               err.message);
    assert_int_equal(pl_tournament_scenario_count(t), cases[k].n);
    assert_string_equal(pl_tournament_scenario_name(t, 0), cases[k].first);
    if (cases[k].second)
      assert_string_equal(pl_tournament_scenario_name(t, 1), cases[k].second);
    pl_tournament_free(t);
  }
  /* a wrong prefix is bad input, at its line */
  const char *bad = "scenarios: [tests/data/genius/anac2012/Tiny-C]\n"
                    "agents: [boulware, conceder]\n";
  pl_tournament *t = NULL;
  pl_error err;
  assert_int_equal(
      pl_tournament_load_string(bad, strlen(bad), "t.yaml", base, &t, &err),
      PL_EPARSE);
  assert_null(t);
  assert_int_equal(err.line, 1);
  assert_non_null(strstr(err.message, "Tiny-A, Tiny-B"));
}

/* The store: results in, resume sees them, a changed config is refused,
 * the summary counts them. */
static void test_store(void **state) {
  (void)state;
  pl_error err;
  pl_tournament *t = load("[boulware, conceder, micro]", "", &err);
  assert_non_null(t);
  char db[] = "/tmp/parley-test-XXXXXX";
  int fd = mkstemp(db);
  assert_true(fd >= 0);
  close(fd);
  unlink(db);
  pl_store *st;
  assert_int_equal(pl_store_open(db, t, &st, &err), PL_OK);
  uint64_t total = pl_tournament_job_count(t);
  for (uint64_t j = 0; j < total; j += 2) {
    pl_job_result r;
    assert_int_equal(pl_tournament_run_job(t, j, &r, &err), PL_OK);
    assert_int_equal(pl_store_add(st, &r, &err), PL_OK);
    assert_int_equal(pl_store_add(st, &r, &err), PL_OK); /* never twice */
    pl_job_result_clear(&r);
  }
  assert_int_equal(pl_store_close(st, &err), PL_OK);
  assert_int_equal(pl_store_open(db, t, &st, &err), PL_OK);
  assert_int_equal(pl_store_done_count(st), (total + 1) / 2);
  pl_run_options o;
  pl_run_options_init(&o);
  o.threads = 2;
  assert_int_equal(pl_tournament_run(t, st, &o, &err), PL_OK);
  assert_int_equal(pl_store_done_count(st), total);
  assert_int_equal(pl_store_close(st, &err), PL_OK);
  pl_summary *s;
  assert_int_equal(pl_summary_load(db, &s, &err), PL_OK);
  assert_int_equal(pl_summary_done(s), total);
  assert_true(pl_summary_finished(s));
  assert_int_equal(pl_summary_agent_count(s), 3);
  uint64_t seats = 0;
  for (size_t k = 0; k < 3; k++) seats += pl_summary_agent(s, k)->count;
  assert_int_equal(seats, 6 * 2 + 6 * 3); /* 6 seatings of 2 and of 3 */
  char *json = pl_summary_to_json(s);
  assert_non_null(strstr(json, "\"finished\": true"));
  pl_free(json);
  pl_summary_free(s);
  pl_tournament *t2 = load("[boulware, conceder, tit-for-tat]", "", &err);
  assert_non_null(t2);
  assert_int_equal(pl_store_open(db, t2, &st, &err), PL_ECONFLICT);
  pl_tournament_free(t2);
  pl_tournament_free(t);
  db_remove(db);
}


/* An empty config, or one of comments only, is refused at 1:1 (it was a
 * null dereference). */
static void test_empty_config(void **state) {
  (void)state;
  static const struct {
    const char *text, *msg;
  } cases[] = {{"", "empty file"},
               {"# only a comment\n", "no YAML document"},
               {"\n\n", "no YAML document"}};
  for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
    pl_tournament *t = NULL;
    pl_error err;
    int rc = pl_tournament_load_string(cases[k].text, strlen(cases[k].text),
                                       "e.yaml", ".", &t, &err);
    assert_int_equal(rc, PL_EPARSE);
    assert_null(t);
    if (!strstr(err.message, cases[k].msg) || err.line != 1 ||
        err.column != 1)
      fail_msg("case %zu: %d:%d: %s", k, err.line, err.column, err.message);
  }
}

static void add_job(pl_tournament *t, pl_store *st, uint64_t j, int want) {
  pl_job_result r;
  pl_error err;
  assert_int_equal(pl_tournament_run_job(t, j, &r, &err), PL_OK);
  int rc = pl_store_add(st, &r, &err);
  pl_job_result_clear(&r);
  if (rc != want) fail_msg("job %llu: %s", (unsigned long long)j, err.message);
}

static void sql(const char *db, const char *text) {
  sqlite3 *h;
  assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
  sqlite3_busy_timeout(h, 10000);
  if (sqlite3_exec(h, text, NULL, NULL, NULL) != SQLITE_OK)
    fail_msg("%s: %s", text, sqlite3_errmsg(h));
  sqlite3_close(h);
}

/* A write that fails leaves memory as the file: a failed insert or COMMIT
 * rolls the transaction back and forgets its results, and the next result
 * starts a new transaction. SQLite errors are forced by a trigger (an
 * insert refused) and by a file size limit (the COMMIT cannot grow the
 * WAL). */
static void test_store_failed_writes(void **state) {
  (void)state;
  pl_error err;
  pl_tournament *t = load("[boulware, conceder, micro]", "repetitions: 2\n",
                          &err);
  assert_non_null(t);
  assert_true(pl_tournament_job_count(t) >= 17);
  char db[64];
  db_name(db, sizeof db);
  pl_store *st;
  assert_int_equal(pl_store_open(db, t, &st, &err), PL_OK);
  for (uint64_t j = 0; j < 10; j++) add_job(t, st, j, PL_OK);
  assert_int_equal(pl_store_commit(st, &err), PL_OK);

  /* an insert refused: jobs 10..12 of the same transaction go too */
  sql(db, "CREATE TRIGGER no13 BEFORE INSERT ON negotiations "
          "WHEN NEW.job = 13 BEGIN SELECT RAISE(ABORT, 'refused'); END");
  for (uint64_t j = 10; j < 13; j++) add_job(t, st, j, PL_OK);
  assert_int_equal(pl_store_done_count(st), 13);
  add_job(t, st, 13, PL_EIO);
  assert_int_equal(pl_store_done_count(st), 10);
  for (uint64_t j = 10; j < 14; j++) assert_false(pl_store_done(st, j));
  sql(db, "DROP TRIGGER no13");
  for (uint64_t j = 10; j < 14; j++) add_job(t, st, j, PL_OK); /* BEGINs */
  assert_int_equal(pl_store_commit(st, &err), PL_OK);
  assert_int_equal(pl_store_done_count(st), 14);

  /* a COMMIT that cannot write: the WAL may not grow */
  char wal[80];
  snprintf(wal, sizeof wal, "%s-wal", db);
  struct stat sb;
  assert_int_equal(stat(wal, &sb), 0);
  struct rlimit old, lim;
  assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
  void (*was)(int) = signal(SIGXFSZ, SIG_IGN);
  for (uint64_t j = 14; j < 17; j++) add_job(t, st, j, PL_OK);
  lim = old;
  lim.rlim_cur = (rlim_t)sb.st_size;
  assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
  int rc = pl_store_commit(st, &err);
  assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
  signal(SIGXFSZ, was);
  assert_int_not_equal(rc, PL_OK);
  assert_int_equal(pl_store_done_count(st), 14);
  assert_false(pl_store_done(st, 14));
  for (uint64_t j = 14; j < 17; j++) add_job(t, st, j, PL_OK); /* BEGINs */
  assert_int_equal(pl_store_commit(st, &err), PL_OK);
  assert_int_equal(pl_store_done_count(st), 17);
  assert_int_equal(pl_store_close(st, &err), PL_OK);

  /* what memory said is what the file holds */
  assert_int_equal(pl_store_open(db, t, &st, &err), PL_OK);
  assert_int_equal(pl_store_done_count(st), 17);
  for (uint64_t j = 0; j < 17; j++) assert_true(pl_store_done(st, j));
  assert_int_equal(pl_store_close(st, &err), PL_OK);
  pl_tournament_free(t);
  db_remove(db);
}

/* A file that is no results store is refused and left as it is: not
 * SQLite, or another program's database. */
static void test_store_foreign(void **state) {
  (void)state;
  pl_error err;
  pl_tournament *t = load("[boulware, conceder, micro]", "", &err);
  assert_non_null(t);
  char db[64];
  db_name(db, sizeof db);
  FILE *f = fopen(db, "w");
  assert_non_null(f);
  fputs("hello, not a database at all, but long enough to look at it\n", f);
  fclose(f);
  pl_store *st = NULL;
  assert_int_equal(pl_store_open(db, t, &st, &err), PL_EPARSE);
  assert_non_null(strstr(err.message, "not a parley results store"));
  db_remove(db);
  sql(db, "CREATE TABLE mine(x); INSERT INTO mine VALUES (1)");
  assert_int_equal(pl_store_open(db, t, &st, &err), PL_EPARSE);
  assert_null(st);
  sqlite3 *h;
  sqlite3_stmt *q;
  assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
  assert_int_equal(sqlite3_prepare_v2(h, "SELECT COUNT(*) FROM sqlite_master",
                                      -1, &q, NULL),
                   SQLITE_OK);
  assert_int_equal(sqlite3_step(q), SQLITE_ROW);
  assert_int_equal(sqlite3_column_int(q, 0), 1); /* untouched */
  sqlite3_finalize(q);
  sqlite3_close(h);
  pl_tournament_free(t);
  db_remove(db);
}

/* Descriptors a worker process holds, as the ":fds" mode of the broken
 * plug-in lists them: none of the parent's but its own result pipe, with
 * close_range and without (the hook makes it fail, as on kernels before
 * 5.9). */
static void test_worker_fds(void **state) {
  (void)state;
  const char *dir = getenv("PL_PLUGIN_DIR");
  if (!dir) skip();
  char text[2048], list[64];
  snprintf(list, sizeof list, "/tmp/parley-fds-XXXXXX");
  int lf = mkstemp(list);
  assert_true(lf >= 0);
  close(lf);
  setenv("PL_FDS_FILE", list, 1);
  snprintf(text, sizeof text,
           "scenarios: [examples/job-offer.yaml]\n"
           "agents: [conceder, \"%s/broken.so:fds\"]\n"
           "rounds: 5\nisolation: all\n",
           dir);
  pl_tournament *t = NULL;
  pl_error err;
  if (pl_tournament_load_string(text, strlen(text), "t.yaml",
                                getenv("PL_SOURCE_DIR") ? getenv("PL_SOURCE_DIR")
                                                        : ".",
                                &t, &err))
    fail_msg("%s", err.message);
  /* descriptors a sibling's pipe or the store would be: low and high */
  int a = open("/dev/null", O_RDONLY), b = dup2(a, 200), c = dup2(a, 900);
  assert_true(a >= 3 && b == 200 && c == 900);
  for (int without = 0; without < 2; without++) {
    pl__test_no_close_range(without);
    FILE *f = fopen(list, "w"); /* empty until the worker writes */
    assert_non_null(f);
    fclose(f);
    pl_job_result r; /* its offers break rules: the result does not matter */
    assert_int_equal(pl_tournament_run_job(t, 0, &r, &err), PL_OK);
    pl_job_result_clear(&r);
    f = fopen(list, "r");
    assert_non_null(f);
    char held[4096] = "";
    assert_non_null(fgets(held, sizeof held, f));
    fclose(f);
    int n = 0, fd, at = 0, used;
    while (sscanf(held + at, "%d%n", &fd, &used) == 1) {
      if (fd == a || fd == b || fd == c)
        fail_msg("without close_range %d: the worker holds %d (%s)", without,
                 fd, held);
      n++;
      at += used;
    }
    if (n > 1) /* its result pipe, nothing else */
      fail_msg("without close_range %d: the worker holds %s", without, held);
  }
  pl__test_no_close_range(false);
  close(a);
  close(b);
  close(c);
  unlink(list);
  unsetenv("PL_FDS_FILE");
  pl_tournament_free(t);
}

static void put_copy(const char *from, const char *to) {
  FILE *in = fopen(from, "r"), *out = fopen(to, "w");
  assert_true(in && out);
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, in))) fwrite(buf, 1, n, out);
  fclose(in);
  assert_int_equal(fclose(out), 0);
}

/* Scenarios are named by their file (without extension) or folder name,
 * with parent folders only where two would clash. */
static void test_scenario_names(void **state) {
  (void)state;
  const char *dir = getenv("PL_SOURCE_DIR") ? getenv("PL_SOURCE_DIR") : ".";
  char src[1024], cwd[480]; /* absolute: the scenarios are in root */
  assert_non_null(getcwd(cwd, sizeof cwd));
  snprintf(src, sizeof src, "%s%s%s", dir[0] == '/' ? "" : cwd,
           dir[0] == '/' ? "" : "/", dir);
  char root[] = "/tmp/parley-names-XXXXXX", path[512], from[1100];
  assert_non_null(mkdtemp(root));
  snprintf(from, sizeof from, "%s/examples/job-offer.yaml", src);
  static const char *const dirs[] = {"a", "b", "b/c", "d", "d/b"};
  for (size_t k = 0; k < sizeof dirs / sizeof *dirs; k++) {
    snprintf(path, sizeof path, "%s/%s", root, dirs[k]);
    assert_int_equal(mkdir(path, 0700), 0);
  }
  static const char *const files[] = {"a/x.yaml", "b/x.yaml", "b/c/y.yaml",
                                      "z.yaml", "d/b/x.yaml"};
  for (size_t k = 0; k < sizeof files / sizeof *files; k++) {
    snprintf(path, sizeof path, "%s/%s", root, files[k]);
    put_copy(from, path);
  }
  char text[2048];
  snprintf(text, sizeof text,
           "scenarios: [a/x.yaml, b/x.yaml, b/c/y.yaml, z.yaml, d/b/x.yaml, "
           "%s/tests/data/genius/mixed]\nagents: [boulware, conceder]\n",
           src);
  pl_tournament *t = NULL;
  pl_error err;
  if (pl_tournament_load_string(text, strlen(text), "t.yaml", root, &t, &err))
    fail_msg("%s", err.message);
  static const char *const want[] = {"a/x", "b/x", "y", "z", "d/b/x", "mixed"};
  assert_int_equal(pl_tournament_scenario_count(t), 6);
  for (int k = 0; k < 6; k++)
    assert_string_equal(pl_tournament_scenario_name(t, k), want[k]);
  pl_tournament_free(t);
  for (size_t k = sizeof files / sizeof *files; k-- > 0;) {
    snprintf(path, sizeof path, "%s/%s", root, files[k]);
    unlink(path);
  }
  for (size_t k = sizeof dirs / sizeof *dirs; k-- > 0;) {
    snprintf(path, sizeof path, "%s/%s", root, dirs[k]);
    rmdir(path);
  }
  rmdir(root);
}

/* A registered agent: offers its best allowed outcome, accepts what gives
 * it 0.5; notes the process it runs in. */
static atomic_int reg_created, reg_elsewhere;
typedef struct reg_agent {
  uint32_t best[8];
  const pl_scenario *s;
  int party;
} reg_agent;

static bool reg_allowed(const reg_agent *a, const uint32_t *o) {
  bool ok = pl_scenario_utility(a->s, a->party, o) >=
            pl_scenario_reservation(a->s, a->party);
  for (int r = 0; r < pl_scenario_red_line_count(a->s); r++)
    if (pl_scenario_red_line_party(a->s, r) == a->party &&
        !pl_scenario_red_line_holds(a->s, r, o))
      ok = false;
  return ok;
}

static void *reg_create2(const pl_agent_setup *su) {
  reg_agent *a = calloc(1, sizeof *a);
  if (!a) return NULL;
  a->s = su->scenario;
  a->party = su->party;
  atomic_fetch_add(&reg_created, 1);
  if (*(pid_t *)su->ctx != getpid()) atomic_fetch_add(&reg_elsewhere, 1);
  const int ni = pl_scenario_issue_count(a->s);
  uint32_t o[8] = {0};
  double best = -1;
  for (;;) { /* every outcome, odometer order */
    bool ok = reg_allowed(a, o);
    double u = pl_scenario_utility(a->s, a->party, o);
    if (ok && u > best) {
      best = u;
      memcpy(a->best, o, sizeof o);
    }
    int i = ni - 1;
    while (i >= 0 && ++o[i] == pl_scenario_option_count(a->s, i)) o[i--] = 0;
    if (i < 0) break;
  }
  return a;
}
static int reg_propose2(void *p, const pl_agent_turn *t, uint32_t *o) {
  (void)t;
  reg_agent *a = p;
  memcpy(o, a->best, (size_t)pl_scenario_issue_count(a->s) * sizeof *o);
  return 0;
}
static int reg_respond2(void *p, const pl_agent_turn *t, const uint32_t *o) {
  (void)t;
  reg_agent *a = p;
  return reg_allowed(a, o) && pl_scenario_utility(a->s, a->party, o) >= 0.5
             ? PL_AGENT_ACCEPT
             : PL_AGENT_REJECT;
}

/* Registered agents: named in a config only with the registry, and run in
 * this process even under `isolation: all` (their code may be a Python
 * interpreter's); the other negotiations stay isolated. */
static void test_registered_agents(void **state) {
  (void)state;
  static const char text[] =
      "scenarios: [examples/job-offer.yaml]\n"
      "agents: [mine, boulware, conceder]\nisolation: all\nrounds: 30\n";
  const char *src = getenv("PL_SOURCE_DIR") ? getenv("PL_SOURCE_DIR") : ".";
  pl_tournament *t = NULL;
  pl_error err;
  assert_int_equal(pl_tournament_load_string(text, strlen(text), "t.yaml",
                                             src, &t, &err),
                   PL_EPARSE);
  assert_non_null(strstr(err.message, "mine"));
  pl_agent_api api = {.abi_version = PL_AGENT_ABI_VERSION,
                      .struct_size = sizeof api,
                      .destroy = free,
                      .create2 = reg_create2,
                      .propose2 = reg_propose2,
                      .respond2 = reg_respond2};
  static pid_t me;
  me = getpid();
  pl_agent_registry *reg = NULL;
  assert_int_equal(pl_agent_registry_new(&reg, &err), PL_OK);
  assert_int_equal(pl_agent_registry_add(reg, "mine", &api, &me, &err), PL_OK);
  pl_tournament_options to;
  pl_tournament_options_init(&to);
  to.registry = reg;
  if (pl_tournament_load_string_opts(text, strlen(text), "t.yaml", src, &to,
                                     &t, &err))
    fail_msg("%s", err.message);
  atomic_store(&reg_created, 0);
  atomic_store(&reg_elsewhere, 0);
  char db[] = "/tmp/pl_reg_XXXXXX";
  int fd = mkstemp(db);
  assert_true(fd >= 0);
  close(fd);
  unlink(db);
  pl_store *st = NULL;
  assert_int_equal(pl_store_open(db, t, &st, &err), PL_OK);
  pl_run_options o;
  pl_run_options_init(&o);
  o.threads = 2;
  if (pl_tournament_run(t, st, &o, &err)) fail_msg("%s", err.message);
  assert_int_equal(pl_store_done_count(st), pl_tournament_job_count(t));
  assert_int_equal(pl_store_close(st, &err), PL_OK);
  /* 4 negotiations with "mine" (2 opponents x 2 seats), plus the load's
   * check of the name */
  assert_true(atomic_load(&reg_created) >= 4);
  assert_int_equal(atomic_load(&reg_elsewhere), 0);
  pl_summary *sm = NULL;
  assert_int_equal(pl_summary_load(db, &sm, &err), PL_OK);
  bool found = false;
  for (size_t k = 0; k < pl_summary_agent_count(sm); k++) {
    const pl_summary_row *r = pl_summary_agent(sm, k);
    if (!strcmp(r->name, "mine")) {
      found = true;
      assert_int_equal(r->failures, 0);
    }
  }
  assert_true(found);
  pl_summary_free(sm);
  pl_tournament_free(t);
  pl_agent_registry_free(reg);
  db_remove(db);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_jobs),
      cmocka_unit_test(test_pack),
      cmocka_unit_test(test_config_errors),
      cmocka_unit_test(test_several_domains),
      cmocka_unit_test(test_store),
      cmocka_unit_test(test_empty_config),
      cmocka_unit_test(test_store_failed_writes),
      cmocka_unit_test(test_store_foreign),
      cmocka_unit_test(test_worker_fds),
      cmocka_unit_test(test_scenario_names),
      cmocka_unit_test(test_registered_agents),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
