/* The analysis as aligned text tables for a terminal. */
#define _POSIX_C_SOURCE 200809L /* open_memstream */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define FRONTIER_SHOWN 20

static int max_int(int a, int b) { return a > b ? a : b; }

/* Width of the widest party id, at least `min`. */
static int party_width(const pl_scenario *s, int min) {
  int w = min;
  for (int p = 0; p < pl_scenario_party_count(s); p++)
    w = max_int(w, (int)strlen(pl_scenario_party_id(s, p)));
  return w;
}

static void print_package(FILE *out, const pl_scenario *s,
                          const uint32_t *o, const char *indent) {
  int w = 0;
  for (int i = 0; i < pl_scenario_issue_count(s); i++)
    w = max_int(w, (int)strlen(pl_scenario_issue_id(s, i)));
  for (int i = 0; i < pl_scenario_issue_count(s); i++)
    fprintf(out, "%s%-*s  %s\n", indent, w, pl_scenario_issue_id(s, i),
            o[i] == PL_NOT_AGREED ? "(not agreed: status quo)"
                                  : pl_scenario_option_id(s, i, o[i]));
}

static void print_constraint(FILE *out, const pl_scenario *s,
                             const pl_constraint *c) {
  const char *party = pl_scenario_party_id(s, c->party);
  if (c->kind == PL_CONSTRAINT_RESERVATION) {
    fprintf(out, "%s: reservation value %.3g", party,
            pl_scenario_reservation(s, c->party));
    return;
  }
  const char *d = pl_scenario_red_line_description(s, c->red_line);
  fprintf(out, "%s: red line %s", party, pl_scenario_red_line_id(s, c->red_line));
  if (d && *d) fprintf(out, " (%s)", d);
}

/* "yes" when every party gets at least its status quo, else who loses. */
static void print_rational(FILE *out, const pl_scenario *s,
                           const pl_analysis *a, const pl_point *pt) {
  int np = pl_scenario_party_count(s), none = 0, worse = 0;
  for (int p = 0; p < np; p++) {
    int r = pl_analysis_point_rational(a, pt, p);
    none += r < 0;
    worse += r == 0;
  }
  if (none) {
    fputs("-", out);
    return;
  }
  if (!worse) {
    fputs("yes", out);
    return;
  }
  fputs("no:", out);
  for (int p = 0; p < np; p++)
    if (pl_analysis_point_rational(a, pt, p) == 0)
      fprintf(out, " %s", pl_scenario_party_id(s, p));
}

static void section(FILE *out, const char *title) {
  fprintf(out, "\n%s\n", title);
}

static void print_parties(FILE *out, const pl_scenario *s,
                          const pl_analysis *a) {
  int np = pl_scenario_party_count(s), w = party_width(s, 5), wn = 4;
  for (int p = 0; p < np; p++)
    wn = max_int(wn, (int)strlen(pl_scenario_party_name(s, p)));
  int discounted = 0;
  for (int p = 0; p < np; p++) discounted |= pl_scenario_discount(s, p) != 1;
  section(out, "Parties");
  fprintf(out, "  %-*s  %-*s  %11s  %10s%s\n", w, "party", wn, "name",
          "reservation", "status quo", discounted ? "  discount" : "");
  for (int p = 0; p < np; p++) {
    double sq = pl_analysis_status_quo_utility(a, p);
    fprintf(out, "  %-*s  %-*s  %11.3f  ", w, pl_scenario_party_id(s, p), wn,
            pl_scenario_party_name(s, p), pl_scenario_reservation(s, p));
    if (sq < 0)
      fprintf(out, "%10s", "-");
    else
      fprintf(out, "%10.3f", sq);
    if (discounted) fprintf(out, "  %8.4g", pl_scenario_discount(s, p));
    fputc('\n', out);
  }
}

