
/*
 * Targets named by variables: "pprof_pass https://APISERVER/api/v1/nodes/
 * $node/proxy/debug/pprof/".  The host is literal, so the token only ever
 * goes to the configured APIServer; the path is compiled at configuration
 * time into literal parts and variables, and evaluated per request.  Each
 * variable's value must be a Kubernetes name (DNS-1123 subdomain), or a
 * port number where it follows ":", so that no value can add a path
 * segment, a query, an escape or another host: anything else is 400
 * before the APIServer is contacted.
 */


#include "ngx_http_pprof.h"


/* Kubernetes' limits: a DNS-1123 subdomain, its labels */
#define NGX_HTTP_PPROF_NAME_MAX   253
#define NGX_HTTP_PPROF_LABEL_MAX  63


typedef struct {
    ngx_str_t                  text;          /* literal; or the name */
    ngx_int_t                  index;         /* NGX_ERROR: literal */
    unsigned                   port:1;        /* a variable in ":$v/" */
} ngx_http_pprof_target_part_t;


static ngx_int_t ngx_http_pprof_target_add(ngx_conf_t *cf, ngx_array_t *a,
    u_char *start, u_char *end, ngx_int_t index);


/*
 * The path of pprof_pass, if it has variables: plcf->target_parts.  The
 * checks of a plain prefix (a path ending with "/", no "?", "#", "%" or
 * dot segment) apply to its literal text.
 */

char *
ngx_http_pprof_target_compile(ngx_conf_t *cf, ngx_http_pprof_loc_conf_t *plcf,
    ngx_str_t *path)
{
    u_char                        *p, *last, *start, *name;
    ngx_str_t                      var;
    ngx_int_t                      index;
    ngx_uint_t                     i;
    ngx_array_t                   *parts;
    ngx_http_pprof_target_part_t  *part;

    last = path->data + path->len;

    if (ngx_strlchr(path->data, last, '$') == NULL) {
        return NGX_CONF_OK;
    }

    parts = ngx_array_create(cf->pool, 4,
                             sizeof(ngx_http_pprof_target_part_t));
    if (parts == NULL) {
        return NGX_CONF_ERROR;
    }

    start = path->data;

    for (p = path->data; p < last; /* void */) {

        if (*p != '$') {
            p++;
            continue;
        }

        if (ngx_http_pprof_target_add(cf, parts, start, p, NGX_ERROR)
            != NGX_OK)
        {
            return NGX_CONF_ERROR;
        }

        p++;

        if (p < last && *p == '{') {
            name = ++p;

            while (p < last && *p != '}') {
                p++;
            }

            if (p == last) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "\"pprof_pass\": the variable name "
                                   "after \"${\" has no \"}\"");
                return NGX_CONF_ERROR;
            }

            var.data = name;
            var.len = p++ - name;

        } else {
            name = p;

            while (p < last
                   && ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')
                       || (*p >= '0' && *p <= '9') || *p == '_'))
            {
                p++;
            }

            var.data = name;
            var.len = p - name;
        }

        if (var.len == 0) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "\"pprof_pass\": \"$\" without a variable "
                               "name in \"%V\"", path);
            return NGX_CONF_ERROR;
        }

        if (var.data[0] >= '0' && var.data[0] <= '9') {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "\"pprof_pass\": \"$%V\": numbered captures "
                               "are not supported, name them in the "
                               "location's regex: (?<name>...)", &var);
            return NGX_CONF_ERROR;
        }

        index = ngx_http_get_variable_index(cf, &var);
        if (index == NGX_ERROR) {
            return NGX_CONF_ERROR;
        }

        if (ngx_http_pprof_target_add(cf, parts, var.data,
                                      var.data + var.len, index)
            != NGX_OK)
        {
            return NGX_CONF_ERROR;
        }

        start = p;
    }

    if (ngx_http_pprof_target_add(cf, parts, start, last, NGX_ERROR)
        != NGX_OK)
    {
        return NGX_CONF_ERROR;
    }

    /*
     * "$pod:$port/", "https:$pod:$port/": a variable between a literal
     * ":" and a literal "/" is a port
     */

    part = parts->elts;

    for (i = 1; i + 1 < parts->nelts; i++) {
        part[i].port = (part[i].index != NGX_ERROR
                        && part[i - 1].index == NGX_ERROR
                        && part[i - 1].text.data[part[i - 1].text.len - 1]
                           == ':'
                        && part[i + 1].index == NGX_ERROR
                        && part[i + 1].text.data[0] == '/');
    }

    plcf->target_parts = parts;

    return NGX_CONF_OK;
}


static ngx_int_t
ngx_http_pprof_target_add(ngx_conf_t *cf, ngx_array_t *a, u_char *start,
    u_char *end, ngx_int_t index)
{
    ngx_http_pprof_target_part_t  *part;

    if (start == end) {
        return NGX_OK;
    }

    part = ngx_array_push(a);
    if (part == NULL) {
        return NGX_ERROR;
    }

    part->text.data = start;
    part->text.len = end - start;
    part->index = index;
    part->port = 0;

    return NGX_OK;
}


/*
 * The request's upstream prefix (ctx->prefix) and the values that made
 * it, joined by "-" for file names (ctx->target_label).  NGX_DECLINED
 * with the reason when a value is not allowed; NGX_ERROR: no memory.
 */

