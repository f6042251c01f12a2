/* One tournament job: a negotiation run here, or in a child process under
 * a watchdog so that a plug-in that crashes or hangs costs only its own
 * negotiation. */
#define _GNU_SOURCE /* close_range (Linux 5.9, glibc 2.34) */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "analysis/analysis_internal.h"
#include "core/json_text.h"
#include "report/json_common.h"
#include "tournament/tournament_internal.h"

void pl_job_result_clear(pl_job_result *r) {
  if (!r) return;
  pl__free(r->utilities);
  pl__free(r->outcome);
  memset(r, 0, sizeof *r);
}

/* The scenario's analysis for the distances, made once (double-checked:
 * after the first, no lock is taken). */
const pl_analysis *pl__tscenario_analysis(pl__tscenario *sc) {
  if (atomic_load_explicit(&sc->analysed, memory_order_acquire)) return sc->a;
  pthread_mutex_lock(&sc->mu);
  if (!atomic_load_explicit(&sc->analysed, memory_order_relaxed)) {
    /* exact frontiers only: no box method (beyond enumeration, none) */
    if (pl__analyze(sc->s, NULL, false, &sc->a, NULL)) sc->a = NULL;
    atomic_store_explicit(&sc->analysed, true, memory_order_release);
  }
  pthread_mutex_unlock(&sc->mu);
  return sc->a;
}

static int start(pl_job_result *r, const pl_job *job) {
  memset(r, 0, sizeof *r);
  r->index = job->index;
  r->parties = job->parties;
  r->distance_pareto = r->distance_nash = r->welfare = NAN;
  r->utilities = pl__calloc((size_t)job->parties, sizeof *r->utilities);
  return r->utilities ? PL_OK : PL_ENOMEM;
}

/* A negotiation that failed (an agent would not start, crashed or
 * overran): every party gets its reservation value. */
static void failed(pl_job_result *r, const pl_job *job, const pl_scenario *s) {
  r->end = PL_END_FAILURE;
  r->welfare = 0;
  for (int p = 0; p < job->parties; p++) {
    r->utilities[p] = s->parties[p].reservation;
    r->welfare += r->utilities[p];
  }
}

