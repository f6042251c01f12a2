/* The Stacked Alternating Offers Protocol and the time-dependent agents. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "testutil.h"

static const char *const KINDS[] = {"boulware",  "linear", "conceder",
                                    "hardliner", "timedep:e=0.5,k=0.2",
                                    "random",    "micro",  "tit-for-tat"};
#define N_KINDS (int)(sizeof KINDS / sizeof *KINDS)

/* Whether party p may propose or accept o: its red lines hold and o gives
 * it at least its reservation value. */
static int allowed(const pl_scenario *s, int p, const uint32_t *o) {
  if (pl_scenario_utility(s, p, o) < pl_scenario_reservation(s, p) - PL_TOLERANCE)
    return 0;
  for (int r = 0; r < pl_scenario_red_line_count(s); r++)
    if (pl_scenario_red_line_party(s, r) == p &&
        !pl_scenario_red_line_is_linkage(s, r) &&
        !pl_scenario_red_line_holds(s, r, o))
      return 0;
  return 1;
}

static pl_protocol g_protocol; /* the protocol run() uses */
static int g_drafter;

static pl_session *run(const pl_scenario *s, const char *const *agents,
                       int rounds) {
  pl_session_options o;
  pl_session_options_init(&o);
  o.rounds = rounds;
  o.protocol = g_protocol;
  o.drafter = g_drafter < pl_scenario_party_count(s) ? g_drafter : 0;
  pl_session *x = NULL;
  pl_error err;
  if (pl_session_new(s, &o, agents, &x, &err))
    fail_msg("pl_session_new: %s", err.message);
  int rc, steps = 0;
  while ((rc = pl_session_step(x)) == PL_SESSION_RUNNING) steps++;
  assert_int_equal(rc, PL_SESSION_DONE);
  assert_true(steps <= rounds * pl_scenario_party_count(s));
  assert_int_equal(pl_session_step(x), PL_SESSION_DONE); /* stays done */
  return x;
}

/* Random scenarios and agents: nobody proposes or accepts what breaks its
 * own red lines or reservation; an agreement is the standing offer accepted
 * by every other party in turn; the same inputs give the same transcript. */
static void random_rules(void) {
  tu_rng r = {4242};
  int agreements = 0;
  for (int round = 0; round < 400; round++) {
    int np = 1 + round % 4;
    pl_scenario *s = tu_random_scenario(&r, np);
    const char *agents[4];
    for (int p = 0; p < np; p++) agents[p] = KINDS[tu_below(&r, N_KINDS)];
    int rounds = 1 + tu_below(&r, 30);
    pl_session *x = run(s, agents, rounds);
    size_t n = pl_session_event_count(x);
    assert_true(n >= 1);
    assert_int_equal(pl_session_event(x, n - 1)->kind, PL_EVENT_END);
    for (size_t k = 0; k + 1 < n; k++) {
      const pl_event *e = pl_session_event(x, k);
      assert_true(e->party >= 0 && e->party < np);
      assert_true(e->round >= 1 && e->round <= rounds);
      assert_true(e->time >= 0 && e->time < 1);
      if (!allowed(s, e->party, e->options))
        fail_msg("round %d: party %d %s an outcome it does not allow", round,
                 e->party, pl_event_name(e->kind));
    }
    const pl_point *agr = pl_session_agreement(x);
    if (pl_session_end(x) == PL_END_AGREEMENT) {
      agreements++;
      assert_non_null(agr);
      /* the offer, then np - 1 acceptances of it, then the end */
      assert_true(n >= (size_t)np + 1);
      const pl_event *offer = pl_session_event(x, n - 1 - (size_t)np);
      assert_int_equal(offer->kind, PL_EVENT_OFFER);
      for (int k = 1; k < np; k++) {
        const pl_event *e = pl_session_event(x, n - 1 - (size_t)np + (size_t)k);
        assert_int_equal(e->kind, PL_EVENT_ACCEPT);
        /* saop: the others in turn after the proposer; text: every party
         * but the drafter, in order */
        int want = g_protocol == PL_PROTOCOL_SAOP
                       ? (offer->party + k) % np
                       : k - 1 + (k - 1 >= offer->party ? 1 : 0);
        assert_int_equal(e->party, want);
      }
      assert_memory_equal(agr->options, offer->options,
                          (size_t)pl_scenario_issue_count(s) * sizeof(uint32_t));
      for (int p = 0; p < np; p++) assert_true(allowed(s, p, agr->options));
    } else {
      assert_null(agr);
    }
    /* determinism */
    pl_session *y = run(s, agents, rounds);
    char *a = pl_session_transcript(x), *b = pl_session_transcript(y);
    assert_non_null(a);
    assert_string_equal(a, b);
    pl_free(a);
    pl_free(b);
    pl_session_free(y);
    pl_session_free(x);
    pl_scenario_free(s);
  }
  assert_true(agreements > 50);
}

