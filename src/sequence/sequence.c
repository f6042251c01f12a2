/* pl_sequence_analyze and pl_sequence_evaluate: orchestration of the
 * conflict search (conflicts.c) and the order search (ideals.c), the
 * figures of an order, the levers, and the accessors
 * (docs/sequencing.md). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sequence/ideals.h"
#include "sequence/sequence_internal.h"

void pl_sequence_options_init(pl_sequence_options *o) {
  memset(o, 0, sizeof *o);
  o->struct_size = sizeof *o;
  o->max_states = (uint64_t)1 << 25;
  o->memory_limit = (uint64_t)2 << 30;
  o->beam_width = 256;
  o->max_conflicts = 100;
  o->levers = 1;
  o->max_extra_tranches = 12;
  o->tranche_work = (uint64_t)1 << 25;
}

/* Options from a caller that may be older (smaller struct_size). */
static void read_options(const pl_sequence_options *in,
                         pl_sequence_options *o) {
  pl_sequence_options_init(o);
  PL__OPTIONS_COPY(o, in);
}

static uint64_t all_parties(int np) {
  return np == 64 ? ~(uint64_t)0 : ((uint64_t)1 << np) - 1;
}

/* ------------------------------------------------------------------ */
/* one order's figures                                                 */
/* ------------------------------------------------------------------ */

static void order_free(pl__order *o) {
  pl__free(o->steps);
  pl__free(o->tranches);
  pl__free(o->gain);
  pl__free(o->violated);
  memset(o, 0, sizeof *o);
}

/* Fills o from the order `steps` (n positions): tranches, running gains,
 * broken demands. PL_EINVAL (message in err) for an order that leaves a
 * step out, repeats one beyond its tranches, or starts one before its
 * prerequisites are complete. */
static int order_fill(const pl_plan *p, const int *steps, size_t n,
                      pl__order *o, pl_error *err) {
  int ns = p->ns, np = p->np, rc = PL_OK;
  memset(o, 0, sizeof *o);
  size_t *firstpos = pl__malloc((size_t)ns * sizeof *firstpos);
  size_t *lastpos = pl__malloc((size_t)ns * sizeof *lastpos);
  o->steps = pl__malloc((n ? n : 1) * sizeof *o->steps);
  o->tranches = pl__calloc((size_t)ns, sizeof *o->tranches);
  o->gain = pl__calloc((n + 1) * (size_t)np, sizeof *o->gain);
  o->violated = pl__malloc(((size_t)p->nd + 1) * sizeof *o->violated);
  if (!firstpos || !lastpos || !o->steps || !o->tranches || !o->gain ||
      !o->violated) {
    rc = pl__err(err, PL_ENOMEM, "out of memory");
    goto done;
  }
  for (size_t k = 0; k < n; k++) {
    int s = steps[k];
    if (s < 0 || s >= ns) {
      rc = pl__err(err, PL_EINVAL, "position %zu of the order: no step %d",
                   k + 1, s);
      goto done;
    }
    if (o->tranches[s] == p->steps[s].tranches) {
      rc = p->steps[s].tranches == 1
               ? pl__err(err, PL_EINVAL,
                         "step \"%s\" appears more than once in the order; "
                         "it may not be split into tranches",
                         p->steps[s].id)
               : pl__err(err, PL_EINVAL,
                         "step \"%s\" appears more than %d times in the "
                         "order; it may be split into at most %d tranches",
                         p->steps[s].id, p->steps[s].tranches,
                         p->steps[s].tranches);
      goto done;
    }
    if (!o->tranches[s]++) firstpos[s] = k;
    lastpos[s] = k;
    o->steps[k] = s;
  }
  for (int s = 0; s < ns; s++)
    if (!o->tranches[s]) {
      rc = pl__err(err, PL_EINVAL, "the order leaves out step \"%s\"",
                   p->steps[s].id);
      goto done;
    }
  for (int s = 0; s < ns; s++)
    for (size_t j = 0; j < p->steps[s].n_after; j++) {
      int t = p->steps[s].after[j];
      if (lastpos[t] > firstpos[s]) {
        rc = pl__err(err, PL_EINVAL,
                     "the order starts step \"%s\" before its prerequisite "
                     "\"%s\" is complete",
                     p->steps[s].id, p->steps[t].id);
        goto done;
      }
    }
  o->n = n;
  for (size_t k = 0; k < n; k++) {
    int s = o->steps[k];
    for (int q = 0; q < np; q++)
      o->gain[(k + 1) * (size_t)np + (size_t)q] =
          o->gain[k * (size_t)np + (size_t)q] +
          p->gain[(size_t)s * (size_t)np + (size_t)q] / o->tranches[s];
  }
  for (int d = 0; d < p->nd; d++) {
    const pl__plan_demand *m = &p->demands[d];
    int x = m->step;
    bool ok = true;
    switch (m->kind) {
    case PL_DEMAND_AFTER:
      for (size_t k = 0; k < m->n_others && ok; k++)
        ok = lastpos[m->others[k]] < firstpos[x];
      break;
    case PL_DEMAND_BEFORE:
      for (size_t k = 0; k < m->n_others && ok; k++)
        ok = firstpos[m->others[k]] > lastpos[x];
      break;
    case PL_DEMAND_FIRST:
      for (int y = 0; y < ns && ok; y++) ok = y == x || firstpos[y] > lastpos[x];
      break;
    case PL_DEMAND_LAST:
      for (int y = 0; y < ns && ok; y++) ok = y == x || lastpos[y] < firstpos[x];
      break;
    }
    if (ok) continue;
    o->violated[o->n_violated++] = d;
    if (m->hard)
      o->hard++;
    else
      o->weight += m->weight;
  }
  o->present = true;
done:
  pl__free(firstpos);
  pl__free(lastpos);
  if (rc) order_free(o);
  return rc;
}

