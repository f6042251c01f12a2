/* parley report INPUT... -o FILE.html [--run AGENTS] [--sequence PLAN] */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const char cmd_report_help[] =
    "usage: parley report INPUT... -o FILE.html [options]\n"
    "\n"
    "Writes one self-contained HTML page about a scenario, to read on a\n"
    "screen or print and hand over: the scenario in plain words, the issues\n"
    "and their classes, the red lines and the deadlocks they cause, the\n"
    "recommended packages with what each gives each party, and the picture of\n"
    "every package in the parties' utilities (point at a mark to see its\n"
    "package). When the scenario is deadlocked, what would unlock it (as\n"
    "'parley unlock'). Optionally a simulated negotiation, an implementation\n"
    "plan, and whether a deal can be improved (as 'parley improve').\n"
    "The page makes no network request (docs/report.md).\n"
    "\n"
    INPUT_HELP
    "\n"
    "options:\n"
    "  -o, --output FILE   the HTML file to write (required)\n"
    "  --title TEXT        the page's title (default: the scenario's)\n"
    "  --run AGENTS        add a negotiation between these agents, one per\n"
    "                      party (as 'parley run --agents')\n"
    "the negotiation's options, as 'parley run' takes them:\n"
    SESSION_OPTIONS_HELP
    "  --sequence PLAN     add the analysis of an implementation plan (YAML,\n"
    "                      docs/sequence-format.md)\n"
    "  --from PACKAGE      add \"Can this deal be improved\": PACKAGE as\n"
    "                      'parley improve --from' takes it\n"
    "  --max-sets N        \"What would unlock it\" (shown when the scenario\n"
    "                      is deadlocked) describes the N cheapest\n"
    "                      concession sets (default 3)\n"
    "  --record BUNDLE     add a signed record or bundle (parley publish):\n"
    "                      its verification and its events, withheld ones\n"
    "                      marked; without INPUT, the scenario in the bundle\n"
    INPUT_OPTIONS_HELP
    "  -h, --help          show this help\n"
    "\n"
    "exit codes: 0 ok, 1 runtime failure (e.g. cannot write FILE), 2 usage,\n"
    "3 bad input\n";

/* The mediator's sections: what would unlock a deadlocked scenario (left
 * out, with a warning, when it cannot be computed: the report still has
 * everything else), and, given --from, whether that deal can be improved. */
static int mediation(const pl_scenario *s, const pl_analysis *a,
                     const char *from, size_t max_sets, pl_unlock **u,
                     pl_improve **imp) {
  pl_error err = {0};
  if (!pl_analysis_pareto_count(a) && !pl_analysis_feasible_count(a)) {
    pl_unlock_options uo;
    pl_unlock_options_init(&uo);
    uo.max_sets = max_sets;
    if (pl_unlock_compute(s, &uo, u, &err)) {
      if (err.code == PL_ENOMEM) {
        cli_report(&err);
        return EXIT_RUNTIME;
      }
      fprintf(stderr, "parley: warning: the report leaves out \"What would "
                      "unlock it\": %s\n", err.message);
    }
  }
  if (!from) return EXIT_OK;
  uint32_t *o = malloc(((size_t)pl_scenario_issue_count(s) + 1) * sizeof *o);
  if (!o) {
    cli_error("out of memory");
    return EXIT_RUNTIME;
  }
  int rc = cli_package(s, from, o, &err);
  if (!rc) rc = pl_improve_compute(s, o, NULL, imp, &err);
  free(o);
  if (rc) {
    cli_report(&err);
    return cli_exit_code(err.code);
  }
  return EXIT_OK;
}

