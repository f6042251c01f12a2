/*
 * agents.h — agents whose answers come from outside the library: the agent
 * table (plug-ins, external processes, foreign-language callbacks, human
 * parties answering later), a registry of named agent factories, and the
 * external-process agent of the wire protocol (docs/negotiation.md,
 * docs/agent-protocol.md).
 *
 * The conventions of core.h hold for every call declared here.
 */
#ifndef PARLEY_AGENTS_H
#define PARLEY_AGENTS_H

#include "parley/session.h"

#ifdef __cplusplus
extern "C" {
#endif

/* --- the agent table -----------------------------------------------------
 * One mechanism for every agent written outside the library:
 *   - a shared object exporting `const pl_agent_api *parley_agent(void)`,
 *     named in an agents list by a path containing '/' (".../agent.so",
 *     with optional ":params" after it; example: examples/agents/);
 *   - a table registered under a name in a pl_agent_registry handed to
 *     pl_session_new (options.registry) or to a tournament: Python classes
 *     called through ctypes callbacks, a web server's human parties;
 *   - the library's own external-process agent, `ext:CMD` and
 *     `ext+tcp:HOST:PORT` (pl_agent_ext below), which speaks the JSON Lines
 *     wire protocol of docs/agent-protocol.md.
 *
 * The engine checks every answer the same way: an error, options out of
 * range, or an offer, acceptance, comment or vote for a text that breaks
 * the party's red lines or reservation ends the negotiation with
 * PL_END_FAILURE naming the party (pl_session_failed_party, and the reason
 * in pl_session_failure); the agent is not asked again.
 *
 * Version 1 tables (the first seven fields) still load. Version 2 adds
 * create2, the *2 answers with the turn (time, round, the session for the
 * history), comment (per article, single text), vote (mediated text),
 * event (every event of the negotiation, the end last), error (why an
 * answer failed) and PL_AGENT_WAIT. A version-2 table sets each v2 field
 * it implements and may leave the v1 answers NULL; the engine uses the v2
 * answer when it is set, else the v1 one. */
#define PL_AGENT_ABI_VERSION 2
#define PL_AGENT_REJECT 0 /* from respond or vote */
#define PL_AGENT_ACCEPT 1 /* from respond or vote */
#define PL_AGENT_END 2    /* from any answer: the party walks out */
/* From any version-2 answer: not ready yet. pl_session_step returns
 * PL_SESSION_WAITING and changes nothing of the negotiation; the next step
 * asks the same party the same question again (in SAOP a party that
 * rejected and then waited for its counter-offer is asked to respond
 * again). Answers that wait longer than options.move_limit seconds of
 * wall time in all end the negotiation with PL_END_FAILURE. */
#define PL_AGENT_WAIT 3

/* What a version-2 agent is created with. */
typedef struct pl_agent_setup {
  size_t struct_size;     /* sizeof(pl_agent_setup) */
  const pl_scenario *scenario;
  int party;
  const char *params;     /* the text after "name:" in the agents list, or
                             "" */
  uint64_t seed;
  pl_protocol protocol;
  int drafter;            /* PL_PROTOCOL_TEXT: the party that drafts */
  int rounds;             /* the deadline in rounds (0: none) */
  double time_limit;      /* the deadline in seconds (0: none) */
  double move_limit;      /* seconds for one answer (0: none) */
  double agent_limit;     /* seconds for all its answers (0: none) */
  size_t max_message;     /* bytes in one message of the wire protocol */
  void *ctx;              /* the context registered with the table */
  const pl_session *session; /* read-only: events so far
                                (pl_session_event_count, pl_session_event) */
  /* Records one message exchanged with the agent in the session's
   * transcript (docs/agent-protocol.md): dir 0 from the engine, 1 from
   * the agent, 2 the agent's standard error. */
  void (*log)(void *log_ctx, int party, int dir, const char *line,
              size_t len);
  void *log_ctx;
  /* When create2 returns NULL: why, written here (lower case, one line).
   * The negotiation then ends at its first step with PL_END_FAILURE
   * naming the party (a version-1 create returning NULL fails
   * pl_session_new instead). */
  char *error;
  size_t error_size;
} pl_agent_setup;

/* The moment of an answer. */
typedef struct pl_agent_turn {
  double time;                /* normalised, [0,1] */
  int round;                  /* 1-based */
  const pl_session *session;  /* the history so far */
} pl_agent_turn;

typedef struct pl_agent_api {
  uint32_t abi_version; /* 1 or 2 (PL_AGENT_ABI_VERSION) */
  uint32_t struct_size; /* sizeof(pl_agent_api) of its version */
  /* ---- version 1 ---- */
  /* A new agent for `party` (params: the text after ':', or ""); NULL
   * fails the negotiation before it starts. */
  void *(*create)(const pl_scenario *s, int party, const char *params,
                  uint64_t seed);
  /* Its offer at normalised time t: fill options (issue_count entries);
   * return 0, PL_AGENT_END to walk out, or another value for an error. */
  int (*propose)(void *agent, double t, uint32_t *options);
  /* 1 to accept the offer, 0 to reject it, PL_AGENT_END to walk out,
   * negative for an error. */
  int (*respond)(void *agent, double t, const uint32_t *offer);
  /* Another party offered this (may be NULL). */
  void (*observe)(void *agent, int party, const uint32_t *offer);
  void (*destroy)(void *agent);
  /* ---- version 2 (each optional; see above) ---- */
  void *(*create2)(const pl_agent_setup *setup);
  /* 0 with options filled, PL_AGENT_END, PL_AGENT_WAIT, else an error. */
  int (*propose2)(void *agent, const pl_agent_turn *turn, uint32_t *options);
  /* PL_AGENT_ACCEPT, PL_AGENT_REJECT, PL_AGENT_END, PL_AGENT_WAIT, else an
   * error. */
  int (*respond2)(void *agent, const pl_agent_turn *turn,
                  const uint32_t *offer);
  /* Single text, after it rejected the draft: fill want with the draft
   * and, on each article it rejects, the option it wants there (at least
   * one article must differ); 0, PL_AGENT_END, PL_AGENT_WAIT, else an
   * error. Without it the comment is its whole proposal. */
  int (*comment)(void *agent, const pl_agent_turn *turn,
                 const uint32_t *draft, uint32_t *want);
  /* Mediated text: for (PL_AGENT_ACCEPT) or against (PL_AGENT_REJECT)
   * changing the text from current to proposal; PL_AGENT_END,
   * PL_AGENT_WAIT, else an error. Without it the party votes by the
   * built-in rule (docs/negotiation.md). */
  int (*vote)(void *agent, const pl_agent_turn *turn, const uint32_t *current,
              const uint32_t *proposal);
  /* Every event of the negotiation as it is recorded, its own included,
   * PL_EVENT_END last (x gives the result: pl_session_end, ...). */
  void (*event)(void *agent, const pl_session *x, const pl_event *e);
  /* Why its last answer was an error (NULL or "" when it cannot say). */
  const char *(*error)(void *agent);
} pl_agent_api;
/* The size of a version-1 table. */
#define PL_AGENT_API_V1_SIZE (offsetof(pl_agent_api, create2))

/* --- registries of named agents ------------------------------------------
 * A name maps to a table and a context (setup.ctx); "name" or
 * "name:params" in an agents list then creates it. Registered names are
 * looked up before the built-in strategies. A registry must outlive the
 * sessions and tournaments that use it; it is not changed by them. */
PL_API int pl_agent_registry_new(pl_agent_registry **out, pl_error *err);
PL_API void pl_agent_registry_free(pl_agent_registry *r);
/* name: 1 to 63 letters, digits, '-', '_', '+' or '.'; a name registered
 * again is replaced. The table must be version 1 or 2. */
PL_API int pl_agent_registry_add(pl_agent_registry *r, const char *name,
                                 const pl_agent_api *api, void *ctx,
                                 pl_error *err);

/* --- external agents (docs/agent-protocol.md) -----------------------------
 * The table behind `ext:CMD` (the command run by /bin/sh -c, in its own
 * process group, per negotiation) and `ext+tcp:HOST:PORT` (a running
 * service). Its answers come as JSON Lines; every message it exchanges is
 * logged into the session's transcript. Usable in a registry too. */
PL_API const pl_agent_api *pl_agent_ext(void);

/* A recording of the messages of a transcript (docs/agent-protocol.md)
 * for pl_agent_replay: the agents' answers, party by party. */
typedef struct pl_recording pl_recording;
PL_API int pl_recording_load(const char *transcript, size_t len,
                             const pl_scenario *s, pl_recording **out,
                             pl_error *err);
PL_API void pl_recording_free(pl_recording *r);
/* Whether the recording holds messages of this party. */
PL_API int pl_recording_has_party(const pl_recording *r, int party);
/* The table that answers as the recorded agent of its party did
 * (setup.ctx: the pl_recording), checked by the engine as a live one;
 * an answer the recording lacks, or a message from the engine other than
 * the recorded one, ends the negotiation with PL_END_FAILURE and says
 * where the replay diverged. */
PL_API const pl_agent_api *pl_agent_replay(void);

/* --- the checker (docs/agent-protocol.md, "Before you submit") ----------
 * Runs one agent (any name an agents list takes: "ext:CMD",
 * "ext+tcp:HOST:PORT", "ext+unix:PATH", a plug-in, a registered name)
 * through a fixed script of negotiations on a small built-in scenario (the
 * job offer of examples/job-offer.yaml) or options.scenario: SAOP to the
 * deadline in either seat, SAOP where the other side walks out, the single
 * text drafted by either side (the agent comments, or drafts), the
 * mediated text in either seat. A negotiation that ends with a failure of
 * the agent's party is a violation; its case names the negotiation, the
 * engine's reason, the agent's offending line (when there is one) and
 * parley's message it answered. The other parties are built-in strategies,
 * and the check is deterministic for a deterministic agent. */
typedef struct pl_agent_check_options {
  size_t struct_size;           /* sizeof(pl_agent_check_options) */
  double move_limit;            /* seconds for one answer (default 10) */
  size_t max_message;           /* bytes in one message (default 1 MiB) */
  int rounds;                   /* each negotiation's deadline (default 10) */
  const pl_scenario *scenario;  /* two parties (NULL: the job offer); the
                                   agent takes each seat in turn */
  const pl_agent_registry *registry; /* to check a registered agent */
} pl_agent_check_options;
PL_API void pl_agent_check_options_init(pl_agent_check_options *o);

typedef struct pl_agent_check_case {
  const char *name;     /* "saop, first seat, to the deadline", ... */
  const char *ended_by; /* pl_end_name of how it ended */
  int rounds;
  int violation;        /* 1: the agent broke the protocol */
  const char *reason;   /* the violation, without "party ID: " (or "") */
  const char *line;     /* the agent's offending line (or "": none, as
                           for silence or a closed output) */
  const char *question; /* the question it answered (or "": none was
                           open, as for a line out of turn) */
} pl_agent_check_case;
typedef struct pl_agent_check pl_agent_check;
/* Runs the script. An error with a message when the agent cannot be named
 * in a negotiation at all (as pl_session_new fails: PL_ENOTFOUND for an
 * unknown name, PL_EINVAL for "ext:" without a command) or the scenario
 * has not two parties (PL_EINVAL); a candidate that misbehaves is not an
 * error: see the cases. */
PL_API int pl_agent_check_run(const char *agent,
                              const pl_agent_check_options *o,
                              pl_agent_check **out, pl_error *err);
PL_API void pl_agent_check_free(pl_agent_check *c);
PL_API size_t pl_agent_check_count(const pl_agent_check *c);
PL_API const pl_agent_check_case *pl_agent_check_get(const pl_agent_check *c,
                                                     size_t i);
/* The number of cases with a violation. */
PL_API size_t pl_agent_check_violations(const pl_agent_check *c);

#ifdef __cplusplus
}
#endif

#endif
