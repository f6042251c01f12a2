/* The ANAC hall of fame as components (docs/agents.md).
 *
 * The BOA decomposition (Baarslag, Hindriks, Hendrikx, Dirkzwager & Jonker
 * 2014, "Decoupling negotiating agents to explore the space of negotiation
 * strategies"): an agent is an offering (bidding) strategy, an acceptance
 * condition and an opponent model, each replaceable. parley's built-in
 * agents (agent.h) already are; this adds the components of the ANAC
 * 2010-2012 agents, named presets that put an agent's own components
 * together, and the '+' syntax that swaps one of them:
 *   hardheaded                  its offering, acceptance and model
 *   agentk+ac=next              AgentK's offering with AC_next
 *   boulware+om=hardheaded      boulware with HardHeaded's model
 *   hardheaded+bid=agentk2      ...
 *
 * An offering component here is a target utility over time (the offering
 * walks the party's outcomes as the time-dependent agents do and offers the
 * least good outcome at or above target - band: "the worst outcome in
 * [target - 0.01, Pmax + 0.01]", as the reference transcriptions choose,
 * or, with a model, the outcome in the band the model likes best). Pmin
 * and Pmax are the worst and best outcomes at or above the reservation
 * value.
 *
 * Each agent's components live in their own file (hardheaded.c,
 * agentk.c, ...) with a comment citing its published source and every
 * ambiguity with what was chosen. */
#ifndef PL_ANAC_H
#define PL_ANAC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "agents/agent.h" /* pl__oset */

struct pl__agent;

/* What the ANAC components know of the negotiation so far. */
typedef struct pl__anac {
  int bid; /* index into pl__anac_bids, or -1 (a built-in curve) */
  int ac;  /* index into pl__anac_acs, or -1 (the built-in conditions) */
  double pmin;     /* the worst outcome at or above the reservation value */
  double discount; /* the party's discount factor */
  /* its own offers */
  size_t own_n;
  double own_last, own_lowest; /* lowest: 1 before any (as the reference) */
  /* the others' offers, in its own utility, in order */
  double *opp;
  size_t opp_n, opp_cap;
  double opp_max, opp_sum;
  uint64_t rng; /* probabilistic acceptance, random offers */
  /* IAMcrazyHaggler's fallback offer, found once (0 not yet, 1 found,
   * -1 none) */
  uint32_t *fallback;
  double fallback_u;
  int has_fallback;
  /* in small spaces, the outcomes a draw may keep (their indices) and the
   * chance that 100 draws all miss: the same law, drawn directly */
  uint64_t *support;
  size_t n_support;
  double miss;
  int has_support; /* 0 not yet, 1 listed, -1 too large a space */
  /* its own offers, every distinct outcome (conditions with needs_own) */
  pl__oset own_set;
} pl__anac;

/* The context of an acceptance decision. */
typedef struct pl__anac_offer {
  double t;      /* normalised time */
  double u;      /* the offer's utility for the party */
  int step;      /* rounds completed before this one */
  double next_u; /* the utility of its own next offer (when needs_next) */
  const uint32_t *options; /* the offer */
} pl__anac_offer;

typedef struct pl__anac_bid {
  const char *name;
  /* The target utility at time t (before the band is taken off). */
  double (*target)(const struct pl__agent *a, double t);
  /* A randomised offering's offer (into a->offer, a->offer_u), or NULL:
   * the walk to the target */
  const uint32_t *(*offer)(struct pl__agent *a);
} pl__anac_bid;

typedef struct pl__anac_ac {
  const char *name;
  bool needs_next; /* compares with its own next offer */
  bool (*accepts)(struct pl__agent *a, const pl__anac_offer *o);
  bool needs_own; /* looks the offer up among its own past offers */
} pl__anac_ac;

typedef struct pl__anac_preset {
  const char *name; /* as named in agent lists */
  const char *bid, *ac, *om; /* component names (om: "none", "freq",
                                "hardheaded") */
  double window; /* the model's window above the target */
} pl__anac_preset;

extern const pl__anac_bid pl__anac_bids[];
extern const size_t pl__anac_n_bids;
extern const pl__anac_ac pl__anac_acs[];
extern const size_t pl__anac_n_acs;
extern const pl__anac_preset pl__anac_presets[];
extern const size_t pl__anac_n_presets;

/* The band below the target that the reference offering searches (GENIUS
 * BOA's and NegMAS's utility_band_tolerance, 0.01), plus the 1e-6 below
 * it that NegMAS's outcome search still takes (its EPS: the outcome
 * nearest the band's floor among those at most 1e-6 under it). */
#define PL__ANAC_BAND (0.01 + 1e-6)

/* Lookups by name (len characters of name); -1 when unknown. */
int pl__anac_bid_find(const char *name, size_t len);
int pl__anac_ac_find(const char *name, size_t len);
const pl__anac_preset *pl__anac_preset_find(const char *name, size_t len);

/* The state, once the agent's scenario and party are known; seed for the
 * probabilistic conditions. */
int pl__anac_new(struct pl__agent *a, uint64_t seed);
void pl__anac_free(pl__anac *x);
/* Every offer made, its own included. */
int pl__anac_observe(struct pl__agent *a, int party, const uint32_t *options);
/* The ANAC offering's target at t (bidding.c's curve PL__CURVE_ANAC). */
double pl__anac_target(const struct pl__agent *a, double t);
/* The ANAC acceptance condition (agent.c, when a->anac->ac >= 0). */
bool pl__anac_accepts(struct pl__agent *a, double t, const uint32_t *offer,
                      double u, int *rc);

