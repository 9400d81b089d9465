
/*
 * The call graph, as pprof's internal/graph (New, newGraph) and
 * internal/report (newTrimmedGraph) make it for -dot:
 *
 *   1. the whole graph from the samples; the cutoffs are nodefraction and
 *      edgefraction of its flat sum (this pass needs only the nodes'
 *      values: it draws no edges, the most of a pass's work);
 *   2. nodes with |cum| below the node cutoff dropped, the graph rebuilt
 *      from the samples with the rest (paths through dropped nodes become
 *      residual edges); with none dropped, the whole graph with its edges;
 *   3. nodes sorted by pprof's entropy score; with a nodecount, edges
 *      below the cutoff trimmed and the top nodecount nodes kept (the
 *      graph rebuilt again, sorted again);
 *   4. edges below the cutoff trimmed, residual edges that another path
 *      already explains removed.
 *
 * A sample adds its value once to the cum of each node on its stack, to
 * each edge once, and to the flat of its leaf when the leaf is kept.
 * Nodes are the report's frame names (equal names are one node), so they
 * follow its granularity.  Uses pprof_util.c, pprof_units.c and the
 * report's stacks.
 */


#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pprof_util.h"
#include "pprof_units.h"
#include "pprof_proto.h"
#include "pprof_report.h"
#include "pprof_graph.h"


#define PPROF_GRAPH_EMPTY  ((uint64_t) -1)

/* bounds of the nodelets: distinct (node, label) weights, additions to
 * them in a pass, bytes of label sets; beyond them none are drawn */
#define PPROF_GRAPH_MAX_TAGS       (1 << 19)
#define PPROF_GRAPH_MAX_TAG_WORK   ((size_t) 1 << 26)
#define PPROF_GRAPH_MAX_TAG_TEXT   ((size_t) 1 << 24)


typedef struct {
    uint64_t                 key;       /* src << 32 | dst, or EMPTY */
    int64_t                  weight;
    uint32_t                 open;      /* first on the walk's path */
    unsigned char            residual;
    unsigned char            inl;
    unsigned char            dead;      /* trimmed or redundant */
} pprof_graph_slot_t;


/*
 * A pass walks the stacks in their order as a depth-first walk of the
 * call tree: a stack leaves the frames it shares with the one before it
 * (its lcp) open, so each tree node is entered once.  A level is one
 * frame of the current path; what it adds (the values of the stacks
 * through it, t1 - t0 of the running sum) is given to its node and edge
 * when it closes.  A node or edge counts once per stack: at its first
 * level on the path.
 */
typedef struct {
    int64_t                  t0;        /* the running sum at entry */
    uint32_t                 id;        /* the node, PPROF_NONE: dropped */
    uint32_t                 parent;    /* the last kept node to here */
    uint32_t                 edge;      /* slot first on the path, NONE */
    unsigned char            residual;  /* dropped nodes since parent */
    unsigned char            cum;       /* the node is first on the path */
    unsigned char            inl;       /* every stack through: inlined */
} pprof_graph_level_t;


/* the weight of a label set or a size on a node (pprof's Tag) */
typedef struct {
    uint32_t                 node;      /* PPROF_NONE: an empty slot */
    uint32_t                 lid;       /* its label set; 0: none */
    uint32_t                 name;      /* a size; PPROF_NONE: the set */
    uint32_t                 first;     /* the first sample adding to it */
    int64_t                  value;     /* that sample's size */
    int64_t                  flat;
    int64_t                  cum;
} pprof_graph_tag_t;


/* a "bytes" label of a sample: the size's name and value */
typedef struct {
    uint32_t                 name;
    int64_t                  value;
} pprof_graph_size_t;


/* distinct strings: id -> buf[off[id] .. off[id + 1]) */
typedef struct {
    char                    *buf;
    size_t                   len;
    size_t                   size;
    size_t                  *off;
    size_t                   n;
    size_t                   cap;
    uint32_t                *slots;     /* id + 1; 0: empty */
    size_t                   mask;
} pprof_graph_intern_t;


/* a tag as pprof sorts and collapses them */
typedef struct {
    pprof_str_t              name;
    int64_t                  value;
    int64_t                  flat;
    int64_t                  cum;
    uint32_t                 lid;
    size_t                   off;       /* a range's name in the text */
} pprof_graph_stag_t;


/* sort keys: qsort has no context, so each key carries what it compares */
typedef struct {
    int64_t                  score;     /* |entropy score| */
    pprof_str_t              name;
    int64_t                  flat;      /* |flat| */
    uint32_t                 id;
} pprof_graph_nkey_t;


typedef struct {
    int64_t                  weight;    /* |weight| */
    pprof_str_t              src;
    pprof_str_t              dst;
    uint32_t                 idx;
} pprof_graph_ekey_t;


typedef struct {
    const pprof_stacks_t    *st;
    const pprof_allocator_t *a;
    uint32_t                *nid;       /* by name rank: the node */
    pprof_str_t             *names;     /* by node */
    size_t                   nn;
    int64_t                 *flat;
    int64_t                 *cum;
    uint32_t                *stamp;     /* by node: on the walk's path */
    unsigned char           *kept;      /* by node; NULL: all */
    unsigned char           *listed;    /* by node: in the graph */

    pprof_graph_slot_t      *slots;
    size_t                   mask;
    size_t                   nslots;    /* used */
    pprof_graph_level_t     *lv;        /* the path, depth + 1 */
    size_t                   ninl;      /* its edges still inline */

    /* the graph of the last pass: its nodes in order, its live edges */
    uint32_t                *list;
    size_t                   nlist;
    uint32_t                *edges;     /* slot indexes */
    size_t                   nedges;
    uint32_t                *in_off;    /* by node, nn + 1 */
    uint32_t                *in_idx;    /* into edges */
    uint32_t                *out_off;
    uint32_t                *out_idx;
    uint32_t                *seen;      /* by node, for searches */
    uint32_t                 seen_stamp;
    uint32_t                *queue;
    pprof_graph_ekey_t      *ekeys;     /* nedges sort keys */

    /* the samples' labels, by position in the stacks' samples */
    int                      tags;      /* the profile has some */
    int                      values;    /* the next pass: nodes only, no
                                         * edges nor labels */
    int                      omitted;   /* too many: none drawn */
    uint32_t                *tlid;
    uint32_t                *tsize_off; /* npos + 1 */
    pprof_graph_size_t      *tsizes;
    pprof_graph_intern_t     lsets;     /* label sets; id 0 is none */
    pprof_graph_intern_t     snames;    /* sizes' names */
    pprof_str_t              size_unit;
    pprof_graph_tag_t       *tslots;
    size_t                   tmask;
    size_t                   ntags;
    uint32_t                *visit;     /* the nodes a stack adds cum to */
    uint32_t                *tstamp;    /* by node: 1 + the stack's */
    /* after a pass: the tags at or above the node cutoff, by node */
    pprof_graph_tag_t       *live;
    uint32_t                *toff;      /* nn + 1 */
    pprof_graph_stag_t      *stags;     /* scratch of a node's */
    /* by stack: of a diff, a stack whose sum is 0, but not its base's
     * part nor the profile's; NULL: none */
    unsigned char           *zkeep;
} pprof_graph_work_t;


static int pprof_graph_names(pprof_graph_work_t *w);
static int pprof_graph_pass(pprof_graph_work_t *w);
static void pprof_graph_values(pprof_graph_work_t *w);
static void pprof_graph_list(pprof_graph_work_t *w);
static pprof_graph_slot_t *pprof_graph_edge(pprof_graph_work_t *w,
    uint32_t src, uint32_t dst);
static int pprof_graph_grow(pprof_graph_work_t *w);
static int pprof_graph_adjacency(pprof_graph_work_t *w);
static int pprof_graph_sort(pprof_graph_work_t *w);
static double pprof_graph_entropy(pprof_graph_work_t *w, const uint32_t *idx,
    size_t n, int64_t self);
static size_t pprof_graph_trim_edges(pprof_graph_work_t *w, int64_t cutoff);
static void pprof_graph_sort_edges(pprof_graph_work_t *w, uint32_t *e,
    size_t n);
static void pprof_graph_redundant(pprof_graph_work_t *w);
static int pprof_graph_explained(pprof_graph_work_t *w, uint32_t e);
static int pprof_graph_output(pprof_graph_work_t *w, pprof_graph_t *g);
static int pprof_graph_tags_prepare(pprof_graph_work_t *w,
    const pprof_profile_t *pr);
static int pprof_graph_zero_stacks(pprof_graph_work_t *w,
    const pprof_profile_t *pr);
static int pprof_graph_tags_stack(pprof_graph_work_t *w, size_t s,
    size_t nvisit, uint32_t leaf);
static int pprof_graph_tags_collect(pprof_graph_work_t *w, int64_t cutoff);
static size_t pprof_graph_tags_count(pprof_graph_work_t *w, uint32_t id);
static int pprof_graph_nodelets(pprof_graph_work_t *w, pprof_graph_t *g);
static void pprof_graph_intern_free(pprof_graph_work_t *w,
    pprof_graph_intern_t *t);
static void pprof_graph_work_free(pprof_graph_work_t *w);


static int64_t
pprof_graph_abs(int64_t v)
{
    return v < 0 ? -v : v;
}


