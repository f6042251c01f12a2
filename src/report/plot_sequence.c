/* An implementation order: each party's running gain after every step
 * against its bound K (the gain from the whole plan plus its defection
 * cost). Above K a party has collected more than seeing the plan through
 * gives it: it is exposed, tempted to walk away. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/util.h"
#include "report/cairo_module.h"
#include "report/plot.h"
#include "sequence/sequence_internal.h"

#define MAX_SHOWN 8

/* "step" or "step (2/3)" for the position pos of an order. */
static void step_label(const pl_plan *p, const pl_sequence *r, pl_order_kind k,
                       size_t pos, char *buf, size_t size) {
  size_t n;
  const int *o = pl_sequence_order(r, k, &n);
  int s = o[pos], t = pl_sequence_order_tranches(r, k, s);
  if (t <= 1) {
    snprintf(buf, size, "%s", pl_plan_step_id(p, s));
    return;
  }
  int j = 1;
  for (size_t i = 0; i < pos; i++) j += o[i] == s;
  snprintf(buf, size, "%s (%d/%d)", pl_plan_step_id(p, s), j, t);
}

int pl_figure_sequence(const pl_sequence *r, const pl_plot_options *o,
                       pl_figure **out, pl_error *err) {
  *out = NULL;
  if (!r) return pl__err(err, PL_EINVAL, "no sequencing result");
  pl_plot_options opts;
  pl__plot_options(o, &opts);
  const pl_plan *plan = r->plan;
  pl_order_kind kind = (pl_order_kind)opts.order;
  size_t n;
  if (!pl_sequence_order(r, kind, &n)) kind = PL_ORDER_RECOMMENDED;
  const int *order = pl_sequence_order(r, kind, &n);
  int np = pl_plan_party_count(plan), shown = np < MAX_SHOWN ? np : MAX_SHOWN;

  /* layout: one panel per party, stacked, sharing the steps */
  const double left = 86, top = 78, ph = 150, gap = 26;
  double longest = 0;
  pl_figure *f = NULL;
  const char *title = pl_plan_title(plan);
  if (!title || !*title) title = pl_plan_id(plan);
  char full[400];
  snprintf(full, sizeof full, "Implementation: %s", title);
  if (!pl__cairo(err)) return PL_EUNSUPPORTED; /* text is measured */
  f = pl__fig_new(100, 100, full);
  if (!f) return pl__err(err, PL_ENOMEM, "out of memory");
  char buf[600];
  for (size_t k = 0; k < n; k++) {
    step_label(plan, r, kind, k, buf, sizeof buf);
    double w = pl__fig_text_width(f, buf, PL__TICK_SIZE + 0.5, false);
    if (w > longest) longest = w;
  }
  if (longest > 240) longest = 240;
  double pw = n * 62.0 > 600 ? n * 62.0 : 600;
  if (pw > 1400) pw = 1400;
  double legend_x = left + pw + 34, legend_w = 260;
  f->width = legend_x + legend_w + 20;
  double panels_end = top + shown * (ph + gap) - gap;
  f->height = panels_end + 24 + longest * 0.64 + 40;
  if (f->height < top + 420) f->height = top + 420;

  /* heading */
  int hard = pl_sequence_hard_violated(r, kind);
  size_t at;
  int who;
  double ms = pl_sequence_min_slack(r, kind, &at, &who);
  int len = snprintf(buf, sizeof buf, "%s order: %d step%s; breaks %d hard "
                     "demand%s; ",
                     pl_sequence_evaluated(r) ? "The given"
                     : kind == PL_ORDER_SAFEST ? "Safest"
                     : kind == PL_ORDER_TRANCHED ? "Tranched"
                                                 : "Recommended",
                     (int)n, n == 1 ? "" : "s", hard, hard == 1 ? "" : "s");
  if (pl_sequence_safe(r, kind))
    snprintf(buf + len, sizeof buf - (size_t)len,
             "safe: no party is ever exposed");
  else if (who >= 0 && at > 0) {
    char sl[300];
    step_label(plan, r, kind, at - 1, sl, sizeof sl);
    snprintf(buf + len, sizeof buf - (size_t)len,
             "most exposed: %s after %s (%.3g above its bound)",
             pl_plan_party_id(plan, who), sl, -ms);
  }
  pl__heading(f, 20, 28, f->width - 40, full, buf);

  double *pts = pl__malloc(2 * (n + 1) * sizeof *pts);
  if (!pts) {
    pl_figure_free(f);
    return pl__err(err, PL_ENOMEM, "out of memory");
  }
  for (int q = 0; q < shown; q++) {
    double K = pl_sequence_bound(r, q), lo = 0, hi = K;
    for (size_t k = 0; k <= n; k++) {
      double g = pl_sequence_gain(r, kind, q, k);
      if (g < lo) lo = g;
      if (g > hi) hi = g;
    }
    double pad = (hi - lo) * 0.12 + 1e-9;
    pl__panel p = {left, top + q * (ph + gap), pw, ph, -0.4, n + 0.4,
                   lo - pad, hi + pad};
    char id[300], yl[300];
    snprintf(id, sizeof id, "party-%s", pl_plan_party_id(plan, q));
    snprintf(yl, sizeof yl, "%s's gain", pl_plan_party_id(plan, q));
    pl__fig_group(f, id, "panel", NULL);
    double yt[12];
    int ny = pl__ticks(p.y0, p.y1, 4, yt, 12);
    pl__axes(f, &p, NULL, yl, NULL, 0, yt, ny);
    uint32_t col = pl__party_colors[q % 8];
    /* steps: light verticals, the party's own steps marked */
    for (size_t k = 0; k <= n; k++) {
      double x = pl__px(&p, (double)k);
      pl__fig_line(f, x, p.y, x, p.y + p.h, PL__RGB(0xf0f0f0), 1, 0);
    }
    double y0 = pl__py(&p, 0);
    pl__fig_line(f, p.x, y0, p.x + p.w, y0, PL__RGB(0xaaaaaa), 1, 0);
    for (size_t k = 0; k <= n; k++) {
      pts[2 * k] = pl__px(&p, (double)k);
      pts[2 * k + 1] = pl__py(&p, pl_sequence_gain(r, kind, q, k));
    }
    /* exposure: the area above K, shaded */
    double yk = pl__py(&p, K), tol = 1e-9 * (fabs(K) + 1);
    pl__fig_group(f, NULL, "exposure", NULL);
    for (size_t k = 0; k < n; k++) {
      double g0 = pl_sequence_gain(r, kind, q, k),
             g1 = pl_sequence_gain(r, kind, q, k + 1);
      if (g0 <= K + tol && g1 <= K + tol) continue;
      /* the part of the segment above K */
      double x0 = pts[2 * k], x1 = pts[2 * k + 2], ya = pts[2 * k + 1],
             yb = pts[2 * k + 3];
      double t0 = g0 > K ? 0 : (K - g0) / (g1 - g0);
      double t1 = g1 > K ? 1 : (K - g0) / (g1 - g0);
      double poly[8] = {x0 + t0 * (x1 - x0), yk, x0 + t0 * (x1 - x0),
                        ya + t0 * (yb - ya), x0 + t1 * (x1 - x0),
                        ya + t1 * (yb - ya), x0 + t1 * (x1 - x0), yk};
      pl__fig_path(f, poly, 4, true, PL__NONE, PL__RGBA(PL__VERMILLION, 0.28),
                   0, 0);
    }
    pl__fig_end(f);
    pl__fig_group(f, NULL, "bound", NULL);
    pl__fig_line(f, p.x, yk, p.x + p.w, yk, col, 1.6, 1);
    char kl[120];
    snprintf(kl, sizeof kl, "K = %.3g", K);
    pl__text_style ks = {.size = PL__NOTE_SIZE, .anchor = PL__START,
                         .color = col, .halo = true, .bold = true};
    /* at the left, above the line when there is room, else below */
    bool above = yk - p.y > PL__NOTE_SIZE + 8;
    pl__fig_text(f, p.x + 6, above ? yk - 5 : yk + PL__NOTE_SIZE + 3, kl, &ks);
    pl__fig_end(f);
    pl__fig_group(f, NULL, "gain", NULL);
    pl__fig_path(f, pts, n + 1, false, col, PL__NONE, 2.2, 0);
    for (size_t k = 0; k <= n; k++) {
      double g = pl_sequence_gain(r, kind, q, k);
      bool exposed = g > K + tol;
      char tl[700], sl[300];
      if (k)
        step_label(plan, r, kind, k - 1, sl, sizeof sl);
      else
        snprintf(sl, sizeof sl, "start");
      snprintf(tl, sizeof tl, "%s after %s: running gain %.3g, bound K %.3g, "
               "slack %.3g%s",
               pl_plan_party_id(plan, q), sl, g, K, K - g,
               exposed ? " (exposed)" : "");
      pl__fig_mark(f, PL__SHAPE_CIRCLE, pts[2 * k], pts[2 * k + 1],
                   exposed ? 9 : 6.5, exposed ? PL__RGB(PL__VERMILLION) : col,
                   PL__RGB(0xffffff), 1, tl);
    }
    pl__fig_end(f);
    pl__fig_end(f);
  }
  /* step labels under the last panel: number, step, who performs it */
  double base = panels_end + 14;
  pl__fig_group(f, "steps", "steps", NULL);
  pl__panel p = {left, top, pw, ph, -0.4, n + 0.4, 0, 1};
  pl__text_style ts = {.size = PL__TICK_SIZE + 0.5, .anchor = PL__END,
                       .angle = -38, .color = PL__RGB(PL__INK)};
  for (size_t k = 0; k < n; k++) {
    char sl[300];
    step_label(plan, r, kind, k, sl, sizeof sl);
    int by = pl_plan_step_by(plan, order[k]);
    snprintf(buf, sizeof buf, "%zu. %s", k + 1, sl);
    double x = pl__px(&p, (double)k + 1);
    ts.color = by >= 0 ? pl__party_colors[by % 8] : PL__RGB(PL__INK);
    pl__fig_text(f, x + 4, base, pl__fig_fit(f, buf, ts.size, false, 240), &ts);
  }
  pl__text_style st = {.size = PL__TICK_SIZE, .anchor = PL__MIDDLE,
                       .color = PL__RGB(PL__MUTED)};
  pl__fig_text(f, pl__px(&p, 0), base + 2, "start", &st);
  pl__fig_end(f);
  pl__free(pts);

  /* legend */
  pl__legend_entry e[24];
  int ne = 0;
  e[ne++] = (pl__legend_entry){.kind = PL__LEG_HEADING, .label = "Reading it"};
  e[ne++] = (pl__legend_entry){.kind = PL__LEG_LINE,
                               .stroke = PL__RGB(PL__MUTED), .lw = 2.2,
                               .shape_too = true, .shape = PL__SHAPE_CIRCLE,
                               .fill = PL__RGB(PL__MUTED),
                               .label = "running gain: what the party has "
                                        "received after each step"};
  e[ne++] = (pl__legend_entry){.kind = PL__LEG_LINE,
                               .stroke = PL__RGB(PL__MUTED), .lw = 1.6,
                               .dash = 1,
                               .label = "K: its gain from the whole plan plus "
                                        "what walking away costs it"};
  e[ne++] = (pl__legend_entry){.kind = PL__LEG_SWATCH,
                               .fill = PL__RGBA(PL__VERMILLION, 0.35),
                               .label = "exposed: it has received more than "
                                        "K, so walking away pays"};
  e[ne++] = (pl__legend_entry){.kind = PL__LEG_HEADING, .label = "Parties"};
  for (int q = 0; q < shown && ne < 20; q++) {
    char *label = pl__fig_printf(f, "%s (%s)", pl_plan_party_name(plan, q),
                                 pl_plan_party_id(plan, q));
    e[ne++] = (pl__legend_entry){.kind = PL__LEG_SWATCH,
                                 .fill = pl__party_colors[q % 8],
                                 .label = label ? label : ""};
  }
  e[ne++] = (pl__legend_entry){.kind = PL__LEG_NOTE,
                               .label = "Step labels take the colour of the "
                                        "party that carries the step out "
                                        "(black: joint)."};
  if (!pl_sequence_exact(r))
    e[ne++] = (pl__legend_entry){.kind = PL__LEG_NOTE,
                                 .label = "The order comes from the heuristic "
                                          "search (the plan is too large for "
                                          "the exact one)."};
  if (np > shown)
    e[ne++] = (pl__legend_entry){.kind = PL__LEG_NOTE,
                                 .label = "Only the first 8 parties are "
                                          "shown."};
  pl__legend(f, legend_x, top, legend_w, e, ne);
  if (f->nomem) {
    pl_figure_free(f);
    return pl__err(err, PL_ENOMEM, "out of memory");
  }
  *out = f;
  return PL_OK;
}
