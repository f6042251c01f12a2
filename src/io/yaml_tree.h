/* A small YAML document tree built from libyaml's event stream, with the
 * line and column of every node, and hard limits against hostile input:
 * aliases are refused (no alias bombs), nesting depth, node count and
 * input size are capped, and duplicate mapping keys are errors. */
#ifndef PL_YAML_TREE_H
#define PL_YAML_TREE_H

#include <stdbool.h>
#include <stddef.h>

#include "parley/parley.h"

typedef enum pl__ykind { PL__Y_SCALAR, PL__Y_SEQ, PL__Y_MAP } pl__ykind;

typedef struct pl__ynode {
  pl__ykind kind;
  int line, col;      /* 1-based */
  bool quoted;        /* scalar written in quotes or as a block */
  char *text;         /* scalar text, NUL-terminated */
  size_t n;           /* children: sequence items, or key/value pairs */
  struct pl__ynode **items; /* SEQ: n items; MAP: 2n (key, value, ...) */
} pl__ynode;

/* Limits (documented in docs/scenario-format.md). */
#define PL__YAML_MAX_BYTES (64u << 20)
#define PL__YAML_MAX_DEPTH 64
#define PL__YAML_MAX_NODES 4000000u

typedef struct pl__ydoc {
  pl__ynode *root;
  char *arena; /* every node and string lives in blocks chained here */
} pl__ydoc;

/* Parses text into *doc. On failure fills err with file:line:col. */
int pl__yaml_parse(const char *text, size_t len, const char *file,
                   pl__ydoc *doc, pl_error *err);
void pl__yaml_free(pl__ydoc *doc);

/* Value of key in a mapping, or NULL. */
const pl__ynode *pl__ymap_get(const pl__ynode *map, const char *key);

#endif