/* The agreement as a JSON object {issue: option}. */
static char *outcome_json(const pl_scenario *s, const uint32_t *o) {
  json_t *oc = pl__outcome_json(s, o);
  char *text = oc ? pl__json_dumps(oc, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
  json_decref(oc);
  char *copy = text ? pl__strdup(text) : NULL;
  free(text);
  return copy;
}

static int run_here(pl_tournament *t, const pl_job *job, pl_job_result *r) {
  pl__tscenario *sc = &t->sc[job->scenario];
  int rc = start(r, job);
  if (rc) return rc;
  const char *specs[PL_JOB_MAX_PARTIES];
  for (int p = 0; p < job->parties; p++) specs[p] = t->agents[job->agents[p]];
  pl_session_options o;
  pl_session_options_init(&o);
  o.protocol = t->protocol;
  o.rounds = t->rounds;
  o.seed = job->seed;
  o.partial = t->partial;
  o.registry = t->registry;
  o.drop_messages = 1; /* no transcript is stored */
  /* external agents in a worker thread: the watchdog of a forked worker
   * becomes their answers' time for the negotiation */
  for (int p = 0; p < job->parties; p++)
    if (t->ext[job->agents[p]]) o.agent_limit = t->time_limit;
  const double t0 = pl__now();
  pl_session *x = NULL;
  pl_error e;
  rc = pl_session_new(sc->s, &o, specs, &x, &e);
  if (rc == PL_ENOMEM) return rc;
  if (rc) { /* e.g. a plug-in that would not start */
    failed(r, job, sc->s);
    snprintf(r->error, sizeof r->error, "%.255s", e.message);
    r->wall_time = pl__now() - t0;
    return PL_OK;
  }
  while ((rc = pl_session_step(x)) == PL_SESSION_RUNNING) {
  }
  if (rc < 0) {
    pl_session_free(x);
    return rc;
  }
  r->end = pl_session_end(x);
  r->rounds = pl_session_rounds(x);
  r->welfare = 0;
  for (int p = 0; p < job->parties; p++) {
    r->utilities[p] = pl_session_payoff(x, p);
    r->welfare += r->utilities[p];
  }
  if (r->end == PL_END_FAILURE && *pl_session_failure(x))
    snprintf(r->error, sizeof r->error, "%.255s", pl_session_failure(x));
  const pl_point *agr = pl_session_agreement(x);
  if (agr) {
    const pl_analysis *a = pl__tscenario_analysis(sc);
    double dp = pl_session_distance_to_pareto(x, a);
    double dn = pl_session_distance_to_nash(x, a);
    r->distance_pareto = dp < 0 ? NAN : dp;
    r->distance_nash = dn < 0 ? NAN : dn;
    if (!(r->outcome = outcome_json(sc->s, agr->options))) rc = PL_ENOMEM;
  }
  r->wall_time = pl__now() - t0;
  pl_session_free(x);
  return rc < 0 ? rc : PL_OK;
}

/* ------------------------------------------------------------------ */
/* packing                                                             */
/* ------------------------------------------------------------------ */

typedef struct packer {
  unsigned char *b;
  size_t n, cap;
  bool bad;
} packer;

static void put(packer *p, const void *v, size_t n) {
  if (p->bad) return;
  if (p->n + n > p->cap) {
    size_t cap = p->cap ? p->cap * 2 : 256;
    while (cap < p->n + n) cap *= 2;
    unsigned char *b = pl__realloc(p->b, cap);
    if (!b) {
      p->bad = true;
      return;
    }
    p->b = b;
    p->cap = cap;
  }
  memcpy(p->b + p->n, v, n);
  p->n += n;
}

static void put_str(packer *p, const char *s) {
  uint32_t n = s ? (uint32_t)strlen(s) + 1 : 0;
  put(p, &n, sizeof n);
  if (n) put(p, s, n);
}

/* Host byte order: every rank of an MPI job runs on the same kind of
 * machine (docs/tournament.md). */
void *pl_job_result_pack(const pl_job_result *r, size_t *len) {
  packer p = {0};
  int32_t end = (int32_t)r->end, rounds = r->rounds, np = r->parties;
  put(&p, &r->index, sizeof r->index);
  put(&p, &end, sizeof end);
  put(&p, &rounds, sizeof rounds);
  put(&p, &np, sizeof np);
  put(&p, &r->wall_time, sizeof r->wall_time);
  put(&p, &r->distance_pareto, sizeof(double));
  put(&p, &r->distance_nash, sizeof(double));
  put(&p, &r->welfare, sizeof(double));
  put(&p, r->utilities, (size_t)np * sizeof(double));
  put_str(&p, r->outcome);
  put_str(&p, r->error);
  if (p.bad) {
    pl__free(p.b);
    return NULL;
  }
  *len = p.n;
  return p.b;
}

typedef struct reader {
  const unsigned char *b;
  size_t n, at;
} reader;

static bool get(reader *r, void *v, size_t n) {
  if (n > r->n - r->at) return false;
  memcpy(v, r->b + r->at, n);
  r->at += n;
  return true;
}

int pl_job_result_unpack(const void *buf, size_t len, pl_job_result *r) {
  reader rd = {buf, len, 0};
  int32_t end, rounds, np;
  memset(r, 0, sizeof *r);
  if (!get(&rd, &r->index, sizeof r->index) || !get(&rd, &end, sizeof end) ||
      !get(&rd, &rounds, sizeof rounds) || !get(&rd, &np, sizeof np) ||
      np < 0 || np > PL_JOB_MAX_PARTIES ||
      !get(&rd, &r->wall_time, sizeof(double)) ||
      !get(&rd, &r->distance_pareto, sizeof(double)) ||
      !get(&rd, &r->distance_nash, sizeof(double)) ||
      !get(&rd, &r->welfare, sizeof(double)))
    return PL_EPARSE;
  r->end = (pl_end)end;
  r->rounds = rounds;
  r->parties = np;
  r->utilities = pl__calloc((size_t)np + 1, sizeof *r->utilities);
  if (!r->utilities) return PL_ENOMEM;
  uint32_t n;
  if (!get(&rd, r->utilities, (size_t)np * sizeof(double)) ||
      !get(&rd, &n, sizeof n) || n > len - rd.at)
    goto bad;
  if (n) {
    if (!(r->outcome = pl__malloc(n))) {
      pl_job_result_clear(r);
      return PL_ENOMEM;
    }
    if (!get(&rd, r->outcome, n) || r->outcome[n - 1]) goto bad;
  }
  if (!get(&rd, &n, sizeof n) || n > sizeof r->error || n > len - rd.at)
    goto bad;
  if (n && (!get(&rd, r->error, n) || r->error[n - 1])) goto bad;
  return PL_OK;
bad:
  pl_job_result_clear(r);
  return PL_EPARSE;
}

/* ------------------------------------------------------------------ */
/* isolation                                                           */
/* ------------------------------------------------------------------ */

/* close_range may be missing (kernels before 5.9): the test hook makes
 * it so. */
static atomic_bool no_close_range;
void pl__test_no_close_range(bool on) { atomic_store(&no_close_range, on); }

/* The names of /proc/self/fd, read with getdents64 into a buffer on the
 * stack: no allocation, as fits the child of a threaded process. */
struct dirent64_raw {
  uint64_t ino;
  int64_t off;
  unsigned short reclen;
  unsigned char type;
  char name[];
};

/* Closes the descriptors /proc/self/fd lists from 3 up, but keep; false
 * when /proc cannot be read. Passes until one finds nothing to close, as
 * closing while listing may skip names. */
static bool close_listed(int keep) {
  int dir = open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0) return false;
  for (bool closed = true; closed;) {
    closed = false;
    if (lseek(dir, 0, SEEK_SET) < 0) break;
    long n;
    _Alignas(8) char buf[4096];
    while ((n = syscall(SYS_getdents64, dir, buf, sizeof buf)) > 0) {
      for (long at = 0; at < n;) {
        const struct dirent64_raw *d = (const void *)(buf + at);
        at += d->reclen;
        int fd = 0;
        const char *c = d->name;
        for (; *c >= '0' && *c <= '9' && fd < 1 << 27; c++)
          fd = fd * 10 + (*c - '0');
        if (*c || c == d->name || fd < 3 || fd == keep || fd == dir) continue;
        close(fd);
        closed = true;
      }
    }
    if (n < 0) {
      close(dir);
      return false;
    }
  }
  close(dir);
  return true;
}

