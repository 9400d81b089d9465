
/*
 * A profile held in memory, rendered into a view by the engine: the
 * engine's allocator and writer over an nginx pool.  No request and no
 * upstream in sight, so what the APIServer just sent and a capture kept
 * elsewhere render the same way, on the event loop or in a thread task
 * that owns its pool.
 */


#include "ngx_http_pprof.h"


#define NGX_HTTP_PPROF_REASON_MAX  512


typedef struct {
    ngx_pool_t                *pool;
    ngx_chain_t               *out;
    ngx_chain_t              **last;
    size_t                     size;
} ngx_http_pprof_writer_t;


static void ngx_http_pprof_render_init(ngx_http_pprof_writer_t *writer,
    pprof_allocator_t *allocator, pprof_render_options_t *opts,
    ngx_pool_t *pool);
static ngx_int_t ngx_http_pprof_render_end(ngx_http_pprof_writer_t *writer,
    int rc, ngx_chain_t **out, size_t *size);
static ngx_int_t ngx_http_pprof_render_fail(ngx_http_pprof_render_t *rd,
    ngx_uint_t status, const char *fmt, const char *msg);
static void ngx_http_pprof_pool_allocator(pprof_allocator_t *allocator,
    ngx_pool_t *pool);
static int ngx_http_pprof_write(void *data, const char *buf, size_t len);
static void *ngx_http_pprof_alloc(void *data, size_t size);
static void ngx_http_pprof_free(void *data, void *p);


/*
 * NGX_OK with rd->out, or with rd->status and rd->reason when the input
 * or an option is bad (a 502 for what is not a profile, a 400 for an
 * unknown sample type); NGX_ERROR when memory ran out.  It logs nothing:
 * it may run in a thread, the caller tells.
 */

