
/*
 * Who may look.  nginx's own access modules guard a pprof_pass location;
 * this file makes their absence loud and adds share links.
 *
 * At "nginx -t" and at start, every pprof_pass location that has no
 * access control the module can see (auth_basic, auth_request, a deny
 * rule, ssl_verify_client on its server, a link secret), inherited or
 * its own, gets a [warn] naming its file and line, unless
 * "pprof_allow_unauthenticated on" says it is meant to be open.
 *
 * Share links (pprof_link_secret): a link to one stored capture, signed
 * by ngx_http_pprof_link.c, is checked here in nginx's access phase, so
 * that "satisfy any" makes it one way in among the others (link OR
 * password).  A valid link returns NGX_OK; a request without one is
 * nobody's business here (NGX_DECLINED), except in a location with no
 * other access control: there only links are served.  A bad link is a
 * 403 with a page saying what is wrong with it.
 */


#include "ngx_http_pprof.h"


/*
 * The loc conf structs of three of nginx's modules are private to their
 * .c files; their leading fields are re-declared here as nginx 1.22 has
 * them (unchanged since 1.9), to be read at start and never written.
 * The modules are found by name, so a build without one of them (the
 * static build has no auth_request) links all the same.  The access
 * rules' element size is checked against the re-declared rule: should it
 * ever differ, any rule counts as a restriction, as if it were a deny.
 */

typedef struct {
    ngx_http_complex_value_t  *realm;
    ngx_http_complex_value_t  *user_file;
} ngx_http_pprof_auth_basic_conf_t;

typedef struct {
    ngx_str_t                  uri;
} ngx_http_pprof_auth_request_conf_t;

typedef struct {
    in_addr_t                  mask;
    in_addr_t                  addr;
    ngx_uint_t                 deny;
} ngx_http_pprof_access_rule_t;

#if (NGX_HAVE_INET6)
typedef struct {
    struct in6_addr            addr;
    struct in6_addr            mask;
    ngx_uint_t                 deny;
} ngx_http_pprof_access_rule6_t;
#endif

#if (NGX_HAVE_UNIX_DOMAIN)
typedef struct {
    ngx_uint_t                 deny;
} ngx_http_pprof_access_rule_un_t;
#endif

typedef struct {
    ngx_array_t               *rules;
#if (NGX_HAVE_INET6)
    ngx_array_t               *rules6;
#endif
#if (NGX_HAVE_UNIX_DOMAIN)
    ngx_array_t               *rules_un;
#endif
} ngx_http_pprof_access_conf_t;


static ngx_uint_t ngx_http_pprof_access_restricted(ngx_conf_t *cf,
    ngx_http_pprof_access_t *a);
static void *ngx_http_pprof_access_module_conf(ngx_conf_t *cf, void **conf,
    char *name);
static ngx_uint_t ngx_http_pprof_access_denies(ngx_array_t *rules,
    size_t size, size_t deny);
static ngx_int_t ngx_http_pprof_access_handler(ngx_http_request_t *r);
static ngx_int_t ngx_http_pprof_access_refuse(ngx_http_request_t *r);


/*
 * pprof_link_secret SECRET | file:PATH.  A file is read as the token file
 * is, and re-read with it (pprof_token_refresh): rewriting it rotates the
 * secret without a reload, and links signed with the old one stop
 * working.  The secret is never logged or shown, only the file's name.
 */

char *
ngx_http_pprof_link_secret(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_pprof_loc_conf_t *plcf = conf;

    ngx_str_t               *value, path;
    ngx_http_pprof_token_t  *secret;

    if (plcf->link_secret != NGX_CONF_UNSET_PTR) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (value[1].len > sizeof("file:") - 1
        && ngx_strncmp(value[1].data, "file:", sizeof("file:") - 1) == 0)
    {
        path.data = value[1].data + sizeof("file:") - 1;
        path.len = value[1].len - (sizeof("file:") - 1);

        plcf->link_secret = ngx_http_pprof_token_add(cf, &path,
                                                     "link secret");
        if (plcf->link_secret == NULL) {
            return NGX_CONF_ERROR;
        }

        return NGX_CONF_OK;
    }

    if (value[1].len < 16) {
        return "must be at least 16 characters long (e.g. \"openssl rand "
               "-hex 32\"): a short secret can be guessed";
    }

    secret = ngx_pcalloc(cf->pool, sizeof(ngx_http_pprof_token_t));
    if (secret == NULL) {
        return NGX_CONF_ERROR;
    }

    secret->what = "link secret";
    secret->token = value[1];

    plcf->link_secret = secret;

    return NGX_CONF_OK;
}


