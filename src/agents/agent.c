/* Agents: names and parameters, acceptance conditions, what they observe,
 * and their comments on a single text (see agent.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "agents/agent.h"
#include "agents/anac/anac.h"
#include "analysis/offers.h"

/* The strategies and their defaults. */
static const struct strategy {
  const char *name;
  pl__agent_kind kind;
  pl__curve curve;
  double e;
  bool hardliner;
  const char *params; /* bidding parameters it takes, besides ac and om */
} strategies[] = {
    {"boulware", PL__AGENT_TIMEDEP, PL__CURVE_FARATIN, 0.2, false, "e,k"},
    {"linear", PL__AGENT_TIMEDEP, PL__CURVE_FARATIN, 1, false, "e,k"},
    {"conceder", PL__AGENT_TIMEDEP, PL__CURVE_FARATIN, 5, false, "e,k"},
    {"timedep", PL__AGENT_TIMEDEP, PL__CURVE_FARATIN, 1, false, "e,k"},
    {"aspiration", PL__AGENT_TIMEDEP, PL__CURVE_POLY, 4, false, "e,curve"},
    {"hardliner", PL__AGENT_TIMEDEP, PL__CURVE_FARATIN, 1, true, ""},
    {"random", PL__AGENT_RANDOM, PL__CURVE_FARATIN, 1, true, ""},
    {"micro", PL__AGENT_MICRO, PL__CURVE_FARATIN, 1, true, ""},
    {"tit-for-tat", PL__AGENT_TFT, PL__CURVE_FARATIN, 1, false, ""},
};
#define N_STRATEGIES (sizeof strategies / sizeof *strategies)

static bool takes(const struct strategy *st, const char *key) {
  size_t n = strlen(key);
  for (const char *p = st->params; *p; p += strcspn(p, ","), p += *p == ',')
    if (strcspn(p, ",") == n && !strncmp(p, key, n)) return true;
  return false;
}

/* ac=next+const+time: the conditions, any of which accepts. */
static int parse_ac(pl__agent *a, const char *v, size_t len) {
  a->ac = 0;
  while (len) {
    size_t n = 0;
    while (n < len && v[n] != '+') n++;
    if (n == 4 && !strncmp(v, "next", 4)) a->ac |= PL__AC_NEXT;
    else if (n == 5 && !strncmp(v, "const", 5)) a->ac |= PL__AC_CONST;
    else if (n == 4 && !strncmp(v, "time", 4)) a->ac |= PL__AC_TIME;
    else return -1;
    v += n;
    len -= n;
    if (len) {
      v++;
      len--;
      if (!len) return -1;
    }
  }
  return a->ac ? 0 : -1;
}

static int bad_param(pl_error *err, const char *spec, const char *what) {
  return pl__err(err, PL_EINVAL, "agent \"%s\": %s", spec, what);
}