ngx_int_t
ngx_http_pprof_target_eval(ngx_http_request_t *r, ngx_http_pprof_ctx_t *ctx)
{
    u_char                         *p, *q;
    size_t                          len, label;
    ngx_int_t                       bad;
    ngx_str_t                       value;
    ngx_uint_t                      i;
    const char                     *why, *must;
    ngx_http_variable_value_t     **values;
    ngx_http_pprof_loc_conf_t      *plcf;
    ngx_http_pprof_target_part_t   *part;

    plcf = ngx_http_get_module_loc_conf(r, ngx_http_pprof_module);

    if (plcf->target_parts == NULL) {
        ctx->prefix = plcf->prefix;
        return NGX_OK;
    }

    part = plcf->target_parts->elts;

    values = ngx_pcalloc(r->pool, plcf->target_parts->nelts
                                  * sizeof(ngx_http_variable_value_t *));
    if (values == NULL) {
        return NGX_ERROR;
    }

    len = 0;
    label = 0;

    for (i = 0; i < plcf->target_parts->nelts; i++) {

        if (part[i].index == NGX_ERROR) {
            len += part[i].text.len;
            continue;
        }

        values[i] = ngx_http_get_indexed_variable(r, part[i].index);

        if (values[i] == NULL || values[i]->not_found) {
            ngx_str_null(&value);

        } else {
            value.data = values[i]->data;
            value.len = values[i]->len;
        }

        why = ngx_http_pprof_target_check(&value, part[i].port, &bad);

        if (why) {
            must = part[i].port ? "must be a port number, 1 to 65535"
                                : "must be a Kubernetes name: lowercase "
                                  "letters, digits, \"-\" and \".\", at "
                                  "most 253";

            if (bad > 0x20 && bad < 0x7f) {
                return ngx_http_pprof_reason(r, "the value of \"$%V\" %s: "
                                             "it %s (\"%c\")", &part[i].text,
                                             must, why, (int) bad);
            }

            if (bad >= 0) {
                return ngx_http_pprof_reason(r, "the value of \"$%V\" %s: "
                                             "it %s (byte 0x%02xd)",
                                             &part[i].text, must, why,
                                             (int) bad);
            }

            return ngx_http_pprof_reason(r, "the value of \"$%V\" %s: it %s",
                                         &part[i].text, must, why);
        }

        len += value.len;
        label += value.len + 1;
    }

    p = ngx_pnalloc(r->pool, len + label);
    if (p == NULL) {
        return NGX_ERROR;
    }

    ctx->prefix.data = p;
    ctx->target_label.data = p + len;
    q = ctx->target_label.data;

    for (i = 0; i < plcf->target_parts->nelts; i++) {

        if (part[i].index == NGX_ERROR) {
            p = ngx_copy(p, part[i].text.data, part[i].text.len);
            continue;
        }

        p = ngx_copy(p, values[i]->data, values[i]->len);

        if (q != ctx->target_label.data) {
            *q++ = '-';
        }

        q = ngx_copy(q, values[i]->data, values[i]->len);
    }

    ctx->prefix.len = len;
    ctx->target_label.len = q - ctx->target_label.data;

    return NGX_OK;
}


/*
 * NULL: the value is a DNS-1123 subdomain, as Kubernetes names nodes,
 * pods and namespaces (or, port: 1..65535, no leading zero); otherwise
 * what is wrong with it, and *bad the byte that is (-1: none).  Replica
 * names (cache.c) are checked the same way.
 */

const char *
ngx_http_pprof_target_check(ngx_str_t *value, ngx_uint_t port, ngx_int_t *bad)
{
    u_char      *p, *last, *label;
    ngx_uint_t   n;

    *bad = -1;

    if (value->len == 0) {
        return "is empty";
    }

    last = value->data + value->len;

    if (port) {
        if (value->len > 5) {
            return "is too long";
        }

        n = 0;

        for (p = value->data; p < last; p++) {
            if (*p < '0' || *p > '9') {
                *bad = *p;
                return "holds something other than digits";
            }

            n = n * 10 + (*p - '0');
        }

        if (n == 0 || n > 65535 || value->data[0] == '0') {
            return "is out of range";
        }

        return NULL;
    }

    if (value->len > NGX_HTTP_PPROF_NAME_MAX) {
        return "is longer than 253 characters";
    }

    label = value->data;

    for (p = value->data; p < last; p++) {

        if ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')) {
            continue;
        }

        if (*p == '-') {
            if (p == label || p + 1 == last || p[1] == '.') {
                *bad = *p;
                return "has a \"-\" at the start or end of a label";
            }

            continue;
        }

        if (*p == '.') {
            if (p == label || p + 1 == last) {
                *bad = *p;
                return "has an empty label: \"..\", or \".\" first or last";
            }

            if (p - label > NGX_HTTP_PPROF_LABEL_MAX) {
                return "has a label longer than 63 characters";
            }

            label = p + 1;
            continue;
        }

        *bad = *p;

        return (*p >= 'A' && *p <= 'Z') ? "holds an uppercase letter"
                                        : "holds a character not allowed";
    }

    if (p - label > NGX_HTTP_PPROF_LABEL_MAX) {
        return "has a label longer than 63 characters";
    }

    return NULL;
}
