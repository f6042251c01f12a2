/* Typed values out of a YAML tree, with file:line:col errors. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/yaml_read.h"

int pl__yfail(const pl__yreader *r, const pl__ynode *n, const char *fmt,
              ...) {
  char msg[sizeof r->err->message];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  return pl__err_at(r->err, PL_EPARSE, r->file, n ? n->line : 1,
                    n ? n->col : 1, "%s", msg);
}

const char *pl__ykind_name(const pl__ynode *n) {
  switch (n->kind) {
  case PL__Y_MAP:
    return "a mapping";
  case PL__Y_SEQ:
    return "a list";
  default:
    return n->quoted || n->text[0] ? "a string" : "nothing";
  }
}

int pl__yexpect(const pl__yreader *r, const pl__ynode *n, pl__ykind kind,
                const char *what) {
  if (n->kind == kind) return PL_OK;
  static const char *const names[] = {"a string", "a list", "a mapping"};
  return pl__yfail(r, n, "expected %s for %s, found %s", names[kind], what,
                   pl__ykind_name(n));
}

int pl__ycheck_keys(const pl__yreader *r, const pl__ynode *map,
                    const char *where, const char *const *allowed) {
  for (size_t k = 0; k < map->n; k++) {
    const pl__ynode *key = map->items[2 * k];
    bool ok = false;
    for (const char *const *a = allowed; *a && !ok; a++)
      ok = !strcmp(key->text, *a);
    if (ok) continue;
    char list[512] = "";
    for (const char *const *a = allowed; *a; a++) {
      strncat(list, *a, sizeof list - strlen(list) - 1);
      if (a[1]) strncat(list, ", ", sizeof list - strlen(list) - 1);
    }
    return pl__yfail(r, key, "unknown key \"%s\" in %s; expected one of: %s",
                     key->text, where, list);
  }
  return PL_OK;
}

int pl__yneed(const pl__yreader *r, const pl__ynode *map, const char *key,
              const char *where, const pl__ynode **out) {
  *out = pl__ymap_get(map, key);
  if (!*out) return pl__yfail(r, map, "%s has no \"%s\"", where, key);
  return PL_OK;
}

int pl__yget_string(const pl__yreader *r, const pl__ynode *n,
                    const char *what, const char **out) {
  int rc = pl__yexpect(r, n, PL__Y_SCALAR, what);
  if (rc) return rc;
  *out = n->text;
  return PL_OK;
}

int pl__yget_id(const pl__yreader *r, const pl__ynode *n, const char *what,
                const char **out) {
  int rc = pl__yget_string(r, n, what, out);
  if (rc) return rc;
  if (!**out) return pl__yfail(r, n, "%s is empty", what);
  return PL_OK;
}

/* The text of a scalar for a message: "text", or nothing. */
#define SHOWN(n) (n)->text[0] ? "\"" : "nothing", (n)->text, \
                 (n)->text[0] ? "\"" : ""

int pl__yget_number(const pl__yreader *r, const pl__ynode *n,
                    const char *what, double *out) {
  int rc = pl__yexpect(r, n, PL__Y_SCALAR, what);
  if (rc) return rc;
  char *end;
  errno = 0;
  double v = strtod(n->text, &end);
  bool ok = end != n->text && !*end && errno != ERANGE && isfinite(v);
  if (ok && n->quoted)
    return pl__yfail(r, n,
                     "expected a number for %s, found the string \"%s\": "
                     "write numbers without quotes",
                     what, n->text);
  if (n->quoted || !ok)
    return pl__yfail(r, n, "expected a number for %s, found %s%s%s", what,
                     SHOWN(n));
  *out = v;
  return PL_OK;
}

/* The whole number of an unquoted scalar: 1, 0 when it is not one, -1
 * when it is one beyond int64_t. */
static int whole(const pl__ynode *n, int64_t *out) {
  char *end;
  errno = 0;
  long long v = strtoll(n->text, &end, 10);
  if (n->quoted || end == n->text || *end) return 0;
  if (errno == ERANGE) return -1;
  *out = v;
  return 1;
}

static int integer_in(const pl__yreader *r, const pl__ynode *n,
                      const char *what, const int64_t *lo, const int64_t *hi,
                      int64_t *out) {
  int rc = pl__yexpect(r, n, PL__Y_SCALAR, what);
  if (rc) return rc;
  int w = whole(n, out);
  if (w > 0 && (!lo || (*out >= *lo && *out <= *hi))) return PL_OK;
  if (w != 0 && lo)
    return pl__yfail(r, n, "%s %s is out of range: expected %lld to %lld",
                     what, n->text, (long long)*lo, (long long)*hi);
  if (w < 0)
    return pl__yfail(r, n,
                     "%s %s is out of range: whole numbers go from "
                     "-9223372036854775808 to 9223372036854775807",
                     what, n->text);
  pl__ynode bare = *n;
  bare.quoted = false;
  if (n->quoted && whole(&bare, out))
    return pl__yfail(r, n,
                     "expected a whole number for %s, found the string \"%s\": "
                     "write numbers without quotes",
                     what, n->text);
  return pl__yfail(r, n, "expected a whole number for %s, found %s%s%s", what,
                   SHOWN(n));
}

int pl__yget_integer(const pl__yreader *r, const pl__ynode *n,
                     const char *what, int64_t *out) {
  return integer_in(r, n, what, NULL, NULL, out);
}

int pl__yget_integer_in(const pl__yreader *r, const pl__ynode *n,
                        const char *what, int64_t lo, int64_t hi,
                        int64_t *out) {
  return integer_in(r, n, what, &lo, &hi, out);
}

int pl__yget_bool(const pl__yreader *r, const pl__ynode *n, const char *what,
                  bool *out) {
  int rc = pl__yexpect(r, n, PL__Y_SCALAR, what);
  if (rc) return rc;
  if (!n->quoted && !strcmp(n->text, "true"))
    *out = true;
  else if (!n->quoted && !strcmp(n->text, "false"))
    *out = false;
  else
    return pl__yfail(r, n, "expected true or false for %s, found %s%s%s",
                     what, SHOWN(n));
  return PL_OK;
}

static int idref_cmp(const void *a, const void *b) {
  const pl__idref *x = a, *y = b;
  int c = strcmp(x->id, y->id);
  if (c) return c;
  return x->k < y->k ? -1 : x->k > y->k;
}

void pl__idref_sort(pl__idref *refs, size_t n) {
  qsort(refs, n, sizeof *refs, idref_cmp);
}

ptrdiff_t pl__idref_find(const pl__idref *refs, size_t n, const char *id) {
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = strcmp(refs[mid].id, id);
    if (!c) return (ptrdiff_t)refs[mid].k;
    if (c < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return -1;
}

