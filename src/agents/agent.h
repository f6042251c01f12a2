/* Built-in agents (strategies) as the protocols see them.
 *
 * An agent is a bidding strategy, an acceptance condition and, optionally,
 * an opponent model, chosen by name and parameters
 * ("boulware:ac=next+time,t=0.95,om=freq"; docs/negotiation.md):
 *   - bidding (bidding.c): time-dependent concession, aspiration, the
 *     hardliner, random, MiCRO, tit-for-tat; all walk the party's outcomes
 *     from the best down (pl_offer_iter) or search by branch and bound, so
 *     no step enumerates the outcome space;
 *   - acceptance (agent.c): AC_next, AC_const, AC_time, or any of them
 *     together (Baarslag, Hindriks & Jonker 2011, "Acceptance conditions in
 *     automated negotiation"), always within the party's red lines and
 *     reservation value;
 *   - the frequency opponent model (opponent.c), used by the bidding to
 *     pick, among outcomes about equally good for its party, the one the
 *     others are estimated to like best. */
#ifndef PL_AGENT_H
#define PL_AGENT_H

#include <stdbool.h>

#include "model/scenario_internal.h"

typedef enum pl__agent_kind {
  PL__AGENT_TIMEDEP, /* time-dependent concession (Faratin, Sierra &
                        Jennings 1998), aspiration, and the hardliner */
  PL__AGENT_RANDOM,  /* a random acceptable outcome each turn (seeded) */
  PL__AGENT_PLUGIN,  /* a shared object's pl_agent_api */
  PL__AGENT_TFT,     /* tit-for-tat in utility: concedes as much as the
                        others' offers improved for it (after Faratin,
                        Sierra & Jennings 1998, relative tit-for-tat) */
  PL__AGENT_MICRO    /* MiCRO (de Jonge 2022, "An analysis of the linear
                        bilateral ANAC domains using the MiCRO benchmark
                        strategy"): concede to the next-best outcome only
                        once the others have made at least as many
                        distinct offers as it has */
} pl__agent_kind;

/* The concession curve of a time-dependent agent, over [Pmin, Pmax]:
 *   FARATIN  1 - (k + (1 - k) t^(1/e))         (e < 1 Boulware)
 *   POLY     1 - t^e                            (NegMAS's PolyAspiration;
 *                                                e > 1 concedes late)
 *   EXP      (exp((1 - t)^e) - 1) / (exp(1) - 1) (NegMAS's exponential
 *                                                aspiration) */
typedef enum pl__curve {
  PL__CURVE_FARATIN,
  PL__CURVE_POLY,
  PL__CURVE_EXP,
  PL__CURVE_ANAC /* an ANAC agent's offering (anac/anac.h) */
} pl__curve;

/* Acceptance conditions, any of which accepts (an offer the party allows):
 *   NEXT   alpha * u(its next offer) + beta <= u(offer)
 *   CONST  u(offer) >= c
 *   TIME   t >= time */
enum { PL__AC_NEXT = 1, PL__AC_CONST = 2, PL__AC_TIME = 4 };

/* The frequency opponent model (opponent.c). */
typedef struct pl__om pl__om;
int pl__om_new(const pl_scenario *s, int self, pl__om **out);
/* The weight an unchanged issue gains per offer (default 0.1; HardHeaded's
 * model: 0.2). */
void pl__om_set_learn(pl__om *m, double learn);
void pl__om_free(pl__om *m);
void pl__om_observe(pl__om *m, int party, const uint32_t *options);
/* Estimated utility of the outcome for another party, in [0,1]. */
double pl__om_utility(const pl__om *m, int party, const uint32_t *options);
/* The product of the others' estimated utilities (a Nash-like score);
 * 0 before anything was observed. */
double pl__om_score(const pl__om *m, const uint32_t *options);
bool pl__om_ready(const pl__om *m);

/* A set of outcomes, exact (their options compared, not only a hash):
 * open addressing over indices into a list of the outcomes added. */
typedef struct pl__oset {
  uint32_t *items;  /* n outcomes of ni options each */
  size_t n, items_cap;
  uint32_t *slots;  /* 0 empty, else index + 1 into items */
  size_t n_slots;
} pl__oset;
/* Adds the outcome: 1 when new, 0 when there already, PL_ENOMEM. */
int pl__oset_add(pl__oset *set, const uint32_t *o, int ni);
bool pl__oset_has(const pl__oset *set, const uint32_t *o, int ni);
void pl__oset_free(pl__oset *set);

