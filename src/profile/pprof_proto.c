
/*
 * profile.proto decoder: gzip inflate with a bound, a hand-written
 * protobuf reader and the validation every later stage relies on.
 *
 * The inflated buffer is kept: strings point into it and samples stay
 * encoded in it (one offset/length each), so memory is about the buffer
 * plus small per-location tables.  Each message kind is decoded in its own
 * pass over the top-level fields, after a first pass that counts them, so
 * every table is allocated once with its exact size.
 *
 * Owns pprof.h's pprof_profile_* and pprof_sample_index(), and the
 * decoded profile of pprof_proto.h.  Uses only pprof_util.c.
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <libdeflate.h>

#include "pprof_util.h"
#include "pprof_proto.h"


typedef struct {
    const unsigned char     *p;
    const unsigned char     *end;
} pprof_pb_t;


typedef struct {
    uint32_t                 field;
    uint32_t                 wire;
    uint64_t                 v;          /* varint and fixed values */
    const unsigned char     *data;       /* length-delimited payload */
    size_t                   len;
} pprof_pb_field_t;


enum {
    PPROF_WIRE_VARINT = 0,
    PPROF_WIRE_FIXED64 = 1,
    PPROF_WIRE_LEN = 2,
    PPROF_WIRE_FIXED32 = 5
};


#if defined(__GNUC__)
#define PPROF_ALWAYS_INLINE  __attribute__((always_inline))
#else
#define PPROF_ALWAYS_INLINE
#endif


/* the fast inflate path leaves the input to the streaming one */
#define PPROF_DECLINED  -5


/* what a pass over a message found wrong; turned into one error line */
#define PPROF_BAD(what)  do { bad = what; goto failed; } while (0)


static const char  pprof_unknown_name[] = "<unknown>";


/* the hot paths (sample location ids) read varints through this one */
static inline const unsigned char *
pprof_varint_fast(const unsigned char *p, const unsigned char *end,
    uint64_t *v)
{
    uint64_t  r;
    unsigned  shift, c, i;

    /* location ids and lengths mostly take 1 to 3 bytes: no loop */
    if (end - p >= 3) {
        if (p[0] < 0x80) {
            *v = p[0];
            return p + 1;
        }

        r = p[0] & 0x7f;

        if (p[1] < 0x80) {
            *v = r | (uint64_t) p[1] << 7;
            return p + 2;
        }

        r |= (uint64_t) (p[1] & 0x7f) << 7;

        if (p[2] < 0x80) {
            *v = r | (uint64_t) p[2] << 14;
            return p + 3;
        }

        /* sample values, addresses: away from the end, no bound checks;
         * the 10th byte's shift is 63, its upper bits are dropped */
        if (end - p >= 10) {
            r |= (uint64_t) (p[2] & 0x7f) << 14;

            for (i = 3; i < 10; i++) {
                c = p[i];
                r |= (uint64_t) (c & 0x7f) << (7 * i);

                if (c < 0x80) {
                    *v = r;
                    return p + i + 1;
                }
            }

            return NULL;
        }
    }

    r = 0;

    for (shift = 0; shift < 70; shift += 7) {
        if (p == end) {
            return NULL;
        }

        c = *p++;
        r |= (uint64_t) (c & 0x7f) << (shift < 64 ? shift : 0);

        if (!(c & 0x80)) {
            *v = r;
            return p;
        }
    }

    return NULL;
}


/* varints in a packed list: a byte below 0x80 ends each one */
static size_t
pprof_count_varints(const unsigned char *p, size_t len)
{
    size_t    i, n;
    uint64_t  w;

    n = 0;

    for (i = 0; i + 8 <= len; i += 8) {
        memcpy(&w, p + i, 8);

        /* a 1 in each byte that ends a varint, then their sum */
        w = (~w & 0x8080808080808080ULL) >> 7;
        n += (size_t) ((w * 0x0101010101010101ULL) >> 56);
    }

    for ( /* void */ ; i < len; i++) {
        n += p[i] < 0x80;
    }

    return n;
}


static inline uint32_t
pprof_idmap_lookup(const pprof_idmap_t *map, uint64_t id)
{
    if (id - 1 < map->identity) {
        return (uint32_t) (id - 1);
    }

    if (map->dense != NULL) {
        return id < map->ndense ? map->dense[id] : PPROF_NONE;
    }

    return pprof_idmap_find(map, id);
}


static int
pprof_pb_varint(pprof_pb_t *b, uint64_t *v)
{
    uint64_t  r;
    unsigned  shift;
    unsigned  c;

    if (b->p < b->end && *b->p < 0x80) {
        *v = *b->p++;
        return 0;
    }

    r = 0;

    for (shift = 0; shift < 70; shift += 7) {
        if (b->p == b->end) {
            return -1;
        }

        c = *b->p++;
        r |= (uint64_t) (c & 0x7f) << (shift < 64 ? shift : 0);

        if (!(c & 0x80)) {
            *v = r;
            return 0;
        }
    }

    return -1;
}


/*
 * 1: a field, 0: end of message, -1: malformed.  Inlined into every pass
 * (gcc keeps an out-of-line copy otherwise): its stores to *f and most
 * of the wire type switch then vanish, about 8% of a -top run.
 */
static inline PPROF_ALWAYS_INLINE int
pprof_pb_next(pprof_pb_t *b, pprof_pb_field_t *f)
{
    uint64_t  key, v;
    unsigned  i;

    if (b->p == b->end) {
        return 0;
    }

    b->p = pprof_varint_fast(b->p, b->end, &key);
    if (b->p == NULL) {
        return -1;
    }

    if ((key >> 3) == 0 || (key >> 3) > 0x1fffffff) {
        return -1;
    }

    f->field = (uint32_t) (key >> 3);
    f->wire = (uint32_t) (key & 7);
    f->v = 0;
    f->data = NULL;
    f->len = 0;

    switch (f->wire) {

    case PPROF_WIRE_VARINT:
        b->p = pprof_varint_fast(b->p, b->end, &f->v);
        return b->p != NULL ? 1 : -1;

    case PPROF_WIRE_FIXED64:
    case PPROF_WIRE_FIXED32:
        i = f->wire == PPROF_WIRE_FIXED64 ? 8 : 4;

        if ((size_t) (b->end - b->p) < i) {
            return -1;
        }

        v = 0;
        while (i--) {
            v = (v << 8) | b->p[i];
        }

        b->p += f->wire == PPROF_WIRE_FIXED64 ? 8 : 4;
        f->v = v;
        return 1;

    case PPROF_WIRE_LEN:
        b->p = pprof_varint_fast(b->p, b->end, &v);
        if (b->p == NULL || v > (uint64_t) (b->end - b->p)) {
            return -1;
        }

        f->data = b->p;
        f->len = (size_t) v;
        b->p += v;
        return 1;

    default:
        /* groups (3, 4) are not used by profile.proto */
        return -1;
    }
}


/*
 * Repeated integers, packed (one length-delimited field) or not (one
 * varint per field): the count in the field, or -1 if malformed.
 */
static int64_t
pprof_pb_count_ints(const pprof_pb_field_t *f)
{
    pprof_pb_t  b;
    uint64_t    v;
    int64_t     n;

    if (f->wire == PPROF_WIRE_VARINT) {
        return 1;
    }

    if (f->wire != PPROF_WIRE_LEN) {
        return -1;
    }

    b.p = f->data;
    b.end = f->data + f->len;

    for (n = 0; b.p < b.end; n++) {
        if (pprof_pb_varint(&b, &v) != 0) {
            return -1;
        }
    }

    return n;
}


/* a single integer field: it must be a varint */
#define pprof_pb_int(f)  ((f)->wire == PPROF_WIRE_VARINT)


static int
pprof_string(const pprof_profile_t *pr, uint64_t index, pprof_str_t *s)
{
    if (index >= pr->nstrings) {
        return -1;
    }

    *s = pr->strings[index];
    return 0;
}


/* --- ids to indexes --- */

static uint64_t
pprof_hash_u64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}


