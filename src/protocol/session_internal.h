/* Internal queries on a session, for tests. */
#ifndef PL_SESSION_INTERNAL_H
#define PL_SESSION_INTERNAL_H

#include <stdint.h>

#include "parley/session.h"

/* The work the agents did so far: outcomes walked, and utility
 * evaluations building a non-linear party's pool (agent.h, visited). */
uint64_t pl__session_work(const pl_session *x);

#endif