/* The order of units found by a search, as steps. */
static int order_from_units(const pl_plan *p, const pl__units *u,
                            const int *units, pl__order *o, pl_error *err) {
  int *steps = pl__malloc((size_t)u->n * sizeof *steps);
  if (!steps) return pl__err(err, PL_ENOMEM, "out of memory");
  for (int k = 0; k < u->n; k++) steps[k] = u->step[units[k]];
  int rc = order_fill(p, steps, (size_t)u->n, o, err);
  pl__free(steps);
  return rc;
}

/* The party's minimum slack over the prefixes (first prefix reaching it). */
static double party_min(const pl_sequence *r, const pl__order *o, int q,
                        size_t *at) {
  size_t np = (size_t)r->plan->np, best_at = 0;
  double best = INFINITY;
  for (size_t k = 0; k <= o->n; k++) {
    double s = r->bound[q] - o->gain[k * np + (size_t)q];
    if (s < best) {
      best = s;
      best_at = k;
    }
  }
  if (at) *at = best_at;
  return best;
}

static double order_min(const pl_sequence *r, const pl__order *o,
                        size_t *at, int *party) {
  double best = INFINITY;
  size_t best_at = 0;
  int best_p = 0;
  size_t np = (size_t)r->plan->np;
  for (size_t k = 0; k <= o->n; k++)
    for (size_t q = 0; q < np; q++) {
      double s = r->bound[q] - o->gain[k * np + q];
      if (s < best) {
        best = s;
        best_at = k;
        best_p = (int)q;
      }
    }
  if (at) *at = best_at;
  if (party) *party = best_p;
  return best;
}

/* ------------------------------------------------------------------ */
/* bounds from the structure                                           */
/* ------------------------------------------------------------------ */

/* lb_hard: pairwise disjoint conflicts each cost a hard demand; lb_weight:
 * soft demands that contradict the relation every admissible order
 * respects; ub_slack: each step splits every order into the prefixes that
 * must hold its ancestors and cannot hold its descendants. */
