/* Verifiable records (src/records/, docs/records.md): the test vector of
 * the format, signing and verifying a 1,000-event transcript, every kind
 * of tampering detected and located, forged signatures, withheld entries,
 * key files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "records/records_internal.h"
#include "testutil.h"

/* docs/records.md, "A test vector" */
#define VECTOR_PUBLIC                                                         \
  "parley-key usa "                                                           \
  "ed25519:03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8"
#define VECTOR_COMMITMENT                                                     \
  "708924982ec2f1e075c1e2adfcff86258058599836ff8fc380253e6ffbc3b85c"
#define VECTOR_SIG                                                            \
  "da521267323924d4632d5cf88eec03896f56aab9f4e4a6d4409fe7faf0f009a29aa3300e5" \
  "4567d649ec2d82db86bd650a90958969570d47bc073ed2fef932c06"
#define VECTOR_LINK                                                           \
  "c7faab26376abe56e01d1120d9c253d298abb2b0577b01e122fe9be2fd1b67f5"

static const char yaml[] =
    "scenario: deal\n"
    "issues:\n"
    "  - id: price\n"
    "    options: [low, mid, high]\n"
    "  - id: delivery\n"
    "    options: [fast, slow]\n"
    "parties:\n"
    "  - id: buyer\n"
    "    weights: {price: 2, delivery: 1}\n"
    "    values:\n"
    "      price: {low: 1, mid: 0.5, high: 0}\n"
    "      delivery: {fast: 1, slow: 0}\n"
    "  - id: seller\n"
    "    weights: {price: 3, delivery: 1}\n"
    "    values:\n"
    "      price: {low: 0, mid: 0.6, high: 1}\n"
    "      delivery: {fast: 0.2, slow: 1}\n";

static pl_key *seeded(const char *party, uint8_t first) {
  uint8_t seed[32];
  for (int k = 0; k < 32; k++) seed[k] = (uint8_t)(first + k);
  pl_key *key = NULL;
  assert_int_equal(pl_key_from_seed(party, seed, &key, NULL), PL_OK);
  return key;
}

typedef struct fixture {
  pl_scenario *s;
  pl_key *keys[2];
  char *text; /* the signed record of a 1,001-event negotiation */
  pl_record *r;
} fixture;

static fixture F;

static int setup(void **state) {
  (void)state;
  assert_int_equal(pl_scenario_load_yaml(yaml, strlen(yaml), "deal.yaml",
                                         &F.s, NULL),
                   PL_OK);
  F.keys[0] = seeded("buyer", 1);
  F.keys[1] = seeded("seller", 101);
  pl_session_options o;
  pl_session_options_init(&o);
  o.rounds = 500; /* hardliners never agree: 1,000 offers and the end */
  const char *agents[] = {"hardliner", "hardliner"};
  pl_session *x = NULL;
  assert_int_equal(pl_session_new(F.s, &o, agents, &x, NULL), PL_OK);
  while (pl_session_step(x) == PL_SESSION_RUNNING) {
  }
  assert_int_equal(pl_session_event_count(x), 1001);
  pl_record *r = NULL;
  assert_int_equal(pl_record_sign_session(x, F.s, &o, agents,
                                          (const pl_key *const *)F.keys, NULL,
                                          &r, NULL),
                   PL_OK);
  F.text = pl_record_to_text(r);
  assert_non_null(F.text);
  pl_record_free(r);
  pl_session_free(x);
  assert_int_equal(pl_record_parse(F.text, strlen(F.text), "rec", &F.r, NULL),
                   PL_OK);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  pl_record_free(F.r);
  pl_free(F.text);
  pl_key_free(F.keys[0]);
  pl_key_free(F.keys[1]);
  pl_scenario_free(F.s);
  return 0;
}

static pl_verdict *verify_text(const char *text, int fast) {
  pl_record *r = NULL;
  assert_int_equal(pl_record_parse(text, strlen(text), "t", &r, NULL), PL_OK);
  pl_verify_options o;
  pl_verify_options_init(&o);
  o.fast = fast;
  pl_verdict *v = NULL;
  assert_int_equal(pl_record_verify(r, &o, &v, NULL), PL_OK);
  pl_record_free(r);
  return v;
}

/* Some flaw is on line `line` (1-based). */
static int flaw_on(const pl_verdict *v, size_t line) {
  for (size_t i = 0; i < pl_verdict_flaw_count(v); i++)
    if (pl_verdict_flaw(v, i)->line == line) return 1;
  return 0;
}

