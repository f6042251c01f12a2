/* Unit tests of implementation sequencing (src/sequence/): the plan reader,
 * the regression case of the issue, the examples, and random small plans
 * checked against brute force over every order (every permutation of the
 * steps, every split into tranches): the best compromise and how many
 * orders reach it, the safest order and its count, the levers, the
 * minimal conflicting sets, evaluation of given orders, the heuristic's
 * validity and bounds, both table layouts of the exact search, and
 * allocation failures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <jansson.h>

#include "core/util.h"
#include "parley/sequence.h"
#include "sequence/ideals.h"
#include "sequence/plan_internal.h"
#include "testutil.h"

/* ------------------------------------------------------------------ */
/* helpers                                                             */
/* ------------------------------------------------------------------ */

static pl_plan *load(const char *text) {
  pl_plan *p = NULL;
  pl_error err;
  int rc = pl_plan_load_string(text, strlen(text), "test.yaml", &p, &err);
  if (rc)
    fail_msg("load: %s:%d:%d: %s\n%s", err.file, err.line, err.column,
             err.message, text);
  return p;
}

static pl_sequence *analyze(const pl_plan *p, const pl_sequence_options *o) {
  pl_sequence *r = NULL;
  pl_error err;
  int rc = pl_sequence_analyze(p, o, &r, &err);
  if (rc) fail_msg("analyze: %s", err.message);
  return r;
}

/* A growing text buffer for generated plans. */
typedef struct buf {
  char text[16384];
  size_t len;
} buf;

static void add(buf *b, const char *fmt, ...) PL__PRINTF(2, 3);
static void add(buf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(b->text + b->len, sizeof b->text - b->len, fmt, ap);
  va_end(ap);
  if (n < 0 || (size_t)n >= sizeof b->text - b->len) fail_msg("buffer full");
  b->len += (size_t)n;
}

/* ------------------------------------------------------------------ */
/* the regression case of the issue                                    */
/* ------------------------------------------------------------------ */

/* One party; step gains [2, -1, 3, -2, 1, -3]; precedences 0<2, 1<2, 1<3,
 * 2<4, 3<5, 4<5. The least possible maximum running total is 3, reached
 * by exactly three orders. With K = total (0) + defection cost (0), slack
 * is minus the running total. */
static const char regression[] =
    "parties: [{id: x}]\n"
    "steps:\n"
    "  - {id: s0, gains: {x: 2}}\n"
    "  - {id: s1, gains: {x: -1}}\n"
    "  - {id: s2, gains: {x: 3}, after: [s0, s1]}\n"
    "  - {id: s3, gains: {x: -2}, after: [s1]}\n"
    "  - {id: s4, gains: {x: 1}, after: [s2]}\n"
    "  - {id: s5, gains: {x: -3}, after: [s3, s4]}\n";

static void test_regression_min_max_running_total(void **state) {
  (void)state;
  pl_plan *p = load(regression);
  pl_sequence *r = analyze(p, NULL);
  assert_true(pl_sequence_feasible(r));
  assert_true(pl_sequence_exact(r));
  assert_double_near(pl_sequence_min_slack(r, PL_ORDER_SAFEST, NULL, NULL),
                     -3, 0);
  int capped = 1;
  assert_int_equal(pl_sequence_optimal_orders(r, PL_ORDER_SAFEST, &capped), 3);
  assert_false(capped);
  /* the three: 0 1 3 2 4 5, 1 0 3 2 4 5, 1 3 0 2 4 5; the first shown */
  size_t n;
  const int *o = pl_sequence_order(r, PL_ORDER_SAFEST, &n);
  int want[] = {0, 1, 3, 2, 4, 5};
  assert_int_equal(n, 6);
  for (int k = 0; k < 6; k++) assert_int_equal(o[k], want[k]);
  /* all 7 linear extensions are equally good compromises (no demands) */
  assert_int_equal(pl_sequence_optimal_orders(r, PL_ORDER_RECOMMENDED, NULL), 7);
  assert_double_near(pl_sequence_uniform_guarantee(r), 3, 0);
  double needed, alone;
  assert_int_equal(pl_sequence_guarantee(r, 0, &needed, &alone), 1);
  assert_double_near(needed, 3, 0);
  assert_double_near(alone, 3, 0);
  assert_int_equal(pl_sequence_tranche_lever(r, NULL), PL_TRANCHES_NONE);
  assert_true(pl_sequence_states(r) > 0);
  pl_sequence_free(r);

  /* a defection cost of 3 makes the best orders safe */
  char text[sizeof regression + 40];
  snprintf(text, sizeof text, "%s", regression);
  char *at = strstr(text, "{id: x}");
  memmove(at + 26, at + 7, strlen(at + 7) + 1);
  memcpy(at, "{id: x, defection_cost: 3}", 26);
  pl_plan_free(p);
  p = load(text);
  r = analyze(p, NULL);
  assert_double_near(pl_sequence_min_slack(r, PL_ORDER_SAFEST, NULL, NULL),
                     0, 0);
  assert_true(pl_sequence_safe(r, PL_ORDER_SAFEST));
  assert_int_equal(pl_sequence_tranche_lever(r, NULL), PL_TRANCHES_NOT_NEEDED);
  pl_sequence_free(r);
  pl_plan_free(p);
}

/* ------------------------------------------------------------------ */
/* the examples                                                        */
/* ------------------------------------------------------------------ */

static bool has_conflict(const pl_plan *p, const pl_sequence *r,
                         const char *const *ids, size_t n) {
  for (size_t k = 0; k < pl_sequence_conflict_count(r); k++) {
    size_t m;
    const int *set = pl_sequence_conflict(r, k, &m);
    if (m != n) continue;
    size_t hit = 0;
    for (size_t j = 0; j < m; j++)
      for (size_t i = 0; i < n; i++)
        hit += !strcmp(pl_plan_demand_id(p, set[j]), ids[i]);
    if (hit == n) return true;
  }
  return false;
}

static void test_minsk_example(void **state) {
  (void)state;
  pl_plan *p = NULL;
  pl_error err;
  if (pl_plan_load(tu_source_path("examples/plans/minsk.yaml"), &p, &err))
    fail_msg("%s:%d: %s", err.file, err.line, err.message);
  pl_sequence *r = analyze(p, NULL);
  assert_false(pl_sequence_feasible(r));
  assert_true(pl_sequence_conflicts_complete(r));
  /* "border control after elections" against "before elections" */
  const char *clash[] = {"border-before-elections", "final-chord"};
  assert_true(has_conflict(p, r, clash, 2));
  size_t n;
  const int *cyc = pl_sequence_conflict_cycle(r, 0, &n);
  assert_int_equal(n, 3);
  assert_int_equal(cyc[0], cyc[2]);
  /* the compromise breaks one hard demand */
  assert_int_equal(pl_sequence_hard_violated(r, PL_ORDER_RECOMMENDED), 1);
  int hard;
  int64_t weight;
  pl_sequence_bounds(r, &hard, &weight);
  assert_int_equal(hard, 1);
  pl_sequence_free(r);
  pl_plan_free(p);
}

