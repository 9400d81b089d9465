
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
    /* by sample: the label a number (and its unit) when it has no str */
    int64_t                  num[MAXN];
    const char              *unit[MAXN];
    const char              *mapping_file;
    const char              *drop;
    const char              *keep;
    const char              *default_type;
    const char              *comment;
    int64_t                  time_nanos;
    int64_t                  duration_nanos;
    int                      packed;
    int                      extra_value;  /* sample 0: one value more */
    int                      system_names; /* system_name = name, as Go */
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
            if (p->s[i].str) {
                pbw_int(&l, 2, intern(&t, p->s[i].str));
            }
            if (p->num[i]) {
                pbw_int(&l, 3, (uint64_t) p->num[i]);
            }
            if (p->unit[i]) {
                pbw_int(&l, 4, intern(&t, p->unit[i]));
            }
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
        if (p->system_names) {
            pbw_int(&m, 3, intern(&t, p->fn[i].name));
        }
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


static char *render_view(const prof_t *p, const pprof_report_options_t *ro,
    int format, int view, size_t nodecount, pprof_error_t *err);


/* the rendering of p as text; NULL with err on failure */
static char *
render(const prof_t *p, const pprof_report_options_t *ro, int format,
    size_t nodecount, pprof_error_t *err)
{
    return render_view(p, ro, format, PPROF_VIEW_TOP, nodecount, err);
}


/* ... of a view (the page's, or peek's text) */
static char *
render_view(const prof_t *p, const pprof_report_options_t *ro, int format,
    int view, size_t nodecount, pprof_error_t *err)
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
    o.view = view;
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

    return pprof_report_functions(*r, 1, err);
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


/* -tagfocus and -tagignore with pprof's numeric ranges */
static void
test_tag_ranges(void)
{
    size_t                      i;
    prof_t                      p;
    pprof_error_t               err;
    pprof_report_t             *r;
    pprof_profile_t            *pr;
    pprof_report_options_t      ro;
    const pprof_report_info_t  *ri;

    static const struct {
        const char  *focus;
        const char  *ignore;
        int64_t      a, b, c;       /* flat of a, b, c; -1: no row */
    } cases[] = {
        /* heap's sizes: b 2 kB, a 512 B, c 1 MB */
        { "1kb:", NULL, 0, 10, 1 },
        { ":1kb", NULL, 5, -1, -1 },
        { "bytes=2kb", NULL, 0, 10, -1 },
        { "bytes=2048b", NULL, 0, 10, -1 },
        { "1kb:1mb", NULL, 0, 10, 1 },
        { "512b:2048", NULL, 5, 10, -1 },     /* 2048 in the first's unit */
        { "512b:2", NULL, -1, -1, -1 },
        { NULL, "512b", 0, 10, 1 },
        { NULL, "bytes=:1", -1, -1, -1 },     /* a unit of none: all kept */
        { "bytes=1kb:2ms", NULL, -1, -1, -1 }, /* two units: a regex */
        { "other=1kb:", NULL, -1, -1, -1 },   /* no such key */
        { "1024:", NULL, -1, -1, -1 }         /* bytes are not unitless */
    };

    base_profile(&p);
    p.s[0].key = "bytes";
    p.num[0] = 2048;
    p.s[1].key = "bytes";
    p.num[1] = 512;
    p.s[2].key = "bytes";
    p.num[2] = 1 << 20;
    memset(&ro, 0, sizeof(ro));

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        ro.tagfocus = cases[i].focus;
        ro.tagignore = cases[i].ignore;
        ri = report_of(&p, &ro, &pr, &r, &err);
        CHECK(ri != NULL, "%s: %s", S(cases[i].focus), err.msg);
        if (ri == NULL) {
            continue;
        }

        if (cases[i].a == -1 && cases[i].b == -1 && cases[i].c == -1) {
            /* nothing or everything */
            CHECK((row(ri, "main") == NULL) == (cases[i].focus != NULL),
                  "%s %s: all or none", S(cases[i].focus),
                  S(cases[i].ignore));

        } else {
            CHECK((cases[i].a == -1 ? row(ri, "a") == NULL
                   : FLAT(ri, "a") == cases[i].a)
                  && (cases[i].b == -1 ? row(ri, "b") == NULL
                      : FLAT(ri, "b") == cases[i].b)
                  && (cases[i].c == -1 ? row(ri, "c") == NULL
                      : FLAT(ri, "c") == cases[i].c),
                  "%s %s: a %lld b %lld c %lld", S(cases[i].focus),
                  S(cases[i].ignore), (long long) FLAT(ri, "a"),
                  (long long) FLAT(ri, "b"), (long long) FLAT(ri, "c"));
        }

        done_report(pr, r);
    }

    /* hostile values: a clear error */
    ro.tagignore = NULL;
    ro.tagfocus = "1xyz:";
    ri = report_of(&p, &ro, &pr, &r, &err);
    CHECK(ri == NULL && strstr(err.msg, "tagfocus: unknown unit \"xyz\""),
          "bad unit: %s", err.msg);

    ro.tagfocus = "bytes=99999999999999999999:";
    ri = report_of(&p, &ro, &pr, &r, &err);
    CHECK(ri == NULL && strstr(err.msg, "tagfocus: the number in")
          && strstr(err.msg, "out of range"), "huge: %s", err.msg);

    ro.tagfocus = NULL;
    ro.tagignore = "1kb:-99999999999999999999kb";
    ri = report_of(&p, &ro, &pr, &r, &err);
    CHECK(ri == NULL && strstr(err.msg, "tagignore: the number"),
          "huge second: %s", err.msg);

    /* a unit of the profile's own labels is fine: "workers" (its key) */
    ro.tagignore = NULL;
    ro.tagfocus = "3workers:";
    p.s[1].key = "workers";
    p.num[1] = 4;
    ri = report_of(&p, &ro, &pr, &r, &err);
    CHECK(ri && FLAT(ri, "a") == 5 && row(ri, "b") == NULL,
          "label unit: %s", ri ? "" : err.msg);
    if (ri) {
        done_report(pr, r);
    }
}


