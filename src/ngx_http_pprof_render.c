
/*
 * What reaches the client.  Raw profiles stream through untouched.  A view
 * (HTML, top, JSON, ...) needs the whole profile, so the body is held back
 * (bounded by pprof_max_size) and the status and content type are decided
 * only once it is known: a bad profile is a clean 502, not a broken 200.
 * Errors, ours or the APIServer's, become one explained page or line.
 */


#include "ngx_http_pprof.h"


#define NGX_HTTP_PPROF_REASON_MAX  1024


typedef struct {
    ngx_http_request_t        *request;
    ngx_chain_t               *out;
    ngx_chain_t              **last;
    size_t                     size;
} ngx_http_pprof_writer_t;


static ngx_int_t ngx_http_pprof_header_filter(ngx_http_request_t *r);
static ngx_int_t ngx_http_pprof_body_filter(ngx_http_request_t *r,
    ngx_chain_t *in);
static ngx_int_t ngx_http_pprof_collect(ngx_http_request_t *r,
    ngx_http_pprof_ctx_t *ctx, ngx_chain_t *in);
static ngx_int_t ngx_http_pprof_finish(ngx_http_request_t *r,
    ngx_http_pprof_ctx_t *ctx);
static ngx_int_t ngx_http_pprof_render(ngx_http_request_t *r,
    ngx_http_pprof_ctx_t *ctx);
static ngx_int_t ngx_http_pprof_upstream_error(ngx_http_request_t *r,
    ngx_http_pprof_ctx_t *ctx);
static void ngx_http_pprof_quote(ngx_http_request_t *r,
    ngx_http_pprof_ctx_t *ctx, ngx_str_t *msg);
static ngx_int_t ngx_http_pprof_vset_reason(ngx_http_request_t *r,
    ngx_http_pprof_ctx_t *ctx, const char *fmt, va_list args);
static ngx_int_t ngx_http_pprof_fail(ngx_http_request_t *r,
    ngx_http_pprof_ctx_t *ctx, ngx_uint_t status);
static void ngx_http_pprof_log_reason(ngx_http_request_t *r,
    ngx_uint_t status, ngx_str_t *reason);
static char *ngx_http_pprof_status_text(ngx_uint_t status);
static ngx_int_t ngx_http_pprof_error_response(ngx_http_request_t *r,
    ngx_uint_t status, ngx_str_t *reason, ngx_chain_t **out);
static ngx_int_t ngx_http_pprof_send(ngx_http_request_t *r,
    ngx_http_pprof_ctx_t *ctx, ngx_chain_t *out);
static void ngx_http_pprof_reset_headers(ngx_http_request_t *r,
    ngx_uint_t status, char *type, size_t len, ngx_chain_t *out);
static ngx_int_t ngx_http_pprof_set_filename(ngx_http_request_t *r,
    ngx_http_pprof_ctx_t *ctx);
static int ngx_http_pprof_write(void *data, const char *buf, size_t len);
static void *ngx_http_pprof_alloc(void *data, size_t size);
static void ngx_http_pprof_free(void *data, void *p);


static ngx_http_output_header_filter_pt  ngx_http_next_header_filter;
static ngx_http_output_body_filter_pt    ngx_http_next_body_filter;


static char  *ngx_http_pprof_content_types[] = {
    "text/html; charset=utf-8",            /* PPROF_FORMAT_HTML */
    "text/plain; charset=utf-8",           /* PPROF_FORMAT_TOP */
    "application/json",                    /* PPROF_FORMAT_JSON */
    "text/html; charset=utf-8",            /* PPROF_FORMAT_FLAMEGRAPH */
    "text/plain; charset=utf-8"            /* PPROF_FORMAT_COLLAPSED */
};


ngx_int_t
ngx_http_pprof_filter_init(ngx_conf_t *cf)
{
    ngx_http_next_header_filter = ngx_http_top_header_filter;
    ngx_http_top_header_filter = ngx_http_pprof_header_filter;

    ngx_http_next_body_filter = ngx_http_top_body_filter;
    ngx_http_top_body_filter = ngx_http_pprof_body_filter;

    return NGX_OK;
}


