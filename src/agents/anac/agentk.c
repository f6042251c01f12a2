/* AgentK (ANAC 2010 winner), by Shogo Kawaguchi, Katsuhide Fujita and
 * Takayuki Ito: "AgentK: Compromising strategy based on estimated maximum
 * utility for automated negotiating agents", in New Trends in Agent-based
 * Complex Automated Negotiations, Studies in Computational Intelligence
 * 383, Springer 2012, pp. 137-144; the ANAC 2010 report (Baarslag,
 * Hindriks, Jonker, Kraus & Lin 2012, "The first automated negotiating
 * agents competition (ANAC 2010)", same volume, pp. 113-135); BOA
 * decomposition in Baarslag et al. 2014.
 *
 * As parley implements it (the level of the reference transcription,
 * NegMAS's GAgentKOffering and GACAgentK):
 *   offering: target(t) = Pmin + (Pmax - Pmin)(1 - t);
 *   acceptance: with E(t) = 1 - 0.5 t the utility it expects, accept with
 *   probability 1 when u >= E(t), else min(1, (u / E(t))(1 + t^2)); a
 *   uniform draw below the probability accepts.
 *
 * Ambiguities, and what parley chose:
 *   - The paper's agent estimates the opponent's maximum concession from
 *     the mean and deviation of its offers and moves its target towards
 *     it (with a random component); the reference transcription reduces
 *     this to the linear target and the probability above. parley follows
 *     the transcription (the side-by-side checks are against it); the
 *     statistics-driven target is left for a later version (docs/agents.md).
 *   - The acceptance is randomised: parley draws from its own seeded
 *     generator (session seed and party), so runs are reproducible; the
 *     probability is checked against the reference exactly and the
 *     acceptance rate against the probability (tests/agents/test_anac.c). */
#include <math.h>

#include "agents/agent.h"
#include "agents/anac/anac.h"

double pl__agentk_target(const pl__agent *a, double t) {
  const double pmin = a->anac->pmin;
  return pmin + (a->pmax - pmin) * (1.0 - t);
}

double pl__agentk_accept_probability(double t, double u) {
  const double expected = 1.0 - t * 0.5;
  if (u >= expected) return 1.0;
  if (expected > 0) {
    double p = u / expected * (1 + pow(t, 2.0));
    return p < 1.0 ? p : 1.0;
  }
  return 0.0;
}

bool pl__agentk_accepts(pl__agent *a, const pl__anac_offer *o) {
  return pl__agentk_accept_probability(o->t, o->u) > pl__anac_uniform(a->anac);
}
