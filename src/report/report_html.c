/* The HTML report: the template (src/report/report.html.in, embedded at
 * build time by cmake/embed.cmake) filled with parts written by libxml2's
 * text writer, which escapes every text and attribute. The pictures are
 * inline SVG from the same figures as `--plot`. */
#include "core/xml.h" /* libxml2, opened on first use */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "analysis/analysis_internal.h"
#include "core/util.h"
#include "io/formats.h"
#include "report/plot.h"
#include "report/render.h"
#include "sequence/sequence_internal.h"

extern const unsigned char pl__report_template[];
extern const size_t pl__report_template_size;

/* ------------------------------------------------------------------ */
/* An HTML part written with xmlTextWriter                             */
/* ------------------------------------------------------------------ */

typedef struct part {
  xmlBufferPtr buf;
  xmlTextWriterPtr w;
  int bad;
} part;

static void part_open(part *h) {
  h->buf = xmlBufferCreate();
  h->w = h->buf ? xmlNewTextWriterMemory(h->buf, 0) : NULL;
  h->bad = !h->w;
}
/* The written text (pl__free), or NULL when out of memory. */
static char *part_close(part *h) {
  char *out = NULL;
  if (h->w) {
    if (xmlTextWriterFlush(h->w) < 0) h->bad = 1;
    xmlFreeTextWriter(h->w);
  }
  if (!h->bad && h->buf) out = pl__strdup((const char *)xmlBufferContent(h->buf));
  xmlBufferFree(h->buf);
  return out;
}
static void el(part *h, const char *name) {
  if (!h->bad && xmlTextWriterStartElement(h->w, BAD_CAST name) < 0) h->bad = 1;
}
/* HTML elements always get an end tag (<td></td>, never <td/>). */
static void end(part *h) {
  if (!h->bad && xmlTextWriterFullEndElement(h->w) < 0) h->bad = 1;
}
static void attr(part *h, const char *name, const char *value) {
  if (!h->bad &&
      xmlTextWriterWriteAttribute(h->w, BAD_CAST name, BAD_CAST value) < 0)
    h->bad = 1;
}
static void text(part *h, const char *s) {
  if (!h->bad && s && xmlTextWriterWriteString(h->w, BAD_CAST s) < 0)
    h->bad = 1;
}
static void textf(part *h, const char *fmt, ...) PL__PRINTF(2, 3);
static void textf(part *h, const char *fmt, ...) {
  char buf[2048];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  text(h, buf);
}
/* Markup that is already well formed (an inline SVG from the writer). */
static void raw(part *h, const char *s) {
  if (!h->bad && xmlTextWriterWriteRaw(h->w, BAD_CAST s) < 0) h->bad = 1;
}
static void el_text(part *h, const char *name, const char *s) {
  el(h, name);
  text(h, s);
  end(h);
}
static void el_class(part *h, const char *name, const char *cls) {
  el(h, name);
  attr(h, "class", cls);
}

static const pl_scenario *scenario_of(const pl_analysis *a) { return a->s; }
static const pl_plan *plan_of(const pl_sequence *r) { return r->plan; }

/* ------------------------------------------------------------------ */
/* Words                                                               */
/* ------------------------------------------------------------------ */

static const char *party_name(const pl_scenario *s, int p) {
  return pl__party_label(s, p);
}

static const char *option_name(const pl_scenario *s, int i, uint32_t o) {
  if (o == PL_NOT_AGREED) return "(not agreed: status quo)";
  const char *n = pl_scenario_option_name(s, i, o);
  return n && *n ? n : pl_scenario_option_id(s, i, o);
}

static const char *issue_name(const pl_scenario *s, int i) {
  const char *n = pl_scenario_issue_name(s, i);
  return n && *n ? n : pl_scenario_issue_id(s, i);
}

/* "Russia's red line no_enlargement (Ukraine's ...)" */
static void constraint_words(part *h, const pl_scenario *s,
                             const pl_constraint *c) {
  el(h, "b");
  textf(h, "%s", party_name(s, c->party));
  end(h);
  if (c->kind == PL_CONSTRAINT_RESERVATION) {
    textf(h, "'s reservation value %.2f", pl_scenario_reservation(s, c->party));
    return;
  }
  text(h, "'s red line ");
  el_class(h, "span", "id");
  text(h, pl_scenario_red_line_id(s, c->red_line));
  end(h);
  const char *d = pl_scenario_red_line_description(s, c->red_line);
  if (d && *d) textf(h, " (%s)", d);
}

static void num_cell(part *h, double v) {
  el_class(h, "td", "num");
  if (v < 0 || !isfinite(v))
    text(h, "\xe2\x80\x94");
  else
    textf(h, "%.3f", v);
  end(h);
}

static void package_list(part *h, const pl_scenario *s, const uint32_t *o) {
  el_class(h, "ul", "plain");
  for (int i = 0; i < pl_scenario_issue_count(s); i++) {
    el(h, "li");
    textf(h, "%s: ", issue_name(s, i));
    el(h, "b");
    text(h, option_name(s, i, o[i]));
    end(h);
    end(h);
  }
  end(h);
}

/* An inline picture of a figure. */
static int inline_figure(part *h, pl_figure *f, const char *prefix,
                         pl_error *err) {
  char *svg;
  size_t len;
  int rc = pl__render_svg(f, false, prefix, &svg, &len, err);
  if (rc) return rc;
  raw(h, svg);
  pl__free(svg);
  return PL_OK;
}

/* ------------------------------------------------------------------ */
/* The parts                                                           */
/* ------------------------------------------------------------------ */