static int structural_bounds(pl_sequence *r) {
  const pl_plan *p = r->plan;
  int ns = p->ns, np = p->np, rc = PL_ENOMEM;
  pl__graph rel = {0}, work = {0};
  uint64_t *reach = NULL;
  int *scratch = pl__malloc(((size_t)ns + 1) * sizeof *scratch);
  if (!scratch || pl__graph_init(&rel, ns) || pl__graph_init(&work, ns))
    goto done;
  r->lb_hard = 0;
  if (!r->conf.feasible) {
    uint64_t *used = pl__calloc(pl__words((size_t)p->nd) + 1, sizeof *used);
    if (!used) goto done;
    for (size_t k = 0; k < r->conf.n; k++) {
      bool disjoint = true;
      for (size_t j = 0; j < r->conf.set_n[k] && disjoint; j++)
        disjoint = !pl__bit(used, (size_t)r->conf.sets[k][j]);
      if (!disjoint) continue;
      for (size_t j = 0; j < r->conf.set_n[k]; j++)
        pl__setbit(used, (size_t)r->conf.sets[k][j]);
      r->lb_hard++;
    }
    pl__free(used);
    if (!r->lb_hard) r->lb_hard = 1;
  }
  pl__graph_add_prereqs(&rel, p);
  if (r->conf.feasible)
    for (int d = 0; d < p->nd; d++)
      if (p->demands[d].hard) pl__graph_add_demand(&rel, p, d);
  r->lb_weight = 0;
  for (int d = 0; d < p->nd; d++) {
    if (p->demands[d].hard) continue;
    pl__graph_copy(&work, &rel);
    pl__graph_add_demand(&work, p, d);
    if (!pl__graph_acyclic(&work, scratch)) r->lb_weight += p->demands[d].weight;
  }
  if (!(reach = pl__malloc((size_t)ns * (size_t)rel.nw * sizeof *reach)))
    goto done;
  pl__graph_closure(&rel, reach);
  double ub = INFINITY;
  for (int q = 0; q < np; q++) {
    double total = 0;
    for (int s = 0; s < ns; s++) total += p->gain[(size_t)s * (size_t)np + (size_t)q];
    ub = fmin(ub, fmin(r->bound[q], r->bound[q] - total));
    for (int s = 0; s < ns; s++) {
      /* before s: its ancestors, maybe some free steps; after: and s */
      double anc = 0, low = 0;
      for (int t = 0; t < ns; t++) {
        if (t == s) continue;
        double gt = p->gain[(size_t)t * (size_t)np + (size_t)q];
        if (pl__bit(reach + (size_t)t * (size_t)rel.nw, (size_t)s))
          anc += gt;
        else if (!pl__bit(reach + (size_t)s * (size_t)rel.nw, (size_t)t))
          low += gt < 0 ? gt : 0;
      }
      double gs = p->gain[(size_t)s * (size_t)np + (size_t)q];
      ub = fmin(ub, r->bound[q] - (anc + low));
      ub = fmin(ub, r->bound[q] - (anc + gs + low));
    }
  }
  r->ub_slack = ub;
  rc = PL_OK;
done:
  pl__free(scratch);
  pl__free(reach);
  pl__graph_free(&rel);
  pl__graph_free(&work);
  return rc;
}

/* ------------------------------------------------------------------ */
/* analysis                                                            */
/* ------------------------------------------------------------------ */

static pl_sequence *result_new(const pl_plan *p) {
  pl_sequence *r = pl__calloc(1, sizeof *r);
  if (!r) return NULL;
  r->plan = p;
  double scale = 1;
  for (int q = 0; q < p->np; q++) {
    double total = 0, size = p->parties[q].defection_cost;
    for (int s = 0; s < p->ns; s++) {
      double g = p->gain[(size_t)s * (size_t)p->np + (size_t)q];
      total += g;
      size += fabs(g);
    }
    r->bound[q] = total + p->parties[q].defection_cost;
    scale = fmax(scale, size);
  }
  r->tol = 1e-9 * scale;
  r->tranche_status = PL_TRANCHES_NOT_COMPUTED;
  return r;
}

void pl_sequence_free(pl_sequence *r) {
  if (!r) return;
  pl__conflicts_free(&r->conf);
  for (int k = 0; k < PL__ORDER_KINDS; k++) order_free(&r->order[k]);
  pl__free(r);
}

/* The tranche lever: splits with 1, 2, ... extra tranches in all, until
 * one admits a safe order; among those of the first size that does, the
 * one with the largest minimum slack (the first in enumeration order, which
 * gives steps listed earlier more tranches, among equals). */
