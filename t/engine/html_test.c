
/*
 * Unit tests of the HTML views (src/profile/pprof_html.c): escaping, links,
 * forms, every view on a small hand-made profile with hostile strings, the
 * writer contract, the capture store's line (each page with it is the
 * page without it plus that line) and the history page.  Prints TAP;
 * exits non-zero on a failure.
 *
 *   cc -Isrc/profile t/engine/html_test.c src/profile/[a-z]*.c -lz
 *   ./a.out
 */


#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pprof_internal.h"


static int  failures;
static int  tests;


static void
ok(int cond, const char *fmt, ...)
{
    va_list  args;

    tests++;

    if (!cond) {
        failures++;
    }

    printf("%s %d - ", cond ? "ok" : "not ok", tests);
    va_start(args, fmt);
    vprintf(fmt, args);
    va_end(args);
    printf("\n");
}


/* output: grows, counts the writer calls, can be told to fail */

typedef struct {
    char    *buf;
    size_t   len;
    size_t   size;
    size_t   calls;
    size_t   fail_after;     /* 0: never */
} out_t;


static int
out_write(void *data, const char *buf, size_t len)
{
    out_t  *o;

    o = data;
    o->calls++;

    if (o->fail_after && o->calls >= o->fail_after) {
        return -1;
    }

    if (o->len + len + 1 > o->size) {
        o->size = (o->len + len + 1) * 2;
        o->buf = realloc(o->buf, o->size);
        if (o->buf == NULL) {
            abort();
        }
    }

    memcpy(o->buf + o->len, buf, len);
    o->len += len;
    o->buf[o->len] = '\0';

    return 0;
}


static void *
t_alloc(void *data, size_t size)
{
    (void) data;
    return malloc(size);
}


static void
t_free(void *data, void *p)
{
    (void) data;
    free(p);
}


/* a tiny protobuf writer for the fixture */

typedef struct {
    unsigned char  buf[8192];
    size_t         len;
} pb_t;


static void
pb_varint(pb_t *pb, uint64_t v)
{
    while (v >= 0x80) {
        pb->buf[pb->len++] = (unsigned char) (v | 0x80);
        v >>= 7;
    }

    pb->buf[pb->len++] = (unsigned char) v;
}


static void
pb_int(pb_t *pb, int field, uint64_t v)
{
    pb_varint(pb, (uint64_t) field << 3);
    pb_varint(pb, v);
}


static void
pb_bytes(pb_t *pb, int field, const void *p, size_t len)
{
    pb_varint(pb, (uint64_t) field << 3 | 2);
    pb_varint(pb, len);
    memcpy(pb->buf + pb->len, p, len);
    pb->len += len;
}


static void
pb_msg(pb_t *pb, int field, const pb_t *m)
{
    pb_bytes(pb, field, m->buf, m->len);
}


static const char  *evil = "evil<script>alert(\"x\")</script>&'";

/* the capture store's fields render() sets; NULL: none */
static const pprof_render_options_t  *store;


/*
 * A profile with two sample types and these stacks (leaf first):
 *   evil, main.main            values 1, 1000
 *   pkg.(*T).Do, main.main     values 2, 3000
 *   runtime.gopark, main.main  values 3, 10      (goroutine: type goroutine)
 *   (no stack)                 value 4           (goroutine only)
 */

static size_t
fixture(unsigned char *dst, int goroutine)
{
    size_t        i;
    pb_t          p, m, v;

    static const char  *strings[] = {
        "", "alloc_objects", "count", "inuse_space", "bytes",
        "main.main", NULL, "k8s.io/x/pkg.(*T).Do", "runtime.gopark",
        "main.go", "/src/<pkg>/t.go", "space", "a comment <i>",
        "goroutine"
    };

    strings[6] = evil;

    memset(&p, 0, sizeof(pb_t));

    /* sample types: alloc_objects/count, inuse_space/bytes */
    memset(&v, 0, sizeof(pb_t));
    pb_int(&v, 1, goroutine ? 13 : 1);
    pb_int(&v, 2, 2);
    pb_msg(&p, 1, &v);

    if (!goroutine) {
        memset(&v, 0, sizeof(pb_t));
        pb_int(&v, 1, 3);
        pb_int(&v, 2, 4);
        pb_msg(&p, 1, &v);
    }

    /* samples */
    for (i = 0; i < 3; i++) {
        memset(&m, 0, sizeof(pb_t));
        pb_int(&m, 1, 2 + i);       /* leaf location */
        pb_int(&m, 1, 1);           /* main.main */
        pb_int(&m, 2, i + 1);

        if (!goroutine) {
            pb_int(&m, 2, i == 0 ? 1000 : i == 1 ? 3000 : 10);
        }

        pb_msg(&p, 2, &m);
    }

    if (goroutine) {
        /* 4 goroutines with no stack at all, as Go reports some */
        memset(&m, 0, sizeof(pb_t));
        pb_int(&m, 2, 4);
        pb_msg(&p, 2, &m);
    }

    /* locations 1..4 with one line each; functions 1..4 */
    for (i = 1; i <= 4; i++) {
        memset(&m, 0, sizeof(pb_t));
        pb_int(&m, 1, i);
        memset(&v, 0, sizeof(pb_t));
        pb_int(&v, 1, i);
        pb_int(&v, 2, 10 * i);
        pb_msg(&m, 4, &v);
        pb_msg(&p, 4, &m);

        memset(&m, 0, sizeof(pb_t));
        pb_int(&m, 1, i);
        pb_int(&m, 2, i == 1 ? 5 : i == 2 ? 6 : i == 3 ? 7 : 8);
        pb_int(&m, 4, i == 1 ? 9 : 10);
        pb_msg(&p, 5, &m);
    }

    for (i = 0; i < sizeof(strings) / sizeof(strings[0]); i++) {
        pb_bytes(&p, 6, strings[i], strlen(strings[i]));
    }

    pb_int(&p, 9, 1700000000000000000ULL);
    pb_int(&p, 10, 30000000000ULL);

    memset(&v, 0, sizeof(pb_t));
    pb_int(&v, 1, goroutine ? 13 : 11);
    pb_int(&v, 2, goroutine ? 2 : 4);
    pb_msg(&p, 11, &v);
    pb_int(&p, 12, goroutine ? 1 : 524288);
    pb_int(&p, 13, 12);

    memcpy(dst, p.buf, p.len);

    return p.len;
}


