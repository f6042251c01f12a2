/* Branch and bound over boxes of the outcome space (see boxes.h). */
#include "analysis/boxes.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Two parties: weighted sums of the utilities bounded per box. */
#define LAMBDAS 7

typedef struct bb {
  const pl__problem *pb;
  const pl_scenario *s;
  const pl__box_limits *lim;
  int ni, np;
  /* rectangles of every hyper-rectangle party, numbered together */
  size_t nr;
  int *rparty;
  double *rw;
  uint32_t *rdeg;  /* issues the rectangle has a condition on */
  /* per issue: allowed classes, by smallest option (their stand-in) */
  uint32_t *ncls;
  uint32_t **rep;
  uint32_t *ncond; /* conditions of rectangles on the issue */
  uint32_t **cond; /* [j]: the rectangle */
  uint8_t **in;    /* [j * ncls + c]: class c meets condition j */
  uint8_t **vary;  /* [j]: condition j splits the allowed classes */
  double **add;    /* [c * np + p]: additive party's contribution */
  bool *multi;     /* mentioned by a several-issue red line */
  bool *addvar;    /* some additive party's contribution varies */
  /* per party */
  bool *hyper;
  bool int_sums;   /* integral utilities: every bound sum is exact */
  double *margin;  /* rounding allowance of a hyper bound (int_sums: 0) */
  /* search state */
  int32_t *fix;    /* class, or -1 while free */
  uint32_t *dead, *nfree;
  size_t *foff;    /* per issue: its classes' values in F */
  double *F;       /* [foff[i] + c * np + p]: relaxed value of class c */
  uint32_t *rs;    /* nr + 1: a rectangle's conditions at rs[r].. */
  uint32_t *ri, *rj; /* ..: their issue and index among its conditions */
  double *alpha;   /* ..: the rectangle's share on that issue, in the box
                      under way (a row of alphas) */
  double *alphas;  /* (ni + 1) x nc: the shares of the boxes by depth */
  size_t nc;       /* conditions in all */
  double cst[PL__MAX_PARTIES]; /* bound parts of the met rectangles and
                                  fixed issues (hyper: not normalised) */
  double R[LAMBDAS + 2]; /* two parties: bounds of the weighted sums, then
                            of each party alone (see end_cut) */
  bool refined[LAMBDAS + 2]; /* R[k] from shares of its own
                                (refine_weighted) */
  bool refine;     /* cut_by may refine */
  double *G;       /* two parties: a weighted sum's relaxed class values,
                      at foff[i] / np (see refine_weighted) */
  double *alpha2;  /* ..: the shares for that sum, as alpha */
  double *gaps;    /* 2 ni scratch of level_shares */
  uint32_t *gapk;  /* ni scratch of level_shares */
  double mass[PL__MAX_PARTIES]; /* sum of |rectangle utility| per party */
  uint32_t *srt;   /* two parties: found packages by first utility, down */
  bool sorted;
  double *ubs;     /* (ni + 1) x np bounds by depth */
  uint32_t *x;     /* ni options: probe and leaf */
  uint32_t *y;     /* ni options: a box's first outcome */
  uint32_t **order; /* per issue: child order scratch */
  double *score;   /* per class */
  /* found packages: exactly non-dominated, first in outcome order */
  size_t na, capa;
  double *au;
  uint32_t *ax;
  double *open;    /* bounds of boxes left open at the budget */
  size_t nopen;
  uint64_t boxes;
  uint64_t refines; /* refine_weighted calls: budgeted with the boxes */
  double eps, gap;
  bool stopped, root_open;
  int rc;
} bb;

/* ------------------------------------------------------------------ */
/* set-up: rectangles and option classes                               */
/* ------------------------------------------------------------------ */

/* Rows of an option signature, sorted to group equal ones. */
typedef struct sig_ref {
  const uint64_t *w;
  size_t k;
  uint32_t o;
} sig_ref;

static int by_sig(const void *x, const void *y) {
  const sig_ref *a = x, *b = y;
  int c = memcmp(a->w, b->w, a->k * sizeof *a->w);
  if (c) return c;
  return (a->o > b->o) - (a->o < b->o);
}

static int by_u32(const void *x, const void *y) {
  uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
  return (a > b) - (a < b);
}

/* The IN nodes of an expression on issue i, appended to list. */
static void collect_in(const pl_expr *e, int i, const pl_expr **list,
                       size_t *n) {
  if (e->kind == PL__EXPR_IN) {
    if (e->issue == i) {
      if (list) list[*n] = e;
      (*n)++;
    }
    return;
  }
  for (size_t k = 0; k < e->n; k++) collect_in(e->kids[k], i, list, n);
}

