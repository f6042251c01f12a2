/* parley sequence PLAN [--json] [--order a,b,c] [limits] */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "parley/sequence.h"

const char cmd_sequence_help[] =
    "usage: parley sequence PLAN [options]\n"
    "\n"
    "Analyses the order in which the steps of an agreement are carried out:\n"
    "whether every hard demand on the order can hold (and which demands\n"
    "clash), the order that breaks the least weight of demands, each party's\n"
    "running gain and slack after every step, and the guarantees and\n"
    "tranches that make a safe order exist (docs/sequencing.md).\n"
    "\n"
    "PLAN is a YAML plan (docs/sequence-format.md).\n"
    "\n"
    "options:\n"
    "  --json              print one JSON object (docs/sequencing.md)\n"
    "  --plot FILE         draw the order: each party's running gain against\n"
    "                      its bound; FILE.svg, .png or .pdf (docs/report.md)\n"
    "  --order A,B,...     evaluate this order of step ids instead of\n"
    "                      searching; a step split into k tranches appears\n"
    "                      k times\n"
    "  --max-states N      order ideals the exact search may visit (default\n"
    "                      33554432); beyond, a heuristic runs\n"
    "  --memory SIZE       memory for the exact search, e.g. 512M (default 2G)\n"
    "  --no-levers         skip the guarantees and tranches\n"
    "  -h, --help          show this help\n"
    "\n"
    "exit codes: 0 ok (also when the demands cannot all hold), 1 runtime\n"
    "failure, 2 usage, 3 bad plan\n";

static int max_int(int a, int b) { return a > b ? a : b; }

/* "step" or "step (2/3)" for the k-th position of an order. */
static void label(const pl_plan *p, const pl_sequence *r, pl_order_kind kind,
                  size_t pos, char *buf, size_t size) {
  size_t n;
  const int *o = pl_sequence_order(r, kind, &n);
  int s = o[pos], t = pl_sequence_order_tranches(r, kind, s);
  if (t <= 1) {
    snprintf(buf, size, "%s", pl_plan_step_id(p, s));
    return;
  }
  int k = 1;
  for (size_t j = 0; j < pos; j++) k += o[j] == s;
  snprintf(buf, size, "%s (%d/%d)", pl_plan_step_id(p, s), k, t);
}

static void print_demand(FILE *out, const pl_plan *p, int d) {
  char text[1024];
  fprintf(out, "%s: %s", pl_plan_party_id(p, pl_plan_demand_party(p, d)),
          pl_plan_demand_text(p, d, text, sizeof text));
  if (pl_plan_demand_hard(p, d))
    fputs(" (hard", out);
  else
    fprintf(out, " (weight %lld", (long long)pl_plan_demand_weight(p, d));
  const char *desc = pl_plan_demand_description(p, d);
  if (desc && *desc) fprintf(out, ": %s", desc);
  fputs(")", out);
}

static void print_header(FILE *out, const pl_plan *p, const pl_sequence *r) {
  const char *title = pl_plan_title(p);
  fprintf(out, "Plan      %s%s%s\n", pl_plan_id(p), *title ? ": " : "", title);
  if (pl_sequence_evaluated(r))
    fputs("Order     given (--order)\n", out);
  else if (pl_sequence_exact(r))
    fprintf(out, "Search    exact: dynamic programming over %llu order ideals\n",
            (unsigned long long)pl_sequence_states(r));
  else
    fputs("Search    heuristic (beam search): the plan has more order ideals "
          "than --max-states or --memory allow\n",
          out);
  int hard = 0, nd = pl_plan_demand_count(p);
  for (int d = 0; d < nd; d++) hard += pl_plan_demand_hard(p, d);
  fprintf(out, "Steps     %d; parties %d; demands %d (%d hard, %d soft)\n",
          pl_plan_step_count(p), pl_plan_party_count(p), nd, hard, nd - hard);
}