typedef struct pl__agent {
  const pl_scenario *s;
  int party;
  pl__agent_kind kind;
  /* bidding */
  pl__curve curve;
  double e, k;
  bool hardliner;
  uint64_t rng;              /* random */
  size_t own;                /* micro: its offers */
  pl__oset seen;             /* micro: the others' distinct offers */
  double tft_target, tft_last; /* tit-for-tat: target, last offer's worth */
  bool tft_seen;
  /* acceptance */
  unsigned ac;
  double ac_alpha, ac_beta, ac_c, ac_time;
  /* opponent model: with om, the agent offers, among the outcomes walked
   * at or above its target and within om_window of it, the one the model
   * scores best; ring holds the last PL__RING outcomes walked */
  pl__om *om;
  double om_window;
  uint32_t *ring;
  double *ring_u;
  size_t ring_n, ring_head;
  /* the ANAC components' state (anac/anac.h), or NULL */
  struct pl__anac *anac;
  /* plug-in or registered table: the library, its table, its agent */
  void *dl;
  const pl_agent_api *api;
  void *state;
  bool v2;        /* a version-2 table */
  bool failed;    /* plug-in broke a rule: never called again */
  bool walk_out;  /* plug-in ended the negotiation */
  bool waiting;   /* its last answer was PL_AGENT_WAIT */
  double wait_since; /* wall clock of its first PL_AGENT_WAIT, or < 0 */
  double move_limit;
  const struct pl_session *session;
  char why[256];  /* after failed: what it did wrong */
  /* the walk down the party's outcomes: pl_offer_iter for additive
   * parties; for hyper-rectangle parties a list sorted best first, of
   * every outcome (small spaces) or of a sampled pool (bidding.c) */
  pl_offer_iter *it;
  uint32_t *pool;
  double *pool_u;
  size_t pool_n, pool_next;
  bool pool_exact;
  uint32_t *cand, *peek, *offer;  /* issue_count options each */
  double cand_u, peek_u, offer_u; /* cand: least good at or above the
                                     target; offer: what it offers */
  bool has_cand, has_peek, exhausted;
  double pmax;
  /* Large spaces and no red lines: branch and bound for each new target
   * (pl_scenario_offer_at_least) instead of walking every outcome above
   * it. */
  bool search;
  struct pl__mitm *mitm; /* the search by meet in the middle, when the
                            space's halves are small enough */
  double last_target;
  double target_t, target_v; /* the last target computed, and when */
  double peek_t;             /* before this time the target stays above
                                peek_u (walking agents: no pow per turn);
                                < 0: not known */
  uint32_t *work;            /* scratch: issue_count options */
  /* Bounds on the work (docs/negotiation.md, "How offers are found"):
   * hopeless: the party allows no outcome at all (pl__highest_allowed
   * says so before the first round): nothing is walked or searched;
   * floor: below this utility the party allows nothing, so the walk from
   * the best down ends there; walked: outcomes walked in the current
   * answer, at most PL__WALK_TURN, the session's clock (expired) looked at
   * every PL__WALK_CLOCK of them; cut: the current answer's walk stopped
   * at one of these bounds; visited: outcomes walked in all (tests count
   * work with it). */
  bool hopeless, cut;
  double floor;
  uint64_t walked, visited;
  bool (*expired)(void *ctx);
  void *expired_ctx;
} pl__agent;

#define PL__WALK_TURN ((uint64_t)1 << 20)
#define PL__WALK_CLOCK 4096

#define PL__RING 128

/* What the session gives its agents: its options, itself (the history for
 * outside agents) and where outside agents log their messages. */
typedef struct pl__env {
  const pl_session_options *o;
  const struct pl_session *x;
  void (*log)(void *ctx, int party, int dir, const char *line, size_t len);
  void *log_ctx;
} pl__env;

/* spec: a strategy name with optional parameters after ':' (agent.c lists
 * them), a name in env->o->registry, "ext:CMD", "ext+tcp:HOST:PORT", "ext+unix:PATH", or a
 * plug-in's path. seed: the session's seed (random agents mix in their
 * party). */
int pl__agent_init(pl__agent *a, const pl_scenario *s, int party,
                   const char *spec, uint64_t seed, const pl__env *env,
                   pl_error *err);
