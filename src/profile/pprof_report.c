
/*
 * Aggregation with `go tool pprof` semantics at function granularity:
 * the profile's drop_frames/keep_frames (pprof's Prune), -focus/-ignore,
 * flat and cum per function, "(inline)" labels, and the call tree and
 * goroutine stack groups the HTML views draw.
 *
 * Samples stay encoded in the profile; each pass decodes a sample's
 * location ids into one scratch array and walks it.  Cum is counted once
 * per sample through a per-name "last sample seen" stamp.
 *
 * Owns pprof.h's pprof_report_* and pprof_report.h.  Uses pprof_util.c,
 * pprof_units.c (the report's output unit) and pprof_proto.c.
 */


#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pprof_util.h"
#include "pprof_units.h"
#include "pprof_proto.h"
#include "pprof_report.h"


/* per node */
#define PPROF_NODE_ZOOM        0x08
#define PPROF_NODE_INL_PARENT  0x10    /* is inlined somewhere */
#define PPROF_NODE_NOINLINE    0x20    /* has a non-inline caller edge */
#define PPROF_NODE_INLINE      0x40    /* has an inline-only caller edge */

/* per location, from drop_frames */
#define PPROF_LOC_PRUNE        1       /* the whole location is dropped */
#define PPROF_LOC_BENEATH      2       /* inlined lines below it dropped */

/* the name filters, as bits of a line's or a location's matches */
enum {
    PPROF_RX_FOCUS = 0,
    PPROF_RX_IGNORE,
    PPROF_RX_HIDE,
    PPROF_RX_SHOW,
    PPROF_RX_SHOW_FROM,
    PPROF_RX_N
};

#define PPROF_RX_BIT(k)        (1u << (k))
#define PPROF_RX_DONE          0x80    /* a function's bits are computed */

/* the tag filters: at most this many comma-separated regexes each */
#define PPROF_TAG_MAX_RX       32


/* a static inline edge (caller, callee) inside some location */
typedef struct {
    uint32_t                *slots;
    uint64_t                *keys;
    uint32_t                *stamp;
    unsigned char           *state;    /* 1: used, 2: also non-inline */
    size_t                   mask;
    size_t                   n;
} pprof_pairs_t;


/* a caller->callee edge into a function that is inlined somewhere */
typedef struct {
    uint64_t                 key;       /* caller << 32 | callee */
    int64_t                  weight;
    uint32_t                 stamp;     /* last sample that counted it */
    uint32_t                 inline_only;
} pprof_edge_t;


typedef struct {
    uint32_t                *slots;     /* edge index + 1, 0: empty */
    pprof_edge_t            *edges;
    size_t                   mask;
    size_t                   n;
    size_t                   cap;
} pprof_edges_t;


/* pprof's NodeInfo: what a node is keyed by */
typedef struct {
    uint64_t                 address;
    pprof_str_t              file;      /* cleaned */
    int64_t                  line;
    int64_t                  start_line;
    uint32_t                 name;      /* a profile name, or PPROF_NONE */
    uint32_t                 obj;       /* its mapping's name, or NONE */
    pprof_str_t              fname;     /* the function's, when named */
    pprof_str_t              objfile;   /* the mapping's file, when not */
    uint64_t                 hash;
} pprof_node_key_t;


struct pprof_report_s {
    pprof_report_info_t      info;
    pprof_allocator_t        allocator;
    const pprof_profile_t   *pr;

    unsigned char           *flags;        /* per name node */
    int64_t                 *flat;
    int64_t                 *cum;
    uint32_t                *row_node;
    unsigned char           *row_inline;

    unsigned char           *loc_prune;    /* NULL: no drop_frames */
    uint32_t                *loc_skip;
    int                      focus;
    int                      ignore;
    int                      hide;         /* hide or show: empty locations */
    int                      show_from;
    int                      zoom;
    int                      granularity;  /* PPROF_GRAN_* */

    /* the nodes at the report's granularity: lnode[line] of each line of
     * the profile; names and full names per node */
    uint32_t                *lnode;
    pprof_str_t             *names;
    pprof_str_t             *full;
    size_t                   nnodes;
    char                    *name_buf;

    /* the lines of location li after drop_frames, hide, show and
     * show_from: eline[eoff[li] .. eend[li]), innermost first, and their
     * nodes in enode[] */
    uint32_t                *eoff;
    uint32_t                *eend;
    uint32_t                *eline;
    uint32_t                *enode;
    unsigned char           *loc_flags;    /* PPROF_RX_BIT()s, or NULL */
    unsigned char           *sample_keep;  /* the tag filters, or NULL */
    uint32_t                *node_row;     /* a node's row */
    pprof_node_key_t        *node_keys;    /* NULL: functions */
    char                    *clean_buf;

    int                      peek_ready;
    pprof_peek_t            *peeks;
    size_t                   npeeks;
    pprof_peek_edge_t       *peek_edges;

    const uint32_t          *stk;          /* the sample pprof_prepare()d */
    uint32_t                *locs;         /* scratch, max_depth */

    /* the walk's view of locations (pprof_walk_build()), which the stacks
     * reuse, its static inline edges, and once it walked (the function
     * rows' own way, pprof_aggregate()) the stacks and frames it counted */
    uint32_t                *walk;
    uint32_t                *multi;
    pprof_edges_t            edges;
    int                      walked;
    int                      walk_failed;
    size_t                   walk_stacks;
    size_t                   walk_frames;

    /* the function rows (pprof_report_functions()) */
    int                      rows_ready;

    /* the output unit, for the first unit_rows rows */
    size_t                   unit_rows;
    int                      unit_ready;
    int                      scaler_ready;
    pprof_str_t              unit;
    pprof_scaler_t           scaler;

    int                      stacks_ready;
    pprof_stacks_t           stacks;
    uint32_t                *stack_frames; /* of stacks */
    unsigned char           *stack_inl;    /* of stacks, by frame */
    pprof_str_t             *rank_names;
    uint32_t                *rank;         /* a node's name rank */
    /* by rank, made from the stacks unless zoom cut them: NULL then */
    int64_t                 *rank_flat;
    int64_t                 *rank_cum;

    int                      tree_ready;
    pprof_tree_t             tree;

    int                      groups_ready;
    pprof_stack_group_t     *groups;
    size_t                   ngroups;
    pprof_frame_t           *frames;
    char                    *labels;
};


typedef struct {
    pprof_function_row_t     row;
    uint32_t                 node;
    /* NULL at the functions granularity, where ties go by node */
    const pprof_node_key_t  *key;
} pprof_sort_row_t;


static int64_t
pprof_abs(int64_t v)
{
    return v < 0 ? -v : v;
}


/*
 * The last tie-break of pprof's node orders (compareNodes):
 * fmt.Sprint(NodeInfo), "{name origname address file start line objfile}"
 */
static int
pprof_cmp_info(const pprof_sort_row_t *x, const pprof_sort_row_t *y)
{
    int                      rc;
    size_t                   i, n[2];
    char                     buf[2][512];
    const pprof_node_key_t  *k;

    if (x->key == NULL || y->key == NULL) {
        return x->node < y->node ? -1 : x->node > y->node;
    }

    for (i = 0; i < 2; i++) {
        k = i ? y->key : x->key;

        n[i] = (size_t) snprintf(buf[i], sizeof(buf[i]),
                                 "{%.*s  %llu %.*s %lld %lld %.*s}",
                                 (int) (k->fname.len & 0xff), k->fname.data,
                                 (unsigned long long) k->address,
                                 (int) (k->file.len & 0xff), k->file.data,
                                 (long long) k->start_line,
                                 (long long) k->line,
                                 (int) (k->objfile.len & 0x7f),
                                 k->objfile.data);

        if (n[i] >= sizeof(buf[i])) {
            n[i] = sizeof(buf[i]) - 1;
        }
    }

    rc = memcmp(buf[0], buf[1], n[0] < n[1] ? n[0] : n[1]);
    if (rc != 0) {
        return rc;
    }

    if (n[0] != n[1]) {
        return n[0] < n[1] ? -1 : 1;
    }

    return x->node < y->node ? -1 : x->node > y->node;
}


/* pprof's FlatNameOrder: |flat| desc, name, |cum| desc */
static int
pprof_cmp_flat(const void *one, const void *two)
{
    int                      rc;
    int64_t                  a, b;
    const pprof_sort_row_t  *x, *y;

    x = one;
    y = two;

    a = pprof_abs(x->row.flat);
    b = pprof_abs(y->row.flat);
    if (a != b) {
        return a > b ? -1 : 1;
    }

    rc = pprof_str_cmp(x->row.name, y->row.name);
    if (rc != 0) {
        return rc;
    }

    a = pprof_abs(x->row.cum);
    b = pprof_abs(y->row.cum);
    if (a != b) {
        return a > b ? -1 : 1;
    }

    return pprof_cmp_info(x, y);
}


/* pprof's CumNameOrder: |cum| desc, name, |flat| desc */
static int
pprof_cmp_cum(const void *one, const void *two)
{
    int                      rc;
    int64_t                  a, b;
    const pprof_sort_row_t  *x, *y;

    x = one;
    y = two;

    a = pprof_abs(x->row.cum);
    b = pprof_abs(y->row.cum);
    if (a != b) {
        return a > b ? -1 : 1;
    }

    rc = pprof_str_cmp(x->row.name, y->row.name);
    if (rc != 0) {
        return rc;
    }

    a = pprof_abs(x->row.flat);
    b = pprof_abs(y->row.flat);
    if (a != b) {
        return a > b ? -1 : 1;
    }

    return pprof_cmp_info(x, y);
}


static void *
pprof_report_alloc(pprof_report_t *r, size_t n, size_t size)
{
    return pprof_alloc_n(&r->allocator, n, size);
}


/* pprof's simplifyFunc: drops a leading '.' and an argument list */
static pprof_str_t
pprof_simplify(pprof_str_t s)
{
    size_t  i;

    static const char  anon[] = "(anonymous namespace)";
    static const char  op[] = "operator()";

    if (s.len && s.data[0] == '.') {
        s.data++;
        s.len--;
    }

    for (i = 0; i < s.len; i++) {
        if (s.len - i >= sizeof(anon) - 1
            && memcmp(s.data + i, anon, sizeof(anon) - 1) == 0)
        {
            i += sizeof(anon) - 2;
            continue;
        }

        if (s.len - i >= sizeof(op) - 1
            && memcmp(s.data + i, op, sizeof(op) - 1) == 0)
        {
            i += sizeof(op) - 2;
            continue;
        }

        if (s.data[i] == '(') {
            s.len = i;
            break;
        }
    }

    return s;
}


static int
pprof_regex_match(const regex_t *rx, pprof_str_t s, char *tmp)
{
    /* names are not NUL-terminated; tmp holds longest_name + 1 bytes */
    memcpy(tmp, s.data, s.len);
    tmp[s.len] = '\0';

    return regexec(rx, tmp, 0, NULL, 0) == 0;
}


/* drop_frames and keep_frames, as pprof's RemoveUninteresting */
static int
pprof_setup_prune(pprof_report_t *r, char *tmp, pprof_error_t *err)
{
    int                       keep;
    char                     *re;
    size_t                    i, j, len;
    regex_t                   drop_rx, keep_rx;
    pprof_str_t               name;
    unsigned char            *drop;
    const pprof_line_t       *ln;
    const pprof_profile_t    *pr;
    const pprof_location_t   *loc;

    pr = r->pr;

    if (pr->drop_frames.len == 0) {
        return PPROF_OK;
    }

    len = pr->drop_frames.len;
    if (pr->keep_frames.len > len) {
        len = pr->keep_frames.len;
    }

    re = pprof_alloc(&r->allocator, len + 5);
    if (re == NULL) {
        pprof_set_error(err, "out of memory");
        return PPROF_ERROR;
    }

    /* pprof anchors them; a pattern that does not compile prunes nothing,
     * as pprof ignores RemoveUninteresting's error */
    memcpy(re, "^(", 2);
    memcpy(re + 2, pr->drop_frames.data, pr->drop_frames.len);
    memcpy(re + 2 + pr->drop_frames.len, ")$", 3);

    if (memchr(pr->drop_frames.data, '\0', pr->drop_frames.len) != NULL
        || pprof_regex_compile(&drop_rx, "drop_frames", re, NULL)
           != PPROF_OK)
    {
        pprof_free(&r->allocator, re);
        return PPROF_OK;
    }

    keep = 0;

    if (pr->keep_frames.len) {
        memcpy(re + 2, pr->keep_frames.data, pr->keep_frames.len);
        memcpy(re + 2 + pr->keep_frames.len, ")$", 3);

        if (memchr(pr->keep_frames.data, '\0', pr->keep_frames.len) != NULL
            || pprof_regex_compile(&keep_rx, "keep_frames", re, NULL)
               != PPROF_OK)
        {
            regfree(&drop_rx);
            pprof_free(&r->allocator, re);
            return PPROF_OK;
        }

        keep = 1;
    }

    pprof_free(&r->allocator, re);

    /* by the profile's names, whatever the granularity */
    drop = pprof_report_alloc(r, pr->nnames, 1);
    if (drop == NULL) {
        regfree(&drop_rx);
        if (keep) {
            regfree(&keep_rx);
        }

        pprof_set_error(err, "out of memory");
        return PPROF_ERROR;
    }

    for (i = 0; i < pr->nnames; i++) {
        drop[i] = 0;

        if (pr->name_flags[i] & PPROF_NAME_SYNTH) {
            continue;
        }

        name = pprof_simplify(pr->names[i]);

        if (pprof_regex_match(&drop_rx, name, tmp)
            && !(keep && pprof_regex_match(&keep_rx, name, tmp)))
        {
            drop[i] = 1;
        }
    }

    regfree(&drop_rx);
    if (keep) {
        regfree(&keep_rx);
    }

    r->loc_prune = pprof_report_alloc(r, pr->info.nlocations, 1);
    r->loc_skip = pprof_report_alloc(r, pr->info.nlocations,
                                     sizeof(uint32_t));
    if (r->loc_prune == NULL || r->loc_skip == NULL) {
        pprof_free(&r->allocator, drop);
        pprof_set_error(err, "out of memory");
        return PPROF_ERROR;
    }

    for (i = 0; i < pr->info.nlocations; i++) {
        loc = &pr->locations[i];
        ln = &pr->lines[loc->line];
        r->loc_prune[i] = 0;
        r->loc_skip[i] = 0;

        /* the outermost matching line, scanning from the caller */
        for (j = loc->nlines; j > 0; j--) {
            if (drop[ln[j - 1].node]) {
                break;
            }
        }

        if (j == 0) {
            continue;
        }

        if (j == loc->nlines) {
            r->loc_prune[i] = PPROF_LOC_PRUNE;

        } else {
            /* pprof keeps only the callers of the matching line */
            r->loc_prune[i] = PPROF_LOC_BENEATH;
            r->loc_skip[i] = (uint32_t) j;
        }
    }

    pprof_free(&r->allocator, drop);

    return PPROF_OK;
}


/* --- the nodes at the report's granularity --- */

static uint64_t
pprof_node_hash(const pprof_node_key_t *k)
{
    size_t    i;
    uint64_t  h;

    h = k->address * 0x9e3779b97f4a7c15ULL ^ (uint64_t) k->line
        ^ (uint64_t) k->start_line << 20 ^ (uint64_t) k->name << 32
        ^ (uint64_t) k->obj;

    for (i = 0; i < k->file.len; i++) {
        h = (h ^ (unsigned char) k->file.data[i]) * 0x100000001b3ULL;
    }

    return h ^ h >> 29;
}


