/* parley improve INPUT... --from PACKAGE [--json] [limits] */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const char cmd_improve_help[] =
    "usage: parley improve INPUT... --from PACKAGE [options]\n"
    "\n"
    "Can a deal be improved? Whether PACKAGE is Pareto-efficient among the\n"
    "packages every red line and reservation value allows; if not, the\n"
    "improvements every party weakly prefers (one strictly): the one that\n"
    "maximises the smallest gain, the one that maximises the product of\n"
    "gains, and every Pareto-optimal one, each with the trades that lead\n"
    "to it.\n"
    "\n"
    INPUT_HELP
    "\n"
    "PACKAGE is issue=option,issue=option,... (issues left out stay at the\n"
    "status quo), status_quo, or transcript:FILE (the agreement a\n"
    "negotiation's transcript ends with, from 'parley run --transcript').\n"
    "\n"
    "options:\n"
    "  --from PACKAGE      the package to improve on (required)\n"
    "  --json              print one JSON object (docs/mediation-json.md)\n"
    "  --max-outcomes N    enumerate at most N outcomes (default 4294967296)\n"
    "  --memory SIZE       memory for results, e.g. 512M (default 16G)\n"
    INPUT_OPTIONS_HELP
    "  -h, --help          show this help\n"
    "\n"
    "exit codes: 0 ok, 1 runtime failure (e.g. too large), 2 usage, 3 bad "
    "input (PACKAGE included)\n";

static void print_one(FILE *out, const pl_scenario *s, const pl_improve *x,
                      const char *label, const pl_point *pt) {
  fprintf(out, "\n%s\n  ", label);
  cli_print_package(out, s, pt->options);
  char *t = pl_improve_trades(x, pt);
  fprintf(out, "\n  %s\n", t ? t : "(out of memory)");
  pl_free(t);
}

static void text_improve(FILE *out, const pl_scenario *s,
                         const pl_improve *x) {
  const pl_point *from = pl_improve_from(x);
  fprintf(out, "Scenario  %s\n", pl_scenario_id(s));
  fputs("From      ", out);
  cli_print_package(out, s, from->options);
  fputs("\n          ", out);
  double none[1024];
  for (int p = 0; p < pl_scenario_party_count(s) && p < 1024; p++)
    none[p] = -1;
  cli_print_gains(out, s, from->utilities, none);
  fputc('\n', out);
  if (!pl_improve_from_feasible(x))
    fputs("          (it breaks a red line or a reservation value)\n", out);
  if (pl_improve_efficient(x)) {
    fputs(pl_improve_from_feasible(x)
              ? "\nPareto-efficient: no feasible package makes a party "
                "better off without making another worse off.\n"
              : "\nNo feasible package improves on it.\n",
          out);
    return;
  }
  uint64_t n = pl_improve_count(x);
  fputs("\nNot Pareto-efficient: ", out);
  if (n != UINT64_MAX)
    fprintf(out, "%llu %s on it, ", (unsigned long long)n,
            n == 1 ? "package improves" : "packages improve");
  fprintf(out, "%zu of them Pareto-optimal.\n", pl_improve_best_count(x));
  print_one(out, s, x, "Largest smallest gain", pl_improve_max_min(x));
  print_one(out, s, x, "Largest product of gains (Nash)",
            pl_improve_max_nash(x));
  fputs("\nEvery Pareto-optimal improvement\n", out);
  for (size_t k = 0; k < pl_improve_best_count(x); k++) {
    char *t = pl_improve_trades(x, pl_improve_best(x, k));
    fprintf(out, "  %zu. %s\n", k + 1, t ? t : "(out of memory)");
    pl_free(t);
  }
}

int cmd_improve(int argc, char **argv) {
  cli_inputs in;
  int json = 0;
  const char *from = NULL;
  pl_improve_options opts;
  pl_improve_options_init(&opts);
  if (cli_inputs_init(&in, argc)) return EXIT_RUNTIME;
  for (int k = 1; k < argc; k++) {
    const char *arg = argv[k];
    const char *val = k + 1 < argc ? argv[k + 1] : NULL;
    int used = cli_inputs_option(&in, arg, val);
    if (used < 0) goto usage;
    if (used) {
      k += used - 1;
    } else if (!strcmp(arg, "--json")) {
      json = 1;
    } else if (!strcmp(arg, "--from")) {
      if (!val) {
        cli_error("--from takes a package: issue=option,... or status_quo");
        goto usage;
      }
      from = val;
      k++;
    } else if ((used = cli_limit_option(arg, val, &opts.max_outcomes,
                                         &opts.memory_limit))) {
      if (used < 0) goto usage;
      k++;
    } else {
      cli_error("unknown option '%s' (see 'parley improve --help')", arg);
      goto usage;
    }
  }
  if (!from) {
    cli_error("improve needs --from PACKAGE (see 'parley improve --help')");
    goto usage;
  }
  pl_scenario *s = NULL;
  int code = cli_inputs_load(&in, "improve", &s);
  cli_inputs_free(&in);
  if (code) return code;
  pl_error err = {0};
  uint32_t *o = malloc(((size_t)pl_scenario_issue_count(s) + 1) * sizeof *o);
  pl_improve *x = NULL;
  if (!o) {
    cli_error("out of memory");
    code = EXIT_RUNTIME;
  } else if (cli_package(s, from, o, &err) ||
             pl_improve_compute(s, o, &opts, &x, &err)) {
    cli_report(&err);
    code = cli_exit_code(err.code);
  } else if (json) {
    code = cli_put_json(pl_improve_to_json(x));
  } else {
    text_improve(stdout, s, x);
  }
  free(o);
  pl_improve_free(x);
  pl_scenario_free(s);
  return cli_finish_output(code);
usage:
  cli_inputs_free(&in);
  return EXIT_USAGE;
}
