
/*
 * The HTML views of the engine: the top table, the flame graph (also as a
 * standalone file), goroutine stack groups, a text page and the capture
 * store's history page; a stored capture's pages carry the store's line
 * (its ID, "capture again", the history).  Everything is rendered on the
 * server so that every view is readable with scripts off; the little
 * JavaScript there is only highlights flame graph frames as one types a
 * search.
 *
 * Links are relative and query-only ("?view=flame&zoom=...") so the pages
 * work under any location prefix behind any proxy.  Every link starts with
 * the capture arguments (options->query) and keeps the current options.
 *
 * Output goes through the engine's one buffer (pprof_out.c).  The
 * profile's header values come from the legend (pprof_legend.c), the
 * words of the links from the vocabulary (pprof_keyword.c).  Above the
 * report layer; only pprof_render() (pprof_render.c) calls in here, and
 * pprof_render_text_page() and pprof_render_captures() are this file's own
 * entries.
 */


/* strnlen() under a strict -std=c99 too */
#if !defined(_GNU_SOURCE) && !defined(_DEFAULT_SOURCE)                    \
    && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE  200809L
#endif

#include <regex.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "pprof_util.h"
#include "pprof_out.h"
#include "pprof_units.h"
#include "pprof_report.h"
#include "pprof_legend.h"
#include "pprof_graph.h"
#include "pprof_dot.h"
#include "pprof_svg.h"
#include "pprof_html.h"


/* escaping expands a byte to at most 6 ("&quot;"), URL encoding to 3 */
#define PPROF_HTML_ESC_CHUNK    (PPROF_OUT_SIZE / 8)

/* a frame gets a text label from this width on, in 1/1000 of a percent */
#define PPROF_HTML_LABEL_MIN    2000
#define PPROF_HTML_ROW          18
#define PPROF_HTML_NCOLORS      16

/* the search regex cache never grows beyond this many entries */
#define PPROF_HTML_CACHE_MAX    65536


/* a link's format or view when it names none */
#define PPROF_HTML_UNSET        -1

/* the skip link's target */
#define PPROF_HTML_MAIN         "<main id=\"main\">\n"


/*
 * The state a link carries.  Strings are empty and words PPROF_HTML_UNSET
 * when unset; links write only what is set, after options->query.
 */
typedef struct {
    int                            format;      /* PPROF_FORMAT_* */
    int                            view;        /* PPROF_VIEW_* */
    /* the report's string options, by PPROF_RARG_* */
    pprof_str_t                    arg[PPROF_RARG_N];
    int                            sort;
    int                            has_nodecount;
    size_t                         nodecount;
    pprof_str_t                    search;
    /* from a debug=1/2 text page to the views: the binary profile */
    int                            no_debug;
} pprof_html_link_t;


/* fields a form shows, so that its hidden inputs leave them out */
#define PPROF_HTML_F_NODECOUNT  0x01
#define PPROF_HTML_F_SEARCH     0x02
/* the report's option PPROF_RARG_* i */
#define PPROF_HTML_F_ARG(i)     (0x100 << (i))


typedef struct {
    const char                    *p;
    size_t                         len;
    int                            match;
} pprof_html_cache_t;


typedef struct {
    regex_t                        re;
    int                            compiled;
    pprof_error_t                  error;     /* a bad pattern */
    char                          *name;        /* NUL-terminated copy */
    size_t                         name_size;
    pprof_html_cache_t            *cache;
    size_t                         cache_mask;
    size_t                         cache_used;
} pprof_html_search_t;


typedef struct {
    const pprof_render_options_t  *options;     /* &opts */
    pprof_render_options_t         opts;
    pprof_report_t                *report;
    const pprof_report_info_t     *rinfo;       /* NULL on a text page */
    const pprof_info_t            *info;
    pprof_legend_t                 legend;      /* of the report */
    int                            goroutines;  /* a goroutine profile */
    int                            standalone;  /* the flamegraph format */
    int                            text;        /* a text page */
    pprof_html_link_t              state;       /* of the current page */
    const char                    *self;        /* a location page's href */
    int64_t                        diff_max;    /* largest |change| drawn */
    pprof_error_t                 *err;
    pprof_out_t                   *out;
} pprof_html_ctx_t;


static void pprof_html_init(pprof_html_ctx_t *ctx, pprof_report_t *report,
    const pprof_render_options_t *options, pprof_out_t *out,
    pprof_error_t *err);
static const char *pprof_html_word(const pprof_keyword_t *table, int value);
static void pprof_html_esc(pprof_out_t *o, const char *s, size_t len);
static void pprof_html_url(pprof_out_t *o, const char *s, size_t len);
static void pprof_html_fixed3(pprof_out_t *o, int64_t n);
static void pprof_html_value(pprof_html_ctx_t *ctx, int64_t value);
static void pprof_html_rvalue(pprof_html_ctx_t *ctx, int64_t value);
static void pprof_html_percent(pprof_html_ctx_t *ctx, int64_t value,
    int64_t total);
static void pprof_html_href(pprof_html_ctx_t *ctx,
    const pprof_html_link_t *l);
static void pprof_html_param(pprof_out_t *o, int *sep,
    const char *name, pprof_str_t value);
static void pprof_html_hidden(pprof_html_ctx_t *ctx,
    const pprof_html_link_t *l, unsigned shown);
static void pprof_html_hidden1(pprof_out_t *o, const char *name,
    pprof_str_t value);
static size_t pprof_html_url_decode(char *dst, const char *src, size_t len);
static void pprof_html_head(pprof_html_ctx_t *ctx, const char *title,
    size_t title_len, const char *what);
static void pprof_html_header(pprof_html_ctx_t *ctx, const char *title,
    size_t title_len, int current);
static void pprof_html_nav(pprof_html_ctx_t *ctx, int current);
static void pprof_html_meta(pprof_html_ctx_t *ctx);
static void pprof_html_refine_state(pprof_html_ctx_t *ctx);
static void pprof_html_samples(pprof_html_ctx_t *ctx);
static void pprof_html_store(pprof_html_ctx_t *ctx);
static void pprof_html_foot(pprof_html_ctx_t *ctx, int script);
static void pprof_html_location_page(pprof_html_ctx_t *ctx,
    const char *title, const char *none, const char *self);
static void pprof_html_here(pprof_html_ctx_t *ctx, int current);
static void pprof_html_option(pprof_out_t *o, const char *name,
    pprof_str_t value);
static void pprof_html_capture(pprof_html_ctx_t *ctx,
    const pprof_capture_entry_t *entries, size_t n, size_t i);
static void pprof_html_capture_href(pprof_out_t *o,
    const pprof_capture_entry_t *e, const char *arg, const char *value);
static size_t pprof_html_capture_base(const pprof_capture_entry_t *entries,
    size_t n, size_t i);
static void pprof_html_path(pprof_out_t *o, const char *base,
    const char *name);
static void pprof_html_index_targets(pprof_html_ctx_t *ctx,
    const pprof_index_t *index);
static void pprof_html_index_entry(pprof_html_ctx_t *ctx,
    const pprof_index_t *index, const pprof_index_entry_t *e);
static void pprof_html_index_href(pprof_out_t *o, const pprof_index_t *index,
    const pprof_index_entry_t *e, const char *arg, const char *value);
static void pprof_html_index_form(pprof_html_ctx_t *ctx,
    const pprof_index_t *index, const pprof_index_entry_t *e);
static int pprof_html_top(pprof_html_ctx_t *ctx);
static void pprof_html_controls(pprof_html_ctx_t *ctx, const char *count);
static int pprof_html_graph(pprof_html_ctx_t *ctx);
static int pprof_html_flame(pprof_html_ctx_t *ctx);
static int pprof_html_goroutines(pprof_html_ctx_t *ctx);
static int pprof_html_peek(pprof_html_ctx_t *ctx);
static int64_t pprof_html_abs(int64_t v);
static void pprof_html_diff_legend(pprof_html_ctx_t *ctx);
static void pprof_html_diff_frame(pprof_html_ctx_t *ctx,
    const pprof_tree_node_t *node);
static void pprof_html_diff_title(pprof_html_ctx_t *ctx,
    const pprof_tree_node_t *node);
static void pprof_html_frame(pprof_html_ctx_t *ctx,
    const pprof_tree_node_t *node, int64_t x, int64_t width, int root,
    int matched);
static int pprof_html_search_init(pprof_html_ctx_t *ctx,
    pprof_html_search_t *s, size_t nnames);
static int pprof_html_search_match(pprof_html_ctx_t *ctx,
    pprof_html_search_t *s, pprof_str_t name);
static void pprof_html_search_free(pprof_html_ctx_t *ctx,
    pprof_html_search_t *s);
static int64_t pprof_html_search_tree(pprof_html_ctx_t *ctx,
    pprof_html_search_t *s, const pprof_tree_t *tree, unsigned char *marks);
static pprof_str_t pprof_html_short_name(pprof_str_t name);
static uint32_t pprof_html_hash(const char *p, size_t len);


static const char  pprof_html_css[] =
    "*{box-sizing:border-box}"
    "body{margin:0;font:14px/1.45 system-ui,-apple-system,\"Segoe UI\","
    "Roboto,sans-serif;color:#1f1f1f;background:#fff}"
    "a{color:#0b57d0;text-decoration:none}"
    "a:hover{text-decoration:underline}"
    "a:focus-visible,button:focus-visible,input:focus-visible,"
    "select:focus-visible,summary:focus-visible{outline:2px solid #0b57d0;"
    "outline-offset:2px}"
    ".skip{position:absolute;left:-9999px;top:4px;padding:4px 8px;"
    "background:#fff;z-index:2}"
    ".skip:focus{left:8px}"
    "header,main{overflow-wrap:anywhere}"
    "header{padding:10px 16px 6px;background:#f7f3ec;"
    "border-bottom:1px solid #e4dccd}"
    "h1{margin:0;font-size:20px}"
    "h1 small{margin-left:10px;font-size:14px;font-weight:normal;"
    "color:#555}"
    "nav{margin:6px 0 2px}"
    "nav a,nav strong{margin-right:14px;white-space:nowrap}"
    "nav .sep{margin-right:14px;color:#aaa}"
    ".meta{margin:4px 0 0;color:#444}"
    ".meta span{margin-right:18px;white-space:nowrap}"
    ".meta b{color:#1f1f1f;font-weight:600}"
    ".meta strong{padding:0 4px;background:#fde7b8;border-radius:3px}"
    ".meta a{margin-right:4px;padding:0 4px}"
    ".comments{margin:4px 0 0;padding-left:20px;color:#555}"
    "main{padding:12px 16px}"
    "form{display:flex;flex-wrap:wrap;gap:6px 14px;align-items:center;"
    "margin:0 0 10px}"
    "input[type=text]{width:16em}"
    "input[type=number]{width:6em}"
    ".note{margin:0 0 10px;color:#555}"
    ".refine input[type=text]{width:11em}"
    ".refined code{margin-right:8px;padding:0 4px;background:#f1ece2;"
    "border-radius:3px}"
    ".peek tbody{border-top:2px solid #d5cdbf}"
    ".peek tr.self{background:#fff7e3}"
    ".peek tr.caller td:last-child,.peek tr.callee td:last-child"
    "{padding-left:2em}"
    ".err{color:#b3261e;font-weight:600}"
    ".top{border-collapse:collapse;font:13px/1.35 ui-monospace,"
    "SFMono-Regular,Menlo,Consolas,monospace}"
    ".top th,.top td{padding:2px 10px;text-align:right;white-space:nowrap}"
    ".top th{position:sticky;top:0;background:#fff;"
    "border-bottom:2px solid #d5cdbf}"
    ".top th:last-child,.top td:last-child{text-align:left;"
    "white-space:normal;word-break:break-all}"
    ".top tbody tr:nth-child(even){background:#faf7f2}"
    ".top tbody tr:hover{background:#fff0cf}"
    ".fg{position:relative;overflow:hidden;margin:0 0 10px;"
    "font:12px/17px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}"
    ".fg a{position:absolute;height:17px;padding:0 3px;overflow:hidden;"
    "white-space:nowrap;text-overflow:ellipsis;color:#1f1f1f;"
    "border-right:1px solid #fff;border-radius:2px}"
    ".fg a:hover{text-decoration:none;outline:1px solid #333;"
    "outline-offset:-1px}"
    ".fg a:focus-visible{z-index:1;outline:2px solid #0b57d0;"
    "outline-offset:-2px}"
    ".fg .r{background:#d9d2c5}"
    ".fg a.m{background:#b23fd0;color:#fff}"
    ".c0{background:#f26b4f}.c1{background:#f5825a}"
    ".c2{background:#f79865}.c3{background:#f9ad70}"
    ".c4{background:#fbc17b}.c5{background:#fdd386}"
    ".c6{background:#e8594a}.c7{background:#ee7a3f}"
    ".c8{background:#f4974a}.c9{background:#f0b350}"
    ".c10{background:#e9c35b}.c11{background:#f6a07c}"
    ".c12{background:#f08c6a}.c13{background:#e6a94f}"
    ".c14{background:#fcb968}.c15{background:#ee6f5e}"
    /* a diff: grew (red) and shrank (blue) by level, new, unchanged */
    ".g1{background:#f6d5d0}.g2{background:#f0aca2}.g3{background:#e88172}"
    ".g4{background:#dc5543}.g5{background:#c62a17;color:#fff}"
    ".s1{background:#d4e1f5}.s2{background:#abc4ec}.s3{background:#7fa3e0}"
    ".s4{background:#5282d2;color:#fff}.s5{background:#2a5fbf;color:#fff}"
    ".gn{background:repeating-linear-gradient(45deg,#c62a17 0 4px,"
    "#e88172 4px 8px);color:#fff}"
    ".g0{background:#ddd}"
    ".legend .sw{display:inline-block;width:14px;height:12px;"
    "margin:0 2px 0 8px;vertical-align:middle;border:1px solid #999}"
    ".g{margin:0 0 8px}"
    ".g summary{cursor:pointer}"
    ".g summary b{display:inline-block;min-width:4em;text-align:right}"
    ".g .lbl{margin-left:10px;color:#555}"
    ".g small{color:#666}"
    ".g ol{margin:2px 0 6px;padding-left:5.5em;"
    "font:12px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}"
    ".g .file{margin-left:10px;color:#666}"
    ".ix{margin:0;padding:0;list-style:none}"
    ".ix li{padding:8px 0;border-bottom:1px solid #eee}"
    ".ix h2{margin:0;font-size:16px}"
    ".ix p{margin:2px 0}"
    ".ix .links a{margin-right:10px;white-space:nowrap}"
    ".ix .sep{margin-right:10px;color:#aaa}"
    ".ix form{margin:4px 0 0}"
    "pre.text{margin:0;font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,"
    "Consolas,monospace;white-space:pre-wrap;word-break:break-all}"
    ".legend{margin:0 0 10px;padding:0;list-style:none;color:#444}"
    ".graph{overflow:auto;max-width:100%;border:1px solid #e4dccd}"
    ".graph svg{display:block}"
    ".graph a:focus rect{stroke-width:3}"
    ".graph a:hover rect{stroke-width:2.5}"
    /* a phone: tighter, and wide tables scroll inside their box */
    "@media (max-width:640px){header{padding:8px 10px 4px}"
    "main{padding:8px 10px}h1{font-size:17px}"
    ".meta span{white-space:normal}"
    ".scroll{overflow-x:auto}"
    ".top td:last-child{min-width:14em}"
    "input[type=text]{width:12em}"
    ".g ol{padding-left:1.5em}}";


