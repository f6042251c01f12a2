/* Enumeration: the hot loop of the analysis (see enumerate.h). */
#include "analysis/enumerate.h"

#include <math.h>
#include <string.h>

#include "analysis/dominance.h"

/* ------------------------------------------------------------------ */
/* constraints                                                         */
/* ------------------------------------------------------------------ */

int pl__constraints_init(pl__constraints *c, const pl_scenario *s) {
  c->n = 0;
  c->variant = NULL; /* the red lines themselves */
  c->items = pl__calloc((size_t)(s->n_red_lines + s->n_parties),
                        sizeof *c->items);
  if (!c->items) return PL_ENOMEM;
  for (int r = 0; r < s->n_red_lines; r++)
    if (!s->red_lines[r].linkage)
      c->items[c->n++] = (pl_constraint){PL_CONSTRAINT_RED_LINE,
                                         s->red_lines[r].party, r};
  for (int p = 0; p < s->n_parties; p++)
    if (pl__reservation_binds(s, p))
      c->items[c->n++] = (pl_constraint){PL_CONSTRAINT_RESERVATION, p, -1};
  return PL_OK;
}

void pl__constraints_free(pl__constraints *c) {
  pl__free(c->items);
  pl__free(c->variant);
  c->items = NULL;
  c->variant = NULL;
  c->n = 0;
}

/* ------------------------------------------------------------------ */
/* problem                                                             */
/* ------------------------------------------------------------------ */

static bool issues_subset(const uint64_t *a, const uint64_t *b, size_t words) {
  for (size_t w = 0; w < words; w++)
    if (a[w] & ~b[w]) return false;
  return true;
}

void pl__problem_free(pl__problem *pb) {
  for (int i = 0; i < pb->ni; i++) {
    if (pb->opt) pl__free(pb->opt[i]);
    if (pb->contrib) pl__free(pb->contrib[i]);
    if (pb->vmask) pl__free(pb->vmask[i]);
  }
  pl__free(pb->cnt);
  pl__free(pb->opt);
  pl__free(pb->contrib);
  pl__free(pb->vmask);
  pl__free(pb->multi);
  pl__free(pb->multi_bit);
  pl__free(pb->rv);
  pl__free(pb->rv_bit);
  pl__free(pb->special);
  memset(pb, 0, sizeof *pb);
}

int pl__problem_init(pl__problem *pb, const pl_scenario *s,
                     const pl__constraints *cons, const uint64_t *agreed) {
  const int ni = s->n_issues, np = s->n_parties;
  memset(pb, 0, sizeof *pb);
  pb->s = s;
  pb->ni = ni;
  pb->np = np;
  pb->cnt = pl__calloc((size_t)ni, sizeof *pb->cnt);
  pb->opt = pl__calloc((size_t)ni, sizeof *pb->opt);
  pb->contrib = pl__calloc((size_t)ni, sizeof *pb->contrib);
  pb->vmask = pl__calloc((size_t)ni, sizeof *pb->vmask);
  pb->multi = pl__calloc((size_t)cons->n + 1, sizeof *pb->multi);
  pb->multi_bit = pl__calloc((size_t)cons->n + 1, sizeof *pb->multi_bit);
  pb->rv = pl__calloc((size_t)np, sizeof *pb->rv);
  pb->rv_bit = pl__calloc((size_t)np, sizeof *pb->rv_bit);
  pb->special = pl__calloc((size_t)np, sizeof *pb->special);
  uint32_t *tmp = pl__calloc((size_t)ni, sizeof *tmp);
  if (!pb->cnt || !pb->opt || !pb->contrib || !pb->vmask || !pb->multi ||
      !pb->multi_bit || !pb->rv || !pb->rv_bit || !pb->special || !tmp)
    goto nomem;
  /* hyper-rectangle parties */
  for (int p = 0; p < np; p++)
    if (s->parties[p].hyper) pb->special[pb->n_special++] = p;
  pb->n_outcomes = 1;
  for (int i = 0; i < ni; i++) {
    const pl__issue *is = &s->issues[i];
    bool in = !agreed || pl__bit(agreed, (size_t)i);
    uint32_t n = in ? is->n : 1;
    pb->cnt[i] = n;
    if (__builtin_mul_overflow(pb->n_outcomes, (uint64_t)n, &pb->n_outcomes))
      pb->n_outcomes = UINT64_MAX; /* saturates: too many to enumerate */
    pb->opt[i] = pl__malloc(n * sizeof **pb->opt);
    pb->contrib[i] = pl__malloc((size_t)n * (size_t)np * sizeof **pb->contrib);
    pb->vmask[i] = pl__calloc(n, sizeof **pb->vmask);
    if (!pb->opt[i] || !pb->contrib[i] || !pb->vmask[i]) goto nomem;
    for (uint32_t c = 0; c < n; c++) {
      pb->opt[i][c] = in ? c : PL_NOT_AGREED;
      for (int p = 0; p < np; p++) {
        uint32_t k = in ? c : pl__status_quo(s, p, i);
        pb->contrib[i][(size_t)c * np + p] =
            k == PL_NOT_AGREED ? 0 : s->table[i][(size_t)k * np + p];
      }
    }
  }
  for (int b = 0; b < cons->n; b++) {
    const pl_constraint *ct = &cons->items[b];
    uint64_t bit = (uint64_t)1 << b;
    if (ct->kind == PL_CONSTRAINT_RESERVATION) {
      pb->rv[ct->party] = s->parties[ct->party].reservation;
      pb->rv_bit[ct->party] = bit;
      continue;
    }
    const pl__red_line *rl = &s->red_lines[ct->red_line];
    int v = cons->variant ? cons->variant[b] : -1;
    const pl_expr *rule = v >= 0 ? rl->variants[v].rule : rl->rule;
    const uint64_t *mentioned = v >= 0 ? rl->variants[v].issues : rl->issues;
    if (agreed && !issues_subset(mentioned, agreed, s->issue_words))
      continue; /* mentions an issue left out: not counted */
    int only = -1, count = 0;
    for (int i = 0; i < ni; i++)
      if (pl__bit(mentioned, (size_t)i)) {
        only = i;
        count++;
      }
    if (count == 1) {
      /* A one-issue rule reads only that issue: fold it into the table. */
      for (uint32_t c = 0; c < pb->cnt[only]; c++) {
        tmp[only] = pb->opt[only][c];
        if (!pl__expr_eval(rule, tmp)) pb->vmask[only][c] |= bit;
      }
      tmp[only] = 0;
    } else {
      pb->multi[pb->n_multi] = rule;
      pb->multi_bit[pb->n_multi++] = bit;
    }
  }
  pl__free(tmp);
  return PL_OK;
nomem:
  pl__free(tmp);
  pl__problem_free(pb);
  return PL_ENOMEM;
}

