/* The ANAC components' tables, presets and shared state (anac.h). */
#include <math.h>
#include <string.h>

#include "agents/agent.h"
#include "agents/anac/anac.h"

const pl__anac_bid pl__anac_bids[] = {
    {"hardheaded", pl__hardheaded_target, NULL},
    {"agentk", pl__agentk_target, NULL},
    {"agentk2", pl__agentk2_target, NULL},
    {"bramagent", pl__bram_target, NULL},
    {"gahboninho", pl__gahboninho_target, NULL},
    {"nicetitfortat", pl__nicetitfortat_target, NULL},
    {"thenegotiator", pl__thenegotiator_target, NULL},
    {"iamhaggler2011", pl__iamhaggler2011_target, NULL},
    {"iamhaggler2010", pl__iamhaggler2010_target, NULL},
    {"nozomi", pl__nozomi_target, NULL},
    {"yushu", pl__yushu_target, NULL},
    {"agentfsega", pl__agentfsega_target, NULL},
    {"iamcrazyhaggler", pl__iamcrazyhaggler_target, pl__iamcrazyhaggler_offer},
    {"agentsmith", pl__agentsmith_target, NULL},
    {"cuhkagent", pl__cuhkagent_target, NULL},
    {"agentlg", pl__agentlg_target, NULL},
    {"thenegotiatorreloaded", pl__thenegotiatorreloaded_target, NULL},
    {"bramagent2", pl__bramagent2_target, NULL},
    {"iamhaggler2012", pl__iamhaggler2012_target, NULL},
    {"agentmr", pl__agentmr_target, NULL},
    {"omacagent", pl__omacagent_target, NULL},
};
const size_t pl__anac_n_bids = sizeof pl__anac_bids / sizeof *pl__anac_bids;

const pl__anac_ac pl__anac_acs[] = {
    {"hardheaded", true, pl__hardheaded_accepts, false},
    {"agentk", false, pl__agentk_accepts, false},
    {"agentk2", false, pl__agentk2_accepts, false},
    {"bramagent", true, pl__bram_accepts, false},
    {"gahboninho", false, pl__gahboninho_accepts, false},
    {"nicetitfortat", true, pl__nicetitfortat_accepts, false},
    {"thenegotiator", false, pl__thenegotiator_accepts, false},
    {"iamhaggler2011", true, pl__iamhaggler2011_accepts, false},
    {"iamhaggler2010", true, pl__iamhaggler2010_accepts, false},
    {"nozomi", false, pl__nozomi_accepts, false},
    {"yushu", false, pl__yushu_accepts, false},
    {"agentfsega", true, pl__agentfsega_accepts, false},
    {"iamcrazyhaggler", true, pl__iamcrazyhaggler_accepts, false},
    {"agentsmith", false, pl__agentsmith_accepts, false},
    {"cuhkagent", true, pl__cuhkagent_accepts, false},
    {"agentlg", false, pl__agentlg_accepts, false},
    {"thenegotiatorreloaded", true, pl__thenegotiatorreloaded_accepts, false},
    {"bramagent2", true, pl__bramagent2_accepts, false},
    {"iamhaggler2012", true, pl__iamhaggler2012_accepts, false},
    {"agentmr", false, pl__agentmr_accepts, false},
    {"omacagent", true, pl__omacagent_accepts, true},
};
const size_t pl__anac_n_acs = sizeof pl__anac_acs / sizeof *pl__anac_acs;

/* Each agent with its own components (docs/agents.md). */
const pl__anac_preset pl__anac_presets[] = {
    {"hardheaded", "hardheaded", "hardheaded", "hardheaded", 0.02},
    {"agentk", "agentk", "agentk", "none", 0.05},
    {"agentk2", "agentk2", "agentk2", "none", 0.05},
    {"bramagent", "bramagent", "bramagent", "none", 0.05},
    {"gahboninho", "gahboninho", "gahboninho", "none", 0.05},
    {"nicetitfortat", "nicetitfortat", "nicetitfortat", "none", 0.05},
    {"thenegotiator", "thenegotiator", "thenegotiator", "none", 0.05},
    {"iamhaggler2011", "iamhaggler2011", "iamhaggler2011", "none", 0.05},
    {"iamhaggler2010", "iamhaggler2010", "iamhaggler2010", "none", 0.05},
    {"nozomi", "nozomi", "nozomi", "none", 0.05},
    {"yushu", "yushu", "yushu", "none", 0.05},
    {"agentfsega", "agentfsega", "agentfsega", "none", 0.05},
    {"iamcrazyhaggler", "iamcrazyhaggler", "iamcrazyhaggler", "none", 0.05},
    {"agentsmith", "agentsmith", "agentsmith", "none", 0.05},
    {"cuhkagent", "cuhkagent", "cuhkagent", "none", 0.05},
    {"agentlg", "agentlg", "agentlg", "none", 0.05},
    {"thenegotiatorreloaded", "thenegotiatorreloaded", "thenegotiatorreloaded", "none", 0.05},
    {"bramagent2", "bramagent2", "bramagent2", "none", 0.05},
    {"iamhaggler2012", "iamhaggler2012", "iamhaggler2012", "none", 0.05},
    {"agentmr", "agentmr", "agentmr", "none", 0.05},
    {"omacagent", "omacagent", "omacagent", "none", 0.05},
};
const size_t pl__anac_n_presets =
    sizeof pl__anac_presets / sizeof *pl__anac_presets;

static bool named(const char *name, const char *s, size_t len) {
  return strlen(name) == len && !strncmp(name, s, len);
}

