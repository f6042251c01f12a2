/* parley version numbers, for compile-time checks; pl_version() gives the
 * run-time one. */
#ifndef PARLEY_VERSION_H
#define PARLEY_VERSION_H

#define PL_VERSION_MAJOR 0
#define PL_VERSION_MINOR 1
#define PL_VERSION_PATCH 0
#define PL_VERSION_STRING "0.1.0"
/* One number that grows with every release: 0xMMmmpp. */
#define PL_VERSION_NUM                                                        \
  ((PL_VERSION_MAJOR << 16) | (PL_VERSION_MINOR << 8) | PL_VERSION_PATCH)

#endif