typedef struct {
    pprof_allocator_t        allocator;
    pprof_profile_t         *profile;
    pprof_report_t          *report;
    pprof_report_options_t   ro;
    pprof_render_options_t   o;
    out_t                    out;
    pprof_error_t            err;
} page_t;


static int
render(page_t *pg, int goroutine, int format, int view, const char *zoom,
    const char *search)
{
    int             rc;
    size_t          len;
    unsigned char   data[8192];
    pprof_limits_t  limits;

    memset(pg, 0, sizeof(page_t));
    pg->allocator.alloc = t_alloc;
    pg->allocator.free = t_free;
    limits.max_inflated = 0;

    len = fixture(data, goroutine);

    pg->profile = pprof_profile_parse(data, len, &limits, &pg->allocator,
                                      &pg->err);
    if (pg->profile == NULL) {
        printf("# parse: %s\n", pg->err.msg);
        return -1;
    }

    pg->ro.zoom = zoom;
    pg->ro.sort = PPROF_SORT_CUM;
    pg->ro.focus = "main\\.";

    pg->report = pprof_report(pg->profile, &pg->ro, &pg->allocator,
                              &pg->err);
    if (pg->report == NULL) {
        printf("# report: %s\n", pg->err.msg);
        return -1;
    }

    pg->o.format = format;
    pg->o.view = view;
    pg->o.nodecount = 100;
    pg->o.title = "heap\"<x>";
    pg->o.query = "seconds=30&x=%22a+b%3D";
    pg->o.search = search;
    pg->o.write = out_write;
    pg->o.data = &pg->out;
    pg->o.allocator = &pg->allocator;

    if (store) {
        pg->o.capture = store->capture;
        pg->o.again = store->again;
        pg->o.history = store->history;
    }

    rc = pprof_render(pg->report, &pg->o, &pg->err);

    return rc;
}


static void
done(page_t *pg)
{
    if (pg->report) {
        pprof_report_free(pg->report);
    }

    if (pg->profile) {
        pprof_profile_free(pg->profile);
    }

    free(pg->out.buf);
}


static size_t
count(const char *s, const char *what)
{
    size_t  n;

    n = 0;

    while ((s = strstr(s, what)) != NULL) {
        n++;
        s += strlen(what);
    }

    return n;
}


/* the same in every page: a document, nothing raw from the profile */

static void
common(const page_t *pg, const char *name)
{
    const char  *b;

    b = pg->out.buf ? pg->out.buf : "";

    ok(strncmp(b, "<!DOCTYPE html>\n<html lang=\"en\">", 32) == 0,
       "%s: a document", name);
    ok(pg->out.len > 16 && strcmp(b + pg->out.len - 8, "</html>\n") == 0,
       "%s: complete", name);
    ok(strstr(b, "<script>alert") == NULL && strstr(b, "<x>") == NULL
       && strstr(b, "<i>") == NULL && strstr(b, "<pkg>") == NULL,
       "%s: profile strings escaped", name);
    ok(strstr(b, "<title>heap&quot;&lt;x&gt;") != NULL,
       "%s: title escaped", name);
    ok(count(b, "<a ") == count(b, "</a>"), "%s: links closed", name);
    ok(strlen(b) == pg->out.len, "%s: no NUL", name);
    ok(strstr(b, "href=\"?seconds=30&amp;x=%22a+b%3D&amp;format=raw\"")
       != NULL, "%s: raw link keeps the capture arguments", name);
    ok(strstr(b, "href=\"/") == NULL && strstr(b, "href=\"http") == NULL
       && strstr(b, "action=") == NULL,
       "%s: links are relative", name);
    ok(pg->out.calls <= pg->out.len / 4096 + 2,
       "%s: buffered output (%zu writes for %zu bytes)", name,
       pg->out.calls, pg->out.len);
}


static void
test_escape(void)
{
    char         buf[256];
    size_t       n;
    const char  *in;

    in = "a&b<c>d\"e'f";
    n = pprof_html_escape(buf, in, strlen(in));
    buf[n] = '\0';
    ok(strcmp(buf, "a&amp;b&lt;c&gt;d&quot;e&#39;f") == 0,
       "escape: the five characters");
    ok(pprof_html_escape(NULL, in, strlen(in)) == n,
       "escape: NULL dst measures");

    in = "x\0y\x01z\t\n\r\x7f";
    n = pprof_html_escape(buf, in, 9);
    buf[n] = '\0';
    ok(strcmp(buf, "x\xef\xbf\xbdy\xef\xbf\xbdz\t\n\xef\xbf\xbd\xef\xbf\xbd")
       == 0, "escape: controls but tab and newline replaced");
    ok(pprof_html_escape(NULL, in, 9) == n, "escape: controls measured");

    in = "\xc3\xa9\xe2\x82\xac\xf0\x9f\x94\xa5";
    n = pprof_html_escape(buf, in, strlen(in));
    ok(n == strlen(in) && memcmp(buf, in, n) == 0,
       "escape: valid UTF-8 kept");

    in = "\xff\xc3(\xed\xa0\x80\xc2\x85\xf4\x90\x80\x80";
    n = pprof_html_escape(buf, in, strlen(in));
    buf[n] = '\0';
    ok(strstr(buf, "\xff") == NULL && strstr(buf, "\xed\xa0") == NULL
       && strstr(buf, "\xc2\x85") == NULL && strstr(buf, "(") != NULL,
       "escape: invalid UTF-8, surrogates and C1 replaced");
    ok(pprof_html_escape(NULL, in, strlen(in)) == n,
       "escape: invalid UTF-8 measured");

    /* a sequence cut by the end of the input */
    n = pprof_html_escape(buf, "a\xe2\x82", 3);
    ok(n == 7 && memcmp(buf, "a\xef\xbf\xbd\xef\xbf\xbd", 7) == 0,
       "escape: truncated sequence");
}