/* highlights frames as one types; the server-side search is the real one */
static const char  pprof_html_flame_js[] =
    "<script>(function(){"
    "var q=document.getElementById('search'),"
    "f=document.querySelectorAll('.fg a:not(.r)');"
    "if(!q)return;"
    "q.addEventListener('input',function(){var r=null,i,n;"
    "try{if(q.value)r=new RegExp(q.value)}catch(e){return}"
    "for(i=0;i<f.length;i++){n=f[i].title.split('\\n')[0];"
    "f[i].classList.toggle('m',!!r&&r.test(n))}});"
    "})();</script>\n";


static const char  pprof_html_hex[] = "0123456789ABCDEF";


int
pprof_html_page(pprof_report_t *report, const pprof_render_options_t *options,
    pprof_out_t *out, pprof_error_t *err)
{
    int               rc, view;
    pprof_html_ctx_t  ctx;

    pprof_html_init(&ctx, report, options, out, err);

    view = options->view;

    if (view != PPROF_VIEW_FLAME && view != PPROF_VIEW_GOROUTINES
        && view != PPROF_VIEW_GRAPH && view != PPROF_VIEW_PEEK)
    {
        view = PPROF_VIEW_TOP;
    }

    ctx.state.view = view;

    if (view == PPROF_VIEW_PEEK) {
        /* peek trims no row: its unit is that of all rows */
        ctx.opts.nodecount = 0;
    }

    if (view != PPROF_VIEW_FLAME) {
        /* zoom and search only mean something on the flame graph */
        ctx.state.arg[PPROF_RARG_ZOOM].len = 0;
        ctx.state.search.len = 0;
    }

    pprof_html_head(&ctx, options->title, 0,
                    view == PPROF_VIEW_FLAME ? "flame graph"
                    : view == PPROF_VIEW_GOROUTINES ? "goroutines"
                    : view == PPROF_VIEW_GRAPH ? "graph"
                    : view == PPROF_VIEW_PEEK ? "peek" : "top");
    pprof_html_header(&ctx, NULL, 0, view);

    pprof_out_lit(ctx.out, PPROF_HTML_MAIN);

    switch (view) {

    case PPROF_VIEW_FLAME:
        rc = pprof_html_flame(&ctx);
        break;

    case PPROF_VIEW_GOROUTINES:
        rc = pprof_html_goroutines(&ctx);
        break;

    case PPROF_VIEW_GRAPH:
        rc = pprof_html_graph(&ctx);
        break;

    case PPROF_VIEW_PEEK:
        rc = pprof_html_peek(&ctx);
        break;

    default:
        rc = pprof_html_top(&ctx);
        break;
    }

    if (rc != PPROF_OK) {
        return rc;
    }

    pprof_out_lit(ctx.out, "</main>\n");
    pprof_html_foot(&ctx, view == PPROF_VIEW_FLAME);

    return PPROF_OK;
}


/*
 * The flamegraph format: a self-contained document (inline CSS, no other
 * view) that a user saves or shares.  Its zoom, search and sample links
 * stay in the format, so served by the module it works on its own.
 */

int
pprof_html_flamegraph(pprof_report_t *report,
    const pprof_render_options_t *options, pprof_out_t *out,
    pprof_error_t *err)
{
    int               rc;
    pprof_html_ctx_t  ctx;

    pprof_html_init(&ctx, report, options, out, err);

    ctx.standalone = 1;
    ctx.state.format = PPROF_FORMAT_FLAMEGRAPH;

    pprof_html_head(&ctx, options->title, 0, "flame graph");
    pprof_html_header(&ctx, NULL, 0, -1);

    pprof_out_lit(ctx.out, PPROF_HTML_MAIN);

    rc = pprof_html_flame(&ctx);
    if (rc != PPROF_OK) {
        return rc;
    }

    pprof_out_lit(ctx.out, "</main>\n");
    pprof_html_foot(&ctx, 1);

    return PPROF_OK;
}


int
pprof_render_text_page(const char *title, const char *text, size_t len,
    const pprof_render_options_t *options)
{
    char              buf[PPROF_OUT_SIZE];
    size_t            tlen;
    pprof_out_t       out;
    pprof_html_ctx_t  ctx;

    /* no writer: the page goes nowhere, as with pprof_render() */
    pprof_out_init(&out, options->write, options->data, buf, sizeof(buf));
    pprof_html_init(&ctx, NULL, options, &out, NULL);

    if (title == NULL || title[0] == '\0') {
        title = options->title;
    }

    tlen = title ? strlen(title) : 0;

    pprof_html_head(&ctx, title, tlen, NULL);
    pprof_html_header(&ctx, title, tlen, -1);

    pprof_out_lit(ctx.out, PPROF_HTML_MAIN "<pre class=\"text\">");
    pprof_html_esc(ctx.out, text, text ? len : 0);
    pprof_out_lit(ctx.out, "</pre>\n</main>\n");

    pprof_html_foot(&ctx, 0);

    return pprof_out_finish(&out, PPROF_OK, NULL);
}


/*
 * The history page: a location's stored captures, a row each in the order
 * given.  It views no profile, so it has neither the views' links nor the
 * store's line: query, capture, again and history do not apply.
 */

int
pprof_render_captures(const char *title,
    const pprof_capture_entry_t *entries, size_t n,
    const pprof_render_options_t *options)
{
    char              buf[PPROF_OUT_SIZE];
    size_t            i;
    pprof_out_t       out;
    pprof_html_ctx_t  ctx;

    pprof_out_init(&out, options->write, options->data, buf, sizeof(buf));
    pprof_html_init(&ctx, NULL, options, &out, NULL);

    ctx.opts.history = NULL;

    pprof_html_location_page(&ctx, title, "captures",
                             "?" PPROF_ARG_VIEW "=history");

    if (n == 0) {
        pprof_out_lit(ctx.out,
                      "<p class=\"note\">no stored captures yet</p>\n");

    } else {
        pprof_out_lit(ctx.out,
            "<div class=\"scroll\"><table class=\"top\">\n<thead><tr>"
            "<th scope=\"col\">profile</th>"
            "<th scope=\"col\">arguments</th>"
            "<th scope=\"col\">captured</th>"
            "<th scope=\"col\">took</th>"
            "<th scope=\"col\">size</th>"
            "<th scope=\"col\">ID</th>"
            "<th scope=\"col\">links</th></tr></thead>\n<tbody>\n");

        for (i = 0; i < n && !out.failed; i++) {
            pprof_html_capture(&ctx, entries, n, i);
        }

        pprof_out_lit(ctx.out, "</tbody>\n</table></div>\n");
    }

    pprof_out_lit(ctx.out, "</main>\n");
    pprof_html_foot(&ctx, 0);

    return pprof_out_finish(&out, PPROF_OK, NULL);
}


/*
 * The gateway's targets: every pprof_pass location with where it goes, a
 * link to the index of each one that has a single one.
 */

static void
pprof_html_index_targets(pprof_html_ctx_t *ctx, const pprof_index_t *index)
{
    size_t                       i;
    pprof_out_t                 *o;
    const pprof_index_target_t  *t;

    o = ctx->out;

    pprof_out_lit(o, "<h2>Targets</h2>\n<ul class=\"targets\">\n");

    for (i = 0; i < index->ntargets; i++) {
        t = &index->targets[i];

        pprof_out_lit(o, "<li>");

        if (t->href && !t->current) {
            pprof_out_lit(o, "<a href=\"");
            pprof_html_esc(o, t->href, strlen(t->href));
            pprof_out_lit(o, "\">");
        }

        pprof_out_lit(o, "<code>");
        pprof_html_esc(o, t->location, strlen(t->location));
        pprof_out_lit(o, "</code>");

        if (t->href && !t->current) {
            pprof_out_lit(o, "</a>");
        }

        pprof_out_lit(o, " \xe2\x86\x92 <code>");
        pprof_html_esc(o, t->url, strlen(t->url));
        pprof_out_lit(o, "</code>");

        if (t->current) {
            pprof_out_lit(o, " <b>(this page)</b>");
        }

        pprof_out_lit(o, "</li>\n");
    }

    pprof_out_lit(o, "</ul>\n");
}


/*
 * The gateway's index: a row per profile type, in the order given.  Like
 * the history it views no profile: no views' links, and of the store's
 * line only the history.  Links are relative to the location's index.
 */

int
pprof_render_index(const char *title, const pprof_index_t *index,
    const pprof_render_options_t *options)
{
    char              buf[PPROF_OUT_SIZE];
    size_t            i;
    pprof_out_t       out;
    pprof_html_ctx_t  ctx;

    pprof_out_init(&out, options->write, options->data, buf, sizeof(buf));
    pprof_html_init(&ctx, NULL, options, &out, NULL);

    pprof_html_location_page(&ctx, title, "profiles", "?");

    if (index->target && index->target[0]) {
        pprof_out_lit(ctx.out, "<p class=\"meta\"><span><b>Target:</b> "
                      "<code>");
        pprof_html_esc(ctx.out, index->target, strlen(index->target));
        pprof_out_lit(ctx.out, "</code></span></p>\n");
    }

    pprof_out_lit(ctx.out, "<p class=\"note\">The profiles of the target, "
                  "rendered here; <code>go tool pprof</code> reads the raw "
                  "ones. <a href=\"");
    pprof_html_path(ctx.out, index->base, "");
    pprof_out_lit(ctx.out, "?" PPROF_ARG_FORMAT "=raw\">The profiler's own "
                  "index</a></p>\n<ul class=\"ix\">\n");

    for (i = 0; i < index->n && !out.failed; i++) {
        pprof_html_index_entry(&ctx, index, &index->entries[i]);
    }

    pprof_out_lit(ctx.out, "</ul>\n");

    if (index->ntargets) {
        pprof_html_index_targets(&ctx, index);
    }

    pprof_out_lit(ctx.out, "</main>\n");
    pprof_html_foot(&ctx, 0);

    return pprof_out_finish(&out, PPROF_OK, NULL);
}


/*
 * & < > " ' become entities.  Control characters other than tab and
 * newline, C1 controls and bytes that are not UTF-8 become U+FFFD, so any
 * input gives valid HTML text or attribute values.  Like ngx_escape_html,
 * a NULL dst returns the length only.
 */

size_t
pprof_html_escape(char *dst, const char *src, size_t len)
{
    size_t          n, k;
    unsigned char   c, c1, c2;
    const unsigned char   *p, *end;

    static const char  fffd[] = "\xef\xbf\xbd";

    p = (const unsigned char *) src;
    end = p + len;
    n = 0;

    while (p < end) {
        c = *p;

        if (c >= 0x80) {
            /* length of a valid UTF-8 sequence at p, or 0 */
            k = 0;
            c1 = (end - p > 1) ? p[1] : 0;
            c2 = (end - p > 2) ? p[2] : 0;

            if (c >= 0xc2 && c <= 0xdf) {
                /* C2 80..C2 9F are the C1 controls */
                if ((c1 & 0xc0) == 0x80 && !(c == 0xc2 && c1 < 0xa0)) {
                    k = 2;
                }

            } else if (c >= 0xe0 && c <= 0xef) {
                if ((c1 & 0xc0) == 0x80 && (c2 & 0xc0) == 0x80
                    && !(c == 0xe0 && c1 < 0xa0)
                    && !(c == 0xed && c1 >= 0xa0))
                {
                    k = 3;
                }

            } else if (c >= 0xf0 && c <= 0xf4) {
                if ((c1 & 0xc0) == 0x80 && (c2 & 0xc0) == 0x80
                    && end - p > 3 && (p[3] & 0xc0) == 0x80
                    && !(c == 0xf0 && c1 < 0x90)
                    && !(c == 0xf4 && c1 >= 0x90))
                {
                    k = 4;
                }
            }

            if (k == 0) {
                /* a lone byte, or a C1 control: its 2 bytes go too */
                k = (c == 0xc2 && (c1 & 0xc0) == 0x80) ? 2 : 1;

                if (dst) {
                    dst = (char *) memcpy(dst, fffd, 3) + 3;
                }

                n += 3;
                p += k;
                continue;
            }

            if (dst) {
                dst = (char *) memcpy(dst, p, k) + k;
            }

            n += k;
            p += k;
            continue;
        }

        switch (c) {

        case '&':
            if (dst) {
                dst = (char *) memcpy(dst, "&amp;", 5) + 5;
            }
            n += 5;
            break;

        case '<':
            if (dst) {
                dst = (char *) memcpy(dst, "&lt;", 4) + 4;
            }
            n += 4;
            break;

        case '>':
            if (dst) {
                dst = (char *) memcpy(dst, "&gt;", 4) + 4;
            }
            n += 4;
            break;

        case '"':
            if (dst) {
                dst = (char *) memcpy(dst, "&quot;", 6) + 6;
            }
            n += 6;
            break;

        case '\'':
            if (dst) {
                dst = (char *) memcpy(dst, "&#39;", 5) + 5;
            }
            n += 5;
            break;

        default:
            if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f) {
                if (dst) {
                    dst = (char *) memcpy(dst, fffd, 3) + 3;
                }
                n += 3;
                break;
            }

            if (dst) {
                *dst++ = (char) c;
            }
            n++;
        }

        p++;
    }

    return n;
}


