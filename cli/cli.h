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
  EXIT_INPUT = 3    /* bad input file */
};

typedef struct command {
  const char *name;
  int (*run)(int argc, char **argv);
  const char *summary;
} command;

int cmd_analyze(int argc, char **argv);

/* Prints "parley: " and the message to stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints a library error: "file:line:col: message" when it has a place. */
void cli_report(const pl_error *err);
/* Exit code for a failed library call. */
int cli_exit_code(int status);
/* Parses a size such as 512M or 16G; returns 0 on success. */
int cli_parse_size(const char *s, uint64_t *out);
/* Parses an unsigned count such as 1000000 or 1e9; returns 0 on success. */
int cli_parse_count(const char *s, uint64_t *out);
/* Flushes stdout; returns EXIT_RUNTIME when the output could not be
 * written (a full disk, a closed pipe). */
int cli_finish_output(int code);

/* Text tables: formats doubles as in the golden outputs. */
void text_analysis(FILE *out, const pl_scenario *s, const pl_analysis *a);

#endif
