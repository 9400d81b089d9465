
/*
 * The request to the APIServer: an HTTP/1.1 GET (POST for symbol) of the
 * pprof prefix plus an allowlisted profile name, with the ServiceAccount
 * token, over the event-driven upstream machinery (keepalive, upstream{}
 * blocks, TLS).  The response is parsed here; what reaches the client is
 * decided by the filters in ngx_http_pprof_filter.c.
 */


#include "ngx_http_pprof.h"


static ngx_int_t ngx_http_pprof_create_request(ngx_http_request_t *r);
static ngx_int_t ngx_http_pprof_reinit_request(ngx_http_request_t *r);
static ngx_int_t ngx_http_pprof_process_status_line(ngx_http_request_t *r);
static ngx_int_t ngx_http_pprof_process_header(ngx_http_request_t *r);
static ngx_int_t ngx_http_pprof_input_filter_init(void *data);
static ngx_int_t ngx_http_pprof_copy_filter(void *data, ssize_t bytes);
static ngx_int_t ngx_http_pprof_chunked_filter(void *data, ssize_t bytes);
static void ngx_http_pprof_abort_request(ngx_http_request_t *r);
static void ngx_http_pprof_finalize_request(ngx_http_request_t *r,
    ngx_int_t rc);
static ngx_chain_t *ngx_http_pprof_append_buf(ngx_http_request_t *r,
    ngx_http_upstream_t *u, u_char *pos, u_char *last);


