
/*
 * The call graph as SVG, laid out here (Sugiyama style, bounded):
 *
 *   1. cycles broken by a depth-first search from the entry nodes (edges
 *      back to the search's stack are laid out reversed);
 *   2. ranks by the longest path from the roots;
 *   3. an edge over several ranks gets a virtual node on each rank between
 *      (at most PPROF_SVG_MAX_VIRTUAL in all; the rest are drawn straight);
 *   4. the order in each rank by barycenters, PPROF_SVG_SWEEPS sweeps
 *      down and up;
 *   5. x by the neighbours' mean, placed in order with the minimum gaps by
 *      isotonic regression (pool adjacent violators), a few passes;
 *   6. boxes sized by their labels, a node's nodelets (its sample
 *      labels, pprof_graph.c) in small boxes under it, in its vertex;
 *      edges as cubic curves through their virtual nodes, with
 *      arrowheads, pprof's colours and widths, dotted when residual;
 *      labels at their middle.
 *
 * Time and memory are linear in nodes, edges and virtual nodes times the
 * sweeps (sorting aside).  Node colours, font sizes and labels are the
 * DOT's (pprof_graph.c).  Uses the graph, the DOT's legend and options,
 * and the output buffer.
 */


#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pprof_util.h"
#include "pprof_out.h"
#include "pprof_graph.h"
#include "pprof_dot.h"
#include "pprof_svg.h"


#define PPROF_SVG_MAX_VIRTUAL   20000
#define PPROF_SVG_SWEEPS        8
#define PPROF_SVG_PASSES        6
#define PPROF_SVG_GAP_X         24.0
#define PPROF_SVG_GAP_Y         56.0
#define PPROF_SVG_MARGIN        12.0
#define PPROF_SVG_VIRTUAL_W     12.0
#define PPROF_SVG_ARROW         9.0
#define PPROF_SVG_LINES         16
#define PPROF_SVG_LEGEND_FS     13.0
#define PPROF_SVG_FONT          "Helvetica,Arial,sans-serif"
#define PPROF_SVG_LET_FS        9
#define PPROF_SVG_LET_GAP       14.0    /* node or set to its nodelets */
#define PPROF_SVG_LET_SEP       6.0     /* between columns */
#define PPROF_SVG_LET_MID       20.0    /* the edges' way down between */
#define PPROF_SVG_LET_COLS      (2 * PPROF_GRAPH_NODELETS)
#define PPROF_SVG_LET_LINES     6       /* of a label set, the rest cut */
#define PPROF_SVG_LET_CHARS     40      /* of a line, the rest cut */


typedef struct {
    double                   x;         /* centre */
    double                   y;         /* centre */
    double                   w;
    double                   h;
    /* a node's box, at the top of its vertex, its nodelets under it */
    double                   bh;
    double                   key;       /* sort key of a sweep */
    uint32_t                 rank;
    uint32_t                 pos;       /* in its rank */
} pprof_svg_vertex_t;


/* a segment between vertices of adjacent ranks (top to bottom) */
typedef struct {
    uint32_t                 top;
    uint32_t                 bottom;
} pprof_svg_seg_t;


typedef struct {
    const pprof_graph_t     *g;
    const pprof_allocator_t *a;
    size_t                   nv;        /* real and virtual vertices */
    pprof_svg_vertex_t      *v;
    unsigned char           *reversed;  /* by edge */
    uint32_t                *chain;     /* by edge: first of its virtuals */
    uint32_t                *nchain;    /* by edge: how many */
    pprof_svg_seg_t         *segs;
    size_t                   nsegs;
    uint32_t                *up_off;    /* by vertex: segments above */
    uint32_t                *up;        /* the vertices above */
    uint32_t                *down_off;
    uint32_t                *down;
    uint32_t                *order;     /* vertices by rank, then pos */
    uint32_t                *rank_off;  /* by rank, nranks + 1 */
    size_t                   nranks;
    double                  *rank_y;    /* top of each rank */
    double                  *rank_h;
    double                  *tmp;       /* scratch, nv */
    double                  *tmp2;
    uint32_t                *itmp;
    pprof_svg_vertex_t     **ptmp;
    double                   width;
    double                   height;
} pprof_svg_layout_t;


static int pprof_svg_layout(pprof_svg_layout_t *l);
static int pprof_svg_ranks(pprof_svg_layout_t *l);
static int pprof_svg_virtuals(pprof_svg_layout_t *l);
static int pprof_svg_adjacency(pprof_svg_layout_t *l);
static void pprof_svg_order(pprof_svg_layout_t *l);
static void pprof_svg_sweep(pprof_svg_layout_t *l, int down);
static void pprof_svg_place(pprof_svg_layout_t *l);
static void pprof_svg_place_rank(pprof_svg_layout_t *l, size_t r, int mode);
static void pprof_svg_box(const pprof_graph_t *g, size_t i, double *w,
    double *h, double *bh);
static void pprof_svg_node_box(const pprof_graph_t *g, size_t i, double *w,
    double *h);
static void pprof_svg_lets_size(const pprof_graph_t *g, size_t i, double *w,
    double *h);
static void pprof_svg_lets(const pprof_graph_t *g, size_t i, double x,
    double y, double bw, pprof_out_t *out);
static void pprof_svg_node(pprof_svg_layout_t *l, size_t i,
    const pprof_svg_options_t *so, pprof_out_t *out, double dy);
static void pprof_svg_edge(pprof_svg_layout_t *l, size_t i, pprof_out_t *out,
    double dy);
static void pprof_svg_esc(pprof_out_t *o, const char *s, size_t len);
static size_t pprof_svg_chars(pprof_str_t s);
static void pprof_svg_legend_piece(void *data, const char *s, size_t len,
    int eol);
static void pprof_svg_layout_free(pprof_svg_layout_t *l);


typedef struct {
    pprof_out_t             *out;
    size_t                   lines;
    size_t                   width;     /* of the longest line, in chars */
    size_t                   cur;
    int                      draw;
    int                      open;
} pprof_svg_legend_t;


