/* Feasibility of the hard demands and their minimal conflicting sets.
 *
 * Every hard demand is a set of precedences between steps, and so are the
 * prerequisites; an order satisfying a set of demands exists exactly when
 * their precedences and the prerequisites form no cycle. Infeasibility is
 * monotone (more demands, more edges), so the minimal infeasible sets are
 * enumerated by "dualize and advance" (Gunopulos, Khardon, Mannila & Toivonen
 * 1997; Bailey & Stuckey 2005): with the minimal sets F found so far, every
 * further one avoids some minimal hitting set T of F, so it lies inside the
 * complement of T; when no complement is infeasible, F is complete. A new
 * set is shrunk to a minimal one by deleting demands while the rest stays
 * infeasible. */
#include "sequence/conflicts.h"

#include <stdlib.h>
#include <string.h>

#include "analysis/hitting.h"

int pl__graph_init(pl__graph *g, int n) {
  g->n = n;
  g->nw = (int)pl__words((size_t)n);
  g->adj = pl__calloc((size_t)n * (size_t)g->nw, sizeof *g->adj);
  return g->adj ? PL_OK : PL_ENOMEM;
}

void pl__graph_free(pl__graph *g) {
  pl__free(g->adj);
  g->adj = NULL;
}

void pl__graph_copy(pl__graph *dst, const pl__graph *src) {
  memcpy(dst->adj, src->adj,
         (size_t)src->n * (size_t)src->nw * sizeof *src->adj);
}

static void edge(pl__graph *g, int u, int v) {
  pl__setbit(g->adj + (size_t)u * (size_t)g->nw, (size_t)v);
}

void pl__graph_add_prereqs(pl__graph *g, const pl_plan *p) {
  for (int s = 0; s < p->ns; s++)
    for (size_t j = 0; j < p->steps[s].n_after; j++)
      edge(g, p->steps[s].after[j], s);
}

void pl__graph_add_demand(pl__graph *g, const pl_plan *p, int d) {
  const pl__plan_demand *m = &p->demands[d];
  int x = m->step;
  switch (m->kind) {
  case PL_DEMAND_AFTER:
    for (size_t k = 0; k < m->n_others; k++) edge(g, m->others[k], x);
    break;
  case PL_DEMAND_BEFORE:
    for (size_t k = 0; k < m->n_others; k++) edge(g, x, m->others[k]);
    break;
  case PL_DEMAND_FIRST:
    for (int y = 0; y < p->ns; y++)
      if (y != x) edge(g, x, y);
    break;
  case PL_DEMAND_LAST:
    for (int y = 0; y < p->ns; y++)
      if (y != x) edge(g, y, x);
    break;
  }
}

/* Kahn's algorithm: repeatedly remove a step with no remaining
 * predecessor. */
bool pl__graph_acyclic(const pl__graph *g, int *indeg) {
  int n = g->n, nw = g->nw;
  memset(indeg, 0, (size_t)n * sizeof *indeg);
  for (int u = 0; u < n; u++) {
    const uint64_t *row = g->adj + (size_t)u * (size_t)nw;
    for (int w = 0; w < nw; w++)
      for (uint64_t b = row[w]; b; b &= b - 1)
        indeg[w * 64 + __builtin_ctzll(b)]++;
  }
  /* the queue lives in the low entries of a second pass over indeg: a
   * removed step's indeg becomes -1, and a simple rescan finds the next
   * ready one (n is at most a few hundred) */
  int removed = 0;
  bool progress = true;
  while (progress) {
    progress = false;
    for (int u = 0; u < n; u++) {
      if (indeg[u] != 0) continue;
      indeg[u] = -1;
      removed++;
      progress = true;
      const uint64_t *row = g->adj + (size_t)u * (size_t)nw;
      for (int w = 0; w < nw; w++)
        for (uint64_t b = row[w]; b; b &= b - 1)
          indeg[w * 64 + __builtin_ctzll(b)]--;
    }
  }
  return removed == n;
}

void pl__graph_closure(const pl__graph *g, uint64_t *reach) {
  int n = g->n, nw = g->nw;
  pl__graph_copy(&(pl__graph){n, nw, reach}, g);
  /* Warshall: after round k, paths through steps 0..k are known */
  for (int k = 0; k < n; k++) {
    const uint64_t *rk = reach + (size_t)k * (size_t)nw;
    for (int u = 0; u < n; u++) {
      uint64_t *ru = reach + (size_t)u * (size_t)nw;
      if (pl__bit(ru, (size_t)k))
        for (int w = 0; w < nw; w++) ru[w] |= rk[w];
    }
  }
}

