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
 * A measurement, not a test: it prints the best of --runs (default 3) and
 * exits non-zero only when a case gives the wrong status.
 *
 *   bench_readers [--runs N]
 */
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
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--runs") && i + 1 < argc) {
      runs = atoi(argv[++i]);
    } else {
      fprintf(stderr, "usage: bench_readers [--runs N]\n");
      return 2;
    }
  }
  if (runs < 1) runs = 1;
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
