/* What would unlock a deadlock: the minimal concession sets
 * (docs/mediation.md).
 *
 * Every rule red line and every variant of it is one constraint bit, and so
 * is every reservation value that can bind. Because each variant allows
 * every package the one before it allows, an outcome that breaks a variant
 * breaks every stronger level too: the bits of one red line that an outcome
 * breaks are always a prefix (red line, variant 1, ..., variant k), and the
 * number of them is the level the red line must be moved to (k + 1:
 * dropped). A set of concessions is then a violation mask, and it opens a
 * zone of agreement exactly when it contains some outcome's mask — the
 * minimal correction sets of the deadlock explanations are the minimal
 * violation masks, the dual of the hitting sets behind the deadlock list
 * (src/analysis/hitting.c; Reiter 1987; Liffiton & Sakallah 2008, "Algorithms
 * for computing minimal unsatisfiable subsets of constraints").
 *
 * Reservation values are continuous: for a mask, the least lowering is the
 * cheapest over the outcomes whose mask it is. A mask is kept when no
 * proper part of it opens a zone at the same or a lower cost, which for
 * masks without reservation bits is inclusion-minimality; with them, a
 * larger set may be kept because it needs less lowering. One enumeration
 * collects, for every distinct mask, the cheapest lowering; a sweep in
 * order of cost keeps the sets no cheaper subset beats. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/analysis_internal.h"
#include "analysis/hitting.h"
#include "analysis/mediation_internal.h"
#include "io/formats.h"

#define DEFAULT_MAX_SETS 10
#define DEFAULT_CANDIDATES 100000

void pl_unlock_options_init(pl_unlock_options *o) {
  memset(o, 0, sizeof *o);
  o->struct_size = sizeof *o;
  o->party = -1;
  o->max_sets = DEFAULT_MAX_SETS;
  o->max_outcomes = (uint64_t)1 << 32;
  o->memory_limit = (uint64_t)16 << 30;
  o->max_candidates = DEFAULT_CANDIDATES;
}

const char *pl_move_kind_name(pl_move_kind k) {
  switch (k) {
  case PL_MOVE_VARIANT: return "variant";
  case PL_MOVE_DROP: return "drop";
  case PL_MOVE_LOWER: return "lower";
  }
  return "?";
}

/* A candidate set: a distinct violation mask and its cheapest lowering. */
typedef struct cand {
  uint64_t mask;
  double rv_cost;   /* cheapest reservation cost over outcomes with it */
  double lowered;   /* the sum of the lowerings there (ties of cost: the
                       least, so that free lowering is still least) */
  double cost;      /* level costs + rv_cost */
  uint64_t index;   /* an outcome achieving rv_cost (enumeration) */
} cand;

typedef struct detail {
  pl_scenario *copy; /* the scenario with the concessions made */
  pl_analysis *a;
} detail;

struct pl_unlock {
  const pl_scenario *s;
  int np, ni, party;
  const char *method;
  bool needed, incomplete;
  pl__constraints cons;
  uint64_t rv_bits;
  size_t total;
  size_t n_sets;
  pl_unlock_set *sets;
  pl_move *moves;
  detail *details;
  uint64_t *set_masks;
  double *sq_u; /* per party, -1 without status quo */
  uint32_t *sopts; /* structural with reservation values: the outcomes
                      filed, ni options each (a cand's index is one) */
  size_t sopt_count;
};

/* ------------------------------------------------------------------ */
/* constraints and costs of a mask                                     */
/* ------------------------------------------------------------------ */

/* Rule red lines with their variants, then binding reservations. */
static int build_constraints(pl_unlock *u, pl_error *err) {
  const pl_scenario *s = u->s;
  int n = 0;
  for (int r = 0; r < s->n_red_lines; r++)
    if (!s->red_lines[r].linkage) n += 1 + s->red_lines[r].n_variants;
  for (int p = 0; p < s->n_parties; p++) n += pl__reservation_binds(s, p);
  if (n > PL__MAX_CONSTRAINTS)
    return pl__err(err, PL_ETOOBIG,
                   "scenario \"%s\" has %d red lines, variants and binding "
                   "reservation values; unlocking handles at most %d",
                   s->id, n, PL__MAX_CONSTRAINTS);
  pl__constraints *c = &u->cons;
  c->items = pl__calloc((size_t)n + 1, sizeof *c->items);
  c->variant = pl__calloc((size_t)n + 1, sizeof *c->variant);
  if (!c->items || !c->variant) return pl__err(err, PL_ENOMEM, "out of memory");
  for (int r = 0; r < s->n_red_lines; r++) {
    const pl__red_line *rl = &s->red_lines[r];
    if (rl->linkage) continue;
    for (int v = -1; v < rl->n_variants; v++) {
      c->items[c->n] = (pl_constraint){PL_CONSTRAINT_RED_LINE, rl->party, r};
      c->variant[c->n++] = v;
    }
  }
  for (int p = 0; p < s->n_parties; p++)
    if (pl__reservation_binds(s, p)) {
      u->rv_bits |= (uint64_t)1 << c->n;
      c->items[c->n] = (pl_constraint){PL_CONSTRAINT_RESERVATION, p, -1};
      c->variant[c->n++] = -1;
    }
  return PL_OK;
}

