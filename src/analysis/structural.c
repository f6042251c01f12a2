/* Issue-wise Pareto frontier of an additive space (see structural.h). */
#include "analysis/structural.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/dominance.h"

/* A set of points: a leaf holds the allowed options of one issue, an inner
 * node the filtered sum of its two children. */
typedef struct node {
  size_t n;
  int np;
  double *u;        /* n * np utilities */
  uint32_t *a, *b;  /* leaf: a = option; inner: points of left and right */
  uint32_t *rank;   /* order of the points' outcomes, lexicographically */
  struct node *left, *right;
  int issue;        /* leaf */
} node;

static void node_free(node *x) {
  if (!x) return;
  node_free(x->left);
  node_free(x->right);
  pl__free(x->u);
  pl__free(x->a);
  pl__free(x->b);
  pl__free(x->rank);
  pl__free(x);
}

typedef struct sorter {
  const double *u;
  const uint32_t *key; /* tie-break: smaller first */
  int np;
} sorter;

/* qsort_r is not C17; points are sorted through an index array and this
 * comparison, with the context in a thread-local. */
static _Thread_local const sorter *g_sort;

static int by_utility_desc(const void *x, const void *y) {
  uint32_t i = *(const uint32_t *)x, j = *(const uint32_t *)y;
  const sorter *s = g_sort;
  const double *a = s->u + (size_t)i * s->np, *b = s->u + (size_t)j * s->np;
  for (int p = 0; p < s->np; p++)
    if (a[p] != b[p]) return a[p] > b[p] ? -1 : 1;
  if (s->key[i] != s->key[j]) return s->key[i] < s->key[j] ? -1 : 1;
  return (i > j) - (i < j);
}

typedef struct box_ref {
  const int64_t *box; /* np box coordinates */
  int np;
  size_t pos;         /* place in the utility order */
} box_ref;

static int by_box(const void *x, const void *y) {
  const box_ref *a = x, *b = y;
  for (int p = 0; p < a->np; p++)
    if (a->box[p] != b->box[p]) return a->box[p] < b->box[p] ? -1 : 1;
  return (a->pos > b->pos) - (a->pos < b->pos);
}

static int by_pos(const void *x, const void *y) {
  const box_ref *a = x, *b = y;
  return (a->pos > b->pos) - (a->pos < b->pos);
}

/* epsilon-dominance thinning (Laumanns, Thiele, Deb & Zitzler 2002,
 * "Combining convergence and diversity in evolutionary multiobjective
 * optimization"): one point per delta-box, the first in utility order, so
 * every point dropped has a kept one less than delta below it in every
 * utility. idx[0..n) are positions into x; returns the new n. */
static size_t thin(const node *x, uint32_t *idx, size_t n, double delta,
                   int *rc) {
  const int np = x->np;
  int64_t *boxes = pl__malloc((n ? n : 1) * (size_t)np * sizeof *boxes);
  box_ref *refs = pl__malloc((n ? n : 1) * sizeof *refs);
  if (!boxes || !refs) {
    pl__free(boxes);
    pl__free(refs);
    *rc = PL_ENOMEM;
    return n;
  }
  for (size_t k = 0; k < n; k++) {
    const double *u = x->u + (size_t)idx[k] * np;
    for (int p = 0; p < np; p++)
      boxes[k * (size_t)np + p] = (int64_t)floor(u[p] / delta);
    refs[k] = (box_ref){boxes + k * (size_t)np, np, k};
  }
  qsort(refs, n, sizeof *refs, by_box);
  size_t w = 0;
  for (size_t k = 0; k < n; k++)
    if (k == 0 || by_box(&(box_ref){refs[k].box, np, 0},
                         &(box_ref){refs[k - 1].box, np, 0}) != 0)
      refs[w++] = refs[k];
  qsort(refs, w, sizeof *refs, by_pos);
  uint32_t *kept = pl__malloc((w ? w : 1) * sizeof *kept);
  if (!kept) {
    *rc = PL_ENOMEM;
  } else {
    for (size_t k = 0; k < w; k++) kept[k] = idx[refs[k].pos];
    memcpy(idx, kept, w * sizeof *idx);
    n = w;
  }
  pl__free(kept);
  pl__free(boxes);
  pl__free(refs);
  return n;
}

