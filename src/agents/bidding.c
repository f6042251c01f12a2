/* Bidding strategies (see agent.h): what an agent offers at time t. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "agents/agent.h"
#include "agents/anac/anac.h"
#include "analysis/offers.h"

/* With the outcome's utility for the party already known. */
static bool allows_u(const pl__agent *a, const uint32_t *o, double u) {
  return pl__agent_violations(a, o, u) == 0;
}

/* The next outcome of the walk down, into peek; none when the walk is
 * over (exhausted: every outcome the party may allow was walked, or the
 * iterator reached its memory cap) or stops for this answer (cut: its
 * budget, or the session's time limit). */
static int advance(pl__agent *a) {
  a->peek_t = -1;
  if (a->exhausted) return PL_OK;
  if (a->walked >= PL__WALK_TURN ||
      ((a->walked + 1) % PL__WALK_CLOCK == 0 && a->expired &&
       a->expired(a->expired_ctx))) {
    a->cut = true;
    a->has_peek = false;
    return PL_OK;
  }
  a->walked++;
  a->visited++;
  if (a->pool) {
    const size_t ni = (size_t)a->s->n_issues;
    a->has_peek = a->pool_next < a->pool_n;
    a->exhausted = !a->has_peek;
    if (a->has_peek) {
      memcpy(a->peek, a->pool + a->pool_next * ni, ni * sizeof *a->peek);
      a->peek_u = a->pool_u[a->pool_next++];
    }
  } else {
    int rc = pl_offer_iter_next(a->it, a->peek, &a->peek_u);
    if (rc && rc != PL_ENOTFOUND && rc != PL_ETOOBIG) {
      a->has_peek = false;
      return rc;
    }
    a->has_peek = rc == PL_OK;
    a->exhausted = !a->has_peek;
  }
  /* the walk goes down: below the reservation value nothing is allowed */
  if (a->has_peek && a->peek_u < a->floor) a->has_peek = false, a->exhausted = true;
  return PL_OK;
}

static double target(pl__agent *a, double t) {
  const double rv = a->s->parties[a->party].reservation;
  if (a->kind == PL__AGENT_TFT) {
    double v = a->tft_target < a->pmax ? a->tft_target : a->pmax;
    return v > rv ? v : rv;
  }
  if (a->hardliner) return a->pmax;
  if (t == a->target_t) return a->target_v; /* accept, then propose */
  t = t < 0 ? 0 : t > 1 ? 1 : t;
  if (a->curve == PL__CURVE_ANAC) {
    a->target_t = t;
    return a->target_v = pl__anac_target(a, t);
  }
  double left; /* the share of Pmax - Pmin still asked for */
  switch (a->curve) {
  case PL__CURVE_POLY:
    left = 1 - pow(t, a->e);
    break;
  case PL__CURVE_EXP:
    left = (exp(pow(1 - t, a->e)) - 1) / (exp(1.0) - 1);
    break;
  default:
    left = 1 - (a->k + (1 - a->k) * pow(t, 1 / a->e));
  }
  a->target_t = t;
  a->target_v = rv + (a->pmax - rv) * left;
  return a->target_v;
}

/* The inverse of the curve: the time from which target(t) <= u, less a
 * margin far above its rounding (the curves fall with t); 0 when the
 * curve has no closed inverse here. A walking agent compares the time
 * with it instead of computing the target (a pow) every turn. */
static double reach_time(const pl__agent *a, double u) {
  const double rv = a->s->parties[a->party].reservation;
  if (a->kind != PL__AGENT_TIMEDEP || a->hardliner ||
      a->curve == PL__CURVE_ANAC || !(a->pmax - rv > 1e-6))
    return 0;
  double x = (u - rv) / (a->pmax - rv), t;
  if (x <= 0) return 1 - 1e-9;
  if (x >= 1) return 0;
  switch (a->curve) {
  case PL__CURVE_POLY:
    t = pow(1 - x, 1 / a->e);
    break;
  case PL__CURVE_EXP:
    t = 1 - pow(log1p(x * (exp(1.0) - 1)), 1 / a->e);
    break;
  default:
    t = x >= 1 - a->k ? 0 : pow(1 - x / (1 - a->k), a->e);
  }
  return t - 1e-9;
}

/* Keeps an outcome the walk passed, for the opponent model's choice. */
static void remember(pl__agent *a, const uint32_t *o, double u) {
  if (!a->om) return;
  const size_t ni = (size_t)a->s->n_issues;
  memcpy(a->ring + a->ring_head * ni, o, ni * sizeof *a->ring);
  a->ring_u[a->ring_head] = u;
  a->ring_head = (a->ring_head + 1) % PL__RING;
  if (a->ring_n < PL__RING) a->ring_n++;
}

