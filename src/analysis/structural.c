/* Issue-wise Pareto frontier of an additive space (see structural.h). */
#include "analysis/structural.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

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

/* Keeps the exactly non-dominated points of x (an exact duplicate is
 * dominated by the copy with the smaller key), compacting the arrays; with
 * delta > 0, then one point per delta-box. */
static int filter(node *x, const uint32_t *key, double delta) {
  const int np = x->np;
  uint32_t *idx = pl__malloc((x->n ? x->n : 1) * sizeof *idx);
  if (!idx) return PL_ENOMEM;
  for (size_t k = 0; k < x->n; k++) idx[k] = (uint32_t)k;
  sorter s = {x->u, key, np};
  g_sort = &s;
  qsort(idx, x->n, sizeof *idx, by_utility_desc);
  size_t kept = 0;
  if (np == 2) {
    /* u0 descends: a point survives when its u1 beats every earlier one */
    double best = -1e300;
    for (size_t k = 0; k < x->n; k++) {
      const double *p = x->u + (size_t)idx[k] * 2;
      if (p[1] > best) {
        best = p[1];
        idx[kept++] = idx[k];
      }
    }
  } else {
    /* lexicographically descending: only earlier points can dominate */
    for (size_t k = 0; k < x->n; k++) {
      const double *p = x->u + (size_t)idx[k] * np;
      bool dominated = false;
      for (size_t j = 0; j < kept && !dominated; j++) {
        const double *q = x->u + (size_t)idx[j] * np;
        int c = 0;
        while (c < np && q[c] >= p[c]) c++;
        dominated = c == np;
      }
      if (!dominated) idx[kept++] = idx[k];
    }
  }
  if (delta > 0) {
    int rc = PL_OK;
    kept = thin(x, idx, kept, delta, &rc);
    if (rc) {
      pl__free(idx);
      return rc;
    }
  }
  /* gather the survivors */
  double *u = pl__malloc((kept ? kept : 1) * (size_t)np * sizeof *u);
  uint32_t *a = pl__malloc((kept ? kept : 1) * sizeof *a);
  uint32_t *b = x->b ? pl__malloc((kept ? kept : 1) * sizeof *b) : NULL;
  if (!u || !a || (x->b && !b)) {
    pl__free(u);
    pl__free(a);
    pl__free(b);
    pl__free(idx);
    return PL_ENOMEM;
  }
  for (size_t k = 0; k < kept; k++) {
    memcpy(u + k * (size_t)np, x->u + (size_t)idx[k] * np,
           (size_t)np * sizeof *u);
    a[k] = x->a[idx[k]];
    if (b) b[k] = x->b[idx[k]];
  }
  pl__free(idx);
  pl__free(x->u);
  pl__free(x->a);
  pl__free(x->b);
  x->u = u;
  x->a = a;
  x->b = b;
  x->n = kept;
  return PL_OK;
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

static int build(const pl__problem *pb, int lo, int hi, size_t max_points,
                 double delta, node **out) {
  if (lo == hi) return leaf(pb, lo, delta, out);
  int mid = lo + (hi - lo) / 2, rc;
  node *l = NULL, *r = NULL, *x = NULL;
  if ((rc = build(pb, lo, mid, max_points, delta, &l)) ||
      (rc = build(pb, mid + 1, hi, max_points, delta, &r)))
    goto fail;
  const int np = pb->np;
  size_t n;
  if (__builtin_mul_overflow(l->n, r->n, &n) || n > max_points ||
      n > UINT32_MAX) {
    rc = PL_ETOOBIG;
    goto fail;
  }
  x = pl__calloc(1, sizeof *x);
  if (!x) {
    rc = PL_ENOMEM;
    goto fail;
  }
  x->np = np;
  x->left = l;
  x->right = r;
  l = r = NULL;
  x->u = pl__malloc((n ? n : 1) * (size_t)np * sizeof *x->u);
  x->a = pl__malloc((n ? n : 1) * sizeof *x->a);
  x->b = pl__malloc((n ? n : 1) * sizeof *x->b);
  uint32_t *key = pl__malloc((n ? n : 1) * sizeof *key);
  if (!x->u || !x->a || !x->b || !key) {
    pl__free(key);
    rc = PL_ENOMEM;
    goto fail;
  }
  for (size_t i = 0, k = 0; i < x->left->n; i++)
    for (size_t j = 0; j < x->right->n; j++, k++) {
      const double *p = x->left->u + i * (size_t)np;
      const double *q = x->right->u + j * (size_t)np;
      for (int c = 0; c < np; c++) x->u[k * (size_t)np + c] = p[c] + q[c];
      x->a[k] = (uint32_t)i;
      x->b[k] = (uint32_t)j;
      /* lexicographic outcome order of the pair: left rank, then right */
      key[k] = (uint32_t)(x->left->rank[i] * x->right->n + x->right->rank[j]);
    }
  x->n = n;
  rc = filter(x, key, delta);
  pl__free(key);
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