static void test_random_rules(void **state) {
  (void)state;
  g_protocol = PL_PROTOCOL_SAOP;
  random_rules();
}

/* The same rules for the single text, drafted by the first and the last
 * party in turn; comments never break the commenter's red lines either. */
static void test_random_rules_text(void **state) {
  (void)state;
  g_protocol = PL_PROTOCOL_TEXT;
  g_drafter = 0;
  random_rules();
  g_drafter = 2;
  random_rules();
  g_protocol = PL_PROTOCOL_SAOP;
  g_drafter = 0;
}

/* A linear agent against a hardliner: each offer is the least good
 * outcome the agent allows at or above target(t) = rv + (pmax - rv)(1 - t),
 * checked by brute force. */
static void test_linear_concession(void **state) {
  (void)state;
  tu_rng r = {777};
  for (int round = 0; round < 100; round++) {
    pl_scenario *s = tu_random_scenario(&r, 2);
    const char *agents[2] = {"linear", "hardliner"};
    pl_session *x = run(s, agents, 20);
    uint64_t n;
    assert_int_equal(pl_scenario_outcome_count(s, &n), PL_OK);
    double pmax = -1;
    uint32_t o[8];
    for (uint64_t k = 0; k < n; k++) {
      pl_scenario_decode(s, k, o);
      double u = pl_scenario_utility(s, 0, o);
      if (allowed(s, 0, o) && u > pmax) pmax = u;
    }
    double rv = pl_scenario_reservation(s, 0);
    for (size_t k = 0; k < pl_session_event_count(x); k++) {
      const pl_event *e = pl_session_event(x, k);
      if (e->kind != PL_EVENT_OFFER || e->party != 0) continue;
      double target = rv + (pmax - rv) * (1 - e->time);
      double u = e->utilities[0];
      assert_true(u >= target - PL_TOLERANCE);
      for (uint64_t j = 0; j < n; j++) { /* nothing allowed lies between */
        pl_scenario_decode(s, j, o);
        double v = pl_scenario_utility(s, 0, o);
        if (allowed(s, 0, o))
          assert_false(v >= target - PL_TOLERANCE && v < u - PL_TOLERANCE);
      }
    }
    pl_session_free(x);
    pl_scenario_free(s);
  }
}

/* The same in a space large enough for branch and bound (15,625 outcomes,
 * no red lines): the offers are still exactly the least good at or above
 * the target. */
static void test_linear_concession_search(void **state) {
  (void)state;
  tu_rng r = {31};
  for (int round = 0; round < 5; round++) {
    pl_scenario *s = pl_scenario_new("big");
    for (int i = 0; i < 6; i++) {
      char id[8];
      snprintf(id, sizeof id, "i%d", i);
      tu_issue_n(s, id, 5);
    }
    for (int p = 0; p < 2; p++) {
      char id[8];
      snprintf(id, sizeof id, "p%d", p);
      int q = tu_party(s, id, 0.1 * p);
      for (int i = 0; i < 6; i++) {
        tu_weight(s, q, i, 1 + tu_below(&r, 9));
        for (uint32_t k = 0; k < 5; k++)
          TU_OK(pl_scenario_set_value(s, q, i, k, tu_below(&r, 101) / 100.0, NULL));
      }
    }
    tu_finish(s);
    const char *agents[2] = {"linear", "hardliner"};
    pl_session *x = run(s, agents, 40);
    uint64_t n;
    assert_int_equal(pl_scenario_outcome_count(s, &n), PL_OK);
    uint32_t o[6];
    double pmax = -1;
    for (uint64_t k = 0; k < n; k++) {
      pl_scenario_decode(s, k, o);
      double u = pl_scenario_utility(s, 0, o);
      if (u > pmax) pmax = u;
    }
    for (size_t k = 0; k < pl_session_event_count(x); k++) {
      const pl_event *e = pl_session_event(x, k);
      if (e->kind != PL_EVENT_OFFER || e->party != 0) continue;
      double target = pmax * (1 - e->time), u = e->utilities[0], best = 2;
      for (uint64_t j = 0; j < n; j++) {
        pl_scenario_decode(s, j, o);
        double v = pl_scenario_utility(s, 0, o);
        if (v >= target - PL_TOLERANCE && v < best) best = v;
      }
      assert_double_near(u, best, 1e-12);
    }
    pl_session_free(x);
    pl_scenario_free(s);
  }
}

