/* libxml2 opened on first use: see xml.h. */
#define PL_XML_NO_RENAMES
#include "core/xml.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "core/util.h"

#ifndef PL_LIBXML2_SONAME
#define PL_LIBXML2_SONAME "libxml2.so.2"
#endif

/* Each entry of the table has libxml2's own prototype: checked here,
 * without a reference to libxml2 (the controlling expression of _Generic
 * is not evaluated). */
#define PL__XML_CHECK(ret, name, params)                                  \
  _Static_assert(_Generic(&name, ret(*) params: 1, default: 0),         \
                 "the prototype of " #name " differs from libxml2's");
PL__XML_FUNCTIONS(PL__XML_CHECK)
#undef PL__XML_CHECK

pl__xml_api pl__xml;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static char failure[300]; /* empty once loaded */

static void load(void) {
  void *h = dlopen(PL_LIBXML2_SONAME, RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    snprintf(failure, sizeof failure, "libxml2 cannot be loaded: %s",
             dlerror());
    return;
  }
  pl__xml_api t;
  const char *missing = NULL;
  /* dlsym gives a void *; a function pointer is copied out of it, the way
   * POSIX documents (dlsym, "Application usage") */
#define PL__XML_SYM(ret, name, params)                                    \
  {                                                                       \
    void *p = dlsym(h, #name);                                            \
    if (!p && !missing) missing = #name;                                  \
    memcpy(&t.name, &p, sizeof p);                                        \
  }
  PL__XML_FUNCTIONS(PL__XML_SYM)
#undef PL__XML_SYM
  t.xmlFree = dlsym(h, "xmlFree");
  if (!t.xmlFree && !missing) missing = "xmlFree";
  if (missing) {
    snprintf(failure, sizeof failure,
             "libxml2 (" PL_LIBXML2_SONAME ") has no %s", missing);
    dlclose(h);
    return;
  }
  t.xmlInitParser(); /* once, before any thread parses */
  pl__xml = t;
}

int pl__xml_open(pl_error *err) {
  pthread_once(&once, load);
  if (pl__xml.xmlInitParser) return PL_OK;
  return pl__err(err, PL_EUNSUPPORTED, "%s", failure);
}
