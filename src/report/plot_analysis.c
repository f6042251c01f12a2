/* The outcome space of an analysis: every package as a point in the
 * parties' utilities (a density image when there are too many), the
 * reservation values, the Pareto frontier, the fair packages, the status
 * quo. Two parties: one panel; more: one panel per pair. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/analysis_internal.h"
#include "core/util.h"
#include "report/cairo_module.h"
#include "report/plot.h"

#define MAX_SHOWN 8        /* parties shown in pairs */
#define TITLE_LIMIT 5000   /* cloud points with a package on hover */
#define FRONTIER_MARKS 3000
#define LO (-0.04)         /* utility range shown: a margin around [0, 1] */
#define HI 1.04

enum { FEASIBLE = 0, BELOW = 1, BREAKS = 2 };

typedef struct pair {
  int px, py;         /* parties on the x and y axes */
  pl__panel panel;
  uint32_t *bins[3];  /* density mode: bins x bins counts per class */
} pair;

typedef struct cloud {
  bool all;         /* every outcome visited, else a sample */
  bool points;      /* kept one by one, else binned */
  uint64_t total;   /* the scenario's outcomes (UINT64_MAX: more) */
  char total_text[64];
  uint64_t visited;
  size_t n;         /* points kept */
  double *u;        /* n x np */
  uint8_t *cls;
  uint64_t *idx;
  uint64_t count[3];
  int bins;
  bool merged;      /* some packages share a point */
} cloud;

typedef struct ctx {
  const pl_analysis *a;
  const pl_scenario *s;
  pl_plot_options o;
  pl_figure *f;
  int np, shown, npairs;
  pair *pairs;
  cloud c;
  double *rv;
} ctx;

/* ------------------------------------------------------------------ */
/* Visiting the outcomes                                               */
/* ------------------------------------------------------------------ */

static int classify(const ctx *x, const uint32_t *o, const double *u) {
  int nr = pl_scenario_red_line_count(x->s);
  for (int r = 0; r < nr; r++)
    if (!pl_scenario_red_line_holds(x->s, r, o)) return BREAKS;
  for (int p = 0; p < x->np; p++)
    if (u[p] < x->rv[p] - PL_TOLERANCE) return BELOW;
  return FEASIBLE;
}

static int bin_of(double u, int bins) {
  int b = (int)floor((u - LO) / (HI - LO) * bins);
  return b < 0 ? 0 : b >= bins ? bins - 1 : b;
}

static void visit(ctx *x, const uint32_t *o, uint64_t index, double *u) {
  for (int p = 0; p < x->np; p++) u[p] = pl_scenario_utility(x->s, p, o);
  int cls = classify(x, o, u);
  cloud *c = &x->c;
  c->count[cls]++;
  c->visited++;
  if (c->points) {
    memcpy(c->u + c->n * (size_t)x->np, u, (size_t)x->np * sizeof *u);
    c->cls[c->n] = (uint8_t)cls;
    c->idx[c->n] = index;
    c->n++;
    return;
  }
  for (int k = 0; k < x->npairs; k++) {
    pair *pr = &x->pairs[k];
    int bx = bin_of(u[pr->px], c->bins), by = bin_of(u[pr->py], c->bins);
    pr->bins[cls][(size_t)by * (size_t)c->bins + (size_t)bx]++;
  }
}