/* pprof's nodelets in the DOT: label sets and "bytes" sizes by node */
static void
test_nodelets(void)
{
    int            i, n;
    char          *out, *q;
    prof_t         p;
    pprof_error_t  err;

    static const int64_t  sizes[] = { 16, 32, 48, 1024, 2048, 4096 };

    /* main -> a -> b (10, handler:Put), main -> a (5, handler:Get),
     * main -> c (1, 2 kB) */
    base_profile(&p);
    p.s[0].key = "handler";
    p.s[0].str = "Put";
    p.s[1].key = "handler";
    p.s[1].str = "Get";
    p.s[2].key = "bytes";
    p.num[2] = 2048;

    out = render(&p, NULL, PPROF_FORMAT_DOT, 80, &err);
    CHECK(out != NULL, "dot: %s", err.msg);
    if (out) {
        /* a leaf shows cum, a node with callees flat (main has none) */
        CHECK(strstr(out, "_0 [label = \"handler:Put\" id=\"N")
              && strstr(out, "fontsize=8 shape=box3d tooltip=\"10ns\"]"),
              "b's label set: %s", out);
        CHECK(strstr(out, "[label = \"handler:Get\"")
              && strstr(out, " [label=\" 5ns\" weight=100 tooltip=\"5ns\" "
                        "labeltooltip=\"5ns\"]"), "a's flat label set");
        CHECK(strstr(out, "[label = \"2kB\"") && strstr(out, "NN"),
              "c's size");
        CHECK(strstr(out, " minlen=2]"), "edges from nodes with nodelets");
        free(out);
    }

    /* six sizes on one leaf: four ranges, the rest joining the nearest */
    base_profile(&p);
    n = (int) (sizeof(sizes) / sizeof(sizes[0]));
    for (i = 0; i < n; i++) {
        p.s[i] = p.s[2];
        p.s[i].v[1] = 6 - i;
        p.s[i].key = "bytes";
        p.num[i] = sizes[i];
    }
    p.ns = n;

    out = render(&p, NULL, PPROF_FORMAT_DOT, 80, &err);
    CHECK(out != NULL, "dot: %s", err.msg);
    if (out) {
        n = 0;
        for (q = out; (q = strstr(q, "shape=box3d")) != NULL; q++) {
            n++;
        }

        CHECK(n == 4 && strstr(out, "_1 [label = \"1kB..4kB\"")
              && strstr(out, "_0 [label = \"16B\"")
              && strstr(out, "_3 [label = \"48B\""),
              "collapsed sizes (%d): %s", n, out);
        free(out);
    }

    /* a label value that would end the DOT string stays inside it */
    base_profile(&p);
    p.s[0].key = "k";
    p.s[0].str = "a\"b\\";
    out = render(&p, NULL, PPROF_FORMAT_DOT, 80, &err);
    CHECK(out && strstr(out, "[label = \"k:a\\\"b\\\\\" id="),
          "escaped label: %s", out ? out : err.msg);
    free(out);

    /* and the SVG draws them under their node */
    base_profile(&p);
    p.s[0].key = "handler";
    p.s[0].str = "Put";
    p.s[1].key = "role";
    p.s[1].str = "x";
    out = render(&p, NULL, PPROF_FORMAT_SVG, 80, &err);
    CHECK(out && strstr(out, "<g class=\"nodelet\"><title>handler:Put (10ns)"
                        "</title>"), "svg nodelet: %s", out ? out : err.msg);
    free(out);
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
    ri = r ? pprof_report_functions(r, 1, &err) : NULL;
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
        ri = r ? pprof_report_functions(r, 1, &err) : NULL;
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


/* --- the refine options, granularity, peek and the graph's selection ---
 *
 * Expected values derived by hand from the profile below; each was
 * checked with go tool pprof 1.19 on the same profile (test_engine
 * --corpus DIR writes it as seed-refine.pb): e.g.
 * `go tool pprof -top -show_from='^a$' seed-refine.pb`.
 */

/*
 * base_profile's with labels and a second line of a: main a b 10
 * (worker=x), main a 5 (worker=y), main c 1, main a:21 2 (location 5 at
 * 0x2100).  Total 18: main 0/18, a 7/17, b 10/10, c 1/1.
 */
static void
refine_profile(prof_t *p)
{
    base_profile(p);
    p->loc[4] = (loc_t) { 5, 0, 0x2100, 1, { 2 }, { 21 } };
    p->nloc = 5;
    p->s[0].key = "worker";
    p->s[0].str = "x";
    p->s[1].key = "worker";
    p->s[1].str = "y";
    p->s[3] = (smp_t) { 2, { 5, 1 }, { 1, 2 }, NULL, NULL };
    p->ns = 4;
}


/* the report of p with one option set (field of pprof_report_args i) */
static const pprof_report_info_t *
report_with(const prof_t *p, int arg, const char *value,
    pprof_report_options_t *ro, pprof_profile_t **pr, pprof_report_t **r,
    pprof_error_t *err)
{
    memset(ro, 0, sizeof(pprof_report_options_t));
    pprof_report_arg(ro, arg) = value;

    return report_of(p, ro, pr, r, err);
}


/* whether the rows of ri are exactly "name flat cum ..." of want, in order */
static int
rows_are(const pprof_report_info_t *ri, const char *const *names,
    const int64_t *flat, const int64_t *cum, size_t n)
{
    size_t  i;

    if (ri == NULL || ri->nfunctions != n) {
        return 0;
    }

    for (i = 0; i < n; i++) {
        if (!pprof_str_is(ri->functions[i].name, names[i])
            || ri->functions[i].flat != flat[i]
            || ri->functions[i].cum != cum[i])
        {
            return 0;
        }
    }

    return 1;
}


static void
dump_rows(const char *what, const pprof_report_info_t *ri)
{
    size_t  i;

    if (ri == NULL) {
        return;
    }

    fprintf(stderr, "  %s: %zu rows, total %lld\n", what, ri->nfunctions,
            (long long) ri->total);

    for (i = 0; i < ri->nfunctions; i++) {
        fprintf(stderr, "    %.*s %lld %lld\n",
                (int) ri->functions[i].name.len, ri->functions[i].name.data,
                (long long) ri->functions[i].flat,
                (long long) ri->functions[i].cum);
    }
}


typedef struct {
    int                      arg;          /* PPROF_RARG_* */
    const char              *value;
    size_t                   n;            /* rows, flat order */
    const char              *names[6];
    int64_t                  flat[6];
    int64_t                  cum[6];
} refine_case_t;


static void
test_refine(void)
{
    int                         ok;
    size_t                      i;
    prof_t                      p;
    pprof_error_t               err;
    pprof_report_t             *r;
    pprof_profile_t            *pr;
    pprof_report_options_t      ro;
    const pprof_report_info_t  *ri;

    static const refine_case_t  cases[] = {
        /* hide: b's frames go, its samples stay, a is their leaf */
        { PPROF_RARG_HIDE, "^b$", 3, { "a", "c", "main" },
          { 17, 1, 0 }, { 17, 1, 18 } },
        /* show: only a and c remain on the stacks */
        { PPROF_RARG_SHOW, "^(a|c)$", 2, { "a", "c" },
          { 17, 1 }, { 17, 1 } },
        /* show_from: main above a goes; main c has no a: dropped */
        { PPROF_RARG_SHOW_FROM, "^a$", 2, { "b", "a" },
          { 10, 7 }, { 10, 17 } },
        /* focus and ignore match the file name too */
        { PPROF_RARG_FOCUS, "c\\.go$", 2, { "c", "main" },
          { 1, 0 }, { 1, 1 } },
        { PPROF_RARG_IGNORE, "b\\.go$", 3, { "a", "c", "main" },
          { 7, 1, 0 }, { 7, 1, 8 } },
        /* tagfocus: key=regex on the key's values */
        { PPROF_RARG_TAGFOCUS, "worker=x", 3, { "b", "a", "main" },
          { 10, 0, 0 }, { 10, 10, 10 } },
        { PPROF_RARG_TAGFOCUS, "worker=^(x|y)$", 3, { "b", "a", "main" },
          { 10, 5, 0 }, { 10, 15, 15 } },
        /* ... a list of regexes, any matching */
        { PPROF_RARG_TAGFOCUS, "worker=nope,y", 2, { "a", "main" },
          { 5, 0 }, { 5, 5 } },
        /* ... a bare regex on "key:value" */
        { PPROF_RARG_TAGFOCUS, "^worker:y$", 2, { "a", "main" },
          { 5, 0 }, { 5, 5 } },
        { PPROF_RARG_TAGFOCUS, "other=.*", 0, { NULL }, { 0 }, { 0 } },
        /* tagignore: samples without the label stay */
        { PPROF_RARG_TAGIGNORE, "worker=x", 3, { "a", "c", "main" },
          { 7, 1, 0 }, { 7, 1, 8 } },
        { PPROF_RARG_TAGIGNORE, "worker:", 3, { "a", "c", "main" },
          { 2, 1, 0 }, { 2, 1, 3 } },
        /* granularity: rows named as go tool pprof -top -files etc. */
        { PPROF_RARG_GRANULARITY, "functions", 4, { "b", "a", "c", "main" },
          { 10, 7, 1, 0 }, { 10, 17, 1, 18 } },
        { PPROF_RARG_GRANULARITY, "filefunctions", 4,
          { "b b.go", "a a.go", "c c.go", "main main.go" },
          { 10, 7, 1, 0 }, { 10, 17, 1, 18 } },
        { PPROF_RARG_GRANULARITY, "files", 4,
          { "b.go", "a.go", "c.go", "main.go" },
          { 10, 7, 1, 0 }, { 10, 17, 1, 18 } },
        { PPROF_RARG_GRANULARITY, "lines", 5,
          { "b b.go:30", "a a.go:20", "a a.go:21", "c c.go:40",
            "main main.go:10" },
          { 10, 5, 2, 1, 0 }, { 10, 15, 2, 1, 18 } },
        { PPROF_RARG_GRANULARITY, "addresses", 5,
          { "0000000000003000 b b.go:30", "0000000000002000 a a.go:20",
            "0000000000002100 a a.go:21", "0000000000004000 c c.go:40",
            "0000000000001000 main main.go:10" },
          { 10, 5, 2, 1, 0 }, { 10, 15, 2, 1, 18 } }
    };

    refine_profile(&p);
    pr = parse(&p, &err, "refine");
    pprof_profile_free(pr);

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        ri = report_with(&p, cases[i].arg, cases[i].value, &ro, &pr, &r,
                         &err);
        CHECK(ri != NULL, "%s=%s: %s", pprof_report_args[cases[i].arg].name,
              cases[i].value, err.msg);
        if (ri == NULL) {
            continue;
        }

        ok = rows_are(ri, cases[i].names, cases[i].flat, cases[i].cum,
                      cases[i].n);
        CHECK(ok && ri->total == 18, "%s=%s",
              pprof_report_args[cases[i].arg].name, cases[i].value);
        if (!ok) {
            dump_rows(cases[i].value, ri);
        }

        done_report(pr, r);
    }

    /* focus on the mapping's file: the locations in it (a:20 only) */
    p.mapping_file = "/usr/bin/app";
    p.loc[1].mapping = 1;
    ri = report_with(&p, PPROF_RARG_FOCUS, "^/usr/bin/app$", &ro, &pr, &r,
                     &err);
    CHECK(ri && FLAT(ri, "b") == 10 && FLAT(ri, "a") == 5
          && CUM(ri, "main") == 15 && row(ri, "c") == NULL,
          "focus on the mapping: %s", err.msg);
    if (ri) {
        done_report(pr, r);
    }

    /* tagfocus and tagignore together; focus with hide */
    refine_profile(&p);
    memset(&ro, 0, sizeof(ro));
    ro.tagfocus = "worker=.";
    ro.tagignore = "worker=x";
    ri = report_of(&p, &ro, &pr, &r, &err);
    CHECK(ri && ri->nfunctions == 2 && FLAT(ri, "a") == 5
          && CUM(ri, "main") == 5, "tagfocus and tagignore");
    if (ri) {
        done_report(pr, r);
    }

    memset(&ro, 0, sizeof(ro));
    ro.focus = "^b$";
    ro.hide = "^a$";
    ri = report_of(&p, &ro, &pr, &r, &err);
    CHECK(ri && ri->nfunctions == 2 && FLAT(ri, "b") == 10
          && CUM(ri, "main") == 10 && row(ri, "a") == NULL,
          "focus, then hide");
    if (ri) {
        done_report(pr, r);
    }

    /* the top text names the filters and rows as pprof -top -lines */
    memset(&ro, 0, sizeof(ro));
    ro.granularity = "lines";
    ro.hide = "^c$";
    {
        char  *out;

        out = render(&p, &ro, PPROF_FORMAT_TOP, 0, &err);
        CHECK(out && strstr(out, "Active filters:\n   hide=^c$\n"
                            "Showing nodes accounting for 18ns, 100% of 18ns "
                            "total\n")
              && strstr(out, "\n       5ns 27.78% 83.33%       15ns 83.33%"
                             "  a a.go:20\n")
              && strstr(out, "\n       1ns  5.56%   100%       18ns   100%"
                             "  main main.go:10\n"),
              "lines text:\n%s", S(out));
        free(out);
    }
}