static int
pprof_node_eq(const pprof_node_key_t *a, const pprof_node_key_t *b)
{
    return a->hash == b->hash && a->address == b->address
           && a->line == b->line && a->start_line == b->start_line
           && a->name == b->name && a->obj == b->obj
           && pprof_str_cmp(a->file, b->file) == 0;
}


/* pprof's PrintableName: "[%016x ]name[ file[:line]]" into p */
static size_t
pprof_node_name(const pprof_node_key_t *k, pprof_str_t name,
    pprof_str_t obj, char *p)
{
    char  *s;

    s = p;

    if (k->address) {
        p += sprintf(p, "%016llx", (unsigned long long) k->address);
    }

    if (k->name != PPROF_NONE) {
        if (p != s) {
            *p++ = ' ';
        }

        memcpy(p, name.data, name.len);
        p += name.len;
    }

    if (k->line == 0 && k->file.len == 0 && k->name != PPROF_NONE) {
        return (size_t) (p - s);
    }

    if (p != s) {
        *p++ = ' ';
    }

    if (k->line != 0) {
        memcpy(p, k->file.data, k->file.len);
        p += k->file.len;
        p += sprintf(p, ":%lld", (long long) k->line);

    } else if (k->file.len) {
        memcpy(p, k->file.data, k->file.len);
        p += k->file.len;

    } else {
        /* "[base]" or "<unknown>" */
        memcpy(p, obj.data, obj.len);
        p += obj.len;
    }

    return (size_t) (p - s);
}


/* granularity= as a PPROF_GRAN_*; NULL or "" is functions */
static int
pprof_granularity(const char *word, int *g, pprof_error_t *err)
{
    char                    list[128];
    const pprof_keyword_t  *kw;

    if (word == NULL || word[0] == '\0') {
        *g = PPROF_GRAN_FUNCTIONS;
        return PPROF_OK;
    }

    kw = pprof_keyword_find(pprof_granularities, word, strlen(word));
    if (kw == NULL) {
        pprof_keyword_list(pprof_granularities, list, sizeof(list));
        pprof_set_error(err, "granularity \"%.32s\" is not %s", word, list);
        return PPROF_ERROR;
    }

    *g = kw->value;

    return PPROF_OK;
}


/*
 * The report's nodes (pprof's Aggregate and NodeInfo): a function at the
 * default granularity, the profile's own name nodes; else keyed by what
 * the granularity keeps of address, function, file and line, and named
 * as `go tool pprof` prints them.
 */
static int
pprof_setup_nodes(pprof_report_t *r, pprof_error_t *err)
{
    int                       g, named;
    char                     *cb, *p;
    size_t                    i, j, size, h, n, len, room;
    uint32_t                 *slots;
    pprof_str_t              *clean;
    pprof_node_key_t         *keys, k;
    const pprof_line_t       *ln;
    const pprof_function_t   *fn;
    const pprof_location_t   *loc;
    const pprof_profile_t    *pr;

    static const pprof_str_t  unknown = { "<unknown>", 9 };

    pr = r->pr;

    if (pprof_granularity(r->info.options->granularity, &g, err)
        != PPROF_OK)
    {
        return PPROF_ERROR;
    }

    r->granularity = g;
    r->lnode = pprof_report_alloc(r, pr->nlines, sizeof(uint32_t));
    if (r->lnode == NULL) {
        goto nomem;
    }

    if (g == PPROF_GRAN_FUNCTIONS) {
        for (i = 0; i < pr->nlines; i++) {
            r->lnode[i] = pr->lines[i].node;
        }

        r->names = pr->names;
        /* a merged profile (diffs) keeps no names before simplification */
        r->full = pr->full_names ? pr->full_names : pr->names;
        r->nnodes = pr->nnames;

        return PPROF_OK;
    }

    /* cleaned file names, once a function */
    len = 0;
    for (i = 0; i < pr->info.nfunctions; i++) {
        len += pr->functions[i].filename.len + 1;
    }

    for (size = 16; size < 2 * pr->nlines; size <<= 1) { /* void */ }

    clean = pprof_report_alloc(r, pr->info.nfunctions, sizeof(pprof_str_t));
    cb = pprof_alloc(&r->allocator, len + 1);
    slots = pprof_report_alloc(r, size, sizeof(uint32_t));
    keys = pprof_report_alloc(r, pr->nlines, sizeof(pprof_node_key_t));

    if (clean == NULL || cb == NULL || slots == NULL || keys == NULL) {
        pprof_free(&r->allocator, clean);
        pprof_free(&r->allocator, cb);
        pprof_free(&r->allocator, slots);
        pprof_free(&r->allocator, keys);
        goto nomem;
    }

    p = cb;
    for (i = 0; i < pr->info.nfunctions; i++) {
        fn = &pr->functions[i];
        clean[i].data = p;
        clean[i].len = fn->filename.len ? pprof_clean_path(p, fn->filename)
                                        : 0;
        p += clean[i].len;
    }

    memset(slots, 0, size * sizeof(uint32_t));
    n = 0;
    room = 0;

    for (i = 0; i < pr->info.nlocations; i++) {
        loc = &pr->locations[i];

        for (j = loc->line; j < loc->line + loc->nlines; j++) {
            ln = &pr->lines[j];

            memset(&k, 0, sizeof(pprof_node_key_t));
            k.name = PPROF_NONE;
            k.obj = PPROF_NONE;

            if (g == PPROF_GRAN_ADDRESSES) {
                k.address = loc->address;
            }

            named = ln->function != PPROF_NONE
                    && !(pr->name_flags[ln->node] & PPROF_NAME_SYNTH);

            if (named && g != PPROF_GRAN_FILES) {
                k.name = ln->node;
                k.fname = pr->names[ln->node];
            }

            if (ln->function != PPROF_NONE) {
                k.file = clean[ln->function];

                if (g == PPROF_GRAN_LINES || g == PPROF_GRAN_ADDRESSES) {
                    k.line = ln->line;
                }
            }

            if (k.name == PPROF_NONE) {
                /* pprof keys such a node by its object file too: the
                 * mapping's name node */
                if (!named) {
                    k.obj = ln->node;

                } else if (loc->mapping != PPROF_NONE) {
                    k.obj = pr->mappings[loc->mapping].node;
                }

                if (loc->mapping != PPROF_NONE) {
                    k.objfile = pr->mappings[loc->mapping].filename;
                }

                if (ln->function != PPROF_NONE) {
                    k.start_line = pr->functions[ln->function].start_line;
                }
            }

            k.hash = pprof_node_hash(&k);

            for (h = k.hash & (size - 1); slots[h] != 0;
                 h = (h + 1) & (size - 1))
            {
                if (pprof_node_eq(&keys[slots[h] - 1], &k)) {
                    break;
                }
            }

            if (slots[h] == 0) {
                keys[n] = k;
                slots[h] = (uint32_t) ++n;
                /* "%016x " name " " file ":" line, and the full name */
                len = 17 + 2 + k.file.len + 21 + sizeof("<unknown>")
                      + (k.obj != PPROF_NONE ? pr->names[k.obj].len : 0);
                if (k.name != PPROF_NONE) {
                    len += pr->names[k.name].len + len
                           + (pr->full_names ? pr->full_names[k.name].len
                                             : 0);
                }
                room += len;
            }

            r->lnode[j] = slots[h] - 1;
        }
    }

    r->names = pprof_report_alloc(r, n, sizeof(pprof_str_t));
    r->full = pprof_report_alloc(r, n, sizeof(pprof_str_t));
    r->name_buf = pprof_alloc(&r->allocator, room + 1);

    if (r->names == NULL || r->full == NULL || r->name_buf == NULL) {
        pprof_free(&r->allocator, clean);
        pprof_free(&r->allocator, slots);
        pprof_free(&r->allocator, keys);
        pprof_free(&r->allocator, cb);
        goto nomem;
    }

    p = r->name_buf;

    for (i = 0; i < n; i++) {
        k = keys[i];
        r->names[i].data = p;
        r->names[i].len = pprof_node_name(&k,
                              k.name != PPROF_NONE ? pr->names[k.name]
                                                   : pr->strings[0],
                              k.obj != PPROF_NONE ? pr->names[k.obj]
                                                  : unknown, p);
        p += r->names[i].len;
        r->full[i] = r->names[i];

        if (k.name != PPROF_NONE && pr->full_names != NULL
            && pprof_str_cmp(pr->names[k.name], pr->full_names[k.name]) != 0)
        {
            r->full[i].data = p;
            r->full[i].len = pprof_node_name(&k, pr->full_names[k.name],
                                             unknown, p);
            p += r->full[i].len;
        }
    }

    r->nnodes = n;
    /* the keys and their file names break ties of the rows' order */
    r->node_keys = keys;
    r->clean_buf = cb;

    pprof_free(&r->allocator, clean);
    pprof_free(&r->allocator, slots);

    return PPROF_OK;

nomem:

    pprof_set_error(err, "out of memory");

    return PPROF_ERROR;
}


/* the argument names of the name filters, for their errors */
static const char  *pprof_rx_names[PPROF_RX_N] = {
    PPROF_ARG_FOCUS, PPROF_ARG_IGNORE, PPROF_ARG_HIDE, PPROF_ARG_SHOW,
    PPROF_ARG_SHOW_FROM
};


/* the option of name filter k */
static const char *
pprof_rx_option(const pprof_report_options_t *o, int k)
{
    static const int  args[PPROF_RX_N] = {
        PPROF_RARG_FOCUS, PPROF_RARG_IGNORE, PPROF_RARG_HIDE,
        PPROF_RARG_SHOW, PPROF_RARG_SHOW_FROM
    };

    return pprof_report_arg(o, args[k]);
}


/* what name filters match of a line: its function's name or file name */
static unsigned
pprof_function_bits(pprof_report_t *r, const pprof_line_t *ln,
    unsigned char *fbits, regex_t *rx, const int *have, char *tmp)
{
    int                      k;
    unsigned                 b;
    pprof_str_t              name, file;
    const pprof_profile_t   *pr;

    if (ln->function == PPROF_NONE) {
        return 0;
    }

    if (fbits[ln->function] & PPROF_RX_DONE) {
        return fbits[ln->function] & ~PPROF_RX_DONE;
    }

    pr = r->pr;
    name = pr->names[ln->node];
    if (pr->name_flags[ln->node] & PPROF_NAME_SYNTH) {
        name.len = 0;
    }

    file = pr->functions[ln->function].filename;
    b = 0;

    for (k = 0; k < PPROF_RX_N; k++) {
        if (have[k] && (pprof_regex_match(&rx[k], name, tmp)
                        || pprof_regex_match(&rx[k], file, tmp)))
        {
            b |= PPROF_RX_BIT(k);
        }
    }

    fbits[ln->function] = (unsigned char) (b | PPROF_RX_DONE);

    return b;
}


/*
 * The lines of each location after the name filters, as pprof's
 * FilterSamplesByName and ShowFrom edit locations: focus and ignore match
 * a location by any of its lines or its mapping's file; hide drops the
 * matching lines, show keeps only those (lines without a function stay);
 * show_from keeps the lines up to the outermost match.
 */
static int
pprof_setup_lines(pprof_report_t *r, regex_t *rx, const int *have,
    char *tmp)
{
    int                       k;
    size_t                    i, j, lo, hi, pos, start, q;
    unsigned                  b, lf, mb;
    unsigned char            *fbits, *mbits;
    const pprof_line_t       *lines;
    const pprof_mapping_t    *m;
    const pprof_profile_t    *pr;
    const pprof_location_t   *loc;

    pr = r->pr;
    lines = pr->lines;

    r->eoff = pprof_report_alloc(r, pr->info.nlocations, sizeof(uint32_t));
    r->eend = pprof_report_alloc(r, pr->info.nlocations, sizeof(uint32_t));
    r->eline = pprof_report_alloc(r, pr->nlines, sizeof(uint32_t));
    r->enode = pprof_report_alloc(r, pr->nlines, sizeof(uint32_t));
    fbits = pprof_report_alloc(r, pr->info.nfunctions, 1);
    mbits = pprof_report_alloc(r, pr->info.nmappings, 1);

    if (r->focus || r->ignore || r->show_from) {
        r->loc_flags = pprof_report_alloc(r, pr->info.nlocations, 1);
        if (r->loc_flags == NULL) {
            goto nomem;
        }
    }

    if (r->eoff == NULL || r->eend == NULL || r->eline == NULL
        || r->enode == NULL || fbits == NULL || mbits == NULL)
    {
        goto nomem;
    }

    memset(fbits, 0, pr->info.nfunctions);

    for (i = 0; i < pr->info.nmappings; i++) {
        m = &pr->mappings[i];
        mbits[i] = 0;

        for (k = 0; k < PPROF_RX_N; k++) {
            if (have[k] && pprof_regex_match(&rx[k], m->filename, tmp)) {
                mbits[i] |= PPROF_RX_BIT(k);
            }
        }
    }

    pos = 0;

    for (i = 0; i < pr->info.nlocations; i++) {
        loc = &pr->locations[i];
        lo = loc->line + (r->loc_skip ? r->loc_skip[i] : 0);
        hi = loc->line + loc->nlines;
        mb = loc->mapping != PPROF_NONE ? mbits[loc->mapping] : 0;

        lf = mb;
        start = pos;

        for (j = lo; j < hi; j++) {
            b = pprof_function_bits(r, &lines[j], fbits, rx, have, tmp);
            lf |= b;

            if (have[PPROF_RX_HIDE] && (mb & PPROF_RX_BIT(PPROF_RX_HIDE))) {
                continue;
            }

            if (b & PPROF_RX_BIT(PPROF_RX_HIDE)) {
                continue;
            }

            /* an address-only location has no lines in pprof: show keeps
             * it only by its mapping */
            if (have[PPROF_RX_SHOW] && !(mb & PPROF_RX_BIT(PPROF_RX_SHOW))
                && !(b & PPROF_RX_BIT(PPROF_RX_SHOW)))
            {
                continue;
            }

            r->eline[pos++] = (uint32_t) j;
        }

        if (r->loc_flags != NULL) {
            /* an ignored location is not also a focused one */
            b = (lf & PPROF_RX_BIT(PPROF_RX_IGNORE))
                ? PPROF_RX_BIT(PPROF_RX_IGNORE)
                : lf & PPROF_RX_BIT(PPROF_RX_FOCUS);

            if (have[PPROF_RX_SHOW_FROM]) {
                if (mb & PPROF_RX_BIT(PPROF_RX_SHOW_FROM)) {
                    b |= PPROF_RX_BIT(PPROF_RX_SHOW_FROM);

                } else {
                    for (q = pos; q > start; q--) {
                        if (pprof_function_bits(r, &lines[r->eline[q - 1]],
                                                fbits, rx, have, tmp)
                            & PPROF_RX_BIT(PPROF_RX_SHOW_FROM))
                        {
                            break;
                        }
                    }

                    if (q > start) {
                        b |= PPROF_RX_BIT(PPROF_RX_SHOW_FROM);
                        pos = q;
                    }
                }
            }

            r->loc_flags[i] = (unsigned char) b;
        }

        r->eoff[i] = (uint32_t) start;
        r->eend[i] = (uint32_t) pos;
    }

    for (j = 0; j < pos; j++) {
        r->enode[j] = r->lnode[r->eline[j]];
    }

    pprof_free(&r->allocator, fbits);
    pprof_free(&r->allocator, mbits);

    return PPROF_OK;

nomem:

    pprof_free(&r->allocator, fbits);
    pprof_free(&r->allocator, mbits);

    return PPROF_ERROR;
}


