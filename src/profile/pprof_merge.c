
/*
 * A profile minus its base, merged the way `go tool pprof -diff_base` and
 * `-base` do (pprof's fetchProfiles: the base scaled by -1, then
 * profile.Merge): one decoded profile whose samples are the profile's and
 * then the base's, negated, so that the report, its total and every view
 * see the difference as they see any profile.
 *
 * What pprof's Merge shares matters here only where it changes a number:
 * samples on the same stack with the same labels are summed before the
 * total takes |value|, so the base's locations that equal the profile's
 * (pprof's location key: the address in its mapping, the mapping's key,
 * the lines' functions by content) become the profile's, and name nodes
 * that equal one of the profile's become it.  Functions and mappings are
 * kept, the base's after the profile's; the base's strings follow the
 * profile's, so its labels are rewritten with shifted indexes (and, for
 * -diff_base, pprof::base=true added: the total is then the base's).
 *
 * Owns pprof.h's pprof_profile_merge().  Uses pprof_util.c and
 * pprof_proto.c.
 */


#include <stdio.h>
#include <string.h>

#include "pprof_util.h"
#include "pprof_proto.h"


static const char  pprof_base_key[] = "pprof::base";
static const char  pprof_base_true[] = "true";


typedef struct {
    uint32_t                *slots;     /* index + 1, 0: empty */
    size_t                   mask;
} pprof_merge_table_t;


typedef struct {
    pprof_profile_t         *m;         /* the result */
    const pprof_profile_t   *b;         /* the base */
    const pprof_allocator_t *a;
    uint32_t                *node_map;  /* base name node -> m's */
    uint32_t                *loc_map;   /* base location -> m's */
    uint64_t                *fhash;     /* per function of m */
    uint64_t                *mhash;     /* per mapping of m */
    uint64_t                 str_shift; /* base string i is m's i + this */
} pprof_merge_t;


static uint64_t
pprof_merge_mix(uint64_t h, uint64_t v)
{
    h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
    h *= 0xff51afd7ed558ccdULL;

    return h ^ h >> 33;
}


static uint64_t
pprof_merge_str_hash(pprof_str_t s)
{
    size_t    i;
    uint64_t  h;

    h = 0xcbf29ce484222325ULL;

    for (i = 0; i < s.len; i++) {
        h = (h ^ (unsigned char) s.data[i]) * 0x100000001b3ULL;
    }

    return pprof_merge_mix(h, s.len);
}


static int
pprof_merge_str_eq(pprof_str_t x, pprof_str_t y)
{
    return x.len == y.len && (x.len == 0 || memcmp(x.data, y.data, x.len)
                                            == 0);
}


static int
pprof_merge_table_init(const pprof_allocator_t *a, pprof_merge_table_t *t,
    size_t n)
{
    size_t  size;

    for (size = 16; size < 2 * n; size <<= 1) { /* void */ }

    t->slots = pprof_alloc_n(a, size, sizeof(uint32_t));
    if (t->slots == NULL) {
        return PPROF_ERROR;
    }

    memset(t->slots, 0, size * sizeof(uint32_t));
    t->mask = size - 1;

    return PPROF_OK;
}


/* a length for "%.*s" in an error line */
static int
pprof_merge_clip(pprof_str_t s)
{
    return s.len < 40 ? (int) s.len : 40;
}


/* "alloc_objects/count alloc_space/bytes", cut to size */
static void
pprof_merge_types(const pprof_info_t *info, char *buf, size_t size)
{
    int     n;
    size_t  i, len;

    len = 0;
    buf[0] = '\0';

    for (i = 0; i < info->nsample_types && len < size; i++) {
        n = snprintf(buf + len, size - len, "%s%.*s/%.*s", i ? " " : "",
                     pprof_merge_clip(info->sample_types[i].type),
                     info->sample_types[i].type.data,
                     pprof_merge_clip(info->sample_types[i].unit),
                     info->sample_types[i].unit.data);
        if (n < 0) {
            break;
        }

        len += (size_t) n;
    }
}