static ngx_int_t
ngx_http_pprof_header_filter(ngx_http_request_t *r)
{
    static ngx_str_t  vary = ngx_string("Accept");

    ngx_uint_t                  status;
    ngx_http_upstream_t        *u;
    ngx_http_pprof_ctx_t       *ctx;
    ngx_http_pprof_loc_conf_t  *plcf;

    ctx = ngx_http_get_module_ctx(r, ngx_http_pprof_module);

    if (ctx == NULL || ctx->sent || r != r->main) {
        return ngx_http_next_header_filter(r);
    }

    u = r->upstream;

    if (r->err_status || u == NULL) {

        /* nginx's own error page after the upstream failed: explain it */

        if (ctx->reason.len == 0) {
            return ngx_http_next_header_filter(r);
        }

        return ngx_http_pprof_filter_error(r, ctx, r->headers_out.status);
    }

    /* the same URL answers a page or a profile, by Accept */

    if (ctx->query.negotiated
        && ngx_http_pprof_add_header(r, "Vary", &vary) != NGX_OK)
    {
        return NGX_ERROR;
    }

    status = r->headers_out.status;
    ctx->upstream_status = status;
    ctx->text = (r->headers_out.content_type.len >= 5
                 && ngx_strncasecmp(r->headers_out.content_type.data,
                                    (u_char *) "text/", 5) == 0);

    if (status == NGX_HTTP_OK) {

        if (ctx->query.format == NGX_HTTP_PPROF_FORMAT_RAW) {
            if (ngx_http_pprof_set_filename(r, ctx) != NGX_OK) {
                return NGX_ERROR;
            }

            return ngx_http_next_header_filter(r);
        }

        if (ctx->text && ctx->query.format != PPROF_FORMAT_HTML) {
            ngx_http_pprof_set_reason(r, ctx, "the APIServer sent text "
                                      "where a profile was expected");
            return ngx_http_pprof_fail(r, ctx, NGX_HTTP_BAD_GATEWAY);
        }

        plcf = ngx_http_get_module_loc_conf(r, ngx_http_pprof_module);
        ctx->body_max = plcf->max_size;

        if (r->headers_out.content_length_n > (off_t) ctx->body_max) {
            ngx_http_pprof_set_reason(r, ctx, "the profile is %O bytes, "
                                      "more than pprof_max_size (%uz); "
                                      "download it with ?format=raw",
                                      r->headers_out.content_length_n,
                                      ctx->body_max);
            return ngx_http_pprof_fail(r, ctx, NGX_HTTP_BAD_GATEWAY);
        }

    } else {
        ctx->body_max = NGX_HTTP_PPROF_ERROR_BODY_MAX;
    }

    /* hold the header back until the body is known */

    ctx->collect = 1;

    return NGX_OK;
}


static ngx_int_t
ngx_http_pprof_body_filter(ngx_http_request_t *r, ngx_chain_t *in)
{
    ngx_chain_t           *cl;
    ngx_http_pprof_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_pprof_module);

    if (ctx == NULL || r != r->main || (!ctx->collect && !ctx->replace)) {
        return ngx_http_next_body_filter(r, in);
    }

    if (ctx->collect) {
        return ngx_http_pprof_collect(r, ctx, in);
    }

    /*
     * ctx->replace: our response went out, drop what was to follow; but
     * let the write filter flush what of ours a slow client has not taken
     */

    for (cl = in; cl; cl = cl->next) {
        cl->buf->pos = cl->buf->last;
        cl->buf->file_pos = cl->buf->file_last;
    }

    /*
     * Nothing more is wanted from the APIServer (a 64 MB body past
     * pprof_max_size, say): the upstream ends at once, its connection
     * is not kept, since the rest of the body was never read.
     */

    if (in && r->upstream) {
        r->upstream->length = 0;
        r->upstream->keepalive = 0;
    }

    return ngx_http_next_body_filter(r, NULL);
}


