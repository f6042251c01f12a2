/* bench_mediation: pl_unlock_compute and pl_improve_compute on synthetic
 * scenarios (docs/performance.md, "Mediation"). Fixed seeds; each line
 * prints what was found, so a speed-up cannot change answers unseen. Not a
 * test: it never fails on slowness.
 *
 *   unlock   3 parties, 6 issues of 10 options (10^6 outcomes), 30 red lines
 *            (10 per party, one issue each, 10 of them with a weaker
 *            variant) that deadlock, reservation values 0.3 (argument 2
 *            changes it), the default 10 sets described (argument 3)
 *
 *   unlock-s 2 parties, 20 issues of 10 options (10^20 outcomes), 10 red
 *            lines (5 per party, two with a variant), reservation
 *            values 0.6 that bind: the structural search with the least
 *            lowerings (docs/mediation.md, "Structural")
 *   improve  2 parties, 40 issues of 10 options (10^40 outcomes), additive,
 *            from a random package
 *
 * Usage: bench_mediation [RUNS [RESERVATION [MAX_SETS]]] */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "parley/parley.h"

static uint64_t splitmix64(uint64_t *s) {
  uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

static double unit(uint64_t *s) { return (splitmix64(s) >> 11) * 0x1.0p-53; }

static double clock_of(clockid_t id) {
  struct timespec t;
  clock_gettime(id, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}
static double now(void) { return clock_of(CLOCK_MONOTONIC); }
/* CPU time of the process: what a shared, loaded machine does not
 * inflate. */
static double cpu(void) { return clock_of(CLOCK_PROCESS_CPUTIME_ID); }

static void check(int rc, const pl_error *err, const char *what) {
  if (rc < 0) {
    fprintf(stderr, "%s: %s\n", what, err->message);
    exit(1);
  }
}

static pl_scenario *scenario(int np, int ni, int no, double rv,
                             uint64_t seed) {
  pl_scenario *s = pl_scenario_new("bench");
  pl_error err;
  char id[32];
  const char *ids[16];
  char names[16][12]; /* "o" and any int: no truncation warning in Debug builds */
  for (int k = 0; k < no; k++) {
    snprintf(names[k], sizeof names[k], "o%d", k);
    ids[k] = names[k];
  }
  for (int i = 0; i < ni; i++) {
    snprintf(id, sizeof id, "i%d", i);
    check(pl_scenario_add_discrete_issue(s, id, NULL, (size_t)no, ids, NULL,
                                         &err),
          &err, "issue");
  }
  for (int p = 0; p < np; p++) {
    snprintf(id, sizeof id, "p%d", p);
    check(pl_scenario_add_party(s, id, NULL, rv, &err), &err, "party");
    for (int i = 0; i < ni; i++) {
      pl_scenario_set_weight(s, p, i, 0.05 + unit(&seed), &err);
      for (int k = 0; k < no; k++)
        pl_scenario_set_value(s, p, i, (uint32_t)k, unit(&seed), &err);
    }
  }
  return s;
}

/* Party p's red line r on issue r % ni: keep options of a window that
 * differs per party, so the parties' windows clash; every other red line
 * has a variant that widens the window by two options. */
static void red_lines(pl_scenario *s, int np, int ni, int no, int per_party) {
  pl_error err;
  char id[32];
  for (int p = 0; p < np; p++)
    for (int r = 0; r < per_party; r++) {
      int i = (r + p) % ni;
      uint32_t win[16], wide[16];
      int n = 0, m = 0;
      for (int k = 0; k < no; k++) {
        int lo = (p * 4 + r) % no;
        int d = (k - lo + no) % no;
        if (d < 3) win[n++] = (uint32_t)k;
        if (d < 5) wide[m++] = (uint32_t)k;
      }
      snprintf(id, sizeof id, "r%d", r);
      int x = pl_scenario_add_red_line(s, p, id, NULL,
                                       pl_expr_in(i, (size_t)n, win), &err);
      check(x, &err, "red line");
      if (r % 3 == 0)
        check(pl_scenario_add_variant(s, x, "wider", NULL, 0.5,
                                      pl_expr_in(i, (size_t)m, wide), &err),
              &err, "variant");
    }
}

int main(int argc, char **argv) {
  int runs = argc > 1 ? atoi(argv[1]) : 3;
  if (runs < 1) runs = 1;
  pl_error err;
  printf("# bench_mediation: best of %d runs; wall time (CLOCK_MONOTONIC) "
         "and CPU time (CLOCK_PROCESS_CPUTIME_ID)\n",
         runs);
  printf("%-8s %-40s %8s %8s  %s\n", "what", "scenario", "wall_s", "cpu_s",
         "found");

  double rv = argc > 2 ? atof(argv[2]) : 0.3;
  pl_scenario *s = scenario(3, 6, 10, rv, 1);
  red_lines(s, 3, 6, 10, 10);
  check(pl_scenario_finish(s, &err), &err, "finish");
  double best = 1e9, best_cpu = 1e9;
  size_t total = 0;
  double cost = 0;
  for (int k = 0; k < runs; k++) {
    pl_unlock *u = NULL;
    double t = now(), c = cpu();
    pl_unlock_options uo;
    pl_unlock_options_init(&uo);
    if (argc > 3) uo.max_sets = (size_t)atoi(argv[3]);
    check(pl_unlock_compute(s, &uo, &u, &err), &err, "unlock");
    t = now() - t;
    c = cpu() - c;
    if (t < best) best = t;
    if (c < best_cpu) best_cpu = c;
    total = pl_unlock_total(u);
    cost = pl_unlock_set_count(u) ? pl_unlock_set_at(u, 0)->cost : -1;
    pl_unlock_free(u);
  }
  printf("%-8s %-40s %8.4f %8.4f  %zu minimal sets, cheapest %.3f\n",
         "unlock", "3 parties, 10^6 outcomes, 30 red lines", best, best_cpu,
         total, cost);
  pl_scenario_free(s);

  s = scenario(2, 20, 10, 0.6, 4);
  red_lines(s, 2, 20, 10, 5);
  check(pl_scenario_finish(s, &err), &err, "finish");
  best = best_cpu = 1e9;
  const char *method = "";
  for (int k = 0; k < runs; k++) {
    pl_unlock *u = NULL;
    double t = now(), c = cpu();
    check(pl_unlock_compute(s, NULL, &u, &err), &err, "unlock, structural");
    t = now() - t;
    c = cpu() - c;
    if (t < best) best = t;
    if (c < best_cpu) best_cpu = c;
    total = pl_unlock_total(u);
    cost = pl_unlock_set_count(u) ? pl_unlock_set_at(u, 0)->cost : -1;
    method = pl_unlock_method(u);
    pl_unlock_free(u);
  }
  printf("%-8s %-40s %8.4f %8.4f  %zu minimal sets, cheapest %.3f (%s)\n",
         "unlock-s", "2 parties, 10^20 outcomes, rv 0.6 binding", best,
         best_cpu, total, cost, method);
  pl_scenario_free(s);

  s = scenario(2, 40, 10, 0, 2);
  check(pl_scenario_finish(s, &err), &err, "finish");
  uint64_t seed = 3;
  uint32_t from[40];
  for (int i = 0; i < 40; i++) from[i] = (uint32_t)(splitmix64(&seed) % 10);
  best = best_cpu = 1e9;
  size_t nbest = 0;
  for (int k = 0; k < runs; k++) {
    pl_improve *x = NULL;
    double t = now(), c = cpu();
    check(pl_improve_compute(s, from, NULL, &x, &err), &err, "improve");
    t = now() - t;
    c = cpu() - c;
    if (t < best) best = t;
    if (c < best_cpu) best_cpu = c;
    nbest = pl_improve_best_count(x);
    pl_improve_free(x);
  }
  printf("%-8s %-40s %8.4f %8.4f  %zu Pareto-optimal improvements\n",
         "improve", "2 parties, 10^40 outcomes, additive", best, best_cpu,
         nbest);
  pl_scenario_free(s);
  return 0;
}