/* --- the tag filters --- */

/* pprof's parseTagFilterRange: value in [lo, hi] once scaled to unit */
#define PPROF_TAG_EQ           1
#define PPROF_TAG_MIN          2
#define PPROF_TAG_MAX          4

/* not a range: the value is a regex */
#define PPROF_TAG_REGEX        1

typedef struct {
    pprof_str_t              key;       /* empty: "key:value" of any */
    regex_t                  rx[PPROF_TAG_MAX_RX];
    size_t                   nrx;
    /* a numeric range instead of regexes: PPROF_TAG_* */
    unsigned                 range;
    double                   lo;
    double                   hi;
    pprof_str_t              unit;
    /* the units of the profile's numeric labels, by key */
    const pprof_num_unit_t  *units;
    size_t                   nunits;
} pprof_tag_filter_t;


/*
 * One number of a range, as pprof's tagFilterRangeRx finds them:
 * "[+-]digits[letters]"; returns its length (0: none), the digits' end
 * in *digits.
 */
static size_t
pprof_tag_number(const char *s, size_t len, size_t *digits)
{
    size_t  i;

    i = 0;
    if (i < len && (s[i] == '+' || s[i] == '-')) {
        i++;
    }

    if (i == len || s[i] < '0' || s[i] > '9') {
        return 0;
    }

    while (i < len && s[i] >= '0' && s[i] <= '9') {
        i++;
    }

    *digits = i;

    while (i < len && ((s[i] >= 'a' && s[i] <= 'z')
                       || (s[i] >= 'A' && s[i] <= 'Z')))
    {
        i++;
    }

    return i;
}


/*
 * A number of a range scaled as pprof's measurement.Scale(v, its unit,
 * to); to NULL: its own unit, which *unit gets then.  PPROF_TAG_REGEX
 * when it is not in the unit of the range (pprof takes the value as a
 * regex then), PPROF_ERROR with err set when it makes no sense.
 */
static int
pprof_tag_scale(const pprof_tag_filter_t *tf, const char *what,
    const char *value, const char *s, size_t len, size_t digits,
    pprof_str_t *unit, double *v, pprof_error_t *err)
{
    int              neg;
    size_t           i, k;
    uint64_t         n, limit;
    pprof_str_t      u, su;
    pprof_scaler_t   sc;

    neg = s[0] == '-';
    limit = neg ? (uint64_t) INT64_MAX + 1 : (uint64_t) INT64_MAX;
    n = 0;

    for (i = (s[0] == '+' || s[0] == '-'); i < digits; i++) {
        if (n > (limit - (uint64_t) (s[i] - '0')) / 10) {
            pprof_set_error(err, "%s: the number in \"%.64s\" is out of "
                            "range", what, value);
            return PPROF_ERROR;
        }

        n = n * 10 + (uint64_t) (s[i] - '0');
    }

    u.data = s + digits;
    u.len = len - digits;

    if (u.len && tf->units != NULL
        && pprof_scaler_init(&sc, u, u) == PPROF_OK && !sc.found)
    {
        /* not a unit pprof knows: one of the profile's numeric labels
         * (without the profile, pprof_report_check(), any) */
        for (k = 0; k < tf->nunits; k++) {
            if (pprof_str_cmp(tf->units[k].unit, u) == 0) {
                break;
            }
        }

        if (k == tf->nunits) {
            pprof_set_error(err, "%s: unknown unit \"%.*s\" in \"%.64s\"",
                            what, (int) (u.len < 32 ? u.len : 32), u.data,
                            value);
            return PPROF_ERROR;
        }
    }

    *v = pprof_scale(neg ? (int64_t) (0 - n) : (int64_t) n, u,
                     unit->data ? *unit : u, &su);

    if (unit->data == NULL) {
        *unit = su;
        return PPROF_OK;
    }

    return pprof_str_cmp(su, *unit) == 0 ? PPROF_OK : PPROF_TAG_REGEX;
}


/*
 * pprof's parseTagFilterRange: "N[unit]" (equal), "N[unit]:" (at least),
 * ":N[unit]" (at most), "N[unit]:M[unit]" (between) into tf; PPROF_TAG_REGEX
 * when value is none of them (a regex).
 */
static int
pprof_tag_range(pprof_tag_filter_t *tf, const char *what, const char *value,
    pprof_error_t *err)
{
    int          rc;
    size_t       len, off, n, d, m, e;
    const char  *s;

    m = 0;
    e = 0;
    s = value;
    len = strlen(s);
    off = (len && s[0] == ':');

    n = pprof_tag_number(s + off, len - off, &d);
    if (n == 0) {
        return PPROF_TAG_REGEX;
    }

    if (off) {
        if (1 + n != len) {
            return PPROF_TAG_REGEX;
        }

        tf->range = PPROF_TAG_MAX;

    } else if (n == len) {
        tf->range = PPROF_TAG_EQ;

    } else if (s[n] != ':') {
        return PPROF_TAG_REGEX;

    } else if (n + 1 == len) {
        tf->range = PPROF_TAG_MIN;

    } else {
        m = pprof_tag_number(s + n + 1, len - n - 1, &e);
        if (m == 0 || n + 1 + m != len) {
            return PPROF_TAG_REGEX;
        }

        tf->range = PPROF_TAG_MIN | PPROF_TAG_MAX;
    }

    tf->unit.data = NULL;
    tf->unit.len = 0;

    rc = pprof_tag_scale(tf, what, value, s + off, n, d, &tf->unit,
                         &tf->lo, err);
    if (rc != PPROF_OK) {
        return rc;
    }

    tf->hi = tf->lo;

    if (tf->range == (PPROF_TAG_MIN | PPROF_TAG_MAX)) {
        rc = pprof_tag_scale(tf, what, value, s + n + 1, m, e, &tf->unit,
                             &tf->hi, err);
        if (rc != PPROF_OK) {
            tf->range = 0;
            return rc;
        }
    }

    return PPROF_OK;
}


static void
pprof_tag_filter_free(pprof_tag_filter_t *tf)
{
    size_t  i;

    for (i = 0; i < tf->nrx; i++) {
        regfree(&tf->rx[i]);
    }

    tf->nrx = 0;
}


/* pprof's compileTagFilter: "[key=]REGEX[,REGEX...]" or "[key=]RANGE" */
static int
pprof_tag_filter_compile(pprof_report_t *r, pprof_tag_filter_t *tf,
    const char *what, const char *value, pprof_error_t *err)
{
    int          rc;
    char        *re;
    size_t       len, n;
    const char  *eq, *p, *comma;

    tf->nrx = 0;
    tf->range = 0;
    tf->key.data = "";
    tf->key.len = 0;

    eq = strchr(value, '=');
    if (eq != NULL) {
        tf->key.data = value;
        tf->key.len = (size_t) (eq - value);
        value = eq + 1;
    }

    rc = pprof_tag_range(tf, what, value, err);
    if (rc != PPROF_TAG_REGEX) {
        return rc;
    }

    len = strlen(value);

    re = pprof_alloc(&r->allocator, len + 1);
    if (re == NULL) {
        pprof_set_error(err, "out of memory");
        return PPROF_ERROR;
    }

    for (p = value; ; p = comma + 1) {
        comma = strchr(p, ',');
        n = comma ? (size_t) (comma - p) : strlen(p);

        if (tf->nrx == PPROF_TAG_MAX_RX) {
            pprof_set_error(err, "%s: more than %d regexes", what,
                            PPROF_TAG_MAX_RX);
            goto failed;
        }

        memcpy(re, p, n);
        re[n] = '\0';

        if (pprof_regex_compile(&tf->rx[tf->nrx], what, re, err)
            != PPROF_OK)
        {
            goto failed;
        }

        tf->nrx++;

        if (comma == NULL) {
            break;
        }
    }

    pprof_free(&r->allocator, re);

    return PPROF_OK;

failed:

    pprof_free(&r->allocator, re);
    pprof_tag_filter_free(tf);

    return PPROF_ERROR;
}


/* whether a numeric label of sample i (of tf->key, if any) is in range */
static int
pprof_tag_match_range(pprof_report_t *r, pprof_tag_filter_t *tf, size_t i)
{
    double           v;
    pprof_str_t      key, unit, su;
    pprof_label_t    l;
    pprof_labels_t   it;

    pprof_labels_begin(r->pr, i, &it);

    while (pprof_labels_next(r->pr, &it, &l)) {
        key = r->pr->strings[l.key];

        if (!l.is_num || (tf->key.len && pprof_str_cmp(key, tf->key) != 0)) {
            continue;
        }

        /* pprof scales every value of a key from the key's one unit */
        unit = pprof_num_unit_find(tf->units, tf->nunits, key);
        v = pprof_scale(l.num, unit, tf->unit, &su);

        if (pprof_str_cmp(su, tf->unit) != 0) {
            continue;
        }

        if (tf->range == PPROF_TAG_EQ ? v == tf->lo
            : (!(tf->range & PPROF_TAG_MIN) || v >= tf->lo)
              && (!(tf->range & PPROF_TAG_MAX) || v <= tf->hi))
        {
            return 1;
        }
    }

    return 0;
}


/* whether sample i's labels match, as pprof's tag filters do */
static int
pprof_tag_match(pprof_report_t *r, pprof_tag_filter_t *tf, size_t i,
    char *buf, char *tmp)
{
    size_t           k;
    pprof_str_t      kv, key, str;
    pprof_label_t    l;
    pprof_labels_t   it;

    if (tf->range) {
        return pprof_tag_match_range(r, tf, i);
    }

    if (tf->key.len) {
        /* the key's values: any regex matching any of them */
        pprof_labels_begin(r->pr, i, &it);

        while (pprof_labels_next(r->pr, &it, &l)) {
            key = r->pr->strings[l.key];

            if (l.is_num || pprof_str_cmp(key, tf->key) != 0) {
                continue;
            }

            for (k = 0; k < tf->nrx; k++) {
                if (pprof_regex_match(&tf->rx[k], r->pr->strings[l.str], tmp))
                {
                    return 1;
                }
            }
        }

        return 0;
    }

    /* every regex matching some "key:value" */
    for (k = 0; k < tf->nrx; k++) {
        pprof_labels_begin(r->pr, i, &it);

        for ( ;; ) {
            if (!pprof_labels_next(r->pr, &it, &l)) {
                return 0;
            }

            if (l.is_num) {
                continue;
            }

            key = r->pr->strings[l.key];
            str = r->pr->strings[l.str];
            memcpy(buf, key.data, key.len);
            buf[key.len] = ':';
            memcpy(buf + key.len + 1, str.data, str.len);
            kv.data = buf;
            kv.len = key.len + 1 + str.len;

            if (pprof_regex_match(&tf->rx[k], kv, tmp)) {
                break;
            }
        }
    }

    return 1;
}


/* -tagfocus and -tagignore into r->sample_keep */
static int
pprof_setup_tags(pprof_report_t *r, pprof_error_t *err)
{
    int                      rc, focus, ignore, keep;
    char                    *tmp;
    size_t                   i, longest, nunits;
    pprof_num_unit_t        *units;
    pprof_tag_filter_t      *tf;
    const pprof_profile_t   *pr;
    const pprof_report_options_t  *o;

    pr = r->pr;
    o = r->info.options;
    units = NULL;

    focus = o->tagfocus != NULL && o->tagfocus[0] != '\0';
    ignore = o->tagignore != NULL && o->tagignore[0] != '\0';

    if (!focus && !ignore) {
        return PPROF_OK;
    }

    tf = pprof_report_alloc(r, 2, sizeof(pprof_tag_filter_t));
    if (tf == NULL) {
        pprof_set_error(err, "out of memory");
        return PPROF_ERROR;
    }

    tf[0].nrx = 0;
    tf[1].nrx = 0;
    tmp = NULL;
    rc = PPROF_ERROR;

    if (pprof_num_label_units(pr, &r->allocator, &units, &nunits)
        != PPROF_OK)
    {
        pprof_set_error(err, "out of memory");
        goto done;
    }

    tf[0].units = units;
    tf[0].nunits = nunits;
    tf[1].units = units;
    tf[1].nunits = nunits;

    if ((focus && pprof_tag_filter_compile(r, &tf[0], PPROF_ARG_TAGFOCUS,
                                           o->tagfocus, err) != PPROF_OK)
        || (ignore && pprof_tag_filter_compile(r, &tf[1],
                                               PPROF_ARG_TAGIGNORE,
                                               o->tagignore, err)
                      != PPROF_OK))
    {
        goto done;
    }

    longest = 0;
    for (i = 0; i < pr->nstrings; i++) {
        if (pr->strings[i].len > longest) {
            longest = pr->strings[i].len;
        }
    }

    /* "key:value" and its NUL-terminated copy */
    tmp = pprof_alloc(&r->allocator, 4 * longest + 4);
    r->sample_keep = pprof_report_alloc(r, pr->info.nsamples, 1);
    if (tmp == NULL || r->sample_keep == NULL) {
        pprof_set_error(err, "out of memory");
        goto done;
    }

    for (i = 0; i < pr->info.nsamples; i++) {
        keep = !focus || pprof_tag_match(r, &tf[0], i, tmp,
                                         tmp + 2 * longest + 2);
        if (keep && ignore) {
            keep = !pprof_tag_match(r, &tf[1], i, tmp,
                                    tmp + 2 * longest + 2);
        }

        r->sample_keep[i] = (unsigned char) keep;
    }

    rc = PPROF_OK;

done:

    pprof_tag_filter_free(&tf[0]);
    pprof_tag_filter_free(&tf[1]);
    pprof_free(&r->allocator, tf);
    pprof_free(&r->allocator, tmp);
    pprof_free(&r->allocator, units);

    return rc;
}