static void
pprof_html_init(pprof_html_ctx_t *ctx, pprof_report_t *report,
    const pprof_render_options_t *options, pprof_out_t *out,
    pprof_error_t *err)
{
    size_t                         i;
    const pprof_report_options_t  *ro;

    memset(ctx, 0, sizeof(pprof_html_ctx_t));

    ctx->opts = *options;
    ctx->options = &ctx->opts;
    ctx->report = report;
    ctx->out = out;
    ctx->err = err;

    if (ctx->opts.allocator == NULL && report != NULL) {
        ctx->opts.allocator = pprof_report_allocator(report);
    }

    ctx->state.format = PPROF_HTML_UNSET;
    ctx->state.view = PPROF_HTML_UNSET;
    ctx->state.search = pprof_cstr(options->search);
    ctx->state.has_nodecount = 1;
    ctx->state.nodecount = options->nodecount;

    if (report == NULL) {
        /* a text page: debug=1 and debug=2 goroutine dumps */
        ctx->text = 1;
        ctx->state.has_nodecount = 0;
        ctx->goroutines = options->title
                          && strcmp(options->title, "goroutine") == 0;
        return;
    }

    ctx->rinfo = pprof_report_info(report);
    ctx->info = pprof_profile_info(ctx->rinfo->profile);

    pprof_report_legend(report, &ctx->legend);
    ctx->goroutines = ctx->legend.goroutines;

    ro = ctx->rinfo->options;

    if (ro) {
        ctx->state.sort = ro->sort;

        for (i = 0; i < PPROF_RARG_N; i++) {
            ctx->state.arg[i] = pprof_cstr(pprof_report_arg(ro, i));
        }
    }
}


/* output */


/* the name of a link's format or view, "" when unset */

static const char *
pprof_html_word(const pprof_keyword_t *table, int value)
{
    const pprof_keyword_t  *k;

    k = pprof_keyword_by_value(table, value);

    return k ? k->name : "";
}


static void
pprof_html_esc(pprof_out_t *o, const char *s, size_t len)
{
    char    *p;
    size_t   n;

    while (len) {
        n = len;

        if (n > PPROF_HTML_ESC_CHUNK) {
            /* cut before a UTF-8 sequence, not inside it */
            n = PPROF_HTML_ESC_CHUNK;
            while (n > PPROF_HTML_ESC_CHUNK - 3
                   && ((unsigned char) s[n] & 0xc0) == 0x80)
            {
                n--;
            }
        }

        p = pprof_out_reserve(o, n * 6);
        if (p == NULL) {
            return;
        }

        o->len += pprof_html_escape(p, s, n);
        s += n;
        len -= n;
    }
}


/* percent-encodes all but RFC 3986 unreserved characters */

static void
pprof_html_url(pprof_out_t *o, const char *s, size_t len)
{
    unsigned char   c;
    char           *d, *start;
    size_t          n;

    while (len) {
        n = len < PPROF_HTML_ESC_CHUNK ? len : PPROF_HTML_ESC_CHUNK;

        start = pprof_out_reserve(o, n * 3);
        if (start == NULL) {
            return;
        }

        d = start;
        len -= n;

        while (n--) {
            c = (unsigned char) *s++;

            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || c == '-' || c == '.' || c == '_' || c == '~')
            {
                *d++ = (char) c;

            } else {
                *d++ = '%';
                *d++ = pprof_html_hex[c >> 4];
                *d++ = pprof_html_hex[c & 0xf];
            }
        }

        o->len += (size_t) (d - start);
    }
}


/* n thousandths as "12.345" */

static void
pprof_html_fixed3(pprof_out_t *o, int64_t n)
{
    char  frac[4];

    if (n < 0) {
        n = 0;
    }

    pprof_out_uint(o, (uint64_t) n / 1000);

    frac[0] = '.';
    frac[1] = (char) ('0' + n / 100 % 10);
    frac[2] = (char) ('0' + n / 10 % 10);
    frac[3] = (char) ('0' + n % 10);

    pprof_out_write(o, frac, 4);
}


static void
pprof_html_value(pprof_html_ctx_t *ctx, int64_t value)
{
    char    buf[64];
    size_t  n;

    n = pprof_format_value(buf, sizeof(buf), value, ctx->legend.unit);
    if (n >= sizeof(buf)) {
        n = strnlen(buf, sizeof(buf) - 1);
    }

    pprof_html_esc(ctx->out, buf, n);
}


/* a top table value: every row in the report's one unit, as in pprof */

static void
pprof_html_rvalue(pprof_html_ctx_t *ctx, int64_t value)
{
    char    buf[64];
    size_t  n;

    n = pprof_report_format_value(ctx->report, ctx->options->nodecount,
                                  buf, sizeof(buf), value);
    if (n >= sizeof(buf)) {
        n = strnlen(buf, sizeof(buf) - 1);
    }

    pprof_html_esc(ctx->out, buf, n);
}


static void
pprof_html_percent(pprof_html_ctx_t *ctx, int64_t value, int64_t total)
{
    char    buf[64], *p;
    size_t  n;

    n = pprof_format_percent(buf, sizeof(buf), value, total);
    if (n >= sizeof(buf)) {
        n = strnlen(buf, sizeof(buf) - 1);
    }

    /* the text format pads to a column; a table cell needs no padding */
    p = buf;
    while (n && *p == ' ') {
        p++;
        n--;
    }

    pprof_html_esc(ctx->out, p, n);
}


/* links */


/* href="?QUERY&format=..&view=..&zoom=..&sample=..&sort=cum&..." */

static void
pprof_html_href(pprof_html_ctx_t *ctx, const pprof_html_link_t *l)
{
    int                sep;
    size_t             i;
    const char        *q, *amp, *end;
    pprof_out_t       *o;

    o = ctx->out;
    sep = 0;

    pprof_out_lit(o, "href=\"?");

    q = ctx->options->query;

    if (q && q[0] && !l->no_debug) {
        /* already URL-encoded; only & and quotes need care here */
        pprof_html_esc(o, q, strlen(q));
        sep = 1;

    } else if (q && q[0]) {
        end = q + strlen(q);

        while (q < end) {
            amp = memchr(q, '&', end - q);
            if (amp == NULL) {
                amp = end;
            }

            if (amp > q
                && !((amp - q == 5 || (amp - q > 5 && q[5] == '='))
                     && memcmp(q, "debug", 5) == 0))
            {
                if (sep) {
                    pprof_out_lit(o, "&amp;");
                }

                pprof_html_esc(o, q, amp - q);
                sep = 1;
            }

            q = amp + 1;
        }
    }

    pprof_html_param(o, &sep, PPROF_ARG_FORMAT,
                     pprof_cstr(pprof_html_word(pprof_formats, l->format)));
    pprof_html_param(o, &sep, PPROF_ARG_VIEW,
                     pprof_cstr(pprof_html_word(pprof_views, l->view)));
    /* flat is the default: not written */
    if (l->sort == PPROF_SORT_CUM) {
        pprof_html_param(o, &sep, PPROF_ARG_SORT,
                         pprof_cstr(pprof_html_word(pprof_sorts, l->sort)));
    }

    if (l->has_nodecount) {
        if (sep) {
            pprof_out_lit(o, "&amp;");
        }

        pprof_out_lit(o, PPROF_ARG_NODECOUNT "=");
        pprof_out_uint(o, l->nodecount);
        sep = 1;
    }

    for (i = 0; i < PPROF_RARG_N; i++) {
        pprof_html_param(o, &sep, pprof_report_args[i].name, l->arg[i]);
    }

    pprof_html_param(o, &sep, PPROF_ARG_SEARCH, l->search);

    pprof_out_lit(o, "\"");
}


static void
pprof_html_param(pprof_out_t *o, int *sep, const char *name,
    pprof_str_t value)
{
    if (value.len == 0) {
        return;
    }

    if (*sep) {
        pprof_out_lit(o, "&amp;");
    }

    pprof_out_str(o, name);
    pprof_out_lit(o, "=");
    pprof_html_url(o, value.data, value.len);

    *sep = 1;
}


/*
 * Hidden inputs of a GET form: the capture arguments first, decoded (the
 * browser encodes them again), then the state not shown as a field.
 */

static void
pprof_html_hidden(pprof_html_ctx_t *ctx, const pprof_html_link_t *l,
    unsigned shown)
{
    char              *buf;
    size_t             i, qlen;
    const char        *q, *amp, *eq, *end;
    pprof_str_t        name, value;
    pprof_out_t       *o;

    o = ctx->out;
    q = ctx->options->query;
    qlen = q ? strlen(q) : 0;

    if (qlen) {
        buf = pprof_alloc(ctx->options->allocator, qlen);

        if (buf == NULL) {
            /* pages without the capture arguments would be wrong */
            o->failed = PPROF_OUT_NOMEM;

        } else {
            end = q + qlen;

            while (q < end) {
                amp = memchr(q, '&', end - q);
                if (amp == NULL) {
                    amp = end;
                }

                if (amp > q) {
                    /* split first: "%3D" in a value is not a separator */
                    eq = memchr(q, '=', amp - q);
                    if (eq == NULL) {
                        eq = amp;
                    }

                    name.data = buf;
                    name.len = pprof_html_url_decode(buf, q, eq - q);
                    value.data = buf + name.len;
                    value.len = (eq < amp)
                                ? pprof_html_url_decode(buf + name.len, eq + 1,
                                                        amp - eq - 1)
                                : 0;

                    pprof_out_lit(o, "<input type=\"hidden\" name=\"");
                    pprof_html_esc(o, name.data, name.len);
                    pprof_out_lit(o, "\" value=\"");
                    pprof_html_esc(o, value.data, value.len);
                    pprof_out_lit(o, "\">");
                }

                q = amp + 1;
            }

            pprof_free(ctx->options->allocator, buf);
        }
    }

    pprof_html_hidden1(o, PPROF_ARG_FORMAT,
                       pprof_cstr(pprof_html_word(pprof_formats, l->format)));
    pprof_html_hidden1(o, PPROF_ARG_VIEW,
                       pprof_cstr(pprof_html_word(pprof_views, l->view)));
    for (i = 0; i < PPROF_RARG_N; i++) {
        if (!(shown & PPROF_HTML_F_ARG(i))) {
            pprof_html_hidden1(o, pprof_report_args[i].name, l->arg[i]);
        }
    }

    if (l->sort == PPROF_SORT_CUM) {
        pprof_html_hidden1(o, PPROF_ARG_SORT,
                           pprof_cstr(pprof_html_word(pprof_sorts, l->sort)));
    }

    if (l->has_nodecount && !(shown & PPROF_HTML_F_NODECOUNT)) {
        pprof_out_lit(o, "<input type=\"hidden\" name=\""
                      PPROF_ARG_NODECOUNT "\" value=\"");
        pprof_out_uint(o, l->nodecount);
        pprof_out_lit(o, "\">");
    }

    if (!(shown & PPROF_HTML_F_SEARCH)) {
        pprof_html_hidden1(o, PPROF_ARG_SEARCH, l->search);
    }

    pprof_out_lit(o, "\n");
}


static void
pprof_html_hidden1(pprof_out_t *o, const char *name, pprof_str_t value)
{
    if (value.len == 0) {
        return;
    }

    pprof_out_lit(o, "<input type=\"hidden\" name=\"");
    pprof_out_str(o, name);
    pprof_out_lit(o, "\" value=\"");
    pprof_html_esc(o, value.data, value.len);
    pprof_out_lit(o, "\">");
}


static size_t
pprof_html_url_decode(char *dst, const char *src, size_t len)
{
    int         hi, lo;
    char       *d;
    const char *end;

    d = dst;
    end = src + len;

    while (src < end) {
        if (*src == '+') {
            *d++ = ' ';
            src++;
            continue;
        }

        if (*src == '%' && end - src >= 3) {
            hi = (src[1] >= '0' && src[1] <= '9') ? src[1] - '0'
                 : ((src[1] | 0x20) >= 'a' && (src[1] | 0x20) <= 'f')
                   ? (src[1] | 0x20) - 'a' + 10 : -1;
            lo = (src[2] >= '0' && src[2] <= '9') ? src[2] - '0'
                 : ((src[2] | 0x20) >= 'a' && (src[2] | 0x20) <= 'f')
                   ? (src[2] | 0x20) - 'a' + 10 : -1;

            if (hi >= 0 && lo >= 0) {
                *d++ = (char) (hi << 4 | lo);
                src += 3;
                continue;
            }
        }

        *d++ = *src++;
    }

    return d - dst;
}


/* page chrome */


static void
pprof_html_head(pprof_html_ctx_t *ctx, const char *title, size_t title_len,
    const char *what)
{
    pprof_out_t  *o;

    o = ctx->out;

    if (title == NULL) {
        title = "";
    }

    if (title_len == 0) {
        title_len = strlen(title);
    }

    pprof_out_lit(o,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
        "<meta charset=\"utf-8\">\n"
        /* no icon to fetch: a browser would ask the origin for one */
        "<link rel=\"icon\" href=\"data:,\">\n"
        "<meta name=\"viewport\" content=\"width=device-width,"
        "initial-scale=1\">\n"
        "<meta name=\"robots\" content=\"noindex\">\n"
        "<title>");

    pprof_html_esc(o, title_len ? title : "profile",
                   title_len ? title_len : sizeof("profile") - 1);

    if (what) {
        pprof_out_lit(o, " \xe2\x80\x93 ");
        pprof_out_str(o, what);
    }

    if (ctx->state.arg[PPROF_RARG_ZOOM].len) {
        pprof_out_lit(o, " \xe2\x80\x93 ");
        pprof_html_esc(o, ctx->state.arg[PPROF_RARG_ZOOM].data,
                       ctx->state.arg[PPROF_RARG_ZOOM].len);
    }

    pprof_out_lit(o, "</title>\n<style>");
    pprof_out_write(o, pprof_html_css, sizeof(pprof_html_css) - 1);
    pprof_out_lit(o, "</style>\n</head>\n<body>\n"
                  "<a class=\"skip\" href=\"#main\">Skip to the content"
                  "</a>\n");
}


/* current: PPROF_VIEW_* or -1 for none */

