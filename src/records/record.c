/* Records: the canonical line syntax (reader and writer), signing a
 * session's transcript into a chain, and publication with withheld
 * entries. docs/records.md is the specification this follows. */
#define _GNU_SOURCE /* MAP_POPULATE */
#include <fcntl.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <string.h>

#include "core/json_text.h"
#include "io/formats.h"
#include "protocol/session_internal.h"
#include "records/records_internal.h"

/* ------------------------------------------------------------------ */
/* The canonical syntax                                                */
/* ------------------------------------------------------------------ */

typedef struct cur {
  const char *p, *e;
  pl_record *arena; /* strings decoded into its arena, else malloc'd */
} cur;

static bool lit(cur *c, const char *s) {
  size_t n = strlen(s);
  if ((size_t)(c->e - c->p) < n || memcmp(c->p, s, n)) return false;
  c->p += n;
  return true;
}

/* A decimal without leading zeros, at most 18 digits. */
static bool number(cur *c, uint64_t *v) {
  const char *s = c->p;
  uint64_t x = 0;
  while (c->p < c->e && *c->p >= '0' && *c->p <= '9' && c->p - s < 19)
    x = x * 10 + (uint64_t)(*c->p++ - '0');
  size_t n = (size_t)(c->p - s);
  if (n == 0 || n > 18 || (n > 1 && s[0] == '0')) return false;
  *v = x;
  return true;
}

static size_t parse_line(const char *s, size_t len, rec_line *l,
                         pl_record *arena, bool rest);

/* Lower-case hex digits' values; 0x10 for every other byte. */
static uint8_t hexv[256];
static bool plain[256]; /* copied as they are in a canonical string */
static void hex_init(void) {
  for (int k = 0; k < 256; k++) {
    hexv[k] = k >= '0' && k <= '9'   ? (uint8_t)(k - '0')
              : k >= 'a' && k <= 'f' ? (uint8_t)(k - 'a' + 10)
                                     : 0x10;
    plain[k] = k >= 0x20 && k < 0x80 && k != '"' && k != '\\';
  }
}

/* A quoted string of n lower-case hex digits, decoded into n / 2 bytes
 * (checked and decoded in one pass). */
static bool hexstr_to(cur *c, uint8_t *bytes, size_t n) {
  const unsigned char *p = (const unsigned char *)c->p;
  if ((size_t)(c->e - c->p) < n + 2 || p[0] != '"' || p[n + 1] != '"')
    return false;
  unsigned bad = 0;
  for (size_t k = 0; k < n / 2; k++) {
    unsigned hi = hexv[p[1 + 2 * k]], lo = hexv[p[2 + 2 * k]];
    bad |= hi | lo;
    bytes[k] = (uint8_t)(hi << 4 | lo);
  }
  if (bad & 0x10) return false;
  c->p += n + 2;
  return true;
}

/* Length of a valid UTF-8 sequence (shortest form, no surrogates, at most
 * U+10FFFF) starting at p, else 0. */
static size_t utf8_len(const unsigned char *p, const unsigned char *e) {
  unsigned char b = p[0];
  size_t n;
  uint32_t v;
  if (b < 0x80) return 1;
  if (b >= 0xC2 && b <= 0xDF) n = 2, v = b & 0x1F;
  else if (b >= 0xE0 && b <= 0xEF) n = 3, v = b & 0x0F;
  else if (b >= 0xF0 && b <= 0xF4) n = 4, v = b & 0x07;
  else return 0;
  if ((size_t)(e - p) < n) return 0;
  for (size_t k = 1; k < n; k++) {
    if ((p[k] & 0xC0) != 0x80) return 0;
    v = v << 6 | (p[k] & 0x3F);
  }
  if ((n == 3 && (v < 0x800 || (v >= 0xD800 && v <= 0xDFFF))) ||
      (n == 4 && (v < 0x10000 || v > 0x10FFFF)))
    return 0;
  return n;
}

static int nibble16(unsigned char h) {
  if (h >= '0' && h <= '9') return h - '0';
  if (h >= 'a' && h <= 'f') return h - 'a' + 10;
  return -1;
}

static int short_escape(unsigned char ch) {
  switch (ch) {
  case '"': return '"';
  case '\\': return '\\';
  case '\b': return 'b';
  case '\f': return 'f';
  case '\n': return 'n';
  case '\r': return 'r';
  case '\t': return 't';
  default: return 0;
  }
}