/* every bad option refused, by pprof_report() and before it by
 * pprof_report_check(), with the same one-line reason */
static void
test_refine_errors(void)
{
    size_t                      i;
    char                        big[600], many[100];
    prof_t                      p;
    pprof_error_t               err, err2;
    pprof_report_t             *r;
    pprof_profile_t            *pr;
    pprof_report_options_t      ro;

    static const struct {
        int                      arg;
        const char              *value;
        const char              *msg;
    } bad[] = {
        { PPROF_RARG_GRANULARITY, "Lines", "granularity \"Lines\" is not "
          "functions, filefunctions, files, lines or addresses" },
        { PPROF_RARG_HIDE, "(", "hide: bad regular expression: " },
        { PPROF_RARG_SHOW, "[", "show: bad regular expression: " },
        { PPROF_RARG_SHOW_FROM, "(a)\\1",
          "show_from: backreferences are not supported" },
        { PPROF_RARG_IGNORE, NULL,
          "ignore: regular expression longer than 512 bytes" },
        { PPROF_RARG_TAGFOCUS, "worker=(", "tagfocus: bad regular "
          "expression: " },
        { PPROF_RARG_TAGIGNORE, "*", "tagignore: bad regular expression: " },
        { PPROF_RARG_TAGFOCUS, "", "tagfocus: more than 32 regexes" },
        { PPROF_RARG_NODEFRACTION, "1.5",
          "\"nodefraction\" must be a number from 0 to 1" },
        { PPROF_RARG_NODEFRACTION, "-0.1",
          "\"nodefraction\" must be a number from 0 to 1" },
        { PPROF_RARG_EDGEFRACTION, "nan",
          "\"edgefraction\" must be a number from 0 to 1" },
        { PPROF_RARG_EDGEFRACTION, "0x1",
          "\"edgefraction\" must be a number from 0 to 1" }
    };

    memset(big, 'a', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';

    for (i = 0; i < 33; i++) {
        many[2 * i] = 'a';
        many[2 * i + 1] = ',';
    }
    many[65] = '\0';

    refine_profile(&p);
    pr = parse(&p, &err, NULL);
    if (pr == NULL) {
        CHECK(0, "%s", err.msg);
        return;
    }

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        memset(&ro, 0, sizeof(ro));
        pprof_report_arg(&ro, bad[i].arg) =
            bad[i].value ? (bad[i].value[0] ? bad[i].value : many) : big;

        r = pprof_report(pr, &ro, &alloc_count, &err);
        CHECK(r == NULL && strncmp(err.msg, bad[i].msg, strlen(bad[i].msg))
                           == 0,
              "%s: %s", bad[i].msg, err.msg);
        pprof_report_free(r);

        CHECK(pprof_report_check(&ro, &alloc_count, &err2) == PPROF_ERROR
              && strcmp(err.msg, err2.msg) == 0,
              "check: %s: %s", bad[i].msg, err2.msg);
    }

    /* good ones pass the check */
    memset(&ro, 0, sizeof(ro));
    ro.granularity = "addresses";
    ro.tagfocus = "worker=x,y";
    ro.tagignore = "a:b";
    ro.show_from = "^main$";
    ro.nodefraction = "0";
    ro.edgefraction = "1";
    CHECK(pprof_report_check(&ro, &alloc_count, &err) == PPROF_OK, "%s",
          err.msg);

    pprof_profile_free(pr);
    CHECK(counter.live == 0, "errors leak nothing: %ld", counter.live);
}


