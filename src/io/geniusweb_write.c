/* GeniusWeb JSON writer: a scenario -> a domain file and one profile file
 * per party (the format: geniusweb_read.c). */
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json_text.h"
#include "io/formats.h"
#include "model/scenario_internal.h"

#include "io/geniusweb_internal.h"

/* ------------------------------------------------------------------ */
/* writer                                                              */
/* ------------------------------------------------------------------ */

/* How a numeric issue is written: as a GeniusWeb range when every party's
 * values are GeniusWeb's interpolation of its end values bit for bit, else
 * as discrete values named by the numbers (same options, same utilities). */
static bool range_fits(const pl_scenario *s, int i) {
  const pl__issue *is = &s->issues[i];
  if (is->kind == PL_ISSUE_DISCRETE || is->n < 2 || !(is->max > is->min))
    return false;
  if (is->kind == PL_ISSUE_REAL && (is->num[0] != is->min ||
                                    is->num[is->n - 1] != is->max))
    return false;
  for (int p = 0; p < s->n_parties; p++) {
    gw_numutil f = {is->min, pl_scenario_value(s, p, i, 0), is->max,
                    pl_scenario_value(s, p, i, is->n - 1)};
    for (uint32_t k = 0; k < is->n; k++)
      if (pl__gw_interp(&f, is->num[k]) != pl_scenario_value(s, p, i, k))
        return false;
  }
  return true;
}

static bool valid_utf8(const char *s) {
  const unsigned char *u = (const unsigned char *)s;
  while (*u) {
    int n = *u < 0x80 ? 0 : (*u & 0xE0) == 0xC0 ? 1
                            : (*u & 0xF0) == 0xE0 ? 2
                            : (*u & 0xF8) == 0xF0 ? 3
                                                  : -1;
    if (n < 0) return false;
    u++;
    for (int k = 0; k < n; k++, u++)
      if ((*u & 0xC0) != 0x80) return false;
  }
  return true;
}

/* A name that is a file name of its own in the folder, and that the
 * folder reader lists (it skips hidden files). */
static bool file_name_ok(const char *id) {
  return id[0] && id[0] != '.' && !strchr(id, '/') && strlen(id) < 200;
}

/* Rewrites the reals of a document jansson printed with 17 digits in the
 * fewest digits that read back as the same double. New string (pl__free). */
static char *shorten_reals(const char *t) {
  size_t len = strlen(t);
  char *o = pl__malloc(len + 1);
  if (!o) return NULL;
  size_t w = 0;
  for (size_t p = 0; p < len;) {
    if (t[p] == '"') {
      size_t e = pl__gw_skip_string(t, len, p);
      memcpy(o + w, t + p, e - p);
      w += e - p;
      p = e;
      continue;
    }
    if (t[p] == '-' || (t[p] >= '0' && t[p] <= '9')) {
      size_t e = p;
      bool real = false;
      while (e < len && strchr("0123456789+-.eE", t[e])) {
        real |= t[e] == '.' || t[e] == 'e' || t[e] == 'E';
        e++;
      }
      char num[64];
      if (real && e - p < sizeof num) {
        memcpy(num, t + p, e - p);
        num[e - p] = 0;
        double v = strtod(num, NULL);
        char best[64];
        for (int prec = 1; prec <= 17; prec++) {
          snprintf(best, sizeof best, "%.*g", prec, v);
          if (strtod(best, NULL) == v) break;
        }
        if (!strpbrk(best, ".eEn")) strcat(best, ".0"); /* stays a real */
        size_t bl = strlen(best);
        if (bl <= e - p) { /* never longer than jansson's */
          memcpy(o + w, best, bl);
          w += bl;
          p = e;
          continue;
        }
      }
      memcpy(o + w, t + p, e - p);
      w += e - p;
      p = e;
      continue;
    }
    o[w++] = t[p++];
  }
  o[w] = 0;
  return o;
}

typedef struct wfile {
  char *path;
  char *text;
} wfile;

static int unsupported(pl_error *err, const char *dir, const char *fmt, ...)
    PL__PRINTF(3, 4);
static int unsupported(pl_error *err, const char *dir, const char *fmt, ...) {
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  return pl__err_at(err, PL_EUNSUPPORTED, dir, 0, 0,
                    "GeniusWeb cannot express %s", msg);
}

