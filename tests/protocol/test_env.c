/* The stepped negotiation (include/parley/env.h): an episode stepped
 * through pl_env_step is the negotiation pl_session_run makes with the same
 * choices as an agent table (byte-identical transcripts, same payoffs);
 * invalid actions fail the negotiation naming the learner; calls out of
 * turn are refused without change; seeds decide, resets start afresh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdbool.h>
#include <string.h>

#include "testutil.h"

static pl_scenario *load_rel(const char *const *rel, size_t n) {
  const char *src = getenv("PL_SOURCE_DIR");
  char buf[3][1024];
  const char *paths[3];
  for (size_t k = 0; k < n; k++) {
    snprintf(buf[k], sizeof buf[k], "%s/%s", src ? src : ".", rel[k]);
    paths[k] = buf[k];
  }
  pl_scenario *s = NULL;
  pl_error err;
  if (pl_scenario_load_inputs(paths, n, NULL, &s, &err))
    fail_msg("%s: %s", paths[0], err.message);
  return s;
}

/* examples/job-offer.yaml: the candidate (party 0) has a red line
 * salary >= 70 (option 0 of issue 0 is 60) and reservation 0.4. */
static pl_scenario *job_offer(void) {
  const char *rel[] = {"examples/job-offer.yaml"};
  return load_rel(rel, 1);
}

static pl_scenario *itex(void) {
  const char *rel[] = {
      "tests/data/agents/domains/ItexvsCypress/ItexvsCypress_domain.xml",
      "tests/data/agents/domains/ItexvsCypress/ItexvsCypress_Itex.xml",
      "tests/data/agents/domains/ItexvsCypress/ItexvsCypress_Cypress.xml"};
  return load_rel(rel, 3);
}

/* ---- a policy both ways: as the learner's choices and as a table ---- */

/* The outcomes the party allows (red lines, reservation), best first. */
typedef struct policy {
  const pl_scenario *s;
  int party, ni;
  uint32_t allowed[4096][16];
  size_t n;
} policy;

static int allows(const pl_scenario *s, int p, const uint32_t *o) {
  if (pl_scenario_utility(s, p, o) <
      pl_scenario_reservation(s, p) - PL_TOLERANCE)
    return 0;
  for (int r = 0; r < pl_scenario_red_line_count(s); r++)
    if (pl_scenario_red_line_party(s, r) == p &&
        !pl_scenario_red_line_holds(s, r, o))
      return 0;
  return 1;
}

static policy *policy_new(const pl_scenario *s, int party) {
  policy *pol = calloc(1, sizeof *pol);
  assert_non_null(pol);
  pol->s = s;
  pol->party = party;
  pol->ni = pl_scenario_issue_count(s);
  assert_true(pol->ni <= 16);
  uint64_t n;
  assert_int_equal(pl_scenario_outcome_count(s, &n), PL_OK);
  uint32_t o[16];
  for (uint64_t k = 0; k < n && pol->n < 4096; k++) {
    pl_scenario_decode(s, k, o);
    if (!allows(s, party, o)) continue;
    /* insertion, best first */
    double u = pl_scenario_utility(s, party, o);
    size_t at = pol->n++;
    while (at > 0 && pl_scenario_utility(s, party, pol->allowed[at - 1]) < u) {
      memcpy(pol->allowed[at], pol->allowed[at - 1], sizeof o);
      at--;
    }
    memcpy(pol->allowed[at], o, sizeof o);
  }
  assert_true(pol->n > 0);
  return pol;
}

/* Accepts an offer worth at least 1 - 0.6 t; else offers the k-th best
 * outcome it allows, conceding one outcome every third round. */
static bool policy_accepts(double t, double u) {
  return u >= 1 - 0.6 * t;
}
static const uint32_t *policy_offer(const policy *pol, int round) {
  size_t k = (size_t)round / 3;
  return pol->allowed[k < pol->n ? k : pol->n - 1];
}

