/* What other parts of the library need from a session's internals. */
#ifndef PL_SESSION_INTERNAL_H
#define PL_SESSION_INTERNAL_H

#include <stddef.h>

#include "parley/session.h"

/* Event k of the transcript as one JSON line without its newline, exactly
 * as pl_session_transcript writes it; free() it (jansson's allocator), NULL
 * when out of memory. */
char *pl__session_event_line(const pl_session *x, size_t k);

#endif
