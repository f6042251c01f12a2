/* Runs saved fuzz inputs through LLVMFuzzerTestOneInput without libFuzzer:
 *
 *   replay PATH...
 *
 * Each PATH is a file or a directory (every regular file in it, sorted by
 * name, hidden files skipped). A crash, sanitizer report or abort fails the
 * run; otherwise it prints the count and exits 0. ctest runs it over
 * tests/fuzz/corpus/scenario_yaml (tests/fuzz/replay.cmake). */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    perror(path);
    return -1;
  }
  size_t cap = 4096, len = 0;
  unsigned char *buf = malloc(cap);
  for (;;) {
    if (!buf) {
      fclose(f);
      fprintf(stderr, "%s: out of memory\n", path);
      return -1;
    }
    len += fread(buf + len, 1, cap - len, f);
    if (len < cap) break;
    unsigned char *nb = realloc(buf, cap *= 2);
    if (!nb) free(buf);
    buf = nb;
  }
  int bad = ferror(f);
  fclose(f);
  if (bad) {
    fprintf(stderr, "%s: read error\n", path);
    free(buf);
    return -1;
  }
  LLVMFuzzerTestOneInput(buf, len);
  free(buf);
  return 0;
}

static int by_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Runs every regular file of dir; returns the count, or -1. */
static long run_dir(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) {
    perror(dir);
    return -1;
  }
  char **names = NULL;
  size_t n = 0, cap = 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.') continue;
    if (n == cap) {
      cap = cap ? cap * 2 : 64;
      char **nn = realloc(names, cap * sizeof *nn);
      if (!nn) break;
      names = nn;
    }
    size_t len = strlen(dir) + strlen(e->d_name) + 2;
    if (!(names[n] = malloc(len))) break;
    snprintf(names[n], len, "%s/%s", dir, e->d_name);
    n++;
  }
  closedir(d);
  if (n) qsort(names, n, sizeof *names, by_name);
  long count = 0;
  for (size_t k = 0; k < n; k++) {
    struct stat st;
    if (count >= 0 && stat(names[k], &st) == 0 && S_ISREG(st.st_mode))
      count = run_file(names[k]) ? -1 : count + 1;
    free(names[k]);
  }
  free(names);
  return count;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s FILE_OR_DIR...\n", argv[0]);
    return 2;
  }
  long total = 0;
  for (int k = 1; k < argc; k++) {
    struct stat st;
    if (stat(argv[k], &st) != 0) {
      perror(argv[k]);
      return 1;
    }
    long n = S_ISDIR(st.st_mode) ? run_dir(argv[k]) : run_file(argv[k]) ? -1 : 1;
    if (n < 0) return 1;
    total += n;
  }
  if (total == 0) {
    fprintf(stderr, "%s: no input files\n", argv[0]);
    return 1;
  }
  printf("replayed %ld inputs\n", total);
  return 0;
}
