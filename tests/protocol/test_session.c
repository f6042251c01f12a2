/* The Stacked Alternating Offers Protocol and the time-dependent agents. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <jansson.h>
#include <math.h>
#include <stdbool.h>

#include "testutil.h"
#include "core/util.h"
#include "protocol/session_internal.h"

static const char *const KINDS[] = {
    "boulware",    "linear", "conceder",    "hardliner",
    "timedep:e=0.5,k=0.2",   "random",      "micro",
    "tit-for-tat", "aspiration",            "aspiration:curve=exp,e=0.5",
    "boulware:ac=next+time,t=0.8",          "conceder:ac=const,c=0.6,om=freq",
    "linear:om=freq,w=0.2",  "random:ac=time,t=0.5"};
#define N_KINDS (int)(sizeof KINDS / sizeof *KINDS)

/* Whether party p may propose or accept o: its red lines hold and o gives
 * it at least its reservation value. Written out from the rules of
 * docs/analysis.md, not with the library's red-line check: on a partial
 * outcome a rule counts only when every issue it mentions is agreed, and a
 * linkage breaks when some of its issues are agreed and others not. */
static int allowed(const pl_scenario *s, int p, const uint32_t *o) {
  if (pl_scenario_utility(s, p, o) < pl_scenario_reservation(s, p) - PL_TOLERANCE)
    return 0;
  const int ni = pl_scenario_issue_count(s);
  for (int r = 0; r < pl_scenario_red_line_count(s); r++) {
    if (pl_scenario_red_line_party(s, r) != p) continue;
    int agreed = 0, left = 0;
    for (int i = 0; i < ni; i++)
      if (pl_scenario_red_line_mentions(s, r, i)) {
        if (o[i] == PL_NOT_AGREED) left++;
        else agreed++;
      }
    if (pl_scenario_red_line_is_linkage(s, r)) {
      if (agreed && left) return 0;
    } else if (!left && !pl_scenario_red_line_holds(s, r, o)) {
      return 0;
    }
  }
  return 1;
}

/* Whether party p allows some complete outcome (small spaces). */
static int allows_any(const pl_scenario *s, int p) {
  uint64_t n;
  uint32_t o[64];
  if (p < 0 || pl_scenario_outcome_count(s, &n) != PL_OK) return 1;
  for (uint64_t k = 0; k < n; k++) {
    pl_scenario_decode(s, k, o);
    if (allowed(s, p, o)) return 1;
  }
  return 0;
}

static pl_protocol g_protocol; /* the protocol run() uses */
static int g_drafter;
static int g_partial;

