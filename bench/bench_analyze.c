/*
 * bench_analyze — how fast pl_analyze (the work behind `parley analyze`) is
 * on synthetic additive scenarios of 10^4 .. 10^7 outcomes.
 *
 * Each scenario is built through the public builder API from a fixed-seed
 * PRNG: 2 or 3 parties, k issues of 10 options each (10^k outcomes),
 * random weights in [0.05,1). Three variants:
 *   plain     values uniform in [0,1], independent between parties; no red
 *             lines, reservation values 0: every outcome is feasible;
 *   redlines  as plain, plus one one-issue red line per party and a
 *             reservation value of 0.35 for each party, so infeasible
 *             outcomes go through the violation-mask path;
 *   opposed   no red lines; the parties' values of each option are a random
 *             point of the simplex (they sum to 1: what one gains the others
 *             lose), so few options are dominated and the Pareto frontier
 *             is much larger — the stress case for frontier maintenance.
 *
 * Every size runs in a forked child, so the peak resident memory
 * (getrusage ru_maxrss, a process high-water mark) is per size; the
 * per-outcome figure is the growth of that mark during the analyses, after
 * a warm-up analysis of a 10-outcome scenario has faulted in the code. The
 * child times pl_analyze alone (CLOCK_MONOTONIC; best of 3 runs up to 10^6
 * outcomes, 1 run above, best of N at every size with --runs N) and hashes
 * the results — feasible count, every frontier point's utilities and
 * options, and the four solutions — so a speed-up cannot silently change
 * the answers: the hashes of a given scenario must not change between
 * builds.
 *
 * This is a measurement, not a test: it never fails on slowness. It exits
 * non-zero only when an analysis fails or a child crashes.
 *
 *   bench_analyze [--quick] [--max N] [--runs N] [--parties 2|3]
 *                 [--variant plain|redlines|opposed]
 */
#define _GNU_SOURCE 1 /* sysconf(_SC_NPROCESSORS_ONLN) */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "parley/parley.h"

#ifndef PL_BENCH_COMPILER
#define PL_BENCH_COMPILER "unknown"
#endif
#ifndef PL_BENCH_BUILD_TYPE
#define PL_BENCH_BUILD_TYPE "unknown"
#endif
#ifndef PL_BENCH_C_FLAGS
#define PL_BENCH_C_FLAGS "unknown"
#endif

#define OPTIONS_PER_ISSUE 10
#define RESERVATION 0.35

/* ------------------------------------------------------------------ */
/* PRNG and hash                                                       */
/* ------------------------------------------------------------------ */

