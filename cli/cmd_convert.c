/* parley convert INPUT... --to yaml|genius|geniusweb -o OUT */
#include <string.h>

#include "cli.h"

const char cmd_convert_help[] =
    "usage: parley convert INPUT... --to FORMAT -o OUT\n"
    "\n"
    "Writes a scenario in another format: yaml (one file), genius or\n"
    "geniusweb (a folder: the domain and one profile per party). Every\n"
    "outcome keeps exactly the same utilities; what the target format cannot\n"
    "express (red lines in GENIUS, non-linear utilities in GeniusWeb, ...) is\n"
    "refused with a message, never dropped.\n"
    "\n"
    INPUT_HELP
    "\n"
    "options:\n"
    "  --to FORMAT         yaml, genius or geniusweb\n"
    "  -o, --output OUT    the file (yaml) or folder (genius, geniusweb)\n"
    INPUT_OPTIONS_HELP
    "  -h, --help          show this help\n"
    "\n"
    "exit codes: 0 ok, 1 runtime failure (e.g. cannot write), 2 usage, 3 bad "
    "input or not expressible in the target format\n";

int cmd_convert(int argc, char **argv) {
  cli_inputs in;
  const char *out = NULL;
  int format = -1;
  if (cli_inputs_init(&in, argc)) return EXIT_RUNTIME;
  for (int k = 1; k < argc; k++) {
    const char *arg = argv[k];
    const char *val = k + 1 < argc ? argv[k + 1] : NULL;
    int used = cli_inputs_option(&in, arg, val);
    if (used < 0) goto usage;
    if (used) {
      k += used - 1;
    } else if (!strcmp(arg, "--to")) {
      for (int f = PL_FORMAT_YAML; val && f <= PL_FORMAT_GENIUSWEB; f++)
        if (!strcmp(val, pl_format_name((pl_format)f))) format = f;
      if (format < 0) {
        cli_error("--to takes yaml, genius or geniusweb");
        goto usage;
      }
      k++;
    } else if (!strcmp(arg, "-o") || !strcmp(arg, "--output")) {
      if (!val) {
        cli_error("%s needs a file or folder", arg);
        goto usage;
      }
      out = val;
      k++;
    } else {
      cli_error("unknown option '%s' (see 'parley convert --help')", arg);
      goto usage;
    }
  }
  if (format < 0 || !out) {
    cli_error("convert needs --to FORMAT and -o OUT (see 'parley convert "
              "--help')");
    goto usage;
  }
  pl_scenario *s = NULL;
  int code = cli_inputs_load(&in, "convert", &s);
  cli_inputs_free(&in);
  if (code) return code;
  pl_error err = {0};
  int rc = pl_scenario_write(s, (pl_format)format, out, &err);
  pl_scenario_free(s);
  if (rc) {
    cli_report(&err);
    return rc == PL_EUNSUPPORTED ? EXIT_INPUT : EXIT_RUNTIME;
  }
  return EXIT_OK;
usage:
  cli_inputs_free(&in);
  return EXIT_USAGE;
}
