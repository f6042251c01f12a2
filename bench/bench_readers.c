/*
 * bench_readers — how long the YAML scenario reader takes on hostile and
 * very large input: the cases tests/io/test_scenario_yaml.c checks for the
 * right answer (refusal, or the right model) without timing them, since
 * time asserted in a test fails on a loaded machine.
 *
 *   alias bomb       29 levels of 9 aliases each: refused at the first alias
 *   deep nesting     10,000 flow mappings: refused at depth 64
 *   64 MiB + 1       refused before parsing
 *   64 MiB comment   read (the largest accepted file)
 *   10^6 options     one issue of a million options, values and a rule
 *   10^6 duplicate   the same with a repeated option at the very end
 *   5000 x 20 refs   5,000 issues named by each of 20 parties
 *   10^5 red lines   refused at the 10,001st
 *
 * With --genius DATA, the GENIUS reader instead (pl_scenario_load_inputs
 * on a folder, as the CLI reads one): every folder of DATA/genius (the
 * shared ANAC data) that loads as a scenario, read 20 times a run; CPU
 * time per reading of them all.
 *
 * A measurement, not a test: it prints the best of --runs (default 3) and
 * exits non-zero only when a case gives the wrong status.
 *
 *   bench_readers [--runs N] [--genius DATA]
 */
#define _XOPEN_SOURCE 700 /* nftw */
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "parley/scenario.h"

typedef struct sbuf {
  char *p;
  size_t len, cap;
} sbuf;

static void sb_printf(sbuf *b, const char *fmt, ...) {
  for (;;) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(b->p ? b->p + b->len : NULL, b->p ? b->cap - b->len : 0,
                      fmt, ap);
    va_end(ap);
    if (n < 0) abort();
    if (b->p && b->len + (size_t)n < b->cap) {
      b->len += (size_t)n;
      return;
    }
    b->cap = (b->cap + (size_t)n + 1) * 2;
    b->p = realloc(b->p, b->cap);
    if (!b->p) abort();
  }
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The GENIUS folders under a root (those holding .xml files) and their
 * bytes. */
static char **folders;
static size_t n_folders, *folder_bytes;

static int add_folder(const char *path, const struct stat *st, int type,
                      struct FTW *ftw) {
  (void)ftw;
  size_t n = strlen(path);
  if (type != FTW_F || n < 4 || strcmp(path + n - 4, ".xml")) return 0;
  const char *slash = strrchr(path, '/');
  size_t dir = slash ? (size_t)(slash - path) : 0;
  if (!n_folders || strncmp(folders[n_folders - 1], path, dir) ||
      folders[n_folders - 1][dir]) { /* a new folder */
    folders = realloc(folders, (n_folders + 1) * sizeof *folders);
    folder_bytes = realloc(folder_bytes, (n_folders + 1) * sizeof *folder_bytes);
    if (!folders || !folder_bytes || !(folders[n_folders] = strndup(path, dir)))
      abort();
    folder_bytes[n_folders++] = 0;
  }
  folder_bytes[n_folders - 1] += (size_t)st->st_size;
  return 0;
}

/* CPU seconds to read every folder that loads as a scenario, `reps`
 * times; their count and bytes through *loaded and *bytes. */
static double genius_pass(int reps, size_t *loaded, size_t *bytes) {
  double t0 = cpu_now();
  *loaded = *bytes = 0;
  for (size_t f = 0; f < n_folders; f++)
    for (int r = 0; r < reps; r++) {
      const char *in[] = {folders[f]};
      pl_scenario *s = NULL;
      pl_error err;
      int rc = pl_scenario_load_inputs(in, 1, NULL, &s, &err);
      pl_scenario_free(s);
      if (rc) break; /* not a scenario on its own */
      if (r == 0) {
        (*loaded)++;
        *bytes += folder_bytes[f];
      }
    }
  return cpu_now() - t0;
}

static int genius_case(const char *data, int runs) {
  char root[1024];
  snprintf(root, sizeof root, "%s/genius", data);
  if (nftw(root, add_folder, 16, FTW_PHYS) != 0 || !n_folders) {
    fprintf(stderr, "bench_readers: no GENIUS folders under %s\n", root);
    return 1;
  }
  double best = 1e300;
  size_t loaded = 0, bytes = 0;
  for (int r = 0; r < runs; r++) {
    double dt = genius_pass(20, &loaded, &bytes) / 20;
    if (dt < best) best = dt;
  }
  printf("bench_readers: GENIUS folders (pl_scenario_load_inputs), CPU time,\n"
         "best of %d runs of 20 readings each\n"
         "%zu folders, %zu bytes: %.2f ms a reading of all (%.1f MB/s)\n",
         runs, loaded, bytes, best * 1e3, (double)bytes / best / 1e6);
  for (size_t f = 0; f < n_folders; f++) free(folders[f]);
  free(folders);
  free(folder_bytes);
  return 0;
}

#define BASE "issues:\n  - {id: a, options: [x, y]}\nparties:\n" \
             "  - id: p\n    weights: {a: 1}\n    values: {a: {x: 1}}\n"

