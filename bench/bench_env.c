/* bench_env: negotiation steps per second through the C stepping API
 * (env.h), one core (docs/performance.md, "Stepping a negotiation").
 *
 * The learner (party 0) plays "offer my best outcome, accept an offer worth
 * at least 0.8 to me" against boulware on ItexvsCypress (../shared/data),
 * or on the copy bundled in tests/data/agents/domains when it is absent. A step
 * is one pl_env_step: the learner's action and the opponent's answer; every
 * pl_env_reset (a new negotiation, its agents built) is counted in the
 * time. The same negotiations are then run by pl_session_run with the
 * policy as a registered agent table, the engine without the stepping, and
 * both runs' hashes of payoffs and rounds must agree. Not a test. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "parley/parley.h"

static double cpu_now(void) {
  struct timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* The policy: its best outcome (found once), its acceptance threshold. */
typedef struct policy {
  uint32_t best[64];
  double threshold;
} policy;

static int find_best(const pl_scenario *s, int party, policy *pol) {
  uint64_t n;
  uint32_t o[64];
  if (pl_scenario_issue_count(s) > 64 ||
      pl_scenario_outcome_count(s, &n) != PL_OK)
    return -1;
  double best = -1;
  for (uint64_t k = 0; k < n; k++) {
    pl_scenario_decode(s, k, o);
    double u = pl_scenario_utility(s, party, o);
    if (u > best) {
      best = u;
      memcpy(pol->best, o, sizeof o);
    }
  }
  return 0;
}

/* The same policy as an agent table, for pl_session_run. */
typedef struct table_agent {
  const policy *pol;
  const pl_scenario *s;
  int party;
} table_agent;
static table_agent g_agent;
static void *t_create(const pl_agent_setup *su) {
  g_agent.pol = su->ctx;
  g_agent.s = su->scenario;
  g_agent.party = su->party;
  return &g_agent;
}
static int t_propose(void *ag, const pl_agent_turn *tu, uint32_t *o) {
  (void)tu;
  table_agent *a = ag;
  memcpy(o, a->pol->best,
         (size_t)pl_scenario_issue_count(a->s) * sizeof *o);
  return 0;
}
static int t_respond(void *ag, const pl_agent_turn *tu, const uint32_t *o) {
  (void)tu;
  table_agent *a = ag;
  return pl_scenario_utility(a->s, a->party, o) >= a->pol->threshold
             ? PL_AGENT_ACCEPT
             : PL_AGENT_REJECT;
}
static const pl_agent_api TABLE = {.abi_version = PL_AGENT_ABI_VERSION,
                                   .struct_size = sizeof(pl_agent_api),
                                   .create2 = t_create,
                                   .propose2 = t_propose,
                                   .respond2 = t_respond};

static uint64_t mix(uint64_t h, double v) {
  uint64_t bits;
  memcpy(&bits, &v, sizeof bits);
  return (h ^ bits) * 1099511628211ull;
}