ngx_int_t
ngx_http_pprof_upstream_start(ngx_http_request_t *r,
    ngx_http_pprof_ctx_t *ctx)
{
    ngx_int_t                   rc;
    ngx_http_upstream_t        *u;
    ngx_http_pprof_loc_conf_t  *plcf;

    plcf = ngx_http_get_module_loc_conf(r, ngx_http_pprof_module);

    if (plcf->token->token.len == 0) {
        (void) ngx_http_pprof_reason(r, "no ServiceAccount token: the token "
                                     "file \"%V\" is missing, empty or "
                                     "invalid (see the error log)",
                                     &plcf->token->path);
        return ngx_http_pprof_refuse(r, NGX_HTTP_BAD_GATEWAY);
    }

    if (ngx_http_upstream_create(r) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    u = r->upstream;
    ctx->started = ngx_current_msec;

    ngx_str_set(&u->schema, "https://");
    u->ssl = 1;
    u->output.tag = (ngx_buf_tag_t) &ngx_http_pprof_module;
    /* a capture for the store goes on if its client leaves */
    u->conf = ctx->store ? &plcf->upstream_store : &plcf->upstream;

    u->create_request = ngx_http_pprof_create_request;
    u->reinit_request = ngx_http_pprof_reinit_request;
    u->process_header = ngx_http_pprof_process_status_line;
    u->abort_request = ngx_http_pprof_abort_request;
    u->finalize_request = ngx_http_pprof_finalize_request;

    u->input_filter_init = ngx_http_pprof_input_filter_init;
    u->input_filter = ngx_http_pprof_copy_filter;
    u->input_filter_ctx = r;

    if (r->method & NGX_HTTP_POST) {
        r->request_body_in_single_buf = 1;

        rc = ngx_http_read_client_request_body(r, ngx_http_upstream_init);

        if (rc >= NGX_HTTP_SPECIAL_RESPONSE) {
            return rc;
        }

        return NGX_DONE;
    }

    rc = ngx_http_discard_request_body(r);

    if (rc != NGX_OK) {
        return rc;
    }

    r->main->count++;

    ngx_http_upstream_init(r);

    return NGX_DONE;
}


static ngx_int_t
ngx_http_pprof_create_request(ngx_http_request_t *r)
{
    size_t                      len;
    off_t                       body_len;
    ngx_buf_t                  *b;
    ngx_chain_t                *cl, *body, **ll;
    ngx_http_pprof_ctx_t       *ctx;
    ngx_http_pprof_loc_conf_t  *plcf;

    static ngx_str_t  get = ngx_string("GET ");
    static ngx_str_t  post = ngx_string("POST ");

    ctx = ngx_http_get_module_ctx(r, ngx_http_pprof_module);
    plcf = ngx_http_get_module_loc_conf(r, ngx_http_pprof_module);

    /* the token may have rotated since the request arrived */

    if (plcf->token->token.len == 0) {
        (void) ngx_http_pprof_reason(r, "no ServiceAccount token: the "
                                     "token file \"%V\" cannot be read",
                                     &plcf->token->path);
        return NGX_ERROR;
    }

    body_len = 0;

    if (r->method & NGX_HTTP_POST && r->request_body) {
        for (body = r->request_body->bufs; body; body = body->next) {
            body_len += ngx_buf_size(body->buf);
        }
    }

    len = post.len + ctx->prefix.len + ctx->query.name.len
          + 1 + ctx->query.args.len + sizeof(" HTTP/1.1" CRLF) - 1
          + sizeof("Host: ") - 1 + plcf->host_header.len + 2
          + sizeof("Authorization: Bearer ") - 1 + plcf->token->token.len + 2
          + sizeof("User-Agent: ngx_http_pprof_module" CRLF) - 1
          + sizeof("Content-Length: ") - 1 + NGX_OFF_T_LEN + 2
          + 2;

    b = ngx_create_temp_buf(r->pool, len);
    if (b == NULL) {
        return NGX_ERROR;
    }

    if (r->method & NGX_HTTP_POST) {
        b->last = ngx_copy(b->last, post.data, post.len);

    } else {
        b->last = ngx_copy(b->last, get.data, get.len);
    }

    b->last = ngx_copy(b->last, ctx->prefix.data, ctx->prefix.len);
    b->last = ngx_copy(b->last, ctx->query.name.data, ctx->query.name.len);

    if (ctx->query.args.len) {
        *b->last++ = '?';
        b->last = ngx_copy(b->last, ctx->query.args.data,
                           ctx->query.args.len);
    }

    b->last = ngx_cpymem(b->last, " HTTP/1.1" CRLF "Host: ",
                         sizeof(" HTTP/1.1" CRLF "Host: ") - 1);
    b->last = ngx_copy(b->last, plcf->host_header.data,
                       plcf->host_header.len);
    b->last = ngx_cpymem(b->last, CRLF "Authorization: Bearer ",
                         sizeof(CRLF "Authorization: Bearer ") - 1);
    b->last = ngx_copy(b->last, plcf->token->token.data,
                       plcf->token->token.len);
    b->last = ngx_cpymem(b->last,
                         CRLF "User-Agent: ngx_http_pprof_module" CRLF,
                         sizeof(CRLF "User-Agent: ngx_http_pprof_module"
                                CRLF) - 1);

    if (r->method & NGX_HTTP_POST) {
        b->last = ngx_sprintf(b->last, "Content-Length: %O" CRLF, body_len);
    }

    *b->last++ = CR; *b->last++ = LF;

    cl = ngx_alloc_chain_link(r->pool);
    if (cl == NULL) {
        return NGX_ERROR;
    }

    cl->buf = b;
    r->upstream->request_bufs = cl;
    ll = &cl->next;

    if (body_len) {
        for (body = r->request_body->bufs; body; body = body->next) {
            b = ngx_alloc_buf(r->pool);
            if (b == NULL) {
                return NGX_ERROR;
            }

            ngx_memcpy(b, body->buf, sizeof(ngx_buf_t));

            cl = ngx_alloc_chain_link(r->pool);
            if (cl == NULL) {
                return NGX_ERROR;
            }

            cl->buf = b;
            *ll = cl;
            ll = &cl->next;
        }
    }

    *ll = NULL;

    /*
     * Upstream TLS connections buffer what is written: without a flush
     * the request can sit in the SSL buffer of a kept-alive connection,
     * which gets no further write event (proxy_pass flushes the same way).
     */
    b->flush = 1;

    /* the request holds the token: say what it is, never what it says */

    ngx_log_debug3(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "pprof: upstream request \"%V%V?%V\"",
                   &ctx->prefix, &ctx->query.name, &ctx->query.args);

    return NGX_OK;
}


static ngx_int_t
ngx_http_pprof_reinit_request(ngx_http_request_t *r)
{
    ngx_http_pprof_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_pprof_module);

    ngx_memzero(&ctx->status, sizeof(ngx_http_status_t));
    ngx_memzero(&ctx->chunked, sizeof(ngx_http_chunked_t));

    r->upstream->process_header = ngx_http_pprof_process_status_line;
    r->upstream->input_filter = ngx_http_pprof_copy_filter;
    r->state = 0;

    return NGX_OK;
}


