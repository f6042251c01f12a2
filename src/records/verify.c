/* Verification of a record (docs/records.md, "Verifying"): every line in
 * canonical form, every signature (or, in fast mode, every link and each
 * signer's latest signature), the chain's order from the genesis to the
 * end event, the scenario's hash, the publication statements; and every
 * flaw located at its line. */
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json_text.h"
#include "records/records_internal.h"

typedef struct wh_item {
  pl_withheld pub;
  char signer[PL__ID_MAX + 1], event[PL__ID_MAX + 1], by[PL__ID_MAX + 1];
} wh_item;

struct pl_verdict {
  size_t entries, sigs;
  int has_scenario;
  pl_flaw *flaws;
  size_t nf, cf;
  wh_item *wh;
  size_t nw, cw;
  uint8_t head[PL__HASH];
  bool nomem;
  bool tournament; /* the chain of a tournament's results store */
};

typedef struct gkey {
  char id[PL__ID_MAX + 1];
  uint8_t pk[32];
} gkey;

typedef struct ctx {
  const pl_record *r;
  const pl_verify_options *o;
  pl_verdict *v;
  gkey *keys;
  size_t nk;
  char scen_hash[PL__HEX + 1];
  bool tournament;  /* a tournament's chain (docs/records.md) */
  char gsigner[PL__ID_MAX + 1]; /* the genesis's signer */
  size_t ne;      /* entry lines */
  size_t *pos;    /* entry -> line index */
  int32_t *kx;        /* entry -> its signer's key in keys, or -1 */
  signed char *state; /* 1 signature good, 2 unchecked, 3 unsigned (a
                         checkpoint covers it), -1 bad */
  size_t *chosen;     /* entries of the chain, by n */
  size_t nc;
  long *in_chain;     /* line index -> index in chosen, or -1 */
  const uint8_t (*known)[PL__HASH]; /* links verified before, sorted */
  size_t nknown;
} ctx;

const char *pl_flaw_name(pl_flaw_kind k) {
  static const char *const names[] = {
      "malformed", "altered",   "wrong_key", "dropped",  "inserted", "duplicated",
      "reordered", "truncated", "scenario",  "key",      "withheld",
      "unsigned"};
  return (unsigned)k < sizeof names / sizeof *names ? names[k] : "unknown";
}

void pl_verify_options_init(pl_verify_options *o) {
  memset(o, 0, sizeof *o);
  o->struct_size = sizeof *o;
}

static void flaw(ctx *c, pl_flaw_kind kind, size_t line_index, long entry,
                 const char *fmt, ...) PL__PRINTF(5, 6);
static void flaw(ctx *c, pl_flaw_kind kind, size_t line_index, long entry,
                 const char *fmt, ...) {
  pl_verdict *v = c->v;
  if (v->nf == v->cf) {
    size_t cap = v->cf ? v->cf * 2 : 16;
    pl_flaw *f = pl__realloc(v->flaws, cap * sizeof *f);
    if (!f) {
      v->nomem = true;
      return;
    }
    v->flaws = f;
    v->cf = cap;
  }
  pl_flaw *f = &v->flaws[v->nf++];
  f->kind = kind;
  f->line = line_index == (size_t)-1 ? 0 : line_index + 1;
  f->entry = entry;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(f->detail, sizeof f->detail, fmt, ap);
  va_end(ap);
}

static const gkey *key_of_n(const ctx *c, const char *id, size_t n) {
  for (size_t k = 0; k < c->nk; k++)
    if (!strncmp(c->keys[k].id, id, n) && !c->keys[k].id[n])
      return &c->keys[k];
  return NULL;
}

static const gkey *key_of(const ctx *c, const char *id) {
  return key_of_n(c, id, strlen(id));
}

/* The genesis: keys and the scenario's hash; 0 when usable. */
static int read_genesis(ctx *c, const rec_line *g) {
  if (!g->body) return -1;
  json_t *root = json_loadb(g->body, g->body_len, JSON_REJECT_DUPLICATES, NULL);
  json_t *ks = json_object_get(root, "keys");
  json_t *sc = json_object_get(root, "scenario");
  const char *sh = json_string_value(json_object_get(sc, "blake2b_256"));
  const char *format = json_string_value(json_object_get(root, "format"));
  /* a tournament's genesis commits to its config, not to one scenario */
  c->tournament = format && !strcmp(format, PL__TOURNAMENT_FORMAT);
  c->v->tournament = c->tournament;
  if (!json_is_object(ks) ||
      (!c->tournament && (!sh || strlen(sh) != PL__HEX))) {
    json_decref(root);
    return -1;
  }
  snprintf(c->scen_hash, sizeof c->scen_hash, "%s", sh ? sh : "");
  snprintf(c->gsigner, sizeof c->gsigner, "%s", g->signer);
  c->keys = pl__calloc(json_object_size(ks) + 1, sizeof *c->keys);
  const char *name;
  json_t *val;
  json_object_foreach(ks, name, val) {
    const char *hex = json_string_value(val);
    if (!c->keys || !pl__valid_id(name, strlen(name)) || !hex ||
        strlen(hex) != PL__HEX || pl__unhex(c->keys[c->nk].pk, hex, 32))
      continue;
    snprintf(c->keys[c->nk].id, sizeof c->keys[c->nk].id, "%s", name);
    c->nk++;
  }
  json_decref(root);
  return c->keys && key_of(c, c->gsigner) &&
                 (c->tournament || !strcmp(c->gsigner, "engine"))
             ? 0
             : -1;
}

