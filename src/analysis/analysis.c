/* pl_analyze: feasible set, Pareto frontier, solution concepts, issue
 * classes, deadlock explanations and partial agreements, by enumeration.
 * Definitions are in docs/analysis.md; the solution concepts follow
 * Nash 1950 ("The bargaining problem"), Kalai & Smorodinsky 1975 ("Other
 * solutions to Nash's bargaining problem") and the egalitarian solution of
 * Kalai 1977, refined to leximin. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/analysis_internal.h"
#include "analysis/boxes.h"
#include "analysis/enumerate.h"
#include "analysis/hitting.h"
#include "analysis/structural.h"

#define DEADLOCK_LIMIT 1000
/* Automatic choice: spaces this small are enumerated (well under a
 * millisecond), larger additive ones analysed issue by issue. */
#define AUTO_ENUMERATE_UP_TO 100000
/* Partial agreements enumerate every sub-space: at most this many outcomes
 * in all (about a second), whatever --max-outcomes allows. */
#define PARTIAL_WORK ((uint64_t)1 << 27)
/* The box search: boxes searched when pl_analysis_options.max_boxes is 0
 * (about ten seconds at most on the ANAC 2014 domains, docs/performance.md). */
#define PL__DEFAULT_BOXES ((uint64_t)4000000)

void pl_analysis_options_init(pl_analysis_options *o) {
  memset(o, 0, sizeof *o);
  o->struct_size = sizeof *o;
  o->method = PL_METHOD_AUTO;
  o->max_outcomes = (uint64_t)1 << 32;
  o->memory_limit = (uint64_t)16 << 30;
  o->partial_max_issues = 16;
}

const char *pl_solution_name(pl_solution w) {
  static const char *const names[] = {"nash", "kalai", "welfare",
                                      "egalitarian"};
  return (unsigned)w < PL_SOLUTION_COUNT_ ? names[w] : "?";
}

const char *pl_issue_class_name(pl_issue_class c) {
  static const char *const names[] = {"common_ground", "contested", "blocked",
                                      "indifferent"};
  return (unsigned)c <= PL_CLASS_INDIFFERENT ? names[c] : "?";
}

void pl_analysis_free(pl_analysis *a) {
  if (!a) return;
  pl__free(a->feasible_text);
  pl__free(a->front);
  pl__free(a->front_opts);
  pl__free(a->front_u);
  pl__free(a->cls);
  pl__free(a->common_opt);
  pl__free(a->acceptable);
  pl__free(a->acc_off);
  pl__free(a->sq_u);
  pl__free(a->dead_items);
  pl__free(a->dead_off);
  pl__free(a->bind);
  for (size_t k = 0; k < a->n_partial; k++) {
    pl__free((void *)a->partial[k].issues);
    pl__free((void *)a->partial[k].nash.options);
    pl__free((void *)a->partial[k].nash.utilities);
    pl__free((void *)a->partial[k].blocking);
  }
  pl__free(a->partial);
  pl__constraints_free(&a->cons);
  pl__free(a);
}

/* ------------------------------------------------------------------ */
/* frontier and solutions                                              */
/* ------------------------------------------------------------------ */

/* A frontier row to sort. qsort passes no context, and a global would race
 * when distinct analyses run in distinct threads: each element carries it. */
typedef struct row_ref {
  const double *u;
  int np;
} row_ref;
static int by_utilities_desc(const void *x, const void *y) {
  const row_ref *a = x, *b = y;
  for (int p = 0; p < a->np; p++)
    if (a->u[p] != b->u[p]) return a->u[p] > b->u[p] ? -1 : 1;
  return 0;
}

/* Copies the gathered frontier into points, sorted, with decoded options. */
/* The options of frontier point k come from the problem's radix (cand
 * NULL) or from candidate acc->fidx[k] of cand. */
static int store_frontier(pl_analysis *a, const pl__problem *pb,
                          const pl__acc *acc, const pl__candidates *cand) {
  const size_t n = acc->nf, np = (size_t)a->np, ni = (size_t)a->ni;
  row_ref *order = pl__malloc((n ? n : 1) * sizeof *order);
  a->front = pl__calloc(n ? n : 1, sizeof *a->front);
  a->front_u = pl__malloc((n ? n : 1) * np * sizeof *a->front_u);
  a->front_opts = pl__malloc((n ? n : 1) * ni * sizeof *a->front_opts);
  if (!order || !a->front || !a->front_u || !a->front_opts) {
    pl__free(order);
    return PL_ENOMEM;
  }
  for (size_t k = 0; k < n; k++) order[k] = (row_ref){acc->fu + k * np, a->np};
  qsort(order, n, sizeof *order, by_utilities_desc);
  for (size_t k = 0; k < n; k++) {
    double *u = a->front_u + k * np;
    uint32_t *o = a->front_opts + k * ni;
    size_t from = (size_t)(order[k].u - acc->fu) / np;
    memcpy(u, order[k].u, np * sizeof *u);
    if (cand)
      memcpy(o, cand->options + acc->fidx[from] * ni, ni * sizeof *o);
    else
      pl__problem_decode(pb, acc->fidx[from], o);
    a->front[k] = (pl_point){o, u};
  }
  a->nf = n;
  pl__free(order);
  return PL_OK;
}

/* Gains over the disagreement point, clamped at 0. */
static double gain(const pl_analysis *a, const double *u, int p) {
  double g = u[p] - pl_scenario_reservation(a->s, p);
  return g > 0 ? g : 0;
}

