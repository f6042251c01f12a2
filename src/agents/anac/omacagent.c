/* OMACagent (ANAC 2012 finalist), by Siqi Chen and Gerhard Weiss
 * (Maastricht University): "An efficient and adaptive approach to
 * negotiation in complex environments", ECAI 2012 (OMAC: Opponent
 * Modeling and Adaptive Concession; the opponent's concession predicted
 * by wavelet decomposition and a cubic smoothing spline, the concession
 * rate set from the expected utility of the forthcoming counter-offers);
 * the ANAC 2012 report (Williams, Robu, Gerding & Jennings 2014, in Novel
 * Insights in Agent-based Complex Automated Negotiation, Studies in
 * Computational Intelligence 535, pp. 151-162); BOA decomposition in
 * Baarslag et al. 2014.
 *
 * At the level of the reference transcription (NegMAS's
 * GOMACagentOffering and GACOMACagent, NegMAS 0.12.0; their behaviour
 * observed on recorded negotiations, tests/data/agents/omacagent-*):
 *   offering: its best outcome until t = 0.02; then, with d the discount
 *   factor, the target
 *     T = 0.59 + (1 - t^(1/0.033)) (Pmax - 0.59)            when d >= 0.845,
 *     T = L + (1 - t^(1/0.04)) (d^0.2 - L), L = 1.05 * 0.59  otherwise,
 *   never below 0.59 (absolute), and the least good outcome at or above
 *   0.99 T (its best one when none is there);
 *   acceptance: an offer it made itself before (the same outcome), or u
 *   at least its next offer.
 * Ambiguities, and what parley chose:
 *   - The transcription searches first the band [0.99 T, 1.01 T] and,
 *     only when that band holds no outcome, the wider [T - 0.05, Pmax +
 *     0.01] below it; read so, its offers could rise again when the
 *     narrow band fills. But its outcome search (NegMAS's presorting
 *     inverse utility, clamping without limit) never finds a band empty:
 *     asked for the least good outcome in [lo, hi] it answers the least
 *     good at or above lo (1e-6 below lo included, as for every ANAC
 *     offering here), above hi when need be, and its best outcome when
 *     none reaches lo. So the wider band is never searched, the offer is
 *     the least good outcome at or above 0.99 T, and, T never rising,
 *     the offers only go down: parley's walk from the best outcome down
 *     follows it (the recordings confirm it, 1e-9 on every offer).
 *   - The transcription's discount is a field it never sets (1, the first
 *     branch always); GENIUS's OMACagent reads the domain's discount
 *     factor, and parley uses the party's, as for HardHeaded's step
 *     point (the recordings set it: Grocery, d = 0.81, takes the second
 *     branch). "eu" (0.95) is a parameter the transcription never reads.
 *   - The original's opponent model (the wavelet and spline prediction
 *     of the opponent's next offers, and the target set from it) is not
 *     in the transcription; parley has no prediction either, so
 *     `omacagent` takes no opponent model (om=none; `om=freq` picks among
 *     the outcomes in its band as for the other ANAC offerings).
 *   - The acceptance's "made this bid before" compares outcomes exactly,
 *     over every offer it made so far (pl__oset); its second clause
 *     (after t = 0.97, the same test) adds nothing and is left out. */
#include <math.h>

#include "agents/agent.h"
#include "agents/anac/anac.h"

#define OMAC_MIN 0.59

double pl__omacagent_curve(double t, double pmax, double discount) {
  double target;
  if (discount >= 0.845) {
    target = OMAC_MIN + (1 - pow(t, 1.0 / 0.033)) * (pmax - OMAC_MIN);
  } else {
    const double hi = pow(discount, 0.2), lo = OMAC_MIN * 1.05;
    target = lo + (1 - pow(t, 1.0 / 0.04)) * (hi - lo);
  }
  return target > OMAC_MIN ? target : OMAC_MIN;
}

/* anac.c takes PL__ANAC_BAND off what this returns: the walk's floor is
 * 0.99 T less NegMAS's 1e-6; before t = 0.02 the best outcome. */
double pl__omacagent_target(const pl__agent *a, double t) {
  if (t <= 0.02) return a->pmax + PL__ANAC_BAND;
  const double target = pl__omacagent_curve(t, a->pmax, a->anac->discount);
  return target * (1 - 0.01) + 0.01;
}

bool pl__omacagent_accepts(pl__agent *a, const pl__anac_offer *o) {
  if (o->options && pl__oset_has(&a->anac->own_set, o->options, a->s->n_issues))
    return true;
  return o->u >= o->next_u;
}