static int gather(ctx *x, pl_error *err) {
  cloud *c = &x->c;
  const pl_scenario *s = x->s;
  int ni = pl_scenario_issue_count(s);
  uint64_t total;
  if (pl_scenario_outcome_count(s, &total) != PL_OK) total = UINT64_MAX;
  c->total = total;
  if (pl_scenario_outcome_count_text(s, c->total_text, sizeof c->total_text))
    snprintf(c->total_text, sizeof c->total_text, "more than 10^19");
  else if (total != UINT64_MAX)
    pl__count_words(c->total_text, sizeof c->total_text, total);
  c->all = total <= x->o.max_outcomes;
  uint64_t visits = c->all ? total : x->o.sample;
  c->points = c->all && visits <= x->o.max_points;
  c->bins = 150;
  if (c->points) {
    c->u = pl__malloc((size_t)(visits ? visits : 1) * (size_t)x->np *
                      sizeof *c->u);
    c->cls = pl__malloc((size_t)(visits ? visits : 1));
    c->idx = pl__malloc((size_t)(visits ? visits : 1) * sizeof *c->idx);
    if (!c->u || !c->cls || !c->idx)
      return pl__err(err, PL_ENOMEM, "out of memory");
  } else {
    size_t nb = (size_t)c->bins * (size_t)c->bins;
    for (int k = 0; k < x->npairs; k++)
      for (int cl = 0; cl < 3; cl++)
        if (!(x->pairs[k].bins[cl] = pl__calloc(nb, sizeof(uint32_t))))
          return pl__err(err, PL_ENOMEM, "out of memory");
  }
  uint32_t *o = pl__calloc((size_t)ni + 1, sizeof *o);
  double *u = pl__malloc((size_t)x->np * sizeof *u);
  if (!o || !u) {
    pl__free(o);
    pl__free(u);
    return pl__err(err, PL_ENOMEM, "out of memory");
  }
  if (c->all) {
    /* the odometer: the last issue fastest, as the mixed-radix index */
    for (uint64_t k = 0; k < total; k++) {
      visit(x, o, k, u);
      for (int i = ni - 1; i >= 0; i--) {
        if (++o[i] < pl_scenario_option_count(s, i)) break;
        o[i] = 0;
      }
    }
  } else {
    /* a uniform sample: every issue's option drawn alone */
    uint64_t state = x->o.seed ^ 0x5eed0f0a11ull;
    for (uint64_t k = 0; k < visits; k++) {
      for (int i = 0; i < ni; i++)
        o[i] = (uint32_t)(pl__splitmix64(&state) %
                          pl_scenario_option_count(s, i));
      visit(x, o, UINT64_MAX, u);
    }
  }
  pl__free(o);
  pl__free(u);
  return PL_OK;
}

/* ------------------------------------------------------------------ */
/* Drawing one panel                                                   */
/* ------------------------------------------------------------------ */

typedef struct keyed {
  uint64_t key;
  size_t i;
} keyed;

static int cmp_keyed(const void *a, const void *b) {
  const keyed *x = a, *y = b;
  if (x->key != y->key) return x->key < y->key ? -1 : 1;
  return x->i < y->i ? -1 : x->i > y->i;
}

static const char *class_note(int cls) {
  return cls == FEASIBLE ? "feasible"
         : cls == BELOW  ? "keeps every red line, but gives a party less "
                           "than its reservation value"
                         : "breaks a red line";
}

/* The packages one by one, those at the same spot merged. */
static void draw_points(ctx *x, const pair *pr) {
  pl_figure *f = x->f;
  const pl__panel *p = &pr->panel;
  cloud *c = &x->c;
  keyed *k = pl__malloc((c->n ? c->n : 1) * sizeof *k);
  if (!k) {
    f->nomem = true;
    return;
  }
  for (size_t j = 0; j < c->n; j++) {
    const double *u = c->u + j * (size_t)x->np;
    uint64_t qx = (uint64_t)llround((pl__px(p, u[pr->px]) - p->x) * 2 + 4);
    uint64_t qy = (uint64_t)llround((pl__py(p, u[pr->py]) - p->y) * 2 + 4);
    /* red-line breakers first, feasible last: on top */
    k[j].key = (uint64_t)(2 - c->cls[j]) << 50 | (qx & 0x1ffffff) << 25 |
               (qy & 0x1ffffff);
    k[j].i = j;
  }
  qsort(k, c->n, sizeof *k, cmp_keyed);
  size_t groups = 0;
  for (size_t j = 0; j < c->n; j++) groups += !j || k[j].key != k[j - 1].key;
  bool titles = groups <= TITLE_LIMIT;
  double d = groups > 3000 ? 4.2 : groups > 600 ? 5.2 : 6.5;
  uint32_t *opt = pl__malloc((size_t)pl_scenario_issue_count(x->s) * 4 + 4);
  static const char *const ids[3] = {"feasible", "below-reservation",
                                     "breaks-red-line"};
  int open = -1;
  for (size_t j = 0; j < c->n;) {
    size_t e = j + 1;
    while (e < c->n && k[e].key == k[j].key) e++;
    size_t i = k[j].i;
    int cls = c->cls[i];
    if (e - j > 1) c->merged = true;
    if (cls != open) {
      if (open >= 0) pl__fig_end(f);
      pl__fig_group(f, ids[cls], "outcomes", NULL);
      open = cls;
    }
    const double *u = c->u + i * (size_t)x->np;
    const char *title = NULL;
    if (titles && opt) {
      pl_scenario_decode(x->s, c->idx[i], opt);
      char note[160];
      if (e - j > 1)
        snprintf(note, sizeof note, "%s; %zu packages at this spot",
                 class_note(cls), e - j);
      else
        snprintf(note, sizeof note, "%s", class_note(cls));
      title = pl__package_title(f, x->s, opt, u, NULL, note);
    }
    double px = pl__px(p, u[pr->px]), py = pl__py(p, u[pr->py]);
    if (cls == FEASIBLE)
      pl__fig_mark(f, PL__SHAPE_CIRCLE, px, py, d, PL__RGBA(PL__BLUE, 0.8),
                   PL__NONE, 0, title);
    else if (cls == BELOW)
      pl__fig_mark(f, PL__SHAPE_CIRCLE, px, py, d - 0.5, PL__RGBA(0xffffff, 0.6),
                   PL__RGBA(PL__BLUE, 0.85), 1.2, title);
    else
      pl__fig_mark(f, PL__SHAPE_CROSS, px, py, d, PL__NONE, PL__RGB(0x9a9a9a),
                   1.2, title);
    j = e;
  }
  if (open >= 0) pl__fig_end(f);
  pl__free(opt);
  pl__free(k);
}

