/* AgentK2 (ANAC 2011 finalist), AgentK's successor by Shogo Kawaguchi,
 * Katsuhide Fujita and Takayuki Ito (ANAC 2011 report: Baarslag et al.
 * 2013, "Evaluating practical negotiating agents: results and analysis of
 * the 2011 international competition", Artificial Intelligence 198; BOA
 * decomposition in Baarslag et al. 2014).
 *
 * At the level of the reference transcription (NegMAS's GAgentK2Offering
 * and GACAgentK2):
 *   offering: target(t) = Pmin + (Pmax - Pmin)(1 - t^2);
 *   acceptance: over the opponent's offers so far (the current one
 *   included), with mean m and maximum M, E(t) = M - (M - m)(1 - t);
 *   accept with probability min(1, 0.5 + 0.5 t) when u >= E(t), else
 *   min(1, (u / E(t)) t); a uniform draw below it accepts.
 * Ambiguity: like AgentK's, the original's target follows the estimated
 * maximum of the opponent's concessions; parley follows the transcription
 * and draws from its own seeded generator. */
#include <math.h>

#include "agents/agent.h"
#include "agents/anac/anac.h"

double pl__agentk2_target(const pl__agent *a, double t) {
  const double pmin = a->anac->pmin;
  return pmin + (a->pmax - pmin) * (1.0 - pow(t, 2));
}

double pl__agentk2_accept_probability(double t, double u, double mean,
                                      double max, size_t n) {
  if (n == 0) return 0.0;
  const double expected = max - (max - mean) * (1 - t);
  if (u >= expected) {
    double p = 0.5 + t * 0.5;
    return p < 1.0 ? p : 1.0;
  }
  if (expected > 0) {
    double p = u / expected * t;
    return p < 1.0 ? p : 1.0;
  }
  return 0.0;
}

bool pl__agentk2_accepts(pl__agent *a, const pl__anac_offer *o) {
  const pl__anac *x = a->anac;
  double mean = x->opp_n ? x->opp_sum / (double)x->opp_n : 0;
  return pl__agentk2_accept_probability(o->t, o->u, mean, x->opp_max,
                                        x->opp_n) > pl__anac_uniform(a->anac);
}
