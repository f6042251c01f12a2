/* parley analyze INPUT... [--json] [--method M] [--kalai K] [limits] */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

const char cmd_analyze_help[] =
    "usage: parley analyze INPUT... [options]\n"
    "\n"
    "Analyses a negotiation scenario: outcome and feasible counts, the class\n"
    "of every issue, deadlocks and the red lines behind them, partial\n"
    "agreements, the Pareto frontier and the Nash, Kalai-Smorodinsky,\n"
    "utilitarian and egalitarian packages.\n"
    "\n"
    INPUT_HELP
    "\n"
    "options:\n"
    "  --json              print one JSON object (docs/analysis-json.md)\n"
    "  --plot FILE         also draw the outcome space: FILE.svg, .png or .pdf\n"
    "                      (docs/report.md)\n"
    "  --unlock K          with --plot: draw the outcome space with the K-th\n"
    "                      cheapest concession set of 'parley unlock' made,\n"
    "                      so the packages it opens show as feasible\n"
    "  --method M          auto (default), enumerate, structural or boxes\n"
    "  --kalai K           proper (default: Kalai-Smorodinsky) or genius (the\n"
    "                      point GENIUS and ANL call Kalai: min sum |ui - uj|)\n"
    "  --epsilon E         an approximate frontier: every Pareto-optimal\n"
    "                      package less than E below a listed one (for many\n"
    "                      parties; structural and box methods)\n"
    "  --max-boxes N       budget of the box method, in boxes and bound\n"
    "                      refinements (default 4000000): exact if it\n"
    "                      finishes within it, else\n"
    "                      an epsilon-frontier that states its epsilon\n"
    "  --max-outcomes N    enumerate at most N outcomes (default 4294967296)\n"
    "  --memory SIZE       memory for results, e.g. 512M, 16G (default 16G)\n"
    "  --partial-max-issues N\n"
    "                      look for partial agreements up to N issues\n"
    "                      (default 16)\n"
    INPUT_OPTIONS_HELP
    "  -h, --help          show this help\n"
    "\n"
    "exit codes: 0 ok, 1 runtime failure (e.g. too large), 2 usage, 3 bad "
    "input\n";

/* Progress on a terminal's stderr, once the analysis has run a second. */
typedef struct progress {
  double start;
  int shown;
} progress;

static double seconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int show_progress(void *ctx, double done) {
  progress *pr = ctx;
  double t = seconds() - pr->start;
  if (t < 1) return 0;
  fprintf(stderr, "\rparley: enumerating, %3.0f%% after %.0f s", 100 * done, t);
  pr->shown = 1;
  return 0;
}

/* --plot with --unlock K: the outcome space once set K's moves are made. */
static int plot_unlocked(const pl_scenario *s, size_t k, const char *plot,
                         const pl_analysis_options *ao) {
  pl_unlock_options uo;
  pl_unlock_options_init(&uo);
  uo.max_sets = k;
  uo.max_outcomes = ao->max_outcomes;
  uo.memory_limit = ao->memory_limit;
  pl_error err = {0};
  pl_unlock *u = NULL;
  if (pl_unlock_compute(s, &uo, &u, &err)) {
    cli_report(&err);
    return cli_exit_code(err.code);
  }
  int code = EXIT_OK;
  const pl_analysis *a = pl_unlock_set_analysis(u, k - 1);
  if (!pl_unlock_needed(u)) {
    cli_error("--unlock %zu: nothing to unlock, some packages are feasible "
              "already",
              k);
    code = EXIT_USAGE;
  } else if (k > pl_unlock_total(u)) {
    cli_error("--unlock %zu: the scenario has %zu minimal concession sets", k,
              pl_unlock_total(u));
    code = EXIT_USAGE;
  } else if (!a) {
    cli_error("--unlock %zu: the packages it opens were not computed (too "
              "many outcomes)",
              k);
    code = EXIT_RUNTIME;
  } else if (pl_plot_analysis(a, plot, NULL, &err)) {
    cli_report(&err);
    code = cli_plot_exit_code(err.code);
  }
  pl_unlock_free(u);
  return code;
}

