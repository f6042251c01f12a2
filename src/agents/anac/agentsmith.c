/* AgentSmith (ANAC 2010 finalist), by Niels van Galen Last: "Agent
 * Smith: opponent model estimation in bilateral multi-issue negotiation",
 * in New Trends in Agent-based Complex Automated Negotiations, Studies in
 * Computational Intelligence 383, Springer 2012, pp. 167-174; ANAC 2010
 * report (Baarslag et al. 2012); BOA decomposition in Baarslag et al.
 * 2014.
 *
 * At the level of the reference transcription (NegMAS's
 * GAgentSmithOffering and GACAgentSmith):
 *   offering: target(t) = Pmin + (Pmax - Pmin)(1 - t^0.2);
 *   acceptance: u > 0.9, or u at least its last offer (never before it
 *   has offered).
 * Ambiguity: the original builds a model of the opponent's weights from
 * its first bids and offers bids that trade its own utility against the
 * model's estimate; the transcription keeps the curve above (with the
 * exponent 0.2 it concedes early, not late), and parley follows it. */
#include <math.h>

#include "agents/agent.h"
#include "agents/anac/anac.h"

double pl__agentsmith_target(const pl__agent *a, double t) {
  const double pmin = a->anac->pmin;
  return pmin + (a->pmax - pmin) * (1.0 - pow(t, 0.2));
}

bool pl__agentsmith_accepts(pl__agent *a, const pl__anac_offer *o) {
  const pl__anac *x = a->anac;
  if (!x->own_n) return false;
  return o->u > 0.9 || o->u >= x->own_last;
}
