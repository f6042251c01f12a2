/* The search over orders (docs/sequencing.md).
 *
 * An order's prefixes are order ideals of the precedence relation: sets of
 * units closed under "must be done first". Every score parley gives an
 * order is a sum of costs decided when a unit is placed (a demand is broken
 * or not by the set done before it) and a minimum over the prefixes of a
 * figure of the set alone (the slack), so the best order is a shortest /
 * widest path in the lattice of ideals, from the empty set to the full
 * one: a dynamic programme over ideals, exact, in time O(ideals x units).
 * The ideals are enumerated first, in increasing order (their number
 * decides whether the tables are indexed by the set itself, "dense", or by
 * the ideal's place in the sorted list, "sparse"), then every pass walks
 * them backwards, supersets first. */
#include "sequence/ideals.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sequence/conflicts.h"

/* Costs add up in uint64_t: every soft weight of a plan together stays
 * below one hard demand (so a hard break always costs more), and every
 * demand broken at once fits. The reader enforces the limits. */
_Static_assert((uint64_t)PL__PLAN_MAX_DEMANDS * PL__PLAN_MAX_WEIGHT <
                   PL__HARD_COST,
               "the soft weights of a plan can outweigh a hard demand");
_Static_assert((uint64_t)PL__PLAN_MAX_DEMANDS * PL__HARD_COST <
                   (uint64_t)1 << 63,
               "the cost of a plan can overflow");

/* ------------------------------------------------------------------ */
/* units                                                               */
/* ------------------------------------------------------------------ */

static void set_bit(uint64_t *row, int k) { pl__setbit(row, (size_t)k); }