int
pprof_graph_build(pprof_report_t *report,
    const pprof_graph_options_t *options, const pprof_allocator_t *a,
    pprof_graph_t *g, pprof_error_t *err)
{
    size_t                      i, n, k, c, kept;
    int64_t                     sum, min, v;
    uint32_t                    id;
    pprof_graph_work_t          w;
    const pprof_info_t         *info;
    const pprof_report_info_t  *ri;

    static const pprof_str_t    minimum = { "minimum", 7 };

    memset(g, 0, sizeof(pprof_graph_t));
    memset(&w, 0, sizeof(pprof_graph_work_t));

    g->allocator = a;
    ri = pprof_report_info(report);
    info = pprof_profile_info(ri->profile);
    g->total = ri->total;
    g->sample_unit = info->sample_types[ri->sample_index].unit;

    w.a = a;
    w.st = pprof_report_stacks(report, err);
    if (w.st == NULL) {
        return PPROF_ERROR;
    }

    w.values = 1;

    if (pprof_graph_names(&w) != PPROF_OK
        || pprof_graph_zero_stacks(&w, ri->profile) != PPROF_OK
        || pprof_graph_tags_prepare(&w, ri->profile) != PPROF_OK)
    {
        goto nomem;
    }

    if (w.st->flat != NULL) {
        /* the stacks have the nodes' values already */
        pprof_graph_values(&w);

    } else if (pprof_graph_pass(&w) != PPROF_OK) {
        goto nomem;
    }

    /* 1: the cutoffs, from the whole graph's flat sum */
    sum = 0;
    for (i = 0; i < w.nlist; i++) {
        sum += w.flat[w.list[i]];
    }

    g->node_cutoff = pprof_graph_abs((int64_t) ((double) sum
                                                * options->node_fraction));
    g->edge_cutoff = pprof_graph_abs((int64_t) ((double) sum
                                                * options->edge_fraction));

    w.kept = pprof_alloc_n(a, w.nn ? w.nn : 1, 1);
    if (w.kept == NULL) {
        goto nomem;
    }

    memset(w.kept, 1, w.nn);

    /* 2: nodefraction */
    if (g->node_cutoff > 0) {
        memset(w.kept, 0, w.nn);
        kept = 0;

        for (i = 0; i < w.nlist; i++) {
            id = w.list[i];

            if (pprof_graph_abs(w.cum[id]) >= g->node_cutoff) {
                w.kept[id] = 1;
                kept++;
            }
        }

        if (kept != w.nlist) {
            g->dropped_nodes = w.nlist - kept;

        } else {
            /* not rebuilt, as pprof: the nodes without a value keep their
             * edges (the entropy counts them) in every later pass too */
            memset(w.kept, 1, w.nn);
        }
    }

    /* the graph of the kept nodes, with its edges and labels */
    w.values = 0;

    if (pprof_graph_pass(&w) != PPROF_OK) {
        goto nomem;
    }

    g->orig_count = w.nlist;

    if (w.tags && pprof_graph_tags_collect(&w, g->node_cutoff) != PPROF_OK) {
        goto nomem;
    }

    /* 3: nodecount, by entropy */
    if (pprof_graph_adjacency(&w) != PPROF_OK) {
        goto nomem;
    }

    if (pprof_graph_sort(&w) != PPROF_OK) {
        goto nomem;
    }

    if (options->nodecount > 0) {
        pprof_graph_trim_edges(&w, g->edge_cutoff);

        n = options->nodecount;

        /* pprof's visual mode counts a node's labels as nodes too */
        if (w.tags) {
            k = 0;

            for (i = 0; i < w.nlist; i++) {
                c = pprof_graph_tags_count(&w, w.list[i]);
                k += (c < PPROF_GRAPH_NODELETS ? c : PPROF_GRAPH_NODELETS)
                     + 1;

                if (k >= options->nodecount) {
                    n = i + 1;
                    break;
                }
            }
        }

        n = n < w.nlist ? n : w.nlist;

        if (n != w.nlist) {
            memset(w.kept, 0, w.nn);

            for (i = 0; i < n; i++) {
                w.kept[w.list[i]] = 1;
            }

            if (pprof_graph_pass(&w) != PPROF_OK
                || pprof_graph_adjacency(&w) != PPROF_OK
                || pprof_graph_sort(&w) != PPROF_OK
                || (w.tags
                    && pprof_graph_tags_collect(&w, g->node_cutoff)
                       != PPROF_OK))
            {
                goto nomem;
            }
        }
    }

    /* 4: edgefraction, redundant residual edges */
    g->dropped_edges = pprof_graph_trim_edges(&w, g->edge_cutoff);
    pprof_graph_redundant(&w);

    if (pprof_graph_output(&w, g) != PPROF_OK) {
        goto nomem;
    }

    g->nodelets_omitted = w.omitted;

    /* the label sets' and sizes' names stay with the graph */
    g->text[0] = w.lsets.buf;
    g->text[1] = w.snames.buf;
    w.lsets.buf = NULL;
    w.snames.buf = NULL;

    pprof_graph_work_free(&w);

    /* the output unit: pprof's selectOutputUnit on the graph's nodes */
    min = 0;
    for (i = 0; i < g->nnodes; i++) {
        v = pprof_graph_abs(g->nodes[i].flat);
        if (v == 0) {
            v = pprof_graph_abs(g->nodes[i].cum);
        }

        if (v > 0 && (min == 0 || v < min)) {
            min = v;
        }

        if (i == 0 || pprof_graph_abs(g->nodes[i].flat) > g->max_flat) {
            g->max_flat = pprof_graph_abs(g->nodes[i].flat);
        }
    }

    /* no nodes: pprof keeps -unit=minimum, each value scaled alone */
    g->unit = g->nnodes ? pprof_output_unit(min, g->total, g->sample_unit)
                        : minimum;
    g->scaler_ready = pprof_scaler_init(&g->scaler, g->sample_unit, g->unit)
                      == PPROF_OK;

    return PPROF_OK;

nomem:

    pprof_graph_work_free(&w);
    pprof_graph_free(g);
    pprof_set_error(err, "out of memory");

    return PPROF_ERROR;
}


void
pprof_graph_free(pprof_graph_t *g)
{
    size_t  i;

    pprof_free(g->allocator, g->nodes);
    pprof_free(g->allocator, g->edges);
    pprof_free(g->allocator, g->nodelets);

    for (i = 0; i < pprof_nelts(g->text); i++) {
        pprof_free(g->allocator, g->text[i]);
        g->text[i] = NULL;
    }

    g->nodes = NULL;
    g->edges = NULL;
    g->nodelets = NULL;
    g->nnodes = 0;
    g->nedges = 0;
    g->nnodelets = 0;
}


size_t
pprof_graph_format_value(const pprof_graph_t *g, char *buf, size_t size,
    int64_t value)
{
    if (g->scaler_ready) {
        return pprof_scaler_label(&g->scaler, buf, size, value);
    }

    return pprof_scaled_label(buf, size, value, g->sample_unit, g->unit);
}


void
pprof_graph_color(char buf[8], double score, int background)
{
    double                 saturation, value, r, gr, b;
    static const char      hex[] = "0123456789abcdef";
    unsigned               c[3];
    size_t                 i;

    /* pprof's dotColor: shift 0.7, background s 0.1 v 0.93, else 1, 0.7 */
    saturation = background ? 0.1 : 1.0;
    value = background ? 0.93 : 0.7;

    if (!(score >= -1.0)) {
        score = -1.0;      /* and NaN */
    }

    if (score > 1.0) {
        score = 1.0;
    }

    if (fabs(score) < 0.2) {
        saturation *= fabs(score) / 0.2;
    }

    if (score > 0.0) {
        score = pow(score, 1.0 - 0.7);
    }

    if (score < 0.0) {
        score = -pow(-score, 1.0 - 0.7);
    }

    if (score < 0.0) {
        gr = value;
        r = value * (1 + saturation * score);

    } else {
        r = value;
        gr = value * (1 - saturation * score);
    }

    b = value * (1 - saturation);

    /* Go's uint8(x * 255.0) truncates */
    c[0] = (unsigned) (r * 255.0) & 0xff;
    c[1] = (unsigned) (gr * 255.0) & 0xff;
    c[2] = (unsigned) (b * 255.0) & 0xff;

    buf[0] = '#';
    for (i = 0; i < 3; i++) {
        buf[1 + 2 * i] = hex[c[i] >> 4];
        buf[2 + 2 * i] = hex[c[i] & 0xf];
    }
    buf[7] = '\0';
}


int
pprof_graph_font_size(const pprof_graph_t *g, int64_t flat)
{
    double   max;
    int64_t  f;

    max = (double) g->max_flat;
    f = pprof_graph_abs(flat);

    if (max != 0 && f != 0 && (double) f <= max) {
        return 8 + (int) ceil(16.0 * sqrt((double) f / max));
    }

    return 8;
}


/* --- building --- */

/* a node per distinct name: ranks are in name order, equal names adjacent */
static int
pprof_graph_names(pprof_graph_work_t *w)
{
    size_t              r, nr;
    const pprof_str_t  *names;

    nr = w->st->nnames;
    names = w->st->names;

    w->nid = pprof_alloc_n(w->a, nr ? nr : 1, sizeof(uint32_t));
    w->names = pprof_alloc_n(w->a, nr ? nr : 1, sizeof(pprof_str_t));
    if (w->nid == NULL || w->names == NULL) {
        return PPROF_ERROR;
    }

    w->nn = 0;
    for (r = 0; r < nr; r++) {
        if (r == 0 || pprof_str_cmp(names[r], names[r - 1]) != 0) {
            w->names[w->nn++] = names[r];
        }

        w->nid[r] = (uint32_t) (w->nn - 1);
    }

    w->flat = pprof_alloc_n(w->a, w->nn + 1, sizeof(int64_t));
    w->cum = pprof_alloc_n(w->a, w->nn + 1, sizeof(int64_t));
    w->stamp = pprof_alloc_n(w->a, w->nn + 1, sizeof(uint32_t));
    w->seen = pprof_alloc_n(w->a, w->nn + 1, sizeof(uint32_t));
    w->queue = pprof_alloc_n(w->a, w->nn + 1, sizeof(uint32_t));
    w->list = pprof_alloc_n(w->a, w->nn + 1, sizeof(uint32_t));
    w->listed = pprof_alloc_n(w->a, w->nn + 1, 1);
    w->visit = pprof_alloc_n(w->a, w->nn + 1, sizeof(uint32_t));
    w->tstamp = pprof_alloc_n(w->a, w->nn + 1, sizeof(uint32_t));
    w->in_off = pprof_alloc_n(w->a, w->nn + 2, sizeof(uint32_t));
    w->out_off = pprof_alloc_n(w->a, w->nn + 2, sizeof(uint32_t));

    if (w->flat == NULL || w->cum == NULL || w->stamp == NULL
        || w->seen == NULL || w->queue == NULL || w->list == NULL
        || w->listed == NULL || w->visit == NULL || w->tstamp == NULL
        || w->in_off == NULL || w->out_off == NULL)
    {
        return PPROF_ERROR;
    }

    /* pprof_graph_explained() marks with a stamp from 1 */
    memset(w->seen, 0, (w->nn + 1) * sizeof(uint32_t));

    w->mask = 1023;
    w->slots = pprof_alloc_n(w->a, w->mask + 1, sizeof(pprof_graph_slot_t));
    w->lv = pprof_alloc_n(w->a, w->st->depth + 1,
                          sizeof(pprof_graph_level_t));

    return (w->slots && w->lv) ? PPROF_OK : PPROF_ERROR;
}


