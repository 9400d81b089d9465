
/*
 * Unit tests of the profile engine: decoder, validation, aggregation and
 * text formats.  Profiles are built here with a tiny protobuf writer.
 *
 *   test_engine                 run every test
 *   test_engine --corpus DIR    also write the test profiles as fuzz seeds
 *
 * The last line is "engine: N passed, M failed"; the exit status is 1 if
 * anything failed.
 */


#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#include "../../src/profile/pprof.h"
#include "../../src/profile/pprof_internal.h"
#include "pb_writer.h"


static int          passed, failed;
static const char  *corpus_dir;


#define CHECK(cond, ...)                                                    \
    do {                                                                    \
        if (cond) {                                                         \
            passed++;                                                       \
        } else {                                                            \
            failed++;                                                       \
            fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
            fprintf(stderr, __VA_ARGS__);                                   \
            fprintf(stderr, "\n");                                          \
        }                                                                   \
    } while (0)


/* --- allocators: counting malloc/free, and a pool without free --- */

typedef struct {
    long                     live;
    size_t                   bytes;
    size_t                   limit;     /* fail allocations beyond, 0: no */
} counter_t;


static void *
count_alloc(void *data, size_t size)
{
    counter_t  *c = data;
    size_t     *p;

    if (c->limit && c->bytes + size > c->limit) {
        return NULL;
    }

    p = malloc(size + sizeof(size_t) * 2);
    if (p == NULL) {
        return NULL;
    }

    p[0] = size;
    c->live++;
    c->bytes += size;

    return p + 2;
}


static void
count_free(void *data, void *ptr)
{
    counter_t  *c = data;
    size_t     *p = (size_t *) ptr - 2;

    c->live--;
    c->bytes -= p[0];
    free(p);
}


typedef struct {
    void                   **blocks;
    size_t                   n;
    size_t                   cap;
} pool_t;


static void *
pool_alloc(void *data, size_t size)
{
    pool_t  *pool = data;

    if (pool->n == pool->cap) {
        pool->cap = pool->cap * 2 + 16;
        pool->blocks = realloc(pool->blocks, pool->cap * sizeof(void *));
    }

    return pool->blocks[pool->n++] = malloc(size);
}


static void
pool_destroy(pool_t *pool)
{
    size_t  i;

    for (i = 0; i < pool->n; i++) {
        free(pool->blocks[i]);
    }

    free(pool->blocks);
    memset(pool, 0, sizeof(pool_t));
}


static counter_t          counter;
static pprof_allocator_t  alloc_count = { count_alloc, count_free, &counter };


/* --- profile descriptions --- */

#define MAXN  32

typedef struct {
    uint64_t                 id;
    const char              *name;
    const char              *file;
} fn_t;

typedef struct {
    uint64_t                 id;
    uint64_t                 mapping;
    uint64_t                 address;
    int                      nlines;
    uint64_t                 fn[4];     /* innermost first */
    int64_t                  line[4];
} loc_t;

typedef struct {
    int                      nlocs;
    uint64_t                 locs[MAXN];   /* leaf first */
    int64_t                  v[4];
    const char              *key;
    const char              *str;
} smp_t;

typedef struct {
    const char              *st[4][2];
    int                      nst;
    fn_t                     fn[MAXN];
    int                      nfn;
    loc_t                    loc[MAXN];
    int                      nloc;
    smp_t                    s[MAXN];
    int                      ns;
    const char              *mapping_file;
    const char              *drop;
    const char              *keep;
    const char              *default_type;
    const char              *comment;
    int64_t                  time_nanos;
    int64_t                  duration_nanos;
    int                      packed;
    int                      extra_value;  /* sample 0: one value more */
} prof_t;


typedef struct {
    const char              *s[256];
    int                      n;
} strtab_t;


static int
intern(strtab_t *t, const char *s)
{
    int  i;

    if (s == NULL || s[0] == '\0') {
        return 0;
    }

    for (i = 1; i < t->n; i++) {
        if (strcmp(t->s[i], s) == 0) {
            return i;
        }
    }

    t->s[t->n] = s;
    return t->n++;
}


static void
encode(const prof_t *p, pbw_t *out)
{
    int       i, j;
    int64_t   ids[MAXN];
    pbw_t     m, l;
    strtab_t  t;

    memset(&m, 0, sizeof(pbw_t));
    memset(&l, 0, sizeof(pbw_t));
    t.s[0] = "";
    t.n = 1;

    for (i = 0; i < p->nst; i++) {
        pbw_int(&m, 1, intern(&t, p->st[i][0]));
        pbw_int(&m, 2, intern(&t, p->st[i][1]));
        pbw_msg(out, 1, &m);
    }

    for (i = 0; i < p->ns; i++) {
        for (j = 0; j < p->s[i].nlocs; j++) {
            ids[j] = (int64_t) p->s[i].locs[j];
        }

        pbw_ints(&m, 1, ids, p->s[i].nlocs, p->packed);
        pbw_ints(&m, 2, p->s[i].v, p->nst + (i == 0 && p->extra_value),
                 p->packed);

        if (p->s[i].key) {
            pbw_int(&l, 1, intern(&t, p->s[i].key));
            pbw_int(&l, 2, intern(&t, p->s[i].str));
            pbw_msg(&m, 3, &l);
        }

        pbw_msg(out, 2, &m);
    }

    if (p->mapping_file) {
        pbw_int(&m, 1, 1);
        pbw_int(&m, 5, intern(&t, p->mapping_file));
        pbw_msg(out, 3, &m);
    }

    for (i = 0; i < p->nloc; i++) {
        pbw_int(&m, 1, p->loc[i].id);
        if (p->loc[i].mapping) {
            pbw_int(&m, 2, p->loc[i].mapping);
        }
        if (p->loc[i].address) {
            pbw_int(&m, 3, p->loc[i].address);
        }

        for (j = 0; j < p->loc[i].nlines; j++) {
            pbw_int(&l, 1, p->loc[i].fn[j]);
            pbw_int(&l, 2, (uint64_t) p->loc[i].line[j]);
            pbw_msg(&m, 4, &l);
        }

        pbw_msg(out, 4, &m);
    }

    for (i = 0; i < p->nfn; i++) {
        pbw_int(&m, 1, p->fn[i].id);
        pbw_int(&m, 2, intern(&t, p->fn[i].name));
        pbw_int(&m, 4, intern(&t, p->fn[i].file));
        pbw_msg(out, 5, &m);
    }

    if (p->drop) {
        pbw_int(out, 7, intern(&t, p->drop));
    }
    if (p->keep) {
        pbw_int(out, 8, intern(&t, p->keep));
    }
    if (p->time_nanos) {
        pbw_int(out, 9, (uint64_t) p->time_nanos);
    }
    if (p->duration_nanos) {
        pbw_int(out, 10, (uint64_t) p->duration_nanos);
    }
    if (p->comment) {
        pbw_int(out, 13, intern(&t, p->comment));
    }
    if (p->default_type) {
        pbw_int(out, 14, intern(&t, p->default_type));
    }

    /* the string table last, as Go writes it */
    for (i = 0; i < t.n; i++) {
        pbw_str(out, 6, t.s[i]);
    }

    pbw_free(&m);
    pbw_free(&l);
}


static size_t
gzip_buf(const unsigned char *in, size_t len, unsigned char **out)
{
    z_stream  z;
    size_t    cap;

    cap = compressBound(len) + 64;
    *out = malloc(cap);

    memset(&z, 0, sizeof(z_stream));
    deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
    z.next_in = (Bytef *) in;
    z.avail_in = (uInt) len;
    z.next_out = *out;
    z.avail_out = (uInt) cap;
    deflate(&z, Z_FINISH);
    deflateEnd(&z);

    return cap - z.avail_out;
}


static void
save_seed(const char *name, const void *data, size_t len)
{
    char   path[512];
    FILE  *f;

    if (corpus_dir == NULL || len > 8192) {
        return;
    }

    snprintf(path, sizeof(path), "%s/seed-%s.pb", corpus_dir, name);
    f = fopen(path, "wb");
    if (f != NULL) {
        fwrite(data, 1, len, f);
        fclose(f);
    }
}


/* --- helpers running the engine --- */

typedef struct {
    char                    *buf;
    size_t                   len;
    size_t                   cap;
} sink_t;


static int
sink_write(void *data, const char *buf, size_t len)
{
    sink_t  *s = data;

    if (s->len + len + 1 > s->cap) {
        s->cap = (s->len + len + 1) * 2;
        s->buf = realloc(s->buf, s->cap);
    }

    memcpy(s->buf + s->len, buf, len);
    s->len += len;
    s->buf[s->len] = '\0';

    return 0;
}


static pprof_profile_t *
parse(const prof_t *p, pprof_error_t *err, const char *seed)
{
    pbw_t             b;
    pprof_profile_t  *pr;

    memset(&b, 0, sizeof(pbw_t));
    encode(p, &b);

    if (seed) {
        save_seed(seed, b.data, b.len);
    }

    pr = pprof_profile_parse(b.data, b.len, NULL, &alloc_count, err);
    pbw_free(&b);

    return pr;
}


