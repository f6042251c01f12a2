/* The Stacked Alternating Offers Protocol (Aydogan, Festen, Hindriks &
 * Jonker 2017, "Alternating offers protocols for multilateral
 * negotiation"): parties take turns in a fixed order; on its turn a party
 * accepts the standing offer or replaces it with its own; an offer is
 * agreed when every other party has accepted it in turn. A round is one
 * turn of every party; time is normalised over the rounds. */
#include <jansson.h>
#include <limits.h>
#include <pthread.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json_text.h"
#include "agents/agent.h"
#include "protocol/session_internal.h"
#include "report/json_common.h"

struct pl_session {
  const pl_scenario *s;
  pl_session_options o;
  int np, ni;
  pl__agent *agents;
  int turn, round;   /* next position to act; current round (1-based) */
  /* single text: the current draft, and what each party wants instead */
  uint32_t *text, *wanted;
  bool *has_wanted;
  uint8_t *rej;  /* a comment's rejected articles */
  uint64_t rng;  /* mediated: the mediator's generator */
  bool started;  /* mediated: the first text is drawn */
  int accepts;       /* acceptances of the standing offer so far */
  bool has_offer;
  pl_end end;
  int failed_party;
  int hopeless;      /* a party that allows no outcome, or -1 */
  double t;          /* normalised time of the current step */
  double t0;         /* the clock at the first step; < 0 before it */
  /* partial agreements: each party's latest offer (saop), the articles
   * rejected since the latest draft (text); the partial text tried at the
   * deadline and what blocked it */
  uint32_t *latest;
  bool *has_latest;
  uint8_t *rejected;
  uint32_t *partial;
  bool has_partial;
  size_t n_blockers;
  pl_blocker *blockers;
  /* events: kinds and scalars in one array, outcomes and utilities in two
   * more, grown together */
  size_t n, cap;
  size_t warm;       /* events whose pages are populated (warm_up) */
  pl_event *ev;
  uint32_t *opts;
  double *utils;
  uint8_t *marks;    /* per event: articles rejected (comments) */
  size_t bytes[4];   /* the four arrays' sizes (they may come from spares) */
  pl_point agreement;
  /* outside agents: the messages they logged, why one failed, whether the
   * mediator's proposal of this round is out (a vote may wait) */
  pl__env env;
  size_t n_msgs, cap_msgs;
  pl_message *msgs;
  double wall0;
  char failure[320];
  bool proposed;
  char **specs; /* the agents as named, then the inputs: the run line */
  size_t n_specs;
};

void pl_session_options_init(pl_session_options *o) {
  memset(o, 0, sizeof *o);
  o->struct_size = sizeof *o;
  o->rounds = 100;
  o->max_events = 1000000;
  o->max_message = (size_t)1 << 20;
  o->move_limit = 60;
}

const char *pl_end_name(pl_end e) {
  static const char *const names[] = {"running", "agreement", "deadline",
                                      "no_offer",  "failure",   "timeout",
                                      "walkout",   "partial",
                                      "event_limit"};
  return (unsigned)e <= PL_END_EVENT_LIMIT ? names[e] : "?";
}

const char *pl_event_name(pl_event_kind k) {
  static const char *const names[] = {"offer", "accept", "end", "comment",
                                      "reject"};
  return (unsigned)k <= PL_EVENT_REJECT ? names[k] : "?";
}

/* The event arrays of the last session freed on a thread, kept for the
 * thread's next session: a tournament worker or a benchmark runs
 * thousands of negotiations in a row, and a negotiation of 1,000 rounds
 * records about 2,000 events. Allocating and doubling them anew each
 * time cost more than the negotiation itself: the arrays pass glibc's
 * mmap and trim thresholds, so every free handed their pages back to the
 * kernel and the next session faulted them in again
 * (docs/performance.md, bench_anac). One set per thread (a key's
 * destructor frees it when the thread ends; the main thread's stays
 * reachable until exit), the largest seen up to SPARE_MAX bytes. */
#define SPARE_MAX ((size_t)16 << 20)
typedef struct spare {
  void *a[4]; /* ev, opts, utils, marks */
  size_t bytes[4];
} spare;

static pthread_key_t spare_key;
static pthread_once_t spare_once = PTHREAD_ONCE_INIT;
static bool spare_ok;

static void spare_drop(void *p) {
  spare *sp = p;
  for (int k = 0; sp && k < 4; k++) pl__free(sp->a[k]);
  free(sp);
}

static void spare_init(void) {
  spare_ok = pthread_key_create(&spare_key, spare_drop) == 0;
}

static spare *spare_get(bool make) {
  pthread_once(&spare_once, spare_init);
  if (!spare_ok) return NULL;
  spare *sp = pthread_getspecific(spare_key);
  if (!sp && make && (sp = calloc(1, sizeof *sp)) &&
      pthread_setspecific(spare_key, sp)) {
    free(sp);
    sp = NULL;
  }
  return sp;
}

void pl__session_spare_drop(void) {
  spare *sp = spare_get(false);
  for (int k = 0; sp && k < 4; k++) pl__free(sp->a[k]);
  if (sp) memset(sp, 0, sizeof *sp);
}

/* The thread's spare arrays become the session's, when they hold at
 * least 64 events of its shape. */
static void spare_take(pl_session *x) {
  spare *sp = spare_get(false);
  if (!sp || !sp->a[0]) return;
  const size_t ni = (size_t)x->ni, np = (size_t)x->np;
  size_t cap = sp->bytes[0] / sizeof *x->ev;
  if (ni && sp->bytes[1] / (ni * sizeof *x->opts) < cap)
    cap = sp->bytes[1] / (ni * sizeof *x->opts);
  if (np && sp->bytes[2] / (np * sizeof *x->utils) < cap)
    cap = sp->bytes[2] / (np * sizeof *x->utils);
  if (ni && sp->bytes[3] / ni < cap) cap = sp->bytes[3] / ni;
  if (cap < 64) return;
  x->ev = sp->a[0];
  x->opts = sp->a[1];
  x->utils = sp->a[2];
  x->marks = sp->a[3];
  memcpy(x->bytes, sp->bytes, sizeof x->bytes);
  x->cap = cap;
  x->warm = 0;
  memset(sp, 0, sizeof *sp);
}

