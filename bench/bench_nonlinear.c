/* bench_nonlinear: the box method (docs/analysis.md) on the twelve ANAC
 * 2014 hyper-rectangle domains of ../shared/data (or the folder given):
 * per domain the time, exact or the certified epsilon, the frontier and
 * the boxes searched, with the default budget or --max-boxes N (--only
 * DOMAIN: that one). Wall and
 * processor time of one run each (the machine is shared: the processor
 * time is the steadier figure). Not a test: it never fails on slowness. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "parley/parley.h"

static double now(clockid_t c) {
  struct timespec t;
  clock_gettime(c, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

int main(int argc, char **argv) {
  const char *root = "../shared/data";
  const char *only = NULL;
  uint64_t boxes = 0;
  for (int k = 1; k < argc; k++) {
    if (!strcmp(argv[k], "--max-boxes") && k + 1 < argc)
      boxes = strtoull(argv[++k], NULL, 10);
    else if (!strcmp(argv[k], "--only") && k + 1 < argc)
      only = argv[++k];
    else
      root = argv[k];
  }
  static const char *const dom[] = {
      "10issues", "10issuesDiscounted", "10issuesDiscountedwithRV",
      "10issueswithRV", "30issues", "30issuesDiscounted",
      "30issuesDiscountedwithRV", "30issueswithRV", "50issues",
      "50issuesDiscounted", "50issuesDiscountedwithRV", "50issueswithRV"};
  printf("bench_nonlinear: pl_analyze (auto: the box method), %s, one "
         "thread\n",
         boxes ? "budget given" : "default budget");
  printf("%-26s %8s %8s %-16s %8s %9s\n", "domain", "wall", "cpu", "result",
         "frontier", "boxes");
  int done = 0;
  for (int d = 0; d < 12; d++) {
    if (only && strcmp(only, dom[d])) continue;
    char path[4096];
    snprintf(path, sizeof path, "%s/genius/anac/y2014/%s", root, dom[d]);
    pl_scenario *s;
    pl_error err;
    if (pl_scenario_load(path, &s, &err)) {
      printf("%-26s absent (%s)\n", dom[d], err.message);
      continue;
    }
    pl_analysis_options o;
    pl_analysis_options_init(&o);
    o.max_boxes = boxes;
    pl_analysis *a;
    double w0 = now(CLOCK_MONOTONIC), c0 = now(CLOCK_PROCESS_CPUTIME_ID);
    int rc = pl_analyze(s, &o, &a, &err);
    double w = now(CLOCK_MONOTONIC) - w0, c = now(CLOCK_PROCESS_CPUTIME_ID) - c0;
    if (rc) {
      printf("%-26s failed: %s\n", dom[d], err.message);
      pl_scenario_free(s);
      continue;
    }
    char res[32];
    if (pl_analysis_epsilon(a) > 0)
      snprintf(res, sizeof res, "eps %.4f", pl_analysis_epsilon(a));
    else
      snprintf(res, sizeof res, "exact");
    printf("%-26s %7.2fs %7.2fs %-16s %8zu %9llu\n", dom[d], w, c, res,
           pl_analysis_pareto_count(a),
           (unsigned long long)pl_analysis_boxes(a));
    fflush(stdout);
    pl_analysis_free(a);
    pl_scenario_free(s);
    done++;
  }
  return done ? 0 : 77;
}
