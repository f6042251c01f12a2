/* parley tournaments: every agent against every other on every scenario,
 * on threads, processes or MPI ranks, into a resumable SQLite store
 * (docs/tournament.md). Included by parley.h. */
#ifndef PARLEY_TOURNAMENT_H
#define PARLEY_TOURNAMENT_H

#include <signal.h>

#include "parley/records.h"
#include "parley/session.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A tournament config (docs/tournament-format.md) with its scenarios
 * loaded. Jobs -- single negotiations -- are numbered 0..job_count-1:
 * scenario by scenario, then assignment of agents to parties, then
 * repetition. Each job's seed derives from the config's seed and its
 * number only, so results do not depend on how the jobs are spread. A
 * tournament may be used from several threads at once (running jobs);
 * loading and freeing are not. */
typedef struct pl_tournament pl_tournament;

PL_API int pl_tournament_load(const char *path, pl_tournament **out,
                              pl_error *err);
/* From text; relative scenario paths are taken from base_dir ("." when
 * NULL); name is used in messages. */
PL_API int pl_tournament_load_string(const char *text, size_t len,
                                     const char *name, const char *base_dir,
                                     pl_tournament **out, pl_error *err);
PL_API void pl_tournament_free(pl_tournament *t);

/* How a tournament is loaded (pl_tournament_options_init first). */
typedef struct pl_tournament_options {
  size_t struct_size; /* sizeof(pl_tournament_options) */
  /* Agents registered by name (agents.h), looked up before the built-in
   * ones: the config's agents list may name them. Their negotiations run
   * in the runner's threads, never in worker processes (their code lives
   * in this process: a Python class, say). Must outlive the tournament. */
  const pl_agent_registry *registry;
} pl_tournament_options;
PL_API void pl_tournament_options_init(pl_tournament_options *o);
/* pl_tournament_load and pl_tournament_load_string with options (NULL:
 * the defaults). */
PL_API int pl_tournament_load_opts(const char *path,
                                   const pl_tournament_options *o,
                                   pl_tournament **out, pl_error *err);
PL_API int pl_tournament_load_string_opts(const char *text, size_t len,
                                          const char *name,
                                          const char *base_dir,
                                          const pl_tournament_options *o,
                                          pl_tournament **out,
                                          pl_error *err);

/* A hash of everything that decides the results (the config's settings,
 * scenarios' contents and agents), 16 hex digits. */
PL_API const char *pl_tournament_hash(const pl_tournament *t);
PL_API uint64_t pl_tournament_job_count(const pl_tournament *t);
PL_API int pl_tournament_scenario_count(const pl_tournament *t);
/* A scenario's short unique name, as summaries and the store give it: its
 * file name without extension, or its folder's name, with parent folders
 * only where two would clash (a/x.yaml, b/x.yaml: "a/x", "b/x"). */
PL_API const char *pl_tournament_scenario_name(const pl_tournament *t,
                                               int scenario);
PL_API const pl_scenario *pl_tournament_scenario(const pl_tournament *t,
                                                 int scenario);
PL_API int pl_tournament_agent_count(const pl_tournament *t);
PL_API const char *pl_tournament_agent(const pl_tournament *t, int agent);

/* Where a job sits in the product: agents[p] is the agent index of party
 * p. A tournament's scenarios have at most PL_JOB_MAX_PARTIES parties. */
#define PL_JOB_MAX_PARTIES 16
typedef struct pl_job {
  uint64_t index;
  int scenario;
  int repetition;
  uint64_t seed;
  int parties;
  int agents[PL_JOB_MAX_PARTIES];
} pl_job;
PL_API int pl_tournament_job(const pl_tournament *t, uint64_t index,
                             pl_job *job);

/* One negotiation's result. utilities: the payoff of each party (its
 * agreement utility or reservation value, discounted); outcome: the
 * agreement as a JSON object, or NULL. Distances and welfare are NaN when
 * unknown (no agreement, or no analysis of the scenario). end is
 * PL_END_FAILURE with `error` set when an agent failed, crashed or
 * overran the time limit. */
