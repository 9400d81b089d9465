
/*
 * Engine internals shared by its own files (decoder, aggregation, text
 * formats, HTML views).  Not part of the API in pprof.h.
 */


#ifndef _PPROF_INTERNAL_H_INCLUDED_
#define _PPROF_INTERNAL_H_INCLUDED_


#include <regex.h>

#include "pprof.h"


#define PPROF_NONE  ((uint32_t) -1)


/*
 * The distinct stacks of a report, after drop_frames, focus, ignore and
 * zoom, in flame graph order: by frame names from the root, a stack
 * before its extensions.  That is the pre-order of the call tree, so the
 * collapsed format prints them as they are.
 */
typedef struct {
    uint32_t                *frames;    /* frames[0]: count, then ranks */
    int64_t                  weight;    /* sum of |value|, > 0 */
} pprof_stack_t;


typedef struct {
    pprof_stack_t           *stacks;
    size_t                   nstacks;
    const pprof_str_t       *names;     /* a frame's name: names[rank] */
    size_t                   nnames;
    int64_t                  total;     /* sum of the weights */
    size_t                   nnodes;    /* of the whole call tree */
} pprof_stacks_t;


/*
 * The call tree of a report (flame graph), without the nodes narrower
 * than 1/PPROF_TREE_MIN of the root, which a flame graph does not draw.
 * Node 0 is the root ("all", cum = total).  Children of a node are linked
 * through next_sibling and ordered by name, as flame graphs are; nodes
 * are in pre-order, so a parent precedes its children.  Frames are
 * functions; inlined frames are separate nodes.  Only built when the
 * HTML flame view or the flamegraph format asks for it.
 */
