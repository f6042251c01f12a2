/*
 * bench_sequence — how fast pl_sequence_analyze (the work behind `parley
 * sequence`) is, and how many order ideals it visits, on synthetic plans.
 *
 * Each plan is YAML text from a fixed-seed PRNG, read with
 * pl_plan_load_string: two parties, bilateral steps (by / cost / value,
 * performers alternating), two soft demands per party and one hard one.
 * Shapes:
 *   dagN   N steps, each with a prerequisite on every earlier step with
 *          probability P (default 0.12): "a plan with some precedences";
 *   chWxL  W parallel chains of L steps (N = W x L): (L + 1)^W ideals, the
 *          knob between a single chain (N + 1) and no precedence (2^N);
 *   freeN  N steps and no precedence or hard demand at all: every subset is
 *          an ideal (2^N), the worst case of the exact search;
 *   limits a plan at every limit of the format: 256 steps, 64 parties,
 *          4,096 demands (the heuristic's worst case).
 * Every plan runs in a forked child, so the peak resident memory (getrusage
 * ru_maxrss) is per plan. The child times pl_sequence_analyze with the
 * levers (guarantees per party, tranches) and without, best of --runs, and
 * hashes the results (orders, minimum slacks, counts, guarantees), so a
 * speed-up cannot silently change the answers.
 *
 * A measurement, not a test: it never fails on slowness; it exits non-zero
 * only when an analysis fails or a child crashes.
 *
 *   bench_sequence [--quick] [--runs N] [--p P]
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "parley/sequence.h"

#ifndef PL_BENCH_COMPILER
#define PL_BENCH_COMPILER "unknown"
#endif
#ifndef PL_BENCH_BUILD_TYPE
#define PL_BENCH_BUILD_TYPE "unknown"
#endif
#ifndef PL_BENCH_C_FLAGS
#define PL_BENCH_C_FLAGS "unknown"
#endif

static uint64_t splitmix64(uint64_t *state) {
  uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}
static int below(uint64_t *s, int n) { return (int)(splitmix64(s) % (uint64_t)n); }
static double unit(uint64_t *s) {
  return (double)(splitmix64(s) >> 11) * 0x1.0p-53;
}
static uint64_t hash_word(uint64_t h, uint64_t x) {
  uint64_t st = h ^ x;
  return splitmix64(&st);
}
static uint64_t hash_double(uint64_t h, double d) {
  uint64_t bits;
  memcpy(&bits, &d, sizeof bits);
  return hash_word(h, bits);
}

/* ------------------------------------------------------------------ */
/* plans                                                               */
/* ------------------------------------------------------------------ */

typedef struct text {
  char *s;
  size_t len, cap;
} text;

static void add(text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(text *t, const char *fmt, ...) {
  for (;;) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(t->s + t->len, t->cap - t->len, fmt, ap);
    va_end(ap);
    if (n >= 0 && (size_t)n < t->cap - t->len) {
      t->len += (size_t)n;
      return;
    }
    t->cap = t->cap * 2 + (size_t)n + 64;
    t->s = realloc(t->s, t->cap);
    if (!t->s) {
      fputs("bench_sequence: out of memory\n", stderr);
      exit(1);
    }
  }
}

typedef enum shape { DAG, CHAINS, FREE, LIMITS } shape;

/* A plan at every limit of the format (docs/sequence-format.md): 256
 * steps, 64 parties, 4,096 soft demands (64 a party); each step by one
 * party, giving 1-3 to two others; no precedence. */
