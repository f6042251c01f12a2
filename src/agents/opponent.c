/* The frequency opponent model (van Krimpen, Looije & Hajizadeh 2013,
 * "HardHeaded", in Complex Automated Negotiations; surveyed as the
 * frequency model by Baarslag, Hendrikx, Hindriks & Jonker 2016, "Learning
 * about the opponent in automated bilateral negotiation"). For each other
 * party it counts how often each option appears in its offers:
 *   - the value of option o of issue i is (1 + count(o)) / (1 + max count
 *     on i): what a party keeps offering is what it wants;
 *   - issue weights start equal; an issue whose option did not change
 *     between two consecutive offers of the party gains LEARN, then the
 *     weights are normalised: what a party does not give up on matters
 *     to it.
 * The estimate is sum_i w_i v_i(o_i). */
#include "agents/agent.h"

#define LEARN 0.1

struct pl__om {
  const pl_scenario *s;
  int self, np, ni;
  size_t per_party;  /* counts of one party: sum of the issues' options */
  size_t *offset;    /* ni: where each issue's counts start */
  double *count;     /* np x per_party */
  double *maxc;      /* np x ni */
  double *weight;    /* np x ni, summing to 1 */
  uint32_t *last;    /* np x ni: the party's previous offer */
  bool *seen;        /* np */
  bool any;
  double learn;
};

int pl__om_new(const pl_scenario *s, int self, pl__om **out) {
  *out = NULL;
  pl__om *m = pl__calloc(1, sizeof *m);
  if (!m) return PL_ENOMEM;
  m->s = s;
  m->self = self;
  m->np = s->n_parties;
  m->ni = s->n_issues;
  const size_t np = (size_t)m->np, ni = (size_t)m->ni;
  m->offset = pl__malloc(ni * sizeof *m->offset);
  for (size_t i = 0; m->offset && i < ni; i++) {
    m->offset[i] = m->per_party;
    m->per_party += s->issues[i].n;
  }
  m->count = pl__calloc(np * m->per_party, sizeof *m->count);
  m->maxc = pl__calloc(np * ni, sizeof *m->maxc);
  m->weight = pl__malloc(np * ni * sizeof *m->weight);
  m->last = pl__malloc(np * ni * sizeof *m->last);
  m->seen = pl__calloc(np, sizeof *m->seen);
  if (!m->offset || !m->count || !m->maxc || !m->weight || !m->last ||
      !m->seen) {
    pl__om_free(m);
    return PL_ENOMEM;
  }
  for (size_t k = 0; k < np * ni; k++) m->weight[k] = 1.0 / (double)ni;
  m->learn = LEARN;
  *out = m;
  return PL_OK;
}

void pl__om_free(pl__om *m) {
  if (!m) return;
  pl__free(m->offset);
  pl__free(m->count);
  pl__free(m->maxc);
  pl__free(m->weight);
  pl__free(m->last);
  pl__free(m->seen);
  pl__free(m);
}

void pl__om_set_learn(pl__om *m, double learn) { m->learn = learn; }

bool pl__om_ready(const pl__om *m) { return m && m->any; }

void pl__om_observe(pl__om *m, int p, const uint32_t *o) {
  if (p == m->self || p < 0 || !o) return;
  const int ni = m->ni;
  double *c = m->count + (size_t)p * m->per_party;
  double *mx = m->maxc + (size_t)p * (size_t)ni;
  double *w = m->weight + (size_t)p * (size_t)ni;
  uint32_t *last = m->last + (size_t)p * (size_t)ni;
  if (m->seen[p]) {
    double sum = 0;
    for (int i = 0; i < ni; i++) {
      if (o[i] == last[i]) w[i] += m->learn;
      sum += w[i];
    }
    for (int i = 0; i < ni; i++) w[i] /= sum;
  }
  for (int i = 0; i < ni; i++) {
    if (o[i] == PL_NOT_AGREED) continue;
    double v = ++c[m->offset[i] + o[i]];
    if (v > mx[i]) mx[i] = v;
    last[i] = o[i];
  }
  m->seen[p] = true;
  m->any = true;
}

double pl__om_utility(const pl__om *m, int p, const uint32_t *o) {
  const int ni = m->ni;
  const double *c = m->count + (size_t)p * m->per_party;
  const double *mx = m->maxc + (size_t)p * (size_t)ni;
  const double *w = m->weight + (size_t)p * (size_t)ni;
  double u = 0;
  for (int i = 0; i < ni; i++)
    if (o[i] != PL_NOT_AGREED)
      u += w[i] * (1 + c[m->offset[i] + o[i]]) / (1 + mx[i]);
  return u;
}

double pl__om_score(const pl__om *m, const uint32_t *o) {
  if (!m->any) return 0;
  double score = 1;
  for (int p = 0; p < m->np; p++)
    if (p != m->self && m->seen[p]) score *= pl__om_utility(m, p, o);
  return score;
}
