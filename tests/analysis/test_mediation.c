/* pl_unlock_* and pl_improve_* against brute force: on random scenarios,
 * every assignment of levels to the red lines (kept, a variant, dropped)
 * and every subset of reservation values to lower is tried; every reported
 * set must open a zone, be minimal, and the cheapest must be the cheapest
 * of all; improve must return only Pareto improvements, the best among
 * them, and count them all. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <dirent.h>
#include <math.h>
#include <sys/stat.h>

#include "model/scenario_internal.h"
#include "testutil.h"

#define SCENARIOS 1200
#define TOL 1e-9

static uint64_t rng = 88172645463325252ull;
/* What the random scenarios exercised (printed, and checked to be many). */
static int n_needed, n_lowered, n_variant_moves, n_improvable;
static uint32_t rnd(uint32_t n) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return (uint32_t)((rng >> 11) % n);
}

/* A red line's rule: base, or any(base, alt_1, ..., alt_k) for variant k. */
typedef struct rdesc {
  int party;
  int i, j;          /* base: i in S (j < 0), or all(i in S, j in T) */
  uint32_t s[4], ns, t[4], nt;
  int alt_issue[3];  /* variant k adds: alt_issue[k-1] in alt[k-1] */
  uint32_t alt[3][4], nalt[3];
  int nv;
  double cost[3], drop;
  int drop_set;
} rdesc;

static pl_expr *build_rule(const rdesc *d, int k) {
  pl_expr *base = tu_in(d->i, d->ns, d->s);
  if (d->j >= 0) base = tu_all2(base, tu_in(d->j, d->nt, d->t));
  if (k == 0) return base;
  pl_expr *kids[4];
  kids[0] = base;
  for (int a = 0; a < k; a++)
    kids[a + 1] = tu_in(d->alt_issue[a], d->nalt[a], d->alt[a]);
  return pl_expr_any((size_t)k + 1, kids);
}

static void random_subset(uint32_t n, uint32_t *out, uint32_t *m) {
  *m = 0;
  for (uint32_t o = 0; o < n; o++)
    if (rnd(2)) out[(*m)++] = o;
  if (*m == 0) out[(*m)++] = rnd(n);
}

typedef struct world {
  pl_scenario *s;
  int np, ni, nr;
  uint32_t cnt[4];
  uint64_t n;
  rdesc rl[4];
} world;

/* Set: every red line and variant mentions one issue (the structural
 * search's case). */
static int g_one_issue;

static void make_world(world *w) {
  pl_error err = {0};
  w->s = pl_scenario_new("random");
  w->np = 2 + (int)rnd(2);
  w->ni = 2 + (int)rnd(2);
  w->n = 1;
  for (int i = 0; i < w->ni; i++) {
    char id[16];
    snprintf(id, sizeof id, "i%d", i);
    w->cnt[i] = 2 + rnd(2);
    w->n *= w->cnt[i];
    tu_issue_n(w->s, id, w->cnt[i]);
  }
  for (int p = 0; p < w->np; p++) {
    char id[16];
    snprintf(id, sizeof id, "p%d", p);
    tu_party(w->s, id, rnd(3) ? 0.05 * rnd(14) : 0);
    if (rnd(2)) TU_OK(pl_scenario_set_reservation_cost(w->s, p, 0.5 * rnd(5), &err));
    for (int i = 0; i < w->ni; i++) {
      tu_weight(w->s, p, i, 1 + rnd(4));
      double v[4];
      for (uint32_t o = 0; o < w->cnt[i]; o++) v[o] = 0.25 * rnd(5);
      tu_values(w->s, p, i, w->cnt[i], v);
    }
  }
  if (rnd(2)) {
    uint32_t sq[4];
    for (int i = 0; i < w->ni; i++) sq[i] = rnd(w->cnt[i]);
    TU_OK(pl_scenario_set_status_quo(w->s, -1, sq, &err));
  }
  w->nr = (int)rnd(4);
  for (int r = 0; r < w->nr; r++) {
    rdesc *d = &w->rl[r];
    memset(d, 0, sizeof *d);
    d->party = (int)rnd((uint32_t)w->np);
    d->i = (int)rnd((uint32_t)w->ni);
    random_subset(w->cnt[d->i], d->s, &d->ns);
    d->j = -1;
    if (!g_one_issue && rnd(3) == 0) {
      d->j = (d->i + 1) % w->ni;
      random_subset(w->cnt[d->j], d->t, &d->nt);
    }
    d->nv = (int)rnd(3);
    double c = 0;
    for (int k = 0; k < d->nv; k++) {
      d->alt_issue[k] = g_one_issue ? d->i : (int)rnd((uint32_t)w->ni);
      random_subset(w->cnt[d->alt_issue[k]], d->alt[k], &d->nalt[k]);
      c += 0.5 * rnd(3);
      d->cost[k] = c;
    }
    char id[16];
    snprintf(id, sizeof id, "r%d", r);
    int x = tu_rule(w->s, d->party, id, build_rule(d, 0));
    assert_int_equal(x, r);
    for (int k = 0; k < d->nv; k++) {
      char vid[16];
      snprintf(vid, sizeof vid, "v%d", k);
      TU_OK(pl_scenario_add_variant(w->s, r, vid, NULL, d->cost[k],
                                    build_rule(d, k + 1), &err));
    }
    if (rnd(2)) {
      d->drop = c + 0.5 * rnd(4);
      d->drop_set = 1;
      TU_OK(pl_scenario_set_drop_cost(w->s, r, d->drop, &err));
    }
  }
  tu_finish(w->s);
}

