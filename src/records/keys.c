/* Ed25519 keys (RFC 8032, through libsodium): generation, the secret key
 * file, the public key's one-line text form. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/formats.h"
#include "records/records_internal.h"

#define SECRET_MAGIC "parley-secret-key-1"
#define PUBLIC_MAGIC "parley-key "

int pl__sodium(pl_error *err) {
  if (sodium_init() < 0)
    return pl__err(err, PL_EUNSUPPORTED, "cannot initialise libsodium");
  return PL_OK;
}

int pl__valid_id(const char *id, size_t len) {
  if (len < 1 || len > PL__ID_MAX) return 0;
  for (size_t k = 0; k < len; k++) {
    char c = id[k];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
          (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-'))
      return 0;
  }
  return 1;
}

void pl__hex(char *out, const uint8_t *bytes, size_t n) {
  static const char digits[] = "0123456789abcdef";
  for (size_t k = 0; k < n; k++) {
    out[2 * k] = digits[bytes[k] >> 4];
    out[2 * k + 1] = digits[bytes[k] & 15];
  }
  out[2 * n] = 0;
}

static int nibble(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

int pl__unhex(uint8_t *out, const char *hex, size_t n) {
  for (size_t k = 0; k < n; k++) {
    int a = nibble(hex[2 * k]), b = a < 0 ? -1 : nibble(hex[2 * k + 1]);
    if (b < 0) return -1;
    out[k] = (uint8_t)(a << 4 | b);
  }
  return 0;
}

void pl__hash2(uint8_t out[PL__HASH], const void *a, size_t na, const void *b,
               size_t nb) {
  crypto_generichash_state st;
  crypto_generichash_init(&st, NULL, 0, PL__HASH);
  crypto_generichash_update(&st, a, na);
  if (b) crypto_generichash_update(&st, b, nb);
  crypto_generichash_final(&st, out, PL__HASH);
}

static int new_key(const char *party, pl_key **out, pl_error *err) {
  *out = NULL;
  int rc = pl__sodium(err);
  if (rc) return rc;
  if (!party || !pl__valid_id(party, strlen(party)))
    return pl__err(err, PL_EINVAL,
                   "a key's party id needs 1 to 64 characters among "
                   "letters, digits, '_', '.' and '-'");
  pl_key *k = pl__calloc(1, sizeof *k);
  if (!k) return pl__err(err, PL_ENOMEM, "out of memory");
  memcpy(k->id, party, strlen(party) + 1);
  *out = k;
  return PL_OK;
}

int pl_key_generate(const char *party, pl_key **out, pl_error *err) {
  int rc = new_key(party, out, err);
  if (rc) return rc;
  crypto_sign_keypair((*out)->pk, (*out)->sk);
  (*out)->secret = true;
  return PL_OK;
}

int pl_key_from_seed(const char *party, const uint8_t seed[32], pl_key **out,
                     pl_error *err) {
  int rc = new_key(party, out, err);
  if (rc) return rc;
  crypto_sign_seed_keypair((*out)->pk, (*out)->sk, seed);
  (*out)->secret = true;
  return PL_OK;
}

void pl_key_free(pl_key *k) {
  if (!k) return;
  sodium_memzero(k, sizeof *k);
  pl__free(k);
}

const char *pl_key_party(const pl_key *k) { return k->id; }
int pl_key_can_sign(const pl_key *k) { return k->secret; }

char *pl_key_public_text(const pl_key *k) {
  size_t n = strlen(PUBLIC_MAGIC) + strlen(k->id) + 10 + PL__HEX;
  char *t = pl__malloc(n), hex[PL__HEX + 1];
  if (!t) return NULL;
  pl__hex(hex, k->pk, sizeof k->pk);
  snprintf(t, n, PUBLIC_MAGIC "%s ed25519:%s", k->id, hex);
  return t;
}

/* "parley-key ID ed25519:HEX" with optional trailing white space. */
static int parse_public(const char *text, const char *name, pl_key **out,
                        pl_error *err) {
  *out = NULL;
  size_t m = strlen(PUBLIC_MAGIC);
  if (strncmp(text, PUBLIC_MAGIC, m))
    return pl__err_at(err, PL_EPARSE, name, 1, 1,
                      "not a parley key (expected 'parley-key PARTY "
                      "ed25519:HEX')");
  const char *id = text + m, *sp = strchr(id, ' ');
  if (!sp || !pl__valid_id(id, (size_t)(sp - id)))
    return pl__err_at(err, PL_EPARSE, name, 1, (int)m + 1,
                      "bad party id in the public key");
  const char *hex = sp + 1;
  if (strncmp(hex, "ed25519:", 8))
    return pl__err_at(err, PL_EPARSE, name, 1, (int)(hex - text) + 1,
                      "expected 'ed25519:' and 64 hex digits");
  hex += 8;
  uint8_t pk[32];
  if (strlen(hex) < PL__HEX || pl__unhex(pk, hex, 32) ||
      strspn(hex + PL__HEX, " \t\r\n") != strlen(hex + PL__HEX))
    return pl__err_at(err, PL_EPARSE, name, 1, (int)(hex - text) + 1,
                      "expected 64 lower-case hex digits after 'ed25519:'");
  char idbuf[PL__ID_MAX + 1];
  memcpy(idbuf, id, (size_t)(sp - id));
  idbuf[sp - id] = 0;
  int rc = new_key(idbuf, out, err);
  if (rc) return rc;
  memcpy((*out)->pk, pk, sizeof pk);
  return PL_OK;
}

