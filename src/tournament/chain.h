/* The chain of a signed results store (docs/records.md, "Tournament
 * stores"): every negotiation row committed is also an entry of a
 * parley-record-1 chain in the store's `chain` table, signed by the
 * tournament's key, so that `parley verify STORE` checks the rows with the
 * records' own verifier. */
#ifndef PL_TOURNAMENT_CHAIN_H
#define PL_TOURNAMENT_CHAIN_H

#include <sqlite3.h>

#include "records/records_internal.h"
#include "tournament/tournament_internal.h"

/* One negotiation row, as stored (NULL strings and NaN reals are SQL
 * NULL). agents, utilities and agreement are JSON text. */
typedef struct pl__trow {
  int64_t job, scenario, repetition, rounds;
  const char *seed, *agents, *ended_by, *agreement, *utilities, *error;
  double wall_time, distance_pareto, distance_nash, welfare;
} pl__trow;

/* The row's canonical serialisation, the body of its chain entry. */
int pl__trow_body(pl__rbuf *b, const pl__trow *r);

/* The writer's state (one writer: the store's). */
typedef struct pl__tchain {
  const pl_key *key; /* NULL: the store is not signed */
  uint32_t every;
  sqlite3_stmt *ins;
  uint64_t seq, n, count; /* next line, next entry, entries since a sig */
  uint8_t link[PL__HASH];
  uint64_t seq0, n0, count0; /* as committed */
  uint8_t link0[PL__HASH];
  rec_line held; /* the newest entry, signed or not when the next comes */
  bool holding, ended;
} pl__tchain;

/* Opens the chain of a store just opened (fresh: its tournament row was
 * made now). Without a key, a signed store is refused; with one, an
 * unsigned store holding results, or one signed by another key
 * (PL_ECONFLICT). A new chain gets its header and genesis. */
int pl__tchain_open(pl__tchain *c, sqlite3 *db, const pl_tournament *t,
                    const pl_key *key, uint32_t every, pl_error *err);
/* In the open transaction: the row's entry (after the row's insert). */
int pl__tchain_add(pl__tchain *c, const pl__trow *r, pl_error *err);
/* Before COMMIT: the held entry, signed (a checkpoint at every commit). */
int pl__tchain_seal(pl__tchain *c, pl_error *err);
void pl__tchain_committed(pl__tchain *c);
void pl__tchain_rolled_back(pl__tchain *c);
/* In the open transaction: the end entry (all rows in). */
int pl__tchain_end(pl__tchain *c, uint64_t rows, const char *when,
                   pl_error *err);
void pl__tchain_close(pl__tchain *c);

#endif