static double sum_of(const double *u, int np) {
  double t = 0;
  for (int p = 0; p < np; p++) t += u[p];
  return t;
}

static int cmp_double(const void *x, const void *y) {
  double a = *(const double *)x, b = *(const double *)y;
  return a < b ? -1 : a > b;
}

/* Picks each solution from a frontier: the first point in frontier order
 * that maximises the criterion; a criterion within PL_TOLERANCE of the best
 * is a tie, broken by the larger sum of utilities. */
void pl__solutions(const pl_analysis *a, const pl_point *front, size_t n,
                   const pl_point **sol) {
  const int np = a->np;
  const double tol = PL_TOLERANCE;
  double ideal[PL__MAX_PARTIES];
  for (int p = 0; p < np; p++) {
    ideal[p] = 0;
    for (size_t k = 0; k < n; k++)
      if (front[k].utilities[p] > ideal[p]) ideal[p] = front[k].utilities[p];
  }
  double best[3] = {-1, -1, -1}, best_sum[3] = {0, 0, 0};
  double lex_best[PL__MAX_PARTIES], lex[PL__MAX_PARTIES];
  for (int w = 0; w < PL_SOLUTION_COUNT_; w++) sol[w] = NULL;
  for (size_t k = 0; k < n; k++) {
    const double *u = front[k].utilities;
    double s = sum_of(u, np);
    double nash = 1, ks = INFINITY;
    for (int p = 0; p < np; p++) {
      double g = gain(a, u, p);
      nash *= g;
      double span = ideal[p] - pl_scenario_reservation(a->s, p);
      double r = span > tol ? g / span : 1;
      if (r < ks) ks = r;
    }
    if (a->kalai == PL_KALAI_GENIUS) {
      /* GENIUS's "Kalai": the most equal point, as minus the sum of the
       * pairwise differences of utilities */
      ks = 0;
      for (int p = 0; p < np; p++)
        for (int q = p + 1; q < np; q++) ks -= fabs(u[p] - u[q]);
    }
    double crit[3] = {nash, ks, s};
    for (int w = 0; w < 3; w++) {
      /* Nash products shrink with the number of parties: compare them
       * relatively; the others are utilities or ratios of them. */
      double eps = w == PL_SOLUTION_NASH ? tol * best[w] : tol;
      if (!sol[w] || crit[w] > best[w] + eps ||
          (crit[w] >= best[w] - eps && s > best_sum[w] + tol)) {
        sol[w] = &front[k];
        best[w] = crit[w];
        best_sum[w] = s;
      }
    }
    /* leximin of gains */
    for (int p = 0; p < np; p++) lex[p] = gain(a, u, p);
    qsort(lex, (size_t)np, sizeof *lex, cmp_double);
    int c = 0;
    if (sol[PL_SOLUTION_EGALITARIAN])
      for (int p = 0; p < np && !c; p++)
        c = lex[p] > lex_best[p] + tol ? 1 : lex[p] < lex_best[p] - tol ? -1 : 0;
    if (!sol[PL_SOLUTION_EGALITARIAN] || c > 0) {
      sol[PL_SOLUTION_EGALITARIAN] = &front[k];
      memcpy(lex_best, lex, (size_t)np * sizeof *lex);
    }
  }
}

/* ------------------------------------------------------------------ */
/* issues: acceptable options and classes                              */
/* ------------------------------------------------------------------ */

#define PROJECTION_LIMIT 10000000ull

/* Marks, for party p, the options of every issue its rule red lines
 * mention that some outcome satisfying all those rules takes. Enumerates
 * the issues those rules mention; options of other issues stay marked. */
static int project_party(pl_analysis *a, int p) {
  const pl_scenario *s = a->s;
  const int ni = a->ni;
  int *touched = pl__malloc((size_t)ni * sizeof *touched);
  uint32_t *o = pl__calloc((size_t)ni, sizeof *o);
  int nt = 0, rc = PL_OK;
  if (!touched || !o) {
    rc = PL_ENOMEM;
    goto out;
  }
  uint64_t space = 1;
  for (int i = 0; i < ni; i++) {
    bool t = false;
    for (int r = 0; r < s->n_red_lines && !t; r++)
      t = s->red_lines[r].party == p && !s->red_lines[r].linkage &&
          pl__bit(s->red_lines[r].issues, (size_t)i);
    if (!t) continue;
    touched[nt++] = i;
    if (__builtin_mul_overflow(space, (uint64_t)s->issues[i].n, &space))
      space = UINT64_MAX;
  }
  if (nt == 0) goto out;
  if (space > PROJECTION_LIMIT) {
    a->acceptable_approx = true; /* left as "all acceptable" */
    goto out;
  }
  for (int t = 0; t < nt; t++) {
    int i = touched[t];
    memset(a->acceptable + a->acc_off[i * a->np + p], 0,
           pl__words(s->issues[i].n) * sizeof(uint64_t));
  }
  bool any = false;
  for (uint64_t x = 0; x < space; x++) {
    uint64_t y = x;
    for (int t = nt - 1; t >= 0; t--) {
      o[touched[t]] = (uint32_t)(y % s->issues[touched[t]].n);
      y /= s->issues[touched[t]].n;
    }
    bool ok = true;
    for (int r = 0; r < s->n_red_lines && ok; r++)
      if (s->red_lines[r].party == p && !s->red_lines[r].linkage)
        ok = pl__expr_eval(s->red_lines[r].rule, o);
    if (!ok) continue;
    any = true;
    for (int t = 0; t < nt; t++) {
      int i = touched[t];
      pl__setbit(a->acceptable + a->acc_off[i * a->np + p], o[i]);
    }
  }
  /* Red lines no outcome satisfies: no option of any issue is acceptable,
   * not only of the issues they mention. */
  if (!any)
    for (int i = 0; i < ni; i++)
      memset(a->acceptable + a->acc_off[i * a->np + p], 0,
             pl__words(s->issues[i].n) * sizeof(uint64_t));
out:
  pl__free(touched);
  pl__free(o);
  return rc;
}