typedef struct pl_job_result {
  uint64_t index;
  pl_end end;
  int rounds;
  double wall_time;
  int parties;
  double *utilities;
  char *outcome;
  double distance_pareto, distance_nash, welfare;
  char error[256];
} pl_job_result;
PL_API void pl_job_result_clear(pl_job_result *r);

/* Runs one job in this thread, or, with isolate, in a child process under
 * a watchdog (the config's time_limit): a crash or overrun becomes a
 * failed result, never the caller's crash. Returns PL_OK with *r filled
 * (a failed negotiation is still PL_OK), or an error of the engine
 * (PL_ENOMEM). */
PL_API int pl_tournament_run_job(pl_tournament *t, uint64_t index,
                                 pl_job_result *r, pl_error *err);
/* A result as bytes and back (for MPI and pipes); pack returns a malloc'd
 * buffer (free with pl_free) of *len bytes, or NULL. */
PL_API void *pl_job_result_pack(const pl_job_result *r, size_t *len);
PL_API int pl_job_result_unpack(const void *buf, size_t len,
                                pl_job_result *r);

/* ---- the results store (SQLite, WAL) ---------------------------------
 * Opening a store for a tournament creates it, or resumes it: the jobs it
 * holds are done. A store made for another config is refused
 * (PL_ECONFLICT); a file that is no results store (not SQLite, or another
 * program's database) is refused (PL_EPARSE) and left as it is. Results
 * are written in transactions of many jobs; a process killed at any
 * moment loses at most the uncommitted ones and never leaves a duplicate
 * or a broken file. A write that fails (pl_store_add, pl_store_commit)
 * rolls the open transaction back and forgets its results, so that
 * pl_store_done and pl_store_done_count always say what the file holds;
 * the tournament is marked finished only when every row is in it. */
typedef struct pl_store pl_store;
PL_API int pl_store_open(const char *path, const pl_tournament *t,
                         pl_store **out, pl_error *err);
/* How a store is opened (pl_store_options_init first). With a key, the
 * store keeps a chain of its rows signed by it (docs/records.md,
 * "Tournament stores"): each row committed is an entry; sign_every 1
 * (default) signs every entry, N every N-th, 0 none but the last of each
 * commit (the last of each commit is always signed, so that a run killed
 * at any moment leaves a covered chain). A signed store is resumed only
 * with its key, an unsigned one holding results is never signed
 * afterwards (PL_ECONFLICT); a public key is refused (PL_EINVAL). */
typedef struct pl_store_options {
  size_t struct_size; /* sizeof(pl_store_options), set by _init */
  const pl_key *key;
  uint32_t sign_every;
} pl_store_options;
PL_API void pl_store_options_init(pl_store_options *o);
PL_API int pl_store_open_opts(const char *path, const pl_tournament *t,
                              const pl_store_options *o, pl_store **out,
                              pl_error *err);
/* Verifies a signed store: its chain with pl_record_verify (o as there),
 * then every negotiation row against the entry that signs it and the
 * tournament row against the genesis; the flaws of the rows use the same
 * kinds (altered, dropped, inserted). PL_OK with the verdict, or PL_EPARSE
 * for a file that is no results store or an unsigned one. */
PL_API int pl_store_verify(const char *db_path, const pl_verify_options *o,
                           pl_verdict **out, pl_error *err);
/* A signed store's chain as a record (what `parley publish` exports):
 * every row's entry with its body, verifiable without the store. */
PL_API int pl_store_record(const char *db_path, pl_record **out,
                           pl_error *err);
/* Commits, marks the tournament finished when every job is in (a signed
 * store's chain gets its end entry), closes. */
