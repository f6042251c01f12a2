/* The parley YAML writer, with libyaml's emitter. What it writes reads back
 * to the same model: raw weights (so normalisation divides by the same
 * sum), values at every option (numeric issues as one point per grid
 * value), numbers in their shortest form that reads back to the same
 * double. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "core/json_text.h"
#include "io/formats.h"
#include "io/yaml_tree.h"
#include "model/scenario_internal.h"

typedef struct out {
  char *buf;
  size_t len, cap;
  bool nomem;
} out;

static int write_handler(void *data, unsigned char *bytes, size_t size) {
  out *o = data;
  if (o->len + size > o->cap) {
    size_t cap = o->cap ? o->cap * 2 : 4096;
    while (cap < o->len + size) cap *= 2;
    char *b = pl__realloc(o->buf, cap);
    if (!b) {
      o->nomem = true;
      return 0;
    }
    o->buf = b;
    o->cap = cap;
  }
  memcpy(o->buf + o->len, bytes, size);
  o->len += size;
  return 1;
}

typedef struct em {
  yaml_emitter_t e;
  bool failed;
} em;

static void emit(em *m, yaml_event_t *ev, int ok) {
  if (m->failed) {
    if (ok) yaml_event_delete(ev);
    return;
  }
  if (!ok || !yaml_emitter_emit(&m->e, ev)) m->failed = true;
}

/* Plain style where YAML allows it: libyaml quotes what needs quotes. */
static void str(em *m, const char *s) {
  yaml_event_t ev;
  emit(m, &ev,
       yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s,
                                    (int)strlen(s), 1, 1,
                                    YAML_ANY_SCALAR_STYLE));
}

static void plain(em *m, const char *b) {
  yaml_event_t ev;
  emit(m, &ev,
       yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)b,
                                    (int)strlen(b), 1, 0,
                                    YAML_PLAIN_SCALAR_STYLE));
}

/* Shortest decimal that reads back to the same double. */
static void num(em *m, double x) {
  char b[40];
  if (x == floor(x) && fabs(x) < 1e15) {
    snprintf(b, sizeof b, "%.0f", x);
  } else {
    pl__shortest_double(b, x);
  }
  plain(m, b);
}

/* A whole number in digits, as the reader's integers want it: the bounds
 * and step of an integer issue (within 2^53, so %.0f is exact). */
static void whole(em *m, double x) {
  char b[40];
  snprintf(b, sizeof b, "%.0f", x);
  plain(m, b);
}

static void map_begin(em *m, bool flow) {
  yaml_event_t ev;
  emit(m, &ev,
       yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1,
                                           flow ? YAML_FLOW_MAPPING_STYLE
                                                : YAML_BLOCK_MAPPING_STYLE));
}
static void map_end(em *m) {
  yaml_event_t ev;
  emit(m, &ev, yaml_mapping_end_event_initialize(&ev));
}
static void seq_begin(em *m, bool flow) {
  yaml_event_t ev;
  emit(m, &ev,
       yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
                                            flow ? YAML_FLOW_SEQUENCE_STYLE
                                                 : YAML_BLOCK_SEQUENCE_STYLE));
}
static void seq_end(em *m) {
  yaml_event_t ev;
  emit(m, &ev, yaml_sequence_end_event_initialize(&ev));
}

static void outcome(em *m, const pl_scenario *s, const uint32_t *o) {
  map_begin(m, true);
  for (int i = 0; i < s->n_issues; i++) {
    str(m, s->issues[i].id);
    str(m, s->issues[i].opt_id[o[i]]);
  }
  map_end(m);
}

static void write_issue(em *m, const pl__issue *is) {
  map_begin(m, false);
  str(m, "id");
  str(m, is->id);
  if (strcmp(is->name, is->id)) {
    str(m, "name");
    str(m, is->name);
  }
  if (is->kind == PL_ISSUE_DISCRETE) {
    str(m, "options");
    seq_begin(m, false);
    for (uint32_t k = 0; k < is->n; k++) {
      if (is->opt_name[k] == is->opt_id[k] ||
          !strcmp(is->opt_name[k], is->opt_id[k])) {
        str(m, is->opt_id[k]);
        continue;
      }
      map_begin(m, true);
      str(m, "id");
      str(m, is->opt_id[k]);
      str(m, "name");
      str(m, is->opt_name[k]);
      map_end(m);
    }
    seq_end(m);
  } else {
    bool integer = is->kind == PL_ISSUE_INTEGER;
    str(m, "type");
    str(m, integer ? "integer" : "real");
    void (*put)(em *, double) = integer ? whole : num;
    str(m, "min");
    put(m, is->min);
    str(m, "max");
    put(m, is->max);
    str(m, integer ? "step" : "resolution");
    put(m, is->step);
  }
  map_end(m);
}

