
/*
 * The call graph as `go tool pprof -dot` prints it (internal/graph's
 * ComposeDot with internal/report's GetDOT): the same legend, node ids in
 * the graph's order, labels with pprof's short names, flat and cum with
 * percentages, font sizes 8 to 24 by flat, colours by cum, edges heaviest
 * first with weight, penwidth and colour by their share of the total,
 * "(inline)" and the dotted residual style, and the sample labels as
 * pprof's nodelets (boxes N1_0 for label sets, NN1_0 for "bytes" sizes).
 * Uses the graph (pprof_graph.c), the legend and the output buffer.
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pprof_util.h"
#include "pprof_out.h"
#include "pprof_units.h"
#include "pprof_report.h"
#include "pprof_legend.h"
#include "pprof_graph.h"
#include "pprof_dot.h"


#define PPROF_DOT_NAME_MAX   8192


typedef struct {
    pprof_out_t             *out;
    int                      first;     /* only the first line */
    int                      done;      /* the first line is out */
} pprof_dot_lines_t;


static int64_t pprof_dot_share(int64_t w, int64_t k, int64_t total);
static void pprof_dot_esc(pprof_out_t *o, const char *s, size_t len);
static void pprof_dot_piece(void *data, const char *s, size_t len, int eol);
static void pprof_dot_label_name(pprof_out_t *o, pprof_str_t name);
static void pprof_dot_percent(pprof_out_t *o, int64_t v, int64_t total);
static void pprof_dot_nodelets(pprof_out_t *o, const pprof_graph_t *g,
    size_t i);
static void pprof_dot_tag_name(pprof_out_t *o, pprof_str_t name);


int
pprof_dot_graph_options(pprof_report_t *report,
    const pprof_render_options_t *options, pprof_graph_options_t *go,
    pprof_error_t *err)
{
    const pprof_report_options_t  *ro;

    ro = pprof_report_info(report)->options;

    go->nodecount = options->nodecount;

    return pprof_report_fractions(ro, PPROF_GRAPH_NODE_FRACTION,
                                  PPROF_GRAPH_EDGE_FRACTION,
                                  &go->node_fraction, &go->edge_fraction,
                                  err);
}


