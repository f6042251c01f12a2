/*
 * session.h — negotiations: protocols, deadlines, agents by name, events,
 * transcripts and results (docs/negotiation.md).
 *
 * The conventions of core.h hold for every call declared here.
 */
#ifndef PARLEY_SESSION_H
#define PARLEY_SESSION_H

#include "parley/analysis.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Negotiation                                                         */
/* ------------------------------------------------------------------ */

/* A negotiation between the parties of a finished scenario under a
 * protocol, one agent (strategy) per party, advanced one action at a time
 * (docs/negotiation.md): the Stacked Alternating Offers Protocol (Aydogan
 * et al. 2017) for 1..n parties; a drafter-led single negotiating text
 * (Fisher & Ury's one-text procedure: one party drafts the whole text, the
 * others accept it or comment article by article with the option they
 * want, the drafter answers with a revised text); a mediator-led single
 * text (Klein, Faratin, Sayama & Bar-Yam 2003: a mediator proposes one
 * change to the text at a time, the change stands when every party votes
 * for it). Deadlines in rounds and/or wall time; partial agreements
 * (articles left at the status quo) when asked for. */
typedef struct pl_session pl_session;
/* Named agent factories (agents.h). */
typedef struct pl_agent_registry pl_agent_registry;

typedef enum pl_protocol {
  PL_PROTOCOL_SAOP = 0,    /* Stacked Alternating Offers */
  PL_PROTOCOL_TEXT = 1,    /* single negotiating text, drafter-led */
  PL_PROTOCOL_MEDIATED = 2 /* single text, mediator-led (Klein et al. 2003) */
} pl_protocol;
/* "saop", "text", "mediated" */
PL_API const char *pl_protocol_name(pl_protocol p);

typedef struct pl_session_options {
  size_t struct_size; /* sizeof(pl_session_options), set by _init */
  pl_protocol protocol; /* default PL_PROTOCOL_SAOP */
  int drafter;        /* PL_PROTOCOL_TEXT: the party that drafts (default
                         0) */
  int rounds;         /* deadline: rounds in which every party acts once
                         (default 100); 0: none (then time_limit must be
                         set) */
  uint64_t seed;      /* for randomised strategies (default 0) */
  double time_limit;  /* deadline in seconds of wall time from the first
                         step (default 0: none). With both deadlines,
                         normalised time is the later of the two clocks
                         and whichever comes first ends the negotiation */
  /* The clock for time_limit, in seconds (default: CLOCK_MONOTONIC); a
   * virtual clock makes timed runs reproducible. */
  double (*clock)(void *ctx);
  void *clock_ctx;
  size_t max_events;  /* the transcript's length limit (default 1,000,000;
                         0: none): a run that reaches it ends with
                         PL_END_EVENT_LIMIT, so a time limit alone cannot
                         fill the memory (an event takes 40 bytes plus 5 per
                         issue and 8 per party) */
  int partial;        /* 1: when the deadline passes without agreement, the
                         articles every party accepted are agreed and the
                         others stay at the status quo, if every party
                         allows that partial text (needs a status quo) */
  /* Agents from outside the library (agents.h): names looked up before
   * the built-in strategies (NULL: none). */
  const pl_agent_registry *registry;
  /* Limits on outside agents (0: none): seconds of wall time for one
   * answer (default 60) and for all of a party's answers (default none);
   * an agent past either fails. Bytes in one message of the wire
   * protocol (default 1 MiB). */
  double move_limit;
  double agent_limit;
  size_t max_message;
  /* Where the scenario was read from (paths, and pl_load_options'
   * real_intervals), for the "run" line that opens the transcript of a
   * negotiation with external agents, so that pl_replay_open can load it
   * again (NULL, 0: not recorded). */
  const char *const *inputs;
  size_t n_inputs;
  unsigned real_intervals;
  /* 1: the messages exchanged with outside agents are not kept
   * (pl_session_message_count stays 0, the transcript has none): a copy
   * of every line saved where nobody reads them, as in tournaments and
   * benchmarks (default 0: kept). */
  int drop_messages;
} pl_session_options;
PL_API void pl_session_options_init(pl_session_options *o);