static void cards(part *h, const pl_analysis *a) {
  const pl_scenario *s = scenario_of(a);
  char buf[64];
  el_class(h, "ul", "cards");
  el(h, "li");
  if (pl_scenario_outcome_count_text(s, buf, sizeof buf))
    snprintf(buf, sizeof buf, "> 10^19");
  el_text(h, "b", buf);
  el_text(h, "span", "possible packages");
  end(h);
  uint64_t nf = pl_analysis_feasible_count(a);
  el(h, "li");
  if (nf == 0 && !pl_analysis_pareto_count(a)) attr(h, "class", "alert");
  if (pl_analysis_feasible_text(a, buf, sizeof buf)) snprintf(buf, sizeof buf, "?");
  el_text(h, "b", pl_analysis_pareto_count(a) || nf ? buf : "none");
  el_text(h, "span", "feasible packages");
  end(h);
  el(h, "li");
  snprintf(buf, sizeof buf, "%zu", pl_analysis_pareto_count(a));
  el_text(h, "b", buf);
  el_text(h, "span", "on the Pareto frontier");
  end(h);
  el(h, "li");
  snprintf(buf, sizeof buf, "%d \xc3\x97 %d", pl_scenario_party_count(s),
           pl_scenario_issue_count(s));
  el_text(h, "b", buf);
  el_text(h, "span", "parties \xc3\x97 issues");
  end(h);
  end(h);
}

static void summary(part *h, const pl_analysis *a) {
  const pl_scenario *s = scenario_of(a);
  int ni = pl_scenario_issue_count(s);
  char total[64], feas[64];
  if (pl_scenario_outcome_count_text(s, total, sizeof total))
    snprintf(total, sizeof total, "more than 10^19");
  if (pl_analysis_feasible_text(a, feas, sizeof feas))
    snprintf(feas, sizeof feas, "an uncounted number");
  bool deadlock = !pl_analysis_pareto_count(a);
  el(h, "p");
  if (deadlock)
    textf(h, "Of %s possible packages, none keeps every party's red lines "
          "and reservation values: as the positions stand, the talks are "
          "deadlocked.", total);
  else
    textf(h, "Of %s possible packages, %s keep every party's red lines and "
          "reservation values; %zu of them are efficient (on the Pareto "
          "frontier).", total, feas, pl_analysis_pareto_count(a));
  end(h);
  int count[4] = {0};
  for (int i = 0; i < ni; i++) count[pl_analysis_issue_class(a, i)]++;
  el(h, "p");
  static const char *const words[4] = {"common ground", "contested", "blocked",
                                       "indifferent"};
  text(h, "Issues: ");
  int shown = 0;
  for (int c = 0; c < 4; c++) {
    if (!count[c]) continue;
    textf(h, "%s%d %s", shown++ ? ", " : "", count[c], words[c]);
    text(h, " (");
    int k = 0;
    for (int i = 0; i < ni; i++)
      if ((int)pl_analysis_issue_class(a, i) == c) {
        if (k++ == 6) {
          text(h, ", \xe2\x80\xa6");
          break;
        }
        textf(h, "%s%s", k > 1 ? ", " : "", pl_scenario_issue_id(s, i));
      }
    text(h, ")");
  }
  text(h, ".");
  end(h);
  if (deadlock) {
    size_t nd = pl_analysis_deadlock_count(a);
    if (nd) {
      el(h, "p");
      textf(h, "The deadlock has %zu explanation%s: set%s of red lines and "
            "reservation values that together exclude every package (see ",
            nd, nd == 1 ? "" : "s", nd == 1 ? "" : "s");
      el(h, "a");
      attr(h, "href", "#red-lines");
      text(h, "Red lines and deadlocks");
      end(h);
      text(h, ").");
      end(h);
    }
    if (pl_analysis_partial_status(a) == PL_PARTIAL_DONE &&
        pl_analysis_partial_count(a)) {
      const pl_partial *pa = pl_analysis_partial(a, 0);
      el(h, "p");
      text(h, "A partial deal remains: agreeing on ");
      for (size_t k = 0; k < pa->n_issues; k++)
        textf(h, "%s%s", k ? (k + 1 == pa->n_issues ? " and " : ", ") : "",
              pl_scenario_issue_id(s, pa->issues[k]));
      text(h, " alone, the rest left as it is");
      text(h, pa->n_blocking ? ", but a linkage red line (nothing is agreed "
                               "until everything is) blocks it."
                             : ".");
      end(h);
    }
    return;
  }
  const pl_point *nash = pl_analysis_solution(a, PL_SOLUTION_NASH);
  if (nash) {
    el(h, "p");
    text(h, "The Nash package, the usual fair compromise: ");
    for (int i = 0; i < ni; i++)
      textf(h, "%s%s %s", i ? ", " : "", pl_scenario_issue_id(s, i),
            option_name(s, i, nash->options[i]));
    text(h, "; it gives ");
    for (int p = 0; p < pl_scenario_party_count(s); p++)
      textf(h, "%s%s %.2f", p ? ", " : "", party_name(s, p),
            nash->utilities[p]);
    text(h, ".");
    end(h);
  }
}

static void parties(part *h, const pl_analysis *a) {
  const pl_scenario *s = scenario_of(a);
  int np = pl_scenario_party_count(s);
  bool sq = false, disc = false;
  for (int p = 0; p < np; p++) {
    sq |= pl_analysis_status_quo_utility(a, p) >= 0;
    disc |= pl_scenario_discount(s, p) != 1;
  }
  el(h, "table");
  el(h, "thead");
  el(h, "tr");
  el_text(h, "th", "party");
  el_text(h, "th", "id");
  el_class(h, "th", "num");
  text(h, "reservation value");
  end(h);
  if (sq) {
    el_class(h, "th", "num");
    text(h, "status quo is worth");
    end(h);
  }
  if (disc) {
    el_class(h, "th", "num");
    text(h, "discount");
    end(h);
  }
  el(h, "th");
  text(h, "red lines");
  end(h);
  end(h);
  end(h);
  el(h, "tbody");
  for (int p = 0; p < np; p++) {
    el(h, "tr");
    el_text(h, "td", party_name(s, p));
    el(h, "td");
    el_class(h, "span", "id");
    text(h, pl_scenario_party_id(s, p));
    end(h);
    end(h);
    num_cell(h, pl_scenario_reservation(s, p));
    if (sq) num_cell(h, pl_analysis_status_quo_utility(a, p));
    if (disc) num_cell(h, pl_scenario_discount(s, p));
    int nr = 0;
    for (int r = 0; r < pl_scenario_red_line_count(s); r++)
      nr += pl_scenario_red_line_party(s, r) == p;
    el_class(h, "td", "num");
    textf(h, "%d", nr);
    end(h);
    end(h);
  }
  end(h);
  end(h);
  if (pl_scenario_has_status_quo(s)) {
    el(h, "p");
    text(h, "The status quo, what stays in force without an agreement:");
    end(h);
    uint32_t *o = pl__malloc((size_t)pl_scenario_issue_count(s) * 4 + 4);
    if (!o) {
      h->bad = 1;
      return;
    }
    for (int i = 0; i < pl_scenario_issue_count(s); i++)
      o[i] = pl_scenario_status_quo(s, -1, i);
    package_list(h, s, o);
    pl__free(o);
  }
}