static void print_parties(FILE *out, const pl_plan *p, const pl_sequence *r) {
  int np = pl_plan_party_count(p), w = 5, wn = 4;
  for (int q = 0; q < np; q++) {
    w = max_int(w, (int)strlen(pl_plan_party_id(p, q)));
    wn = max_int(wn, (int)strlen(pl_plan_party_name(p, q)));
  }
  fprintf(out, "\nParties (K: gain from the whole plan + defection cost)\n");
  fprintf(out, "  %-*s  %-*s  %14s  %10s  %10s\n", w, "party", wn, "name",
          "defection cost", "total gain", "K");
  for (int q = 0; q < np; q++) {
    double d = pl_plan_defection_cost(p, q), k = pl_sequence_bound(r, q);
    fprintf(out, "  %-*s  %-*s  %14.3f  %10.3f  %10.3f\n", w,
            pl_plan_party_id(p, q), wn, pl_plan_party_name(p, q), d, k - d, k);
  }
}

static void print_conflicts(FILE *out, const pl_plan *p, const pl_sequence *r) {
  fputs("\nConflicts\n", out);
  if (pl_sequence_feasible(r)) {
    fputs("  Every hard demand can hold together with the prerequisites.\n", out);
    return;
  }
  size_t nc = pl_sequence_conflict_count(r);
  fprintf(out,
          "  No order satisfies every prerequisite and hard demand. Each of "
          "these sets\n  of hard demands cannot hold together:\n");
  for (size_t k = 0; k < nc; k++) {
    size_t n, nl;
    const int *set = pl_sequence_conflict(r, k, &n);
    const int *cyc = pl_sequence_conflict_cycle(r, k, &nl);
    for (size_t j = 0; j < n; j++) {
      if (j)
        fputs("     + ", out);
      else
        fprintf(out, "  %3zu. ", k + 1);
      print_demand(out, p, set[j]);
      fputc('\n', out);
    }
    fputs("       force the cycle ", out);
    for (size_t j = 0; j < nl; j++)
      fprintf(out, "%s%s", j ? " -> " : "", pl_plan_step_id(p, cyc[j]));
    fputc('\n', out);
  }
  if (!pl_sequence_conflicts_complete(r))
    fputs("  (the list may be incomplete: the search stopped at its limit)\n", out);
}

/* The order as a table: every party's running gain and slack. */
static void print_table(FILE *out, const pl_plan *p, const pl_sequence *r,
                        pl_order_kind kind) {
  size_t n;
  const int *o = pl_sequence_order(r, kind, &n);
  int np = pl_plan_party_count(p), ws = 7, wb = 5;
  char buf[512];
  for (size_t k = 0; k < n; k++) {
    label(p, r, kind, k, buf, sizeof buf);
    ws = max_int(ws, (int)strlen(buf));
    int by = pl_plan_step_by(p, o[k]);
    wb = max_int(wb, (int)strlen(by < 0 ? "joint" : pl_plan_party_id(p, by)));
  }
  int wc = 8; /* a column: gain or slack */
  for (int q = 0; q < np; q++)
    wc = max_int(wc, ((int)strlen(pl_plan_party_id(p, q)) + 1) / 2 + 1);
  fprintf(out, "  %4s  %-*s  %-*s", "", ws, "", wb, "");
  for (int q = 0; q < np; q++)
    fprintf(out, "  %*s", 2 * wc + 1, pl_plan_party_id(p, q));
  fprintf(out, "\n  %4s  %-*s  %-*s", "#", ws, "step", wb, "by");
  for (int q = 0; q < np; q++) fprintf(out, "  %*s %*s", wc, "gain", wc, "slack");
  fputc('\n', out);
  for (size_t k = 0; k <= n; k++) {
    if (k)
      label(p, r, kind, k - 1, buf, sizeof buf);
    else
      snprintf(buf, sizeof buf, "(start)");
    int by = k ? pl_plan_step_by(p, o[k - 1]) : -1;
    fprintf(out, "  %4zu  %-*s  %-*s", k, ws, buf, wb,
            !k ? "" : by < 0 ? "joint" : pl_plan_party_id(p, by));
    for (int q = 0; q < np; q++) {
      double s = pl_sequence_slack(r, kind, q, k);
      fprintf(out, "  %*.3f %*.3f", wc, pl_sequence_gain(r, kind, q, k), wc, s);
    }
    fputc('\n', out);
  }
}

