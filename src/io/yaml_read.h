/* Reading typed values out of a YAML tree (yaml_tree.h) with
 * file:line:col errors: the pieces every parley file format shares
 * (scenarios, sequence plans, tournament configs). */
#ifndef PL_YAML_READ_H
#define PL_YAML_READ_H

#include <stdbool.h>
#include <stdint.h>

#include "core/util.h"
#include "io/yaml_tree.h"

typedef struct pl__yreader {
  const char *file;
  pl_error *err;
} pl__yreader;

/* PL_EPARSE at the node's place (line 1 when n is NULL). */
int pl__yfail(const pl__yreader *r, const pl__ynode *n, const char *fmt, ...)
    PL__PRINTF(3, 4);
/* "a mapping", "a list", "a string", "nothing" */
const char *pl__ykind_name(const pl__ynode *n);
int pl__yexpect(const pl__yreader *r, const pl__ynode *n, pl__ykind kind,
                const char *what);
/* Every key of map must be in the NULL-terminated list `allowed`. */
int pl__ycheck_keys(const pl__yreader *r, const pl__ynode *map,
                    const char *where, const char *const *allowed);
/* The value of a key that must be there. */
int pl__yneed(const pl__yreader *r, const pl__ynode *map, const char *key,
              const char *where, const pl__ynode **out);
int pl__yget_string(const pl__yreader *r, const pl__ynode *n,
                    const char *what, const char **out);
/* A non-empty string. */
int pl__yget_id(const pl__yreader *r, const pl__ynode *n, const char *what,
                const char **out);
/* Unquoted finite numbers, integers, true/false. */
int pl__yget_number(const pl__yreader *r, const pl__ynode *n,
                    const char *what, double *out);
int pl__yget_integer(const pl__yreader *r, const pl__ynode *n,
                     const char *what, int64_t *out);
/* An integer within [lo, hi]. */
int pl__yget_integer_in(const pl__yreader *r, const pl__ynode *n,
                        const char *what, int64_t lo, int64_t hi,
                        int64_t *out);
int pl__yget_bool(const pl__yreader *r, const pl__ynode *n, const char *what,
                  bool *out);
/* An index of ids for look-ups by name (issues, steps, ...): ids[k] with
 * its position k, sorted by id. */
typedef struct pl__idref {
  const char *id;
  size_t k;
} pl__idref;
/* Sorts refs by id (ties by position). */
void pl__idref_sort(pl__idref *refs, size_t n);
/* The position of id in sorted refs, or -1. */
ptrdiff_t pl__idref_find(const pl__idref *refs, size_t n, const char *id);


#endif