/* Per outcome: the level each red line must reach (0 kept, v+1 variant v,
 * nv+1 dropped) and the utilities. */
typedef struct outc {
  uint32_t o[4];
  int level[4];
  double u[3];
} outc;

static double level_cost(const pl_scenario *s, int r, int level) {
  if (level == 0) return 0;
  if (level > pl_scenario_variant_count(s, r))
    return pl_scenario_red_line_drop_cost(s, r);
  return pl_scenario_variant_cost(s, r, level - 1);
}

/* Cheapest way an assignment opens a zone: levels lv, lowered parties R
 * (bits); returns INFINITY when none. to (per party) gets the lowest
 * utility needed, when given. */
static double assignment_cost(const world *w, const outc *oc, const int *lv,
                              unsigned R) {
  double best = INFINITY;
  for (uint64_t k = 0; k < w->n; k++) {
    const outc *c = &oc[k];
    int ok = 1;
    for (int r = 0; r < w->nr && ok; r++) ok = c->level[r] <= lv[r];
    double cost = 0;
    for (int p = 0; p < w->np && ok; p++) {
      double rv = pl_scenario_reservation(w->s, p);
      if (c->u[p] >= rv - TOL) continue;
      if (!((R >> p) & 1)) {
        ok = 0;
        break;
      }
      cost += pl_scenario_reservation_cost(w->s, p) * (rv - c->u[p]);
    }
    if (ok && cost < best) best = cost;
  }
  if (best == INFINITY) return best;
  for (int r = 0; r < w->nr; r++) best += level_cost(w->s, r, lv[r]);
  return best;
}