/* The session's arrays become the thread's spares when they are larger
 * than those it keeps; the smaller set is freed. */
static void spare_give(pl_session *x) {
  void *a[4] = {x->ev, x->opts, x->utils, x->marks};
  size_t total = x->bytes[0] + x->bytes[1] + x->bytes[2] + x->bytes[3];
  spare *sp = a[0] ? spare_get(true) : NULL;
  if (sp && total <= SPARE_MAX &&
      total > sp->bytes[0] + sp->bytes[1] + sp->bytes[2] + sp->bytes[3]) {
    for (int k = 0; k < 4; k++) {
      void *old = sp->a[k];
      sp->a[k] = a[k];
      a[k] = old;
    }
    memcpy(sp->bytes, x->bytes, sizeof sp->bytes);
  }
  for (int k = 0; k < 4; k++) pl__free(a[k]);
}

void pl_session_free(pl_session *x) {
  if (!x) return;
  for (int p = 0; x->agents && p < x->np; p++) pl__agent_free(&x->agents[p]);
  pl__free(x->agents);
  spare_give(x);
  pl__free(x->latest);
  pl__free(x->has_latest);
  pl__free(x->rejected);
  pl__free(x->partial);
  pl__free(x->blockers);
  pl__free(x->text);
  pl__free(x->wanted);
  pl__free(x->has_wanted);
  pl__free(x->rej);
  for (size_t k = 0; k < x->n_msgs; k++) pl__free((char *)x->msgs[k].line);
  for (size_t k = 0; k < x->n_specs; k++) pl__free(x->specs[k]);
  pl__free(x->specs);
  pl__free(x->msgs);
  pl__free(x);
}

const char *pl_protocol_name(pl_protocol p) {
  static const char *const names[] = {"saop", "text", "mediated"};
  return (unsigned)p <= PL_PROTOCOL_MEDIATED ? names[p] : "?";
}

static double monotonic(void *ctx) {
  (void)ctx;
  return pl__now();
}

/* An outside agent's message, kept for the transcript (a copy; a message
 * that cannot be kept when out of memory is left out). */
static void log_message(void *ctx, int party, int dir, const char *line,
                        size_t len) {
  pl_session *x = ctx;
  if (x->n_msgs == x->cap_msgs) {
    size_t cap = x->cap_msgs ? 2 * x->cap_msgs : 64;
    pl_message *m = pl__realloc(x->msgs, cap * sizeof *m);
    if (!m) return;
    x->msgs = m;
    x->cap_msgs = cap;
  }
  char *copy = pl__malloc(len + 1);
  if (!copy) return;
  memcpy(copy, line, len);
  copy[len] = 0;
  x->msgs[x->n_msgs++] =
      (pl_message){party, dir, pl__now() - x->wall0, x->n, copy, len};
}

/* Whether the wall-time limit has passed (for the agents' walks). */
static bool expired(void *ctx) {
  pl_session *x = ctx;
  return x->t0 >= 0 &&
         x->o.clock(x->o.clock_ctx) - x->t0 >= x->o.time_limit;
}

/* The first party that allows no outcome (none of its red lines and
 * reservation value hold together), known before the first round; with
 * partial agreements, no partial text either. */
static int find_hopeless(pl_session *x, pl_error *err) {
  x->hopeless = -1;
  for (int p = 0; p < x->np && x->hopeless < 0; p++) {
    bool none = x->agents[p].hopeless;
    if (x->o.partial) {
      double high;
      if (pl__highest_allowed(x->s, p, true, &high))
        return pl__err(err, PL_ENOMEM, "out of memory");
      none = high < x->s->parties[p].reservation - PL_TOLERANCE;
    }
    if (none) x->hopeless = p;
  }
  return PL_OK;
}