/* In a worker process: closes every descriptor from 3 up but keep (its
 * result pipe), so that it holds no sibling's pipe (whose end would then
 * never come) nor the store's files. close_range where the kernel has it;
 * else one by one, as /proc/self/fd lists them, or else up to the
 * descriptor limit. */
static void close_others(int keep) {
  if (!atomic_load(&no_close_range) &&
      (keep <= 3 || close_range(3, (unsigned)keep - 1, 0) == 0) &&
      close_range((unsigned)keep + 1, ~0u, 0) == 0)
    return;
  if (close_listed(keep)) return;
  struct rlimit rl;
  long max = getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY
                 ? (long)rl.rlim_cur
                 : sysconf(_SC_OPEN_MAX);
  if (max < 0 || max > 1 << 20) max = 1 << 20;
  for (long fd = 3; fd < max; fd++)
    if (fd != keep) close((int)fd);
}

void pl__stop_signals(sigset_t *set) {
  sigemptyset(set);
  sigaddset(set, SIGINT);
  sigaddset(set, SIGTERM);
  sigaddset(set, SIGHUP);
  sigaddset(set, SIGQUIT);
}

static bool is_stop_signal(int sig) {
  sigset_t set;
  pl__stop_signals(&set);
  return sigismember(&set, sig) == 1;
}

/* In a worker process: the signals that stop a tournament end it (the
 * runner's threads block them, and the host may catch them), and a crash
 * is a crash: no handler of the host (or a sanitizer) turns it into an
 * exit code. */
