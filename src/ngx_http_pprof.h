
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
#include "ngx_http_pprof_link.h"


#define NGX_HTTP_PPROF_DEFAULT_TOKEN_FILE                                     \
    "/var/run/secrets/kubernetes.io/serviceaccount/token"
#define NGX_HTTP_PPROF_DEFAULT_CA_FILE                                        \
    "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt"
#define NGX_HTTP_PPROF_DEFAULT_PREFIX  "/debug/pprof/"

/* a token file larger than this is not a token */
#define NGX_HTTP_PPROF_TOKEN_MAX       16384
/* an error body from the APIServer is quoted, not kept whole */
#define NGX_HTTP_PPROF_ERROR_BODY_MAX  4096


typedef struct ngx_http_pprof_job_s  ngx_http_pprof_job_t;


#define NGX_HTTP_PPROF_CAPTURE_ID_LEN  16     /* lowercase hex: 64 bits */
/* as clients see it: "REPLICA-" (a Kubernetes name) before the hex */
#define NGX_HTTP_PPROF_CAPTURE_ID_MAX  (253 + 1 + NGX_HTTP_PPROF_CAPTURE_ID_LEN)
#define NGX_HTTP_PPROF_NAME_LEN        16
#define NGX_HTTP_PPROF_ARGS_LEN        40
#define NGX_HTTP_PPROF_HISTORY_MAX     200


/* a stored capture, in the zone's index (cache.c) */
typedef struct {
    ngx_rbtree_node_t          node;          /* key: the capture's ID */
    ngx_queue_t                queue;         /* by last use */
    u_char                     key[16];       /* md5 of what defines it */
    uint64_t                   target;        /* of its location */
    time_t                     time;          /* when it was captured */
    time_t                     accessed;
    ngx_msec_t                 duration;      /* how long that took */
    off_t                      size;          /* the profile's bytes */
    u_char                     name[NGX_HTTP_PPROF_NAME_LEN];
    u_char                     args[NGX_HTTP_PPROF_ARGS_LEN];
    unsigned                   text:1;        /* debug=N text */
} ngx_http_pprof_capture_t;


/* per key: its newest capture, and the lock of the one being made */
typedef struct {
    ngx_rbtree_node_t          node;          /* key: md5's first bytes */
    u_char                     md5[16];
    uint64_t                   newest;        /* 0: none */
    time_t                     newest_time;
    time_t                     lock_until;    /* 0: not locked */
    ngx_uint_t                 generation;    /* counts the releases */
    ngx_uint_t                 failed_status;
    ngx_uint_t                 failed_generation;
    u_char                     failed_reason[256];
} ngx_http_pprof_key_t;


/* what a request learns of a key */
typedef struct {
    uint64_t                   newest;
    time_t                     newest_time;
    ngx_uint_t                 generation;
    ngx_uint_t                 failed_status;
    ngx_uint_t                 failed_generation;
    unsigned                   locked:1;
    u_char                     failed_reason[256];
} ngx_http_pprof_key_state_t;


/* the CPU profile or trace running on a target */
typedef struct {
    time_t                     until;         /* its deadline; 0: none */
    time_t                     ends;          /* when it should end */
    u_char                     name[NGX_HTTP_PPROF_NAME_LEN];
    u_char                     args[NGX_HTTP_PPROF_ARGS_LEN];
} ngx_http_pprof_running_t;


typedef struct {
    ngx_rbtree_node_t          node;          /* key: the target */
    ngx_http_pprof_running_t   running;
    ngx_uint_t                 waiting;
} ngx_http_pprof_target_t;


typedef struct {
    ngx_rbtree_t               captures;
    ngx_rbtree_node_t          captures_sentinel;
    ngx_rbtree_t               keys;
    ngx_rbtree_node_t          keys_sentinel;
    ngx_rbtree_t               targets;
    ngx_rbtree_node_t          targets_sentinel;
    ngx_queue_t                queue;         /* captures, by last use */
    off_t                      size;          /* of all their profiles */
    ngx_uint_t                 count;
} ngx_http_pprof_cache_sh_t;


