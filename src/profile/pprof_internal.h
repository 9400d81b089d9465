
/*
 * Engine internals shared by its own files (decoder, aggregation, text
 * formats, HTML views).  Not part of the API in pprof.h.
 */


#ifndef _PPROF_INTERNAL_H_INCLUDED_
#define _PPROF_INTERNAL_H_INCLUDED_


#include "pprof.h"


#define PPROF_NONE  ((uint32_t) -1)


/*
 * The call tree of a report (flame graph).  Node 0 is the root ("all",
 * cum = total).  Children of a node are linked through next_sibling and
 * ordered by name, as flame graphs are.  Frames are functions; inlined
 * frames are separate nodes.  Only built when the HTML flame view, the
 * flamegraph format or the collapsed format asks for it.
 */
typedef struct {
    pprof_str_t              name;
    int64_t                  cum;       /* sum of |value| through the node */
    int64_t                  flat;      /* sum of |value| ending here */
    uint32_t                 parent;
    uint32_t                 first_child;
    uint32_t                 next_sibling;
    uint32_t                 depth;     /* root is 0 */
} pprof_tree_node_t;


typedef struct {
    pprof_tree_node_t       *nodes;
    size_t                   nnodes;
} pprof_tree_t;


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


/*
 * Builders used by the renderers; they allocate from the report's
 * allocator and cache the result in the report, so asking twice is free.
 * They return NULL and fill err on failure (out of memory).
 */
const pprof_tree_t *pprof_report_tree(pprof_report_t *report,
    pprof_error_t *err);
const pprof_stack_group_t *pprof_report_stack_groups(pprof_report_t *report,
    size_t *ngroups, pprof_error_t *err);


/* "Showing nodes accounting for ...": shared by the text and HTML top */
size_t pprof_format_percent(char *buf, size_t size, int64_t value,
    int64_t total);


/* pprof_render() dispatches PPROF_FORMAT_HTML and _FLAMEGRAPH here */
int pprof_render_html(pprof_report_t *report,
    const pprof_render_options_t *options, pprof_error_t *err);
int pprof_render_flamegraph(pprof_report_t *report,
    const pprof_render_options_t *options, pprof_error_t *err);


void *pprof_alloc(const pprof_allocator_t *a, size_t size);
void pprof_free(const pprof_allocator_t *a, void *p);


#endif /* _PPROF_INTERNAL_H_INCLUDED_ */
