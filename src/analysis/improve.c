/* Can a deal be improved: the Pareto improvements over a package
 * (docs/mediation.md; Raiffa, "The Art and Science of Negotiation", 1982,
 * ch. 14, post-settlement settlements).
 *
 * Every improvement is weakly dominated by a point of the feasible Pareto
 * frontier that dominates the package too, so the best improvements (the
 * max-min and the max Nash product of gains among them) are frontier
 * points: the frontier comes from pl_analyze, by enumeration or, for
 * additive scenarios of any size, structurally. Improvements are counted by
 * one more enumeration when the outcomes are few enough. */
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "analysis/analysis_internal.h"
#include "analysis/mediation_internal.h"
#include "io/formats.h"

#define DEFAULT_COUNT_LIMIT 10000000ull

void pl_improve_options_init(pl_improve_options *o) {
  memset(o, 0, sizeof *o);
  o->struct_size = sizeof *o;
  o->max_outcomes = (uint64_t)1 << 32;
  o->count_limit = DEFAULT_COUNT_LIMIT;
  o->memory_limit = (uint64_t)16 << 30;
}

/* ------------------------------------------------------------------ */
/* packages                                                            */
/* ------------------------------------------------------------------ */

int pl_package_parse(const pl_scenario *s, const char *text, const char *name,
                     uint32_t *options, pl_error *err) {
  if (!s || !s->finished)
    return pl__err(err, PL_EINVAL, "the scenario is not finished");
  const int ni = s->n_issues;
  bool sq = s->status_quo != NULL;
  for (int i = 0; i < ni; i++)
    options[i] = sq ? s->status_quo[i] : PL_NOT_AGREED;
  if (!strcmp(text, "status_quo")) {
    if (!sq)
      return pl__err_at(err, PL_EPARSE, name, 1, 1,
                        "scenario \"%s\" has no status quo", s->id);
    return PL_OK;
  }
  bool *named = pl__calloc((size_t)ni + 1, sizeof *named);
  if (!named) return pl__err(err, PL_ENOMEM, "out of memory");
  int rc = PL_OK;
  const char *at = text;
  char issue[256], option[256];
  while (!rc) {
    while (*at == ' ') at++;
    int col = (int)(at - text) + 1;
    const char *eq = strchr(at, '='), *end = strchr(at, ',');
    if (!end) end = at + strlen(at);
    if (!eq || eq > end) {
      rc = pl__err_at(err, PL_EPARSE, name, 1, col,
                      "expected issue=option, got \"%.*s\"", (int)(end - at),
                      at);
      break;
    }
    size_t li = (size_t)(eq - at), lo = (size_t)(end - eq - 1);
    while (li > 0 && at[li - 1] == ' ') li--;
    while (lo > 0 && eq[lo] == ' ') lo--;
    const char *os = eq + 1;
    while (lo > 0 && *os == ' ') {
      os++;
      lo--;
    }
    if (li >= sizeof issue || lo >= sizeof option) {
      rc = pl__err_at(err, PL_EPARSE, name, 1, col, "name too long");
      break;
    }
    memcpy(issue, at, li);
    issue[li] = 0;
    memcpy(option, os, lo);
    option[lo] = 0;
    int i = pl_scenario_find_issue(s, issue);
    if (i < 0) {
      rc = pl__err_at(err, PL_EPARSE, name, 1, col, "unknown issue \"%s\"",
                      issue);
      break;
    }
    if (named[i]) {
      rc = pl__err_at(err, PL_EPARSE, name, 1, col,
                      "issue \"%s\" is named twice", issue);
      break;
    }
    int64_t o = pl_scenario_find_option(s, i, option);
    if (o < 0) {
      rc = pl__err_at(err, PL_EPARSE, name, 1, (int)(os - text) + 1,
                      "issue \"%s\" has no option \"%s\"", issue, option);
      break;
    }
    named[i] = true;
    options[i] = (uint32_t)o;
    if (!*end) break;
    at = end + 1;
  }
  for (int i = 0; i < ni && !rc; i++)
    if (options[i] == PL_NOT_AGREED)
      rc = pl__err_at(err, PL_EPARSE, name, 1, (int)strlen(text) + 1,
                      "the package names no option for issue \"%s\" (and the "
                      "scenario has no status quo to take it from)",
                      s->issues[i].id);
  pl__free(named);
  return rc;
}