/* The counts as shades: feasible in blue over the others in grey, darker
 * where more packages fall (on a log scale). */
static void draw_density(ctx *x, const pair *pr) {
  pl_figure *f = x->f;
  int nb = x->c.bins;
  uint32_t *px = pl__fig_alloc(f, (size_t)nb * (size_t)nb * 4);
  if (!px) return;
  uint32_t mx[3] = {0};
  for (int cl = 0; cl < 3; cl++)
    for (size_t j = 0; j < (size_t)nb * (size_t)nb; j++)
      if (pr->bins[cl][j] > mx[cl]) mx[cl] = pr->bins[cl][j];
  for (int by = 0; by < nb; by++)
    for (int bx = 0; bx < nb; bx++) {
      size_t j = (size_t)by * (size_t)nb + (size_t)bx;
      uint32_t feas = pr->bins[FEASIBLE][j];
      uint32_t other = pr->bins[BELOW][j] + pr->bins[BREAKS][j];
      uint32_t rgb = 0, m = 1, n = 0;
      double a0 = 0.18;
      if (feas) {
        rgb = PL__BLUE;
        n = feas;
        m = mx[FEASIBLE];
        a0 = 0.3;
      } else if (other) {
        rgb = 0x8a8a8a;
        n = other;
        m = mx[BELOW] > mx[BREAKS] ? mx[BELOW] : mx[BREAKS];
      }
      double a = n ? a0 + (0.95 - a0) * log1p(n) / log1p(m > 1 ? m : 1) : 0;
      if (a > 1) a = 1;
      /* cairo's ARGB32 is premultiplied; row 0 is the top (high y) */
      uint32_t A = (uint32_t)(a * 255 + 0.5);
      uint32_t R = (rgb >> 16 & 0xff) * A / 255, G = (rgb >> 8 & 0xff) * A / 255,
               B = (rgb & 0xff) * A / 255;
      px[(size_t)(nb - 1 - by) * (size_t)nb + (size_t)bx] =
          A << 24 | R << 16 | G << 8 | B;
    }
  const pl__panel *p = &pr->panel;
  pl__fig_group(f, "density", "outcomes density", NULL);
  pl__fig_image(f, pl__px(p, LO), pl__py(p, HI), pl__px(p, HI) - pl__px(p, LO),
                pl__py(p, LO) - pl__py(p, HI), px, nb, nb);
  pl__fig_end(f);
}

static const char *solution_label(pl_solution k) {
  static const char *const names[] = {"Nash", "K\xe2\x80\x93S", "utilitarian",
                                      "egalitarian"};
  return names[k];
}
static const char *solution_long(pl_solution k) {
  static const char *const names[] = {
      "Nash: the largest product of gains",
      ("Kalai\xe2\x80\x93Smorodinsky (K\xe2\x80\x93S): gains in proportion "
       "to each party's best"),
      "utilitarian: the largest sum of utilities",
      "egalitarian: the largest smallest gain"};
  return names[k];
}
static const pl__shape solution_shape[] = {PL__SHAPE_DIAMOND, PL__SHAPE_TRIANGLE,
                                           PL__SHAPE_SQUARE,
                                           PL__SHAPE_TRIANGLE_DOWN};
static const uint32_t solution_fill[] = {PL__ORANGE, PL__SKY, PL__GREEN,
                                         PL__PURPLE};

