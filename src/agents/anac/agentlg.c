/* AgentLG (ANAC 2012, second place), by Luba Golosman and colleagues (Bar
 * Ilan University); described in the ANAC 2012 report (Williams, Robu,
 * Gerding & Jennings 2014, "An overview of the results and insights from
 * the third automated negotiating agents competition (ANAC2012)", in
 * Novel Insights in Agent-based Complex Automated Negotiation, Studies in
 * Computational Intelligence 535, Springer 2014, pp. 151-162); BOA
 * decomposition in Baarslag et al. 2014.
 *
 * At the level of the reference transcription (NegMAS's GAgentLGOffering
 * and GACAgentLG):
 *   offering: target(t) = Pmax - 0.4 (Pmax - Pmin) t^1.5;
 *   acceptance, with L its last offer (never before it has offered):
 *   u >= 0.99 L; after t = 0.999, u >= 0.9 L; at any time
 *   u >= max(0.5, 0.9 - 0.3 t).
 * Ambiguity: the original orders bids by a frequency model of the
 * opponent's values and concedes in steps as the opponent does; the
 * transcription keeps the fixed curve and thresholds, and parley follows
 * it. */
#include <math.h>

#include "agents/agent.h"
#include "agents/anac/anac.h"

double pl__agentlg_target(const pl__agent *a, double t) {
  return a->pmax - (a->pmax - a->anac->pmin) * pow(t, 1.5) * 0.4;
}

bool pl__agentlg_accepts(pl__agent *a, const pl__anac_offer *o) {
  const pl__anac *x = a->anac;
  if (!x->own_n) return false;
  const double last = x->own_last, t = o->t;
  double floor = 0.9 - t * 0.3;
  if (floor < 0.5) floor = 0.5;
  return o->u >= last * 0.99 || (t > 0.999 && o->u >= last * 0.9) ||
         o->u >= floor;
}