static ngx_int_t
ngx_http_pprof_collect(ngx_http_request_t *r, ngx_http_pprof_ctx_t *ctx,
    ngx_chain_t *in)
{
    u_char       *p;
    size_t        size, want;
    ngx_buf_t    *b;
    ngx_uint_t    last;
    ngx_chain_t  *cl;

    last = 0;

    for (cl = in; cl; cl = cl->next) {
        b = cl->buf;
        size = b->last - b->pos;

        if (b->last_buf) {
            last = 1;
        }

        if (size == 0 || !ngx_buf_in_memory(b)) {
            b->pos = b->last;
            continue;
        }

        if (ctx->body_len + size > ctx->body_max) {

            if (ctx->upstream_status == NGX_HTTP_OK) {
                ngx_http_pprof_set_reason(r, ctx, "the profile is larger "
                                          "than pprof_max_size (%uz); "
                                          "download it with ?format=raw",
                                          ctx->body_max);
                ctx->collect = 0;
                b->pos = b->last;

                return ngx_http_pprof_fail(r, ctx, NGX_HTTP_BAD_GATEWAY);
            }

            /* an error body is only quoted: its start is enough */
            size = ctx->body_max - ctx->body_len;
        }

        if (ctx->body_len + size > ctx->body_size) {
            want = ngx_max(ctx->body_size * 2, 65536);
            want = ngx_max(want, ctx->body_len + size);
            want = ngx_min(want, ctx->body_max);

            p = ngx_palloc(r->pool, want);
            if (p == NULL) {
                return NGX_ERROR;
            }

            if (ctx->body) {
                ngx_memcpy(p, ctx->body, ctx->body_len);
                ngx_pfree(r->pool, ctx->body);
            }

            ctx->body = p;
            ctx->body_size = want;
        }

        ngx_memcpy(ctx->body + ctx->body_len, b->pos, size);
        ctx->body_len += size;
        b->pos = b->last;
    }

    if (!last) {
        return NGX_OK;
    }

    ctx->collect = 0;

    return ngx_http_pprof_finish(r, ctx);
}


static ngx_int_t
ngx_http_pprof_finish(ngx_http_request_t *r, ngx_http_pprof_ctx_t *ctx)
{
    if (ctx->upstream_status != NGX_HTTP_OK) {
        return ngx_http_pprof_upstream_error(r, ctx);
    }

    return ngx_http_pprof_render(r, ctx);
}


static ngx_int_t
ngx_http_pprof_render(ngx_http_request_t *r, ngx_http_pprof_ctx_t *ctx)
{
    pprof_error_t             err;
    pprof_report_t           *report;
    pprof_limits_t            limits;
    pprof_profile_t          *profile;
    pprof_allocator_t         allocator;
    ngx_http_pprof_query_t   *q;
    pprof_report_options_t   *ropts;
    pprof_render_options_t    opts;
    ngx_http_pprof_writer_t   writer;
    u_char                    title[64];

    q = &ctx->query;

    allocator.alloc = ngx_http_pprof_alloc;
    allocator.free = ngx_http_pprof_free;
    allocator.data = r->pool;

    writer.request = r;
    writer.out = NULL;
    writer.last = &writer.out;
    writer.size = 0;

    (void) ngx_cpystrn(title, ctx->query.name.data,
                       ngx_min(ctx->query.name.len + 1, sizeof(title)));

    ngx_memzero(&opts, sizeof(pprof_render_options_t));
    opts.format = q->format;
    opts.view = q->view;
    opts.nodecount = q->nodecount;
    opts.title = (char *) title;
    opts.search = q->search;
    opts.write = ngx_http_pprof_write;
    opts.data = &writer;
    opts.allocator = &allocator;

    opts.query = ngx_pnalloc(r->pool, q->args.len + 1);
    if (opts.query == NULL) {
        return NGX_ERROR;
    }

    (void) ngx_cpystrn((u_char *) opts.query, q->args.data, q->args.len + 1);

    if (ctx->text) {
        /* debug=1 and debug=2: text, shown in a page */

        if (pprof_render_text_page(opts.title, (char *) ctx->body,
                                   ctx->body_len, &opts)
            != PPROF_OK)
        {
            return NGX_ERROR;
        }

        goto send;
    }

    limits.max_inflated = 0;

    profile = pprof_profile_parse(ctx->body, ctx->body_len, &limits,
                                  &allocator, &err);

    ngx_pfree(r->pool, ctx->body);
    ctx->body = NULL;

    if (profile == NULL) {
        ngx_http_pprof_set_reason(r, ctx, "the APIServer sent something "
                                  "that is not a profile: %s", err.msg);
        return ngx_http_pprof_fail(r, ctx, NGX_HTTP_BAD_GATEWAY);
    }

    ropts = ngx_pcalloc(r->pool, sizeof(pprof_report_options_t));
    if (ropts == NULL) {
        return NGX_ERROR;
    }

    ropts->sample_type = q->sample;
    ropts->focus = q->focus;
    ropts->ignore = q->ignore;
    ropts->sort = q->sort;
    ropts->zoom = q->zoom;

    report = pprof_report(profile, ropts, &allocator, &err);

    if (report == NULL) {
        ngx_http_pprof_set_reason(r, ctx, "%s", err.msg);
        return ngx_http_pprof_fail(r, ctx, NGX_HTTP_BAD_REQUEST);
    }

    if (pprof_render(report, &opts, &err) != PPROF_OK) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "pprof: rendering failed: %s", err.msg);
        return NGX_ERROR;
    }