static void
test_top(void)
{
    page_t       pg;
    const char  *b;

    ok(render(&pg, 0, PPROF_FORMAT_HTML, PPROF_VIEW_TOP, NULL, NULL)
       == PPROF_OK, "top: renders");
    b = pg.out.buf;
    common(&pg, "top");

    ok(strstr(b, "evil&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"
                 "&amp;&#39;") != NULL, "top: name shown escaped");
    ok(strstr(b, "zoom=evil%3Cscript%3Ealert%28%22x%22%29%3C%2Fscript%3E"
                 "%26%27") != NULL, "top: zoom link URL-encoded");
    ok(strstr(b, "href=\"?seconds=30&amp;x=%22a+b%3D&amp;view=flame&amp;"
                 "sort=cum&amp;nodecount=100&amp;zoom=main.main&amp;"
                 "focus=main%5C.\"") != NULL,
       "top: a name links to the zoomed flame graph with the state");
    ok(strstr(b, "<input type=\"hidden\" name=\"x\" value=\"&quot;a b=\">")
       != NULL, "top: capture arguments decoded into hidden inputs");
    ok(strstr(b, "name=\"focus\" placeholder=\"regex\" value=\"main\\.\"")
       != NULL, "top: focus input keeps its value");
    ok(strstr(b, "<th scope=\"col\"") != NULL, "top: table headers");
    ok(strstr(b, "aria-sort=\"descending\"><a href=\"?seconds=30&amp;"
                 "x=%22a+b%3D&amp;view=top&amp;sort=cum") != NULL,
       "top: sorted by cum");
    ok(strstr(b, "sample=alloc_objects") != NULL
       && strstr(b, "<strong title=\"bytes\">inuse_space</strong>") != NULL,
       "top: sample type switcher");
    ok(strstr(b, "view=goroutines") == NULL,
       "top: no goroutines link for a heap profile");
    ok(strstr(b, "a comment &lt;i&gt;") != NULL, "top: comment shown");
    ok(strstr(b, "Showing <b>4</b> of <b>4</b> functions") != NULL,
       "top: row count");

    done(&pg);
}


static void
test_flame(void)
{
    page_t       pg;
    const char  *b;

    ok(render(&pg, 0, PPROF_FORMAT_HTML, PPROF_VIEW_FLAME, NULL, "Do$")
       == PPROF_OK, "flame: renders");
    b = pg.out.buf;
    common(&pg, "flame");

    ok(strstr(b, "class=\"fg\"") != NULL, "flame: a graph");
    ok(strstr(b, "Matched ") != NULL && strstr(b, " m\" style=") != NULL,
       "flame: search highlights");
    ok(strstr(b, "title=\"evil&lt;script&gt;") != NULL,
       "flame: hover title escaped");
    ok(strstr(b, "view=flame&amp;sort=cum&amp;nodecount=100&amp;"
                 "zoom=k8s.io%2Fx%2Fpkg.%28%2AT%29.Do&amp;focus=main%5C.&amp;"
                 "search=Do%24\"") != NULL,
       "flame: frames zoom by link, keeping the search");
    ok(strstr(b, "reset zoom") == NULL, "flame: no reset when not zoomed");
    done(&pg);

    ok(render(&pg, 0, PPROF_FORMAT_HTML, PPROF_VIEW_FLAME, "main.main",
              "(") == PPROF_OK, "flame: zoomed, bad regex renders");
    b = pg.out.buf;
    common(&pg, "flame zoomed");
    ok(strstr(b, "Invalid search regex") != NULL,
       "flame: bad regex is a message");
    ok(strstr(b, "reset zoom</a>") != NULL, "flame: reset zoom link");
    ok(strstr(b, "<input type=\"hidden\" name=\"zoom\" value=\"main.main\">")
       != NULL, "flame: search form keeps the zoom");
    done(&pg);

    ok(render(&pg, 0, PPROF_FORMAT_FLAMEGRAPH, 0, NULL, NULL) == PPROF_OK,
       "flamegraph format: renders");
    b = pg.out.buf;
    common(&pg, "flamegraph");
    ok(strstr(b, "format=flamegraph&amp;sort=cum&amp;nodecount=100&amp;"
                 "zoom=main.main") != NULL,
       "flamegraph format: zoom links stay in the format");
    done(&pg);
}


static void
test_goroutines(void)
{
    page_t       pg;
    const char  *b;

    ok(render(&pg, 1, PPROF_FORMAT_HTML, PPROF_VIEW_GOROUTINES, NULL, NULL)
       == PPROF_OK, "goroutines: renders");
    b = pg.out.buf;
    common(&pg, "goroutines");

    ok(strstr(b, "<strong aria-current=\"page\">Goroutines</strong>") != NULL,
       "goroutines: current view");
    ok(strstr(b, "/src/&lt;pkg&gt;/t.go:20") != NULL,
       "goroutines: file:line escaped");
    ok(strstr(b, "<b>10</b> goroutines in <b>3</b> groups of identical "
                 "stacks (<b>4</b> with no stack), biggest first") != NULL,
       "goroutines: totals, stackless goroutines counted apart");
    done(&pg);
}


static void
test_writer(void)
{
    page_t  pg;
    int     rc;

    memset(&pg, 0, sizeof(page_t));
    rc = render(&pg, 0, PPROF_FORMAT_HTML, PPROF_VIEW_TOP, NULL, NULL);
    done(&pg);
    ok(rc == PPROF_OK, "writer: renders");

    /* the same again, the writer failing at once */
    {
        size_t          len;
        unsigned char   data[8192];
        pprof_limits_t  limits;

        memset(&pg, 0, sizeof(page_t));
        pg.allocator.alloc = t_alloc;
        pg.allocator.free = t_free;
        limits.max_inflated = 0;
        len = fixture(data, 0);
        pg.profile = pprof_profile_parse(data, len, &limits, &pg.allocator,
                                         &pg.err);
        pg.report = pprof_report(pg.profile, &pg.ro, &pg.allocator, &pg.err);
        pg.o.format = PPROF_FORMAT_HTML;
        pg.o.view = PPROF_VIEW_FLAME;
        pg.o.write = out_write;
        pg.o.data = &pg.out;
        pg.o.allocator = &pg.allocator;
        pg.out.fail_after = 1;

        rc = pprof_render(pg.report, &pg.o, &pg.err);
        ok(rc != PPROF_OK && pg.err.msg[0] != '\0',
           "writer: a failing writer fails the rendering (%s)", pg.err.msg);
        done(&pg);
    }
}


