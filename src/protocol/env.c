/* A negotiation stepped by a learner (env.h). One engine: the learner's
 * seat is a version-2 agent table registered under LEARNER in a copy of
 * the caller's registry; it answers PL_AGENT_WAIT until pl_env_step sets an
 * action, so pl_session_step returns PL_SESSION_WAITING exactly at the
 * learner's turns and the engine checks the learner's answers like any
 * agent's (plugin.c, valid). */
#include <stdio.h>
#include <string.h>

#include "agents/agent.h"
#include "protocol/session_internal.h"

/* The name of the learner's seat in the agents list ('.' keeps it out of
 * the way of built-in names; pl_env_new refuses it as an opponent). */
#define LEARNER "parley.learner"

struct pl_env {
  const pl_scenario *s;
  pl_session_options o;
  pl_agent_registry *reg; /* the caller's entries and LEARNER */
  const char **agents;    /* per party: LEARNER or the opponent */
  char *opponent;
  int party, ni;
  pl_session *x;
  /* the action pl_env_step hands to the seat, consumed by its answer */
  bool pending;
  pl_action_kind kind;
  uint32_t *act; /* ni options */
  /* set by the seat when it waits: the engine is at the learner's turn */
  bool waited;
  int turn_round;
  double turn_time;
  pl_observation obs;
  char why[128]; /* why the seat's last answer was an error */
};

/* ---- the learner's seat (agents.h, version 2) ---------------------- */

static void *seat_create(const pl_agent_setup *su) { return su->ctx; }
static void seat_destroy(void *agent) { (void)agent; }

/* Not ready: the engine is at the learner's turn (pl_env_step returns). */
static int seat_wait(pl_env *e, const pl_agent_turn *turn) {
  e->waited = true;
  e->turn_round = turn->round;
  e->turn_time = turn->time;
  return PL_AGENT_WAIT;
}

static int seat_propose(void *agent, const pl_agent_turn *turn,
                        uint32_t *options) {
  pl_env *e = agent;
  if (!e->pending) return seat_wait(e, turn);
  e->pending = false;
  if (e->kind == PL_ACTION_END) return PL_AGENT_END;
  if (e->kind == PL_ACTION_ACCEPT) { /* asked to propose: nothing stands */
    snprintf(e->why, sizeof e->why, "it accepted with no offer to accept");
    return -1;
  }
  memcpy(options, e->act, (size_t)e->ni * sizeof *options);
  return 0;
}

static int seat_respond(void *agent, const pl_agent_turn *turn,
                        const uint32_t *offer) {
  (void)offer;
  pl_env *e = agent;
  if (!e->pending) return seat_wait(e, turn);
  /* an offer rejects; propose is asked next and takes the action */
  if (e->kind == PL_ACTION_OFFER) return PL_AGENT_REJECT;
  e->pending = false;
  return e->kind == PL_ACTION_ACCEPT ? PL_AGENT_ACCEPT : PL_AGENT_END;
}

static const char *seat_error(void *agent) {
  return ((pl_env *)agent)->why;
}

static const pl_agent_api SEAT = {
    .abi_version = PL_AGENT_ABI_VERSION,
    .struct_size = sizeof(pl_agent_api),
    .destroy = seat_destroy,
    .create2 = seat_create,
    .propose2 = seat_propose,
    .respond2 = seat_respond,
    .error = seat_error,
};

/* ---- the environment ----------------------------------------------- */

void pl_env_free(pl_env *e) {
  if (!e) return;
  pl_session_free(e->x);
  pl_agent_registry_free(e->reg);
  pl__free(e->agents);
  pl__free(e->opponent);
  pl__free(e->act);
  pl__free(e);
}

int pl_env_new(const pl_scenario *s, const pl_session_options *o, int party,
               const char *opponent, pl_env **out, pl_error *err) {
  *out = NULL;
  if (!s || !s->finished)
    return pl__err(err, PL_EINVAL, "the scenario is not finished");
  if (party < 0 || party >= s->n_parties)
    return pl__err(err, PL_ENOTFOUND,
                   "no party %d for the learner: the scenario has %d",
                   party, s->n_parties);
  if (!opponent) opponent = "boulware";
  size_t base = strcspn(opponent, ":");
  if (base == strlen(LEARNER) && !strncmp(opponent, LEARNER, base))
    return pl__err(err, PL_EINVAL,
                   "\"%s\" is the learner's seat, not an opponent", LEARNER);
  pl_env *e = pl__calloc(1, sizeof *e);
  if (!e) return pl__err(err, PL_ENOMEM, "out of memory");
  pl_session_options_init(&e->o);
  PL__OPTIONS_COPY(&e->o, o);
  e->s = s;
  e->party = party;
  e->ni = s->n_issues;
  int rc = PL_OK;
  if (e->o.protocol != PL_PROTOCOL_SAOP)
    rc = pl__err(err, PL_EUNSUPPORTED,
                 "a stepped negotiation runs the saop protocol only, not %s",
                 pl_protocol_name(e->o.protocol));
  if (!rc) rc = pl__agent_registry_copy(e->o.registry, &e->reg, err);
  if (!rc) rc = pl_agent_registry_add(e->reg, LEARNER, &SEAT, e, err);
  if (!rc) {
    e->o.registry = e->reg;
    e->opponent = pl__strdup(opponent);
    e->agents = pl__calloc((size_t)s->n_parties, sizeof *e->agents);
    e->act = pl__calloc((size_t)e->ni + 1, sizeof *e->act);
    if (!e->opponent || !e->agents || !e->act)
      rc = pl__err(err, PL_ENOMEM, "out of memory");
  }
  if (rc) {
    pl_env_free(e);
    return rc;
  }
  for (int p = 0; p < s->n_parties; p++)
    e->agents[p] = p == party ? LEARNER : e->opponent;
  *out = e;
  return PL_OK;
}