/* A JSON string in canonical form (docs/records.md): the escapes \" \\ \b
 * \f \n \r \t, \u00XX (lower-case) for the other bytes below 0x20, every
 * other character as UTF-8. Decoded into *out (pl__malloc, NUL-terminated)
 * when out is not NULL. */
static bool string(cur *c, char **out, size_t *len) {
  if (c->p >= c->e || *c->p != '"') return false;
  const unsigned char *q = (const unsigned char *)c->p + 1,
                      *e = (const unsigned char *)c->e;
  /* one pass into a buffer of the text's length (decoding never grows):
   * the record's arena when it has room */
  pl_record *ar = c->arena;
  size_t room = (size_t)(e - q) + 1;
  bool own = out && !(ar && ar->arena_cap - ar->arena_used >= room);
  if (own) { /* to its closing quote only: e may be the text's end */
    const unsigned char *z = q;
    while (z < e && *z != '"') z += *z == '\\' ? 2 : 1;
    if (z < e) room = (size_t)(z - q) + 1;
  }
  char *buf = !out ? NULL : own ? pl__malloc(room) : ar->arena + ar->arena_used;
  if (out && !buf) return false;
  size_t n = 0;
  for (;;) {
    /* a run of plain ASCII: copied as it is (byte by byte: between a
     * body's escaped quotes the runs are short) */
    const unsigned char *r = q;
    if (buf) {
      char *o = buf + n;
      while (r < e && plain[*r]) *o++ = (char)*r++;
    } else {
      while (r < e && plain[*r]) r++;
    }
    n += (size_t)(r - q);
    q = r;
    if (q >= e) goto bad;
    unsigned char ch = *q;
    if (ch == '"') break;
    if (ch < 0x20) goto bad;
    if (ch == '\\') {
      unsigned char v;
      if (q + 1 >= e) goto bad;
      unsigned char x = q[1];
      if (x == 'u') {
        if (e - q < 6 || q[2] != '0' || q[3] != '0') goto bad;
        int a = nibble16(q[4]), b = nibble16(q[5]);
        if (a < 0 || b < 0 || a > 1) goto bad;
        v = (unsigned char)(a << 4 | b);
        if (short_escape(v)) goto bad;
        q += 6;
      } else {
        switch (x) {
        case '"': v = '"'; break;
        case '\\': v = '\\'; break;
        case 'b': v = '\b'; break;
        case 'f': v = '\f'; break;
        case 'n': v = '\n'; break;
        case 'r': v = '\r'; break;
        case 't': v = '\t'; break;
        default: goto bad;
        }
        q += 2;
      }
      if (buf) buf[n] = (char)v;
      n++;
    } else {
      size_t m = utf8_len(q, e);
      if (!m) goto bad;
      if (buf) memcpy(buf + n, q, m);
      n += m;
      q += m;
    }
  }
  if (buf) {
    buf[n] = 0;
    *out = buf;
    if (!own) ar->arena_used += n + 1;
  }
  *len = n;
  c->p = (const char *)q + 1;
  return true;
bad:
  if (own) pl__free(buf);
  return false;
}

/* An id: its characters need no escape, so its canonical string is the
 * id between quotes. */
static bool id(cur *c, char out[PL__ID_MAX + 1]) {
  const char *q = c->p + 1, *r = q;
  if (c->p >= c->e || *c->p != '"') return false;
  while (r < c->e && r - q <= PL__ID_MAX && *r != '"') r++;
  size_t n = (size_t)(r - q);
  if (r >= c->e || *r != '"' || !pl__valid_id(q, n)) return false;
  memcpy(out, q, n);
  out[n] = 0;
  c->p = r + 1;
  return true;
}

static bool sig(cur *c, uint8_t out[64]) {
  return hexstr_to(c, out, PL__SIGHEX);
}

static void malformed(rec_line *l, const char *s, size_t len,
                      const char *why, const pl_record *arena) {
  pl__line_free_body(arena, l);
  memset(l, 0, sizeof *l);
  l->kind = REC_MALFORMED;
  /* keep the raw text (it is written back as it was) and the reason */
  size_t w = strlen(why);
  l->body = pl__malloc(len + w + 2);
  if (l->body) {
    memcpy(l->body, why, w + 1);
    memcpy(l->body + w + 1, s, len);
    l->body[w + 1 + len] = 0;
    l->body_len = len;
  }
}