static void
pprof_html_header(pprof_html_ctx_t *ctx, const char *title,
    size_t title_len, int current)
{
    size_t                 i;
    pprof_out_t           *o;
    const pprof_legend_t  *lg;

    o = ctx->out;

    pprof_out_lit(o, "<header>\n<h1>");

    if (title == NULL) {
        title = ctx->options->title;
        title_len = title ? strlen(title) : 0;
    }

    if (title_len) {
        pprof_html_esc(o, title, title_len);

    } else {
        pprof_out_lit(o, "profile");
    }

    lg = &ctx->legend;

    if (ctx->rinfo) {
        pprof_out_lit(o, "<small>");
        pprof_html_esc(o, lg->type.data, lg->type.len);
        pprof_out_lit(o, "</small>");
    }

    pprof_out_lit(o, "</h1>\n");

    pprof_html_nav(ctx, current);
    pprof_html_store(ctx);
    pprof_html_here(ctx, current);

    if (ctx->rinfo == NULL) {
        pprof_out_lit(o, "</header>\n");
        return;
    }

    pprof_html_meta(ctx);
    pprof_html_refine_state(ctx);
    pprof_html_samples(ctx);

    if (lg->ncomments) {
        pprof_out_lit(o, "<ul class=\"comments\">");

        for (i = 0; i < lg->ncomments; i++) {
            pprof_out_lit(o, "<li>");
            pprof_html_esc(o, lg->comments[i].data, lg->comments[i].len);
            pprof_out_lit(o, "</li>");
        }

        pprof_out_lit(o, "</ul>\n");
    }

    pprof_out_lit(o, "</header>\n");
}


static void
pprof_html_nav(pprof_html_ctx_t *ctx, int current)
{
    size_t              i;
    pprof_out_t        *o;
    pprof_html_link_t   l;

    /* the words are pprof_views' and pprof_formats' */
    static const struct {
        int          view;
        const char  *label;
    }  views[] = {
        { PPROF_VIEW_TOP, "Top" },
        { PPROF_VIEW_GRAPH, "Graph" },
        { PPROF_VIEW_PEEK, "Peek" },
        { PPROF_VIEW_FLAME, "Flame graph" },
        { PPROF_VIEW_GOROUTINES, "Goroutines" }
    };

    static const struct {
        int          format;
        const char  *label;
        const char  *title;
    }  formats[] = {
        { PPROF_FORMAT_TOP, "text", "go tool pprof -top as plain text" },
        { PPROF_FORMAT_JSON, "JSON", "the report as JSON" },
        { PPROF_FORMAT_COLLAPSED, "collapsed",
          "folded stacks, one \"a;b;c value\" a line" },
        { PPROF_FORMAT_FLAMEGRAPH, "flame graph file",
          "a self-contained flame graph page to save or share" },
        { PPROF_FORMAT_DOT, "DOT", "the call graph as go tool pprof -dot "
          "prints it, for Graphviz" },
        { PPROF_FORMAT_SVG, "SVG", "the call graph drawn, as a file" }
    };

    o = ctx->out;

    if (ctx->text
        && (ctx->options->query == NULL || ctx->options->query[0] == '\0'))
    {
        /* an error page: without the capture arguments links would lie */
        return;
    }

    pprof_out_lit(o, "<nav aria-label=\"views\">");

    for (i = 0; i < sizeof(views) / sizeof(views[0]); i++) {

        if (views[i].view == PPROF_VIEW_GOROUTINES && !ctx->goroutines) {
            continue;
        }

        if (views[i].view == current && !ctx->standalone) {
            pprof_out_lit(o, "<strong aria-current=\"page\">");
            pprof_out_str(o, views[i].label);
            pprof_out_lit(o, "</strong>");
            continue;
        }

        l = ctx->state;
        l.format = PPROF_HTML_UNSET;
        l.view = views[i].view;
        l.no_debug = ctx->text;

        if (views[i].view != PPROF_VIEW_FLAME) {
            l.arg[PPROF_RARG_ZOOM].len = 0;
            l.search.len = 0;
        }

        /* nodecount counts rows in one view, nodes in the other */
        if ((views[i].view == PPROF_VIEW_GRAPH)
            != (current == PPROF_VIEW_GRAPH))
        {
            l.has_nodecount = 0;
        }

        pprof_out_lit(o, "<a ");
        pprof_html_href(ctx, &l);
        pprof_out_lit(o, ">");
        pprof_out_str(o, views[i].label);
        pprof_out_lit(o, "</a>");
    }

    pprof_out_lit(o, "<span class=\"sep\">|</span>");

    for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
        l = ctx->state;
        l.format = formats[i].format;
        l.view = PPROF_HTML_UNSET;
        l.no_debug = ctx->text;

        if (formats[i].format != PPROF_FORMAT_FLAMEGRAPH) {
            l.arg[PPROF_RARG_ZOOM].len = 0;
            l.search.len = 0;
        }

        if ((formats[i].format == PPROF_FORMAT_DOT
             || formats[i].format == PPROF_FORMAT_SVG)
            != (current == PPROF_VIEW_GRAPH))
        {
            l.has_nodecount = 0;
        }

        pprof_out_lit(o, "<a ");
        pprof_html_href(ctx, &l);
        pprof_out_lit(o, " title=\"");
        pprof_html_esc(o, formats[i].title, strlen(formats[i].title));
        pprof_out_lit(o, "\">");
        pprof_out_str(o, formats[i].label);
        pprof_out_lit(o, "</a>");
    }

    /* the profile as fetched: only the capture arguments apply */
    memset(&l, 0, sizeof(pprof_html_link_t));
    l.format = PPROF_FORMAT_RAW;
    l.view = PPROF_HTML_UNSET;

    pprof_out_lit(o, "<a ");
    pprof_html_href(ctx, &l);

    if (ctx->text) {
        pprof_out_lit(o, " title=\"this text as fetched\">raw</a></nav>\n");

    } else {
        pprof_out_lit(o, " download title=\"the profile as fetched "
                       "(.pb.gz), for go tool pprof\">raw</a></nav>\n");
    }
}


/*
 * The current view and its options, and a link that reproduces the page
 * (a relative href with every argument, to bookmark or share).  Not on an
 * error page, whose links would lie, nor in the standalone file.
 */

static void
pprof_html_here(pprof_html_ctx_t *ctx, int current)
{
    size_t                     i;
    pprof_out_t               *o;
    const char                *q;
    const pprof_html_link_t   *st;
    const pprof_value_type_t  *sample;

    o = ctx->out;
    st = &ctx->state;
    q = ctx->options->query;

    if (ctx->standalone) {
        return;
    }

    if (ctx->self) {
        pprof_out_lit(o, "<p class=\"meta here\"><a href=\"");
        pprof_html_esc(o, ctx->self, strlen(ctx->self));
        pprof_out_lit(o, "\" rel=\"bookmark\">link to this view</a></p>\n");
        return;
    }

    if (ctx->text && (q == NULL || q[0] == '\0')) {
        return;
    }

    pprof_out_lit(o, "<p class=\"meta here\"><span><b>View:</b> ");
    pprof_out_str(o, current >= 0 ? pprof_html_word(pprof_views, current)
                                  : "text");
    pprof_out_lit(o, "</span>");

    if (ctx->rinfo) {
        sample = &ctx->info->sample_types[ctx->rinfo->sample_index];
        pprof_html_option(o, PPROF_ARG_SAMPLE, sample->type);

        if (current == PPROF_VIEW_TOP) {
            pprof_html_option(o, PPROF_ARG_SORT,
                pprof_cstr(pprof_html_word(pprof_sorts, st->sort)));
        }

        pprof_out_lit(o, "<span><b>rows:</b> ");

        if (st->nodecount) {
            pprof_out_uint(o, st->nodecount);

        } else {
            pprof_out_lit(o, "all");
        }

        pprof_out_lit(o, "</span>");
    }

    for (i = 0; i < PPROF_RARG_N; i++) {
        if (i != PPROF_RARG_SAMPLE) {
            pprof_html_option(o, pprof_report_args[i].name, st->arg[i]);
        }
    }

    pprof_html_option(o, PPROF_ARG_SEARCH, st->search);

    if (q && q[0]) {
        pprof_html_option(o, "arguments", pprof_cstr(q));
    }

    pprof_out_lit(o, "<a ");
    pprof_html_href(ctx, st);
    pprof_out_lit(o, " rel=\"bookmark\">link to this view</a></p>\n");
}


/* "<span><b>focus:</b> <code>VALUE</code></span>", nothing when unset */

static void
pprof_html_option(pprof_out_t *o, const char *name, pprof_str_t value)
{
    if (value.len == 0) {
        return;
    }

    pprof_out_lit(o, "<span><b>");
    pprof_out_str(o, name);
    pprof_out_lit(o, ":</b> <code>");
    pprof_html_esc(o, value.data, value.len);
    pprof_out_lit(o, "</code></span>");
}


/* the legend: the same values as the text top's header */

static void
pprof_html_meta(pprof_html_ctx_t *ctx)
{
    size_t                 i;
    pprof_out_t           *o;
    const pprof_info_t    *info;
    const pprof_legend_t  *lg;

    o = ctx->out;
    info = ctx->info;
    lg = &ctx->legend;

    pprof_out_lit(o, "<p class=\"meta\">");

    pprof_out_lit(o, "<span><b>Type:</b> ");
    if (lg->period_type.type.len) {
        pprof_html_esc(o, lg->period_type.type.data,
                       lg->period_type.type.len);
        pprof_out_lit(o, "/");
        pprof_html_esc(o, lg->period_type.unit.data,
                       lg->period_type.unit.len);

    } else {
        for (i = 0; i < info->nsample_types; i++) {
            if (i) {
                pprof_out_lit(o, ", ");
            }
            pprof_html_esc(o, info->sample_types[i].type.data,
                           info->sample_types[i].type.len);
        }
    }
    pprof_out_lit(o, "</span>");

    if (lg->time[0]) {
        pprof_out_lit(o, "<span><b>Time:</b> ");
        pprof_html_esc(o, lg->time, strlen(lg->time));
        pprof_out_lit(o, "</span>");
    }

    if (lg->duration[0]) {
        pprof_out_lit(o, "<span><b>Duration:</b> ");
        pprof_html_esc(o, lg->duration, strlen(lg->duration));
        pprof_out_lit(o, "</span>");
    }

    if (lg->period[0]) {
        pprof_out_lit(o, "<span><b>Period:</b> ");
        pprof_html_esc(o, lg->period, strlen(lg->period));
        pprof_out_lit(o, "</span>");
    }

    pprof_out_lit(o, "<span><b>Total:</b> ");
    pprof_html_esc(o, lg->total_label, strlen(lg->total_label));
    pprof_out_lit(o, " ");

    if (lg->goroutines) {
        pprof_out_lit(o, "goroutines");

    } else {
        pprof_html_esc(o, lg->type.data, lg->type.len);
    }

    pprof_out_lit(o, "</span>");

    if (lg->binary.len) {
        pprof_out_lit(o, "<span><b>Binary:</b> ");
        pprof_html_esc(o, lg->binary.data, lg->binary.len);
        pprof_out_lit(o, "</span>");
    }

    pprof_out_lit(o, "</p>\n");
}


/* the sample type switcher: one link per type, the current one marked */

static void
pprof_html_samples(pprof_html_ctx_t *ctx)
{
    size_t                     i;
    pprof_html_link_t          l;
    pprof_out_t               *o;
    const pprof_value_type_t  *st;

    if (ctx->info->nsample_types < 2) {
        return;
    }

    o = ctx->out;

    pprof_out_lit(o, "<p class=\"meta\"><b>Sample:</b> ");

    for (i = 0; i < ctx->info->nsample_types; i++) {
        st = &ctx->info->sample_types[i];

        if (i == ctx->rinfo->sample_index) {
            pprof_out_lit(o, "<strong title=\"");
            pprof_html_esc(o, st->unit.data, st->unit.len);
            pprof_out_lit(o, "\">");
            pprof_html_esc(o, st->type.data, st->type.len);
            pprof_out_lit(o, "</strong> ");
            continue;
        }

        l = ctx->state;
        l.arg[PPROF_RARG_SAMPLE] = st->type;

        pprof_out_lit(o, "<a ");
        pprof_html_href(ctx, &l);
        pprof_out_lit(o, " title=\"");
        pprof_html_esc(o, st->unit.data, st->unit.len);
        pprof_out_lit(o, "\">");
        pprof_html_esc(o, st->type.data, st->type.len);
        pprof_out_lit(o, "</a> ");
    }

    pprof_out_lit(o, "</p>\n");
}


/*
 * The capture store's line: the stored capture's ID, "capture again" (on
 * a text page, which says a capture is gone: "capture anew"), the
 * history and "share link".  Nothing when none is set, so pages outside
 * the store are as they were.  The flamegraph format, a file to save and
 * share, names its capture but links to none of them.
 */

static void
pprof_html_store(pprof_html_ctx_t *ctx)
{
    pprof_out_t                   *o;
    const char                    *again, *history, *share;
    const pprof_render_options_t  *opts;

    o = ctx->out;
    opts = ctx->options;

    again = ctx->standalone ? NULL : opts->again;
    history = ctx->standalone ? NULL : opts->history;
    share = ctx->standalone ? NULL : opts->share;

    if (opts->capture == NULL && again == NULL && history == NULL
        && share == NULL)
    {
        return;
    }

    pprof_out_lit(o, "<p class=\"meta store\">");

    if (opts->capture) {
        pprof_out_lit(o, "<span><b>Capture:</b> <code>");
        pprof_html_esc(o, opts->capture, strlen(opts->capture));
        pprof_out_lit(o, "</code></span>");
    }

    if (opts->capture && opts->base) {
        pprof_out_lit(o, "<span><b>Base:</b> <code>");
        pprof_html_esc(o, opts->base, strlen(opts->base));
        pprof_out_lit(o, "</code> (a diff: capture minus base)</span>");
    }

    if (again) {
        pprof_out_lit(o, "<a href=\"?");
        pprof_html_esc(o, again, strlen(again));
        pprof_out_lit(o, "\" title=\"a new capture, not from the store\">");
        pprof_out_str(o, ctx->text ? "capture anew" : "capture again");
        pprof_out_lit(o, "</a>");
    }

    if (history) {
        pprof_out_lit(o, "<a href=\"");
        pprof_html_esc(o, history, strlen(history));
        pprof_out_lit(o, "\" title=\"the stored captures\">history</a>");
    }

    if (share) {
        pprof_out_lit(o, "<a class=\"share\" href=\"");
        pprof_html_esc(o, share, strlen(share));
        pprof_out_lit(o, "\" title=\"a link to this capture for others, "
                      "valid for a while\">share link</a>");
    }

    pprof_out_lit(o, "</p>\n");
}


