
/*
 * The content handler: what may be asked, and how it is shown.  One place
 * decides the allowlist of profile names and arguments and the view, so
 * nothing a client sends reaches the APIServer unless it is listed here:
 * the upstream path is a configured prefix plus a name from the table
 * below, and the upstream arguments are rebuilt from validated values.
 */


#include "ngx_http_pprof.h"


#define NGX_HTTP_PPROF_PROFILE    0x01   /* a profile.proto: renderable */
#define NGX_HTTP_PPROF_DELTA      0x02   /* seconds= gives a delta */
#define NGX_HTTP_PPROF_CAPTURE    0x04   /* seconds= is a capture length */
#define NGX_HTTP_PPROF_FRACTION   0x08   /* seconds= may be fractional */
#define NGX_HTTP_PPROF_DEBUG      0x10   /* debug=N gives text */
#define NGX_HTTP_PPROF_GC         0x20   /* gc=1 runs a GC first */
#define NGX_HTTP_PPROF_POST       0x40   /* POST allowed */
#define NGX_HTTP_PPROF_DOWNLOAD   0x80   /* binary: a file to save */
#define NGX_HTTP_PPROF_GOROUTINES 0x100  /* the goroutines view first */
#define NGX_HTTP_PPROF_STORE      0x200  /* kept by the capture store */
#define NGX_HTTP_PPROF_INDEX      0x400  /* browsers get our own page */

/* a profile's bit in pprof_allow's mask: its place in the table */
#define ngx_http_pprof_profile_bit(pr)                                       \
    ((ngx_uint_t) 1 << ((pr) - ngx_http_pprof_profiles))

#define NGX_HTTP_PPROF_HTML_NODECOUNT  100
#define NGX_HTTP_PPROF_ARG_MAX         1024
#define NGX_HTTP_PPROF_POST_MAX        16384


typedef struct {
    ngx_str_t                  name;          /* NUL-terminated too */
    ngx_uint_t                 flags;
    char                      *description;   /* for the index */
} ngx_http_pprof_profile_t;


/*
 * net/http/pprof's endpoints; nothing else is ever forwarded.  The
 * descriptions are its index's (Go 1.19), symbol's its doc comment's.
 */

static ngx_http_pprof_profile_t  ngx_http_pprof_profiles[] = {

    { ngx_string(""), NGX_HTTP_PPROF_INDEX, NULL },

    { ngx_string("allocs"),
      NGX_HTTP_PPROF_PROFILE|NGX_HTTP_PPROF_DELTA|NGX_HTTP_PPROF_DEBUG
      |NGX_HTTP_PPROF_DOWNLOAD|NGX_HTTP_PPROF_STORE,
      "A sampling of all past memory allocations" },

    { ngx_string("block"),
      NGX_HTTP_PPROF_PROFILE|NGX_HTTP_PPROF_DELTA|NGX_HTTP_PPROF_DEBUG
      |NGX_HTTP_PPROF_DOWNLOAD|NGX_HTTP_PPROF_STORE,
      "Stack traces that led to blocking on synchronization primitives" },

    { ngx_string("cmdline"), 0,
      "The command line invocation of the current program" },

    { ngx_string("goroutine"),
      NGX_HTTP_PPROF_PROFILE|NGX_HTTP_PPROF_DELTA|NGX_HTTP_PPROF_DEBUG
      |NGX_HTTP_PPROF_DOWNLOAD|NGX_HTTP_PPROF_GOROUTINES
      |NGX_HTTP_PPROF_STORE,
      "Stack traces of all current goroutines" },

    { ngx_string("heap"),
      NGX_HTTP_PPROF_PROFILE|NGX_HTTP_PPROF_DELTA|NGX_HTTP_PPROF_DEBUG
      |NGX_HTTP_PPROF_GC|NGX_HTTP_PPROF_DOWNLOAD|NGX_HTTP_PPROF_STORE,
      "A sampling of memory allocations of live objects. You can specify "
      "the gc GET parameter to run GC before taking the heap sample." },

    { ngx_string("mutex"),
      NGX_HTTP_PPROF_PROFILE|NGX_HTTP_PPROF_DELTA|NGX_HTTP_PPROF_DEBUG
      |NGX_HTTP_PPROF_DOWNLOAD|NGX_HTTP_PPROF_STORE,
      "Stack traces of holders of contended mutexes" },

    { ngx_string("profile"),
      NGX_HTTP_PPROF_PROFILE|NGX_HTTP_PPROF_CAPTURE|NGX_HTTP_PPROF_DOWNLOAD
      |NGX_HTTP_PPROF_STORE,
      "CPU profile. You can specify the duration in the seconds GET "
      "parameter. After you get the profile file, use the go tool pprof "
      "command to investigate the profile." },

    { ngx_string("symbol"), NGX_HTTP_PPROF_POST,
      "Looks up the program counters listed in the request, responding "
      "with a table mapping program counter to function name." },

    { ngx_string("threadcreate"),
      NGX_HTTP_PPROF_PROFILE|NGX_HTTP_PPROF_DELTA|NGX_HTTP_PPROF_DEBUG
      |NGX_HTTP_PPROF_DOWNLOAD|NGX_HTTP_PPROF_STORE,
      "Stack traces that led to the creation of new OS threads" },

    { ngx_string("trace"),
      NGX_HTTP_PPROF_CAPTURE|NGX_HTTP_PPROF_FRACTION
      |NGX_HTTP_PPROF_DOWNLOAD|NGX_HTTP_PPROF_STORE,
      "A trace of execution of the current program. You can specify the "
      "duration in the seconds GET parameter. After you get the trace "
      "file, use the go tool trace command to investigate the trace." },

    { ngx_null_string, 0, NULL }
};


