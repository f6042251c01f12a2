/* libFuzzer target: the GeniusWeb JSON reader, then (on success) the
 * analysis with small limits, the GeniusWeb writer, and the reader again on
 * what was written.
 *
 * The input is a domain file and its profiles separated by NUL bytes (which
 * JSON text cannot hold): "DOMAIN\0PROFILE\0PROFILE...". Without a NUL the
 * input is both the domain and its one profile. The parts are written to
 * files in a private folder (under /dev/shm when there is one: the writer
 * syncs its files) named d.json, p0.json, p1.json, ...
 *
 * Built by tests/fuzz/CMakeLists.txt when PL_FUZZ is ON (clang), and also
 * linked into the plain `replay` driver (tests/fuzz/replay.c) that ctest
 * runs over tests/fuzz/corpus/geniusweb. Besides the sanitizers' findings, a
 * broken promise aborts: a failing load returns no scenario and fills the
 * error with the same code, a one-line message and, for bad input, the file
 * and a place in it; the writer succeeds or refuses with PL_EUNSUPPORTED;
 * what it wrote reads back with the same utilities, bit for bit. */
#include <dirent.h>
#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/formats.h"
#include "fuzz_check.h"
#include "parley/parley.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_PARTS 5

#define check fuzz_check

static char base[512]; /* the private folder */

static void clear_out(const char *dir);

/* The private folder goes when the process ends. */
static void cleanup(void) {
  char out[600];
  snprintf(out, sizeof out, "%s/out", base);
  clear_out(out);
  rmdir(out);
  clear_out(base);
  rmdir(base);
}

static void setup(void) {
  if (base[0]) return;
  struct stat st;
  const char *tmp = getenv("PL_FUZZ_TMP");
  if (!tmp) tmp = stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) ? "/dev/shm" : "/tmp";
  snprintf(base, sizeof base, "%s/pl_fuzz_gw_%ld", tmp, (long)getpid());
  mkdir(base, 0700);
  char out[600];
  snprintf(out, sizeof out, "%s/out", base);
  mkdir(out, 0700);
  atexit(cleanup);
}

static void write_part(const char *path, const uint8_t *p, size_t n) {
  FILE *f = fopen(path, "wb");
  check(f != NULL);
  check(fwrite(p, 1, n, f) == n);
  check(fclose(f) == 0);
}

/* Removes the files of a folder. */
static void clear_out(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) return;
  struct dirent *e;
  char p[1024];
  while ((e = readdir(d))) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
    unlink(p);
  }
  closedir(d);
}

static int same_bits(double a, double b) { return !memcmp(&a, &b, sizeof a); }

/* The scenario written to `dir` reads back with the same utilities. */
static void check_round_trip(const pl_scenario *s, const char *dir) {
  int np = pl_scenario_party_count(s), ni = pl_scenario_issue_count(s);
  char **paths = calloc((size_t)np + 1, sizeof *paths);
  check(paths != NULL);
  for (int p = -1; p < np; p++) {
    const char *name = p < 0 ? pl_scenario_id(s) : pl_scenario_party_id(s, p);
    size_t len = strlen(dir) + strlen(name) + 8;
    paths[p + 1] = malloc(len);
    check(paths[p + 1] != NULL);
    snprintf(paths[p + 1], len, "%s/%s.json", dir, name);
  }
  pl_scenario *b = NULL;
  pl_error err;
  int rc = pl__geniusweb_load(paths[0], (const char *const *)paths + 1,
                              (size_t)np, NULL, &b, &err);
  check(rc == PL_OK || rc == PL_ENOMEM);
  if (rc == PL_OK) {
    check(pl_scenario_party_count(b) == np && pl_scenario_issue_count(b) == ni);
    for (int i = 0; i < ni; i++)
      check(pl_scenario_option_count(b, i) == pl_scenario_option_count(s, i));
    for (int p = 0; p < np; p++)
      check(same_bits(pl_scenario_reservation(s, p),
                      pl_scenario_reservation(b, p)));
    uint64_t n = 0;
    if (pl_scenario_outcome_count(s, &n) != PL_OK) n = UINT64_MAX;
    uint64_t step = n > 2000 ? n / 2000 : 1;
    uint32_t *o = calloc((size_t)ni, sizeof *o);
    check(o != NULL);
    for (uint64_t x = 0, k = 0; x < n && k < 2000; x += step, k++) {
      pl_scenario_decode(s, x, o);
      for (int p = 0; p < np; p++)
        check(same_bits(pl_scenario_utility(s, p, o),
                        pl_scenario_utility(b, p, o)));
    }
    free(o);
    pl_scenario_free(b);
  }
  for (int p = 0; p <= np; p++) free(paths[p]);
  free(paths);
}

