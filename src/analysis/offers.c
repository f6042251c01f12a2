/* Offer search for strategies, without enumerating the outcome space:
 * the outcome closest to a target utility from above (branch and bound over
 * per-issue options sorted by contribution), and a party's outcomes in
 * descending utility (best-first search over rank vectors, each generated
 * once: a vector's parent lowers its last non-zero rank). Additive parties
 * only; utilities reported are summed in issue order, as everywhere. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/scenario_internal.h"

/* Options of each issue sorted by the party's contribution, descending. */
typedef struct sorted {
  int ni, np, p;
  uint32_t **order; /* order[i][rank] = option */
  double **val;     /* val[i][rank] = contribution */
} sorted;

static _Thread_local const double *g_col;
static _Thread_local int g_np, g_p;
static int by_contribution_desc(const void *x, const void *y) {
  uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
  double va = g_col[(size_t)a * g_np + g_p], vb = g_col[(size_t)b * g_np + g_p];
  if (va != vb) return va > vb ? -1 : 1;
  return (a > b) - (a < b);
}

static void sorted_free(sorted *so) {
  for (int i = 0; i < so->ni; i++) {
    if (so->order) pl__free(so->order[i]);
    if (so->val) pl__free(so->val[i]);
  }
  pl__free(so->order);
  pl__free(so->val);
}

static int sorted_init(sorted *so, const pl_scenario *s, int p) {
  memset(so, 0, sizeof *so);
  so->ni = s->n_issues;
  so->np = s->n_parties;
  so->p = p;
  so->order = pl__calloc((size_t)so->ni, sizeof *so->order);
  so->val = pl__calloc((size_t)so->ni, sizeof *so->val);
  if (!so->order || !so->val) return PL_ENOMEM;
  for (int i = 0; i < so->ni; i++) {
    uint32_t n = s->issues[i].n;
    so->order[i] = pl__malloc(n * sizeof **so->order);
    so->val[i] = pl__malloc(n * sizeof **so->val);
    if (!so->order[i] || !so->val[i]) return PL_ENOMEM;
    for (uint32_t k = 0; k < n; k++) so->order[i][k] = k;
    g_col = s->table[i];
    g_np = so->np;
    g_p = p;
    qsort(so->order[i], n, sizeof **so->order, by_contribution_desc);
    for (uint32_t k = 0; k < n; k++)
      so->val[i][k] = s->table[i][(size_t)so->order[i][k] * so->np + p];
  }
  return PL_OK;
}

static int check(const pl_scenario *s, int p, pl_error *err) {
  if (!s || !s->finished)
    return pl__err(err, PL_EINVAL, "the scenario is not finished");
  if (p < 0 || p >= s->n_parties)
    return pl__err(err, PL_ENOTFOUND, "no party %d", p);
  if (s->parties[p].hyper)
    return pl__err(err, PL_EUNSUPPORTED,
                   "offer search needs an additive utility; party \"%s\" has "
                   "hyper-rectangles",
                   s->parties[p].id);
  return PL_OK;
}

/* ------------------------------------------------------------------ */
/* closest at or above a target                                        */
/* ------------------------------------------------------------------ */

typedef struct search {
  const sorted *so;
  const uint32_t *nopt; /* options per issue */
  double target, best;
  double *maxs, *mins; /* suffix sums of best / worst contributions */
  uint32_t *rank, *best_rank;
  uint64_t nodes, budget;
  bool found, cut;
} search;

/* Depth-first over issues, options best first. A branch is dropped when
 * even its best completion misses the target, or its worst completion
 * cannot beat the best sum found: what stays is exact. */
