/* Minimal hitting sets (minimal transversals) of a family of sets given as
 * 64-bit masks. A set of constraints excludes every outcome exactly when it
 * meets every outcome's violation mask, so the minimal hitting sets of the
 * minimal violation masks are the minimal deadlock explanations
 * (Reiter 1987, "A theory of diagnosis from first principles"; computed
 * with Berge's incremental algorithm, Berge 1989, "Hypergraphs"). */
#ifndef PL_HITTING_H
#define PL_HITTING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Work cap on intermediate transversals; beyond it the result is marked
 * truncated and holds no sets. */
#define PL__HITTING_WORK 20000
/* Cap on set comparisons (about a second); beyond it, likewise. */
#define PL__HITTING_COMPARISONS 1000000000ull

/* Sorts sets by size, then value, and keeps the inclusion-minimal ones (no
 * duplicates): returns how many, at the front of h. Returns SIZE_MAX when
 * the comparisons would exceed *budget (which it lowers), so callers bound
 * their time. */
size_t pl__minimal_sets(uint64_t *h, size_t n, uint64_t *budget);

/* Computes the minimal hitting sets of fam[0..n). On success *out (freed
 * with pl__free) holds *nout masks, by size then value, at most `limit`;
 * *truncated says whether there were more. Returns PL_OK or PL_ENOMEM. */
int pl__hitting_sets(const uint64_t *fam, size_t n, size_t limit,
                     uint64_t **out, size_t *nout, bool *truncated);

#endif