/* max_outcomes 1 forces the structural search. */
static void check_unlock(const world *w, const outc *oc, uint64_t max_outcomes) {
  pl_unlock_options o;
  pl_unlock_options_init(&o);
  o.max_sets = 100000;
  o.max_outcomes = max_outcomes;
  pl_unlock *u = NULL;
  pl_error err = {0};
  if (pl_unlock_compute(w->s, &o, &u, &err)) fail_msg("unlock: %s", err.message);
  if (max_outcomes == 1) assert_string_equal(pl_unlock_method(u), "structural");
  /* brute force over every assignment */
  int lv[4] = {0, 0, 0, 0}, maxlv[4];
  for (int r = 0; r < w->nr; r++)
    maxlv[r] = pl_scenario_variant_count(w->s, r) + 1;
  double cheapest = INFINITY;
  int needed = assignment_cost(w, oc, lv, 0) == INFINITY;
  assert_int_equal(pl_unlock_needed(u), needed);
  for (;;) {
    for (unsigned R = 0; R < (1u << w->np); R++) {
      double c = assignment_cost(w, oc, lv, R);
      if (c < cheapest) cheapest = c;
      /* every minimal set without lowering is reported */
      if (!needed || R || c == INFINITY) continue;
      int minimal = 1;
      for (int r = 0; r < w->nr && minimal; r++) {
        if (!lv[r]) continue;
        lv[r]--;
        minimal = assignment_cost(w, oc, lv, 0) == INFINITY;
        lv[r]++;
      }
      if (!minimal) continue;
      int found = 0;
      for (size_t k = 0; k < pl_unlock_set_count(u) && !found; k++) {
        const pl_unlock_set *st = pl_unlock_set_at(u, k);
        int l2[4] = {0, 0, 0, 0}, lowered = 0;
        for (size_t j = 0; j < st->n_moves; j++) {
          const pl_move *m = &st->moves[j];
          if (m->kind == PL_MOVE_LOWER) lowered = 1;
          else l2[m->red_line] = m->kind == PL_MOVE_DROP ? maxlv[m->red_line]
                                                         : m->variant + 1;
        }
        found = !lowered && !memcmp(l2, lv, sizeof lv);
      }
      if (!found) fail_msg("a minimal set of red-line moves is not reported");
    }
    int r = 0;
    while (r < w->nr && ++lv[r] > maxlv[r]) lv[r++] = 0;
    if (r >= w->nr) break;
  }
  if (!needed) {
    assert_int_equal(pl_unlock_set_count(u), 0);
    pl_unlock_free(u);
    return;
  }
  if (cheapest == INFINITY) {
    assert_int_equal(pl_unlock_set_count(u), 0);
    pl_unlock_free(u);
    return;
  }
  assert_true(pl_unlock_set_count(u) > 0);
  assert_false(pl_unlock_incomplete(u));
  n_needed++;
  if (fabs(pl_unlock_set_at(u, 0)->cost - cheapest) > 1e-9)
    fail_msg("cheapest reported %.12g, brute force %.12g",
             pl_unlock_set_at(u, 0)->cost, cheapest);
  for (size_t k = 0; k < pl_unlock_set_count(u); k++) {
    const pl_unlock_set *st = pl_unlock_set_at(u, k);
    if (k) assert_true(st->cost >= pl_unlock_set_at(u, k - 1)->cost - 1e-12);
    /* the set as levels and lowered reservation values */
    int l2[4] = {0, 0, 0, 0};
    double to[3], sum = 0;
    for (int p = 0; p < w->np; p++) to[p] = pl_scenario_reservation(w->s, p);
    for (size_t j = 0; j < st->n_moves; j++) {
      const pl_move *m = &st->moves[j];
      sum += m->cost;
      n_lowered += m->kind == PL_MOVE_LOWER;
      n_variant_moves += m->kind == PL_MOVE_VARIANT;
      if (m->kind == PL_MOVE_LOWER) {
        assert_true(m->to < m->from);
        to[m->party] = m->to;
        assert_utility(m->cost, pl_scenario_reservation_cost(w->s, m->party) *
                                    (m->from - m->to));
      } else {
        l2[m->red_line] = m->kind == PL_MOVE_DROP
                              ? pl_scenario_variant_count(w->s, m->red_line) + 1
                              : m->variant + 1;
        assert_utility(m->cost, level_cost(w->s, m->red_line, l2[m->red_line]));
      }
    }
    assert_utility(sum, st->cost);
    /* it opens a zone, and no outcome needs less of every move */
    int opens = 0;
    for (uint64_t q = 0; q < w->n; q++) {
      const outc *c = &oc[q];
      int le = 1, strict = 0;
      for (int r = 0; r < w->nr && le; r++) {
        le = c->level[r] <= l2[r];
        strict |= c->level[r] < l2[r];
      }
      for (int p = 0; p < w->np && le; p++) {
        le = c->u[p] >= to[p] - TOL;
        double rv = pl_scenario_reservation(w->s, p);
        if (to[p] < rv && c->u[p] > to[p] + 1e-7) strict = 1;
      }
      if (!le) continue;
      opens = 1;
      if (strict) fail_msg("set %zu is not minimal: outcome %llu needs less", k,
                           (unsigned long long)q);
    }
    assert_true(opens);
    if (st->solution[PL_SOLUTION_NASH]) assert_true(st->feasible > 0);
  }
  pl_unlock_free(u);
}