int
pprof_svg_render(pprof_report_t *report,
    const pprof_render_options_t *options, pprof_out_t *out,
    pprof_error_t *err)
{
    int                    rc;
    pprof_graph_t          g;
    pprof_svg_options_t    so;
    pprof_graph_options_t  go;

    if (pprof_dot_graph_options(report, options, &go, err) != PPROF_OK
        || pprof_graph_build(report, &go, options->allocator, &g, err)
           != PPROF_OK)
    {
        return PPROF_ERROR;
    }

    memset(&so, 0, sizeof(pprof_svg_options_t));
    so.standalone = 1;
    so.legend = report;
    so.graph_options = &go;

    rc = pprof_svg_draw(&g, &so, options->allocator, out, err);

    pprof_graph_free(&g);

    return rc;
}


int
pprof_svg_draw(const pprof_graph_t *g, const pprof_svg_options_t *so,
    const pprof_allocator_t *a, pprof_out_t *out, pprof_error_t *err)
{
    size_t               i;
    double               dy, w, h;
    pprof_svg_legend_t   lg;
    pprof_svg_layout_t   l;

    memset(&l, 0, sizeof(pprof_svg_layout_t));
    l.g = g;
    l.a = a;

    if (pprof_svg_layout(&l) != PPROF_OK) {
        pprof_svg_layout_free(&l);
        pprof_set_error(err, "out of memory");
        return PPROF_ERROR;
    }

    /* the legend's size first: it goes above the graph */
    memset(&lg, 0, sizeof(pprof_svg_legend_t));
    lg.out = out;

    if (so->legend) {
        pprof_dot_legend(so->legend, g, so->graph_options,
                         pprof_svg_legend_piece, &lg);
    }

    dy = lg.lines ? lg.lines * PPROF_SVG_LEGEND_FS * 1.25 + 2 * PPROF_SVG_MARGIN
                  : 0;
    w = l.width;
    h = l.height + dy;

    if (lg.lines && lg.width * PPROF_SVG_LEGEND_FS * 0.6 + 40 > w) {
        w = lg.width * PPROF_SVG_LEGEND_FS * 0.6 + 40;
    }

    if (so->standalone) {
        pprof_out_lit(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    }

    pprof_out_printf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" "
                     "class=\"callgraph\" width=\"%.0f\" height=\"%.0f\" "
                     "viewBox=\"0 0 %.0f %.0f\" font-family=\""
                     PPROF_SVG_FONT "\" role=\"img\" aria-label=\"call graph,"
                     " %zu nodes\">\n", ceil(w), ceil(h), ceil(w), ceil(h),
                     g->nnodes);

    if (so->standalone) {
        pprof_out_printf(out, "<rect width=\"100%%\" height=\"100%%\" "
                         "fill=\"#ffffff\"/>\n");
    }

    if (lg.lines) {
        pprof_out_printf(out, "<text class=\"legend\" x=\"%.0f\" y=\"%.0f\" "
                         "font-size=\"%.0f\">", PPROF_SVG_MARGIN,
                         PPROF_SVG_MARGIN, PPROF_SVG_LEGEND_FS);
        lg.draw = 1;
        lg.lines = 0;
        pprof_dot_legend(so->legend, g, so->graph_options,
                         pprof_svg_legend_piece, &lg);
        pprof_out_lit(out, "</text>\n");
    }

    if (g->nnodes == 0) {
        pprof_out_printf(out, "<text x=\"%.0f\" y=\"%.0f\" font-size=\"14\">"
                         "no samples</text>\n", PPROF_SVG_MARGIN,
                         dy + 2 * PPROF_SVG_MARGIN);
    }

    /* edges under the nodes */
    pprof_out_lit(out, "<g class=\"edges\" fill=\"none\">\n");
    for (i = 0; i < g->nedges; i++) {
        pprof_svg_edge(&l, i, out, dy);
    }
    pprof_out_lit(out, "</g>\n<g class=\"nodes\">\n");

    for (i = 0; i < g->nnodes; i++) {
        pprof_svg_node(&l, i, so, out, dy);
    }

    pprof_out_lit(out, "</g>\n</svg>\n");

    pprof_svg_layout_free(&l);

    return PPROF_OK;
}


/* --- the layout --- */

static int
pprof_svg_layout(pprof_svg_layout_t *l)
{
    size_t               i, r;
    double               y;
    const pprof_graph_t *g;

    g = l->g;

    l->reversed = pprof_alloc_n(l->a, g->nedges + 1, 1);
    l->chain = pprof_alloc_n(l->a, g->nedges + 1, sizeof(uint32_t));
    l->nchain = pprof_alloc_n(l->a, g->nedges + 1, sizeof(uint32_t));

    if (l->reversed == NULL || l->chain == NULL || l->nchain == NULL) {
        return PPROF_ERROR;
    }

    memset(l->reversed, 0, g->nedges + 1);
    memset(l->nchain, 0, (g->nedges + 1) * sizeof(uint32_t));

    if (pprof_svg_ranks(l) != PPROF_OK
        || pprof_svg_virtuals(l) != PPROF_OK
        || pprof_svg_adjacency(l) != PPROF_OK)
    {
        return PPROF_ERROR;
    }

    pprof_svg_order(l);

    for (i = 0; i < PPROF_SVG_SWEEPS; i++) {
        pprof_svg_sweep(l, (i & 1) == 0);
    }

    /* the ranks' heights and tops */
    l->rank_y = pprof_alloc_n(l->a, l->nranks + 1, sizeof(double));
    l->rank_h = pprof_alloc_n(l->a, l->nranks + 1, sizeof(double));
    if (l->rank_y == NULL || l->rank_h == NULL) {
        return PPROF_ERROR;
    }

    memset(l->rank_h, 0, (l->nranks + 1) * sizeof(double));

    for (i = 0; i < l->nv; i++) {
        if (l->v[i].h > l->rank_h[l->v[i].rank]) {
            l->rank_h[l->v[i].rank] = l->v[i].h;
        }
    }

    y = PPROF_SVG_MARGIN;
    for (r = 0; r < l->nranks; r++) {
        l->rank_y[r] = y;
        y += l->rank_h[r] + PPROF_SVG_GAP_Y;
    }

    l->height = l->nranks ? y - PPROF_SVG_GAP_Y + PPROF_SVG_MARGIN
                          : 2 * PPROF_SVG_MARGIN + 20;

    for (i = 0; i < l->nv; i++) {
        l->v[i].y = l->rank_y[l->v[i].rank] + l->rank_h[l->v[i].rank] / 2;
    }

    pprof_svg_place(l);

    return PPROF_OK;
}


/* depth-first from the entry nodes: edges to the stack are reversed;
 * then the longest path from the roots over the oriented edges */
