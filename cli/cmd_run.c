/* parley run INPUT... --agents A,B[,C...] [--protocol P] [--rounds N]
 *            [--time S] [--partial] [--seed N] [--json] [--transcript FILE]
 *            [--plot FILE] (the negotiation's options: cli_session_option) */
#define _DEFAULT_SOURCE /* realpath */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const char cmd_run_help[] =
    "usage: parley run INPUT... --agents A,B[,...] [options]\n"
    "\n"
    "Simulates a negotiation. saop (default): parties take turns in file\n"
    "order; each accepts the standing offer or makes its own; an offer every\n"
    "other party accepts in turn is agreed. text: the drafter writes the\n"
    "whole text, the others accept it or comment article by article with the\n"
    "options they want, the drafter answers with a revised text. mediated:\n"
    "a mediator proposes one change at a time; it stands when all vote for\n"
    "it (a party votes for what keeps its red lines and pays it). Agents\n"
    "never propose or accept what breaks their red lines or falls below\n"
    "their reservation value.\n"
    "\n"
    INPUT_HELP
    "\n"
    "agents (one per party, in party order, separated by commas; parameters\n"
    "after a colon): boulware, linear, conceder, hardliner, timedep:e=0.5\n"
    "(target(t) = Pmin + (Pmax - Pmin)(1 - t^(1/e)); k=.. adds a start),\n"
    "aspiration (1 - t^e, e=4; curve=exp), random (seeded by --seed),\n"
    "micro (MiCRO), tit-for-tat, or a plug-in agent's path\n"
    "(./agent.so[:params]). Any built-in agent takes an acceptance\n"
    "condition, ac=next (default), const (c=0.8), time (t=0.99) or several\n"
    "joined by '+', and om=freq (a frequency opponent model picks among\n"
    "offers about equally good for it), e.g. boulware:ac=next+time,t=0.95.\n"
    "ANAC agents: agentk, yushu, iamhaggler2010, nozomi, agentfsega,\n"
    "iamcrazyhaggler, agentsmith (2010); hardheaded, gahboninho,\n"
    "iamhaggler2011, agentk2, bramagent, thenegotiator, nicetitfortat\n"
    "(2011); cuhkagent, agentlg, thenegotiatorreloaded, bramagent2,\n"
    "iamhaggler2012, agentmr, omacagent (2012); '+' swaps a component\n"
    "(bid=, ac=, om=hardheaded), e.g. agentk+ac=next, boulware+om=hardheaded.\n"
    "docs/negotiation.md and docs/agents.md have them all.\n"
    "An external agent in any language:\n"
    "ext:'COMMAND' (started per negotiation) or ext+tcp:HOST:PORT (a\n"
    "service), speaking JSON Lines (docs/agent-protocol.md).\n"
    "\n"
    "options:\n"
    "  --agents LIST       the agents, e.g. boulware,conceder\n"
    SESSION_OPTIONS_HELP
    "  --json              print the result as one JSON object\n"
    "  --transcript FILE   write every event as JSON Lines\n"
    "  --sign PARTY=KEY    sign PARTY's events with its secret key file\n"
    "                      (parley keygen); repeatable. The transcript is\n"
    "                      then a signed, hash-chained record (the engine's\n"
    "                      session key signs the other events;\n"
    "                      docs/records.md)\n"
    "  --sign-every N      checkpoints: each signer signs only every N-th of\n"
    "                      its events and its last (0: only its last; 1,\n"
    "                      the default: every event). Much cheaper; a\n"
    "                      tampered event is then located only up to its\n"
    "                      signer's next checkpoint\n"
    "  --plot FILE         draw the negotiation: FILE.svg, .png or .pdf\n"
    "                      (docs/report.md)\n"
    INPUT_OPTIONS_HELP
    "  -h, --help          show this help\n"
    "\n"
    "exit codes: 0 ok (with or without agreement), 1 runtime failure, 2 "
    "usage, 3 bad input\n";


/* --sign PARTY=KEYFILE, loaded once the scenario names the parties. */
typedef struct signer {
  const char *party, *file;
} signer;