uint32_t
pprof_idmap_find(const pprof_idmap_t *map, uint64_t id)
{
    uint64_t  h;

    if (id - 1 < map->identity) {
        return (uint32_t) (id - 1);
    }

    if (map->dense != NULL) {
        return id < map->ndense ? map->dense[id] : PPROF_NONE;
    }

    /* 0 marks empty slots, and is no valid id */
    if (map->keys == NULL || id == 0) {
        return PPROF_NONE;
    }

    for (h = pprof_hash_u64(id) & map->mask; /* void */;
         h = (h + 1) & map->mask)
    {
        if (map->keys[h] == id) {
            return map->vals[h];
        }

        if (map->keys[h] == 0) {
            return PPROF_NONE;
        }
    }
}


/*
 * Builds the map of n ids (0 is reserved, duplicates are refused, as
 * pprof's CheckValid does).  Returns 0, or -1 with *bad set.
 */
static int
pprof_idmap_build(pprof_idmap_t *map, const uint64_t *ids, size_t n,
    const pprof_allocator_t *a, const char **bad)
{
    size_t    i;
    uint64_t  max, size, h;

    /* ids 1 to n in order, as Go writes them: no table to look up */
    for (i = 0; i < n && ids[i] == i + 1; i++) { /* void */ }

    if (i == n) {
        map->identity = n;
        return 0;
    }

    max = 0;

    for (i = 0; i < n; i++) {
        if (ids[i] == 0) {
            *bad = "reserved id 0";
            return -1;
        }

        if (ids[i] > max) {
            max = ids[i];
        }
    }

    if (max < 2 * (uint64_t) n + 1024) {
        map->ndense = max + 1;
        map->dense = pprof_alloc_n(a, (size_t) map->ndense, sizeof(uint32_t));
        if (map->dense == NULL) {
            *bad = "out of memory";
            return -1;
        }

        memset(map->dense, 0xff, (size_t) map->ndense * sizeof(uint32_t));

        for (i = 0; i < n; i++) {
            if (map->dense[ids[i]] != PPROF_NONE) {
                *bad = "duplicate id";
                return -1;
            }

            map->dense[ids[i]] = (uint32_t) i;
        }

        return 0;
    }

    for (size = 16; size < 2 * (uint64_t) n; size <<= 1) { /* void */ }

    map->mask = size - 1;
    map->keys = pprof_alloc_n(a, (size_t) size, sizeof(uint64_t));
    map->vals = pprof_alloc_n(a, (size_t) size, sizeof(uint32_t));
    if (map->keys == NULL || map->vals == NULL) {
        *bad = "out of memory";
        return -1;
    }

    memset(map->keys, 0, (size_t) size * sizeof(uint64_t));

    for (i = 0; i < n; i++) {
        for (h = pprof_hash_u64(ids[i]) & map->mask; map->keys[h] != 0;
             h = (h + 1) & map->mask)
        {
            if (map->keys[h] == ids[i]) {
                *bad = "duplicate id";
                return -1;
            }
        }

        map->keys[h] = ids[i];
        map->vals[h] = (uint32_t) i;
    }

    return 0;
}


static void
pprof_idmap_free(pprof_idmap_t *map, const pprof_allocator_t *a)
{
    pprof_free(a, map->dense);
    pprof_free(a, map->keys);
    pprof_free(a, map->vals);
}


/* --- inflate --- */

static voidpf
pprof_zalloc(voidpf opaque, uInt items, uInt size)
{
    return pprof_alloc_n(opaque, items, size);
}


static void
pprof_zfree(voidpf opaque, voidpf p)
{
    pprof_free(opaque, p);
}


/*
 * The gzip trailer's ISIZE: the size of the last member mod 2^32.
 * deflate cannot expand more than 1032:1, which bounds a lying one.
 */
static size_t
pprof_gzip_isize(const unsigned char *in, size_t len)
{
    size_t  isize;

    if (len < 18) {
        return 0;
    }

    isize = (size_t) in[len - 4] | (size_t) in[len - 3] << 8
            | (size_t) in[len - 2] << 16 | (size_t) in[len - 1] << 24;

    if (len < (size_t) -1 / 1032 && isize > len * 1032) {
        isize = len * 1032;
    }

    return isize;
}


/*
 * The fast path: libdeflate inflates a whole buffer about twice as fast
 * as zlib, but needs the output size up front: the ISIZE of the usual
 * single-member file, which libdeflate checks (with the CRC) against what
 * it really produced.  Anything else (several members, a lying ISIZE,
 * corrupt or truncated data, no memory) returns PPROF_DECLINED, and the
 * caller streams with zlib into the same buffer: zlib takes members one
 * by one, stops at max whatever the trailer says and words the precise
 * error; so hostile input costs at most one extra pass, bounded, and no
 * extra memory.
 */
static int
pprof_inflate_whole(unsigned char *buf, size_t size, const unsigned char *in,
    size_t len)
{
    size_t                             used, out;
    enum libdeflate_result             rc;
    struct libdeflate_decompressor    *d;

    /* malloc'ed: libdeflate 1.14 has no per-call allocator */
    d = libdeflate_alloc_decompressor();
    if (d == NULL) {
        return PPROF_DECLINED;
    }

    rc = libdeflate_gzip_decompress_ex(d, in, len, buf, size, &used, &out);

    libdeflate_free_decompressor(d);

    /* used < len: another member (or garbage) follows */
    if (rc != LIBDEFLATE_SUCCESS || used != len || out != size) {
        return PPROF_DECLINED;
    }

    return PPROF_OK;
}


static int
pprof_inflate(pprof_profile_t *pr, const unsigned char *in, size_t len,
    size_t max, pprof_error_t *err)
{
    int             rc;
    size_t          cap, hint, isize, out, ncap;
    z_stream        z;
    unsigned char  *buf, *nbuf;

    /* the ISIZE bounds a first allocation; a wrong hint only costs growth */
    hint = pprof_gzip_isize(in, len);
    isize = hint;

    if (hint < 4096) {
        hint = 4096;
    }

    if (hint > max) {
        hint = max;
    }

    /* one spare byte tells "exactly max" from "more than max" */
    cap = hint + 1;

    buf = pprof_alloc(&pr->allocator, cap);
    if (buf == NULL) {
        pprof_set_error(err, "out of memory");
        return PPROF_ERROR;
    }

    if (isize != 0 && isize < cap
        && pprof_inflate_whole(buf, isize, in, len) == PPROF_OK)
    {
        pr->inflated = buf;
        pr->buf = buf;
        pr->buflen = isize;

        return PPROF_OK;
    }

    memset(&z, 0, sizeof(z_stream));
    z.zalloc = pprof_zalloc;
    z.zfree = pprof_zfree;
    z.opaque = &pr->allocator;

    if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) {
        pprof_free(&pr->allocator, buf);
        pprof_set_error(err, "decompressing profile: inflateInit failed");
        return PPROF_ERROR;
    }

    z.next_in = (Bytef *) in;
    out = 0;

    for ( ;; ) {
        if (out == cap) {
            if (cap > max) {
                pprof_set_error(err, "decompressed profile exceeds %zu bytes",
                                max);
                goto failed;
            }

            ncap = cap - 1 > max / 2 ? max + 1 : 2 * (cap - 1) + 1;

            nbuf = pprof_alloc(&pr->allocator, ncap);
            if (nbuf == NULL) {
                pprof_set_error(err, "out of memory");
                goto failed;
            }

            memcpy(nbuf, buf, out);
            pprof_free(&pr->allocator, buf);
            buf = nbuf;
            cap = ncap;
        }

        /* zlib counts in uInt */
        z.avail_in = len - (size_t) (z.next_in - in) > 0x40000000
                     ? 0x40000000 : (uInt) (len - (size_t) (z.next_in - in));
        z.next_out = buf + out;
        z.avail_out = cap - out > 0x40000000 ? 0x40000000
                                             : (uInt) (cap - out);

        rc = inflate(&z, Z_NO_FLUSH);

        out = (size_t) (z.next_out - buf);

        if (out > max) {
            pprof_set_error(err, "decompressed profile exceeds %zu bytes",
                            max);
            goto failed;
        }

        if (rc == Z_STREAM_END) {
            /* concatenated gzip members, as Go's gzip reader accepts */
            if ((size_t) (z.next_in - in) == len) {
                break;
            }

            if (len - (size_t) (z.next_in - in) < 2
                || z.next_in[0] != 0x1f || z.next_in[1] != 0x8b)
            {
                pprof_set_error(err, "decompressing profile: "
                                "garbage after gzip data");
                goto failed;
            }

            if (inflateReset(&z) != Z_OK) {
                pprof_set_error(err, "decompressing profile: reset failed");
                goto failed;
            }

            continue;
        }

        if (rc == Z_BUF_ERROR && out < cap) {
            pprof_set_error(err, "decompressing profile: truncated data");
            goto failed;
        }

        if (rc != Z_OK && rc != Z_BUF_ERROR) {
            pprof_set_error(err, "decompressing profile: %s",
                            rc == Z_DATA_ERROR ? "corrupt data"
                            : rc == Z_MEM_ERROR ? "out of memory"
                            : "inflate failed");
            goto failed;
        }

        if ((size_t) (z.next_in - in) == len && out < cap
            && z.avail_in == 0)
        {
            /* all input consumed, room left, no stream end */
            pprof_set_error(err, "decompressing profile: truncated data");
            goto failed;
        }
    }

    inflateEnd(&z);

    pr->inflated = buf;
    pr->buf = buf;
    pr->buflen = out;

    return PPROF_OK;