static int
pprof_svg_ranks(pprof_svg_layout_t *l)
{
    size_t                     i, j, n, top, nn;
    uint32_t                   v, u, *stack, *it, *out_off, *out, *indeg,
                              *queue;
    unsigned char             *state;
    const pprof_graph_t       *g;
    const pprof_graph_edge_t  *e;

    g = l->g;
    nn = g->nnodes;

    l->v = pprof_alloc_n(l->a, nn + PPROF_SVG_MAX_VIRTUAL + 1,
                         sizeof(pprof_svg_vertex_t));
    stack = pprof_alloc_n(l->a, nn + 1, sizeof(uint32_t));
    it = pprof_alloc_n(l->a, nn + 1, sizeof(uint32_t));
    out_off = pprof_alloc_n(l->a, nn + 2, sizeof(uint32_t));
    out = pprof_alloc_n(l->a, g->nedges + 1, sizeof(uint32_t));
    indeg = pprof_alloc_n(l->a, nn + 1, sizeof(uint32_t));
    state = pprof_alloc_n(l->a, nn + 1, 1);

    if (l->v == NULL || stack == NULL || it == NULL || out_off == NULL
        || out == NULL || indeg == NULL || state == NULL)
    {
        pprof_free(l->a, stack);
        pprof_free(l->a, it);
        pprof_free(l->a, out_off);
        pprof_free(l->a, out);
        pprof_free(l->a, indeg);
        pprof_free(l->a, state);
        return PPROF_ERROR;
    }

    memset(out_off, 0, (nn + 2) * sizeof(uint32_t));
    memset(indeg, 0, (nn + 1) * sizeof(uint32_t));
    memset(state, 0, nn + 1);

    for (i = 0; i < g->nedges; i++) {
        out_off[g->edges[i].src + 2]++;
        indeg[g->edges[i].dst]++;
    }

    for (i = 0; i < nn; i++) {
        out_off[i + 2] += out_off[i + 1];
    }

    for (i = 0; i < g->nedges; i++) {
        out[out_off[g->edges[i].src + 1]++] = (uint32_t) i;
    }

    /* entry nodes first, in the graph's order, then the rest */
    for (n = 0; n < 2; n++) {
        for (i = 0; i < nn; i++) {
            if (state[i] != 0 || (n == 0 && indeg[i] != 0)) {
                continue;
            }

            top = 0;
            stack[top++] = (uint32_t) i;
            it[i] = out_off[i];
            state[i] = 1;

            while (top > 0) {
                v = stack[top - 1];

                if (it[v] == out_off[v + 1]) {
                    state[v] = 2;
                    top--;
                    continue;
                }

                j = out[it[v]++];
                u = g->edges[j].dst;

                if (state[u] == 1) {
                    l->reversed[j] = 1;

                } else if (state[u] == 0) {
                    state[u] = 1;
                    it[u] = out_off[u];
                    stack[top++] = u;
                }
            }
        }
    }

    /* longest path: Kahn's order over the oriented edges */
    memset(indeg, 0, (nn + 1) * sizeof(uint32_t));
    memset(out_off, 0, (nn + 2) * sizeof(uint32_t));

    for (i = 0; i < g->nedges; i++) {
        e = &g->edges[i];
        v = l->reversed[i] ? e->dst : e->src;
        u = l->reversed[i] ? e->src : e->dst;
        out_off[v + 2]++;
        indeg[u]++;
    }

    for (i = 0; i < nn; i++) {
        out_off[i + 2] += out_off[i + 1];
    }

    for (i = 0; i < g->nedges; i++) {
        e = &g->edges[i];
        v = l->reversed[i] ? e->dst : e->src;
        out[out_off[v + 1]++] = (uint32_t) i;
    }

    queue = stack;
    top = 0;
    l->nranks = nn ? 1 : 0;

    for (i = 0; i < nn; i++) {
        l->v[i].rank = 0;
        if (indeg[i] == 0) {
            queue[top++] = (uint32_t) i;
        }
    }

    for (j = 0; j < top; j++) {
        v = queue[j];

        for (i = out_off[v]; i < out_off[v + 1]; i++) {
            e = &g->edges[out[i]];
            u = l->reversed[out[i]] ? e->src : e->dst;

            if (l->v[u].rank < l->v[v].rank + 1) {
                l->v[u].rank = l->v[v].rank + 1;
                if (l->v[u].rank + 1 > l->nranks) {
                    l->nranks = l->v[u].rank + 1;
                }
            }

            if (--indeg[u] == 0) {
                queue[top++] = u;
            }
        }
    }

    for (i = 0; i < nn; i++) {
        pprof_svg_box(g, i, &l->v[i].w, &l->v[i].h, &l->v[i].bh);
    }

    l->nv = nn;

    pprof_free(l->a, stack);
    pprof_free(l->a, it);
    pprof_free(l->a, out_off);
    pprof_free(l->a, out);
    pprof_free(l->a, indeg);
    pprof_free(l->a, state);

    return PPROF_OK;
}


static int
pprof_svg_virtuals(pprof_svg_layout_t *l)
{
    size_t                     i, k, span, ns;
    uint32_t                   top, bottom, prev;
    const pprof_graph_edge_t  *e;

    /* segments: an edge with its virtuals has span of them */
    ns = 0;
    for (i = 0; i < l->g->nedges; i++) {
        e = &l->g->edges[i];
        top = l->reversed[i] ? e->dst : e->src;
        bottom = l->reversed[i] ? e->src : e->dst;
        span = l->v[bottom].rank - l->v[top].rank;

        if (span > 1 && l->nv - l->g->nnodes + span - 1
                        <= PPROF_SVG_MAX_VIRTUAL)
        {
            l->chain[i] = (uint32_t) l->nv;
            l->nchain[i] = (uint32_t) (span - 1);

            for (k = 1; k < span; k++) {
                memset(&l->v[l->nv], 0, sizeof(pprof_svg_vertex_t));
                l->v[l->nv].rank = l->v[top].rank + (uint32_t) k;
                l->v[l->nv].w = PPROF_SVG_VIRTUAL_W;
                l->v[l->nv].h = 0;
                l->nv++;
            }

            ns += span;

        } else if (span == 1) {
            ns++;
        }
    }

    l->segs = pprof_alloc_n(l->a, ns + 1, sizeof(pprof_svg_seg_t));
    if (l->segs == NULL) {
        return PPROF_ERROR;
    }

    l->nsegs = 0;

    for (i = 0; i < l->g->nedges; i++) {
        e = &l->g->edges[i];
        top = l->reversed[i] ? e->dst : e->src;
        bottom = l->reversed[i] ? e->src : e->dst;
        span = l->v[bottom].rank - l->v[top].rank;

        if (span == 1) {
            l->segs[l->nsegs].top = top;
            l->segs[l->nsegs++].bottom = bottom;
            continue;
        }

        if (l->nchain[i] == 0) {
            continue;
        }

        prev = top;
        for (k = 0; k < l->nchain[i]; k++) {
            l->segs[l->nsegs].top = prev;
            l->segs[l->nsegs++].bottom = l->chain[i] + (uint32_t) k;
            prev = l->chain[i] + (uint32_t) k;
        }

        l->segs[l->nsegs].top = prev;
        l->segs[l->nsegs++].bottom = bottom;
    }

    return PPROF_OK;
}


