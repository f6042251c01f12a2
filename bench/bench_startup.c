/* bench_startup: whole-process start-up of the parley CLI (issue 15, item
 * 1; docs/performance.md, "Start-up"): `parley version` and `parley
 * analyze examples/job-offer.yaml`, each run ROUNDS times (default 20)
 * paired with /bin/true -- one of each in turn, so that a loaded machine
 * slows both alike -- and the medians printed: wall time from spawn to
 * exit, CPU time (user + system, from wait4), and the difference to
 * /bin/true. CPU time is the steadier figure on a loaded machine.
 *
 *   bench_startup PARLEY SOURCE_DIR [ROUNDS]
 */
#define _GNU_SOURCE /* wait4 */
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

typedef struct sample {
  double wall, cpu; /* ms */
} sample;

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static sample run(char *const *argv) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  sample s = {0, 0};
  double t0 = now_ms();
  pid_t pid;
  if (posix_spawn(&pid, argv[0], &fa, NULL, argv, environ) != 0) {
    fprintf(stderr, "bench_startup: cannot run %s\n", argv[0]);
    exit(1);
  }
  int st;
  struct rusage ru;
  if (wait4(pid, &st, 0, &ru) != pid || !WIFEXITED(st) || WEXITSTATUS(st)) {
    fprintf(stderr, "bench_startup: %s %s failed\n", argv[0],
            argv[1] ? argv[1] : "");
    exit(1);
  }
  s.wall = now_ms() - t0;
  s.cpu = (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
          (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
  posix_spawn_file_actions_destroy(&fa);
  return s;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static double median(double *v, int n) {
  qsort(v, (size_t)n, sizeof *v, cmp);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: bench_startup PARLEY SOURCE_DIR [ROUNDS]\n");
    return 2;
  }
  int rounds = argc > 3 ? atoi(argv[3]) : 20;
  if (rounds < 1 || rounds > 100000) rounds = 20;
  char example[4096];
  snprintf(example, sizeof example, "%s/examples/job-offer.yaml", argv[2]);
  char *truth[] = {(char *)"/bin/true", NULL};
  char *version[] = {argv[1], (char *)"version", NULL};
  char *analyze[] = {argv[1], (char *)"analyze", example, NULL};
  struct {
    const char *name;
    char **argv;
  } cmds[] = {{"parley version", version},
              {"parley analyze examples/job-offer.yaml", analyze}};
  double *w = malloc(sizeof *w * (size_t)rounds * 4);
  if (!w) return 1;
  double *c = w + rounds, *tw = w + 2 * rounds, *tc = w + 3 * rounds;
  char host[256] = "";
  gethostname(host, sizeof host);
  long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  double load[3] = {0};
  getloadavg(load, 3);
  printf("bench_startup: %d paired runs each; %ld CPUs, load average %.1f "
         "at the start\n",
         rounds, cpus, load[0]);
  printf("%-40s %10s %10s %14s %10s %10s\n", "command (median)", "wall ms",
         "cpu ms", "wall - true", "true wall", "true cpu");
  for (size_t k = 0; k < sizeof cmds / sizeof *cmds; k++) {
    run(cmds[k].argv); /* warm the page cache */
    for (int r = 0; r < rounds; r++) {
      sample t = run(truth);
      sample s = run(cmds[k].argv);
      tw[r] = t.wall;
      tc[r] = t.cpu;
      w[r] = s.wall;
      c[r] = s.cpu;
    }
    double mw = median(w, rounds), mc = median(c, rounds);
    double mt = median(tw, rounds), mtc = median(tc, rounds);
    printf("%-40s %10.2f %10.2f %14.2f %10.2f %10.2f\n", cmds[k].name, mw,
           mc, mw - mt, mt, mtc);
  }
  free(w);
  return 0;
}
