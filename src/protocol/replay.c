#define _GNU_SOURCE /* memmem */
/* Replay of a negotiation with external agents (session.h,
 * docs/agent-protocol.md): the transcript's run line gives the inputs,
 * options and agents; the recorded messages answer for the external
 * parties (pl_agent_replay); the recorded end is the result to reach. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "agents/agent.h"
#include "io/formats.h"
#include "report/json_common.h"

struct pl_replay {
  pl_scenario *s;
  pl_session *x;
  pl_recording *rec;
  pl_agent_registry *reg;
  json_t *run, *end; /* the run line and the recorded end */
};

void pl_replay_free(pl_replay *r) {
  if (!r) return;
  pl_session_free(r->x);
  pl_agent_registry_free(r->reg);
  pl_recording_free(r->rec);
  pl_scenario_free(r->s);
  json_decref(r->run);
  json_decref(r->end);
  pl__free(r);
}

const pl_scenario *pl_replay_scenario(const pl_replay *r) { return r->s; }
pl_session *pl_replay_session(pl_replay *r) { return r->x; }

static int bad_run(pl_error *err, const char *path, const char *what) {
  return pl__err(err, PL_EPARSE, "%s:1:1: %s", path, what);
}

int pl_replay_open(const char *path, pl_replay **out, pl_error *err) {
  *out = NULL;
  char *text = NULL;
  size_t len = 0;
  int rc = pl__read_file(path, (size_t)1 << 32, &text, &len, err);
  if (rc) return rc;
  pl_replay *r = pl__calloc(1, sizeof *r);
  if (!r) {
    pl__free(text);
    return pl__err(err, PL_ENOMEM, "out of memory");
  }
  /* the run line, first; the end, last */
  const char *nl = memchr(text, '\n', len);
  r->run = json_loadb(text, nl ? (size_t)(nl - text) : len, 0, NULL);
  const char *ev = json_string_value(json_object_get(r->run, "event"));
  json_t *inputs = json_object_get(r->run, "inputs");
  json_t *agents = json_object_get(r->run, "agents");
  if (!ev || strcmp(ev, "run") ||
      json_integer_value(json_object_get(r->run, "version")) != 1)
    rc = bad_run(err, path,
                 "not the transcript of a negotiation with external agents "
                 "(it starts with a run line, version 1)");
  else if (!json_is_array(inputs) || !json_array_size(inputs) ||
           json_array_size(inputs) > 64 || !json_is_array(agents))
    rc = bad_run(err, path, "the run line names no inputs, or no agents");
  const char *paths[64];
  for (size_t k = 0; !rc && k < json_array_size(inputs); k++)
    if (!(paths[k] = json_string_value(json_array_get(inputs, k))))
      rc = bad_run(err, path, "an input is not a string");
  if (!rc) {
    pl_load_options lo;
    pl_load_options_init(&lo);
    json_int_t ri = json_integer_value(json_object_get(r->run, "real_intervals"));
    if (ri > 0 && ri <= 1000000) lo.real_intervals = (unsigned)ri;
    rc = pl_scenario_load_inputs(paths, json_array_size(inputs), &lo, &r->s,
                                 err);
  }
  if (!rc && json_array_size(agents) != (size_t)r->s->n_parties)
    rc = bad_run(err, path, "the run line's agents do not match the parties");
  if (!rc) rc = pl_recording_load(text, len, r->s, &r->rec, err);
  for (size_t at = 0; !rc && at < len;) { /* the last end event */
    const char *e = memchr(text + at, '\n', len - at);
    size_t n = e ? (size_t)(e - (text + at)) : len - at;
    if (n && memmem(text + at, n, "\"event\":\"end\"", 13)) {
      json_decref(r->end);
      r->end = json_loadb(text + at, n, 0, NULL);
    }
    at += n + 1;
  }
  if (!rc && !r->end) rc = bad_run(err, path, "the transcript has no end");
  pl__free(text);
  if (!rc) rc = pl_agent_registry_new(&r->reg, err);
  if (!rc)
    rc = pl_agent_registry_add(r->reg, "recorded", pl_agent_replay(), r->rec,
                               err);
  if (!rc) {
    pl_session_options o;
    pl_session_options_init(&o);
    json_t *j = r->run;
    const char *proto = json_string_value(json_object_get(j, "protocol"));
    for (int p = 0; proto && p <= PL_PROTOCOL_MEDIATED; p++)
      if (!strcmp(proto, pl_protocol_name((pl_protocol)p)))
        o.protocol = (pl_protocol)p;
    const char *drafter = json_string_value(json_object_get(j, "drafter"));
    for (int p = 0; drafter && p < r->s->n_parties; p++)
      if (!strcmp(drafter, r->s->parties[p].id)) o.drafter = p;
    o.rounds = (int)json_integer_value(json_object_get(j, "rounds"));
    o.time_limit = json_number_value(json_object_get(j, "time"));
    o.seed = (uint64_t)json_integer_value(json_object_get(j, "seed"));
    o.partial = json_is_true(json_object_get(j, "partial"));
    o.max_events = (size_t)json_integer_value(json_object_get(j, "max_events"));
    o.move_limit = json_number_value(json_object_get(j, "move_time"));
    o.agent_limit = json_number_value(json_object_get(j, "agent_time"));
    o.max_message = (size_t)json_integer_value(json_object_get(j, "max_message"));
    o.registry = r->reg;
    o.inputs = paths;
    o.n_inputs = json_array_size(inputs);
    o.real_intervals =
        (unsigned)json_integer_value(json_object_get(j, "real_intervals"));
    const char *specs[PL__MAX_PARTIES];
    for (int p = 0; p < r->s->n_parties && !rc; p++) {
      specs[p] = json_string_value(json_array_get(agents, (size_t)p));
      if (!specs[p]) rc = bad_run(err, path, "an agent is not a string");
      else if (pl_recording_has_party(r->rec, p)) specs[p] = "recorded";
    }
    if (!rc) rc = pl_session_new(r->s, &o, specs, &r->x, err);
  }
  if (rc) {
    pl_replay_free(r);
    return rc;
  }
  *out = r;
  return PL_OK;
}

int pl_replay_same(const pl_replay *r, char *why, size_t size) {
  const pl_session *x = r->x;
  const char *reason = json_string_value(json_object_get(r->end, "reason"));
  json_t *rec_out = json_object_get(r->end, "outcome");
  json_int_t rounds = json_integer_value(json_object_get(r->end, "round"));
  const pl_point *agr = pl_session_agreement(x);
  json_t *now = agr ? pl__outcome_json(r->s, agr->options) : NULL;
  int same = 1;
  if (!reason || strcmp(reason, pl_end_name(pl_session_end(x)))) {
    snprintf(why, size, "recorded: %s; replayed: %s", reason ? reason : "?",
             pl_end_name(pl_session_end(x)));
    same = 0;
  } else if ((rec_out || now) && !json_equal(rec_out, now)) {
    snprintf(why, size, "a different agreement");
    same = 0;
  } else if (rounds != pl_session_rounds(x)) {
    snprintf(why, size, "recorded: %lld rounds; replayed: %d",
             (long long)rounds, pl_session_rounds(x));
    same = 0;
  } else if (size) {
    why[0] = 0;
  }
  json_decref(now);
  return same;
}
