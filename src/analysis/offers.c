/* Offer search for strategies, without enumerating the outcome space:
 * the outcome closest to a target utility from above (branch and bound over
 * per-issue options sorted by contribution), and a party's outcomes in
 * descending utility (best-first search over rank vectors, each generated
 * once: a vector's parent lowers its last non-zero rank). Additive parties
 * only; utilities reported are summed in issue order, as everywhere. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/offers.h"

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
  bool (*stop)(void *ctx); /* looked at every 2^16 nodes; may be NULL */
  void *stop_ctx;
} search;

/* Depth-first over issues, options best first. A branch is dropped when
 * even its best completion misses the target, or its worst completion
 * cannot beat the best sum found: what stays is exact. */
static void dfs(search *x, int i, double sum) {
  const sorted *so = x->so;
  if (++x->nodes > x->budget ||
      ((x->nodes & 0xFFFF) == 0 && x->stop && x->stop(x->stop_ctx))) {
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
  return pl__offer_at_least(s, party, target, options, utility, exact, NULL,
                            NULL, err);
}

int pl__offer_at_least(const pl_scenario *s, int party, double target,
                       uint32_t *options, double *utility, int *exact,
                       bool (*stop)(void *ctx), void *stop_ctx,
                       pl_error *err) {
  int rc = check(s, party, err);
  if (rc) return rc;
  /* halves of at most 2^13 sums list and sort in well under a millisecond:
   * exact at once, where branch and bound may take long */
  pl__mitm *m = NULL;
  if (pl__mitm_new(s, party, (size_t)1 << 13, &m) == PL_OK) {
    rc = pl__mitm_at_least(m, target, options, utility);
    pl__mitm_free(m);
    if (exact) *exact = 1;
    if (rc == PL_ENOTFOUND)
      return pl__err(err, rc,
                     "no outcome gives party \"%s\" a utility of %g or more",
                     s->parties[party].id, target);
    return rc;
  }
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
    x.stop = stop;
    x.stop_ctx = stop_ctx;
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
/* meet in the middle                                                  */
/* ------------------------------------------------------------------ */

typedef struct half_sum {
  double sum;
  uint64_t code; /* mixed radix over the half's issues */
} half_sum;

#define MITM_SEEN 8

struct pl__mitm {
  const pl_scenario *s;
  int party, ni;
  int *side;           /* 0 or 1 per issue */
  /* each half's sums ascending (ties by code) between a NaN and an
   * infinity (sum[side][-1], sum[side][n]), and their codes after them,
   * in one block */
  double *block[2], *sum[2];
  /* per sum of the first half, its sweep's candidates (pl__mitm_at_least):
   * the least sum at or above the goal, the largest below */
  double *above, *under;
  uint32_t *code[2];
  size_t n[2];
  /* answers of recent queries: every goal in (below, sum] has the same
   * answer, the pair (a, b) (pl__mitm_at_least) */
  struct {
    double below, sum;
    size_t a, b;
  } seen[MITM_SEEN];
  int n_seen, next_seen;
};

/* The unsigned key whose order is the order of the doubles (finite sums;
 * -0 and +0 alike, as they compare equal). */
static uint64_t sum_key(double x) {
  x += 0.0; /* -0 becomes +0 */
  uint64_t u;
  memcpy(&u, &x, sizeof u);
  return u ^ (((uint64_t)0 - (u >> 63)) | ((uint64_t)1 << 63));
}

/* Sorts h[0..n), listed in code order, by sum, then code: a least
 * significant digit first radix sort of the sums' keys, a byte a pass,
 * stable, so equal sums keep their code order (Knuth, TAOCP vol. 3,
 * 5.2.5). The byte counts of all eight passes come from one reading, and
 * a pass whose byte is the same for every sum (the exponent's, mostly) is
 * skipped. Branch free, where a comparison sort mispredicts one branch in
 * two. Returns the sorted array: h or tmp. */
static half_sum *sort_half(half_sum *h, half_sum *tmp, size_t n) {
  size_t count[8][256] = {{0}};
  for (size_t k = 0; k < n; k++) {
    uint64_t key = sum_key(h[k].sum);
    for (int d = 0; d < 8; d++) count[d][(key >> (8 * d)) & 255]++;
  }
  for (int d = 0; d < 8; d++) {
    size_t *c = count[d];
    if (c[(sum_key(h[0].sum) >> (8 * d)) & 255] == n) continue;
    for (size_t v = 0, at = 0; v < 256; v++) {
      size_t here = c[v];
      c[v] = at;
      at += here;
    }
    for (size_t k = 0; k < n; k++)
      tmp[c[(sum_key(h[k].sum) >> (8 * d)) & 255]++] = h[k];
    half_sum *t = h;
    h = tmp;
    tmp = t;
  }
  return h;
}

void pl__mitm_free(pl__mitm *m) {
  if (!m) return;
  pl__free(m->side);
  pl__free(m->block[0]);
  pl__free(m->block[1]);
  pl__free(m->above);
  pl__free(m);
}

/* Every sum of one half in code order (mixed radix over the half's
 * issues, the last fastest): the half's issues taken in order, each
 * spreading every sum so far over its options as a new fastest digit, so
 * each sum adds its issues' contributions in issue order, as an
 * outcome's utility does, without a division per digit. */
static void list_half(const pl__mitm *m, int side, half_sum *h) {
  const pl_scenario *s = m->s;
  const size_t np = (size_t)s->n_parties, p = (size_t)m->party;
  size_t len = 1;
  h[0].sum = 0;
  for (int i = 0; i < m->ni; i++) {
    if (m->side[i] != side) continue;
    const size_t n = s->issues[i].n;
    const double *t = s->table[i];
    for (size_t j = len; j-- > 0;) { /* from the back: j * n + o >= j */
      const double base = h[j].sum;
      for (size_t o = n; o-- > 0;) h[j * n + o].sum = base + t[o * np + p];
    }
    len *= n;
  }
  for (size_t k = 0; k < len; k++) h[k].code = k;
}

int pl__mitm_new(const pl_scenario *s, int party, size_t max_half,
                 pl__mitm **out) {
  *out = NULL;
  if (s->parties[party].hyper) return PL_EUNSUPPORTED;
  const int ni = s->n_issues;
  if (ni > 128) return PL_ETOOBIG; /* 64 issues a half at most */
  pl__mitm *m = pl__calloc(1, sizeof *m);
  if (!m) return PL_ENOMEM;
  m->s = s;
  m->party = party;
  m->ni = ni;
  m->side = pl__calloc((size_t)ni + 1, sizeof *m->side);
  if (!m->side) {
    pl__mitm_free(m);
    return PL_ENOMEM;
  }
  /* balance the halves by size: largest issues first, each to the half
   * listing fewer sums so far */
  double logn[2] = {0, 0};
  int count[2] = {0, 0};
  bool *placed = pl__calloc((size_t)ni + 1, sizeof *placed);
  if (!placed) {
    pl__mitm_free(m);
    return PL_ENOMEM;
  }
  for (int step = 0; step < ni; step++) {
    int big = -1;
    for (int i = 0; i < ni; i++)
      if (!placed[i] && (big < 0 || s->issues[i].n > s->issues[big].n)) big = i;
    placed[big] = true;
    int side = logn[0] <= logn[1] ? 0 : 1;
    if (count[side] == 64) side = 1 - side;
    m->side[big] = side;
    count[side]++;
    logn[side] += log((double)s->issues[big].n);
  }
  pl__free(placed);
  int rc = PL_OK;
  if (max_half > UINT32_MAX) max_half = UINT32_MAX; /* codes are 32 bits */
  for (int side = 0; side < 2 && !rc; side++) {
    uint64_t n = 1;
    for (int i = 0; i < ni && n <= max_half; i++)
      if (m->side[i] == side) n *= s->issues[i].n;
    if (n > max_half) rc = PL_ETOOBIG;
    m->n[side] = (size_t)n;
  }
  /* per half: listed, sorted, then kept as sums and codes (12 bytes a sum
   * where the sort needs 32), the sort's arrays freed for the next half */
  for (int side = 0; side < 2 && !rc; side++) {
    const size_t n = m->n[side];
    half_sum *h = pl__malloc((n + 1) * sizeof *h);
    half_sum *tmp = pl__malloc((n + 1) * sizeof *tmp);
    const size_t bytes = (n + 2) * sizeof(double) + n * sizeof(uint32_t);
    m->block[side] = h && tmp ? pl__malloc(bytes) : NULL;
    if (m->block[side]) {
      /* all three are written whole (pl__prefault) */
      pl__prefault(h, n * sizeof *h);
      pl__prefault(tmp, n * sizeof *tmp);
      pl__prefault(m->block[side], bytes);
      list_half(m, side, h);
      const half_sum *done = sort_half(h, tmp, n);
      m->sum[side] = m->block[side] + 1;
      m->sum[side][-1] = NAN;
      m->sum[side][n] = INFINITY;
      m->code[side] = (uint32_t *)(m->sum[side] + n + 1);
      for (size_t k = 0; k < n; k++) {
        m->sum[side][k] = done[k].sum;
        m->code[side][k] = (uint32_t)done[k].code;
      }
    } else {
      rc = PL_ENOMEM;
    }
    pl__free(h);
    pl__free(tmp);
  }
  if (!rc && !(m->above = pl__malloc(2 * (m->n[0] + 1) * sizeof *m->above)))
    rc = PL_ENOMEM;
  if (!rc) {
    m->under = m->above + m->n[0] + 1;
    pl__prefault(m->above, 2 * (m->n[0] + 1) * sizeof *m->above);
  }
  if (rc) {
    pl__mitm_free(m);
    return rc;
  }
  *out = m;
  return PL_OK;
}

static void decode_half(const pl__mitm *m, int side, uint64_t code,
                        uint32_t *options) {
  for (int i = m->ni - 1; i >= 0; i--)
    if (m->side[i] == side) {
      options[i] = (uint32_t)(code % m->s->issues[i].n);
      code /= m->s->issues[i].n;
    }
}

/* The first i in [l, h) of the ascending X with X[i] + c >= goal (h when
 * none): the first b of a half that reaches the goal with a sum c of the
 * other. */
static size_t first_reaching(const double *X, size_t l, size_t h, double c,
                             double goal) {
  while (l < h) {
    size_t mid = l + (h - l) / 2;
    if (X[mid] + c < goal) l = mid + 1;
    else h = mid;
  }
  return l;
}

/* One step of a sweep: lo down past a b with a + b >= goal, or, when
 * there is none left, a's candidates noted (the least sum at or above
 * the goal, the largest below: the infinity after the second half and
 * the NaN before it stand for none) and on to the next a. No branch:
 * which step it is cannot be predicted. */
#define SWEEP_STEP(k, lo)                                                     \
  do {                                                                        \
    const double a_ = A[k], under_ = a_ + B[(lo) - 1];                        \
    const size_t down_ = under_ >= goal;                                      \
    above[k] = a_ + B[lo];                                                    \
    under[k] = under_;                                                        \
    (lo) -= down_;                                                            \
    (k) += 1 - down_;                                                         \
  } while (0)

/* The staircase of a in [k0, e): each a's candidates in above[] and
 * under[] (a b step writes them too; the a's own step, its last, writes
 * them last). The staircase is cut in four parts of equal length, walked
 * side by side: a step waits for its loads, so four independent walks
 * keep the processor busy where one would stall (one walk with a branch
 * per step was twice as slow, mispredicting the step's kind at nearly
 * every a). Where a part begins comes from a binary search along the
 * diagonal of its position, as in the merge path of Odeh, Green, Mwassi,
 * Shmueli & Birk, "Merge Path - Parallel Merging Made Simple" (IPDPS
 * workshops 2012): after t steps, i of them a steps, the walk is at a
 * number k0 + i with lo = lo0 - (t - i); the b step that takes lo below
 * lo0 - j comes before the a step past a number k0 + i exactly when
 * A[k0 + i] + B[lo0 - j - 1] >= goal, the walk's own test. */
static void sweep(const pl__mitm *m, double goal, size_t k0, size_t e) {
  const double *restrict A = m->sum[0], *restrict B = m->sum[1];
  double *restrict above = m->above, *restrict under = m->under;
  if (k0 >= e) return;
  const size_t n1 = m->n[1], lo0 = first_reaching(B, 0, n1, A[k0], goal);
  const size_t na = e - k0,
               nb = lo0 - first_reaching(B, 0, n1, A[e - 1], goal);
  size_t k[5], lo[5];
  for (int part = 0; part <= 4; part++) {
    const size_t t = (na + nb) * (size_t)part / 4;
    size_t i = t > nb ? t - nb : 0, hi = t < na ? t : na;
    while (i < hi) {
      const size_t mid = i + (hi - i) / 2;
      if (A[k0 + mid] + B[lo0 - (t - mid - 1) - 1] >= goal) hi = mid;
      else i = mid + 1;
    }
    k[part] = k0 + i;
    lo[part] = lo0 - (t - i);
  }
  size_t k1 = k[0], k2 = k[1], k3 = k[2], k4 = k[3];
  size_t l1 = lo[0], l2 = lo[1], l3 = lo[2], l4 = lo[3];
  const size_t e1 = k[1], e2 = k[2], e3 = k[3], e4 = e;
  while (k1 < e1 && k2 < e2 && k3 < e3 && k4 < e4) {
    SWEEP_STEP(k1, l1);
    SWEEP_STEP(k2, l2);
    SWEEP_STEP(k3, l3);
    SWEEP_STEP(k4, l4);
  }
  while (k1 < e1) SWEEP_STEP(k1, l1);
  while (k2 < e2) SWEEP_STEP(k2, l2);
  while (k3 < e3) SWEEP_STEP(k3, l3);
  while (k4 < e4) SWEEP_STEP(k4, l4);
}

/* The least good outcome at or above target. An agent asks for a target
 * a little lower each turn, and most turns the answer is the same: so
 * the search also finds the largest sum below the goal, and while a later
 * goal stays in (that sum, the answer's sum] it has the same set of
 * outcomes at or above it, hence the same answer, which comes from the
 * last MITM_SEEN queries' answers without a search. */
int pl__mitm_at_least(pl__mitm *m, double target, uint32_t *options,
                      double *utility) {
  const double goal = target - PL_TOLERANCE;
  const double *A = m->sum[0], *B = m->sum[1];
  double best = INFINITY, below = -INFINITY;
  size_t ba = 0, bb = 0;
  bool found = false;
  for (int j = 0; j < m->n_seen; j++)
    if (m->seen[j].below < goal && goal <= m->seen[j].sum) {
      ba = m->seen[j].a;
      bb = m->seen[j].b;
      found = true;
      break;
    }
  /* Both halves ascend, so as a grows the first b with a + b >= goal
   * moves down (floating-point addition is monotone in each term): the
   * pairs at the edge of the goal form a staircase, walked in one sweep
   * of both lists, not a search per a. Only the a that can matter are
   * swept: from the first that reaches the goal with the largest b (the
   * sums of those before are all below it, the largest that a's with the
   * largest b) to the first that reaches it with the smallest (the sums
   * of those after are all larger). Among equal sums the first half's
   * smallest code wins, then the first b in order: the outcome a scan of
   * the first half in code order would keep. A demanding agent's goals
   * are near the top, where few a remain. */
  const size_t n0 = m->n[0], n1 = m->n[1];
  if (!found && n0 && n1) {
    const size_t k0 = first_reaching(A, 0, n0, B[n1 - 1], goal);
    if (k0 > 0) below = A[k0 - 1] + B[n1 - 1];
    /* the first a reaching the goal with B[0] is the last that matters */
    size_t e = first_reaching(A, k0, n0, B[0], goal);
    if (e < n0) e++;
    sweep(m, goal, k0, e);
    for (size_t k = k0; k < e; k++) {
      const double c = m->above[k];
      if (c < best || (c == best && m->code[0][k] < m->code[0][ba])) {
        best = c;
        ba = k;
      }
      if (m->under[k] > below) below = m->under[k]; /* NaN: none */
    }
    /* later a whose sums with B[0] round to the best: a smaller code wins */
    for (size_t k = e; k < n0 && A[k] + B[0] <= best; k++)
      if (A[k] + B[0] < best || m->code[0][k] < m->code[0][ba]) {
        best = A[k] + B[0];
        ba = k;
      }
    if (best < INFINITY) bb = first_reaching(B, 0, n1, A[ba], goal);
  }
  if (!found) {
    if (best == INFINITY) return PL_ENOTFOUND;
    if (below < goal) {
      m->seen[m->next_seen].below = below;
      m->seen[m->next_seen].sum = best;
      m->seen[m->next_seen].a = ba;
      m->seen[m->next_seen].b = bb;
      m->next_seen = (m->next_seen + 1) % MITM_SEEN;
      if (m->n_seen < MITM_SEEN) m->n_seen++;
    }
  }
  decode_half(m, 0, m->code[0][ba], options);
  decode_half(m, 1, m->code[1][bb], options);
  if (utility) *utility = pl_scenario_utility(m->s, m->party, options);
  return PL_OK;
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
  size_t bytes, max_bytes; /* held by the heap and the blocks; the cap */
  bool full;               /* the cap was reached: the walk is over */
};

/* The memory an iterator may hold (docs/negotiation.md): past it,
 * pl_offer_iter_next answers PL_ETOOBIG. */
#define ITER_MAX_BYTES ((size_t)64 << 20)

void pl__offer_iter_set_cap(pl_offer_iter *it, size_t bytes) {
  it->max_bytes = bytes;
}

/* Whether `more` bytes fit under the cap; counts them when they do. */
static bool take(pl_offer_iter *it, size_t more) {
  if (it->bytes + more > it->max_bytes) {
    it->full = true;
    return false;
  }
  it->bytes += more;
  return true;
}

static bool before(const entry *a, const entry *b) {
  return a->sum > b->sum || (a->sum == b->sum && a->seq < b->seq);
}

static uint32_t *new_ranks(pl_offer_iter *it) {
  const size_t ni = (size_t)it->so.ni, per = 4096;
  if (!it->nblocks || it->block_used + ni > per * ni) {
    if (!take(it, per * ni * sizeof(uint32_t))) return NULL;
    if (it->nblocks == it->block_cap) {
      size_t cap = it->block_cap ? it->block_cap * 2 : 16;
      if (!take(it, (cap - it->block_cap) * sizeof *it->blocks)) return NULL;
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
    if (!take(it, (cap - it->cap) * sizeof *it->heap)) return PL_ETOOBIG;
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
  it->max_bytes = ITER_MAX_BYTES;
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
  if (it->full) return PL_ETOOBIG;
  if (!it->n) return PL_ENOTFOUND;
  entry e = pop(it);
  const int ni = it->so.ni;
  /* children: one more rank at the last non-zero position or after it */
  for (int i = e.last; i < ni; i++) {
    if (e.rank[i] + 1 >= it->s->issues[i].n) continue;
    uint32_t *r = new_ranks(it);
    if (!r) return it->full ? PL_ETOOBIG : PL_ENOMEM;
    memcpy(r, e.rank, (size_t)ni * sizeof *r);
    r[i]++;
    double sum = e.sum - it->so.val[i][e.rank[i]] + it->so.val[i][r[i]];
    int rc = push(it, (entry){sum, 0, r, i});
    if (rc) return rc;
  }
  for (int i = 0; i < ni; i++) options[i] = it->so.order[i][e.rank[i]];
  if (utility) *utility = pl_scenario_utility(it->s, it->so.p, options);
  return PL_OK;
}