/* levels d down to lo + 1 of the path closed at running sum t */
static void
pprof_graph_close(pprof_graph_work_t *w, size_t d, size_t lo, int64_t t)
{
    int64_t               sum;
    pprof_graph_slot_t   *e;
    pprof_graph_level_t  *l;

    for ( /* void */ ; d > lo; d--) {
        l = &w->lv[d];
        sum = t - l->t0;

        if (l->cum) {
            w->cum[l->id] += sum;
            w->stamp[l->id] = 0;
        }

        if (l->edge != PPROF_NONE) {
            e = &w->slots[l->edge];
            e->weight += sum;
            e->inl &= l->inl;
            e->open = 0;
            w->ninl -= l->inl;
        }
    }
}


/* pprof's newGraph over the stacks, with the nodes in w->kept; with
 * w->values only their flat and cum, no edge */
static int
pprof_graph_pass(pprof_graph_work_t *w)
{
    size_t                   s, k, j, n, p, depth, mask, nslots, nvisit;
    int64_t                  v, t;
    uint32_t                 id, lcp, tag;
    const uint32_t          *f;
    const unsigned char     *inl;
    pprof_graph_slot_t      *e;
    pprof_graph_level_t     *l, *up;

    memset(w->flat, 0, w->nn * sizeof(int64_t));
    memset(w->cum, 0, w->nn * sizeof(int64_t));
    memset(w->stamp, 0, w->nn * sizeof(uint32_t));

    for (s = 0; s <= w->mask; s++) {
        w->slots[s].key = PPROF_GRAPH_EMPTY;
    }

    w->nslots = 0;

    l = &w->lv[0];
    l->id = PPROF_NONE;
    l->parent = PPROF_NONE;
    l->edge = PPROF_NONE;
    l->residual = 0;
    l->cum = 0;

    t = 0;
    depth = 0;
    lcp = 0;
    w->ninl = 0;

    if (w->tags && !w->values) {
        for (s = 0; s <= w->tmask; s++) {
            w->tslots[s].node = PPROF_NONE;
        }

        memset(w->tstamp, 0, w->nn * sizeof(uint32_t));
        w->ntags = 0;
    }

    for (s = 0; s < w->st->nstacks; s++) {
#if defined(__GNUC__)
        /* the stacks are in tree order, their frames in sample order */
        if (s + 8 < w->st->nstacks) {
            f = w->st->stacks[s + 8].frames;
            __builtin_prefetch(f);
            __builtin_prefetch(f + w->st->stacks[s + 8].lcp + 1);
            __builtin_prefetch(w->st->stacks[s + 8].inl);
        }
#endif
        f = w->st->stacks[s].frames;
        inl = w->st->stacks[s].inl;
        v = w->st->stacks[s].value;
        n = f[0];

        /* the frames shared with the last stack walked: the least lcp
         * of the stacks since */
        if (w->st->stacks[s].lcp < lcp) {
            lcp = w->st->stacks[s].lcp;
        }

        /* pprof merges samples of one stack first; one that sums to 0
         * adds nothing, not even a 0 edge: but a diff's base samples,
         * labelled pprof::base, merge apart */
        if (v == 0 && !(w->zkeep && w->zkeep[s])) {
            continue;
        }

        p = lcp < depth ? lcp : depth;
        pprof_graph_close(w, depth, p, t);

        for (k = p + 1; k <= n; k++) {
            up = &w->lv[k - 1];
            l = &w->lv[k];
            id = w->nid[f[k]];
            l->t0 = t;
            l->edge = PPROF_NONE;
            l->inl = inl[k];

            if (w->kept && !w->kept[id]) {
                l->id = PPROF_NONE;
                l->parent = up->parent;
                l->residual = 1;
                l->cum = 0;
                continue;
            }

            l->id = id;
            l->parent = id;
            l->residual = 0;
            l->cum = !w->stamp[id];
            w->stamp[id] = 1;

            if (w->values || up->parent == PPROF_NONE || id == up->parent) {
                continue;
            }

            mask = w->mask;
            nslots = w->nslots;

            e = pprof_graph_edge(w, up->parent, id);
            if (e == NULL) {
                return PPROF_ERROR;
            }

            if (w->nslots != nslots) {
                e->inl = 1;
            }

            if (w->mask != mask) {
                /* grown: find the path's edges again */
                for (j = 1; j < k; j++) {
                    if (w->lv[j].edge != PPROF_NONE) {
                        w->lv[j].edge = (uint32_t)
                                        (pprof_graph_edge(w,
                                                      w->lv[j - 1].parent,
                                                      w->lv[j].id)
                                         - w->slots);
                    }
                }
            }

            if (!e->open) {
                e->open = 1;
                l->edge = (uint32_t) (e - w->slots);
                w->ninl += l->inl;

                if (up->residual) {
                    e->residual = 1;
                }
            }
        }

        /* the shared levels: an edge stays inline while every stack
         * through it has that frame inlined */
        for (k = 1; w->ninl > 0 && k <= p; k++) {
            l = &w->lv[k];

            if (l->inl && !inl[k]) {
                l->inl = 0;
                w->ninl -= (l->edge != PPROF_NONE);
            }
        }

        depth = n;
        lcp = n;
        t += v;

        l = &w->lv[n];
        if (l->parent != PPROF_NONE && !l->residual) {
            w->flat[l->parent] += v;
        }

        if (w->tags && !w->values) {
            /* the nodes the stack adds cum to, once each, and its leaf */
            nvisit = 0;
            tag = (uint32_t) s + 1;

            for (k = 1; k <= n; k++) {
                id = w->lv[k].id;

                if (id != PPROF_NONE && w->tstamp[id] != tag) {
                    w->tstamp[id] = tag;
                    w->visit[nvisit++] = id;
                }
            }

            if (pprof_graph_tags_stack(w, s, nvisit,
                                       l->residual ? PPROF_NONE : l->parent)
                != PPROF_OK)
            {
                return PPROF_ERROR;
            }
        }
    }

    pprof_graph_close(w, depth, 0, t);

    pprof_graph_list(w);

    return PPROF_OK;
}


/* the first pass's values, from the report's nodes: one a name */
static void
pprof_graph_values(pprof_graph_work_t *w)
{
    memcpy(w->flat, w->st->flat, w->nn * sizeof(int64_t));
    memcpy(w->cum, w->st->cum, w->nn * sizeof(int64_t));

    pprof_graph_list(w);
}


/* the graph's nodes: those with a value */
static void
pprof_graph_list(pprof_graph_work_t *w)
{
    uint32_t  id;

    w->nlist = 0;
    for (id = 0; id < w->nn; id++) {
        w->listed[id] = (w->kept == NULL || w->kept[id])
                        && (w->cum[id] != 0 || w->flat[id] != 0);

        if (w->listed[id]) {
            w->list[w->nlist++] = id;
        }
    }
}


static pprof_graph_slot_t *
pprof_graph_edge(pprof_graph_work_t *w, uint32_t src, uint32_t dst)
{
    size_t               i;
    uint64_t             key;
    pprof_graph_slot_t  *e;

    key = (uint64_t) src << 32 | dst;

    for ( ;; ) {
        i = (size_t) ((key * 0x9e3779b97f4a7c15ULL) >> 20) & w->mask;

        for ( ;; ) {
            e = &w->slots[i];

            if (e->key == key) {
                return e;
            }

            if (e->key == PPROF_GRAPH_EMPTY) {
                break;
            }

            i = (i + 1) & w->mask;
        }

        if ((w->nslots + 1) * 2 <= w->mask + 1) {
            break;
        }

        if (pprof_graph_grow(w) != PPROF_OK) {
            return NULL;
        }
    }

    memset(e, 0, sizeof(pprof_graph_slot_t));
    e->key = key;
    w->nslots++;

    return e;
}


static int
pprof_graph_grow(pprof_graph_work_t *w)
{
    size_t               i, j, mask;
    pprof_graph_slot_t  *old, *slots;

    mask = w->mask * 2 + 1;
    slots = pprof_alloc_n(w->a, mask + 1, sizeof(pprof_graph_slot_t));
    if (slots == NULL) {
        return PPROF_ERROR;
    }

    for (i = 0; i <= mask; i++) {
        slots[i].key = PPROF_GRAPH_EMPTY;
    }

    old = w->slots;

    for (i = 0; i <= w->mask; i++) {
        if (old[i].key == PPROF_GRAPH_EMPTY) {
            continue;
        }

        j = (size_t) ((old[i].key * 0x9e3779b97f4a7c15ULL) >> 20) & mask;
        while (slots[j].key != PPROF_GRAPH_EMPTY) {
            j = (j + 1) & mask;
        }

        slots[j] = old[i];
    }

    pprof_free(w->a, old);
    w->slots = slots;
    w->mask = mask;

    return PPROF_OK;
}


