/* Agents from outside the library (include/parley/agents.h): the version-2
 * table through a registry -- waiting answers, per-article comments,
 * votes, events, failures named and explained -- and version-1 tables
 * still loading. The external-process agents are tested end to end by
 * tests/agents/run_ext.sh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdbool.h>
#include <string.h>

#include "testutil.h"

/* examples/job-offer.yaml, inline: salary 60/70/80, remote 0/1/2, start
 * june/september; the candidate's red line: salary >= 70. */
static const char YAML[] =
    "scenario: job\n"
    "issues:\n"
    "  - {id: salary, type: integer, min: 60, max: 80, step: 10}\n"
    "  - {id: remote, type: integer, min: 0, max: 2}\n"
    "  - {id: start, options: [june, september]}\n"
    "status_quo: {salary: 60, remote: 0, start: june}\n"
    "parties:\n"
    "  - id: candidate\n"
    "    reservation: 0.4\n"
    "    weights: {salary: 0.5, remote: 0.3, start: 0.2}\n"
    "    values: {salary: increasing, remote: increasing,\n"
    "             start: {june: 0.3, september: 1}}\n"
    "    red_lines:\n"
    "      - {id: floor, rule: {issue: salary, min: 70}}\n"
    "  - id: employer\n"
    "    reservation: 0.3\n"
    "    weights: {salary: 0.6, remote: 0.1, start: 0.3}\n"
    "    values: {salary: decreasing, remote: decreasing,\n"
    "             start: {june: 1, september: 0}}\n";

/* A scripted agent: what it answers is set by the test. */
typedef struct script {
  int waits;           /* PL_AGENT_WAIT this many times first */
  uint32_t offer[3];   /* what it proposes */
  int respond;         /* its answer to offers */
  int vote;            /* its vote */
  int comment_issue;   /* the article it rejects, -1: none */
  uint32_t comment_option;
  int events, ended;   /* events seen, and the end (last) */
  int rounds_seen;     /* the round of its last turn */
  size_t history;      /* events in the session at its last turn */
  int fail_create;
} script;

static script g;

static void *create2(const pl_agent_setup *su) {
  assert_non_null(su->session);
  assert_int_equal(su->party, 0);
  if (g.fail_create) {
    snprintf(su->error, su->error_size, "no licence for this scenario");
    return NULL;
  }
  return &g;
}

static bool wait_first(script *a) {
  if (a->waits <= 0) return false;
  a->waits--;
  return true;
}

static void saw(script *a, const pl_agent_turn *t) {
  a->rounds_seen = t->round;
  a->history = pl_session_event_count(t->session);
}

static int propose2(void *agent, const pl_agent_turn *t, uint32_t *o) {
  script *a = agent;
  if (wait_first(a)) return PL_AGENT_WAIT;
  saw(a, t);
  memcpy(o, a->offer, sizeof a->offer);
  return 0;
}

static int respond2(void *agent, const pl_agent_turn *t, const uint32_t *o) {
  (void)o;
  script *a = agent;
  if (wait_first(a)) return PL_AGENT_WAIT;
  saw(a, t);
  return a->respond;
}

static int comment(void *agent, const pl_agent_turn *t, const uint32_t *draft,
                   uint32_t *want) {
  (void)draft;
  script *a = agent;
  saw(a, t);
  if (a->comment_issue >= 0) want[a->comment_issue] = a->comment_option;
  return 0;
}

static int vote(void *agent, const pl_agent_turn *t, const uint32_t *cur,
                const uint32_t *prop) {
  (void)cur;
  (void)prop;
  script *a = agent;
  saw(a, t);
  return a->vote;
}

static void event(void *agent, const pl_session *x, const pl_event *e) {
  script *a = agent;
  assert_int_equal(a->ended, 0); /* nothing after the end */
  a->events++;
  assert_ptr_equal(e, pl_session_event(x, pl_session_event_count(x) - 1));
  if (e->kind == PL_EVENT_END) a->ended = 1;
}

static const char *error_fn(void *agent) {
  (void)agent;
  return "it lost its train of thought";
}

static void destroy(void *agent) { (void)agent; }

