/* GENIUS XML: a domain (<negotiation_template>) and one profile
 * (<utility_space>) per party -> builder calls; a scenario -> such files.
 *
 * The meaning of the files is GENIUS's own (genius.core.DomainImpl,
 * AdditiveUtilitySpace, EvaluatorDiscrete/Integer/Real, EVALFUNCTYPE,
 * NonlinearUtilitySpace, UtilityFunction, Inclusive/ExclusiveHyperRectangle,
 * AbstractUtilitySpace.validateDiscount); each step below names the rule it
 * follows. GENIUS read its files with a lenient hand-written parser, so real
 * files carry raw '&', attributes without space between them and comments
 * before the XML declaration: a pre-pass repairs exactly these (keeping
 * every line and column where it was) before libxml2 parses the result
 * strictly, without network, DTD or entity expansion. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlwriter.h>

#include "io/formats.h"
#include "model/scenario_internal.h"

/* Limits that bound what a small hostile file can cost (the real files are
 * at most a few hundred KiB). */
#define GX_MAX_BYTES (16u << 20)        /* one input file */
#define GX_W_EXACT_OPTIONS 10000u       /* written as items when not linear */
#define GX_W_LINEAR_TOL 1e-12           /* beyond: linear to 12 digits */
#define GX_MAX_TOTAL_OPTIONS (1u << 24) /* options of all issues */
#define GX_MAX_CELLS (1u << 26)         /* options x parties */
#define GX_MAX_DEPTH 200                /* element nesting we walk */

/* ------------------------------------------------------------------ */
/* a parsed file, with the way back to the original lines and columns  */
/* ------------------------------------------------------------------ */

/* Bytes the pre-pass added: n bytes starting at offset pos of the repaired
 * text stand for nothing in the original. */
typedef struct gx_ins {
  size_t pos, n;
} gx_ins;

typedef struct gx_doc {
  const char *file; /* path, for messages */
  char *orig;       /* the file as read */
  size_t olen;
  char *text; /* repaired copy handed to libxml2 */
  size_t tlen, tcap;
  gx_ins *ins;
  size_t n_ins, cap_ins;
  size_t *starts; /* offsets in text of every start tag, document order */
  size_t n_starts, cap_starts;
  bool positions; /* starts[] matches the element nodes one to one */
  xmlDocPtr doc;
  xmlNodePtr root;
} gx_doc;

typedef struct gx_xerr {
  bool set;
  int line, col;
  char msg[600];
} gx_xerr;