static void dfs(search *x, int i, double sum) {
  const sorted *so = x->so;
  if (++x->nodes > x->budget) {
    x->cut = true;
    return;
  }
  if (i == so->ni) {
    if (sum >= x->target && (!x->found || sum < x->best)) {
      x->best = sum;
      x->found = true;
      memcpy(x->best_rank, x->rank, (size_t)so->ni * sizeof *x->rank);
    }
    return;
  }
  for (uint32_t k = 0; k < x->nopt[i] && !x->cut; k++) {
    double t = sum + so->val[i][k];
    if (t + x->maxs[i + 1] < x->target) break; /* worse options miss too */
    if (x->found && t + x->mins[i + 1] >= x->best) continue;
    x->rank[i] = k;
    dfs(x, i + 1, t);
  }
}

int pl_scenario_offer_at_least(const pl_scenario *s, int party, double target,
                               uint32_t *options, double *utility, int *exact,
                               pl_error *err) {
  int rc = check(s, party, err);
  if (rc) return rc;
  const int ni = s->n_issues;
  sorted so;
  search x;
  memset(&x, 0, sizeof x);
  rc = sorted_init(&so, s, party);
  uint32_t *nopt = pl__malloc((size_t)ni * sizeof *nopt);
  x.maxs = pl__calloc((size_t)ni + 1, sizeof *x.maxs);
  x.mins = pl__calloc((size_t)ni + 1, sizeof *x.mins);
  x.rank = pl__calloc((size_t)ni, sizeof *x.rank);
  x.best_rank = pl__calloc((size_t)ni, sizeof *x.best_rank);
  if (!rc && (!nopt || !x.maxs || !x.mins || !x.rank || !x.best_rank))
    rc = PL_ENOMEM;
  if (!rc) {
    for (int i = ni - 1; i >= 0; i--) {
      nopt[i] = s->issues[i].n;
      x.maxs[i] = x.maxs[i + 1] + so.val[i][0];
      x.mins[i] = x.mins[i + 1] + so.val[i][nopt[i] - 1];
    }
    x.so = &so;
    x.nopt = nopt;
    /* the sums of the search add in issue order too, but a target given
     * to the tolerance should not miss by a rounding */
    x.target = target - PL_TOLERANCE;
    x.budget = 50000000; /* about a second */
    dfs(&x, 0, 0);
    if (!x.found) {
      rc = pl__err(err, PL_ENOTFOUND,
                   "no outcome gives party \"%s\" a utility of %g or more%s",
                   s->parties[party].id, target,
                   x.cut ? " among those searched" : "");
    } else {
      for (int i = 0; i < ni; i++) options[i] = so.order[i][x.best_rank[i]];
      if (utility) *utility = pl_scenario_utility(s, party, options);
      if (exact) *exact = !x.cut;
    }
  } else {
    pl__err(err, rc, "out of memory");
  }
  sorted_free(&so);
  pl__free(nopt);
  pl__free(x.maxs);
  pl__free(x.mins);
  pl__free(x.rank);
  pl__free(x.best_rank);
  return rc;
}

/* ------------------------------------------------------------------ */
/* outcomes by descending utility                                      */
/* ------------------------------------------------------------------ */

/* A heap entry: a rank vector (in the arena), its sum and the position of
 * its last non-zero rank. */
typedef struct entry {
  double sum;
  uint64_t seq; /* insertion order: ties come out first in, first out */
  uint32_t *rank;
  int last;
} entry;

struct pl_offer_iter {
  const pl_scenario *s;
  sorted so;
  entry *heap;
  size_t n, cap;
  uint64_t seq;
  uint32_t **blocks; /* rank vectors, freed together */
  size_t nblocks, block_used, block_cap;
};

static bool before(const entry *a, const entry *b) {
  return a->sum > b->sum || (a->sum == b->sum && a->seq < b->seq);
}

