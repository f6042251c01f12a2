/*
 * parley.h — the public API of libparley, one header for all of it.
 *
 * Each concept has its own header, and each includes only what it needs:
 *
 *   core.h        status codes, pl_error, version, pl_free, PL_TOLERANCE,
 *                 and the conventions every call follows
 *   scenario.h    building, reading, writing and querying scenarios
 *   analysis.h    pl_analyze and its results
 *   mediation.h   what would unlock a deadlock, what improves a deal
 *   session.h     negotiations: protocols, agents, events, transcripts
 *   agents.h      the plug-in agent table
 *   env.h         a negotiation stepped by a learner (gym-like)
 *   sequence.h    implementation sequencing
 *   tournament.h  tournaments, their store and summaries
 *   report.h      pictures and the HTML report
 *   records.h     verifiable records: keys, signed transcripts, bundles
 *   table.h       a negotiation table for people and agents (parley serve)
 */
#ifndef PARLEY_H
#define PARLEY_H

#include "parley/core.h"
#include "parley/scenario.h"
#include "parley/analysis.h"
#include "parley/mediation.h"
#include "parley/agents.h"
#include "parley/session.h"
#include "parley/env.h"
#include "parley/sequence.h"
#include "parley/tournament.h"
#include "parley/report.h"
#include "parley/records.h"
#include "parley/table.h"

#endif