typedef struct {
    ngx_http_pprof_cache_sh_t *sh;
    ngx_slab_pool_t           *shpool;
    ngx_path_t                *path;
    off_t                      max_size;
    time_t                     inactive;
    ngx_shm_zone_t            *shm_zone;
    ngx_str_t                  name;
    ngx_str_t                  replica;       /* in its IDs; "": none */
} ngx_http_pprof_cache_t;


/* a capture's file: this header, then the bytes the APIServer sent */
typedef struct {
    uint32_t                   magic;
    uint32_t                   version;
    u_char                     key[16];
    uint64_t                   target;
    int64_t                    time;
    uint64_t                   duration;
    uint64_t                   size;
    u_char                     name[NGX_HTTP_PPROF_NAME_LEN];
    u_char                     args[NGX_HTTP_PPROF_ARGS_LEN];
    uint32_t                   flags;
    uint32_t                   crc;           /* of what precedes it */
} ngx_http_pprof_file_header_t;


/* X-Pprof-Cache and $pprof_cache_status */
typedef enum {
    NGX_HTTP_PPROF_CACHE_NONE = 0,
    NGX_HTTP_PPROF_CACHE_MISS,
    NGX_HTTP_PPROF_CACHE_HIT,
    NGX_HTTP_PPROF_CACHE_EXPIRED,
    NGX_HTTP_PPROF_CACHE_BYPASS,
    NGX_HTTP_PPROF_CACHE_UPDATING
} ngx_http_pprof_cache_status_e;


/*
 * A ServiceAccount token file, shared by the locations naming it; the
 * file of a share links' secret is read the same way (what: "link
 * secret").  An inline secret is one too, without a path or a timer.
 */
typedef struct {
    ngx_str_t                  path;
    ngx_str_t                  token;         /* empty: none usable */
    const char                *what;          /* "token", "link secret" */
    ngx_msec_t                 refresh;
    ngx_event_t                timer;
    ngx_log_t                 *log;
    unsigned                   error:1;       /* last read failed */
} ngx_http_pprof_token_t;


/* a TLS session resumable only by the TLS context that saved it */
typedef struct {
    struct sockaddr           *sockaddr;
    socklen_t                  socklen;
    ngx_ssl_session_t         *session;
} ngx_http_pprof_ssl_session_t;


/*
 * One location's TLS to the APIServer: the SSL context made from its
 * trust settings, and the sessions saved with it.  Shared by the if and
 * limit_except blocks inside the location, which cannot change them.
 */
typedef struct {
    ngx_ssl_t                  ssl;
    ngx_array_t               *sessions;      /* per worker, at run time */
} ngx_http_pprof_tls_t;


/* an upstream's balancer, wrapped to key TLS sessions by TLS context */
typedef struct {
    ngx_http_upstream_init_peer_pt  original_init_peer;
} ngx_http_pprof_srv_conf_t;


/* a pprof_pass location, as the index lists it */
typedef struct {
    ngx_str_t                  name;          /* the location's, clcf->name */
    char                      *location;      /* "= /x/", "~ ^/nodes/" */
    char                      *url;           /* pprof_pass's, as written */
    unsigned                   link:1;        /* one index to link to */
} ngx_http_pprof_pass_t;


typedef struct {
    ngx_array_t                tokens;        /* ngx_http_pprof_token_t * */
    ngx_array_t                passes;        /* ngx_http_pprof_access_t * */
    ngx_array_t                targets;       /* ngx_http_pprof_pass_t */
    ngx_array_t                upstreams;     /* ..._upstream_srv_conf_t * */
    ngx_array_t                caches;        /* ngx_http_pprof_cache_t * */
    ngx_array_t                cache_zones;   /* ngx_shm_zone_t *, named */
    ngx_msec_t                 token_refresh;
} ngx_http_pprof_main_conf_t;


/*
 * A pprof_pass location, as the access check at start sees it: where it
 * is configured, and its level's configurations of every module, merged
 * by the time postconfiguration reads them (access.c).
 */
typedef struct {
    void                     **loc_conf;
    void                     **srv_conf;
    ngx_str_t                  file;
    ngx_uint_t                 line;
    unsigned                   links_only:1;  /* no other access control */
} ngx_http_pprof_access_t;


