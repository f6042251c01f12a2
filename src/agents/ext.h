/* External agents over the wire protocol (ext.c, docs/agent-protocol.md):
 * what the fuzz target and the checker reach below the public API. */
#ifndef PL_EXT_H
#define PL_EXT_H

#include "agents/agent.h"

/* The protocol's version, in "settings" and "ready". */
#define PL_EXT_VERSION 1

/* An empty recording of np parties, and a message added to it (dir 0 to
 * the agent, 1 from it). A party with no messages to the agent is
 * replayed without comparing what the engine sends. */
int pl__recording_new(int np, pl_recording **out);
int pl__recording_add(pl_recording *r, int dir, int party, const char *line,
                      size_t len);

#endif
