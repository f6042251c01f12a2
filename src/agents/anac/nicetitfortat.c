/* NiceTitForTat (ANAC 2011 finalist), by Tim Baarslag, Koen Hindriks and
 * Catholijn Jonker: "A tit for tat negotiation strategy for real-time
 * bilateral negotiations", in Complex Automated Negotiations: Theories,
 * Models, and Software Competitions, Studies in Computational Intelligence
 * 435, Springer 2013, pp. 229-233; ANAC 2011 report (Baarslag et al.
 * 2013); BOA decomposition in Baarslag et al. 2014.
 *
 * At the level of the reference transcription (NegMAS's
 * GNiceTitForTatOffering and GACNiceTitForTat):
 *   offering: target(t) = Pmax - 0.25 (Pmax - Pmin) t^0.8;
 *   acceptance: u at least its next offer; else, from t = 0.98: reject
 *   while a better offer of the opponent's was seen and more than 0.001
 *   of the time is left; otherwise, over the n opponent offers better
 *   than u (mean b), accept when u > (1 - t^n) b, or when there are none.
 * Ambiguities: the original mirrors the opponent's concession in its own
 * utility through a Bayesian model (tit for tat, "nice": it aims at the
 * Nash point) and estimates the offers left from the round times; the
 * transcription keeps a fixed curve and the endgame rule above, and
 * parley follows it. "1 - time left" is t. */
#include <math.h>

#include "agents/agent.h"
#include "agents/anac/anac.h"

double pl__nicetitfortat_target(const pl__agent *a, double t) {
  return a->pmax - (a->pmax - a->anac->pmin) * 0.25 * pow(t, 0.8);
}

bool pl__nicetitfortat_accepts(pl__agent *a, const pl__anac_offer *o) {
  const pl__anac *x = a->anac;
  if (o->u >= o->next_u) return true;
  if (o->t < 0.98) return false;
  const double left = 1 - o->t;
  if (x->opp_n == 0) return false;
  if (x->opp_max > o->u && left > 0.001) return false;
  double sum = 0;
  size_t n = 0;
  for (size_t k = 0; k < x->opp_n; k++)
    if (x->opp[k] > o->u) sum += x->opp[k], n++;
  if (!n) return true;
  const double expected = (1 - pow(1 - left, (double)n)) * (sum / (double)n);
  return o->u > expected;
}