static void print_issues(FILE *out, const pl_scenario *s,
                         const pl_analysis *a) {
  int ni = pl_scenario_issue_count(s), np = pl_scenario_party_count(s);
  int wi = 5;
  for (int i = 0; i < ni; i++)
    wi = max_int(wi, (int)strlen(pl_scenario_issue_id(s, i)));
  section(out, "Issues");
  fprintf(out, "  %-*s  %-13s  %s\n", wi, "issue", "class",
          "options every party's red lines allow");
  for (int i = 0; i < ni; i++) {
    fprintf(out, "  %-*s  %-13s  ", wi, pl_scenario_issue_id(s, i),
            pl_issue_class_name(pl_analysis_issue_class(a, i)));
    int shown = 0;
    uint32_t n = pl_scenario_option_count(s, i);
    for (uint32_t o = 0; o < n; o++) {
      int all = 1;
      for (int p = 0; p < np && all; p++) all = pl_analysis_acceptable(a, i, p, o);
      if (!all) continue;
      if (shown == 8) {
        fputs(", ...", out);
        break;
      }
      fprintf(out, "%s%s", shown ? ", " : "", pl_scenario_option_id(s, i, o));
      if (o == pl_analysis_common_option(a, i)) fputs(" (common ground)", out);
      shown++;
    }
    fputs(shown ? "\n" : "none\n", out);
  }
  /* For blocked issues: what each party's red lines leave. */
  for (int i = 0; i < ni; i++) {
    if (pl_analysis_issue_class(a, i) != PL_CLASS_BLOCKED) continue;
    fprintf(out, "  %s is blocked: ", pl_scenario_issue_id(s, i));
    for (int p = 0; p < np; p++) {
      fprintf(out, "%s%s accepts ", p ? "; " : "", pl_scenario_party_id(s, p));
      int shown = 0;
      for (uint32_t o = 0; o < pl_scenario_option_count(s, i); o++)
        if (pl_analysis_acceptable(a, i, p, o)) {
          if (shown == 6) {
            fputs(", ...", out);
            break;
          }
          fprintf(out, "%s%s", shown++ ? ", " : "", pl_scenario_option_id(s, i, o));
        }
      if (!shown) fputs("nothing", out);
    }
    fputc('\n', out);
  }
}

/* One column per party, as wide as its id and at least 6. */
static int col_width(const pl_scenario *s, int p) {
  return max_int(6, (int)strlen(pl_scenario_party_id(s, p)));
}

static void print_party_header(FILE *out, const pl_scenario *s) {
  for (int p = 0; p < pl_scenario_party_count(s); p++)
    fprintf(out, "  %*s", col_width(s, p), pl_scenario_party_id(s, p));
}

static void print_utilities(FILE *out, const pl_scenario *s, const double *u) {
  for (int p = 0; p < pl_scenario_party_count(s); p++)
    fprintf(out, "  %*.3f", col_width(s, p), u[p]);
}

static void print_explanations(FILE *out, const pl_scenario *s,
                               const pl_analysis *a) {
  size_t nd = pl_analysis_deadlock_count(a);
  if (!pl_analysis_explained(a)) {
    section(out, "Binding constraints and deadlocks");
    if (!strcmp(pl_analysis_method(a), "boxes"))
      fprintf(out, "  not computed: the box method does not explain (--method "
                   "enumerate does, where\n  the space is small enough)\n");
    else
      fprintf(out, "  not computed: the structural method does not explain "
                   "when a reservation value can bind\n  (--method enumerate "
                   "does, where the space is small enough)\n");
    return;
  }
  if (pl_analysis_feasible_count(a) == 0) {
    section(out, "Deadlock");
    fprintf(out,
            "  No package satisfies every red line and reservation value.\n"
            "  Each of these sets of constraints alone excludes every "
            "package:\n");
    for (size_t k = 0; k < nd; k++) {
      const pl_constraint *items;
      size_t m = pl_analysis_deadlock(a, k, &items);
      for (size_t j = 0; j < m; j++) {
        fprintf(out, j ? "      + " : "  %3zu. ", k + 1);
        print_constraint(out, s, &items[j]);
        fputc('\n', out);
      }
    }
    if (pl_analysis_deadlocks_truncated(a))
      fprintf(out, "  (more explanations exist than are listed)\n");
    return;
  }
  const pl_constraint *items;
  size_t nb = pl_analysis_binding(a, &items);
  section(out, "Binding constraints (dropping one alone enlarges the feasible "
               "set)");
  if (!nb) fprintf(out, "  none\n");
  for (size_t k = 0; k < nb; k++) {
    fputs("  ", out);
    print_constraint(out, s, &items[k]);
    fputc('\n', out);
  }
}