static void default_signals(void) {
  static const int crash[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
  sigset_t set;
  pl__stop_signals(&set);
  for (size_t k = 0; k < sizeof crash / sizeof *crash; k++)
    sigaddset(&set, crash[k]);
  for (int sig = 1; sig < 64; sig++)
    if (sigismember(&set, sig) == 1) signal(sig, SIG_DFL);
  sigprocmask(SIG_UNBLOCK, &set, NULL);
}

/* The parent waits for the result in slices of this many milliseconds,
 * looking at the stop flag and the watchdog in between. */
#define SLICE_MS 100

/* A worker process: negotiate, write the result to wfd, leave. */
static _Noreturn void worker_main(pl_tournament *t, const pl_job *job,
                                  int wfd) {
  close_others(wfd);
  default_signals();
  pl_job_result res;
  size_t len = 0;
  void *b = run_here(t, job, &res) ? NULL : pl_job_result_pack(&res, &len);
  const unsigned char *p = b;
  while (b && len) {
    ssize_t w = write(wfd, p, len);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) _exit(3);
    p += w;
    len -= (size_t)w;
  }
  _exit(b ? 0 : 2);
}

/* ---- forkers ---------------------------------------------------------
 * fork() in a process with threads copies only the calling thread: a lock
 * another thread held at that moment (the allocator's, a sanitizer's, a
 * scenario's) stays held in the child for ever, and POSIX allows the child
 * only async-signal-safe calls until it execs. A worker negotiates, so it
 * must not come from a threaded process. The runner therefore starts, before
 * its threads, one forker per thread: a single-threaded copy of the process
 * that forks that thread's workers (found as a hang under ASan, whose
 * allocator lock a worker inherited held). Over a SOCK_SEQPACKET pair:
 *   thread -> forker  the job's index, with the result pipe's write end
 *                     (SCM_RIGHTS)
 *   forker -> thread  {pid or -1, errno}, with a pidfd for the worker when
 *                     the kernel has them (so a kill cannot hit a reused pid)
 *   forker -> thread  the worker's wait status, once it has ended
 * A forker ignores the signals that stop a run (the thread kills the worker;
 * Ctrl-C reaches the worker itself) and ends when its socket closes. */

/* Sends n bytes with a descriptor (if fd >= 0). */
static bool send_with_fd(int sock, const void *v, size_t n, int fd) {
  struct iovec io = {(void *)v, n};
  union {
    struct cmsghdr h;
    char b[CMSG_SPACE(sizeof(int))];
  } c;
  memset(&c, 0, sizeof c);
  struct msghdr m = {.msg_iov = &io, .msg_iovlen = 1};
  if (fd >= 0) {
    m.msg_control = c.b;
    m.msg_controllen = sizeof c.b;
    struct cmsghdr *h = CMSG_FIRSTHDR(&m);
    h->cmsg_level = SOL_SOCKET;
    h->cmsg_type = SCM_RIGHTS;
    h->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(h), &fd, sizeof fd);
  }
  ssize_t w;
  while ((w = sendmsg(sock, &m, MSG_NOSIGNAL)) < 0 && errno == EINTR) {
  }
  return w == (ssize_t)n;
}