static bool sig_ok(const rec_line *l, const char *pre, size_t n,
                   const uint8_t pk[32]) {
  return crypto_sign_verify_detached(l->sig, (const uint8_t *)pre, n, pk) == 0;
}

static const rec_line *L(const ctx *c, size_t e) {
  return &c->r->lines[c->pos[e]];
}

/* Entry e's signer's key (set once the genesis is read), or NULL. */
static const gkey *key_e(const ctx *c, size_t e) {
  return c->kx[e] >= 0 ? &c->keys[c->kx[e]] : NULL;
}

static int cmp_link(const void *a, const void *b) {
  return memcmp(a, b, PL__HASH);
}

/* Entry e's signature by its signer's key (NULL: none): 1 good, -1 bad.
 * A link verified before (the test's cache) needs no new check: it covers
 * the signature and everything signed. */
static signed char check_sig(ctx *c, size_t e, const gkey *k) {
  const rec_line *l = L(c, e);
  if (!k) return -1;
  if (!l->has_sig) return 3;
  if (c->nknown &&
      bsearch(l->link, c->known, c->nknown, PL__HASH, cmp_link))
    return 1;
  char pre[512];
  size_t n = pl__preimage(l, pre);
  c->v->sigs++;
  return sig_ok(l, pre, n, k->pk) ? 1 : -1;
}

/* Full mode: the body says the same event and party the entry does. */
static void check_body(ctx *c, size_t e) {
  const rec_line *l = &c->r->lines[c->pos[e]];
  if (!l->body || l->n == 0) return;
  if (c->tournament) { /* one signer; the body begins with its event */
    size_t ne = strlen(l->event);
    if (l->body_len < ne + 11 || memcmp(l->body, "{\"event\":\"", 10) ||
        memcmp(l->body + 10, l->event, ne) || l->body[10 + ne] != '"')
      flaw(c, PL_FLAW_ALTERED, c->pos[e], (long)l->n,
           "entry %llu: its body is not a '%s' event",
           (unsigned long long)l->n, l->event);
    else if (strcmp(l->signer, c->gsigner))
      flaw(c, PL_FLAW_WRONG_KEY, c->pos[e], (long)l->n,
           "entry %llu: signed by '%s', not by the tournament's '%s'",
           (unsigned long long)l->n, l->signer, c->gsigner);
    return;
  }
  /* the two members, by the scanner; jansson when it defers */
  pl__event_fields f;
  json_t *b = NULL;
  bool ok = pl__event_fields_scan(l->body, l->body_len, &f);
  if (!ok) {
    b = json_loadb(l->body, l->body_len, JSON_REJECT_DUPLICATES, NULL);
    json_t *party = json_object_get(b, "party");
    memset(&f, 0, sizeof f);
    f.event = json_string_value(json_object_get(b, "event"));
    f.event_len = f.event ? strlen(f.event) : 0;
    f.party = json_string_value(party);
    f.party_len = f.party ? strlen(f.party) : 0;
    f.party_kind = f.party            ? PL__PARTY_STRING
                   : json_is_null(party) ? PL__PARTY_NULL
                   : party             ? PL__PARTY_OTHER
                                       : PL__PARTY_ABSENT;
    ok = b != NULL;
  }
  const gkey *pk = f.party ? key_of_n(c, f.party, f.party_len) : NULL;
  const char *want = pk ? pk->id : "engine";
  if (!ok || !f.event ||
      (f.party_kind != PL__PARTY_STRING && f.party_kind != PL__PARTY_NULL))
    flaw(c, PL_FLAW_MALFORMED, c->pos[e], (long)l->n,
         "entry %llu: its body is no transcript event",
         (unsigned long long)l->n);
  else if (f.event_len != strlen(l->event) ||
           memcmp(f.event, l->event, f.event_len))
    flaw(c, PL_FLAW_ALTERED, c->pos[e], (long)l->n,
         "entry %llu: its body is a '%.*s' event but the entry says '%s'",
         (unsigned long long)l->n, (int)f.event_len, f.event, l->event);
  else if (strcmp(want, l->signer))
    flaw(c, PL_FLAW_WRONG_KEY, c->pos[e], (long)l->n,
         "entry %llu: made by '%.*s', so signed by '%s', but signed by '%s'",
         (unsigned long long)l->n, f.party ? (int)f.party_len : 10,
         f.party ? f.party : "the engine", want, l->signer);
  json_decref(b);
}

