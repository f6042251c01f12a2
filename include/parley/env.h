/*
 * env.h — a negotiation stepped by a learner, one action at a time: the
 * gym-like interface for learning research (docs/negotiation.md,
 * "Stepping a negotiation"; Python: parley.Env, docs/python.md).
 *
 * The learner holds one seat of a Stacked Alternating Offers negotiation;
 * every other seat is played by a named opponent strategy (any agents-list
 * spec of session.h: "boulware", "hardheaded", a plug-in's path, a
 * registered name). pl_env_reset starts a negotiation and runs it until it
 * is the learner's turn; pl_env_step applies the learner's action (an
 * offer, accept, or end) and runs the others until the learner's turn
 * comes again or the negotiation ends. It is the session engine itself:
 * the learner's seat is an agent of the agent table (agents.h) that
 * answers PL_AGENT_WAIT until an action is set, so the engine checks the
 * learner's answers as it checks any agent's, and pl_env_session gives the
 * events, transcript and result as pl_session_* read them.
 *
 * The conventions of core.h hold for every call declared here.
 */
#ifndef PARLEY_ENV_H
#define PARLEY_ENV_H

#include "parley/session.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pl_env pl_env;

typedef enum pl_action_kind {
  PL_ACTION_OFFER = 0,  /* reject the standing offer (if any) and offer */
  PL_ACTION_ACCEPT = 1, /* accept the standing offer */
  PL_ACTION_END = 2     /* walk out: the negotiation ends (PL_END_WALKOUT) */
} pl_action_kind;

typedef struct pl_action {
  pl_action_kind kind;
  /* PL_ACTION_OFFER: one option index per issue (issue_count entries,
   * copied by pl_env_step); else ignored. */
  const uint32_t *options;
} pl_action;

/* What the learner sees before each action, and at the end. */
typedef struct pl_observation {
  int round;     /* the round of the learner's turn (1-based); at the end,
                    the rounds begun (pl_session_rounds) */
  double time;   /* normalised time of the learner's turn, in [0,1]; at
                    the end, of the last event */
  /* The latest offer of another party (issue_count options; valid until
   * the next pl_env_* call), or NULL before any. */
  const uint32_t *offer;
  double offer_utility; /* its utility for the learner (0 without one) */
  int done;      /* 1 once the negotiation has ended */
  pl_end end;    /* how it ended; PL_END_RUNNING before */
  double payoff; /* the learner's payoff (pl_session_payoff) once done;
                    0 before */
} pl_observation;

/* An environment for `party` of the finished scenario s against
 * `opponent` (NULL: "boulware") in every other seat. o: the session's
 * options (NULL: defaults): rounds, time limits, registry (opponents
 * found by name) and the rest as pl_session_new takes them; the protocol
 * must be SAOP and o->seed is replaced by each reset's seed. The scenario
 * (and the registry) must outlive the environment. Nothing runs until
 * pl_env_reset. */
PL_API int pl_env_new(const pl_scenario *s, const pl_session_options *o,
                      int party, const char *opponent, pl_env **out,
                      pl_error *err);
PL_API void pl_env_free(pl_env *e);

/* A new negotiation with this seed (any negotiation under way is dropped),
 * run until the learner's turn or its end (it may end at once: an
 * opponent that opens with nothing to offer, or a seat that allows no
 * outcome). *obs (may be NULL) is valid until the next call. Errors: an
 * agent spec unknown or that cannot start (as pl_session_new), out of
 * memory. */
PL_API int pl_env_reset(pl_env *e, uint64_t seed, const pl_observation **obs,
                        pl_error *err);

/* Applies the learner's action and runs the other seats until the
 * learner's turn or the end. reward (may be NULL): the learner's payoff
 * when this step ended the negotiation, else 0.
 *
 * An action the engine refuses ends the negotiation with PL_END_FAILURE
 * naming the learner's party, as it does for any agent
 * (pl_session_failure says why): an offer with an option out of range,
 * an offer or an acceptance that breaks the learner's red lines or gives
 * it less than its reservation value, or accept with no offer standing.
 * The reward is then its payoff, the reservation value. Errors without
 * any change: PL_ESTATE before the first reset and after the end,
 * PL_EINVAL for an unknown kind or an offer without options. */
PL_API int pl_env_step(pl_env *e, const pl_action *a,
                       const pl_observation **obs, double *reward,
                       pl_error *err);

/* The current observation (all zero before the first reset). */
PL_API const pl_observation *pl_env_observation(const pl_env *e);
/* The negotiation under way or just ended (events, transcript, result,
 * failure), or NULL before the first reset; valid until the next reset. */
PL_API const pl_session *pl_env_session(const pl_env *e);
/* The learner's party. */
PL_API int pl_env_party(const pl_env *e);

#ifdef __cplusplus
}
#endif

#endif