static int improves(const double *a, const double *b, int np) {
  int strict = 0;
  for (int p = 0; p < np; p++) {
    if (a[p] < b[p] - TOL) return 0;
    if (a[p] > b[p] + TOL) strict = 1;
  }
  return strict;
}

static void check_improve(const world *w, const outc *oc) {
  const outc *from = &oc[rnd((uint32_t)w->n)];
  pl_improve *x = NULL;
  pl_error err = {0};
  if (pl_improve_compute(w->s, from->o, NULL, &x, &err))
    fail_msg("improve: %s", err.message);
  uint64_t count = 0;
  double best_min = -1, best_prod = -1;
  for (uint64_t k = 0; k < w->n; k++) {
    const outc *c = &oc[k];
    int feasible = 1;
    for (int r = 0; r < w->nr; r++) feasible &= c->level[r] == 0;
    for (int p = 0; p < w->np; p++)
      feasible &= c->u[p] >= pl_scenario_reservation(w->s, p) - TOL;
    if (!feasible || !improves(c->u, from->u, w->np)) continue;
    count++;
    double mn = INFINITY, prod = 1;
    for (int p = 0; p < w->np; p++) {
      double g = c->u[p] - from->u[p];
      if (g < 0) g = 0;
      if (g < mn) mn = g;
      prod *= g;
    }
    if (mn > best_min) best_min = mn;
    if (prod > best_prod) best_prod = prod;
    /* a Pareto-optimal improvement is listed */
    int dominated = 0;
    for (uint64_t q = 0; q < w->n && !dominated; q++) {
      int f2 = 1;
      for (int r = 0; r < w->nr; r++) f2 &= oc[q].level[r] == 0;
      for (int p = 0; p < w->np; p++)
        f2 &= oc[q].u[p] >= pl_scenario_reservation(w->s, p) - TOL;
      dominated = f2 && improves(oc[q].u, c->u, w->np);
    }
    if (dominated) continue;
    int listed = 0;
    for (size_t b = 0; b < pl_improve_best_count(x) && !listed; b++) {
      const double *bu = pl_improve_best(x, b)->utilities;
      listed = 1;
      for (int p = 0; p < w->np; p++) listed &= fabs(bu[p] - c->u[p]) <= TOL;
    }
    if (!listed) fail_msg("a Pareto-optimal improvement is missing");
  }
  assert_int_equal(pl_improve_count(x), count);
  assert_int_equal(pl_improve_efficient(x), count == 0);
  for (size_t b = 0; b < pl_improve_best_count(x); b++) {
    const pl_point *pt = pl_improve_best(x, b);
    assert_true(improves(pt->utilities, from->u, w->np));
    for (int r = 0; r < w->nr; r++)
      assert_true(pl_scenario_red_line_holds(w->s, r, pt->options));
  }
  if (count) {
    n_improvable++;
    const double *a = pl_improve_max_min(x)->utilities;
    const double *b = pl_improve_max_nash(x)->utilities;
    double mn = INFINITY, prod = 1;
    for (int p = 0; p < w->np; p++) {
      if (a[p] - from->u[p] < mn) mn = a[p] - from->u[p];
      prod *= b[p] - from->u[p] > 0 ? b[p] - from->u[p] : 0;
    }
    assert_double_near(mn, best_min, 1e-9);
    assert_double_near(prod, best_prod, 1e-9);
    char *t = pl_improve_trades(x, pl_improve_max_min(x));
    assert_non_null(t);
    pl_free(t);
  } else {
    assert_null(pl_improve_max_min(x));
  }
  char *j = pl_improve_to_json(x);
  assert_non_null(j);
  pl_free(j);
  pl_improve_free(x);
}