typedef struct nkey {
  uint64_t n;
  size_t e;
} nkey;

static int by_n(const void *a, const void *b) {
  const nkey *x = a, *y = b;
  if (x->n != y->n) return x->n < y->n ? -1 : 1;
  return x->e < y->e ? -1 : x->e > y->e;
}

/* Lines between line indexes a and b (exclusive) that are damaged: malformed
 * or entries whose signature fails. */
static size_t damaged_between(const size_t *bad_prefix, size_t a, size_t b) {
  return a + 1 >= b ? 0 : bad_prefix[b] - bad_prefix[a + 1];
}


/* Entry b's prev is entry a's link. */
static bool links(const ctx *c, size_t a, size_t b) {
  return !memcmp(L(c, b)->prevb, L(c, a)->link, PL__HASH);
}

/* The chain from the entries whose signature is good or not checked yet
 * (state > 0): one entry per n (duplicates and strays reported), then
 * gaps, order and the end. */
static int analyse(ctx *c) {
  const pl_record *r = c->r;
  pl_verdict *v = c->v;
  /* the chain: valid entries by n, duplicates and strays set aside */
  size_t *valid = pl__malloc((c->ne + 1) * sizeof *valid);
  size_t *bad_prefix = pl__calloc(r->n + 1, sizeof *bad_prefix);
  if (!valid || !bad_prefix) {
    pl__free(valid);
    pl__free(bad_prefix);
    return -1;
  }
  size_t nv = 0;
  bool in_order = true; /* by n, then by line: sorted already */
  for (size_t e = 0; e < c->ne; e++)
    if (c->state[e] > 0) {
      in_order &= !nv || L(c, valid[nv - 1])->n <= L(c, e)->n;
      valid[nv++] = e;
    }
  if (!in_order) {
    nkey *sorted = pl__malloc((nv + 1) * sizeof *sorted);
    if (!sorted) {
      pl__free(valid);
      pl__free(bad_prefix);
      return -1;
    }
    for (size_t i = 0; i < nv; i++) sorted[i] = (nkey){L(c, valid[i])->n, valid[i]};
    qsort(sorted, nv, sizeof *sorted, by_n);
    for (size_t i = 0; i < nv; i++) valid[i] = sorted[i].e;
    pl__free(sorted);
  }
  c->nc = 0;
  for (size_t i = 0; i < nv;) {
    size_t j = i;
    while (j < nv && L(c, valid[j])->n == L(c, valid[i])->n) j++;
    /* the member of the group that links to the chain so far */
    size_t pick = valid[i];
    if (c->nc) {
      for (size_t k = i; k < j; k++)
        if (links(c, c->chosen[c->nc - 1], valid[k])) {
          pick = valid[k];
          break;
        }
    }
    c->chosen[c->nc++] = pick;
    for (size_t k = i; k < j; k++) {
      size_t e = valid[k];
      if (e == pick) continue;
      if (!memcmp(L(c, e)->link, L(c, pick)->link, PL__HASH))
        flaw(c, PL_FLAW_DUPLICATED, c->pos[e], (long)L(c, e)->n,
             "line %zu repeats entry %llu (line %zu)", c->pos[e] + 1,
             (unsigned long long)L(c, e)->n, c->pos[pick] + 1);
      else
        flaw(c, PL_FLAW_INSERTED, c->pos[e], (long)L(c, e)->n,
             "line %zu is another entry %llu, not the one of the chain "
             "(line %zu)",
             c->pos[e] + 1, (unsigned long long)L(c, e)->n, c->pos[pick] + 1);
    }
    i = j;
  }
  for (size_t j = 0; j < r->n; j++) c->in_chain[j] = -1;
  for (size_t i = 0; i < c->nc; i++) c->in_chain[c->pos[c->chosen[i]]] = (long)i;
  for (size_t e = 0; e < c->ne; e++)
    if (c->state[e] < 0) bad_prefix[c->pos[e] + 1] = 1;
  for (size_t j = 0; j < r->n; j++)
    if (r->lines[j].kind == REC_MALFORMED) bad_prefix[j + 1] = 1;
  for (size_t j = 0; j < r->n; j++) bad_prefix[j + 1] += bad_prefix[j];
  /* links, gaps and order */
  if (c->nc && L(c, c->chosen[0])->n != 0 &&
      damaged_between(bad_prefix, (size_t)-1, c->pos[c->chosen[0]]) == 0)
    flaw(c, PL_FLAW_DROPPED, c->pos[c->chosen[0]], 0,
         "entries 0 to %llu are missing before line %zu",
         (unsigned long long)L(c, c->chosen[0])->n - 1,
         c->pos[c->chosen[0]] + 1);
  for (size_t i = 1; i < c->nc; i++) {
    size_t a = c->chosen[i - 1], b = c->chosen[i];
    uint64_t na = L(c, a)->n, nb = L(c, b)->n;
    size_t pa = c->pos[a], pb = c->pos[b];
    if (nb == na + 1) {
      if (!links(c, a, b))
        flaw(c, PL_FLAW_INSERTED, pb, (long)nb,
             "entry %llu (line %zu) does not link to entry %llu (line %zu): "
             "it comes from another chain",
             (unsigned long long)nb, pb + 1, (unsigned long long)na, pa + 1);
    } else {
      uint64_t missing = nb - na - 1;
      size_t lo = pa < pb ? pa : pb, hi = pa < pb ? pb : pa;
      if (damaged_between(bad_prefix, lo, hi) < missing) {
        if (missing == 1)
          flaw(c, PL_FLAW_DROPPED, pb, (long)na + 1,
               "entry %llu is missing (between lines %zu and %zu)",
               (unsigned long long)na + 1, pa + 1, pb + 1);
        else
          flaw(c, PL_FLAW_DROPPED, pb, (long)na + 1,
               "entries %llu to %llu are missing (between lines %zu and %zu)",
               (unsigned long long)na + 1, (unsigned long long)nb - 1, pa + 1,
               pb + 1);
      }
    }
    if (pb < pa)
      flaw(c, PL_FLAW_REORDERED, pb, (long)nb,
           "entry %llu (line %zu) comes before entry %llu (line %zu)",
           (unsigned long long)nb, pb + 1, (unsigned long long)na, pa + 1);
  }
  for (size_t i = 0; i + 1 < c->nc; i++)
    if (L(c, c->chosen[i])->event[0] == 'e' &&
        !strcmp(L(c, c->chosen[i])->event, "end")) {
      size_t b = c->chosen[i + 1];
      flaw(c, PL_FLAW_INSERTED, c->pos[b], (long)L(c, b)->n,
           "entry %llu (line %zu) comes after the end event",
           (unsigned long long)L(c, b)->n, c->pos[b] + 1);
      break;
    }
  if (c->nc) {
    size_t last = c->chosen[c->nc - 1];
    memcpy(v->head, L(c, last)->link, PL__HASH);
    if (strcmp(L(c, last)->event, "end") &&
        damaged_between(bad_prefix, c->pos[last], r->n) == 0)
      flaw(c, PL_FLAW_TRUNCATED, c->pos[last], (long)L(c, last)->n,
           "the chain stops at entry %llu (line %zu), not at an end event: "
           "the entries after it are missing",
           (unsigned long long)L(c, last)->n, c->pos[last] + 1);
  }
  v->entries = c->nc;
  pl__free(valid);
  pl__free(bad_prefix);
  return 0;
}

