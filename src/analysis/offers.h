/* Internal offer search (offers.c) for strategies that ask many targets of
 * one party: meet in the middle (Horowitz & Sahni 1974): the issues split
 * in two halves whose option sums are listed, one half sorted, so that the
 * least good outcome at or above a target is one binary search per sum of
 * the other half -- exact, and microseconds where branch and bound may
 * need milliseconds. Only for spaces whose halves are small enough. */
#ifndef PL_OFFERS_H
#define PL_OFFERS_H

#include "model/scenario_internal.h"

typedef struct pl__mitm pl__mitm;
/* PL_ETOOBIG when a half would list more than max_half sums (the caller
 * then searches by branch and bound); PL_EUNSUPPORTED for a non-additive
 * party. */
int pl__mitm_new(const pl_scenario *s, int party, size_t max_half,
                 pl__mitm **out);
void pl__mitm_free(pl__mitm *m);
/* The least good outcome at or above target - PL_TOLERANCE into options
 * and its utility (summed in issue order); PL_ENOTFOUND when none. */
int pl__mitm_at_least(pl__mitm *m, double target, uint32_t *options,
                      double *utility);

/* pl_scenario_offer_at_least that also stops (with the best found so far,
 * *exact 0) once stop(stop_ctx) says so; it is asked every 2^16 nodes. */
int pl__offer_at_least(const pl_scenario *s, int party, double target,
                       uint32_t *options, double *utility, int *exact,
                       bool (*stop)(void *ctx), void *stop_ctx,
                       pl_error *err);

/* The memory the iterator may hold, in bytes (default 64 MiB): past it,
 * pl_offer_iter_next answers PL_ETOOBIG and the walk is over. For tests. */
void pl__offer_iter_set_cap(pl_offer_iter *it, size_t bytes);

#endif