static void
test_peek(void)
{
    char                       *out;
    size_t                      n;
    prof_t                      p;
    pprof_error_t               err;
    pprof_report_t             *r;
    pprof_profile_t            *pr;
    pprof_report_options_t      ro;
    const pprof_peek_t         *pk;
    const pprof_report_info_t  *ri;

    /* peek a: its caller main (17), its callee b (10); the focus filters
     * no sample: c stays a row */
    refine_profile(&p);
    memset(&ro, 0, sizeof(ro));
    ro.focus = "^a$";
    ro.peek = 1;

    ri = report_of(&p, &ro, &pr, &r, &err);
    CHECK(ri != NULL, "%s", err.msg);
    if (ri == NULL) {
        return;
    }

    CHECK(ri->nfunctions == 4 && FLAT(ri, "c") == 1, "peek filters none");
    CHECK(pprof_report_peek(r, &pk, &n, &err) == PPROF_OK && n == 1
          && pprof_str_is(ri->functions[pk[0].row].name, "a")
          && pk[0].nin == 1 && pk[0].in[0].weight == 17
          && pprof_str_is(ri->functions[pk[0].in[0].row].name, "main")
          && pk[0].nout == 1 && pk[0].out[0].weight == 10
          && pprof_str_is(ri->functions[pk[0].out[0].row].name, "b"),
          "peek of a: %zu", n);
    done_report(pr, r);

    /* the text as go tool pprof -peek '^a$' prints it (pprof 1.19) */
    out = render_view(&p, &ro, PPROF_FORMAT_TOP, PPROF_VIEW_PEEK, 0, &err);
    CHECK(out && strstr(out, "Showing nodes accounting for 18ns, 100% of "
                        "18ns total\n"
          "----------------------------------------------------------+"
          "-------------\n"
          "      flat  flat%   sum%        cum   cum%   calls calls% + "
          "context \t \t \n"
          "----------------------------------------------------------+"
          "-------------\n"
          "                                              17ns   100% |   "
          "main\n"
          "       7ns 38.89% 38.89%       17ns 94.44%                | a\n"
          "                                              10ns 58.82% |   "
          "b\n"
          "----------------------------------------------------------+"
          "-------------\n"),
          "peek text:\n%s", S(out));
    free(out);

    /* at lines granularity the regex meets "a a.go:20": "^a$" matches
     * nothing there (as in pprof), "^a " both lines of a */
    ro.granularity = "lines";
    out = render_view(&p, &ro, PPROF_FORMAT_TOP, PPROF_VIEW_PEEK, 0, &err);
    CHECK(out == NULL && strstr(err.msg, "no matches found"), "%s",
          err.msg);
    free(out);

    ro.focus = "^a ";
    out = render_view(&p, &ro, PPROF_FORMAT_TOP, PPROF_VIEW_PEEK, 0, &err);
    CHECK(out && strstr(out, "-------------\n"
          "                                              15ns   100% |   "
          "main main.go:10\n"
          "       5ns 27.78% 27.78%       15ns 83.33%                | "
          "a a.go:20\n"
          "                                              10ns 66.67% |   "
          "b b.go:30\n"
          "----------------------------------------------------------+"
          "-------------\n"
          "                                               2ns   100% |   "
          "main main.go:10\n"
          "       2ns 11.11% 38.89%        2ns 11.11%                | "
          "a a.go:21\n"
          "----------------------------------------------------------+"
          "-------------\n"),
          "peek lines:\n%s", S(out));
    free(out);

    /* a regex matching nothing: pprof's words */
    ro.granularity = NULL;
    ro.focus = "^nothing$";
    out = render_view(&p, &ro, PPROF_FORMAT_TOP, PPROF_VIEW_PEEK, 0, &err);
    CHECK(out == NULL
          && strcmp(err.msg, "no matches found for regexp: ^nothing$") == 0,
          "peek nothing: %s", err.msg);
    free(out);
}