/* Every outcome's options, utilities and red-line levels. */
static outc *outcomes(const world *w) {
  outc *oc = calloc(w->n, sizeof *oc);
  for (uint64_t q = 0; q < w->n; q++) {
    outc *c = &oc[q];
    pl_scenario_decode(w->s, q, c->o);
    for (int p = 0; p < w->np; p++) c->u[p] = pl_scenario_utility(w->s, p, c->o);
    for (int r = 0; r < w->nr; r++) {
      int nv = pl_scenario_variant_count(w->s, r), l = 0;
      if (!pl_scenario_red_line_holds(w->s, r, c->o)) {
        l = nv + 1;
        for (int v = nv - 1; v >= 0; v--)
          if (pl_scenario_variant_holds(w->s, r, v, c->o)) l = v + 1;
      }
      c->level[r] = l;
    }
  }
  return oc;
}

static void test_against_brute_force(void **state) {
  (void)state;
  for (int k = 0; k < SCENARIOS; k++) {
    world w;
    make_world(&w);
    outc *oc = outcomes(&w);
    check_unlock(&w, oc, (uint64_t)1 << 32);
    check_improve(&w, oc);
    free(oc);
    pl_scenario_free(w.s);
  }
  print_message("%d scenarios: %d deadlocked, %d lowerings and %d variant "
                "moves reported, %d improvable packages\n",
                SCENARIOS, n_needed, n_lowered, n_variant_moves, n_improvable);
  assert_true(n_needed > SCENARIOS / 10 && n_lowered > 100 &&
              n_variant_moves > 100 && n_improvable > SCENARIOS / 10);
}

/* Enumeration and the structural search find the same sets at the same
 * costs, with every party's concessions and with the first party's alone
 * (--by). */
static void same_both_ways(const pl_scenario *s) {
  for (int party = -1; party < 1; party++) {
    pl_unlock_options o;
    pl_unlock_options_init(&o);
    o.max_sets = 100000;
    o.party = party;
    pl_unlock *a = NULL, *b = NULL;
    pl_error err = {0};
    TU_OK(pl_unlock_compute(s, &o, &a, &err));
    o.max_outcomes = 1; /* forces the structural search */
    TU_OK(pl_unlock_compute(s, &o, &b, &err));
    assert_string_equal(pl_unlock_method(b), "structural");
    assert_int_equal(pl_unlock_needed(a), pl_unlock_needed(b));
    assert_int_equal(pl_unlock_total(a), pl_unlock_total(b));
    for (size_t k = 0; k < pl_unlock_set_count(a); k++) {
      const pl_unlock_set *x = pl_unlock_set_at(a, k);
      const pl_unlock_set *y = pl_unlock_set_at(b, k);
      assert_double_near(x->cost, y->cost, 1e-12);
      assert_int_equal(x->n_moves, y->n_moves);
      for (size_t j = 0; j < x->n_moves; j++)
        assert_double_near(x->moves[j].to, y->moves[j].to, 1e-12);
    }
    pl_unlock_free(a);
    pl_unlock_free(b);
  }
}

/* The structural search (beyond enumeration) finds what enumeration does
 * on an additive scenario with one-issue red lines. */
static void test_structural_matches(void **state) {
  (void)state;
  for (int k = 0; k < 200; k++) {
    world w;
    make_world(&w);
    /* one-issue rules only and no binding reservation: rebuild cheaply by
     * skipping the worlds that do not qualify */
    int ok = 1;
    for (int r = 0; r < w.nr; r++) {
      ok &= w.rl[r].j < 0;
      for (int v = 0; v < w.rl[r].nv; v++) ok &= w.rl[r].alt_issue[v] == w.rl[r].i;
    }
    for (int p = 0; p < w.np; p++) ok &= pl_scenario_reservation(w.s, p) == 0;
    if (!ok) {
      pl_scenario_free(w.s);
      continue;
    }
    same_both_ways(w.s);
    pl_scenario_free(w.s);
  }
}