static int classify(pl_analysis *a) {
  const pl_scenario *s = a->s;
  const int ni = a->ni, np = a->np;
  size_t words = 0;
  a->acc_off = pl__malloc((size_t)ni * (size_t)np * sizeof *a->acc_off);
  a->cls = pl__malloc((size_t)ni * sizeof *a->cls);
  a->common_opt = pl__malloc((size_t)ni * sizeof *a->common_opt);
  if (!a->acc_off || !a->cls || !a->common_opt) return PL_ENOMEM;
  for (int i = 0; i < ni; i++)
    for (int p = 0; p < np; p++) {
      a->acc_off[i * np + p] = words;
      words += pl__words(s->issues[i].n);
    }
  a->acceptable = pl__malloc((words ? words : 1) * sizeof *a->acceptable);
  if (!a->acceptable) return PL_ENOMEM;
  memset(a->acceptable, 0xff, words * sizeof *a->acceptable);
  for (int p = 0; p < np; p++) {
    int rc = project_party(a, p);
    if (rc) return rc;
  }
  const double tol = PL_TOLERANCE;
  double *best_common = pl__malloc((size_t)np * sizeof *best_common);
  if (!best_common) return PL_ENOMEM;
  for (int i = 0; i < ni; i++) {
    const pl__issue *is = &s->issues[i];
    const double *t = s->table[i];
    bool any_common = false, sq_all = pl_scenario_has_status_quo(s);
    /* Indifferent: every party values every option of the issue alike
     * (weight 0, or flat values), whatever the red lines allow. */
    bool indifferent = true;
    for (uint32_t o = 1; o < is->n && indifferent; o++)
      for (int p = 0; p < np && indifferent; p++)
        indifferent = fabs(t[(size_t)o * np + p] - t[p]) <= tol;
    /* A hyper-rectangle party values outcomes, not issues: an issue its
     * rectangles mention matters, and has no per-issue ranking, so it can
     * be blocked or contested but not found common ground. */
    bool nonlinear = false;
    for (int p = 0; p < np; p++)
      for (size_t k = 0; k < s->parties[p].n_rects; k++)
        for (size_t j = 0; j < s->parties[p].rects[k].n; j++)
          nonlinear |= s->parties[p].rects[k].issue[j] == i;
    if (nonlinear) indifferent = false;
    double best_sum = -1;
    a->common_opt[i] = PL_NOT_AGREED;
    /* each party's best value among the options every party accepts: the
     * reference without a status quo (one pass, not one per option) */
    for (int p = 0; p < np; p++) best_common[p] = -INFINITY;
    for (uint32_t o = 0; o < is->n; o++) {
      bool common = true;
      for (int p = 0; p < np && common; p++)
        common = pl_analysis_acceptable(a, i, p, o);
      for (int p = 0; p < np && common; p++)
        if (t[(size_t)o * np + p] > best_common[p])
          best_common[p] = t[(size_t)o * np + p];
    }
    for (uint32_t o = 0; o < is->n; o++) {
      bool common = true;
      for (int p = 0; p < np && common; p++)
        common = pl_analysis_acceptable(a, i, p, o);
      if (!common) continue;
      any_common = true;
      /* Against the status quo when every party has one: nobody worse,
       * somebody better. Without it: every party's best common option. */
      bool qualifies = true, better = false;
      for (int p = 0; p < np && qualifies; p++) {
        double mine = t[(size_t)o * np + p], ref;
        if (sq_all)
          ref = t[(size_t)pl__status_quo(s, p, i) * np + p];
        else
          ref = best_common[p];
        qualifies = mine >= ref - tol;
        better |= mine > ref + tol;
      }
      if ((sq_all && !better) || nonlinear) qualifies = false;
      if (!qualifies) continue;
      double sum = 0;
      for (int p = 0; p < np; p++) sum += t[(size_t)o * np + p];
      if (sum > best_sum + tol) {
        best_sum = sum;
        a->common_opt[i] = o;
      }
    }
    if (!any_common) {
      a->cls[i] = PL_CLASS_BLOCKED;
    } else if (indifferent) {
      a->cls[i] = PL_CLASS_INDIFFERENT;
      a->common_opt[i] = PL_NOT_AGREED;
    } else {
      a->cls[i] = a->common_opt[i] != PL_NOT_AGREED ? PL_CLASS_COMMON_GROUND
                                                    : PL_CLASS_CONTESTED;
    }
  }
  pl__free(best_common);
  return PL_OK;
}

/* ------------------------------------------------------------------ */
/* deadlocks and binding constraints                                   */
/* ------------------------------------------------------------------ */

/* Binding constraints: those that some mask holds alone. */
static int set_binding(pl_analysis *a, const uint64_t *masks, size_t nm) {
  a->bind = pl__malloc((size_t)(a->cons.n ? a->cons.n : 1) * sizeof *a->bind);
  if (!a->bind) return PL_ENOMEM;
  for (int b = 0; b < a->cons.n; b++)
    for (size_t k = 0; k < nm; k++)
      if (masks[k] == (uint64_t)1 << b) {
        a->bind[a->n_bind++] = a->cons.items[b];
        break;
      }
  return PL_OK;
}