send:

    ngx_http_pprof_reset_headers(r, NGX_HTTP_OK,
                                 ngx_http_pprof_content_types[q->format],
                                 writer.size, writer.out);

    return ngx_http_pprof_send(r, ctx, writer.out);
}


/* the APIServer (or the profiler) said no: say why, and what to do */

static ngx_int_t
ngx_http_pprof_upstream_error(ngx_http_request_t *r,
    ngx_http_pprof_ctx_t *ctx)
{
    ngx_str_t                   msg;
    ngx_uint_t                  status;
    ngx_http_pprof_loc_conf_t  *plcf;

    plcf = ngx_http_get_module_loc_conf(r, ngx_http_pprof_module);

    ngx_http_pprof_quote(r, ctx, &msg);

    switch (ctx->upstream_status) {

    case NGX_HTTP_UNAUTHORIZED:
        ngx_http_pprof_token_recheck(plcf->token);
        status = NGX_HTTP_BAD_GATEWAY;
        ngx_http_pprof_set_reason(r, ctx, "the APIServer rejected the "
                                  "ServiceAccount token (401 %V): it may "
                                  "have expired, or \"%V\" is the wrong "
                                  "token file", &msg, &plcf->token->path);
        break;

    case NGX_HTTP_FORBIDDEN:
        status = NGX_HTTP_BAD_GATEWAY;
        ngx_http_pprof_set_reason(r, ctx, "the APIServer denied access "
                                  "(403): %V; the ServiceAccount needs a "
                                  "ClusterRole with nonResourceURLs "
                                  "[\"/debug/pprof/*\"] and verbs "
                                  "[\"get\"] (\"post\" for symbol)", &msg);
        break;

    case NGX_HTTP_BAD_REQUEST:
    case NGX_HTTP_NOT_FOUND:
        status = ctx->upstream_status;
        ngx_http_pprof_set_reason(r, ctx, "the profiler refused the "
                                  "request (%ui): %V",
                                  ctx->upstream_status, &msg);
        break;

    default:
        status = NGX_HTTP_BAD_GATEWAY;
        ngx_http_pprof_set_reason(r, ctx, "the APIServer answered %ui: %V",
                                  ctx->upstream_status, &msg);
    }

    return ngx_http_pprof_fail(r, ctx, status);
}


/*
 * The message of a Kubernetes Status, or the first line of a text body:
 * untrusted, so bounded, stripped of control characters, and with the
 * token cut out should a hostile server echo it back.
 */

