/* Unit tests of the pictures and the HTML report (src/report/figure.c,
 * plot_*.c, render_*.c, report_html.c): every example, plan and a
 * negotiation are drawn; the SVG parses (libxml2) and holds the expected
 * marks by id and class (frontier points, solution markers, axis labels
 * with the parties' names); PNG and PDF come out; large spaces give a
 * density image and the exact frontier; the ../shared/data scenarios are
 * drawn when present; out-of-memory never gives a half figure. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "core/util.h"
#include "testutil.h"

/* ------------------------------------------------------------------ */
/* SVG as a document                                                    */
/* ------------------------------------------------------------------ */

typedef struct svg {
  xmlDocPtr doc;
  xmlXPathContextPtr xp;
  char *text;
} svg;

static svg render(const pl_figure *f) {
  svg s = {0};
  size_t len;
  pl_error err;
  int rc = pl_figure_render(f, PL_PLOT_SVG, NULL, &s.text, &len, &err);
  if (rc) fail_msg("rendering SVG: %s", err.message);
  assert_int_equal(strlen(s.text), len);
  s.doc = xmlReadMemory(s.text, (int)len, "figure.svg", NULL,
                        XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  if (!s.doc) fail_msg("the SVG does not parse");
  s.xp = xmlXPathNewContext(s.doc);
  xmlXPathRegisterNs(s.xp, BAD_CAST "s", BAD_CAST "http://www.w3.org/2000/svg");
  return s;
}

static void svg_free(svg *s) {
  xmlXPathFreeContext(s->xp);
  xmlFreeDoc(s->doc);
  pl_free(s->text);
}

/* The number of nodes an XPath expression selects. */
static int count(svg *s, const char *expr) {
  xmlXPathObjectPtr r = xmlXPathEvalExpression(BAD_CAST expr, s->xp);
  if (!r) fail_msg("bad XPath %s", expr);
  int n = r->nodesetval ? r->nodesetval->nodeNr : 0;
  xmlXPathFreeObject(r);
  return n;
}

#define assert_count(s, expr, want)                                           \
  do {                                                                        \
    int got_ = count(s, expr);                                                \
    if (got_ != (want)) fail_msg("%s: %d, expected %d", expr, got_, (int)(want)); \
  } while (0)
#define assert_some(s, expr)                                                  \
  do {                                                                        \
    if (count(s, expr) < 1) fail_msg("%s: none", expr);                       \
  } while (0)

/* A text element reading exactly `t`. */
static int has_text(svg *s, const char *t) {
  char expr[600];
  snprintf(expr, sizeof expr, "//s:text[normalize-space(.)=\"%s\"]", t);
  return count(s, expr);
}

static pl_figure *analysis_figure(const pl_analysis *a,
                                  const pl_plot_options *o) {
  pl_figure *f = NULL;
  pl_error err;
  int rc = pl_figure_analysis(a, o, &f, &err);
  if (rc) fail_msg("pl_figure_analysis: %s (%s)", err.message, pl_errname(rc));
  return f;
}

/* Every format comes out with its signature. */
static void assert_formats(const pl_figure *f) {
  char *data;
  size_t len;
  pl_error err;
  assert_int_equal(pl_figure_render(f, PL_PLOT_PNG, NULL, &data, &len, &err), PL_OK);
  assert_true(len > 8 && !memcmp(data, "\x89PNG", 4));
  pl_free(data);
  pl_plot_options o;
  pl_plot_options_init(&o);
  o.scale = 1;
  assert_int_equal(pl_figure_render(f, PL_PLOT_PDF, &o, &data, &len, &err), PL_OK);
  assert_true(len > 8 && !memcmp(data, "%PDF", 4));
  pl_free(data);
}

/* ------------------------------------------------------------------ */
/* The outcome space                                                    */
/* ------------------------------------------------------------------ */

static void test_job_offer(void **state) {
  (void)state;
  pl_scenario *sc = tu_load("examples/job-offer.yaml");
  pl_analysis *a = tu_analyze(sc);
  pl_figure *f = analysis_figure(a, NULL);
  svg s = render(f);
  /* the frontier: its two packages, each with its package on hover */
  assert_count(&s, "//s:g[@id='frontier']/s:circle", 2);
  assert_count(&s, "//s:g[@id='frontier']/s:circle/s:title", 2);
  assert_count(&s, "//s:g[@id='frontier']/s:polyline", 1);
  assert_some(&s, "//s:g[@id='frontier']/s:circle/s:title[contains(., 'salary = 70')]");
  /* Nash = K-S = utilitarian at 70/1/june, egalitarian at 80/1/june */
  for (int k = 0; k < PL_SOLUTION_COUNT_; k++) {
    char expr[200];
    snprintf(expr, sizeof expr, "//s:g[@id='%s' and @class='solution']/*",
             pl_solution_name((pl_solution)k));
    assert_count(&s, expr, 1);
  }
  assert_some(&s, "//s:g[@id='nash']/*/s:title[contains(., 'salary = 70')]");
  assert_some(&s, "//s:g[@id='egalitarian']/*/s:title[contains(., 'salary = 80')]");
  assert_int_equal(has_text(&s, "Nash = K\xe2\x80\x93S = utilitarian"), 1);
  assert_int_equal(has_text(&s, "egalitarian"), 1);
  /* axes named after the parties, ticks 0..1 */
  assert_count(&s, "//s:g[@class='x-label']/s:text[.='utility for The candidate']", 1);
  assert_count(&s, "//s:g[@class='y-label']/s:text[.='utility for The employer']", 1);
  assert_int_equal(has_text(&s, "0.4"), 2);
  assert_int_equal(has_text(&s, "1"), 2);
  /* every one of the 18 packages, by class: 5 feasible (at 4 points:
   * two frontier packages share nothing, 3 others), 3 below a reservation,
   * 10 breaking a red line */
  assert_count(&s, "//s:g[@id='feasible']/s:circle", 5);
  assert_count(&s, "//s:g[@id='below-reservation']/s:circle", 3);
  assert_count(&s, "//s:g[@id='breaks-red-line']/s:path", 10);
  assert_count(&s, "//s:g[@id='feasible']/s:circle/s:title", 5);
  /* the reservation lines and their labels, the legend, the heading */
  assert_count(&s, "//s:g[@id='reservation']/s:polyline", 2);
  assert_int_equal(has_text(&s, "candidate's reservation 0.40"), 1);
  assert_some(&s, "//s:g[@class='legend']/s:text[starts-with(., 'Pareto frontier')]");
  assert_some(&s, "//s:g[@id='heading']/s:text[.='A job offer: salary, remote days and start date']");
  assert_some(&s, "/s:svg/s:title");
  svg_free(&s);
  assert_formats(f);
  pl_figure_free(f);
  pl_analysis_free(a);
  pl_scenario_free(sc);
}

static void test_security_talks(void **state) {
  (void)state;
  pl_scenario *sc = tu_load("examples/security-talks.yaml");
  pl_analysis *a = tu_analyze(sc);
  pl_figure *f = analysis_figure(a, NULL);
  svg s = render(f);
  /* three parties: a panel per pair, each axis named */
  assert_count(&s, "//s:g[@class='panel']", 3);
  assert_count(&s, "//s:g[@class='x-label']/s:text[.='utility for Russia']", 2);
  assert_count(&s, "//s:g[@class='y-label']/s:text[.='utility for NATO']", 2);
  assert_count(&s, "//s:g[@class='x-label']/s:text[.='utility for United States']", 1);
  /* a deadlock: no frontier, no solution, every package breaks a red line;
   * the status quo and the blocked partial deal are marked */
  assert_count(&s, "//s:g[@id='frontier']", 0);
  assert_count(&s, "//s:g[@class='solution']", 0);
  assert_count(&s, "//s:g[@id='feasible']", 0);
  assert_count(&s, "//s:g[@id='breaks-red-line']", 3);
  assert_count(&s, "//s:g[@id='status-quo']", 3);
  assert_count(&s, "//s:g[@id='partial']/s:polygon/s:title[contains(., 'linkage')]", 3);
  assert_int_equal(has_text(&s, "partial deal (blocked)"), 3);
  assert_some(&s, "//s:g[@class='legend']/s:text[contains(., 'deadlock')]");
  svg_free(&s);
  pl_figure_free(f);
  pl_analysis_free(a);
  pl_scenario_free(sc);
}

/* Every bundled scenario draws, in every format. */
static void test_every_example(void **state) {
  (void)state;
  DIR *d = opendir(tu_source_path("examples"));
  assert_non_null(d);
  struct dirent *e;
  int n = 0;
  while ((e = readdir(d))) {
    size_t len = strlen(e->d_name);
    if (len < 6 || strcmp(e->d_name + len - 5, ".yaml")) continue;
    char rel[600];
    snprintf(rel, sizeof rel, "examples/%s", e->d_name);
    pl_scenario *sc = tu_load(rel);
    pl_analysis *a = tu_analyze(sc);
    pl_figure *f = analysis_figure(a, NULL);
    svg s = render(f);
    assert_some(&s, "//s:g[@class='panel']");
    assert_some(&s, "//s:g[@class='legend']");
    svg_free(&s);
    assert_formats(f);
    pl_figure_free(f);
    pl_analysis_free(a);
    pl_scenario_free(sc);
    n++;
  }
  closedir(d);
  assert_true(n >= 2);
}

/* Two parties over 10^12 outcomes: no enumeration, a sampled density and
 * the exact (structural) frontier. */
static pl_scenario *big_scenario(int issues, int options) {
  pl_scenario *s = pl_scenario_new("big");
  TU_OK(pl_scenario_add_party(s, "a", "Party A", 0.2, NULL));
  TU_OK(pl_scenario_add_party(s, "b", "Party B", 0.3, NULL));
  tu_rng r = {42};
  for (int i = 0; i < issues; i++) {
    char id[16];
    snprintf(id, sizeof id, "i%d", i);
    TU_OK(pl_scenario_add_integer_issue(s, id, NULL, 0, options - 1, 1, NULL));
    for (int p = 0; p < 2; p++) {
      TU_OK(pl_scenario_set_weight(s, p, i, 1 + (double)(tu_next(&r) % 10), NULL));
      for (int o = 0; o < options; o++)
        TU_OK(pl_scenario_set_value(s, p, i, (uint32_t)o,
                                    (double)(tu_next(&r) % 101) / 100, NULL));
    }
  }
  TU_OK(pl_scenario_finish(s, NULL));
  return s;
}

static void test_large_space(void **state) {
  (void)state;
  pl_scenario *sc = big_scenario(12, 10);
  pl_analysis *a = tu_analyze(sc);
  assert_string_equal(pl_analysis_method(a), "structural");
  pl_plot_options o;
  pl_plot_options_init(&o);
  o.sample = 20000; /* quick */
  pl_figure *f = analysis_figure(a, &o);
  svg s = render(f);
  assert_count(&s, "//s:g[@id='density']/s:image", 1);
  assert_some(&s, "//s:g[@id='density']/s:image[starts-with(@href, 'data:image/png;base64,')]");
  assert_count(&s, "//s:g[@id='feasible']", 0);
  size_t nf = pl_analysis_pareto_count(a);
  assert_true(nf > 10);
  char expr[200];
  snprintf(expr, sizeof expr, "count(//s:g[@id='frontier']/s:circle) = %zu", nf);
  xmlXPathObjectPtr r = xmlXPathEvalExpression(BAD_CAST expr, s.xp);
  assert_true(r && r->boolval);
  xmlXPathFreeObject(r);
  assert_some(&s, "//s:g[@class='legend']/s:text[contains(., 'random sample')]");
  assert_some(&s, "//s:g[@id='nash']");
  svg_free(&s);
  pl_figure_free(f);
  pl_analysis_free(a);
  pl_scenario_free(sc);

  /* 3^10 = 59049 outcomes: every one visited, binned (no sample) */
  sc = big_scenario(10, 3);
  a = tu_analyze(sc);
  f = analysis_figure(a, NULL);
  s = render(f);
  assert_count(&s, "//s:g[@id='density']/s:image", 1);
  assert_some(&s, "//s:g[@class='legend']/s:text[contains(., 'shading counts')]");
  svg_free(&s);
  pl_figure_free(f);
  pl_analysis_free(a);
  pl_scenario_free(sc);
}

/* ------------------------------------------------------------------ */
/* Negotiations and plans                                               */
/* ------------------------------------------------------------------ */

static pl_session *run(const pl_scenario *sc, pl_protocol proto, int rounds,
                       const char *const *agents) {
  pl_session_options so;
  pl_session_options_init(&so);
  so.protocol = proto;
  so.rounds = rounds;
  pl_session *x = NULL;
  pl_error err;
  if (pl_session_new(sc, &so, agents, &x, &err))
    fail_msg("pl_session_new: %s", err.message);
  while (pl_session_step(x) == PL_SESSION_RUNNING) {
  }
  return x;
}

static void test_session(void **state) {
  (void)state;
  pl_scenario *sc = tu_load("examples/job-offer.yaml");
  pl_analysis *a = tu_analyze(sc);
  const char *agents[] = {"boulware", "conceder"};
  pl_session *x = run(sc, PL_PROTOCOL_SAOP, 10, agents);
  pl_figure *f = NULL;
  pl_error err;
  assert_int_equal(pl_figure_session(sc, x, a, NULL, &f, &err), PL_OK);
  svg s = render(f);
  assert_count(&s, "//s:g[@id='agreement']/s:polygon/s:title[contains(., 'salary = 80')]", 1);
  assert_some(&s, "//s:g[@id='offers-candidate']/s:circle/s:title[contains(., 'Round 1: candidate offers')]");
  assert_some(&s, "//s:g[@id='offers-employer']/s:circle");
  assert_some(&s, "//s:g[@id='frontier']");
  assert_some(&s, "//s:g[@id='nash']");
  assert_count(&s, "//s:g[@id='series-candidate']", 1);
  assert_count(&s, "//s:g[@id='series-employer']", 1);
  assert_some(&s, "//s:g[@class='x-label']/s:text[.='round']");
  assert_some(&s, "//s:g[@class='y-label']/s:text[.=\"employer's utility\"]");
  svg_free(&s);
  assert_formats(f);
  pl_figure_free(f);
  /* without an analysis: no frontier */
  assert_int_equal(pl_figure_session(sc, x, NULL, NULL, &f, &err), PL_OK);
  s = render(f);
  assert_count(&s, "//s:g[@id='frontier']", 0);
  svg_free(&s);
  pl_figure_free(f);
  pl_session_free(x);
  pl_analysis_free(a);
  pl_scenario_free(sc);

  /* the single text: Russia's drafts, the others' comments */
  sc = tu_load("examples/security-talks.yaml");
  const char *three[] = {"boulware", "conceder", "conceder"};
  x = run(sc, PL_PROTOCOL_TEXT, 3, three);
  assert_int_equal(pl_figure_session(sc, x, NULL, NULL, &f, &err), PL_OK);
  s = render(f);
  assert_count(&s, "//s:g[@class='panel plane']", 3);
  assert_some(&s, "//s:g[@id='offers-russia']/s:circle/s:title[contains(., 'russia drafts')]");
  assert_some(&s, "//s:g[@id='offers-usa']/s:polygon/s:title[contains(., 'usa comments')]");
  assert_count(&s, "//s:g[@id='agreement']", 0);
  assert_some(&s, "//s:g[@class='legend']/s:text[starts-with(., 'comments by NATO')]");
  svg_free(&s);
  pl_figure_free(f);
  pl_session_free(x);
  pl_scenario_free(sc);
}

static void test_plans(void **state) {
  (void)state;
  static const char *const plans[] = {"examples/plans/minsk.yaml",
                                      "examples/plans/exchange.yaml"};
  for (size_t k = 0; k < 2; k++) {
    pl_plan *p = NULL;
    pl_error err;
    if (pl_plan_load(tu_source_path(plans[k]), &p, &err))
      fail_msg("%s: %s", plans[k], err.message);
    pl_sequence *r = NULL;
    assert_int_equal(pl_sequence_analyze(p, NULL, &r, &err), PL_OK);
    pl_figure *f = NULL;
    assert_int_equal(pl_figure_sequence(r, NULL, &f, &err), PL_OK);
    svg s = render(f);
    size_t n;
    pl_sequence_order(r, PL_ORDER_RECOMMENDED, &n);
    for (int q = 0; q < pl_plan_party_count(p); q++) {
      char expr[300];
      snprintf(expr, sizeof expr, "//s:g[@id='party-%s']//s:g[@class='gain']/s:circle",
               pl_plan_party_id(p, q));
      assert_count(&s, expr, (int)n + 1);
      snprintf(expr, sizeof expr, "//s:g[@id='party-%s']//s:g[@class='bound']/s:polyline",
               pl_plan_party_id(p, q));
      assert_count(&s, expr, 1);
    }
    assert_count(&s, "//s:g[@id='steps']/s:text", (int)n + 1);
    /* minsk's recommended order exposes russia: shaded */
    if (k == 0)
      assert_some(&s, "//s:g[@id='party-russia']//s:g[@class='exposure']/s:polygon");
    svg_free(&s);
    assert_formats(f);
    pl_figure_free(f);
    /* the tranched order of exchange */
    if (k == 1) {
      pl_plot_options o;
      pl_plot_options_init(&o);
      o.order = PL_ORDER_TRANCHED;
      assert_int_equal(pl_figure_sequence(r, &o, &f, &err), PL_OK);
      s = render(f);
      assert_some(&s, "//s:g[@id='steps']/s:text[contains(., '(2/4)')]");
      svg_free(&s);
      pl_figure_free(f);
    }
    pl_sequence_free(r);
    pl_plan_free(p);
  }
}

/* ------------------------------------------------------------------ */
/* Files, formats, failures                                             */
/* ------------------------------------------------------------------ */

static void test_files(void **state) {
  (void)state;
  pl_plot_format fmt;
  pl_error err;
  assert_int_equal(pl_plot_format_from_path("a/b.SVG", &fmt, NULL), PL_OK);
  assert_int_equal(fmt, PL_PLOT_SVG);
  assert_int_equal(pl_plot_format_from_path("x.png", &fmt, NULL), PL_OK);
  assert_int_equal(fmt, PL_PLOT_PNG);
  assert_int_equal(pl_plot_format_from_path("x.pdf", &fmt, NULL), PL_OK);
  assert_rc(pl_plot_format_from_path("x.gif", &fmt, &err), PL_EUNSUPPORTED);
  assert_non_null(strstr(err.message, ".svg"));
  assert_rc(pl_plot_format_from_path("dir.svg/x", &fmt, NULL), PL_EUNSUPPORTED);

  pl_scenario *sc = tu_load("examples/job-offer.yaml");
  pl_analysis *a = tu_analyze(sc);
  char dir[] = "/tmp/pl_plot_XXXXXX", path[200];
  assert_non_null(mkdtemp(dir));
  snprintf(path, sizeof path, "%s/out.svg", dir);
  assert_int_equal(pl_plot_analysis(a, path, NULL, &err), PL_OK);
  struct stat st;
  assert_int_equal(stat(path, &st), 0);
  assert_true(st.st_size > 1000);
  unlink(path);
  snprintf(path, sizeof path, "%s/out.gif", dir);
  assert_rc(pl_plot_analysis(a, path, NULL, &err), PL_EUNSUPPORTED);
  assert_int_not_equal(stat(path, &st), 0);
  snprintf(path, sizeof path, "%s/missing/out.png", dir);
  assert_rc(pl_plot_analysis(a, path, NULL, &err), PL_EIO);
  /* nothing left behind */
  DIR *d = opendir(dir);
  struct dirent *e;
  int left = 0;
  while ((e = readdir(d))) left += e->d_name[0] != '.';
  closedir(d);
  assert_int_equal(left, 0);
  rmdir(dir);
  pl_analysis_free(a);
  pl_scenario_free(sc);
}

/* Every allocation of a figure, its SVG and the report may fail: the call
 * then fails with PL_ENOMEM, never with half a picture (and ASan sees no
 * leak). */
static void test_out_of_memory(void **state) {
  (void)state;
  pl_scenario *sc = tu_load("examples/job-offer.yaml");
  pl_analysis *a = tu_analyze(sc);
  int done = 0;
  for (long n = 0; n < 5000 && !done; n++) {
    pl_figure *f = NULL;
    char *text = NULL;
    size_t len;
    pl__alloc_fail_after(n);
    int rc = pl_figure_analysis(a, NULL, &f, NULL);
    if (!rc) rc = pl_figure_render(f, PL_PLOT_SVG, NULL, &text, &len, NULL);
    if (!rc) {
      pl_free(text);
      rc = pl_report_html(a, NULL, &text, &len, NULL);
    }
    pl__alloc_fail_after(-1);
    if (rc == PL_OK) {
      pl_free(text);
      done = 1;
    } else if (rc != PL_ENOMEM) {
      fail_msg("allocation %ld: %s", n, pl_errname(rc));
    }
    pl_figure_free(f);
  }
  assert_true(done);
  pl_analysis_free(a);
  pl_scenario_free(sc);
}

static void test_report(void **state) {
  (void)state;
  pl_scenario *sc = tu_load("examples/job-offer.yaml");
  pl_analysis *a = tu_analyze(sc);
  const char *agents[] = {"boulware", "conceder"};
  pl_session *x = run(sc, PL_PROTOCOL_SAOP, 10, agents);
  pl_plan *p = NULL;
  pl_sequence *r = NULL;
  pl_error err;
  assert_int_equal(pl_plan_load(tu_source_path("examples/plans/exchange.yaml"), &p, &err), PL_OK);
  assert_int_equal(pl_sequence_analyze(p, NULL, &r, &err), PL_OK);
  pl_report_options o;
  pl_report_options_init(&o);
  o.session = x;
  o.session_setup = "boulware <vs> conceder";
  o.sequence = r;
  char *html;
  size_t len;
  assert_int_equal(pl_report_html(a, &o, &html, &len, &err), PL_OK);
  assert_int_equal(strlen(html), len);
  assert_true(!strncmp(html, "<!DOCTYPE html>", 15));
  assert_null(strstr(html, "http://"));
  assert_null(strstr(html, "https://"));
  assert_null(strstr(html, "{{"));
  /* text is escaped, the pictures are inline with prefixed ids */
  assert_non_null(strstr(html, "boulware &lt;vs&gt; conceder"));
  assert_non_null(strstr(html, "id=\"os-frontier\""));
  assert_non_null(strstr(html, "id=\"run-agreement\""));
  assert_non_null(strstr(html, "id=\"seq-steps\""));
  assert_non_null(strstr(html, "<section id=\"negotiation\">"));
  assert_non_null(strstr(html, "<section id=\"sequence\">"));
  assert_non_null(strstr(html, "badge contested"));
  assert_null(strstr(html, "<td/>"));
  pl_free(html);
  /* without the extras their sections and links are gone */
  pl_report_options_init(&o);
  o.title = "Offer & counter-offer";
  assert_int_equal(pl_report_html(a, &o, &html, &len, &err), PL_OK);
  assert_null(strstr(html, "id=\"negotiation\""));
  assert_null(strstr(html, "href=\"#sequence\""));
  assert_non_null(strstr(html, "<h1>Offer &amp; counter-offer</h1>"));
  pl_free(html);
  pl_sequence_free(r);
  pl_plan_free(p);
  pl_session_free(x);
  pl_analysis_free(a);
  pl_scenario_free(sc);
}

/* The report as an HTML document (libxml2's HTML parser): how many nodes
 * an XPath expression selects. */
static int html_count(const char *html, const char *expr) {
  htmlDocPtr doc = htmlReadMemory(html, (int)strlen(html), "report.html",
                                  "utf-8",
                                  HTML_PARSE_NONET | HTML_PARSE_NOERROR |
                                      HTML_PARSE_NOWARNING);
  if (!doc) fail_msg("the report does not parse");
  xmlXPathContextPtr xp = xmlXPathNewContext(doc);
  xmlXPathObjectPtr r = xmlXPathEvalExpression(BAD_CAST expr, xp);
  if (!r) fail_msg("bad XPath %s", expr);
  int n = r->nodesetval ? r->nodesetval->nodeNr : 0;
  xmlXPathFreeObject(r);
  xmlXPathFreeContext(xp);
  xmlFreeDoc(doc);
  return n;
}
#define assert_html(html, expr, want)                                         \
  do {                                                                        \
    int got_ = html_count(html, expr);                                        \
    if (got_ != (want)) fail_msg("%s: %d, expected %d", expr, got_, (int)(want)); \
  } while (0)

/* The mediator's sections (docs/mediation.md): "What would unlock it" from
 * pl_unlock_compute on the deadlocked security talks, with the picture of
 * what the cheapest set opens, and "Can this deal be improved" from
 * pl_improve_compute; neither without its result, nor unlock when nothing
 * is deadlocked; out of memory, never half a page. */
static void test_report_mediation(void **state) {
  (void)state;
  pl_scenario *sc = tu_load("examples/security-talks.yaml");
  pl_analysis *a = tu_analyze(sc);
  pl_error err;
  pl_unlock_options uo;
  pl_unlock_options_init(&uo);
  uo.max_sets = 2;
  pl_unlock *u = NULL;
  assert_int_equal(pl_unlock_compute(sc, &uo, &u, &err), PL_OK);
  uint32_t from[16];
  assert_int_equal(pl_package_parse(sc, "status_quo", "--from", from, &err),
                   PL_OK);
  pl_improve *x = NULL;
  assert_int_equal(pl_improve_compute(sc, from, NULL, &x, &err), PL_OK);
  pl_report_options o;
  pl_report_options_init(&o);
  o.unlock = u;
  o.improve = x;
  char *html;
  size_t len;
  assert_int_equal(pl_report_html(a, &o, &html, &len, &err), PL_OK);
  assert_null(strstr(html, "{{"));
  assert_html(html, "//nav//a[@href='#unlock']", 1);
  assert_html(html, "//nav//a[@href='#improve']", 1);
  /* the sets described, cheapest first: russia's three variants first */
  assert_html(html, "//section[@id='unlock']/ol/li", 2);
  assert_html(html, "//section[@id='unlock']/ol/li[1]/ul/li", 3);
  assert_html(html, "//section[@id='unlock']/ol/li[1]/ul/li[1]"
                    "[contains(., 'relaxes its red line no_enlargement') and "
                    "contains(., 'moratorium_would_do')]", 1);
  assert_html(html, "//section[@id='unlock']/ol/li[2]//b[.='Cost 9.12']", 1);
  /* Nash, Kalai-Smorodinsky and egalitarian with the gains over the status
   * quo */
  assert_html(html, "//section[@id='unlock']/ol/li[1]//tbody/tr", 1);
  assert_html(html, "//section[@id='unlock']/ol/li[1]//tbody/tr[1]/td[1]"
                    "[.='Nash, Kalai\xe2\x80\x93Smorodinsky, egalitarian']", 1);
  assert_html(html, "//section[@id='unlock']/ol/li[1]//tbody/tr[1]"
                    "/td[.='0.650 (+0.650)']", 1);
  assert_html(html, "//section[@id='unlock']/ol/li[1]//p[contains(., "
                    "'It opens 1 package')]", 1);
  /* the picture of the packages the first set opens */
  assert_non_null(strstr(html, "id=\"unlock-frontier\""));
  assert_html(html, "//section[@id='unlock']/figure", 1);
  /* the status quo breaks red lines and nothing is feasible */
  assert_html(html, "//section[@id='improve']/p[contains(., 'it breaks a red "
                    "line')]", 1);
  assert_html(html, "//section[@id='improve']/div[@class='insight' and "
                    ".='No feasible package improves on it.']", 1);
  pl_free(html);
  /* out of memory: PL_ENOMEM, never half a page (every allocation up to
   * 64, then ever sparser ones: the page makes thousands, and each try
   * redraws two pictures, too slow under ASan one by one) */
  int done = 0;
  for (long n = 0; n < 200000 && !done; n += 1 + (n > 64 ? n / 16 : 0)) {
    pl__alloc_fail_after(n);
    int rc = pl_report_html(a, &o, &html, &len, NULL);
    pl__alloc_fail_after(-1);
    if (rc == PL_OK) {
      pl_free(html);
      done = 1;
    } else if (rc != PL_ENOMEM) {
      fail_msg("allocation %ld: %s", n, pl_errname(rc));
    }
  }
  assert_true(done);
  pl_improve_free(x);
  pl_unlock_free(u);
  pl_analysis_free(a);
  pl_scenario_free(sc);

  /* the job offer: nothing to unlock, so no section even when the result is
   * given; a deal that can be improved, its trades in sentences */
  sc = tu_load("examples/job-offer.yaml");
  a = tu_analyze(sc);
  assert_int_equal(pl_unlock_compute(sc, NULL, &u, &err), PL_OK);
  assert_false(pl_unlock_needed(u));
  assert_int_equal(pl_package_parse(sc, "salary=70,remote=1,start=september",
                                    "--from", from, &err), PL_OK);
  assert_int_equal(pl_improve_compute(sc, from, NULL, &x, &err), PL_OK);
  assert_false(pl_improve_efficient(x));
  pl_report_options_init(&o);
  o.unlock = u;
  o.improve = x;
  assert_int_equal(pl_report_html(a, &o, &html, &len, &err), PL_OK);
  assert_html(html, "//section[@id='unlock']", 0);
  assert_html(html, "//nav//a[@href='#unlock']", 0);
  char *t1 = pl_improve_trades(x, pl_improve_max_min(x));
  char *t2 = pl_improve_trades(x, pl_improve_max_nash(x));
  char expr[2048];
  snprintf(expr, sizeof expr, "//section[@id='improve']/p[.=\"%s\"]", t1);
  assert_true(html_count(html, expr) >= 1);
  snprintf(expr, sizeof expr, "//section[@id='improve']/p[.=\"%s\"]", t2);
  assert_true(html_count(html, expr) >= 1);
  assert_non_null(strstr(t1, "employer moves salary from 70 to 80"));
  pl_free(t1);
  pl_free(t2);
  assert_html(html, "//section[@id='improve']/h3", 3);
  assert_html(html, "//section[@id='improve']/div[@class='insight' and "
                    "starts-with(., 'Not Pareto-efficient: 1 feasible "
                    "package leaves')]", 1);
  assert_html(html, "//section[@id='improve']/ol/li",
              (int)pl_improve_best_count(x));
  /* the gains over the deal: candidate +0.110 */
  assert_html(html, "//section[@id='improve']/table[1]//td[.='0.740 "
                    "(+0.110)']", 1);
  pl_free(html);
  pl_improve_free(x);
  /* an efficient deal: the section says so, and nothing more */
  const pl_point *nash = pl_analysis_solution(a, PL_SOLUTION_NASH);
  assert_int_equal(pl_improve_compute(sc, nash->options, NULL, &x, &err),
                   PL_OK);
  o.improve = x;
  assert_int_equal(pl_report_html(a, &o, &html, &len, &err), PL_OK);
  assert_html(html, "//section[@id='improve']/div[@class='insight' and "
                    "starts-with(., 'Pareto-efficient')]", 1);
  assert_html(html, "//section[@id='improve']/h3", 0);
  pl_free(html);
  pl_improve_free(x);
  pl_unlock_free(u);
  pl_analysis_free(a);
  pl_scenario_free(sc);
}

/* ------------------------------------------------------------------ */
/* ../shared/data (skipped when absent)                                 */
/* ------------------------------------------------------------------ */

static void test_shared_data(void **state) {
  (void)state;
  char root[4096], tsv[4200];
  snprintf(root, sizeof root, "%s", tu_source_path("../shared/data"));
  snprintf(tsv, sizeof tsv, "%s/DOMAINS.tsv", root);
  FILE *in = fopen(tsv, "r");
  if (!in) {
    print_message("skipped: no %s\n", tsv);
    skip();
  }
  char line[8192];
  int drawn = 0;
  while (fgets(line, sizeof line, in)) {
    char *tab = strchr(line, '\t');
    if (!tab || !strncmp(line, "domain_file", 11)) continue;
    *tab = 0;
    char dir[16384];
    snprintf(dir, sizeof dir, "%s/%s", root, line);
    char *slash = strrchr(dir, '/');
    if (slash) *slash = 0;
    pl_scenario *sc = NULL;
    pl_error err;
    const char *paths[] = {dir};
    if (pl_scenario_load_inputs(paths, 1, NULL, &sc, &err)) continue;
    pl_analysis *a = NULL;
    if (pl_analyze(sc, NULL, &a, &err)) { /* too large: not drawable */
      pl_scenario_free(sc);
      continue;
    }
    pl_plot_options o;
    pl_plot_options_init(&o);
    o.sample = 50000;
    pl_figure *f = analysis_figure(a, &o);
    svg s = render(f);
    assert_some(&s, "//s:g[@class='panel']");
    if (pl_analysis_pareto_count(a)) {
      assert_some(&s, "//s:g[@id='frontier']/s:circle/s:title");
      assert_some(&s, "//s:g[@id='nash']");
    }
    svg_free(&s);
    pl_figure_free(f);
    pl_analysis_free(a);
    pl_scenario_free(sc);
    drawn++;
  }
  fclose(in);
  print_message("drew %d scenarios of ../shared/data\n", drawn);
  assert_true(drawn > 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_job_offer),      cmocka_unit_test(test_security_talks),
      cmocka_unit_test(test_every_example),  cmocka_unit_test(test_large_space),
      cmocka_unit_test(test_session),        cmocka_unit_test(test_plans),
      cmocka_unit_test(test_files),          cmocka_unit_test(test_out_of_memory),
      cmocka_unit_test(test_report),         cmocka_unit_test(test_report_mediation),
      cmocka_unit_test(test_shared_data),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