int
pprof_dot_render(pprof_report_t *report,
    const pprof_render_options_t *options, pprof_out_t *out,
    pprof_error_t *err)
{
    char                   v[64], color[8], fill[8];
    size_t                 i;
    int64_t                w, total, t;
    pprof_graph_t          g;
    pprof_legend_t         lg;
    pprof_dot_lines_t      lines;
    pprof_graph_options_t  go;
    pprof_graph_node_t    *n;
    pprof_graph_edge_t    *e;

    if (pprof_dot_graph_options(report, options, &go, err) != PPROF_OK) {
        return PPROF_ERROR;
    }

    if (pprof_graph_build(report, &go, options->allocator, &g, err)
        != PPROF_OK)
    {
        return PPROF_ERROR;
    }

    pprof_report_legend(report, &lg);
    total = g.total;
    t = total < 0 ? -total : total;

    pprof_out_lit(out, "digraph \"");
    if (lg.file.len) {
        pprof_out_write(out, lg.file.data, lg.file.len);

    } else {
        pprof_out_lit(out, "unnamed");
    }

    pprof_out_lit(out, "\" {\nnode [style=filled fillcolor=\"#f8f8f8\"]\n");

    /* the legend, named by its first line */
    pprof_out_lit(out, "subgraph cluster_L { \"");
    lines.out = out;
    lines.first = 1;
    lines.done = 0;
    pprof_dot_legend(report, &g, &go, pprof_dot_piece, &lines);
    pprof_out_lit(out, "\" [shape=box fontsize=16 label=\"");
    lines.first = 0;
    pprof_dot_legend(report, &g, &go, pprof_dot_piece, &lines);
    pprof_out_lit(out, "\"");

    if (lg.file.len) {
        pprof_out_lit(out, " tooltip=\"");
        pprof_out_write(out, lg.file.data, lg.file.len);
        pprof_out_lit(out, "\"");
    }

    pprof_out_lit(out, "] }\n");

    for (i = 0; i < g.nnodes; i++) {
        n = &g.nodes[i];

        pprof_out_printf(out, "N%zu [label=\"", i + 1);
        pprof_dot_label_name(out, n->name);

        pprof_graph_format_value(&g, v, sizeof(v), n->flat);

        if (n->flat != 0) {
            pprof_out_str(out, v);
            pprof_dot_percent(out, n->flat, total);

        } else {
            pprof_out_lit(out, "0");
        }

        if (n->cum != n->flat) {
            if (n->flat != 0) {
                pprof_out_lit(out, "\\n");

            } else {
                pprof_out_lit(out, " ");
            }

            pprof_graph_format_value(&g, v, sizeof(v), n->cum);
            pprof_out_lit(out, "of ");
            pprof_out_str(out, v);
            pprof_dot_percent(out, n->cum, total);
        }

        pprof_graph_color(color, t ? (double) n->cum / (double) t : 0, 0);
        pprof_graph_color(fill, t ? (double) n->cum / (double) t : 0, 1);

        pprof_out_printf(out, "\" id=\"node%zu\" fontsize=%d shape=box "
                         "tooltip=\"", i + 1,
                         pprof_graph_font_size(&g, n->flat));
        pprof_dot_esc(out, n->name.data, n->name.len);
        pprof_out_printf(out, " (%s)\" color=\"%s\" fillcolor=\"%s\"]\n",
                         v, color, fill);

        pprof_dot_nodelets(out, &g, i);
    }

    for (i = 0; i < g.nedges; i++) {
        e = &g.edges[i];
        w = e->weight;

        pprof_graph_format_value(&g, v, sizeof(v), w);
        pprof_out_printf(out, "N%u -> N%u [label=\" %s%s\"",
                         e->src + 1, e->dst + 1, v,
                         e->inl ? "\\n (inline)" : "");

        if (total != 0) {
            /* as Go: integer shares of the total, at most 100 and 5 */
            if (1 + pprof_dot_share(w, 100, t) > 1) {
                pprof_out_printf(out, " weight=%d",
                                 1 + (int) pprof_dot_share(w, 100, t));
            }

            if (1 + pprof_dot_share(w, 5, t) > 1) {
                pprof_out_printf(out, " penwidth=%d",
                                 1 + (int) pprof_dot_share(w, 5, t));
            }

            pprof_graph_color(color, (double) w / (double) t, 0);
            pprof_out_printf(out, " color=\"%s\"", color);
        }

        pprof_out_lit(out, " tooltip=\"");
        pprof_dot_esc(out, g.nodes[e->src].name.data,
                      g.nodes[e->src].name.len);
        pprof_out_str(out, e->residual ? " ... " : " -> ");
        pprof_dot_esc(out, g.nodes[e->dst].name.data,
                      g.nodes[e->dst].name.len);
        pprof_out_printf(out, " (%s)\" labeltooltip=\"", v);
        pprof_dot_esc(out, g.nodes[e->src].name.data,
                      g.nodes[e->src].name.len);
        pprof_out_str(out, e->residual ? " ... " : " -> ");
        pprof_dot_esc(out, g.nodes[e->dst].name.data,
                      g.nodes[e->dst].name.len);
        pprof_out_printf(out, " (%s)\"", v);

        if (e->residual) {
            pprof_out_lit(out, " style=\"dotted\"");
        }

        if (g.nodes[e->src].nnodelets) {
            /* separate the callees of a node with nodelets further */
            pprof_out_lit(out, " minlen=2");
        }

        pprof_out_lit(out, "]\n");
    }

    pprof_out_lit(out, "}\n");

    pprof_graph_free(&g);

    return PPROF_OK;
}


/* Go's min64(abs64(w * k / total), k) */
static int64_t
pprof_dot_share(int64_t w, int64_t k, int64_t total)
{
    int64_t  q;

    q = w * k / total;
    if (q < 0) {
        q = -q;
    }

    return q < k ? q : k;
}