/* the rendering of p as text; NULL with err on failure */
static char *
render(const prof_t *p, const pprof_report_options_t *ro, int format,
    size_t nodecount, pprof_error_t *err)
{
    sink_t                   s;
    pprof_report_t          *r;
    pprof_profile_t         *pr;
    pprof_render_options_t   o;

    memset(&s, 0, sizeof(sink_t));
    sink_write(&s, "", 0);

    pr = parse(p, err, NULL);
    if (pr == NULL) {
        free(s.buf);
        return NULL;
    }

    r = pprof_report(pr, ro, &alloc_count, err);
    if (r == NULL) {
        pprof_profile_free(pr);
        free(s.buf);
        return NULL;
    }

    memset(&o, 0, sizeof(o));
    o.format = format;
    o.nodecount = nodecount;
    o.write = sink_write;
    o.data = &s;

    if (pprof_render(r, &o, err) != PPROF_OK) {
        free(s.buf);
        s.buf = NULL;
    }

    pprof_report_free(r);
    pprof_profile_free(pr);

    return s.buf;
}


static const pprof_function_row_t *
row(const pprof_report_info_t *ri, const char *name)
{
    size_t  i;

    for (i = 0; i < ri->nfunctions; i++) {
        if (ri->functions[i].name.len == strlen(name)
            && memcmp(ri->functions[i].name.data, name, strlen(name)) == 0)
        {
            return &ri->functions[i];
        }
    }

    return NULL;
}


#define S(s)  ((s) ? (s) : "(null)")

#define FLAT(ri, n)  (row(ri, n) ? row(ri, n)->flat : -999999)
#define CUM(ri, n)   (row(ri, n) ? row(ri, n)->cum : -999999)


/* functions 1..4: main, a, b, c; locations 1..4 one line each */
static void
base_profile(prof_t *p)
{
    memset(p, 0, sizeof(prof_t));

    p->st[0][0] = "samples";
    p->st[0][1] = "count";
    p->st[1][0] = "cpu";
    p->st[1][1] = "nanoseconds";
    p->nst = 2;

    p->fn[0] = (fn_t) { 1, "main", "main.go" };
    p->fn[1] = (fn_t) { 2, "a", "a.go" };
    p->fn[2] = (fn_t) { 3, "b", "b.go" };
    p->fn[3] = (fn_t) { 4, "c", "c.go" };
    p->nfn = 4;

    p->loc[0] = (loc_t) { 1, 0, 0x1000, 1, { 1 }, { 10 } };
    p->loc[1] = (loc_t) { 2, 0, 0x2000, 1, { 2 }, { 20 } };
    p->loc[2] = (loc_t) { 3, 0, 0x3000, 1, { 3 }, { 30 } };
    p->loc[3] = (loc_t) { 4, 0, 0x4000, 1, { 4 }, { 40 } };
    p->nloc = 4;

    /* main -> a -> b (leaf b): 10; main -> a (leaf a): 5; main -> c: 1 */
    p->s[0] = (smp_t) { 3, { 3, 2, 1 }, { 1, 10 }, NULL, NULL };
    p->s[1] = (smp_t) { 2, { 2, 1 }, { 1, 5 }, NULL, NULL };
    p->s[2] = (smp_t) { 2, { 4, 1 }, { 1, 1 }, NULL, NULL };
    p->ns = 3;
}


static const pprof_report_info_t *
report_of(const prof_t *p, const pprof_report_options_t *ro,
    pprof_profile_t **pr, pprof_report_t **r, pprof_error_t *err)
{
    *r = NULL;
    *pr = parse(p, err, NULL);
    if (*pr == NULL) {
        return NULL;
    }

    *r = pprof_report(*pr, ro, &alloc_count, err);
    if (*r == NULL) {
        pprof_profile_free(*pr);
        *pr = NULL;
        return NULL;
    }

    return pprof_report_info(*r);
}


static void
done_report(pprof_profile_t *pr, pprof_report_t *r)
{
    pprof_report_free(r);
    pprof_profile_free(pr);
}


/* --- tests --- */

static void
test_basic_and_packed(void)
{
    int                         packed;
    prof_t                      p;
    pprof_error_t               err;
    pprof_report_t             *r;
    pprof_profile_t            *pr;
    const pprof_report_info_t  *ri;

    for (packed = 0; packed <= 1; packed++) {
        base_profile(&p);
        p.packed = packed;

        ri = report_of(&p, NULL, &pr, &r, &err);
        CHECK(ri != NULL, "parse/report: %s", err.msg);
        if (ri == NULL) {
            continue;
        }

        CHECK(ri->sample_index == 1, "default is the last type: %zu",
              ri->sample_index);
        CHECK(ri->total == 16, "total %lld", (long long) ri->total);
        CHECK(ri->nfunctions == 4, "%zu functions", ri->nfunctions);
        CHECK(FLAT(ri, "b") == 10 && CUM(ri, "b") == 10, "b");
        CHECK(FLAT(ri, "a") == 5 && CUM(ri, "a") == 15, "a");
        CHECK(FLAT(ri, "main") == 0 && CUM(ri, "main") == 16, "main");
        CHECK(FLAT(ri, "c") == 1 && CUM(ri, "c") == 1, "c");

        /* flat desc, then name */
        CHECK(ri->functions[0].flat == 10 && ri->functions[3].flat == 0,
              "order");

        CHECK(pprof_profile_info(pr)->nsamples == 3
              && pprof_profile_info(pr)->nlocations == 4
              && pprof_profile_info(pr)->nfunctions == 4, "info counts");

        done_report(pr, r);
    }

    base_profile(&p);
    pr = parse(&p, &err, "basic");
    pprof_profile_free(pr);
    p.packed = 1;
    pr = parse(&p, &err, "basic-packed");
    pprof_profile_free(pr);
}


static void
test_sort_cum(void)
{
    prof_t                      p;
    pprof_error_t               err;
    pprof_report_t             *r;
    pprof_profile_t            *pr;
    pprof_report_options_t      ro;
    const pprof_report_info_t  *ri;

    base_profile(&p);
    memset(&ro, 0, sizeof(ro));
    ro.sort = PPROF_SORT_CUM;

    ri = report_of(&p, &ro, &pr, &r, &err);
    CHECK(ri != NULL, "%s", err.msg);
    if (ri) {
        CHECK(ri->functions[0].cum == 16 && ri->functions[1].cum == 15
              && ri->functions[2].cum == 10 && ri->functions[3].cum == 1,
              "cum order");
        done_report(pr, r);
    }
}


static void
test_inline(void)
{
    prof_t                      p;
    char                       *out;
    pprof_error_t               err;
    pprof_report_t             *r;
    pprof_profile_t            *pr;
    const pprof_report_info_t  *ri;

    /* location 5: c inlined into b (lines: c, b) */
    base_profile(&p);
    p.loc[4] = (loc_t) { 5, 0, 0x5000, 2, { 4, 3 }, { 41, 31 } };
    p.nloc = 5;
    p.s[0] = (smp_t) { 3, { 5, 2, 1 }, { 1, 10 }, NULL, NULL };
    p.ns = 1;

    ri = report_of(&p, NULL, &pr, &r, &err);
    CHECK(ri != NULL, "%s", err.msg);
    if (ri) {
        CHECK(FLAT(ri, "c") == 10 && CUM(ri, "c") == 10, "inlined leaf");
        CHECK(FLAT(ri, "b") == 0 && CUM(ri, "b") == 10, "inline caller");
        done_report(pr, r);
    }

    out = render(&p, NULL, PPROF_FORMAT_TOP, 0, &err);
    CHECK(out && strstr(out, "  c (inline)\n"), "inline label: %s", S(out));
    CHECK(out && strstr(out, "  b\n"), "no label on b: %s", S(out));
    free(out);

    /* c also called for real from a: partial */
    p.s[1] = (smp_t) { 3, { 4, 2, 1 }, { 1, 10 }, NULL, NULL };
    p.ns = 2;
    out = render(&p, NULL, PPROF_FORMAT_TOP, 0, &err);
    CHECK(out && strstr(out, "  c (partial-inline)\n"), "partial: %s", S(out));
    free(out);

    pr = parse(&p, &err, "inline");
    pprof_profile_free(pr);
}


static void
test_recursion(void)
{
    prof_t                      p;
    pprof_error_t               err;
    pprof_report_t             *r;
    pprof_profile_t            *pr;
    const pprof_report_info_t  *ri;

    base_profile(&p);
    /* main a b a b a: a and b twice or more on one stack */
    p.s[0] = (smp_t) { 6, { 2, 3, 2, 3, 2, 1 }, { 1, 7 }, NULL, NULL };
    p.ns = 1;

    ri = report_of(&p, NULL, &pr, &r, &err);
    CHECK(ri != NULL, "%s", err.msg);
    if (ri) {
        CHECK(CUM(ri, "a") == 7 && CUM(ri, "b") == 7, "cum once: %lld %lld",
              (long long) CUM(ri, "a"), (long long) CUM(ri, "b"));
        CHECK(FLAT(ri, "a") == 7 && ri->total == 7, "flat");
        done_report(pr, r);
    }

    pr = parse(&p, &err, "recursion");
    pprof_profile_free(pr);
}


