/* Internal layout of a tournament, shared by src/tournament/. */
#ifndef PL_TOURNAMENT_INTERNAL_H
#define PL_TOURNAMENT_INTERNAL_H

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <sys/types.h>

#include "core/util.h"
#include "parley/tournament.h"

/* Limits (docs/tournament-format.md). */
#define PL__T_MAX_SCENARIOS 100000
#define PL__T_MAX_AGENTS 1000
#define PL__T_MAX_JOBS 1000000000ull

typedef enum pl__isolation {
  PL__ISOLATE_PLUGINS, /* negotiations with a plug-in agent run in a child */
  PL__ISOLATE_ALL,
  PL__ISOLATE_NONE
} pl__isolation;

typedef struct pl__tscenario {
  char *name;          /* as written in the config, or the matched path */
  char *label;         /* its short unique name (summaries, the store) */
  pl_scenario *s;
  int parties;
  uint64_t assignments; /* ways to seat agents at its parties */
  uint64_t first_job;
  /* the analysis for distances, made once, by the first job that needs
   * it; NULL when it cannot be made (too large). `analysed` is read
   * without the lock once set, so that a worker process forked while
   * another thread holds `mu` never waits for it (jobs.c) */
  pthread_mutex_t mu;
  atomic_bool analysed;
  pl_analysis *a;
} pl__tscenario;

struct pl_tournament {
  char *name;
  uint64_t seed;
  pl_protocol protocol;
  int rounds;
  double time_limit; /* seconds; the watchdog of isolated negotiations */
  int repetitions;
  bool rotate, self_play, partial;
  pl__isolation isolation;
  int ns, na;
  pl__tscenario *sc;
  char **agents;   /* specs, plug-in paths made absolute */
  bool *plugin;    /* a plug-in: isolated */
  bool *ext;       /* an external agent: its own process already; run in
                      the worker threads unless a plug-in shares the
                      negotiation or isolation is "all" (jobs.c) */
  bool *local;     /* a registered agent: never isolated */
  const pl_agent_registry *registry;
  uint64_t jobs;
  char hash[17];
};

/* pl_tournament_run_job, for the runner: a negotiation in a worker
 * process is killed when *halt becomes non-zero (checked every 100 ms),
 * and PL__STOPPED returned with *r empty: the job is not done. */
#define PL__STOPPED 1
/* A forker (jobs.c): a single-threaded copy of the process, started before
 * the runner's threads, that forks one thread's worker processes. */
typedef struct pl__forker {
  pid_t pid;
  int sock;
} pl__forker;
int pl__forker_start(pl_tournament *t, pl__forker *f);
void pl__forker_stop(pl__forker *f);
/* The scenario's analysis (NULL when it cannot be made), made once. */
const pl_analysis *pl__tscenario_analysis(pl__tscenario *sc);
/* Whether some job of t runs in a worker process. */
bool pl__tournament_isolates(const pl_tournament *t);
/* f: the calling thread's forker, or NULL to fork directly (only from a
 * process with no other threads). */
int pl__run_job(pl_tournament *t, uint64_t index, pl_job_result *r,
                pl_error *err, const atomic_int *halt, pl__forker *f);

/* The signals that stop a run: SIGINT, SIGTERM, SIGHUP, SIGQUIT. The
 * runner's threads block them; worker processes take their default
 * action. */
void pl__stop_signals(sigset_t *set);

/* Test hook: when set, worker processes behave as on a kernel without
 * close_range (before Linux 5.9) and close their descriptors one by
 * one. */
void pl__test_no_close_range(bool on);

/* Ways to seat m agents at np parties (saturates at UINT64_MAX). */
uint64_t pl__assignments(uint64_t m, int np, bool rotate, bool self_play);

#endif