/* pprof's compatible(): the same period type and sample types */
static int
pprof_merge_check(const pprof_info_t *p, const pprof_info_t *b,
    pprof_error_t *err)
{
    size_t  i;
    char    pt[100], bt[100];

    if (!pprof_merge_str_eq(p->period_type.type, b->period_type.type)
        || !pprof_merge_str_eq(p->period_type.unit, b->period_type.unit))
    {
        pprof_set_error(err, "the base is another kind of profile: period "
                        "type %.*s/%.*s vs. %.*s/%.*s",
                        pprof_merge_clip(p->period_type.type),
                        p->period_type.type.data,
                        pprof_merge_clip(p->period_type.unit),
                        p->period_type.unit.data,
                        pprof_merge_clip(b->period_type.type),
                        b->period_type.type.data,
                        pprof_merge_clip(b->period_type.unit),
                        b->period_type.unit.data);
        return PPROF_ERROR;
    }

    for (i = 0; i < p->nsample_types && i < b->nsample_types; i++) {
        if (!pprof_merge_str_eq(p->sample_types[i].type,
                                b->sample_types[i].type)
            || !pprof_merge_str_eq(p->sample_types[i].unit,
                                   b->sample_types[i].unit))
        {
            break;
        }
    }

    if (i < p->nsample_types || i < b->nsample_types) {
        pprof_merge_types(p, pt, sizeof(pt));
        pprof_merge_types(b, bt, sizeof(bt));
        pprof_set_error(err, "the base is another kind of profile: sample "
                        "types %s vs. %s", pt, bt);
        return PPROF_ERROR;
    }

    return PPROF_OK;
}


/* the key of a name node: a function's name, a mapping-made one's file */
static pprof_str_t *
pprof_merge_name_keys(const pprof_merge_t *mg, const pprof_profile_t *pr)
{
    size_t        i;
    pprof_str_t  *keys;

    keys = pprof_alloc_n(mg->a, pr->nnames, sizeof(pprof_str_t));
    if (keys == NULL) {
        return NULL;
    }

    for (i = 0; i < pr->nnames; i++) {
        if (pr->name_flags[i] & PPROF_NAME_SYNTH) {
            keys[i].data = "";
            keys[i].len = 0;

        } else {
            keys[i] = pr->names[i];
        }
    }

    for (i = 0; i < pr->info.nmappings; i++) {
        if (pr->mappings[i].filename.len) {
            keys[pr->mappings[i].node] = pr->mappings[i].filename;
        }
    }

    return keys;
}


/* m's names: the profile's, then the base's that are not among them */
static int
pprof_merge_names(pprof_merge_t *mg, const pprof_profile_t *p)
{
    int                   rc;
    size_t                i, h, n;
    uint32_t              k;
    pprof_str_t          *pkeys, *bkeys;
    pprof_profile_t      *m;
    const pprof_profile_t *b;
    pprof_merge_table_t   t;

    m = mg->m;
    b = mg->b;
    rc = PPROF_ERROR;
    n = p->nnames + b->nnames;

    t.slots = NULL;
    pkeys = pprof_merge_name_keys(mg, p);
    bkeys = pprof_merge_name_keys(mg, b);
    m->names = pprof_alloc_n(mg->a, n, sizeof(pprof_str_t));
    m->name_flags = pprof_alloc(mg->a, n);
    mg->node_map = pprof_alloc_n(mg->a, b->nnames, sizeof(uint32_t));

    if (pkeys == NULL || bkeys == NULL || m->names == NULL
        || m->name_flags == NULL || mg->node_map == NULL
        || pprof_merge_table_init(mg->a, &t, n) != PPROF_OK)
    {
        goto done;
    }

    if (p->nnames) {
        memcpy(m->names, p->names, p->nnames * sizeof(pprof_str_t));
        memcpy(m->name_flags, p->name_flags, p->nnames);
    }

    m->nnames = p->nnames;
    m->longest_name = p->longest_name > b->longest_name ? p->longest_name
                                                        : b->longest_name;

    for (i = 0; i < p->nnames; i++) {
        for (h = (pprof_merge_str_hash(pkeys[i]) ^ p->name_flags[i])
                 & t.mask;
             t.slots[h] != 0;
             h = (h + 1) & t.mask)
        {
            /* void */
        }

        t.slots[h] = (uint32_t) i + 1;
    }

    for (i = 0; i < b->nnames; i++) {
        for (h = (pprof_merge_str_hash(bkeys[i]) ^ b->name_flags[i])
                 & t.mask;
             t.slots[h] != 0;
             h = (h + 1) & t.mask)
        {
            k = t.slots[h] - 1;

            if (k < p->nnames && m->name_flags[k] == b->name_flags[i]
                && pprof_merge_str_eq(pkeys[k], bkeys[i]))
            {
                break;
            }
        }

        if (t.slots[h] != 0) {
            mg->node_map[i] = t.slots[h] - 1;
            continue;
        }

        /* the base's own names never match each other: they are distinct */
        k = (uint32_t) m->nnames++;
        m->names[k] = b->names[i];
        m->name_flags[k] = b->name_flags[i];
        mg->node_map[i] = k;
    }

    rc = PPROF_OK;

done:

    pprof_free(mg->a, pkeys);
    pprof_free(mg->a, bkeys);
    pprof_free(mg->a, t.slots);

    return rc;
}