/* The offer: cand, or with the opponent model the remembered outcome
 * within the window above the target that the others are estimated to
 * like best (ties: the least good for the agent, as without it). */
static const uint32_t *choose(pl__agent *a, double tau) {
  const size_t ni = (size_t)a->s->n_issues;
  const uint32_t *best = a->cand;
  double best_u = a->cand_u;
  if (a->om && pl__om_ready(a->om)) {
    double best_score = pl__om_score(a->om, a->cand);
    for (size_t k = 0; k < a->ring_n; k++) {
      double u = a->ring_u[k];
      if (u > tau + a->om_window || u < tau - PL_TOLERANCE) continue;
      const uint32_t *o = a->ring + k * ni;
      double sc = pl__om_score(a->om, o);
      if (sc > best_score || (sc == best_score && u < best_u)) {
        best = o;
        best_u = u;
        best_score = sc;
      }
    }
  }
  memcpy(a->offer, best, ni * sizeof *a->offer);
  a->offer_u = best_u;
  return a->offer;
}

/* Large spaces: the least good outcome at or above the target by branch
 * and bound; with the opponent model, also those at or above four more
 * targets up the window, as its candidates. */
static int search(pl__agent *a, double tau) {
  if (tau == a->last_target) return PL_OK;
  const size_t ni = (size_t)a->s->n_issues;
  a->has_peek = false; /* peek is scratch: the walk is not used */
  a->exhausted = true;
  a->ring_n = a->ring_head = 0;
  const int tries = a->om ? 5 : 1;
  for (int j = 0; j < tries; j++) {
    double u, goal = tau + a->om_window * j / (tries > 1 ? tries - 1 : 1);
    int exact;
    int rc = a->mitm ? pl__mitm_at_least(a->mitm, goal, a->peek, &u)
                     : pl__offer_at_least(a->s, a->party, goal, a->peek, &u,
                                          &exact, a->expired, a->expired_ctx,
                                          NULL);
    if (rc == PL_ENOTFOUND) break; /* keep the offer there is */
    if (rc) return rc;
    if (j == 0 && u <= a->cand_u) {
      memcpy(a->cand, a->peek, ni * sizeof *a->cand);
      a->cand_u = u;
    }
    remember(a, a->peek, u);
  }
  a->last_target = tau;
  return PL_OK;
}

/* A random outcome it allows; after 64 misses its best one. */
static const uint32_t *random_offer(pl__agent *a) {
  const pl_scenario *s = a->s;
  for (int tries = 0; tries < 64; tries++) {
    for (int i = 0; i < s->n_issues; i++)
      a->offer[i] = (uint32_t)(pl__splitmix64(&a->rng) % s->issues[i].n);
    double u = pl_scenario_utility(s, a->party, a->offer);
    if (allows_u(a, a->offer, u)) {
      a->offer_u = u;
      return a->offer;
    }
  }
  memcpy(a->offer, a->cand, (size_t)s->n_issues * sizeof *a->offer);
  a->offer_u = a->pmax;
  return a->offer;
}

/* MiCRO: its next-best outcome, once the others have made as many
 * distinct offers as it has; else its last offer again. */
static int micro(pl__agent *a) {
  if (a->own == 0) {
    a->own = 1;
    return PL_OK;
  }
  if (a->seen.n < a->own) return PL_OK;
  while (a->has_peek) {
    bool ok = allows_u(a, a->peek, a->peek_u);
    if (ok) {
      memcpy(a->cand, a->peek, (size_t)a->s->n_issues * sizeof *a->cand);
      a->cand_u = a->peek_u;
    }
    int rc = advance(a);
    if (rc) return rc;
    if (ok) {
      a->own++;
      break;
    }
  }
  return PL_OK;
}