/* ------------------------------------------------------------------ */
/* minimal conflicting sets                                            */
/* ------------------------------------------------------------------ */

typedef struct search {
  const pl_plan *p;
  int r;          /* relevant hard demands */
  int *dem;       /* their indices */
  pl__graph base; /* prerequisites */
  pl__graph work;
  pl__graph *edges; /* r graphs: each demand's precedences */
  int *scratch;
  long checks;
} search;

/* Whether the demands with on[k] set (k < r) clash with the prerequisites. */
static bool infeasible(search *s, const bool *on) {
  s->checks++;
  size_t words = (size_t)s->base.n * (size_t)s->base.nw;
  pl__graph_copy(&s->work, &s->base);
  for (int k = 0; k < s->r; k++) {
    if (!on[k]) continue;
    const uint64_t *e = s->edges[k].adj;
    for (size_t w = 0; w < words; w++) s->work.adj[w] |= e[w];
  }
  return !pl__graph_acyclic(&s->work, s->scratch);
}

/* Deletes demands from an infeasible set while it stays infeasible. */
static void shrink(search *s, bool *on) {
  for (int k = 0; k < s->r; k++) {
    if (!on[k]) continue;
    on[k] = false;
    if (!infeasible(s, on)) on[k] = true;
  }
}

/* A cycle in s->work (infeasible just checked): steps into cyc, the first
 * repeated at the end; returns the count. Depth-first from every step. */
static size_t find_cycle(search *s, int *cyc) {
  const pl__graph *g = &s->work;
  int n = g->n, nw = g->nw;
  int *colour = s->scratch, *stack = cyc, depth;
  int *next = pl__calloc((size_t)n, sizeof *next);
  if (!next) return 0;
  memset(colour, 0, (size_t)n * sizeof *colour);
  for (int root = 0; root < n; root++) {
    if (colour[root]) continue;
    depth = 0;
    stack[depth++] = root;
    colour[root] = 1;
    while (depth) {
      int u = stack[depth - 1], v = next[u];
      const uint64_t *row = g->adj + (size_t)u * (size_t)nw;
      while (v < n && !pl__bit(row, (size_t)v)) v++;
      next[u] = v + 1;
      if (v >= n) {
        colour[u] = 2;
        depth--;
        continue;
      }
      if (colour[v] == 0) {
        colour[v] = 1;
        stack[depth++] = v;
      } else if (colour[v] == 1) {
        int from = 0;
        while (stack[from] != v) from++;
        size_t m = (size_t)(depth - from);
        memmove(cyc, stack + from, m * sizeof *cyc);
        /* start at the smallest step, for a stable report */
        size_t lo = 0;
        for (size_t k = 1; k < m; k++)
          if (cyc[k] < cyc[lo]) lo = k;
        int *tmp = s->scratch;
        for (size_t k = 0; k < m; k++) tmp[k] = cyc[(lo + k) % m];
        memcpy(cyc, tmp, m * sizeof *cyc);
        cyc[m] = cyc[0];
        pl__free(next);
        return m + 1;
      }
    }
  }
  pl__free(next);
  return 0;
}

/* Records the minimal set `on` with a witness cycle. */
static int add_set(search *s, const bool *on, pl__conflicts *out) {
  size_t n = out->n, m = 0;
  for (int k = 0; k < s->r; k++) m += on[k];
  int **sets = pl__realloc(out->sets, (n + 1) * sizeof *sets);
  if (!sets) return PL_ENOMEM;
  out->sets = sets;
  size_t *set_n = pl__realloc(out->set_n, (n + 1) * sizeof *set_n);
  if (!set_n) return PL_ENOMEM;
  out->set_n = set_n;
  int **cycles = pl__realloc(out->cycles, (n + 1) * sizeof *cycles);
  if (!cycles) return PL_ENOMEM;
  out->cycles = cycles;
  size_t *cycle_n = pl__realloc(out->cycle_n, (n + 1) * sizeof *cycle_n);
  if (!cycle_n) return PL_ENOMEM;
  out->cycle_n = cycle_n;
  int *set = pl__malloc(m * sizeof *set);
  int *cyc = pl__malloc(((size_t)s->base.n + 1) * sizeof *cyc);
  if (!set || !cyc) {
    pl__free(set);
    pl__free(cyc);
    return PL_ENOMEM;
  }
  m = 0;
  for (int k = 0; k < s->r; k++)
    if (on[k]) set[m++] = s->dem[k];
  infeasible(s, on); /* rebuilds s->work for the cycle */
  s->checks--;
  out->sets[n] = set;
  out->set_n[n] = m;
  out->cycles[n] = cyc;
  out->cycle_n[n] = find_cycle(s, cyc);
  out->n = n + 1;
  return PL_OK;
}