/* the handler's flags as the index's: what links and forms apply */

static ngx_uint_t  ngx_http_pprof_index_flags[][2] = {
    { NGX_HTTP_PPROF_PROFILE, PPROF_INDEX_VIEWS },
    { NGX_HTTP_PPROF_GOROUTINES, PPROF_INDEX_GOROUTINES },
    { NGX_HTTP_PPROF_DEBUG, PPROF_INDEX_DEBUG },
    { NGX_HTTP_PPROF_CAPTURE, PPROF_INDEX_CAPTURE },
    { NGX_HTTP_PPROF_FRACTION, PPROF_INDEX_FRACTION },
    { NGX_HTTP_PPROF_DOWNLOAD, PPROF_INDEX_DOWNLOAD }
};


static ngx_http_pprof_profile_t *ngx_http_pprof_route(ngx_http_request_t *r);
static ngx_int_t ngx_http_pprof_parse_args(ngx_http_request_t *r,
    ngx_http_pprof_ctx_t *ctx, ngx_http_pprof_profile_t *profile);
static ngx_int_t ngx_http_pprof_arg(ngx_http_request_t *r, char *name,
    ngx_str_t *value);
static ngx_int_t ngx_http_pprof_arg_string(ngx_http_request_t *r,
    char *name, char **value);
static ngx_int_t ngx_http_pprof_keyword(ngx_http_request_t *r, char *name,
    const pprof_keyword_t *table, const pprof_keyword_t **kw);
static ngx_int_t ngx_http_pprof_not_found(ngx_http_request_t *r);
static ngx_int_t ngx_http_pprof_not_allowed(ngx_http_request_t *r,
    ngx_http_pprof_profile_t *profile);
static ngx_int_t ngx_http_pprof_names(ngx_pool_t *pool, ngx_uint_t mask,
    ngx_str_t *names);
static ngx_int_t ngx_http_pprof_index_targets(ngx_http_request_t *r,
    pprof_index_t *index);
static ngx_int_t ngx_http_pprof_index(ngx_http_request_t *r,
    ngx_http_pprof_ctx_t *ctx);
static ngx_uint_t ngx_http_pprof_accepts_html(ngx_http_request_t *r);
static ngx_int_t ngx_http_pprof_profile_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);


static ngx_str_t  ngx_http_pprof_profile_var = ngx_string("pprof_profile");


