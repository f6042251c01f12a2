/* parley tournament CONFIG [--db FILE] [--jobs N] [--json] [--quiet] [--mpi]
 *                   [--sign KEYFILE [--sign-every N]]
 * parley results DB [--json] [--csv FILE] */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

#ifdef __GLIBC__
#include <malloc.h>
#endif

const char cmd_tournament_help[] =
    "usage: parley tournament CONFIG [options]\n"
    "\n"
    "Runs every negotiation of a tournament config (docs/tournament-format.md):\n"
    "every assignment of its agents to the parties of every scenario, each\n"
    "repeated. Results go to a SQLite store; running the same command again\n"
    "resumes: finished negotiations are skipped. A store made for another\n"
    "config is refused. Each negotiation's seed comes from the config's seed\n"
    "and its position, so results are the same for any number of threads or\n"
    "MPI ranks.\n"
    "\n"
    "options:\n"
    "  --db FILE      the results store (default: CONFIG's name with .db, in\n"
    "                 the current folder)\n"
    "  --jobs N       worker threads (default: the number of processors; with\n"
    "                 --mpi, 1 per rank)\n"
    "  --mpi          spread the work over MPI ranks (mpirun -np K parley\n"
    "                 tournament CONFIG --mpi); rank 0 writes the store\n"
    "  --json         print the summary as JSON\n"
    "  --quiet        no progress bar\n"
    "  --sign KEYFILE keep a chain of the results signed with this secret\n"
    "                 key (parley keygen): 'parley verify DB' then checks\n"
    "                 every row (docs/records.md); a signed store resumes\n"
    "                 only with its key\n"
    "  --sign-every N checkpoints: sign every N-th row and the last of each\n"
    "                 commit (0: only those); default 1, every row\n"
    "  -h, --help     show this help\n"
    "\n"
    "exit codes: 0 all negotiations done, 1 runtime failure or interrupted\n"
    "(run again to resume), 2 usage (also a public key for --sign), 3 bad\n"
    "config (also one over a limit), an unreadable key, or a --db that is no\n"
    "results store, one of another config, or signed otherwise than asked\n";

const char cmd_results_help[] =
    "usage: parley results DB [--json] [--csv FILE]\n"
    "\n"
    "Prints the summary of a tournament's results store, finished or not:\n"
    "per agent and per scenario, mean utility with its 95% confidence\n"
    "interval, agreement rate, welfare, distances to the Nash point and to\n"
    "the Pareto frontier, failures. --csv writes every negotiation as a row.\n"
    "A signed store (tournament --sign) gets a last line saying whether its\n"
    "chain and rows are intact (the fast check of 'parley verify DB').\n"
    "\n"
    "exit codes: 0 ok, 1 cannot read or write, 2 usage, 3 not a results store\n";

/* Set by SIGINT and SIGTERM; the library reads it in this thread (its
 * worker threads block these signals) and tells its threads. */
static volatile sig_atomic_t stop_flag;
static void on_signal(int sig) {
  (void)sig;
  stop_flag = 1;
}

typedef struct bar {
  int shown;
} bar;

/* done/total, rate and time left, on one terminal line. */
static void progress(void *ctx, uint64_t done, uint64_t total, double secs) {
  bar *b = ctx;
  static uint64_t first_done = UINT64_MAX;
  if (first_done == UINT64_MAX) first_done = done;
  double rate = secs > 0 ? (double)(done - first_done) / secs : 0;
  double left = rate > 0 ? (double)(total - done) / rate : 0;
  int width = 30, fill = total ? (int)((double)width * (double)done / (double)total) : width;
  char line[160], eta[32];
  if (rate > 0)
    snprintf(eta, sizeof eta, "%d:%02d:%02d", (int)(left / 3600),
             (int)(left / 60) % 60, (int)left % 60);
  else
    snprintf(eta, sizeof eta, "-");
  snprintf(line, sizeof line, "\r[%.*s%*s] %llu/%llu  %.0f/s  ETA %s ", fill,
           "==============================", width - fill, "",
           (unsigned long long)done, (unsigned long long)total, rate, eta);
  fputs(line, stderr);
  b->shown = 1;
}

static int print_summary(const char *db, int json) {
  pl_summary *s;
  pl_error err;
  if (pl_summary_load(db, &s, &err)) {
    cli_report(&err);
    return err.code == PL_EPARSE ? EXIT_INPUT : EXIT_RUNTIME;
  }
  int code = EXIT_OK;
  if (json)
    code = cli_put_json(pl_summary_to_json(s));
  else
    text_summary(stdout, s);
  pl_summary_free(s);
  return code;
}

