
/*
 * TLS to the APIServer.  Each pprof location gets its own SSL context:
 * its CA, verification depth and expected name.  The certificate and the
 * name (DNS or IP: in a pod KUBERNETES_SERVICE_HOST is an IP) are checked
 * by OpenSSL during the handshake, so a bad peer never sees the token.
 *
 * Stock nginx keeps one cached TLS session and one keepalive pool per
 * upstream address, shared by every location naming it: a location that
 * trusts another CA would resume a session, or reuse a connection, that
 * was verified against the first one.  The balancer is wrapped so that
 * sessions and kept-alive connections are only reused by the SSL context
 * (hence the trust settings) that made them.  As the keepalive module
 * does, the balancer it wraps is kept in the upstream's srv conf.
 */


#include "ngx_http_pprof.h"


static ngx_int_t ngx_http_pprof_peer_init(ngx_http_request_t *r,
    ngx_http_upstream_srv_conf_t *us);
static ngx_int_t ngx_http_pprof_peer_get(ngx_peer_connection_t *pc,
    void *data);
static void ngx_http_pprof_peer_free(ngx_peer_connection_t *pc, void *data,
    ngx_uint_t state);
static ngx_int_t ngx_http_pprof_set_session(ngx_peer_connection_t *pc,
    void *data);
static void ngx_http_pprof_save_session(ngx_peer_connection_t *pc,
    void *data);
static void ngx_http_pprof_sessions_cleanup(void *data);
static ngx_http_pprof_ssl_session_t *ngx_http_pprof_session_find(
    ngx_http_pprof_tls_t *tls, ngx_peer_connection_t *pc);


char *
ngx_http_pprof_ssl_init(ngx_conf_t *cf, ngx_http_pprof_loc_conf_t *plcf)
{
    u_char                            *host;
    ngx_str_t                          name, file;
    ngx_uint_t                         i;
    ngx_ssl_t                         *ssl;
    ngx_pool_cleanup_t                *cln;
    X509_VERIFY_PARAM                 *param;
    ngx_http_pprof_tls_t              *tls;
    ngx_http_pprof_main_conf_t        *pmcf;
    ngx_http_upstream_srv_conf_t     **uscfp;
    ngx_http_complex_value_t          *cv;
    ngx_http_compile_complex_value_t   ccv;

    tls = ngx_pcalloc(cf->pool, sizeof(ngx_http_pprof_tls_t));
    if (tls == NULL) {
        return NGX_CONF_ERROR;
    }

    ssl = &tls->ssl;

    ssl->log = cf->log;

    if (ngx_ssl_create(ssl, NGX_SSL_TLSv1_2|NGX_SSL_TLSv1_3, NULL)
        != NGX_OK)
    {
        return NGX_CONF_ERROR;
    }

    cln = ngx_pool_cleanup_add(cf->pool, 0);
    if (cln == NULL) {
        ngx_ssl_cleanup_ctx(ssl);
        return NGX_CONF_ERROR;
    }

    cln->handler = ngx_ssl_cleanup_ctx;
    cln->data = ssl;

    plcf->tls = tls;
    plcf->upstream.ssl = ssl;

    /* the name expected in the certificate, and sent as SNI */

    name = plcf->ssl_name.len ? plcf->ssl_name : plcf->target;

    if (name.len > 1 && name.data[0] == '[') {
        name.data++;
        name.len -= 2;
    }

    host = ngx_pnalloc(cf->pool, name.len + 1);
    if (host == NULL) {
        return NGX_CONF_ERROR;
    }

    (void) ngx_cpystrn(host, name.data, name.len + 1);

    if (plcf->ssl_verify) {
        file = plcf->trusted_certificate;

        if (ngx_conf_full_name(cf->cycle, &file, 1) != NGX_OK) {
            return NGX_CONF_ERROR;
        }

        if (access((char *) file.data, R_OK) != 0) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                               "pprof: cannot read the CA certificate "
                               "\"%V\" to verify \"%V\" with: set "
                               "\"pprof_trusted_certificate\" to the "
                               "cluster's ca.crt", &file, &plcf->url);
            return NGX_CONF_ERROR;
        }

        if (ngx_ssl_trusted_certificate(cf, ssl, &plcf->trusted_certificate,
                                        plcf->ssl_verify_depth)
            != NGX_OK)
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "pprof: \"%V\" holds no usable CA "
                               "certificate", &file);
            return NGX_CONF_ERROR;
        }

        /* no callback: a failed verification fails the handshake */
        SSL_CTX_set_verify(ssl->ctx, SSL_VERIFY_PEER, NULL);

        param = SSL_CTX_get0_param(ssl->ctx);

        X509_VERIFY_PARAM_set_hostflags(param,
                                       X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);

        if (ngx_inet_addr(host, name.len) != INADDR_NONE
            || ngx_strlchr(host, host + name.len, ':') != NULL)
        {
            if (X509_VERIFY_PARAM_set1_ip_asc(param, (char *) host) != 1) {
                ngx_ssl_error(NGX_LOG_EMERG, cf->log, 0,
                              "pprof: bad address \"%s\" in pprof_ssl_name",
                              host);
                return NGX_CONF_ERROR;
            }

        } else if (X509_VERIFY_PARAM_set1_host(param, (char *) host,
                                               name.len)
                   != 1)
        {
            ngx_ssl_error(NGX_LOG_EMERG, cf->log, 0,
                          "pprof: bad name \"%s\" in pprof_ssl_name", host);
            return NGX_CONF_ERROR;
        }

    } else {
        SSL_CTX_set_verify(ssl->ctx, SSL_VERIFY_NONE, NULL);
    }

    if (ngx_ssl_client_session_cache(cf, ssl, 1) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    if (plcf->ssl_server_name) {
        cv = ngx_pcalloc(cf->pool, sizeof(ngx_http_complex_value_t));
        if (cv == NULL) {
            return NGX_CONF_ERROR;
        }

        ngx_memzero(&ccv, sizeof(ngx_http_compile_complex_value_t));

        ccv.cf = cf;
        ccv.value = &name;
        ccv.complex_value = cv;

        if (ngx_http_compile_complex_value(&ccv) != NGX_OK) {
            return NGX_CONF_ERROR;
        }

        plcf->upstream.ssl_name = cv;
        plcf->upstream.ssl_server_name = 1;
    }

    /* remember the balancer to wrap once upstreams are initialized */

    pmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_pprof_module);
    uscfp = pmcf->upstreams.elts;

    for (i = 0; i < pmcf->upstreams.nelts; i++) {
        if (uscfp[i] == plcf->upstream.upstream) {
            return NGX_CONF_OK;
        }
    }

    uscfp = ngx_array_push(&pmcf->upstreams);
    if (uscfp == NULL) {
        return NGX_CONF_ERROR;
    }

    *uscfp = plcf->upstream.upstream;

    return NGX_CONF_OK;
}