static void
test_text(void)
{
    out_t                    out;
    pprof_render_options_t   o;
    static const char        text[] = "goroutine 1 [running]:\n"
                                      "main.f(<0x1>)\n\0\x1b[31m&\xff\n";

    memset(&out, 0, sizeof(out_t));
    memset(&o, 0, sizeof(pprof_render_options_t));
    o.title = "goroutine";
    o.query = "seconds=5&debug=2";
    o.write = out_write;
    o.data = &out;

    ok(pprof_render_text_page("goroutine", text, sizeof(text) - 1, &o)
       == PPROF_OK, "text: renders");
    ok(out.buf && strstr(out.buf, "main.f(&lt;0x1&gt;)\n\xef\xbf\xbd"
                                  "\xef\xbf\xbd[31m&amp;\xef\xbf\xbd\n")
       != NULL, "text: escaped, controls replaced");
    ok(out.buf && strlen(out.buf) == out.len, "text: no NUL");
    ok(out.buf && strstr(out.buf, "href=\"?seconds=5&amp;view=top\"") != NULL,
       "text: view links leave debug= out");
    ok(out.buf && strstr(out.buf, "href=\"?seconds=5&amp;debug=2&amp;"
                                  "format=raw\"") != NULL,
       "text: raw link keeps debug=");
    free(out.buf);

    memset(&out, 0, sizeof(out_t));
    o.title = "502 error";
    o.query = "";

    ok(pprof_render_text_page(o.title, "bad <gateway>", 13, &o) == PPROF_OK
       && strstr(out.buf, "<h1>502 error</h1>") != NULL
       && strstr(out.buf, "bad &lt;gateway&gt;") != NULL
       && strstr(out.buf, "<nav") == NULL,
       "text: an error page, no links");
    free(out.buf);
}


/* the capture store's line, and the history page */

/*
 * out.buf without its store line, or NULL when it has none; the rest
 * must be the page rendered without the store, byte for byte
 */

static char *
strip_store(const char *b)
{
    char        *r;
    const char  *p, *e;

    p = strstr(b, "<p class=\"meta store\">");
    if (p == NULL) {
        return NULL;
    }

    e = strstr(p, "</p>\n");
    if (e == NULL) {
        return NULL;
    }

    e += sizeof("</p>\n") - 1;

    r = malloc(strlen(b) + 1);
    if (r == NULL) {
        abort();
    }

    memcpy(r, b, p - b);
    strcpy(r + (p - b), e);

    return r;
}


static void
test_store_line(void)
{
    int                      i;
    char                    *plain, *stripped;
    page_t                   pg;
    const char              *b, *name;
    out_t                    out;
    pprof_render_options_t   so, o;

    static const struct {
        const char  *name;
        int          goroutine;
        int          format;
        int          view;
    }  pages[] = {
        { "top", 0, PPROF_FORMAT_HTML, PPROF_VIEW_TOP },
        { "flame", 0, PPROF_FORMAT_HTML, PPROF_VIEW_FLAME },
        { "goroutines", 1, PPROF_FORMAT_HTML, PPROF_VIEW_GOROUTINES },
        { "flamegraph", 0, PPROF_FORMAT_FLAMEGRAPH, 0 }
    };

    memset(&so, 0, sizeof(pprof_render_options_t));
    so.capture = "0123456789abcdef";
    so.again = "seconds=30&refresh=1";
    so.history = "./?view=history\"<x>";

    for (i = 0; i < (int) (sizeof(pages) / sizeof(pages[0])); i++) {
        name = pages[i].name;

        store = NULL;
        render(&pg, pages[i].goroutine, pages[i].format, pages[i].view,
               NULL, NULL);
        plain = pg.out.buf;
        pg.out.buf = NULL;
        done(&pg);

        store = &so;
        ok(render(&pg, pages[i].goroutine, pages[i].format, pages[i].view,
                  NULL, NULL) == PPROF_OK && plain && pg.out.buf,
           "store %s: renders", name);
        b = pg.out.buf ? pg.out.buf : "";
        common(&pg, name);

        ok(strstr(plain, "meta store") == NULL
           && strstr(plain, "refresh") == NULL
           && strstr(plain, "0123456789abcdef") == NULL,
           "store %s: unset, no store line", name);
        ok(strstr(b, "<span><b>Capture:</b> <code>0123456789abcdef</code>"
                     "</span>") != NULL,
           "store %s: the capture ID", name);

        if (pages[i].format == PPROF_FORMAT_FLAMEGRAPH) {
            ok(strstr(b, "refresh") == NULL && strstr(b, "history") == NULL,
               "store %s: a file to share links to neither again nor "
               "history", name);

        } else {
            ok(strstr(b, "<a href=\"?seconds=30&amp;refresh=1\" title=\"a "
                         "new capture, not from the store\">capture again"
                         "</a>") != NULL,
               "store %s: capture again, escaped", name);
            ok(strstr(b, "<a href=\"./?view=history&quot;&lt;x&gt;\" "
                         "title=\"the stored captures\">history</a>")
               != NULL && strstr(b, "capture anew") == NULL,
               "store %s: history, escaped", name);
        }

        stripped = strip_store(b);
        ok(stripped && strcmp(stripped, plain) == 0,
           "store %s: the rest of the page is the page without the store",
           name);

        free(stripped);
        free(plain);
        done(&pg);
    }

    store = NULL;

    /* the text page: a capture gone offers "capture anew" */

    memset(&o, 0, sizeof(pprof_render_options_t));
    o.title = "heap";
    o.query = "";
    o.write = out_write;

    memset(&out, 0, sizeof(out_t));
    o.data = &out;
    ok(pprof_render_text_page("404 capture gone", "gone", 4, &o) == PPROF_OK,
       "store text: renders without the store");
    plain = out.buf;

    memset(&out, 0, sizeof(out_t));
    o.again = "seconds=5&refresh=1";
    o.history = "./?view=history";

    ok(pprof_render_text_page("404 capture gone", "gone", 4, &o) == PPROF_OK
       && out.buf
       && strstr(out.buf, "href=\"?seconds=5&amp;refresh=1\" title=\"a new "
                          "capture, not from the store\">capture anew</a>")
          != NULL
       && strstr(out.buf, "capture again") == NULL
       && strstr(out.buf, "href=\"./?view=history\"") != NULL
       && strstr(out.buf, "<code>") == NULL,
       "store text: a gone capture's page offers capture anew, escaped");

    stripped = out.buf ? strip_store(out.buf) : NULL;
    ok(plain && strstr(plain, "refresh") == NULL && stripped
       && strcmp(stripped, plain) == 0,
       "store text: the rest of the page is the page without the store");
    free(stripped);
    free(out.buf);

    /* a hostile ID, and the ID alone */

    memset(&out, 0, sizeof(out_t));
    o.again = NULL;
    o.history = NULL;
    o.capture = evil;

    ok(pprof_render_text_page("heap", "x", 1, &o) == PPROF_OK && out.buf
       && strstr(out.buf, "<code>evil&lt;script&gt;alert(&quot;x&quot;)"
                          "&lt;/script&gt;&amp;&#39;</code>") != NULL
       && strstr(out.buf, "<script>") == NULL
       && strstr(out.buf, "<a href=\"?") == NULL
       && strstr(out.buf, ">history<") == NULL,
       "store text: the ID alone, escaped");
    free(out.buf);
    free(plain);
}


