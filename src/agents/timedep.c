/* Time-dependent strategies (see agent.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "agents/agent.h"

static int parse_params(pl__agent *a, const char *params, const char *spec,
                        pl_error *err) {
  const char *p = params;
  while (p && *p) {
    char key[16];
    size_t n = strcspn(p, "=,");
    if (p[n] != '=' || n == 0 || n >= sizeof key)
      return pl__err(err, PL_EINVAL,
                     "agent \"%s\": expected name=value parameters", spec);
    memcpy(key, p, n);
    key[n] = 0;
    char *end;
    double v = strtod(p + n + 1, &end);
    if (end == p + n + 1 || (*end && *end != ','))
      return pl__err(err, PL_EINVAL, "agent \"%s\": \"%s\" needs a number",
                     spec, key);
    if (!strcmp(key, "e") && v > 0 && isfinite(v))
      a->e = v;
    else if (!strcmp(key, "k") && v >= 0 && v < 1)
      a->k = v;
    else
      return pl__err(err, PL_EINVAL,
                     "agent \"%s\": unknown parameter or value \"%s\" (e > 0, "
                     "0 <= k < 1)",
                     spec, key);
    p = *end ? end + 1 : end;
  }
  return PL_OK;
}

int pl__agent_init(pl__agent *a, const pl_scenario *s, int party,
                   const char *spec, uint64_t seed, pl_error *err) {
  memset(a, 0, sizeof *a);
  a->s = s;
  a->party = party;
  a->k = 0;
  a->rng = seed ^ (0x632BE59BD9B4E019ull * (uint64_t)(party + 1));
  size_t n = strcspn(spec, ":");
  const char *params = spec[n] == ':' ? spec + n + 1 : NULL;
  if (memchr(spec, '/', n)) return pl__plugin_init(a, spec, seed, err);
  if (n == 11 && !strncmp(spec, "tit-for-tat", n)) {
    a->kind = PL__AGENT_TFT;
    a->tft_target = INFINITY; /* its best, until the others concede */
    if (params)
      return pl__err(err, PL_EINVAL, "agent \"%s\" takes no parameters", spec);
  } else
  if ((n == 6 && !strncmp(spec, "random", n)) ||
      (n == 5 && !strncmp(spec, "micro", n))) {
    a->kind = spec[0] == 'r' ? PL__AGENT_RANDOM : PL__AGENT_MICRO;
    a->hardliner = true; /* no concession schedule of its own */
    if (params)
      return pl__err(err, PL_EINVAL, "agent \"%s\" takes no parameters", spec);
  } else if (n == 8 && !strncmp(spec, "boulware", n))
    a->e = 0.2;
  else if (n == 6 && !strncmp(spec, "linear", n))
    a->e = 1;
  else if (n == 8 && !strncmp(spec, "conceder", n))
    a->e = 5;
  else if (n == 7 && !strncmp(spec, "timedep", n))
    a->e = 1;
  else if (n == 9 && !strncmp(spec, "hardliner", n))
    a->hardliner = true;
  else
    return pl__err(err, PL_ENOTFOUND,
                   "unknown agent \"%s\"; expected boulware, linear, "
                   "conceder, timedep, hardliner, random, micro or "
                   "tit-for-tat",
                   spec);
  int rc = a->kind != PL__AGENT_TIMEDEP ? PL_OK
           : a->hardliner && params
               ? pl__err(err, PL_EINVAL, "agent \"%s\" takes no parameters",
                         spec)
               : parse_params(a, params, spec, err);
  if (rc) return rc;
  size_t ni = (size_t)s->n_issues;
  /* walking is cheapest in small spaces; red lines need the walk */
  uint64_t count;
  a->search = pl_scenario_outcome_count(s, &count) != PL_OK || count > 4096;
  for (int r = 0; r < s->n_red_lines && a->search; r++)
    a->search = s->red_lines[r].party != party || s->red_lines[r].linkage;
  a->last_target = -1;
  a->target_t = -1;
  a->cand = pl__malloc(ni * sizeof *a->cand);
  a->peek = pl__malloc(ni * sizeof *a->peek);
  if (!a->cand || !a->peek) return pl__err(err, PL_ENOMEM, "out of memory");
  return pl_offer_iter_new(s, party, &a->it, err);
}

