/* Agents whose answers come from outside the library (agents.h): plug-ins
 * (shared objects exporting parley_agent()), tables registered by name,
 * and the external-process agent (ext.c), all behind one table. The
 * engine checks every answer, so an agent that errs or breaks its party's
 * red lines ends the negotiation with a failure instead of an agreement it
 * should not have made. */
#include <ctype.h>
#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "agents/agent.h"
#include "core/dl.h"

/* ---- registries ---------------------------------------------------- */

typedef struct entry {
  char name[64];
  const pl_agent_api *api;
  void *ctx;
} entry;

struct pl_agent_registry {
  entry *e;
  size_t n, cap;
};

int pl_agent_registry_new(pl_agent_registry **out, pl_error *err) {
  *out = pl__calloc(1, sizeof **out);
  return *out ? PL_OK : pl__err(err, PL_ENOMEM, "out of memory");
}

void pl_agent_registry_free(pl_agent_registry *r) {
  if (!r) return;
  pl__free(r->e);
  pl__free(r);
}

int pl__registry_copy(pl_agent_registry *to, const pl_agent_registry *from,
                      pl_error *err) {
  for (size_t k = 0; from && k < from->n; k++) {
    int rc = pl_agent_registry_add(to, from->e[k].name, from->e[k].api,
                                   from->e[k].ctx, err);
    if (rc) return rc;
  }
  return PL_OK;
}

/* A version 1 or 2 table with what it must have. */
static bool table_ok(const pl_agent_api *api) {
  if (!api || api->abi_version < 1 || api->abi_version > PL_AGENT_ABI_VERSION)
    return false;
  if (api->abi_version == 1)
    return api->struct_size >= PL_AGENT_API_V1_SIZE && api->create &&
           api->propose && api->respond;
  return api->struct_size >= sizeof(pl_agent_api) &&
         (api->create || api->create2) && (api->propose || api->propose2) &&
         (api->respond || api->respond2);
}

int pl_agent_registry_add(pl_agent_registry *r, const char *name,
                          const pl_agent_api *api, void *ctx, pl_error *err) {
  size_t n = name ? strlen(name) : 0;
  if (n == 0 || n >= sizeof r->e->name)
    return pl__err(err, PL_EINVAL, "an agent name has 1 to 63 characters");
  for (size_t k = 0; k < n; k++)
    if (!isalnum((unsigned char)name[k]) && !strchr("-_+.", name[k]))
      return pl__err(err, PL_EINVAL,
                     "agent name \"%s\": letters, digits, '-', '_', '+' or "
                     "'.' only",
                     name);
  if (!table_ok(api))
    return pl__err(err, PL_EUNSUPPORTED,
                   "agent \"%s\": the table must be ABI version 1 or %d with "
                   "create, propose and respond",
                   name, PL_AGENT_ABI_VERSION);
  entry *e = NULL;
  for (size_t k = 0; k < r->n && !e; k++)
    if (!strcmp(r->e[k].name, name)) e = &r->e[k];
  if (!e) {
    if (r->n == r->cap) {
      size_t cap = r->cap ? 2 * r->cap : 8;
      entry *g = pl__realloc(r->e, cap * sizeof *g);
      if (!g) return pl__err(err, PL_ENOMEM, "out of memory");
      r->e = g;
      r->cap = cap;
    }
    e = &r->e[r->n++];
  }
  memcpy(e->name, name, n + 1);
  e->api = api;
  e->ctx = ctx;
  return PL_OK;
}

int pl__agent_registry_copy(const pl_agent_registry *from,
                            pl_agent_registry **out, pl_error *err) {
  int rc = pl_agent_registry_new(out, err);
  for (size_t k = 0; !rc && from && k < from->n; k++)
    rc = pl_agent_registry_add(*out, from->e[k].name, from->e[k].api,
                               from->e[k].ctx, err);
  if (rc) {
    pl_agent_registry_free(*out);
    *out = NULL;
  }
  return rc;
}

/* ---- creating ------------------------------------------------------ */

static double no_clock(void) { return pl__now(); }

