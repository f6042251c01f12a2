/* The public headers must compile on their own as strict C17 and as C++
 * (tests/CMakeLists.txt compiles this file both ways, once with the
 * umbrella parley.h and once with each per-concept header as PL_HEADER). */
#ifdef PL_HEADER
#include PL_HEADER
#include PL_HEADER /* twice: the include guard holds */
#else
#include <parley/parley.h>
#endif

int pl_header_check(void);
#if defined(PL_HEADER)
int pl_header_check(void) {
  pl_error err;
  err.code = PL_OK;
  return err.code + PL_VERSION_NUM * 0;
}
#else
int pl_header_check(void) {
  pl_error err;
  err.code = PL_OK;
  pl_order_kind k = PL_ORDER_SAFEST;
  pl_job job;
  job.parties = 0;
  return err.code + PL_VERSION_NUM * 0 + (int)k * 0 + job.parties;
}
#endif
