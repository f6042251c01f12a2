/* GENIUS XML, the pre-pass, the parse and position mapping: GENIUS read its
 * files with a lenient hand-written parser, so real files carry raw '&',
 * attributes without space between them and comments before the XML
 * declaration; this repairs exactly these (keeping every line and column
 * where it was) before expat parses the result strictly, without DTD,
 * entity expansion or external files, into a small element tree
 * (gx_node), and maps expat's places back to the original file. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/expat.h" /* expat, opened on first use */

#include "io/formats.h"
#include "model/scenario_internal.h"

#include "io/genius_internal.h"

/* ------------------------------------------------------------------ */
/* a parsed file, with the way back to the original lines and columns  */
/* ------------------------------------------------------------------ */

/* The arena: elements, names and attributes of one file, freed at once. */
struct gx_chunk {
  gx_chunk *next;
  size_t used, size;
  max_align_t data[]; /* size bytes */
};

#define GX_CHUNK (64u << 10)

/* n bytes of the arena, aligned to `align` (a power of two, at most
 * that of max_align_t), or NULL. Names and values are copied at
 * alignment 1, so the few KiB of a file's tree touch few pages. */
static void *gx_alloc(gx_doc *d, size_t n, size_t align) {
  gx_chunk *c = d->arena;
  size_t at = c ? (c->used + align - 1) & ~(align - 1) : 0;
  if (!c || at > c->size || c->size - at < n) {
    size_t size = n > GX_CHUNK ? n : GX_CHUNK;
    c = pl__malloc(sizeof *c + size);
    if (!c) return NULL;
    c->size = size;
    at = 0;
    /* a chunk of its own for a large request keeps the current one */
    if (n > GX_CHUNK && d->arena) {
      c->next = d->arena->next;
      d->arena->next = c;
    } else {
      c->next = d->arena;
      d->arena = c;
    }
  }
  c->used = at + n;
  return (char *)c->data + at;
}

static char *gx_strdup(gx_doc *d, const char *s) {
  size_t n = strlen(s) + 1;
  char *p = gx_alloc(d, n, 1);
  if (p) memcpy(p, s, n);
  return p;
}