failed:

    inflateEnd(&z);
    pprof_free(&pr->allocator, buf);

    return PPROF_ERROR;
}


/* --- the passes --- */

/* top-level field numbers of Profile */
enum {
    PPROF_F_SAMPLE_TYPE = 1,
    PPROF_F_SAMPLE,
    PPROF_F_MAPPING,
    PPROF_F_LOCATION,
    PPROF_F_FUNCTION,
    PPROF_F_STRING,
    PPROF_F_DROP_FRAMES,
    PPROF_F_KEEP_FRAMES,
    PPROF_F_TIME_NANOS,
    PPROF_F_DURATION_NANOS,
    PPROF_F_PERIOD_TYPE,
    PPROF_F_PERIOD,
    PPROF_F_COMMENT,
    PPROF_F_DEFAULT_SAMPLE_TYPE,
    PPROF_F_DOC_URL
};


typedef struct {
    size_t                   nsample_types;
    size_t                   ncomments;
    uint64_t                 drop_frames;
    uint64_t                 keep_frames;
    uint64_t                 default_sample_type;
    uint64_t                 doc_url;
    const unsigned char     *period_type;
    size_t                   period_type_len;
    int                      has_period_type;
    size_t                   nids;      /* location ids of all samples */
    size_t                   nstrbytes;
    size_t                   nlabelbytes;
    /* where the fields of each kind are: Go writes a kind all together,
     * so a pass over one kind reads that part only */
    const unsigned char     *from[PPROF_F_COMMENT + 1];
    const unsigned char     *to[PPROF_F_COMMENT + 1];
} pprof_counts_t;


/* the reader over the part with the fields of that kind, maybe others */
static void
pprof_pb_range(const pprof_counts_t *c, unsigned field, pprof_pb_t *b)
{
    b->p = c->from[field];
    b->end = c->to[field];
}


/* pass 1: framing of the top level, counts, scalar fields */
static int
pprof_pass_count(pprof_profile_t *pr, pprof_counts_t *c, pprof_error_t *err)
{
    int                   rc;
    int64_t               n;
    uint64_t              nlines;
    pprof_pb_t            b, lb;
    const char           *bad;
    pprof_info_t         *info;
    pprof_pb_field_t      f, lf;
    const unsigned char  *q;

    info = &pr->info;
    b.p = pr->buf;
    b.end = pr->buf + pr->buflen;

    for (q = b.p; (rc = pprof_pb_next(&b, &f)) == 1; q = b.p) {

        if (f.field <= PPROF_F_COMMENT) {
            if (c->from[f.field] == NULL) {
                c->from[f.field] = q;
            }

            c->to[f.field] = b.p;
        }

        if (f.field <= PPROF_F_STRING || f.field == PPROF_F_PERIOD_TYPE) {
            if (f.wire != PPROF_WIRE_LEN) {
                PPROF_BAD("wrong wire type of a message field");
            }

        } else if (f.field <= PPROF_F_DOC_URL && f.field != PPROF_F_COMMENT
                   && !pprof_pb_int(&f))
        {
            PPROF_BAD("wrong wire type of an integer field");
        }

        switch (f.field) {

        case PPROF_F_SAMPLE_TYPE:
            c->nsample_types++;
            break;

        case PPROF_F_SAMPLE:
            info->nsamples++;

            /* location ids get one exact allocation too: a varint ends
             * in each byte below 0x80 (pass 5 checks the framing) */
            lb.p = f.data;
            lb.end = f.data + f.len;

            for (q = lb.p; (rc = pprof_pb_next(&lb, &lf)) == 1; q = lb.p) {
                if (lf.field == 3) {
                    /* labels are copied as they are encoded */
                    c->nlabelbytes += (size_t) (lb.p - q);
                }

                if (lf.field != 1) {
                    continue;
                }

                if (lf.wire != PPROF_WIRE_LEN) {
                    c->nids++;
                    continue;
                }

                c->nids += pprof_count_varints(lf.data, lf.len);
            }

            if (rc < 0) {
                PPROF_BAD("malformed sample");
            }
            break;

        case PPROF_F_MAPPING:
            info->nmappings++;
            break;

        case PPROF_F_LOCATION:
            info->nlocations++;

            /* lines are counted here so they get one exact allocation */
            lb.p = f.data;
            lb.end = f.data + f.len;
            nlines = 0;

            while ((rc = pprof_pb_next(&lb, &lf)) == 1) {
                if (lf.field == 4) {
                    nlines++;
                }
            }

            if (rc < 0) {
                PPROF_BAD("malformed location");
            }

            pr->nlines += nlines ? nlines : 1;
            break;

        case PPROF_F_FUNCTION:
            info->nfunctions++;
            break;

        case PPROF_F_STRING:
            pr->nstrings++;
            c->nstrbytes += f.len;
            break;

        case PPROF_F_DROP_FRAMES:
            c->drop_frames = f.v;
            break;

        case PPROF_F_KEEP_FRAMES:
            c->keep_frames = f.v;
            break;

        case PPROF_F_TIME_NANOS:
            info->time_nanos = (int64_t) f.v;
            break;

        case PPROF_F_DURATION_NANOS:
            info->duration_nanos = (int64_t) f.v;
            break;

        case PPROF_F_PERIOD_TYPE:
            c->period_type = f.data;
            c->period_type_len = f.len;
            c->has_period_type = 1;
            break;

        case PPROF_F_PERIOD:
            info->period = (int64_t) f.v;
            break;

        case PPROF_F_COMMENT:
            n = pprof_pb_count_ints(&f);
            if (n < 0) {
                PPROF_BAD("malformed comment list");
            }

            c->ncomments += (size_t) n;
            break;

        case PPROF_F_DEFAULT_SAMPLE_TYPE:
            c->default_sample_type = f.v;
            break;

        case PPROF_F_DOC_URL:
            c->doc_url = f.v;
            break;

        default:
            break;
        }
    }

    if (rc < 0) {
        PPROF_BAD("truncated or malformed message");
    }

    /* indexes are kept in 32 bits */
    if (info->nsamples >= PPROF_NONE || info->nlocations >= PPROF_NONE
        || info->nfunctions >= PPROF_NONE || info->nmappings >= PPROF_NONE
        || pr->nlines >= PPROF_NONE || pr->nstrings >= PPROF_NONE
        || c->nids >= PPROF_NONE)
    {
        PPROF_BAD("too many entries");
    }

    return PPROF_OK;

failed:

    pprof_set_error(err, "malformed profile: %s", bad);
    return PPROF_ERROR;
}


static int
pprof_value_type(pprof_profile_t *pr, const unsigned char *data, size_t len,
    pprof_value_type_t *vt)
{
    int               rc;
    pprof_pb_t        b;
    pprof_pb_field_t  f;

    vt->type.data = "";
    vt->type.len = 0;
    vt->unit = vt->type;

    b.p = data;
    b.end = data + len;

    while ((rc = pprof_pb_next(&b, &f)) == 1) {
        if (f.field == 1 || f.field == 2) {
            if (!pprof_pb_int(&f)
                || pprof_string(pr, f.v, f.field == 1 ? &vt->type
                                                      : &vt->unit) != 0)
            {
                return -1;
            }
        }
    }

    return rc;
}


