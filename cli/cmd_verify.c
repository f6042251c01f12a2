/* parley verify RECORD [--json] [--fast] [--trust KEYFILE]...: checks a
 * signed record, a published bundle, or a signed tournament store
 * (docs/records.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const char cmd_verify_help[] =
    "usage: parley verify RECORD [options]\n"
    "\n"
    "Checks a signed record ('parley run --sign') or a published bundle\n"
    "('parley publish'): every line, hash link and signature, the chain\n"
    "from its genesis to its end event, the scenario against its hash, and\n"
    "the publication statements. Says precisely what is wrong: which entry\n"
    "was altered, dropped, inserted, duplicated, reordered or signed by the\n"
    "wrong key; and which were withheld, by whom. RECORD may also be the\n"
    "results store of 'parley tournament --sign': its chain is checked so,\n"
    "then every negotiation row against the entry that signs it.\n"
    "\n"
    "options:\n"
    "  --json              print the verdict as one JSON object\n"
    "  --fast              check every link but only each signer's latest\n"
    "                      signature (it covers the rest; docs/records.md);\n"
    "                      on any flaw, every signature, to locate it\n"
    "  --trust KEYFILE     a party's public key (or key file) to check the\n"
    "                      record's key against; repeatable\n"
    "  -h, --help          show this help\n"
    "\n"
    "exit codes: 0 complete and intact (withheld entries with a signed\n"
    "statement allowed), 1 runtime failure, 2 usage, 3 not a record or\n"
    "unreadable, 4 the record does not verify (the flaws on standard output)\n";

static void text_verdict(const char *path, const pl_verdict *v) {
  if (pl_verdict_is_tournament(v)) {
    printf("tournament: %s\n", path);
    printf("entries: %zu in the chain, %zu signatures checked\n",
           pl_verdict_entries(v), pl_verdict_signatures_checked(v));
  } else {
    printf("record: %s\n", path);
    printf("entries: %zu in the chain, %zu signatures checked, scenario %s\n",
           pl_verdict_entries(v), pl_verdict_signatures_checked(v),
           pl_verdict_has_scenario(v) ? "included" : "withheld (hash only)");
  }
  size_t nw = pl_verdict_withheld_count(v);
  if (nw) printf("withheld: %zu\n", nw);
  for (size_t i = 0; i < nw; i++) {
    const pl_withheld *w = pl_verdict_withheld(v, i);
    printf("  entry %ld (line %zu): %s by %s, withheld by %s\n", w->entry,
           w->line, w->event, w->signer, w->by ? w->by : "nobody (unsigned)");
  }
  size_t nf = pl_verdict_flaw_count(v);
  if (!nf) {
    printf("verified: complete and intact%s\n",
           nw ? " (withheld entries committed)" : "");
    return;
  }
  printf("NOT VERIFIED: %zu flaw%s\n", nf, nf == 1 ? "" : "s");
  for (size_t i = 0; i < nf; i++) {
    const pl_flaw *f = pl_verdict_flaw(v, i);
    printf("  %s: %s\n", pl_flaw_name(f->kind), f->detail);
  }
}

int cmd_verify(int argc, char **argv) {
  const char *path = NULL;
  int json = 0;
  pl_verify_options o;
  pl_verify_options_init(&o);
  pl_key **trusted = calloc((size_t)argc, sizeof *trusted);
  size_t nt = 0;
  int code = EXIT_OK;
  if (!trusted) {
    cli_error("out of memory");
    return EXIT_RUNTIME;
  }
  for (int k = 1; k < argc && !code; k++) {
    const char *arg = argv[k], *val = k + 1 < argc ? argv[k + 1] : NULL;
    if (!strcmp(arg, "--json")) {
      json = 1;
    } else if (!strcmp(arg, "--fast")) {
      o.fast = 1;
    } else if (!strcmp(arg, "--trust") && val) {
      code = cli_load_key(val, &trusted[nt]);
      if (!code) nt++;
      k++;
    } else if (arg[0] == '-' && arg[1]) {
      cli_error("unknown option or missing value '%s' (see 'parley verify "
                "--help')",
                arg);
      code = EXIT_USAGE;
    } else if (path) {
      cli_error("verify takes one record");
      code = EXIT_USAGE;
    } else {
      path = arg;
    }
  }
  if (!code && !path) {
    cli_error("verify needs a record (see 'parley verify --help')");
    code = EXIT_USAGE;
  }
  pl_record *r = NULL;
  pl_verdict *v = NULL;
  pl_error err = {0};
  int store = !code && cli_is_sqlite(path);
  if (!code && !store) {
    int rc = pl_record_read(path, 0, &r, &err);
    if (rc) {
      cli_report(&err);
      code = cli_exit_code(rc);
    }
  }
  if (!code) {
    o.trusted = (const pl_key *const *)trusted;
    o.n_trusted = nt;
    int rc = store ? pl_store_verify(path, &o, &v, &err)
                   : pl_record_verify(r, &o, &v, &err);
    if (rc) {
      cli_report(&err);
      code = store ? cli_exit_code(rc) : EXIT_RUNTIME;
    } else {
      if (json)
        code = cli_put_json(pl_verdict_to_json(v));
      else
        text_verdict(path, v);
      if (!code && !pl_verdict_ok(v)) code = EXIT_VERIFY;
    }
  }
  pl_verdict_free(v);
  pl_record_free(r);
  for (size_t k = 0; k < nt; k++) pl_key_free(trusted[k]);
  free(trusted);
  return cli_finish_output(code);
}