/* the row of the history whose ID cell is <code>ID</code>, "" if none */

static char *
history_row(const char *b, const char *id)
{
    char         cell[64], *r;
    const char  *p, *s, *e;

    snprintf(cell, sizeof(cell), "<code>%s</code>", id);

    p = strstr(b, cell);
    if (p == NULL) {
        return strdup("");
    }

    for (s = p; s > b && strncmp(s, "<tr>", 4) != 0; s--) {
        /* void */
    }

    e = strstr(p, "</tr>");
    e = e ? e : p + strlen(p);

    r = malloc(e - s + 1);
    if (r == NULL) {
        abort();
    }

    memcpy(r, s, e - s);
    r[e - s] = '\0';

    return r;
}


static void
test_history(void)
{
    int                      rc;
    char                    *row;
    const char              *b;
    out_t                    out;
    pprof_render_options_t   o;
    pprof_capture_entry_t    e[7];

    memset(&o, 0, sizeof(pprof_render_options_t));
    o.title = "captures";
    o.write = out_write;

    /* newest first, as the store gives them */
    memset(e, 0, sizeof(e));
    e[0].id = "00000000000000c3";
    e[0].name = "heap";
    e[0].args = "gc=1";
    e[0].time = 1764627108;
    e[0].duration_ms = 6;
    e[0].size = 1027;
    e[1].id = "00000000000000b2";
    e[1].name = "goroutine";
    e[1].args = evil;
    e[1].time = 1764627000;
    e[1].duration_ms = 30100;
    e[1].size = 1500000;
    e[2].id = "00000000000000b1";
    e[2].name = "goroutine";
    e[2].args = "debug=2";
    e[2].text = 1;
    e[3].id = "00000000000000a1";
    e[3].name = "heap";
    e[3].args = "";
    e[4].id = "00000000000000a0";
    e[4].name = "goroutine";
    e[4].args = NULL;
    e[5].id = "\"'&<b>";
    e[5].name = "\"><script>x</script>&";
    e[5].args = "a&b=\"<i>\"";
    e[6].id = "0000000000000099";
    e[6].name = "goroutine";
    e[6].args = "debug=1";
    e[6].text = 1;

    memset(&out, 0, sizeof(out_t));
    o.data = &out;
    o.query = "seconds=5";
    o.capture = "0123456789abcdef";
    o.again = "refresh=1";
    o.history = "./?view=history";

    rc = pprof_render_captures("captures", e, 7, &o);
    b = out.buf ? out.buf : "";

    ok(rc == PPROF_OK && out.buf, "history: renders");
    ok(strncmp(b, "<!DOCTYPE html>\n<html lang=\"en\">", 32) == 0
       && out.len > 16 && strcmp(b + out.len - 8, "</html>\n") == 0
       && strlen(b) == out.len,
       "history: a complete document");
    ok(strstr(b, "<title>captures</title>") != NULL
       && strstr(b, "<h1>captures</h1>") != NULL
       && strstr(b, "<style>*{box-sizing:border-box}") != NULL,
       "history: the pages' chrome");
    ok(count(b, "<a ") == count(b, "</a>")
       && count(b, "<tr>") == 8 && count(b, "</tr>") == 8,
       "history: a row each, links closed");
    ok(strstr(b, "<nav") == NULL && strstr(b, "meta store") == NULL
       && strstr(b, "refresh") == NULL
       && strstr(b, "0123456789abcdef") == NULL,
       "history: no views' links, no store line");
    ok(strstr(b, "href=\"/") == NULL && strstr(b, "href=\"http") == NULL,
       "history: links are relative");
    ok(strstr(b, "<code>00000000000000c3</code>")
          < strstr(b, "<code>00000000000000b2</code>")
       && strstr(b, "<code>00000000000000b2</code>")
          < strstr(b, "<code>00000000000000b1</code>")
       && strstr(b, "<code>00000000000000b1</code>")
          < strstr(b, "<code>00000000000000a1</code>")
       && strstr(b, "<code>00000000000000a1</code>")
          < strstr(b, "<code>00000000000000a0</code>")
       && strstr(b, "<code>00000000000000a0</code>")
          < strstr(b, "<code>0000000000000099</code>"),
       "history: rows in the order given");

    row = history_row(b, "00000000000000c3");
    ok(strstr(row, "<td>heap</td><td>gc=1</td>"
                   "<td>2025-12-01 22:11:48 UTC</td><td>6 ms</td>"
                   "<td>1kB</td>") != NULL,
       "history: name, arguments, time in UTC, duration, size");
    ok(strstr(row, "<a href=\"heap?capture=00000000000000c3\">open</a>")
       && strstr(row, "<a href=\"heap?capture=00000000000000c3&amp;"
                      "view=flame\">flame graph</a>")
       && strstr(row, "<a href=\"heap?capture=00000000000000c3&amp;"
                      "format=raw\" download>raw</a>")
       && strstr(row, "view=goroutines") == NULL,
       "history: a profile's page, flame graph and raw download");
    ok(strstr(row, "<a href=\"heap?capture=00000000000000c3&amp;"
                   "base=00000000000000a1\">diff with previous</a>") != NULL,
       "history: a diff with the older heap, whatever its arguments");
    free(row);

    row = history_row(b, "00000000000000b2");
    ok(strstr(row, "<td>30.1 s</td><td>1.43MB</td>") != NULL
       && strstr(row, "<td>evil&lt;script&gt;alert(&quot;x&quot;)"
                      "&lt;/script&gt;&amp;&#39;</td>") != NULL,
       "history: long durations in seconds, arguments escaped");
    ok(strstr(row, "href=\"goroutine?capture=00000000000000b2&amp;"
                   "view=goroutines\">goroutines</a>")
       && strstr(row, "href=\"goroutine?capture=00000000000000b2&amp;"
                      "view=flame\"")
       && strstr(row, "href=\"goroutine?capture=00000000000000b2\""),
       "history: a goroutine profile links to the goroutines view too");
    ok(strstr(row, "base=00000000000000a0\">diff with previous") != NULL,
       "history: its diff skips the text capture between");
    free(row);

    row = history_row(b, "00000000000000b1");
    ok(strstr(row, "<a href=\"goroutine?capture=00000000000000b1\">open"
                   "</a>")
       && strstr(row, "<a href=\"goroutine?capture=00000000000000b1&amp;"
                      "format=raw\">raw</a>")
       && count(row, "<a ") == 2,
       "history: a text capture: its page and raw, no views, no diff");
    free(row);

    row = history_row(b, "00000000000000a1");
    ok(strstr(row, "<td>heap</td><td>\xe2\x80\x94</td>") != NULL
       && strstr(row, "<td>1970-01-01 00:00:00 UTC</td><td>0 ms</td>")
          != NULL
       && strstr(row, "base=") == NULL,
       "history: no arguments is a dash; the oldest heap has no diff");
    free(row);

    row = history_row(b, "00000000000000a0");
    ok(strstr(row, "<td>goroutine</td><td>\xe2\x80\x94</td>") != NULL
       && strstr(row, "base=") == NULL,
       "history: NULL arguments are none; the oldest goroutine, no diff");
    free(row);

    row = history_row(b, "0000000000000099");
    ok(strstr(row, "base=") == NULL && count(row, "<a ") == 2,
       "history: text captures never diff, not even with text");
    free(row);

    row = history_row(b, "&quot;&#39;&amp;&lt;b&gt;");
    ok(strstr(row, "<td>&quot;&gt;&lt;script&gt;x&lt;/script&gt;&amp;</td>"
                   "<td>a&amp;b=&quot;&lt;i&gt;&quot;</td>") != NULL
       && strstr(row, "<a href=\"%22%3E%3Cscript%3Ex%3C%2Fscript%3E%26?"
                      "capture=%22%27%26%3Cb%3E\">open</a>") != NULL,
       "history: hostile names, arguments and IDs escaped, URL-encoded");
    free(row);

    ok(strstr(b, "<script>") == NULL && strstr(b, "<i>") == NULL
       && strstr(b, "<b>\"") == NULL && strstr(b, "\"'") == NULL,
       "history: nothing raw from the entries");
    free(out.buf);

    /* none yet */

    memset(&out, 0, sizeof(out_t));
    ok(pprof_render_captures(NULL, e, 0, &o) == PPROF_OK && out.buf
       && strstr(out.buf, "<p class=\"note\">no stored captures yet</p>")
       && strstr(out.buf, "<table") == NULL
       && strstr(out.buf, "<title>captures</title>") != NULL
       && strcmp(out.buf + out.len - 8, "</html>\n") == 0,
       "history: an empty history says so");
    free(out.buf);

    /* the writer failing */

    memset(&out, 0, sizeof(out_t));
    out.fail_after = 1;
    ok(pprof_render_captures("captures", e, 7, &o) == PPROF_ERROR,
       "history: a failing writer fails the rendering");
    free(out.buf);
}


