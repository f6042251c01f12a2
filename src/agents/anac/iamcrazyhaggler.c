/* IAMcrazyHaggler (ANAC 2010 finalist), by Colin R. Williams, Valentin
 * Robu, Enrico H. Gerding and Nicholas R. Jennings (University of
 * Southampton), IAMhaggler's hardliner sibling; described in the ANAC 2010
 * report (Baarslag, Hindriks, Jonker, Kraus & Lin 2012, in New Trends in
 * Agent-based Complex Automated Negotiations, Studies in Computational
 * Intelligence 383, Springer 2012, pp. 113-135); BOA decomposition in
 * Baarslag et al. 2014.
 *
 * At the level of the reference transcription (NegMAS's
 * GIAMCrazyHagglerOffering and GACIAMCrazyHaggler):
 *   offering (randomised): up to 100 outcomes drawn uniformly (each
 *   issue's option uniformly), the first worth more than 0.9 to it; when
 *   none is, the least good outcome at or above 0.9 (the band's 1e-6
 *   below it included);
 *   acceptance: 1.02 u above its last offer, its next offer or 0.85
 *   (never before it has offered).
 * Ambiguities, and what parley chose:
 *   - The draws come from parley's own generator (session seed and
 *     party), so runs are reproducible; the side-by-side test checks that
 *     every offer of both is worth more than 0.9 and that parley's offers
 *     are spread uniformly over those outcomes, as the reference's
 *     rejection sampling spreads them (tests/agents/test_anac.c).
 *   - When no outcome reaches 0.9 the reference proposes nothing; parley
 *     offers its best outcome instead.
 *   - Its next offer is random, but the acceptance does not depend on
 *     it: every offer is worth more than 0.9 > 0.85, so "1.02 u above the
 *     next offer" implies "above 0.85". The condition is deterministic
 *     given its last offer. */
#include <string.h>

#include "agents/agent.h"
#include "agents/anac/anac.h"

double pl__iamcrazyhaggler_target(const pl__agent *a, double t) {
  (void)t;
  return a->pmax; /* unused: the offers are drawn */
}

const uint32_t *pl__iamcrazyhaggler_offer(pl__agent *a) {
  const pl_scenario *s = a->s;
  for (int k = 0; k < 100; k++) {
    for (int i = 0; i < s->n_issues; i++)
      a->offer[i] = (uint32_t)(pl__splitmix64(&a->anac->rng) % s->issues[i].n);
    double u = pl_scenario_utility(s, a->party, a->offer);
    if (u > 0.9 && pl__agent_violations(a, a->offer, u) == 0) {
      a->offer_u = u;
      return a->offer;
    }
  }
  double u;
  int exact;
  if (!pl_scenario_offer_at_least(s, a->party, 0.9 - 1e-6, a->offer, &u, &exact,
                                  NULL) &&
      pl__agent_violations(a, a->offer, u) == 0) {
    a->offer_u = u;
    return a->offer;
  }
  memcpy(a->offer, a->cand, (size_t)s->n_issues * sizeof *a->offer);
  a->offer_u = a->cand_u;
  return a->offer;
}

bool pl__iamcrazyhaggler_accepts(pl__agent *a, const pl__anac_offer *o) {
  const pl__anac *x = a->anac;
  if (!x->own_n) return false;
  const double v = o->u * 1.02;
  return v > x->own_last || v > o->next_u || v > 0.85;
}