/* the DOT nodes and edges by their tooltips, "main (18)", "main -> a (17)" */
static int
dot_has(const char *dot, const char *tooltip)
{
    char  buf[256];

    snprintf(buf, sizeof(buf), " tooltip=\"%s\"", tooltip);

    return dot != NULL && strstr(dot, buf) != NULL;
}


typedef struct {
    int                      arg;          /* PPROF_RARG_*, -1: none */
    const char              *value;
    const char              *has[8];       /* tooltips, NULL-ended */
    const char              *lacks[4];
} graph_case_t;


static void
test_graph_selection(void)
{
    int                      ok;
    char                    *out;
    size_t                   i, k;
    prof_t                   p;
    pprof_error_t            err;
    pprof_report_options_t   ro;

    static const graph_case_t  cases[] = {
        /* every node and edge at pprof's default fractions */
        { -1, NULL,
          { "main (18ns)", "a (17ns)", "b (10ns)", "c (1ns)",
            "main -> a (17ns)", "a -> b (10ns)", "main -> c (1ns)" },
          { NULL } },
        /* nodefraction: the cutoff is a whole value, as pprof's int64:
         * 0.1 of 18 is 1, so c (1) stays; 0.12 is 2, c and its edge go */
        { PPROF_RARG_NODEFRACTION, "0.1",
          { "c (1ns)", "main -> c (1ns)" }, { NULL } },
        { PPROF_RARG_NODEFRACTION, "0.12",
          { "b (10ns)" }, { "c (1ns)", "main -> c (1ns)" } },
        /* edgefraction 0.5: edges under 9 go, their nodes stay */
        { PPROF_RARG_EDGEFRACTION, "0.5",
          { "c (1ns)", "a -> b (10ns)", "main -> a (17ns)" },
          { "main -> c (1ns)" } },
        /* the refine options select what the graph is of */
        { PPROF_RARG_SHOW_FROM, "^a$",
          { "a (17ns)", "a -> b (10ns)" }, { "main (18ns)", "c (1ns)" } }
    };

    refine_profile(&p);

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        memset(&ro, 0, sizeof(ro));
        if (cases[i].arg >= 0) {
            pprof_report_arg(&ro, cases[i].arg) = cases[i].value;
        }

        out = render(&p, &ro, PPROF_FORMAT_DOT, 80, &err);
        ok = out != NULL;

        for (k = 0; k < 8 && cases[i].has[k]; k++) {
            ok = ok && dot_has(out, cases[i].has[k]);
        }

        for (k = 0; k < 4 && cases[i].lacks[k]; k++) {
            ok = ok && !dot_has(out, cases[i].lacks[k]);
        }

        CHECK(ok, "graph %s:\n%s", S(cases[i].value), S(out));
        free(out);
    }

    /* nodecount 2 (a profile without labels: pprof counts a node's
     * label nodelets as nodes too): by pprof's entropy order main and b,
     * a trimmed into the dotted residual edge main ... b */
    base_profile(&p);
    memset(&ro, 0, sizeof(ro));
    out = render(&p, &ro, PPROF_FORMAT_DOT, 2, &err);
    CHECK(out && strstr(out, "Showing top 2 nodes out of 4")
          && dot_has(out, "main (16ns)") && dot_has(out, "b (10ns)")
          && !dot_has(out, "a (15ns)") && !dot_has(out, "c (1ns)")
          && dot_has(out, "main ... b (10ns)")
          && strstr(out, " style=\"dotted\""), "nodecount:\n%s", S(out));
    free(out);
}