static int
pprof_svg_adjacency(pprof_svg_layout_t *l)
{
    size_t  i, nv;

    nv = l->nv;

    l->up_off = pprof_alloc_n(l->a, nv + 2, sizeof(uint32_t));
    l->down_off = pprof_alloc_n(l->a, nv + 2, sizeof(uint32_t));
    l->up = pprof_alloc_n(l->a, l->nsegs + 1, sizeof(uint32_t));
    l->down = pprof_alloc_n(l->a, l->nsegs + 1, sizeof(uint32_t));
    l->order = pprof_alloc_n(l->a, nv + 1, sizeof(uint32_t));
    l->rank_off = pprof_alloc_n(l->a, l->nranks + 2, sizeof(uint32_t));
    l->tmp = pprof_alloc_n(l->a, nv + 1, sizeof(double));
    l->tmp2 = pprof_alloc_n(l->a, nv + 1, sizeof(double));
    l->itmp = pprof_alloc_n(l->a, nv + 1, sizeof(uint32_t));
    l->ptmp = pprof_alloc_n(l->a, nv + 1, sizeof(pprof_svg_vertex_t *));

    if (l->up_off == NULL || l->down_off == NULL || l->up == NULL
        || l->down == NULL || l->order == NULL || l->rank_off == NULL
        || l->tmp == NULL || l->tmp2 == NULL || l->itmp == NULL
        || l->ptmp == NULL)
    {
        return PPROF_ERROR;
    }

    memset(l->up_off, 0, (nv + 2) * sizeof(uint32_t));
    memset(l->down_off, 0, (nv + 2) * sizeof(uint32_t));

    for (i = 0; i < l->nsegs; i++) {
        l->up_off[l->segs[i].bottom + 2]++;
        l->down_off[l->segs[i].top + 2]++;
    }

    for (i = 0; i < nv; i++) {
        l->up_off[i + 2] += l->up_off[i + 1];
        l->down_off[i + 2] += l->down_off[i + 1];
    }

    for (i = 0; i < l->nsegs; i++) {
        l->up[l->up_off[l->segs[i].bottom + 1]++] = l->segs[i].top;
        l->down[l->down_off[l->segs[i].top + 1]++] = l->segs[i].bottom;
    }

    return PPROF_OK;
}


/* the first order: by rank, vertices in their creation order (the
 * graph's order puts the heavy nodes first) */
static void
pprof_svg_order(pprof_svg_layout_t *l)
{
    size_t    i, r;

    memset(l->rank_off, 0, (l->nranks + 2) * sizeof(uint32_t));

    for (i = 0; i < l->nv; i++) {
        l->rank_off[l->v[i].rank + 2]++;
    }

    for (r = 0; r < l->nranks; r++) {
        l->rank_off[r + 2] += l->rank_off[r + 1];
    }

    for (i = 0; i < l->nv; i++) {
        r = l->v[i].rank;
        l->v[i].pos = l->rank_off[r + 1] - l->rank_off[r];
        l->order[l->rank_off[r + 1]++] = (uint32_t) i;
    }
}


static int
pprof_svg_cmp_key(const void *one, const void *two)
{
    const pprof_svg_vertex_t  *a, *b;

    a = *(const pprof_svg_vertex_t * const *) one;
    b = *(const pprof_svg_vertex_t * const *) two;

    if (a->key != b->key) {
        return a->key < b->key ? -1 : 1;
    }

    return a->pos < b->pos ? -1 : a->pos > b->pos;
}


/* barycenters: each rank by its neighbours' mean position in the rank
 * before it (down) or after it (up) */
static void
pprof_svg_sweep(pprof_svg_layout_t *l, int down)
{
    size_t                i, j, r, k, n, lo, hi;
    uint32_t              v, *off, *adj;
    double                sum;
    pprof_svg_vertex_t  **p;

    off = down ? l->up_off : l->down_off;
    adj = down ? l->up : l->down;
    p = l->ptmp;

    for (k = 1; k < l->nranks; k++) {
        r = down ? k : l->nranks - 1 - k;
        lo = l->rank_off[r];
        hi = l->rank_off[r + 1];

        for (i = lo; i < hi; i++) {
            v = l->order[i];
            n = off[v + 1] - off[v];
            sum = 0;

            for (j = off[v]; j < off[v + 1]; j++) {
                sum += l->v[adj[j]].pos;
            }

            l->v[v].key = n ? sum / n : l->v[v].pos;
            p[i - lo] = &l->v[v];
        }

        qsort(p, hi - lo, sizeof(pprof_svg_vertex_t *), pprof_svg_cmp_key);

        for (i = lo; i < hi; i++) {
            v = (uint32_t) (p[i - lo] - l->v);
            l->order[i] = v;
            l->v[v].pos = (uint32_t) (i - lo);
        }
    }
}


static void
pprof_svg_place(pprof_svg_layout_t *l)
{
    size_t   i, r, pass;
    double   min, max, left, right;

    /* packed first */
    for (r = 0; r < l->nranks; r++) {
        pprof_svg_place_rank(l, r, -1);
    }

    for (pass = 0; pass < PPROF_SVG_PASSES; pass++) {
        if (pass & 1) {
            for (r = l->nranks; r > 0; r--) {
                pprof_svg_place_rank(l, r - 1,
                                     pass == PPROF_SVG_PASSES - 1 ? 2 : 1);
            }

        } else {
            for (r = 0; r < l->nranks; r++) {
                pprof_svg_place_rank(l, r, 0);
            }
        }
    }

    min = 0;
    max = 0;

    for (i = 0; i < l->nv; i++) {
        left = l->v[i].x - l->v[i].w / 2;
        right = l->v[i].x + l->v[i].w / 2;

        if (i == 0 || left < min) {
            min = left;
        }

        if (i == 0 || right > max) {
            max = right;
        }
    }

    for (i = 0; i < l->nv; i++) {
        l->v[i].x += PPROF_SVG_MARGIN - min;
    }

    l->width = l->nv ? max - min + 2 * PPROF_SVG_MARGIN : 200;
}


