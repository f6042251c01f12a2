/* The YAML node tree (src/io/yaml_tree.c): node kinds and places, and the
 * limits that keep hostile input bounded: aliases, nesting depth, node
 * count, input size, duplicate keys, NUL characters, bad UTF-8, and
 * allocation failures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/util.h"
#include "io/yaml_tree.h"

/* Parses a NUL-terminated text; returns the status. */
static int parse(const char *text, pl__ydoc *doc, pl_error *err) {
  memset(err, 0, sizeof *err);
  return pl__yaml_parse(text, strlen(text), "t.yaml", doc, err);
}

/* Expects text to be refused with code at line:col, the message holding
 * `part`. */
static void refused(const char *text, int code, int line, int col,
                    const char *part) {
  pl__ydoc doc;
  pl_error err;
  int rc = parse(text, &doc, &err);
  if (rc != code)
    fail_msg("%s: got %s (%s), expected %s", text, pl_errname(rc),
             err.message, pl_errname(code));
  assert_null(doc.root);
  assert_null(doc.arena);
  assert_int_equal(err.code, code);
  assert_string_equal(err.file, "t.yaml");
  if (line) assert_int_equal(err.line, line);
  if (col) assert_int_equal(err.column, col);
  if (!strstr(err.message, part))
    fail_msg("message \"%s\" lacks \"%s\"", err.message, part);
}

static void test_tree_shape(void **state) {
  (void)state;
  const char *text = "# comment\n"
                     "name: plain\n"
                     "quoted: \"0.5\"\n"
                     "list:\n"
                     "  - 1\n"
                     "  - {a: b, c: [x, 'y']}\n"
                     "block: |\n"
                     "  text\n"
                     "empty:\n";
  pl__ydoc doc;
  pl_error err;
  assert_int_equal(parse(text, &doc, &err), PL_OK);
  const pl__ynode *r = doc.root;
  assert_non_null(r);
  assert_int_equal(r->kind, PL__Y_MAP);
  assert_int_equal(r->n, 5);
  assert_int_equal(r->line, 2);
  assert_int_equal(r->col, 1);
  /* keys in file order */
  assert_string_equal(r->items[0]->text, "name");
  assert_string_equal(r->items[8]->text, "empty");

  const pl__ynode *v = pl__ymap_get(r, "name");
  assert_int_equal(v->kind, PL__Y_SCALAR);
  assert_string_equal(v->text, "plain");
  assert_false(v->quoted);
  assert_int_equal(v->line, 2);
  assert_int_equal(v->col, 7);

  v = pl__ymap_get(r, "quoted");
  assert_string_equal(v->text, "0.5");
  assert_true(v->quoted);

  v = pl__ymap_get(r, "list");
  assert_int_equal(v->kind, PL__Y_SEQ);
  assert_int_equal(v->n, 2);
  assert_int_equal(v->line, 5);
  assert_int_equal(v->col, 3);
  assert_string_equal(v->items[0]->text, "1");
  const pl__ynode *m = v->items[1];
  assert_int_equal(m->kind, PL__Y_MAP);
  assert_int_equal(m->n, 2);
  assert_int_equal(m->line, 6);
  assert_int_equal(m->col, 5);
  const pl__ynode *c = pl__ymap_get(m, "c");
  assert_int_equal(c->kind, PL__Y_SEQ);
  assert_int_equal(c->n, 2);
  assert_false(c->items[0]->quoted);
  assert_true(c->items[1]->quoted);
  assert_int_equal(c->items[1]->col, 19);

  v = pl__ymap_get(r, "block");
  assert_string_equal(v->text, "text\n");
  assert_true(v->quoted);

  v = pl__ymap_get(r, "empty");
  assert_int_equal(v->kind, PL__Y_SCALAR);
  assert_string_equal(v->text, "");
  assert_false(v->quoted);

  assert_null(pl__ymap_get(r, "missing"));
  assert_null(pl__ymap_get(NULL, "name"));
  assert_null(pl__ymap_get(pl__ymap_get(r, "list"), "name"));
  pl__yaml_free(&doc);
  assert_null(doc.root);
  assert_null(doc.arena);
  pl__yaml_free(&doc); /* twice is harmless */
}

