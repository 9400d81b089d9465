
/*
 * What reaches the client, as a header and a body filter.  Raw profiles
 * stream through untouched.  A view (HTML, top, JSON, ...) needs the
 * whole profile, so the body is held back (bounded by pprof_max_size,
 * the request marked buffered meanwhile) and the status and content type
 * are decided only once it is known: a bad profile is a clean 502, not a
 * broken 200.  Failures, the handler's, the upstream's or nginx's own
 * error page after one, are answered here too, from ctx->reason.
 *
 *     START --header--> PASS                        raw: stream on
 *                  \--> COLLECT --last buf--> DONE       render, or explain
 *                                  \--> RENDER --job--> RENDERED --> DONE
 *     any failure ----------------------------> DONE   drop what follows
 *
 * RENDER: the body went to a job (thread.c) that renders it in a thread;
 * the request stays buffered, and once the job is done nginx's writer
 * calls the body filter again (RENDERED) to send what it made.
 */


#include "ngx_http_pprof.h"


/* as the image filter's: the two never hold one response */
#define NGX_HTTP_PPROF_BUFFERED  0x08


static ngx_int_t ngx_http_pprof_header_filter(ngx_http_request_t *r);
static ngx_int_t ngx_http_pprof_body_filter(ngx_http_request_t *r,
    ngx_chain_t *in);
static ngx_int_t ngx_http_pprof_header(ngx_http_request_t *r,
    ngx_http_pprof_ctx_t *ctx);
static ngx_int_t ngx_http_pprof_collect(ngx_http_request_t *r,
    ngx_http_pprof_ctx_t *ctx, ngx_chain_t *in);
static ngx_int_t ngx_http_pprof_finish(ngx_http_request_t *r,
    ngx_http_pprof_ctx_t *ctx);
static ngx_int_t ngx_http_pprof_unhold(ngx_http_request_t *r,
    ngx_http_pprof_ctx_t *ctx, ngx_chain_t *in);
static ngx_chain_t *ngx_http_pprof_memory(ngx_http_request_t *r,
    u_char *data, size_t len, ngx_chain_t *next);
static void ngx_http_pprof_rendered(ngx_http_pprof_job_t *job);
static ngx_int_t ngx_http_pprof_answer(ngx_http_request_t *r,
    ngx_http_pprof_ctx_t *ctx, ngx_http_pprof_job_t *job);
static ngx_int_t ngx_http_pprof_send(ngx_http_request_t *r,
    ngx_http_pprof_ctx_t *ctx, ngx_chain_t *out);


static ngx_http_output_header_filter_pt  ngx_http_next_header_filter;
static ngx_http_output_body_filter_pt    ngx_http_next_body_filter;


ngx_int_t
ngx_http_pprof_filter_init(ngx_conf_t *cf)
{
    ngx_http_next_header_filter = ngx_http_top_header_filter;
    ngx_http_top_header_filter = ngx_http_pprof_header_filter;

    ngx_http_next_body_filter = ngx_http_top_body_filter;
    ngx_http_top_body_filter = ngx_http_pprof_body_filter;

    return NGX_OK;
}


/*
 * The handler's refusals (unknown name, method, argument) go out through
 * the header filter, as every other failure does.
 */

ngx_int_t
ngx_http_pprof_refuse(ngx_http_request_t *r, ngx_uint_t status)
{
    (void) ngx_http_discard_request_body(r);

    r->headers_out.status = status;

    return ngx_http_send_header(r);
}


/*
 * A response the handler or the store made, headers set (the history, a
 * stored capture, the index): the filters let it pass.
 */

ngx_int_t
ngx_http_pprof_output(ngx_http_request_t *r, ngx_http_pprof_ctx_t *ctx,
    ngx_chain_t *out)
{
    ngx_int_t  rc;

    ctx->phase = NGX_HTTP_PPROF_PASS;

    rc = ngx_http_send_header(r);

    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        return rc;
    }

    return ngx_http_output_filter(r, out);
}


static ngx_int_t
ngx_http_pprof_header_filter(ngx_http_request_t *r)
{
    ngx_http_pprof_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_pprof_module);

    if (ctx == NULL || r != r->main || ctx->phase != NGX_HTTP_PPROF_START) {
        return ngx_http_next_header_filter(r);
    }

    if (r->err_status || r->upstream == NULL) {

        /*
         * the handler refused, or nginx's own error page follows an
         * upstream failure: explain it
         */

        if (ctx->reason.len == 0) {
            return ngx_http_next_header_filter(r);
        }

        return ngx_http_pprof_filter_fail(r, ctx, r->headers_out.status);
    }

    return ngx_http_pprof_header(r, ctx);
}