/* Deadlock explanations from constraint sets (bits); takes `sets`. */
static int set_deadlocks(pl_analysis *a, uint64_t *sets, size_t n,
                         bool trunc) {
  size_t total = 0;
  for (size_t k = 0; k < n; k++) total += (size_t)__builtin_popcountll(sets[k]);
  a->dead_items = pl__malloc((total ? total : 1) * sizeof *a->dead_items);
  a->dead_off = pl__malloc((n + 1) * sizeof *a->dead_off);
  if (!a->dead_items || !a->dead_off) {
    pl__free(sets);
    return PL_ENOMEM;
  }
  size_t w = 0;
  for (size_t k = 0; k < n; k++) {
    a->dead_off[k] = w;
    for (uint64_t b = sets[k]; b; b &= b - 1)
      a->dead_items[w++] = a->cons.items[__builtin_ctzll(b)];
  }
  a->dead_off[n] = w;
  a->n_dead = n;
  a->dead_truncated = trunc;
  pl__free(sets);
  return PL_OK;
}

/* From the minimal violation masks of every outcome. */
static int explain(pl_analysis *a, const pl__acc *acc) {
  a->explained = true;
  if (a->feasible > 0) return set_binding(a, acc->masks, acc->nm);
  uint64_t *sets;
  size_t n;
  bool trunc;
  int rc = pl__hitting_sets(acc->masks, acc->nm, DEADLOCK_LIMIT, &sets, &n,
                            &trunc);
  return rc ? rc : set_deadlocks(a, sets, n, trunc);
}

/* Without several-issue red lines and binding reservation values, an
 * outcome's violations are the union of its options' one-issue violations:
 * a set of constraints excludes every outcome exactly when it excludes
 * every option of some issue, and a constraint binds exactly when some
 * option breaks it alone (the others having allowed options). */
static int explain_by_issue(pl_analysis *a, const pl__problem *pb,
                            bool feasible) {
  a->explained = true;
  size_t nm = 0, cap = 0;
  for (int i = 0; i < pb->ni; i++) cap += pb->cnt[i];
  uint64_t *all = pl__malloc((cap ? cap : 1) * sizeof *all);
  if (!all) return PL_ENOMEM;
  int rc = PL_OK;
  if (feasible) {
    for (int i = 0; i < pb->ni; i++)
      for (uint32_t c = 0; c < pb->cnt[i]; c++)
        if (pb->vmask[i][c]) all[nm++] = pb->vmask[i][c];
    rc = set_binding(a, all, nm);
    pl__free(all);
    return rc;
  }
  bool trunc = false;
  for (int i = 0; i < pb->ni && !rc; i++) {
    bool closed = true;
    for (uint32_t c = 0; c < pb->cnt[i] && closed; c++) closed = pb->vmask[i][c];
    if (!closed) continue;
    uint64_t *sets;
    size_t n;
    bool t;
    rc = pl__hitting_sets(pb->vmask[i], pb->cnt[i], DEADLOCK_LIMIT, &sets, &n,
                          &t);
    if (rc) break;
    trunc |= t;
    if (nm + n > cap) {
      uint64_t *bigger = pl__realloc(all, (nm + n) * sizeof *bigger);
      if (!bigger) {
        pl__free(sets);
        rc = PL_ENOMEM;
        break;
      }
      all = bigger;
      cap = nm + n;
    }
    memcpy(all + nm, sets, n * sizeof *sets);
    nm += n;
    pl__free(sets);
  }
  if (rc) {
    pl__free(all);
    return rc;
  }
  /* minimal ones, smallest first */
  uint64_t budget = PL__HITTING_COMPARISONS;
  size_t w = pl__minimal_sets(all, nm, &budget);
  if (w == SIZE_MAX) {
    w = 0;
    trunc = true;
  } else if (w > DEADLOCK_LIMIT) {
    w = DEADLOCK_LIMIT;
    trunc = true;
  }
  return set_deadlocks(a, all, w, trunc);
}

/* ------------------------------------------------------------------ */
/* partial agreements                                                  */
/* ------------------------------------------------------------------ */

/* Feasible outcomes of the partial problem on `agreed`; with want_nash,
 * also its Nash package into *part. */
static int run_partial(pl_analysis *a, uint64_t agreed_bits, bool want_nash,
                       bool *feasible, pl_partial *part) {
  uint64_t agreed[1] = {agreed_bits};
  pl__problem pb;
  pl__acc acc;
  int rc = pl__problem_init(&pb, a->s, &a->cons, agreed);
  if (rc) return rc;
  pl__acc_init(&acc, a->np, a->memory_limit);
  acc.stop_at_first = !want_nash;
  rc = pl__enumerate(&pb, &acc);
  *feasible = acc.feasible > 0;
  if (!rc && want_nash && acc.nf > 0) {
    pl_point *pts = pl__malloc(acc.nf * sizeof *pts);
    uint32_t *opts = pl__malloc((size_t)a->ni * sizeof *opts);
    double *u = pl__malloc((size_t)a->np * sizeof *u);
    if (!pts || !opts || !u) {
      rc = PL_ENOMEM;
    } else {
      for (size_t k = 0; k < acc.nf; k++)
        pts[k] = (pl_point){NULL, acc.fu + k * (size_t)a->np};
      const pl_point *sol[PL_SOLUTION_COUNT_];
      pl__solutions(a, pts, acc.nf, sol);
      size_t k = (size_t)(sol[PL_SOLUTION_NASH] - pts);
      memcpy(u, sol[PL_SOLUTION_NASH]->utilities, (size_t)a->np * sizeof *u);
      pl__problem_decode(&pb, acc.fidx[k], opts);
      part->nash = (pl_point){opts, u};
      opts = NULL;
      u = NULL;
    }
    pl__free(pts);
    pl__free(opts);
    pl__free(u);
  }
  pl__acc_free(&acc);
  pl__problem_free(&pb);
  return rc;
}