typedef struct {
    ngx_http_upstream_conf_t   upstream;
    /* the same, but a capture goes on when its client leaves: it is
     * stored, and others may be waiting for it */
    ngx_http_upstream_conf_t   upstream_store;

    /* the location pprof_pass is in, for routing: an if block inside it
     * has the name but not the kind */
    ngx_str_t                  location;
    unsigned                   location_prefix:1;   /* not = or regex */

    ngx_str_t                  url;           /* as configured */
    ngx_str_t                  host_header;   /* host[:port] */
    ngx_str_t                  prefix;        /* "/debug/pprof/" */
    ngx_str_t                  target;        /* name used in file names */
    ngx_array_t               *target_parts;  /* prefix with variables
                                                 (target.c); NULL: none */

    ngx_str_t                  token_file;
    ngx_http_pprof_token_t    *token;

    ngx_str_t                  trusted_certificate;
    ngx_flag_t                 ssl_verify;
    ngx_uint_t                 ssl_verify_depth;
    ngx_str_t                  ssl_name;
    ngx_flag_t                 ssl_server_name;
    ngx_http_pprof_tls_t      *tls;

    ngx_msec_t                 read_timeout;  /* as configured */
    ngx_uint_t                 max_seconds;
    size_t                     max_size;

#if (NGX_THREADS)
    ngx_thread_pool_t         *thread_pool;   /* NULL: on the worker */
#endif

    ngx_shm_zone_t            *cache_zone;    /* pprof_cache; NULL: off */
    time_t                     cache_valid;
    ngx_uint_t                 capture_queue;

    /* who may look (access.c) */
    ngx_uint_t                 allow;         /* pprof_allow: profile bits */
    ngx_flag_t                 allow_unauthenticated;
    ngx_http_pprof_token_t    *link_secret;   /* NULL: no share links */
    time_t                     link_ttl;
    ngx_http_pprof_access_t   *access;        /* of the pprof_pass location */
} ngx_http_pprof_loc_conf_t;


/* what the client asked for: one place decides it (handler.c) */
typedef struct {
    ngx_str_t                  name;          /* profile name, "" = index */
    ngx_str_t                  args;          /* upstream args, re-encoded */
    ngx_uint_t                 format;        /* PPROF_FORMAT_* */
    ngx_uint_t                 view;          /* PPROF_VIEW_* */
    ngx_uint_t                 nodecount;
    /* sort and the strings of pprof_report_args, NUL-terminated or NULL */
    pprof_report_options_t     report;
    char                      *search;
    unsigned                   html:1;        /* pages, not text */
    unsigned                   renderable:1;  /* a protobuf profile */
    unsigned                   delta:1;       /* seconds= on a snapshot */
    unsigned                   download:1;    /* binary: a file to save */
    unsigned                   negotiated:1;  /* view chosen by Accept */
    unsigned                   refresh:1;     /* capture anew */
    unsigned                   history:1;     /* the stored captures */
    unsigned                   store:1;       /* a name that is stored */
    unsigned                   serial:1;      /* one at a time a target */
    unsigned                   stored:1;      /* capture=ID was given */
    unsigned                   based:1;       /* and base=ID: a diff */
    uint64_t                   capture;       /* its ID */
    ngx_str_t                  capture_arg;   /* the ID as given */
    ngx_str_t                  replica;       /* the ID's replica, if any */
    uint64_t                   base;          /* the base's */
    ngx_str_t                  base_arg;      /* as given */
    ngx_str_t                  base_replica;
    ngx_uint_t                 base_mode;     /* PPROF_BASE_* */
    time_t                     seconds;       /* a capture's, rounded up */
} ngx_http_pprof_query_t;


/* where a response stands in the filters (filter.c) */
typedef enum {
    NGX_HTTP_PPROF_START = 0,    /* no header yet */
    NGX_HTTP_PPROF_PASS,         /* the APIServer's response streams on */
    NGX_HTTP_PPROF_COLLECT,      /* its body is held back until complete */
    NGX_HTTP_PPROF_RENDER,       /* a job renders it off the event loop */
    NGX_HTTP_PPROF_RENDERED,     /* the job is done: its answer goes out */
    NGX_HTTP_PPROF_DONE          /* our answer went out: drop the rest */
} ngx_http_pprof_phase_e;


