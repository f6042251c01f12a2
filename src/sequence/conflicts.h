/* Precedence graphs of a plan's steps, feasibility of its hard demands, and
 * the minimal sets of hard demands that cannot hold together. */
#ifndef PL_SEQ_CONFLICTS_H
#define PL_SEQ_CONFLICTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sequence/plan_internal.h"

/* u -> v ("u is complete before v starts") as bit v of row u. */
typedef struct pl__graph {
  int n, nw;     /* steps, words per row */
  uint64_t *adj; /* n rows of nw words */
} pl__graph;

int pl__graph_init(pl__graph *g, int n);  /* no edges; PL_ENOMEM */
void pl__graph_free(pl__graph *g);
void pl__graph_copy(pl__graph *dst, const pl__graph *src); /* same n */
/* The prerequisites: t -> s for every t in s's "after". */
void pl__graph_add_prereqs(pl__graph *g, const pl_plan *p);
/* The precedences demand d asks for: after L: l -> X; before L: X -> l;
 * first: X -> every other step; last: every other step -> X. */
void pl__graph_add_demand(pl__graph *g, const pl_plan *p, int d);
/* true when some order of the steps respects every edge. scratch: n ints. */
bool pl__graph_acyclic(const pl__graph *g, int *scratch);
/* Transitive closure into reach (n rows of nw words): bit v of row u when
 * a path leads from u to v. */
void pl__graph_closure(const pl__graph *g, uint64_t *reach);

/* Minimal conflicting sets of hard demands (docs/sequencing.md). */
typedef struct pl__conflicts {
  bool feasible;
  bool complete; /* every minimal set listed */
  size_t n;
  int **sets;       /* demand indices, ascending */
  size_t *set_n;
  int **cycles;     /* steps, the first repeated at the end */
  size_t *cycle_n;
} pl__conflicts;

/* Work limit: feasibility checks while enumerating minimal sets. */
#define PL__CONFLICT_CHECKS 20000

/* Fills *out; lists at most `max` sets. PL_OK or PL_ENOMEM. */
int pl__find_conflicts(const pl_plan *p, size_t max, pl__conflicts *out);
void pl__conflicts_free(pl__conflicts *c);

#endif
