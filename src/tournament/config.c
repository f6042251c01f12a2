/* The tournament config (docs/tournament-format.md): YAML -> pl_tournament,
 * scenarios loaded, agents checked, jobs counted, and a hash of everything
 * that decides the results. */
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/formats.h"
#include "io/yaml_read.h"
#include "model/scenario_internal.h"
#include "agents/agent.h"
#include "tournament/tournament_internal.h"

/* 64-bit FNV-1a, the hash of the config and the scenarios' contents. */
typedef struct hash {
  uint64_t h;
} hash;
static void hash_bytes(hash *h, const void *p, size_t n) {
  const unsigned char *b = p;
  for (size_t k = 0; k < n; k++) h->h = (h->h ^ b[k]) * 1099511628211ull;
}
static void hash_str(hash *h, const char *s) { hash_bytes(h, s, strlen(s) + 1); }
static void hash_u64(hash *h, uint64_t v) { hash_bytes(h, &v, sizeof v); }
static void hash_dbl(hash *h, double v) { hash_bytes(h, &v, sizeof v); }

static void hash_expr(hash *h, const pl_expr *e) {
  if (!e) return;
  hash_u64(h, (uint64_t)e->kind << 32 | (uint32_t)e->issue);
  hash_bytes(h, e->listed, e->n_listed * sizeof *e->listed);
  hash_u64(h, e->n);
  for (size_t k = 0; k < e->n; k++) hash_expr(h, e->kids[k]);
}

/* What decides a scenario's negotiations: ids, utilities, reservation
 * values, discounts, red lines, status quo. */
static void hash_scenario(hash *h, const pl_scenario *s) {
  hash_u64(h, (uint64_t)s->n_parties);
  hash_u64(h, (uint64_t)s->n_issues);
  for (int i = 0; i < s->n_issues; i++) {
    hash_str(h, s->issues[i].id);
    for (uint32_t k = 0; k < s->issues[i].n; k++) {
      hash_str(h, s->issues[i].opt_id[k]);
      for (int p = 0; p < s->n_parties; p++)
        hash_dbl(h, s->table[i][(size_t)k * s->n_parties + p]);
    }
  }
  for (int p = 0; p < s->n_parties; p++) {
    const pl__party *pa = &s->parties[p];
    hash_str(h, pa->id);
    hash_dbl(h, pa->reservation);
    hash_dbl(h, pa->discount);
    hash_dbl(h, pa->max_utility);
    for (size_t r = 0; r < pa->n_rects; r++) {
      hash_dbl(h, pa->rects[r].utility);
      hash_bytes(h, pa->rects[r].issue, pa->rects[r].n * sizeof(int));
      hash_bytes(h, pa->rects[r].lo, pa->rects[r].n * sizeof(uint32_t));
      hash_bytes(h, pa->rects[r].hi, pa->rects[r].n * sizeof(uint32_t));
    }
    for (int i = 0; i < s->n_issues; i++)
      hash_u64(h, pl__status_quo(s, p, i));
  }
  for (int r = 0; r < s->n_red_lines; r++) {
    hash_str(h, s->red_lines[r].id);
    hash_u64(h, (uint64_t)s->red_lines[r].party);
    hash_bytes(h, s->red_lines[r].issues, s->issue_words * sizeof(uint64_t));
    hash_expr(h, s->red_lines[r].rule);
  }
}

static uint64_t sat_mul(uint64_t a, uint64_t b) {
  uint64_t r;
  return __builtin_mul_overflow(a, b, &r) ? UINT64_MAX : r;
}

static uint64_t choose(uint64_t n, uint64_t k) {
  if (k > n) return 0;
  uint64_t r = 1;
  for (uint64_t j = 1; j <= k; j++) {
    /* r * (n - k + j) / j stays exact: r is C(n - k + j - 1, j - 1) */
    unsigned __int128 x = (unsigned __int128)r * (n - k + j) / j;
    if (x > UINT64_MAX) return UINT64_MAX;
    r = (uint64_t)x;
  }
  return r;
}

uint64_t pl__assignments(uint64_t m, int np, bool rotate, bool self_play) {
  uint64_t r = 1;
  if (rotate && self_play) {
    for (int k = 0; k < np; k++) r = sat_mul(r, m);
  } else if (rotate) {
    for (int k = 0; k < np; k++) r = (uint64_t)k < m ? sat_mul(r, m - (uint64_t)k) : 0;
  } else if (self_play) {
    r = choose(m + (uint64_t)np - 1, (uint64_t)np);
  } else {
    r = choose(m, (uint64_t)np);
  }
  return r;
}

