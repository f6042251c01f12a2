/* AgentMR (ANAC 2012 finalist), by Shota Morii and Takayuki Ito (Nagoya
 * Institute of Technology); described in the ANAC 2012 report (Williams,
 * Robu, Gerding & Jennings 2014, in Novel Insights in Agent-based Complex
 * Automated Negotiation, Studies in Computational Intelligence 535,
 * Springer 2014, pp. 151-162); BOA decomposition in Baarslag et al. 2014.
 *
 * At the level of the reference transcription (NegMAS's GAgentMROffering
 * and GACAgentMR):
 *   offering: target(t) = Pmax - (Pmax - Pmin)(0.3 + 0.2 t) t;
 *   acceptance: with m(t) = 1 - 0.7 / (1 + 10^(-5 (t - 0.5))), accept
 *   u > m(t), or when the acceptance probability p(u, t^3) > 0.965, where
 *   p(u, s) = u when s = 0.5, else
 *   (u - 2us + 2(s - 1 + sqrt((s - 1)^2 + u (2s - 1)))) / (2s - 1)
 *   (0 for u outside [0, 1.05], u capped at 1).
 * Ambiguity: the original forecasts the opponent's concession and sets
 * its minimum from a sigmoid of time and the discount factor; the
 * transcription keeps the sigmoid and the probability formula above, and
 * parley follows it. The formula is deterministic: it is compared with a
 * threshold, never drawn. */
#include <math.h>

#include "agents/agent.h"
#include "agents/anac/anac.h"

double pl__agentmr_target(const pl__agent *a, double t) {
  return a->pmax - (a->pmax - a->anac->pmin) * (0.3 + 0.2 * t) * t;
}

double pl__agentmr_paccept(double u, double time) {
  const double t = pow(time, 3);
  if (u < 0 || u > 1.05 || t < 0 || t > 1) return 0.0;
  if (u > 1) u = 1.0;
  if (t == 0.5) return u;
  return (u - 2 * u * t +
          2 * (-1 + t + sqrt(pow(-1 + t, 2) + u * (-1 + 2 * t)))) /
         (-1 + 2 * t);
}

bool pl__agentmr_accepts(pl__agent *a, const pl__anac_offer *o) {
  (void)a;
  const double m =
      1.0 - 0.7 * (1 / (1 + pow(10, -5.0 * (o->t - 0.5))));
  return pl__agentmr_paccept(o->u, o->t) > 0.965 || o->u > m;
}
