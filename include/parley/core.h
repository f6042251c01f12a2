/*
 * core.h — what every part of libparley's API shares: status codes and
 * the error record, the version, pl_free and the utility tolerance.
 *
 * Conventions that hold for every function unless its comment says otherwise:
 *
 *  - Fallible calls return an int: PL_OK (0) on success, a negative PL_E*
 *    code on failure. When a `pl_error *err` argument is given (it may be
 *    NULL), a failing call fills it with the code, a lower-case message and,
 *    for file input, the file, line and column (1-based; 0 when unknown).
 *  - Ownership: `pl_x_new`/`pl_x_free` pairs; `pl_x_free(NULL)` is a no-op.
 *    Pointers returned by query functions borrow from the handle they came
 *    from and live as long as it does, unless the function says otherwise.
 *    Strings passed in are copied.
 *  - The library never prints, exits or aborts on bad input.
 *  - Thread-safety: distinct handles may be used from distinct threads; one
 *    handle must not be modified while another thread reads it. A finished
 *    scenario (pl_scenario_finish) and an analysis are read-only and may be
 *    shared between threads.
 *  - Utilities are doubles in [0,1]. Two utilities closer than
 *    PL_TOLERANCE are equal for every comparison the library makes.
 */
#ifndef PARLEY_CORE_H
#define PARLEY_CORE_H

#include <stddef.h>
#include <stdint.h>

#include "parley/version.h"

#ifdef __cplusplus
extern "C" {
#endif

#if defined(PL_BUILDING_LIBRARY) && defined(__GNUC__)
#define PL_API __attribute__((visibility("default")))
#else
#define PL_API
#endif

/* ------------------------------------------------------------------ */
/* Errors                                                              */
/* ------------------------------------------------------------------ */

/* X(name, value, description): the one list behind the enum,
 * pl_strerror() and pl_errname(). */
#define PL_ERRNO_MAP(X)                                                       \
  X(OK, 0, "success")                                                         \
  X(ENOMEM, -1, "out of memory")                                              \
  X(EINVAL, -2, "invalid argument")                                           \
  X(EPARSE, -3, "bad input")                                                  \
  X(EIO, -4, "input/output error")                                            \
  X(ERANGE, -5, "value out of range")                                         \
  X(ETOOBIG, -6, "problem too large")                                         \
  X(ENOTFOUND, -7, "no such item")                                            \
  X(EEXIST, -8, "item already exists")                                        \
  X(ESTATE, -9, "call not valid in this state")                               \
  X(EUNSUPPORTED, -10, "not supported")                                       \
  X(ECONFLICT, -11, "conflicts with existing data")

typedef enum pl_status {
#define PL__ENUM(name, value, text) PL_##name = (value),
  PL_ERRNO_MAP(PL__ENUM)
#undef PL__ENUM
} pl_status;

/* Text of a status code ("out of memory"); never NULL. */
PL_API const char *pl_strerror(int code);
/* Name of a status code ("PL_ENOMEM"); never NULL. */
PL_API const char *pl_errname(int code);

/* Filled by failing calls. `file` is empty and line/column are 0 when the
 * error has no place in a file. */
typedef struct pl_error {
  int code;
  int line;
  int column;
  char file[1024];
  char message[1024];
} pl_error;

/* Version of the library actually linked, e.g. "0.1.0". */
PL_API const char *pl_version(void);
/* 1 when the library was built with the named optional feature ("yaml",
 * "json", ...), else 0. */
PL_API int pl_has(const char *feature);

/* Frees memory the library handed to the caller (strings from *_to_json). */
PL_API void pl_free(void *p);

/* Two utilities closer than this are equal. Documented in docs/analysis.md. */
#define PL_TOLERANCE 1e-9

#ifdef __cplusplus
}
#endif

#endif
