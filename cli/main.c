/* parley: dispatch to the subcommands. */
#define _GNU_SOURCE /* memfd_create */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <math.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "cli.h"

static int cmd_help(int argc, char **argv);
static int cmd_version(int argc, char **argv);

static const command commands[] = {
    {"analyze", cmd_analyze,
     "common ground, deadlocks, Pareto frontier and fair packages",
     cmd_analyze_help},
    {"unlock", cmd_unlock,
     "the cheapest concessions that would open a zone of agreement",
     cmd_unlock_help},
    {"improve", cmd_improve,
     "packages every party prefers to a given one (post-settlement)",
     cmd_improve_help},
    {"run", cmd_run,
     "simulate a negotiation (alternating offers or a single text)",
     cmd_run_help},
    {"sequence", cmd_sequence,
     "implementation order: conflicts, best compromise, exposure, levers",
     cmd_sequence_help},
    {"tournament", cmd_tournament,
     "every agent against every other on every scenario (SQLite, MPI)",
     cmd_tournament_help},
    {"results", cmd_results, "summarise or export a tournament's results",
     cmd_results_help},
    {"report", cmd_report,
     "one self-contained HTML report with pictures, to hand over",
     cmd_report_help},
    {"replay", cmd_replay,
     "run a negotiation with external agents again from its transcript",
     cmd_replay_help},
    {"agent-check", cmd_agent_check,
     "run an agent through scripted negotiations, report what it breaks",
     cmd_agent_check_help},
    {"keygen", cmd_keygen, "make an Ed25519 key pair for a party",
     cmd_keygen_help},
    {"publish", cmd_publish,
     "publish a signed record as a bundle, withholding what you choose",
     cmd_publish_help},
    {"verify", cmd_verify,
     "check a record or bundle: complete, unaltered, what was withheld",
     cmd_verify_help},
    {"convert", cmd_convert,
     "write a scenario as parley YAML, GENIUS XML or GeniusWeb JSON",
     cmd_convert_help},
    {"serve", cmd_serve,
     "a negotiation table in the browser for people and agents (HTTP)",
     cmd_serve_help},
    {"version", cmd_version, "print the version", NULL},
    {"help", cmd_help, "show this help", NULL},
};
#define N_COMMANDS (sizeof commands / sizeof *commands)

void cli_error(const char *fmt, ...) {
  va_list ap;
  fputs("parley: ", stderr);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
}

void cli_report(const pl_error *err) {
  if (err->file[0] && err->line > 0)
    fprintf(stderr, "%s:%d:%d: %s\n", err->file, err->line, err->column,
            err->message);
  else if (err->file[0])
    fprintf(stderr, "%s: %s\n", err->file, err->message);
  else
    fprintf(stderr, "parley: %s\n", err->message);
}

int cli_exit_code(int status) {
  switch (status) {
  case PL_OK:
    return EXIT_OK;
  case PL_EPARSE:
  case PL_EIO:
    return EXIT_INPUT;
  default:
    return EXIT_RUNTIME;
  }
}

int cli_parse_count(const char *s, uint64_t *out) {
  char *end;
  errno = 0;
  double v = strtod(s, &end);
  if (end == s || *end || errno || !(v >= 1) || v > 1.8e19 || v != floor(v))
    return -1;
  *out = (uint64_t)v;
  return 0;
}

int cli_parse_size(const char *s, uint64_t *out) {
  char *end;
  errno = 0;
  double v = strtod(s, &end);
  if (end == s || errno || !(v > 0)) return -1;
  double mult = 1;
  switch (*end) {
  case 'k': case 'K': mult = 1024.0; end++; break;
  case 'm': case 'M': mult = 1024.0 * 1024; end++; break;
  case 'g': case 'G': mult = 1024.0 * 1024 * 1024; end++; break;
  case 't': case 'T': mult = 1024.0 * 1024 * 1024 * 1024; end++; break;
  }
  if (*end == 'B' || *end == 'b') end++;
  if (*end || v * mult > 1.8e19) return -1;
  *out = (uint64_t)(v * mult);
  return 0;
}