int cmd_analyze(int argc, char **argv) {
  cli_inputs in;
  int json = 0;
  const char *plot = NULL;
  size_t unlock_k = 0;
  pl_analysis_options opts;
  pl_analysis_options_init(&opts);
  if (cli_inputs_init(&in, argc)) return EXIT_RUNTIME;
  for (int k = 1; k < argc; k++) {
    const char *arg = argv[k];
    const char *val = k + 1 < argc ? argv[k + 1] : NULL;
    int used = cli_inputs_option(&in, arg, val);
    if (used < 0) {
      cli_inputs_free(&in);
      return EXIT_USAGE;
    }
    if (used) {
      k += used - 1;
    } else if (!strcmp(arg, "--json")) {
      json = 1;
    } else if (!strcmp(arg, "--plot")) {
      if (!val || cli_check_plot(val)) goto usage;
      plot = val;
      k++;
    } else if (!strcmp(arg, "--unlock")) {
      uint64_t n;
      if (!val || cli_parse_count(val, &n) || n == 0 || n > 1000000) {
        cli_error("--unlock takes the rank of a concession set: 1, 2, ...");
        goto usage;
      }
      unlock_k = (size_t)n;
      k++;
    } else if (!strcmp(arg, "--method")) {
      if (!val || (strcmp(val, "auto") && strcmp(val, "enumerate") &&
                   strcmp(val, "structural") && strcmp(val, "boxes"))) {
        cli_error("--method takes auto, enumerate, structural or boxes");
        goto usage;
      }
      opts.method = !strcmp(val, "auto")         ? PL_METHOD_AUTO
                    : !strcmp(val, "enumerate")  ? PL_METHOD_ENUMERATE
                    : !strcmp(val, "structural") ? PL_METHOD_STRUCTURAL
                                                 : PL_METHOD_BOXES;
      k++;
    } else if (!strcmp(arg, "--kalai")) {
      if (!val || (strcmp(val, "proper") && strcmp(val, "genius"))) {
        cli_error("--kalai takes proper or genius");
        goto usage;
      }
      opts.kalai = strcmp(val, "proper") ? PL_KALAI_GENIUS : PL_KALAI_PROPER;
      k++;
    } else if (!strcmp(arg, "--epsilon")) {
      char *end;
      opts.epsilon = val ? strtod(val, &end) : -1;
      if (!val || *end || !(opts.epsilon > 0 && opts.epsilon < 1)) {
        cli_error("--epsilon takes a number between 0 and 1, e.g. 0.01");
        goto usage;
      }
      k++;
    } else if ((used = cli_limit_option(arg, val, &opts.max_outcomes,
                                         &opts.memory_limit))) {
      if (used < 0) goto usage;
      k++;
    } else if (!strcmp(arg, "--max-boxes")) {
      if (!val || cli_parse_count(val, &opts.max_boxes) ||
          opts.max_boxes == 0) {
        cli_error("--max-boxes takes a positive whole number");
        goto usage;
      }
      k++;
    } else if (!strcmp(arg, "--partial-max-issues")) {
      uint64_t n;
      if (!val || cli_parse_count(val, &n) || n > 62) {
        cli_error("--partial-max-issues takes a whole number from 1 to 62");
        goto usage;
      }
      opts.partial_max_issues = (int)n;
      k++;
    } else {
      cli_error("unknown option '%s' (see 'parley analyze --help')", arg);
      goto usage;
    }
  }
  if (unlock_k && !plot) {
    cli_error("--unlock goes with --plot");
    goto usage;
  }
  pl_scenario *s = NULL;
  int code = cli_inputs_load(&in, "analyze", &s);
  cli_inputs_free(&in);
  if (code) return code;
  pl_error err = {0};
  pl_analysis *a = NULL;
  progress pr = {seconds(), 0};
  if (isatty(STDERR_FILENO)) {
    opts.progress = show_progress;
    opts.progress_ctx = &pr;
  }
  int failed = pl_analyze(s, &opts, &a, &err);
  if (pr.shown) fputs("\r\033[K", stderr); /* clear the progress line */
  if (failed) {
    cli_report(&err);
    pl_scenario_free(s);
    return EXIT_RUNTIME;
  }
  if (json) {
    code = cli_put_json(pl_analysis_to_json(a));
  } else {
    text_analysis(stdout, s, a);
  }
  if (!code && plot && unlock_k) {
    code = plot_unlocked(s, unlock_k, plot, &opts);
  } else if (!code && plot && pl_plot_analysis(a, plot, NULL, &err)) {
    cli_report(&err);
    code = cli_plot_exit_code(err.code);
  }
  pl_analysis_free(a);
  pl_scenario_free(s);
  return cli_finish_output(code);
usage:
  cli_inputs_free(&in);
  return EXIT_USAGE;
}