static void
ngx_http_pprof_quote(ngx_http_request_t *r, ngx_http_pprof_ctx_t *ctx,
    ngx_str_t *msg)
{
    u_char                     *p, *last, *dst, *start;
    ngx_str_t                   token;
    ngx_http_pprof_loc_conf_t  *plcf;

    p = ctx->body;
    last = ctx->body + ctx->body_len;

    if (p == NULL || p == last) {
        ngx_str_set(msg, "no message");
        return;
    }

    start = ngx_strlcasestrn(p, last, (u_char *) "\"message\":\"",
                             sizeof("\"message\":\"") - 2);

    if (start && *p == '{') {
        p = start + sizeof("\"message\":\"") - 1;

        for (dst = p; dst < last && *dst != '"'; dst++) {
            if (*dst == '\\' && dst + 1 < last) {
                dst++;
            }
        }

        last = dst;
    }

    if (last - p > 512) {
        last = p + 512;
    }

    dst = ngx_pnalloc(r->pool, last - p);
    if (dst == NULL) {
        ngx_str_set(msg, "no message");
        return;
    }

    msg->data = dst;

    for ( /* void */ ; p < last; p++) {
        if (*p == '\\' && p + 1 < last && p[1] == '"') {
            continue;
        }

        if (*p == LF && dst > msg->data) {
            break;
        }

        *dst++ = (*p < 0x20 || *p == 0x7f) ? ' ' : *p;
    }

    msg->len = dst - msg->data;

    plcf = ngx_http_get_module_loc_conf(r, ngx_http_pprof_module);
    token = plcf->token->token;

    while (token.len
           && (p = ngx_strlcasestrn(msg->data, msg->data + msg->len,
                                    token.data, token.len - 1))
              != NULL)
    {
        ngx_memset(p, '*', token.len);
    }

    if (msg->len == 0) {
        ngx_str_set(msg, "no message");
    }
}


/* a failure found while filtering: logged, then answered */

static ngx_int_t
ngx_http_pprof_fail(ngx_http_request_t *r, ngx_http_pprof_ctx_t *ctx,
    ngx_uint_t status)
{
    ngx_http_pprof_log_reason(r, status, &ctx->reason);

    return ngx_http_pprof_filter_error(r, ctx, status);
}


/* the client's mistakes are news only at info level, the rest is an error */

static void
ngx_http_pprof_log_reason(ngx_http_request_t *r, ngx_uint_t status,
    ngx_str_t *reason)
{
    ngx_uint_t  level;

    level = (status >= NGX_HTTP_INTERNAL_SERVER_ERROR) ? NGX_LOG_ERR
                                                       : NGX_LOG_INFO;

    ngx_log_error(level, r->connection->log, 0, "pprof: %V", reason);
}


/* answers with ctx->reason through the rest of the filter chain */

ngx_int_t
ngx_http_pprof_filter_error(ngx_http_request_t *r, ngx_http_pprof_ctx_t *ctx,
    ngx_uint_t status)
{
    ngx_chain_t  *out;

    if (ngx_http_pprof_error_response(r, status, &ctx->reason, &out)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    ctx->replace = 1;

    return ngx_http_pprof_send(r, ctx, out);
}


/* an error found by the handler, before any upstream */

ngx_int_t
ngx_http_pprof_send_error(ngx_http_request_t *r, ngx_uint_t status,
    const char *fmt, ...)
{
    va_list                args;
    ngx_int_t              rc;
    ngx_chain_t           *out;
    ngx_http_pprof_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_pprof_module);

    va_start(args, fmt);
    rc = ngx_http_pprof_vset_reason(r, ctx, fmt, args);
    va_end(args);

    if (rc == NGX_ERROR) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_http_pprof_log_reason(r, status, &ctx->reason);

    if (ngx_http_pprof_error_response(r, status, &ctx->reason, &out)
        != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ctx->sent = 1;

    rc = ngx_http_send_header(r);

    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        return rc;
    }

    return ngx_http_output_filter(r, out);
}


/*
 * Keeps why the request failed, for the page and the log; returns
 * NGX_DECLINED so that a check can end with "return ...set_reason()".
 */

ngx_int_t
ngx_http_pprof_set_reason(ngx_http_request_t *r, ngx_http_pprof_ctx_t *ctx,
    const char *fmt, ...)
{
    ngx_int_t  rc;
    va_list    args;

    va_start(args, fmt);
    rc = ngx_http_pprof_vset_reason(r, ctx, fmt, args);
    va_end(args);

    return rc;
}


/* the reason lives in the request's pool, whatever it was made from */

static ngx_int_t
ngx_http_pprof_vset_reason(ngx_http_request_t *r, ngx_http_pprof_ctx_t *ctx,
    const char *fmt, va_list args)
{
    u_char  *p;

    p = ngx_pnalloc(r->pool, NGX_HTTP_PPROF_REASON_MAX);
    if (p == NULL) {
        return NGX_ERROR;
    }

    ctx->reason.len = ngx_vslprintf(p, p + NGX_HTTP_PPROF_REASON_MAX,
                                    fmt, args)
                      - p;
    ctx->reason.data = p;

    return NGX_DECLINED;
}


