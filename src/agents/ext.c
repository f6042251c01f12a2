/* External agents (agents.h, docs/agent-protocol.md): a program started
 * per negotiation (ext:CMD) or a running service (ext+tcp:HOST:PORT,
 * ext+unix:PATH) that reads and writes JSON Lines, behind the same agent table as plug-ins;
 * and the replay of a recorded one (pl_agent_replay).
 *
 * A process runs under a small reaper: parley forks the reaper, which
 * becomes a child subreaper (prctl PR_SET_CHILD_SUBREAPER) and forks the
 * agent in a process group of its own (/bin/sh -c CMD). When parley lets
 * go (or dies), the reaper kills the agent's whole group and reaps every
 * process left under it, so an agent that forks and never exits leaves
 * neither a process nor a zombie behind, whatever the system's init does.
 * The agent's stdin and stdout are Unix sockets (writes never raise
 * SIGPIPE in parley: MSG_NOSIGNAL), its stderr a pipe that is read while
 * waiting and logged line by line. */
#define _GNU_SOURCE /* close_range, pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <math.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/dl.h"
#include "core/json_text.h"
#include "agents/ext.h"
#include "report/json_common.h"

#define CONNECT_LIMIT 10.0 /* seconds to connect without a move limit */
#define GRACE 1.0 /* seconds an agent has to exit after "finished" */
#define ERR_LINE 4096 /* longest stderr line logged whole */

enum { PEND_NONE, PEND_OFFER, PEND_COMMENT };
enum { MODE_PROCESS, MODE_TCP, MODE_UNIX, MODE_REPLAY };

/* One agent process or connection (the transport), shared by the
 * negotiations it serves: one, or up to `sessions` at once when it said so
 * in its handshake and a tournament thread's pool keeps it. */
typedef struct ext_proc {
  int mode;   /* MODE_* */
  char *spec; /* the params: a command, HOST:PORT or PATH (pool key) */
  int wfd, rfd, efd, ctl;
  pid_t reaper;
  /* input not yet consumed, and the stderr line being read */
  char *buf;
  size_t len, cap;
  char *obuf; /* messages to it not yet written: informs wait for the next
                 question, so that a move wakes the agent once */
  size_t olen, ocap;
  char ebuf[ERR_LINE];
  size_t elen;
  char etail[160]; /* its last stderr line, for failure messages */
  int sessions;     /* negotiations it can hold (0: a version-1 agent) */
  long next_session;
  struct ext **open; /* its open negotiations */
  int n_open, cap_open;
  bool dead;     /* it exited, closed a stream or lost the line framing */
  char why[200]; /* why it is dead: every open negotiation fails so */
  bool pooled;   /* kept by the thread's pool between negotiations */
  struct ext_proc *next;
} ext_proc;

typedef struct real_memo { /* a real's text (mb_real) */
  uint64_t bits;
  uint8_t n; /* 0: empty */
  char text[PL__REAL_CHARS + 2];
} real_memo;

typedef struct ext {
  const pl_scenario *s;
  int party, ni;
  pl_agent_setup su;
  ext_proc *p;
  const pl_recording *rec;
  size_t rec_next[2]; /* next recorded message to the agent, from it */
  char *mb; /* the message being built (questions, informs), reused */
  size_t mlen, mcap;
  bool moom; /* the builder ran out of memory */
  real_memo reals[8];
  char sid[24];    /* its session id in the process ("1", "2", ...) */
  double used;     /* seconds spent waiting for its answers */
  long seq;        /* id of the latest question */
  int pending;     /* an answer given ahead: SAOP counter-offer, comment */
  uint32_t *pend;
  bool broken;
  bool ready; /* the handshake is done */
  bool open;  /* its negotiation has not been finished in the process */
  char why[256];
} ext;

/* ---- recordings ----------------------------------------------------- */

typedef struct rec_msg {
  char *line;
  size_t len;
} rec_msg;

struct pl_recording {
  int np;
  rec_msg **m[2]; /* [dir][party]: messages to (0) and from (1) the agent */
  size_t *n[2];
};

void pl_recording_free(pl_recording *r) {
  if (!r) return;
  for (int d = 0; d < 2; d++) {
    for (int p = 0; r->m[d] && p < r->np; p++) {
      for (size_t k = 0; r->n[d] && k < r->n[d][p]; k++)
        pl__free(r->m[d][p][k].line);
      pl__free(r->m[d][p]);
    }
    pl__free(r->m[d]);
    pl__free(r->n[d]);
  }
  pl__free(r);
}

int pl_recording_has_party(const pl_recording *r, int p) {
  return r && p >= 0 && p < r->np && (r->n[0][p] || r->n[1][p]);
}

static int b64(int c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  return c == '+' ? 62 : c == '/' ? 63 : -1;
}

/* Decodes base64 in place; the length, or -1. */
static long unbase64(char *s) {
  size_t n = strlen(s), o = 0;
  uint32_t acc = 0;
  int bits = 0;
  for (size_t k = 0; k < n && s[k] != '='; k++) {
    int v = b64((unsigned char)s[k]);
    if (v < 0) return -1;
    acc = acc << 6 | (uint32_t)v;
    if ((bits += 6) >= 8) {
      bits -= 8;
      s[o++] = (char)(acc >> bits & 0xff);
    }
  }
  return (long)o;
}

int pl__recording_new(int np, pl_recording **out) {
  pl_recording *r = pl__calloc(1, sizeof *r);
  *out = NULL;
  if (!r) return PL_ENOMEM;
  r->np = np;
  for (int d = 0; d < 2; d++) {
    r->m[d] = pl__calloc((size_t)np, sizeof *r->m[d]);
    r->n[d] = pl__calloc((size_t)np, sizeof *r->n[d]);
    if (!r->m[d] || !r->n[d]) {
      pl_recording_free(r);
      return PL_ENOMEM;
    }
  }
  *out = r;
  return PL_OK;
}

int pl__recording_add(pl_recording *r, int d, int p, const char *line,
                      size_t len) {
  size_t n = r->n[d][p];
  if ((n & (n - 1)) == 0) { /* grows at powers of two */
    rec_msg *g = pl__realloc(r->m[d][p], (n ? 2 * n : 1) * sizeof *g);
    if (!g) return PL_ENOMEM;
    r->m[d][p] = g;
  }
  char *c = pl__malloc(len + 1);
  if (!c) return PL_ENOMEM;
  memcpy(c, line, len);
  c[len] = 0;
  r->m[d][p][n] = (rec_msg){c, len};
  r->n[d][p] = n + 1;
  return PL_OK;
}

int pl_recording_load(const char *text, size_t len, const pl_scenario *s,
                      pl_recording **out, pl_error *err) {
  pl_recording *r;
  int rc = pl__recording_new(s->n_parties, &r);
  if (rc) return pl__err(err, rc, "out of memory");
  size_t at = 0;
  for (int lineno = 1; !rc && at < len; lineno++) {
    const char *nl = memchr(text + at, '\n', len - at);
    size_t n = nl ? (size_t)(nl - (text + at)) : len - at;
    json_error_t je;
    json_t *o = n ? json_loadb(text + at, n, JSON_ALLOW_NUL, &je) : NULL;
    const char *ev = json_string_value(json_object_get(o, "event"));
    if (n && !o) {
      rc = pl__err(err, PL_EPARSE, "transcript:%d:%d: %s", lineno,
                   je.column > 0 ? je.column : 1, je.text);
    } else if (ev && !strcmp(ev, "message")) {
      const char *party = json_string_value(json_object_get(o, "party"));
      const char *dir = json_string_value(json_object_get(o, "dir"));
      json_t *line = json_object_get(o, "line");
      const char *b = json_string_value(json_object_get(o, "line_base64"));
      int p = -1;
      for (int q = 0; party && q < s->n_parties; q++)
        if (!strcmp(s->parties[q].id, party)) p = q;
      int d = !dir ? -1 : !strcmp(dir, "to_agent") ? 0
                     : !strcmp(dir, "from_agent") ? 1
                     : !strcmp(dir, "stderr") ? 2 : -1;
      if (p < 0 || d < 0 || (!json_is_string(line) && !b)) {
        rc = pl__err(err, PL_EPARSE,
                     "transcript:%d:1: a message needs a party of the "
                     "scenario, dir (to_agent, from_agent, stderr) and line",
                     lineno);
      } else if (d < 2 && json_is_string(line)) {
        rc = pl__recording_add(r, d, p, json_string_value(line),
                     json_string_length(line));
      } else if (d < 2) {
        char *c = pl__strdup(b);
        long bl = c ? unbase64(c) : -1;
        rc = bl < 0 ? pl__err(err, c ? PL_EPARSE : PL_ENOMEM,
                              "transcript:%d:1: bad line_base64", lineno)
                    : pl__recording_add(r, d, p, c, (size_t)bl);
        pl__free(c);
      }
    }
    json_decref(o);
    at += n + (nl != NULL);
  }
  if (rc) {
    pl_recording_free(r);
    return rc == PL_ENOMEM ? pl__err(err, rc, "out of memory") : rc;
  }
  *out = r;
  return PL_OK;
}