/* pass 2: the string table */
static int
pprof_pass_strings(pprof_profile_t *pr, const pprof_counts_t *c,
    pprof_error_t *err)
{
    char             *p;
    size_t            i, len;
    pprof_pb_t        b;
    pprof_pb_field_t  f;

    pprof_pb_range(c, PPROF_F_STRING, &b);
    i = 0;
    p = pr->strbuf;

    /* copied out, so that the encoded profile can go after parsing */
    while (pprof_pb_next(&b, &f) == 1) {
        if (f.field == PPROF_F_STRING) {
            memcpy(p, f.data, f.len);
            pr->strings[i].data = p;
            pr->strings[i].len = f.len;
            p += f.len;
            i++;
        }
    }

    if (pr->nstrings == 0 || pr->strings[0].len != 0) {
        pprof_set_error(err, "malformed profile: string_table[0] must be ''");
        return PPROF_ERROR;
    }

    len = 0;

    for (i = 0; i < pr->nstrings; i++) {
        if (pr->strings[i].len > len) {
            len = pr->strings[i].len;
        }
    }

    pr->longest_name = len;

    return PPROF_OK;
}


/* pass 3: sample types, comments, functions, mappings */
static int
pprof_pass_tables(pprof_profile_t *pr, pprof_counts_t *c, uint64_t *fids,
    uint64_t *mids, pprof_error_t *err)
{
    int                 rc;
    size_t              k, nst, ncom, nf, nm;
    uint64_t            v;
    pprof_pb_t          b, mb, pb;
    const char         *bad;
    pprof_info_t       *info;
    pprof_mapping_t    *m;
    pprof_function_t   *fn;
    pprof_pb_field_t    f, mf;

    static const unsigned  kinds[] = {
        PPROF_F_SAMPLE_TYPE, PPROF_F_COMMENT, PPROF_F_FUNCTION,
        PPROF_F_MAPPING
    };

    info = &pr->info;
    nst = ncom = nf = nm = 0;

    for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
        pprof_pb_range(c, kinds[k], &b);

        while (pprof_pb_next(&b, &f) == 1) {

            if (f.field != kinds[k]) {
                continue;
            }

            switch (f.field) {

            case PPROF_F_SAMPLE_TYPE:
                if (pprof_value_type(pr, f.data, f.len,
                                     &info->sample_types[nst++]) != 0)
                {
                    PPROF_BAD("bad sample type");
                }
                break;

            case PPROF_F_COMMENT:
                if (f.wire == PPROF_WIRE_VARINT) {
                    if (pprof_string(pr, f.v, &info->comments[ncom++]) != 0) {
                        PPROF_BAD("comment string index out of range");
                    }
                    break;
                }

                pb.p = f.data;
                pb.end = f.data + f.len;

                while (pb.p < pb.end) {
                    if (pprof_pb_varint(&pb, &v) != 0
                        || pprof_string(pr, v, &info->comments[ncom++]) != 0)
                    {
                        PPROF_BAD("comment string index out of range");
                    }
                }
                break;

            case PPROF_F_FUNCTION:
                fn = &pr->functions[nf];
                fids[nf++] = 0;
                fn->name = pr->strings[0];
                fn->system_name = fn->name;
                fn->filename = fn->name;

                mb.p = f.data;
                mb.end = f.data + f.len;

                while ((rc = pprof_pb_next(&mb, &mf)) == 1) {
                    if (mf.field > 5) {
                        continue;
                    }

                    if (!pprof_pb_int(&mf)) {
                        PPROF_BAD("bad function");
                    }

                    switch (mf.field) {
                    case 1:
                        fids[nf - 1] = mf.v;
                        break;
                    case 2:
                        rc = pprof_string(pr, mf.v, &fn->name);
                        break;
                    case 3:
                        rc = pprof_string(pr, mf.v, &fn->system_name);
                        break;
                    case 4:
                        rc = pprof_string(pr, mf.v, &fn->filename);
                        break;
                    default:
                        fn->start_line = (int64_t) mf.v;
                    }

                    if (rc != 1 && rc != 0) {
                        PPROF_BAD("function string index out of range");
                    }
                }

                if (rc < 0) {
                    PPROF_BAD("malformed function");
                }
                break;

            case PPROF_F_MAPPING:
                m = &pr->mappings[nm];
                mids[nm++] = 0;
                m->filename = pr->strings[0];
                m->build_id = m->filename;

                mb.p = f.data;
                mb.end = f.data + f.len;

                while ((rc = pprof_pb_next(&mb, &mf)) == 1) {
                    if (mf.field > 10) {
                        continue;
                    }

                    if (!pprof_pb_int(&mf)) {
                        PPROF_BAD("bad mapping");
                    }

                    switch (mf.field) {
                    case 1:
                        mids[nm - 1] = mf.v;
                        break;
                    case 2:
                        m->memory_start = mf.v;
                        break;
                    case 3:
                        m->memory_limit = mf.v;
                        break;
                    case 4:
                        m->file_offset = mf.v;
                        break;
                    case 5:
                        rc = pprof_string(pr, mf.v, &m->filename);
                        break;
                    case 6:
                        rc = pprof_string(pr, mf.v, &m->build_id);
                        break;
                    default:
                        /* has_functions and friends */
                        break;
                    }

                    if (rc != 1 && rc != 0) {
                        PPROF_BAD("mapping string index out of range");
                    }
                }

                if (rc < 0) {
                    PPROF_BAD("malformed mapping");
                }
                break;

            default:
                break;
            }
        }
    }

    if (c->has_period_type
        && pprof_value_type(pr, c->period_type, c->period_type_len,
                            &info->period_type) != 0)
    {
        PPROF_BAD("bad period type");
    }

    if (pprof_string(pr, c->drop_frames, &pr->drop_frames) != 0
        || pprof_string(pr, c->keep_frames, &pr->keep_frames) != 0
        || pprof_string(pr, c->default_sample_type,
                        &pr->default_sample_type) != 0
        || pprof_string(pr, c->doc_url, &pr->doc_url) != 0)
    {
        PPROF_BAD("string index out of range");
    }

    return PPROF_OK;

failed:

    pprof_set_error(err, "malformed profile: %s", bad);
    return PPROF_ERROR;
}


/* --- name nodes --- */

uint64_t
pprof_hash_str(const char *p, size_t len, uint64_t seed)
{
    uint64_t  h;

    h = 0xcbf29ce484222325ULL ^ seed;

    while (len--) {
        h ^= (unsigned char) *p++;
        h *= 0x100000001b3ULL;
    }

    return pprof_hash_u64(h);
}


typedef struct {
    uint32_t                *slots;     /* node index + 1, 0: empty */
    size_t                   mask;
} pprof_name_table_t;


/*
 * Finds or adds the name node with key (kind, key).  Function names merge
 * by name; mapping-made names by the mapping's file, as pprof keys such
 * nodes by object file.
 */
static uint32_t
pprof_name_node(pprof_profile_t *pr, pprof_name_table_t *t, unsigned kind,
    pprof_str_t key, pprof_str_t name, pprof_str_t full, pprof_str_t *keys)
{
    size_t    h;
    uint32_t  n;

    for (h = pprof_hash_str(key.data, key.len, kind) & t->mask;
         t->slots[h] != 0; h = (h + 1) & t->mask)
    {
        n = t->slots[h] - 1;

        if (pr->name_flags[n] == kind && keys[n].len == key.len
            && memcmp(keys[n].data, key.data, key.len) == 0)
        {
            return n;
        }
    }

    n = (uint32_t) pr->nnames++;
    t->slots[h] = n + 1;
    keys[n] = key;
    pr->names[n] = name;
    pr->full_names[n] = full;
    pr->name_flags[n] = (unsigned char) kind;

    if (name.len > pr->longest_name) {
        pr->longest_name = name.len;
    }

    return n;
}


/* Go's filepath.Base */
static pprof_str_t
pprof_base(pprof_str_t s)
{
    size_t  i;

    while (s.len > 1 && s.data[s.len - 1] == '/') {
        s.len--;
    }

    for (i = s.len; i > 0 && s.data[i - 1] != '/'; i--) { /* void */ }

    if (s.len > 1 || i == 0) {
        s.data += i;
        s.len -= i;
    }

    return s;
}


