/* AgentFSEGA (ANAC 2010 finalist), by Liviu Dan Serban, Gheorghe Cosmin
 * Silaghi and Cristian Marius Litan: "AgentFSEGA: time constrained
 * reasoning model for bilateral multi-issue negotiations", in New Trends
 * in Agent-based Complex Automated Negotiations, Studies in Computational
 * Intelligence 383, Springer 2012, pp. 159-165; ANAC 2010 report
 * (Baarslag et al. 2012); BOA decomposition in Baarslag et al. 2014.
 *
 * At the level of the reference transcription (NegMAS's
 * GAgentFSEGAOffering and GACAgentFSEGA):
 *   offering: the least good outcome at or above
 *   max(0.98 * 0.52^t, 0.5) - 0.01 (its sigma, the same width as the band
 *   of the other agents): absolute utilities, not relative to Pmin;
 *   acceptance: 1.03 u at least its last offer, u above its next offer,
 *   or u at least 0.999 (the best utility of a normalised profile);
 *   never before it has offered.
 * Ambiguity: the original learns the opponent's preferences with a
 * Bayesian model and offers, above the threshold, the bid it believes
 * best for the opponent; the transcription offers the least good bid
 * above the threshold, and parley follows it (`+om=freq` adds parley's
 * frequency model to choose within the band instead). */
#include <math.h>

#include "agents/agent.h"
#include "agents/anac/anac.h"

double pl__agentfsega_target(const pl__agent *a, double t) {
  (void)a;
  const double v = 0.98 * exp(log(0.52) * t);
  return v > 0.5 ? v : 0.5;
}

bool pl__agentfsega_accepts(pl__agent *a, const pl__anac_offer *o) {
  const pl__anac *x = a->anac;
  if (!x->own_n) return false;
  return o->u * 1.03 >= x->own_last || o->u > o->next_u ||
         o->u >= 0.999;
}