static void issues(part *h, const pl_analysis *a) {
  const pl_scenario *s = scenario_of(a);
  int np = pl_scenario_party_count(s), ni = pl_scenario_issue_count(s);
  el(h, "table");
  el(h, "thead");
  el(h, "tr");
  el_text(h, "th", "issue");
  el_text(h, "th", "class");
  el_text(h, "th", "options (bold: every party's red lines allow it)");
  end(h);
  end(h);
  el(h, "tbody");
  for (int i = 0; i < ni; i++) {
    el(h, "tr");
    el(h, "td");
    text(h, issue_name(s, i));
    if (strcmp(issue_name(s, i), pl_scenario_issue_id(s, i))) {
      el_class(h, "span", "id block");
      text(h, pl_scenario_issue_id(s, i));
      end(h);
    }
    end(h);
    pl_issue_class c = pl_analysis_issue_class(a, i);
    el(h, "td");
    char cls[64];
    snprintf(cls, sizeof cls, "badge %s", pl_issue_class_name(c));
    el_class(h, "span", cls);
    const char *cn = pl_issue_class_name(c);
    text(h, !strcmp(cn, "common_ground") ? "common ground" : cn);
    end(h);
    end(h);
    el(h, "td");
    uint32_t no = pl_scenario_option_count(s, i);
    uint32_t common = pl_analysis_common_option(a, i);
    uint32_t shown = no > 40 ? 40 : no;
    for (uint32_t o = 0; o < shown; o++) {
      bool all = true;
      for (int p = 0; p < np && all; p++)
        all = pl_analysis_acceptable(a, i, p, o);
      if (o) text(h, " \xc2\xb7 ");
      if (all) el(h, "b");
      text(h, option_name(s, i, o));
      if (o == common) text(h, " (common ground)");
      if (all) end(h);
    }
    if (shown < no) textf(h, " \xc2\xb7 \xe2\x80\xa6 (%u options)", no);
    end(h);
    end(h);
  }
  end(h);
  end(h);
}

static void red_lines(part *h, const pl_analysis *a) {
  const pl_scenario *s = scenario_of(a);
  int nr = pl_scenario_red_line_count(s);
  if (!nr) {
    el_text(h, "p", "No party has declared a red line.");
    return;
  }
  el_class(h, "ul", "plain");
  for (int r = 0; r < nr && r < 200; r++) {
    el(h, "li");
    pl_constraint c = {PL_CONSTRAINT_RED_LINE, pl_scenario_red_line_party(s, r),
                       r};
    constraint_words(h, s, &c);
    if (pl_scenario_red_line_is_linkage(s, r)) {
      text(h, ": a linkage, nothing is agreed on ");
    } else {
      text(h, ": it concerns ");
    }
    int k = 0;
    for (int i = 0; i < pl_scenario_issue_count(s); i++)
      if (pl_scenario_red_line_mentions(s, r, i))
        textf(h, "%s%s", k++ ? ", " : "", pl_scenario_issue_id(s, i));
    text(h, pl_scenario_red_line_is_linkage(s, r) ? " unless all of them are."
                                                  : ".");
    end(h);
  }
  end(h);
}

static void deadlocks(part *h, const pl_analysis *a) {
  const pl_scenario *s = scenario_of(a);
  size_t nd = pl_analysis_deadlock_count(a);
  el(h, "h3");
  text(h, nd ? "Why no package is feasible" : "What shapes the feasible set");
  end(h);
  if (!pl_analysis_explained(a)) {
    el_text(h, "p", "The explanations were not computed for this scenario "
                    "(its size called for the structural method, with a "
                    "reservation value that can bind; docs/analysis.md).");
  } else if (nd) {
    el_text(h, "p", "Each set below is enough on its own to exclude every "
                    "package: its constraints cannot all hold at once. To "
                    "open the way to an agreement, at least one constraint "
                    "of every set has to give.");
    el_class(h, "ol", "deadlocks");
    for (size_t k = 0; k < nd && k < 100; k++) {
      const pl_constraint *items;
      size_t n = pl_analysis_deadlock(a, k, &items);
      el(h, "li");
      for (size_t j = 0; j < n; j++) {
        if (j) text(h, j + 1 == n ? " and " : ", ");
        constraint_words(h, s, &items[j]);
      }
      text(h, n == 1 ? " excludes every package on its own."
                     : " cannot all hold together.");
      end(h);
    }
    end(h);
    if (pl_analysis_deadlocks_truncated(a) || nd > 100)
      el_text(h, "p", "(There are more such sets than are listed.)");
  } else {
    const pl_constraint *items;
    size_t n = pl_analysis_binding(a, &items);
    if (!n) {
      el_text(h, "p", "No red line or reservation value binds: dropping any "
                      "one would not add a feasible package.");
    } else {
      el_text(h, "p", "Feasible packages exist. These constraints bind: "
                      "dropping any one of them alone would add feasible "
                      "packages.");
      el_class(h, "ul", "plain");
      for (size_t j = 0; j < n; j++) {
        el(h, "li");
        constraint_words(h, s, &items[j]);
        end(h);
      }
      end(h);
    }
  }
  if (pl_analysis_partial_status(a) == PL_PARTIAL_DONE) {
    size_t np = pl_analysis_partial_count(a);
    el_text(h, "h3", "Partial agreements");
    el_text(h, "p", "The largest sets of issues that can be agreed on their "
                    "own, the others left at the status quo:");
    el_class(h, "ul", "plain");
    for (size_t k = 0; k < np && k < 20; k++) {
      const pl_partial *pa = pl_analysis_partial(a, k);
      el(h, "li");
      text(h, "Agree on ");
      for (size_t j = 0; j < pa->n_issues; j++)
        textf(h, "%s%s", j ? (j + 1 == pa->n_issues ? " and " : ", ") : "",
              pl_scenario_issue_id(s, pa->issues[j]));
      if (pa->nash.options) {
        text(h, " (best: ");
        int shown = 0;
        for (size_t j = 0; j < pa->n_issues; j++) {
          int i = pa->issues[j];
          textf(h, "%s%s", shown++ ? ", " : "",
                option_name(s, i, pa->nash.options[i]));
        }
        text(h, ")");
      }
      if (pa->n_blocking) {
        text(h, "; blocked by ");
        for (size_t j = 0; j < pa->n_blocking; j++) {
          if (j) text(h, ", ");
          pl_constraint c = {PL_CONSTRAINT_RED_LINE,
                             pl_scenario_red_line_party(s, pa->blocking[j]),
                             pa->blocking[j]};
          constraint_words(h, s, &c);
        }
      }
      text(h, ".");
      end(h);
    }
    end(h);
  }
}