/* idx[0..n) in descending utility order: keeps the points no earlier point
 * weakly dominates (an exact duplicate is dominated by the earlier copy);
 * returns how many, compacted at the front of idx. */
static size_t skyline(const node *x, uint32_t *idx, size_t n, int *rc) {
  const int np = x->np;
  size_t kept = 0;
  if (np == 2) {
    /* u0 descends: a point survives when its u1 beats every earlier one */
    double best = -1e300;
    for (size_t k = 0; k < n; k++) {
      const double *p = x->u + (size_t)idx[k] * 2;
      if (p[1] > best) {
        best = p[1];
        idx[kept++] = idx[k];
      }
    }
    return kept;
  }
  /* descending u0: only earlier points can dominate, and u0 needs no
   * splitting */
  pl__dom_index t;
  pl__dom_init(&t, np, 1);
  /* a sum's dominator is often the one that dominated the last point with
   * the same left part, or the same right part: tried first */
  size_t nl = x->b ? x->left->n : 0, nr = x->b ? x->right->n : 0;
  uint32_t *hint = pl__malloc((nl + nr ? nl + nr : 1) * sizeof *hint);
  if (!hint) *rc = PL_ENOMEM;
  for (size_t k = 0; k < nl + nr && hint; k++) hint[k] = UINT32_MAX;
  for (size_t k = 0; k < n && !*rc; k++) {
    const double *p = x->u + (size_t)idx[k] * np;
    uint32_t *hl = nl ? &hint[x->a[idx[k]]] : NULL;
    uint32_t *hr = nl ? &hint[nl + x->b[idx[k]]] : NULL;
    if (hl && *hl != UINT32_MAX && pl__dom_point_covers(&t, *hl, p)) continue;
    if (hr && *hr != UINT32_MAX && pl__dom_point_covers(&t, *hr, p)) {
      if (hl) *hl = *hr;
      continue;
    }
    if (pl__dom_covered(&t, p, 0)) {
      if (hl) *hl = *hr = t.last;
      continue;
    }
    *rc = pl__dom_insert(&t, p);
    idx[kept++] = idx[k];
  }
  pl__free(hint);
  pl__dom_free(&t);
  return kept;
}

/* Keeps idx[0..kept) of x, in that order (with delta > 0, then one point
 * per delta-box), compacting the arrays. */
static int keep(node *x, uint32_t *idx, size_t kept, double delta) {
  const int np = x->np;
  if (delta > 0) {
    int rc = PL_OK;
    kept = thin(x, idx, kept, delta, &rc);
    if (rc) return rc;
  }
  double *u = pl__malloc((kept ? kept : 1) * (size_t)np * sizeof *u);
  uint32_t *a = pl__malloc((kept ? kept : 1) * sizeof *a);
  uint32_t *b = x->b ? pl__malloc((kept ? kept : 1) * sizeof *b) : NULL;
  if (!u || !a || (x->b && !b)) {
    pl__free(u);
    pl__free(a);
    pl__free(b);
    return PL_ENOMEM;
  }
  for (size_t k = 0; k < kept; k++) {
    memcpy(u + k * (size_t)np, x->u + (size_t)idx[k] * np,
           (size_t)np * sizeof *u);
    a[k] = x->a[idx[k]];
    if (b) b[k] = x->b[idx[k]];
  }
  pl__free(x->u);
  pl__free(x->a);
  pl__free(x->b);
  x->u = u;
  x->a = a;
  x->b = b;
  x->n = kept;
  return PL_OK;
}

/* Keeps the exactly non-dominated points of x (an exact duplicate is
 * dominated by the copy with the smaller key) in descending utility order;
 * with delta > 0, then one point per delta-box. */
static int filter(node *x, const uint32_t *key, double delta) {
  uint32_t *idx = pl__malloc((x->n ? x->n : 1) * sizeof *idx);
  if (!idx) return PL_ENOMEM;
  for (size_t k = 0; k < x->n; k++) idx[k] = (uint32_t)k;
  sorter s = {x->u, key, x->np};
  g_sort = &s;
  qsort(idx, x->n, sizeof *idx, by_utility_desc);
  int rc = PL_OK;
  size_t kept = skyline(x, idx, x->n, &rc);
  if (!rc) rc = keep(x, idx, kept, delta);
  pl__free(idx);
  return rc;
}

