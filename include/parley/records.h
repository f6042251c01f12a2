/*
 * records.h — verifiable records of negotiations: Ed25519 keys, signed
 * hash-chained transcripts, published bundles with withheld events, and
 * their verification (docs/records.md specifies the format).
 *
 * The conventions of core.h hold for every call declared here. Secret keys
 * never appear in messages.
 */
#ifndef PARLEY_RECORDS_H
#define PARLEY_RECORDS_H

#include "parley/core.h"
#include "parley/scenario.h"
#include "parley/session.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Keys                                                                */
/* ------------------------------------------------------------------ */

/* An Ed25519 key of one party (RFC 8032): a key pair, or a public key
 * only. The id is the party's id in the scenario ("engine" for the
 * engine's session key). */
typedef struct pl_key pl_key;

/* A new random key pair for `party` (an id of 1..64 characters among
 * [A-Za-z0-9_.-]). PL_EINVAL for a bad id. */
PL_API int pl_key_generate(const char *party, pl_key **out, pl_error *err);
/* The same from a 32-byte seed (reproducible keys, for test vectors). */
PL_API int pl_key_from_seed(const char *party, const uint8_t seed[32],
                            pl_key **out, pl_error *err);
PL_API void pl_key_free(pl_key *k);
PL_API const char *pl_key_party(const pl_key *k);
/* 1 when the key can sign (it holds the secret half). */
PL_API int pl_key_can_sign(const pl_key *k);
/* The public key as one line of text, "parley-key PARTY ed25519:HEX"
 * (64 lower-case hex digits), in a new string (pl_free); NULL when out of
 * memory. pl_key_parse_public reads it back (PL_EPARSE otherwise). */
PL_API char *pl_key_public_text(const pl_key *k);
PL_API int pl_key_parse_public(const char *text, pl_key **out,
                               pl_error *err);
/* Writes the secret key file (docs/records.md), created with mode 0600
 * under a temporary name and renamed into place; PL_EEXIST when path
 * exists (a key is never overwritten). */
PL_API int pl_key_save(const pl_key *k, const char *path, pl_error *err);
/* Reads a key file: a secret key file, or a public key line. *warning
 * (when not NULL) gets a message when a secret key file can be read or
 * written by others than its owner (mode beyond 0600), else "". */
PL_API int pl_key_load(const char *path, pl_key **out, char warning[256],
                       pl_error *err);

/* ------------------------------------------------------------------ */
/* Records                                                             */
/* ------------------------------------------------------------------ */

/* A record: the header (the scenario's text, or only its hash), a chain of
 * signed entries (entry 0, the genesis, commits to the scenario, the
 * settings and the keys; then one entry per event of the transcript), and
 * publication statements naming who withheld what. */
typedef struct pl_record pl_record;

/* Signs the whole transcript of a finished (or running) negotiation:
 * party_keys has one entry per party of the scenario, a key that can sign
 * with that party's id, or NULL for parties whose events the engine signs
 * with `engine` (a key with id "engine"; NULL: a fresh random one, whose
 * secret is dropped when the record is freed). agents names the agents
 * (as given to pl_session_new), o the session's options. */
PL_API int pl_record_sign_session(const pl_session *x, const pl_scenario *s,
                                  const pl_session_options *o,
                                  const char *const *agents,
                                  const pl_key *const *party_keys,
                                  const pl_key *engine, pl_record **out,
                                  pl_error *err);
/* The same with checkpoints: each signer signs its last entry (which
 * covers its earlier ones through the links) and every every-th of its
 * entries; the others carry no signature. every 1 signs every entry (as
 * pl_record_sign_session), 0 only each signer's last. Signing is then
 * cheap, but a tampered entry is located only to the stretch up to its
 * signer's next checkpoint (docs/records.md, "Checkpoints"). */
PL_API int pl_record_sign_session_every(const pl_session *x,
                                        const pl_scenario *s,
                                        const pl_session_options *o,
                                        const char *const *agents,
                                        const pl_key *const *party_keys,
                                        const pl_key *engine, uint32_t every,
                                        pl_record **out, pl_error *err);
PL_API void pl_record_free(pl_record *r);

/* Reads a record or bundle from memory or a file. Only what makes the
 * text no record at all fails (PL_EPARSE: no parley record header and no
 * entry; PL_ETOOBIG past limit bytes, 0: 4 GiB); damaged lines are kept
 * for pl_record_verify to report. `name` names the text in messages. */
PL_API int pl_record_parse(const char *text, size_t len, const char *name,
                           pl_record **out, pl_error *err);
PL_API int pl_record_read(const char *path, size_t limit, pl_record **out,
                          pl_error *err);
/* The record as text (docs/records.md), a new string (pl_free); NULL when
 * out of memory. */
PL_API char *pl_record_to_text(const pl_record *r);
/* Writes it under a temporary name renamed into place. */
PL_API int pl_record_write(const pl_record *r, const char *path,
                           pl_error *err);

/* Entries in chain order (0: the genesis). */
PL_API size_t pl_record_entry_count(const pl_record *r);
/* Entry k's signer ("engine" or a party id), event name ("genesis",
 * "offer", "comment", ...), and body (the transcript line; NULL when
 * withheld). NULL for k out of range. */
PL_API const char *pl_record_entry_signer(const pl_record *r, size_t k);
PL_API const char *pl_record_entry_event(const pl_record *r, size_t k);
PL_API const char *pl_record_entry_body(const pl_record *r, size_t k);