static int by_size(const void *a, const void *b, const pl__conflicts *c) {
  size_t x = *(const size_t *)a, y = *(const size_t *)b;
  if (c->set_n[x] != c->set_n[y]) return c->set_n[x] < c->set_n[y] ? -1 : 1;
  for (size_t k = 0; k < c->set_n[x]; k++)
    if (c->sets[x][k] != c->sets[y][k])
      return c->sets[x][k] < c->sets[y][k] ? -1 : 1;
  return 0;
}
static _Thread_local const pl__conflicts *sort_ctx;
static int by_size_q(const void *a, const void *b) {
  return by_size(a, b, sort_ctx);
}

/* Sorts the sets by size, then by their demands. */
static int sort_sets(pl__conflicts *c) {
  size_t n = c->n;
  if (n < 2) return PL_OK;
  size_t *ix = pl__malloc(n * sizeof *ix);
  int **sets = pl__malloc(n * sizeof *sets), **cycles = pl__malloc(n * sizeof *cycles);
  size_t *sn = pl__malloc(n * sizeof *sn), *cn = pl__malloc(n * sizeof *cn);
  int rc = ix && sets && cycles && sn && cn ? PL_OK : PL_ENOMEM;
  if (!rc) {
    for (size_t k = 0; k < n; k++) ix[k] = k;
    sort_ctx = c;
    qsort(ix, n, sizeof *ix, by_size_q);
    for (size_t k = 0; k < n; k++) {
      sets[k] = c->sets[ix[k]];
      cycles[k] = c->cycles[ix[k]];
      sn[k] = c->set_n[ix[k]];
      cn[k] = c->cycle_n[ix[k]];
    }
    memcpy(c->sets, sets, n * sizeof *sets);
    memcpy(c->cycles, cycles, n * sizeof *cycles);
    memcpy(c->set_n, sn, n * sizeof *sn);
    memcpy(c->cycle_n, cn, n * sizeof *cn);
  }
  pl__free(ix);
  pl__free(sets);
  pl__free(cycles);
  pl__free(sn);
  pl__free(cn);
  return rc;
}

static uint64_t to_mask(const bool *on, int r) {
  uint64_t m = 0;
  for (int k = 0; k < r; k++)
    if (on[k]) m |= (uint64_t)1 << k;
  return m;
}

/* Dualize and advance over r <= 64 relevant demands. */
static int enumerate(search *s, size_t max, bool *on, pl__conflicts *out) {
  uint64_t *found = pl__malloc((max + 1) * sizeof *found);
  if (!found) return PL_ENOMEM;
  size_t nf = 0;
  int rc = PL_OK;
  uint64_t all = s->r == 64 ? ~(uint64_t)0 : ((uint64_t)1 << s->r) - 1;
  for (;;) {
    uint64_t *hs = NULL;
    size_t nh = 0;
    bool truncated = false;
    if ((rc = pl__hitting_sets(found, nf, 1u << 20, &hs, &nh, &truncated)))
      break;
    bool advanced = false;
    for (size_t k = 0; k < nh && !truncated; k++) {
      if (s->checks > PL__CONFLICT_CHECKS) {
        truncated = true;
        break;
      }
      uint64_t seed = all & ~hs[k];
      for (int j = 0; j < s->r; j++) on[j] = (seed >> j) & 1;
      if (!infeasible(s, on)) continue;
      if (nf == max) { /* one more exists: the list is not complete */
        truncated = true;
        break;
      }
      shrink(s, on);
      found[nf++] = to_mask(on, s->r);
      if ((rc = add_set(s, on, out))) break;
      advanced = true;
      break;
    }
    pl__free(hs);
    if (rc) break;
    if (truncated || s->checks > PL__CONFLICT_CHECKS) {
      out->complete = false;
      break;
    }
    if (!advanced) {
      out->complete = true;
      break;
    }
  }
  pl__free(found);
  return rc;
}