ngx_int_t
ngx_http_pprof_render(ngx_http_pprof_render_t *rd)
{
    int                       rc;
    pprof_error_t             err;
    pprof_report_t           *report;
    pprof_limits_t            limits;
    pprof_profile_t          *profile, *base, *merged;
    pprof_allocator_t         allocator;
    ngx_str_t                *links;
    ngx_http_pprof_query_t   *q;
    pprof_report_options_t   *ropts;
    pprof_render_options_t    opts;
    const pprof_keyword_t    *format;
    ngx_http_pprof_writer_t   writer;
    u_char                    title[64];

    q = rd->query;

    ngx_http_pprof_render_init(&writer, &allocator, &opts, rd->pool);

    (void) ngx_cpystrn(title, q->name.data,
                       ngx_min(q->name.len + 1, sizeof(title)));

    format = pprof_keyword_by_value(pprof_formats, q->format);

    opts.format = q->format;
    opts.view = q->view;
    opts.capture = rd->capture;
    opts.base = rd->base;
    opts.again = rd->again;
    opts.share = rd->share;
    /* a share link opens one capture: not the others */
    opts.history = (rd->capture && !rd->shared) ? "./?view=history" : NULL;
    opts.nodecount = q->nodecount;
    opts.title = (char *) title;
    opts.search = q->search;

    /* a stored capture's links carry its ID, a capture's its arguments */

    links = rd->links.len ? &rd->links : &q->args;

    opts.query = ngx_pnalloc(rd->pool, links->len + 1);
    if (opts.query == NULL) {
        return NGX_ERROR;
    }

    (void) ngx_cpystrn((u_char *) opts.query, links->data, links->len + 1);

    if (rd->text) {
        /* debug=1 and debug=2: text, shown in a page */

        if (pprof_render_text_page(opts.title, (char *) rd->data, rd->len,
                                   &opts)
            != PPROF_OK)
        {
            return NGX_ERROR;
        }

        goto done;
    }

    limits.max_inflated = 0;

    profile = pprof_profile_parse(rd->data, rd->len, &limits, &allocator,
                                  &err);

    if (rd->release) {
        /* the profile holds what it needs: keep one copy, not two */
        ngx_pfree(rd->pool, rd->data);
        rd->data = NULL;
    }

    if (profile == NULL) {
        return ngx_http_pprof_render_fail(rd, NGX_HTTP_BAD_GATEWAY,
                                          "the APIServer sent something "
                                          "that is not a profile: %s",
                                          err.msg);
    }

    if (rd->base_data) {
        /* a diff: the profile minus its base, as go tool pprof -diff_base
         * (or -base, base_mode=subtract) */

        base = pprof_profile_parse(rd->base_data, rd->base_len, &limits,
                                   &allocator, &err);

        ngx_pfree(rd->pool, rd->base_data);
        rd->base_data = NULL;

        if (base == NULL) {
            return ngx_http_pprof_render_fail(rd, NGX_HTTP_BAD_GATEWAY,
                                              "the base capture is not a "
                                              "profile: %s", err.msg);
        }

        merged = pprof_profile_merge(profile, base, (int) q->base_mode,
                                     &allocator, &err);
        if (merged == NULL) {
            return ngx_http_pprof_render_fail(rd, NGX_HTTP_BAD_REQUEST,
                                              "no diff with this base: %s",
                                              err.msg);
        }

        profile = merged;
    }

    ropts = ngx_pcalloc(rd->pool, sizeof(pprof_report_options_t));
    if (ropts == NULL) {
        return NGX_ERROR;
    }

    *ropts = q->report;
    /* the peek view's focus picks its rows */
    ropts->peek = q->view == PPROF_VIEW_PEEK;

    report = pprof_report(profile, ropts, &allocator, &err);

    if (report == NULL) {
        return ngx_http_pprof_render_fail(rd, NGX_HTTP_BAD_REQUEST, "%s",
                                          err.msg);
    }

    rc = pprof_render(report, &opts, &err);

    if (rc == PPROF_NOMATCH) {
        /* the peek's focus names nothing in this capture */
        return ngx_http_pprof_render_fail(rd, NGX_HTTP_NOT_FOUND, "%s",
                                          err.msg);
    }

    if (rc != PPROF_OK) {
        return ngx_http_pprof_render_fail(rd, NGX_HTTP_INTERNAL_SERVER_ERROR,
                                          "rendering failed: %s", err.msg);
    }

done:

    rd->status = 0;
    rd->out = writer.out;
    rd->size = writer.size;
    rd->content_type = format->content_type;

    return NGX_OK;
}


/*
 * The query's report options that need no profile (regexes, granularity,
 * fractions), checked before the APIServer is asked: NGX_OK, or
 * NGX_DECLINED with err saying what is wrong
 */

ngx_int_t
ngx_http_pprof_report_check(ngx_pool_t *pool,
    const pprof_report_options_t *ro, pprof_error_t *err)
{
    pprof_allocator_t  allocator;

    ngx_http_pprof_pool_allocator(&allocator, pool);

    return pprof_report_check(ro, &allocator, err) == PPROF_OK
           ? NGX_OK : NGX_DECLINED;
}


/* a page in the views' chrome around text: debug=N bodies, errors */

ngx_int_t
ngx_http_pprof_render_page(ngx_pool_t *pool, char *title, ngx_str_t *text,
    char *again, ngx_chain_t **out, size_t *size)
{
    int                       rc;
    pprof_allocator_t         allocator;
    pprof_render_options_t    opts;
    ngx_http_pprof_writer_t   writer;

    ngx_http_pprof_render_init(&writer, &allocator, &opts, pool);

    opts.format = PPROF_FORMAT_HTML;
    opts.title = title;
    opts.query = "";
    opts.again = again;

    rc = pprof_render_text_page(title, (char *) text->data, text->len,
                                &opts);

    return ngx_http_pprof_render_end(&writer, rc, out, size);
}


static void
ngx_http_pprof_render_init(ngx_http_pprof_writer_t *writer,
    pprof_allocator_t *allocator, pprof_render_options_t *opts,
    ngx_pool_t *pool)
{
    ngx_http_pprof_pool_allocator(allocator, pool);

    writer->pool = pool;
    writer->out = NULL;
    writer->last = &writer->out;
    writer->size = 0;

    ngx_memzero(opts, sizeof(pprof_render_options_t));
    opts->write = ngx_http_pprof_write;
    opts->data = writer;
    opts->allocator = allocator;
}