/* ---- failures and logging -------------------------------------------- */

static void fail(ext *e, const char *fmt, ...) PL__PRINTF(2, 3);
static void fail(ext *e, const char *fmt, ...) {
  if (e->broken) return; /* the first reason stays */
  va_list ap;
  va_start(ap, fmt);
  int n = e->ready ? 0 : snprintf(e->why, sizeof e->why, "in the handshake, ");
  int m = vsnprintf(e->why + n, sizeof e->why - (size_t)n, fmt, ap);
  n = m < 0 ? m : n + m;
  va_end(ap);
  if (e->p->etail[0] && n >= 0 && (size_t)n < sizeof e->why - 20)
    snprintf(e->why + n, sizeof e->why - (size_t)n, " (stderr: %s)",
             e->p->etail);
  e->broken = true;
}

/* The process failed as a whole (it exited, closed a stream, or its
 * output lost its framing): e fails now, its other negotiations when they
 * next ask. */
static void die(ext *e, const char *fmt, ...) PL__PRINTF(2, 3);
static void die(ext *e, const char *fmt, ...) {
  ext_proc *p = e->p;
  if (!p->dead) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->why, sizeof p->why, fmt, ap);
    va_end(ap);
    p->dead = true;
  }
  fail(e, "%s", p->why);
}

static void logm(ext *e, int dir, const char *line, size_t len) {
  if (e->su.log) e->su.log(e->su.log_ctx, e->party, dir, line, len);
}

/* A short, printable excerpt of a line for messages (size >= 8). */
static void excerpt(char *out, size_t size, const char *p, size_t n) {
  size_t k = 0, room = n < size ? n : size - 4;
  for (; k < room; k++) out[k] = p[k] >= 32 && p[k] < 127 ? p[k] : '?';
  if (room < n) memcpy(out + k, "...", 3), k += 3;
  out[k] = 0;
}

/* Stderr: complete lines are logged (in the transcript of every
 * negotiation open in the process: they cannot be told apart); a longer
 * line is logged in pieces. */
static void take_stderr(ext_proc *p) {
  char chunk[4096];
  ssize_t got = read(p->efd, chunk, sizeof chunk);
  if (got <= 0) {
    if (got == 0 || (errno != EINTR && errno != EAGAIN)) {
      close(p->efd);
      p->efd = -1;
    }
    return;
  }
  for (ssize_t k = 0; k < got; k++) {
    bool nl = chunk[k] == '\n';
    if (!nl) p->ebuf[p->elen++] = chunk[k];
    if (nl || p->elen == sizeof p->ebuf) {
      for (int s = 0; s < p->n_open; s++)
        logm(p->open[s], 2, p->ebuf, p->elen);
      if (p->elen) excerpt(p->etail, sizeof p->etail, p->ebuf, p->elen);
      p->elen = 0;
    }
  }
}

/* ---- the transport ----------------------------------------------------- */

static double move_limit(const ext *e) { return e->su.move_limit; }

/* Seconds left for this answer: the move limit, and what is left of the
 * agent's total (INFINITY: no limit). Each negotiation of a process has
 * its own, counted from when its question was asked. */
static double left(const ext *e, double t0) {
  double l = move_limit(e) > 0 ? t0 + move_limit(e) - pl__now() : INFINITY;
  if (e->su.agent_limit > 0) {
    double a = e->su.agent_limit - e->used - (pl__now() - t0);
    if (a < l) l = a;
  }
  return l;
}

/* A poll timeout for l seconds (-1: for ever). */
static int ms(double l) { return l > 1e6 ? -1 : (int)(l * 1000) + 1; }

/* Writes out what is buffered. */
static bool flush(ext *e) {
  ext_proc *p = e->p;
  const double t0 = pl__now();
  size_t off = 0;
  while (off < p->olen) {
    ssize_t w = send(p->wfd, p->obuf + off, p->olen - off,
                     MSG_NOSIGNAL | MSG_DONTWAIT);
    if (w > 0) {
      off += (size_t)w;
      continue;
    }
    if (w < 0 && errno == EINTR) continue;
    if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      double l = left(e, t0);
      struct pollfd pf = {p->wfd, POLLOUT, 0};
      if (l <= 0 || poll(&pf, 1, ms(l)) == 0) {
        die(e, "does not read its input: %zu bytes could not be delivered "
               "within %g s", p->olen - off, move_limit(e));
        return false;
      }
      continue;
    }
    die(e, "closed its input (%s)", w < 0 ? strerror(errno) : "no progress");
    return false;
  }
  p->olen = 0;
  return true;
}

/* Sends the message and its newline; informs (now false) go with the next
 * message that is sent now. */
static bool send_line(ext *e, const char *line, size_t n, bool now) {
  if (e->broken) return false;
  logm(e, 0, line, n);
  if (e->rec) { /* the engine must say what it said when recorded */
    const pl_recording *r = e->rec;
    size_t k = e->rec_next[0]++;
    if (!r->n[0][e->party]) return true; /* answers only: not compared */
    if (k >= r->n[0][e->party]) {
      fail(e, "replay diverged: the engine sends a message the recording "
              "lacks (number %zu)", k + 1);
      return false;
    }
    const rec_msg *m = &r->m[0][e->party][k];
    if (m->len != n || memcmp(m->line, line, n)) {
      char want[80], got[80];
      excerpt(want, sizeof want, m->line, m->len);
      excerpt(got, sizeof got, line, n);
      fail(e, "replay diverged at message %zu to the agent: recorded %s, "
              "now %s", k + 1, want, got);
      return false;
    }
    return true;
  }
  ext_proc *p = e->p;
  if (p->dead) {
    fail(e, "%s", p->why);
    return false;
  }
  if (p->olen + n + 1 > p->ocap) {
    size_t cap = p->ocap ? p->ocap : 4096;
    while (cap < p->olen + n + 1) cap *= 2;
    char *g = pl__realloc(p->obuf, cap);
    if (!g) {
      fail(e, "out of memory");
      return false;
    }
    p->obuf = g;
    p->ocap = cap;
  }
  memcpy(p->obuf + p->olen, line, n);
  p->obuf[p->olen + n] = '\n';
  p->olen += n + 1;
  return now ? flush(e) : true;
}

/* Room for 64 KiB more input. */
static bool room(ext_proc *p) {
  if (p->cap - p->len >= 65536) return true;
  size_t cap = p->cap ? 2 * p->cap : 65536;
  while (cap - p->len < 65536) cap *= 2;
  char *b = pl__realloc(p->buf, cap);
  if (!b) return false;
  p->buf = b;
  p->cap = cap;
  return true;
}

/* Reads what is there without waiting (or, with a timeout in ms, waits up
 * to it): 1 bytes came, 0 nothing, -1 end of input or an error. */
