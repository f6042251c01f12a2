/* The parley command line: one cmd_<name>.c per subcommand, dispatched from
 * main.c. Only the public API is used. */
#ifndef PARLEY_CLI_H
#define PARLEY_CLI_H

#include <stdint.h>
#include <stdio.h>

#include "parley/parley.h"

/* Exit codes (docs/cli.md). */
enum {
  EXIT_OK = 0,
  EXIT_RUNTIME = 1, /* the computation failed: out of memory, too big, I/O */
  EXIT_USAGE = 2,   /* bad command line */
  EXIT_INPUT = 3,   /* bad input file */
  EXIT_VERIFY = 4   /* a record that does not verify (parley verify,
                       publish): an answer, not a failure, so standard
                       output is kept */
};

typedef struct command {
  const char *name;
  int (*run)(int argc, char **argv);
  const char *summary;
  const char *help; /* printed for -h or --help anywhere after the name */
} command;

/* Each command's --help text (main.c prints it). */
extern const char cmd_analyze_help[];
extern const char cmd_unlock_help[];
extern const char cmd_improve_help[];
extern const char cmd_run_help[];
extern const char cmd_sequence_help[];
extern const char cmd_tournament_help[];
extern const char cmd_results_help[];
extern const char cmd_report_help[];
extern const char cmd_replay_help[];
extern const char cmd_agent_check_help[];
extern const char cmd_keygen_help[];
extern const char cmd_publish_help[];
extern const char cmd_verify_help[];
extern const char cmd_convert_help[];
extern const char cmd_serve_help[];
int cmd_analyze(int argc, char **argv);
int cmd_convert(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_sequence(int argc, char **argv);
int cmd_tournament(int argc, char **argv);
int cmd_results(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_unlock(int argc, char **argv);
int cmd_improve(int argc, char **argv);
int cmd_replay(int argc, char **argv);
int cmd_agent_check(int argc, char **argv);
int cmd_keygen(int argc, char **argv);
int cmd_publish(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_serve(int argc, char **argv);
/* Whether parley serve can run: built in (parley-serve, with libmicrohttpd)
 * or parley-serve next to this parley (cli/cmd_serve.c). */
int cli_has_mhd(void);
/* Companions: parley-NAME next to this executable, the same CLI built with
 * a library the plain parley does not load at start-up (parley-mpi with
 * Open MPI, parley-serve with libmicrohttpd; docs/architecture.md,
 * "Start-up"). cli_companion_exists says whether it is there;
 * cli_companion_exec runs argv in it (exec) and returns only when it
 * cannot, errno set. */
int cli_companion_exists(const char *name);
void cli_companion_exec(const char *name, char **argv);
/* Loads a key file (cli/cmd_keygen.c), printing the warning about its
 * permissions; on failure reports it and returns the exit code. */
int cli_load_key(const char *path, pl_key **out);
/* --sign-every N (a whole number from 0); -1 with the message printed. */
int cli_parse_sign_every(const char *val, uint32_t *out);
/* 1 when path is a SQLite database (a tournament's results store). */
int cli_is_sqlite(const char *path);
/* parley tournament --mpi (cli/mpi.c; cli_mpi_begin fails with a message
 * when built without Open MPI): begin (MPI_Init, this rank), then rank 0
 * serves the others through the runner's poll hook while every other rank
 * works, and every rank ends (MPI_Finalize, or MPI_Abort when code != 0). */
int cli_has_mpi(void);
/* `parley tournament ... --mpi` in the plain parley: runs the command in
 * parley-mpi (exec, same arguments); returns an exit code only when it
 * cannot. In parley-mpi itself: -1, run here. */
int cli_mpi_launch(char **argv);
/* `parley serve` in the plain parley: the same in parley-serve; returns an
 * exit code only when it cannot. In parley-serve itself: -1, run here. */
int cli_serve_launch(char **argv);
int cli_mpi_begin(int *rank);
int cli_mpi_serve(pl_run_options *o);
int cli_mpi_work(pl_tournament *t);
void cli_mpi_end(int code);
/* Prints JSON text and frees it; EXIT_RUNTIME when it is NULL (out of
 * memory). */
int cli_put_json(char *text);

/* Scenario inputs (cli/inputs.c). */
typedef struct cli_inputs {
  const char **paths;
  size_t n;
  pl_load_options load;
} cli_inputs;
#define INPUT_HELP                                                           \
  "INPUT is a parley YAML file; a GENIUS domain XML followed by its\n"      \
  "profile XMLs; a GeniusWeb domain JSON followed by its profile JSONs; or\n" \
  "a folder holding one domain and its profiles.\n"
#define INPUT_OPTIONS_HELP                                                   \
  "  --real-intervals N  analyse real issues of GENIUS and GeniusWeb files\n" \
  "                      at N+1 points (default 10)\n"
int cli_inputs_init(cli_inputs *in, int argc);
void cli_inputs_free(cli_inputs *in);
/* Takes arg (and val) when they are an input or an input option: returns
 * how many arguments it used (0: not an input option; -1: usage error,
 * already reported). */
int cli_inputs_option(cli_inputs *in, const char *arg, const char *val);
/* The options of a simulated negotiation, shared by run and report:
 * --protocol, --drafter, --rounds, --time, --max-events, --partial,
 * --seed. */
typedef struct cli_session {
  pl_session_options o;
  int rounds_given;
  const char *drafter;
} cli_session;
#define SESSION_OPTIONS_HELP                                                 \
  "  --protocol P        saop (default), text or mediated\n"                \
  "  --drafter PARTY     who drafts the single text (default: the first)\n"  \
  "  --rounds N          deadline in rounds (default 100; 0: none, with\n"  \
  "                      --time)\n"                                          \
  "  --time S            deadline in seconds of wall time (with --rounds,\n" \
  "                      whichever comes first)\n"                          \
  "  --max-events N      end a run whose transcript reaches N events\n"     \
  "                      (default 1000000; 0: no limit)\n"                  \
  "  --partial           at a deadline, agree the articles every party\n"   \
  "                      accepted if every party allows that (the rest\n"   \
  "                      stays at the status quo)\n"                        \
  "  --seed N            seed for randomised agents (default 0)\n"         \
  "  --move-time S       an external agent's time for one answer (default\n" \
  "                      60; 0: no limit)\n"                                \
  "  --agent-time S      an external agent's time for all its answers\n"   \
  "                      (default 0: no limit)\n"                           \
  "  --max-message SIZE  longest message of an external agent (default 1M)\n"
/* Takes arg (and val) when they are a session option: returns how many
 * arguments it used (0: not one; -1: usage error, already reported). */
int cli_session_option(cli_session *cs, const char *arg, const char *val);
/* After the arguments (and, for --drafter, the scenario): the deadlines'
 * defaults and checks; -1 on a usage error, already reported. */
int cli_session_finish(cli_session *cs, const pl_scenario *s);
/* Runs a negotiation of the agents in agent_list (split in place; it must
 * outlive the session) under cs's options to its end: an exit code, and
 * the session in *out (NULL when it could not start). option names the
 * list in messages ("--agents"). */
int cli_negotiate(const pl_scenario *s, cli_session *cs, char *agent_list,
                  const char *option, pl_session **out);
/* Splits an agents list in place, "a,b:e=1,k=0.1,c": a comma starts a new
 * agent unless what follows is a parameter (name=value) of the same one.
 * Returns how many agents (at most max) it found. */
int cli_split_agents(char *list, const char **out, int max);
/* Loads the scenario; on failure reports it and returns the exit code. */
int cli_inputs_load(cli_inputs *in, const char *cmd, pl_scenario **s);

/* Prints "parley: " and the message to stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints a library error: "file:line:col: message" when it has a place. */
void cli_report(const pl_error *err);
/* Exit code for a failed library call. */
int cli_exit_code(int status);
/* Parses a size such as 512M or 16G; returns 0 on success. */
int cli_parse_size(const char *s, uint64_t *out);
/* The analysing commands' limits, --max-outcomes N and --memory SIZE:
 * 1 when arg is one of them and val parses (val is then used), 0 when arg
 * is neither, -1 after a message when val is missing or bad. */
int cli_limit_option(const char *arg, const char *val, uint64_t *max_outcomes,
                     uint64_t *memory);
/* --from PACKAGE of improve and report: issue=option,..., status_quo, or
 * transcript:FILE (pl_package_parse, pl_package_from_transcript). */
int cli_package(const pl_scenario *s, const char *from, uint32_t *options,
                pl_error *err);
/* Parses an unsigned count such as 1000000 or 1e9; returns 0 on success. */
int cli_parse_count(const char *s, uint64_t *out);
/* --plot FILE: 0 when FILE names a picture format (.svg, .png, .pdf), else
 * reports it and returns -1 (a usage error). */
int cli_check_plot(const char *path);
/* Exit code for a failed plot or report: EXIT_USAGE for an unknown format,
 * else EXIT_RUNTIME (it could not be written). */
int cli_plot_exit_code(int status);
/* Flushes stdout; returns EXIT_RUNTIME when the output could not be
 * written (a full disk, a closed pipe). */
int cli_finish_output(int code);

/* Text tables: formats doubles as in the golden outputs. */
void text_analysis(FILE *out, const pl_scenario *s, const pl_analysis *a);
/* A negotiation: a round-by-round table and the result; a may be NULL. */
/* snprintf(buf, size, "%.3f", x), the same characters, without stdio
 * for the numbers of a transcript's lines (cli/text.c). */
int cli_fixed3(char *buf, size_t size, double x);
void text_session(FILE *out, const pl_scenario *s, const pl_session *x,
                  const pl_analysis *a);
/* A package on one line: "issue=option issue=option ...". */
void cli_print_package(FILE *out, const pl_scenario *s, const uint32_t *o);
/* Each party's utility, and in brackets its gain over base[p] when
 * base[p] >= 0: "a 0.520 (+0.120), b 0.610 (+0.010)". */
void cli_print_gains(FILE *out, const pl_scenario *s, const double *u,
                     const double *base);
/* A tournament's summary: per agent, per scenario. */
void text_summary(FILE *out, const pl_summary *s);

#endif