static void *t_create(const pl_agent_setup *su) { return su->ctx; }
static int t_propose(void *ag, const pl_agent_turn *tu, uint32_t *o) {
  policy *pol = ag;
  memcpy(o, policy_offer(pol, tu->round), (size_t)pol->ni * sizeof *o);
  return 0;
}
static int t_respond(void *ag, const pl_agent_turn *tu, const uint32_t *o) {
  policy *pol = ag;
  return policy_accepts(tu->time,
                        pl_scenario_utility(pol->s, pol->party, o))
             ? PL_AGENT_ACCEPT
             : PL_AGENT_REJECT;
}
static const pl_agent_api TABLE = {.abi_version = PL_AGENT_ABI_VERSION,
                                   .struct_size = sizeof(pl_agent_api),
                                   .create2 = t_create,
                                   .propose2 = t_propose,
                                   .respond2 = t_respond};

/* The episode stepped by the policy; its transcript (pl_free it). */
static char *stepped(pl_env *e, const policy *pol, uint64_t seed,
                     double *payoff, int *steps) {
  const pl_observation *ob;
  pl_error err;
  if (pl_env_reset(e, seed, &ob, &err)) fail_msg("reset: %s", err.message);
  double reward = 0;
  *steps = 0;
  while (!ob->done) {
    assert_int_equal(ob->end, PL_END_RUNNING);
    assert_double_near(ob->payoff, 0, 0);
    pl_action a = {PL_ACTION_OFFER, policy_offer(pol, ob->round)};
    if (ob->offer) {
      assert_utility(ob->offer_utility,
                     pl_scenario_utility(pol->s, pol->party, ob->offer));
      if (policy_accepts(ob->time, ob->offer_utility))
        a = (pl_action){PL_ACTION_ACCEPT, NULL};
    }
    if (pl_env_step(e, &a, &ob, &reward, &err))
      fail_msg("step: %s", err.message);
    if (!ob->done) assert_double_near(reward, 0, 0);
    ++*steps;
    assert_true(*steps <= 2000);
  }
  assert_double_near(reward, ob->payoff, 0);
  const pl_session *x = pl_env_session(e);
  *payoff = pl_session_payoff(x, pl_env_party(e));
  assert_double_near(ob->payoff, *payoff, 0);
  assert_int_equal(ob->end, pl_session_end(x));
  assert_int_equal(ob->round, pl_session_rounds(x));
  char *tr = pl_session_transcript(x);
  assert_non_null(tr);
  return tr;
}

/* The same negotiation by pl_session_run with the policy as a table. */
static char *direct(const pl_scenario *s, policy *pol, const char *opponent,
                    int rounds, uint64_t seed, double *payoff) {
  pl_agent_registry *reg;
  pl_error err;
  TU_OK(pl_agent_registry_new(&reg, &err));
  TU_OK(pl_agent_registry_add(reg, "policy", &TABLE, pol, &err));
  pl_session_options o;
  pl_session_options_init(&o);
  o.rounds = rounds;
  o.seed = seed;
  o.registry = reg;
  const char *agents[2] = {opponent, opponent};
  agents[pol->party] = "policy";
  pl_session *x;
  if (pl_session_new(s, &o, agents, &x, &err)) fail_msg("%s", err.message);
  assert_int_equal(pl_session_run(x), PL_SESSION_DONE);
  *payoff = pl_session_payoff(x, pol->party);
  char *tr = pl_session_transcript(x);
  assert_non_null(tr);
  pl_session_free(x);
  pl_agent_registry_free(reg);
  return tr;
}