static int fill(ext_proc *p, int timeout_ms) {
  struct pollfd pf[2] = {{p->rfd, POLLIN, 0}, {p->efd, POLLIN, 0}};
  int pr = poll(pf, p->efd >= 0 ? 2 : 1, timeout_ms);
  if (pr < 0) return errno == EINTR ? 0 : -1;
  if (p->efd >= 0 && (pf[1].revents & (POLLIN | POLLHUP))) take_stderr(p);
  if (!(pf[0].revents & (POLLIN | POLLHUP | POLLERR))) return 0;
  if (!room(p)) return -1;
  ssize_t got = read(p->rfd, p->buf + p->len, p->cap - p->len);
  if (got < 0 && (errno == EINTR || errno == EAGAIN)) return 0;
  if (got <= 0) return -1;
  p->len += (size_t)got;
  return 1;
}

/* What has arrived, without waiting: one recv where fill would poll both
 * streams (its stderr is read while waiting for answers). 1 bytes came,
 * 0 none (or the end: read_line finds it), -1 out of memory. */
static int peek(ext_proc *p) {
  if (!room(p)) return -1;
  ssize_t got = recv(p->rfd, p->buf + p->len, p->cap - p->len, MSG_DONTWAIT);
  if (got <= 0) return 0;
  p->len += (size_t)got;
  return 1;
}

/* The next line from the agent (no newline), valid until the next read;
 * NULL when it failed (e->why says how). */
static const char *read_line(ext *e, size_t *n) {
  if (e->broken) return NULL;
  if (e->rec) {
    size_t k = e->rec_next[1]++;
    if (k >= e->rec->n[1][e->party]) {
      fail(e, "the recording has no further answer (number %zu)", k + 1);
      return NULL;
    }
    const rec_msg *m = &e->rec->m[1][e->party][k];
    logm(e, 1, m->line, m->len);
    *n = m->len;
    return m->line;
  }
  ext_proc *p = e->p;
  if (p->dead) {
    fail(e, "%s", p->why);
    return NULL;
  }
  /* the previous line was consumed: drop it */
  const double t0 = pl__now();
  for (;;) {
    char *nl = p->len ? memchr(p->buf, '\n', p->len) : NULL;
    if (nl) {
      *n = (size_t)(nl - p->buf);
      *nl = 0;
      e->used += pl__now() - t0;
      if (*n > e->su.max_message) break;
      logm(e, 1, p->buf, *n);
      return p->buf;
    }
    if (p->len > e->su.max_message) break;
    double l = left(e, t0);
    if (l <= 0) {
      e->used += pl__now() - t0;
      if (e->su.agent_limit > 0 && e->used >= e->su.agent_limit - 1e-9)
        fail(e, "used up its %g s for the negotiation", e->su.agent_limit);
      else
        fail(e, "no answer within %g s", move_limit(e));
      return NULL;
    }
    int r = fill(p, ms(l));
    if (r < 0) {
      /* what it wrote to stderr before closing */
      while (p->efd >= 0 && fill(p, 50) == 0 && p->efd >= 0) {
      }
      if (p->len) {
        char ex[80];
        excerpt(ex, sizeof ex, p->buf, p->len);
        die(e, "closed its output in the middle of a line: %s", ex);
      } else {
        die(e, "closed its output (it exited or crashed)");
      }
      return NULL;
    }
  }
  die(e, "sent a line longer than the %zu-byte limit on messages",
      e->su.max_message);
  return NULL;
}

/* Drops the line read_line returned. */
static void consume(ext *e, size_t n) {
  if (e->rec) return;
  ext_proc *p = e->p;
  memmove(p->buf, p->buf + n + 1, p->len - n - 1);
  p->len -= n + 1;
}

/* ---- starting and stopping ------------------------------------------- */

/* The reaper (see the top): async-signal-safe calls only, as it is forked
 * from a process that may have threads. */
static void reaper_main(const char *cmd, int in, int out, int er, int ctl) {
  prctl(PR_SET_CHILD_SUBREAPER, 1);
  /* _Fork (glibc 2.34), not fork: no at-fork handlers, no locks of the
   * allocator or of a sanitizer's runtime that another thread of parley
   * may have held when the reaper was forked */
  pid_t g = _Fork();
  if (g == 0) {
    setpgid(0, 0);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    signal(SIGPIPE, SIG_DFL);
    if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(er, 2) < 0) _exit(126);
    close_range(3, ~0u, 0);
    execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
    _exit(127);
  }
  if (g > 0) setpgid(g, g);
  if (dup2(ctl, 3) < 0) _exit(1);
  close_range(4, ~0u, 0);
  close(0);
  close(1);
  close(2);
  if (g < 0) _exit(1);
  for (;;) { /* until parley closes the control pipe, or goes */
    struct pollfd pf = {3, POLLIN, 0};
    int r = poll(&pf, 1, -1);
    if (r < 0 && errno == EINTR) continue;
    char c;
    if (r > 0 && read(3, &c, 1) > 0) continue;
    break;
  }
  kill(-g, SIGKILL);
  kill(g, SIGKILL);
  /* reap everything that was under it; a process that left the group
   * (setsid) is given 1 s, then left to init */
  for (int k = 0; k < 200; k++) {
    while (waitpid(-1, NULL, WNOHANG) > 0) {
    }
    errno = 0;
    if (waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD) break;
    struct timespec ts = {0, 5000000};
    nanosleep(&ts, NULL);
  }
  _exit(0);
}

static bool spawn(ext *e, const char *cmd) {
  ext_proc *p = e->p;
  int in[2] = {-1, -1}, out[2] = {-1, -1}, er[2] = {-1, -1}, ctl[2] = {-1, -1};
  bool ok = socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in) == 0 &&
            socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, out) == 0 &&
            pipe2(er, O_CLOEXEC) == 0 && pipe2(ctl, O_CLOEXEC) == 0;
  pid_t pid = ok ? fork() : -1;
  if (pid == 0) reaper_main(cmd, in[1], out[1], er[1], ctl[0]);
  int keep[] = {in[0], out[0], er[0], ctl[1]};
  int drop[] = {in[1], out[1], er[1], ctl[0]};
  for (int k = 0; k < 4; k++)
    if (drop[k] >= 0) close(drop[k]);
  if (pid < 0) {
    for (int k = 0; k < 4; k++)
      if (keep[k] >= 0) close(keep[k]);
    die(e, "cannot start the command: %s", strerror(errno));
    return false;
  }
  p->reaper = pid;
  p->wfd = in[0];
  p->rfd = out[0];
  p->efd = er[0];
  p->ctl = ctl[1];
  fcntl(p->efd, F_SETFL, fcntl(p->efd, F_GETFL) | O_NONBLOCK);
  return true;
}

/* HOST:PORT (an IPv6 address in brackets: [::1]:7000). */
static bool connect_tcp(ext *e, const char *where) {
  char host[256], port[32];
  const char *colon = strrchr(where, ':');
  const char *h = where;
  size_t hl = colon ? (size_t)(colon - where) : 0;
  if (hl >= 2 && h[0] == '[' && h[hl - 1] == ']') h++, hl -= 2;
  if (!colon || hl == 0 || hl >= sizeof host || !colon[1] ||
      strlen(colon + 1) >= sizeof port) {
    fail(e, "expected ext+tcp:HOST:PORT, got \"%s\"", where);
    return false;
  }
  memcpy(host, h, hl);
  host[hl] = 0;
  strcpy(port, colon + 1);
  struct addrinfo hints = {0}, *ai = NULL;
  hints.ai_socktype = SOCK_STREAM;
  const char *why = pl__getaddrinfo(host, port, &hints, &ai);
  if (why) {
    fail(e, "cannot resolve %s: %s", where, why);
    return false;
  }
  int fd = -1, last = 0;
  for (struct addrinfo *a = ai; a && fd < 0; a = a->ai_next) {
    fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
                a->ai_protocol);
    if (fd < 0) continue;
    int cr = connect(fd, a->ai_addr, a->ai_addrlen);
    if (cr < 0 && errno == EINPROGRESS) {
      struct pollfd pf = {fd, POLLOUT, 0};
      int soerr = 0;
      socklen_t sl = sizeof soerr;
      double l = move_limit(e) > 0 ? move_limit(e) : CONNECT_LIMIT;
      if (poll(&pf, 1, ms(l)) == 1 &&
          getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) == 0 && !soerr)
        cr = 0;
      else
        errno = soerr ? soerr : ETIMEDOUT;
    }
    if (cr < 0) {
      last = errno;
      close(fd);
      fd = -1;
    }
  }
  freeaddrinfo(ai);
  if (fd < 0) {
    fail(e, "cannot connect to %s: %s", where, strerror(last));
    return false;
  }
  e->p->wfd = e->p->rfd = fd;
  return true;
}

