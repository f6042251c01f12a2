/* Internal to the GeniusWeb JSON reader and writer (geniusweb_pos.c,
 * geniusweb_read.c, geniusweb_write.c): the limits, the document and reader
 * context types, and the position tracker's error calls they share. See
 * geniusweb_read.c for the format. */
#ifndef PL_IO_GENIUSWEB_INTERNAL_H
#define PL_IO_GENIUSWEB_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "core/util.h"
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

/* A number in the fewest digits that read back as the same double, for
 * messages ("0.1", not "0.10000000000000001"). */
typedef struct numtxt {
  char s[32];
} numtxt;

int pl__gw_fail(ctx *c, const char *fmt, ...) PL__PRINTF(2, 3);
int pl__gw_fail_code(ctx *c, int code, const char *fmt, ...) PL__PRINTF(3, 4);
int pl__gw_fail_key(ctx *c, const char *fmt, ...) PL__PRINTF(2, 3);
void pl__gw_line_col(const doc *d, size_t off, int *line, int *col);
numtxt pl__gw_num(double v);
void pl__gw_pop(ctx *c);
void pl__gw_push_index(ctx *c, size_t k);
void pl__gw_push_key(ctx *c, const char *key);
int pl__gw_relay(ctx *c, int rc);
size_t pl__gw_skip_string(const char *t, size_t len, size_t p);
double pl__gw_interp(const gw_numutil *f, double x);

#endif