/*
 * pprof's symbolizer heuristic for names already demangled
 * (looksLikeDemangledCPlusPlus): not Java's "class.<init>", not Go's
 * "pkg.(*T[...]).M", but anything with "<>[]" or "::".
 */
static int
pprof_looks_demangled(pprof_str_t s)
{
    size_t  i;

    for (i = 0; i + 1 < s.len; i++) {
        if (s.data[i] == '.' && s.data[i + 1] == '<') {
            return 0;
        }

        if (i + 2 < s.len && s.data[i] == ']' && s.data[i + 1] == ')'
            && s.data[i + 2] == '.')
        {
            return 0;
        }
    }

    for (i = 0; i < s.len; i++) {
        switch (s.data[i]) {
        case '<': case '>': case '[': case ']':
            return 1;
        case ':':
            if (i + 1 < s.len && s.data[i + 1] == ':') {
                return 1;
            }
        }
    }

    return 0;
}


/* pprof's removeMatching: nested open..close removed in place; returns
 * the new length (what was removed before a mismatch stays removed) */
static size_t
pprof_remove_matching(char *s, size_t len, char open, char close)
{
    size_t  cur, first, nesting;

    nesting = 0;
    first = 0;

    for (cur = 0; cur < len; cur++) {
        if (s[cur] == open) {
            if (nesting++ == 0) {
                first = cur;
            }

        } else if (s[cur] == close) {
            if (nesting == 0) {
                return len;
            }

            if (--nesting == 0) {
                memmove(s + first, s + cur + 1, len - cur - 1);
                len -= cur + 1 - first;
                cur = first;
                cur--;
            }
        }
    }

    return len;
}


/*
 * The name `go tool pprof` shows for function i with its default
 * symbolization (demangleSingleFunction without a demangler): a name
 * that differs from the system name is kept; else the system name,
 * without argument lists and template parameters when it looks like
 * demangled C++.  *full is the name before that.  p: room for the copy.
 */
static pprof_str_t
pprof_display_name(const pprof_function_t *fn, int demangled, char **p,
    pprof_str_t *full)
{
    pprof_str_t  name, sys;

    name = fn->name;
    sys = fn->system_name;
    *full = name;

    if (name.len && (name.len != sys.len
                     || memcmp(name.data, sys.data, sys.len) != 0))
    {
        return name;
    }

    *full = sys;

    if (!demangled) {
        return sys;
    }

    name.data = *p;
    memcpy(*p, sys.data, sys.len);
    name.len = pprof_remove_matching(*p, sys.len, '(', ')');
    name.len = pprof_remove_matching(*p, name.len, '<', '>');
    *p += name.len;

    return name;
}


static int
pprof_build_names(pprof_profile_t *pr, uint32_t *fnodes, uint32_t *unknown,
    pprof_error_t *err)
{
    char                *p, *d;
    size_t               i, n, size, synth;
    pprof_str_t          name, key, base, full, *keys;
    pprof_name_table_t   t;

    n = pr->info.nfunctions + pr->info.nmappings + 1;

    for (size = 16; size < 2 * n; size <<= 1) { /* void */ }

    synth = sizeof(pprof_unknown_name);
    for (i = 0; i < pr->info.nmappings; i++) {
        synth += pprof_base(pr->mappings[i].filename).len + 2;
    }

    /* room for the simplified names; fnodes holds whether each system
     * name looks demangled until it gets the function's node, so the
     * scan is done once a function */
    for (i = 0; i < pr->info.nfunctions; i++) {
        fnodes[i] = (uint32_t) pprof_looks_demangled(
                                              pr->functions[i].system_name);
        if (fnodes[i]) {
            synth += pr->functions[i].system_name.len;
        }
    }

    t.mask = size - 1;
    t.slots = pprof_alloc_n(&pr->allocator, size, sizeof(uint32_t));
    keys = pprof_alloc_n(&pr->allocator, n, sizeof(pprof_str_t));
    pr->names = pprof_alloc_n(&pr->allocator, n, sizeof(pprof_str_t));
    pr->full_names = pprof_alloc_n(&pr->allocator, n, sizeof(pprof_str_t));
    pr->name_flags = pprof_alloc(&pr->allocator, n);
    pr->synth = pprof_alloc(&pr->allocator, synth);

    if (t.slots == NULL || keys == NULL || pr->names == NULL
        || pr->full_names == NULL || pr->name_flags == NULL
        || pr->synth == NULL)
    {
        pprof_free(&pr->allocator, t.slots);
        pprof_free(&pr->allocator, keys);
        pprof_set_error(err, "out of memory");
        return PPROF_ERROR;
    }

    memset(t.slots, 0, size * sizeof(uint32_t));

    /*
     * Names as `go tool pprof` shows them with its default symbolization:
     * "(...)" and "<...>" stripped from names that look like demangled
     * C++ or Rust (pprof_display_name); functions merge by that name.
     * The simplified copies go after the synthetic names.
     */
    d = pr->synth + synth;
    for (i = 0; i < pr->info.nfunctions; i++) {
        if (fnodes[i]) {
            d -= pr->functions[i].system_name.len;
        }
    }

    for (i = 0; i < pr->info.nfunctions; i++) {
        name = pprof_display_name(&pr->functions[i], (int) fnodes[i], &d,
                                  &full);

        /* pprof names an unnamed function after its location's mapping */
        fnodes[i] = name.len ? pprof_name_node(pr, &t, 0, name, name, full,
                                               keys)
                             : PPROF_NONE;
    }

    p = pr->synth;
    memcpy(p, pprof_unknown_name, sizeof(pprof_unknown_name));
    name.data = p;
    name.len = sizeof(pprof_unknown_name) - 1;
    p += sizeof(pprof_unknown_name);
    key.data = "";
    key.len = 0;

    *unknown = pprof_name_node(pr, &t, PPROF_NAME_SYNTH, key, name, name,
                               keys);

    for (i = 0; i < pr->info.nmappings; i++) {
        key = pr->mappings[i].filename;

        if (key.len == 0) {
            pr->mappings[i].node = *unknown;
            continue;
        }

        base = pprof_base(key);
        name.data = p;
        name.len = base.len + 2;
        *p++ = '[';
        memcpy(p, base.data, base.len);
        p += base.len;
        *p++ = ']';

        pr->mappings[i].node = pprof_name_node(pr, &t, PPROF_NAME_SYNTH, key,
                                               name, name, keys);
    }

    pprof_free(&pr->allocator, t.slots);
    pprof_free(&pr->allocator, keys);

    return PPROF_OK;
}