static char *
ngx_http_pprof_status_text(ngx_uint_t status)
{
    switch (status) {
    case NGX_HTTP_BAD_REQUEST:
        return "Bad Request";
    case NGX_HTTP_NOT_FOUND:
        return "Not Found";
    case NGX_HTTP_NOT_ALLOWED:
        return "Not Allowed";
    case NGX_HTTP_REQUEST_ENTITY_TOO_LARGE:
        return "Request Entity Too Large";
    case NGX_HTTP_BAD_GATEWAY:
        return "Bad Gateway";
    case NGX_HTTP_GATEWAY_TIME_OUT:
        return "Gateway Time-out";
    default:
        return "Error";
    }
}


/* a page for browsers, a line for everything else; headers set */

static ngx_int_t
ngx_http_pprof_error_response(ngx_http_request_t *r, ngx_uint_t status,
    ngx_str_t *reason, ngx_chain_t **out)
{
    char                     *text;
    ngx_buf_t                *b;
    pprof_allocator_t         allocator;
    ngx_http_pprof_ctx_t     *ctx;
    pprof_render_options_t    opts;
    ngx_http_pprof_writer_t   writer;
    u_char                    title[64];

    ctx = ngx_http_get_module_ctx(r, ngx_http_pprof_module);

    writer.request = r;
    writer.out = NULL;
    writer.last = &writer.out;
    writer.size = 0;

    if (ctx->query.html) {
        allocator.alloc = ngx_http_pprof_alloc;
        allocator.free = ngx_http_pprof_free;
        allocator.data = r->pool;

        (void) ngx_snprintf(title, sizeof(title), "%ui %s%Z", status,
                            ngx_http_pprof_status_text(status));

        ngx_memzero(&opts, sizeof(pprof_render_options_t));
        opts.format = PPROF_FORMAT_HTML;
        opts.title = (char *) title;
        opts.query = "";
        opts.write = ngx_http_pprof_write;
        opts.data = &writer;
        opts.allocator = &allocator;

        if (pprof_render_text_page(opts.title, (char *) reason->data,
                                   reason->len, &opts)
            != PPROF_OK)
        {
            return NGX_ERROR;
        }

        text = "text/html; charset=utf-8";

    } else {
        b = ngx_create_temp_buf(r->pool, reason->len + 1);
        if (b == NULL) {
            return NGX_ERROR;
        }

        b->last = ngx_cpymem(b->last, reason->data, reason->len);
        *b->last++ = LF;

        writer.out = ngx_alloc_chain_link(r->pool);
        if (writer.out == NULL) {
            return NGX_ERROR;
        }

        writer.out->buf = b;
        writer.out->next = NULL;
        writer.size = reason->len + 1;

        text = "text/plain; charset=utf-8";
    }

    ngx_http_pprof_reset_headers(r, status, text, writer.size, writer.out);

    *out = writer.out;

    return NGX_OK;
}


static ngx_int_t
ngx_http_pprof_send(ngx_http_request_t *r, ngx_http_pprof_ctx_t *ctx,
    ngx_chain_t *out)
{
    ngx_int_t  rc;

    ctx->sent = 1;

    rc = ngx_http_next_header_filter(r);

    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        return rc;
    }

    return ngx_http_next_body_filter(r, out);
}


/*
 * A response of ours replaces whatever the APIServer or nginx had set:
 * the upstream's framing, disposition and pprof headers no longer apply.
 */