/* Roughly the options the domain asks for (a grid of 10^7 steps or more is
 * thinned). Huge grids are legal and bounded, but cost seconds each: the
 * unit tests cover them, the fuzzer skips them to keep its pace. */
static double options_asked(const uint8_t *p, size_t n) {
  json_t *d = json_loadb((const char *)p, n, 0, NULL);
  json_t *iv = json_object_get(d, "issuesValues");
  double total = 0;
  const char *key;
  json_t *v;
  json_object_foreach(iv, key, v) {
    json_t *r = json_object_get(v, "range");
    json_t *vals = json_object_get(v, "values");
    if (json_is_array(vals)) total += (double)json_array_size(vals);
    if (!r) continue;
    double lo = json_number_value(json_object_get(r, "low"));
    double hi = json_number_value(json_object_get(r, "high"));
    double st = json_number_value(json_object_get(r, "step"));
    double q = st > 0 ? (hi - lo) / st : 0;
    total += isfinite(q) && q < 1e7 ? (q > 0 ? q + 1 : 1) : 8;
  }
  json_decref(d);
  return total;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  setup();
  /* split at NUL bytes */
  const uint8_t *part[MAX_PARTS];
  size_t len[MAX_PARTS], n = 0;
  size_t start = 0;
  for (size_t k = 0; k <= size && n < MAX_PARTS; k++)
    if (k == size || data[k] == 0) {
      part[n] = data + start;
      len[n++] = k - start;
      start = k + 1;
    }
  if (options_asked(part[0], len[0]) > 200000) return 0;
  if (n == 1) { /* the domain is its own profile */
    part[1] = part[0];
    len[1] = len[0];
    n = 2;
  }
  char paths[MAX_PARTS][600];
  const char *profiles[MAX_PARTS];
  for (size_t k = 0; k < n; k++) {
    if (k == 0)
      snprintf(paths[k], sizeof paths[k], "%s/d.json", base);
    else
      snprintf(paths[k], sizeof paths[k], "%s/p%zu.json", base, k - 1);
    write_part(paths[k], part[k], len[k]);
    if (k) profiles[k - 1] = paths[k];
  }

  pl_load_options lo;
  pl_load_options_init(&lo);
  lo.real_intervals = 7; /* thin large grids a lot */
  pl_scenario *s = NULL;
  pl_error err;
  memset(&err, 0, sizeof err);
  int rc = pl__geniusweb_load(paths[0], profiles, n - 1, &lo, &s, &err);
  if (rc != PL_OK) {
    check(s == NULL);
    check(rc < 0 && err.code == rc);
    check(err.message[0] != 0 && strchr(err.message, '\n') == NULL);
    if (rc != PL_ENOMEM) {
      int known = 0;
      for (size_t k = 0; k < n; k++) known |= !strcmp(err.file, paths[k]);
      check(known);
      check(rc == PL_EIO || (err.line >= 1 && err.column >= 1));
    }
    return 0;
  }
  check(s != NULL);
  check(pl_scenario_party_count(s) == (int)(n - 1) &&
        pl_scenario_issue_count(s) >= 1);
  for (int p = 0; p < pl_scenario_party_count(s); p++) {
    double r = pl_scenario_reservation(s, p);
    check(r >= 0 && r <= 1);
  }

  fuzz_check_analysis(s, 100000);

  char out[600];
  snprintf(out, sizeof out, "%s/out", base);
  clear_out(out);
  rc = pl_scenario_write(s, PL_FORMAT_GENIUSWEB, out, &err);
  check(rc == PL_OK || rc == PL_EUNSUPPORTED || rc == PL_ENOMEM);
  check(rc == PL_OK || (err.code == rc && err.message[0] != 0));
  if (rc == PL_OK) check_round_trip(s, out);
  clear_out(out);
  pl_scenario_free(s);
  return 0;
}
