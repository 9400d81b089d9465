
/*
 * The headers of the responses the gateway makes itself (views, error
 * pages, downloads): they replace what the APIServer or nginx had set.
 */


#include "ngx_http_pprof.h"


/*
 * A response of ours replaces whatever the APIServer or nginx had set:
 * the upstream's framing, disposition and pprof headers no longer apply.
 */

void
ngx_http_pprof_reset_headers(ngx_http_request_t *r, ngx_uint_t status,
    const char *type, size_t len, ngx_chain_t *out)
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


/*
 * "kubernetes.default.svc-heap-20261123T153000Z.pb.gz"; a target named by
 * variables adds their values: "kubernetes.default.svc-node-1-heap-..."
 */

ngx_int_t
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

    len = sizeof("attachment; filename=\"--delta-YYYYmmddTHHMMSSZ.trace\"")
          + plcf->target.len + ctx->target_label.len + ctx->query.name.len;

    value.data = ngx_pnalloc(r->pool, len);
    if (value.data == NULL) {
        return NGX_ERROR;
    }

    ngx_gmtime(ngx_time(), &tm);

    value.len = ngx_sprintf(value.data, "attachment; filename=\"%V%s%V-%V%s-"
                            "%4d%02d%02dT%02d%02d%02dZ.%s\"",
                            &plcf->target,
                            ctx->target_label.len ? "-" : "",
                            &ctx->target_label, &ctx->query.name,
                            ctx->query.delta ? "-delta" : "",
                            tm.ngx_tm_year, tm.ngx_tm_mon, tm.ngx_tm_mday,
                            tm.ngx_tm_hour, tm.ngx_tm_min, tm.ngx_tm_sec,
                            ext)
                - value.data;

    return ngx_http_pprof_add_header(r, "Content-Disposition", &value);
}