/* pass 4: locations and their lines */
static int
pprof_pass_locations(pprof_profile_t *pr, const pprof_counts_t *c,
    const pprof_idmap_t *fmap, const pprof_idmap_t *mmap,
    const uint32_t *fnodes, uint32_t unknown, uint64_t *lids,
    pprof_error_t *err)
{
    int                 rc, lrc;
    size_t              nl, nline;
    uint32_t            fi, node;
    uint64_t            fid;
    pprof_pb_t          b, mb, lb;
    const char         *bad;
    pprof_line_t       *ln;
    pprof_location_t   *loc;
    pprof_pb_field_t    f, mf, lf;

    pprof_pb_range(c, PPROF_F_LOCATION, &b);
    nl = 0;
    nline = 0;

    while (pprof_pb_next(&b, &f) == 1) {
        if (f.field != PPROF_F_LOCATION) {
            continue;
        }

        loc = &pr->locations[nl];
        lids[nl++] = 0;
        loc->mapping = PPROF_NONE;
        loc->line = (uint32_t) nline;

        /* fields in any order: the mapping first, lines need it */
        mb.p = f.data;
        mb.end = f.data + f.len;

        while ((rc = pprof_pb_next(&mb, &mf)) == 1) {
            if (mf.field == 1 || mf.field == 2 || mf.field == 3
                || mf.field == 5)
            {
                if (!pprof_pb_int(&mf)) {
                    PPROF_BAD("bad location");
                }

                if (mf.field == 1) {
                    lids[nl - 1] = mf.v;

                } else if (mf.field == 2) {
                    /* an unknown mapping id is no mapping, as in pprof */
                    loc->mapping = mf.v ? pprof_idmap_find(mmap, mf.v)
                                        : PPROF_NONE;

                } else if (mf.field == 3) {
                    loc->address = mf.v;
                }

            } else if (mf.field == 4 && mf.wire != PPROF_WIRE_LEN) {
                PPROF_BAD("bad location line");
            }
        }

        node = loc->mapping == PPROF_NONE ? unknown
                                          : pr->mappings[loc->mapping].node;

        mb.p = f.data;

        while (pprof_pb_next(&mb, &mf) == 1) {
            if (mf.field != 4) {
                continue;
            }

            if (nline == pr->nlines) {
                PPROF_BAD("line count changed");
            }

            ln = &pr->lines[nline++];
            ln->line = 0;
            fid = 0;

            lb.p = mf.data;
            lb.end = mf.data + mf.len;

            while ((lrc = pprof_pb_next(&lb, &lf)) == 1) {
                if (lf.field > 3) {
                    continue;
                }

                if (!pprof_pb_int(&lf)) {
                    PPROF_BAD("bad line");
                }

                if (lf.field == 1) {
                    fid = lf.v;

                } else if (lf.field == 2) {
                    ln->line = (int64_t) lf.v;
                }
            }

            if (lrc < 0) {
                PPROF_BAD("malformed line");
            }

            fi = fid ? pprof_idmap_find(fmap, fid) : PPROF_NONE;
            if (fi == PPROF_NONE) {
                PPROF_BAD("line refers to an unknown function");
            }

            ln->function = fi;
            ln->node = fnodes[fi] != PPROF_NONE ? fnodes[fi] : node;
        }

        loc->nlines = (uint32_t) (nline - loc->line);

        if (loc->nlines == 0) {
            /* address only: one synthetic line named after the mapping */
            if (nline == pr->nlines) {
                PPROF_BAD("line count changed");
            }

            ln = &pr->lines[nline++];
            ln->node = node;
            ln->function = PPROF_NONE;
            ln->line = 0;
            loc->nlines = 1;
        }
    }

    return PPROF_OK;

failed:

    pprof_set_error(err, "malformed profile: %s (location #%zu)", bad, nl);
    return PPROF_ERROR;
}


/*
 * pass 5: samples are validated; their location indexes and values are
 * decoded into profile->stacks and ->values, their labels stay encoded
 */
static int
pprof_pass_samples(pprof_profile_t *pr, const pprof_counts_t *c,
    pprof_error_t *err)
{
    int                   rc;
    size_t                ns, nids, nvalues, ntypes, depth, nlb;
    uint32_t              li;
    uint64_t              v, key, str;
    int64_t              *values;
    pprof_pb_t            b, sb, pb, lb;
    const char           *bad;
    pprof_pb_field_t      f, sf, lf;
    const unsigned char  *q;

    static const char   base[] = "pprof::base";

    pprof_pb_range(c, PPROF_F_SAMPLE, &b);
    ns = 0;
    nids = 0;
    nlb = 0;
    ntypes = pr->info.nsample_types;

    while (pprof_pb_next(&b, &f) == 1) {
        if (f.field != PPROF_F_SAMPLE) {
            continue;
        }

        if (f.len > PPROF_SAMPLE_LEN) {
            PPROF_BAD("sample too large");
        }

        pr->samples[ns].off = (uint32_t) nlb;
        pr->samples[ns].len = 0;
        pr->samples[ns].stack = (uint32_t) nids;
        values = pr->values + ns * ntypes;
        ns++;

        nvalues = 0;
        sb.p = f.data;
        sb.end = f.data + f.len;

        for (q = sb.p; (rc = pprof_pb_next(&sb, &sf)) == 1; q = sb.p) {

            switch (sf.field) {

            case 1:
            case 2:
                if (sf.wire == PPROF_WIRE_VARINT) {
                    pb.p = NULL;
                    pb.end = NULL;
                    v = sf.v;
                    goto one;
                }

                if (sf.wire != PPROF_WIRE_LEN) {
                    PPROF_BAD("bad sample");
                }

                pb.p = sf.data;
                pb.end = sf.data + sf.len;

                while (pb.p < pb.end) {
                    pb.p = pprof_varint_fast(pb.p, pb.end, &v);
                    if (pb.p == NULL) {
                        PPROF_BAD("malformed packed list");
                    }

                one:

                    if (sf.field == 2) {
                        if (nvalues < ntypes) {
                            values[nvalues] = (int64_t) v;
                        }

                        nvalues++;
                        continue;
                    }

                    li = pprof_idmap_lookup(&pr->location_ids, v);
                    if (li == PPROF_NONE) {
                        PPROF_BAD("sample refers to an unknown location");
                    }

                    if (nids == pr->nstacks) {
                        PPROF_BAD("location count changed");
                    }

                    pr->stacks[nids++] = li;
                }
                break;

            case 3:
                if (sf.wire != PPROF_WIRE_LEN) {
                    PPROF_BAD("bad label");
                }

                lb.p = sf.data;
                lb.end = sf.data + sf.len;
                key = 0;
                str = 0;

                while ((rc = pprof_pb_next(&lb, &lf)) == 1) {
                    if (lf.field > 4) {
                        continue;
                    }

                    if (!pprof_pb_int(&lf)) {
                        PPROF_BAD("bad label");
                    }

                    if (lf.field != 3 && lf.v >= pr->nstrings) {
                        PPROF_BAD("label string index out of range");
                    }

                    if (lf.field == 1) {
                        key = lf.v;

                    } else if (lf.field == 2) {
                        str = lf.v;
                    }
                }

                if (rc < 0) {
                    PPROF_BAD("malformed label");
                }

                /* the field as it is encoded, for pprof_sample_labels() */
                if ((size_t) (sb.p - q) > pr->nlabels - nlb) {
                    PPROF_BAD("label size changed");
                }

                memcpy(pr->labels + nlb, q, (size_t) (sb.p - q));
                nlb += (size_t) (sb.p - q);
                pr->samples[ns - 1].len += (uint32_t) (sb.p - q);

                if (pr->strings[key].len == sizeof(base) - 1
                    && memcmp(pr->strings[key].data, base, sizeof(base) - 1)
                       == 0
                    && pr->strings[str].len == 4
                    && memcmp(pr->strings[str].data, "true", 4) == 0)
                {
                    pr->samples[ns - 1].len |= PPROF_SAMPLE_BASE;
                }
                break;

            default:
                break;
            }
        }

        if (rc < 0) {
            PPROF_BAD("malformed sample");
        }

        if (nvalues != ntypes) {
            pprof_set_error(err, "malformed profile: sample #%zu has %zu "
                            "values vs. %zu types", ns - 1, nvalues, ntypes);
            return PPROF_ERROR;
        }

        depth = nids - pr->samples[ns - 1].stack;
        pr->samples[ns - 1].depth = (uint32_t) depth;

        if (depth > pr->max_depth) {
            pr->max_depth = depth;
        }
    }

    return PPROF_OK;

failed:

    pprof_set_error(err, "malformed profile: %s (sample #%zu)", bad,
                    ns ? ns - 1 : 0);
    return PPROF_ERROR;
}


void
pprof_labels_begin(const pprof_profile_t *profile, size_t i,
    pprof_labels_t *it)
{
    it->p = profile->labels + profile->samples[i].off;
    it->end = it->p + (profile->samples[i].len & PPROF_SAMPLE_LEN);
}


int
pprof_labels_next(const pprof_profile_t *profile, pprof_labels_t *it,
    pprof_label_t *l)
{
    pprof_pb_t            sb, lb;
    pprof_pb_field_t      sf, lf;

    sb.p = it->p;
    sb.end = it->end;

    while (pprof_pb_next(&sb, &sf) == 1) {
        it->p = sb.p;

        if (sf.field != 3 || sf.wire != PPROF_WIRE_LEN) {
            continue;
        }

        memset(l, 0, sizeof(pprof_label_t));
        lb.p = sf.data;
        lb.end = sf.data + sf.len;

        while (pprof_pb_next(&lb, &lf) == 1) {
            switch (lf.field) {
            case 1:
                l->key = lf.v;
                break;
            case 2:
                l->str = lf.v;
                break;
            case 3:
                l->num = (int64_t) lf.v;
                break;
            case 4:
                l->unit = lf.v;
                break;
            }
        }

        if (l->key >= profile->nstrings || l->str >= profile->nstrings
            || l->unit >= profile->nstrings)
        {
            continue;
        }

        /* as pprof decodes it (profile.postDecode) */
        if (l->str == 0 && l->num == 0 && l->unit == 0) {
            continue;
        }

        l->is_num = l->str == 0;

        return 1;
    }

    it->p = it->end;

    return 0;
}