/* What made the bad entries (state < 0) bad: another party's key, an
 * insertion between entries that link to each other, or an alteration. */
static int classify(ctx *c) {
  const pl_record *r = c->r;
  char pre[512];
  size_t *next_in = pl__malloc((r->n + 1) * sizeof *next_in);
  if (!next_in) return -1;
  next_in[r->n] = (size_t)-1;
  for (size_t j = r->n; j-- > 0;)
    next_in[j] = c->in_chain[j] >= 0 ? (size_t)c->in_chain[j] : next_in[j + 1];
  size_t before = (size_t)-1, e = 0;
  for (size_t j = 0; j < r->n; j++) {
    if (c->in_chain[j] >= 0) {
      before = (size_t)c->in_chain[j];
      continue;
    }
    const rec_line *l = &r->lines[j];
    if (l->kind != REC_ENTRY) continue;
    while (c->pos[e] != j) e++; /* both in file order */
    if (c->state[e] > 0) continue;
    size_t n = pl__preimage(l, pre);
    const gkey *k = key_of(c, l->signer), *other = NULL;
    for (size_t q = 0; q < c->nk && !other; q++)
      if (&c->keys[q] != k && sig_ok(l, pre, n, c->keys[q].pk))
        other = &c->keys[q];
    size_t after = next_in[j + 1];
    bool bridged = false;
    if (before != (size_t)-1 && after == before + 1) {
      bridged = links(c, c->chosen[before], c->chosen[after]) &&
                L(c, c->chosen[after])->n == L(c, c->chosen[before])->n + 1;
    }
    if (other)
      flaw(c, PL_FLAW_WRONG_KEY, j, (long)l->n,
           "entry %llu (line %zu) is signed with the key of '%s', not of '%s'",
           (unsigned long long)l->n, j + 1, other->id, l->signer);
    else if (bridged)
      flaw(c, PL_FLAW_INSERTED, j, (long)l->n,
           "line %zu is not part of the chain (the entries around it link "
           "to each other)",
           j + 1);
    else if (!k)
      flaw(c, PL_FLAW_ALTERED, j, (long)l->n,
           "entry %llu (line %zu): its signer '%s' has no key in the genesis",
           (unsigned long long)l->n, j + 1, l->signer);
    else
      flaw(c, PL_FLAW_ALTERED, j, (long)l->n,
           "entry %llu (line %zu) does not match its signature by '%s': it "
           "was altered",
           (unsigned long long)l->n, j + 1, l->signer);
  }
  pl__free(next_in);
  return 0;
}