static void test_empty_inputs(void **state) {
  (void)state;
  const char *texts[] = {"", "\n\n", "# only a comment\n", "\xef\xbb\xbf"};
  for (size_t k = 0; k < sizeof texts / sizeof *texts; k++) {
    pl__ydoc doc;
    pl_error err;
    assert_int_equal(parse(texts[k], &doc, &err), PL_OK);
    assert_null(doc.root);
    pl__yaml_free(&doc);
  }
  /* an explicit document with no content is an empty plain scalar */
  pl__ydoc doc;
  pl_error err;
  assert_int_equal(parse("---\n...\n", &doc, &err), PL_OK);
  assert_int_equal(doc.root->kind, PL__Y_SCALAR);
  assert_string_equal(doc.root->text, "");
  assert_false(doc.root->quoted);
  pl__yaml_free(&doc);
  /* a length of 0 with a NULL text */
  assert_int_equal(pl__yaml_parse(NULL, 0, "t.yaml", &doc, &err), PL_OK);
  assert_null(doc.root);
  pl__yaml_free(&doc);
}

static void test_refusals(void **state) {
  (void)state;
  refused("a: &x 1\nb: *x\n", PL_EPARSE, 2, 4, "aliases");
  refused("a: 1\n---\nb: 2\n", PL_EPARSE, 2, 1, "second");
  refused("a: 1\nb: 2\na: 3\n", PL_EPARSE, 3, 1,
          "duplicate key \"a\" (first at line 1)");
  refused("m: {x: 1, y: 2, x: 3}\n", PL_EPARSE, 1, 17, "duplicate key \"x\"");
  refused("? [a]\n: 1\n", PL_EPARSE, 1, 3, "mapping keys must be plain");
  refused("{[a]: 1}\n", PL_EPARSE, 1, 2, "mapping keys must be plain");
  refused("a: \"x\\0y\"\n", PL_EPARSE, 1, 4, "NUL character");
  refused("a: [1, 2\nb: 3\n", PL_EPARSE, 2, 2, "at line 1, column 4");
  refused("a:\n\t- 1\n", PL_EPARSE, 2, 1, "tab character");
  refused("a: 1\nb: caf\xc3\n", PL_EPARSE, 2, 7, "not UTF-8");
  refused("a: 1\nb: x\xff\n", PL_EPARSE, 2, 5, "0xFF");
  refused("a: 1\nbc: \xc3\xa9\xe9 \n", PL_EPARSE, 2, 6, "0xE9");
  refused("a: b\x01\n", PL_EPARSE, 1, 5, "control character U+0001");
  refused("key: [unclosed\n", PL_EPARSE, 2, 1, "YAML syntax error");
}

static void test_nesting_limit(void **state) {
  (void)state;
  /* PL__YAML_MAX_DEPTH levels are fine, one more is refused */
  for (int depth = PL__YAML_MAX_DEPTH; depth <= PL__YAML_MAX_DEPTH + 1;
       depth++) {
    char text[512];
    size_t n = 0;
    for (int k = 0; k < depth; k++) text[n++] = '[';
    for (int k = 0; k < depth; k++) text[n++] = ']';
    text[n] = 0;
    pl__ydoc doc;
    pl_error err;
    int rc = parse(text, &doc, &err);
    if (depth <= PL__YAML_MAX_DEPTH) {
      assert_int_equal(rc, PL_OK);
      const pl__ynode *nd = doc.root;
      for (int k = 1; k < depth; k++) nd = nd->items[0];
      assert_int_equal(nd->kind, PL__Y_SEQ);
      assert_int_equal(nd->n, 0);
      pl__yaml_free(&doc);
    } else {
      assert_int_equal(rc, PL_EPARSE);
      assert_int_equal(err.line, 1);
      assert_int_equal(err.column, depth);
      assert_non_null(strstr(err.message, "nesting deeper than 64"));
    }
  }
}

