/* CUHKAgent (ANAC 2012 winner), by Jianye Hao and Ho-fung Leung: "CUHKAgent:
 * an adaptive negotiation strategy for bilateral negotiations over
 * multiple items", in Novel Insights in Agent-based Complex Automated
 * Negotiation, Studies in Computational Intelligence 535, Springer 2014,
 * pp. 171-179; the ANAC 2012 report (Williams, Robu, Gerding & Jennings
 * 2014, "An overview of the results and insights from the third automated
 * negotiating agents competition (ANAC2012)", same volume, pp. 151-162);
 * BOA decomposition in Baarslag et al. 2014.
 *
 * At the level of the reference transcription (NegMAS's GCUHKAgentOffering
 * and GACCUHKAgent):
 *   offering, in three phases (pl__anac_phases): Pmax before t = 0.2;
 *   down by 0.15 (Pmax - Pmin) until t = 0.7; then from B = 0.85 Pmax
 *   down by 0.4 (B - Pmin) until the deadline; never below Pmin;
 *   acceptance: u >= 0.95 - 0.3 t^0.9, or u at least its next offer; after
 *   t = 0.9985, u at least the best offer of the opponent's so far (the
 *   current one included) less 0.01.
 * Ambiguity: the original adapts its concession to the opponent's
 * measured concession degree and the discount factor, and learns the
 * opponent's preferences from the frequency of its values; the
 * transcription keeps the fixed phases and thresholds above, and parley
 * follows it. */
#include <math.h>

#include "agents/agent.h"
#include "agents/anac/anac.h"

double pl__cuhkagent_target(const pl__agent *a, double t) {
  return pl__anac_phases(a, t, 0.2, 0.7, 0.15, 0.85, 0.4);
}

bool pl__cuhkagent_accepts(pl__agent *a, const pl__anac_offer *o) {
  const pl__anac *x = a->anac;
  const double threshold = 0.95 - (0.95 - 0.65) * pow(o->t, 0.9);
  if (o->u >= threshold || o->u >= o->next_u) return true;
  const double max = x->opp_n && x->opp_max > 0 ? x->opp_max : 0;
  return o->t > 0.9985 && o->u >= max - 0.01;
}