int pl_session_new(const pl_scenario *s, const pl_session_options *opts,
                   const char *const *agents, pl_session **out,
                   pl_error *err) {
  *out = NULL;
  if (!s || !s->finished)
    return pl__err(err, PL_EINVAL, "the scenario is not finished");
  pl_session *x = pl__calloc(1, sizeof *x);
  if (!x) return pl__err(err, PL_ENOMEM, "out of memory");
  pl_session_options_init(&x->o);
  PL__OPTIONS_COPY(&x->o, opts);
  x->s = s;
  x->np = s->n_parties;
  x->ni = s->n_issues;
  x->round = 1;
  x->failed_party = -1;
  x->t0 = -1;
  spare_take(x);
  if (!x->o.clock) x->o.clock = monotonic;
  int rc = PL_OK;
  if (x->o.rounds < 0 || (x->o.rounds == 0 && !(x->o.time_limit > 0)))
    rc = pl__err(err, PL_ERANGE,
                 "rounds must be at least 1 (or 0 with a time limit), got %d",
                 x->o.rounds);
  else if (!(x->o.time_limit >= 0) || !isfinite(x->o.time_limit))
    rc = pl__err(err, PL_ERANGE, "the time limit must be a finite number of "
                 "seconds, at least 0");
  else if (x->o.partial && !pl_scenario_has_status_quo(s))
    rc = pl__err(err, PL_EINVAL,
                 "partial agreements need a status quo: articles left out "
                 "stay at it (docs/scenario-format.md)");
  else if ((unsigned)x->o.protocol > PL_PROTOCOL_MEDIATED)
    rc = pl__err(err, PL_EINVAL, "unknown protocol %d", (int)x->o.protocol);
  else if (x->o.drafter < 0 || x->o.drafter >= x->np)
    rc = pl__err(err, PL_ENOTFOUND, "no party %d to draft the text",
                 x->o.drafter);
  else if (!(x->o.move_limit >= 0) || !isfinite(x->o.move_limit) ||
           !(x->o.agent_limit >= 0) || !isfinite(x->o.agent_limit))
    rc = pl__err(err, PL_ERANGE, "the agents' time limits must be finite "
                 "numbers of seconds, at least 0");
  if (!rc && x->o.protocol != PL_PROTOCOL_SAOP) {
    x->text = pl__calloc((size_t)x->ni, sizeof *x->text);
    x->wanted = pl__calloc((size_t)x->ni * (size_t)x->np, sizeof *x->wanted);
    x->has_wanted = pl__calloc((size_t)x->np, sizeof *x->has_wanted);
    x->rej = pl__calloc((size_t)x->ni, 1);
    if (!x->text || !x->wanted || !x->has_wanted || !x->rej)
      rc = pl__err(err, PL_ENOMEM, "out of memory");
  }
  if (!rc && x->o.partial) {
    x->latest = pl__malloc((size_t)x->ni * (size_t)x->np * sizeof *x->latest);
    x->has_latest = pl__calloc((size_t)x->np, sizeof *x->has_latest);
    x->rejected = pl__calloc((size_t)x->ni, sizeof *x->rejected);
    x->partial = pl__malloc((size_t)x->ni * sizeof *x->partial);
    x->blockers = pl__malloc(((size_t)s->n_red_lines + (size_t)x->np) *
                             sizeof *x->blockers);
    if (!x->latest || !x->has_latest || !x->rejected || !x->partial ||
        !x->blockers)
      rc = pl__err(err, PL_ENOMEM, "out of memory");
  }
  if (!rc && !(x->agents = pl__calloc((size_t)x->np, sizeof *x->agents)))
    rc = pl__err(err, PL_ENOMEM, "out of memory");
  x->wall0 = pl__now();
  /* copies of the agents' names and the inputs, for the run line */
  const char *const *inputs = x->o.inputs;
  size_t n_in = inputs ? x->o.n_inputs : 0;
  x->o.inputs = NULL;
  x->o.n_inputs = 0;
  if (!rc && !(x->specs = pl__calloc((size_t)x->np + n_in, sizeof *x->specs)))
    rc = pl__err(err, PL_ENOMEM, "out of memory");
  for (size_t k = 0; !rc && k < (size_t)x->np + n_in; k++) {
    const char *v = k < (size_t)x->np ? agents[k] : inputs[k - (size_t)x->np];
    if (!(x->specs[k] = pl__strdup(v)))
      rc = pl__err(err, PL_ENOMEM, "out of memory");
    x->n_specs = k + 1;
  }
  x->o.n_inputs = n_in;
  x->env = (pl__env){&x->o, x, x->o.drop_messages ? NULL : log_message, x};
  for (int p = 0; p < x->np && !rc; p++) {
    rc = pl__agent_init(&x->agents[p], s, p, agents[p], x->o.seed, &x->env,
                        err);
    if (x->o.time_limit > 0) {
      x->agents[p].expired = expired;
      x->agents[p].expired_ctx = x;
    }
  }
  if (!rc) rc = find_hopeless(x, err);
  if (rc) {
    pl_session_free(x);
    return rc;
  }
  *out = x;
  return PL_OK;
}

/* Normalised time now: the later of the round clock and the wall clock;
 * 1 or more when the wall-time limit has passed. */
static double clock_t_(pl_session *x) {
  double t = 0;
  if (x->o.rounds > 0)
    t = ((double)(x->round - 1) + (double)x->turn / x->np) / x->o.rounds;
  if (x->o.time_limit > 0) {
    double now = x->o.clock(x->o.clock_ctx);
    if (x->t0 < 0) x->t0 = now;
    double w = (now - x->t0) / x->o.time_limit;
    if (w > t) t = w;
  }
  return t;
}

/* Tells the outside agents that asked for events of the latest one. */
static void notify(pl_session *x) {
  for (int p = 0; p < x->np; p++)
    if (x->agents[p].kind == PL__AGENT_PLUGIN)
      pl__plugin_event(&x->agents[p], &x->ev[x->n - 1]);
}

/* Events a negotiation of the round limit records when every party acts
 * once a round (and the end), so that it grows no array; at least 64, at
 * most 2^15 (the pages of an array are touched only as events fill them,
 * so the unused rest costs nothing). */
static size_t first_cap(const pl_session *x) {
  size_t cap = 64;
  if (x->o.rounds > 0 && x->o.rounds < (1 << 15))
    cap = ((size_t)x->o.rounds + 1) * (size_t)x->np + 2;
  return cap < 64 ? 64 : cap > (1u << 15) ? (1u << 15) : cap;
}

/* The arrays' pages populated WARM_STEP events ahead of the transcript
 * (pl__prefault): a long negotiation fills some hundred KiB, which would
 * otherwise fault in page by page, and a short one populates only its
 * first step. */
#define WARM_STEP 512
static void warm_up(pl_session *x) {
  const size_t ni = (size_t)x->ni, np = (size_t)x->np, from = x->warm;
  const size_t to = x->n + WARM_STEP < x->cap ? x->n + WARM_STEP : x->cap;
  if (to <= from) return;
  pl__prefault(x->ev + from, (to - from) * sizeof *x->ev);
  pl__prefault(x->opts + from * ni, (to - from) * ni * sizeof *x->opts);
  pl__prefault(x->utils + from * np, (to - from) * np * sizeof *x->utils);
  pl__prefault(x->marks + from * ni, (to - from) * ni);
  x->warm = to;
}

/* Doubles the four event arrays, all or nothing: on failure nothing
 * moved and the transcript stays as it was; on success the events point
 * into the new arrays. */