int cli_limit_option(const char *arg, const char *val, uint64_t *max_outcomes,
                     uint64_t *memory) {
  if (!strcmp(arg, "--max-outcomes")) {
    if (val && !cli_parse_count(val, max_outcomes)) return 1;
    cli_error("--max-outcomes takes a positive whole number, e.g. 1e9");
    return -1;
  }
  if (!strcmp(arg, "--memory")) {
    if (val && !cli_parse_size(val, memory)) return 1;
    cli_error("--memory takes a size such as 512M or 16G");
    return -1;
  }
  return 0;
}

int cli_package(const pl_scenario *s, const char *from, uint32_t *options,
                pl_error *err) {
  if (!strncmp(from, "transcript:", 11))
    return pl_package_from_transcript(s, from + 11, options, err);
  return pl_package_parse(s, from, "--from", options, err);
}

int cli_check_plot(const char *path) {
  pl_plot_format f;
  pl_error err = {0};
  if (pl_plot_format_from_path(path, &f, &err) == PL_OK) return 0;
  cli_error("--plot '%s': the file name must end in .svg, .png or .pdf", path);
  return -1;
}

int cli_plot_exit_code(int status) {
  return status == PL_EUNSUPPORTED ? EXIT_USAGE : EXIT_RUNTIME;
}

int cli_put_json(char *text) {
  if (!text) {
    cli_error("out of memory");
    return EXIT_RUNTIME;
  }
  puts(text);
  pl_free(text);
  return EXIT_OK;
}

int cli_finish_output(int code) {
  if (fflush(stdout) != 0 || ferror(stdout)) {
    cli_error("cannot write the output: %s", strerror(errno));
    return EXIT_RUNTIME;
  }
  return code;
}

/* parley-NAME beside this executable; 0 when its path fits. */
static int companion_path(const char *name, char *buf, size_t size) {
  char self[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) return -1;
  self[n] = 0;
  char *slash = strrchr(self, '/');
  if (!slash) return -1;
  slash[1] = 0;
  int m = snprintf(buf, size, "%sparley-%s", self, name);
  return m > 0 && (size_t)m < size ? 0 : -1;
}

int cli_companion_exists(const char *name) {
  char path[PATH_MAX + 32];
  return companion_path(name, path, sizeof path) == 0 &&
         access(path, X_OK) == 0;
}

void cli_companion_exec(const char *name, char **argv) {
  char path[PATH_MAX + 32];
  if (companion_path(name, path, sizeof path)) {
    errno = ENAMETOOLONG;
    return;
  }
  argv[0] = path;
  execv(path, argv);
}

static void usage(FILE *f) {
  fprintf(f, "usage: parley <command> [options]\n\ncommands:\n");
  for (size_t k = 0; k < N_COMMANDS; k++)
    fprintf(f, "  %-11s %s\n", commands[k].name, commands[k].summary);
  fprintf(f,
          "\n'parley <command> --help' describes a command.\n"
          "exit codes: 0 ok, 1 runtime failure, 2 usage, 3 bad input, 4 a record\n"
          "that does not verify, or an agent that broke a rule (agent-check)\n");
}

/* -h or --help anywhere after the command's name: its help, whatever else
 * is there (every command's help is handled here, before its options). */
static bool wants_help(int argc, char **argv) {
  for (int k = 2; k < argc; k++)
    if (!strcmp(argv[k], "-h") || !strcmp(argv[k], "--help")) return true;
  return false;
}

static int print_help(const char *help) {
  fputs(help, stdout);
  return cli_finish_output(EXIT_OK);
}

static int cmd_help(int argc, char **argv) {
  if (argc > 1) {
    for (size_t k = 0; k < N_COMMANDS; k++)
      if (!strcmp(argv[1], commands[k].name))
        return commands[k].help ? print_help(commands[k].help)
                                : commands[k].run(1, argv + 1);
    cli_error("unknown command '%s'", argv[1]);
    return EXIT_USAGE;
  }
  usage(stdout);
  return cli_finish_output(EXIT_OK);
}