static void dump(const pl_verdict *v) {
  for (size_t i = 0; i < pl_verdict_flaw_count(v) && i < 5; i++)
    print_message("  %s line %zu: %s\n",
                  pl_flaw_name(pl_verdict_flaw(v, i)->kind),
                  pl_verdict_flaw(v, i)->line, pl_verdict_flaw(v, i)->detail);
}

/* docs/records.md's test vector, worked by hand there with b2sum. */
static void test_vector(void **state) {
  (void)state;
  pl_key *k = seeded("usa", 0);
  rec_line l;
  memset(&l, 0, sizeof l);
  l.kind = REC_ENTRY;
  l.n = 1;
  memset(l.prevb, 0, PL__HASH);
  strcpy(l.signer, "usa");
  strcpy(l.event, "comment");
  memset(l.salt, 0xaa, sizeof l.salt);
  char body[] = "{\"round\":1,\"event\":\"comment\",\"party\":\"usa\"}";
  l.body = body;
  l.body_len = strlen(body);
  pl__commit(&l, l.commit);
  char hex[PL__SIGHEX + 1], pre[512];
  pl__hex(hex, l.commit, PL__HASH);
  assert_string_equal(hex, VECTOR_COMMITMENT);
  size_t n = pl__preimage(&l, pre);
  assert_int_equal(pl__sign_entry(&l, k), 0);
  pl__hex(hex, l.sig, 64);
  assert_string_equal(hex, VECTOR_SIG);
  pl__link(&l, pre, n, l.link);
  pl__hex(hex, l.link, PL__HASH);
  assert_string_equal(hex, VECTOR_LINK);
  char *pub = pl_key_public_text(k);
  assert_string_equal(pub, VECTOR_PUBLIC);
  pl_free(pub);
  pl_key_free(k);
}

static void test_intact(void **state) {
  (void)state;
  assert_int_equal(pl_record_entry_count(F.r), 1002);
  char *again = pl_record_to_text(F.r);
  assert_string_equal(again, F.text); /* reading and writing: the same */
  pl_free(again);
  for (int fast = 0; fast < 2; fast++) {
    pl_verdict *v = verify_text(F.text, fast);
    dump(v);
    assert_true(pl_verdict_ok(v));
    assert_int_equal(pl_verdict_entries(v), 1002);
    assert_int_equal(pl_verdict_withheld_count(v), 0);
    /* fast: each signer's latest signature (engine, buyer, seller) */
    assert_int_equal(pl_verdict_signatures_checked(v), fast ? 3 : 1002);
    pl_verdict_free(v);
  }
}

/* A variant of F.r with line j (0-based) replaced by text[0..len): the
 * other lines are shared, not parsed again (free with variant_free). */
static pl_record *variant(size_t j, const char *text, size_t len) {
  pl_record *v = calloc(1, sizeof *v);
  assert_non_null(v);
  v->n = v->cap = F.r->n;
  v->lines = malloc(v->n * sizeof *v->lines);
  assert_non_null(v->lines);
  memcpy(v->lines, F.r->lines, v->n * sizeof *v->lines);
  pl__parse_line(text, len, &v->lines[j]);
  v->lines[j].line = j + 1;
  return v;
}

static void variant_free(pl_record *v, size_t j) {
  pl__free(v->lines[j].body);
  free(v->lines);
  free(v);
}

static int memcmp_32(const void *a, const void *b) { return memcmp(a, b, 32); }

/* Single-byte changes of the record are detected and located on their
 * line. Each variant is checked against the other lines' verified links
 * (a variant costs one line's parse and signature checks, not the whole
 * record's). Every byte of every line of each kind: the header, the
 * genesis, the first three and the last three event lines, and every byte
 * of one event line in `stride` (50; 400 under the sanitizers), each
 * changed to one other value (the bit flipped turns with the position, so
 * hex digits become other hex digits, upper case, or no hex); and in one
 * event line, all 255 other values of one byte in 7 (plain build) or 60
 * (sanitizers). PL_TEST_EXHAUSTIVE=1 in the environment takes every byte
 * of every line with stride 1 (minutes; not in ctest). */
