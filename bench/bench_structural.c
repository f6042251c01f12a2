/* bench_structural: pl_analyze by the structural method on additive
 * scenarios far too large to enumerate (docs/performance.md), and on the
 * ANAC samples of ../shared/data when they are there. Fixed seeds; a hash
 * of each frontier so a speed-up cannot change answers unseen. Not a test:
 * it never fails on slowness. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "parley/parley.h"

static uint64_t splitmix64(uint64_t *s) {
  uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

static double unit(uint64_t *s) { return (splitmix64(s) >> 11) * 0x1.0p-53; }

/* np parties, ni issues of no options, weights and values uniform. */
static pl_scenario *random_additive(int np, int ni, int no, uint64_t seed) {
  pl_scenario *s = pl_scenario_new("random");
  char id[32];
  const char *ids[64];
  char names[64][16];
  for (int k = 0; k < no; k++) {
    snprintf(names[k], sizeof names[k], "o%d", k);
    ids[k] = names[k];
  }
  for (int i = 0; i < ni; i++) {
    snprintf(id, sizeof id, "i%d", i);
    pl_scenario_add_discrete_issue(s, id, NULL, (size_t)no, ids, NULL, NULL);
  }
  for (int p = 0; p < np; p++) {
    snprintf(id, sizeof id, "p%d", p);
    pl_scenario_add_party(s, id, NULL, 0, NULL);
    for (int i = 0; i < ni; i++) {
      pl_scenario_set_weight(s, p, i, 0.05 + unit(&seed), NULL);
      for (int k = 0; k < no; k++)
        pl_scenario_set_value(s, p, i, (uint32_t)k, unit(&seed), NULL);
    }
  }
  pl_error err;
  if (pl_scenario_finish(s, &err)) {
    fprintf(stderr, "finish: %s\n", err.message);
    exit(1);
  }
  return s;
}

/* 2 parties with hyper-rectangle utilities: ni issues of no options and nr
 * rectangles each over 2 to 4 issues (as in the ANAC 2014 profiles). */
static pl_scenario *random_nonlinear(int ni, int no, int nr, uint64_t seed) {
  pl_scenario *s = pl_scenario_new("nonlinear");
  char id[32];
  for (int i = 0; i < ni; i++) {
    snprintf(id, sizeof id, "i%d", i);
    pl_scenario_add_integer_issue(s, id, NULL, 1, no, 1, NULL);
  }
  for (int p = 0; p < 2; p++) {
    snprintf(id, sizeof id, "p%d", p);
    pl_scenario_add_party(s, id, NULL, 0, NULL);
    pl_scenario_set_rectangles(s, p, 100, NULL);
    for (int r = 0; r < nr; r++) {
      int is[4];
      uint32_t lo[4], hi[4];
      int m = 2 + (int)(splitmix64(&seed) % 3);
      for (int j = 0; j < m; j++) {
        is[j] = (int)(splitmix64(&seed) % (uint64_t)ni);
        lo[j] = (uint32_t)(splitmix64(&seed) % (uint64_t)no);
        hi[j] = lo[j] + (uint32_t)(splitmix64(&seed) % (uint64_t)(no - lo[j]));
      }
      pl_scenario_add_rectangle(s, p, 1 + unit(&seed) * 9, (size_t)m, is, lo,
                                hi, NULL);
    }
  }
  pl_error err;
  if (pl_scenario_finish(s, &err)) {
    fprintf(stderr, "finish: %s\n", err.message);
    exit(1);
  }
  return s;
}

static double clock_s(clockid_t c) {
  struct timespec t;
  clock_gettime(c, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}
static double now(void) { return clock_s(CLOCK_MONOTONIC); }
/* this process's processor time: on a loaded machine, what the run cost */
static double cpu(void) { return clock_s(CLOCK_PROCESS_CPUTIME_ID); }

static uint64_t hash_frontier(const pl_analysis *a, int np) {
  uint64_t h = 1469598103934665603ull;
  for (size_t k = 0; k < pl_analysis_pareto_count(a); k++)
    for (int p = 0; p < np; p++) {
      uint64_t x;
      memcpy(&x, &pl_analysis_pareto(a, k)->utilities[p], sizeof x);
      h = (h ^ x) * 1099511628211ull;
    }
  return h;
}

static void measure(const char *name, const pl_scenario *s, int runs,
                       const char *target, pl_method method) {
  pl_analysis_options o;
  pl_analysis_options_init(&o);
  o.method = method;
  o.max_outcomes = (uint64_t)1 << 40;
  double best = 1e300, best_cpu = 1e300;
  pl_analysis *a = NULL;
  for (int r = 0; r < runs; r++) {
    pl_error err;
    double t0 = now(), c0 = cpu();
    if (pl_analyze(s, &o, &a, &err)) {
      fprintf(stderr, "%s: %s\n", name, err.message);
      exit(1);
    }
    double t = now() - t0, c = cpu() - c0;
    if (t < best) best = t;
    if (c < best_cpu) best_cpu = c;
    if (r + 1 < runs) pl_analysis_free(a);
  }
  char count[128];
  char digits[512];
  if (pl_scenario_outcome_count_text(s, digits, sizeof digits))
    strcpy(count, "huge");
  else if (strlen(digits) > 20) /* a power of ten is all one can read */
    snprintf(count, sizeof count, "%c.%ce%zu", digits[0], digits[1],
             strlen(digits) - 1);
  else
    snprintf(count, sizeof count, "%s", digits);
  int np = pl_scenario_party_count(s);
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru); /* this child's peak: this case alone */
  printf("%-28s %-24s %10.4f s %9.4f s %8zu  %016llx  %s (peak %ld MiB)\n",
         name, count, best, best_cpu, pl_analysis_pareto_count(a),
         (unsigned long long)hash_frontier(a, np), target, ru.ru_maxrss / 1024);
  pl_analysis_free(a);
}