static void test_examples(void **state) {
  (void)state;
  pl_scenario *s = NULL;
  pl_error err;
  assert_int_equal(
      pl_scenario_load(tu_source_path("examples/security-talks.yaml"), &s, &err),
      PL_OK);
  /* the principles clash: no agent may give in, so no agreement */
  const char *three[3] = {"conceder", "conceder", "conceder"};
  pl_session *x = run(s, three, 50);
  assert_int_equal(pl_session_end(x), PL_END_DEADLINE);
  assert_int_equal(pl_session_rounds(x), 50);
  char *json = pl_session_to_json(x, NULL);
  assert_non_null(strstr(json, "\"ended_by\": \"deadline\""));
  pl_free(json);
  pl_session_free(x);
  pl_scenario_free(s);

  assert_int_equal(
      pl_scenario_load(tu_source_path("examples/job-offer.yaml"), &s, &err),
      PL_OK);
  const char *two[2] = {"boulware", "conceder"};
  x = run(s, two, 10);
  assert_int_equal(pl_session_end(x), PL_END_AGREEMENT);
  pl_analysis *a = tu_analyze(s);
  assert_true(pl_session_distance_to_pareto(x, a) >= 0);
  pl_analysis_free(a);
  pl_session_free(x);
  /* errors: unknown agent, bad parameter, bad rounds */
  const char *bad[2] = {"boulware", "nonsense"};
  pl_session *y = (pl_session *)1;
  assert_int_equal(pl_session_new(s, NULL, bad, &y, &err), PL_ENOTFOUND);
  assert_null(y);
  const char *badp[2] = {"boulware:e=-1", "linear"};
  assert_int_equal(pl_session_new(s, NULL, badp, &y, &err), PL_EINVAL);
  pl_session_options o;
  pl_session_options_init(&o);
  o.rounds = 0;
  assert_int_equal(pl_session_new(s, &o, two, &y, &err), PL_ERANGE);
  pl_session_free(NULL);
  pl_scenario_free(s);
}

/* One issue of n options that two parties value in opposite orders. */
static pl_scenario *opposed(uint32_t n) {
  pl_scenario *s = pl_scenario_new("opposed");
  tu_issue_n(s, "x", n);
  int a = tu_party(s, "a", 0), b = tu_party(s, "b", 0);
  for (uint32_t k = 0; k < n; k++) {
    TU_OK(pl_scenario_set_value(s, a, 0, k, (double)k / (n - 1), NULL));
    TU_OK(pl_scenario_set_value(s, b, 0, k, (double)(n - 1 - k) / (n - 1), NULL));
  }
  tu_weight(s, a, 0, 1);
  tu_weight(s, b, 0, 1);
  tu_finish(s);
  return s;
}

/* MiCRO concedes one outcome per distinct offer of its opponent: against a
 * hardliner (one distinct offer) it offers its best outcome, then its
 * second best once, and never a third. */
static void test_micro_pace(void **state) {
  (void)state;
  pl_scenario *s = opposed(6);
  const char *agents[2] = {"micro", "hardliner"};
  pl_session *x = run(s, agents, 10);
  assert_int_equal(pl_session_end(x), PL_END_DEADLINE);
  double lowest = 2;
  for (size_t k = 0; k < pl_session_event_count(x); k++) {
    const pl_event *e = pl_session_event(x, k);
    if (e->kind == PL_EVENT_OFFER && e->party == 0 && e->utilities[0] < lowest)
      lowest = e->utilities[0];
  }
  assert_double_near(lowest, 0.8, 1e-12); /* options 5 and 4 only */
  pl_session_free(x);
  pl_scenario_free(s);
}

/* The random agent follows the seed: same seed, same transcript; another
 * seed, another one. */
static void test_random_seed(void **state) {
  (void)state;
  pl_scenario *s = NULL;
  pl_error err;
  assert_int_equal(
      pl_scenario_load(tu_source_path("examples/job-offer.yaml"), &s, &err),
      PL_OK);
  const char *agents[2] = {"random", "random"};
  pl_session_options o;
  pl_session_options_init(&o);
  o.rounds = 30;
  char *t[3];
  for (int k = 0; k < 3; k++) {
    o.seed = k < 2 ? 7 : 8;
    pl_session *x;
    assert_int_equal(pl_session_new(s, &o, agents, &x, &err), PL_OK);
    while (pl_session_step(x) == PL_SESSION_RUNNING) {
    }
    t[k] = pl_session_transcript(x);
    pl_session_free(x);
  }
  assert_string_equal(t[0], t[1]);
  assert_true(strcmp(t[0], t[2]) != 0);
  for (int k = 0; k < 3; k++) pl_free(t[k]);
  pl_scenario_free(s);
}