/* The cost of the red-line moves of a mask; per party into pc (or NULL). */
static double level_cost(const pl_unlock *u, uint64_t mask, double *pc) {
  const pl__constraints *c = &u->cons;
  double total = 0;
  for (int b = 0; b < c->n;) {
    const pl_constraint *ct = &c->items[b];
    if (ct->kind != PL_CONSTRAINT_RED_LINE) break;
    const pl__red_line *rl = &u->s->red_lines[ct->red_line];
    int level = 0;
    for (int k = 0; k <= rl->n_variants; k++)
      level += (mask >> (b + k)) & 1;
    if (level > 0) {
      double x = level > rl->n_variants ? rl->drop_cost
                                        : rl->variants[level - 1].cost;
      total += x;
      if (pc) pc[ct->party] += x;
    }
    b += 1 + rl->n_variants;
  }
  return total;
}

static uint64_t party_bits(const pl_unlock *u, int party) {
  uint64_t m = 0;
  for (int b = 0; b < u->cons.n; b++)
    if (u->cons.items[b].party == party) m |= (uint64_t)1 << b;
  return m;
}

/* ------------------------------------------------------------------ */
/* the distinct masks of an enumeration                                */
/* ------------------------------------------------------------------ */

typedef struct table {
  const pl_unlock *u;
  uint64_t allowed; /* masks outside it are skipped (--by PARTY) */
  const double *rv, *k; /* per party: reservation, cost per unit */
  int rvp[PL__MAX_CONSTRAINTS], nrv; /* parties with reservation bits */
  uint64_t rvb[PL__MAX_CONSTRAINTS];
  uint32_t *slot;   /* open addressing: 0 empty, else item index + 1 */
  size_t cap;       /* slots, a power of two */
  cand *item;       /* the distinct masks, in order of discovery */
  size_t n, cap_items;
  uint64_t memory_limit;
  bool feasible;
} table;

static size_t slot_of(uint64_t m, size_t cap) {
  return (size_t)((m * 0x9E3779B97F4A7C15ull) >> 17) & (cap - 1);
}

/* Room for one more distinct mask: PL_OK, PL_ENOMEM or PL_ETOOBIG. */
static int table_room(table *t) {
  if (t->n + 1 >= UINT32_MAX) return PL_ETOOBIG;
  if (t->n == t->cap_items) {
    size_t cap = t->cap_items ? t->cap_items * 2 : 1024;
    if ((uint64_t)cap * (sizeof(cand) + 8) > t->memory_limit)
      return PL_ETOOBIG;
    cand *it = pl__realloc(t->item, cap * sizeof *it);
    if (!it) return PL_ENOMEM;
    t->item = it;
    t->cap_items = cap;
  }
  if (2 * (t->n + 1) <= t->cap) return PL_OK;
  size_t cap = t->cap ? t->cap * 2 : 2048;
  uint32_t *slot = pl__calloc(cap, sizeof *slot);
  if (!slot) return PL_ENOMEM;
  for (size_t k = 0; k < t->n; k++) {
    size_t h = slot_of(t->item[k].mask, cap);
    while (slot[h]) h = (h + 1) & (cap - 1);
    slot[h] = (uint32_t)(k + 1);
  }
  pl__free(t->slot);
  t->slot = slot;
  t->cap = cap;
  return PL_OK;
}

/* Records mask m with a lowering of cost rc and size low at outcome index:
 * a new mask, or a cheaper way to an old one. */
static int table_put(table *t, uint64_t m, double rc, double low,
                     uint64_t index) {
  int r = table_room(t);
  if (r) return r;
  size_t h = slot_of(m, t->cap);
  while (t->slot[h] && t->item[t->slot[h] - 1].mask != m)
    h = (h + 1) & (t->cap - 1);
  if (!t->slot[h]) {
    t->item[t->n] = (cand){m, rc, low, 0, index};
    t->slot[h] = (uint32_t)++t->n;
    return PL_OK;
  }
  cand *c = &t->item[t->slot[h] - 1];
  if (rc < c->rv_cost || (rc == c->rv_cost && low < c->lowered)) {
    c->rv_cost = rc;
    c->lowered = low;
    c->index = index;
  }
  return PL_OK;
}

static int visit(void *ctx, uint64_t index, const double *util, uint64_t m) {
  table *t = ctx;
  if (!m) {
    t->feasible = true;
    return PL_OK;
  }
  if (m & ~t->allowed) return PL_OK;
  double rc = 0, low = 0;
  for (int j = 0; j < t->nrv; j++)
    if (m & t->rvb[j]) {
      int p = t->rvp[j];
      rc += t->k[p] * (t->rv[p] - util[p]);
      low += t->rv[p] - util[p];
    }
  return table_put(t, m, rc, low, index);
}

/* ------------------------------------------------------------------ */
/* structural: additive, one-issue rules                                */
/* ------------------------------------------------------------------ */

static bool one_issue_rules(const pl_scenario *s) {
  for (int p = 0; p < s->n_parties; p++)
    if (s->parties[p].hyper) return false;
  for (int r = 0; r < s->n_red_lines; r++) {
    const pl__red_line *rl = &s->red_lines[r];
    if (rl->linkage) continue;
    for (int v = -1; v < rl->n_variants; v++) {
      const uint64_t *is = v < 0 ? rl->issues : rl->variants[v].issues;
      int n = 0;
      for (int i = 0; i < s->n_issues; i++) n += pl__bit(is, (size_t)i);
      if (n > 1) return false;
    }
  }
  return true;
}

/* The inclusion-minimal masks of every outcome: issue by issue, the
 * minimal elements of the pairwise unions (a minimal union is always the
 * union of minimal parts). Stops at max masks (incomplete). */
