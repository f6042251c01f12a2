/* TheNegotiatorReloaded (ANAC 2012 finalist), TheNegotiator's successor by
 * Mark Hendrikx and Alex Dirkzwager: "TheNegotiator Reloaded", in Novel
 * Insights in Agent-based Complex Automated Negotiation, Studies in
 * Computational Intelligence 535, Springer 2014 (built from BOA
 * components: Baarslag et al. 2014); ANAC 2012 report (Williams et al.
 * 2014).
 *
 * At the level of the reference transcription (NegMAS's
 * GTheNegotiatorReloadedOffering and GACTheNegotiatorReloaded):
 *   offering, in three phases (pl__anac_phases): Pmax before t = 0.4;
 *   down by 0.15 (Pmax - Pmin) until t = 0.75; then from B = 0.85 Pmax
 *   down by 0.45 (B - Pmin) until the deadline; never below Pmin;
 *   acceptance: u >= 0.98, or u at least its next offer (AC_next with
 *   a = 1, b = 0); after t = 0.99 (panic), u at least the best of the
 *   opponent's last n/4 offers (at least one; n its offers so far, the
 *   current one included: AC_MaxInWindow).
 * Ambiguity: the original sets its phases and AC_next's parameters from
 * the domain's size and discount and models the opponent by frequency;
 * the transcription fixes them as above, and parley follows it. Whether
 * the window counts the offer being answered: parley counts it, as the
 * recorded reference does (tests/data/agents). */
#include "agents/agent.h"
#include "agents/anac/anac.h"

double pl__thenegotiatorreloaded_target(const pl__agent *a, double t) {
  return pl__anac_phases(a, t, 0.4, 0.75, 0.15, 0.85, 0.45);
}

bool pl__thenegotiatorreloaded_accepts(pl__agent *a, const pl__anac_offer *o) {
  const pl__anac *x = a->anac;
  if (o->u >= 0.98 || o->u >= o->next_u) return true;
  if (o->t <= 0.99 || !x->opp_n) return false;
  size_t w = x->opp_n / 4;
  if (w < 1) w = 1;
  double best = x->opp[x->opp_n - w];
  for (size_t k = x->opp_n - w; k < x->opp_n; k++)
    if (x->opp[k] > best) best = x->opp[k];
  return o->u >= best;
}