static void
test_sample_types(void)
{
    prof_t                      p;
    pprof_error_t               err;
    pprof_report_t             *r;
    pprof_profile_t            *pr;
    pprof_report_options_t      ro;
    const pprof_report_info_t  *ri;

    base_profile(&p);
    memset(&ro, 0, sizeof(ro));

    ro.sample_type = "samples";
    ri = report_of(&p, &ro, &pr, &r, &err);
    CHECK(ri && ri->sample_index == 0 && ri->total == 3, "by name");
    if (ri) {
        CHECK(pprof_sample_index(pr, "cpu") == 1
              && pprof_sample_index(pr, "1") == 1
              && pprof_sample_index(pr, "2") == -1
              && pprof_sample_index(pr, "nope") == -1
              && pprof_sample_index(pr, NULL) == 1, "pprof_sample_index");
        done_report(pr, r);
    }

    ro.sample_type = "nope";
    pr = parse(&p, &err, NULL);
    r = pprof_report(pr, &ro, &alloc_count, &err);
    CHECK(r == NULL && strstr(err.msg, "nope"), "unknown type: %s", err.msg);
    pprof_report_free(r);
    pprof_profile_free(pr);

    /* default_sample_type wins over the last */
    p.default_type = "samples";
    ri = report_of(&p, NULL, &pr, &r, &err);
    CHECK(ri && ri->sample_index == 0, "default_sample_type");
    if (ri) {
        CHECK(pprof_profile_info(pr)->default_sample == 0, "info default");
        done_report(pr, r);
    }

    /* an unknown default falls back to the last */
    p.default_type = "other";
    ri = report_of(&p, NULL, &pr, &r, &err);
    CHECK(ri && ri->sample_index == 1, "unknown default");
    if (ri) {
        done_report(pr, r);
    }

    /* pprof's legacy "inuse_" prefix */
    base_profile(&p);
    p.st[0][0] = "objects";
    p.st[1][0] = "space";
    ro.sample_type = "inuse_space";
    ri = report_of(&p, &ro, &pr, &r, &err);
    CHECK(ri && ri->sample_index == 1, "inuse_ prefix");
    if (ri) {
        done_report(pr, r);
    }
}


static void
test_negative(void)
{
    prof_t                      p;
    pprof_error_t               err;
    pprof_report_t             *r;
    pprof_profile_t            *pr;
    const pprof_report_info_t  *ri;

    base_profile(&p);
    p.s[0].v[1] = -10;

    ri = report_of(&p, NULL, &pr, &r, &err);
    CHECK(ri != NULL, "%s", err.msg);
    if (ri) {
        CHECK(ri->total == 16, "total of |values|: %lld",
              (long long) ri->total);
        CHECK(FLAT(ri, "b") == -10 && CUM(ri, "a") == -5
              && CUM(ri, "main") == -4, "signed flat/cum");
        /* |flat| orders rows */
        CHECK(ri->functions[0].flat == -10, "abs order");
        done_report(pr, r);
    }

    /* pprof merges samples of one stack and labels before the total */
    base_profile(&p);
    p.s[3] = p.s[0];
    p.s[3].v[1] = -4;
    p.s[4] = p.s[2];
    p.s[4].key = "k";
    p.s[4].str = "v";
    p.s[4].v[1] = -1;
    p.ns = 5;
    ri = report_of(&p, NULL, &pr, &r, &err);
    CHECK(ri && ri->total == 6 + 5 + 1 + 1 && FLAT(ri, "b") == 6,
          "merged total: %lld", ri ? (long long) ri->total : -1);
    if (ri) {
        done_report(pr, r);
    }

    /* a function whose values cancel out is not shown */
    base_profile(&p);
    p.s[0] = (smp_t) { 2, { 4, 1 }, { 1, 5 }, NULL, NULL };
    p.s[1] = (smp_t) { 2, { 4, 1 }, { 1, -5 }, NULL, NULL };
    p.ns = 2;
    ri = report_of(&p, NULL, &pr, &r, &err);
    CHECK(ri && ri->nfunctions == 0 && ri->total == 0, "cancel out");
    if (ri) {
        done_report(pr, r);
    }
}


static void
test_drop_frames(void)
{
    prof_t                      p;
    pprof_error_t               err;
    pprof_report_t             *r;
    pprof_profile_t            *pr;
    const pprof_report_info_t  *ri;

    /* main -> a -> b -> c, drop "b": b and below go, a becomes the leaf */
    base_profile(&p);
    p.s[0] = (smp_t) { 4, { 4, 3, 2, 1 }, { 1, 10 }, NULL, NULL };
    p.ns = 1;
    p.drop = "b";

    ri = report_of(&p, NULL, &pr, &r, &err);
    CHECK(ri != NULL, "%s", err.msg);
    if (ri) {
        CHECK(FLAT(ri, "a") == 10 && row(ri, "b") == NULL
              && row(ri, "c") == NULL && CUM(ri, "main") == 10,
              "pruned: a=%lld", (long long) FLAT(ri, "a"));
        done_report(pr, r);
    }

    pr = parse(&p, &err, "drop");
    pprof_profile_free(pr);

    /* frames before the first user frame are never pruned */
    p.drop = "main|a";
    ri = report_of(&p, NULL, &pr, &r, &err);
    CHECK(ri && FLAT(ri, "c") == 10 && CUM(ri, "main") == 10,
          "root frames kept");
    if (ri) {
        done_report(pr, r);
    }

    /* keep_frames rescues a match; anchoring: "b" does not match "bb" */
    p.drop = "b|c";
    p.keep = "c";
    ri = report_of(&p, NULL, &pr, &r, &err);
    CHECK(ri && FLAT(ri, "a") == 10 && row(ri, "b") == NULL,
          "keep_frames: a=%lld", ri ? (long long) FLAT(ri, "a") : -1);
    if (ri) {
        done_report(pr, r);
    }

    /* an argument list is ignored when matching (simplifyFunc) */
    base_profile(&p);
    p.fn[2].name = "b(int, char)";
    p.s[0] = (smp_t) { 4, { 4, 3, 2, 1 }, { 1, 10 }, NULL, NULL };
    p.ns = 1;
    p.drop = "b";
    ri = report_of(&p, NULL, &pr, &r, &err);
    CHECK(ri && FLAT(ri, "a") == 10, "simplified name");
    if (ri) {
        done_report(pr, r);
    }

    /* inlined: the matching line and its callees go, callers stay */
    base_profile(&p);
    p.loc[4] = (loc_t) { 5, 0, 0x5000, 3, { 4, 3, 2 }, { 41, 31, 21 } };
    p.nloc = 5;
    p.s[0] = (smp_t) { 2, { 5, 1 }, { 1, 10 }, NULL, NULL };
    p.ns = 1;
    p.drop = "b";
    ri = report_of(&p, NULL, &pr, &r, &err);
    CHECK(ri && FLAT(ri, "a") == 10 && row(ri, "b") == NULL
          && row(ri, "c") == NULL, "inlined prune");
    if (ri) {
        done_report(pr, r);
    }

    /* a drop pattern that is no valid regex prunes nothing, as pprof */
    base_profile(&p);
    p.drop = "(";
    ri = report_of(&p, NULL, &pr, &r, &err);
    CHECK(ri && FLAT(ri, "b") == 10, "bad drop regex ignored");
    if (ri) {
        done_report(pr, r);
    }
}


