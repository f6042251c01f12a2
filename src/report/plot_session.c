/* A negotiation: the offers in the utility plane, in time order, over the
 * Pareto frontier, and each party's utility of every offer over the
 * rounds. The single text shows drafts and comments. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/util.h"
#include "report/cairo_module.h"
#include "report/plot.h"

#define MAX_SHOWN 8     /* parties with a panel of their own */
#define PLANE_MAX 3     /* utility-plane panels */
#define TITLE_LIMIT 3000 /* offers with their package on hover */

typedef struct ctx {
  const pl_scenario *s;
  const pl_session *x;
  const pl_analysis *a;
  pl_figure *f;
  int np, shown, rounds;
  bool text; /* single text: drafts and comments */
  size_t ne;
  double *t; /* per event: its place on the round axis */
  size_t step; /* draw every step-th offer of a very long run */
} ctx;

/* Who made an offer: the party, or the mediator (-1), as a colour. */
static uint32_t color_of(int party) {
  return party < 0 ? PL__RGB(PL__BLACK) : pl__party_colors[party % 8];
}

static bool drawn(const pl_event *e) {
  return (e->kind == PL_EVENT_OFFER || e->kind == PL_EVENT_COMMENT) &&
         e->utilities;
}

/* Events of one round spread over [round, round + 1). */
static int place_events(ctx *c) {
  c->ne = pl_session_event_count(c->x);
  c->t = pl__malloc((c->ne ? c->ne : 1) * sizeof *c->t);
  if (!c->t) return PL_ENOMEM;
  size_t k = 0;
  while (k < c->ne) {
    int r = pl_session_event(c->x, k)->round;
    size_t e = k;
    while (e < c->ne && pl_session_event(c->x, e)->round == r) e++;
    for (size_t j = k; j < e; j++)
      c->t[j] = r - 0.5 + ((double)(j - k) + 0.5) / (double)(e - k);
    k = e;
  }
  size_t offers = 0;
  for (size_t j = 0; j < c->ne; j++) offers += drawn(pl_session_event(c->x, j));
  c->step = offers > 6000 ? (offers + 5999) / 6000 : 1;
  return PL_OK;
}

static const char *event_title(ctx *c, size_t j) {
  const pl_event *e = pl_session_event(c->x, j);
  char head[300];
  const char *who = e->party < 0 ? "the mediator"
                                 : pl_scenario_party_id(c->s, e->party);
  if (e->kind == PL_EVENT_COMMENT)
    snprintf(head, sizeof head, "Round %d: %s comments (the text as it wants "
             "it)", e->round, who);
  else if (c->text)
    snprintf(head, sizeof head, "Round %d: %s drafts", e->round, who);
  else
    snprintf(head, sizeof head, "Round %d: %s offers", e->round, who);
  return pl__package_title(c->f, c->s, e->options, e->utilities, head, NULL);
}