static void test_every_byte(void **state) {
  (void)state;
  size_t nl = F.r->n;
  uint8_t(*known)[32] = malloc(nl * sizeof *known);
  assert_non_null(known);
  size_t nk = 0;
  for (size_t j = 0; j < nl; j++)
    if (F.r->lines[j].kind == REC_ENTRY) memcpy(known[nk++], F.r->lines[j].link, 32);
  qsort(known, nk, 32, memcmp_32);
  pl_verify_options o;
  pl_verify_options_init(&o);
  o.fast = 1;
  const char *p = F.text;
  size_t checked = 0;
#ifdef PL_TEST_SANITIZED
  size_t stride = 400, every = 60;
#else
  size_t stride = 50, every = 7;
#endif
  const char *ex = getenv("PL_TEST_EXHAUSTIVE");
  if (ex && !strcmp(ex, "1")) stride = 1;
  for (size_t j = 0; j < nl; j++) {
    const char *e = strchr(p, '\n');
    size_t len = (size_t)(e - p);
    int all = j < 5 || j + 3 >= nl || j % stride == 0;
    int every_value = j == 501;
    char *buf = malloc(len + 2);
    assert_non_null(buf);
    for (size_t b = 0; b <= len; b++) { /* b == len: the newline */
      int values = every_value && b % every == 0 ? 255 : 1;
      if (!all && values == 1) continue;
      for (int t = 1; t <= values; t++) {
        memcpy(buf, p, len);
        buf[len] = '\n';
        uint8_t old = (uint8_t)buf[b];
        buf[b] = (char)(values == 1 ? old ^ (1u << (b % 7)) : old ^ (unsigned)t);
        /* a changed newline joins this line to the next: parse both */
        pl_record *v;
        pl_verdict *vd = NULL;
        if (b == len && j + 1 < nl) {
          const char *e2 = strchr(e + 1, '\n');
          size_t len2 = (size_t)(e2 - p);
          char *joined = malloc(len2 + 1);
          memcpy(joined, p, len2);
          joined[len] = buf[len];
          v = variant(j, joined, len2);
          free(joined);
          /* drop line j + 1 */
          memmove(&v->lines[j + 1], &v->lines[j + 2],
                  (v->n - j - 2) * sizeof *v->lines);
          v->n--;
          for (size_t q = j + 1; q < v->n; q++) v->lines[q].line = q + 1;
        } else {
          v = variant(j, buf, b == len ? len + 1 : len);
        }
        assert_int_equal(pl__record_verify_known(v, &o, (const uint8_t(*)[32])known,
                                                 nk, &vd, NULL),
                         PL_OK);
        if (pl_verdict_ok(vd) || !flaw_on(vd, j + 1)) {
          dump(vd);
          fail_msg("line %zu, byte %zu: %02x -> %02x not located", j + 1, b,
                   old, (uint8_t)buf[b]);
        }
        pl_verdict_free(vd);
        variant_free(v, j);
        checked++;
      }
    }
    free(buf);
    p = e + 1;
  }
  print_message("single-byte changes checked: %zu\n", checked);
  free(known);
}

/* A variant of F.r built from its lines: order[k] is the index of the
 * base line at position k (shared, not copied). */
static pl_verdict *verify_order(const size_t *order, size_t n, int fast) {
  pl_record v = {0};
  v.n = v.cap = n;
  v.lines = malloc(n * sizeof *v.lines);
  assert_non_null(v.lines);
  for (size_t k = 0; k < n; k++) {
    v.lines[k] = F.r->lines[order[k]];
    v.lines[k].line = k + 1;
  }
  pl_verify_options o;
  pl_verify_options_init(&o);
  o.fast = fast;
  pl_verdict *vd = NULL;
  assert_int_equal(pl_record_verify(&v, &o, &vd, NULL), PL_OK);
  free(v.lines);
  return vd;
}

static int has_kind(const pl_verdict *v, pl_flaw_kind k, size_t line) {
  for (size_t i = 0; i < pl_verdict_flaw_count(v); i++)
    if (pl_verdict_flaw(v, i)->kind == k &&
        (!line || pl_verdict_flaw(v, i)->line == line))
      return 1;
  return 0;
}

/* Every deletion, duplication and transposition of event lines. The fast
 * mode everywhere; the full one (every signature) on one line in 50. */