static int structural_masks(pl_unlock *u, const pl__problem *pb, table *t,
                            size_t max, pl_error *err) {
  uint64_t *cur = pl__malloc(sizeof *cur), *next = NULL, *opts = NULL;
  size_t n = 1;
  int rc = PL_OK;
  if (!cur) return pl__err(err, PL_ENOMEM, "out of memory");
  cur[0] = 0;
  for (int i = 0; i < pb->ni && !rc; i++) {
    uint32_t m = pb->cnt[i];
    opts = pl__malloc((size_t)m * sizeof *opts);
    if (!opts) {
      rc = pl__err(err, PL_ENOMEM, "out of memory");
      break;
    }
    for (uint32_t c = 0; c < m; c++) opts[c] = pb->vmask[i][c] & t->allowed;
    /* options breaking a bit outside `allowed` cannot be taken */
    size_t w = 0;
    for (uint32_t c = 0; c < m; c++)
      if (!(pb->vmask[i][c] & ~t->allowed)) opts[w++] = opts[c];
    uint64_t budget = UINT64_MAX;
    size_t nopt = pl__minimal_sets(opts, w, &budget);
    if (nopt == 0) { /* every option breaks a concession not on offer */
      n = 0;
      break;
    }
    if ((uint64_t)n * nopt > (uint64_t)max * 64) {
      /* over budget: keep the smallest masks so far (each still opens a
       * zone, but a smaller one may have been cut) */
      u->incomplete = true;
      n = (size_t)((uint64_t)max * 64 / nopt);
      if (n == 0) n = 1;
    }
    next = pl__malloc(n * nopt * sizeof *next);
    if (!next) {
      rc = pl__err(err, PL_ENOMEM, "out of memory");
      break;
    }
    size_t k = 0;
    for (size_t a = 0; a < n; a++)
      for (size_t b = 0; b < nopt; b++) next[k++] = cur[a] | opts[b];
    pl__free(cur);
    pl__free(opts);
    opts = NULL;
    cur = next;
    next = NULL;
    budget = UINT64_MAX;
    n = pl__minimal_sets(cur, k, &budget);
    if (n > max) {
      u->incomplete = true;
      n = max;
    }
  }
  pl__free(opts);
  for (size_t k = 0; k < n && !rc; k++) {
    if (!cur[k]) {
      t->feasible = true;
      continue;
    }
    if ((rc = table_put(t, cur[k], 0, 0, UINT64_MAX)))
      rc = pl__err(err, rc, "%s", pl_strerror(rc));
  }
  pl__free(cur);
  return rc;
}

/* With reservation values that can bind, a concession set's cost depends
 * on the utilities, not only on the red-line mask. An outcome x is then at
 * least as good as y for every concession set when x's red-line mask is a
 * subset of y's and x gives every party at least what y gives (x then
 * breaks no reservation value y keeps, and needs no more lowering), so only
 * the outcomes that no other beats in this order matter: the Pareto
 * frontier in the utilities and the masks ordered by inclusion. As for
 * the utilities alone (structural.h), the frontier of a sum of issues lies
 * in the sum of the issues' frontiers, since a better part gives a better
 * sum (utilities add, masks unite); so it is built issue by issue, keeping
 * after each issue the points no other beats. Every frontier outcome is
 * then filed as the enumeration files every outcome (visit()): the sets
 * kept and their least lowerings are those of the full enumeration. */

typedef struct slevel {
  size_t n;
  double *u;       /* n * np partial utilities, summed in issue order */
  uint64_t *mask;  /* red-line bits */
  uint32_t *prev;  /* the point of the previous issue */
  uint32_t *opt;   /* this issue's candidate */
} slevel;

static void slevel_free(slevel *l) {
  pl__free(l->u);
  pl__free(l->mask);
  pl__free(l->prev);
  pl__free(l->opt);
  memset(l, 0, sizeof *l);
}

typedef struct sref {
  double sum, u1;
  int bits;
  uint32_t k;
} sref;

/* Sum of utilities descending, then fewer mask bits: a point can only be
 * beaten by one before it. (Two parties: sum is the first utility and u1
 * the second, so the order is u0, then u1, descending.) */
static int by_sum(const void *x, const void *y) {
  const sref *a = x, *b = y;
  if (a->sum != b->sum) return a->sum > b->sum ? -1 : 1;
  if (a->u1 != b->u1) return a->u1 > b->u1 ? -1 : 1;
  if (a->bits != b->bits) return a->bits - b->bits;
  return (a->k > b->k) - (a->k < b->k);
}

/* Two parties, points in by_sum order (u0 descending): a point is beaten
 * exactly when a kept point with a subset of its mask has u1 at least its
 * own, so each distinct kept mask needs only its largest u1. Returns
 * whether x is beaten; files x's mask and u1 when it is not. */
typedef struct mask_best {
  size_t n, cap;
  uint64_t *mask;
  double *u1;
} mask_best;

static int beaten_2d(mask_best *mb, uint64_t m, double u1, uint64_t *work,
                     bool *beaten) {
  *work += mb->n;
  size_t same = SIZE_MAX;
  for (size_t j = 0; j < mb->n; j++) {
    if (mb->mask[j] & ~m) continue;
    if (mb->u1[j] >= u1) {
      *beaten = true;
      return PL_OK;
    }
    if (mb->mask[j] == m) same = j;
  }
  *beaten = false;
  if (same != SIZE_MAX) {
    mb->u1[same] = u1;
    return PL_OK;
  }
  if (mb->n == mb->cap) {
    size_t cap = mb->cap ? mb->cap * 2 : 64;
    uint64_t *a = pl__realloc(mb->mask, cap * sizeof *a);
    if (!a) return PL_ENOMEM;
    mb->mask = a;
    double *b = pl__realloc(mb->u1, cap * sizeof *b);
    if (!b) return PL_ENOMEM;
    mb->u1 = b;
    mb->cap = cap;
  }
  mb->mask[mb->n] = m;
  mb->u1[mb->n++] = u1;
  return PL_OK;
}