/* The observation after the engine stopped at the learner's turn or at the
 * end: the latest offer of another party from the events, back from the
 * last (in a bilateral negotiation, the last or one of the last three). */
static void observe(pl_env *e) {
  const pl_session *x = e->x;
  pl_observation *ob = &e->obs;
  ob->end = pl_session_end(x);
  ob->done = ob->end != PL_END_RUNNING;
  ob->round = ob->done ? pl_session_rounds(x) : e->turn_round;
  ob->time = ob->done ? pl_session_time(x) : e->turn_time;
  ob->payoff = ob->done ? pl_session_payoff(x, e->party) : 0;
  ob->offer = NULL;
  ob->offer_utility = 0;
  for (size_t k = pl_session_event_count(x); k-- > 0;) {
    const pl_event *ev = pl_session_event(x, k);
    if (ev->kind == PL_EVENT_OFFER && ev->party != e->party) {
      ob->offer = ev->options;
      ob->offer_utility = ev->utilities[e->party];
      break;
    }
  }
}

/* Steps the engine until the learner waits (its turn) or the end. An
 * opponent that waits (an outside agent not ready) is asked again at once
 * until its move limit fails it. */
static int advance(pl_env *e, pl_error *err) {
  e->waited = false;
  for (;;) {
    int rc = pl_session_step(e->x);
    if (rc == PL_SESSION_RUNNING) continue;
    if (rc == PL_SESSION_WAITING) {
      if (e->waited) break;
      continue;
    }
    if (rc < 0) return pl__err(err, rc, "out of memory");
    break; /* PL_SESSION_DONE */
  }
  observe(e);
  return PL_OK;
}

int pl_env_reset(pl_env *e, uint64_t seed, const pl_observation **obs,
                 pl_error *err) {
  pl_session *old = e->x;
  e->x = NULL;
  e->pending = false;
  memset(&e->obs, 0, sizeof e->obs);
  if (obs) *obs = &e->obs;
  e->o.seed = seed;
  e->why[0] = 0;
  /* freed first: the new negotiation takes its event arrays from the
   * thread's spares (session.c), so episodes grow no arrays again */
  pl_session_free(old);
  int rc = pl_session_new(e->s, &e->o, e->agents, &e->x, err);
  if (rc) return rc;
  /* the learner thinks between steps for as long as it likes */
  pl__session_no_move_limit(e->x, e->party);
  return advance(e, err);
}

int pl_env_step(pl_env *e, const pl_action *a, const pl_observation **obs,
                double *reward, pl_error *err) {
  if (obs) *obs = &e->obs;
  if (reward) *reward = 0;
  if (!e->x)
    return pl__err(err, PL_ESTATE, "no negotiation: reset the environment "
                                   "first");
  if (e->obs.done)
    return pl__err(err, PL_ESTATE, "the negotiation has ended (%s): reset "
                                   "the environment",
                   pl_end_name(e->obs.end));
  if (!a || (unsigned)a->kind > PL_ACTION_END)
    return pl__err(err, PL_EINVAL, "unknown action %d: expected offer, "
                                   "accept or end",
                   a ? (int)a->kind : -1);
  if (a->kind == PL_ACTION_OFFER) {
    if (!a->options)
      return pl__err(err, PL_EINVAL, "an offer needs its options");
    memcpy(e->act, a->options, (size_t)e->ni * sizeof *e->act);
  }
  e->kind = a->kind;
  e->pending = true;
  int rc = advance(e, err);
  e->pending = false;
  if (rc) return rc;
  if (reward && e->obs.done) *reward = e->obs.payoff;
  return PL_OK;
}

const pl_observation *pl_env_observation(const pl_env *e) { return &e->obs; }
const pl_session *pl_env_session(const pl_env *e) { return e->x; }
int pl_env_party(const pl_env *e) { return e->party; }