static ngx_int_t
ngx_http_pprof_process_status_line(ngx_http_request_t *r)
{
    size_t                 len;
    ngx_int_t              rc;
    ngx_http_upstream_t   *u;
    ngx_http_pprof_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_pprof_module);
    u = r->upstream;

    rc = ngx_http_parse_status_line(r, &u->buffer, &ctx->status);

    if (rc == NGX_AGAIN) {
        return rc;
    }

    if (rc == NGX_ERROR) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "pprof: upstream sent no valid HTTP/1.x status line");
        (void) ngx_http_pprof_reason(r, "the APIServer did not answer "
                                     "with a valid HTTP status line");
        return NGX_HTTP_UPSTREAM_INVALID_HEADER;
    }

    if (u->state && u->state->status == 0) {
        u->state->status = ctx->status.code;
    }

    u->headers_in.status_n = ctx->status.code;

    len = ctx->status.end - ctx->status.start;
    u->headers_in.status_line.len = len;

    u->headers_in.status_line.data = ngx_pnalloc(r->pool, len);
    if (u->headers_in.status_line.data == NULL) {
        return NGX_ERROR;
    }

    ngx_memcpy(u->headers_in.status_line.data, ctx->status.start, len);

    if (ctx->status.http_version < NGX_HTTP_VERSION_11) {
        u->headers_in.connection_close = 1;
    }

    u->process_header = ngx_http_pprof_process_header;

    return ngx_http_pprof_process_header(r);
}


static ngx_int_t
ngx_http_pprof_process_header(ngx_http_request_t *r)
{
    ngx_int_t                       rc;
    ngx_table_elt_t                *h;
    ngx_http_upstream_t            *u;
    ngx_http_upstream_header_t     *hh;
    ngx_http_upstream_main_conf_t  *umcf;

    umcf = ngx_http_get_module_main_conf(r, ngx_http_upstream_module);
    u = r->upstream;

    for ( ;; ) {

        rc = ngx_http_parse_header_line(r, &u->buffer, 1);

        if (rc == NGX_OK) {

            h = ngx_list_push(&u->headers_in.headers);
            if (h == NULL) {
                return NGX_ERROR;
            }

            h->hash = r->header_hash;

            h->key.len = r->header_name_end - r->header_name_start;
            h->value.len = r->header_end - r->header_start;

            h->key.data = ngx_pnalloc(r->pool,
                               h->key.len + 1 + h->value.len + 1 + h->key.len);
            if (h->key.data == NULL) {
                h->hash = 0;
                return NGX_ERROR;
            }

            h->value.data = h->key.data + h->key.len + 1;
            h->lowcase_key = h->key.data + h->key.len + 1 + h->value.len + 1;

            ngx_memcpy(h->key.data, r->header_name_start, h->key.len);
            h->key.data[h->key.len] = '\0';
            ngx_memcpy(h->value.data, r->header_start, h->value.len);
            h->value.data[h->value.len] = '\0';

            if (h->key.len == r->lowcase_index) {
                ngx_memcpy(h->lowcase_key, r->lowcase_header, h->key.len);

            } else {
                ngx_strlow(h->lowcase_key, h->key.data, h->key.len);
            }

            hh = ngx_hash_find(&umcf->headers_in_hash, h->hash,
                               h->lowcase_key, h->key.len);

            if (hh && hh->handler(r, h, hh->offset) != NGX_OK) {
                return NGX_ERROR;
            }

            continue;
        }

        if (rc == NGX_HTTP_PARSE_HEADER_DONE) {

            if (u->headers_in.chunked) {
                u->headers_in.content_length_n = -1;
            }

            if (u->headers_in.status_n == NGX_HTTP_NO_CONTENT
                || u->headers_in.status_n == NGX_HTTP_NOT_MODIFIED
                || (!u->headers_in.chunked
                    && u->headers_in.content_length_n == 0))
            {
                u->keepalive = !u->headers_in.connection_close;
            }

            return NGX_OK;
        }

        if (rc == NGX_AGAIN) {
            return NGX_AGAIN;
        }

        /* rc == NGX_HTTP_PARSE_INVALID_HEADER */

        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "pprof: upstream sent an invalid header line");

        (void) ngx_http_pprof_reason(r, "the APIServer sent an invalid "
                                     "response header");

        return NGX_HTTP_UPSTREAM_INVALID_HEADER;
    }
}


