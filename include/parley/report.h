/*
 * report.h — pictures and reports: the outcome space of an analysis, a
 * negotiation, an implementation plan, and one self-contained HTML report
 * (docs/report.md).
 *
 * A figure (pl_figure) is a picture held as a list of marks in CSS pixels:
 * points, lines, text, images. It is built once from a result and written
 * in any format: SVG (text as text, every group with an id and a class,
 * every point's package in a <title> that shows on hover), PNG and PDF
 * (drawn with cairo). The format is told from the file's extension.
 *
 * The conventions of core.h hold: calls return PL_OK or a negative
 * PL_E* code and fill a caller's pl_error (may be NULL); _free(NULL) is a
 * no-op; the library never prints. Files are written under a temporary
 * name and renamed into place, so a failure leaves no half-written file.
 * A figure borrows nothing: it may outlive the result it was made from.
 * Building a figure reads its inputs only, so figures of one analysis may
 * be built from several threads.
 */
#ifndef PARLEY_REPORT_H
#define PARLEY_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "parley/analysis.h"
#include "parley/mediation.h"
#include "parley/sequence.h"
#include "parley/records.h"
#include "parley/session.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum pl_plot_format {
  PL_PLOT_SVG = 0, /* scalable, text as text, hover shows packages */
  PL_PLOT_PNG = 1, /* raster at options.scale pixels per CSS pixel */
  PL_PLOT_PDF = 2  /* vector, for print */
} pl_plot_format;
/* "svg", "png", "pdf" */
PL_API const char *pl_plot_format_name(pl_plot_format f);
/* The format of a file name from its extension (.svg, .png, .pdf, in any
 * case): PL_OK, or PL_EUNSUPPORTED (with the extensions known in err) for
 * another or none. */
PL_API int pl_plot_format_from_path(const char *path, pl_plot_format *out,
                                    pl_error *err);
/* 1 when parley's cairo module (parley-cairo.so), which every picture
 * needs (PNG and PDF are drawn with it, SVG and HTML pictures measure
 * their text with it), is where the library looks for it; it is opened
 * only when the first figure is made (docs/architecture.md, "Start-up").
 * Without it the picture calls fail with PL_EUNSUPPORTED. */
PL_API int pl_pictures_available(void);

typedef struct pl_plot_options {
  size_t struct_size;   /* sizeof(pl_plot_options), set by _init */
  double scale;         /* PNG pixels per CSS pixel (default 2: sharp on
                           high-density screens and in print); 0.5 to 8 */
  uint64_t max_points;  /* outcome space: outcomes drawn one by one up to
                           this many (default 20000); beyond, a density
                           image of binned counts */
  uint64_t max_outcomes; /* outcome space: outcomes visited up to this many
                            (default 10^6); beyond, a seeded random sample
                            of `sample` outcomes is binned instead, and the
                            legend says so. The frontier and the solutions
                            come from the analysis in every case */
  uint64_t sample;      /* default 200000 */
  uint64_t seed;        /* of the sample (default 0) */
  int order;           /* sequence plots: which order, a pl_order_kind
                           (default PL_ORDER_RECOMMENDED, 0; falls back to
                           it when the result has no such order) */
} pl_plot_options;
PL_API void pl_plot_options_init(pl_plot_options *o);

typedef struct pl_figure pl_figure;

/* The outcome space of an analysis in the parties' utilities. Two parties:
 * one panel; three or more: one panel per pair of parties (the first 8
 * parties at most). Each panel shows every outcome (feasible ones apart
 * from those breaking a red line or falling below a reservation value), the
 * reservation values as lines, the Pareto frontier, the Nash,
 * Kalai-Smorodinsky, utilitarian and egalitarian packages, the status quo
 * and the best partial agreement, labelled axes and a legend. o may be
 * NULL (defaults). The analysis's scenario must be alive during the call. */
PL_API int pl_figure_analysis(const pl_analysis *a, const pl_plot_options *o,
                              pl_figure **out, pl_error *err);
/* A negotiation of scenario s (the session's): the offers of each party in
 * the utility plane in time order, the agreement over the frontier (when
 * `a`, an analysis of s, is given; may be NULL), and each party's utility
 * of every offer over the rounds. Single-text protocols show the drafts and
 * the comments. o may be NULL. */