/* Receives exactly n bytes, and a descriptor into *fd (-1 if none). */
static bool recv_with_fd(int sock, void *v, size_t n, int *fd) {
  struct iovec io = {v, n};
  union {
    struct cmsghdr h;
    char b[CMSG_SPACE(sizeof(int))];
  } c;
  struct msghdr m = {.msg_iov = &io, .msg_iovlen = 1,
                     .msg_control = c.b, .msg_controllen = sizeof c.b};
  *fd = -1;
  ssize_t got;
  while ((got = recvmsg(sock, &m, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR) {
  }
  for (struct cmsghdr *h = got > 0 ? CMSG_FIRSTHDR(&m) : NULL; h;
       h = CMSG_NXTHDR(&m, h))
    if (h->cmsg_level == SOL_SOCKET && h->cmsg_type == SCM_RIGHTS)
      memcpy(fd, CMSG_DATA(h), sizeof *fd);
  if (got == (ssize_t)n) return true;
  if (*fd >= 0) close(*fd);
  *fd = -1;
  return false;
}

static _Noreturn void forker_main(pl_tournament *t, int sock) {
  sigset_t stops;
  pl__stop_signals(&stops);
  for (int sig = 1; sig < 64; sig++)
    if (sigismember(&stops, sig) == 1) signal(sig, SIG_IGN);
  close_others(sock);
  for (;;) {
    uint64_t index;
    int wfd;
    if (!recv_with_fd(sock, &index, sizeof index, &wfd)) _exit(0);
    pl_job job;
    pid_t pid = -1;
    int32_t msg[2] = {-1, EINVAL};
    if (wfd >= 0 && pl_tournament_job(t, index, &job) == PL_OK) {
      pid = fork();
      msg[1] = errno;
    }
    if (pid == 0) {
      close(sock);
      worker_main(t, &job, wfd);
    }
    if (wfd >= 0) close(wfd);
    int pidfd = -1;
#ifdef SYS_pidfd_open
    if (pid > 0) pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
#endif
    msg[0] = pid;
    if (!send_with_fd(sock, msg, sizeof msg, pidfd)) _exit(0);
    if (pidfd >= 0) close(pidfd);
    if (pid <= 0) continue;
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    int32_t st = status;
    if (send(sock, &st, sizeof st, MSG_NOSIGNAL) != sizeof st) _exit(0);
  }
}

int pl__forker_start(pl_tournament *t, pl__forker *f) {
  int sv[2];
  f->pid = -1;
  f->sock = -1;
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv)) return PL_EIO;
  pid_t pid = fork();
  if (pid == 0) forker_main(t, sv[1]);
  close(sv[1]);
  if (pid < 0) {
    close(sv[0]);
    return PL_EIO;
  }
  f->pid = pid;
  f->sock = sv[0];
  return PL_OK;
}

void pl__forker_stop(pl__forker *f) {
  if (f->sock >= 0) close(f->sock); /* it sees the end and leaves */
  if (f->pid > 0)
    while (waitpid(f->pid, NULL, 0) < 0 && errno == EINTR) {
    }
  f->sock = -1;
  f->pid = -1;
}

/* A worker for the job, writing to wfd (closed here): by the forker when
 * there is one, else by fork() (the caller then has no other threads).
 * Returns its pid, or -1 with errno; *pidfd is a pidfd for it or -1. */
static pid_t spawn_worker(pl_tournament *t, const pl_job *job, int wfd,
                          pl__forker *f, int *pidfd) {
  *pidfd = -1;
  if (!f) {
    pid_t pid = fork();
    if (pid == 0) worker_main(t, job, wfd);
    int e = errno;
    close(wfd);
    errno = e;
    return pid;
  }
  int32_t msg[2];
  bool ok = send_with_fd(f->sock, &job->index, sizeof job->index, wfd) &&
            recv_with_fd(f->sock, msg, sizeof msg, pidfd);
  close(wfd);
  if (!ok) {
    errno = EPIPE;
    return -1;
  }
  errno = msg[1];
  return msg[0];
}

/* Waits for the worker to end: its wait status, or -1. */
static int reap_worker(pid_t pid, pl__forker *f) {
  int status = 0;
  if (!f) {
    while (waitpid(pid, &status, 0) < 0)
      if (errno != EINTR) return -1;
    return status;
  }
  int32_t st;
  ssize_t got;
  while ((got = recv(f->sock, &st, sizeof st, 0)) < 0 && errno == EINTR) {
  }
  return got == sizeof st ? st : -1;
}

static void kill_worker(pid_t pid, int pidfd) {
#ifdef SYS_pidfd_send_signal
  if (pidfd >= 0 && syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0) == 0)
    return;
#endif
  kill(pid, SIGKILL);
}