typedef struct tsearch {
  const pl_plan *p;
  pl_sequence *r;
  const pl_sequence_options *o;
  int *split;      /* tranches of each step, being enumerated */
  int *best;       /* the best split so far */
  double best_slack;
  bool found, limited, stop, failed;
  uint64_t work, hard;
  int *splittable, ns_split;
} tsearch;

static void try_split(tsearch *t) {
  const pl_plan *p = t->p;
  pl__units u;
  pl__space sp;
  if (pl__units_build(p, t->split, t->r->conf.feasible, t->r->bound, &u)) {
    t->failed = true;
    return;
  }
  uint64_t left = t->o->tranche_work > t->work ? t->o->tranche_work - t->work : 0;
  uint64_t cap = t->o->max_states < left ? t->o->max_states : left;
  int rc = u.n > 64 ? PL_ETOOBIG
                    : pl__space_build(&u, cap, t->o->memory_limit, 0, &sp);
  if (rc == PL_ETOOBIG) {
    t->limited = true;
    if (left <= t->o->max_states) t->stop = true; /* the work is spent */
    pl__units_free(&u);
    return;
  }
  if (rc) {
    t->failed = true;
    pl__units_free(&u);
    return;
  }
  t->work += sp.count;
  pl__objective ob = {false, all_parties(p->np), 0, t->r->tol, -INFINITY};
  pl__space_value(&sp, &ob);
  uint64_t k0 = pl__space_index(&sp, 0);
  if (sp.a[k0].u <= t->hard && sp.b[k0].d >= -t->r->tol &&
      (!t->found || sp.b[k0].d > t->best_slack)) {
    t->found = true;
    t->best_slack = sp.b[k0].d;
    memcpy(t->best, t->split, (size_t)p->ns * sizeof *t->best);
  }
  pl__space_free(&sp);
  pl__units_free(&u);
}

/* Every way to share `extra` among splittable steps k.. */
static void splits(tsearch *t, int k, int extra) {
  if (t->stop || t->failed) return;
  if (k == t->ns_split) {
    if (!extra) try_split(t);
    return;
  }
  int s = t->splittable[k];
  int most = t->p->steps[s].tranches - 1;
  for (int e = extra < most ? extra : most; e >= 0; e--) {
    t->split[s] = 1 + e;
    splits(t, k + 1, extra - e);
    if (t->stop || t->failed) break;
  }
  t->split[s] = 1;
}

static int tranche_lever(pl_sequence *r, const pl_sequence_options *o,
                         uint64_t hard, pl_error *err) {
  const pl_plan *p = r->plan;
  int ns = p->ns, rc = PL_OK;
  tsearch t = {.p = p, .r = r, .o = o, .hard = hard};
  t.split = pl__malloc((size_t)ns * sizeof *t.split);
  t.best = pl__malloc((size_t)ns * sizeof *t.best);
  t.splittable = pl__malloc((size_t)ns * sizeof *t.splittable);
  if (!t.split || !t.best || !t.splittable) {
    rc = pl__err(err, PL_ENOMEM, "out of memory");
    goto done;
  }
  int most = 0;
  for (int s = 0; s < ns; s++) {
    t.split[s] = 1;
    if (p->steps[s].tranches > 1) {
      t.splittable[t.ns_split++] = s;
      most += p->steps[s].tranches - 1;
    }
  }
  r->tranche_status = PL_TRANCHES_NONE;
  r->tranche_extra = 0;
  for (int extra = 1; extra <= most; extra++) {
    if ((unsigned)extra > o->max_extra_tranches) {
      r->tranche_status = PL_TRANCHES_LIMIT;
      break;
    }
    splits(&t, 0, extra);
    if (t.failed) {
      rc = pl__err(err, PL_ENOMEM, "out of memory");
      goto done;
    }
    if (t.found) {
      r->tranche_status = PL_TRANCHES_FOUND;
      r->tranche_extra = extra;
      break;
    }
    if (t.limited) {
      r->tranche_status = PL_TRANCHES_LIMIT;
      break;
    }
    r->tranche_extra = extra;
  }
  if (t.found) {
    /* the best split's safest order, again */
    pl__units u;
    pl__space sp;
    int *units = NULL;
    if (pl__units_build(p, t.best, r->conf.feasible, r->bound, &u)) {
      rc = pl__err(err, PL_ENOMEM, "out of memory");
      goto done;
    }
    rc = pl__space_build(&u, UINT64_MAX, UINT64_MAX, 0, &sp);
    if (!rc && !(units = pl__malloc((size_t)u.n * sizeof *units))) rc = PL_ENOMEM;
    if (!rc) {
      pl__objective ob = {false, all_parties(p->np), 0, r->tol, -INFINITY};
      pl__space_value(&sp, &ob);
      if (pl__space_path(&sp, &ob, units))
        rc = order_from_units(p, &u, units, &r->order[PL_ORDER_TRANCHED], err);
    } else {
      rc = pl__err(err, PL_ENOMEM, "out of memory");
    }
    pl__free(units);
    pl__space_free(&sp);
    pl__units_free(&u);
  }
done:
  pl__free(t.split);
  pl__free(t.best);
  pl__free(t.splittable);
  return rc;
}