static int setup_rects(bb *b) {
  const pl_scenario *s = b->s;
  const int ni = b->ni;
  size_t total = 0;
  for (int p = 0; p < b->np; p++)
    if (s->parties[p].hyper) total += s->parties[p].n_rects;
  size_t m = total ? total : 1;
  b->rparty = pl__malloc(m * sizeof *b->rparty);
  b->rw = pl__malloc(m * sizeof *b->rw);
  b->rdeg = pl__calloc(m, sizeof *b->rdeg);
  b->dead = pl__calloc(m, sizeof *b->dead);
  b->nfree = pl__calloc(m, sizeof *b->nfree);
  b->ncond = pl__calloc((size_t)ni, sizeof *b->ncond);
  b->cond = pl__calloc((size_t)ni, sizeof *b->cond);
  uint32_t *lo = pl__malloc((size_t)ni * sizeof *lo);
  uint32_t *hi = pl__malloc((size_t)ni * sizeof *hi);
  uint32_t **clo = pl__calloc((size_t)ni, sizeof *clo); /* per condition */
  uint32_t **chi = pl__calloc((size_t)ni, sizeof *chi);
  int rc = PL_OK;
  if (!b->rparty || !b->rw || !b->rdeg || !b->dead || !b->nfree ||
      !b->ncond || !b->cond || !lo || !hi || !clo || !chi) {
    rc = PL_ENOMEM;
    goto out;
  }
  /* two passes: count the conditions per issue, then fill them */
  for (int pass = 0; pass < 2 && !rc; pass++) {
    size_t g = 0;
    if (pass == 1)
      for (int i = 0; i < ni && !rc; i++) {
        size_t c = b->ncond[i] ? b->ncond[i] : 1;
        b->cond[i] = pl__malloc(c * sizeof **b->cond);
        clo[i] = pl__malloc(c * sizeof **clo);
        chi[i] = pl__malloc(c * sizeof **chi);
        if (!b->cond[i] || !clo[i] || !chi[i]) rc = PL_ENOMEM;
        b->ncond[i] = 0;
      }
    for (int p = 0; p < b->np && !rc; p++) {
      const pl__party *pa = &s->parties[p];
      if (!pa->hyper) continue;
      for (size_t k = 0; k < pa->n_rects; k++) {
        const pl__rect *r = &pa->rects[k];
        for (int i = 0; i < ni; i++) {
          lo[i] = 0;
          hi[i] = UINT32_MAX;
        }
        for (size_t j = 0; j < r->n; j++) {
          int i = r->issue[j];
          if (r->lo[j] > lo[i]) lo[i] = r->lo[j];
          if (r->hi[j] < hi[i]) hi[i] = r->hi[j];
        }
        bool empty = false;
        for (size_t j = 0; j < r->n; j++)
          empty |= lo[r->issue[j]] > hi[r->issue[j]];
        if (empty) continue; /* never met: adds nothing, ever */
        b->rparty[g] = p;
        b->rw[g] = r->utility;
        uint32_t deg = 0;
        for (size_t j = 0; j < r->n; j++) {
          int i = r->issue[j];
          if (lo[i] == UINT32_MAX - 1) continue; /* listed twice: once */
          if (pass == 1) {
            b->cond[i][b->ncond[i]] = (uint32_t)g;
            clo[i][b->ncond[i]] = lo[i];
            chi[i][b->ncond[i]] = hi[i];
          }
          b->ncond[i]++;
          deg++;
          lo[i] = UINT32_MAX - 1;
        }
        b->rdeg[g] = deg;
        g++;
      }
    }
    b->nr = g;
  }
  if (rc) goto out;
  /* classes of every issue, from the signature of each option */
  const pl__problem *pb = b->pb;
  b->ncls = pl__calloc((size_t)ni, sizeof *b->ncls);
  b->rep = pl__calloc((size_t)ni, sizeof *b->rep);
  b->in = pl__calloc((size_t)ni, sizeof *b->in);
  b->vary = pl__calloc((size_t)ni, sizeof *b->vary);
  b->add = pl__calloc((size_t)ni, sizeof *b->add);
  b->multi = pl__calloc((size_t)ni, sizeof *b->multi);
  b->addvar = pl__calloc((size_t)ni, sizeof *b->addvar);
  b->order = pl__calloc((size_t)ni, sizeof *b->order);
  if (!b->ncls || !b->rep || !b->in || !b->vary || !b->add || !b->multi ||
      !b->addvar || !b->order) {
    rc = PL_ENOMEM;
    goto out;
  }
  for (int i = 0; i < ni && !rc; i++) {
    const uint32_t n = pb->cnt[i];
    size_t nin = 0;
    for (int k = 0; k < pb->n_multi; k++) collect_in(pb->multi[k], i, NULL, &nin);
    b->multi[i] = nin > 0;
    const pl_expr **ins = pl__malloc((nin ? nin : 1) * sizeof *ins);
    size_t bits = b->ncond[i] + nin, bw = pl__words(bits);
    size_t k = bw + (size_t)b->np + 1; /* bits, contributions, violations */
    uint64_t *w = pl__calloc((size_t)n * k, sizeof *w);
    sig_ref *refs = pl__malloc((size_t)n * sizeof *refs);
    uint32_t *first = pl__malloc((size_t)n * sizeof *first);
    if (!ins || !w || !refs || !first) {
      rc = PL_ENOMEM;
    } else {
      nin = 0;
      for (int q = 0; q < pb->n_multi; q++) collect_in(pb->multi[q], i, ins, &nin);
      uint32_t na = 0;
      for (uint32_t o = 0; o < n; o++) {
        if (pb->vmask[i][o]) continue; /* a one-issue red line excludes it */
        uint64_t *row = w + (size_t)na * k;
        for (uint32_t j = 0; j < b->ncond[i]; j++)
          if (o >= clo[i][j] && o <= chi[i][j]) row[j >> 6] |= 1ull << (j & 63);
        for (size_t j = 0; j < nin; j++)
          if (pl__bit(ins[j]->set, o)) {
            size_t bit = b->ncond[i] + j;
            row[bit >> 6] |= 1ull << (bit & 63);
          }
        for (int p = 0; p < b->np; p++)
          memcpy(&row[bw + (size_t)p], &pb->contrib[i][(size_t)o * b->np + p],
                 sizeof(double));
        refs[na] = (sig_ref){row, k, o};
        na++;
      }
      qsort(refs, na, sizeof *refs, by_sig);
      uint32_t nc = 0;
      for (uint32_t t = 0; t < na; t++)
        if (t == 0 || memcmp(refs[t].w, refs[t - 1].w, k * sizeof *w))
          first[nc++] = refs[t].o;
      qsort(first, nc, sizeof *first, by_u32);
      b->ncls[i] = nc;
      size_t mc = nc ? nc : 1, mj = b->ncond[i] ? b->ncond[i] : 1;
      b->rep[i] = pl__malloc(mc * sizeof **b->rep);
      b->in[i] = pl__calloc(mc * mj, 1);
      b->vary[i] = pl__calloc(mj, 1);
      b->add[i] = pl__malloc(mc * (size_t)b->np * sizeof **b->add);
      b->order[i] = pl__malloc(mc * sizeof **b->order);
      if (!b->rep[i] || !b->in[i] || !b->vary[i] || !b->add[i] ||
          !b->order[i]) {
        rc = PL_ENOMEM;
      } else {
        for (uint32_t c = 0; c < nc; c++) {
          uint32_t o = first[c];
          b->rep[i][c] = o;
          for (uint32_t j = 0; j < b->ncond[i]; j++) {
            uint8_t *row = b->in[i] + (size_t)j * nc;
            row[c] = o >= clo[i][j] && o <= chi[i][j];
            if (c && row[c] != row[0]) b->vary[i][j] = 1;
          }
          for (int p = 0; p < b->np; p++) {
            double v = pb->contrib[i][(size_t)o * b->np + p];
            b->add[i][(size_t)c * b->np + p] = v;
            if (!s->parties[p].hyper && c && v != b->add[i][p])
              b->addvar[i] = true;
          }
        }
      }
    }
    pl__free(ins);
    pl__free(w);
    pl__free(refs);
    pl__free(first);
  }
out:
  if (clo)
    for (int i = 0; i < ni; i++) pl__free(clo[i]);
  if (chi)
    for (int i = 0; i < ni; i++) pl__free(chi[i]);
  pl__free(clo);
  pl__free(chi);
  pl__free(lo);
  pl__free(hi);
  return rc;
}

static void bb_free(bb *b) {
  for (int i = 0; i < b->ni; i++) {
    if (b->cond) pl__free(b->cond[i]);
    if (b->rep) pl__free(b->rep[i]);
    if (b->in) pl__free(b->in[i]);
    if (b->vary) pl__free(b->vary[i]);
    if (b->add) pl__free(b->add[i]);
    if (b->order) pl__free(b->order[i]);
  }
  pl__free(b->cond);
  pl__free(b->rep);
  pl__free(b->in);
  pl__free(b->vary);
  pl__free(b->add);
  pl__free(b->order);
  pl__free(b->ncond);
  pl__free(b->ncls);
  pl__free(b->multi);
  pl__free(b->addvar);
  pl__free(b->rparty);
  pl__free(b->rw);
  pl__free(b->rdeg);
  pl__free(b->dead);
  pl__free(b->nfree);
  pl__free(b->hyper);
  pl__free(b->margin);
  pl__free(b->fix);
  pl__free(b->foff);
  pl__free(b->F);
  pl__free(b->rs);
  pl__free(b->ri);
  pl__free(b->rj);
  pl__free(b->alphas);
  pl__free(b->G);
  pl__free(b->alpha2);
  pl__free(b->gaps);
  pl__free(b->gapk);
  pl__free(b->ubs);
  pl__free(b->x);
  pl__free(b->y);
  pl__free(b->score);
  pl__free(b->au);
  pl__free(b->ax);
  pl__free(b->open);
  pl__free(b->srt);
}