static void packages(part *h, const pl_analysis *a) {
  const pl_scenario *s = scenario_of(a);
  int np = pl_scenario_party_count(s), ni = pl_scenario_issue_count(s);
  if (!pl_analysis_solution(a, PL_SOLUTION_NASH)) {
    el_text(h, "p", "No package is feasible, so none can be recommended. The "
                    "partial agreements above, or a change in the red lines "
                    "behind the deadlock, are where to start.");
    return;
  }
  static const char *const rule[] = {
      "Nash: the largest product of the parties' gains",
      ("Kalai\xe2\x80\x93Smorodinsky: gains in proportion to what each "
       "could hope for"),
      "utilitarian: the largest sum of utilities",
      "egalitarian: the largest smallest gain"};
  el(h, "table");
  el(h, "thead");
  el(h, "tr");
  el_text(h, "th", "rule");
  for (int i = 0; i < ni && i < 12; i++) el_text(h, "th", pl_scenario_issue_id(s, i));
  for (int p = 0; p < np && p < 12; p++) {
    el_class(h, "th", "num");
    textf(h, "%s", pl_scenario_party_id(s, p));
    end(h);
  }
  end(h);
  end(h);
  el(h, "tbody");
  for (int k = 0; k < PL_SOLUTION_COUNT_; k++) {
    const pl_point *pt = pl_analysis_solution(a, (pl_solution)k);
    if (!pt) continue;
    el(h, "tr");
    el_text(h, "td", rule[k]);
    for (int i = 0; i < ni && i < 12; i++)
      el_text(h, "td", option_name(s, i, pt->options[i]));
    for (int p = 0; p < np && p < 12; p++) {
      el_class(h, "td", "num");
      textf(h, "%.3f", pt->utilities[p]);
      double g = pt->utilities[p] - pl_scenario_reservation(s, p);
      el_class(h, "span", "muted");
      textf(h, " (+%.3f)", g < 0 ? 0 : g);
      end(h);
      end(h);
    }
    end(h);
  }
  end(h);
  end(h);
  el_text(h, "p", "Each cell under a party is its utility, with its gain over "
                  "its reservation value in brackets.");
  if (ni > 12 || np > 12)
    el_text(h, "p", "(Only the first 12 issues and parties fit the table; "
                    "`parley analyze --json` has them all.)");
}

/* The outcome-space picture. */
static int outcome_plot(part *h, const pl_analysis *a,
                        const pl_report_options *o, pl_error *err) {
  pl_figure *f = NULL;
  int rc = pl_figure_analysis(a, &o->plot, &f, err);
  if (!rc) rc = inline_figure(h, f, "os-", err);
  pl_figure_free(f);
  return rc;
}

static int negotiation(part *h, const pl_analysis *a, const pl_report_options *o,
                       pl_error *err) {
  const pl_scenario *s = scenario_of(a);
  const pl_session *x = o->session;
  if (o->session_setup && *o->session_setup) {
    el(h, "p");
    text(h, "Set-up: ");
    text(h, o->session_setup);
    text(h, ".");
    end(h);
  }
  const pl_point *agr = pl_session_agreement(x);
  el(h, "p");
  if (agr) {
    textf(h, "The agents reached %s after %d rounds. ",
          pl_session_end(x) == PL_END_PARTIAL ? "a partial agreement"
                                              : "an agreement",
          pl_session_rounds(x));
    double dp = pl_session_distance_to_pareto(x, a);
    double dn = pl_session_distance_to_nash(x, a);
    if (dp >= 0)
      textf(h, "It lies %.3f from the Pareto frontier%s", dp,
            dp < 1e-9 ? " (on it)" : "");
    if (dn >= 0) textf(h, " and %.3f from the Nash package.", dn);
  } else {
    textf(h, "No agreement: the negotiation ended by %s after %d rounds.",
          pl_end_name(pl_session_end(x)), pl_session_rounds(x));
  }
  end(h);
  if (agr) package_list(h, s, agr->options);
  pl_figure *f = NULL;
  int rc = pl_figure_session(s, x, a, &o->plot, &f, err);
  if (!rc) {
    el(h, "figure");
    rc = inline_figure(h, f, "run-", err);
    el(h, "figcaption");
    text(h, "Left: every offer in the parties' utilities, in time order (later "
            "ones darker), over the Pareto frontier. Right or below: what each "
            "offer is worth to each party, round by round.");
    end(h);
    end(h);
  }
  pl_figure_free(f);
  return rc;
}