void pl__problem_decode(const pl__problem *pb, uint64_t index,
                        uint32_t *options) {
  for (int i = pb->ni - 1; i >= 0; i--) {
    options[i] = pb->opt[i][index % pb->cnt[i]];
    index /= pb->cnt[i];
  }
}

/* ------------------------------------------------------------------ */
/* gathering                                                           */
/* ------------------------------------------------------------------ */

void pl__acc_init(pl__acc *acc, int np, uint64_t memory_limit) {
  memset(acc, 0, sizeof *acc);
  acc->np = np;
  acc->memory_limit = memory_limit;
  for (int k = 0; k < 256; k++) acc->seen[k] = 0; /* 0 is never stored */
}

void pl__acc_free(pl__acc *acc) {
  pl__free(acc->fu);
  pl__free(acc->fidx);
  pl__free(acc->masks);
  memset(acc, 0, sizeof *acc);
}

static bool grow_frontier(pl__acc *acc) {
  size_t cap = acc->capf ? acc->capf * 2 : 64;
  uint64_t bytes = (uint64_t)cap * ((uint64_t)acc->np * 8 + 8);
  if (bytes > acc->memory_limit) {
    acc->rc = PL_ETOOBIG;
    return false;
  }
  double *fu = pl__realloc(acc->fu, cap * (size_t)acc->np * sizeof *fu);
  if (fu) acc->fu = fu;
  uint64_t *fi = pl__realloc(acc->fidx, cap * sizeof *fi);
  if (fi) acc->fidx = fi;
  if (!fu || !fi) {
    acc->rc = PL_ENOMEM;
    return false;
  }
  acc->capf = cap;
  return true;
}

/* Two parties: the frontier is a staircase sorted by u0 ascending (u1 then
 * descends strictly), so one binary search decides dominance. */
static void frontier_add2(pl__acc *acc, const double *u, uint64_t index) {
  const double tol = PL_TOLERANCE;
  double *f = acc->fu;
  size_t n = acc->nf, lo = 0, hi = n;
  while (lo < hi) { /* first k with f[k].u0 >= u0 - tol */
    size_t mid = (lo + hi) / 2;
    if (f[2 * mid] < u[0] - tol)
      lo = mid + 1;
    else
      hi = mid;
  }
  size_t k = lo;
  if (k < n && f[2 * k + 1] >= u[1] - tol) return; /* dominated or equal */
  /* Remove the points u dominates: a run ending before the first point
   * with u0 > u[0] + tol, of points with u1 <= u[1] + tol. */
  size_t j = k;
  while (j < n && f[2 * j] <= u[0] + tol) j++;
  size_t i = j;
  while (i > 0 && f[2 * (i - 1) + 1] <= u[1] + tol) i--;
  size_t removed = j - i;
  if (removed == 0 && n == acc->capf && !grow_frontier(acc)) return;
  f = acc->fu;
  if (removed != 1) {
    memmove(f + 2 * (i + 1), f + 2 * j, 2 * (n - j) * sizeof *f);
    memmove(acc->fidx + i + 1, acc->fidx + j, (n - j) * sizeof *acc->fidx);
  }
  f[2 * i] = u[0];
  f[2 * i + 1] = u[1];
  acc->fidx[i] = index;
  acc->nf = n - removed + 1;
}

