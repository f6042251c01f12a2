/* GeniusWeb JSON (TU Delft's GeniusWeb; ANAC/ANL 2020-2023): a domain file
 * and one profile file per party.
 *
 *   domain:  {"name": N, "issuesValues": {ISSUE: {"values": [STRING...]} |
 *                                        {"range": {"low", "high", "step"}}}}
 *   profile: {"LinearAdditiveUtilitySpace": {
 *               "issueUtilities": {ISSUE: {"DiscreteValueSetUtilities":
 *                                            {"valueUtilities": {V: U}}} |
 *                                         {"NumberValueSetUtilities":
 *                                            {"lowValue", "lowUtility",
 *                                             "highValue", "highUtility"}}},
 *               "issueWeights": {ISSUE: W}, "domain": {...}, "name": N,
 *               "reservationBid"?: {"issuevalues": {ISSUE: V}}}}
 *
 * Older GeniusWeb wrote "discreteutils" and "numberutils" for the two
 * value-set utilities; both spellings are read, the current one written.
 *
 * Semantics, as GeniusWeb defines them (geniusweb.profile.utilityspace):
 *  - utility = sum of weight x value utility, weights used as given
 *    (PL_WEIGHTS_AS_GIVEN: no renormalisation);
 *  - a NumberValueSet is the grid low, low+step, ... up to high (the last
 *    point may be below high); its NumberValueSetUtilities interpolates
 *    linearly between (lowValue, lowUtility) and (highValue, highUtility),
 *    rounded to 8 decimals, which must be the range's ends;
 *  - a reservationBid's utility is the reservation value; a partial bid
 *    counts 0 for the issues it leaves out;
 *  - discrete values are strings; numbers in bids are NumberValues.
 * An issue is a parley integer issue when low, high and step are all JSON
 * integers, else a real one, on GeniusWeb's exact grid; a grid of 10^7
 * steps or more (beyond what the model holds) keeps every
 * ceil(steps / real_intervals)-th value, each still on GeniusWeb's grid. A
 * reservation bid that is not an outcome then (or a partial one) becomes a
 * reservation value.
 *
 * The writer refuses (PL_EUNSUPPORTED) what GeniusWeb cannot express: red
 * lines, a status quo, hyper-rectangles, discount factors, a reservation
 * value without a reservation outcome, values outside [0,1], weights (as
 * used) that do not add up to 1. Weights are written as used, and read
 * back as given: the same weights, the same sums, capped at 1 alike. A
 * numeric issue is written as a range when every
 * party's values are GeniusWeb's interpolation of its end values bit for
 * bit, else as discrete values named by the numbers. Reals are written in
 * the fewest digits that read back as the same double.
 *
 * jansson keeps no positions, so every error names a path into the document
 * and locate() finds that path's place in the text (which jansson has
 * already checked to be well-formed JSON) for file:line:col. */
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/formats.h"
#include "model/scenario_internal.h"

/* Limits of the reader (the same as the YAML reader's): they bound the
 * memory and time a small hostile file can cost. */
#define GW_MAX_BYTES (64u << 20)     /* one file */
#define GW_MAX_VALUES 4000000u       /* JSON values in one file */
#define GW_MAX_TOTAL_OPTIONS (1u << 24) /* options of all issues */
#define GW_MAX_CELLS (1u << 26)      /* options x parties */

#define GW_MAX_PATH 16

/* One step of a path into a JSON document: an object key, or (key NULL)
 * an array index. */
typedef struct seg {
  const char *key;
  size_t index;
} seg;

typedef struct doc {
  const char *path; /* file name for messages */
  char *text;
  size_t len;
  size_t start; /* after a byte-order mark */
  json_t *root;
} doc;

/* An issue of the domain file. */
typedef struct gw_issue {
  const char *id; /* borrowed from the domain document */
  bool numeric;
  /* discrete: the values as in the file, and their indices sorted */
  size_t nv;
  const char **val;
  size_t *sorted;
  /* numeric: the range as in the file, and the grid built from it: option
   * k is the value low + k * stride * step */
  bool integer;
  double low, high, step;
  uint64_t steps;  /* of the file's grid: values low + j*step, j <= steps */
  uint64_t stride; /* 1 unless the grid was too large (real_intervals) */
  uint32_t n;      /* options */
} gw_issue;

/* A party's utilities of one numeric issue, for reservation bids off the
 * grid. */
typedef struct gw_numutil {
  double low_v, low_u, high_v, high_u;
} gw_numutil;

typedef struct ctx {
  pl_error *err;
  const pl_load_options *o;
  const doc *cur; /* the document errors point into */
  seg path[GW_MAX_PATH];
  int depth;
  pl_scenario *s;
  const char *domain_file;
  const char *domain_name;
  gw_issue *issues;
  size_t n_issues;
  uint64_t options;
} ctx;

/* ------------------------------------------------------------------ */
/* positions                                                           */
/* ------------------------------------------------------------------ */