/* Work caps: points kept after an issue, and comparisons in all (about a
 * few seconds); beyond, the search is refused, not cut (a cut frontier
 * could report sets that are not minimal). */
#define STRUCTURAL_COMPARISONS 4000000000ull

/* One issue: the points of `prev` with each allowed candidate of issue i,
 * filtered to those no other beats, into `next`. */
static int structural_step(const pl__problem *pb, const slevel *prev, int i,
                           uint64_t allowed, size_t max_points,
                           uint64_t memory_limit, uint64_t *work,
                           slevel *next) {
  const int np = pb->np;
  size_t nc = 0;
  for (uint32_t c = 0; c < pb->cnt[i]; c++) nc += !(pb->vmask[i][c] & ~allowed);
  size_t n = prev->n * nc;
  if (nc && n / nc != prev->n) return PL_ETOOBIG;
  if ((uint64_t)n * ((uint64_t)np * 8 + 24) > memory_limit) return PL_ETOOBIG;
  double *u = pl__malloc((n ? n : 1) * (size_t)np * sizeof *u);
  uint64_t *mask = pl__malloc((n ? n : 1) * sizeof *mask);
  uint32_t *pv = pl__malloc((n ? n : 1) * sizeof *pv);
  uint32_t *op = pl__malloc((n ? n : 1) * sizeof *op);
  sref *ref = pl__malloc((n ? n : 1) * sizeof *ref);
  int rc = u && mask && pv && op && ref ? PL_OK : PL_ENOMEM;
  size_t m = 0;
  for (size_t k = 0; !rc && k < prev->n; k++)
    for (uint32_t c = 0; c < pb->cnt[i]; c++) {
      if (pb->vmask[i][c] & ~allowed) continue;
      double sum = 0;
      for (int p = 0; p < np; p++) {
        u[m * np + p] = prev->u[k * np + p] + pb->contrib[i][(size_t)c * np + p];
        sum += u[m * np + p];
      }
      mask[m] = prev->mask[k] | pb->vmask[i][c];
      pv[m] = (uint32_t)k;
      op[m] = c;
      ref[m] = np == 2 ? (sref){u[m * np], u[m * np + 1],
                                __builtin_popcountll(mask[m]), (uint32_t)m}
                       : (sref){sum, 0, __builtin_popcountll(mask[m]),
                                (uint32_t)m};
      m++;
    }
  if (!rc) qsort(ref, m, sizeof *ref, by_sum);
  /* kept points, in ref order; each candidate against every kept one */
  size_t w = 0;
  mask_best mb = {0};
  for (size_t a = 0; !rc && a < m; a++) {
    const uint32_t x = ref[a].k;
    const double *ux = u + (size_t)x * np;
    bool beaten = false;
    if (np == 2) {
      rc = beaten_2d(&mb, mask[x], ux[1], work, &beaten);
      if (*work > STRUCTURAL_COMPARISONS) rc = PL_ETOOBIG;
      if (rc || beaten) continue;
      if (w == max_points) rc = PL_ETOOBIG;
      ref[w++] = ref[a];
      continue;
    }
    for (size_t b = 0; b < w && !beaten; b++) {
      const uint32_t y = ref[b].k;
      if (mask[y] & ~mask[x]) continue;
      const double *uy = u + (size_t)y * np;
      int p = 0;
      while (p < np && uy[p] >= ux[p]) p++;
      beaten = p == np;
    }
    *work += w;
    if (*work > STRUCTURAL_COMPARISONS) rc = PL_ETOOBIG;
    if (beaten) continue;
    if (w == max_points) rc = PL_ETOOBIG;
    ref[w++] = ref[a];
  }
  pl__free(mb.mask);
  pl__free(mb.u1);
  if (!rc) {
    next->n = w;
    next->u = pl__malloc((w ? w : 1) * (size_t)np * sizeof *next->u);
    next->mask = pl__malloc((w ? w : 1) * sizeof *next->mask);
    next->prev = pl__malloc((w ? w : 1) * sizeof *next->prev);
    next->opt = pl__malloc((w ? w : 1) * sizeof *next->opt);
    if (!next->u || !next->mask || !next->prev || !next->opt) rc = PL_ENOMEM;
  }
  for (size_t b = 0; !rc && b < w; b++) {
    uint32_t x = ref[b].k;
    memcpy(next->u + b * np, u + (size_t)x * np, (size_t)np * sizeof *u);
    next->mask[b] = mask[x];
    next->prev[b] = pv[x];
    next->opt[b] = op[x];
  }
  pl__free(u);
  pl__free(mask);
  pl__free(pv);
  pl__free(op);
  pl__free(ref);
  return rc;
}