static void
pprof_html_foot(pprof_html_ctx_t *ctx, int script)
{
    if (script) {
        pprof_out_write(ctx->out, pprof_html_flame_js,
                       sizeof(pprof_html_flame_js) - 1);
    }

    pprof_out_lit(ctx->out, "</body>\n</html>\n");
}


/*
 * A page of the location that views no profile (the history, the index),
 * up to <main>: no capture arguments, ID or "capture again" apply; title,
 * or none when it is empty, is the heading; self links to the page.
 */

static void
pprof_html_location_page(pprof_html_ctx_t *ctx, const char *title,
    const char *none, const char *self)
{
    size_t  tlen;

    ctx->self = self;
    ctx->opts.query = NULL;
    ctx->opts.capture = NULL;
    ctx->opts.again = NULL;

    if (title == NULL || title[0] == '\0') {
        title = none;
    }

    tlen = strlen(title);

    pprof_html_head(ctx, title, tlen, NULL);
    pprof_html_header(ctx, title, tlen, -1);

    pprof_out_lit(ctx->out, PPROF_HTML_MAIN);
}


/* the top view */


static int
pprof_html_top(pprof_html_ctx_t *ctx)
{
    size_t                      i, shown, n;
    int64_t                     sum, total;
    const char                 *inl;
    pprof_out_t                *o;
    pprof_html_link_t           l;
    const pprof_function_row_t *row;

    o = ctx->out;

    if (pprof_report_functions(ctx->report, 1, ctx->err) == NULL) {
        return PPROF_ERROR;
    }

    n = ctx->rinfo->nfunctions;
    total = ctx->rinfo->total;

    shown = n;
    if (ctx->options->nodecount && ctx->options->nodecount < n) {
        shown = ctx->options->nodecount;
    }

    sum = 0;
    for (i = 0; i < shown; i++) {
        sum += ctx->rinfo->functions[i].flat;
    }

    pprof_html_controls(ctx, "Rows");

    pprof_out_lit(o, "<p class=\"note\">Showing <b>");
    pprof_out_uint(o, shown);
    pprof_out_lit(o, "</b> of <b>");
    pprof_out_uint(o, n);
    pprof_out_lit(o, "</b> functions, accounting for ");
    pprof_html_value(ctx, sum);
    pprof_out_lit(o, " (");
    pprof_html_percent(ctx, sum, total);
    pprof_out_lit(o, " of ");
    pprof_html_value(ctx, total);
    pprof_out_lit(o, ")");

    if (shown < n) {
        l = ctx->state;
        l.nodecount = 0;
        pprof_out_lit(o, " \xe2\x80\x93 <a ");
        pprof_html_href(ctx, &l);
        pprof_out_lit(o, ">show all</a>");
    }

    pprof_out_lit(o, "</p>\n"
        "<div class=\"scroll\"><table class=\"top\">\n<thead><tr>");

    l = ctx->state;

    l.sort = PPROF_SORT_FLAT;
    pprof_out_lit(o, "<th scope=\"col\"");
    if (ctx->state.sort != PPROF_SORT_CUM) {
        pprof_out_lit(o, " aria-sort=\"descending\"><a ");
        pprof_html_href(ctx, &l);
        pprof_out_lit(o, " title=\"sorted by flat\">flat \xe2\x96\xbe</a>");

    } else {
        pprof_out_lit(o, "><a ");
        pprof_html_href(ctx, &l);
        pprof_out_lit(o, " title=\"sort by flat\">flat</a>");
    }

    pprof_out_lit(o, "</th><th scope=\"col\">flat%</th>"
                   "<th scope=\"col\">sum%</th><th scope=\"col\"");

    l.sort = PPROF_SORT_CUM;
    if (ctx->state.sort == PPROF_SORT_CUM) {
        pprof_out_lit(o, " aria-sort=\"descending\"><a ");
        pprof_html_href(ctx, &l);
        pprof_out_lit(o, " title=\"sorted by cum\">cum \xe2\x96\xbe</a>");

    } else {
        pprof_out_lit(o, "><a ");
        pprof_html_href(ctx, &l);
        pprof_out_lit(o, " title=\"sort by cum\">cum</a>");
    }

    pprof_out_lit(o, "</th><th scope=\"col\">cum%</th>"
                   "<th scope=\"col\">name</th></tr></thead>\n<tbody>\n");

    /* each name opens the flame graph zoomed on the function */
    l = ctx->state;
    l.view = PPROF_VIEW_FLAME;

    sum = 0;

    for (i = 0; i < shown; i++) {
        row = &ctx->rinfo->functions[i];
        sum += row->flat;

        pprof_out_lit(o, "<tr><td>");
        pprof_html_rvalue(ctx, row->flat);
        pprof_out_lit(o, "</td><td>");
        pprof_html_percent(ctx, row->flat, total);
        pprof_out_lit(o, "</td><td>");
        pprof_html_percent(ctx, sum, total);
        pprof_out_lit(o, "</td><td>");
        pprof_html_rvalue(ctx, row->cum);
        pprof_out_lit(o, "</td><td>");
        pprof_html_percent(ctx, row->cum, total);
        pprof_out_lit(o, "</td><td><a ");
        l.arg[PPROF_RARG_ZOOM] = row->name;
        pprof_html_href(ctx, &l);

        /* the name before pprof's simplification, on hover */
        if (row->full.len != row->name.len
            || memcmp(row->full.data, row->name.data, row->name.len) != 0)
        {
            pprof_out_lit(o, " title=\"");
            pprof_html_esc(o, row->full.data, row->full.len);
            pprof_out_lit(o, "\"");
        }

        pprof_out_lit(o, ">");
        pprof_html_esc(o, row->name.data, row->name.len);
        pprof_out_lit(o, "</a>");

        inl = pprof_report_inline_label(ctx->report, i);
        if (inl && inl[0]) {
            pprof_out_lit(o, " <small>");
            pprof_html_esc(o, inl, strlen(inl));
            pprof_out_lit(o, "</small>");
        }

        pprof_out_lit(o, "</td></tr>\n");

        if (o->failed) {
            break;
        }
    }

    pprof_out_lit(o, "</tbody>\n</table></div>\n");

    return PPROF_OK;
}


/* the controls of the views: every filter and the granularity, one GET
 * form; count names what nodecount counts, NULL: no such field */

static void
pprof_html_controls(pprof_html_ctx_t *ctx, const char *count)
{
    int                     peek;
    size_t                  i;
    unsigned                shown;
    pprof_str_t             v, g;
    pprof_out_t            *o;
    const pprof_keyword_t  *k;

    static const struct {
        int          arg;
        const char  *label;
        const char  *title;
    }  fields[] = {
        { PPROF_RARG_FOCUS, "Focus",
          "keep only samples with a frame whose function or file name "
          "matches this regex" },
        { PPROF_RARG_IGNORE, "Ignore",
          "drop samples with a frame whose function or file name matches "
          "this regex" },
        { PPROF_RARG_HIDE, "Hide",
          "drop the frames whose function or file name matches" },
        { PPROF_RARG_SHOW, "Show",
          "keep only the frames whose function or file name matches" },
        { PPROF_RARG_SHOW_FROM, "Show from",
          "drop the frames above the outermost match" },
        { PPROF_RARG_TAGFOCUS, "Tag focus",
          "keep samples with a label matching: regex on key:value, or "
          "key=regex" },
        { PPROF_RARG_TAGIGNORE, "Tag ignore",
          "drop samples with a label matching: regex on key:value, or "
          "key=regex" }
    };

    o = ctx->out;

    shown = PPROF_HTML_F_ARG(PPROF_RARG_GRANULARITY);
    for (i = 0; i < pprof_nelts(fields); i++) {
        shown |= PPROF_HTML_F_ARG(fields[i].arg);
    }

    if (count) {
        shown |= PPROF_HTML_F_NODECOUNT | PPROF_HTML_F_SEARCH;
    }

    /* a plain GET form, the rest of the state in hidden inputs */
    pprof_out_lit(o, "<form method=\"get\" class=\"refine\" "
                  "aria-label=\"refine\">");
    pprof_html_hidden(ctx, &ctx->state, shown);

    if (count) {
        pprof_out_lit(o, "<label>");
        pprof_out_str(o, count);
        pprof_out_lit(o, " <input type=\"number\" name=\""
                      PPROF_ARG_NODECOUNT "\" min=\"0\" value=\"");
        pprof_out_uint(o, ctx->options->nodecount);
        pprof_out_lit(o, "\" title=\"0 shows all\"></label>\n");
    }

    for (i = 0; i < pprof_nelts(fields); i++) {
        v = ctx->state.arg[fields[i].arg];

        pprof_out_lit(o, "<label>");

        peek = fields[i].arg == PPROF_RARG_FOCUS
               && ctx->state.view == PPROF_VIEW_PEEK;

        pprof_out_str(o, peek ? "Peek" : fields[i].label);
        pprof_out_lit(o, " <input type=\"text\" name=\"");
        pprof_out_str(o, pprof_report_args[fields[i].arg].name);
        pprof_out_lit(o, "\" placeholder=\"regex\" value=\"");
        pprof_html_esc(o, v.data, v.len);
        pprof_out_lit(o, "\" title=\"");
        pprof_out_str(o, peek ? "the functions shown with their callers and "
                                "callees (go tool pprof -peek)"
                              : fields[i].title);
        pprof_out_lit(o, "\"></label>\n");
    }

    g = ctx->state.arg[PPROF_RARG_GRANULARITY];

    pprof_out_lit(o, "<label>Granularity <select name=\""
                  PPROF_ARG_GRANULARITY "\" title=\"what a row is, as "
                  "go tool pprof -functions, -files, -lines ...\">");

    for (k = pprof_granularities; k->name != NULL; k++) {
        pprof_out_lit(o, "<option");

        if ((g.len == 0 && k == pprof_granularities)
            || (g.len == strlen(k->name)
                && memcmp(g.data, k->name, g.len) == 0))
        {
            pprof_out_lit(o, " selected");
        }

        pprof_out_lit(o, ">");
        pprof_out_str(o, k->name);
        pprof_out_lit(o, "</option>");
    }

    pprof_out_lit(o, "</select></label>\n"
                  "<button type=\"submit\">Apply</button></form>\n");
}


/* the current refine options on every page, and a link without them */

static void
pprof_html_refine_state(pprof_html_ctx_t *ctx)
{
    size_t              i, n;
    pprof_out_t        *o;
    pprof_html_link_t   l;

    static const int  args[] = {
        PPROF_RARG_FOCUS, PPROF_RARG_IGNORE, PPROF_RARG_HIDE,
        PPROF_RARG_SHOW, PPROF_RARG_SHOW_FROM, PPROF_RARG_TAGFOCUS,
        PPROF_RARG_TAGIGNORE, PPROF_RARG_GRANULARITY
    };

    o = ctx->out;
    l = ctx->state;
    n = 0;

    for (i = 0; i < pprof_nelts(args); i++) {
        if (ctx->state.arg[args[i]].len == 0) {
            continue;
        }

        if (n++ == 0) {
            pprof_out_lit(o, "<p class=\"meta refined\"><b>Refined:</b> ");
        }

        pprof_out_lit(o, "<code>");
        pprof_out_str(o, pprof_report_args[args[i]].name);
        pprof_out_lit(o, "=");
        pprof_html_esc(o, ctx->state.arg[args[i]].data,
                       ctx->state.arg[args[i]].len);
        pprof_out_lit(o, "</code> ");
        l.arg[args[i]].len = 0;
    }

    if (n) {
        pprof_out_lit(o, "<a ");
        pprof_html_href(ctx, &l);
        pprof_out_lit(o, ">clear</a></p>\n");
    }
}


/* the peek view: `go tool pprof -peek` as tables, each name a link */


/* "^name$" with the regex's special characters escaped, or NULL */
static char *
pprof_html_peek_regex(pprof_html_ctx_t *ctx, pprof_str_t name,
    pprof_str_t *re)
{
    char    *p, *s;
    size_t   i;

    s = pprof_alloc(ctx->options->allocator, 2 * name.len + 3);
    if (s == NULL) {
        return NULL;
    }

    p = s;
    *p++ = '^';

    for (i = 0; i < name.len; i++) {
        if (strchr("\\.[]()*+?{}|^$", name.data[i]) != NULL
            && name.data[i] != '\0')
        {
            *p++ = '\\';
        }

        *p++ = name.data[i];
    }

    *p++ = '$';
    re->data = s;
    re->len = (size_t) (p - s);

    return s;
}


static void
pprof_html_peek_name(pprof_html_ctx_t *ctx, const pprof_function_row_t *row,
    int self)
{
    char               *re;
    pprof_out_t        *o;
    pprof_html_link_t   l;

    o = ctx->out;
    l = ctx->state;
    l.view = PPROF_VIEW_PEEK;

    re = pprof_html_peek_regex(ctx, row->name, &l.arg[PPROF_RARG_FOCUS]);
    if (re == NULL) {
        o->failed = PPROF_OUT_NOMEM;
        return;
    }

    pprof_out_lit(o, "<a ");
    pprof_html_href(ctx, &l);

    if (row->full.len != row->name.len
        || memcmp(row->full.data, row->name.data, row->name.len) != 0)
    {
        pprof_out_lit(o, " title=\"");
        pprof_html_esc(o, row->full.data, row->full.len);
        pprof_out_lit(o, "\"");
    }

    pprof_out_str(o, self ? "><b>" : ">");
    pprof_html_esc(o, row->name.data, row->name.len);
    pprof_out_str(o, self ? "</b></a>" : "</a>");

    pprof_free(ctx->options->allocator, re);
}


static void
pprof_html_peek_edge(pprof_html_ctx_t *ctx, const pprof_peek_edge_t *e,
    int64_t cum, int caller)
{
    pprof_out_t  *o;

    o = ctx->out;

    pprof_out_str(o, caller ? "<tr class=\"caller\">"
                            : "<tr class=\"callee\">");
    pprof_out_lit(o, "<td colspan=\"5\"></td><td>");
    pprof_html_rvalue(ctx, e->weight);
    pprof_out_lit(o, "</td><td>");
    pprof_html_percent(ctx, e->weight, cum);
    pprof_out_lit(o, "</td><td>");
    pprof_out_str(o, caller ? "\xe2\x86\x91 " : "\xe2\x86\x93 ");
    pprof_html_peek_name(ctx, &ctx->rinfo->functions[e->row], 0);

    if (e->inl) {
        pprof_out_lit(o, " <small>(inline)</small>");
    }

    pprof_out_lit(o, "</td></tr>\n");
}


