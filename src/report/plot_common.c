/* Panels, axes, legends and labels shared by every plot. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/util.h"
#include "report/plot.h"

/* Party colours in party order: the Okabe-Ito colours that stay apart on
 * white and from each other (yellow is too light for lines). */
const uint32_t pl__party_colors[8] = {
    PL__RGB(PL__BLUE),   PL__RGB(PL__VERMILLION), PL__RGB(PL__GREEN),
    PL__RGB(PL__PURPLE), PL__RGB(PL__ORANGE),     PL__RGB(PL__SKY),
    PL__RGB(0x000000),   PL__RGB(0x8C6D1F)};

int pl__ticks(double lo, double hi, int want, double *ticks, int max) {
  if (!(hi > lo)) hi = lo + 1;
  double raw = (hi - lo) / (want > 1 ? want : 1);
  double mag = pow(10, floor(log10(raw))), step = mag;
  if (raw / mag > 5)
    step = 10 * mag;
  else if (raw / mag > 2)
    step = 5 * mag;
  else if (raw / mag > 1)
    step = 2 * mag;
  int n = 0;
  for (double t = ceil(lo / step - 1e-9) * step; t <= hi + 1e-9 * step && n < max;
       t += step)
    ticks[n++] = fabs(t) < 1e-12 * step ? 0 : t;
  return n;
}

static const char *tick_text(char *buf, size_t size, double v) {
  snprintf(buf, size, "%.6g", v);
  /* the minus sign, not a hyphen */
  if (buf[0] == '-') {
    memmove(buf + 3, buf + 1, strlen(buf));
    memcpy(buf, "\xe2\x88\x92", 3);
  }
  return buf;
}

void pl__axes(pl_figure *f, const pl__panel *p, const char *xlabel,
              const char *ylabel, const double *xticks, int nx,
              const double *yticks, int ny) {
  pl__fig_group(f, NULL, "axes", NULL);
  pl__fig_rect(f, p->x, p->y, p->w, p->h, PL__NONE, PL__RGB(0xffffff), 0);
  char buf[64];
  pl__text_style ts = {.size = PL__TICK_SIZE, .color = PL__RGB(PL__MUTED),
                       .anchor = PL__MIDDLE};
  for (int k = 0; k < nx; k++) {
    double x = pl__px(p, xticks[k]);
    pl__fig_line(f, x, p->y, x, p->y + p->h, PL__RGB(PL__GRID), 1, 0);
    pl__fig_line(f, x, p->y + p->h, x, p->y + p->h + 4, PL__RGB(PL__MUTED), 1,
                 0);
    pl__fig_text(f, x, p->y + p->h + 16, tick_text(buf, sizeof buf, xticks[k]),
                 &ts);
  }
  ts.anchor = PL__END;
  ts.vcenter = true;
  for (int k = 0; k < ny; k++) {
    double y = pl__py(p, yticks[k]);
    pl__fig_line(f, p->x, y, p->x + p->w, y, PL__RGB(PL__GRID), 1, 0);
    pl__fig_line(f, p->x - 4, y, p->x, y, PL__RGB(PL__MUTED), 1, 0);
    pl__fig_text(f, p->x - 7, y, tick_text(buf, sizeof buf, yticks[k]), &ts);
  }
  pl__fig_rect(f, p->x, p->y, p->w, p->h, PL__RGB(0x9a9a9a), PL__NONE, 1);
  pl__text_style ls = {.size = PL__LABEL_SIZE, .color = PL__RGB(PL__INK),
                       .anchor = PL__MIDDLE};
  if (xlabel) {
    pl__fig_group(f, NULL, "x-label", NULL);
    pl__fig_text(f, p->x + p->w / 2, p->y + p->h + 36,
                 pl__fig_fit(f, xlabel, ls.size, false, p->w + 40), &ls);
    pl__fig_end(f);
  }
  if (ylabel) {
    pl__fig_group(f, NULL, "y-label", NULL);
    ls.angle = -90;
    pl__fig_text(f, p->x - 40, p->y + p->h / 2,
                 pl__fig_fit(f, ylabel, ls.size, false, p->h + 40), &ls);
    pl__fig_end(f);
  }
  pl__fig_end(f);
}

void pl__heading(pl_figure *f, double x, double y, double width,
                 const char *title, const char *subtitle) {
  pl__fig_group(f, "heading", "heading", NULL);
  pl__text_style ts = {.size = PL__TITLE_SIZE, .bold = true,
                       .color = PL__RGB(PL__INK)};
  pl__fig_text(f, x, y, pl__fig_fit(f, title, ts.size, true, width), &ts);
  if (subtitle) {
    ts.size = PL__SUBTITLE_SIZE;
    ts.bold = false;
    ts.color = PL__RGB(PL__MUTED);
    pl__fig_text(f, x, y + 20, pl__fig_fit(f, subtitle, ts.size, false, width),
                 &ts);
  }
  pl__fig_end(f);
}