static int grow(pl_session *x) {
  const size_t ni = (size_t)x->ni, np = (size_t)x->np;
  const size_t cap = x->cap ? x->cap * 2 : first_cap(x);
  pl_event *ev = pl__malloc(cap * sizeof *ev);
  uint32_t *o = pl__malloc(cap * ni * sizeof *o);
  double *u = pl__malloc(cap * np * sizeof *u);
  uint8_t *m = pl__malloc(cap * ni);
  if (!ev || !o || !u || !m) {
    pl__free(ev);
    pl__free(o);
    pl__free(u);
    pl__free(m);
    return PL_ENOMEM;
  }
  pl_event *old_ev = x->ev;
  uint32_t *old_o = x->opts;
  double *old_u = x->utils;
  uint8_t *old_m = x->marks;
  x->ev = ev;
  x->opts = o;
  x->utils = u;
  x->marks = m;
  x->cap = cap;
  x->bytes[0] = cap * sizeof *ev;
  x->bytes[1] = cap * ni * sizeof *o;
  x->bytes[2] = cap * np * sizeof *u;
  x->bytes[3] = cap * ni;
  x->warm = 0;
  warm_up(x); /* before the copy writes the pages */
  if (x->n) {
    memcpy(ev, old_ev, x->n * sizeof *ev);
    memcpy(o, old_o, x->n * ni * sizeof *o);
    memcpy(u, old_u, x->n * np * sizeof *u);
    memcpy(m, old_m, x->n * ni);
  }
  for (size_t k = 0; k < x->n; k++) {
    if (ev[k].options) {
      ev[k].options = o + k * ni;
      ev[k].utilities = u + k * np;
    }
    if (ev[k].rejects) ev[k].rejects = m + k * ni;
  }
  pl__free(old_ev);
  pl__free(old_o);
  pl__free(old_u);
  pl__free(old_m);
  return PL_OK;
}

static int record(pl_session *x, pl_event_kind kind, int party,
                  const uint32_t *options, const uint8_t *rejects) {
  const size_t ni = (size_t)x->ni;
  /* options may point into the events' own array, which may move */
  ptrdiff_t inside = -1;
  if (options && x->opts && options >= x->opts &&
      options < x->opts + x->cap * ni)
    inside = options - x->opts;
  if (x->n == x->cap) {
    int rc = grow(x);
    if (rc) return rc;
    if (inside >= 0) options = x->opts + inside;
  }
  if (x->n >= x->warm) warm_up(x);
  pl_event *e = &x->ev[x->n];
  double t = x->t < 1 ? x->t : 1;
  *e = (pl_event){kind, x->round, party, t, NULL, NULL, NULL};
  if (options) {
    uint32_t *o = x->opts + x->n * ni;
    double *u = x->utils + x->n * (size_t)x->np;
    memcpy(o, options, ni * sizeof *o);
    if (inside >= 0) /* an earlier event's outcome: its utilities too */
      memcpy(u, x->utils + (size_t)inside / ni * (size_t)x->np,
             (size_t)x->np * sizeof *u);
    else
      for (int p = 0; p < x->np; p++) u[p] = pl_scenario_utility(x->s, p, o);
    e->options = o;
    e->utilities = u;
  }
  if (rejects) {
    memcpy(x->marks + x->n * ni, rejects, ni);
    e->rejects = x->marks + x->n * ni;
  }
  x->n++;
  if (kind != PL_EVENT_END) notify(x);
  if (kind == PL_EVENT_OFFER || kind == PL_EVENT_COMMENT) {
    if (x->latest && party >= 0) {
      memcpy(x->latest + (size_t)party * ni, options, ni * sizeof *x->latest);
      x->has_latest[party] = true;
    }
    for (int p = 0; p < x->np; p++) {
      int rc = pl__agent_observe(&x->agents[p], party, options);
      if (rc) return rc;
    }
  }
  return PL_OK;
}

static int finish(pl_session *x, pl_end end, const uint32_t *agreed) {
  x->end = end;
  if (end == PL_END_FAILURE && x->failed_party >= 0)
    snprintf(x->failure, sizeof x->failure, "party %s: %s",
             x->s->parties[x->failed_party].id,
             x->agents[x->failed_party].why[0]
                 ? x->agents[x->failed_party].why
                 : "its agent failed");
  int rc = record(x, PL_EVENT_END, -1, agreed, NULL);
  if (!rc && agreed) {
    const pl_event *e = &x->ev[x->n - 1];
    x->agreement = (pl_point){e->options, e->utilities};
  }
  if (!rc) notify(x);
  return rc ? rc : PL_SESSION_DONE;
}

/* A deadline passed (`end`): with options.partial, the articles every party
 * accepted are agreed when every party allows the partial text. saop: the
 * articles on which every party's latest offer agrees; text: those of the
 * draft nobody rejected since it was issued; mediated: those the votes
 * changed from the status quo. */
static int deadline(pl_session *x, pl_end end) {
  if (!x->o.partial) return finish(x, end, NULL);
  const int ni = x->ni;
  uint32_t *pt = x->partial;
  int agreed = 0;
  for (int i = 0; i < ni; i++) {
    uint32_t o = PL_NOT_AGREED;
    if (x->o.protocol == PL_PROTOCOL_TEXT) {
      if (x->has_offer && !x->rejected[i]) o = x->text[i];
    } else if (x->o.protocol == PL_PROTOCOL_MEDIATED) {
      if (x->started && x->text[i] != pl__status_quo(x->s, -1, i))
        o = x->text[i];
    } else {
      for (int p = 0; p < x->np; p++) {
        uint32_t v = x->has_latest[p] ? x->latest[(size_t)p * ni + i]
                                      : PL_NOT_AGREED;
        if (p == 0) o = v;
        else if (v != o) o = PL_NOT_AGREED;
      }
    }
    pt[i] = o;
    agreed += o != PL_NOT_AGREED;
  }
  if (!agreed) return finish(x, end, NULL);
  x->has_partial = true;
  x->n_blockers = 0;
  for (int p = 0; p < x->np; p++) {
    const pl_scenario *s = x->s;
    if (pl_scenario_utility(s, p, pt) <
        s->parties[p].reservation - PL_TOLERANCE)
      x->blockers[x->n_blockers++] = (pl_blocker){p, -1};
    for (int r = 0; r < s->n_red_lines; r++)
      if (s->red_lines[r].party == p && !pl_scenario_red_line_holds(s, r, pt))
        x->blockers[x->n_blockers++] = (pl_blocker){p, r};
  }
  return x->n_blockers ? finish(x, end, NULL) : finish(x, PL_END_PARTIAL, pt);
}

/* After a party's agent answered: a failed plug-in ends the negotiation,
 * and so does a walk-out; an outside agent that waits leaves the step to
 * be taken again (true for all three). */
