/* The public picture calls (the top layer of src/report/, with
 * report_html.c; docs/architecture.md): a figure rendered in a format, in
 * memory or to a file, and the shortcuts that build, write and free one. */
#include "core/util.h"
#include "io/formats.h"
#include "report/render.h"

double pl_figure_width(const pl_figure *f) { return f ? f->width : 0; }
double pl_figure_height(const pl_figure *f) { return f ? f->height : 0; }

int pl_figure_render(const pl_figure *f, pl_plot_format format,
                     const pl_plot_options *o, char **data, size_t *len,
                     pl_error *err) {
  *data = NULL;
  *len = 0;
  if (!f) return pl__err(err, PL_EINVAL, "no figure");
  if (f->nomem) return pl__err(err, PL_ENOMEM, "out of memory");
  pl_plot_options opts;
  pl__plot_options(o, &opts);
  if (format == PL_PLOT_SVG) return pl__render_svg(f, true, NULL, data, len, err);
  if (format == PL_PLOT_PNG || format == PL_PLOT_PDF)
    return pl__render_cairo(f, format, opts.scale, data, len, err);
  return pl__err(err, PL_EINVAL, "unknown picture format %d", (int)format);
}

int pl_figure_write(const pl_figure *f, const char *path,
                    const pl_plot_options *o, pl_error *err) {
  pl_plot_format fmt;
  int rc = pl_plot_format_from_path(path, &fmt, err);
  if (rc) return rc;
  char *data;
  size_t len;
  rc = pl_figure_render(f, fmt, o, &data, &len, err);
  if (rc) return rc;
  rc = pl__write_file(path, data, len, err);
  pl__free(data);
  return rc;
}

int pl_plot_analysis(const pl_analysis *a, const char *path,
                     const pl_plot_options *o, pl_error *err) {
  pl_plot_format fmt;
  int rc = pl_plot_format_from_path(path, &fmt, err);
  pl_figure *f = NULL;
  if (!rc) rc = pl_figure_analysis(a, o, &f, err);
  if (!rc) rc = pl_figure_write(f, path, o, err);
  pl_figure_free(f);
  return rc;
}

int pl_plot_session(const pl_scenario *s, const pl_session *x,
                    const pl_analysis *a, const char *path,
                    const pl_plot_options *o, pl_error *err) {
  pl_plot_format fmt;
  int rc = pl_plot_format_from_path(path, &fmt, err);
  pl_figure *f = NULL;
  if (!rc) rc = pl_figure_session(s, x, a, o, &f, err);
  if (!rc) rc = pl_figure_write(f, path, o, err);
  pl_figure_free(f);
  return rc;
}

int pl_plot_sequence(const pl_sequence *r, const char *path,
                     const pl_plot_options *o, pl_error *err) {
  pl_plot_format fmt;
  int rc = pl_plot_format_from_path(path, &fmt, err);
  pl_figure *f = NULL;
  if (!rc) rc = pl_figure_sequence(r, o, &f, err);
  if (!rc) rc = pl_figure_write(f, path, o, err);
  pl_figure_free(f);
  return rc;
}
