/* Concessions in the model: weaker variants of red lines, the cost of
 * dropping a red line and of lowering a reservation value
 * (docs/scenario-format.md, "Concessions"). */
#include <stdio.h>
#include <string.h>

#include "model/scenario_internal.h"

/* Combinations of the mentioned issues' options a weakness check visits at
 * most (docs/scenario-format.md, "Limits"). */
#define WEAKER_CHECK_LIMIT 10000000ull

void pl__variants_free(pl__red_line *rl) {
  for (int v = 0; v < rl->n_variants; v++) {
    pl__free(rl->variants[v].id);
    pl__free(rl->variants[v].description);
    pl_expr_free(rl->variants[v].rule);
    pl__free(rl->variants[v].issues);
  }
  pl__free(rl->variants);
  rl->variants = NULL;
  rl->n_variants = rl->cap_variants = 0;
}

static int check_cost(double cost, const char *what, pl_error *err) {
  if (!(cost >= 0) || cost > 1e300)
    return pl__err(err, PL_EINVAL,
                   "%s must be a non-negative number, got %g", what, cost);
  return PL_OK;
}

static int check_rule_line(pl_scenario *s, int r, pl_error *err) {
  if (!s) return pl__err(err, PL_EINVAL, "no scenario");
  if (s->finished)
    return pl__err(err, PL_ESTATE, "scenario \"%s\" is finished", s->id);
  if (r < 0 || r >= s->n_red_lines)
    return pl__err(err, PL_ENOTFOUND, "no red line %d", r);
  if (s->red_lines[r].linkage)
    return pl__err(err, PL_EINVAL,
                   "red line \"%s\" is a linkage: only rules have variants "
                   "and drop costs",
                   s->red_lines[r].id);
  return PL_OK;
}

int pl_scenario_set_drop_cost(pl_scenario *s, int r, double cost,
                              pl_error *err) {
  int rc = check_rule_line(s, r, err);
  if (!rc) rc = check_cost(cost, "the cost of dropping a red line", err);
  if (rc) return rc;
  pl__red_line *rl = &s->red_lines[r];
  if (rl->n_variants && cost < rl->variants[rl->n_variants - 1].cost)
    return pl__err(err, PL_EINVAL,
                   "dropping red line \"%s\" costs %g, less than its weakest "
                   "variant \"%s\" (%g)",
                   rl->id, cost, rl->variants[rl->n_variants - 1].id,
                   rl->variants[rl->n_variants - 1].cost);
  rl->drop_cost = cost;
  rl->drop_cost_set = true;
  return PL_OK;
}

int pl_scenario_set_reservation_cost(pl_scenario *s, int p, double cost,
                                     pl_error *err) {
  int rc = pl__check_party_open(s, p, err);
  if (!rc)
    rc = check_cost(cost, "the cost of lowering a reservation value", err);
  if (rc) return rc;
  s->parties[p].reservation_cost = cost;
  s->parties[p].reservation_cost_set = true;
  return PL_OK;
}

/* Whether every combination of the issues in `mask` that `strong` allows,
 * `weak` allows too; *example receives a counterexample. */
static int weaker(const pl_scenario *s, const pl_expr *strong,
                  const pl_expr *weak, const uint64_t *mask, uint32_t *o,
                  bool *ok, pl_error *err) {
  int is[64], n = 0;
  uint64_t combos = 1;
  for (int i = 0; i < s->n_issues; i++) {
    o[i] = 0;
    if (!pl__bit(mask, (size_t)i)) continue;
    if (n == 64 || __builtin_mul_overflow(combos, (uint64_t)s->issues[i].n,
                                          &combos) ||
        combos > WEAKER_CHECK_LIMIT)
      return pl__err(err, PL_ETOOBIG,
                     "cannot check that the variant is weaker: its issues "
                     "have more than %llu combinations of options",
                     (unsigned long long)WEAKER_CHECK_LIMIT);
    is[n++] = i;
  }
  *ok = true;
  for (uint64_t k = 0; k < combos; k++) {
    if (pl__expr_eval(strong, o) && !pl__expr_eval(weak, o)) {
      *ok = false;
      return PL_OK;
    }
    for (int j = n - 1; j >= 0; j--) { /* odometer */
      if (++o[is[j]] < s->issues[is[j]].n) break;
      o[is[j]] = 0;
    }
  }
  return PL_OK;
}

/* "issue=option, issue=option" for a counterexample, into buf. */
static void describe(const pl_scenario *s, const uint64_t *mask,
                     const uint32_t *o, char *buf, size_t size) {
  size_t len = 0;
  buf[0] = 0;
  for (int i = 0; i < s->n_issues && len + 1 < size; i++) {
    if (!pl__bit(mask, (size_t)i)) continue;
    int w = snprintf(buf + len, size - len, "%s%s=%s", len ? ", " : "",
                     s->issues[i].id, s->issues[i].opt_id[o[i]]);
    if (w < 0) break;
    len += (size_t)w;
  }
}