int pl__find_conflicts(const pl_plan *p, size_t max, pl__conflicts *out) {
  memset(out, 0, sizeof *out);
  out->feasible = true;
  out->complete = true;
  int n = p->ns, rc = PL_OK;
  search s = {.p = p};
  pl__graph all = {0};
  uint64_t *reach = NULL;
  bool *on = NULL;
  if ((rc = pl__graph_init(&s.base, n)) || (rc = pl__graph_init(&s.work, n)) ||
      (rc = pl__graph_init(&all, n)))
    goto done;
  if (!(s.scratch = pl__malloc(((size_t)n + 1) * sizeof *s.scratch))) {
    rc = PL_ENOMEM;
    goto done;
  }
  pl__graph_add_prereqs(&s.base, p);
  pl__graph_copy(&all, &s.base);
  for (int d = 0; d < p->nd; d++)
    if (p->demands[d].hard) pl__graph_add_demand(&all, p, d);
  if (pl__graph_acyclic(&all, s.scratch)) goto done;
  out->feasible = false;
  /* Only demands with a precedence inside a strongly connected component of
   * the whole graph can lie on a cycle. */
  reach = pl__malloc((size_t)n * (size_t)all.nw * sizeof *reach);
  s.dem = pl__malloc(((size_t)p->nd + 1) * sizeof *s.dem);
  if (!reach || !s.dem) {
    rc = PL_ENOMEM;
    goto done;
  }
  pl__graph_closure(&all, reach);
  pl__graph one;
  if ((rc = pl__graph_init(&one, n))) goto done;
  for (int d = 0; d < p->nd; d++) {
    if (!p->demands[d].hard) continue;
    memset(one.adj, 0, (size_t)n * (size_t)one.nw * sizeof *one.adj);
    pl__graph_add_demand(&one, p, d);
    bool inside = false;
    for (int u = 0; u < n && !inside; u++) {
      const uint64_t *row = one.adj + (size_t)u * (size_t)one.nw;
      for (int v = 0; v < n && !inside; v++)
        inside = pl__bit(row, (size_t)v) &&
                 pl__bit(reach + (size_t)v * (size_t)all.nw, (size_t)u);
    }
    if (inside) s.dem[s.r++] = d;
  }
  pl__graph_free(&one);
  if (!(s.edges = pl__calloc((size_t)s.r, sizeof *s.edges)) ||
      !(on = pl__malloc((size_t)s.r + 1))) {
    rc = PL_ENOMEM;
    goto done;
  }
  for (int k = 0; k < s.r; k++) {
    if ((rc = pl__graph_init(&s.edges[k], n))) goto done;
    pl__graph_add_demand(&s.edges[k], p, s.dem[k]);
  }
  if (s.r <= 64) {
    rc = enumerate(&s, max ? max : 1, on, out);
  } else {
    /* too many for the masks of the hitting sets: one minimal set, shrunk
     * from the demands along one cycle of the whole graph */
    for (int k = 0; k < s.r; k++) on[k] = true;
    infeasible(&s, on);
    int *cyc = pl__malloc(((size_t)n + 1) * sizeof *cyc);
    if (!cyc) {
      rc = PL_ENOMEM;
      goto done;
    }
    size_t m = find_cycle(&s, cyc);
    for (int k = 0; k < s.r; k++) on[k] = false;
    for (size_t j = 0; j + 1 < m; j++) {
      size_t u = (size_t)cyc[j], v = (size_t)cyc[j + 1];
      if (pl__bit(s.base.adj + u * (size_t)s.base.nw, v)) continue;
      for (int k = 0; k < s.r; k++)
        if (pl__bit(s.edges[k].adj + u * (size_t)s.base.nw, v)) {
          on[k] = true;
          break;
        }
    }
    pl__free(cyc);
    shrink(&s, on);
    rc = add_set(&s, on, out);
    out->complete = false;
  }
  if (!rc) rc = sort_sets(out);
done:
  for (int k = 0; s.edges && k < s.r; k++) pl__graph_free(&s.edges[k]);
  pl__free(s.edges);
  pl__free(s.dem);
  pl__free(s.scratch);
  pl__free(reach);
  pl__free(on);
  pl__graph_free(&s.base);
  pl__graph_free(&s.work);
  pl__graph_free(&all);
  if (rc) pl__conflicts_free(out);
  return rc;
}

void pl__conflicts_free(pl__conflicts *c) {
  for (size_t k = 0; k < c->n; k++) {
    pl__free(c->sets[k]);
    pl__free(c->cycles[k]);
  }
  pl__free(c->sets);
  pl__free(c->set_n);
  pl__free(c->cycles);
  pl__free(c->cycle_n);
  memset(c, 0, sizeof *c);
}