/* The heap of the two-party merge: per point i of the left set, the next
 * point of the right set worth adding to it. */
typedef struct head {
  double s0, s1;  /* the sum */
  uint64_t key;   /* outcome order of the pair */
  uint32_t i, j;  /* the pair */
  uint32_t next;  /* where row i goes on */
} head;

/* Heap order: the sorted order of filter (utilities descending, then key). */
static bool before(const head *x, const head *y) {
  if (x->s0 != y->s0) return x->s0 > y->s0;
  if (x->s1 != y->s1) return x->s1 > y->s1;
  return x->key < y->key;
}

static void sift_down(head *h, size_t n, size_t k) {
  head x = h[k];
  for (;;) {
    size_t c = 2 * k + 1;
    if (c >= n) break;
    if (c + 1 < n && before(&h[c + 1], &h[c])) c++;
    if (!before(&h[c], &x)) break;
    h[k] = h[c];
    k = c;
  }
  h[k] = x;
}

/* Row i of the sum from position j on: the first point whose u1 exceeds
 * best (found by galloping: u1 grows along the row), then the best of the
 * run of points with that same u0 (sums can round equal), whose others it
 * dominates. False when the row is spent. */
static bool row_head(const node *l, const node *r, uint32_t i, uint32_t j,
                     double best, head *out) {
  const double *a = l->u + 2 * (size_t)i, *b = r->u;
  const uint32_t m = (uint32_t)r->n;
  if (j >= m) return false;
  if (!(a[1] + b[2 * (size_t)j + 1] > best)) {
    uint32_t lo = j, step = 1; /* lo fails; find a hi that passes */
    while (lo + step < m && !(a[1] + b[2 * (size_t)(lo + step) + 1] > best)) {
      lo += step;
      step *= 2;
    }
    uint32_t hi = lo + step < m ? lo + step : m;
    while (hi - lo > 1) {
      uint32_t mid = lo + (hi - lo) / 2;
      if (a[1] + b[2 * (size_t)mid + 1] > best)
        hi = mid;
      else
        lo = mid;
    }
    if (hi == m) return false;
    j = hi;
  }
  const uint64_t rn = r->n;
  *out = (head){a[0] + b[2 * (size_t)j], a[1] + b[2 * (size_t)j + 1],
                l->rank[i] * rn + r->rank[j], i, j, j + 1};
  for (; out->next < m; out->next++) {
    uint32_t k = out->next;
    head c = {a[0] + b[2 * (size_t)k], a[1] + b[2 * (size_t)k + 1],
              l->rank[i] * rn + r->rank[k], i, k, 0};
    if (c.s0 != out->s0) break;
    if (before(&c, out)) {
      c.next = out->next;
      *out = c;
    }
  }
  return true;
}

/* Two parties: the non-dominated points of l + r in filter's order, without
 * forming the n * m sums: the successive merge of Funke, Hespe, Sanders,
 * Storandt & Truschel ("Pareto Sums of Pareto Sets: Lower Bounds and
 * Algorithms", Algorithmica 2025, section on the successive algorithm), with
 * a heap over the rows as their priority-queue variant. Both sets are
 * exactly filtered, so along a row u0 falls and u1 rises: the heap's top is
 * the next sum in sorted order, and a row whose next sum is dominated by the
 * last point kept skips straight past every sum it dominates. Space is
 * O(n + k), for n left points and k kept. */