/* The structural search with reservation values that bind (the least
 * lowering of each, given the other moves, from the frontier of utilities
 * and red-line masks) against brute force over every assignment of levels
 * and every subset of reservation values, as above: 1,000 random
 * scenarios with one-issue red lines and variants. */
static void test_structural_reservation(void **state) {
  (void)state;
  int lowered = n_lowered, needed = n_needed;
  g_one_issue = 1;
  for (int k = 0; k < 1000; k++) {
    world w;
    make_world(&w);
    outc *oc = outcomes(&w);
    check_unlock(&w, oc, 1);
    same_both_ways(w.s);
    free(oc);
    pl_scenario_free(w.s);
  }
  g_one_issue = 0;
  print_message("structural: %d deadlocked, %d lowerings reported\n",
                n_needed - needed, n_lowered - lowered);
  assert_true(n_needed - needed > 100 && n_lowered - lowered > 100);
}

static void test_by_party_and_package(void **state) {
  (void)state;
  pl_scenario *s = tu_load("tests/data/scenarios/y_concessions.yaml");
  pl_unlock_options o;
  pl_unlock_options_init(&o);
  o.party = pl_scenario_find_party(s, "q");
  pl_unlock *u = NULL;
  pl_error err = {0};
  TU_OK(pl_unlock_compute(s, &o, &u, &err));
  assert_int_equal(pl_unlock_total(u), 1);
  const pl_unlock_set *st = pl_unlock_set_at(u, 0);
  assert_int_equal(st->n_moves, 1);
  assert_int_equal(st->moves[0].party, o.party);
  assert_int_equal(st->moves[0].kind, PL_MOVE_DROP);
  char *j = pl_unlock_to_json(u);
  assert_non_null(strstr(j, "\"red_line\": \"not_x\""));
  pl_free(j);
  pl_unlock_free(u);
  uint32_t opt[2];
  assert_int_equal(pl_package_parse(s, "a=y,n=3", "--from", opt, &err), PL_OK);
  assert_int_equal(opt[0], 1);
  assert_int_equal(opt[1], 3);
  assert_int_equal(pl_package_parse(s, "a=y,b=3", "--from", opt, &err),
                   PL_EPARSE);
  assert_int_equal(err.column, 5);
  assert_string_equal(err.message, "unknown issue \"b\"");
  assert_int_equal(pl_package_parse(s, "a=w,n=3", "--from", opt, &err),
                   PL_EPARSE);
  assert_string_equal(err.message, "issue \"a\" has no option \"w\"");
  assert_int_equal(pl_package_parse(s, "a=y", "--from", opt, &err), PL_EPARSE);
  assert_int_equal(pl_package_parse(s, "a=y,a=x", "--from", opt, &err),
                   PL_EPARSE);
  assert_int_equal(pl_package_parse(s, "status_quo", "--from", opt, &err),
                   PL_EPARSE);
  pl_scenario_free(s);
}

/* The generator: every party gets a red line on one issue (the options it
 * values at least at the median of that issue's values) with a weaker
 * variant (at least the lowest quartile), and, with `reservation`, a
 * reservation value of 0.8, so that the ANAC scenarios deadlock; the
 * scenario is reopened for the red lines (test-only: the library's builder
 * refuses finished ones). */