static int
pprof_html_peek(pprof_html_ctx_t *ctx)
{
    size_t                      i, j, n;
    int64_t                     sum, total;
    pprof_out_t                *o;
    const pprof_peek_t         *pk;
    const pprof_function_row_t *row;

    o = ctx->out;
    total = ctx->rinfo->total;

    pprof_html_controls(ctx, NULL);

    if (ctx->state.arg[PPROF_RARG_FOCUS].len == 0) {
        pprof_out_lit(o, "<p class=\"note\">Peek shows the callers and "
                      "callees of the functions matching a regex, as "
                      "<code>go tool pprof -peek</code> does: type one in "
                      "Peek, or follow a name.</p>\n");
        return PPROF_OK;
    }

    if (pprof_report_peek(ctx->report, &pk, &n, ctx->err) != PPROF_OK) {
        return PPROF_ERROR;
    }

    if (n == 0) {
        pprof_out_lit(o, "<p class=\"note\">No function matches <code>");
        pprof_html_esc(o, ctx->state.arg[PPROF_RARG_FOCUS].data,
                       ctx->state.arg[PPROF_RARG_FOCUS].len);
        pprof_out_lit(o, "</code>.</p>\n");
        return PPROF_OK;
    }

    pprof_out_lit(o, "<p class=\"note\"><b>");
    pprof_out_uint(o, n);
    pprof_out_lit(o, "</b> matching functions: callers above each "
                  "(\xe2\x86\x91), callees below (\xe2\x86\x93).</p>\n"
                  "<div class=\"scroll\"><table class=\"top peek\">\n"
                  "<thead><tr>"
                  "<th scope=\"col\">flat</th><th scope=\"col\">flat%</th>"
                  "<th scope=\"col\">sum%</th><th scope=\"col\">cum</th>"
                  "<th scope=\"col\">cum%</th><th scope=\"col\">calls</th>"
                  "<th scope=\"col\">calls%</th>"
                  "<th scope=\"col\">context</th></tr></thead>\n");

    sum = 0;

    for (i = 0; i < n; i++) {
        row = &ctx->rinfo->functions[pk[i].row];
        sum += row->flat;

        pprof_out_lit(o, "<tbody>\n");

        for (j = 0; j < pk[i].nin; j++) {
            pprof_html_peek_edge(ctx, &pk[i].in[j], row->cum, 1);
        }

        pprof_out_lit(o, "<tr class=\"self\"><td>");
        pprof_html_rvalue(ctx, row->flat);
        pprof_out_lit(o, "</td><td>");
        pprof_html_percent(ctx, row->flat, total);
        pprof_out_lit(o, "</td><td>");
        pprof_html_percent(ctx, sum, total);
        pprof_out_lit(o, "</td><td>");
        pprof_html_rvalue(ctx, row->cum);
        pprof_out_lit(o, "</td><td>");
        pprof_html_percent(ctx, row->cum, total);
        pprof_out_lit(o, "</td><td></td><td></td><td>");
        pprof_html_peek_name(ctx, row, 1);
        pprof_out_lit(o, "</td></tr>\n");

        for (j = 0; j < pk[i].nout; j++) {
            pprof_html_peek_edge(ctx, &pk[i].out[j], row->cum, 0);
        }

        pprof_out_lit(o, "</tbody>\n");

        if (o->failed) {
            break;
        }
    }

    pprof_out_lit(o, "</table></div>\n");

    return PPROF_OK;
}


/* the call graph: pprof's legend, the controls, the SVG inline; each node
 * links to the graph focused on it */

typedef struct {
    pprof_html_ctx_t              *ctx;
    pprof_html_link_t              link;
    char                          *buf;     /* the focus regex */
    size_t                         size;
    int                            open;
} pprof_html_graph_t;


static void
pprof_html_graph_legend(void *data, const char *s, size_t len, int eol)
{
    pprof_html_graph_t  *hg;

    hg = data;

    if (!hg->open) {
        /* the last line's leading "\n" is a gap, not text */
        if (len && s[0] == '\n') {
            s++;
            len--;
        }

        pprof_out_lit(hg->ctx->out, "<li>");
        hg->open = 1;
    }

    pprof_html_esc(hg->ctx->out, s, len);

    if (eol) {
        pprof_out_lit(hg->ctx->out, "</li>");
        hg->open = 0;
    }
}


/* ' href="?...&focus=^name$"': the name as a POSIX ERE matching itself */
static void
pprof_html_graph_href(void *data, pprof_out_t *out,
    const pprof_graph_node_t *node)
{
    size_t               i, n;
    pprof_html_graph_t  *hg;

    hg = data;
    (void) out;

    /* a name too long for a focus pattern is not a link */
    if (2 * node->name.len + 2 > PPROF_MAX_REGEX) {
        return;
    }

    n = 0;
    hg->buf[n++] = '^';

    for (i = 0; i < node->name.len; i++) {
        if (strchr(".[]()*+?{}|^$\\", node->name.data[i]) != NULL) {
            hg->buf[n++] = '\\';
        }

        hg->buf[n++] = node->name.data[i];
    }

    hg->buf[n++] = '$';

    hg->link.arg[PPROF_RARG_FOCUS].data = hg->buf;
    hg->link.arg[PPROF_RARG_FOCUS].len = n;

    pprof_out_lit(hg->ctx->out, " ");
    pprof_html_href(hg->ctx, &hg->link);
}


static int
pprof_html_graph(pprof_html_ctx_t *ctx)
{
    int                    rc;
    pprof_out_t           *o;
    pprof_graph_t          g;
    pprof_html_graph_t     hg;
    pprof_svg_options_t    so;
    pprof_graph_options_t  go;

    o = ctx->out;

    if (pprof_dot_graph_options(ctx->report, ctx->options, &go, ctx->err)
        != PPROF_OK
        || pprof_graph_build(ctx->report, &go, ctx->options->allocator, &g,
                             ctx->err)
           != PPROF_OK)
    {
        return PPROF_ERROR;
    }

    memset(&hg, 0, sizeof(pprof_html_graph_t));
    hg.ctx = ctx;
    hg.link = ctx->state;
    hg.size = 2 * PPROF_MAX_REGEX + 3;
    hg.buf = pprof_alloc(ctx->options->allocator, hg.size);

    if (hg.buf == NULL) {
        pprof_graph_free(&g);
        pprof_set_error(ctx->err, "out of memory");
        return PPROF_ERROR;
    }

    pprof_html_controls(ctx, "Nodes");

    pprof_out_lit(o, "<ul class=\"legend\">");
    pprof_dot_legend(ctx->report, &g, &go, pprof_html_graph_legend, &hg);
    pprof_out_lit(o, "</ul>\n<div class=\"graph\">\n");

    memset(&so, 0, sizeof(pprof_svg_options_t));
    so.href = pprof_html_graph_href;
    so.data = &hg;

    rc = pprof_svg_draw(&g, &so, ctx->options->allocator, o, ctx->err);

    pprof_out_lit(o, "</div>\n");

    pprof_free(ctx->options->allocator, hg.buf);
    pprof_graph_free(&g);

    return rc;
}


/* the flame graph */


static int
pprof_html_flame(pprof_html_ctx_t *ctx)
{
    int                       searching, invalid, matched;
    double                    scale;
    size_t                    i, shown, maxdepth;
    int64_t                   rootcum, min, total, msum;
    unsigned char            *marks;
    pprof_out_t              *o;
    pprof_html_link_t         l;
    const pprof_tree_t       *tree;
    const pprof_tree_node_t  *node, *nodes;
    pprof_html_search_t       search;

    o = ctx->out;
    total = ctx->rinfo->total;

    /* the tree first: the rows, for the values' unit, come from it */
    tree = pprof_report_tree(ctx->report, ctx->err);
    if (tree == NULL
        || pprof_report_functions(ctx->report, 0, ctx->err) == NULL)
    {
        return PPROF_ERROR;
    }

    nodes = tree->nodes;
    rootcum = tree->nnodes ? nodes[0].cum : 0;

    pprof_html_controls(ctx, NULL);

    /* the search form; zoom and the rest of the state ride along hidden */
    pprof_out_lit(o, "<form method=\"get\" role=\"search\">");
    pprof_html_hidden(ctx, &ctx->state, PPROF_HTML_F_SEARCH);
    pprof_out_lit(o, "<label>Search <input type=\"text\" id=\"search\" "
                   "name=\"" PPROF_ARG_SEARCH "\" placeholder=\"regex\" "
                   "value=\"");
    pprof_html_esc(o, ctx->state.search.data, ctx->state.search.len);
    pprof_out_lit(o, "\" title=\"highlight functions matching this "
                   "regex (POSIX extended)\"></label>"
                   "<button type=\"submit\">Highlight</button>");

    if (ctx->state.search.len) {
        l = ctx->state;
        l.search.len = 0;
        pprof_out_lit(o, "<a ");
        pprof_html_href(ctx, &l);
        pprof_out_lit(o, ">clear</a>");
    }

    pprof_out_lit(o, "</form>\n");

    if (ctx->state.arg[PPROF_RARG_ZOOM].len) {
        l = ctx->state;
        l.arg[PPROF_RARG_ZOOM].len = 0;

        pprof_out_lit(o, "<p class=\"note\">Zoomed on <b>");
        pprof_html_esc(o, ctx->state.arg[PPROF_RARG_ZOOM].data,
                       ctx->state.arg[PPROF_RARG_ZOOM].len);
        pprof_out_lit(o, "</b>: ");
        pprof_html_value(ctx, rootcum);
        pprof_out_lit(o, " (");
        pprof_html_percent(ctx, rootcum, total);
        pprof_out_lit(o, " of total) \xe2\x80\x93 <a ");
        pprof_html_href(ctx, &l);
        pprof_out_lit(o, ">reset zoom</a></p>\n");
    }

    if (rootcum <= 0) {
        pprof_out_lit(o, "<p class=\"note\">No samples");
        if (ctx->state.arg[PPROF_RARG_ZOOM].len) {
            pprof_out_lit(o, " in this function");
        }
        pprof_out_lit(o, ".</p>\n");
        return PPROF_OK;
    }

    /* search: mark every node, sum matched nodes outside matched ones */

    searching = 0;
    invalid = 0;
    marks = NULL;
    msum = 0;

    memset(&search, 0, sizeof(pprof_html_search_t));

    if (ctx->state.search.len) {
        if (pprof_html_search_init(ctx, &search, tree->stacks->nnames)
            != PPROF_OK)
        {
            pprof_html_search_free(ctx, &search);
            return PPROF_ERROR;
        }

        if (!search.compiled) {
            invalid = 1;

        } else {
            /* a mark per node, then one per name (see search_tree) */
            marks = pprof_alloc(ctx->options->allocator,
                                tree->nnodes + tree->stacks->nnames);
            if (marks == NULL) {
                pprof_html_search_free(ctx, &search);
                pprof_set_error(ctx->err, "html: out of memory");
                return PPROF_ERROR;
            }

            searching = 1;
            msum = pprof_html_search_tree(ctx, &search, tree, marks);
        }

        pprof_out_lit(o, "<p class=\"note\">");

        if (invalid) {
            pprof_out_lit(o, "<span class=\"err\">Invalid search regex: ");
            pprof_html_esc(o, search.error.msg, strlen(search.error.msg));
            pprof_out_lit(o, "</span>");

        } else {
            pprof_out_lit(o, "Matched ");
            pprof_html_value(ctx, msum);
            pprof_out_lit(o, ": <b>");
            pprof_html_percent(ctx, msum, total);
            pprof_out_lit(o, "</b> of total");

            if (ctx->state.arg[PPROF_RARG_ZOOM].len) {
                pprof_out_lit(o, ", ");
                pprof_html_percent(ctx, msum, rootcum);
                pprof_out_lit(o, " of the zoomed graph");
            }
        }

        pprof_out_lit(o, "</p>\n");
    }

    /*
     * Pass 1: how deep the drawn part goes, for the height of the box.
     * Frames narrower than 1/PPROF_TREE_MIN are not drawn (the tree
     * leaves them out already).
     */

    min = rootcum / PPROF_TREE_MIN;
    if (min < 1) {
        min = 1;
    }

    shown = 0;
    maxdepth = 0;

    for (i = 0; i < tree->nnodes; i++) {
        if (nodes[i].cum >= min) {
            shown++;
            if (nodes[i].depth > maxdepth) {
                maxdepth = nodes[i].depth;
            }
        }
    }

    /* to thousandths of a percent of the width */
    scale = 100000.0 / (double) rootcum;

    /* a diff: colours by each frame's change against the largest one */
    ctx->diff_max = 0;

    for (i = 1; ctx->rinfo->diff && i < tree->nnodes; i++) {
        if (nodes[i].cum >= min
            && pprof_html_abs(nodes[i].cum - nodes[i].base) > ctx->diff_max)
        {
            ctx->diff_max = pprof_html_abs(nodes[i].cum - nodes[i].base);
        }
    }

    /* Pass 2: draw, root on top, in pre-order (the nodes' order) */

    pprof_out_lit(o, "<div class=\"fg\" style=\"height:");
    pprof_out_uint(o, (maxdepth + 1) * PPROF_HTML_ROW);
    pprof_out_lit(o, "px\">\n");

    for (i = 0; i < tree->nnodes && !o->failed; i++) {
        node = &nodes[i];

        if (node->cum < min) {
            continue;
        }

        matched = searching && (marks[i] & 1);

        pprof_html_frame(ctx, node,
                         (int64_t) ((double) node->left * scale + 0.5),
                         (int64_t) ((double) node->cum * scale + 0.5),
                         i == 0, matched);
    }

    pprof_out_lit(o, "</div>\n");

    pprof_out_lit(o, "<p class=\"note\">");
    pprof_out_uint(o, shown);
    pprof_out_lit(o, " frames drawn");

    if (tree->nnodes + tree->nhidden > shown) {
        pprof_out_lit(o, ", ");
        pprof_out_uint(o, tree->nnodes + tree->nhidden - shown);
        pprof_out_lit(o, " narrower than 0.1% hidden");
    }

    pprof_out_lit(o, ". Width is cumulative ");
    pprof_html_esc(o,
                   ctx->info->sample_types[ctx->rinfo->sample_index].type.data,
                   ctx->info->sample_types[ctx->rinfo->sample_index].type.len);
    pprof_out_lit(o, "; callers above callees; click a frame to zoom.</p>\n");

    if (ctx->rinfo->diff) {
        pprof_html_diff_legend(ctx);
    }

    pprof_free(ctx->options->allocator, marks);
    pprof_html_search_free(ctx, &search);

    return PPROF_OK;
}


