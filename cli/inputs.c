/* Scenario inputs on the command line, shared by every command that reads
 * a scenario: the input paths and the options about reading them. */
#define _DEFAULT_SOURCE /* MADV_HUGEPAGE, MADV_POPULATE_WRITE */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "cli.h"

/* A warning of the readers (GENIUS's leniency, docs/formats.md): on
 * standard error, where the file is, and the command goes on. */
static void warn(void *ctx, const pl_error *w) {
  (void)ctx;
  if (w->file[0] && w->line > 0)
    fprintf(stderr, "%s:%d:%d: warning: %s\n", w->file, w->line, w->column,
            w->message);
  else
    fprintf(stderr, "parley: warning: %s\n", w->message);
}

int cli_inputs_init(cli_inputs *in, int argc) {
  memset(in, 0, sizeof *in);
  pl_load_options_init(&in->load);
  in->load.warning = warn;
  in->paths = calloc((size_t)argc + 1, sizeof *in->paths);
  if (!in->paths) {
    cli_error("out of memory");
    return -1;
  }
  return 0;
}

void cli_inputs_free(cli_inputs *in) {
  free(in->paths);
  in->paths = NULL;
}

int cli_inputs_option(cli_inputs *in, const char *arg, const char *val) {
  if (!strcmp(arg, "--real-intervals")) {
    uint64_t n;
    if (!val || cli_parse_count(val, &n) || n > 1000000) {
      cli_error("--real-intervals takes a whole number from 1 to 1000000");
      return -1;
    }
    in->load.real_intervals = (unsigned)n;
    return 2;
  }
  if (arg[0] == '-' && arg[1]) return 0; /* the command's own option */
  in->paths[in->n++] = arg;
  return 1;
}

/* The heap a command's work on a scenario uses, reading included, on one
 * transparent huge page: the blocks malloc gives out next come from a
 * 2 MiB page, populated at once. On a virtual machine every first touch
 * of a 4 KiB page is a fault (~11 us here) and every page a TLB entry
 * whose miss costs a two-level walk; one huge page costs ~0.2 ms to clear
 * and spares both (AMPOvsCity: `run` -0.5 ms, `analyze` -2.3 ms; a scenario
 * of 18 outcomes +0.2 ms; docs/performance.md, "Page faults").
 * glibc carves new blocks from the top of its heap: a large block shows
 * where that is, a filler (never touched: address space only) takes the
 * heap up to the next 2 MiB boundary, and a 4 MiB block there, freed,
 * holds the aligned page for what follows. Nothing when the kernel offers
 * no huge pages (its setting says "[never]"). */
static void *volatile heap_filler; /* kept: its space stays out of use */

static void heap_on_huge_page(void) {
#if defined(MADV_HUGEPAGE) && defined(MADV_POPULATE_WRITE)
  char mode[64] = "";
  FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "re");
  if (f) {
    if (!fgets(mode, sizeof mode, f)) mode[0] = 0;
    fclose(f);
  }
  if (!mode[0] || strstr(mode, "[never]")) return;
  const uintptr_t huge = (uintptr_t)2 << 20;
  char *probe = malloc(2 * huge); /* larger than any free block: the top */
  if (!probe) return;
  const uintptr_t top = (uintptr_t)probe;
  free(probe);
  uintptr_t gap = ((top + huge - 1) & ~(huge - 1)) - top;
  if (gap > 4096) heap_filler = malloc(gap - 64);
  char *block = malloc(2 * huge);
  uintptr_t a = ((uintptr_t)block + huge - 1) & ~(huge - 1);
  if (block && a + huge <= (uintptr_t)block + 2 * huge &&
      madvise((void *)a, huge, MADV_HUGEPAGE) == 0)
    (void)madvise((void *)a, huge, MADV_POPULATE_WRITE);
  free(block);
#endif
}

int cli_inputs_load(cli_inputs *in, const char *cmd, pl_scenario **s) {
  if (!in->n) {
    cli_error("%s needs an input (see 'parley %s --help')", cmd, cmd);
    return EXIT_USAGE;
  }
  pl_error err = {0};
  heap_on_huge_page();
  int rc = pl_scenario_load_inputs(in->paths, in->n, &in->load, s, &err);
  if (rc) {
    cli_report(&err);
    return rc == PL_ENOMEM ? EXIT_RUNTIME : EXIT_INPUT;
  }
  return EXIT_OK;
}

/* Splits "a,b:e=1,k=0.1,c" into agents: a comma starts a new agent unless
 * what follows is a parameter (name=value). */
int cli_split_agents(char *list, const char **out, int max) {
  int n = 0;
  char *p = list;
  while (*p && n < max) {
    out[n++] = p;
    char *q = p;
    for (;;) {
      q = strchr(q, ',');
      if (!q) break;
      size_t name = strcspn(q + 1, ",=:/");
      if (q[1 + name] == '=' && strchr(p, ':') && strchr(p, ':') < q) {
        q++; /* a parameter of the same agent */
        continue;
      }
      break;
    }
    if (!q) break;
    *q = 0;
    p = q + 1;
  }
  return n;
}


