
/*
 * The call graph drawn as SVG (pprof_svg.c), with a layered layout of its
 * own (no Graphviz): the Graph page embeds it, PPROF_FORMAT_SVG is it as
 * a file with pprof's legend.
 */


#ifndef _PPROF_SVG_H_INCLUDED_
#define _PPROF_SVG_H_INCLUDED_


#include "pprof.h"
#include "pprof_out.h"
#include "pprof_graph.h"


/* writes a node link's attributes, ' href="..."' (escaped) */
typedef void (*pprof_svg_href_pt)(void *data, pprof_out_t *out,
    const pprof_graph_node_t *node);


typedef struct {
    pprof_svg_href_pt        href;       /* NULL: nodes are not links */
    void                    *data;
    /* a file: the XML declaration; the legend lines above the graph */
    int                      standalone;
    pprof_report_t          *legend;     /* NULL: no legend */
    const pprof_graph_options_t  *graph_options;
} pprof_svg_options_t;


/* the graph as an <svg> element; PPROF_ERROR with err on out of memory */
int pprof_svg_draw(const pprof_graph_t *g, const pprof_svg_options_t *so,
    const pprof_allocator_t *a, pprof_out_t *out, pprof_error_t *err);

/* PPROF_FORMAT_SVG: the report's graph as a standalone SVG document */
int pprof_svg_render(pprof_report_t *report,
    const pprof_render_options_t *options, pprof_out_t *out,
    pprof_error_t *err);


#endif /* _PPROF_SVG_H_INCLUDED_ */
