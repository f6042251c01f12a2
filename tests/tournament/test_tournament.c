/* Tournament configs, job numbering, results packing and the store. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"
#include "parley/tournament.h"

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
 * scenario per domain, named folder/PREFIX, listed plainly or by a glob;
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
       "tests/data/genius/anac2012/Tiny-A",
       "tests/data/genius/anac2012/Tiny-B"},
      {"[tests/data/genius/anac*]", "", 2, "tests/data/genius/anac2012/Tiny-A",
       "tests/data/genius/anac2012/Tiny-B"},
      {"[tests/data/genius/anac2012/Tiny-B]", "", 1,
       "tests/data/genius/anac2012/Tiny-B", NULL},
      {"[tests/data/genius/anac2012]", "parties: 2\n", 1,
       "tests/data/genius/anac2012/Tiny-A", NULL},
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
  char wal[64];
  unlink(db);
  snprintf(wal, sizeof wal, "%s-wal", db);
  unlink(wal);
  snprintf(wal, sizeof wal, "%s-shm", db);
  unlink(wal);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_jobs),
      cmocka_unit_test(test_pack),
      cmocka_unit_test(test_config_errors),
      cmocka_unit_test(test_several_domains),
      cmocka_unit_test(test_store),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
