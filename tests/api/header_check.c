/* The public header must compile on its own as strict C17 and as C++
 * (tests/CMakeLists.txt compiles this file both ways). */
#include <parley/parley.h> /* with parley/sequence.h and tournament.h */

int pl_header_check(void);
int pl_header_check(void) {
  pl_error err;
  err.code = PL_OK;
  pl_order_kind k = PL_ORDER_SAFEST;
  pl_job job;
  job.parties = 0;
  return err.code + PL_VERSION_NUM * 0 + (int)k * 0 + job.parties;
}