static void print_partials(FILE *out, const pl_scenario *s,
                           const pl_analysis *a) {
  pl_partial_status st = pl_analysis_partial_status(a);
  if (st == PL_PARTIAL_NOT_NEEDED) return;
  section(out, "Partial agreements (issues left out stay at the status quo)");
  if (st == PL_PARTIAL_NO_STATUS_QUO) {
    fprintf(out, "  not computed: the scenario gives no status quo\n");
    return;
  }
  if (st == PL_PARTIAL_TOO_BIG) {
    fprintf(out, "  not computed: too many issues or outcomes (see "
                 "--partial-max-issues, --max-outcomes)\n");
    return;
  }
  size_t n = pl_analysis_partial_count(a);
  if (!n) fprintf(out, "  none: no issue can be agreed on its own\n");
  int np = pl_scenario_party_count(s);
  for (size_t k = 0; k < n; k++) {
    const pl_partial *pt = pl_analysis_partial(a, k);
    fprintf(out, "  %zu. agree on:", k + 1);
    for (size_t j = 0; j < pt->n_issues; j++)
      fprintf(out, "%s %s", j ? "," : "", pl_scenario_issue_id(s, pt->issues[j]));
    fputc('\n', out);
    fprintf(out, "     best Nash package:\n");
    print_package(out, s, pt->nash.options, "       ");
    fprintf(out, "     utilities:");
    for (int p = 0; p < np; p++)
      fprintf(out, " %s %.3f", pl_scenario_party_id(s, p), pt->nash.utilities[p]);
    fprintf(out, "\n     every party at least at its status quo: ");
    print_rational(out, s, a, &pt->nash);
    fputc('\n', out);
    for (size_t j = 0; j < pt->n_blocking; j++) {
      pl_constraint c = {PL_CONSTRAINT_RED_LINE,
                         pl_scenario_red_line_party(s, pt->blocking[j]),
                         pt->blocking[j]};
      fprintf(out, "     blocked by linkage: ");
      print_constraint(out, s, &c);
      fputc('\n', out);
    }
  }
}

static void print_frontier(FILE *out, const pl_scenario *s,
                           const pl_analysis *a) {
  int ni = pl_scenario_issue_count(s);
  size_t n = pl_analysis_pareto_count(a);
  if (!n) return;
  fprintf(out, "\nPareto frontier: %zu package%s\n", n, n == 1 ? "" : "s");
  fputs("  ", out);
  print_party_header(out, s);
  fputs("  package\n", out);
  for (size_t k = 0; k < n && k < FRONTIER_SHOWN; k++) {
    const pl_point *pt = pl_analysis_pareto(a, k);
    fputs("  ", out);
    print_utilities(out, s, pt->utilities);
    fputs("  ", out);
    for (int i = 0; i < ni; i++)
      fprintf(out, "%s%s=%s", i ? " " : "", pl_scenario_issue_id(s, i),
              pl_scenario_option_id(s, i, pt->options[i]));
    fputc('\n', out);
  }
  if (n > FRONTIER_SHOWN)
    fprintf(out, "  ... %zu more (--json lists them all)\n", n - FRONTIER_SHOWN);
}

static void print_solutions(FILE *out, const pl_scenario *s,
                            const pl_analysis *a) {
  if (!pl_analysis_solution(a, PL_SOLUTION_NASH)) return;
  int sq = pl_scenario_has_status_quo(s);
  section(out, "Recommended packages");
  fprintf(out, "  %-12s", "solution");
  print_party_header(out, s);
  fputs(sq ? "  no loss vs status quo\n" : "\n", out);
  const char *labels[] = {"Nash", "Kalai-Smor.", "utilitarian",
                          "egalitarian"};
  if (pl_analysis_kalai(a) == PL_KALAI_GENIUS) labels[1] = "Kalai/GENIUS";
  for (int w = 0; w < PL_SOLUTION_COUNT_; w++) {
    const pl_point *pt = pl_analysis_solution(a, (pl_solution)w);
    fprintf(out, "  %-12s", labels[w]);
    print_utilities(out, s, pt->utilities);
    if (sq) {
      fputs("  ", out);
      print_rational(out, s, a, pt);
    }
    fputc('\n', out);
  }
  fprintf(out, "  Nash package:\n");
  print_package(out, s, pl_analysis_solution(a, PL_SOLUTION_NASH)->options,
                "    ");
}