ngx_int_t
ngx_http_pprof_handler(ngx_http_request_t *r)
{
    ngx_int_t                   rc;
    ngx_str_t                   allow;
    ngx_http_pprof_ctx_t       *ctx;
    ngx_http_pprof_profile_t   *profile;
    ngx_http_pprof_loc_conf_t  *plcf;

    /* made by the access phase already when a share link let it in */

    ctx = ngx_http_pprof_ctx_get(r);
    if (ctx == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    plcf = ngx_http_get_module_loc_conf(r, ngx_http_pprof_module);

    profile = ngx_http_pprof_route(r);

    if (profile == NULL) {
        return ngx_http_pprof_not_found(r);
    }

    if (!(plcf->allow & ngx_http_pprof_profile_bit(profile))) {
        return ngx_http_pprof_not_allowed(r, profile);
    }

    if (!(r->method & NGX_HTTP_GET)
        && !((r->method & NGX_HTTP_POST)
             && (profile->flags & NGX_HTTP_PPROF_POST)))
    {
        if (profile->flags & NGX_HTTP_PPROF_POST) {
            ngx_str_set(&allow, "GET, POST");

        } else {
            ngx_str_set(&allow, "GET");
        }

        if (ngx_http_pprof_add_header(r, "Allow", &allow) != NGX_OK) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        (void) ngx_http_pprof_reason(r, "method %V is not allowed here: the "
                                     "profiler is read with GET (and POST "
                                     "for symbol)", &r->method_name);
        return ngx_http_pprof_refuse(r, NGX_HTTP_NOT_ALLOWED);
    }

    if ((r->method & NGX_HTTP_POST)
        && (r->headers_in.content_length_n < 0
            || r->headers_in.content_length_n > NGX_HTTP_PPROF_POST_MAX))
    {
        (void) ngx_http_pprof_reason(r, "a symbol lookup needs a "
                                     "Content-Length of at most %d bytes",
                                     NGX_HTTP_PPROF_POST_MAX);
        return ngx_http_pprof_refuse(r, NGX_HTTP_REQUEST_ENTITY_TOO_LARGE);
    }

    /* a target named by variables: their values are checked first */

    rc = ngx_http_pprof_target_eval(r, ctx);

    if (rc == NGX_DECLINED) {
        return ngx_http_pprof_refuse(r, NGX_HTTP_BAD_REQUEST);
    }

    if (rc != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ctx->query.name = profile->name;

    rc = ngx_http_pprof_parse_args(r, ctx, profile);

    if (rc == NGX_DECLINED) {
        return ngx_http_pprof_refuse(r, NGX_HTTP_BAD_REQUEST);
    }

    if (rc != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (ctx->query.history) {
        return ngx_http_pprof_capture_history(r, ctx);
    }

    if ((profile->flags & NGX_HTTP_PPROF_INDEX) && ctx->query.html) {
        return ngx_http_pprof_index(r, ctx);
    }

    if (plcf->cache_zone && ctx->query.store) {
        return ngx_http_pprof_capture_handler(r, ctx);
    }

    if (ctx->query.stored) {
        (void) ngx_http_pprof_reason(r, "no stored captures here: "
                                     "pprof_cache is off");
        return ngx_http_pprof_refuse(r, NGX_HTTP_NOT_FOUND);
    }

    return ngx_http_pprof_upstream_start(r, ctx);
}


/* the request's context, made on first use */

ngx_http_pprof_ctx_t *
ngx_http_pprof_ctx_get(ngx_http_request_t *r)
{
    ngx_http_pprof_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_pprof_module);

    if (ctx) {
        return ctx;
    }

    ctx = ngx_pcalloc(r->pool, sizeof(ngx_http_pprof_ctx_t));
    if (ctx == NULL) {
        return NULL;
    }

    ctx->request = r;
    ctx->query.html = ngx_http_pprof_accepts_html(r);

    ngx_http_set_ctx(r, ctx, ngx_http_pprof_module);

    return ctx;
}


/*
 * The location prefix is stripped from the normalized URI (nginx already
 * decoded %XX and resolved dot segments); what is left must be one of the
 * names exactly, so no path can leave the configured pprof prefix.
 */

static ngx_http_pprof_profile_t *
ngx_http_pprof_route(ngx_http_request_t *r)
{
    u_char                     *p, *last;
    ngx_str_t                   name, *location;
    ngx_http_pprof_profile_t   *profile;
    ngx_http_pprof_loc_conf_t  *plcf;

    plcf = ngx_http_get_module_loc_conf(r, ngx_http_pprof_module);
    location = &plcf->location;

    last = r->uri.data + r->uri.len;

    if (!plcf->location_prefix) {
        /* no prefix to strip: the name is the last path segment */

        for (p = last; p > r->uri.data && p[-1] != '/'; p--) {
            /* void */
        }

    } else if (location->len <= r->uri.len
        && ngx_strncmp(r->uri.data, location->data, location->len) == 0)
    {
        p = r->uri.data + location->len;

        /* "location /pprof" serves /pprof/heap, not /pprofheap */

        if (location->len && location->data[location->len - 1] != '/') {
            if (p < last && *p != '/') {
                return NULL;
            }

            if (p < last) {
                p++;
            }
        }

    } else {
        return NULL;
    }

    name.data = p;
    name.len = last - p;

    if (r->uri.len == 0 || r->uri.data[0] != '/') {
        return NULL;
    }

    for (profile = ngx_http_pprof_profiles; profile->name.data; profile++) {
        if (profile->name.len == name.len
            && ngx_strncmp(profile->name.data, name.data, name.len) == 0)
        {
            return profile;
        }
    }

    return NULL;
}


/* "... the names are allocs, block, ..., trace, and the index" */

static ngx_int_t
ngx_http_pprof_not_found(ngx_http_request_t *r)
{
    ngx_str_t  names;

    if (ngx_http_pprof_names(r->pool, (ngx_uint_t) -1, &names) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    (void) ngx_http_pprof_reason(r, "not a profile this gateway serves: "
                                 "the names are %V", &names);

    return ngx_http_pprof_refuse(r, NGX_HTTP_NOT_FOUND);
}


/* "allocs, block, ..., trace, and the index": the names of mask's bits */

static ngx_int_t
ngx_http_pprof_names(ngx_pool_t *pool, ngx_uint_t mask, ngx_str_t *names)
{
    u_char                    *p;
    size_t                     len;
    ngx_http_pprof_profile_t  *pr;

    static ngx_str_t  outro = ngx_string("and the index");

    len = outro.len;

    for (pr = ngx_http_pprof_profiles; pr->name.data; pr++) {
        len += pr->name.len + sizeof(", ") - 1;
    }

    p = ngx_pnalloc(pool, len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    names->data = p;

    for (pr = ngx_http_pprof_profiles + 1; pr->name.data; pr++) {
        if (mask & ngx_http_pprof_profile_bit(pr)) {
            p = ngx_cpymem(p, pr->name.data, pr->name.len);
            *p++ = ','; *p++ = ' ';
        }
    }

    p = ngx_cpymem(p, outro.data, outro.len);

    names->len = p - names->data;

    return NGX_OK;
}


/* "... this location serves heap, goroutine and the index (pprof_allow)" */

static ngx_int_t
ngx_http_pprof_not_allowed(ngx_http_request_t *r,
    ngx_http_pprof_profile_t *profile)
{
    ngx_str_t                   names;
    ngx_http_pprof_loc_conf_t  *plcf;

    plcf = ngx_http_get_module_loc_conf(r, ngx_http_pprof_module);

    if (ngx_http_pprof_names(r->pool, plcf->allow, &names) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    (void) ngx_http_pprof_reason(r, "the %V profile is not served here: "
                                 "this location serves %V (pprof_allow)",
                                 &profile->name, &names);

    return ngx_http_pprof_refuse(r, NGX_HTTP_FORBIDDEN);
}


/* pprof_allow NAME ...: the profiles a location serves (and the index) */

char *
ngx_http_pprof_allow(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_pprof_loc_conf_t *plcf = conf;

    ngx_str_t                 *value, names;
    ngx_uint_t                 i;
    ngx_http_pprof_profile_t  *pr;

    if (plcf->allow != NGX_CONF_UNSET_UINT) {
        return "is duplicate";
    }

    plcf->allow = 1;     /* the index */

    value = cf->args->elts;

    for (i = 1; i < cf->args->nelts; i++) {

        for (pr = ngx_http_pprof_profiles + 1; pr->name.data; pr++) {
            if (pr->name.len == value[i].len
                && ngx_strncmp(pr->name.data, value[i].data, value[i].len)
                   == 0)
            {
                break;
            }
        }

        if (pr->name.data == NULL) {
            if (ngx_http_pprof_names(cf->pool, (ngx_uint_t) -1, &names)
                != NGX_OK)
            {
                return NGX_CONF_ERROR;
            }

            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "\"pprof_allow\": \"%V\" is not a profile: "
                               "the names are %V", &value[i], &names);
            return NGX_CONF_ERROR;
        }

        plcf->allow |= ngx_http_pprof_profile_bit(pr);
    }

    return NGX_CONF_OK;
}


ngx_int_t
ngx_http_pprof_handler_add_variables(ngx_conf_t *cf)
{
    ngx_http_variable_t  *var;

    var = ngx_http_add_variable(cf, &ngx_http_pprof_profile_var,
                                NGX_HTTP_VAR_NOCACHEABLE);
    if (var == NULL) {
        return NGX_ERROR;
    }

    var->get_handler = ngx_http_pprof_profile_variable;

    return NGX_OK;
}


/*
 * $pprof_profile: the profile a request names, known before the content
 * handler runs (limit_req and limit_conn key on it in the preaccess
 * phase); not found outside pprof_pass locations and for what is not a
 * profile, "" for the index.
 */

static ngx_int_t
ngx_http_pprof_profile_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    ngx_http_pprof_profile_t   *profile;
    ngx_http_pprof_loc_conf_t  *plcf;

    plcf = ngx_http_get_module_loc_conf(r, ngx_http_pprof_module);

    profile = (plcf->upstream.upstream) ? ngx_http_pprof_route(r) : NULL;

    if (profile == NULL) {
        v->not_found = 1;
        return NGX_OK;
    }

    v->len = profile->name.len;
    v->data = profile->name.data;
    v->valid = 1;
    v->no_cacheable = 0;
    v->not_found = 0;

    return NGX_OK;
}


/*
 * The index for browsers: the names of the table above, with what applies
 * to each, rendered on the event loop (a small page, no profile) and
 * never asking the APIServer.
 */

/*
 * The configured targets for the index, each linked relative to this
 * page's URI ("../../nodes/" from /debug/pprof/), so that the page works
 * under any prefix a proxy in front adds.
 */

static ngx_int_t
ngx_http_pprof_index_targets(ngx_http_request_t *r, pprof_index_t *index)
{
    u_char                      *p;
    ngx_uint_t                   i, n, depth;
    pprof_index_target_t        *out;
    ngx_http_pprof_pass_t       *t;
    ngx_http_pprof_loc_conf_t   *plcf;
    ngx_http_pprof_main_conf_t  *pmcf;

    plcf = ngx_http_get_module_loc_conf(r, ngx_http_pprof_module);
    pmcf = ngx_http_get_module_main_conf(r, ngx_http_pprof_module);

    t = pmcf->targets.elts;

    out = ngx_pcalloc(r->pool,
                      pmcf->targets.nelts * sizeof(pprof_index_target_t));
    if (out == NULL) {
        return NGX_ERROR;
    }

    /* the directories below the root of this page's: "/debug/pprof/" is
     * in two, "/pprof" in none */

    depth = 0;

    for (i = 1; i < r->uri.len; i++) {
        if (r->uri.data[i] == '/') {
            depth++;
        }
    }

    for (i = 0; i < pmcf->targets.nelts; i++) {
        out[i].location = t[i].location;
        out[i].url = t[i].url;
        out[i].current = (t[i].name.data == plcf->location.data
                          && t[i].name.len == plcf->location.len);

        if (!t[i].link) {
            continue;
        }

        p = ngx_pnalloc(r->pool, sizeof("./") + 3 * depth + t[i].name.len);
        if (p == NULL) {
            return NGX_ERROR;
        }

        out[i].href = (char *) p;

        if (depth == 0) {
            p = ngx_cpymem(p, "./", 2);
        }

        for (n = 0; n < depth; n++) {
            p = ngx_cpymem(p, "../", 3);
        }

        p = ngx_cpymem(p, t[i].name.data + 1, t[i].name.len - 1);
        *p = '\0';
    }

    index->targets = out;
    index->ntargets = pmcf->targets.nelts;

    return NGX_OK;
}


static ngx_int_t
ngx_http_pprof_index(ngx_http_request_t *r, ngx_http_pprof_ctx_t *ctx)
{
    char                       *title;
    u_char                     *p;
    size_t                      size;
    ngx_str_t                   vary;
    ngx_uint_t                  i, n;
    ngx_chain_t                *out;
    pprof_index_t               index;
    pprof_index_entry_t        *entries;
    ngx_http_pprof_profile_t   *profile;
    ngx_http_pprof_loc_conf_t  *plcf;

    plcf = ngx_http_get_module_loc_conf(r, ngx_http_pprof_module);

    n = sizeof(ngx_http_pprof_profiles) / sizeof(ngx_http_pprof_profile_t);

    entries = ngx_pcalloc(r->pool, n * sizeof(pprof_index_entry_t));
    if (entries == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_memzero(&index, sizeof(pprof_index_t));
    index.entries = entries;
    index.max_seconds = plcf->max_seconds;

    for (profile = ngx_http_pprof_profiles; profile->name.data; profile++) {
        if ((profile->flags & NGX_HTTP_PPROF_INDEX)
            || !(plcf->allow & ngx_http_pprof_profile_bit(profile)))
        {
            /* pprof_allow: only what the location serves */
            continue;
        }

        entries[index.n].name = (char *) profile->name.data;
        entries[index.n].description = profile->description;

        for (i = 0; i < sizeof(ngx_http_pprof_index_flags)
                        / sizeof(ngx_http_pprof_index_flags[0]); i++)
        {
            if (profile->flags & ngx_http_pprof_index_flags[i][0]) {
                entries[index.n].flags |= ngx_http_pprof_index_flags[i][1];
            }
        }

        index.n++;
    }

    if (ngx_http_pprof_index_targets(r, &index) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    /* where the requests go, as configured: the token is never in it */

    p = ngx_pnalloc(r->pool, sizeof("https://") + plcf->host_header.len
                             + ctx->prefix.len + 2 * (r->uri.len + 1));
    if (p == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    index.target = (char *) p;
    p = ngx_sprintf(p, "https://%V%V%Z", &plcf->host_header, &ctx->prefix);

    title = (char *) p;
    p = ngx_cpymem(p, r->uri.data, r->uri.len);
    *p++ = '\0';

    /* "location /pprof" at /pprof: the links are "pprof/heap" */

    if (r->uri.len && r->uri.data[r->uri.len - 1] != '/') {

        for (i = r->uri.len; i && r->uri.data[i - 1] != '/'; i--) {
            /* void */
        }

        index.base = (char *) p;
        p = ngx_cpymem(p, r->uri.data + i, r->uri.len - i);
        *p = '\0';
    }

    if (ngx_http_pprof_render_index(r->pool, title, &index,
                                    plcf->cache_zone ? "?view=history" : NULL,
                                    &out, &size)
        != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_http_pprof_reset_headers(r, NGX_HTTP_OK, "text/html; charset=utf-8",
                                 size, out);

    ngx_str_set(&vary, "Accept");

    if (ngx_http_pprof_add_header(r, "Vary", &vary) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_http_pprof_output(r, ctx, out);
}


static ngx_int_t
ngx_http_pprof_parse_args(ngx_http_request_t *r, ngx_http_pprof_ctx_t *ctx,
    ngx_http_pprof_profile_t *profile)
{
    char                       *value_string;
    pprof_error_t               err;
    u_char                     *p;
    ngx_int_t                   rc, debug, n;
    unsigned                    whole;
    ngx_str_t                   seconds, value;
    ngx_uint_t                  gc, i;
    ngx_http_pprof_query_t     *q;
    const pprof_keyword_t      *kw;
    ngx_http_pprof_loc_conf_t  *plcf;

    plcf = ngx_http_get_module_loc_conf(r, ngx_http_pprof_module);
    q = &ctx->query;

    /* arguments for the capture store */

    q->store = (profile->flags & NGX_HTTP_PPROF_STORE) ? 1 : 0;
    q->serial = (profile->flags & NGX_HTTP_PPROF_CAPTURE) ? 1 : 0;

    /* present, even empty: an ID (0 is well formed, and never made) */

    if (ngx_http_arg(r, (u_char *) "capture", sizeof("capture") - 1, &value)
        == NGX_OK)
    {
        if (!q->store
            || ngx_http_pprof_capture_id_split(value.data, value.len,
                                               &q->replica, &q->capture)
               != NGX_OK)
        {
            return ngx_http_pprof_reason(r,
                       "\"capture\" must be the ID of a stored capture of "
                       "a profile: %d lowercase hex digits, after the "
                       "replica's name and \"-\" where it has one",
                       NGX_HTTP_PPROF_CAPTURE_ID_LEN);
        }

        q->stored = 1;
        q->capture_arg = value;
    }

    /* a diff: base=ID, a stored capture of the same profile, older */

    if (ngx_http_arg(r, (u_char *) PPROF_ARG_BASE, sizeof(PPROF_ARG_BASE) - 1,
                     &value)
        == NGX_OK)
    {
        if (!q->stored
            || ngx_http_pprof_capture_id_split(value.data, value.len,
                                               &q->base_replica, &q->base)
               != NGX_OK)
        {
            return ngx_http_pprof_reason(r,
                       "\"base\" must be the ID of a stored capture of "
                       "the same profile as \"capture\" (%d lowercase hex "
                       "digits each, after the replica's name and \"-\" "
                       "where it has one)", NGX_HTTP_PPROF_CAPTURE_ID_LEN);
        }

        /* both on one replica: the one capture= routes to */

        if (q->base_replica.len != q->replica.len
            || ngx_strncmp(q->base_replica.data, q->replica.data,
                           q->replica.len)
               != 0)
        {
            return ngx_http_pprof_reason(r,
                       "\"base\" and \"capture\" are captures of two "
                       "replicas: a diff compares captures of one");
        }

        q->based = 1;
        q->base_arg = value;
    }

    /* and how: -diff_base (percentages of the base) or -base (subtracted) */

    rc = ngx_http_pprof_keyword(r, PPROF_ARG_BASE_MODE, pprof_base_modes,
                                &kw);

    if (rc == NGX_ERROR) {
        return NGX_DECLINED;
    }

    if (rc == NGX_OK) {
        if (!q->based) {
            return ngx_http_pprof_reason(r, "\"base_mode\" says how a diff "
                                         "takes its base: it needs "
                                         "\"base\"");
        }

        q->base_mode = kw->value;
    }

    if (ngx_http_pprof_arg(r, "refresh", &value) == NGX_OK) {
        if (value.len != 1 || (value.data[0] != '0' && value.data[0] != '1'))
        {
            return ngx_http_pprof_reason(r, "\"refresh\" must be 0 or 1");
        }

        q->refresh = (value.data[0] == '1');
    }

    if (profile->name.len == 0
        && ngx_http_pprof_arg(r, PPROF_ARG_VIEW, &value) == NGX_OK
        && value.len == sizeof("history") - 1
        && ngx_strncmp(value.data, "history", value.len) == 0)
    {
        q->history = 1;
        q->html = 1;
        return NGX_OK;
    }

    /* arguments for the profiler */

    ngx_str_null(&seconds);
    debug = 0;
    gc = 0;

    rc = ngx_http_pprof_arg(r, "seconds", &seconds);

    if (rc == NGX_OK) {
        if (!(profile->flags & (NGX_HTTP_PPROF_CAPTURE|NGX_HTTP_PPROF_DELTA)))
        {
            return ngx_http_pprof_reason(r,
                       "\"seconds\" does not apply to this profile");
        }

        /* how long it runs: whole seconds, rounded up */

        if (pprof_query_seconds((char *) seconds.data, seconds.len,
                                (unsigned) plcf->max_seconds,
                                profile->flags & NGX_HTTP_PPROF_FRACTION,
                                &whole)
            != PPROF_OK)
        {
            return ngx_http_pprof_reason(r,
                       "\"seconds\" must be a positive number of at most "
                       "%ui (pprof_max_seconds)", plcf->max_seconds);
        }

        q->delta = (profile->flags & NGX_HTTP_PPROF_DELTA) ? 1 : 0;
        q->seconds = whole;
    }

    rc = ngx_http_pprof_arg(r, "debug", &value);

    if (rc == NGX_OK && (profile->flags & NGX_HTTP_PPROF_DEBUG)) {
        debug = ngx_atoi(value.data, value.len);

        if (debug == NGX_ERROR || debug > 2) {
            return ngx_http_pprof_reason(r,
                       "\"debug\" must be 0, 1 or 2");
        }

        if (debug && seconds.len) {
            return ngx_http_pprof_reason(r,
                       "\"seconds\" and \"debug\" cannot be combined: a "
                       "delta profile is binary only");
        }
    }

    rc = ngx_http_pprof_arg(r, "gc", &value);

    if (rc == NGX_OK && (profile->flags & NGX_HTTP_PPROF_GC)) {
        n = ngx_atoi(value.data, value.len);

        if (n != 0 && n != 1) {
            return ngx_http_pprof_reason(r,
                       "\"gc\" must be 0 or 1");
        }

        gc = n;
    }

    /* rebuilt from validated values: nothing else goes upstream */

    p = ngx_pnalloc(r->pool, sizeof("seconds=&debug=2&gc=1") - 1
                             + seconds.len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    q->args.data = p;

    if (seconds.len) {
        p = ngx_sprintf(p, "seconds=%V&", &seconds);
    }

    if (debug) {
        p = ngx_sprintf(p, "debug=%i&", debug);
    }

    if (gc) {
        p = ngx_cpymem(p, "gc=1&", sizeof("gc=1&") - 1);
    }

    q->args.len = (p == q->args.data) ? 0 : p - q->args.data - 1;

    /* how to show it */

    q->renderable = (profile->flags & NGX_HTTP_PPROF_PROFILE) ? 1 : 0;
    q->download = (profile->flags & NGX_HTTP_PPROF_DOWNLOAD) && !debug;
    q->format = PPROF_FORMAT_RAW;

    rc = ngx_http_pprof_keyword(r, PPROF_ARG_FORMAT, pprof_formats, &kw);

    if (rc == NGX_ERROR) {
        return NGX_DECLINED;
    }

    if (rc == NGX_OK && kw->value == PPROF_FORMAT_RAW) {
        q->html = 0;

    } else if (rc == NGX_OK) {

        if (!q->renderable
            && !((profile->flags & NGX_HTTP_PPROF_INDEX)
                 && kw->value == PPROF_FORMAT_HTML))
        {
            return ngx_http_pprof_reason(r, "only the raw format applies "
                                         "here: this is not a profile");
        }

        if (debug && kw->value != PPROF_FORMAT_HTML) {
            return ngx_http_pprof_reason(r, "this format needs the binary "
                                         "profile: drop \"debug\"");
        }

        q->format = kw->value;
        q->html = (kw->value == PPROF_FORMAT_HTML);

    } else if (q->renderable) {

        /* a view asked for by name is a page, whatever Accept says */

        if (ngx_http_pprof_arg(r, PPROF_ARG_VIEW, &value) == NGX_OK) {
            q->html = 1;

        } else {
            q->negotiated = 1;
        }

        if (q->html) {
            q->format = PPROF_FORMAT_HTML;
        }

    } else if (profile->flags & NGX_HTTP_PPROF_INDEX) {
        /* our page or the APIServer's, by Accept */
        q->negotiated = 1;
    }

    if (profile->flags & NGX_HTTP_PPROF_INDEX) {
        return NGX_OK;
    }

    if (q->based && q->format == PPROF_FORMAT_RAW) {

        /* a diff is made here: it has no bytes as the APIServer sent */

        if (rc == NGX_OK || debug || !q->renderable) {
            return ngx_http_pprof_reason(r, "a diff (\"base\") is not a "
                                         "raw profile: download each "
                                         "capture, or ask for a view");
        }

        q->format = PPROF_FORMAT_TOP;
    }

    if (q->format == PPROF_FORMAT_RAW) {
        return NGX_OK;
    }

    q->view = (profile->flags & NGX_HTTP_PPROF_GOROUTINES)
              ? PPROF_VIEW_GOROUTINES : PPROF_VIEW_TOP;

    rc = ngx_http_pprof_keyword(r, PPROF_ARG_VIEW, pprof_views, &kw);

    if (rc == NGX_ERROR) {
        return NGX_DECLINED;
    }

    if (rc == NGX_OK) {
        q->view = kw->value;
    }

    q->report.sort = PPROF_SORT_FLAT;

    rc = ngx_http_pprof_keyword(r, PPROF_ARG_SORT, pprof_sorts, &kw);

    if (rc == NGX_ERROR) {
        return NGX_DECLINED;
    }

    if (rc == NGX_OK) {
        q->report.sort = kw->value;
    }

    q->nodecount = (q->format == PPROF_FORMAT_DOT
                    || q->format == PPROF_FORMAT_SVG
                    || (q->format == PPROF_FORMAT_HTML
                        && q->view == PPROF_VIEW_GRAPH))
                   ? PPROF_GRAPH_NODECOUNT
                   : (q->format == PPROF_FORMAT_HTML)
                   ? NGX_HTTP_PPROF_HTML_NODECOUNT : 0;

    if (ngx_http_pprof_arg(r, PPROF_ARG_NODECOUNT, &value) == NGX_OK) {
        n = ngx_atoi(value.data, value.len);

        if (n == NGX_ERROR || n > 1000000) {
            return ngx_http_pprof_reason(r,
                       "\"nodecount\" must be a number up to 1000000 "
                       "(0: all)");
        }

        q->nodecount = n;
    }

    for (i = 0; i < PPROF_RARG_N; i++) {
        if (ngx_http_pprof_arg_string(r, (char *) pprof_report_args[i].name,
                                      &value_string)
            != NGX_OK)
        {
            goto long_arg;
        }

        pprof_report_arg(&q->report, i) = value_string;
    }

    if (ngx_http_pprof_arg_string(r, PPROF_ARG_SEARCH, &q->search)
        != NGX_OK)
    {
        goto long_arg;
    }

    /* a bad option is refused before the APIServer is asked */

    if (ngx_http_pprof_report_check(r->pool, &q->report, &err) != NGX_OK) {
        return ngx_http_pprof_reason(r, "%s", err.msg);
    }

    if (q->view == PPROF_VIEW_PEEK && q->format == PPROF_FORMAT_TOP
        && (q->report.focus == NULL || q->report.focus[0] == '\0'))
    {
        return ngx_http_pprof_reason(r, "view=peek needs \"focus\": a "
                                     "regex of the functions to peek at");
    }

    return NGX_OK;

long_arg:

    return ngx_http_pprof_reason(r,
               "an argument is longer than %d bytes, holds a "
               "control character or a malformed %%-escape",
               NGX_HTTP_PPROF_ARG_MAX);
}


/* the raw value of the first argument so named, or NGX_DECLINED */

static ngx_int_t
ngx_http_pprof_arg(ngx_http_request_t *r, char *name, ngx_str_t *value)
{
    if (ngx_http_arg(r, (u_char *) name, ngx_strlen(name), value) != NGX_OK
        || value->len == 0)
    {
        return NGX_DECLINED;
    }

    return NGX_OK;
}


/* a form value, decoded ('+' is a space) and NUL-terminated for the engine */

static ngx_int_t
ngx_http_pprof_arg_string(ngx_http_request_t *r, char *name, char **value)
{
    u_char     *p;
    ngx_str_t   raw;

    *value = NULL;

    if (ngx_http_pprof_arg(r, name, &raw) != NGX_OK) {
        return NGX_OK;
    }

    if (raw.len > NGX_HTTP_PPROF_ARG_MAX * 3) {
        return NGX_ERROR;
    }

    p = ngx_pnalloc(r->pool, raw.len + 1);
    if (p == NULL) {
        return NGX_ERROR;
    }

    if (pprof_query_string((char *) p, (char *) raw.data, raw.len,
                           NGX_HTTP_PPROF_ARG_MAX)
        < 0)
    {
        return NGX_ERROR;
    }

    *value = (char *) p;

    return NGX_OK;
}


/*
 * A word of the engine's vocabulary: NGX_OK and *kw, NGX_DECLINED when
 * the argument is absent, NGX_ERROR with the reason when it is not one
 */

static ngx_int_t
ngx_http_pprof_keyword(ngx_http_request_t *r, char *name,
    const pprof_keyword_t *table, const pprof_keyword_t **kw)
{
    ngx_str_t  value;
    char       words[128];

    if (ngx_http_pprof_arg(r, name, &value) != NGX_OK) {
        return NGX_DECLINED;
    }

    *kw = pprof_keyword_find(table, (char *) value.data, value.len);

    if (*kw != NULL) {
        return NGX_OK;
    }

    (void) pprof_keyword_list(table, words, sizeof(words));
    (void) ngx_http_pprof_reason(r, "\"%s\" must be %s", name, words);

    return NGX_ERROR;
}


static ngx_uint_t
ngx_http_pprof_accepts_html(ngx_http_request_t *r)
{
    ngx_uint_t        i;
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h;

    part = &r->headers_in.headers.part;
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

        if (h[i].key.len == sizeof("Accept") - 1
            && ngx_strncasecmp(h[i].key.data, (u_char *) "Accept",
                               sizeof("Accept") - 1) == 0
            && ngx_strlcasestrn(h[i].value.data,
                                h[i].value.data + h[i].value.len,
                                (u_char *) "text/html",
                                sizeof("text/html") - 2)
               != NULL)
        {
            return 1;
        }
    }

    return 0;
}