static int by_partial(const void *x, const void *y) {
  const pl_partial *a = x, *b = y;
  if (a->n_issues != b->n_issues) return a->n_issues > b->n_issues ? -1 : 1;
  for (size_t k = 0; k < a->n_issues; k++)
    if (a->issues[k] != b->issues[k]) return a->issues[k] - b->issues[k];
  return 0;
}

static int partials(pl_analysis *a, const pl_analysis_options *o) {
  const pl_scenario *s = a->s;
  const int ni = a->ni;
  if (a->feasible > 0) {
    a->partial_status = PL_PARTIAL_NOT_NEEDED;
    return PL_OK;
  }
  if (!pl_scenario_has_status_quo(s)) {
    a->partial_status = PL_PARTIAL_NO_STATUS_QUO;
    return PL_OK;
  }
  /* the work is bounded by the product of (options + 1) over the issues */
  uint64_t work = 1;
  bool big = ni > o->partial_max_issues || ni > 62;
  for (int i = 0; i < ni && !big; i++)
    big = __builtin_mul_overflow(work, (uint64_t)s->issues[i].n + 1, &work) ||
          work > o->max_outcomes || work > PARTIAL_WORK;
  if (big) {
    a->partial_status = PL_PARTIAL_TOO_BIG;
    return PL_OK;
  }
  a->partial_status = PL_PARTIAL_DONE;
  const uint64_t all = ni == 64 ? ~0ull : ((uint64_t)1 << ni) - 1;
  uint64_t *found = NULL;
  size_t nfound = 0, cap = 0;
  int rc = PL_OK;
  /* largest sets first; a set inside one already found is not maximal */
  for (int size = ni - 1; size >= 1 && !rc; size--) {
    for (uint64_t S = 1; S < all && !rc; S++) {
      if (__builtin_popcountll(S) != size) continue;
      bool inside = false;
      for (size_t k = 0; k < nfound && !inside; k++)
        inside = (S & found[k]) == S;
      if (inside) continue;
      bool feas;
      if ((rc = run_partial(a, S, false, &feas, NULL))) break;
      if (!feas) continue;
      if (nfound == cap) {
        cap = cap ? cap * 2 : 8;
        uint64_t *nf = pl__realloc(found, cap * sizeof *nf);
        if (!nf) {
          rc = PL_ENOMEM;
          break;
        }
        found = nf;
      }
      found[nfound++] = S;
    }
  }
  if (!rc && nfound) {
    a->partial = pl__calloc(nfound, sizeof *a->partial);
    if (!a->partial) rc = PL_ENOMEM;
  }
  for (size_t k = 0; k < nfound && !rc; k++) {
    pl_partial *pt = &a->partial[k];
    a->n_partial = k + 1;
    int *iss = pl__malloc((size_t)ni * sizeof *iss);
    int *blk = pl__malloc((size_t)(s->n_red_lines + 1) * sizeof *blk);
    pt->issues = iss;
    pt->blocking = blk;
    if (!iss || !blk) {
      rc = PL_ENOMEM;
      break;
    }
    for (int i = 0; i < ni; i++)
      if (found[k] >> i & 1) iss[pt->n_issues++] = i;
    bool feas;
    if ((rc = run_partial(a, found[k], true, &feas, pt))) break;
    for (int r = 0; r < s->n_red_lines; r++) {
      const pl__red_line *rl = &s->red_lines[r];
      if (!rl->linkage) continue;
      uint64_t linked = 0;
      for (int i = 0; i < ni; i++)
        if (pl__bit(rl->issues, (size_t)i)) linked |= (uint64_t)1 << i;
      if ((linked & found[k]) && (linked & ~found[k])) blk[pt->n_blocking++] = r;
    }
  }
  pl__free(found);
  if (!rc && a->n_partial)
    qsort(a->partial, a->n_partial, sizeof *a->partial, by_partial);
  return rc;
}

/* ------------------------------------------------------------------ */
/* pl_analyze                                                          */
/* ------------------------------------------------------------------ */

static int too_big(const pl_scenario *s, const pl_analysis_options *o,
                   const char *why, pl_error *err) {
  char count[4096];
  if (pl_scenario_outcome_count_text(s, count, sizeof count))
    snprintf(count, sizeof count, "more than 10^4000");
  /* beyond about 10^12 outcomes no limit makes enumeration practical */
  uint64_t n;
  bool hopeless = pl_scenario_outcome_count(s, &n) != PL_OK ||
                  n > (uint64_t)1000000000000ull;
  return pl__err(err, PL_ETOOBIG,
                 "scenario \"%s\" has %s outcomes, more than the %llu this "
                 "analysis enumerates%s; %s",
                 s->id, count, (unsigned long long)o->max_outcomes, why,
                 hopeless ? "model fewer options (coarser resolutions, fewer "
                            "issues)"
                          : "raise the limit with --max-outcomes if time "
                            "allows, or model fewer options (coarser "
                            "resolutions, fewer issues)");
}