/* A record: the verdict, then its entries, withheld ones marked. */
static int record(part *h, const pl_analysis *a, const pl_report_options *o,
                  pl_error *err) {
  (void)a;
  (void)err;
  const pl_verdict *v = o->verdict;
  size_t nf = pl_verdict_flaw_count(v), nw = pl_verdict_withheld_count(v);
  el_class(h, "div", "insight");
  if (!nf)
    textf(h, "Verified: the record is complete and intact (%zu entries, %zu "
             "signatures checked)%s.",
          pl_verdict_entries(v), pl_verdict_signatures_checked(v),
          nw ? "; some entries are withheld, each committed by its hash and "
               "named below"
             : "");
  else
    textf(h, "Not verified: %zu flaw%s found.", nf, nf == 1 ? "" : "s");
  end(h);
  if (nf) {
    el(h, "ul");
    for (size_t i = 0; i < nf && i < 200; i++) {
      el(h, "li");
      textf(h, "%s: %s", pl_flaw_name(pl_verdict_flaw(v, i)->kind),
            pl_verdict_flaw(v, i)->detail);
      end(h);
    }
    end(h);
  }
  size_t n = pl_record_entry_count(o->record);
  el(h, "table");
  el(h, "tr");
  el_text(h, "th", "entry");
  el_text(h, "th", "event");
  el_text(h, "th", "by");
  el_text(h, "th", "content");
  end(h);
  for (size_t k = 0; k < n && k < 500; k++) {
    const char *body = pl_record_entry_body(o->record, k);
    el_class(h, "tr", body ? "entry" : "entry withheld");
    el_class(h, "td", "num");
    textf(h, "%zu", k);
    end(h);
    el_text(h, "td", pl_record_entry_event(o->record, k));
    el_text(h, "td", pl_record_entry_signer(o->record, k));
    el(h, "td");
    if (body) {
      el_text(h, "code", k ? body : "(the genesis: scenario hash, settings, keys)");
    } else {
      const char *by = NULL;
      for (size_t w = 0; w < nw && !by; w++)
        if (pl_verdict_withheld(v, w)->entry == (long)k)
          by = pl_verdict_withheld(v, w)->by;
      el_class(h, "strong", "withheld");
      textf(h, "withheld by %s", by ? by : "nobody (no signed statement)");
      end(h);
      text(h, " \xe2\x80\x94 only its hash commitment is published");
    }
    end(h);
    end(h);
  }
  end(h);
  if (n > 500) {
    el(h, "p");
    textf(h, "(The first 500 of %zu entries; 'parley verify' checks them "
             "all.)",
          n);
    end(h);
  }
  return PL_OK;
}

static int sequence(part *h, const pl_analysis *a,
                    const pl_report_options *o, pl_error *err) {
  (void)a;
  const pl_sequence *r = o->sequence;
  size_t n;
  pl_order_kind kind = PL_ORDER_RECOMMENDED;
  const int *order = pl_sequence_order(r, kind, &n);
  const pl_plan *p = plan_of(r);
  el(h, "p");
  const char *t = pl_plan_title(p);
  textf(h, "Plan %s%s%s: %d steps, %d parties, %d demands on the order. ",
        pl_plan_id(p), *t ? ": " : "", t, pl_plan_step_count(p),
        pl_plan_party_count(p), pl_plan_demand_count(p));
  text(h, pl_sequence_feasible(r)
              ? "Every hard demand can hold together."
              : "The hard demands cannot all hold together.");
  end(h);
  size_t nc = pl_sequence_conflict_count(r);
  if (nc) {
    el_class(h, "ol", "deadlocks");
    for (size_t k = 0; k < nc && k < 50; k++) {
      size_t m;
      const int *set = pl_sequence_conflict(r, k, &m);
      el(h, "li");
      for (size_t j = 0; j < m; j++) {
        char buf[1024];
        if (j) text(h, j + 1 == m ? " and " : ", ");
        el(h, "b");
        text(h, pl_plan_party_name(p, pl_plan_demand_party(p, set[j])));
        end(h);
        textf(h, " wants %s", pl_plan_demand_text(p, set[j], buf, sizeof buf));
      }
      text(h, ": these cannot all hold.");
      end(h);
    }
    end(h);
  }
  el_text(h, "h3", "The recommended order");
  el(h, "table");
  el(h, "thead");
  el(h, "tr");
  el_class(h, "th", "num");
  text(h, "#");
  end(h);
  el_text(h, "th", "step");
  el_text(h, "th", "by");
  int np = pl_plan_party_count(p);
  for (int q = 0; q < np && q < 8; q++) {
    el_class(h, "th", "num");
    textf(h, "%s's gain", pl_plan_party_id(p, q));
    end(h);
  }
  end(h);
  end(h);
  el(h, "tbody");
  for (size_t k = 0; k < n; k++) {
    el(h, "tr");
    el_class(h, "td", "num");
    textf(h, "%zu", k + 1);
    end(h);
    el(h, "td");
    text(h, pl_plan_step_id(p, order[k]));
    const char *d = pl_plan_step_description(p, order[k]);
    if (d && *d) {
      el_class(h, "span", "muted");
      textf(h, " \xe2\x80\x94 %s", d);
      end(h);
    }
    end(h);
    int by = pl_plan_step_by(p, order[k]);
    el_text(h, "td", by < 0 ? "joint" : pl_plan_party_id(p, by));
    for (int q = 0; q < np && q < 8; q++) {
      double g = pl_sequence_gain(r, kind, q, k + 1);
      el_class(h, "td", "num");
      textf(h, "%.3g", g);
      if (pl_sequence_slack(r, kind, q, k + 1) < -1e-9) {
        text(h, " ");
        el_class(h, "span", "badge exposed");
        text(h, "exposed");
        end(h);
      }
      end(h);
    }
    end(h);
  }
  end(h);
  end(h);
  el(h, "p");
  if (pl_sequence_safe(r, kind)) {
    text(h, "In this order no party ever holds more than seeing the plan "
            "through gives it: nobody is tempted to walk away.");
  } else {
    for (int q = 0; q < np; q++) {
      if (!pl_sequence_exposed(r, kind, q)) continue;
      size_t at;
      double m = pl_sequence_party_min_slack(r, kind, q, &at);
      textf(h, "%s is exposed after step %zu (%s): it has then received %.3g "
            "more than its bound, so walking away would pay. ",
            pl_plan_party_name(p, q), at,
            at ? pl_plan_step_id(p, order[at - 1]) : "start", -m);
    }
    double u = pl_sequence_levers(r) ? pl_sequence_uniform_guarantee(r) : 0;
    if (u > 0)
      textf(h, "A guarantee worth %.3g to every party (raising what walking "
            "away costs) would make a safe order exist.", u);
  }
  end(h);
  pl_figure *f = NULL;
  pl_plot_options po = o->plot;
  po.order = PL_ORDER_RECOMMENDED;
  int rc = pl_figure_sequence(r, &po, &f, err);
  if (!rc) {
    el(h, "figure");
    rc = inline_figure(h, f, "seq-", err);
    el(h, "figcaption");
    text(h, "Each party's running gain after each step (solid) against its "
            "bound K (dashed): what the whole plan gives it plus what walking "
            "away costs it. Shaded: the party has received more than K.");
    end(h);
    end(h);
  }
  pl_figure_free(f);
  return rc;
}

