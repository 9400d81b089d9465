
/*
 * Why a request failed, and how that is told.  Every failure, found by
 * the handler, the upstream or the filters, is one reason (ctx->reason)
 * and one status; ngx_http_pprof_error() turns them into the response
 * (a page for browsers, one line of text for the rest) and one error-log
 * line starting with "pprof:".  The APIServer's own refusals are read
 * here too, and explained with what to do about them.
 */


#include "ngx_http_pprof.h"


#define NGX_HTTP_PPROF_REASON_MAX  1024


static void ngx_http_pprof_quote(ngx_http_request_t *r,
    ngx_http_pprof_ctx_t *ctx, ngx_str_t *msg);
static char *ngx_http_pprof_status_text(ngx_uint_t status);


/*
 * Keeps why the request failed, in the request's pool whatever it was
 * made from; returns NGX_DECLINED so that a check can end with "return
 * ngx_http_pprof_reason(...)".
 */

ngx_int_t
ngx_http_pprof_reason(ngx_http_request_t *r, const char *fmt, ...)
{
    u_char                *p;
    va_list                args;
    ngx_http_pprof_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_pprof_module);

    p = ngx_pnalloc(r->pool, NGX_HTTP_PPROF_REASON_MAX);
    if (p == NULL) {
        return NGX_ERROR;
    }

    va_start(args, fmt);
    ctx->reason.len = ngx_vslprintf(p, p + NGX_HTTP_PPROF_REASON_MAX,
                                    fmt, args)
                      - p;
    va_end(args);

    ctx->reason.data = p;

    return NGX_DECLINED;
}


/*
 * The APIServer (or the profiler) said no: the reason says why and what
 * to do; returns the status the client gets.
 */

ngx_uint_t
ngx_http_pprof_upstream_reason(ngx_http_request_t *r,
    ngx_http_pprof_ctx_t *ctx)
{
    ngx_str_t                   msg;
    ngx_http_pprof_loc_conf_t  *plcf;

    plcf = ngx_http_get_module_loc_conf(r, ngx_http_pprof_module);

    ngx_http_pprof_quote(r, ctx, &msg);

    switch (ctx->upstream_status) {

    case NGX_HTTP_UNAUTHORIZED:
        ngx_http_pprof_token_recheck(plcf->token);
        (void) ngx_http_pprof_reason(r, "the APIServer rejected the "
                                     "ServiceAccount token (401 %V): it "
                                     "may have expired, or \"%V\" is the "
                                     "wrong token file", &msg,
                                     &plcf->token->path);
        return NGX_HTTP_BAD_GATEWAY;

    case NGX_HTTP_FORBIDDEN:

        /* a component reached through the APIServer's proxy */

        if (ctx->prefix.len > 8
            && ngx_strncmp(ctx->prefix.data, "/api/v1/", 8) == 0)
        {
            (void) ngx_http_pprof_reason(r, "the APIServer denied access "
                                         "(403): %V; the ServiceAccount "
                                         "needs a ClusterRole with "
                                         "resources [\"%s\"] and verbs "
                                         "[\"get\"]", &msg,
                                         ngx_strlcasestrn(ctx->prefix.data,
                                             ctx->prefix.data
                                             + ctx->prefix.len,
                                             (u_char *) "/pods/", 6 - 1)
                                         ? "pods/proxy" : "nodes/proxy");
            return NGX_HTTP_BAD_GATEWAY;
        }

        (void) ngx_http_pprof_reason(r, "the APIServer denied access "
                                     "(403): %V; the ServiceAccount needs "
                                     "a ClusterRole with nonResourceURLs "
                                     "[\"/debug/pprof/*\"] and verbs "
                                     "[\"get\"] (\"post\" for symbol)",
                                     &msg);
        return NGX_HTTP_BAD_GATEWAY;

    case NGX_HTTP_BAD_REQUEST:
    case NGX_HTTP_NOT_FOUND:
        (void) ngx_http_pprof_reason(r, "the profiler refused the request "
                                     "(%ui): %V", ctx->upstream_status,
                                     &msg);
        return ctx->upstream_status;

    default:
        (void) ngx_http_pprof_reason(r, "the APIServer answered %ui: %V",
                                     ctx->upstream_status, &msg);
        return NGX_HTTP_BAD_GATEWAY;
    }
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


/*
 * The one way a failure is answered: ctx->reason is logged (the client's
 * mistakes at info level, the rest as errors), then made into a page for
 * browsers or a line for everything else, headers set; the caller sends
 * *out.
 */

ngx_int_t
ngx_http_pprof_error(ngx_http_request_t *r, ngx_http_pprof_ctx_t *ctx,
    ngx_uint_t status, ngx_chain_t **out)
{
    char        *type;
    size_t       size;
    ngx_buf_t   *b;
    ngx_uint_t   level;
    u_char       title[64];

    if (!ctx->logged) {
        level = (status >= NGX_HTTP_INTERNAL_SERVER_ERROR) ? NGX_LOG_ERR
                                                           : NGX_LOG_INFO;

        ngx_log_error(level, r->connection->log, 0, "pprof: %V",
                      &ctx->reason);
        ctx->logged = 1;
    }

    if (ctx->query.html) {
        (void) ngx_snprintf(title, sizeof(title), "%ui %s%Z", status,
                            ngx_http_pprof_status_text(status));

        if (ngx_http_pprof_render_page(r->pool, (char *) title,
                                       &ctx->reason, ctx->again, out, &size)
            != NGX_OK)
        {
            return NGX_ERROR;
        }

        type = "text/html; charset=utf-8";

    } else {
        size = ctx->reason.len + 1;

        b = ngx_create_temp_buf(r->pool, size);
        if (b == NULL) {
            return NGX_ERROR;
        }

        b->last = ngx_cpymem(b->last, ctx->reason.data, ctx->reason.len);
        *b->last++ = LF;

        *out = ngx_alloc_chain_link(r->pool);
        if (*out == NULL) {
            return NGX_ERROR;
        }

        (*out)->buf = b;
        (*out)->next = NULL;

        type = "text/plain; charset=utf-8";
    }

    ngx_http_pprof_reset_headers(r, status, type, size, *out);

    return NGX_OK;
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