/* 10,000 levels of three kinds of nesting: refused at level 65, quickly. */
static void test_deep_nesting(void **state) {
  (void)state;
  const int levels = 10000;
  const char *open[] = {"[", "{a: ", "- "};
  const char *close[] = {"]", "}", ""};
  for (int kind = 0; kind < 3; kind++) {
    size_t cap = (size_t)levels * 6 + 16, n = 0;
    char *text = malloc(cap);
    assert_non_null(text);
    for (int k = 0; k < levels; k++) {
      memcpy(text + n, open[kind], strlen(open[kind]));
      n += strlen(open[kind]);
    }
    text[n++] = 'x';
    for (int k = 0; k < levels; k++) {
      memcpy(text + n, close[kind], strlen(close[kind]));
      n += strlen(close[kind]);
    }
    text[n++] = '\n';
    pl__ydoc doc;
    pl_error err;
    int rc = pl__yaml_parse(text, n, "deep.yaml", &doc, &err);
    assert_int_equal(rc, PL_EPARSE);
    assert_non_null(strstr(err.message, "nesting deeper than"));
    assert_int_equal(err.line, 1);
    assert_null(doc.arena);
    free(text);
  }
}

/* The classic "billion laughs": refused at its first alias. */
static void test_alias_bomb(void **state) {
  (void)state;
  char text[4096];
  size_t n = 0;
  n += (size_t)snprintf(text + n, sizeof text - n,
                        "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, "
                        "lol, lol]\n");
  for (int k = 1; k < 10; k++)
    n += (size_t)snprintf(text + n, sizeof text - n,
                          "a%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, "
                          "*a%d, *a%d, *a%d, *a%d]\n",
                          k, k, k - 1, k - 1, k - 1, k - 1, k - 1, k - 1,
                          k - 1, k - 1, k - 1, k - 1);
  pl__ydoc doc;
  pl_error err;
  assert_int_equal(pl__yaml_parse(text, n, "bomb.yaml", &doc, &err),
                   PL_EPARSE);
  assert_int_equal(err.line, 2);
  assert_int_equal(err.column, 10);
  assert_non_null(strstr(err.message, "aliases"));
}

static void test_size_limit(void **state) {
  (void)state;
  size_t len = (size_t)PL__YAML_MAX_BYTES + 1;
  char *text = malloc(len);
  assert_non_null(text);
  memset(text, ' ', len);
  pl__ydoc doc;
  pl_error err;
  assert_int_equal(pl__yaml_parse(text, len, "big.yaml", &doc, &err),
                   PL_ETOOBIG);
  assert_non_null(strstr(err.message, "67108865 bytes"));
  assert_null(doc.arena);
  free(text);
}

/* One node more than the limit: a flat list of PL__YAML_MAX_NODES items. */
static void test_node_limit(void **state) {
  (void)state;
  size_t items = PL__YAML_MAX_NODES, len = 2 * items + 2;
  char *text = malloc(len + 1);
  assert_non_null(text);
  text[0] = '[';
  for (size_t k = 0; k < items; k++) {
    text[1 + 2 * k] = '0';
    text[2 + 2 * k] = ',';
  }
  text[len - 2] = ']';
  text[len - 1] = '\n';
  text[len] = 0;
  pl__ydoc doc;
  pl_error err;
  /* list + items = MAX_NODES + 1 */
  int rc = pl__yaml_parse(text, len, "many.yaml", &doc, &err);
  assert_int_equal(rc, PL_ETOOBIG);
  assert_non_null(strstr(err.message, "more than 4000000 YAML nodes"));
  /* one item fewer fits */
  text[len - 4] = ']';
  text[len - 3] = '\n';
  rc = pl__yaml_parse(text, len - 2, "many.yaml", &doc, &err);
  assert_int_equal(rc, PL_OK);
  assert_int_equal(doc.root->n, items - 1);
  pl__yaml_free(&doc);
  free(text);
}