int pl__units_build(const pl_plan *p, const int *tranches, bool hard_as_edges,
                    const double *bound, pl__units *u) {
  memset(u, 0, sizeof *u);
  int ns = p->ns, np = p->np, rc = PL_ENOMEM;
  int n = 0;
  for (int s = 0; s < ns; s++) n += tranches ? tranches[s] : 1;
  u->n = n;
  u->np = np;
  u->nw = (int)pl__words((size_t)n);
  memcpy(u->bound, bound, (size_t)np * sizeof *bound);
  pl__graph g = {0};
  int *order = pl__malloc((size_t)ns * sizeof *order);
  int *indeg = pl__calloc((size_t)ns, sizeof *indeg);
  int *first = pl__malloc((size_t)ns * sizeof *first);
  int *last = pl__malloc((size_t)ns * sizeof *last);
  int *count = NULL;
  size_t nw = (size_t)u->nw;
  u->step = pl__malloc((size_t)n * sizeof *u->step);
  u->pred = pl__calloc((size_t)n * nw, sizeof *u->pred);
  u->succ = pl__calloc((size_t)n * nw, sizeof *u->succ);
  u->gain = pl__malloc((size_t)n * (size_t)np * sizeof *u->gain);
  u->cstart = pl__calloc((size_t)n + 1, sizeof *u->cstart);
  if (!order || !indeg || !first || !last || !u->step || !u->pred ||
      !u->succ || !u->gain || !u->cstart || pl__graph_init(&g, ns))
    goto done;
  pl__graph_add_prereqs(&g, p);
  if (hard_as_edges)
    for (int d = 0; d < p->nd; d++)
      if (p->demands[d].hard) pl__graph_add_demand(&g, p, d);
  /* steps in a topological order, plan order among the ready ones */
  for (int a = 0; a < ns; a++)
    for (int b = 0; b < ns; b++)
      indeg[b] += pl__bit(g.adj + (size_t)a * (size_t)g.nw, (size_t)b);
  int placed = 0;
  while (placed < ns) {
    int s = 0;
    while (s < ns && indeg[s] != 0) s++;
    if (s == ns) {
      rc = PL_EINVAL; /* a cycle: the caller promised none */
      goto done;
    }
    indeg[s] = -1;
    order[placed++] = s;
    for (int b = 0; b < ns; b++)
      indeg[b] -= pl__bit(g.adj + (size_t)s * (size_t)g.nw, (size_t)b);
  }
  int x = 0;
  for (int k = 0; k < ns; k++) {
    int s = order[k], t = tranches ? tranches[s] : 1;
    first[s] = x;
    for (int j = 0; j < t; j++, x++) {
      u->step[x] = s;
      for (int q = 0; q < np; q++)
        u->gain[(size_t)x * (size_t)np + (size_t)q] =
            p->gain[(size_t)s * (size_t)np + (size_t)q] / t;
      if (j) set_bit(u->pred + (size_t)x * nw, x - 1);
    }
    last[s] = x - 1;
  }
  for (int a = 0; a < ns; a++)
    for (int b = 0; b < ns; b++)
      if (pl__bit(g.adj + (size_t)a * (size_t)g.nw, (size_t)b))
        set_bit(u->pred + (size_t)first[b] * nw, last[a]);
  for (int y = 0; y < n; y++)
    for (int z = 0; z < n; z++)
      if (pl__bit(u->pred + (size_t)y * nw, (size_t)z))
        set_bit(u->succ + (size_t)z * nw, y);
  /* checks: the demands that are not precedences */
  if (!(count = pl__calloc((size_t)n + 1, sizeof *count))) goto done;
  for (int d = 0; d < p->nd; d++) {
    const pl__plan_demand *m = &p->demands[d];
    if (m->hard && hard_as_edges) continue;
    bool at_first = m->kind == PL_DEMAND_AFTER || m->kind == PL_DEMAND_LAST;
    count[at_first ? first[m->step] : last[m->step]]++;
    u->nchk++;
  }
  u->chk = pl__calloc((size_t)u->nchk + 1, sizeof *u->chk);
  u->creq = pl__calloc(((size_t)u->nchk + 1) * nw, sizeof *u->creq);
  u->cforb = pl__calloc(((size_t)u->nchk + 1) * nw, sizeof *u->cforb);
  if (!u->chk || !u->creq || !u->cforb) goto done;
  for (int y = 0; y < n; y++) u->cstart[y + 1] = u->cstart[y] + count[y];
  memset(count, 0, (size_t)n * sizeof *count);
  for (int d = 0; d < p->nd; d++) {
    const pl__plan_demand *m = &p->demands[d];
    if (m->hard && hard_as_edges) continue;
    bool at_first = m->kind == PL_DEMAND_AFTER || m->kind == PL_DEMAND_LAST;
    int y = at_first ? first[m->step] : last[m->step];
    int c = u->cstart[y] + count[y]++;
    u->chk[c] = (pl__check){d, m->hard, m->hard ? 0 : m->weight};
    uint64_t *req = u->creq + (size_t)c * nw, *forb = u->cforb + (size_t)c * nw;
    switch (m->kind) {
    case PL_DEMAND_AFTER: /* every other one complete: its last tranche */
      for (size_t k = 0; k < m->n_others; k++) set_bit(req, last[m->others[k]]);
      break;
    case PL_DEMAND_BEFORE: /* none of the others started */
      for (size_t k = 0; k < m->n_others; k++) set_bit(forb, first[m->others[k]]);
      break;
    case PL_DEMAND_FIRST:
      for (int s = 0; s < ns; s++)
        if (s != m->step) set_bit(forb, first[s]);
      break;
    case PL_DEMAND_LAST:
      for (int s = 0; s < ns; s++)
        if (s != m->step) set_bit(req, last[s]);
      break;
    }
  }
  rc = PL_OK;
done:
  pl__graph_free(&g);
  pl__free(order);
  pl__free(indeg);
  pl__free(first);
  pl__free(last);
  pl__free(count);
  if (rc) pl__units_free(u);
  return rc;
}

void pl__units_free(pl__units *u) {
  pl__free(u->step);
  pl__free(u->pred);
  pl__free(u->succ);
  pl__free(u->gain);
  pl__free(u->cstart);
  pl__free(u->chk);
  pl__free(u->creq);
  pl__free(u->cforb);
  memset(u, 0, sizeof *u);
}

uint64_t pl__units_cost(const pl__units *u, int x, const uint64_t *done,
                        bool soft) {
  uint64_t cost = 0;
  size_t nw = (size_t)u->nw;
  for (int c = u->cstart[x]; c < u->cstart[x + 1]; c++) {
    if (!u->chk[c].hard && !soft) continue;
    const uint64_t *req = u->creq + (size_t)c * nw;
    const uint64_t *forb = u->cforb + (size_t)c * nw;
    bool broken = false;
    for (size_t w = 0; w < nw && !broken; w++)
      broken = (req[w] & ~done[w]) || (forb[w] & done[w]);
    if (broken)
      cost += u->chk[c].hard ? PL__HARD_COST : (uint64_t)u->chk[c].weight;
  }
  return cost;
}