static int parse_params(pl__agent *a, const struct strategy *st,
                        const char *params, const char *spec, int *om,
                        pl_error *err) {
  const char *p = params;
  while (p && *p) {
    char key[16];
    size_t n = strcspn(p, "=,");
    if (p[n] != '=' || n == 0 || n >= sizeof key)
      return bad_param(err, spec, "expected name=value parameters");
    memcpy(key, p, n);
    key[n] = 0;
    const char *val = p + n + 1;
    size_t len = strcspn(val, ",");
    p = val[len] ? val + len + 1 : val + len;
    if (!strcmp(key, "ac")) {
      int k = pl__anac_ac_find(val, len);
      if (k >= 0) a->anac->ac = k;
      else if (parse_ac(a, val, len))
        return bad_param(err, spec,
                         "ac takes next, const, time or several joined by "
                         "'+' (e.g. ac=next+time), or an ANAC agent's "
                         "condition (docs/agents.md)");
      else a->anac->ac = -1;
      continue;
    }
    if (!strcmp(key, "bid")) {
      int k = pl__anac_bid_find(val, len);
      if (k < 0)
        return bad_param(err, spec,
                         "bid takes an ANAC agent's offering "
                         "(docs/agents.md)");
      a->anac->bid = k;
      a->curve = PL__CURVE_ANAC;
      continue;
    }
    if (!strcmp(key, "om")) {
      if (len == 4 && !strncmp(val, "freq", 4)) *om = 1;
      else if (len == 10 && !strncmp(val, "hardheaded", 10)) *om = 2;
      else if (len == 4 && !strncmp(val, "none", 4)) *om = 0;
      else return bad_param(err, spec, "om takes freq, hardheaded or none");
      continue;
    }
    if (!strcmp(key, "curve") && takes(st, "curve")) {
      if (len == 4 && !strncmp(val, "poly", 4)) a->curve = PL__CURVE_POLY;
      else if (len == 3 && !strncmp(val, "exp", 3)) a->curve = PL__CURVE_EXP;
      else return bad_param(err, spec, "curve takes poly or exp");
      continue;
    }
    char *end;
    double v = strtod(val, &end);
    if (end == val || end != val + len || !isfinite(v))
      return pl__err(err, PL_EINVAL, "agent \"%s\": \"%s\" needs a number",
                     spec, key);
    bool ok = true;
    if (!strcmp(key, "e") && takes(st, "e")) ok = v > 0, a->e = v;
    else if (!strcmp(key, "k") && takes(st, "k")) ok = v >= 0 && v < 1, a->k = v;
    else if (!strcmp(key, "c")) ok = v >= 0 && v <= 1, a->ac_c = v;
    else if (!strcmp(key, "t")) ok = v >= 0 && v <= 1, a->ac_time = v;
    else if (!strcmp(key, "alpha")) ok = v > 0, a->ac_alpha = v;
    else if (!strcmp(key, "beta")) ok = v > -1 && v < 1, a->ac_beta = v;
    else if (!strcmp(key, "w")) ok = v >= 0 && v <= 1, a->om_window = v;
    else
      return pl__err(err, PL_EINVAL,
                     "agent \"%s\": unknown parameter \"%s\" (%s takes %s%s"
                     "ac, c, t, alpha, beta, om, w)",
                     spec, key, st->name, st->params, *st->params ? ", " : "");
    if (!ok)
      return pl__err(err, PL_EINVAL,
                     "agent \"%s\": %s out of range (e > 0, 0 <= k < 1, "
                     "0 <= c, t, w <= 1, alpha > 0, -1 < beta < 1)",
                     spec, key);
  }
  return PL_OK;
}

