/* IAMhaggler2012 (ANAC 2012 finalist), by Colin R. Williams, Valentin
 * Robu, Enrico H. Gerding and Nicholas R. Jennings: "IAMhaggler2012: a
 * Gaussian process regression based negotiation agent", in Novel Insights
 * in Agent-based Complex Automated Negotiation, Studies in Computational
 * Intelligence 535, Springer 2014, pp. 173-182 (the strategy of
 * IAMhaggler2011, Williams et al. IJCAI 2011, for discounted domains with
 * reservation values); ANAC 2012 report (Williams et al. 2014); BOA
 * decomposition in Baarslag et al. 2014.
 *
 * At the level of the reference transcription (NegMAS's
 * GIAMHaggler2012Offering and GACIAMHaggler2012):
 *   offering: Pmax - 0.08 (Pmax - Pmin) t / 0.8 before t = 0.8; then from
 *   B = 0.92 Pmax down by 0.45 (B - Pmin) until the deadline; never below
 *   Pmin (pl__anac_phases);
 *   acceptance: 1.02 u at least its last offer, 0.9, or its next offer
 *   (never before it has offered).
 * Ambiguity: as IAMhaggler2011's, the original's Gaussian process
 * prediction of the opponent is reduced by the transcription to the
 * two-phase curve, and parley follows it. */
#include "agents/agent.h"
#include "agents/anac/anac.h"

double pl__iamhaggler2012_target(const pl__agent *a, double t) {
  return pl__anac_phases(a, t, 0, 0.8, 0.08, 0.92, 0.45);
}

bool pl__iamhaggler2012_accepts(pl__agent *a, const pl__anac_offer *o) {
  return pl__anac_haggler_accepts(a, o, 0.9, false);
}