/* The exact search over the ideals of u. */
static int exact(pl_sequence *r, const pl_sequence_options *o, pl__units *u,
                 pl__space *sp, pl_error *err) {
  const pl_plan *p = r->plan;
  int np = p->np, rc;
  uint64_t all = all_parties(np);
  int *units = pl__malloc((size_t)u->n * sizeof *units);
  if (!units) return pl__err(err, PL_ENOMEM, "out of memory");
  r->exact = true;
  r->states = sp->count;
  r->bytes = sp->bytes;
  uint64_t k0 = pl__space_index(sp, 0);
  /* the best compromise, the safest among them */
  pl__objective rec = {true, all, 0, r->tol, -INFINITY};
  pl__space_value(sp, &rec);
  pl__space_path(sp, &rec, units);
  pl__order *ro = &r->order[PL_ORDER_RECOMMENDED];
  if ((rc = order_from_units(p, u, units, ro, err))) goto done;
  pl__space_count(sp, &rec);
  ro->counted = true;
  ro->optimal = sp->b[k0].u;
  ro->capped = ro->optimal >= (uint64_t)1 << 63;
  /* the safest order, breaking as few hard demands */
  pl__objective safe = {false, all, 0, r->tol, -INFINITY};
  pl__space_value(sp, &safe);
  uint64_t hard = sp->a[k0].u;
  double widest = sp->b[k0].d;
  pl__space_path(sp, &safe, units);
  pl__order *so = &r->order[PL_ORDER_SAFEST];
  if ((rc = order_from_units(p, u, units, so, err))) goto done;
  pl__objective wide = {false, all, 0, r->tol, widest};
  pl__space_count(sp, &wide);
  so->counted = true;
  so->optimal = sp->b[k0].u;
  so->capped = so->optimal >= (uint64_t)1 << 63;
  if (!o->levers) goto done;
  r->levers = true;
  r->uniform = widest < 0 ? -widest : 0;
  for (int q = 0; q < np; q++) {
    uint64_t me = (uint64_t)1 << q;
    double d = p->parties[q].defection_cost;
    pl__objective guarded = {false, me, all & ~me, r->tol, -INFINITY};
    pl__space_value(sp, &guarded);
    r->has_needed[q] = sp->a[k0].u <= hard;
    r->needed[q] = d + (sp->b[k0].d < 0 ? -sp->b[k0].d : 0);
    pl__objective alone = {false, me, 0, r->tol, -INFINITY};
    pl__space_value(sp, &alone);
    r->alone[q] = d + (sp->b[k0].d < 0 ? -sp->b[k0].d : 0);
  }
  if (widest >= -r->tol) {
    r->tranche_status = PL_TRANCHES_NOT_NEEDED;
  } else {
    pl__space_free(sp); /* room for the splits' tables */
    rc = tranche_lever(r, o, hard, err);
  }
done:
  pl__free(units);
  return rc;
}