PL_API int pl_store_close(pl_store *st, pl_error *err);
PL_API int pl_store_done(const pl_store *st, uint64_t index);
PL_API uint64_t pl_store_done_count(const pl_store *st);
PL_API int pl_store_add(pl_store *st, const pl_job_result *r,
                        pl_error *err);
PL_API int pl_store_commit(pl_store *st, pl_error *err);

/* ---- running ----------------------------------------------------------
 * A runner hands out the jobs the store lacks to worker threads and to
 * whatever `poll` serves (other MPI ranks), and stores every result. */
typedef struct pl_runner pl_runner;
typedef struct pl_run_options {
  size_t struct_size;  /* sizeof(pl_run_options), set by _init */
  int threads;         /* worker threads (default 1; 0: none, all work
                          goes through poll) */
  /* Called from the thread that called pl_tournament_run, about every
   * 100 ms and at the end. */
  void (*progress)(void *ctx, uint64_t done, uint64_t total,
                   double seconds);
  void *progress_ctx;
  /* Called from the same thread about every millisecond: it may take jobs
   * (pl_runner_take) and hand in their results (pl_runner_put). Returns
   * the number of jobs it has taken and not yet put back, or a negative
   * status to stop. */
  int (*poll)(void *ctx, pl_runner *r);
  void *poll_ctx;
  /* When set and non-zero, the run stops soon: negotiations running in
   * worker processes are killed (and not recorded), what is done is
   * committed. A signal handler may set it: the worker threads block
   * SIGINT, SIGTERM, SIGHUP and SIGQUIT, so these reach the calling
   * thread, which reads the flag; worker processes take the default
   * action on them. */
  volatile sig_atomic_t *stop;
} pl_run_options;
PL_API void pl_run_options_init(pl_run_options *o);

/* Runs every job the store does not have; PL_OK when all are in (or when
 * stopped: compare pl_store_done_count with the job count). */
PL_API int pl_tournament_run(pl_tournament *t, pl_store *st,
                             const pl_run_options *o, pl_error *err);
/* Up to max pending job indices, or 0 when none are left. */
PL_API size_t pl_runner_take(pl_runner *r, uint64_t *jobs, size_t max);
PL_API int pl_runner_put(pl_runner *r, const pl_job_result *res);

/* ---- results ---------------------------------------------------------
 * A summary of a store, finished or not: per agent and per scenario. */
typedef struct pl_summary_row {
  const char *name;       /* the agent or scenario */
  uint64_t count;         /* agent: seats it took; scenario: negotiations */
  double mean_utility;    /* agent: its payoff; scenario: every party's */
  double ci95;            /* half-width of the 95% confidence interval of
                             the mean (Student's t) */
  double agreement_rate;
  double mean_welfare;    /* sum of payoffs */
  double mean_distance_nash, mean_distance_pareto; /* over agreements with
                             an analysis; NaN when none */
  uint64_t failures;
} pl_summary_row;
typedef struct pl_summary pl_summary;
PL_API int pl_summary_load(const char *db_path, pl_summary **out,
                           pl_error *err);
PL_API void pl_summary_free(pl_summary *s);
PL_API uint64_t pl_summary_done(const pl_summary *s);
PL_API uint64_t pl_summary_total(const pl_summary *s);
PL_API int pl_summary_finished(const pl_summary *s);
PL_API size_t pl_summary_agent_count(const pl_summary *s);
PL_API const pl_summary_row *pl_summary_agent(const pl_summary *s,
                                              size_t i);
PL_API size_t pl_summary_scenario_count(const pl_summary *s);
PL_API const pl_summary_row *pl_summary_scenario(const pl_summary *s,
                                                 size_t i);
/* The summary as JSON (docs/tournament.md); free with pl_free. */
PL_API char *pl_summary_to_json(const pl_summary *s);
/* Every negotiation of a store as CSV, one row per negotiation. */
PL_API int pl_results_write_csv(const char *db_path, const char *csv_path,
                                pl_error *err);

#ifdef __cplusplus
}
#endif
#endif