static int merge2(node *x, size_t max_points) {
  const node *l = x->left, *r = x->right;
  head *h = pl__malloc((l->n ? l->n : 1) * sizeof *h);
  if (!h) return PL_ENOMEM;
  size_t n = 0, cap = 0, k = 0;
  double best = -1e300;
  for (uint32_t i = 0; i < l->n; i++)
    if (row_head(l, r, i, 0, best, &h[n])) n++;
  for (size_t q = n / 2; q-- > 0;) sift_down(h, n, q);
  int rc = PL_OK;
  while (n && !rc) {
    head top = h[0];
    if (top.s1 > best) {
      if (k == max_points || k == UINT32_MAX) {
        rc = PL_ETOOBIG;
        break;
      }
      if (k == cap) {
        size_t nc = cap ? 2 * cap : 64;
        double *u = pl__realloc(x->u, nc * 2 * sizeof *u);
        if (u) x->u = u;
        uint32_t *a = pl__realloc(x->a, nc * sizeof *a);
        if (a) x->a = a;
        uint32_t *b = pl__realloc(x->b, nc * sizeof *b);
        if (b) x->b = b;
        if (!u || !a || !b) {
          rc = PL_ENOMEM;
          break;
        }
        cap = nc;
      }
      x->u[2 * k] = top.s0;
      x->u[2 * k + 1] = top.s1;
      x->a[k] = top.i;
      x->b[k++] = top.j;
      best = top.s1;
    }
    if (!row_head(l, r, top.i, top.next, best, &h[0])) h[0] = h[--n];
    sift_down(h, n, 0);
  }
  pl__free(h);
  x->n = k;
  return rc;
}

static _Thread_local const node *g_rank_node;
static int by_outcome(const void *x, const void *y) {
  uint32_t i = *(const uint32_t *)x, j = *(const uint32_t *)y;
  const node *n = g_rank_node;
  uint32_t ai = n->left ? n->left->rank[n->a[i]] : n->a[i];
  uint32_t aj = n->left ? n->left->rank[n->a[j]] : n->a[j];
  if (ai != aj) return ai < aj ? -1 : 1;
  if (!n->left) return 0;
  uint32_t bi = n->right->rank[n->b[i]], bj = n->right->rank[n->b[j]];
  return (bi > bj) - (bi < bj);
}

/* rank[k]: position of point k's outcome in lexicographic order. */
static int set_ranks(node *x) {
  uint32_t *idx = pl__malloc((x->n ? x->n : 1) * sizeof *idx);
  x->rank = pl__malloc((x->n ? x->n : 1) * sizeof *x->rank);
  if (!idx || !x->rank) {
    pl__free(idx);
    return PL_ENOMEM;
  }
  for (size_t k = 0; k < x->n; k++) idx[k] = (uint32_t)k;
  g_rank_node = x;
  qsort(idx, x->n, sizeof *idx, by_outcome);
  for (size_t k = 0; k < x->n; k++) x->rank[idx[k]] = (uint32_t)k;
  pl__free(idx);
  return PL_OK;
}

static int leaf(const pl__problem *pb, int i, double delta, node **out) {
  const int np = pb->np;
  node *x = pl__calloc(1, sizeof *x);
  if (!x) return PL_ENOMEM;
  x->np = np;
  x->issue = i;
  x->u = pl__malloc((size_t)pb->cnt[i] * (size_t)np * sizeof *x->u);
  x->a = pl__malloc((size_t)pb->cnt[i] * sizeof *x->a);
  if (!x->u || !x->a) {
    node_free(x);
    return PL_ENOMEM;
  }
  for (uint32_t c = 0; c < pb->cnt[i]; c++) {
    if (pb->vmask[i][c]) continue; /* breaks a one-issue red line */
    memcpy(x->u + x->n * (size_t)np, pb->contrib[i] + (size_t)c * np,
           (size_t)np * sizeof *x->u);
    x->a[x->n++] = c;
  }
  int rc = filter(x, x->a, delta);
  if (!rc) rc = set_ranks(x);
  if (rc) {
    node_free(x);
    return rc;
  }
  *out = x;
  return PL_OK;
}

/* The filtered sum of the sets of two children: two parties by merge2,
 * more by forming every sum and filtering them. */