/* Fast mode: in every run of entries that link to each other, the latest
 * entry of each signer; its signature covers the signer's earlier entries
 * of the run. Returns how many failed (their state becomes -1). */
static size_t check_runs(ctx *c) {
  size_t failed = 0;
  bool *seen = pl__calloc(c->nk + 1, sizeof *seen);
  if (!seen) return 0;
  for (size_t i = 0; i < c->nc;) {
    size_t j = i + 1; /* the run is chosen[i..j) */
    while (j < c->nc) {
      if (L(c, c->chosen[j])->n != L(c, c->chosen[j - 1])->n + 1 ||
          !links(c, c->chosen[j - 1], c->chosen[j]))
        break;
      j++;
    }
    memset(seen, 0, c->nk * sizeof *seen);
    size_t left = c->nk;
    for (size_t k = j; k-- > i && left;) {
      size_t e = c->chosen[k];
      const rec_line *l = L(c, e);
      const gkey *key = key_e(c, e);
      if (!l->has_sig) continue; /* its signer's later checkpoint covers it */
      if (key && seen[key - c->keys]) continue;
      if (key) {
        seen[key - c->keys] = true;
        left--;
      }
      if (c->state[e] != 2) continue;
      c->state[e] = check_sig(c, e, key);
      failed += c->state[e] < 0;
    }
    i = j;
  }
  pl__free(seen);
  return failed;
}

/* Checkpoints: an entry without signature must be covered by a later,
 * good signature of its own signer in the same run of linked entries. */
static void uncovered(ctx *c) {
  bool *seen = pl__calloc(c->nk + 1, sizeof *seen);
  if (!seen) {
    c->v->nomem = true;
    return;
  }
  for (size_t i = 0; i < c->nc;) {
    size_t j = i + 1; /* the run is chosen[i..j) */
    while (j < c->nc && L(c, c->chosen[j])->n == L(c, c->chosen[j - 1])->n + 1 &&
           links(c, c->chosen[j - 1], c->chosen[j]))
      j++;
    memset(seen, 0, c->nk * sizeof *seen);
    for (size_t k = j; k-- > i;) {
      size_t e = c->chosen[k];
      const rec_line *l = L(c, e);
      const gkey *key = key_e(c, e);
      if (!key) continue;
      if (l->has_sig && c->state[e] > 0) seen[key - c->keys] = true;
      if (!l->has_sig && !seen[key - c->keys])
        flaw(c, PL_FLAW_UNSIGNED, c->pos[e], (long)l->n,
             "entry %llu (line %zu) has no signature, and no later "
             "signature of '%s' in the chain covers it",
             (unsigned long long)l->n, c->pos[e] + 1, l->signer);
    }
    i = j;
  }
  pl__free(seen);
}

static int run(ctx *c, bool fast) {
  const pl_record *r = c->r;
  pl_verdict *v = c->v;
  /* lines that are no entries */
  for (size_t j = 0; j < r->n; j++) {
    const rec_line *l = &r->lines[j];
    if (l->kind == REC_MALFORMED)
      flaw(c, PL_FLAW_MALFORMED, j, -1, "line %zu: %s", j + 1,
           l->body ? l->body : "malformed");
    else if (l->kind == REC_HEADER && j)
      flaw(c, PL_FLAW_MALFORMED, j, -1, "line %zu: a second record header",
           j + 1);
  }
  if (r->n && r->lines[0].kind != REC_HEADER &&
      r->lines[0].kind != REC_MALFORMED)
    flaw(c, PL_FLAW_MALFORMED, 0, -1,
         "line 1: the record header is missing");
  /* the genesis: the first entry 0 */
  size_t g = (size_t)-1;
  for (size_t e = 0; e < c->ne && g == (size_t)-1; e++)
    if (L(c, e)->n == 0) g = e;
  if (g != (size_t)-1 && strcmp(L(c, g)->event, "genesis"))
    flaw(c, PL_FLAW_ALTERED, c->pos[g], 0,
         "entry 0 (line %zu) is a '%s' event, not the genesis", c->pos[g] + 1,
         L(c, g)->event);
  if (g == (size_t)-1 || read_genesis(c, L(c, g))) {
    if (g == (size_t)-1)
      flaw(c, PL_FLAW_DROPPED, c->ne ? c->pos[0] : (size_t)-1, 0,
           "entry 0 (the genesis, with the keys) is missing: no signature "
           "can be checked");
    else
      flaw(c, L(c, g)->body ? PL_FLAW_ALTERED : PL_FLAW_WITHHELD, c->pos[g], 0,
           "entry 0 (the genesis, line %zu) has no readable keys: no "
           "signature can be checked",
           c->pos[g] + 1);
    return 0;
  }
  /* hashes and signatures */
  for (size_t e = 0; e < c->ne; e++) {
    const rec_line *l = L(c, e);
    /* most entries have their predecessor's signer */
    const gkey *k = e && !strcmp(l->signer, L(c, e - 1)->signer)
                        ? key_e(c, e - 1)
                        : key_of(c, l->signer);
    c->kx[e] = k ? (int32_t)(k - c->keys) : -1;
    c->state[e] = l->has_sig ? 2 : 3;
    if (fast) continue;
    c->state[e] = check_sig(c, e, key_e(c, e));
  }
  size_t nf0 = v->nf;
  if (analyse(c)) return -1;
  for (int round = 0; fast && check_runs(c); round++) {
    /* a bad signature changes the chain: again without it; after a few
     * rounds, every signature (bounded work on hostile input) */
    v->nf = nf0;
    if (round == 8)
      for (size_t e = 0; e < c->ne; e++)
        if (c->state[e] == 2)
          c->state[e] = check_sig(c, e, key_e(c, e));
    if (analyse(c)) return -1;
  }
  if (classify(c)) return -1;
  uncovered(c);
  if (!fast)
    for (size_t i = 0; i < c->nc; i++) check_body(c, c->chosen[i]);
  return 0;
}

