/* libFuzzer target: the wire protocol's reader (src/agents/ext.c), that is
 * everything parley does with the lines an external agent sends.
 *
 * The input's first byte picks the protocol (saop, text, mediated) and the
 * seat of the external agent; the rest, split at newlines, are the agent's
 * answers, replayed (pl_agent_replay, answers only) against a built-in
 * agent on a small scenario with red lines. Besides the sanitizers'
 * findings, a broken promise aborts: the negotiation ends within its
 * rounds; a failure names the external party and says why in one line; an
 * agreement keeps every party's red lines and reservation; the transcript
 * (with every message) is JSON Lines.
 *
 * Built by tests/fuzz/CMakeLists.txt when PL_FUZZ is ON (clang), and
 * linked into the plain replay driver that ctest runs over
 * tests/fuzz/corpus/agent_protocol. */
#include <jansson.h>
#include <stdint.h>
#include <string.h>

#include "agents/ext.h"
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char YAML[] =
    "scenario: fuzz\n"
    "issues:\n"
    "  - {id: salary, type: integer, min: 60, max: 80, step: 10}\n"
    "  - {id: remote, type: integer, min: 0, max: 2}\n"
    "  - {id: start, options: [june, september]}\n"
    "status_quo: {salary: 60, remote: 0, start: june}\n"
    "parties:\n"
    "  - id: candidate\n"
    "    reservation: 0.4\n"
    "    weights: {salary: 0.5, remote: 0.3, start: 0.2}\n"
    "    values: {salary: increasing, remote: increasing,\n"
    "             start: {june: 0.3, september: 1}}\n"
    "    red_lines:\n"
    "      - {id: floor, rule: {issue: salary, min: 70}}\n"
    "  - id: employer\n"
    "    reservation: 0.3\n"
    "    weights: {salary: 0.6, remote: 0.1, start: 0.3}\n"
    "    values: {salary: decreasing, remote: decreasing,\n"
    "             start: {june: 1, september: 0}}\n"
    "    red_lines:\n"
    "      - {id: office, rule: {issue: remote, max: 1}}\n";

static pl_scenario *scenario(void) {
  static pl_scenario *s;
  if (!s) {
    pl_error err;
    fuzz_check(pl_scenario_load_yaml(YAML, sizeof YAML - 1, "fuzz.yaml", &s,
                                     &err) == PL_OK);
  }
  return s;
}

static bool allowed(const pl_scenario *s, int p, const uint32_t *o) {
  if (pl_scenario_utility(s, p, o) <
      pl_scenario_reservation(s, p) - PL_TOLERANCE)
    return false;
  for (int r = 0; r < pl_scenario_red_line_count(s); r++)
    if (pl_scenario_red_line_party(s, r) == p &&
        !pl_scenario_red_line_holds(s, r, o))
      return false;
  return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  const pl_scenario *s = scenario();
  const int seat = data[0] & 1;
  pl_recording *rec;
  fuzz_check(pl__recording_new(2, &rec) == PL_OK);
  size_t at = 1;
  while (at < size) {
    const uint8_t *nl = memchr(data + at, '\n', size - at);
    size_t n = nl ? (size_t)(nl - (data + at)) : size - at;
    fuzz_check(pl__recording_add(rec, 1, seat, (const char *)data + at, n) ==
               PL_OK);
    at += n + 1;
  }
  pl_agent_registry *reg;
  fuzz_check(pl_agent_registry_new(&reg, NULL) == PL_OK);
  fuzz_check(pl_agent_registry_add(reg, "recorded", pl_agent_replay(), rec,
                                   NULL) == PL_OK);
  pl_session_options o;
  pl_session_options_init(&o);
  o.protocol = (pl_protocol)((data[0] >> 1) % 3);
  o.rounds = 12;
  o.registry = reg;
  o.max_message = 4096;
  const char *agents[2] = {"conceder", "conceder"};
  agents[seat] = "recorded";
  pl_session *x = NULL;
  pl_error err;
  fuzz_check(pl_session_new(s, &o, agents, &x, &err) == PL_OK);
  int rc, steps = 0;
  while ((rc = pl_session_step(x)) == PL_SESSION_RUNNING) fuzz_check(++steps < 1000);
  fuzz_check(rc == PL_SESSION_DONE);
  pl_end end = pl_session_end(x);
  const char *why = pl_session_failure(x);
  if (end == PL_END_FAILURE) {
    fuzz_check(pl_session_failed_party(x) == seat);
    fuzz_check(*why && !strchr(why, '\n'));
  } else {
    fuzz_check(!*why);
  }
  const pl_point *agr = pl_session_agreement(x);
  if (agr && end == PL_END_AGREEMENT)
    for (int p = 0; p < 2; p++) fuzz_check(allowed(s, p, agr->options));
  char *t = pl_session_transcript(x);
  fuzz_check(t != NULL);
  for (char *line = t; *line;) {
    char *nl = strchr(line, '\n');
    fuzz_check(nl != NULL);
    json_t *j = json_loadb(line, (size_t)(nl - line), JSON_ALLOW_NUL, NULL);
    fuzz_check(j != NULL);
    json_decref(j);
    line = nl + 1;
  }
  pl_free(t);
  pl_session_free(x);
  pl_agent_registry_free(reg);
  pl_recording_free(rec);
  return 0;
}