/* ------------------------------------------------------------------ */
/* found packages                                                      */
/* ------------------------------------------------------------------ */

static int lex(const uint32_t *x, const uint32_t *y, int ni) {
  for (int i = 0; i < ni; i++)
    if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
  return 0;
}

/* Whether q is at least u in every utility. */
static bool at_least(const double *q, const double *u, int np) {
  for (int p = 0; p < np; p++)
    if (q[p] < u[p]) return false;
  return true;
}

/* Whether q is more than the tolerance above u in some utility. */
static bool clearly_above(const double *q, const double *u, int np) {
  for (int p = 0; p < np; p++)
    if (q[p] > u[p] + PL_TOLERANCE) return true;
  return false;
}

/* Whether package (q, xq) makes (u, xu) irrelevant to the frontier that
 * enumeration builds under the tolerance, visiting outcomes in order: q is
 * at least u everywhere, and comes first or is clearly above somewhere
 * (enumeration keeps the first of two packages within the tolerance of
 * each other). */
static bool beats(const double *q, const uint32_t *xq, const double *u,
                  const uint32_t *xu, int np, int ni) {
  return at_least(q, u, np) &&
         (clearly_above(q, u, np) || lex(xq, xu, ni) < 0);
}

/* Adds outcome x with utilities u unless a held package beats it; removes
 * those it beats. What is held is the candidates: for every package of
 * the frontier under the tolerance, the outcome enumeration keeps. */
static void archive_add(bb *b, const double *u, const uint32_t *x) {
  const int np = b->np, ni = b->ni;
  for (size_t k = 0; k < b->na; k++)
    if (beats(b->au + k * np, b->ax + k * ni, u, x, np, ni)) return;
  b->sorted = false; /* only when the packages change: every box offers
                        one, covered2 sorts them again after a change */
  size_t w = 0;
  for (size_t k = 0; k < b->na; k++) {
    if (beats(u, x, b->au + k * np, b->ax + k * ni, np, ni)) continue;
    if (w != k) {
      memcpy(b->au + w * np, b->au + k * np, (size_t)np * sizeof *u);
      memcpy(b->ax + w * ni, b->ax + k * ni, (size_t)ni * sizeof *x);
    }
    w++;
  }
  b->na = w;
  if (b->na == b->capa) {
    size_t cap = b->capa ? b->capa * 2 : 64;
    if (cap > b->lim->max_points) cap = b->lim->max_points;
    if (cap <= b->na) {
      b->rc = PL_ETOOBIG;
      return;
    }
    double *au = pl__realloc(b->au, cap * (size_t)np * sizeof *au);
    if (au) b->au = au;
    uint32_t *ax = pl__realloc(b->ax, cap * (size_t)(ni ? ni : 1) * sizeof *ax);
    if (ax) b->ax = ax;
    uint32_t *srt = pl__realloc(b->srt, cap * sizeof *srt);
    if (srt) b->srt = srt;
    if (!au || !ax || !srt) {
      b->rc = PL_ENOMEM;
      return;
    }
    b->capa = cap;
  }
  memcpy(b->au + b->na * np, u, (size_t)np * sizeof *u);
  memcpy(b->ax + b->na * ni, x, (size_t)ni * sizeof *x);
  b->na++;
}

/* Evaluates outcome x and offers it when feasible. */
static void try_outcome(bb *b, const uint32_t *x) {
  const pl__problem *pb = b->pb;
  double u[PL__MAX_PARTIES];
  for (int p = 0; p < b->np; p++) {
    u[p] = pl_scenario_utility(b->s, p, x);
    if (pb->rv_bit[p] && u[p] < pb->rv[p] - PL_TOLERANCE) return;
  }
  for (int k = 0; k < pb->n_multi; k++)
    if (!pl__expr_eval(pb->multi[k], x)) return;
  archive_add(b, u, x);
}

/* The least epsilon such that a held package is at most epsilon below ub
 * in every utility (INFINITY with none held). */
static double gap_of(const bb *b, const double *ub) {
  double best = INFINITY;
  for (size_t k = 0; k < b->na; k++) {
    const double *q = b->au + k * b->np;
    double g = 0;
    for (int p = 0; p < b->np; p++)
      if (ub[p] - q[p] > g) g = ub[p] - q[p];
    if (g < best) best = g;
  }
  return best;
}

/* The box's first outcome, into b->y. */
static void first_outcome(bb *b) {
  for (int i = 0; i < b->ni; i++)
    b->y[i] = b->rep[i][b->fix[i] >= 0 ? b->fix[i] : 0];
}

/* Whether a held package beats every outcome of the box: it is at least
 * the bound, and clearly above it somewhere or before the box's first
 * outcome. */
static bool covered(bb *b, const double *ub) {
  const int np = b->np, ni = b->ni;
  bool first = false;
  for (size_t k = 0; k < b->na; k++) {
    const double *q = b->au + k * np;
    if (!at_least(q, ub, np)) continue;
    if (clearly_above(q, ub, np)) return true;
    if (!first) first_outcome(b);
    first = true;
    if (lex(b->ax + k * ni, b->y, ni) < 0) return true;
  }
  return false;
}

/* ------------------------------------------------------------------ */
/* bounds                                                              */
/* ------------------------------------------------------------------ */

/* The epsilons of the successive searches: LEVEL0, halved down to
 * LEVEL_MIN, then the one asked for (0: exact). */
#define LEVEL0 0.08
#define LEVEL_MIN 0.01

/* Rounds of share moves per box (see relax), and the depth down to which
 * boxes keep the shares they start with (the even split) and move none. */
#define PASSES 2
#define SHALLOW 3

/* The values of free issue i in V (stride np: a party's column of F;
 * stride 1: one weighted sum, G, at foff[i] / np). */
static double *values_of(const bb *b, double *V, int stride, int i) {
  return V + b->foff[i] / (size_t)b->np * (size_t)stride;
}

/* For condition k of a rectangle (on free issue i, share alpha[k]): the
 * best value of a class it allows, its own share removed, less the best of
 * a class it does not (+inf: every class allows it; -inf: none does). A
 * share a on issue i raises max_c V_i(c) by a + d past -d when d < 0 (the
 * slack, free), by a when d >= 0. */