/*
 * x of rank r's vertices, in order and at least the gaps apart, as close
 * as can be to their targets (least squares: pool adjacent violators on
 * x minus the gaps before it).  mode -1: packed; 0: the mean of the
 * vertices above; 1: below; 2: both.
 */
static void
pprof_svg_place_rank(pprof_svg_layout_t *l, size_t r, int mode)
{
    size_t               i, j, lo, hi, n, nb, from, to;
    uint32_t             v;
    double               off, sum, cnt, *t, *bsum;
    uint32_t            *bcnt;
    pprof_svg_vertex_t  *x;

    lo = l->rank_off[r];
    hi = l->rank_off[r + 1];
    n = hi - lo;

    if (n == 0) {
        return;
    }

    t = l->tmp;
    bsum = l->tmp2;
    bcnt = l->itmp;

    /* targets minus the offsets */
    off = 0;

    for (i = 0; i < n; i++) {
        v = l->order[lo + i];
        x = &l->v[v];

        if (i > 0) {
            off += (l->v[l->order[lo + i - 1]].w + x->w) / 2
                   + PPROF_SVG_GAP_X;
        }

        sum = 0;
        cnt = 0;

        if (mode == 0 || mode == 2) {
            for (j = l->up_off[v]; j < l->up_off[v + 1]; j++) {
                sum += l->v[l->up[j]].x;
                cnt++;
            }
        }

        if (mode == 1 || mode == 2) {
            for (j = l->down_off[v]; j < l->down_off[v + 1]; j++) {
                sum += l->v[l->down[j]].x;
                cnt++;
            }
        }

        t[i] = (mode < 0) ? 0 : (cnt ? sum / cnt : x->x) - off;
    }

    /* pool adjacent violators: blocks of equal value, non-decreasing */
    nb = 0;

    for (i = 0; i < n; i++) {
        bsum[nb] = t[i];
        bcnt[nb] = 1;
        nb++;

        while (nb > 1
               && bsum[nb - 2] / bcnt[nb - 2] > bsum[nb - 1] / bcnt[nb - 1])
        {
            bsum[nb - 2] += bsum[nb - 1];
            bcnt[nb - 2] += bcnt[nb - 1];
            nb--;
        }
    }

    /* back: x = the block's mean plus the offset; t is free again */
    off = 0;
    from = 0;

    for (j = 0; j < nb; j++) {
        to = from + bcnt[j];

        for (i = from; i < to; i++) {
            v = l->order[lo + i];

            if (i > 0) {
                off += (l->v[l->order[lo + i - 1]].w + l->v[v].w) / 2
                       + PPROF_SVG_GAP_X;
            }

            l->v[v].x = bsum[j] / bcnt[j] + off;
        }

        from = to;
    }
}


/* --- drawing --- */

typedef struct {
    pprof_str_t              lines[PPROF_SVG_LINES + 2];
    char                     values[2][96];
    size_t                   nlines;
    char                     buf[4096];
} pprof_svg_label_t;


static void
pprof_svg_label(const pprof_graph_t *g, size_t i, pprof_svg_label_t *lb)
{
    char                       v[64], pct[32];
    size_t                     n, m, k;
    const pprof_graph_node_t  *node;

    node = &g->nodes[i];
    m = 0;

    lb->nlines = pprof_graph_name_lines(node->name, lb->buf, sizeof(lb->buf),
                                        lb->lines, PPROF_SVG_LINES);

    /* "10ms (1.2%)" and "of 20ms (2.4%)", as the DOT's label */
    pprof_graph_format_value(g, v, sizeof(v), node->flat);
    pprof_format_percent(pct, sizeof(pct), node->flat, g->total);
    for (k = 0; pct[k] == ' '; k++) { /* void */ }

    /* "0 of 20ms (2.4%)" on one line when flat is 0, as the DOT's */
    n = node->flat != 0
        ? (size_t) snprintf(lb->values[0], sizeof(lb->values[0]), "%s (%s)",
                            v, pct + k)
        : (size_t) snprintf(lb->values[0], sizeof(lb->values[0]), "0");

    if (node->cum != node->flat) {
        pprof_graph_format_value(g, v, sizeof(v), node->cum);
        pprof_format_percent(pct, sizeof(pct), node->cum, g->total);
        for (k = 0; pct[k] == ' '; k++) { /* void */ }

        if (node->flat == 0) {
            n = snprintf(lb->values[0], sizeof(lb->values[0]), "0 of %s (%s)",
                         v, pct + k);

        } else {
            m = snprintf(lb->values[1], sizeof(lb->values[1]), "of %s (%s)",
                         v, pct + k);
        }
    }

    lb->lines[lb->nlines].data = lb->values[0];
    lb->lines[lb->nlines++].len = n < sizeof(lb->values[0])
                                  ? n : sizeof(lb->values[0]) - 1;

    if (m) {
        lb->lines[lb->nlines].data = lb->values[1];
        lb->lines[lb->nlines++].len = m < sizeof(lb->values[1])
                                      ? m : sizeof(lb->values[1]) - 1;
    }
}


/* a node's vertex: its box (bh high), and its nodelets under it */
static void
pprof_svg_box(const pprof_graph_t *g, size_t i, double *w, double *h,
    double *bh)
{
    double  lw, lh;

    pprof_svg_node_box(g, i, w, h);
    pprof_svg_lets_size(g, i, &lw, &lh);
    *bh = *h;

    if (lh > 0) {
        *w = lw > *w ? lw : *w;
        *h += PPROF_SVG_LET_GAP + lh;
    }
}


static void
pprof_svg_node_box(const pprof_graph_t *g, size_t i, double *w, double *h)
{
    int                 fs;
    size_t              k, c, max;
    pprof_svg_label_t   lb;

    pprof_svg_label(g, i, &lb);
    fs = pprof_graph_font_size(g, g->nodes[i].flat);

    max = 1;
    for (k = 0; k < lb.nlines; k++) {
        c = pprof_svg_chars(lb.lines[k]);
        if (c > max) {
            max = c;
        }
    }

    *w = max * fs * 0.6 + 14;
    *h = lb.nlines * fs * 1.2 + 10;
}


