/* Allocation-failure torture (issue 19) of sessions, agents, tournaments
 * and reports: the N-th allocation (and every later one) fails, for every
 * N until the call succeeds. Each failure must come back as PL_ENOMEM (or
 * a clean failure result), never a crash, a use of freed memory or a leak
 * (the ASan build checks those). Jansson's allocations count too (they go
 * through the same counter), so the JSON of sessions and summaries is
 * tortured as well. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

#include "testutil.h"
#include "core/util.h"

/* Calls fn(ctx) with the n-th allocation failing, n = 0, 1, ... until it
 * succeeds; every failure must be PL_ENOMEM. Returns the allocations the
 * successful call made. */
static long torture(int (*fn)(void *), void *ctx, const char *what) {
  json_set_alloc_funcs(pl__malloc, pl__free);
  for (long n = 0;; n++) {
    pl__alloc_fail_after(n);
    int rc = fn(ctx);
    pl__alloc_fail_after(-1);
    if (rc == PL_OK) {
      json_set_alloc_funcs(malloc, free);
      return n;
    }
    if (rc != PL_ENOMEM)
      fail_msg("%s, allocation %ld: %s", what, n, pl_errname(rc));
    if (n > 200000) fail_msg("%s: no end to the allocations", what);
  }
}

/* ------------------------------------------------------------------ */
/* sessions and agents                                                 */
/* ------------------------------------------------------------------ */

typedef struct session_case {
  const pl_scenario *s;
  pl_session_options o;
  const char *agents[3];
  bool no_json; /* events only: the transcript's JSON makes N large */
} session_case;

/* Reads every event, as a transcript reader does: after a failed growth
 * of the event log, the events must still point into live memory. */
static double touch(const pl_session *x, int np, int ni) {
  double sum = 0;
  for (size_t k = 0; k < pl_session_event_count(x); k++) {
    const pl_event *e = pl_session_event(x, k);
    if (e->options)
      for (int i = 0; i < ni; i++) sum += e->options[i] != PL_NOT_AGREED;
    if (e->utilities)
      for (int p = 0; p < np; p++) sum += e->utilities[p];
    if (e->rejects)
      for (int i = 0; i < ni; i++) sum += e->rejects[i];
  }
  return sum;
}

static int run_session(void *ctx) {
  session_case *c = ctx;
  const int np = pl_scenario_party_count(c->s);
  const int ni = pl_scenario_issue_count(c->s);
  pl_session *x = NULL;
  pl_error err;
  int rc = pl_session_new(c->s, &c->o, c->agents, &x, &err);
  if (rc) {
    assert_null(x);
    assert_int_equal(err.code, rc);
    return rc;
  }
  while ((rc = pl_session_step(x)) == PL_SESSION_RUNNING) {
  }
  assert_true(touch(x, np, ni) >= 0);
  if (rc == PL_SESSION_DONE && c->no_json) {
    rc = PL_OK;
  } else if (rc == PL_SESSION_DONE) {
    char *tr = pl_session_transcript(x), *js = pl_session_to_json(x, NULL);
    rc = tr && js ? PL_OK : PL_ENOMEM;
    pl_free(tr);
    pl_free(js);
  }
  pl_session_free(x);
  return rc;
}

static const char *const KINDS[] = {
    "boulware",    "linear",     "conceder",
    "hardliner",   "random",     "micro",
    "tit-for-tat", "aspiration", "aspiration:curve=exp,e=0.5",
    "boulware:ac=next+time,t=0.8", "conceder:ac=const,c=0.6,om=freq",
    "linear:om=freq,w=0.2", "random:ac=time,t=0.5"};
#define N_KINDS (sizeof KINDS / sizeof *KINDS)

/* Every protocol, with and without partial agreements, on the security
 * talks (three parties, red lines, a linkage, a status quo). */
static void test_sessions(void **state) {
  (void)state;
  pl_scenario *s = tu_load("examples/security-talks.yaml");
  session_case c = {s, {0}, {"boulware", "conceder", "linear:om=freq"}, 0};
  for (int protocol = 0; protocol <= PL_PROTOCOL_MEDIATED; protocol++)
    for (int partial = 0; partial < 2; partial++) {
      pl_session_options_init(&c.o);
      c.o.rounds = 3;
      c.o.protocol = (pl_protocol)protocol;
      c.o.partial = partial;
      long n = torture(run_session, &c, pl_protocol_name(c.o.protocol));
      assert_true(n > 20);
    }
  /* past 64 and 128 events: the event log grows twice (the growth that
   * left events pointing into freed memory) */
  session_case g = {s, {0}, {"hardliner", "hardliner", "hardliner"}, 1};
  pl_session_options_init(&g.o);
  g.o.rounds = 50;
  assert_true(torture(run_session, &g, "growth") > 5);
  pl_scenario_free(s);
}