static double share_gap(const bb *b, const double *f, int stride, uint32_t k,
                        const double *alpha) {
  const int i = (int)b->ri[k];
  const uint8_t *in = b->in[i] + (size_t)b->rj[k] * b->ncls[i];
  double mo = -INFINITY, am = -INFINITY;
  for (uint32_t c = 0; c < b->ncls[i]; c++) {
    double v = f[(size_t)c * stride];
    if (!in[c]) {
      if (v > mo) mo = v;
    } else if (v - alpha[k] > am) {
      am = v - alpha[k];
    }
  }
  return am - mo;
}

/* Sets condition k's share to a, its classes' values in f following. */
static void set_share(const bb *b, double *f, int stride, uint32_t k,
                      double *alpha, double a) {
  const int i = (int)b->ri[k];
  const uint8_t *in = b->in[i] + (size_t)b->rj[k] * b->ncls[i];
  double d = a - alpha[k];
  alpha[k] = a;
  for (uint32_t c = 0; c < b->ncls[i]; c++)
    if (in[c]) f[(size_t)c * stride] += d;
}

/* One block step of the share moves (see relax) for open rectangle r of
 * utility w, its shares in alpha, the class values in V (see values_of).
 * The shares first take the slack of each issue (share_gap), where they
 * raise max_c V(c) not at all; the rest raises it one for one wherever it
 * goes: on the last. The best shares for r with the others held, so the
 * bound never rises; integral utilities keep integral shares. */
static void move_shares(bb *b, size_t r, double *V, int stride,
                        double *alpha, double w) {
  double rem = w;
  uint32_t last = 0;
  for (uint32_t k = b->rs[r]; k < b->rs[r + 1]; k++) {
    int i = (int)b->ri[k];
    if (b->fix[i] >= 0) continue;
    double *f = values_of(b, V, stride, i);
    double gap = share_gap(b, f, stride, k, alpha);
    double slack = gap < 0 ? -gap : 0; /* what the share may take free */
    set_share(b, f, stride, k, alpha, slack < rem ? slack : rem);
    rem -= alpha[k];
    last = k;
  }
  if (rem > 0) { /* the rest costs one for one anywhere: the last */
    int i = (int)b->ri[last];
    set_share(b, values_of(b, V, stride, i), stride, last, alpha,
              alpha[last] + rem);
  }
}

/* The same block step, choosing among the best shares for r the ones that
 * level the issues: with d_i the share gap of each free issue (share_gap),
 * a_i = max(0, theta - d_i), theta such that the shares sum to w (water
 * filling). Also a best step (past its slack a share costs one for one
 * wherever it goes), but it leaves the rectangle the same margin a_i + d_i
 * on every issue it has a share on: the update of max-sum diffusion
 * (Werner 2007, TPAMI 29(7), which equalises such margins), where
 * move_shares, filling the slacks in order, stalls at a fixed point far
 * from the best shares. At the root of 30issuesDiscountedwithRV, for the
 * sum u0/2 + u1/2, move_shares stays at 0.990 from its third round on
 * (300 tried), this reaches 0.892 in ten: the optimum of the linear programme,
 * there equal to the integer optimum (both solved apart with an LP/MIP
 * solver). Shares are not kept integral: for the weighted sums only
 * (refine_weighted). */
static void level_shares(bb *b, size_t r, double *V, int stride,
                         double *alpha, double w) {
  uint32_t n = 0, none = UINT32_MAX;
  double *d = b->gaps, *ds = b->gaps + b->ni;
  uint32_t *ks = b->gapk;
  for (uint32_t k = b->rs[r]; k < b->rs[r + 1]; k++) {
    int i = (int)b->ri[k];
    if (b->fix[i] >= 0) continue;
    d[n] = share_gap(b, values_of(b, V, stride, i), stride, k, alpha);
    if (d[n] == -INFINITY && none == UINT32_MAX) none = n;
    ks[n++] = k;
  }
  if (!n) return;
  double *a = ds; /* sorted gaps first, then the shares */
  if (none != UINT32_MAX) { /* a condition no class meets: free for all */
    for (uint32_t q = 0; q < n; q++) a[q] = q == none ? w : 0;
  } else {
    for (uint32_t q = 0; q < n; q++) { /* insertion sort: few issues */
      uint32_t t = q;
      for (; t > 0 && ds[t - 1] > d[q]; t--) ds[t] = ds[t - 1];
      ds[t] = d[q];
    }
    if (ds[0] == INFINITY) { /* every class meets every condition */
      for (uint32_t q = 0; q < n; q++) a[q] = w / n;
    } else {
      double theta = 0, sum = 0;
      for (uint32_t t = 1; t <= n; t++) {
        sum += ds[t - 1];
        theta = (w + sum) / t;
        if (t == n || theta <= ds[t]) break;
      }
      for (uint32_t q = 0; q < n; q++)
        a[q] = theta - d[q] > 0 ? theta - d[q] : 0;
    }
    /* the largest share takes the rest: they sum to w but for rounding */
    uint32_t big = 0;
    for (uint32_t q = 1; q < n; q++)
      if (a[q] > a[big]) big = q;
    double rest = w;
    for (uint32_t q = 0; q < n; q++)
      if (q != big) rest -= a[q];
    a[big] = rest > 0 ? rest : 0;
  }
  for (uint32_t q = 0; q < n; q++)
    set_share(b, values_of(b, V, stride, (int)b->ri[ks[q]]), stride, ks[q],
              alpha, a[q]);
}

/* The relaxation of every hyper-rectangle party in a box: each open
 * rectangle (met on its fixed issues, some issues still free) with a
 * positive utility gets a share alpha of its utility on each free issue it
 * conditions, the shares summing to the utility. A rectangle holds only if
 * every condition does, so sum_i f_i(x_i), with f_i(c) the shares of the
 * rectangles class c meets on issue i, bounds the party's open utility
 * from above for every outcome of the box, and sum_i max_c f_i(c) bounds
 * it over the box. The shares start even at the root, and in a child box
 * as its parent's left them (the share on the issue just fixed goes to
 * the first free one: maintained incrementally down the search, as soft
 * arc consistency is, Cooper & Schiex 2004). Below depth SHALLOW they
 * are then moved, rectangle by rectangle, onto the issues where they cost
 * nothing (in the first boxes the even split branches better: on most
 * ANAC 2014 domains it reached a smaller epsilon within the same budget
 * than shares moved from the root, bench_nonlinear): on issue i a share
 * raises
 * max_c f_i(c) only beyond the slack between the best class and the
 * best class the rectangle allows. That is block coordinate descent on
 * the bound (max-sum diffusion: Werner 2007, "A linear programming
 * approach to max-sum problem: a review", IEEE TPAMI 29(7)), each move
 * never raising it. Integral utilities keep integral shares, so the sums
 * are exact. Fills b->F for the free issues (additive parties'
 * contributions included). */
