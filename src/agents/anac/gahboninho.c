/* Gahboninho (ANAC 2011, second place), by Mai Ben Adar, Nadav Sofy and
 * Avshalom Elimelech: "Gahboninho: strategy for balancing pressure and
 * compromise in automated negotiation", in Complex Automated Negotiations:
 * Theories, Models, and Software Competitions, Studies in Computational
 * Intelligence 435, Springer 2013, pp. 205-208; ANAC 2011 report (Baarslag
 * et al. 2013); BOA decomposition in Baarslag et al. 2014.
 *
 * At the level of the reference transcription (NegMAS's
 * GGahboninhoOffering and GACGahboninho):
 *   offering: target(t) = Pmax - 0.4 (Pmax - Pmin) t^3;
 *   acceptance: before t = 0.5 an offer above 0.95; at any time an offer
 *   at or above max(0.7, 0.95 - 0.25 t).
 * Ambiguity: the original first probes whether the opponent concedes
 * under pressure (its "noise" and concession measures) and sets its
 * concession from that; the transcription keeps a fixed late concession,
 * and parley follows it. */
#include <math.h>

#include "agents/agent.h"
#include "agents/anac/anac.h"

double pl__gahboninho_target(const pl__agent *a, double t) {
  return a->pmax - (a->pmax - a->anac->pmin) * pow(t, 3) * 0.4;
}

bool pl__gahboninho_accepts(pl__agent *a, const pl__anac_offer *o) {
  (void)a;
  double floor = 0.95 - (0.95 - 0.7) * o->t;
  if (floor < 0.7) floor = 0.7;
  if (o->t < 0.5 && o->u > 0.95) return true;
  return o->u >= floor;
}