/* Completions of a seating whose last chosen agent is v, with `rest`
 * parties to go and `used` agents taken. */
static uint64_t completions(const pl_tournament *t, uint64_t v, int rest,
                            int used) {
  uint64_t m = (uint64_t)t->na;
  if (t->rotate && t->self_play) return pl__assignments(m, rest, true, true);
  if (t->rotate) return pl__assignments(m - (uint64_t)used, rest, true, false);
  if (t->self_play) return pl__assignments(m - v, rest, false, true);
  return pl__assignments(m - v - 1, rest, false, false);
}

int pl_tournament_job(const pl_tournament *t, uint64_t index, pl_job *job) {
  if (!t || index >= t->jobs) return PL_ENOTFOUND;
  int lo = 0, hi = t->ns - 1; /* the scenario: last first_job <= index */
  while (lo < hi) {
    int mid = lo + (hi - lo + 1) / 2;
    if (t->sc[mid].first_job <= index) lo = mid;
    else hi = mid - 1;
  }
  const pl__tscenario *sc = &t->sc[lo];
  uint64_t within = index - sc->first_job;
  memset(job, 0, sizeof *job);
  job->index = index;
  job->scenario = lo;
  job->repetition = (int)(within % (uint64_t)t->repetitions);
  job->parties = sc->parties;
  uint64_t a = within / (uint64_t)t->repetitions;
  /* unrank the seating, lexicographic over agent indices */
  bool used[PL__T_MAX_AGENTS] = {false};
  int prev = -1;
  for (int k = 0; k < sc->parties; k++) {
    int v = t->rotate ? 0 : t->self_play ? (prev < 0 ? 0 : prev) : prev + 1;
    for (; v < t->na; v++) {
      if (t->rotate && !t->self_play && used[v]) continue;
      uint64_t c = completions(t, (uint64_t)v, sc->parties - k - 1, k + 1);
      if (a < c) break;
      a -= c;
    }
    if (v >= t->na) return PL_ESTATE; /* cannot happen: counts agree */
    job->agents[k] = v;
    used[v] = true;
    prev = v;
  }
  uint64_t st = t->seed ^ (index * 0xD1B54A32D192ED03ull);
  job->seed = pl__splitmix64(&st);
  return PL_OK;
}

/* ------------------------------------------------------------------ */
/* reading                                                             */
/* ------------------------------------------------------------------ */

typedef struct ctx {
  pl__yreader r;
  const char *base;
  pl_tournament *t;
  hash h;
  int parties; /* keep only scenarios with this many parties (0: all) */
} ctx;

static int nomem(ctx *c) {
  return pl__err(c->r.err, PL_ENOMEM, "out of memory");
}

/* base/rel, or rel when it is absolute. */
static char *resolve(const char *base, const char *rel) {
  if (rel[0] == '/' || !base || !base[0]) return pl__strdup(rel);
  size_t n = strlen(base) + strlen(rel) + 2;
  char *p = pl__malloc(n);
  if (p) snprintf(p, n, "%s/%s", base, rel);
  return p;
}