/* The beam's width within a work budget: about 2^30 elementary steps
 * (candidate orders times what scoring one costs) over all beams, so that
 * hostile plans (256 steps, 64 parties, thousands of demands) stay within
 * seconds. */
static unsigned beam_width(const pl__units *u, unsigned want, int share) {
  double per = (double)u->n * (double)u->n *
               ((double)u->np + 1 + (double)u->nchk * u->nw / u->n);
  double w = floor((double)(1u << 30) / share / per);
  if (!(w >= 1)) w = 1;
  return w < want ? (unsigned)w : want;
}

/* The beam search beyond the exact search's reach. */
static int heuristic(pl_sequence *r, const pl_sequence_options *o,
                     pl__units *u, pl_error *err) {
  const pl_plan *p = r->plan;
  int np = p->np, rc;
  uint64_t all = all_parties(np), cost;
  double bott;
  int *units = pl__malloc((size_t)u->n * sizeof *units);
  if (!units) return pl__err(err, PL_ENOMEM, "out of memory");
  r->exact = false;
  unsigned wide = beam_width(u, o->beam_width, 4);
  unsigned narrow = beam_width(u, o->beam_width, 4 * np);
  pl__objective rec = {true, all, 0, r->tol, -INFINITY};
  if ((rc = pl__beam(u, &rec, wide, units, &cost, &bott)) ||
      (rc = order_from_units(p, u, units, &r->order[PL_ORDER_RECOMMENDED], err)))
    goto done;
  pl__objective safe = {false, all, 0, r->tol, -INFINITY};
  if ((rc = pl__beam(u, &safe, wide, units, &cost, &bott)) ||
      (rc = order_from_units(p, u, units, &r->order[PL_ORDER_SAFEST], err)))
    goto done;
  uint64_t hard = cost;
  if (!o->levers) goto done;
  r->levers = true;
  r->uniform = bott < 0 ? -bott : 0;
  for (int q = 0; q < np; q++) {
    uint64_t me = (uint64_t)1 << q, c2;
    double d = p->parties[q].defection_cost, b2;
    pl__objective guarded = {false, me, all & ~me, r->tol, -INFINITY};
    rc = pl__beam(u, &guarded, narrow, units, &c2, &b2);
    if (rc && rc != PL_ENOTFOUND) goto done;
    r->has_needed[q] = !rc && c2 <= hard;
    r->needed[q] = d + (!rc && b2 < 0 ? -b2 : 0);
    pl__objective alone = {false, me, 0, r->tol, -INFINITY};
    if ((rc = pl__beam(u, &alone, narrow, units, &c2, &b2))) goto done;
    r->alone[q] = d + (b2 < 0 ? -b2 : 0);
  }
  r->tranche_status = PL_TRANCHES_NOT_COMPUTED;
done:
  if (rc == PL_ENOMEM || rc == PL_ENOTFOUND)
    rc = pl__err(err, rc, rc == PL_ENOMEM ? "out of memory"
                                          : "the heuristic found no order");
  pl__free(units);
  return rc;
}

int pl_sequence_analyze(const pl_plan *p, const pl_sequence_options *opts,
                        pl_sequence **out, pl_error *err) {
  pl_error local;
  if (!err) err = &local;
  if (!out) return pl__err(err, PL_EINVAL, "no place for the result");
  *out = NULL;
  if (!p) return pl__err(err, PL_EINVAL, "no plan");
  pl_sequence_options o;
  read_options(opts, &o);
  pl_sequence *r = result_new(p);
  if (!r) return pl__err(err, PL_ENOMEM, "out of memory");
  int rc = pl__find_conflicts(p, o.max_conflicts, &r->conf);
  if (!rc) rc = structural_bounds(r);
  if (rc) {
    pl_sequence_free(r);
    return pl__err(err, rc, "out of memory");
  }
  pl__units u;
  if (pl__units_build(p, NULL, r->conf.feasible, r->bound, &u)) {
    pl_sequence_free(r);
    return pl__err(err, PL_ENOMEM, "out of memory");
  }
  pl__space sp;
  rc = pl__space_build(&u, o.max_states, o.memory_limit, 0, &sp);
  if (rc == PL_OK) {
    rc = exact(r, &o, &u, &sp, err);
    pl__space_free(&sp);
  } else if (rc == PL_ETOOBIG) {
    rc = heuristic(r, &o, &u, err);
  } else {
    rc = pl__err(err, rc, "out of memory");
  }
  pl__units_free(&u);
  if (rc) {
    pl_sequence_free(r);
    return rc;
  }
  *out = r;
  return PL_OK;
}

