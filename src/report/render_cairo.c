/* PNG and PDF through the cairo module (cairo_module.h): where it is, how
 * it is opened (once, on the first figure), and the library's calls that
 * use it. */
#define _GNU_SOURCE /* dladdr */
#include <dlfcn.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/dl.h"
#include "core/util.h"
#include "report/cairo_module.h"
#include "report/render.h"

#ifndef PL_MODULE_DIR
#define PL_MODULE_DIR "/usr/local/lib/parley"
#endif

static const pl__cairo_host host = {pl__shape_polygon};
static pthread_once_t once = PTHREAD_ONCE_INIT;
static const pl__cairo_api *api;
static char why[512];

/* Where the module may be, in order: $PARLEY_MODULE_DIR alone when set;
 * else next to the code of this library (the build tree, or a libdir
 * holding both), then the installed module folder. k-th candidate into
 * buf; 0 when there is one. */
static int candidate(int k, char *buf, size_t size) {
  const char *env = getenv("PARLEY_MODULE_DIR");
  const char *dir = NULL;
  char self[PATH_MAX];
  int n = -1;
  if (env) {
    if (k > 0) return -1;
    dir = env;
  } else if (k == 0) {
    /* the shared object's file; in a statically linked executable, where
     * dladdr knows no file, the executable's */
    Dl_info info;
    if (dladdr((void *)&candidate, &info) && info.dli_fname &&
        strchr(info.dli_fname, '/')) {
      dir = info.dli_fname;
    } else {
      ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
      if (len > 0) {
        self[len] = 0;
        dir = self;
      }
    }
    const char *slash = dir ? strrchr(dir, '/') : NULL;
    if (!slash) return 1;
    n = (int)(slash - dir);
  } else if (k == 1) {
    dir = PL_MODULE_DIR;
  } else {
    return -1;
  }
  if (n < 0) n = (int)strlen(dir);
  int len = snprintf(buf, size, "%.*s/%s", n, dir, PL__CAIRO_MODULE);
  return len > 0 && (size_t)len < size ? 0 : 1;
}

static void open_module(void) {
  char path[PATH_MAX];
  why[0] = 0;
  for (int k = 0;; k++) {
    int c = candidate(k, path, sizeof path);
    if (c < 0) break;
    if (c > 0 || access(path, F_OK) != 0) continue;
    char failure[400];
    void *h = pl__dlopen(path, failure, sizeof failure);
    if (!h) {
      if (!why[0]) snprintf(why, sizeof why, "%s", failure);
      continue;
    }
    pl__cairo_entry entry = NULL;
    void *sym = dlsym(h, PL__CAIRO_ENTRY);
    if (sym) memcpy(&entry, &sym, sizeof entry); /* no object-to-function cast in ISO C */
    const pl__cairo_api *a = entry ? entry(&host) : NULL;
    if (a && a->abi == PL__CAIRO_ABI && a->figure_size == sizeof(pl_figure) &&
        a->item_size == sizeof(pl__fig_item)) {
      api = a; /* the module stays open for the process */
      return;
    }
    dlclose(h);
    if (!why[0])
      snprintf(why, sizeof why, "%.400s is another version's", path);
  }
  if (why[0]) return;
  const char *env = getenv("PARLEY_MODULE_DIR");
  if (env)
    snprintf(why, sizeof why, "no %s in $PARLEY_MODULE_DIR (%.400s)",
             PL__CAIRO_MODULE, env);
  else
    snprintf(why, sizeof why, "no %s next to libparley or in %s",
             PL__CAIRO_MODULE, PL_MODULE_DIR);
}

const pl__cairo_api *pl__cairo(pl_error *err) {
  pthread_once(&once, open_module);
  if (!api)
    pl__err(err, PL_EUNSUPPORTED,
            "pictures need parley's cairo module, which cannot be loaded: "
            "%s",
            why);
  return api;
}

int pl_pictures_available(void) {
  char path[PATH_MAX];
  for (int k = 0;; k++) {
    int c = candidate(k, path, sizeof path);
    if (c < 0) return 0;
    if (c == 0 && access(path, R_OK) == 0) return 1;
  }
}

static int put(void *ctx, const unsigned char *data, unsigned int n) {
  pl__buf *b = ctx;
  pl__buf_put(b, data, n);
  return b->bad;
}

int pl__render_cairo(const pl_figure *f, pl_plot_format format, double scale,
                     char **data, size_t *len, pl_error *err) {
  const pl__cairo_api *a = pl__cairo(err);
  if (!a) return PL_EUNSUPPORTED;
  pl__buf b = {0};
  const char *how = "";
  int rc = a->render(f, format == PL_PLOT_PDF, scale, put, &b, &how);
  if (rc == 1 || (rc == 0 && b.bad)) {
    pl__free(b.p);
    return pl__err(err, PL_ENOMEM, "out of memory");
  }
  if (rc) {
    pl__free(b.p);
    return pl__err(err, PL_EIO, "cairo: %s", how);
  }
  *data = b.p;
  *len = b.n;
  return PL_OK;
}

char *pl__png_base64(const uint32_t *pixels, int pw, int ph) {
  static const char digits[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const pl__cairo_api *a = pl__cairo(NULL);
  if (!a) return NULL;
  pl__buf png = {0};
  if (a->png(pixels, pw, ph, put, &png) || png.bad) {
    pl__free(png.p);
    return NULL;
  }
  size_t n = png.n, m = 4 * ((n + 2) / 3);
  char *out = pl__malloc(m + 1);
  if (out) {
    const unsigned char *s = (const unsigned char *)png.p;
    size_t j = 0;
    for (size_t i = 0; i < n; i += 3) {
      uint32_t v = (uint32_t)s[i] << 16;
      if (i + 1 < n) v |= (uint32_t)s[i + 1] << 8;
      if (i + 2 < n) v |= s[i + 2];
      out[j++] = digits[v >> 18 & 63];
      out[j++] = digits[v >> 12 & 63];
      out[j++] = i + 1 < n ? digits[v >> 6 & 63] : '=';
      out[j++] = i + 2 < n ? digits[v & 63] : '=';
    }
    out[j] = 0;
  }
  pl__free(png.p);
  return out;
}