static int
pprof_setup_filters(pprof_report_t *r, pprof_error_t *err)
{
    int                      k, rc, have[PPROF_RX_N];
    char                    *tmp;
    size_t                   i, longest;
    regex_t                  rx[PPROF_RX_N];
    pprof_str_t              zoom;
    const char              *re;
    const pprof_profile_t   *pr;
    const pprof_report_options_t  *o;

    pr = r->pr;
    o = r->info.options;

    longest = pr->longest_name;
    for (i = 0; i < pr->info.nfunctions; i++) {
        if (pr->functions[i].filename.len > longest) {
            longest = pr->functions[i].filename.len;
        }
    }

    for (i = 0; i < pr->info.nmappings; i++) {
        if (pr->mappings[i].filename.len > longest) {
            longest = pr->mappings[i].filename.len;
        }
    }

    tmp = pprof_alloc(&r->allocator, longest + 1);
    if (tmp == NULL) {
        pprof_set_error(err, "out of memory");
        return PPROF_ERROR;
    }

    rc = PPROF_ERROR;

    for (k = 0; k < PPROF_RX_N; k++) {
        have[k] = 0;
    }

    for (k = 0; k < PPROF_RX_N; k++) {
        re = pprof_rx_option(o, k);
        /* the peek view's focus picks rows, it filters no sample */
        have[k] = re != NULL && re[0] != '\0'
                  && !(o->peek && k == PPROF_RX_FOCUS);

        if (have[k]
            && pprof_regex_compile(&rx[k], pprof_rx_names[k], re, err)
               != PPROF_OK)
        {
            have[k] = 0;
            goto done;
        }
    }

    if (o->peek && o->focus != NULL && o->focus[0] != '\0') {
        /* checked here, so that a bad one is the caller's error */
        if (pprof_regex_compile(&rx[PPROF_RX_FOCUS],
                                pprof_rx_names[PPROF_RX_FOCUS], o->focus, err)
            != PPROF_OK)
        {
            goto done;
        }

        regfree(&rx[PPROF_RX_FOCUS]);
    }

    r->focus = have[PPROF_RX_FOCUS];
    r->ignore = have[PPROF_RX_IGNORE];
    r->hide = have[PPROF_RX_HIDE] || have[PPROF_RX_SHOW];
    r->show_from = have[PPROF_RX_SHOW_FROM];
    r->zoom = o->zoom != NULL && o->zoom[0] != '\0';

    if (pprof_setup_prune(r, tmp, err) != PPROF_OK) {
        goto done;
    }

    if (pprof_setup_lines(r, rx, have, tmp) != PPROF_OK) {
        pprof_set_error(err, "out of memory");
        goto done;
    }

    if (pprof_setup_tags(r, err) != PPROF_OK) {
        goto done;
    }

    zoom.data = o->zoom;
    zoom.len = r->zoom ? strlen(o->zoom) : 0;

    for (i = 0; r->zoom && i < r->nnodes; i++) {
        if (pprof_str_cmp(zoom, r->names[i]) == 0) {
            r->flags[i] |= PPROF_NODE_ZOOM;
        }
    }

    rc = PPROF_OK;

done:

    for (k = 0; k < PPROF_RX_N; k++) {
        if (have[k]) {
            regfree(&rx[k]);
        }
    }

    pprof_free(&r->allocator, tmp);

    return rc;
}


/* the lines of location li in effect after the filters: [*lo, *hi) of
 * r->eline and r->enode */
static void
pprof_loc_lines(const pprof_report_t *r, uint32_t li, size_t *lo,
    size_t *hi)
{
    *lo = r->eoff[li];
    *hi = r->eend[li];
}


/*
 * Points r->stk at sample i's locations.  Returns the end of the ones
 * kept and sets *first to the first one kept (leaf side) after
 * drop_frames; show_from lowers the end.  Returns 0 if the filters drop
 * the sample.  *value is the chosen value.
 */
static size_t
pprof_prepare(pprof_report_t *r, size_t i, size_t *first, int64_t *value)
{
    int                      found, focused;
    size_t                   n, k;
    unsigned                 f;
    uint32_t                 li;
    const pprof_profile_t   *pr;

    pr = r->pr;
    r->stk = pr->stacks + pr->samples[i].stack;
    n = pr->samples[i].depth;
    *value = pr->values[i * pr->info.nsample_types + r->info.sample_index];
    *first = 0;

    if (r->sample_keep != NULL && !r->sample_keep[i]) {
        return 0;
    }

    if (r->loc_prune != NULL) {
        /* pprof's Prune: from the root, the first pruned location after
         * the first user one cuts the stack */
        found = 0;

        for (k = n; k > 0; k--) {
            f = r->loc_prune[r->stk[k - 1]];

            if (f == 0) {
                found = 1;
                continue;
            }

            if (!found) {
                continue;
            }

            *first = f == PPROF_LOC_PRUNE ? k : k - 1;
            break;
        }
    }

    if (r->focus || r->ignore) {
        /* pprof's FilterSamplesByName: an ignored location drops the
         * sample; without focus, any location keeps it */
        focused = !r->focus && n > *first;

        for (k = *first; k < n; k++) {
            f = r->loc_flags[r->stk[k]];

            if (f & PPROF_RX_BIT(PPROF_RX_IGNORE)) {
                *first = 0;
                return 0;
            }

            if (f & PPROF_RX_BIT(PPROF_RX_FOCUS)) {
                focused = 1;
            }
        }

        if (!focused) {
            *first = 0;
            return 0;
        }
    }

    if (r->show_from) {
        /* pprof's ShowFrom: the frames above the outermost match go */
        for (k = n; k > *first; k--) {
            li = r->stk[k - 1];

            if ((r->loc_flags[li] & PPROF_RX_BIT(PPROF_RX_SHOW_FROM))
                && r->eend[li] > r->eoff[li])
            {
                break;
            }
        }

        if (k == *first) {
            *first = 0;
            return 0;
        }

        n = k;
    }

    if (r->hide) {
        /* a sample whose locations hide and show emptied is dropped */
        for (k = *first; k < n; k++) {
            li = r->stk[k];
            if (r->eend[li] > r->eoff[li]) {
                break;
            }
        }

        if (k == n) {
            *first = 0;
            return 0;
        }
    }

    return n;
}


/* --- inline edges --- */

/* what the walk touches per frame, in one place for the cache */
typedef struct {
    int64_t                  cum;
    uint32_t                 stamp;     /* last sample that counted cum */
    /* PPROF_NONE: not inlined anywhere, its caller edges do not matter;
     * else the edge of its last real caller, a guess that saves look-ups */
    uint32_t                 edge;
} pprof_acc_t;


/* the caller is in the high half: fold it down, or callers collide */
static size_t
pprof_edge_hash(uint64_t key)
{
    key *= 0x9e3779b97f4a7c15ULL;

    return (size_t) (key ^ key >> 32);
}


static int
pprof_edges_grow(pprof_report_t *r, pprof_edges_t *e)
{
    size_t         i, h, size, cap;
    uint32_t      *slots;
    pprof_edge_t  *edges;

    cap = e->cap ? e->cap * 2 : 256;
    size = cap * 2;

    slots = pprof_report_alloc(r, size, sizeof(uint32_t));
    edges = pprof_report_alloc(r, cap, sizeof(pprof_edge_t));
    if (slots == NULL || edges == NULL) {
        pprof_free(&r->allocator, slots);
        pprof_free(&r->allocator, edges);
        return PPROF_ERROR;
    }

    memset(slots, 0, size * sizeof(uint32_t));

    if (e->n) {
        memcpy(edges, e->edges, e->n * sizeof(pprof_edge_t));
    }

    for (i = 0; i < e->n; i++) {
        for (h = pprof_edge_hash(edges[i].key) & (size - 1); slots[h] != 0;
             h = (h + 1) & (size - 1))
        {
            /* void */
        }

        slots[h] = (uint32_t) i + 1;
    }

    pprof_free(&r->allocator, e->slots);
    pprof_free(&r->allocator, e->edges);

    e->slots = slots;
    e->edges = edges;
    e->mask = size - 1;
    e->cap = cap;

    return PPROF_OK;
}


static uint32_t
pprof_edge_find(const pprof_edges_t *e, uint64_t key)
{
    size_t    h;
    uint32_t  s;

    if (e->cap == 0) {
        return PPROF_NONE;
    }

    for (h = pprof_edge_hash(key) & e->mask; (s = e->slots[h]) != 0;
         h = (h + 1) & e->mask)
    {
        if (e->edges[s - 1].key == key) {
            return s - 1;
        }
    }

    return PPROF_NONE;
}


static uint32_t
pprof_edge_insert(pprof_report_t *r, pprof_edges_t *e, uint64_t key)
{
    size_t         h;
    uint32_t       i;
    pprof_edge_t  *edge;

    i = pprof_edge_find(e, key);
    if (i != PPROF_NONE) {
        return i;
    }

    if (e->n == e->cap && pprof_edges_grow(r, e) != PPROF_OK) {
        return PPROF_NONE;
    }

    for (h = pprof_edge_hash(key) & e->mask; e->slots[h] != 0;
         h = (h + 1) & e->mask)
    {
        /* void */
    }

    i = (uint32_t) e->n++;
    e->slots[h] = i + 1;

    edge = &e->edges[i];
    edge->key = key;
    edge->weight = 0;
    edge->stamp = 0;
    edge->inline_only = 1;

    return i;
}


/*
 * pprof's graph adds an edge once per sample: its first occurrence there
 * decides whether that sample sees it inline; an edge stays inline only
 * if every counted occurrence was.
 */
static void
pprof_edge_count(pprof_edge_t *edge, int inl, int64_t v, uint32_t cur)
{
    if (edge->stamp != cur) {
        edge->stamp = cur;
        edge->weight += v;

        if (!inl) {
            edge->inline_only = 0;
        }
    }
}


/*
 * The walk's view of locations: walk[li] is the node of a one-line
 * location, else PPROF_MULTI | offset into multi[], where multi[off] is
 * the line count, followed by (node, static edge index) per line from the
 * caller to the inlined callee.  Static edges (a line and the one above it
 * in a location) are numbered once here, so inline steps need no look-up.
 */
#define PPROF_MULTI  0x80000000U

static int
pprof_walk_build(pprof_report_t *r, pprof_edges_t *st, uint32_t **walk,
    uint32_t **multi)
{
    size_t                   i, j, lo, hi, n, off;
    uint32_t                *w, *m, caller, callee, ei;
    const uint32_t          *lines;
    const pprof_profile_t   *pr;

    pr = r->pr;
    lines = r->enode;

    n = 1;
    for (i = 0; i < pr->info.nlocations; i++) {
        pprof_loc_lines(r, (uint32_t) i, &lo, &hi);
        if (hi - lo != 1) {
            n += 1 + 2 * (hi - lo);
        }
    }

    if (n >= PPROF_MULTI) {
        return PPROF_ERROR;
    }

    w = pprof_report_alloc(r, pr->info.nlocations, sizeof(uint32_t));
    m = pprof_report_alloc(r, n, sizeof(uint32_t));
    *walk = w;
    *multi = m;

    if (w == NULL || m == NULL) {
        return PPROF_ERROR;
    }

    off = 1;

    for (i = 0; i < pr->info.nlocations; i++) {
        pprof_loc_lines(r, (uint32_t) i, &lo, &hi);

        if (hi - lo == 1) {
            w[i] = lines[lo];
            continue;
        }

        w[i] = PPROF_MULTI | (uint32_t) off;
        m[off++] = (uint32_t) (hi - lo);

        for (j = hi; j > lo; j--) {
            callee = lines[j - 1];
            ei = PPROF_NONE;

            if (j != hi && (caller = lines[j]) != callee) {
                ei = pprof_edge_insert(r, st,
                                       (uint64_t) caller << 32 | callee);
                if (ei == PPROF_NONE) {
                    return PPROF_ERROR;
                }

                r->flags[callee] |= PPROF_NODE_INL_PARENT;
            }

            m[off++] = callee;
            m[off++] = ei;
        }
    }

    return PPROF_OK;
}


/*
 * The walk over the samples: cum and flat, and the caller edges into
 * functions inlined somewhere, which "(inline)" labels need: static ones
 * by index, the others (real calls) found or added by key.
 */
static int
pprof_walk(pprof_report_t *r, pprof_acc_t *acc)
{
    size_t                   i, n, k, t, first, nl;
    int64_t                  v;
    uint32_t                 node, parent, cur, w, ei;
    uint64_t                 key;
    pprof_acc_t             *a;
    pprof_edges_t           *edges;
    const uint32_t          *ml, *walk, *multi;
    const pprof_profile_t   *pr;

    pr = r->pr;
    walk = r->walk;
    multi = r->multi;
    edges = &r->edges;
    r->walk_stacks = 0;
    r->walk_frames = 0;

    for (i = 0; i < pr->info.nsamples; i++) {
        n = pprof_prepare(r, i, &first, &v);

        if (v == 0 || n == first) {
            continue;
        }

        cur = (uint32_t) i + 1;
        parent = PPROF_NONE;
        r->walk_stacks++;
        r->walk_frames++;

        /* independent loads first, so their cache misses overlap */
        for (k = first; k < n; k++) {
            w = walk[r->stk[k]];
            r->locs[k] = w;

#if defined(__GNUC__)
            __builtin_prefetch(w & PPROF_MULTI ? &multi[w & ~PPROF_MULTI]
                                               : (const void *) &acc[w]);
#endif
        }

        for (k = n; k > first; k--) {
            w = r->locs[k - 1];

            if (w & PPROF_MULTI) {
                ml = &multi[w & ~PPROF_MULTI];
                nl = ml[0];
                ml++;

            } else {
                ml = NULL;
                nl = 1;
            }

            r->walk_frames += nl;

            for (t = 0; t < nl; t++) {
                if (ml) {
                    node = ml[2 * t];
                    ei = ml[2 * t + 1];

                } else {
                    node = w;
                    ei = PPROF_NONE;
                }

                a = &acc[node];

                if (a->stamp != cur) {
                    a->stamp = cur;
                    a->cum += v;
                }

                if (a->edge == PPROF_NONE || parent == PPROF_NONE
                    || node == parent)
                {
                    parent = node;
                    continue;
                }

                if (ei != PPROF_NONE) {
                    /* an inlined call: its static edge, by index */
                    pprof_edge_count(&edges->edges[ei], 1, v, cur);
                    parent = node;
                    continue;
                }

                key = (uint64_t) parent << 32 | node;

                if (edges->edges[a->edge].key != key) {
                    a->edge = pprof_edge_insert(r, edges, key);
                    if (a->edge == PPROF_NONE) {
                        return PPROF_ERROR;
                    }
                }

                pprof_edge_count(&edges->edges[a->edge], 0, v, cur);
                parent = node;
            }
        }

        r->flat[parent] += v;
    }

    return PPROF_OK;
}


typedef struct {
    uint64_t                 hash;
    uint64_t                 labels;
    int64_t                  sum;
    uint32_t                 sample;
    uint32_t                 nlocs;
} pprof_merge_group_t;


/*
 * go tool pprof merges samples with the same stack and labels before it
 * sums |value| (profile.Merge when fetching), which matters only when
 * values have mixed signs, as in delta profiles: +5 and -5 on one stack
 * add nothing to the total.
 */
static int
pprof_merged_total(pprof_report_t *r, int64_t *total)
{
    size_t                   i, j, n, m, size, h, ng;
    int64_t                  v, all, base;
    uint32_t                *slots, g;
    uint64_t                 hash;
    const uint32_t          *stk;
    const pprof_profile_t   *pr;

    pprof_merge_group_t     *groups;

    pr = r->pr;
    n = pr->info.nsamples;

    for (size = 16; size < 2 * n; size <<= 1) { /* void */ }

    slots = pprof_report_alloc(r, size, sizeof(uint32_t));
    groups = pprof_report_alloc(r, n, sizeof(pprof_merge_group_t));

    if (slots == NULL || groups == NULL) {
        pprof_free(&r->allocator, slots);
        pprof_free(&r->allocator, groups);
        return PPROF_ERROR;
    }

    memset(slots, 0, size * sizeof(uint32_t));
    ng = 0;

    for (i = 0; i < n; i++) {
        stk = pr->stacks + pr->samples[i].stack;
        m = pr->samples[i].depth;
        v = pr->values[i * pr->info.nsample_types + r->info.sample_index];

        hash = 0xcbf29ce484222325ULL ^ m;
        for (j = 0; j < m; j++) {
            hash = (hash ^ stk[j]) * 0x100000001b3ULL;
        }

        groups[ng].labels = pprof_sample_labels_hash(pr, i);
        hash ^= groups[ng].labels * 0x9e3779b97f4a7c15ULL;

        for (h = (size_t) (hash ^ hash >> 29) & (size - 1); slots[h] != 0;
             h = (h + 1) & (size - 1))
        {
            g = slots[h] - 1;

            if (groups[g].hash != hash || groups[g].nlocs != m
                || groups[g].labels != groups[ng].labels)
            {
                continue;
            }

            /* the same stack, location by location */
            if (memcmp(pr->stacks + pr->samples[groups[g].sample].stack, stk,
                       m * sizeof(uint32_t))
                == 0)
            {
                break;
            }
        }

        if (slots[h] != 0) {
            groups[slots[h] - 1].sum += v;
            continue;
        }

        slots[h] = (uint32_t) ng + 1;
        groups[ng].hash = hash;
        groups[ng].sum = v;
        groups[ng].sample = (uint32_t) i;
        groups[ng].nlocs = (uint32_t) m;
        ng++;
    }

    all = 0;
    base = 0;

    for (g = 0; g < ng; g++) {
        all += pprof_abs(groups[g].sum);

        if (pr->samples[groups[g].sample].len & PPROF_SAMPLE_BASE) {
            base += pprof_abs(groups[g].sum);
        }
    }

    *total = base > 0 ? base : all;

    pprof_free(&r->allocator, slots);
    pprof_free(&r->allocator, groups);

    return PPROF_OK;
}