static int structural_reservation(pl_unlock *u, const pl__problem *pb,
                                  table *t, size_t max, pl_error *err) {
  const int np = pb->np, ni = pb->ni;
  slevel *lv = pl__calloc((size_t)ni + 1, sizeof *lv);
  if (!lv) return pl__err(err, PL_ENOMEM, "out of memory");
  /* level 0: no issue yet, one point at 0 */
  lv[0].n = 1;
  lv[0].u = pl__calloc((size_t)np, sizeof *lv[0].u);
  lv[0].mask = pl__calloc(1, sizeof *lv[0].mask);
  lv[0].prev = pl__calloc(1, sizeof *lv[0].prev);
  lv[0].opt = pl__calloc(1, sizeof *lv[0].opt);
  int rc = lv[0].u && lv[0].mask && lv[0].prev && lv[0].opt ? PL_OK
                                                            : PL_ENOMEM;
  size_t max_points = max < SIZE_MAX / 64 ? max * 64 : SIZE_MAX;
  if (max_points > UINT32_MAX) max_points = UINT32_MAX;
  uint64_t work = 0;
  int at_issue = 0;
  for (; !rc && at_issue < ni; at_issue++)
    rc = structural_step(pb, &lv[at_issue], at_issue, t->allowed, max_points,
                         t->memory_limit, &work, &lv[at_issue + 1]);
  const slevel *last = &lv[ni];
  if (!rc) {
    u->sopts = pl__malloc((last->n ? last->n : 1) * ((size_t)ni + 1) *
                          sizeof *u->sopts);
    if (!u->sopts) rc = PL_ENOMEM;
  }
  double *x = rc ? NULL : pl__malloc((size_t)np * sizeof *x);
  if (!rc && !x) rc = PL_ENOMEM;
  for (size_t k = 0; !rc && k < last->n; k++) {
    uint32_t *o = u->sopts + k * (size_t)ni;
    size_t at = k;
    for (int i = ni; i > 0; i--) { /* the outcome, back through the levels */
      o[i - 1] = pb->opt[i - 1][lv[i].opt[at]];
      at = lv[i].prev[at];
    }
    for (int p = 0; p < np; p++) /* a utility above 1 is 1 (enumerate.c) */
      x[p] = last->u[k * np + p] > 1 ? 1 : last->u[k * np + p];
    uint64_t m = last->mask[k];
    for (int j = 0; j < t->nrv; j++)
      if (x[t->rvp[j]] < t->rv[t->rvp[j]] - PL_TOLERANCE) m |= t->rvb[j];
    rc = visit(t, k, x, m);
  }
  pl__free(x);
  size_t filed = last->n;
  for (int i = 0; i <= ni; i++) slevel_free(&lv[i]);
  pl__free(lv);
  if (rc == PL_ETOOBIG)
    return pl__err(err, rc,
                   "scenario \"%s\": the structural search for the least "
                   "lowering of the reservation values stopped at issue %d "
                   "of %d: %s",
                   u->s->id, at_issue, ni,
                   work > STRUCTURAL_COMPARISONS
                       ? "more than 4e9 comparisons (too many distinct sets "
                         "of red lines broken)"
                       : "more points than 64 x --budget, or than --memory "
                         "holds");
  if (rc) return pl__err(err, rc, "%s", pl_strerror(rc));
  u->sopt_count = filed;
  return PL_OK;
}

/* ------------------------------------------------------------------ */
/* ranking and the sweep                                               */
/* ------------------------------------------------------------------ */

static int parties_of(const pl_unlock *u, uint64_t m) {
  int parties[PL__MAX_CONSTRAINTS], n = 0;
  for (int b = 0; b < u->cons.n; b++) {
    if (!((m >> b) & 1)) continue;
    int p = u->cons.items[b].party, k = 0;
    while (k < n && parties[k] != p) k++;
    if (k == n) parties[n++] = p;
  }
  return n;
}

typedef struct ranked {
  cand c;
  int parties, bits;
} ranked;

static int by_rank(const void *x, const void *y) {
  const ranked *a = x, *b = y;
  if (a->c.cost != b->c.cost) return a->c.cost < b->c.cost ? -1 : 1;
  if (a->parties != b->parties) return a->parties - b->parties;
  if (a->bits != b->bits) return a->bits - b->bits;
  return a->c.mask < b->c.mask ? -1 : a->c.mask > b->c.mask;
}

/* Keeps, in cost order, the masks that no kept subset reaches at the same
 * or a lower cost (see the top of the file). Kept masks are filed by their
 * lowest bit: a subset of S has its lowest bit in S, so only the files of
 * S's bits are searched. */
static size_t sweep(ranked *r, size_t n, size_t max, bool *incomplete) {
  size_t *file[64] = {NULL}, len[64] = {0}, cap[64] = {0};
  size_t w = 0;
  bool nomem = false;
  for (size_t k = 0; k < n && !nomem; k++) {
    uint64_t s = r[k].c.mask;
    bool keep = true;
    for (uint64_t b = s; b && keep; b &= b - 1) {
      int f = __builtin_ctzll(b);
      for (size_t j = 0; j < len[f] && keep; j++) {
        const ranked *x = &r[file[f][j]];
        keep = !((x->c.mask & s) == x->c.mask &&
                 x->c.cost <= r[k].c.cost + PL_TOLERANCE);
      }
    }
    if (!keep) continue;
    if (w == max) {
      *incomplete = true;
      break;
    }
    int f = __builtin_ctzll(s);
    if (len[f] == cap[f]) {
      size_t c = cap[f] ? cap[f] * 2 : 16;
      size_t *p = pl__realloc(file[f], c * sizeof *p);
      if (!p) {
        nomem = true;
        break;
      }
      file[f] = p;
      cap[f] = c;
    }
    r[w] = r[k];
    file[f][len[f]++] = w++;
  }
  for (int f = 0; f < 64; f++) pl__free(file[f]);
  return nomem ? SIZE_MAX : w;
}