static void test_exchange_example(void **state) {
  (void)state;
  pl_plan *p = NULL;
  pl_error err;
  if (pl_plan_load(tu_source_path("examples/plans/exchange.yaml"), &p, &err))
    fail_msg("%s:%d: %s", err.file, err.line, err.message);
  pl_sequence *r = analyze(p, NULL);
  assert_true(pl_sequence_feasible(r));
  assert_int_equal(pl_sequence_hard_violated(r, PL_ORDER_RECOMMENDED), 0);
  /* the shorthand: cost to the performer, value to the other side */
  int s = pl_plan_find_step(p, "enrichment_cap");
  int by = pl_plan_step_by(p, s);
  assert_true(by >= 0);
  assert_true(pl_plan_step_gain(p, s, by) < 0);
  assert_true(pl_plan_step_gain(p, s, 1 - by) > 0);
  pl_sequence_free(r);
  pl_plan_free(p);
}

/* ------------------------------------------------------------------ */
/* the reader                                                          */
/* ------------------------------------------------------------------ */

static void expect_error(const char *text, int code, int line, int col,
                         const char *part) {
  pl_plan *p = (pl_plan *)1;
  pl_error err;
  int rc = pl_plan_load_string(text, strlen(text), "bad.yaml", &p, &err);
  if (rc != code)
    fail_msg("rc %s, expected %s (%s)\n%s", pl_errname(rc), pl_errname(code),
             err.message, text);
  assert_null(p);
  assert_int_equal(err.code, code);
  if (err.line != line || err.column != col || !strstr(err.message, part))
    fail_msg("got %d:%d: %s\nexpected %d:%d: ...%s...", err.line, err.column,
             err.message, line, col, part);
}

static void test_reader_errors(void **state) {
  (void)state;
  expect_error("", PL_EPARSE, 1, 1, "empty file");
  expect_error("parties: [{id: a}]\n", PL_EPARSE, 1, 1, "has no \"steps\"");
  expect_error("parties: [{id: a}]\nsteps: [{id: s}, {id: s}]\n", PL_EPARSE, 2,
               23, "duplicate step id \"s\" (first at line 2)");
  expect_error("parties: [{id: a}]\nsteps: [{id: s, after: [t]}]\n",
               PL_EPARSE, 2, 25, "unknown step \"t\" in \"after\" of step \"s\"");
  expect_error("parties: [{id: a}]\nsteps:\n  - {id: s, after: [u]}\n"
               "  - {id: t, after: [s]}\n  - {id: u, after: [t]}\n",
               PL_EPARSE, 4, 21, "cycle: s after u after t after s");
  expect_error("parties: [{id: a}]\nsteps: [{id: s, after: s}]\n", PL_EPARSE,
               2, 24, "after itself");
  expect_error("parties: [{id: a}]\nsteps: [{id: s, gains: {a: .nan}}]\n",
               PL_EPARSE, 2, 28, "expected a number");
  expect_error("parties: [{id: a}]\nsteps: [{id: s, gains: {a: 1e300}}]\n",
               PL_EPARSE, 2, 28, "too large");
  expect_error("parties: [{id: a}]\nsteps: [{id: s, cost: 1}]\n", PL_EPARSE, 2,
               23, "no \"by\"");
  expect_error("parties: [{id: a, defection_cost: -1}]\nsteps: [{id: s}]\n",
               PL_EPARSE, 1, 35, "negative");
  expect_error("parties: [{id: a, demands: [{step: s}]}]\nsteps: [{id: s}]\n",
               PL_EPARSE, 1, 29, "says nothing about the order");
  expect_error("parties: [{id: a, demands: [{step: s, first: true, last: true}]}]"
               "\nsteps: [{id: s}]\n",
               PL_EPARSE, 1, 58, "both \"first\" and \"last\"");
  expect_error("parties: [{id: a, demands: [{step: s, before: s}]}]\n"
               "steps: [{id: s}]\n",
               PL_EPARSE, 1, 47, "before itself");
  expect_error("parties: [{id: a, demands: [{step: s, last: true, hard: true, "
               "weight: 2}]}]\nsteps: [{id: s}]\n",
               PL_EPARSE, 1, 71, "takes no weight");
  expect_error("parties: [{id: a, demands: [{step: s, last: true, weight: 0}]}]"
               "\nsteps: [{id: s}]\n",
               PL_EPARSE, 1, 59, "out of range");
  expect_error("parties: [{id: a}]\nsteps: [{id: s, tranches: 65}]\n",
               PL_EPARSE, 2, 27, "out of range");
  expect_error("parties: [{id: a}]\nsteps: [{id: s, by: b}]\n", PL_EPARSE, 2,
               21, "unknown party \"b\"");
  expect_error("parties: [{id: a}]\nsteps: [{id: s, colour: red}]\n",
               PL_EPARSE, 2, 17, "unknown key \"colour\"");
  /* limits */
  buf b = {.len = 0};
  add(&b, "parties:\n");
  for (int k = 0; k < 65; k++) add(&b, "  - {id: p%d}\n", k);
  add(&b, "steps: [{id: s}]\n");
  expect_error(b.text, PL_ETOOBIG, 66, 5, "more than 64 parties");
}

