
/*
 * The call graph of a report (pprof_graph.c), as pprof's internal/graph
 * builds it for -dot and -web: nodes with flat and cum, caller->callee
 * edges with weights, "(inline)" and residual (trimmed path) marks, and
 * the node and edge selection of pprof's newTrimmedGraph (nodefraction,
 * nodecount by entropy score, edgefraction, redundant residual edges).
 * Built from the report's distinct stacks (pprof_report_stacks()), so it
 * follows the report's filters and frame names.  The DOT text
 * (pprof_dot.c) and the SVG layout (pprof_svg.c) draw it.
 */


#ifndef _PPROF_GRAPH_H_INCLUDED_
#define _PPROF_GRAPH_H_INCLUDED_


#include "pprof.h"
#include "pprof_units.h"


/* pprof's defaults for the graph (-nodecount, -nodefraction, ...) */
#define PPROF_GRAPH_NODE_FRACTION  0.005
#define PPROF_GRAPH_EDGE_FRACTION  0.001


typedef struct {
    pprof_str_t              name;      /* the frame's full name */
    int64_t                  flat;      /* signed: a diff has negatives */
    int64_t                  cum;
    uint32_t                 nodelet;   /* its first one in nodelets */
    uint32_t                 nnodelets;
} pprof_graph_node_t;


/*
 * pprof's nodelets: the sample labels of a node's samples, drawn as small
 * boxes hanging from it (dotgraph.go addNodelets): at most
 * PPROF_GRAPH_NODELETS label sets by weight, and the "bytes" numeric
 * labels (of the node, or of each label set) collapsed into at most
 * PPROF_GRAPH_NODELETS ranges.  Flat weights for a node with callees,
 * cum for a leaf.
 */
#define PPROF_GRAPH_NODELETS  4

typedef struct {
    /* a label set "key:value\nkey:value" (the two bytes \ and n between,
     * as pprof joins them), a size "1MB" or a range "1MB..2MB" */
    pprof_str_t              name;
    int64_t                  weight;
    /* pprof's DOT ids: N<node>_<index> for a label set, NN<node>_<index>
     * for a size of the node, NN<node>_<parent's index>_<index> */
    uint32_t                 index;
    uint32_t                 parent;    /* in nodelets; PPROF_NONE: node */
    unsigned                 numeric:1;
    unsigned                 dotted:1;  /* cum of a node with callees */
} pprof_graph_nodelet_t;


typedef struct {
    uint32_t                 src;       /* indexes in nodes */
    uint32_t                 dst;
    int64_t                  weight;
    /* a path through nodes left out: drawn dotted */
    unsigned                 residual:1;
    /* the callee is inlined into the caller in every sample */
    unsigned                 inl:1;
} pprof_graph_edge_t;


typedef struct {
    size_t                   nodecount;      /* 0: no limit */
    double                   node_fraction;  /* of the flat sum */
    double                   edge_fraction;
} pprof_graph_options_t;


typedef struct {
    pprof_graph_node_t      *nodes;     /* in pprof's order (entropy) */
    size_t                   nnodes;
    pprof_graph_edge_t      *edges;     /* by |weight|, then names */
    size_t                   nedges;
    int64_t                  total;     /* the report's, for percentages */
    int64_t                  max_flat;  /* the largest |flat| */
    size_t                   orig_count;    /* nodes after nodefraction */
    size_t                   dropped_nodes;
    size_t                   dropped_edges;
    int64_t                  node_cutoff;
    int64_t                  edge_cutoff;
    /* the output unit, chosen from the nodes shown as pprof does */
    pprof_str_t              sample_unit;
    pprof_str_t              unit;
    pprof_scaler_t           scaler;
    int                      scaler_ready;
    /* in node order, a node's together, each after its parent */
    pprof_graph_nodelet_t   *nodelets;
    size_t                   nnodelets;
    /* more distinct labels than PPROF_GRAPH_MAX_TAGS: none drawn */
    unsigned                 nodelets_omitted:1;
    char                    *text[3];   /* the nodelets' names */
    const pprof_allocator_t *allocator;
} pprof_graph_t;


/* fills g; PPROF_ERROR with err set on failure (out of memory) */
int pprof_graph_build(pprof_report_t *report,
    const pprof_graph_options_t *options, const pprof_allocator_t *a,
    pprof_graph_t *g, pprof_error_t *err);
void pprof_graph_free(pprof_graph_t *g);

/*
 * pprof's ShortenFunctionName, which the graph's labels show: the Go
 * package path and major version, Java packages and C++ namespaces cut;
 * a name without a function ("[binary]", "<unknown>") stays.  The result
 * points into name.
 */
pprof_str_t pprof_graph_short_name(pprof_str_t name, char *buf,
    size_t size);

/*
 * The lines of a node's name in the graph, as pprof's
 * multilinePrintableName splits it: the short name cut at "::" and ".",
 * Go's "[...]" kept as "[\xe2\x80\xa6]".  Lines point into name or buf (size
 * bytes); returns their number, at most max (the rest joins the last).
 */
size_t pprof_graph_name_lines(pprof_str_t name, char *buf, size_t size,
    pprof_str_t *lines, size_t max);

/* value in the graph's output unit, "1.50MB", like snprintf */
size_t pprof_graph_format_value(const pprof_graph_t *g, char *buf,
    size_t size, int64_t value);

/* pprof's dotColor: score in [-1, 1] (red grows, green shrinks, grey
 * near 0), a dark colour or, with background, a light one: "#b24c09" */
void pprof_graph_color(char buf[8], double score, int background);

/* pprof's node font size: 8 to 24 by sqrt(|flat| / max |flat|) */
int pprof_graph_font_size(const pprof_graph_t *g, int64_t flat);


#endif /* _PPROF_GRAPH_H_INCLUDED_ */