static bool same_point(const pl_point *a, const pl_point *b, int np) {
  for (int p = 0; p < np; p++)
    if (fabs(a->utilities[p] - b->utilities[p]) > PL_TOLERANCE) return false;
  return true;
}

static void draw_frontier(ctx *x, const pair *pr, pl__boxes *boxes) {
  pl_figure *f = x->f;
  const pl_analysis *a = x->a;
  const pl__panel *p = &pr->panel;
  size_t nf = pl_analysis_pareto_count(a);
  if (!nf) return;
  pl__fig_group(f, "frontier", "frontier", NULL);
  if (x->np == 2) {
    /* sorted by the first party's utility, descending: a polyline */
    double *pts = pl__malloc(2 * nf * sizeof *pts);
    if (!pts) {
      f->nomem = true;
    } else {
      for (size_t k = 0; k < nf; k++) {
        const pl_point *pt = pl_analysis_pareto(a, k);
        pts[2 * k] = pl__px(p, pt->utilities[pr->px]);
        pts[2 * k + 1] = pl__py(p, pt->utilities[pr->py]);
      }
      pl__fig_path(f, pts, nf, false, PL__RGB(PL__VERMILLION), PL__NONE, 2, 0);
      pl__free(pts);
    }
  }
  size_t step = nf > FRONTIER_MARKS ? (nf + FRONTIER_MARKS - 1) / FRONTIER_MARKS
                                    : 1;
  double d = nf > 300 ? 4.5 : 7;
  for (size_t k = 0; k < nf; k += step) {
    const pl_point *pt = pl_analysis_pareto(a, k);
    double px = pl__px(p, pt->utilities[pr->px]);
    double py = pl__py(p, pt->utilities[pr->py]);
    const char *title = pl__package_title(f, x->s, pt->options, pt->utilities,
                                          "Pareto frontier", NULL);
    pl__fig_mark(f, PL__SHAPE_CIRCLE, px, py, d, PL__RGB(PL__VERMILLION),
                 PL__RGB(0xffffff), 0.8, title);
    if (nf <= 60) pl__boxes_add(boxes, px - d / 2, py - d / 2, px + d / 2, py + d / 2);
  }
  pl__fig_end(f);
}

static void draw_reservations(ctx *x, const pair *pr, pl__boxes *boxes) {
  pl_figure *f = x->f;
  const pl__panel *p = &pr->panel;
  double rx = x->rv[pr->px], ry = x->rv[pr->py];
  if (!(rx > 0) && !(ry > 0)) return;
  pl__fig_group(f, "reservation", "reservation", NULL);
  /* the region some party refuses, lightly shaded */
  double X0 = pl__px(p, LO), X1 = pl__px(p, HI), Y0 = pl__py(p, LO),
         Y1 = pl__py(p, HI), RX = pl__px(p, rx > 0 ? rx : LO),
         RY = pl__py(p, ry > 0 ? ry : LO);
  double poly[12] = {X0, Y1, RX, Y1, RX, RY, X1, RY, X1, Y0, X0, Y0};
  pl__fig_path(f, poly, 6, true, PL__NONE, PL__RGBA(0x000000, 0.055), 0, 0);
  pl__text_style ts = {.size = PL__NOTE_SIZE - 0.5, .color = PL__RGB(0x444444),
                       .halo = true};
  char buf[160];
  if (rx > 0) {
    pl__fig_line(f, RX, Y0, RX, Y1, PL__RGB(0x444444), 1.3, 1);
    snprintf(buf, sizeof buf, "%s's reservation %.2f",
             pl_scenario_party_id(x->s, pr->px), rx);
    /* along the line from the bottom, where the solutions rarely are */
    ts.angle = -90;
    ts.anchor = PL__START;
    pl__fig_text(f, RX - 5, Y0 - 6, buf, &ts);
    double w = pl__fig_text_width(f, buf, ts.size, false);
    pl__boxes_add(boxes, RX - 5 - ts.size, Y0 - 6 - w, RX - 3, Y0 - 6);
  }
  if (ry > 0) {
    pl__fig_line(f, X0, RY, X1, RY, PL__RGB(0x444444), 1.3, 1);
    snprintf(buf, sizeof buf, "%s's reservation %.2f",
             pl_scenario_party_id(x->s, pr->py), ry);
    ts.angle = 0;
    ts.anchor = PL__END;
    pl__fig_text(f, X1 - 6, RY - 5, buf, &ts);
    double w = pl__fig_text_width(f, buf, ts.size, false);
    pl__boxes_add(boxes, X1 - 6 - w, RY - 5 - ts.size, X1 - 6, RY - 3);
  }
  pl__fig_end(f);
}