static uint64_t splitmix64(uint64_t *state) {
  uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

/* uniform in [0,1], 53 random bits */
static double unit(uint64_t *state) {
  return (double)(splitmix64(state) >> 11) * 0x1.0p-53;
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

static uint64_t hash_point(uint64_t h, const pl_point *pt, int np, int ni) {
  if (!pt) return hash_word(h, 0xdeadull);
  for (int p = 0; p < np; p++) h = hash_double(h, pt->utilities[p]);
  for (int i = 0; i < ni; i++) h = hash_word(h, pt->options[i]);
  return h;
}

/* ------------------------------------------------------------------ */
/* the synthetic scenario                                              */
/* ------------------------------------------------------------------ */

enum { PLAIN, REDLINES, OPPOSED, N_VARIANTS };
static const char *const variant_names[N_VARIANTS] = {"plain", "redlines",
                                                      "opposed"};

typedef struct spec {
  int parties;
  int issues;
  int variant;
} spec;

static const char *variant_name(const spec *sp) {
  return variant_names[sp->variant];
}

static pl_scenario *fail_build(pl_scenario *s, const char *what,
                               const pl_error *err) {
  fprintf(stderr, "bench_analyze: %s: %s\n", what, err->message);
  pl_scenario_free(s);
  return NULL;
}

/* Builds and finishes the scenario of `sp`; NULL on failure (reported). */
static pl_scenario *build(const spec *sp) {
  pl_error err;
  memset(&err, 0, sizeof err);
  /* one seed per shape, so each scenario is the same in every run */
  uint64_t rng = 0x70A41E7ull ^ ((uint64_t)sp->parties << 32) ^
                 ((uint64_t)sp->issues << 16) ^ (uint64_t)sp->variant;
  char id[64];
  snprintf(id, sizeof id, "bench-%dp-%di-%s", sp->parties, sp->issues,
           variant_name(sp));
  pl_scenario *s = pl_scenario_new(id);
  if (!s) {
    fprintf(stderr, "bench_analyze: out of memory\n");
    return NULL;
  }
  for (int p = 0; p < sp->parties; p++) {
    char pid[16];
    snprintf(pid, sizeof pid, "p%d", p);
    double reservation = sp->variant == REDLINES ? RESERVATION : 0.0;
    if (pl_scenario_add_party(s, pid, NULL, reservation, &err) < 0)
      return fail_build(s, "add_party", &err);
  }
  char opt_buf[OPTIONS_PER_ISSUE][8];
  const char *opt_ids[OPTIONS_PER_ISSUE];
  for (int o = 0; o < OPTIONS_PER_ISSUE; o++) {
    snprintf(opt_buf[o], sizeof opt_buf[o], "o%d", o);
    opt_ids[o] = opt_buf[o];
  }
  for (int i = 0; i < sp->issues; i++) {
    char iid[16];
    snprintf(iid, sizeof iid, "i%d", i);
    if (pl_scenario_add_discrete_issue(s, iid, NULL, OPTIONS_PER_ISSUE,
                                       opt_ids, NULL, &err) < 0)
      return fail_build(s, "add_discrete_issue", &err);
  }
  for (int p = 0; p < sp->parties; p++)
    for (int i = 0; i < sp->issues; i++) {
      /* weights in [0.05, 1): no issue is irrelevant to anybody */
      if (pl_scenario_set_weight(s, p, i, 0.05 + 0.95 * unit(&rng), &err) < 0)
        return fail_build(s, "set_weight", &err);
      if (sp->variant == OPPOSED) continue;
      for (uint32_t o = 0; o < OPTIONS_PER_ISSUE; o++)
        if (pl_scenario_set_value(s, p, i, o, unit(&rng), &err) < 0)
          return fail_build(s, "set_value", &err);
    }
  if (sp->variant == OPPOSED)
    for (int i = 0; i < sp->issues; i++)
      for (uint32_t o = 0; o < OPTIONS_PER_ISSUE; o++) {
        /* normalised exponentials: uniform on the simplex */
        double e[3], sum = 0;
        for (int p = 0; p < sp->parties; p++) {
          e[p] = -log(1.0 - unit(&rng));
          sum += e[p];
        }
        for (int p = 0; p < sp->parties; p++)
          if (pl_scenario_set_value(s, p, i, o, e[p] / sum, &err) < 0)
            return fail_build(s, "set_value", &err);
      }
  if (sp->variant == REDLINES) {
    /* Party p rules out two options of issue p (one-issue red lines,
     * which the enumeration folds into its per-option violation masks). */
    for (int p = 0; p < sp->parties && p < sp->issues; p++) {
      uint32_t banned[2] = {(uint32_t)(2 * p) % OPTIONS_PER_ISSUE,
                            (uint32_t)(2 * p + 1) % OPTIONS_PER_ISSUE};
      pl_expr *rule = pl_expr_not(pl_expr_in(p, 2, banned));
      char rid[16];
      snprintf(rid, sizeof rid, "r%d", p);
      if (!rule) {
        fprintf(stderr, "bench_analyze: out of memory\n");
        pl_scenario_free(s);
        return NULL;
      }
      if (pl_scenario_add_red_line(s, p, rid, NULL, rule, &err) < 0)
        return fail_build(s, "add_red_line", &err);
    }
  }
  if (pl_scenario_finish(s, &err) < 0)
    return fail_build(s, "finish", &err);
  return s;
}

/* ------------------------------------------------------------------ */
/* one size, in a child                                                */
/* ------------------------------------------------------------------ */

typedef struct result {
  int ok;
  int deterministic;   /* every run gave the same hash */
  int runs;
  uint64_t outcomes;
  double seconds;      /* best run */
  long rss_before_kib; /* ru_maxrss after building, before analysing */
  long rss_peak_kib;   /* ru_maxrss at the end */
  uint64_t frontier;
  uint64_t feasible;
  uint64_t hash;
  char error[1100];
} result;

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static long maxrss_kib(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss; /* KiB on Linux */
}

static uint64_t hash_analysis(const pl_analysis *a, int np, int ni) {
  uint64_t h = 0x9A41EFull;
  h = hash_word(h, pl_analysis_feasible_count(a));
  size_t nf = pl_analysis_pareto_count(a);
  h = hash_word(h, nf);
  for (size_t k = 0; k < nf; k++)
    h = hash_point(h, pl_analysis_pareto(a, k), np, ni);
  for (int w = 0; w < PL_SOLUTION_COUNT_; w++)
    h = hash_point(h, pl_analysis_solution(a, (pl_solution)w), np, ni);
  return h;
}

static void measure(const spec *sp, int runs, result *r) {
  memset(r, 0, sizeof *r);
  pl_scenario *s = build(sp);
  if (!s) {
    snprintf(r->error, sizeof r->error, "building the scenario failed");
    return;
  }
  pl_scenario_outcome_count(s, &r->outcomes);
  pl_analysis_options opts;
  pl_analysis_options_init(&opts);
  /* Warm-up on a 10-outcome scenario of the same shape, so the code pages
   * the first analysis faults in are not counted as its memory. */
  spec tiny = {sp->parties, 1, sp->variant};
  pl_scenario *warm = build(&tiny);
  pl_analysis *ta = NULL;
  if (warm && pl_analyze(warm, &opts, &ta, NULL) == PL_OK)
    pl_analysis_free(ta);
  pl_scenario_free(warm);
  r->rss_before_kib = maxrss_kib();
  r->deterministic = 1;
  for (int k = 0; k < runs; k++) {
    pl_analysis *a = NULL;
    pl_error err;
    memset(&err, 0, sizeof err);
    double t0 = now();
    int rc = pl_analyze(s, &opts, &a, &err);
    double t = now() - t0;
    if (rc) {
      snprintf(r->error, sizeof r->error, "pl_analyze: %s (%s)", err.message,
               pl_errname(rc));
      pl_scenario_free(s);
      return;
    }
    uint64_t h = hash_analysis(a, sp->parties, sp->issues);
    if (k == 0 || t < r->seconds) r->seconds = t;
    if (k > 0 && h != r->hash) r->deterministic = 0;
    r->hash = h;
    r->frontier = pl_analysis_pareto_count(a);
    r->feasible = pl_analysis_feasible_count(a);
    r->runs = k + 1;
    pl_analysis_free(a);
  }
  r->rss_peak_kib = maxrss_kib();
  r->ok = 1;
  pl_scenario_free(s);
}

/* Runs measure() in a child; the result comes back through a pipe. */
static void measure_forked(const spec *sp, int runs, result *r) {
  int fd[2];
  memset(r, 0, sizeof *r);
  fflush(stdout);
  fflush(stderr);
  if (pipe(fd) != 0) {
    snprintf(r->error, sizeof r->error, "pipe: %s", strerror(errno));
    return;
  }
  pid_t pid = fork();
  if (pid < 0) {
    snprintf(r->error, sizeof r->error, "fork: %s", strerror(errno));
    close(fd[0]);
    close(fd[1]);
    return;
  }
  if (pid == 0) {
    close(fd[0]);
    result mine;
    measure(sp, runs, &mine);
    const char *p = (const char *)&mine;
    size_t left = sizeof mine;
    while (left > 0) {
      ssize_t w = write(fd[1], p, left);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) _exit(2);
      p += w;
      left -= (size_t)w;
    }
    close(fd[1]);
    _exit(0);
  }
  close(fd[1]);
  char *p = (char *)r;
  size_t got = 0;
  while (got < sizeof *r) {
    ssize_t n = read(fd[0], p + got, sizeof *r - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += (size_t)n;
  }
  close(fd[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (got != sizeof *r) {
    memset(r, 0, sizeof *r);
    if (WIFSIGNALED(status))
      snprintf(r->error, sizeof r->error, "child killed by signal %d",
               WTERMSIG(status));
    else
      snprintf(r->error, sizeof r->error, "child exited with status %d",
               WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  }
}

/* ------------------------------------------------------------------ */
/* header                                                              */
/* ------------------------------------------------------------------ */

static void cpu_model(char *buf, size_t size) {
  snprintf(buf, size, "unknown");
  FILE *f = fopen("/proc/cpuinfo", "r");
  if (!f) return;
  char line[512];
  while (fgets(line, sizeof line, f)) {
    /* x86: "model name"; some ARM kernels: "Hardware" or "Model" */
    if (strncmp(line, "model name", 10) && strncmp(line, "Hardware", 8) &&
        strncmp(line, "Model", 5))
      continue;
    char *colon = strchr(line, ':');
    if (!colon) continue;
    colon++;
    while (*colon == ' ' || *colon == '\t') colon++;
    colon[strcspn(colon, "\n")] = '\0';
    snprintf(buf, size, "%s", colon);
    break;
  }
  fclose(f);
}

static void header(int runs_small, int runs_large, uint64_t max) {
  char cpu[256];
  struct utsname un;
  cpu_model(cpu, sizeof cpu);
  printf("-- bench_analyze: pl_analyze on synthetic additive scenarios\n");
  printf("-- parley %s\n", pl_version());
  printf("-- compiler: %s (%s)\n", PL_BENCH_COMPILER, __VERSION__);
  printf("-- build type: %s; flags: %s\n", PL_BENCH_BUILD_TYPE,
         PL_BENCH_C_FLAGS);
  printf("-- cpu: %s (%ld online)\n", cpu, sysconf(_SC_NPROCESSORS_ONLN));
  if (uname(&un) == 0)
    printf("-- os: %s %s %s\n", un.sysname, un.release, un.machine);
  printf("-- issues of %d options; seconds: best of %d run%s up to 10^6 "
         "outcomes, of %d above; max %" PRIu64 " outcomes\n",
         OPTIONS_PER_ISSUE, runs_small, runs_small == 1 ? "" : "s",
         runs_large, max);
  printf("-- rss: peak resident KiB of the child running the size; B/out: "
         "rss increase during pl_analyze per outcome\n");
  printf("%-2s %-8s %9s %9s %8s %9s %8s %9s %9s  %s\n", "np", "variant",
         "outcomes", "seconds", "ns/out", "rss_KiB", "B/out", "frontier",
         "feasible", "hash");
}

/* ------------------------------------------------------------------ */
/* main                                                                */
/* ------------------------------------------------------------------ */

static void usage(FILE *f) {
  fprintf(f,
          "usage: bench_analyze [--quick] [--max N] [--runs N] "
          "[--parties 2|3]\n"
          "                     [--variant plain|redlines|opposed]\n"
          "  --quick      sizes up to 10^5, one run each\n"
          "  --max N      skip scenarios of more than N outcomes "
          "(default 10^7)\n"
          "  --runs N     runs per size, best kept (default 3 up to 10^6 "
          "outcomes, 1 above)\n"
          "  --parties P  only scenarios of P parties\n"
          "  --variant V  only the variant V: plain, redlines or opposed\n");
}

static int parse_u64(const char *text, uint64_t *out) {
  char *end;
  errno = 0;
  double d = strtod(text, &end); /* accepts 1e7 as well as 10000000 */
  if (errno || end == text || *end || d < 1 || d > 1e19) return -1;
  *out = (uint64_t)d;
  return 0;
}

int main(int argc, char **argv) {
  uint64_t max = 10000000ull;
  int runs = 3, runs_large = 1, only_parties = 0, only_variant = -1;
  for (int k = 1; k < argc; k++) {
    const char *a = argv[k];
    uint64_t v;
    if (!strcmp(a, "--quick")) {
      max = 100000ull;
      runs = runs_large = 1;
    } else if (!strcmp(a, "--max") && k + 1 < argc &&
               !parse_u64(argv[k + 1], &v)) {
      max = v;
      k++;
    } else if (!strcmp(a, "--runs") && k + 1 < argc &&
               !parse_u64(argv[k + 1], &v) && v <= 1000) {
      runs = runs_large = (int)v;
      k++;
    } else if (!strcmp(a, "--parties") && k + 1 < argc &&
               (!strcmp(argv[k + 1], "2") || !strcmp(argv[k + 1], "3"))) {
      only_parties = atoi(argv[k + 1]);
      k++;
    } else if (!strcmp(a, "--variant") && k + 1 < argc) {
      for (int w = 0; w < N_VARIANTS; w++)
        if (!strcmp(argv[k + 1], variant_names[w])) only_variant = w;
      if (only_variant < 0) {
        usage(stderr);
        return 2;
      }
      k++;
    } else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
      usage(stdout);
      return 0;
    } else {
      usage(stderr);
      return 2;
    }
  }
  header(runs, runs_large, max);
  int failures = 0;
  for (int np = 2; np <= 3; np++) {
    if (only_parties && np != only_parties) continue;
    for (int variant = 0; variant < N_VARIANTS; variant++) {
      if (only_variant >= 0 && variant != only_variant) continue;
      uint64_t outcomes = 1000;
      for (int ni = 4; ni <= 7; ni++) {
        outcomes *= OPTIONS_PER_ISSUE;
        if (outcomes > max) break;
        spec sp = {np, ni, variant};
        result r;
        measure_forked(&sp, outcomes <= 1000000ull ? runs : runs_large, &r);
        if (!r.ok) {
          printf("%-2d %-8s %9" PRIu64 "  FAILED: %s\n", np,
                 variant_name(&sp), outcomes, r.error);
          failures++;
          continue;
        }
        long grown = r.rss_peak_kib - r.rss_before_kib;
        printf("%-2d %-8s %9" PRIu64 " %9.4f %8.2f %9ld %8.2f %9" PRIu64
               " %9" PRIu64 "  %016" PRIx64 "%s\n",
               np, variant_name(&sp), r.outcomes, r.seconds,
               r.seconds * 1e9 / (double)r.outcomes, r.rss_peak_kib,
               (double)grown * 1024.0 / (double)r.outcomes, r.frontier,
               r.feasible, r.hash,
               r.deterministic ? "" : "  (hash differs between runs!)");
        fflush(stdout);
      }
    }
  }
  return failures ? 1 : 0;
}
