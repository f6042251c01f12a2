/* bench_agents: the cost of an external agent (docs/agent-protocol.md,
 * docs/performance.md). A negotiation of many rounds that never ends
 * before its deadline (the external party offers its best outcome, a
 * hardliner never concedes) is run with the external party as
 *   - the built-in hardliner (no process: the engine's own cost),
 *   - bench/echo_agent.c, a C client that answers at once (the round trip
 *     over the pipes: the protocol's overhead),
 *   - the Python reference client (clients/python/parley_agent.py),
 *   - the Node reference client (when node is on PATH).
 * Per move: one question and its answer, and two action_done informs.
 * Prints microseconds per move and moves per second (the external
 * party's moves). Not a test.
 *
 *   bench_agents [ROUNDS]   (default 20000) */
#define _DEFAULT_SOURCE /* getloadavg */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "parley/parley.h"

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* Three issues of five options, opposed preferences, no red lines. */
static const char YAML[] =
    "scenario: bench\n"
    "issues:\n"
    "  - {id: a, options: [a0, a1, a2, a3, a4]}\n"
    "  - {id: b, options: [b0, b1, b2, b3, b4]}\n"
    "  - {id: c, options: [c0, c1, c2, c3, c4]}\n"
    "parties:\n"
    "  - id: x\n"
    "    weights: {a: 0.5, b: 0.3, c: 0.2}\n"
    "    values: {a: {a0: 1, a1: 0.8, a2: 0.6, a3: 0.3, a4: 0},\n"
    "             b: {b0: 1, b1: 0.8, b2: 0.6, b3: 0.3, b4: 0},\n"
    "             c: {c0: 1, c1: 0.8, c2: 0.6, c3: 0.3, c4: 0}}\n"
    "  - id: y\n"
    "    weights: {a: 0.2, b: 0.3, c: 0.5}\n"
    "    values: {a: {a0: 0, a1: 0.3, a2: 0.6, a3: 0.8, a4: 1},\n"
    "             b: {b0: 0, b1: 0.3, b2: 0.6, b3: 0.8, b4: 1},\n"
    "             c: {c0: 0, c1: 0.3, c2: 0.6, c3: 0.8, c4: 1}}\n";

/* CPU seconds of this process (who RUSAGE_SELF) or its reaped
 * descendants (RUSAGE_CHILDREN). */
static double cpu_of(int who) {
  struct rusage a;
  getrusage(who, &a);
  return (double)(a.ru_utime.tv_sec + a.ru_stime.tv_sec) +
         1e-6 * (double)(a.ru_utime.tv_usec + a.ru_stime.tv_usec);
}

static double cpu(void) { return cpu_of(RUSAGE_SELF) + cpu_of(RUSAGE_CHILDREN); }

static double cpu_used, cpu_agent; /* by the last run: both sides, agent */

/* Seconds for the negotiation, or < 0 when it did not reach its deadline
 * (the agent failed). */
static double run(const pl_scenario *s, const char *agent, int rounds) {
  pl_session_options o;
  pl_session_options_init(&o);
  o.rounds = rounds;
  o.drop_messages = 1; /* no transcript is asked for */
  const char *agents[] = {agent, "hardliner"};
  pl_session *x = NULL;
  pl_error err;
  double t0 = now(), c0 = cpu(), a0 = cpu_of(RUSAGE_CHILDREN);
  if (pl_session_new(s, &o, agents, &x, &err)) {
    fprintf(stderr, "%s: %s\n", agent, err.message);
    return -1;
  }
  while (pl_session_step(x) == PL_SESSION_RUNNING) {
  }
  if (pl_session_end(x) != PL_END_DEADLINE) {
    fprintf(stderr, "%s: ended by %s %s\n", agent,
            pl_end_name(pl_session_end(x)), pl_session_failure(x));
    pl_session_free(x);
    return -1;
  }
  double t = now() - t0;
  pl_session_free(x); /* the agent's process is reaped */
  cpu_used = cpu() - c0;
  cpu_agent = cpu_of(RUSAGE_CHILDREN) - a0;
  return t;
}

int main(int argc, char **argv) {
  int rounds = argc > 1 ? atoi(argv[1]) : 20000;
  if (rounds < 10) rounds = 10;
  pl_scenario *s;
  pl_error err;
  if (pl_scenario_load_yaml(YAML, sizeof YAML - 1, "bench.yaml", &s, &err)) {
    fprintf(stderr, "%s\n", err.message);
    return 1;
  }
  /* the echo client beside this program */
  char self[4096], echo[4200], py[4200], node[4200];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  self[n > 0 ? n : 0] = 0;
  char *slash = strrchr(self, '/');
  if (slash) *slash = 0;
  snprintf(echo, sizeof echo, "ext:exec %s/echo_agent", self);
  snprintf(py, sizeof py,
           "ext:exec /usr/bin/python3 %s/clients/python/parley_agent.py",
           PL_SOURCE_DIR);
  snprintf(node, sizeof node, "ext:exec node %s/clients/node/parley-agent.js",
           PL_SOURCE_DIR);
  double load[1] = {0};
  getloadavg(load, 1);
  printf("bench_agents: %d rounds of SAOP, the external party against a "
         "hardliner; load average %.1f on %ld processors\n",
         rounds, load[0], sysconf(_SC_NPROCESSORS_ONLN));
  double base = run(s, "hardliner", rounds);
  printf("%-26s %8.3f s  %8.2f us per move\n", "built-in (no process)", base,
         1e6 * base / rounds);
  struct {
    const char *name, *spec;
    int rounds;
  } cases[] = {{"C echo client (pipes)", echo, rounds},
               {"Python reference client", py, rounds / 4},
               {"Node reference client", node, rounds / 4}};
  for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
    if (k == 2 && system("node --version >/dev/null 2>&1") != 0) continue;
    int r = cases[k].rounds;
    double t = run(s, cases[k].spec, r);
    if (t < 0) continue;
    double engine = base * r / rounds;
    printf("%-26s %8.3f s  %8.2f us per move (%.2f over the engine), "
           "%.0f moves/s; CPU %.2f us per move (both processes: parley "
           "%.2f, the agent %.2f)\n",
           cases[k].name, t, 1e6 * t / r, 1e6 * (t - engine) / r, r / t,
           1e6 * cpu_used / r, 1e6 * (cpu_used - cpu_agent) / r,
           1e6 * cpu_agent / r);
  }
  pl_scenario_free(s);
  return 0;
}
