/* External agents over the wire protocol (ext.c, docs/agent-protocol.md):
 * what the fuzz target and the checker reach below the public API. */
#ifndef PL_EXT_H
#define PL_EXT_H

#include "agents/agent.h"

/* The protocol's version, in "settings" and "ready". */
#define PL_EXT_VERSION 1

/* The most negotiations one process may say it holds at once
 * ("sessions" in its "ready"). */
#define PL_EXT_MAX_SESSIONS 1000000

/* A tournament worker thread's pool of agent processes that serve several
 * negotiations (docs/agent-protocol.md): between begin and end, an
 * external agent whose process declared "sessions" in its handshake is
 * kept, and the thread's next negotiations of the same spec go to it; end
 * closes their input and kills and reaps them. begin is false when the
 * thread has a pool already (then leave it to its owner to end). */
bool pl__ext_pool_begin(void);
void pl__ext_pool_end(void);

/* An empty recording of np parties, and a message added to it (dir 0 to
 * the agent, 1 from it). A party with no messages to the agent is
 * replayed without comparing what the engine sends. */
int pl__recording_new(int np, pl_recording **out);
int pl__recording_add(pl_recording *r, int dir, int party, const char *line,
                      size_t len);

#endif
