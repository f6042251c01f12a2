/* The Pareto frontier of any outcome space without enumerating it: branch
 * and bound over boxes (docs/analysis.md, "Boxes").
 *
 * A box fixes some issues to one option class each and leaves the others
 * free. Options of an issue that every rectangle condition, additive value,
 * one-issue red line and several-issue red line treats alike form one class
 * (its smallest option stands for it), so a box of hyper-rectangle
 * utilities branches on the intervals the rectangles cut, not on options.
 * Every box gets an upper bound per party from the constraints it can
 * still satisfy: the rectangles it has already met, plus, for those still
 * open, the best class of every free issue after each open rectangle's
 * utility is split evenly over its free issues (a rectangle holds only when
 * each of its conditions does, so the split never bounds it from below:
 * the additive relaxation of a weighted constraint problem, as in soft arc
 * consistency, Cooper & Schiex 2004, "Arc consistency for soft
 * constraints", AIJ 154). A box is dropped when a package already found
 * dominates its bound point (branch and bound for multi-objective
 * combinatorial optimisation with the ideal point of a node as its bound
 * set: Przybylski & Gandibleux 2017, "Multi-objective branch and bound",
 * EJOR 260(3)); a reservation value above the bound drops it too.
 *
 * Two parties also bound weighted sums of their utilities per box, and a
 * box goes when that bound set lies under the found packages' staircase.
 *
 * The search is depth-first, bounded by a count of boxes (work units,
 * deterministic). It runs at falling epsilons (0.08, 0.04, 0.02, 0.01, then the
 * one asked for, 0 for exact), each from the root with the packages found
 * so far: a box is also dropped when every point of its bound set is at
 * most epsilon above a found package. A search that ends certifies its
 * epsilon; when the budget runs out, the boxes still open are dropped with
 * the gap between their bound point and the nearest found package, and the
 * result states the smaller of that certificate and the last finished
 * search's: 0 means exact. */
#ifndef PL_BOXES_H
#define PL_BOXES_H

#include "analysis/structural.h"

typedef struct pl__box_limits {
  uint64_t max_boxes;   /* boxes in all; beyond, the search stops */
  double epsilon;       /* the last search's: 0 exact */
  size_t max_points;    /* frontier points held at most (PL_ETOOBIG) */
} pl__box_limits;

typedef struct pl__box_result {
  double epsilon;  /* certified: every feasible package is at most this
                      below a candidate in every utility; 0: exact */
  uint64_t boxes;  /* boxes searched */
  bool complete;   /* the search ended within max_boxes */
} pl__box_result;

/* Candidates for the frontier of pb (agreed = all issues): with epsilon 0,
 * for every non-dominated utility vector the first outcome (in outcome
 * order) that has it, and nothing else; the caller applies the tolerance
 * filter as for the structural method. Reservation values and red lines
 * are respected. PL_ETOOBIG when the frontier exceeds max_points. */
int pl__box_frontier(const pl__problem *pb, const pl__box_limits *lim,
                     pl__candidates *out, pl__box_result *res);

#endif
