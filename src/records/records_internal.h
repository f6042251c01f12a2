/* Internals of verifiable records (src/records/): keys, the record's lines
 * and the canonical serialisation of docs/records.md. */
#ifndef PL_RECORDS_INTERNAL_H
#define PL_RECORDS_INTERNAL_H

#include <sodium.h>
#include <stdbool.h>

#include "core/util.h"
#include "parley/records.h"

#define PL__REC_FORMAT "parley-record-1"
#define PL__PUB_FORMAT "parley-publication-1"
#define PL__TOURNAMENT_FORMAT "parley-tournament-1" /* a store's genesis */
#define PL__HASH 32  /* BLAKE2b-256 */
#define PL__HEX 64   /* a hash in hex */
#define PL__SIGHEX 128
#define PL__ID_MAX 64

struct pl_key {
  char id[PL__ID_MAX + 1];
  uint8_t pk[crypto_sign_PUBLICKEYBYTES];
  uint8_t sk[crypto_sign_SECRETKEYBYTES];
  bool secret;
};

/* libsodium initialised (idempotent); PL_EUNSUPPORTED when it cannot be. */
int pl__sodium(pl_error *err);
/* 1 for an id of 1..64 characters among [A-Za-z0-9_.-]. */
int pl__valid_id(const char *id, size_t len);
void pl__hex(char *out, const uint8_t *bytes, size_t n); /* 2n + NUL */
/* Lower-case hex only; 0 on success. */
int pl__unhex(uint8_t *out, const char *hex, size_t n);
/* BLAKE2b-256 of a then b (b may be NULL). */
void pl__hash2(uint8_t out[PL__HASH], const void *a, size_t na, const void *b,
               size_t nb);

typedef enum rec_kind {
  REC_MALFORMED = -1,
  REC_HEADER = 0,
  REC_ENTRY = 1,
  REC_PUBLICATION = 2
} rec_kind;

/* One line of a record. Entries: n, prev, signer, event, and either the
 * body and its salt or only the commitment; sig. Publications: body (the
 * statement), signer, sig. The header: body (the scenario's text, or
 * NULL). Malformed: why, in body. */
typedef struct rec_line {
  /* what verification reads of every entry first, in two cache lines (a
   * million-entry bundle's lines are read several times over) */
  rec_kind kind;
  bool has_sig; /* entries: false for one signed only through a later
                  checkpoint of its signer (docs/records.md) */
  uint64_t n;
  size_t line;
  char *body;
  size_t body_len;
  uint8_t link[PL__HASH]; /* entries: computed when read or made */
  uint8_t prevb[PL__HASH]; /* prev (in hex in the line) */
  char signer[PL__ID_MAX + 1];
  char event[PL__ID_MAX + 1];
  uint8_t salt[32]; /* zeros when withheld (the body is NULL) */
  uint8_t commit[PL__HASH];
  uint8_t sig[crypto_sign_BYTES];
} rec_line;

struct pl_record {
  rec_line *lines;
  size_t n, cap;
  char *arena; /* the bodies of a parsed record, in one block */
  size_t arena_cap, arena_used;
  pl_key *engine; /* the engine's key when this process made the record */
};

/* Appends a line (copied shallowly; the record takes over body). */
int pl__record_push(pl_record *r, const rec_line *l);
/* Entry's signed text (docs/records.md) into buf (at least
 * pl__preimage_size(l) bytes); returns its length. */
size_t pl__preimage_size(const rec_line *l);
size_t pl__preimage(const rec_line *l, char *buf);
/* The commitment of a body: BLAKE2b-256(salt "\n" body). */
void pl__commit(const rec_line *l, uint8_t out[PL__HASH]);
/* Link hash of an entry: BLAKE2b-256(preimage, hex(sig), "\n"). */
void pl__link(const rec_line *l, const char *pre, size_t npre,
              uint8_t out[PL__HASH]);
/* Signs an entry (l->commit set) with k: fills l->sig. */
int pl__sign_entry(rec_line *l, const pl_key *k);
/* Makes entry n (not appended): body (taken over by *l), prev from *link,
 * which becomes the entry's link; signed with k when sign. -1 when the key
 * cannot sign (body not freed). */
int pl__entry_make(rec_line *l, uint64_t n, const char *signer,
                   const char *event, bool sign, char *body,
                   const char *salt_hex, const pl_key *k,
                   uint8_t link[PL__HASH]);
/* 32 random bytes in lower-case hex. */
void pl__random_salt(char out[PL__HEX + 1]);
/* Makes an entry with body (taken over), signs it, appends it; prev comes
 * from *link, which becomes the new entry's link. */
int pl__record_append(pl_record *r, const char *signer, const char *event,
                      bool sign,
                      char *body, const char *salt_hex, const pl_key *k,
                      uint8_t link[PL__HASH], pl_error *err);

/* Whether p is in r's arena (r may be NULL); a line's body is released
 * (freed unless the arena holds it) and set NULL. */
bool pl__arena_owns(const pl_record *r, const char *p);
void pl__line_free_body(const pl_record *r, rec_line *l);
/* Parses one line (without its newline) of the record text. */
void pl__parse_line(const char *s, size_t len, rec_line *out);
/* Appends a line's canonical text and a newline; -1 when out of memory. */
typedef struct pl__rbuf {
  char *p;
  size_t len, cap;
} pl__rbuf;
int pl__rbuf_put(pl__rbuf *b, const char *s, size_t n);
int pl__format_line(pl__rbuf *b, const rec_line *l);
/* A JSON string in the canonical form of docs/records.md; -1 when out of
 * memory. */
int pl__rbuf_put_string(pl__rbuf *b, const char *s, size_t n);

/* pl_record_verify, taking the links in known (sorted with memcmp) as
 * verified already: for the tests' incremental checks of many variants of
 * one record. */
int pl__record_verify_known(const pl_record *r, const pl_verify_options *o,
                            const uint8_t (*known)[32], size_t nknown,
                            pl_verdict **out, pl_error *err);
/* Adds a flaw found outside the chain (a store's rows; line 1-based, 0:
 * none); pl__verdict_sort then puts the flaws back in line order. */
int pl__verdict_add(pl_verdict *v, pl_flaw_kind kind, size_t line,
                    long entry, const char *detail);
void pl__verdict_sort(pl_verdict *v);
/* The link hash of the verified chain's last entry (src/records/verify.c). */
void pl__verdict_head(const pl_verdict *v, uint8_t out[PL__HASH]);

/* The "event" and "party" members of a transcript event's body (full
 * verification compares them with the entry), without a JSON tree. true
 * when the body is an object, in a subset of JSON that jansson
 * (json_loadb, JSON_REJECT_DUPLICATES) reads to the same members: event
 * is then the top-level "event" string (NULL when absent or no string)
 * and party_kind says what "party" is; strings as bytes, without escapes.
 * false: defer to jansson (src/records/body_scan.c). */
typedef enum pl__party_kind {
  PL__PARTY_ABSENT = 0,
  PL__PARTY_STRING,
  PL__PARTY_NULL,
  PL__PARTY_OTHER
} pl__party_kind;
typedef struct pl__event_fields {
  const char *event, *party;
  size_t event_len, party_len;
  pl__party_kind party_kind;
} pl__event_fields;
bool pl__event_fields_scan(const char *body, size_t len,
                           pl__event_fields *out);

#endif