static void test_every_line(void **state) {
  (void)state;
  size_t n = F.r->n, *order = malloc((n + 1) * sizeof *order);
  assert_non_null(order);
  size_t checked = 0;
  for (size_t j = 2; j < n; j++) { /* the event lines (after the genesis) */
    for (int fast = 1; fast >= (j % 50 == 0 ? 0 : 1); fast--) {
      /* deletion: the next line says what is missing; the end: truncated */
      size_t m = 0;
      for (size_t k = 0; k < n; k++)
        if (k != j) order[m++] = k;
      pl_verdict *v = verify_order(order, m, fast);
      int ok = j + 1 < n ? has_kind(v, PL_FLAW_DROPPED, j + 1)
                         : has_kind(v, PL_FLAW_TRUNCATED, j);
      if (!ok) {
        dump(v);
        fail_msg("deleting line %zu: not located", j + 1);
      }
      pl_verdict_free(v);
      /* duplication: the copy, right after it */
      m = 0;
      for (size_t k = 0; k < n; k++) {
        order[m++] = k;
        if (k == j) order[m++] = k;
      }
      v = verify_order(order, m, fast);
      if (!has_kind(v, PL_FLAW_DUPLICATED, j + 2)) {
        dump(v);
        fail_msg("duplicating line %zu: not located", j + 1);
      }
      pl_verdict_free(v);
      /* transposition with the next line */
      if (j + 1 < n) {
        for (size_t k = 0; k < n; k++) order[k] = k;
        order[j] = j + 1;
        order[j + 1] = j;
        v = verify_order(order, n, fast);
        if (!has_kind(v, PL_FLAW_REORDERED, j + 1)) {
          dump(v);
          fail_msg("swapping lines %zu and %zu: not located", j + 1, j + 2);
        }
        pl_verdict_free(v);
      }
      checked += 3;
    }
  }
  /* an entry from another record of the same keys: inserted */
  print_message("deletions, duplications, transpositions checked: %zu\n",
                checked);
  free(order);
}

/* Line j (0-based) of text in a new string, with its newline. */
static char *line_of(const char *text, size_t j) {
  const char *p = text;
  for (size_t k = 0; k < j; k++) p = strchr(p, '\n') + 1;
  const char *e = strchr(p, '\n');
  char *s = malloc((size_t)(e - p) + 2);
  memcpy(s, p, (size_t)(e - p) + 1);
  s[e - p + 1] = 0;
  return s;
}

/* text with line j (0-based) replaced by `with` (a whole line). */
static char *replace_line(const char *text, size_t j, const char *with) {
  const char *p = text;
  for (size_t k = 0; k < j; k++) p = strchr(p, '\n') + 1;
  const char *e = strchr(p, '\n') + 1;
  size_t a = (size_t)(p - text), w = strlen(with), rest = strlen(e);
  char *s = malloc(a + w + rest + 1);
  memcpy(s, text, a);
  memcpy(s + a, with, w);
  memcpy(s + a + w, e, rest + 1);
  return s;
}

/* Re-signs entry line j of F.text with key k (keeping its signer). */
static char *resigned(size_t j, const pl_key *k, const char *new_body) {
  char *ln = line_of(F.text, j);
  rec_line l;
  pl__parse_line(ln, strlen(ln) - 1, &l);
  assert_int_equal(l.kind, REC_ENTRY);
  if (new_body) {
    pl__free(l.body);
    l.body = pl__strdup(new_body);
    l.body_len = strlen(new_body);
    pl__commit(&l, l.commit);
  }
  assert_int_equal(pl__sign_entry(&l, k), 0);
  pl__rbuf b = {0};
  assert_int_equal(pl__format_line(&b, &l), 0);
  char *out = replace_line(F.text, j, b.p);
  pl__free(b.p);
  pl__free(l.body);
  free(ln);
  return out;
}

