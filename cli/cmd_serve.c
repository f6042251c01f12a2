/* parley serve SCENARIO... [--port N] [--bind ADDR] [--data DIR]
 * [--allow-remote] [--sign KEYFILE]: the negotiation table (include/parley/table.h) over
 * HTTP with libmicrohttpd (docs/web.md). This file only moves requests and
 * answers between the two and adds the security headers. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "parley/table.h"

const char cmd_serve_help[] =
    "usage: parley serve SCENARIO... [--port N] [--bind ADDR] [--data DIR]\n"
    "                    [--allow-remote] [--sign KEYFILE]\n"
    "\n"
    "Serves a negotiation table in the browser (docs/web.md): a page where a\n"
    "host creates a session on one of the scenarios (each a parley YAML\n"
    "file, or a GENIUS or GeniusWeb folder), under alternating offers or the\n"
    "single negotiating text, with each party a person or a built-in agent;\n"
    "each person gets a private link. The address is printed on standard\n"
    "error; the server runs until interrupted (Ctrl-C).\n"
    "\n"
    "options:\n"
    "  --port N         TCP port (default 8080; 0: any free one)\n"
    "  --bind ADDR      IPv4 or IPv6 address to listen on (default 127.0.0.1)\n"
    "  --allow-remote   allow an address other than the loopback: anyone who\n"
    "                   reaches it may create sessions\n"
    "  --data DIR       keep every session and action in DIR (SQLite); a\n"
    "                   restart resumes them (default: in memory only)\n"
    "  --sign KEYFILE   sign every transcript with this secret key (made by\n"
    "                   'parley keygen --party engine -o KEYFILE'): each is a\n"
    "                   signed record that 'parley verify' checks\n"
    "  -h, --help       show this help\n"
    "\n"
    "exit codes: 0 stopped by a signal, 1 runtime failure (the port is\n"
    "taken, the store cannot be opened), 2 usage (no scenario, a remote\n"
    "address without --allow-remote, or built without libmicrohttpd),\n"
    "3 bad input (a scenario that does not load)\n";

#ifndef PL_HAVE_MHD
/* The plain parley links no libmicrohttpd (with GnuTLS and its nine
 * libraries it cost more of a start-up than all the rest): `serve` runs in
 * parley-serve, the same CLI built with it (docs/architecture.md,
 * "Start-up"). */
int cli_has_mhd(void) { return cli_companion_exists("serve"); }

int cli_serve_launch(char **argv) {
  cli_companion_exec("serve", argv);
  return -1; /* not there: cmd_serve says so */
}

int cmd_serve(int argc, char **argv) {
  (void)argc;
  (void)argv;
  cli_error("serve: no parley-serve next to this parley (it is built when "
            "libmicrohttpd is found: apt-get install libmicrohttpd-dev, "
            "then rebuild; 'parley version' says which)");
  return EXIT_USAGE;
}
#else

int cli_has_mhd(void) { return 1; }
int cli_serve_launch(char **argv) {
  (void)argv;
  return -1; /* this is parley-serve: run here */
}

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>

/* The headers every answer carries: no script but the page's own file,
 * no framing, no sniffing, no referrer (a seat's link holds its token in
 * the fragment, which browsers never send, but stay safe). */
static const char csp[] =
    "default-src 'none'; script-src 'self'; style-src 'self'; "
    "connect-src 'self'; img-src 'self' data:; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'";

typedef struct upload {
  char *data;
  size_t len, limit;
  int too_big;
} upload;

static const char too_big_small[] = "{\"error\":\"the request body is over 64 KiB\"}";
static const char too_big_upload[] = "{\"error\":\"the request body is over 4 MiB\"}";

