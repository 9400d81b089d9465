
/*
 * The decoded profile (pprof_proto.c): what pprof_profile_parse() makes
 * of profile.proto, for the report layer to aggregate.  Strings point
 * into the profile's own copy of them.
 */


#ifndef _PPROF_PROTO_H_INCLUDED_
#define _PPROF_PROTO_H_INCLUDED_


#include "pprof.h"


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
    pprof_str_t             *full_names;   /* before simplification */
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

    /* a merged profile (pprof_merge.c): its last nbase samples are the
     * base's, negated; it owns the two profiles its strings point into */
    size_t                   nbase;
    pprof_profile_t         *parts[2];
};


uint32_t pprof_idmap_find(const pprof_idmap_t *map, uint64_t id);

/* the hash of the bytes p[0..len) the decoder's tables use */
uint64_t pprof_hash_str(const char *p, size_t len, uint64_t seed);


/* an order-independent hash of sample i's labels (by content) */
uint64_t pprof_sample_labels_hash(const pprof_profile_t *profile, size_t i);

/*
 * A label of a sample as pprof decodes it: a string label when str is
 * set, else a number (num, with its unit) when num or unit is; key, str
 * and unit are string indexes, 0 when absent.
 */
typedef struct {
    uint64_t                 key;
    uint64_t                 str;
    uint64_t                 unit;
    int64_t                  num;
    int                      is_num;
} pprof_label_t;

typedef struct {
    const unsigned char     *p;
    const unsigned char     *end;
} pprof_labels_t;

/*
 * The labels of sample i in order: next returns 1 and fills l, or 0
 * after the last one.  Labels with an index out of range, and those
 * pprof drops (no string, no number, no unit), are skipped.
 */
void pprof_labels_begin(const pprof_profile_t *profile, size_t i,
    pprof_labels_t *it);
int pprof_labels_next(const pprof_profile_t *profile, pprof_labels_t *it,
    pprof_label_t *l);

/*
 * pprof's NumLabelUnits: the unit of each key of numeric labels, the
 * first unit a label of that key has in sample order, else "bytes" for
 * "alignment" and "request", else the key itself.  Sorted by key.
 */
typedef struct {
    pprof_str_t              key;
    pprof_str_t              unit;
} pprof_num_unit_t;

int pprof_num_label_units(const pprof_profile_t *profile,
    const pprof_allocator_t *a, pprof_num_unit_t **units, size_t *n);
/* the unit of key in units (pprof_num_label_units()), or key itself */
pprof_str_t pprof_num_unit_find(const pprof_num_unit_t *units, size_t n,
    pprof_str_t key);

/* "k=v k=v" of sample i's labels, or the length needed when buf is NULL */
size_t pprof_sample_labels(const pprof_profile_t *profile, size_t i,
    char *buf, size_t size);


#endif /* _PPROF_PROTO_H_INCLUDED_ */