/* pprof's functionKey: start line, name, system name, file name */
static uint64_t
pprof_merge_function_hash(const pprof_function_t *f)
{
    uint64_t  h;

    h = pprof_merge_mix(pprof_merge_str_hash(f->name),
                        pprof_merge_str_hash(f->system_name));
    h = pprof_merge_mix(h, pprof_merge_str_hash(f->filename));

    return pprof_merge_mix(h, (uint64_t) f->start_line);
}


static int
pprof_merge_function_eq(const pprof_function_t *x, const pprof_function_t *y)
{
    return x->start_line == y->start_line
           && pprof_merge_str_eq(x->name, y->name)
           && pprof_merge_str_eq(x->system_name, y->system_name)
           && pprof_merge_str_eq(x->filename, y->filename);
}


/* pprof's mappingKey: size rounded up to 4 KB, offset, build ID or file */
static uint64_t
pprof_merge_mapping_hash(const pprof_mapping_t *mp)
{
    uint64_t  size;

    size = mp->memory_limit - mp->memory_start;
    size = (size + 0xfff) & ~(uint64_t) 0xfff;

    return pprof_merge_mix(pprof_merge_mix(size, mp->file_offset),
                           pprof_merge_str_hash(mp->build_id.len
                                                ? mp->build_id
                                                : mp->filename));
}


/* pprof's locationKey, by content: m's location index li */
static uint64_t
pprof_merge_location_hash(const pprof_merge_t *mg, size_t li)
{
    size_t                    j;
    uint64_t                  h;
    const pprof_line_t       *ln;
    const pprof_mapping_t    *mp;
    const pprof_location_t   *loc;
    const pprof_profile_t    *m;

    m = mg->m;
    loc = &m->locations[li];

    if (loc->mapping != PPROF_NONE) {
        mp = &m->mappings[loc->mapping];
        h = pprof_merge_mix(mg->mhash[loc->mapping],
                            loc->address - mp->memory_start);

    } else {
        h = pprof_merge_mix(0, loc->address);
    }

    for (j = 0; j < loc->nlines; j++) {
        ln = &m->lines[loc->line + j];
        h = pprof_merge_mix(h, ln->function == PPROF_NONE
                               ? 0 : mg->fhash[ln->function]);
        h = pprof_merge_mix(h, (uint64_t) ln->line);
    }

    return h;
}


static int
pprof_merge_location_eq(const pprof_merge_t *mg, size_t x, size_t y)
{
    size_t                    j;
    const pprof_line_t       *lx, *ly;
    const pprof_mapping_t    *mx, *my;
    const pprof_location_t   *a, *b;
    const pprof_profile_t    *m;

    m = mg->m;
    a = &m->locations[x];
    b = &m->locations[y];

    if (a->nlines != b->nlines
        || (a->mapping == PPROF_NONE) != (b->mapping == PPROF_NONE))
    {
        return 0;
    }

    if (a->mapping != PPROF_NONE) {
        mx = &m->mappings[a->mapping];
        my = &m->mappings[b->mapping];

        if (a->address - mx->memory_start != b->address - my->memory_start
            || mg->mhash[a->mapping] != mg->mhash[b->mapping]
            || mx->file_offset != my->file_offset
            || !pprof_merge_str_eq(mx->build_id.len ? mx->build_id
                                                    : mx->filename,
                                   my->build_id.len ? my->build_id
                                                    : my->filename))
        {
            return 0;
        }

    } else if (a->address != b->address) {
        return 0;
    }

    for (j = 0; j < a->nlines; j++) {
        lx = &m->lines[a->line + j];
        ly = &m->lines[b->line + j];

        if (lx->line != ly->line
            || (lx->function == PPROF_NONE) != (ly->function == PPROF_NONE)
            || (lx->function != PPROF_NONE
                && !pprof_merge_function_eq(&m->functions[lx->function],
                                            &m->functions[ly->function])))
        {
            return 0;
        }
    }

    return 1;
}