size_t
pprof_sample_labels(const pprof_profile_t *profile, size_t i, char *buf,
    size_t size)
{
    char             tmp[64];
    size_t           len;
    pprof_str_t      s, unit;
    pprof_label_t    l;
    pprof_labels_t   it;

    len = 0;
    pprof_labels_begin(profile, i, &it);

    while (pprof_labels_next(profile, &it, &l)) {
        /* "k=v"; numeric labels "k=N" or "k=N unit" */
        s = profile->strings[l.key];
        if (len) {
            if (buf && len < size) {
                buf[len] = ' ';
            }
            len++;
        }

        if (buf && len + s.len < size) {
            memcpy(buf + len, s.data, s.len);
        }
        len += s.len;

        if (buf && len < size) {
            buf[len] = '=';
        }
        len++;

        if (l.is_num) {
            unit = profile->strings[l.unit];
            s.len = (size_t) snprintf(tmp, sizeof(tmp), "%lld%s%.*s",
                                      (long long) l.num, unit.len ? " " : "",
                                      (int) (unit.len < 32 ? unit.len : 0),
                                      unit.data);
            s.data = tmp;

        } else {
            s = profile->strings[l.str];
        }

        if (buf && len + s.len < size) {
            memcpy(buf + len, s.data, s.len);
        }
        len += s.len;
    }

    return len;
}


uint64_t
pprof_sample_labels_hash(const pprof_profile_t *profile, size_t i)
{
    uint64_t         h, lh;
    pprof_label_t    l;
    pprof_labels_t   it;

    h = 0;
    pprof_labels_begin(profile, i, &it);

    while (pprof_labels_next(profile, &it, &l)) {
        /* by content, and summed: the order of labels does not matter */
        lh = pprof_hash_str(profile->strings[l.key].data,
                            profile->strings[l.key].len, 1);
        lh ^= pprof_hash_str(profile->strings[l.str].data,
                             profile->strings[l.str].len, 2) * 3;
        lh ^= pprof_hash_str(profile->strings[l.unit].data,
                             profile->strings[l.unit].len, 3) * 5;
        lh ^= pprof_hash_u64((uint64_t) l.num + 0x9e3779b97f4a7c15ULL) * 7;
        h += pprof_hash_u64(lh);
    }

    return h;
}


typedef struct {
    pprof_str_t              key;
    pprof_str_t              unit;
    size_t                   seq;
} pprof_num_unit_sort_t;


/* by key; a unit before none; then in sample order */
static int
pprof_cmp_num_unit(const void *one, const void *two)
{
    int                           rc;
    const pprof_num_unit_sort_t  *a, *b;

    a = one;
    b = two;

    rc = pprof_str_cmp(a->key, b->key);
    if (rc != 0) {
        return rc;
    }

    if ((a->unit.len == 0) != (b->unit.len == 0)) {
        return a->unit.len == 0 ? 1 : -1;
    }

    return a->seq < b->seq ? -1 : a->seq > b->seq;
}


int
pprof_num_label_units(const pprof_profile_t *profile,
    const pprof_allocator_t *a, pprof_num_unit_t **units, size_t *n)
{
    size_t                   i, k, m;
    pprof_label_t            l;
    pprof_labels_t           it;
    pprof_num_unit_t        *u;
    pprof_num_unit_sort_t   *all;

    *units = NULL;
    *n = 0;

    m = 0;
    for (i = 0; i < profile->info.nsamples; i++) {
        pprof_labels_begin(profile, i, &it);

        while (pprof_labels_next(profile, &it, &l)) {
            m += l.is_num;
        }
    }

    all = pprof_alloc_n(a, m ? m : 1, sizeof(pprof_num_unit_sort_t));
    u = pprof_alloc_n(a, m ? m : 1, sizeof(pprof_num_unit_t));
    if (all == NULL || u == NULL) {
        pprof_free(a, all);
        pprof_free(a, u);
        return PPROF_ERROR;
    }

    m = 0;
    for (i = 0; i < profile->info.nsamples; i++) {
        pprof_labels_begin(profile, i, &it);

        while (pprof_labels_next(profile, &it, &l)) {
            if (l.is_num) {
                all[m].key = profile->strings[l.key];
                all[m].unit = profile->strings[l.unit];
                all[m].seq = m;
                m++;
            }
        }
    }

    qsort(all, m, sizeof(pprof_num_unit_sort_t), pprof_cmp_num_unit);

    k = 0;
    for (i = 0; i < m; i++) {
        if (k > 0 && pprof_str_cmp(u[k - 1].key, all[i].key) == 0) {
            continue;
        }

        u[k].key = all[i].key;
        u[k].unit = all[i].unit;

        if (u[k].unit.len == 0) {
            u[k].unit = (pprof_str_is(u[k].key, "alignment")
                         || pprof_str_is(u[k].key, "request"))
                        ? pprof_cstr("bytes") : u[k].key;
        }

        k++;
    }

    pprof_free(a, all);
    *units = u;
    *n = k;

    return PPROF_OK;
}


pprof_str_t
pprof_num_unit_find(const pprof_num_unit_t *units, size_t n, pprof_str_t key)
{
    int     rc;
    size_t  lo, hi, mid;

    lo = 0;
    hi = n;

    while (lo < hi) {
        mid = lo + (hi - lo) / 2;
        rc = pprof_str_cmp(units[mid].key, key);

        if (rc == 0) {
            return units[mid].unit;
        }

        if (rc < 0) {
            lo = mid + 1;

        } else {
            hi = mid;
        }
    }

    return key;
}


static void
pprof_profile_release(pprof_profile_t *pr)
{
    const pprof_allocator_t  *a;

    a = &pr->allocator;

    pprof_free(a, pr->inflated);
    pprof_free(a, pr->strbuf);
    pprof_free(a, pr->labels);
    pprof_free(a, pr->strings);
    pprof_free(a, pr->functions);
    pprof_free(a, pr->mappings);
    pprof_free(a, pr->locations);
    pprof_free(a, pr->lines);
    pprof_free(a, pr->samples);
    pprof_free(a, pr->stacks);
    pprof_free(a, pr->values);
    pprof_free(a, pr->names);
    pprof_free(a, pr->full_names);
    pprof_free(a, pr->name_flags);
    pprof_free(a, pr->synth);
    pprof_free(a, pr->info.sample_types);
    pprof_free(a, pr->info.comments);
    pprof_idmap_free(&pr->location_ids, a);
    pprof_profile_free(pr->parts[0]);
    pprof_profile_free(pr->parts[1]);
    pprof_free(a, pr);
}