static int add_scenario(ctx *c, const pl__ynode *at, const char *path,
                        const char *name) {
  pl_tournament *t = c->t;
  if (t->ns >= PL__T_MAX_SCENARIOS)
    return pl__err_at(c->r.err, PL_ETOOBIG, c->r.file, at->line, at->col,
                      "more than %d scenarios", PL__T_MAX_SCENARIOS);
  pl__tscenario *sc = pl__realloc(t->sc, ((size_t)t->ns + 1) * sizeof *sc);
  if (!sc) return nomem(c);
  t->sc = sc;
  sc = &t->sc[t->ns];
  memset(sc, 0, sizeof *sc);
  pl_error e;
  const char *paths[1] = {path};
  int lrc = pl_scenario_load_inputs(paths, 1, NULL, &sc->s, &e);
  if (lrc == PL_ENOMEM) return nomem(c);
  if (lrc) {
    char where[1100];
    if (e.file[0] && e.line > 0)
      snprintf(where, sizeof where, "%s:%d:%d: ", e.file, e.line, e.column);
    else if (e.file[0])
      snprintf(where, sizeof where, "%s: ", e.file);
    else
      where[0] = 0;
    return pl__yfail(&c->r, at, "scenario \"%s\" does not load: %s%s", name,
                     where, e.message);
  }
  if (c->parties && pl_scenario_party_count(sc->s) != c->parties) {
    pl_scenario_free(sc->s); /* filtered out by "parties" */
    return PL_OK;
  }
  if (!(sc->name = pl__strdup(name))) {
    pl_scenario_free(sc->s);
    return nomem(c);
  }
  pthread_mutex_init(&sc->mu, NULL);
  sc->parties = pl_scenario_party_count(sc->s);
  t->ns++;
  if (sc->parties > PL_JOB_MAX_PARTIES)
    return pl__yfail(&c->r, at,
                     "scenario \"%s\" has %d parties; a tournament takes at "
                     "most %d",
                     name, sc->parties, PL_JOB_MAX_PARTIES);
  hash_str(&c->h, name);
  hash_scenario(&c->h, sc->s);
  return PL_OK;
}

static bool has_magic(const char *s) { return strpbrk(s, "*?[") != NULL; }

/* A path and every scenario it holds: a folder of several GENIUS domains
 * (the ANAC 2012 layout) is one scenario per domain, named name/PREFIX. */
static int add_scenarios(ctx *c, const pl__ynode *at, const char *path,
                         const char *name) {
  char **list;
  size_t n;
  pl_error e;
  int rc = pl_scenario_folder_list(path, &list, &n, &e);
  if (rc == PL_ENOMEM) return nomem(c);
  if (rc)
    return pl__yfail(&c->r, at, "scenario \"%s\" does not load: %s", name,
                     e.message);
  if (n == 1 && !strcmp(list[0], path)) {
    pl_scenario_folder_list_free(list, n);
    return add_scenario(c, at, path, name);
  }
  size_t plen = strlen(path);
  for (size_t j = 0; j < n && !rc; j++) {
    const char *prefix = list[j] + plen; /* "/PREFIX" */
    size_t len = strlen(name) + strlen(prefix) + 1;
    char *full = pl__malloc(len);
    if (!full) {
      rc = nomem(c);
      break;
    }
    snprintf(full, len, "%s%s", name, prefix);
    rc = add_scenario(c, at, list[j], full);
    pl__free(full);
  }
  pl_scenario_folder_list_free(list, n);
  return rc;
}

static int parse_scenarios(ctx *c, const pl__ynode *list) {
  int rc = pl__yexpect(&c->r, list, PL__Y_SEQ, "\"scenarios\"");
  if (rc) return rc;
  if (list->n == 0)
    return pl__yfail(&c->r, list, "\"scenarios\" is empty: list at least one");
  for (size_t k = 0; k < list->n && !rc; k++) {
    const pl__ynode *n = list->items[k];
    const char *rel;
    if ((rc = pl__yget_id(&c->r, n, "a scenario path", &rel))) break;
    char *path = resolve(c->base, rel);
    if (!path) return nomem(c);
    if (!has_magic(rel)) {
      rc = add_scenarios(c, n, path, rel);
      pl__free(path);
      continue;
    }
    glob_t g;
    int gr = glob(path, GLOB_MARK, NULL, &g);
    pl__free(path);
    if (gr == GLOB_NOMATCH || (gr == 0 && g.gl_pathc == 0)) {
      if (gr == 0) globfree(&g);
      return pl__yfail(&c->r, n, "\"%s\" matches nothing", rel);
    }
    if (gr != 0) return pl__yfail(&c->r, n, "cannot expand \"%s\"", rel);
    /* names relative to the config, as the user wrote them */
    size_t skip = c->base && c->base[0] && rel[0] != '/' ? strlen(c->base) + 1 : 0;
    for (size_t j = 0; j < g.gl_pathc && !rc; j++) {
      char *m = g.gl_pathv[j];
      size_t len = strlen(m);
      if (len > 1 && m[len - 1] == '/') m[len - 1] = 0; /* GLOB_MARK */
      rc = add_scenarios(c, n, m, m + (strlen(m) > skip ? skip : 0));
    }
    globfree(&g);
  }
  if (!rc && c->t->ns == 0)
    rc = pl__yfail(&c->r, list, "no scenario has %d parties", c->parties);
  return rc;
}