/* Writes the signed record of x to path: keys[p] for party p (or NULL). */
static int write_record(const pl_scenario *s, const cli_session *cs,
                        const char *agent_list, pl_key **keys, uint32_t every,
                        const pl_session *x, const char *path) {
  int np = pl_scenario_party_count(s);
  char *copy = strdup(agent_list);
  const char **agents = calloc((size_t)np + 1, sizeof *agents);
  int code = EXIT_OK;
  pl_record *r = NULL;
  pl_error err = {0};
  if (!copy || !agents) {
    cli_error("out of memory");
    code = EXIT_RUNTIME;
  } else {
    cli_split_agents(copy, agents, np);
    if (pl_record_sign_session_every(x, s, &cs->o, agents,
                                     (const pl_key *const *)keys, NULL, every,
                                     &r, &err) ||
        pl_record_write(r, path, &err)) {
      cli_report(&err);
      code = EXIT_RUNTIME;
    }
  }
  pl_record_free(r);
  free(agents);
  free(copy);
  return code;
}

/* Loads the --sign keys into keys[party]; an exit code. */
static int load_signers(const pl_scenario *s, const signer *sg, int n,
                        pl_key **keys) {
  int np = pl_scenario_party_count(s);
  for (int k = 0; k < n; k++) {
    int p = 0;
    while (p < np && strcmp(pl_scenario_party_id(s, p), sg[k].party)) p++;
    if (p == np) {
      cli_error("--sign: '%s' is no party of the scenario", sg[k].party);
      return EXIT_USAGE;
    }
    if (keys[p]) {
      cli_error("--sign: party '%s' given twice", sg[k].party);
      return EXIT_USAGE;
    }
    int code = cli_load_key(sg[k].file, &keys[p]);
    if (code) return code;
    if (!pl_key_can_sign(keys[p]) ||
        strcmp(pl_key_party(keys[p]), sg[k].party)) {
      cli_error("--sign %s=%s: that is %s key of '%s', not a secret key of "
                "'%s'",
                sg[k].party, sg[k].file,
                pl_key_can_sign(keys[p]) ? "the secret" : "a public",
                pl_key_party(keys[p]), sg[k].party);
      return EXIT_USAGE;
    }
  }
  return EXIT_OK;
}