/* the diff's top as go tool pprof -top -diff_base A B and -base A B print
 * it: percentages of the base's total (9) with -diff_base, of what is
 * left (7) with -base */
static void
test_diff_text(void)
{
    char             *out;
    sink_t            s;
    prof_t            a, b;
    pprof_error_t     err;
    pprof_report_t   *r;
    pprof_profile_t  *m;
    pprof_render_options_t  o;
    int               mode;

    base_profile(&b);
    older_profile(&a);
    m = parse(&b, &err, "diff-b");
    pprof_profile_free(m);
    m = parse(&a, &err, "diff-a");
    pprof_profile_free(m);

    for (mode = PPROF_BASE_DIFF; mode <= PPROF_BASE_SUBTRACT; mode++) {
        m = diff_of(&b, &a, mode, &err);
        CHECK(m != NULL, "%s", err.msg);
        if (m == NULL) {
            continue;
        }

        r = pprof_report(m, NULL, &alloc_count, &err);
        CHECK(r != NULL, "%s", err.msg);
        if (r == NULL) {
            pprof_profile_free(m);
            continue;
        }

        memset(&s, 0, sizeof(sink_t));
        sink_write(&s, "", 0);
        memset(&o, 0, sizeof(o));
        o.format = PPROF_FORMAT_TOP;
        o.write = sink_write;
        o.data = &s;
        out = pprof_render(r, &o, &err) == PPROF_OK ? s.buf : NULL;

        if (mode == PPROF_BASE_DIFF) {
            CHECK(out && strstr(out,
                  "Showing nodes accounting for 7ns, 77.78% of 9ns total\n"
                  "      flat  flat%   sum%        cum   cum%\n"
                  "       6ns 66.67% 66.67%        6ns 66.67%  b\n"
                  "       1ns 11.11% 77.78%        1ns 11.11%  c\n"
                  "         0     0% 77.78%        6ns 66.67%  a\n"
                  "         0     0% 77.78%        7ns 77.78%  main\n"),
                  "-diff_base:\n%s", S(out));

        } else {
            CHECK(out && strstr(out,
                  "Showing nodes accounting for 7ns, 100% of 7ns total\n"
                  "      flat  flat%   sum%        cum   cum%\n"
                  "       6ns 85.71% 85.71%        6ns 85.71%  b\n"
                  "       1ns 14.29%   100%        1ns 14.29%  c\n"
                  "         0     0%   100%        6ns 85.71%  a\n"
                  "         0     0%   100%        7ns   100%  main\n"),
                  "-base:\n%s", S(out));
        }

        free(s.buf);
        pprof_report_free(r);
        pprof_profile_free(m);
    }
}


