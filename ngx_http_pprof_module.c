
/*
 * ngx_http_pprof_module: directives, configuration and the module itself.
 *
 *     location /debug/pprof/ {
 *         pprof_pass https://kubernetes.default.svc;
 *     }
 */


#include "ngx_http_pprof.h"

#if (NGX_LINUX && NGX_THREADS)
#include <malloc.h>
#endif


static ngx_int_t ngx_http_pprof_preconfiguration(ngx_conf_t *cf);
static ngx_int_t ngx_http_pprof_postconfiguration(ngx_conf_t *cf);
static void *ngx_http_pprof_create_main_conf(ngx_conf_t *cf);
static char *ngx_http_pprof_init_main_conf(ngx_conf_t *cf, void *conf);
static void *ngx_http_pprof_create_srv_conf(ngx_conf_t *cf);
static void *ngx_http_pprof_create_loc_conf(ngx_conf_t *cf);
static char *ngx_http_pprof_merge_loc_conf(ngx_conf_t *cf, void *parent,
    void *child);
static ngx_int_t ngx_http_pprof_init_process(ngx_cycle_t *cycle);
static char *ngx_http_pprof_pass(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static ngx_int_t ngx_http_pprof_target_list(ngx_conf_t *cf,
    ngx_http_core_loc_conf_t *clcf, ngx_str_t *url);
static char *ngx_http_pprof_thread_pool(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_pprof_cache(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);


static ngx_str_t  ngx_http_pprof_hide_headers[] = {
    ngx_string("Date"),
    ngx_string("Server"),
    ngx_string("Set-Cookie"),
    ngx_string("X-Pad"),
    ngx_string("X-Accel-Expires"),
    ngx_string("X-Accel-Redirect"),
    ngx_string("X-Accel-Limit-Rate"),
    ngx_string("X-Accel-Buffering"),
    ngx_string("X-Accel-Charset"),
    ngx_null_string
};


static ngx_command_t  ngx_http_pprof_commands[] = {

    { ngx_string("pprof_pass"),
      NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_pprof_pass,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("pprof_token_file"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_pprof_loc_conf_t, token_file),
      NULL },

    { ngx_string("pprof_token_refresh"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_msec_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_pprof_main_conf_t, token_refresh),
      NULL },

    { ngx_string("pprof_trusted_certificate"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_pprof_loc_conf_t, trusted_certificate),
      NULL },

    { ngx_string("pprof_ssl_verify"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_pprof_loc_conf_t, ssl_verify),
      NULL },

    { ngx_string("pprof_ssl_verify_depth"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_num_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_pprof_loc_conf_t, ssl_verify_depth),
      NULL },

    { ngx_string("pprof_ssl_name"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_pprof_loc_conf_t, ssl_name),
      NULL },

    { ngx_string("pprof_ssl_server_name"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_pprof_loc_conf_t, ssl_server_name),
      NULL },

    { ngx_string("pprof_connect_timeout"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_msec_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_pprof_loc_conf_t, upstream.connect_timeout),
      NULL },

    { ngx_string("pprof_read_timeout"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_msec_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_pprof_loc_conf_t, read_timeout),
      NULL },

    { ngx_string("pprof_max_seconds"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_num_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_pprof_loc_conf_t, max_seconds),
      NULL },

    { ngx_string("pprof_max_size"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_size_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_pprof_loc_conf_t, max_size),
      NULL },

    { ngx_string("pprof_cache_path"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_2MORE,
      ngx_http_pprof_cache_path,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("pprof_cache"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_pprof_cache,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("pprof_cache_valid"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_sec_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_pprof_loc_conf_t, cache_valid),
      NULL },

    { ngx_string("pprof_capture_queue"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_num_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_pprof_loc_conf_t, capture_queue),
      NULL },

    { ngx_string("pprof_allow"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_1MORE,
      ngx_http_pprof_allow,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("pprof_allow_unauthenticated"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_pprof_loc_conf_t, allow_unauthenticated),
      NULL },

    { ngx_string("pprof_link_secret"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_pprof_link_secret,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("pprof_link_ttl"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_sec_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_pprof_loc_conf_t, link_ttl),
      NULL },

    { ngx_string("pprof_thread_pool"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_pprof_thread_pool,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

      ngx_null_command
};


static ngx_http_module_t  ngx_http_pprof_module_ctx = {
    ngx_http_pprof_preconfiguration,       /* preconfiguration */
    ngx_http_pprof_postconfiguration,      /* postconfiguration */

    ngx_http_pprof_create_main_conf,       /* create main configuration */
    ngx_http_pprof_init_main_conf,         /* init main configuration */

    ngx_http_pprof_create_srv_conf,        /* create server configuration */
    NULL,                                  /* merge server configuration */

    ngx_http_pprof_create_loc_conf,        /* create location configuration */
    ngx_http_pprof_merge_loc_conf          /* merge location configuration */
};


ngx_module_t  ngx_http_pprof_module = {
    NGX_MODULE_V1,
    &ngx_http_pprof_module_ctx,            /* module context */
    ngx_http_pprof_commands,               /* module directives */
    NGX_HTTP_MODULE,                       /* module type */
    NULL,                                  /* init master */
    NULL,                                  /* init module */
    ngx_http_pprof_init_process,           /* init process */
    NULL,                                  /* init thread */
    NULL,                                  /* exit thread */
    NULL,                                  /* exit process */
    NULL,                                  /* exit master */
    NGX_MODULE_V1_PADDING
};


static ngx_int_t
ngx_http_pprof_preconfiguration(ngx_conf_t *cf)
{
    if (ngx_http_pprof_handler_add_variables(cf) != NGX_OK) {
        return NGX_ERROR;
    }

    return ngx_http_pprof_capture_add_variables(cf);
}


static ngx_int_t
ngx_http_pprof_postconfiguration(ngx_conf_t *cf)
{
    ngx_uint_t                   i;
    ngx_shm_zone_t             **zone;
    ngx_http_pprof_main_conf_t  *pmcf;

    if (ngx_http_pprof_ssl_wrap_peers(cf) != NGX_OK) {
        return NGX_ERROR;
    }

    /* pprof_cache names a zone that some pprof_cache_path made */

    pmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_pprof_module);
    zone = pmcf->cache_zones.elts;

    for (i = 0; i < pmcf->cache_zones.nelts; i++) {
        if (zone[i]->data == NULL) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "\"pprof_cache\" zone \"%V\" is unknown: "
                               "declare it with pprof_cache_path",
                               &zone[i]->shm.name);
            return NGX_ERROR;
        }
    }

    if (ngx_http_pprof_access_init(cf) != NGX_OK) {
        return NGX_ERROR;
    }

    return ngx_http_pprof_filter_init(cf);
}


static void *
ngx_http_pprof_create_main_conf(ngx_conf_t *cf)
{
    ngx_http_pprof_main_conf_t  *pmcf;

    pmcf = ngx_pcalloc(cf->pool, sizeof(ngx_http_pprof_main_conf_t));
    if (pmcf == NULL) {
        return NULL;
    }

    if (ngx_array_init(&pmcf->tokens, cf->pool, 2,
                       sizeof(ngx_http_pprof_token_t *))
        != NGX_OK)
    {
        return NULL;
    }

    if (ngx_array_init(&pmcf->passes, cf->pool, 2,
                       sizeof(ngx_http_pprof_access_t *))
        != NGX_OK)
    {
        return NULL;
    }

    if (ngx_array_init(&pmcf->targets, cf->pool, 2,
                       sizeof(ngx_http_pprof_pass_t))
        != NGX_OK)
    {
        return NULL;
    }

    if (ngx_array_init(&pmcf->upstreams, cf->pool, 2,
                       sizeof(ngx_http_upstream_srv_conf_t *))
        != NGX_OK)
    {
        return NULL;
    }

    if (ngx_array_init(&pmcf->caches, cf->pool, 1,
                       sizeof(ngx_http_pprof_cache_t *))
        != NGX_OK
        || ngx_array_init(&pmcf->cache_zones, cf->pool, 1,
                          sizeof(ngx_shm_zone_t *))
           != NGX_OK)
    {
        return NULL;
    }

    pmcf->token_refresh = NGX_CONF_UNSET_MSEC;

    return pmcf;
}


static char *
ngx_http_pprof_init_main_conf(ngx_conf_t *cf, void *conf)
{
    ngx_http_pprof_main_conf_t *pmcf = conf;

    /* client-go re-reads its token every minute; be at least as quick */
    ngx_conf_init_msec_value(pmcf->token_refresh, 10000);

    if (pmcf->token_refresh < 100 || pmcf->token_refresh > 60000) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"pprof_token_refresh\" must be between "
                           "100ms and 60s: a rotated token is noticed "
                           "within a minute");
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


/* an upstream{} block's: where its wrapped balancer is kept (ssl.c) */

static void *
ngx_http_pprof_create_srv_conf(ngx_conf_t *cf)
{
    ngx_http_pprof_srv_conf_t  *conf;

    conf = ngx_pcalloc(cf->pool, sizeof(ngx_http_pprof_srv_conf_t));
    if (conf == NULL) {
        return NULL;
    }

    /*
     * set by ngx_pcalloc():
     *
     *     conf->original_init_peer = NULL;
     */

    return conf;
}


static void *
ngx_http_pprof_create_loc_conf(ngx_conf_t *cf)
{
    ngx_http_pprof_loc_conf_t  *conf;

    conf = ngx_pcalloc(cf->pool, sizeof(ngx_http_pprof_loc_conf_t));
    if (conf == NULL) {
        return NULL;
    }

    /*
     * set by ngx_pcalloc():
     *
     *     conf->upstream.upstream = NULL;
     *     conf->url = { 0, NULL };
     *     conf->token_file = { 0, NULL };
     *     conf->trusted_certificate = { 0, NULL };
     *     conf->ssl_name = { 0, NULL };
     *     conf->token = NULL;
     *     conf->tls = NULL;
     *     conf->target_parts = NULL;
     *     conf->access = NULL;
     */

    conf->upstream.local = NGX_CONF_UNSET_PTR;
    conf->upstream.socket_keepalive = NGX_CONF_UNSET;
    conf->upstream.next_upstream_tries = NGX_CONF_UNSET_UINT;
    conf->upstream.connect_timeout = NGX_CONF_UNSET_MSEC;
    conf->upstream.send_timeout = NGX_CONF_UNSET_MSEC;
    conf->upstream.read_timeout = NGX_CONF_UNSET_MSEC;
    conf->read_timeout = NGX_CONF_UNSET_MSEC;
    conf->upstream.next_upstream_timeout = NGX_CONF_UNSET_MSEC;
    conf->upstream.buffer_size = NGX_CONF_UNSET_SIZE;
    conf->upstream.hide_headers = NGX_CONF_UNSET_PTR;
    conf->upstream.pass_headers = NGX_CONF_UNSET_PTR;

    /* the hardcoded values: profiles stream through or are collected */
    conf->upstream.cyclic_temp_file = 0;
    conf->upstream.buffering = 0;
    conf->upstream.ignore_client_abort = 0;
    conf->upstream.send_lowat = 0;
    conf->upstream.bufs.num = 0;
    conf->upstream.busy_buffers_size = 0;
    conf->upstream.max_temp_file_size = 0;
    conf->upstream.temp_file_write_size = 0;
    conf->upstream.intercept_errors = 0;
    conf->upstream.pass_request_headers = 0;
    conf->upstream.pass_request_body = 1;
    conf->upstream.ssl_session_reuse = 1;
    /* checked by OpenSSL during the handshake instead, see ssl.c */
    conf->upstream.ssl_verify = 0;
    conf->upstream.ssl_server_name = 0;

    conf->ssl_verify = NGX_CONF_UNSET;
    conf->ssl_verify_depth = NGX_CONF_UNSET_UINT;
    conf->ssl_server_name = NGX_CONF_UNSET;
    conf->max_seconds = NGX_CONF_UNSET_UINT;
    conf->max_size = NGX_CONF_UNSET_SIZE;

#if (NGX_THREADS)
    conf->thread_pool = NGX_CONF_UNSET_PTR;
#endif

    conf->cache_zone = NGX_CONF_UNSET_PTR;
    conf->cache_valid = NGX_CONF_UNSET;
    conf->capture_queue = NGX_CONF_UNSET_UINT;

    conf->allow = NGX_CONF_UNSET_UINT;
    conf->allow_unauthenticated = NGX_CONF_UNSET;
    conf->link_secret = NGX_CONF_UNSET_PTR;
    conf->link_ttl = NGX_CONF_UNSET;

    return conf;
}


static char *
ngx_http_pprof_merge_loc_conf(ngx_conf_t *cf, void *parent, void *child)
{
    ngx_http_pprof_loc_conf_t *prev = parent;
    ngx_http_pprof_loc_conf_t *conf = child;

    ngx_hash_init_t            hash;
    ngx_http_core_loc_conf_t  *clcf;

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);

    ngx_conf_merge_ptr_value(conf->upstream.local,
                              prev->upstream.local, NULL);

    ngx_conf_merge_value(conf->upstream.socket_keepalive,
                              prev->upstream.socket_keepalive, 0);

    ngx_conf_merge_uint_value(conf->upstream.next_upstream_tries,
                              prev->upstream.next_upstream_tries, 0);

    ngx_conf_merge_msec_value(conf->upstream.connect_timeout,
                              prev->upstream.connect_timeout, 10000);

    ngx_conf_merge_msec_value(conf->upstream.send_timeout,
                              prev->upstream.send_timeout, 60000);

    ngx_conf_merge_msec_value(conf->upstream.next_upstream_timeout,
                              prev->upstream.next_upstream_timeout, 0);

    ngx_conf_merge_size_value(conf->upstream.buffer_size,
                              prev->upstream.buffer_size, 16384);

    ngx_conf_merge_bitmask_value(conf->upstream.next_upstream,
                              prev->upstream.next_upstream,
                              (NGX_CONF_BITMASK_SET
                               |NGX_HTTP_UPSTREAM_FT_ERROR
                               |NGX_HTTP_UPSTREAM_FT_TIMEOUT));

    ngx_conf_merge_uint_value(conf->max_seconds, prev->max_seconds, 60);

    if (conf->max_seconds == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"pprof_max_seconds\" must be at least 1");
        return NGX_CONF_ERROR;
    }

    /*
     * A capture of max_seconds must never time out while it runs.  Only
     * an explicit pprof_read_timeout is inherited: the default follows
     * the pprof_max_seconds of this level, not the one of a parent level
     * (server{} would otherwise hand its 120 s down to a location with
     * "pprof_max_seconds 300").
     */
    ngx_conf_merge_msec_value(conf->read_timeout, prev->read_timeout,
                              NGX_CONF_UNSET_MSEC);

    conf->upstream.read_timeout = (conf->read_timeout != NGX_CONF_UNSET_MSEC)
                                  ? conf->read_timeout
                                  : (conf->max_seconds + 60) * 1000;

    if (conf->upstream.upstream
        && conf->upstream.read_timeout <= conf->max_seconds * 1000)
    {
        ngx_conf_log_error(NGX_LOG_WARN, cf, 0,
                           "\"pprof_read_timeout\" %Mms is not longer "
                           "than \"pprof_max_seconds\" %ui: long "
                           "captures will time out",
                           conf->upstream.read_timeout, conf->max_seconds);
    }

    ngx_conf_merge_size_value(conf->max_size, prev->max_size,
                              64 * 1024 * 1024);

#if (NGX_THREADS)
    ngx_conf_merge_ptr_value(conf->thread_pool, prev->thread_pool,
                             NGX_CONF_UNSET_PTR);

    if (conf->thread_pool == NGX_CONF_UNSET_PTR
        && (conf->upstream.upstream || clcf->noname))
    {
        /*
         * rendering goes to nginx's default pool, made if not declared;
         * levels without pprof_pass keep it unset for what they contain
         */

        conf->thread_pool = ngx_thread_pool_add(cf, NULL);
        if (conf->thread_pool == NULL) {
            return NGX_CONF_ERROR;
        }
    }
#endif

    ngx_conf_merge_ptr_value(conf->cache_zone, prev->cache_zone, NULL);
    ngx_conf_merge_sec_value(conf->cache_valid, prev->cache_valid, 60);
    ngx_conf_merge_uint_value(conf->capture_queue, prev->capture_queue, 8);

    /* every profile; the access check at start reads the rest */
    ngx_conf_merge_uint_value(conf->allow, prev->allow, (ngx_uint_t) -1);
    ngx_conf_merge_value(conf->allow_unauthenticated,
                         prev->allow_unauthenticated, 0);
    ngx_conf_merge_ptr_value(conf->link_secret, prev->link_secret, NULL);
    ngx_conf_merge_sec_value(conf->link_ttl, prev->link_ttl, 7200);

    if (conf->link_ttl <= 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"pprof_link_ttl\" must be at least 1s");
        return NGX_CONF_ERROR;
    }

    ngx_conf_merge_str_value(conf->token_file, prev->token_file,
                             NGX_HTTP_PPROF_DEFAULT_TOKEN_FILE);

    ngx_conf_merge_str_value(conf->trusted_certificate,
                             prev->trusted_certificate,
                             NGX_HTTP_PPROF_DEFAULT_CA_FILE);

    ngx_conf_merge_value(conf->ssl_verify, prev->ssl_verify, 1);
    ngx_conf_merge_uint_value(conf->ssl_verify_depth,
                              prev->ssl_verify_depth, 1);
    ngx_conf_merge_str_value(conf->ssl_name, prev->ssl_name, "");
    ngx_conf_merge_value(conf->ssl_server_name, prev->ssl_server_name, 0);

    hash.max_size = 512;
    hash.bucket_size = ngx_align(64, ngx_cacheline_size);
    hash.name = "pprof_headers_hash";

    if (ngx_http_upstream_hide_headers_hash(cf, &conf->upstream,
            &prev->upstream, ngx_http_pprof_hide_headers, &hash)
        != NGX_OK)
    {
        return NGX_CONF_ERROR;
    }

    /*
     * An if or limit_except block inside a pprof_pass location serves the
     * location's requests with its own configuration: it gets the target,
     * the token and the TLS context of the location, which it cannot
     * change (no pprof_* directive is valid there).  Nested locations
     * inside it do not: pprof_pass is per location, like proxy_pass.
     */

    if (clcf->noname && conf->upstream.upstream == NULL) {
        conf->upstream.upstream = prev->upstream.upstream;
        conf->location = prev->location;
        conf->location_prefix = prev->location_prefix;
        conf->url = prev->url;
        conf->host_header = prev->host_header;
        conf->prefix = prev->prefix;
        conf->target = prev->target;
        conf->target_parts = prev->target_parts;
        conf->token = prev->token;
        conf->tls = prev->tls;
        conf->access = prev->access;
        conf->upstream.ssl = prev->upstream.ssl;
        conf->upstream.ssl_name = prev->upstream.ssl_name;
        conf->upstream.ssl_server_name = prev->upstream.ssl_server_name;

        if (clcf->lmt_excpt && clcf->handler == NULL
            && conf->upstream.upstream)
        {
            clcf->handler = ngx_http_pprof_handler;
        }

        goto store;
    }

    if (conf->upstream.upstream == NULL) {
        /* pprof_pass is per location: nothing to inherit */
        return NGX_CONF_OK;
    }

    conf->token = ngx_http_pprof_token_add(cf, &conf->token_file, "token");
    if (conf->token == NULL) {
        return NGX_CONF_ERROR;
    }

    if (ngx_http_pprof_ssl_init(cf, conf) != NGX_CONF_OK) {
        return NGX_CONF_ERROR;
    }

store:

    /* the same upstream, for captures that go on when a client leaves */

    conf->upstream_store = conf->upstream;
    conf->upstream_store.ignore_client_abort = 1;

    return NGX_CONF_OK;
}


static ngx_int_t
ngx_http_pprof_init_process(ngx_cycle_t *cycle)
{
#if (NGX_LINUX && NGX_THREADS)
    /*
     * Profiles are decoded in pool threads, each of which glibc would give
     * a malloc arena of its own that keeps what a render freed: a worker
     * that rendered a 10 MB profile in several threads held hundreds of
     * MB.  One arena for the worker: its threads seldom malloc at once.
     */
    (void) mallopt(M_ARENA_MAX, 1);
#endif

    return ngx_http_pprof_token_init_process(cycle);
}


/* pprof_pass https://host[:port][/prefix/], the prefix with variables */

static char *
ngx_http_pprof_pass(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_pprof_loc_conf_t *plcf = conf;

    u_char                    *p, *last;
    size_t                     add;
    ngx_str_t                 *value, *url;
    ngx_url_t                  u;
    ngx_http_core_loc_conf_t  *clcf;

    if (plcf->upstream.upstream) {
        return "is duplicate";
    }

    value = cf->args->elts;
    url = &value[1];

    if (ngx_strncasecmp(url->data, (u_char *) "https://", 8) != 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"pprof_pass\" needs an https:// URL: the "
                           "token is never sent in clear text, in \"%V\"",
                           url);
        return NGX_CONF_ERROR;
    }

    add = 8;

    /* only the path may name variables: the host is the APIServer's */

    last = url->data + url->len;
    p = ngx_strlchr(url->data + add, last, '/');

    if (ngx_strlchr(url->data + add, p ? p : last, '$') != NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"pprof_pass\" host must be literal: variables "
                           "may only be in the path, so that the token is "
                           "sent to the configured APIServer alone, in "
                           "\"%V\"", url);
        return NGX_CONF_ERROR;
    }

    ngx_memzero(&u, sizeof(ngx_url_t));

    u.url.len = url->len - add;
    u.url.data = url->data + add;
    u.default_port = 443;
    u.uri_part = 1;
    u.no_resolve = 1;

    plcf->upstream.upstream = ngx_http_upstream_add(cf, &u, 0);
    if (plcf->upstream.upstream == NULL) {
        return NGX_CONF_ERROR;
    }

    plcf->url = *url;
    plcf->target = u.host;

    /* the Host header: what the URL says, port included if given */
    p = u.url.data;
    last = u.url.data + u.url.len;
    plcf->host_header.data = p;
    plcf->host_header.len = (u.uri.len ? u.uri.data : last) - p;

    if (u.uri.len == 0 || (u.uri.len == 1 && u.uri.data[0] == '/')) {
        ngx_str_set(&plcf->prefix, NGX_HTTP_PPROF_DEFAULT_PREFIX);

    } else {
        plcf->prefix = u.uri;

        if (plcf->prefix.data[plcf->prefix.len - 1] != '/'
            || ngx_strlchr(plcf->prefix.data,
                           plcf->prefix.data + plcf->prefix.len, '?')
            || ngx_strlchr(plcf->prefix.data,
                           plcf->prefix.data + plcf->prefix.len, '#')
            || ngx_strlchr(plcf->prefix.data,
                           plcf->prefix.data + plcf->prefix.len, '%')
            || ngx_strstrn(plcf->prefix.data, "/.", 2 - 1) != NULL)
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "\"pprof_pass\" prefix \"%V\" must be a plain "
                               "path ending with \"/\"", &plcf->prefix);
            return NGX_CONF_ERROR;
        }

        if (ngx_http_pprof_target_compile(cf, plcf, &plcf->prefix)
            != NGX_CONF_OK)
        {
            return NGX_CONF_ERROR;
        }
    }

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);

    clcf->handler = ngx_http_pprof_handler;

    plcf->location = clcf->name;
    plcf->location_prefix = !(clcf->exact_match
#if (NGX_PCRE)
                              || clcf->regex
#endif
                              );

    if (clcf->name.len && clcf->name.data[clcf->name.len - 1] == '/') {
        clcf->auto_redirect = 1;
    }

    if (ngx_http_pprof_target_list(cf, clcf, url) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    /* who may look here is checked once the configuration is complete */

    if (ngx_http_pprof_access_add(cf, plcf) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


/* pprof_thread_pool NAME | off */

/* the index's list of targets: this location, as configured */

static ngx_int_t
ngx_http_pprof_target_list(ngx_conf_t *cf, ngx_http_core_loc_conf_t *clcf,
    ngx_str_t *url)
{
    u_char                      *p;
    ngx_uint_t                   regex;
    ngx_http_pprof_pass_t       *t;
    ngx_http_pprof_main_conf_t  *pmcf;

    pmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_pprof_module);

    t = ngx_array_push(&pmcf->targets);
    if (t == NULL) {
        return NGX_ERROR;
    }

#if (NGX_PCRE)
    regex = (clcf->regex != NULL);
#else
    regex = 0;
#endif

    p = ngx_pnalloc(cf->pool, sizeof("= ") + clcf->name.len + url->len + 1);
    if (p == NULL) {
        return NGX_ERROR;
    }

    t->name = clcf->name;
    t->location = (char *) p;
    p = ngx_sprintf(p, "%s%V%Z",
                    regex ? "~ " : clcf->exact_match ? "= " : "",
                    &clcf->name);
    t->url = (char *) p;
    p = ngx_sprintf(p, "%V%Z", url);

    /* a link needs one index: not a pattern, nor a target per variable */
    t->link = !regex && clcf->name.len && clcf->name.data[0] == '/'
              && ngx_strlchr(url->data, url->data + url->len, '$') == NULL;

    return NGX_OK;
}


static char *
ngx_http_pprof_thread_pool(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
#if (NGX_THREADS)
    ngx_http_pprof_loc_conf_t *plcf = conf;
#endif

    ngx_str_t  *value;

    value = cf->args->elts;

#if (NGX_THREADS)

    if (plcf->thread_pool != NGX_CONF_UNSET_PTR) {
        return "is duplicate";
    }

    if (ngx_strcmp(value[1].data, "off") == 0) {
        plcf->thread_pool = NULL;
        return NGX_CONF_OK;
    }

    plcf->thread_pool = ngx_thread_pool_add(cf, &value[1]);
    if (plcf->thread_pool == NULL) {
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;

#else

    if (ngx_strcmp(value[1].data, "off") == 0) {
        return NGX_CONF_OK;
    }

    return "needs nginx built with --with-threads";

#endif
}


/* pprof_cache NAME | off */

static char *
ngx_http_pprof_cache(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_pprof_loc_conf_t *plcf = conf;

    ngx_str_t                   *value;
    ngx_shm_zone_t             **zone;
    ngx_http_pprof_main_conf_t  *pmcf;

    if (plcf->cache_zone != NGX_CONF_UNSET_PTR) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (ngx_strcmp(value[1].data, "off") == 0) {
        plcf->cache_zone = NULL;
        return NGX_CONF_OK;
    }

    plcf->cache_zone = ngx_shared_memory_add(cf, &value[1], 0,
                                             &ngx_http_pprof_module);
    if (plcf->cache_zone == NULL) {
        return NGX_CONF_ERROR;
    }

    pmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_pprof_module);

    zone = ngx_array_push(&pmcf->cache_zones);
    if (zone == NULL) {
        return NGX_CONF_ERROR;
    }

    *zone = plcf->cache_zone;

    return NGX_CONF_OK;
}