int pl__agent_init(pl__agent *a, const pl_scenario *s, int party,
                   const char *spec, uint64_t seed, const pl__env *env,
                   pl_error *err) {
  memset(a, 0, sizeof *a);
  a->s = s;
  a->party = party;
  a->rng = seed ^ (0x632BE59BD9B4E019ull * (uint64_t)(party + 1));
  a->ac = PL__AC_NEXT;
  a->ac_alpha = 1;
  a->ac_c = 0.8;
  a->ac_time = 0.99;
  a->om_window = 0.05;
  double high;
  if (pl__highest_allowed(s, party, false, &high))
    return pl__err(err, PL_ENOMEM, "out of memory");
  const double rv = s->parties[party].reservation;
  a->hopeless = high < rv - PL_TOLERANCE;
  /* utilities the walk reports may differ from its order by a rounding */
  a->floor = rv - 2 * PL_TOLERANCE;
  size_t n = strcspn(spec, ":");
  if (memchr(spec, '/', n)) return pl__plugin_init(a, spec, seed, env, err);
  int tr = pl__table_lookup(a, spec, seed, env, err);
  if (tr <= 0) return tr;
  /* name[+key=value...][:params]: the '+' parts swap components */
  const size_t base = strcspn(spec, "+:");
  const struct strategy *st = NULL;
  for (size_t k = 0; k < N_STRATEGIES && !st; k++)
    if (strlen(strategies[k].name) == base &&
        !strncmp(spec, strategies[k].name, base))
      st = &strategies[k];
  const pl__anac_preset *pre = st ? NULL : pl__anac_preset_find(spec, base);
  static const struct strategy anac_st = {"an ANAC agent", PL__AGENT_TIMEDEP,
                                          PL__CURVE_ANAC, 1, false, ""};
  if (pre) st = &anac_st;
  if (!st)
    return pl__err(err, PL_ENOTFOUND,
                   "unknown agent \"%s\"; expected boulware, linear, "
                   "conceder, timedep, aspiration, hardliner, random, micro, "
                   "tit-for-tat, an ANAC agent (agentk, yushu, iamhaggler2010, "
                   "nozomi, agentfsega, iamcrazyhaggler, agentsmith, "
                   "hardheaded, gahboninho, iamhaggler2011, agentk2, "
                   "bramagent, thenegotiator, nicetitfortat, cuhkagent, "
                   "agentlg, thenegotiatorreloaded, bramagent2, "
                   "iamhaggler2012, agentmr, omacagent), ext:COMMAND, ext+tcp:HOST:PORT, "
                   "ext+unix:PATH, a registered name or a plug-in's path",
                   spec);
  a->kind = st->kind;
  a->curve = st->curve;
  a->e = st->e;
  a->hardliner = st->hardliner;
  if (a->kind == PL__AGENT_TFT) a->tft_target = INFINITY; /* its best, until
                                                        the others concede */
  a->anac = pl__calloc(1, sizeof *a->anac);
  char *params = pl__malloc(strlen(spec) + 1);
  if (!a->anac || !params) {
    pl__free(params);
    return pl__err(err, PL_ENOMEM, "out of memory");
  }
  a->anac->bid = a->anac->ac = -1;
  int om = 0;
  if (pre) {
    a->anac->bid = pl__anac_bid_find(pre->bid, strlen(pre->bid));
    a->anac->ac = pl__anac_ac_find(pre->ac, strlen(pre->ac));
    om = !strcmp(pre->om, "freq") ? 1 : !strcmp(pre->om, "hardheaded") ? 2 : 0;
    a->om_window = pre->window;
  }
  /* the '+' parts, then the ':' ones, as one list: a '+' followed by a
   * name and '=' starts a part; other '+' join conditions (ac=next+time) */
  size_t len = 0;
  for (const char *p = spec + base; p < spec + n; p++) {
    bool part = *p == '+' && p == spec + base;
    if (*p == '+' && !part) {
      size_t k = strspn(p + 1, "abcdefghijklmnopqrstuvwxyz");
      part = k > 0 && p[1 + k] == '=';
    }
    if (part && p != spec + base) params[len++] = ',';
    else if (!part) params[len++] = *p;
  }
  if (spec[n] == ':') {
    if (len) params[len++] = ',';
    memcpy(params + len, spec + n + 1, strlen(spec + n + 1));
    len += strlen(spec + n + 1);
  }
  params[len] = 0;
  if (spec[base] == '+' && !memchr(spec + base, '=', n - base)) {
    pl__free(params);
    return bad_param(err, spec, "expected name+key=value (e.g. agentk+ac=next)");
  }
  int rc = parse_params(a, st, params, spec, &om, err);
  pl__free(params);
  if (rc) return rc;
  const size_t ni = (size_t)s->n_issues;
  /* walking is cheapest in small spaces; red lines need the walk; the
   * branch and bound needs an additive party */
  uint64_t count;
  a->search = pl_scenario_outcome_count(s, &count) != PL_OK || count > 4096;
  a->search &= !s->parties[party].hyper;
  /* halves of up to 2^15 sums (1 MiB): each new target in microseconds */
  if (a->search && !a->hopeless) {
    int mr = pl__mitm_new(s, party, (size_t)1 << 15, &a->mitm);
    if (mr == PL_ENOMEM) return pl__err(err, mr, "out of memory");
  }
  for (int r = 0; r < s->n_red_lines && a->search; r++)
    a->search = s->red_lines[r].party != party || s->red_lines[r].linkage;
  a->last_target = -1;
  a->target_t = -1;
  a->peek_t = -1;
  a->cand = pl__malloc(ni * sizeof *a->cand);
  a->peek = pl__malloc(ni * sizeof *a->peek);
  a->offer = pl__malloc(ni * sizeof *a->offer);
  a->work = pl__malloc(ni * sizeof *a->work);
  if (!a->cand || !a->peek || !a->offer || !a->work)
    return pl__err(err, PL_ENOMEM, "out of memory");
  if (om) {
    uint64_t options = 0;
    for (int i = 0; i < s->n_issues; i++) options += s->issues[i].n;
    if (options * (uint64_t)s->n_parties > 50000000u)
      return bad_param(err, spec,
                       "the frequency model keeps a count per option and "
                       "party: too many options here");
    a->ring = pl__malloc(PL__RING * ni * sizeof *a->ring);
    a->ring_u = pl__malloc(PL__RING * sizeof *a->ring_u);
    if (!a->ring || !a->ring_u || pl__om_new(s, party, &a->om))
      return pl__err(err, PL_ENOMEM, "out of memory");
    if (om == 2) pl__om_set_learn(a->om, 0.2); /* HardHeaded's model */
  }
  if (a->hopeless || (a->anac->bid < 0 && a->anac->ac < 0)) {
    /* nothing to walk (the session ends), or no ANAC component */
    pl__anac_free(a->anac);
    a->anac = NULL;
    if (a->hopeless) return PL_OK;
  }
  rc = s->parties[party].hyper ? pl__pool_init(a, err)
                               : pl_offer_iter_new(s, party, &a->it, err);
  if (rc || !a->anac) return rc;
  return pl__anac_new(a, seed);
}

