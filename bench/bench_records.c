/* bench_records: what signing costs `parley run`, and how long verifying a
 * 1,000,000-event record takes on one core (docs/performance.md,
 * "Verifiable records"). Not a test.
 *
 *   bench_records [DATA_DIR [EVENTS]]    DATA_DIR defaults to ../shared/data
 *
 * 1. ItexvsCypress (ANAC 2010) at 1,000 rounds, boulware against conceder
 *    (hardliner against hardliner, so the deadline comes, for the longest
 *    transcript): the negotiation with its plain transcript, against the
 *    same plus signing every event with two party keys and the engine's
 *    (pl_record_sign_session) and writing the record's text. Best of 5.
 * 2. A bundle of EVENTS (1,000,000) events: hardliner against hardliner on
 *    the same scenario with a deadline of EVENTS/2 rounds, signed with
 *    checkpoints and signed every event, written to a file; then what
 *    `parley verify` does: reading it (parsing and hashing every line),
 *    and verifying it in fast mode (every link, each signer's latest
 *    signature) and in full mode (every signature; of the record signed
 *    every event a tenth, scaled, unless PL_BENCH_FULL=1).
 *    With the read record: the hashing floor, its two BLAKE2b hashes per
 *    entry alone (the same bytes, dummy content).
 * PL_BENCH_ONLY=verify runs only part 2; PL_BENCH_KEEP=1 keeps the bundles'
 * files (their paths printed) for `parley verify` and perf.
 * The fixed-seed keys and the verdicts' entry counts guard the answers. */
#define _GNU_SOURCE /* wait4 */
#include <fcntl.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "parley/parley.h"

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t); /* CPU time: the machine is shared */
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static pl_key *seeded(const char *party, uint8_t first) {
  uint8_t seed[32];
  for (int k = 0; k < 32; k++) seed[k] = (uint8_t)(first + k);
  pl_key *key = NULL;
  if (pl_key_from_seed(party, seed, &key, NULL)) exit(1);
  return key;
}

/* One run: the negotiation and its transcript, and with sign, the signed
 * record's text. Seconds; *events the transcript's length. */
static double run(const pl_scenario *s, const char *const *agents, int rounds,
                  pl_key **keys, int sign, size_t *events, char **text) {
  pl_session_options o;
  pl_session_options_init(&o);
  o.rounds = rounds;
  double t0 = now();
  pl_session *x = NULL;
  if (pl_session_new(s, &o, agents, &x, NULL)) exit(1);
  while (pl_session_step(x) == PL_SESSION_RUNNING) {
  }
  char *t = NULL;
  if (sign) { /* 1: every entry signed; 2: checkpoints (each signer's last) */
    pl_record *r = NULL;
    if (pl_record_sign_session_every(x, s, &o, agents,
                                     (const pl_key *const *)keys, NULL,
                                     sign == 1 ? 1 : 0, &r, NULL))
      exit(1);
    t = pl_record_to_text(r);
    pl_record_free(r);
  } else {
    t = pl_session_transcript(x);
  }
  double dt = now() - t0;
  *events = pl_session_event_count(x);
  if (text)
    *text = t;
  else
    pl_free(t);
  pl_session_free(x);
  return dt;
}

