/* parley agent-check AGENT [INPUT...]: a candidate agent through the
 * checker's scripted negotiations (pl_agent_check_run,
 * docs/agent-protocol.md "Before you submit"). */
#include <stdio.h>
#include <string.h>

#include "cli.h"

const char cmd_agent_check_help[] =
    "usage: parley agent-check AGENT [INPUT...] [options]\n"
    "\n"
    "Runs an agent through a script of negotiations against built-in\n"
    "strategies - SAOP to the deadline in either seat, a walk-out by the\n"
    "other side, the single text drafted by either side, the mediated text\n"
    "in either seat - and reports every negotiation in which it broke the\n"
    "protocol or its party's rules, with its offending line and the\n"
    "question it answered (docs/agent-protocol.md). AGENT is what --agents\n"
    "takes: 'ext:COMMAND', ext+tcp:HOST:PORT, ext+unix:PATH, a plug-in.\n"
    "The scenario is a built-in job offer (examples/job-offer.yaml), or\n"
    "INPUT, a scenario of two parties.\n"
    "\n" INPUT_HELP
    "\n"
    "options:\n"
    "  --rounds N          each negotiation's deadline (default 10)\n"
    "  --move-time S       time for one answer (default 10; 0: no limit)\n"
    "  --max-message SIZE  longest message (default 1M)\n" INPUT_OPTIONS_HELP
    "  -h, --help          show this help\n"
    "\n"
    "exit codes: 0 no violation, 1 runtime failure, 2 usage (or an agent\n"
    "that cannot be named), 3 bad input, 4 the agent broke a rule\n";

int cmd_agent_check(int argc, char **argv) {
  cli_inputs in;
  const char *agent = NULL;
  cli_session cs = {0};
  pl_session_options_init(&cs.o);
  cs.o.move_limit = 10;
  cs.o.rounds = 10;
  if (cli_inputs_init(&in, argc)) return EXIT_RUNTIME;
  for (int k = 1; k < argc; k++) {
    const char *arg = argv[k];
    const char *val = k + 1 < argc ? argv[k + 1] : NULL;
    int used = 0;
    if (!agent && arg[0] != '-') {
      agent = arg;
      continue;
    }
    if (!strcmp(arg, "--rounds") || !strcmp(arg, "--move-time") ||
        !strcmp(arg, "--max-message"))
      used = cli_session_option(&cs, arg, val);
    if (!used) used = cli_inputs_option(&in, arg, val);
    if (used < 0) goto usage;
    if (used) {
      k += used - 1;
    } else {
      cli_error("unknown option or missing value '%s' (see 'parley "
                "agent-check --help')", arg);
      goto usage;
    }
  }
  if (!agent) {
    cli_error("agent-check needs an agent, e.g. 'ext:python3 agent.py' (see "
              "'parley agent-check --help')");
    goto usage;
  }
  if (cs.o.rounds < 1) {
    cli_error("--rounds takes a whole number from 1");
    goto usage;
  }
  pl_scenario *s = NULL;
  if (in.n) {
    int code = cli_inputs_load(&in, "agent-check", &s);
    if (code) {
      cli_inputs_free(&in);
      return code;
    }
  }
  cli_inputs_free(&in);
  pl_agent_check_options o;
  pl_agent_check_options_init(&o);
  o.move_limit = cs.o.move_limit;
  o.max_message = cs.o.max_message;
  o.rounds = cs.o.rounds;
  o.scenario = s;
  pl_agent_check *c = NULL;
  pl_error err = {0};
  int rc = pl_agent_check_run(agent, &o, &c, &err);
  pl_scenario_free(s);
  if (rc) {
    cli_report(&err);
    return rc == PL_ENOMEM ? EXIT_RUNTIME : EXIT_USAGE;
  }
  size_t n = pl_agent_check_count(c), bad = pl_agent_check_violations(c);
  for (size_t k = 0; k < n; k++) {
    const pl_agent_check_case *x = pl_agent_check_get(c, k);
    if (!x->violation) {
      printf("ok    %s (%s, %d round%s)\n", x->name, x->ended_by, x->rounds,
             x->rounds == 1 ? "" : "s");
      continue;
    }
    printf("FAIL  %s: %s\n", x->name, x->reason);
    if (*x->line) printf("      its line:  %.300s%s\n", x->line,
                         strlen(x->line) > 300 ? "..." : "");
    else printf("      its line:  (none)\n");
    if (*x->question) printf("      answering: %.300s%s\n", x->question,
                             strlen(x->question) > 300 ? "..." : "");
    else printf("      answering: (no question was open)\n");
  }
  printf("%zu of %zu negotiations broke a rule\n", bad, n);
  pl_agent_check_free(c);
  return cli_finish_output(bad ? EXIT_VERIFY : EXIT_OK);
usage:
  cli_inputs_free(&in);
  return EXIT_USAGE;
}