/* x and width in thousandths of a percent of the graph's width */

static void
pprof_html_frame(pprof_html_ctx_t *ctx, const pprof_tree_node_t *node,
    int64_t x, int64_t width, int root, int matched)
{
    pprof_str_t        name, label;
    pprof_out_t       *o;
    pprof_html_link_t  l;

    o = ctx->out;
    name = node->name;
    l = ctx->state;

    if (root) {
        /* the root resets the zoom */
        l.arg[PPROF_RARG_ZOOM].len = 0;

        if (name.len == 0) {
            name = pprof_cstr("all");
        }

        if (ctx->state.arg[PPROF_RARG_ZOOM].len) {
            /* zoomed: "all" is only what passes through the function */
            name = pprof_cstr("all \xe2\x86\x91 reset zoom");
        }

        pprof_out_lit(o, "<a class=\"r");

    } else if (ctx->rinfo->diff) {
        l.arg[PPROF_RARG_ZOOM] = name;

        pprof_out_lit(o, "<a class=\"");
        pprof_html_diff_frame(ctx, node);

    } else {
        l.arg[PPROF_RARG_ZOOM] = name;

        pprof_out_lit(o, "<a class=\"c");
        pprof_out_uint(o, pprof_html_hash(name.data, name.len)
                           % PPROF_HTML_NCOLORS);
    }

    if (matched) {
        pprof_out_lit(o, " m");
    }

    pprof_out_lit(o, "\" style=\"left:");
    pprof_html_fixed3(o, x);
    pprof_out_lit(o, "%;width:");
    pprof_html_fixed3(o, width);
    pprof_out_lit(o, "%;top:");
    pprof_out_uint(o, (uint64_t) node->depth * PPROF_HTML_ROW);
    pprof_out_lit(o, "px\" ");
    pprof_html_href(ctx, &l);

    /* the hover title: name, value, share of the total, self */
    pprof_out_lit(o, " title=\"");
    pprof_html_esc(o, name.data, name.len);
    pprof_out_lit(o, "&#10;");

    if (ctx->rinfo->diff) {
        pprof_html_diff_title(ctx, node);

    } else {
        pprof_html_value(ctx, node->cum);
        pprof_out_lit(o, " (");
        pprof_html_percent(ctx, node->cum, ctx->rinfo->total);
        pprof_out_lit(o, ")");
    }

    if (node->flat) {
        pprof_out_lit(o, ", self ");
        pprof_html_value(ctx, node->flat);
    }

    pprof_out_lit(o, "\">");

    if (width >= PPROF_HTML_LABEL_MIN) {
        label = root ? name : pprof_html_short_name(name);
        pprof_html_esc(o, label.data, label.len);
    }

    pprof_out_lit(o, "</a>\n");
}


/* a differential flame graph */

static int64_t
pprof_html_abs(int64_t v)
{
    return v < 0 ? -v : v;
}


/*
 * A frame's class: "gn" new (nothing of it in the base), "g0" unchanged,
 * else g1..g5 grew or s1..s5 shrank, the level its change against the
 * largest change of a drawn frame, in fifths.
 */

static void
pprof_html_diff_frame(pprof_html_ctx_t *ctx, const pprof_tree_node_t *node)
{
    int64_t       d;
    unsigned      level;
    pprof_out_t  *o;

    o = ctx->out;
    d = node->cum - node->base;

    if (node->base == 0) {
        pprof_out_lit(o, "gn");
        return;
    }

    if (d == 0 || ctx->diff_max == 0) {
        pprof_out_lit(o, "g0");
        return;
    }

    level = (unsigned) (((double) pprof_html_abs(d) * 5
                         + (double) ctx->diff_max - 1)
                        / (double) ctx->diff_max);
    if (level > 5) {
        level = 5;
    }

    pprof_out_str(o, d > 0 ? "g" : "s");
    pprof_out_uint(o, level ? level : 1);
}


/* "B: 12MB, A: 10MB, delta: +2MB (+20.0%)"; "new" when A had none */

static void
pprof_html_diff_title(pprof_html_ctx_t *ctx, const pprof_tree_node_t *node)
{
    char          buf[32];
    int           n;
    int64_t       d;
    pprof_out_t  *o;

    o = ctx->out;
    d = node->cum - node->base;

    pprof_out_lit(o, "B: ");
    pprof_html_value(ctx, node->cum);
    pprof_out_lit(o, ", A: ");
    pprof_html_value(ctx, node->base);
    pprof_out_lit(o, ", delta: ");

    if (d >= 0) {
        pprof_out_lit(o, "+");
    }

    pprof_html_value(ctx, d);

    if (node->base == 0) {
        pprof_out_lit(o, " (new)");
        return;
    }

    n = snprintf(buf, sizeof(buf), " (%+.1f%%)",
                 (double) d * 100 / (double) node->base);
    if (n > 0 && (size_t) n < sizeof(buf)) {
        pprof_out_write(o, buf, (size_t) n);
    }
}


static void
pprof_html_diff_legend(pprof_html_ctx_t *ctx)
{
    unsigned      i;
    pprof_out_t  *o;

    o = ctx->out;

    pprof_out_lit(o, "<p class=\"note legend\" id=\"diff-legend\">"
                   "<b>Differential flame graph:</b> the shape of B (");

    if (ctx->options->capture) {
        pprof_out_lit(o, "capture <code>");
        pprof_html_esc(o, ctx->options->capture,
                       strlen(ctx->options->capture));
        pprof_out_lit(o, "</code>");

    } else {
        pprof_out_lit(o, "the profile");
    }

    pprof_out_lit(o, "), each frame coloured by its change against A (");

    if (ctx->options->base) {
        pprof_out_lit(o, "base <code>");
        pprof_html_esc(o, ctx->options->base, strlen(ctx->options->base));
        pprof_out_lit(o, "</code>");

    } else {
        pprof_out_lit(o, "the base");
    }

    pprof_out_lit(o, "): grew");

    for (i = 1; i <= 5; i++) {
        pprof_out_lit(o, "<span class=\"sw g");
        pprof_out_uint(o, i);
        pprof_out_lit(o, "\"></span>");
    }

    pprof_out_lit(o, " shrank");

    for (i = 1; i <= 5; i++) {
        pprof_out_lit(o, "<span class=\"sw s");
        pprof_out_uint(o, i);
        pprof_out_lit(o, "\"></span>");
    }

    pprof_out_lit(o, " (darker: a larger change, against the largest of a "
                   "frame drawn), new (not in A)<span class=\"sw gn\">"
                   "</span>, unchanged<span class=\"sw g0\"></span>. "
                   "Hover a frame for B's value, A's and the delta; "
                   "frames only in A are not drawn (the top table has "
                   "them).</p>\n");
}


/*
 * "k8s.io/apiserver/pkg/server.(*Config).Complete" is labelled
 * "server.(*Config).Complete": the package path is in the hover title.
 */

static pprof_str_t
pprof_html_short_name(pprof_str_t name)
{
    size_t       i, last;
    pprof_str_t  s;

    last = 0;

    for (i = 0; i < name.len; i++) {
        if (name.data[i] == '(' || name.data[i] == '[') {
            break;
        }

        if (name.data[i] == '/') {
            last = i + 1;
        }
    }

    if (last >= name.len) {
        return name;
    }

    s.data = name.data + last;
    s.len = name.len - last;

    return s;
}


static int
pprof_html_search_init(pprof_html_ctx_t *ctx, pprof_html_search_t *s,
    size_t nnames)
{
    size_t  size;

    if (pprof_regex_compile(&s->re, PPROF_ARG_SEARCH, ctx->options->search,
                            &s->error)
        != PPROF_OK)
    {
        /* shown on the page; the rest of the page is still useful */
        return PPROF_OK;
    }

    s->compiled = 1;

    /* a name is matched once: functions recur all over the tree */
    size = 64;
    while (size < 2 * nnames && size < PPROF_HTML_CACHE_MAX) {
        size <<= 1;
    }

    s->cache = pprof_alloc(ctx->options->allocator,
                           size * sizeof(pprof_html_cache_t));
    s->name_size = 256;
    s->name = pprof_alloc(ctx->options->allocator, s->name_size);

    if (s->cache == NULL || s->name == NULL) {
        pprof_set_error(ctx->err, "html: out of memory");
        return PPROF_ERROR;
    }

    memset(s->cache, 0, size * sizeof(pprof_html_cache_t));
    s->cache_mask = size - 1;

    return PPROF_OK;
}


static int
pprof_html_search_match(pprof_html_ctx_t *ctx, pprof_html_search_t *s,
    pprof_str_t name)
{
    int                  match;
    char                *p;
    size_t               h, size;
    pprof_html_cache_t  *e;

    /* names share the profile's strings: the address is a good key */
    h = ((uintptr_t) name.data >> 3) * 0x9e3779b1u + name.len;
    h = (h ^ (h >> 15)) & s->cache_mask;

    for ( ;; ) {
        e = &s->cache[h];

        if (e->p == NULL) {
            break;
        }

        if (e->len == name.len
            && (e->p == name.data || memcmp(e->p, name.data, name.len) == 0))
        {
            return e->match;
        }

        h = (h + 1) & s->cache_mask;
    }

    if (name.len >= s->name_size) {
        size = s->name_size;
        while (size <= name.len) {
            size <<= 1;
        }

        p = pprof_alloc(ctx->options->allocator, size);
        if (p == NULL) {
            return 0;
        }

        pprof_free(ctx->options->allocator, s->name);
        s->name = p;
        s->name_size = size;
    }

    memcpy(s->name, name.data, name.len);
    s->name[name.len] = '\0';

    match = (regexec(&s->re, s->name, 0, NULL, 0) == 0);

    /* keep the table at most 3/4 full; past that, just match */
    if (s->cache_used < s->cache_mask / 4 * 3 && name.data != NULL) {
        e->p = name.data;
        e->len = name.len;
        e->match = match;
        s->cache_used++;
    }

    return match;
}


/*
 * Marks matching nodes (bit 0) and nodes below a match (bit 1); returns
 * the matched value: matches below a match are not counted twice.
 */

static int64_t
pprof_html_search_tree(pprof_html_ctx_t *ctx, pprof_html_search_t *s,
    const pprof_tree_t *tree, unsigned char *marks)
{
    size_t                    i, k, n;
    int64_t                   sum;
    unsigned char            *seen;
    const uint32_t           *f;
    const pprof_stacks_t     *st;
    const pprof_tree_node_t  *nodes;

    nodes = tree->nodes;
    n = tree->nnodes;

    /* parents come before children */
    marks[0] = 0;

    for (i = 1; i < n; i++) {
        marks[i] = (unsigned char)
                   (pprof_html_search_match(ctx, s, nodes[i].name)
                    | (marks[nodes[i].parent] ? 2 : 0));
    }

    /*
     * The matched share counts each stack with a matching frame once,
     * narrow ones too: the sum of the outermost matching nodes' cum in
     * the whole tree.  seen[rank], after the nodes' marks: 0 not matched
     * yet, 1 no, 2 yes.
     */
    st = tree->stacks;
    seen = marks + n;
    memset(seen, 0, st->nnames);
    sum = 0;

    for (i = 0; i < st->nstacks; i++) {
        f = st->stacks[i].frames;

        for (k = 1; k <= f[0]; k++) {
            if (seen[f[k]] == 0) {
                seen[f[k]] = (unsigned char)
                             (1 + pprof_html_search_match(ctx, s,
                                                          st->names[f[k]]));
            }

            if (seen[f[k]] == 2) {
                sum += st->stacks[i].weight;
                break;
            }
        }
    }

    return sum;
}


static void
pprof_html_search_free(pprof_html_ctx_t *ctx, pprof_html_search_t *s)
{
    if (s->compiled) {
        regfree(&s->re);
        s->compiled = 0;
    }

    pprof_free(ctx->options->allocator, s->cache);
    pprof_free(ctx->options->allocator, s->name);
    s->cache = NULL;
    s->name = NULL;
}


/* the goroutines view */