PL_API int pl_figure_session(const pl_scenario *s, const pl_session *x,
                             const pl_analysis *a, const pl_plot_options *o,
                             pl_figure **out, pl_error *err);
/* An implementation order (options.order of r): each party's running gain
 * after every step against its bound K, exposure shaded, steps labelled.
 * o may be NULL. The plan of r must be alive during the call. */
PL_API int pl_figure_sequence(const pl_sequence *r, const pl_plot_options *o,
                              pl_figure **out, pl_error *err);
PL_API void pl_figure_free(pl_figure *f);

/* Size in CSS pixels (1/96 inch). */
PL_API double pl_figure_width(const pl_figure *f);
PL_API double pl_figure_height(const pl_figure *f);

/* Writes the figure to path in the format of its extension (PL_EUNSUPPORTED
 * for another; PL_EIO when it cannot be written). o: for the PNG scale
 * (may be NULL). */
PL_API int pl_figure_write(const pl_figure *f, const char *path,
                           const pl_plot_options *o, pl_error *err);
/* The figure in memory: *data (free with pl_free) and *len bytes. SVG text
 * is NUL-terminated. */
PL_API int pl_figure_render(const pl_figure *f, pl_plot_format format,
                            const pl_plot_options *o, char **data,
                            size_t *len, pl_error *err);

/* Shortcuts: build the figure, write it to path, free it. */
PL_API int pl_plot_analysis(const pl_analysis *a, const char *path,
                            const pl_plot_options *o, pl_error *err);
PL_API int pl_plot_session(const pl_scenario *s, const pl_session *x,
                           const pl_analysis *a, const char *path,
                           const pl_plot_options *o, pl_error *err);
PL_API int pl_plot_sequence(const pl_sequence *r, const char *path,
                            const pl_plot_options *o, pl_error *err);

/* ------------------------------------------------------------------ */
/* The HTML report                                                     */
/* ------------------------------------------------------------------ */

typedef struct pl_report_options {
  size_t struct_size;     /* sizeof(pl_report_options), set by _init */
  const char *title;      /* NULL (default): the scenario's title or id */
  /* A negotiation of the analysis's scenario to include, with a line
   * saying how it was run (e.g. "boulware, conceder; saop, 100 rounds");
   * NULL (default): none. */
  const pl_session *session;
  const char *session_setup;
  /* An implementation plan's analysis to include; NULL (default): none. */
  const pl_sequence *sequence;
  pl_plot_options plot;   /* for the pictures */
  /* A record or bundle of a negotiation and its verdict
   * (pl_record_verify): the verification result and the record's events,
   * withheld ones marked; NULL (default): none. Both or neither. */
  const pl_record *record;
  const pl_verdict *verdict;
  /* What would unlock the deadlock (pl_unlock_compute of the analysis's
   * scenario): the section "What would unlock it", shown when the
   * scenario is deadlocked (pl_unlock_needed): the sets described, cheapest
   * first, each with its moves, the packages it opens (Nash,
   * Kalai-Smorodinsky, egalitarian) and the parties' gains there, and the
   * picture of what the first set opens. NULL (default): none. */
  const pl_unlock *unlock;
  /* A deal examined (pl_improve_compute of the same scenario): the section
   * "Can this deal be improved": efficient or not, the improvements with the
   * largest smallest gain and the largest product of gains with their trades
   * in sentences, and every Pareto-optimal improvement. NULL (default):
   * none. */
  const pl_improve *improve;
} pl_report_options;
PL_API void pl_report_options_init(pl_report_options *o);

/* One self-contained HTML page (no request leaves it: styles, script and
 * pictures are inline) that a mediator can hand to a delegation: the
 * scenario in plain words, the issues and their classes, the deadlocks and
 * the red lines behind them in sentences, the recommended packages with
 * what each gives each party, the outcome-space picture (hover a point for
 * its package), and, when given, the negotiation and the implementation
 * plan; what would unlock a deadlock and whether a deal can be improved
 * (o->unlock, o->improve). Readable on a laptop screen and printable. o may
 * be NULL. */
PL_API int pl_report_write(const pl_analysis *a, const pl_report_options *o,
                           const char *path, pl_error *err);
/* The same page in memory (NUL-terminated; free with pl_free). */
PL_API int pl_report_html(const pl_analysis *a, const pl_report_options *o,
                          char **html, size_t *len, pl_error *err);

#ifdef __cplusplus
}
#endif

#endif
