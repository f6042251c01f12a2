/* JSON text with lossless reals: every JSON the library writes goes
 * through pl__json_dumps, so every real reads back as the same double
 * (docs/architecture.md, "Numbers"). */
#ifndef PL_JSON_TEXT_H
#define PL_JSON_TEXT_H

#include <jansson.h>
#include <stddef.h>

/* The shortest of the %.15g, %.16g and %.17g forms of v that strtod reads
 * back as v exactly (the 15-digit one for most values: anything with at
 * most 15 significant digits comes back as written). buf holds at least
 * PL__REAL_CHARS bytes; returns the length. */
#define PL__REAL_CHARS 32
int pl__shortest_double(char *buf, double v);

/* json_dumps(j, flags) with every real in its shortest round-trip form (a
 * real keeps a '.' or an exponent, so it stays a real: 1.0, not 1). flags
 * must not carry JSON_REAL_PRECISION. Allocated with malloc, like
 * json_dumps's (free releases it); NULL when out of memory. */
char *pl__json_dumps(const json_t *j, size_t flags);

#endif