/* the live edges between the graph's nodes, and each node's in and out */
static int
pprof_graph_adjacency(pprof_graph_work_t *w)
{
    size_t               i, s, n;
    uint32_t             src, dst;
    pprof_graph_slot_t  *e;

    pprof_free(w->a, w->edges);
    pprof_free(w->a, w->in_idx);
    pprof_free(w->a, w->out_idx);
    pprof_free(w->a, w->ekeys);

    n = w->nslots ? w->nslots : 1;
    w->edges = pprof_alloc_n(w->a, n, sizeof(uint32_t));
    w->in_idx = pprof_alloc_n(w->a, n, sizeof(uint32_t));
    w->out_idx = pprof_alloc_n(w->a, n, sizeof(uint32_t));
    w->ekeys = pprof_alloc_n(w->a, n, sizeof(pprof_graph_ekey_t));

    if (w->edges == NULL || w->in_idx == NULL || w->out_idx == NULL
        || w->ekeys == NULL)
    {
        return PPROF_ERROR;
    }

    memset(w->in_off, 0, (w->nn + 2) * sizeof(uint32_t));
    memset(w->out_off, 0, (w->nn + 2) * sizeof(uint32_t));

    w->nedges = 0;

    for (s = 0; s <= w->mask; s++) {
        e = &w->slots[s];

        if (e->key == PPROF_GRAPH_EMPTY) {
            continue;
        }

        src = (uint32_t) (e->key >> 32);
        dst = (uint32_t) e->key;

        w->edges[w->nedges++] = (uint32_t) s;
        w->in_off[dst + 2]++;
        w->out_off[src + 2]++;
    }

    for (i = 0; i < w->nn; i++) {
        w->in_off[i + 2] += w->in_off[i + 1];
        w->out_off[i + 2] += w->out_off[i + 1];
    }

    /* off[id + 1] is where id's run is filled; off[id] its start after */
    for (i = 0; i < w->nedges; i++) {
        e = &w->slots[w->edges[i]];
        src = (uint32_t) (e->key >> 32);
        dst = (uint32_t) e->key;
        w->in_idx[w->in_off[dst + 1]++] = (uint32_t) i;
        w->out_idx[w->out_off[src + 1]++] = (uint32_t) i;
    }

    return PPROF_OK;
}


/* pprof's edgeEntropyScore over the live edges idx[0..n) */
static double
pprof_graph_entropy(pprof_graph_work_t *w, const uint32_t *idx, size_t n,
    int64_t self)
{
    size_t               i;
    double               score, frac;
    int64_t              total, wt;
    pprof_graph_slot_t  *e;

    score = 0;
    total = self;

    for (i = 0; i < n; i++) {
        e = &w->slots[w->edges[idx[i]]];
        if (e->weight > 0) {
            total += e->weight;
        }
    }

    if (total == 0) {
        return 0;
    }

    /* as Go computes it: a 0 weight or a negative total makes it NaN */
    for (i = 0; i < n; i++) {
        e = &w->slots[w->edges[idx[i]]];
        wt = pprof_graph_abs(e->weight);
        frac = (double) wt / (double) total;
        score += -frac * log2(frac);
    }

    if (self > 0) {
        frac = (double) self / (double) total;
        score += -frac * log2(frac);
    }

    return score;
}


/* Go's int64(x) on amd64: NaN and out of range give the minimum */
static int64_t
pprof_graph_go_int64(double x)
{
    if (!(x > -9223372036854775808.0 && x < 9223372036854775808.0)) {
        return INT64_MIN;
    }

    return (int64_t) x;
}


/* pprof's EntropyOrder: |score| desc, name, |flat| desc */
static int
pprof_graph_cmp_node(const void *one, const void *two)
{
    int                        rc;
    const pprof_graph_nkey_t  *a, *b;

    a = one;
    b = two;

    /* Go compares the abs64 as int64: the minimum stays negative */
    if (a->score != b->score) {
        return a->score > b->score ? -1 : 1;
    }

    rc = pprof_str_cmp(a->name, b->name);
    if (rc != 0) {
        return rc;
    }

    if (a->flat != b->flat) {
        return a->flat > b->flat ? -1 : 1;
    }

    return a->id < b->id ? -1 : a->id > b->id;
}


/* pprof's edgeList order: |weight| desc, source name, destination name */
static int
pprof_graph_cmp_edge(const void *one, const void *two)
{
    int                        rc;
    const pprof_graph_ekey_t  *a, *b;

    a = one;
    b = two;

    if (a->weight != b->weight) {
        return a->weight > b->weight ? -1 : 1;
    }

    rc = pprof_str_cmp(a->src, b->src);
    if (rc != 0) {
        return rc;
    }

    return pprof_str_cmp(a->dst, b->dst);
}


static int
pprof_graph_sort(pprof_graph_work_t *w)
{
    size_t               i;
    uint32_t             id, nin, nout;
    uint64_t             v;
    double               score;
    pprof_graph_nkey_t  *keys;

    keys = pprof_alloc_n(w->a, w->nlist ? w->nlist : 1,
                         sizeof(pprof_graph_nkey_t));
    if (keys == NULL) {
        return PPROF_ERROR;
    }

    for (i = 0; i < w->nlist; i++) {
        id = w->list[i];
        nin = w->in_off[id + 1] - w->in_off[id];
        nout = w->out_off[id + 1] - w->out_off[id];

        /* favour entry and leaf nodes */
        score = nin == 0 ? 1
                : pprof_graph_entropy(w, w->in_idx + w->in_off[id], nin, 0);
        score += nout == 0 ? 1
                 : pprof_graph_entropy(w, w->out_idx + w->out_off[id], nout,
                                       w->flat[id]);

        /* abs64(int64(score * cum) + flat), wrapping as Go on amd64 */
        v = (uint64_t) pprof_graph_go_int64(score * (double) w->cum[id])
            + (uint64_t) w->flat[id];
        keys[i].score = (int64_t) ((v >> 63) ? -v : v);
        keys[i].name = w->names[id];
        keys[i].flat = pprof_graph_abs(w->flat[id]);
        keys[i].id = id;
    }

    qsort(keys, w->nlist, sizeof(pprof_graph_nkey_t), pprof_graph_cmp_node);

    for (i = 0; i < w->nlist; i++) {
        w->list[i] = keys[i].id;
    }

    pprof_free(w->a, keys);

    return PPROF_OK;
}


/* e[0..n): indexes into w->edges, put in pprof's edge order */
static void
pprof_graph_sort_edges(pprof_graph_work_t *w, uint32_t *e, size_t n)
{
    size_t               i;
    pprof_graph_slot_t  *s;
    pprof_graph_ekey_t  *keys;

    keys = w->ekeys;

    for (i = 0; i < n; i++) {
        s = &w->slots[w->edges[e[i]]];
        keys[i].weight = pprof_graph_abs(s->weight);
        keys[i].src = w->names[s->key >> 32];
        keys[i].dst = w->names[(uint32_t) s->key];
        keys[i].idx = e[i];
    }

    qsort(keys, n, sizeof(pprof_graph_ekey_t), pprof_graph_cmp_edge);

    for (i = 0; i < n; i++) {
        e[i] = keys[i].idx;
    }
}


static size_t
pprof_graph_trim_edges(pprof_graph_work_t *w, int64_t cutoff)
{
    size_t               i, n;
    pprof_graph_slot_t  *e;

    n = 0;

    for (i = 0; i < w->nedges; i++) {
        e = &w->slots[w->edges[i]];

        /* pprof trims the in edges of the graph's nodes, which may come
         * from a node without a value (not in the graph) */
        if (!e->dead && w->listed[(uint32_t) e->key]
            && pprof_graph_abs(e->weight) < cutoff)
        {
            e->dead = 1;
            n++;
        }
    }

    return n;
}


/* pprof's RemoveRedundantEdges: from the last node up, its residual in
 * edges, lightest first, while another path explains them */
static void
pprof_graph_redundant(pprof_graph_work_t *w)
{
    size_t               i, j, n, nin;
    uint32_t             id, *in;
    pprof_graph_slot_t  *e;

    /* a node has at most one in edge per node; pprof_graph_explained()
     * queues in w->stamp */
    in = w->queue;

    for (i = w->nlist; i > 0; i--) {
        id = w->list[i - 1];
        nin = 0;

        for (j = w->in_off[id]; j < w->in_off[id + 1]; j++) {
            if (!w->slots[w->edges[w->in_idx[j]]].dead) {
                in[nin++] = w->in_idx[j];
            }
        }

        if (nin == 0) {
            continue;
        }

        n = nin;
        pprof_graph_sort_edges(w, in, n);

        for (j = n; j > 0; j--) {
            e = &w->slots[w->edges[in[j - 1]]];

            if (!e->residual) {
                break;
            }

            if (pprof_graph_explained(w, in[j - 1])) {
                e->dead = 1;
            }
        }
    }
}


/* pprof's isRedundantEdge: the edge's source reaches its destination
 * through other live edges (a search up the callers) */
static int
pprof_graph_explained(pprof_graph_work_t *w, uint32_t ei)
{
    size_t               head, tail, j;
    uint32_t             src, dst, n, *q;
    pprof_graph_slot_t  *e, *ie;

    e = &w->slots[w->edges[ei]];
    src = (uint32_t) (e->key >> 32);
    dst = (uint32_t) e->key;

    if (++w->seen_stamp == 0) {
        memset(w->seen, 0, w->nn * sizeof(uint32_t));
        w->seen_stamp = 1;
    }

    q = w->stamp;       /* the passes' stamps are free until the next pass */
    head = 0;
    tail = 0;
    q[tail++] = dst;
    w->seen[dst] = w->seen_stamp;

    while (head < tail) {
        n = q[head++];

        for (j = w->in_off[n]; j < w->in_off[n + 1]; j++) {
            if (w->in_idx[j] == ei) {
                continue;
            }

            ie = &w->slots[w->edges[w->in_idx[j]]];
            if (ie->dead) {
                continue;
            }

            if (w->seen[ie->key >> 32] == w->seen_stamp) {
                continue;
            }

            if ((uint32_t) (ie->key >> 32) == src) {
                return 1;
            }

            w->seen[ie->key >> 32] = w->seen_stamp;
            q[tail++] = (uint32_t) (ie->key >> 32);
        }
    }

    return 0;
}


