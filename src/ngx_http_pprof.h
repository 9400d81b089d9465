
/*
 * ngx_http_pprof_module: an authenticated gateway to the Go profiler of
 * the Kubernetes APIServer.  Types shared by the module's files.
 */


#ifndef _NGX_HTTP_PPROF_H_INCLUDED_
#define _NGX_HTTP_PPROF_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "profile/pprof.h"


#define NGX_HTTP_PPROF_DEFAULT_TOKEN_FILE                                     \
    "/var/run/secrets/kubernetes.io/serviceaccount/token"
#define NGX_HTTP_PPROF_DEFAULT_CA_FILE                                        \
    "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt"
#define NGX_HTTP_PPROF_DEFAULT_PREFIX  "/debug/pprof/"

/* a token file larger than this is not a token */
#define NGX_HTTP_PPROF_TOKEN_MAX       16384
/* an error body from the APIServer is quoted, not kept whole */
#define NGX_HTTP_PPROF_ERROR_BODY_MAX  4096


/* a ServiceAccount token file, shared by the locations naming it */
typedef struct {
    ngx_str_t                  path;
    ngx_str_t                  token;         /* empty: none usable */
    ngx_msec_t                 refresh;
    ngx_event_t                timer;
    ngx_log_t                 *log;
    unsigned                   error:1;       /* last read failed */
} ngx_http_pprof_token_t;


/* a TLS session resumable only by the location that saved it */
typedef struct {
    struct sockaddr           *sockaddr;
    socklen_t                  socklen;
    ngx_ssl_session_t         *session;
} ngx_http_pprof_ssl_session_t;


/* a balancer's peer init, wrapped to key TLS sessions by location */
typedef struct {
    ngx_http_upstream_srv_conf_t   *upstream;
    ngx_http_upstream_init_peer_pt  init;
} ngx_http_pprof_peer_init_t;


typedef struct {
    ngx_array_t                tokens;        /* ngx_http_pprof_token_t * */
    ngx_array_t                peer_inits;    /* ngx_http_pprof_peer_init_t */
    ngx_msec_t                 token_refresh;
} ngx_http_pprof_main_conf_t;


typedef struct {
    ngx_http_upstream_conf_t   upstream;

    ngx_str_t                  url;           /* as configured */
    ngx_str_t                  host_header;   /* host[:port] */
    ngx_str_t                  prefix;        /* "/debug/pprof/" */
    ngx_str_t                  target;        /* name used in file names */

    ngx_str_t                  token_file;
    ngx_http_pprof_token_t    *token;

    ngx_str_t                  trusted_certificate;
    ngx_flag_t                 ssl_verify;
    ngx_uint_t                 ssl_verify_depth;
    ngx_str_t                  ssl_name;
    ngx_flag_t                 ssl_server_name;
    ngx_array_t               *ssl_sessions;  /* per worker, at run time */

    ngx_msec_t                 read_timeout;  /* as configured */
    ngx_uint_t                 max_seconds;
    size_t                     max_size;
} ngx_http_pprof_loc_conf_t;


/* what the client asked for: one place decides it (handler.c) */
typedef struct {
    ngx_str_t                  name;          /* profile name, "" = index */
    ngx_str_t                  args;          /* upstream args, re-encoded */
    ngx_uint_t                 format;        /* NGX_HTTP_PPROF_FORMAT_* */
    ngx_uint_t                 view;          /* PPROF_VIEW_* */
    ngx_uint_t                 sort;          /* PPROF_SORT_* */
    ngx_uint_t                 nodecount;
    char                      *sample;        /* NUL-terminated or NULL */
    char                      *focus;
    char                      *ignore;
    char                      *zoom;
    char                      *search;
    unsigned                   html:1;        /* pages, not text */
    unsigned                   renderable:1;  /* a protobuf profile */
    unsigned                   delta:1;       /* seconds= on a snapshot */
    unsigned                   download:1;    /* binary: a file to save */
    unsigned                   negotiated:1;  /* view chosen by Accept */
} ngx_http_pprof_query_t;


#define NGX_HTTP_PPROF_FORMAT_RAW      100   /* beyond PPROF_FORMAT_* */


typedef struct {
    ngx_http_request_t        *request;
    ngx_http_pprof_query_t     query;

    ngx_http_status_t          status;        /* upstream status line */
    ngx_http_chunked_t         chunked;       /* upstream body framing */

    /* the response body kept for rendering or quoting */
    u_char                    *body;
    size_t                     body_len;
    size_t                     body_size;
    size_t                     body_max;

    ngx_uint_t                 upstream_status;
    ngx_str_t                  reason;        /* why the gateway failed */
    void                      *peer_data;     /* the balancer's own */
    ngx_event_get_peer_pt      peer_get;
    ngx_event_free_peer_pt     peer_free;

    unsigned                   collect:1;     /* hold the body back */
    unsigned                   text:1;        /* upstream body is text */
    unsigned                   replace:1;     /* drop nginx's error page */
    unsigned                   sent:1;        /* our response went out */
} ngx_http_pprof_ctx_t;


extern ngx_module_t  ngx_http_pprof_module;


/* handler.c */
ngx_int_t ngx_http_pprof_handler(ngx_http_request_t *r);

/* upstream.c */
ngx_int_t ngx_http_pprof_upstream_start(ngx_http_request_t *r,
    ngx_http_pprof_ctx_t *ctx);

/* render.c: filters, pages and errors */
ngx_int_t ngx_http_pprof_filter_init(ngx_conf_t *cf);
ngx_int_t ngx_http_pprof_send_error(ngx_http_request_t *r,
    ngx_uint_t status, const char *fmt, ...);
ngx_int_t ngx_http_pprof_add_header(ngx_http_request_t *r, char *key,
    ngx_str_t *value);
ngx_int_t ngx_http_pprof_filter_error(ngx_http_request_t *r,
    ngx_http_pprof_ctx_t *ctx, ngx_uint_t status);
ngx_int_t ngx_http_pprof_set_reason(ngx_http_request_t *r,
    ngx_http_pprof_ctx_t *ctx, const char *fmt, ...);

/* token.c */
ngx_http_pprof_token_t *ngx_http_pprof_token_add(ngx_conf_t *cf,
    ngx_str_t *path);
ngx_int_t ngx_http_pprof_token_init_process(ngx_cycle_t *cycle);
void ngx_http_pprof_token_recheck(ngx_http_pprof_token_t *token);

/* ssl.c */
char *ngx_http_pprof_ssl_init(ngx_conf_t *cf,
    ngx_http_pprof_loc_conf_t *plcf);
ngx_int_t ngx_http_pprof_ssl_wrap_peers(ngx_conf_t *cf);


#endif /* _NGX_HTTP_PPROF_H_INCLUDED_ */