/*
 * Once every upstream has its balancer (postconfiguration): an upstream{}
 * block has our srv conf; an upstream made by pprof_pass from a URL has
 * no srv confs at all, and gets an array holding only ours.
 */

ngx_int_t
ngx_http_pprof_ssl_wrap_peers(ngx_conf_t *cf)
{
    ngx_uint_t                      i;
    ngx_http_pprof_srv_conf_t      *pscf;
    ngx_http_pprof_main_conf_t     *pmcf;
    ngx_http_upstream_srv_conf_t  **uscfp, *uscf;

    pmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_pprof_module);
    uscfp = pmcf->upstreams.elts;

    for (i = 0; i < pmcf->upstreams.nelts; i++) {
        uscf = uscfp[i];

        if (uscf->srv_conf == NULL) {
            uscf->srv_conf = ngx_pcalloc(cf->pool,
                                         sizeof(void *) * ngx_http_max_module);
            if (uscf->srv_conf == NULL) {
                return NGX_ERROR;
            }

            pscf = ngx_pcalloc(cf->pool, sizeof(ngx_http_pprof_srv_conf_t));
            if (pscf == NULL) {
                return NGX_ERROR;
            }

            uscf->srv_conf[ngx_http_pprof_module.ctx_index] = pscf;
        }

        pscf = ngx_http_conf_upstream_srv_conf(uscf, ngx_http_pprof_module);

        pscf->original_init_peer = uscf->peer.init;
        uscf->peer.init = ngx_http_pprof_peer_init;
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_pprof_peer_init(ngx_http_request_t *r,
    ngx_http_upstream_srv_conf_t *us)
{
    ngx_int_t                   rc;
    ngx_http_upstream_t        *u;
    ngx_http_pprof_ctx_t       *ctx;
    ngx_http_pprof_srv_conf_t  *pscf;

    pscf = ngx_http_conf_upstream_srv_conf(us, ngx_http_pprof_module);

    rc = pscf->original_init_peer(r, us);

    if (rc != NGX_OK) {
        return rc;
    }

    /* the upstream may be shared with proxy_pass: leave that one alone */

    ctx = ngx_http_get_module_ctx(r, ngx_http_pprof_module);

    if (ctx == NULL) {
        return NGX_OK;
    }

    u = r->upstream;

    ctx->peer_data = u->peer.data;
    ctx->peer_get = u->peer.get;
    ctx->peer_free = u->peer.free;

    u->peer.data = ctx;
    u->peer.get = ngx_http_pprof_peer_get;
    u->peer.free = ngx_http_pprof_peer_free;
    u->peer.set_session = ngx_http_pprof_set_session;
    u->peer.save_session = ngx_http_pprof_save_session;

    return NGX_OK;
}


static ngx_int_t
ngx_http_pprof_peer_get(ngx_peer_connection_t *pc, void *data)
{
    ngx_http_pprof_ctx_t  *ctx = data;

    ngx_int_t                   rc;
    ngx_connection_t           *c;
    ngx_http_pprof_loc_conf_t  *plcf;

    rc = ctx->peer_get(pc, ctx->peer_data);

    if (rc != NGX_DONE) {
        return rc;
    }

    /* a kept-alive connection: only if our own trust settings made it */

    c = pc->connection;
    plcf = ngx_http_get_module_loc_conf(ctx->request, ngx_http_pprof_module);

    if (c->ssl
        && SSL_get_SSL_CTX(c->ssl->connection) == plcf->upstream.ssl->ctx)
    {
        return NGX_DONE;
    }

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, pc->log, 0,
                   "pprof: not reusing connection %p made for another "
                   "location", c);

    if (c->ssl) {
        c->ssl->no_wait_shutdown = 1;
        c->ssl->no_send_shutdown = 1;
        (void) ngx_ssl_shutdown(c);
    }

    if (c->pool) {
        ngx_destroy_pool(c->pool);
    }

    ngx_close_connection(c);
    pc->connection = NULL;

    return NGX_OK;
}