/* Three or more parties: a list; the point that last rejected a candidate
 * is tried first, since neighbouring outcomes share most issues. */
static void frontier_addn(pl__acc *acc, const double *u, uint64_t index) {
  const double tol = PL_TOLERANCE;
  const int np = acc->np;
  size_t n = acc->nf;
  for (size_t t = 0; t <= n; t++) {
    size_t k = t == 0 ? acc->last_dom : t - 1;
    if (k >= n || (t > 0 && k == acc->last_dom)) continue;
    const double *q = acc->fu + k * (size_t)np;
    int p = 0;
    while (p < np && q[p] >= u[p] - tol) p++;
    if (p == np) {
      acc->last_dom = k;
      return;
    }
  }
  size_t w = 0;
  for (size_t k = 0; k < n; k++) {
    const double *q = acc->fu + k * (size_t)np;
    int p = 0;
    while (p < np && q[p] <= u[p] + tol) p++;
    if (p == np) continue; /* u dominates q */
    if (w != k) {
      memmove(acc->fu + w * (size_t)np, q, (size_t)np * sizeof *q);
      acc->fidx[w] = acc->fidx[k];
    }
    w++;
  }
  acc->nf = w;
  if (w == acc->capf && !grow_frontier(acc)) return;
  memcpy(acc->fu + w * (size_t)np, u, (size_t)np * sizeof *u);
  acc->fidx[w] = index;
  acc->nf = w + 1;
}

void pl__frontier_add(pl__acc *acc, const double *u, uint64_t index) {
  if (acc->np == 2)
    frontier_add2(acc, u, index);
  else
    frontier_addn(acc, u, index);
}

/* frontier_addn's two tests, each a query of the index: a point is
 * dropped when a live one covers it, else it kills the live points it
 * covers and joins; live points keep their insertion order, as
 * frontier_addn's compaction keeps it. */
int pl__frontier_add_all(pl__acc *acc, const double *u,
                         const uint64_t *index, size_t n) {
  const int np = acc->np;
  if (np == 2) {
    for (size_t k = 0; k < n && !acc->rc; k++)
      frontier_add2(acc, u + 2 * k, index[k]);
    return acc->rc;
  }
  const double tol = PL_TOLERANCE;
  pl__dom_index t;
  pl__dom_init(&t, np, 0);
  size_t live = acc->nf, cap = acc->nf + n;
  uint64_t *id = pl__malloc((cap ? cap : 1) * sizeof *id);
  if (!id) acc->rc = PL_ENOMEM;
  for (size_t k = 0; k < acc->nf && !acc->rc; k++) {
    id[k] = acc->fidx[k];
    if (pl__dom_insert(&t, acc->fu + k * (size_t)np)) acc->rc = PL_ENOMEM;
  }
  for (size_t k = 0; k < n && !acc->rc; k++) {
    const double *p = u + k * (size_t)np;
    if (pl__dom_covered(&t, p, tol)) continue;
    live -= pl__dom_remove_covered_by(&t, p, tol);
    if (live == acc->capf && !grow_frontier(acc)) break;
    id[t.n] = index[k];
    if (pl__dom_insert(&t, p)) acc->rc = PL_ENOMEM;
    live++;
  }
  if (!acc->rc) {
    size_t w = 0;
    for (size_t m = 0; m < t.n; m++)
      if (!t.dead[m]) {
        memcpy(acc->fu + w * (size_t)np, pl__dom_point(&t, m),
               (size_t)np * sizeof *acc->fu);
        acc->fidx[w++] = id[m];
      }
    acc->nf = w;
    acc->last_dom = 0;
  }
  pl__free(id);
  pl__dom_free(&t);
  return acc->rc;
}