/* pprof_pass: the location is checked once its configuration is merged */

ngx_int_t
ngx_http_pprof_access_add(ngx_conf_t *cf, ngx_http_pprof_loc_conf_t *plcf)
{
    ngx_http_conf_ctx_t         *ctx;
    ngx_http_pprof_access_t     *a, **ap;
    ngx_http_pprof_main_conf_t  *pmcf;

    a = ngx_pcalloc(cf->pool, sizeof(ngx_http_pprof_access_t));
    if (a == NULL) {
        return NGX_ERROR;
    }

    ctx = cf->ctx;

    a->loc_conf = ctx->loc_conf;
    a->srv_conf = ctx->srv_conf;
    a->file = cf->conf_file->file.name;
    a->line = cf->conf_file->line;

    pmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_pprof_module);

    ap = ngx_array_push(&pmcf->passes);
    if (ap == NULL) {
        return NGX_ERROR;
    }

    *ap = a;
    plcf->access = a;

    return NGX_OK;
}


/*
 * postconfiguration: every module's loc confs are merged by now, whatever
 * the order of the modules (a static build puts this one elsewhere than
 * a dynamic one).  Then the access phase handler.
 */

ngx_int_t
ngx_http_pprof_access_init(ngx_conf_t *cf)
{
    ngx_uint_t                   i, other;
    ngx_http_handler_pt         *h;
    ngx_http_pprof_access_t    **ap, *a;
    ngx_http_core_loc_conf_t    *clcf;
    ngx_http_pprof_loc_conf_t   *plcf;
    ngx_http_core_main_conf_t   *cmcf;
    ngx_http_pprof_main_conf_t  *pmcf;

    pmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_pprof_module);
    ap = pmcf->passes.elts;

    for (i = 0; i < pmcf->passes.nelts; i++) {
        a = ap[i];
        plcf = a->loc_conf[ngx_http_pprof_module.ctx_index];
        clcf = a->loc_conf[ngx_http_core_module.ctx_index];

        if (!plcf->ssl_verify) {
            ngx_log_error(NGX_LOG_WARN, cf->log, 0,
                          "\"pprof_ssl_verify off\" in location \"%V\": "
                          "the APIServer's certificate is not verified, "
                          "and the token goes to whoever answers for "
                          "\"%V\" in %V:%ui", &clcf->name, &plcf->url,
                          &a->file, a->line);
        }

        other = ngx_http_pprof_access_restricted(cf, a);

        if (plcf->link_secret && !other && !plcf->allow_unauthenticated) {
            /* the secret is the only key: links only */
            a->links_only = 1;
        }

        if (plcf->link_secret && other
            && clcf->satisfy == NGX_HTTP_SATISFY_ALL)
        {
            ngx_log_error(NGX_LOG_WARN, cf->log, 0,
                          "\"pprof_link_secret\" in location \"%V\" with "
                          "\"satisfy all\": a share link does not let in "
                          "without the other access checks; \"satisfy "
                          "any\" makes it link or password in %V:%ui",
                          &clcf->name, &a->file, a->line);
        }

        if (other || plcf->link_secret || plcf->allow_unauthenticated) {
            continue;
        }

        ngx_log_error(NGX_LOG_WARN, cf->log, 0,
                      "\"pprof_pass\" in location \"%V\" has no access "
                      "control: whoever reaches it reads the APIServer's "
                      "profiles with its token; add auth_basic, "
                      "auth_request, allow/deny, ssl_verify_client or "
                      "pprof_link_secret, or state it with "
                      "\"pprof_allow_unauthenticated on\" in %V:%ui",
                      &clcf->name, &a->file, a->line);
    }

    cmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_core_module);

    h = ngx_array_push(&cmcf->phases[NGX_HTTP_ACCESS_PHASE].handlers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    *h = ngx_http_pprof_access_handler;

    return NGX_OK;
}