int cmd_report(int argc, char **argv) {
  cli_inputs in;
  const char *output = NULL, *title = NULL, *plan_path = NULL,
             *record_path = NULL, *from = NULL;
  uint64_t max_sets = 3;
  char *agent_list = NULL;
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
    } else if ((!strcmp(arg, "-o") || !strcmp(arg, "--output")) && val) {
      output = val;
      k++;
    } else if (!strcmp(arg, "--title") && val) {
      title = val;
      k++;
    } else if (!strcmp(arg, "--run") && val) {
      free(agent_list);
      agent_list = strdup(val);
      k++;
    } else if (!strcmp(arg, "--sequence") && val) {
      plan_path = val;
      k++;
    } else if (!strcmp(arg, "--from") && val) {
      from = val;
      k++;
    } else if (!strcmp(arg, "--max-sets") && val) {
      if (cli_parse_count(val, &max_sets) || max_sets > 1000) {
        cli_error("--max-sets takes a whole number from 0 to 1000");
        goto usage;
      }
      k++;
    } else if (!strcmp(arg, "--record") && val) {
      record_path = val;
      k++;
    } else {
      cli_error("unknown option or missing value '%s' (see 'parley report "
                "--help')",
                arg);
      goto usage;
    }
  }
  if (!output) {
    cli_error("report needs -o FILE.html (see 'parley report --help')");
    goto usage;
  }
  pl_scenario *s = NULL;
  pl_record *rec = NULL;
  pl_verdict *verdict = NULL;
  pl_error err = {0};
  int code = EXIT_OK;
  if (record_path) {
    int rc = pl_record_read(record_path, 0, &rec, &err);
    if (!rc) rc = pl_record_verify(rec, NULL, &verdict, &err);
    if (rc) {
      cli_report(&err);
      code = cli_exit_code(rc);
    }
  }
  if (!code && record_path && in.n == 0) {
    const char *t = pl_record_scenario_text(rec);
    if (!t) {
      cli_error("the bundle '%s' keeps only the scenario's hash: give the "
                "scenario as INPUT",
                record_path);
      code = EXIT_USAGE;
    } else if (pl_scenario_load_yaml(t, strlen(t), record_path, &s, &err)) {
      cli_report(&err);
      code = EXIT_INPUT;
    }
  } else if (!code) {
    code = cli_inputs_load(&in, "report", &s);
  }
  cli_inputs_free(&in);
  if (code) {
    pl_verdict_free(verdict);
    pl_record_free(rec);
    free(agent_list);
    return code;
  }
  pl_analysis *a = NULL;
  pl_unlock *u = NULL;
  pl_improve *imp = NULL;
  pl_session *x = NULL;
  pl_plan *plan = NULL;
  pl_sequence *seq = NULL;
  char setup[1200] = "";
  pl_report_options ro;
  pl_report_options_init(&ro);
  ro.title = title;
  if (pl_analyze(s, NULL, &a, &err)) {
    cli_report(&err);
    code = EXIT_RUNTIME;
    goto done;
  }
  if (plan_path) {
    int rc = pl_plan_load(plan_path, &plan, &err);
    if (!rc) rc = pl_sequence_analyze(plan, NULL, &seq, &err);
    if (rc) {
      cli_report(&err);
      code = rc == PL_ENOMEM ? EXIT_RUNTIME : EXIT_INPUT;
      goto done;
    }
    ro.sequence = seq;
  }
  if (agent_list) {
    /* the list as given: the negotiation splits it in place */
    int len = snprintf(setup, sizeof setup, "agents %s; ", agent_list);
    if ((code = cli_negotiate(s, &cs, agent_list, "--run", &x))) goto done;
    if (len > 0 && (size_t)len < sizeof setup)
      snprintf(setup + len, sizeof setup - (size_t)len,
               "protocol %s; %d rounds; seed %llu",
               pl_protocol_name(cs.o.protocol), cs.o.rounds,
               (unsigned long long)cs.o.seed);
    ro.session = x;
    ro.session_setup = setup;
  }
  ro.record = rec;
  ro.verdict = verdict;
  if ((code = mediation(s, a, from, (size_t)max_sets, &u, &imp))) goto done;
  ro.unlock = u;
  ro.improve = imp;
  if (pl_report_write(a, &ro, output, &err)) {
    cli_report(&err);
    code = cli_plot_exit_code(err.code); /* 2 without the cairo module */
  }
done:
  pl_unlock_free(u);
  pl_improve_free(imp);
  pl_verdict_free(verdict);
  pl_record_free(rec);
  pl_session_free(x);
  pl_sequence_free(seq);
  pl_plan_free(plan);
  pl_analysis_free(a);
  pl_scenario_free(s);
  free(agent_list);
  return cli_finish_output(code);
usage:
  cli_inputs_free(&in);
  free(agent_list);
  return EXIT_USAGE;
}