int pl_sequence_evaluate(const pl_plan *p, const int *order, size_t n,
                         pl_sequence **out, pl_error *err) {
  pl_error local;
  if (!err) err = &local;
  if (!out) return pl__err(err, PL_EINVAL, "no place for the result");
  *out = NULL;
  if (!p || (!order && n)) return pl__err(err, PL_EINVAL, "no plan or order");
  pl_sequence *r = result_new(p);
  if (!r) return pl__err(err, PL_ENOMEM, "out of memory");
  r->evaluated = true;
  r->exact = true;
  int rc = order_fill(p, order, n, &r->order[PL_ORDER_RECOMMENDED], err);
  if (!rc && (rc = pl__find_conflicts(p, 100, &r->conf)) == PL_OK)
    rc = structural_bounds(r);
  if (rc == PL_ENOMEM) pl__err(err, rc, "out of memory");
  if (rc) {
    pl_sequence_free(r);
    return rc;
  }
  const pl__order *o = &r->order[PL_ORDER_RECOMMENDED];
  r->levers = true;
  double m = order_min(r, o, NULL, NULL);
  r->uniform = m < 0 ? -m : 0;
  for (int q = 0; q < p->np; q++) {
    double mq = party_min(r, o, q, NULL);
    r->has_needed[q] = true;
    r->needed[q] = r->alone[q] =
        p->parties[q].defection_cost + (mq < 0 ? -mq : 0);
  }
  *out = r;
  return PL_OK;
}

/* ------------------------------------------------------------------ */
/* accessors                                                           */
/* ------------------------------------------------------------------ */

static const pl__order *get(const pl_sequence *r, pl_order_kind k) {
  if (!r || (int)k < 0 || (int)k >= PL__ORDER_KINDS || !r->order[k].present)
    return NULL;
  return &r->order[k];
}

const char *pl_order_kind_name(pl_order_kind k) {
  switch (k) {
  case PL_ORDER_RECOMMENDED:
    return "recommended";
  case PL_ORDER_SAFEST:
    return "safest";
  case PL_ORDER_TRANCHED:
    return "tranched";
  }
  return "?";
}

const char *pl_tranche_status_name(pl_tranche_status s) {
  switch (s) {
  case PL_TRANCHES_NOT_NEEDED:
    return "not_needed";
  case PL_TRANCHES_FOUND:
    return "found";
  case PL_TRANCHES_NONE:
    return "none";
  case PL_TRANCHES_LIMIT:
    return "limit";
  case PL_TRANCHES_NOT_COMPUTED:
    return "not_computed";
  }
  return "?";
}

int pl_sequence_evaluated(const pl_sequence *r) { return r->evaluated; }
int pl_sequence_feasible(const pl_sequence *r) { return r->conf.feasible; }
int pl_sequence_exact(const pl_sequence *r) { return r->exact; }
uint64_t pl_sequence_states(const pl_sequence *r) { return r->states; }
uint64_t pl_sequence_memory(const pl_sequence *r) { return r->bytes; }

size_t pl_sequence_conflict_count(const pl_sequence *r) { return r->conf.n; }
const int *pl_sequence_conflict(const pl_sequence *r, size_t k, size_t *n) {
  if (k >= r->conf.n) {
    *n = 0;
    return NULL;
  }
  *n = r->conf.set_n[k];
  return r->conf.sets[k];
}
const int *pl_sequence_conflict_cycle(const pl_sequence *r, size_t k,
                                      size_t *n) {
  if (k >= r->conf.n) {
    *n = 0;
    return NULL;
  }
  *n = r->conf.cycle_n[k];
  return r->conf.cycles[k];
}
int pl_sequence_conflicts_complete(const pl_sequence *r) {
  return r->conf.complete;
}