static int
pprof_graph_output(pprof_graph_work_t *w, pprof_graph_t *g)
{
    size_t               i, n;
    uint32_t            *pos, *live;
    pprof_graph_slot_t  *e;
    pprof_graph_edge_t  *ge;

    g->nodes = pprof_alloc_n(w->a, w->nlist ? w->nlist : 1,
                             sizeof(pprof_graph_node_t));
    g->edges = pprof_alloc_n(w->a, w->nedges ? w->nedges : 1,
                             sizeof(pprof_graph_edge_t));
    pos = w->seen;

    if (g->nodes == NULL || g->edges == NULL) {
        return PPROF_ERROR;
    }

    for (i = 0; i < w->nlist; i++) {
        g->nodes[i].name = w->names[w->list[i]];
        g->nodes[i].flat = w->flat[w->list[i]];
        g->nodes[i].cum = w->cum[w->list[i]];
        g->nodes[i].nodelet = 0;
        g->nodes[i].nnodelets = 0;
        pos[w->list[i]] = (uint32_t) i;
    }

    g->nnodes = w->nlist;

    /* the live edges between the graph's nodes, in their order (pprof
     * would draw one into a node without a value to a node "N0") */
    live = w->in_idx;
    n = 0;
    for (i = 0; i < w->nedges; i++) {
        e = &w->slots[w->edges[i]];

        if (!e->dead && w->listed[e->key >> 32]
            && w->listed[(uint32_t) e->key])
        {
            live[n++] = (uint32_t) i;
        }
    }

    pprof_graph_sort_edges(w, live, n);

    for (i = 0; i < n; i++) {
        e = &w->slots[w->edges[live[i]]];
        ge = &g->edges[i];
        ge->src = pos[e->key >> 32];
        ge->dst = pos[(uint32_t) e->key];
        ge->weight = e->weight;
        ge->residual = e->residual;
        ge->inl = e->inl;
    }

    g->nedges = n;

    return w->tags ? pprof_graph_nodelets(w, g) : PPROF_OK;
}


static void
pprof_graph_work_free(pprof_graph_work_t *w)
{
    pprof_free(w->a, w->nid);
    pprof_free(w->a, w->names);
    pprof_free(w->a, w->flat);
    pprof_free(w->a, w->cum);
    pprof_free(w->a, w->stamp);
    pprof_free(w->a, w->kept);
    pprof_free(w->a, w->slots);
    pprof_free(w->a, w->list);
    pprof_free(w->a, w->listed);
    pprof_free(w->a, w->ekeys);
    pprof_free(w->a, w->edges);
    pprof_free(w->a, w->in_off);
    pprof_free(w->a, w->in_idx);
    pprof_free(w->a, w->out_off);
    pprof_free(w->a, w->out_idx);
    pprof_free(w->a, w->seen);
    pprof_free(w->a, w->queue);
    pprof_free(w->a, w->lv);
    pprof_free(w->a, w->visit);
    pprof_free(w->a, w->tlid);
    pprof_free(w->a, w->tsize_off);
    pprof_free(w->a, w->tsizes);
    pprof_free(w->a, w->tslots);
    pprof_free(w->a, w->live);
    pprof_free(w->a, w->toff);
    pprof_free(w->a, w->stags);
    pprof_free(w->a, w->zkeep);
    pprof_graph_intern_free(w, &w->lsets);
    pprof_graph_intern_free(w, &w->snames);
    pprof_free(w->a, w->tstamp);
    memset(w, 0, sizeof(pprof_graph_work_t));
}


/* --- sample labels (pprof's nodelets) --- */

/* the stacks of a diff (-diff_base: its base's samples are labelled
 * pprof::base) that sum to 0 while their base's samples or the profile's
 * do not: pprof adds those apart (w->zkeep); -base merges them */
static int
pprof_graph_zero_stacks(pprof_graph_work_t *w, const pprof_profile_t *pr)
{
    size_t                 s, pos;
    int64_t                sum[2];
    uint32_t               i;
    const pprof_stacks_t  *st;

    st = w->st;

    for (s = 0; s < st->nstacks; s++) {
        if (st->stacks[s].value != 0) {
            continue;
        }

        sum[0] = 0;
        sum[1] = 0;

        for (pos = st->sample_off[s]; pos < st->sample_off[s + 1]; pos++) {
            i = st->samples[pos];
            sum[(pr->samples[i].len & PPROF_SAMPLE_BASE) != 0]
                += st->values[pos];
        }

        if (sum[0] == 0 && sum[1] == 0) {
            continue;
        }

        if (w->zkeep == NULL) {
            w->zkeep = pprof_alloc_n(w->a, st->nstacks, 1);
            if (w->zkeep == NULL) {
                return PPROF_ERROR;
            }

            memset(w->zkeep, 0, st->nstacks);
        }

        w->zkeep[s] = 1;
    }

    return PPROF_OK;
}


/* pprof_graph_tag_add(): the table holds PPROF_GRAPH_MAX_TAGS */
#define PPROF_GRAPH_FULL  1


/* the id of the string p[0..len) in t, added if new; PPROF_NONE: no room */
static uint32_t
pprof_graph_intern(pprof_graph_work_t *w, pprof_graph_intern_t *t,
    const char *p, size_t len)
{
    char      *buf;
    size_t     i, j, size, cap, mask, *off;
    uint32_t   id, *slots;

    if (t->n + 1 >= t->cap || (t->n + 1) * 2 > t->mask + 1) {
        cap = t->cap ? t->cap * 2 : 64;
        mask = cap * 2 - 1;
        off = pprof_alloc_n(w->a, cap + 1, sizeof(size_t));
        slots = pprof_alloc_n(w->a, mask + 1, sizeof(uint32_t));

        if (off == NULL || slots == NULL) {
            pprof_free(w->a, off);
            pprof_free(w->a, slots);
            return PPROF_NONE;
        }

        memset(slots, 0, (mask + 1) * sizeof(uint32_t));

        if (t->n) {
            memcpy(off, t->off, (t->n + 1) * sizeof(size_t));

        } else {
            off[0] = 0;
        }

        for (id = 0; id < t->n; id++) {
            j = pprof_hash_str(t->buf + off[id], off[id + 1] - off[id], 0)
                & mask;
            while (slots[j]) {
                j = (j + 1) & mask;
            }

            slots[j] = id + 1;
        }

        pprof_free(w->a, t->off);
        pprof_free(w->a, t->slots);
        t->off = off;
        t->slots = slots;
        t->cap = cap;
        t->mask = mask;
    }

    i = pprof_hash_str(p, len, 0) & t->mask;

    for ( ;; ) {
        id = t->slots[i];

        if (id == 0) {
            break;
        }

        id--;

        if (t->off[id + 1] - t->off[id] == len
            && memcmp(t->buf + t->off[id], p, len) == 0)
        {
            return id;
        }

        i = (i + 1) & t->mask;
    }

    if (t->len + len > t->size) {
        if (t->len + len > PPROF_GRAPH_MAX_TAG_TEXT) {
            return PPROF_NONE;
        }

        size = t->size ? t->size : 1024;
        while (size < t->len + len) {
            size *= 2;
        }

        buf = pprof_alloc(w->a, size);
        if (buf == NULL) {
            return PPROF_NONE;
        }

        if (t->len) {
            memcpy(buf, t->buf, t->len);
        }

        pprof_free(w->a, t->buf);
        t->buf = buf;
        t->size = size;
    }

    if (len) {
        memcpy(t->buf + t->len, p, len);
    }

    t->len += len;
    id = (uint32_t) t->n++;
    t->off[id + 1] = t->len;
    t->slots[i] = id + 1;

    return id;
}


static pprof_str_t
pprof_graph_interned(const pprof_graph_intern_t *t, uint32_t id)
{
    pprof_str_t  s;

    s.data = t->buf + t->off[id];
    s.len = t->off[id + 1] - t->off[id];

    return s;
}


static void
pprof_graph_intern_free(pprof_graph_work_t *w, pprof_graph_intern_t *t)
{
    pprof_free(w->a, t->buf);
    pprof_free(w->a, t->off);
    pprof_free(w->a, t->slots);
    memset(t, 0, sizeof(pprof_graph_intern_t));
}


/* "key:value" pairs as pprof's joinLabels sorts those strings */
static int
pprof_graph_cmp_kv(const void *one, const void *two)
{
    size_t              i, la, lb;
    int                 ca, cb;
    const pprof_str_t  *a, *b;

    a = one;
    b = two;
    la = a[0].len + 1 + a[1].len;
    lb = b[0].len + 1 + b[1].len;

    for (i = 0; i < la && i < lb; i++) {
        ca = i < a[0].len ? (unsigned char) a[0].data[i]
             : i == a[0].len ? ':'
             : (unsigned char) a[1].data[i - a[0].len - 1];
        cb = i < b[0].len ? (unsigned char) b[0].data[i]
             : i == b[0].len ? ':'
             : (unsigned char) b[1].data[i - b[0].len - 1];

        if (ca != cb) {
            return ca - cb;
        }
    }

    return la < lb ? -1 : la > lb;
}


/*
 * Each sample's label set, as pprof's joinLabels makes the name of its
 * tag ("key:value" sorted, joined by the two bytes \ and n, without
 * pprof::base), and its "bytes" sizes named as pprof's formatTag does,
 * in the unit pprof gives the key.  No such labels: w->tags stays 0.
 */
