/* GENIUS XML, the pre-pass and position mapping: GENIUS read its files with
 * a lenient hand-written parser, so real files carry raw '&', attributes
 * without space between them and comments before the XML declaration; this
 * repairs exactly these (keeping every line and column where it was) before
 * libxml2 parses the result strictly, without network, DTD or entity
 * expansion, and maps libxml2's places back to the original file. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xml.h" /* libxml2, opened on first use */

#include "io/formats.h"
#include "model/scenario_internal.h"

#include "io/genius_internal.h"

/* ------------------------------------------------------------------ */
/* a parsed file, with the way back to the original lines and columns  */
/* ------------------------------------------------------------------ */

void pl__gx_doc_free(gx_doc *d) {
  if (d->doc) xmlFreeDoc(d->doc);
  pl__free(d->orig);
  pl__free(d->text);
  pl__free(d->ins);
  pl__free(d->starts);
  memset(d, 0, sizeof *d);
}

/* Original offset of an offset of the repaired text. */
static size_t gx_orig_off(const gx_doc *d, size_t t) {
  size_t shift = 0;
  for (size_t k = 0; k < d->n_ins && d->ins[k].pos < t; k++) {
    const gx_ins *r = &d->ins[k];
    shift += t < r->pos + r->n ? t - r->pos : r->n;
  }
  return t - shift;
}

/* Line and column (1-based, columns in characters) of an original offset. */
static void gx_linecol(const gx_doc *d, size_t off, int *line, int *col) {
  if (off > d->olen) off = d->olen;
  long l = 1, c = 1;
  for (size_t k = 0; k < off; k++) {
    unsigned char ch = (unsigned char)d->orig[k];
    if (ch == '\n') {
      l++;
      c = 1;
    } else if ((ch & 0xC0) != 0x80 && ch != '\r') {
      c++;
    }
  }
  *line = l > INT32_MAX ? INT32_MAX : (int)l;
  *col = c > INT32_MAX ? INT32_MAX : (int)c;
}

/* Offset in the repaired text of a libxml2 line and column. */
static size_t gx_text_off(const gx_doc *d, int line, int col) {
  size_t k = 0;
  for (int l = 1; l < line && k < d->tlen; k++)
    if (d->text[k] == '\n') l++;
  for (int c = 1; c < col && k < d->tlen && d->text[k] != '\n'; c++) {
    k++;
    while (k < d->tlen && ((unsigned char)d->text[k] & 0xC0) == 0x80) k++;
  }
  return k;
}

/* Offset in the repaired text where an element's start tag begins. */
static bool gx_node_off(const gx_doc *d, xmlNodePtr n, size_t *off) {
  if (!d->positions || !n || n->type != XML_ELEMENT_NODE || !n->_private)
    return false;
  size_t k = (size_t)(uintptr_t)n->_private - 1;
  if (k >= d->n_starts) return false;
  *off = d->starts[k];
  return true;
}

/* Where an attribute's value starts, inside the element's start tag. */
static bool gx_attr_off(const gx_doc *d, xmlNodePtr n, const char *name,
                        size_t *off) {
  size_t k;
  if (!gx_node_off(d, n, &k)) return false;
  size_t len = strlen(name);
  char quote = 0;
  for (k++; k < d->tlen; k++) {
    char ch = d->text[k];
    if (quote) {
      if (ch == quote) quote = 0;
      continue;
    }
    if (ch == '"' || ch == '\'') {
      quote = ch;
    } else if (ch == '>') {
      return false;
    } else if (!strncmp(d->text + k, name, len) &&
               strchr(" \t\r\n\"'", d->text[k - 1])) {
      size_t j = k + len;
      while (j < d->tlen && strchr(" \t\r\n", d->text[j]) && d->text[j]) j++;
      if (j >= d->tlen || d->text[j] != '=') continue;
      j++;
      while (j < d->tlen && strchr(" \t\r\n", d->text[j]) && d->text[j]) j++;
      if (j < d->tlen && (d->text[j] == '"' || d->text[j] == '\'')) j++;
      *off = j;
      return true;
    }
  }
  return false;
}