static void add_conflict(pl_scenario *s, int reservation) {
  pl_error err = {0};
  const int np = pl_scenario_party_count(s), ni = pl_scenario_issue_count(s);
  s->finished = false;
  for (int p = 0; p < np; p++) {
    int i = p % ni;
    uint32_t n = pl_scenario_option_count(s, i);
    double *v = calloc(n, sizeof *v), *sorted = calloc(n, sizeof *sorted);
    uint32_t *hi = calloc(n, sizeof *hi), *mid = calloc(n, sizeof *mid);
    for (uint32_t o = 0; o < n; o++) sorted[o] = v[o] = pl_scenario_value(s, p, i, o);
    for (uint32_t a = 0; a < n; a++) /* insertion sort, ascending */
      for (uint32_t b = a; b > 0 && sorted[b - 1] > sorted[b]; b--) {
        double x = sorted[b];
        sorted[b] = sorted[b - 1];
        sorted[b - 1] = x;
      }
    uint32_t nh = 0, nm = 0;
    for (uint32_t o = 0; o < n; o++) {
      if (v[o] >= sorted[n / 2]) hi[nh++] = o;
      if (v[o] >= sorted[n / 4]) mid[nm++] = o;
    }
    int r = pl_scenario_add_red_line(s, p, "generated", NULL,
                                     pl_expr_in(i, nh, hi), &err);
    if (r < 0) fail_msg("red line: %s", err.message);
    if (pl_scenario_add_variant(s, r, "wider", NULL, 0.5,
                                pl_expr_in(i, nm, mid), &err) < 0)
      fail_msg("variant: %s", err.message);
    if (reservation) s->parties[p].reservation = 0.8;
    free(v);
    free(sorted);
    free(hi);
    free(mid);
  }
  s->finished = true;
}

/* Bounds on the sweep's work, so that it stays quick under the sanitizers:
 * enumerated up to this many outcomes, beyond by the structural method. */
#define SWEEP_OUTCOMES 400000
#define SWEEP_COUNT 100000

typedef struct sweep {
  int scenarios, unlocked, structural, improved;
  int unlock_refused, improve_refused;
} sweep;

/* A refusal is allowed only beyond enumeration, and must say why. */
static void refused(const char *what, const char *name, const pl_scenario *s,
                    const pl_error *err) {
  uint64_t n;
  if (pl_scenario_outcome_count(s, &n) == PL_OK && n <= SWEEP_OUTCOMES)
    fail_msg("%s %s: refused with %llu outcomes: %s", what, name,
             (unsigned long long)n, err->message);
  if (!*err->message) fail_msg("%s %s: a refusal without a reason", what, name);
  print_message("%s %s refused: %s\n", what, name, err->message);
}

/* Both commands on one generated variant of a scenario. A refusal must be
 * the documented one (docs/mediation.md: too large to enumerate and not
 * structural), with a message; anything else fails. */
static void sweep_one(const char *name, pl_scenario *s, int reservation,
                      sweep *st) {
  add_conflict(s, reservation);
  pl_unlock_options uo;
  pl_unlock_options_init(&uo);
  uo.max_sets = 2;
  uo.max_candidates = 5000;
  uo.max_outcomes = SWEEP_OUTCOMES;
  pl_unlock *u = NULL;
  pl_error err = {0};
  int rc = pl_unlock_compute(s, &uo, &u, &err);
  if (rc == PL_ETOOBIG) {
    refused(reservation ? "unlock (reservation 0.8)" : "unlock", name, s, &err);
    st->unlock_refused++;
  } else if (rc) {
    fail_msg("unlock %s: %s: %s", name, pl_errname(rc), err.message);
  } else {
    st->unlocked++;
    st->structural += !strcmp(pl_unlock_method(u), "structural");
    for (size_t k = 0; k < pl_unlock_set_count(u); k++) {
      const pl_unlock_set *set = pl_unlock_set_at(u, k);
      if (k) assert_true(set->cost >= pl_unlock_set_at(u, k - 1)->cost - 1e-12);
      assert_true(set->n_moves > 0);
      if (set->solution[PL_SOLUTION_NASH]) assert_true(set->feasible > 0);
    }
    char *j = pl_unlock_to_json(u);
    assert_non_null(j);
    pl_free(j);
    pl_unlock_free(u);
  }
  uint32_t *from = calloc((size_t)pl_scenario_issue_count(s) + 1, sizeof *from);
  for (int i = 0; i < pl_scenario_issue_count(s); i++)
    from[i] = rnd(pl_scenario_option_count(s, i));
  pl_improve_options io;
  pl_improve_options_init(&io);
  io.max_outcomes = SWEEP_OUTCOMES;
  io.count_limit = SWEEP_COUNT;
  pl_improve *x = NULL;
  rc = pl_improve_compute(s, from, &io, &x, &err);
  free(from);
  if (rc == PL_ETOOBIG) {
    refused("improve", name, s, &err);
    st->improve_refused++;
    return;
  }
  if (rc) fail_msg("improve %s: %s: %s", name, pl_errname(rc), err.message);
  for (size_t b = 0; b < pl_improve_best_count(x); b++)
    assert_true(improves(pl_improve_best(x, b)->utilities,
                         pl_improve_from(x)->utilities,
                         pl_scenario_party_count(s)));
  if (!pl_improve_efficient(x)) {
    char *t = pl_improve_trades(x, pl_improve_max_min(x));
    assert_non_null(t);
    pl_free(t);
  }
  char *j = pl_improve_to_json(x);
  assert_non_null(j);
  pl_free(j);
  pl_improve_free(x);
  st->improved++;
}

