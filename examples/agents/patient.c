/* An example plug-in agent for parley run (docs/negotiation.md):
 *
 *   parley run examples/job-offer.yaml --agents ./build/patient.so,conceder
 *
 * It offers its best acceptable outcome and accepts any offer that keeps
 * its red lines, gives it at least its reservation value and at least
 * 1 - t^2 (a patient, late-conceding threshold), or, with ":floor=0.5",
 * never less than that floor. Written against the public API only. */
#include <parley/parley.h>
#include <stdlib.h>
#include <string.h>

typedef struct patient {
  const pl_scenario *s;
  int party;
  double floor;
  uint32_t *best; /* its best acceptable outcome */
} patient;

/* Red lines (rules) and reservation value of its party. */
static int acceptable(const patient *a, const uint32_t *o) {
  if (pl_scenario_utility(a->s, a->party, o) <
      pl_scenario_reservation(a->s, a->party))
    return 0;
  for (int r = 0; r < pl_scenario_red_line_count(a->s); r++)
    if (pl_scenario_red_line_party(a->s, r) == a->party &&
        !pl_scenario_red_line_is_linkage(a->s, r) &&
        !pl_scenario_red_line_holds(a->s, r, o))
      return 0;
  return 1;
}

static void destroy(void *agent) {
  patient *a = agent;
  if (!a) return;
  free(a->best);
  free(a);
}

static void *create(const pl_scenario *s, int party, const char *params,
                    uint64_t seed) {
  (void)seed;
  patient *a = calloc(1, sizeof *a);
  if (!a) return NULL;
  a->s = s;
  a->party = party;
  if (!strncmp(params, "floor=", 6)) a->floor = strtod(params + 6, NULL);
  a->best = malloc((size_t)pl_scenario_issue_count(s) * sizeof *a->best);
  pl_offer_iter *it = NULL;
  int found = 0;
  if (a->best && pl_offer_iter_new(s, party, &it, NULL) == PL_OK) {
    double u;
    while (!found && pl_offer_iter_next(it, a->best, &u) == PL_OK)
      found = acceptable(a, a->best);
  }
  pl_offer_iter_free(it);
  if (!found) { /* nothing it could ever offer */
    destroy(a);
    return NULL;
  }
  return a;
}

static int propose(void *agent, double t, uint32_t *options) {
  (void)t;
  patient *a = agent;
  memcpy(options, a->best,
         (size_t)pl_scenario_issue_count(a->s) * sizeof *options);
  return 0;
}

static int respond(void *agent, double t, const uint32_t *offer) {
  patient *a = agent;
  double u = pl_scenario_utility(a->s, a->party, offer);
  double want = 1 - t * t;
  if (want < a->floor) want = a->floor;
  return acceptable(a, offer) && u >= want;
}

static const pl_agent_api api = {
    .abi_version = PL_AGENT_ABI_VERSION,
    .struct_size = sizeof(pl_agent_api),
    .create = create,
    .propose = propose,
    .respond = respond,
    .observe = NULL,
    .destroy = destroy,
};

const pl_agent_api *parley_agent(void);
const pl_agent_api *parley_agent(void) { return &api; }
