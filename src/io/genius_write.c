/* GENIUS XML writer: a scenario -> a domain (<negotiation_template>) and
 * one profile (<utility_space>) per party, in GENIUS's own semantics (see
 * genius_read.c). */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xml.h" /* libxml2, opened on first use */

#include "io/formats.h"
#include "model/scenario_internal.h"

#include "io/genius_internal.h"

/* ------------------------------------------------------------------ */
/* the writer                                                          */
/* ------------------------------------------------------------------ */

/* How an issue is written. */
typedef struct gx_wissue {
  bool integer;     /* as a GENIUS integer issue (else discrete items) */
  double *slope;    /* per party: the linear evaluator of an integer one */
  double *offset;
} gx_wissue;

/* Whether clamp(slope k + offset) reproduces every value v[k] exactly, the
 * way the reader computes it. */
static bool gx_linear_fits(const double *v, uint32_t n, double slope,
                           double offset, double tol) {
  for (uint32_t k = 0; k < n; k++)
    if (!(fabs(gx_clamp01(slope * (double)k + offset) - v[k]) <= tol))
      return false;
  return true;
}

/* Candidates around x: x and its neighbours up to 3 representable steps
 * away, so that the rounding of a difference or quotient is undone. */
static void gx_near(double x, double out[7]) {
  out[0] = x;
  double lo = x, hi = x;
  for (int k = 1; k <= 3; k++) {
    lo = nextafter(lo, -INFINITY);
    hi = nextafter(hi, INFINITY);
    out[2 * k - 1] = lo;
    out[2 * k] = hi;
  }
}

/* A slope and offset that give back the values of an integer issue bit for
 * bit, if one is easily found: from the first two values inside (0,1) (the
 * others may be clamped), or from the first value. */
static bool gx_find_linear(const double *v, uint32_t n, double tol,
                           double *slope, double *offset) {
  if (n == 0) return false;
  for (uint32_t k = 0; k < n; k++)
    if (!(v[k] >= 0 && v[k] <= 1)) return false;
  bool flat = true;
  for (uint32_t k = 1; k < n && flat; k++) flat = v[k] == v[0];
  if (flat) {
    *slope = 0;
    *offset = v[0];
    return true;
  }
  uint32_t a = n, b = n;
  for (uint32_t k = 0; k < n && b == n; k++)
    if (v[k] > 0 && v[k] < 1) {
      if (a == n)
        a = k;
      else
        b = k;
    }
  if (a == n || b == n) { /* fewer than two unclamped: from v[0], v[1] */
    if (n < 2) return false;
    a = 0;
    b = 1;
  }
  double ss[7], oo[7];
  gx_near((v[b] - v[a]) / (double)(b - a), ss);
  for (int i = 0; i < 7; i++) {
    gx_near(v[a] - ss[i] * (double)a, oo);
    for (int j = 0; j < 7; j++)
      if (gx_linear_fits(v, n, ss[i], oo[j], tol)) {
        *slope = ss[i];
        *offset = oo[j];
        return true;
      }
  }
  if (tol > 0) { /* approximate: the line through the farthest unclamped */
    uint32_t z = b;
    for (uint32_t k = n; k-- > b;)
      if (v[k] > 0 && v[k] < 1) {
        z = k;
        break;
      }
    double sl = (v[z] - v[a]) / (double)(z - a), of = v[a] - sl * (double)a;
    if (gx_linear_fits(v, n, sl, of, tol)) {
      *slope = sl;
      *offset = of;
      return true;
    }
  }
  return false;
}