static void test_forged(void **state) {
  (void)state;
  /* line 4 is entry 2, the seller's (entries alternate buyer, seller) */
  size_t j = 3;
  char *ln = line_of(F.text, j);
  assert_non_null(strstr(ln, "\"signer\":\"seller\""));
  free(ln);
  /* signed with the buyer's key, still claiming the seller */
  char *t = resigned(j, F.keys[0], NULL);
  pl_verdict *v = verify_text(t, 0);
  assert_false(pl_verdict_ok(v));
  assert_true(has_kind(v, PL_FLAW_WRONG_KEY, j + 1));
  assert_non_null(strstr(pl_verdict_flaw(v, 0)->detail, "'buyer'"));
  pl_verdict_free(v);
  free(t);
  /* a forger's own key with the right key id: altered */
  pl_key *forger = seeded("seller", 200);
  t = resigned(j, forger, NULL);
  for (int fast = 0; fast < 2; fast++) {
    v = verify_text(t, fast);
    assert_false(pl_verdict_ok(v));
    assert_true(has_kind(v, PL_FLAW_ALTERED, j + 1));
    pl_verdict_free(v);
  }
  free(t);
  /* a changed body, re-signed by the forger as 'seller' */
  t = resigned(j, forger,
               "{\"round\":2,\"time\":0,\"event\":\"offer\",\"party\":"
               "\"seller\",\"outcome\":{\"price\":\"low\"}}");
  v = verify_text(t, 1);
  assert_false(pl_verdict_ok(v));
  assert_true(has_kind(v, PL_FLAW_ALTERED, j + 1));
  pl_verdict_free(v);
  free(t);
  pl_key_free(forger);
  /* the whole record forged with other keys: only a trusted key shows it */
  pl_key *fake[2] = {seeded("buyer", 50), seeded("seller", 150)};
  pl_session_options o;
  pl_session_options_init(&o);
  o.rounds = 2;
  const char *agents[] = {"hardliner", "hardliner"};
  pl_session *x = NULL;
  assert_int_equal(pl_session_new(F.s, &o, agents, &x, NULL), PL_OK);
  while (pl_session_step(x) == PL_SESSION_RUNNING) {
  }
  pl_record *r = NULL;
  assert_int_equal(pl_record_sign_session(x, F.s, &o, agents,
                                          (const pl_key *const *)fake, NULL,
                                          &r, NULL),
                   PL_OK);
  pl_verify_options vo;
  pl_verify_options_init(&vo);
  assert_int_equal(pl_record_verify(r, &vo, &v, NULL), PL_OK);
  assert_true(pl_verdict_ok(v));
  pl_verdict_free(v);
  vo.trusted = (const pl_key *const *)F.keys;
  vo.n_trusted = 2;
  assert_int_equal(pl_record_verify(r, &vo, &v, NULL), PL_OK);
  assert_false(pl_verdict_ok(v));
  assert_true(has_kind(v, PL_FLAW_KEY, 0));
  pl_verdict_free(v);
  pl_record_free(r);
  pl_session_free(x);
  pl_key_free(fake[0]);
  pl_key_free(fake[1]);
}

static void test_withheld(void **state) {
  (void)state;
  pl_record *r = NULL;
  assert_int_equal(pl_record_parse(F.text, strlen(F.text), "t", &r, NULL),
                   PL_OK);
  pl_withhold w;
  pl_withhold_init(&w);
  w.party = "buyer";
  size_t n = 0;
  pl_error err;
  /* nobody's key: refused, nothing changed */
  assert_int_equal(pl_record_publish(r, &w, 1, 0, NULL, &n, &err), PL_EINVAL);
  assert_non_null(pl_record_entry_body(r, 1));
  /* the genesis cannot be withheld */
  pl_withhold g;
  pl_withhold_init(&g);
  g.event_index = 0;
  assert_int_equal(pl_record_publish(r, &g, 1, 0, F.keys[1], &n, &err),
                   PL_EINVAL);
  assert_int_equal(pl_record_publish(r, &w, 1, 1, F.keys[1], &n, &err), PL_OK);
  assert_int_equal(n, 500);
  assert_null(pl_record_entry_body(r, 1));
  assert_non_null(pl_record_entry_body(r, 2));
  char *t = pl_record_to_text(r);
  pl_record_free(r);
  for (int fast = 0; fast < 2; fast++) {
    pl_verdict *v = verify_text(t, fast);
    dump(v);
    assert_true(pl_verdict_ok(v));
    assert_false(pl_verdict_has_scenario(v));
    assert_int_equal(pl_verdict_withheld_count(v), 500);
    const pl_withheld *x = pl_verdict_withheld(v, 0);
    assert_int_equal(x->entry, 1);
    assert_string_equal(x->signer, "buyer");
    assert_string_equal(x->event, "offer");
    assert_string_equal(x->by, "seller");
    pl_verdict_free(v);
  }
  /* without the statement (the last line): withheld by nobody */
  char *cut = strdup(t);
  cut[strlen(cut) - 1] = 0;
  *(strrchr(cut, '\n') + 1) = 0;
  pl_verdict *v = verify_text(cut, 0);
  assert_false(pl_verdict_ok(v));
  assert_true(has_kind(v, PL_FLAW_WITHHELD, 3));
  assert_null(pl_verdict_withheld(v, 0)->by);
  pl_verdict_free(v);
  free(cut);
  /* a changed commitment */
  char *c = strdup(t), *at = strstr(c, "\"commitment\":\"") + 14;
  *at = *at == '0' ? '1' : '0';
  v = verify_text(c, 1);
  assert_false(pl_verdict_ok(v));
  assert_true(has_kind(v, PL_FLAW_ALTERED, 3));
  pl_verdict_free(v);
  free(c);
  pl_free(t);
}