static ngx_int_t
ngx_http_pprof_input_filter_init(void *data)
{
    ngx_http_request_t  *r = data;

    ngx_http_upstream_t  *u;

    u = r->upstream;

    if (u->headers_in.status_n == NGX_HTTP_NO_CONTENT
        || u->headers_in.status_n == NGX_HTTP_NOT_MODIFIED
        || (!u->headers_in.chunked && u->headers_in.content_length_n == 0))
    {
        u->length = 0;
        u->keepalive = !u->headers_in.connection_close;

    } else if (u->headers_in.chunked) {
        u->input_filter = ngx_http_pprof_chunked_filter;
        u->length = 1;

    } else {
        /* content length, or until the connection closes (-1) */
        u->length = u->headers_in.content_length_n;
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_pprof_copy_filter(void *data, ssize_t bytes)
{
    ngx_http_request_t  *r = data;

    u_char               *pos, *last;
    ngx_http_upstream_t  *u;

    u = r->upstream;

    if (u->length == 0) {
        ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                      "pprof: upstream sent more data than specified in "
                      "\"Content-Length\" header");
        u->keepalive = 0;
        return NGX_OK;
    }

    pos = u->buffer.last;
    u->buffer.last += bytes;
    last = u->buffer.last;

    if (u->length != -1 && bytes > u->length) {
        ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                      "pprof: upstream sent more data than specified in "
                      "\"Content-Length\" header");
        last = pos + u->length;
    }

    if (ngx_http_pprof_append_buf(r, u, pos, last) == NULL) {
        return NGX_ERROR;
    }

    if (u->length == -1) {
        return NGX_OK;
    }

    u->length -= last - pos;

    if (u->length == 0) {
        u->keepalive = !u->headers_in.connection_close;
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_pprof_chunked_filter(void *data, ssize_t bytes)
{
    ngx_http_request_t  *r = data;

    u_char                *pos;
    ngx_int_t              rc;
    ngx_buf_t             *buf;
    ngx_http_upstream_t   *u;
    ngx_http_pprof_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_pprof_module);
    u = r->upstream;
    buf = &u->buffer;

    buf->pos = buf->last;
    buf->last += bytes;

    for ( ;; ) {

        rc = ngx_http_parse_chunked(r, buf, &ctx->chunked);

        if (rc == NGX_OK) {

            pos = buf->pos;

            if (buf->last - buf->pos >= ctx->chunked.size) {
                buf->pos += (size_t) ctx->chunked.size;
                ctx->chunked.size = 0;

            } else {
                ctx->chunked.size -= buf->last - buf->pos;
                buf->pos = buf->last;
            }

            if (ngx_http_pprof_append_buf(r, u, pos, buf->pos) == NULL) {
                return NGX_ERROR;
            }

            continue;
        }

        if (rc == NGX_DONE) {

            u->keepalive = !u->headers_in.connection_close;
            u->length = 0;

            if (buf->pos != buf->last) {
                ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                              "pprof: upstream sent data after final chunk");
                u->keepalive = 0;
            }

            break;
        }

        if (rc == NGX_AGAIN) {
            break;
        }

        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "pprof: upstream sent invalid chunked response");

        (void) ngx_http_pprof_reason(r, "the APIServer sent an invalid "
                                     "chunked body");

        return NGX_ERROR;
    }

    return NGX_OK;
}