/* The agent from its table: create2 when it has one, else create. */
static int table_init(pl__agent *a, const pl_agent_api *api, void *ctx,
                      const char *name, const char *params, uint64_t seed,
                      const pl__env *env, pl_error *err) {
  a->kind = PL__AGENT_PLUGIN;
  a->api = api;
  a->v2 = api->abi_version >= 2;
  a->wait_since = -1;
  a->session = env ? env->x : NULL;
  a->move_limit = env && env->o ? env->o->move_limit : 0;
  a->cand = pl__malloc((size_t)a->s->n_issues * sizeof *a->cand);
  a->work = pl__malloc((size_t)a->s->n_issues * sizeof *a->work);
  if (!a->cand || !a->work) return pl__err(err, PL_ENOMEM, "out of memory");
  if (!a->v2 || !api->create2) {
    a->state = api->create(a->s, a->party, params, seed);
    if (!a->state)
      return pl__err(err, PL_EINVAL, "agent \"%s\" could not start", name);
    return PL_OK;
  }
  pl_agent_setup su;
  memset(&su, 0, sizeof su);
  su.struct_size = sizeof su;
  su.scenario = a->s;
  su.party = a->party;
  su.params = params;
  su.seed = seed;
  su.ctx = ctx;
  su.error = a->why;
  su.error_size = sizeof a->why;
  if (env && env->o) {
    su.protocol = env->o->protocol;
    su.drafter = env->o->drafter;
    su.rounds = env->o->rounds;
    su.time_limit = env->o->time_limit;
    su.move_limit = env->o->move_limit;
    su.agent_limit = env->o->agent_limit;
    su.max_message = env->o->max_message;
  }
  if (env) {
    su.session = env->x;
    su.log = env->log;
    su.log_ctx = env->log_ctx;
  }
  a->state = api->create2(&su);
  if (!a->state) { /* the negotiation fails at its first step */
    a->failed = true;
    if (!a->why[0])
      snprintf(a->why, sizeof a->why, "agent \"%s\" could not start", name);
  }
  return PL_OK;
}

int pl__plugin_init(pl__agent *a, const char *spec, uint64_t seed,
                    const pl__env *env, pl_error *err) {
  size_t n = strcspn(spec, ":");
  char path[4096];
  if (n >= sizeof path)
    return pl__err(err, PL_EINVAL, "agent path too long");
  memcpy(path, spec, n);
  path[n] = 0;
  const char *params = spec[n] == ':' ? spec + n + 1 : "";
  a->kind = PL__AGENT_PLUGIN;
  char why[400];
  a->dl = pl__dlopen(path, why, sizeof why);
  if (!a->dl)
    return pl__err(err, PL_EIO, "cannot load agent \"%s\": %s", path, why);
  const pl_agent_api *(*entry_fn)(void);
  *(void **)&entry_fn = dlsym(a->dl, "parley_agent");
  const pl_agent_api *api = entry_fn ? entry_fn() : NULL;
  if (!api)
    return pl__err(err, PL_EINVAL,
                   "agent \"%s\" exports no parley_agent() table", path);
  if (!table_ok(api))
    return pl__err(err, PL_EUNSUPPORTED,
                   "agent \"%s\": ABI version %u (size %u), expected 1 or %d "
                   "with create, propose and respond",
                   path, api->abi_version, api->struct_size,
                   PL_AGENT_ABI_VERSION);
  return table_init(a, api, NULL, path, params, seed, env, err);
}

int pl__ext_kind(const char *spec) {
  size_t n = strcspn(spec, ":");
  if (n == 3 && !strncmp(spec, "ext", 3)) return 1;
  if (n == 7 && !strncmp(spec, "ext+tcp", 7)) return 2;
  if (n == 8 && !strncmp(spec, "ext+unix", 8)) return 3;
  return 0;
}

bool pl__registry_has(const pl_agent_registry *r, const char *spec) {
  size_t n = strcspn(spec, ":");
  for (size_t k = 0; r && k < r->n; k++)
    if (strlen(r->e[k].name) == n && !strncmp(r->e[k].name, spec, n))
      return true;
  return false;
}

int pl__table_lookup(pl__agent *a, const char *spec, uint64_t seed,
                     const pl__env *env, pl_error *err) {
  size_t n = strcspn(spec, ":");
  const char *params = spec[n] == ':' ? spec + n + 1 : "";
  const pl_agent_registry *r = env && env->o ? env->o->registry : NULL;
  for (size_t k = 0; r && k < r->n; k++)
    if (strlen(r->e[k].name) == n && !strncmp(r->e[k].name, spec, n))
      return table_init(a, r->e[k].api, r->e[k].ctx, r->e[k].name, params,
                        seed, env, err);
  /* the external agents: ctx 0 runs a command, 1 connects to a TCP
   * service, 2 to a Unix-socket one */
  int kind = pl__ext_kind(spec);
  if (kind) {
    static const char *const name[] = {"", "ext", "ext+tcp", "ext+unix"};
    static const char *const what[] = {"", "a command", "HOST:PORT", "PATH"};
    if (!*params)
      return pl__err(err, PL_EINVAL,
                     "agent \"%s\" needs %s after the colon", spec,
                     what[kind]);
    return table_init(a, pl_agent_ext(), (void *)(intptr_t)(kind - 1),
                      name[kind], params, seed, env, err);
  }
  return 1;
}

void pl__plugin_free(pl__agent *a) {
  if (a->state && a->api->destroy) a->api->destroy(a->state);
  if (a->dl) dlclose(a->dl);
  a->state = NULL;
  a->dl = NULL;
}

/* ---- answers ------------------------------------------------------- */

