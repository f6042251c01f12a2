/* Built-in agents (strategies) as the protocols see them. */
#ifndef PL_AGENT_H
#define PL_AGENT_H

#include <stdbool.h>

#include "model/scenario_internal.h"

/* A time-dependent concession strategy (Faratin, Sierra & Jennings 1998,
 * "Negotiation decision functions for autonomous agents"): at normalised
 * time t the target utility is
 *     Pmin + (Pmax - Pmin) (1 - f(t)),   f(t) = k + (1 - k) t^(1/e),
 * with Pmax the party's best acceptable utility and Pmin its reservation
 * value. e < 1 concedes late (Boulware), e = 1 linearly, e > 1 early
 * (Conceder); the hardliner never concedes. It walks the party's outcomes
 * from the best down (pl_offer_iter), so it never enumerates per step, and
 * proposes the least good acceptable outcome at or above its target; in
 * large spaces where it has no red lines it finds that outcome by branch and
 * bound instead.
 * Acceptance is AC_next: an offer at least as good as its own next one. */
typedef enum pl__agent_kind {
  PL__AGENT_TIMEDEP, /* time-dependent concession (and the hardliner) */
  PL__AGENT_RANDOM,  /* a random acceptable outcome each turn (seeded) */
  PL__AGENT_PLUGIN,  /* a shared object's pl_agent_api */
  PL__AGENT_TFT,     /* tit-for-tat in utility: concedes as much as the
                        others' offers improved for it (after Faratin,
                        Sierra & Jennings 1998, relative tit-for-tat) */
  PL__AGENT_MICRO    /* MiCRO (de Jonge 2022, "An analysis of the linear
                        bilateral ANAC domains using the MiCRO benchmark
                        strategy"): concede to the next-best outcome only
                        once the others have made at least as many
                        distinct offers as it has */
} pl__agent_kind;

typedef struct pl__agent {
  const pl_scenario *s;
  int party;
  pl__agent_kind kind;
  double e, k;
  bool hardliner;
  uint64_t rng;              /* random */
  size_t own, seen, seen_cap; /* micro: its offers; the others' distinct */
  uint64_t *seen_set;        /* open addressing over outcome hashes */
  double tft_target, tft_last; /* tit-for-tat: target, last offer's worth */
  bool tft_seen;
  void *dl;                  /* plug-in: the library, its table, its agent */
  const pl_agent_api *api;
  void *state;
  bool failed;               /* plug-in broke a rule: never called again */
  pl_offer_iter *it;
  uint32_t *cand, *peek;  /* issue_count options each */
  double cand_u, peek_u;
  bool has_cand, has_peek, exhausted;
  double pmax;
  /* Large spaces and no red lines: branch and bound for each new target
   * (pl_scenario_offer_at_least) instead of walking every outcome above
   * it. */
  bool search;
  double last_target;
  double target_t, target_v; /* the last target computed, and when */
} pl__agent;

/* spec: "boulware", "linear", "conceder", "hardliner", or "timedep" with
 * ":e=..,k=.." parameters (any of the first three take them too), "random",
 * "micro". seed: the session's seed (random agents mix in their party). */
int pl__agent_init(pl__agent *a, const pl_scenario *s, int party,
                   const char *spec, uint64_t seed, pl_error *err);
/* Plug-ins (src/agents/plugin.c): spec is "path[:params]". */
int pl__plugin_init(pl__agent *a, const char *spec, uint64_t seed,
                    pl_error *err);
void pl__plugin_free(pl__agent *a);
bool pl__plugin_propose(pl__agent *a, double t, const uint32_t **options);
bool pl__plugin_accepts(pl__agent *a, double t, const uint32_t *offer);

/* Tells the agent another party offered (or, in the single text, wanted)
 * an outcome. */
int pl__agent_observe(pl__agent *a, int party, const uint32_t *options);
void pl__agent_free(pl__agent *a);
/* Whether the outcome is acceptable at all to the agent's party: its red
 * lines hold and it gives at least the reservation value. */
bool pl__agent_allows(const pl__agent *a, const uint32_t *options);
/* The offer at time t, or false when the party has no acceptable outcome
 * (or out of memory: *rc). The options live until the next call. */
bool pl__agent_propose(pl__agent *a, double t, const uint32_t **options,
                       int *rc);
/* AC_next at time t. */
bool pl__agent_accepts(pl__agent *a, double t, const uint32_t *offer,
                       int *rc);

#endif