/* A stepped negotiation (env.h): made, reset, stepped past two growths
 * of the event log, reset again (the arrays handed over), stepped. */
static int run_env(void *ctx) {
  const pl_scenario *s = ctx;
  pl_session_options o;
  pl_session_options_init(&o);
  o.rounds = 40;
  pl_env *e = NULL;
  pl_error err;
  int rc = pl_env_new(s, &o, 0, "hardliner", &e, &err);
  if (rc) {
    assert_null(e);
    assert_int_equal(err.code, rc);
    return rc;
  }
  const pl_observation *ob;
  const pl_action offer = {PL_ACTION_OFFER, (const uint32_t[]){2, 1, 0}};
  for (uint64_t seed = 0; !rc && seed < 2; seed++) {
    rc = pl_env_reset(e, seed, &ob, &err);
    while (!rc && !ob->done) rc = pl_env_step(e, &offer, &ob, NULL, &err);
    if (rc) assert_int_equal(err.code, rc);
  }
  if (!rc) assert_int_equal(ob->end, PL_END_DEADLINE);
  pl_env_free(e);
  return rc;
}

static void test_env(void **state) {
  (void)state;
  pl_scenario *s = tu_load("examples/job-offer.yaml");
  assert_true(torture(run_env, s, "env") > 10);
  pl_scenario_free(s);
}

/* Every built-in strategy, opponent model and acceptance combination;
 * the walk (small space), the search (large additive space) and the pool
 * (a non-linear party). */
static void test_agents(void **state) {
  (void)state;
  pl_scenario *job = tu_load("examples/job-offer.yaml");
  tu_rng r = {19};
  pl_scenario *hyper = tu_random_hyper_scenario(&r, 2);
  /* 8^5 = 32768 outcomes: agents search instead of walking */
  pl_scenario *big = pl_scenario_new("big");
  for (int i = 0; i < 5; i++) {
    char id[8];
    snprintf(id, sizeof id, "i%d", i);
    tu_issue_n(big, id, 8);
  }
  for (int p = 0; p < 2; p++) {
    int q = tu_party(big, p ? "b" : "a", 0.2);
    for (int i = 0; i < 5; i++) {
      double v[8];
      for (int k = 0; k < 8; k++) v[k] = p ? k / 7.0 : 1 - k / 7.0;
      tu_weight(big, q, i, 1 + i);
      tu_values(big, q, i, 8, v);
    }
  }
  tu_finish(big);
  const pl_scenario *spaces[] = {job, big, hyper};
  for (size_t sp = 0; sp < 3; sp++)
    for (size_t k = 0; k < N_KINDS; k++) {
      session_case c = {spaces[sp], {0},
                        {KINDS[k], KINDS[(k + 5) % N_KINDS], NULL}, 1};
      pl_session_options_init(&c.o);
      c.o.rounds = 6;
      torture(run_session, &c, KINDS[k]);
    }
  pl_scenario_free(big);
  pl_scenario_free(hyper);
  pl_scenario_free(job);
}

/* ------------------------------------------------------------------ */
/* tournaments                                                         */
/* ------------------------------------------------------------------ */

typedef struct tournament_case {
  char db[256];
  const char *config;
} tournament_case;

static int run_tournament(void *ctx) {
  tournament_case *c = ctx;
  unlink(c->db);
  char wal[300];
  snprintf(wal, sizeof wal, "%s-wal", c->db);
  unlink(wal);
  snprintf(wal, sizeof wal, "%s-shm", c->db);
  unlink(wal);
  pl_tournament *t = NULL;
  pl_store *st = NULL;
  pl_summary *sum = NULL;
  pl_error err;
  int rc = pl_tournament_load_string(c->config, strlen(c->config), "t.yaml",
                                     tu_source_path("examples"), &t, &err);
  if (rc) {
    assert_null(t);
    if (rc != PL_ENOMEM) fprintf(stderr, "%s\n", err.message);
    return rc;
  }
  rc = pl_store_open(c->db, t, &st, &err);
  for (uint64_t j = 0; !rc && j < pl_tournament_job_count(t); j++) {
    pl_job_result r;
    memset(&r, 0, sizeof r);
    rc = pl_tournament_run_job(t, j, &r, &err);
    if (!rc) rc = pl_store_add(st, &r, &err);
    pl_job_result_clear(&r);
  }
  if (st) {
    int rc2 = pl_store_close(st, &err);
    if (!rc) rc = rc2;
  }
  if (!rc) rc = pl_summary_load(c->db, &sum, &err);
  if (!rc) {
    char *js = pl_summary_to_json(sum);
    if (!js) rc = PL_ENOMEM;
    pl_free(js);
    pl_summary_free(sum);
  }
  pl_tournament_free(t);
  return rc;
}