pprof_profile_t *
pprof_profile_parse(const void *data, size_t len,
    const pprof_limits_t *limits, const pprof_allocator_t *allocator,
    pprof_error_t *err)
{
    size_t                i, max, n;
    uint32_t              unknown, *fnodes;
    uint64_t             *ids;
    const char           *bad;
    pprof_info_t         *info;
    pprof_idmap_t         fmap, mmap;
    pprof_counts_t        c;
    pprof_profile_t      *pr;
    const unsigned char  *in;

    in = data;
    max = limits && limits->max_inflated ? limits->max_inflated
                                         : PPROF_DEFAULT_MAX_INFLATED;

    /* sample offsets are 32-bit */
    if (max > 0xffffffffU) {
        max = 0xffffffffU;
    }

    if (len == 0) {
        pprof_set_error(err, "empty profile");
        return NULL;
    }

    pr = pprof_alloc(allocator, sizeof(pprof_profile_t));
    if (pr == NULL) {
        pprof_set_error(err, "out of memory");
        return NULL;
    }

    memset(pr, 0, sizeof(pprof_profile_t));
    memset(&fmap, 0, sizeof(pprof_idmap_t));
    memset(&mmap, 0, sizeof(pprof_idmap_t));
    memset(&c, 0, sizeof(pprof_counts_t));
    pr->allocator = *allocator;
    info = &pr->info;
    ids = NULL;
    fnodes = NULL;

    if (len >= 2 && in[0] == 0x1f && in[1] == 0x8b) {
        if (pprof_inflate(pr, in, len, max, err) != PPROF_OK) {
            goto failed;
        }

    } else {
        if (len > max) {
            pprof_set_error(err, "profile exceeds %zu bytes", max);
            goto failed;
        }

        /* parsed in place: what stays is copied out */
        pr->buf = in;
        pr->buflen = len;
    }

    info->inflated_size = pr->buflen;

    if (pprof_pass_count(pr, &c, err) != PPROF_OK) {
        goto failed;
    }

    info->nsample_types = c.nsample_types;
    info->ncomments = c.ncomments;

    pr->strings = pprof_alloc_n(allocator, pr->nstrings, sizeof(pprof_str_t));
    info->sample_types = pprof_alloc_n(allocator, c.nsample_types,
                                       sizeof(pprof_value_type_t));
    info->comments = pprof_alloc_n(allocator, c.ncomments,
                                   sizeof(pprof_str_t));
    pr->functions = pprof_alloc_n(allocator, info->nfunctions,
                                  sizeof(pprof_function_t));
    pr->mappings = pprof_alloc_n(allocator, info->nmappings,
                                 sizeof(pprof_mapping_t));
    pr->locations = pprof_alloc_n(allocator, info->nlocations,
                                  sizeof(pprof_location_t));
    pr->lines = pprof_alloc_n(allocator, pr->nlines, sizeof(pprof_line_t));
    pr->samples = pprof_alloc_n(allocator, info->nsamples,
                                sizeof(pprof_sample_ref_t));
    pr->strbuf = pprof_alloc(allocator, c.nstrbytes);
    pr->labels = pprof_alloc(allocator, c.nlabelbytes);
    pr->nlabels = c.nlabelbytes;
    pr->nstacks = c.nids;
    pr->stacks = pprof_alloc_n(allocator, c.nids, sizeof(uint32_t));
    pr->values = pprof_alloc_n(allocator, info->nsamples,
                               c.nsample_types * sizeof(int64_t));

    /* ids of whichever table is being decoded, then dropped */
    n = info->nfunctions;
    if (info->nmappings > n) {
        n = info->nmappings;
    }
    if (info->nlocations > n) {
        n = info->nlocations;
    }

    ids = pprof_alloc_n(allocator, n, sizeof(uint64_t));
    fnodes = pprof_alloc_n(allocator, info->nfunctions, sizeof(uint32_t));

    if (pr->strings == NULL || info->sample_types == NULL
        || info->comments == NULL || pr->functions == NULL
        || pr->mappings == NULL || pr->locations == NULL || pr->lines == NULL
        || pr->samples == NULL || pr->stacks == NULL || pr->values == NULL
        || pr->strbuf == NULL || pr->labels == NULL || ids == NULL
        || fnodes == NULL)
    {
        goto nomem;
    }

    memset(pr->functions, 0, info->nfunctions * sizeof(pprof_function_t));
    memset(pr->mappings, 0, info->nmappings * sizeof(pprof_mapping_t));
    memset(pr->locations, 0, info->nlocations * sizeof(pprof_location_t));
    if (pprof_pass_strings(pr, &c, err) != PPROF_OK) {
        goto failed;
    }

    info->period_type.type = pr->strings[0];
    info->period_type.unit = pr->strings[0];

    /* functions' ids go to ids, mappings' to mids */
    {
        uint64_t  *mids;

        mids = pprof_alloc_n(allocator, info->nmappings, sizeof(uint64_t));
        if (mids == NULL) {
            goto nomem;
        }

        if (pprof_pass_tables(pr, &c, ids, mids, err) != PPROF_OK) {
            pprof_free(allocator, mids);
            goto failed;
        }

        if (pprof_idmap_build(&mmap, mids, info->nmappings, allocator, &bad)
            != 0)
        {
            pprof_free(allocator, mids);
            pprof_set_error(err, "malformed profile: mapping: %s", bad);
            goto failed;
        }

        pprof_free(allocator, mids);
    }

    if (pprof_idmap_build(&fmap, ids, info->nfunctions, allocator, &bad)
        != 0)
    {
        pprof_set_error(err, "malformed profile: function: %s", bad);
        goto failed;
    }

    if (info->nmappings) {
        info->main_binary = pr->mappings[0].filename;
        pr->build_id = pr->mappings[0].build_id;

    } else {
        info->main_binary = pr->strings[0];
        pr->build_id = pr->strings[0];
    }

    if (pprof_build_names(pr, fnodes, &unknown, err) != PPROF_OK) {
        goto failed;
    }

    if (pprof_pass_locations(pr, &c, &fmap, &mmap, fnodes, unknown, ids,
                             err)
        != PPROF_OK)
    {
        goto failed;
    }

    if (pprof_idmap_build(&pr->location_ids, ids, info->nlocations,
                          allocator, &bad)
        != 0)
    {
        pprof_set_error(err, "malformed profile: location: %s", bad);
        goto failed;
    }

    pprof_idmap_free(&fmap, allocator);
    pprof_idmap_free(&mmap, allocator);
    memset(&fmap, 0, sizeof(pprof_idmap_t));
    memset(&mmap, 0, sizeof(pprof_idmap_t));
    pprof_free(allocator, ids);
    pprof_free(allocator, fnodes);
    ids = NULL;
    fnodes = NULL;

    if (info->nsamples && info->nsample_types == 0) {
        pprof_set_error(err, "malformed profile: "
                        "missing sample type information");
        goto failed;
    }

    if (pprof_pass_samples(pr, &c, err) != PPROF_OK) {
        goto failed;
    }

    /* nothing refers to the encoded profile any more */
    pprof_free(allocator, pr->inflated);
    pr->inflated = NULL;
    pr->buf = NULL;

    /* default_sample_type if set and known, else the last */
    info->default_sample = info->nsample_types ? info->nsample_types - 1 : 0;

    if (pr->default_sample_type.len) {
        for (i = 0; i < info->nsample_types; i++) {
            if (info->sample_types[i].type.len == pr->default_sample_type.len
                && memcmp(info->sample_types[i].type.data,
                          pr->default_sample_type.data,
                          pr->default_sample_type.len) == 0)
            {
                info->default_sample = i;
                break;
            }
        }
    }

    return pr;

nomem:

    pprof_set_error(err, "out of memory");

failed:

    pprof_idmap_free(&fmap, allocator);
    pprof_idmap_free(&mmap, allocator);
    pprof_free(allocator, ids);
    pprof_free(allocator, fnodes);
    pprof_profile_release(pr);

    return NULL;
}


const pprof_info_t *
pprof_profile_info(const pprof_profile_t *profile)
{
    return &profile->info;
}


void
pprof_profile_free(pprof_profile_t *profile)
{
    if (profile != NULL) {
        pprof_profile_release(profile);
    }
}


int
pprof_sample_index(const pprof_profile_t *profile, const char *name)
{
    size_t              i, len;
    const char         *p, *noinuse;
    unsigned long long  n;
    const pprof_info_t *info;

    info = &profile->info;

    if (name == NULL || name[0] == '\0') {
        return info->nsample_types ? (int) info->default_sample : -1;
    }

    /* pprof also takes an index, and "inuse_" for legacy "space" types */
    n = 0;
    for (p = name; *p >= '0' && *p <= '9' && n < 1000000; p++) {
        n = n * 10 + (unsigned long long) (*p - '0');
    }

    if (*p == '\0') {
        return n < info->nsample_types ? (int) n : -1;
    }

    len = strlen(name);
    noinuse = strncmp(name, "inuse_", 6) == 0 ? name + 6 : name;

    for (i = 0; i < info->nsample_types; i++) {
        if ((info->sample_types[i].type.len == len
             && memcmp(info->sample_types[i].type.data, name, len) == 0)
            || (info->sample_types[i].type.len == strlen(noinuse)
                && memcmp(info->sample_types[i].type.data, noinuse,
                          strlen(noinuse)) == 0))
        {
            return (int) i;
        }
    }

    return -1;
}
