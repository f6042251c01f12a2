/* Publication: withholding entries (their bodies replaced by their hash
 * commitments, so the chain still verifies) and the signed statement that
 * says who withheld what (docs/records.md, "Publishing"). */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "core/json_text.h"
#include "records/records_internal.h"

void pl_withhold_init(pl_withhold *w) {
  memset(w, 0, sizeof *w);
  w->event_index = -1;
}

static bool rejects(json_t *body, const char *article) {
  size_t k;
  json_t *x;
  json_array_foreach(json_object_get(body, "rejects"), k, x) {
    if (json_is_string(x) && !strcmp(json_string_value(x), article))
      return true;
  }
  return false;
}

static bool matches(const rec_line *l, json_t *body, const pl_withhold *w) {
  if (w->event_index >= 0 && (uint64_t)w->event_index != l->n) return false;
  if (w->event && strcmp(w->event, l->event)) return false;
  if (w->party) {
    const char *p = json_string_value(json_object_get(body, "party"));
    if (!p || strcmp(p, w->party)) return false;
  }
  if (w->article && !rejects(body, w->article)) return false;
  return true;
}

int pl_record_publish(pl_record *r, const pl_withhold *criteria, size_t n,
                      int drop_scenario, const pl_key *publisher,
                      size_t *withheld, pl_error *err) {
  if (withheld) *withheld = 0;
  for (size_t c = 0; c < n; c++)
    if (criteria[c].event_index == 0)
      return pl__err(err, PL_EINVAL,
                     "entry 0 (the genesis, with the keys) cannot be withheld");
  pl_verdict *v = NULL;
  int rc = pl_record_verify(r, NULL, &v, err);
  if (rc) return rc;
  if (!pl_verdict_ok(v)) {
    const pl_flaw *f = pl_verdict_flaw(v, 0);
    rc = pl__err(err, PL_ESTATE, "the record does not verify (%s: %s)",
                 pl_flaw_name(f->kind), f->detail);
    pl_verdict_free(v);
    return rc;
  }
  uint8_t head[PL__HASH];
  pl__verdict_head(v, head);
  size_t entries = pl_verdict_entries(v);
  pl_verdict_free(v);
  /* the genesis names the keys: the publisher must be one of them */
  if (publisher) {
    const char *g = pl_record_entry_body(r, 0);
    json_t *root = g ? json_loads(g, 0, NULL) : NULL;
    const char *hex = json_string_value(
        json_object_get(json_object_get(root, "keys"), publisher->id));
    uint8_t pk[32];
    bool ok = hex && strlen(hex) == PL__HEX && !pl__unhex(pk, hex, 32) &&
              !memcmp(pk, publisher->pk, 32) && publisher->secret;
    json_decref(root);
    if (!ok)
      return pl__err(err, PL_EINVAL,
                     "the publisher's key must be the secret key of a party "
                     "of the record ('%s' is not)",
                     publisher->id);
  }
  /* which entries */
  json_t *list = json_array();
  if (!list) return pl__err(err, PL_ENOMEM, "out of memory");
  size_t count = 0;
  bool *hits = pl__calloc(r->n + 1, sizeof *hits);
  if (!hits) {
    json_decref(list);
    return pl__err(err, PL_ENOMEM, "out of memory");
  }
  for (size_t j = 0; j < r->n && n; j++) {
    rec_line *l = &r->lines[j];
    if (l->kind != REC_ENTRY || !l->body || l->n == 0) continue;
    json_t *body = json_loadb(l->body, l->body_len, 0, NULL);
    bool hit = false;
    for (size_t c = 0; c < n && !hit; c++) hit = matches(l, body, &criteria[c]);
    json_decref(body);
    if (!hit) continue;
    if (json_array_append_new(list, json_integer((json_int_t)l->n))) {
      json_decref(list);
      pl__free(hits);
      return pl__err(err, PL_ENOMEM, "out of memory");
    }
    hits[j] = true;
    count++;
  }
  bool drop = drop_scenario && r->n && r->lines[0].kind == REC_HEADER &&
              r->lines[0].body;
  if ((count || drop) && !publisher) {
    json_decref(list);
    pl__free(hits);
    return pl__err(err, PL_EINVAL,
                   "withholding needs the publisher's key (who withheld is "
                   "part of the record)");
  }
  if (!publisher) {
    json_decref(list);
    pl__free(hits);
    return PL_OK; /* nothing to state */
  }
  char hex[PL__HEX + 1];
  pl__hex(hex, head, PL__HASH);
  json_t *st = json_object();
  int bad = !st;
  bad |= json_object_set_new(st, "head", json_string(hex));
  bad |= json_object_set_new(st, "entries", json_integer((json_int_t)entries));
  bad |= json_object_set_new(st, "withheld", list);
  bad |= json_object_set_new(
      st, "scenario",
      json_boolean(r->n && r->lines[0].kind == REC_HEADER &&
                   r->lines[0].body && !drop));
  char *text = bad ? NULL : pl__json_dumps(st, JSON_COMPACT | JSON_PRESERVE_ORDER);
  json_decref(st);
  rec_line p;
  memset(&p, 0, sizeof p);
  p.kind = REC_PUBLICATION;
  p.body = text ? pl__strdup(text) : NULL;
  free(text);
  if (!p.body) {
    pl__free(hits);
    return pl__err(err, PL_ENOMEM, "out of memory");
  }
  p.body_len = strlen(p.body);
  snprintf(p.signer, sizeof p.signer, "%s", publisher->id);
  size_t m = strlen(PL__PUB_FORMAT) + 1 + p.body_len;
  char *msg = pl__malloc(m + 1);
  if (!msg || pl__record_push(r, &p)) {
    pl__free(msg);
    pl__free(p.body);
    pl__free(hits);
    return pl__err(err, PL_ENOMEM, "out of memory");
  }
  snprintf(msg, m + 1, PL__PUB_FORMAT "\n%s", p.body);
  crypto_sign_detached(r->lines[r->n - 1].sig, NULL, (uint8_t *)msg, m,
                       publisher->sk);
  pl__free(msg);
  /* only now, when nothing can fail: the bodies go (the commitments
   * computed when the record was read or made stay) */
  for (size_t j = 0; j < r->n; j++) {
    if (!hits[j]) continue;
    rec_line *l = &r->lines[j];
    sodium_memzero(l->body, l->body_len);
    pl__line_free_body(r, l);
    l->body_len = 0;
    memset(l->salt, 0, sizeof l->salt);
  }
  if (drop) {
    pl__line_free_body(r, &r->lines[0]);
    r->lines[0].body_len = 0;
  }
  pl__free(hits);
  if (withheld) *withheld = count;
  return PL_OK;
}