/* Queues resp with the headers of every answer. */
static enum MHD_Result queue(struct MHD_Connection *c,
                             struct MHD_Response *resp,
                             const pl_table_response *r) {
  if (!resp) return MHD_NO;
  MHD_add_response_header(resp, "Content-Type", r->content_type);
  MHD_add_response_header(resp, "Content-Security-Policy",
                          r->csp[0] ? r->csp : csp);
  if (r->filename) { /* a download, never shown in the page's origin */
    char cd[200];
    snprintf(cd, sizeof cd, "attachment; filename=\"%s\"", r->filename);
    MHD_add_response_header(resp, "Content-Disposition", cd);
  }
  MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
  MHD_add_response_header(resp, "X-Frame-Options", "DENY");
  MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
  MHD_add_response_header(resp, "Cross-Origin-Opener-Policy", "same-origin");
  MHD_add_response_header(resp, "Cache-Control",
                          strncmp(r->content_type, "text/html", 9) &&
                                  !r->private_
                              ? "no-cache"
                              : "no-store");
  enum MHD_Result ok = MHD_queue_response(c, (unsigned)r->status, resp);
  MHD_destroy_response(resp);
  return ok;
}

static enum MHD_Result send_answer(struct MHD_Connection *c,
                                   const pl_table_response *r) {
  return queue(c,
               MHD_create_response_from_buffer(r->len, r->body,
                                               MHD_RESPMEM_MUST_COPY),
               r);
}

static enum MHD_Result send_error(struct MHD_Connection *c, int status,
                                  const char *json) {
  pl_table_response r = {.status = status,
                         .content_type = "application/json",
                         .body = (char *)json,
                         .len = strlen(json),
                         .private_ = 1};
  return send_answer(c, &r);
}

/* A stream of server-sent events (GET /api/sessions/ID/events, docs/web.md):
 * the table's pieces one after the other on one chunked response. The
 * reader runs on the connection's own thread (thread per connection) and
 * may block there: pl_table_handle waits on the session's condition for at
 * most `wait` seconds and then answers a comment, so a quiet stream still
 * sends a heartbeat, and pl_table_wake ends every stream at once. */
typedef struct stream {
  pl_table *t;
  char path[128];
  char token[PL_TABLE_TOKEN_LEN + 1];
  uint64_t since, from;
  int end;
  char *piece; /* being sent: piece[off..len) */
  size_t len, off;
} stream;

static void stream_take(stream *s, pl_table_response *r) {
  s->piece = r->body;
  s->len = r->len;
  s->off = 0;
  s->since = r->next_since;
  s->from = r->next_from;
  s->end = r->end_of_stream;
}

static ssize_t stream_read(void *cls, uint64_t pos, char *out, size_t max) {
  (void)pos;
  stream *s = cls;
  while (s->off == s->len) {
    pl_free(s->piece);
    s->piece = NULL;
    s->len = s->off = 0;
    if (s->end) return MHD_CONTENT_READER_END_OF_STREAM;
    char since[24], from[24];
    snprintf(since, sizeof since, "%llu", (unsigned long long)s->since);
    snprintf(from, sizeof from, "%llu", (unsigned long long)s->from);
    pl_table_request q = {0};
    q.method = "GET";
    q.path = s->path;
    q.token = s->token;
    q.since = since;
    q.from = from; /* wait: the table's heartbeat period */
    pl_table_response r;
    if (pl_table_handle(s->t, &q, &r) || r.status != 200) {
      pl_free(r.body);
      return MHD_CONTENT_READER_END_WITH_ERROR;
    }
    stream_take(s, &r);
  }
  size_t n = s->len - s->off < max ? s->len - s->off : max;
  memcpy(out, s->piece + s->off, n);
  s->off += n;
  return (ssize_t)n;
}

static void stream_free(void *cls) {
  stream *s = cls;
  pl_free(s->piece);
  volatile char *tok = s->token; /* not left in freed memory */
  for (size_t i = 0; i < sizeof s->token; i++) tok[i] = 0;
  free(s);
}

/* The stream's first piece r (answered at once, so the headers go out
 * now), then the reader. */