static void draw_markers(ctx *x, const pair *pr, pl__boxes *boxes) {
  pl_figure *f = x->f;
  const pl_analysis *a = x->a;
  const pl__panel *p = &pr->panel;
  pl__text_style ls = {.size = PL__LEGEND_SIZE, .bold = true,
                       .color = PL__RGB(PL__INK)};
  /* status quo */
  bool sq = pl_scenario_has_status_quo(x->s) && x->np > 0;
  for (int q = 0; q < x->np && sq; q++)
    sq = pl_analysis_status_quo_utility(a, q) >= 0;
  if (sq) {
    uint32_t *o = pl__fig_alloc(f, (size_t)pl_scenario_issue_count(x->s) * 4 + 4);
    double *u = pl__fig_alloc(f, (size_t)x->np * sizeof *u);
    if (o && u) {
      for (int i = 0; i < pl_scenario_issue_count(x->s); i++)
        o[i] = PL_NOT_AGREED;
      for (int q = 0; q < x->np; q++) u[q] = pl_analysis_status_quo_utility(a, q);
      double px = pl__px(p, u[pr->px]), py = pl__py(p, u[pr->py]);
      pl__fig_group(f, "status-quo", "status-quo", NULL);
      pl__fig_mark(f, PL__SHAPE_TARGET, px, py, 13, PL__RGB(0xffffff),
                   PL__RGB(PL__BLACK), 1.6,
                   pl__package_title(f, x->s, o, u, "Status quo (no agreement)",
                                     NULL));
      pl__boxes_add(boxes, px - 7, py - 7, px + 7, py + 7);
      pl__place_label(f, boxes, p, px, py, 7, "status quo", &ls);
      pl__fig_end(f);
    }
  }
  /* partial agreements when the whole deadlocks */
  if (pl_analysis_partial_status(a) == PL_PARTIAL_DONE) {
    size_t n = pl_analysis_partial_count(a);
    pl__fig_group(f, "partial", "partial", NULL);
    for (size_t k = 0; k < n && k < 6; k++) {
      const pl_partial *pa = pl_analysis_partial(a, k);
      if (!pa->nash.options) continue;
      double px = pl__px(p, pa->nash.utilities[pr->px]);
      double py = pl__py(p, pa->nash.utilities[pr->py]);
      const char *note = pa->n_blocking
                             ? "blocked by a linkage red line (nothing is "
                               "agreed until everything is)"
                             : NULL;
      pl__fig_mark(f, PL__SHAPE_STAR, px, py, 17, PL__RGB(PL__YELLOW),
                   PL__RGB(PL__BLACK), 1.1,
                   pl__package_title(f, x->s, pa->nash.options,
                                     pa->nash.utilities,
                                     "Partial agreement (the rest at the "
                                     "status quo), its Nash package",
                                     note));
      pl__boxes_add(boxes, px - 8, py - 8, px + 8, py + 8);
      pl__place_label(f, boxes, p, px, py, 9,
                      pa->n_blocking ? "partial deal (blocked)" : "partial deal",
                      &ls);
    }
    pl__fig_end(f);
  }
  /* the fair packages; coincident ones share a label and nest */
  const pl_point *sol[PL_SOLUTION_COUNT_];
  for (int k = 0; k < PL_SOLUTION_COUNT_; k++)
    sol[k] = pl_analysis_solution(a, (pl_solution)k);
  bool done[PL_SOLUTION_COUNT_] = {false};
  for (int k = 0; k < PL_SOLUTION_COUNT_; k++) {
    if (!sol[k] || done[k]) continue;
    int members[PL_SOLUTION_COUNT_], nm = 0;
    for (int j = k; j < PL_SOLUTION_COUNT_; j++)
      if (sol[j] && !done[j] && same_point(sol[k], sol[j], x->np)) {
        members[nm++] = j;
        done[j] = true;
      }
    double px = pl__px(p, sol[k]->utilities[pr->px]);
    double py = pl__py(p, sol[k]->utilities[pr->py]);
    char label[200] = "";
    for (int m = 0; m < nm; m++) {
      strcat(label, m ? " = " : "");
      strcat(label, solution_label((pl_solution)members[m]));
    }
    for (int m = 0; m < nm; m++) {
      pl_solution which = (pl_solution)members[m];
      pl__fig_group(f, pl_solution_name(which), "solution", NULL);
      char head[200];
      snprintf(head, sizeof head, "%s", solution_long(which));
      double size = nm == 1 ? 17 : m == 0 ? 22 : m == 1 ? 15 : m == 2 ? 9 : 5;
      pl__fig_mark(f, solution_shape[which], px, py, size,
                   PL__RGB(solution_fill[which]), PL__RGB(PL__BLACK), 1.2,
                   pl__package_title(f, x->s, sol[k]->options,
                                     sol[k]->utilities, head, NULL));
      pl__fig_end(f);
    }
    pl__boxes_add(boxes, px - 10, py - 10, px + 10, py + 10);
    pl__fig_group(f, NULL, "solution-label", NULL);
    pl__place_label(f, boxes, p, px, py, 10, label, &ls);
    pl__fig_end(f);
  }
}