/*
 * Functions and mappings: both, the base's after; locations: the
 * profile's, then the base's that equal none of them, with their lines.
 */
static int
pprof_merge_locations(pprof_merge_t *mg, const pprof_profile_t *p)
{
    int                   rc;
    size_t                i, j, h, nf, nm, nl, nln;
    uint32_t              k;
    uint64_t              hash, *lhash;
    pprof_line_t         *ln;
    pprof_profile_t      *m;
    pprof_location_t     *loc;
    pprof_merge_table_t   t;
    const pprof_profile_t *b;

    m = mg->m;
    b = mg->b;
    rc = PPROF_ERROR;
    t.slots = NULL;
    lhash = NULL;

    nf = p->info.nfunctions + b->info.nfunctions;
    nm = p->info.nmappings + b->info.nmappings;
    nl = p->info.nlocations + b->info.nlocations;
    nln = p->nlines + b->nlines;

    m->functions = pprof_alloc_n(mg->a, nf, sizeof(pprof_function_t));
    m->mappings = pprof_alloc_n(mg->a, nm, sizeof(pprof_mapping_t));
    m->locations = pprof_alloc_n(mg->a, nl, sizeof(pprof_location_t));
    m->lines = pprof_alloc_n(mg->a, nln, sizeof(pprof_line_t));
    mg->fhash = pprof_alloc_n(mg->a, nf, sizeof(uint64_t));
    mg->mhash = pprof_alloc_n(mg->a, nm, sizeof(uint64_t));
    mg->loc_map = pprof_alloc_n(mg->a, b->info.nlocations, sizeof(uint32_t));
    lhash = pprof_alloc_n(mg->a, nl, sizeof(uint64_t));

    if (m->functions == NULL || m->mappings == NULL || m->locations == NULL
        || m->lines == NULL || mg->fhash == NULL || mg->mhash == NULL
        || mg->loc_map == NULL
        || lhash == NULL
        || pprof_merge_table_init(mg->a, &t, nl) != PPROF_OK)
    {
        goto done;
    }

    if (p->info.nfunctions) {
        memcpy(m->functions, p->functions,
               p->info.nfunctions * sizeof(pprof_function_t));
    }

    if (b->info.nfunctions) {
        memcpy(m->functions + p->info.nfunctions, b->functions,
               b->info.nfunctions * sizeof(pprof_function_t));
    }

    for (i = 0; i < nf; i++) {
        mg->fhash[i] = pprof_merge_function_hash(&m->functions[i]);
    }

    if (p->info.nmappings) {
        memcpy(m->mappings, p->mappings,
               p->info.nmappings * sizeof(pprof_mapping_t));
    }

    for (i = 0; i < b->info.nmappings; i++) {
        m->mappings[p->info.nmappings + i] = b->mappings[i];
        m->mappings[p->info.nmappings + i].node =
                                          mg->node_map[b->mappings[i].node];
    }

    /* once per mapping, not per location: the key hashes a string */
    for (i = 0; i < nm; i++) {
        mg->mhash[i] = pprof_merge_mapping_hash(&m->mappings[i]);
    }

    if (p->info.nlocations) {
        memcpy(m->locations, p->locations,
               p->info.nlocations * sizeof(pprof_location_t));
    }

    if (p->nlines) {
        memcpy(m->lines, p->lines, p->nlines * sizeof(pprof_line_t));
    }

    m->info.nfunctions = nf;
    m->info.nmappings = nm;
    m->info.nlocations = p->info.nlocations;
    m->nlines = p->nlines;

    for (i = 0; i < p->info.nlocations; i++) {
        lhash[i] = pprof_merge_location_hash(mg, i);

        for (h = lhash[i] & t.mask; t.slots[h] != 0; h = (h + 1) & t.mask) {
            /* void */
        }

        t.slots[h] = (uint32_t) i + 1;
    }

    for (i = 0; i < b->info.nlocations; i++) {
        /* appended as new, then dropped again if it equals one */
        k = (uint32_t) m->info.nlocations;
        loc = &m->locations[k];
        *loc = b->locations[i];
        loc->line = (uint32_t) m->nlines;

        if (loc->mapping != PPROF_NONE) {
            loc->mapping += (uint32_t) p->info.nmappings;
        }

        for (j = 0; j < loc->nlines; j++) {
            ln = &m->lines[m->nlines + j];
            *ln = b->lines[b->locations[i].line + j];
            ln->node = mg->node_map[ln->node];

            if (ln->function != PPROF_NONE) {
                ln->function += (uint32_t) p->info.nfunctions;
            }
        }

        hash = pprof_merge_location_hash(mg, k);

        for (h = hash & t.mask; t.slots[h] != 0; h = (h + 1) & t.mask) {
            if (lhash[t.slots[h] - 1] == hash
                && pprof_merge_location_eq(mg, t.slots[h] - 1, k))
            {
                break;
            }
        }

        if (t.slots[h] != 0) {
            mg->loc_map[i] = t.slots[h] - 1;
            continue;
        }

        t.slots[h] = k + 1;
        lhash[k] = hash;
        mg->loc_map[i] = k;
        m->info.nlocations++;
        m->nlines += loc->nlines;
    }

    rc = PPROF_OK;

done:

    pprof_free(mg->a, t.slots);
    pprof_free(mg->a, lhash);

    return rc;
}