/* Keeps only inclusion-minimal violation masks. */
static void add_mask(pl__acc *acc, uint64_t m) {
  size_t h = (size_t)((m * 0x9E3779B97F4A7C15ull) >> 56);
  if (acc->seen[h] == m) return;
  acc->seen[h] = m;
  for (size_t k = 0; k < acc->nm; k++)
    if ((acc->masks[k] & m) == acc->masks[k]) return; /* not minimal */
  size_t w = 0;
  for (size_t k = 0; k < acc->nm; k++)
    if ((acc->masks[k] & m) != m) acc->masks[w++] = acc->masks[k];
  acc->nm = w;
  if (acc->nm == acc->capm) {
    size_t cap = acc->capm ? acc->capm * 2 : 16;
    if ((uint64_t)cap * 8 > acc->memory_limit) {
      acc->rc = PL_ETOOBIG;
      return;
    }
    uint64_t *p = pl__realloc(acc->masks, cap * sizeof *p);
    if (!p) {
      acc->rc = PL_ENOMEM;
      return;
    }
    acc->masks = p;
    acc->capm = cap;
  }
  acc->masks[acc->nm++] = m;
}

/* ------------------------------------------------------------------ */
/* dominance tests for the loop                                        */
/* ------------------------------------------------------------------ */

/* The loop asks "does the frontier dominate or equal u?" (covers) of every
 * feasible outcome, and first of an upper bound of each run of outcomes
 * that differ only in the last issue: when the frontier covers the bound,
 * no outcome of the run can enter it, so the run is counted but not offered
 * to the frontier. A rejected point leaves the frontier as it was, so none
 * of this changes a result: acc->fu and acc->fidx get exactly the contents
 * and order that pl__frontier_add gives them.
 *
 * Two parties answer with the staircase's binary search. Three or more
 * parties, once the frontier has GRID_FROM points, also file a copy of each
 * point in a GRID x GRID grid over its first two utilities. A point q can
 * cover u only in a cell at or above u's in both (the cell index grows with
 * the utility), and only in a cell whose largest value of every utility is
 * at least u's less the tolerance; rmax/qmax hold the largest third utility
 * of each row's cells to the right and of the quadrant above and to the
 * right, so a query reads few cells. On a Pareto frontier the third utility
 * falls as the first two rise, so the cells that pass lie near u's. */
#define GRID 16
#define GRID_FROM 64        /* frontier points before the grid is built */
#define GRID_MAX_PARTIES 16 /* more parties: pl__frontier_add alone */

typedef struct grid_cell {
  double *pts; /* n points of np utilities */
  uint32_t n, cap;
} grid_cell;

typedef struct grid {
  int np;
  bool built;      /* in use */
  bool failed;     /* not to be used (parties, allocation failure) */
  double lo[2], scale[2];
  grid_cell *cell; /* [a * GRID + b]: a from u0, b from u1 */
  double *cmax;    /* [cell * np + p]: largest utility p in the cell */
  double *cmin;    /* smallest */
  double *rmax;    /* [a * GRID + b]: largest u2 in cells (a, b' >= b) */
  double *qmax;    /* [a * GRID + b]: largest u2 in cells (a' >= a, b' >= b) */
  size_t last;     /* cell and entry of the point that last covered a */
  uint32_t last_k; /* query, tried first */
} grid;

/* q dominates or equals u: the test of frontier_addn's first loop. */
static inline bool covers(const double *q, const double *u, int np) {
  const double tol = PL_TOLERANCE;
  for (int p = 0; p < np; p++)
    if (!(q[p] >= u[p] - tol)) return false;
  return true;
}

/* u dominates or equals q: the test of frontier_addn's second loop. */
static inline bool beaten(const double *q, const double *u, int np) {
  const double tol = PL_TOLERANCE;
  for (int p = 0; p < np; p++)
    if (!(q[p] <= u[p] + tol)) return false;
  return true;
}

/* Grid row (axis 0) or column (axis 1) of a utility; never decreases as
 * x grows. */
static int grid_at(const grid *g, int axis, double x) {
  double t = (x - g->lo[axis]) * g->scale[axis];
  if (!(t > 0)) return 0;
  if (t >= GRID) return GRID - 1;
  return (int)t;
}

static void grid_free(grid *g) {
  if (g->cell)
    for (int c = 0; c < GRID * GRID; c++) pl__free(g->cell[c].pts);
  pl__free(g->cell);
  pl__free(g->cmax);
  pl__free(g->cmin);
  pl__free(g->rmax);
  pl__free(g->qmax);
  g->cell = NULL;
  g->cmax = g->cmin = g->rmax = g->qmax = NULL;
  g->built = false;
}

/* Largest and smallest utilities of one cell (-HUGE_VAL/HUGE_VAL: empty). */
static void grid_cell_bounds(grid *g, size_t c) {
  const int np = g->np;
  double *mx = g->cmax + c * (size_t)np, *mn = g->cmin + c * (size_t)np;
  for (int p = 0; p < np; p++) {
    mx[p] = -HUGE_VAL;
    mn[p] = HUGE_VAL;
  }
  for (uint32_t k = 0; k < g->cell[c].n; k++) {
    const double *q = g->cell[c].pts + (size_t)k * np;
    for (int p = 0; p < np; p++) {
      if (q[p] > mx[p]) mx[p] = q[p];
      if (q[p] < mn[p]) mn[p] = q[p];
    }
  }
}