static void
pprof_svg_node(pprof_svg_layout_t *l, size_t i, const pprof_svg_options_t *so,
    pprof_out_t *out, double dy)
{
    int                        fs;
    char                       color[8], fill[8], v[64];
    size_t                     k;
    double                     x, y, t, bw, bh;
    pprof_svg_label_t          lb;
    pprof_svg_vertex_t        *vx;
    const pprof_graph_t       *g;
    const pprof_graph_node_t  *node;

    g = l->g;
    node = &g->nodes[i];
    vx = &l->v[i];
    fs = pprof_graph_font_size(g, node->flat);
    t = g->total < 0 ? -(double) g->total : (double) g->total;

    pprof_graph_color(color, t ? (double) node->cum / t : 0, 0);
    pprof_graph_color(fill, t ? (double) node->cum / t : 0, 1);
    pprof_svg_label(g, i, &lb);
    pprof_graph_format_value(g, v, sizeof(v), node->cum);

    /* the box at the vertex's top, its nodelets under it */
    pprof_svg_node_box(g, i, &bw, &bh);
    x = vx->x - bw / 2;
    y = vx->y - vx->h / 2 + dy;

    pprof_out_printf(out, "<g class=\"node\" id=\"node%zu\"><title>", i + 1);
    pprof_svg_esc(out, node->name.data, node->name.len);
    pprof_out_printf(out, " (%s)</title>", v);

    if (so->href) {
        pprof_out_lit(out, "<a");
        so->href(so->data, out, node);
        pprof_out_lit(out, ">");
    }

    pprof_out_printf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                     "height=\"%.1f\" rx=\"3\" fill=\"%s\" stroke=\"%s\"/>"
                     "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%d\" "
                     "text-anchor=\"middle\" fill=\"#000000\">",
                     x, y, bw, bh, fill, color, vx->x,
                     y + 5 + fs * 0.95, fs);

    for (k = 0; k < lb.nlines; k++) {
        pprof_out_printf(out, "<tspan x=\"%.1f\"%s>", vx->x,
                         k ? " dy=\"1.2em\"" : "");
        pprof_svg_esc(out, lb.lines[k].data, lb.lines[k].len);
        pprof_out_lit(out, "</tspan>");
    }

    pprof_out_lit(out, "</text>");

    if (so->href) {
        pprof_out_lit(out, "</a>");
    }

    if (node->nnodelets) {
        pprof_svg_lets(g, i, vx->x, y + bh, bw, out);
    }

    pprof_out_lit(out, "</g>\n");
}


/* --- nodelets --- */

typedef struct {
    pprof_str_t              lines[PPROF_SVG_LET_LINES + 1];
    size_t                   nlines;
    char                     weight[64];
    double                   w;
    double                   h;
} pprof_svg_let_t;


/* a line of at most PPROF_SVG_LET_CHARS characters, whole UTF-8 ones */
static pprof_str_t
pprof_svg_let_line(const char *p, size_t len)
{
    size_t       i, n;
    pprof_str_t  s;

    n = 0;
    for (i = 0; i < len; i++) {
        if (((unsigned char) p[i] & 0xc0) != 0x80
            && n++ == PPROF_SVG_LET_CHARS)
        {
            break;
        }
    }

    s.data = p;
    s.len = i;

    return s;
}


/* a nodelet's lines: a label set's "key:value" each, or the size; then
 * its weight */
static void
pprof_svg_let(const pprof_graph_t *g, const pprof_graph_nodelet_t *d,
    pprof_svg_let_t *lt)
{
    size_t       i, start, c, max;
    const char  *p;

    p = d->name.data;
    lt->nlines = 0;
    start = 0;

    for (i = 0; i <= d->name.len; i++) {
        if (i < d->name.len
            && !(p[i] == '\\' && i + 1 < d->name.len && p[i + 1] == 'n'))
        {
            continue;
        }

        if (lt->nlines == PPROF_SVG_LET_LINES - 1 && i < d->name.len) {
            lt->lines[lt->nlines++] = pprof_cstr("\xe2\x80\xa6");
            break;
        }

        lt->lines[lt->nlines++] = pprof_svg_let_line(p + start, i - start);
        start = i + 2;
        i++;
    }

    pprof_graph_format_value(g, lt->weight, sizeof(lt->weight), d->weight);

    max = pprof_svg_chars(pprof_cstr(lt->weight));
    for (i = 0; i < lt->nlines; i++) {
        c = pprof_svg_chars(lt->lines[i]);
        if (c > max) {
            max = c;
        }
    }

    lt->w = max * PPROF_SVG_LET_FS * 0.6 + 10;
    lt->h = (lt->nlines + 1) * PPROF_SVG_LET_FS * 1.2 + 6;
}


/*
 * Node i's nodelets in columns, a column for each from the node with the
 * sizes of a label set under it: the columns' widths, heights and first
 * nodelets; returns their number.
 */
static size_t
pprof_svg_let_cols(const pprof_graph_t *g, size_t i, double *cw, double *ch,
    size_t *first)
{
    size_t                     k, n;
    pprof_svg_let_t            lt;
    const pprof_graph_node_t  *node;

    node = &g->nodes[i];
    n = 0;

    for (k = node->nodelet; k < (size_t) node->nodelet + node->nnodelets; k++)
    {
        pprof_svg_let(g, &g->nodelets[k], &lt);

        if (g->nodelets[k].parent == PPROF_NONE) {
            if (n == PPROF_SVG_LET_COLS) {
                break;
            }

            first[n] = k;
            cw[n] = lt.w;
            ch[n] = lt.h;
            n++;
            continue;
        }

        if (n) {
            cw[n - 1] = lt.w > cw[n - 1] ? lt.w : cw[n - 1];
            ch[n - 1] += PPROF_SVG_LET_GAP + lt.h;
        }
    }

    return n;
}


/* the widths of the columns [from, to), with the gaps between them */
static double
pprof_svg_let_width(const double *cw, size_t from, size_t to)
{
    size_t  k;
    double  w;

    w = 0;
    for (k = from; k < to; k++) {
        w += cw[k] + (k > from ? PPROF_SVG_LET_SEP : 0);
    }

    return w;
}