static void write_rule(em *m, const pl_scenario *s, const pl_expr *e) {
  map_begin(m, true);
  switch (e->kind) {
  case PL__EXPR_IN: {
    /* the shorter list; never an empty one, which the reader refuses */
    const pl__issue *is = &s->issues[e->issue];
    uint32_t in = 0;
    for (uint32_t k = 0; k < is->n; k++) in += pl__bit(e->set, k);
    bool listed = in > 0 && (in == is->n || in <= is->n - in);
    str(m, "issue");
    str(m, is->id);
    str(m, listed ? "in" : "not_in");
    seq_begin(m, true);
    for (uint32_t k = 0; k < is->n; k++)
      if (pl__bit(e->set, k) == listed) str(m, is->opt_id[k]);
    seq_end(m);
    break;
  }
  case PL__EXPR_NOT:
    str(m, "not");
    write_rule(m, s, e->kids[0]);
    break;
  case PL__EXPR_ALL:
  case PL__EXPR_ANY:
    str(m, e->kind == PL__EXPR_ALL ? "all" : "any");
    seq_begin(m, false);
    for (size_t j = 0; j < e->n; j++) write_rule(m, s, e->kids[j]);
    seq_end(m);
    break;
  }
  map_end(m);
}

/* Whether the values of a numeric issue are the builder's line between
 * its two ends, bit for bit (increasing, decreasing, constant). */
static bool two_points(const pl__issue *is, const double *v) {
  if (is->n < 3 || !v) return false;
  uint32_t z = is->n - 1;
  for (uint32_t k = 1; k < z; k++)
    if (pl__interp(is->num[0], v[0], is->num[z], v[z], is->num[k]) != v[k])
      return false;
  return true;
}

static void write_additive(em *m, const pl_scenario *s, int p) {
  const pl__party *pa = &s->parties[p];
  str(m, "weights");
  map_begin(m, false);
  for (int i = 0; i < s->n_issues; i++) {
    str(m, s->issues[i].id);
    num(m, pa->weight[i]);
  }
  map_end(m);
  str(m, "values");
  map_begin(m, false);
  for (int i = 0; i < s->n_issues; i++) {
    const pl__issue *is = &s->issues[i];
    const double *v = pa->value[i];
    str(m, is->id);
    if (is->kind == PL_ISSUE_DISCRETE) {
      map_begin(m, true);
      for (uint32_t k = 0; k < is->n; k++) {
        str(m, is->opt_id[k]);
        num(m, v ? v[k] : 0);
      }
      map_end(m);
    } else if (two_points(is, v)) { /* a line: its ends suffice */
      seq_begin(m, true);
      for (uint32_t k = 0; k < is->n; k += is->n - 1) {
        seq_begin(m, true);
        num(m, is->num[k]);
        num(m, v ? v[k] : 0);
        seq_end(m);
      }
      seq_end(m);
    } else { /* a point per grid value: read back exactly */
      seq_begin(m, true);
      for (uint32_t k = 0; k < is->n; k++) {
        seq_begin(m, true);
        num(m, is->num[k]);
        num(m, v ? v[k] : 0);
        seq_end(m);
      }
      seq_end(m);
    }
  }
  map_end(m);
}

static void write_rectangles(em *m, const pl_scenario *s, int p) {
  const pl__party *pa = &s->parties[p];
  str(m, "max_utility");
  num(m, pa->max_utility);
  str(m, "rectangles");
  seq_begin(m, false);
  for (size_t k = 0; k < pa->n_rects; k++) {
    const pl__rect *r = &pa->rects[k];
    map_begin(m, true);
    str(m, "utility");
    num(m, r->utility);
    str(m, "where");
    map_begin(m, true);
    for (size_t j = 0; j < r->n; j++) {
      const pl__issue *is = &s->issues[r->issue[j]];
      str(m, is->id);
      seq_begin(m, true);
      str(m, is->opt_id[r->lo[j]]);
      str(m, is->opt_id[r->hi[j]]);
      seq_end(m);
    }
    map_end(m);
    map_end(m);
  }
  seq_end(m);
}