typedef struct {
    pprof_str_t              name;
    int64_t                  cum;       /* sum of |value| through the node */
    int64_t                  flat;      /* sum of |value| ending here */
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


/* "Showing nodes accounting for ...": shared by the text and HTML top */
size_t pprof_format_percent(char *buf, size_t size, int64_t value,
    int64_t total);


/* pprof_render() dispatches PPROF_FORMAT_HTML and _FLAMEGRAPH here */
int pprof_render_html(pprof_report_t *report,
    const pprof_render_options_t *options, pprof_error_t *err);
int pprof_render_flamegraph(pprof_report_t *report,
    const pprof_render_options_t *options, pprof_error_t *err);


/*
 * The one way patterns are compiled (POSIX ERE, no subexpressions): at
 * most 512 bytes, no backreferences, which make matching exponential.
 * err may be NULL.
 */
int pprof_regex_compile(regex_t *rx, const char *what, const char *re,
    pprof_error_t *err);


/* a C string as a pprof_str_t (NULL is ""), and comparison with one */
pprof_str_t pprof_cstr(const char *s);
int pprof_str_is(pprof_str_t s, const char *c);


void *pprof_alloc(const pprof_allocator_t *a, size_t size);
void pprof_free(const pprof_allocator_t *a, void *p);


/*
 * The engine's own additions below: the decoded profile and the report
 * internals shared by pprof_proto.c, pprof_report.c and pprof_format.c.
 */

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

/*
 * The header lines of `go tool pprof -top` ("File: ...", "Type: ...",
 * "Time: ...", "Duration: ...", "Active filters:", "Showing nodes ...",
 * "Showing top N nodes out of M"), each followed by '\n'.  Returns the
 * length written or needed (like snprintf); nodecount as in rendering.
 */
size_t pprof_report_labels(const pprof_report_t *report, size_t nodecount,
    char *buf, size_t size);


/* a buffered writer over pprof_write_pt, used by every renderer */
typedef struct {
    pprof_write_pt           write;
    void                    *data;
    char                    *buf;
    size_t                   len;
    size_t                   size;
    int                      failed;
} pprof_out_t;

void pprof_out_init(pprof_out_t *out, pprof_write_pt write, void *data,
    char *buf, size_t size);
void pprof_out_write(pprof_out_t *out, const char *s, size_t len);
void pprof_out_str(pprof_out_t *out, const char *s);
void pprof_out_printf(pprof_out_t *out, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* flushes; returns PPROF_OK or PPROF_ERROR if any write failed */
int pprof_out_flush(pprof_out_t *out);
/* a JSON string with its quotes; invalid UTF-8 becomes U+FFFD */
void pprof_out_json_str(pprof_out_t *out, const char *s, size_t len);


void pprof_set_error(pprof_error_t *err, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;


/* --- the decoded profile (pprof_proto.c) --- */

typedef struct {
    uint32_t                 node;      /* name node: what pprof groups by */
    uint32_t                 function;  /* index; PPROF_NONE: address only */
    int64_t                  line;
} pprof_line_t;


typedef struct {
    uint64_t                 address;
    uint32_t                 mapping;   /* index or PPROF_NONE */
    /* an address-only location gets one line with function PPROF_NONE,
     * so every location has nlines >= 1 */
    uint32_t                 line;      /* first one in profile->lines */
    uint32_t                 nlines;    /* innermost (inlined) first */
} pprof_location_t;


typedef struct {
    pprof_str_t              name;
    pprof_str_t              system_name;
    pprof_str_t              filename;
    int64_t                  start_line;
} pprof_function_t;


typedef struct {
    pprof_str_t              filename;
    pprof_str_t              build_id;
    uint64_t                 memory_start;
    uint64_t                 memory_limit;
    uint64_t                 file_offset;
    uint32_t                 node;      /* "[base]" or "<unknown>" */
} pprof_mapping_t;


/*
 * A sample: its location indexes, decoded once by the parser into
 * profile->stacks (leaf first), so that every pass walks small validated
 * integers, and its label fields, kept encoded in profile->labels.
 */
typedef struct {
    uint32_t                 off;       /* of its labels */
    uint32_t                 len;       /* | PPROF_SAMPLE_BASE */
    uint32_t                 stack;     /* first one in profile->stacks */
    uint32_t                 depth;
} pprof_sample_ref_t;

/* the sample has label pprof::base=true: pprof's diff base, whose
 * samples alone make the total when there are any */
#define PPROF_SAMPLE_BASE    0x80000000U
#define PPROF_SAMPLE_LEN     0x7fffffffU


/*
 * ids to indexes: none needed when the ids are 1 to identity in order,
 * else a dense array for small ids, else open addressing
 */
typedef struct {
    uint64_t                 identity;
    uint32_t                *dense;     /* id -> index, PPROF_NONE */
    uint64_t                 ndense;
    uint64_t                *keys;
    uint32_t                *vals;
    uint64_t                 mask;
} pprof_idmap_t;


/* name nodes made from a mapping (address-only or unnamed functions) */
#define PPROF_NAME_SYNTH     0x01


struct pprof_profile_s {
    pprof_info_t             info;
    pprof_allocator_t        allocator;

    /* the encoded profile while it is parsed, then NULL: what stays is
     * copied out (strings, labels) or decoded */
    const unsigned char     *buf;
    size_t                   buflen;
    unsigned char           *inflated;  /* buf, when it was inflated */
    char                    *strbuf;    /* the strings' bytes */
    unsigned char           *labels;    /* the samples' label fields */
    size_t                   nlabels;

    pprof_str_t             *strings;
    size_t                   nstrings;
    pprof_function_t        *functions;
    pprof_mapping_t         *mappings;
    pprof_location_t        *locations;
    pprof_line_t            *lines;
    size_t                   nlines;
    pprof_sample_ref_t      *samples;
    uint32_t                *stacks;    /* location indexes of samples */
    size_t                   nstacks;
    int64_t                 *values;    /* nsample_types per sample */

    /* distinct function names (merged) and mapping-made names */
    pprof_str_t             *names;
    unsigned char           *name_flags;
    size_t                   nnames;
    size_t                   longest_name;
    char                    *synth;     /* storage of "[base]" names */

    pprof_idmap_t            location_ids;
    size_t                   max_depth; /* most location ids in a sample */

    pprof_str_t              drop_frames;
    pprof_str_t              keep_frames;
    pprof_str_t              default_sample_type;
    pprof_str_t              doc_url;
    pprof_str_t              build_id;  /* of mapping[0] */
};


uint32_t pprof_idmap_find(const pprof_idmap_t *map, uint64_t id);


/* an order-independent hash of sample i's labels (by content) */
uint64_t pprof_sample_labels_hash(const pprof_profile_t *profile, size_t i);

/* "k=v k=v" of sample i's labels, or the length needed when buf is NULL */
size_t pprof_sample_labels(const pprof_profile_t *profile, size_t i,
    char *buf, size_t size);


/* the unit machinery of pprof's internal/measurement */
double pprof_scale(int64_t value, pprof_str_t from, pprof_str_t to,
    pprof_str_t *unit);
size_t pprof_scaled_label(char *buf, size_t size, int64_t value,
    pprof_str_t from, pprof_str_t to);

/* pprof_scale()'s unit lookups done once for a run of values */
typedef struct {
    double                   from_factor;
    double                   to_factor;
    int                      found;      /* a known unit: factors apply */
    pprof_str_t              unit;
} pprof_scaler_t;

int pprof_scaler_init(pprof_scaler_t *s, pprof_str_t from, pprof_str_t to);
size_t pprof_scaler_label(const pprof_scaler_t *s, char *buf, size_t size,
    int64_t value);


#endif /* _PPROF_INTERNAL_H_INCLUDED_ */