/* Transcripts are at most this large (docs/negotiation.md limits runs to
 * 10^6 events by default). */
#define TRANSCRIPT_LIMIT ((size_t)1 << 30)

int pl_package_from_transcript(const pl_scenario *s, const char *path,
                               uint32_t *options, pl_error *err) {
  if (!s || !s->finished)
    return pl__err(err, PL_EINVAL, "the scenario is not finished");
  char *data;
  size_t len;
  int rc = pl__read_file(path, TRANSCRIPT_LIMIT, &data, &len, err);
  if (rc) return rc;
  /* the last non-empty line */
  size_t end = len;
  while (end > 0 && (data[end - 1] == '\n' || data[end - 1] == '\r')) end--;
  size_t start = end;
  while (start > 0 && data[start - 1] != '\n') start--;
  int line = 1;
  for (size_t k = 0; k < start; k++) line += data[k] == '\n';
  json_error_t je;
  json_t *ev = end > start ? json_loadb(data + start, end - start, 0, &je)
                           : NULL;
  pl__free(data);
  const char *kind = ev ? json_string_value(json_object_get(ev, "event")) : NULL;
  const char *reason =
      ev ? json_string_value(json_object_get(ev, "reason")) : NULL;
  json_t *out = ev ? json_object_get(ev, "outcome") : NULL;
  if (!kind || strcmp(kind, "end"))
    rc = pl__err_at(err, PL_EPARSE, path, line, 1,
                    "not a finished negotiation's transcript: its last line "
                    "is not an \"end\" event");
  else if (!reason || strcmp(reason, "agreement") || !json_is_object(out))
    rc = pl__err_at(err, PL_EPARSE, path, line, 1,
                    "the negotiation ended without agreement (%s)",
                    reason ? reason : "no reason given");
  for (int i = 0; !rc && i < s->n_issues; i++)
    options[i] = s->status_quo ? s->status_quo[i] : PL_NOT_AGREED;
  const char *key;
  json_t *val;
  if (!rc)
    json_object_foreach(out, key, val) {
      int i = pl_scenario_find_issue(s, key);
      if (i < 0) {
        rc = pl__err_at(err, PL_EPARSE, path, line, 1,
                        "the agreement names unknown issue \"%s\"", key);
        break;
      }
      int64_t o = -1;
      if (json_is_string(val)) {
        o = pl_scenario_find_option(s, i, json_string_value(val));
      } else if (json_is_number(val) && s->issues[i].num) {
        double x = json_number_value(val);
        for (uint32_t c = 0; c < s->issues[i].n && o < 0; c++)
          if (fabs(s->issues[i].num[c] - x) <= 1e-9 * (1 + fabs(x))) o = c;
      } else if (json_is_null(val)) {
        continue; /* not agreed: the status quo */
      }
      if (o < 0) {
        rc = pl__err_at(err, PL_EPARSE, path, line, 1,
                        "the agreement gives issue \"%s\" an option it does "
                        "not have",
                        key);
        break;
      }
      options[i] = (uint32_t)o;
    }
  for (int i = 0; !rc && i < s->n_issues; i++)
    if (options[i] == PL_NOT_AGREED)
      rc = pl__err_at(err, PL_EPARSE, path, line, 1,
                      "the agreement leaves issue \"%s\" out, and the "
                      "scenario has no status quo to take it from",
                      s->issues[i].id);
  json_decref(ev);
  return rc;
}

/* ------------------------------------------------------------------ */
/* the result                                                          */
/* ------------------------------------------------------------------ */

struct pl_improve {
  const pl_scenario *s;
  pl_analysis *a;
  int np, ni;
  uint32_t *from_opts;
  double *from_u;
  pl_point from;
  bool from_feasible;
  uint64_t count;
  size_t n_best;
  const pl_point **best;
  const pl_point *max_min, *max_nash;
};

void pl_improve_free(pl_improve *x) {
  if (!x) return;
  pl_analysis_free(x->a);
  pl__free(x->from_opts);
  pl__free(x->from_u);
  pl__free(x->best);
  pl__free(x);
}

/* u is at least v for every party (within PL_TOLERANCE), above for one. */
static bool improves(const double *u, const double *v, int np) {
  bool strict = false;
  for (int p = 0; p < np; p++) {
    if (u[p] < v[p] - PL_TOLERANCE) return false;
    if (u[p] > v[p] + PL_TOLERANCE) strict = true;
  }
  return strict;
}