static void fail(pl__agent *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void fail(pl__agent *a, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(a->why, sizeof a->why, fmt, ap);
  va_end(ap);
  a->failed = true;
}

/* Options in range and acceptable to the party; else fails saying why
 * (what: "offer", "acceptance", ...). */
static bool valid(pl__agent *a, const uint32_t *o, const char *what) {
  const pl_scenario *s = a->s;
  for (int i = 0; i < s->n_issues; i++)
    if (o[i] >= s->issues[i].n) {
      fail(a, "its %s has option %u on issue \"%s\", which has %u", what,
           o[i], s->issues[i].id, s->issues[i].n);
      return false;
    }
  int r;
  if (pl_scenario_acceptable(s, a->party, o, &r)) return true;
  if (r >= 0)
    fail(a, "its %s breaks its red line \"%s\"", what, s->red_lines[r].id);
  else
    fail(a, "its %s gives it %.6g, below its reservation value %.6g", what,
         pl_scenario_utility(s, a->party, o), s->parties[a->party].reservation);
  return false;
}

/* The turn of a version-2 answer. */
static pl_agent_turn turn_at(const pl__agent *a, double t) {
  return (pl_agent_turn){t, a->session ? pl_session_rounds(a->session) : 1,
                         a->session};
}

/* Handles an answer's code: true when it is an answer in [lo, hi]; false
 * after a walk-out, a wait or an error (then failed, saying why). */
static bool answered(pl__agent *a, int r, int lo, int hi, const char *call) {
  if (r == PL_AGENT_WAIT && a->v2) {
    if (a->move_limit > 0) { /* no clock read without a limit (env.c) */
      double now = no_clock();
      if (a->wait_since < 0) a->wait_since = now;
      if (now - a->wait_since > a->move_limit) {
        fail(a, "no answer to %s within %g s", call, a->move_limit);
        return false;
      }
    }
    a->waiting = true;
    return false;
  }
  a->wait_since = -1;
  if (r == PL_AGENT_END) {
    a->walk_out = true;
    return false;
  }
  if (r < lo || r > hi) {
    const char *why = a->v2 && a->api->error ? a->api->error(a->state) : NULL;
    if (why && *why) fail(a, "%s", why);
    else fail(a, "%s returned %d, an error", call, r);
    return false;
  }
  return true;
}

bool pl__plugin_propose(pl__agent *a, double t, const uint32_t **options) {
  if (a->failed || a->walk_out) return false;
  pl_agent_turn tu = turn_at(a, t);
  int r = a->v2 && a->api->propose2 ? a->api->propose2(a->state, &tu, a->cand)
                                    : a->api->propose(a->state, t, a->cand);
  if (!answered(a, r, 0, 0, "propose") || !valid(a, a->cand, "offer"))
    return false;
  a->offer_u = pl_scenario_utility(a->s, a->party, a->cand);
  *options = a->cand;
  return true;
}

bool pl__plugin_accepts(pl__agent *a, double t, const uint32_t *offer) {
  if (a->failed || a->walk_out) return false;
  pl_agent_turn tu = turn_at(a, t);
  int r = a->v2 && a->api->respond2 ? a->api->respond2(a->state, &tu, offer)
                                    : a->api->respond(a->state, t, offer);
  if (!answered(a, r, 0, 1, "respond")) return false;
  return r == 1 && valid(a, offer, "acceptance");
}

bool pl__plugin_comment(pl__agent *a, double t, const uint32_t *draft,
                        uint32_t *want) {
  const int ni = a->s->n_issues;
  if (!a->v2 || !a->api->comment) { /* no articles: its whole offer */
    const uint32_t *mine;
    if (!pl__plugin_propose(a, t, &mine)) return false;
    memcpy(want, mine, (size_t)ni * sizeof *want);
    return true;
  }
  if (a->failed || a->walk_out) return false;
  pl_agent_turn tu = turn_at(a, t);
  memcpy(want, draft, (size_t)ni * sizeof *want);
  int r = a->api->comment(a->state, &tu, draft, want);
  if (!answered(a, r, 0, 0, "comment") || !valid(a, want, "comment"))
    return false;
  if (!memcmp(want, draft, (size_t)ni * sizeof *want)) {
    fail(a, "its comment changes no article of the draft");
    return false;
  }
  return true;
}

int pl__plugin_vote(pl__agent *a, double t, const uint32_t *from,
                    const uint32_t *to) {
  if (a->failed || a->walk_out) return -1;
  pl_agent_turn tu = turn_at(a, t);
  int r = a->api->vote(a->state, &tu, from, to);
  if (!answered(a, r, 0, 1, "vote")) return -1;
  if (r == 1 && !valid(a, to, "vote for the proposal")) return -1;
  return r;
}

void pl__plugin_event(pl__agent *a, const pl_event *e) {
  /* after a failure, only the end */
  if (a->v2 && a->api->event && a->state &&
      (!a->failed || e->kind == PL_EVENT_END))
    a->api->event(a->state, a->session, e);
}
