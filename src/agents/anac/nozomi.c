/* Nozomi (ANAC 2010 finalist), by Hiroyuki Osaki (Nagoya Institute of
 * Technology); described in the ANAC 2010 report (Baarslag, Hindriks,
 * Jonker, Kraus & Lin 2012, "The first automated negotiating agents
 * competition (ANAC 2010)", in New Trends in Agent-based Complex
 * Automated Negotiations, Studies in Computational Intelligence 383,
 * Springer 2012, pp. 113-135); BOA decomposition in Baarslag et al. 2014.
 *
 * At the level of the reference transcription (NegMAS's GNozomiOffering
 * and GACNozomi):
 *   offering: Pmax - 0.1 (Pmax - Pmin) t / 0.8 before t = 0.8; then from
 *   B = 0.9 Pmax down to Pmin at the deadline (pl__anac_phases);
 *   acceptance, with L its last offer (1 before any), M the best offer of
 *   the opponent's so far (the current one included) and C = min(M, 0.95):
 *   accept u > 0.95 or u >= L; before t = 0.5 when u > C, u >= M and
 *   u > L (1 - 0.1 t); before t = 0.8 when u > 0.95 C and
 *   u > L (0.95 - 0.16 (t - 0.5)); after, when u > 0.9 C and
 *   u >= L (1 - 0.4) up to t = 0.9, u >= L (1 - 0.5) after.
 * Ambiguities: the original (no paper of its own) also compromises by
 * issue towards the opponent's best offer and keeps a list of bids to
 * restart from; the transcription keeps the curve and the phased
 * condition, and parley follows it. The reference keeps M over the offers
 * it answered, parley over the offers it saw: the same in a bilateral
 * negotiation (it answers every offer). */
#include "agents/agent.h"
#include "agents/anac/anac.h"

double pl__nozomi_target(const pl__agent *a, double t) {
  return pl__anac_phases(a, t, 0, 0.8, 0.1, 0.9, 1.0);
}

bool pl__nozomi_accepts(pl__agent *a, const pl__anac_offer *o) {
  const pl__anac *x = a->anac;
  const double u = o->u, t = o->t;
  const double last = x->own_n ? x->own_last : 1.0;
  const double max = x->opp_n && x->opp_max > 0 ? x->opp_max : 0;
  const double compromise = max < 0.95 ? max : 0.95;
  if (u > 0.95 || u >= last) return true;
  if (t < 0.5)
    return u > compromise && u >= max && u > last * (-0.1 * t + 1.0);
  if (t < 0.8)
    return u > compromise * 0.95 && u > last * (-0.16 * (t - 0.5) + 0.95);
  return u > compromise * 0.9 && u >= last * (1 - (t <= 0.9 ? 0.4 : 0.5));
}