/*
 * The total, taken before focus and ignore as pprof does; of a diff, its
 * base's (pprof's computeTotal).  One pass over the values.
 */
static int
pprof_totals(pprof_report_t *r, pprof_error_t *err)
{
    unsigned                 c, signs;
    size_t                   i, nt;
    int64_t                  v, total, base;
    const pprof_profile_t   *pr;

    pr = r->pr;
    nt = pr->info.nsample_types;
    total = 0;
    base = 0;
    signs = 0;

    for (i = 0; i < pr->info.nsamples; i++) {
        v = pr->values[i * nt + r->info.sample_index];
        total += pprof_abs(v);
        c = 0;

        if (pr->samples[i].len & PPROF_SAMPLE_BASE) {
            base += pprof_abs(v);
            c = 2;
        }

        if (v != 0) {
            signs |= 1u << (c + (v > 0));
        }
    }

    r->info.total = base > 0 ? base : total;
    r->info.diff = base > 0 || pr->nbase > 0;

    /*
     * Merging matters only where a merged group would hold both signs.
     * Samples merge only with equal labels, so never across pprof::base
     * (a diff's base and its profile): when each side has one sign, as a
     * diff of two ordinary profiles does, these sums are the totals.
     */
    if (((signs & 3) == 3 || (signs >> 2) == 3)
        && pprof_merged_total(r, &r->info.total) != PPROF_OK)
    {
        pprof_set_error(err, "out of memory");
        return PPROF_ERROR;
    }

    return PPROF_OK;
}


/*
 * The nodes' flat and cum by the walk, and "(inline)" in pprof's -top:
 * every caller edge that survives its edge trimming (|weight| >= 0.001 of
 * the flat sum) is an inlined call; "(partial-inline)": some are.  Once
 * a report: the walk adds the real call edges to r->edges.
 */
static int
pprof_aggregate(pprof_report_t *r, pprof_error_t *err)
{
    size_t                   i;
    int64_t                  flat_sum, cutoff;
    pprof_acc_t             *acc, *a;
    pprof_edge_t            *e;

    acc = pprof_report_alloc(r, r->nnodes, sizeof(pprof_acc_t));
    if (acc == NULL) {
        pprof_set_error(err, "out of memory");
        return PPROF_ERROR;
    }

    for (i = 0; i < r->nnodes; i++) {
        a = &acc[i];
        a->cum = 0;
        a->stamp = 0;
        /* such a function has a static edge: edge 0 exists */
        a->edge = (r->flags[i] & PPROF_NODE_INL_PARENT) ? 0 : PPROF_NONE;
        r->flat[i] = 0;
    }

    if (pprof_walk(r, acc) != PPROF_OK) {
        pprof_free(&r->allocator, acc);
        pprof_set_error(err, "out of memory");
        return PPROF_ERROR;
    }

    flat_sum = 0;
    for (i = 0; i < r->nnodes; i++) {
        flat_sum += r->flat[i];
        r->cum[i] = acc[i].cum;
    }

    pprof_free(&r->allocator, acc);

    cutoff = pprof_abs((int64_t) ((double) flat_sum * 0.001));

    /* an edge exists once a counted sample went through it */
    for (i = 0; i < r->edges.n; i++) {
        e = &r->edges.edges[i];

        if (e->stamp != 0 && pprof_abs(e->weight) >= cutoff) {
            r->flags[(uint32_t) e->key] |= e->inline_only
                                           ? PPROF_NODE_INLINE
                                           : PPROF_NODE_NOINLINE;
        }
    }

    pprof_free(&r->allocator, r->edges.slots);
    pprof_free(&r->allocator, r->edges.edges);
    memset(&r->edges, 0, sizeof(pprof_edges_t));
    r->walked = 1;

    return PPROF_OK;
}


/* a row's inline label, from its node's caller edges (the walk's) */
static unsigned char
pprof_row_inline(const pprof_report_t *r, uint32_t node)
{
    unsigned  f;

    f = r->flags[node];

    return (f & PPROF_NODE_INLINE) ? ((f & PPROF_NODE_NOINLINE) ? 2 : 1) : 0;
}


static int
pprof_make_rows(pprof_report_t *r, pprof_error_t *err)
{
    size_t                   i, n;
    pprof_sort_row_t        *rows;

    n = 0;

    for (i = 0; i < r->nnodes; i++) {
        if (r->cum[i] != 0 || r->flat[i] != 0) {
            n++;
        }
    }

    rows = pprof_report_alloc(r, n, sizeof(pprof_sort_row_t));
    r->info.functions = pprof_report_alloc(r, n,
                                           sizeof(pprof_function_row_t));
    r->row_node = pprof_report_alloc(r, n, sizeof(uint32_t));
    r->row_inline = pprof_report_alloc(r, n, 1);
    r->node_row = pprof_report_alloc(r, r->nnodes, sizeof(uint32_t));

    if (rows == NULL || r->info.functions == NULL || r->row_node == NULL
        || r->row_inline == NULL || r->node_row == NULL)
    {
        pprof_free(&r->allocator, rows);
        pprof_set_error(err, "out of memory");
        return PPROF_ERROR;
    }

    n = 0;

    for (i = 0; i < r->nnodes; i++) {
        r->node_row[i] = PPROF_NONE;

        if (r->cum[i] == 0 && r->flat[i] == 0) {
            continue;
        }

        rows[n].row.name = r->names[i];
        rows[n].row.full = r->full[i];
        rows[n].row.flat = r->flat[i];
        rows[n].row.cum = r->cum[i];
        rows[n].node = (uint32_t) i;
        rows[n].key = r->node_keys ? &r->node_keys[i] : NULL;
        n++;
    }

    qsort(rows, n, sizeof(pprof_sort_row_t),
          r->info.options->sort == PPROF_SORT_CUM ? pprof_cmp_cum
                                                  : pprof_cmp_flat);

    for (i = 0; i < n; i++) {
        r->info.functions[i] = rows[i].row;
        r->node_row[rows[i].node] = (uint32_t) i;
        r->row_node[i] = rows[i].node;
        r->row_inline[i] = pprof_row_inline(r, rows[i].node);
    }

    r->info.nfunctions = n;
    pprof_free(&r->allocator, rows);

    return PPROF_OK;
}


int
pprof_report_fractions(const pprof_report_options_t *options,
    double node_default, double edge_default, double *node, double *edge,
    pprof_error_t *err)
{
    if (pprof_fraction(options ? options->nodefraction : NULL, node_default,
                       node)
        != PPROF_OK)
    {
        pprof_set_error(err, "\"%s\" must be a number from 0 to 1",
                        PPROF_ARG_NODEFRACTION);
        return PPROF_ERROR;
    }

    if (pprof_fraction(options ? options->edgefraction : NULL, edge_default,
                       edge)
        != PPROF_OK)
    {
        pprof_set_error(err, "\"%s\" must be a number from 0 to 1",
                        PPROF_ARG_EDGEFRACTION);
        return PPROF_ERROR;
    }

    return PPROF_OK;
}


int
pprof_report_check(const pprof_report_options_t *options,
    const pprof_allocator_t *allocator, pprof_error_t *err)
{
    int                  k, g;
    double               fraction;
    regex_t              rx;
    const char          *re;
    pprof_report_t       r;
    pprof_tag_filter_t   tf;

    /* the call graph's */
    if (pprof_report_fractions(options, 0, 0, &fraction, &fraction, err)
        != PPROF_OK)
    {
        return PPROF_ERROR;
    }

    if (pprof_granularity(options->granularity, &g, err) != PPROF_OK) {
        return PPROF_ERROR;
    }

    for (k = 0; k < PPROF_RX_N; k++) {
        re = pprof_rx_option(options, k);

        if (re != NULL && re[0] != '\0') {
            if (pprof_regex_compile(&rx, pprof_rx_names[k], re, err)
                != PPROF_OK)
            {
                return PPROF_ERROR;
            }

            regfree(&rx);
        }
    }

    /* the tag filters as pprof_setup_tags() compiles them */
    memset(&r, 0, sizeof(pprof_report_t));
    r.allocator = *allocator;

    for (k = 0; k < 2; k++) {
        re = k ? options->tagignore : options->tagfocus;

        if (re != NULL && re[0] != '\0') {
            memset(&tf, 0, sizeof(pprof_tag_filter_t));

            if (pprof_tag_filter_compile(&r, &tf, k ? PPROF_ARG_TAGIGNORE
                                                    : PPROF_ARG_TAGFOCUS,
                                         re, err)
                != PPROF_OK)
            {
                return PPROF_ERROR;
            }

            pprof_tag_filter_free(&tf);
        }
    }

    return PPROF_OK;
}


pprof_report_t *
pprof_report(const pprof_profile_t *profile,
    const pprof_report_options_t *options, const pprof_allocator_t *allocator,
    pprof_error_t *err)
{
    int                   index;
    size_t                nnames;
    pprof_report_t       *r;
    const pprof_info_t   *info;

    static const pprof_report_options_t  defaults;

    if (options == NULL) {
        options = &defaults;
    }

    info = &profile->info;

    if (info->nsample_types == 0) {
        pprof_set_error(err, "profile has no samples");
        return NULL;
    }

    index = pprof_sample_index(profile, options->sample_type);
    if (index < 0) {
        pprof_set_error(err, "unknown sample type \"%.64s\"",
                        options->sample_type);
        return NULL;
    }

    if (pprof_report_check(options, allocator, err) != PPROF_OK) {
        return NULL;
    }

    r = pprof_alloc(allocator, sizeof(pprof_report_t));
    if (r == NULL) {
        pprof_set_error(err, "out of memory");
        return NULL;
    }

    memset(r, 0, sizeof(pprof_report_t));
    r->allocator = *allocator;
    r->pr = profile;
    r->info.profile = profile;
    r->info.options = options;
    r->info.sample_index = (size_t) index;

    if (pprof_setup_nodes(r, err) != PPROF_OK) {
        goto failed;
    }

    nnames = r->nnodes;

    r->flags = pprof_report_alloc(r, nnames, 1);
    r->flat = pprof_report_alloc(r, nnames, sizeof(int64_t));
    r->cum = pprof_report_alloc(r, nnames, sizeof(int64_t));
    r->locs = pprof_report_alloc(r, profile->max_depth, sizeof(uint32_t));

    if (r->flags == NULL || r->flat == NULL || r->cum == NULL
        || r->locs == NULL)
    {
        pprof_set_error(err, "out of memory");
        goto failed;
    }

    memset(r->flags, 0, nnames);
    memset(r->flat, 0, nnames * sizeof(int64_t));
    memset(r->cum, 0, nnames * sizeof(int64_t));

    if (pprof_setup_filters(r, err) != PPROF_OK
        || pprof_totals(r, err) != PPROF_OK)
    {
        goto failed;
    }

    if (pprof_walk_build(r, &r->edges, &r->walk, &r->multi) != PPROF_OK) {
        pprof_set_error(err, "out of memory");
        goto failed;
    }

    return r;

failed:

    pprof_report_free(r);

    return NULL;
}


const pprof_report_info_t *
pprof_report_info(const pprof_report_t *report)
{
    return &report->info;
}


/*
 * The rows by the walk over the samples; or, when the distinct stacks
 * are made already and labels are not asked for, by their values
 * (pprof_values_t), which equal the walk's but cost a pass over the
 * call tree instead of one over every frame.  The walk alone finds the
 * inline labels: asked for later, it adds them to the rows made.  A walk
 * that failed (out of memory) is not retried: it half counted the edges.
 */
const pprof_report_info_t *
pprof_report_functions(pprof_report_t *r, int labels, pprof_error_t *err)
{
    size_t  i;

    if (r->rows_ready && (r->walked || !labels)) {
        return &r->info;
    }

    if (r->walk_failed) {
        pprof_set_error(err, "out of memory");
        return NULL;
    }

    if (labels || r->rank_cum == NULL) {
        if (pprof_aggregate(r, err) != PPROF_OK) {
            r->walk_failed = 1;
            return NULL;
        }

    } else {
        for (i = 0; i < r->nnodes; i++) {
            r->flat[i] = r->rank_flat[r->rank[i]];
            r->cum[i] = r->rank_cum[r->rank[i]];
        }
    }

    if (r->rows_ready) {
        for (i = 0; i < r->info.nfunctions; i++) {
            r->row_inline[i] = pprof_row_inline(r, r->row_node[i]);
        }

        return &r->info;
    }

    if (pprof_make_rows(r, err) != PPROF_OK) {
        return NULL;
    }

    r->rows_ready = 1;

    return &r->info;
}


void
pprof_report_free(pprof_report_t *r)
{
    const pprof_allocator_t  *a;

    if (r == NULL) {
        return;
    }

    a = &r->allocator;

    pprof_free(a, r->flags);
    pprof_free(a, r->flat);
    pprof_free(a, r->cum);
    pprof_free(a, r->row_node);
    pprof_free(a, r->row_inline);
    pprof_free(a, r->info.functions);
    pprof_free(a, r->loc_prune);
    pprof_free(a, r->loc_skip);
    pprof_free(a, r->lnode);
    if (r->names != r->pr->names) {
        pprof_free(a, r->names);
        pprof_free(a, r->full);
    }
    pprof_free(a, r->name_buf);
    pprof_free(a, r->node_keys);
    pprof_free(a, r->clean_buf);
    pprof_free(a, r->eoff);
    pprof_free(a, r->eend);
    pprof_free(a, r->eline);
    pprof_free(a, r->enode);
    pprof_free(a, r->loc_flags);
    pprof_free(a, r->sample_keep);
    pprof_free(a, r->node_row);
    pprof_free(a, r->peeks);
    pprof_free(a, r->peek_edges);
    pprof_free(a, r->locs);
    pprof_free(a, r->walk);
    pprof_free(a, r->multi);
    pprof_free(a, r->edges.slots);
    pprof_free(a, r->edges.edges);
    pprof_free(a, r->tree.nodes);
    pprof_free(a, r->stacks.stacks);
    pprof_free(a, r->stacks.samples);
    pprof_free(a, r->stacks.values);
    pprof_free(a, r->stacks.sample_off);
    pprof_free(a, r->stack_frames);
    pprof_free(a, r->stack_inl);
    pprof_free(a, r->rank_names);
    pprof_free(a, r->rank);
    pprof_free(a, r->rank_flat);
    pprof_free(a, r->rank_cum);
    pprof_free(a, r->groups);
    pprof_free(a, r->frames);
    pprof_free(a, r->labels);
    pprof_free(a, r);
}