static void
test_focus_ignore(void)
{
    prof_t                      p;
    char                        big[600];
    pprof_error_t               err;
    pprof_report_t             *r;
    pprof_profile_t            *pr;
    pprof_report_options_t      ro;
    const pprof_report_info_t  *ri;

    base_profile(&p);
    memset(&ro, 0, sizeof(ro));

    ro.focus = "^b$";
    ri = report_of(&p, &ro, &pr, &r, &err);
    CHECK(ri != NULL, "%s", err.msg);
    if (ri) {
        CHECK(CUM(ri, "main") == 10 && row(ri, "c") == NULL
              && ri->total == 16, "focus keeps total");
        done_report(pr, r);
    }

    ro.focus = NULL;
    ro.ignore = "^b$";
    ri = report_of(&p, &ro, &pr, &r, &err);
    if (ri) {
        CHECK(CUM(ri, "main") == 6 && row(ri, "b") == NULL, "ignore");
        done_report(pr, r);
    } else {
        CHECK(0, "%s", err.msg);
    }

    ro.focus = "^a$";
    ro.ignore = "^b$";
    ri = report_of(&p, &ro, &pr, &r, &err);
    if (ri) {
        CHECK(CUM(ri, "main") == 5 && FLAT(ri, "a") == 5, "focus+ignore");
        done_report(pr, r);
    } else {
        CHECK(0, "%s", err.msg);
    }

    ro.focus = "(a)\\1";
    ro.ignore = NULL;
    pr = parse(&p, &err, NULL);
    r = pprof_report(pr, &ro, &alloc_count, &err);
    CHECK(r == NULL && strstr(err.msg, "backreference"), "backref: %s",
          err.msg);
    pprof_report_free(r);

    /* an escaped backslash before a digit is fine */
    ro.focus = "a\\\\1";
    r = pprof_report(pr, &ro, &alloc_count, &err);
    CHECK(r != NULL, "escaped backslash: %s", err.msg);
    pprof_report_free(r);

    memset(big, 'a', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    ro.focus = big;
    r = pprof_report(pr, &ro, &alloc_count, &err);
    CHECK(r == NULL && strstr(err.msg, "512"), "long regex: %s", err.msg);
    pprof_report_free(r);

    ro.focus = "(";
    r = pprof_report(pr, &ro, &alloc_count, &err);
    CHECK(r == NULL && strstr(err.msg, "focus"), "bad regex: %s", err.msg);
    pprof_report_free(r);

    pprof_profile_free(pr);
}


static void
test_merge_and_naming(void)
{
    prof_t                      p;
    char                       *out;
    pprof_error_t               err;
    pprof_report_t             *r;
    pprof_profile_t            *pr;
    const pprof_report_info_t  *ri;

    /* two functions named "a" (different files) are one row */
    base_profile(&p);
    p.fn[4] = (fn_t) { 5, "a", "other.go" };
    p.nfn = 5;
    p.loc[4] = (loc_t) { 5, 0, 0x5000, 1, { 5 }, { 50 } };
    p.nloc = 5;
    p.s[2] = (smp_t) { 2, { 5, 1 }, { 1, 1 }, NULL, NULL };

    ri = report_of(&p, NULL, &pr, &r, &err);
    CHECK(ri != NULL, "%s", err.msg);
    if (ri) {
        CHECK(FLAT(ri, "a") == 6 && CUM(ri, "a") == 16 && ri->nfunctions == 3,
              "merged: %lld %lld %zu", (long long) FLAT(ri, "a"),
              (long long) CUM(ri, "a"), ri->nfunctions);
        done_report(pr, r);
    }

    /* address-only locations: "[binary]" with a mapping, else <unknown> */
    base_profile(&p);
    p.mapping_file = "/usr/local/bin/kube-apiserver";
    p.loc[4] = (loc_t) { 5, 1, 0x5000, 0, { 0 }, { 0 } };
    p.loc[5] = (loc_t) { 6, 0, 0x6000, 0, { 0 }, { 0 } };
    p.nloc = 6;
    p.s[0] = (smp_t) { 2, { 5, 1 }, { 1, 3 }, NULL, NULL };
    p.s[1] = (smp_t) { 2, { 6, 1 }, { 1, 4 }, NULL, NULL };
    p.ns = 2;

    ri = report_of(&p, NULL, &pr, &r, &err);
    CHECK(ri != NULL, "%s", err.msg);
    if (ri) {
        CHECK(FLAT(ri, "[kube-apiserver]") == 3 && FLAT(ri, "<unknown>") == 4,
              "address-only names");
        done_report(pr, r);
    }

    out = render(&p, NULL, PPROF_FORMAT_TOP, 0, &err);
    CHECK(out && strstr(out, "File: kube-apiserver\n"), "File: %s", S(out));
    free(out);

    pr = parse(&p, &err, "address-only");
    pprof_profile_free(pr);
}


static void
test_formats(void)
{
    prof_t          p;
    char           *out;
    pprof_error_t   err;

    static const char  top[] =
        "Type: cpu\n"
        "Showing nodes accounting for 16ns, 100% of 16ns total\n"
        "      flat  flat%   sum%        cum   cum%\n"
        "      10ns 62.50% 62.50%       10ns 62.50%  b\n"
        "       5ns 31.25% 93.75%       15ns 93.75%  a\n"
        "       1ns  6.25%   100%        1ns  6.25%  c\n"
        "         0     0%   100%       16ns   100%  main\n";

    static const char  top2[] =
        "Type: cpu\n"
        "Showing nodes accounting for 15ns, 93.75% of 16ns total\n"
        "Showing top 2 nodes out of 4\n"
        "      flat  flat%   sum%        cum   cum%\n"
        "      10ns 62.50% 62.50%       10ns 62.50%  b\n"
        "       5ns 31.25% 93.75%       15ns 93.75%  a\n";

    static const char  collapsed[] =
        "main;a 5\n"
        "main;a;b 10\n"
        "main;c 1\n";

    base_profile(&p);

    out = render(&p, NULL, PPROF_FORMAT_TOP, 0, &err);
    CHECK(out && strcmp(out, top) == 0, "top:\n%s", out ? out : err.msg);
    free(out);

    out = render(&p, NULL, PPROF_FORMAT_TOP, 2, &err);
    CHECK(out && strcmp(out, top2) == 0, "top 2:\n%s", out ? out : err.msg);
    free(out);

    out = render(&p, NULL, PPROF_FORMAT_COLLAPSED, 0, &err);
    CHECK(out && strcmp(out, collapsed) == 0, "collapsed:\n%s",
          out ? out : err.msg);
    free(out);

    out = render(&p, NULL, PPROF_FORMAT_JSON, 0, &err);
    CHECK(out && strstr(out, "\"sample_types\":[{\"type\":\"samples\","
                        "\"unit\":\"count\"},{\"type\":\"cpu\","
                        "\"unit\":\"nanoseconds\"}]"),
          "json types: %s", S(out));
    CHECK(out && strstr(out, "\"sample_type\":\"cpu\""), "json type");
    CHECK(out && strstr(out, "\"total\":16,"), "json total");
    CHECK(out && strstr(out, "{\"name\":\"b\",\"flat\":10,\"cum\":10}"),
          "json row");
    CHECK(out && strstr(out, "{\"name\":\"main\",\"flat\":0,\"cum\":16}"),
          "json zero-flat row");
    free(out);

    /* header lines */
    p.comment = "hello comment";
    p.duration_nanos = 1000000000;
    out = render(&p, NULL, PPROF_FORMAT_TOP, 0, &err);
    CHECK(out && strstr(out, "hello comment\nType: cpu\nDuration: 1s, "
                        "Total samples = 16ns (1.6e-06%)\nShowing") == out,
          "header: %s", S(out));
    free(out);
}


static void
test_json_escape(void)
{
    prof_t          p;
    char           *out;
    pprof_error_t   err;

    base_profile(&p);
    p.fn[1].name = "q\"b\\s\n\x01<\xff\xc3\xa9";

    out = render(&p, NULL, PPROF_FORMAT_JSON, 0, &err);
    CHECK(out && strstr(out, "\"name\":\"q\\\"b\\\\s\\n\\u0001\\u003c"
                        "\\ufffd\xc3\xa9\""), "escaped: %s", S(out));
    free(out);

    /* folded stacks: ';' and newlines cannot split a frame or a line */
    p.fn[1].name = "x;y\nz";
    out = render(&p, NULL, PPROF_FORMAT_COLLAPSED, 0, &err);
    CHECK(out && strstr(out, "main;x%3By%0Az 5\n"), "folded escape: %s",
          S(out));
    free(out);
}


static void
test_values(void)
{
    size_t  i;
    char    buf[64];

    /* expected strings as pprof's measurement.Label prints them */
    static const struct {
        int64_t       v;
        const char   *unit;
        const char   *want;
    } cases[] = {
        { 0, "bytes", "0" },
        { 1, "bytes", "1B" },
        { 1023, "bytes", "1023B" },
        { 1024, "bytes", "1kB" },
        { 1536, "bytes", "1.50kB" },
        { 1572864, "bytes", "1.50MB" },
        { 3452816845LL, "bytes", "3.22GB" },
        { -2048, "bytes", "-2kB" },
        { 1, "nanoseconds", "1ns" },
        { 1500, "nanoseconds", "1.50us" },
        { 250000000, "nanoseconds", "250ms" },
        { 1610000000, "nanoseconds", "1.61s" },
        { 7200000000000LL, "nanoseconds", "2hrs" },
        { 42, "count", "42" },
        { 12345, "", "12345" },
        { 5, "widgets", "5" },
        { 3, "B", "3B" },
        { 2, "seconds", "2s" },
        { 1, "microseconds", "1us" },
    };

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        pprof_str_t  u;

        u.data = cases[i].unit;
        u.len = strlen(cases[i].unit);
        pprof_format_value(buf, sizeof(buf), cases[i].v, u);

        CHECK(strcmp(buf, cases[i].want) == 0, "%lld %s: got %s want %s",
              (long long) cases[i].v, cases[i].unit, buf, cases[i].want);
    }

    pprof_format_percent(buf, sizeof(buf), 1, 1);
    CHECK(strcmp(buf, "  100%") == 0, "100: [%s]", buf);
    pprof_format_percent(buf, sizeof(buf), 1234, 10000);
    CHECK(strcmp(buf, "12.34%") == 0, "12.34: [%s]", buf);
    pprof_format_percent(buf, sizeof(buf), 7, 1000);
    CHECK(strcmp(buf, "  0.7%") == 0, "0.7: [%s]", buf);
    pprof_format_percent(buf, sizeof(buf), 36, 100000);
    CHECK(strcmp(buf, "0.036%") == 0, "0.036: [%s]", buf);
    pprof_format_percent(buf, sizeof(buf), 0, 100);
    CHECK(strcmp(buf, "    0%") == 0, "0: [%s]", buf);
    pprof_format_percent(buf, sizeof(buf), -50, 100);
    CHECK(strcmp(buf, "50.00%") == 0, "abs: [%s]", buf);
}