static void test_reader_queries(void **state) {
  (void)state;
  pl_plan *p = load(
      "plan: q\ntitle: T\nparties:\n"
      "  - id: a\n    name: Alpha\n    defection_cost: 1.5\n"
      "    demands:\n      - {step: s2, after: [s1, s0], weight: 4}\n"
      "      - {id: top, step: s0, first: true, hard: true, description: d}\n"
      "  - id: b\n"
      "steps:\n  - {id: s0, by: a, cost: 2, value: 3}\n"
      "  - {id: s1, gains: {b: -1}, tranches: 3}\n"
      "  - {id: s2, after: s1}\n");
  assert_string_equal(pl_plan_id(p), "q");
  assert_string_equal(pl_plan_title(p), "T");
  assert_string_equal(pl_plan_party_name(p, 0), "Alpha");
  assert_string_equal(pl_plan_party_name(p, 1), "b");
  assert_double_near(pl_plan_defection_cost(p, 0), 1.5, 0);
  assert_double_near(pl_plan_step_gain(p, 0, 0), -2, 0);
  assert_double_near(pl_plan_step_gain(p, 0, 1), 3, 0);
  assert_double_near(pl_plan_step_gain(p, 1, 0), 0, 0);
  assert_int_equal(pl_plan_step_tranches(p, 1), 3);
  size_t n;
  const int *after = pl_plan_step_after(p, 2, &n);
  assert_int_equal(n, 1);
  assert_int_equal(after[0], 1);
  assert_int_equal(pl_plan_demand_count(p), 2);
  assert_string_equal(pl_plan_demand_id(p, 0), "a-1");
  assert_int_equal(pl_plan_demand_kind(p, 0), PL_DEMAND_AFTER);
  assert_int_equal(pl_plan_demand_weight(p, 0), 4);
  assert_int_equal(pl_plan_demand_hard(p, 1), 1);
  char text[128];
  assert_string_equal(pl_plan_demand_text(p, 0, text, sizeof text),
                      "s2 after s1, s0");
  assert_string_equal(pl_plan_demand_text(p, 1, text, sizeof text),
                      "s0 first");
  assert_int_equal(pl_plan_find_step(p, "s2"), 2);
  assert_int_equal(pl_plan_find_step(p, "zz"), -1);
  pl_plan_free(p);
  pl_plan_free(NULL);
  pl_sequence_free(NULL);
}

/* ------------------------------------------------------------------ */
/* random plans and brute force                                        */
/* ------------------------------------------------------------------ */

/* A random plan as YAML: np parties, ns steps (a random DAG of
 * prerequisites), integer gains, random demands of every kind. */
static void random_plan(tu_rng *g, int np, int ns, bool tranches, buf *b) {
  b->len = 0;
  b->text[0] = 0;
  int perm[16];
  for (int k = 0; k < ns; k++) perm[k] = k;
  for (int k = ns - 1; k > 0; k--) {
    int j = tu_below(g, k + 1), t = perm[k];
    perm[k] = perm[j];
    perm[j] = t;
  }
  int rank[16];
  for (int k = 0; k < ns; k++) rank[perm[k]] = k;
  add(b, "parties:\n");
  for (int q = 0; q < np; q++) {
    add(b, "  - id: p%d\n    defection_cost: %g\n", q,
        tu_below(g, 3) ? 0.5 * tu_below(g, 5) : 0);
    int nd = tu_below(g, tranches ? 2 : 4);
    if (!nd) continue;
    add(b, "    demands:\n");
    for (int d = 0; d < nd; d++) {
      int x = tu_below(g, ns), kind = tu_below(g, 4);
      add(b, "      - {step: s%d, ", x);
      if (kind < 2) {
        int y = tu_below(g, ns);
        if (y == x) y = (x + 1) % ns;
        int z = tu_below(g, ns);
        add(b, "%s: [s%d", kind ? "after" : "before", y);
        if (z != x && z != y && tu_below(g, 3) == 0) add(b, ", s%d", z);
        add(b, "], ");
      } else {
        add(b, "%s: true, ", kind == 2 ? "first" : "last");
      }
      if (tu_below(g, 5) < 2)
        add(b, "hard: true}\n");
      else
        add(b, "weight: %d}\n", 1 + tu_below(g, 5));
    }
  }
  add(b, "steps:\n");
  int splittable = 0;
  for (int s = 0; s < ns; s++) {
    add(b, "  - id: s%d\n", s);
    if (tranches && np >= 2) { /* an exchange: worth more than it costs */
      int c = 1 + tu_below(g, 4);
      add(b, "    by: p%d\n    cost: %d\n    value: %d\n", s % np, c,
          c + tu_below(g, 3));
    } else if (np >= 2 && tu_below(g, 2)) {
      add(b, "    by: p%d\n    cost: %d\n    value: %d\n", tu_below(g, np),
          tu_below(g, 5), tu_below(g, 5));
    } else {
      add(b, "    gains: {");
      for (int q = 0; q < np; q++)
        add(b, "%sp%d: %g", q ? ", " : "", q, (tu_below(g, 9) - 4) * 1.0);
      add(b, "}\n");
    }
    if (tranches && splittable < 2 && tu_below(g, 2) == 0) {
      add(b, "    tranches: %d\n", 2 + tu_below(g, 2));
      splittable++;
    }
    int na = 0;
    for (int t = 0; t < ns; t++)
      if (rank[t] < rank[s] && tu_below(g, 5) == 0) {
        add(b, "%s s%d", na++ ? "," : "    after: [", t);
      }
    if (na) add(b, "]\n");
  }
}

/* Brute force over orders of "positions" (a step k times for k tranches). */
typedef struct ref {
  const pl_plan *p;
  int np, ns, nd;
  const int *k;    /* tranches per step */
  int n;           /* positions */
  double tol;
  double bound[8];
  /* per order */
  int order[32];
  int used[16];
  /* callback results */
  void (*visit)(struct ref *r);
  int h;
  int64_t w;
  double m, mp[8]; /* min slack overall and per party */
} ref;

static double tol_of(const pl_plan *p) {
  double scale = 1;
  for (int q = 0; q < pl_plan_party_count(p); q++) {
    double size = pl_plan_defection_cost(p, q);
    for (int s = 0; s < pl_plan_step_count(p); s++)
      size += fabs(pl_plan_step_gain(p, s, q));
    if (size > scale) scale = size;
  }
  return 1e-9 * scale;
}

static void ref_init(ref *r, const pl_plan *p, const int *k) {
  memset(r, 0, sizeof *r);
  r->p = p;
  r->np = pl_plan_party_count(p);
  r->ns = pl_plan_step_count(p);
  r->nd = pl_plan_demand_count(p);
  r->k = k;
  for (int s = 0; s < r->ns; s++) r->n += k ? k[s] : 1;
  for (int q = 0; q < r->np; q++) {
    double t = pl_plan_defection_cost(p, q);
    for (int s = 0; s < r->ns; s++) t += pl_plan_step_gain(p, s, q);
    r->bound[q] = t;
  }
  r->tol = tol_of(p);
}

