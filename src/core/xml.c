/* libxml2 opened on first use: see xml.h. */
#define PL_XML_NO_RENAMES
#include "core/xml.h"

#include <pthread.h>
#include <stddef.h>

#include "core/dl.h"
#include "core/util.h"

#ifndef PL_LIBXML2_SONAME
#define PL_LIBXML2_SONAME "libxml2.so.2"
#endif

PL__XML_FUNCTIONS(PL__DL_CHECK) /* each entry has libxml2's prototype */

pl__xml_api pl__xml;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static char failure[300]; /* empty once loaded */

static void load(void) {
#define PL__XML_SYM(ret, name, params) {#name, offsetof(pl__xml_api, name)},
  static const pl__dl_sym syms[] = {
      PL__XML_FUNCTIONS(PL__XML_SYM){"xmlFree", offsetof(pl__xml_api, xmlFree)}};
#undef PL__XML_SYM
  pl__xml_api t;
  if (!pl__dl_table("libxml2", PL_LIBXML2_SONAME, syms,
                    sizeof syms / sizeof *syms, &t, failure, sizeof failure))
    return;
  t.xmlInitParser(); /* once, before any thread parses */
  pl__xml = t;
}

int pl__xml_open(pl_error *err) {
  pthread_once(&once, load);
  if (pl__xml.xmlInitParser) return PL_OK;
  return pl__err(err, PL_EUNSUPPORTED, "%s", failure);
}