static int memory_error(const pl_analysis *a, const pl_analysis_options *o,
                        size_t nf, size_t nm, pl_error *err) {
  return pl__err(err, PL_ETOOBIG,
                 "the results of scenario \"%s\" (a Pareto frontier of more "
                 "than %zu points, or %zu deadlock masks) exceed the memory "
                 "limit of %llu bytes; raise it with --memory",
                 a->s->id, nf, nm, (unsigned long long)o->memory_limit);
}

static int analyze_enumerate(pl_analysis *a, const pl_analysis_options *o,
                             pl_error *err) {
  pl__problem pb;
  pl__acc acc;
  pl__acc_init(&acc, a->np, o->memory_limit);
  acc.progress = o->progress;
  acc.progress_ctx = o->progress_ctx;
  int rc = pl__problem_init(&pb, a->s, &a->cons, NULL);
  if (rc) return rc;
  rc = pl__enumerate(&pb, &acc);
  if (rc == PL_ETOOBIG) rc = memory_error(a, o, acc.nf, acc.nm, err);
  if (rc == PL_ESTATE) rc = pl__err(err, rc, "the analysis was stopped");
  a->feasible = acc.feasible;
  a->feasible_known = true;
  if (!rc) rc = store_frontier(a, &pb, &acc, NULL);
  if (!rc) rc = explain(a, &acc);
  pl__acc_free(&acc);
  pl__problem_free(&pb);
  return rc;
}

/* The frontier from candidates (pl__candidates): sorted into outcome
 * order, utilities recomputed in issue order as enumeration sums them,
 * reservation values applied, then filtered under the tolerance as
 * enumeration builds it. Leaves the frontier in a->front. */
static int frontier_from(pl_analysis *a, const pl_analysis_options *o,
                         const pl__problem *pb, pl__candidates *cand,
                         pl_error *err) {
  const pl_scenario *s = a->s;
  const int np = a->np, ni = a->ni;
  pl__acc acc;
  pl__acc_init(&acc, np, o->memory_limit);
  double *u = pl__malloc((cand->n ? cand->n : 1) * (size_t)np * sizeof *u);
  uint64_t *at = pl__malloc((cand->n ? cand->n : 1) * sizeof *at);
  int rc = u && at ? pl__candidates_sort(cand, ni) : PL_ENOMEM;
  size_t n = 0;
  for (size_t k = 0; k < cand->n && !rc; k++) {
    const uint32_t *opt = cand->options + k * (size_t)ni;
    double *un = u + n * (size_t)np;
    bool ok = true;
    for (int p = 0; p < np; p++) {
      un[p] = pl_scenario_utility(s, p, opt);
      ok &= un[p] >= s->parties[p].reservation - PL_TOLERANCE ||
            !pl__reservation_binds(s, p);
    }
    if (ok) at[n++] = k;
  }
  if (!rc) rc = pl__frontier_add_all(&acc, u, at, n);
  pl__free(u);
  pl__free(at);
  if (rc == PL_ETOOBIG) rc = memory_error(a, o, acc.nf, 0, err);
  if (!rc) rc = store_frontier(a, pb, &acc, cand);
  pl__acc_free(&acc);
  return rc;
}

/* Issue by issue (structural.h): the frontier exactly, whatever the size;
 * the feasible count and the explanations where they follow without
 * enumeration. */
static int analyze_structural(pl_analysis *a, const pl_analysis_options *o,
                              pl_error *err) {
  const pl_scenario *s = a->s;
  const int np = a->np, ni = a->ni;
  pl__problem pb;
  pl__candidates cand = {0};
  int rc = pl__problem_init(&pb, s, &a->cons, NULL);
  if (rc) return rc;
  size_t max_points = (size_t)(o->memory_limit / ((uint64_t)np * 8 + 16));
  rc = pl__structural_frontier(&pb, max_points, o->epsilon, &cand);
  if (rc == PL_ETOOBIG) rc = memory_error(a, o, max_points, 0, err);
  if (!rc) rc = frontier_from(a, o, &pb, &cand, err);
  /* Feasible outcomes: every combination of allowed options, unless a
   * reservation value can bind. */
  bool rv_binds = false;
  for (int b = 0; b < a->cons.n; b++)
    rv_binds |= a->cons.items[b].kind == PL_CONSTRAINT_RESERVATION;
  if (!rc && !rv_binds) {
    uint32_t *allowed = pl__malloc((size_t)ni * sizeof *allowed);
    if (!allowed) rc = PL_ENOMEM;
    for (int i = 0; i < ni && !rc; i++) {
      allowed[i] = 0;
      for (uint32_t c = 0; c < pb.cnt[i]; c++) allowed[i] += !pb.vmask[i][c];
    }
    char text[4096];
    if (!rc && pl__count_text(allowed, ni, text, sizeof text) == PL_OK) {
      a->feasible_known = true;
      a->feasible_text = pl__strdup(text);
      if (!a->feasible_text) rc = PL_ENOMEM;
      uint64_t f = 1;
      for (int i = 0; i < ni; i++)
        if (__builtin_mul_overflow(f, (uint64_t)allowed[i], &f)) f = UINT64_MAX;
      a->feasible = f;
    }
    pl__free(allowed);
    if (!rc) rc = explain_by_issue(a, &pb, a->nf > 0);
  } else if (!rc) {
    /* known to be empty only when the frontier is */
    a->feasible_known = a->nf == 0;
    a->feasible = a->nf > 0 ? UINT64_MAX : 0;
  }
  pl__candidates_free(&cand);
  pl__problem_free(&pb);
  return rc;
}