/* "after step 3 (amnesty)" or "before the first step". */
static void print_place(FILE *out, const pl_plan *p, const pl_sequence *r,
                        pl_order_kind kind, size_t at) {
  char buf[512];
  if (!at) {
    fputs("before the first step", out);
    return;
  }
  label(p, r, kind, at - 1, buf, sizeof buf);
  fprintf(out, "after step %zu (%s)", at, buf);
}

static void print_exposure(FILE *out, const pl_plan *p, const pl_sequence *r,
                           pl_order_kind kind) {
  size_t at;
  int party, np = pl_plan_party_count(p);
  double m = pl_sequence_min_slack(r, kind, &at, &party);
  fprintf(out, "  Minimum slack %.3f, for %s ", m, pl_plan_party_id(p, party));
  print_place(out, p, r, kind, at);
  fputs(".\n", out);
  if (pl_sequence_safe(r, kind)) {
    fputs("  Safe: at no step has a party collected more than seeing the plan "
          "through gives it.\n",
          out);
    return;
  }
  for (int q = 0; q < np; q++) {
    if (!pl_sequence_exposed(r, kind, q)) continue;
    size_t qat;
    double qm = pl_sequence_party_min_slack(r, kind, q, &qat);
    fprintf(out, "  %s is exposed (tempted to walk away) ",
            pl_plan_party_id(p, q));
    print_place(out, p, r, kind, qat);
    fprintf(out, ": a defection cost of %.3f (%.3f more) would keep it.\n",
            pl_plan_defection_cost(p, q) - qm, -qm);
  }
}

static void print_violations(FILE *out, const pl_plan *p,
                             const pl_sequence *r, pl_order_kind kind) {
  size_t nv;
  const int *v = pl_sequence_violated(r, kind, &nv);
  if (!nv) {
    fputs("  Every demand holds.\n", out);
    return;
  }
  fputs("  Breaks:\n", out);
  for (size_t k = 0; k < nv; k++) {
    fputs("    ", out);
    print_demand(out, p, v[k]);
    fputc('\n', out);
  }
}

static void print_order_line(FILE *out, const pl_plan *p,
                             const pl_sequence *r, pl_order_kind kind) {
  size_t n;
  pl_sequence_order(r, kind, &n);
  char buf[512];
  fputs("  ", out);
  for (size_t k = 0; k < n; k++) {
    label(p, r, kind, k, buf, sizeof buf);
    fprintf(out, "%s%s", k ? ", " : "", buf);
  }
  fputc('\n', out);
}

/* How many orders are as good: "; 12 orders tie" and the like. */
static void print_count(FILE *out, const pl_sequence *r, pl_order_kind kind,
                        const char *one, const char *many) {
  int capped;
  uint64_t c = pl_sequence_optimal_orders(r, kind, &capped);
  if (!c) return;
  if (c == 1)
    fprintf(out, "; %s", one);
  else
    fprintf(out, "; %s%llu orders %s", capped ? "at least " : "",
            (unsigned long long)c, many);
}