static void draw_pair(ctx *x, const pair *pr, int k) {
  pl_figure *f = x->f;
  const pl__panel *p = &pr->panel;
  char id[64];
  snprintf(id, sizeof id, "panel-%d", k);
  pl__utility_plane(f, p, x->s, pr->px, pr->py, id, "panel");
  pl__boxes boxes;
  boxes.n = 0;
  draw_reservations(x, pr, &boxes);
  if (x->c.points)
    draw_points(x, pr);
  else
    draw_density(x, pr);
  draw_frontier(x, pr, &boxes);
  pl__fig_end(f);
  draw_markers(x, pr, &boxes);
  pl__fig_end(f);
}

/* ------------------------------------------------------------------ */
/* The figure                                                          */
/* ------------------------------------------------------------------ */

static int build_legend(ctx *x, pl__legend_entry *e) {
  const pl_analysis *a = x->a;
  const cloud *c = &x->c;
  int n = 0;
  char *buf;
  e[n++] = (pl__legend_entry){.kind = PL__LEG_HEADING, .label = "Packages"};
  if (c->points) {
    if (c->count[FEASIBLE])
      e[n++] = (pl__legend_entry){.kind = PL__LEG_MARK,
                                  .shape = PL__SHAPE_CIRCLE,
                                  .fill = PL__RGBA(PL__BLUE, 0.8),
                                  .size = 7,
                                  .label = "feasible: keeps every red line "
                                           "and reservation value"};
    if (c->count[BELOW])
      e[n++] = (pl__legend_entry){.kind = PL__LEG_MARK,
                                  .shape = PL__SHAPE_CIRCLE,
                                  .fill = PL__RGB(0xffffff),
                                  .stroke = PL__RGB(PL__BLUE),
                                  .lw = 1.2, .size = 7,
                                  .label = "keeps the red lines, below a "
                                           "reservation value"};
    if (c->count[BREAKS])
      e[n++] = (pl__legend_entry){.kind = PL__LEG_MARK,
                                  .shape = PL__SHAPE_CROSS,
                                  .stroke = PL__RGB(0x9a9a9a), .lw = 1.3,
                                  .size = 7, .label = "breaks a red line"};
  } else {
    if (c->count[FEASIBLE])
      e[n++] = (pl__legend_entry){.kind = PL__LEG_SWATCH,
                                  .fill = PL__RGBA(PL__BLUE, 0.7),
                                  .label = "feasible packages (darker: more)"};
    if (c->count[BELOW] || c->count[BREAKS])
      e[n++] = (pl__legend_entry){.kind = PL__LEG_SWATCH,
                                  .fill = PL__RGBA(0x8a8a8a, 0.6),
                                  .label = "infeasible packages: breaking a "
                                           "red line or below a reservation "
                                           "value"};
  }
  if (pl_analysis_pareto_count(a))
    e[n++] = (pl__legend_entry){
        .kind = PL__LEG_LINE, .stroke = PL__RGB(PL__VERMILLION), .lw = 2,
        .shape_too = true, .shape = PL__SHAPE_CIRCLE,
        .fill = PL__RGB(PL__VERMILLION),
        .label = x->np == 2 ? "Pareto frontier: no package is better for "
                              "both"
                            : "Pareto frontier (of all parties, seen in "
                              "pairs)"};
  bool rv = false;
  for (int p = 0; p < x->np; p++) rv |= x->rv[p] > 0;
  if (rv)
    e[n++] = (pl__legend_entry){.kind = PL__LEG_LINE,
                                .stroke = PL__RGB(0x444444), .lw = 1.3,
                                .dash = 1,
                                .label = "reservation value: what no "
                                         "agreement is worth (shaded: "
                                         "refused)"};
  bool any_sol = false;
  for (int k = 0; k < PL_SOLUTION_COUNT_; k++)
    any_sol |= pl_analysis_solution(a, (pl_solution)k) != NULL;
  if (any_sol) {
    e[n++] = (pl__legend_entry){.kind = PL__LEG_HEADING,
                                .label = "Recommended packages"};
    for (int k = 0; k < PL_SOLUTION_COUNT_; k++)
      e[n++] = (pl__legend_entry){.kind = PL__LEG_MARK,
                                  .shape = solution_shape[k],
                                  .fill = PL__RGB(solution_fill[k]),
                                  .stroke = PL__RGB(PL__BLACK), .lw = 1.1,
                                  .size = 12,
                                  .label = solution_long((pl_solution)k)};
  }
  bool sq = pl_scenario_has_status_quo(x->s);
  bool partial = pl_analysis_partial_status(a) == PL_PARTIAL_DONE &&
                 pl_analysis_partial_count(a);
  if (sq || partial) {
    if (!any_sol)
      e[n++] = (pl__legend_entry){.kind = PL__LEG_HEADING, .label = "Marks"};
    if (sq)
      e[n++] = (pl__legend_entry){.kind = PL__LEG_MARK,
                                  .shape = PL__SHAPE_TARGET,
                                  .fill = PL__RGB(0xffffff),
                                  .stroke = PL__RGB(PL__BLACK), .lw = 1.5,
                                  .size = 11,
                                  .label = "status quo: no agreement"};
    if (partial)
      e[n++] = (pl__legend_entry){.kind = PL__LEG_MARK,
                                  .shape = PL__SHAPE_STAR,
                                  .fill = PL__RGB(PL__YELLOW),
                                  .stroke = PL__RGB(PL__BLACK), .lw = 1,
                                  .size = 14,
                                  .label = "partial deal: the issues that can "
                                           "be agreed alone (Nash package)"};
  }
  /* notes */
  e[n++] = (pl__legend_entry){.kind = PL__LEG_HEADING, .label = "Notes"};
  if (!pl_analysis_pareto_count(a) && c->count[FEASIBLE] == 0)
    e[n++] = (pl__legend_entry){
        .kind = PL__LEG_NOTE,
        .label = "No package is feasible: every one breaks a red line or "
                 "gives a party less than its reservation value (a "
                 "deadlock)."};
  if (!c->points) {
    char cnt[64];
    pl__count_words(cnt, sizeof cnt, c->visited);
    if (c->all)
      buf = pl__fig_printf(x->f,
                           "Too many packages (%s) to draw one by one: the "
                           "shading counts them.",
                           c->total_text);
    else
      buf = pl__fig_printf(x->f,
                           "Shaded: a random sample of %s of the %s packages. "
                           "The frontier and the marked packages are exact.",
                           cnt, c->total_text);
    if (buf) e[n++] = (pl__legend_entry){.kind = PL__LEG_NOTE, .label = buf};
  } else if (c->merged) {
    e[n++] = (pl__legend_entry){
        .kind = PL__LEG_NOTE,
        .label = "Packages with the same utilities share a point."};
  }
  if (pl_analysis_epsilon(a) > 0) {
    buf = pl__fig_printf(x->f,
                         "The frontier is approximate: within %g of the exact "
                         "one.",
                         pl_analysis_epsilon(a));
    if (buf) e[n++] = (pl__legend_entry){.kind = PL__LEG_NOTE, .label = buf};
  }
  if (x->np > MAX_SHOWN) {
    buf = pl__fig_printf(x->f, "The first %d of %d parties are shown.",
                         MAX_SHOWN, x->np);
    if (buf) e[n++] = (pl__legend_entry){.kind = PL__LEG_NOTE, .label = buf};
  }
  if (e[n - 1].kind == PL__LEG_HEADING) n--; /* no notes */
  return n;
}