/* Scores the order in r->order: broken demands, slack. */
static void ref_score(ref *r) {
  int first[16], last[16];
  for (int s = 0; s < r->ns; s++) first[s] = -1;
  for (int j = 0; j < r->n; j++) {
    int s = r->order[j];
    if (first[s] < 0) first[s] = j;
    last[s] = j;
  }
  r->h = 0;
  r->w = 0;
  for (int d = 0; d < r->nd; d++) {
    int x = pl_plan_demand_step(r->p, d);
    size_t no;
    const int *o = pl_plan_demand_others(r->p, d, &no);
    bool ok = true;
    switch (pl_plan_demand_kind(r->p, d)) {
    case PL_DEMAND_AFTER:
      for (size_t j = 0; j < no; j++) ok &= last[o[j]] < first[x];
      break;
    case PL_DEMAND_BEFORE:
      for (size_t j = 0; j < no; j++) ok &= first[o[j]] > last[x];
      break;
    case PL_DEMAND_FIRST:
      for (int y = 0; y < r->ns; y++) ok &= y == x || first[y] > last[x];
      break;
    case PL_DEMAND_LAST:
      for (int y = 0; y < r->ns; y++) ok &= y == x || last[y] < first[x];
      break;
    }
    if (ok) continue;
    if (pl_plan_demand_hard(r->p, d))
      r->h++;
    else
      r->w += pl_plan_demand_weight(r->p, d);
  }
  double g[8] = {0};
  r->m = INFINITY;
  for (int q = 0; q < r->np; q++) {
    r->mp[q] = r->bound[q];
    if (r->mp[q] < r->m) r->m = r->mp[q];
  }
  for (int j = 0; j < r->n; j++) {
    int s = r->order[j];
    for (int q = 0; q < r->np; q++) {
      g[q] += pl_plan_step_gain(r->p, s, q) / (r->k ? r->k[s] : 1);
      double sl = r->bound[q] - g[q];
      if (sl < r->mp[q]) r->mp[q] = sl;
      if (sl < r->m) r->m = sl;
    }
  }
}

/* Every order respecting the prerequisites, in lexicographic order. */
static void ref_walk(ref *r, int pos) {
  if (pos == r->n) {
    ref_score(r);
    r->visit(r);
    return;
  }
  for (int s = 0; s < r->ns; s++) {
    int k = r->k ? r->k[s] : 1;
    if (r->used[s] == k) continue;
    if (!r->used[s]) { /* first tranche: prerequisites complete */
      size_t na;
      const int *a = pl_plan_step_after(r->p, s, &na);
      bool ready = true;
      for (size_t j = 0; j < na; j++)
        ready &= r->used[a[j]] == (r->k ? r->k[a[j]] : 1);
      if (!ready) continue;
    }
    r->used[s]++;
    r->order[pos] = s;
    ref_walk(r, pos + 1);
    r->used[s]--;
  }
}

/* What the brute force finds. */
typedef struct best {
  ref base;
  /* recommended: min (h, w), max m */
  int rh;
  int64_t rw;
  double rm;
  int rorder[32];
  uint64_t rcount;
  /* safest: min h, max m */
  int sh;
  double sm;
  int sorder[32];
  uint64_t scount;
  /* levers (after a first pass fixed sh) */
  double needed[8], alone[8];
  bool has_needed[8];
  bool any_feasible;
} best;

static void visit_pass1(ref *r) {
  best *b = (best *)r;
  if (r->h == 0) b->any_feasible = true;
  if (r->h < b->rh || (r->h == b->rh && r->w < b->rw)) {
    b->rh = r->h;
    b->rw = r->w;
    b->rm = r->m;
    b->rcount = 0;
    memcpy(b->rorder, r->order, sizeof r->order);
  } else if (r->h == b->rh && r->w == b->rw && r->m > b->rm) {
    b->rm = r->m;
    memcpy(b->rorder, r->order, sizeof r->order);
  }
  if (r->h == b->rh && r->w == b->rw) b->rcount++;
  if (r->h < b->sh || (r->h == b->sh && r->m > b->sm)) {
    b->sh = r->h;
    b->sm = r->m;
    b->scount = 0;
    memcpy(b->sorder, r->order, sizeof r->order);
  }
  if (r->h == b->sh && r->m == b->sm) b->scount++;
}

static void visit_pass2(ref *r) {
  best *b = (best *)r;
  if (r->h != b->sh) return;
  for (int q = 0; q < r->np; q++) {
    double need = pl_plan_defection_cost(r->p, q) + (r->mp[q] < 0 ? -r->mp[q] : 0);
    if (need < b->alone[q]) b->alone[q] = need;
    bool others = true;
    for (int y = 0; y < r->np; y++)
      if (y != q && r->mp[y] < -r->tol) others = false;
    if (others && need < b->needed[q]) {
      b->needed[q] = need;
      b->has_needed[q] = true;
    }
  }
}

static void brute(const pl_plan *p, const int *k, best *b) {
  memset(b, 0, sizeof *b);
  ref_init(&b->base, p, k);
  b->rh = b->sh = INT32_MAX;
  b->rw = INT64_MAX;
  b->rm = b->sm = -INFINITY;
  for (int q = 0; q < 8; q++) b->needed[q] = b->alone[q] = INFINITY;
  b->base.visit = visit_pass1;
  ref_walk(&b->base, 0);
  b->base.visit = visit_pass2;
  ref_walk(&b->base, 0);
}

