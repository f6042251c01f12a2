/* bench_anac: negotiations per second of each ANAC agent (src/agents/anac/,
 * docs/agents.md), one core: the agent against boulware on ItexvsCypress
 * (ANAC 2010) with a 1000-round deadline, the agent opening; then
 * answering. The scenario is loaded once; each negotiation builds its
 * agents. Rates are per second of the process's CPU time (the machine
 * is shared). A hash of every agreement and round count guards the
 * answers.
 * Data: ../shared/data/genius/anac/y2010/ItexvsCypress, else the copy in
 * tests/data/agents/domains. Not a test. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "parley/parley.h"

/* CPU time of the process: the machine is shared, and the figure is per
 * core. */
static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static const char *const agents[] = {
    "hardheaded",     "agentk",        "agentk2",
    "bramagent",      "gahboninho",    "nicetitfortat",
    "thenegotiator",  "iamhaggler2011", "yushu",
    "iamhaggler2010", "nozomi",        "agentfsega",
    "iamcrazyhaggler", "agentsmith",   "cuhkagent",
    "agentlg",        "thenegotiatorreloaded", "bramagent2",
    "iamhaggler2012", "agentmr",       "omacagent",
    "boulware+om=hardheaded",
    "boulware"};

/* Negotiations per second over at least a second and 200 negotiations. */
static double rate(const pl_scenario *s, const char *const *pair,
                   uint64_t *hash, double *rounds) {
  pl_session_options o;
  pl_session_options_init(&o);
  o.rounds = 1000;
  int count = 0;
  long total_rounds = 0;
  double t0 = now(), t;
  do {
    pl_session *x;
    pl_error err;
    if (pl_session_new(s, &o, pair, &x, &err)) {
      fprintf(stderr, "%s\n", err.message);
      exit(1);
    }
    while (pl_session_step(x) == PL_SESSION_RUNNING) {
    }
    total_rounds += pl_session_rounds(x);
    const pl_point *ag = pl_session_agreement(x);
    if (count == 0) { /* the same negotiation every time: hash one */
      *hash = *hash * 31 + (uint64_t)pl_session_rounds(x);
      for (int i = 0; ag && i < pl_scenario_issue_count(s); i++)
        *hash = *hash * 31 + ag->options[i];
    }
    pl_session_free(x);
    count++;
    t = now() - t0;
  } while (t < 1.0 || count < 200);
  *rounds = (double)total_rounds / count;
  return count / t;
}

/* usage: bench_anac [--keep-memory] [ROOT]
 * --keep-memory: glibc keeps freed memory in the process (mmap threshold
 * 64 MiB, trim threshold 256 MiB) instead of returning each negotiation's
 * transcript (about 150 KiB at 900 rounds) to the kernel when the session
 * is freed: the page faults and TLB flushes that follow cost more than
 * the negotiation itself on this machine (docs/performance.md). */
int main(int argc, char **argv) {
  int arg = 1;
  bool keep = argc > 1 && !strcmp(argv[1], "--keep-memory");
  if (keep) {
    arg++;
#ifdef __GLIBC__
    mallopt(M_MMAP_THRESHOLD, 64 << 20);
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
    mallopt(M_TOP_PAD, 64 << 20);
#endif
  }
  const char *root = argc > arg ? argv[arg] : ".";
  char paths[3][1024];
  const char *files[3] = {"ItexvsCypress_domain.xml",
                          "ItexvsCypress_Cypress.xml", "ItexvsCypress_Itex.xml"};
  const char *pp[3];
  pl_scenario *s = NULL;
  const char *dirs[2] = {"../shared/data/genius/anac/y2010/ItexvsCypress",
                         "tests/data/agents/domains/ItexvsCypress"};
  for (int d = 0; d < 2 && !s; d++) {
    for (int k = 0; k < 3; k++) {
      snprintf(paths[k], sizeof paths[k], "%s/%s/%s", root, dirs[d], files[k]);
      pp[k] = paths[k];
    }
    if (pl_scenario_load_inputs(pp, 3, NULL, &s, NULL)) s = NULL;
  }
  if (!s) {
    fprintf(stderr, "bench_anac: ItexvsCypress not found under %s\n", root);
    return 1;
  }
  printf("ANAC agents against boulware, ItexvsCypress, 1000 rounds, one "
         "core%s\n%-24s %14s %14s %10s %10s\n",
         keep ? ", --keep-memory" : "", "agent", "opening neg/s", "answering", "rounds", "rounds");
  uint64_t hash = 0;
  for (size_t k = 0; k < sizeof agents / sizeof *agents; k++) {
    const char *first[2] = {agents[k], "boulware"};
    const char *second[2] = {"boulware", agents[k]};
    double r1, r2;
    double a = rate(s, first, &hash, &r1), b = rate(s, second, &hash, &r2);
    printf("%-24s %14.0f %14.0f %10.1f %10.1f\n", agents[k], a, b, r1, r2);
  }
  printf("hash %016llx\n", (unsigned long long)hash);
  pl_scenario_free(s);
  return 0;
}