/* PATH of a Unix stream socket. */
static bool connect_unix(ext *e, const char *path) {
  struct sockaddr_un sa = {.sun_family = AF_UNIX};
  if (!*path || strlen(path) >= sizeof sa.sun_path) {
    fail(e, "expected ext+unix:PATH (at most %zu bytes), got \"%.80s\"",
         sizeof sa.sun_path - 1, path);
    return false;
  }
  strcpy(sa.sun_path, path);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int r = fd < 0 ? -1 : connect(fd, (struct sockaddr *)&sa, sizeof sa);
  while (r < 0 && errno == EINTR) r = connect(fd, (struct sockaddr *)&sa, sizeof sa);
  if (r < 0) {
    int why = errno;
    if (fd >= 0) close(fd);
    fail(e, "cannot connect to %s: %s", path, strerror(why));
    return false;
  }
  e->p->wfd = e->p->rfd = fd;
  return true;
}

/* Closes its input, gives it GRACE seconds to exit by itself (its stderr
 * kept), then has the reaper kill its group and reap it. */
static void stop(ext_proc *p) {
  if (p->wfd >= 0 && p->wfd != p->rfd) close(p->wfd);
  if (p->wfd >= 0 && p->wfd == p->rfd) shutdown(p->wfd, SHUT_WR);
  p->wfd = -1;
  if (p->reaper > 0) { /* a moment to exit by itself, its stderr kept */
    double t0 = pl__now();
    p->len = 0;
    int r = 0;
    while (r >= 0 && p->rfd >= 0 && pl__now() - t0 < GRACE) {
      r = fill(p, 20);
      p->len = 0; /* what it says after "finished" is not read */
    }
    while (p->efd >= 0 && fill(p, 0) > 0) p->len = 0;
  }
  if (p->rfd >= 0) close(p->rfd);
  if (p->efd >= 0) close(p->efd);
  p->rfd = p->efd = -1;
  for (int s = 0; p->elen && s < p->n_open; s++)
    logm(p->open[s], 2, p->ebuf, p->elen);
  p->elen = 0;
  if (p->reaper > 0) {
    close(p->ctl); /* the reaper kills the group and reaps it */
    while (waitpid(p->reaper, NULL, 0) < 0 && errno == EINTR) {
    }
    p->reaper = 0;
  }
}

static ext_proc *proc_new(int mode, const char *spec) {
  ext_proc *p = pl__calloc(1, sizeof *p);
  if (!p) return NULL;
  p->mode = mode;
  p->wfd = p->rfd = p->efd = p->ctl = -1;
  if (!(p->spec = pl__strdup(spec ? spec : ""))) {
    pl__free(p);
    return NULL;
  }
  return p;
}

static void proc_free(ext_proc *p) {
  if (!p) return;
  stop(p);
  pl__free(p->buf);
  pl__free(p->obuf);
  pl__free(p->open);
  pl__free(p->spec);
  pl__free(p);
}

/* e's negotiation opens in p: a new session id. */
static bool attach(ext_proc *p, ext *e) {
  if (p->n_open == p->cap_open) {
    int cap = p->cap_open ? 2 * p->cap_open : 4;
    ext **g = pl__realloc(p->open, (size_t)cap * sizeof *g);
    if (!g) return false;
    p->open = g;
    p->cap_open = cap;
  }
  p->open[p->n_open++] = e;
  e->p = p;
  e->open = true;
  snprintf(e->sid, sizeof e->sid, "%ld", ++p->next_session);
  return true;
}

static void detach(ext *e) {
  ext_proc *p = e->p;
  for (int s = 0; e->open && s < p->n_open; s++)
    if (p->open[s] == e) {
      p->open[s] = p->open[--p->n_open];
      break;
    }
  e->open = false;
}

/* ---- the pool: processes kept between negotiations -------------------
 * A tournament's worker thread keeps, per agent spec, the processes (and
 * connections) that said in their handshake that they serve several
 * negotiations, and hands them its next negotiations: where the thread's
 * negotiations run, never in a forked worker (jobs.c), so the process
 * outlives each negotiation. pl__ext_pool_end stops them all. */

static _Thread_local bool pool_on;
static _Thread_local ext_proc *pool;

bool pl__ext_pool_begin(void) {
  bool was = pool_on;
  pool_on = true;
  return !was;
}

void pl__ext_pool_end(void) {
  while (pool) {
    ext_proc *p = pool;
    pool = p->next;
    proc_free(p);
  }
  pool_on = false;
}

/* A live process of this spec with room for one more negotiation. */
static ext_proc *pool_find(int mode, const char *spec) {
  for (ext_proc *p = pool; p; p = p->next)
    if (p->mode == mode && !p->dead && p->n_open < p->sessions &&
        !strcmp(p->spec, spec))
      return p;
  return NULL;
}

static void ext_destroy(void *agent) {
  ext *e = agent;
  if (!e) return;
  ext_proc *p = e->p;
  if (p && e->open && p->pooled && !p->dead && e->ready) {
    /* the negotiation never ran to its end (another party would not
     * start): the process hears that it is over */
    char m[128];
    int n = snprintf(m, sizeof m,
                     "{\"type\":\"finished\",\"session\":\"%s\",\"round\":0,"
                     "\"time\":0.0,\"reason\":\"failure\",\"outcome\":null}",
                     e->sid);
    e->broken = false;
    send_line(e, m, (size_t)n, true);
  }
  if (p) detach(e);
  if (p && !p->pooled) proc_free(p);
  else if (p && p->dead && !p->n_open) stop(p);
  pl__free(e->mb);
  pl__free(e->pend);
  pl__free(e);
}

/* ---- messages --------------------------------------------------------- */

/* ---- the hand-written encoder ----------------------------------------
 * Questions and informs, the messages of every move, are written straight
 * into one reused buffer, byte for byte what pl__json_dumps writes for
 * them (compact, in order, reals in their shortest round-trip form):
 * building and freeing a tree of objects per message cost more than the
 * rest of the move (docs/performance.md). */

static void mb_put(ext *e, const char *p, size_t n) {
  if (e->mlen + n > e->mcap) {
    size_t cap = e->mcap ? e->mcap : 1024;
    while (cap < e->mlen + n) cap *= 2;
    char *g = pl__realloc(e->mb, cap);
    if (!g) {
      e->moom = true;
      return;
    }
    e->mb = g;
    e->mcap = cap;
  }
  memcpy(e->mb + e->mlen, p, n);
  e->mlen += n;
}

static void mb_lit(ext *e, const char *p) { mb_put(e, p, strlen(p)); }

/* Digits by hand: printf's machinery cost more than the rest of an
 * integer's encoding (perf, bench_agents). */
static void mb_int(ext *e, long long v) {
  char b[24], *q = b + sizeof b;
  unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v
                               : (unsigned long long)v;
  do *--q = (char)('0' + u % 10);
  while (u /= 10);
  if (v < 0) *--q = '-';
  mb_put(e, q, (size_t)(b + sizeof b - q));
}

/* A real in its shortest round-trip form, as every JSON the library
 * writes has it (core/json_text.h). The form takes a print and a parse or
 * more; the same values come back move after move (the time of a round in
 * the question and its informs, the utility of an offer repeated), so the
 * last few are remembered. */