static void add_withheld(ctx *c, const rec_line *l, size_t j, const char *by) {
  pl_verdict *v = c->v;
  if (v->nw == v->cw) {
    size_t cap = v->cw ? v->cw * 2 : 16;
    wh_item *w = pl__realloc(v->wh, cap * sizeof *w);
    if (!w) {
      v->nomem = true;
      return;
    }
    v->wh = w;
    v->cw = cap;
  }
  wh_item *w = &v->wh[v->nw++];
  memset(w, 0, sizeof *w);
  snprintf(w->signer, sizeof w->signer, "%s", l->signer);
  snprintf(w->event, sizeof w->event, "%s", l->event);
  if (by) snprintf(w->by, sizeof w->by, "%s", by);
  w->pub.entry = (long)l->n;
  w->pub.line = j + 1;
}

/* Scenario, trusted keys, publication statements, withheld entries. */
static void statements(ctx *c) {
  const pl_record *r = c->r;
  pl_verdict *v = c->v;
  const rec_line *h = r->n && r->lines[0].kind == REC_HEADER ? &r->lines[0]
                                                             : NULL;
  v->has_scenario = h && h->body;
  if (v->has_scenario && c->nk) {
    uint8_t sh[PL__HASH];
    char hex[PL__HEX + 1];
    pl__hash2(sh, h->body, h->body_len, NULL, 0);
    pl__hex(hex, sh, PL__HASH);
    if (strcmp(hex, c->scen_hash))
      flaw(c, PL_FLAW_SCENARIO, 0, -1,
           "line 1: the scenario's text does not match the hash in the "
           "genesis");
  }
  for (size_t t = 0; t < c->o->n_trusted; t++) {
    const pl_key *tk = c->o->trusted[t];
    const gkey *k = key_of(c, tk->id);
    if (!k || memcmp(k->pk, tk->pk, 32))
      flaw(c, PL_FLAW_KEY, c->ne ? c->pos[0] : (size_t)-1, 0,
           k ? "the record's key for '%s' is not the trusted one"
             : "the record has no key for '%s'",
           tk->id);
  }
  /* statements: who withheld which entries */
  uint64_t *listed = NULL;
  char (*by)[PL__ID_MAX + 1] = NULL;
  size_t nl = 0, cl = 0;
  bool scenario_stated = false;
  char head[PL__HEX + 1];
  pl__hex(head, v->head, PL__HASH);
  for (size_t j = 0; j < r->n; j++) {
    const rec_line *l = &r->lines[j];
    if (l->kind != REC_PUBLICATION) continue;
    const gkey *k = key_of(c, l->signer);
    size_t m = strlen(PL__PUB_FORMAT) + 1 + l->body_len;
    char *msg = pl__malloc(m + 1);
    if (!msg) {
      v->nomem = true;
      break;
    }
    snprintf(msg, m + 1, PL__PUB_FORMAT "\n%s", l->body);
    v->sigs++;
    bool ok = k && crypto_sign_verify_detached(l->sig, (uint8_t *)msg, m,
                                               k->pk) == 0;
    pl__free(msg);
    if (!ok) {
      flaw(c, PL_FLAW_ALTERED, j, -1,
           "the publication statement on line %zu does not match its "
           "signature by '%s'",
           j + 1, l->signer);
      continue;
    }
    json_t *st = json_loadb(l->body, l->body_len, JSON_REJECT_DUPLICATES, NULL);
    const char *sh = json_string_value(json_object_get(st, "head"));
    json_t *ent = json_object_get(st, "entries");
    json_t *wl = json_object_get(st, "withheld");
    if (!sh || !json_is_integer(ent) || !json_is_array(wl)) {
      flaw(c, PL_FLAW_MALFORMED, j, -1,
           "line %zu: the publication statement lacks head, entries or "
           "withheld",
           j + 1);
    } else if (strcmp(sh, head) ||
               json_integer_value(ent) != (json_int_t)v->entries) {
      flaw(c, PL_FLAW_TRUNCATED, j, -1,
           "the publication statement on line %zu covers %lld entries "
           "ending in %.16s..., the chain here has %zu ending in %.16s...",
           j + 1, (long long)json_integer_value(ent), sh, v->entries, head);
    } else {
      if (json_is_false(json_object_get(st, "scenario"))) scenario_stated = true;
      size_t q;
      json_t *x;
      json_array_foreach(wl, q, x) {
        if (!json_is_integer(x) || json_integer_value(x) < 0) continue;
        if (nl == cl) {
          cl = cl ? cl * 2 : 64;
          uint64_t *nlst = pl__realloc(listed, cl * sizeof *nlst);
          char(*nby)[PL__ID_MAX + 1] = nlst ? pl__realloc(by, cl * sizeof *by)
                                            : NULL;
          if (nlst) listed = nlst;
          if (!nby) {
            v->nomem = true;
            break;
          }
          by = nby;
        }
        listed[nl] = (uint64_t)json_integer_value(x);
        snprintf(by[nl], sizeof by[nl], "%s", l->signer);
        nl++;
      }
    }
    json_decref(st);
  }
  if (h && !h->body && !scenario_stated && !c->tournament)
    flaw(c, PL_FLAW_WITHHELD, 0, -1,
         "the scenario's text is withheld without a signed publication "
         "statement");
  for (size_t i = 0; i < c->nc; i++) {
    const rec_line *l = L(c, c->chosen[i]);
    if (l->body) continue;
    const char *who = NULL;
    for (size_t q = 0; q < nl && !who; q++)
      if (listed[q] == l->n) who = by[q];
    add_withheld(c, l, c->pos[c->chosen[i]], who);
    if (!who)
      flaw(c, PL_FLAW_WITHHELD, c->pos[c->chosen[i]], (long)l->n,
           "entry %llu (line %zu) is withheld without a signed publication "
           "statement",
           (unsigned long long)l->n, c->pos[c->chosen[i]] + 1);
  }
  pl__free(listed);
  pl__free(by);
  for (size_t i = 0; i < v->nw; i++) {
    v->wh[i].pub.signer = v->wh[i].signer;
    v->wh[i].pub.event = v->wh[i].event;
    v->wh[i].pub.by = v->wh[i].by[0] ? v->wh[i].by : NULL;
  }
}