/* the APIServer's response header: stream it on, or hold it back */

static ngx_int_t
ngx_http_pprof_header(ngx_http_request_t *r, ngx_http_pprof_ctx_t *ctx)
{
    static ngx_str_t  vary = ngx_string("Accept");

    ngx_uint_t                  status;
    ngx_http_pprof_loc_conf_t  *plcf;

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

        if (ctx->query.format == PPROF_FORMAT_RAW) {
            if (ngx_http_pprof_set_filename(r, ctx) != NGX_OK) {
                return NGX_ERROR;
            }

            if (!ctx->store) {
                ctx->phase = NGX_HTTP_PPROF_PASS;
                return ngx_http_next_header_filter(r);
            }

            /* kept for the store: the bytes go out once they are all in */
        }

        if (ctx->text && ctx->query.format != PPROF_FORMAT_HTML
            && ctx->query.format != PPROF_FORMAT_RAW)
        {
            (void) ngx_http_pprof_reason(r, "the APIServer sent text where "
                                         "a profile was expected");
            return ngx_http_pprof_filter_fail(r, ctx, NGX_HTTP_BAD_GATEWAY);
        }

        plcf = ngx_http_get_module_loc_conf(r, ngx_http_pprof_module);
        ctx->body_max = plcf->max_size;

        /* the body goes into the pool of the job that will render it */

        ctx->job = ngx_http_pprof_job_create(r);
        if (ctx->job == NULL) {
            return NGX_ERROR;
        }

        if (ctx->store
            && ngx_http_pprof_capture_new_id(&ctx->job->capture.node.key)
               != NGX_OK)
        {
            return NGX_ERROR;
        }

        if (r->headers_out.content_length_n > (off_t) ctx->body_max
            && ctx->query.format == PPROF_FORMAT_RAW)
        {
            /* too large to keep: it streams on, not stored */
            ngx_http_pprof_capture_failed(r, ctx, 0);
            ctx->store = 0;
            ctx->phase = NGX_HTTP_PPROF_PASS;
            return ngx_http_next_header_filter(r);
        }

        if (r->headers_out.content_length_n > (off_t) ctx->body_max) {
            (void) ngx_http_pprof_reason(r, "the profile is %O bytes, more "
                                         "than pprof_max_size (%uz); "
                                         "download it with ?format=raw",
                                         r->headers_out.content_length_n,
                                         ctx->body_max);
            return ngx_http_pprof_filter_fail(r, ctx, NGX_HTTP_BAD_GATEWAY);
        }

    } else {
        ctx->body_max = NGX_HTTP_PPROF_ERROR_BODY_MAX;
    }

    /* the header waits until the body is known */

    ctx->phase = NGX_HTTP_PPROF_COLLECT;
    r->connection->buffered |= NGX_HTTP_PPROF_BUFFERED;

    return NGX_OK;
}


static ngx_int_t
ngx_http_pprof_body_filter(ngx_http_request_t *r, ngx_chain_t *in)
{
    ngx_chain_t           *cl;
    ngx_http_pprof_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_pprof_module);

    if (ctx == NULL || r != r->main) {
        return ngx_http_next_body_filter(r, in);
    }

    switch (ctx->phase) {

    case NGX_HTTP_PPROF_COLLECT:
        return ngx_http_pprof_collect(r, ctx, in);

    case NGX_HTTP_PPROF_RENDER:
        /* nothing is due from the upstream any more: wait for the job */
        return NGX_OK;

    case NGX_HTTP_PPROF_RENDERED:
        return ngx_http_pprof_answer(r, ctx, ctx->job);

    case NGX_HTTP_PPROF_DONE:

        /*
         * our response went out, drop what was to follow; but let the
         * write filter flush what of ours a slow client has not taken
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

        if (in && r->upstream && r->upstream->length) {
            r->upstream->length = 0;
            r->upstream->keepalive = 0;
        }

        return ngx_http_next_body_filter(r, NULL);

    default: /* NGX_HTTP_PPROF_START, NGX_HTTP_PPROF_PASS */
        return ngx_http_next_body_filter(r, in);
    }
}


