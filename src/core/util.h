/* Small internal helpers shared by every layer: errors, allocation, bitsets. */
#ifndef PL_UTIL_H
#define PL_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "parley/parley.h"

#if defined(__GNUC__)
#define PL__PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define PL__PRINTF(a, b)
#endif

/* Fills err (when not NULL) and returns code. */
int pl__err(pl_error *err, int code, const char *fmt, ...) PL__PRINTF(3, 4);
/* Same with a place in a file. */
int pl__err_at(pl_error *err, int code, const char *file, int line, int col,
               const char *fmt, ...) PL__PRINTF(6, 7);

/* All library allocations go through these, so tests can make the Nth one
 * fail (pl__alloc_fail_after). */
void *pl__malloc(size_t n);
void *pl__calloc(size_t n, size_t size);
void *pl__realloc(void *p, size_t n);
void pl__free(void *p);
char *pl__strdup(const char *s);
/* Advice that the pages of p[0, n) are about to be written: populated
 * in one system call instead of a page fault each. On the reference
 * machine, a virtual one, a first write to an anonymous page costs about
 * 11 us and MADV_POPULATE_WRITE about 1.2 us a page (docs/performance.md,
 * "Page faults"). Small blocks and kernels without it (before 5.14): a
 * no-op. */
void pl__prefault(void *p, size_t n);
/* Array growth: ensures *cap >= need, elements of `size` bytes. */
int pl__grow(void **arr, int *cap, int need, size_t size);
/* Test hook: the (n+1)th allocation from now fails; -1 disables. */
void pl__alloc_fail_after(long n);
/* Test hook: allocations asked for so far (the same counter, as racy). */
long pl__alloc_count(void);

/* Options from a caller that may have been built against an older header
 * (a smaller struct_size): the fields it knows overwrite the defaults already
 * in *dst, the rest keep them, and dst carries this library's size. Every
 * options struct begins with its size_t struct_size; src may be NULL (the
 * defaults stay). */
void pl__options_copy(void *dst, size_t size, const void *src);
#define PL__OPTIONS_COPY(dst, src) pl__options_copy((dst), sizeof *(dst), (src))

/* Bitsets of uint64_t words. */
static inline size_t pl__words(size_t bits) { return (bits + 63) / 64; }
static inline bool pl__bit(const uint64_t *s, size_t i) {
  return (s[i >> 6] >> (i & 63)) & 1u;
}
static inline void pl__setbit(uint64_t *s, size_t i) {
  s[i >> 6] |= (uint64_t)1 << (i & 63);
}

/* splitmix64 (Steele, Lea & Flood 2014): the library's one seeded
 * generator; *state advances by one step. */
static inline uint64_t pl__splitmix64(uint64_t *state) {
  uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

/* The largest magnitude of a whole number held exactly by a double (2^53):
 * integer issues and every whole number read from input stay within
 * [-PL__EXACT_INT, PL__EXACT_INT], so that differences and sums of two of
 * them never overflow an int64_t and convert to double without loss. */
#define PL__EXACT_INT INT64_C(9007199254740992)

/* Seconds on the monotonic clock (for time limits and wall times). */
double pl__now(void);

/* Quotes a string for messages: writes into buf, returns buf. */
const char *pl__quote(char *buf, size_t size, const char *s);

/* Escapes line breaks and control bytes in place ("\\n", "\\x01"), so that
 * a message quoting text from a file stays one line; pl__err and
 * pl__err_at do it for every message. */
void pl__one_line(char *msg, size_t size);

#endif