/* The same for sets of one word (the exact search). */
static inline uint64_t cost1(const pl__units *u, int x, uint64_t done,
                             bool soft) {
  uint64_t cost = 0;
  for (int c = u->cstart[x]; c < u->cstart[x + 1]; c++) {
    if (!u->chk[c].hard && !soft) continue;
    if ((u->creq[c] & ~done) || (u->cforb[c] & done))
      cost += u->chk[c].hard ? PL__HARD_COST : (uint64_t)u->chk[c].weight;
  }
  return cost;
}

/* ------------------------------------------------------------------ */
/* the ideals                                                          */
/* ------------------------------------------------------------------ */

/* Units are numbered topologically, so deciding them from the last down,
 * "left out" before "in", lists the ideals in increasing order: a unit may
 * be left out only when none of its successors is in. */
typedef struct walk {
  const uint64_t *succ;
  uint64_t cap, count;
  uint64_t *bits, *mask; /* either, or neither (counting) */
} walk;

static void walk_ideals(walk *w, int x, uint64_t set) {
  if (w->count > w->cap) return;
  if (x < 0) {
    if (w->count < w->cap) {
      if (w->bits) w->bits[set >> 6] |= (uint64_t)1 << (set & 63);
      if (w->mask) w->mask[w->count] = set;
    }
    w->count++;
    return;
  }
  if (!(w->succ[x] & set)) walk_ideals(w, x - 1, set);
  walk_ideals(w, x - 1, set | (uint64_t)1 << x);
}