static int sum(node *x, size_t max_points, double delta) {
  const node *l = x->left, *r = x->right;
  const int np = x->np;
  if (np == 2) {
    int rc = merge2(x, max_points);
    if (rc || !(delta > 0)) return rc;
    uint32_t *idx = pl__malloc((x->n ? x->n : 1) * sizeof *idx);
    if (!idx) return PL_ENOMEM;
    for (size_t k = 0; k < x->n; k++) idx[k] = (uint32_t)k;
    rc = keep(x, idx, x->n, delta);
    pl__free(idx);
    return rc;
  }
  size_t n;
  if (__builtin_mul_overflow(l->n, r->n, &n) || n > max_points ||
      n > UINT32_MAX)
    return PL_ETOOBIG;
  x->u = pl__malloc((n ? n : 1) * (size_t)np * sizeof *x->u);
  x->a = pl__malloc((n ? n : 1) * sizeof *x->a);
  x->b = pl__malloc((n ? n : 1) * sizeof *x->b);
  uint32_t *key = pl__malloc((n ? n : 1) * sizeof *key);
  if (!x->u || !x->a || !x->b || !key) {
    pl__free(key);
    return PL_ENOMEM;
  }
  for (size_t i = 0, k = 0; i < l->n; i++)
    for (size_t j = 0; j < r->n; j++, k++) {
      const double *p = l->u + i * (size_t)np;
      const double *q = r->u + j * (size_t)np;
      for (int c = 0; c < np; c++) x->u[k * (size_t)np + c] = p[c] + q[c];
      x->a[k] = (uint32_t)i;
      x->b[k] = (uint32_t)j;
      /* lexicographic outcome order of the pair: left rank, then right */
      key[k] = (uint32_t)(l->rank[i] * r->n + r->rank[j]);
    }
  x->n = n;
  int rc = filter(x, key, delta);
  pl__free(key);
  return rc;
}

static int build(const pl__problem *pb, int lo, int hi, size_t max_points,
                 double delta, node **out) {
  if (lo == hi) return leaf(pb, lo, delta, out);
  int mid = lo + (hi - lo) / 2, rc;
  node *l = NULL, *r = NULL, *x = NULL;
  if ((rc = build(pb, lo, mid, max_points, delta, &l)) ||
      (rc = build(pb, mid + 1, hi, max_points, delta, &r)))
    goto fail;
  x = pl__calloc(1, sizeof *x);
  if (!x) {
    rc = PL_ENOMEM;
    goto fail;
  }
  x->np = pb->np;
  x->left = l;
  x->right = r;
  l = r = NULL;
  rc = sum(x, max_points, delta);
  if (!rc) rc = set_ranks(x);
  if (rc) goto fail;
  *out = x;
  return PL_OK;
fail:
  node_free(l);
  node_free(r);
  node_free(x);
  return rc;
}

static void recover(const node *x, uint32_t k, const pl__problem *pb,
                    uint32_t *options) {
  if (!x->left) {
    options[x->issue] = pb->opt[x->issue][x->a[k]];
    return;
  }
  recover(x->left, x->a[k], pb, options);
  recover(x->right, x->b[k], pb, options);
}

int pl__structural_frontier(const pl__problem *pb, size_t max_points,
                            double epsilon, pl__candidates *out) {
  out->n = 0;
  out->options = NULL;
  /* a point passes one thinning per level of the tree, leaves included:
   * delta per level keeps the total under epsilon */
  int levels = 1;
  while ((1 << (levels - 1)) < pb->ni) levels++;
  double delta = epsilon > 0 ? epsilon / levels : 0;
  node *root = NULL;
  int rc = build(pb, 0, pb->ni - 1, max_points, delta, &root);
  if (rc) return rc;
  out->options = pl__malloc((root->n ? root->n : 1) * (size_t)pb->ni *
                            sizeof *out->options);
  if (!out->options) {
    node_free(root);
    return PL_ENOMEM;
  }
  for (size_t k = 0; k < root->n; k++)
    recover(root, (uint32_t)k, pb, out->options + k * (size_t)pb->ni);
  out->n = root->n;
  node_free(root);
  return PL_OK;
}

void pl__candidates_free(pl__candidates *c) {
  pl__free(c->options);
  c->options = NULL;
  c->n = 0;
}

static _Thread_local int g_ni;
static int by_options(const void *x, const void *y) {
  const uint32_t *a = x, *b = y;
  for (int i = 0; i < g_ni; i++)
    if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
  return 0;
}

int pl__candidates_sort(pl__candidates *c, int ni) {
  g_ni = ni;
  if (c->n) qsort(c->options, c->n, (size_t)ni * sizeof *c->options, by_options);
  return PL_OK;
}