static int cmp_flaw(const void *a, const void *b) {
  const pl_flaw *x = a, *y = b;
  size_t lx = x->line ? x->line : (size_t)-1, ly = y->line ? y->line : (size_t)-1;
  return lx < ly ? -1 : lx > ly;
}

/* Stable order by line: insertion order within a line. */
static void sort_flaws(pl_verdict *v) {
  for (size_t i = 1; i < v->nf; i++) { /* insertion sort keeps it stable */
    pl_flaw f = v->flaws[i];
    size_t k = i;
    while (k > 0 && cmp_flaw(&v->flaws[k - 1], &f) > 0) {
      v->flaws[k] = v->flaws[k - 1];
      k--;
    }
    v->flaws[k] = f;
  }
}

int pl_record_verify(const pl_record *r, const pl_verify_options *o,
                     pl_verdict **out, pl_error *err) {
  return pl__record_verify_known(r, o, NULL, 0, out, err);
}

int pl__record_verify_known(const pl_record *r, const pl_verify_options *o,
                            const uint8_t (*known)[32], size_t nknown,
                            pl_verdict **out, pl_error *err) {
  *out = NULL;
  int rc = pl__sodium(err);
  if (rc) return rc;
  pl_verify_options def;
  if (!o) {
    pl_verify_options_init(&def);
    o = &def;
  }
  pl_verdict *v = pl__calloc(1, sizeof *v);
  ctx c = {.r = r, .o = o, .v = v, .known = known, .nknown = nknown};
  for (size_t j = 0; j < r->n; j++) c.ne += r->lines[j].kind == REC_ENTRY;
  c.pos = pl__malloc((c.ne + 1) * sizeof *c.pos);
  c.kx = pl__malloc((c.ne + 1) * sizeof *c.kx);
  c.state = pl__malloc(c.ne + 1);
  c.chosen = pl__malloc((c.ne + 1) * sizeof *c.chosen);
  c.in_chain = pl__malloc((r->n + 1) * sizeof *c.in_chain);
  int bad = !v || !c.pos || !c.kx || !c.state || !c.chosen || !c.in_chain;
  if (!bad) {
    for (size_t j = 0, e = 0; j < r->n; j++)
      if (r->lines[j].kind == REC_ENTRY) c.pos[e++] = j;
    bad = run(&c, o->fast);
    if (!bad) statements(&c);
    bad |= v->nomem;
  }
  pl__free(c.keys);
  pl__free(c.pos);
  pl__free(c.kx);
  pl__free(c.state);
  pl__free(c.chosen);
  pl__free(c.in_chain);
  if (bad) {
    pl_verdict_free(v);
    return pl__err(err, PL_ENOMEM, "out of memory");
  }
  sort_flaws(v);
  *out = v;
  return PL_OK;
}

