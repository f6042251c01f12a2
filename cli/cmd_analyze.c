/* parley analyze INPUT [--json] [--method M] [--max-outcomes N] [--memory S] */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char help[] =
    "usage: parley analyze INPUT [options]\n"
    "\n"
    "Analyses a negotiation scenario: outcome and feasible counts, the class\n"
    "of every issue, deadlocks and the red lines behind them, partial\n"
    "agreements, the Pareto frontier and the Nash, Kalai-Smorodinsky,\n"
    "utilitarian and egalitarian packages.\n"
    "\n"
    "options:\n"
    "  --json              print one JSON object (docs/analysis-json.md)\n"
    "  --method M          auto (default) or enumerate\n"
    "  --max-outcomes N    enumerate at most N outcomes (default 4294967296)\n"
    "  --memory SIZE       memory for results, e.g. 512M, 16G (default 16G)\n"
    "  --partial-max-issues N\n"
    "                      look for partial agreements up to N issues\n"
    "                      (default 16)\n"
    "  -h, --help          show this help\n"
    "\n"
    "exit codes: 0 ok, 1 runtime failure (e.g. too large), 2 usage, 3 bad "
    "input\n";

int cmd_analyze(int argc, char **argv) {
  const char *input = NULL;
  int json = 0;
  pl_analysis_options opts;
  pl_analysis_options_init(&opts);
  for (int k = 1; k < argc; k++) {
    const char *arg = argv[k];
    const char *val = k + 1 < argc ? argv[k + 1] : NULL;
    if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
      fputs(help, stdout);
      return cli_finish_output(EXIT_OK);
    } else if (!strcmp(arg, "--json")) {
      json = 1;
    } else if (!strcmp(arg, "--method")) {
      if (!val || (strcmp(val, "auto") && strcmp(val, "enumerate"))) {
        cli_error("--method takes auto or enumerate");
        return EXIT_USAGE;
      }
      opts.method = strcmp(val, "auto") ? PL_METHOD_ENUMERATE : PL_METHOD_AUTO;
      k++;
    } else if (!strcmp(arg, "--max-outcomes")) {
      if (!val || cli_parse_count(val, &opts.max_outcomes)) {
        cli_error("--max-outcomes takes a positive whole number, e.g. 1e9");
        return EXIT_USAGE;
      }
      k++;
    } else if (!strcmp(arg, "--memory")) {
      if (!val || cli_parse_size(val, &opts.memory_limit)) {
        cli_error("--memory takes a size such as 512M or 16G");
        return EXIT_USAGE;
      }
      k++;
    } else if (!strcmp(arg, "--partial-max-issues")) {
      uint64_t n;
      if (!val || cli_parse_count(val, &n) || n > 62) {
        cli_error("--partial-max-issues takes a whole number from 1 to 62");
        return EXIT_USAGE;
      }
      opts.partial_max_issues = (int)n;
      k++;
    } else if (arg[0] == '-' && arg[1]) {
      cli_error("unknown option '%s' (see 'parley analyze --help')", arg);
      return EXIT_USAGE;
    } else if (input) {
      cli_error("analyze takes one input file; got '%s' and '%s'", input, arg);
      return EXIT_USAGE;
    } else {
      input = arg;
    }
  }
  if (!input) {
    cli_error("analyze needs an input file (see 'parley analyze --help')");
    return EXIT_USAGE;
  }
  pl_error err = {0};
  pl_scenario *s = NULL;
  int rc = pl_scenario_load(input, &s, &err);
  if (rc) {
    cli_report(&err);
    return rc == PL_ENOMEM ? EXIT_RUNTIME : EXIT_INPUT;
  }
  pl_analysis *a = NULL;
  rc = pl_analyze(s, &opts, &a, &err);
  if (rc) {
    cli_report(&err);
    pl_scenario_free(s);
    return EXIT_RUNTIME;
  }
  int code = EXIT_OK;
  if (json) {
    char *text = pl_analysis_to_json(a);
    if (!text) {
      cli_error("out of memory");
      code = EXIT_RUNTIME;
    } else {
      fputs(text, stdout);
      fputc('\n', stdout);
      pl_free(text);
    }
  } else {
    text_analysis(stdout, s, a);
  }
  pl_analysis_free(a);
  pl_scenario_free(s);
  return cli_finish_output(code);
}