static bool gx_xml_text_ok(const char *s) {
  if (!s || !pl__gx_utf8(s, strlen(s))) return false;
  for (const unsigned char *p = (const unsigned char *)s; *p; p++)
    if (*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r') return false;
  return true;
}

static bool gx_file_name_ok(const char *s) {
  return s && *s && s[0] != '.' && !strchr(s, '/') && strlen(s) < 200;
}

/* libxml2 reports some errors (encodings, I/O, the text writer) through
 * its per-thread generic handlers, which print to stderr by default; the
 * library never prints, so while the writer runs they only mark the
 * document as failed, and the caller's handlers are put back afterwards. */
typedef struct gx_quiet {
  xmlGenericErrorFunc generic;
  void *generic_ctx;
  xmlStructuredErrorFunc structured;
  void *structured_ctx;
} gx_quiet;

static void gx_silent(void *ctx, const char *msg, ...) {
  (void)ctx;
  (void)msg;
}

static void gx_on_error(void *ctx, xmlErrorPtr e) {
  if (e && e->level >= XML_ERR_ERROR) *(bool *)ctx = true;
}

static void gx_quiet_on(gx_quiet *q, bool *failed) {
  q->generic = xmlGenericError;
  q->generic_ctx = xmlGenericErrorContext;
  q->structured = xmlStructuredError;
  q->structured_ctx = xmlStructuredErrorContext;
  xmlSetGenericErrorFunc(NULL, gx_silent);
  xmlSetStructuredErrorFunc(failed, gx_on_error);
}

static void gx_quiet_off(const gx_quiet *q) {
  xmlSetGenericErrorFunc(q->generic_ctx, q->generic);
  xmlSetStructuredErrorFunc(q->structured_ctx, q->structured);
}

typedef struct gx_w {
  xmlBufferPtr buf;
  xmlTextWriterPtr w;
  bool bad;
  bool failed; /* libxml2 reported an error */
  gx_quiet quiet;
} gx_w;

static void gx_w_open(gx_w *w) {
  w->bad = false;
  w->failed = false;
  gx_quiet_on(&w->quiet, &w->failed);
  w->buf = xmlBufferCreate();
  w->w = w->buf ? xmlNewTextWriterMemory(w->buf, 0) : NULL;
  if (!w->w) {
    w->bad = true;
    return;
  }
  xmlTextWriterSetIndent(w->w, 1);
  xmlTextWriterSetIndentString(w->w, (const xmlChar *)"  ");
  w->bad |= xmlTextWriterStartDocument(w->w, "1.0", "UTF-8", NULL) < 0;
}

static void gx_el(gx_w *w, const char *name) {
  if (!w->bad)
    w->bad |= xmlTextWriterStartElement(w->w, (const xmlChar *)name) < 0;
}
static void gx_end(gx_w *w) {
  if (!w->bad) w->bad |= xmlTextWriterEndElement(w->w) < 0;
}
static void gx_at(gx_w *w, const char *name, const char *value) {
  if (!w->bad)
    w->bad |= xmlTextWriterWriteAttribute(w->w, (const xmlChar *)name,
                                          (const xmlChar *)value) < 0;
}
static void gx_atn(gx_w *w, const char *name, double x) {
  char b[40];
  snprintf(b, sizeof b, "%.17g", x);
  gx_at(w, name, b);
}
static void gx_ati(gx_w *w, const char *name, long long x) {
  char b[32];
  snprintf(b, sizeof b, "%lld", x);
  gx_at(w, name, b);
}

/* Closes the document, whose text stays in w->buf (NULL when out of
 * memory). */
static void gx_w_close(gx_w *w) {
  if (!w->bad) w->bad |= xmlTextWriterEndDocument(w->w) < 0;
  if (w->w) xmlFreeTextWriter(w->w); /* flushes into buf */
  w->w = NULL;
  gx_quiet_off(&w->quiet);
  w->bad |= w->failed;
  if (w->bad && w->buf) {
    xmlBufferFree(w->buf);
    w->buf = NULL;
  }
}

/* The <issue> of the domain, or of a profile (with `party` >= 0). */
static void gx_w_issue(gx_w *w, const pl_scenario *s, int i,
                       const gx_wissue *wi, int party) {
  const pl__issue *is = &s->issues[i];
  gx_el(w, "issue");
  gx_ati(w, "index", i + 1);
  gx_at(w, "name", is->id);
  const char *t = wi->integer ? "integer" : "discrete";
  gx_at(w, "type", t);
  gx_at(w, "etype", t);
  gx_at(w, "vtype", t);
  if (wi->integer) {
    gx_ati(w, "lowerbound", llround(is->min));
    gx_ati(w, "upperbound", llround(is->max));
    if (party >= 0) {
      gx_el(w, "evaluator");
      gx_at(w, "ftype", "linear");
      gx_atn(w, "slope", wi->slope[party]);
      gx_atn(w, "offset", wi->offset[party]);
      gx_end(w);
    }
  } else {
    for (uint32_t k = 0; k < is->n; k++) {
      gx_el(w, "item");
      gx_ati(w, "index", (long long)k + 1);
      gx_at(w, "value", is->opt_id[k]);
      if (strcmp(is->opt_name[k], is->opt_id[k]))
        gx_at(w, "description", is->opt_name[k]);
      if (party >= 0) gx_atn(w, "evaluation", pl_scenario_value(s, party, i, k));
      gx_end(w);
    }
  }
  gx_end(w);
}

static void gx_w_root_objective(gx_w *w, const pl_scenario *s) {
  gx_el(w, "objective");
  gx_at(w, "index", "0");
  gx_at(w, "name", s->title[0] ? s->title : "root");
  gx_at(w, "description", s->description);
  gx_at(w, "type", "objective");
  gx_at(w, "etype", "objective");
}

static int gx_unsupported(pl_error *err, const char *dir, const char *fmt, ...)
    PL__PRINTF(3, 4);
static int gx_unsupported(pl_error *err, const char *dir, const char *fmt,
                          ...) {
  char msg[sizeof err->message];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  return pl__err_at(err, PL_EUNSUPPORTED, dir, 0, 0, "%s", msg);
}

/* What GENIUS cannot hold, named; and how each issue is written. */
static int gx_w_check(const pl_scenario *s, const char *dir, gx_wissue *wi,
                      pl_error *err) {
  const int np = s->n_parties, ni = s->n_issues;
  if (s->n_red_lines)
    return gx_unsupported(
        err, dir,
        "GENIUS files cannot express red lines: party \"%s\" has %s \"%s\"",
        s->parties[s->red_lines[0].party].id,
        s->red_lines[0].linkage ? "the linkage" : "the red line",
        s->red_lines[0].id);
  if (s->status_quo)
    return gx_unsupported(err, dir,
                          "GENIUS files cannot express a status quo");
  if (!gx_file_name_ok(s->id) || !gx_xml_text_ok(s->id))
    return gx_unsupported(err, dir,
                          "scenario id \"%s\" cannot be a file name",
                          s->id);
  if (!gx_xml_text_ok(s->title) || !gx_xml_text_ok(s->description))
    return gx_unsupported(err, dir,
                          "the title or description has characters XML "
                          "cannot hold");
  for (int p = 0; p < np; p++) {
    const pl__party *pa = &s->parties[p];
    if (pa->reservation_cost_set)
      return gx_unsupported(err, dir,
                            "GENIUS files cannot express concession costs: "
                            "party \"%s\" has a reservation_cost",
                            pa->id);
    if (pa->status_quo)
      return gx_unsupported(err, dir,
                            "GENIUS files cannot express a status quo: "
                            "party \"%s\" has one",
                            pa->id);
    if (!gx_file_name_ok(pa->id) || !gx_xml_text_ok(pa->id))
      return gx_unsupported(err, dir,
                            "party id \"%s\" cannot be a file name", pa->id);
    if (!strcmp(pa->id, s->id))
      return gx_unsupported(err, dir,
                            "party \"%s\" has the scenario's id: its profile "
                            "would overwrite the domain file",
                            pa->id);
  }
  for (int i = 0; i < ni; i++) {
    const pl__issue *is = &s->issues[i];
    if (!gx_xml_text_ok(is->id))
      return gx_unsupported(err, dir,
                            "issue id \"%s\" has characters XML cannot hold",
                            is->id);
    for (uint32_t k = 0; k < is->n; k++)
      if (!gx_xml_text_ok(is->opt_id[k]) || !gx_xml_text_ok(is->opt_name[k]))
        return gx_unsupported(err, dir,
                              "an option of issue \"%s\" has characters XML "
                              "cannot hold",
                              is->id);
    /* An integer issue of step 1 stays one when every additive party's
     * values are a linear evaluator's (GENIUS's only kind for integers);
     * otherwise, and for real issues (which a reader re-discretises with
     * its own interval count), the grid is written as discrete options:
     * the same outcomes, the same values, read back bit for bit. */
    bool integer = is->kind == PL_ISSUE_INTEGER && is->step == 1 &&
                   is->min >= INT32_MIN && is->max <= INT32_MAX;
    /* A long range as items could pass the 16 MiB a file the reader takes:
     * it is written by its bounds when its values are linear to 12 digits
     * (parley's own increasing/decreasing, k / (n - 1), differ from
     * GENIUS's slope x k in the last bit). */
    double tol = is->n > GX_W_EXACT_OPTIONS ? GX_W_LINEAR_TOL : 0;
    for (int p = 0; p < np && integer; p++) {
      const pl__party *pa = &s->parties[p];
      if (pa->hyper) continue;
      if (pa->value[i])
        integer = gx_find_linear(pa->value[i], is->n, tol, &wi[i].slope[p],
                                 &wi[i].offset[p]);
      else
        wi[i].slope[p] = wi[i].offset[p] = 0;
    }
    wi[i].integer = integer;
    /* A discrete issue's evaluations are divided by their maximum when it
     * is above 1: only values up to 1 come back as they are. */
    if (!integer)
      for (int p = 0; p < np; p++) {
        const pl__party *pa = &s->parties[p];
        if (pa->hyper || !pa->value[i]) continue;
        for (uint32_t k = 0; k < is->n; k++)
          if (!(pa->value[i][k] <= 1))
            return gx_unsupported(
                err, dir,
                "party \"%s\" values option \"%s\" of issue \"%s\" at %g: "
                "GENIUS divides an issue's evaluations by their maximum when "
                "it is above 1",
                pa->id, is->opt_id[k], is->id, pa->value[i][k]);
      }
  }
  /* GENIUS caps an additive sum at 1. A party of parley's own weighting
   * whose best outcome sums to a hair above 1 by rounding would read back
   * capped: not the same bits. Rounding is monotone, so the best outcome's
   * sum (each issue's best option) is the largest of all. */
  uint32_t *best = pl__malloc((size_t)(ni ? ni : 1) * sizeof *best);
  if (!best) return pl__err(err, PL_ENOMEM, "out of memory");
  for (int p = 0; p < np; p++) {
    const pl__party *pa = &s->parties[p];
    if (pa->hyper || pa->weighting == PL_WEIGHTS_AS_GIVEN) continue;
    for (int i = 0; i < ni; i++) {
      best[i] = 0;
      for (uint32_t k = 1; k < s->issues[i].n; k++)
        if (s->table[i][(size_t)k * np + p] > s->table[i][(size_t)best[i] * np + p])
          best[i] = k;
    }
    double u = pl_scenario_utility(s, p, best);
    if (u > 1) {
      pl__free(best);
      return gx_unsupported(
          err, dir,
          "party \"%s\" has an outcome of utility %.17g, above 1 by "
          "rounding; GENIUS caps utilities at 1, so it would not read back "
          "the same",
          pa->id, u);
    }
  }
  pl__free(best);
  for (int p = 0; p < np; p++) {
    const pl__party *pa = &s->parties[p];
    if (!pa->hyper) continue;
    for (size_t r = 0; r < pa->n_rects; r++)
      for (size_t j = 0; j < pa->rects[r].n; j++) {
        int i = pa->rects[r].issue[j];
        if (!wi[i].integer)
          return gx_unsupported(
              err, dir,
              "party \"%s\" has hyper-rectangles over issue \"%s\": GENIUS "
              "bounds only integer issues of step 1%s",
              pa->id, s->issues[i].id,
              s->issues[i].kind == PL_ISSUE_INTEGER
                  ? " whose values every other party gives linearly"
                  : "");
      }
  }
  return PL_OK;
}

static void gx_w_domain(const pl_scenario *s, const gx_wissue *wi,
                        gx_w *out) {
  gx_w w;
  gx_w_open(&w);
  gx_el(&w, "negotiation_template");
  gx_el(&w, "utility_space");
  gx_ati(&w, "number_of_issues", s->n_issues);
  gx_w_root_objective(&w, s);
  for (int i = 0; i < s->n_issues; i++) gx_w_issue(&w, s, i, &wi[i], -1);
  gx_end(&w);
  gx_end(&w);
  gx_end(&w);
  gx_w_close(&w);
  *out = w;
}

static void gx_w_profile(const pl_scenario *s, int p, const gx_wissue *wi,
                         gx_w *out) {
  const pl__party *pa = &s->parties[p];
  gx_w w;
  gx_w_open(&w);
  gx_el(&w, "utility_space");
  if (pa->hyper) gx_at(&w, "type", "nonlinear");
  gx_w_root_objective(&w, s);
  if (!pa->hyper) {
    for (int i = 0; i < s->n_issues; i++) gx_w_issue(&w, s, i, &wi[i], p);
    for (int i = 0; i < s->n_issues; i++) {
      gx_el(&w, "weight");
      gx_ati(&w, "index", i + 1);
      gx_atn(&w, "value", pl_scenario_weight(s, p, i));
      gx_end(&w);
    }
  } else {
    gx_el(&w, "utility");
    gx_atn(&w, "maxutility", pa->max_utility);
    gx_el(&w, "ufun");
    gx_at(&w, "type", "PlainUfun");
    gx_at(&w, "weight", "1");
    gx_at(&w, "aggregation", "sum");
    for (size_t r = 0; r < pa->n_rects; r++) {
      const pl__rect *rc = &pa->rects[r];
      gx_el(&w, "hyperRectangle");
      gx_atn(&w, "utility", rc->utility);
      for (size_t j = 0; j < rc->n; j++) {
        const pl__issue *is = &s->issues[rc->issue[j]];
        gx_el(&w, "INCLUDES");
        gx_ati(&w, "index", rc->issue[j] + 1);
        gx_ati(&w, "min", llround(is->min) + rc->lo[j]);
        gx_ati(&w, "max", llround(is->min) + rc->hi[j]);
        gx_end(&w);
      }
      gx_end(&w);
    }
    gx_end(&w);
    gx_end(&w);
  }
  gx_end(&w); /* objective */
  gx_el(&w, "discount_factor");
  gx_atn(&w, "value", pa->discount);
  gx_end(&w);
  gx_el(&w, "reservation");
  gx_atn(&w, "value", pa->reservation);
  gx_end(&w);
  gx_end(&w);
  gx_w_close(&w);
  *out = w;
}

static char *gx_path(const char *dir, const char *name) {
  size_t n = strlen(dir) + strlen(name) + 6;
  char *p = pl__malloc(n);
  if (p) snprintf(p, n, "%s/%s.xml", dir, name);
  return p;
}

int pl__genius_write(const pl_scenario *s, const char *dir, pl_error *err) {
  if (!s->finished)
    return pl__err(err, PL_ESTATE, "scenario \"%s\" is not finished", s->id);
  if (pl__xml_open(err)) return PL_EUNSUPPORTED;
  const int np = s->n_parties, ni = s->n_issues;
  gx_wissue *wi = pl__calloc((size_t)ni, sizeof *wi);
  int rc = wi ? PL_OK : pl__err(err, PL_ENOMEM, "out of memory");
  for (int i = 0; i < ni && !rc; i++) {
    wi[i].slope = pl__calloc((size_t)np, sizeof(double));
    wi[i].offset = pl__calloc((size_t)np, sizeof(double));
    if (!wi[i].slope || !wi[i].offset)
      rc = pl__err(err, PL_ENOMEM, "out of memory");
  }
  if (!rc) rc = gx_w_check(s, dir, wi, err);
  /* Every file in memory first: one the reader would refuse for its size
   * is refused here, before anything is written. */
  gx_w *docs = rc ? NULL : pl__calloc((size_t)np + 1, sizeof *docs);
  if (!rc && !docs) rc = pl__err(err, PL_ENOMEM, "out of memory");
  for (int f = 0; f <= np && !rc; f++) {
    if (f == 0)
      gx_w_domain(s, wi, &docs[f]);
    else
      gx_w_profile(s, f - 1, wi, &docs[f]);
    if (!docs[f].buf) rc = pl__err(err, PL_ENOMEM, "out of memory");
    else if ((size_t)xmlBufferLength(docs[f].buf) > GX_MAX_BYTES)
      rc = gx_unsupported(
          err, dir,
          "the %s%s%s would be %zu bytes, more than the %u a GENIUS file may "
          "have",
          f ? "profile of party \"" : "domain", f ? s->parties[f - 1].id : "",
          f ? "\"" : "", (size_t)xmlBufferLength(docs[f].buf), GX_MAX_BYTES);
  }
  if (!rc) rc = pl__make_dir(dir, err);
  for (int f = 0; f <= np && !rc; f++) {
    char *path = gx_path(dir, f ? s->parties[f - 1].id : s->id);
    rc = path ? pl__write_file(path, xmlBufferContent(docs[f].buf),
                               (size_t)xmlBufferLength(docs[f].buf), err)
              : pl__err(err, PL_ENOMEM, "out of memory");
    pl__free(path);
  }
  for (int f = 0; docs && f <= np; f++)
    if (docs[f].buf) xmlBufferFree(docs[f].buf);
  pl__free(docs);
  for (int i = 0; wi && i < ni; i++) {
    pl__free(wi[i].slope);
    pl__free(wi[i].offset);
  }
  pl__free(wi);
  return rc;
}