static void test_tournament(void **state) {
  (void)state;
  /* in memory where there is a tmpfs: each try creates a store */
  char dir[64];
  snprintf(dir, sizeof dir, "%s/parley-torture-XXXXXX",
           access("/dev/shm", W_OK) ? "/tmp" : "/dev/shm");
  assert_non_null(mkdtemp(dir));
  tournament_case c;
  snprintf(c.db, sizeof c.db, "%s/t.db", dir);
  c.config = "seed: 7\n"
             "scenarios: [job-offer.yaml]\n"
             "agents: [boulware, linear:om=freq]\n"
             "rounds: 20\n"
             "repetitions: 1\n";
  long n = torture(run_tournament, &c, "tournament");
  assert_true(n > 20);
  run_tournament(&c); /* clean up the last store */
  unlink(c.db);
  rmdir(dir);
}

/* ------------------------------------------------------------------ */
/* reports                                                             */
/* ------------------------------------------------------------------ */

typedef struct report_case {
  const pl_analysis *a;
  const pl_scenario *s;
  const pl_session *x;
  const pl_sequence *q;
} report_case;

static int render(int rc, pl_figure *f, pl_plot_format format) {
  char *data = NULL;
  size_t len;
  if (!rc) rc = pl_figure_render(f, format, NULL, &data, &len, NULL);
  pl_free(data);
  pl_figure_free(f);
  return rc;
}

static int run_figures(void *ctx) {
  report_case *c = ctx;
  pl_figure *f = NULL;
  pl_error err;
  memset(&err, 0, sizeof err);
  int rc = pl_figure_analysis(c->a, NULL, &f, &err);
  rc = render(rc, f, PL_PLOT_SVG);
  f = NULL;
  if (!rc) {
    rc = pl_figure_session(c->s, c->x, c->a, NULL, &f, &err);
    rc = render(rc, f, PL_PLOT_SVG);
  }
  f = NULL;
  if (!rc) {
    rc = pl_figure_sequence(c->q, NULL, &f, &err);
    rc = render(rc, f, PL_PLOT_PNG);
  }
  if (rc && rc != PL_ENOMEM) fprintf(stderr, "%s\n", err.message);
  return rc;
}

static int run_report(void *ctx) {
  report_case *c = ctx;
  pl_report_options o;
  pl_report_options_init(&o);
  o.session = c->x;
  o.session_setup = "boulware, conceder; text, 3 rounds";
  o.sequence = c->q;
  char *html = NULL;
  size_t len;
  int rc = pl_report_html(c->a, &o, &html, &len, NULL);
  pl_free(html);
  return rc;
}

/* The job offer, a short negotiation and the smallest plan: every kind of
 * figure and the report with all its parts, kept small so that the
 * torture stays quick under ASan. */
static void test_reports(void **state) {
  (void)state;
  pl_scenario *s = tu_load("examples/job-offer.yaml");
  pl_analysis *a = tu_analyze(s);
  const char *agents[2] = {"boulware", "conceder"};
  pl_session_options o;
  pl_session_options_init(&o);
  o.rounds = 3;
  o.protocol = PL_PROTOCOL_TEXT;
  pl_session *x;
  TU_OK(pl_session_new(s, &o, agents, &x, NULL));
  while (pl_session_step(x) == PL_SESSION_RUNNING) {
  }
  pl_plan *p;
  pl_sequence *q;
  TU_OK(pl_plan_load(tu_source_path("tests/data/plans/y_minimal.yaml"), &p,
                     NULL));
  TU_OK(pl_sequence_analyze(p, NULL, &q, NULL));
  report_case c = {a, s, x, q};
  assert_true(torture(run_figures, &c, "figures") > 20);
  assert_true(torture(run_report, &c, "report") > 20);
  pl_sequence_free(q);
  pl_plan_free(p);
  pl_session_free(x);
  pl_analysis_free(a);
  pl_scenario_free(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_sessions),
      cmocka_unit_test(test_agents),
      cmocka_unit_test(test_env),
      cmocka_unit_test(test_tournament),
      cmocka_unit_test(test_reports),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