/* Branch and bound over boxes (boxes.h): any utilities and red lines,
 * whatever the size; exact within the box budget, else an
 * epsilon-frontier whose epsilon the search certifies. The feasible count
 * is known only when empty; explanations are not computed. */
static int analyze_boxes(pl_analysis *a, const pl_analysis_options *o,
                         pl_error *err) {
  pl__problem pb;
  pl__candidates cand = {0};
  int rc = pl__problem_init(&pb, a->s, &a->cons, NULL);
  if (rc) return rc;
  uint64_t budget = o->max_boxes ? o->max_boxes : PL__DEFAULT_BOXES;
  pl__box_limits lim = {
      .max_boxes = budget,
      .epsilon = o->epsilon,
      .max_points = (size_t)(o->memory_limit / ((uint64_t)a->np * 8 + 16))};
  pl__box_result res;
  rc = pl__box_frontier(&pb, &lim, &cand, &res);
  if (rc == PL_ETOOBIG) rc = memory_error(a, o, lim.max_points, 0, err);
  if (!rc && !(res.epsilon < 1))
    rc = pl__err(err, PL_ETOOBIG,
                 "the box search of scenario \"%s\" spent its budget of %llu "
                 "boxes before it found a feasible package or bounded the "
                 "rest; raise it with --max-boxes",
                 a->s->id, (unsigned long long)budget);
  a->epsilon = res.epsilon;
  a->boxes = res.boxes;
  if (!rc) rc = frontier_from(a, o, &pb, &cand, err);
  a->feasible_known = !rc && res.complete && cand.n == 0;
  a->feasible = a->feasible_known ? 0 : UINT64_MAX;
  pl__candidates_free(&cand);
  pl__problem_free(&pb);
  return rc;
}

/* Structural analysis applies to additive parties and one-issue red lines. */
static bool structural_applies(const pl_scenario *s) {
  for (int p = 0; p < s->n_parties; p++)
    if (s->parties[p].hyper) return false;
  for (int r = 0; r < s->n_red_lines; r++) {
    const pl__red_line *rl = &s->red_lines[r];
    if (rl->linkage) continue;
    int n = 0;
    for (int i = 0; i < s->n_issues; i++) n += pl__bit(rl->issues, (size_t)i);
    if (n > 1) return false;
  }
  return true;
}

int pl_analyze(const pl_scenario *s, const pl_analysis_options *opts,
               pl_analysis **out, pl_error *err) {
  return pl__analyze(s, opts, true, out, err);
}

int pl__analyze(const pl_scenario *s, const pl_analysis_options *opts,
                bool allow_boxes, pl_analysis **out, pl_error *err) {
  pl_analysis_options o;
  pl_analysis_options_init(&o);
  PL__OPTIONS_COPY(&o, opts);
  *out = NULL;
  if (!s || !s->finished)
    return pl__err(err, PL_EINVAL, "the scenario is not finished");
  if (o.kalai != PL_KALAI_PROPER && o.kalai != PL_KALAI_GENIUS)
    return pl__err(err, PL_EINVAL, "unknown Kalai definition %d",
                   (int)o.kalai);
  if (!(o.epsilon >= 0 && o.epsilon < 1))
    return pl__err(err, PL_ERANGE, "epsilon must be in [0,1), got %g",
                   o.epsilon);
  if (o.method != PL_METHOD_AUTO && o.method != PL_METHOD_ENUMERATE &&
      o.method != PL_METHOD_STRUCTURAL && o.method != PL_METHOD_BOXES)
    return pl__err(err, PL_EUNSUPPORTED, "unknown analysis method %d",
                   (int)o.method);
  uint64_t n;
  bool enumerable = pl_scenario_outcome_count(s, &n) == PL_OK &&
                    n <= o.max_outcomes;
  bool structural = structural_applies(s);
  if (o.method == PL_METHOD_STRUCTURAL && !structural)
    return pl__err(err, PL_EUNSUPPORTED,
                   "the structural method needs additive utilities and red "
                   "lines of one issue each; scenario \"%s\" has more: use "
                   "--method enumerate or --method boxes",
                   s->id);
  if (o.epsilon > 0 && o.method == PL_METHOD_ENUMERATE)
    return pl__err(err, PL_EUNSUPPORTED,
                   "an approximate frontier needs the structural or the box "
                   "method, not enumeration");
  if (o.method == PL_METHOD_ENUMERATE) structural = false;
  if (o.method == PL_METHOD_ENUMERATE && !enumerable)
    return too_big(s, &o, "", err);
  /* The box method: when asked for, and with auto for what neither
   * enumeration nor the structural method can take (non-additive
   * utilities or several-issue red lines beyond --max-outcomes, or an
   * approximate frontier of those). */
  bool boxes = o.method == PL_METHOD_BOXES ||
               (o.method == PL_METHOD_AUTO && !structural && allow_boxes &&
                (!enumerable || o.epsilon > 0));
  if (boxes) structural = false;
  if (!boxes && !enumerable && !structural)
    return too_big(s, &o,
                   " (and its non-additive utilities or several-issue red "
                   "lines need enumeration)",
                   err);
  if (!boxes && o.epsilon > 0 && !structural)
    return pl__err(err, PL_EUNSUPPORTED,
                   "an approximate frontier needs the structural method: "
                   "additive utilities and red lines of one issue each");
  pl_analysis *a = pl__calloc(1, sizeof *a);
  if (!a) return pl__err(err, PL_ENOMEM, "out of memory");
  a->s = s;
  a->np = s->n_parties;
  a->ni = s->n_issues;
  a->memory_limit = o.memory_limit;
  a->kalai = o.kalai;
  a->epsilon = structural ? o.epsilon : 0;
  a->n_outcomes = enumerable ? n : UINT64_MAX;
  int rc = pl__constraints_init(&a->cons, s);
  /* Automatic: enumeration gives every explanation exactly; the structural
   * method does too unless a reservation value can bind, and it is the
   * only way beyond the enumeration limit. */
  bool rv_binds = false;
  for (int b = 0; !rc && b < a->cons.n; b++)
    rv_binds |= a->cons.items[b].kind == PL_CONSTRAINT_RESERVATION;
  if (o.method == PL_METHOD_AUTO && structural && enumerable &&
      o.epsilon == 0 && (rv_binds || n <= AUTO_ENUMERATE_UP_TO))
    structural = false;
  a->method = boxes ? "boxes" : structural ? "structural" : "enumerate";
  if (!rc)
    rc = boxes        ? analyze_boxes(a, &o, err)
         : structural ? analyze_structural(a, &o, err)
                      : analyze_enumerate(a, &o, err);
  if (rc == PL_ETOOBIG || rc == PL_ESTATE) { /* err says which */
    pl_analysis_free(a);
    return rc;
  }
  if (!rc) pl__solutions(a, a->front, a->nf, a->sol);
  if (!rc) {
    a->sq_u = pl__malloc((size_t)a->np * sizeof *a->sq_u);
    uint32_t *none = pl__malloc((size_t)a->ni * sizeof *none);
    if (!a->sq_u || !none) rc = PL_ENOMEM;
    for (int p = 0; p < a->np && !rc; p++) {
      bool has = true;
      for (int i = 0; i < a->ni; i++) {
        none[i] = PL_NOT_AGREED;
        has &= pl__status_quo(s, p, i) != PL_NOT_AGREED;
      }
      a->sq_u[p] = has ? pl_scenario_utility(s, p, none) : -1;
    }
    pl__free(none);
  }
  if (!rc) rc = classify(a);
  if (!rc) rc = partials(a, &o);
  if (rc) {
    pl__err(err, rc, "%s", pl_strerror(rc));
    pl_analysis_free(a);
    return rc;
  }
  *out = a;
  return PL_OK;
}

