/* YAML event stream -> node tree, with limits (see yaml_tree.h). */
#include "io/yaml_tree.h"

#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "core/util.h"

/* Arena: blocks chained through their first word, freed in one pass. */
typedef struct block {
  struct block *next;
  size_t used, size;
  max_align_t data[];
} block;

static void *arena_alloc(pl__ydoc *doc, size_t n) {
  n = (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
  block *b = (block *)(void *)doc->arena;
  if (!b || b->size - b->used < n) {
    size_t size = n > 65536 ? n : 65536;
    block *nb = pl__malloc(sizeof *nb + size);
    if (!nb) return NULL;
    nb->next = b;
    nb->used = 0;
    nb->size = size;
    doc->arena = (char *)nb;
    b = nb;
  }
  void *p = (char *)b->data + b->used;
  b->used += n;
  return p;
}

void pl__yaml_free(pl__ydoc *doc) {
  block *b = (block *)(void *)doc->arena;
  while (b) {
    block *next = b->next;
    pl__free(b);
    b = next;
  }
  doc->arena = NULL;
  doc->root = NULL;
}

typedef struct frame {
  pl__ynode *node;
  pl__ynode **items;
  size_t n, cap;
} frame;

static int push_item(frame *f, pl__ynode *item) {
  if (f->n == f->cap) {
    size_t cap = f->cap ? f->cap * 2 : 8;
    pl__ynode **p = pl__realloc(f->items, cap * sizeof *p);
    if (!p) return PL_ENOMEM;
    f->items = p;
    f->cap = cap;
  }
  f->items[f->n++] = item;
  return PL_OK;
}

static int key_cmp(const void *a, const void *b) {
  const pl__ynode *x = *(pl__ynode *const *)a, *y = *(pl__ynode *const *)b;
  int c = strcmp(x->text, y->text);
  if (c) return c;
  return x->line != y->line ? x->line - y->line : x->col - y->col;
}

/* Closes a container: moves its items into the arena; checks map keys. */
static int close_frame(pl__ydoc *doc, frame *f, const char *file,
                       pl_error *err) {
  pl__ynode *nd = f->node;
  nd->items = arena_alloc(doc, (f->n ? f->n : 1) * sizeof *nd->items);
  if (!nd->items) return pl__err(err, PL_ENOMEM, "out of memory");
  if (f->n) memcpy(nd->items, f->items, f->n * sizeof *nd->items);
  nd->n = nd->kind == PL__Y_MAP ? f->n / 2 : f->n;
  if (nd->kind != PL__Y_MAP || nd->n < 2) return PL_OK;
  pl__ynode **keys = pl__malloc(nd->n * sizeof *keys);
  if (!keys) return pl__err(err, PL_ENOMEM, "out of memory");
  for (size_t k = 0; k < nd->n; k++) keys[k] = nd->items[2 * k];
  qsort(keys, nd->n, sizeof *keys, key_cmp);
  int rc = PL_OK;
  for (size_t k = 1; k < nd->n && !rc; k++)
    if (!strcmp(keys[k]->text, keys[k - 1]->text))
      rc = pl__err_at(err, PL_EPARSE, file, keys[k]->line, keys[k]->col,
                      "duplicate key \"%s\" (first at line %d)", keys[k]->text,
                      keys[k - 1]->line);
  pl__free(keys);
  return rc;
}

/* Line and column (1-based; the column counts characters) of a byte offset:
 * libyaml reports decoding errors by offset only. */
static void offset_place(const char *text, size_t len, size_t off, int *line,
                         int *col) {
  *line = 1;
  *col = 1;
  for (size_t k = 0; k < off && k < len; k++) {
    unsigned char ch = (unsigned char)text[k];
    if (ch == '\n' || (ch == '\r' && (k + 1 >= len || text[k + 1] != '\n'))) {
      ++*line;
      *col = 1;
    } else if ((ch & 0xC0) != 0x80 && ch != '\r') {
      ++*col; /* UTF-8 continuation bytes belong to the previous character */
    }
  }
}

/* The byte at a libyaml mark (line and column, both 0-based), or -1. */
static int char_at(const char *text, size_t len, yaml_mark_t m) {
  size_t k = 0, line = 0;
  while (line < m.line && k < len) {
    if (text[k] == '\n' || (text[k] == '\r' && (k + 1 >= len || text[k + 1] != '\n')))
      line++;
    k++;
  }
  for (size_t c = 0; c < m.column && k < len; k++)
    if (((unsigned char)text[k] & 0xC0) != 0x80) c++;
  while (k < len && ((unsigned char)text[k] & 0xC0) == 0x80) k++;
  return k < len ? (unsigned char)text[k] : -1;
}

/* Fills err from a failed yaml_parser_parse. */
static int syntax_error(const yaml_parser_t *p, const char *text, size_t len,
                        const char *file, pl_error *err) {
  const char *problem = p->problem ? p->problem : "unknown problem";
  if (p->error == YAML_MEMORY_ERROR)
    return pl__err(err, PL_ENOMEM, "out of memory");
  if (p->error == YAML_READER_ERROR) {
    /* Decoding errors come with a byte offset only. Point at the first byte
     * of the broken character (libyaml names the bad trailing byte). */
    size_t off = p->problem_offset;
    if (!strcmp(problem, "invalid trailing UTF-8 octet"))
      for (size_t k = off; k > 0 && off - k < 3; k--)
        if ((unsigned char)text[k - 1] >= 0xC0) {
          off = k - 1;
          break;
        }
    int line, col;
    offset_place(text, len, off, &line, &col);
    if (!strcmp(problem, "control characters are not allowed"))
      return pl__err_at(err, PL_EPARSE, file, line, col,
                        "control character U+%04X is not allowed",
                        (unsigned)p->problem_value);
    if (strstr(problem, "UTF-8") && off < len)
      return pl__err_at(err, PL_EPARSE, file, line, col,
                        "not UTF-8 text: bad byte sequence starting with "
                        "0x%02X (%s); save the file as UTF-8",
                        (unsigned char)text[off], problem);
    return pl__err_at(err, PL_EPARSE, file, line, col, "not UTF-8 text: %s",
                      problem);
  }
  int line = (int)p->problem_mark.line + 1, col = (int)p->problem_mark.column + 1;
  if (char_at(text, len, p->problem_mark) == '\t')
    return pl__err_at(err, PL_EPARSE, file, line, col,
                      "YAML syntax error: tab character; indent with spaces");
  if (p->context)
    return pl__err_at(err, PL_EPARSE, file, line, col,
                      "YAML syntax error: %s %s at line %d, column %d",
                      problem, p->context, (int)p->context_mark.line + 1,
                      (int)p->context_mark.column + 1);
  return pl__err_at(err, PL_EPARSE, file, line, col, "YAML syntax error: %s",
                    problem);
}

int pl__yaml_parse(const char *text, size_t len, const char *file,
                   pl__ydoc *doc, pl_error *err) {
  memset(doc, 0, sizeof *doc);
  if (!text) { /* libyaml asserts on a NULL input */
    if (len) return pl__err(err, PL_EINVAL, "no text");
    text = "";
  }
  if (len > PL__YAML_MAX_BYTES)
    return pl__err_at(err, PL_ETOOBIG, file, 1, 1,
                      "file is %zu bytes; at most %u are read", len,
                      PL__YAML_MAX_BYTES);
  yaml_parser_t parser;
  if (!yaml_parser_initialize(&parser))
    return pl__err(err, PL_ENOMEM, "out of memory");
  yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);

  frame stack[PL__YAML_MAX_DEPTH + 1];
  int depth = 0, documents = 0, rc = PL_OK;
  size_t nodes = 0;
  bool done = false;
  memset(stack, 0, sizeof stack);

  while (!done && !rc) {
    yaml_event_t ev;
    if (!yaml_parser_parse(&parser, &ev)) {
      rc = syntax_error(&parser, text, len, file, err);
      break;
    }
    int line = (int)ev.start_mark.line + 1, col = (int)ev.start_mark.column + 1;
    pl__ynode *nd = NULL;
    switch (ev.type) {
    case YAML_STREAM_END_EVENT:
      done = true;
      break;
    case YAML_DOCUMENT_START_EVENT:
      if (++documents > 1)
        rc = pl__err_at(err, PL_EPARSE, file, line, col,
                        "expected one YAML document, found a second");
      break;
    case YAML_ALIAS_EVENT:
      rc = pl__err_at(err, PL_EPARSE, file, line, col,
                      "YAML aliases (*name) are not supported");
      break;
    case YAML_SCALAR_EVENT:
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT:
      if (++nodes > PL__YAML_MAX_NODES) {
        rc = pl__err_at(err, PL_ETOOBIG, file, line, col,
                        "more than %u YAML nodes", PL__YAML_MAX_NODES);
        break;
      }
      nd = arena_alloc(doc, sizeof *nd);
      if (!nd) {
        rc = pl__err(err, PL_ENOMEM, "out of memory");
        break;
      }
      memset(nd, 0, sizeof *nd);
      nd->line = line;
      nd->col = col;
      if (ev.type == YAML_SCALAR_EVENT) {
        nd->kind = PL__Y_SCALAR;
        nd->quoted = ev.data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
        size_t n = ev.data.scalar.length;
        nd->text = arena_alloc(doc, n + 1);
        if (!nd->text) {
          rc = pl__err(err, PL_ENOMEM, "out of memory");
          break;
        }
        memcpy(nd->text, ev.data.scalar.value, n);
        nd->text[n] = 0;
        if (strlen(nd->text) != n)
          rc = pl__err_at(err, PL_EPARSE, file, line, col,
                          "NUL character in a string");
      } else {
        nd->kind = ev.type == YAML_MAPPING_START_EVENT ? PL__Y_MAP : PL__Y_SEQ;
      }
      if (rc) break;
      if (depth > 0) {
        frame *top = &stack[depth - 1];
        if (top->node->kind == PL__Y_MAP && top->n % 2 == 0 &&
            nd->kind != PL__Y_SCALAR) {
          rc = pl__err_at(err, PL_EPARSE, file, line, col,
                          "mapping keys must be plain strings");
          break;
        }
        if (push_item(top, nd)) {
          rc = pl__err(err, PL_ENOMEM, "out of memory");
          break;
        }
      } else if (doc->root) {
        rc = pl__err_at(err, PL_EPARSE, file, line, col,
                        "expected one YAML document, found a second");
        break;
      } else {
        doc->root = nd;
      }
      if (nd->kind != PL__Y_SCALAR) {
        if (depth >= PL__YAML_MAX_DEPTH) {
          rc = pl__err_at(err, PL_EPARSE, file, line, col,
                          "nesting deeper than %d levels",
                          PL__YAML_MAX_DEPTH);
          break;
        }
        stack[depth++] = (frame){.node = nd};
      }
      break;
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
      depth--;
      rc = close_frame(doc, &stack[depth], file, err);
      pl__free(stack[depth].items);
      stack[depth].items = NULL;
      break;
    default:
      break;
    }
    yaml_event_delete(&ev);
  }
  for (int d = 0; d < depth; d++) pl__free(stack[d].items);
  yaml_parser_delete(&parser);
  if (rc) pl__yaml_free(doc);
  return rc;
}

const pl__ynode *pl__ymap_get(const pl__ynode *map, const char *key) {
  if (!map || map->kind != PL__Y_MAP) return NULL;
  for (size_t k = 0; k < map->n; k++)
    if (!strcmp(map->items[2 * k]->text, key)) return map->items[2 * k + 1];
  return NULL;
}