/* agents[party] names a strategy with optional parameters after a colon
 * (docs/negotiation.md has the full list):
 *   bidding: "boulware" (e = 0.2), "linear" (e = 1), "conceder" (e = 5),
 *   "timedep:e=0.5,k=0.1", "aspiration" (NegMAS's curve 1 - t^e, e = 4;
 *   curve=exp for the exponential one), "hardliner", "random" (seeded by
 *   seed and the party), "micro" (MiCRO), "tit-for-tat";
 *   acceptance, for any of them: ac=next (default; alpha=, beta=),
 *   ac=const (c=, default 0.8), ac=time (t=, default 0.99), or several
 *   joined by '+' (any accepts);
 *   om=freq: offer, among outcomes within w (default 0.05) above the
 *   target, the one a frequency model of the others likes best
 *   (om=hardheaded: HardHeaded's variant of the model);
 *   ANAC agents (docs/agents.md): "hardheaded", "agentk", "agentk2",
 *   "bramagent", "gahboninho", "nicetitfortat", "thenegotiator",
 *   "iamhaggler2011", each its own offering, acceptance and model;
 *   "+key=value" after a name swaps one (bid=, ac=, om=), e.g.
 *   "agentk+ac=next", "boulware+om=hardheaded", "boulware+ac=hardheaded";
 *   or a plug-in's path, "ext:COMMAND", "ext+tcp:HOST:PORT" or
 *   "ext+unix:PATH" (an
 *   external agent, docs/agent-protocol.md), or a name registered in
 *   options.registry (agents.h).
 * Every strategy keeps to its party's red lines and reservation value: it
 * never proposes or accepts an outcome that breaks them. The scenario must
 * outlive the session. */
PL_API int pl_session_new(const pl_scenario *s, const pl_session_options *o,
                          const char *const *agents, pl_session **out,
                          pl_error *err);
PL_API void pl_session_free(pl_session *x);

#define PL_SESSION_RUNNING 1
#define PL_SESSION_DONE 0
#define PL_SESSION_WAITING 2
/* One party's turn: PL_SESSION_RUNNING, PL_SESSION_DONE once the
 * negotiation has ended, PL_SESSION_WAITING when an outside agent is not
 * ready to answer (PL_AGENT_WAIT: nothing changed; step again later), or
 * a negative status (out of memory). Steps after the end return
 * PL_SESSION_DONE. */
PL_API int pl_session_step(pl_session *x);
/* Steps until the negotiation has ended: PL_SESSION_DONE, or a negative
 * status (out of memory) as pl_session_step returns it. The same events
 * and result as calling pl_session_step until it stops returning
 * PL_SESSION_RUNNING; for callers to whom one call per turn is costly
 * (language bindings: a foreign call per turn made Python 8x slower). */
PL_API int pl_session_run(pl_session *x);

typedef enum pl_end {
  PL_END_RUNNING = 0,
  PL_END_AGREEMENT = 1,
  PL_END_DEADLINE = 2, /* the last round passed without agreement */
  PL_END_NO_OFFER = 3, /* a party had nothing it could propose: it allows
                          no outcome at all (known before the first
                          round, when the session ends at once), or its
                          walk found none within its budget */
  PL_END_FAILURE = 4,  /* a plug-in agent failed: an error, or an offer or
                          acceptance breaking its party's red lines or
                          reservation, or options out of range */
  PL_END_TIMEOUT = 5,  /* the wall-time limit passed without agreement */
  PL_END_WALKOUT = 6,  /* a party ended the negotiation */
  PL_END_PARTIAL = 7,  /* a deadline passed; the articles every party
                          accepted were agreed, the others stay at the
                          status quo (options PL_NOT_AGREED) */
  PL_END_EVENT_LIMIT = 8 /* the transcript reached options.max_events */
} pl_end;
/* "running", "agreement", "deadline", "no_offer", "failure", "timeout",
 * "walkout", "partial", "event_limit" */
PL_API const char *pl_end_name(pl_end e);
PL_API pl_end pl_session_end(const pl_session *x);
/* The agreement (complete, or partial with PL_NOT_AGREED options), or
 * NULL. */
PL_API const pl_point *pl_session_agreement(const pl_session *x);
/* After PL_END_FAILURE, PL_END_WALKOUT or PL_END_NO_OFFER: the party whose
 * agent failed, walked out, or had nothing it could propose (else -1). */
PL_API int pl_session_failed_party(const pl_session *x);
/* After PL_END_FAILURE: why, naming the party ("party bob: its offer
 * breaks red line \"no-layoffs\""); else "". */
PL_API const char *pl_session_failure(const pl_session *x);
/* Rounds begun so far (1-based). */
PL_API int pl_session_rounds(const pl_session *x);
/* Normalised time of the last event, in [0,1]. */
PL_API double pl_session_time(const pl_session *x);
/* What the party got: the agreement's utility, or its reservation value
 * without one, times its discount factor to the power of the normalised
 * time of the end (GENIUS's U d^t). */
