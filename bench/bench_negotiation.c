/* bench_negotiation: negotiations per second, one core (docs/performance.md):
 * boulware against conceder with a 1000-round deadline on ANAC samples of
 * ../shared/data (skipped when absent). Setup (loading the scenario) is
 * shared; each negotiation builds its agents. A hash of every agreement and
 * round count guards the answers. Not a test. */
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "parley/parley.h"

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* Resident memory now, in KiB (Linux). */
static long rss_kib(void) {
  FILE *f = fopen("/proc/self/statm", "r");
  long pages = 0, res = 0;
  if (f) {
    if (fscanf(f, "%ld %ld", &pages, &res) != 2) res = 0;
    fclose(f);
  }
  return res * 4;
}

/* Memory per concurrent negotiation: `count` finished sessions held at
 * once (their agents and every event), the growth of resident memory
 * divided by count. */
static void concurrent(const char *name, const pl_scenario *s,
                       const char *const *agents, int count) {
  pl_session_options o;
  pl_session_options_init(&o);
  o.rounds = 1000;
  pl_session **xs = calloc((size_t)count, sizeof *xs);
  long before = rss_kib();
  size_t events = 0;
  for (int k = 0; xs && k < count; k++) {
    if (pl_session_new(s, &o, agents, &xs[k], NULL)) break;
    while (pl_session_step(xs[k]) == PL_SESSION_RUNNING) {
    }
    events += pl_session_event_count(xs[k]);
  }
  long after = rss_kib();
  printf("%-14s %d concurrent negotiations: %.1f KiB each (%.0f events "
         "each)\n",
         name, count, (double)(after - before) / count,
         (double)events / count);
  for (int k = 0; xs && k < count; k++) pl_session_free(xs[k]);
  free(xs);
}

static void bench(const char *name, const char *const *paths, size_t n,
                  int count) {
  double t0 = now();
  pl_scenario *s;
  pl_error err;
  if (pl_scenario_load_inputs(paths, n, NULL, &s, &err)) {
    printf("%-14s skipped: %s\n", name, err.message);
    return;
  }
  double setup = now() - t0;
  const char *agents[2] = {"boulware", "conceder"};
  pl_session_options o;
  pl_session_options_init(&o);
  o.rounds = 1000;
  uint64_t h = 1469598103934665603ull;
  double t1 = now();
  int agreed = 0;
  long rounds = 0;
  for (int k = 0; k < count; k++) {
    pl_session *x;
    if (pl_session_new(s, &o, agents, &x, &err)) {
      printf("%s: %s\n", name, err.message);
      return;
    }
    while (pl_session_step(x) == PL_SESSION_RUNNING) {
    }
    const pl_point *a = pl_session_agreement(x);
    agreed += a != NULL;
    rounds += pl_session_rounds(x);
    for (int p = 0; a && p < 2; p++) {
      uint64_t bits;
      memcpy(&bits, &a->utilities[p], sizeof bits);
      h = (h ^ bits) * 1099511628211ull;
    }
    h = (h ^ (uint64_t)pl_session_rounds(x)) * 1099511628211ull;
    pl_session_free(x);
  }
  double t = now() - t1;
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  printf("%-14s %8d negotiations  %10.0f /s  setup %.4f s  %5.1f rounds  "
         "agreed %d  hash %016llx  peak %ld MiB\n",
         name, count, count / t, setup, (double)rounds / count, agreed,
         (unsigned long long)h, ru.ru_maxrss / 1024);
  concurrent(name, s, agents, 1000);
  pl_scenario_free(s);
}

int main(int argc, char **argv) {
  const char *data = argc > 1 ? argv[1] : "../shared/data";
  char d[512], a[512], b[512];
  printf("bench_negotiation: boulware vs conceder, SAOP, 1000 rounds, one "
         "thread\n");
  snprintf(d, sizeof d, "%s/genius/anac/y2010/ItexvsCypress/ItexvsCypress_domain.xml", data);
  snprintf(a, sizeof a, "%s/genius/anac/y2010/ItexvsCypress/ItexvsCypress_Itex.xml", data);
  snprintf(b, sizeof b, "%s/genius/anac/y2010/ItexvsCypress/ItexvsCypress_Cypress.xml", data);
  const char *itex[] = {d, a, b};
  bench("ItexvsCypress", itex, 3, 20000);
  snprintf(d, sizeof d, "%s/genius/anac/y2010/Travel/travel_domain.xml", data);
  snprintf(a, sizeof a, "%s/genius/anac/y2010/Travel/travel_chox.xml", data);
  snprintf(b, sizeof b, "%s/genius/anac/y2010/Travel/travel_fanny.xml", data);
  const char *travel[] = {d, a, b};
  bench("Travel", travel, 3, 2000);
  /* non-linear, 10^10 outcomes: each agent samples its pool at setup */
  snprintf(d, sizeof d, "%s/genius/anac/y2014/10issues/10issues-domain.xml", data);
  snprintf(a, sizeof a, "%s/genius/anac/y2014/10issues/profile-1.xml", data);
  snprintf(b, sizeof b, "%s/genius/anac/y2014/10issues/profile-2.xml", data);
  const char *hyper[] = {d, a, b};
  bench("10issues", hyper, 3, 200);
  return 0;
}