void pl__parse_line(const char *s, size_t len, rec_line *l) {
  parse_line(s, len, l, NULL, false);
}

bool pl__arena_owns(const pl_record *r, const char *p) {
  return r && r->arena && p >= r->arena && p < r->arena + r->arena_cap;
}

void pl__line_free_body(const pl_record *r, rec_line *l) {
  if (!pl__arena_owns(r, l->body)) pl__free(l->body);
  l->body = NULL;
}

/* The line at s, of len bytes; with rest, s..s+len is the rest of the text
 * and the line ends at its first newline, which no canonical line holds
 * elsewhere (so a record is not scanned for newlines twice). Returns the
 * line's length without its newline. */
static size_t parse_line(const char *s, size_t len, rec_line *l,
                         pl_record *arena, bool rest) {
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  pthread_once(&once, hex_init);
  memset(l, 0, sizeof *l);
  cur c = {s, s + len, arena};
  const char *why = "not a record line";
  if (lit(&c, "{\"format\":\"" PL__REC_FORMAT "\",\"scenario\":")) {
    l->kind = REC_HEADER;
    if (!lit(&c, "null") && !string(&c, &l->body, &l->body_len)) {
      why = "bad scenario text";
      goto bad;
    }
  } else if (lit(&c, "{\"n\":")) {
    l->kind = REC_ENTRY;
    why = "bad entry";
    if (!number(&c, &l->n) || !lit(&c, ",\"prev\":") ||
        !hexstr_to(&c, l->prevb, PL__HEX) ||
        !lit(&c, ",\"signer\":") ||
        !id(&c, l->signer) || !lit(&c, ",\"event\":") || !id(&c, l->event))
      goto bad;
    if (lit(&c, ",\"salt\":")) {
      if (!hexstr_to(&c, l->salt, PL__HEX) ||
          !lit(&c, ",\"body\":") ||
          !string(&c, &l->body, &l->body_len))
        goto bad;
      pl__commit(l, l->commit);
    } else {
      if (!lit(&c, ",\"commitment\":") ||
          !hexstr_to(&c, l->commit, PL__HEX))
        goto bad;
    }
    /* the signature is optional: checkpoints (docs/records.md) */
    if (lit(&c, ",\"sig\":")) {
      if (!sig(&c, l->sig)) goto bad;
      l->has_sig = true;
    }
    char pre[512];
    pl__link(l, pre, pl__preimage(l, pre), l->link);
  } else if (lit(&c, "{\"publication\":")) {
    l->kind = REC_PUBLICATION;
    why = "bad publication statement";
    if (!string(&c, &l->body, &l->body_len) || !lit(&c, ",\"signer\":") ||
        !id(&c, l->signer) || !lit(&c, ",\"sig\":") || !sig(&c, l->sig))
      goto bad;
  } else {
    goto bad;
  }
  if (lit(&c, "}")) {
    if (c.p < c.e && *c.p == '\n' && rest) return (size_t)(c.p - s);
    if (c.p == c.e && !rest) return len;
    if (c.p == c.e) why = "the last line has no newline";
    else why = "not in canonical form";
  } else {
    why = "not in canonical form";
  }
bad:
  if (rest) {
    const char *nl = memchr(s, '\n', len);
    len = nl ? (size_t)(nl - s) : len;
  }
  malformed(l, s, len, why, arena);
  return len;
}

int pl__rbuf_put(pl__rbuf *b, const char *s, size_t n) {
  if (b->len + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + n + 1) cap *= 2;
    char *p = pl__realloc(b->p, cap);
    if (!p) return -1;
    b->p = p;
    b->cap = cap;
  }
  memcpy(b->p + b->len, s, n);
  b->len += n;
  b->p[b->len] = 0;
  return 0;
}

static int put_s(pl__rbuf *b, const char *s) { return pl__rbuf_put(b, s, strlen(s)); }

int pl__rbuf_put_string(pl__rbuf *b, const char *s, size_t n) {
  /* at most 6 bytes per byte, and the quotes: room once, then no checks */
  if (b->len + 6 * n + 3 > b->cap) {
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + 6 * n + 3) cap *= 2;
    char *p = pl__realloc(b->p, cap);
    if (!p) return -1;
    b->p = p;
    b->cap = cap;
  }
  static const char hexd[] = "0123456789abcdef";
  char *o = b->p + b->len;
  *o++ = '"';
  for (size_t k = 0; k < n; k++) {
    unsigned char ch = (unsigned char)s[k];
    if (ch >= 0x20 && ch != '"' && ch != '\\') {
      *o++ = (char)ch;
      continue;
    }
    int sh = short_escape(ch);
    *o++ = '\\';
    if (sh) {
      *o++ = (char)sh;
    } else {
      memcpy(o, "u00", 3);
      o[3] = hexd[ch >> 4];
      o[4] = hexd[ch & 15];
      o += 5;
    }
  }
  *o++ = '"';
  *o = 0;
  b->len = (size_t)(o - b->p);
  return 0;
}