static void test_same_as_session(void **state) {
  (void)state;
  pl_scenario *scen[2] = {itex(), job_offer()};
  static const char *const opponents[] = {
      "boulware", "conceder", "random", "hardheaded", "tit-for-tat",
      "agentk", "micro", "linear:om=freq"};
  int total = 0, ends[9] = {0};
  for (int si = 0; si < 2; si++) {
    const pl_scenario *s = scen[si];
    for (int party = 0; party < 2; party++) {
      policy *pol = policy_new(s, party);
      for (size_t k = 0; k < sizeof opponents / sizeof *opponents; k++) {
        for (int rounds = 10; rounds <= 200; rounds *= 20) {
          pl_session_options o;
          pl_session_options_init(&o);
          o.rounds = rounds;
          pl_env *e;
          pl_error err;
          TU_OK(pl_env_new(s, &o, party, opponents[k], &e, &err));
          for (uint64_t seed = 0; seed < 3; seed++) {
            double pa, pb;
            int steps;
            char *a = stepped(e, pol, seed, &pa, &steps);
            char *b = direct(s, pol, opponents[k], rounds, seed, &pb);
            if (strcmp(a, b))
              fail_msg("%s, party %d, %s, %d rounds, seed %d: the stepped "
                       "transcript differs:\n%s\n---\n%s",
                       si ? "job-offer" : "itex", party, opponents[k],
                       rounds, (int)seed, a, b);
            assert_double_near(pa, pb, 0);
            ends[pl_session_end(pl_env_session(e))]++;
            total++;
            pl_free(a);
            pl_free(b);
          }
          pl_env_free(e);
        }
      }
      free(pol);
    }
    pl_scenario_free(scen[si]);
  }
  assert_int_equal(total, 2 * 2 * 8 * 2 * 3);
  /* the cases cover agreements both ways and deadlines */
  assert_true(ends[PL_END_AGREEMENT] > 0);
  assert_true(ends[PL_END_DEADLINE] > 0);
}

/* An episode where the opponent opens: reset stops at the learner's first
 * turn with the opponent's offer to see. */
static void test_reset_observation(void **state) {
  (void)state;
  pl_scenario *s = job_offer();
  pl_env *e;
  pl_error err;
  pl_session_options o;
  pl_session_options_init(&o);
  o.rounds = 10;
  TU_OK(pl_env_new(s, &o, 1, "hardliner", &e, &err));
  assert_non_null(pl_env_observation(e));
  assert_null(pl_env_session(e));
  const pl_observation *ob;
  TU_OK(pl_env_reset(e, 0, &ob, &err));
  assert_false(ob->done);
  assert_int_equal(ob->round, 1);
  assert_double_near(ob->time, 0.5 / 10, 1e-12);
  assert_non_null(ob->offer);
  const pl_event *ev = pl_session_event(pl_env_session(e), 0);
  assert_memory_equal(ob->offer, ev->options, 3 * sizeof *ob->offer);
  assert_utility(ob->offer_utility, ev->utilities[1]);
  assert_int_equal(pl_session_event_count(pl_env_session(e)), 1);
  /* walking out ends it, naming the learner */
  double reward = -1;
  pl_action end = {PL_ACTION_END, NULL};
  TU_OK(pl_env_step(e, &end, &ob, &reward, &err));
  assert_true(ob->done);
  assert_int_equal(ob->end, PL_END_WALKOUT);
  assert_int_equal(pl_session_failed_party(pl_env_session(e)), 1);
  assert_double_near(reward, pl_scenario_reservation(s, 1), 1e-12);
  /* the learner opening: no offer to see yet */
  pl_env_free(e);
  TU_OK(pl_env_new(s, &o, 0, "hardliner", &e, &err));
  TU_OK(pl_env_reset(e, 0, &ob, &err));
  assert_null(ob->offer);
  assert_double_near(ob->offer_utility, 0, 0);
  assert_double_near(ob->time, 0, 0);
  pl_env_free(e);
  pl_scenario_free(s);
}

/* The failure after an invalid action: ended, naming the learner's party
 * and why, the reward its reservation value. */
static void expect_failure(pl_env *e, const pl_scenario *s,
                           const pl_action *a, const char *why) {
  const pl_observation *ob;
  pl_error err;
  double reward = -1;
  TU_OK(pl_env_step(e, a, &ob, &reward, &err));
  const pl_session *x = pl_env_session(e);
  assert_true(ob->done);
  assert_int_equal(ob->end, PL_END_FAILURE);
  assert_int_equal(pl_session_failed_party(x), pl_env_party(e));
  char want[256];
  snprintf(want, sizeof want, "party %s: %s",
           pl_scenario_party_id(s, pl_env_party(e)), why);
  if (!strstr(pl_session_failure(x), want))
    fail_msg("failure \"%s\", expected \"%s\"", pl_session_failure(x), want);
  assert_double_near(reward, pl_scenario_reservation(s, pl_env_party(e)),
                     1e-12);
  assert_double_near(ob->payoff, reward, 0);
  /* and then it is over */
  pl_action offer = {PL_ACTION_OFFER, (const uint32_t[]){1, 1, 0}};
  assert_rc(pl_env_step(e, &offer, &ob, &reward, &err), PL_ESTATE);
  assert_non_null(strstr(err.message, "reset"));
  assert_double_near(reward, 0, 0);
}

