/* HardHeaded (ANAC 2011 winner), by Thijs van Krimpen, Daphne Looije and
 * Siamak Hajizadeh: "HardHeaded", in Ito, Zhang, Robu, Matsuo (eds.),
 * Complex Automated Negotiations: Theories, Models, and Software
 * Competitions, Studies in Computational Intelligence 435, Springer 2013,
 * pp. 223-227; the ANAC 2011 report (Baarslag, Fujita, Gerding, Hindriks,
 * Ito, Jennings, Jonker, Kraus, Lin, Robu & Williams 2013, "Evaluating
 * practical negotiating agents: results and analysis of the 2011
 * international competition", Artificial Intelligence 198); its BOA
 * decomposition in Baarslag et al. 2014 ("Decoupling negotiating agents
 * to explore the space of negotiation strategies").
 *
 * Offering: a Boulware concession that barely moves until the end,
 *   fa(t) = ka + (1 - ka) (t / s)^(1/e),   p(t) = MIN + (1 - fa) (Pmax - MIN)
 * with ka = 0.05, e = 0.05, MIN = 0.585 and the step point s the party's
 * discount factor. With a discount below 0.9 the curve is split at s:
 * before it the agent concedes faster (e / s) towards
 * MIN + |Pmax - MIN| s, after it almost flat (exponent 30) from there down
 * to MIN.
 * Acceptance (AC_HardHeaded): the offer is worth more than the least good
 * offer the agent has made so far, or at least as much as its next offer.
 * Opponent model: the frequency model (opponent.c) with learning
 * coefficient 0.2: issues whose value the opponent keeps gain weight,
 * values it keeps offering gain value.
 *
 * Ambiguities, and what parley chose:
 *   - The reference transcription (NegMAS's GHardHeadedOffering) keeps the
 *     step point at 1 (it never reads the discount factor), so that it
 *     always takes the first branch; GENIUS's agent and the paper use the
 *     discount factor. parley uses the scenario's discount factor, so on
 *     undiscounted domains both agree; the split curve is checked against
 *     the reference's formula with the step point set by hand
 *     (tests/data/agents/README.md).
 *   - MIN = 0.585 is absolute, not relative to the reservation value; the
 *     agent never offers or accepts below its reservation value anyway.
 *   - The original picks, among the bids in the band, the one its model
 *     estimates best for the opponent (after the first ones, at random
 *     among equals); the reference transcription offers the worst bid in
 *     the band and ignores the model. `hardheaded` uses the model over
 *     the band (window 0.02: [p - 0.01, p + 0.01]); `hardheaded:om=none`
 *     is the transcription's choice, the one the side-by-side test checks.
 *   - "Lowest offer so far" starts at 1 before the agent has offered (as
 *     the reference), and its own first offer comes before any acceptance
 *     when it opens. */
#include <math.h>

#include "agents/agent.h"
#include "agents/anac/anac.h"

#define HH_KA 0.05
#define HH_E 0.05
#define HH_MIN 0.585
#define HH_IGNORE_DISCOUNT 0.9
#define HH_POST_E 30.0

double pl__hardheaded_p(double t, double pmax, double discount) {
  const double s = discount;
  if (s >= HH_IGNORE_DISCOUNT) {
    double fa = HH_KA + (1 - HH_KA) * pow(t / s, 1.0 / HH_E);
    return HH_MIN + (1 - fa) * (pmax - HH_MIN);
  }
  const double mid = HH_MIN + fabs(pmax - HH_MIN) * s;
  if (t <= s) {
    double fa = HH_KA + (1 - HH_KA) * pow(t / s, 1.0 / (HH_E / s));
    return mid + (1 - fa) * (pmax - mid);
  }
  double fa = HH_KA + (1 - HH_KA) * pow((t - s) / (1 - s), 1.0 / HH_POST_E);
  return HH_MIN + (1 - fa) * (mid - HH_MIN);
}

double pl__hardheaded_target(const pl__agent *a, double t) {
  return pl__hardheaded_p(t, a->pmax, a->anac->discount);
}

bool pl__hardheaded_accepts(pl__agent *a, const pl__anac_offer *o) {
  return o->u > a->anac->own_lowest || o->next_u <= o->u;
}
