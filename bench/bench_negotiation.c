/* bench_negotiation: negotiations per second, one core (docs/performance.md):
 * boulware against conceder with a 1000-round deadline on ANAC samples of
 * ../shared/data (skipped when absent). Setup (loading the scenario) is
 * shared; each negotiation builds its agents. A hash of every agreement and
 * round count guards the answers. Not a test. */
#include <stdint.h>
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
  return 0;
}