void pl__agent_free(pl__agent *a) {
  if (a->kind == PL__AGENT_PLUGIN) pl__plugin_free(a);
  pl__oset_free(&a->seen);
  pl_offer_iter_free(a->it);
  pl__mitm_free(a->mitm);
  pl__free(a->pool);
  pl__free(a->pool_u);
  pl__om_free(a->om);
  pl__free(a->ring);
  pl__free(a->ring_u);
  pl__free(a->cand);
  pl__free(a->peek);
  pl__free(a->offer);
  pl__free(a->work);
  pl__anac_free(a->anac);
  memset(a, 0, sizeof *a);
}

int pl__agent_violations(const pl__agent *a, const uint32_t *o, double u) {
  const pl_scenario *s = a->s;
  int v = u < s->parties[a->party].reservation - PL_TOLERANCE;
  for (int r = 0; r < s->n_red_lines; r++)
    if (s->red_lines[r].party == a->party &&
        !pl_scenario_red_line_holds(s, r, o))
      v++;
  return v;
}

bool pl__agent_allows(const pl__agent *a, const uint32_t *o) {
  return pl_scenario_acceptable(a->s, a->party, o, NULL);
}

bool pl__agent_accepts(pl__agent *a, double t, const uint32_t *offer,
                       double u, int *rc) {
  *rc = PL_OK;
  if (a->kind == PL__AGENT_PLUGIN) return pl__plugin_accepts(a, t, offer);
  if (pl__agent_violations(a, offer, u)) return false;
  if (a->anac && a->anac->ac >= 0) return pl__anac_accepts(a, t, offer, u, rc);
  if ((a->ac & PL__AC_TIME) && t >= a->ac_time) return true;
  if ((a->ac & PL__AC_CONST) && u >= a->ac_c - PL_TOLERANCE) return true;
  if (!(a->ac & PL__AC_NEXT)) return false;
  const uint32_t *mine;
  if (!pl__agent_propose(a, t, &mine, rc)) return *rc == PL_OK && !a->failed;
  return a->ac_alpha * a->offer_u + a->ac_beta <= u + PL_TOLERANCE;
}