/* ------------------------------------------------------------------ */
/* short names                                                         */
/* ------------------------------------------------------------------ */

/* name without a trailing '/' and without the extension of a scenario
 * file (.yaml, .yml, .xml, .json). */
static char *stem(const char *name) {
  char *s = pl__strdup(name);
  if (!s) return NULL;
  size_t n = strlen(s);
  while (n > 1 && s[n - 1] == '/') s[--n] = 0;
  static const char *const ext[] = {".yaml", ".yml", ".xml", ".json"};
  const char *last = strrchr(s, '/');
  last = last ? last + 1 : s;
  for (size_t k = 0; k < sizeof ext / sizeof *ext; k++) {
    size_t e = strlen(ext[k]);
    if ((size_t)(s + n - last) > e && !strcmp(s + n - e, ext[k])) {
      s[n - e] = 0;
      break;
    }
  }
  return s;
}

/* The last k components of s (all of it when it has no more). */
static const char *last_parts(const char *s, int k) {
  const char *p = s + strlen(s);
  while (p > s) {
    if (p[-1] == '/' && --k == 0) return p;
    p--;
  }
  return s;
}

typedef struct label_of {
  const char *stem;
  int parts; /* components of stem in use */
  int index;
} label_of;

static int by_label(const void *a, const void *b) {
  const label_of *x = a, *y = b;
  int c = strcmp(last_parts(x->stem, x->parts), last_parts(y->stem, y->parts));
  return c ? c : x->index - y->index;
}

/* Each scenario's label: its file (without extension) or folder name, with
 * parent components added only to names that would clash with another
 * (a/x.yaml and b/x.yaml are a/x and b/x). Sorted by the labels so far,
 * clashing neighbours take one component more, until none clash or none
 * can grow (the same path listed twice). */
static int make_labels(ctx *c) {
  pl_tournament *t = c->t;
  label_of *l = pl__calloc((size_t)t->ns + 1, sizeof *l);
  char **stems = pl__calloc((size_t)t->ns + 1, sizeof *stems);
  int rc = l && stems ? PL_OK : nomem(c);
  for (int k = 0; !rc && k < t->ns; k++) {
    if (!(stems[k] = stem(t->sc[k].name))) rc = nomem(c);
    l[k] = (label_of){stems[k], 1, k};
  }
  for (bool grew = true; !rc && grew;) {
    grew = false;
    qsort(l, (size_t)t->ns, sizeof *l, by_label);
    bool *more = pl__calloc((size_t)t->ns + 1, sizeof *more);
    if (!more) {
      rc = nomem(c);
      break;
    }
    for (int k = 0; k + 1 < t->ns; k++)
      if (!strcmp(last_parts(l[k].stem, l[k].parts),
                  last_parts(l[k + 1].stem, l[k + 1].parts)))
        more[k] = more[k + 1] = true;
    for (int k = 0; k < t->ns; k++)
      if (more[k] && last_parts(l[k].stem, l[k].parts) != l[k].stem) {
        l[k].parts++;
        grew = true;
      }
    pl__free(more);
  }
  for (int k = 0; !rc && k < t->ns; k++) {
    pl__tscenario *sc = &t->sc[l[k].index];
    if (!(sc->label = pl__strdup(last_parts(l[k].stem, l[k].parts))))
      rc = nomem(c);
  }
  for (int k = 0; stems && k < t->ns; k++) pl__free(stems[k]);
  pl__free(stems);
  pl__free(l);
  return rc;
}

/* Every agent spec is tried on the first scenario, so a misspelt agent or
 * parameter is reported at its line; plug-ins are checked to exist (they
 * are loaded only where their negotiations run); external agents (ext:,
 * ext+tcp:, ext+unix:) are started only where their negotiations run, and isolated
 * as plug-ins are. */