const pprof_allocator_t *
pprof_report_allocator(const pprof_report_t *report)
{
    return &report->allocator;
}


const char *
pprof_report_inline_label(const pprof_report_t *report, size_t row)
{
    if (row >= report->info.nfunctions) {
        return "";
    }

    switch (report->row_inline[row]) {
    case 1:
        return "(inline)";
    case 2:
        return "(partial-inline)";
    default:
        return "";
    }
}


/* --- the output unit (pprof's selectOutputUnit) --- */

size_t
pprof_report_format_value(const pprof_report_t *report, size_t nodecount,
    char *buf, size_t size, int64_t value)
{
    size_t                      i, n;
    int64_t                     min, v;
    pprof_report_t             *r;
    const pprof_value_type_t   *st;

    /* the cache is not part of the report's logical state */
    r = (pprof_report_t *) report;
    st = &r->pr->info.sample_types[r->info.sample_index];

    n = r->info.nfunctions;
    if (nodecount && nodecount < n) {
        n = nodecount;
    }

    if (!r->unit_ready || r->unit_rows != n) {
        min = 0;

        for (i = 0; i < n; i++) {
            v = pprof_abs(r->info.functions[i].flat);
            if (v == 0) {
                v = pprof_abs(r->info.functions[i].cum);
            }

            if (v > 0 && (min == 0 || v < min)) {
                min = v;
            }
        }

        r->unit = pprof_output_unit(min, r->info.total, st->unit);
        r->unit_rows = n;
        r->unit_ready = 1;

        /* the unit lookups cost more than the value: once a report */
        r->scaler_ready = pprof_scaler_init(&r->scaler, st->unit, r->unit)
                          == PPROF_OK;
    }

    if (r->scaler_ready) {
        return pprof_scaler_label(&r->scaler, buf, size, value);
    }

    return pprof_scaled_label(buf, size, value, st->unit, r->unit);
}


/* --- the distinct stacks and the call tree --- */

typedef struct {
    pprof_str_t              name;
    uint32_t                 node;
} pprof_name_rank_t;


static int
pprof_cmp_name(const void *one, const void *two)
{
    int                       rc;
    const pprof_name_rank_t  *x, *y;

    x = one;
    y = two;

    rc = pprof_str_cmp(x->name, y->name);
    if (rc != 0) {
        return rc;
    }

    return x->node < y->node ? -1 : x->node > y->node;
}


/*
 * The stacks' sort: by frames from the root, a stack before its
 * extensions.  An MSD radix sort on one frame at a time: a range of
 * stacks equal in their first d - 1 frames is ordered by frame d (its
 * rank + 1, 0 when the stack has ended), and each run of one frame there
 * goes on with frame d + 1.  A frame is loaded once per depth, a stack
 * is touched only to its distinguishing depth, and no comparison sort
 * rescans shared prefixes; small ranges are insertion sorted.
 */
typedef struct {
    uint32_t                 lo;
    uint32_t                 hi;
    uint32_t                 d;
} pprof_sort_range_t;

#define PPROF_SORT_FRAMES      16      /* insertion sort by frames */
#define PPROF_SORT_KEYS        64      /* insertion sort by keys */

#define pprof_frame_key(f, d)  ((f)[0] < (d) ? 0 : (f)[d] + 1)


/* by frames from the root, the first d - 1 known to be equal */
static int
pprof_cmp_frames(const uint32_t *a, const uint32_t *b, size_t d)
{
    size_t  n;

    n = a[0] < b[0] ? a[0] : b[0];

    for ( /* void */ ; d <= n; d++) {
        if (a[d] != b[d]) {
            return a[d] < b[d] ? -1 : 1;
        }
    }

    return a[0] < b[0] ? -1 : a[0] > b[0];
}


/* keys[0 .. n) by their high half, which is below span + 1 */
static void
pprof_sort_keys(uint64_t *keys, uint64_t *tmp, size_t n, uint64_t span)
{
    size_t     i, j, c, sum, count[256];
    unsigned   shift;
    uint64_t   k, *from, *to, *t;

    if (n <= PPROF_SORT_KEYS) {
        for (i = 1; i < n; i++) {
            k = keys[i];

            for (j = i; j > 0 && keys[j - 1] > k; j--) {
                keys[j] = keys[j - 1];
            }

            keys[j] = k;
        }

        return;
    }

    from = keys;
    to = tmp;

    for (shift = 32; shift < 64 && span >> (shift - 32) != 0; shift += 8) {
        memset(count, 0, sizeof(count));

        for (i = 0; i < n; i++) {
            count[(from[i] >> shift) & 0xff]++;
        }

        sum = 0;
        for (i = 0; i < 256; i++) {
            c = count[i];
            count[i] = sum;
            sum += c;
        }

        for (i = 0; i < n; i++) {
            to[count[(from[i] >> shift) & 0xff]++] = from[i];
        }

        t = from;
        from = to;
        to = t;
    }

    if (from != keys) {
        memcpy(keys, from, n * sizeof(uint64_t));
    }
}


/* lcp[] of a stack that equals the one before it */
#define PPROF_SORT_EQUAL       ((uint32_t) -1)


/* an insertion sort of ord[lo .. hi) from frame d, and its lcp[] */
static void
pprof_sort_small(const uint32_t *arena, const uint32_t *off, uint32_t *ord,
    uint32_t *lcp, size_t lo, size_t hi, size_t d)
{
    size_t           i, j, k, n;
    uint32_t         o;
    const uint32_t  *f, *g;

    for (i = lo + 1; i < hi; i++) {
        o = ord[i];
        f = arena + off[o];

        for (j = i;
             j > lo && pprof_cmp_frames(arena + off[ord[j - 1]], f, d) > 0;
             j--)
        {
            ord[j] = ord[j - 1];
        }

        ord[j] = o;
    }

    for (i = lo + 1; i < hi; i++) {
        f = arena + off[ord[i - 1]];
        g = arena + off[ord[i]];
        n = f[0] < g[0] ? f[0] : g[0];

        for (k = d; k <= n && f[k] == g[k]; k++) {
            /* void */
        }

        lcp[i] = (k > f[0] && k > g[0]) ? PPROF_SORT_EQUAL
                                        : (uint32_t) k - 1;
    }
}


/*
 * A kept sample's stack until the stacks are sorted and merged: its frames
 * at r->stack_frames + off (frames[0] their count) and their inline flags
 * at r->stack_inl + off, the sample (PPROF_STACK_BASE set for the base's)
 * and its value; a third of a pprof_stack_t, for the sort's and the
 * merge's random reads.
 */
typedef struct {
    uint32_t                 off;
    uint32_t                 sample;
    int64_t                  value;
} pprof_stack_rec_t;

#define PPROF_STACK_BASE       0x80000000U


/*
 * ord[] (stack indexes in flame graph order) and lcp[]: the frames that
 * stack ord[i] shares with stack ord[i - 1] from the root, or
 * PPROF_SORT_EQUAL.  Two stacks part at the depth whose split puts them
 * in different runs, so the lengths come with the sort.
 */
static int
pprof_sort_stacks(pprof_report_t *r, const pprof_stack_rec_t *st, size_t n,
    uint32_t *ord, uint32_t *lcp)
{
    size_t               i, j, e, nr, lo, hi, d;
    uint32_t            *off;
    uint64_t             key, min, max, *keys, *tmp;
    const uint32_t      *arena;
    pprof_sort_range_t  *ranges;

    off = pprof_report_alloc(r, n, sizeof(uint32_t));
    keys = pprof_report_alloc(r, n, sizeof(uint64_t));
    tmp = pprof_report_alloc(r, n, sizeof(uint64_t));
    /* pending ranges are disjoint, of two stacks or more */
    ranges = pprof_report_alloc(r, n / 2 + 1, sizeof(pprof_sort_range_t));

    if (off == NULL || keys == NULL || tmp == NULL || ranges == NULL) {
        pprof_free(&r->allocator, off);
        pprof_free(&r->allocator, keys);
        pprof_free(&r->allocator, tmp);
        pprof_free(&r->allocator, ranges);
        return PPROF_ERROR;
    }

    /* a stack's frames by their offset: a small array, not the stacks */
    arena = r->stack_frames;

    for (i = 0; i < n; i++) {
        ord[i] = (uint32_t) i;
        off[i] = st[i].off;
    }

    nr = 0;

    if (n > 0) {
        lcp[0] = 0;
        ranges[nr].lo = 0;
        ranges[nr].hi = (uint32_t) n;
        ranges[nr].d = 1;
        nr++;
    }

    while (nr > 0) {
        nr--;
        lo = ranges[nr].lo;
        hi = ranges[nr].hi;
        d = ranges[nr].d;

        if (hi - lo <= PPROF_SORT_FRAMES) {
            pprof_sort_small(arena, off, ord, lcp, lo, hi, d);
            continue;
        }

        min = (uint64_t) -1;
        max = 0;

        for (i = lo; i < hi; i++) {
#if defined(__GNUC__)
            if (i + 8 < hi) {
                __builtin_prefetch(arena + off[ord[i + 8]] + d);
            }
#endif
            key = pprof_frame_key(arena + off[ord[i]], d);
            keys[i] = key << 32 | ord[i];
            min = key < min ? key : min;
            max = key > max ? key : max;
        }

        if (min == max) {
            if (min != 0) {
                /* one frame there for all: on to the next */
                ranges[nr++].d = (uint32_t) d + 1;
                continue;
            }

            /* all ended there: equal stacks */
            for (i = lo + 1; i < hi; i++) {
                lcp[i] = PPROF_SORT_EQUAL;
            }

            continue;
        }

        for (i = lo; i < hi; i++) {
            keys[i] -= min << 32;
        }

        pprof_sort_keys(keys + lo, tmp + lo, hi - lo, max - min);

        for (i = lo; i < hi; i = e) {
            key = keys[i] >> 32;

            for (e = i; e < hi && keys[e] >> 32 == key; e++) {
                ord[e] = (uint32_t) keys[e];
            }

            if (i > lo) {
                lcp[i] = (uint32_t) d - 1;
            }

            if (key + min == 0) {
                for (j = i + 1; j < e; j++) {
                    lcp[j] = PPROF_SORT_EQUAL;
                }

            } else if (e - i > 1) {
                ranges[nr].lo = (uint32_t) i;
                ranges[nr].hi = (uint32_t) e;
                ranges[nr].d = (uint32_t) d + 1;
                nr++;
            }
        }
    }

    pprof_free(&r->allocator, off);
    pprof_free(&r->allocator, keys);
    pprof_free(&r->allocator, tmp);
    pprof_free(&r->allocator, ranges);

    return PPROF_OK;
}


/*
 * Each node's name rank (names sorted, ties by node) into rank, and the
 * names by rank into r->rank_names.
 */
static int
pprof_rank_nodes(pprof_report_t *r, uint32_t *rank)
{
    size_t                   i, nn;
    pprof_name_rank_t       *names;

    nn = r->nnodes;

    names = pprof_report_alloc(r, nn, sizeof(pprof_name_rank_t));
    r->rank_names = pprof_report_alloc(r, nn, sizeof(pprof_str_t));

    if (names == NULL || r->rank_names == NULL) {
        pprof_free(&r->allocator, names);
        return PPROF_ERROR;
    }

    for (i = 0; i < nn; i++) {
        names[i].name = r->names[i];
        names[i].node = (uint32_t) i;
    }

    qsort(names, nn, sizeof(pprof_name_rank_t), pprof_cmp_name);

    for (i = 0; i < nn; i++) {
        rank[names[i].node] = (uint32_t) i;
        r->rank_names[i] = names[i].name;
    }

    pprof_free(&r->allocator, names);

    return PPROF_OK;
}


/*
 * Each name's flat and cum over the merged stacks, as the walk counts
 * them by node: a stack's value to the name of its last frame, and once
 * to every name in it.  Made as the sorted stacks are merged, where each
 * shares its first lcp frames with the one before: the path from the
 * root is kept with the sum of the stacks below each frame, handed up as
 * a frame is left, and a name counts at its outermost frame of the path
 * only.  The call graph takes them too when no two nodes share a name.
 */
typedef struct {
    int64_t                 *flat;      /* by rank */
    int64_t                 *cum;
    uint32_t                *open;      /* a rank's frames on the path */
    int64_t                 *sum;       /* by depth, of the path */
    uint32_t                *path;
    unsigned char           *outer;
    size_t                   d;         /* the path's depth */
} pprof_values_t;


static int
pprof_values_init(pprof_report_t *r, pprof_values_t *pv, size_t depth)
{
    size_t  nn;

    nn = r->nnodes ? r->nnodes : 1;

    pv->flat = pprof_report_alloc(r, nn, sizeof(int64_t));
    pv->cum = pprof_report_alloc(r, nn, sizeof(int64_t));
    pv->open = pprof_report_alloc(r, nn, sizeof(uint32_t));
    pv->sum = pprof_report_alloc(r, depth + 1, sizeof(int64_t));
    pv->path = pprof_report_alloc(r, depth + 1, sizeof(uint32_t));
    pv->outer = pprof_report_alloc(r, depth + 1, 1);
    pv->d = 0;

    if (pv->flat == NULL || pv->cum == NULL || pv->open == NULL
        || pv->sum == NULL || pv->path == NULL || pv->outer == NULL)
    {
        return PPROF_ERROR;
    }

    memset(pv->flat, 0, nn * sizeof(int64_t));
    memset(pv->cum, 0, nn * sizeof(int64_t));
    memset(pv->open, 0, nn * sizeof(uint32_t));
    pv->sum[0] = 0;

    return PPROF_OK;
}


/* the path onto stack f, which shares its first lcp frames with it */
static void
pprof_values_move(pprof_values_t *pv, const uint32_t *f, size_t lcp)
{
    size_t  d, n;

    for (d = pv->d; d > lcp; d--) {
        if (pv->outer[d]) {
            pv->cum[pv->path[d]] += pv->sum[d];
        }

        pv->open[pv->path[d]]--;
        pv->sum[d - 1] += pv->sum[d];
    }

    n = f[0];

    for ( /* void */ ; d < n; d++) {
        pv->path[d + 1] = f[d + 1];
        pv->sum[d + 1] = 0;
        pv->outer[d + 1] = (pv->open[f[d + 1]]++ == 0);
    }

    pv->d = n;
}


/* the values into r once the path left the last stack; else freed */
static void
pprof_values_done(pprof_report_t *r, pprof_values_t *pv, int ok)
{
    size_t    i;
    uint32_t  root;

    if (ok) {
        root = 0;
        pprof_values_move(pv, &root, 0);

        r->rank_flat = pv->flat;
        r->rank_cum = pv->cum;

        for (i = 1; i < r->nnodes; i++) {
            if (pprof_str_cmp(r->rank_names[i], r->rank_names[i - 1]) == 0)
            {
                break;
            }
        }

        if (i >= r->nnodes) {
            r->stacks.flat = pv->flat;
            r->stacks.cum = pv->cum;
        }

    } else {
        pprof_free(&r->allocator, pv->flat);
        pprof_free(&r->allocator, pv->cum);
    }

    pprof_free(&r->allocator, pv->open);
    pprof_free(&r->allocator, pv->sum);
    pprof_free(&r->allocator, pv->path);
    pprof_free(&r->allocator, pv->outer);
}