int pl__format_line(pl__rbuf *b, const rec_line *l) {
  int bad = 0;
  char hex[PL__SIGHEX + 1], num[32];
  switch (l->kind) {
  case REC_MALFORMED:
    bad |= l->body ? pl__rbuf_put(b, l->body + strlen(l->body) + 1,
                                 l->body_len)
                   : 0;
    break;
  case REC_HEADER:
    bad |= put_s(b, "{\"format\":\"" PL__REC_FORMAT "\",\"scenario\":");
    bad |= l->body ? pl__rbuf_put_string(b, l->body, l->body_len) : put_s(b, "null");
    bad |= put_s(b, "}");
    break;
  case REC_ENTRY:
    snprintf(num, sizeof num, "%llu", (unsigned long long)l->n);
    bad |= put_s(b, "{\"n\":");
    bad |= put_s(b, num);
    bad |= put_s(b, ",\"prev\":\"");
    pl__hex(hex, l->prevb, PL__HASH);
    bad |= put_s(b, hex);
    bad |= put_s(b, "\",\"signer\":");
    bad |= pl__rbuf_put_string(b, l->signer, strlen(l->signer));
    bad |= put_s(b, ",\"event\":");
    bad |= pl__rbuf_put_string(b, l->event, strlen(l->event));
    if (l->body) {
      bad |= put_s(b, ",\"salt\":\"");
      pl__hex(hex, l->salt, sizeof l->salt);
      bad |= put_s(b, hex);
      bad |= put_s(b, "\",\"body\":");
      bad |= pl__rbuf_put_string(b, l->body, l->body_len);
    } else {
      pl__hex(hex, l->commit, PL__HASH);
      bad |= put_s(b, ",\"commitment\":\"");
      bad |= put_s(b, hex);
      bad |= put_s(b, "\"");
    }
    if (l->has_sig) {
      pl__hex(hex, l->sig, 64);
      bad |= put_s(b, ",\"sig\":\"");
      bad |= put_s(b, hex);
      bad |= put_s(b, "\"");
    }
    bad |= put_s(b, "}");
    break;
  case REC_PUBLICATION:
    bad |= put_s(b, "{\"publication\":");
    bad |= pl__rbuf_put_string(b, l->body, l->body_len);
    bad |= put_s(b, ",\"signer\":");
    bad |= pl__rbuf_put_string(b, l->signer, strlen(l->signer));
    pl__hex(hex, l->sig, 64);
    bad |= put_s(b, ",\"sig\":\"");
    bad |= put_s(b, hex);
    bad |= put_s(b, "\"}");
    break;
  }
  bad |= pl__rbuf_put(b, "\n", 1);
  return bad ? -1 : 0;
}

/* ------------------------------------------------------------------ */
/* Hashes and signatures                                               */
/* ------------------------------------------------------------------ */

size_t pl__preimage_size(const rec_line *l) {
  return strlen(PL__REC_FORMAT) + 24 + PL__HEX + strlen(l->signer) +
         strlen(l->event) + PL__HEX + 8;
}

static char *put_field(char *p, const char *s, size_t n) {
  memcpy(p, s, n);
  p[n] = '\n';
  return p + n + 1;
}

size_t pl__preimage(const rec_line *l, char *buf) {
  char num[24], *q = num + sizeof num;
  uint64_t v = l->n;
  do *--q = (char)('0' + v % 10);
  while ((v /= 10));
  char *p = put_field(buf, PL__REC_FORMAT, sizeof PL__REC_FORMAT - 1);
  p = put_field(p, q, (size_t)(num + sizeof num - q));
  pl__hex(p, l->prevb, PL__HASH);
  p[PL__HEX] = '\n';
  p += PL__HEX + 1;
  p = put_field(p, l->signer, strlen(l->signer));
  p = put_field(p, l->event, strlen(l->event));
  pl__hex(p, l->commit, PL__HASH);
  p[PL__HEX] = '\n';
  return (size_t)(p + PL__HEX + 1 - buf);
}