static void check_against_brute(const pl_plan *p, const pl_sequence *r,
                                 const char *text) {
  best b;
  brute(p, NULL, &b);
  int np = pl_plan_party_count(p), ns = pl_plan_step_count(p);
  if (pl_sequence_feasible(r) != b.any_feasible)
    fail_msg("feasible %d, brute force %d\n%s", pl_sequence_feasible(r),
             b.any_feasible, text);
  size_t n;
  const int *o = pl_sequence_order(r, PL_ORDER_RECOMMENDED, &n);
  assert_int_equal(n, ns);
  int h = pl_sequence_hard_violated(r, PL_ORDER_RECOMMENDED);
  int64_t w = pl_sequence_weight_violated(r, PL_ORDER_RECOMMENDED);
  double m = pl_sequence_min_slack(r, PL_ORDER_RECOMMENDED, NULL, NULL);
  if (h != b.rh || w != b.rw || m != b.rm)
    fail_msg("recommended (%d, %lld, %g), brute force (%d, %lld, %g)\n%s", h,
             (long long)w, m, b.rh, (long long)b.rw, b.rm, text);
  for (int j = 0; j < ns; j++)
    if (o[j] != b.rorder[j])
      fail_msg("recommended order differs at %d: s%d, brute force s%d\n%s", j,
               o[j], b.rorder[j], text);
  if (pl_sequence_optimal_orders(r, PL_ORDER_RECOMMENDED, NULL) != b.rcount)
    fail_msg("%llu compromise orders, brute force %llu\n%s",
             (unsigned long long)pl_sequence_optimal_orders(r, PL_ORDER_RECOMMENDED, NULL),
             (unsigned long long)b.rcount, text);
  o = pl_sequence_order(r, PL_ORDER_SAFEST, &n);
  double sm = pl_sequence_min_slack(r, PL_ORDER_SAFEST, NULL, NULL);
  if (pl_sequence_hard_violated(r, PL_ORDER_SAFEST) != b.sh || sm != b.sm)
    fail_msg("safest (%d, %g), brute force (%d, %g)\n%s",
             pl_sequence_hard_violated(r, PL_ORDER_SAFEST), sm, b.sh, b.sm,
             text);
  for (int j = 0; j < ns; j++)
    if (o[j] != b.sorder[j])
      fail_msg("safest order differs at %d\n%s", j, text);
  if (pl_sequence_optimal_orders(r, PL_ORDER_SAFEST, NULL) != b.scount)
    fail_msg("%llu safest orders, brute force %llu\n%s",
             (unsigned long long)pl_sequence_optimal_orders(r, PL_ORDER_SAFEST, NULL),
             (unsigned long long)b.scount, text);
  assert_double_near(pl_sequence_uniform_guarantee(r), b.sm < 0 ? -b.sm : 0,
                     0);
  for (int q = 0; q < np; q++) {
    double needed, alone;
    int has = pl_sequence_guarantee(r, q, &needed, &alone);
    if (has != b.has_needed[q] || (has && needed != b.needed[q]) ||
        alone != b.alone[q])
      fail_msg("party %d: needed %d/%g alone %g; brute force %d/%g %g\n%s", q,
               has, needed, alone, b.has_needed[q], b.needed[q], b.alone[q],
               text);
  }
  /* structural bounds hold for the best orders */
  int lh;
  int64_t lw;
  double ub = pl_sequence_bounds(r, &lh, &lw);
  if (lh > b.rh || lw > b.rw || ub < b.sm - 1e-9)
    fail_msg("bounds %d %lld %g against %d %lld %g\n%s", lh, (long long)lw, ub,
             b.rh, (long long)b.rw, b.sm, text);
}

/* Minimal infeasible sets of hard demands by brute force over subsets:
 * whether some order respecting the prerequisites keeps every demand of
 * the subset `mask` of hard[]. */
typedef struct sub {
  const pl_plan *p;
  const int *hard;
  int nh, ns;
  unsigned mask;
  int pos[16];
  bool used[16];
} sub;

static bool sub_keeps(const sub *t) {
  for (int i = 0; i < t->nh; i++) {
    if (!((t->mask >> i) & 1)) continue;
    int d = t->hard[i], x = pl_plan_demand_step(t->p, d);
    size_t no;
    const int *o = pl_plan_demand_others(t->p, d, &no);
    bool ok = true;
    switch (pl_plan_demand_kind(t->p, d)) {
    case PL_DEMAND_AFTER:
      for (size_t j = 0; j < no; j++) ok &= t->pos[o[j]] < t->pos[x];
      break;
    case PL_DEMAND_BEFORE:
      for (size_t j = 0; j < no; j++) ok &= t->pos[o[j]] > t->pos[x];
      break;
    case PL_DEMAND_FIRST:
      ok = t->pos[x] == 0;
      break;
    case PL_DEMAND_LAST:
      ok = t->pos[x] == t->ns - 1;
      break;
    }
    if (!ok) return false;
  }
  return true;
}

static bool sub_walk(sub *t, int k) {
  if (k == t->ns) return sub_keeps(t);
  for (int s = 0; s < t->ns; s++) {
    if (t->used[s]) continue;
    size_t na;
    const int *a = pl_plan_step_after(t->p, s, &na);
    bool ready = true;
    for (size_t j = 0; j < na; j++) ready &= t->used[a[j]];
    if (!ready) continue;
    t->used[s] = true;
    t->pos[s] = k;
    bool found = sub_walk(t, k + 1);
    t->used[s] = false;
    if (found) return true;
  }
  return false;
}

static bool subset_feasible(const pl_plan *p, const int *hard, int nh,
                            unsigned mask) {
  sub t = {.p = p, .hard = hard, .nh = nh, .mask = mask,
           .ns = pl_plan_step_count(p)};
  return sub_walk(&t, 0);
}

static void check_conflicts(const pl_plan *p, const pl_sequence *r,
                            const char *text) {
  int hard[64], nh = 0;
  for (int d = 0; d < pl_plan_demand_count(p); d++)
    if (pl_plan_demand_hard(p, d)) hard[nh++] = d;
  if (nh > 12) return;
  bool feas[1 << 12];
  for (unsigned m = 0; m < (1u << nh); m++) feas[m] = subset_feasible(p, hard, nh, m);
  size_t nmin = 0;
  for (unsigned m = 0; m < (1u << nh); m++) {
    if (feas[m]) continue;
    bool minimal = true;
    for (int i = 0; i < nh && minimal; i++)
      if ((m >> i) & 1) minimal = !feas[m & ~(1u << i)] ? false : true;
    if (!minimal) continue;
    nmin++;
    bool listed = false;
    for (size_t k = 0; k < pl_sequence_conflict_count(r) && !listed; k++) {
      size_t n;
      const int *set = pl_sequence_conflict(r, k, &n);
      unsigned mk = 0;
      for (size_t j = 0; j < n; j++)
        for (int i = 0; i < nh; i++)
          if (hard[i] == set[j]) mk |= 1u << i;
      listed = mk == m && (size_t)__builtin_popcount(m) == n;
    }
    if (!listed) fail_msg("minimal conflict %x is not listed\n%s", m, text);
  }
  if (nmin != pl_sequence_conflict_count(r))
    fail_msg("%zu conflicts listed, brute force %zu\n%s",
             pl_sequence_conflict_count(r), nmin, text);
  assert_true(pl_sequence_conflicts_complete(r));
  assert_int_equal(pl_sequence_feasible(r), feas[(1u << nh) - 1]);
}