/* The place of a node (or of one of its attributes) in the original file. */
static void gx_where(const gx_doc *d, xmlNodePtr n, const char *attr,
                     int *line, int *col) {
  size_t off;
  if ((attr && gx_attr_off(d, n, attr, &off)) || gx_node_off(d, n, &off)) {
    gx_linecol(d, gx_orig_off(d, off), line, col);
    return;
  }
  long l = n ? xmlGetLineNo(n) : 1;
  *line = l > 0 && l < INT32_MAX ? (int)l : 1;
  *col = 1;
}

int pl__gx_fail(const gx_doc *d, pl_error *err, xmlNodePtr n,
                   const char *attr, int code, const char *fmt, ...) {
  char msg[sizeof err->message];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  int line = 1, col = 1;
  gx_where(d, n, attr, &line, &col);
  return pl__err_at(err, code, d->file, line, col, "%s", msg);
}

/* A builder call failed: keep its message, give it the node's place. */
int pl__gx_relay(const gx_doc *d, pl_error *err, xmlNodePtr n,
                    const char *attr, int rc) {
  if (rc == PL_ENOMEM) return rc;
  char msg[sizeof err->message];
  snprintf(msg, sizeof msg, "%s", err ? err->message : "");
  int code = rc == PL_ETOOBIG ? PL_ETOOBIG : PL_EPARSE;
  return pl__gx_fail(d, err, n, attr, code, "%s", msg);
}

/* ---- the pre-pass ---------------------------------------------------- */

static bool gx_put(gx_doc *d, const char *s, size_t n) {
  if (d->tlen + n + 1 > d->tcap) {
    size_t cap = d->tcap ? d->tcap : 4096;
    while (cap < d->tlen + n + 1) cap *= 2;
    char *t = pl__realloc(d->text, cap);
    if (!t) return false;
    d->text = t;
    d->tcap = cap;
  }
  memcpy(d->text + d->tlen, s, n);
  d->tlen += n;
  d->text[d->tlen] = 0;
  return true;
}

/* Appends bytes that stand for nothing in the original. */
static bool gx_insert(gx_doc *d, const char *s) {
  size_t n = strlen(s);
  if (d->n_ins == d->cap_ins) {
    size_t cap = d->cap_ins ? d->cap_ins * 2 : 16;
    gx_ins *v = pl__realloc(d->ins, cap * sizeof *v);
    if (!v) return false;
    d->ins = v;
    d->cap_ins = cap;
  }
  d->ins[d->n_ins++] = (gx_ins){d->tlen, n};
  return gx_put(d, s, n);
}

static bool gx_start(gx_doc *d) {
  if (d->n_starts == d->cap_starts) {
    size_t cap = d->cap_starts ? d->cap_starts * 2 : 64;
    size_t *v = pl__realloc(d->starts, cap * sizeof *v);
    if (!v) return false;
    d->starts = v;
    d->cap_starts = cap;
  }
  d->starts[d->n_starts++] = d->tlen;
  return true;
}

static bool gx_name_start(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
         c == ':' || c >= 0x80;
}

/* Length of a reference XML knows at s ("&amp;", "&#38;", "&#x26;"), or 0
 * for a raw '&' (GENIUS took "&foo;" literally, and so do we). */
static size_t gx_entity(const char *s, const char *end) {
  static const char *const known[] = {"&amp;", "&lt;", "&gt;", "&quot;",
                                      "&apos;"};
  for (size_t k = 0; k < 5; k++) {
    size_t n = strlen(known[k]);
    if ((size_t)(end - s) >= n && !strncmp(s, known[k], n)) return n;
  }
  const char *p = s + 1;
  if (p < end && *p == '#') {
    p++;
    bool hex = p < end && *p == 'x';
    if (hex) p++;
    const char *digits = p;
    while (p < end && (hex ? strchr("0123456789abcdefABCDEF", *p) && *p
                           : *p >= '0' && *p <= '9'))
      p++;
    if (p > digits && p - digits <= 8 && p < end && *p == ';')
      return (size_t)(p + 1 - s);
  }
  return 0;
}