/* ------------------------------------------------------------------ */
/* The mediator's sections (docs/mediation.md)                         */
/* ------------------------------------------------------------------ */

/* "Russia relaxes its red line no_enlargement to moratorium (...)" */
static void move_words(part *h, const pl_scenario *s, const pl_move *m) {
  el(h, "b");
  text(h, party_name(s, m->party));
  end(h);
  if (m->kind == PL_MOVE_LOWER) {
    textf(h, " lowers its reservation value from %.3f to %.3f", m->from,
          m->to);
  } else {
    text(h, m->kind == PL_MOVE_DROP ? " drops its red line "
                                    : " relaxes its red line ");
    el_class(h, "span", "id");
    text(h, pl_scenario_red_line_id(s, m->red_line));
    end(h);
    const char *d = pl_scenario_red_line_description(s, m->red_line);
    if (d && *d) textf(h, " (%s)", d);
    if (m->kind == PL_MOVE_VARIANT) {
      text(h, " to ");
      el_class(h, "span", "id");
      text(h, pl_scenario_variant_id(s, m->red_line, m->variant));
      end(h);
      d = pl_scenario_variant_description(s, m->red_line, m->variant);
      if (d && *d) textf(h, " (%s)", d);
    }
  }
  el_class(h, "span", "muted");
  textf(h, " \xe2\x80\x94 cost %.3g", m->cost);
  end(h);
}

/* A package in one cell: "issue option; ..." (the first 12 issues). */
static void package_cell(part *h, const pl_scenario *s, const uint32_t *o) {
  el(h, "td");
  int ni = pl_scenario_issue_count(s);
  for (int i = 0; i < ni && i < 12; i++) {
    textf(h, "%s%s ", i ? "; " : "", pl_scenario_issue_id(s, i));
    el(h, "b");
    text(h, option_name(s, i, o[i]));
    end(h);
  }
  if (ni > 12) textf(h, "; \xe2\x80\xa6 (%d issues)", ni);
  end(h);
}

/* A utility with its gain over base (no gain shown when base < 0). */
static void gain_cell(part *h, double u, double base) {
  el_class(h, "td", "num");
  textf(h, "%.3f", u);
  if (base >= 0) {
    el_class(h, "span", "muted");
    textf(h, " (%+.3f)", u - base);
    end(h);
  }
  end(h);
}

static void party_heads(part *h, const pl_scenario *s) {
  for (int p = 0; p < pl_scenario_party_count(s) && p < 12; p++) {
    el_class(h, "th", "num");
    text(h, pl_scenario_party_id(s, p));
    end(h);
  }
}

static void unlock_set(part *h, const pl_scenario *s, const pl_unlock *u,
                       size_t k) {
  const pl_unlock_set *st = pl_unlock_set_at(u, k);
  int np = pl_scenario_party_count(s);
  el(h, "li");
  el(h, "p");
  el(h, "b");
  textf(h, "Cost %.3g", st->cost);
  end(h);
  textf(h, ", %d %s", st->parties_moving,
        st->parties_moving == 1 ? "party moves" : "parties move");
  if (st->fairest) {
    text(h, " ");
    el_class(h, "span", "badge safe");
    text(h, "fairest");
    end(h);
    textf(h, ": no party bears more than %.3g", st->max_party_cost);
  }
  text(h, ":");
  end(h);
  el_class(h, "ul", "plain");
  for (size_t j = 0; j < st->n_moves; j++) {
    el(h, "li");
    move_words(h, s, &st->moves[j]);
    end(h);
  }
  end(h);
  if (!st->solution[PL_SOLUTION_NASH]) {
    el_text(h, "p", "The packages it opens were not computed (too many "
                    "outcomes).");
    end(h);
    return;
  }
  el(h, "p");
  if (st->feasible == UINT64_MAX)
    textf(h, "It opens a zone of agreement; its Pareto frontier has %zu "
          "package%s.", st->pareto_count, st->pareto_count == 1 ? "" : "s");
  else
    textf(h, "It opens %llu package%s; %zu on the Pareto frontier.",
          (unsigned long long)st->feasible, st->feasible == 1 ? "" : "s",
          st->pareto_count);
  end(h);
  static const pl_solution which[] = {PL_SOLUTION_NASH, PL_SOLUTION_KALAI,
                                      PL_SOLUTION_EGALITARIAN};
  static const char *const label[] = {"Nash", "Kalai\xe2\x80\x93Smorodinsky",
                                      "egalitarian"};
  el(h, "table");
  el(h, "thead");
  el(h, "tr");
  el_text(h, "th", "rule");
  el_text(h, "th", "package");
  party_heads(h, s);
  end(h);
  end(h);
  el(h, "tbody");
  int ni = pl_scenario_issue_count(s);
  for (int w = 0; w < 3; w++) {
    const pl_point *pt = st->solution[which[w]];
    if (!pt) continue;
    bool seen = false; /* one row for the rules that pick one package */
    for (int v = 0; v < w && !seen; v++)
      seen = st->solution[which[v]] &&
             !memcmp(st->solution[which[v]]->options, pt->options,
                     (size_t)ni * sizeof *pt->options);
    if (seen) continue;
    el(h, "tr");
    el(h, "td");
    text(h, label[w]);
    for (int v = w + 1; v < 3; v++)
      if (st->solution[which[v]] &&
          !memcmp(st->solution[which[v]]->options, pt->options,
                  (size_t)ni * sizeof *pt->options))
        textf(h, ", %s", label[v]);
    end(h);
    package_cell(h, s, pt->options);
    for (int p = 0; p < np && p < 12; p++)
      gain_cell(h, pt->utilities[p], pl_unlock_status_quo_utility(u, p));
    end(h);
  }
  end(h);
  end(h);
  end(h);
}

/* "What would unlock it": the sets described and the picture of what the
 * first opens. */