static void print_levers(FILE *out, const pl_plan *p, const pl_sequence *r) {
  if (!pl_sequence_levers(r)) return;
  int np = pl_plan_party_count(p), w = 5;
  bool ev = pl_sequence_evaluated(r), ex = pl_sequence_exact(r);
  fputs("\nLevers\n", out);
  double u = pl_sequence_uniform_guarantee(r);
  if (u <= 0)
    fprintf(out, "  %s safe without further guarantees.\n",
            ev ? "The order is" : "A safe order exists:");
  else
    fprintf(out,
            "  Guarantees: %.3f more defection cost for every party makes %s"
            "%s.\n",
            u, ev ? "the order safe" : "a safe order exist",
            ex ? "" : " (heuristic: at most this much)");
  for (int q = 0; q < np; q++) w = max_int(w, (int)strlen(pl_plan_party_id(p, q)));
  fprintf(out, "  %-*s  %14s  %10s  %10s%s\n", w, "party", "defection cost",
          "needed", "extra", ev ? "" : "       alone");
  for (int q = 0; q < np; q++) {
    double needed, alone, d = pl_plan_defection_cost(p, q);
    int has = pl_sequence_guarantee(r, q, &needed, &alone);
    fprintf(out, "  %-*s  %14.3f  ", w, pl_plan_party_id(p, q), d);
    if (has)
      fprintf(out, "%10.3f  %10.3f", needed, needed - d);
    else
      fprintf(out, "%10s  %10s", "-", "-");
    if (!ev) fprintf(out, "  %10.3f", alone);
    fputc('\n', out);
  }
  if (ev)
    fputs("  needed: the defection cost that makes this order safe for the "
          "party.\n",
          out);
  else
    fputs("  needed: the defection cost that makes a safe order exist, the "
          "others' as they\n  are (-: none does); alone: what the party needs "
          "in the order best for it.\n",
          out);
  int extra;
  pl_tranche_status ts = pl_sequence_tranche_lever(r, &extra);
  switch (ts) {
  case PL_TRANCHES_NOT_NEEDED:
    fputs("  Tranches: not needed.\n", out);
    break;
  case PL_TRANCHES_FOUND: {
    fprintf(out, "  Tranches: %d extra tranche%s make%s a safe order exist: ",
            extra, extra == 1 ? "" : "s", extra == 1 ? "s" : "");
    int shown = 0;
    for (int s = 0; s < pl_plan_step_count(p); s++) {
      int t = pl_sequence_order_tranches(r, PL_ORDER_TRANCHED, s);
      if (t > 1)
        fprintf(out, "%s%s in %d", shown++ ? ", " : "", pl_plan_step_id(p, s), t);
    }
    fputc('\n', out);
    print_order_line(out, p, r, PL_ORDER_TRANCHED);
    fprintf(out, "  (minimum slack %.3f)\n",
            pl_sequence_min_slack(r, PL_ORDER_TRANCHED, NULL, NULL));
    break;
  }
  case PL_TRANCHES_NONE:
    fputs("  Tranches: no split the plan allows makes a safe order exist.\n",
          out);
    break;
  case PL_TRANCHES_LIMIT:
    fprintf(out,
            "  Tranches: no split with up to %d extra tranche%s makes a safe "
            "order exist; the search stopped at its limit.\n",
            extra, extra == 1 ? "" : "s");
    break;
  case PL_TRANCHES_NOT_COMPUTED:
    if (!ev) fputs("  Tranches: not computed (heuristic search).\n", out);
    break;
  }
}

static void text_sequence(FILE *out, const pl_plan *p, const pl_sequence *r) {
  print_header(out, p, r);
  print_parties(out, p, r);
  print_conflicts(out, p, r);
  bool ev = pl_sequence_evaluated(r);
  pl_order_kind k = PL_ORDER_RECOMMENDED;
  int hard = pl_sequence_hard_violated(r, k);
  long long weight = (long long)pl_sequence_weight_violated(r, k);
  fprintf(out, "\n%s: breaks %d hard demand%s, soft weight %lld",
          ev ? "Order" : "Recommended order", hard, hard == 1 ? "" : "s",
          weight);
  if (!ev) print_count(out, r, k, "no other order ties", "tie");
  fputc('\n', out);
  print_table(out, p, r, k);
  print_violations(out, p, r, k);
  print_exposure(out, p, r, k);
  if (!ev) {
    k = PL_ORDER_SAFEST;
    fprintf(out, "\nSafest order: minimum slack %.3f",
            pl_sequence_min_slack(r, k, NULL, NULL));
    print_count(out, r, k, "the only order that reaches it", "reach it");
    hard = pl_sequence_hard_violated(r, k);
    fprintf(out, "; breaks %d hard demand%s, soft weight %lld\n", hard,
            hard == 1 ? "" : "s", (long long)pl_sequence_weight_violated(r, k));
    print_order_line(out, p, r, k);
  }
  if (!pl_sequence_exact(r)) {
    int lh;
    int64_t lw;
    double ub = pl_sequence_bounds(r, &lh, &lw);
    fprintf(out,
            "\nBounds (the heuristic's orders may be worse than the best)\n"
            "  every order breaks at least %d hard demand%s and soft weight "
            "%lld;\n  no order has a minimum slack above %.3f\n",
            lh, lh == 1 ? "" : "s", (long long)lw, ub);
  }
  print_levers(out, p, r);
}