/*
 * Display names: what go tool pprof 1.19 -top shows for names that look
 * demangled (its symbolizer strips "(...)" and "<...>" then, and keeps Go
 * generic methods "pkg.(*T[...]).M" and Java's "<init>" as they are).
 * The expectations come from go tool pprof 1.19 -top on this profile
 * (test_engine --corpus DIR: seed-names.pb), not from the engine.
 */
static void
test_display_names(void)
{
    int                         i, n, ok;
    char                       *out, *html, want[1100], esc[512], full[512];
    size_t                      len;
    prof_t                      p;
    pprof_error_t               err;
    pprof_report_t             *r;
    pprof_profile_t            *pr;
    const pprof_report_info_t  *ri;

    static const struct {
        const char              *name;      /* as in the profile */
        const char              *shown;     /* go tool pprof -top's */
        int64_t                  flat;      /* of the row shown */
    } names[] = {
        { "k8s.io/apimachinery/pkg/util/sets.Set[...].Insert",
          "k8s.io/apimachinery/pkg/util/sets.Set[...].Insert", 300 },
        { "k8s.io/client-go/tools/cache.(*Store[...]).Add",
          "k8s.io/client-go/tools/cache.(*Store[...]).Add", 290 },
        { "main.Map[go.shape.int_0,go.shape.string_1]",
          "main.Map[go.shape.int_0,go.shape.string_1]", 280 },
        { "main.Apply[go.shape.func(int) string]",
          "main.Apply[go.shape.func string]", 270 },
        { "ns::Class<T>::method(int, char const*) const",
          "ns::Class::method const", 260 },
        { "std::vector<int, std::allocator<int> >::push_back(int const&)",
          "std::vector::push_back", 250 },
        { "Foo::operator()(int)", "Foo::operator", 240 },
        { "(anonymous namespace)::helper(int)", "::helper", 230 },
        { "main::{lambda(int)#1}::operator()(int) const",
          "main::{lambda#1}::operator const", 220 },
        { "Foo::operator<<(std::ostream&)", "Foo::operator<<", 210 },
        { "Foo::operator->()", "Foo::operator->", 200 },
        /* two instances, one name: one row */
        { "core::ptr::drop_in_place<alloc::vec::Vec<u8>>",
          "core::ptr::drop_in_place", 193 },
        { "core::ptr::drop_in_place<alloc::string::String>",
          "core::ptr::drop_in_place", 193 },
        { "<T as core::fmt::Debug>::fmt", "::fmt", 180 },
        { "<alloc::vec::Vec<T> as core::ops::drop::Drop>::drop", "::drop",
          170 },
        { "tokio::runtime::task::harness::poll_future::h0123456789abcdef",
          "tokio::runtime::task::harness::poll_future::h0123456789abcdef",
          160 },
        { "std::rt::lang_start::{{closure}}::h0123456789abcdef",
          "std::rt::lang_start::{{closure}}::h0123456789abcdef", 150 },
        { "java.lang.Object.<init>", "java.lang.Object.<init>", 140 }
    };

    n = sizeof(names) / sizeof(names[0]);

    memset(&p, 0, sizeof(prof_t));
    p.st[0][0] = "cpu";
    p.st[0][1] = "nanoseconds";
    p.nst = 1;
    p.system_names = 1;
    p.fn[0] = (fn_t) { 1, "main.main", "main.go" };
    p.loc[0] = (loc_t) { 1, 0, 0x1000, 1, { 1 }, { 1 } };

    for (i = 0; i < n; i++) {
        p.fn[i + 1] = (fn_t) { i + 2, names[i].name, "x.cc" };
        p.loc[i + 1] = (loc_t) { i + 2, 0, 0x2000 + 16 * i, 1, { i + 2 },
                                 { 10 + i } };
        p.s[i] = (smp_t) { 2, { i + 2, 1 },
                           { names[i].flat
                             - (i == 11 ? 3 : i == 12 ? 190 : 0) },
                           NULL, NULL };
    }

    p.nfn = n + 1;
    p.nloc = n + 1;
    p.ns = n;

    ri = report_of(&p, NULL, &pr, &r, &err);
    CHECK(ri != NULL, "%s", err.msg);
    if (ri == NULL) {
        return;
    }

    /* the two drop_in_place are one row, main.main one more */
    CHECK(ri->nfunctions == (size_t) n, "rows: %zu", ri->nfunctions);

    ok = ri->nfunctions == (size_t) n;

    for (i = 0; i < n; i++) {
        CHECK(FLAT(ri, names[i].shown) == names[i].flat, "%s: shown as %s",
              names[i].name, names[i].shown);
        ok = ok && FLAT(ri, names[i].shown) == names[i].flat;
    }

    if (!ok) {
        dump_rows("names", ri);
    }

    done_report(pr, r);

    /* the text, and the page with the full name on hover */
    out = render(&p, NULL, PPROF_FORMAT_TOP, 0, &err);
    html = render(&p, NULL, PPROF_FORMAT_HTML, 0, &err);

    for (i = 0; i < n; i++) {
        snprintf(want, sizeof(want), "  %s\n", names[i].shown);
        CHECK(out && strstr(out, want), "text: %s", want);

        /* the page: the name shown, the full one on hover (the merged
         * drop_in_place row shows one of its two) */
        if (i == 11 || i == 12) {
            continue;
        }

        len = pprof_html_escape(esc, names[i].shown, strlen(names[i].shown));
        esc[len] = '\0';

        if (strcmp(names[i].name, names[i].shown) == 0) {
            snprintf(want, sizeof(want), ">%s</a>", esc);

        } else {
            len = pprof_html_escape(full, names[i].name,
                                    strlen(names[i].name));
            full[len] = '\0';
            snprintf(want, sizeof(want), " title=\"%s\">%s</a>", full, esc);
        }

        CHECK(html && strstr(html, want), "html: %s", want);
    }

    free(out);
    free(html);

    pr = parse(&p, &err, "names");
    pprof_profile_free(pr);
}