static size_t
pprof_merge_varint(unsigned char *p, uint64_t v)
{
    size_t  n;

    for (n = 0; v >= 0x80; v >>= 7) {
        if (p) {
            p[n] = (unsigned char) (v | 0x80);
        }

        n++;
    }

    if (p) {
        p[n] = (unsigned char) v;
    }

    return n + 1;
}


/* one Label message as field 3 of a sample; p NULL: its size */
static size_t
pprof_merge_label(unsigned char *p, const pprof_label_t *l, uint64_t shift)
{
    size_t         n, len;
    unsigned char  body[64];

    len = 0;

    if (l->key) {
        body[len++] = 0x08;
        len += pprof_merge_varint(body + len, l->key + shift);
    }

    if (l->str) {
        body[len++] = 0x10;
        len += pprof_merge_varint(body + len, l->str + shift);
    }

    if (l->num) {
        body[len++] = 0x18;
        len += pprof_merge_varint(body + len, (uint64_t) l->num);
    }

    if (l->unit) {
        body[len++] = 0x20;
        len += pprof_merge_varint(body + len, l->unit + shift);
    }

    n = 1 + pprof_merge_varint(NULL, len) + len;

    if (p) {
        p[0] = 0x1a;
        p += 1 + pprof_merge_varint(p + 1, len);
        memcpy(p, body, len);
    }

    return n;
}


/* the base's labels of sample i, rewritten for m's strings; p NULL: size */
static size_t
pprof_merge_sample_labels(const pprof_merge_t *mg, size_t i, int diff,
    unsigned char *p)
{
    size_t          n;
    pprof_label_t   l;
    pprof_labels_t  it;

    n = 0;
    pprof_labels_begin(mg->b, i, &it);

    while (pprof_labels_next(mg->b, &it, &l)) {
        n += pprof_merge_label(p ? p + n : NULL, &l, mg->str_shift);
    }

    if (diff) {
        /* the two strings after the base's */
        l.key = mg->b->nstrings;
        l.str = mg->b->nstrings + 1;
        l.num = 0;
        l.unit = 0;
        n += pprof_merge_label(p ? p + n : NULL, &l, mg->str_shift);
    }

    return n;
}