static int parse_agents(ctx *c, const pl__ynode *list) {
  pl_tournament *t = c->t;
  int rc = pl__yexpect(&c->r, list, PL__Y_SEQ, "\"agents\"");
  if (rc) return rc;
  if (list->n == 0)
    return pl__yfail(&c->r, list, "\"agents\" is empty: list at least one");
  if (list->n > PL__T_MAX_AGENTS)
    return pl__yfail(&c->r, list, "more than %d agents", PL__T_MAX_AGENTS);
  t->agents = pl__calloc(list->n, sizeof *t->agents);
  t->plugin = pl__calloc(list->n, sizeof *t->plugin);
  t->local = pl__calloc(list->n, sizeof *t->local);
  t->ext = pl__calloc(list->n, sizeof *t->ext);
  if (!t->agents || !t->plugin || !t->local || !t->ext) return nomem(c);
  for (size_t k = 0; k < list->n; k++) {
    const pl__ynode *n = list->items[k];
    const char *spec;
    if ((rc = pl__yget_id(&c->r, n, "an agent", &spec))) return rc;
    size_t name = strcspn(spec, ":");
    /* a registered name is what it names, even "ext" or a path-like one */
    t->local[k] = pl__registry_has(t->registry, spec);
    t->plugin[k] = !t->local[k] && memchr(spec, '/', name) != NULL;
    /* external agents start where their negotiations run: in the worker
     * threads, whose pools keep the processes that serve several
     * negotiations (jobs.c) */
    bool ext = !t->local[k] && pl__ext_kind(spec) != 0;
    t->agents[t->na++] = t->plugin[k] ? resolve(c->base, spec) : pl__strdup(spec);
    if (!t->agents[k]) return nomem(c);
    for (size_t j = 0; j < k; j++)
      if (!strcmp(t->agents[j], t->agents[k]))
        return pl__yfail(&c->r, n, "agent \"%s\" is listed twice", spec);
    hash_str(&c->h, spec);
    if (ext) {
      if (!spec[name] || !spec[name + 1])
        return pl__yfail(&c->r, n, "agent \"%s\" needs %s after the colon",
                         spec, name == 3 ? "a command" : "HOST:PORT");
      t->plugin[k] = false;
      t->ext[k] = true;
      continue;
    }
    if (t->plugin[k]) {
      char path[PATH_MAX];
      size_t len = strcspn(t->agents[k], ":");
      snprintf(path, sizeof path, "%.*s", (int)len, t->agents[k]);
      if (access(path, R_OK))
        return pl__yfail(&c->r, n, "plug-in agent \"%s\" not found", path);
      continue;
    }
    const pl_scenario *s = t->sc[0].s;
    const char **specs = pl__calloc((size_t)t->sc[0].parties, sizeof *specs);
    if (!specs) return nomem(c);
    for (int p = 0; p < t->sc[0].parties; p++) specs[p] = spec;
    pl_session *x = NULL;
    pl_error e;
    pl_session_options so;
    pl_session_options_init(&so);
    so.registry = t->registry;
    int sr = pl_session_new(s, &so, specs, &x, &e);
    pl_session_free(x);
    pl__free(specs);
    if (sr == PL_ENOMEM) return nomem(c);
    if (sr) return pl__yfail(&c->r, n, "%s", e.message);
  }
  return PL_OK;
}

static int get_count(ctx *c, const pl__ynode *map, const char *key, int64_t lo,
                     int64_t hi, int64_t dflt, int64_t *out) {
  const pl__ynode *n = pl__ymap_get(map, key);
  char what[64];
  snprintf(what, sizeof what, "\"%s\"", key);
  *out = dflt;
  return n ? pl__yget_integer_in(&c->r, n, what, lo, hi, out) : PL_OK;
}

static int get_flag(ctx *c, const pl__ynode *map, const char *key, bool dflt,
                    bool *out) {
  const pl__ynode *n = pl__ymap_get(map, key);
  *out = dflt;
  return n ? pl__yget_bool(&c->r, n, key, out) : PL_OK;
}

static int get_choice(ctx *c, const pl__ynode *map, const char *key,
                      const char *const *names, int *out) {
  const pl__ynode *n = pl__ymap_get(map, key);
  if (!n) return PL_OK;
  const char *v;
  int rc = pl__yget_string(&c->r, n, key, &v);
  if (rc) return rc;
  for (int k = 0; names[k]; k++)
    if (!strcmp(v, names[k])) {
      *out = k;
      return PL_OK;
    }
  char list[256] = "";
  for (int k = 0; names[k]; k++)
    snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s",
             k ? ", " : "", names[k]);
  return pl__yfail(&c->r, n, "\"%s\" takes one of %s, not \"%s\"", key, list,
                   v);
}

