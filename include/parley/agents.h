/*
 * agents.h — agents written outside the library: the plug-in table
 * (docs/negotiation.md).
 *
 * The conventions of core.h hold for every call declared here.
 */
#ifndef PARLEY_AGENTS_H
#define PARLEY_AGENTS_H

#include "parley/scenario.h"

#ifdef __cplusplus
extern "C" {
#endif

/* --- plug-in agents ----------------------------------------------------
 * A shared object exporting `const pl_agent_api *parley_agent(void)`,
 * named in an agents list by a path containing '/' (".../agent.so", with
 * optional ":params" after it). The table starts with abi_version and
 * struct_size so that later versions can grow it. The engine checks every
 * answer: an error, options out of range, or an offer or acceptance that
 * breaks the party's red lines or reservation ends the negotiation with
 * PL_END_FAILURE naming the party; the plug-in is not called again. A
 * plug-in runs in the engine's process (isolation in worker processes is
 * the tournament's). Example: examples/agents/. */
#define PL_AGENT_ABI_VERSION 1
#define PL_AGENT_END 2 /* from propose or respond: end the negotiation */
typedef struct pl_agent_api {
  uint32_t abi_version; /* PL_AGENT_ABI_VERSION */
  uint32_t struct_size; /* sizeof(pl_agent_api) */
  /* A new agent for `party` (params: the text after ':', or ""); NULL
   * fails the negotiation before it starts. */
  void *(*create)(const pl_scenario *s, int party, const char *params,
                  uint64_t seed);
  /* Its offer at normalised time t: fill options (issue_count entries);
   * return 0, PL_AGENT_END to walk out, or another value for an error. */
  int (*propose)(void *agent, double t, uint32_t *options);
  /* 1 to accept the offer, 0 to reject it, PL_AGENT_END to walk out,
   * negative for an error. */
  int (*respond)(void *agent, double t, const uint32_t *offer);
  /* Another party offered this (may be NULL). */
  void (*observe)(void *agent, int party, const uint32_t *offer);
  void (*destroy)(void *agent);
} pl_agent_api;

#ifdef __cplusplus
}
#endif

#endif
