/* parley tournament --mpi: rank 0 runs the store and hands out jobs in
 * small chunks on request (dynamic load balancing), with its own worker
 * thread(s) beside; every other rank asks for jobs, runs them and sends
 * the results back with its next request (docs/tournament.md). Results are
 * the threaded run's: a job's seed depends on its number only. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#ifndef PL_HAVE_MPI

/* The parley most commands run links no Open MPI (its ~15 libraries cost
 * most of a start-up): `--mpi` runs the same command in parley-mpi, the
 * same CLI built with Open MPI, installed next to it (docs/architecture.md,
 * "Start-up"). main() calls cli_mpi_launch before anything else. */
#include <errno.h>
#include <limits.h>
#include <unistd.h>

int cli_has_mpi(void) { return cli_companion_exists("mpi"); }

int cli_mpi_launch(char **argv) {
  cli_companion_exec("mpi", argv);
  cli_error("--mpi: Open MPI is not available: no parley-mpi next to this "
            "parley (%s; install libopenmpi-dev and rebuild; 'parley "
            "version' says which)",
            strerror(errno));
  return EXIT_USAGE;
}

int cli_mpi_begin(int *rank) {
  *rank = 0;
  cli_error("--mpi: this parley was built without Open MPI (install "
            "libopenmpi-dev and rebuild; 'parley version' says which)");
  return EXIT_USAGE;
}
int cli_mpi_work(pl_tournament *t) {
  (void)t;
  return EXIT_RUNTIME;
}
int cli_mpi_serve(pl_run_options *o) {
  (void)o;
  return EXIT_RUNTIME;
}
void cli_mpi_end(int code) { (void)code; }

#else

#include <mpi.h>

int cli_has_mpi(void) { return 1; }
int cli_mpi_launch(char **argv) {
  (void)argv;
  return -1; /* this is the launcher: run here */
}

enum { TAG_ASK = 1, TAG_JOBS = 2, TAG_BYE = 3 };
/* Negotiations per chunk, and chunks a rank keeps asked for ahead: while
 * it works on one, the next is already on its way, so rank 0's reply
 * latency (its loop wakes every millisecond) is hidden. */
#define CHUNK 64
#define AHEAD 2

/* A buffer of packed results: (uint32 length, bytes)... */
typedef struct buf {
  unsigned char *b;
  size_t n, cap;
} buf;

static int buf_put(buf *o, const void *p, size_t n) {
  if (o->n + n > o->cap) {
    size_t cap = o->cap ? o->cap * 2 : 4096;
    while (cap < o->n + n) cap *= 2;
    unsigned char *b = realloc(o->b, cap);
    if (!b) return -1;
    o->b = b;
    o->cap = cap;
  }
  memcpy(o->b + o->n, p, n);
  o->n += n;
  return 0;
}

typedef struct server {
  int size;
  int active;       /* worker ranks that have not said goodbye */
  int *out;         /* jobs each rank holds */
  int outstanding;  /* their sum */
  unsigned char *in;
  size_t in_cap;
} server;

/* Rank 0's poll hook: answers every waiting request. */
static int serve(void *ctx, pl_runner *r) {
  server *sv = ctx;
  for (;;) {
    int flag = 0;
    MPI_Status st;
    MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st);
    if (!flag) break;
    if (st.MPI_TAG == TAG_BYE) {
      MPI_Recv(NULL, 0, MPI_BYTE, st.MPI_SOURCE, TAG_BYE, MPI_COMM_WORLD,
               MPI_STATUS_IGNORE);
      sv->active--;
      continue;
    }
    int len;
    MPI_Get_count(&st, MPI_BYTE, &len);
    if ((size_t)len > sv->in_cap) {
      unsigned char *b = realloc(sv->in, (size_t)len);
      if (!b) return PL_ENOMEM;
      sv->in = b;
      sv->in_cap = (size_t)len;
    }
    MPI_Recv(sv->in, len, MPI_BYTE, st.MPI_SOURCE, TAG_ASK, MPI_COMM_WORLD,
             MPI_STATUS_IGNORE);
    for (size_t at = 0; at + 4 <= (size_t)len;) {
      uint32_t n;
      memcpy(&n, sv->in + at, 4);
      at += 4;
      pl_job_result res;
      if (n > (size_t)len - at || pl_job_result_unpack(sv->in + at, n, &res))
        return PL_EPARSE;
      at += n;
      int rc = pl_runner_put(r, &res);
      pl_job_result_clear(&res);
      if (rc) return rc;
      sv->out[st.MPI_SOURCE]--;
      sv->outstanding--;
    }
    uint64_t jobs[CHUNK + 1];
    size_t n = pl_runner_take(r, jobs + 1, CHUNK);
    jobs[0] = n;
    MPI_Send(jobs, (int)(n + 1) * 8, MPI_BYTE, st.MPI_SOURCE, TAG_JOBS,
             MPI_COMM_WORLD);
    sv->out[st.MPI_SOURCE] += (int)n;
    sv->outstanding += (int)n;
  }
  return sv->outstanding + sv->active;
}