void pl__agent_free(pl__agent *a) {
  if (a->kind == PL__AGENT_PLUGIN) pl__plugin_free(a);
  pl__free(a->seen_set);
  pl_offer_iter_free(a->it);
  pl__free(a->cand);
  pl__free(a->peek);
  memset(a, 0, sizeof *a);
}

/* With the outcome's utility for the party already known. */
static bool allows_u(const pl__agent *a, const uint32_t *o, double u) {
  const pl_scenario *s = a->s;
  if (u < s->parties[a->party].reservation - PL_TOLERANCE) return false;
  for (int r = 0; r < s->n_red_lines; r++) {
    const pl__red_line *rl = &s->red_lines[r];
    if (rl->party == a->party && !rl->linkage && !pl__expr_eval(rl->rule, o))
      return false;
  }
  return true;
}

bool pl__agent_allows(const pl__agent *a, const uint32_t *o) {
  return allows_u(a, o, pl_scenario_utility(a->s, a->party, o));
}

/* The next outcome of the walk down, into peek. */
static int advance(pl__agent *a) {
  if (a->exhausted) return PL_OK;
  int rc = pl_offer_iter_next(a->it, a->peek, &a->peek_u);
  if (rc == PL_ENOTFOUND) {
    a->exhausted = true;
    a->has_peek = false;
    return PL_OK;
  }
  a->has_peek = rc == PL_OK;
  return rc;
}

static double target(pl__agent *a, double t) {
  if (a->kind == PL__AGENT_TFT) {
    double rv = a->s->parties[a->party].reservation;
    double v = a->tft_target < a->pmax ? a->tft_target : a->pmax;
    return v > rv ? v : rv;
  }
  if (a->hardliner) return a->pmax;
  if (t == a->target_t) return a->target_v; /* accept, then propose */
  double rv = a->s->parties[a->party].reservation;
  double f = a->k + (1 - a->k) * pow(t < 0 ? 0 : t > 1 ? 1 : t, 1 / a->e);
  a->target_t = t;
  a->target_v = rv + (a->pmax - rv) * (1 - f);
  return a->target_v;
}

bool pl__agent_propose(pl__agent *a, double t, const uint32_t **options,
                       int *rc) {
  *rc = PL_OK;
  if (a->kind == PL__AGENT_PLUGIN) return pl__plugin_propose(a, t, options);
  if (!a->has_peek && !a->exhausted && (*rc = advance(a))) return false;
  /* the first acceptable outcome sets Pmax */
  while (!a->has_cand && a->has_peek) {
    if (allows_u(a, a->peek, a->peek_u)) {
      memcpy(a->cand, a->peek, (size_t)a->s->n_issues * sizeof *a->cand);
      a->cand_u = a->peek_u;
      a->pmax = a->peek_u;
      a->has_cand = true;
    }
    if ((*rc = advance(a))) return false;
  }
  if (!a->has_cand) return false;
  if (a->kind == PL__AGENT_RANDOM) {
    /* a random outcome it allows; after 64 misses its best one */
    const pl_scenario *s = a->s;
    for (int tries = 0; tries < 64; tries++) {
      for (int i = 0; i < s->n_issues; i++)
        a->peek[i] = (uint32_t)(pl__splitmix64(&a->rng) % s->issues[i].n);
      if (pl__agent_allows(a, a->peek)) {
        *options = a->peek;
        a->cand_u = pl_scenario_utility(s, a->party, a->peek);
        a->has_peek = false; /* peek is a scratch buffer here */
        a->exhausted = true;
        return true;
      }
    }
    a->cand_u = a->pmax;
    *options = a->cand;
    return true;
  }
  if (a->kind == PL__AGENT_MICRO) {
    /* its next-best outcome, once the others have made as many distinct
     * offers as it has; else its last offer again */
    if (a->own == 0 || a->seen < a->own) {
      if (a->own == 0) a->own = 1;
      *options = a->cand;
      return true;
    }
    while (a->has_peek) {
      bool ok = allows_u(a, a->peek, a->peek_u);
      if (ok) {
        memcpy(a->cand, a->peek, (size_t)a->s->n_issues * sizeof *a->cand);
        a->cand_u = a->peek_u;
      }
      if ((*rc = advance(a))) return false;
      if (ok) {
        a->own++;
        break;
      }
    }
    *options = a->cand;
    return true;
  }
  const double tau = target(a, t);
  if (a->search && tau < a->cand_u) {
    /* the least good outcome at or above the target; the reservation is
     * below it, so every such outcome is acceptable */
    if (tau != a->last_target) {
      double u;
      int exact;
      uint32_t *o = a->peek; /* scratch: the walk is not used */
      a->has_peek = false;
      a->exhausted = true;
      *rc = pl_scenario_offer_at_least(a->s, a->party, tau, o, &u, &exact, NULL);
      if (*rc == PL_ENOTFOUND) *rc = PL_OK; /* keep the offer there is */
      else if (*rc) return false;
      else if (u <= a->cand_u) {
        memcpy(a->cand, o, (size_t)a->s->n_issues * sizeof *a->cand);
        a->cand_u = u;
      }
      a->last_target = tau;
    }
    *options = a->cand;
    return true;
  }
  /* walk down while the next outcome still reaches the target */
  while (a->has_peek && a->peek_u >= tau - PL_TOLERANCE) {
    if (allows_u(a, a->peek, a->peek_u)) {
      memcpy(a->cand, a->peek, (size_t)a->s->n_issues * sizeof *a->cand);
      a->cand_u = a->peek_u;
    }
    if ((*rc = advance(a))) return false;
  }
  *options = a->cand;
  return true;
}