static void bench(const char *name, const pl_scenario *s, int rounds,
                  int episodes) {
  policy pol = {.threshold = 0.8};
  if (find_best(s, 0, &pol)) {
    printf("%-14s skipped: too many outcomes for the policy's search\n",
           name);
    return;
  }
  pl_session_options o;
  pl_session_options_init(&o);
  o.rounds = rounds;
  pl_env *e;
  pl_error err;
  if (pl_env_new(s, &o, 0, "boulware", &e, &err)) {
    printf("%s: %s\n", name, err.message);
    return;
  }
  const pl_action offer = {PL_ACTION_OFFER, pol.best};
  const pl_action accept = {PL_ACTION_ACCEPT, NULL};
  uint64_t h = 1469598103934665603ull, steps = 0;
  int agreed = 0;
  double t0 = cpu_now();
  for (int k = 0; k < episodes; k++) {
    const pl_observation *ob;
    if (pl_env_reset(e, (uint64_t)k, &ob, &err)) {
      printf("%s: %s\n", name, err.message);
      break;
    }
    double reward = 0;
    while (!ob->done) {
      const pl_action *a =
          ob->offer && ob->offer_utility >= pol.threshold ? &accept : &offer;
      if (pl_env_step(e, a, &ob, &reward, &err)) {
        printf("%s: %s\n", name, err.message);
        return;
      }
      steps++;
    }
    agreed += ob->end == PL_END_AGREEMENT;
    h = mix(mix(h, reward), ob->round);
  }
  double t = cpu_now() - t0;
  pl_env_free(e);
  /* the same negotiations, the policy as a table in pl_session_run */
  pl_agent_registry *reg;
  if (pl_agent_registry_new(&reg, &err) ||
      pl_agent_registry_add(reg, "policy", &TABLE, &pol, &err)) {
    printf("%s: %s\n", name, err.message);
    return;
  }
  o.registry = reg;
  const char *agents[2] = {"policy", "boulware"};
  uint64_t h2 = 1469598103934665603ull;
  double t1 = cpu_now();
  for (int k = 0; k < episodes; k++) {
    pl_session *x;
    o.seed = (uint64_t)k;
    if (pl_session_new(s, &o, agents, &x, &err)) {
      printf("%s: %s\n", name, err.message);
      break;
    }
    pl_session_run(x);
    h2 = mix(mix(h2, pl_session_payoff(x, 0)), pl_session_rounds(x));
    pl_session_free(x);
  }
  double t2 = cpu_now() - t1;
  pl_agent_registry_free(reg);
  printf("%-14s %5d rounds %7d episodes %9llu steps  %10.0f steps/s  "
         "(%.0f ns/step)  agreed %d  hash %016llx\n",
         name, rounds, episodes, (unsigned long long)steps, steps / t,
         1e9 * t / (double)steps, agreed, (unsigned long long)h);
  printf("%-14s %5d rounds, pl_session_run, the policy as a table: "
         "%10.0f steps/s  %s\n",
         name, rounds, steps / t2,
         h == h2 ? "same hash" : "HASH DIFFERS");
}

int main(int argc, char **argv) {
  const char *data = argc > 1 ? argv[1] : "../shared/data";
  char d[512], a[512], b[512];
  printf("bench_env: learner (best outcome, accepts >= 0.8) vs boulware, "
         "pl_env_step, one thread, CPU time\n");
  snprintf(d, sizeof d,
           "%s/genius/anac/y2010/ItexvsCypress/ItexvsCypress_domain.xml", data);
  snprintf(a, sizeof a,
           "%s/genius/anac/y2010/ItexvsCypress/ItexvsCypress_Itex.xml", data);
  snprintf(b, sizeof b,
           "%s/genius/anac/y2010/ItexvsCypress/ItexvsCypress_Cypress.xml",
           data);
  const char *itex[] = {d, a, b};
  const char *name = "ItexvsCypress";
  pl_scenario *s;
  pl_error err;
  if (pl_scenario_load_inputs(itex, 3, NULL, &s, &err)) {
    /* the copy bundled for the agents' tests */
    printf("%s: the bundled copy instead\n", err.message);
    const char *dir = PL_SOURCE_DIR "/tests/data/agents/domains/ItexvsCypress";
    snprintf(d, sizeof d, "%s/ItexvsCypress_domain.xml", dir);
    snprintf(a, sizeof a, "%s/ItexvsCypress_Itex.xml", dir);
    snprintf(b, sizeof b, "%s/ItexvsCypress_Cypress.xml", dir);
    if (pl_scenario_load_inputs(itex, 3, NULL, &s, &err)) {
      printf("%s\n", err.message);
      return 1;
    }
  }
  bench(name, s, 100, 100000);
  bench(name, s, 1000, 10000);
  pl_scenario_free(s);
  return 0;
}