static const pl_agent_api V2 = {
    .abi_version = PL_AGENT_ABI_VERSION,
    .struct_size = sizeof(pl_agent_api),
    .destroy = destroy,
    .create2 = create2,
    .propose2 = propose2,
    .respond2 = respond2,
    .comment = comment,
    .vote = vote,
    .event = event,
    .error = error_fn,
};

/* A version-1 table, as built before version 2. */
static void *create1(const pl_scenario *s, int party, const char *params,
                     uint64_t seed) {
  (void)s, (void)party, (void)params, (void)seed;
  return &g;
}
static int propose1(void *agent, double t, uint32_t *o) {
  (void)t;
  memcpy(o, ((script *)agent)->offer, sizeof g.offer);
  return 0;
}
static int respond1(void *agent, double t, const uint32_t *o) {
  (void)t, (void)o;
  return ((script *)agent)->respond;
}
static const pl_agent_api V1 = {.abi_version = 1,
                                .struct_size = PL_AGENT_API_V1_SIZE,
                                .create = create1,
                                .propose = propose1,
                                .respond = respond1};

static pl_scenario *job(void) {
  pl_scenario *s = NULL;
  pl_error err;
  if (pl_scenario_load_yaml(YAML, sizeof YAML - 1, "job.yaml", &s, &err))
    fail_msg("%s", err.message);
  return s;
}

static pl_session *session(const pl_scenario *s, pl_protocol pr,
                           const pl_agent_api *api, const char *other) {
  pl_agent_registry *r;
  pl_error err;
  assert_int_equal(pl_agent_registry_new(&r, &err), PL_OK);
  assert_int_equal(pl_agent_registry_add(r, "scripted", api, NULL, &err), 0);
  pl_session_options o;
  pl_session_options_init(&o);
  o.protocol = pr;
  o.rounds = 20;
  o.registry = r;
  const char *agents[] = {"scripted:x=1", other};
  pl_session *x = NULL;
  if (pl_session_new(s, &o, agents, &x, &err)) fail_msg("%s", err.message);
  pl_agent_registry_free(r); /* used at creation only */
  return x;
}

static void reset(void) {
  memset(&g, 0, sizeof g);
  g.offer[0] = 2; /* 80, 2 days, september: the candidate's best */
  g.offer[1] = 2;
  g.offer[2] = 1;
  g.respond = PL_AGENT_REJECT;
  g.comment_issue = -1;
}

static int run(pl_session *x) {
  int rc, steps = 0;
  while ((rc = pl_session_step(x)) == PL_SESSION_RUNNING ||
         rc == PL_SESSION_WAITING)
    assert_true(++steps < 10000);
  return rc;
}

/* WAIT: the step returns PL_SESSION_WAITING and changes nothing; the
 * same question comes again. */
static void test_wait(void **st) {
  (void)st;
  pl_scenario *s = job();
  reset();
  g.waits = 3;
  pl_session *x = session(s, PL_PROTOCOL_SAOP, &V2, "boulware");
  for (int k = 0; k < 3; k++) {
    assert_int_equal(pl_session_step(x), PL_SESSION_WAITING);
    assert_int_equal(pl_session_event_count(x), 0);
    assert_int_equal(pl_session_rounds(x), 1);
    assert_int_equal(pl_session_end(x), PL_END_RUNNING);
  }
  assert_int_equal(pl_session_step(x), PL_SESSION_RUNNING);
  assert_int_equal(pl_session_event_count(x), 1);
  assert_int_equal(pl_session_event(x, 0)->kind, PL_EVENT_OFFER);
  assert_int_equal(run(x), PL_SESSION_DONE);
  /* every event reached it, the end last */
  assert_int_equal(g.events, (int)pl_session_event_count(x));
  assert_int_equal(g.ended, 1);
  pl_session_free(x);
  pl_scenario_free(s);
}