/* One utility plane: parties px (x) and py (y). */
static void draw_plane(ctx *c, const pl__panel *p, int px, int py, int k) {
  pl_figure *f = c->f;
  char id[64];
  snprintf(id, sizeof id, "plane-%d", k);
  pl__utility_plane(f, p, c->s, px, py, id, "panel plane");
  pl__boxes boxes;
  boxes.n = 0;
  /* the frontier and Nash, faint, underneath */
  size_t nf = c->a ? pl_analysis_pareto_count(c->a) : 0;
  if (nf) {
    pl__fig_group(f, k ? NULL : "frontier", "frontier", NULL);
    double *pts = pl__malloc(2 * nf * sizeof *pts);
    for (size_t j = 0; j < nf && pts; j++) {
      const pl_point *pt = pl_analysis_pareto(c->a, j);
      pts[2 * j] = pl__px(p, pt->utilities[px]);
      pts[2 * j + 1] = pl__py(p, pt->utilities[py]);
      if (nf <= 400)
        pl__fig_mark(f, PL__SHAPE_CIRCLE, pts[2 * j], pts[2 * j + 1], 10,
                     PL__RGB(0xd4d4d4), PL__NONE, 0, NULL);
    }
    if (pts && c->np == 2)
      pl__fig_path(f, pts, nf, false, PL__RGB(0xd4d4d4), PL__NONE, 7, 0);
    pl__free(pts);
    pl__fig_end(f);
    const pl_point *nash = pl_analysis_solution(c->a, PL_SOLUTION_NASH);
    if (nash) {
      double x = pl__px(p, nash->utilities[px]), y = pl__py(p, nash->utilities[py]);
      pl__fig_group(f, k ? NULL : "nash", "solution", NULL);
      pl__fig_mark(f, PL__SHAPE_DIAMOND, x, y, 16, PL__NONE,
                   PL__RGB(PL__BLACK), 1.4,
                   pl__package_title(f, c->s, nash->options, nash->utilities,
                                     "Nash package (the analysis)", NULL));
      pl__fig_end(f);
      pl__boxes_add(&boxes, x - 8, y - 8, x + 8, y + 8);
    }
  }
  /* each party's offers (the mediator's, drafts, comments) in time order */
  for (int who = -1; who < c->np; who++) {
    size_t count = 0, last = 0;
    for (size_t j = 0; j < c->ne; j++) {
      const pl_event *e = pl_session_event(c->x, j);
      if (drawn(e) && e->party == who && e->kind == PL_EVENT_OFFER) {
        count++;
        last = j;
      }
    }
    size_t ncomments = 0;
    for (size_t j = 0; j < c->ne; j++) {
      const pl_event *e = pl_session_event(c->x, j);
      ncomments += drawn(e) && e->party == who && e->kind == PL_EVENT_COMMENT;
    }
    if (!count && !ncomments) continue;
    char gid[64];
    snprintf(gid, sizeof gid, "offers-%s",
             who < 0 ? "mediator" : pl_scenario_party_id(c->s, who));
    pl__fig_group(f, k ? NULL : gid, "offers", NULL);
    uint32_t col = color_of(who);
    double *pts = pl__malloc(2 * (count ? count : 1) * sizeof *pts);
    size_t n = 0, seen = 0;
    for (size_t j = 0; j < c->ne && pts; j++) {
      const pl_event *e = pl_session_event(c->x, j);
      if (!drawn(e) || e->party != who || e->kind != PL_EVENT_OFFER) continue;
      if (seen++ % c->step && j != last) continue;
      pts[2 * n] = pl__px(p, e->utilities[px]);
      pts[2 * n + 1] = pl__py(p, e->utilities[py]);
      n++;
    }
    if (n > 1)
      pl__fig_path(f, pts, n, false, (col & ~0xffu) | 0x80u, PL__NONE, 1.3, 0);
    if (ncomments > 1) { /* a commenter's texts in order, dotted */
      double *cp = pl__malloc(2 * ncomments * sizeof *cp);
      size_t m2 = 0;
      for (size_t j = 0; j < c->ne && cp; j++) {
        const pl_event *e = pl_session_event(c->x, j);
        if (!drawn(e) || e->party != who || e->kind != PL_EVENT_COMMENT) continue;
        cp[2 * m2] = pl__px(p, e->utilities[px]);
        cp[2 * m2 + 1] = pl__py(p, e->utilities[py]);
        m2++;
      }
      if (cp) pl__fig_path(f, cp, m2, false, col, PL__NONE, 1.2, 2);
      pl__free(cp);
    }
    /* the points, later ones darker, the last one larger */
    size_t m = 0;
    seen = 0;
    for (size_t j = 0; j < c->ne && pts; j++) {
      const pl_event *e = pl_session_event(c->x, j);
      if (!drawn(e) || e->party != who) continue;
      if (e->kind == PL_EVENT_COMMENT) {
        pl__fig_mark(f, PL__SHAPE_SQUARE, pl__px(p, e->utilities[px]),
                     pl__py(p, e->utilities[py]), 7, PL__RGB(0xffffff), col,
                     1.4, c->ne <= TITLE_LIMIT ? event_title(c, j) : NULL);
        continue;
      }
      if (seen++ % c->step && j != last) continue;
      double frac = n > 1 ? (double)m / (double)(n - 1) : 1;
      uint32_t fill = (col & ~0xffu) | (uint32_t)(255 * (0.35 + 0.65 * frac));
      pl__fig_mark(f, PL__SHAPE_CIRCLE, pts[2 * m], pts[2 * m + 1],
                   j == last ? 9 : 6, fill, j == last ? PL__RGB(0xffffff) : 0,
                   1, c->ne <= TITLE_LIMIT ? event_title(c, j) : NULL);
      m++;
    }
    pl__free(pts);
    pl__fig_end(f);
  }
  pl__fig_end(f); /* data */
  /* the agreement on top */
  const pl_point *agr = pl_session_agreement(c->x);
  if (agr) {
    double x = pl__px(p, agr->utilities[px]), y = pl__py(p, agr->utilities[py]);
    pl__fig_group(f, k ? NULL : "agreement", "agreement", NULL);
    bool partial = pl_session_end(c->x) == PL_END_PARTIAL;
    pl__fig_mark(f, PL__SHAPE_STAR, x, y, 20, PL__RGB(PL__YELLOW),
                 PL__RGB(PL__BLACK), 1.2,
                 pl__package_title(f, c->s, agr->options, agr->utilities,
                                   partial ? "Partial agreement"
                                           : "Agreement", NULL));
    pl__boxes_add(&boxes, x - 11, y - 11, x + 11, y + 11);
    char label[80];
    snprintf(label, sizeof label, "%s, round %d",
             partial ? "partial agreement" : "agreement",
             pl_session_rounds(c->x));
    pl__text_style ls = {.size = PL__LEGEND_SIZE, .bold = true};
    pl__place_label(f, &boxes, p, x, y, 11, label, &ls);
    pl__fig_end(f);
  }
  pl__fig_end(f);
}