static void relax(bb *b, int depth, const double *prev) {
  const int np = b->np, ni = b->ni;
  for (int i = 0; i < ni; i++)
    if (b->fix[i] < 0)
      memcpy(b->F + b->foff[i], b->add[i],
             (size_t)b->ncls[i] * np * sizeof *b->F);
  for (size_t r = 0; r < b->nr; r++) {
    if (b->dead[r] || !b->nfree[r] || b->rw[r] <= 0) continue;
    const int p = b->rparty[r];
    double w = b->rw[r], even = b->int_sums ? floor(w / b->nfree[r])
                                           : w / b->nfree[r];
    double rest = w - even * (b->nfree[r] - 1);
    if (prev) { /* the parent's shares; the fixed issue's to the first */
      rest = w;
      for (uint32_t k = b->rs[r]; k < b->rs[r + 1]; k++)
        if (b->fix[b->ri[k]] < 0) rest -= prev[k];
    }
    bool first = true;
    for (uint32_t k = b->rs[r]; k < b->rs[r + 1]; k++) {
      int i = (int)b->ri[k];
      if (b->fix[i] >= 0) continue;
      double a = prev ? prev[k] + (first ? rest : 0) : first ? rest : even;
      first = false;
      b->alpha[k] = a;
      const uint8_t *in = b->in[i] + (size_t)b->rj[k] * b->ncls[i];
      double *f = b->F + b->foff[i] + p;
      for (uint32_t c = 0; c < b->ncls[i]; c++)
        if (in[c]) f[(size_t)c * np] += a;
    }
  }
  for (int pass = 0; depth > SHALLOW && pass < PASSES; pass++)
    for (size_t r = 0; r < b->nr; r++)
      if (!b->dead[r] && b->nfree[r] >= 2 && b->rw[r] > 0)
        move_shares(b, r, b->F + b->rparty[r], np, b->alpha, b->rw[r]);
}

/* Whether free issue i still matters: some class changes some utility or
 * red line. */
static bool matters(const bb *b, int i) {
  if (b->ncls[i] < 2) return false;
  if (b->multi[i] || b->addvar[i]) return true;
  for (uint32_t j = 0; j < b->ncond[i]; j++)
    if (!b->dead[b->cond[i][j]] && b->vary[i][j]) return true;
  return false;
}

/* The normalised score of class c of free issue i: the sum over parties
 * of its relaxed value. */
static double class_score(const bb *b, int i, uint32_t c) {
  const double *f = b->F + b->foff[i] + (size_t)c * b->np;
  double v = 0;
  for (int p = 0; p < b->np; p++)
    v += b->hyper[p] ? f[p] / b->s->parties[p].max_utility : f[p];
  return v;
}

/* The box's upper bound point into ub and a probe outcome (each free
 * issue at its best class for the sum of the parties) into b->x; returns
 * the issue to branch on, or -1 when no free issue matters (every outcome
 * of the box then has the same utilities and feasibility). */
static int bound(bb *b, double *ub, int depth) {
  const int np = b->np, ni = b->ni;
  double hs[PL__MAX_PARTIES];
  for (int p = 0; p < np; p++) ub[p] = hs[p] = 0;
  for (size_t r = 0; r < b->nr; r++)
    if (!b->dead[r] && !b->nfree[r]) hs[b->rparty[r]] += b->rw[r];
  b->alpha = b->alphas + (size_t)depth * b->nc;
  relax(b, depth, depth ? b->alpha - b->nc : NULL);
  for (int p = 0; p < np; p++) b->cst[p] = hs[p] + (b->hyper[p] ? b->margin[p] : 0);
  int best = -1;
  double best_spread = -1;
  for (int i = 0; i < ni; i++) {
    if (b->fix[i] >= 0) {
      const double *a = b->add[i] + (size_t)b->fix[i] * np;
      for (int p = 0; p < np; p++) {
        ub[p] += a[p];
        if (!b->hyper[p]) b->cst[p] += a[p];
      }
      b->x[i] = b->rep[i][b->fix[i]];
      continue;
    }
    const uint32_t nc = b->ncls[i];
    const double *f = b->F + b->foff[i];
    double spread = 0, top = -INFINITY;
    uint32_t arg = 0;
    for (int p = 0; p < np; p++) {
      double mx = -INFINITY, mn = INFINITY;
      for (uint32_t c = 0; c < nc; c++) {
        double v = f[(size_t)c * np + p];
        if (v > mx) mx = v;
        if (v < mn) mn = v;
      }
      if (b->hyper[p]) {
        hs[p] += mx;
        spread += (mx - mn) / b->s->parties[p].max_utility;
      } else {
        ub[p] += mx;
        spread += mx - mn;
      }
    }
    for (uint32_t c = 0; c < nc; c++) {
      double v = class_score(b, i, c);
      if (v > top) {
        top = v;
        arg = c;
      }
    }
    b->x[i] = b->rep[i][arg];
    if (spread > best_spread && matters(b, i)) {
      best = i;
      best_spread = spread;
    }
  }
  for (int p = 0; p < np; p++) {
    if (b->hyper[p])
      ub[p] = (hs[p] + b->margin[p]) / b->s->parties[p].max_utility;
    if (ub[p] > 1) ub[p] = 1; /* as every utility */
  }
  return best;
}

static void fix_issue(bb *b, int i, uint32_t c) {
  b->fix[i] = (int32_t)c;
  for (uint32_t j = 0; j < b->ncond[i]; j++) {
    uint32_t r = b->cond[i][j];
    b->nfree[r]--;
    if (!b->in[i][(size_t)j * b->ncls[i] + c]) b->dead[r]++;
  }
}

static void free_issue(bb *b, int i) {
  uint32_t c = (uint32_t)b->fix[i];
  for (uint32_t j = 0; j < b->ncond[i]; j++) {
    uint32_t r = b->cond[i][j];
    b->nfree[r]++;
    if (!b->in[i][(size_t)j * b->ncls[i] + c]) b->dead[r]--;
  }
  b->fix[i] = -1;
}

/* ------------------------------------------------------------------ */
/* the search                                                          */
/* ------------------------------------------------------------------ */

/* Two parties: bounds R[k] of lambda_k u0 + (1 - lambda_k) u1 over the
 * box, from the relaxation in b->F (the parties' conflicts on one issue
 * count: a class good for one and bad for the other bounds both), with an
 * allowance for the rounding of these sums. With the bound point they
 * make the box's bound set (Ehrgott & Gandibleux 2007, "Bound sets for
 * biobjective combinatorial optimization problems", Computers & OR
 * 34(9)). Sums LAMBDAS and LAMBDAS + 1 are party 0 and party 1 alone:
 * the bound point's, refined only (see end_cut). */
static double lambda_of(int k) {
  return k < LAMBDAS ? (double)(k + 1) / (LAMBDAS + 1) : k == LAMBDAS;
}