/* ------------------------------------------------------------------ */
/* describing a set                                                    */
/* ------------------------------------------------------------------ */

/* Moves of mask m; lowering to the utilities of outcome `o` (NULL: none).
 * Returns how many were written at mv. */
static size_t moves_of(const pl_unlock *u, uint64_t m, const uint32_t *o,
                       pl_move *mv) {
  const pl_scenario *s = u->s;
  const pl__constraints *c = &u->cons;
  size_t n = 0;
  for (int b = 0; b < c->n;) {
    const pl_constraint *ct = &c->items[b];
    if (ct->kind == PL_CONSTRAINT_RESERVATION) {
      if ((m >> b) & 1) {
        int p = ct->party;
        double rv = s->parties[p].reservation;
        double to = o ? pl_scenario_utility(s, p, o) : rv;
        if (to > rv) to = rv;
        mv[n++] = (pl_move){PL_MOVE_LOWER, p, -1, -1, rv, to,
                            s->parties[p].reservation_cost * (rv - to)};
      }
      b++;
      continue;
    }
    const pl__red_line *rl = &s->red_lines[ct->red_line];
    int level = 0;
    for (int k = 0; k <= rl->n_variants; k++) level += (m >> (b + k)) & 1;
    if (level > rl->n_variants)
      mv[n++] = (pl_move){PL_MOVE_DROP, ct->party, ct->red_line, -1, 0, 0,
                          rl->drop_cost};
    else if (level > 0)
      mv[n++] = (pl_move){PL_MOVE_VARIANT, ct->party, ct->red_line,
                          level - 1, 0, 0, rl->variants[level - 1].cost};
    b += 1 + rl->n_variants;
  }
  return n;
}

/* The outcome a candidate's index names: an enumeration index, or one of
 * the structural search's outcomes. */
static const uint32_t *outcome_of(const pl_unlock *u, const pl__problem *pb,
                                  uint64_t index, uint32_t *opt) {
  if (u->sopts) return u->sopts + index * (uint64_t)u->ni;
  pl__problem_decode(pb, index, opt);
  return opt;
}

/* The scenario with the moves made, and its analysis. */
static int open_zone(const pl_unlock *u, const pl_move *mv, size_t n,
                     const pl_unlock_options *o, detail *d, pl_error *err) {
  int rc = pl__scenario_copy(u->s, &d->copy, err);
  if (rc) return rc;
  pl_scenario *c = d->copy;
  bool *drop = pl__calloc((size_t)c->n_red_lines + 1, sizeof *drop);
  if (!drop) return pl__err(err, PL_ENOMEM, "out of memory");
  for (size_t k = 0; k < n; k++) {
    if (mv[k].kind == PL_MOVE_LOWER) {
      c->parties[mv[k].party].reservation = mv[k].to;
      continue;
    }
    /* the copy holds red lines party by party: find it by party and id */
    int r = 0;
    while (r < c->n_red_lines &&
           (c->red_lines[r].party != mv[k].party ||
            strcmp(c->red_lines[r].id, u->s->red_lines[mv[k].red_line].id)))
      r++;
    if (r == c->n_red_lines) {
      pl__free(drop);
      return pl__err(err, PL_ESTATE, "red line lost in the copy");
    }
    if (mv[k].kind == PL_MOVE_DROP) {
      drop[r] = true;
    } else {
      pl__red_line *rl = &c->red_lines[r];
      pl__variant *va = &rl->variants[mv[k].variant];
      pl_expr *e = rl->rule;
      uint64_t *is = rl->issues;
      rl->rule = va->rule;
      rl->issues = va->issues;
      va->rule = e;
      va->issues = is;
    }
  }
  int w = 0;
  for (int r = 0; r < c->n_red_lines; r++) {
    if (!drop[r]) {
      c->red_lines[w++] = c->red_lines[r];
      continue;
    }
    pl__red_line *rl = &c->red_lines[r];
    pl__free(rl->id);
    pl__free(rl->description);
    pl_expr_free(rl->rule);
    pl__free(rl->issues);
    pl__variants_free(rl);
  }
  c->n_red_lines = w;
  pl__free(drop);
  pl_analysis_options ao;
  pl_analysis_options_init(&ao);
  ao.max_outcomes = o->max_outcomes;
  ao.memory_limit = o->memory_limit;
  rc = pl__analyze(c, &ao, false, &d->a, err);
  return rc;
}

/* ------------------------------------------------------------------ */
/* entry                                                               */
/* ------------------------------------------------------------------ */

void pl_unlock_free(pl_unlock *u) {
  if (!u) return;
  for (size_t k = 0; u->details && k < u->n_sets; k++) {
    pl_analysis_free(u->details[k].a);
    pl_scenario_free(u->details[k].copy);
  }
  pl__free(u->details);
  pl__free(u->sets);
  pl__free(u->moves);
  pl__free(u->set_masks);
  pl__free(u->sq_u);
  pl__free(u->sopts);
  pl__constraints_free(&u->cons);
  pl__free(u);
}

