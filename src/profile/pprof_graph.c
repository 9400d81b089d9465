
/*
 * The call graph, as pprof's internal/graph (New, newGraph) and
 * internal/report (newTrimmedGraph) make it for -dot:
 *
 *   1. the whole graph from the samples; the cutoffs are nodefraction and
 *      edgefraction of its flat sum;
 *   2. nodes with |cum| below the node cutoff dropped, the graph rebuilt
 *      from the samples with the rest (paths through dropped nodes become
 *      residual edges);
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
#include "pprof_report.h"
#include "pprof_graph.h"


#define PPROF_GRAPH_EMPTY  ((uint64_t) -1)


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
} pprof_graph_work_t;


static int pprof_graph_names(pprof_graph_work_t *w);
static int pprof_graph_pass(pprof_graph_work_t *w);
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
    size_t                      i, n, kept;
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

    if (pprof_graph_names(&w) != PPROF_OK || pprof_graph_pass(&w) != PPROF_OK)
    {
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

            if (pprof_graph_pass(&w) != PPROF_OK) {
                goto nomem;
            }
        }
    }

    g->orig_count = w.nlist;

    /* 3: nodecount, by entropy */
    if (pprof_graph_adjacency(&w) != PPROF_OK) {
        goto nomem;
    }

    if (pprof_graph_sort(&w) != PPROF_OK) {
        goto nomem;
    }

    if (options->nodecount > 0) {
        pprof_graph_trim_edges(&w, g->edge_cutoff);

        n = options->nodecount < w.nlist ? options->nodecount : w.nlist;

        if (n != w.nlist) {
            memset(w.kept, 0, w.nn);

            for (i = 0; i < n; i++) {
                w.kept[w.list[i]] = 1;
            }

            if (pprof_graph_pass(&w) != PPROF_OK
                || pprof_graph_adjacency(&w) != PPROF_OK
                || pprof_graph_sort(&w) != PPROF_OK)
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
    pprof_free(g->allocator, g->nodes);
    pprof_free(g->allocator, g->edges);
    g->nodes = NULL;
    g->edges = NULL;
    g->nnodes = 0;
    g->nedges = 0;
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
    w->in_off = pprof_alloc_n(w->a, w->nn + 2, sizeof(uint32_t));
    w->out_off = pprof_alloc_n(w->a, w->nn + 2, sizeof(uint32_t));

    if (w->flat == NULL || w->cum == NULL || w->stamp == NULL
        || w->seen == NULL || w->queue == NULL || w->list == NULL
        || w->listed == NULL
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


/* pprof's newGraph over the stacks, with the nodes in w->kept */
static int
pprof_graph_pass(pprof_graph_work_t *w)
{
    size_t                   s, k, j, n, p, depth, mask, nslots;
    int64_t                  v, t;
    uint32_t                 id, lcp;
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
         * adds nothing, not even a 0 edge */
        if (v == 0) {
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

            if (up->parent == PPROF_NONE || id == up->parent) {
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
    }

    pprof_graph_close(w, depth, 0, t);

    /* the graph's nodes: those with a value */
    w->nlist = 0;
    for (id = 0; id < w->nn; id++) {
        w->listed[id] = (w->kept == NULL || w->kept[id])
                        && (w->cum[id] != 0 || w->flat[id] != 0);

        if (w->listed[id]) {
            w->list[w->nlist++] = id;
        }
    }

    return PPROF_OK;
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

    return PPROF_OK;
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
    memset(w, 0, sizeof(pprof_graph_work_t));
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