static void test_keys(void **state) {
  (void)state;
  char dir[] = "/tmp/pl_test_keys_XXXXXX", path[128], warning[256];
  assert_non_null(mkdtemp(dir));
  snprintf(path, sizeof path, "%s/k", dir);
  pl_key *k = NULL, *back = NULL;
  assert_int_equal(pl_key_generate("nato", &k, NULL), PL_OK);
  assert_int_equal(pl_key_save(k, path, NULL), PL_OK);
  struct stat st;
  assert_int_equal(stat(path, &st), 0);
  assert_int_equal(st.st_mode & 0777, 0600);
  assert_int_equal(pl_key_save(k, path, NULL), PL_EEXIST); /* never replaced */
  assert_int_equal(pl_key_load(path, &back, warning, NULL), PL_OK);
  assert_string_equal(warning, "");
  assert_true(pl_key_can_sign(back));
  assert_memory_equal(back->pk, k->pk, 32);
  pl_key_free(back);
  chmod(path, 0644);
  assert_int_equal(pl_key_load(path, &back, warning, NULL), PL_OK);
  assert_non_null(strstr(warning, "0644"));
  pl_key_free(back);
  /* the public line reads back, and cannot sign */
  char *pub = pl_key_public_text(k);
  assert_int_equal(pl_key_parse_public(pub, &back, NULL), PL_OK);
  assert_false(pl_key_can_sign(back));
  assert_memory_equal(back->pk, k->pk, 32);
  pl_key_free(back);
  pl_free(pub);
  pl_error err;
  assert_int_equal(pl_key_parse_public("parley-key x ed25519:zz", &back, &err),
                   PL_EPARSE);
  assert_int_equal(pl_key_generate("no spaces", &back, &err), PL_EINVAL);
  unlink(path);
  rmdir(dir);
  pl_key_free(k);
}

static void test_not_a_record(void **state) {
  (void)state;
  pl_record *r = NULL;
  pl_error err;
  assert_int_equal(pl_record_parse("hello\n", 6, "x.txt", &r, &err), PL_EPARSE);
  assert_null(r);
  assert_string_equal(err.file, "x.txt");
  assert_int_equal(pl_record_parse("", 0, "x.txt", &r, &err), PL_EPARSE);
  /* many short lines after a record: more lines than the reader's first
   * estimate (a line per 256 bytes), each reported at its line */
  size_t n = strlen(F.text), extra = 5000;
  char *t = malloc(n + 2 * extra + 2);
  assert_non_null(t);
  memcpy(t, F.text, n);
  for (size_t k = 0; k < extra; k++) memcpy(t + n + 2 * k, "x\n", 2);
  memcpy(t + n + 2 * extra, "}", 2); /* the last line without newline */
  pl_verdict *v = verify_text(t, 1);
  size_t lines = pl_record_entry_count(F.r) + 1;
  assert_int_equal(pl_verdict_flaw_count(v), extra + 1);
  assert_int_equal(pl_verdict_flaw(v, 0)->line, lines + 1);
  assert_int_equal(pl_verdict_flaw(v, extra)->line, lines + extra + 1);
  assert_non_null(strstr(pl_verdict_flaw(v, extra)->detail, "not a record line"));
  pl_verdict_free(v);
  /* the record without its last newline */
  memcpy(t, F.text, n);
  t[n - 1] = 0;
  v = verify_text(t, 1);
  assert_true(has_kind(v, PL_FLAW_MALFORMED, lines));
  assert_non_null(strstr(pl_verdict_flaw(v, 0)->detail, "the last line has no newline"));
  pl_verdict_free(v);
  free(t);
}

/* Checkpoints (pl_record_sign_session_every): each signer signs only its
 * every-th entry and its last; the record verifies in both modes, and a
 * change to an unsigned entry, or a checkpoint without its signature, is
 * still found. */