static sbuf alias_bomb(void) {
  sbuf b = {0};
  sb_printf(&b, "lol0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
  for (int k = 1; k < 30; k++) {
    sb_printf(&b, "lol%d: &l%d [", k, k);
    for (int j = 0; j < 9; j++) sb_printf(&b, "%s*l%d", j ? ", " : "", k - 1);
    sb_printf(&b, "]\n");
  }
  sb_printf(&b, BASE);
  return b;
}

static sbuf deep(void) {
  sbuf b = {0};
  sb_printf(&b, BASE "    red_lines:\n      - id: r\n        rule: ");
  for (int k = 0; k < 10000; k++) sb_printf(&b, "{not: ");
  sb_printf(&b, "{issue: a, in: [x]}");
  for (int k = 0; k < 10000; k++) sb_printf(&b, "}");
  sb_printf(&b, "\n");
  return b;
}

static sbuf filled(size_t len, int scenario) {
  sbuf b = {malloc(len + 1), len, len + 1};
  if (!b.p) abort();
  memset(b.p, '#', len);
  if (scenario) {
    memcpy(b.p, BASE, strlen(BASE));
    b.p[len - 1] = '\n';
  }
  return b;
}

static sbuf million(int duplicate) {
  const int n = 1000000;
  sbuf b = {0};
  sb_printf(&b, "issues:\n  - id: big\n    options: [");
  for (int k = 0; k < n; k++)
    sb_printf(&b, "%so%d", k ? ", " : "", duplicate && k == n - 1 ? n - 2 : k);
  sb_printf(&b, "]\n  - {id: small, options: [s]}\nparties:\n  - id: p\n"
                "    weights: {big: 1}\n"
                "    values: {big: {o0: 1, o123456: 0.5, o999990: 0.25}}\n"
                "    red_lines:\n"
                "      - {id: r, rule: {issue: big, not_in: [o7, o8]}}\n"
                "  - id: q\n    weights: {big: 1, small: 1}\n"
                "    values: {big: {o1: 1}, small: {s: 1}}\n");
  return b;
}

static sbuf references(void) {
  const int ni = 5000, np = 20;
  sbuf b = {0};
  sb_printf(&b, "issues:\n");
  for (int i = 0; i < ni; i++) sb_printf(&b, "  - {id: issue%d, options: [a, b]}\n", i);
  sb_printf(&b, "parties:\n");
  for (int p = 0; p < np; p++) {
    sb_printf(&b, "  - id: p%d\n    weights: {", p);
    for (int i = 0; i < ni; i++) sb_printf(&b, "%sissue%d: 1", i ? ", " : "", i);
    sb_printf(&b, "}\n    values: {");
    for (int i = 0; i < ni; i++) sb_printf(&b, "%sissue%d: {a: 1}", i ? ", " : "", i);
    sb_printf(&b, "}\n");
  }
  return b;
}

static sbuf red_lines(void) {
  sbuf b = {0};
  sb_printf(&b, BASE "    red_lines:\n");
  for (int k = 0; k < 100000; k++) sb_printf(&b, "      - {id: r%d, linked: all}\n", k);
  return b;
}

int main(int argc, char **argv) {
  int runs = 3;
  const char *genius = NULL;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--runs") && i + 1 < argc) {
      runs = atoi(argv[++i]);
    } else if (!strcmp(argv[i], "--genius") && i + 1 < argc) {
      genius = argv[++i];
    } else {
      fprintf(stderr, "usage: bench_readers [--runs N] [--genius DATA]\n");
      return 2;
    }
  }
  if (runs < 1) runs = 1;
  if (genius) return genius_case(genius, runs);
  struct {
    const char *name;
    sbuf text;
    int want; /* the status the reader must give */
  } cases[] = {
      {"alias bomb", alias_bomb(), PL_EPARSE},
      {"deep nesting", deep(), PL_EPARSE},
      {"64 MiB + 1", filled((64u << 20) + 1, 0), PL_ETOOBIG},
      {"64 MiB comment", filled(64u << 20, 1), PL_OK},
      {"10^6 options", million(0), PL_OK},
      {"10^6 duplicate", million(1), PL_EPARSE},
      {"5000 x 20 refs", references(), PL_OK},
      {"10^5 red lines", red_lines(), PL_ETOOBIG},
  };
  printf("bench_readers: pl_scenario_load_yaml, best of %d\n", runs);
  printf("%-16s %12s %10s\n", "case", "bytes", "seconds");
  int bad = 0;
  for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
    double best = 1e300;
    for (int r = 0; r < runs; r++) {
      pl_scenario *s = NULL;
      pl_error err;
      double t0 = now();
      int rc = pl_scenario_load_yaml(cases[c].text.p, cases[c].text.len, "b",
                                     &s, &err);
      double dt = now() - t0;
      pl_scenario_free(s);
      if (rc != cases[c].want) {
        fprintf(stderr, "%s: status %d, expected %d (%s)\n", cases[c].name,
                rc, cases[c].want, rc ? err.message : "accepted");
        bad = 1;
      }
      if (dt < best) best = dt;
    }
    printf("%-16s %12zu %10.3f\n", cases[c].name, cases[c].text.len, best);
    free(cases[c].text.p);
  }
  return bad;
}
