/* Scenario inputs on the command line, shared by every command that reads
 * a scenario: the input paths and the options about reading them. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int cli_inputs_init(cli_inputs *in, int argc) {
  memset(in, 0, sizeof *in);
  pl_load_options_init(&in->load);
  in->paths = calloc((size_t)argc + 1, sizeof *in->paths);
  if (!in->paths) {
    cli_error("out of memory");
    return -1;
  }
  return 0;
}

void cli_inputs_free(cli_inputs *in) {
  free(in->paths);
  in->paths = NULL;
}

int cli_inputs_option(cli_inputs *in, const char *arg, const char *val) {
  if (!strcmp(arg, "--real-intervals")) {
    uint64_t n;
    if (!val || cli_parse_count(val, &n) || n > 1000000) {
      cli_error("--real-intervals takes a whole number from 1 to 1000000");
      return -1;
    }
    in->load.real_intervals = (unsigned)n;
    return 2;
  }
  if (arg[0] == '-' && arg[1]) return 0; /* the command's own option */
  in->paths[in->n++] = arg;
  return 1;
}

int cli_inputs_load(cli_inputs *in, const char *cmd, pl_scenario **s) {
  if (!in->n) {
    cli_error("%s needs an input (see 'parley %s --help')", cmd, cmd);
    return EXIT_USAGE;
  }
  pl_error err = {0};
  int rc = pl_scenario_load_inputs(in->paths, in->n, &in->load, s, &err);
  if (rc) {
    cli_report(&err);
    return rc == PL_ENOMEM ? EXIT_RUNTIME : EXIT_INPUT;
  }
  return EXIT_OK;
}

/* Splits "a,b:e=1,k=0.1,c" into agents: a comma starts a new agent unless
 * what follows is a parameter (name=value). */
int cli_split_agents(char *list, const char **out, int max) {
  int n = 0;
  char *p = list;
  while (*p && n < max) {
    out[n++] = p;
    char *q = p;
    for (;;) {
      q = strchr(q, ',');
      if (!q) break;
      size_t name = strcspn(q + 1, ",=:/");
      if (q[1 + name] == '=' && strchr(p, ':') && strchr(p, ':') < q) {
        q++; /* a parameter of the same agent */
        continue;
      }
      break;
    }
    if (!q) break;
    *q = 0;
    p = q + 1;
  }
  return n;
}