/* The byte offset where the document proper may start: after a UTF-8 byte
 * order mark. */
static size_t gx_bom(const char *s, size_t n) {
  return n >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3) ? 3 : 0;
}

/* An XML declaration that is not at the very start (GENIUS files put a
 * comment before it): blank it and everything before it, keeping the line
 * breaks, so lines and columns stay where they were. Only comments, white
 * space and processing instructions may precede it. Its encoding, if any,
 * goes to *enc (a static or NULL). */
static void gx_late_declaration(char *s, size_t n, char *enc, size_t enc_size) {
  enc[0] = 0;
  size_t b = gx_bom(s, n), k = b;
  for (;;) {
    while (k < n && strchr(" \t\r\n", s[k]) && s[k]) k++;
    if (k + 5 <= n && !strncmp(s + k, "<?xml", 5) &&
        (k + 5 == n || strchr(" \t\r\n?", s[k + 5]))) {
      if (k == b) return; /* where it belongs */
      char *e = strstr(s + k, "?>");
      if (!e) return; /* libxml2 will say what is wrong */
      size_t end = (size_t)(e - s) + 2;
      /* encoding="..." inside the declaration */
      char *q = s + k;
      while (q < s + end) {
        char *m = strstr(q, "encoding");
        if (!m || m >= s + end) break;
        char *v = m + 8;
        while (v < s + end && strchr(" \t\r\n", *v) && *v) v++;
        if (v < s + end && *v == '=') {
          v++;
          while (v < s + end && strchr(" \t\r\n", *v) && *v) v++;
          if (v < s + end && (*v == '"' || *v == '\'')) {
            char qc = *v++;
            size_t j = 0;
            while (v < s + end && *v != qc && j + 1 < enc_size) enc[j++] = *v++;
            enc[j] = 0;
          }
        }
        break;
      }
      for (size_t j = b; j < end; j++)
        if (s[j] != '\n' && s[j] != '\r') s[j] = ' ';
      return;
    }
    if (k + 4 <= n && !strncmp(s + k, "<!--", 4)) {
      char *e = strstr(s + k + 4, "-->");
      if (!e) return;
      k = (size_t)(e - s) + 3;
    } else if (k + 2 <= n && !strncmp(s + k, "<?", 2)) {
      char *e = strstr(s + k + 2, "?>");
      if (!e) return;
      k = (size_t)(e - s) + 2;
    } else {
      return;
    }
  }
}

/* Copies the original into d->text, repairing what GENIUS accepted and XML
 * does not: a raw '&' becomes "&amp;", a '<' inside an attribute value
 * "&lt;", and a missing space between two attributes is added. Records the
 * offset of every start tag. A DOCTYPE is refused: GENIUS files have none,
 * and without one no entity can expand. */