const int *pl_sequence_order(const pl_sequence *r, pl_order_kind k,
                             size_t *n) {
  const pl__order *o = get(r, k);
  *n = o ? o->n : 0;
  return o ? o->steps : NULL;
}

int pl_sequence_order_tranches(const pl_sequence *r, pl_order_kind k,
                               int step) {
  const pl__order *o = get(r, k);
  if (!o || step < 0 || step >= r->plan->ns) return 0;
  return o->tranches[step];
}

double pl_sequence_gain(const pl_sequence *r, pl_order_kind k, int party,
                        size_t prefix) {
  const pl__order *o = get(r, k);
  if (!o || party < 0 || party >= r->plan->np || prefix > o->n) return NAN;
  return o->gain[prefix * (size_t)r->plan->np + (size_t)party];
}

double pl_sequence_bound(const pl_sequence *r, int party) {
  if (party < 0 || party >= r->plan->np) return NAN;
  return r->bound[party];
}

double pl_sequence_slack(const pl_sequence *r, pl_order_kind k, int party,
                         size_t prefix) {
  double g = pl_sequence_gain(r, k, party, prefix);
  return isnan(g) ? NAN : r->bound[party] - g;
}

double pl_sequence_min_slack(const pl_sequence *r, pl_order_kind k,
                             size_t *prefix, int *party) {
  const pl__order *o = get(r, k);
  if (!o) return NAN;
  return order_min(r, o, prefix, party);
}

double pl_sequence_party_min_slack(const pl_sequence *r, pl_order_kind k,
                                   int party, size_t *prefix) {
  const pl__order *o = get(r, k);
  if (!o || party < 0 || party >= r->plan->np) return NAN;
  return party_min(r, o, party, prefix);
}

int pl_sequence_safe(const pl_sequence *r, pl_order_kind k) {
  const pl__order *o = get(r, k);
  return o && order_min(r, o, NULL, NULL) >= -r->tol;
}

int pl_sequence_exposed(const pl_sequence *r, pl_order_kind k, int party) {
  const pl__order *o = get(r, k);
  if (!o || party < 0 || party >= r->plan->np) return 0;
  return party_min(r, o, party, NULL) < -r->tol;
}

const int *pl_sequence_violated(const pl_sequence *r, pl_order_kind k,
                                size_t *n) {
  const pl__order *o = get(r, k);
  *n = o ? o->n_violated : 0;
  return o && o->n_violated ? o->violated : NULL;
}

int pl_sequence_hard_violated(const pl_sequence *r, pl_order_kind k) {
  const pl__order *o = get(r, k);
  return o ? o->hard : 0;
}

int64_t pl_sequence_weight_violated(const pl_sequence *r, pl_order_kind k) {
  const pl__order *o = get(r, k);
  return o ? o->weight : 0;
}

uint64_t pl_sequence_optimal_orders(const pl_sequence *r, pl_order_kind k,
                                    int *capped) {
  const pl__order *o = get(r, k);
  if (capped) *capped = o && o->capped;
  return o && o->counted ? o->optimal : 0;
}

double pl_sequence_bounds(const pl_sequence *r, int *hard, int64_t *weight) {
  if (hard) *hard = r->lb_hard;
  if (weight) *weight = r->lb_weight;
  return r->ub_slack;
}

int pl_sequence_levers(const pl_sequence *r) { return r->levers; }
double pl_sequence_uniform_guarantee(const pl_sequence *r) {
  return r->levers ? r->uniform : NAN;
}

int pl_sequence_guarantee(const pl_sequence *r, int party, double *needed,
                          double *alone) {
  if (!r->levers || party < 0 || party >= r->plan->np) {
    if (needed) *needed = NAN;
    if (alone) *alone = NAN;
    return 0;
  }
  if (needed) *needed = r->has_needed[party] ? r->needed[party] : NAN;
  if (alone) *alone = r->alone[party];
  return r->has_needed[party];
}

pl_tranche_status pl_sequence_tranche_lever(const pl_sequence *r, int *extra) {
  if (extra) *extra = r->tranche_extra;
  return r->tranche_status;
}