static char *make_limits_plan(uint64_t seed) {
  enum { N = 256, P = 64, D = 64 };
  text t = {malloc(1024), 0, 1024};
  uint64_t s = seed * 7919u + 17u;
  add(&t, "plan: limits\nparties:\n");
  for (int q = 0; q < P; q++) {
    add(&t, "  - id: p%d\n    defection_cost: 3\n    demands:\n", q);
    for (int k = 0; k < D; k++) {
      int x = below(&s, N), y = (x + 1 + below(&s, N - 1)) % N;
      add(&t, "      - {step: s%d, before: s%d, weight: %d}\n", x, y,
          1 + below(&s, 5));
    }
  }
  add(&t, "steps:\n");
  for (int k = 0; k < N; k++) {
    int by = k % P, a = (by + 1 + below(&s, P - 1)) % P;
    int b = (a + 1 + below(&s, P - 1)) % P;
    if (b == by) b = (b + 1) % P;
    if (b == a) b = (a + 1) % P == by ? (a + 2) % P : (a + 1) % P;
    add(&t, "  - {id: s%d, gains: {p%d: -%d, p%d: %d, p%d: %d}}\n", k, by,
        1 + below(&s, 4), a, 1 + below(&s, 3), b, 1 + below(&s, 3));
  }
  return t.s;
}

/* n steps; for CHAINS, w chains of n / w */
static char *make_plan(shape sh, int n, int w, double p, uint64_t seed) {
  if (sh == LIMITS) return make_limits_plan(seed);
  text t = {malloc(1024), 0, 1024};
  uint64_t s = seed * 1000003u + (uint64_t)n * 31u + (uint64_t)sh;
  add(&t, "plan: bench\nparties:\n");
  for (int q = 0; q < 2; q++) {
    add(&t, "  - id: p%d\n    defection_cost: 1\n    demands:\n", q);
    for (int k = 0; k < 2; k++) {
      int x = below(&s, n), y = (x + 1 + below(&s, n - 1)) % n;
      add(&t, "      - {step: s%d, before: s%d, weight: %d}\n", x, y,
          1 + below(&s, 5));
    }
    if (sh != FREE && q == 0) /* a hard demand every shape can keep */
      add(&t, "      - {step: s%d, after: s0, hard: true}\n", n - 1 - (sh == CHAINS));
  }
  add(&t, "steps:\n");
  for (int k = 0; k < n; k++) {
    int c = 1 + below(&s, 4);
    add(&t, "  - {id: s%d, by: p%d, cost: %d, value: %d", k, k % 2, c,
        c + below(&s, 3));
    int na = 0;
    if (sh == DAG)
      for (int j = 0; j < k; j++)
        if (unit(&s) < p) add(&t, "%s s%d", na++ ? "," : ", after: [", j);
    if (sh == CHAINS && k >= w) add(&t, "%s s%d", na++ ? "," : ", after: [", k - w);
    if (na) add(&t, "]");
    add(&t, "}\n");
  }
  return t.s;
}

/* ------------------------------------------------------------------ */
/* measuring                                                           */
/* ------------------------------------------------------------------ */

typedef struct result {
  int ok;
  int exact;
  uint64_t states, bytes;
  double t_levers, t_plain; /* seconds, best of runs */
  long rss_kib;
  uint64_t hash;
  double min_slack;
  int64_t weight;      /* soft weight the recommended order breaks */
  int heur;            /* the heuristic ran too, for comparison */
  int64_t h_weight;    /* ... its recommended order's weight */
  double h_slack;      /* ... its safest order's minimum slack */
  double h_time;
  char error[1100];
} result;

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static uint64_t hash_result(const pl_plan *p, const pl_sequence *r) {
  uint64_t h = 0x5E9u;
  for (int k = 0; k < 3; k++) {
    size_t n;
    const int *o = pl_sequence_order(r, (pl_order_kind)k, &n);
    for (size_t j = 0; j < n; j++) h = hash_word(h, (uint64_t)o[j]);
    h = hash_double(h, n ? pl_sequence_min_slack(r, (pl_order_kind)k, NULL, NULL) : 0);
    h = hash_word(h, pl_sequence_optimal_orders(r, (pl_order_kind)k, NULL));
  }
  for (int q = 0; q < pl_plan_party_count(p); q++) {
    double needed, alone;
    h = hash_word(h, (uint64_t)pl_sequence_guarantee(r, q, &needed, &alone));
    h = hash_double(h, alone);
  }
  int extra;
  h = hash_word(h, (uint64_t)pl_sequence_tranche_lever(r, &extra));
  return hash_word(h, (uint64_t)extra);
}