/* Splits text into lines no wider than width (at spaces); at most 4. */
static int wrap(pl_figure *f, const char *text, double size, bool bold,
                double width, const char **lines) {
  int n = 0;
  size_t len = strlen(text);
  char *buf = pl__fig_alloc(f, len + 1);
  if (!buf) return 0;
  const char *p = text;
  while (*p && n < 4) {
    size_t best = 0;
    for (size_t k = 0;; k++) {
      if (p[k] == ' ' || !p[k]) {
        memcpy(buf, p, k);
        buf[k] = 0;
        if (best && pl__fig_text_width(f, buf, size, bold) > width) break;
        best = k;
        if (!p[k]) break;
      }
    }
    if (n == 3 && p[best]) {
      lines[n++] = pl__fig_fit(f, p, size, bold, width);
      break;
    }
    char *line = pl__fig_alloc(f, best + 1);
    if (!line) return n;
    memcpy(line, p, best);
    line[best] = 0;
    lines[n++] = line;
    p += best;
    while (*p == ' ') p++;
  }
  return n;
}

double pl__legend(pl_figure *f, double x, double y, double width,
                  const pl__legend_entry *e, int n) {
  pl__fig_group(f, NULL, "legend", NULL);
  const double sym = 30, line_h = 15.5;
  double cy = y;
  for (int k = 0; k < n; k++) {
    const pl__legend_entry *it = &e[k];
    bool plain = it->kind == PL__LEG_HEADING || it->kind == PL__LEG_NOTE;
    const char *lines[4];
    double tw = plain ? width : width - sym;
    double size = it->kind == PL__LEG_NOTE ? PL__NOTE_SIZE : PL__LEGEND_SIZE;
    int nl = wrap(f, it->label, size, it->kind == PL__LEG_HEADING, tw, lines);
    if (it->kind == PL__LEG_HEADING && k) cy += 6;
    double h = nl * line_h, mid = cy + line_h / 2;
    double sx = x + sym / 2 - 3;
    switch (it->kind) {
    case PL__LEG_MARK:
      pl__fig_mark(f, it->shape, sx, mid, it->size > 0 ? it->size : 9,
                   it->fill, it->stroke, it->lw > 0 ? it->lw : 1, NULL);
      break;
    case PL__LEG_LINE:
      pl__fig_line(f, x, mid, x + sym - 6, mid, it->stroke,
                   it->lw > 0 ? it->lw : 1.5, it->dash);
      if (it->shape_too)
        pl__fig_mark(f, it->shape, sx, mid, it->size > 0 ? it->size : 7,
                     it->fill, PL__NONE, 0, NULL);
      break;
    case PL__LEG_SWATCH:
      pl__fig_rect(f, x + 2, mid - 6, sym - 10, 12, PL__NONE, it->fill, 0);
      break;
    default:
      break;
    }
    pl__text_style ts = {.size = size, .bold = it->kind == PL__LEG_HEADING,
                         .vcenter = true,
                         .color = PL__RGB(it->kind == PL__LEG_NOTE ? PL__MUTED
                                                                  : PL__INK)};
    for (int j = 0; j < nl; j++)
      pl__fig_text(f, plain ? x : x + sym, mid + j * line_h, lines[j], &ts);
    cy += h + 5;
  }
  pl__fig_end(f);
  return cy - y;
}

void pl__boxes_add(pl__boxes *b, double x0, double y0, double x1, double y1) {
  if (b->n == PL__MAX_BOXES) return;
  double *r = b->r[b->n++];
  r[0] = x0;
  r[1] = y0;
  r[2] = x1;
  r[3] = y1;
}

/* How much of r the boxes already cover (0: free). */
static double overlap(const pl__boxes *b, const double *r) {
  double area = 0;
  for (int k = 0; k < b->n; k++) {
    const double *q = b->r[k];
    double w = fmin(r[2], q[2]) - fmax(r[0], q[0]);
    double h = fmin(r[3], q[3]) - fmax(r[1], q[1]);
    if (w > 0 && h > 0) area += w * h;
  }
  return area;
}