static void weighted_bounds(bb *b) {
  double sc[2];
  for (int p = 0; p < 2; p++)
    sc[p] = b->hyper[p] ? 1 / b->s->parties[p].max_utility : 1;
  for (int k = 0; k < LAMBDAS; k++) {
    double l = lambda_of(k);
    b->R[k] = l * b->cst[0] * sc[0] + (1 - l) * b->cst[1] * sc[1];
  }
  for (int i = 0; i < b->ni; i++) {
    if (b->fix[i] >= 0) continue;
    const double *f = b->F + b->foff[i];
    for (int k = 0; k < LAMBDAS; k++) {
      double l = lambda_of(k), m = -INFINITY;
      for (uint32_t c = 0; c < b->ncls[i]; c++) {
        double v = l * f[2 * c] * sc[0] + (1 - l) * f[2 * c + 1] * sc[1];
        if (v > m) m = v;
      }
      b->R[k] += m;
    }
  }
  for (int k = 0; k < LAMBDAS; k++) {
    b->R[k] += 1e-12 * (1 + fabs(b->R[k]));
    b->refined[k] = false;
  }
  for (int k = LAMBDAS; k < LAMBDAS + 2; k++) { /* the bound point's */
    b->R[k] = INFINITY;
    b->refined[k] = false;
  }
}

/* Rounds of share moves per weighted sum (see refine_weighted). */
#define LPASSES 3

/* Two parties: tightens every R[k] with shares of its own. relax splits
 * each rectangle's utility over its free issues to bound each party
 * alone; the bound of lambda u0 + (1 - lambda) u1 is best with shares
 * moved for that sum, where one party's slack on an issue can take the
 * other's share. So shares are moved again, LPASSES rounds of
 * level_shares, on the weighted class values G_i(c) = lambda F_i0(c) / M0
 * + (1 - lambda) F_i1(c) / M1, from relax's shares (in G's units), and
 * R[k] is the smaller of the two bounds: block coordinate descent on the
 * dual of the weighted problem (max-sum diffusion, Werner 2007, TPAMI
 * 29(7); the scalarised bound of a biobjective node, Ehrgott &
 * Gandibleux 2007), each bound valid for any shares that are
 * non-negative and sum to the rectangle's utility. Its rounding gets an
 * allowance as relax's (mass over 2^52 per addition to a value). Costs
 * a relaxation: run only for boxes the cheap bounds leave open. With
 * lambda 1 or 0 (k >= LAMBDAS) it bounds one party alone, the other's
 * rectangles left out. */
static void refine_weighted(bb *b, int k) {
  double sc[2];
  for (int p = 0; p < 2; p++)
    sc[p] = b->hyper[p] ? 1 / b->s->parties[p].max_utility : 1;
  b->refined[k] = true;
  b->refines++;
  {
    double l = lambda_of(k), co[2] = {l * sc[0], (1 - l) * sc[1]};
    for (int i = 0; i < b->ni; i++) {
      if (b->fix[i] >= 0) continue;
      const double *f = b->F + b->foff[i];
      double *g = b->G + b->foff[i] / 2;
      for (uint32_t c = 0; c < b->ncls[i]; c++)
        g[c] = co[0] * f[2 * c] + co[1] * f[2 * c + 1];
    }
    for (size_t r = 0; r < b->nr; r++)
      for (uint32_t j = b->rs[r]; j < b->rs[r + 1]; j++)
        b->alpha2[j] = co[b->rparty[r]] * b->alpha[j];
    for (int pass = 0; pass < LPASSES; pass++)
      for (size_t r = 0; r < b->nr; r++)
        if (!b->dead[r] && b->nfree[r] >= 2 && b->rw[r] > 0 &&
            co[b->rparty[r]] > 0)
          level_shares(b, r, b->G, 1, b->alpha2,
                       co[b->rparty[r]] * b->rw[r]);
    double R = co[0] * b->cst[0] + co[1] * b->cst[1];
    for (int i = 0; i < b->ni; i++) {
      if (b->fix[i] >= 0) continue;
      const double *g = b->G + b->foff[i] / 2;
      double m = -INFINITY;
      for (uint32_t c = 0; c < b->ncls[i]; c++)
        if (g[c] > m) m = g[c];
      R += m;
    }
    double mass = co[0] * b->mass[0] + co[1] * b->mass[1];
    R += 64.0 * (double)(b->nr + 2) * (LPASSES + 2) * 0x1p-52 * mass +
         1e-12 * (1 + fabs(R));
    if (R < b->R[k]) b->R[k] = R;
  }
}

static _Thread_local const double *g_au;
static int by_first_desc(const void *x, const void *y) {
  double a = g_au[2 * *(const uint32_t *)x], c = g_au[2 * *(const uint32_t *)y];
  return (a < c) - (a > c);
}

/* Whether some weighted-sum bound excludes point q: lambda q0 + (1 -
 * lambda) q1 at least R[k] (strict: above it). The sums not yet refined
 * are refined, the nearest to excluding q first, until one does. */
static bool cut_by(bb *b, double q0, double q1, bool strict) {
  for (;;) {
    int best = -1;
    double near = INFINITY;
    for (int k = 0; k < LAMBDAS; k++) {
      double l = lambda_of(k), d = b->R[k] - (l * q0 + (1 - l) * q1);
      if (strict ? d < 0 : d <= 0) return true;
      if (!b->refined[k] && d < near) {
        near = d;
        best = k;
      }
    }
    if (best < 0 || !b->refine) return false;
    refine_weighted(b, best);
  }
}

/* Whether the bound set excludes every point above corner q. */
static bool corner_cut(bb *b, const double *ub, double q0, double q1) {
  if (ub[0] <= q0 || ub[1] <= q1) return true;
  return cut_by(b, q0, q1, false);
}

/* Whether the bound set excludes every feasible point with u_p above q
 * (an end of the staircase): party p's bound is at most q, or once
 * refined (refine_weighted with lambda 1 or 0); or, when the other party
 * has a reservation value, the corner of q and that value (the points
 * under it are infeasible: try_outcome drops them) is cut. */
static bool end_cut(bb *b, const double *ub, int p, double q) {
  if (ub[p] <= q) return true;
  const pl__problem *pb = b->pb;
  if (pb->rv_bit[1 - p]) {
    /* just under the least feasible utility of the other party */
    double r = nextafter(pb->rv[1 - p] - PL_TOLERANCE, -INFINITY);
    if (p == 0 ? corner_cut(b, ub, q, r) : corner_cut(b, ub, r, q))
      return true;
  }
  if (!b->refine || !b->hyper[p]) return false;
  if (!b->refined[LAMBDAS + p]) refine_weighted(b, LAMBDAS + p);
  return b->R[LAMBDAS + p] <= q;
}

/* Whether point m lies outside the bound set (which then misses every
 * point at or above m: its constraints only bound from above). */
static bool point_out(bb *b, const double *ub, double m0, double m1) {
  if (ub[0] < m0 || ub[1] < m1) return true;
  return cut_by(b, m0, m1, true);
}

/* Two parties: whether every point of the box's bound set is dominated by
 * a found package raised by eps (the complement of the dominated region is
 * the union of the quadrants above the corners between consecutive found
 * packages); with eps 0, a point equal to a found package must also come
 * after it in outcome order. */