/* A party that waits longer than the move limit fails. */
static void test_wait_limit(void **st) {
  (void)st;
  pl_scenario *s = job();
  reset();
  g.waits = 1 << 30;
  pl_agent_registry *r;
  assert_int_equal(pl_agent_registry_new(&r, NULL), PL_OK);
  assert_int_equal(pl_agent_registry_add(r, "scripted", &V2, NULL, NULL), 0);
  pl_session_options o;
  pl_session_options_init(&o);
  o.registry = r;
  o.move_limit = 1e-9;
  const char *agents[] = {"scripted", "boulware"};
  pl_session *x = NULL;
  assert_int_equal(pl_session_new(s, &o, agents, &x, NULL), PL_OK);
  assert_int_equal(run(x), PL_SESSION_DONE);
  assert_int_equal(pl_session_end(x), PL_END_FAILURE);
  assert_int_equal(pl_session_failed_party(x), 0);
  assert_non_null(strstr(pl_session_failure(x), "no answer to propose"));
  pl_session_free(x);
  pl_agent_registry_free(r);
  pl_scenario_free(s);
}

/* Offers breaking its red line or out of range, acceptances below its
 * reservation: failure naming the party and saying why. */
static void test_checked(void **st) {
  (void)st;
  pl_scenario *s = job();
  static const struct {
    uint32_t offer[3];
    int respond;
    const char *why;
  } cases[] = {
      {{0, 2, 1}, 0, "party candidate: its offer breaks its red line \"floor\""},
      {{1, 7, 1}, 0, "option 7 on issue \"remote\""},
      {{1, 0, 0}, 0, "below its reservation value 0.4"},
      {{2, 2, 1}, 5, "party candidate: it lost its train of thought"},
  };
  for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
    reset();
    memcpy(g.offer, cases[k].offer, sizeof g.offer);
    g.respond = cases[k].respond;
    pl_session *x = session(s, PL_PROTOCOL_SAOP, &V2, "hardliner");
    assert_int_equal(run(x), PL_SESSION_DONE);
    assert_int_equal(pl_session_end(x), PL_END_FAILURE);
    assert_int_equal(pl_session_failed_party(x), 0);
    if (!strstr(pl_session_failure(x), cases[k].why))
      fail_msg("case %zu: \"%s\" lacks \"%s\"", k, pl_session_failure(x),
               cases[k].why);
    char *j = pl_session_to_json(x, NULL);
    assert_non_null(strstr(j, "\"failure\""));
    pl_free(j);
    pl_session_free(x);
  }
  /* an acceptance below the reservation: the employer offers 60 */
  reset();
  g.respond = PL_AGENT_ACCEPT;
  pl_session *x = session(s, PL_PROTOCOL_SAOP, &V2, "hardliner");
  assert_int_equal(run(x), PL_SESSION_DONE);
  assert_int_equal(pl_session_end(x), PL_END_FAILURE);
  assert_non_null(strstr(pl_session_failure(x), "its acceptance"));
  pl_session_free(x);
  pl_scenario_free(s);
}

/* Single text: a comment on one article rejects that article only. */
static void test_comment(void **st) {
  (void)st;
  pl_scenario *s = job();
  reset();
  g.comment_issue = 0; /* salary 80 on the hardliner's 60/0/june */
  g.comment_option = 2;
  pl_session_options o;
  pl_session *x = NULL;
  pl_agent_registry *r;
  assert_int_equal(pl_agent_registry_new(&r, NULL), PL_OK);
  assert_int_equal(pl_agent_registry_add(r, "scripted", &V2, NULL, NULL), 0);
  pl_session_options_init(&o);
  o.protocol = PL_PROTOCOL_TEXT;
  o.drafter = 1;
  o.rounds = 3;
  o.registry = r;
  const char *agents[] = {"scripted", "hardliner"};
  assert_int_equal(pl_session_new(s, &o, agents, &x, NULL), PL_OK);
  assert_int_equal(run(x), PL_SESSION_DONE);
  int comments = 0;
  for (size_t k = 0; k < pl_session_event_count(x); k++) {
    const pl_event *e = pl_session_event(x, k);
    if (e->kind != PL_EVENT_COMMENT) continue;
    comments++;
    assert_int_equal(e->party, 0);
    assert_int_equal(e->rejects[0], 1);
    assert_int_equal(e->rejects[1], 0);
    assert_int_equal(e->rejects[2], 0);
    assert_int_equal(e->options[0], 2);
  }
  assert_int_equal(comments, 3);
  assert_int_equal(g.rounds_seen, 3);
  pl_session_free(x);
  pl_agent_registry_free(r);
  pl_scenario_free(s);
}