typedef struct {
    ngx_http_request_t        *request;
    ngx_http_pprof_query_t     query;
    ngx_str_t                  prefix;        /* upstream path, evaluated */
    ngx_str_t                  target_label;  /* its variables' values */
    ngx_http_pprof_phase_e     phase;

    ngx_http_status_t          status;        /* upstream status line */
    ngx_http_chunked_t         chunked;       /* upstream body framing */

    /* the response body kept for rendering or quoting */
    u_char                    *body;
    size_t                     body_len;
    size_t                     body_size;
    size_t                     body_max;

    ngx_uint_t                 upstream_status;
    ngx_str_t                  reason;        /* why the gateway failed */
    ngx_http_pprof_job_t      *job;           /* renders the view */

    /* the capture store (capture.c) */
    ngx_http_pprof_cache_t    *cache;         /* NULL: not stored */
    ngx_http_pprof_capture_t   capture;       /* served or being made */
    ngx_http_pprof_capture_t   base;          /* a diff's base */
    ngx_http_pprof_cache_status_e  cache_status;
    ngx_uint_t                 generation;    /* of the key, waited on */
    ngx_event_t                wait;          /* polls a lock */
    time_t                     wait_until;
    ngx_msec_t                 started;       /* the upstream request's */
    void                      *peer_data;     /* the balancer's own */
    ngx_event_get_peer_pt      peer_get;
    ngx_event_free_peer_pt     peer_free;

    /* share links (access.c) */
    ngx_str_t                  link;          /* the token that let it in */
    ngx_str_t                  share;         /* the link offered, or "" */

    unsigned                   text:1;        /* upstream body is text */
    unsigned                   base_gone:1;   /* a diff's base is not */
    char                      *again;         /* the error page offers */
    unsigned                   logged:1;      /* the reason is in the log */
    unsigned                   locked:1;      /* holds its key's lock */
    unsigned                   running:1;     /* holds its target's */
    unsigned                   queued:1;      /* waits for the target */
    unsigned                   store:1;       /* the body is to be kept */
} ngx_http_pprof_ctx_t;


/*
 * A profile (or text) held in memory, rendered into a view.  Nothing in
 * it refers to a request or an upstream: everything comes from pool, so
 * that a capture kept elsewhere renders the same way.
 */
typedef struct {
    /* in */
    u_char                    *data;
    size_t                     len;
    ngx_http_pprof_query_t    *query;
    ngx_str_t                  links;         /* kept in every link */
    char                      *capture;       /* its ID: a stored one */
    char                      *base;          /* a diff: the base's ID */
    u_char                    *base_data;     /* and its profile */
    size_t                     base_len;
    char                      *again;         /* "capture again" query */
    char                      *share;         /* its share link, or NULL */
    ngx_pool_t                *pool;
    unsigned                   text:1;        /* debug=N text: a page */
    unsigned                   release:1;     /* data: freed once parsed */
    unsigned                   shared:1;      /* seen through a share link */

    /* out: 0 and the output, or an error status and its reason */
    ngx_uint_t                 status;
    ngx_str_t                  reason;
    ngx_chain_t               *out;
    size_t                     size;
    const char                *content_type;
} ngx_http_pprof_render_t;


typedef void (*ngx_http_pprof_job_done_pt)(ngx_http_pprof_job_t *job);

/* work done off the event loop (thread.c): see there */
struct ngx_http_pprof_job_s {
    ngx_http_pprof_render_t    rd;            /* rd.pool is the job's */
    ngx_int_t                  rc;            /* of the render */

    /* the capture's file: written from rd.data first, or read into it */
    ngx_http_pprof_cache_t    *cache;
    ngx_http_pprof_capture_t   capture;
    ngx_http_pprof_capture_t   base;          /* a diff's, with load */
    ngx_err_t                  err;
    const char                *failed;       /* what of the file failed */
    unsigned                   failed_base:1; /* the base's file */
    unsigned                   store:1;
    unsigned                   load:1;
    unsigned                   load_base:1;
    unsigned                   render:1;

    ngx_pool_t                *pool;          /* the job's own */
    ngx_http_request_t        *request;       /* event loop only */
    ngx_http_pprof_job_done_pt done;
};


extern ngx_module_t  ngx_http_pprof_module;


