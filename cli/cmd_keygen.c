/* parley keygen --party ID -o KEYFILE: an Ed25519 key pair for a party
 * (docs/records.md). */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const char cmd_keygen_help[] =
    "usage: parley keygen --party ID -o KEYFILE\n"
    "\n"
    "Makes an Ed25519 key pair for a party of a scenario (its id there).\n"
    "KEYFILE gets the secret key (mode 0600; never overwritten), KEYFILE.pub\n"
    "the public key, one line that is also printed:\n"
    "  parley-key ID ed25519:HEX\n"
    "Give the secret key to 'parley run --sign ID=KEYFILE' and 'parley\n"
    "publish --key'; hand the public line to whoever verifies\n"
    "('parley verify --trust KEYFILE.pub').\n"
    "\n"
    "options:\n"
    "  --party ID          the party's id (letters, digits, '_', '.', '-')\n"
    "  -o KEYFILE          where to write the secret key\n"
    "  -h, --help          show this help\n"
    "\n"
    "exit codes: 0 ok, 1 cannot write (or KEYFILE exists), 2 usage\n";

int cli_load_key(const char *path, pl_key **out) {
  char warning[256];
  pl_error err = {0};
  int rc = pl_key_load(path, out, warning, &err);
  if (rc) {
    cli_report(&err);
    return cli_exit_code(rc);
  }
  if (warning[0]) cli_error("warning: %s", warning);
  return EXIT_OK;
}

int cli_parse_sign_every(const char *val, uint32_t *out) {
  char *end;
  errno = 0;
  unsigned long long v = strtoull(val, &end, 10);
  if (!isdigit((unsigned char)*val) || *end || errno || v > UINT32_MAX) {
    cli_error("--sign-every needs a whole number from 0, got '%s'", val);
    return -1;
  }
  *out = (uint32_t)v;
  return 0;
}

int cli_is_sqlite(const char *path) {
  char magic[16] = {0};
  FILE *f = fopen(path, "rb");
  if (!f) return 0;
  size_t n = fread(magic, 1, sizeof magic, f);
  fclose(f);
  return n == sizeof magic && !memcmp(magic, "SQLite format 3", 16);
}

int cmd_keygen(int argc, char **argv) {
  const char *party = NULL, *out = NULL;
  for (int k = 1; k < argc; k++) {
    const char *arg = argv[k], *val = k + 1 < argc ? argv[k + 1] : NULL;
    if (!strcmp(arg, "--party") && val) {
      party = val;
      k++;
    } else if (!strcmp(arg, "-o") && val) {
      out = val;
      k++;
    } else {
      cli_error("unknown option or missing value '%s' (see 'parley keygen "
                "--help')",
                arg);
      return EXIT_USAGE;
    }
  }
  if (!party || !out) {
    cli_error("keygen needs --party ID and -o KEYFILE");
    return EXIT_USAGE;
  }
  pl_key *key = NULL;
  pl_error err = {0};
  int rc = pl_key_generate(party, &key, &err);
  if (rc) {
    cli_report(&err);
    return rc == PL_EINVAL ? EXIT_USAGE : EXIT_RUNTIME;
  }
  char *pub = pl_key_public_text(key);
  size_t n = strlen(out) + 5;
  char *pubpath = malloc(n);
  int code = EXIT_OK;
  if (!pub || !pubpath) {
    cli_error("out of memory");
    code = EXIT_RUNTIME;
  } else if ((rc = pl_key_save(key, out, &err))) {
    cli_report(&err);
    code = EXIT_RUNTIME;
  } else {
    snprintf(pubpath, n, "%s.pub", out);
    FILE *f = fopen(pubpath, "w");
    if (!f || fprintf(f, "%s\n", pub) < 0 || fclose(f) != 0) {
      cli_error("cannot write the public key to '%s'", pubpath);
      remove(out); /* no secret key without its public half */
      code = EXIT_RUNTIME;
    } else {
      puts(pub);
    }
  }
  free(pubpath);
  pl_free(pub);
  pl_key_free(key);
  return cli_finish_output(code);
}