int pl__anac_bid_find(const char *s, size_t len) {
  for (size_t k = 0; k < pl__anac_n_bids; k++)
    if (named(pl__anac_bids[k].name, s, len)) return (int)k;
  return -1;
}

int pl__anac_ac_find(const char *s, size_t len) {
  for (size_t k = 0; k < pl__anac_n_acs; k++)
    if (named(pl__anac_acs[k].name, s, len)) return (int)k;
  return -1;
}

const pl__anac_preset *pl__anac_preset_find(const char *s, size_t len) {
  for (size_t k = 0; k < pl__anac_n_presets; k++)
    if (named(pl__anac_presets[k].name, s, len)) return &pl__anac_presets[k];
  return NULL;
}

/* Pmin: the least good outcome at or above the reservation value (the
 * reference's "rational" outcomes). */
static double worst_rational(const pl__agent *a) {
  const pl_scenario *s = a->s;
  const double rv = s->parties[a->party].reservation;
  if (a->pool) {
    double best = -1;
    for (size_t k = 0; k < a->pool_n; k++)
      if (a->pool_u[k] >= rv - PL_TOLERANCE && (best < 0 || a->pool_u[k] < best))
        best = a->pool_u[k];
    return best < 0 ? rv : best;
  }
  double u;
  int exact;
  if (pl_scenario_offer_at_least(s, a->party, rv, a->work, &u, &exact, NULL))
    return rv;
  return u;
}

int pl__anac_new(pl__agent *a, uint64_t seed) {
  pl__anac *x = a->anac;
  x->pmin = worst_rational(a);
  x->discount = pl_scenario_discount(a->s, a->party);
  x->own_lowest = 1.0;
  x->rng = seed ^ (0xA0761D6478BD642Full * (uint64_t)(a->party + 1));
  /* a randomised offering's fallback outcome (iamcrazyhaggler.c) */
  if (x->bid >= 0 && pl__anac_bids[x->bid].offer &&
      !(x->fallback = pl__malloc((size_t)a->s->n_issues * sizeof *x->fallback)))
    return PL_ENOMEM;
  return PL_OK;
}

void pl__anac_free(pl__anac *x) {
  if (!x) return;
  pl__free(x->opp);
  pl__free(x->fallback);
  pl__free(x->support);
  pl__oset_free(&x->own_set);
  pl__free(x);
}

double pl__anac_uniform(pl__anac *x) {
  return (double)(pl__splitmix64(&x->rng) >> 11) * 0x1.0p-53;
}

int pl__anac_observe(pl__agent *a, int party, const uint32_t *o) {
  pl__anac *x = a->anac;
  if (!o) return PL_OK;
  const double u = pl_scenario_utility(a->s, a->party, o);
  if (party == a->party) {
    if (x->ac >= 0 && pl__anac_acs[x->ac].needs_own) {
      int rc = pl__oset_add(&x->own_set, o, a->s->n_issues);
      if (rc < 0) return rc;
    }
    x->own_n++;
    x->own_last = u;
    if (u < x->own_lowest) x->own_lowest = u;
    return PL_OK;
  }
  if (x->opp_n == x->opp_cap) {
    size_t cap = x->opp_cap ? 2 * x->opp_cap : 64;
    double *n = pl__realloc(x->opp, cap * sizeof *n);
    if (!n) return PL_ENOMEM;
    x->opp = n;
    x->opp_cap = cap;
  }
  x->opp[x->opp_n++] = u;
  if (x->opp_n == 1 || u > x->opp_max) x->opp_max = u;
  x->opp_sum += u;
  return PL_OK;
}

double pl__anac_phases(const pl__agent *a, double t, double t1, double t2,
                       double drop, double base, double late) {
  const double pmax = a->pmax, pmin = a->anac->pmin;
  double target;
  if (t < t1) {
    target = pmax;
  } else if (t < t2) {
    target = pmax - (pmax - pmin) * drop * ((t - t1) / (t2 - t1));
  } else {
    const double b = pmax * base;
    target = b - (b - pmin) * late * ((t - t2) / (1.0 - t2));
  }
  return target > pmin ? target : pmin;
}

const uint32_t *pl__anac_drawn(pl__agent *a) {
  const pl__anac *x = a->anac;
  if (!x || x->bid < 0 || !pl__anac_bids[x->bid].offer) return NULL;
  return pl__anac_bids[x->bid].offer(a);
}

bool pl__anac_haggler_accepts(const pl__agent *a, const pl__anac_offer *o,
                              double aspiration, bool strict) {
  const pl__anac *x = a->anac;
  if (!x->own_n) return false;
  const double v = o->u * 1.02;
  if (strict) return v > x->own_last || v > o->next_u || v > aspiration;
  return v >= x->own_last || v >= o->next_u || v >= aspiration;
}

double pl__anac_target(const pl__agent *a, double t) {
  return pl__anac_bids[a->anac->bid].target(a, t) - PL__ANAC_BAND;
}

bool pl__anac_accepts(pl__agent *a, double t, const uint32_t *offer,
                      double u, int *rc) {
  const pl__anac_ac *ac = &pl__anac_acs[a->anac->ac];
  pl__anac_offer o = {t, u, (int)a->anac->own_n, 1.0, offer};
  if (ac->needs_next) {
    const uint32_t *mine;
    if (!pl__agent_propose(a, t, &mine, rc)) return false;
    o.next_u = a->offer_u;
  }
  return ac->accepts(a, &o);
}