static bool gone(pl_session *x, int p) {
  if (x->agents[p].waiting) return true;
  if (!x->agents[p].failed && !x->agents[p].walk_out) return false;
  x->failed_party = p;
  return true;
}

/* When an agent had no answer: an error, a wait, its failure or walk-out,
 * the time limit passing while it searched, or nothing it could propose. */
static int no_answer(pl_session *x, int p, int rc) {
  if (rc) return rc;
  if (x->agents[p].waiting) {
    x->agents[p].waiting = false;
    return PL_SESSION_WAITING;
  }
  if (gone(x, p))
    return finish(x, x->agents[p].failed ? PL_END_FAILURE : PL_END_WALKOUT,
                  NULL);
  if (x->agents[p].cut && x->o.time_limit > 0 && expired(x)) {
    x->t = 1;
    return deadline(x, PL_END_TIMEOUT);
  }
  x->failed_party = p;
  return finish(x, PL_END_NO_OFFER, NULL);
}

/* Moves to the next position; the deadline after the last round. */
static int next_turn(pl_session *x) {
  if (++x->turn == x->np) {
    x->turn = 0;
    if ((x->o.rounds > 0 && x->round >= x->o.rounds) || x->round == INT_MAX) {
      x->turn = x->np - 1; /* the end belongs to the last round */
      x->t = 1;
      return deadline(x, PL_END_DEADLINE);
    }
    x->round++;
  }
  return PL_SESSION_RUNNING;
}

/* The single negotiating text: position 0 is the drafter, who drafts or
 * revises the whole text; every other party in turn accepts it or comments
 * article by article (pl__agent_comment): the articles it rejects and the
 * options it wants there. The drafter revises by taking the wanted
 * options, commenter by commenter and article by article, that keep the
 * text acceptable to it and at or above its current target. Agreed when
 * every other party accepts one draft. */
static int step_text(pl_session *x) {
  const int d = x->o.drafter, ni = x->ni;
  const double t = x->t;
  int rc = PL_OK;
  if (x->turn == 0) {
    pl__agent *a = &x->agents[d];
    const uint32_t *mine;
    if (!pl__agent_propose(a, t, &mine, &rc)) return no_answer(x, d, rc);
    bool commented = false;
    for (int p = 0; p < x->np; p++) commented |= x->has_wanted[p];
    if (!commented) {
      memcpy(x->text, mine, (size_t)ni * sizeof *x->text);
    } else {
      const double floor_u = a->offer_u; /* what it asks for now */
      for (int p = 0; p < x->np; p++) {
        if (!x->has_wanted[p]) continue;
        const uint32_t *w = x->wanted + (size_t)p * ni;
        for (int i = 0; i < ni; i++) {
          if (w[i] == x->text[i]) continue;
          uint32_t keep = x->text[i];
          x->text[i] = w[i];
          if (!pl__agent_allows(a, x->text) ||
              pl_scenario_utility(x->s, d, x->text) < floor_u - PL_TOLERANCE)
            x->text[i] = keep;
        }
      }
      /* a text the drafter has ceased to allow gives way to its offer */
      if (!pl__agent_allows(a, x->text) ||
          pl_scenario_utility(x->s, d, x->text) < floor_u - PL_TOLERANCE)
        memcpy(x->text, mine, (size_t)ni * sizeof *x->text);
    }
    memset(x->has_wanted, 0, (size_t)x->np * sizeof *x->has_wanted);
    if (x->rejected) memset(x->rejected, 0, (size_t)ni);
    x->accepts = 0;
    x->has_offer = true;
    if ((rc = record(x, PL_EVENT_OFFER, d, x->text, NULL))) return rc;
    if (x->np == 1) return finish(x, PL_END_AGREEMENT, x->text);
    return next_turn(x);
  }
  const int p = x->turn - 1 + (x->turn - 1 >= d ? 1 : 0);
  pl__agent *a = &x->agents[p];
  bool yes = pl__agent_accepts(
      a, t, x->text, pl_scenario_utility(x->s, p, x->text), &rc);
  if (gone(x, p)) return no_answer(x, p, PL_OK);
  if (yes) {
    if ((rc = record(x, PL_EVENT_ACCEPT, p, x->text, NULL))) return rc;
    if (++x->accepts == x->np - 1) return finish(x, PL_END_AGREEMENT, x->text);
    return next_turn(x);
  }
  if (rc) return rc;
  uint32_t *w = x->wanted + (size_t)p * ni;
  uint8_t *rej = x->rej;
  if (!pl__agent_comment(a, t, x->text, w, rej, &rc))
    return no_answer(x, p, rc);
  x->has_wanted[p] = true;
  for (int i = 0; x->rejected && i < ni; i++) x->rejected[i] |= rej[i];
  if ((rc = record(x, PL_EVENT_COMMENT, p, w, rej))) return rc;
  return next_turn(x);
}

static bool all_allow(const pl_session *x, const uint32_t *text) {
  for (int q = 0; q < x->np; q++)
    if (!pl__agent_allows(&x->agents[q], text)) return false;
  return true;
}

/* The mediator-led text: at position 0 of each round the mediator proposes
 * the current text with one article changed at random (seeded); every
 * party in turn votes; the change stands when all vote for it. At the
 * deadline the text is the agreement if every party accepts it. */