static int
pprof_graph_tags_prepare(pprof_graph_work_t *w, const pprof_profile_t *pr)
{
    char                  *buf, name[64];
    size_t                 pos, npos, i, n, m, len, cap, size, nsizes;
    size_t                 work, depth;
    uint32_t               id;
    pprof_str_t           *kv, key, str;
    pprof_label_t          l;
    pprof_labels_t         it;
    pprof_num_unit_t      *units;
    const pprof_stacks_t  *st;

    st = w->st;
    npos = st->nstacks ? st->sample_off[st->nstacks] : 0;
    nsizes = 0;
    cap = 0;
    size = 0;

    /* a first look: any labels pprof would draw, how many sizes, the
     * most string labels of a sample and their length, and what a pass
     * adds: each sample's labels to each node of its stack */
    work = 0;

    for (i = 0; i < st->nstacks; i++) {
        depth = st->stacks[i].frames[0];

        for (pos = st->sample_off[i]; pos < st->sample_off[i + 1]; pos++) {
            pprof_labels_begin(pr, st->samples[pos], &it);
            n = 0;
            m = 0;
            len = 0;

            while (pprof_labels_next(pr, &it, &l)) {
                key = pr->strings[l.key];

                if (l.is_num) {
                    m += pprof_str_is(key, "bytes");

                } else if (!pprof_str_is(key, "pprof::base")) {
                    n++;
                    len += key.len + 3 + pr->strings[l.str].len;
                }
            }

            cap = n > cap ? n : cap;
            size = len > size ? len : size;
            nsizes += m;
            work += (depth + 1) * (m + (n > 0));
        }

        if (work > PPROF_GRAPH_MAX_TAG_WORK) {
            w->omitted = 1;
            return PPROF_OK;
        }
    }

    if (cap == 0 && nsizes == 0) {
        return PPROF_OK;
    }

    if (pprof_num_label_units(pr, w->a, &units, &n) != PPROF_OK) {
        return PPROF_ERROR;
    }

    /* into the profile's strings, or "bytes" itself */
    w->size_unit = pprof_num_unit_find(units, n, pprof_cstr("bytes"));

    kv = pprof_alloc_n(w->a, cap ? cap : 1, 2 * sizeof(pprof_str_t));
    buf = pprof_alloc(w->a, size + 1);
    w->tlid = pprof_alloc_n(w->a, npos ? npos : 1, sizeof(uint32_t));
    w->tsize_off = pprof_alloc_n(w->a, npos + 1, sizeof(uint32_t));
    w->tsizes = pprof_alloc_n(w->a, nsizes ? nsizes : 1,
                              sizeof(pprof_graph_size_t));
    w->toff = pprof_alloc_n(w->a, w->nn + 1, sizeof(uint32_t));
    w->tmask = 1023;
    w->tslots = pprof_alloc_n(w->a, w->tmask + 1, sizeof(pprof_graph_tag_t));

    if (kv == NULL || buf == NULL || w->tlid == NULL || w->tsize_off == NULL
        || w->tsizes == NULL || w->toff == NULL || w->tslots == NULL
        || pprof_graph_intern(w, &w->lsets, "", 0) != 0)
    {
        goto nomem;
    }

    m = 0;

    for (pos = 0; pos < npos; pos++) {
        w->tsize_off[pos] = (uint32_t) m;
        n = 0;

        pprof_labels_begin(pr, st->samples[pos], &it);

        while (pprof_labels_next(pr, &it, &l)) {
            key = pr->strings[l.key];

            if (!l.is_num) {
                if (!pprof_str_is(key, "pprof::base")) {
                    kv[2 * n] = key;
                    kv[2 * n + 1] = pr->strings[l.str];
                    n++;
                }

                continue;
            }

            if (!pprof_str_is(key, "bytes")) {
                continue;
            }

            len = pprof_scaled_label(name, sizeof(name), l.num, w->size_unit,
                                     pprof_cstr("minimum"));
            id = pprof_graph_intern(w, &w->snames, name,
                                    len < sizeof(name) ? len : 0);
            if (id == PPROF_NONE) {
                goto omit;
            }

            w->tsizes[m].name = id;
            w->tsizes[m].value = l.num;
            m++;
        }

        qsort(kv, n, 2 * sizeof(pprof_str_t), pprof_graph_cmp_kv);

        len = 0;
        for (i = 0; i < n; i++) {
            if (i) {
                buf[len++] = '\\';
                buf[len++] = 'n';
            }

            key = kv[2 * i];
            str = kv[2 * i + 1];
            memcpy(buf + len, key.data, key.len);
            len += key.len;
            buf[len++] = ':';
            memcpy(buf + len, str.data, str.len);
            len += str.len;
        }

        id = n ? pprof_graph_intern(w, &w->lsets, buf, len) : 0;
        if (id == PPROF_NONE) {
            goto omit;
        }

        w->tlid[pos] = id;
    }

    w->tsize_off[npos] = (uint32_t) m;
    w->tags = 1;

    pprof_free(w->a, units);
    pprof_free(w->a, kv);
    pprof_free(w->a, buf);

    return PPROF_OK;

omit:

    /* too many distinct labels (or no memory for them): none drawn */
    w->omitted = 1;

nomem:

    pprof_free(w->a, units);
    pprof_free(w->a, kv);
    pprof_free(w->a, buf);

    return w->omitted ? PPROF_OK : PPROF_ERROR;
}


static uint64_t
pprof_graph_tag_hash(uint32_t node, uint32_t lid, uint32_t name)
{
    uint64_t  h;

    h = ((uint64_t) node << 32 | lid) * 0x9e3779b97f4a7c15ULL;
    h ^= (uint64_t) name * 0xc2b2ae3d27d4eb4fULL;

    return h ^ (h >> 31);
}


static int
pprof_graph_tags_grow(pprof_graph_work_t *w)
{
    size_t              i, j, mask;
    pprof_graph_tag_t  *old, *slots;

    mask = w->tmask * 2 + 1;
    slots = pprof_alloc_n(w->a, mask + 1, sizeof(pprof_graph_tag_t));
    if (slots == NULL) {
        return PPROF_ERROR;
    }

    for (i = 0; i <= mask; i++) {
        slots[i].node = PPROF_NONE;
    }

    old = w->tslots;

    for (i = 0; i <= w->tmask; i++) {
        if (old[i].node == PPROF_NONE) {
            continue;
        }

        j = pprof_graph_tag_hash(old[i].node, old[i].lid, old[i].name) & mask;
        while (slots[j].node != PPROF_NONE) {
            j = (j + 1) & mask;
        }

        slots[j] = old[i];
    }

    pprof_free(w->a, old);
    w->tslots = slots;
    w->tmask = mask;

    return PPROF_OK;
}


/* v of sample pos to the tag (node, lid, name); PPROF_GRAPH_FULL: full */
static int
pprof_graph_tag_add(pprof_graph_work_t *w, uint32_t node, uint32_t lid,
    uint32_t name, uint32_t sample, int64_t value, int64_t v, int flat)
{
    size_t              i;
    pprof_graph_tag_t  *t;

    for ( ;; ) {
        i = pprof_graph_tag_hash(node, lid, name) & w->tmask;

        for ( ;; ) {
            t = &w->tslots[i];

            if (t->node == PPROF_NONE) {
                break;
            }

            if (t->node == node && t->lid == lid && t->name == name) {
                goto found;
            }

            i = (i + 1) & w->tmask;
        }

        if ((w->ntags + 1) * 2 <= w->tmask + 1) {
            break;
        }

        if (w->ntags >= PPROF_GRAPH_MAX_TAGS) {
            return PPROF_GRAPH_FULL;
        }

        if (pprof_graph_tags_grow(w) != PPROF_OK) {
            return PPROF_ERROR;
        }
    }

    t->node = node;
    t->lid = lid;
    t->name = name;
    t->first = sample;
    t->value = value;
    t->flat = 0;
    t->cum = 0;
    w->ntags++;

found:

    /* pprof keeps the size of the first sample that made the tag */
    if (sample < t->first) {
        t->first = sample;
        t->value = value;
    }

    if (flat) {
        t->flat += v;

    } else {
        t->cum += v;
    }

    return PPROF_OK;
}


/* the labels of stack s's samples to the nodes it added cum to (visit)
 * and flat to (leaf), as pprof's addSample */
static int
pprof_graph_tags_stack(pprof_graph_work_t *w, size_t s, size_t nvisit,
    uint32_t leaf)
{
    int                 rc;
    size_t              pos, k, j, n;
    int64_t             v;
    uint32_t            lid, sample, node;
    pprof_graph_size_t *sz;

    for (pos = w->st->sample_off[s]; pos < w->st->sample_off[s + 1]; pos++) {
        v = w->st->values[pos];
        lid = w->tlid[pos];
        sample = w->st->samples[pos];
        sz = w->tsizes + w->tsize_off[pos];
        n = w->tsize_off[pos + 1] - w->tsize_off[pos];

        if (v == 0 || (lid == 0 && n == 0)) {
            continue;
        }

        for (k = 0; k <= nvisit; k++) {
            if (k == nvisit && leaf == PPROF_NONE) {
                break;
            }

            node = k < nvisit ? w->visit[k] : leaf;

            if (lid) {
                rc = pprof_graph_tag_add(w, node, lid, PPROF_NONE, sample, 0,
                                         v, k == nvisit);
                if (rc != PPROF_OK) {
                    goto failed;
                }
            }

            for (j = 0; j < n; j++) {
                rc = pprof_graph_tag_add(w, node, lid, sz[j].name, sample,
                                         sz[j].value, v, k == nvisit);
                if (rc != PPROF_OK) {
                    goto failed;
                }
            }
        }
    }

    return PPROF_OK;

failed:

    if (rc == PPROF_GRAPH_FULL) {
        /* too many distinct labels on the nodes: none drawn */
        w->omitted = 1;
        w->tags = 0;
        return PPROF_OK;
    }

    return PPROF_ERROR;
}


/* tags by node, then label set, a set's own tag after its sizes */
static int
pprof_graph_cmp_tag(const void *one, const void *two)
{
    const pprof_graph_tag_t  *a, *b;

    a = one;
    b = two;

    if (a->node != b->node) {
        return a->node < b->node ? -1 : 1;
    }

    if (a->lid != b->lid) {
        return a->lid < b->lid ? -1 : 1;
    }

    return a->name < b->name ? -1 : a->name > b->name;
}


/* the pass's tags at or above cutoff (pprof's TrimLowFrequencyTags),
 * sorted, with w->toff */
static int
pprof_graph_tags_collect(pprof_graph_work_t *w, int64_t cutoff)
{
    size_t              i, n;
    pprof_graph_tag_t  *t;

    pprof_free(w->a, w->live);
    w->live = NULL;

    if (!w->tags) {
        return PPROF_OK;
    }

    w->live = pprof_alloc_n(w->a, w->ntags ? w->ntags : 1,
                            sizeof(pprof_graph_tag_t));
    if (w->live == NULL) {
        return PPROF_ERROR;
    }

    n = 0;
    for (i = 0; i <= w->tmask; i++) {
        t = &w->tslots[i];

        if (t->node != PPROF_NONE
            && (pprof_graph_abs(t->flat) >= cutoff
                || pprof_graph_abs(t->cum) >= cutoff))
        {
            w->live[n++] = *t;
        }
    }

    qsort(w->live, n, sizeof(pprof_graph_tag_t), pprof_graph_cmp_tag);

    memset(w->toff, 0, (w->nn + 1) * sizeof(uint32_t));

    for (i = 0; i < n; i++) {
        w->toff[w->live[i].node + 1]++;
    }

    for (i = 0; i < w->nn; i++) {
        w->toff[i + 1] += w->toff[i];
    }

    return PPROF_OK;
}