void
pprof_dot_legend(pprof_report_t *report, const pprof_graph_t *g,
    const pprof_graph_options_t *go, pprof_dot_piece_pt piece, void *data)
{
    char                       v[64], t[64], pct[64], buf[128];
    size_t                     i, k, len;
    int64_t                    flat, sec;
    time_t                     tt;
    struct tm                  tm;
    pprof_legend_t             lg;
    pprof_str_t                f[2];
    const pprof_info_t        *info;
    const pprof_report_info_t *ri;

    static const char   see[] = "\nSee https://git.io/JfYMW for how to "
                                "read the graph";
    static const char  *months[] = { "Jan", "Feb", "Mar", "Apr", "May",
                                     "Jun", "Jul", "Aug", "Sep", "Oct",
                                     "Nov", "Dec" };

    pprof_report_legend(report, &lg);
    ri = pprof_report_info(report);
    info = pprof_profile_info(ri->profile);

    if (lg.file.len) {
        piece(data, "File: ", 6, 0);
        piece(data, lg.file.data, lg.file.len, 1);
    }

    if (lg.build_id.len) {
        piece(data, "Build ID: ", 10, 0);
        piece(data, lg.build_id.data, lg.build_id.len, 1);
    }

    for (i = 0; i < lg.ncomments; i++) {
        if (lg.comments[i].len && lg.comments[i].data[0] == '#') {
            continue;
        }

        piece(data, lg.comments[i].data, lg.comments[i].len, 1);
    }

    if (lg.type.len) {
        piece(data, "Type: ", 6, 0);
        piece(data, lg.type.data, lg.type.len, 1);
    }

    /* Go's "Jan 2, 2006 at 3:04pm (MST)", here in UTC */
    if (info->time_nanos != 0) {
        sec = info->time_nanos / 1000000000;
        if (info->time_nanos < 0 && info->time_nanos % 1000000000) {
            sec--;
        }

        tt = (time_t) sec;

        if ((int64_t) tt == sec && gmtime_r(&tt, &tm) != NULL) {
            len = snprintf(buf, sizeof(buf), "Time: %s %d, %d at %d:%02d%s "
                           "(UTC)", months[tm.tm_mon % 12], tm.tm_mday,
                           tm.tm_year + 1900,
                           tm.tm_hour % 12 ? tm.tm_hour % 12 : 12, tm.tm_min,
                           tm.tm_hour < 12 ? "am" : "pm");
            piece(data, buf, len < sizeof(buf) ? len : sizeof(buf) - 1, 1);
        }
    }

    if (lg.duration[0]) {
        pprof_graph_format_value(g, v, sizeof(v), lg.total);
        len = snprintf(buf, sizeof(buf), "Duration: %s, Total samples = %s ",
                       lg.duration, v);
        piece(data, buf, len < sizeof(buf) ? len : sizeof(buf) - 1, 0);

        if (lg.total_share[0]) {
            piece(data, "(", 1, 0);
            piece(data, lg.total_share, strlen(lg.total_share), 0);
            piece(data, ")", 1, 0);
        }

        piece(data, "", 0, 1);
    }

    if (lg.nfilters) {
        piece(data, "Active filters:", 15, 1);

        for (k = 0; k < lg.nfilters; k++) {
            f[0] = pprof_cstr(lg.filters[k].name);
            f[1] = lg.filters[k].value;

            /* pprof cuts a filter at 80 bytes and adds an ellipsis */
            piece(data, "   ", 3, 0);
            piece(data, f[0].data, f[0].len, 0);
            piece(data, "=", 1, 0);
            len = f[0].len + 1 + f[1].len;

            if (len > 80) {
                piece(data, f[1].data, 80 - f[0].len - 1, 0);
                piece(data, "\xe2\x80\xa6", 3, 1);

            } else {
                piece(data, f[1].data, f[1].len, 1);
            }
        }
    }

    flat = 0;
    for (i = 0; i < g->nnodes; i++) {
        flat += g->nodes[i].flat;
    }

    pprof_graph_format_value(g, v, sizeof(v), flat);
    pprof_graph_format_value(g, t, sizeof(t), g->total);
    pprof_format_percent(pct, sizeof(pct), flat, g->total);

    for (i = 0; pct[i] == ' '; i++) { /* void */ }

    len = snprintf(buf, sizeof(buf), "Showing nodes accounting for %s, %s of "
                   "%s total", v, pct + i, t);
    piece(data, buf, len < sizeof(buf) ? len : sizeof(buf) - 1, 1);

    if (g->total != 0) {
        if (g->dropped_nodes > 0) {
            pprof_graph_format_value(g, v, sizeof(v),
                (int64_t) ((double) g->total * go->node_fraction));
            len = snprintf(buf, sizeof(buf), "Dropped %zu node%s (cum <= %s)",
                           g->dropped_nodes, g->dropped_nodes > 1 ? "s" : "",
                           v);
            piece(data, buf, len < sizeof(buf) ? len : sizeof(buf) - 1, 1);
        }

        if (g->dropped_edges > 0) {
            pprof_graph_format_value(g, v, sizeof(v),
                (int64_t) ((double) g->total * go->edge_fraction));
            len = snprintf(buf, sizeof(buf), "Dropped %zu edge%s (freq <= %s)",
                           g->dropped_edges, g->dropped_edges > 1 ? "s" : "",
                           v);
            piece(data, buf, len < sizeof(buf) ? len : sizeof(buf) - 1, 1);
        }

        if (g->nnodes > 0 && g->nnodes < g->orig_count) {
            len = snprintf(buf, sizeof(buf), "Showing top %zu nodes out of %zu",
                           g->nnodes, g->orig_count);
            piece(data, buf, len < sizeof(buf) ? len : sizeof(buf) - 1, 1);
        }
    }

    piece(data, see, strlen(see), 1);
}


