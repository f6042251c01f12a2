/* Libraries opened on first use: see dl.h. */
#include "core/dl.h"

#include <dlfcn.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>

#ifdef PL_NO_MODULES
/* The statically linked parley (docs/architecture.md, "Start-up") has no
 * dynamic loader: glibc's dlopen there would map a second libc beside the
 * one linked in, and a plug-in could not bind to the library inside the
 * executable. Its launcher hands such command lines to parley-dl; should
 * one get through, this says why rather than loading anything. */
static const char no_modules[] =
    "this parley is linked statically and opens no shared object (its "
    "companion parley-dl does)";

/* Linked with --wrap=dlopen, every call of dlopen in the executable lands
 * here: also SQLite's loader of extensions, which parley never enables.
 * (glibc's own loading of its modules, for name lookups and iconv, takes
 * an internal path; parley calls neither here, see pl__getaddrinfo.) */
void *__wrap_dlopen(const char *path, int flags);
void *__wrap_dlopen(const char *path, int flags) {
  (void)path, (void)flags;
  return NULL;
}
#endif

void *pl__dlopen(const char *path, char *failure, size_t size) {
#ifdef PL_NO_MODULES
  (void)path;
  snprintf(failure, size, "%s", no_modules);
  return NULL;
#else
  void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!h) snprintf(failure, size, "%s", dlerror());
  return h;
#endif
}

const char *pl__getaddrinfo(const char *host, const char *port,
                            const struct addrinfo *hints,
                            struct addrinfo **res) {
#ifdef PL_NO_MODULES
  /* glibc looks host names up through modules it opens (NSS) */
  (void)host, (void)port, (void)hints;
  *res = NULL;
  return no_modules;
#else
  int rc = getaddrinfo(host, port, hints, res);
  return rc ? gai_strerror(rc) : NULL;
#endif
}

void *pl__dl_table(const char *what, const char *soname,
                   const pl__dl_sym *syms, size_t n, void *table,
                   char *failure, size_t size) {
  char why[400];
  void *h = pl__dlopen(soname, why, sizeof why);
  if (!h) {
    snprintf(failure, size, "%s cannot be loaded: %s", what, why);
    return NULL;
  }
  /* every name first, so that a missing one leaves the table untouched;
   * nothing is allocated (pl__malloc may be failing on purpose in a test,
   * and a library is opened once per process) */
  for (size_t k = 0; k < n; k++) {
    if (!dlsym(h, syms[k].name)) {
      snprintf(failure, size, "%s (%s) has no %s", what, soname, syms[k].name);
      dlclose(h);
      return NULL;
    }
  }
  /* dlsym gives a void *; a function pointer is copied out of it, the way
   * POSIX documents (dlsym, "Application usage") */
  for (size_t k = 0; k < n; k++) {
    void *p = dlsym(h, syms[k].name);
    memcpy((char *)table + syms[k].offset, &p, sizeof p);
  }
  return h;
}
