/* BRAMAgent2 (ANAC 2012 finalist), BRAMAgent's successor by Radmila
 * Fishel, Maya Bercovitch and Ya'akov Gal (Ben-Gurion University);
 * described in the ANAC 2012 report (Williams, Robu, Gerding & Jennings
 * 2014, in Novel Insights in Agent-based Complex Automated Negotiation,
 * Studies in Computational Intelligence 535, Springer 2014,
 * pp. 151-162); BOA decomposition in Baarslag et al. 2014.
 *
 * At the level of the reference transcription (NegMAS's
 * GBRAMAgent2Offering and GACBRAMAgent2):
 *   offering: target(t) = Pmax - 0.35 (Pmax - Pmin) t^0.7;
 *   acceptance: u >= 0.95 - 0.4 t^2, or u at least its next offer.
 * Ambiguity: like BRAMAgent, the original builds bids from the values
 * the opponent offers most often; the transcription keeps the threshold
 * curves, and parley follows it. */
#include <math.h>

#include "agents/agent.h"
#include "agents/anac/anac.h"

double pl__bramagent2_target(const pl__agent *a, double t) {
  return a->pmax - (a->pmax - a->anac->pmin) * 0.35 * pow(t, 0.7);
}

bool pl__bramagent2_accepts(pl__agent *a, const pl__anac_offer *o) {
  (void)a;
  return o->u >= 0.95 - 0.4 * pow(o->t, 2) || o->u >= o->next_u;
}