static enum MHD_Result send_stream(struct MHD_Connection *c, pl_table *t,
                                   const pl_table_request *q,
                                   pl_table_response *r) {
  stream *s = calloc(1, sizeof *s);
  if (!s || strlen(q->path) >= sizeof s->path) {
    free(s);
    pl_free(r->body);
    return MHD_NO;
  }
  s->t = t;
  snprintf(s->path, sizeof s->path, "%s", q->path);
  snprintf(s->token, sizeof s->token, "%s", q->token ? q->token : "");
  stream_take(s, r);
  struct MHD_Response *resp = MHD_create_response_from_callback(
      MHD_SIZE_UNKNOWN, 16 * 1024, stream_read, s, stream_free);
  if (!resp) {
    stream_free(s);
    return MHD_NO;
  }
  MHD_add_response_header(resp, "X-Accel-Buffering", "no"); /* proxies */
  return queue(c, resp, r);
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c,
                              const char *url, const char *method,
                              const char *version, const char *data,
                              size_t *data_size, void **con_cls) {
  (void)version;
  pl_table *t = cls;
  upload *u = *con_cls;
  if (!u) { /* the first call: the headers only */
    if (strcmp(method, "GET") && strcmp(method, "HEAD") &&
        strcmp(method, "POST"))
      return send_error(c, 405, "{\"error\":\"use GET or POST\"}");
    const char *cl =
        MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
    size_t limit = pl_table_body_limit(method, url);
    if (cl && strtoull(cl, NULL, 10) > limit)
      return send_error(c, 413, limit > PL_TABLE_MAX_BODY ? too_big_upload
                                                          : too_big_small);
    if (!(u = calloc(1, sizeof *u))) return MHD_NO;
    u->limit = limit;
    *con_cls = u;
    return MHD_YES;
  }
  if (*data_size) { /* a part of the body */
    if (u->len + *data_size > u->limit) {
      u->too_big = 1;
    } else {
      char *d = realloc(u->data, u->len + *data_size + 1);
      if (!d) return MHD_NO;
      memcpy(d + u->len, data, *data_size);
      u->data = d;
      u->len += *data_size;
      d[u->len] = 0;
    }
    *data_size = 0;
    return MHD_YES;
  }
  if (u->too_big)
    return send_error(c, 413, u->limit > PL_TABLE_MAX_BODY ? too_big_upload
                                                           : too_big_small);
  pl_table_request q = {0};
  q.method = method;
  q.path = url;
  q.token = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Parley-Token");
  q.content_type =
      MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
  q.body = u->data;
  q.body_len = u->len;
  q.since = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "since");
  q.wait = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "wait");
  q.from = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "from");
  q.last_event_id =
      MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Last-Event-ID");
  /* a stream's first piece is answered without waiting (the headers go
   * out with it); the next ones wait the table's heartbeat period */
  size_t ul = strlen(url);
  int events = ul > 7 && !strcmp(url + ul - 7, "/events") &&
               !strcmp(method, "GET");
  if (events) q.wait = "0";
  pl_table_response r;
  if (pl_table_handle(t, &q, &r))
    return send_error(c, 500, "{\"error\":\"out of memory\"}");
  if (events && r.status == 200 &&
      !strcmp(r.content_type, "text/event-stream"))
    return send_stream(c, t, &q, &r);
  enum MHD_Result ok = send_answer(c, &r);
  pl_free(r.body);
  return ok;
}

static void done(void *cls, struct MHD_Connection *c, void **con_cls,
                 enum MHD_RequestTerminationCode why) {
  (void)cls;
  (void)c;
  (void)why;
  upload *u = *con_cls;
  if (u) free(u->data);
  free(u);
  *con_cls = NULL;
}

/* A scenario's name in the list: its file name without the extension,
 * made unique with -2, -3, ... */
