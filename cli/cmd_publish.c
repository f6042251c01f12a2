/* parley publish RECORD -o BUNDLE [--withhold SPEC]... [--key KEYFILE]
 * [--private-scenario]: a bundle to hand out, with what is withheld
 * committed and signed for (docs/records.md). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const char cmd_publish_help[] =
    "usage: parley publish RECORD -o BUNDLE [options]\n"
    "\n"
    "Writes a bundle: the record (from 'parley run --sign'), its public keys\n"
    "and the scenario (or only its hash), after checking that the record\n"
    "verifies. Withheld events keep their place in the chain as hash\n"
    "commitments, so the bundle still verifies and shows what is missing;\n"
    "a statement signed with --key says who withheld what. RECORD may be\n"
    "the results store of 'parley tournament --sign': its chain (every row\n"
    "signed) is exported, once the store verifies, rows included.\n"
    "\n"
    "options:\n"
    "  -o BUNDLE           where to write the bundle\n"
    "  --withhold SPEC     withhold events: a list of event numbers (5,7,9),\n"
    "                      or criteria that all must hold, party=ID,\n"
    "                      event=KIND (offer, comment, accept, ...),\n"
    "                      article=ISSUE (comments rejecting that article),\n"
    "                      e.g. party=russia,event=comment; repeatable (any\n"
    "                      SPEC selects)\n"
    "  --private-scenario  keep only the scenario's hash\n"
    "  --key KEYFILE       the publisher's secret key (a party's; needed to\n"
    "                      withhold anything)\n"
    "  -h, --help          show this help\n"
    "\n"
    "exit codes: 0 written, 1 cannot write, 2 usage, 3 not a record or\n"
    "unreadable, 4 the record does not verify\n";

/* A signed results store's chain, once the store (its rows too) verifies:
 * PL_ESTATE naming the first flaw otherwise. */
static int store_record(const char *path, pl_record **r, pl_error *err) {
  pl_verdict *v = NULL;
  int rc = pl_store_verify(path, NULL, &v, err);
  if (!rc && !pl_verdict_ok(v)) {
    const pl_flaw *f = pl_verdict_flaw(v, 0);
    snprintf(err->message, sizeof err->message,
             "the store does not verify (%zu flaw%s; 'parley verify %s'): "
             "%s: %s",
             pl_verdict_flaw_count(v), pl_verdict_flaw_count(v) == 1 ? "" : "s",
             path, pl_flaw_name(f->kind), f->detail);
    err->file[0] = 0;
    rc = err->code = PL_ESTATE;
  }
  pl_verdict_free(v);
  return rc ? rc : pl_store_record(path, r, err);
}

/* One --withhold SPEC into criteria (appended to *w); -1 on a usage error,
 * already reported. */
static int parse_spec(char *spec, pl_withhold **w, size_t *n, size_t *cap) {
  pl_withhold crit;
  pl_withhold_init(&crit);
  int numbers = 0, named = 0;
  for (char *tok = strtok(spec, ","); tok; tok = strtok(NULL, ",")) {
    char *eq = strchr(tok, '=');
    if (!eq) {
      char *end;
      errno = 0;
      long v = strtol(tok, &end, 10);
      if (end == tok || *end || errno || v < 1) {
        cli_error("--withhold: '%s' is no event number (1 or more) and no "
                  "party=, event= or article= criterion",
                  tok);
        return -1;
      }
      if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        pl_withhold *nw = realloc(*w, *cap * sizeof *nw);
        if (!nw) return -1;
        *w = nw;
      }
      pl_withhold_init(&(*w)[*n]);
      (*w)[(*n)++].event_index = v;
      numbers++;
      continue;
    }
    *eq = 0;
    const char *val = eq + 1;
    named++;
    if (!strcmp(tok, "party"))
      crit.party = val;
    else if (!strcmp(tok, "event"))
      crit.event = val;
    else if (!strcmp(tok, "article"))
      crit.article = val;
    else {
      cli_error("--withhold: unknown criterion '%s' (party=, event=, "
                "article=)",
                tok);
      return -1;
    }
  }
  if (numbers && named) {
    cli_error("--withhold: give event numbers or criteria, not both in one "
              "SPEC");
    return -1;
  }
  if (!numbers && !named) {
    cli_error("--withhold needs event numbers or criteria");
    return -1;
  }
  if (named) {
    if (*n == *cap) {
      *cap = *cap ? *cap * 2 : 16;
      pl_withhold *nw = realloc(*w, *cap * sizeof *nw);
      if (!nw) return -1;
      *w = nw;
    }
    (*w)[(*n)++] = crit;
  }
  return 0;
}

int cmd_publish(int argc, char **argv) {
  const char *path = NULL, *out = NULL, *keyfile = NULL;
  int drop = 0, code = EXIT_OK;
  pl_withhold *w = NULL;
  size_t nw = 0, cw = 0;
  for (int k = 1; k < argc && !code; k++) {
    char *arg = argv[k], *val = k + 1 < argc ? argv[k + 1] : NULL;
    if (!strcmp(arg, "-o") && val) {
      out = val;
      k++;
    } else if (!strcmp(arg, "--withhold") && val) {
      if (parse_spec(val, &w, &nw, &cw)) code = EXIT_USAGE;
      k++;
    } else if (!strcmp(arg, "--private-scenario")) {
      drop = 1;
    } else if (!strcmp(arg, "--key") && val) {
      keyfile = val;
      k++;
    } else if (arg[0] == '-' && arg[1]) {
      cli_error("unknown option or missing value '%s' (see 'parley publish "
                "--help')",
                arg);
      code = EXIT_USAGE;
    } else if (path) {
      cli_error("publish takes one record");
      code = EXIT_USAGE;
    } else {
      path = arg;
    }
  }
  if (!code && (!path || !out)) {
    cli_error("publish needs a record and -o BUNDLE (see 'parley publish "
              "--help')");
    code = EXIT_USAGE;
  }
  if (!code && (nw || drop) && !keyfile) {
    cli_error("withholding needs --key KEYFILE: who withheld is part of the "
              "bundle");
    code = EXIT_USAGE;
  }
  pl_key *key = NULL;
  pl_record *r = NULL;
  pl_error err = {0};
  if (!code && keyfile) code = cli_load_key(keyfile, &key);
  if (!code) {
    int rc = cli_is_sqlite(path) ? store_record(path, &r, &err)
                                 : pl_record_read(path, 0, &r, &err);
    if (rc == PL_ESTATE) {
      cli_report(&err);
      code = EXIT_VERIFY;
    } else if (rc) {
      cli_report(&err);
      code = cli_exit_code(rc);
    }
  }
  size_t withheld = 0;
  if (!code) {
    int rc = pl_record_publish(r, w, nw, drop, key, &withheld, &err);
    if (rc) {
      cli_report(&err);
      code = rc == PL_ESTATE ? EXIT_VERIFY
             : rc == PL_EINVAL ? EXIT_USAGE
                               : EXIT_RUNTIME;
    }
  }
  if (!code && pl_record_write(r, out, &err)) {
    cli_report(&err);
    code = EXIT_RUNTIME;
  }
  if (!code)
    printf("published %s: %zu entries, %zu withheld%s\n", out,
           pl_record_entry_count(r), withheld,
           drop ? ", scenario as its hash only" : "");
  pl_record_free(r);
  pl_key_free(key);
  free(w);
  return cli_finish_output(code);
}