static void mb_real(ext *e, double v) {
  uint64_t bits;
  memcpy(&bits, &v, sizeof bits);
  real_memo *m = &e->reals[(bits * 0x9E3779B97F4A7C15ULL) >> 61];
  if (!m->n || m->bits != bits) {
    char b[PL__REAL_CHARS + 2];
    int n = pl__shortest_double(b, v);
    if (!strpbrk(b, ".eEn")) { /* a whole number stays a real: 1.0 */
      memcpy(b + n, ".0", 3);
      n += 2;
    }
    memcpy(m->text, b, (size_t)n);
    m->n = (uint8_t)n;
    m->bits = bits;
  }
  mb_put(e, m->text, m->n);
}

/* A JSON string with its quotes, escaped as jansson escapes it. */
static void mb_str(ext *e, const char *p) {
  mb_put(e, "\"", 1);
  const char *run = p;
  for (; *p; p++) {
    unsigned char c = (unsigned char)*p;
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    mb_put(e, run, (size_t)(p - run));
    char esc[8];
    const char *short_ = c == '"' ? "\\\"" : c == '\\' ? "\\\\"
                       : c == '\b' ? "\\b" : c == '\f' ? "\\f"
                       : c == '\n' ? "\\n" : c == '\r' ? "\\r"
                       : c == '\t' ? "\\t" : NULL;
    if (!short_) snprintf(esc, sizeof esc, "\\u%04X", c);
    mb_lit(e, short_ ? short_ : esc);
    run = p + 1;
  }
  mb_put(e, run, (size_t)(p - run));
  mb_put(e, "\"", 1);
}

/* ,"<prefix>outcome":[..],"<prefix>named":{..},"<prefix>utility":u,
 * "<prefix>acceptable":b for the agent's party (prefix "", "draft_" or
 * "current_"). */
static void mb_outcome(ext *e, const char *prefix, const uint32_t *o) {
  mb_lit(e, ",\"");
  mb_lit(e, prefix);
  mb_lit(e, "outcome\":[");
  for (int i = 0; i < e->ni; i++) {
    if (i) mb_put(e, ",", 1);
    if (o[i] == PL_NOT_AGREED) mb_lit(e, "null"); /* a partial agreement */
    else mb_int(e, o[i]);
  }
  mb_lit(e, "],\"");
  mb_lit(e, prefix);
  mb_lit(e, "named\":{");
  for (int i = 0; i < e->ni; i++) {
    if (i) mb_put(e, ",", 1);
    mb_str(e, e->s->issues[i].id);
    mb_put(e, ":", 1);
    if (o[i] == PL_NOT_AGREED) mb_lit(e, "null");
    else mb_str(e, e->s->issues[i].opt_id[o[i]]);
  }
  mb_lit(e, "},\"");
  mb_lit(e, prefix);
  mb_lit(e, "utility\":");
  mb_real(e, pl_scenario_utility(e->s, e->party, o));
  mb_lit(e, ",\"");
  mb_lit(e, prefix);
  mb_lit(e, pl_scenario_acceptable(e->s, e->party, o, NULL)
                ? "acceptable\":true"
                : "acceptable\":false");
}

/* ,"session":"S" in every message to a process that declared sessions. */
static void mb_session(ext *e) {
  if (!e->p->sessions) return;
  mb_lit(e, ",\"session\":");
  mb_str(e, e->sid);
}

/* Starts a question: {"type":..,"id":..,"round":..,"time":..,"expect":[..]
 * (left open for its outcome; closed by ask). */
static void question(ext *e, const char *type, const pl_agent_turn *t,
                     const char *const *expect) {
  e->mlen = 0;
  e->moom = false;
  mb_lit(e, "{\"type\":\"");
  mb_lit(e, type);
  mb_put(e, "\"", 1);
  mb_session(e);
  mb_lit(e, ",\"id\":");
  mb_int(e, ++e->seq);
  mb_lit(e, ",\"round\":");
  mb_int(e, t->round);
  mb_lit(e, ",\"time\":");
  mb_real(e, t->time > 1 ? 1 : t->time);
  mb_lit(e, ",\"expect\":[");
  for (const char *const *x = expect; *x; x++) {
    if (x != expect) mb_put(e, ",", 1);
    mb_str(e, *x);
  }
  mb_put(e, "]", 1);
}

enum { ROUTE_MINE, ROUTE_DROP, ROUTE_BAD };

/* Whose a line is (a: the line parsed, NULL when it is not JSON), in a
 * process that declared sessions; lines of a version-1 agent are always
 * the asker's. One thread asks one question of a process at a time, so: a
 * line of e's session is its answer; a line of another open session, which
 * has no question open, fails that negotiation ("an answer for a session
 * with no open question") and is dropped; a late line of a session already
 * finished (say, after its move limit) is dropped; a line without a
 * session, or with one never given, fails e. */
static int route(ext *e, json_t *a, const char *ex) {
  ext_proc *p = e->p;
  if (!p->sessions || !json_is_object(a)) return ROUTE_MINE;
  const char *sid = json_string_value(json_object_get(a, "session"));
  if (sid && !strcmp(sid, e->sid)) return ROUTE_MINE;
  for (int k = 0; sid && k < p->n_open; k++)
    if (!strcmp(p->open[k]->sid, sid)) {
      fail(p->open[k], "answered in its session with no question open: %s",
           ex);
      return ROUTE_DROP;
    }
  if (sid) {
    char *end, again[24];
    long v = strtol(sid, &end, 10);
    snprintf(again, sizeof again, "%ld", v);
    if (v >= 1 && v <= p->next_session && !strcmp(again, sid))
      return ROUTE_DROP;
  }
  char tx[48];
  if (sid) excerpt(tx, sizeof tx, sid, strlen(sid));
  if (sid) fail(e, "answered for an unknown session \"%s\": %s", tx, ex);
  else fail(e, "answered without a \"session\" (it declared sessions): %s", ex);
  return ROUTE_BAD;
}

/* Sends a question and reads its answer: an object whose "type" is one of
 * expect (and whose "id", if any, is the question's). */
static json_t *ask_line(ext *e, const char *msg, size_t len,
                        const char *const *expect) {
  if (e->broken) return NULL;
  ext_proc *p = e->p;
  /* anything it said since its last answer was said out of turn (but for
   * late answers of finished sessions). A fresh process has given no answer
   * yet: its first line is its handshake's, whenever it was written (or the
   * verdict would depend on whether it came before the settings). */
  bool fresh = !e->ready && !p->sessions;
  while (!e->rec && !p->dead && !fresh) {
    while (peek(p) > 0) {
    }
    if (!p->len) break;
    char ex[80];
    char *nl = memchr(p->buf, '\n', p->len);
    if (p->sessions && !nl) break; /* still being written: read below */
    size_t n = nl ? (size_t)(nl - p->buf) : p->len;
    logm(e, 1, p->buf, n);
    excerpt(ex, sizeof ex, p->buf, n);
    if (p->sessions) {
      json_t *a = json_loadb(p->buf, n, 0, NULL);
      int r = route(e, a, ex);
      json_decref(a);
      consume(e, n);
      if (r == ROUTE_DROP) continue;
      if (r == ROUTE_BAD) return NULL;
    }
    fail(e, "sent a message out of turn: %s", ex);
    return NULL;
  }
  if (!send_line(e, msg, len, true)) return NULL;
  json_t *a;
  json_error_t je;
  char ex[80];
  for (;;) {
    size_t n;
    const char *line = read_line(e, &n);
    if (!line) return NULL;
    a = json_loadb(line, n, JSON_REJECT_DUPLICATES, &je);
    excerpt(ex, sizeof ex, line, n);
    consume(e, n);
    int r = route(e, a, ex);
    if (r == ROUTE_MINE) break;
    json_decref(a);
    if (r == ROUTE_BAD) return NULL;
  }
  const char *type = json_string_value(json_object_get(a, "type"));
  json_t *id = json_object_get(a, "id");
  if (!a) {
    fail(e, "sent malformed JSON (%s at column %d): %s", je.text, je.column,
         ex);
  } else if (!json_is_object(a) || !type) {
    fail(e, "sent %s, not an object with a \"type\"", ex);
  } else if (id && (!json_is_integer(id) || json_integer_value(id) != e->seq)) {
    fail(e, "answered question %s, expected %ld: %s",
         json_is_integer(id) ? "another" : "a non-integer", e->seq, ex);
  } else {
    for (const char *const *x = expect; *x; x++)
      if (!strcmp(type, *x)) return a;
    char list[128] = "";
    for (const char *const *x = expect; *x; x++)
      snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s",
               x == expect ? "" : ", ", *x);
    char tx[48]; /* the type as the agent sent it: printable, one line */
    excerpt(tx, sizeof tx, type, strlen(type));
    fail(e, "answered \"%s\" where it could answer %s", tx, list);
  }
  json_decref(a);
  return NULL;
}

