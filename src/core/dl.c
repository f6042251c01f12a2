/* Libraries opened on first use: see dl.h. */
#include "core/dl.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

void *pl__dl_table(const char *what, const char *soname,
                   const pl__dl_sym *syms, size_t n, void *table,
                   char *failure, size_t size) {
  void *h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    snprintf(failure, size, "%s cannot be loaded: %s", what, dlerror());
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