/* What to withhold: entries matching every criterion given (NULL or -1:
 * any). event_index selects one entry; party the events a party made;
 * event an event name; article the comments rejecting that article (an
 * issue id). */
typedef struct pl_withhold {
  long event_index;
  const char *party;
  const char *event;
  const char *article;
} pl_withhold;
PL_API void pl_withhold_init(pl_withhold *w);

/* Publication: checks that the record verifies (PL_ESTATE and a message
 * naming the first flaw otherwise), withholds every entry matching any of
 * the n criteria (their bodies replaced by their hash commitments; the
 * genesis cannot be withheld: PL_EINVAL), drops the scenario's text when
 * drop_scenario (its hash stays), and appends a publication statement
 * signed by `publisher` naming what it withheld. publisher may be NULL
 * when nothing is withheld; it must be the key of a party of the record
 * (PL_EINVAL otherwise). *withheld gets how many entries it withheld. */
PL_API int pl_record_publish(pl_record *r, const pl_withhold *criteria,
                             size_t n, int drop_scenario,
                             const pl_key *publisher, size_t *withheld,
                             pl_error *err);

/* ------------------------------------------------------------------ */
/* Verification                                                        */
/* ------------------------------------------------------------------ */

typedef enum pl_flaw_kind {
  PL_FLAW_MALFORMED = 0, /* a line that is no record line in canonical form */
  PL_FLAW_ALTERED = 1,   /* an entry that does not match its signature */
  PL_FLAW_WRONG_KEY = 2, /* signed by another key than its signer's */
  PL_FLAW_DROPPED = 3,   /* entries missing from the chain */
  PL_FLAW_INSERTED = 4,  /* an entry that is not part of the chain */
  PL_FLAW_DUPLICATED = 5,/* an entry that appears twice */
  PL_FLAW_REORDERED = 6, /* entries out of chain order */
  PL_FLAW_TRUNCATED = 7, /* the chain does not reach its end event */
  PL_FLAW_SCENARIO = 8,  /* the scenario does not match its hash */
  PL_FLAW_KEY = 9,       /* a key differs from one the verifier trusts */
  PL_FLAW_WITHHELD = 10, /* withheld content without a valid statement */
  PL_FLAW_UNSIGNED = 11  /* an entry no later signature of its signer covers */
} pl_flaw_kind;
/* "malformed", "altered", "wrong_key", "dropped", "inserted",
 * "duplicated", "reordered", "truncated", "scenario", "key", "withheld" */
PL_API const char *pl_flaw_name(pl_flaw_kind k);

typedef struct pl_flaw {
  pl_flaw_kind kind;
  size_t line;    /* 1-based line of the record text it concerns (0: none) */
  long entry;     /* the chain entry it concerns (-1: none) */
  char detail[256];
} pl_flaw;

typedef struct pl_withheld {
  long entry;
  size_t line;
  const char *signer; /* who made it */
  const char *event;  /* what it was */
  const char *by;     /* who withheld it: the publisher's id, or NULL */
} pl_withheld;

typedef struct pl_verify_options {
  size_t struct_size; /* sizeof(pl_verify_options), set by _init */
  /* 0 (default): every signature is checked. 1: every link is checked and,
   * of each signer, the signature of its latest entry, which commits to
   * every entry before it (docs/records.md says what this proves); on any
   * flaw every signature is checked, to locate it. */
  int fast;
  /* Public keys the verifier trusts (from pl_key_parse_public or
   * pl_key_load): the record's key of the same id must be the same. */
  const pl_key *const *trusted;
  size_t n_trusted;
} pl_verify_options;
PL_API void pl_verify_options_init(pl_verify_options *o);

typedef struct pl_verdict pl_verdict;
/* Verifies the record (o may be NULL: defaults). Returns PL_OK with the
 * verdict in *out whether or not the record is intact (a negative status
 * only when out of memory). */
PL_API int pl_record_verify(const pl_record *r, const pl_verify_options *o,
                            pl_verdict **out, pl_error *err);
PL_API void pl_verdict_free(pl_verdict *v);
/* 1 when the record is complete and intact: no flaw (withheld entries
 * with a valid publication statement are no flaw). */
PL_API int pl_verdict_ok(const pl_verdict *v);
PL_API size_t pl_verdict_entries(const pl_verdict *v);
PL_API size_t pl_verdict_signatures_checked(const pl_verdict *v);
/* 1 when the scenario's text is in the record (else only its hash). */
PL_API int pl_verdict_has_scenario(const pl_verdict *v);
/* 1 when the record is a tournament's chain (a results store made with
 * pl_store_open_opts and a key, or its export; docs/records.md). */
PL_API int pl_verdict_is_tournament(const pl_verdict *v);
PL_API size_t pl_verdict_flaw_count(const pl_verdict *v);
PL_API const pl_flaw *pl_verdict_flaw(const pl_verdict *v, size_t i);
PL_API size_t pl_verdict_withheld_count(const pl_verdict *v);
PL_API const pl_withheld *pl_verdict_withheld(const pl_verdict *v, size_t i);
/* The verdict as one JSON object (docs/records.md), a new string
 * (pl_free); NULL when out of memory. */
PL_API char *pl_verdict_to_json(const pl_verdict *v);

/* The scenario's text from the record's header, or NULL when the record
 * keeps only its hash (or has no valid header). */
PL_API const char *pl_record_scenario_text(const pl_record *r);

#ifdef __cplusplus
}
#endif

#endif
