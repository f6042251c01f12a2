/* BRAMAgent (ANAC 2011 finalist), by Radmila Fishel, Maya Bercovitch and
 * Ya'akov Gal: "BRAM agent", in Complex Automated Negotiations: Theories,
 * Models, and Software Competitions, Studies in Computational Intelligence
 * 435, Springer 2013, pp. 213-216; ANAC 2011 report (Baarslag et al. 2013);
 * BOA decomposition in Baarslag et al. 2014.
 *
 * At the level of the reference transcription (NegMAS's GBRAMAgentOffering
 * and GACBRAMAgent):
 *   offering: target(t) = Pmax - 0.3 (Pmax - Pmin) t;
 *   acceptance: u >= 0.95 - 0.45 t^2, or u at least its next offer.
 * Ambiguity: the original offers bids built from the opponent's most
 * frequent values (a statistics model of its last offers) above a
 * threshold that also reacts to the discount factor; the transcription
 * keeps the slow linear threshold only, and parley follows it. */
#include <math.h>

#include "agents/agent.h"
#include "agents/anac/anac.h"

double pl__bram_target(const pl__agent *a, double t) {
  return a->pmax - (a->pmax - a->anac->pmin) * 0.3 * t;
}

double pl__bram_threshold(double t) { return 0.95 - (0.95 - 0.5) * pow(t, 2); }

bool pl__bram_accepts(pl__agent *a, const pl__anac_offer *o) {
  (void)a;
  return o->u >= pl__bram_threshold(o->t) || o->u >= o->next_u;
}