/* the index: every link of every entry, hostile names, the form's bounds */

static void
test_index(void)
{
    const char              *b;
    out_t                    out;
    pprof_index_t            ix;
    pprof_render_options_t   o;
    pprof_index_entry_t      e[6];

    memset(&o, 0, sizeof(pprof_render_options_t));
    o.write = out_write;

    memset(e, 0, sizeof(e));
    e[0].name = "heap";
    e[0].description = "A sampling of memory allocations of live objects.";
    e[0].flags = PPROF_INDEX_VIEWS | PPROF_INDEX_DEBUG | PPROF_INDEX_DOWNLOAD;
    e[1].name = "goroutine";
    e[1].description = "Stack traces of all current goroutines";
    e[1].flags = PPROF_INDEX_VIEWS | PPROF_INDEX_DEBUG | PPROF_INDEX_DOWNLOAD
                 | PPROF_INDEX_GOROUTINES;
    e[2].name = "profile";
    e[2].description = "CPU profile.";
    e[2].flags = PPROF_INDEX_VIEWS | PPROF_INDEX_CAPTURE
                 | PPROF_INDEX_DOWNLOAD;
    e[3].name = "trace";
    e[3].flags = PPROF_INDEX_CAPTURE | PPROF_INDEX_FRACTION
                 | PPROF_INDEX_DOWNLOAD;
    e[4].name = "cmdline";
    e[4].description = "The command line invocation of the current program";
    e[5].name = "\"><script>x</script>&";
    e[5].description = evil;
    e[5].flags = PPROF_INDEX_VIEWS | PPROF_INDEX_DEBUG;

    memset(&ix, 0, sizeof(pprof_index_t));
    ix.entries = e;
    ix.n = 6;
    ix.target = "https://k8s<b>/debug/pprof/";
    ix.max_seconds = 7;

    memset(&out, 0, sizeof(out_t));
    o.data = &out;
    o.history = "?view=history";
    o.query = "seconds=5";
    o.capture = "0123456789abcdef";
    o.again = "refresh=1";

    ok(pprof_render_index("/debug/pprof/", &ix, &o) == PPROF_OK && out.buf,
       "index: renders");
    b = out.buf ? out.buf : "";

    ok(strncmp(b, "<!DOCTYPE html>\n<html lang=\"en\">", 32) == 0
       && out.len > 16 && strcmp(b + out.len - 8, "</html>\n") == 0
       && strlen(b) == out.len,
       "index: a complete document");
    ok(strstr(b, "<title>/debug/pprof/</title>") != NULL
       && strstr(b, "<h1>/debug/pprof/</h1>") != NULL
       && strstr(b, "<style>*{box-sizing:border-box}") != NULL,
       "index: the pages' chrome, the location as its title");
    ok(count(b, "<a ") == count(b, "</a>") && count(b, "<li>") == 6
       && count(b, "<form ") == 2 && count(b, "</form>") == 2,
       "index: an entry each, links and forms closed");
    ok(strstr(b, "<nav") == NULL && strstr(b, "refresh") == NULL
       && strstr(b, "0123456789abcdef") == NULL
       && strstr(b, "seconds=5") == NULL,
       "index: no views' links, no capture, no query of a profile");
    ok(strstr(b, "<a href=\"?view=history\" title=\"the stored captures\">"
                 "history</a>") != NULL,
       "index: the history link");
    ok(strstr(b, "<b>Target:</b> <code>https://k8s&lt;b&gt;/debug/pprof/"
                 "</code>") != NULL,
       "index: the target, escaped");
    ok(strstr(b, "<a href=\"?format=raw\">The profiler's own index</a>")
       != NULL,
       "index: the APIServer's own index as format=raw");
    ok(strstr(b, "href=\"/") == NULL && strstr(b, "href=\"http") == NULL
       && strstr(b, "action=\"/") == NULL,
       "index: links are relative");

    ok(strstr(b, "<h2><a href=\"heap\">heap</a></h2>\n<p>A sampling of "
                 "memory allocations of live objects.</p>") != NULL
       && strstr(b, "<a href=\"heap?view=top\">top</a>")
       && strstr(b, "<a href=\"heap?view=flame\">flame</a>")
       && strstr(b, "<a href=\"heap?view=graph\">graph</a>")
       && strstr(b, "heap?view=goroutines") == NULL
       && strstr(b, "<a href=\"heap?format=raw\" download")
       && strstr(b, "<a href=\"heap?debug=1\"")
       && strstr(b, "heap?debug=2") == NULL,
       "index: heap: its page, views, raw download, debug=1");
    ok(strstr(b, "<a href=\"goroutine?view=goroutines\">goroutines</a>")
       && strstr(b, "<a href=\"goroutine?view=top\">top</a>")
       && strstr(b, "<a href=\"goroutine?debug=1\"")
       && strstr(b, "<a href=\"goroutine?debug=2\"")
       && strstr(b, "<a href=\"goroutine\">goroutine</a>"),
       "index: goroutine: the goroutines view and debug=2 too");
    ok(strstr(b, "<h2>cmdline</h2>") == NULL
       && strstr(b, "<h2><a href=\"cmdline\">cmdline</a></h2>")
       && strstr(b, "<a href=\"cmdline?format=raw\" title=")
       && strstr(b, "cmdline?view=") == NULL
       && strstr(b, "cmdline?debug=") == NULL,
       "index: cmdline: its page and raw, no views, no debug");

    ok(strstr(b, "<h2>profile</h2>") != NULL
       && strstr(b, "href=\"profile") == NULL
       && strstr(b, "<form class=\"capture\" method=\"get\" "
                    "action=\"profile\" aria-label=\"capture profile\">"
                    "<label>Seconds <input type=\"number\" name=\"seconds\" "
                    "required min=\"1\" max=\"7\" step=\"1\" value=\"7\">"
                    "</label>") != NULL
       && strstr(b, "<label>View <select name=\"view\"><option>top</option>"
                    "<option>flame</option><option>graph</option>"
                    "<option>peek</option></select>"
                    "</label>") != NULL
       && strstr(b, "<button type=\"submit\" name=\"format\" value=\"raw\">"
                    "Download raw</button>") != NULL,
       "index: profile: a form bounded by max_seconds, the view, raw; "
       "no bare link");
    ok(strstr(b, "action=\"trace\"") != NULL
       && strstr(b, "href=\"trace") == NULL
       && strstr(b, "min=\"0.1\" max=\"7\" step=\"any\" value=\"1\"") != NULL,
       "index: trace: fractional seconds, 1 by default");

    ok(strstr(b, "<h2><a href=\"%22%3E%3Cscript%3Ex%3C%2Fscript%3E%26\">"
                 "&quot;&gt;&lt;script&gt;x&lt;/script&gt;&amp;</a></h2>")
       && strstr(b, "<p>evil&lt;script&gt;alert(&quot;x&quot;)"
                    "&lt;/script&gt;&amp;&#39;</p>")
       && strstr(b, "href=\"%22%3E%3Cscript%3Ex%3C%2Fscript%3E%26?"
                    "debug=1\""),
       "index: hostile names and descriptions escaped, URL-encoded");
    ok(strstr(b, "<script>") == NULL && strstr(b, "<b>/") == NULL,
       "index: nothing raw from the entries");
    free(out.buf);

    /* under /pprof, not /pprof/: links start with the segment */

    ix.base = "pp f";
    ix.target = NULL;
    ix.max_seconds = 60;
    o.history = NULL;
    memset(&out, 0, sizeof(out_t));
    ok(pprof_render_index(NULL, &ix, &o) == PPROF_OK && out.buf
       && strstr(out.buf, "<a href=\"pp%20f/heap?view=flame\">")
       && strstr(out.buf, "<h2><a href=\"pp%20f/heap\">")
       && strstr(out.buf, "action=\"pp%20f/profile\"")
       && strstr(out.buf, "<a href=\"pp%20f/?format=raw\">")
       && strstr(out.buf, "max=\"60\" step=\"1\" value=\"30\"")
       && strstr(out.buf, "<title>profiles</title>")
       && strstr(out.buf, "Target:") == NULL
       && strstr(out.buf, "history") == NULL,
       "index: a base segment, the default length under the bound, "
       "no target, no history");
    free(out.buf);

    memset(&out, 0, sizeof(out_t));
    out.fail_after = 1;
    ok(pprof_render_index("x", &ix, &o) == PPROF_ERROR,
       "index: a failing writer fails the rendering");
    free(out.buf);
}


