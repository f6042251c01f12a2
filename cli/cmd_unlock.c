/* parley unlock INPUT... [--json] [--max-sets N] [--by PARTY] [limits] */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const char cmd_unlock_help[] =
    "usage: parley unlock INPUT... [options]\n"
    "\n"
    "What would unlock a deadlock: every minimal set of concessions (red\n"
    "lines moved to a weaker variant or dropped, reservation values lowered\n"
    "by the least that suffices) that opens a zone of agreement, cheapest\n"
    "first (ties: fewest parties moving), with the packages each opens:\n"
    "their Nash, Kalai-Smorodinsky and egalitarian packages and each\n"
    "party's gain over the status quo. Concessions and their costs come\n"
    "from the scenario (docs/scenario-format.md, \"Concessions\").\n"
    "\n"
    INPUT_HELP
    "\n"
    "options:\n"
    "  --json              print one JSON object (docs/mediation-json.md)\n"
    "  --max-sets N        describe the N cheapest sets (default 10; the\n"
    "                      fairest are added when beyond)\n"
    "  --by PARTY          only this party's concessions (what can it do\n"
    "                      alone?)\n"
    "  --budget N          keep at most N candidate sets while searching\n"
    "                      (default 100000); beyond it the list may be\n"
    "                      incomplete, and says so\n"
    "  --max-outcomes N    enumerate at most N outcomes (default 4294967296)\n"
    "  --memory SIZE       memory for the search, e.g. 512M (default 16G)\n"
    INPUT_OPTIONS_HELP
    "  -h, --help          show this help\n"
    "\n"
    "exit codes: 0 ok, 1 runtime failure (e.g. too large), 2 usage, 3 bad "
    "input\n";

static void print_set(FILE *out, const pl_scenario *s, const pl_unlock *u,
                      size_t k, const double *sq) {
  const pl_unlock_set *st = pl_unlock_set_at(u, k);
  fprintf(out, "\n%zu. cost %.3f, %d %s moving", k + 1, st->cost,
          st->parties_moving, st->parties_moving == 1 ? "party" : "parties");
  if (st->fairest)
    fprintf(out, "; fairest (no party bears more than %.3f)",
            st->max_party_cost);
  fputc('\n', out);
  for (size_t j = 0; j < st->n_moves; j++) {
    const pl_move *m = &st->moves[j];
    const char *who = pl_scenario_party_id(s, m->party);
    if (m->kind == PL_MOVE_LOWER) {
      fprintf(out, "   %s lowers its reservation value from %.4f to %.4f",
              who, m->from, m->to);
    } else if (m->kind == PL_MOVE_DROP) {
      fprintf(out, "   %s drops red line %s", who,
              pl_scenario_red_line_id(s, m->red_line));
    } else {
      fprintf(out, "   %s relaxes red line %s to %s", who,
              pl_scenario_red_line_id(s, m->red_line),
              pl_scenario_variant_id(s, m->red_line, m->variant));
      const char *d =
          pl_scenario_variant_description(s, m->red_line, m->variant);
      if (*d) fprintf(out, " (%s)", d);
    }
    fprintf(out, "  [cost %.3f]\n", m->cost);
  }
  if (!st->solution[PL_SOLUTION_NASH]) {
    fputs("   (the packages it opens were not computed: too many outcomes)\n",
          out);
    return;
  }
  if (st->feasible == UINT64_MAX)
    fprintf(out, "   opens a zone of agreement; Pareto frontier %zu\n",
            st->pareto_count);
  else
    fprintf(out, "   opens %llu %s; Pareto frontier %zu\n",
            (unsigned long long)st->feasible,
            st->feasible == 1 ? "package" : "packages", st->pareto_count);
  const pl_solution which[] = {PL_SOLUTION_NASH, PL_SOLUTION_KALAI,
                               PL_SOLUTION_EGALITARIAN};
  const char *label[] = {"Nash", "Kalai-Smor.", "egalitarian"};
  for (int w = 0; w < 3; w++) {
    const pl_point *pt = st->solution[which[w]];
    fprintf(out, "   %-12s", label[w]);
    cli_print_package(out, s, pt->options);
    fputc('\n', out);
    fprintf(out, "   %-12s", "");
    cli_print_gains(out, s, pt->utilities, sq);
    fputc('\n', out);
  }
}