bool pl__agent_propose(pl__agent *a, double t, const uint32_t **options,
                       int *rc) {
  *rc = PL_OK;
  if (a->kind == PL__AGENT_PLUGIN) return pl__plugin_propose(a, t, options);
  if (a->hopeless) return false;
  a->walked = 0;
  a->cut = false;
  if (!a->has_peek && !a->exhausted && (*rc = advance(a))) return false;
  /* the first acceptable outcome sets Pmax */
  while (!a->has_cand && a->has_peek) {
    if (allows_u(a, a->peek, a->peek_u)) {
      memcpy(a->cand, a->peek, (size_t)a->s->n_issues * sizeof *a->cand);
      a->cand_u = a->peek_u;
      a->pmax = a->peek_u;
      a->has_cand = true;
      remember(a, a->cand, a->cand_u);
    }
    if ((*rc = advance(a))) return false;
  }
  if (!a->has_cand) return false;
  if (a->kind == PL__AGENT_RANDOM) {
    *options = random_offer(a);
    return true;
  }
  if (a->curve == PL__CURVE_ANAC && (*options = pl__anac_drawn(a)))
    return true;
  if (a->kind == PL__AGENT_MICRO) {
    if ((*rc = micro(a))) return false;
    *options = choose(a, a->cand_u);
    return true;
  }
  if (!a->search && !a->om && a->kind == PL__AGENT_TIMEDEP) {
    /* walking without a model: the offer changes only once the target
     * reaches the next outcome */
    if (a->has_peek && a->peek_t < 0)
      a->peek_t = reach_time(a, a->peek_u + PL_TOLERANCE);
    if (!a->has_peek || t < a->peek_t) {
      *options = choose(a, a->cand_u);
      return true;
    }
  }
  const double tau = target(a, t);
  if (a->search && tau < a->cand_u) {
    if ((*rc = search(a, tau))) return false;
  } else {
    /* walk down while the next outcome still reaches the target */
    while (a->has_peek && a->peek_u >= tau - PL_TOLERANCE) {
      if (allows_u(a, a->peek, a->peek_u)) {
        memcpy(a->cand, a->peek, (size_t)a->s->n_issues * sizeof *a->cand);
        a->cand_u = a->peek_u;
        remember(a, a->cand, a->cand_u);
      }
      if ((*rc = advance(a))) return false;
    }
  }
  *options = choose(a, tau);
  return true;
}

/* ------------------------------------------------------------------ */
/* the walk of a hyper-rectangle party                                  */
/* ------------------------------------------------------------------ */

/* Spaces up to this size are listed whole and sorted: an exact walk. */
#define POOL_EXACT 65536u
/* Larger ones: random outcomes and the steps of first-improvement hill
 * climbs from random starts (one issue at a time, every option tried), so
 * that the pool holds local optima and outcomes at every level below them
 * -- the sampling local search GENIUS agents use on the ANAC 2014
 * non-linear domains. A budget of utility evaluations bounds the work. */
#define POOL_SAMPLES 1024
#define POOL_CLIMBS 32
#define POOL_BUDGET 200000

typedef struct pool_build {
  pl__agent *a;
  size_t n, cap;
  uint32_t *o;
  double *u;
} pool_build;

static int pool_add(pool_build *b, const uint32_t *o, double u) {
  const size_t ni = (size_t)b->a->s->n_issues;
  if (b->n == b->cap) {
    size_t cap = b->cap ? b->cap * 2 : 1024;
    uint32_t *no = pl__realloc(b->o, cap * ni * sizeof *no);
    if (no) b->o = no;
    double *nu = pl__realloc(b->u, cap * sizeof *nu);
    if (nu) b->u = nu;
    if (!no || !nu) return PL_ENOMEM;
    b->cap = cap;
  }
  memcpy(b->o + b->n * ni, o, ni * sizeof *o);
  b->u[b->n++] = u;
  return PL_OK;
}

/* Sort order: utility down, then a hash of the options (so duplicates
 * meet), then first found. */
typedef struct pool_key {
  double u;
  uint64_t h;
  size_t i;
} pool_key;

static int by_utility(const void *x, const void *y) {
  const pool_key *p = x, *q = y;
  if (p->u != q->u) return p->u > q->u ? -1 : 1;
  if (p->h != q->h) return p->h < q->h ? -1 : 1;
  return p->i < q->i ? -1 : p->i > q->i;
}

/* For the hill climbs: the rectangles that mention each issue, so that
 * changing one issue re-checks only those (the ANAC 2014 domains have
 * 10-50 issues and rectangles over a few of them). Sums are raw (not yet
 * divided by max_utility): the climb only compares them. */
typedef struct climb_index {
  const pl__party *pa;
  size_t *start;  /* ni + 1: rects of issue i are at[start[i]..start[i+1]) */
  size_t *at;
} climb_index;

static void climb_index_free(climb_index *ix) {
  pl__free(ix->start);
  pl__free(ix->at);
}

static int climb_index_new(climb_index *ix, const pl_scenario *s, int p) {
  const pl__party *pa = &s->parties[p];
  const size_t ni = (size_t)s->n_issues;
  size_t total = 0;
  for (size_t k = 0; k < pa->n_rects; k++) total += pa->rects[k].n;
  ix->pa = pa;
  ix->start = pl__calloc(ni + 2, sizeof *ix->start);
  ix->at = pl__malloc((total ? total : 1) * sizeof *ix->at);
  if (!ix->start || !ix->at) {
    climb_index_free(ix);
    return PL_ENOMEM;
  }
  for (size_t k = 0; k < pa->n_rects; k++)
    for (size_t j = 0; j < pa->rects[k].n; j++)
      ix->start[pa->rects[k].issue[j] + 2]++;
  for (size_t i = 2; i < ni + 2; i++) ix->start[i] += ix->start[i - 1];
  for (size_t k = 0; k < pa->n_rects; k++)
    for (size_t j = 0; j < pa->rects[k].n; j++)
      ix->at[ix->start[pa->rects[k].issue[j] + 1]++] = k;
  return PL_OK;
}