bool pl__agent_accepts(pl__agent *a, double t, const uint32_t *offer,
                       int *rc) {
  *rc = PL_OK;
  if (a->kind == PL__AGENT_PLUGIN) return pl__plugin_accepts(a, t, offer);
  double u = pl_scenario_utility(a->s, a->party, offer);
  if (!allows_u(a, offer, u)) return false;
  const uint32_t *mine;
  if (!pl__agent_propose(a, t, &mine, rc)) return *rc == PL_OK;
  return u >= a->cand_u - PL_TOLERANCE;
}

int pl__agent_observe(pl__agent *a, int party, const uint32_t *o) {
  if (a->kind == PL__AGENT_TFT && party != a->party) {
    /* the others' concession, measured in its own utility, is its own */
    double u = pl_scenario_utility(a->s, a->party, o);
    if (a->tft_seen && u > a->tft_last && a->has_cand) {
      if (!isfinite(a->tft_target)) a->tft_target = a->pmax;
      a->tft_target -= u - a->tft_last;
    }
    a->tft_last = u;
    a->tft_seen = true;
  }
  if (a->kind == PL__AGENT_PLUGIN && !a->failed && a->api->observe &&
      party != a->party)
    a->api->observe(a->state, party, o);
  if (a->kind != PL__AGENT_MICRO || party == a->party) return PL_OK;
  /* distinct outcomes by a 64-bit hash of their options */
  uint64_t h = 1469598103934665603ull;
  for (int i = 0; i < a->s->n_issues; i++)
    h = (h ^ o[i]) * 1099511628211ull;
  h |= 1; /* 0 marks an empty slot */
  if (2 * (a->seen + 1) > a->seen_cap) {
    size_t cap = a->seen_cap ? a->seen_cap * 2 : 64;
    uint64_t *set = pl__calloc(cap, sizeof *set);
    if (!set) return PL_ENOMEM;
    for (size_t k = 0; k < a->seen_cap; k++) {
      uint64_t v = a->seen_set[k];
      if (!v) continue;
      size_t j = (size_t)(v % cap);
      while (set[j]) j = (j + 1) % cap;
      set[j] = v;
    }
    pl__free(a->seen_set);
    a->seen_set = set;
    a->seen_cap = cap;
  }
  size_t j = (size_t)(h % a->seen_cap);
  while (a->seen_set[j] && a->seen_set[j] != h) j = (j + 1) % a->seen_cap;
  if (!a->seen_set[j]) {
    a->seen_set[j] = h;
    a->seen++;
  }
  return PL_OK;
}