static void grid_summaries(grid *g) {
  for (int a = GRID - 1; a >= 0; a--)
    for (int b = GRID - 1; b >= 0; b--) {
      double m = g->cmax[(size_t)(a * GRID + b) * g->np + 2];
      if (b + 1 < GRID && g->rmax[a * GRID + b + 1] > m)
        m = g->rmax[a * GRID + b + 1];
      g->rmax[a * GRID + b] = m;
      if (a + 1 < GRID && g->qmax[(a + 1) * GRID + b] > m)
        m = g->qmax[(a + 1) * GRID + b];
      g->qmax[a * GRID + b] = m;
    }
}

/* Files a copy of u; false when out of memory. */
static bool grid_put(grid *g, const double *u) {
  const int np = g->np;
  size_t c = (size_t)(grid_at(g, 0, u[0]) * GRID + grid_at(g, 1, u[1]));
  grid_cell *cl = &g->cell[c];
  if (cl->n == cl->cap) {
    uint32_t cap = cl->cap ? cl->cap * 2 : 8;
    double *p = pl__realloc(cl->pts, (size_t)cap * np * sizeof *p);
    if (!p) return false;
    cl->pts = p;
    cl->cap = cap;
  }
  memcpy(cl->pts + (size_t)cl->n * np, u, (size_t)np * sizeof *u);
  cl->n++;
  double *mx = g->cmax + c * (size_t)np, *mn = g->cmin + c * (size_t)np;
  for (int p = 0; p < np; p++) {
    if (u[p] > mx[p]) mx[p] = u[p];
    if (u[p] < mn[p]) mn[p] = u[p];
  }
  return true;
}

/* Builds the grid from the frontier held so far. lo and hi bound the
 * utilities of every outcome (sums of each issue's smallest and largest
 * contribution). */
static void grid_build(grid *g, const pl__acc *acc, const double *lo,
                       const double *hi) {
  const int np = acc->np;
  g->np = np;
  g->cell = pl__calloc(GRID * GRID, sizeof *g->cell);
  g->cmax = pl__malloc(GRID * GRID * (size_t)np * sizeof *g->cmax);
  g->cmin = pl__malloc(GRID * GRID * (size_t)np * sizeof *g->cmin);
  g->rmax = pl__malloc(GRID * GRID * sizeof *g->rmax);
  g->qmax = pl__malloc(GRID * GRID * sizeof *g->qmax);
  if (!g->cell || !g->cmax || !g->cmin || !g->rmax || !g->qmax) goto fail;
  for (int axis = 0; axis < 2; axis++) {
    double span = hi[axis] - lo[axis];
    g->lo[axis] = lo[axis];
    g->scale[axis] = span > 0 ? GRID / span : 0;
  }
  for (size_t c = 0; c < GRID * GRID; c++) grid_cell_bounds(g, c);
  for (size_t k = 0; k < acc->nf; k++)
    if (!grid_put(g, acc->fu + k * (size_t)np)) goto fail;
  grid_summaries(g);
  g->last = 0;
  g->last_k = 0;
  g->built = true;
  return;
fail:
  grid_free(g);
  g->failed = true;
}

static bool grid_covers(grid *g, const double *u) {
  const double tol = PL_TOLERANCE;
  const int np = g->np;
  const grid_cell *lc = &g->cell[g->last];
  if (g->last_k < lc->n && covers(lc->pts + (size_t)g->last_k * np, u, np))
    return true;
  const double t2 = u[2] - tol;
  const int a0 = grid_at(g, 0, u[0] - tol), b0 = grid_at(g, 1, u[1] - tol);
  for (int a = a0; a < GRID && g->qmax[a * GRID + b0] >= t2; a++)
    for (int b = b0; b < GRID && g->rmax[a * GRID + b] >= t2; b++) {
      size_t c = (size_t)(a * GRID + b);
      if (!covers(g->cmax + c * (size_t)np, u, np)) continue;
      const grid_cell *cl = &g->cell[c];
      for (uint32_t k = 0; k < cl->n; k++)
        if (covers(cl->pts + (size_t)k * np, u, np)) {
          g->last = c;
          g->last_k = k;
          return true;
        }
    }
  return false;
}

/* Adds a point the frontier does not cover: frontier_addn's second half,
 * with the grid kept in step. */
