/* TheNegotiator (ANAC 2011 finalist), by Alex Dirkzwager, Mark Hendrikx
 * and Julian de Ruiter: "The Negotiator: a dynamic strategy for bilateral
 * negotiations with time-based discounts", in Complex Automated
 * Negotiations: Theories, Models, and Software Competitions, Studies in
 * Computational Intelligence 435, Springer 2013, pp. 217-221; ANAC 2011
 * report (Baarslag et al. 2013); BOA decomposition in Baarslag et al. 2014.
 *
 * At the level of the reference transcription (NegMAS's
 * GTheNegotiatorOffering and GACTheNegotiator):
 *   offering, in three phases: Pmax before t = 0.5; then down linearly by
 *   0.2 (Pmax - Pmin) until t = 0.8; then from B = 0.8 Pmax down by
 *   0.5 (B - Pmin) until the deadline; never below Pmin;
 *   acceptance: 0.95 before t = 0.3 (hardball), 0.85 - 0.25 (t - 0.3)
 *   before t = 0.7 (conceding), 0.70 - 0.3 (t - 0.7) after (desperate),
 *   where with fewer than 15 moves left it accepts anything it allows.
 *   Moves left: floor((1 - t) / (t / step)) with step the rounds already
 *   completed (100 when none).
 * Ambiguities: the original sets its phases from the discount factor and
 * the observed round times; the transcription fixes them as above and
 * parley follows it. The transcription counts steps of the mechanism
 * (NegMAS: one per round of offers); parley counts rounds, the same in a
 * bilateral negotiation. */
#include <math.h>

#include "agents/agent.h"
#include "agents/anac/anac.h"

double pl__thenegotiator_target(const pl__agent *a, double t) {
  return pl__anac_phases(a, t, 0.5, 0.8, 0.2, 0.8, 0.5);
}

int pl__thenegotiator_moves_left(double t, int step) {
  if (step > 0) {
    double per = t / step;
    if (per > 0) return (int)((1 - t) / per);
  }
  return 100;
}

bool pl__thenegotiator_accepts(pl__agent *a, const pl__anac_offer *o) {
  (void)a;
  const double t = o->t;
  double threshold = t < 0.3   ? 0.95
                     : t < 0.7 ? 0.85 - (t - 0.3) * 0.25
                               : 0.70 - (t - 0.7) * 0.3;
  if (t >= 0.7 && pl__thenegotiator_moves_left(t, o->step) < 15) return true;
  return o->u >= threshold;
}