/* Every folder under dir, depth first in name order: each that holds a
 * scenario (pl_scenario_folder_list: one, or several in the ANAC 2012
 * layout) is loaded and swept twice (red lines only; red lines and
 * reservation values). Folders that hold no scenario are passed through. */
static void sweep_dir(const char *dir, sweep *st) {
  char **names = NULL;
  size_t n = 0;
  pl_error err = {0};
  if (pl_scenario_folder_list(dir, &names, &n, &err) == PL_OK) {
    for (size_t k = 0; k < n; k++) {
      for (int reservation = 0; reservation < 2; reservation++) {
        pl_scenario *s = NULL;
        const char *in[1] = {names[k]};
        if (pl_scenario_load_inputs(in, 1, NULL, &s, &err)) {
          /* only the folders of folders hold no scenario */
          if (!strstr(err.message, "no scenario here"))
            fail_msg("%s: %s", names[k], err.message);
          break;
        }
        if (!reservation) st->scenarios++;
        sweep_one(names[k], s, reservation, st);
        pl_scenario_free(s);
      }
    }
    pl_scenario_folder_list_free(names, n);
  }
  DIR *d = opendir(dir);
  if (!d) return;
  char **subs = NULL;
  size_t ns = 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.') continue;
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    struct stat sb;
    if (stat(path, &sb) || !S_ISDIR(sb.st_mode)) continue;
    subs = realloc(subs, (ns + 1) * sizeof *subs);
    subs[ns++] = strdup(path);
  }
  closedir(d);
  for (size_t a = 0; a < ns; a++) /* name order: a stable sweep */
    for (size_t b = a; b > 0 && strcmp(subs[b - 1], subs[b]) > 0; b--) {
      char *x = subs[b];
      subs[b] = subs[b - 1];
      subs[b - 1] = x;
    }
  for (size_t a = 0; a < ns; a++) {
    sweep_dir(subs[a], st);
    free(subs[a]);
  }
  free(subs);
}

/* Both calls on every scenario of ../shared/data (skipped when absent),
 * with red lines, variants and reservation values from the generator
 * above: each succeeds or refuses with its reason, never crashes or hangs;
 * the work is bounded by SWEEP_OUTCOMES, --max-sets 2 and a budget of
 * 5,000 candidate sets. */
static void test_shared_data(void **state) {
  (void)state;
  const char *data = tu_shared_data("DOMAINS.tsv");
  if (!data) skip();
  sweep st = {0};
  sweep_dir(data, &st);
  print_message("%d scenarios of ../shared/data, twice each: %d unlocked (%d "
                "by the structural method), %d refused; %d improved, %d "
                "refused\n",
                st.scenarios, st.unlocked, st.structural, st.unlock_refused,
                st.improved, st.improve_refused);
  assert_true(st.scenarios > 40);
  assert_int_equal(st.unlocked + st.unlock_refused, 2 * st.scenarios);
  assert_int_equal(st.improved + st.improve_refused, 2 * st.scenarios);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_against_brute_force),
      cmocka_unit_test(test_structural_matches),
      cmocka_unit_test(test_structural_reservation),
      cmocka_unit_test(test_by_party_and_package),
      cmocka_unit_test(test_shared_data),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