/* a valid profile of every feature, cut at every length */
static void
test_truncation(void)
{
    size_t            i, gzlen, ok;
    prof_t            p;
    pbw_t             b;
    unsigned char    *gz;
    pprof_error_t     err;
    pprof_profile_t  *pr;

    base_profile(&p);
    p.mapping_file = "/bin/x";
    p.loc[4] = (loc_t) { 5, 1, 0x5000, 2, { 4, 3 }, { 41, 31 } };
    p.nloc = 5;
    p.s[3] = (smp_t) { 2, { 5, 1 }, { 1, 3 }, "k", "v" };
    p.ns = 4;
    p.drop = "zz";
    p.comment = "c";
    p.time_nanos = 1;
    p.duration_nanos = 2;
    p.packed = 1;

    memset(&b, 0, sizeof(pbw_t));
    encode(&p, &b);
    save_seed("full", b.data, b.len);

    ok = 0;

    for (i = 0; i < b.len; i++) {
        pr = pprof_profile_parse(b.data, i, NULL, &alloc_count, &err);
        if (pr == NULL) {
            ok++;
            if (strchr(err.msg, '\n') || err.msg[0] == '\0') {
                CHECK(0, "bad error line at %zu", i);
            }
        }
        pprof_profile_free(pr);
    }

    /* some cuts land on a field boundary and parse; most must not */
    CHECK(ok > b.len / 2, "truncations rejected: %zu of %zu", ok, b.len);

    pr = pprof_profile_parse(b.data, b.len, NULL, &alloc_count, &err);
    CHECK(pr != NULL, "full parses: %s", err.msg);
    pprof_profile_free(pr);

    gzlen = gzip_buf(b.data, b.len, &gz);
    save_seed("full-gz", gz, gzlen);

    for (i = 0; i < gzlen; i++) {
        pr = pprof_profile_parse(gz, i, NULL, &alloc_count, &err);
        CHECK(pr == NULL || i >= 2, "gzip cut %zu", i);
        if (i > 2 && pr != NULL) {
            CHECK(0, "truncated gzip at %zu parsed", i);
        }
        pprof_profile_free(pr);
    }

    pr = pprof_profile_parse(gz, gzlen, NULL, &alloc_count, &err);
    CHECK(pr != NULL, "gzip parses: %s", err.msg);
    pprof_profile_free(pr);

    free(gz);
    pbw_free(&b);
}


static void
test_garbage(void)
{
    size_t            i, j;
    uint32_t          seed;
    unsigned char     buf[512];
    pprof_error_t     err;
    pprof_profile_t  *pr;

    seed = 12345;

    for (i = 0; i < 2000; i++) {
        for (j = 0; j < sizeof(buf); j++) {
            seed = seed * 1103515245 + 12345;
            buf[j] = (unsigned char) (seed >> 16);
        }

        pr = pprof_profile_parse(buf, 1 + i % sizeof(buf), NULL,
                                 &alloc_count, &err);
        pprof_profile_free(pr);
    }

    CHECK(counter.live == 0, "garbage leaks: %ld", counter.live);

    pr = pprof_profile_parse("", 0, NULL, &alloc_count, &err);
    CHECK(pr == NULL && strstr(err.msg, "empty"), "empty: %s", err.msg);

    /* a group wire type, an over-long varint */
    pr = pprof_profile_parse("\x0b\x0c", 2, NULL, &alloc_count, &err);
    CHECK(pr == NULL, "group wire type");
    pr = pprof_profile_parse("\x08\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff"
                             "\x01", 12, NULL, &alloc_count, &err);
    CHECK(pr == NULL, "long varint");

    /* gzip magic, then garbage */
    pr = pprof_profile_parse("\x1f\x8b\x08\x00garbagegarbage", 18, NULL,
                             &alloc_count, &err);
    CHECK(pr == NULL && strstr(err.msg, "decompress"), "bad gzip: %s",
          err.msg);
}


static void
expect_error(const prof_t *p, const char *what, const char *needle)
{
    pprof_error_t     err;
    pprof_profile_t  *pr;

    err.msg[0] = '\0';
    pr = parse(p, &err, NULL);
    CHECK(pr == NULL && strstr(err.msg, needle), "%s: %s", what, err.msg);
    pprof_profile_free(pr);
}


static void
test_bad_indexes(void)
{
    prof_t  p;
    pbw_t   b;

    base_profile(&p);
    p.s[0].locs[0] = 99;
    expect_error(&p, "unknown location", "unknown location");

    base_profile(&p);
    p.loc[1].fn[0] = 77;
    expect_error(&p, "unknown function", "unknown function");

    base_profile(&p);
    p.loc[1].fn[0] = 0;
    expect_error(&p, "function id 0", "unknown function");

    base_profile(&p);
    p.extra_value = 1;
    expect_error(&p, "value count", "values");

    base_profile(&p);
    p.loc[1].id = 1;
    expect_error(&p, "duplicate location", "duplicate");

    base_profile(&p);
    p.fn[1].id = 0;
    expect_error(&p, "function id 0", "reserved");

    base_profile(&p);
    p.fn[1].id = 1;
    expect_error(&p, "duplicate function", "duplicate");

    /* sparse, huge ids go through the hash map */
    base_profile(&p);
    p.loc[1].id = 1ULL << 60;
    p.s[0].locs[1] = 1ULL << 60;
    p.s[1].locs[0] = 1ULL << 60;
    p.fn[3].id = 0xffffffffffffffffULL;
    p.loc[3].fn[0] = 0xffffffffffffffffULL;
    {
        pprof_error_t     err;
        pprof_profile_t  *pr;

        pr = parse(&p, &err, "sparse-ids");
        CHECK(pr != NULL, "sparse ids: %s", err.msg);
        pprof_profile_free(pr);
    }

    /* id 0 in a sample, with ids in the hash map */
    p.s[2].locs[0] = 0;
    expect_error(&p, "location id 0", "unknown location");

    /* self-referencing ids: location, function and mapping all id 1,
     * samples repeating one location: fine, no cycle is possible */
    base_profile(&p);
    p.mapping_file = "/x";
    p.loc[0].mapping = 1;
    p.s[0] = (smp_t) { 8, { 1, 1, 1, 1, 1, 1, 1, 1 }, { 1, 2 }, NULL, NULL };
    {
        pprof_error_t               err;
        pprof_report_t             *r;
        pprof_profile_t            *pr;
        const pprof_report_info_t  *ri;

        ri = report_of(&p, NULL, &pr, &r, &err);
        CHECK(ri && CUM(ri, "main") == 8 && FLAT(ri, "main") == 2,
              "self-referencing");
        if (ri) {
            done_report(pr, r);
        }
    }

    /* string indexes out of range */
    memset(&b, 0, sizeof(pbw_t));
    pbw_str(&b, 6, "");
    pbw_int(&b, 7, 5);
    {
        pprof_error_t     err;
        pprof_profile_t  *pr;

        pr = pprof_profile_parse(b.data, b.len, NULL, &alloc_count, &err);
        CHECK(pr == NULL && strstr(err.msg, "string"), "string index: %s",
              err.msg);
        pprof_profile_free(pr);

        /* string_table[0] must be empty */
        b.len = 0;
        pbw_str(&b, 6, "x");
        pr = pprof_profile_parse(b.data, b.len, NULL, &alloc_count, &err);
        CHECK(pr == NULL && strstr(err.msg, "string_table"), "st0: %s",
              err.msg);
        pprof_profile_free(pr);

        /* unknown fields of every wire type are skipped */
        b.len = 0;
        pbw_int(&b, 100, 7);
        pbw_str(&b, 101, "zz");
        pbw_varint(&b, 102 << 3 | 1);
        pbw_put(&b, "12345678", 8);
        pbw_varint(&b, 103 << 3 | 5);
        pbw_put(&b, "1234", 4);
        pbw_str(&b, 6, "");
        pr = pprof_profile_parse(b.data, b.len, NULL, &alloc_count, &err);
        CHECK(pr != NULL, "unknown fields: %s", err.msg);
        pprof_profile_free(pr);
    }
    pbw_free(&b);
}


static void
test_gzip_bomb(void)
{
    size_t            len, gzlen;
    unsigned char    *zeros, *gz;
    pprof_error_t     err;
    pprof_limits_t    limits;
    pprof_profile_t  *pr;

    len = 64 << 20;
    zeros = calloc(1, len);
    gzlen = gzip_buf(zeros, len, &gz);
    free(zeros);

    limits.max_inflated = 1 << 20;
    counter.limit = 4 << 20;

    pr = pprof_profile_parse(gz, gzlen, &limits, &alloc_count, &err);
    CHECK(pr == NULL && strstr(err.msg, "exceeds"), "bomb: %s", err.msg);
    CHECK(counter.live == 0, "bomb leaks");

    counter.limit = 0;
    free(gz);

    /* a raw profile over the limit too */
    limits.max_inflated = 4;
    pr = pprof_profile_parse("\x32\x00\x32\x01x", 5, &limits, &alloc_count,
                             &err);
    CHECK(pr == NULL && strstr(err.msg, "exceeds"), "raw limit: %s",
          err.msg);
}


static void
put_le32(unsigned char *p, size_t v)
{
    p[0] = (unsigned char) v;
    p[1] = (unsigned char) (v >> 8);
    p[2] = (unsigned char) (v >> 16);
    p[3] = (unsigned char) (v >> 24);
}