void text_analysis(FILE *out, const pl_scenario *s, const pl_analysis *a) {
  char count[4096];
  if (pl_scenario_outcome_count_text(s, count, sizeof count))
    strcpy(count, "?");
  const char *title = pl_scenario_title(s);
  fprintf(out, "Scenario  %s%s%s\n", pl_scenario_id(s), *title ? ": " : "",
          title);
  fprintf(out, "Method    %s\n", pl_analysis_method(a));
  bool boxes = !strcmp(pl_analysis_method(a), "boxes");
  if (boxes && pl_analysis_epsilon(a) > 0)
    fprintf(out,
            "          approximate, certified by a search of %llu boxes: "
            "every feasible package\n          is at most %g below a listed "
            "one in every party's utility\n",
            (unsigned long long)pl_analysis_boxes(a), pl_analysis_epsilon(a));
  else if (boxes)
    fprintf(out, "          exact: a search of %llu boxes\n",
            (unsigned long long)pl_analysis_boxes(a));
  else if (pl_analysis_epsilon(a) > 0)
    fprintf(out,
            "          approximate: every Pareto-optimal package is less than "
            "%g below a listed\n          one in every party's utility\n",
            pl_analysis_epsilon(a));
  char feasible[4096];
  if (pl_analysis_feasible_text(a, feasible, sizeof feasible))
    strcpy(feasible, boxes ? "an uncounted number (the box method does not "
                             "count them)"
                           : "an uncounted number (a reservation value binds)");
  fprintf(out, "Outcomes  %s, of which %s feasible\n", count, feasible);
  print_parties(out, s, a);
  print_issues(out, s, a);
  print_explanations(out, s, a);
  print_partials(out, s, a);
  print_frontier(out, s, a);
  print_solutions(out, s, a);
}

/* "issue=option ..." for the agreed articles of the outcome; with `only`,
 * just those articles. */
static void print_inline(FILE *out, const pl_scenario *s,
                          const uint32_t *o, const uint8_t *only) {
  int first = 1;
  for (int i = 0; i < pl_scenario_issue_count(s); i++) {
    if ((only && !only[i]) || o[i] == PL_NOT_AGREED) continue;
    if (!first) fputc(' ', out);
    fputs(pl_scenario_issue_id(s, i), out); /* (fputs: once per article */
    fputc('=', out);                        /* of every event, no format) */
    fputs(pl_scenario_option_id(s, i, o[i]), out);
    first = 0;
  }
}

void cli_print_package(FILE *out, const pl_scenario *s, const uint32_t *o) {
  print_inline(out, s, o, NULL);
}

void cli_print_gains(FILE *out, const pl_scenario *s, const double *u,
                     const double *base) {
  for (int p = 0; p < pl_scenario_party_count(s); p++) {
    fprintf(out, "%s%s %.3f", p ? ", " : "", pl_scenario_party_id(s, p), u[p]);
    if (base[p] >= 0) fprintf(out, " (%+.3f)", u[p] - base[p]);
  }
}

/* A transcript's lines are built in memory and written whole: formatting
 * each of a long transcript's lines field by field through stdio (a call
 * per label, printf per number) was most of `parley run`'s printing. */
typedef struct line {
  char *p;
  size_t n, cap;
  bool failed; /* out of memory: the caller prints through stdio instead */
} line;

static void put(line *l, const char *text, size_t n) {
  if (l->failed) return;
  if (l->n + n > l->cap) {
    size_t cap = l->cap ? l->cap : 256;
    while (cap < l->n + n) cap *= 2;
    char *grown = realloc(l->p, cap);
    if (!grown) {
      l->failed = true;
      return;
    }
    l->p = grown;
    l->cap = cap;
  }
  memcpy(l->p + l->n, text, n);
  l->n += n;
}

static void puts_(line *l, const char *text) { put(l, text, strlen(text)); }