static void text_unlock(FILE *out, const pl_scenario *s, const pl_unlock *u) {
  fprintf(out, "Scenario  %s\n", pl_scenario_id(s));
  fprintf(out, "Method    %s\n", pl_unlock_method(u));
  int by = pl_unlock_party(u);
  if (by >= 0)
    fprintf(out, "Only      %s's concessions\n", pl_scenario_party_id(s, by));
  if (!pl_unlock_needed(u)) {
    fputs("\nNothing to unlock: some packages satisfy every red line and "
          "reservation value already.\n",
          out);
    return;
  }
  size_t total = pl_unlock_total(u), shown = pl_unlock_set_count(u);
  if (total == 0) {
    fprintf(out, "\nNo concession%s opens a zone of agreement.\n",
            by >= 0 ? " of this party alone" : "");
  } else {
    fprintf(out, "\n%zu minimal concession %s a zone of agreement", total,
            total == 1 ? "set opens" : "sets open");
    if (shown < total) fprintf(out, "; the %zu described:", shown);
    fputc('\n', out);
  }
  if (pl_unlock_incomplete(u))
    fputs("The search stopped at its budget: the list may be incomplete "
          "(see --budget).\n",
          out);
  double sq[1024];
  int np = pl_scenario_party_count(s);
  for (int p = 0; p < np && p < 1024; p++)
    sq[p] = pl_unlock_status_quo_utility(u, p);
  if (shown > 0 && np > 0 && sq[0] >= 0)
    fputs("(utilities, and in brackets the gain over the status quo)\n", out);
  for (size_t k = 0; k < shown; k++) print_set(out, s, u, k, sq);
}

int cmd_unlock(int argc, char **argv) {
  cli_inputs in;
  int json = 0;
  const char *by = NULL;
  pl_unlock_options opts;
  pl_unlock_options_init(&opts);
  if (cli_inputs_init(&in, argc)) return EXIT_RUNTIME;
  for (int k = 1; k < argc; k++) {
    const char *arg = argv[k];
    const char *val = k + 1 < argc ? argv[k + 1] : NULL;
    uint64_t n;
    int used = cli_inputs_option(&in, arg, val);
    if (used < 0) goto usage;
    if (used) {
      k += used - 1;
    } else if (!strcmp(arg, "--json")) {
      json = 1;
    } else if (!strcmp(arg, "--by")) {
      if (!val) {
        cli_error("--by takes a party id");
        goto usage;
      }
      by = val;
      k++;
    } else if (!strcmp(arg, "--max-sets") || !strcmp(arg, "--budget")) {
      if (!val || cli_parse_count(val, &n) || n > 1000000000) {
        cli_error("%s takes a positive whole number", arg);
        goto usage;
      }
      if (arg[2] == 'm')
        opts.max_sets = (size_t)n;
      else
        opts.max_candidates = (size_t)n;
      k++;
    } else if ((used = cli_limit_option(arg, val, &opts.max_outcomes,
                                         &opts.memory_limit))) {
      if (used < 0) goto usage;
      k++;
    } else {
      cli_error("unknown option '%s' (see 'parley unlock --help')", arg);
      goto usage;
    }
  }
  pl_scenario *s = NULL;
  int code = cli_inputs_load(&in, "unlock", &s);
  cli_inputs_free(&in);
  if (code) return code;
  if (by && (opts.party = pl_scenario_find_party(s, by)) < 0) {
    cli_error("--by: scenario \"%s\" has no party \"%s\"", pl_scenario_id(s),
              by);
    pl_scenario_free(s);
    return EXIT_USAGE;
  }
  pl_error err = {0};
  pl_unlock *u = NULL;
  if (pl_unlock_compute(s, &opts, &u, &err)) {
    cli_report(&err);
    pl_scenario_free(s);
    return cli_exit_code(err.code);
  }
  if (json)
    code = cli_put_json(pl_unlock_to_json(u));
  else
    text_unlock(stdout, s, u);
  pl_unlock_free(u);
  pl_scenario_free(s);
  return cli_finish_output(code);
usage:
  cli_inputs_free(&in);
  return EXIT_USAGE;
}