/* the whole-buffer inflate trusts the gzip ISIZE only as far as it holds */
static void
test_gzip_paths(void)
{
    size_t            gzlen, len1, len2, half;
    prof_t            p;
    pbw_t             b;
    unsigned char    *gz, *gz1, *gz2, *two, *zeros;
    pprof_error_t     err;
    pprof_limits_t    limits;
    pprof_profile_t  *pr;

    base_profile(&p);
    memset(&b, 0, sizeof(pbw_t));
    encode(&p, &b);

    gzlen = gzip_buf(b.data, b.len, &gz);

    pr = pprof_profile_parse(gz, gzlen, NULL, &alloc_count, &err);
    CHECK(pr != NULL && pprof_profile_info(pr)->inflated_size == b.len,
          "gzip whole: %s", err.msg);
    pprof_profile_free(pr);

    /* ISIZE lying low: no room for the output, then a length error */
    put_le32(gz + gzlen - 4, b.len / 2);
    save_seed("gz-isize-low", gz, gzlen);
    pr = pprof_profile_parse(gz, gzlen, NULL, &alloc_count, &err);
    CHECK(pr == NULL && strstr(err.msg, "decompress"), "isize low: %s",
          err.msg);

    /* ISIZE lying high, within the limit: a short output is refused */
    put_le32(gz + gzlen - 4, b.len * 4);
    save_seed("gz-isize-high", gz, gzlen);
    pr = pprof_profile_parse(gz, gzlen, NULL, &alloc_count, &err);
    CHECK(pr == NULL && strstr(err.msg, "decompress"), "isize high: %s",
          err.msg);

    /* ISIZE over the limit on a small stream: never allocated */
    limits.max_inflated = 1 << 20;
    counter.limit = 1 << 20;
    put_le32(gz + gzlen - 4, 0xfffffff0);
    pr = pprof_profile_parse(gz, gzlen, &limits, &alloc_count, &err);
    CHECK(pr == NULL && strstr(err.msg, "decompress"), "isize huge: %s",
          err.msg);
    counter.limit = 0;

    /* a cut trailer */
    put_le32(gz + gzlen - 4, b.len);
    save_seed("gz-cut-trailer", gz, gzlen - 3);
    pr = pprof_profile_parse(gz, gzlen - 3, NULL, &alloc_count, &err);
    CHECK(pr == NULL && strstr(err.msg, "decompress"), "cut trailer: %s",
          err.msg);

    /* two members: the last one's ISIZE is not the total */
    half = b.len / 2;
    len1 = gzip_buf(b.data, half, &gz1);
    len2 = gzip_buf(b.data + half, b.len - half, &gz2);
    two = malloc(len1 + len2);
    memcpy(two, gz1, len1);
    memcpy(two + len1, gz2, len2);
    save_seed("gz-two-members", two, len1 + len2);

    pr = pprof_profile_parse(two, len1 + len2, NULL, &alloc_count, &err);
    CHECK(pr != NULL && pprof_profile_info(pr)->inflated_size == b.len,
          "two members: %s", err.msg);
    pprof_profile_free(pr);

    /* one member then garbage */
    memcpy(two + len1, "garbage!", 8);
    pr = pprof_profile_parse(two, len1 + 8, NULL, &alloc_count, &err);
    CHECK(pr == NULL && strstr(err.msg, "garbage"), "member garbage: %s",
          err.msg);

    free(two);
    free(gz1);
    free(gz2);
    free(gz);

    /*
     * A bomb whose ISIZE claims it fits: libdeflate runs out of room, the
     * streaming pass goes on in the same buffer and stops at the limit;
     * nothing beyond it (plus a spare byte) and zlib's state is allocated.
     */
    len1 = 64 << 20;
    zeros = calloc(1, len1);
    gzlen = gzip_buf(zeros, len1, &gz);
    free(zeros);

    limits.max_inflated = 1 << 20;
    counter.limit = (1 << 20) + (64 << 10);

    put_le32(gz + gzlen - 4, 1 << 20);
    pr = pprof_profile_parse(gz, gzlen, &limits, &alloc_count, &err);
    CHECK(pr == NULL && strstr(err.msg, "exceeds"), "bomb isize fits: %s",
          err.msg);

    /* from a small hint the streaming buffer grows: old and new live */
    counter.limit = (3 << 19) + (64 << 10);
    put_le32(gz + gzlen - 4, 4096);
    pr = pprof_profile_parse(gz, gzlen, &limits, &alloc_count, &err);
    CHECK(pr == NULL && strstr(err.msg, "exceeds"), "bomb isize small: %s",
          err.msg);
    CHECK(counter.live == 0, "bomb isize leaks");

    counter.limit = 0;
    free(gz);
    pbw_free(&b);
}


static pprof_str_t
test_str(const char *s)
{
    pprof_str_t  r;

    r.data = s;
    r.len = strlen(s);

    return r;
}


/* the printf-free number formatting against printf itself */
static void
test_number_formats(void)
{
    int               i, j, bad;
    char              a[64], b[64], ref[64];
    double            ratio;
    int64_t           v, total;
    uint64_t          x;
    pprof_scaler_t    sc;
    static const char  *units[][2] = {
        { "nanoseconds", "ms" }, { "nanoseconds", "s" }, { "bytes", "MB" },
        { "count", "count" }, { "objects", "objects" }, { "gcu", "kilogcu" },
        { "seconds", "hrs" }
    };

    bad = 0;
    x = 88172645463325252ULL;

    for (i = 0; i < 200000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;

        v = (int64_t) (x % 2000000001) - 1000000000;
        total = (int64_t) (x >> 33) % 3000000000LL + 1;

        if (i % 4 == 0) {
            v /= 1000;
        }

        pprof_format_percent(a, sizeof(a), v, total);

        ratio = (double) v / (double) total * 100;
        if (ratio < 0) {
            ratio = -ratio;
        }

        if (ratio >= 99.95 && ratio <= 100.05) {
            snprintf(ref, sizeof(ref), "  100%%");

        } else if (ratio >= 1.0) {
            snprintf(ref, sizeof(ref), "%5.2f%%", ratio);

        } else {
            snprintf(ref, sizeof(ref), "%5.2g%%", ratio);
        }

        if (strcmp(a, ref) != 0 && bad++ < 5) {
            CHECK(0, "percent %lld/%lld: [%s] [%s]", (long long) v,
                  (long long) total, a, ref);
        }

        for (j = 0; j < (int) (sizeof(units) / sizeof(units[0])); j++) {
            if (pprof_scaler_init(&sc, test_str(units[j][0]),
                                  test_str(units[j][1]))
                != PPROF_OK)
            {
                continue;
            }

            pprof_scaler_label(&sc, a, sizeof(a), v);
            pprof_scaled_label(b, sizeof(b), v, test_str(units[j][0]),
                               test_str(units[j][1]));

            if (strcmp(a, b) != 0 && bad++ < 5) {
                CHECK(0, "scaler %lld %s: [%s] [%s]", (long long) v,
                      units[j][1], a, b);
            }
        }
    }

    pprof_scaler_init(&sc, test_str("nanoseconds"), test_str("ms"));
    pprof_scaler_label(&sc, a, sizeof(a), INT64_MIN);
    pprof_scaled_label(b, sizeof(b), INT64_MIN, test_str("nanoseconds"),
                       test_str("ms"));
    CHECK(strcmp(a, b) == 0, "scaler min: [%s] [%s]", a, b);

    CHECK(pprof_scaler_init(&sc, test_str("bytes"), test_str("auto"))
          == PPROF_ERROR, "scaler auto declines");

    CHECK(bad == 0, "number formats: %d differ", bad);
}


static void
test_out_of_memory(void)
{
    size_t            i, n;
    prof_t            p;
    pbw_t             b;
    pprof_error_t     err;
    pprof_report_t   *r;
    pprof_profile_t  *pr;

    base_profile(&p);
    memset(&b, 0, sizeof(pbw_t));
    encode(&p, &b);

    /* every allocation failing in turn: errors, never crashes or leaks */
    n = 0;

    for (i = 1; i < 40000; i += 97) {
        counter.limit = i;
        pr = pprof_profile_parse(b.data, b.len, NULL, &alloc_count, &err);
        if (pr != NULL) {
            r = pprof_report(pr, NULL, &alloc_count, &err);
            if (r != NULL) {
                (void) pprof_report_tree(r, &err);
                pprof_report_free(r);
                n++;
            }
            pprof_profile_free(pr);
        }
        counter.limit = 0;
        CHECK(counter.live == 0, "oom leak at %zu: %ld", i, counter.live);
        if (counter.live) {
            break;
        }
    }

    CHECK(n > 0, "some limit is enough");
    pbw_free(&b);
}


static void
test_tree_and_groups(void)
{
    size_t                      i, n;
    prof_t                      p;
    pool_t                      pool;
    pprof_error_t               err;
    pprof_report_t             *r;
    pprof_profile_t            *pr;
    pprof_allocator_t           pa;
    const pprof_tree_t         *t;
    pprof_report_options_t      ro;
    const pprof_tree_node_t    *nd;
    const pprof_stack_group_t  *g;

    base_profile(&p);
    p.s[2].key = "worker";
    p.s[2].str = "7";

    /* a pool allocator: free is NULL */
    memset(&pool, 0, sizeof(pool_t));
    pa.alloc = pool_alloc;
    pa.free = NULL;
    pa.data = &pool;

    pr = parse(&p, &err, NULL);
    r = pprof_report(pr, NULL, &pa, &err);
    CHECK(r != NULL, "%s", err.msg);

    t = pprof_report_tree(r, &err);
    CHECK(t != NULL && t->nnodes == 5, "tree nodes: %zu", t ? t->nnodes : 0);

    if (t && t->nnodes == 5) {
        nd = t->nodes;
        CHECK(nd[0].cum == 16 && nd[0].depth == 0, "root");
        i = nd[0].first_child;
        CHECK(i != PPROF_NONE && nd[i].cum == 16 && nd[i].depth == 1
              && nd[i].next_sibling == PPROF_NONE, "main");
        i = nd[i].first_child;
        /* children by name: a before c */
        CHECK(nd[i].name.len == 1 && nd[i].name.data[0] == 'a'
              && nd[i].cum == 15 && nd[i].flat == 5, "a");
        i = nd[i].next_sibling;
        CHECK(i != PPROF_NONE && nd[i].name.data[0] == 'c'
              && nd[i].cum == 1, "c");
        CHECK(pprof_report_tree(r, &err) == t, "cached");
    }

    g = pprof_report_stack_groups(r, &n, &err);
    CHECK(g != NULL && n == 3, "groups: %zu", n);
    if (g && n == 3) {
        CHECK(g[0].count == 10 && g[0].nframes == 3
              && g[0].frames[0].line == 30
              && g[0].frames[0].file.len == 4, "biggest first, leaf first");
        CHECK(g[2].count == 1 && g[2].labels.len == 8
              && memcmp(g[2].labels.data, "worker=7", 8) == 0, "labels");
    }

    pprof_report_free(r);
    pprof_profile_free(pr);

    /* zoom: the first occurrence of a becomes the root's only child */
    memset(&ro, 0, sizeof(ro));
    ro.zoom = "a";
    pr = parse(&p, &err, NULL);
    r = pprof_report(pr, &ro, &pa, &err);
    t = r ? pprof_report_tree(r, &err) : NULL;
    CHECK(t && t->nnodes == 3 && t->nodes[0].cum == 15
          && t->nodes[t->nodes[0].first_child].name.data[0] == 'a', "zoom");
    pprof_report_free(r);
    pprof_profile_free(pr);

    pool_destroy(&pool);
}