static int cmd_version(int argc, char **argv) {
  (void)argc;
  (void)argv;
  /* what is there, without loading it (docs/cli.md) */
#ifdef PL_NO_MODULES
  /* pictures are made by parley-dl (needs_modules) */
  bool pictures = cli_companion_exists("dl") && pl_pictures_available();
#else
  bool pictures = pl_pictures_available();
#endif
  printf("parley %s (Open MPI: %s, pictures: %s, serve: %s)\n", pl_version(),
         cli_has_mpi() ? "yes" : "no", pictures ? "yes" : "no",
         cli_has_mhd() ? "yes" : "no");
  return cli_finish_output(EXIT_OK);
}

/* Standard output is held back until the command has succeeded
 * (docs/cli.md: on any failure nothing is written on standard output):
 * file descriptor 1 points at an anonymous in-memory file while the
 * command runs, so every write -- stdio, puts, a library's -- lands there;
 * on exit code 0 it is copied to the real output, otherwise dropped. One
 * mechanism for every command, instead of ordering each command's files
 * before its printing. */
typedef struct held_stdout {
  int real; /* the real standard output, or -1 when not holding */
  int mem;
} held_stdout;

/* Whether standard output is /dev/null (character device 1:3), where
 * nothing can be half-written: holding it would only copy the output
 * once more (GNU tar makes the same test). */
static bool stdout_is_null(void) {
  struct stat st;
  return fstat(STDOUT_FILENO, &st) == 0 && S_ISCHR(st.st_mode) &&
         major(st.st_rdev) == 1 && minor(st.st_rdev) == 3;
}

static held_stdout hold_stdout(void) {
  held_stdout h = {-1, -1};
  /* nothing is written before the end: blocks of 16 KiB, few system calls
   * for a transcript of some hundred KiB (64 KiB cost 12 more page faults,
   * each dearer on a virtual machine than the writes they save) */
  static char buffer[1 << 14];
  if (stdout_is_null()) {
    (void)setvbuf(stdout, buffer, _IOFBF, sizeof buffer);
    return h;
  }
  int real = dup(STDOUT_FILENO);
  if (real < 0) return h; /* no standard output: nothing to hold */
  int mem = memfd_create("parley-stdout", MFD_CLOEXEC);
  if (mem < 0) {
    FILE *f = tmpfile(); /* kernels without memfd */
    mem = f ? dup(fileno(f)) : -1;
    if (f) fclose(f);
  }
  if (mem < 0 || dup2(mem, STDOUT_FILENO) < 0) {
    if (mem >= 0) close(mem);
    close(real);
    return h;
  }
  (void)fcntl(real, F_SETFD, FD_CLOEXEC);
  (void)setvbuf(stdout, buffer, _IOFBF, sizeof buffer);
  h.real = real;
  h.mem = mem;
  return h;
}

static int release_stdout(held_stdout h, int code) {
  if (h.real < 0) return cli_finish_output(code);
  int failed = fflush(stdout) != 0 || ferror(stdout);
  int saved = errno;
  (void)dup2(h.real, STDOUT_FILENO);
  close(h.real);
  if ((code == EXIT_OK || code == EXIT_VERIFY) && failed) {
    cli_error("cannot write the output: %s", strerror(saved));
    code = EXIT_RUNTIME;
  }
  /* exit 4 (a record that does not verify, an agent that broke a rule)
   * is verify's and agent-check's answer: kept */
  bool keep = code == EXIT_OK || code == EXIT_VERIFY;
  /* the kernel copies the held file out (no buffer here to touch); what
   * sendfile cannot move (an old kernel, an output it refuses) goes
   * through read and write from where it stopped */
  off_t sent = 0;
  while (keep) {
    ssize_t w = sendfile(STDOUT_FILENO, h.mem, &sent, 1 << 30);
    if (w > 0 || (w < 0 && errno == EINTR)) continue;
    if (w == 0) {
      close(h.mem);
      return code;
    }
    break;
  }
  if (keep && lseek(h.mem, sent, SEEK_SET) == sent) {
    char buf[1 << 16];
    ssize_t n;
    while ((n = read(h.mem, buf, sizeof buf)) > 0) {
      for (ssize_t off = 0; off < n;) {
        ssize_t w = write(STDOUT_FILENO, buf + off, (size_t)(n - off));
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
          cli_error("cannot write the output: %s", strerror(errno));
          close(h.mem);
          return EXIT_RUNTIME;
        }
        off += w;
      }
    }
    if (n < 0) {
      cli_error("cannot write the output: %s", strerror(errno));
      code = EXIT_RUNTIME;
    }
  }
  close(h.mem);
  return code;
}

