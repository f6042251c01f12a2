/* Plug-in agents: shared objects exporting parley_agent() (parley.h). The
 * engine checks every answer, so a plug-in that errs or breaks its party's
 * red lines ends the negotiation with a failure instead of an agreement it
 * should not have made. */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include "agents/agent.h"

int pl__plugin_init(pl__agent *a, const char *spec, uint64_t seed,
                    pl_error *err) {
  size_t n = strcspn(spec, ":");
  char path[4096];
  if (n >= sizeof path)
    return pl__err(err, PL_EINVAL, "agent path too long");
  memcpy(path, spec, n);
  path[n] = 0;
  const char *params = spec[n] == ':' ? spec + n + 1 : "";
  a->kind = PL__AGENT_PLUGIN;
  a->dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!a->dl)
    return pl__err(err, PL_EIO, "cannot load agent \"%s\": %s", path,
                   dlerror());
  const pl_agent_api *(*entry)(void);
  *(void **)&entry = dlsym(a->dl, "parley_agent");
  a->api = entry ? entry() : NULL;
  if (!a->api)
    return pl__err(err, PL_EINVAL,
                   "agent \"%s\" exports no parley_agent() table", path);
  if (a->api->abi_version != PL_AGENT_ABI_VERSION ||
      a->api->struct_size < sizeof(pl_agent_api) || !a->api->create ||
      !a->api->propose || !a->api->respond)
    return pl__err(err, PL_EUNSUPPORTED,
                   "agent \"%s\": ABI version %u (size %u), expected %d "
                   "with create, propose and respond",
                   path, a->api->abi_version, a->api->struct_size,
                   PL_AGENT_ABI_VERSION);
  a->cand = pl__malloc((size_t)a->s->n_issues * sizeof *a->cand);
  a->work = pl__malloc((size_t)a->s->n_issues * sizeof *a->work);
  if (!a->cand || !a->work) return pl__err(err, PL_ENOMEM, "out of memory");
  a->state = a->api->create(a->s, a->party, params, seed);
  if (!a->state)
    return pl__err(err, PL_EINVAL, "agent \"%s\" could not start", path);
  return PL_OK;
}

void pl__plugin_free(pl__agent *a) {
  if (a->state && a->api->destroy) a->api->destroy(a->state);
  if (a->dl) dlclose(a->dl);
  a->state = NULL;
  a->dl = NULL;
}

/* Options in range and acceptable to the party. */
static bool valid(const pl__agent *a, const uint32_t *o) {
  for (int i = 0; i < a->s->n_issues; i++)
    if (o[i] >= a->s->issues[i].n) return false;
  return pl__agent_allows(a, o);
}

bool pl__plugin_propose(pl__agent *a, double t, const uint32_t **options) {
  if (a->failed || a->walk_out) return false;
  int r = a->api->propose(a->state, t, a->cand);
  if (r == PL_AGENT_END) {
    a->walk_out = true;
    return false;
  }
  if (r != 0 || !valid(a, a->cand)) {
    a->failed = true;
    return false;
  }
  a->offer_u = pl_scenario_utility(a->s, a->party, a->cand);
  *options = a->cand;
  return true;
}

bool pl__plugin_accepts(pl__agent *a, double t, const uint32_t *offer) {
  if (a->failed || a->walk_out) return false;
  int r = a->api->respond(a->state, t, offer);
  if (r == PL_AGENT_END) {
    a->walk_out = true;
    return false;
  }
  if (r < 0 || r > 1 || (r == 1 && !pl__agent_allows(a, offer))) {
    a->failed = true;
    return false;
  }
  return r == 1;
}