/* an access restriction of nginx's own, seen in the merged configuration */

static ngx_uint_t
ngx_http_pprof_access_restricted(ngx_conf_t *cf, ngx_http_pprof_access_t *a)
{
    ngx_http_ssl_srv_conf_t             *sscf;
    ngx_http_pprof_access_conf_t        *acf;
    ngx_http_pprof_auth_basic_conf_t    *bcf;
    ngx_http_pprof_auth_request_conf_t  *rcf;

    bcf = ngx_http_pprof_access_module_conf(cf, a->loc_conf,
                                            "ngx_http_auth_basic_module");

    /* "auth_basic off" is a realm of "off", which the module ignores */

    if (bcf && bcf->realm && bcf->user_file
        && !(bcf->realm->lengths == NULL
             && bcf->realm->value.len == sizeof("off") - 1
             && ngx_strncmp(bcf->realm->value.data, "off", 3) == 0))
    {
        return 1;
    }

    rcf = ngx_http_pprof_access_module_conf(cf, a->loc_conf,
                                            "ngx_http_auth_request_module");

    if (rcf && rcf->uri.len) {
        return 1;
    }

    acf = ngx_http_pprof_access_module_conf(cf, a->loc_conf,
                                            "ngx_http_access_module");

    /* "allow" alone lets everyone in: only a deny rule restricts */

    if (acf
        && (ngx_http_pprof_access_denies(acf->rules,
                sizeof(ngx_http_pprof_access_rule_t),
                offsetof(ngx_http_pprof_access_rule_t, deny))
#if (NGX_HAVE_INET6)
            || ngx_http_pprof_access_denies(acf->rules6,
                   sizeof(ngx_http_pprof_access_rule6_t),
                   offsetof(ngx_http_pprof_access_rule6_t, deny))
#endif
#if (NGX_HAVE_UNIX_DOMAIN)
            || ngx_http_pprof_access_denies(acf->rules_un,
                   sizeof(ngx_http_pprof_access_rule_un_t),
                   offsetof(ngx_http_pprof_access_rule_un_t, deny))
#endif
           ))
    {
        return 1;
    }

    /* client certificates: "ssl_verify_client on" (not "optional") */

    sscf = a->srv_conf[ngx_http_ssl_module.ctx_index];

    return (sscf && sscf->verify == 1);
}


static void *
ngx_http_pprof_access_module_conf(ngx_conf_t *cf, void **conf, char *name)
{
    ngx_uint_t     i;
    ngx_module_t  *m;

    for (i = 0; cf->cycle->modules[i]; i++) {
        m = cf->cycle->modules[i];

        if (m->type == NGX_HTTP_MODULE && ngx_strcmp(m->name, name) == 0) {
            return conf[m->ctx_index];
        }
    }

    return NULL;
}


static ngx_uint_t
ngx_http_pprof_access_denies(ngx_array_t *rules, size_t size, size_t deny)
{
    u_char      *p;
    ngx_uint_t   i;

    if (rules == NULL || rules->nelts == 0) {
        return 0;
    }

    if (rules->size != size) {
        return 1;
    }

    p = rules->elts;

    for (i = 0; i < rules->nelts; i++) {
        if (*(ngx_uint_t *) (p + i * size + deny)) {
            return 1;
        }
    }

    return 0;
}


/* the access phase: a share link lets in to its capture, and only there */