/* n spaces */
static void pad(line *l, int n) {
  static const char spaces[] = "                                ";
  for (; n > 0; n -= (int)sizeof spaces - 1)
    put(l, spaces, n < (int)sizeof spaces - 1 ? (size_t)n : sizeof spaces - 1);
}

/* What every line of a transcript reuses: the utility columns' widths,
 * and each "issue=option" label, made the first time it is printed (a
 * label's two ids were measured and copied anew on every line). Issues
 * of very many options (a fine real grid) keep no labels. */
typedef struct tail_parts {
  const pl_scenario *s;
  int np, ni;
  int *width;
  line **label; /* per issue, per option; NULL: not kept */
} tail_parts;

#define LABELS_MAX 4096
#define LINES_BLOCK ((size_t)64 << 10)

static void tail_parts_init(tail_parts *t, const pl_scenario *s) {
  memset(t, 0, sizeof *t);
  t->s = s;
  t->np = pl_scenario_party_count(s);
  t->ni = pl_scenario_issue_count(s);
  t->width = calloc((size_t)t->np + 1, sizeof *t->width);
  t->label = calloc((size_t)t->ni + 1, sizeof *t->label);
  for (int p = 0; t->width && p < t->np; p++) t->width[p] = col_width(s, p);
  for (int i = 0; t->label && i < t->ni; i++) {
    uint32_t n = pl_scenario_option_count(s, i);
    if (n <= LABELS_MAX) t->label[i] = calloc(n, sizeof **t->label);
  }
}

static void tail_parts_free(tail_parts *t) {
  for (int i = 0; t->label && i < t->ni; i++) {
    if (!t->label[i]) continue;
    for (uint32_t o = 0; o < pl_scenario_option_count(t->s, i); o++)
      free(t->label[i][o].p);
    free(t->label[i]);
  }
  free(t->label);
  free(t->width);
}

/* "issue=option" */
static void put_issue_option(line *l, const pl_scenario *s, int i,
                             uint32_t o) {
  puts_(l, pl_scenario_issue_id(s, i));
  put(l, "=", 1);
  puts_(l, pl_scenario_option_id(s, i, o));
}

/* "issue=option", from its kept copy (made the first time) */
static void put_label(line *l, tail_parts *t, int i, uint32_t o) {
  line *kept = t->label && t->label[i] ? &t->label[i][o] : NULL;
  if (kept && !kept->n && !kept->failed) put_issue_option(kept, t->s, i, o);
  if (kept && !kept->failed) put(l, kept->p, kept->n);
  else put_issue_option(l, t->s, i, o);
}

/* The part of an event's line after its name: utilities and package. */
static void event_tail(line *l, tail_parts *t, const pl_event *e) {
  char num[400]; /* "%.3f" of any double: at most 309 digits and ".000" */
  for (int p = 0; p < t->np; p++) {
    int k = cli_fixed3(num, sizeof num, e->utilities[p]);
    pad(l, 2 + (t->width ? t->width[p] : col_width(t->s, p)) - k);
    put(l, num, (size_t)k);
  }
  put(l, "  ", 2);
  if (e->rejects) put(l, "wants ", 6); /* a comment: what it rejects, what instead */
  bool first = true;
  for (int i = 0; i < t->ni; i++) {
    if ((e->rejects && !e->rejects[i]) || e->options[i] == PL_NOT_AGREED) continue;
    if (!first) put(l, " ", 1);
    put_label(l, t, i, e->options[i]);
    first = false;
  }
  put(l, "\n", 1);
}

static void print_event_tail(FILE *out, const pl_scenario *s,
                             const pl_event *e) {
  print_utilities(out, s, e->utilities);
  fputs("  ", out);
  if (e->rejects) fputs("wants ", out);
  print_inline(out, s, e->options, e->rejects);
  fputc('\n', out);
}

/* A party's last line tail, kept while its outcome stays the same: agents
 * such as boulware repeat an offer for many rounds. */
typedef struct kept_tail {
  const pl_event *e;
  line text;
  line name[PL_EVENT_REJECT + 1]; /* "  party  event" per event kind */
} kept_tail;

static bool same_tail(const pl_event *a, const pl_event *b, int ni, int np) {
  return a && !a->rejects && !b->rejects &&
         !memcmp(a->options, b->options, (size_t)ni * sizeof *a->options) &&
         !memcmp(a->utilities, b->utilities, (size_t)np * sizeof *a->utilities);
}

