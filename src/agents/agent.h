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
typedef struct pl__agent {
  const pl_scenario *s;
  int party;
  double e, k;
  bool hardliner;
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
 * ":e=..,k=.." parameters (any of the first three take them too). */
int pl__agent_init(pl__agent *a, const pl_scenario *s, int party,
                   const char *spec, pl_error *err);
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