#ifdef PL_NO_MODULES
/* This parley is linked statically and opens no shared object
 * (src/core/dl.c). A command line that may need one runs in parley-dl,
 * the CLI with glibc shared, exec'd in its place with the same arguments
 * (docs/architecture.md, "Start-up"). Why this one may, or NULL: the test
 * is on the arguments alone and errs towards parley-dl (a tournament of
 * built-in agents, an ext: command with a slash); what it lets through
 * can only fail with src/core/dl.c's message, never load anything. */
static const char *needs_modules(int argc, char **argv) {
  static const struct {
    const char *command, *why;
  } commands_that_may[] = {
      {"tournament", "tournament loads the agents its configuration names"},
      {"replay", "replay loads the agents its transcript names"},
      {"agent-check", "agent-check loads the agent it checks"},
      {"report", "report writes HTML with libxml2 and draws with the cairo "
                 "module"},
  };
  for (size_t k = 0; k < sizeof commands_that_may / sizeof *commands_that_may;
       k++)
    if (!strcmp(argv[1], commands_that_may[k].command))
      return commands_that_may[k].why;
  for (int k = 2; k < argc; k++) {
    const char *before = argv[k - 1];
    if (!strcmp(argv[k], "--plot")) return "--plot draws with the cairo module";
    if (!strcmp(argv[1], "convert") && !strcmp(before, "--to") &&
        !strcmp(argv[k], "genius"))
      return "convert --to genius writes XML with libxml2";
    if (!strcmp(before, "--agents") && strchr(argv[k], '/'))
      return "a plug-in agent is a shared object to open";
    if (!strcmp(before, "--agents") && strstr(argv[k], "ext+tcp:"))
      return "an ext+tcp: agent's host is looked up through glibc's modules";
  }
  return NULL;
}
#endif

int main(int argc, char **argv) {
  if (argc < 2) {
    usage(stderr);
    return EXIT_USAGE;
  }
  const char *name = argv[1];
  if (!strcmp(name, "--help") || !strcmp(name, "-h")) name = "help";
  if (!strcmp(name, "--version") || !strcmp(name, "-V")) name = "version";
  /* A command is one process (but for serve, which runs for days): memory
   * it frees stays with it for its next allocations rather than going back
   * to the kernel and coming again as fresh pages (glibc gives blocks of
   * 128 KiB or more their own mapping, and shrinks the heap when 128 KiB
   * are free at its top; on a virtual machine each page fault costs ~10 us
   * and each unmapping a TLB flush: docs/performance.md, "Start-up") */
  if (strcmp(name, "serve")) {
    (void)mallopt(M_MMAP_THRESHOLD, 32 << 20);
    (void)mallopt(M_TRIM_THRESHOLD, 256 << 20);
  }
  /* before standard output is held: a companion gets the real one */
  if (!strcmp(name, "tournament"))
    for (int k = 2; k < argc; k++)
      if (!strcmp(argv[k], "--mpi")) {
        int code = cli_mpi_launch(argv);
        if (code >= 0) return code;
        break;
      }
  if (!strcmp(name, "serve")) {
    int code = cli_serve_launch(argv);
    if (code >= 0) return code;
  }
#ifdef PL_NO_MODULES
  /* a command's help is here too */
  const char *why = wants_help(argc, argv) ? NULL : needs_modules(argc, argv);
  if (why) {
    cli_companion_exec("dl", argv);
    cli_error("%s, which only parley-dl can do, and parley-dl next to this "
              "parley cannot be run (%s): rebuild or reinstall parley",
              why, strerror(errno));
    return EXIT_USAGE;
  }
#endif
  for (size_t k = 0; k < N_COMMANDS; k++)
    if (!strcmp(name, commands[k].name)) {
      held_stdout h = hold_stdout();
      int code = commands[k].help && wants_help(argc, argv)
                     ? print_help(commands[k].help)
                     : commands[k].run(argc - 1, argv + 1);
      return release_stdout(h, code);
    }
  cli_error("unknown command '%s' (see 'parley help')", name);
  return EXIT_USAGE;
}