typedef struct counter {
  const double *from;
  int np;
  uint64_t n;
} counter;

static int count_visit(void *ctx, uint64_t index, const double *u,
                       uint64_t mask) {
  counter *c = ctx;
  (void)index;
  if (!mask && improves(u, c->from, c->np)) c->n++;
  return PL_OK;
}

static int count_all(pl_improve *x, const pl_improve_options *o) {
  pl__constraints cons;
  int rc = pl__constraints_init(&cons, x->s);
  if (rc) return rc;
  pl__problem pb;
  rc = pl__problem_init(&pb, x->s, &cons, NULL);
  if (!rc) {
    pl__acc acc;
    counter c = {x->from_u, x->np, 0};
    pl__acc_init(&acc, x->np, o->memory_limit);
    acc.visit = count_visit;
    acc.visit_ctx = &c;
    acc.skip_masks = true;
    rc = pl__enumerate(&pb, &acc);
    pl__acc_free(&acc);
    pl__problem_free(&pb);
    if (!rc) x->count = c.n;
  }
  pl__constraints_free(&cons);
  return rc;
}

int pl_improve_compute(const pl_scenario *s, const uint32_t *from,
                       const pl_improve_options *opts, pl_improve **out,
                       pl_error *err) {
  pl_improve_options o;
  pl_improve_options_init(&o);
  PL__OPTIONS_COPY(&o, opts);
  *out = NULL;
  if (!s || !s->finished)
    return pl__err(err, PL_EINVAL, "the scenario is not finished");
  for (int i = 0; i < s->n_issues; i++)
    if (from[i] >= s->issues[i].n)
      return pl__err(err, PL_EINVAL, "issue \"%s\" has no option %u",
                     s->issues[i].id, from[i]);
  pl_improve *x = pl__calloc(1, sizeof *x);
  if (!x) return pl__err(err, PL_ENOMEM, "out of memory");
  x->s = s;
  x->np = s->n_parties;
  x->ni = s->n_issues;
  x->count = UINT64_MAX;
  x->from_opts = pl__malloc(((size_t)x->ni + 1) * sizeof *x->from_opts);
  x->from_u = pl__malloc(((size_t)x->np + 1) * sizeof *x->from_u);
  if (!x->from_opts || !x->from_u) {
    pl_improve_free(x);
    return pl__err(err, PL_ENOMEM, "out of memory");
  }
  memcpy(x->from_opts, from, (size_t)x->ni * sizeof *from);
  x->from_feasible = true;
  for (int p = 0; p < x->np; p++) {
    x->from_u[p] = pl_scenario_utility(s, p, from);
    if (x->from_u[p] < s->parties[p].reservation - PL_TOLERANCE)
      x->from_feasible = false;
  }
  for (int r = 0; r < s->n_red_lines; r++)
    if (!s->red_lines[r].linkage && !pl__expr_eval(s->red_lines[r].rule, from))
      x->from_feasible = false;
  x->from = (pl_point){x->from_opts, x->from_u};
  pl_analysis_options ao;
  pl_analysis_options_init(&ao);
  ao.max_outcomes = o.max_outcomes;
  ao.memory_limit = o.memory_limit;
  int rc = pl__analyze(s, &ao, false, &x->a, err);
  if (rc) {
    pl_improve_free(x);
    return rc;
  }
  size_t nf = pl_analysis_pareto_count(x->a);
  x->best = pl__malloc((nf ? nf : 1) * sizeof *x->best);
  if (!x->best) {
    pl_improve_free(x);
    return pl__err(err, PL_ENOMEM, "out of memory");
  }
  double best_min = -INFINITY, best_prod = -INFINITY, sum_min = 0,
         sum_prod = 0;
  for (size_t k = 0; k < nf; k++) {
    const pl_point *pt = pl_analysis_pareto(x->a, k);
    if (!improves(pt->utilities, x->from_u, x->np)) continue;
    x->best[x->n_best++] = pt;
    double mn = INFINITY, prod = 1, sum = 0;
    for (int p = 0; p < x->np; p++) {
      double g = pt->utilities[p] - x->from_u[p];
      if (g < 0) g = 0;
      if (g < mn) mn = g;
      prod *= g;
      sum += g;
    }
    if (!x->max_min || mn > best_min + PL_TOLERANCE ||
        (mn >= best_min - PL_TOLERANCE && sum > sum_min + PL_TOLERANCE)) {
      x->max_min = pt;
      best_min = mn;
      sum_min = sum;
    }
    double eps = PL_TOLERANCE * (best_prod > 0 ? best_prod : 0);
    if (!x->max_nash || prod > best_prod + eps ||
        (prod >= best_prod - eps && sum > sum_prod + PL_TOLERANCE)) {
      x->max_nash = pt;
      best_prod = prod;
      sum_prod = sum;
    }
  }
  uint64_t n;
  if (pl_scenario_outcome_count(s, &n) == PL_OK && n <= o.count_limit &&
      n <= o.max_outcomes && (rc = count_all(x, &o))) {
    pl_improve_free(x);
    return pl__err(err, rc, "%s", pl_strerror(rc));
  }
  *out = x;
  return PL_OK;
}