/* Closes the question being built and asks it. */
static json_t *ask(ext *e, const char *const *expect) {
  mb_put(e, "}", 1);
  if (e->moom) {
    fail(e, "out of memory");
    return NULL;
  }
  return ask_line(e, e->mb, e->mlen, expect);
}

/* Asks a message built with jansson (the settings). */
static json_t *ask_json(ext *e, json_t *msg, const char *const *expect) {
  char *text = msg ? pl__json_dumps(msg, JSON_COMPACT | JSON_PRESERVE_ORDER)
                   : NULL;
  json_decref(msg);
  if (!text) {
    fail(e, "out of memory");
    return NULL;
  }
  json_t *a = ask_line(e, text, strlen(text), expect);
  free(text);
  return a;
}

/* An option of an issue by id. */
static bool option_by_id(const pl__issue *is, const char *id, uint32_t *out) {
  for (uint32_t k = 0; k < is->n; k++)
    if (!strcmp(is->opt_id[k], id)) {
      *out = k;
      return true;
    }
  return false;
}

/* The outcome of an answer: "outcome" as an array of option indices or an
 * object {issue id: option id}; with base (a comment), "articles" as an
 * object of the changed issues only. */
static bool parse_outcome(ext *e, json_t *a, const uint32_t *base,
                          uint32_t *o) {
  const pl_scenario *s = e->s;
  json_t *v = json_object_get(a, "outcome");
  bool partial = false;
  if (!v && base && (v = json_object_get(a, "articles"))) partial = true;
  if (json_is_array(v) && !partial) {
    if (json_array_size(v) != (size_t)e->ni) {
      fail(e, "its outcome has %zu options, the scenario %d issues",
           json_array_size(v), e->ni);
      return false;
    }
    for (int i = 0; i < e->ni; i++) {
      json_t *x = json_array_get(v, (size_t)i);
      json_int_t k = json_is_integer(x) ? json_integer_value(x) : -1;
      if (k < 0 || (uint64_t)k >= s->issues[i].n) {
        fail(e, "its outcome has no option %s on issue \"%s\" (indices 0 to "
                "%u)", json_is_integer(x) ? "of that index" : "index",
             s->issues[i].id, s->issues[i].n - 1);
        return false;
      }
      o[i] = (uint32_t)k;
    }
    return true;
  }
  if (!json_is_object(v)) {
    fail(e, "its answer has no \"outcome\" (an array of option indices or "
            "an object of option ids)");
    return false;
  }
  if (base) memcpy(o, base, (size_t)e->ni * sizeof *o);
  size_t seen = 0;
  const char *key;
  json_t *x;
  json_object_foreach(v, key, x) {
    int i = 0;
    while (i < e->ni && strcmp(s->issues[i].id, key)) i++;
    char tx[68]; /* what the agent sent: printable, one line */
    if (i == e->ni) {
      excerpt(tx, sizeof tx, key, strlen(key));
      fail(e, "its outcome names an unknown issue \"%s\"", tx);
      return false;
    }
    const char *id = json_string_value(x);
    if (!id || !option_by_id(&s->issues[i], id, &o[i])) {
      if (id) excerpt(tx, sizeof tx, id, strlen(id));
      fail(e, "its outcome has an unknown option %s%s%s for issue \"%s\"",
           id ? "\"" : "(not a string id)", id ? tx : "", id ? "\"" : "",
           s->issues[i].id);
      return false;
    }
    seen++;
  }
  if (!partial && seen != (size_t)e->ni) {
    fail(e, "its outcome names %zu of the %d issues", seen, e->ni);
    return false;
  }
  return true;
}

/* ---- the settings -------------------------------------------------- */

static json_t *expr_json(const pl_expr *x) {
  json_t *o = json_object(), *a = json_array();
  int bad = !o || !a;
  if (x->kind == PL__EXPR_IN) {
    json_t *in = json_object();
    bad |= !in;
    for (size_t k = 0; a && k < x->n_listed; k++)
      bad |= json_array_append_new(a, json_integer(x->listed[k]));
    bad |= json_object_set_new(in, "issue", json_integer(x->issue));
    bad |= json_object_set_new(in, "options", a);
    bad |= json_object_set_new(o, "in", in);
  } else {
    for (size_t k = 0; a && k < x->n; k++)
      bad |= json_array_append_new(a, expr_json(x->kids[k]));
    if (x->kind == PL__EXPR_NOT) {
      bad |= json_object_set(o, "not", json_array_get(a, 0));
      json_decref(a);
    } else {
      bad |= json_object_set_new(o, x->kind == PL__EXPR_ALL ? "all" : "any", a);
    }
  }
  if (bad) {
    json_decref(o);
    return NULL;
  }
  return o;
}

static json_t *utility_json(const ext *e) {
  const pl_scenario *s = e->s;
  const pl__party *pa = &s->parties[e->party];
  json_t *u = json_object(), *arr = json_array();
  int bad = !u || !arr;
  if (!pa->hyper) {
    bad |= json_object_set_new(u, "kind", json_string("additive"));
    for (int i = 0; !bad && i < s->n_issues; i++) {
      json_t *v = json_array();
      bad |= !v;
      for (uint32_t k = 0; v && k < s->issues[i].n; k++)
        bad |= json_array_append_new(
            v, json_real(s->table[i][(size_t)k * s->n_parties + e->party]));
      bad |= json_array_append_new(arr, v);
    }
    bad |= json_object_set_new(u, "values", arr);
  } else {
    bad |= json_object_set_new(u, "kind", json_string("hyper"));
    bad |= json_object_set_new(u, "scale", json_real(pa->max_utility));
    for (size_t r = 0; !bad && r < pa->n_rects; r++) {
      const pl__rect *rc = &pa->rects[r];
      json_t *o = json_object(), *is = json_array(), *lo = json_array(),
             *hi = json_array();
      bad |= !o || !is || !lo || !hi;
      for (size_t k = 0; !bad && k < rc->n; k++) {
        bad |= json_array_append_new(is, json_integer(rc->issue[k]));
        bad |= json_array_append_new(lo, json_integer(rc->lo[k]));
        bad |= json_array_append_new(hi, json_integer(rc->hi[k]));
      }
      bad |= json_object_set_new(o, "utility", json_real(rc->utility));
      bad |= json_object_set_new(o, "issues", is);
      bad |= json_object_set_new(o, "lo", lo);
      bad |= json_object_set_new(o, "hi", hi);
      bad |= json_array_append_new(arr, o);
    }
    bad |= json_object_set_new(u, "rectangles", arr);
  }
  if (bad) {
    json_decref(u);
    return NULL;
  }
  return u;
}