static int unlock_part(part *h, const pl_analysis *a, const pl_report_options *o,
                       pl_error *err) {
  const pl_scenario *s = scenario_of(a);
  const pl_unlock *u = o->unlock;
  size_t total = pl_unlock_total(u), shown = pl_unlock_set_count(u);
  int by = pl_unlock_party(u);
  el(h, "p");
  if (by >= 0) textf(h, "Only %s's concessions are considered. ",
                     party_name(s, by));
  if (!total) {
    text(h, by >= 0 ? "No concession of this party alone opens a zone of "
                      "agreement."
                    : "No concession opens a zone of agreement.");
  } else {
    textf(h, "%zu minimal set%s of concessions (red lines relaxed to a "
          "weaker variant or dropped, reservation values lowered by the "
          "least that suffices) open%s a zone of agreement: no part of a set "
          "would do at the same cost. ",
          total, total == 1 ? "" : "s", total == 1 ? "s" : "");
    if (shown < total) textf(h, "The %zu cheapest are described", shown);
    else text(h, "Cheapest first");
    text(h, pl_unlock_status_quo_utility(u, 0) >= 0
                ? ", with what the packages each opens give each party (in "
                  "brackets, the gain over the status quo)."
                : ", with what the packages each opens give each party.");
  }
  end(h);
  if (pl_unlock_incomplete(u))
    el_text(h, "p", "The search stopped at its budget: the list may be "
                    "incomplete, and cheaper sets may exist.");
  el_class(h, "ol", "deadlocks");
  for (size_t k = 0; k < shown; k++) unlock_set(h, s, u, k);
  end(h);
  const pl_analysis *first = shown ? pl_unlock_set_analysis(u, 0) : NULL;
  if (!first) return PL_OK;
  pl_figure *f = NULL;
  int rc = pl_figure_analysis(first, &o->plot, &f, err);
  if (!rc) {
    el(h, "figure");
    rc = inline_figure(h, f, "unlock-", err);
    el(h, "figcaption");
    text(h, "The outcome space once the cheapest set's concessions are "
            "made: the feasible packages are the ones it opens, with their "
            "Pareto frontier and the packages the four rules pick.");
    end(h);
    end(h);
  }
  pl_figure_free(f);
  return rc;
}

/* Before and after for every party. */
static void improvement(part *h, const pl_scenario *s, const pl_improve *x,
                        const char *title, const pl_point *pt) {
  const pl_point *from = pl_improve_from(x);
  int np = pl_scenario_party_count(s);
  el_text(h, "h3", title);
  char *t = pl_improve_trades(x, pt);
  if (!t) {
    h->bad = 1;
    return;
  }
  el_text(h, "p", t);
  pl_free(t);
  el(h, "table");
  el(h, "thead");
  el(h, "tr");
  el_text(h, "th", "package");
  party_heads(h, s);
  end(h);
  end(h);
  el(h, "tbody");
  el(h, "tr");
  package_cell(h, s, pt->options);
  for (int p = 0; p < np && p < 12; p++)
    gain_cell(h, pt->utilities[p], from->utilities[p]);
  end(h);
  end(h);
  end(h);
}

/* "Can this deal be improved". */
static int improve_part(part *h, const pl_analysis *a,
                        const pl_report_options *o, pl_error *err) {
  (void)err;
  const pl_scenario *s = scenario_of(a);
  const pl_improve *x = o->improve;
  const pl_point *from = pl_improve_from(x);
  int np = pl_scenario_party_count(s);
  el_text(h, "p", "The deal examined:");
  package_list(h, s, from->options);
  el(h, "p");
  text(h, "It gives ");
  for (int p = 0; p < np; p++)
    textf(h, "%s%s %.3f", p ? (p + 1 == np ? " and " : ", ") : "",
          party_name(s, p), from->utilities[p]);
  text(h, pl_improve_from_feasible(x)
              ? "."
              : "; it breaks a red line or a reservation value.");
  end(h);
  el_class(h, "div", "insight");
  if (pl_improve_efficient(x)) {
    text(h, pl_improve_from_feasible(x)
                ? "Pareto-efficient: no feasible package makes a party "
                  "better off without making another worse off."
                : "No feasible package improves on it.");
    end(h);
    return PL_OK;
  }
  uint64_t n = pl_improve_count(x);
  size_t nb = pl_improve_best_count(x);
  text(h, "Not Pareto-efficient: ");
  if (n != UINT64_MAX)
    textf(h, "%llu feasible package%s every party at least as well off and "
          "one better, ", (unsigned long long)n,
          n == 1 ? " leaves" : "s leave");
  else
    text(h, "feasible packages leave every party at least as well off and "
            "one better, ");
  textf(h, "%zu of them on the Pareto frontier.", nb);
  end(h);
  improvement(h, s, x, "The largest smallest gain", pl_improve_max_min(x));
  improvement(h, s, x, "The largest product of gains (Nash)",
              pl_improve_max_nash(x));
  el_text(h, "h3", "Every Pareto-optimal improvement");
  el_class(h, "ol", "deadlocks");
  for (size_t k = 0; k < nb && k < 50; k++) {
    char *t = pl_improve_trades(x, pl_improve_best(x, k));
    if (!t) {
      h->bad = 1;
      break;
    }
    el_text(h, "li", t);
    pl_free(t);
  }
  end(h);
  if (nb > 50) {
    el(h, "p");
    textf(h, "(The first 50 of %zu; 'parley improve' lists them all.)", nb);
    end(h);
  }
  return PL_OK;
}

/* ------------------------------------------------------------------ */
/* The template                                                        */
/* ------------------------------------------------------------------ */

typedef struct slot {
  const char *name;
  char *value; /* NULL or "": empty */
} slot;

static const char *find_slot(const slot *slots, size_t n, const char *name,
                             size_t len) {
  for (size_t k = 0; k < n; k++)
    if (strlen(slots[k].name) == len && !strncmp(slots[k].name, name, len))
      return slots[k].value ? slots[k].value : "";
  return NULL;
}

/* {{name}} becomes the slot's text; {{#name}}...{{/name}} stays only when
 * the slot is not empty (no nesting of the same name). An unknown name is
 * left as it is, so a typo shows on the page instead of vanishing. */