/* every page: the skip link, the current view and a link to it */

static void
test_here(void)
{
    page_t                   pg;
    const char              *b;
    out_t                    out;
    pprof_index_t            ix;
    pprof_render_options_t   o;

    ok(render(&pg, 0, PPROF_FORMAT_HTML, PPROF_VIEW_TOP, "evil<", "x\"")
       == PPROF_OK, "here top: renders");
    b = pg.out.buf ? pg.out.buf : "";
    ok(strstr(b, "<body>\n<a class=\"skip\" href=\"#main\">Skip to the "
                 "content</a>\n") != NULL
       && strstr(b, "<main id=\"main\">\n") != NULL,
       "here top: a skip link to the main content");
    ok(strstr(b, "<p class=\"meta here\"><span><b>View:</b> top</span>"
                 "<span><b>sample:</b> <code>inuse_space</code></span>"
                 "<span><b>sort:</b> <code>cum</code></span>"
                 "<span><b>rows:</b> 100</span>"
                 "<span><b>focus:</b> <code>main\\.</code></span>"
                 "<span><b>arguments:</b> <code>seconds=30&amp;x=%22a+b%3D"
                 "</code></span>"
                 "<a href=\"?seconds=30&amp;x=%22a+b%3D&amp;view=top&amp;"
                 "sort=cum&amp;nodecount=100&amp;focus=main%5C.\" "
                 "rel=\"bookmark\">link to this view</a></p>\n") != NULL,
       "here top: the view, its options and a link with every argument "
       "(zoom and search do not apply)");
    done(&pg);

    ok(render(&pg, 0, PPROF_FORMAT_HTML, PPROF_VIEW_FLAME, "evil<", "x\"")
       == PPROF_OK, "here flame: renders");
    b = pg.out.buf ? pg.out.buf : "";
    ok(strstr(b, "<span><b>View:</b> flame</span><span><b>sample:</b> "
                 "<code>inuse_space</code></span><span><b>rows:</b> 100"
                 "</span><span><b>zoom:</b> <code>evil&lt;</code></span>"
                 "<span><b>focus:</b> <code>main\\.</code></span>"
                 "<span><b>search:</b> <code>x&quot;</code></span>") != NULL
       && strstr(b, "<a href=\"?seconds=30&amp;x=%22a+b%3D&amp;view=flame"
                    "&amp;sort=cum&amp;nodecount=100&amp;zoom=evil%3C&amp;"
                    "focus=main%5C.&amp;search=x%22\" rel=\"bookmark\">link "
                    "to this view</a>") != NULL,
       "here flame: zoom and search shown, escaped, and in the link");
    done(&pg);

    ok(render(&pg, 0, PPROF_FORMAT_FLAMEGRAPH, 0, NULL, NULL) == PPROF_OK
       && strstr(pg.out.buf, "meta here") == NULL,
       "here: not in the standalone flame graph file");
    done(&pg);

    memset(&o, 0, sizeof(pprof_render_options_t));
    o.write = out_write;
    o.data = &out;

    memset(&out, 0, sizeof(out_t));
    o.query = "debug=1";
    ok(pprof_render_text_page("heap", "x", 1, &o) == PPROF_OK
       && strstr(out.buf, "<p class=\"meta here\"><span><b>View:</b> text"
                          "</span><span><b>arguments:</b> <code>debug=1"
                          "</code></span><a href=\"?debug=1\" "
                          "rel=\"bookmark\">") != NULL
       && strstr(out.buf, "<main id=\"main\">\n<pre") != NULL,
       "here text: the text's arguments, a link to them");
    free(out.buf);

    memset(&out, 0, sizeof(out_t));
    o.query = "";
    ok(pprof_render_text_page("502", "x", 1, &o) == PPROF_OK
       && strstr(out.buf, "meta here") == NULL
       && strstr(out.buf, "class=\"skip\"") != NULL,
       "here: not on an error page, but its skip link");
    free(out.buf);

    memset(&out, 0, sizeof(out_t));
    ok(pprof_render_captures(NULL, NULL, 0, &o) == PPROF_OK
       && strstr(out.buf, "<p class=\"meta here\"><a href=\"?view=history\" "
                          "rel=\"bookmark\">link to this view</a></p>")
          != NULL,
       "here history: a link to the history");
    free(out.buf);

    memset(&out, 0, sizeof(out_t));
    memset(&ix, 0, sizeof(pprof_index_t));
    ok(pprof_render_index(NULL, &ix, &o) == PPROF_OK
       && strstr(out.buf, "<p class=\"meta here\"><a href=\"?\" "
                          "rel=\"bookmark\">link to this view</a></p>")
          != NULL
       && strstr(out.buf, "<main id=\"main\">") != NULL,
       "here index: a link to the index");
    free(out.buf);

    /* a phone: a viewport, a media query, wide tables in a scroll box */

    memset(&out, 0, sizeof(out_t));
    ok(pprof_render_text_page("x", "x", 1, &o) == PPROF_OK
       && strstr(out.buf, "<meta name=\"viewport\" content=\"width=device-"
                          "width,initial-scale=1\">") != NULL
       && strstr(out.buf, "@media (max-width:640px){") != NULL
       && strstr(out.buf, ":focus-visible") != NULL,
       "chrome: viewport, a media query for phones, focus styles");
    free(out.buf);

    ok(render(&pg, 0, PPROF_FORMAT_HTML, PPROF_VIEW_TOP, NULL, NULL)
       == PPROF_OK
       && strstr(pg.out.buf, "<div class=\"scroll\"><table class=\"top\">")
       && strstr(pg.out.buf, "</table></div>\n"),
       "chrome: the top table in a box that scrolls");
    done(&pg);
}


int
main(void)
{
    test_escape();
    test_top();
    test_flame();
    test_goroutines();
    test_writer();
    test_text();
    test_store_line();
    test_history();
    test_index();
    test_here();

    printf("1..%d\n", tests);

    return failures ? 1 : 0;
}
