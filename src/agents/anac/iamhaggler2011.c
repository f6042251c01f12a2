/* IAMhaggler2011 (ANAC 2011, third place), by Colin R. Williams, Valentin
 * Robu, Enrico H. Gerding and Nicholas R. Jennings: "IAMhaggler2011: a
 * Gaussian process regression based negotiation agent", in Complex
 * Automated Negotiations: Theories, Models, and Software Competitions,
 * Studies in Computational Intelligence 435, Springer 2013, pp. 209-212;
 * the strategy in Williams, Robu, Gerding & Jennings 2011, "Using Gaussian
 * processes to optimise concession in complex negotiations against
 * unknown opponents" (IJCAI 2011); BOA decomposition in Baarslag et al.
 * 2014.
 *
 * At the level of the reference transcription (NegMAS's
 * GIAMhaggler2011Offering and GACIAMHaggler2011):
 *   offering: Pmax - 0.1 (Pmax - Pmin) t / 0.85 before t = 0.85; then from
 *   B = 0.9 Pmax down by 0.4 (B - Pmin) until the deadline; never below
 *   Pmin;
 *   acceptance: 1.02 u above its last offer, above its next offer, or
 *   above 0.9 (never before it has offered).
 * Ambiguity: the original predicts the opponent's future concession by
 * Gaussian process regression on its offers and sets its target at the
 * expected best point; the transcription keeps the two-phase curve, and
 * parley follows it. */
#include "agents/agent.h"
#include "agents/anac/anac.h"

double pl__iamhaggler2011_target(const pl__agent *a, double t) {
  return pl__anac_phases(a, t, 0, 0.85, 0.1, 0.9, 0.4);
}

bool pl__iamhaggler2011_accepts(pl__agent *a, const pl__anac_offer *o) {
  return pl__anac_haggler_accepts(a, o, 0.9, true);
}
