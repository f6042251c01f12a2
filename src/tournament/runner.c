/* The runner: worker threads take the jobs the store lacks, one at a time;
 * the calling thread is the only writer of the store, draining their
 * results, serving `poll` (other MPI ranks), reporting progress and
 * committing. */
#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "tournament/tournament_internal.h"

struct pl_runner {
  pl_tournament *t;
  pl_store *st;
  pthread_mutex_t mu;
  uint64_t *pending; /* jobs to run, in order */
  size_t n_pending, next;
  pl_job_result *queue; /* results from the threads, not yet stored */
  size_t n_queue, cap_queue;
  int running;          /* threads still working */
  int failed;           /* an engine error in a thread, or a failed put */
  pl_error thread_err;  /* its error; failed and thread_err under mu */
  atomic_int halt;      /* the caller's *stop, as the calling thread saw it */
};

void pl_run_options_init(pl_run_options *o) {
  memset(o, 0, sizeof *o);
  o->struct_size = sizeof *o;
  o->threads = 1;
}

/* Under mu. */
static bool stopping(pl_runner *r) {
  return r->failed || atomic_load(&r->halt);
}

/* The first failure is the one reported; the threads stop taking jobs. */
static void fail(pl_runner *r, const pl_error *e) {
  pthread_mutex_lock(&r->mu);
  if (!r->failed) r->thread_err = *e;
  r->failed = 1;
  pthread_mutex_unlock(&r->mu);
}

size_t pl_runner_take(pl_runner *r, uint64_t *jobs, size_t max) {
  pthread_mutex_lock(&r->mu);
  size_t n = 0;
  while (!stopping(r) && n < max && r->next < r->n_pending)
    jobs[n++] = r->pending[r->next++];
  pthread_mutex_unlock(&r->mu);
  return n;
}

int pl_runner_put(pl_runner *r, const pl_job_result *res) {
  pl_error e;
  int rc = pl_store_add(r->st, res, &e);
  if (rc) fail(r, &e);
  return rc;
}

typedef struct thread_arg {
  pl_runner *r;
  pl__forker *f; /* its forker, or NULL when no job is isolated */
} thread_arg;

static void *worker(void *arg) {
  pl_runner *r = ((thread_arg *)arg)->r;
  pl__forker *f = ((thread_arg *)arg)->f;
  for (;;) {
    uint64_t job;
    if (!pl_runner_take(r, &job, 1)) break;
    pl_job_result res;
    pl_error e;
    int rc = pl__run_job(r->t, job, &res, &e, &r->halt, f);
    if (rc == PL__STOPPED) continue; /* killed by a stop: not a result */
    pthread_mutex_lock(&r->mu);
    if (rc) {
      if (!r->failed) r->thread_err = e;
      r->failed = 1;
    } else if (r->n_queue == r->cap_queue) {
      size_t cap = r->cap_queue ? r->cap_queue * 2 : 64;
      pl_job_result *q = pl__realloc(r->queue, cap * sizeof *q);
      if (q) {
        r->queue = q;
        r->cap_queue = cap;
      }
    }
    if (!rc && r->n_queue < r->cap_queue) {
      r->queue[r->n_queue++] = res;
    } else if (!rc) {
      pl_job_result_clear(&res);
      r->thread_err = (pl_error){.code = PL_ENOMEM};
      snprintf(r->thread_err.message, sizeof r->thread_err.message,
               "out of memory");
      r->failed = 1;
    }
    pthread_mutex_unlock(&r->mu);
  }
  pthread_mutex_lock(&r->mu);
  r->running--;
  pthread_mutex_unlock(&r->mu);
  return NULL;
}

/* Stores what the threads produced. */
static int drain(pl_runner *r, pl_error *err) {
  pl_job_result local[64];
  int rc = PL_OK;
  for (;;) {
    pthread_mutex_lock(&r->mu);
    size_t n = r->n_queue < 64 ? r->n_queue : 64;
    r->n_queue -= n;
    if (n) memcpy(local, r->queue + r->n_queue, n * sizeof *local);
    pthread_mutex_unlock(&r->mu);
    if (!n) return rc;
    for (size_t k = 0; k < n; k++) {
      if (!rc) rc = pl_store_add(r->st, &local[k], err);
      pl_job_result_clear(&local[k]);
    }
  }
}