/* "%5d" of a round, right-aligned in 5 characters (longer if need be) */
static void put_round(line *l, int r) {
  char d[16];
  int n = 0;
  unsigned v = r < 0 ? 0u - (unsigned)r : (unsigned)r;
  do d[n++] = (char)('0' + v % 10); while ((v /= 10) && n < 12);
  if (r < 0) d[n++] = '-';
  pad(l, 5 - n);
  char r5[16];
  for (int k = 0; k < n; k++) r5[k] = d[n - 1 - k];
  put(l, r5, (size_t)n);
}

void text_session(FILE *out, const pl_scenario *s, const pl_session *x,
                  const pl_analysis *a) {
  const int np = pl_scenario_party_count(s);
  const int ni = pl_scenario_issue_count(s);
  int wp = party_width(s, 8); /* "mediator" */
  fprintf(out, "%5s  %-*s  %-7s", "round", wp, "party", "event");
  print_party_header(out, s);
  fputs("  package\n", out);
  /* per party, and the mediator last */
  kept_tail *tails = calloc((size_t)np + 1, sizeof *tails);
  tail_parts parts;
  tail_parts_init(&parts, s);
  line l = {0};
  for (size_t k = 0; k < pl_session_event_count(x); k++) {
    const pl_event *e = pl_session_event(x, k);
    if (e->kind == PL_EVENT_END) break;
    const char *party = e->party < 0 ? "mediator" : pl_scenario_party_id(s, e->party);
    kept_tail *t = tails ? &tails[e->party < 0 ? np : e->party] : NULL;
    const size_t mark = l.n; /* where this line starts */
    l.failed = !t || e->kind > PL_EVENT_REJECT;
    if (!l.failed) {
      line *name = &t->name[e->kind];
      if (!name->n) {
        put(name, "  ", 2);
        puts_(name, party);
        pad(name, wp - (int)strlen(party));
        put(name, "  ", 2);
        puts_(name, pl_event_name(e->kind));
        pad(name, 7 - (int)strlen(pl_event_name(e->kind)));
      }
      if (!same_tail(t->e, e, ni, np)) {
        t->text.n = 0;
        t->text.failed = false;
        event_tail(&t->text, &parts, e);
      }
      t->e = t->text.failed ? NULL : e;
      put_round(&l, e->round);
      put(&l, name->p, name->n);
      put(&l, t->text.p, t->text.n);
      l.failed = l.failed || name->failed || t->text.failed;
    }
    /* lines go out 64 KiB at a time: fwrite passes a block that large
     * straight to write(2), without copying it through stdio's buffer */
    if (l.failed) { /* out of memory, or a field too long: stdio as it goes */
      fwrite(l.p, 1, mark, out);
      l.n = 0;
      fprintf(out, "%5d  %-*s  %-7s", e->round, wp, party, pl_event_name(e->kind));
      print_event_tail(out, s, e);
      l.failed = false;
    } else if (l.n >= LINES_BLOCK) {
      fwrite(l.p, 1, l.n, out);
      l.n = 0;
    }
  }
  fwrite(l.p, 1, l.n, out);
  free(l.p);
  tail_parts_free(&parts);
  if (tails)
    for (int p = 0; p <= np; p++) {
      free(tails[p].text.p);
      for (int k = 0; k <= PL_EVENT_REJECT; k++) free(tails[p].name[k].p);
    }
  free(tails);
  int rounds = pl_session_rounds(x);
  const pl_end end = pl_session_end(x);
  fprintf(out, "\nResult    %s after %d round%s", pl_end_name(end), rounds,
          rounds == 1 ? "" : "s");
  int who = pl_session_failed_party(x);
  if (who >= 0)
    fprintf(out, " (%s %s)", pl_scenario_party_id(s, who),
            end == PL_END_WALKOUT    ? "walked out"
            : end == PL_END_NO_OFFER ? "had no outcome it could offer"
                                     : "failed");
  fputc('\n', out);
  if (*pl_session_failure(x)) fprintf(out, "Failure   %s\n", pl_session_failure(x));
  const pl_point *agr = pl_session_agreement(x);
  const uint32_t *pt = pl_session_partial_text(x);
  if (pt && !agr) {
    const pl_blocker *b;
    size_t nb = pl_session_partial_blockers(x, &b);
    fputs("Partial   ", out);
    print_inline(out, s, pt, NULL);
    fputs(" was blocked by", out);
    for (size_t k = 0; k < nb; k++) {
      fprintf(out, "%s %s's ", k ? "," : "", pl_scenario_party_id(s, b[k].party));
      if (b[k].red_line < 0)
        fputs("reservation value", out);
      else
        fprintf(out, "red line %s",
                pl_scenario_red_line_id(s, b[k].red_line));
    }
    fputc('\n', out);
  }
  if (agr) {
    if (end == PL_END_PARTIAL) {
      fputs("Agreed    ", out);
      print_inline(out, s, agr->options, NULL);
      fputs(" (the rest stays at the status quo)\n", out);
    }
    fputs("Utilities", out);
    for (int p = 0; p < np; p++)
      fprintf(out, "  %s %.3f", pl_scenario_party_id(s, p), agr->utilities[p]);
    fputc('\n', out);
  }
  int discounted = 0;
  for (int p = 0; p < np; p++) discounted |= pl_scenario_discount(s, p) < 1;
  if (discounted) {
    fprintf(out, "Payoffs   discounted at t = %.3f:", pl_session_time(x));
    for (int p = 0; p < np; p++)
      fprintf(out, "  %s %.3f", pl_scenario_party_id(s, p),
              pl_session_payoff(x, p));
    fputc('\n', out);
  }
  double dp = pl_session_distance_to_pareto(x, a);
  double dn = pl_session_distance_to_nash(x, a);
  if (dp >= 0) fprintf(out, "Distance  %.4f to the Pareto frontier", dp);
  if (dn >= 0) fprintf(out, ", %.4f to the Nash point", dn);
  if (dp >= 0) fputc('\n', out);
}