/* Components shared by several agents' files. */
double pl__anac_uniform(pl__anac *x); /* in [0, 1) */
/* The phased target of TheNegotiator, the IAMhagglers, Nozomi, CUHKAgent
 * and TheNegotiatorReloaded: Pmax before t1; down by drop (Pmax - Pmin)
 * linearly until t2; then from B = base Pmax down by late (B - Pmin)
 * linearly until the deadline; never below Pmin. t1 = 0: two phases. */
double pl__anac_phases(const struct pl__agent *a, double t, double t1,
                       double t2, double drop, double base, double late);
/* The IAMhagglers' acceptance (2010, 2011, 2012, crazy): 1.02 u above
 * (strict) or at least its last offer, its next offer or aspiration;
 * never before it has offered. */
bool pl__anac_haggler_accepts(const struct pl__agent *a,
                              const pl__anac_offer *o, double aspiration,
                              bool strict);
/* A randomised offering's offer, or NULL when the agent walks to its
 * target (bidding.c). */
const uint32_t *pl__anac_drawn(struct pl__agent *a);

/* The components, one file per agent. */
double pl__hardheaded_target(const struct pl__agent *a, double t);
double pl__hardheaded_p(double t, double pmax, double discount);
bool pl__hardheaded_accepts(struct pl__agent *a, const pl__anac_offer *o);
double pl__agentk_target(const struct pl__agent *a, double t);
double pl__agentk_accept_probability(double t, double u);
bool pl__agentk_accepts(struct pl__agent *a, const pl__anac_offer *o);
double pl__agentk2_target(const struct pl__agent *a, double t);
double pl__agentk2_accept_probability(double t, double u, double mean,
                                      double max, size_t n);
bool pl__agentk2_accepts(struct pl__agent *a, const pl__anac_offer *o);
double pl__bram_target(const struct pl__agent *a, double t);
double pl__bram_threshold(double t);
bool pl__bram_accepts(struct pl__agent *a, const pl__anac_offer *o);
double pl__gahboninho_target(const struct pl__agent *a, double t);
bool pl__gahboninho_accepts(struct pl__agent *a, const pl__anac_offer *o);
double pl__nicetitfortat_target(const struct pl__agent *a, double t);
bool pl__nicetitfortat_accepts(struct pl__agent *a, const pl__anac_offer *o);
double pl__thenegotiator_target(const struct pl__agent *a, double t);
int pl__thenegotiator_moves_left(double t, int step);
bool pl__thenegotiator_accepts(struct pl__agent *a, const pl__anac_offer *o);
double pl__iamhaggler2011_target(const struct pl__agent *a, double t);
bool pl__iamhaggler2011_accepts(struct pl__agent *a, const pl__anac_offer *o);
/* ANAC 2010 and 2012 */
double pl__iamhaggler2010_target(const struct pl__agent *a, double t);
bool pl__iamhaggler2010_accepts(struct pl__agent *a, const pl__anac_offer *o);
double pl__nozomi_target(const struct pl__agent *a, double t);
bool pl__nozomi_accepts(struct pl__agent *a, const pl__anac_offer *o);
double pl__yushu_target(const struct pl__agent *a, double t);
bool pl__yushu_accepts(struct pl__agent *a, const pl__anac_offer *o);
double pl__agentfsega_target(const struct pl__agent *a, double t);
bool pl__agentfsega_accepts(struct pl__agent *a, const pl__anac_offer *o);
double pl__iamcrazyhaggler_target(const struct pl__agent *a, double t);
bool pl__iamcrazyhaggler_accepts(struct pl__agent *a, const pl__anac_offer *o);
double pl__agentsmith_target(const struct pl__agent *a, double t);
bool pl__agentsmith_accepts(struct pl__agent *a, const pl__anac_offer *o);
double pl__cuhkagent_target(const struct pl__agent *a, double t);
bool pl__cuhkagent_accepts(struct pl__agent *a, const pl__anac_offer *o);
double pl__agentlg_target(const struct pl__agent *a, double t);
bool pl__agentlg_accepts(struct pl__agent *a, const pl__anac_offer *o);
double pl__thenegotiatorreloaded_target(const struct pl__agent *a, double t);
bool pl__thenegotiatorreloaded_accepts(struct pl__agent *a, const pl__anac_offer *o);
double pl__bramagent2_target(const struct pl__agent *a, double t);
bool pl__bramagent2_accepts(struct pl__agent *a, const pl__anac_offer *o);
double pl__iamhaggler2012_target(const struct pl__agent *a, double t);
bool pl__iamhaggler2012_accepts(struct pl__agent *a, const pl__anac_offer *o);
double pl__agentmr_target(const struct pl__agent *a, double t);
bool pl__agentmr_accepts(struct pl__agent *a, const pl__anac_offer *o);
double pl__omacagent_target(const struct pl__agent *a, double t);
double pl__omacagent_curve(double t, double pmax, double discount);
bool pl__omacagent_accepts(struct pl__agent *a, const pl__anac_offer *o);
const uint32_t *pl__iamcrazyhaggler_offer(struct pl__agent *a);
double pl__agentmr_paccept(double u, double t);

#endif