static void test_random_against_brute_force(void **state) {
  (void)state;
  tu_rng g = {20240607};
  buf b;
  int infeasible = 0, multi = 0, exposed = 0;
  for (int round = 0; round < 1000; round++) {
    int np = 1 + tu_below(&g, 3), ns = 2 + tu_below(&g, 7);
    random_plan(&g, np, ns, false, &b);
    pl_plan *p = load(b.text);
    pl_sequence *r = analyze(p, NULL);
    check_against_brute(p, r, b.text);
    check_conflicts(p, r, b.text);
    infeasible += !pl_sequence_feasible(r);
    multi += pl_sequence_conflict_count(r) > 1;
    exposed += !pl_sequence_safe(r, PL_ORDER_SAFEST);
    /* evaluating the recommended order gives its figures back */
    size_t n;
    const int *o = pl_sequence_order(r, PL_ORDER_RECOMMENDED, &n);
    pl_sequence *e = NULL;
    pl_error err;
    if (pl_sequence_evaluate(p, o, n, &e, &err)) fail_msg("%s", err.message);
    assert_int_equal(pl_sequence_hard_violated(e, PL_ORDER_RECOMMENDED),
                     pl_sequence_hard_violated(r, PL_ORDER_RECOMMENDED));
    assert_int_equal(pl_sequence_weight_violated(e, PL_ORDER_RECOMMENDED),
                     pl_sequence_weight_violated(r, PL_ORDER_RECOMMENDED));
    assert_double_near(pl_sequence_min_slack(e, PL_ORDER_RECOMMENDED, NULL, NULL),
                       pl_sequence_min_slack(r, PL_ORDER_RECOMMENDED, NULL, NULL), 0);
    assert_int_equal(pl_sequence_conflict_count(e), pl_sequence_conflict_count(r));
    pl_sequence_free(e);
    pl_sequence_free(r);
    pl_plan_free(p);
  }
  if (getenv("PL_VERBOSE"))
    printf("infeasible %d, several conflicts %d, no safe order %d\n",
           infeasible, multi, exposed);
  assert_true(infeasible > 50 && multi > 10 && exposed > 50);
}

/* The tranche lever against brute force over every split and order. */
typedef struct tbest {
  ref base;
  int hmax;      /* hard demands an order may break */
  double m;      /* best minimum slack of an admissible order */
} tbest;

static void visit_tranche(ref *r) {
  tbest *t = (tbest *)r;
  if (r->h <= t->hmax && r->m > t->m) t->m = r->m;
}

static void test_tranches_against_brute_force(void **state) {
  (void)state;
  tu_rng g = {777};
  buf b;
  int found = 0, none = 0, not_needed = 0;
  for (int round = 0; round < 500; round++) {
    int np = 2 + tu_below(&g, 2), ns = 2 + tu_below(&g, 4);
    random_plan(&g, np, ns, true, &b);
    pl_plan *p = load(b.text);
    pl_sequence *r = analyze(p, NULL);
    best whole;
    brute(p, NULL, &whole);
    double tol = tol_of(p);
    int extra;
    pl_tranche_status st = pl_sequence_tranche_lever(r, &extra);
    if (whole.sm >= -tol) {
      assert_int_equal(st, PL_TRANCHES_NOT_NEEDED);
      not_needed++;
      goto next;
    }
    /* every split by total extra tranches */
    int split[16], most = 0, idx[16], nsplit = 0;
    for (int s = 0; s < ns; s++) {
      split[s] = 1;
      if (pl_plan_step_tranches(p, s) > 1) {
        idx[nsplit++] = s;
        most += pl_plan_step_tranches(p, s) - 1;
      }
    }
    int want_extra = -1;
    double want_m = -INFINITY;
    for (int e = 1; e <= most && want_extra < 0; e++) {
      /* nsplit <= 2 */
      int t0 = nsplit > 0 ? pl_plan_step_tranches(p, idx[0]) : 1;
      int t1 = nsplit > 1 ? pl_plan_step_tranches(p, idx[1]) : 1;
      for (int a = 0; a < t0; a++)
        for (int c = 0; c < t1; c++) {
          if (a + c != e) continue;
          if (nsplit > 0) split[idx[0]] = 1 + a;
          if (nsplit > 1) split[idx[1]] = 1 + c;
          tbest t;
          memset(&t, 0, sizeof t);
          ref_init(&t.base, p, split);
          t.hmax = whole.sh;
          t.m = -INFINITY;
          t.base.visit = visit_tranche;
          ref_walk(&t.base, 0);
          if (t.m >= -tol && t.m > want_m) {
            want_m = t.m;
            want_extra = e;
          }
        }
    }
    if (want_extra < 0) {
      if (st != PL_TRANCHES_NONE)
        fail_msg("tranche lever %s, brute force none\n%s",
                 pl_tranche_status_name(st), b.text);
      none++;
    } else {
      if (st != PL_TRANCHES_FOUND || extra != want_extra)
        fail_msg("tranche lever %s/%d, brute force %d extra\n%s",
                 pl_tranche_status_name(st), extra, want_extra, b.text);
      double m = pl_sequence_min_slack(r, PL_ORDER_TRANCHED, NULL, NULL);
      if (m != want_m)
        fail_msg("tranched order's slack %g, brute force %g\n%s", m, want_m,
                 b.text);
      int total = 0;
      for (int s = 0; s < ns; s++)
        total += pl_sequence_order_tranches(r, PL_ORDER_TRANCHED, s) - 1;
      assert_int_equal(total, want_extra);
      found++;
    }
  next:
    pl_sequence_free(r);
    pl_plan_free(p);
  }
  /* the random plans exercise every outcome */
  if (getenv("PL_VERBOSE"))
    printf("found %d, none %d, not needed %d\n", found, none, not_needed);
  assert_true(found > 5 && none > 5 && not_needed > 5);
}

/* The exact search in both table layouts gives the same figures. */
static void test_dense_and_sparse_agree(void **state) {
  (void)state;
  tu_rng g = {99};
  buf b;
  for (int round = 0; round < 200; round++) {
    int np = 1 + tu_below(&g, 3), ns = 2 + tu_below(&g, 9);
    random_plan(&g, np, ns, false, &b);
    pl_plan *p = load(b.text);
    double bound[64];
    for (int q = 0; q < np; q++) {
      bound[q] = pl_plan_defection_cost(p, q);
      for (int s = 0; s < ns; s++) bound[q] += pl_plan_step_gain(p, s, q);
    }
    pl__units u;
    TU_OK(pl__units_build(p, NULL, false, bound, &u));
    pl__space d, sp;
    TU_OK(pl__space_build(&u, 1u << 20, UINT64_MAX, 1, &d));
    TU_OK(pl__space_build(&u, 1u << 20, UINT64_MAX, 2, &sp));
    assert_true(d.dense && !sp.dense);
    assert_int_equal(d.count, sp.count);
    pl__objective o = {true, (1u << np) - 1, 0, 1e-9, -INFINITY};
    pl__space_value(&d, &o);
    pl__space_value(&sp, &o);
    uint64_t i = pl__space_index(&sp, 0);
    assert_int_equal(d.a[0].u, sp.a[i].u);
    assert_double_near(d.b[0].d, sp.b[i].d, 0);
    int od[64], os[64];
    assert_true(pl__space_path(&d, &o, od));
    assert_true(pl__space_path(&sp, &o, os));
    for (int k = 0; k < u.n; k++) assert_int_equal(od[k], os[k]);
    pl__space_count(&d, &o);
    pl__space_count(&sp, &o);
    assert_int_equal(d.b[0].u, sp.b[i].u);
    pl__space_free(&d);
    pl__space_free(&sp);
    pl__units_free(&u);
    pl_plan_free(p);
  }
}

