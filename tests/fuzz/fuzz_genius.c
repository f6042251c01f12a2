/* libFuzzer target: the GENIUS XML reader, then (on success) the analysis
 * with small limits, the JSON report, and the GENIUS writer, whose output
 * must read back with the same utilities, bit for bit.
 *
 * An input is a domain file and up to four profile files separated by NUL
 * bytes: "DOMAIN\0PROFILE\0PROFILE...". They are written to a private
 * temporary folder as d.xml, p0.xml, p1.xml, ... and loaded with
 * pl_scenario_load_inputs, as the CLI would. Built by
 * tests/fuzz/CMakeLists.txt when PL_FUZZ is ON, and linked into the plain
 * replay driver that ctest runs over tests/fuzz/corpus/genius. A broken
 * promise of the API aborts: a failing load returns no scenario and fills
 * the error with the same code and a one-line message that has a place in
 * a file (except out of memory). */
#include <dirent.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz_check.h"
#include "parley/parley.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define check fuzz_check

static char root[64];

static const char *tmp_root(void) {
  if (!root[0]) {
    snprintf(root, sizeof root, "/tmp/pl_fuzz_genius_XXXXXX");
    check(mkdtemp(root) != NULL);
  }
  return root;
}

static void put(const char *path, const uint8_t *p, size_t n) {
  FILE *f = fopen(path, "wb");
  check(f != NULL);
  check(fwrite(p, 1, n, f) == n);
  check(fclose(f) == 0);
}

static void clear(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) return;
  struct dirent *e;
  char p[512];
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.') continue;
    snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
    unlink(p);
  }
  closedir(d);
}

/* Write, read back, compare. */
static void round_trip(const pl_scenario *s) {
  char dir[128];
  snprintf(dir, sizeof dir, "%s/out", tmp_root());
  clear(dir);
  pl_error err;
  memset(&err, 0, sizeof err);
  int rc = pl_scenario_write(s, PL_FORMAT_GENIUS, dir, &err);
  if (rc != PL_OK) {
    check(rc == PL_EUNSUPPORTED && err.code == rc && err.message[0]);
    return;
  }
  int np = pl_scenario_party_count(s), ni = pl_scenario_issue_count(s);
  char paths[6][256];
  const char *pp[6];
  snprintf(paths[0], sizeof paths[0], "%s/%s.xml", dir, pl_scenario_id(s));
  pp[0] = paths[0];
  for (int p = 0; p < np; p++) {
    snprintf(paths[p + 1], sizeof paths[p + 1], "%s/%s.xml", dir,
             pl_scenario_party_id(s, p));
    pp[p + 1] = paths[p + 1];
  }
  pl_scenario *b = NULL;
  rc = pl_scenario_load_inputs(pp, (size_t)np + 1, NULL, &b, &err);
  check(rc == PL_OK); /* what the writer wrote reads back */
  check(pl_scenario_party_count(b) == np && pl_scenario_issue_count(b) == ni);
  uint32_t *o = calloc((size_t)ni, sizeof *o);
  check(o != NULL);
  uint64_t seed = 12345;
  for (int t = 0; t < 200; t++) {
    for (int i = 0; i < ni; i++) {
      seed = seed * 6364136223846793005ull + 1442695040888963407ull;
      o[i] = (uint32_t)((seed >> 33) % pl_scenario_option_count(s, i));
    }
    for (int p = 0; p < np; p++) {
      double x = pl_scenario_utility(s, p, o), y = pl_scenario_utility(b, p, o);
      check(memcmp(&x, &y, sizeof x) == 0);
    }
  }
  for (int p = 0; p < np; p++) {
    double x = pl_scenario_reservation(s, p), y = pl_scenario_reservation(b, p);
    check(memcmp(&x, &y, sizeof x) == 0);
  }
  free(o);
  pl_scenario_free(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char dir[128];
  snprintf(dir, sizeof dir, "%s/in", tmp_root());
  mkdir(dir, 0700);
  clear(dir);
  char paths[5][160];
  const char *pp[5];
  size_t n = 0;
  const uint8_t *p = data, *end = data + size;
  while (n < 5) {
    const uint8_t *z = memchr(p, 0, (size_t)(end - p));
    const uint8_t *stop = z ? z : end;
    if (n == 0)
      snprintf(paths[n], sizeof paths[n], "%s/d.xml", dir);
    else
      snprintf(paths[n], sizeof paths[n], "%s/p%zu.xml", dir, n - 1);
    put(paths[n], p, (size_t)(stop - p));
    pp[n] = paths[n];
    n++;
    if (!z) break;
    p = z + 1;
  }
  pl_scenario *s = NULL;
  pl_error err;
  memset(&err, 0, sizeof err);
  int rc = pl_scenario_load_inputs(pp, n, NULL, &s, &err);
  if (rc != PL_OK) {
    check(s == NULL);
    check(rc < 0 && err.code == rc);
    check(err.message[0] != 0 && strchr(err.message, '\n') == NULL);
    check(rc == PL_ENOMEM || err.file[0] != 0);
    return 0;
  }
  check(s != NULL);
  fuzz_check_analysis(s, 20000);
  round_trip(s);
  pl_scenario_free(s);
  return 0;
}