void pl__commit(const rec_line *l, uint8_t out[PL__HASH]) {
  char salted[PL__HEX + 2];
  pl__hex(salted, l->salt, sizeof l->salt);
  salted[PL__HEX] = '\n';
  pl__hash2(out, salted, PL__HEX + 1, l->body, l->body_len);
}

void pl__link(const rec_line *l, const char *pre, size_t npre,
              uint8_t out[PL__HASH]) {
  char tail[PL__SIGHEX + 2];
  size_t n = 0;
  if (l->has_sig) {
    pl__hex(tail, l->sig, 64);
    n = PL__SIGHEX;
  }
  tail[n] = '\n';
  pl__hash2(out, pre, npre, tail, n + 1);
}

int pl__sign_entry(rec_line *l, const pl_key *k) {
  char pre[512];
  size_t n = pl__preimage(l, pre);
  l->has_sig = true;
  return crypto_sign_detached(l->sig, NULL, (const uint8_t *)pre, n, k->sk);
}

/* ------------------------------------------------------------------ */
/* The record                                                          */
/* ------------------------------------------------------------------ */

void pl_record_free(pl_record *r) {
  if (!r) return;
  for (size_t k = 0; k < r->n; k++) pl__line_free_body(r, &r->lines[k]);
  pl__free(r->lines);
  pl__free(r->arena);
  pl_key_free(r->engine);
  pl__free(r);
}

int pl__record_push(pl_record *r, const rec_line *l) {
  if (r->n == r->cap) {
    size_t cap = r->cap ? r->cap * 2 : 64;
    rec_line *nl = pl__realloc(r->lines, cap * sizeof *nl);
    if (!nl) return PL_ENOMEM;
    r->lines = nl;
    r->cap = cap;
  }
  r->lines[r->n] = *l;
  r->lines[r->n].line = r->n + 1;
  r->n++;
  return PL_OK;
}

int pl__entry_make(rec_line *l, uint64_t n, const char *signer,
                   const char *event, bool sign, char *body,
                   const char *salt_hex, const pl_key *k,
                   uint8_t link[PL__HASH]) {
  memset(l, 0, sizeof *l);
  l->kind = REC_ENTRY;
  l->n = n;
  memcpy(l->prevb, link, PL__HASH);
  snprintf(l->signer, sizeof l->signer, "%s", signer);
  snprintf(l->event, sizeof l->event, "%s", event);
  if (pl__unhex(l->salt, salt_hex, sizeof l->salt)) return -1;
  l->body = body;
  l->body_len = strlen(body);
  pl__commit(l, l->commit);
  char pre[512];
  size_t np = pl__preimage(l, pre);
  l->has_sig = sign;
  if (sign &&
      crypto_sign_detached(l->sig, NULL, (const uint8_t *)pre, np, k->sk))
    return -1;
  pl__link(l, pre, np, link);
  memcpy(l->link, link, PL__HASH);
  return 0;
}

int pl__record_append(pl_record *r, const char *signer, const char *event,
                      bool sign, char *body, const char *salt_hex, const pl_key *k,
                      uint8_t link[PL__HASH], pl_error *err) {
  rec_line l;
  uint64_t n = r->n ? (r->lines[r->n - 1].kind == REC_ENTRY ? r->lines[r->n - 1].n + 1 : 0) : 0;
  if (pl__entry_make(&l, n, signer, event, sign, body, salt_hex, k, link)) {
    pl__free(body);
    return pl__err(err, PL_EINVAL, "cannot sign with the key of '%s'", signer);
  }
  if (pl__record_push(r, &l)) {
    pl__free(body);
    return pl__err(err, PL_ENOMEM, "out of memory");
  }
  return PL_OK;
}

static char *own_json(char *s) {
  if (!s) return NULL;
  char *d = pl__strdup(s);
  free(s);
  return d;
}

void pl__random_salt(char out[PL__HEX + 1]) {
  uint8_t b[32];
  randombytes_buf(b, sizeof b);
  pl__hex(out, b, sizeof b);
}

