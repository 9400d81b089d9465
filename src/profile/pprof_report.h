
/*
 * The report's internals (pprof_report.c) that the legend and the
 * renderers read: the distinct stacks, the call tree, goroutine stack
 * groups, the report's one output unit.  The public part is in pprof.h.
 */


#ifndef _PPROF_REPORT_H_INCLUDED_
#define _PPROF_REPORT_H_INCLUDED_


#include "pprof.h"


/*
 * The distinct stacks of a report, after drop_frames, focus, ignore and
 * zoom, in flame graph order: by frame names from the root, a stack
 * before its extensions.  That is the pre-order of the call tree, so the
 * collapsed format prints them as they are.
 */
typedef struct {
    uint32_t                *frames;    /* frames[0]: count, then ranks */
    int64_t                  weight;    /* sum of |value|, > 0 */
    /* a diff (pprof_report_info_t.diff): the base's sum of |value| on
     * the stack, and weight only the profile's, so either may be 0 */
    int64_t                  base;
    int64_t                  value;     /* sum of the values, signed */
    /* inl[k] for frames[k], k >= 1: 1 if that frame is an inlined line
     * of a location (not its outermost one) in every sample merged here;
     * the call graph's "(inline)" edges */
    unsigned char           *inl;
    /* frames[1 .. lcp] are the previous stack's first lcp frames */
    uint32_t                 lcp;
    uint32_t                 sample;    /* the first sample merged here */
} pprof_stack_t;


typedef struct {
    pprof_stack_t           *stacks;
    size_t                   nstacks;
    const pprof_str_t       *names;     /* a frame's name: names[rank] */
    size_t                   nnames;
    int64_t                  total;     /* sum of the weights */
    int64_t                  base_total; /* sum of the bases */
    size_t                   nnodes;    /* of the whole call tree */
    size_t                   depth;     /* the most frames of a stack */
    /* the samples merged into stack s, with their values (signed as
     * pprof_stack_t.value): samples[sample_off[s] .. sample_off[s + 1]) */
    uint32_t                *samples;
    int64_t                 *values;
    uint32_t                *sample_off;
    /* by rank: the report's flat and cum of the frame's node, which are
     * also the call graph's of the name when no two nodes share a name
     * (and no zoom cut the stacks); NULL otherwise */
    int64_t                 *flat;
    int64_t                 *cum;
} pprof_stacks_t;


/*
 * The call tree of a report (flame graph), without the nodes narrower
 * than 1/PPROF_TREE_MIN of the root, which a flame graph does not draw.
 * Node 0 is the root ("all", cum = total).  Children of a node are linked
 * through next_sibling and ordered by name, as flame graphs are; nodes
 * are in pre-order, so a parent precedes its children.  Frames are
 * functions; inlined frames are separate nodes.  Only built when the
 * HTML flame view or the flamegraph format asks for it.  Of a diff the
 * tree has the profile's shape: the nodes its own samples draw, each with
 * the base's value through it too.
 */
typedef struct {
    pprof_str_t              name;
    int64_t                  cum;       /* sum of |value| through the node */
    int64_t                  flat;      /* sum of |value| ending here */
    int64_t                  base;      /* a diff: the base's cum */
    /* the left edge: the root's left plus all that is drawn before it
     * in its row, narrow nodes included */
    int64_t                  left;
    uint32_t                 parent;
    uint32_t                 first_child;
    uint32_t                 next_sibling;
    uint32_t                 depth;     /* root is 0 */
} pprof_tree_node_t;


typedef struct {
    pprof_tree_node_t       *nodes;
    size_t                   nnodes;
    size_t                   nhidden;   /* narrower nodes left out */
    const pprof_stacks_t    *stacks;    /* what it was built from */
} pprof_tree_t;

#define PPROF_TREE_MIN          1000


/* one frame of a goroutine stack: function, file and line */
typedef struct {
    pprof_str_t              function;
    pprof_str_t              file;
    int64_t                  line;
} pprof_frame_t;


/* goroutines with identical stacks (frames leaf first), biggest first */
typedef struct {
    int64_t                  count;
    pprof_frame_t           *frames;
    size_t                   nframes;
    /* labels of the first sample of the group, "k=v k=v" or empty */
    pprof_str_t              labels;
} pprof_stack_group_t;


/* a caller or callee edge of a peeked row, as `go tool pprof -peek` */
typedef struct {
    uint32_t                 row;       /* the other end, in functions[] */
    int                      inl;       /* every call through it inlined */
    int64_t                  weight;
} pprof_peek_edge_t;


/* a row whose name matches the peek regex (options->focus), in row
 * order, with its callers and callees, heaviest first */
typedef struct {
    size_t                   row;
    pprof_peek_edge_t       *in;
    size_t                   nin;
    pprof_peek_edge_t       *out;
    size_t                   nout;
} pprof_peek_t;


/*
 * Builders used by the renderers; they allocate from the report's
 * allocator and cache the result in the report, so asking twice is free.
 * They return NULL and fill err on failure (out of memory).
 */
const pprof_stacks_t *pprof_report_stacks(pprof_report_t *report,
    pprof_error_t *err);
const pprof_tree_t *pprof_report_tree(pprof_report_t *report,
    pprof_error_t *err);
const pprof_stack_group_t *pprof_report_stack_groups(pprof_report_t *report,
    size_t *ngroups, pprof_error_t *err);
/* PPROF_ERROR with err on a bad regex or out of memory; no regex: none */
int pprof_report_peek(pprof_report_t *report, const pprof_peek_t **peeks,
    size_t *npeeks, pprof_error_t *err);


/*
 * nodefraction and edgefraction of options (NULL or "": the defaults),
 * as the call graph takes them; PPROF_ERROR with err naming the bad one
 */
int pprof_report_fractions(const pprof_report_options_t *options,
    double node_default, double edge_default, double *node, double *edge,
    pprof_error_t *err);


/* a set of stack groups larger than this is refused */
#define PPROF_MAX_TREE_NODES    (1 << 21)

/* stacks with more frames than this in all are refused (64 MB) */
#define PPROF_MAX_STACK_FRAMES  (1 << 24)

/* pprof_tree_node_t.name of node 0 */
#define PPROF_ROOT_NAME         "all"


/*
 * The unit `go tool pprof` prints a whole report in ("minimum"): chosen
 * from the smallest non-zero flat (else cum) of the rows and the total.
 * Every value of the text and HTML top views is then formatted with
 * pprof_report_format_value(), so all rows share one unit, as in pprof.
 * nodecount: the rows shown (0: all), as pprof picks the unit from them.
 */
size_t pprof_report_format_value(const pprof_report_t *report,
    size_t nodecount, char *buf, size_t size, int64_t value);

/* the allocator the report was made with; pprof_render() passes it on
 * as options->allocator when the caller gave none */
const pprof_allocator_t *pprof_report_allocator(const pprof_report_t *report);

/* "(inline)", "(partial-inline)" or "" for row i of the report */
const char *pprof_report_inline_label(const pprof_report_t *report,
    size_t row);


#endif /* _PPROF_REPORT_H_INCLUDED_ */
