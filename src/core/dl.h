/* Libraries opened on first use (docs/architecture.md, "Start-up"): a
 * table of function pointers filled with dlopen and dlsym. core/xml.[ch]
 * (libxml2, for writing) and core/expat.[ch] (expat, for reading GENIUS
 * files) each keep one. */
#ifndef PL_CORE_DL_H
#define PL_CORE_DL_H

#include <stddef.h>

struct addrinfo;

/* dlopen(path, RTLD_NOW | RTLD_LOCAL), or NULL with dlerror()'s message in
 * failure[size]. Every shared object the library opens is opened here:
 * built with PL_NO_MODULES (the statically linked parley) it opens none
 * and says so. */
void *pl__dlopen(const char *path, char *failure, size_t size);

/* getaddrinfo(3): NULL, or what failed (gai_strerror's message; with
 * PL_NO_MODULES always a failure, as glibc resolves names through modules
 * it opens). */
const char *pl__getaddrinfo(const char *host, const char *port,
                            const struct addrinfo *hints,
                            struct addrinfo **res);

/* One entry of a table: the symbol's name and the offset of its slot. */
typedef struct pl__dl_sym {
  const char *name;
  size_t offset;
} pl__dl_sym;

/* Opens `soname` and fills the n slots of *table (a struct of pointers)
 * with its symbols. Returns the library's handle, or NULL with a message
 * naming `what` in failure[size] ("libxml2 cannot be loaded: ...",
 * "libxml2 (libxml2.so.2) has no xmlFree"); then *table is untouched. */
void *pl__dl_table(const char *what, const char *soname,
                   const pl__dl_sym *syms, size_t n, void *table,
                   char *failure, size_t size);

/* For a list macro of (ret, name, params) entries: a compile-time check
 * that the library's header gives each function the prototype the table
 * assumes, without a reference to the library (the controlling expression
 * of _Generic is not evaluated). */
#define PL__DL_CHECK(ret, name, params)                                   \
  _Static_assert(_Generic(&name, ret(*) params: 1, default: 0),         \
                 "the prototype of " #name " differs from its library's");

#endif