int cmd_run(int argc, char **argv) {
  cli_inputs in;
  signer *sg = calloc((size_t)argc, sizeof *sg);
  uint32_t sign_every = 1;
  bool sign_every_given = false;
  int nsg = 0;
  pl_key **keys = NULL;
  if (!sg) return EXIT_RUNTIME;
  char *agent_list = NULL;
  const char *transcript = NULL, *plot = NULL;
  int json = 0;
  cli_session cs = {0};
  pl_session_options_init(&cs.o);
  if (cli_inputs_init(&in, argc)) return EXIT_RUNTIME;
  for (int k = 1; k < argc; k++) {
    const char *arg = argv[k];
    const char *val = k + 1 < argc ? argv[k + 1] : NULL;
    int used = cli_inputs_option(&in, arg, val);
    if (!used) used = cli_session_option(&cs, arg, val);
    if (used < 0) goto usage;
    if (used) {
      k += used - 1;
    } else if (!strcmp(arg, "--agents") && val) {
      free(agent_list);
      agent_list = strdup(val);
      k++;
    } else if (!strcmp(arg, "--json")) {
      json = 1;
    } else if (!strcmp(arg, "--plot") && val) {
      if (cli_check_plot(val)) goto usage;
      plot = val;
      k++;
    } else if (!strcmp(arg, "--transcript") && val) {
      transcript = val;
      k++;
    } else if (!strcmp(arg, "--sign-every") && val) {
      if (cli_parse_sign_every(val, &sign_every)) goto usage;
      sign_every_given = true;
      k++;
    } else if (!strcmp(arg, "--sign") && val) {
      const char *eq = strchr(val, '=');
      if (!eq || eq == val || !eq[1]) {
        cli_error("--sign needs PARTY=KEYFILE, got '%s'", val);
        goto usage;
      }
      sg[nsg].party = val;
      sg[nsg++].file = eq + 1;
      argv[k + 1][eq - val] = 0;
      k++;
    } else {
      cli_error("unknown option or missing value '%s' (see 'parley run "
                "--help')",
                arg);
      goto usage;
    }
  }
  if (cli_session_finish(&cs, NULL)) goto usage;
  if (!agent_list) {
    cli_error("run needs --agents, one per party (see 'parley run --help')");
    goto usage;
  }
  if (sign_every_given && !nsg) {
    cli_error("--sign-every needs --sign PARTY=KEYFILE");
    goto usage;
  }
  if (nsg && !transcript) {
    cli_error("--sign needs --transcript FILE (where the signed record goes)");
    goto usage;
  }
  pl_scenario *s = NULL;
  int code = cli_inputs_load(&in, "run", &s);
  /* the inputs as absolute paths: the transcript's run line (replay) */
  char **abs = calloc(in.n + 1, sizeof *abs);
  for (size_t k = 0; abs && k < in.n; k++)
    if (!(abs[k] = realpath(in.paths[k], NULL))) abs[k] = strdup(in.paths[k]);
  cs.o.inputs = (const char *const *)abs;
  cs.o.n_inputs = abs ? in.n : 0;
  cs.o.real_intervals = in.load.real_intervals;
  cli_inputs_free(&in);
  if (code) {
    for (size_t k = 0; abs && k < cs.o.n_inputs; k++) free(abs[k]);
    free(abs);
    free(agent_list);
    free(sg);
    return code;
  }
  int np = pl_scenario_party_count(s);
  keys = calloc((size_t)np + 1, sizeof *keys);
  code = keys ? load_signers(s, sg, nsg, keys) : EXIT_RUNTIME;
  /* the agents' names, as given, for the record (split in place below) */
  char *agents_given = code ? NULL : strdup(agent_list);
  pl_session *x = NULL;
  pl_error err = {0};
  if (!code) code = cli_negotiate(s, &cs, agent_list, "--agents", &x);
  if (!code && transcript && nsg) {
    code = agents_given ? write_record(s, &cs, agents_given, keys, sign_every, x,
                                        transcript)
                        : EXIT_RUNTIME;
  } else if (!code && transcript) {
    /* written beside the target and renamed into place: never half a file */
    char *t = pl_session_transcript(x);
    size_t n = strlen(transcript) + 5;
    char *tmp = malloc(n);
    FILE *f = t && tmp && snprintf(tmp, n, "%s.tmp", transcript) > 0
                  ? fopen(tmp, "w")
                  : NULL;
    bool ok = f && fputs(t, f) >= 0;
    if (f && fclose(f) != 0) ok = false;
    if (ok && rename(tmp, transcript) != 0) ok = false;
    if (!ok) {
      if (f) remove(tmp);
      cli_error("cannot write the transcript to '%s'", transcript);
      code = EXIT_RUNTIME;
    }
    free(tmp);
    pl_free(t);
  }
  if (!code) {
    /* distances to the frontier and to Nash, when the analysis can say */
    pl_analysis *a = NULL;
    const pl_point *agr = pl_session_agreement(x);
    if ((agr || plot) && pl_analyze(s, NULL, &a, NULL) != PL_OK) a = NULL;
    if (json) {
      code = cli_put_json(pl_session_to_json(x, a));
    } else {
      text_session(stdout, s, x, a);
    }
    if (!code && plot && pl_plot_session(s, x, a, plot, NULL, &err)) {
      cli_report(&err);
      code = cli_plot_exit_code(err.code);
    }
    pl_analysis_free(a);
  }
  pl_session_free(x);
  free(agent_list);
  free(agents_given);
  for (int p = 0; keys && p < np; p++) pl_key_free(keys[p]);
  free(keys);
  free(sg);
  pl_scenario_free(s);
  for (size_t k = 0; abs && k < cs.o.n_inputs; k++) free(abs[k]);
  free(abs);
  return cli_finish_output(code);
usage:
  cli_inputs_free(&in);
  free(agent_list);
  free(sg);
  return EXIT_USAGE;
}