static int parse_config(ctx *c, const pl__ynode *root, size_t len) {
  static const char *const keys[] = {
      "name",       "seed",      "scenarios", "agents",  "protocol",
      "rounds",     "time_limit", "repetitions", "rotate", "self_play",
      "partial",    "isolation", "parties", NULL};
  pl_tournament *t = c->t;
  if (!root) /* an empty file, or only comments */
    return pl__yfail(&c->r, NULL,
                     "%s: expected a tournament mapping with \"scenarios\" "
                     "and \"agents\"",
                     len ? "no YAML document in the file" : "empty file");
  int rc = pl__yexpect(&c->r, root, PL__Y_MAP, "the tournament");
  if (rc || (rc = pl__ycheck_keys(&c->r, root, "the tournament", keys)))
    return rc;
  const pl__ynode *n;
  const char *name = "tournament";
  if ((n = pl__ymap_get(root, "name")) &&
      (rc = pl__yget_id(&c->r, n, "\"name\"", &name)))
    return rc;
  if (!(t->name = pl__strdup(name))) return nomem(c);
  int64_t seed, rounds, reps, parties;
  double limit = 60;
  int protocol = PL_PROTOCOL_SAOP, isolation = PL__ISOLATE_PLUGINS;
  static const char *const protocols[] = {"saop", "text", "mediated", NULL};
  static const char *const isolations[] = {"plugins", "all", "none", NULL};
  if ((rc = get_count(c, root, "seed", 0, INT64_MAX, 0, &seed)) ||
      (rc = get_count(c, root, "rounds", 1, 100000000, 100, &rounds)) ||
      (rc = get_count(c, root, "repetitions", 1, 1000000, 1, &reps)) ||
      (rc = get_count(c, root, "parties", 0, PL_JOB_MAX_PARTIES, 0,
                      &parties)) ||
      (rc = get_choice(c, root, "protocol", protocols, &protocol)) ||
      (rc = get_choice(c, root, "isolation", isolations, &isolation)) ||
      (rc = get_flag(c, root, "rotate", true, &t->rotate)) ||
      (rc = get_flag(c, root, "self_play", false, &t->self_play)) ||
      (rc = get_flag(c, root, "partial", false, &t->partial)))
    return rc;
  if ((n = pl__ymap_get(root, "time_limit")) &&
      (rc = pl__yget_number(&c->r, n, "\"time_limit\"", &limit)))
    return rc;
  if (n && !(limit >= 0 && limit <= 1e6))
    return pl__yfail(&c->r, n, "\"time_limit\" must be from 0 (none) to "
                     "1000000 seconds");
  c->parties = (int)parties;
  hash_u64(&c->h, (uint64_t)parties);
  t->seed = (uint64_t)seed;
  t->rounds = (int)rounds;
  t->repetitions = (int)reps;
  t->protocol = (pl_protocol)protocol;
  t->isolation = (pl__isolation)isolation;
  t->time_limit = limit;
  hash_u64(&c->h, t->seed);
  hash_u64(&c->h, (uint64_t)t->rounds);
  hash_u64(&c->h, (uint64_t)t->repetitions);
  hash_u64(&c->h, (uint64_t)t->protocol);
  hash_u64(&c->h, (uint64_t)(t->rotate | t->self_play << 1 | t->partial << 2));
  const pl__ynode *scen, *agents;
  if ((rc = pl__yneed(&c->r, root, "scenarios", "the tournament", &scen)) ||
      (rc = pl__yneed(&c->r, root, "agents", "the tournament", &agents)) ||
      (rc = parse_scenarios(c, scen)) || (rc = make_labels(c)) ||
      (rc = parse_agents(c, agents)))
    return rc;
  /* jobs: scenario by scenario */
  for (int k = 0; k < t->ns; k++) {
    pl__tscenario *sc = &t->sc[k];
    sc->assignments = pl__assignments((uint64_t)t->na, sc->parties, t->rotate,
                                      t->self_play);
    if (sc->assignments == 0)
      return pl__yfail(&c->r, agents,
                       "scenario \"%s\" has %d parties but there are %d "
                       "agents and self_play is off: list more agents or "
                       "set self_play: true",
                       sc->name, sc->parties, t->na);
    sc->first_job = t->jobs;
    uint64_t n_jobs = sat_mul(sc->assignments, (uint64_t)t->repetitions);
    if (n_jobs > PL__T_MAX_JOBS - t->jobs)
      return pl__err_at(c->r.err, PL_ETOOBIG, c->r.file, root->line,
                        root->col,
                        "more than %llu negotiations in all (at scenario "
                        "\"%s\")",
                        (unsigned long long)PL__T_MAX_JOBS, sc->name);
    t->jobs += n_jobs;
  }
  snprintf(t->hash, sizeof t->hash, "%016llx", (unsigned long long)c->h.h);
  return PL_OK;
}