PL_API double pl_session_payoff(const pl_session *x, int party);

/* With options.partial, after a deadline: the partial text that was tried
 * (PL_NOT_AGREED on articles not every party accepted), or NULL when none
 * was (no article agreed by all); and the red lines and reservation
 * values that blocked it (none when it was agreed). */
typedef struct pl_blocker {
  int party;
  int red_line; /* -1: the party's reservation value */
} pl_blocker;
PL_API const uint32_t *pl_session_partial_text(const pl_session *x);
PL_API size_t pl_session_partial_blockers(const pl_session *x,
                                          const pl_blocker **out);

typedef enum pl_event_kind {
  PL_EVENT_OFFER = 0,  /* an offer, or a draft of the single text (by the
                          mediator: party -1) */
  PL_EVENT_ACCEPT = 1,
  PL_EVENT_END = 2,
  PL_EVENT_COMMENT = 3, /* single text: the draft with the options the
                           party wants instead on the articles it rejects */
  PL_EVENT_REJECT = 4   /* mediated: a vote against the proposed change */
} pl_event_kind;
/* "offer", "accept", "end", "comment", "reject" */
PL_API const char *pl_event_name(pl_event_kind k);
/* One event of the transcript. options and utilities (issue_count and
 * party_count entries) are the outcome offered or accepted, NULL for an
 * end without agreement. */
typedef struct pl_event {
  pl_event_kind kind;
  int round;   /* 1-based */
  int party;   /* who acted; -1 for the end */
  double time; /* normalised time in [0,1] */
  const uint32_t *options;
  const double *utilities;
  const uint8_t *rejects; /* comments: 1 for each article the party
                             rejects (issue_count entries); else NULL */
} pl_event;
PL_API size_t pl_session_event_count(const pl_session *x);
PL_API const pl_event *pl_session_event(const pl_session *x, size_t i);
/* Messages exchanged with outside agents that log them (the wire
 * protocol's lines, agents.h), in order: party, dir (0 from the engine,
 * 1 from the agent, 2 its standard error), wall seconds since the session
 * began, and the raw line (len bytes, no newline); event: the number of
 * events recorded before it. */
typedef struct pl_message {
  int party;
  int dir;
  double wall;
  size_t event;
  const char *line;
  size_t len;
} pl_message;
PL_API size_t pl_session_message_count(const pl_session *x);
PL_API const pl_message *pl_session_message(const pl_session *x, size_t i);
/* The transcript as JSON Lines, one event per line (docs/negotiation.md),
 * with the messages exchanged with outside agents between them
 * ({"event": "message", ...}) and then, first, a {"event": "run", ...}
 * line with the inputs, options and agents (docs/agent-protocol.md);
 * free with pl_free; NULL when out of memory. The same scenario, agents
 * and options give byte-identical transcripts (with a wall-time limit,
 * the clock decides the times). */
PL_API char *pl_session_transcript(const pl_session *x);
/* The result as one JSON object: agreement ({"outcome", "utilities"} or
 * null), rounds, ended_by, payoffs, the partial text tried, and, when `a`
 * (an analysis of the same scenario) is given and there is an agreement,
 * its Euclidean distances in utility space to the nearest Pareto-frontier
 * point and to the Nash point (else null). Free with pl_free; NULL when
 * out of memory. */
PL_API char *pl_session_to_json(const pl_session *x, const pl_analysis *a);
/* The same distances as numbers; -1 when there is no agreement or no such
 * point. */
PL_API double pl_session_distance_to_pareto(const pl_session *x,
                                            const pl_analysis *a);
PL_API double pl_session_distance_to_nash(const pl_session *x,
                                          const pl_analysis *a);

/* ---- replay (docs/agent-protocol.md) ---------------------------------
 * A transcript of a negotiation with external agents, run again: the
 * scenario loaded from its inputs, the built-in agents as they were, the
 * external ones answering from the recorded messages (no process is
 * started), the engine's messages compared with the recorded ones. */
typedef struct pl_replay pl_replay;
PL_API int pl_replay_open(const char *transcript_path, pl_replay **out,
                          pl_error *err);
PL_API void pl_replay_free(pl_replay *r);
PL_API const pl_scenario *pl_replay_scenario(const pl_replay *r);
/* The negotiation, to step to its end. */
PL_API pl_session *pl_replay_session(pl_replay *r);
/* After the end: 1 when it reached the recorded result (how it ended,
 * the agreement, the rounds), else 0 with what differs in why. */
PL_API int pl_replay_same(const pl_replay *r, char *why, size_t size);

#ifdef __cplusplus
}
#endif

#endif