static uint32_t *new_ranks(pl_offer_iter *it) {
  const size_t ni = (size_t)it->so.ni, per = 4096;
  if (!it->nblocks || it->block_used + ni > per * ni) {
    if (it->nblocks == it->block_cap) {
      size_t cap = it->block_cap ? it->block_cap * 2 : 16;
      uint32_t **b = pl__realloc(it->blocks, cap * sizeof *b);
      if (!b) return NULL;
      it->blocks = b;
      it->block_cap = cap;
    }
    it->blocks[it->nblocks] = pl__malloc(per * ni * sizeof(uint32_t));
    if (!it->blocks[it->nblocks]) return NULL;
    it->nblocks++;
    it->block_used = 0;
  }
  uint32_t *r = it->blocks[it->nblocks - 1] + it->block_used;
  it->block_used += ni;
  return r;
}

static int push(pl_offer_iter *it, entry e) {
  if (it->n == it->cap) {
    size_t cap = it->cap ? it->cap * 2 : 64;
    entry *h = pl__realloc(it->heap, cap * sizeof *h);
    if (!h) return PL_ENOMEM;
    it->heap = h;
    it->cap = cap;
  }
  e.seq = it->seq++;
  size_t k = it->n++;
  while (k > 0 && before(&e, &it->heap[(k - 1) / 2])) {
    it->heap[k] = it->heap[(k - 1) / 2];
    k = (k - 1) / 2;
  }
  it->heap[k] = e;
  return PL_OK;
}

static entry pop(pl_offer_iter *it) {
  entry top = it->heap[0], last = it->heap[--it->n];
  size_t k = 0;
  for (;;) {
    size_t c = 2 * k + 1;
    if (c >= it->n) break;
    if (c + 1 < it->n && before(&it->heap[c + 1], &it->heap[c])) c++;
    if (!before(&it->heap[c], &last)) break;
    it->heap[k] = it->heap[c];
    k = c;
  }
  if (it->n) it->heap[k] = last;
  return top;
}

void pl_offer_iter_free(pl_offer_iter *it) {
  if (!it) return;
  sorted_free(&it->so);
  for (size_t k = 0; k < it->nblocks; k++) pl__free(it->blocks[k]);
  pl__free(it->blocks);
  pl__free(it->heap);
  pl__free(it);
}

int pl_offer_iter_new(const pl_scenario *s, int party, pl_offer_iter **out,
                      pl_error *err) {
  *out = NULL;
  int rc = check(s, party, err);
  if (rc) return rc;
  pl_offer_iter *it = pl__calloc(1, sizeof *it);
  if (!it) return pl__err(err, PL_ENOMEM, "out of memory");
  it->s = s;
  rc = sorted_init(&it->so, s, party);
  uint32_t *r = rc ? NULL : new_ranks(it);
  if (!rc && !r) rc = PL_ENOMEM;
  if (!rc) {
    double sum = 0;
    for (int i = 0; i < it->so.ni; i++) {
      r[i] = 0;
      sum += it->so.val[i][0];
    }
    rc = push(it, (entry){sum, 0, r, 0});
  }
  if (rc) {
    pl_offer_iter_free(it);
    return pl__err(err, rc, "out of memory");
  }
  *out = it;
  return PL_OK;
}

int pl_offer_iter_next(pl_offer_iter *it, uint32_t *options, double *utility) {
  if (!it->n) return PL_ENOTFOUND;
  entry e = pop(it);
  const int ni = it->so.ni;
  /* children: one more rank at the last non-zero position or after it */
  for (int i = e.last; i < ni; i++) {
    if (e.rank[i] + 1 >= it->s->issues[i].n) continue;
    uint32_t *r = new_ranks(it);
    if (!r) return PL_ENOMEM;
    memcpy(r, e.rank, (size_t)ni * sizeof *r);
    r[i]++;
    double sum = e.sum - it->so.val[i][e.rank[i]] + it->so.val[i][r[i]];
    if (push(it, (entry){sum, 0, r, i})) return PL_ENOMEM;
  }
  for (int i = 0; i < ni; i++) options[i] = it->so.order[i][e.rank[i]];
  if (utility) *utility = pl_scenario_utility(it->s, it->so.p, options);
  return PL_OK;
}