static void test_invalid_actions(void **state) {
  (void)state;
  pl_scenario *s = job_offer();
  pl_env *e;
  pl_error err;
  const pl_observation *ob;
  double reward;
  TU_OK(pl_env_new(s, NULL, 0, NULL, &e, &err)); /* boulware */
  pl_action ok = {PL_ACTION_OFFER, (const uint32_t[]){2, 1, 0}};
  /* before a reset */
  assert_rc(pl_env_step(e, &ok, &ob, &reward, &err), PL_ESTATE);
  assert_non_null(strstr(err.message, "reset"));
  TU_OK(pl_env_reset(e, 1, &ob, &err));
  /* refused without change: unknown kind, an offer without options */
  pl_action bad = {(pl_action_kind)7, NULL};
  assert_rc(pl_env_step(e, &bad, &ob, &reward, &err), PL_EINVAL);
  assert_rc(pl_env_step(e, NULL, &ob, &reward, &err), PL_EINVAL);
  pl_action none = {PL_ACTION_OFFER, NULL};
  assert_rc(pl_env_step(e, &none, &ob, &reward, &err), PL_EINVAL);
  assert_false(ob->done);
  assert_int_equal(pl_session_event_count(pl_env_session(e)), 0);
  /* accept with nothing to accept (the learner opens) */
  pl_action acc = {PL_ACTION_ACCEPT, NULL};
  expect_failure(e, s, &acc, "it accepted with no offer to accept");
  /* an option out of range */
  TU_OK(pl_env_reset(e, 1, &ob, &err));
  pl_action range = {PL_ACTION_OFFER, (const uint32_t[]){2, 3, 0}};
  expect_failure(e, s, &range,
                 "its offer has option 3 on issue \"remote\", which has 3");
  /* its red line: salary 60 */
  TU_OK(pl_env_reset(e, 1, &ob, &err));
  pl_action red = {PL_ACTION_OFFER, (const uint32_t[]){0, 2, 1}};
  expect_failure(e, s, &red, "its offer breaks its red line \"salary_floor\"");
  /* below its reservation: 70/0/june is worth 0.31 < 0.4 */
  TU_OK(pl_env_reset(e, 1, &ob, &err));
  pl_action low = {PL_ACTION_OFFER, (const uint32_t[]){1, 0, 0}};
  expect_failure(e, s, &low, "its offer gives it 0.31, below its reservation");
  /* accepting an offer below its reservation: boulware's employer opens
   * with 60/0/june (0 for the candidate, whose red line it breaks too) */
  pl_env_free(e);
  TU_OK(pl_env_new(s, NULL, 0, "hardliner", &e, &err));
  TU_OK(pl_env_reset(e, 1, &ob, &err));
  TU_OK(pl_env_step(e, &ok, &ob, &reward, &err));
  assert_non_null(ob->offer);
  assert_true(ob->offer_utility < 0.4);
  expect_failure(e, s, &acc, "its acceptance");
  pl_env_free(e);
  /* environments that cannot be made */
  pl_env *none_e = (pl_env *)1;
  assert_rc(pl_env_new(s, NULL, 2, "boulware", &none_e, &err), PL_ENOTFOUND);
  assert_null(none_e);
  assert_rc(pl_env_new(s, NULL, -1, "boulware", &none_e, &err),
            PL_ENOTFOUND);
  assert_rc(pl_env_new(s, NULL, 0, "parley.learner:x", &none_e, &err),
            PL_EINVAL);
  pl_session_options o;
  pl_session_options_init(&o);
  o.protocol = PL_PROTOCOL_TEXT;
  assert_rc(pl_env_new(s, &o, 0, "boulware", &none_e, &err),
            PL_EUNSUPPORTED);
  /* an unknown opponent: the reset says so, the environment stays usable */
  TU_OK(pl_env_new(s, NULL, 0, "no-such-agent", &e, &err));
  assert_rc(pl_env_reset(e, 0, &ob, &err), PL_ENOTFOUND);
  assert_non_null(strstr(err.message, "no-such-agent"));
  assert_null(pl_env_session(e));
  assert_rc(pl_env_step(e, &ok, &ob, &reward, &err), PL_ESTATE);
  pl_env_free(e);
  pl_scenario_free(s);
}

