/* Internal queries on a session, for tests and for other parts of the
 * library. */
#ifndef PL_SESSION_INTERNAL_H
#define PL_SESSION_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "parley/session.h"

/* The work the agents did so far: outcomes walked, and utility
 * evaluations building a non-linear party's pool (agent.h, visited). */
uint64_t pl__session_work(const pl_session *x);

/* Event k of the transcript as one JSON line without its newline, exactly
 * as pl_session_transcript writes it; free() it (jansson's allocator), NULL
 * when out of memory. */
char *pl__session_event_line(const pl_session *x, size_t k);

/* The party's agent waits without limit (options.move_limit does not
 * apply to it): the learner's seat of a stepped negotiation (env.c),
 * whose answers come when the caller steps. */
void pl__session_no_move_limit(pl_session *x, int party);

/* Moves x's event arrays, emptied, to y, a new session of the same
 * scenario that has recorded nothing yet (else nothing moves); x must be
 * freed next. Episodes one after another (env.c) then grow no arrays
 * again: freeing and re-growing them made glibc trim and re-fault the
 * heap, a third of a step's time at 1,000 rounds (bench_env). */
void pl__session_take_events(pl_session *y, pl_session *x);

#endif