/* the width and height of node i's nodelets: half the columns left of
 * the node's centre, half right, the edges' way down between */
static void
pprof_svg_lets_size(const pprof_graph_t *g, size_t i, double *w, double *h)
{
    size_t  k, n, half, first[PPROF_SVG_LET_COLS];
    double  lw, rw, cw[PPROF_SVG_LET_COLS], ch[PPROF_SVG_LET_COLS];

    n = pprof_svg_let_cols(g, i, cw, ch, first);
    half = (n + 1) / 2;
    lw = pprof_svg_let_width(cw, 0, half);
    rw = pprof_svg_let_width(cw, half, n);

    *w = n ? 2 * (lw > rw ? lw : rw) + PPROF_SVG_LET_MID : 0;
    *h = 0;

    for (k = 0; k < n; k++) {
        *h = ch[k] > *h ? ch[k] : *h;
    }
}


/* one nodelet's box at (cx, y) (top centre), its line from (px, py) */
static double
pprof_svg_let_draw(const pprof_graph_t *g, const pprof_graph_nodelet_t *d,
    double cx, double y, double px, double py, pprof_out_t *out)
{
    size_t           k;
    pprof_svg_let_t  lt;

    pprof_svg_let(g, d, &lt);

    pprof_out_printf(out, "<g class=\"nodelet\"><title>");

    for (k = 0; k < lt.nlines; k++) {
        if (k) {
            pprof_out_lit(out, " ");
        }

        pprof_svg_esc(out, lt.lines[k].data, lt.lines[k].len);
    }

    pprof_out_printf(out, " (%s%s)</title><path d=\"M%.1f,%.1fL%.1f,%.1f\" "
                     "stroke=\"#999999\"%s/>", lt.weight,
                     d->dotted ? ", cum" : "", px, py, cx, y,
                     d->dotted ? " stroke-dasharray=\"2,3\"" : "");
    pprof_out_printf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                     "height=\"%.1f\" fill=\"#f8f8f8\" stroke=\"#999999\"/>"
                     "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%d\" "
                     "text-anchor=\"middle\" fill=\"#000000\">",
                     cx - lt.w / 2, y, lt.w, lt.h, cx,
                     y + 3 + PPROF_SVG_LET_FS * 0.95, PPROF_SVG_LET_FS);

    for (k = 0; k < lt.nlines; k++) {
        pprof_out_printf(out, "<tspan x=\"%.1f\"%s>", cx,
                         k ? " dy=\"1.2em\"" : "");
        pprof_svg_esc(out, lt.lines[k].data, lt.lines[k].len);
        pprof_out_lit(out, "</tspan>");
    }

    pprof_out_printf(out, "<tspan x=\"%.1f\" dy=\"1.2em\" "
                     "fill=\"#555555\">", cx);
    pprof_svg_esc(out, lt.weight, strlen(lt.weight));
    pprof_out_lit(out, "</tspan></text></g>");

    return y + lt.h;
}


/* node i's nodelets under its box, whose bottom centre is (x, y) and
 * which is bw wide */
static void
pprof_svg_lets(const pprof_graph_t *g, size_t i, double x, double y,
    double bw, pprof_out_t *out)
{
    size_t                     k, j, n, end, half, first[PPROF_SVG_LET_COLS];
    double                     left, cx, px, top, bottom;
    double                     cw[PPROF_SVG_LET_COLS], ch[PPROF_SVG_LET_COLS];
    const pprof_graph_node_t  *node;

    node = &g->nodes[i];
    end = (size_t) node->nodelet + node->nnodelets;
    n = pprof_svg_let_cols(g, i, cw, ch, first);
    half = (n + 1) / 2;
    top = y + PPROF_SVG_LET_GAP;

    pprof_out_lit(out, "<g class=\"nodelets\">");

    for (k = 0; k < n; k++) {
        if (k == 0) {
            left = x - PPROF_SVG_LET_MID / 2 - pprof_svg_let_width(cw, 0, half);

        } else if (k == half) {
            left = x + PPROF_SVG_LET_MID / 2;
        }

        /* the line from the box's bottom, straight when it can be */
        cx = left + cw[k] / 2;
        px = cx < x - bw / 2 + 3 ? x - bw / 2 + 3
             : cx > x + bw / 2 - 3 ? x + bw / 2 - 3 : cx;

        bottom = pprof_svg_let_draw(g, &g->nodelets[first[k]], cx, top, px, y,
                                    out);

        for (j = first[k] + 1; j < end && g->nodelets[j].parent != PPROF_NONE;
             j++)
        {
            bottom = pprof_svg_let_draw(g, &g->nodelets[j], cx,
                                        bottom + PPROF_SVG_LET_GAP, cx, bottom,
                                        out);
        }

        left += cw[k] + PPROF_SVG_LET_SEP;
    }

    pprof_out_lit(out, "</g>");
}


/* point k of edge i's path, top to bottom: the top box's bottom, the
 * virtuals, the bottom box's top */
static void
pprof_svg_point(pprof_svg_layout_t *l, size_t i, size_t k, double dy,
    double *x, double *y)
{
    uint32_t                   top, bottom;
    pprof_svg_vertex_t        *v;
    const pprof_graph_edge_t  *e;

    e = &l->g->edges[i];
    top = l->reversed[i] ? e->dst : e->src;
    bottom = l->reversed[i] ? e->src : e->dst;

    if (k == 0) {
        /* from the box's bottom, between its nodelets */
        v = &l->v[top];
        *x = v->x;
        *y = v->y - v->h / 2 + v->bh + dy;

    } else if (k == l->nchain[i] + 1) {
        v = &l->v[bottom];
        *x = v->x;
        *y = v->y - v->h / 2 + dy;

    } else {
        v = &l->v[l->chain[i] + k - 1];
        *x = v->x;
        *y = v->y + dy;
    }
}