static void test_checkpoints(void **state) {
  (void)state;
  pl_session_options o;
  pl_session_options_init(&o);
  o.rounds = 500;
  const char *agents[] = {"hardliner", "hardliner"};
  pl_session *x = NULL;
  assert_int_equal(pl_session_new(F.s, &o, agents, &x, NULL), PL_OK);
  while (pl_session_step(x) == PL_SESSION_RUNNING) {
  }
  static const uint32_t every[] = {0, 7};
  for (size_t t = 0; t < 2; t++) {
    pl_record *r = NULL;
    assert_int_equal(pl_record_sign_session_every(
                         x, F.s, &o, agents, (const pl_key *const *)F.keys,
                         NULL, every[t], &r, NULL),
                     PL_OK);
    char *text = pl_record_to_text(r);
    pl_record_free(r);
    /* buyer 500 offers, seller 500, the engine the genesis and the end */
    size_t sigs = every[t] ? 2 * (500 / 7) + 2 + 1 : 3;
    for (int fast = 0; fast < 2; fast++) {
      pl_verdict *v = verify_text(text, fast);
      dump(v);
      assert_true(pl_verdict_ok(v));
      assert_int_equal(pl_verdict_entries(v), 1002);
      if (!fast) assert_int_equal(pl_verdict_signatures_checked(v), sigs);
      pl_verdict_free(v);
    }
    /* one byte of the body of unsigned entries, every 37th line */
    size_t nlines = pl_record_entry_count(F.r) + 1;
    for (size_t j = 2; j < nlines; j += 37) {
      char *line = line_of(text, j);
      if (strstr(line, "\"sig\"")) {
        free(line);
        continue;
      }
      char *body = strstr(line, "\"body\":\"");
      assert_non_null(body);
      body[12] ^= 1;
      char *changed = replace_line(text, j, line);
      for (int fast = 0; fast < 2; fast++) {
        pl_verdict *v = verify_text(changed, fast);
        assert_false(pl_verdict_ok(v));
        assert_true(flaw_on(v, j + 1) || flaw_on(v, j + 2));
        pl_verdict_free(v);
      }
      free(changed);
      free(line);
    }
    /* a checkpoint without its signature */
    for (size_t j = nlines - 1; j > 1; j--) {
      char *line = line_of(text, j);
      char *sig = strstr(line, ",\"sig\":");
      if (!sig) {
        free(line);
        continue;
      }
      strcpy(sig, "}\n");
      char *changed = replace_line(text, j, line);
      pl_verdict *v = verify_text(changed, 1);
      assert_false(pl_verdict_ok(v));
      assert_true(has_kind(v, PL_FLAW_UNSIGNED, j + 1));
      pl_verdict_free(v);
      free(changed);
      free(line);
      break;
    }
    pl_free(text);
  }
  pl_session_free(x);
}

/* The body scanner of full verification against jansson, which it stands
 * in for: on realistic bodies and every single-byte change, deletion and
 * duplication of them, whatever the scanner reads jansson reads the same
 * (and the realistic bodies take the fast path). */
static void scan_agrees(const char *b, size_t n) {
  pl__event_fields f;
  if (!pl__event_fields_scan(b, n, &f)) return; /* deferred: jansson decides */
  json_t *j = json_loadb(b, n, JSON_REJECT_DUPLICATES, NULL);
  if (!j) fprintf(stderr, "scanner accepted what jansson rejects: %.*s\n",
                  (int)n, b);
  assert_non_null(j);
  const char *ev = json_string_value(json_object_get(j, "event"));
  json_t *party = json_object_get(j, "party");
  assert_int_equal(!ev, !f.event);
  if (ev) {
    assert_int_equal(strlen(ev), f.event_len);
    assert_memory_equal(ev, f.event, f.event_len);
  }
  pl__party_kind want = json_is_string(party) ? PL__PARTY_STRING
                        : json_is_null(party) ? PL__PARTY_NULL
                        : party               ? PL__PARTY_OTHER
                                              : PL__PARTY_ABSENT;
  assert_int_equal(f.party_kind, want);
  if (want == PL__PARTY_STRING) {
    assert_int_equal(strlen(json_string_value(party)), f.party_len);
    assert_memory_equal(json_string_value(party), f.party, f.party_len);
  }
  json_decref(j);
}