/* One party's utility of every offer over the rounds. */
static void draw_series(ctx *c, const pl__panel *p, int q, bool xlabels) {
  pl_figure *f = c->f;
  char id[300], yl[300];
  snprintf(id, sizeof id, "series-%s", pl_scenario_party_id(c->s, q));
  snprintf(yl, sizeof yl, "%s's utility", pl_scenario_party_id(c->s, q));
  pl__fig_group(f, id, "panel series", NULL);
  double xt[16], yt[8];
  int nx = pl__ticks(p->x0, p->x1, 8, xt, 16), ny = pl__ticks(0, 1, 4, yt, 8);
  int kept = 0;
  for (int j = 0; j < nx; j++)
    if (xt[j] >= 1 && fabs(xt[j] - round(xt[j])) < 1e-9) xt[kept++] = xt[j];
  pl__axes(f, p, xlabels ? "round" : NULL, yl, xt, kept, yt, ny);
  pl__fig_group_clip(f, NULL, "data", p->x - 6, p->y - 6, p->w + 12,
                     p->h + 12);
  double rv = pl_scenario_reservation(c->s, q);
  if (rv > 0) {
    double y = pl__py(p, rv);
    pl__fig_line(f, p->x, y, p->x + p->w, y, PL__RGB(0x444444), 1.2, 1);
    pl__text_style ts = {.size = PL__NOTE_SIZE - 1, .anchor = PL__END,
                         .color = PL__RGB(0x444444), .halo = true};
    pl__fig_text(f, p->x + p->w - 4, y - 4, "reservation", &ts);
  }
  for (int who = -1; who < c->np; who++) {
    size_t count = 0;
    for (size_t j = 0; j < c->ne; j++) {
      const pl_event *e = pl_session_event(c->x, j);
      count += drawn(e) && e->party == who && e->kind == PL_EVENT_OFFER;
    }
    if (!count) continue;
    double *pts = pl__malloc(2 * count * sizeof *pts);
    if (!pts) {
      f->nomem = true;
      break;
    }
    size_t n = 0, seen = 0;
    for (size_t j = 0; j < c->ne; j++) {
      const pl_event *e = pl_session_event(c->x, j);
      if (!drawn(e) || e->party != who || e->kind != PL_EVENT_OFFER) continue;
      if (seen++ % c->step && seen != count) continue;
      pts[2 * n] = pl__px(p, c->t[j]);
      pts[2 * n + 1] = pl__py(p, e->utilities[q]);
      n++;
    }
    uint32_t col = color_of(who);
    /* the party's own offers bold, the others' thinner */
    bool own = who == q;
    if (n > 1)
      pl__fig_path(f, pts, n, false, col, PL__NONE, own ? 2.2 : 1.4, 0);
    if (n <= 200)
      for (size_t j = 0; j < n; j++)
        pl__fig_mark(f, PL__SHAPE_CIRCLE, pts[2 * j], pts[2 * j + 1],
                     own ? 5 : 4, col, PL__NONE, 0, NULL);
    pl__free(pts);
  }
  /* comments of the single text */
  for (size_t j = 0; j < c->ne; j++) {
    const pl_event *e = pl_session_event(c->x, j);
    if (!drawn(e) || e->kind != PL_EVENT_COMMENT) continue;
    pl__fig_mark(f, PL__SHAPE_SQUARE, pl__px(p, c->t[j]),
                 pl__py(p, e->utilities[q]), 6.5, PL__RGB(0xffffff),
                 color_of(e->party), 1.3, NULL);
  }
  const pl_point *agr = pl_session_agreement(c->x);
  if (agr) {
    size_t last = c->ne ? c->ne - 1 : 0;
    pl__fig_mark(f, PL__SHAPE_STAR, pl__px(p, c->ne ? c->t[last] : 1),
                 pl__py(p, agr->utilities[q]), 15, PL__RGB(PL__YELLOW),
                 PL__RGB(PL__BLACK), 1, NULL);
  }
  pl__fig_end(f);
  pl__fig_end(f);
}