int pl__agent_observe(pl__agent *a, int party, const uint32_t *o) {
  if (a->anac && o) {
    int rc = pl__anac_observe(a, party, o);
    if (rc) return rc;
  }
  if (party == a->party || !o) return PL_OK;
  if (a->om) pl__om_observe(a->om, party, o);
  if (a->kind == PL__AGENT_TFT) {
    /* the others' concession, measured in its own utility, is its own */
    double u = pl_scenario_utility(a->s, a->party, o);
    if (a->tft_seen && u > a->tft_last && a->has_cand) {
      if (!isfinite(a->tft_target)) a->tft_target = a->pmax;
      a->tft_target -= u - a->tft_last;
    }
    a->tft_last = u;
    a->tft_seen = true;
  }
  if (a->kind == PL__AGENT_PLUGIN && !a->failed && a->api->observe)
    a->api->observe(a->state, party, o);
  if (a->kind != PL__AGENT_MICRO) return PL_OK;
  int rc = pl__oset_add(&a->seen, o, a->s->n_issues);
  return rc < 0 ? rc : PL_OK;
}

static uint64_t oset_hash(const uint32_t *o, int ni) {
  uint64_t h = 1469598103934665603ull; /* FNV-1a over the options */
  for (int i = 0; i < ni; i++) h = (h ^ o[i]) * 1099511628211ull;
  return h ^ (h >> 29);
}

/* The slot holding the outcome, or the empty slot where it would go. */
static size_t oset_slot(const pl__oset *set, const uint32_t *o, int ni) {
  size_t j = (size_t)(oset_hash(o, ni) % set->n_slots);
  while (set->slots[j] &&
         memcmp(set->items + (size_t)(set->slots[j] - 1) * (size_t)ni, o,
                (size_t)ni * sizeof *o))
    j = (j + 1) % set->n_slots;
  return j;
}

bool pl__oset_has(const pl__oset *set, const uint32_t *o, int ni) {
  return set->n_slots && set->slots[oset_slot(set, o, ni)];
}

int pl__oset_add(pl__oset *set, const uint32_t *o, int ni) {
  if (pl__oset_has(set, o, ni)) return 0;
  if (set->n >= UINT32_MAX - 1) return PL_ENOMEM;
  if (set->n == set->items_cap) {
    size_t cap = set->items_cap ? 2 * set->items_cap : 32;
    uint32_t *it = pl__realloc(set->items, cap * (size_t)ni * sizeof *it);
    if (!it) return PL_ENOMEM;
    set->items = it;
    set->items_cap = cap;
  }
  if (2 * (set->n + 1) > set->n_slots) { /* at most half full */
    pl__oset grown = *set;
    grown.n_slots = set->n_slots ? 2 * set->n_slots : 64;
    if (!(grown.slots = pl__calloc(grown.n_slots, sizeof *grown.slots)))
      return PL_ENOMEM;
    for (size_t k = 0; k < set->n; k++)
      grown.slots[oset_slot(&grown, set->items + k * (size_t)ni, ni)] =
          (uint32_t)(k + 1);
    pl__free(set->slots);
    *set = grown;
  }
  memcpy(set->items + set->n * (size_t)ni, o, (size_t)ni * sizeof *o);
  set->n++;
  set->slots[oset_slot(set, o, ni)] = (uint32_t)set->n;
  return 1;
}

void pl__oset_free(pl__oset *set) {
  pl__free(set->items);
  pl__free(set->slots);
  memset(set, 0, sizeof *set);
}

/* How far the text is from one the agent would accept: its violations,
 * then the utility it lacks to its target; past the target, the surplus
 * (a comment asks for what the target needs, not for more). */
typedef struct gap {
  int v;
  double lack, surplus;
} gap;