/* The mediator-led text: changes stand only when every party voted for
 * them, votes follow the hill-climbing rule, an agreement is a text every
 * party allows, and the seed decides the mediator's proposals. */
static void test_mediated(void **state) {
  (void)state;
  tu_rng r = {2718};
  int agreements = 0;
  for (int round = 0; round < 300; round++) {
    int np = 1 + round % 3;
    pl_scenario *s = tu_random_scenario(&r, np);
    const char *agents[3] = {"linear", "linear", "linear"};
    pl_session_options o;
    pl_session_options_init(&o);
    o.protocol = PL_PROTOCOL_MEDIATED;
    o.rounds = 1 + tu_below(&r, 40);
    o.seed = (uint64_t)round;
    pl_session *x;
    pl_error err;
    assert_int_equal(pl_session_new(s, &o, agents, &x, &err), PL_OK);
    while (pl_session_step(x) == PL_SESSION_RUNNING) {
    }
    size_t n = pl_session_event_count(x);
    /* per round: a proposal by the mediator, then np votes */
    for (size_t k = 0; k + 1 < n; k += (size_t)np + 1) {
      assert_int_equal(pl_session_event(x, k)->kind, PL_EVENT_OFFER);
      assert_int_equal(pl_session_event(x, k)->party, -1);
      for (int p = 0; p < np; p++) {
        const pl_event *e = pl_session_event(x, k + 1 + (size_t)p);
        assert_true(e->kind == PL_EVENT_ACCEPT || e->kind == PL_EVENT_REJECT);
        assert_int_equal(e->party, p);
      }
    }
    const pl_point *agr = pl_session_agreement(x);
    if (agr) {
      agreements++;
      for (int p = 0; p < np; p++) assert_true(allowed(s, p, agr->options));
    } else {
      assert_int_equal(pl_session_end(x), PL_END_DEADLINE);
    }
    pl_session *y;
    assert_int_equal(pl_session_new(s, &o, agents, &y, &err), PL_OK);
    while (pl_session_step(y) == PL_SESSION_RUNNING) {
    }
    char *a = pl_session_transcript(x), *b = pl_session_transcript(y);
    assert_string_equal(a, b);
    pl_free(a);
    pl_free(b);
    pl_session_free(y);
    pl_session_free(x);
    pl_scenario_free(s);
  }
  assert_true(agreements > 30);
}

/* Tit-for-tat mirrors concessions: against a hardliner (no concession) it
 * never leaves its best outcome; against a conceder it comes down. */
static void test_tit_for_tat(void **state) {
  (void)state;
  pl_scenario *s = opposed(11);
  const char *vs_hard[2] = {"tit-for-tat", "hardliner"};
  pl_session *x = run(s, vs_hard, 20);
  for (size_t k = 0; k < pl_session_event_count(x); k++) {
    const pl_event *e = pl_session_event(x, k);
    if (e->kind == PL_EVENT_OFFER && e->party == 0)
      assert_double_near(e->utilities[0], 1.0, 1e-12);
  }
  pl_session_free(x);
  const char *vs_conceder[2] = {"tit-for-tat", "conceder"};
  x = run(s, vs_conceder, 20);
  double lowest = 2;
  for (size_t k = 0; k < pl_session_event_count(x); k++) {
    const pl_event *e = pl_session_event(x, k);
    if (e->kind == PL_EVENT_OFFER && e->party == 0 && e->utilities[0] < lowest)
      lowest = e->utilities[0];
  }
  assert_true(lowest < 1.0 || pl_session_end(x) == PL_END_AGREEMENT);
  pl_session_free(x);
  pl_scenario_free(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_random_rules),
      cmocka_unit_test(test_random_rules_text),
      cmocka_unit_test(test_linear_concession),
      cmocka_unit_test(test_linear_concession_search),
      cmocka_unit_test(test_examples),
      cmocka_unit_test(test_micro_pace),
      cmocka_unit_test(test_tit_for_tat),
      cmocka_unit_test(test_mediated),
      cmocka_unit_test(test_random_seed),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