static bool is_ws(char ch) {
  return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

static size_t skip_ws(const char *t, size_t len, size_t p) {
  while (p < len && is_ws(t[p])) p++;
  return p;
}

/* p at the opening quote; returns the position after the closing one. */
static size_t skip_string(const char *t, size_t len, size_t p) {
  for (p++; p < len && t[p] != '"'; p++)
    if (t[p] == '\\') p++;
  return p < len ? p + 1 : len;
}

/* Skips one value (no recursion: brackets are counted). */
static size_t skip_value(const char *t, size_t len, size_t p) {
  if (p >= len) return len;
  if (t[p] == '"') return skip_string(t, len, p);
  if (t[p] == '{' || t[p] == '[') {
    size_t depth = 0;
    while (p < len) {
      char ch = t[p];
      if (ch == '"') {
        p = skip_string(t, len, p);
        continue;
      }
      if (ch == '{' || ch == '[') {
        depth++;
      } else if (ch == '}' || ch == ']') {
        if (--depth == 0) return p + 1;
      }
      p++;
    }
    return len;
  }
  while (p < len && !is_ws(t[p]) && t[p] != ',' && t[p] != ']' &&
         t[p] != '}')
    p++;
  return p;
}

static int hex4(const char *t, size_t len, size_t p) {
  if (p + 4 > len) return -1;
  int v = 0;
  for (size_t k = p; k < p + 4; k++) {
    char ch = t[k];
    int d = ch >= '0' && ch <= '9'   ? ch - '0'
            : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
            : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10
                                     : -1;
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
}

/* Whether the JSON string at p (the opening quote) decodes to key. */
static bool key_equals(const char *t, size_t len, size_t p, const char *key) {
  const unsigned char *k = (const unsigned char *)key;
  size_t q = p + 1;
  while (q < len && t[q] != '"') {
    unsigned char buf[4];
    size_t nb = 1;
    if (t[q] != '\\') {
      buf[0] = (unsigned char)t[q++];
    } else {
      if (++q >= len) return false;
      char e = t[q++];
      long cp;
      switch (e) {
      case 'b': buf[0] = '\b'; break;
      case 'f': buf[0] = '\f'; break;
      case 'n': buf[0] = '\n'; break;
      case 'r': buf[0] = '\r'; break;
      case 't': buf[0] = '\t'; break;
      case 'u':
        cp = hex4(t, len, q);
        if (cp < 0) return false;
        q += 4;
        if (cp >= 0xD800 && cp < 0xDC00 && q + 6 <= len && t[q] == '\\' &&
            t[q + 1] == 'u') {
          long lo = hex4(t, len, q + 2);
          if (lo >= 0xDC00 && lo < 0xE000) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            q += 6;
          }
        }
        if (cp < 0x80) {
          buf[0] = (unsigned char)cp;
        } else if (cp < 0x800) {
          buf[0] = (unsigned char)(0xC0 | (cp >> 6));
          buf[1] = (unsigned char)(0x80 | (cp & 0x3F));
          nb = 2;
        } else if (cp < 0x10000) {
          buf[0] = (unsigned char)(0xE0 | (cp >> 12));
          buf[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
          buf[2] = (unsigned char)(0x80 | (cp & 0x3F));
          nb = 3;
        } else {
          buf[0] = (unsigned char)(0xF0 | (cp >> 18));
          buf[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
          buf[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
          buf[3] = (unsigned char)(0x80 | (cp & 0x3F));
          nb = 4;
        }
        break;
      default: /* '"', '\\', '/' */
        buf[0] = (unsigned char)e;
      }
    }
    for (size_t j = 0; j < nb; j++, k++)
      if (*k != buf[j]) return false;
  }
  return *k == 0;
}

/* Byte offset of the value at path (or of its last key, at_key) in a
 * well-formed document; as far as it gets when the path is not there. */
static size_t locate(const doc *d, const seg *path, int depth, bool at_key) {
  const char *t = d->text;
  size_t len = d->len, p = skip_ws(t, len, d->start);
  for (int j = 0; j < depth && p < len; j++) {
    size_t open = p;
    if (path[j].key) {
      if (t[p] != '{') return p;
      p = skip_ws(t, len, p + 1);
      bool found = false;
      while (p < len && t[p] == '"') {
        size_t kp = p;
        bool eq = key_equals(t, len, p, path[j].key);
        p = skip_ws(t, len, skip_string(t, len, p));
        if (p < len && t[p] == ':') p = skip_ws(t, len, p + 1);
        if (eq) {
          if (at_key && j == depth - 1) return kp;
          found = true;
          break;
        }
        p = skip_ws(t, len, skip_value(t, len, p));
        if (p < len && t[p] == ',') p = skip_ws(t, len, p + 1);
      }
      if (!found) return open;
    } else {
      if (t[p] != '[') return p;
      p = skip_ws(t, len, p + 1);
      for (size_t k = 0; k < path[j].index && p < len && t[p] != ']'; k++) {
        p = skip_ws(t, len, skip_value(t, len, p));
        if (p < len && t[p] == ',') p = skip_ws(t, len, p + 1);
      }
      if (p >= len || t[p] == ']') return open;
    }
  }
  return p;
}

/* 1-based line and column (in characters) of a byte offset. */
static void line_col(const doc *d, size_t off, int *line, int *col) {
  int l = 1, c = 1;
  for (size_t p = d->start; p < off && p < d->len; p++) {
    unsigned char ch = (unsigned char)d->text[p];
    if (ch == '\n') {
      l++;
      c = 1;
    } else if ((ch & 0xC0) != 0x80) {
      c++;
    }
  }
  *line = l;
  *col = c;
}

/* A number in the fewest digits that read back as the same double, for
 * messages ("0.1", not "0.10000000000000001"). */
typedef struct numtxt {
  char s[32];
} numtxt;
static numtxt num(double v) {
  numtxt t;
  for (int prec = 1; prec <= 17; prec++) {
    snprintf(t.s, sizeof t.s, "%.*g", prec, v);
    if (strtod(t.s, NULL) == v) break;
  }
  return t;
}

/* Messages hold ids and keys from the input: control characters are shown
 * escaped, so a message stays one line. */
static void escape_controls(char *dst, size_t size, const char *src) {
  size_t w = 0;
  for (const unsigned char *p = (const unsigned char *)src; *p; p++) {
    char esc[8];
    if (*p < 0x20 || *p == 0x7f) {
      if (*p == '\n')
        snprintf(esc, sizeof esc, "\\n");
      else if (*p == '\t')
        snprintf(esc, sizeof esc, "\\t");
      else if (*p == '\r')
        snprintf(esc, sizeof esc, "\\r");
      else
        snprintf(esc, sizeof esc, "\\x%02x", *p);
    } else {
      esc[0] = (char)*p;
      esc[1] = 0;
    }
    size_t n = strlen(esc);
    if (w + n + 1 > size) break;
    memcpy(dst + w, esc, n);
    w += n;
  }
  dst[w] = 0;
}

static int err_at(pl_error *err, int code, const char *file, int line,
                  int col, const char *fmt, ...) PL__PRINTF(6, 7);
static int err_at(pl_error *err, int code, const char *file, int line,
                  int col, const char *fmt, ...) {
  char msg[1024], clean[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  escape_controls(clean, sizeof clean, msg);
  return pl__err_at(err, code, file, line, col, "%s", clean);
}

static void push_key(ctx *c, const char *key) {
  if (c->depth < GW_MAX_PATH) c->path[c->depth] = (seg){key, 0};
  c->depth++;
}
static void push_index(ctx *c, size_t k) {
  if (c->depth < GW_MAX_PATH) c->path[c->depth] = (seg){NULL, k};
  c->depth++;
}
static void pop(ctx *c) { c->depth--; }

static int vfail(ctx *c, int code, bool at_key, const char *fmt, va_list ap)
    PL__PRINTF(4, 0);
static int vfail(ctx *c, int code, bool at_key, const char *fmt,
                 va_list ap) {
  char msg[sizeof c->err->message];
  vsnprintf(msg, sizeof msg, fmt, ap);
  int line = 1, col = 1;
  int depth = c->depth < GW_MAX_PATH ? c->depth : GW_MAX_PATH;
  if (c->cur)
    line_col(c->cur, locate(c->cur, c->path, depth, at_key), &line, &col);
  return err_at(c->err, code, c->cur ? c->cur->path : "", line, col, "%s",
                msg);
}

/* An error at the value the current path names. */
static int fail(ctx *c, const char *fmt, ...) PL__PRINTF(2, 3);
static int fail(ctx *c, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int rc = vfail(c, PL_EPARSE, false, fmt, ap);
  va_end(ap);
  return rc;
}
/* An error at the key the current path ends with. */
static int fail_key(ctx *c, const char *fmt, ...) PL__PRINTF(2, 3);
static int fail_key(ctx *c, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int rc = vfail(c, PL_EPARSE, true, fmt, ap);
  va_end(ap);
  return rc;
}
static int fail_code(ctx *c, int code, const char *fmt, ...) PL__PRINTF(3, 4);
static int fail_code(ctx *c, int code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int rc = vfail(c, code, false, fmt, ap);
  va_end(ap);
  return rc;
}

/* A builder call failed: keep its message, give it the current place. */
static int relay(ctx *c, int rc) {
  if (rc == PL_ENOMEM) return rc;
  char msg[sizeof c->err->message];
  snprintf(msg, sizeof msg, "%s", c->err->message);
  return fail_code(c, rc == PL_ETOOBIG ? PL_ETOOBIG : PL_EPARSE, "%s", msg);
}

/* ------------------------------------------------------------------ */
/* documents                                                           */
/* ------------------------------------------------------------------ */

static void doc_free(doc *d) {
  json_decref(d->root);
  pl__free(d->text);
  memset(d, 0, sizeof *d);
}

/* Counts the values of a document before jansson builds them, so that the
 * tree a file can cost stays bounded; fails at the first one too many. */
static int count_values(ctx *c, const doc *d) {
  const char *t = d->text;
  uint64_t n = 0;
  for (size_t p = d->start; p < d->len; p++) {
    char ch = t[p];
    if (ch == '"') {
      p = skip_string(t, d->len, p) - 1;
      continue;
    }
    if (ch == ',' || ch == '[' || ch == '{' || ch == ':') n++;
    if (n > GW_MAX_VALUES) {
      int line, col;
      line_col(d, p, &line, &col);
      return pl__err_at(c->err, PL_ETOOBIG, d->path, line, col,
                        "more than %u JSON values in one file", GW_MAX_VALUES);
    }
  }
  return PL_OK;
}

static int doc_load(ctx *c, const char *path, doc *d) {
  memset(d, 0, sizeof *d);
  d->path = path;
  int rc = pl__read_file(path, GW_MAX_BYTES, &d->text, &d->len, c->err);
  if (rc) return rc;
  if (d->len >= 3 && !memcmp(d->text, "\xEF\xBB\xBF", 3)) d->start = 3;
  if ((rc = count_values(c, d))) return rc;
  json_error_t je;
  d->root = json_loadb(d->text + d->start, d->len - d->start,
                       JSON_REJECT_DUPLICATES, &je);
  if (!d->root) {
    if (json_error_code(&je) == json_error_out_of_memory)
      return pl__err(c->err, PL_ENOMEM, "out of memory");
    return err_at(c->err, PL_EPARSE, path, je.line > 0 ? je.line : 1,
                  je.column > 0 ? je.column : 1, "invalid JSON: %s", je.text);
  }
  return PL_OK;
}

/* ------------------------------------------------------------------ */
/* small readers                                                       */
/* ------------------------------------------------------------------ */

static const char *jtype(const json_t *v) {
  switch (json_typeof(v)) {
  case JSON_OBJECT:
    return "an object";
  case JSON_ARRAY:
    return "a list";
  case JSON_STRING:
    return "a string";
  case JSON_INTEGER:
  case JSON_REAL:
    return "a number";
  case JSON_TRUE:
    return "true";
  case JSON_FALSE:
    return "false";
  case JSON_NULL:
    break;
  }
  return "null";
}

static int expect_object(ctx *c, const json_t *v, const char *what) {
  if (json_is_object(v)) return PL_OK;
  return fail(c, "expected an object for %s, found %s", what, jtype(v));
}

/* Every key of obj must be in the NULL-terminated list. */
static int check_keys(ctx *c, json_t *obj, const char *where,
                      const char *const *allowed) {
  const char *key;
  json_t *v;
  json_object_foreach(obj, key, v) {
    bool ok = false;
    for (const char *const *a = allowed; *a && !ok; a++) ok = !strcmp(key, *a);
    if (ok) continue;
    char list[256] = "";
    for (const char *const *a = allowed; *a; a++) {
      strncat(list, *a, sizeof list - strlen(list) - 1);
      if (a[1]) strncat(list, ", ", sizeof list - strlen(list) - 1);
    }
    push_key(c, key);
    return fail_key(c, "unknown key \"%s\" in %s; expected one of: %s", key,
                    where, list);
  }
  return PL_OK;
}

/* obj[key], which must be there. */
static int need(ctx *c, json_t *obj, const char *key, const char *where,
                json_t **out) {
  *out = json_object_get(obj, key);
  if (!*out) return fail(c, "%s has no \"%s\"", where, key);
  return PL_OK;
}

/* A number; the current path names it. */
static int get_number(ctx *c, const json_t *v, const char *what, double *out) {
  if (!json_is_number(v)) {
    if (json_is_string(v))
      return fail(c,
                  "expected a number for %s, found the string \"%s\": write "
                  "numbers without quotes",
                  what, json_string_value(v));
    return fail(c, "expected a number for %s, found %s", what, jtype(v));
  }
  *out = json_number_value(v);
  return PL_OK;
}

/* GeniusWeb's interpolation of a NumberValueSetUtilities: lowUtility +
 * (highUtility - lowUtility) (x - lowValue) / (highValue - lowValue),
 * rounded to 8 decimals. The grid lies within [lowValue, highValue]; a
 * point a 12-digit label moved past an end counts as that end. */
static double gw_interp(const gw_numutil *f, double x) {
  if (x < f->low_v) x = f->low_v;
  if (x > f->high_v) x = f->high_v;
  double u = f->low_u + (f->high_u - f->low_u) * (x - f->low_v) /
                            (f->high_v - f->low_v);
  u = round(u * 1e8) / 1e8;
  return u > 0 ? (u > 1 ? 1 : u) : 0; /* never -0 */
}

/* ------------------------------------------------------------------ */
/* value sets                                                          */
/* ------------------------------------------------------------------ */

/* One issue's value set as written: {"values": [...]} or {"range": {...}}. */
typedef struct vset {
  bool numeric, integer;
  json_t *values;
  double low, high, step;
} vset;

static int read_vset(ctx *c, json_t *v, const char *issue, vset *out) {
  memset(out, 0, sizeof *out);
  char what[300];
  snprintf(what, sizeof what, "the values of issue \"%s\"", issue);
  if (!json_is_object(v) || json_object_size(v) != 1 ||
      (!json_object_get(v, "values") && !json_object_get(v, "range"))) {
    if (json_is_object(v) && json_object_size(v) > 0) {
      const char *key = json_object_iter_key(json_object_iter(v));
      if (strcmp(key, "values") && strcmp(key, "range")) {
        push_key(c, key);
        return fail_key(c,
                        "unknown key \"%s\" in %s; expected {\"values\": "
                        "[...]} or {\"range\": {\"low\", \"high\", "
                        "\"step\"}}",
                        key, what);
      }
    }
    return fail(c,
                "expected {\"values\": [...]} or {\"range\": {\"low\", "
                "\"high\", \"step\"}} for %s, found %s",
                what, json_is_object(v) ? "another object" : jtype(v));
  }
  json_t *vals = json_object_get(v, "values");
  if (vals) {
    push_key(c, "values");
    if (!json_is_array(vals))
      return fail(c, "expected a list of strings for %s, found %s", what,
                  jtype(vals));
    if (json_array_size(vals) == 0)
      return fail(c, "issue \"%s\" has no values: list at least one", issue);
    for (size_t k = 0; k < json_array_size(vals); k++) {
      json_t *e = json_array_get(vals, k);
      push_index(c, k);
      if (json_is_number(e))
        return fail(c,
                    "expected a string for value %zu of issue \"%s\", found "
                    "a number: GeniusWeb's discrete values are strings (a "
                    "numeric issue is a \"range\")",
                    k + 1, issue);
      if (!json_is_string(e))
        return fail(c, "expected a string for value %zu of issue \"%s\", "
                       "found %s",
                    k + 1, issue, jtype(e));
      if (!json_string_value(e)[0])
        return fail(c, "value %zu of issue \"%s\" is empty", k + 1, issue);
      pop(c);
    }
    pop(c);
    out->values = vals;
    return PL_OK;
  }
  json_t *r = json_object_get(v, "range"), *x;
  push_key(c, "range");
  static const char *const keys[] = {"low", "high", "step", NULL};
  int rc;
  if ((rc = expect_object(c, r, "a range")) ||
      (rc = check_keys(c, r, "a range", keys)))
    return rc;
  double *dst[] = {&out->low, &out->high, &out->step};
  bool integer = true;
  char where[300];
  snprintf(where, sizeof where, "the range of issue \"%s\"", issue);
  for (int k = 0; k < 3; k++) {
    if ((rc = need(c, r, keys[k], where, &x))) return rc;
    push_key(c, keys[k]);
    char w[320];
    snprintf(w, sizeof w, "\"%s\" of issue \"%s\"", keys[k], issue);
    if ((rc = get_number(c, x, w, dst[k]))) return rc;
    if (json_is_integer(x) && (json_integer_value(x) < -PL__EXACT_INT ||
                               json_integer_value(x) > PL__EXACT_INT))
      return fail(c, "%s is %lld, beyond 2^53 (9007199254740992), the "
                     "largest whole number parley holds exactly",
                  w, (long long)json_integer_value(x));
    integer &= json_is_integer(x);
    pop(c);
  }
  if (!(out->step > 0)) {
    push_key(c, "step");
    return fail(c, "the step of issue \"%s\" must be positive, got %s", issue,
                num(out->step).s);
  }
  if (out->high < out->low)
    return fail(c, "the range of issue \"%s\" is empty: low %s is above high "
                   "%s",
                issue, num(out->low).s, num(out->high).s);
  pop(c);
  out->numeric = true;
  out->integer = integer;
  return PL_OK;
}

/* ------------------------------------------------------------------ */
/* domain                                                              */
/* ------------------------------------------------------------------ */

typedef struct vref {
  const char *s;
  size_t k;
} vref;
static int vref_cmp(const void *a, const void *b) {
  const vref *x = a, *y = b;
  int r = strcmp(x->s, y->s);
  return r ? r : (x->k > y->k) - (x->k < y->k);
}

/* Index of value s in a discrete issue, or -1. */
static long find_value(const gw_issue *is, const char *s) {
  size_t lo = 0, hi = is->nv;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int r = strcmp(is->val[is->sorted[mid]], s);
    if (r == 0) return (long)is->sorted[mid];
    if (r < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return -1;
}

/* Pass 1 over an issue: its number of options, checked against the limits
 * before anything is built. */
static int plan_issue(ctx *c, gw_issue *is, const vset *v) {
  uint64_t n;
  if (!v->numeric) {
    n = json_array_size(v->values);
  } else {
    is->numeric = true;
    is->integer = v->integer;
    is->low = v->low;
    is->high = v->high;
    is->step = v->step;
    double q = (v->high - v->low) / v->step;
    if (!isfinite(q) || q > 9007199254740992.0)
      return fail_code(c, PL_ETOOBIG,
                       "the range of issue \"%s\" has more than 2^53 values",
                       is->id);
    if (v->integer)
      is->steps = (uint64_t)((int64_t)v->high - (int64_t)v->low) /
                  (uint64_t)(int64_t)v->step;
    else /* GeniusWeb counts in decimal: 0.3 / 0.1 is 3 there,
            2.9999999999999996 here */
      is->steps = (uint64_t)floor(q + 1e-9 * (q > 1 ? q : 1));
    /* A grid the model cannot hold is thinned to every stride-th value, at
     * most real_intervals steps, each kept value still on GeniusWeb's grid. */
    is->stride = 1;
    if (is->steps >= PL__MAX_OPTIONS)
      is->stride =
          (is->steps + c->o->real_intervals - 1) / c->o->real_intervals;
    n = is->steps / is->stride + 1;
  }
  if (n > GW_MAX_TOTAL_OPTIONS - c->options)
    return fail_code(c, PL_ETOOBIG,
                     "issue \"%s\" brings the values of all issues to more "
                     "than %u",
                     is->id, GW_MAX_TOTAL_OPTIONS);
  c->options += n;
  return PL_OK;
}

/* Pass 2: the issue in the scenario. */
static int add_discrete(ctx *c, gw_issue *is, json_t *vals) {
  size_t n = json_array_size(vals);
  is->nv = n;
  is->val = pl__calloc(n, sizeof *is->val);
  is->sorted = pl__calloc(n, sizeof *is->sorted);
  vref *r = pl__calloc(n, sizeof *r);
  if (!is->val || !is->sorted || !r) {
    pl__free(r);
    return pl__err(c->err, PL_ENOMEM, "out of memory");
  }
  for (size_t k = 0; k < n; k++) {
    is->val[k] = json_string_value(json_array_get(vals, k));
    r[k] = (vref){is->val[k], k};
  }
  qsort(r, n, sizeof *r, vref_cmp);
  size_t again = n, first = 0;
  for (size_t k = 0; k < n; k++) {
    is->sorted[k] = r[k].k;
    if (k > 0 && !strcmp(r[k].s, r[k - 1].s) && r[k].k < again &&
        (k < 2 || strcmp(r[k - 1].s, r[k - 2].s))) {
      again = r[k].k; /* the first repeat of its group */
      first = r[k - 1].k;
    }
  }
  pl__free(r);
  if (again < n) {
    push_key(c, "values");
    push_index(c, again);
    return fail(c, "value \"%s\" of issue \"%s\" is listed twice (values %zu "
                   "and %zu)",
                is->val[again], is->id, first + 1, again + 1);
  }
  int i = pl_scenario_add_discrete_issue(c->s, is->id, NULL, n, is->val, NULL,
                                         c->err);
  if (i < 0) return relay(c, i);
  is->n = (uint32_t)n;
  return PL_OK;
}

static int add_numeric(ctx *c, gw_issue *is) {
  uint64_t kept = is->steps / is->stride;
  int i;
  if (is->integer) {
    int64_t lo = (int64_t)is->low, st = (int64_t)is->step * (int64_t)is->stride;
    i = pl_scenario_add_integer_issue(c->s, is->id, NULL, lo,
                                      lo + (int64_t)kept * st, st, c->err);
  } else {
    double gstep = is->step * (double)is->stride, gmax;
    double q = (is->high - is->low) / is->step;
    if (is->stride == 1 && fabs(q - (double)is->steps) <=
                               1e-9 * (is->steps > 1 ? (double)is->steps : 1))
      gmax = is->high; /* the range ends on the grid */
    else
      gmax = is->low + (double)kept * gstep;
    i = pl_scenario_add_real_issue(c->s, is->id, NULL, is->low, gmax, gstep,
                                   c->err);
  }
  if (i < 0) return relay(c, i);
  is->n = c->s->issues[i].n;
  return PL_OK;
}

static int read_domain(ctx *c, const doc *d) {
  c->cur = d;
  c->depth = 0;
  json_t *root = d->root, *name, *iv;
  int rc;
  static const char *const keys[] = {"name", "issuesValues", NULL};
  if (!json_is_object(root))
    return fail(c, "expected an object {\"name\", \"issuesValues\"} for a "
                   "GeniusWeb domain, found %s",
                jtype(root));
  if ((rc = check_keys(c, root, "a domain", keys)) ||
      (rc = need(c, root, "name", "the domain", &name)))
    return rc;
  push_key(c, "name");
  if (!json_is_string(name))
    return fail(c, "expected a string for the domain's name, found %s",
                jtype(name));
  if (!json_string_value(name)[0]) return fail(c, "the domain's name is empty");
  pop(c);
  c->domain_name = json_string_value(name);
  if ((rc = need(c, root, "issuesValues", "the domain", &iv))) return rc;
  push_key(c, "issuesValues");
  if ((rc = expect_object(c, iv, "\"issuesValues\""))) return rc;
  size_t ni = json_object_size(iv);
  if (ni == 0) return fail(c, "the domain has no issues: give at least one");
  c->issues = pl__calloc(ni, sizeof *c->issues);
  vset *vs = pl__calloc(ni, sizeof *vs);
  if (!c->issues || !vs) {
    pl__free(vs);
    return pl__err(c->err, PL_ENOMEM, "out of memory");
  }
  const char *key;
  json_t *v;
  rc = PL_OK;
  json_object_foreach(iv, key, v) { /* pass 1: check, count */
    gw_issue *is = &c->issues[c->n_issues];
    is->id = key;
    push_key(c, key);
    if (!key[0])
      rc = fail_key(c, "an issue's name is empty");
    if (rc || (rc = read_vset(c, v, key, &vs[c->n_issues])) ||
        (rc = plan_issue(c, is, &vs[c->n_issues])))
      break;
    c->n_issues++;
    pop(c);
  }
  if (!rc && !(c->s = pl_scenario_new(c->domain_name)))
    rc = pl__err(c->err, PL_ENOMEM, "out of memory");
  for (size_t i = 0; i < c->n_issues && !rc; i++) { /* pass 2: build */
    gw_issue *is = &c->issues[i];
    push_key(c, is->id);
    rc = is->numeric ? add_numeric(c, is) : add_discrete(c, is, vs[i].values);
    if (!rc) pop(c);
  }
  pl__free(vs);
  return rc;
}

/* The "domain" a profile repeats must be the domain file's. */
static int check_domain(ctx *c, json_t *dom) {
  json_t *name, *iv;
  int rc;
  static const char *const keys[] = {"name", "issuesValues", NULL};
  if ((rc = expect_object(c, dom, "the profile's domain")) ||
      (rc = check_keys(c, dom, "the profile's domain", keys)) ||
      (rc = need(c, dom, "name", "the profile's domain", &name)))
    return rc;
  push_key(c, "name");
  if (!json_is_string(name))
    return fail(c, "expected a string for the domain's name, found %s",
                jtype(name));
  if (strcmp(json_string_value(name), c->domain_name))
    return fail(c,
                "this profile is for domain \"%s\", but the domain file \"%s\" "
                "is domain \"%s\"",
                json_string_value(name), c->domain_file, c->domain_name);
  pop(c);
  if ((rc = need(c, dom, "issuesValues", "the profile's domain", &iv)))
    return rc;
  push_key(c, "issuesValues");
  if ((rc = expect_object(c, iv, "\"issuesValues\""))) return rc;
  const char *key;
  json_t *v;
  json_object_foreach(iv, key, v) {
    push_key(c, key);
    size_t i = 0;
    while (i < c->n_issues && strcmp(c->issues[i].id, key)) i++;
    if (i == c->n_issues)
      return fail_key(c,
                      "issue \"%s\" of this profile's domain is not in the "
                      "domain file \"%s\"",
                      key, c->domain_file);
    const gw_issue *is = &c->issues[i];
    vset vs;
    if ((rc = read_vset(c, v, key, &vs))) return rc;
    if (vs.numeric != is->numeric)
      return fail(c,
                  "issue \"%s\" is %s in this profile's domain but %s in the "
                  "domain file \"%s\"",
                  key, vs.numeric ? "numeric" : "discrete",
                  is->numeric ? "numeric" : "discrete", c->domain_file);
    if (vs.numeric) {
      if (vs.low != is->low || vs.high != is->high || vs.step != is->step)
        return fail(c,
                    "the range of issue \"%s\" (low %s, high %s, step %s) "
                    "differs from the domain file \"%s\" (low %s, high %s, "
                    "step %s)",
                    key, num(vs.low).s, num(vs.high).s, num(vs.step).s,
                    c->domain_file, num(is->low).s, num(is->high).s,
                    num(is->step).s);
    } else {
      size_t n = json_array_size(vs.values);
      char *seen = pl__calloc(is->nv, 1);
      if (!seen) return pl__err(c->err, PL_ENOMEM, "out of memory");
      for (size_t k = 0; k < n; k++) {
        const char *s = json_string_value(json_array_get(vs.values, k));
        long j = find_value(is, s);
        if (j < 0 || seen[j]) {
          pl__free(seen);
          push_key(c, "values");
          push_index(c, k);
          if (j < 0)
            return fail(c,
                        "value \"%s\" of issue \"%s\" in this profile's "
                        "domain is not in the domain file \"%s\"",
                        s, key, c->domain_file);
          return fail(c, "value \"%s\" of issue \"%s\" is listed twice", s,
                      key);
        }
        seen[j] = 1;
      }
      size_t miss = 0;
      while (miss < is->nv && seen[miss]) miss++;
      pl__free(seen);
      if (miss < is->nv) {
        push_key(c, "values");
        return fail(c,
                    "value \"%s\" of issue \"%s\" in the domain file \"%s\" "
                    "is missing from this profile's domain",
                    is->val[miss], key, c->domain_file);
      }
    }
    pop(c);
  }
  if (json_object_size(iv) < c->n_issues)
    for (size_t i = 0; i < c->n_issues; i++)
      if (!json_object_get(iv, c->issues[i].id))
        return fail(c,
                    "issue \"%s\" of the domain file \"%s\" is missing from "
                    "this profile's domain",
                    c->issues[i].id, c->domain_file);
  pop(c);
  return PL_OK;
}

/* ------------------------------------------------------------------ */
/* profiles                                                            */
/* ------------------------------------------------------------------ */

static long issue_index(const ctx *c, const char *id) {
  for (size_t i = 0; i < c->n_issues; i++)
    if (!strcmp(c->issues[i].id, id)) return (long)i;
  return -1;
}

/* An object keyed by the domain's issues, each exactly once; the current
 * path names it. */
static int check_issue_keys(ctx *c, json_t *obj, const char *what) {
  const char *key;
  json_t *v;
  json_object_foreach(obj, key, v) {
    if (issue_index(c, key) >= 0) continue;
    push_key(c, key);
    return fail_key(c, "%s names issue \"%s\", which is not in the domain "
                       "\"%s\"",
                    what, key, c->domain_name);
  }
  for (size_t i = 0; i < c->n_issues; i++)
    if (!json_object_get(obj, c->issues[i].id))
      return fail(c, "%s has no entry for issue \"%s\"", what,
                  c->issues[i].id);
  return PL_OK;
}

static int read_weights(ctx *c, int p, json_t *w) {
  int rc;
  push_key(c, "issueWeights");
  if ((rc = expect_object(c, w, "\"issueWeights\"")) ||
      (rc = check_issue_keys(c, w, "\"issueWeights\"")))
    return rc;
  for (size_t i = 0; i < c->n_issues; i++) {
    json_t *x = json_object_get(w, c->issues[i].id);
    push_key(c, c->issues[i].id);
    char what[300];
    snprintf(what, sizeof what, "the weight of issue \"%s\"", c->issues[i].id);
    double v;
    if ((rc = get_number(c, x, what, &v))) return rc;
    if (!(v >= 0))
      return fail(c, "the weight of issue \"%s\" must not be negative, got %s",
                  c->issues[i].id, num(v).s);
    if ((rc = pl_scenario_set_weight(c->s, p, (int)i, v, c->err)))
      return relay(c, rc);
    pop(c);
  }
  pop(c);
  return PL_OK;
}

static int get_utility(ctx *c, const json_t *x, const char *what,
                       double *out) {
  int rc = get_number(c, x, what, out);
  if (rc) return rc;
  if (!(*out >= 0 && *out <= 1))
    return fail(c, "%s must be in [0,1], got %s", what, num(*out).s);
  return PL_OK;
}

static int read_discrete_utils(ctx *c, int p, size_t i, json_t *u) {
  const gw_issue *is = &c->issues[i];
  json_t *vu;
  int rc;
  static const char *const keys[] = {"valueUtilities", NULL};
  if ((rc = expect_object(c, u, "discrete value utilities")) ||
      (rc = check_keys(c, u, "discrete value utilities", keys)) ||
      (rc = need(c, u, "valueUtilities", "the value utilities", &vu)))
    return rc;
  push_key(c, "valueUtilities");
  if ((rc = expect_object(c, vu, "\"valueUtilities\""))) return rc;
  const char *key;
  json_t *x;
  json_object_foreach(vu, key, x) {
    push_key(c, key);
    long k = find_value(is, key);
    if (k < 0)
      return fail_key(c, "\"%s\" is not a value of issue \"%s\" in the domain",
                      key, is->id);
    char what[600];
    snprintf(what, sizeof what, "the utility of value \"%s\" of issue \"%s\"",
             key, is->id);
    double v;
    if ((rc = get_utility(c, x, what, &v))) return rc;
    if ((rc = pl_scenario_set_value(c->s, p, (int)i, (uint32_t)k, v, c->err)))
      return relay(c, rc);
    pop(c);
  }
  if (json_object_size(vu) < is->nv) /* GeniusWeb wants every value */
    for (size_t k = 0; k < is->nv; k++)
      if (!json_object_get(vu, is->val[k]))
        return fail(c, "value \"%s\" of issue \"%s\" has no utility",
                    is->val[k], is->id);
  pop(c);
  return PL_OK;
}

static int read_number_utils(ctx *c, int p, size_t i, json_t *u,
                             gw_numutil *f) {
  const gw_issue *is = &c->issues[i];
  int rc;
  static const char *const keys[] = {"lowValue", "lowUtility", "highValue",
                                     "highUtility", NULL};
  if ((rc = expect_object(c, u, "number value utilities")) ||
      (rc = check_keys(c, u, "number value utilities", keys)))
    return rc;
  double *dst[] = {&f->low_v, &f->low_u, &f->high_v, &f->high_u};
  for (int k = 0; k < 4; k++) {
    json_t *x;
    if ((rc = need(c, u, keys[k], "the number value utilities", &x)))
      return rc;
    push_key(c, keys[k]);
    char what[300];
    snprintf(what, sizeof what, "\"%s\" of issue \"%s\"", keys[k], is->id);
    rc = k % 2 ? get_utility(c, x, what, dst[k]) : get_number(c, x, what, dst[k]);
    if (rc) return rc;
    pop(c);
  }
  if (f->low_v != is->low) {
    push_key(c, "lowValue");
    return fail(c, "lowValue %s of issue \"%s\" is not the low end %s of its "
                   "range",
                num(f->low_v).s, is->id, num(is->low).s);
  }
  if (f->high_v != is->high) {
    push_key(c, "highValue");
    return fail(c, "highValue %s of issue \"%s\" is not the high end %s of "
                   "its range",
                num(f->high_v).s, is->id, num(is->high).s);
  }
  if (!(f->high_v > f->low_v))
    return fail(c, "highValue of issue \"%s\" must be above its lowValue: a "
                   "range of one value has no number value utilities",
                is->id);
  const pl__issue *mi = &c->s->issues[i];
  for (uint32_t k = 0; k < mi->n; k++)
    if ((rc = pl_scenario_set_value(c->s, p, (int)i, k,
                                    gw_interp(f, mi->num[k]), c->err)))
      return relay(c, rc);
  return PL_OK;
}

static int read_utilities(ctx *c, int p, json_t *iu, gw_numutil *fs) {
  int rc;
  push_key(c, "issueUtilities");
  if ((rc = expect_object(c, iu, "\"issueUtilities\"")) ||
      (rc = check_issue_keys(c, iu, "\"issueUtilities\"")))
    return rc;
  for (size_t i = 0; i < c->n_issues; i++) {
    const gw_issue *is = &c->issues[i];
    json_t *u = json_object_get(iu, is->id);
    push_key(c, is->id);
    char what[300];
    snprintf(what, sizeof what, "the utilities of issue \"%s\"", is->id);
    if ((rc = expect_object(c, u, what))) return rc;
    const char *kind = json_object_size(u)
                           ? json_object_iter_key(json_object_iter(u))
                           : NULL;
    bool disc = kind && (!strcmp(kind, "DiscreteValueSetUtilities") ||
                         !strcmp(kind, "discreteutils"));
    bool num = kind && (!strcmp(kind, "NumberValueSetUtilities") ||
                        !strcmp(kind, "numberutils"));
    if (!kind)
      return fail(c,
                  "the utilities of issue \"%s\" are empty: expected "
                  "{\"DiscreteValueSetUtilities\": {...}} or "
                  "{\"NumberValueSetUtilities\": {...}}",
                  is->id);
    push_key(c, kind);
    if (!disc && !num)
      return fail_key(c,
                      "unknown kind of value utilities \"%s\" for issue "
                      "\"%s\"; expected DiscreteValueSetUtilities (older "
                      "files: discreteutils) or NumberValueSetUtilities "
                      "(older files: numberutils)",
                      kind, is->id);
    if (disc && is->numeric)
      return fail_key(c,
                      "issue \"%s\" is numeric (a range): its utilities must "
                      "be NumberValueSetUtilities, not %s",
                      is->id, kind);
    if (num && !is->numeric)
      return fail_key(c,
                      "issue \"%s\" is discrete: its utilities must be "
                      "DiscreteValueSetUtilities, not %s",
                      is->id, kind);
    pop(c);
    if (json_object_size(u) > 1) {
      void *it = json_object_iter_next(u, json_object_iter(u));
      push_key(c, json_object_iter_key(it));
      return fail_key(c,
                      "the utilities of issue \"%s\" are one object named by "
                      "its kind; found also \"%s\"",
                      is->id, json_object_iter_key(it));
    }
    push_key(c, kind);
    json_t *body = json_object_get(u, kind);
    rc = disc ? read_discrete_utils(c, p, i, body)
              : read_number_utils(c, p, i, body, &fs[i]);
    if (rc) return rc;
    pop(c);
    pop(c);
  }
  pop(c);
  return PL_OK;
}

/* Option of a numeric issue holding x: *k, or -1 when x is on GeniusWeb's
 * grid but between the kept options (a thinned grid), or -2 when it is not
 * a value of the issue. */
static int numeric_option(const gw_issue *is, double x, uint32_t *k) {
  double q = (x - is->low) / is->step;
  double j = round(q);
  if (!(j >= 0 && j <= (double)is->steps)) return -2;
  if (is->integer ? q != j : fabs(q - j) > 1e-9 * (j > 1 ? j : 1)) return -2;
  uint64_t ji = (uint64_t)j;
  if (ji % is->stride) return -1;
  *k = (uint32_t)(ji / is->stride);
  return 0;
}

static int read_reservation(ctx *c, int p, json_t *rb, const gw_numutil *fs) {
  int rc;
  json_t *iv;
  static const char *const keys[] = {"issuevalues", NULL};
  push_key(c, "reservationBid");
  if ((rc = expect_object(c, rb, "\"reservationBid\"")) ||
      (rc = check_keys(c, rb, "a bid", keys)) ||
      (rc = need(c, rb, "issuevalues", "the reservation bid", &iv)))
    return rc;
  push_key(c, "issuevalues");
  if ((rc = expect_object(c, iv, "\"issuevalues\""))) return rc;
  uint32_t *opt = pl__calloc(c->n_issues, sizeof *opt);
  if (!opt) return pl__err(c->err, PL_ENOMEM, "out of memory");
  /* utility by GeniusWeb's formula, for a bid parley cannot name as an
   * outcome (partial, or between the options of a thinned grid) */
  const pl__party *pa = &c->s->parties[p];
  double u = 0;
  bool outcome = json_object_size(iv) == c->n_issues;
  const char *key;
  json_t *x;
  rc = PL_OK;
  json_object_foreach(iv, key, x) {
    push_key(c, key);
    long i = issue_index(c, key);
    if (i < 0) {
      rc = fail_key(c, "the reservation bid names issue \"%s\", which is not "
                       "in the domain \"%s\"",
                    key, c->domain_name);
      break;
    }
    const gw_issue *is = &c->issues[i];
    double v;
    if (!is->numeric) {
      long k = json_is_string(x) ? find_value(is, json_string_value(x)) : -1;
      if (!json_is_string(x)) {
        rc = fail(c, "expected a string (a value of issue \"%s\") in the "
                     "reservation bid, found %s",
                  key, jtype(x));
        break;
      }
      if (k < 0) {
        rc = fail(c, "\"%s\" is not a value of issue \"%s\"",
                  json_string_value(x), key);
        break;
      }
      opt[i] = (uint32_t)k;
      v = pa->value[i] ? pa->value[i][k] : 0;
    } else {
      char what[300];
      snprintf(what, sizeof what, "the value of issue \"%s\"", key);
      double x_num;
      if ((rc = get_number(c, x, what, &x_num))) break;
      int r = numeric_option(is, x_num, &opt[i]);
      if (r == -2) {
        rc = fail(c, "%s is not a value of issue \"%s\" (from %s to %s in "
                     "steps of %s)",
                  num(x_num).s, key, num(is->low).s, num(is->high).s,
                  num(is->step).s);
        break;
      }
      if (r == -1) {
        outcome = false;
        v = gw_interp(&fs[i], x_num);
      } else {
        v = pa->value[i] ? pa->value[i][opt[i]] : 0;
      }
    }
    u += pa->weight[i] * v;
    pop(c);
  }
  if (!rc) {
    if (outcome)
      rc = pl_scenario_set_reservation_outcome(c->s, p, opt, c->err);
    else /* the issues left out count 0, as in GeniusWeb */
      rc = pl_scenario_set_reservation(c->s, p, u > 1 ? 1 : u, c->err);
    if (rc) rc = relay(c, rc);
  }
  pl__free(opt);
  if (rc) return rc;
  pop(c);
  pop(c);
  return PL_OK;
}

static int read_profile(ctx *c, const doc *d, const char *party_id) {
  c->cur = d;
  c->depth = 0;
  json_t *root = d->root;
  int rc;
  if (!json_is_object(root) || json_object_size(root) == 0)
    return fail(c, "expected {\"LinearAdditiveUtilitySpace\": {...}} for a "
                   "GeniusWeb profile, found %s",
                json_is_object(root) ? "an empty object" : jtype(root));
  const char *kind = json_object_iter_key(json_object_iter(root));
  push_key(c, kind);
  if (strcmp(kind, "LinearAdditiveUtilitySpace"))
    return fail_key(c,
                    "profile kind \"%s\" is not supported: parley reads "
                    "LinearAdditiveUtilitySpace profiles",
                    kind);
  pop(c);
  if (json_object_size(root) > 1) {
    const char *k2 =
        json_object_iter_key(json_object_iter_next(root, json_object_iter(root)));
    push_key(c, k2);
    return fail_key(c,
                    "a profile is one object named by its kind; found also "
                    "\"%s\"",
                    k2);
  }
  push_key(c, kind);
  json_t *las = json_object_get(root, kind), *x;
  static const char *const keys[] = {"issueUtilities", "issueWeights",
                                     "domain", "name", "reservationBid",
                                     NULL};
  if ((rc = expect_object(c, las, "a LinearAdditiveUtilitySpace")) ||
      (rc = check_keys(c, las, "a LinearAdditiveUtilitySpace", keys)))
    return rc;
  const char *name = NULL;
  if ((x = json_object_get(las, "name"))) {
    push_key(c, "name");
    if (!json_is_string(x))
      return fail(c, "expected a string for the profile's name, found %s",
                  jtype(x));
    name = json_string_value(x);
    pop(c);
  }
  if ((x = json_object_get(las, "domain"))) {
    push_key(c, "domain");
    if ((rc = check_domain(c, x))) return rc;
    pop(c);
  }
  uint64_t cells = c->options * (uint64_t)(c->s->n_parties + 1);
  if (cells > GW_MAX_CELLS)
    return fail_code(c, PL_ETOOBIG,
                     "%d parties over %llu values: more than %u utilities",
                     c->s->n_parties + 1, (unsigned long long)c->options,
                     GW_MAX_CELLS);
  int p = pl_scenario_add_party(c->s, party_id, name, 0, c->err);
  if (p < 0) return relay(c, p);
  if ((rc = pl_scenario_set_weighting(c->s, p, PL_WEIGHTS_AS_GIVEN, c->err)))
    return relay(c, rc);
  json_t *iu, *w;
  if ((rc = need(c, las, "issueWeights", "the profile", &w)) ||
      (rc = read_weights(c, p, w)) ||
      (rc = need(c, las, "issueUtilities", "the profile", &iu)))
    return rc;
  gw_numutil *fs = pl__calloc(c->n_issues, sizeof *fs);
  if (!fs) return pl__err(c->err, PL_ENOMEM, "out of memory");
  rc = read_utilities(c, p, iu, fs);
  /* Jackson writes a profile without one as "reservationBid": null */
  if (!rc && (x = json_object_get(las, "reservationBid")) && !json_is_null(x))
    rc = read_reservation(c, p, x, fs);
  pl__free(fs);
  return rc;
}

int pl__geniusweb_load(const char *domain, const char *const *profiles,
                       size_t n_profiles, const pl_load_options *o,
                       pl_scenario **out, pl_error *err) {
  *out = NULL;
  pl_load_options def;
  if (!o) {
    pl_load_options_init(&def);
    o = &def;
  }
  ctx c;
  memset(&c, 0, sizeof c);
  c.err = err;
  c.o = o;
  c.domain_file = domain;
  doc dd, pd;
  memset(&dd, 0, sizeof dd);
  memset(&pd, 0, sizeof pd);
  char **ids = pl__calloc(n_profiles ? n_profiles : 1, sizeof *ids);
  int rc = ids ? PL_OK : pl__err(err, PL_ENOMEM, "out of memory");
  if (!rc) rc = doc_load(&c, domain, &dd);
  if (!rc) rc = read_domain(&c, &dd);
  if (!rc && n_profiles > PL__MAX_PARTIES)
    rc = pl__err_at(err, PL_ETOOBIG, profiles[PL__MAX_PARTIES], 1, 1,
                    "too many parties: at most %d", PL__MAX_PARTIES);
  for (size_t j = 0; j < n_profiles && !rc; j++) {
    ids[j] = pl__file_stem(profiles[j]);
    if (!ids[j]) {
      rc = pl__err(err, PL_ENOMEM, "out of memory");
      break;
    }
    for (size_t k = 0; k < j; k++)
      if (!strcmp(ids[k], ids[j])) {
        rc = err_at(err, PL_EPARSE, profiles[j], 1, 1,
                        "party id \"%s\" (the file name) is also the id of "
                        "profile \"%s\": party ids must differ",
                        ids[j], profiles[k]);
        break;
      }
    if (!rc && !ids[j][0])
      rc = pl__err_at(err, PL_EPARSE, profiles[j], 1, 1,
                      "the file name gives an empty party id");
    if (!rc) rc = doc_load(&c, profiles[j], &pd);
    if (!rc) rc = read_profile(&c, &pd, ids[j]);
    doc_free(&pd);
  }
  if (!rc) {
    rc = pl_scenario_finish(c.s, err);
    if (rc && rc != PL_ENOMEM) {
      char msg[sizeof err->message];
      snprintf(msg, sizeof msg, "%s", err ? err->message : "");
      rc = err_at(err, rc == PL_ETOOBIG ? PL_ETOOBIG : PL_EPARSE, domain, 1,
                  1, "%s", msg);
    }
  }
  for (size_t j = 0; j < n_profiles && ids; j++) pl__free(ids[j]);
  pl__free(ids);
  for (size_t i = 0; i < c.n_issues; i++) {
    pl__free(c.issues[i].val);
    pl__free(c.issues[i].sorted);
  }
  pl__free(c.issues);
  doc_free(&dd);
  if (rc) {
    pl_scenario_free(c.s);
    return rc;
  }
  *out = c.s;
  return PL_OK;
}

/* ------------------------------------------------------------------ */
/* writer                                                              */
/* ------------------------------------------------------------------ */

/* How a numeric issue is written: as a GeniusWeb range when every party's
 * values are GeniusWeb's interpolation of its end values bit for bit, else
 * as discrete values named by the numbers (same options, same utilities). */
static bool range_fits(const pl_scenario *s, int i) {
  const pl__issue *is = &s->issues[i];
  if (is->kind == PL_ISSUE_DISCRETE || is->n < 2 || !(is->max > is->min))
    return false;
  if (is->kind == PL_ISSUE_REAL && (is->num[0] != is->min ||
                                    is->num[is->n - 1] != is->max))
    return false;
  for (int p = 0; p < s->n_parties; p++) {
    gw_numutil f = {is->min, pl_scenario_value(s, p, i, 0), is->max,
                    pl_scenario_value(s, p, i, is->n - 1)};
    for (uint32_t k = 0; k < is->n; k++)
      if (gw_interp(&f, is->num[k]) != pl_scenario_value(s, p, i, k))
        return false;
  }
  return true;
}

static bool valid_utf8(const char *s) {
  const unsigned char *u = (const unsigned char *)s;
  while (*u) {
    int n = *u < 0x80 ? 0 : (*u & 0xE0) == 0xC0 ? 1
                            : (*u & 0xF0) == 0xE0 ? 2
                            : (*u & 0xF8) == 0xF0 ? 3
                                                  : -1;
    if (n < 0) return false;
    u++;
    for (int k = 0; k < n; k++, u++)
      if ((*u & 0xC0) != 0x80) return false;
  }
  return true;
}

/* A name that is a file name of its own in the folder, and that the
 * folder reader lists (it skips hidden files). */
static bool file_name_ok(const char *id) {
  return id[0] && id[0] != '.' && !strchr(id, '/') && strlen(id) < 200;
}

/* Rewrites the reals of a document jansson printed with 17 digits in the
 * fewest digits that read back as the same double. New string (pl__free). */
static char *shorten_reals(const char *t) {
  size_t len = strlen(t);
  char *o = pl__malloc(len + 1);
  if (!o) return NULL;
  size_t w = 0;
  for (size_t p = 0; p < len;) {
    if (t[p] == '"') {
      size_t e = skip_string(t, len, p);
      memcpy(o + w, t + p, e - p);
      w += e - p;
      p = e;
      continue;
    }
    if (t[p] == '-' || (t[p] >= '0' && t[p] <= '9')) {
      size_t e = p;
      bool real = false;
      while (e < len && strchr("0123456789+-.eE", t[e])) {
        real |= t[e] == '.' || t[e] == 'e' || t[e] == 'E';
        e++;
      }
      char num[64];
      if (real && e - p < sizeof num) {
        memcpy(num, t + p, e - p);
        num[e - p] = 0;
        double v = strtod(num, NULL);
        char best[64];
        for (int prec = 1; prec <= 17; prec++) {
          snprintf(best, sizeof best, "%.*g", prec, v);
          if (strtod(best, NULL) == v) break;
        }
        if (!strpbrk(best, ".eEn")) strcat(best, ".0"); /* stays a real */
        size_t bl = strlen(best);
        if (bl <= e - p) { /* never longer than jansson's */
          memcpy(o + w, best, bl);
          w += bl;
          p = e;
          continue;
        }
      }
      memcpy(o + w, t + p, e - p);
      w += e - p;
      p = e;
      continue;
    }
    o[w++] = t[p++];
  }
  o[w] = 0;
  return o;
}

typedef struct wfile {
  char *path;
  char *text;
} wfile;

static int unsupported(pl_error *err, const char *dir, const char *fmt, ...)
    PL__PRINTF(3, 4);
static int unsupported(pl_error *err, const char *dir, const char *fmt, ...) {
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  return err_at(err, PL_EUNSUPPORTED, dir, 0, 0,
                "GeniusWeb cannot express %s", msg);
}

/* What GeniusWeb cannot express, or PL_OK. */
static int check_writable(const pl_scenario *s, const char *dir,
                          pl_error *err) {
  const int np = s->n_parties, ni = s->n_issues;
  if (s->n_red_lines) {
    const pl__red_line *r = &s->red_lines[0];
    return unsupported(err, dir,
                       "red lines: party \"%s\" has %s \"%s\"%s; write the "
                       "scenario as YAML, or drop its red lines",
                       s->parties[r->party].id,
                       r->linkage ? "the linkage" : "the red line", r->id,
                       s->n_red_lines > 1 ? " (and there are more)" : "");
  }
  if (s->status_quo)
    return unsupported(err, dir, "a status quo (the scenario has one)");
  for (int p = 0; p < np; p++) {
    const pl__party *pa = &s->parties[p];
    if (pa->reservation_cost_set)
      return unsupported(err, dir,
                         "concession costs (party \"%s\" has a "
                         "reservation_cost)",
                         pa->id);
    if (pa->status_quo)
      return unsupported(err, dir, "a status quo (party \"%s\" has one)",
                         pa->id);
    if (pa->hyper)
      return unsupported(err, dir,
                         "non-linear utilities: party \"%s\" uses "
                         "hyper-rectangles",
                         pa->id);
    if (pa->discount != 1)
      return unsupported(err, dir,
                         "discount factors: party \"%s\" has %s", pa->id,
                         num(pa->discount).s);
    if (!pa->reservation_outcome && pa->reservation != 0)
      return unsupported(err, dir,
                         "a reservation value without a reservation bid: "
                         "party \"%s\" has reservation value %s and no "
                         "reservation outcome",
                         pa->id, num(pa->reservation).s);
    double sum = 0;
    for (int i = 0; i < ni; i++) {
      sum += pl_scenario_weight(s, p, i);
      for (uint32_t k = 0; k < s->issues[i].n; k++) {
        double v = pl_scenario_value(s, p, i, k);
        if (!(v >= 0 && v <= 1))
          return unsupported(err, dir,
                             "utilities outside [0,1]: party \"%s\" values "
                             "option \"%s\" of issue \"%s\" at %s",
                             pa->id, s->issues[i].opt_id[k], s->issues[i].id,
                             num(v).s);
      }
    }
    if (fabs(sum - 1) > 1e-6)
      return unsupported(err, dir,
                         "weights that do not add up to 1: those of party "
                         "\"%s\" add up to %s",
                         pa->id, num(sum).s);
  }
  if (!file_name_ok(s->id) || !valid_utf8(s->id))
    return unsupported(err, dir,
                       "the scenario id \"%s\" as a file name (it names the "
                       "domain file)",
                       s->id);
  for (int p = 0; p < np; p++) {
    const char *id = s->parties[p].id;
    if (!file_name_ok(id) || !valid_utf8(id) || !valid_utf8(s->parties[p].name))
      return unsupported(err, dir,
                         "the party id \"%s\" as a file name (it names the "
                         "party's profile)",
                         id);
    if (!strcmp(id, s->id))
      return unsupported(err, dir,
                         "party \"%s\" next to a scenario of the same id: "
                         "both would be \"%s.json\"",
                         id, id);
  }
  for (int i = 0; i < ni; i++) {
    if (!valid_utf8(s->issues[i].id))
      return unsupported(err, dir, "issue id \"%s\" (not UTF-8)",
                         s->issues[i].id);
    for (uint32_t k = 0; k < s->issues[i].n; k++)
      if (!valid_utf8(s->issues[i].opt_id[k]))
        return unsupported(err, dir, "option id \"%s\" (not UTF-8)",
                           s->issues[i].opt_id[k]);
  }
  return PL_OK;
}

/* The JSON value of an option in a bid or a value list. */
static json_t *option_json(const pl_scenario *s, int i, uint32_t k,
                           bool range) {
  const pl__issue *is = &s->issues[i];
  if (!range) return json_string(is->opt_id[k]);
  if (is->kind == PL_ISSUE_INTEGER) return json_integer((json_int_t)is->num[k]);
  return json_real(is->num[k]);
}

static json_t *number_json(const pl__issue *is, double v) {
  return is->kind == PL_ISSUE_INTEGER ? json_integer((json_int_t)v)
                                      : json_real(v);
}

/* Sets obj[key] = v (stolen); false when v is NULL or out of memory. */
static bool put(json_t *obj, const char *key, json_t *v) {
  return v && json_object_set_new(obj, key, v) == 0;
}

static json_t *domain_json(const pl_scenario *s, const bool *range) {
  json_t *d = json_object(), *iv = NULL;
  bool ok = d && put(d, "name", json_string(s->id)) &&
            put(d, "issuesValues", iv = json_object());
  for (int i = 0; ok && i < s->n_issues; i++) {
    const pl__issue *is = &s->issues[i];
    json_t *vs = NULL, *r = NULL, *a = NULL;
    ok = put(iv, is->id, vs = json_object());
    if (ok && range[i]) {
      ok = put(vs, "range", r = json_object()) &&
           put(r, "low", number_json(is, is->min)) &&
           put(r, "high", number_json(is, is->max)) &&
           put(r, "step", number_json(is, is->step));
    } else if (ok) {
      ok = put(vs, "values", a = json_array());
      for (uint32_t k = 0; ok && k < is->n; k++)
        ok = json_array_append_new(a, option_json(s, i, k, false)) == 0;
    }
  }
  if (!ok) {
    json_decref(d);
    return NULL;
  }
  return d;
}

static json_t *profile_json(const pl_scenario *s, int p, const bool *range,
                            json_t *domain) {
  const pl__party *pa = &s->parties[p];
  /* put() consumes its value even when it fails, and && stops at the first
   * failure, so nothing is used after it was freed */
  json_t *root = json_object(), *las = NULL, *iu = NULL, *iw = NULL;
  bool ok = root && put(root, "LinearAdditiveUtilitySpace", las = json_object()) &&
            put(las, "issueUtilities", iu = json_object()) &&
            put(las, "issueWeights", iw = json_object());
  for (int i = 0; ok && i < s->n_issues; i++) {
    const pl__issue *is = &s->issues[i];
    json_t *u = NULL, *body = NULL;
    ok = put(iu, is->id, u = json_object()) &&
         put(u, range[i] ? "NumberValueSetUtilities" : "DiscreteValueSetUtilities",
             body = json_object());
    if (!ok) break;
    if (range[i]) {
      ok = put(body, "lowValue", number_json(is, is->min)) &&
           put(body, "lowUtility", json_real(pl_scenario_value(s, p, i, 0))) &&
           put(body, "highValue", number_json(is, is->max)) &&
           put(body, "highUtility",
               json_real(pl_scenario_value(s, p, i, is->n - 1)));
    } else {
      json_t *vu = NULL;
      ok = put(body, "valueUtilities", vu = json_object());
      for (uint32_t k = 0; ok && k < is->n; k++)
        ok = put(vu, is->opt_id[k], json_real(pl_scenario_value(s, p, i, k)));
    }
    if (ok) ok = put(iw, is->id, json_real(pl_scenario_weight(s, p, i)));
  }
  if (ok) ok = json_object_set(las, "domain", domain) == 0;
  if (ok) ok = put(las, "name", json_string(pa->name));
  if (ok && pa->reservation_outcome) {
    json_t *rb = NULL, *iv = NULL;
    ok = put(las, "reservationBid", rb = json_object()) &&
         put(rb, "issuevalues", iv = json_object());
    for (int i = 0; ok && i < s->n_issues; i++)
      ok = put(iv, s->issues[i].id,
               option_json(s, i, pa->reservation_outcome[i], range[i]));
  }
  if (!ok) {
    json_decref(root);
    return NULL;
  }
  return root;
}

/* The document as text, reals in their shortest exact form, a final
 * newline. */
static char *dump(json_t *j) {
  char *t = json_dumps(j, JSON_INDENT(2) | JSON_REAL_PRECISION(17));
  if (!t) return NULL;
  char *s = shorten_reals(t);
  free(t);
  if (!s) return NULL;
  size_t n = strlen(s);
  char *r = pl__realloc(s, n + 2);
  if (!r) {
    pl__free(s);
    return NULL;
  }
  r[n] = '\n';
  r[n + 1] = 0;
  return r;
}

static char *join(const char *dir, const char *name) {
  size_t n = strlen(dir) + strlen(name) + 7;
  char *p = pl__malloc(n);
  if (p) snprintf(p, n, "%s/%s.json", dir, name);
  return p;
}

int pl__geniusweb_write(const pl_scenario *s, const char *dir, pl_error *err) {
  if (!s->finished)
    return pl__err(err, PL_ESTATE, "scenario \"%s\" is not finished", s->id);
  int rc = check_writable(s, dir, err);
  if (rc) return rc;
  const int np = s->n_parties, ni = s->n_issues;
  bool *range = pl__calloc((size_t)ni, sizeof *range);
  wfile *files = pl__calloc((size_t)np + 1, sizeof *files);
  json_t *dom = NULL;
  if (!range || !files) goto nomem;
  for (int i = 0; i < ni; i++) range[i] = range_fits(s, i);
  /* Everything is prepared before the first file is written, so a failure
   * leaves nothing behind. */
  if (!(dom = domain_json(s, range))) goto nomem;
  files[0].path = join(dir, s->id);
  files[0].text = dump(dom);
  if (!files[0].path || !files[0].text) goto nomem;
  for (int p = 0; p < np; p++) {
    json_t *pj = profile_json(s, p, range, dom);
    if (!pj) goto nomem;
    files[p + 1].path = join(dir, s->parties[p].id);
    files[p + 1].text = dump(pj);
    json_decref(pj);
    if (!files[p + 1].path || !files[p + 1].text) goto nomem;
  }
  /* a file the reader would refuse for its size is not written */
  for (int f = 0; f <= np && !rc; f++)
    if (strlen(files[f].text) > GW_MAX_BYTES)
      rc = pl__err_at(err, PL_EUNSUPPORTED, dir, 0, 0,
                      "the %s%s%s would be %zu bytes, more than the %u a "
                      "GeniusWeb file may have",
                      f ? "profile of party \"" : "domain",
                      f ? s->parties[f - 1].id : "", f ? "\"" : "",
                      strlen(files[f].text), GW_MAX_BYTES);
  if (!rc) rc = pl__make_dir(dir, err);
  for (int f = 0; f <= np && !rc; f++)
    rc = pl__write_file(files[f].path, files[f].text, strlen(files[f].text),
                        err);
  goto done;
nomem:
  rc = pl__err(err, PL_ENOMEM, "out of memory");
done:
  if (files)
    for (int f = 0; f <= np; f++) {
      pl__free(files[f].path);
      pl__free(files[f].text);
    }
  pl__free(files);
  pl__free(range);
  json_decref(dom);
  return rc;
}