static void
ngx_http_pprof_peer_free(ngx_peer_connection_t *pc, void *data,
    ngx_uint_t state)
{
    ngx_http_pprof_ctx_t  *ctx = data;

    ctx->peer_free(pc, ctx->peer_data, state);
}


static ngx_int_t
ngx_http_pprof_set_session(ngx_peer_connection_t *pc, void *data)
{
    ngx_http_pprof_ctx_t  *ctx = data;

    ngx_http_pprof_loc_conf_t     *plcf;
    ngx_http_pprof_ssl_session_t  *s;

    plcf = ngx_http_get_module_loc_conf(ctx->request, ngx_http_pprof_module);

    s = ngx_http_pprof_session_find(plcf->tls, pc);

    if (s == NULL || s->session == NULL) {
        return NGX_OK;
    }

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, pc->log, 0,
                   "pprof: resuming TLS session of this location for %V",
                   pc->name);

    return ngx_ssl_set_session(pc->connection, s->session);
}


static void
ngx_http_pprof_save_session(ngx_peer_connection_t *pc, void *data)
{
    ngx_http_pprof_ctx_t  *ctx = data;

    ngx_ssl_session_t             *session;
    ngx_pool_cleanup_t            *cln;
    ngx_http_pprof_loc_conf_t     *plcf;
    ngx_http_pprof_ssl_session_t  *s;

    plcf = ngx_http_get_module_loc_conf(ctx->request, ngx_http_pprof_module);

    session = ngx_ssl_get_session(pc->connection);

    if (session == NULL) {
        return;
    }

    s = ngx_http_pprof_session_find(plcf->tls, pc);

    if (s == NULL) {
        if (plcf->tls->sessions == NULL) {
            cln = ngx_pool_cleanup_add(ngx_cycle->pool, 0);
            if (cln == NULL) {
                ngx_ssl_free_session(session);
                return;
            }

            plcf->tls->sessions = ngx_array_create(ngx_cycle->pool, 2,
                                        sizeof(ngx_http_pprof_ssl_session_t));
            if (plcf->tls->sessions == NULL) {
                ngx_ssl_free_session(session);
                return;
            }

            cln->handler = ngx_http_pprof_sessions_cleanup;
            cln->data = plcf->tls->sessions;
        }

        s = ngx_array_push(plcf->tls->sessions);
        if (s == NULL) {
            ngx_ssl_free_session(session);
            return;
        }

        s->sockaddr = ngx_palloc(ngx_cycle->pool, pc->socklen);
        if (s->sockaddr == NULL) {
            plcf->tls->sessions->nelts--;
            ngx_ssl_free_session(session);
            return;
        }

        ngx_memcpy(s->sockaddr, pc->sockaddr, pc->socklen);
        s->socklen = pc->socklen;
        s->session = NULL;
    }

    if (s->session) {
        ngx_ssl_free_session(s->session);
    }

    s->session = session;
}


static ngx_http_pprof_ssl_session_t *
ngx_http_pprof_session_find(ngx_http_pprof_tls_t *tls,
    ngx_peer_connection_t *pc)
{
    ngx_uint_t                     i;
    ngx_http_pprof_ssl_session_t  *s;

    if (tls->sessions == NULL) {
        return NULL;
    }

    s = tls->sessions->elts;

    for (i = 0; i < tls->sessions->nelts; i++) {
        if (ngx_cmp_sockaddr(s[i].sockaddr, s[i].socklen,
                             pc->sockaddr, pc->socklen, 1)
            == NGX_OK)
        {
            return &s[i];
        }
    }

    return NULL;
}


static void
ngx_http_pprof_sessions_cleanup(void *data)
{
    ngx_array_t  *sessions = data;

    ngx_uint_t                     i;
    ngx_http_pprof_ssl_session_t  *s;

    s = sessions->elts;

    for (i = 0; i < sessions->nelts; i++) {
        if (s[i].session) {
            ngx_ssl_free_session(s[i].session);
        }
    }
}
