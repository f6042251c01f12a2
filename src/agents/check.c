/* The agent checker (agents.h, docs/agent-protocol.md "Before you
 * submit"): a candidate agent run through a fixed script of negotiations
 * against built-in strategies, every failure of its party reported with
 * the line it sent and the question it answered. Built from public
 * session calls only; the walk-out is a registered table of its own. */
#define _GNU_SOURCE /* memmem */
#include <stdio.h>
#include <string.h>

#include "agents/agent.h"

/* The job offer of examples/job-offer.yaml (its comments work it out by
 * hand): small, both kinds of issue, a red line on each side. */
static const char JOB_OFFER[] =
    "scenario: job-offer\n"
    "title: \"A job offer: salary, remote days and start date\"\n"
    "issues:\n"
    "  - {id: salary, name: \"Yearly salary (thousands)\", type: integer,\n"
    "     min: 60, max: 80, step: 10}\n"
    "  - {id: remote, name: \"Remote days a week\", type: integer, min: 0,\n"
    "     max: 2}\n"
    "  - {id: start, name: \"Start date\", options: [june, september]}\n"
    "parties:\n"
    "  - id: candidate\n"
    "    name: \"The candidate\"\n"
    "    reservation: 0.4\n"
    "    weights: {salary: 0.5, remote: 0.3, start: 0.2}\n"
    "    values:\n"
    "      salary: increasing\n"
    "      remote: [[0, 0], [1, 0.6], [2, 1]]\n"
    "      start: {june: 0.3, september: 1}\n"
    "    red_lines:\n"
    "      - {id: salary_floor, description: \"no less than 70\",\n"
    "         rule: {issue: salary, min: 70}}\n"
    "  - id: employer\n"
    "    name: \"The employer\"\n"
    "    reservation: 0.3\n"
    "    weights: {salary: 0.6, remote: 0.1, start: 0.3}\n"
    "    values:\n"
    "      salary: decreasing\n"
    "      remote: [[0, 1], [1, 1], [2, 0]]\n"
    "      start: {june: 1, september: 0}\n"
    "    red_lines:\n"
    "      - {id: office_days, description: \"at most one remote day\",\n"
    "         rule: {issue: remote, max: 1}}\n";

/* The other side walks out at its first turn. */
static int walk_out(void *a, const pl_agent_turn *t, uint32_t *o) {
  (void)a, (void)t, (void)o;
  return PL_AGENT_END;
}
static int walk_out_r(void *a, const pl_agent_turn *t, const uint32_t *o) {
  (void)a, (void)t, (void)o;
  return PL_AGENT_END;
}
static void *walker_new(const pl_agent_setup *su) {
  (void)su;
  return (void *)1;
}
static void walker_free(void *a) { (void)a; }
static const pl_agent_api WALKER = {
    .abi_version = PL_AGENT_ABI_VERSION,
    .struct_size = sizeof(pl_agent_api),
    .create2 = walker_new,
    .propose2 = walk_out,
    .respond2 = walk_out_r,
    .destroy = walker_free,
};
#define WALKER_NAME "agent-check-walkout"

/* The script: protocol, the agent's seat, the drafter's seat (text),
 * the other side. */
typedef struct script {
  const char *name;
  pl_protocol protocol;
  int seat, drafter;
  const char *other;
} script;
static const script SCRIPT[] = {
    {"saop, first seat, to the deadline", PL_PROTOCOL_SAOP, 0, 0,
     "hardliner"},
    {"saop, second seat, to the deadline", PL_PROTOCOL_SAOP, 1, 0,
     "hardliner"},
    {"saop, first seat, the other side walks out", PL_PROTOCOL_SAOP, 0, 0,
     WALKER_NAME},
    {"saop, second seat, against a conceder", PL_PROTOCOL_SAOP, 1, 0,
     "conceder"},
    {"single text, the other side drafts (the agent comments)",
     PL_PROTOCOL_TEXT, 0, 1, "boulware"},
    {"single text, the agent drafts", PL_PROTOCOL_TEXT, 1, 1, "boulware"},
    {"mediated text, first seat", PL_PROTOCOL_MEDIATED, 0, 0, "boulware"},
    {"mediated text, second seat", PL_PROTOCOL_MEDIATED, 1, 0, "conceder"},
};
#define N_SCRIPT (sizeof SCRIPT / sizeof *SCRIPT)

typedef struct held {
  char reason[512];
  char *line, *question;
} held;

struct pl_agent_check {
  pl_agent_check_case c[N_SCRIPT];
  held h[N_SCRIPT];
  size_t n;
};

void pl_agent_check_options_init(pl_agent_check_options *o) {
  memset(o, 0, sizeof *o);
  o->struct_size = sizeof *o;
  o->move_limit = 10;
  o->max_message = (size_t)1 << 20;
  o->rounds = 10;
}

void pl_agent_check_free(pl_agent_check *c) {
  if (!c) return;
  for (size_t k = 0; k < c->n; k++) {
    pl__free(c->h[k].line);
    pl__free(c->h[k].question);
  }
  pl__free(c);
}

size_t pl_agent_check_count(const pl_agent_check *c) { return c ? c->n : 0; }

const pl_agent_check_case *pl_agent_check_get(const pl_agent_check *c,
                                              size_t i) {
  return c && i < c->n ? &c->c[i] : NULL;
}

size_t pl_agent_check_violations(const pl_agent_check *c) {
  size_t v = 0;
  for (size_t k = 0; c && k < c->n; k++) v += c->c[k].violation != 0;
  return v;
}