/* Entry 0's body: the scenario's hash, the settings and the keys. */
static char *genesis_body(const pl_scenario *s, const char *scen_hash,
                          const pl_session_options *o,
                          const char *const *agents,
                          const pl_key *const *keys, const pl_key *engine) {
  int np = pl_scenario_party_count(s);
  char hex[PL__HEX + 1];
  json_t *g = json_object(), *sc = json_object(), *parties = json_array(),
         *ag = json_array(), *ks = json_object();
  int bad = !g || !sc || !parties || !ag || !ks;
  bad |= json_object_set_new(g, "format", json_string(PL__REC_FORMAT));
  bad |= json_object_set_new(sc, "id", json_string(pl_scenario_id(s)));
  bad |= json_object_set_new(sc, "blake2b_256", json_string(scen_hash));
  bad |= json_object_set_new(g, "scenario", sc);
  bad |= json_object_set_new(g, "protocol",
                             json_string(pl_protocol_name(o->protocol)));
  if (o->protocol == PL_PROTOCOL_TEXT && o->drafter >= 0 && o->drafter < np)
    bad |= json_object_set_new(
        g, "drafter", json_string(pl_scenario_party_id(s, o->drafter)));
  bad |= json_object_set_new(g, "rounds", json_integer(o->rounds));
  bad |= json_object_set_new(g, "time_limit", json_real(o->time_limit));
  bad |= json_object_set_new(g, "max_events",
                             json_integer((json_int_t)o->max_events));
  bad |= json_object_set_new(g, "partial", json_boolean(o->partial));
  char seed[32];
  snprintf(seed, sizeof seed, "%llu", (unsigned long long)o->seed);
  bad |= json_object_set_new(g, "seed", json_string(seed));
  for (int p = 0; p < np; p++) {
    bad |= json_array_append_new(parties,
                                 json_string(pl_scenario_party_id(s, p)));
    bad |= json_array_append_new(ag, json_string(agents ? agents[p] : ""));
  }
  bad |= json_object_set_new(g, "parties", parties);
  bad |= json_object_set_new(g, "agents", ag);
  pl__hex(hex, engine->pk, 32);
  bad |= json_object_set_new(ks, "engine", json_string(hex));
  for (int p = 0; p < np; p++)
    if (keys && keys[p]) {
      pl__hex(hex, keys[p]->pk, 32);
      bad |= json_object_set_new(ks, keys[p]->id, json_string(hex));
    }
  bad |= json_object_set_new(g, "keys", ks);
  char *out = bad ? NULL
                  : pl__json_dumps(g, JSON_COMPACT | JSON_PRESERVE_ORDER);
  json_decref(g);
  return own_json(out);
}

int pl_record_sign_session(const pl_session *x, const pl_scenario *s,
                           const pl_session_options *o,
                           const char *const *agents,
                           const pl_key *const *party_keys,
                           const pl_key *engine, pl_record **out,
                           pl_error *err) {
  return pl_record_sign_session_every(x, s, o, agents, party_keys, engine, 1,
                                      out, err);
}