static pl_session *run(const pl_scenario *s, const char *const *agents,
                       int rounds) {
  pl_session_options o;
  pl_session_options_init(&o);
  o.rounds = rounds;
  o.protocol = g_protocol;
  o.drafter = g_drafter < pl_scenario_party_count(s) ? g_drafter : 0;
  o.partial = g_partial;
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
  int agreements = 0, partials = 0, blocked = 0;
  for (int round = 0; round < 400; round++) {
    int np = 1 + round % 4;
    pl_scenario *s = tu_random_scenario(&r, np);
    const char *agents[4];
    for (int p = 0; p < np; p++) agents[p] = KINDS[tu_below(&r, N_KINDS)];
    int rounds = 1 + tu_below(&r, 30);
    g_partial = pl_scenario_has_status_quo(s) && round % 2;
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
      /* a comment rejects exactly the articles it changes */
      assert_true((e->kind == PL_EVENT_COMMENT) == (e->rejects != NULL));
      for (int i = 0; e->rejects && i < pl_scenario_issue_count(s); i++) {
        const pl_event *draft = pl_session_event(x, k - 1);
        while (draft->kind != PL_EVENT_OFFER) draft--;
        assert_int_equal(e->rejects[i], e->options[i] != draft->options[i]);
      }
    }
    const pl_point *agr = pl_session_agreement(x);
    const uint32_t *pt = pl_session_partial_text(x);
    const pl_blocker *blk;
    size_t nblk = pl_session_partial_blockers(x, &blk);
    if (!g_partial) assert_null(pt);
    if (pl_session_end(x) == PL_END_PARTIAL) {
      /* the articles agreed by all, every party allowing the text */
      assert_non_null(agr);
      assert_ptr_not_equal(pt, NULL);
      assert_int_equal(nblk, 0);
      assert_memory_equal(agr->options, pt,
                          (size_t)pl_scenario_issue_count(s) * sizeof *pt);
      int agreed = 0;
      for (int i = 0; i < pl_scenario_issue_count(s); i++)
        agreed += pt[i] != PL_NOT_AGREED;
      assert_true(agreed > 0);
      for (int p = 0; p < np; p++) assert_true(allowed(s, p, pt));
      partials++;
    } else if (pt) {
      /* tried and blocked: by exactly what it breaks */
      assert_int_equal(pl_session_end(x), PL_END_DEADLINE);
      assert_true(nblk > 0);
      for (size_t k = 0; k < nblk; k++) {
        if (blk[k].red_line < 0)
          assert_true(pl_scenario_utility(s, blk[k].party, pt) <
                      pl_scenario_reservation(s, blk[k].party));
        else
          assert_int_equal(pl_scenario_red_line_holds(s, blk[k].red_line, pt), 0);
      }
      int all = 1;
      for (int p = 0; p < np; p++) all &= allowed(s, p, pt);
      assert_false(all);
      blocked++;
    }
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
    } else if (pl_session_end(x) != PL_END_PARTIAL) {
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
  g_partial = 0;
  assert_true(agreements > 50);
  printf("agreements %d, partial %d, partial blocked %d\n", agreements,
         partials, blocked);
  assert_true(partials >= 2);
  assert_true(blocked > 3);
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

/* The share of Pmax - Pmin a concession curve still asks for at t. */
typedef double curve_fn(double t);
static double linear_left(double t) { return 1 - t; }
static double poly3_left(double t) { return 1 - pow(t, 3); }
static double exp2_left(double t) {
  return (exp(pow(1 - t, 2)) - 1) / (exp(1) - 1);
}

/* `spec` against a hardliner on random scenarios (every second one
 * non-linear when `hyper`): each offer is the least good outcome the agent
 * allows at or above rv + (pmax - rv) left(t), checked by brute force. */
static void follows_curve(uint64_t seed, int count, const char *spec,
                          curve_fn *left, bool hyper) {
  tu_rng r = {seed};
  for (int round = 0; round < count; round++) {
    pl_scenario *s = hyper && round % 2 ? tu_random_hyper_scenario(&r, 2)
                                        : tu_random_scenario(&r, 2);
    const char *agents[2] = {spec, "hardliner"};
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
      double target = rv + (pmax - rv) * left(e->time);
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

/* The linear agent, target(t) = rv + (pmax - rv)(1 - t); half of the
 * scenarios non-linear (hyper-rectangles, walked from a sorted list of
 * every outcome). */
static void test_linear_concession(void **state) {
  (void)state;
  follows_curve(777, 100, "linear", linear_left, true);
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

/* pl_session_run gives the same transcript and result as stepping, for
 * every protocol, and a finished session stays finished. */
static void test_session_run(void **state) {
  (void)state;
  pl_scenario *s = tu_load("examples/job-offer.yaml");
  const char *agents[2] = {"boulware", "random"};
  for (int pr = PL_PROTOCOL_SAOP; pr <= PL_PROTOCOL_MEDIATED; pr++) {
    pl_session_options o;
    pl_session_options_init(&o);
    o.protocol = (pl_protocol)pr;
    o.rounds = 40;
    o.seed = 7;
    pl_session *x = NULL, *y = NULL;
    assert_int_equal(pl_session_new(s, &o, agents, &x, NULL), PL_OK);
    assert_int_equal(pl_session_new(s, &o, agents, &y, NULL), PL_OK);
    while (pl_session_step(x) == PL_SESSION_RUNNING) {
    }
    assert_int_equal(pl_session_run(y), PL_SESSION_DONE);
    assert_int_equal(pl_session_run(y), PL_SESSION_DONE);
    assert_int_equal(pl_session_end(x), pl_session_end(y));
    assert_true(pl_session_end(y) != PL_END_RUNNING);
    char *a = pl_session_transcript(x), *b = pl_session_transcript(y);
    assert_string_equal(a, b);
    pl_free(a);
    pl_free(b);
    pl_session_free(x);
    pl_session_free(y);
  }
  pl_scenario_free(s);
}

static void test_examples(void **state) {
  (void)state;
  pl_error err;
  pl_scenario *s = tu_load("examples/security-talks.yaml");
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

  s = tu_load("examples/job-offer.yaml");
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
/* A session takes the event arrays of the last one freed on its thread
 * (session.c, spares): the second of two negotiations of 1,200 events
 * makes none of the 4 allocations that sized the first one's four arrays
 * (once, for its 400 rounds of three parties: first_cap, no doubling from
 * 64 events, which took 24), and its transcript is the same. */
static void test_spare_events(void **state) {
  (void)state;
  pl_scenario *s = tu_load("examples/security-talks.yaml");
  const char *agents[3] = {"hardliner", "hardliner", "hardliner"};
  pl_session_options o;
  pl_session_options_init(&o);
  o.rounds = 400;
  long used[2];
  char *tr[2];
  pl__session_spare_drop();
  for (int k = 0; k < 2; k++) {
    const long before = pl__alloc_count();
    pl_session *x = NULL;
    assert_int_equal(pl_session_new(s, &o, agents, &x, NULL), PL_OK);
    assert_int_equal(pl_session_run(x), PL_SESSION_DONE);
    assert_true(pl_session_event_count(x) > 1024);
    used[k] = pl__alloc_count() - before;
    tr[k] = pl_session_transcript(x);
    assert_non_null(tr[k]);
    pl_session_free(x);
  }
  assert_string_equal(tr[0], tr[1]);
  if (used[1] != used[0] - 4)
    fail_msg("allocations: %ld, then %ld", used[0], used[1]);
  pl_free(tr[0]);
  pl_free(tr[1]);
  pl__session_spare_drop();
  pl_scenario_free(s);
}

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
  pl_error err;
  pl_scenario *s = tu_load("examples/job-offer.yaml");
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
    } else if (pl_session_end(x) == PL_END_NO_OFFER) {
      /* a party that allows no outcome ends the session at once */
      assert_int_equal(n, 1);
      assert_false(allows_any(s, pl_session_failed_party(x)));
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

/* Non-linear spaces too large to list (10^10 outcomes): the agents walk a
 * sampled pool; their offers never rise for the conceding side, they keep
 * their reservation values, and the same seed gives the same run. */
static void test_hyper_pool(void **state) {
  (void)state;
  tu_rng r = {555};
  pl_scenario *s = pl_scenario_new("big-hyper");
  for (int i = 0; i < 10; i++) {
    char id[8];
    snprintf(id, sizeof id, "i%d", i);
    tu_issue_n(s, id, 10);
  }
  for (int p = 0; p < 2; p++) {
    char id[8];
    snprintf(id, sizeof id, "p%d", p);
    int q = tu_party(s, id, 0.2);
    TU_OK(pl_scenario_set_rectangles(s, q, 100, NULL));
    for (int k = 0; k < 40; k++) {
      int is[3];
      uint32_t lo[3], hi[3];
      for (int j = 0; j < 3; j++) {
        is[j] = 3 * (k % 3) + j; /* distinct issues */
        lo[j] = (uint32_t)tu_below(&r, 10);
        hi[j] = lo[j] + (uint32_t)tu_below(&r, (int)(10 - lo[j]));
      }
      TU_OK(pl_scenario_add_rectangle(s, q, 1 + tu_below(&r, 20), 3, is, lo,
                                      hi, NULL));
    }
  }
  tu_finish(s);
  const char *agents[2] = {"linear", "conceder"};
  pl_session *x = run(s, agents, 50), *y = run(s, agents, 50);
  double last = 2;
  for (size_t k = 0; k < pl_session_event_count(x); k++) {
    const pl_event *e = pl_session_event(x, k);
    if (!e->options || e->party < 0) continue;
    assert_true(allowed(s, e->party, e->options));
    if (e->kind == PL_EVENT_OFFER && e->party == 0) {
      assert_true(e->utilities[0] <= last + 1e-12);
      last = e->utilities[0];
    }
  }
  char *a = pl_session_transcript(x), *b = pl_session_transcript(y);
  assert_string_equal(a, b);
  pl_free(a);
  pl_free(b);
  pl_session_free(x);
  pl_session_free(y);
  pl_scenario_free(s);
}

/* Acceptance conditions: AC_const accepts the first offer worth c to it,
 * AC_time the first offer it allows at or after its time, whatever the
 * bidding strategy; AC_next the first at least as good as its own next. */
static void test_acceptance(void **state) {
  (void)state;
  pl_scenario *s = opposed(21);
  const struct {
    const char *agent;
    double c, t; /* the condition's threshold, or -1 */
  } cases[] = {{"hardliner:ac=const,c=0.3", 0.3, -1},
               {"boulware:ac=const,c=0.55", 0.55, -1},
               {"hardliner:ac=time,t=0.5", -1, 0.5},
               {"random:ac=time,t=0.25", -1, 0.25}};
  for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
    const char *agents[2] = {"linear", cases[c].agent};
    pl_session *x = run(s, agents, 40);
    assert_int_equal(pl_session_end(x), PL_END_AGREEMENT);
    for (size_t k = 0; k < pl_session_event_count(x); k++) {
      const pl_event *e = pl_session_event(x, k);
      if (e->party != 0 || e->kind != PL_EVENT_OFFER) continue;
      const pl_event *next = pl_session_event(x, k + 1);
      bool accepted = next->kind == PL_EVENT_ACCEPT;
      bool want = cases[c].c >= 0 ? e->utilities[1] >= cases[c].c - 1e-12
                                  : next->time >= cases[c].t;
      if (accepted != want)
        fail_msg("%s: offer worth %g at t=%g %s", cases[c].agent,
                 e->utilities[1], next->time,
                 accepted ? "accepted" : "rejected");
      if (accepted) break;
    }
    pl_session_free(x);
  }
  /* ac=next with alpha and beta: accepts when alpha u(next) + beta <= u */
  const char *agents[2] = {"linear", "boulware:alpha=1,beta=-0.3"};
  pl_session *x = run(s, agents, 40);
  assert_int_equal(pl_session_end(x), PL_END_AGREEMENT);
  const pl_point *agr = pl_session_agreement(x);
  assert_true(agr->utilities[1] < 0.9); /* gave up to 0.3 below its offer */
  pl_session_free(x);
  pl_scenario_free(s);
}

/* The aspiration curves against their formulas: 1 - t^e, and the
 * exponential curve (exp((1 - t)^e) - 1) / (exp(1) - 1). */
static void test_aspiration(void **state) {
  (void)state;
  follows_curve(99, 30, "aspiration:e=3", poly3_left, false);
  follows_curve(98, 30, "aspiration:curve=exp,e=2", exp2_left, false);
}

/* The frequency model learns what a conceding opponent wants: over many
 * random scenarios, an agent with om=freq gives its opponent more, at the
 * same own utility, than one without; every offer still meets its
 * target. */
static void test_opponent_model(void **state) {
  (void)state;
  tu_rng r = {1234};
  double with = 0, without = 0;
  for (int round = 0; round < 200; round++) {
    pl_scenario *s = tu_random_scenario(&r, 2);
    for (int om = 0; om < 2; om++) {
      const char *agents[2] = {om ? "boulware:om=freq,w=0.1" : "boulware",
                               "linear"};
      pl_session *x = run(s, agents, 30);
      for (size_t k = 0; k < pl_session_event_count(x); k++) {
        const pl_event *e = pl_session_event(x, k);
        if (e->kind == PL_EVENT_OFFER && e->party == 0)
          *(om ? &with : &without) += e->utilities[1];
      }
      pl_session_free(x);
    }
    pl_scenario_free(s);
  }
  printf("opponent's utility of the offers: %.2f with the model, %.2f "
         "without\n", with, without);
  assert_true(with > without);
}

static double virtual_clock(void *ctx) {
  double *now = ctx;
  return *now += 0.01; /* every reading is 10 ms later */
}

/* Wall-time deadlines, on a virtual clock: time is the clock's share of
 * the limit, the negotiation ends by timeout when it is spent, and the
 * rounds deadline still applies when it comes first. */
static void test_time_limit(void **state) {
  (void)state;
  pl_scenario *s = opposed(101);
  const char *agents[2] = {"hardliner", "hardliner"};
  for (int both = 0; both < 2; both++) {
    double now = 0;
    pl_session_options o;
    pl_session_options_init(&o);
    o.rounds = both ? 20 : 0;
    o.time_limit = 1; /* 100 readings */
    o.clock = virtual_clock;
    o.clock_ctx = &now;
    pl_session *x;
    pl_error err;
    assert_int_equal(pl_session_new(s, &o, agents, &x, &err), PL_OK);
    int steps = 0;
    while (pl_session_step(x) == PL_SESSION_RUNNING) steps++;
    if (both) { /* 40 turns, well inside the second */
      assert_int_equal(pl_session_end(x), PL_END_DEADLINE);
      assert_int_equal(steps, 39);
    } else {
      assert_int_equal(pl_session_end(x), PL_END_TIMEOUT);
      assert_int_equal(steps, 100); /* readings 0.00 .. 0.99 s */
      for (size_t k = 0; k + 1 < pl_session_event_count(x); k++)
        assert_double_near(pl_session_event(x, k)->time, 0.01 * (double)k,
                           1e-9);
    }
    assert_double_near(pl_session_time(x), 1.0, 1e-12);
    pl_session_free(x);
  }
  /* a linear agent concedes on the wall clock */
  double now = 0;
  pl_session_options o;
  pl_session_options_init(&o);
  o.rounds = 0;
  o.time_limit = 0.5;
  o.clock = virtual_clock;
  o.clock_ctx = &now;
  const char *lin[2] = {"linear", "hardliner"};
  pl_session *x;
  pl_error err;
  assert_int_equal(pl_session_new(s, &o, lin, &x, &err), PL_OK);
  while (pl_session_step(x) == PL_SESSION_RUNNING) {
  }
  for (size_t k = 0; k < pl_session_event_count(x); k++) {
    const pl_event *e = pl_session_event(x, k);
    if (e->kind == PL_EVENT_OFFER && e->party == 0)
      assert_true(e->utilities[0] >= 1 - e->time - 1e-9 &&
                  e->utilities[0] < 1 - e->time + 0.01 + 1e-9);
  }
  pl_session_free(x);
  /* the event limit ends a run that would fill the memory */
  o.clock = NULL;
  o.time_limit = 3600;
  o.max_events = 1000;
  const char *hard[2] = {"hardliner", "hardliner"};
  assert_int_equal(pl_session_new(s, &o, hard, &x, &err), PL_OK);
  while (pl_session_step(x) == PL_SESSION_RUNNING) {
  }
  assert_int_equal(pl_session_end(x), PL_END_EVENT_LIMIT);
  assert_true(pl_session_event_count(x) <= 1000);
  assert_string_equal(pl_end_name(PL_END_EVENT_LIMIT), "event_limit");
  pl_session_free(x);
  /* bad limits */
  o.time_limit = -1;
  assert_int_equal(pl_session_new(s, &o, lin, &x, &err), PL_ERANGE);
  o.time_limit = 0;
  assert_int_equal(pl_session_new(s, &o, lin, &x, &err), PL_ERANGE);
  pl_scenario_free(s);
}

/* Payoffs: U d^t at the agreement's time, rv d^t without one. */
static void test_discount(void **state) {
  (void)state;
  pl_scenario *s = pl_scenario_new("discounted");
  tu_issue_n(s, "x", 11);
  int a = tu_party(s, "a", 0.2), b = tu_party(s, "b", 0.3);
  for (uint32_t k = 0; k < 11; k++) {
    TU_OK(pl_scenario_set_value(s, a, 0, k, k / 10.0, NULL));
    TU_OK(pl_scenario_set_value(s, b, 0, k, (10 - k) / 10.0, NULL));
  }
  tu_weight(s, a, 0, 1);
  tu_weight(s, b, 0, 1);
  TU_OK(pl_scenario_set_discount(s, a, 0.5, NULL));
  tu_finish(s);
  const char *agents[2] = {"linear", "linear"};
  pl_session *x = run(s, agents, 10);
  assert_int_equal(pl_session_end(x), PL_END_AGREEMENT);
  double t = pl_session_time(x);
  assert_true(t > 0 && t < 1);
  const pl_point *agr = pl_session_agreement(x);
  assert_double_near(pl_session_payoff(x, 0), agr->utilities[0] * pow(0.5, t),
                     1e-12);
  assert_double_near(pl_session_payoff(x, 1), agr->utilities[1], 1e-12);
  pl_session_free(x);
  const char *hard[2] = {"hardliner", "hardliner"};
  x = run(s, hard, 5);
  assert_int_equal(pl_session_end(x), PL_END_DEADLINE);
  assert_double_near(pl_session_payoff(x, 0), 0.2 * 0.5, 1e-12);
  assert_double_near(pl_session_payoff(x, 1), 0.3, 1e-12);
  pl_session_free(x);
  pl_scenario_free(s);
}

/* Every transcript line is a JSON object with the documented keys, under
 * every protocol. */
static void test_transcript_schema(void **state) {
  (void)state;
  pl_scenario *s = tu_load("examples/security-talks.yaml");
  const int np = pl_scenario_party_count(s), ni = pl_scenario_issue_count(s);
  for (int pr = PL_PROTOCOL_SAOP; pr <= PL_PROTOCOL_MEDIATED; pr++) {
    g_protocol = (pl_protocol)pr;
    g_partial = 1;
    const char *agents[3] = {"boulware", "conceder", "linear:om=freq"};
    pl_session *x = run(s, agents, 4);
    char *t = pl_session_transcript(x);
    size_t lines = 0;
    for (char *line = t, *nl; *line; line = nl + 1) {
      nl = strchr(line, '\n');
      assert_non_null(nl);
      json_error_t je;
      json_t *o = json_loadb(line, (size_t)(nl - line), 0, &je);
      if (!o) fail_msg("line %zu: %s", lines + 1, je.text);
      const char *ev = json_string_value(json_object_get(o, "event"));
      assert_non_null(ev);
      assert_true(json_is_integer(json_object_get(o, "round")));
      double tm = json_real_value(json_object_get(o, "time"));
      assert_true(tm >= 0 && tm <= 1);
      json_t *party = json_object_get(o, "party");
      assert_true(json_is_string(party) || json_is_null(party));
      json_t *oc = json_object_get(o, "outcome");
      json_t *u = json_object_get(o, "utilities");
      if (strcmp(ev, "end")) {
        assert_int_equal(json_object_size(oc), ni);
        assert_int_equal(json_array_size(u), np);
      } else {
        assert_string_equal(json_string_value(json_object_get(o, "reason")),
                            pl_end_name(pl_session_end(x)));
      }
      if (!strcmp(ev, "comment"))
        assert_true(json_array_size(json_object_get(o, "rejects")) > 0);
      json_decref(o);
      lines++;
    }
    assert_int_equal(lines, pl_session_event_count(x));
    pl_free(t);
    /* the drafted text with --partial: the articles on which the parties
     * agree are blocked by Russia's linkage ("nothing is agreed until
     * everything is agreed") */
    if (pr == PL_PROTOCOL_TEXT) {
      assert_int_equal(pl_session_end(x), PL_END_DEADLINE);
      const pl_blocker *b;
      assert_int_equal(pl_session_partial_blockers(x, &b), 1);
      assert_string_equal(pl_scenario_red_line_id(s, b[0].red_line),
                          "package_deal");
    }
    pl_session_free(x);
  }
  g_protocol = PL_PROTOCOL_SAOP;
  g_partial = 0;
  pl_scenario_free(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_random_rules),
      cmocka_unit_test(test_random_rules_text),
      cmocka_unit_test(test_linear_concession),
      cmocka_unit_test(test_linear_concession_search),
      cmocka_unit_test(test_examples),
      cmocka_unit_test(test_session_run),
      cmocka_unit_test(test_spare_events),
      cmocka_unit_test(test_micro_pace),
      cmocka_unit_test(test_tit_for_tat),
      cmocka_unit_test(test_mediated),
      cmocka_unit_test(test_random_seed),
      cmocka_unit_test(test_acceptance),
      cmocka_unit_test(test_hyper_pool),
      cmocka_unit_test(test_aspiration),
      cmocka_unit_test(test_opponent_model),
      cmocka_unit_test(test_time_limit),
      cmocka_unit_test(test_discount),
      cmocka_unit_test(test_transcript_schema),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