/* pprof's countTags: the node's tags with a flat weight */
static size_t
pprof_graph_tags_count(pprof_graph_work_t *w, uint32_t id)
{
    size_t  i, n;

    if (!w->tags || w->live == NULL) {
        return 0;
    }

    n = 0;
    for (i = w->toff[id]; i < w->toff[id + 1]; i++) {
        n += w->live[i].flat != 0;
    }

    return n;
}


/* pprof's SortTags: by |cum| unless flat, by |flat|, then by name */
static int
pprof_graph_cmp_stag_flat(const void *one, const void *two)
{
    int64_t                    x, y;
    const pprof_graph_stag_t  *a, *b;

    a = one;
    b = two;
    x = pprof_graph_abs(a->flat);
    y = pprof_graph_abs(b->flat);

    if (x != y) {
        return x > y ? -1 : 1;
    }

    return pprof_str_cmp(a->name, b->name);
}


static int
pprof_graph_cmp_stag_cum(const void *one, const void *two)
{
    int64_t                    x, y;
    const pprof_graph_stag_t  *a, *b;

    a = one;
    b = two;
    x = pprof_graph_abs(a->cum);
    y = pprof_graph_abs(b->cum);

    if (x != y) {
        return x > y ? -1 : 1;
    }

    return pprof_graph_cmp_stag_flat(one, two);
}


static void
pprof_graph_sort_stags(pprof_graph_stag_t *t, size_t n, int flat)
{
    qsort(t, n, sizeof(pprof_graph_stag_t),
          flat ? pprof_graph_cmp_stag_flat : pprof_graph_cmp_stag_cum);
}


/* the graph's next nodelet; NULL: out of memory */
static pprof_graph_nodelet_t *
pprof_graph_nodelet_add(pprof_graph_work_t *w, pprof_graph_t *g,
    size_t *cap, size_t **names)
{
    size_t                  n, *nn;
    pprof_graph_nodelet_t  *d;

    if (g->nnodelets == *cap) {
        n = *cap ? *cap * 2 : 64;
        d = pprof_alloc_n(w->a, n, sizeof(pprof_graph_nodelet_t));
        nn = pprof_alloc_n(w->a, n, sizeof(size_t));

        if (d == NULL || nn == NULL) {
            pprof_free(w->a, d);
            pprof_free(w->a, nn);
            return NULL;
        }

        if (g->nnodelets) {
            memcpy(d, g->nodelets,
                   g->nnodelets * sizeof(pprof_graph_nodelet_t));
            memcpy(nn, *names, g->nnodelets * sizeof(size_t));
        }

        pprof_free(w->a, g->nodelets);
        pprof_free(w->a, *names);
        g->nodelets = d;
        *names = nn;
        *cap = n;
    }

    d = &g->nodelets[g->nnodelets];
    memset(d, 0, sizeof(pprof_graph_nodelet_t));
    (*names)[g->nnodelets] = (size_t) -1;
    g->nnodelets++;

    return d;
}


typedef struct {
    size_t                   cap;
    size_t                  *names;     /* by nodelet: offset in text */
    char                    *text;      /* the ranges' names */
    size_t                   len;
    size_t                   size;
} pprof_graph_nodelets_t;


/* a range's name "1kB..2kB" (or one size's) into nl->text at *off */
static int
pprof_graph_range_name(pprof_graph_work_t *w, pprof_graph_nodelets_t *nl,
    const pprof_graph_stag_t *lo, const pprof_graph_stag_t *hi,
    pprof_graph_stag_t *range)
{
    char    *p;
    size_t   n, size;

    if (nl->len + 160 > nl->size) {
        size = nl->size ? nl->size * 2 : 4096;
        p = pprof_alloc(w->a, size);
        if (p == NULL) {
            return PPROF_ERROR;
        }

        if (nl->len) {
            memcpy(p, nl->text, nl->len);
        }

        pprof_free(w->a, nl->text);
        nl->text = p;
        nl->size = size;
    }

    /* measurement.Label: the value in its own unit, scaled ("auto") */
    p = nl->text + nl->len;
    n = pprof_scaled_label(p, 64, lo->value, w->size_unit,
                           pprof_cstr("auto"));
    n = n < 64 ? n : 63;

    if (hi != NULL) {
        memcpy(p + n, "..", 2);
        n += 2;
        size = pprof_scaled_label(p + n, 64, hi->value, w->size_unit,
                                  pprof_cstr("auto"));
        n += size < 64 ? size : 63;
    }

    range->off = nl->len;
    range->name.len = n;
    nl->len += n;

    return PPROF_OK;
}


/*
 * pprof's numericNodelets: the sizes t[0..n) of a node (or of one of its
 * label sets, parent) collapsed into at most PPROF_GRAPH_NODELETS ranges
 * (collapsedTags: the heaviest are the seeds, each other size joins the
 * nearest one), weighted as addNodelets does.
 */
static int
pprof_graph_sizes(pprof_graph_work_t *w, pprof_graph_t *g,
    pprof_graph_nodelets_t *nl, pprof_graph_stag_t *t, size_t n, int flat,
    uint32_t parent)
{
    size_t                  i, j, k, ng;
    double                  d, nd;
    int64_t                 wt;
    uint32_t                lo[PPROF_GRAPH_NODELETS];
    uint32_t                hi[PPROF_GRAPH_NODELETS];
    uint32_t                cnt[PPROF_GRAPH_NODELETS];
    pprof_graph_stag_t      grp[PPROF_GRAPH_NODELETS];
    pprof_graph_nodelet_t  *nl_;

    pprof_graph_sort_stags(t, n, flat);

    ng = n;

    if (n > PPROF_GRAPH_NODELETS) {
        ng = PPROF_GRAPH_NODELETS;

        for (k = 0; k < ng; k++) {
            grp[k] = t[k];
            lo[k] = (uint32_t) k;
            hi[k] = (uint32_t) k;
            cnt[k] = 1;
        }

        for (i = ng; i < n; i++) {
            /* tagDistance to each seed; ties to the first */
            j = 0;
            d = fabs((double) t[0].value - (double) t[i].value);

            for (k = 1; k < ng; k++) {
                nd = fabs((double) t[k].value - (double) t[i].value);
                if (nd < d) {
                    j = k;
                    d = nd;
                }
            }

            if (t[i].value < t[lo[j]].value) {
                lo[j] = (uint32_t) i;
            }

            if (t[i].value > t[hi[j]].value) {
                hi[j] = (uint32_t) i;
            }

            grp[j].flat += t[i].flat;
            grp[j].cum += t[i].cum;
            cnt[j]++;
        }

        for (k = 0; k < ng; k++) {
            if (pprof_graph_range_name(w, nl, &t[lo[k]],
                                       cnt[k] > 1 ? &t[hi[k]] : NULL,
                                       &grp[k])
                != PPROF_OK)
            {
                return PPROF_ERROR;
            }
        }

        /* the text may have moved while it grew */
        for (k = 0; k < ng; k++) {
            grp[k].name.data = nl->text + grp[k].off;
        }

        pprof_graph_sort_stags(grp, ng, flat);
        memcpy(t, grp, ng * sizeof(pprof_graph_stag_t));
    }

    for (j = 0; j < ng; j++) {
        if (flat || t[j].flat == t[j].cum) {
            wt = t[j].flat;

        } else {
            wt = t[j].cum;
        }

        if (wt == 0) {
            continue;
        }

        nl_ = pprof_graph_nodelet_add(w, g, &nl->cap, &nl->names);
        if (nl_ == NULL) {
            return PPROF_ERROR;
        }

        nl_->name = t[j].name;
        nl_->weight = wt;
        nl_->index = (uint32_t) j;
        nl_->parent = parent;
        nl_->numeric = 1;
        nl_->dotted = !(flat || t[j].flat == t[j].cum);

        if (n > PPROF_GRAPH_NODELETS) {
            nl->names[g->nnodelets - 1] = t[j].off;
        }
    }

    return PPROF_OK;
}


/* the sizes of label set lid among a node's tags live[a..b) */
static int
pprof_graph_node_sizes(pprof_graph_work_t *w, pprof_graph_t *g,
    pprof_graph_nodelets_t *nl, size_t a, size_t b, uint32_t lid,
    pprof_graph_stag_t *st, int flat, uint32_t parent)
{
    size_t              k, n;
    pprof_graph_tag_t  *t;

    n = 0;

    for (k = a; k < b; k++) {
        t = &w->live[k];

        if (t->lid == lid && t->name != PPROF_NONE) {
            st[n].name = pprof_graph_interned(&w->snames, t->name);
            st[n].value = t->value;
            st[n].flat = t->flat;
            st[n].cum = t->cum;
            st[n].lid = lid;
            st[n].off = 0;
            n++;
        }
    }

    return n ? pprof_graph_sizes(w, g, nl, st, n, flat, parent) : PPROF_OK;
}


