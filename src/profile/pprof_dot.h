
/*
 * The call graph as DOT text (pprof_dot.c), what `go tool pprof -dot`
 * prints: the legend, a node per graph node with pprof's labels, font
 * sizes and colours, an edge per graph edge with its weight, penwidth,
 * "(inline)" and dotted residual style.  Called by pprof_render() for
 * PPROF_FORMAT_DOT.
 */


#ifndef _PPROF_DOT_H_INCLUDED_
#define _PPROF_DOT_H_INCLUDED_


#include "pprof.h"
#include "pprof_out.h"
#include "pprof_legend.h"
#include "pprof_graph.h"


int pprof_dot_render(pprof_report_t *report,
    const pprof_render_options_t *options, pprof_out_t *out,
    pprof_error_t *err);

/*
 * The graph's options for a rendering: nodecount, and the report's
 * nodefraction and edgefraction or pprof's defaults; PPROF_ERROR with err
 * set on a bad fraction.
 */
int pprof_dot_graph_options(pprof_report_t *report,
    const pprof_render_options_t *options, pprof_graph_options_t *go,
    pprof_error_t *err);

/*
 * The legend's lines as pprof's -dot and -web print them ("File: app",
 * "Type: cpu", ..., "Showing top 80 nodes out of 212"): each line is
 * given to piece() in one or more pieces, the last with eol set.
 */
typedef void (*pprof_dot_piece_pt)(void *data, const char *s, size_t len,
    int eol);

void pprof_dot_legend(pprof_report_t *report, const pprof_graph_t *g,
    const pprof_graph_options_t *go, pprof_dot_piece_pt piece, void *data);


#endif /* _PPROF_DOT_H_INCLUDED_ */