/* One table of summary rows. */
static void summary_rows(FILE *out, const char *what, const pl_summary_row *(
                         *row)(const pl_summary *, size_t), size_t n,
                         const pl_summary *s) {
  int w = (int)strlen(what);
  for (size_t k = 0; k < n; k++) w = max_int(w, (int)strlen(row(s, k)->name));
  fprintf(out, "  %-*s  %12s  %7s  %6s  %6s  %7s  %7s  %8s  %8s\n", w, what,
          "negotiations", "utility", "+-95%", "agreed", "welfare", "to Nash",
          "to front", "failures");
  for (size_t k = 0; k < n; k++) {
    const pl_summary_row *r = row(s, k);
    char ci[16], dn[16], dp[16];
    snprintf(ci, sizeof ci, r->ci95 == r->ci95 ? "%.3f" : "-", r->ci95);
    snprintf(dn, sizeof dn, r->mean_distance_nash == r->mean_distance_nash
                                ? "%.3f" : "-", r->mean_distance_nash);
    snprintf(dp, sizeof dp, r->mean_distance_pareto == r->mean_distance_pareto
                                ? "%.3f" : "-", r->mean_distance_pareto);
    fprintf(out, "  %-*s  %12llu  %7.3f  %6s  %5.1f%%  %7.3f  %7s  %8s  %8llu\n",
            w, r->name, (unsigned long long)r->count, r->mean_utility, ci,
            100 * r->agreement_rate, r->mean_welfare, dn, dp,
            (unsigned long long)r->failures);
  }
}

void text_summary(FILE *out, const pl_summary *s) {
  fprintf(out, "Tournament  %llu of %llu negotiations done%s\n\n",
          (unsigned long long)pl_summary_done(s),
          (unsigned long long)pl_summary_total(s),
          pl_summary_finished(s) ? "" : " (not finished: run it again to "
                                        "resume)");
  fputs("Agents (utility: mean payoff over the seats it took)\n", out);
  summary_rows(out, "agent", pl_summary_agent, pl_summary_agent_count(s), s);
  fputs("\nScenarios (utility: mean payoff over every party)\n", out);
  summary_rows(out, "scenario", pl_summary_scenario,
               pl_summary_scenario_count(s), s);
}