static json_t *settings_json(const ext *e) {
  const pl_scenario *s = e->s;
  const pl__party *pa = &s->parties[e->party];
  json_t *m = json_object(), *sc = json_object(), *issues = json_array(),
         *parties = json_array(), *pref = json_object(), *rl = json_array(),
         *dl = json_object(), *lim = json_object(), *me = json_object();
  int bad = !m || !sc || !issues || !parties || !pref || !rl || !dl || !lim || !me;
  bad |= json_object_set_new(m, "type", json_string("settings"));
  bad |= json_object_set_new(m, "version", json_integer(PL_EXT_VERSION));
  bad |= json_object_set_new(m, "id", json_integer(0));
  bad |= json_object_set_new(m, "session", json_string(e->sid));
  bad |= json_object_set_new(me, "id", json_string(pa->id));
  bad |= json_object_set_new(me, "label", json_string(pa->name ? pa->name : pa->id));
  bad |= json_object_set_new(me, "index", json_integer(e->party));
  bad |= json_object_set_new(m, "party", me);
  bad |= json_object_set_new(m, "protocol",
                             json_string(pl_protocol_name(e->su.protocol)));
  bad |= json_object_set_new(
      m, "drafter",
      e->su.protocol == PL_PROTOCOL_TEXT
          ? json_string(s->parties[e->su.drafter].id)
          : json_null());
  bad |= json_object_set_new(dl, "rounds", json_integer(e->su.rounds));
  bad |= json_object_set_new(dl, "seconds", json_real(e->su.time_limit));
  bad |= json_object_set_new(m, "deadline", dl);
  bad |= json_object_set_new(lim, "move_seconds", json_real(move_limit(e)));
  bad |= json_object_set_new(lim, "agent_seconds", json_real(e->su.agent_limit));
  bad |= json_object_set_new(lim, "message_bytes",
                             json_integer((json_int_t)e->su.max_message));
  bad |= json_object_set_new(m, "limits", lim);
  bad |= json_object_set_new(sc, "id", json_string(s->id ? s->id : ""));
  bad |= json_object_set_new(sc, "title",
                             json_string(s->title ? s->title : ""));
  for (int i = 0; !bad && i < s->n_issues; i++) {
    const pl__issue *is = &s->issues[i];
    json_t *o = json_object(), *opts = json_array();
    bad |= !o || !opts;
    bad |= json_object_set_new(o, "id", json_string(is->id));
    bad |= json_object_set_new(o, "label",
                               json_string(is->name ? is->name : is->id));
    for (uint32_t k = 0; !bad && k < is->n; k++) {
      json_t *op = json_object();
      bad |= !op;
      bad |= json_object_set_new(op, "id", json_string(is->opt_id[k]));
      bad |= json_object_set_new(
          op, "label", json_string(is->opt_name && is->opt_name[k]
                                       ? is->opt_name[k]
                                       : is->opt_id[k]));
      if (is->num) bad |= json_object_set_new(op, "value", json_real(is->num[k]));
      bad |= json_array_append_new(opts, op);
    }
    bad |= json_object_set_new(o, "options", opts);
    bad |= json_array_append_new(issues, o);
  }
  bad |= json_object_set_new(sc, "issues", issues);
  for (int p = 0; !bad && p < s->n_parties; p++) {
    json_t *o = json_object();
    bad |= !o;
    bad |= json_object_set_new(o, "id", json_string(s->parties[p].id));
    bad |= json_object_set_new(
        o, "label",
        json_string(s->parties[p].name ? s->parties[p].name : s->parties[p].id));
    bad |= json_array_append_new(parties, o);
  }
  bad |= json_object_set_new(sc, "parties", parties);
  bad |= json_object_set_new(m, "scenario", sc);
  bad |= json_object_set_new(pref, "utility", utility_json(e));
  bad |= json_object_set_new(pref, "reservation", json_real(pa->reservation));
  bad |= json_object_set_new(pref, "discount", json_real(pa->discount));
  for (int r = 0; !bad && r < s->n_red_lines; r++) {
    const pl__red_line *x = &s->red_lines[r];
    if (x->party != e->party) continue;
    json_t *o = json_object();
    bad |= !o;
    bad |= json_object_set_new(o, "id", json_string(x->id));
    bad |= json_object_set_new(
        o, "description", json_string(x->description ? x->description : ""));
    if (x->linkage) {
      json_t *is = json_array();
      for (int i = 0; is && i < s->n_issues; i++)
        if (x->issues[i / 64] >> (i % 64) & 1)
          bad |= json_array_append_new(is, json_integer(i));
      bad |= json_object_set_new(o, "linkage", is);
    } else {
      bad |= json_object_set_new(o, "rule", expr_json(x->rule));
    }
    bad |= json_array_append_new(rl, o);
  }
  bad |= json_object_set_new(pref, "red_lines", rl);
  bad |= json_object_set_new(m, "preferences", pref);
  if (bad) {
    json_decref(m);
    return NULL;
  }
  return m;
}

/* ---- the table ------------------------------------------------------- */

static const char *const EXPECT_READY[] = {"ready", NULL};

/* The session id a recording's first message gave (replay), or NULL. */
static json_t *recorded_settings(const pl_recording *r, int party) {
  if (!r || !r->n[0][party]) return NULL;
  const rec_msg *m = &r->m[0][party][0];
  return json_loadb(m->line, m->len, 0, NULL);
}

static void *create_with(const pl_agent_setup *su, int mode,
                         const pl_recording *rec) {
  ext *e = pl__calloc(1, sizeof *e);
  if (!e) return NULL;
  e->s = su->scenario;
  e->party = su->party;
  e->ni = e->s->n_issues;
  PL__OPTIONS_COPY(&e->su, su);
  if (!e->su.max_message) e->su.max_message = (size_t)1 << 20;
  e->pend = pl__malloc((size_t)e->ni * sizeof *e->pend);
  /* a process of this spec kept by the thread's pool, with room; else a
   * new one */
  ext_proc *p = pool_on && mode != MODE_REPLAY ? pool_find(mode, su->params)
                                               : NULL;
  const bool reused = p != NULL;
  if (!p) p = proc_new(mode, mode == MODE_REPLAY ? "" : su->params);
  if (!e->pend || !p || !attach(p, e)) {
    if (su->error && su->error_size)
      snprintf(su->error, su->error_size, "out of memory");
    if (!reused) proc_free(p);
    pl__free(e->pend);
    pl__free(e);
    return NULL;
  }
  bool ok = true;
  if (mode == MODE_REPLAY) {
    e->rec = rec;
    json_t *st = recorded_settings(rec, e->party);
    const char *sid = json_string_value(json_object_get(st, "session"));
    if (sid) snprintf(e->sid, sizeof e->sid, "%s", sid);
    json_decref(st);
  } else if (!reused) {
    ok = mode == MODE_TCP    ? connect_tcp(e, su->params)
         : mode == MODE_UNIX ? connect_unix(e, su->params)
                             : spawn(e, su->params);
  }
  json_t *a = ok ? ask_json(e, settings_json(e), EXPECT_READY) : NULL;
  json_t *v = json_object_get(a, "version");
  json_t *n = json_object_get(a, "sessions");
  if (a && v && (!json_is_integer(v) || json_integer_value(v) != PL_EXT_VERSION))
    fail(e, "speaks version %s of the protocol, parley %d",
         json_is_integer(v) ? "another" : "an unknown", PL_EXT_VERSION);
  else if (a && n && !reused &&
           (!json_is_integer(n) || json_integer_value(n) < 1 ||
            json_integer_value(n) > PL_EXT_MAX_SESSIONS))
    fail(e, "declared \"sessions\" that is not an integer from 1 to %d",
         PL_EXT_MAX_SESSIONS);
  else if (a && n && !reused) {
    /* from now on every message carries its session; in a tournament
     * thread the process stays for the next negotiations */
    p->sessions = (int)json_integer_value(n);
    if (pool_on && mode != MODE_REPLAY) {
      p->pooled = true;
      p->next = pool;
      pool = p;
    }
  }
  json_decref(a);
  e->ready = true;
  if (e->broken) {
    if (su->error && su->error_size)
      snprintf(su->error, su->error_size, "%s", e->why);
    ext_destroy(e);
    return NULL;
  }
  return e;
}

/* ctx NULL: a command; 1 a TCP service, 2 a Unix-socket one. */
static void *ext_create(const pl_agent_setup *su) {
  return create_with(su, !su->ctx ? MODE_PROCESS
                         : su->ctx == (void *)2 ? MODE_UNIX : MODE_TCP,
                     NULL);
}

static const char *const EXPECT_OFFER[] = {"offer", "end", NULL};
static const char *const EXPECT_SAOP[] = {"accept", "reject", "offer", "end",
                                          NULL};