static int step_mediated(pl_session *x) {
  const int ni = x->ni;
  int rc;
  uint32_t *cur = x->text, *prop = x->wanted; /* wanted[0..ni): proposal */
  if (!x->started) { /* the status quo, or else a random text */
    x->rng = x->o.seed ^ 0x5DEECE66Dull;
    for (int i = 0; i < ni; i++) {
      uint32_t sq = pl__status_quo(x->s, -1, i);
      cur[i] = sq != PL_NOT_AGREED
                   ? sq
                   : (uint32_t)(pl__splitmix64(&x->rng) % x->s->issues[i].n);
    }
    x->started = true;
  }
  if (x->turn == 0 && !x->proposed) {
    memcpy(prop, cur, (size_t)ni * sizeof *prop);
    int i = (int)(pl__splitmix64(&x->rng) % (uint64_t)ni);
    uint32_t n = x->s->issues[i].n;
    if (n > 1)
      prop[i] = (prop[i] + 1 + (uint32_t)(pl__splitmix64(&x->rng) % (n - 1))) % n;
    x->accepts = 0;
    x->proposed = true;
    if ((rc = record(x, PL_EVENT_OFFER, -1, prop, NULL))) return rc;
    /* the mediator's turn takes no party's place: the vote follows now */
  }
  const int p = x->turn;
  int yes = pl__agent_vote(&x->agents[p], x->t, cur, prop);
  if (yes < 0) return no_answer(x, p, PL_OK);
  if ((rc = record(x, yes ? PL_EVENT_ACCEPT : PL_EVENT_REJECT, p, prop, NULL)))
    return rc;
  x->accepts += yes;
  if (p == x->np - 1 && x->accepts == x->np)
    memcpy(cur, prop, (size_t)ni * sizeof *cur);
  if (++x->turn == x->np) {
    x->turn = 0;
    x->proposed = false;
    if ((x->o.rounds > 0 && x->round >= x->o.rounds) || x->round == INT_MAX) {
      x->turn = x->np - 1;
      x->t = 1;
      return all_allow(x, cur) ? finish(x, PL_END_AGREEMENT, cur)
                               : deadline(x, PL_END_DEADLINE);
    }
    x->round++;
  }
  return PL_SESSION_RUNNING;
}

static int step_saop(pl_session *x) {
  const int p = x->turn;
  const double t = x->t;
  pl__agent *a = &x->agents[p];
  int rc = PL_OK;
  const size_t at = x->n - 1 - (size_t)x->accepts; /* the standing offer */
  const uint32_t *standing =
      x->has_offer ? x->opts + at * (size_t)x->ni : NULL;
  bool yes = standing &&
             pl__agent_accepts(a, t, standing,
                               x->utils[at * (size_t)x->np + (size_t)p], &rc);
  if (gone(x, p)) return no_answer(x, p, PL_OK);
  if (yes) {
    if ((rc = record(x, PL_EVENT_ACCEPT, p, standing, NULL))) return rc;
    standing = x->opts + (x->n - 2 - (size_t)x->accepts) * (size_t)x->ni;
    if (++x->accepts == x->np - 1) return finish(x, PL_END_AGREEMENT, standing);
  } else {
    if (rc) return rc;
    const uint32_t *mine;
    if (!pl__agent_propose(a, t, &mine, &rc)) return no_answer(x, p, rc);
    if ((rc = record(x, PL_EVENT_OFFER, p, mine, NULL))) return rc;
    x->has_offer = true;
    x->accepts = 0;
    if (x->np == 1) return finish(x, PL_END_AGREEMENT, mine);
  }
  return next_turn(x);
}

int pl_session_step(pl_session *x) {
  if (x->end != PL_END_RUNNING) return PL_SESSION_DONE;
  if (x->n == 0) /* an outside agent that could not start */
    for (int p = 0; p < x->np; p++)
      if (x->agents[p].failed) {
        x->failed_party = p;
        return finish(x, PL_END_FAILURE, NULL);
      }
  x->t = clock_t_(x);
  if (x->hopeless >= 0) { /* nothing to negotiate: no search, no round */
    x->failed_party = x->hopeless;
    return finish(x, PL_END_NO_OFFER, NULL);
  }
  /* a turn records at most two events, the end one more */
  if (x->o.max_events && x->n + 3 > x->o.max_events)
    return deadline(x, PL_END_EVENT_LIMIT);
  if (x->o.time_limit > 0 && x->t >= 1) {
    x->t = 1;
    if (x->o.protocol == PL_PROTOCOL_MEDIATED && x->started &&
        all_allow(x, x->text))
      return finish(x, PL_END_AGREEMENT, x->text);
    return deadline(x, PL_END_TIMEOUT);
  }
  if (x->o.protocol == PL_PROTOCOL_TEXT) return step_text(x);
  if (x->o.protocol == PL_PROTOCOL_MEDIATED) return step_mediated(x);
  return step_saop(x);
}

int pl_session_run(pl_session *x) {
  int rc;
  while ((rc = pl_session_step(x)) == PL_SESSION_RUNNING) {
  }
  return rc;
}

pl_end pl_session_end(const pl_session *x) { return x->end; }
const pl_point *pl_session_agreement(const pl_session *x) {
  return x->end == PL_END_AGREEMENT || x->end == PL_END_PARTIAL
             ? &x->agreement
             : NULL;
}
int pl_session_rounds(const pl_session *x) { return x->round; }
double pl_session_time(const pl_session *x) {
  return x->n ? x->ev[x->n - 1].time : 0;
}

double pl_session_payoff(const pl_session *x, int p) {
  if (p < 0 || p >= x->np) return 0;
  const pl_point *agr = pl_session_agreement(x);
  double u = agr ? agr->utilities[p] : x->s->parties[p].reservation;
  double d = x->s->parties[p].discount;
  return d < 1 ? u * pow(d, pl_session_time(x)) : u;
}

const uint32_t *pl_session_partial_text(const pl_session *x) {
  return x->has_partial ? x->partial : NULL;
}

size_t pl_session_partial_blockers(const pl_session *x,
                                   const pl_blocker **out) {
  if (out) *out = x->blockers;
  return x->has_partial ? x->n_blockers : 0;
}

/* What blocked the partial text: [{"party", "red_line"}], null red_line
 * for a reservation value. */