/* A signed store's state in one line (nothing for an unsigned store). */
static void print_signature(const char *db) {
  pl_verify_options o;
  pl_verify_options_init(&o);
  o.fast = 1;
  pl_verdict *v = NULL;
  pl_error err;
  if (pl_store_verify(db, &o, &v, &err)) {
    if (err.code != PL_EPARSE) cli_report(&err);
    return;
  }
  size_t nf = pl_verdict_flaw_count(v), truncated = 0;
  for (size_t i = 0; i < nf; i++)
    truncated += pl_verdict_flaw(v, i)->kind == PL_FLAW_TRUNCATED;
  if (!nf)
    printf("\nSigned      intact: %zu entries in the chain cover every row "
           "(parley verify %s)\n",
           pl_verdict_entries(v), db);
  else if (nf == 1 && truncated)
    printf("\nSigned      intact so far: %zu entries, no end entry yet (not "
           "finished)\n",
           pl_verdict_entries(v));
  else
    printf("\nSigned      NOT INTACT: %zu flaw%s (parley verify %s)\n", nf,
           nf == 1 ? "" : "s", db);
  pl_verdict_free(v);
}

/* CONFIG's file name with .db instead of its extension. */
static char *default_db(const char *config) {
  const char *base = strrchr(config, '/');
  base = base ? base + 1 : config;
  size_t n = strcspn(base, ".");
  char *db = malloc(n + 4);
  if (db) snprintf(db, n + 4, "%.*s.db", (int)n, base);
  return db;
}