/* Random bytes and random YAML-ish token soup: every input parses or is
 * refused with a place, and nothing leaks (the ASan build checks). */
static void test_random_junk(void **state) {
  (void)state;
  static const char *const tokens[] = {
      "[",  "]",  "{",   "}",  ": ", ", ", "- ",  "\n", "  ", "a",  "1",
      "\"", "'",  "&x ", "*x", "!!str ", "# c", "---", "...", "\t", "?",
      "|",  ">",  "\\0", "%YAML 1.1\n", "\xc3\xa9", "\xff", "key", "0.5"};
  const size_t nt = sizeof tokens / sizeof *tokens;
  uint64_t seed = 0x5eed1234abcdULL;
  char buf[1024];
  for (int it = 0; it < 100000; it++) {
    size_t len = 0;
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    size_t want = (size_t)(seed >> 33) % 400;
    while (len < want) {
      seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
      uint32_t r = (uint32_t)(seed >> 32);
      if (it % 2) {
        buf[len++] = (char)(r & 0xFF); /* raw bytes, NULs included */
      } else {
        const char *t = tokens[r % nt];
        size_t tl = strlen(t);
        if (len + tl >= sizeof buf) break;
        memcpy(buf + len, t, tl);
        len += tl;
      }
    }
    pl__ydoc doc;
    pl_error err;
    memset(&err, 0, sizeof err);
    int rc = pl__yaml_parse(buf, len, "junk.yaml", &doc, &err);
    if (rc == PL_OK) {
      pl__yaml_free(&doc);
      continue;
    }
    if (rc != PL_EPARSE) fail_msg("iteration %d: %s", it, pl_errname(rc));
    assert_null(doc.arena);
    assert_true(err.line >= 1 && err.column >= 1);
    assert_true(err.message[0] != 0);
  }
}

/* Every allocation failure is reported as PL_ENOMEM, with nothing leaked. */
static void test_alloc_failures(void **state) {
  (void)state;
  /* enough nodes for several arena blocks and item arrays */
  size_t cap = 200000, n = 0;
  char *text = malloc(cap);
  assert_non_null(text);
  n += (size_t)snprintf(text + n, cap - n, "root:\n");
  for (int k = 0; k < 300; k++)
    n += (size_t)snprintf(text + n, cap - n,
                          "  k%d: {a: [1, 2, 3], b: {c: d, e: f}}\n", k);
  long failures = 0;
  for (long after = 0;; after++) {
    pl__ydoc doc;
    pl_error err;
    pl__alloc_fail_after(after);
    int rc = pl__yaml_parse(text, n, "t.yaml", &doc, &err);
    pl__alloc_fail_after(-1);
    if (rc == PL_OK) {
      assert_int_equal(doc.root->n, 1);
      assert_int_equal(pl__ymap_get(doc.root, "root")->n, 300);
      pl__yaml_free(&doc);
      break;
    }
    assert_int_equal(rc, PL_ENOMEM);
    assert_null(doc.arena);
    failures++;
    if (after > 100000) fail_msg("no successful parse after %ld", after);
  }
  assert_true(failures > 10);
  free(text);
}

int main(int argc, char **argv) {
  if (argc > 1) cmocka_set_test_filter(argv[1]); /* e.g. test_alias* */
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_tree_shape),
      cmocka_unit_test(test_empty_inputs),
      cmocka_unit_test(test_refusals),
      cmocka_unit_test(test_nesting_limit),
      cmocka_unit_test(test_deep_nesting),
      cmocka_unit_test(test_alias_bomb),
      cmocka_unit_test(test_size_limit),
      cmocka_unit_test(test_node_limit),
      cmocka_unit_test(test_random_junk),
      cmocka_unit_test(test_alloc_failures),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