/* Splits "a,b,c" into step indices; reports the first unknown id. */
static int parse_order(const pl_plan *p, const char *text, int **out,
                       size_t *n) {
  size_t cap = 1;
  for (const char *c = text; *c; c++) cap += *c == ',';
  int *o = malloc(cap * sizeof *o);
  char *copy = strdup(text);
  if (!o || !copy) {
    free(o);
    free(copy);
    cli_error("out of memory");
    return EXIT_RUNTIME;
  }
  size_t k = 0;
  int rc = 0;
  for (char *item = copy;;) {
    char *end = strchr(item, ',');
    if (end) *end = 0;
    if (!*item) {
      cli_error("--order: an empty step id (two commas, or a comma at an end)");
      rc = EXIT_USAGE;
      break;
    }
    int s = pl_plan_find_step(p, item);
    if (s < 0) {
      cli_error("--order: unknown step '%s'", item);
      rc = EXIT_USAGE;
      break;
    }
    o[k++] = s;
    if (!end) break;
    item = end + 1;
  }
  free(copy);
  if (rc) {
    free(o);
    return rc;
  }
  *out = o;
  *n = k;
  return 0;
}

int cmd_sequence(int argc, char **argv) {
  const char *path = NULL, *order = NULL, *plot = NULL;
  int json = 0;
  pl_sequence_options opts;
  pl_sequence_options_init(&opts);
  for (int k = 1; k < argc; k++) {
    const char *arg = argv[k];
    const char *val = k + 1 < argc ? argv[k + 1] : NULL;
    if (!strcmp(arg, "--json")) {
      json = 1;
    } else if (!strcmp(arg, "--plot")) {
      if (!val || cli_check_plot(val)) return EXIT_USAGE;
      plot = val;
      k++;
    } else if (!strcmp(arg, "--no-levers")) {
      opts.levers = 0;
    } else if (!strcmp(arg, "--order")) {
      if (!val || !*val) {
        cli_error("--order takes step ids separated by commas, e.g. a,b,c");
        return EXIT_USAGE;
      }
      order = val;
      k++;
    } else if (!strcmp(arg, "--max-states")) {
      if (!val || cli_parse_count(val, &opts.max_states)) {
        cli_error("--max-states takes a positive whole number, e.g. 1e6");
        return EXIT_USAGE;
      }
      k++;
    } else if (!strcmp(arg, "--memory")) {
      if (!val || cli_parse_size(val, &opts.memory_limit)) {
        cli_error("--memory takes a size such as 512M or 2G");
        return EXIT_USAGE;
      }
      k++;
    } else if (arg[0] == '-' && arg[1]) {
      cli_error("unknown option '%s' (see 'parley sequence --help')", arg);
      return EXIT_USAGE;
    } else if (path) {
      cli_error("one plan at a time: '%s' and '%s'", path, arg);
      return EXIT_USAGE;
    } else {
      path = arg;
    }
  }
  if (!path) {
    cli_error("no plan (see 'parley sequence --help')");
    return EXIT_USAGE;
  }
  pl_error err = {0};
  pl_plan *p = NULL;
  int rc = pl_plan_load(path, &p, &err);
  if (rc) {
    cli_report(&err);
    return rc == PL_ETOOBIG ? EXIT_INPUT : cli_exit_code(rc);
  }
  pl_sequence *r = NULL;
  if (order) {
    int *steps = NULL;
    size_t n = 0;
    int code = parse_order(p, order, &steps, &n);
    if (code) {
      pl_plan_free(p);
      return code;
    }
    rc = pl_sequence_evaluate(p, steps, n, &r, &err);
    free(steps);
    if (rc == PL_EINVAL) {
      cli_error("--order: %s", err.message);
      pl_plan_free(p);
      return EXIT_USAGE;
    }
  } else {
    rc = pl_sequence_analyze(p, &opts, &r, &err);
  }
  if (rc) {
    cli_report(&err);
    pl_plan_free(p);
    return EXIT_RUNTIME;
  }
  int code = EXIT_OK;
  if (json) {
    code = cli_put_json(pl_sequence_to_json(r));
  } else {
    text_sequence(stdout, p, r);
  }
  if (!code && plot && pl_plot_sequence(r, plot, NULL, &err)) {
    cli_report(&err);
    code = cli_plot_exit_code(err.code);
  }
  pl_sequence_free(r);
  pl_plan_free(p);
  return cli_finish_output(code);
}