static int
pprof_merge_samples(pprof_merge_t *mg, const pprof_profile_t *p, int diff)
{
    size_t                 i, j, n, nt, ns, nstk, nlab, len;
    int64_t               *v;
    pprof_profile_t       *m;
    pprof_sample_ref_t    *s;
    const pprof_profile_t *b;

    m = mg->m;
    b = mg->b;
    nt = p->info.nsample_types;
    ns = p->info.nsamples + b->info.nsamples;
    nstk = p->nstacks + b->nstacks;

    nlab = p->nlabels;
    for (i = 0; i < b->info.nsamples; i++) {
        len = pprof_merge_sample_labels(mg, i, diff, NULL);

        if (len > PPROF_SAMPLE_LEN || nlab + len < nlab) {
            return PPROF_ERROR;
        }

        nlab += len;
    }

    m->samples = pprof_alloc_n(mg->a, ns, sizeof(pprof_sample_ref_t));
    m->stacks = pprof_alloc_n(mg->a, nstk, sizeof(uint32_t));
    m->values = pprof_alloc_n(mg->a, ns, nt * sizeof(int64_t));
    m->labels = pprof_alloc(mg->a, nlab);

    if (m->samples == NULL || m->stacks == NULL || m->values == NULL
        || m->labels == NULL || nlab > UINT32_MAX || nstk > UINT32_MAX)
    {
        return PPROF_ERROR;
    }

    if (p->info.nsamples) {
        memcpy(m->samples, p->samples,
               p->info.nsamples * sizeof(pprof_sample_ref_t));
        memcpy(m->values, p->values,
               p->info.nsamples * nt * sizeof(int64_t));
    }

    if (p->nstacks) {
        memcpy(m->stacks, p->stacks, p->nstacks * sizeof(uint32_t));
    }

    if (p->nlabels) {
        memcpy(m->labels, p->labels, p->nlabels);
    }

    nlab = p->nlabels;
    nstk = p->nstacks;

    for (i = 0; i < b->info.nsamples; i++) {
        s = &m->samples[p->info.nsamples + i];
        *s = b->samples[i];

        len = pprof_merge_sample_labels(mg, i, diff, m->labels + nlab);
        s->off = (uint32_t) nlab;
        s->len = (uint32_t) len | (diff ? PPROF_SAMPLE_BASE : 0);
        nlab += len;

        n = b->samples[i].depth;
        s->stack = (uint32_t) nstk;

        for (j = 0; j < n; j++) {
            m->stacks[nstk + j] = mg->loc_map[b->stacks[b->samples[i].stack
                                                        + j]];
        }

        nstk += n;

        /* pprof's Scale(-1) */
        v = m->values + (p->info.nsamples + i) * nt;
        for (j = 0; j < nt; j++) {
            v[j] = -b->values[i * nt + j];
        }
    }

    m->info.nsamples = ns;
    m->nstacks = nstk;
    m->nlabels = nlab;
    m->nbase = b->info.nsamples;
    m->max_depth = p->max_depth > b->max_depth ? p->max_depth
                                               : b->max_depth;

    return PPROF_OK;
}


/* the profile's strings, the base's, then "pprof::base" and "true" */
static int
pprof_merge_strings(pprof_merge_t *mg, const pprof_profile_t *p)
{
    pprof_profile_t        *m;
    const pprof_profile_t  *b;

    m = mg->m;
    b = mg->b;
    m->nstrings = p->nstrings + b->nstrings + 2;
    m->strings = pprof_alloc_n(mg->a, m->nstrings, sizeof(pprof_str_t));

    if (m->strings == NULL) {
        return PPROF_ERROR;
    }

    memcpy(m->strings, p->strings, p->nstrings * sizeof(pprof_str_t));
    memcpy(m->strings + p->nstrings, b->strings,
           b->nstrings * sizeof(pprof_str_t));

    m->strings[m->nstrings - 2].data = pprof_base_key;
    m->strings[m->nstrings - 2].len = sizeof(pprof_base_key) - 1;
    m->strings[m->nstrings - 1].data = pprof_base_true;
    m->strings[m->nstrings - 1].len = sizeof(pprof_base_true) - 1;
    mg->str_shift = p->nstrings;

    return PPROF_OK;
}