/* the first location to walk from the root, and whether zoom drops it */
static int
pprof_zoom_start(pprof_report_t *r, size_t n, size_t first, size_t *k0,
    size_t *j0)
{
    size_t               k, j, lo, hi;
    const uint32_t      *lines;

    lines = r->enode;
    *k0 = n;
    *j0 = 0;

    if (!r->zoom) {
        return 0;
    }

    /* the outermost occurrence: from the root down */
    for (k = n; k > first; k--) {
        pprof_loc_lines(r, r->stk[k - 1], &lo, &hi);

        for (j = hi; j > lo; j--) {
            if (r->flags[lines[j - 1]] & PPROF_NODE_ZOOM) {
                *k0 = k;
                *j0 = j;
                return 0;
            }
        }
    }

    return -1;
}


/*
 * The stacks of the kept samples are laid out in one array as name ranks
 * (a pass counts them first), sorted and merged: a flame graph's order
 * without building its whole tree.
 */
const pprof_stacks_t *
pprof_report_stacks(pprof_report_t *r, pprof_error_t *err)
{
    int                      values;
    size_t                   i, n, k, j, t, first, lo, hi, k0, j0, ns, nf, m;
    size_t                   depth;
    int64_t                  v, weight, base;
    uint32_t                *f, *ord, *lcp, w;
    unsigned char           *in, *sin;
    const uint32_t          *ml;
    pprof_stack_t           *st;
    pprof_values_t           pv;
    pprof_stack_rec_t       *all, *s;
    const pprof_profile_t   *pr;

    if (r->stacks_ready) {
        return &r->stacks;
    }

    pr = r->pr;

    /* the walk counted them, if it ran and no zoom cut the stacks */
    ns = r->walk_stacks;
    nf = r->walk_frames;

    if (r->zoom || !r->walked) {
        ns = 0;
        nf = 0;

        for (i = 0; i < pr->info.nsamples; i++) {
            n = pprof_prepare(r, i, &first, &v);
            if (v == 0 || n == first
                || pprof_zoom_start(r, n, first, &k0, &j0) != 0)
            {
                continue;
            }

            ns++;
            nf++;

            if (r->zoom) {
                for (k = k0; k > first; k--) {
                    pprof_loc_lines(r, r->stk[k - 1], &lo, &hi);
                    nf += k == k0 ? j0 - lo : hi - lo;
                }

                continue;
            }

            for (k = first; k < n; k++) {
                w = r->walk[r->stk[k]];
                nf += (w & PPROF_MULTI) ? r->multi[w & ~PPROF_MULTI] : 1;
            }
        }
    }

    if (nf > PPROF_MAX_STACK_FRAMES) {
        pprof_set_error(err, "stacks exceed %d frames",
                        PPROF_MAX_STACK_FRAMES);
        return NULL;
    }

    r->rank = pprof_report_alloc(r, r->nnodes, sizeof(uint32_t));
    r->stack_frames = pprof_report_alloc(r, nf, sizeof(uint32_t));
    r->stack_inl = pprof_report_alloc(r, nf, 1);
    all = pprof_report_alloc(r, ns, sizeof(pprof_stack_rec_t));
    ord = pprof_report_alloc(r, ns, sizeof(uint32_t));
    lcp = pprof_report_alloc(r, ns, sizeof(uint32_t));

    if (r->rank == NULL || r->stack_frames == NULL || r->stack_inl == NULL
        || all == NULL || ord == NULL || lcp == NULL
        || pr->info.nsamples >= PPROF_STACK_BASE
        || pprof_rank_nodes(r, r->rank) != PPROF_OK)
    {
        goto nomem;
    }

    s = all;
    f = r->stack_frames;
    in = r->stack_inl;
    depth = 0;

    for (i = 0; i < pr->info.nsamples; i++) {
        n = pprof_prepare(r, i, &first, &v);
        if (v == 0 || n == first
            || pprof_zoom_start(r, n, first, &k0, &j0) != 0)
        {
            continue;
        }

        s->off = (uint32_t) (f - r->stack_frames);
        s->sample = (uint32_t) i;
        /* the graph draws the profile minus its base: v is the base's
         * value negated already (a delta base's may be positive) */
        s->value = v;

        if (i >= pr->info.nsamples - pr->nbase
            || (pr->samples[i].len & PPROF_SAMPLE_BASE))
        {
            s->sample |= PPROF_STACK_BASE;
        }

        m = 0;

        /* independent loads first, so their cache misses overlap */
        for (k = first; k < k0; k++) {
            w = r->walk[r->stk[k]];
            r->locs[k] = w;

#if defined(__GNUC__)
            __builtin_prefetch(w & PPROF_MULTI ? &r->multi[w & ~PPROF_MULTI]
                                               : (const void *) &r->rank[w]);
#endif
        }

        for (k = k0; k > first; k--) {
            if (k == k0 && r->zoom) {
                pprof_loc_lines(r, r->stk[k - 1], &lo, &hi);

                for (j = j0; j > lo; j--) {
                    f[++m] = r->rank[r->enode[j - 1]];
                    in[m] = (j != hi);
                }

                continue;
            }

            /* the walk's nodes of the location, from the caller down */
            w = r->locs[k - 1];

            if (!(w & PPROF_MULTI)) {
                f[++m] = r->rank[w];
                in[m] = 0;
                continue;
            }

            ml = &r->multi[w & ~PPROF_MULTI];

            for (t = 0; t < ml[0]; t++) {
                f[++m] = r->rank[ml[1 + 2 * t]];
                in[m] = (t != 0);
            }
        }

        f[0] = (uint32_t) m;
        in[0] = 0;
        depth = m > depth ? m : depth;
        f += m + 1;
        in += m + 1;
        s++;
    }

    if (pprof_sort_stacks(r, all, ns, ord, lcp) != PPROF_OK) {
        goto nomem;
    }

    /* equal stacks merged; the tree has a node per distinct prefix */
    m = 0;
    for (i = 0; i < ns; i++) {
        m += (i == 0 || lcp[i] != PPROF_SORT_EQUAL);
    }

    st = pprof_report_alloc(r, m, sizeof(pprof_stack_t));
    r->stacks.samples = pprof_report_alloc(r, ns, sizeof(uint32_t));
    r->stacks.values = pprof_report_alloc(r, ns, sizeof(int64_t));
    r->stacks.sample_off = pprof_report_alloc(r, m + 1, sizeof(uint32_t));

    if (st == NULL || r->stacks.samples == NULL || r->stacks.values == NULL
        || r->stacks.sample_off == NULL)
    {
        pprof_free(&r->allocator, st);
        goto nomem;
    }

    r->stacks.stacks = st;
    r->stacks.total = 0;
    r->stacks.base_total = 0;
    r->stacks.nnodes = 1;
    r->stacks.depth = 0;
    m = 0;

    /* no values of stacks that zoom cut; none out of memory either: the
     * rows and the graph count their own then */
    memset(&pv, 0, sizeof(pprof_values_t));
    values = !r->zoom && pprof_values_init(r, &pv, depth) == PPROF_OK;

    for (i = 0; i < ns; i++) {
#if defined(__GNUC__)
        if (i + 8 < ns) {
            __builtin_prefetch(&all[ord[i + 8]]);
        }

        if (i + 4 < ns) {
            __builtin_prefetch(r->stack_frames + all[ord[i + 4]].off);
        }
#endif
        s = &all[ord[i]];
        f = r->stack_frames + s->off;
        sin = r->stack_inl + s->off;
        n = f[0];
        v = s->value;
        weight = (s->sample & PPROF_STACK_BASE) ? 0 : pprof_abs(v);
        base = (s->sample & PPROF_STACK_BASE) ? pprof_abs(v) : 0;

        r->stacks.total += weight;
        r->stacks.base_total += base;
        r->stacks.samples[i] = s->sample & ~PPROF_STACK_BASE;
        r->stacks.values[i] = v;

        if (n > r->stacks.depth) {
            r->stacks.depth = n;
        }

        if (values) {
            if (i == 0 || lcp[i] != PPROF_SORT_EQUAL) {
                pprof_values_move(&pv, f, i ? lcp[i] : 0);
            }

            pv.sum[n] += v;
            pv.flat[f[n]] += v;
        }

        if (i > 0 && lcp[i] == PPROF_SORT_EQUAL) {
            st[m - 1].weight += weight;
            st[m - 1].base += base;
            st[m - 1].value += v;

            /* an edge is inline only if it is in every sample */
            for (k = 1; k <= n; k++) {
                st[m - 1].inl[k] &= sin[k];
            }

            continue;
        }

        r->stacks.nnodes += n - lcp[i];
        r->stacks.sample_off[m] = (uint32_t) i;
        st[m].frames = f;
        st[m].weight = weight;
        st[m].base = base;
        st[m].value = v;
        st[m].inl = sin;
        st[m].lcp = lcp[i];
        st[m].sample = s->sample & ~PPROF_STACK_BASE;
        m++;
    }

    r->stacks.sample_off[m] = (uint32_t) ns;

    pprof_values_done(r, &pv, values);

    pprof_free(&r->allocator, all);
    pprof_free(&r->allocator, ord);
    pprof_free(&r->allocator, lcp);

    r->stacks.nstacks = m;
    r->stacks.names = r->rank_names;
    r->stacks.nnames = r->nnodes;
    r->stacks_ready = 1;

    return &r->stacks;

nomem:

    pprof_free(&r->allocator, r->rank);
    r->rank = NULL;
    pprof_free(&r->allocator, all);
    pprof_free(&r->allocator, ord);
    pprof_free(&r->allocator, lcp);
    pprof_free(&r->allocator, r->stack_frames);
    pprof_free(&r->allocator, r->stack_inl);
    r->stack_frames = NULL;
    r->stack_inl = NULL;
    pprof_set_error(err, "out of memory");

    return NULL;
}


/* one level of the tree walk: a node and its stacks [pos, end) */
typedef struct {
    uint32_t                 node;
    uint32_t                 last;      /* its last child so far */
    size_t                   pos;
    size_t                   end;
    int64_t                  left;      /* of its next child */
} pprof_tree_level_t;


/*
 * The pre-order walk of the sorted stacks: the stacks through a node are
 * a run, and the runs of its children follow each other in name order.
 * Children narrower than min are skipped with their subtrees.  Returns
 * the number of nodes; with nodes == NULL it only counts them.
 */
static size_t
pprof_tree_walk(const pprof_stacks_t *st, int64_t min,
    pprof_tree_level_t *lv, pprof_tree_node_t *nodes)
{
    size_t               d, s, e, n;
    int64_t              sum, bsum;
    uint32_t             rank;
    pprof_tree_node_t   *tn;
    pprof_tree_level_t  *l;
    const pprof_stack_t *stacks;

    stacks = st->stacks;

    if (nodes != NULL) {
        tn = &nodes[0];
        tn->name.data = PPROF_ROOT_NAME;
        tn->name.len = sizeof(PPROF_ROOT_NAME) - 1;
        tn->cum = st->total;
        tn->flat = 0;
        tn->base = st->base_total;
        tn->left = 0;
        tn->parent = PPROF_NONE;
        tn->first_child = PPROF_NONE;
        tn->next_sibling = PPROF_NONE;
        tn->depth = 0;
    }

    n = 1;
    d = 0;
    lv[0].node = 0;
    lv[0].last = PPROF_NONE;
    lv[0].pos = 0;
    lv[0].end = st->nstacks;
    lv[0].left = 0;

    for ( ;; ) {
        l = &lv[d];

        if (l->pos == l->end) {
            if (d == 0) {
                break;
            }

            d--;
            continue;
        }

        s = l->pos;

        if (stacks[s].frames[0] == d) {
            /* the stack ends at this node: it sorts first in the run */
            if (nodes != NULL) {
                nodes[l->node].flat += stacks[s].weight;
            }

            l->pos++;
            continue;
        }

        rank = stacks[s].frames[d + 1];
        sum = 0;
        bsum = 0;

        for (e = s; e < l->end && stacks[e].frames[d + 1] == rank; e++) {
            sum += stacks[e].weight;
            bsum += stacks[e].base;
        }

        l->pos = e;
        l->left += sum;

        if (sum < min) {
            continue;
        }

        if (nodes != NULL) {
            tn = &nodes[n];
            tn->name = st->names[rank];
            tn->cum = sum;
            tn->flat = 0;
            tn->base = bsum;
            tn->left = l->left - sum;
            tn->parent = l->node;
            tn->first_child = PPROF_NONE;
            tn->next_sibling = PPROF_NONE;
            tn->depth = (uint32_t) d + 1;

            if (l->last == PPROF_NONE) {
                nodes[l->node].first_child = (uint32_t) n;

            } else {
                nodes[l->last].next_sibling = (uint32_t) n;
            }
        }

        l->last = (uint32_t) n;

        l = &lv[++d];
        l->node = (uint32_t) n++;
        l->last = PPROF_NONE;
        l->pos = s;
        l->end = e;
        l->left = lv[d - 1].left - sum;
    }

    return n;
}


const pprof_tree_t *
pprof_report_tree(pprof_report_t *r, pprof_error_t *err)
{
    size_t                 n, depth;
    int64_t                min;
    pprof_tree_level_t    *lv;
    const pprof_stacks_t  *st;

    if (r->tree_ready) {
        return &r->tree;
    }

    st = pprof_report_stacks(r, err);
    if (st == NULL) {
        return NULL;
    }

    depth = st->depth;

    min = st->total / PPROF_TREE_MIN;
    if (min < 1) {
        min = 1;
    }

    lv = pprof_report_alloc(r, depth + 1, sizeof(pprof_tree_level_t));
    if (lv == NULL) {
        pprof_set_error(err, "out of memory");
        return NULL;
    }

    n = pprof_tree_walk(st, min, lv, NULL);

    r->tree.nodes = pprof_report_alloc(r, n, sizeof(pprof_tree_node_t));
    if (r->tree.nodes == NULL) {
        pprof_free(&r->allocator, lv);
        pprof_set_error(err, "out of memory");
        return NULL;
    }

    r->tree.nnodes = pprof_tree_walk(st, min, lv, r->tree.nodes);
    r->tree.nhidden = st->nnodes - n;
    r->tree.stacks = st;
    r->tree_ready = 1;

    pprof_free(&r->allocator, lv);

    return &r->tree;
}


/* --- goroutine stack groups --- */

typedef struct {
    uint32_t                 first;     /* into the frame id arena */
    uint32_t                 nframes;
    uint32_t                 sample;    /* first sample: its labels */
    uint64_t                 hash;
    int64_t                  count;
} pprof_group_build_t;


static int
pprof_cmp_group(const void *one, const void *two)
{
    int                         rc;
    size_t                      i, n;
    const pprof_frame_t        *a, *b;
    const pprof_stack_group_t  *x, *y;

    x = one;
    y = two;

    if (x->count != y->count) {
        return x->count > y->count ? -1 : 1;
    }

    n = x->nframes < y->nframes ? x->nframes : y->nframes;

    for (i = 0; i < n; i++) {
        a = &x->frames[i];
        b = &y->frames[i];

        rc = pprof_str_cmp(a->function, b->function);
        if (rc == 0) {
            rc = pprof_str_cmp(a->file, b->file);
        }

        if (rc != 0) {
            return rc;
        }

        if (a->line != b->line) {
            return a->line < b->line ? -1 : 1;
        }
    }

    return x->nframes < y->nframes ? -1 : x->nframes > y->nframes;
}


