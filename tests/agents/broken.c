/* A plug-in agent that breaks the rules, for the engine's failure tests:
 * ":range" offers an option that does not exist, ":error" returns an error,
 * ":redline" accepts anything (also what breaks its red lines); ":walkout"
 * ends the negotiation at its first turn (not a failure: PL_AGENT_END);
 * ":segv" crashes and ":hang" never answers (for the tournament's worker
 * processes and watchdog); ":fds" behaves, after writing the numbers of the
 * descriptors it holds from 3 up to the file $PL_FDS_FILE (what a worker
 * process inherited). */
#include <dirent.h>
#include <parley/parley.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct broken {
  const pl_scenario *s;
  char mode[16];
} broken;

/* The descriptors from 3 up, but the listing's own, to $PL_FDS_FILE. */
static void list_fds(void) {
  const char *out = getenv("PL_FDS_FILE");
  DIR *d = opendir("/proc/self/fd");
  if (!out || !d) return;
  char line[4096] = "";
  size_t n = 0;
  struct dirent *e;
  while ((e = readdir(d)) && n + 16 < sizeof line) {
    int fd = atoi(e->d_name);
    if (e->d_name[0] != '.' && fd > 2 && fd != dirfd(d))
      n += (size_t)snprintf(line + n, sizeof line - n, "%d ", fd);
  }
  closedir(d);
  FILE *f = fopen(out, "w");
  if (f) {
    fprintf(f, "%s\n", line);
    fclose(f);
  }
}

static void *create(const pl_scenario *s, int party, const char *params,
                    uint64_t seed) {
  (void)party;
  (void)seed;
  broken *b = calloc(1, sizeof *b);
  if (b) {
    b->s = s;
    strncpy(b->mode, params, sizeof b->mode - 1);
    if (!strcmp(b->mode, "fds")) list_fds();
  }
  return b;
}

static int propose(void *agent, double t, uint32_t *options) {
  (void)t;
  broken *b = agent;
  if (!strcmp(b->mode, "error")) return -1;
  if (!strcmp(b->mode, "walkout")) return PL_AGENT_END;
  if (!strcmp(b->mode, "segv")) raise(SIGSEGV);
  while (!strcmp(b->mode, "hang")) pause();
  for (int i = 0; i < pl_scenario_issue_count(b->s); i++)
    options[i] = !strcmp(b->mode, "range") ? pl_scenario_option_count(b->s, i)
                                            : 0;
  return 0;
}

static int respond(void *agent, double t, const uint32_t *offer) {
  (void)t;
  (void)offer;
  broken *b = agent;
  if (!strcmp(b->mode, "walkout")) return PL_AGENT_END;
  if (!strcmp(b->mode, "segv")) raise(SIGSEGV);
  while (!strcmp(b->mode, "hang")) pause();
  return !strcmp(b->mode, "error") ? -1 : 1;
}

static void destroy(void *agent) { free(agent); }

/* A version-1 table, as plug-ins built before version 2 have: it still
 * loads. */
static const pl_agent_api api = {.abi_version = 1,
                                 .struct_size = PL_AGENT_API_V1_SIZE,
                                 .create = create,
                                 .propose = propose,
                                 .respond = respond,
                                 .destroy = destroy};

const pl_agent_api *parley_agent(void);
const pl_agent_api *parley_agent(void) { return &api; }