/* pprof's combineHeaders, the profile first */
static int
pprof_merge_header(pprof_merge_t *mg, const pprof_profile_t *p)
{
    size_t                  i, j, n;
    pprof_info_t           *mi;
    const pprof_info_t     *pi, *bi;

    mi = &mg->m->info;
    pi = &p->info;
    bi = &mg->b->info;

    *mi = *pi;

    mi->sample_types = pprof_alloc_n(mg->a, pi->nsample_types,
                                     sizeof(pprof_value_type_t));
    mi->comments = pprof_alloc_n(mg->a, pi->ncomments + bi->ncomments,
                                 sizeof(pprof_str_t));

    if (mi->sample_types == NULL || mi->comments == NULL) {
        return PPROF_ERROR;
    }

    memcpy(mi->sample_types, pi->sample_types,
           pi->nsample_types * sizeof(pprof_value_type_t));

    n = 0;

    for (i = 0; i < pi->ncomments + bi->ncomments; i++) {
        mi->comments[n] = i < pi->ncomments ? pi->comments[i]
                                            : bi->comments[i - pi->ncomments];

        for (j = 0; j < n; j++) {
            if (pprof_merge_str_eq(mi->comments[j], mi->comments[n])) {
                break;
            }
        }

        if (j == n) {
            n++;
        }
    }

    mi->ncomments = n;

    if (bi->time_nanos < mi->time_nanos || mi->time_nanos == 0) {
        mi->time_nanos = bi->time_nanos;
    }

    mi->duration_nanos = pi->duration_nanos + bi->duration_nanos;
    mi->period = pi->period > bi->period ? pi->period : bi->period;
    mi->inflated_size = pi->inflated_size + bi->inflated_size;

    mg->m->default_sample_type = p->default_sample_type;

    if (p->default_sample_type.len == 0) {
        mg->m->default_sample_type = mg->b->default_sample_type;
        mi->default_sample = bi->default_sample;
    }

    if (pi->nmappings == 0 && bi->nmappings) {
        mi->main_binary = bi->main_binary;
        mg->m->build_id = mg->b->build_id;

    } else {
        mg->m->build_id = p->build_id;
    }

    mg->m->drop_frames = p->drop_frames;
    mg->m->keep_frames = p->keep_frames;
    mg->m->doc_url = p->doc_url;

    return PPROF_OK;
}


pprof_profile_t *
pprof_profile_merge(pprof_profile_t *profile, pprof_profile_t *base,
    int mode, const pprof_allocator_t *allocator, pprof_error_t *err)
{
    pprof_merge_t     mg;
    pprof_profile_t  *m;

    if (pprof_merge_check(&profile->info, &base->info, err) != PPROF_OK) {
        return NULL;
    }

    m = pprof_alloc(allocator, sizeof(pprof_profile_t));
    if (m == NULL) {
        pprof_set_error(err, "out of memory");
        return NULL;
    }

    memset(m, 0, sizeof(pprof_profile_t));
    m->allocator = *allocator;

    memset(&mg, 0, sizeof(pprof_merge_t));
    mg.m = m;
    mg.b = base;
    mg.a = &m->allocator;

    if (pprof_merge_header(&mg, profile) != PPROF_OK
        || pprof_merge_strings(&mg, profile) != PPROF_OK
        || pprof_merge_names(&mg, profile) != PPROF_OK
        || pprof_merge_locations(&mg, profile) != PPROF_OK
        || pprof_merge_samples(&mg, profile, mode == PPROF_BASE_DIFF)
           != PPROF_OK)
    {
        pprof_free(mg.a, mg.node_map);
        pprof_free(mg.a, mg.loc_map);
        pprof_free(mg.a, mg.fhash);
        pprof_free(mg.a, mg.mhash);
        pprof_profile_free(m);
        pprof_set_error(err, "out of memory merging the base");
        return NULL;
    }

    pprof_free(mg.a, mg.node_map);
    pprof_free(mg.a, mg.loc_map);
    pprof_free(mg.a, mg.fhash);
    pprof_free(mg.a, mg.mhash);

    m->parts[0] = profile;
    m->parts[1] = base;

    return m;
}
