/* IAMhaggler2010 (ANAC 2010, third place), by Colin R. Williams, Valentin
 * Robu, Enrico H. Gerding and Nicholas R. Jennings: "IAMhaggler: a
 * negotiation agent for complex environments", in New Trends in
 * Agent-based Complex Automated Negotiations, Studies in Computational
 * Intelligence 383, Springer 2012, pp. 151-158; the ANAC 2010 report
 * (Baarslag, Hindriks, Jonker, Kraus & Lin 2012); BOA decomposition in
 * Baarslag et al. 2014.
 *
 * At the level of the reference transcription (NegMAS's
 * GIAMhaggler2010Offering and GACIAMHaggler2010):
 *   offering: Pmax - 0.15 (Pmax - Pmin) t / 0.9 before t = 0.9; then from
 *   B = 0.85 Pmax down by 0.5 (B - Pmin) until the deadline; never below
 *   Pmin (pl__anac_phases);
 *   acceptance: 1.02 u at least its last offer, its next offer or 0.9
 *   (never before it has offered).
 * Ambiguity: the original estimates the opponent's concession and the
 * point where the parties may meet (a Bayesian regression of its offers
 * over time, with a discount-aware target); the transcription keeps the
 * two-phase curve above, and parley follows it. */
#include "agents/agent.h"
#include "agents/anac/anac.h"

double pl__iamhaggler2010_target(const pl__agent *a, double t) {
  return pl__anac_phases(a, t, 0, 0.9, 0.15, 0.85, 0.5);
}

bool pl__iamhaggler2010_accepts(pl__agent *a, const pl__anac_offer *o) {
  return pl__anac_haggler_accepts(a, o, 0.9, false);
}
