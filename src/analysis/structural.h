/* The Pareto frontier of an additive outcome space without enumerating it.
 *
 * For additive utilities the frontier of a sum is contained in the sum of
 * the frontiers: ND(A + B) is a subset of ND(ND(A) + ND(B)) (the Minkowski
 * sum). So the frontier is built issue by issue: each issue's options are a
 * set of contribution vectors, sets are summed pairwise in a balanced tree
 * and every sum is filtered to its non-dominated points, keeping for each
 * point the two points it came from so that one outcome per frontier point
 * can be recovered. Two parties merge without forming the sum: a heap over
 * the points of one set yields the sums in sorted order and skips every run
 * the last kept point dominates (the successive algorithm of Funke, Hespe,
 * Sanders, Storandt & Truschel, "Pareto Sums of Pareto Sets: Lower Bounds
 * and Algorithms", Algorithmica 2025), in space of the inputs plus the
 * output. Three or more form the sum, sort it and keep each point that no
 * kept point dominates, asked of a dominance index (dominance.h) rather
 * than of every kept point. Frontiers of real domains are small (a median
 * of 12 points over the ANAC bilateral scenarios), so this is fast where
 * enumeration is hopeless.
 *
 * Intermediate filters use exact comparisons (only exact duplicates merge),
 * so no error accumulates across levels; the result is a superset of the
 * frontier under PL_TOLERANCE, which the caller filters once more with the
 * utilities recomputed in issue order. */
#ifndef PL_STRUCTURAL_H
#define PL_STRUCTURAL_H

#include "analysis/enumerate.h"

/* Candidates: points with outcome options (n_points x n_issues options),
 * and nothing else; free with pl__structural_free. */
typedef struct pl__candidates {
  size_t n;
  uint32_t *options; /* n * n_issues */
} pl__candidates;

/* The exactly non-dominated outcomes of pb (additive parties only; no
 * several-issue red lines: the caller folds those into combined issues or
 * enumerates; one-issue red lines prune options through pb's vmask; the
 * reservation values are not applied). max_points bounds every intermediate
 * set (for two parties the filtered sets, for more also the sums formed
 * before filtering): PL_ETOOBIG beyond it. With epsilon > 0, every set is thinned to one
 * point per box of its level's share of epsilon, so that every point of the
 * exact frontier has a candidate less than epsilon below it in every
 * utility (the result is then an epsilon-approximation, not the frontier). */
int pl__structural_frontier(const pl__problem *pb, size_t max_points,
                            double epsilon, pl__candidates *out);
void pl__candidates_free(pl__candidates *c);
/* Sorts candidates by their options, lexicographically: outcome order. */
int pl__candidates_sort(pl__candidates *c, int ni);

#endif