/* Forced onto the heuristic, orders stay valid and within the bounds. */
static void test_heuristic(void **state) {
  (void)state;
  tu_rng g = {4242};
  buf b;
  pl_sequence_options o;
  pl_sequence_options_init(&o);
  o.max_states = 1;
  o.beam_width = 4;
  for (int round = 0; round < 200; round++) {
    int np = 1 + tu_below(&g, 3), ns = 2 + tu_below(&g, 6);
    random_plan(&g, np, ns, false, &b);
    pl_plan *p = load(b.text);
    pl_sequence *r = analyze(p, &o);
    assert_false(pl_sequence_exact(r));
    best w;
    brute(p, NULL, &w);
    /* a valid order (evaluate checks the prerequisites) no better than
     * the best, and the bounds below the best */
    for (int k = 0; k < 2; k++) {
      size_t n;
      const int *ord = pl_sequence_order(r, (pl_order_kind)k, &n);
      pl_sequence *e = NULL;
      pl_error err;
      if (pl_sequence_evaluate(p, ord, n, &e, &err)) fail_msg("%s", err.message);
      if (pl_sequence_feasible(r))
        assert_int_equal(pl_sequence_hard_violated(e, PL_ORDER_RECOMMENDED), 0);
      pl_sequence_free(e);
    }
    int h = pl_sequence_hard_violated(r, PL_ORDER_RECOMMENDED);
    int64_t wt = pl_sequence_weight_violated(r, PL_ORDER_RECOMMENDED);
    assert_true(h > w.rh || (h == w.rh && wt >= w.rw));
    double sm = pl_sequence_min_slack(r, PL_ORDER_SAFEST, NULL, NULL);
    assert_true(pl_sequence_hard_violated(r, PL_ORDER_SAFEST) > w.sh ||
                sm <= w.sm);
    int lh;
    int64_t lw;
    double ub = pl_sequence_bounds(r, &lh, &lw);
    assert_true(lh <= w.rh && lw <= w.rw && ub >= w.sm - 1e-9);
    assert_int_equal(pl_sequence_tranche_lever(r, NULL),
                     PL_TRANCHES_NOT_COMPUTED);
    assert_int_equal(pl_sequence_optimal_orders(r, PL_ORDER_RECOMMENDED, NULL), 0);
    pl_sequence_free(r);
    pl_plan_free(p);
  }
}

/* Plans beyond the exact search: the heuristic with its label. */
static void test_large_plans(void **state) {
  (void)state;
  buf b = {.len = 0};
  /* 40 steps in two chains with a cross-link every 4 steps: exact */
  add(&b, "parties: [{id: a}, {id: b}]\nsteps:\n");
  for (int s = 0; s < 40; s++) {
    add(&b, "  - {id: s%d, by: %s, cost: %d, value: %d", s, s % 2 ? "a" : "b",
        1 + s % 3, 2 + s % 4);
    if (s >= 2) add(&b, ", after: [s%d%s", s - 2, "");
    if (s >= 2 && s % 4 == 0) add(&b, ", s%d", s - 3);
    if (s >= 2) add(&b, "]");
    add(&b, "}\n");
  }
  pl_plan *p = load(b.text);
  pl_sequence *r = analyze(p, NULL);
  assert_true(pl_sequence_exact(r));
  assert_true(pl_sequence_states(r) > 100);
  pl_sequence_free(r);
  pl_plan_free(p);
  /* 70 steps without precedences: more than 64 units, heuristic */
  b.len = 0;
  add(&b, "parties: [{id: a}, {id: b}]\nsteps:\n");
  for (int s = 0; s < 70; s++)
    add(&b, "  - {id: s%d, by: %s, cost: 1, value: 2}\n", s, s % 2 ? "a" : "b");
  add(&b, "  - {id: last, gains: {a: 1}}\n");
  p = load(b.text);
  pl_sequence_options o;
  pl_sequence_options_init(&o);
  o.beam_width = 8;
  r = analyze(p, &o);
  assert_false(pl_sequence_exact(r));
  assert_int_equal(pl_sequence_states(r), 0);
  char *json = pl_sequence_to_json(r);
  assert_non_null(strstr(json, "\"method\": \"heuristic\""));
  pl_free(json);
  pl_sequence_free(r);
  pl_plan_free(p);
}

/* Many hard demands that can lie on a cycle: one minimal set, found fast,
 * and the list marked incomplete; a plan at every limit of the format
 * stays within seconds. */
static void test_hostile_plans(void **state) {
  (void)state;
  size_t cap = 1 << 20, len = 0;
  char *text = malloc(cap);
#define ADD(...) len += (size_t)snprintf(text + len, cap - len, __VA_ARGS__)
  ADD("parties:\n");
  for (int q = 0; q < 64; q++) {
    ADD("  - id: p%d\n    defection_cost: 0.5\n    demands:\n", q);
    for (int k = 0; k < 64; k++)
      ADD("      - {step: s%d, %s, %s}\n", ((q * 64 + k * 7) % 256) | 1,
          k % 2 ? "first: true" : "before: [s2, s200]",
          k % 3 ? "hard: true" : "weight: 2");
  }
  ADD("steps:\n");
  for (int s = 0; s < 256; s++) {
    ADD("  - {id: s%d, tranches: 64, gains: {", s);
    for (int q = 0; q < 64; q++) ADD("%sp%d: %d", q ? ", " : "", q, (s * 31 + q * 7) % 11 - 5);
    ADD("}%s}\n", s >= 2 && s % 5 == 0 ? ", after: [s1]" : "");
  }
#undef ADD
  assert_true(len < cap);
  pl_plan *p = load(text);
  free(text);
  pl_sequence *r = analyze(p, NULL);
  assert_false(pl_sequence_feasible(r));
  assert_false(pl_sequence_exact(r));
  assert_false(pl_sequence_conflicts_complete(r));
  assert_int_equal(pl_sequence_conflict_count(r), 1);
  size_t n;
  const int *set = pl_sequence_conflict(r, 0, &n);
  assert_true(n >= 1 && n <= 3);
  /* the set cannot hold: evaluate the recommended order, which breaks one
   * of them at least */
  (void)set;
  size_t no;
  const int *o = pl_sequence_order(r, PL_ORDER_RECOMMENDED, &no);
  assert_int_equal(no, 256);
  (void)o;
  pl_sequence_free(r);
  pl_plan_free(p);
}