static int search(pl_unlock *u, const pl_unlock_options *o, table *t,
                  pl_error *err) {
  const pl_scenario *s = u->s;
  pl__problem pb;
  int rc = pl__problem_init(&pb, s, &u->cons, NULL);
  if (rc) return pl__err(err, rc, "out of memory");
  uint64_t n;
  bool enumerable = pl_scenario_outcome_count(s, &n) == PL_OK &&
                    n <= o->max_outcomes;
  if (enumerable) {
    u->method = "enumerate";
    pl__acc acc;
    pl__acc_init(&acc, pb.np, o->memory_limit);
    acc.visit = visit;
    acc.visit_ctx = t;
    acc.skip_masks = true;
    rc = pl__enumerate(&pb, &acc);
    pl__acc_free(&acc);
    if (rc == PL_ETOOBIG)
      rc = pl__err(err, rc,
                   "the concession sets of scenario \"%s\" need more than "
                   "the memory limit (%llu bytes)",
                   s->id, (unsigned long long)o->memory_limit);
    else if (rc)
      rc = pl__err(err, rc, "%s", pl_strerror(rc));
  } else if (one_issue_rules(s)) {
    u->method = "structural";
    rc = t->nrv ? structural_reservation(u, &pb, t, o->max_candidates, err)
                : structural_masks(u, &pb, t, o->max_candidates, err);
  } else {
    char count[64];
    pl_scenario_outcome_count_text(s, count, sizeof count);
    rc = pl__err(err, PL_ETOOBIG,
                 "scenario \"%s\" has %s outcomes, more than the %llu "
                 "enumerated; beyond that, unlocking needs additive "
                 "utilities and red lines and variants of one issue each",
                 s->id, count, (unsigned long long)o->max_outcomes);
  }
  pl__problem_free(&pb);
  return rc;
}