/* What GeniusWeb cannot express, or PL_OK. */
static int check_writable(const pl_scenario *s, const char *dir,
                          pl_error *err) {
  const int np = s->n_parties, ni = s->n_issues;
  if (s->n_red_lines) {
    const pl__red_line *r = &s->red_lines[0];
    return unsupported(err, dir,
                       "red lines: party \"%s\" has %s \"%s\"%s; write the "
                       "scenario as YAML, or drop its red lines",
                       s->parties[r->party].id,
                       r->linkage ? "the linkage" : "the red line", r->id,
                       s->n_red_lines > 1 ? " (and there are more)" : "");
  }
  if (s->status_quo)
    return unsupported(err, dir, "a status quo (the scenario has one)");
  for (int p = 0; p < np; p++) {
    const pl__party *pa = &s->parties[p];
    if (pa->reservation_cost_set)
      return unsupported(err, dir,
                         "concession costs (party \"%s\" has a "
                         "reservation_cost)",
                         pa->id);
    if (pa->status_quo)
      return unsupported(err, dir, "a status quo (party \"%s\" has one)",
                         pa->id);
    if (pa->hyper)
      return unsupported(err, dir,
                         "non-linear utilities: party \"%s\" uses "
                         "hyper-rectangles",
                         pa->id);
    if (pa->discount != 1)
      return unsupported(err, dir,
                         "discount factors: party \"%s\" has %s", pa->id,
                         pl__gw_num(pa->discount).s);
    if (!pa->reservation_outcome && pa->reservation != 0)
      return unsupported(err, dir,
                         "a reservation value without a reservation bid: "
                         "party \"%s\" has reservation value %s and no "
                         "reservation outcome",
                         pa->id, pl__gw_num(pa->reservation).s);
    double sum = 0;
    for (int i = 0; i < ni; i++) {
      sum += pl_scenario_weight(s, p, i);
      for (uint32_t k = 0; k < s->issues[i].n; k++) {
        double v = pl_scenario_value(s, p, i, k);
        if (!(v >= 0 && v <= 1))
          return unsupported(err, dir,
                             "utilities outside [0,1]: party \"%s\" values "
                             "option \"%s\" of issue \"%s\" at %s",
                             pa->id, s->issues[i].opt_id[k], s->issues[i].id,
                             pl__gw_num(v).s);
      }
    }
    if (fabs(sum - 1) > 1e-6)
      return unsupported(err, dir,
                         "weights that do not add up to 1: those of party "
                         "\"%s\" add up to %s",
                         pa->id, pl__gw_num(sum).s);
  }
  if (!file_name_ok(s->id) || !valid_utf8(s->id))
    return unsupported(err, dir,
                       "the scenario id \"%s\" as a file name (it names the "
                       "domain file)",
                       s->id);
  for (int p = 0; p < np; p++) {
    const char *id = s->parties[p].id;
    if (!file_name_ok(id) || !valid_utf8(id) || !valid_utf8(s->parties[p].name))
      return unsupported(err, dir,
                         "the party id \"%s\" as a file name (it names the "
                         "party's profile)",
                         id);
    if (!strcmp(id, s->id))
      return unsupported(err, dir,
                         "party \"%s\" next to a scenario of the same id: "
                         "both would be \"%s.json\"",
                         id, id);
  }
  for (int i = 0; i < ni; i++) {
    if (!valid_utf8(s->issues[i].id))
      return unsupported(err, dir, "issue id \"%s\" (not UTF-8)",
                         s->issues[i].id);
    for (uint32_t k = 0; k < s->issues[i].n; k++)
      if (!valid_utf8(s->issues[i].opt_id[k]))
        return unsupported(err, dir, "option id \"%s\" (not UTF-8)",
                           s->issues[i].opt_id[k]);
  }
  return PL_OK;
}

/* The JSON value of an option in a bid or a value list. */
static json_t *option_json(const pl_scenario *s, int i, uint32_t k,
                           bool range) {
  const pl__issue *is = &s->issues[i];
  if (!range) return json_string(is->opt_id[k]);
  if (is->kind == PL_ISSUE_INTEGER) return json_integer((json_int_t)is->num[k]);
  return json_real(is->num[k]);
}

static json_t *number_json(const pl__issue *is, double v) {
  return is->kind == PL_ISSUE_INTEGER ? json_integer((json_int_t)v)
                                      : json_real(v);
}

/* Sets obj[key] = v (stolen); false when v is NULL or out of memory. */
static bool put(json_t *obj, const char *key, json_t *v) {
  return v && json_object_set_new(obj, key, v) == 0;
}

static json_t *domain_json(const pl_scenario *s, const bool *range) {
  json_t *d = json_object(), *iv = NULL;
  bool ok = d && put(d, "name", json_string(s->id)) &&
            put(d, "issuesValues", iv = json_object());
  for (int i = 0; ok && i < s->n_issues; i++) {
    const pl__issue *is = &s->issues[i];
    json_t *vs = NULL, *r = NULL, *a = NULL;
    ok = put(iv, is->id, vs = json_object());
    if (ok && range[i]) {
      ok = put(vs, "range", r = json_object()) &&
           put(r, "low", number_json(is, is->min)) &&
           put(r, "high", number_json(is, is->max)) &&
           put(r, "step", number_json(is, is->step));
    } else if (ok) {
      ok = put(vs, "values", a = json_array());
      for (uint32_t k = 0; ok && k < is->n; k++)
        ok = json_array_append_new(a, option_json(s, i, k, false)) == 0;
    }
  }
  if (!ok) {
    json_decref(d);
    return NULL;
  }
  return d;
}