static void test_body_scan(void **state) {
  (void)state;
  static const char *const bodies[] = {
      "{\"round\":2,\"time\":2e-06,\"event\":\"offer\",\"party\":\"buyer\","
      "\"outcome\":{\"Price\":\"$4.37\",\"Delivery\":\"45 days\"},"
      "\"utilities\":[1.0,0.21221217392645159]}",
      "{\"round\":1,\"event\":\"comment\",\"party\":\"usa\",\"text\":\"a "
      "\\\"b\\\" \\n c\",\"articles\":[[1,-2.5E+3],{},[],true,false,null]}",
      "{\"round\":3,\"event\":\"end\",\"party\":null,\"reason\":\"deadline\","
      "\"agreement\":null}",
      " { \"event\" : \"accept\" , \"party\" : \"seller\" } ",
      "{\"event\":\"offer\",\"party\":\"a\",\"x\":{\"y\":{\"z\":[0,-0,12345678"
      "9012345678]}}}",
  };
  static const char subst[] = "\"\\{}[],:09-+eE. nxtu\t/";
  for (size_t k = 0; k < sizeof bodies / sizeof *bodies; k++) {
    const char *b = bodies[k];
    size_t n = strlen(b);
    pl__event_fields f;
    assert_true(pl__event_fields_scan(b, n, &f));
    scan_agrees(b, n);
    char *m = malloc(n + 2);
    assert_non_null(m);
    for (size_t i = 0; i < n; i++) {
      for (size_t c = 0; c < sizeof subst; c++) { /* includes NUL */
        memcpy(m, b, n);
        m[i] = subst[c];
        scan_agrees(m, n);
      }
      memcpy(m, b, n);
      m[i] = (char)0xc3;
      scan_agrees(m, n);
      memcpy(m, b, i); /* deleted */
      memcpy(m + i, b + i + 1, n - i - 1);
      scan_agrees(m, n - 1);
      memcpy(m, b, i + 1); /* duplicated */
      memcpy(m + i + 1, b + i, n - i);
      scan_agrees(m, n + 1);
    }
    free(m);
  }
}

/* Full mode's body check (docs/records.md, "Verifying", item 8), on the
 * scanner's path and on jansson's (escapes, non-ASCII): each body, signed
 * by the entry's own key, is located at its line with its reason. */
static void test_body_check(void **state) {
  (void)state;
  size_t j = 3; /* entry 2, the seller's offer */
  static const struct {
    const char *body;
    pl_flaw_kind kind;
    const char *detail;
  } cases[] = {
      {"{\"round\":2,\"event\":\"accept\",\"party\":\"seller\"}",
       PL_FLAW_ALTERED, "its body is a 'accept' event but the entry says 'offer'"},
      {"{\"round\":2,\"event\":\"acc\\u0065pt\",\"party\":\"seller\"}",
       PL_FLAW_ALTERED, "its body is a 'accept' event but the entry says 'offer'"},
      {"{\"round\":2,\"event\":\"offer\",\"party\":\"buyer\"}",
       PL_FLAW_WRONG_KEY, "made by 'buyer', so signed by 'buyer', but signed by 'seller'"},
      {"{\"round\":2,\"event\":\"offer\",\"party\":\"\\u0062uyer\",\"t\":\"\xc3\xa9\"}",
       PL_FLAW_WRONG_KEY, "made by 'buyer', so signed by 'buyer', but signed by 'seller'"},
      {"{\"round\":2,\"event\":\"offer\",\"party\":null}", PL_FLAW_WRONG_KEY,
       "made by 'the engine', so signed by 'engine', but signed by 'seller'"},
      {"{\"round\":2,\"event\":\"offer\",\"party\":\"mallory\"}", PL_FLAW_WRONG_KEY,
       "made by 'mallory', so signed by 'engine', but signed by 'seller'"},
      {"{\"round\":2,\"event\":\"offer\",\"party\":\"seller\"", PL_FLAW_MALFORMED,
       "its body is no transcript event"},
      {"{\"event\":\"offer\",\"party\":\"seller\",\"party\":\"seller\"}",
       PL_FLAW_MALFORMED, "its body is no transcript event"},
      {"{\"event\":\"offer\",\"party\":7}", PL_FLAW_MALFORMED,
       "its body is no transcript event"},
      {"{\"party\":\"seller\"}", PL_FLAW_MALFORMED,
       "its body is no transcript event"},
  };
  for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
    char *t = resigned(j, F.keys[1], cases[k].body);
    pl_verdict *v = verify_text(t, 0);
    int found = 0;
    for (size_t i = 0; i < pl_verdict_flaw_count(v); i++) {
      const pl_flaw *f = pl_verdict_flaw(v, i);
      found |= f->line == j + 1 && f->kind == cases[k].kind &&
               strstr(f->detail, cases[k].detail) != NULL;
    }
    if (!found) {
      print_message("case %zu: %s\n", k, cases[k].body);
      dump(v);
    }
    assert_true(found);
    pl_verdict_free(v);
    free(t);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_vector),     cmocka_unit_test(test_intact),
      cmocka_unit_test(test_every_byte), cmocka_unit_test(test_every_line),
      cmocka_unit_test(test_forged),     cmocka_unit_test(test_withheld),
      cmocka_unit_test(test_keys),       cmocka_unit_test(test_not_a_record),
      cmocka_unit_test(test_checkpoints), cmocka_unit_test(test_body_scan),
      cmocka_unit_test(test_body_check),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
