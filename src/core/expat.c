/* expat opened on first use: see expat.h. */
#define PL_EXPAT_NO_RENAMES
#include "core/expat.h"

#include <pthread.h>
#include <stddef.h>

#include "core/dl.h"
#include "core/util.h"

#ifndef PL_EXPAT_SONAME
#define PL_EXPAT_SONAME "libexpat.so.1"
#endif

PL__EXPAT_FUNCTIONS(PL__DL_CHECK) /* each entry has expat's prototype */

pl__expat_api pl__expat;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static char failure[300];

static void load(void) {
#ifdef PL_EXPAT_STATIC
  /* linked in (the CLI, CMakeLists.txt): the table holds expat's own
   * functions, nothing to open */
#define PL__EXPAT_SET(ret, name, params) pl__expat.name = name;
  PL__EXPAT_FUNCTIONS(PL__EXPAT_SET)
#undef PL__EXPAT_SET
#else
#define PL__EXPAT_SYM(ret, name, params) {#name, offsetof(pl__expat_api, name)},
  static const pl__dl_sym syms[] = {PL__EXPAT_FUNCTIONS(PL__EXPAT_SYM)};
#undef PL__EXPAT_SYM
  pl__expat_api t;
  if (pl__dl_table("expat", PL_EXPAT_SONAME, syms, sizeof syms / sizeof *syms,
                   &t, failure, sizeof failure))
    pl__expat = t;
#endif
}

int pl__expat_open(pl_error *err) {
  pthread_once(&once, load);
  if (pl__expat.XML_Parse) return PL_OK;
  return pl__err(err, PL_EUNSUPPORTED, "%s", failure);
}