static void grid_insert(pl__acc *acc, grid *g, const double *u,
                        uint64_t index) {
  const int np = acc->np;
  const double tol = PL_TOLERANCE;
  /* the points u dominates lie at or below u's cell in both directions */
  const int a1 = grid_at(g, 0, u[0] + tol), b1 = grid_at(g, 1, u[1] + tol);
  size_t removed = 0;
  for (int a = 0; a <= a1; a++)
    for (int b = 0; b <= b1; b++) {
      size_t c = (size_t)(a * GRID + b);
      grid_cell *cl = &g->cell[c];
      if (!cl->n || !beaten(g->cmin + c * (size_t)np, u, np)) continue;
      uint32_t w = 0;
      for (uint32_t k = 0; k < cl->n; k++) {
        const double *q = cl->pts + (size_t)k * np;
        if (beaten(q, u, np)) continue;
        if (w != k)
          memcpy(cl->pts + (size_t)w * np, q, (size_t)np * sizeof *q);
        w++;
      }
      if (w == cl->n) continue;
      removed += cl->n - w;
      cl->n = w;
      grid_cell_bounds(g, c);
    }
  if (removed) { /* the same points leave the frontier, in its order */
    size_t w = 0;
    for (size_t k = 0; k < acc->nf; k++) {
      const double *q = acc->fu + k * (size_t)np;
      if (beaten(q, u, np)) continue;
      if (w != k) {
        memmove(acc->fu + w * (size_t)np, q, (size_t)np * sizeof *q);
        acc->fidx[w] = acc->fidx[k];
      }
      w++;
    }
    acc->nf = w;
  }
  size_t n = acc->nf;
  if (n == acc->capf && !grow_frontier(acc)) return;
  memcpy(acc->fu + n * (size_t)np, u, (size_t)np * sizeof *u);
  acc->fidx[n] = index;
  acc->nf = n + 1;
  if (!grid_put(g, u)) {
    grid_free(g);
    g->failed = true; /* the loop goes on with pl__frontier_add */
    return;
  }
  grid_summaries(g);
}

/* Whether the frontier dominates or equals u, for the run bounds. */
static bool front_covers(pl__acc *acc, grid *g, const double *u) {
  const double tol = PL_TOLERANCE;
  const int np = acc->np;
  if (np == 2) { /* the staircase test of frontier_add2 */
    const double *f = acc->fu;
    size_t lo = 0, hi = acc->nf;
    while (lo < hi) {
      size_t mid = (lo + hi) / 2;
      if (f[2 * mid] < u[0] - tol)
        lo = mid + 1;
      else
        hi = mid;
    }
    return lo < acc->nf && f[2 * lo + 1] >= u[1] - tol;
  }
  if (g->built) return grid_covers(g, u);
  for (size_t k = 0; k < acc->nf; k++)
    if (covers(acc->fu + k * (size_t)np, u, np)) return true;
  return false;
}

/* ------------------------------------------------------------------ */
/* hyper-rectangle utilities, level by level                           */
/* ------------------------------------------------------------------ */

/* A hyper-rectangle party's utility, evaluated along the odometer: level j
 * keeps the rectangles whose conditions on the issues before j hold, so
 * when an issue's option changes only the levels below it are filtered
 * again, and a run of the last issue costs one pass over the rectangles
 * still alive. Rectangles stay in their order, so every sum adds the same
 * terms in the same order as pl__hyper_utility: the same bits. */
typedef struct hyper_eval {
  int p;
  size_t nr;
  double *util;     /* nr utilities */
  uint32_t *lo, *hi; /* [r * ni + i]: the options of issue i rectangle r
                        allows (lo > hi: none) */
  uint32_t *alive;  /* [j * nr + k]: level j's rectangles */
  size_t *nalive;   /* per level */
  double *run_u;    /* utilities of the current run's outcomes */
} hyper_eval;

static void hyper_free(hyper_eval *h) {
  pl__free(h->util);
  pl__free(h->lo);
  pl__free(h->hi);
  pl__free(h->alive);
  pl__free(h->nalive);
  pl__free(h->run_u);
}

/* The scenario option a candidate stands for, as the party sees it. */
static uint32_t option_of(const pl__problem *pb, int p, int i, uint32_t c) {
  uint32_t o = pb->opt[i][c];
  return o == PL_NOT_AGREED ? pl__status_quo(pb->s, p, i) : o;
}