static json_t *blockers_json(const pl_session *x) {
  json_t *arr = json_array();
  for (size_t k = 0; arr && k < pl_session_partial_blockers(x, NULL); k++) {
    const pl_blocker *b = &x->blockers[k];
    json_t *o = json_object();
    int bad = !o;
    bad |= json_object_set_new(o, "party",
                               json_string(x->s->parties[b->party].id));
    bad |= json_object_set_new(
        o, "red_line",
        b->red_line < 0 ? json_null()
                        : json_string(x->s->red_lines[b->red_line].id));
    if (bad) json_decref(o); /* append_new releases o itself */
    if (bad || json_array_append_new(arr, o)) {
      json_decref(arr);
      return NULL;
    }
  }
  return arr;
}
int pl_session_failed_party(const pl_session *x) { return x->failed_party; }
const char *pl_session_failure(const pl_session *x) {
  return x->end == PL_END_FAILURE ? x->failure : "";
}
size_t pl_session_message_count(const pl_session *x) { return x->n_msgs; }
const pl_message *pl_session_message(const pl_session *x, size_t i) {
  return i < x->n_msgs ? &x->msgs[i] : NULL;
}

uint64_t pl__session_work(const pl_session *x) {
  uint64_t w = 0;
  for (int p = 0; p < x->np; p++) w += x->agents[p].visited;
  return w;
}
void pl__session_no_move_limit(pl_session *x, int party) {
  x->agents[party].move_limit = 0;
}
size_t pl_session_event_count(const pl_session *x) { return x->n; }
const pl_event *pl_session_event(const pl_session *x, size_t i) {
  return i < x->n ? &x->ev[i] : NULL;
}

/* A byte string as base64 (RFC 4648), NUL-terminated; NULL when out of
 * memory. */
static char *base64(const char *p, size_t n) {
  static const char dig[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  char *out = pl__malloc((n + 2) / 3 * 4 + 1), *o = out;
  if (!out) return NULL;
  for (size_t k = 0; k < n; k += 3) {
    uint32_t v = (uint32_t)(unsigned char)p[k] << 16;
    if (k + 1 < n) v |= (uint32_t)(unsigned char)p[k + 1] << 8;
    if (k + 2 < n) v |= (unsigned char)p[k + 2];
    *o++ = dig[v >> 18];
    *o++ = dig[(v >> 12) & 63];
    *o++ = k + 1 < n ? dig[(v >> 6) & 63] : '=';
    *o++ = k + 2 < n ? dig[v & 63] : '=';
  }
  *o = 0;
  return out;
}

/* A message line of the transcript: the raw line as a JSON string, or, when
 * it is not UTF-8 (JSON strings cannot hold it), as base64. */
static json_t *message_json(const pl_session *x, const pl_message *m) {
  static const char *const dirs[] = {"to_agent", "from_agent", "stderr"};
  json_t *o = json_object();
  int bad = !o;
  bad |= json_object_set_new(o, "event", json_string("message"));
  bad |= json_object_set_new(o, "party",
                             json_string(x->s->parties[m->party].id));
  bad |= json_object_set_new(o, "dir", json_string(dirs[m->dir % 3]));
  bad |= json_object_set_new(o, "wall", json_real(m->wall));
  json_t *line = json_stringn(m->line, m->len);
  if (line) {
    bad |= json_object_set_new(o, "line", line);
  } else {
    char *b = base64(m->line, m->len);
    bad |= !b || json_object_set_new(o, "line_base64", json_string(b));
    pl__free(b);
  }
  if (bad) {
    json_decref(o);
    return NULL;
  }
  return o;
}

/* Appends the object as one line (and frees it); false when out of
 * memory. */
static bool put_line(char **out, size_t *len, size_t *cap, json_t *o) {
  char *line = o ? pl__json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER)
                 : NULL;
  json_decref(o);
  if (!line) return false;
  size_t n = strlen(line);
  if (*len + n + 2 > *cap) {
    size_t c = *cap;
    while (*len + n + 2 > c) c *= 2;
    char *b = pl__realloc(*out, c);
    if (!b) {
      free(line);
      return false;
    }
    *out = b;
    *cap = c;
  }
  memcpy(*out + *len, line, n);
  *len += n;
  (*out)[(*len)++] = '\n';
  (*out)[*len] = 0;
  free(line);
  return true;
}

/* One event of the transcript; NULL when out of memory. */
static json_t *event_json(const pl_session *x, const pl_event *e) {
  json_t *o = json_object();
  int bad = !o;
  bad |= json_object_set_new(o, "round", json_integer(e->round));
  bad |= json_object_set_new(o, "time", json_real(e->time));
  bad |= json_object_set_new(o, "event", json_string(pl_event_name(e->kind)));
  bad |= json_object_set_new(
      o, "party",
      e->party >= 0 ? json_string(x->s->parties[e->party].id) : json_null());
  if (e->kind == PL_EVENT_END)
    bad |= json_object_set_new(o, "reason", json_string(pl_end_name(x->end)));
  if (e->kind == PL_EVENT_END && x->end == PL_END_FAILURE && x->failure[0])
    bad |= json_object_set_new(o, "failure", json_string(x->failure));
  if (e->kind == PL_EVENT_END && x->has_partial && x->n_blockers) {
    bad |= json_object_set_new(o, "partial", pl__outcome_json(x->s, x->partial));
    bad |= json_object_set_new(o, "blocked_by", blockers_json(x));
  }
  if (e->rejects) {
    json_t *r = json_array();
    bad |= !r;
    for (int i = 0; r && i < x->ni; i++)
      if (e->rejects[i])
        bad |= json_array_append_new(r, json_string(x->s->issues[i].id));
    bad |= json_object_set_new(o, "rejects", r);
  }
  if (e->options) {
    json_t *oc = pl__outcome_json(x->s, e->options), *u = json_array();
    bad |= !oc || !u;
    for (int p = 0; u && p < x->np; p++)
      bad |= json_array_append_new(u, json_real(e->utilities[p]));
    bad |= json_object_set_new(o, "outcome", oc);
    bad |= json_object_set_new(o, "utilities", u);
  }
  if (bad) {
    json_decref(o);
    return NULL;
  }
  return o;
}