static int gx_repair(gx_doc *d, pl_error *err) {
  const char *s = d->orig, *end = d->orig + d->olen;
  enum { TEXT, TAG, VALUE } st = TEXT;
  char quote = 0;
  if (!gx_put(d, "", 0)) return pl__err(err, PL_ENOMEM, "out of memory");
  while (s < end) {
    char c = *s;
    if (c == 0) {
      int line, col;
      gx_linecol(d, (size_t)(s - d->orig), &line, &col);
      return pl__err_at(err, PL_EPARSE, d->file, line, col,
                        "NUL byte in an XML file");
    }
    if (st == TEXT && c == '<') {
      const char *close = NULL;
      size_t skip = 0;
      if (end - s >= 4 && !strncmp(s, "<!--", 4)) {
        close = "-->";
        skip = 4;
      } else if (end - s >= 9 && !strncmp(s, "<![CDATA[", 9)) {
        close = "]]>";
        skip = 9;
      } else if (end - s >= 2 && s[1] == '?') {
        close = "?>";
        skip = 2;
      } else if (end - s >= 2 && s[1] == '!') {
        int line, col;
        gx_linecol(d, (size_t)(s - d->orig), &line, &col);
        return pl__err_at(err, PL_EPARSE, d->file, line, col,
                          "document type declarations (<!DOCTYPE ...>) are "
                          "not supported in GENIUS files");
      } else if (end - s >= 2 && s[1] == '/') {
        close = ">";
        skip = 2;
      }
      if (close) {
        const char *e = strstr(s + skip, close);
        const char *stop = e ? e + strlen(close) : end;
        if (!gx_put(d, s, (size_t)(stop - s)))
          return pl__err(err, PL_ENOMEM, "out of memory");
        s = stop;
        continue;
      }
      if (!gx_start(d) || !gx_put(d, s, 1))
        return pl__err(err, PL_ENOMEM, "out of memory");
      s++;
      st = TAG;
      continue;
    }
    if (st == TAG) {
      bool ok = gx_put(d, s, 1);
      if (c == '"' || c == '\'') {
        st = VALUE;
        quote = c;
      } else if (c == '>') {
        st = TEXT;
      }
      s++;
      if (!ok) return pl__err(err, PL_ENOMEM, "out of memory");
      continue;
    }
    if (st == VALUE && c == quote) {
      bool ok = gx_put(d, s, 1);
      s++;
      st = TAG;
      if (ok && s < end && gx_name_start((unsigned char)*s))
        ok = gx_insert(d, " "); /* name="x"other="y" */
      if (!ok) return pl__err(err, PL_ENOMEM, "out of memory");
      continue;
    }
    bool ok;
    if (c == '&' && !gx_entity(s, end)) {
      ok = gx_put(d, "&", 1) && gx_insert(d, "amp;");
    } else if (c == '<' && st == VALUE) {
      ok = gx_put(d, "&", 1) && gx_insert(d, "lt;");
    } else {
      ok = gx_put(d, s, 1);
    }
    if (!ok) return pl__err(err, PL_ENOMEM, "out of memory");
    s++;
  }
  return PL_OK;
}

/* ---- parsing ---------------------------------------------------------- */

/* The first error of a parse, on one line without a trailing newline or
 * period; `lower`: its first letter lower-cased unless it starts an
 * acronym. */
static void gx_take_error(gx_xerr *x, xmlErrorPtr e, bool lower) {
  if (!x || x->set || !e || e->level < XML_ERR_ERROR) return;
  x->set = true;
  x->line = e->line;
  x->col = e->int2;
  snprintf(x->msg, sizeof x->msg, "%s", e->message ? e->message : "error");
  for (char *p = x->msg; *p; p++)
    if (*p == '\n' || *p == '\r') *p = ' ';
  size_t n = strlen(x->msg);
  while (n && (x->msg[n - 1] == ' ' || x->msg[n - 1] == '.')) x->msg[--n] = 0;
  if (lower && x->msg[0] >= 'A' && x->msg[0] <= 'Z' &&
      !(x->msg[1] >= 'A' && x->msg[1] <= 'Z'))
    x->msg[0] = (char)(x->msg[0] - 'A' + 'a');
}

static void gx_on_error(void *ctx, xmlErrorPtr e) {
  xmlParserCtxtPtr c = ctx;
  gx_take_error(c ? c->_private : NULL, e, true);
}

static void gx_silent(void *ctx, const char *msg, ...) {
  (void)ctx;
  (void)msg;
}

static void gx_on_global_error(void *ctx, xmlErrorPtr e) {
  gx_take_error(ctx, e, false);
}

void pl__gx_quiet_on(gx_quiet *q, gx_xerr *x) {
  q->generic = xmlGenericError;
  q->generic_ctx = xmlGenericErrorContext;
  q->structured = xmlStructuredError;
  q->structured_ctx = xmlStructuredErrorContext;
  xmlSetGenericErrorFunc(NULL, gx_silent);
  xmlSetStructuredErrorFunc(x, gx_on_global_error);
}

void pl__gx_quiet_off(const gx_quiet *q) {
  xmlSetGenericErrorFunc(q->generic_ctx, q->generic);
  xmlSetStructuredErrorFunc(q->structured_ctx, q->structured);
}