static const char *const EXPECT_TEXT[] = {"accept", "reject", "comment",
                                          "end", NULL};
static const char *const EXPECT_COMMENT[] = {"comment", "end", NULL};
static const char *const EXPECT_VOTE[] = {"accept", "reject", "end", NULL};

static int walk_or(json_t *a, int r) {
  const char *type = json_string_value(json_object_get(a, "type"));
  if (type && !strcmp(type, "end")) r = PL_AGENT_END;
  return r;
}

static int ext_propose(void *agent, const pl_agent_turn *t, uint32_t *o) {
  ext *e = agent;
  if (e->pending == PEND_OFFER) {
    e->pending = PEND_NONE;
    memcpy(o, e->pend, (size_t)e->ni * sizeof *o);
    return 0;
  }
  question(e, "your_turn", t, EXPECT_OFFER);
  json_t *a = ask(e, EXPECT_OFFER);
  int r = !a ? -1 : walk_or(a, 0);
  if (r == 0 && !parse_outcome(e, a, NULL, o)) r = -1;
  json_decref(a);
  return r;
}

static int ext_respond(void *agent, const pl_agent_turn *t,
                       const uint32_t *offer) {
  ext *e = agent;
  bool text = e->su.protocol == PL_PROTOCOL_TEXT;
  const char *const *expect = text ? EXPECT_TEXT : EXPECT_SAOP;
  question(e, "offer_received", t, expect);
  const pl_session *x = t->session;
  const pl_event *last = x && pl_session_event_count(x)
                             ? pl_session_event(x, pl_session_event_count(x) - 1)
                             : NULL;
  if (last && last->party >= 0 && last->kind == PL_EVENT_OFFER) {
    mb_lit(e, ",\"from\":");
    mb_str(e, e->s->parties[last->party].id);
  }
  mb_outcome(e, "", offer);
  json_t *a = ask(e, expect);
  int r = -1;
  const char *type = json_string_value(json_object_get(a, "type"));
  if (!a) {
    r = -1;
  } else if (!strcmp(type, "accept")) {
    r = PL_AGENT_ACCEPT;
  } else if (!strcmp(type, "reject")) {
    r = PL_AGENT_REJECT;
  } else if (!strcmp(type, "end")) {
    r = PL_AGENT_END;
  } else if (parse_outcome(e, a, !strcmp(type, "comment") ? offer : NULL,
                           e->pend)) {
    e->pending = !strcmp(type, "comment") ? PEND_COMMENT : PEND_OFFER;
    r = PL_AGENT_REJECT;
  }
  json_decref(a);
  return r;
}

static int ext_comment(void *agent, const pl_agent_turn *t,
                       const uint32_t *draft, uint32_t *want) {
  ext *e = agent;
  if (e->pending == PEND_COMMENT) {
    e->pending = PEND_NONE;
    memcpy(want, e->pend, (size_t)e->ni * sizeof *want);
    return 0;
  }
  question(e, "your_turn", t, EXPECT_COMMENT);
  mb_outcome(e, "draft_", draft);
  json_t *a = ask(e, EXPECT_COMMENT);
  int r = !a ? -1 : walk_or(a, 0);
  if (r == 0 && !parse_outcome(e, a, draft, want)) r = -1;
  json_decref(a);
  return r;
}

static int ext_vote(void *agent, const pl_agent_turn *t, const uint32_t *cur,
                    const uint32_t *prop) {
  ext *e = agent;
  question(e, "offer_received", t, EXPECT_VOTE);
  mb_lit(e, ",\"from\":null");
  mb_outcome(e, "", prop);
  mb_outcome(e, "current_", cur);
  json_t *a = ask(e, EXPECT_VOTE);
  const char *type = json_string_value(json_object_get(a, "type"));
  int r = !a ? -1 : !strcmp(type, "accept") ? PL_AGENT_ACCEPT
                  : !strcmp(type, "reject") ? PL_AGENT_REJECT
                                            : PL_AGENT_END;
  json_decref(a);
  return r;
}

static void ext_event(void *agent, const pl_session *x, const pl_event *ev) {
  ext *e = agent;
  const bool end = ev->kind == PL_EVENT_END;
  e->mlen = 0;
  e->moom = false;
  mb_lit(e, end ? "{\"type\":\"finished\"" : "{\"type\":\"action_done\"");
  mb_session(e);
  mb_lit(e, ",\"round\":");
  mb_int(e, ev->round);
  mb_lit(e, ",\"time\":");
  mb_real(e, ev->time);
  if (!end) {
    mb_lit(e, ",\"party\":");
    if (ev->party >= 0) mb_str(e, e->s->parties[ev->party].id);
    else mb_lit(e, "null");
    mb_lit(e, ",\"action\":");
    mb_str(e, pl_event_name(ev->kind));
    if (ev->options) mb_outcome(e, "", ev->options);
    if (ev->rejects) {
      mb_lit(e, ",\"rejects\":[");
      bool first = true;
      for (int i = 0; i < e->ni; i++)
        if (ev->rejects[i]) {
          if (!first) mb_put(e, ",", 1);
          mb_str(e, e->s->issues[i].id);
          first = false;
        }
      mb_put(e, "]", 1);
    }
  } else {
    int who = pl_session_failed_party(x);
    mb_lit(e, ",\"reason\":");
    mb_str(e, pl_end_name(pl_session_end(x)));
    if (ev->options) mb_outcome(e, "", ev->options);
    else mb_lit(e, ",\"outcome\":null");
    mb_lit(e, ",\"payoff\":");
    mb_real(e, pl_session_payoff(x, e->party));
    if (who >= 0) {
      mb_lit(e, pl_session_end(x) == PL_END_WALKOUT ? ",\"walked_out\":"
                                                     : ",\"failed\":");
      mb_str(e, e->s->parties[who].id);
    }
    if (*pl_session_failure(x)) {
      mb_lit(e, ",\"failure\":");
      mb_str(e, pl_session_failure(x));
    }
  }
  mb_put(e, "}", 1);
  /* the end goes even to an agent that broke a rule (with the reason);
   * an informational message that cannot be delivered fails the agent at
   * its next question */
  bool was = e->broken;
  char why[sizeof e->why];
  memcpy(why, e->why, sizeof why);
  if (end) e->broken = false;
  if (!e->moom) send_line(e, e->mb, e->mlen, end);
  if (end && was) {
    e->broken = true;
    memcpy(e->why, why, sizeof why);
  }
  if (end && !e->rec) {
    /* a version-1 process (or one outside a pool) ends with its
     * negotiation, its last stderr in its transcript; a pooled one waits
     * for the next */
    if (!e->p->pooled || e->p->dead) stop(e->p);
    detach(e);
  }
}

static const char *ext_error(void *agent) {
  ext *e = agent;
  return e->broken ? e->why : NULL;
}

/* An external agent and its replay differ only in how they are created. */
#define EXT_API(create)                                                        \
  {                                                                            \
    .abi_version = PL_AGENT_ABI_VERSION,                                       \
    .struct_size = sizeof(pl_agent_api), .destroy = ext_destroy,               \
    .create2 = (create), .propose2 = ext_propose, .respond2 = ext_respond,     \
    .comment = ext_comment, .vote = ext_vote, .event = ext_event,              \
    .error = ext_error,                                                        \
  }

static const pl_agent_api ext_api = EXT_API(ext_create);

const pl_agent_api *pl_agent_ext(void) { return &ext_api; }

/* The replay: the recording is the context. */
static void *replay_create(const pl_agent_setup *su) {
  const pl_recording *rec = su->ctx;
  if (!pl_recording_has_party(rec, su->party)) {
    if (su->error && su->error_size)
      snprintf(su->error, su->error_size,
               "the recording has no messages of this party");
    return NULL;
  }
  return create_with(su, MODE_REPLAY, rec);
}

static const pl_agent_api replay_api = EXT_API(replay_create);

const pl_agent_api *pl_agent_replay(void) { return &replay_api; }