static bool covered2(bb *b, const double *ub, double eps) {
  if (!b->na) return false;
  if (!b->sorted) {
    for (size_t k = 0; k < b->na; k++) b->srt[k] = (uint32_t)k;
    g_au = b->au;
    qsort(b->srt, b->na, sizeof *b->srt, by_first_desc);
    b->sorted = true;
  }
  const double *u = b->au;
  const uint32_t *o = b->srt;
  if (!end_cut(b, ub, 0, u[2 * o[0]] + eps)) return false;
  if (!end_cut(b, ub, 1, u[2 * o[b->na - 1] + 1] + eps)) return false;
  for (size_t j = 0; j + 1 < b->na; j++)
    if (!corner_cut(b, ub, u[2 * o[j + 1]] + eps, u[2 * o[j] + 1] + eps))
      return false;
  if (eps > 0) return true;
  /* Outcomes within the tolerance below a found package are beaten only
   * by one that comes first: the bound set must miss [y - tol, y] for
   * every package y after the box's first outcome. */
  first_outcome(b);
  for (size_t j = 0; j < b->na; j++) {
    const double *y = u + 2 * o[j];
    if (lex(b->ax + (size_t)o[j] * b->ni, b->y, b->ni) < 0) continue;
    if (!point_out(b, ub, y[0] - PL_TOLERANCE, y[1] - PL_TOLERANCE))
      return false;
  }
  return true;
}

static _Thread_local const double *g_score;
static int by_score(const void *x, const void *y) {
  uint32_t a = *(const uint32_t *)x, c = *(const uint32_t *)y;
  if (g_score[a] != g_score[c]) return g_score[a] > g_score[c] ? -1 : 1;
  return (a > c) - (a < c);
}

static void keep_open(bb *b, const double *ub) {
  memcpy(b->open + b->nopen * b->np, ub, (size_t)b->np * sizeof *ub);
  b->nopen++;
}

static void search(bb *b, int depth) {
  const int np = b->np;
  if (b->boxes + b->refines >= b->lim->max_boxes) {
    b->stopped = true;
    if (depth == 0) b->root_open = true; /* nothing bounded */
    return;
  }
  b->boxes++;
  double *ub = b->ubs + (size_t)depth * np;
  int br = bound(b, ub, depth);
  const pl__problem *pb = b->pb;
  for (int p = 0; p < np; p++)
    if (pb->rv_bit[p] && ub[p] < pb->rv[p] - PL_TOLERANCE) return;
  if (np == 2) {
    weighted_bounds(b);
    b->refine = false; /* the cheap bounds first */
    if (covered2(b, ub, 0)) return;
    if (b->eps > 0 && covered2(b, ub, b->eps)) {
      if (b->eps > b->gap) b->gap = b->eps;
      return;
    }
    /* Then refined. Covered at 0 implies covered at eps (every corner
     * and end raised by eps is cut where the one under it is), and a test
     * that refines answers as it would with every sum refined (refining
     * only lowers the R[k], and cut_by refines until one cuts or none is
     * left); so the test at eps comes first, and the one at 0 runs only
     * while it could still change the gap: the same prunes and gap as
     * testing at 0 first, without refining every sum for each box only
     * covered at eps (half the refinements on 30issuesDiscountedwithRV,
     * bench_nonlinear). */
    b->refine = true;
    if (b->eps > 0) {
      if (!covered2(b, ub, b->eps)) goto open;
      if (b->eps > b->gap && !covered2(b, ub, 0)) b->gap = b->eps;
      return;
    }
    if (covered2(b, ub, 0)) return;
  open:;
  } else {
    if (covered(b, ub)) return;
    if (b->eps > 0) {
      double g = gap_of(b, ub);
      if (g > 0 && g <= b->eps) {
        if (g > b->gap) b->gap = g;
        return;
      }
    }
  }
  if (br < 0) { /* one utility vector: its first outcome */
    for (int i = 0; i < b->ni; i++)
      b->x[i] = b->rep[i][b->fix[i] >= 0 ? b->fix[i] : 0];
    try_outcome(b, b->x);
    return;
  }
  try_outcome(b, b->x);
  if (b->rc) return;
  /* children: the classes of the issue, best for the parties' sum first */
  uint32_t *ord = b->order[br];
  for (uint32_t c = 0; c < b->ncls[br]; c++) {
    ord[c] = c;
    b->score[c] = class_score(b, br, c);
  }
  g_score = b->score;
  qsort(ord, b->ncls[br], sizeof *ord, by_score);
  for (uint32_t k = 0; k < b->ncls[br]; k++) {
    fix_issue(b, br, ord[k]);
    search(b, depth + 1);
    free_issue(b, br);
    if (b->rc) return;
    if (b->stopped) {
      keep_open(b, ub); /* covers the children not searched */
      return;
    }
  }
}

/* Weighted sums the seeding climbs (two parties: lambda from 1 to 0). */
#define SEEDS 17
#define SEED_SWEEPS 6

/* The seeding's objective at outcome x: the weighted sum of the
 * utilities, less 10 for every red line x breaks and 10 times the
 * shortfall under each reservation value (so a climb from an infeasible
 * outcome heads for the feasible ones). */
static double seed_value(const bb *b, const double *w, const uint32_t *x) {
  const pl__problem *pb = b->pb;
  double v = 0;
  for (int p = 0; p < b->np; p++) {
    double u = pl_scenario_utility(b->s, p, x);
    v += w[p] * u;
    if (pb->rv_bit[p] && u < pb->rv[p]) v -= 10 * (pb->rv[p] - u + 1);
  }
  for (int k = 0; k < pb->n_multi; k++)
    if (!pl__expr_eval(pb->multi[k], x)) v -= 10;
  return v;
}

/* Found packages before the search, so that its first boxes already meet
 * a staircase to be pruned against: for a series of weighted sums of the
 * utilities (two parties: lambda u0 + (1 - lambda) u1, lambda from 1 down
 * to 0; more: each party alone, then the plain sum), a first-improvement
 * coordinate ascent over the classes of each issue, each from the last
 * one's optimum (the first from the root's probe, b->x), offering every
 * optimum (local search seeding the incumbents of branch and bound; on
 * biobjective problems, the weighted-sum sweep of Aneja & Nair 1979,
 * "Bicriteria transportation problem", Management Science 25(1)). A fixed
 * amount of work: SEEDS sums of at most SEED_SWEEPS sweeps. The packages
 * are offered like any others, so the result does not depend on them. */
static void seed(bb *b) {
  const int np = b->np, ni = b->ni;
  int nw = np == 2 ? SEEDS : np + 1;
  uint32_t *x = b->y; /* scratch: first_outcome is not needed here */
  memcpy(x, b->x, (size_t)ni * sizeof *x);
  for (int k = 0; k < nw && !b->rc; k++) {
    double w[PL__MAX_PARTIES];
    for (int p = 0; p < np; p++)
      w[p] = np == 2 ? (p == 0 ? 1 - (double)k / (SEEDS - 1)
                               : (double)k / (SEEDS - 1))
                     : (k == np || k == p);
    double v = seed_value(b, w, x);
    for (int sweep = 0; sweep < SEED_SWEEPS; sweep++) {
      bool better = false;
      for (int i = 0; i < ni; i++) {
        if (b->fix[i] >= 0) continue;
        uint32_t keep = x[i];
        for (uint32_t c = 0; c < b->ncls[i]; c++) {
          if (b->rep[i][c] == keep) continue;
          x[i] = b->rep[i][c];
          double t = seed_value(b, w, x);
          if (t > v + 1e-12) {
            v = t;
            keep = x[i];
            better = true;
          }
        }
        x[i] = keep;
      }
      if (!better) break;
    }
    try_outcome(b, x);
  }
}

