/* The cairo module (parley-cairo.so): everything parley draws with cairo
 * -- PNG and PDF, the PNG pictures inside SVG and HTML, and the text
 * metrics every figure is laid out with -- in a module of its own, which
 * the library opens (dlopen) the first time a figure is made, so that
 * commands without pictures never load cairo and its ~20 libraries
 * (docs/architecture.md, "Start-up"). The module links cairo only, not
 * libparley: what it needs of the library comes in pl__cairo_host. */
#ifndef PL_CAIRO_MODULE_H
#define PL_CAIRO_MODULE_H

#include <stddef.h>
#include <stdint.h>

#include "report/figure.h"

/* Raised whenever pl__cairo_api or the figure's layout changes. */
#define PL__CAIRO_ABI 1
#define PL__CAIRO_MODULE "parley-cairo.so"
#define PL__CAIRO_ENTRY "pl__cairo_module"

/* Bytes out: 0 when taken, else the output has failed (out of memory). */
typedef int (*pl__cairo_put)(void *ctx, const unsigned char *data,
                             unsigned int n);

typedef struct pl__cairo_host {
  int (*shape_polygon)(pl__shape shape, double x, double y, double size,
                       double *pts);
} pl__cairo_host;

typedef struct pl__cairo_api {
  int abi;                           /* PL__CAIRO_ABI */
  size_t figure_size, item_size;     /* the layouts it was built with */
  /* The figure as PNG (pdf 0, pixels = CSS pixels x scale) or PDF: 0 done,
   * 1 out of memory, 2 cairo failed (why says how). */
  int (*render)(const pl_figure *f, int pdf, double scale, pl__cairo_put put,
                void *ctx, const char **why);
  /* ARGB32 premultiplied pixels as a PNG: 0 done, else failed. */
  int (*png)(const uint32_t *pixels, int pw, int ph, pl__cairo_put put,
             void *ctx);
  /* Width of text in CSS pixels with the figure font; *measure is the
   * context it keeps (NULL at first; freed with measure_free). A negative
   * width: cairo failed. */
  double (*text_width)(void **measure, const char *text, double size,
                       int bold);
  void (*measure_free)(void *measure);
} pl__cairo_api;

/* The module's one entry point. */
typedef const pl__cairo_api *(*pl__cairo_entry)(const pl__cairo_host *host);

/* In the library (render_cairo.c): the module's table, opened once; NULL
 * with err filled (PL_EUNSUPPORTED, saying why) when it cannot be. */
const pl__cairo_api *pl__cairo(pl_error *err);

#endif
