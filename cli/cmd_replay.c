/* parley replay TRANSCRIPT [--json]: a negotiation with external agents
 * run again from its transcript (docs/agent-protocol.md). */
#include <stdio.h>
#include <string.h>

#include "cli.h"

const char cmd_replay_help[] =
    "usage: parley replay TRANSCRIPT [--json]\n"
    "\n"
    "Runs again a negotiation with external agents from the transcript\n"
    "'parley run --transcript' wrote: the scenario from the inputs it\n"
    "names, the built-in agents as they were, the external agents'\n"
    "answers from the recorded messages (no program is started). parley's\n"
    "own messages are compared with the recorded ones, and the result with\n"
    "the recorded result (docs/agent-protocol.md).\n"
    "\n"
    "options:\n"
    "  --json        print the result as one JSON object\n"
    "  -h, --help    show this help\n"
    "\n"
    "exit codes: 0 the same result, 1 a different result (or a runtime\n"
    "failure), 2 usage, 3 bad input\n";

int cmd_replay(int argc, char **argv) {
  const char *path = NULL;
  int json = 0;
  for (int k = 1; k < argc; k++) {
    if (!strcmp(argv[k], "--json")) {
      json = 1;
    } else if (argv[k][0] != '-' && !path) {
      path = argv[k];
    } else {
      cli_error("unknown option or extra argument '%s' (see 'parley replay "
                "--help')", argv[k]);
      return EXIT_USAGE;
    }
  }
  if (!path) {
    cli_error("replay needs a transcript (see 'parley replay --help')");
    return EXIT_USAGE;
  }
  pl_replay *r = NULL;
  pl_error err = {0};
  int rc = pl_replay_open(path, &r, &err);
  if (rc) {
    cli_report(&err);
    return rc == PL_ENOMEM || rc == PL_EIO ? EXIT_RUNTIME : EXIT_INPUT;
  }
  pl_session *x = pl_replay_session(r);
  while ((rc = pl_session_step(x)) == PL_SESSION_RUNNING) {
  }
  int code = EXIT_OK;
  if (rc < 0) {
    cli_error("%s", pl_strerror(rc));
    code = EXIT_RUNTIME;
  } else {
    if (json) code = cli_put_json(pl_session_to_json(x, NULL));
    else text_session(stdout, pl_replay_scenario(r), x, NULL);
    char why[256];
    if (!pl_replay_same(r, why, sizeof why)) {
      cli_error("the replay does not reach the recorded result: %s%s%s", why,
                *pl_session_failure(x) ? "; " : "", pl_session_failure(x));
      code = EXIT_RUNTIME;
    } else if (!json) {
      puts("Replay    the recorded result");
    }
  }
  pl_replay_free(r);
  return cli_finish_output(code);
}