int pl__box_frontier(const pl__problem *pb, const pl__box_limits *lim,
                     pl__candidates *out, pl__box_result *res) {
  bb b;
  memset(&b, 0, sizeof b);
  memset(out, 0, sizeof *out);
  memset(res, 0, sizeof *res);
  b.pb = pb;
  b.s = pb->s;
  b.lim = lim;
  b.ni = pb->ni;
  b.np = pb->np;
  b.eps = lim->epsilon;
  const int ni = b.ni, np = b.np;
  int rc = setup_rects(&b);
  uint32_t maxc = 1;
  for (int i = 0; !rc && i < ni; i++)
    if (b.ncls[i] > maxc) maxc = b.ncls[i];
  if (!rc) {
    b.hyper = pl__calloc((size_t)np, sizeof *b.hyper);
    b.margin = pl__calloc((size_t)np, sizeof *b.margin);
    b.fix = pl__malloc((size_t)(ni ? ni : 1) * sizeof *b.fix);
    size_t nF = 0, nc = 0;
    b.foff = pl__malloc((size_t)(ni ? ni : 1) * sizeof *b.foff);
    for (int i = 0; b.foff && i < ni; i++) {
      b.foff[i] = nF;
      nF += (size_t)b.ncls[i] * np;
      nc += b.ncond[i];
    }
    b.F = pl__malloc((nF ? nF : 1) * sizeof *b.F);
    b.rs = pl__calloc(b.nr + 1, sizeof *b.rs);
    b.ri = pl__malloc((nc ? nc : 1) * sizeof *b.ri);
    b.rj = pl__malloc((nc ? nc : 1) * sizeof *b.rj);
    b.nc = nc;
    b.alphas = pl__calloc((size_t)(ni + 1) * (nc ? nc : 1), sizeof *b.alphas);
    b.alpha = b.alphas;
    b.alpha2 = pl__calloc(nc ? nc : 1, sizeof *b.alpha2);
    b.gaps = pl__malloc((size_t)(ni ? ni : 1) * 2 * sizeof *b.gaps);
    b.gapk = pl__malloc((size_t)(ni ? ni : 1) * sizeof *b.gapk);
    b.G = pl__malloc((nF ? nF : 1) * sizeof *b.G);
    if (b.foff && b.rs && b.ri && b.rj) { /* conditions by rectangle */
      for (int i = 0; i < ni; i++)
        for (uint32_t j = 0; j < b.ncond[i]; j++) b.rs[b.cond[i][j] + 1]++;
      for (size_t r = 0; r < b.nr; r++) b.rs[r + 1] += b.rs[r];
      for (int i = 0; i < ni; i++)
        for (uint32_t j = 0; j < b.ncond[i]; j++) {
          uint32_t r = b.cond[i][j], k = b.rs[r]++;
          b.ri[k] = (uint32_t)i;
          b.rj[k] = j;
        }
      for (size_t r = b.nr; r > 0; r--) b.rs[r] = b.rs[r - 1];
      b.rs[0] = 0;
    }
    b.score = pl__malloc((size_t)maxc * sizeof *b.score);
    b.ubs = pl__malloc((size_t)(ni + 1) * np * sizeof *b.ubs);
    b.open = pl__malloc((size_t)(ni + 1) * np * sizeof *b.open);
    b.x = pl__malloc((size_t)(ni ? ni : 1) * sizeof *b.x);
    b.y = pl__malloc((size_t)(ni ? ni : 1) * sizeof *b.y);
    if (!b.hyper || !b.margin || !b.fix || !b.foff || !b.F || !b.rs ||
        !b.ri || !b.rj || !b.alphas || !b.alpha2 || !b.gaps || !b.gapk ||
        !b.G || !b.score ||
        !b.ubs ||
        !b.open || !b.x || !b.y)
      rc = PL_ENOMEM;
  }
  if (rc) {
    bb_free(&b);
    return rc;
  }
  /* Integral rectangle utilities of modest size sum exactly in any order;
   * else every hyper bound gets an allowance for the rounding of up to nr
   * additions, in the bound and in the utility it bounds. */
  b.int_sums = true;
  for (int p = 0; p < np; p++) b.hyper[p] = b.s->parties[p].hyper;
  double mass[PL__MAX_PARTIES] = {0};
  for (size_t r = 0; r < b.nr; r++) {
    b.int_sums &= b.rw[r] == floor(b.rw[r]);
    mass[b.rparty[r]] += fabs(b.rw[r]);
  }
  for (int p = 0; p < np; p++) {
    b.mass[p] = mass[p];
    b.int_sums &= mass[p] < 0x1p50;
    b.margin[p] = 64.0 * (double)(b.nr + 2) * 0x1p-52 * mass[p];
  }
  if (b.int_sums)
    for (int p = 0; p < np; p++) b.margin[p] = 0;
  for (int i = 0; i < ni; i++) b.fix[i] = -1;
  for (size_t r = 0; r < b.nr; r++) b.nfree[r] = b.rdeg[r];
  bool empty = false;
  for (int i = 0; i < ni; i++) empty |= b.ncls[i] == 0;
  /* Issues with one class are fixed from the start. */
  for (int i = 0; i < ni && !empty; i++)
    if (b.ncls[i] == 1) fix_issue(&b, i, 0);
  /* Searches at falling epsilons, each from the root with the packages
   * found before: a search that ends certifies its epsilon, and the found
   * packages make the next one prune sooner. The last is exact, or at the
   * epsilon asked for. */
  double cert = INFINITY;
  if (!empty) {
    double ub[PL__MAX_PARTIES];
    bound(&b, ub, 0); /* the root's probe, into b.x */
    seed(&b);
  }
  for (int level = 0; !empty && !b.rc && !b.stopped; level++) {
    double e = LEVEL0 / (double)(1 << level);
    if (e <= lim->epsilon || e < LEVEL_MIN) e = lim->epsilon;
    b.eps = e;
    b.gap = 0;
    b.nopen = 0;
    search(&b, 0);
    if (!b.stopped) cert = b.gap;
    if (e == lim->epsilon) break;
  }
  if (empty) cert = 0;
  rc = b.rc;
  if (!rc) {
    /* Cut short: the search under way certifies the gap of its open
     * boxes and of those it dropped, the last finished one its own. */
    double eps = b.root_open ? INFINITY : b.gap;
    for (size_t k = 0; k < b.nopen; k++) {
      double g = gap_of(&b, b.open + k * np);
      if (g > eps) eps = g;
    }
    res->epsilon = b.stopped && eps < cert ? eps : cert;
    res->boxes = b.boxes;
    res->complete = !b.stopped;
    out->n = b.na;
    out->options = b.ax;
    b.ax = NULL;
  }
  bb_free(&b);
  return rc;
}
