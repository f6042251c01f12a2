/* The renderers (render_svg.c, render_cairo.c): the middle layer of
 * src/report/, beside the plots (docs/architecture.md). */
#ifndef PL_RENDER_H
#define PL_RENDER_H

#include "report/figure.h"

/* Back ends. SVG: standalone adds the XML declaration and the namespace
 * (a file); without it the element is for inline use in HTML, and every id
 * starts with prefix (may be NULL) so that several pictures can share a
 * page. */
int pl__render_svg(const pl_figure *f, bool standalone, const char *prefix,
                   char **data, size_t *len, pl_error *err);
int pl__render_cairo(const pl_figure *f, pl_plot_format format, double scale,
                     char **data, size_t *len, pl_error *err);
/* A PNG of ARGB32 pixels as base64 text (pl__free), for data: URIs. */
char *pl__png_base64(const uint32_t *pixels, int pw, int ph);

#endif