/* The seed decides (a random opponent); a reset in the middle of an
 * episode starts the same negotiation as a fresh environment. */
static void test_seeds_and_resets(void **state) {
  (void)state;
  pl_scenario *s = itex();
  policy *pol = policy_new(s, 0);
  pl_session_options o;
  pl_session_options_init(&o);
  o.rounds = 50;
  pl_env *e, *f;
  pl_error err;
  TU_OK(pl_env_new(s, &o, 0, "random", &e, &err));
  TU_OK(pl_env_new(s, &o, 0, "random", &f, &err));
  double pa, pb;
  int steps;
  char *a1 = stepped(e, pol, 7, &pa, &steps);
  char *b1 = stepped(f, pol, 7, &pb, &steps);
  assert_string_equal(a1, b1);
  int differ = 0;
  for (uint64_t seed = 8; seed < 12; seed++) {
    char *c = stepped(f, pol, seed, &pb, &steps);
    differ += strcmp(a1, c) != 0;
    pl_free(c);
  }
  assert_true(differ > 0);
  /* a reset mid-episode (against boulware, which does not accept the
   * learner's first offers) */
  pl_env_free(e);
  TU_OK(pl_env_new(s, &o, 0, "boulware", &e, &err));
  pl_free(a1);
  a1 = stepped(e, pol, 7, &pa, &steps);
  const pl_observation *ob;
  double reward;
  TU_OK(pl_env_reset(e, 3, &ob, &err));
  for (int k = 0; k < 5 && !ob->done; k++) {
    pl_action a = {PL_ACTION_OFFER, pol->allowed[k]};
    TU_OK(pl_env_step(e, &a, &ob, &reward, &err));
  }
  assert_false(ob->done);
  char *a2 = stepped(e, pol, 7, &pa, &steps);
  assert_string_equal(a1, a2);
  pl_free(a1);
  pl_free(b1);
  pl_free(a2);
  pl_env_free(e);
  pl_env_free(f);
  free(pol);
  pl_scenario_free(s);
}

/* The caller's registry: its opponents are found, the learner's seat
 * added to a copy (the caller's registry is not changed). */
static void test_registry(void **state) {
  (void)state;
  pl_scenario *s = job_offer();
  policy *pol = policy_new(s, 1);
  pl_agent_registry *reg;
  pl_error err;
  TU_OK(pl_agent_registry_new(&reg, &err));
  TU_OK(pl_agent_registry_add(reg, "policy", &TABLE, pol, &err));
  pl_session_options o;
  pl_session_options_init(&o);
  o.registry = reg;
  o.rounds = 20;
  pl_env *e;
  TU_OK(pl_env_new(s, &o, 0, "policy", &e, &err));
  const pl_observation *ob;
  TU_OK(pl_env_reset(e, 0, &ob, &err));
  double reward;
  int steps = 0;
  while (!ob->done && steps++ < 100) {
    pl_action a = {PL_ACTION_OFFER, (const uint32_t[]){1, 1, 0}};
    TU_OK(pl_env_step(e, &a, &ob, &reward, &err));
  }
  assert_true(ob->done);
  assert_int_equal(ob->end, PL_END_AGREEMENT); /* 70/1/june suits both */
  pl_env_free(e);
  /* the caller's registry has no learner */
  const char *agents[2] = {"parley.learner", "boulware"};
  pl_session *x;
  assert_rc(pl_session_new(s, &o, agents, &x, &err), PL_ENOTFOUND);
  pl_agent_registry_free(reg);
  free(pol);
  pl_scenario_free(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_same_as_session),
      cmocka_unit_test(test_reset_observation),
      cmocka_unit_test(test_invalid_actions),
      cmocka_unit_test(test_seeds_and_resets),
      cmocka_unit_test(test_registry),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