static char *copy(const char *p, size_t n) {
  char *s = pl__malloc(n + 1);
  if (s) {
    memcpy(s, p, n);
    s[n] = 0;
  }
  return s;
}

static bool has(const pl_message *m, const char *what) {
  return memmem(m->line, m->len, what, strlen(what)) != NULL;
}

/* The question the agent's party was asked last before the end, and the
 * line it sent after it (the one that broke a rule, or said out of turn). */
static int blame(const pl_session *x, int party, held *h) {
  size_t n = pl_session_message_count(x), end = n, q = n, a = n;
  for (size_t k = n; k-- > 0;) {
    const pl_message *m = pl_session_message(x, k);
    if (m->party == party && m->dir == 0 && has(m, "\"type\":\"finished\"")) {
      end = k;
      break;
    }
  }
  for (size_t k = end; k-- > 0 && q == n;) {
    const pl_message *m = pl_session_message(x, k);
    if (m->party == party && m->dir == 0 &&
        (has(m, "\"expect\":") || has(m, "\"type\":\"settings\"")))
      q = k;
  }
  size_t said = 0; /* its lines since the question */
  for (size_t k = end; k-- > 0;) {
    const pl_message *m = pl_session_message(x, k);
    if (q < n && k <= q) break;
    if (m->party == party && m->dir == 1 && !said++) a = k;
  }
  /* a second line after one question was said out of turn: no question
   * was open for it */
  if (q < n && said < 2) {
    const pl_message *m = pl_session_message(x, q);
    if (!(h->question = copy(m->line, m->len))) return PL_ENOMEM;
  }
  if (a < n) {
    const pl_message *m = pl_session_message(x, a);
    if (!(h->line = copy(m->line, m->len))) return PL_ENOMEM;
  }
  return PL_OK;
}

static int run_case(pl_agent_check *c, const script *sc, const char *agent,
                    const pl_scenario *s, const pl_agent_check_options *o,
                    const pl_agent_registry *reg, pl_error *err) {
  pl_session_options so;
  pl_session_options_init(&so);
  so.protocol = sc->protocol;
  so.drafter = sc->drafter;
  so.rounds = o->rounds > 0 ? o->rounds : 10;
  so.registry = reg;
  so.move_limit = o->move_limit;
  so.max_message = o->max_message;
  const char *agents[2];
  agents[sc->seat] = agent;
  agents[1 - sc->seat] = sc->other;
  pl_session *x = NULL;
  int rc = pl_session_new(s, &so, agents, &x, err);
  if (rc) return rc;
  rc = pl_session_run(x);
  if (rc < 0) {
    pl_session_free(x);
    return pl__err(err, rc, "%s", pl_strerror(rc));
  }
  pl_agent_check_case *k = &c->c[c->n];
  held *h = &c->h[c->n];
  c->n++;
  k->name = sc->name;
  k->ended_by = pl_end_name(pl_session_end(x));
  k->rounds = pl_session_rounds(x);
  k->violation = pl_session_end(x) == PL_END_FAILURE &&
                 pl_session_failed_party(x) == sc->seat;
  if (k->violation) {
    const char *why = pl_session_failure(x);
    const char *colon = strstr(why, ": ");
    snprintf(h->reason, sizeof h->reason, "%s", colon ? colon + 2 : why);
    rc = blame(x, sc->seat, h);
  }
  k->reason = h->reason;
  k->line = h->line ? h->line : "";
  k->question = h->question ? h->question : "";
  pl_session_free(x);
  return rc ? pl__err(err, rc, "out of memory") : PL_OK;
}

int pl_agent_check_run(const char *agent, const pl_agent_check_options *opt,
                       pl_agent_check **out, pl_error *err) {
  *out = NULL;
  pl_agent_check_options o;
  pl_agent_check_options_init(&o);
  PL__OPTIONS_COPY(&o, opt);
  if (!agent || !*agent)
    return pl__err(err, PL_EINVAL, "agent-check needs an agent");
  pl_scenario *own = NULL;
  const pl_scenario *s = o.scenario;
  int rc = PL_OK;
  if (!s) {
    rc = pl_scenario_load_yaml(JOB_OFFER, sizeof JOB_OFFER - 1, "job-offer",
                               &own, err);
    if (rc) return rc;
    s = own;
  }
  /* the walk-out is registered beside the caller's names: a registry of
   * our own holding both */
  pl_agent_registry *reg = NULL;
  pl_agent_check *c = NULL;
  if (pl_scenario_party_count(s) != 2) {
    rc = pl__err(err, PL_EINVAL, "agent-check needs a scenario of two "
                                 "parties, not %d",
                 pl_scenario_party_count(s));
  } else if ((rc = pl_agent_registry_new(&reg, err)) == PL_OK &&
             (rc = pl__registry_copy(reg, o.registry, err)) == PL_OK &&
             (rc = pl_agent_registry_add(reg, WALKER_NAME, &WALKER, NULL,
                                         err)) == PL_OK) {
    c = pl__calloc(1, sizeof *c);
    if (!c) rc = pl__err(err, PL_ENOMEM, "out of memory");
    for (size_t k = 0; !rc && k < N_SCRIPT; k++)
      rc = run_case(c, &SCRIPT[k], agent, s, &o, reg, err);
  }
  pl_agent_registry_free(reg);
  pl_scenario_free(own);
  if (rc) {
    pl_agent_check_free(c);
    return rc;
  }
  *out = c;
  return PL_OK;
}