/* pprof's addNodelets for each node of the graph */
static int
pprof_graph_nodelets(pprof_graph_work_t *w, pprof_graph_t *g)
{
    int                     flat;
    size_t                  i, j, k, a, b, n, nls, most;
    uint32_t                id, label;
    unsigned char          *out;
    pprof_graph_tag_t      *t;
    pprof_graph_stag_t     *lt, *st;
    pprof_graph_nodelet_t  *d;
    pprof_graph_nodelets_t  nl;

    memset(&nl, 0, sizeof(pprof_graph_nodelets_t));

    if (w->live == NULL) {
        return PPROF_OK;
    }

    most = 0;
    for (i = 0; i < g->nnodes; i++) {
        id = w->list[i];
        n = w->toff[id + 1] - w->toff[id];
        most = n > most ? n : most;
    }

    /* a node's label sets, and one set's sizes */
    lt = pprof_alloc_n(w->a, most ? most : 1, 2 * sizeof(pprof_graph_stag_t));
    out = pprof_alloc(w->a, g->nnodes ? g->nnodes : 1);
    if (lt == NULL || out == NULL) {
        goto nomem;
    }

    st = lt + (most ? most : 1);

    /* internal nodes show flat weights, leaves cum */
    memset(out, 0, g->nnodes);
    for (i = 0; i < g->nedges; i++) {
        out[g->edges[i].src] = 1;
    }

    for (i = 0; i < g->nnodes; i++) {
        id = w->list[i];
        a = w->toff[id];
        b = w->toff[id + 1];
        flat = out[i];
        g->nodes[i].nodelet = (uint32_t) g->nnodelets;

        nls = 0;
        for (k = a; k < b; k++) {
            t = &w->live[k];

            if (t->name == PPROF_NONE) {
                lt[nls].name = pprof_graph_interned(&w->lsets, t->lid);
                lt[nls].value = 0;
                lt[nls].flat = t->flat;
                lt[nls].cum = t->cum;
                lt[nls].lid = t->lid;
                lt[nls].off = 0;
                nls++;
            }
        }

        pprof_graph_sort_stags(lt, nls, flat);

        for (j = 0; j < nls && j < PPROF_GRAPH_NODELETS; j++) {
            if ((flat ? lt[j].flat : lt[j].cum) == 0) {
                continue;
            }

            d = pprof_graph_nodelet_add(w, g, &nl.cap, &nl.names);
            if (d == NULL) {
                goto nomem;
            }

            d->name = lt[j].name;
            d->weight = flat ? lt[j].flat : lt[j].cum;
            d->index = (uint32_t) j;
            d->parent = PPROF_NONE;
            label = (uint32_t) (g->nnodelets - 1);

            if (pprof_graph_node_sizes(w, g, &nl, a, b, lt[j].lid, st, flat,
                                       label)
                != PPROF_OK)
            {
                goto nomem;
            }
        }

        if (pprof_graph_node_sizes(w, g, &nl, a, b, 0, st, flat, PPROF_NONE)
            != PPROF_OK)
        {
            goto nomem;
        }

        g->nodes[i].nnodelets = (uint32_t) (g->nnodelets
                                            - g->nodes[i].nodelet);
    }

    /* the ranges' names into their final text */
    for (i = 0; i < g->nnodelets; i++) {
        if (nl.names[i] != (size_t) -1) {
            g->nodelets[i].name.data = nl.text + nl.names[i];
        }
    }

    g->text[2] = nl.text;
    pprof_free(w->a, nl.names);
    pprof_free(w->a, lt);
    pprof_free(w->a, out);

    return PPROF_OK;

nomem:

    pprof_free(w->a, nl.names);
    pprof_free(w->a, nl.text);
    pprof_free(w->a, lt);
    pprof_free(w->a, out);

    return PPROF_ERROR;
}


/* --- names --- */

static int
pprof_graph_word(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
           || (c >= '0' && c <= '9') || c == '_';
}


/* javaRegExp: ^(?:[a-z]\w*\.)*([A-Z][\w\$]*\.(?:<init>|[a-z][\w\$]*
 * (?:\$\d+)?))(?:(?:\()|$), the capture or a zero length */
static pprof_str_t
pprof_graph_java(pprof_str_t s)
{
    size_t       i, start, j;
    const char  *p;
    pprof_str_t  r;

    p = s.data;
    i = 0;
    r.data = s.data;
    r.len = 0;

    /* the lowercase package segments */
    while (i < s.len && p[i] >= 'a' && p[i] <= 'z') {
        j = i + 1;
        while (j < s.len && pprof_graph_word(p[j])) {
            j++;
        }

        if (j >= s.len || p[j] != '.') {
            return r;
        }

        i = j + 1;
    }

    start = i;

    if (i >= s.len || !(p[i] >= 'A' && p[i] <= 'Z')) {
        return r;
    }

    for (i++; i < s.len && (pprof_graph_word(p[i]) || p[i] == '$'); i++) {
        /* void */
    }

    if (i >= s.len || p[i] != '.') {
        return r;
    }

    i++;

    if (s.len - i >= 6 && memcmp(p + i, "<init>", 6) == 0) {
        i += 6;

    } else if (i < s.len && p[i] >= 'a' && p[i] <= 'z') {
        for (i++; i < s.len && (pprof_graph_word(p[i]) || p[i] == '$'); i++) {
            /* void */
        }

    } else {
        return r;
    }

    if (i < s.len && p[i] != '(') {
        return r;
    }

    r.data = p + start;
    r.len = i - start;

    return r;
}


/* cppRegExp: ^(?:[_a-zA-Z]\w*::)+(_*[A-Z]\w*::~?[_a-zA-Z]\w*(?:<.*>)?),
 * greedy: the capture starts at the last segment that allows it */
static pprof_str_t
pprof_graph_cpp(pprof_str_t s)
{
    size_t       i, j, k, n, seg[64], end, gt;
    const char  *p;
    pprof_str_t  r;

    p = s.data;
    r.data = s.data;
    r.len = 0;

    /* seg[k]: where segment k starts; segments are [_a-zA-Z]\w* then :: */
    n = 0;
    i = 0;

    while (n < pprof_nelts(seg) && i < s.len
           && (p[i] == '_' || (p[i] >= 'a' && p[i] <= 'z')
               || (p[i] >= 'A' && p[i] <= 'Z')))
    {
        j = i + 1;
        while (j < s.len && pprof_graph_word(p[j])) {
            j++;
        }

        if (s.len - j < 2 || p[j] != ':' || p[j + 1] != ':') {
            break;
        }

        seg[n++] = i;
        i = j + 2;
    }

    /* the capture at segment k >= 1: _*[A-Z]\w*::~?[_a-zA-Z]\w* */
    for (k = n; k > 1; k--) {
        i = seg[k - 1];

        j = i;
        while (j < s.len && p[j] == '_') {
            j++;
        }

        if (j >= s.len || !(p[j] >= 'A' && p[j] <= 'Z')) {
            continue;
        }

        while (j < s.len && pprof_graph_word(p[j])) {
            j++;
        }

        /* j is at "::" (a segment) */
        j += 2;

        if (j < s.len && p[j] == '~') {
            j++;
        }

        if (j >= s.len
            || !(p[j] == '_' || (p[j] >= 'a' && p[j] <= 'z')
                 || (p[j] >= 'A' && p[j] <= 'Z')))
        {
            continue;
        }

        for (j++; j < s.len && pprof_graph_word(p[j]); j++) {
            /* void */
        }

        end = j;

        if (j < s.len && p[j] == '<') {
            for (gt = s.len; gt > j + 1 && p[gt - 1] != '>'; gt--) {
                /* void */
            }

            if (gt > j + 1) {
                end = gt;
            }
        }

        r.data = p + i;
        r.len = end - i;

        return r;
    }

    return r;
}


pprof_str_t
pprof_graph_short_name(pprof_str_t name, char *buf, size_t size)
{
    size_t       i, j, last, len;
    const char  *p;
    pprof_str_t  s, r;

    s = name;

    if (s.len == 0 || (s.data[0] == '[' && s.data[s.len - 1] == ']')
        || pprof_str_is(s, "<unknown>"))
    {
        return s;
    }

    /* cppAnonymousPrefixRegExp */
    if (pprof_str_has_prefix(s, "(anonymous namespace)::")) {
        s.data += 23;
        s.len -= 23;
    }

    /* goVerRegExp: ^(.*?)/v(?:[2-9]|[1-9][0-9]+)([./].*)$, the first
     * "/vN" whose digits end at a "." or "/" */
    p = s.data;

    for (i = 0; i + 3 < s.len; i++) {
        if (p[i] != '/' || p[i + 1] != 'v') {
            continue;
        }

        for (j = i + 2; j < s.len && p[j] >= '0' && p[j] <= '9'; j++) {
            /* void */
        }

        len = j - (i + 2);

        if (j < s.len && (p[j] == '.' || p[j] == '/')
            && ((len == 1 && p[i + 2] >= '2')
                || (len >= 2 && p[i + 2] != '0'))
            && s.len - (j - i) <= size)
        {
            memcpy(buf, p, i);
            memcpy(buf + i, p + j, s.len - j);
            s.len -= j - i;
            s.data = buf;
            break;
        }
    }

    /* goRegExp: ^(?:[\w\-\.]+\/)+(.+): after the last such "/" */
    p = s.data;
    last = 0;
    i = 0;

    for ( ;; ) {
        j = i;
        while (j < s.len
               && (pprof_graph_word(p[j]) || p[j] == '-' || p[j] == '.'))
        {
            j++;
        }

        if (j == i || j >= s.len || p[j] != '/') {
            break;
        }

        if (j + 1 < s.len) {
            last = j + 1;
        }

        i = j + 1;
    }

    if (last > 0) {
        s.data += last;
        s.len -= last;
        return s;
    }

    r = pprof_graph_java(s);
    if (r.len) {
        return r;
    }

    r = pprof_graph_cpp(s);
    if (r.len) {
        return r;
    }

    return s;
}


size_t
pprof_graph_name_lines(pprof_str_t name, char *buf, size_t size,
    pprof_str_t *lines, size_t max)
{
    char         *q;
    size_t        i, n, used;
    const char   *p;
    pprof_str_t   s;

    s = pprof_graph_short_name(name, buf, size);

    if (s.len == 0) {
        s = pprof_cstr("<unknown>");
    }

    if (max == 0) {
        return 0;
    }

    lines[0] = s;

    if (s.data[0] == '[' || pprof_str_is(s, "<unknown>")) {
        return 1;
    }

    /* the lines are rewritten after the short name in buf, or in place
     * when it is not there: "[...]" grows by 1 byte ("\xe2\x80\xa6" for "...") */
    p = s.data;
    used = (s.data >= buf && s.data < buf + size) ? s.len : 0;

    if (size - used < s.len + s.len / 5 + 1) {
        return 1;
    }

    q = buf + used;
    n = 0;
    lines[0].data = q;
    lines[0].len = 0;

    for (i = 0; i < s.len; i++) {
        if ((p[i] == '.' || (p[i] == ':' && i + 1 < s.len && p[i + 1] == ':'))
            && n + 1 < max)
        {
            lines[n].len = q - lines[n].data;
            n++;
            lines[n].data = q;

            if (p[i] == ':') {
                i++;
            }

            continue;
        }

        if (p[i] == '[' && s.len - i >= 5 && memcmp(p + i, "[...]", 5) == 0) {
            memcpy(q, "[\xe2\x80\xa6]", 5);
            q += 5;
            i += 4;
            continue;
        }

        *q++ = p[i];
    }

    lines[n].len = q - lines[n].data;

    return n + 1;
}