static void measure(const char *yaml, int runs, result *res) {
  pl_plan *p = NULL;
  pl_error err;
  if (pl_plan_load_string(yaml, strlen(yaml), "bench.yaml", &p, &err)) {
    snprintf(res->error, sizeof res->error, "%d:%d: %s", err.line, err.column,
             err.message);
    return;
  }
  res->t_levers = res->t_plain = INFINITY;
  for (int levers = 1; levers >= 0; levers--)
    for (int k = 0; k < runs; k++) {
      pl_sequence_options o;
      pl_sequence_options_init(&o);
      o.levers = levers;
      pl_sequence *r = NULL;
      double t0 = now();
      if (pl_sequence_analyze(p, &o, &r, &err)) {
        snprintf(res->error, sizeof res->error, "%s", err.message);
        pl_plan_free(p);
        return;
      }
      double t = now() - t0;
      if (levers) {
        res->t_levers = fmin(res->t_levers, t);
        res->hash = hash_result(p, r);
        res->exact = pl_sequence_exact(r);
        res->states = pl_sequence_states(r);
        res->bytes = pl_sequence_memory(r);
        res->min_slack = pl_sequence_min_slack(r, PL_ORDER_SAFEST, NULL, NULL);
        res->weight = pl_sequence_weight_violated(r, PL_ORDER_RECOMMENDED);
      } else {
        res->t_plain = fmin(res->t_plain, t);
      }
      pl_sequence_free(r);
    }
  if (res->exact) { /* the heuristic on the same plan: how far off? */
    pl_sequence_options o;
    pl_sequence_options_init(&o);
    o.max_states = 1;
    pl_sequence *r = NULL;
    double t0 = now();
    if (!pl_sequence_analyze(p, &o, &r, &err)) {
      res->h_time = now() - t0;
      res->heur = 1;
      res->h_weight = pl_sequence_weight_violated(r, PL_ORDER_RECOMMENDED);
      res->h_slack = pl_sequence_min_slack(r, PL_ORDER_SAFEST, NULL, NULL);
      pl_sequence_free(r);
    }
  }
  pl_plan_free(p);
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  res->rss_kib = ru.ru_maxrss;
  res->ok = 1;
}

/* Runs measure() in a child: the peak memory is the plan's own. */
static void measure_forked(const char *yaml, int runs, result *res) {
  memset(res, 0, sizeof *res);
  int fd[2];
  if (pipe(fd)) {
    snprintf(res->error, sizeof res->error, "pipe: %s", strerror(errno));
    return;
  }
  pid_t pid = fork();
  if (pid < 0) {
    snprintf(res->error, sizeof res->error, "fork: %s", strerror(errno));
    return;
  }
  if (pid == 0) {
    close(fd[0]);
    result r;
    memset(&r, 0, sizeof r);
    measure(yaml, runs, &r);
    ssize_t w = write(fd[1], &r, sizeof r);
    _exit(w == (ssize_t)sizeof r ? 0 : 1);
  }
  close(fd[1]);
  ssize_t got = read(fd[0], res, sizeof *res);
  close(fd[0]);
  int status;
  waitpid(pid, &status, 0);
  if (got != (ssize_t)sizeof *res || !WIFEXITED(status) || WEXITSTATUS(status))
    snprintf(res->error, sizeof res->error, "the child failed (status %d)",
             status);
}

static void cpu_model(char *buf, size_t size) {
  snprintf(buf, size, "unknown");
  FILE *f = fopen("/proc/cpuinfo", "r");
  if (!f) return;
  char line[512];
  while (fgets(line, sizeof line, f))
    if (!strncmp(line, "model name", 10)) {
      char *v = strchr(line, ':');
      if (v) {
        v += 1 + (v[1] == ' ');
        v[strcspn(v, "\n")] = 0;
        snprintf(buf, size, "%s", v);
      }
      break;
    }
  fclose(f);
}