int pl_tournament_run(pl_tournament *t, pl_store *st,
                      const pl_run_options *opts, pl_error *err) {
  pl_run_options o;
  pl_run_options_init(&o);
  PL__OPTIONS_COPY(&o, opts);
  if (o.threads < 0 || o.threads > 4096 || (o.threads == 0 && !o.poll))
    return pl__err(err, PL_EINVAL,
                   "threads must be 1 to 4096 (or 0 with a poll hook), got "
                   "%d",
                   o.threads);
  pl_runner r = {.t = t, .st = st};
  atomic_init(&r.halt, 0);
  pthread_mutex_init(&r.mu, NULL);
  const uint64_t total = pl_tournament_job_count(t);
  r.pending = pl__malloc((size_t)(total - pl_store_done_count(st) + 1) *
                         sizeof *r.pending);
  if (!r.pending) {
    pthread_mutex_destroy(&r.mu);
    return pl__err(err, PL_ENOMEM, "out of memory");
  }
  for (uint64_t j = 0; j < total; j++)
    if (!pl_store_done(st, j)) r.pending[r.n_pending++] = j;
  pthread_t *th = pl__calloc((size_t)o.threads + 1, sizeof *th);
  thread_arg *ta = pl__calloc((size_t)o.threads + 1, sizeof *ta);
  pl__forker *fk = pl__calloc((size_t)o.threads + 1, sizeof *fk);
  int rc = th && ta && fk ? PL_OK : pl__err(err, PL_ENOMEM, "out of memory");
  int started = 0, forkers = 0;
  /* isolated jobs: the forkers come before the threads (jobs.c says why),
   * with the analyses made, so that no worker makes its own */
  const bool isolates = r.n_pending > 0 && pl__tournament_isolates(t);
  for (int k = 0; !rc && isolates && k < t->ns; k++)
    (void)pl__tscenario_analysis(&t->sc[k]);
  for (; !rc && isolates && forkers < o.threads; forkers++)
    if (pl__forker_start(t, &fk[forkers]))
      rc = pl__err(err, PL_EIO, "cannot start a worker process: %s",
                   strerror(errno));
  /* the threads (and so the worker processes' parents) leave the
   * signals that stop a run to the calling thread, which reads *o.stop */
  sigset_t stops, old;
  pl__stop_signals(&stops);
  pthread_sigmask(SIG_BLOCK, &stops, &old);
  for (; !rc && started < o.threads; started++) {
    pthread_mutex_lock(&r.mu);
    r.running++;
    pthread_mutex_unlock(&r.mu);
    ta[started] = (thread_arg){&r, isolates ? &fk[started] : NULL};
    if (pthread_create(&th[started], NULL, worker, &ta[started])) {
      pthread_mutex_lock(&r.mu);
      r.running--;
      r.failed = 1;
      pthread_mutex_unlock(&r.mu);
      rc = pl__err(err, PL_EIO, "cannot start a worker thread");
      break;
    }
  }
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  const double t0 = pl__now();
  double last_progress = -1, last_commit = 0;
  for (int outstanding = 0;;) {
    if (o.stop && *o.stop) atomic_store(&r.halt, 1);
    if (!rc) rc = drain(&r, err);
    if (!rc && o.poll) {
      int p = o.poll(o.poll_ctx, &r);
      if (p < 0) {
        pthread_mutex_lock(&r.mu);
        if (r.thread_err.code) *err = r.thread_err;
        else pl__err(err, p, "the work distribution failed");
        pthread_mutex_unlock(&r.mu);
        rc = p;
      } else {
        outstanding = p;
      }
    }
    if (rc) {
      pthread_mutex_lock(&r.mu);
      r.failed = 1; /* the threads stop taking jobs */
      pthread_mutex_unlock(&r.mu);
    }
    pthread_mutex_lock(&r.mu);
    bool done = r.running == 0 && r.n_queue == 0 &&
                (r.next == r.n_pending || stopping(&r)) && outstanding == 0;
    bool thread_failed = r.failed && r.thread_err.code;
    if (done && !rc && thread_failed) *err = r.thread_err;
    pthread_mutex_unlock(&r.mu);
    double el = pl__now() - t0;
    if (o.progress && (done || el - last_progress >= 0.1)) {
      o.progress(o.progress_ctx, pl_store_done_count(st), total, el);
      last_progress = el;
    }
    if (done) {
      if (!rc && thread_failed) rc = err->code ? err->code : PL_EIO;
      break;
    }
    /* results arriving slowly still reach the disk within a second */
    if (!rc && el - last_commit >= 0.5) {
      rc = pl_store_commit(st, err);
      last_commit = el;
    }
    struct timespec ms = {0, 1000000};
    while (nanosleep(&ms, &ms) && errno == EINTR) {
    }
  }
  for (int k = 0; k < started; k++) pthread_join(th[k], NULL);
  for (int k = 0; k < forkers; k++) pl__forker_stop(&fk[k]);
  /* what the threads finished after a failure is kept too */
  pl_error late;
  int rc2 = drain(&r, &late);
  int rc3 = pl_store_commit(st, rc ? &late : err);
  if (!rc) rc = rc2 ? rc2 : rc3;
  pl__free(th);
  pl__free(ta);
  pl__free(fk);
  pl__free(r.pending);
  pl__free(r.queue);
  pthread_mutex_destroy(&r.mu);
  return rc;
}