/* Each case in a child of its own, forked from a parent that has run none,
 * so the peak resident memory printed is the case's, not the largest so
 * far. */
static void run_method(const char *name, const pl_scenario *s, int runs,
                       const char *target, pl_method method) {
  fflush(stdout);
  pid_t pid = fork();
  if (pid < 0) {
    perror("fork");
    exit(1);
  }
  if (pid == 0) {
    measure(name, s, runs, target, method);
    fflush(stdout);
    _exit(0);
  }
  int status;
  if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
      WEXITSTATUS(status) != 0)
    exit(1);
}

static void run(const char *name, const pl_scenario *s, int runs,
                const char *target) {
  run_method(name, s, runs, target, PL_METHOD_STRUCTURAL);
}

static void run_file(const char *name, const char *const *paths, size_t n,
                     const char *target) {
  pl_scenario *s;
  pl_error err;
  if (pl_scenario_load_inputs(paths, n, NULL, &s, &err)) {
    printf("%-28s skipped: %s\n", name, err.message);
    return;
  }
  run(name, s, 5, target);
  pl_scenario_free(s);
}

int main(int argc, char **argv) {
  const char *data = argc > 1 ? argv[1] : "../shared/data";
  printf("bench_structural: pl_analyze --method structural, best of 5 (of 2 "
         "for 5 parties), one thread, each case in a fresh process\n");
  printf("%-28s %-24s %12s %11s %8s  %-16s  %s\n", "scenario", "outcomes",
         "time", "cpu", "frontier", "hash", "target");
  static const struct {
    int np, ni, no, runs;
    const char *target;
  } cases[] = {{2, 50, 10, 5, "<= 10 ms"},
               {2, 100, 10, 5, "<= 0.2 s, <= 20 MiB"},
               {3, 12, 5, 5, "<= 20 ms"},
               {2, 10, 6, 5, ""},
               {4, 8, 5, 5, ""},
               {5, 12, 5, 2, "<= 10 s"}};
  for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
    char name[64];
    snprintf(name, sizeof name, "random %dp x %d x %d", cases[k].np,
             cases[k].ni, cases[k].no);
    pl_scenario *s = random_additive(cases[k].np, cases[k].ni, cases[k].no,
                                     1000 + k);
    run(name, s, cases[k].runs, cases[k].target);
    pl_scenario_free(s);
  }
  char dom[512], p1[512], p2[512];
  snprintf(dom, sizeof dom, "%s/genius/AMPOvsCity/ampo_vs_city_template.xml",
           data);
  snprintf(p1, sizeof p1, "%s/genius/AMPOvsCity/ampo_vs_city_ampo_space.xml",
           data);
  snprintf(p2, sizeof p2, "%s/genius/AMPOvsCity/ampo_vs_city_city_space.xml",
           data);
  const char *ampo[] = {dom, p1, p2};
  run_file("AMPOvsCity", ampo, 3, "<= 1 ms");
  snprintf(dom, sizeof dom, "%s/genius/anac/y2010/Travel/travel_domain.xml",
           data);
  snprintf(p1, sizeof p1, "%s/genius/anac/y2010/Travel/travel_chox.xml", data);
  snprintf(p2, sizeof p2, "%s/genius/anac/y2010/Travel/travel_fanny.xml", data);
  const char *travel[] = {dom, p1, p2};
  run_file("Travel", travel, 3, "");
  snprintf(dom, sizeof dom, "%s/genius/anac/y2011/Energy/energy_domain.xml",
           data);
  snprintf(p1, sizeof p1, "%s/genius/anac/y2011/Energy/energy_consumer.xml",
           data);
  snprintf(p2, sizeof p2, "%s/genius/anac/y2011/Energy/energy_distributor.xml",
           data);
  const char *energy[] = {dom, p1, p2};
  run_file("Energy", energy, 3, "");
  /* enumeration where nothing else works: non-linear utilities */
  pl_scenario *nl = random_nonlinear(8, 10, 100, 99);
  run_method("nonlinear 2p 10^8 (enum.)", nl, 1, "<= 10 s, <= 1 GiB",
             PL_METHOD_ENUMERATE);
  pl_scenario_free(nl);
  return 0;
}