static void
pprof_svg_edge(pprof_svg_layout_t *l, size_t i, pprof_out_t *out, double dy)
{
    char                       color[8], v[64];
    size_t                     k, n;
    double                     t, x0, y0, x1, y1, cy, lx, ly, width, uy;
    int64_t                    w, q;
    const pprof_graph_t       *g;
    const pprof_graph_edge_t  *e;

    g = l->g;
    e = &g->edges[i];
    w = e->weight;
    t = g->total < 0 ? -(double) g->total : (double) g->total;

    /* pprof's penwidth and colour */
    width = 1;
    if (g->total != 0) {
        q = w * 5 / g->total;
        q = q < 0 ? -q : q;
        width = (double) (1 + (q < 5 ? q : 5));
    }

    pprof_graph_color(color, t ? (double) w / t : 0, 0);
    pprof_graph_format_value(g, v, sizeof(v), w);

    pprof_out_lit(out, "<g class=\"edge\"><title>");
    pprof_svg_esc(out, g->nodes[e->src].name.data, g->nodes[e->src].name.len);
    pprof_out_str(out, e->residual ? " ... " : " -> ");
    pprof_svg_esc(out, g->nodes[e->dst].name.data, g->nodes[e->dst].name.len);
    pprof_out_printf(out, " (%s)</title><path stroke=\"%s\" "
                     "stroke-width=\"%.0f\"%s d=\"", v, color, width,
                     e->residual ? " stroke-dasharray=\"2,3\"" : "");

    /* from the source's end: curves with vertical tangents at each point */
    n = l->nchain[i] + 2;
    x1 = 0;
    y1 = 0;
    uy = 1;

    for (k = 0; k + 1 < n; k++) {
        pprof_svg_point(l, i, l->reversed[i] ? n - 1 - k : k, dy, &x0, &y0);
        pprof_svg_point(l, i, l->reversed[i] ? n - 2 - k : k + 1, dy,
                        &x1, &y1);

        if (k == 0) {
            pprof_out_printf(out, "M%.1f,%.1f", x0, y0);
        }

        cy = (y0 + y1) / 2;

        if (k + 2 == n) {
            /* the last ends at the arrowhead's base */
            uy = y1 >= y0 ? 1 : -1;
            pprof_out_printf(out, "C%.1f,%.1f %.1f,%.1f %.1f,%.1f", x0, cy,
                             x1, cy, x1, y1 - uy * PPROF_SVG_ARROW);

        } else {
            pprof_out_printf(out, "C%.1f,%.1f %.1f,%.1f %.1f,%.1f", x0, cy,
                             x1, cy, x1, y1);
        }
    }

    pprof_out_printf(out, "\"/><polygon fill=\"%s\" points=\"%.1f,%.1f "
                     "%.1f,%.1f %.1f,%.1f\"/>", color, x1, y1,
                     x1 - 4.5, y1 - uy * PPROF_SVG_ARROW,
                     x1 + 4.5, y1 - uy * PPROF_SVG_ARROW);

    /* the label at the middle: a virtual node or the single curve's */
    if (n > 2) {
        pprof_svg_point(l, i, n / 2, dy, &lx, &ly);

    } else {
        pprof_svg_point(l, i, 0, dy, &x0, &y0);
        pprof_svg_point(l, i, 1, dy, &x1, &y1);
        lx = (x0 + x1) / 2;
        ly = (y0 + y1) / 2;
    }

    pprof_out_printf(out, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" "
                     "fill=\"#333333\">", lx + 5, ly + 4);
    pprof_svg_esc(out, v, strlen(v));

    if (e->inl) {
        pprof_out_lit(out, " (inline)");
    }

    pprof_out_lit(out, "</text></g>\n");
}


/* the legend: measured first, then drawn as tspans */
static void
pprof_svg_legend_piece(void *data, const char *s, size_t len, int eol)
{
    pprof_str_t          str;
    pprof_svg_legend_t  *lg;

    lg = data;

    if (lg->draw) {
        /* the "\n" before the last line: an empty line of its own */
        if (!lg->open && len && s[0] == '\n') {
            pprof_out_printf(lg->out, "<tspan x=\"%.0f\" dy=\"1.25em\"> "
                             "</tspan>", PPROF_SVG_MARGIN);
            s++;
            len--;
            lg->lines++;
        }

        if (!lg->open) {
            pprof_out_printf(lg->out, "<tspan x=\"%.0f\" dy=\"%s\">",
                             PPROF_SVG_MARGIN, lg->lines ? "1.25em" : "1em");
            lg->open = 1;
        }

        pprof_svg_esc(lg->out, s, len);

        if (eol) {
            pprof_out_lit(lg->out, "</tspan>");
            lg->open = 0;
            lg->lines++;
        }

        return;
    }

    str.data = s;
    str.len = len;
    lg->cur += pprof_svg_chars(str);

    if (len && s[0] == '\n') {
        lg->lines++;
    }

    if (eol) {
        if (lg->cur > lg->width) {
            lg->width = lg->cur;
        }

        lg->cur = 0;
        lg->lines++;
    }
}


/* XML text and attribute escaping; control bytes become spaces */
static void
pprof_svg_esc(pprof_out_t *o, const char *s, size_t len)
{
    size_t       i, start;
    const char  *rep;

    start = 0;

    for (i = 0; i < len; i++) {
        switch (s[i]) {
        case '&':
            rep = "&amp;";
            break;
        case '<':
            rep = "&lt;";
            break;
        case '>':
            rep = "&gt;";
            break;
        case '"':
            rep = "&quot;";
            break;
        default:
            if ((unsigned char) s[i] < 0x20 || s[i] == 0x7f) {
                rep = " ";
                break;
            }

            continue;
        }

        pprof_out_write(o, s + start, i - start);
        pprof_out_str(o, rep);
        start = i + 1;
    }

    pprof_out_write(o, s + start, len - start);
}


/* characters of UTF-8 text, for widths */
static size_t
pprof_svg_chars(pprof_str_t s)
{
    size_t  i, n;

    n = 0;
    for (i = 0; i < s.len; i++) {
        if (((unsigned char) s.data[i] & 0xc0) != 0x80) {
            n++;
        }
    }

    return n;
}


static void
pprof_svg_layout_free(pprof_svg_layout_t *l)
{
    pprof_free(l->a, l->v);
    pprof_free(l->a, l->reversed);
    pprof_free(l->a, l->chain);
    pprof_free(l->a, l->nchain);
    pprof_free(l->a, l->segs);
    pprof_free(l->a, l->up_off);
    pprof_free(l->a, l->up);
    pprof_free(l->a, l->down_off);
    pprof_free(l->a, l->down);
    pprof_free(l->a, l->order);
    pprof_free(l->a, l->rank_off);
    pprof_free(l->a, l->rank_y);
    pprof_free(l->a, l->rank_h);
    pprof_free(l->a, l->tmp);
    pprof_free(l->a, l->tmp2);
    pprof_free(l->a, l->itmp);
    pprof_free(l->a, l->ptmp);
}
