/* Internal to the GENIUS XML reader and writer (genius_repair.c,
 * genius_read.c, genius_write.c): the limits, the parsed-file type (an
 * element tree that expat's callbacks build) with its way back to original
 * lines and columns. See genius_read.c for what the files mean. */
#ifndef PL_IO_GENIUS_INTERNAL_H
#define PL_IO_GENIUS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "core/util.h"

/* Limits that bound what a small hostile file can cost (the real files are
 * at most a few hundred KiB). */
#define GX_MAX_BYTES (16u << 20)        /* one input file */
#define GX_W_EXACT_OPTIONS 10000u       /* written as items when not linear */
#define GX_W_LINEAR_TOL 1e-12           /* beyond: linear to 12 digits */
#define GX_MAX_TOTAL_OPTIONS (1u << 24) /* options of all issues */
#define GX_MAX_CELLS (1u << 26)         /* options x parties */
#define GX_MAX_DEPTH 200                /* element nesting we walk */
#define GX_MAX_NESTING 256              /* element nesting we parse */
#define GX_MAX_ELEMENTS (1u << 20)      /* elements of one file */

/* Bytes the pre-pass added: n bytes starting at offset pos of the repaired
 * text stand for nothing in the original. */
typedef struct gx_ins {
  size_t pos, n;
} gx_ins;

/* An element of the parsed file: its local name (without a namespace
 * prefix), its attributes, its child elements. Text is not kept: GENIUS
 * files say everything in attributes. Everything lives in the file's
 * arena. */
typedef struct gx_node gx_node;
struct gx_node {
  const char *name;
  const char **attrs;                  /* name, value, name, value, ..., NULL */
  gx_node *parent, *children, *last, *next; /* last: the last child */
  size_t off; /* where its start tag begins, in the repaired text */
};

typedef struct gx_chunk gx_chunk;

typedef struct gx_doc {
  const char *file; /* path, for messages */
  char *orig;       /* the file as read */
  size_t olen;
  char *text; /* repaired copy handed to expat */
  size_t tlen, tcap;
  gx_ins *ins;
  size_t n_ins, cap_ins;
  gx_chunk *arena; /* the elements, their names and attributes */
  gx_node *root;
} gx_doc;

void pl__gx_doc_free(gx_doc *d);
/* Reads, repairs and parses one file. */
int pl__gx_doc_load(gx_doc *d, const char *path, pl_error *err);
/* A message about element n (or its attribute attr), placed at its
 * file:line:col. */
int pl__gx_fail(const gx_doc *d, pl_error *err, const gx_node *n,
                const char *attr, int code, const char *fmt, ...)
    PL__PRINTF(6, 7);
/* A builder call failed: keep its message, give it the node's place. */
int pl__gx_relay(const gx_doc *d, pl_error *err, const gx_node *n,
                 const char *attr, int rc);
bool pl__gx_utf8(const char *s, size_t n);

static inline double gx_clamp01(double u) { return u < 0 ? 0 : u > 1 ? 1 : u; }

#endif