int pl_record_sign_session_every(const pl_session *x, const pl_scenario *s,
                                 const pl_session_options *o,
                                 const char *const *agents,
                                 const pl_key *const *party_keys,
                                 const pl_key *engine, uint32_t every,
                                 pl_record **out, pl_error *err) {
  *out = NULL;
  int rc = pl__sodium(err);
  if (rc) return rc;
  int np = pl_scenario_party_count(s);
  for (int p = 0; p < np; p++) {
    const pl_key *k = party_keys ? party_keys[p] : NULL;
    if (k && (!k->secret || strcmp(k->id, pl_scenario_party_id(s, p))))
      return pl__err(err, PL_EINVAL,
                     "the key for party '%s' must be that party's secret key "
                     "(got '%s'%s)",
                     pl_scenario_party_id(s, p), k->id,
                     k->secret ? "" : ", public only");
  }
  if (engine && (!engine->secret || strcmp(engine->id, "engine")))
    return pl__err(err, PL_EINVAL,
                   "the engine's key must be a secret key with id 'engine'");
  pl_record *r = pl__calloc(1, sizeof *r);
  if (!r) return pl__err(err, PL_ENOMEM, "out of memory");
  if (!engine) {
    rc = pl_key_generate("engine", &r->engine, err);
    if (rc) {
      pl__free(r);
      return rc;
    }
    engine = r->engine;
  }
  /* the header: the scenario's canonical text (parley YAML) */
  rec_line h;
  memset(&h, 0, sizeof h);
  h.kind = REC_HEADER;
  rc = pl__yaml_text(s, &h.body, &h.body_len, err);
  if (!rc && pl__record_push(r, &h)) {
    pl__free(h.body);
    rc = pl__err(err, PL_ENOMEM, "out of memory");
  }
  uint8_t link[PL__HASH] = {0}, sh[PL__HASH];
  char shex[PL__HEX + 1], salt[PL__HEX + 1];
  if (!rc) {
    pl__hash2(sh, h.body, h.body_len, NULL, 0);
    pl__hex(shex, sh, PL__HASH);
    char *g = genesis_body(s, shex, o, agents, party_keys, engine);
    pl__random_salt(salt);
    rc = g ? pl__record_append(r, "engine", "genesis", every == 1, g, salt,
                               engine, link, err)
           : pl__err(err, PL_ENOMEM, "out of memory");
  }
  /* who signs each event; with checkpoints, each signer's last event
   * (the end is the engine's, so the genesis is covered) and every
   * every-th of its events */
  size_t ne = pl_session_event_count(x);
  size_t *last = pl__calloc((size_t)np + 1, sizeof *last);
  size_t *count = pl__calloc((size_t)np + 1, sizeof *count);
  /* every salt from one call (a getrandom each cost more than the
   * entry's hashes: bench_records), and the lines in one allocation */
  uint8_t *salts = pl__malloc(ne * 32 + 1);
  rec_line *lines = rc ? NULL : pl__realloc(r->lines, (r->n + ne + 1) * sizeof *lines);
  if (lines) {
    r->lines = lines;
    r->cap = r->n + ne + 1;
  }
  if (!rc && (!last || !count || !salts || !lines))
    rc = pl__err(err, PL_ENOMEM, "out of memory");
  if (!rc) randombytes_buf(salts, ne * 32);
  for (size_t k = 0; !rc && k < ne; k++) { /* slot np: the engine */
    const pl_event *e = pl_session_event(x, k);
    bool own = e->party >= 0 && party_keys && party_keys[e->party];
    last[own ? e->party : np] = k;
  }
  for (size_t k = 0; !rc && k < ne; k++) {
    const pl_event *e = pl_session_event(x, k);
    bool own = e->party >= 0 && party_keys && party_keys[e->party];
    int slot = own ? e->party : np;
    const pl_key *key = own ? party_keys[e->party] : engine;
    bool sign = every == 1 || last[slot] == k ||
                (every > 1 && ++count[slot] % every == 0);
    /* the line as pl__json_dumps made it: malloc'd, as pl__free wants */
    char *body = pl__session_event_line(x, k);
    pl__hex(salt, salts + 32 * k, 32);
    rc = body ? pl__record_append(r, key->id, pl_event_name(e->kind), sign,
                                  body, salt, key, link, err)
              : pl__err(err, PL_ENOMEM, "out of memory");
  }
  pl__free(last);
  pl__free(count);
  if (salts) sodium_memzero(salts, ne * 32);
  pl__free(salts);
  if (rc) {
    pl_record_free(r);
    return rc;
  }
  *out = r;
  return PL_OK;
}

/* Large arrays filled once (a million-entry bundle's lines: 500 MB) on
 * transparent huge pages where the kernel offers them: a page fault per
 * 2 MB instead of per 4 KB (bench_records). Advice only. */
static void huge_pages(void *p, size_t n) {
#ifdef MADV_HUGEPAGE
  uintptr_t a = ((uintptr_t)p + 4095) & ~(uintptr_t)4095;
  uintptr_t b = ((uintptr_t)p + n) & ~(uintptr_t)4095;
  if (n >= ((size_t)8 << 20) && b > a)
    madvise((void *)a, b - a, MADV_HUGEPAGE);
#else
  (void)p;
  (void)n;
#endif
}