static void free_ctx(ctx *x) {
  pl__free(x->c.u);
  pl__free(x->c.cls);
  pl__free(x->c.idx);
  for (int k = 0; k < x->npairs && x->pairs; k++)
    for (int cl = 0; cl < 3; cl++) pl__free(x->pairs[k].bins[cl]);
  pl__free(x->pairs);
  pl__free(x->rv);
}

int pl_figure_analysis(const pl_analysis *a, const pl_plot_options *o,
                       pl_figure **out, pl_error *err) {
  *out = NULL;
  if (!a) return pl__err(err, PL_EINVAL, "no analysis");
  ctx x;
  memset(&x, 0, sizeof x);
  x.a = a;
  x.s = a->s;
  pl__plot_options(o, &x.o);
  x.np = pl_scenario_party_count(x.s);
  x.shown = x.np < MAX_SHOWN ? x.np : MAX_SHOWN;
  x.npairs = x.shown <= 2 ? 1 : x.shown * (x.shown - 1) / 2;
  x.pairs = pl__calloc((size_t)x.npairs, sizeof *x.pairs);
  x.rv = pl__calloc((size_t)x.np + 1, sizeof *x.rv);
  if (!x.pairs || !x.rv) {
    free_ctx(&x);
    return pl__err(err, PL_ENOMEM, "out of memory");
  }
  for (int p = 0; p < x.np; p++) x.rv[p] = pl_scenario_reservation(x.s, p);

  /* layout */
  const double left = 78, top = 70, bottom = 58;
  double width, height, legend_x, legend_y, legend_w;
  if (x.shown <= 2) {
    double side = 470;
    x.pairs[0].px = 0;
    x.pairs[0].py = x.shown == 2 ? 1 : 0;
    x.pairs[0].panel = (pl__panel){left, top, side, side, LO, HI, LO, HI};
    legend_x = left + side + 34;
    legend_y = top + 4;
    legend_w = 290;
    width = legend_x + legend_w + 20;
    height = top + side + bottom;
  } else {
    int g = x.shown - 1; /* a lower-triangular grid of g x g cells */
    double side = g == 2 ? 340 : g == 3 ? 270 : g <= 5 ? 210 : 165;
    double cw = side + 74, ch = side + 62;
    int k = 0;
    for (int r = 0; r < g; r++)
      for (int cc = 0; cc <= r; cc++) {
        x.pairs[k].px = cc;
        x.pairs[k].py = r + 1;
        x.pairs[k].panel = (pl__panel){left + cc * cw, top + r * ch, side,
                                       side, LO, HI, LO, HI};
        k++;
      }
    legend_x = left + cw * (g == 2 ? 1 : (g + 1) / 2) + 10;
    legend_y = top + 4;
    legend_w = left + g * cw - legend_x - 10;
    if (legend_w > 420) legend_w = 420;
    width = left + g * cw + 10;
    if (width < legend_x + legend_w + 20) width = legend_x + legend_w + 20;
    height = top + g * ch;
  }

  int rc = gather(&x, err);
  if (rc) {
    free_ctx(&x);
    return rc;
  }
  const char *title = pl_scenario_title(x.s);
  if (!title || !*title) title = pl_scenario_id(x.s);
  if (!pl__cairo(err)) { /* text is measured */
    free_ctx(&x);
    return PL_EUNSUPPORTED;
  }
  x.f = pl__fig_new(width, height, title);
  if (!x.f) {
    free_ctx(&x);
    return pl__err(err, PL_ENOMEM, "out of memory");
  }
  pl_figure *f = x.f;
  char feas[64], sub[400];
  if (pl_analysis_feasible_text(a, feas, sizeof feas) != PL_OK)
    snprintf(feas, sizeof feas, "an uncounted number");
  else if (pl_analysis_feasible_count(a) != UINT64_MAX)
    pl__count_words(feas, sizeof feas, pl_analysis_feasible_count(a));
  size_t nf = pl_analysis_pareto_count(a);
  if (nf)
    snprintf(sub, sizeof sub,
             "%s possible packages, %s feasible; %zu on the Pareto frontier",
             x.c.total_text, feas, nf);
  else
    snprintf(sub, sizeof sub,
             "%s possible packages, none feasible: a deadlock",
             x.c.total_text);
  pl__heading(f, 20, 28, width - 40, title, sub);
  for (int k = 0; k < x.npairs; k++) draw_pair(&x, &x.pairs[k], k);
  pl__legend_entry e[32];
  int ne = build_legend(&x, e);
  pl__legend(f, legend_x, legend_y, legend_w, e, ne);
  free_ctx(&x);
  if (f->nomem) {
    pl_figure_free(f);
    return pl__err(err, PL_ENOMEM, "out of memory");
  }
  *out = f;
  return PL_OK;
}