const pl_point *pl_improve_from(const pl_improve *x) { return &x->from; }
int pl_improve_from_feasible(const pl_improve *x) { return x->from_feasible; }
int pl_improve_efficient(const pl_improve *x) { return x->n_best == 0; }
uint64_t pl_improve_count(const pl_improve *x) { return x->count; }
size_t pl_improve_best_count(const pl_improve *x) { return x->n_best; }
const pl_point *pl_improve_best(const pl_improve *x, size_t i) {
  return i < x->n_best ? x->best[i] : NULL;
}
const pl_point *pl_improve_max_min(const pl_improve *x) { return x->max_min; }
const pl_point *pl_improve_max_nash(const pl_improve *x) {
  return x->max_nash;
}
const pl_scenario *pl__improve_scenario(const pl_improve *x) { return x->s; }

/* ------------------------------------------------------------------ */
/* trades in words                                                     */
/* ------------------------------------------------------------------ */

typedef struct text {
  char *buf;
  size_t len, cap;
  bool nomem;
} text;

PL__PRINTF(2, 3) static void add(text *t, const char *fmt, ...) {
  va_list ap;
  for (;;) {
    va_start(ap, fmt);
    int n = t->nomem ? 0 : vsnprintf(t->buf ? t->buf + t->len : NULL,
                                     t->buf ? t->cap - t->len : 0, fmt, ap);
    va_end(ap);
    if (t->nomem || n < 0) return;
    if (t->buf && t->len + (size_t)n < t->cap) {
      t->len += (size_t)n;
      return;
    }
    size_t cap = (t->cap ? t->cap * 2 : 256) + (size_t)n;
    char *b = pl__realloc(t->buf, cap);
    if (!b) {
      t->nomem = true;
      return;
    }
    t->buf = b;
    t->cap = cap;
  }
}

char *pl_improve_trades(const pl_improve *x, const pl_point *to) {
  const pl_scenario *s = x->s;
  const int np = x->np;
  text t = {0};
  add(&t, "%s", "");
  int moved = 0;
  for (int i = 0; i < x->ni; i++) {
    uint32_t a = x->from_opts[i], b = to->options[i];
    if (a == b) continue;
    /* the party that loses most on this issue makes the move */
    int who = -1;
    double worst = -PL_TOLERANCE;
    for (int p = 0; p < np; p++) {
      if (s->parties[p].hyper) continue;
      double d = s->table[i][(size_t)b * np + p] - s->table[i][(size_t)a * np + p];
      if (d < worst) {
        worst = d;
        who = p;
      }
    }
    if (who >= 0)
      add(&t, "%s%s moves %s from %s to %s", moved ? "; " : "",
          s->parties[who].id, s->issues[i].id, s->issues[i].opt_id[a],
          s->issues[i].opt_id[b]);
    else /* nobody loses on it */
      add(&t, "%s%s goes from %s to %s", moved ? "; " : "", s->issues[i].id,
          s->issues[i].opt_id[a], s->issues[i].opt_id[b]);
    moved++;
  }
  add(&t, ":");
  for (int p = 0; p < np; p++) {
    double g = to->utilities[p] - x->from_u[p];
    if (fabs(g) < 5e-5) g = 0;
    add(&t, "%s %s %+.4f", p ? "," : "", s->parties[p].id, g);
  }
  if (t.nomem) {
    pl__free(t.buf);
    return NULL;
  }
  return t.buf;
}