int cli_session_option(cli_session *cs, const char *arg, const char *val) {
  pl_session_options *so = &cs->o;
  uint64_t n = 0;
  char *end;
  if (!strcmp(arg, "--rounds")) {
    if (!val || (strcmp(val, "0") && cli_parse_count(val, &n)) ||
        n > 100000000) {
      cli_error("--rounds takes a whole number from 0 to 100000000");
      return -1;
    }
    so->rounds = (int)n;
    cs->rounds_given = 1;
    return 2;
  }
  if (!strcmp(arg, "--time")) {
    so->time_limit = val ? strtod(val, &end) : 0;
    if (!val || end == val || *end || !(so->time_limit > 0) ||
        so->time_limit > 1e7) {
      cli_error("--time takes a number of seconds, more than 0");
      return -1;
    }
    return 2;
  }
  if (!strcmp(arg, "--max-events")) {
    if (!val || (strcmp(val, "0") && cli_parse_count(val, &n))) {
      cli_error("--max-events takes a whole number (0: no limit)");
      return -1;
    }
    so->max_events = (size_t)n;
    return 2;
  }
  if (!strcmp(arg, "--partial")) {
    so->partial = 1;
    return 1;
  }
  if (!strcmp(arg, "--seed")) {
    so->seed = val ? strtoull(val, &end, 10) : 0;
    if (!val || *end) {
      cli_error("--seed takes a whole number");
      return -1;
    }
    return 2;
  }
  if (!strcmp(arg, "--protocol")) {
    for (int pr = PL_PROTOCOL_SAOP; val && pr <= PL_PROTOCOL_MEDIATED; pr++)
      if (!strcmp(val, pl_protocol_name((pl_protocol)pr))) {
        so->protocol = (pl_protocol)pr;
        return 2;
      }
    cli_error("--protocol takes saop, text or mediated");
    return -1;
  }
  if (!strcmp(arg, "--drafter") && val) {
    cs->drafter = val;
    return 2;
  }
  if (!strcmp(arg, "--move-time") || !strcmp(arg, "--agent-time")) {
    double v = val ? strtod(val, &end) : -1;
    if (!val || end == val || *end || !(v >= 0) || v > 1e7) {
      cli_error("%s takes a number of seconds (0: no limit)", arg);
      return -1;
    }
    if (arg[2] == 'm') so->move_limit = v;
    else so->agent_limit = v;
    return 2;
  }
  if (!strcmp(arg, "--max-message")) {
    uint64_t b = 0;
    if (!val || cli_parse_size(val, &b) || b < 64 || b > ((uint64_t)1 << 32)) {
      cli_error("--max-message takes a size from 64 bytes to 4G, e.g. 1M");
      return -1;
    }
    so->max_message = (size_t)b;
    return 2;
  }
  return 0;
}

int cli_session_finish(cli_session *cs, const pl_scenario *s) {
  if (cs->o.time_limit > 0 && !cs->rounds_given) cs->o.rounds = 0;
  if (cs->o.rounds == 0 && !(cs->o.time_limit > 0)) {
    cli_error("--rounds 0 needs --time: a negotiation needs a deadline");
    return -1;
  }
  if (s && cs->drafter &&
      (cs->o.drafter = pl_scenario_find_party(s, cs->drafter)) < 0) {
    cli_error("--drafter: no party \"%s\"", cs->drafter);
    return -1;
  }
  return 0;
}

int cli_negotiate(const pl_scenario *s, cli_session *cs, char *agent_list,
                  const char *option, pl_session **out) {
  *out = NULL;
  const int np = pl_scenario_party_count(s);
  const char **agents = calloc((size_t)np + 1, sizeof *agents);
  int na = agents ? cli_split_agents(agent_list, agents, np + 1) : 0;
  pl_error err = {0};
  int code = EXIT_OK;
  if (!agents) {
    cli_error("out of memory");
    code = EXIT_RUNTIME;
  } else if (cli_session_finish(cs, s)) {
    code = EXIT_USAGE;
  } else if (na != np) {
    cli_error("%s names %d agent%s; the scenario has %d parties", option, na,
              na == 1 ? "" : "s", np);
    code = EXIT_USAGE;
  } else if (pl_session_new(s, &cs->o, agents, out, &err)) {
    cli_report(&err);
    code = err.code == PL_ENOMEM ? EXIT_RUNTIME : EXIT_USAGE;
  } else {
    int rc;
    while ((rc = pl_session_step(*out)) == PL_SESSION_RUNNING) {
    }
    if (rc < 0) {
      cli_error("%s", pl_strerror(rc));
      code = EXIT_RUNTIME;
    }
  }
  free(agents); /* the agents' specs live in agent_list */
  return code;
}