static void write_party(em *m, const pl_scenario *s, int p) {
  const pl__party *pa = &s->parties[p];
  map_begin(m, false);
  str(m, "id");
  str(m, pa->id);
  if (strcmp(pa->name, pa->id)) {
    str(m, "name");
    str(m, pa->name);
  }
  if (pa->reservation_outcome) {
    str(m, "reservation_outcome");
    outcome(m, s, pa->reservation_outcome);
  } else if (pa->reservation != 0) {
    str(m, "reservation");
    num(m, pa->reservation);
  }
  if (pa->weighting == PL_WEIGHTS_AS_GIVEN) {
    str(m, "weighting");
    str(m, "as_given");
  }
  if (pa->discount != 1) {
    str(m, "discount");
    num(m, pa->discount);
  }
  if (pa->status_quo) {
    str(m, "status_quo");
    outcome(m, s, pa->status_quo);
  }
  if (pa->reservation_cost_set) {
    str(m, "reservation_cost");
    num(m, pa->reservation_cost);
  }
  if (pa->hyper)
    write_rectangles(m, s, p);
  else
    write_additive(m, s, p);
  bool any = false;
  for (int r = 0; r < s->n_red_lines; r++) {
    const pl__red_line *rl = &s->red_lines[r];
    if (rl->party != p) continue;
    if (!any) {
      str(m, "red_lines");
      seq_begin(m, false);
      any = true;
    }
    map_begin(m, false);
    str(m, "id");
    str(m, rl->id);
    if (rl->description[0]) {
      str(m, "description");
      str(m, rl->description);
    }
    if (rl->linkage) {
      str(m, "linked");
      int all = 1;
      for (int i = 0; i < s->n_issues; i++) all &= pl__bit(rl->issues, (size_t)i);
      if (all) {
        str(m, "all");
      } else {
        seq_begin(m, true);
        for (int i = 0; i < s->n_issues; i++)
          if (pl__bit(rl->issues, (size_t)i)) str(m, s->issues[i].id);
        seq_end(m);
      }
    } else {
      str(m, "rule");
      write_rule(m, s, rl->rule);
      if (rl->drop_cost_set) {
        str(m, "drop_cost");
        num(m, rl->drop_cost);
      }
      if (rl->n_variants) {
        str(m, "variants");
        seq_begin(m, false);
      }
      for (int v = 0; v < rl->n_variants; v++) {
        const pl__variant *va = &rl->variants[v];
        map_begin(m, false);
        str(m, "id");
        str(m, va->id);
        if (va->description[0]) {
          str(m, "description");
          str(m, va->description);
        }
        str(m, "cost");
        num(m, va->cost);
        str(m, "rule");
        write_rule(m, s, va->rule);
        map_end(m);
      }
      if (rl->n_variants) seq_end(m);
    }
    map_end(m);
  }
  if (any) seq_end(m);
  map_end(m);
}

static int emit_yaml(const pl_scenario *s, const char *path, out *o,
                     pl_error *err);

int pl__yaml_write(const pl_scenario *s, const char *path, pl_error *err) {
  out o = {0};
  int rc = emit_yaml(s, path, &o, err);
  if (!rc) rc = pl__write_file(path, o.buf, o.len, err);
  pl__free(o.buf);
  return rc;
}

int pl__yaml_text(const pl_scenario *s, char **text, size_t *len,
                  pl_error *err) {
  out o = {0};
  *text = NULL;
  *len = 0;
  int rc = emit_yaml(s, "(text)", &o, err);
  if (rc) return rc;
  char *t = pl__realloc(o.buf, o.len + 1); /* NUL-terminated */
  if (!t) {
    pl__free(o.buf);
    return pl__err(err, PL_ENOMEM, "out of memory");
  }
  t[o.len] = 0;
  *text = t;
  *len = o.len;
  return PL_OK;
}

int pl__scenario_copy(const pl_scenario *s, pl_scenario **copy,
                      pl_error *err) {
  out o = {0};
  *copy = NULL;
  int rc = emit_yaml(s, "(copy)", &o, err);
  if (!rc) rc = pl_scenario_load_yaml(o.buf, o.len, "(copy)", copy, err);
  pl__free(o.buf);
  return rc;
}

static int emit_yaml(const pl_scenario *s, const char *path, out *op,
                     pl_error *err) {
  out o = {0};
  em m = {.failed = false};
  if (!yaml_emitter_initialize(&m.e))
    return pl__err(err, PL_ENOMEM, "out of memory");
  yaml_emitter_set_output(&m.e, write_handler, &o);
  yaml_emitter_set_unicode(&m.e, 1);
  yaml_emitter_set_width(&m.e, 100);
  yaml_event_t ev;
  emit(&m, &ev, yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING));
  emit(&m, &ev, yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1));
  map_begin(&m, false);
  str(&m, "scenario");
  str(&m, s->id);
  if (s->title[0]) {
    str(&m, "title");
    str(&m, s->title);
  }
  if (s->description[0]) {
    str(&m, "description");
    str(&m, s->description);
  }
  str(&m, "issues");
  seq_begin(&m, false);
  for (int i = 0; i < s->n_issues; i++) write_issue(&m, &s->issues[i]);
  seq_end(&m);
  if (s->status_quo) {
    str(&m, "status_quo");
    outcome(&m, s, s->status_quo);
  }
  str(&m, "parties");
  seq_begin(&m, false);
  for (int p = 0; p < s->n_parties; p++) write_party(&m, s, p);
  seq_end(&m);
  map_end(&m);
  emit(&m, &ev, yaml_document_end_event_initialize(&ev, 1));
  emit(&m, &ev, yaml_stream_end_event_initialize(&ev));
  int rc;
  if (o.nomem)
    rc = pl__err(err, PL_ENOMEM, "out of memory");
  else if (m.failed)
    rc = pl__err_at(err, PL_EIO, path ? path : "", 0, 0,
                    "cannot write YAML: %s",
                    m.e.problem ? m.e.problem : "emitter failed");
  else if (o.len > PL__YAML_MAX_BYTES) /* the reader would refuse it */
    rc = pl__err_at(err, PL_EUNSUPPORTED, path ? path : "", 0, 0,
                    "the YAML would be %zu bytes, more than the %u a "
                    "scenario file may have",
                    o.len, PL__YAML_MAX_BYTES);
  else
    rc = PL_OK;
  yaml_emitter_delete(&m.e);
  if (rc)
    pl__free(o.buf);
  else
    *op = o;
  return rc;
}
