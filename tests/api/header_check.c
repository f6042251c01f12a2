/* The public header must compile on its own as strict C17 and as C++
 * (tests/CMakeLists.txt compiles this file both ways). */
#include <parley/parley.h>

int pl_header_check(void);
int pl_header_check(void) {
  pl_error err;
  err.code = PL_OK;
  return err.code + PL_VERSION_NUM * 0;
}