static int hyper_init(hyper_eval *h, const pl__problem *pb, int p) {
  const pl__party *pa = &pb->s->parties[p];
  const int ni = pb->ni;
  const size_t nr = pa->n_rects, m = nr ? nr : 1;
  memset(h, 0, sizeof *h);
  h->p = p;
  h->nr = nr;
  h->util = pl__malloc(m * sizeof *h->util);
  h->lo = pl__malloc(m * (size_t)ni * sizeof *h->lo);
  h->hi = pl__malloc(m * (size_t)ni * sizeof *h->hi);
  h->alive = pl__malloc(m * (size_t)ni * sizeof *h->alive);
  h->nalive = pl__calloc((size_t)ni, sizeof *h->nalive);
  h->run_u = pl__malloc((size_t)pb->cnt[ni - 1] * sizeof *h->run_u);
  if (!h->util || !h->lo || !h->hi || !h->alive || !h->nalive || !h->run_u)
    return PL_ENOMEM;
  for (size_t r = 0; r < nr; r++) {
    const pl__rect *rc = &pa->rects[r];
    h->util[r] = rc->utility;
    for (int i = 0; i < ni; i++) {
      h->lo[r * ni + i] = 0;
      h->hi[r * ni + i] = UINT32_MAX - 1; /* no condition: any option */
    }
    for (size_t j = 0; j < rc->n; j++) {
      uint32_t *lo = &h->lo[r * ni + rc->issue[j]];
      uint32_t *hi = &h->hi[r * ni + rc->issue[j]];
      if (rc->lo[j] > *lo) *lo = rc->lo[j];
      if (rc->hi[j] < *hi) *hi = rc->hi[j];
    }
    h->alive[r] = (uint32_t)r; /* level 0: every rectangle */
  }
  h->nalive[0] = nr;
  return PL_OK;
}

/* Level j + 1 from level j, issue j at candidate c. */
static void hyper_level(hyper_eval *h, const pl__problem *pb, int j,
                        uint32_t c) {
  const int ni = pb->ni;
  const uint32_t o = option_of(pb, h->p, j, c);
  const uint32_t *from = h->alive + (size_t)j * h->nr;
  uint32_t *to = h->alive + (size_t)(j + 1) * h->nr;
  size_t n = 0;
  for (size_t k = 0; k < h->nalive[j]; k++) {
    uint32_t r = from[k];
    if (o >= h->lo[r * ni + j] && o <= h->hi[r * ni + j]) to[n++] = r;
  }
  h->nalive[j + 1] = n;
}

/* Utilities of the current run: every candidate of the last issue. */
static void hyper_run(hyper_eval *h, const pl__problem *pb) {
  const int ni = pb->ni, L = ni - 1;
  const double maxu = pb->s->parties[h->p].max_utility;
  const uint32_t *alive = h->alive + (size_t)L * h->nr;
  for (uint32_t c = 0; c < pb->cnt[L]; c++) {
    const uint32_t o = option_of(pb, h->p, L, c);
    double sum = 0;
    for (size_t k = 0; k < h->nalive[L]; k++) {
      uint32_t r = alive[k];
      if (o >= h->lo[r * ni + L] && o <= h->hi[r * ni + L]) sum += h->util[r];
    }
    h->run_u[c] = sum / maxu;
  }
}

/* ------------------------------------------------------------------ */
/* the loop                                                            */
/* ------------------------------------------------------------------ */

