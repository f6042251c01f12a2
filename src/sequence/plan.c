/* A sequencing plan: lifetime and queries. The reader is plan_yaml.c. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sequence/plan_internal.h"

pl_plan *pl__plan_new(void) { return pl__calloc(1, sizeof(pl_plan)); }

void pl_plan_free(pl_plan *p) {
  if (!p) return;
  for (int k = 0; k < p->np; k++) {
    pl__free(p->parties[k].id);
    pl__free(p->parties[k].name);
  }
  for (int k = 0; k < p->ns; k++) {
    pl__free(p->steps[k].id);
    pl__free(p->steps[k].description);
    pl__free(p->steps[k].after);
  }
  for (int k = 0; k < p->nd; k++) {
    pl__free(p->demands[k].id);
    pl__free(p->demands[k].description);
    pl__free(p->demands[k].others);
  }
  pl__free(p->parties);
  pl__free(p->steps);
  pl__free(p->demands);
  pl__free(p->gain);
  pl__free(p->id);
  pl__free(p->title);
  pl__free(p->description);
  pl__free(p);
}

const char *pl_plan_id(const pl_plan *p) { return p->id; }
const char *pl_plan_title(const pl_plan *p) { return p->title; }
const char *pl_plan_description(const pl_plan *p) { return p->description; }

int pl_plan_party_count(const pl_plan *p) { return p->np; }

static bool party_ok(const pl_plan *p, int k) { return k >= 0 && k < p->np; }
static bool step_ok(const pl_plan *p, int k) { return k >= 0 && k < p->ns; }
static bool demand_ok(const pl_plan *p, int k) { return k >= 0 && k < p->nd; }

const char *pl_plan_party_id(const pl_plan *p, int party) {
  return party_ok(p, party) ? p->parties[party].id : NULL;
}
const char *pl_plan_party_name(const pl_plan *p, int party) {
  return party_ok(p, party) ? p->parties[party].name : NULL;
}
double pl_plan_defection_cost(const pl_plan *p, int party) {
  return party_ok(p, party) ? p->parties[party].defection_cost : NAN;
}
int pl_plan_find_party(const pl_plan *p, const char *id) {
  for (int k = 0; id && k < p->np; k++)
    if (!strcmp(p->parties[k].id, id)) return k;
  return -1;
}

int pl_plan_step_count(const pl_plan *p) { return p->ns; }
const char *pl_plan_step_id(const pl_plan *p, int step) {
  return step_ok(p, step) ? p->steps[step].id : NULL;
}
const char *pl_plan_step_description(const pl_plan *p, int step) {
  return step_ok(p, step) ? p->steps[step].description : NULL;
}
int pl_plan_step_by(const pl_plan *p, int step) {
  return step_ok(p, step) ? p->steps[step].by : -1;
}
double pl_plan_step_gain(const pl_plan *p, int step, int party) {
  if (!step_ok(p, step) || !party_ok(p, party)) return NAN;
  return p->gain[(size_t)step * (size_t)p->np + (size_t)party];
}
int pl_plan_step_tranches(const pl_plan *p, int step) {
  return step_ok(p, step) ? p->steps[step].tranches : 0;
}
const int *pl_plan_step_after(const pl_plan *p, int step, size_t *n) {
  if (!step_ok(p, step) || !p->steps[step].n_after) {
    *n = 0;
    return NULL;
  }
  *n = p->steps[step].n_after;
  return p->steps[step].after;
}
int pl_plan_find_step(const pl_plan *p, const char *id) {
  for (int k = 0; id && k < p->ns; k++)
    if (!strcmp(p->steps[k].id, id)) return k;
  return -1;
}

const char *pl_demand_kind_name(pl_demand_kind k) {
  switch (k) {
  case PL_DEMAND_BEFORE:
    return "before";
  case PL_DEMAND_AFTER:
    return "after";
  case PL_DEMAND_FIRST:
    return "first";
  case PL_DEMAND_LAST:
    return "last";
  }
  return "?";
}

int pl_plan_demand_count(const pl_plan *p) { return p->nd; }
const char *pl_plan_demand_id(const pl_plan *p, int d) {
  return demand_ok(p, d) ? p->demands[d].id : NULL;
}
const char *pl_plan_demand_description(const pl_plan *p, int d) {
  return demand_ok(p, d) ? p->demands[d].description : NULL;
}
int pl_plan_demand_party(const pl_plan *p, int d) {
  return demand_ok(p, d) ? p->demands[d].party : -1;
}
pl_demand_kind pl_plan_demand_kind(const pl_plan *p, int d) {
  return demand_ok(p, d) ? p->demands[d].kind : PL_DEMAND_BEFORE;
}
int pl_plan_demand_step(const pl_plan *p, int d) {
  return demand_ok(p, d) ? p->demands[d].step : -1;
}
const int *pl_plan_demand_others(const pl_plan *p, int d, size_t *n) {
  if (!demand_ok(p, d) || !p->demands[d].n_others) {
    *n = 0;
    return NULL;
  }
  *n = p->demands[d].n_others;
  return p->demands[d].others;
}
int pl_plan_demand_hard(const pl_plan *p, int d) {
  return demand_ok(p, d) && p->demands[d].hard;
}
int64_t pl_plan_demand_weight(const pl_plan *p, int d) {
  return demand_ok(p, d) ? p->demands[d].weight : 0;
}

const char *pl_plan_demand_text(const pl_plan *p, int d, char *buf,
                                size_t size) {
  if (!size) return buf;
  buf[0] = 0;
  if (!demand_ok(p, d)) return buf;
  const pl__plan_demand *m = &p->demands[d];
  size_t len = (size_t)snprintf(buf, size, "%s %s", p->steps[m->step].id,
                                pl_demand_kind_name(m->kind));
  for (size_t k = 0; k < m->n_others && len < size; k++)
    len += (size_t)snprintf(buf + len, size - len, "%s%s", k ? ", " : " ",
                            p->steps[m->others[k]].id);
  return buf;
}