static ngx_int_t
ngx_http_pprof_collect(ngx_http_request_t *r, ngx_http_pprof_ctx_t *ctx,
    ngx_chain_t *in)
{
    u_char       *p;
    size_t        size, want;
    ngx_buf_t    *b;
    ngx_msec_t    limit;
    ngx_pool_t   *pool;
    ngx_uint_t    last;
    ngx_chain_t  *cl;

    last = 0;
    pool = ctx->job ? ctx->job->pool : r->pool;

    /*
     * A held body must be complete in time: the read timeout only bounds
     * silences, and an APIServer trickling a byte a second would hold the
     * request (and a capture's lock) for as long as it likes.
     */

    if (in && r->upstream) {
        limit = r->upstream->conf->connect_timeout
                + r->upstream->conf->read_timeout;

        if (ngx_current_msec - ctx->started > limit) {
            for (cl = in; cl; cl = cl->next) {
                cl->buf->pos = cl->buf->last;
            }

            (void) ngx_http_pprof_reason(r, "the APIServer did not send "
                                         "the whole response within "
                                         "pprof_connect_timeout + "
                                         "pprof_read_timeout (%Mms)",
                                         limit);

            return ngx_http_pprof_filter_fail(r, ctx,
                                              NGX_HTTP_GATEWAY_TIME_OUT);
        }
    }

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

            if (ctx->upstream_status == NGX_HTTP_OK
                && ctx->query.format == PPROF_FORMAT_RAW)
            {
                return ngx_http_pprof_unhold(r, ctx, cl);
            }

            if (ctx->upstream_status == NGX_HTTP_OK) {
                (void) ngx_http_pprof_reason(r, "the profile is larger "
                                             "than pprof_max_size (%uz); "
                                             "download it with "
                                             "?format=raw", ctx->body_max);
                b->pos = b->last;

                return ngx_http_pprof_filter_fail(r, ctx,
                                                  NGX_HTTP_BAD_GATEWAY);
            }

            /* an error body is only quoted: its start is enough */
            size = ctx->body_max - ctx->body_len;
        }

        if (ctx->body_len + size > ctx->body_size) {
            want = ngx_max(ctx->body_size * 2, 65536);
            want = ngx_max(want, ctx->body_len + size);
            want = ngx_min(want, ctx->body_max);

            p = ngx_palloc(pool, want);
            if (p == NULL) {
                return NGX_ERROR;
            }

            if (ctx->body) {
                ngx_memcpy(p, ctx->body, ctx->body_len);
                ngx_pfree(pool, ctx->body);
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

    return ngx_http_pprof_finish(r, ctx);
}


/* the whole body is here: the view, or the APIServer's refusal explained */

static ngx_int_t
ngx_http_pprof_finish(ngx_http_request_t *r, ngx_http_pprof_ctx_t *ctx)
{
    ngx_int_t                 rc;
    ngx_uint_t                status;
    ngx_http_pprof_job_t     *job;
    ngx_http_pprof_render_t  *rd;

    if (ctx->upstream_status != NGX_HTTP_OK) {
        status = ngx_http_pprof_upstream_reason(r, ctx);
        return ngx_http_pprof_filter_fail(r, ctx, status);
    }

    job = ctx->job;
    rd = &job->rd;

    rd->data = ctx->body;
    rd->len = ctx->body_len;
    rd->query = &ctx->query;
    rd->text = ctx->text;
    rd->release = 1;

    ctx->body = NULL;

    job->render = (ctx->query.format != PPROF_FORMAT_RAW);

    if (ctx->store) {
        /* what the store will know of it */

        job->store = 1;
        job->cache = ctx->cache;
        job->capture.target = ctx->capture.target;
        ngx_memcpy(job->capture.key, ctx->capture.key, 16);
        ngx_memcpy(job->capture.name, ctx->capture.name,
                   NGX_HTTP_PPROF_NAME_LEN);
        ngx_memcpy(job->capture.args, ctx->capture.args,
                   NGX_HTTP_PPROF_ARGS_LEN);
        job->capture.time = ngx_time();
        job->capture.duration = ngx_current_msec - ctx->started;
        job->capture.size = rd->len;
        job->capture.text = ctx->text;

        /* its page leads to it, not to another capture */

        if (ngx_http_pprof_capture_links(r, rd, job->capture.node.key, 0)
            != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    job->done = ngx_http_pprof_rendered;

    rc = ngx_http_pprof_job_run(r, job);

    if (rc == NGX_AGAIN) {
        ctx->phase = NGX_HTTP_PPROF_RENDER;
        return NGX_OK;
    }

    if (rc == NGX_ERROR) {
        return NGX_ERROR;
    }

    return ngx_http_pprof_answer(r, ctx, job);
}


/* on the event loop, the job done: nginx's writer takes it from here */

static void
ngx_http_pprof_rendered(ngx_http_pprof_job_t *job)
{
    ngx_http_request_t    *r;
    ngx_http_pprof_ctx_t  *ctx;

    r = job->request;
    ctx = ngx_http_get_module_ctx(r, ngx_http_pprof_module);

    ctx->phase = NGX_HTTP_PPROF_RENDERED;

    r->write_event_handler(r);
}


/* the view, or why there is none */

static ngx_int_t
ngx_http_pprof_answer(ngx_http_request_t *r, ngx_http_pprof_ctx_t *ctx,
    ngx_http_pprof_job_t *job)
{
    ngx_http_pprof_render_t  *rd;

    ngx_chain_t              *out;

    rd = &job->rd;

    if (ctx->store) {
        ngx_http_pprof_capture_stored(r, ctx);
    }

    if (job->rc != NGX_OK) {
        return NGX_ERROR;
    }

    if (rd->status) {
        ctx->reason = rd->reason;
        return ngx_http_pprof_filter_fail(r, ctx, rd->status);
    }

    if (ngx_http_pprof_capture_headers(r, ctx) != NGX_OK) {
        return NGX_ERROR;
    }

    if (job->render) {
        ngx_http_pprof_reset_headers(r, NGX_HTTP_OK, rd->content_type,
                                     rd->size, rd->out);

        return ngx_http_pprof_send(r, ctx, rd->out);
    }

    /* raw, kept for the store: the bytes as they came */

    out = ngx_http_pprof_memory(r, rd->data, rd->len, NULL);
    if (out == NULL) {
        return NGX_ERROR;
    }

    out->buf->last_buf = 1;
    out->buf->last_in_chain = 1;

    r->headers_out.content_length_n = rd->len;

    if (r->headers_out.content_length) {
        r->headers_out.content_length->hash = 0;
        r->headers_out.content_length = NULL;
    }

    return ngx_http_pprof_send(r, ctx, out);
}


/*
 * A raw profile too large to keep: what was held goes out, the rest
 * streams after it, and nothing is stored.
 */

static ngx_int_t
ngx_http_pprof_unhold(ngx_http_request_t *r, ngx_http_pprof_ctx_t *ctx,
    ngx_chain_t *in)
{
    ngx_int_t     rc;
    ngx_chain_t  *cl;

    ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                  "pprof: the profile is larger than pprof_max_size (%uz): "
                  "passed on, not stored", ctx->body_max);

    ngx_http_pprof_capture_failed(r, ctx, 0);

    ctx->store = 0;
    ctx->phase = NGX_HTTP_PPROF_PASS;
    r->connection->buffered &= ~NGX_HTTP_PPROF_BUFFERED;

    rc = ngx_http_next_header_filter(r);

    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        return rc;
    }

    /* in the job's pool, which lives as long as the request */

    cl = ngx_http_pprof_memory(r, ctx->body, ctx->body_len, in);
    if (cl == NULL) {
        return NGX_ERROR;
    }

    return ngx_http_next_body_filter(r, cl);
}


/* bytes held in memory, as a link of an output chain */

static ngx_chain_t *
ngx_http_pprof_memory(ngx_http_request_t *r, u_char *data, size_t len,
    ngx_chain_t *next)
{
    ngx_buf_t    *b;
    ngx_chain_t  *cl;

    b = ngx_calloc_buf(r->pool);
    cl = ngx_alloc_chain_link(r->pool);
    if (b == NULL || cl == NULL) {
        return NULL;
    }

    b->pos = data;
    b->last = data + len;
    b->memory = (len != 0);

    cl->buf = b;
    cl->next = next;

    return cl;
}


/*
 * Answers with ctx->reason: from the header filter, from the body filter,
 * or from the upstream's finalization while the body was held back.
 */

ngx_int_t
ngx_http_pprof_filter_fail(ngx_http_request_t *r, ngx_http_pprof_ctx_t *ctx,
    ngx_uint_t status)
{
    ngx_chain_t  *out;

    /* those waiting for this capture are told the same */
    ngx_http_pprof_capture_failed(r, ctx, status);

    if (ngx_http_pprof_error(r, ctx, status, &out) != NGX_OK) {
        return NGX_ERROR;
    }

    return ngx_http_pprof_send(r, ctx, out);
}


static ngx_int_t
ngx_http_pprof_send(ngx_http_request_t *r, ngx_http_pprof_ctx_t *ctx,
    ngx_chain_t *out)
{
    ngx_int_t  rc;

    ctx->phase = NGX_HTTP_PPROF_DONE;
    r->connection->buffered &= ~NGX_HTTP_PPROF_BUFFERED;

    rc = ngx_http_next_header_filter(r);

    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        return rc;
    }

    return ngx_http_next_body_filter(r, out);
}