/* --- the one output buffer --- */

static int
fail_write(void *data, const char *buf, size_t len)
{
    (void) buf;
    (void) len;

    return ++*(int *) data > 1 ? -1 : 0;
}


static void
test_out(void)
{
    int             calls;
    char            buf[64], big[200], *p;
    size_t          i, n;
    sink_t          s;
    pprof_out_t     out;
    pprof_error_t   err;

    for (i = 0; i < sizeof(big); i++) {
        big[i] = (char) ('a' + i % 26);
    }

    /* a writer: small pieces gather, a big one goes straight through */
    memset(&s, 0, sizeof(sink_t));
    pprof_out_init(&out, sink_write, &s, buf, sizeof(buf));
    pprof_out_lit(&out, "x=");
    pprof_out_uint(&out, 18446744073709551615ULL);
    pprof_out_printf(&out, " %d;", -7);
    pprof_out_write(&out, big, sizeof(big));
    p = pprof_out_reserve(&out, 10);
    CHECK(p != NULL, "reserve");
    if (p != NULL) {
        memcpy(p, "0123456789", 10);
        out.len += 10;
    }
    CHECK(pprof_out_reserve(&out, sizeof(buf) + 1) == NULL, "reserve big");
    CHECK(pprof_out_finish(&out, PPROF_OK, &err) == PPROF_OK, "finish");
    CHECK(s.len == 2 + 20 + 4 + sizeof(big) + 10
          && memcmp(s.buf, "x=18446744073709551615 -7;", 26) == 0
          && memcmp(s.buf + 26, big, sizeof(big)) == 0
          && memcmp(s.buf + 26 + sizeof(big), "0123456789", 10) == 0,
          "written %zu", s.len);
    free(s.buf);

    /* a failing writer: the rest is dropped, finish says so */
    calls = 0;
    pprof_out_init(&out, fail_write, &calls, buf, sizeof(buf));
    for (i = 0; i < 10; i++) {
        pprof_out_write(&out, big, 50);
    }
    CHECK(calls == 2, "calls %d", calls);
    CHECK(pprof_out_finish(&out, PPROF_OK, &err) == PPROF_ERROR
          && strcmp(err.msg, "writing the output failed") == 0, "%s",
          err.msg);

    /* a renderer's own error is kept */
    strcpy(err.msg, "mine");
    CHECK(pprof_out_finish(&out, PPROF_ERROR, &err) == PPROF_ERROR
          && strcmp(err.msg, "mine") == 0, "%s", err.msg);

    pprof_out_init(&out, sink_write, &s, buf, sizeof(buf));
    out.failed = PPROF_OUT_NOMEM;
    CHECK(pprof_out_finish(&out, PPROF_OK, &err) == PPROF_ERROR
          && strcmp(err.msg, "out of memory") == 0, "%s", err.msg);

    /* a string: cut like snprintf, the length counts everything */
    pprof_out_string(&out, buf, 8);
    pprof_out_lit(&out, "hello, ");
    pprof_out_write(&out, big, sizeof(big));
    pprof_out_lit(&out, "!");
    CHECK(pprof_out_reserve(&out, 1) == NULL, "string reserve");
    n = pprof_out_string_end(&out);
    CHECK(n == 7 + sizeof(big) + 1 && strcmp(buf, "hello, ") == 0,
          "%zu %s", n, buf);

    pprof_out_string(&out, NULL, 0);
    pprof_out_lit(&out, "abc");
    CHECK(pprof_out_string_end(&out) == 3, "counted");
}


/* --- the legend: one set of header values for the text and HTML views --- */

/* whether out has line, whole */
static int
has_line(const char *out, const char *line)
{
    const char  *p;
    size_t       len;

    len = strlen(line);

    for (p = out; p != NULL && *p; p = strchr(p, '\n'), p = p ? p + 1 : p) {
        if (strncmp(p, line, len) == 0 && (p[len] == '\n' || p[len] == '\0')) {
            return 1;
        }
    }

    return 0;
}


static void
test_legend(void)
{
    char                        line[128];
    char                       *text, *html;
    prof_t                      p;
    pprof_error_t               err;
    pprof_legend_t              lg;
    pprof_report_t             *r;
    pprof_profile_t            *pr;
    pprof_report_options_t      ro;
    const pprof_report_info_t  *ri;

    static const char  header[] =
        "File: kube-apiserver\nType: cpu\n"
        "Time: 2023-11-14 22:13:20 UTC\n"
        "Duration: 2s, Total samples = 16ns (8e-07%)\n"
        "Active filters:\n   focus=main\n   ignore=c\n"
        "Showing nodes accounting for ";

    /* a zone far from UTC: the legend must not follow it */
    setenv("TZ", "XST+05", 1);
    tzset();

    base_profile(&p);
    p.mapping_file = "/usr/local/bin/kube-apiserver";
    p.loc[0].mapping = 1;
    p.comment = "# hidden from the text";
    p.time_nanos = 1700000000123456789LL;
    p.duration_nanos = 2000000000;

    memset(&ro, 0, sizeof(pprof_report_options_t));
    ro.sample_type = "cpu";
    ro.focus = "main";
    ro.ignore = "c";

    ri = report_of(&p, &ro, &pr, &r, &err);
    CHECK(ri != NULL, "report: %s", err.msg);
    if (ri == NULL) {
        return;
    }

    memset(&lg, 0x55, sizeof(pprof_legend_t));
    pprof_report_legend(r, &lg);

    CHECK(pprof_str_is(lg.file, "kube-apiserver"), "file %.*s",
          (int) lg.file.len, lg.file.data);
    CHECK(pprof_str_is(lg.binary, "/usr/local/bin/kube-apiserver"),
          "binary");
    CHECK(lg.build_id.len == 0, "build id");
    CHECK(lg.ncomments == 1
          && pprof_str_is(lg.comments[0], "# hidden from the text"),
          "comments %zu", lg.ncomments);
    CHECK(pprof_str_is(lg.type, "cpu"), "type");
    CHECK(pprof_str_is(lg.unit, "nanoseconds"), "unit");
    CHECK(lg.period_type.type.len == 0, "period type");
    CHECK(!lg.goroutines, "goroutines");
    CHECK(strcmp(lg.time, "2023-11-14 22:13:20 UTC") == 0, "time %s",
          lg.time);
    CHECK(strcmp(lg.duration, "2s") == 0, "duration %s", lg.duration);
    CHECK(lg.period[0] == '\0', "period %s", lg.period);
    /* the filters leave the total alone, as in pprof */
    CHECK(lg.total == 16, "total %lld", (long long) lg.total);
    CHECK(strcmp(lg.total_label, "16ns") == 0, "total %s", lg.total_label);
    CHECK(strcmp(lg.total_share, "8e-07%") == 0, "share %s",
          lg.total_share);
    CHECK(lg.nfilters == 2 && strcmp(lg.filters[0].name, "focus") == 0
          && pprof_str_is(lg.filters[0].value, "main")
          && strcmp(lg.filters[1].name, "ignore") == 0
          && pprof_str_is(lg.filters[1].value, "c"),
          "filters");

    pprof_report_free(r);
    pprof_profile_free(pr);

    /* the text top and the HTML meta line print the same values */
    text = render(&p, &ro, PPROF_FORMAT_TOP, 0, &err);
    html = render(&p, &ro, PPROF_FORMAT_HTML, 0, &err);

    CHECK(text && strncmp(text, header, sizeof(header) - 1) == 0,
          "text header:\n%s", S(text));

    snprintf(line, sizeof(line), "Time: %s", lg.time);
    CHECK(text && has_line(text, line), "text %s", line);
    CHECK(html && strstr(html, "<span><b>Time:</b> 2023-11-14 22:13:20 UTC"
                         "</span><span><b>Duration:</b> 2s</span>"),
          "html meta: %s", S(html));
    CHECK(html && strstr(html, "<span><b>Total:</b> 16ns cpu</span>"
                         "<span><b>Binary:</b> "
                         "/usr/local/bin/kube-apiserver</span>"),
          "html total");
    CHECK(html && strstr(html, "<li># hidden from the text</li>"),
          "html comments");

    free(text);
    free(html);

    /* before 1970 rounds down; no time, no duration: no lines */
    p.time_nanos = -1;
    p.duration_nanos = 0;
    p.mapping_file = "/";
    ri = report_of(&p, NULL, &pr, &r, &err);
    CHECK(ri != NULL, "report: %s", err.msg);
    if (ri == NULL) {
        return;
    }

    pprof_report_legend(r, &lg);
    CHECK(strcmp(lg.time, "1969-12-31 23:59:59 UTC") == 0, "time %s",
          lg.time);
    CHECK(lg.duration[0] == '\0' && lg.total_share[0] == '\0',
          "no duration");
    CHECK(pprof_str_is(lg.file, "/"), "file of / %.*s", (int) lg.file.len,
          lg.file.data);
    CHECK(lg.nfilters == 0, "no filters");

    pprof_report_free(r);
    pprof_profile_free(pr);

    p.time_nanos = 0;
    text = render(&p, NULL, PPROF_FORMAT_TOP, 0, &err);
    CHECK(text && strstr(text, "Time:") == NULL
          && strstr(text, "Duration:") == NULL, "no time:\n%s", S(text));
    free(text);

    /* a goroutine profile counts goroutines */
    base_profile(&p);
    p.st[0][0] = "goroutine";
    p.nst = 1;
    ri = report_of(&p, NULL, &pr, &r, &err);
    CHECK(ri != NULL, "report: %s", err.msg);
    if (ri != NULL) {
        pprof_report_legend(r, &lg);
        CHECK(lg.goroutines && strcmp(lg.total_label, "3") == 0,
              "goroutines %d %s", lg.goroutines, lg.total_label);
        pprof_report_free(r);
        pprof_profile_free(pr);
    }

    setenv("TZ", "UTC", 1);
    tzset();
}

