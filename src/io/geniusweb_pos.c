/* GeniusWeb JSON, positions: jansson keeps no positions, so every error
 * names a path into the document and locate() finds that path's place in
 * the text (which jansson has already checked to be well-formed JSON) for
 * file:line:col. */
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/formats.h"
#include "model/scenario_internal.h"

#include "io/geniusweb_internal.h"

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
size_t pl__gw_skip_string(const char *t, size_t len, size_t p) {
  for (p++; p < len && t[p] != '"'; p++)
    if (t[p] == '\\') p++;
  return p < len ? p + 1 : len;
}

/* Skips one value (no recursion: brackets are counted). */
static size_t skip_value(const char *t, size_t len, size_t p) {
  if (p >= len) return len;
  if (t[p] == '"') return pl__gw_skip_string(t, len, p);
  if (t[p] == '{' || t[p] == '[') {
    size_t depth = 0;
    while (p < len) {
      char ch = t[p];
      if (ch == '"') {
        p = pl__gw_skip_string(t, len, p);
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
        p = skip_ws(t, len, pl__gw_skip_string(t, len, p));
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
void pl__gw_line_col(const doc *d, size_t off, int *line, int *col) {
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

numtxt pl__gw_num(double v) {
  numtxt t;
  for (int prec = 1; prec <= 17; prec++) {
    snprintf(t.s, sizeof t.s, "%.*g", prec, v);
    if (strtod(t.s, NULL) == v) break;
  }
  return t;
}

void pl__gw_push_key(ctx *c, const char *key) {
  if (c->depth < GW_MAX_PATH) c->path[c->depth] = (seg){key, 0};
  c->depth++;
}
void pl__gw_push_index(ctx *c, size_t k) {
  if (c->depth < GW_MAX_PATH) c->path[c->depth] = (seg){NULL, k};
  c->depth++;
}
void pl__gw_pop(ctx *c) { c->depth--; }

static int vfail(ctx *c, int code, bool at_key, const char *fmt, va_list ap)
    PL__PRINTF(4, 0);
static int vfail(ctx *c, int code, bool at_key, const char *fmt,
                 va_list ap) {
  char msg[sizeof c->err->message];
  vsnprintf(msg, sizeof msg, fmt, ap);
  int line = 1, col = 1;
  int depth = c->depth < GW_MAX_PATH ? c->depth : GW_MAX_PATH;
  if (c->cur)
    pl__gw_line_col(c->cur, locate(c->cur, c->path, depth, at_key), &line, &col);
  return pl__err_at(c->err, code, c->cur ? c->cur->path : "", line, col, "%s",
                    msg);
}

/* An error at the value the current path names. */
int pl__gw_fail(ctx *c, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int rc = vfail(c, PL_EPARSE, false, fmt, ap);
  va_end(ap);
  return rc;
}
/* An error at the key the current path ends with. */
int pl__gw_fail_key(ctx *c, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int rc = vfail(c, PL_EPARSE, true, fmt, ap);
  va_end(ap);
  return rc;
}
int pl__gw_fail_code(ctx *c, int code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int rc = vfail(c, code, false, fmt, ap);
  va_end(ap);
  return rc;
}

/* A builder call failed: keep its message, give it the current place. */
int pl__gw_relay(ctx *c, int rc) {
  if (rc == PL_ENOMEM) return rc;
  char msg[sizeof c->err->message];
  snprintf(msg, sizeof msg, "%s", c->err->message);
  return pl__gw_fail_code(c, rc == PL_ETOOBIG ? PL_ETOOBIG : PL_EPARSE, "%s", msg);
}