int pl_scenario_add_variant(pl_scenario *s, int r, const char *id,
                            const char *description, double cost,
                            pl_expr *rule, pl_error *err) {
  if (!rule) return pl__err(err, PL_ENOMEM, "out of memory");
  int rc = check_rule_line(s, r, err);
  if (!rc && (!id || !*id)) rc = pl__err(err, PL_EINVAL, "variant id is empty");
  if (!rc) rc = check_cost(cost, "the cost of a variant", err);
  if (!rc) rc = pl__bind_rule(s, rule, err);
  if (rc) {
    pl_expr_free(rule);
    return rc;
  }
  pl__red_line *rl = &s->red_lines[r];
  const char *prev_id = rl->n_variants ? rl->variants[rl->n_variants - 1].id
                                       : rl->id;
  const pl_expr *prev = rl->n_variants ? rl->variants[rl->n_variants - 1].rule
                                       : rl->rule;
  double prev_cost = rl->n_variants ? rl->variants[rl->n_variants - 1].cost : 0;
  for (int v = 0; v < rl->n_variants && !rc; v++)
    if (!strcmp(rl->variants[v].id, id))
      rc = pl__err(err, PL_EEXIST,
                   "duplicate variant id \"%s\" of red line \"%s\"", id,
                   rl->id);
  if (!rc && !strcmp(rl->id, id))
    rc = pl__err(err, PL_EEXIST,
                 "variant id \"%s\" repeats the id of its red line", id);
  if (!rc && cost < prev_cost)
    rc = pl__err(err, PL_EINVAL,
                 "variant \"%s\" costs %g, less than \"%s\" (%g), which it "
                 "relaxes: a weaker variant cannot cost less",
                 id, cost, prev_id, prev_cost);
  if (!rc && rl->drop_cost_set && cost > rl->drop_cost)
    rc = pl__err(err, PL_EINVAL,
                 "variant \"%s\" costs %g, more than dropping red line \"%s\" "
                 "(%g)",
                 id, cost, rl->id, rl->drop_cost);
  size_t words = s->issue_words ? s->issue_words
                                : pl__words((size_t)s->n_issues);
  uint64_t *issues = pl__calloc(words, sizeof *issues);
  uint64_t *both = pl__calloc(words, sizeof *both);
  uint32_t *o = pl__calloc((size_t)s->n_issues + 1, sizeof *o);
  if (!rc && (!issues || !both || !o))
    rc = pl__err(err, PL_ENOMEM, "out of memory");
  if (!rc) {
    pl__expr_issues(rule, issues);
    pl__expr_issues(prev, both);
    pl__expr_issues(rule, both);
    bool ok = true;
    rc = weaker(s, prev, rule, both, o, &ok, err);
    if (!rc && !ok) {
      char ex[256];
      describe(s, both, o, ex, sizeof ex);
      rc = pl__err(err, PL_EINVAL,
                   "variant \"%s\" is not weaker than \"%s\", which it "
                   "relaxes: it refuses %s, which \"%s\" allows",
                   id, prev_id, ex, prev_id);
    }
  }
  if (!rc && pl__grow((void **)&rl->variants, &rl->cap_variants,
                      rl->n_variants + 1, sizeof *rl->variants))
    rc = pl__err(err, PL_ENOMEM, "out of memory");
  pl__variant *va = rc ? NULL : &rl->variants[rl->n_variants];
  if (va) {
    va->id = pl__strdup(id);
    va->description = pl__strdup(description ? description : "");
    if (!va->id || !va->description) {
      pl__free(va->id);
      pl__free(va->description);
      rc = pl__err(err, PL_ENOMEM, "out of memory");
    }
  }
  pl__free(both);
  pl__free(o);
  if (rc) {
    pl__free(issues);
    pl_expr_free(rule);
    return rc;
  }
  va->cost = cost;
  va->rule = rule;
  va->issues = issues;
  if (!rl->drop_cost_set && rl->drop_cost < cost) rl->drop_cost = cost;
  return rl->n_variants++;
}

double pl_scenario_red_line_drop_cost(const pl_scenario *s, int r) {
  return s->red_lines[r].drop_cost;
}
int pl_scenario_variant_count(const pl_scenario *s, int r) {
  return s->red_lines[r].n_variants;
}
const char *pl_scenario_variant_id(const pl_scenario *s, int r, int v) {
  return s->red_lines[r].variants[v].id;
}
const char *pl_scenario_variant_description(const pl_scenario *s, int r,
                                            int v) {
  return s->red_lines[r].variants[v].description;
}
double pl_scenario_variant_cost(const pl_scenario *s, int r, int v) {
  return s->red_lines[r].variants[v].cost;
}
int pl_scenario_variant_holds(const pl_scenario *s, int r, int v,
                              const uint32_t *options) {
  return pl__expr_eval(s->red_lines[r].variants[v].rule, options);
}
double pl_scenario_reservation_cost(const pl_scenario *s, int p) {
  return s->parties[p].reservation_cost;
}