static void gx_doc_free(gx_doc *d) {
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

static int gx_fail(const gx_doc *d, pl_error *err, xmlNodePtr n,
                   const char *attr, int code, const char *fmt, ...)
    PL__PRINTF(6, 7);
static int gx_fail(const gx_doc *d, pl_error *err, xmlNodePtr n,
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
static int gx_relay(const gx_doc *d, pl_error *err, xmlNodePtr n,
                    const char *attr, int rc) {
  if (rc == PL_ENOMEM) return rc;
  char msg[sizeof err->message];
  snprintf(msg, sizeof msg, "%s", err ? err->message : "");
  int code = rc == PL_ETOOBIG ? PL_ETOOBIG : PL_EPARSE;
  return gx_fail(d, err, n, attr, code, "%s", msg);
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

static void gx_on_error(void *ctx, xmlErrorPtr e) {
  xmlParserCtxtPtr c = ctx;
  gx_xerr *x = c ? c->_private : NULL;
  if (!x || x->set || !e || e->level < XML_ERR_ERROR) return;
  x->set = true;
  x->line = e->line;
  x->col = e->int2;
  snprintf(x->msg, sizeof x->msg, "%s", e->message ? e->message : "error");
  /* one line, lower-case start, no trailing newline or period */
  for (char *p = x->msg; *p; p++)
    if (*p == '\n' || *p == '\r') *p = ' ';
  size_t n = strlen(x->msg);
  while (n && (x->msg[n - 1] == ' ' || x->msg[n - 1] == '.')) x->msg[--n] = 0;
  if (x->msg[0] >= 'A' && x->msg[0] <= 'Z' &&
      !(x->msg[1] >= 'A' && x->msg[1] <= 'Z'))
    x->msg[0] = (char)(x->msg[0] - 'A' + 'a');
}

/* libxml2 reports some errors (encodings, I/O, the text writer) through
 * its per-thread generic handlers, which print to stderr by default; the
 * library never prints, so they come here while we call libxml2, and the
 * caller's handlers are put back afterwards. */
typedef struct gx_quiet {
  xmlGenericErrorFunc generic;
  void *generic_ctx;
  xmlStructuredErrorFunc structured;
  void *structured_ctx;
} gx_quiet;

static void gx_silent(void *ctx, const char *msg, ...) {
  (void)ctx;
  (void)msg;
}

static void gx_on_global_error(void *ctx, xmlErrorPtr e) {
  gx_xerr *x = ctx;
  if (!x || x->set || !e || e->level < XML_ERR_ERROR) return;
  x->set = true;
  x->line = e->line;
  x->col = e->int2;
  snprintf(x->msg, sizeof x->msg, "%s", e->message ? e->message : "error");
  for (char *p = x->msg; *p; p++)
    if (*p == '\n' || *p == '\r') *p = ' ';
  size_t n = strlen(x->msg);
  while (n && (x->msg[n - 1] == ' ' || x->msg[n - 1] == '.')) x->msg[--n] = 0;
}

static void gx_quiet_on(gx_quiet *q, gx_xerr *x) {
  q->generic = xmlGenericError;
  q->generic_ctx = xmlGenericErrorContext;
  q->structured = xmlStructuredError;
  q->structured_ctx = xmlStructuredErrorContext;
  xmlSetGenericErrorFunc(NULL, gx_silent);
  xmlSetStructuredErrorFunc(x, gx_on_global_error);
}

static void gx_quiet_off(const gx_quiet *q) {
  xmlSetGenericErrorFunc(q->generic_ctx, q->generic);
  xmlSetStructuredErrorFunc(q->structured_ctx, q->structured);
}

static bool gx_utf8(const char *s, size_t n) {
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
static int gx_doc_load(gx_doc *d, const char *path, pl_error *err) {
  memset(d, 0, sizeof *d);
  d->file = path;
  int rc = pl__read_file(path, GX_MAX_BYTES, &d->orig, &d->olen, err);
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
  if (!encoding && !gx_utf8(d->text, d->tlen)) {
    const char *t = d->text + gx_bom(d->text, d->tlen);
    while (*t == ' ' || *t == '\t' || *t == '\r' || *t == '\n') t++;
    if (strncmp(t, "<?xml", 5) || !strstr(t, "encoding")) encoding = "ISO-8859-1";
  }
  xmlInitParser();
  gx_xerr x = {0};
  gx_quiet quiet;
  gx_quiet_on(&quiet, &x);
  xmlParserCtxtPtr c = xmlNewParserCtxt();
  if (!c) {
    gx_quiet_off(&quiet);
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
  gx_quiet_off(&quiet);
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

/* ---- tree helpers ----------------------------------------------------- */

static bool gx_is(xmlNodePtr n, const char *name) {
  return n && n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name);
}

/* First child element named `name`, or NULL. */
static xmlNodePtr gx_child(xmlNodePtr n, const char *name) {
  for (xmlNodePtr c = n ? n->children : NULL; c; c = c->next)
    if (gx_is(c, name)) return c;
  return NULL;
}

/* Next sibling element named `name` after c, or NULL. */
static xmlNodePtr gx_next(xmlNodePtr c, const char *name) {
  for (c = c ? c->next : NULL; c; c = c->next)
    if (gx_is(c, name)) return c;
  return NULL;
}

#define GX_EACH(var, parent, name)                                           \
  for (xmlNodePtr var = gx_child(parent, name); var; var = gx_next(var, name))

/* An attribute's text (borrowed from the tree), "" when empty, NULL when
 * absent. Without DTD and entities a value is one text node. */
static const char *gx_attr(xmlNodePtr n, const char *name) {
  xmlAttrPtr a = xmlHasProp(n, (const xmlChar *)name);
  if (!a) return NULL;
  if (!a->children) return "";
  if (a->children->type == XML_TEXT_NODE && a->children->content)
    return (const char *)a->children->content;
  return "";
}

/* Java's Double.valueOf: surrounding white space, an optional f/F/d/D
 * suffix. Not-a-number and infinities are refused. */
static bool gx_parse_double(const char *s, double *out) {
  if (!s) return false;
  while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n') s++;
  if (!*s) return false;
  char *e;
  errno = 0;
  double v = strtod(s, &e);
  if (e == s) return false;
  if (*e && strchr("fFdD", *e)) e++;
  while (*e == ' ' || *e == '\t' || *e == '\r' || *e == '\n') e++;
  if (*e || !isfinite(v)) return false;
  *out = v;
  return true;
}

/* A whole number: 1, 0 when the text is not one, -1 when it is one beyond
 * 2^53 (parley's integers convert to double without loss; GENIUS's own are
 * 32-bit ints). */
static int gx_parse_int(const char *s, int64_t *out) {
  if (!s) return 0;
  while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n') s++;
  char *e;
  errno = 0;
  long long v = strtoll(s, &e, 10);
  if (e == s) return 0;
  bool range = errno == ERANGE;
  while (*e == ' ' || *e == '\t' || *e == '\r' || *e == '\n') e++;
  if (*e) return 0;
  if (range || v < -PL__EXACT_INT || v > PL__EXACT_INT) return -1;
  *out = v;
  return 1;
}

/* A number attribute that must be there. */
static int gx_num(const gx_doc *d, pl_error *err, xmlNodePtr n,
                  const char *name, const char *what, double *out) {
  const char *v = gx_attr(n, name);
  if (!v)
    return gx_fail(d, err, n, NULL, PL_EPARSE, "<%s> has no \"%s\" (%s)",
                   (const char *)n->name, name, what);
  if (!gx_parse_double(v, out))
    return gx_fail(d, err, n, name, PL_EPARSE,
                   "expected a number for %s, found \"%s\"", what, v);
  return PL_OK;
}

static int gx_int(const gx_doc *d, pl_error *err, xmlNodePtr n,
                  const char *name, const char *what, int64_t *out) {
  const char *v = gx_attr(n, name);
  if (!v)
    return gx_fail(d, err, n, NULL, PL_EPARSE, "<%s> has no \"%s\" (%s)",
                   (const char *)n->name, name, what);
  int r = gx_parse_int(v, out);
  if (r < 0)
    return gx_fail(d, err, n, name, PL_ERANGE,
                   "%s is %s, beyond 2^53 (9007199254740992), the largest "
                   "whole number parley holds exactly",
                   what, v);
  if (!r)
    return gx_fail(d, err, n, name, PL_EPARSE,
                   "expected an integer for %s, found \"%s\"", what, v);
  return PL_OK;
}

static bool gx_ieq(const char *a, const char *b) {
  if (!a) return false;
  for (; *a && *b; a++, b++) {
    char x = *a >= 'A' && *a <= 'Z' ? (char)(*a - 'A' + 'a') : *a;
    if (x != *b) return false;
  }
  return !*a && !*b;
}

/* ------------------------------------------------------------------ */
/* the domain                                                          */
/* ------------------------------------------------------------------ */

typedef struct gx_issue {
  xmlNodePtr node;
  int64_t number; /* GENIUS's index attribute */
  int id;         /* parley issue index */
  pl_issue_kind kind;
  int64_t lb, ub; /* integer issues */
} gx_issue;

typedef struct gx_load {
  pl_scenario *s;
  pl_error *err;
  const pl_load_options *o;
  gx_doc dom;
  gx_issue *issues;
  size_t n_issues, cap_issues;
  size_t *by_number; /* positions in issues[], sorted by number */
  uint64_t options;  /* of all issues */
} gx_load;

/* GENIUS's ISSUETYPE from type (else vtype, else etype); none: discrete. */
static int gx_kind(const gx_doc *d, pl_error *err, xmlNodePtr n, bool *given,
                   pl_issue_kind *out) {
  const char *attr = "type";
  const char *t = gx_attr(n, attr);
  if (!t) t = gx_attr(n, attr = "vtype");
  if (!t) t = gx_attr(n, attr = "etype");
  *given = t != NULL;
  if (!t || gx_ieq(t, "discrete")) {
    *out = PL_ISSUE_DISCRETE;
  } else if (gx_ieq(t, "integer")) {
    *out = PL_ISSUE_INTEGER;
  } else if (gx_ieq(t, "real")) {
    *out = PL_ISSUE_REAL;
  } else {
    return gx_fail(d, err, n, attr, PL_EPARSE,
                   "unknown issue type \"%s\"; expected discrete, integer or "
                   "real",
                   t);
  }
  return PL_OK;
}

static int gx_count_options(gx_load *L, xmlNodePtr n, const char *name,
                            uint64_t count) {
  if (count > GX_MAX_TOTAL_OPTIONS - L->options)
    return gx_fail(&L->dom, L->err, n, NULL, PL_ETOOBIG,
                   "issue \"%s\" brings the options of all issues to more "
                   "than %u",
                   name, GX_MAX_TOTAL_OPTIONS);
  L->options += count;
  return PL_OK;
}

static int gx_add_issue(gx_load *L, xmlNodePtr n) {
  const gx_doc *d = &L->dom;
  pl_error *err = L->err;
  int64_t number;
  int rc = gx_int(d, err, n, "index", "the issue's number", &number);
  if (rc) return rc;
  const char *name = gx_attr(n, "name");
  if (!name || !*name)
    return gx_fail(d, err, n, NULL, PL_EPARSE, "<issue> has no \"name\"");
  bool given;
  pl_issue_kind kind;
  if ((rc = gx_kind(d, err, n, &given, &kind))) return rc;
  gx_issue gi = {.node = n, .number = number, .kind = kind};
  int id;
  if (kind == PL_ISSUE_DISCRETE) {
    /* the item children are the options: DomainImpl.buildTreeRecursive */
    size_t cnt = 0;
    GX_EACH(it, n, "item") cnt++;
    if ((rc = gx_count_options(L, n, name, cnt))) return rc;
    const char **ids = pl__calloc(cnt ? cnt : 1, sizeof *ids);
    const char **names = pl__calloc(cnt ? cnt : 1, sizeof *names);
    if (!ids || !names) {
      pl__free(ids);
      pl__free(names);
      return pl__err(err, PL_ENOMEM, "out of memory");
    }
    size_t k = 0;
    rc = PL_OK;
    GX_EACH(it, n, "item") {
      ids[k] = gx_attr(it, "value");
      if (!ids[k]) {
        rc = gx_fail(d, err, it, NULL, PL_EPARSE,
                     "<item> of issue \"%s\" has no \"value\"", name);
        break;
      }
      const char *desc = gx_attr(it, "description");
      names[k++] = desc && *desc ? desc : NULL;
    }
    if (!rc && cnt == 0)
      rc = gx_fail(d, err, n, NULL, PL_EPARSE,
                   "discrete issue \"%s\" has no <item> options", name);
    if (!rc) {
      id = pl_scenario_add_discrete_issue(L->s, name, NULL, cnt, ids, names,
                                          err);
      if (id < 0) rc = gx_relay(d, err, n, NULL, id);
    }
    pl__free(ids);
    pl__free(names);
    if (rc) return rc;
  } else if (kind == PL_ISSUE_INTEGER) {
    /* bounds as attributes (GENIUS 6 on), or in a <range> child (before) */
    xmlNodePtr b = n;
    if (!gx_attr(n, "lowerbound") && gx_child(n, "range"))
      b = gx_child(n, "range");
    if ((rc = gx_int(d, err, b, "lowerbound", "the lower bound", &gi.lb)) ||
        (rc = gx_int(d, err, b, "upperbound", "the upper bound", &gi.ub)))
      return rc;
    if (gi.lb > gi.ub)
      return gx_fail(d, err, b, "lowerbound", PL_EPARSE,
                     "issue \"%s\": lower bound %lld is above upper bound %lld",
                     name, (long long)gi.lb, (long long)gi.ub);
    uint64_t cnt = (uint64_t)gi.ub - (uint64_t)gi.lb + 1;
    if (cnt == 0 || (rc = gx_count_options(L, n, name, cnt)))
      return rc ? rc
                : gx_fail(d, err, n, NULL, PL_ETOOBIG,
                          "issue \"%s\" has too many values", name);
    id = pl_scenario_add_integer_issue(L->s, name, NULL, gi.lb, gi.ub, 1, err);
    if (id < 0) return gx_relay(d, err, n, NULL, id);
  } else {
    xmlNodePtr b = gx_child(n, "range");
    if (!b) b = n;
    double lo, hi;
    if ((rc = gx_num(d, err, b, "lowerbound", "the lower bound", &lo)) ||
        (rc = gx_num(d, err, b, "upperbound", "the upper bound", &hi)))
      return rc;
    if (lo > hi)
      return gx_fail(d, err, b, "lowerbound", PL_EPARSE,
                     "issue \"%s\": lower bound %g is above upper bound %g",
                     name, lo, hi);
    if (!isfinite(hi - lo))
      return gx_fail(d, err, b, "upperbound", PL_ERANGE,
                     "issue \"%s\": the range from %g to %g is wider than "
                     "the largest number a double holds (about 1.8e308)",
                     name, lo, hi);
    unsigned m = L->o->real_intervals;
    double res = hi > lo ? (hi - lo) / m : 1;
    if ((rc = gx_count_options(L, n, name, hi > lo ? (uint64_t)m + 1 : 1)))
      return rc;
    id = pl_scenario_add_real_issue(L->s, name, NULL, lo, hi, res, err);
    if (id < 0) return gx_relay(d, err, n, NULL, id);
  }
  gi.id = id;
  if (L->n_issues == L->cap_issues) {
    size_t cap = L->cap_issues ? L->cap_issues * 2 : 16;
    gx_issue *v = pl__realloc(L->issues, cap * sizeof *v);
    if (!v) return pl__err(err, PL_ENOMEM, "out of memory");
    L->issues = v;
    L->cap_issues = cap;
  }
  L->issues[L->n_issues++] = gi;
  return PL_OK;
}

/* GENIUS's order: at each level the sub-objectives (depth first), then the
 * issues; utilities are summed in this order too. */
static int gx_domain_level(gx_load *L, xmlNodePtr obj, int depth) {
  if (depth > GX_MAX_DEPTH)
    return gx_fail(&L->dom, L->err, obj, NULL, PL_EPARSE,
                   "objectives nested deeper than %d", GX_MAX_DEPTH);
  int rc;
  GX_EACH(c, obj, "objective")
  if ((rc = gx_domain_level(L, c, depth + 1))) return rc;
  GX_EACH(c, obj, "issue")
  if ((rc = gx_add_issue(L, c))) return rc;
  return PL_OK;
}

/* Merge sort of positions by a comparison with context (qsort has none,
 * and a global would race between threads): stable. */
typedef int (*gx_cmp)(size_t a, size_t b, const void *ctx);
static void gx_msort(size_t *ix, size_t n, size_t *tmp, gx_cmp cmp,
                     const void *ctx) {
  if (n < 2) return;
  size_t h = n / 2;
  gx_msort(ix, h, tmp, cmp, ctx);
  gx_msort(ix + h, n - h, tmp, cmp, ctx);
  size_t i = 0, j = h, k = 0;
  while (i < h && j < n) tmp[k++] = cmp(ix[j], ix[i], ctx) < 0 ? ix[j++] : ix[i++];
  while (i < h) tmp[k++] = ix[i++];
  while (j < n) tmp[k++] = ix[j++];
  memcpy(ix, tmp, n * sizeof *ix);
}

static int gx_by_number(size_t a, size_t b, const void *ctx) {
  const gx_issue *v = ctx;
  return v[a].number < v[b].number ? -1 : v[a].number > v[b].number;
}

static int gx_by_i64(size_t a, size_t b, const void *ctx) {
  const int64_t *v = ctx;
  return v[a] < v[b] ? -1 : v[a] > v[b];
}

static int gx_by_string(size_t a, size_t b, const void *ctx) {
  const char *const *v = ctx;
  return strcmp(v[a], v[b]);
}

/* Positions 0..n-1 sorted by cmp (stable); NULL when out of memory. */
static size_t *gx_order(size_t n, gx_cmp cmp, const void *ctx) {
  size_t *ix = pl__malloc((n ? n : 1) * sizeof *ix);
  size_t *tmp = pl__malloc((n ? n : 1) * sizeof *tmp);
  if (ix && tmp) {
    for (size_t k = 0; k < n; k++) ix[k] = k;
    gx_msort(ix, n, tmp, cmp, ctx);
  } else {
    pl__free(ix);
    ix = NULL;
  }
  pl__free(tmp);
  return ix;
}

/* The issue with GENIUS number `number`, or NULL. */
static gx_issue *gx_find(const gx_load *L, int64_t number) {
  size_t lo = 0, hi = L->n_issues;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int64_t x = L->issues[L->by_number[mid]].number;
    if (x == number) return &L->issues[L->by_number[mid]];
    if (x < number)
      lo = mid + 1;
    else
      hi = mid;
  }
  return NULL;
}

static int gx_read_domain(gx_load *L) {
  gx_doc *d = &L->dom;
  if (!gx_is(d->root, "negotiation_template"))
    return gx_fail(d, L->err, d->root, NULL, PL_EPARSE,
                   "expected a GENIUS domain (<negotiation_template>), found "
                   "<%s>",
                   (const char *)d->root->name);
  xmlNodePtr us = gx_child(d->root, "utility_space");
  if (!us)
    return gx_fail(d, L->err, d->root, NULL, PL_EPARSE,
                   "<negotiation_template> has no <utility_space>");
  xmlNodePtr obj = gx_child(us, "objective");
  if (!obj)
    return gx_fail(d, L->err, us, NULL, PL_EPARSE,
                   "<utility_space> has no <objective>");
  const char *title = gx_attr(obj, "name");
  const char *desc = gx_attr(obj, "description");
  int rc = pl_scenario_set_text(
      L->s, title && strcmp(title, "root") ? title : "", desc ? desc : "",
      L->err);
  if (rc) return rc;
  if ((rc = gx_domain_level(L, obj, 0))) return rc;
  if (L->n_issues == 0)
    return gx_fail(d, L->err, obj, NULL, PL_EPARSE, "the domain has no issues");
  L->by_number = gx_order(L->n_issues, gx_by_number, L->issues);
  if (!L->by_number) return pl__err(L->err, PL_ENOMEM, "out of memory");
  for (size_t k = 1; k < L->n_issues; k++) {
    const gx_issue *a = &L->issues[L->by_number[k - 1]];
    const gx_issue *b = &L->issues[L->by_number[k]];
    if (a->number == b->number)
      return gx_fail(d, L->err, b->node, "index", PL_EPARSE,
                     "issue \"%s\" has the same index %lld as issue \"%s\"",
                     L->s->issues[b->id].id, (long long)b->number,
                     L->s->issues[a->id].id);
  }
  return PL_OK;
}

/* ------------------------------------------------------------------ */
/* additive profiles                                                   */
/* ------------------------------------------------------------------ */

typedef struct gx_eval {
  xmlNodePtr node; /* the profile's <issue>, or NULL */
  xmlNodePtr wnode;
  double weight;
} gx_eval;

typedef struct gx_prof {
  gx_load *L;
  gx_doc *d;
  gx_eval *ev; /* per issue of L->issues */
  double rv, discount;
  xmlNodePtr rv_node, discount_node;
  bool has_discount;
} gx_prof;

/* AbstractUtilitySpace.validateDiscount: outside (0,1] means no discount. */
static double gx_discount(double df) { return df <= 0 || df > 1 ? 1 : df; }

/* AdditiveUtilitySpace.loadTreeRecursive, at every element of the profile:
 * the first <reservation> and <discount_factor> children, the <weight>
 * children, and the <issue>/<objective> children that have a weight become
 * the evaluators of the domain's issues with that index; later ones win. */
static int gx_profile_walk(gx_prof *P, xmlNodePtr e, int depth) {
  const gx_doc *d = P->d;
  pl_error *err = P->L->err;
  int rc;
  if (depth > GX_MAX_DEPTH)
    return gx_fail(d, err, e, NULL, PL_EPARSE, "elements nested deeper than %d",
                   GX_MAX_DEPTH);
  xmlNodePtr r = gx_child(e, "reservation");
  if (r) {
    if ((rc = gx_num(d, err, r, "value", "the reservation value", &P->rv)))
      return rc;
    P->rv_node = r;
  }
  xmlNodePtr df = gx_child(e, "discount_factor");
  if (df) {
    double v;
    if ((rc = gx_num(d, err, df, "value", "the discount factor", &v))) return rc;
    P->discount = gx_discount(v);
    P->discount_node = df;
  }
  /* weights of this level, later ones of the same index winning */
  size_t nw = 0;
  GX_EACH(w, e, "weight") nw++;
  if (nw) {
    int64_t *idx = pl__malloc(nw * sizeof *idx);
    double *val = pl__malloc(nw * sizeof *val);
    xmlNodePtr *wn = pl__malloc(nw * sizeof *wn);
    rc = idx && val && wn ? PL_OK : pl__err(err, PL_ENOMEM, "out of memory");
    size_t k = 0;
    if (!rc) GX_EACH(w, e, "weight") {
        if ((rc = gx_int(d, err, w, "index", "the weight's issue index",
                         &idx[k])) ||
            (rc = gx_num(d, err, w, "value", "the weight", &val[k])))
          break;
        wn[k++] = w;
      }
    /* sorted by index, stable: the last weight of an index is the last of
     * its run */
    size_t *ord = rc ? NULL : gx_order(nw, gx_by_i64, idx);
    if (!rc && !ord) rc = pl__err(err, PL_ENOMEM, "out of memory");
    for (int pass = 0; pass < 2 && !rc; pass++)
      GX_EACH(c, e, pass ? "objective" : "issue") {
        int64_t number;
        if ((rc = gx_int(d, err, c, "index", "the issue's index", &number)))
          break;
        size_t lo = 0, hi = nw; /* first position with idx > number */
        while (lo < hi) {
          size_t mid = lo + (hi - lo) / 2;
          if (idx[ord[mid]] <= number)
            lo = mid + 1;
          else
            hi = mid;
        }
        if (lo == 0 || idx[ord[lo - 1]] != number)
          continue; /* no weight: no evaluator */
        size_t j = ord[lo - 1];
        gx_issue *gi = pass ? NULL : gx_find(P->L, number);
        if (!gi) continue; /* an objective, or not in the domain: ignored */
        gx_eval *ev = &P->ev[gi - P->L->issues];
        ev->node = c;
        ev->weight = val[j];
        ev->wnode = wn[j];
      }
    pl__free(ord);
    pl__free(idx);
    pl__free(val);
    pl__free(wn);
    if (rc) return rc;
  }
  for (xmlNodePtr c = e->children; c; c = c->next)
    if (c->type == XML_ELEMENT_NODE && (rc = gx_profile_walk(P, c, depth + 1)))
      return rc;
  return PL_OK;
}

/* EVALFUNCTYPE.evalTriangular(x, lower, upper, top). */
static double gx_triangular(double x, double lo, double hi, double top) {
  if (x < lo) return 0;
  if (x < top) return (x - lo) / (top - lo);
  if (x < hi) return 1 - (x - top) / (hi - top);
  return 0;
}

static double gx_clamp01(double u) { return u < 0 ? 0 : u > 1 ? 1 : u; }

/* Values of one discrete issue: EvaluatorDiscrete. Evaluations of the
 * direct <item> children by value (a later item of the same value wins;
 * "null" or no evaluation: none); divided by the largest evaluation when
 * that is above 1, else used as they are. That is the rule GENIUS documents
 * and applied from 2014 (it also rounded evaluations to integers first,
 * which we do not); its last release divides by the maximum whenever that
 * is 1e-5 or more. The ANAC files never tell these apart: their maxima are
 * 0, 1 or integers above 1. */
static int gx_discrete_values(gx_prof *P, int party, const gx_issue *gi,
                              xmlNodePtr n) {
  const gx_doc *d = P->d;
  pl_error *err = P->L->err;
  const pl__issue *is = &P->L->s->issues[gi->id];
  size_t cnt = 0;
  GX_EACH(it, n, "item") cnt++;
  double *ev = pl__malloc((is->n ? is->n : 1) * sizeof *ev);
  bool *set = pl__calloc(is->n ? is->n : 1, sizeof *set);
  const char **vals = pl__calloc(cnt ? cnt : 1, sizeof *vals);
  double *evs = pl__calloc(cnt ? cnt : 1, sizeof *evs);
  int rc = ev && set && vals && evs ? PL_OK
                                    : pl__err(err, PL_ENOMEM, "out of memory");
  size_t m = 0;
  if (!rc) GX_EACH(it, n, "item") {
      const char *v = gx_attr(it, "value");
      const char *e = gx_attr(it, "evaluation");
      if (!e || !strcmp(e, "null")) continue;
      double x;
      if (!gx_parse_double(e, &x)) {
        rc = gx_fail(d, err, it, "evaluation", PL_EPARSE,
                     "expected a number for the evaluation of \"%s\", found "
                     "\"%s\"",
                     v ? v : "", e);
        break;
      }
      vals[m] = v ? v : ""; /* ValueDiscrete(null) matches no option */
      evs[m++] = x;
    }
  /* by value, stable: the last item of a value ends its run and wins; the
   * maximum counts values the domain does not have too, as in GENIUS */
  size_t *ord = rc ? NULL : gx_order(m, gx_by_string, vals);
  if (!rc && !ord) rc = pl__err(err, PL_ENOMEM, "out of memory");
  double max = -INFINITY;
  for (size_t k = 0; !rc && k < m; k++) {
    size_t a = ord[k];
    if (k + 1 < m && !strcmp(vals[ord[k + 1]], vals[a])) continue;
    if (evs[a] > max) max = evs[a];
    int64_t o = pl_scenario_find_option(P->L->s, gi->id, vals[a]);
    if (o >= 0) {
      ev[o] = evs[a];
      set[o] = true;
    }
  }
  for (uint32_t k = 0; !rc && k < is->n; k++) {
    if (!set[k]) {
      rc = gx_fail(d, err, n, NULL, PL_EPARSE,
                   "issue \"%s\" has no evaluation for its option \"%s\"",
                   is->id, is->opt_id[k]);
      break;
    }
    double v = max > 1 ? ev[k] / max : ev[k];
    int r = pl_scenario_set_value(P->L->s, party, gi->id, k, v, err);
    if (r < 0) rc = gx_relay(d, err, n, NULL, r);
  }
  pl__free(ord);
  pl__free(ev);
  pl__free(set);
  pl__free(vals);
  pl__free(evs);
  return rc;
}

/* EvaluatorInteger: clamp(offset + slope (v - lowerbound), 0, 1), with the
 * profile's own lower bound; no <evaluator>: slope and offset 0. */
static int gx_integer_values(gx_prof *P, int party, const gx_issue *gi,
                             xmlNodePtr n) {
  const gx_doc *d = P->d;
  pl_error *err = P->L->err;
  const pl__issue *is = &P->L->s->issues[gi->id];
  int64_t lb = gi->lb;
  int rc;
  if (gx_attr(n, "lowerbound") &&
      (rc = gx_int(d, err, n, "lowerbound", "the lower bound", &lb)))
    return rc;
  double slope = 0, offset = 0;
  xmlNodePtr e = gx_child(n, "evaluator");
  if (e && ((rc = gx_num(d, err, e, "slope", "the slope", &slope)) ||
            (rc = gx_num(d, err, e, "offset", "the offset", &offset))))
    return rc;
  for (uint32_t k = 0; k < is->n; k++) {
    double x = (double)(gi->lb + (int64_t)k - lb);
    double v = gx_clamp01(slope * x + offset);
    int r = pl_scenario_set_value(P->L->s, party, gi->id, k, v, err);
    if (r < 0) return gx_relay(d, err, e ? e : n, NULL, r);
  }
  return PL_OK;
}

/* EvaluatorReal at every grid point: linear clamp(p1 x + p0, 0, 1),
 * constant p0, triangular (p0 lower, p1 upper, p2 top). */
static int gx_real_values(gx_prof *P, int party, const gx_issue *gi,
                          xmlNodePtr n) {
  const gx_doc *d = P->d;
  pl_error *err = P->L->err;
  const pl__issue *is = &P->L->s->issues[gi->id];
  xmlNodePtr e = gx_child(n, "evaluator");
  if (!e)
    return gx_fail(d, err, n, NULL, PL_EPARSE,
                   "real issue \"%s\" has no <evaluator>", is->id);
  const char *ft = gx_attr(e, "ftype");
  double p[3] = {0, 0, 0};
  int np, kind, rc;
  if (gx_ieq(ft, "linear")) {
    kind = 0;
    np = 2;
  } else if (gx_ieq(ft, "constant")) {
    kind = 1;
    np = 1;
  } else if (gx_ieq(ft, "triangular")) {
    kind = 2;
    np = 3;
  } else if (!ft) {
    return gx_fail(d, err, e, NULL, PL_EPARSE,
                   "the <evaluator> of real issue \"%s\" has no \"ftype\"",
                   is->id);
  } else {
    return gx_fail(d, err, e, "ftype", PL_EUNSUPPORTED,
                   "evaluator type \"%s\" of real issue \"%s\" is not "
                   "supported; GENIUS evaluates linear, constant and "
                   "triangular",
                   ft, is->id);
  }
  static const char *const names[] = {"parameter0", "parameter1",
                                      "parameter2"};
  for (int k = 0; k < np; k++)
    if ((rc = gx_num(d, err, e, names[k], "an evaluator parameter", &p[k])))
      return rc;
  for (uint32_t k = 0; k < is->n; k++) {
    double x = is->num[k], v;
    if (kind == 0)
      v = gx_clamp01(p[1] * x + p[0]);
    else if (kind == 1)
      v = p[0];
    else
      v = gx_triangular(x, p[0], p[1], p[2]);
    if (!isfinite(v))
      return gx_fail(d, err, e, NULL, PL_EPARSE,
                     "the evaluator of real issue \"%s\" gives no number at "
                     "%g",
                     is->id, x);
    int r = pl_scenario_set_value(P->L->s, party, gi->id, k, v, err);
    if (r < 0) return gx_relay(d, err, e, NULL, r);
  }
  return PL_OK;
}

static const char *gx_kind_name(pl_issue_kind k) {
  return k == PL_ISSUE_DISCRETE ? "discrete"
         : k == PL_ISSUE_INTEGER ? "integer"
                                 : "real";
}

static int gx_additive(gx_prof *P, int party) {
  gx_load *L = P->L;
  const gx_doc *d = P->d;
  pl_error *err = L->err;
  int rc = pl_scenario_set_weighting(L->s, party, PL_WEIGHTS_AS_GIVEN, err);
  if (rc) return rc;
  for (size_t k = 0; k < L->n_issues; k++) {
    const gx_issue *gi = &L->issues[k];
    const gx_eval *ev = &P->ev[k];
    const char *name = L->s->issues[gi->id].id;
    if (!ev->node)
      return gx_fail(d, err, d->root, NULL, PL_EPARSE,
                     "the profile has no weighted evaluation of issue \"%s\" "
                     "(index %lld)",
                     name, (long long)gi->number);
    bool given;
    pl_issue_kind kind;
    if ((rc = gx_kind(d, err, ev->node, &given, &kind))) return rc;
    if (given && kind != gi->kind)
      return gx_fail(d, err, ev->node, NULL, PL_EPARSE,
                     "issue \"%s\" is %s in the profile but %s in the domain",
                     name, gx_kind_name(kind), gx_kind_name(gi->kind));
    int r = pl_scenario_set_weight(L->s, party, gi->id, ev->weight, err);
    if (r < 0) return gx_relay(d, err, ev->wnode, "value", r);
    if (gi->kind == PL_ISSUE_DISCRETE)
      rc = gx_discrete_values(P, party, gi, ev->node);
    else if (gi->kind == PL_ISSUE_INTEGER)
      rc = gx_integer_values(P, party, gi, ev->node);
    else
      rc = gx_real_values(P, party, gi, ev->node);
    if (rc) return rc;
  }
  return PL_OK;
}

/* ------------------------------------------------------------------ */
/* non-linear (hyper-rectangle) profiles                               */
/* ------------------------------------------------------------------ */

typedef struct gx_box {
  long *slot; /* per issue: its position in the lists below, or -1 */
  int *issues;
  uint32_t *lo, *hi;
  size_t n, cap;
} gx_box;

/* The option bounds of one <INCLUDES>/<EXCLUDES> list (Bound: issue index,
 * integer min and max, inclusive), intersected per issue. false: no outcome
 * satisfies them all. */
static int gx_bounds(gx_prof *P, xmlNodePtr rect, const char *tag, gx_box *b,
                     bool *nonempty) {
  const gx_doc *d = P->d;
  pl_error *err = P->L->err;
  for (size_t k = 0; k < b->n; k++) b->slot[b->issues[k]] = -1;
  b->n = 0;
  *nonempty = true;
  GX_EACH(c, rect, tag) {
    int64_t number, mn, mx;
    int rc;
    if ((rc = gx_int(d, err, c, "index", "the issue index", &number)) ||
        (rc = gx_int(d, err, c, "min", "the lower bound", &mn)) ||
        (rc = gx_int(d, err, c, "max", "the upper bound", &mx)))
      return rc;
    const gx_issue *gi = gx_find(P->L, number);
    if (!gi)
      return gx_fail(d, err, c, "index", PL_EPARSE,
                     "the domain has no issue with index %lld",
                     (long long)number);
    if (gi->kind != PL_ISSUE_INTEGER)
      return gx_fail(d, err, c, "index", PL_EPARSE,
                     "hyper-rectangles bound integer issues; issue \"%s\" is "
                     "%s",
                     P->L->s->issues[gi->id].id, gx_kind_name(gi->kind));
    int64_t lo = mn > gi->lb ? mn : gi->lb, hi = mx < gi->ub ? mx : gi->ub;
    size_t j = b->slot[gi->id] >= 0 ? (size_t)b->slot[gi->id] : b->n;
    if (j == b->n) {
      if (b->n == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 8;
        int *vi = pl__realloc(b->issues, cap * sizeof *vi);
        if (vi) b->issues = vi;
        uint32_t *vl = pl__realloc(b->lo, cap * sizeof *vl);
        if (vl) b->lo = vl;
        uint32_t *vh = pl__realloc(b->hi, cap * sizeof *vh);
        if (vh) b->hi = vh;
        if (!vi || !vl || !vh) return pl__err(err, PL_ENOMEM, "out of memory");
        b->cap = cap;
      }
      b->issues[j] = gi->id;
      b->slot[gi->id] = (long)j;
      b->lo[j] = 0;
      b->hi[j] = (uint32_t)(gi->ub - gi->lb);
      b->n++;
    }
    if (lo > hi) {
      *nonempty = false;
      continue;
    }
    uint32_t l = (uint32_t)(lo - gi->lb), h = (uint32_t)(hi - gi->lb);
    if (l > b->lo[j]) b->lo[j] = l;
    if (h < b->hi[j]) b->hi[j] = h;
    if (b->lo[j] > b->hi[j]) *nonempty = false;
  }
  return PL_OK;
}

static int gx_rect(gx_prof *P, int party, double utility, size_t n,
                   const gx_box *b, xmlNodePtr at) {
  int r = pl_scenario_add_rectangle(P->L->s, party, utility, n,
                                    n ? b->issues : NULL, n ? b->lo : NULL,
                                    n ? b->hi : NULL, P->L->err);
  return r < 0 ? gx_relay(P->d, P->L->err, at, NULL, r) : PL_OK;
}

/* UtilityFunction.getUtility with SUM aggregation: its hyper-rectangles,
 * then its inner functions times their weight. A rectangle gives
 * utility x weight: an inclusive one when all its bounds hold, an
 * exclusive one when some bound fails (as u - u [all hold]), one without
 * bounds always. Nested weights multiply into the rectangles. */
static int gx_ufun(gx_prof *P, int party, xmlNodePtr f, double scale,
                   gx_box *b, int depth) {
  const gx_doc *d = P->d;
  pl_error *err = P->L->err;
  int rc;
  if (depth > GX_MAX_DEPTH)
    return gx_fail(d, err, f, NULL, PL_EPARSE, "<ufun> nested deeper than %d",
                   GX_MAX_DEPTH);
  const char *agg = gx_attr(f, "aggregation");
  if (agg && (gx_ieq(agg, "min") || gx_ieq(agg, "max")))
    return gx_fail(d, err, f, "aggregation", PL_EUNSUPPORTED,
                   "\"%s\" aggregation of hyper-rectangles is not supported; "
                   "only sums are",
                   agg);
  GX_EACH(h, f, "hyperRectangle") {
    double u, w = 1;
    if ((rc = gx_num(d, err, h, "utility", "the rectangle's utility", &u)))
      return rc;
    if (gx_attr(h, "weight") &&
        (rc = gx_num(d, err, h, "weight", "the rectangle's weight", &w)))
      return rc;
    u = u * w;
    if (scale != 1) u *= scale;
    if (!isfinite(u))
      return gx_fail(d, err, h, "utility", PL_EPARSE,
                     "the rectangle's utility is out of range");
    bool ex = gx_child(h, "EXCLUDES") != NULL;
    bool in = gx_child(h, "INCLUDES") != NULL;
    bool nonempty = true;
    if ((ex || in) &&
        (rc = gx_bounds(P, h, ex ? "EXCLUDES" : "INCLUDES", b, &nonempty)))
      return rc;
    if (!ex && !in) {
      rc = gx_rect(P, party, u, 0, b, h);
    } else if (in && !ex) {
      rc = nonempty ? gx_rect(P, party, u, b->n, b, h) : PL_OK;
    } else {
      rc = gx_rect(P, party, u, 0, b, h);
      if (!rc && nonempty) rc = gx_rect(P, party, -u, b->n, b, h);
    }
    if (rc) return rc;
  }
  GX_EACH(g, f, "ufun") {
    double w = 1;
    if (gx_attr(g, "weight") &&
        (rc = gx_num(d, err, g, "weight", "the function's weight", &w)))
      return rc;
    if ((rc = gx_ufun(P, party, g, scale * w, b, depth + 1))) return rc;
  }
  return PL_OK;
}

/* NonlinearUtilitySpace.loadNonlinearSpace: reservation and discount among
 * the root's children; the first child element holds <utility maxutility>
 * with the top <ufun>; the utility is the sum divided by maxutility. */
static int gx_nonlinear(gx_prof *P, int party) {
  const gx_doc *d = P->d;
  pl_error *err = P->L->err;
  xmlNodePtr first = d->root->children;
  while (first && first->type != XML_ELEMENT_NODE) first = first->next;
  xmlNodePtr u = gx_child(first, "utility");
  if (!u)
    return gx_fail(d, err, first ? first : d->root, NULL, PL_EPARSE,
                   "a non-linear profile needs <utility maxutility=...> in "
                   "its first element");
  double max;
  int rc = gx_num(d, err, u, "maxutility", "the maximum utility", &max);
  if (rc) return rc;
  xmlNodePtr f = gx_child(u, "ufun");
  if (!f) return gx_fail(d, err, u, NULL, PL_EPARSE, "<utility> has no <ufun>");
  int r = pl_scenario_set_rectangles(P->L->s, party, max, err);
  if (r < 0) return gx_relay(d, err, u, "maxutility", r);
  gx_box b = {0};
  b.slot = pl__malloc((P->L->n_issues ? P->L->n_issues : 1) * sizeof *b.slot);
  if (!b.slot) return pl__err(err, PL_ENOMEM, "out of memory");
  for (size_t k = 0; k < P->L->n_issues; k++) b.slot[k] = -1;
  rc = gx_ufun(P, party, f, 1, &b, 0);
  pl__free(b.slot);
  pl__free(b.issues);
  pl__free(b.lo);
  pl__free(b.hi);
  return rc;
}

/* ------------------------------------------------------------------ */
/* profiles                                                            */
/* ------------------------------------------------------------------ */

static int gx_read_profile(gx_load *L, const char *path) {
  pl_error *err = L->err;
  gx_doc d;
  int rc = gx_doc_load(&d, path, err);
  gx_prof P = {.L = L, .d = &d, .rv = 0, .discount = 1};
  char *stem = NULL;
  if (rc) goto done;
  if (!gx_is(d.root, "utility_space")) {
    rc = gx_fail(&d, err, d.root, NULL, PL_EPARSE,
                 "expected a GENIUS profile (<utility_space>), found <%s>",
                 (const char *)d.root->name);
    goto done;
  }
  const char *type = gx_attr(d.root, "type");
  bool nonlinear = type && !strcmp(type, "nonlinear");
  if (type && !strcmp(type, "constraint")) {
    rc = gx_fail(&d, err, d.root, "type", PL_EUNSUPPORTED,
                 "constraint utility spaces are not supported");
    goto done;
  }
  if (nonlinear) {
    xmlNodePtr r = gx_child(d.root, "reservation");
    xmlNodePtr df = gx_child(d.root, "discount_factor");
    if (r && (rc = gx_num(&d, err, r, "value", "the reservation value", &P.rv)))
      goto done;
    P.rv_node = r;
    if (df) {
      double v;
      if ((rc = gx_num(&d, err, df, "value", "the discount factor", &v)))
        goto done;
      P.discount = gx_discount(v);
    }
  } else {
    P.ev = pl__calloc(L->n_issues, sizeof *P.ev);
    if (!P.ev) {
      rc = pl__err(err, PL_ENOMEM, "out of memory");
      goto done;
    }
    if ((rc = gx_profile_walk(&P, d.root, 0))) goto done;
  }
  stem = pl__file_stem(path);
  if (!stem) {
    rc = pl__err(err, PL_ENOMEM, "out of memory");
    goto done;
  }
  if (pl_scenario_find_party(L->s, stem) >= 0) {
    rc = pl__err_at(err, PL_EPARSE, path, 1, 1,
                    "two profiles give the party id \"%s\": party ids come "
                    "from the profile file names",
                    stem);
    goto done;
  }
  if ((uint64_t)(L->s->n_parties + 1) * L->options > GX_MAX_CELLS) {
    rc = pl__err_at(err, PL_ETOOBIG, path, 1, 1,
                    "%d parties over %llu options are more than %u values",
                    L->s->n_parties + 1, (unsigned long long)L->options,
                    GX_MAX_CELLS);
    goto done;
  }
  if (!(P.rv >= 0 && P.rv <= 1)) {
    rc = gx_fail(&d, err, P.rv_node, "value", PL_EPARSE,
                 "reservation value %g is outside [0,1]", P.rv);
    goto done;
  }
  int party = pl_scenario_add_party(L->s, stem, NULL, P.rv, err);
  if (party < 0) {
    rc = gx_relay(&d, err, d.root, NULL, party);
    goto done;
  }
  if ((rc = pl_scenario_set_discount(L->s, party, P.discount, err))) {
    rc = gx_relay(&d, err, P.discount_node, "value", rc);
    goto done;
  }
  rc = nonlinear ? gx_nonlinear(&P, party) : gx_additive(&P, party);
done:
  pl__free(stem);
  pl__free(P.ev);
  gx_doc_free(&d);
  return rc;
}

int pl__genius_load(const char *domain, const char *const *profiles,
                    size_t n_profiles, const pl_load_options *o,
                    pl_scenario **out, pl_error *err) {
  pl_load_options def;
  if (!o) {
    pl_load_options_init(&def);
    o = &def;
  }
  *out = NULL;
  gx_load L = {.err = err, .o = o};
  char *stem = pl__file_stem(domain);
  L.s = stem ? pl_scenario_new(stem) : NULL;
  pl__free(stem);
  int rc = L.s ? PL_OK : pl__err(err, PL_ENOMEM, "out of memory");
  if (!rc) rc = gx_doc_load(&L.dom, domain, err);
  if (!rc) rc = gx_read_domain(&L);
  for (size_t k = 0; k < n_profiles && !rc; k++)
    rc = gx_read_profile(&L, profiles[k]);
  if (!rc && (rc = pl_scenario_finish(L.s, err)) && rc != PL_ENOMEM) {
    char msg[sizeof err->message];
    snprintf(msg, sizeof msg, "%s", err ? err->message : "");
    rc = pl__err_at(err, rc == PL_ETOOBIG ? PL_ETOOBIG : PL_EPARSE, domain, 1,
                    1, "%s", msg);
  }
  gx_doc_free(&L.dom);
  pl__free(L.issues);
  pl__free(L.by_number);
  if (rc) {
    pl_scenario_free(L.s);
    return rc;
  }
  *out = L.s;
  return PL_OK;
}

/* ------------------------------------------------------------------ */
/* the writer                                                          */
/* ------------------------------------------------------------------ */

/* How an issue is written. */
typedef struct gx_wissue {
  bool integer;     /* as a GENIUS integer issue (else discrete items) */
  double *slope;    /* per party: the linear evaluator of an integer one */
  double *offset;
} gx_wissue;

/* Whether clamp(slope k + offset) reproduces every value v[k] exactly, the
 * way the reader computes it. */
static bool gx_linear_fits(const double *v, uint32_t n, double slope,
                           double offset, double tol) {
  for (uint32_t k = 0; k < n; k++)
    if (!(fabs(gx_clamp01(slope * (double)k + offset) - v[k]) <= tol))
      return false;
  return true;
}

/* Candidates around x: x and its neighbours up to 3 representable steps
 * away, so that the rounding of a difference or quotient is undone. */
static void gx_near(double x, double out[7]) {
  out[0] = x;
  double lo = x, hi = x;
  for (int k = 1; k <= 3; k++) {
    lo = nextafter(lo, -INFINITY);
    hi = nextafter(hi, INFINITY);
    out[2 * k - 1] = lo;
    out[2 * k] = hi;
  }
}

/* A slope and offset that give back the values of an integer issue bit for
 * bit, if one is easily found: from the first two values inside (0,1) (the
 * others may be clamped), or from the first value. */
static bool gx_find_linear(const double *v, uint32_t n, double tol,
                           double *slope, double *offset) {
  if (n == 0) return false;
  for (uint32_t k = 0; k < n; k++)
    if (!(v[k] >= 0 && v[k] <= 1)) return false;
  bool flat = true;
  for (uint32_t k = 1; k < n && flat; k++) flat = v[k] == v[0];
  if (flat) {
    *slope = 0;
    *offset = v[0];
    return true;
  }
  uint32_t a = n, b = n;
  for (uint32_t k = 0; k < n && b == n; k++)
    if (v[k] > 0 && v[k] < 1) {
      if (a == n)
        a = k;
      else
        b = k;
    }
  if (a == n || b == n) { /* fewer than two unclamped: from v[0], v[1] */
    if (n < 2) return false;
    a = 0;
    b = 1;
  }
  double ss[7], oo[7];
  gx_near((v[b] - v[a]) / (double)(b - a), ss);
  for (int i = 0; i < 7; i++) {
    gx_near(v[a] - ss[i] * (double)a, oo);
    for (int j = 0; j < 7; j++)
      if (gx_linear_fits(v, n, ss[i], oo[j], tol)) {
        *slope = ss[i];
        *offset = oo[j];
        return true;
      }
  }
  if (tol > 0) { /* approximate: the line through the farthest unclamped */
    uint32_t z = b;
    for (uint32_t k = n; k-- > b;)
      if (v[k] > 0 && v[k] < 1) {
        z = k;
        break;
      }
    double sl = (v[z] - v[a]) / (double)(z - a), of = v[a] - sl * (double)a;
    if (gx_linear_fits(v, n, sl, of, tol)) {
      *slope = sl;
      *offset = of;
      return true;
    }
  }
  return false;
}

static bool gx_xml_text_ok(const char *s) {
  if (!s || !gx_utf8(s, strlen(s))) return false;
  for (const unsigned char *p = (const unsigned char *)s; *p; p++)
    if (*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r') return false;
  return true;
}

static bool gx_file_name_ok(const char *s) {
  return s && *s && s[0] != '.' && !strchr(s, '/') && strlen(s) < 200;
}

typedef struct gx_w {
  xmlBufferPtr buf;
  xmlTextWriterPtr w;
  bool bad;
  gx_xerr xe;
  gx_quiet quiet;
} gx_w;

static void gx_w_open(gx_w *w) {
  w->bad = false;
  memset(&w->xe, 0, sizeof w->xe);
  gx_quiet_on(&w->quiet, &w->xe);
  w->buf = xmlBufferCreate();
  w->w = w->buf ? xmlNewTextWriterMemory(w->buf, 0) : NULL;
  if (!w->w) {
    w->bad = true;
    return;
  }
  xmlTextWriterSetIndent(w->w, 1);
  xmlTextWriterSetIndentString(w->w, (const xmlChar *)"  ");
  w->bad |= xmlTextWriterStartDocument(w->w, "1.0", "UTF-8", NULL) < 0;
}

static void gx_el(gx_w *w, const char *name) {
  if (!w->bad)
    w->bad |= xmlTextWriterStartElement(w->w, (const xmlChar *)name) < 0;
}
static void gx_end(gx_w *w) {
  if (!w->bad) w->bad |= xmlTextWriterEndElement(w->w) < 0;
}
static void gx_at(gx_w *w, const char *name, const char *value) {
  if (!w->bad)
    w->bad |= xmlTextWriterWriteAttribute(w->w, (const xmlChar *)name,
                                          (const xmlChar *)value) < 0;
}
static void gx_atn(gx_w *w, const char *name, double x) {
  char b[40];
  snprintf(b, sizeof b, "%.17g", x);
  gx_at(w, name, b);
}
static void gx_ati(gx_w *w, const char *name, long long x) {
  char b[32];
  snprintf(b, sizeof b, "%lld", x);
  gx_at(w, name, b);
}

/* Closes the document, whose text stays in w->buf (NULL when out of
 * memory). */
static void gx_w_close(gx_w *w) {
  if (!w->bad) w->bad |= xmlTextWriterEndDocument(w->w) < 0;
  if (w->w) xmlFreeTextWriter(w->w); /* flushes into buf */
  w->w = NULL;
  gx_quiet_off(&w->quiet);
  w->bad |= w->xe.set;
  if (w->bad && w->buf) {
    xmlBufferFree(w->buf);
    w->buf = NULL;
  }
}

/* The <issue> of the domain, or of a profile (with `party` >= 0). */
static void gx_w_issue(gx_w *w, const pl_scenario *s, int i,
                       const gx_wissue *wi, int party) {
  const pl__issue *is = &s->issues[i];
  gx_el(w, "issue");
  gx_ati(w, "index", i + 1);
  gx_at(w, "name", is->id);
  const char *t = wi->integer ? "integer" : "discrete";
  gx_at(w, "type", t);
  gx_at(w, "etype", t);
  gx_at(w, "vtype", t);
  if (wi->integer) {
    gx_ati(w, "lowerbound", llround(is->min));
    gx_ati(w, "upperbound", llround(is->max));
    if (party >= 0) {
      gx_el(w, "evaluator");
      gx_at(w, "ftype", "linear");
      gx_atn(w, "slope", wi->slope[party]);
      gx_atn(w, "offset", wi->offset[party]);
      gx_end(w);
    }
  } else {
    for (uint32_t k = 0; k < is->n; k++) {
      gx_el(w, "item");
      gx_ati(w, "index", (long long)k + 1);
      gx_at(w, "value", is->opt_id[k]);
      if (strcmp(is->opt_name[k], is->opt_id[k]))
        gx_at(w, "description", is->opt_name[k]);
      if (party >= 0) gx_atn(w, "evaluation", pl_scenario_value(s, party, i, k));
      gx_end(w);
    }
  }
  gx_end(w);
}

static void gx_w_root_objective(gx_w *w, const pl_scenario *s) {
  gx_el(w, "objective");
  gx_at(w, "index", "0");
  gx_at(w, "name", s->title[0] ? s->title : "root");
  gx_at(w, "description", s->description);
  gx_at(w, "type", "objective");
  gx_at(w, "etype", "objective");
}

static int gx_unsupported(pl_error *err, const char *dir, const char *fmt, ...)
    PL__PRINTF(3, 4);
static int gx_unsupported(pl_error *err, const char *dir, const char *fmt,
                          ...) {
  char msg[sizeof err->message];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  return pl__err_at(err, PL_EUNSUPPORTED, dir, 0, 0, "%s", msg);
}

/* What GENIUS cannot hold, named; and how each issue is written. */
static int gx_w_check(const pl_scenario *s, const char *dir, gx_wissue *wi,
                      pl_error *err) {
  const int np = s->n_parties, ni = s->n_issues;
  if (s->n_red_lines)
    return gx_unsupported(
        err, dir,
        "GENIUS files cannot express red lines: party \"%s\" has %s \"%s\"",
        s->parties[s->red_lines[0].party].id,
        s->red_lines[0].linkage ? "the linkage" : "the red line",
        s->red_lines[0].id);
  if (s->status_quo)
    return gx_unsupported(err, dir,
                          "GENIUS files cannot express a status quo");
  if (!gx_file_name_ok(s->id) || !gx_xml_text_ok(s->id))
    return gx_unsupported(err, dir,
                          "scenario id \"%s\" cannot be a file name",
                          s->id);
  if (!gx_xml_text_ok(s->title) || !gx_xml_text_ok(s->description))
    return gx_unsupported(err, dir,
                          "the title or description has characters XML "
                          "cannot hold");
  for (int p = 0; p < np; p++) {
    const pl__party *pa = &s->parties[p];
    if (pa->reservation_cost_set)
      return gx_unsupported(err, dir,
                            "GENIUS files cannot express concession costs: "
                            "party \"%s\" has a reservation_cost",
                            pa->id);
    if (pa->status_quo)
      return gx_unsupported(err, dir,
                            "GENIUS files cannot express a status quo: "
                            "party \"%s\" has one",
                            pa->id);
    if (!gx_file_name_ok(pa->id) || !gx_xml_text_ok(pa->id))
      return gx_unsupported(err, dir,
                            "party id \"%s\" cannot be a file name", pa->id);
    if (!strcmp(pa->id, s->id))
      return gx_unsupported(err, dir,
                            "party \"%s\" has the scenario's id: its profile "
                            "would overwrite the domain file",
                            pa->id);
  }
  for (int i = 0; i < ni; i++) {
    const pl__issue *is = &s->issues[i];
    if (!gx_xml_text_ok(is->id))
      return gx_unsupported(err, dir,
                            "issue id \"%s\" has characters XML cannot hold",
                            is->id);
    for (uint32_t k = 0; k < is->n; k++)
      if (!gx_xml_text_ok(is->opt_id[k]) || !gx_xml_text_ok(is->opt_name[k]))
        return gx_unsupported(err, dir,
                              "an option of issue \"%s\" has characters XML "
                              "cannot hold",
                              is->id);
    /* An integer issue of step 1 stays one when every additive party's
     * values are a linear evaluator's (GENIUS's only kind for integers);
     * otherwise, and for real issues (which a reader re-discretises with
     * its own interval count), the grid is written as discrete options:
     * the same outcomes, the same values, read back bit for bit. */
    bool integer = is->kind == PL_ISSUE_INTEGER && is->step == 1 &&
                   is->min >= INT32_MIN && is->max <= INT32_MAX;
    /* A long range as items could pass the 16 MiB a file the reader takes:
     * it is written by its bounds when its values are linear to 12 digits
     * (parley's own increasing/decreasing, k / (n - 1), differ from
     * GENIUS's slope x k in the last bit). */
    double tol = is->n > GX_W_EXACT_OPTIONS ? GX_W_LINEAR_TOL : 0;
    for (int p = 0; p < np && integer; p++) {
      const pl__party *pa = &s->parties[p];
      if (pa->hyper) continue;
      if (pa->value[i])
        integer = gx_find_linear(pa->value[i], is->n, tol, &wi[i].slope[p],
                                 &wi[i].offset[p]);
      else
        wi[i].slope[p] = wi[i].offset[p] = 0;
    }
    wi[i].integer = integer;
    /* A discrete issue's evaluations are divided by their maximum when it
     * is above 1: only values up to 1 come back as they are. */
    if (!integer)
      for (int p = 0; p < np; p++) {
        const pl__party *pa = &s->parties[p];
        if (pa->hyper || !pa->value[i]) continue;
        for (uint32_t k = 0; k < is->n; k++)
          if (!(pa->value[i][k] <= 1))
            return gx_unsupported(
                err, dir,
                "party \"%s\" values option \"%s\" of issue \"%s\" at %g: "
                "GENIUS divides an issue's evaluations by their maximum when "
                "it is above 1",
                pa->id, is->opt_id[k], is->id, pa->value[i][k]);
      }
  }
  /* GENIUS caps an additive sum at 1. A party of parley's own weighting
   * whose best outcome sums to a hair above 1 by rounding would read back
   * capped: not the same bits. Rounding is monotone, so the best outcome's
   * sum (each issue's best option) is the largest of all. */
  uint32_t *best = pl__malloc((size_t)(ni ? ni : 1) * sizeof *best);
  if (!best) return pl__err(err, PL_ENOMEM, "out of memory");
  for (int p = 0; p < np; p++) {
    const pl__party *pa = &s->parties[p];
    if (pa->hyper || pa->weighting == PL_WEIGHTS_AS_GIVEN) continue;
    for (int i = 0; i < ni; i++) {
      best[i] = 0;
      for (uint32_t k = 1; k < s->issues[i].n; k++)
        if (s->table[i][(size_t)k * np + p] > s->table[i][(size_t)best[i] * np + p])
          best[i] = k;
    }
    double u = pl_scenario_utility(s, p, best);
    if (u > 1) {
      pl__free(best);
      return gx_unsupported(
          err, dir,
          "party \"%s\" has an outcome of utility %.17g, above 1 by "
          "rounding; GENIUS caps utilities at 1, so it would not read back "
          "the same",
          pa->id, u);
    }
  }
  pl__free(best);
  for (int p = 0; p < np; p++) {
    const pl__party *pa = &s->parties[p];
    if (!pa->hyper) continue;
    for (size_t r = 0; r < pa->n_rects; r++)
      for (size_t j = 0; j < pa->rects[r].n; j++) {
        int i = pa->rects[r].issue[j];
        if (!wi[i].integer)
          return gx_unsupported(
              err, dir,
              "party \"%s\" has hyper-rectangles over issue \"%s\": GENIUS "
              "bounds only integer issues of step 1%s",
              pa->id, s->issues[i].id,
              s->issues[i].kind == PL_ISSUE_INTEGER
                  ? " whose values every other party gives linearly"
                  : "");
      }
  }
  return PL_OK;
}

static void gx_w_domain(const pl_scenario *s, const gx_wissue *wi,
                        gx_w *out) {
  gx_w w;
  gx_w_open(&w);
  gx_el(&w, "negotiation_template");
  gx_el(&w, "utility_space");
  gx_ati(&w, "number_of_issues", s->n_issues);
  gx_w_root_objective(&w, s);
  for (int i = 0; i < s->n_issues; i++) gx_w_issue(&w, s, i, &wi[i], -1);
  gx_end(&w);
  gx_end(&w);
  gx_end(&w);
  gx_w_close(&w);
  *out = w;
}

static void gx_w_profile(const pl_scenario *s, int p, const gx_wissue *wi,
                         gx_w *out) {
  const pl__party *pa = &s->parties[p];
  gx_w w;
  gx_w_open(&w);
  gx_el(&w, "utility_space");
  if (pa->hyper) gx_at(&w, "type", "nonlinear");
  gx_w_root_objective(&w, s);
  if (!pa->hyper) {
    for (int i = 0; i < s->n_issues; i++) gx_w_issue(&w, s, i, &wi[i], p);
    for (int i = 0; i < s->n_issues; i++) {
      gx_el(&w, "weight");
      gx_ati(&w, "index", i + 1);
      gx_atn(&w, "value", pl_scenario_weight(s, p, i));
      gx_end(&w);
    }
  } else {
    gx_el(&w, "utility");
    gx_atn(&w, "maxutility", pa->max_utility);
    gx_el(&w, "ufun");
    gx_at(&w, "type", "PlainUfun");
    gx_at(&w, "weight", "1");
    gx_at(&w, "aggregation", "sum");
    for (size_t r = 0; r < pa->n_rects; r++) {
      const pl__rect *rc = &pa->rects[r];
      gx_el(&w, "hyperRectangle");
      gx_atn(&w, "utility", rc->utility);
      for (size_t j = 0; j < rc->n; j++) {
        const pl__issue *is = &s->issues[rc->issue[j]];
        gx_el(&w, "INCLUDES");
        gx_ati(&w, "index", rc->issue[j] + 1);
        gx_ati(&w, "min", llround(is->min) + rc->lo[j]);
        gx_ati(&w, "max", llround(is->min) + rc->hi[j]);
        gx_end(&w);
      }
      gx_end(&w);
    }
    gx_end(&w);
    gx_end(&w);
  }
  gx_end(&w); /* objective */
  gx_el(&w, "discount_factor");
  gx_atn(&w, "value", pa->discount);
  gx_end(&w);
  gx_el(&w, "reservation");
  gx_atn(&w, "value", pa->reservation);
  gx_end(&w);
  gx_end(&w);
  gx_w_close(&w);
  *out = w;
}

static char *gx_path(const char *dir, const char *name) {
  size_t n = strlen(dir) + strlen(name) + 6;
  char *p = pl__malloc(n);
  if (p) snprintf(p, n, "%s/%s.xml", dir, name);
  return p;
}

int pl__genius_write(const pl_scenario *s, const char *dir, pl_error *err) {
  if (!s->finished)
    return pl__err(err, PL_ESTATE, "scenario \"%s\" is not finished", s->id);
  const int np = s->n_parties, ni = s->n_issues;
  gx_wissue *wi = pl__calloc((size_t)ni, sizeof *wi);
  int rc = wi ? PL_OK : pl__err(err, PL_ENOMEM, "out of memory");
  for (int i = 0; i < ni && !rc; i++) {
    wi[i].slope = pl__calloc((size_t)np, sizeof(double));
    wi[i].offset = pl__calloc((size_t)np, sizeof(double));
    if (!wi[i].slope || !wi[i].offset)
      rc = pl__err(err, PL_ENOMEM, "out of memory");
  }
  if (!rc) rc = gx_w_check(s, dir, wi, err);
  /* Every file in memory first: one the reader would refuse for its size
   * is refused here, before anything is written. */
  gx_w *docs = rc ? NULL : pl__calloc((size_t)np + 1, sizeof *docs);
  if (!rc && !docs) rc = pl__err(err, PL_ENOMEM, "out of memory");
  for (int f = 0; f <= np && !rc; f++) {
    if (f == 0)
      gx_w_domain(s, wi, &docs[f]);
    else
      gx_w_profile(s, f - 1, wi, &docs[f]);
    if (!docs[f].buf) rc = pl__err(err, PL_ENOMEM, "out of memory");
    else if ((size_t)xmlBufferLength(docs[f].buf) > GX_MAX_BYTES)
      rc = gx_unsupported(
          err, dir,
          "the %s%s%s would be %zu bytes, more than the %u a GENIUS file may "
          "have",
          f ? "profile of party \"" : "domain", f ? s->parties[f - 1].id : "",
          f ? "\"" : "", (size_t)xmlBufferLength(docs[f].buf), GX_MAX_BYTES);
  }
  if (!rc) rc = pl__make_dir(dir, err);
  for (int f = 0; f <= np && !rc; f++) {
    char *path = gx_path(dir, f ? s->parties[f - 1].id : s->id);
    rc = path ? pl__write_file(path, xmlBufferContent(docs[f].buf),
                               (size_t)xmlBufferLength(docs[f].buf), err)
              : pl__err(err, PL_ENOMEM, "out of memory");
    pl__free(path);
  }
  for (int f = 0; docs && f <= np; f++)
    if (docs[f].buf) xmlBufferFree(docs[f].buf);
  pl__free(docs);
  for (int i = 0; wi && i < ni; i++) {
    pl__free(wi[i].slope);
    pl__free(wi[i].offset);
  }
  pl__free(wi);
  return rc;
}