uint64_t pl__space_index(const pl__space *sp, uint64_t set) {
  if (sp->dense) return set;
  uint64_t lo = 0, hi = sp->count; /* the ideals are sorted */
  while (lo < hi) {
    uint64_t mid = lo + (hi - lo) / 2;
    if (sp->mask[mid] < set)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo < sp->count && sp->mask[lo] == set ? lo : UINT64_MAX;
}

/* The index of set | x in a backward pass. Walking the ideals downwards,
 * the sets with x added decrease too, so one cursor per unit only ever
 * moves down the sorted list: every look-up is amortised O(1) and the
 * cursors stream through memory (a hash table here cost ~100 ns a
 * look-up, in cache misses). */
static inline uint64_t next_index(pl__space *sp, int x, uint64_t set) {
  if (sp->dense) return set;
  uint64_t j = sp->cursor[x];
  while (sp->mask[j] > set) j--;
  sp->cursor[x] = j;
  return j;
}

static void reset_cursors(pl__space *sp) {
  for (int x = 0; x < sp->u->n; x++) sp->cursor[x] = sp->count - 1;
}

#define DENSE_MAX_UNITS 26

int pl__space_build(const pl__units *u, uint64_t max_states, uint64_t memory,
                    int layout, pl__space *sp) {
  memset(sp, 0, sizeof *sp);
  sp->u = u;
  int n = u->n, np = u->np;
  if (n > 64 || n < 1) return PL_ETOOBIG;
  if (max_states > UINT32_MAX - 1) max_states = UINT32_MAX - 1;
  sp->full = n == 64 ? ~(uint64_t)0 : ((uint64_t)1 << n) - 1;
  walk w = {.succ = u->succ, .cap = max_states};
  walk_ideals(&w, n - 1, 0);
  if (w.count > max_states) return PL_ETOOBIG;
  sp->count = w.count;
  sp->nchunk = (n + 7) / 8;
  uint64_t tab_bytes = (uint64_t)sp->nchunk * (uint64_t)np * 256 * sizeof(double);
  uint64_t dense_bytes = UINT64_MAX, sparse_bytes;
  if (n <= DENSE_MAX_UNITS)
    dense_bytes = ((uint64_t)1 << n) * (2 * sizeof(pl__cell)) +
                  ((uint64_t)1 << n) / 8 + 8;
  sparse_bytes = sp->count * (sizeof(uint64_t) + 2 * sizeof(pl__cell));
  bool dense_fits = dense_bytes != UINT64_MAX &&
                    dense_bytes + tab_bytes <= memory && layout != 2;
  bool sparse_fits = sparse_bytes + tab_bytes <= memory && layout != 1;
  /* dense is the faster layout (no cursors), worth up to twice the memory */
  if (dense_fits && (dense_bytes <= 2 * sparse_bytes || !sparse_fits))
    sp->dense = true;
  else if (!sparse_fits)
    return PL_ETOOBIG;
  sp->bytes = (sp->dense ? dense_bytes : sparse_bytes) + tab_bytes;
  if (!(sp->tab = pl__malloc((size_t)tab_bytes))) goto nomem;
  for (int c = 0; c < sp->nchunk; c++)
    for (int q = 0; q < np; q++) {
      double *t = sp->tab + ((size_t)c * (size_t)np + (size_t)q) * 256;
      t[0] = 0;
      for (int v = 1; v < 256; v++) {
        int b = __builtin_ctz((unsigned)v), x = 8 * c + b;
        t[v] = t[v & (v - 1)] +
               (x < n ? u->gain[(size_t)x * (size_t)np + (size_t)q] : 0);
      }
    }
  w.count = 0;
  if (sp->dense) {
    size_t entries = (size_t)1 << n;
    sp->bits = pl__calloc(entries / 64 + 1, sizeof *sp->bits);
    sp->a = pl__malloc(entries * sizeof *sp->a);
    sp->b = pl__malloc(entries * sizeof *sp->b);
    if (!sp->bits || !sp->a || !sp->b) goto nomem;
    w.bits = sp->bits;
  } else {
    sp->mask = pl__malloc((size_t)sp->count * sizeof *sp->mask);
    sp->a = pl__malloc((size_t)sp->count * sizeof *sp->a);
    sp->b = pl__malloc((size_t)sp->count * sizeof *sp->b);
    if (!sp->mask || !sp->a || !sp->b) goto nomem;
    w.mask = sp->mask;
  }
  walk_ideals(&w, n - 1, 0);
  return PL_OK;
nomem:
  pl__space_free(sp);
  return PL_ENOMEM;
}

void pl__space_free(pl__space *sp) {
  pl__free(sp->bits);
  pl__free(sp->mask);
  pl__free(sp->a);
  pl__free(sp->b);
  pl__free(sp->tab);
  memset(sp, 0, sizeof *sp);
}

/* The bottleneck figure of a set and whether it is allowed. */
static inline bool eval(const pl__space *sp, const pl__objective *o,
                        uint64_t set, double *f) {
  const pl__units *u = sp->u;
  size_t np = (size_t)u->np;
  double best = INFINITY;
  for (uint64_t q = o->bott | o->guard; q; q &= q - 1) {
    int p = __builtin_ctzll(q);
    double g = 0;
    for (int c = 0; c < sp->nchunk; c++)
      g += sp->tab[((size_t)c * np + (size_t)p) * 256 + ((set >> (8 * c)) & 255)];
    double slack = u->bound[p] - g;
    if (((o->guard >> p) & 1) && slack < -o->tol) return false;
    if (((o->bott >> p) & 1) && slack < best) best = slack;
  }
  *f = best;
  return best >= o->floor;
}

/* Walks the ideals backwards: k runs over table entries, set is the ideal. */
#define FOR_IDEALS_BACKWARDS(sp, k, set)                                     \
  for (uint64_t k = (sp)->dense ? (sp)->full + 1 : (sp)->count; k-- > 0;)    \
    if ((sp)->dense ? ((sp)->bits[k >> 6] >> (k & 63)) & 1 : 1)              \
      for (uint64_t set = (sp)->dense ? k : (sp)->mask[k], once_ = 1; once_; \
           once_ = 0)

void pl__space_value(pl__space *sp, const pl__objective *o) {
  const pl__units *u = sp->u;
  reset_cursors(sp);
  FOR_IDEALS_BACKWARDS(sp, k, set) {
    double f;
    if (!eval(sp, o, set, &f)) {
      sp->a[k].u = PL__UNREACHED;
      sp->b[k].d = -INFINITY;
      continue;
    }
    if (set == sp->full) {
      sp->a[k].u = 0;
      sp->b[k].d = f;
      continue;
    }
    uint64_t best = PL__UNREACHED;
    double wide = -INFINITY;
    for (uint64_t free = ~set & sp->full; free; free &= free - 1) {
      int x = __builtin_ctzll(free);
      if (u->pred[x] & ~set) continue;
      uint64_t j = next_index(sp, x, set | (uint64_t)1 << x);
      uint64_t rest = sp->a[j].u;
      if (rest == PL__UNREACHED) continue;
      uint64_t c = rest + cost1(u, x, set, o->soft);
      double b = sp->b[j].d;
      if (c < best || (c == best && b > wide)) {
        best = c;
        wide = b;
      }
    }
    sp->a[k].u = best;
    sp->b[k].d = best == PL__UNREACHED ? -INFINITY : (f < wide ? f : wide);
  }
}

#define COUNT_CAP ((uint64_t)1 << 63)

void pl__space_count(pl__space *sp, const pl__objective *o) {
  const pl__units *u = sp->u;
  reset_cursors(sp);
  FOR_IDEALS_BACKWARDS(sp, k, set) {
    double f;
    if (!eval(sp, o, set, &f)) {
      sp->a[k].u = PL__UNREACHED;
      sp->b[k].u = 0;
      continue;
    }
    if (set == sp->full) {
      sp->a[k].u = 0;
      sp->b[k].u = 1;
      continue;
    }
    uint64_t best = PL__UNREACHED, ways = 0;
    for (uint64_t free = ~set & sp->full; free; free &= free - 1) {
      int x = __builtin_ctzll(free);
      if (u->pred[x] & ~set) continue;
      uint64_t j = next_index(sp, x, set | (uint64_t)1 << x);
      uint64_t rest = sp->a[j].u;
      if (rest == PL__UNREACHED) continue;
      uint64_t c = rest + cost1(u, x, set, o->soft);
      if (c < best) {
        best = c;
        ways = sp->b[j].u;
      } else if (c == best) {
        ways = ways > COUNT_CAP - sp->b[j].u ? COUNT_CAP : ways + sp->b[j].u;
      }
    }
    sp->a[k].u = best;
    sp->b[k].u = ways;
  }
}

bool pl__space_path(const pl__space *sp, const pl__objective *o, int *out) {
  const pl__units *u = sp->u;
  int n = u->n;
  uint64_t set = 0, k = pl__space_index(sp, 0);
  if (sp->a[k].u == PL__UNREACHED) return false;
  double target = sp->b[k].d;
  for (int pos = 0; pos < n; pos++) {
    int pick = -1;
    uint64_t pick_j = 0;
    for (int x = 0; x < n; x++) {
      if (((set >> x) & 1) || (u->pred[x] & ~set)) continue;
      if (pick >= 0 && u->step[x] > u->step[pick]) continue;
      uint64_t j = pl__space_index(sp, set | (uint64_t)1 << x);
      uint64_t rest = sp->a[j].u;
      if (rest == PL__UNREACHED || sp->b[j].d < target ||
          rest + cost1(u, x, set, o->soft) != sp->a[k].u)
        continue;
      pick = x;
      pick_j = j;
    }
    if (pick < 0) return false; /* cannot happen after a value pass */
    out[pos] = pick;
    set |= (uint64_t)1 << pick;
    k = pick_j;
  }
  return true;
}

/* ------------------------------------------------------------------ */
/* beam search                                                         */
/* ------------------------------------------------------------------ */

typedef struct cand {
  uint64_t hash, cost;
  double bott;
  int parent, unit, step;
} cand;

static int by_hash(const void *a, const void *b) {
  const cand *x = a, *y = b;
  if (x->hash != y->hash) return x->hash < y->hash ? -1 : 1;
  if (x->cost != y->cost) return x->cost < y->cost ? -1 : 1;
  if (x->bott != y->bott) return x->bott > y->bott ? -1 : 1;
  if (x->parent != y->parent) return x->parent < y->parent ? -1 : 1;
  return (x->step > y->step) - (x->step < y->step);
}

static int by_rank(const void *a, const void *b) {
  const cand *x = a, *y = b;
  if (x->cost != y->cost) return x->cost < y->cost ? -1 : 1;
  if (x->bott != y->bott) return x->bott > y->bott ? -1 : 1;
  if (x->parent != y->parent) return x->parent < y->parent ? -1 : 1;
  return (x->step > y->step) - (x->step < y->step);
}

/* The slack figures of a gain vector: false when a guarded party is
 * exposed or the bottleneck is below the floor. */
static bool eval_gains(const pl__units *u, const pl__objective *o,
                       const double *g, double *f) {
  double best = INFINITY;
  for (int p = 0; p < u->np; p++) {
    double slack = u->bound[p] - g[p];
    if (((o->guard >> p) & 1) && slack < -o->tol) return false;
    if (((o->bott >> p) & 1) && slack < best) best = slack;
  }
  *f = best;
  return best >= o->floor;
}

int pl__beam(const pl__units *u, const pl__objective *o, unsigned width,
             int *out, uint64_t *cost, double *bott) {
  int n = u->n, np = u->np;
  size_t nw = (size_t)u->nw, W = width ? width : 1;
  int rc = PL_ENOMEM;
  uint64_t *zob = pl__malloc((size_t)n * sizeof *zob);
  uint64_t *sets = pl__calloc(W * nw, sizeof *sets);
  uint64_t *nsets = pl__calloc(W * nw, sizeof *nsets);
  double *gains = pl__calloc(W * (size_t)np + 1, sizeof *gains);
  double *ngains = pl__calloc(W * (size_t)np + 1, sizeof *ngains);
  double *g = pl__malloc(((size_t)np + 1) * sizeof *g);
  cand *cur = pl__calloc(W, sizeof *cur);
  cand *cands = pl__malloc(W * (size_t)n * sizeof *cands);
  int *hist_parent = pl__malloc((size_t)n * W * sizeof *hist_parent);
  int *hist_unit = pl__malloc((size_t)n * W * sizeof *hist_unit);
  if (!zob || !sets || !nsets || !gains || !ngains || !g || !cur || !cands ||
      !hist_parent || !hist_unit)
    goto done;
  uint64_t seed = 0x5EC0E4CEull;
  for (int x = 0; x < n; x++) zob[x] = pl__splitmix64(&seed);
  size_t m = 1;
  double f;
  rc = PL_ENOTFOUND;
  if (!eval_gains(u, o, gains, &f)) goto done;
  cur[0] = (cand){0, 0, f, -1, -1, -1};
  for (int layer = 0; layer < n; layer++) {
    size_t nc = 0;
    for (size_t e = 0; e < m; e++) {
      const uint64_t *set = sets + e * nw;
      const double *ge = gains + e * (size_t)np;
      for (int x = 0; x < n; x++) {
        if (pl__bit(set, (size_t)x)) continue;
        const uint64_t *pr = u->pred + (size_t)x * nw;
        bool ready = true;
        for (size_t w = 0; w < nw && ready; w++) ready = !(pr[w] & ~set[w]);
        if (!ready) continue;
        for (int q = 0; q < np; q++)
          g[q] = ge[q] + u->gain[(size_t)x * (size_t)np + (size_t)q];
        if (!eval_gains(u, o, g, &f)) continue;
        cands[nc++] = (cand){cur[e].hash ^ zob[x],
                             cur[e].cost + pl__units_cost(u, x, set, o->soft),
                             f < cur[e].bott ? f : cur[e].bott, (int)e, x,
                             u->step[x]};
      }
    }
    if (!nc) goto done;
    /* one candidate per set (its best), then the best W */
    qsort(cands, nc, sizeof *cands, by_hash);
    size_t uniq = 0;
    for (size_t k = 0; k < nc; k++)
      if (!uniq || cands[k].hash != cands[uniq - 1].hash) cands[uniq++] = cands[k];
    qsort(cands, uniq, sizeof *cands, by_rank);
    size_t next = uniq < W ? uniq : W;
    for (size_t k = 0; k < next; k++) {
      const cand *c = &cands[k];
      memcpy(nsets + k * nw, sets + (size_t)c->parent * nw, nw * sizeof *sets);
      pl__setbit(nsets + k * nw, (size_t)c->unit);
      for (int q = 0; q < np; q++)
        ngains[k * (size_t)np + (size_t)q] =
            gains[(size_t)c->parent * (size_t)np + (size_t)q] +
            u->gain[(size_t)c->unit * (size_t)np + (size_t)q];
      hist_parent[(size_t)layer * W + k] = c->parent;
      hist_unit[(size_t)layer * W + k] = c->unit;
      cur[k] = *c;
    }
    m = next;
    uint64_t *ts = sets;
    sets = nsets;
    nsets = ts;
    double *tg = gains;
    gains = ngains;
    ngains = tg;
  }
  *cost = cur[0].cost;
  *bott = cur[0].bott;
  for (int layer = n - 1, e = 0; layer >= 0; layer--) {
    out[layer] = hist_unit[(size_t)layer * W + (size_t)e];
    e = hist_parent[(size_t)layer * W + (size_t)e];
  }
  rc = PL_OK;
done:
  pl__free(zob);
  pl__free(sets);
  pl__free(nsets);
  pl__free(gains);
  pl__free(ngains);
  pl__free(g);
  pl__free(cur);
  pl__free(cands);
  pl__free(hist_parent);
  pl__free(hist_unit);
  return rc;
}