/* Whole process: CPU time (user + system) of a child's run, seconds. */
static double child_cpu(const char *const args[]) {
  pid_t pid;
  extern char **environ;
  if (posix_spawn(&pid, args[0], NULL, NULL, (char *const *)args, environ))
    return -1;
  int st;
  struct rusage ru;
  if (wait4(pid, &st, 0, &ru) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
    return -1;
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
         (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static int cmp_d(const void *x, const void *y) {
  double a = *(const double *)x, b = *(const double *)y;
  return a < b ? -1 : a > b;
}

/* `parley run` on ItexvsCypress, 1000 rounds, with its transcript, then
 * signed by both parties: every entry, and checkpoints. Median CPU time of
 * 20 whole processes each (the parley next to this benchmark's folder). */
static void cli_runs(const char *self, const char *d, const char *a,
                     const char *b, const char *pa, const char *pb) {
  char exe[1024], dir[] = "/tmp/pl_bench_rec_XXXXXX", k1[1100], k2[1100],
                  s1[1200], s2[1200], out[1100];
  snprintf(exe, sizeof exe, "%s", self);
  char *slash = strrchr(exe, '/');
  if (!slash) return;
  snprintf(slash, sizeof exe - (size_t)(slash - exe), "/../parley");
  if (access(exe, X_OK) || !mkdtemp(dir)) return;
  snprintf(k1, sizeof k1, "%s/a.key", dir);
  snprintf(k2, sizeof k2, "%s/b.key", dir);
  snprintf(out, sizeof out, "%s/t.record", dir);
  const char *g1[] = {exe, "keygen", "--party", pa, "-o", k1, NULL};
  const char *g2[] = {exe, "keygen", "--party", pb, "-o", k2, NULL};
  int fd = open("/dev/null", O_WRONLY), so = dup(1);
  dup2(fd, 1); /* keygen and run print; this benchmark's figures do not */
  bool ok = child_cpu(g1) >= 0 && child_cpu(g2) >= 0;
  snprintf(s1, sizeof s1, "%s=%s", pa, k1);
  snprintf(s2, sizeof s2, "%s=%s", pb, k2);
  const char *plain[] = {exe, "run", d, a, b, "--agents",
                   "boulware,conceder", "--rounds", "1000", "--transcript",
                   out, NULL};
  const char *every[] = {exe, "run", d, a, b, "--agents",
                   "boulware,conceder", "--rounds", "1000", "--transcript",
                   out, "--sign", s1, "--sign", s2, NULL};
  const char *cp[] = {exe, "run", d, a, b, "--agents",
                "boulware,conceder", "--rounds", "1000", "--transcript",
                out, "--sign", s1, "--sign", s2, "--sign-every", "0", NULL};
  const char *const *cmds[] = {plain, every, cp};
  double med[3] = {0};
  for (int c = 0; ok && c < 3; c++) {
    double t[20];
    for (int k = 0; k < 20 && ok; k++) ok = (t[k] = child_cpu(cmds[c])) >= 0;
    qsort(t, 20, sizeof *t, cmp_d);
    med[c] = (t[9] + t[10]) / 2;
  }
  dup2(so, 1);
  close(so);
  close(fd);
  if (ok)
    printf("parley run ItexvsCypress 1000 rounds, whole process, median CPU "
           "of 20: with its transcript %.2f ms; signed by both parties, "
           "every event %.2f ms (+%.1f%%); checkpoints (--sign-every 0) "
           "%.2f ms (+%.1f%%)\n",
           med[0] * 1e3, med[1] * 1e3, 100 * (med[1] - med[0]) / med[0],
           med[2] * 1e3, 100 * (med[2] - med[0]) / med[0]);
  unlink(k1);
  unlink(k2);
  snprintf(k1, sizeof k1, "%s/a.key.pub", dir);
  unlink(k1);
  snprintf(k2, sizeof k2, "%s/b.key.pub", dir);
  unlink(k2);
  unlink(out);
  rmdir(dir);
}

/* The floor of reading a record: its two BLAKE2b-256 hashes per entry
 * alone (the commitment over salt, newline and body; the link over the
 * preimage and the signature's hex), over the same number of bytes, best
 * of 3. */
/* Length of the JSON string value after `key` in the line [p, e) (decoded:
 * canonical escapes are \X or \u00XX), or -1 when absent. */
static long json_len(const char *p, const char *e, const char *key) {
  const char *q = memmem(p, (size_t)(e - p), key, strlen(key));
  if (!q) return -1;
  long n = 0;
  for (q += strlen(key); q < e && *q != '"'; n++)
    q += *q != '\\' ? 1 : q[1] == 'u' ? 6 : 2;
  return n;
}

static void hash_floor(const char *text, size_t len) {
  /* the bytes each entry hashes, found first (outside the timing) */
  size_t cap = 1024, ne = 0;
  size_t *sz = malloc(2 * cap * sizeof *sz);
  for (const char *p = text, *e = text + len; sz && p < e; p++) {
    const char *nl = memchr(p, '\n', (size_t)(e - p));
    if (!nl) break;
    if (!strncmp(p, "{\"n\":", 5)) {
      if (ne == cap) {
        size_t *n2 = realloc(sz, 4 * cap * sizeof *sz);
        if (!n2) break;
        sz = n2;
        cap *= 2;
      }
      /* commitment: salt "\n" body; link: "parley-record-1\n" n "\n" prev
       * "\n" signer "\n" event "\n" commitment "\n", the signature's hex
       * or not, "\n" */
      long body = json_len(p, nl, "\"body\":\"");
      sz[2 * ne] = body < 0 ? 0 : 65 + (size_t)body;
      sz[2 * ne + 1] = 16 + (size_t)snprintf(NULL, 0, "%zu", ne) + 1 + 65 +
                       (size_t)json_len(p, nl, "\"signer\":\"") + 1 +
                       (size_t)json_len(p, nl, "\"event\":\"") + 1 + 65 +
                       (memmem(p, (size_t)(nl - p), ",\"sig\":", 7) ? 129 : 1);
      ne++;
    }
    p = nl;
  }
  if (!sz) return;
  static unsigned char buf[1 << 16];
  unsigned char h[32];
  double best = 1e9, bytes = 0;
  for (size_t k = 0; k < 2 * ne; k++) bytes += (double)sz[k];
  for (int rep = 0; rep < 3; rep++) {
    double t0 = now();
    for (size_t k = 0; k < ne; k++) {
      buf[0] = (unsigned char)k;
      if (sz[2 * k])
        crypto_generichash(h, 32, buf,
                           sz[2 * k] < sizeof buf ? sz[2 * k] : sizeof buf,
                           NULL, 0);
      buf[1] = h[0];
      crypto_generichash(h, 32, buf, sz[2 * k + 1], NULL, 0);
    }
    double t = now() - t0;
    if (t < best) best = t;
  }
  free(sz);
  printf("  hashing floor: the two BLAKE2b-256 per entry alone, %.0f MB: "
         "%.2f s (%.2f GB/s)\n", bytes / 1e6, best, bytes / best / 1e9);
}

/* A record of about `events` events (hardliner against hardliner, a
 * deadline of events/2 rounds), signed every event or (checkpoints) only
 * each signer's last, written to a file as a bundle; then what `parley
 * verify` does: read it (parse and hash every line), verify --fast, and
 * verify in full (every signature: with checkpoints all of them, else a
 * tenth of the record, scaled, unless PL_BENCH_FULL=1). */
static void long_record(const pl_scenario *s, pl_key **keys, long events,
                        int checkpoints) {
  const char *hh[] = {"hardliner", "hardliner"};
  size_t ev = 0;
  char *text = NULL;
  double t = run(s, hh, (int)(events / 2), keys, checkpoints ? 2 : 1, &ev,
                 &text);
  size_t len = strlen(text);
  char path[] = "/tmp/pl_bench_bundle_XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0 || write(fd, text, len) != (ssize_t)len) exit(1);
  close(fd);
  const char *how = checkpoints ? "checkpoints (--sign-every 0)"
                                : "every event signed";
  printf("bundle of %zu events, %s (%.0f MB): made and signed in %.2f s\n",
         ev, how, (double)len / 1e6, t);
  double t0 = now();
  pl_record *r = NULL;
  if (pl_record_read(path, 0, &r, NULL)) exit(1);
  double t_read = now() - t0;
  pl_verify_options o;
  pl_verify_options_init(&o);
  o.fast = 1;
  pl_verdict *v = NULL;
  t0 = now();
  if (pl_record_verify(r, &o, &v, NULL)) exit(1);
  double t_fast = now() - t0;
  printf("  read (parse, hash every entry) %.2f s; verify --fast %.2f s "
         "(%zu signatures): read + verify --fast %.2f s; ok %d, %zu "
         "entries\n",
         t_read, t_fast, pl_verdict_signatures_checked(v), t_read + t_fast,
         pl_verdict_ok(v), pl_verdict_entries(v));
  pl_verdict_free(v);
  hash_floor(text, len);
  const char *full = getenv("PL_BENCH_FULL");
  o.fast = 0;
  if (checkpoints || (full && !strcmp(full, "1"))) {
    t0 = now();
    if (pl_record_verify(r, &o, &v, NULL)) exit(1);
    double t_full = now() - t0;
    printf("  verify (every signature) %.2f s (%zu signatures): read + "
           "verify %.2f s; ok %d\n",
           t_full, pl_verdict_signatures_checked(v), t_read + t_full,
           pl_verdict_ok(v));
    pl_verdict_free(v);
  } else {
    /* every signature of the first tenth, scaled */
    size_t cut = 0, lines = 0, want = ev / 10 + 2;
    while (cut < len && lines < want) lines += text[cut++] == '\n';
    pl_record *part = NULL;
    pl_record_parse(text, cut, "bench", &part, NULL);
    t0 = now();
    pl_record_verify(part, &o, &v, NULL);
    double t_full = now() - t0;
    printf("  verify (every signature) of the first %zu entries: %.2f s, "
           "%.1f us per entry: %.0f s for the whole record\n",
           pl_verdict_signatures_checked(v), t_full,
           t_full / (double)pl_verdict_signatures_checked(v) * 1e6,
           t_full / (double)pl_verdict_signatures_checked(v) * (double)ev);
    pl_verdict_free(v);
    pl_record_free(part);
  }
  pl_record_free(r);
  pl_free(text);
  const char *keep = getenv("PL_BENCH_KEEP");
  if (keep && !strcmp(keep, "1"))
    printf("  kept %s\n", path);
  else
    unlink(path);
}

int main(int argc, char **argv) {
  const char *data = argc > 1 ? argv[1] : "../shared/data";
  long events_wanted = argc > 2 ? atol(argv[2]) : 1000000;
  char d[512], a[512], b[512];
  snprintf(d, sizeof d, "%s/genius/anac/y2010/ItexvsCypress/ItexvsCypress_domain.xml", data);
  snprintf(a, sizeof a, "%s/genius/anac/y2010/ItexvsCypress/ItexvsCypress_Itex.xml", data);
  snprintf(b, sizeof b, "%s/genius/anac/y2010/ItexvsCypress/ItexvsCypress_Cypress.xml", data);
  const char *paths[] = {d, a, b};
  pl_scenario *s = NULL;
  if (pl_scenario_load_inputs(paths, 3, NULL, &s, NULL)) {
    printf("bench_records: %s not found, skipped\n", d);
    return 0;
  }
  pl_key *keys[2] = {seeded(pl_scenario_party_id(s, 0), 1),
                     seeded(pl_scenario_party_id(s, 1), 101)};
  printf("bench_records: libparley %s, libsodium %s, one core\n",
         pl_version(), sodium_version_string());
  {
    /* the hash's choice (docs/records.md): 200-byte messages */
    unsigned char m[200] = {0}, h[32];
    int n = 200000;
    double t0 = now();
    for (int k = 0; k < n; k++) {
      m[0] = (unsigned char)k;
      crypto_generichash(h, 32, m, sizeof m, NULL, 0);
    }
    double tb = now() - t0;
    t0 = now();
    for (int k = 0; k < n; k++) {
      m[0] = (unsigned char)k;
      crypto_hash_sha256(h, m, sizeof m);
    }
    double ts = now() - t0;
    printf("200-byte message: BLAKE2b-256 %.2f us, SHA-256 %.2f us\n",
           tb / n * 1e6, ts / n * 1e6);
  }
  const char *only = getenv("PL_BENCH_ONLY");
  bool runs = !only || strcmp(only, "verify");
  const char *pairs[2][2] = {{"boulware", "conceder"}, {"hardliner", "hardliner"}};
  for (int p = 0; runs && p < 2; p++) {
    double plain = 1e9, sign = 1e9, cp = 1e9;
    size_t ev = 0;
    for (int rep = 0; rep < 5; rep++) {
      double t = run(s, pairs[p], 1000, keys, 0, &ev, NULL);
      if (t < plain) plain = t;
      t = run(s, pairs[p], 1000, keys, 1, &ev, NULL);
      if (t < sign) sign = t;
      t = run(s, pairs[p], 1000, keys, 2, &ev, NULL);
      if (t < cp) cp = t;
    }
    printf("ItexvsCypress 1000 rounds, %s vs %s: %zu events; run %.2f ms, "
           "run + signed record %.2f ms: signing adds %.1f%% "
           "(%.1f us per event); with checkpoints (--sign-every 0) %.2f ms: "
           "+%.1f%%\n",
           pairs[p][0], pairs[p][1], ev, plain * 1e3, sign * 1e3,
           100 * (sign - plain) / plain, (sign - plain) / (double)ev * 1e6,
           cp * 1e3, 100 * (cp - plain) / plain);
  }
  if (runs)
    cli_runs(argv[0], d, a, b, pl_scenario_party_id(s, 0),
             pl_scenario_party_id(s, 1));
  /* a long record: signed every event, and with checkpoints */
  long_record(s, keys, events_wanted, 0);
  long_record(s, keys, events_wanted, 1);
  pl_key_free(keys[0]);
  pl_key_free(keys[1]);
  pl_scenario_free(s);
  return 0;
}