void pl__place_label(pl_figure *f, pl__boxes *b, const pl__panel *p, double x,
                     double y, double r, const char *text,
                     const pl__text_style *st) {
  double w = pl__fig_text_width(f, text, st->size, st->bold);
  double h = st->size * 1.15, gap = 5;
  /* candidate boxes: right, left, above, below, then the diagonals, then
   * the same further away; the first free one inside the panel wins, else
   * the one inside the panel that covers the least */
  static const double dirs[8][2] = {{1, 0},  {-1, 0}, {0, -1}, {0, 1},
                                    {1, -1}, {1, 1},  {-1, -1}, {-1, 1}};
  double best[4] = {0};
  double least = -1;
  for (int ring = 0; ring < 3 && least != 0; ring++) {
    double d = r + gap + ring * 14;
    for (int k = 0; k < 8 && least != 0; k++) {
      double cx = x + dirs[k][0] * d, cy = y + dirs[k][1] * d;
      double bx = dirs[k][0] > 0 ? cx : dirs[k][0] < 0 ? cx - w : cx - w / 2;
      double by = dirs[k][1] > 0 ? cy : dirs[k][1] < 0 ? cy - h : cy - h / 2;
      double box[4] = {bx, by, bx + w, by + h};
      bool inside = box[0] >= p->x + 2 && box[2] <= p->x + p->w - 2 &&
                    box[1] >= p->y + 2 && box[3] <= p->y + p->h - 2;
      if (!inside) continue;
      double o = overlap(b, box) + ring * 40.0; /* nearer is better */
      if (!overlap(b, box)) o = 0;
      if (least < 0 || o < least) {
        least = o;
        memcpy(best, box, sizeof box);
      }
    }
  }
  if (least < 0) { /* nowhere inside: to the right, or to the left */
    best[0] = x + r + gap;
    if (best[0] + w > p->x + p->w - 2) best[0] = x - r - gap - w;
    best[1] = y - h / 2;
    best[2] = best[0] + w;
    best[3] = best[1] + h;
  }
  pl__boxes_add(b, best[0], best[1], best[2], best[3]);
  pl__text_style ts = *st;
  ts.anchor = PL__START;
  ts.vcenter = true;
  ts.halo = true;
  pl__fig_text(f, best[0], (best[1] + best[3]) / 2, text, &ts);
}

const char *pl__package_title(pl_figure *f, const pl_scenario *s,
                              const uint32_t *o, const double *u,
                              const char *head, const char *note) {
  pl__buf b = {0};
  if (head) {
    pl__buf_put(&b, head, strlen(head));
    pl__buf_put(&b, "\n", 1);
  }
  int ni = pl_scenario_issue_count(s), np = pl_scenario_party_count(s);
  for (int i = 0; i < ni; i++) {
    const char *id = pl_scenario_issue_id(s, i);
    const char *v = o[i] == PL_NOT_AGREED ? "(status quo)"
                                          : pl_scenario_option_id(s, i, o[i]);
    pl__buf_put(&b, id, strlen(id));
    pl__buf_put(&b, " = ", 3);
    pl__buf_put(&b, v, strlen(v));
    pl__buf_put(&b, "\n", 1);
    if (b.n > 1500 && i + 1 < ni) {
      char more[64];
      int len = snprintf(more, sizeof more, "(and %d more issues)\n", ni - i - 1);
      pl__buf_put(&b, more, (size_t)len);
      break;
    }
  }
  for (int p = 0; p < np && p < 16; p++) {
    char item[300];
    double up = u ? u[p] : pl_scenario_utility(s, p, o);
    int len = snprintf(item, sizeof item, "%s%s %.3f", p ? " \xc2\xb7 " : "",
                       pl_scenario_party_id(s, p), up);
    pl__buf_put(&b, item, (size_t)len);
  }
  if (note) {
    pl__buf_put(&b, "\n", 1);
    pl__buf_put(&b, note, strlen(note));
  }
  const char *out = b.bad ? NULL : pl__fig_strdup(f, b.p ? b.p : "");
  if (b.bad) f->nomem = true;
  pl__free(b.p);
  return out;
}

const char *pl__party_label(const pl_scenario *s, int party) {
  const char *name = pl_scenario_party_name(s, party);
  return name && *name ? name : pl_scenario_party_id(s, party);
}

void pl__count_words(char *buf, size_t size, uint64_t n) {
  if (n >= 1000000000000ull) {
    snprintf(buf, size, "%.1e", (double)n);
    return;
  }
  char digits[32];
  int len = snprintf(digits, sizeof digits, "%llu", (unsigned long long)n);
  size_t j = 0;
  for (int k = 0; k < len && j + 2 < size; k++) {
    if (k && (len - k) % 3 == 0) buf[j++] = ',';
    buf[j++] = digits[k];
  }
  buf[j] = 0;
}

void pl__utility_plane(pl_figure *f, const pl__panel *p, const pl_scenario *s,
                       int px, int py, const char *id, const char *cls) {
  char xl[300], yl[300];
  snprintf(xl, sizeof xl, "utility for %s", pl__party_label(s, px));
  snprintf(yl, sizeof yl, "utility for %s", pl__party_label(s, py));
  pl__fig_group(f, id, cls, NULL);
  double ticks[8];
  int nt = pl__ticks(0, 1, 5, ticks, 8);
  pl__axes(f, p, xl, yl, ticks, nt, ticks, nt);
  pl__fig_group_clip(f, NULL, "data", p->x, p->y, p->w, p->h);
}