int main(int argc, char **argv) {
  int quick = 0, runs = 1;
  double p = 0.12;
  for (int k = 1; k < argc; k++) {
    if (!strcmp(argv[k], "--quick")) {
      quick = 1;
    } else if (!strcmp(argv[k], "--runs") && k + 1 < argc) {
      runs = atoi(argv[++k]);
      if (runs < 1) runs = 1;
    } else if (!strcmp(argv[k], "--p") && k + 1 < argc) {
      p = atof(argv[++k]);
    } else {
      fprintf(stderr, "usage: bench_sequence [--quick] [--runs N] [--p P]\n");
      return 2;
    }
  }
  char cpu[256];
  struct utsname un;
  cpu_model(cpu, sizeof cpu);
  printf("-- bench_sequence, parley %s\n", pl_version());
  printf("-- compiler: %s, %s, flags: %s\n", PL_BENCH_COMPILER,
         PL_BENCH_BUILD_TYPE, PL_BENCH_C_FLAGS);
  printf("-- cpu: %s (%ld online)\n", cpu, sysconf(_SC_NPROCESSORS_ONLN));
  if (uname(&un) == 0) printf("-- system: %s %s\n", un.sysname, un.release);
  printf("-- default limits: 2^25 ideals, 2 GiB; dag p = %g; best of %d\n", p,
         runs);
  printf("%-8s %5s %9s %10s %8s %8s %8s %9s %6s %6s  %-16s  %s\n", "plan",
         "steps", "method", "ideals", "tables", "levers", "plain", "peak RSS",
         "slack", "weight", "hash", "heuristic: time slack weight");
  static const struct {
    shape sh;
    int n, w;
    int slow;
  } cases[] = {
      {DAG, 20, 0, 0},    {DAG, 25, 0, 0},   {DAG, 30, 0, 0},
      {DAG, 35, 0, 0},    {DAG, 40, 0, 0},   {DAG, 50, 0, 0},
      {CHAINS, 40, 4, 0}, {CHAINS, 40, 8, 0}, {CHAINS, 60, 6, 0},
      {CHAINS, 40, 10, 1}, {CHAINS, 48, 12, 0}, {FREE, 16, 0, 0},
      {FREE, 20, 0, 0},   {FREE, 22, 0, 0},  {FREE, 24, 0, 1},
      {FREE, 25, 0, 1},   {FREE, 26, 0, 1},  {DAG, 120, 0, 0},
      {DAG, 256, 0, 0},   {FREE, 256, 0, 0}, {LIMITS, 256, 0, 0},
  };
  int failed = 0;
  for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
    if (quick && cases[k].slow) continue;
    char *yaml = make_plan(cases[k].sh, cases[k].n, cases[k].w, p, 1);
    result r;
    measure_forked(yaml, runs, &r);
    free(yaml);
    char name[32];
    if (cases[k].sh == CHAINS)
      snprintf(name, sizeof name, "ch%dx%d", cases[k].w, cases[k].n / cases[k].w);
    else if (cases[k].sh == LIMITS)
      snprintf(name, sizeof name, "limits");
    else
      snprintf(name, sizeof name, "%s%d", cases[k].sh == DAG ? "dag" : "free",
               cases[k].n);
    if (!r.ok) {
      printf("%-8s %5d  FAILED: %s\n", name, cases[k].n, r.error);
      failed = 1;
      continue;
    }
    printf("%-8s %5d %9s %10" PRIu64 " %7.1fM %7.3fs %7.3fs %8.1fM %6.2f %6" PRId64
           "  %016" PRIx64,
           name, cases[k].n, r.exact ? "exact" : "heuristic", r.states,
           (double)r.bytes / (1 << 20), r.t_levers, r.t_plain,
           (double)r.rss_kib / 1024, r.min_slack, r.weight, r.hash);
    if (r.heur)
      printf("  %6.3fs %6.2f %6" PRId64, r.h_time, r.h_slack, r.h_weight);
    printf("\n");
    fflush(stdout);
  }
  return failed;
}