int pl__enumerate(const pl__problem *pb, pl__acc *acc) {
  const int ni = pb->ni, np = pb->np, L = ni - 1;
  const double tol = PL_TOLERANCE;
  /* partial sums of the issues before i: ps[i * np + p], pm[i] */
  double *ps = pl__calloc((size_t)(ni + 1) * (size_t)np, sizeof *ps);
  uint64_t *pm = pl__calloc((size_t)ni + 1, sizeof *pm);
  uint32_t *d = pl__calloc((size_t)ni, sizeof *d);
  uint32_t *cur = pl__calloc((size_t)ni, sizeof *cur);
  double *u = pl__calloc((size_t)np, sizeof *u);
  /* per party: best contribution of the last issue (mxl), bound of a run
   * (ub), and the smallest and largest utility of any outcome (lo, hi) */
  double *mxl = pl__calloc((size_t)np * 4, sizeof *mxl);
  double *ub = mxl + np, *lo = mxl + 2 * np, *hi = mxl + 3 * np;
  grid g;
  memset(&g, 0, sizeof g);
  g.failed = np < 3 || np > GRID_MAX_PARTIES;
  int nh = 0;
  hyper_eval *hyp = pl__calloc((size_t)np, sizeof *hyp);
  for (int k = 0; hyp && k < pb->n_special; k++)
    if (pb->s->parties[pb->special[k]].hyper &&
        hyper_init(&hyp[nh++], pb, pb->special[k])) {
      acc->rc = PL_ENOMEM;
      goto out;
    }
  if (!ps || !pm || !d || !cur || !u || !mxl || !hyp) {
    acc->rc = PL_ENOMEM;
    goto out;
  }
  /* reservation checks only for parties whose reservation can bind */
  int nrv = 0, rvp[PL__MAX_CONSTRAINTS];
  for (int p = 0; p < np && nrv < PL__MAX_CONSTRAINTS; p++)
    if (pb->rv_bit[p]) rvp[nrv++] = p;
  for (int i = 0; i <= L; i++)
    for (int p = 0; p < np; p++) {
      double a = pb->contrib[i][p], b = a;
      for (uint32_t c = 1; c < pb->cnt[i]; c++) {
        double v = pb->contrib[i][(size_t)c * np + p];
        if (v < a) a = v;
        if (v > b) b = v;
      }
      lo[p] += a;
      hi[p] += b;
      if (i == L) mxl[p] = b;
    }
  for (int k = 0; k < pb->n_special; k++) {
    int p = pb->special[k];
    if (!pb->s->parties[p].hyper) continue;
    /* no bound from the tables: runs are always offered to the frontier */
    mxl[p] = INFINITY;
    lo[p] = 0;
    hi[p] = 1;
  }
  for (int i = 0; i < L; i++) {
    cur[i] = pb->opt[i][0];
    for (int p = 0; p < np; p++)
      ps[(i + 1) * np + p] = ps[i * np + p] + pb->contrib[i][p];
    pm[i + 1] = pm[i] | pb->vmask[i][0];
    for (int k = 0; k < nh; k++) hyper_level(&hyp[k], pb, i, 0);
  }
  uint64_t index = 0;
  const uint32_t nl = pb->cnt[L];
  const double *cl = pb->contrib[L];
  const uint64_t *ml = pb->vmask[L];
  for (;;) {
    const double *base = ps + (size_t)L * np;
    const uint64_t bm = pm[L];
    for (int k = 0; k < nh; k++) hyper_run(&hyp[k], pb);
    /* The outcomes of this run have utilities base + cl[c]; base + mxl
     * bounds them exactly, since fl(a + b) never falls as b grows. (Not
     * tried with more than GRID_MAX_PARTIES parties: a bound is seldom
     * covered in many dimensions, and the test would scan the frontier.) */
    bool offer = true;
    if (acc->nf > 0 && (np == 2 || !g.failed)) {
      for (int p = 0; p < np; p++) ub[p] = base[p] + mxl[p];
      offer = !front_covers(acc, &g, ub);
    }
    for (uint32_t c = 0; c < nl; c++, index++) {
      for (int p = 0; p < np; p++) u[p] = base[p] + cl[(size_t)c * np + p];
      uint64_t m = bm | ml[c];
      for (int k = 0; k < nh; k++) u[hyp[k].p] = hyp[k].run_u[c];
      for (int p = 0; p < np; p++) /* a utility above 1 is 1 */
        if (u[p] > 1) u[p] = 1;
      if (pb->n_multi) {
        cur[L] = pb->opt[L][c];
        for (int k = 0; k < pb->n_multi; k++)
          if (!(m & pb->multi_bit[k]) && !pl__expr_eval(pb->multi[k], cur))
            m |= pb->multi_bit[k];
      }
      for (int k = 0; k < nrv; k++)
        if (u[rvp[k]] < pb->rv[rvp[k]] - tol) m |= pb->rv_bit[rvp[k]];
      if (acc->visit && (acc->rc = acc->visit(acc->visit_ctx, index, u, m)))
        goto out;
      if (m == 0) {
        acc->feasible++;
        if (offer) {
          if (g.built) {
            if (!grid_covers(&g, u)) grid_insert(acc, &g, u, index);
          } else {
            pl__frontier_add(acc, u, index);
            if (!g.failed && acc->nf >= GRID_FROM) grid_build(&g, acc, lo, hi);
          }
        }
        if (acc->stop_at_first) goto out;
      } else if (!acc->skip_masks) {
        add_mask(acc, m);
      }
      if (acc->rc) goto out;
    }
    int i = L - 1;
    while (i >= 0 && ++d[i] == pb->cnt[i]) d[i--] = 0;
    if (i < 0) break;
    /* about every 16 million outcomes */
    if (acc->progress && (index >> 24) != ((index - nl) >> 24) &&
        acc->progress(acc->progress_ctx, (double)index / (double)pb->n_outcomes)) {
      acc->rc = PL_ESTATE;
      goto out;
    }
    for (int j = i; j < L; j++) {
      cur[j] = pb->opt[j][d[j]];
      for (int k = 0; k < nh; k++) hyper_level(&hyp[k], pb, j, d[j]);
      const double *cj = pb->contrib[j] + (size_t)d[j] * np;
      for (int p = 0; p < np; p++)
        ps[(j + 1) * np + p] = ps[j * np + p] + cj[p];
      pm[j + 1] = pm[j] | pb->vmask[j][d[j]];
    }
  }
out:
  for (int k = 0; hyp && k < np; k++) hyper_free(&hyp[k]);
  pl__free(hyp);
  grid_free(&g);
  pl__free(ps);
  pl__free(pm);
  pl__free(d);
  pl__free(cur);
  pl__free(u);
  pl__free(mxl);
  return acc->rc;
}