static ngx_int_t
ngx_http_pprof_access_handler(ngx_http_request_t *r)
{
    int                         rc;
    int64_t                     expires;
    ngx_str_t                   token, capture, value, *key;
    ngx_http_pprof_ctx_t       *ctx;
    ngx_http_pprof_loc_conf_t  *plcf;

    plcf = ngx_http_get_module_loc_conf(r, ngx_http_pprof_module);

    if (plcf->upstream.upstream == NULL || plcf->link_secret == NULL) {
        return NGX_DECLINED;
    }

    if (ngx_http_arg(r, (u_char *) "link", sizeof("link") - 1, &token)
        != NGX_OK)
    {
        if (!plcf->access->links_only) {
            return NGX_DECLINED;
        }

        if (ngx_http_pprof_ctx_get(r) == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        (void) ngx_http_pprof_reason(r, "only share links are served here: "
                                     "this location has no other access "
                                     "control (auth_basic, auth_request, "
                                     "allow/deny, ssl_verify_client)");

        return ngx_http_pprof_access_refuse(r);
    }

    ctx = ngx_http_pprof_ctx_get(r);
    if (ctx == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    key = &plcf->link_secret->token;

    if (key->len == 0) {
        (void) ngx_http_pprof_reason(r, "share links cannot be checked: "
                                     "the link secret file \"%V\" holds no "
                                     "secret (see the error log)",
                                     &plcf->link_secret->path);
        return ngx_http_pprof_access_refuse(r);
    }

    if (ngx_http_arg(r, (u_char *) "capture", sizeof("capture") - 1,
                     &capture)
        != NGX_OK)
    {
        ngx_str_null(&capture);
    }

    rc = ngx_http_pprof_link_verify(key->data, key->len,
                                    plcf->location.data, plcf->location.len,
                                    token.data, token.len,
                                    capture.data, capture.len,
                                    (int64_t) ngx_time(), &expires);

    switch (rc) {

    case NGX_HTTP_PPROF_LINK_OK:
        break;

    case NGX_HTTP_PPROF_LINK_TRUNCATED:
        (void) ngx_http_pprof_reason(r, "the share link is truncated: its "
                                     "\"link\" argument is cut short; copy "
                                     "the whole link");
        return ngx_http_pprof_access_refuse(r);

    case NGX_HTTP_PPROF_LINK_MALFORMED:
        (void) ngx_http_pprof_reason(r, "the share link is malformed: its "
                                     "\"link\" argument is not one this "
                                     "gateway makes");
        return ngx_http_pprof_access_refuse(r);

    case NGX_HTTP_PPROF_LINK_ALTERED:
        (void) ngx_http_pprof_reason(r, "the share link was altered, or "
                                     "signed with a secret replaced since: "
                                     "its signature does not match");
        return ngx_http_pprof_access_refuse(r);

    case NGX_HTTP_PPROF_LINK_OTHER:
        (void) ngx_http_pprof_reason(r, "the share link is for capture "
                                     "%*s, not for the one asked for: a "
                                     "link opens its own capture only",
                                     (size_t) NGX_HTTP_PPROF_LINK_ID_LEN,
                                     token.data);
        return ngx_http_pprof_access_refuse(r);

    case NGX_HTTP_PPROF_LINK_EXPIRED:
        (void) ngx_http_pprof_reason(r, "the share link expired %L s ago "
                                     "(pprof_link_ttl %T s): ask for a new "
                                     "one", (int64_t) ngx_time() - expires,
                                     plcf->link_ttl);
        return ngx_http_pprof_access_refuse(r);

    default:
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    /* its views and its raw download: nothing that names another one */

    if (ngx_http_arg(r, (u_char *) PPROF_ARG_BASE, sizeof(PPROF_ARG_BASE) - 1,
                     &value)
        == NGX_OK)
    {
        (void) ngx_http_pprof_reason(r, "a share link opens its capture "
                                     "only: \"base\" names another one");
        return ngx_http_pprof_access_refuse(r);
    }

    ctx->link = token;

    return NGX_OK;
}


/* the 403 and its page, whatever "satisfy" says: a bad link is no way in */

static ngx_int_t
ngx_http_pprof_access_refuse(ngx_http_request_t *r)
{
    ngx_http_finalize_request(r, ngx_http_pprof_refuse(r,
                                                       NGX_HTTP_FORBIDDEN));

    return NGX_DONE;
}
