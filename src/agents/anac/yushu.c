/* Yushu (ANAC 2010, second place), by Bo An and Victor Lesser: "Yushu: a
 * heuristic-based agent for automated negotiating competition", in New
 * Trends in Agent-based Complex Automated Negotiations, Studies in
 * Computational Intelligence 383, Springer 2012, pp. 145-149; ANAC 2010
 * report (Baarslag et al. 2012); BOA decomposition in Baarslag et al.
 * 2014.
 *
 * At the level of the reference transcription (NegMAS's GYushuOffering
 * and GACYushu):
 *   offering: target(t) = Pmax - 0.5 (Pmax - Pmin) s(t), with the sigmoid
 *   s(t) = 1 / (1 + exp(-12 (t - 0.7)));
 *   acceptance: u >= 0.95 - 0.25 t, or u >= 0.8 (the transcription's
 *   "acceptable utility", which starts at 0.8 and is only ever raised to
 *   at least 0.7: it stays 0.8).
 * Ambiguity: the original estimates the rounds left from the time its
 * moves take and concedes towards the best offer of the opponent's as the
 * deadline nears; the transcription keeps a fixed sigmoid, and parley
 * follows it. */
#include <math.h>

#include "agents/agent.h"
#include "agents/anac/anac.h"

double pl__yushu_target(const pl__agent *a, double t) {
  const double s = 1.0 / (1.0 + exp(-12.0 * (t - 0.7)));
  return a->pmax - (a->pmax - a->anac->pmin) * s * 0.5;
}

bool pl__yushu_accepts(pl__agent *a, const pl__anac_offer *o) {
  (void)a;
  return o->u >= 0.95 - (0.95 - 0.7) * o->t || o->u >= 0.8;
}