int pl_key_parse_public(const char *text, pl_key **out, pl_error *err) {
  return parse_public(text, "", out, err);
}

int pl_key_save(const pl_key *k, const char *path, pl_error *err) {
  if (!k->secret)
    return pl__err_at(err, PL_EINVAL, path, 0, 0, "the key has no secret half");
  char text[512], pub[PL__HEX + 1], seed[PL__HEX + 1];
  pl__hex(pub, k->pk, 32);
  pl__hex(seed, k->sk, 32); /* libsodium's secret key: seed then public */
  int n = snprintf(text, sizeof text,
                   SECRET_MAGIC "\nparty: %s\npublic: ed25519:%s\nseed: %s\n",
                   k->id, pub, seed);
  sodium_memzero(seed, sizeof seed);
  size_t plen = strlen(path);
  char *tmp = pl__malloc(plen + 8);
  if (!tmp) {
    sodium_memzero(text, sizeof text);
    return pl__err(err, PL_ENOMEM, "out of memory");
  }
  snprintf(tmp, plen + 8, "%s.tmpkey", path);
  int rc = PL_OK;
  struct stat st;
  if (lstat(path, &st) == 0) {
    rc = pl__err_at(err, PL_EEXIST, path, 0, 0,
                    "already exists (a key is never overwritten)");
  } else {
    /* created 0600 from the start: the secret is never readable by others */
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0) {
      rc = pl__err_at(err, PL_EIO, path, 0, 0, "cannot write: %s",
                      strerror(errno));
    } else {
      bool ok = write(fd, text, (size_t)n) == n && fsync(fd) == 0;
      ok = close(fd) == 0 && ok;
      if (ok && link(tmp, path) != 0) ok = false; /* never replaces a file */
      if (!ok)
        rc = pl__err_at(err, PL_EIO, path, 0, 0, "cannot write: %s",
                        strerror(errno));
      unlink(tmp);
    }
  }
  sodium_memzero(text, sizeof text);
  pl__free(tmp);
  return rc;
}

/* The value after "key: " on line `line` of text, or NULL. */
static const char *field(const char *text, const char *key, size_t *len) {
  const char *p = text;
  size_t kl = strlen(key);
  while (p && *p) {
    if (!strncmp(p, key, kl) && p[kl] == ':' && p[kl + 1] == ' ') {
      const char *v = p + kl + 2, *e = strchr(v, '\n');
      *len = e ? (size_t)(e - v) : strlen(v);
      return v;
    }
    p = strchr(p, '\n');
    if (p) p++;
  }
  return NULL;
}

int pl_key_load(const char *path, pl_key **out, char warning[256],
                pl_error *err) {
  *out = NULL;
  if (warning) warning[0] = 0;
  char *text = NULL;
  size_t len = 0;
  int rc = pl__read_file(path, 4096, &text, &len, err);
  if (rc) return rc;
  if (memchr(text, 0, len)) {
    rc = pl__err_at(err, PL_EPARSE, path, 1, 1, "not a parley key");
  } else if (strncmp(text, SECRET_MAGIC "\n", strlen(SECRET_MAGIC) + 1)) {
    rc = parse_public(text, path, out, err);
  } else {
    size_t nid = 0, npub = 0, nseed = 0;
    const char *id = field(text, "party", &nid),
               *pub = field(text, "public", &npub),
               *seedhex = field(text, "seed", &nseed);
    uint8_t seed[32], pk[32];
    char idbuf[PL__ID_MAX + 1];
    if (!id || !pl__valid_id(id, nid)) {
      rc = pl__err_at(err, PL_EPARSE, path, 2, 1, "bad or missing 'party:'");
    } else if (!pub || npub != 8 + PL__HEX || strncmp(pub, "ed25519:", 8) ||
               pl__unhex(pk, pub + 8, 32)) {
      rc = pl__err_at(err, PL_EPARSE, path, 3, 1,
                      "bad or missing 'public: ed25519:HEX'");
    } else if (!seedhex || nseed != PL__HEX || pl__unhex(seed, seedhex, 32)) {
      rc = pl__err_at(err, PL_EPARSE, path, 4, 1, "bad or missing 'seed:'");
    } else {
      memcpy(idbuf, id, nid);
      idbuf[nid] = 0;
      rc = pl_key_from_seed(idbuf, seed, out, err);
      if (!rc && memcmp((*out)->pk, pk, 32)) {
        pl_key_free(*out);
        *out = NULL;
        rc = pl__err_at(err, PL_EPARSE, path, 3, 1,
                        "the public key does not belong to the secret key");
      }
      struct stat st;
      if (!rc && warning && stat(path, &st) == 0 && (st.st_mode & 077))
        snprintf(warning, 256,
                 "secret key file '%.150s' is readable or writable by others "
                 "(mode %04o); it should be 0600",
                 path, (unsigned)(st.st_mode & 07777));
    }
    sodium_memzero(seed, sizeof seed);
  }
  sodium_memzero(text, len);
  pl__free(text);
  return rc;
}