static int
pprof_html_goroutines(pprof_html_ctx_t *ctx)
{
    size_t                      i, j, n, shown;
    int64_t                     total, grouped;
    pprof_out_t                *o;
    pprof_html_link_t           l;
    const pprof_frame_t        *f;
    const pprof_stack_group_t  *groups, *g;

    o = ctx->out;
    total = ctx->rinfo->total;

    if (pprof_report_functions(ctx->report, 0, ctx->err) == NULL) {
        return PPROF_ERROR;
    }

    n = 0;
    if (ctx->err) {
        ctx->err->msg[0] = '\0';
    }

    groups = pprof_report_stack_groups(ctx->report, &n, ctx->err);
    if (groups == NULL) {
        if (n != 0 || ctx->err == NULL || ctx->err->msg[0] != '\0') {
            return PPROF_ERROR;
        }

        /* no samples: nothing to group */
    }

    shown = n;
    if (ctx->options->nodecount && ctx->options->nodecount < n) {
        shown = ctx->options->nodecount;
    }

    pprof_out_lit(o, "<p class=\"note\"><b>");

    if (ctx->goroutines) {
        pprof_html_value(ctx, total);
        pprof_out_lit(o, "</b> goroutines in <b>");

    } else {
        pprof_html_value(ctx, total);
        pprof_out_lit(o, "</b> in <b>");
    }

    pprof_out_uint(o, n);
    pprof_out_lit(o, "</b> groups of identical stacks");

    /*
     * Samples without a stack (Go reports some goroutines so) are in the
     * total but in no group: say so, so that the numbers add up.  Not for
     * deltas, whose negative counts make the difference meaningless.
     */

    for (grouped = 0, i = 0; i < n && grouped >= 0; i++) {
        grouped = (groups[i].count < 0) ? -1 : grouped + groups[i].count;
    }

    if (grouped >= 0 && grouped < total) {
        pprof_out_lit(o, " (<b>");
        pprof_html_value(ctx, total - grouped);
        pprof_out_lit(o, "</b> with no stack)");
    }

    pprof_out_lit(o, ", biggest first");

    if (shown < n) {
        l = ctx->state;
        l.nodecount = 0;
        pprof_out_lit(o, "; showing ");
        pprof_out_uint(o, shown);
        pprof_out_lit(o, " \xe2\x80\x93 <a ");
        pprof_html_href(ctx, &l);
        pprof_out_lit(o, ">show all</a>");
    }

    pprof_out_lit(o, ".</p>\n");

    l = ctx->state;
    l.view = PPROF_VIEW_FLAME;

    for (i = 0; i < shown; i++) {
        g = &groups[i];

        pprof_out_lit(o, "<details class=\"g\" open><summary><b>");
        pprof_html_value(ctx, g->count);
        pprof_out_lit(o, "</b> ");
        pprof_html_percent(ctx, g->count, total);

        if (g->nframes) {
            /*
             * The leaf is runtime.gopark for most parked goroutines: the
             * first frame outside the runtime says more, with its callee.
             */
            for (j = 0; j + 1 < g->nframes; j++) {
                if (!pprof_str_has_prefix(g->frames[j].function, "runtime.")) {
                    break;
                }
            }

            pprof_out_lit(o, " &nbsp;<code>");
            pprof_html_esc(o, g->frames[j].function.data,
                           g->frames[j].function.len);
            pprof_out_lit(o, "</code>");

            if (j > 0) {
                pprof_out_lit(o, " <small>\xe2\x86\x90 ");
                pprof_html_esc(o, g->frames[j - 1].function.data,
                               g->frames[j - 1].function.len);
                pprof_out_lit(o, "</small>");
            }
        }

        if (g->labels.len) {
            pprof_out_lit(o, "<span class=\"lbl\">");
            pprof_html_esc(o, g->labels.data, g->labels.len);
            pprof_out_lit(o, "</span>");
        }

        pprof_out_lit(o, "</summary>\n<ol>");

        for (j = 0; j < g->nframes; j++) {
            f = &g->frames[j];

            pprof_out_lit(o, "<li><a ");
            l.arg[PPROF_RARG_ZOOM] = f->function;
            pprof_html_href(ctx, &l);
            pprof_out_lit(o, ">");
            pprof_html_esc(o, f->function.data, f->function.len);
            pprof_out_lit(o, "</a>");

            if (f->file.len) {
                pprof_out_lit(o, "<span class=\"file\">");
                pprof_html_esc(o, f->file.data, f->file.len);

                if (f->line > 0) {
                    pprof_out_lit(o, ":");
                    pprof_out_uint(o, (uint64_t) f->line);
                }

                pprof_out_lit(o, "</span>");
            }

            pprof_out_lit(o, "</li>\n");
        }

        pprof_out_lit(o, "</ol></details>\n");

        if (o->failed) {
            break;
        }
    }

    return PPROF_OK;
}


/* the history page */


/* NULL strings of an entry are empty */
#define pprof_html_nz(s)  ((s) ? (s) : "")


/* a row: entries[i], its views, its raw bytes and a diff */

static void
pprof_html_capture(pprof_html_ctx_t *ctx,
    const pprof_capture_entry_t *entries, size_t n, size_t i)
{
    char                          num[64];
    size_t                        len, base;
    pprof_out_t                  *o;
    const char                   *name, *args, *id;
    const pprof_capture_entry_t  *e;

    o = ctx->out;
    e = &entries[i];
    name = pprof_html_nz(e->name);
    args = pprof_html_nz(e->args);
    id = pprof_html_nz(e->id);

    pprof_out_lit(o, "<tr><td>");
    pprof_html_esc(o, name, strlen(name));
    pprof_out_lit(o, "</td><td>");

    if (args[0]) {
        pprof_html_esc(o, args, strlen(args));

    } else {
        pprof_out_lit(o, "\xe2\x80\x94");
    }

    pprof_out_lit(o, "</td><td>");

    len = pprof_legend_utc(num, sizeof(num), e->time);

    if (len) {
        pprof_out_write(o, num, len);

    } else {
        pprof_out_printf(o, "%lld", (long long) e->time);
    }

    /* "6 ms", "30.1 s" */

    if (e->duration_ms < 1000) {
        pprof_out_printf(o, "</td><td>%lld ms", (long long) e->duration_ms);

    } else {
        pprof_out_printf(o, "</td><td>%.1f s",
                         (double) e->duration_ms / 1000);
    }

    len = pprof_format_value(num, sizeof(num), e->size, pprof_cstr("bytes"));

    pprof_out_lit(o, "</td><td>");
    pprof_html_esc(o, num, len < sizeof(num) ? len : sizeof(num) - 1);
    pprof_out_lit(o, "</td><td><code>");
    pprof_html_esc(o, id, strlen(id));
    pprof_out_lit(o, "</code></td><td>");

    /* its default page; a profile's views; the bytes as captured */

    pprof_html_capture_href(o, e, NULL, NULL);
    pprof_out_lit(o, ">open</a>");

    if (!e->text) {
        pprof_out_lit(o, " \xc2\xb7 ");
        pprof_html_capture_href(o, e, PPROF_ARG_VIEW,
                                pprof_html_word(pprof_views,
                                                PPROF_VIEW_FLAME));
        pprof_out_lit(o, ">flame graph</a>");

        if (strcmp(name, "goroutine") == 0) {
            pprof_out_lit(o, " \xc2\xb7 ");
            pprof_html_capture_href(o, e, PPROF_ARG_VIEW,
                                    pprof_html_word(pprof_views,
                                                    PPROF_VIEW_GOROUTINES));
            pprof_out_lit(o, ">goroutines</a>");
        }
    }

    pprof_out_lit(o, " \xc2\xb7 ");
    pprof_html_capture_href(o, e, PPROF_ARG_FORMAT,
                            pprof_html_word(pprof_formats, PPROF_FORMAT_RAW));
    pprof_out_str(o, e->text ? ">raw</a>" : " download>raw</a>");

    base = pprof_html_capture_base(entries, n, i);

    if (base < n) {
        pprof_out_lit(o, " \xc2\xb7 ");
        pprof_html_capture_href(o, e, PPROF_ARG_BASE,
                                pprof_html_nz(entries[base].id));
        pprof_out_lit(o, ">diff with previous</a>");
    }

    pprof_out_lit(o, "</td></tr>\n");
}


/*
 * <a href="NAME?capture=ID&amp;ARG=VALUE" (arg NULL: without it), relative
 * to the location's index; NAME, ID and VALUE URL-encoded
 */

static void
pprof_html_capture_href(pprof_out_t *o, const pprof_capture_entry_t *e,
    const char *arg, const char *value)
{
    int  sep;

    sep = 0;

    pprof_out_lit(o, "<a href=\"");
    pprof_html_path(o, NULL, e->name);
    pprof_out_lit(o, "?");
    pprof_html_param(o, &sep, PPROF_ARG_CAPTURE, pprof_cstr(e->id));

    if (arg) {
        pprof_html_param(o, &sep, arg, pprof_cstr(value));
    }

    pprof_out_lit(o, "\"");
}


/*
 * What entries[i] diffs with: the next older capture of the same profile,
 * whatever its arguments (heap and heap?gc=1 compare); n when there is
 * none.  Text (debug=N) has no samples to subtract: never a diff.
 */

static size_t
pprof_html_capture_base(const pprof_capture_entry_t *entries, size_t n,
    size_t i)
{
    size_t       j;
    const char  *name;

    if (entries[i].text) {
        return n;
    }

    name = pprof_html_nz(entries[i].name);

    for (j = i + 1; j < n; j++) {
        if (!entries[j].text
            && strcmp(pprof_html_nz(entries[j].name), name) == 0)
        {
            return j;
        }
    }

    return n;
}


/* the index page */


/* net/http/pprof's default lengths: 30 s of CPU profile, 1 s of trace */
#define PPROF_HTML_PROFILE_SECONDS  30
#define PPROF_HTML_TRACE_SECONDS    1


/* an entry: its name (a link to its default page), description, links */

static void
pprof_html_index_entry(pprof_html_ctx_t *ctx, const pprof_index_t *index,
    const pprof_index_entry_t *e)
{
    int                     sep;
    pprof_out_t            *o;
    const char             *name;
    const pprof_keyword_t  *k;

    o = ctx->out;
    name = pprof_html_nz(e->name);

    pprof_out_lit(o, "<li><h2>");

    if (e->flags & PPROF_INDEX_CAPTURE) {
        /* a bare link would start a capture of the default length */
        pprof_html_esc(o, name, strlen(name));

    } else {
        pprof_html_index_href(o, index, e, NULL, NULL);
        pprof_out_lit(o, ">");
        pprof_html_esc(o, name, strlen(name));
        pprof_out_lit(o, "</a>");
    }

    pprof_out_lit(o, "</h2>\n");

    if (e->description && e->description[0]) {
        pprof_out_lit(o, "<p>");
        pprof_html_esc(o, e->description, strlen(e->description));
        pprof_out_lit(o, "</p>\n");
    }

    if (e->flags & PPROF_INDEX_CAPTURE) {
        pprof_html_index_form(ctx, index, e);
        pprof_out_lit(o, "</li>\n");
        return;
    }

    pprof_out_lit(o, "<p class=\"links\">");
    sep = 0;

    if (e->flags & PPROF_INDEX_VIEWS) {
        pprof_out_lit(o, "<span>Views:</span> ");

        for (k = pprof_views; k->name; k++) {
            if (k->value == PPROF_VIEW_GOROUTINES
                && !(e->flags & PPROF_INDEX_GOROUTINES))
            {
                continue;
            }

            pprof_html_index_href(o, index, e, PPROF_ARG_VIEW, k->name);
            pprof_out_lit(o, ">");
            pprof_out_str(o, k->name);
            pprof_out_lit(o, "</a> ");
        }

        sep = 1;
    }

    if (sep) {
        pprof_out_lit(o, "<span class=\"sep\">|</span> ");
    }

    pprof_html_index_href(o, index, e, PPROF_ARG_FORMAT,
                          pprof_html_word(pprof_formats, PPROF_FORMAT_RAW));

    if (e->flags & PPROF_INDEX_DOWNLOAD) {
        pprof_out_lit(o, " download title=\"the profile as the APIServer "
                      "sends it, for go tool pprof\">raw</a>");

    } else {
        pprof_out_lit(o, " title=\"as the APIServer sends it\">raw</a>");
    }

    if (e->flags & PPROF_INDEX_DEBUG) {
        pprof_out_lit(o, " ");
        pprof_html_index_href(o, index, e, "debug", "1");
        pprof_out_lit(o, " title=\"the profile as text\">debug=1</a>");
    }

    if (e->flags & PPROF_INDEX_GOROUTINES) {
        pprof_out_lit(o, " ");
        pprof_html_index_href(o, index, e, "debug", "2");
        pprof_out_lit(o, " title=\"full goroutine stack dump\">"
                      "debug=2</a>");
    }

    pprof_out_lit(o, "</p>\n</li>\n");
}


/* <a href="BASE/NAME?ARG=VALUE" (arg NULL: without it) */

static void
pprof_html_index_href(pprof_out_t *o, const pprof_index_t *index,
    const pprof_index_entry_t *e, const char *arg, const char *value)
{
    int  sep;

    sep = 0;

    pprof_out_lit(o, "<a href=\"");
    pprof_html_path(o, index->base, e->name);

    if (arg) {
        pprof_out_lit(o, "?");
        pprof_html_param(o, &sep, arg, pprof_cstr(value));
    }

    pprof_out_lit(o, "\"");
}


/*
 * A capture's form: its seconds, bounded as the server bounds them, and
 * for a profile the view to open; a second button downloads it raw.
 */

static void
pprof_html_index_form(pprof_html_ctx_t *ctx, const pprof_index_t *index,
    const pprof_index_entry_t *e)
{
    unsigned                max, value;
    pprof_out_t            *o;
    const char             *name;
    const pprof_keyword_t  *k;

    o = ctx->out;
    name = pprof_html_nz(e->name);
    max = index->max_seconds ? index->max_seconds : 1;
    value = (e->flags & PPROF_INDEX_FRACTION) ? PPROF_HTML_TRACE_SECONDS
                                              : PPROF_HTML_PROFILE_SECONDS;
    value = value < max ? value : max;

    pprof_out_lit(o, "<form class=\"capture\" method=\"get\" action=\"");
    pprof_html_path(o, index->base, e->name);
    pprof_out_lit(o, "\" aria-label=\"capture ");
    pprof_html_esc(o, name, strlen(name));
    pprof_out_lit(o, "\"><label>Seconds <input type=\"number\" "
                  "name=\"seconds\" required min=\"");
    pprof_out_str(o, (e->flags & PPROF_INDEX_FRACTION) ? "0.1" : "1");
    pprof_out_lit(o, "\" max=\"");
    pprof_out_uint(o, max);
    pprof_out_lit(o, "\" step=\"");
    pprof_out_str(o, (e->flags & PPROF_INDEX_FRACTION) ? "any" : "1");
    pprof_out_lit(o, "\" value=\"");
    pprof_out_uint(o, value);
    pprof_out_lit(o, "\"></label>\n");

    if (e->flags & PPROF_INDEX_VIEWS) {
        pprof_out_lit(o, "<label>View <select name=\"" PPROF_ARG_VIEW "\">");

        for (k = pprof_views; k->name; k++) {
            if (k->value == PPROF_VIEW_GOROUTINES
                && !(e->flags & PPROF_INDEX_GOROUTINES))
            {
                continue;
            }

            pprof_out_lit(o, "<option>");
            pprof_out_str(o, k->name);
            pprof_out_lit(o, "</option>");
        }

        pprof_out_lit(o, "</select></label>\n"
                      "<button type=\"submit\">Capture</button>\n"
                      "<button type=\"submit\" name=\"" PPROF_ARG_FORMAT
                      "\" value=\"raw\">Download raw</button>");

    } else {
        pprof_out_lit(o, "<button type=\"submit\">Capture and "
                      "download</button>");
    }

    pprof_out_lit(o, "</form>\n");
}


/* helpers */


/* BASE/NAME as a relative path: each URL-encoded, base NULL for none */

static void
pprof_html_path(pprof_out_t *o, const char *base, const char *name)
{
    if (base && base[0]) {
        pprof_html_url(o, base, strlen(base));
        pprof_out_lit(o, "/");
    }

    name = pprof_html_nz(name);
    pprof_html_url(o, name, strlen(name));
}


/* FNV-1a: stable, so a function keeps its colour on every page */

static uint32_t
pprof_html_hash(const char *p, size_t len)
{
    uint32_t  h;

    h = 2166136261u;

    while (len--) {
        h ^= (unsigned char) *p++;
        h *= 16777619u;
    }

    return h;
}