static bool contains(const pl__rect *r, const uint32_t *o) {
  for (size_t j = 0; j < r->n; j++)
    if (o[r->issue[j]] < r->lo[j] || o[r->issue[j]] > r->hi[j]) return false;
  return true;
}

/* The raw sum over the rectangles that mention issue i: the part of the
 * utility that changes with it. */
static double climb_issue(const climb_index *ix, const uint32_t *o, int i) {
  double sum = 0;
  for (size_t k = ix->start[i]; k < ix->start[i + 1]; k++) {
    const pl__rect *r = &ix->pa->rects[ix->at[k]];
    if (contains(r, o)) sum += r->utility;
  }
  return sum;
}

int pl__pool_init(pl__agent *a, pl_error *err) {
  const pl_scenario *s = a->s;
  const size_t ni = (size_t)s->n_issues;
  pool_build b = {a, 0, 0, NULL, NULL};
  uint64_t count = 0;
  int rc = PL_OK;
  uint32_t *o = a->work;
  long budget = POOL_BUDGET;
  a->pool_exact = pl_scenario_outcome_count(s, &count) == PL_OK &&
                  count <= POOL_EXACT;
  if (a->pool_exact) {
    for (uint64_t k = 0; k < count && !rc; k++) {
      pl_scenario_decode(s, k, o);
      rc = pool_add(&b, o, pl_scenario_utility(s, a->party, o));
    }
  } else {
    uint64_t rng = a->rng ^ 0x9E3779B97F4A7C15ull;
    for (int k = 0; k < POOL_SAMPLES && !rc; k++, budget--) {
      for (size_t i = 0; i < ni; i++)
        o[i] = (uint32_t)(pl__splitmix64(&rng) % s->issues[i].n);
      rc = pool_add(&b, o, pl_scenario_utility(s, a->party, o));
    }
    climb_index ix;
    if (!rc) rc = climb_index_new(&ix, s, a->party);
    for (int c = 0; c < POOL_CLIMBS && !rc && budget > 0; c++) {
      for (size_t i = 0; i < ni; i++)
        o[i] = (uint32_t)(pl__splitmix64(&rng) % s->issues[i].n);
      for (bool better = true; better && !rc && budget > 0;) {
        better = false;
        size_t start = (size_t)(pl__splitmix64(&rng) % ni);
        for (size_t j = 0; j < ni && budget > 0; j++) {
          size_t i = (start + j) % ni;
          uint32_t keep = o[i], best = keep;
          double best_here = climb_issue(&ix, o, (int)i);
          for (uint32_t v = 0; v < s->issues[i].n; v++, budget--) {
            if (v == keep) continue;
            o[i] = v;
            double w = climb_issue(&ix, o, (int)i);
            if (w > best_here + 1e-12) best_here = w, best = v;
          }
          o[i] = best;
          if (best != keep) {
            better = true;
            /* the pool keeps exact utilities, summed as everywhere */
            rc = pool_add(&b, o, pl_scenario_utility(s, a->party, o));
            if (rc) break;
          }
        }
      }
    }
    if (!rc) climb_index_free(&ix);
  }
  pool_key *idx = rc ? NULL : pl__malloc((b.n ? b.n : 1) * sizeof *idx);
  if (!rc && !idx) rc = PL_ENOMEM;
  if (!rc) {
    for (size_t k = 0; k < b.n; k++) {
      uint64_t h = 1469598103934665603ull;
      for (size_t i = 0; i < ni; i++) h = (h ^ b.o[k * ni + i]) * 1099511628211ull;
      idx[k] = (pool_key){b.u[k], h, k};
    }
    qsort(idx, b.n, sizeof *idx, by_utility);
    a->pool = pl__malloc((b.n ? b.n : 1) * ni * sizeof *a->pool);
    a->pool_u = pl__malloc((b.n ? b.n : 1) * sizeof *a->pool_u);
    if (!a->pool || !a->pool_u) rc = PL_ENOMEM;
  }
  for (size_t k = 0; !rc && k < b.n; k++) {
    const uint32_t *src = b.o + idx[k].i * ni;
    if (a->pool_n &&
        !memcmp(a->pool + (a->pool_n - 1) * ni, src, ni * sizeof *src))
      continue; /* the same outcome twice */
    memcpy(a->pool + a->pool_n * ni, src, ni * sizeof *src);
    a->pool_u[a->pool_n++] = idx[k].u;
  }
  a->visited += a->pool_exact ? count : (uint64_t)(POOL_BUDGET - budget);
  pl__free(idx);
  pl__free(b.o);
  pl__free(b.u);
  return rc ? pl__err(err, rc, "out of memory") : PL_OK;
}