int pl_record_parse(const char *text, size_t len, const char *name,
                    pl_record **out, pl_error *err) {
  *out = NULL;
  int rc = pl__sodium(err);
  if (rc) return rc;
  pl_record *r = pl__calloc(1, sizeof *r);
  if (!r) return pl__err(err, PL_ENOMEM, "out of memory");
  /* the lines array from an estimate (an entry line has some 300 bytes),
   * grown by doubling when short (realloc of a large block remaps its
   * pages rather than copying them); a million-line bundle's text is not
   * scanned for its newlines first */
  r->cap = len / 256 + 64;
  r->lines = pl__malloc(r->cap * sizeof *r->lines);
  if (!r->lines) {
    pl__free(r);
    return pl__err(err, PL_ENOMEM, "out of memory");
  }
  huge_pages(r->lines, r->cap * sizeof *r->lines);
  /* the bodies, decoded, take at most their quoted text's bytes (the
   * quotes make room for the NUL): the text's length is enough */
  r->arena = pl__malloc(len + 1);
  if (r->arena) {
    r->arena_cap = len + 1;
    huge_pages(r->arena, r->arena_cap);
  }
  size_t good = 0;
  const char *p = text, *e = text + len;
  while (p < e) {
    if (r->n == r->cap) {
      rec_line *nl = pl__realloc(r->lines, 2 * r->cap * sizeof *nl);
      if (!nl) {
        pl_record_free(r);
        return pl__err(err, PL_ENOMEM, "out of memory");
      }
      r->lines = nl;
      r->cap *= 2;
      huge_pages(r->lines, r->cap * sizeof *r->lines);
    }
    /* parsed in place */
    rec_line *l = &r->lines[r->n];
    size_t n = parse_line(p, (size_t)(e - p), l, r, true);
    l->line = ++r->n;
    if (l->kind == REC_MALFORMED && !l->body) {
      pl_record_free(r);
      return pl__err(err, PL_ENOMEM, "out of memory");
    }
    good += l->kind == REC_HEADER || l->kind == REC_ENTRY;
    p += n < (size_t)(e - p) ? n + 1 : n;
  }
  if (!good) {
    pl_record_free(r);
    return pl__err_at(err, PL_EPARSE, name ? name : "", 1, 1,
                      "not a parley record (no '" PL__REC_FORMAT
                      "' header and no entry)");
  }
  *out = r;
  return PL_OK;
}

int pl_record_read(const char *path, size_t limit, pl_record **out,
                   pl_error *err) {
  *out = NULL;
  limit = limit ? limit : (size_t)4 << 30;
  /* a regular file is mapped, not copied (bench_records: a million-entry
   * bundle is 600 MB); anything else is read */
  int fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : -1;
  struct stat st;
  if (fd >= 0 && !fstat(fd, &st) && S_ISREG(st.st_mode) && st.st_size > 0 &&
      (uint64_t)st.st_size <= limit) {
    size_t len = (size_t)st.st_size;
    void *m = mmap(NULL, len, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    close(fd);
    if (m != MAP_FAILED) {
      int rc = pl_record_parse(m, len, path, out, err);
      munmap(m, len);
      return rc;
    }
  } else if (fd >= 0) {
    close(fd);
  }
  char *text = NULL;
  size_t len = 0;
  int rc = pl__read_file(path, limit, &text, &len, err);
  if (!rc) rc = pl_record_parse(text, len, path, out, err);
  pl__free(text);
  return rc;
}

char *pl_record_to_text(const pl_record *r) {
  pl__rbuf b = {0};
  for (size_t k = 0; k < r->n; k++)
    if (pl__format_line(&b, &r->lines[k])) {
      pl__free(b.p);
      return NULL;
    }
  if (!b.p) b.p = pl__strdup("");
  return b.p;
}

int pl_record_write(const pl_record *r, const char *path, pl_error *err) {
  char *t = pl_record_to_text(r);
  if (!t) return pl__err(err, PL_ENOMEM, "out of memory");
  int rc = pl__write_file(path, t, strlen(t), err);
  pl__free(t);
  return rc;
}

static const rec_line *entry(const pl_record *r, size_t k) {
  for (size_t j = 0, i = 0; j < r->n; j++)
    if (r->lines[j].kind == REC_ENTRY && i++ == k) return &r->lines[j];
  return NULL;
}

size_t pl_record_entry_count(const pl_record *r) {
  size_t n = 0;
  for (size_t j = 0; j < r->n; j++) n += r->lines[j].kind == REC_ENTRY;
  return n;
}

const char *pl_record_entry_signer(const pl_record *r, size_t k) {
  const rec_line *l = entry(r, k);
  return l ? l->signer : NULL;
}

const char *pl_record_entry_event(const pl_record *r, size_t k) {
  const rec_line *l = entry(r, k);
  return l ? l->event : NULL;
}

const char *pl_record_entry_body(const pl_record *r, size_t k) {
  const rec_line *l = entry(r, k);
  return l ? l->body : NULL;
}

const char *pl_record_scenario_text(const pl_record *r) {
  return r->n && r->lines[0].kind == REC_HEADER ? r->lines[0].body : NULL;
}
