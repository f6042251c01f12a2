/* Bounded work in negotiations (issue 19): a party that allows no outcome
 * ends the session before any search; every walk keeps to its budget, its
 * memory cap and the session's time limit. Work is counted (outcomes
 * walked, pl__session_work), never timed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdbool.h>

#include "testutil.h"
#include "agents/agent.h"
#include "analysis/offers.h"
#include "protocol/session_internal.h"

#define NI 16 /* 5^16 outcomes: far beyond any enumeration */

enum stuck_kind {
  STUCK_LOW,        /* its only weighted issue gives at most 0.9, rv 1 */
  STUCK_RED_LINE,   /* 1 is reachable, but a red line over that issue
                       excludes it; rv 0.95 */
  STUCK_TWO_ISSUES, /* the same red line written over two issues: not
                       known before the first round */
  STUCK_HYPER       /* non-linear: its rectangles give at most 0.9, rv 1 */
};

/* Party 0 ("stuck") can never reach its reservation value; party 1
 * ("other") is an ordinary additive party over all 16 issues. Status quo:
 * the worst option of every issue. */
static pl_scenario *stuck(enum stuck_kind kind) {
  pl_scenario *s = pl_scenario_new("stuck");
  for (int i = 0; i < NI; i++) {
    char id[8];
    snprintf(id, sizeof id, "i%d", i);
    tu_issue_n(s, id, 5);
  }
  uint32_t sq[NI];
  for (int i = 0; i < NI; i++) sq[i] = 4;
  TU_OK(pl_scenario_set_status_quo(s, -1, sq, NULL));
  int p = tu_party(s, "stuck", kind == STUCK_LOW || kind == STUCK_HYPER ? 1
                                                                         : 0.95);
  if (kind == STUCK_HYPER) {
    TU_OK(pl_scenario_set_rectangles(s, p, 10, NULL));
    int is[1] = {0};
    uint32_t lo[1] = {0}, hi[1] = {1};
    TU_OK(pl_scenario_add_rectangle(s, p, 9, 1, is, lo, hi, NULL));
  } else {
    const double v[5] = {kind == STUCK_LOW ? 0.9 : 1, 0.9, 0.5, 0.2, 0};
    tu_weight(s, p, 0, 1);
    tu_values(s, p, 0, 5, v);
  }
  if (kind == STUCK_RED_LINE) {
    uint32_t rest[4] = {1, 2, 3, 4};
    tu_rule(s, p, "not_the_best", tu_in(0, 4, rest));
  } else if (kind == STUCK_TWO_ISSUES) {
    uint32_t all[5] = {0, 1, 2, 3, 4};
    tu_rule(s, p, "not_the_best",
            pl_expr_not(tu_all2(tu_in1(0, 0), tu_in(1, 5, all))));
  }
  int q = tu_party(s, "other", 0);
  const double w[5] = {0, 0.25, 0.5, 0.75, 1};
  for (int i = 0; i < NI; i++) {
    tu_weight(s, q, i, 1);
    tu_values(s, q, i, 5, w);
  }
  tu_finish(s);
  return s;
}

static double g_now; /* a virtual clock: each reading advances it */
static double ticking(void *ctx) {
  (void)ctx;
  double t = g_now;
  g_now += 0.6;
  return t;
}

static pl_session *start(const pl_scenario *s, pl_protocol protocol,
                         int partial, double time_limit, const char *a0) {
  const char *agents[2] = {a0, "boulware"};
  pl_session_options o;
  pl_session_options_init(&o);
  o.rounds = time_limit > 0 ? 0 : 2;
  o.time_limit = time_limit;
  o.protocol = protocol;
  o.partial = partial;
  if (time_limit > 0) {
    g_now = 0;
    o.clock = ticking;
  }
  pl_session *x = NULL;
  pl_error err;
  if (pl_session_new(s, &o, agents, &x, &err))
    fail_msg("session: %s", err.message);
  while (pl_session_step(x) == PL_SESSION_RUNNING) {
  }
  return x;
}

/* Known before the first round: every protocol ends at once, naming the
 * party, without walking or searching anything. */
static void test_hopeless_ends_at_once(void **state) {
  (void)state;
  const enum stuck_kind kinds[] = {STUCK_LOW, STUCK_RED_LINE, STUCK_HYPER};
  const char *const agents[] = {"boulware", "micro", "random",
                                "linear:om=freq", "tit-for-tat"};
  for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++) {
    pl_scenario *s = stuck(kinds[k]);
    for (int protocol = 0; protocol <= PL_PROTOCOL_MEDIATED; protocol++)
      for (size_t a = 0; a < sizeof agents / sizeof *agents; a++) {
        pl_session *x = start(s, (pl_protocol)protocol, 0, 0, agents[a]);
        assert_int_equal(pl_session_end(x), PL_END_NO_OFFER);
        assert_int_equal(pl_session_failed_party(x), 0);
        assert_int_equal(pl_session_event_count(x), 1); /* the end */
        assert_int_equal(pl__session_work(x), 0);
        char *json = pl_session_to_json(x, NULL);
        assert_non_null(strstr(json, "\"no_offer\": \"stuck\""));
        pl_free(json);
        pl_session_free(x);
      }
    pl_scenario_free(s);
  }
}

