/* Internal to the GENIUS XML reader and writer (genius_repair.c,
 * genius_read.c, genius_write.c): the limits, the parsed-file type with its
 * way back to original lines and columns, and the libxml2 error plumbing
 * they share. See genius_read.c for what the files mean. */
#ifndef PL_IO_GENIUS_INTERNAL_H
#define PL_IO_GENIUS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "core/xml.h" /* libxml2, opened on first use */

#include "core/util.h"

/* Limits that bound what a small hostile file can cost (the real files are
 * at most a few hundred KiB). */
#define GX_MAX_BYTES (16u << 20)        /* one input file */
#define GX_W_EXACT_OPTIONS 10000u       /* written as items when not linear */
#define GX_W_LINEAR_TOL 1e-12           /* beyond: linear to 12 digits */
#define GX_MAX_TOTAL_OPTIONS (1u << 24) /* options of all issues */
#define GX_MAX_CELLS (1u << 26)         /* options x parties */
#define GX_MAX_DEPTH 200                /* element nesting we walk */

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


void pl__gx_doc_free(gx_doc *d);
/* Reads, repairs and parses one file. */
int pl__gx_doc_load(gx_doc *d, const char *path, pl_error *err);
int pl__gx_fail(const gx_doc *d, pl_error *err, xmlNodePtr n,
                   const char *attr, int code, const char *fmt, ...)
    PL__PRINTF(6, 7);
/* A builder call failed: keep its message, give it the node's place. */
int pl__gx_relay(const gx_doc *d, pl_error *err, xmlNodePtr n,
                 const char *attr, int rc);
void pl__gx_quiet_on(gx_quiet *q, gx_xerr *x);
void pl__gx_quiet_off(const gx_quiet *q);
bool pl__gx_utf8(const char *s, size_t n);

static inline double gx_clamp01(double u) { return u < 0 ? 0 : u > 1 ? 1 : u; }

#endif