/*
 * The function rows two ways: by the walk over the samples (labels asked
 * for), and from the stacks a flame graph made first.  Random stacks over
 * five functions with recursion, inlined locations, negative and zero
 * values, at each granularity and under filters: equal rows, in order;
 * labels asked for afterwards are the walk's.
 */
static void
test_rows_two_ways(void)
{
    int                          k, i, j, bad, stacked;
    size_t                       n;
    uint32_t                     seed;
    prof_t                       p;
    pprof_error_t                err;
    pprof_report_t              *r1, *r2;
    pprof_profile_t             *pr;
    pprof_report_options_t       ro;
    const pprof_report_info_t   *a, *b;

    static const char  *gran[] = { NULL, "lines", "files", "addresses" };
    static const char  *hide[] = { NULL, NULL, "^c$", NULL };
    static const char  *focus[] = { NULL, "b", NULL, NULL };

    seed = 12345;
    stacked = 0;

    for (k = 0; k < 64; k++) {
        base_profile(&p);
        p.fn[4] = (fn_t) { 5, "d", "a.go" };
        p.nfn = 5;
        /* c inlined into b; b and d inlined into a */
        p.loc[4] = (loc_t) { 5, 0, 0x5000, 2, { 4, 3 }, { 41, 31 } };
        p.loc[5] = (loc_t) { 6, 0, 0x6000, 3, { 3, 5, 2 }, { 32, 50, 21 } };
        p.loc[6] = (loc_t) { 7, 0, 0x7000, 1, { 5 }, { 51 } };
        p.nloc = 7;
        p.ns = MAXN;

        for (i = 0; i < p.ns; i++) {
            seed = seed * 1103515245 + 12345;
            p.s[i].nlocs = 1 + (int) (seed >> 16) % 12;

            for (j = 0; j < p.s[i].nlocs; j++) {
                seed = seed * 1103515245 + 12345;
                /* main at the root, the others anywhere */
                p.s[i].locs[j] = j == p.s[i].nlocs - 1 ? 1
                                 : 2 + (seed >> 16) % 6;
            }

            seed = seed * 1103515245 + 12345;
            p.s[i].v[0] = 1;
            p.s[i].v[1] = (int64_t) ((seed >> 16) % 7) - 2;
            p.s[i].key = NULL;
        }

        memset(&ro, 0, sizeof(pprof_report_options_t));
        ro.granularity = gran[k % 4];
        ro.hide = hide[k % 4];
        ro.focus = focus[k % 4];

        pr = parse(&p, &err, NULL);
        r1 = pr ? pprof_report(pr, &ro, &alloc_count, &err) : NULL;
        r2 = pr ? pprof_report(pr, &ro, &alloc_count, &err) : NULL;
        CHECK(r1 != NULL && r2 != NULL, "%s", err.msg);

        if (r1 == NULL || r2 == NULL) {
            pprof_report_free(r1);
            pprof_report_free(r2);
            pprof_profile_free(pr);
            continue;
        }

        a = pprof_report_functions(r1, 1, &err);
        b = pprof_report_tree(r2, &err) ? pprof_report_functions(r2, 0, &err)
                                        : NULL;
        bad = a == NULL || b == NULL || a->nfunctions != b->nfunctions;

        for (n = 0; !bad && n < a->nfunctions; n++) {
            bad = pprof_str_cmp(a->functions[n].name, b->functions[n].name)
                  || a->functions[n].flat != b->functions[n].flat
                  || a->functions[n].cum != b->functions[n].cum;
        }

        CHECK(!bad, "profile %d: rows of the stacks differ at %zu", k, n);

        /* the labels, asked for after: the rows stay, labelled */
        b = pprof_report_functions(r2, 1, &err);
        bad = b == NULL || a == NULL || a->nfunctions != b->nfunctions;

        for (n = 0; !bad && n < a->nfunctions; n++) {
            bad = strcmp(pprof_report_inline_label(r1, n),
                         pprof_report_inline_label(r2, n))
                  != 0;
            stacked += *pprof_report_inline_label(r1, n) != '\0';
        }

        CHECK(!bad, "profile %d: labels differ at row %zu", k, n);

        pprof_report_free(r1);
        pprof_report_free(r2);
        pprof_profile_free(pr);
    }

    CHECK(stacked > 0, "no inline label in any profile");
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
    test_tag_ranges();
    test_nodelets();
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
    test_refine();
    test_refine_errors();
    test_peek();
    test_graph_selection();
    test_diff_text();
    test_display_names();
    test_rows_two_ways();

    CHECK(counter.live == 0, "leaked %ld blocks", counter.live);

    printf("engine: %d passed, %d failed\n", passed, failed);

    return failed ? 1 : 0;
}