/*
 * Distinct (function, file, line) frames: lines of different locations
 * (say, two PCs on one source line) are one frame.
 */
static uint32_t *
pprof_frame_ids(pprof_report_t *r, size_t *nframes)
{
    size_t                   i, size, h, n;
    uint32_t                *ids, *slots, f;
    uint64_t                 hash;
    pprof_str_t              file, ffile;
    const pprof_line_t      *ln, *fl;
    const pprof_profile_t   *pr;

    pr = r->pr;

    for (size = 16; size < 2 * pr->nlines; size <<= 1) { /* void */ }

    ids = pprof_report_alloc(r, pr->nlines, sizeof(uint32_t));
    slots = pprof_report_alloc(r, size, sizeof(uint32_t));
    if (ids == NULL || slots == NULL) {
        pprof_free(&r->allocator, ids);
        pprof_free(&r->allocator, slots);
        return NULL;
    }

    memset(slots, 0, size * sizeof(uint32_t));
    n = 0;

    /* slots hold a representative line index + 1 */
    for (i = 0; i < pr->nlines; i++) {
        ln = &pr->lines[i];
        file = ln->function != PPROF_NONE ? pr->functions[ln->function].filename
                                          : pr->strings[0];

        hash = (uint64_t) ln->node * 0x9e3779b97f4a7c15ULL
               ^ (uint64_t) ln->line * 0xc2b2ae3d27d4eb4fULL;
        for (h = 0; h < file.len; h++) {
            hash = (hash ^ (unsigned char) file.data[h])
                   * 0x100000001b3ULL;
        }

        for (h = (size_t) (hash ^ hash >> 29) & (size - 1); slots[h] != 0;
             h = (h + 1) & (size - 1))
        {
            fl = &pr->lines[slots[h] - 1];
            ffile = fl->function != PPROF_NONE
                    ? pr->functions[fl->function].filename : pr->strings[0];

            if (fl->node == ln->node && fl->line == ln->line
                && pprof_str_cmp(file, ffile) == 0)
            {
                break;
            }
        }

        if (slots[h] == 0) {
            slots[h] = (uint32_t) i + 1;
            ids[i] = (uint32_t) i;
            n++;

        } else {
            f = slots[h] - 1;
            ids[i] = ids[f];
        }
    }

    pprof_free(&r->allocator, slots);
    *nframes = n;

    return ids;
}


const pprof_stack_group_t *
pprof_report_stack_groups(pprof_report_t *r, size_t *ngroups,
    pprof_error_t *err)
{
    char                    *p;
    size_t                   i, n, k, j, first, lo, hi, total, size, h, g;
    size_t                   ng, nframes, nf, labels, len;
    int64_t                  v;
    uint32_t                *fid, *arena, *slots, *seq;
    uint64_t                 hash;
    pprof_frame_t           *fr;
    const pprof_line_t      *ln;
    pprof_group_build_t     *b;
    pprof_stack_group_t     *sg;
    const pprof_profile_t   *pr;

    if (r->groups_ready) {
        *ngroups = r->ngroups;
        return r->groups;
    }

    pr = r->pr;
    fid = NULL;
    arena = NULL;
    slots = NULL;
    b = NULL;

    /* bound the arena: every frame of every kept sample */
    total = 0;
    ng = 0;

    for (i = 0; i < pr->info.nsamples && total <= PPROF_MAX_TREE_NODES; i++) {
        n = pprof_prepare(r, i, &first, &v);
        if (v == 0 || n == 0) {
            continue;
        }

        ng++;

        for (k = first; k < n; k++) {
            pprof_loc_lines(r, r->stk[k], &lo, &hi);
            total += hi - lo;
        }
    }

    if (total > PPROF_MAX_TREE_NODES) {
        pprof_set_error(err, "stacks exceed %d frames", PPROF_MAX_TREE_NODES);
        return NULL;
    }

    for (size = 16; size < 2 * ng; size <<= 1) { /* void */ }

    fid = pprof_frame_ids(r, &nframes);
    arena = pprof_report_alloc(r, total, sizeof(uint32_t));
    slots = pprof_report_alloc(r, size, sizeof(uint32_t));
    b = pprof_report_alloc(r, ng, sizeof(pprof_group_build_t));

    if (fid == NULL || arena == NULL || slots == NULL || b == NULL) {
        goto nomem;
    }

    memset(slots, 0, size * sizeof(uint32_t));
    ng = 0;
    total = 0;

    for (i = 0; i < pr->info.nsamples; i++) {
        n = pprof_prepare(r, i, &first, &v);
        if (v == 0 || n == 0) {
            continue;
        }

        /* the stack, leaf first, appended tentatively to the arena */
        seq = arena + total;
        nf = 0;
        hash = 0xcbf29ce484222325ULL;

        for (k = first; k < n; k++) {
            pprof_loc_lines(r, r->stk[k], &lo, &hi);

            for (j = lo; j < hi; j++) {
                seq[nf++] = fid[r->eline[j]];
                hash = (hash ^ fid[r->eline[j]]) * 0x100000001b3ULL;
            }
        }

        for (h = (size_t) (hash ^ hash >> 31) & (size - 1); slots[h] != 0;
             h = (h + 1) & (size - 1))
        {
            g = slots[h] - 1;

            if (b[g].hash == hash && b[g].nframes == nf
                && memcmp(arena + b[g].first, seq, nf * sizeof(uint32_t))
                   == 0)
            {
                break;
            }
        }

        if (slots[h] != 0) {
            b[slots[h] - 1].count += v;
            continue;
        }

        slots[h] = (uint32_t) ng + 1;
        b[ng].first = (uint32_t) total;
        b[ng].nframes = (uint32_t) nf;
        b[ng].sample = (uint32_t) i;
        b[ng].hash = hash;
        b[ng].count = v;
        ng++;
        total += nf;
    }

    pprof_free(&r->allocator, slots);
    slots = NULL;

    labels = 0;
    for (g = 0; g < ng; g++) {
        labels += pprof_sample_labels(pr, b[g].sample, NULL, 0);
    }

    r->groups = pprof_report_alloc(r, ng, sizeof(pprof_stack_group_t));
    r->frames = pprof_report_alloc(r, total, sizeof(pprof_frame_t));
    r->labels = pprof_alloc(&r->allocator, labels + 1);

    if (r->groups == NULL || r->frames == NULL || r->labels == NULL) {
        goto nomem;
    }

    fr = r->frames;
    p = r->labels;

    for (g = 0; g < ng; g++) {
        sg = &r->groups[g];
        sg->count = b[g].count;
        sg->frames = fr;
        sg->nframes = b[g].nframes;

        for (j = 0; j < b[g].nframes; j++) {
            ln = &pr->lines[arena[b[g].first + j]];
            fr->function = pr->names[ln->node];
            fr->file = ln->function != PPROF_NONE
                       ? pr->functions[ln->function].filename
                       : pr->strings[0];
            fr->line = ln->line;
            fr++;
        }

        len = pprof_sample_labels(pr, b[g].sample, p,
                                  labels + 1 - (size_t) (p - r->labels));
        sg->labels.data = p;
        sg->labels.len = len;
        p += len;
    }

    qsort(r->groups, ng, sizeof(pprof_stack_group_t), pprof_cmp_group);

    pprof_free(&r->allocator, fid);
    pprof_free(&r->allocator, arena);
    pprof_free(&r->allocator, b);

    r->ngroups = ng;
    r->groups_ready = 1;
    *ngroups = ng;

    return r->groups;

nomem:

    pprof_free(&r->allocator, fid);
    pprof_free(&r->allocator, arena);
    pprof_free(&r->allocator, slots);
    pprof_free(&r->allocator, b);
    pprof_free(&r->allocator, r->groups);
    pprof_free(&r->allocator, r->frames);
    pprof_free(&r->allocator, r->labels);
    r->groups = NULL;
    r->frames = NULL;
    r->labels = NULL;
    pprof_set_error(err, "out of memory");

    return NULL;
}


/* --- peek: callers and callees of the matching rows --- */

/* an edge between rows, with the names it sorts by */
typedef struct {
    pprof_str_t              from;
    pprof_str_t              to;
    int64_t                  weight;
    uint32_t                 caller;
    uint32_t                 callee;
    int                      inl;
} pprof_peek_sort_t;


/* pprof's edgeList order: |weight| desc, the caller's name, the callee's */
static int
pprof_cmp_peek_edge(const void *one, const void *two)
{
    int                       rc;
    int64_t                   a, b;
    const pprof_peek_sort_t  *x, *y;

    x = one;
    y = two;

    a = pprof_abs(x->weight);
    b = pprof_abs(y->weight);
    if (a != b) {
        return a > b ? -1 : 1;
    }

    rc = pprof_str_cmp(x->from, y->from);
    if (rc != 0) {
        return rc;
    }

    return pprof_str_cmp(x->to, y->to);
}


/*
 * The edges of pprof's call graph that touch a matching node: one walk
 * over the kept samples, each edge counted once a sample, inline when its
 * callee is not the outermost line of its location.
 */
static int
pprof_peek_edges(pprof_report_t *r, const unsigned char *match,
    pprof_edges_t *edges)
{
    size_t                   i, n, k, j, first, lo, hi;
    int64_t                  v;
    uint32_t                 node, parent, cur, e;
    const pprof_profile_t   *pr;

    pr = r->pr;

    for (i = 0; i < pr->info.nsamples; i++) {
        n = pprof_prepare(r, i, &first, &v);
        if (v == 0 || n == first) {
            continue;
        }

        cur = (uint32_t) i + 1;
        parent = PPROF_NONE;

        for (k = n; k > first; k--) {
            pprof_loc_lines(r, r->stk[k - 1], &lo, &hi);

            for (j = hi; j > lo; j--) {
                node = r->enode[j - 1];

                if (parent != PPROF_NONE && node != parent
                    && (match[node] || match[parent]))
                {
                    e = pprof_edge_insert(r, edges,
                                          (uint64_t) parent << 32 | node);
                    if (e == PPROF_NONE) {
                        return PPROF_ERROR;
                    }

                    pprof_edge_count(&edges->edges[e], j != hi, v, cur);
                }

                parent = node;
            }
        }
    }

    return PPROF_OK;
}


int
pprof_report_peek(pprof_report_t *r, const pprof_peek_t **peeks,
    size_t *npeeks, pprof_error_t *err)
{
    char                  *tmp;
    size_t                 i, n, ns, nin, nout, longest;
    regex_t                rx;
    uint32_t               node, from, to;
    pprof_edge_t          *e;
    pprof_edges_t          edges;
    pprof_peek_sort_t     *sorted, *se;
    unsigned char         *match;
    pprof_peek_t          *pk;
    pprof_peek_edge_t     *pe;
    const pprof_function_row_t  *rows;
    const pprof_report_options_t  *o;

    if (r->peek_ready) {
        *peeks = r->peeks;
        *npeeks = r->npeeks;
        return PPROF_OK;
    }

    *peeks = NULL;
    *npeeks = 0;

    if (pprof_report_functions(r, 0, err) == NULL) {
        return PPROF_ERROR;
    }

    o = r->info.options;
    rows = r->info.functions;

    if (o->focus == NULL || o->focus[0] == '\0') {
        r->peek_ready = 1;
        return PPROF_OK;
    }

    if (pprof_regex_compile(&rx, PPROF_ARG_FOCUS, o->focus, err) != PPROF_OK) {
        return PPROF_ERROR;
    }

    memset(&edges, 0, sizeof(pprof_edges_t));
    sorted = NULL;

    longest = 0;
    for (i = 0; i < r->info.nfunctions; i++) {
        if (rows[i].name.len > longest) {
            longest = rows[i].name.len;
        }
    }

    tmp = pprof_alloc(&r->allocator, longest + 1);
    match = pprof_report_alloc(r, r->nnodes, 1);
    if (tmp == NULL || match == NULL) {
        goto nomem;
    }

    memset(match, 0, r->nnodes);
    n = 0;

    /* pprof matches the printed name, at the report's granularity */
    for (i = 0; i < r->info.nfunctions; i++) {
        if (pprof_regex_match(&rx, rows[i].name, tmp)) {
            match[r->row_node[i]] = 1;
            n++;
        }
    }

    if (n && pprof_peek_edges(r, match, &edges) != PPROF_OK) {
        goto nomem;
    }

    r->peeks = pprof_report_alloc(r, n, sizeof(pprof_peek_t));
    r->peek_edges = pprof_report_alloc(r, 2 * edges.n, 
                                       sizeof(pprof_peek_edge_t));
    sorted = pprof_report_alloc(r, edges.n, sizeof(pprof_peek_sort_t));
    if (r->peeks == NULL || r->peek_edges == NULL || sorted == NULL) {
        goto nomem;
    }

    /* edges by rows, in pprof's order */
    ns = 0;

    for (i = 0; i < edges.n; i++) {
        e = &edges.edges[i];
        from = r->node_row[e->key >> 32];
        to = r->node_row[(uint32_t) e->key];

        /* pprof merges samples that cancel out before it draws edges */
        if (from == PPROF_NONE || to == PPROF_NONE || e->weight == 0) {
            continue;
        }

        se = &sorted[ns++];
        se->caller = from;
        se->callee = to;
        se->from = rows[from].name;
        se->to = rows[to].name;
        se->weight = e->weight;
        se->inl = (int) e->inline_only;
    }

    qsort(sorted, ns, sizeof(pprof_peek_sort_t), pprof_cmp_peek_edge);

    pe = r->peek_edges;
    pk = r->peeks;

    for (i = 0; i < r->info.nfunctions; i++) {
        node = r->row_node[i];
        if (!match[node]) {
            continue;
        }

        pk->row = i;
        pk->in = pe;
        nin = 0;

        for (se = sorted; se < sorted + ns; se++) {
            if (se->callee == i) {
                pe->row = se->caller;
                pe->inl = se->inl;
                pe->weight = se->weight;
                pe++;
                nin++;
            }
        }

        pk->nin = nin;
        pk->out = pe;
        nout = 0;

        for (se = sorted; se < sorted + ns; se++) {
            if (se->caller == i) {
                pe->row = se->callee;
                pe->inl = se->inl;
                pe->weight = se->weight;
                pe++;
                nout++;
            }
        }

        pk->nout = nout;
        pk++;
    }

    r->npeeks = n;
    r->peek_ready = 1;
    *peeks = r->peeks;
    *npeeks = n;

    regfree(&rx);
    pprof_free(&r->allocator, tmp);
    pprof_free(&r->allocator, match);
    pprof_free(&r->allocator, sorted);
    pprof_free(&r->allocator, edges.slots);
    pprof_free(&r->allocator, edges.edges);

    return PPROF_OK;

nomem:

    regfree(&rx);
    pprof_free(&r->allocator, tmp);
    pprof_free(&r->allocator, match);
    pprof_free(&r->allocator, sorted);
    pprof_free(&r->allocator, edges.slots);
    pprof_free(&r->allocator, edges.edges);
    pprof_set_error(err, "out of memory");

    return PPROF_ERROR;
}