bool pl__gx_utf8(const char *s, size_t n) {
  const unsigned char *p = (const unsigned char *)s, *e = p + n;
  while (p < e) {
    unsigned char c = *p;
    size_t len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3
                 : (c & 0xF8) == 0xF0              ? 4
                                                   : 0;
    if (!len || (size_t)(e - p) < len) return false;
    for (size_t k = 1; k < len; k++)
      if ((p[k] & 0xC0) != 0x80) return false;
    p += len;
  }
  return true;
}

/* Numbers the element nodes in document order (node->_private = k + 1). */
static size_t gx_number(xmlNodePtr n, size_t k) {
  for (; n; n = n->next) {
    if (n->type != XML_ELEMENT_NODE) continue;
    n->_private = (void *)(uintptr_t)(++k);
    k = gx_number(n->children, k);
  }
  return k;
}

/* Reads, repairs and parses one file. */
int pl__gx_doc_load(gx_doc *d, const char *path, pl_error *err) {
  memset(d, 0, sizeof *d);
  d->file = path;
  int rc = pl__xml_open(err);
  if (!rc) rc = pl__read_file(path, GX_MAX_BYTES, &d->orig, &d->olen, err);
  if (rc) return rc;
  char enc[64];
  /* The repair works on a copy so that positions refer to the file. */
  char *work = pl__malloc(d->olen + 1);
  if (!work) return pl__err(err, PL_ENOMEM, "out of memory");
  memcpy(work, d->orig, d->olen + 1);
  gx_late_declaration(work, d->olen, enc, sizeof enc);
  char *keep = d->orig;
  d->orig = work;
  rc = gx_repair(d, err);
  d->orig = keep;
  pl__free(work);
  if (rc) return rc;
  if (d->tlen > INT32_MAX)
    return pl__err_at(err, PL_ETOOBIG, path, 1, 1, "file is too large");
  /* Without a declared encoding, text that is not UTF-8 is taken as
   * ISO-8859-1, as Java's readers did on the machines GENIUS ran on. */
  const char *encoding = enc[0] ? enc : NULL;
  if (!encoding && !pl__gx_utf8(d->text, d->tlen)) {
    const char *t = d->text + gx_bom(d->text, d->tlen);
    while (*t == ' ' || *t == '\t' || *t == '\r' || *t == '\n') t++;
    if (strncmp(t, "<?xml", 5) || !strstr(t, "encoding")) encoding = "ISO-8859-1";
  }
  gx_xerr x = {0};
  gx_quiet quiet;
  pl__gx_quiet_on(&quiet, &x);
  xmlParserCtxtPtr c = xmlNewParserCtxt();
  if (!c) {
    pl__gx_quiet_off(&quiet);
    return pl__err(err, PL_ENOMEM, "out of memory");
  }
  c->_private = &x;
  c->sax->serror = gx_on_error; /* errors come to us, never to stderr */
  c->sax->warning = NULL;
  c->sax->error = NULL;
  c->sax->fatalError = NULL;
  d->doc = xmlCtxtReadMemory(c, d->text, (int)d->tlen, NULL, encoding,
                             XML_PARSE_NONET | XML_PARSE_BIG_LINES |
                                 XML_PARSE_NOWARNING);
  bool wf = c->wellFormed;
  xmlFreeParserCtxt(c);
  pl__gx_quiet_off(&quiet);
  if (!d->doc || !wf || x.set) {
    if (d->doc) xmlFreeDoc(d->doc);
    d->doc = NULL;
    int line = 1, col = 1;
    if (x.set && x.line > 0) {
      gx_linecol(d, gx_orig_off(d, gx_text_off(d, x.line, x.col > 0 ? x.col : 1)),
                 &line, &col);
      if (x.col <= 0) col = 1;
    }
    return pl__err_at(err, PL_EPARSE, path, line, col, "malformed XML: %s",
                      x.set ? x.msg : "the parser gave up");
  }
  d->root = xmlDocGetRootElement(d->doc);
  if (!d->root)
    return pl__err_at(err, PL_EPARSE, path, 1, 1, "no XML element found");
  d->positions = gx_number(d->doc->children, 0) == d->n_starts;
  return PL_OK;
}
