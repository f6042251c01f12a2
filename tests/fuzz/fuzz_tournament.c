/* libFuzzer target: the tournament config reader (src/tournament/config.c),
 * then, on success, the job numbering at its ends and in between.
 *
 * The files a config may name are confined to a scratch folder made at the
 * first call: ROOT/s holds two small scenarios (2 and 3 parties) and a
 * broken one, and ROOT holds nothing but s. An input holding '/' or '\'
 * is skipped, so no scalar can hold a '/' (YAML makes one only from the
 * byte itself or from a backslash escape): every path the config names is
 * then s/NAME, a glob matches only the entries of s, ".." is ROOT, and a
 * plug-in (named by a path with '/') cannot be named. The fuzzer cannot
 * walk the file system.
 *
 * Built by tests/fuzz/CMakeLists.txt when PL_FUZZ is ON (clang), and linked
 * into the plain replay driver (tests/fuzz/replay.c) that ctest runs over
 * tests/fuzz/corpus/tournament. A broken promise of the API aborts: a
 * failing load returns no tournament and a one-line message with a place;
 * a loaded one has 1 to 10^9 jobs, each of which decodes to a seating of
 * known agents at its scenario's parties. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz_check.h"
#include "parley/tournament.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define check fuzz_check

static const char two[] =
    "scenario: two\n"
    "issues:\n"
    "  - {id: price, type: integer, min: 0, max: 4}\n"
    "  - {id: colour, options: [red, green, blue]}\n"
    "parties:\n"
    "  - id: buyer\n"
    "    reservation: 0.2\n"
    "    weights: {price: 0.7, colour: 0.3}\n"
    "    values: {price: decreasing, colour: {red: 1, green: 0.5, blue: 0}}\n"
    "  - id: seller\n"
    "    reservation: 0.3\n"
    "    weights: {price: 0.8, colour: 0.2}\n"
    "    values: {price: increasing, colour: {red: 0, green: 1, blue: 0.5}}\n";
static const char three[] =
    "scenario: three\n"
    "issues:\n"
    "  - {id: a, options: [x, y]}\n"
    "  - {id: b, options: [x, y, z]}\n"
    "parties:\n"
    "  - {id: p, weights: {a: 0.5, b: 0.5}, values: {a: {x: 1, y: 0}, "
    "b: {x: 0, y: 0.5, z: 1}}}\n"
    "  - {id: q, weights: {a: 0.5, b: 0.5}, values: {a: {x: 0, y: 1}, "
    "b: {x: 1, y: 0.5, z: 0}}}\n"
    "  - {id: r, weights: {a: 0.2, b: 0.8}, values: {a: {x: 1, y: 1}, "
    "b: {x: 0.5, y: 1, z: 0}}}\n";
static const char bad[] = "scenario: bad\nissues: []\n";

static char root[64], base[80];

static void put_file(const char *name, const char *text) {
  char path[160];
  snprintf(path, sizeof path, "%s/%s", base, name);
  FILE *f = fopen(path, "w");
  check(f != NULL);
  fputs(text, f);
  check(fclose(f) == 0);
}

static void remove_scratch(void) {
  static const char *const names[] = {"two.yaml", "three.yaml", "bad.yaml"};
  char path[160];
  for (size_t k = 0; k < sizeof names / sizeof *names; k++) {
    snprintf(path, sizeof path, "%s/%s", base, names[k]);
    unlink(path);
  }
  rmdir(base);
  rmdir(root);
}

static void make_scratch(void) {
  snprintf(root, sizeof root, "/tmp/parley-fuzz-tournament-XXXXXX");
  check(mkdtemp(root) != NULL);
  snprintf(base, sizeof base, "%s/s", root);
  check(mkdir(base, 0700) == 0);
  put_file("two.yaml", two);
  put_file("three.yaml", three);
  put_file("bad.yaml", bad);
  atexit(remove_scratch);
}

static void check_job(const pl_tournament *t, uint64_t index) {
  pl_job job;
  check(pl_tournament_job(t, index, &job) == PL_OK);
  check(job.index == index && job.scenario >= 0 &&
        job.scenario < pl_tournament_scenario_count(t));
  const pl_scenario *s = pl_tournament_scenario(t, job.scenario);
  check(s != NULL && job.parties == pl_scenario_party_count(s));
  check(job.parties >= 1 && job.parties <= PL_JOB_MAX_PARTIES);
  for (int p = 0; p < job.parties; p++)
    check(job.agents[p] >= 0 && job.agents[p] < pl_tournament_agent_count(t));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!root[0]) make_scratch();
  if (memchr(data, '/', size) || memchr(data, '\\', size)) return 0;
  pl_tournament *t = NULL;
  pl_error err;
  memset(&err, 0, sizeof err);
  int rc = pl_tournament_load_string((const char *)data, size, "fuzz.yaml",
                                     base, &t, &err);
  if (rc != PL_OK) {
    check(t == NULL);
    check(rc < 0 && err.code == rc);
    check(err.message[0] != 0 && strchr(err.message, '\n') == NULL);
    check(rc == PL_ENOMEM || (err.line >= 1 && err.column >= 1));
    return 0;
  }
  check(t != NULL);
  const char *h = pl_tournament_hash(t);
  check(strlen(h) == 16 && strspn(h, "0123456789abcdef") == 16);
  uint64_t n = pl_tournament_job_count(t);
  check(n >= 1 && n <= 1000000000ull);
  check(pl_tournament_scenario_count(t) >= 1 && pl_tournament_agent_count(t) >= 1);
  for (int k = 0; k < pl_tournament_scenario_count(t); k++)
    check(pl_tournament_scenario_name(t, k) != NULL);
  check_job(t, 0);
  check_job(t, n - 1);
  check_job(t, n / 2);
  check_job(t, (n * 7) / 11);
  pl_job job;
  check(pl_tournament_job(t, n, &job) == PL_ENOTFOUND);
  pl_tournament_free(t);
  return 0;
}
