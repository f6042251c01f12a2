/* The two members of a transcript event's body that full verification
 * compares with its entry (docs/records.md, "Verifying", item 8), read
 * without building a JSON tree: a million-entry bundle spent most of its
 * full verification in jansson (bench_records). The scanner accepts only a
 * subset of JSON (RFC 8259) that jansson, as verify.c calls it
 * (json_loadb with JSON_REJECT_DUPLICATES), reads to the same values; for
 * anything else it defers, and the caller asks jansson. Deferring is always
 * correct, only slower. */
#include <string.h>

#include "records/records_internal.h"

#define DEPTH 16 /* deeper: defer (jansson allows 2048) */
#define KEYS 32  /* members per object whose keys are compared; more: defer */

typedef struct scan {
  const unsigned char *p, *e;
  int depth;
  /* the keys of the objects open at each depth, for duplicates */
  const unsigned char *key[DEPTH][KEYS];
  size_t keylen[DEPTH][KEYS];
  int nkeys[DEPTH];
} scan;

static void ws(scan *s) {
  while (s->p < s->e &&
         (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
    s->p++;
}

/* A string of printable ASCII; escapes other than \u allowed unless raw
 * (keys, and the values read: compared as bytes). *a, *n: its content. */
static bool str(scan *s, bool raw, const unsigned char **a, size_t *n) {
  if (s->p >= s->e || *s->p != '"') return false;
  const unsigned char *q = ++s->p;
  for (;;) {
    if (q >= s->e) return false;
    unsigned char ch = *q;
    if (ch == '"') break;
    if (ch < 0x20 || ch >= 0x80) return false; /* control bytes, UTF-8 */
    if (ch == '\\') {
      if (raw || q + 1 >= s->e || !strchr("\"\\/bfnrt", q[1]) || !q[1])
        return false;
      q += 2;
    } else {
      q++;
    }
  }
  *a = s->p;
  *n = (size_t)(q - s->p);
  s->p = q + 1;
  return true;
}

static bool digits(scan *s, size_t *n) {
  const unsigned char *q = s->p;
  while (s->p < s->e && *s->p >= '0' && *s->p <= '9') s->p++;
  *n = (size_t)(s->p - q);
  return *n > 0;
}

/* A number jansson reads without overflow: integers of at most 18 digits,
 * reals with at most 40 integer digits and an exponent of at most 2. */
static bool number(scan *s) {
  if (s->p < s->e && *s->p == '-') s->p++;
  size_t ni, nf, ne;
  if (s->p < s->e && *s->p == '0') {
    s->p++;
    ni = 1;
  } else if (!digits(s, &ni)) {
    return false;
  }
  bool real = false;
  if (s->p < s->e && *s->p == '.') {
    s->p++;
    if (!digits(s, &nf)) return false;
    real = true;
  }
  if (s->p < s->e && (*s->p == 'e' || *s->p == 'E')) {
    s->p++;
    if (s->p < s->e && (*s->p == '+' || *s->p == '-')) s->p++;
    if (!digits(s, &ne) || ne > 2) return false;
    real = true;
  }
  return real ? ni <= 40 : ni <= 18;
}

static bool word(scan *s, const char *w) {
  size_t n = strlen(w);
  if ((size_t)(s->e - s->p) < n || memcmp(s->p, w, n)) return false;
  s->p += n;
  return true;
}

static bool value(scan *s);

static bool object(scan *s, pl__event_fields *top) {
  if (s->depth >= DEPTH) return false;
  int d = s->depth++;
  s->nkeys[d] = 0;
  s->p++; /* { */
  ws(s);
  if (s->p < s->e && *s->p == '}') {
    s->p++;
    s->depth--;
    return true;
  }
  for (;;) {
    const unsigned char *k;
    size_t kn;
    ws(s);
    if (!str(s, true, &k, &kn) || s->nkeys[d] == KEYS) return false;
    for (int i = 0; i < s->nkeys[d]; i++)
      if (s->keylen[d][i] == kn && !memcmp(s->key[d][i], k, kn))
        return false; /* a duplicate: jansson's error */
    s->key[d][s->nkeys[d]] = k;
    s->keylen[d][s->nkeys[d]++] = kn;
    ws(s);
    if (s->p >= s->e || *s->p != ':') return false;
    s->p++;
    ws(s);
    int which = !top                                   ? 0
                : kn == 5 && !memcmp(k, "event", 5)    ? 1
                : kn == 5 && !memcmp(k, "party", 5)    ? 2
                                                       : 0;
    if (which && s->p < s->e && *s->p == '"') {
      const unsigned char *v;
      size_t vn;
      if (!str(s, true, &v, &vn)) return false;
      if (which == 1) {
        top->event = (const char *)v;
        top->event_len = vn;
      } else {
        top->party = (const char *)v;
        top->party_len = vn;
        top->party_kind = PL__PARTY_STRING;
      }
    } else if (which == 2 && word(s, "null")) {
      top->party_kind = PL__PARTY_NULL;
    } else {
      if (which == 2) top->party_kind = PL__PARTY_OTHER;
      if (!value(s)) return false;
    }
    ws(s);
    if (s->p < s->e && *s->p == ',') {
      s->p++;
      continue;
    }
    if (s->p < s->e && *s->p == '}') {
      s->p++;
      s->depth--;
      return true;
    }
    return false;
  }
}

static bool array(scan *s) {
  if (s->depth >= DEPTH) return false;
  s->depth++;
  s->p++; /* [ */
  ws(s);
  if (s->p < s->e && *s->p == ']') {
    s->p++;
    s->depth--;
    return true;
  }
  for (;;) {
    ws(s);
    if (!value(s)) return false;
    ws(s);
    if (s->p < s->e && *s->p == ',') {
      s->p++;
      continue;
    }
    if (s->p < s->e && *s->p == ']') {
      s->p++;
      s->depth--;
      return true;
    }
    return false;
  }
}

static bool value(scan *s) {
  if (s->p >= s->e) return false;
  const unsigned char *a;
  size_t n;
  switch (*s->p) {
  case '{': return object(s, NULL);
  case '[': return array(s);
  case '"': return str(s, false, &a, &n);
  case 't': return word(s, "true");
  case 'f': return word(s, "false");
  case 'n': return word(s, "null");
  default: return number(s);
  }
}

bool pl__event_fields_scan(const char *body, size_t len,
                           pl__event_fields *out) {
  memset(out, 0, sizeof *out);
  scan s;
  s.p = (const unsigned char *)body;
  s.e = s.p + len;
  s.depth = 0;
  ws(&s);
  if (s.p >= s.e || *s.p != '{' || !object(&s, out)) return false;
  ws(&s);
  return s.p == s.e;
}