void pl__gx_doc_free(gx_doc *d) {
  while (d->arena) {
    gx_chunk *next = d->arena->next;
    pl__free(d->arena);
    d->arena = next;
  }
  pl__free(d->orig);
  pl__free(d->text);
  pl__free(d->ins);
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

/* Where an attribute's value starts, inside the element's start tag. */
static bool gx_attr_off(const gx_doc *d, const gx_node *n, const char *name,
                        size_t *off) {
  size_t k = n->off;
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
static void gx_where(const gx_doc *d, const gx_node *n, const char *attr,
                     int *line, int *col) {
  size_t off;
  if (!n) {
    *line = *col = 1;
    return;
  }
  if (!attr || !gx_attr_off(d, n, attr, &off)) off = n->off;
  gx_linecol(d, gx_orig_off(d, off), line, col);
}

int pl__gx_fail(const gx_doc *d, pl_error *err, const gx_node *n,
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
int pl__gx_relay(const gx_doc *d, pl_error *err, const gx_node *n,
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
      if (!e) return; /* expat will say what is wrong */
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

/* How many bytes from s come before one of `stops`, a NUL or the end (the
 * original ends with a NUL: pl__read_file). */
static size_t gx_run(const char *s, const char *end, const char *stops) {
  size_t n = strcspn(s, stops);
  return n < (size_t)(end - s) ? n : (size_t)(end - s);
}

/* Copies the original into d->text, repairing what GENIUS accepted and XML
 * does not: a raw '&' becomes "&amp;", a '<' inside an attribute value
 * "&lt;", and a missing space between two attributes is added. A DOCTYPE is refused: GENIUS files have none,
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
      if (!gx_put(d, s, 1))
        return pl__err(err, PL_ENOMEM, "out of memory");
      s++;
      st = TAG;
      continue;
    }
    if (st == TAG) {
      size_t run = gx_run(s, end, "\"'>");
      if (run) { /* the tag's plain bytes, at once */
        if (!gx_put(d, s, run)) return pl__err(err, PL_ENOMEM, "out of memory");
        s += run;
        continue;
      }
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
    size_t adv = 1;
    if (c == '&' && !gx_entity(s, end)) {
      ok = gx_put(d, "&", 1) && gx_insert(d, "amp;");
    } else if (c == '<' && st == VALUE) {
      ok = gx_put(d, "&", 1) && gx_insert(d, "lt;");
    } else { /* plain text up to the next byte that may need repair */
      adv = gx_run(s + 1, end, st == TEXT ? "<&" : quote == '"' ? "\"<&" : "'<&") + 1;
      ok = gx_put(d, s, adv);
    }
    if (!ok) return pl__err(err, PL_ENOMEM, "out of memory");
    s += adv;
  }
  return PL_OK;
}

/* ---- parsing ---------------------------------------------------------- */

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

/* What expat's callbacks share while they build the tree. */
typedef struct gx_build {
  gx_doc *d;
  XML_Parser p;
  gx_node *cur; /* the innermost open element */
  int depth;
  size_t n_elements;
  int code;      /* PL_OK, or why a callback stopped the parse */
  size_t at;     /* and where, in the repaired text */
  char msg[200];
  char enc[64]; /* an encoding expat does not know */
} gx_build;

static void gx_stop(gx_build *b, int code, size_t at, const char *fmt, ...)
    PL__PRINTF(4, 5);
static void gx_stop(gx_build *b, int code, size_t at, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(b->msg, sizeof b->msg, fmt, ap);
  va_end(ap);
  b->code = code;
  b->at = at;
  XML_StopParser(b->p, XML_FALSE);
}

/* Where expat is, in the repaired text. */
static size_t gx_here(const gx_build *b) {
  XML_Index at = XML_GetCurrentByteIndex(b->p);
  return at > 0 ? (size_t)at : 0;
}

/* The local part of a name ("uri\nlocal" with a namespace). */
static const char *gx_local(const char *name) {
  const char *sep = strrchr(name, '\n');
  return sep ? sep + 1 : name;
}

static void XMLCALL gx_on_start(void *data, const XML_Char *name,
                                const XML_Char **atts) {
  gx_build *b = data;
  gx_doc *d = b->d;
  if (b->code) return;
  size_t at = gx_here(b);
  if (b->depth >= GX_MAX_NESTING) {
    gx_stop(b, PL_EPARSE, at, "elements nested deeper than %d",
            GX_MAX_NESTING);
    return;
  }
  if (b->n_elements >= GX_MAX_ELEMENTS) {
    gx_stop(b, PL_ETOOBIG, at, "more than %u elements in one file",
            GX_MAX_ELEMENTS);
    return;
  }
  size_t na = 0;
  while (atts[na]) na++;
  gx_node *n = gx_alloc(d, sizeof *n, _Alignof(gx_node));
  const char **attrs =
      n ? gx_alloc(d, (na + 1) * sizeof *attrs, _Alignof(const char *)) : NULL;
  const char *nm = attrs ? gx_strdup(d, gx_local(name)) : NULL;
  bool ok = nm != NULL;
  for (size_t k = 0; ok && k < na; k++)
    ok = (attrs[k] = gx_strdup(d, k % 2 ? atts[k] : gx_local(atts[k])));
  if (!ok) {
    gx_stop(b, PL_ENOMEM, at, "out of memory");
    return;
  }
  attrs[na] = NULL;
  *n = (gx_node){.name = nm, .attrs = attrs, .parent = b->cur, .off = at};
  if (!b->cur)
    d->root = n;
  else if (b->cur->last)
    b->cur->last = b->cur->last->next = n;
  else
    b->cur->children = b->cur->last = n;
  b->cur = n;
  b->depth++;
  b->n_elements++;
}

static void XMLCALL gx_on_end(void *data, const XML_Char *name) {
  gx_build *b = data;
  (void)name;
  if (b->code || !b->cur) return;
  b->cur = b->cur->parent;
  b->depth--;
}

/* Never reached through the pre-pass, which refuses "<!DOCTYPE" first;
 * kept so that no DTD, and so no entity, is ever read. */
static void XMLCALL gx_on_doctype(void *data, const XML_Char *name,
                                  const XML_Char *sysid, const XML_Char *pubid,
                                  int has_internal_subset) {
  gx_build *b = data;
  (void)name, (void)sysid, (void)pubid, (void)has_internal_subset;
  gx_stop(b, PL_EPARSE, gx_here(b),
          "document type declarations (<!DOCTYPE ...>) are not supported in "
          "GENIUS files");
}

/* expat reads UTF-8, UTF-16, ISO-8859-1 and US-ASCII by itself; another
 * encoding is refused, by name. */
static int XMLCALL gx_on_encoding(void *data, const XML_Char *name,
                                  XML_Encoding *info) {
  gx_build *b = data;
  (void)info;
  snprintf(b->enc, sizeof b->enc, "%s", name);
  return XML_STATUS_ERROR;
}

/* The name of the end tag whose name begins at offset at of the repaired
 * text (where expat places a mismatch). */
static void gx_end_tag(const gx_doc *d, size_t at, char *out, size_t size) {
  size_t k = at, j = 0;
  while (k < d->tlen && !strchr(" \t\r\n>", d->text[k]) && j + 1 < size)
    out[j++] = d->text[k++];
  out[j] = 0;
}

/* The parse failed: the error, at its place in the original file. */
static int gx_parse_error(const gx_build *b, pl_error *err) {
  const gx_doc *d = b->d;
  int line, col;
  if (b->code) {
    if (b->code == PL_ENOMEM) return pl__err(err, PL_ENOMEM, "out of memory");
    gx_linecol(d, gx_orig_off(d, b->at), &line, &col);
    return pl__err_at(err, b->code, d->file, line, col, "%s", b->msg);
  }
  enum XML_Error e = XML_GetErrorCode(b->p);
  if (e == XML_ERROR_NO_MEMORY) return pl__err(err, PL_ENOMEM, "out of memory");
  size_t at = gx_here(b);
  gx_linecol(d, gx_orig_off(d, at), &line, &col);
  if (e == XML_ERROR_UNKNOWN_ENCODING && b->enc[0])
    return pl__err_at(err, PL_EUNSUPPORTED, d->file, line, col,
                      "the encoding \"%s\" is not supported: GENIUS files are "
                      "read in UTF-8, UTF-16, ISO-8859-1 or US-ASCII",
                      b->enc);
  if (e == XML_ERROR_TAG_MISMATCH && b->cur) {
    /* libxml2's wording, which names both tags; placed at the "</" */
    char tag[100];
    int open_line, open_col;
    gx_end_tag(d, at, tag, sizeof tag);
    if (at >= 2 && !strncmp(d->text + at - 2, "</", 2))
      gx_linecol(d, gx_orig_off(d, at - 2), &line, &col);
    gx_linecol(d, gx_orig_off(d, b->cur->off), &open_line, &open_col);
    return pl__err_at(err, PL_EPARSE, d->file, line, col,
                      "malformed XML: opening and ending tag mismatch: %s "
                      "line %d and %s",
                      b->cur->name, open_line, tag);
  }
  if (e == XML_ERROR_NO_ELEMENTS && b->cur) {
    int open_line, open_col;
    gx_linecol(d, gx_orig_off(d, b->cur->off), &open_line, &open_col);
    return pl__err_at(err, PL_EPARSE, d->file, line, col,
                      "malformed XML: the file ends inside <%s> (line %d)",
                      b->cur->name, open_line);
  }
  if (e == XML_ERROR_UNCLOSED_TOKEN)
    return pl__err_at(err, PL_EPARSE, d->file, line, col,
                      "malformed XML: unclosed token (the file ends inside "
                      "it)");
  const char *what = XML_ErrorString(e);
  return pl__err_at(err, PL_EPARSE, d->file, line, col, "malformed XML: %s",
                    what ? what : "the parser gave up");
}

/* expat allocates through the library's allocator, which the tests make
 * fail on purpose. */
static const XML_Memory_Handling_Suite gx_memory = {pl__malloc, pl__realloc,
                                                    pl__free};

/* Parses d->text into d->root. */
static int gx_parse(gx_doc *d, const char *encoding, pl_error *err) {
  static const XML_Char separator[] = "\n"; /* turns namespaces on */
  gx_build b = {.d = d};
  b.p = XML_ParserCreate_MM(encoding, &gx_memory, separator);
  if (!b.p) return pl__err(err, PL_ENOMEM, "out of memory");
  XML_SetUserData(b.p, &b);
  XML_SetElementHandler(b.p, gx_on_start, gx_on_end);
  XML_SetStartDoctypeDeclHandler(b.p, gx_on_doctype);
  XML_SetUnknownEncodingHandler(b.p, gx_on_encoding, &b);
  int rc = PL_OK;
  if (XML_Parse(b.p, d->text, (int)d->tlen, XML_TRUE) != XML_STATUS_OK)
    rc = gx_parse_error(&b, err);
  XML_ParserFree(b.p);
  if (!rc && !d->root)
    rc = pl__err_at(err, PL_EPARSE, d->file, 1, 1, "no XML element found");
  return rc;
}

/* Reads, repairs and parses one file. */
int pl__gx_doc_load(gx_doc *d, const char *path, pl_error *err) {
  memset(d, 0, sizeof *d);
  d->file = path;
  int rc = pl__expat_open(err);
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
  return gx_parse(d, encoding, err);
}