int pl_unlock_compute(const pl_scenario *s, const pl_unlock_options *opts,
                      pl_unlock **out, pl_error *err) {
  pl_unlock_options o;
  pl_unlock_options_init(&o);
  PL__OPTIONS_COPY(&o, opts);
  *out = NULL;
  if (!s || !s->finished)
    return pl__err(err, PL_EINVAL, "the scenario is not finished");
  if (o.party < -1 || o.party >= s->n_parties)
    return pl__err(err, PL_ENOTFOUND, "no party %d", o.party);
  if (o.max_candidates == 0) o.max_candidates = 1;
  pl_unlock *u = pl__calloc(1, sizeof *u);
  if (!u) return pl__err(err, PL_ENOMEM, "out of memory");
  u->s = s;
  u->np = s->n_parties;
  u->ni = s->n_issues;
  u->party = o.party;
  u->method = "enumerate";
  table t = {.u = u, .memory_limit = o.memory_limit};
  double *rv = pl__calloc((size_t)u->np, sizeof *rv);
  double *k = pl__calloc((size_t)u->np, sizeof *k);
  ranked *r = NULL;
  int rc = rv && k ? build_constraints(u, err)
                   : pl__err(err, PL_ENOMEM, "out of memory");
  if (rc) goto done;
  for (int p = 0; p < u->np; p++) {
    rv[p] = s->parties[p].reservation;
    k[p] = s->parties[p].reservation_cost;
  }
  t.rv = rv;
  t.k = k;
  t.allowed = o.party >= 0 ? party_bits(u, o.party) : ~(uint64_t)0;
  for (int b = 0; b < u->cons.n; b++)
    if ((u->rv_bits >> b) & 1) {
      t.rvp[t.nrv] = u->cons.items[b].party;
      t.rvb[t.nrv++] = (uint64_t)1 << b;
    }
  if ((rc = search(u, &o, &t, err))) goto done;
  u->needed = !t.feasible;
  /* sq utilities for gains */
  u->sq_u = pl__malloc((size_t)u->np * sizeof *u->sq_u);
  uint32_t *none = pl__malloc(((size_t)u->ni + 1) * sizeof *none);
  if (!u->sq_u || !none) {
    pl__free(none);
    rc = pl__err(err, PL_ENOMEM, "out of memory");
    goto done;
  }
  for (int p = 0; p < u->np; p++) {
    bool has = true;
    for (int i = 0; i < u->ni; i++) {
      none[i] = PL_NOT_AGREED;
      has &= pl__status_quo(s, p, i) != PL_NOT_AGREED;
    }
    u->sq_u[p] = has ? pl_scenario_utility(s, p, none) : -1;
  }
  pl__free(none);
  if (!u->needed) goto done;
  /* rank and sweep */
  r = pl__malloc((t.n ? t.n : 1) * sizeof *r);
  if (!r) {
    rc = pl__err(err, PL_ENOMEM, "out of memory");
    goto done;
  }
  size_t nr = 0;
  for (size_t j = 0; j < t.n; j++) {
    cand c = t.item[j];
    c.cost = level_cost(u, c.mask, NULL) + c.rv_cost;
    r[nr++] = (ranked){c, parties_of(u, c.mask),
                       __builtin_popcountll(c.mask)};
  }
  qsort(r, nr, sizeof *r, by_rank);
  nr = sweep(r, nr, o.max_candidates, &u->incomplete);
  if (nr == SIZE_MAX) {
    rc = pl__err(err, PL_ENOMEM, "out of memory");
    goto done;
  }
  u->total = nr;
  /* fairness over every kept set */
  double *pc = pl__calloc((size_t)u->np, sizeof *pc);
  double *worst = pl__malloc((nr ? nr : 1) * sizeof *worst);
  pl_move *mv = pl__malloc(((size_t)u->cons.n + 1) * sizeof *mv);
  uint32_t *opt = pl__malloc(((size_t)u->ni + 1) * sizeof *opt);
  if (!pc || !worst || !mv || !opt) {
    pl__free(pc);
    pl__free(worst);
    pl__free(mv);
    pl__free(opt);
    rc = pl__err(err, PL_ENOMEM, "out of memory");
    goto done;
  }
  double fair = INFINITY;
  pl__problem pb;
  memset(&pb, 0, sizeof pb);
  bool have_pb = false;
  for (size_t j = 0; j < nr; j++) {
    const uint32_t *oo = NULL;
    if (r[j].c.index != UINT64_MAX && (r[j].c.mask & u->rv_bits)) {
      if (!have_pb && !u->sopts) {
        if ((rc = pl__problem_init(&pb, s, &u->cons, NULL))) break;
        have_pb = true;
      }
      oo = outcome_of(u, &pb, r[j].c.index, opt);
    }
    size_t nm = moves_of(u, r[j].c.mask, oo, mv);
    memset(pc, 0, (size_t)u->np * sizeof *pc);
    for (size_t q = 0; q < nm; q++) pc[mv[q].party] += mv[q].cost;
    worst[j] = 0;
    for (int p = 0; p < u->np; p++)
      if (pc[p] > worst[j]) worst[j] = pc[p];
    if (worst[j] < fair) fair = worst[j];
  }
  /* which to describe: the cheapest max_sets, and the fairest */
  size_t nd = 0;
  size_t *pick = rc ? NULL : pl__malloc((nr ? nr : 1) * sizeof *pick);
  if (!rc && !pick) rc = PL_ENOMEM;
  size_t extra = 0; /* fairest sets beyond max_sets: at most max_sets more */
  for (size_t j = 0; !rc && j < nr; j++)
    if (j < o.max_sets) {
      pick[nd++] = j;
    } else if (o.party < 0 && worst[j] <= fair + PL_TOLERANCE &&
               extra < (o.max_sets ? o.max_sets : 1)) {
      pick[nd++] = j;
      extra++;
    }
  u->sets = rc ? NULL : pl__calloc(nd ? nd : 1, sizeof *u->sets);
  u->details = rc ? NULL : pl__calloc(nd ? nd : 1, sizeof *u->details);
  u->set_masks = rc ? NULL : pl__calloc(nd ? nd : 1, sizeof *u->set_masks);
  u->moves = rc ? NULL
                : pl__malloc((nd ? nd : 1) * ((size_t)u->cons.n + 1) *
                             sizeof *u->moves);
  if (!rc && (!u->sets || !u->details || !u->set_masks || !u->moves))
    rc = PL_ENOMEM;
  if (rc) rc = pl__err(err, rc, "out of memory");
  size_t mused = 0;
  for (size_t q = 0; !rc && q < nd; q++) {
    const ranked *x = &r[pick[q]];
    const uint32_t *oo = NULL;
    if (x->c.index != UINT64_MAX && (x->c.mask & u->rv_bits))
      oo = outcome_of(u, &pb, x->c.index, opt);
    pl_move *m = u->moves + mused;
    size_t nm = moves_of(u, x->c.mask, oo, m);
    mused += nm;
    pl_unlock_set *st = &u->sets[q];
    st->n_moves = nm;
    st->moves = m;
    st->cost = x->c.cost;
    st->parties_moving = x->parties;
    st->max_party_cost = worst[pick[q]];
    st->fairest = o.party < 0 && worst[pick[q]] <= fair + PL_TOLERANCE;
    st->feasible = UINT64_MAX;
    u->set_masks[q] = x->c.mask;
    u->n_sets = q + 1;
    pl_error e2 = {0};
    int r2 = open_zone(u, m, nm, &o, &u->details[q], &e2);
    if (r2 == PL_ENOMEM) {
      rc = pl__err(err, r2, "out of memory");
      break;
    }
    if (r2) continue; /* too big to describe: the set stands alone */
    const pl_analysis *a = u->details[q].a;
    st->feasible = pl_analysis_feasible_count(a);
    st->pareto_count = pl_analysis_pareto_count(a);
    for (int w = 0; w < PL_SOLUTION_COUNT_; w++)
      st->solution[w] = pl_analysis_solution(a, (pl_solution)w);
  }
  if (have_pb) pl__problem_free(&pb);
  pl__free(pick);
  pl__free(pc);
  pl__free(worst);
  pl__free(mv);
  pl__free(opt);
done:
  pl__free(t.slot);
  pl__free(t.item);
  pl__free(r);
  pl__free(rv);
  pl__free(k);
  if (rc) {
    pl_unlock_free(u);
    return rc;
  }
  *out = u;
  return PL_OK;
}

int pl_unlock_needed(const pl_unlock *u) { return u->needed; }
const char *pl_unlock_method(const pl_unlock *u) { return u->method; }
int pl_unlock_incomplete(const pl_unlock *u) { return u->incomplete; }
size_t pl_unlock_total(const pl_unlock *u) { return u->total; }
size_t pl_unlock_set_count(const pl_unlock *u) { return u->n_sets; }
const pl_unlock_set *pl_unlock_set_at(const pl_unlock *u, size_t i) {
  return i < u->n_sets ? &u->sets[i] : NULL;
}
int pl_unlock_party(const pl_unlock *u) { return u->party; }
const pl_analysis *pl_unlock_set_analysis(const pl_unlock *u, size_t i) {
  return i < u->n_sets ? u->details[i].a : NULL;
}
double pl_unlock_status_quo_utility(const pl_unlock *u, int p) {
  return u->sq_u[p];
}

/* For the JSON writer: the scenario. */
const pl_scenario *pl__unlock_scenario(const pl_unlock *u) { return u->s; }