void pl_verdict_free(pl_verdict *v) {
  if (!v) return;
  pl__free(v->flaws);
  pl__free(v->wh);
  pl__free(v);
}

int pl_verdict_ok(const pl_verdict *v) { return v->nf == 0; }
size_t pl_verdict_entries(const pl_verdict *v) { return v->entries; }
size_t pl_verdict_signatures_checked(const pl_verdict *v) { return v->sigs; }
int pl_verdict_has_scenario(const pl_verdict *v) { return v->has_scenario; }
size_t pl_verdict_flaw_count(const pl_verdict *v) { return v->nf; }
const pl_flaw *pl_verdict_flaw(const pl_verdict *v, size_t i) {
  return i < v->nf ? &v->flaws[i] : NULL;
}
size_t pl_verdict_withheld_count(const pl_verdict *v) { return v->nw; }
const pl_withheld *pl_verdict_withheld(const pl_verdict *v, size_t i) {
  return i < v->nw ? &v->wh[i].pub : NULL;
}

int pl_verdict_is_tournament(const pl_verdict *v) { return v->tournament; }

int pl__verdict_add(pl_verdict *v, pl_flaw_kind kind, size_t line,
                    long entry, const char *detail) {
  ctx c = {.v = v};
  flaw(&c, kind, line ? line - 1 : (size_t)-1, entry, "%s", detail);
  return v->nomem ? PL_ENOMEM : PL_OK;
}

void pl__verdict_sort(pl_verdict *v) { sort_flaws(v); }

void pl__verdict_head(const pl_verdict *v, uint8_t out[PL__HASH]) {
  memcpy(out, v->head, PL__HASH);
}

char *pl_verdict_to_json(const pl_verdict *v) {
  json_t *o = json_object(), *fl = json_array(), *wh = json_array();
  int bad = !o || !fl || !wh;
  char head[PL__HEX + 1];
  pl__hex(head, v->head, PL__HASH);
  bad |= json_object_set_new(o, "ok", json_boolean(v->nf == 0));
  bad |= json_object_set_new(o, "entries", json_integer((json_int_t)v->entries));
  bad |= json_object_set_new(o, "head", json_string(head));
  bad |= json_object_set_new(o, "signatures_checked",
                             json_integer((json_int_t)v->sigs));
  bad |= json_object_set_new(o, "scenario",
                             json_string(v->has_scenario ? "included" : "hash"));
  for (size_t i = 0; i < v->nf; i++) {
    const pl_flaw *f = &v->flaws[i];
    json_t *x = json_object();
    bad |= !x;
    bad |= json_object_set_new(x, "kind", json_string(pl_flaw_name(f->kind)));
    bad |= json_object_set_new(x, "line", f->line ? json_integer((json_int_t)f->line)
                                                  : json_null());
    bad |= json_object_set_new(x, "entry", f->entry >= 0 ? json_integer(f->entry)
                                                         : json_null());
    bad |= json_object_set_new(x, "detail", json_string(f->detail));
    bad |= json_array_append_new(fl, x);
  }
  for (size_t i = 0; i < v->nw; i++) {
    const pl_withheld *w = &v->wh[i].pub;
    json_t *x = json_object();
    bad |= !x;
    bad |= json_object_set_new(x, "entry", json_integer(w->entry));
    bad |= json_object_set_new(x, "line", json_integer((json_int_t)w->line));
    bad |= json_object_set_new(x, "event", json_string(w->event));
    bad |= json_object_set_new(x, "made_by", json_string(w->signer));
    bad |= json_object_set_new(x, "withheld_by", w->by ? json_string(w->by)
                                                       : json_null());
    bad |= json_array_append_new(wh, x);
  }
  bad |= json_object_set_new(o, "flaws", fl);
  bad |= json_object_set_new(o, "withheld", wh);
  char *s = bad ? NULL : pl__json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
  json_decref(o);
  if (!s) return NULL;
  char *d = pl__strdup(s);
  free(s);
  return d;
}