int cmd_tournament(int argc, char **argv) {
  const char *config = NULL, *db = NULL, *keyfile = NULL;
  int json = 0, quiet = 0, mpi = 0;
  long jobs = 0;
  uint32_t sign_every = 1;
  bool sign_every_given = false;
  for (int k = 1; k < argc; k++) {
    const char *arg = argv[k], *val = k + 1 < argc ? argv[k + 1] : NULL;
    if (!strcmp(arg, "--db") && val) {
      db = val;
      k++;
    } else if (!strcmp(arg, "--jobs")) {
      char *end;
      jobs = val ? strtol(val, &end, 10) : 0;
      if (!val || *end || jobs < 1 || jobs > 4096) {
        cli_error("--jobs takes a number of threads from 1 to 4096");
        return EXIT_USAGE;
      }
      k++;
    } else if (!strcmp(arg, "--json")) {
      json = 1;
    } else if (!strcmp(arg, "--quiet")) {
      quiet = 1;
    } else if (!strcmp(arg, "--mpi")) {
      mpi = 1;
    } else if (!strcmp(arg, "--sign") && val) {
      keyfile = val;
      k++;
    } else if (!strcmp(arg, "--sign-every") && val) {
      if (cli_parse_sign_every(val, &sign_every)) return EXIT_USAGE;
      sign_every_given = true;
      k++;
    } else if (arg[0] == '-' || config) {
      cli_error("unknown option or missing value '%s' (see 'parley "
                "tournament --help')",
                arg);
      return EXIT_USAGE;
    } else {
      config = arg;
    }
  }
  if (!config) {
    cli_error("tournament needs a config file (see 'parley tournament --help')");
    return EXIT_USAGE;
  }
  if (sign_every_given && !keyfile) {
    cli_error("--sign-every needs --sign KEYFILE");
    return EXIT_USAGE;
  }
#ifdef __GLIBC__
  /* every negotiation allocates and frees its agents and events: keep the
   * memory instead of handing it back to the kernel each time (trimming
   * cost 15-20% of a tournament in system time) */
  mallopt(M_TRIM_THRESHOLD, 64 << 20);
  mallopt(M_MMAP_THRESHOLD, 16 << 20);
#endif
  int rank = 0, code = EXIT_OK, threads = 0;
  uint64_t ran = 0;
  double secs = 0;
  if (mpi && (code = cli_mpi_begin(&rank))) return code;
  pl_tournament *t;
  pl_error err;
  /* every rank loads the config: a bad one fails everywhere alike */
  if (pl_tournament_load(config, &t, &err)) {
    if (rank == 0) cli_report(&err);
    if (mpi) cli_mpi_end(0);
    /* a config refused, also for being over a limit, is bad input */
    return err.code == PL_ENOMEM ? EXIT_RUNTIME : EXIT_INPUT;
  }
  if (rank != 0) { /* an MPI worker: no store, no summary */
    code = cli_mpi_work(t);
    pl_tournament_free(t);
    cli_mpi_end(code);
    return code;
  }
  char *own_db = db ? NULL : default_db(config);
  if (!db) db = own_db;
  pl_store *st = NULL;
  pl_key *key = NULL;
  pl_store_options so;
  pl_store_options_init(&so);
  so.sign_every = sign_every;
  if (keyfile && (code = cli_load_key(keyfile, &key)) == EXIT_OK &&
      !pl_key_can_sign(key)) {
    cli_error("--sign %s: that is a public key of '%s'; signing needs the "
              "secret key file",
              keyfile, pl_key_party(key));
    code = EXIT_USAGE;
  }
  so.key = key;
  if (code) {
    /* the key's message is out */
  } else if (!db) {
    cli_error("out of memory");
    code = EXIT_RUNTIME;
  } else if (pl_store_open_opts(db, t, &so, &st, &err)) {
    cli_report(&err);
    /* a store of another config or signed otherwise, or no store */
    code = err.code == PL_ECONFLICT || err.code == PL_EPARSE ? EXIT_INPUT
                                                             : EXIT_RUNTIME;
  }
  if (!code) {
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    pl_run_options o;
    pl_run_options_init(&o);
    o.threads = (int)(jobs ? jobs : mpi || cores < 1 ? 1 : cores);
    bar b = {0};
    if (!quiet && isatty(STDERR_FILENO)) {
      o.progress = progress;
      o.progress_ctx = &b;
    }
    if (mpi) cli_mpi_serve(&o);
    o.stop = &stop_flag;
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    uint64_t before = pl_store_done_count(st);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int rc = pl_tournament_run(t, st, &o, &err);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    ran = pl_store_done_count(st) - before;
    secs = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    threads = o.threads;
    if (b.shown) fputc('\n', stderr);
    if (rc) {
      cli_report(&err);
      code = EXIT_RUNTIME;
    }
    uint64_t done = pl_store_done_count(st), total = pl_tournament_job_count(t);
    if (pl_store_close(st, &err) && !code) {
      cli_report(&err);
      code = EXIT_RUNTIME;
    }
    if (!code && done < total) {
      cli_error("interrupted: %llu of %llu negotiations done; run the same "
                "command again to resume",
                (unsigned long long)done, (unsigned long long)total);
      code = EXIT_RUNTIME;
    }
  }
  pl_tournament_free(t);
  pl_key_free(key);
  if (mpi) cli_mpi_end(code);
  if (!code && !json && ran)
    printf("Run         %llu negotiations in %.2f s: %.0f per second, %d "
           "thread%s%s\n",
           (unsigned long long)ran, secs, secs > 0 ? (double)ran / secs : 0,
           threads, threads == 1 ? "" : "s", mpi ? " on rank 0 and the other ranks" : "");
  if (!code) code = print_summary(db, json);
  free(own_db);
  return cli_finish_output(code);
}

int cmd_results(int argc, char **argv) {
  const char *db = NULL, *csv = NULL;
  int json = 0;
  for (int k = 1; k < argc; k++) {
    const char *arg = argv[k], *val = k + 1 < argc ? argv[k + 1] : NULL;
    if (!strcmp(arg, "--csv") && val) {
      csv = val;
      k++;
    } else if (!strcmp(arg, "--json")) {
      json = 1;
    } else if (arg[0] == '-' || db) {
      cli_error("unknown option or missing value '%s' (see 'parley results "
                "--help')",
                arg);
      return EXIT_USAGE;
    } else {
      db = arg;
    }
  }
  if (!db) {
    cli_error("results needs a results store (see 'parley results --help')");
    return EXIT_USAGE;
  }
  if (access(db, R_OK)) {
    cli_error("cannot read %s: %s", db, strerror(errno));
    return EXIT_RUNTIME;
  }
  if (csv) {
    pl_error err;
    if (pl_results_write_csv(db, csv, &err)) {
      cli_report(&err);
      return err.code == PL_EPARSE ? EXIT_INPUT : EXIT_RUNTIME;
    }
    if (!json) return EXIT_OK;
  }
  int code = print_summary(db, json);
  if (!code && !json) print_signature(db);
  return cli_finish_output(code);
}