void pl__agent_free(pl__agent *a);
/* The walk for a hyper-rectangle party (bidding.c). */
int pl__pool_init(pl__agent *a, pl_error *err);
/* Plug-ins and registered tables (src/agents/plugin.c): spec is
 * "path[:params]" or "name[:params]". */
int pl__plugin_init(pl__agent *a, const char *spec, uint64_t seed,
                    const pl__env *env, pl_error *err);
/* A table found by name (the registry, or ext / ext+tcp); 1 when spec
 * names none (a built-in strategy), else PL_OK or an error. */
/* Whether spec ("name" or "name:params") names an agent of r (NULL:
 * none). */
bool pl__registry_has(const pl_agent_registry *r, const char *spec);
/* Which external agent spec names: 1 "ext:", 2 "ext+tcp:", 3
 * "ext+unix:", 0 none. */
int pl__ext_kind(const char *spec);
/* Adds every name of from (NULL: none) to to. */
int pl__registry_copy(pl_agent_registry *to, const pl_agent_registry *from,
                      pl_error *err);
int pl__table_lookup(pl__agent *a, const char *spec, uint64_t seed,
                     const pl__env *env, pl_error *err);
/* A new registry with the entries of `from` (NULL: none). */
int pl__agent_registry_copy(const pl_agent_registry *from,
                            pl_agent_registry **out, pl_error *err);
void pl__plugin_free(pl__agent *a);
bool pl__plugin_propose(pl__agent *a, double t, const uint32_t **options);
bool pl__plugin_accepts(pl__agent *a, double t, const uint32_t *offer);
/* Single text: its comment on the draft (false: it failed, walked out or
 * waits). */
bool pl__plugin_comment(pl__agent *a, double t, const uint32_t *draft,
                        uint32_t *want);
/* Mediated, for tables with vote: 1 for the change, 0 against, -1 when it
 * failed, walked out or waits. */
int pl__plugin_vote(pl__agent *a, double t, const uint32_t *from,
                    const uint32_t *to);
/* An event for tables with an event callback. */
void pl__plugin_event(pl__agent *a, const pl_event *e);

/* Tells the agent another party offered (or, in the single text, wanted)
 * an outcome. */
int pl__agent_observe(pl__agent *a, int party, const uint32_t *options);
/* Whether the outcome is acceptable at all to the agent's party: its red
 * lines hold and it gives at least the reservation value. Options may be
 * PL_NOT_AGREED (a partial agreement: the issue stays at the status quo;
 * a rule counts only when every issue it mentions is agreed, a linkage
 * breaks when some of its issues are agreed and others not). */
bool pl__agent_allows(const pl__agent *a, const uint32_t *options);
/* The same with the outcome's utility for the party known: how many of
 * its red lines it breaks, plus 1 when it is below the reservation value
 * (0: allowed). */
int pl__agent_violations(const pl__agent *a, const uint32_t *options,
                         double u);
/* The offer at time t, or false when the party has no acceptable outcome,
 * it walked out (walk_out), its plug-in failed (failed) or out of memory
 * (*rc). The options live until the next call; offer_u is their utility. */
bool pl__agent_propose(pl__agent *a, double t, const uint32_t **options,
                       int *rc);
/* The acceptance condition at time t for an offer worth u to the party
 * (false also after a walk-out or a failure, see propose). */
bool pl__agent_accepts(pl__agent *a, double t, const uint32_t *offer,
                       double u, int *rc);
/* The single text: the agent's answer to a draft it does not accept,
 * article by article. Fills want (issue_count options: the draft with the
 * options it wants instead) and rejects (1 for each article it rejects).
 * Built-in agents change as few articles as they can: first one article at
 * a time, the change that best repairs their red lines and reservation
 * and then best closes the gap to their target; if that stalls, articles
 * of their own offer until the text is one they would accept. False as
 * propose is. */
bool pl__agent_comment(pl__agent *a, double t, const uint32_t *draft,
                       uint32_t *want, uint8_t *rejects, int *rc);
/* Mediated: the agent's vote on changing the text from `from` to `to`: 1
 * for, 0 against, -1 when its table failed, walked out or waits. Built-in
 * agents (and tables without vote) are for the change when the new text
 * is at least as acceptable (red lines and reservation) and, equally
 * acceptable, at least as good for the party: a hill climber. */
int pl__agent_vote(pl__agent *a, double t, const uint32_t *from,
                   const uint32_t *to);

#endif