int pl_figure_session(const pl_scenario *s, const pl_session *x,
                      const pl_analysis *a, const pl_plot_options *o,
                      pl_figure **out, pl_error *err) {
  *out = NULL;
  if (!s || !x) return pl__err(err, PL_EINVAL, "no scenario or session");
  (void)o; /* nothing to choose yet: the layout follows the parties */
  ctx c;
  memset(&c, 0, sizeof c);
  c.s = s;
  c.x = x;
  c.a = a;
  c.np = pl_scenario_party_count(s);
  c.shown = c.np < MAX_SHOWN ? c.np : MAX_SHOWN;
  c.rounds = pl_session_rounds(x);
  if (c.rounds < 1) c.rounds = 1;
  if (place_events(&c)) return pl__err(err, PL_ENOMEM, "out of memory");
  for (size_t j = 0; j < c.ne; j++)
    c.text |= pl_session_event(x, j)->kind == PL_EVENT_COMMENT;

  /* layout: the plane(s) on the left or on top, the series beside or
   * below, the legend at the bottom */
  const double left = 78, top = 72;
  int nplane = c.np <= 2 ? 1 : PLANE_MAX;
  int pairs[PLANE_MAX][2] = {{0, 1}, {0, 2}, {1, 2}};
  if (c.np == 1) pairs[0][1] = 0;
  pl__panel planes[PLANE_MAX], series[MAX_SHOWN];
  double width, y_end;
  if (nplane == 1) {
    double side = 420, sx = left + side + 92, sw = 470;
    planes[0] = (pl__panel){left, top, side, side, -0.04, 1.04, -0.04, 1.04};
    double gap = 34, sh = (side - gap * (c.shown - 1)) / c.shown;
    for (int q = 0; q < c.shown; q++)
      series[q] = (pl__panel){sx, top + q * (sh + gap), sw, sh,
                              0.5, c.rounds + 0.5, -0.04, 1.04};
    width = sx + sw + 24;
    y_end = top + side + 58;
  } else {
    double side = 300, cw = side + 96;
    for (int k = 0; k < nplane; k++)
      planes[k] = (pl__panel){left + k * cw, top, side, side, -0.04, 1.04,
                              -0.04, 1.04};
    width = left + nplane * cw - 20;
    double sy = top + side + 76, sh = 128, gap = 30;
    for (int q = 0; q < c.shown; q++)
      series[q] = (pl__panel){left, sy + q * (sh + gap), width - left - 24, sh,
                              0.5, c.rounds + 0.5, -0.04, 1.04};
    y_end = sy + c.shown * (sh + gap) + 30;
  }
  double legend_h = 96;
  double height = y_end + legend_h;
  const char *title = pl_scenario_title(s);
  if (!title || !*title) title = pl_scenario_id(s);
  char full[400];
  snprintf(full, sizeof full, "Negotiation: %s", title);
  if (!pl__cairo(err)) { /* text is measured */
    pl__free(c.t);
    return PL_EUNSUPPORTED;
  }
  c.f = pl__fig_new(width, height, full);
  if (!c.f) {
    pl__free(c.t);
    return pl__err(err, PL_ENOMEM, "out of memory");
  }
  pl_figure *f = c.f;
  char sub[600];
  pl_end end = pl_session_end(x);
  const pl_point *agr = pl_session_agreement(x);
  int len = snprintf(sub, sizeof sub, "%s%s; ",
                     c.text ? "single negotiating text" : "offers",
                     c.text ? " (drafts and comments)" : " in time order");
  if (agr) {
    len += snprintf(sub + len, sizeof sub - (size_t)len, "%s after %d round%s",
                    end == PL_END_PARTIAL ? "partial agreement" : "agreement",
                    pl_session_rounds(x), pl_session_rounds(x) == 1 ? "" : "s");
    if (a) {
      double dp = pl_session_distance_to_pareto(x, a);
      if (dp >= 0)
        snprintf(sub + len, sizeof sub - (size_t)len,
                 ", %.3f from the Pareto frontier", dp);
    }
  } else {
    len += snprintf(sub + len, sizeof sub - (size_t)len,
                    "no agreement: ended by %s after %d round%s",
                    pl_end_name(end), pl_session_rounds(x),
                    pl_session_rounds(x) == 1 ? "" : "s");
    /* a partial text that was tried: say what blocked it */
    const pl_blocker *b;
    size_t nb = pl_session_partial_blockers(x, &b);
    for (size_t k = 0; k < nb && len < (int)sizeof sub - 1; k++)
      len += snprintf(sub + len, sizeof sub - (size_t)len, "%s%s's %s%s",
                      k ? ", " : "; the partial deal was blocked by ",
                      pl_scenario_party_id(s, b[k].party),
                      b[k].red_line < 0 ? "reservation value" : "red line ",
                      b[k].red_line < 0
                          ? ""
                          : pl_scenario_red_line_id(s, b[k].red_line));
  }
  pl__heading(f, 20, 28, width - 40, full, sub);
  for (int k = 0; k < nplane; k++)
    draw_plane(&c, &planes[k], pairs[k][0], pairs[k][1], k);
  for (int q = 0; q < c.shown; q++)
    draw_series(&c, &series[q], q, q == c.shown - 1);
  if (nplane == 1) {
    pl__text_style ts = {.size = PL__LABEL_SIZE, .bold = true};
    pl__fig_text(f, series[0].x, series[0].y - 12,
                 "Each party's utility of the offers, round by round", &ts);
  } else {
    pl__text_style ts = {.size = PL__LABEL_SIZE, .bold = true};
    pl__fig_text(f, series[0].x, series[0].y - 14,
                 "Each party's utility of the offers, round by round", &ts);
  }

  /* the legend: who offered, and the marks, in columns */
  pl__legend_entry e[24];
  int ne = 0;
  bool mediator = false;
  for (size_t j = 0; j < c.ne; j++)
    mediator |= pl_session_event(x, j)->party < 0 &&
                pl_session_event(x, j)->kind == PL_EVENT_OFFER;
  if (mediator)
    e[ne++] = (pl__legend_entry){.kind = PL__LEG_LINE,
                                 .stroke = PL__RGB(PL__BLACK), .lw = 2,
                                 .shape_too = true, .shape = PL__SHAPE_CIRCLE,
                                 .fill = PL__RGB(PL__BLACK),
                                 .label = "the mediator's texts"};
  for (int q = 0; q < c.np && q < 8 && ne < 10; q++) {
    bool offers = false, comments = false;
    for (size_t j = 0; j < c.ne; j++) {
      const pl_event *ev = pl_session_event(x, j);
      offers |= ev->party == q && ev->kind == PL_EVENT_OFFER;
      comments |= ev->party == q && ev->kind == PL_EVENT_COMMENT;
    }
    if (offers) {
      char *label = pl__fig_printf(f, "%s %s", c.text ? "drafts by" : "offers by",
                                   pl__party_label(s, q));
      e[ne++] = (pl__legend_entry){.kind = PL__LEG_LINE,
                                   .stroke = color_of(q), .lw = 2,
                                   .shape_too = true, .shape = PL__SHAPE_CIRCLE,
                                   .fill = color_of(q),
                                   .label = label ? label : ""};
    }
    if (comments) {
      char *label = pl__fig_printf(f, "comments by %s: the text as it wants it",
                                   pl__party_label(s, q));
      e[ne++] = (pl__legend_entry){.kind = PL__LEG_LINE, .dash = 2,
                                   .stroke = color_of(q), .lw = 1.2,
                                   .shape_too = true, .shape = PL__SHAPE_SQUARE,
                                   .fill = color_of(q), .size = 7,
                                   .label = label ? label : ""};
    }
  }
  int first_col = ne;
  e[ne++] = (pl__legend_entry){.kind = PL__LEG_NOTE,
                               .label = "Later offers are darker; the last is "
                                        "larger."};
  if (agr)
    e[ne++] = (pl__legend_entry){.kind = PL__LEG_MARK, .shape = PL__SHAPE_STAR,
                                 .fill = PL__RGB(PL__YELLOW),
                                 .stroke = PL__RGB(PL__BLACK), .lw = 1,
                                 .size = 14, .label = "the agreement"};
  int second_col = ne;
  if (a && pl_analysis_pareto_count(a))
    e[ne++] = (pl__legend_entry){
        .kind = PL__LEG_LINE, .stroke = PL__RGB(0xd4d4d4), .lw = 7,
        .label = "Pareto frontier (from the analysis)"};
  if (a && pl_analysis_solution(a, PL_SOLUTION_NASH))
    e[ne++] = (pl__legend_entry){.kind = PL__LEG_MARK,
                                 .shape = PL__SHAPE_DIAMOND,
                                 .fill = PL__NONE,
                                 .stroke = PL__RGB(PL__BLACK), .lw = 1.4,
                                 .size = 13, .label = "Nash package"};
  e[ne++] = (pl__legend_entry){.kind = PL__LEG_LINE,
                               .stroke = PL__RGB(0x444444), .lw = 1.2,
                               .dash = 1,
                               .label = "reservation value (no agreement)"};
  double colw = (width - left - 20) / 3;
  double ly = y_end + 4;
  double h1 = pl__legend(f, left, ly, colw - 16, e, first_col);
  double h2 = pl__legend(f, left + colw, ly, colw - 16, e + first_col,
                         second_col - first_col);
  double h3 = pl__legend(f, left + 2 * colw, ly, colw - 16, e + second_col,
                         ne - second_col);
  double lh = h1 > h2 ? h1 : h2;
  f->height = ly + (lh > h3 ? lh : h3) + 14;
  pl__free(c.t);
  if (f->nomem) {
    pl_figure_free(f);
    return pl__err(err, PL_ENOMEM, "out of memory");
  }
  *out = f;
  return PL_OK;
}