/* Every other rank: keep AHEAD requests out; run each chunk that comes
 * and send its results with the next request; once a chunk comes back
 * empty (replies come in order, so every later one is empty too), collect
 * the replies still due and say goodbye. Requests go out with MPI_Isend
 * from AHEAD buffers in turn: a request larger than the transport's eager
 * limit waits for rank 0 to receive it, and the rank works meanwhile. */
static int work(pl_tournament *t) {
  buf out[AHEAD] = {{0}};
  MPI_Request req[AHEAD];
  uint64_t jobs[CHUNK + 1];
  int asked = 0, next = 0, code = EXIT_OK;
  bool done = false;
  for (int k = 0; k < AHEAD; k++) {
    MPI_Isend(NULL, 0, MPI_BYTE, 0, TAG_ASK, MPI_COMM_WORLD, &req[k]);
    asked++;
  }
  while (asked > 0) {
    MPI_Recv(jobs, (CHUNK + 1) * 8, MPI_BYTE, 0, TAG_JOBS, MPI_COMM_WORLD,
             MPI_STATUS_IGNORE);
    asked--;
    if (jobs[0] == 0) done = true;
    if (done) continue;
    buf *o = &out[next];
    MPI_Wait(&req[next], MPI_STATUS_IGNORE); /* its last request is out */
    o->n = 0;
    for (uint64_t k = 1; k <= jobs[0] && k <= CHUNK && !code; k++) {
      pl_job_result res;
      pl_error err;
      if (pl_tournament_run_job(t, jobs[k], &res, &err)) {
        cli_report(&err);
        code = EXIT_RUNTIME;
        break;
      }
      size_t len;
      void *p = pl_job_result_pack(&res, &len);
      uint32_t n = (uint32_t)len;
      if (!p || buf_put(o, &n, 4) || buf_put(o, p, len)) {
        cli_error("out of memory");
        code = EXIT_RUNTIME;
      }
      pl_free(p);
      pl_job_result_clear(&res);
    }
    if (code) break;
    MPI_Isend(o->b, (int)o->n, MPI_BYTE, 0, TAG_ASK, MPI_COMM_WORLD,
              &req[next]);
    next = (next + 1) % AHEAD;
    asked++;
  }
  if (!code) {
    MPI_Waitall(AHEAD, req, MPI_STATUSES_IGNORE);
    MPI_Send(NULL, 0, MPI_BYTE, 0, TAG_BYE, MPI_COMM_WORLD);
  }
  for (int k = 0; k < AHEAD; k++) free(out[k].b);
  return code;
}

static server g_server; /* rank 0's, while the tournament runs */

int cli_mpi_begin(int *rank) {
  int provided, size;
  MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided);
  MPI_Comm_rank(MPI_COMM_WORLD, rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  g_server = (server){size, size - 1, calloc((size_t)size, sizeof(int)), 0,
                      NULL, 0};
  if (!g_server.out) {
    cli_error("out of memory");
    return EXIT_RUNTIME;
  }
  return EXIT_OK;
}

int cli_mpi_work(pl_tournament *t) { return work(t); }

int cli_mpi_serve(pl_run_options *o) {
  o->poll = serve;
  o->poll_ctx = &g_server;
  return EXIT_OK;
}

void cli_mpi_end(int code) {
  free(g_server.out);
  free(g_server.in);
  if (code) MPI_Abort(MPI_COMM_WORLD, code);
  MPI_Finalize();
}

#endif