static void fill(pl__buf *out, const char *t, size_t len, const slot *slots,
                 size_t n) {
  size_t k = 0;
  while (k < len) {
    const char *open = strstr(t + k, "{{");
    if (!open || (size_t)(open - t) >= len) {
      pl__buf_put(out, t + k, len - k);
      return;
    }
    size_t at = (size_t)(open - t);
    pl__buf_put(out, t + k, at - k);
    const char *close = strstr(open + 2, "}}");
    if (!close) {
      pl__buf_put(out, open, len - at);
      return;
    }
    bool section = open[2] == '#';
    const char *name = open + 2 + section;
    size_t nl = (size_t)(close - name);
    const char *v = find_slot(slots, n, name, nl);
    if (!v || open[2] == '/') {
      pl__buf_put(out, open, (size_t)(close + 2 - open));
      k = (size_t)(close + 2 - t);
      continue;
    }
    if (!section) {
      pl__buf_put(out, v, strlen(v));
      k = (size_t)(close + 2 - t);
      continue;
    }
    char endtag[128];
    snprintf(endtag, sizeof endtag, "{{/%.*s}}", (int)nl, name);
    const char *stop = strstr(close + 2, endtag);
    if (!stop) { /* unbalanced: leave it visible */
      pl__buf_put(out, open, (size_t)(close + 2 - open));
      k = (size_t)(close + 2 - t);
      continue;
    }
    if (*v) fill(out, close + 2, (size_t)(stop - close - 2), slots, n);
    k = (size_t)(stop + strlen(endtag) - t);
  }
}

/* Plain text for a slot, with &, <, > and " escaped by libxml2. */
static char *escaped(const char *s) {
  xmlChar *e = xmlEncodeSpecialChars(NULL, BAD_CAST(s ? s : ""));
  char *out = e ? pl__strdup((const char *)e) : NULL;
  xmlFree(e);
  return out;
}

void pl_report_options_init(pl_report_options *o) {
  memset(o, 0, sizeof *o);
  o->struct_size = sizeof *o;
  pl_plot_options_init(&o->plot);
}

int pl_report_html(const pl_analysis *a, const pl_report_options *o,
                   char **html, size_t *len, pl_error *err) {
  *html = NULL;
  *len = 0;
  if (!a) return pl__err(err, PL_EINVAL, "no analysis");
  if (pl__xml_open(err)) return PL_EUNSUPPORTED;
  pl_report_options opts;
  pl_report_options_init(&opts);
  PL__OPTIONS_COPY(&opts, o);
  const pl_scenario *s = scenario_of(a);
  const char *title = opts.title;
  if (!title || !*title) title = pl_scenario_title(s);
  if (!title || !*title) title = pl_scenario_id(s);
  enum { VERSION, TITLE, DESCRIPTION, SOURCE, CARDS, SUMMARY, PARTIES, ISSUES,
         RED_LINES, DEADLOCKS, PACKAGES, OUTCOME_PLOT, NEGOTIATION, SEQUENCE,
         RECORD, UNLOCK, IMPROVE, N_SLOTS };
  slot slots[N_SLOTS] = {
      {"version", NULL},   {"title", NULL},     {"description", NULL},
      {"source", NULL},    {"cards", NULL},     {"summary", NULL},
      {"parties", NULL},   {"issues", NULL},    {"red_lines", NULL},
      {"deadlocks", NULL}, {"packages", NULL},  {"outcome_plot", NULL},
      {"negotiation", NULL}, {"sequence", NULL}, {"record", NULL},
      {"unlock", NULL},    {"improve", NULL}};
  int rc = PL_OK;
  slots[VERSION].value = escaped(pl_version());
  slots[TITLE].value = escaped(title);
  slots[DESCRIPTION].value = escaped(pl_scenario_description(s));
  char src[600];
  snprintf(src, sizeof src, "the scenario \xe2\x80\x9c%s\xe2\x80\x9d",
           pl_scenario_id(s));
  slots[SOURCE].value = escaped(src);
  for (int k = VERSION; k < CARDS; k++)
    if (!slots[k].value) rc = pl__err(err, PL_ENOMEM, "out of memory");
  void (*parts[])(part *, const pl_analysis *) = {cards, summary, parties,
                                                  issues, red_lines, deadlocks,
                                                  packages};
  for (int k = 0; k < 7; k++) {
    part h;
    part_open(&h);
    parts[k](&h, a);
    slots[CARDS + k].value = part_close(&h);
    if (!slots[CARDS + k].value) rc = pl__err(err, PL_ENOMEM, "out of memory");
  }
  /* the picture and the sections written only when their input is there */
  const struct {
    int slot;
    bool wanted;
    int (*write)(part *, const pl_analysis *, const pl_report_options *,
                 pl_error *);
  } sections[] = {
      {OUTCOME_PLOT, true, outcome_plot},
      {NEGOTIATION, opts.session != NULL, negotiation},
      {SEQUENCE, opts.sequence != NULL, sequence},
      {RECORD, opts.record && opts.verdict, record},
      {UNLOCK, opts.unlock && pl_unlock_needed(opts.unlock), unlock_part},
      {IMPROVE, opts.improve != NULL, improve_part},
  };
  for (size_t k = 0; k < sizeof sections / sizeof *sections && !rc; k++) {
    if (!sections[k].wanted) continue;
    part h;
    part_open(&h);
    rc = sections[k].write(&h, a, &opts, err);
    char **v = &slots[sections[k].slot].value;
    *v = part_close(&h);
    if (!rc && !*v) rc = pl__err(err, PL_ENOMEM, "out of memory");
  }
  pl__buf out = {0};
  if (!rc) {
    fill(&out, (const char *)pl__report_template, pl__report_template_size,
         slots, N_SLOTS);
    if (out.bad) rc = pl__err(err, PL_ENOMEM, "out of memory");
  }
  for (int k = 0; k < N_SLOTS; k++) pl__free(slots[k].value);
  if (rc) {
    pl__free(out.p);
    return rc;
  }
  *html = out.p;
  *len = out.n;
  return PL_OK;
}

int pl_report_write(const pl_analysis *a, const pl_report_options *o,
                    const char *path, pl_error *err) {
  char *html;
  size_t len;
  int rc = pl_report_html(a, o, &html, &len, err);
  if (rc) return rc;
  rc = pl__write_file(path, html, len, err);
  pl__free(html);
  return rc;
}