/* Mediated: its votes are recorded; a vote for a text breaking its red
 * line fails it. */
static void test_vote(void **st) {
  (void)st;
  pl_scenario *s = job();
  reset();
  g.vote = PL_AGENT_REJECT;
  pl_session *x = session(s, PL_PROTOCOL_MEDIATED, &V2, "boulware");
  assert_int_equal(run(x), PL_SESSION_DONE);
  int rejects = 0;
  for (size_t k = 0; k < pl_session_event_count(x); k++) {
    const pl_event *e = pl_session_event(x, k);
    if (e->party == 0) {
      assert_int_equal(e->kind, PL_EVENT_REJECT);
      rejects++;
    }
  }
  assert_int_equal(rejects, 20);
  assert_true(g.history > 0);
  pl_session_free(x);
  reset();
  g.vote = PL_AGENT_ACCEPT; /* the status quo (salary 60) breaks its floor */
  x = session(s, PL_PROTOCOL_MEDIATED, &V2, "boulware");
  assert_int_equal(run(x), PL_SESSION_DONE);
  assert_int_equal(pl_session_end(x), PL_END_FAILURE);
  assert_non_null(strstr(pl_session_failure(x), "vote for the proposal"));
  pl_session_free(x);
  pl_scenario_free(s);
}

/* create2 returning NULL: the negotiation fails at its first step, with
 * the agent's reason. */
static void test_create_fails(void **st) {
  (void)st;
  pl_scenario *s = job();
  reset();
  g.fail_create = 1;
  pl_session *x = session(s, PL_PROTOCOL_SAOP, &V2, "boulware");
  assert_int_equal(pl_session_step(x), PL_SESSION_DONE);
  assert_int_equal(pl_session_end(x), PL_END_FAILURE);
  assert_string_equal(pl_session_failure(x),
                      "party candidate: no licence for this scenario");
  char *t = pl_session_transcript(x);
  assert_non_null(strstr(t, "\"failure\":\"party candidate: no licence"));
  pl_free(t);
  pl_session_free(x);
  pl_scenario_free(s);
}

/* A version-1 table registered by name works as before. */
static void test_v1(void **st) {
  (void)st;
  pl_scenario *s = job();
  reset();
  g.offer[0] = 1; /* 70, 1 day, june: (0.49, 0.70) */
  g.offer[1] = 1;
  g.offer[2] = 0;
  g.respond = 0;
  pl_session *x = session(s, PL_PROTOCOL_SAOP, &V1, "conceder");
  assert_int_equal(run(x), PL_SESSION_DONE);
  assert_int_equal(pl_session_end(x), PL_END_AGREEMENT);
  assert_int_equal(pl_session_agreement(x)->options[0], 1);
  pl_session_free(x);
  pl_scenario_free(s);
}

static void test_registry(void **st) {
  (void)st;
  pl_agent_registry *r;
  pl_error err;
  assert_int_equal(pl_agent_registry_new(&r, &err), PL_OK);
  assert_int_equal(pl_agent_registry_add(r, "", &V2, NULL, &err), PL_EINVAL);
  assert_int_equal(pl_agent_registry_add(r, "a b", &V2, NULL, &err), PL_EINVAL);
  pl_agent_api bad = V2;
  bad.abi_version = 3;
  assert_int_equal(pl_agent_registry_add(r, "x", &bad, NULL, &err),
                   PL_EUNSUPPORTED);
  bad = V2;
  bad.propose2 = NULL;
  assert_int_equal(pl_agent_registry_add(r, "x", &bad, NULL, &err),
                   PL_EUNSUPPORTED);
  assert_int_equal(pl_agent_registry_add(r, "my-agent_2.0+", &V2, NULL, &err),
                   PL_OK);
  assert_int_equal(pl_agent_registry_add(r, "my-agent_2.0+", &V1, NULL, &err),
                   PL_OK); /* replaced */
  pl_agent_registry_free(r);
  /* ext needs its command */
  pl_scenario *s = job();
  const char *agents[] = {"ext:", "boulware"};
  pl_session *x = NULL;
  assert_int_equal(pl_session_new(s, NULL, agents, &x, &err), PL_EINVAL);
  assert_non_null(strstr(err.message, "needs a command"));
  pl_scenario_free(s);
}