static void
ngx_http_pprof_reset_headers(ngx_http_request_t *r, ngx_uint_t status,
    char *type, size_t len, ngx_chain_t *out)
{
    ngx_uint_t        i;
    ngx_chain_t      *cl;
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h;

    part = &r->headers_out.headers.part;
    h = part->elts;

    for (i = 0; /* void */; i++) {

        if (i >= part->nelts) {
            if (part->next == NULL) {
                break;
            }

            part = part->next;
            h = part->elts;
            i = 0;
        }

        if (h[i].hash == 0) {
            continue;
        }

        if ((h[i].key.len == sizeof("Content-Disposition") - 1
             && ngx_strncasecmp(h[i].key.data,
                                (u_char *) "Content-Disposition",
                                h[i].key.len) == 0)
            || (h[i].key.len == sizeof("X-Go-Pprof") - 1
                && ngx_strncasecmp(h[i].key.data, (u_char *) "X-Go-Pprof",
                                   h[i].key.len) == 0))
        {
            h[i].hash = 0;
        }
    }

    r->headers_out.status = status;
    r->headers_out.status_line.len = 0;
    r->headers_out.content_type.len = ngx_strlen(type);
    r->headers_out.content_type.data = (u_char *) type;
    r->headers_out.content_type_len = r->headers_out.content_type.len;
    r->headers_out.content_type_lowcase = NULL;
    r->headers_out.charset.len = 0;
    r->headers_out.content_length_n = len;

    if (r->headers_out.content_length) {
        r->headers_out.content_length->hash = 0;
        r->headers_out.content_length = NULL;
    }

    ngx_http_clear_accept_ranges(r);
    ngx_http_clear_last_modified(r);
    ngx_http_clear_etag(r);

    if (out == NULL) {
        return;
    }

    for (cl = out; cl->next; cl = cl->next) {
        /* void */
    }

    cl->buf->last_buf = (r == r->main) ? 1 : 0;
    cl->buf->last_in_chain = 1;
}


ngx_int_t
ngx_http_pprof_add_header(ngx_http_request_t *r, char *key, ngx_str_t *value)
{
    ngx_table_elt_t  *h;

    h = ngx_list_push(&r->headers_out.headers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    h->hash = 1;
    h->key.data = (u_char *) key;
    h->key.len = ngx_strlen(key);
    h->value = *value;

    return NGX_OK;
}


/* "kubernetes.default.svc-heap-20261123T153000Z.pb.gz" */

static ngx_int_t
ngx_http_pprof_set_filename(ngx_http_request_t *r, ngx_http_pprof_ctx_t *ctx)
{
    char                       *ext;
    size_t                      len;
    ngx_tm_t                    tm;
    ngx_str_t                   value;
    ngx_http_pprof_loc_conf_t  *plcf;

    if (!ctx->query.download || ctx->text) {
        return NGX_OK;
    }

    ext = ctx->query.renderable ? "pb.gz" : "trace";

    plcf = ngx_http_get_module_loc_conf(r, ngx_http_pprof_module);

    ngx_http_pprof_reset_headers(r, NGX_HTTP_OK,
                                 "application/octet-stream",
                                 r->headers_out.content_length_n, NULL);

    len = sizeof("attachment; filename=\"-delta-YYYYmmddTHHMMSSZ.trace\"")
          + plcf->target.len + ctx->query.name.len;

    value.data = ngx_pnalloc(r->pool, len);
    if (value.data == NULL) {
        return NGX_ERROR;
    }

    ngx_gmtime(ngx_time(), &tm);

    value.len = ngx_sprintf(value.data, "attachment; filename=\"%V-%V%s-"
                            "%4d%02d%02dT%02d%02d%02dZ.%s\"",
                            &plcf->target, &ctx->query.name,
                            ctx->query.delta ? "-delta" : "",
                            tm.ngx_tm_year, tm.ngx_tm_mon, tm.ngx_tm_mday,
                            tm.ngx_tm_hour, tm.ngx_tm_min, tm.ngx_tm_sec,
                            ext)
                - value.data;

    return ngx_http_pprof_add_header(r, "Content-Disposition", &value);
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

    b = ngx_create_temp_buf(w->request->pool, len);
    if (b == NULL) {
        return -1;
    }

    b->last = ngx_cpymem(b->last, buf, len);

    cl = ngx_alloc_chain_link(w->request->pool);
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


static void *
ngx_http_pprof_alloc(void *data, size_t size)
{
    return ngx_palloc(data, size);
}


static void
ngx_http_pprof_free(void *data, void *p)
{
    /* only large allocations are returned early; the rest goes with r */
    (void) ngx_pfree(data, p);
}