/* pprof_profile_merge(): B minus A as go tool pprof -diff_base / -base */

static pprof_profile_t *
diff_of(const prof_t *b, const prof_t *a, int mode, pprof_error_t *err)
{
    pprof_profile_t  *pb, *pa, *m;

    pb = parse(b, err, NULL);
    pa = parse(a, err, NULL);
    if (pb == NULL || pa == NULL) {
        pprof_profile_free(pb);
        pprof_profile_free(pa);
        return NULL;
    }

    m = pprof_profile_merge(pb, pa, mode, &alloc_count, err);
    if (m == NULL) {
        /* the caller keeps both */
        pprof_profile_free(pb);
        pprof_profile_free(pa);
    }

    return m;
}


/* A: base_profile's with b at 4, no c, its locations renumbered */
static void
older_profile(prof_t *p)
{
    int  i, k;

    base_profile(p);
    p->s[0].v[1] = 4;
    p->ns = 2;

    for (i = 0; i < p->nloc; i++) {
        p->loc[i].id += 10;
    }

    for (i = 0; i < p->ns; i++) {
        for (k = 0; k < p->s[i].nlocs; k++) {
            p->s[i].locs[k] += 10;
        }
    }
}


static const pprof_tree_node_t *
tree_node(const pprof_tree_t *t, const char *name)
{
    size_t  i;

    for (i = 0; i < t->nnodes; i++) {
        if (t->nodes[i].name.len == strlen(name)
            && memcmp(t->nodes[i].name.data, name, strlen(name)) == 0)
        {
            return &t->nodes[i];
        }
    }

    return NULL;
}


static void
test_diff(void)
{
    char                        buf[128];
    size_t                      i, n;
    prof_t                      a, b;
    pprof_error_t               err;
    pprof_report_t             *r;
    pprof_profile_t            *m;
    const pprof_tree_t         *t;
    const pprof_tree_node_t    *nd;
    const pprof_report_info_t  *ri;

    base_profile(&b);
    older_profile(&a);

    /* -diff_base: the differences, in percent of the base's total */
    m = diff_of(&b, &a, PPROF_BASE_DIFF, &err);
    CHECK(m != NULL, "diff: %s", err.msg);
    if (m == NULL) {
        return;
    }

    CHECK(m->info.nsamples == 5 && m->nbase == 2, "diff samples: %zu",
          m->info.nsamples);
    CHECK(m->info.nlocations == 4, "the base's locations are shared: %zu",
          m->info.nlocations);

    r = pprof_report(m, NULL, &alloc_count, &err);
    ri = r ? pprof_report_info(r) : NULL;
    CHECK(ri != NULL, "%s", err.msg);
    if (ri) {
        CHECK(ri->diff == 1, "a diff report");
        CHECK(ri->total == 9, "total of the base: %lld",
              (long long) ri->total);
        CHECK(FLAT(ri, "b") == 6 && FLAT(ri, "c") == 1
              && CUM(ri, "a") == 6 && CUM(ri, "main") == 7,
              "deltas: b %lld c %lld a %lld main %lld",
              (long long) FLAT(ri, "b"), (long long) FLAT(ri, "c"),
              (long long) CUM(ri, "a"), (long long) CUM(ri, "main"));

        t = pprof_report_tree(r, &err);
        CHECK(t != NULL, "%s", err.msg);
        if (t) {
            CHECK(t->nodes[0].cum == 16 && t->nodes[0].base == 9,
                  "root: B %lld, A %lld", (long long) t->nodes[0].cum,
                  (long long) t->nodes[0].base);
            nd = tree_node(t, "b");
            CHECK(nd && nd->cum == 10 && nd->base == 4, "node b: B/A");
            nd = tree_node(t, "c");
            CHECK(nd && nd->cum == 1 && nd->base == 0, "node c: new");
        }

        pprof_report_free(r);
    }

    pprof_profile_free(m);
    CHECK(counter.live == 0, "the merged profile frees both: %ld",
          counter.live);

    /* -base: equal samples merge, so the total is of what is left */
    m = diff_of(&b, &a, PPROF_BASE_SUBTRACT, &err);
    CHECK(m != NULL, "base: %s", err.msg);
    if (m) {
        r = pprof_report(m, NULL, &alloc_count, &err);
        ri = r ? pprof_report_info(r) : NULL;
        CHECK(ri && ri->total == 6 + 0 + 1 && FLAT(ri, "b") == 6,
              "-base total: %lld", ri ? (long long) ri->total : -1);
        if (r) {
            pprof_report_free(r);
        }
        pprof_profile_free(m);
    }

    /* the base's labels are rewritten into the merged strings */
    older_profile(&a);
    a.s[0].key = "worker";
    a.s[0].str = "7";
    b.s[1].key = "region";
    b.s[1].str = "eu";
    m = diff_of(&b, &a, PPROF_BASE_DIFF, &err);
    CHECK(m != NULL, "labels: %s", err.msg);
    if (m) {
        n = pprof_sample_labels(m, 3, buf, sizeof(buf));
        CHECK(n < sizeof(buf)
              && strncmp(buf, "worker=7 pprof::base=true", n) == 0,
              "base labels: %.*s", (int) n, buf);
        n = pprof_sample_labels(m, 1, buf, sizeof(buf));
        CHECK(n < sizeof(buf) && strncmp(buf, "region=eu", n) == 0,
              "profile labels: %.*s", (int) n, buf);
        n = pprof_sample_labels(m, 4, buf, sizeof(buf));
        CHECK(n < sizeof(buf) && strncmp(buf, "pprof::base=true", n) == 0,
              "base without labels: %.*s", (int) n, buf);
        pprof_profile_free(m);
    }

    /* another kind of profile: refused, and the caller keeps both */
    older_profile(&a);
    a.st[0][0] = "alloc_space";
    a.st[0][1] = "bytes";
    m = diff_of(&b, &a, PPROF_BASE_DIFF, &err);
    CHECK(m == NULL && strstr(err.msg, "another kind of profile")
          && strstr(err.msg, "samples/count")
          && strstr(err.msg, "alloc_space/bytes"),
          "incompatible: %s", err.msg);
    a.st[0][0] = "samples";
    a.st[0][1] = "count";
    a.nst = 1;
    a.s[0].v[1] = 0;
    m = diff_of(&b, &a, PPROF_BASE_DIFF, &err);
    CHECK(m == NULL, "fewer sample types: refused");
    CHECK(counter.live == 0, "refusals leak nothing: %ld", counter.live);

    /* every allocation failing in turn: NULL, never a leak */
    older_profile(&a);
    n = 0;

    for (i = 1; i < 20000; i += 61) {
        pprof_profile_t  *pb, *pa;

        pb = parse(&b, &err, NULL);
        pa = parse(&a, &err, NULL);
        counter.limit = counter.bytes + i;
        m = (pb && pa) ? pprof_profile_merge(pb, pa, PPROF_BASE_DIFF,
                                             &alloc_count, &err)
                       : NULL;
        counter.limit = 0;
        if (m) {
            n++;
            pprof_profile_free(m);
        } else {
            pprof_profile_free(pb);
            pprof_profile_free(pa);
        }
        CHECK(counter.live == 0, "merge oom leak at %zu: %ld", i,
              counter.live);
        if (counter.live) {
            break;
        }
    }

    CHECK(n > 0, "some limit is enough to merge");
}


int
main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--corpus") == 0) {
        corpus_dir = argv[2];
    }

    test_basic_and_packed();
    test_sort_cum();
    test_inline();
    test_recursion();
    test_sample_types();
    test_negative();
    test_drop_frames();
    test_focus_ignore();
    test_merge_and_naming();
    test_formats();
    test_json_escape();
    test_values();
    test_truncation();
    test_garbage();
    test_bad_indexes();
    test_gzip_bomb();
    test_gzip_paths();
    test_number_formats();
    test_out_of_memory();
    test_tree_and_groups();
    test_legend();
    test_out();
    test_diff();

    CHECK(counter.live == 0, "leaked %ld blocks", counter.live);

    printf("engine: %d passed, %d failed\n", passed, failed);

    return failed ? 1 : 0;
}