static gap gap_of(const pl__agent *a, const uint32_t *o, double target) {
  double u = pl_scenario_utility(a->s, a->party, o);
  return (gap){pl__agent_violations(a, o, u), u < target ? target - u : 0,
               u > target ? u - target : 0};
}

static bool closer(gap x, gap y) {
  if (x.v != y.v) return x.v < y.v;
  if (x.lack > PL_TOLERANCE || y.lack > PL_TOLERANCE)
    return x.lack < y.lack - PL_TOLERANCE;
  return x.surplus < y.surplus - PL_TOLERANCE;
}

static bool closed(gap g) { return g.v == 0 && g.lack <= PL_TOLERANCE; }

/* Issues with more options than this are only moved to the agent's own
 * offer's option, never searched. */
#define COMMENT_SCAN 256

bool pl__agent_comment(pl__agent *a, double t, const uint32_t *draft,
                       uint32_t *want, uint8_t *rejects, int *rc) {
  const pl_scenario *s = a->s;
  const int ni = s->n_issues;
  const uint32_t *mine = NULL;
  *rc = PL_OK;
  if (a->kind == PL__AGENT_PLUGIN) { /* it says which articles */
    if (!pl__plugin_comment(a, t, draft, want)) return false;
  } else {
    if (!pl__agent_propose(a, t, &mine, rc)) return false;
    const double target = a->offer_u;
    memcpy(want, draft, (size_t)ni * sizeof *want);
    gap g = gap_of(a, want, target);
    /* one article at a time, the change that helps most */
    for (int step = 0; step < ni && !closed(g); step++) {
      int bi = -1;
      uint32_t bo = 0;
      gap best = g;
      for (int i = 0; i < ni; i++) {
        uint32_t keep = want[i], n = s->issues[i].n;
        for (uint32_t o = 0; o < n; o++) {
          if (n > COMMENT_SCAN) o = mine[i];
          if (o != keep) {
            want[i] = o;
            gap h = gap_of(a, want, target);
            if (closer(h, best)) best = h, bi = i, bo = o;
          }
          if (n > COMMENT_SCAN) break;
        }
        want[i] = keep;
      }
      if (bi < 0) break;
      want[bi] = bo;
      g = best;
      if (closed(g)) break;
    }
    /* stalled (e.g. a red line over two articles): its own offer's
     * articles, the most helpful first; its whole offer closes the gap */
    while (!closed(g)) {
      int bi = -1;
      gap best = {0, 0, 0};
      for (int i = 0; i < ni; i++) {
        if (want[i] == mine[i]) continue;
        uint32_t keep = want[i];
        want[i] = mine[i];
        gap h = gap_of(a, want, target);
        if (bi < 0 || closer(h, best)) best = h, bi = i;
        want[i] = keep;
      }
      if (bi < 0) break;
      want[bi] = mine[bi];
      g = best;
    }
  }
  bool any = false;
  for (int i = 0; i < ni; i++) any |= (rejects[i] = want[i] != draft[i]);
  if (!any && a->kind == PL__AGENT_PLUGIN) return true; /* checked there */
  if (!any) { /* it rejects a text it could live with: its offer instead */
    memcpy(want, mine, (size_t)ni * sizeof *want);
    for (int i = 0; i < ni; i++) rejects[i] = want[i] != draft[i];
  }
  return true;
}

int pl__agent_vote(pl__agent *a, double t, const uint32_t *from,
                   const uint32_t *to) {
  if (a->kind == PL__AGENT_PLUGIN && a->v2 && a->api->vote)
    return pl__plugin_vote(a, t, from, to);
  if (a->kind == PL__AGENT_PLUGIN && (a->failed || a->walk_out)) return -1;
  bool af = pl__agent_allows(a, from), at = pl__agent_allows(a, to);
  if (af != at) return at;
  return pl_scenario_utility(a->s, a->party, to) >=
         pl_scenario_utility(a->s, a->party, from) - PL_TOLERANCE;
}