/* ------------------------------------------------------------------ */
/* accessors                                                           */
/* ------------------------------------------------------------------ */

const char *pl_analysis_method(const pl_analysis *a) { return a->method; }
pl_kalai pl_analysis_kalai(const pl_analysis *a) { return a->kalai; }
double pl_analysis_epsilon(const pl_analysis *a) { return a->epsilon; }
uint64_t pl_analysis_boxes(const pl_analysis *a) { return a->boxes; }
uint64_t pl_analysis_feasible_count(const pl_analysis *a) {
  return a->feasible;
}
int pl_analysis_feasible_text(const pl_analysis *a, char *buf, size_t size) {
  if (!a->feasible_known) return PL_ENOTFOUND;
  int n = a->feasible_text
              ? snprintf(buf, size, "%s", a->feasible_text)
              : snprintf(buf, size, "%llu", (unsigned long long)a->feasible);
  return n < 0 || (size_t)n >= size ? PL_ERANGE : PL_OK;
}
int pl_analysis_explained(const pl_analysis *a) { return a->explained; }
size_t pl_analysis_pareto_count(const pl_analysis *a) { return a->nf; }
const pl_point *pl_analysis_pareto(const pl_analysis *a, size_t i) {
  return i < a->nf ? &a->front[i] : NULL;
}
const pl_point *pl_analysis_solution(const pl_analysis *a, pl_solution w) {
  return (unsigned)w < PL_SOLUTION_COUNT_ ? a->sol[w] : NULL;
}
double pl_analysis_status_quo_utility(const pl_analysis *a, int p) {
  return a->sq_u[p];
}
int pl_analysis_point_rational(const pl_analysis *a, const pl_point *pt,
                               int p) {
  if (a->sq_u[p] < 0) return -1;
  return pt->utilities[p] >= a->sq_u[p] - PL_TOLERANCE;
}
pl_issue_class pl_analysis_issue_class(const pl_analysis *a, int i) {
  return a->cls[i];
}
int pl_analysis_acceptable(const pl_analysis *a, int i, int p, uint32_t o) {
  return pl__bit(a->acceptable + a->acc_off[i * a->np + p], o);
}
int pl_analysis_acceptable_exact(const pl_analysis *a) {
  return !a->acceptable_approx;
}
uint32_t pl_analysis_common_option(const pl_analysis *a, int i) {
  return a->common_opt[i];
}
size_t pl_analysis_deadlock_count(const pl_analysis *a) { return a->n_dead; }
size_t pl_analysis_deadlock(const pl_analysis *a, size_t i,
                            const pl_constraint **items) {
  if (i >= a->n_dead) return 0;
  *items = a->dead_items + a->dead_off[i];
  return a->dead_off[i + 1] - a->dead_off[i];
}
int pl_analysis_deadlocks_truncated(const pl_analysis *a) {
  return a->dead_truncated;
}
size_t pl_analysis_binding(const pl_analysis *a, const pl_constraint **items) {
  *items = a->bind;
  return a->n_bind;
}
pl_partial_status pl_analysis_partial_status(const pl_analysis *a) {
  return a->partial_status;
}
size_t pl_analysis_partial_count(const pl_analysis *a) { return a->n_partial; }
const pl_partial *pl_analysis_partial(const pl_analysis *a, size_t i) {
  return i < a->n_partial ? &a->partial[i] : NULL;
}