static ngx_chain_t *
ngx_http_pprof_append_buf(ngx_http_request_t *r, ngx_http_upstream_t *u,
    u_char *pos, u_char *last)
{
    ngx_buf_t    *b;
    ngx_chain_t  *cl, **ll;

    for (cl = u->out_bufs, ll = &u->out_bufs; cl; cl = cl->next) {
        ll = &cl->next;
    }

    cl = ngx_chain_get_free_buf(r->pool, &u->free_bufs);
    if (cl == NULL) {
        return NULL;
    }

    *ll = cl;

    b = cl->buf;

    b->flush = 1;
    b->memory = 1;
    b->pos = pos;
    b->last = last;
    b->tag = u->output.tag;

    return cl;
}


static void
ngx_http_pprof_abort_request(ngx_http_request_t *r)
{
    ngx_log_debug0(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "pprof: abort upstream request");
}


/*
 * Called before nginx closes the upstream connection: the only moment to
 * tell a refused connection from a failed TLS verification from a
 * timeout, so the page can say which.
 */

static void
ngx_http_pprof_finalize_request(ngx_http_request_t *r, ngx_int_t rc)
{
    long                   verify;
    ngx_connection_t      *c;
    ngx_http_upstream_t   *u;
    ngx_http_pprof_ctx_t  *ctx;

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "pprof: finalize upstream request %i", rc);

    if (rc != NGX_HTTP_BAD_GATEWAY && rc != NGX_HTTP_GATEWAY_TIME_OUT) {
        return;
    }

    ctx = ngx_http_get_module_ctx(r, ngx_http_pprof_module);
    u = r->upstream;
    c = u->peer.connection;

    if (ctx->reason.len == 0) {

        if (c == NULL) {
            (void) ngx_http_pprof_reason(r, "no APIServer address to "
                                         "connect to");

        } else if (u->state && u->state->connect_time == (ngx_msec_t) -1) {

            if (c->ssl == NULL) {
                (void) ngx_http_pprof_reason(r,
                    rc == NGX_HTTP_GATEWAY_TIME_OUT
                    ? "connecting to the APIServer at %V timed out"
                    : "cannot connect to the APIServer at %V: refused "
                      "or unreachable", u->peer.name);

            } else if (rc == NGX_HTTP_GATEWAY_TIME_OUT) {
                (void) ngx_http_pprof_reason(r, "the TLS handshake with "
                                             "the APIServer at %V timed out",
                                             u->peer.name);

            } else {
                verify = SSL_get_verify_result(c->ssl->connection);

                if (verify != X509_V_OK) {
                    (void) ngx_http_pprof_reason(r,
                        "the APIServer at %V failed TLS verification: "
                        "%s (%l); check pprof_trusted_certificate and "
                        "pprof_ssl_name", u->peer.name,
                        X509_verify_cert_error_string(verify), verify);

                } else {
                    (void) ngx_http_pprof_reason(r, "the TLS handshake "
                                                 "with the APIServer at %V "
                                                 "failed", u->peer.name);
                }
            }

        } else if (u->buffer.start && u->buffer.last == u->buffer.end) {
            (void) ngx_http_pprof_reason(r, "the APIServer sent a "
                                         "response header too large to "
                                         "accept");

        } else if (rc == NGX_HTTP_GATEWAY_TIME_OUT) {
            (void) ngx_http_pprof_reason(r, "the APIServer did not "
                                         "answer within pprof_read_timeout "
                                         "(%Mms)", u->conf->read_timeout);

        } else {
            (void) ngx_http_pprof_reason(r, "the APIServer closed the "
                                         "connection before the response "
                                         "was complete");
        }
    }

    /*
     * logged now: an error_page of the user's may answer instead of ours
     */

    ngx_log_error(NGX_LOG_ERR, r->connection->log, 0, "pprof: %V",
                  &ctx->reason);
    ctx->logged = 1;

    /* the body was being held back: nothing reached the client yet */

    if (ctx->phase == NGX_HTTP_PPROF_COLLECT) {
        (void) ngx_http_pprof_filter_fail(r, ctx, rc);
    }
}