static int run_isolated(pl_tournament *t, const pl_job *job,
                        pl_job_result *r, const atomic_int *halt,
                        pl__forker *f) {
  int fd[2];
  if (pipe2(fd, O_CLOEXEC)) return PL_EIO;
  const double t0 = pl__now();
  int pidfd;
  pid_t pid = spawn_worker(t, job, fd[1], f, &pidfd);
  if (pid < 0) {
    close(fd[0]);
    return PL_EIO;
  }
  unsigned char *buf = NULL;
  size_t n = 0, cap = 0;
  bool timed_out = false, stopped = false;
  int rc = PL_OK;
  for (;;) {
    if (halt && atomic_load(halt)) {
      stopped = true;
      break;
    }
    int wait_ms = SLICE_MS;
    if (t->time_limit > 0) {
      double left = t0 + t->time_limit - pl__now();
      if (left <= 0) {
        timed_out = true;
        break;
      }
      if (left * 1000 < SLICE_MS) wait_ms = (int)(left * 1000) + 1;
    }
    struct pollfd pf = {fd[0], POLLIN, 0};
    int pr = poll(&pf, 1, wait_ms);
    if (pr < 0 && errno == EINTR) continue;
    if (pr == 0) continue; /* the deadline and the stop are checked above */
    if (n == cap) {
      size_t c2 = cap ? cap * 2 : 4096;
      unsigned char *b2 = pl__realloc(buf, c2);
      if (!b2) {
        rc = PL_ENOMEM;
        break;
      }
      buf = b2;
      cap = c2;
    }
    ssize_t got = read(fd[0], buf + n, cap - n);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break; /* the child closed the pipe: done or dead */
    n += (size_t)got;
  }
  close(fd[0]);
  if (timed_out || stopped || rc) kill_worker(pid, pidfd);
  int status = reap_worker(pid, f);
  if (pidfd >= 0) close(pidfd);
  if (status < 0 && halt && atomic_load(halt)) stopped = true;
  else if (status < 0 && !rc) rc = PL_EIO; /* the forker is gone */
  /* a worker ended by a signal that stops the run (Ctrl-C reaches the
   * whole process group, often before the runner has seen its flag) was
   * stopped, it did not fail: the job stays to be done */
  if (halt && !timed_out && status >= 0 && WIFSIGNALED(status) &&
      is_stop_signal(WTERMSIG(status)))
    stopped = true;
  if (rc || stopped) {
    pl__free(buf);
    return rc ? rc : PL__STOPPED;
  }
  if (!timed_out && WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
      pl_job_result_unpack(buf, n, r) == PL_OK) {
    pl__free(buf);
    return PL_OK;
  }
  pl__free(buf);
  if ((rc = start(r, job))) return rc;
  failed(r, job, t->sc[job->scenario].s);
  if (timed_out)
    snprintf(r->error, sizeof r->error,
             "timed out: still running after %g s", t->time_limit);
  else if (WIFSIGNALED(status))
    snprintf(r->error, sizeof r->error, "crashed: %s",
             strsignal(WTERMSIG(status)));
  else
    snprintf(r->error, sizeof r->error,
             "the worker process failed (exit status %d)",
             WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  r->wall_time = pl__now() - t0;
  return PL_OK;
}

bool pl__tournament_isolates(const pl_tournament *t) {
  if (t->isolation == PL__ISOLATE_ALL) return true;
  for (int k = 0; k < t->na && t->isolation == PL__ISOLATE_PLUGINS; k++)
    if (t->plugin[k]) return true;
  return false;
}

int pl_tournament_run_job(pl_tournament *t, uint64_t index, pl_job_result *r,
                          pl_error *err) {
  return pl__run_job(t, index, r, err, NULL, NULL);
}

int pl__run_job(pl_tournament *t, uint64_t index, pl_job_result *r,
                pl_error *err, const atomic_int *halt, pl__forker *f) {
  pl_job job;
  memset(r, 0, sizeof *r);
  if (pl_tournament_job(t, index, &job))
    return pl__err(err, PL_ENOTFOUND, "no job %llu",
                   (unsigned long long)index);
  bool isolate = t->isolation == PL__ISOLATE_ALL;
  for (int p = 0; p < job.parties && t->isolation == PL__ISOLATE_PLUGINS; p++)
    isolate |= t->plugin[job.agents[p]];
  /* a registered agent's code lives in this process (a Python class, with
   * its interpreter's locks): it never runs in a forked worker */
  for (int p = 0; p < job.parties; p++)
    isolate &= !t->local[job.agents[p]];
  int rc = isolate ? run_isolated(t, &job, r, halt, f) : run_here(t, &job, r);
  if (rc == PL__STOPPED) return rc;
  if (rc) {
    pl_job_result_clear(r);
    return pl__err(err, rc, "job %llu: %s", (unsigned long long)index,
                   rc == PL_EIO ? "cannot start a worker process"
                                : pl_strerror(rc));
  }
  return PL_OK;
}