static void scenario_name(const char *path, char *out, size_t size, int n) {
  const char *b = strrchr(path, '/');
  while (b && !b[1] && b > path) { /* a folder given with a trailing '/' */
    const char *p = b - 1;
    while (p > path && *p != '/') p--;
    b = p;
  }
  b = b && *b == '/' ? b + 1 : (b ? b : path);
  size_t k = 0;
  for (; b[k] && b[k] != '/' && k + 1 < size && k < 50; k++) {
    char ch = b[k];
    out[k] = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                     (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' ||
                     ch == '.'
                 ? ch
                 : '_';
  }
  out[k] = 0;
  char *dot = strrchr(out, '.');
  if (dot && dot != out) *dot = 0;
  if (!out[0]) snprintf(out, size, "scenario");
  if (n > 1) {
    size_t l = strlen(out);
    snprintf(out + l, size - l, "-%d", n);
  }
}

static int is_loopback(const struct sockaddr_storage *ss) {
  if (ss->ss_family == AF_INET) {
    const struct sockaddr_in *a = (const struct sockaddr_in *)ss;
    return (ntohl(a->sin_addr.s_addr) >> 24) == 127;
  }
  const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)ss;
  return IN6_IS_ADDR_LOOPBACK(&a->sin6_addr);
}

int cmd_serve(int argc, char **argv) {
  const char *bind = "127.0.0.1", *data = NULL, *sign = NULL;
  uint64_t port = 8080;
  int allow_remote = 0;
  const char **paths = calloc((size_t)argc + 1, sizeof *paths);
  size_t n = 0;
  if (!paths) return EXIT_RUNTIME;
  for (int k = 1; k < argc; k++) {
    const char *a = argv[k], *v = k + 1 < argc ? argv[k + 1] : NULL;
    if (!strcmp(a, "--port") && v) {
      char *end = NULL;
      port = strtoull(v, &end, 10);
      if (!*v || *v == '-' || *end || port > 65535) {
        cli_error("--port: '%s' is not a port number (0 to 65535)", v);
        free(paths);
        return EXIT_USAGE;
      }
      k++;
    } else if (!strcmp(a, "--bind") && v) {
      bind = v;
      k++;
    } else if (!strcmp(a, "--data") && v) {
      data = v;
      k++;
    } else if (!strcmp(a, "--sign") && v) {
      sign = v;
      k++;
    } else if (!strcmp(a, "--allow-remote")) {
      allow_remote = 1;
    } else if (a[0] != '-' || !a[1]) {
      paths[n++] = a;
    } else {
      cli_error("unknown option or missing value '%s' (see 'parley serve "
                "--help')",
                a);
      free(paths);
      return EXIT_USAGE;
    }
  }
  struct sockaddr_storage ss;
  memset(&ss, 0, sizeof ss);
  struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
  struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
  if (!strcmp(bind, "localhost")) bind = "127.0.0.1";
  if (inet_pton(AF_INET, bind, &a4->sin_addr) == 1) {
    a4->sin_family = AF_INET;
    a4->sin_port = htons((uint16_t)port);
  } else if (inet_pton(AF_INET6, bind, &a6->sin6_addr) == 1) {
    a6->sin6_family = AF_INET6;
    a6->sin6_port = htons((uint16_t)port);
  } else {
    cli_error("--bind: '%s' is not an IPv4 or IPv6 address", bind);
    free(paths);
    return EXIT_USAGE;
  }
  if (!is_loopback(&ss)) {
    if (!allow_remote) {
      cli_error("--bind %s: not a loopback address; anyone who reaches it "
                "could create sessions: add --allow-remote to mean it",
                bind);
      free(paths);
      return EXIT_USAGE;
    }
    fprintf(stderr, "parley: warning: serving on %s, beyond this machine: "
                    "anyone who reaches it may create sessions, and the "
                    "traffic is not encrypted (no TLS)\n",
            bind);
  }
  if (n == 0) {
    cli_error("serve needs at least one scenario (see 'parley serve --help')");
    free(paths);
    return EXIT_USAGE;
  }
  pl_key *key = NULL;
  if (sign) {
    int code = cli_load_key(sign, &key);
    if (!code && (!pl_key_can_sign(key) || strcmp(pl_key_party(key), "engine"))) {
      cli_error("--sign %s: that is %s key of '%s'; the server signs with a "
                "secret key of 'engine' (parley keygen --party engine -o %s)",
                sign, pl_key_can_sign(key) ? "the secret" : "a public",
                pl_key_party(key), sign);
      code = EXIT_USAGE;
    }
    if (code) {
      pl_key_free(key);
      free(paths);
      return code;
    }
  }
  pl_table_options o;
  pl_table_options_init(&o);
  o.data_dir = data;
  o.sign_key = key;
  pl_table *t = NULL;
  pl_error err = {0};
  int rc = pl_table_new(&o, &t, &err);
  if (rc) {
    cli_report(&err);
    pl_key_free(key);
    free(paths);
    return rc == PL_EPARSE ? EXIT_INPUT : EXIT_RUNTIME;
  }
  for (size_t i = 0; i < n; i++) {
    pl_scenario *s = NULL;
    if ((rc = pl_scenario_load(paths[i], &s, &err))) {
      cli_report(&err);
      pl_table_free(t);
      pl_key_free(key);
      free(paths);
      return cli_exit_code(rc);
    }
    int same = 1;
    for (size_t j = 0; j < i; j++) {
      char x[64], y[64];
      scenario_name(paths[i], x, sizeof x, 1);
      scenario_name(paths[j], y, sizeof y, 1);
      same += !strcmp(x, y);
    }
    char name[64];
    scenario_name(paths[i], name, sizeof name, same);
    rc = pl_table_add_scenario(t, name, s, &err);
    pl_scenario_free(s);
    if (rc) {
      cli_report(&err);
      pl_table_free(t);
      pl_key_free(key);
      free(paths);
      return cli_exit_code(rc);
    }
  }
  free(paths);
  /* the signals are taken by sigwait below; every thread inherits the
   * mask, so none of the server's threads is interrupted */
  sigset_t sigs;
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGINT);
  sigaddset(&sigs, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &sigs, NULL);
  unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD |
                   MHD_USE_THREAD_PER_CONNECTION |
                   (ss.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0);
  struct MHD_Daemon *d = MHD_start_daemon(
      flags, (uint16_t)port, NULL, NULL, handle, t, MHD_OPTION_SOCK_ADDR,
      (struct sockaddr *)&ss, MHD_OPTION_NOTIFY_COMPLETED, done, NULL,
      MHD_OPTION_CONNECTION_LIMIT, (unsigned)1000,
      MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)500,
      MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)120,
      MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024),
      MHD_OPTION_END);
  if (!d) {
    cli_error("serve: cannot listen on %s port %u (taken, or not an address "
              "of this machine)",
              bind, (unsigned)port);
    pl_table_free(t);
    pl_key_free(key);
    return EXIT_RUNTIME;
  }
  const union MHD_DaemonInfo *info =
      MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
  unsigned actual = info ? info->port : (unsigned)port;
  fprintf(stderr, "parley serve: http://%s%s%s:%u/ (%zu scenario%s; %s%s)\n",
          ss.ss_family == AF_INET6 ? "[" : "", bind,
          ss.ss_family == AF_INET6 ? "]" : "", actual, n, n == 1 ? "" : "s",
          data ? "sessions kept in " : "sessions kept in memory only",
          data ? data : "");
  fflush(stderr);
  int sig = 0;
  sigwait(&sigs, &sig);
  fprintf(stderr, "parley serve: stopping\n");
  pl_table_wake(t); /* waiting views answer now */
  MHD_stop_daemon(d);
  pl_table_free(t);
  pl_key_free(key);
  return cli_finish_output(EXIT_OK);
}
#endif
