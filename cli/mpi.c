/* parley tournament --mpi: rank 0 runs the store and hands out jobs in
 * small chunks on request (dynamic load balancing), with its own worker
 * thread(s) beside; every other rank asks for jobs, runs them and sends
 * the results back with its next request (docs/tournament.md). Results are
 * the threaded run's: a job's seed depends on its number only. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#ifndef PL_HAVE_MPI

int cli_has_mpi(void) { return 0; }

int cli_tournament_mpi(const char *config, const char *db, int threads,
                       int json, int quiet) {
  (void)config;
  (void)db;
  (void)threads;
  (void)json;
  (void)quiet;
  cli_error("--mpi: this parley was built without Open MPI (install "
            "libopenmpi-dev and rebuild; 'parley version' says which)");
  return EXIT_USAGE;
}

#else

#include <mpi.h>
#include <signal.h>
#include <unistd.h>

int cli_has_mpi(void) { return 1; }

enum { TAG_ASK = 1, TAG_JOBS = 2 };
#define CHUNK 8

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
  int active;       /* worker ranks not yet told to stop */
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
    MPI_Iprobe(MPI_ANY_SOURCE, TAG_ASK, MPI_COMM_WORLD, &flag, &st);
    if (!flag) break;
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
    if (!n) sv->active--;
  }
  return sv->outstanding + sv->active;
}

/* Every other rank: ask, run, send back with the next request. */
static int work(pl_tournament *t) {
  buf out = {0};
  uint64_t jobs[CHUNK + 1];
  for (;;) {
    MPI_Send(out.b, (int)out.n, MPI_BYTE, 0, TAG_ASK, MPI_COMM_WORLD);
    out.n = 0;
    MPI_Recv(jobs, (CHUNK + 1) * 8, MPI_BYTE, 0, TAG_JOBS, MPI_COMM_WORLD,
             MPI_STATUS_IGNORE);
    if (jobs[0] == 0) break;
    for (uint64_t k = 1; k <= jobs[0] && k <= CHUNK; k++) {
      pl_job_result res;
      pl_error err;
      if (pl_tournament_run_job(t, jobs[k], &res, &err)) {
        cli_report(&err);
        free(out.b);
        return EXIT_RUNTIME;
      }
      size_t len;
      void *p = pl_job_result_pack(&res, &len);
      uint32_t n = (uint32_t)len;
      int bad = !p || buf_put(&out, &n, 4) || buf_put(&out, p, len);
      pl_free(p);
      pl_job_result_clear(&res);
      if (bad) {
        cli_error("out of memory");
        free(out.b);
        return EXIT_RUNTIME;
      }
    }
  }
  free(out.b);
  return EXIT_OK;
}

static volatile int stop_flag;
static void on_signal(int sig) {
  (void)sig;
  stop_flag = 1;
}

int cli_tournament_mpi(const char *config, const char *db, int threads,
                       int json, int quiet) {
  (void)quiet; /* mpirun's stderr is no terminal: no progress bar */
  int provided, rank, size;
  MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  pl_tournament *t;
  pl_error err;
  int code = EXIT_OK;
  /* every rank loads the config: a bad one fails everywhere alike */
  if (pl_tournament_load(config, &t, &err)) {
    if (rank == 0) cli_report(&err);
    MPI_Finalize();
    return cli_exit_code(err.code);
  }
  if (rank != 0) {
    code = work(t);
    pl_tournament_free(t);
    if (code) MPI_Abort(MPI_COMM_WORLD, code);
    MPI_Finalize();
    return code;
  }
  char own[4096];
  if (!db) {
    const char *base = strrchr(config, '/');
    base = base ? base + 1 : config;
    snprintf(own, sizeof own, "%.*s.db", (int)strcspn(base, "."), base);
    db = own;
  }
  pl_store *st;
  if (pl_store_open(db, t, &st, &err)) {
    cli_report(&err);
    pl_tournament_free(t);
    MPI_Abort(MPI_COMM_WORLD, EXIT_INPUT);
    return EXIT_INPUT;
  }
  server sv = {size, size - 1, calloc((size_t)size, sizeof(int)), 0, NULL, 0};
  pl_run_options o;
  pl_run_options_init(&o);
  o.threads = threads;
  o.poll = serve;
  o.poll_ctx = &sv;
  o.stop = &stop_flag;
  signal(SIGINT, on_signal);
  signal(SIGTERM, on_signal);
  int rc = sv.out ? pl_tournament_run(t, st, &o, &err) : PL_ENOMEM;
  if (rc) {
    cli_report(&err);
    code = EXIT_RUNTIME;
  }
  uint64_t done = pl_store_done_count(st), total = pl_tournament_job_count(t);
  if (pl_store_close(st, &err) && !code) {
    cli_report(&err);
    code = EXIT_RUNTIME;
  }
  free(sv.out);
  free(sv.in);
  pl_tournament_free(t);
  if (!code && done < total) {
    cli_error("interrupted: %llu of %llu negotiations done; run the same "
              "command again to resume",
              (unsigned long long)done, (unsigned long long)total);
    code = EXIT_RUNTIME;
  }
  if (code) MPI_Abort(MPI_COMM_WORLD, code);
  MPI_Finalize();
  if (!code) {
    pl_summary *s;
    if (pl_summary_load(db, &s, &err)) {
      cli_report(&err);
      return EXIT_RUNTIME;
    }
    if (json) {
      char *text = pl_summary_to_json(s);
      if (text) puts(text);
      pl_free(text);
    } else {
      text_summary(stdout, s);
    }
    pl_summary_free(s);
  }
  return cli_finish_output(code);
}

#endif