/* a legend line into the DOT label, escaped, lines ended by \l */
static void
pprof_dot_piece(void *data, const char *s, size_t len, int eol)
{
    pprof_dot_lines_t  *l;

    l = data;

    if (l->first && l->done) {
        return;
    }

    pprof_dot_esc(l->out, s, len);

    if (eol) {
        if (l->first) {
            l->done = 1;

        } else {
            pprof_out_lit(l->out, "\\l");
        }
    }
}


/* pprof's escapeForDot: \ and " escaped, a newline becomes \l */
static void
pprof_dot_esc(pprof_out_t *o, const char *s, size_t len)
{
    size_t  i, start;

    start = 0;

    for (i = 0; i < len; i++) {
        if (s[i] != '\\' && s[i] != '"' && s[i] != '\n') {
            continue;
        }

        pprof_out_write(o, s + start, i - start);
        pprof_out_str(o, s[i] == '\\' ? "\\\\" : s[i] == '"' ? "\\\""
                                                    : "\\l");
        start = i + 1;
    }

    pprof_out_write(o, s + start, len - start);
}


/* pprof's multilinePrintableName: the name's lines, each ended by \\n */
static void
pprof_dot_label_name(pprof_out_t *o, pprof_str_t name)
{
    char         buf[PPROF_DOT_NAME_MAX];
    size_t       i, n;
    pprof_str_t  lines[64];

    n = pprof_graph_name_lines(name, buf, sizeof(buf), lines,
                               pprof_nelts(lines));

    for (i = 0; i < n; i++) {
        pprof_dot_esc(o, lines[i].data, lines[i].len);
        pprof_out_lit(o, "\\n");
    }
}


static void
pprof_dot_percent(pprof_out_t *o, int64_t v, int64_t total)
{
    char    pct[64];
    size_t  i;

    pprof_format_percent(pct, sizeof(pct), v, total);

    for (i = 0; pct[i] == ' '; i++) { /* void */ }

    pprof_out_lit(o, " (");
    pprof_out_str(o, pct + i);
    pprof_out_lit(o, ")");
}


/*
 * pprof's addNodelets: a box per nodelet of node i and an edge to it from
 * the node, or from its label set: N<node>_<index> for a label set,
 * NN<node>_<index> (or NN<node>_<set>_<index>) for a size.
 */
static void
pprof_dot_nodelets(pprof_out_t *o, const pprof_graph_t *g, size_t i)
{
    char                          v[64], src[48], id[64];
    size_t                        k;
    const pprof_graph_node_t     *n;
    const pprof_graph_nodelet_t  *d;

    n = &g->nodes[i];

    for (k = n->nodelet; k < (size_t) n->nodelet + n->nnodelets; k++) {
        d = &g->nodelets[k];

        if (d->parent == PPROF_NONE) {
            snprintf(src, sizeof(src), "N%zu", i + 1);

        } else {
            snprintf(src, sizeof(src), "N%zu_%u", i + 1,
                     g->nodelets[d->parent].index);
        }

        snprintf(id, sizeof(id), "%s%s_%u", d->numeric ? "N" : "", src,
                 d->index);
        pprof_graph_format_value(g, v, sizeof(v), d->weight);

        pprof_out_printf(o, "%s [label = \"", id);
        pprof_dot_tag_name(o, d->name);
        pprof_out_printf(o, "\" id=\"%s\" fontsize=8 shape=box3d "
                         "tooltip=\"%s\"]\n", id, v);
        pprof_out_printf(o, "%s -> %s [label=\" %s\" weight=100 "
                         "tooltip=\"%s\" labeltooltip=\"%s\"%s]\n",
                         src, id, v, v, v,
                         d->dotted ? " style=\"dotted\"" : "");
    }
}


/*
 * A nodelet's name as pprof writes it, unescaped, but kept one DOT
 * string: a quote escaped, and a backslash before one or at the end
 */
static void
pprof_dot_tag_name(pprof_out_t *o, pprof_str_t name)
{
    size_t  i, start;

    start = 0;

    for (i = 0; i < name.len; i++) {
        if (name.data[i] == '"'
            || (name.data[i] == '\\'
                && (i + 1 == name.len || name.data[i + 1] == '"')))
        {
            pprof_out_write(o, name.data + start, i - start);
            pprof_out_str(o, name.data[i] == '"' ? "\\\"" : "\\\\");
            start = i + 1;

        } else if (name.data[i] == '\n') {
            pprof_out_write(o, name.data + start, i - start);
            pprof_out_lit(o, "\\n");
            start = i + 1;
        }
    }

    pprof_out_write(o, name.data + start, name.len - start);
}