/* Messages an agent logs are kept for the transcript, unless the options
 * drop them (drop_messages: no copy where nobody reads them). */
static void *logging_create(const pl_agent_setup *su) {
  if (su->log) su->log(su->log_ctx, su->party, 0, "{\"hello\":1}", 11);
  return &g;
}
static void test_drop_messages(void **st) {
  (void)st;
  pl_agent_api api = V2;
  api.create2 = logging_create;
  pl_agent_registry *r;
  pl_error err;
  assert_int_equal(pl_agent_registry_new(&r, &err), PL_OK);
  assert_int_equal(pl_agent_registry_add(r, "logs", &api, NULL, &err), 0);
  pl_scenario *s = job();
  for (int drop = 0; drop < 2; drop++) {
    reset();
    pl_session_options o;
    pl_session_options_init(&o);
    o.registry = r;
    o.drop_messages = drop;
    const char *agents[] = {"logs", "hardliner"};
    pl_session *x = NULL;
    assert_int_equal(pl_session_new(s, &o, agents, &x, &err), PL_OK);
    assert_int_equal(pl_session_message_count(x), drop ? 0 : 1);
    char *t = pl_session_transcript(x);
    assert_true((strstr(t, "hello") != NULL) == !drop);
    pl_free(t);
    pl_session_free(x);
  }
  pl_scenario_free(s);
  pl_agent_registry_free(r);
}

/* The checker (pl_agent_check_run) with a registered agent, in every
 * seat and protocol: an agent that keeps the rules passes; one that offers
 * what breaks its red line is reported, case by case. */
static void test_check(void **st) {
  (void)st;
  pl_agent_registry *r;
  pl_error err;
  assert_int_equal(pl_agent_registry_new(&r, &err), PL_OK);
  assert_int_equal(pl_agent_registry_add(r, "v1", &V1, NULL, &err), PL_OK);
  pl_agent_check_options o;
  pl_agent_check_options_init(&o);
  o.registry = r;
  pl_agent_check *c = NULL;
  reset();
  g.offer[1] = 1; /* 80, 1 day, june: within both sides' red lines */
  g.offer[2] = 0;
  assert_int_equal(pl_agent_check_run("v1", &o, &c, &err), PL_OK);
  assert_int_equal(pl_agent_check_count(c), 8);
  for (size_t k = 0; k < 8; k++)
    if (pl_agent_check_get(c, k)->violation)
      fail_msg("%s: %s", pl_agent_check_get(c, k)->name,
               pl_agent_check_get(c, k)->reason);
  assert_int_equal(pl_agent_check_violations(c), 0);
  assert_string_equal(pl_agent_check_get(c, 2)->ended_by, "walkout");
  assert_null(pl_agent_check_get(c, 8));
  pl_agent_check_free(c);
  reset();
  g.offer[0] = 0; /* 60: below the candidate's salary floor */
  assert_int_equal(pl_agent_check_run("v1", &o, &c, &err), PL_OK);
  const pl_agent_check_case *x = pl_agent_check_get(c, 0);
  assert_true(x->violation);
  assert_string_equal(x->ended_by, "failure");
  assert_string_equal(x->reason,
                      "its offer breaks its red line \"salary_floor\"");
  assert_string_equal(x->line, ""); /* not a wire agent: no lines */
  assert_true(pl_agent_check_violations(c) >= 3);
  pl_agent_check_free(c);
  /* an agent that cannot be named */
  assert_int_equal(pl_agent_check_run("nosuch", &o, &c, &err),
                   PL_ENOTFOUND);
  assert_null(c);
  assert_non_null(strstr(err.message, "unknown agent"));
  assert_int_equal(pl_agent_check_run("", NULL, &c, &err), PL_EINVAL);
  pl_agent_registry_free(r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_wait),          cmocka_unit_test(test_wait_limit),
      cmocka_unit_test(test_checked),       cmocka_unit_test(test_comment),
      cmocka_unit_test(test_vote),          cmocka_unit_test(test_create_fails),
      cmocka_unit_test(test_v1),            cmocka_unit_test(test_registry),
      cmocka_unit_test(test_check),         cmocka_unit_test(test_drop_messages),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
