/* Picture options and formats: shared helpers of every layer of
 * src/report/ (the bottom layer, with figure.c; docs/architecture.md). */
#include <string.h>
#include <strings.h>

#include "core/util.h"
#include "report/figure.h"

const char *pl_plot_format_name(pl_plot_format fmt) {
  switch (fmt) {
  case PL_PLOT_SVG: return "svg";
  case PL_PLOT_PNG: return "png";
  case PL_PLOT_PDF: return "pdf";
  }
  return "unknown";
}

int pl_plot_format_from_path(const char *path, pl_plot_format *out,
                             pl_error *err) {
  const char *slash = path ? strrchr(path, '/') : NULL;
  const char *dot = path ? strrchr(slash ? slash : path, '.') : NULL;
  static const pl_plot_format all[] = {PL_PLOT_SVG, PL_PLOT_PNG, PL_PLOT_PDF};
  for (size_t k = 0; dot && k < sizeof all / sizeof *all; k++)
    if (!strcasecmp(dot + 1, pl_plot_format_name(all[k]))) {
      *out = all[k];
      return PL_OK;
    }
  return pl__err_at(err, PL_EUNSUPPORTED, path ? path : "", 0, 0,
                    "unknown picture format: the file name must end in "
                    ".svg, .png or .pdf");
}

void pl_plot_options_init(pl_plot_options *o) {
  memset(o, 0, sizeof *o);
  o->struct_size = sizeof *o;
  o->scale = 2;
  o->max_points = 20000;
  o->max_outcomes = 1000000;
  o->sample = 200000;
  o->seed = 0;
  o->order = PL_ORDER_RECOMMENDED;
}

void pl__plot_options(const pl_plot_options *in, pl_plot_options *out) {
  pl_plot_options_init(out);
  PL__OPTIONS_COPY(out, in);
  if (!(out->scale >= 0.5 && out->scale <= 8)) out->scale = 2;
  if (!out->max_outcomes) out->max_outcomes = 1;
  if (!out->sample) out->sample = 1;
  if (out->order < 0 || out->order > PL_ORDER_TRANCHED)
    out->order = PL_ORDER_RECOMMENDED;
}