/* handler.c */
ngx_int_t ngx_http_pprof_handler(ngx_http_request_t *r);
ngx_http_pprof_ctx_t *ngx_http_pprof_ctx_get(ngx_http_request_t *r);
char *ngx_http_pprof_allow(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
ngx_int_t ngx_http_pprof_handler_add_variables(ngx_conf_t *cf);

/* access.c: who may look */
char *ngx_http_pprof_link_secret(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
ngx_int_t ngx_http_pprof_access_add(ngx_conf_t *cf,
    ngx_http_pprof_loc_conf_t *plcf);
ngx_int_t ngx_http_pprof_access_init(ngx_conf_t *cf);

/* target.c: pprof_pass with variables */
char *ngx_http_pprof_target_compile(ngx_conf_t *cf,
    ngx_http_pprof_loc_conf_t *plcf, ngx_str_t *path);
ngx_int_t ngx_http_pprof_target_eval(ngx_http_request_t *r,
    ngx_http_pprof_ctx_t *ctx);
const char *ngx_http_pprof_target_check(ngx_str_t *value, ngx_uint_t port,
    ngx_int_t *bad);

/* upstream.c */
ngx_int_t ngx_http_pprof_upstream_start(ngx_http_request_t *r,
    ngx_http_pprof_ctx_t *ctx);

/* filter.c: what reaches the client */
ngx_int_t ngx_http_pprof_filter_init(ngx_conf_t *cf);
ngx_int_t ngx_http_pprof_refuse(ngx_http_request_t *r, ngx_uint_t status);
ngx_int_t ngx_http_pprof_output(ngx_http_request_t *r,
    ngx_http_pprof_ctx_t *ctx, ngx_chain_t *out);
ngx_int_t ngx_http_pprof_filter_fail(ngx_http_request_t *r,
    ngx_http_pprof_ctx_t *ctx, ngx_uint_t status);

/* thread.c: work off the event loop */
ngx_http_pprof_job_t *ngx_http_pprof_job_create(ngx_http_request_t *r);
ngx_int_t ngx_http_pprof_job_run(ngx_http_request_t *r,
    ngx_http_pprof_job_t *job);

/* render.c: a profile in memory into a view */
ngx_int_t ngx_http_pprof_render(ngx_http_pprof_render_t *rd);
ngx_int_t ngx_http_pprof_report_check(ngx_pool_t *pool,
    const pprof_report_options_t *ro, pprof_error_t *err);
ngx_int_t ngx_http_pprof_render_page(ngx_pool_t *pool, char *title,
    ngx_str_t *text, char *again, ngx_chain_t **out, size_t *size);
ngx_int_t ngx_http_pprof_render_history(ngx_pool_t *pool,
    pprof_capture_entry_t *h, ngx_uint_t n, ngx_chain_t **out,
    size_t *size);
ngx_int_t ngx_http_pprof_render_index(ngx_pool_t *pool, char *title,
    pprof_index_t *index, char *history, ngx_chain_t **out, size_t *size);

/* error.c: a reason into a status, a page or a line, and a log line */
ngx_int_t ngx_http_pprof_reason(ngx_http_request_t *r, const char *fmt,
    ...);
ngx_uint_t ngx_http_pprof_upstream_reason(ngx_http_request_t *r,
    ngx_http_pprof_ctx_t *ctx);
ngx_int_t ngx_http_pprof_error(ngx_http_request_t *r,
    ngx_http_pprof_ctx_t *ctx, ngx_uint_t status, ngx_chain_t **out);

/* headers.c: the headers of our own responses */
void ngx_http_pprof_reset_headers(ngx_http_request_t *r, ngx_uint_t status,
    const char *type, size_t len, ngx_chain_t *out);
ngx_int_t ngx_http_pprof_add_header(ngx_http_request_t *r, char *key,
    ngx_str_t *value);
ngx_int_t ngx_http_pprof_set_filename(ngx_http_request_t *r,
    ngx_http_pprof_ctx_t *ctx);

/* capture.c: requests and the capture store */
ngx_int_t ngx_http_pprof_capture_handler(ngx_http_request_t *r,
    ngx_http_pprof_ctx_t *ctx);
ngx_int_t ngx_http_pprof_capture_history(ngx_http_request_t *r,
    ngx_http_pprof_ctx_t *ctx);
void ngx_http_pprof_capture_stored(ngx_http_request_t *r,
    ngx_http_pprof_ctx_t *ctx);
void ngx_http_pprof_capture_failed(ngx_http_request_t *r,
    ngx_http_pprof_ctx_t *ctx, ngx_uint_t status);
ngx_int_t ngx_http_pprof_capture_headers(ngx_http_request_t *r,
    ngx_http_pprof_ctx_t *ctx);
ngx_int_t ngx_http_pprof_capture_add_variables(ngx_conf_t *cf);
ngx_int_t ngx_http_pprof_capture_new_id(uint64_t *id);
ngx_int_t ngx_http_pprof_capture_links(ngx_http_request_t *r,
    ngx_http_pprof_render_t *rd, uint64_t id, uint64_t base);
ngx_int_t ngx_http_pprof_capture_share(ngx_http_request_t *r,
    ngx_http_pprof_ctx_t *ctx, uint64_t id);

/* cache.c: the store */
char *ngx_http_pprof_cache_path(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
ngx_int_t ngx_http_pprof_cache_get(ngx_http_pprof_cache_t *cache,
    uint64_t id, ngx_http_pprof_capture_t *out);
void ngx_http_pprof_cache_key_state(ngx_http_pprof_cache_t *cache,
    u_char *md5, ngx_http_pprof_key_state_t *st);
ngx_int_t ngx_http_pprof_cache_lock(ngx_http_pprof_cache_t *cache,
    u_char *md5, time_t deadline, ngx_http_pprof_key_state_t *st);
void ngx_http_pprof_cache_unlock(ngx_http_pprof_cache_t *cache, u_char *md5,
    uint64_t id, time_t time, ngx_uint_t status, ngx_str_t *reason);
ngx_int_t ngx_http_pprof_cache_target_acquire(ngx_http_pprof_cache_t *cache,
    uint64_t target, ngx_http_pprof_running_t *me, ngx_uint_t queue,
    ngx_uint_t waiting, ngx_http_pprof_running_t *running);
void ngx_http_pprof_cache_target_leave(ngx_http_pprof_cache_t *cache,
    uint64_t target);
void ngx_http_pprof_cache_target_release(ngx_http_pprof_cache_t *cache,
    uint64_t target);
ngx_int_t ngx_http_pprof_cache_add(ngx_http_pprof_cache_t *cache,
    ngx_http_pprof_capture_t *c, ngx_log_t *log);
ngx_uint_t ngx_http_pprof_cache_list(ngx_http_pprof_cache_t *cache,
    uint64_t target, ngx_http_pprof_capture_t *out, ngx_uint_t n);
ngx_int_t ngx_http_pprof_capture_path(ngx_http_pprof_cache_t *cache,
    uint64_t id, u_char *buf, ngx_uint_t tmp);
ngx_int_t ngx_http_pprof_capture_id_parse(u_char *p, size_t len,
    uint64_t *id);
ngx_int_t ngx_http_pprof_capture_id_split(u_char *p, size_t len,
    ngx_str_t *replica, uint64_t *id);
u_char *ngx_http_pprof_capture_id(ngx_http_pprof_cache_t *cache, u_char *buf,
    uint64_t id);
void ngx_http_pprof_capture_header(ngx_http_pprof_file_header_t *h,
    ngx_http_pprof_capture_t *c);
ngx_int_t ngx_http_pprof_capture_header_check(
    ngx_http_pprof_file_header_t *h);
void ngx_http_pprof_capture_from_header(ngx_http_pprof_capture_t *c,
    ngx_http_pprof_file_header_t *h, uint64_t id);

/* token.c */
ngx_http_pprof_token_t *ngx_http_pprof_token_add(ngx_conf_t *cf,
    ngx_str_t *path, const char *what);
ngx_int_t ngx_http_pprof_token_init_process(ngx_cycle_t *cycle);
void ngx_http_pprof_token_recheck(ngx_http_pprof_token_t *token);

/* ssl.c */
char *ngx_http_pprof_ssl_init(ngx_conf_t *cf,
    ngx_http_pprof_loc_conf_t *plcf);
ngx_int_t ngx_http_pprof_ssl_wrap_peers(ngx_conf_t *cf);


#endif /* _NGX_HTTP_PPROF_H_INCLUDED_ */
