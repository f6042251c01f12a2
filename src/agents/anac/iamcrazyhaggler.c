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
 *     party), so runs are reproducible. In spaces of up to 4,096
 *     outcomes parley lists the outcomes a draw would keep once and
 *     draws the result directly: one of them uniformly with probability
 *     1 - q, the fallback with q = (1 - kept / outcomes)^100, the law of
 *     the 100 draws without their cost (on ItexvsCypress, where 3 of 180
 *     outcomes are worth more than 0.9 to Itex, 100 draws a turn made it
 *     the slowest agent by far); the side-by-side test checks that
 *     every offer of both is worth more than 0.9 and that parley's offers
 *     are spread uniformly over those outcomes, as the reference's
 *     rejection sampling spreads them (tests/agents/test_anac.c).
 *   - When no outcome reaches 0.9 the reference proposes nothing; parley
 *     offers its best outcome instead.
 *   - Its next offer is random, but the acceptance does not depend on
 *     it: every offer is worth more than 0.9 > 0.85, so "1.02 u above the
 *     next offer" implies "above 0.85". The condition is deterministic
 *     given its last offer. */
#include <math.h>
#include <string.h>

#include "agents/agent.h"
#include "agents/anac/anac.h"

double pl__iamcrazyhaggler_target(const pl__agent *a, double t) {
  (void)t;
  return a->pmax; /* unused: the offers are drawn */
}

/* Small spaces (up to 4,096 outcomes): the outcomes a draw keeps, once,
 * and the chance (1 - kept / outcomes)^100 that every draw misses. */
static void list_support(pl__agent *a) {
  pl__anac *x = a->anac;
  const pl_scenario *s = a->s;
  uint64_t n;
  x->has_support = -1;
  if (pl_scenario_outcome_count(s, &n) || n > 4096 || s->parties[a->party].hyper)
    return;
  if (!(x->support = pl__malloc((size_t)n * sizeof *x->support))) return;
  for (uint64_t k = 0; k < n; k++) {
    pl_scenario_decode(s, k, a->offer);
    double u = pl_scenario_utility(s, a->party, a->offer);
    if (u > 0.9 && pl__agent_violations(a, a->offer, u) == 0)
      x->support[x->n_support++] = k;
  }
  x->miss = pow(1 - (double)x->n_support / (double)n, 100);
  x->has_support = 1;
}

const uint32_t *pl__iamcrazyhaggler_offer(pl__agent *a) {
  const pl_scenario *s = a->s;
  if (!a->anac->has_support) list_support(a);
  if (a->anac->has_support > 0) {
    pl__anac *x = a->anac;
    if (x->n_support && pl__anac_uniform(x) >= x->miss) {
      uint64_t k = pl__splitmix64(&x->rng) % x->n_support;
      pl_scenario_decode(s, x->support[k], a->offer);
      a->offer_u = pl_scenario_utility(s, a->party, a->offer);
      return a->offer;
    }
  }
  for (int k = 0; a->anac->has_support < 0 && k < 100; k++) {
    for (int i = 0; i < s->n_issues; i++)
      a->offer[i] = (uint32_t)(pl__splitmix64(&a->anac->rng) % s->issues[i].n);
    double u = pl_scenario_utility(s, a->party, a->offer);
    if (u > 0.9 && pl__agent_violations(a, a->offer, u) == 0) {
      a->offer_u = u;
      return a->offer;
    }
  }
  /* the fallback is the same every time: found once */
  pl__anac *x = a->anac;
  const size_t ni = (size_t)s->n_issues;
  if (!x->has_fallback) {
    double u;
    int exact;
    x->has_fallback = -1;
    if (!pl_scenario_offer_at_least(s, a->party, 0.9 - 1e-6, x->fallback, &u,
                                    &exact, NULL) &&
        pl__agent_violations(a, x->fallback, u) == 0) {
      x->has_fallback = 1;
      x->fallback_u = u;
    }
  }
  if (x->has_fallback > 0) {
    memcpy(a->offer, x->fallback, ni * sizeof *a->offer);
    a->offer_u = x->fallback_u;
    return a->offer;
  }
  memcpy(a->offer, a->cand, (size_t)s->n_issues * sizeof *a->offer);
  a->offer_u = a->cand_u;
  return a->offer;
}

bool pl__iamcrazyhaggler_accepts(pl__agent *a, const pl__anac_offer *o) {
  return pl__anac_haggler_accepts(a, o, 0.85, true);
}