static json_t *profile_json(const pl_scenario *s, int p, const bool *range,
                            json_t *domain) {
  const pl__party *pa = &s->parties[p];
  /* put() consumes its value even when it fails, and && stops at the first
   * failure, so nothing is used after it was freed */
  json_t *root = json_object(), *las = NULL, *iu = NULL, *iw = NULL;
  bool ok = root && put(root, "LinearAdditiveUtilitySpace", las = json_object()) &&
            put(las, "issueUtilities", iu = json_object()) &&
            put(las, "issueWeights", iw = json_object());
  for (int i = 0; ok && i < s->n_issues; i++) {
    const pl__issue *is = &s->issues[i];
    json_t *u = NULL, *body = NULL;
    ok = put(iu, is->id, u = json_object()) &&
         put(u, range[i] ? "NumberValueSetUtilities" : "DiscreteValueSetUtilities",
             body = json_object());
    if (!ok) break;
    if (range[i]) {
      ok = put(body, "lowValue", number_json(is, is->min)) &&
           put(body, "lowUtility", json_real(pl_scenario_value(s, p, i, 0))) &&
           put(body, "highValue", number_json(is, is->max)) &&
           put(body, "highUtility",
               json_real(pl_scenario_value(s, p, i, is->n - 1)));
    } else {
      json_t *vu = NULL;
      ok = put(body, "valueUtilities", vu = json_object());
      for (uint32_t k = 0; ok && k < is->n; k++)
        ok = put(vu, is->opt_id[k], json_real(pl_scenario_value(s, p, i, k)));
    }
    if (ok) ok = put(iw, is->id, json_real(pl_scenario_weight(s, p, i)));
  }
  if (ok) ok = json_object_set(las, "domain", domain) == 0;
  if (ok) ok = put(las, "name", json_string(pa->name));
  if (ok && pa->reservation_outcome) {
    json_t *rb = NULL, *iv = NULL;
    ok = put(las, "reservationBid", rb = json_object()) &&
         put(rb, "issuevalues", iv = json_object());
    for (int i = 0; ok && i < s->n_issues; i++)
      ok = put(iv, s->issues[i].id,
               option_json(s, i, pa->reservation_outcome[i], range[i]));
  }
  if (!ok) {
    json_decref(root);
    return NULL;
  }
  return root;
}

/* The document as text, reals in their shortest exact form, a final
 * newline. */
static char *dump(json_t *j) {
  char *t = pl__json_dumps(j, JSON_INDENT(2));
  if (!t) return NULL;
  char *s = shorten_reals(t);
  free(t);
  if (!s) return NULL;
  size_t n = strlen(s);
  char *r = pl__realloc(s, n + 2);
  if (!r) {
    pl__free(s);
    return NULL;
  }
  r[n] = '\n';
  r[n + 1] = 0;
  return r;
}

static char *join(const char *dir, const char *name) {
  size_t n = strlen(dir) + strlen(name) + 7;
  char *p = pl__malloc(n);
  if (p) snprintf(p, n, "%s/%s.json", dir, name);
  return p;
}

int pl__geniusweb_write(const pl_scenario *s, const char *dir, pl_error *err) {
  if (!s->finished)
    return pl__err(err, PL_ESTATE, "scenario \"%s\" is not finished", s->id);
  int rc = check_writable(s, dir, err);
  if (rc) return rc;
  const int np = s->n_parties, ni = s->n_issues;
  bool *range = pl__calloc((size_t)ni, sizeof *range);
  wfile *files = pl__calloc((size_t)np + 1, sizeof *files);
  json_t *dom = NULL;
  if (!range || !files) goto nomem;
  for (int i = 0; i < ni; i++) range[i] = range_fits(s, i);
  /* Everything is prepared before the first file is written, so a failure
   * leaves nothing behind. */
  if (!(dom = domain_json(s, range))) goto nomem;
  files[0].path = join(dir, s->id);
  files[0].text = dump(dom);
  if (!files[0].path || !files[0].text) goto nomem;
  for (int p = 0; p < np; p++) {
    json_t *pj = profile_json(s, p, range, dom);
    if (!pj) goto nomem;
    files[p + 1].path = join(dir, s->parties[p].id);
    files[p + 1].text = dump(pj);
    json_decref(pj);
    if (!files[p + 1].path || !files[p + 1].text) goto nomem;
  }
  /* a file the reader would refuse for its size is not written */
  for (int f = 0; f <= np && !rc; f++)
    if (strlen(files[f].text) > GW_MAX_BYTES)
      rc = pl__err_at(err, PL_EUNSUPPORTED, dir, 0, 0,
                      "the %s%s%s would be %zu bytes, more than the %u a "
                      "GeniusWeb file may have",
                      f ? "profile of party \"" : "domain",
                      f ? s->parties[f - 1].id : "", f ? "\"" : "",
                      strlen(files[f].text), GW_MAX_BYTES);
  if (!rc) rc = pl__make_dir(dir, err);
  for (int f = 0; f <= np && !rc; f++)
    rc = pl__write_file(files[f].path, files[f].text, strlen(files[f].text),
                        err);
  goto done;
nomem:
  rc = pl__err(err, PL_ENOMEM, "out of memory");
done:
  if (files)
    for (int f = 0; f <= np; f++) {
      pl__free(files[f].path);
      pl__free(files[f].text);
    }
  pl__free(files);
  pl__free(range);
  json_decref(dom);
  return rc;
}