static void test_evaluate(void **state) {
  (void)state;
  pl_plan *p = load("parties: [{id: a}, {id: b}]\nsteps:\n"
                    "  - {id: x, by: a, cost: 4, value: 4, tranches: 2}\n"
                    "  - {id: y, by: b, cost: 3, value: 3}\n"
                    "  - {id: z, gains: {a: 1, b: 1}, after: [y]}\n");
  pl_sequence *r = NULL;
  pl_error err;
  int ok[] = {0, 1, 0, 2};
  TU_OK(pl_sequence_evaluate(p, ok, 4, &r, &err));
  assert_int_equal(pl_sequence_order_tranches(r, PL_ORDER_RECOMMENDED, 0), 2);
  assert_double_near(pl_sequence_gain(r, PL_ORDER_RECOMMENDED, 0, 1), -2, 0);
  assert_double_near(pl_sequence_gain(r, PL_ORDER_RECOMMENDED, 1, 1), 2, 0);
  assert_double_near(pl_sequence_gain(r, PL_ORDER_RECOMMENDED, 0, 4), 0, 0);
  /* K_b = 4 - 3 + 1 = 2; after x(1/2) b has 2: slack 0 */
  assert_double_near(pl_sequence_slack(r, PL_ORDER_RECOMMENDED, 1, 1), 0, 0);
  assert_true(pl_sequence_evaluated(r));
  assert_null(pl_sequence_order(r, PL_ORDER_SAFEST, &(size_t){0}));
  pl_sequence_free(r);
  int missing[] = {0, 1};
  assert_rc(pl_sequence_evaluate(p, missing, 2, &r, &err), PL_EINVAL);
  assert_non_null(strstr(err.message, "leaves out step \"z\""));
  int thrice[] = {0, 0, 0, 1, 2};
  assert_rc(pl_sequence_evaluate(p, thrice, 5, &r, &err), PL_EINVAL);
  int early[] = {0, 2, 1};
  assert_rc(pl_sequence_evaluate(p, early, 3, &r, &err), PL_EINVAL);
  assert_non_null(strstr(err.message, "prerequisite \"y\""));
  int range[] = {0, 1, 7};
  assert_rc(pl_sequence_evaluate(p, range, 3, &r, &err), PL_EINVAL);
  assert_null(r);
  pl_plan_free(p);
}

static void test_json(void **state) {
  (void)state;
  pl_plan *p = NULL;
  pl_error err;
  if (pl_plan_load(tu_source_path("examples/plans/minsk.yaml"), &p, &err))
    fail_msg("%s", err.message);
  pl_sequence *r = analyze(p, NULL);
  char *text = pl_sequence_to_json(r);
  json_error_t je;
  json_t *doc = json_loads(text, JSON_REJECT_DUPLICATES, &je);
  if (!doc) fail_msg("%s", je.text);
  const char *keys[] = {"feasible", "conflicts", "order", "min_slack",
                        "exposure", "levers", "safest", "bounds"};
  for (size_t k = 0; k < sizeof keys / sizeof *keys; k++)
    if (!json_object_get(doc, keys[k])) fail_msg("no \"%s\"", keys[k]);
  json_t *ex = json_object_get(doc, "exposure");
  assert_int_equal(json_array_size(ex), 2);
  json_t *gain = json_object_get(json_array_get(ex, 0), "gain");
  assert_int_equal(json_array_size(gain), pl_plan_step_count(p) + 1);
  json_decref(doc);
  pl_free(text);
  pl_sequence_free(r);
  pl_plan_free(p);
}

static void test_alloc_failures(void **state) {
  (void)state;
  const char *text =
      "parties:\n  - id: a\n    demands:\n"
      "      - {step: x, before: y, hard: true}\n"
      "      - {step: z, first: true, weight: 2}\n"
      "  - id: b\n    defection_cost: 0.5\n    demands:\n"
      "      - {step: x, after: y, hard: true}\n"
      "      - {step: y, last: true, hard: true}\n"
      "steps:\n"
      "  - {id: x, by: a, cost: 3, value: 3, tranches: 2}\n"
      "  - {id: y, by: b, cost: 3, value: 4}\n"
      "  - {id: z, gains: {a: 1, b: -1}, tranches: 3}\n";
  for (int mode = 0; mode < 3; mode++)
    for (long n = 0;; n++) {
      pl_plan *p = NULL;
      pl_sequence *r = NULL;
      pl_error err;
      int rc;
      if (mode == 0) {
        pl__alloc_fail_after(n);
        rc = pl_plan_load_string(text, strlen(text), "t", &p, &err);
        pl__alloc_fail_after(-1);
        if (!rc) pl_plan_free(p);
      } else {
        p = load(text);
        pl_sequence_options o;
        pl_sequence_options_init(&o);
        if (mode == 2) o.max_states = 1; /* the heuristic */
        pl__alloc_fail_after(n);
        rc = pl_sequence_analyze(p, &o, &r, &err);
        pl__alloc_fail_after(-1);
        pl_sequence_free(r);
        pl_plan_free(p);
      }
      if (!rc) break;
      if (rc != PL_ENOMEM) fail_msg("mode %d, allocation %ld: %s", mode, n, err.message);
      assert_int_equal(err.code, PL_ENOMEM);
      if (n > 100000) fail_msg("no success");
    }
}

int main(int argc, char **argv) {
  if (argc > 1) cmocka_set_test_filter(argv[1]);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_regression_min_max_running_total),
      cmocka_unit_test(test_minsk_example),
      cmocka_unit_test(test_exchange_example),
      cmocka_unit_test(test_reader_errors),
      cmocka_unit_test(test_reader_queries),
      cmocka_unit_test(test_random_against_brute_force),
      cmocka_unit_test(test_tranches_against_brute_force),
      cmocka_unit_test(test_dense_and_sparse_agree),
      cmocka_unit_test(test_heuristic),
      cmocka_unit_test(test_large_plans),
      cmocka_unit_test(test_hostile_plans),
      cmocka_unit_test(test_evaluate),
      cmocka_unit_test(test_json),
      cmocka_unit_test(test_alloc_failures),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