/* The run line: what pl_replay_open needs to run it again. */
static json_t *run_json(const pl_session *x) {
  const pl_session_options *o = &x->o;
  json_t *r = json_object(), *in = json_array(), *ag = json_array();
  int bad = !r || !in || !ag;
  for (size_t k = 0; in && k < o->n_inputs; k++)
    bad |= json_array_append_new(in, json_string(x->specs[(size_t)x->np + k]));
  for (int p = 0; ag && p < x->np; p++)
    bad |= json_array_append_new(ag, json_string(x->specs[p]));
  bad |= json_object_set_new(r, "event", json_string("run"));
  bad |= json_object_set_new(r, "version", json_integer(1));
  bad |= json_object_set_new(r, "inputs", in);
  bad |= json_object_set_new(r, "real_intervals", json_integer(o->real_intervals));
  bad |= json_object_set_new(r, "protocol", json_string(pl_protocol_name(o->protocol)));
  bad |= json_object_set_new(r, "drafter", json_string(x->s->parties[o->drafter].id));
  bad |= json_object_set_new(r, "rounds", json_integer(o->rounds));
  bad |= json_object_set_new(r, "time", json_real(o->time_limit));
  bad |= json_object_set_new(r, "seed", json_integer((json_int_t)o->seed));
  bad |= json_object_set_new(r, "partial", json_boolean(o->partial));
  bad |= json_object_set_new(r, "max_events", json_integer((json_int_t)o->max_events));
  bad |= json_object_set_new(r, "move_time", json_real(o->move_limit));
  bad |= json_object_set_new(r, "agent_time", json_real(o->agent_limit));
  bad |= json_object_set_new(r, "max_message", json_integer((json_int_t)o->max_message));
  bad |= json_object_set_new(r, "agents", ag);
  if (bad) {
    json_decref(r);
    return NULL;
  }
  return r;
}

/* One event as its transcript line (records sign exactly this text). */
char *pl__session_event_line(const pl_session *x, size_t k) {
  json_t *o = event_json(x, &x->ev[k]);
  char *line = o ? pl__json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER)
                 : NULL;
  json_decref(o);
  return line;
}

char *pl_session_transcript(const pl_session *x) {
  size_t cap = 4096, len = 0, m = 0;
  char *out = pl__malloc(cap);
  if (!out) return NULL;
  out[0] = 0;
  bool ok = !x->n_msgs || put_line(&out, &len, &cap, run_json(x));
  for (size_t k = 0; ok && k <= x->n; k++) {
    /* the messages logged before event k (after the last, the rest) */
    for (; ok && m < x->n_msgs && (x->msgs[m].event <= k || k == x->n); m++)
      ok = put_line(&out, &len, &cap, message_json(x, &x->msgs[m]));
    if (ok && k < x->n) ok = put_line(&out, &len, &cap, event_json(x, &x->ev[k]));
  }
  if (!ok) {
    pl__free(out);
    return NULL;
  }
  return out;
}

static double distance(const double *a, const double *b, int np) {
  double d = 0;
  for (int p = 0; p < np; p++) d += (a[p] - b[p]) * (a[p] - b[p]);
  return sqrt(d);
}

double pl_session_distance_to_pareto(const pl_session *x,
                                     const pl_analysis *a) {
  const pl_point *agr = pl_session_agreement(x);
  double best = -1;
  for (size_t k = 0; agr && a && k < pl_analysis_pareto_count(a); k++) {
    double d = distance(agr->utilities, pl_analysis_pareto(a, k)->utilities,
                        x->np);
    if (best < 0 || d < best) best = d;
  }
  return best;
}

double pl_session_distance_to_nash(const pl_session *x, const pl_analysis *a) {
  const pl_point *agr = pl_session_agreement(x);
  const pl_point *nash = a ? pl_analysis_solution(a, PL_SOLUTION_NASH) : NULL;
  return agr && nash ? distance(agr->utilities, nash->utilities, x->np) : -1;
}

char *pl_session_to_json(const pl_session *x, const pl_analysis *a) {
  json_t *root = json_object();
  int bad = !root;
  const pl_point *agr = pl_session_agreement(x);
  if (agr) {
    json_t *g = json_object(), *oc = pl__outcome_json(x->s, agr->options),
           *u = json_array();
    bad |= !g || !oc || !u;
    for (int p = 0; u && p < x->np; p++)
      bad |= json_array_append_new(u, json_real(agr->utilities[p]));
    bad |= json_object_set_new(g, "outcome", oc);
    bad |= json_object_set_new(g, "utilities", u);
    bad |= json_object_set_new(root, "agreement", g);
  } else {
    bad |= json_object_set_new(root, "agreement", json_null());
  }
  bad |= json_object_set_new(root, "rounds", json_integer(x->round));
  bad |= json_object_set_new(root, "ended_by",
                             json_string(pl_end_name(x->end)));
  bad |= json_object_set_new(root, "time", json_real(pl_session_time(x)));
  json_t *pay = json_array();
  bad |= !pay;
  for (int p = 0; pay && p < x->np; p++)
    bad |= json_array_append_new(pay, json_real(pl_session_payoff(x, p)));
  bad |= json_object_set_new(root, "payoffs", pay);
  if (x->failed_party >= 0)
    bad |= json_object_set_new(root,
                               x->end == PL_END_WALKOUT    ? "walked_out"
                               : x->end == PL_END_NO_OFFER ? "no_offer"
                                                           : "failed",
                               json_string(x->s->parties[x->failed_party].id));
  if (x->end == PL_END_FAILURE && x->failure[0])
    bad |= json_object_set_new(root, "failure", json_string(x->failure));
  if (x->has_partial && x->n_blockers) {
    json_t *pt = json_object();
    bad |= !pt;
    bad |= json_object_set_new(pt, "outcome", pl__outcome_json(x->s, x->partial));
    bad |= json_object_set_new(pt, "blocked_by", blockers_json(x));
    bad |= json_object_set_new(root, "partial_blocked", pt);
  }
  double dp = pl_session_distance_to_pareto(x, a);
  double dn = pl_session_distance_to_nash(x, a);
  bad |= json_object_set_new(root, "distance_to_pareto",
                             dp < 0 ? json_null() : json_real(dp));
  bad |= json_object_set_new(root, "distance_to_nash",
                             dn < 0 ? json_null() : json_real(dn));
  char *text = bad ? NULL
                   : pl__json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
  json_decref(root);
  return text;
}