void pl_tournament_options_init(pl_tournament_options *o) {
  memset(o, 0, sizeof *o);
  o->struct_size = sizeof *o;
}

int pl_tournament_load_string(const char *text, size_t len, const char *name,
                              const char *base_dir, pl_tournament **out,
                              pl_error *err) {
  return pl_tournament_load_string_opts(text, len, name, base_dir, NULL, out,
                                        err);
}

int pl_tournament_load_string_opts(const char *text, size_t len,
                                   const char *name, const char *base_dir,
                                   const pl_tournament_options *opts,
                                   pl_tournament **out, pl_error *err) {
  pl_tournament_options o;
  pl_tournament_options_init(&o);
  PL__OPTIONS_COPY(&o, opts);
  pl_error local;
  if (!err) err = &local;
  *out = NULL;
  if (!name) name = "<memory>";
  pl__ydoc doc;
  int rc = pl__yaml_parse(text, len, name, &doc, err);
  if (rc) return rc;
  ctx c = {{name, err}, base_dir ? base_dir : ".",
           pl__calloc(1, sizeof(pl_tournament)), {14695981039346656037ull}, 0};
  if (c.t) c.t->registry = o.registry;
  rc = c.t ? parse_config(&c, doc.root, len) : nomem(&c);
  pl__yaml_free(&doc);
  if (rc) {
    pl_tournament_free(c.t);
    return rc;
  }
  *out = c.t;
  return PL_OK;
}

int pl_tournament_load(const char *path, pl_tournament **out, pl_error *err) {
  return pl_tournament_load_opts(path, NULL, out, err);
}

int pl_tournament_load_opts(const char *path, const pl_tournament_options *o,
                            pl_tournament **out, pl_error *err) {
  char *text;
  size_t len;
  *out = NULL;
  int rc = pl__read_file(path, PL__YAML_MAX_BYTES, &text, &len, err);
  if (rc) return rc;
  char *base = pl__strdup(path);
  if (!base) {
    pl__free(text);
    return pl__err(err, PL_ENOMEM, "out of memory");
  }
  char *slash = strrchr(base, '/');
  if (slash) *slash = 0;
  else base[0] = 0;
  rc = pl_tournament_load_string_opts(text, len, path, base[0] ? base : ".",
                                      o, out, err);
  pl__free(base);
  pl__free(text);
  return rc;
}

void pl_tournament_free(pl_tournament *t) {
  if (!t) return;
  for (int k = 0; k < t->ns; k++) {
    pl_analysis_free(t->sc[k].a);
    pl_scenario_free(t->sc[k].s);
    pl__free(t->sc[k].name);
    pl__free(t->sc[k].label);
    pthread_mutex_destroy(&t->sc[k].mu);
  }
  for (int k = 0; k < t->na; k++) pl__free(t->agents[k]);
  pl__free(t->agents);
  pl__free(t->plugin);
  pl__free(t->local);
  pl__free(t->ext);
  pl__free(t->sc);
  pl__free(t->name);
  pl__free(t);
}

const char *pl_tournament_hash(const pl_tournament *t) { return t->hash; }
uint64_t pl_tournament_job_count(const pl_tournament *t) { return t->jobs; }
int pl_tournament_scenario_count(const pl_tournament *t) { return t->ns; }
const char *pl_tournament_scenario_name(const pl_tournament *t, int k) {
  return k >= 0 && k < t->ns ? t->sc[k].label : NULL;
}
const pl_scenario *pl_tournament_scenario(const pl_tournament *t, int k) {
  return k >= 0 && k < t->ns ? t->sc[k].s : NULL;
}
int pl_tournament_agent_count(const pl_tournament *t) { return t->na; }
const char *pl_tournament_agent(const pl_tournament *t, int k) {
  return k >= 0 && k < t->na ? t->agents[k] : NULL;
}