/* With partial agreements an article may stay at the status quo, where a
 * red line does not count: the low party is still hopeless, the one whose
 * red line excludes its best is not (a partial text might do), yet has no
 * complete outcome to offer: it ends the session on its first turn,
 * still without walking. */
static void test_hopeless_partial(void **state) {
  (void)state;
  pl_scenario *s = stuck(STUCK_LOW);
  pl_session *x = start(s, PL_PROTOCOL_SAOP, 1, 0, "boulware");
  assert_int_equal(pl_session_end(x), PL_END_NO_OFFER);
  assert_int_equal(pl_session_event_count(x), 1);
  assert_int_equal(pl__session_work(x), 0);
  pl_session_free(x);
  pl_scenario_free(s);
  s = stuck(STUCK_RED_LINE);
  x = start(s, PL_PROTOCOL_SAOP, 1, 0, "boulware");
  assert_int_equal(pl_session_end(x), PL_END_NO_OFFER);
  assert_int_equal(pl_session_failed_party(x), 0);
  assert_int_equal(pl_session_event_count(x), 1);
  assert_int_equal(pl__session_work(x), 0);
  pl_session_free(x);
  pl_scenario_free(s);
}

/* A red line over two issues hides the emptiness from the bound: the walk
 * from the best down meets 5^15 outcomes that break it. It stops at its
 * budget for one answer (or its memory cap), and the party is named. */
static void test_walk_budget(void **state) {
  (void)state;
  pl_scenario *s = stuck(STUCK_TWO_ISSUES);
  pl_session *x = start(s, PL_PROTOCOL_SAOP, 0, 0, "boulware");
  assert_int_equal(pl_session_end(x), PL_END_NO_OFFER);
  assert_int_equal(pl_session_failed_party(x), 0);
  assert_true(pl__session_work(x) > 0);
  assert_true(pl__session_work(x) <= PL__WALK_TURN);
  pl_session_free(x);
  pl_scenario_free(s);
}

/* The same walk under a time limit: it looks at the session's clock every
 * PL__WALK_CLOCK outcomes, and the session ends by timeout. */
static void test_walk_time_limit(void **state) {
  (void)state;
  pl_scenario *s = stuck(STUCK_TWO_ISSUES);
  pl_session *x = start(s, PL_PROTOCOL_SAOP, 0, 1, "boulware");
  assert_int_equal(pl_session_end(x), PL_END_TIMEOUT);
  assert_true(pl__session_work(x) <= 2 * PL__WALK_CLOCK);
  pl_session_free(x);
  pl_scenario_free(s);
}

/* The iterator keeps to its memory cap: PL_ETOOBIG once it is reached,
 * and from then on. */
static void test_iterator_cap(void **state) {
  (void)state;
  pl_scenario *s = stuck(STUCK_LOW);
  pl_offer_iter *it;
  TU_OK(pl_offer_iter_new(s, 1, &it, NULL));
  pl__offer_iter_set_cap(it, (size_t)1 << 20);
  uint32_t o[NI];
  double u, last = 2;
  long n = 0;
  int rc;
  while ((rc = pl_offer_iter_next(it, o, &u)) == PL_OK) {
    assert_true(u <= last + 1e-12); /* still from the best down */
    last = u;
    n++;
  }
  assert_int_equal(rc, PL_ETOOBIG);
  assert_true(n > 100 && n < 100000);
  assert_int_equal(pl_offer_iter_next(it, o, &u), PL_ETOOBIG);
  pl_offer_iter_free(it);
  pl_scenario_free(s);
}

static int g_asked;
static bool stop_now(void *ctx) {
  (void)ctx;
  g_asked++;
  return true;
}

/* Branch and bound looks at the session's clock: told to stop, it stops
 * at once with the best it found (or none), not after its 50 million
 * nodes. A subset-sum-like target over 30 issues keeps it busy. */
static void test_branch_and_bound_stops(void **state) {
  (void)state;
  pl_scenario *s = pl_scenario_new("hard");
  tu_rng r = {1919};
  for (int i = 0; i < 30; i++) {
    char id[8];
    snprintf(id, sizeof id, "i%d", i);
    tu_issue_n(s, id, 5);
  }
  int p = tu_party(s, "p", 0);
  for (int i = 0; i < 30; i++) {
    double v[5];
    for (int k = 0; k < 5; k++) v[k] = (double)tu_below(&r, 1000001) / 1e6;
    tu_weight(s, p, i, 1 + tu_below(&r, 100));
    tu_values(s, p, i, 5, v);
  }
  tu_finish(s);
  uint32_t o[30];
  double u;
  int exact = -1;
  int rc = pl__offer_at_least(s, p, 0.5123456789, o, &u, &exact, stop_now,
                              NULL, NULL);
  assert_int_equal(g_asked, 1);
  assert_true(rc == PL_ENOTFOUND || (rc == PL_OK && exact == 0));
  pl_scenario_free(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_hopeless_ends_at_once),
      cmocka_unit_test(test_hopeless_partial),
      cmocka_unit_test(test_walk_budget),
      cmocka_unit_test(test_walk_time_limit),
      cmocka_unit_test(test_iterator_cap),
      cmocka_unit_test(test_branch_and_bound_stops),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
