#define _DEFAULT_SOURCE /* MADV_POPULATE_WRITE */
#include "core/util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

void pl__one_line(char *msg, size_t size) {
  char out[sizeof ((pl_error *)0)->message];
  size_t o = 0;
  for (const unsigned char *p = (const unsigned char *)msg;
       *p && o + 5 < sizeof out; p++) {
    if (*p == '\n' || *p == '\t' || *p == '\r') {
      out[o++] = '\\';
      out[o++] = *p == '\n' ? 'n' : *p == '\t' ? 't' : 'r';
    } else if (*p < 0x20 || *p == 0x7F) {
      o += (size_t)snprintf(out + o, sizeof out - o, "\\x%02X", *p);
    } else {
      out[o++] = (char)*p;
    }
  }
  out[o] = 0;
  snprintf(msg, size, "%s", out);
}

/* Every message is one line: what it quotes from a file (a name, a value)
 * may hold line breaks or control bytes, which are escaped. */
static void vfill(pl_error *err, int code, const char *file, int line,
                  int col, const char *fmt, va_list ap) PL__PRINTF(6, 0);
static void vfill(pl_error *err, int code, const char *file, int line,
                  int col, const char *fmt, va_list ap) {
  if (!err) return;
  err->code = code;
  err->line = line;
  err->column = col;
  snprintf(err->file, sizeof err->file, "%s", file ? file : "");
  vsnprintf(err->message, sizeof err->message, fmt, ap);
  pl__one_line(err->message, sizeof err->message);
}

int pl__err(pl_error *err, int code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vfill(err, code, NULL, 0, 0, fmt, ap);
  va_end(ap);
  return code;
}

int pl__err_at(pl_error *err, int code, const char *file, int line, int col,
               const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vfill(err, code, file, line, col, fmt, ap);
  va_end(ap);
  return code;
}

/* Allocation failure injection for the torture tests (single-threaded by
 * design); the count of allocations is per thread, so that threads of a
 * tournament do not race on it (ThreadSanitizer). */
static long fail_after = -1;
static _Thread_local long n_allocs;

void pl__alloc_fail_after(long n) { fail_after = n; }

long pl__alloc_count(void) { return n_allocs; }

static bool should_fail(void) {
  n_allocs++;
  if (fail_after < 0) return false;
  if (fail_after == 0) return true;
  fail_after--;
  return false;
}

void *pl__malloc(size_t n) { return should_fail() ? NULL : malloc(n ? n : 1); }

void *pl__calloc(size_t n, size_t size) {
  return should_fail() ? NULL : calloc(n ? n : 1, size ? size : 1);
}

void *pl__realloc(void *p, size_t n) {
  return should_fail() ? NULL : realloc(p, n ? n : 1);
}

void pl__free(void *p) { free(p); }

void pl__prefault(void *p, size_t n) {
#ifdef MADV_POPULATE_WRITE
  if (!p || n < 2 * 4096) return; /* a fault or two: cheaper to take */
  /* the pages the block touches, its first and last partly: they belong
   * to the same mapping as the block (a heap chunk's header, the heap's
   * or the chunk's mapping rounded to pages) */
  uintptr_t a = (uintptr_t)p & ~(uintptr_t)4095;
  uintptr_t b = ((uintptr_t)p + n + 4095) & ~(uintptr_t)4095;
  (void)madvise((void *)a, b - a, MADV_POPULATE_WRITE);
#else
  (void)p;
  (void)n;
#endif
}

char *pl__strdup(const char *s) {
  if (!s) return NULL;
  size_t n = strlen(s) + 1;
  char *d = pl__malloc(n);
  if (d) memcpy(d, s, n);
  return d;
}

void pl__options_copy(void *dst, size_t size, const void *src) {
  if (src) {
    size_t n;
    memcpy(&n, src, sizeof n); /* struct_size, the first member */
    memcpy(dst, src, n < size ? n : size);
  }
  memcpy(dst, &size, sizeof size);
}

int pl__grow(void **arr, int *cap, int need, size_t size) {
  if (need <= *cap) return PL_OK;
  int c = *cap ? *cap : 4;
  while (c < need) c *= 2;
  void *p = pl__realloc(*arr, (size_t)c * size);
  if (!p) return PL_ENOMEM;
  memset((char *)p + (size_t)*cap * size, 0, (size_t)(c - *cap) * size);
  *arr = p;
  *cap = c;
  return PL_OK;
}

const char *pl__quote(char *buf, size_t size, const char *s) {
  snprintf(buf, size, "\"%s\"", s ? s : "");
  return buf;
}

/* ---- public: errors, version, features ---- */

const char *pl_strerror(int code) {
  switch (code) {
#define X(name, value, text) \
  case value:                \
    return text;
    PL_ERRNO_MAP(X)
#undef X
  }
  return "unknown error";
}

const char *pl_errname(int code) {
  switch (code) {
#define X(name, value, text) \
  case value:                \
    return "PL_" #name;
    PL_ERRNO_MAP(X)
#undef X
  }
  return "PL_EUNKNOWN";
}

const char *pl_version(void) { return PL_VERSION_STRING; }

int pl_has(const char *feature) {
  static const char *const features[] = {"yaml", "json", "enumerate"};
  if (!feature) return 0;
  for (size_t i = 0; i < sizeof features / sizeof *features; i++)
    if (strcmp(feature, features[i]) == 0) return 1;
  return 0;
}

void pl_free(void *p) { free(p); }

double pl__now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}