/* a page rendered by the engine's rc: the writer's chain, or NGX_ERROR */

static ngx_int_t
ngx_http_pprof_render_end(ngx_http_pprof_writer_t *writer, int rc,
    ngx_chain_t **out, size_t *size)
{
    if (rc != PPROF_OK) {
        return NGX_ERROR;
    }

    *out = writer->out;
    *size = writer->size;

    return NGX_OK;
}


static ngx_int_t
ngx_http_pprof_render_fail(ngx_http_pprof_render_t *rd, ngx_uint_t status,
    const char *fmt, const char *msg)
{
    u_char  *p;

    p = ngx_pnalloc(rd->pool, NGX_HTTP_PPROF_REASON_MAX);
    if (p == NULL) {
        return NGX_ERROR;
    }

    rd->reason.data = p;
    rd->reason.len = ngx_snprintf(p, NGX_HTTP_PPROF_REASON_MAX, fmt, msg)
                     - p;
    rd->status = status;

    return NGX_OK;
}


/* the engine's writer: appends to a chain of pool buffers */

static int
ngx_http_pprof_write(void *data, const char *buf, size_t len)
{
    ngx_http_pprof_writer_t  *w = data;

    ngx_buf_t    *b;
    ngx_chain_t  *cl;

    if (len == 0) {
        return 0;
    }

    b = ngx_create_temp_buf(w->pool, len);
    if (b == NULL) {
        return -1;
    }

    b->last = ngx_cpymem(b->last, buf, len);

    cl = ngx_alloc_chain_link(w->pool);
    if (cl == NULL) {
        return -1;
    }

    cl->buf = b;
    cl->next = NULL;

    *w->last = cl;
    w->last = &cl->next;
    w->size += len;

    return 0;
}


/* the engine's memory from an nginx pool */

static void
ngx_http_pprof_pool_allocator(pprof_allocator_t *allocator,
    ngx_pool_t *pool)
{
    allocator->alloc = ngx_http_pprof_alloc;
    allocator->free = ngx_http_pprof_free;
    allocator->data = pool;
}


static void *
ngx_http_pprof_alloc(void *data, size_t size)
{
    return ngx_palloc(data, size);
}


static void
ngx_http_pprof_free(void *data, void *p)
{
    /* only large allocations are returned early; the rest goes with pool */
    (void) ngx_pfree(data, p);
}


/* the history page: the stored captures of a location, newest first */

ngx_int_t
ngx_http_pprof_render_history(ngx_pool_t *pool, pprof_capture_entry_t *h,
    ngx_uint_t n, ngx_chain_t **out, size_t *size)
{
    int                       rc;
    pprof_allocator_t         allocator;
    pprof_render_options_t    opts;
    ngx_http_pprof_writer_t   writer;

    ngx_http_pprof_render_init(&writer, &allocator, &opts, pool);

    opts.format = PPROF_FORMAT_HTML;
    opts.title = "captures";
    opts.query = "";

    rc = pprof_render_captures("captures", h, n, &opts);

    return ngx_http_pprof_render_end(&writer, rc, out, size);
}


/* the gateway's index: the profile types of a location */

ngx_int_t
ngx_http_pprof_render_index(ngx_pool_t *pool, char *title,
    pprof_index_t *index, char *history, ngx_chain_t **out, size_t *size)
{
    int                       rc;
    pprof_allocator_t         allocator;
    pprof_render_options_t    opts;
    ngx_http_pprof_writer_t   writer;

    ngx_http_pprof_render_init(&writer, &allocator, &opts, pool);

    opts.format = PPROF_FORMAT_HTML;
    opts.title = title;
    opts.history = history;

    rc = pprof_render_index(title, index, &opts);

    return ngx_http_pprof_render_end(&writer, rc, out, size);
}
