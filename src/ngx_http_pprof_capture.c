
/*
 * Requests and the capture store (pprof_cache).  A request for a stored
 * name is served from the store when it can be: capture=ID always, a
 * bare request while its key's newest capture is younger than
 * pprof_cache_valid.  Otherwise it captures, one request per key: the
 * others wait for the key's lock (polled, as nginx's cache lock is) and
 * get what it made, or the same failure.  CPU profiles and traces also
 * wait for the target, which runs one at a time; at most
 * pprof_capture_queue of them wait, the rest get 429.  Whatever a request
 * holds or waits for is given back when it ends, however it ends.
 */


#include "ngx_http_pprof.h"

#include <ngx_md5.h>
#include <openssl/rand.h>


/* how often a waiting request looks at the lock it waits for */
#define NGX_HTTP_PPROF_WAIT_POLL  50


static ngx_int_t ngx_http_pprof_capture_lookup(ngx_http_request_t *r,
    ngx_http_pprof_ctx_t *ctx);
static ngx_int_t ngx_http_pprof_capture_base(ngx_http_request_t *r,
    ngx_http_pprof_ctx_t *ctx);
static ngx_int_t ngx_http_pprof_capture_lock(ngx_http_request_t *r,
    ngx_http_pprof_ctx_t *ctx);
static ngx_int_t ngx_http_pprof_capture_queue(ngx_http_request_t *r,
    ngx_http_pprof_ctx_t *ctx);
static ngx_int_t ngx_http_pprof_capture_run(ngx_http_request_t *r,
    ngx_http_pprof_ctx_t *ctx);
static ngx_int_t ngx_http_pprof_capture_wait(ngx_http_request_t *r,
    ngx_http_pprof_ctx_t *ctx);
static void ngx_http_pprof_capture_wait_handler(ngx_event_t *ev);
static ngx_int_t ngx_http_pprof_capture_serve(ngx_http_request_t *r,
    ngx_http_pprof_ctx_t *ctx);
static ngx_int_t ngx_http_pprof_capture_send_file(ngx_http_request_t *r,
    ngx_http_pprof_ctx_t *ctx);
static void ngx_http_pprof_capture_loaded(ngx_http_pprof_job_t *job);
static void ngx_http_pprof_capture_resume(ngx_http_request_t *r);
static ngx_int_t ngx_http_pprof_capture_send(ngx_http_request_t *r,
    ngx_http_pprof_ctx_t *ctx, ngx_http_pprof_job_t *job);
static ngx_int_t ngx_http_pprof_capture_gone(ngx_http_request_t *r,
    ngx_http_pprof_ctx_t *ctx, ngx_uint_t status, const char *why);
static time_t ngx_http_pprof_capture_deadline(ngx_http_request_t *r);
static void ngx_http_pprof_capture_key(ngx_http_request_t *r,
    ngx_http_pprof_ctx_t *ctx);
static ngx_int_t ngx_http_pprof_capture_id_string(ngx_http_request_t *r,
    ngx_http_pprof_cache_t *cache, uint64_t id, ngx_str_t *s);
static void ngx_http_pprof_capture_cleanup(void *data);
static ngx_int_t ngx_http_pprof_capture_status_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static ngx_int_t ngx_http_pprof_capture_id_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static ngx_int_t ngx_http_pprof_upstream_status_variable(
    ngx_http_request_t *r, ngx_http_variable_value_t *v, uintptr_t data);


static ngx_str_t  ngx_http_pprof_cache_statuses[] = {
    ngx_null_string,
    ngx_string("MISS"),
    ngx_string("HIT"),
    ngx_string("EXPIRED"),
    ngx_string("BYPASS"),
    ngx_string("UPDATING")
};


static ngx_http_variable_t  ngx_http_pprof_capture_vars[] = {

    { ngx_string("pprof_cache_status"), NULL,
      ngx_http_pprof_capture_status_variable, 0,
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("pprof_capture"), NULL,
      ngx_http_pprof_capture_id_variable, 0,
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("pprof_upstream_status"), NULL,
      ngx_http_pprof_upstream_status_variable, 0,
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

      ngx_http_null_variable
};


/* a request for a name the store keeps, in a location with pprof_cache */

ngx_int_t
ngx_http_pprof_capture_handler(ngx_http_request_t *r,
    ngx_http_pprof_ctx_t *ctx)
{
    ngx_int_t                   rc;
    ngx_pool_cleanup_t         *cln;
    ngx_http_pprof_loc_conf_t  *plcf;

    plcf = ngx_http_get_module_loc_conf(r, ngx_http_pprof_module);

    ctx->cache = plcf->cache_zone->data;

    cln = ngx_pool_cleanup_add(r->pool, 0);
    if (cln == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    cln->handler = ngx_http_pprof_capture_cleanup;
    cln->data = ctx;

    ngx_http_pprof_capture_key(r, ctx);

    rc = ngx_http_discard_request_body(r);

    if (rc != NGX_OK) {
        return rc;
    }

    /* every path below ends with ngx_http_finalize_request() */

    r->main->count++;

    rc = ngx_http_pprof_capture_lookup(r, ctx);

    ngx_http_finalize_request(r, rc);

    return NGX_DONE;
}


/* what the store has; returns what a content handler returns */

static ngx_int_t
ngx_http_pprof_capture_lookup(ngx_http_request_t *r,
    ngx_http_pprof_ctx_t *ctx)
{
    u_char                      *why;
    uint64_t                     target;
    ngx_http_pprof_query_t      *q;
    ngx_http_pprof_loc_conf_t   *plcf;
    ngx_http_pprof_key_state_t   st;

    q = &ctx->query;

    if (q->stored) {
        target = ctx->capture.target;

        /* another replica's: a router sends capture= to its replica */

        if (q->replica.len
            && (q->replica.len != ctx->cache->replica.len
                || ngx_strncmp(q->replica.data, ctx->cache->replica.data,
                               q->replica.len)
                   != 0))
        {
            why = ngx_pnalloc(r->pool, q->replica.len
                                       + ctx->cache->replica.len
                                       + sizeof("it was made by the replica "
                                                "\"\", this is \"\""));
            if (why == NULL) {
                return NGX_HTTP_INTERNAL_SERVER_ERROR;
            }

            (void) ngx_sprintf(why, "it was made by the replica \"%V\", "
                               "this is \"%V\"%Z", &q->replica,
                               &ctx->cache->replica);

            return ngx_http_pprof_capture_gone(r, ctx, NGX_HTTP_NOT_FOUND,
                                               (char *) why);
        }

        if (ngx_http_pprof_cache_get(ctx->cache, q->capture, &ctx->capture)
            != NGX_OK)
        {
            return ngx_http_pprof_capture_gone(r, ctx, NGX_HTTP_NOT_FOUND,
                       "expired or evicted, or it never existed");
        }

        if (ngx_strlen(ctx->capture.name) != q->name.len
            || ngx_strncmp(ctx->capture.name, q->name.data, q->name.len) != 0)
        {
            return ngx_http_pprof_capture_gone(r, ctx, NGX_HTTP_NOT_FOUND,
                       "it is a capture of another profile");
        }

        /* another node's capture is not served as this one's */

        if (ctx->capture.target != target) {
            return ngx_http_pprof_capture_gone(r, ctx, NGX_HTTP_NOT_FOUND,
                       "it is a capture of another target");
        }

        ctx->cache_status = NGX_HTTP_PPROF_CACHE_HIT;

        if (q->based) {
            return ngx_http_pprof_capture_base(r, ctx);
        }

        return ngx_http_pprof_capture_serve(r, ctx);
    }

    plcf = ngx_http_get_module_loc_conf(r, ngx_http_pprof_module);

    ctx->cache_status = NGX_HTTP_PPROF_CACHE_BYPASS;

    if (!q->refresh) {
        ngx_http_pprof_cache_key_state(ctx->cache, ctx->capture.key, &st);

        ctx->cache_status = NGX_HTTP_PPROF_CACHE_MISS;

        if (st.newest) {
            ctx->cache_status = NGX_HTTP_PPROF_CACHE_EXPIRED;

            if (ngx_time() - st.newest_time < plcf->cache_valid
                && ngx_http_pprof_cache_get(ctx->cache, st.newest,
                                            &ctx->capture)
                   == NGX_OK)
            {
                ctx->cache_status = NGX_HTTP_PPROF_CACHE_HIT;

                return ngx_http_pprof_capture_serve(r, ctx);
            }
        }
    }

    return ngx_http_pprof_capture_lock(r, ctx);
}


/*
 * A diff's base: a stored capture of the same profile and location as
 * the capture, both profiles (not debug=N text).  Gone: 404, as a gone
 * capture; another profile or location: 400, the request is wrong.
 */

static ngx_int_t
ngx_http_pprof_capture_base(ngx_http_request_t *r, ngx_http_pprof_ctx_t *ctx)
{
    ngx_http_pprof_query_t  *q;

    q = &ctx->query;

    if (ngx_http_pprof_cache_get(ctx->cache, q->base, &ctx->base) != NGX_OK) {
        ctx->base_gone = 1;
        return ngx_http_pprof_capture_gone(r, ctx, NGX_HTTP_NOT_FOUND,
                   "expired or evicted, or it never existed");
    }

    if (ngx_strcmp(ctx->base.name, ctx->capture.name) != 0) {
        (void) ngx_http_pprof_reason(r, "the base capture %V is a "
                                     "capture of %s, not of %V: a diff "
                                     "compares two captures of one profile",
                                     &q->base_arg, ctx->base.name, &q->name);
        return ngx_http_pprof_refuse(r, NGX_HTTP_BAD_REQUEST);
    }

    if (ctx->base.target != ctx->capture.target) {
        (void) ngx_http_pprof_reason(r, "the base capture %V is of "
                                     "another location's target: a diff "
                                     "compares captures of one target",
                                     &q->base_arg);
        return ngx_http_pprof_refuse(r, NGX_HTTP_BAD_REQUEST);
    }

    if (ctx->base.text || ctx->capture.text) {
        (void) ngx_http_pprof_reason(r, "a diff compares two profiles, not "
                                     "debug=N text: capture %V is text",
                                     ctx->capture.text ? &q->capture_arg
                                                       : &q->base_arg);
        return ngx_http_pprof_refuse(r, NGX_HTTP_BAD_REQUEST);
    }

    return ngx_http_pprof_capture_serve(r, ctx);
}


/* when a capture started now must be over, whatever happens to it */

static time_t
ngx_http_pprof_capture_deadline(ngx_http_request_t *r)
{
    ngx_http_pprof_loc_conf_t  *plcf;

    plcf = ngx_http_get_module_loc_conf(r, ngx_http_pprof_module);

    return ngx_time() + (time_t) ((plcf->upstream.connect_timeout
                                   + plcf->upstream.read_timeout) / 1000)
           + 1;
}


/* one capture of a key at a time: the others wait and get it */

static ngx_int_t
ngx_http_pprof_capture_lock(ngx_http_request_t *r, ngx_http_pprof_ctx_t *ctx)
{
    time_t                       deadline;
    ngx_http_pprof_key_state_t   st;

    deadline = ngx_http_pprof_capture_deadline(r);

    if (ngx_http_pprof_cache_lock(ctx->cache, ctx->capture.key, deadline,
                                  &st)
        == NGX_BUSY)
    {
        ctx->generation = st.generation;
        ctx->wait_until = deadline;

        return ngx_http_pprof_capture_wait(r, ctx);
    }

    ctx->locked = 1;

    return ngx_http_pprof_capture_queue(r, ctx);
}


/* CPU profiles and traces: one at a time a target */

static ngx_int_t
ngx_http_pprof_capture_queue(ngx_http_request_t *r, ngx_http_pprof_ctx_t *ctx)
{
    time_t                       left;
    ngx_int_t                    rc;
    ngx_str_t                    value;
    ngx_http_pprof_query_t      *q;
    ngx_http_pprof_running_t     me, running;
    ngx_http_pprof_loc_conf_t   *plcf;

    q = &ctx->query;

    if (!q->serial) {
        return ngx_http_pprof_capture_run(r, ctx);
    }

    plcf = ngx_http_get_module_loc_conf(r, ngx_http_pprof_module);

    ngx_memzero(&me, sizeof(ngx_http_pprof_running_t));
    ngx_memcpy(me.name, ctx->capture.name, sizeof(me.name));
    ngx_memcpy(me.args, ctx->capture.args, sizeof(me.args));

    /* it holds the target until it is done, or could not take longer */
    me.until = ngx_http_pprof_capture_deadline(r);

    /* net/http/pprof's defaults: 30 s of CPU profile, 1 s of trace */
    me.ends = ngx_time() + (q->seconds ? q->seconds
                            : (q->name.len == sizeof("trace") - 1 ? 1 : 30));

    rc = ngx_http_pprof_cache_target_acquire(ctx->cache, ctx->capture.target,
                                             &me, plcf->capture_queue,
                                             ctx->queued, &running);

    if (rc == NGX_OK) {
        ctx->queued = 0;
        ctx->running = 1;

        return ngx_http_pprof_capture_run(r, ctx);
    }

    if (rc == NGX_BUSY) {
        ctx->queued = 1;
        ctx->wait_until = running.until;

        return ngx_http_pprof_capture_wait(r, ctx);
    }

    left = running.ends - ngx_time();
    left = ngx_max(left, 1);

    value.data = ngx_pnalloc(r->pool, NGX_TIME_T_LEN);
    if (value.data == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    value.len = ngx_sprintf(value.data, "%T", left) - value.data;

    if (ngx_http_pprof_add_header(r, "Retry-After", &value) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    (void) ngx_http_pprof_reason(r, "%ui captures already wait for this "
                                 "APIServer, which runs one CPU profile or "
                                 "trace at a time: \"%s%s%s\" runs now and "
                                 "should end in %T s (pprof_capture_queue "
                                 "%ui)", plcf->capture_queue, running.name,
                                 running.args[0] ? "?" : "", running.args,
                                 left, plcf->capture_queue);

    return ngx_http_pprof_refuse(r, NGX_HTTP_TOO_MANY_REQUESTS);
}


/* the capture itself: the upstream request, its body kept and stored */

static ngx_int_t
ngx_http_pprof_capture_run(ngx_http_request_t *r, ngx_http_pprof_ctx_t *ctx)
{
    ctx->store = 1;

    r->read_event_handler = ngx_http_block_reading;

    return ngx_http_pprof_upstream_start(r, ctx);
}


static ngx_int_t
ngx_http_pprof_capture_wait(ngx_http_request_t *r, ngx_http_pprof_ctx_t *ctx)
{
    ctx->wait.handler = ngx_http_pprof_capture_wait_handler;
    ctx->wait.data = r;
    ctx->wait.log = r->connection->log;

    ngx_add_timer(&ctx->wait, NGX_HTTP_PPROF_WAIT_POLL);

    /* a client that goes away while it waits ends the request */
    r->read_event_handler = ngx_http_test_reading;
    r->write_event_handler = ngx_http_request_empty_handler;

    r->main->count++;

    return NGX_DONE;
}


static void
ngx_http_pprof_capture_wait_handler(ngx_event_t *ev)
{
    ngx_int_t                    rc;
    ngx_connection_t            *c;
    ngx_http_request_t          *r;
    ngx_http_pprof_ctx_t        *ctx;
    ngx_http_pprof_key_state_t   st;

    r = ev->data;
    c = r->connection;
    ctx = ngx_http_get_module_ctx(r, ngx_http_pprof_module);

    ngx_http_set_log_request(c->log, r);

    if (ctx->queued) {
        rc = ngx_http_pprof_capture_queue(r, ctx);
        goto done;
    }

    ngx_http_pprof_cache_key_state(ctx->cache, ctx->capture.key, &st);

    if (st.locked && st.generation == ctx->generation) {

        if (ngx_time() <= ctx->wait_until) {
            ngx_add_timer(&ctx->wait, NGX_HTTP_PPROF_WAIT_POLL);
            return;
        }
    }

    if (st.generation != ctx->generation && st.newest
        && ngx_http_pprof_cache_get(ctx->cache, st.newest, &ctx->capture)
           == NGX_OK)
    {
        /* what the request that held the lock made */
        ctx->cache_status = NGX_HTTP_PPROF_CACHE_UPDATING;
        rc = ngx_http_pprof_capture_serve(r, ctx);
        goto done;
    }

    if (st.generation != ctx->generation && st.failed_status
        && st.failed_generation == st.generation)
    {
        /* it failed: this request fails the same way */
        (void) ngx_http_pprof_reason(r, "%s", st.failed_reason);
        rc = ngx_http_pprof_refuse(r, st.failed_status);
        goto done;
    }

    /* the lock went without a capture (its holder ended): try again */

    rc = ngx_http_pprof_capture_lock(r, ctx);

done:

    /* NGX_DONE: what goes on (a new wait, the upstream) holds its own */

    ngx_http_finalize_request(r, rc);
    ngx_http_run_posted_requests(c);
}


/* a stored capture: its bytes (raw), or a view of it made by a job */

static ngx_int_t
ngx_http_pprof_capture_serve(ngx_http_request_t *r,
    ngx_http_pprof_ctx_t *ctx)
{
    ngx_int_t              rc;
    ngx_http_pprof_job_t  *job;

    ctx->text = ctx->capture.text;

    if (ctx->query.format == PPROF_FORMAT_RAW) {
        return ngx_http_pprof_capture_send_file(r, ctx);
    }

    job = ngx_http_pprof_job_create(r);
    if (job == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ctx->job = job;

    job->cache = ctx->cache;
    job->capture = ctx->capture;
    job->base = ctx->base;
    job->load = 1;
    job->load_base = ctx->query.based;
    job->render = 1;
    job->done = ngx_http_pprof_capture_loaded;

    job->rd.query = &ctx->query;
    job->rd.text = ctx->capture.text;
    job->rd.release = 1;

    if (ngx_http_pprof_capture_links(r, &job->rd, ctx->capture.node.key,
                                     ctx->query.based ? ctx->base.node.key
                                                      : 0)
        != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    r->write_event_handler = ngx_http_pprof_capture_resume;

    rc = ngx_http_pprof_job_run(r, job);

    if (rc == NGX_AGAIN) {
        r->main->count++;
        return NGX_DONE;
    }

    if (rc == NGX_ERROR) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_http_pprof_capture_send(r, ctx, job);
}


/* the profile as the APIServer sent it, from its file */

static ngx_int_t
ngx_http_pprof_capture_send_file(ngx_http_request_t *r,
    ngx_http_pprof_ctx_t *ctx)
{
    u_char         *path;
    ngx_buf_t      *b;
    ngx_str_t       name;
    ngx_chain_t     out;
    ngx_open_file_info_t       of;
    ngx_http_core_loc_conf_t  *clcf;

    path = ngx_pnalloc(r->pool, NGX_MAX_PATH);
    if (path == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (ngx_http_pprof_capture_path(ctx->cache, ctx->capture.node.key, path,
                                    0)
        != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    name.data = path;
    name.len = ngx_strlen(path);

    clcf = ngx_http_get_module_loc_conf(r, ngx_http_core_module);

    ngx_memzero(&of, sizeof(ngx_open_file_info_t));

    of.read_ahead = clcf->read_ahead;
    of.directio = NGX_MAX_OFF_T_VALUE;
    of.valid = clcf->open_file_cache_valid;
    of.min_uses = clcf->open_file_cache_min_uses;
    of.errors = clcf->open_file_cache_errors;
    of.events = clcf->open_file_cache_events;

    if (ngx_open_cached_file(NULL, &name, &of, r->pool) != NGX_OK) {
        return ngx_http_pprof_capture_gone(r, ctx, NGX_HTTP_NOT_FOUND,
                   "its file is gone");
    }

    if (of.size != (off_t) (sizeof(ngx_http_pprof_file_header_t)
                            + ctx->capture.size))
    {
        return ngx_http_pprof_capture_gone(r, ctx, NGX_HTTP_NOT_FOUND,
                   "its file changed");
    }

    b = ngx_calloc_buf(r->pool);
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    b->file = ngx_pcalloc(r->pool, sizeof(ngx_file_t));
    if (b->file == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    b->file_pos = sizeof(ngx_http_pprof_file_header_t);
    b->file_last = of.size;
    b->in_file = 1;
    b->last_buf = 1;
    b->last_in_chain = 1;

    b->file->fd = of.fd;
    b->file->name = name;
    b->file->log = r->connection->log;
    b->file->directio = of.is_directio;

    out.buf = b;
    out.next = NULL;

    ngx_http_pprof_reset_headers(r, NGX_HTTP_OK,
                                 ctx->text ? "text/plain; charset=utf-8"
                                           : "application/octet-stream",
                                 ctx->capture.size, NULL);

    if (ngx_http_pprof_set_filename(r, ctx) != NGX_OK
        || ngx_http_pprof_capture_headers(r, ctx) != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_http_pprof_output(r, ctx, &out);
}


/*
 * The page of a stored capture: every link leads to it (capture=ID), and
 * "capture again" to a new one with the same arguments; where links are
 * signed, "share link" to a link for others.  Seen through a share link,
 * every link keeps it, and there is nothing to capture or to share.
 */

ngx_int_t
ngx_http_pprof_capture_links(ngx_http_request_t *r,
    ngx_http_pprof_render_t *rd, uint64_t id, uint64_t base)
{
    u_char                  *p;
    ngx_str_t                id_str, base_str;
    ngx_http_pprof_ctx_t    *ctx;
    ngx_http_pprof_query_t  *q;

    ctx = ngx_http_get_module_ctx(r, ngx_http_pprof_module);
    q = rd->query;

    if (ngx_http_pprof_capture_id_string(r, ctx->cache, id, &id_str)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    rd->capture = (char *) id_str.data;
    base_str.len = 0;

    if (base) {
        /* a diff's links keep its base, and its page names it */

        if (ngx_http_pprof_capture_id_string(r, ctx->cache, base, &base_str)
            != NGX_OK)
        {
            return NGX_ERROR;
        }

        rd->base = (char *) base_str.data;
    }

    p = ngx_pnalloc(r->pool, sizeof("capture=&link=&" PPROF_ARG_BASE "=")
                             + sizeof("&" PPROF_ARG_BASE_MODE "=subtract")
                             - 2 + id_str.len + base_str.len
                             + ctx->link.len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    rd->links.data = p;
    p = ngx_sprintf(p, "capture=%V", &id_str);

    if (base) {
        p = ngx_sprintf(p, "&" PPROF_ARG_BASE "=%V", &base_str);

        if (q->base_mode == PPROF_BASE_SUBTRACT) {
            p = ngx_cpymem(p, "&" PPROF_ARG_BASE_MODE "=subtract",
                           sizeof("&" PPROF_ARG_BASE_MODE "=subtract") - 1);
        }
    }

    if (ctx->link.len) {
        p = ngx_sprintf(p, "&link=%V", &ctx->link);
    }

    rd->links.len = p - rd->links.data;

    if (ctx->link.len) {
        rd->shared = 1;
        return NGX_OK;
    }

    p = ngx_pnalloc(r->pool, q->args.len + sizeof("&refresh=1"));
    if (p == NULL) {
        return NGX_ERROR;
    }

    rd->again = (char *) p;

    if (q->args.len) {
        p = ngx_sprintf(p, "%V&", &q->args);
    }

    (void) ngx_sprintf(p, "refresh=1%Z");

    if (ngx_http_pprof_capture_share(r, ctx, id) != NGX_OK) {
        return NGX_ERROR;
    }

    if (ctx->share.len) {
        rd->share = ngx_pnalloc(r->pool, ctx->share.len + 1);
        if (rd->share == NULL) {
            return NGX_ERROR;
        }

        (void) ngx_cpystrn((u_char *) rd->share, ctx->share.data,
                           ctx->share.len + 1);
    }

    return NGX_OK;
}


/*
 * ctx->share: a share link to capture id, the request's path and the
 * query "capture=ID&link=TOKEN", made once a request; "" where links are
 * not signed, for a request let in by a link, or while the secret file
 * holds none.
 */

ngx_int_t
ngx_http_pprof_capture_share(ngx_http_request_t *r, ngx_http_pprof_ctx_t *ctx,
    uint64_t id)
{
    u_char                     *p;
    size_t                      n;
    ngx_str_t                  *key, id_str;
    ngx_http_pprof_loc_conf_t  *plcf;
    u_char                      token[NGX_HTTP_PPROF_LINK_MAX];

    plcf = ngx_http_get_module_loc_conf(r, ngx_http_pprof_module);

    if (ctx->share.len || ctx->link.len || plcf->link_secret == NULL) {
        return NGX_OK;
    }

    key = &plcf->link_secret->token;

    if (key->len == 0) {
        return NGX_OK;
    }

    n = ngx_http_pprof_link_sign(key->data, key->len, plcf->location.data,
                                 plcf->location.len, id,
                                 (int64_t) (ngx_time() + plcf->link_ttl),
                                 token);
    if (n == 0) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "pprof: a share link could not be signed");
        return NGX_OK;
    }

    if (ngx_http_pprof_capture_id_string(r, ctx->cache, id, &id_str)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    /* the path as the client may send it again: escaped */

    p = ngx_pnalloc(r->pool, r->uri.len
                             + 2 * ngx_escape_uri(NULL, r->uri.data,
                                                  r->uri.len,
                                                  NGX_ESCAPE_URI)
                             + sizeof("?capture=&link=") - 1
                             + id_str.len + n);
    if (p == NULL) {
        return NGX_ERROR;
    }

    ctx->share.data = p;
    p = (u_char *) ngx_escape_uri(p, r->uri.data, r->uri.len, NGX_ESCAPE_URI);
    p = ngx_sprintf(p, "?capture=%V&link=%*s", &id_str, n, token);
    ctx->share.len = p - ctx->share.data;

    return NGX_OK;
}


/* on the event loop, the view of a stored capture is made */

static void
ngx_http_pprof_capture_loaded(ngx_http_pprof_job_t *job)
{
    job->request->write_event_handler(job->request);
}


static void
ngx_http_pprof_capture_resume(ngx_http_request_t *r)
{
    ngx_http_pprof_ctx_t  *ctx;

    /*
     * The connection may turn writable while the job still runs (the
     * previous response on it is flushed, say): the job's end calls
     * this again.  Going on now sent a view not yet rendered (a crash).
     */

    if (r->aio) {
        return;
    }

    ctx = ngx_http_get_module_ctx(r, ngx_http_pprof_module);

    r->write_event_handler = ngx_http_request_empty_handler;

    ngx_http_finalize_request(r, ngx_http_pprof_capture_send(r, ctx,
                                                             ctx->job));
}


static ngx_int_t
ngx_http_pprof_capture_send(ngx_http_request_t *r, ngx_http_pprof_ctx_t *ctx,
    ngx_http_pprof_job_t *job)
{
    ngx_http_pprof_render_t  *rd;

    rd = &job->rd;

    if (job->failed) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, job->err,
                      "pprof: capture %016xL %s",
                      job->failed_base ? job->base.node.key
                                       : job->capture.node.key,
                      job->failed);

        ctx->base_gone = job->failed_base;

        return ngx_http_pprof_capture_gone(r, ctx, NGX_HTTP_NOT_FOUND,
                   "its file cannot be read");
    }

    if (job->rc != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (rd->status) {
        ctx->reason = rd->reason;
        return ngx_http_pprof_refuse(r, rd->status);
    }

    ngx_http_pprof_reset_headers(r, NGX_HTTP_OK, rd->content_type, rd->size,
                                 rd->out);

    if (ngx_http_pprof_capture_headers(r, ctx) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_http_pprof_output(r, ctx, rd->out);
}


/* an ID the store does not have (any more) */

static ngx_int_t
ngx_http_pprof_capture_gone(ngx_http_request_t *r, ngx_http_pprof_ctx_t *ctx,
    ngx_uint_t status, const char *why)
{
    u_char     *p;
    ngx_str_t   id;

    /* the ID as the client gave it, or the one that was found */

    if (ctx->base_gone) {
        id = ctx->query.base_arg;

    } else if (ctx->query.stored) {
        id = ctx->query.capture_arg;

    } else if (ngx_http_pprof_capture_id_string(r, ctx->cache,
                                                ctx->capture.node.key, &id)
               != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    /* the page offers a new capture with the same arguments: not to a link */

    if (ctx->link.len) {
        (void) ngx_http_pprof_reason(r, "capture %V of %V is not in the "
                                     "store: %s; the share link leads "
                                     "nowhere now", &id, &ctx->query.name,
                                     why);

        return ngx_http_pprof_refuse(r, status);
    }

    p = ngx_pnalloc(r->pool, ctx->query.args.len + sizeof("&refresh=1"));
    if (p == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ctx->again = (char *) p;

    if (ctx->query.args.len) {
        p = ngx_sprintf(p, "%V&", &ctx->query.args);
    }

    (void) ngx_sprintf(p, "refresh=1%Z");

    (void) ngx_http_pprof_reason(r, "%scapture %V of %V is not in the "
                                 "store: %s; capture anew with "
                                 "%V?refresh=1",
                                 ctx->base_gone ? "the base " : "", &id,
                                 &ctx->query.name, why, &ctx->query.name);

    return ngx_http_pprof_refuse(r, status);
}


/* X-Pprof-Cache and X-Pprof-Capture */

ngx_int_t
ngx_http_pprof_capture_headers(ngx_http_request_t *r,
    ngx_http_pprof_ctx_t *ctx)
{
    ngx_str_t  value;

    if (ctx->cache_status == NGX_HTTP_PPROF_CACHE_NONE) {
        return NGX_OK;
    }

    if (ngx_http_pprof_add_header(r, "X-Pprof-Cache",
                 &ngx_http_pprof_cache_statuses[ctx->cache_status])
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    if (ctx->capture.node.key == 0) {
        return NGX_OK;
    }

    if (ngx_http_pprof_capture_id_string(r, ctx->cache,
                                         ctx->capture.node.key, &value)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    if (ngx_http_pprof_add_header(r, "X-Pprof-Capture", &value) != NGX_OK) {
        return NGX_ERROR;
    }

    /* scripts get the link the page offers (made here for raw ones) */

    if (ngx_http_pprof_capture_share(r, ctx, ctx->capture.node.key)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    if (ctx->share.len == 0) {
        return NGX_OK;
    }

    return ngx_http_pprof_add_header(r, "X-Pprof-Share-Link", &ctx->share);
}


/* the ID as clients see it, NUL-terminated, from the request's pool */

static ngx_int_t
ngx_http_pprof_capture_id_string(ngx_http_request_t *r,
    ngx_http_pprof_cache_t *cache, uint64_t id, ngx_str_t *s)
{
    u_char  *p;

    s->data = ngx_pnalloc(r->pool, NGX_HTTP_PPROF_CAPTURE_ID_MAX + 1);
    if (s->data == NULL) {
        return NGX_ERROR;
    }

    p = ngx_http_pprof_capture_id(cache, s->data, id);
    *p = '\0';
    s->len = p - s->data;

    return NGX_OK;
}


/*
 * The filter has the whole profile and the job stored it (or could not):
 * the store knows it, the waiters get it, the target is free.
 */

void
ngx_http_pprof_capture_stored(ngx_http_request_t *r,
    ngx_http_pprof_ctx_t *ctx)
{
    ngx_http_pprof_job_t  *job;

    job = ctx->job;

    if (job->failed) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, job->err,
                      "pprof: capture %016xL not stored: %s; it is served "
                      "all the same", job->capture.node.key, job->failed);
        ctx->capture.node.key = 0;

    } else if (ngx_http_pprof_cache_add(ctx->cache, &job->capture,
                                        r->connection->log)
               != NGX_OK)
    {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "pprof: capture %016xL not stored: no room in the "
                      "zone \"%V\"", job->capture.node.key, &ctx->cache->name);
        ctx->capture.node.key = 0;

    } else {
        ctx->capture = job->capture;
    }

    if (ctx->locked) {
        ngx_http_pprof_cache_unlock(ctx->cache, ctx->capture.key,
                                    ctx->capture.node.key, ctx->capture.time,
                                    0, NULL);
        ctx->locked = 0;
    }

    if (ctx->running) {
        ngx_http_pprof_cache_target_release(ctx->cache, ctx->capture.target);
        ctx->running = 0;
    }
}


/* the capture failed: those waiting for it fail the same way */

void
ngx_http_pprof_capture_failed(ngx_http_request_t *r,
    ngx_http_pprof_ctx_t *ctx, ngx_uint_t status)
{
    if (ctx->locked) {
        ngx_http_pprof_cache_unlock(ctx->cache, ctx->capture.key, 0, 0,
                                    status, &ctx->reason);
        ctx->locked = 0;
    }

    if (ctx->running) {
        ngx_http_pprof_cache_target_release(ctx->cache, ctx->capture.target);
        ctx->running = 0;
    }
}


/*
 * The key: the target (the upstream as configured and the prefix, its
 * variables evaluated: each node its own), the name and the capture
 * arguments as they are sent; the ID is new.
 */

static void
ngx_http_pprof_capture_key(ngx_http_request_t *r, ngx_http_pprof_ctx_t *ctx)
{
    u_char                      md5[16];
    ngx_md5_t                   m;
    ngx_http_pprof_query_t     *q;
    ngx_http_pprof_capture_t   *c;
    ngx_http_pprof_loc_conf_t  *plcf;

    plcf = ngx_http_get_module_loc_conf(r, ngx_http_pprof_module);
    q = &ctx->query;
    c = &ctx->capture;

    ngx_md5_init(&m);
    ngx_md5_update(&m, plcf->url.data, plcf->url.len);
    ngx_md5_update(&m, "|", 1);
    ngx_md5_update(&m, ctx->prefix.data, ctx->prefix.len);
    ngx_md5_final(md5, &m);

    ngx_memcpy(&c->target, md5, sizeof(uint64_t));

    ngx_md5_init(&m);
    ngx_md5_update(&m, md5, sizeof(md5));
    ngx_md5_update(&m, "|", 1);
    ngx_md5_update(&m, q->name.data, q->name.len);
    ngx_md5_update(&m, "?", 1);
    ngx_md5_update(&m, q->args.data, q->args.len);
    ngx_md5_final(c->key, &m);

    ngx_memcpy(c->name, q->name.data,
               ngx_min(q->name.len, sizeof(c->name) - 1));
    ngx_memcpy(c->args, q->args.data,
               ngx_min(q->args.len, sizeof(c->args) - 1));
}


/* a new capture's ID: 64 random bits, never 0 */

ngx_int_t
ngx_http_pprof_capture_new_id(uint64_t *id)
{
    do {
        if (RAND_bytes((u_char *) id, sizeof(uint64_t)) != 1) {
            return NGX_ERROR;
        }
    } while (*id == 0);

    return NGX_OK;
}


/* whatever the request held or waited for, however it ended */

static void
ngx_http_pprof_capture_cleanup(void *data)
{
    ngx_http_pprof_ctx_t  *ctx = data;

    static ngx_str_t  gone = ngx_string("the request that made the capture "
                                        "ended before it was complete");

    if (ctx->wait.timer_set) {
        ngx_del_timer(&ctx->wait);
    }

    if (ctx->queued) {
        ngx_http_pprof_cache_target_leave(ctx->cache, ctx->capture.target);
    }

    if (ctx->locked) {
        ngx_http_pprof_cache_unlock(ctx->cache, ctx->capture.key, 0, 0, 0,
                                    &gone);
    }

    if (ctx->running) {
        ngx_http_pprof_cache_target_release(ctx->cache, ctx->capture.target);
    }
}


/* the location's stored captures, newest first */

ngx_int_t
ngx_http_pprof_capture_history(ngx_http_request_t *r,
    ngx_http_pprof_ctx_t *ctx)
{
    size_t                      size;
    ngx_uint_t                  i, n;
    ngx_chain_t                *out;
    pprof_capture_entry_t      *entries;
    ngx_http_pprof_capture_t   *list;
    ngx_str_t                   id;
    ngx_http_pprof_loc_conf_t  *plcf;

    plcf = ngx_http_get_module_loc_conf(r, ngx_http_pprof_module);

    if (plcf->cache_zone == NULL) {
        (void) ngx_http_pprof_reason(r, "no capture history here: "
                                     "pprof_cache is off");
        return ngx_http_pprof_refuse(r, NGX_HTTP_NOT_FOUND);
    }

    ctx->cache = plcf->cache_zone->data;

    ngx_http_pprof_capture_key(r, ctx);

    list = ngx_palloc(r->pool, NGX_HTTP_PPROF_HISTORY_MAX
                               * sizeof(ngx_http_pprof_capture_t));
    entries = ngx_palloc(r->pool, NGX_HTTP_PPROF_HISTORY_MAX
                                  * sizeof(pprof_capture_entry_t));
    if (list == NULL || entries == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    n = ngx_http_pprof_cache_list(ctx->cache, ctx->capture.target, list,
                                  NGX_HTTP_PPROF_HISTORY_MAX);

    for (i = 0; i < n; i++) {
        if (ngx_http_pprof_capture_id_string(r, ctx->cache,
                                             list[i].node.key, &id)
            != NGX_OK)
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        entries[i].id = (char *) id.data;
        entries[i].name = (char *) list[i].name;
        entries[i].args = (char *) list[i].args;
        entries[i].time = list[i].time;
        entries[i].duration_ms = list[i].duration;
        entries[i].size = list[i].size;
        entries[i].text = list[i].text;
    }

    if (ngx_http_pprof_render_history(r->pool, entries, n, &out, &size)
        != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_http_pprof_reset_headers(r, NGX_HTTP_OK, "text/html; charset=utf-8",
                                 size, out);

    return ngx_http_pprof_output(r, ctx, out);
}


ngx_int_t
ngx_http_pprof_capture_add_variables(ngx_conf_t *cf)
{
    ngx_http_variable_t  *var, *v;

    for (v = ngx_http_pprof_capture_vars; v->name.len; v++) {
        var = ngx_http_add_variable(cf, &v->name, v->flags);
        if (var == NULL) {
            return NGX_ERROR;
        }

        var->get_handler = v->get_handler;
        var->data = v->data;
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_pprof_capture_status_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    ngx_http_pprof_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_pprof_module);

    if (ctx == NULL || ctx->cache_status == NGX_HTTP_PPROF_CACHE_NONE) {
        v->not_found = 1;
        return NGX_OK;
    }

    v->len = ngx_http_pprof_cache_statuses[ctx->cache_status].len;
    v->data = ngx_http_pprof_cache_statuses[ctx->cache_status].data;
    v->valid = 1;
    v->no_cacheable = 0;
    v->not_found = 0;

    return NGX_OK;
}


static ngx_int_t
ngx_http_pprof_capture_id_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    ngx_str_t              id;
    ngx_http_pprof_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_pprof_module);

    if (ctx == NULL || ctx->capture.node.key == 0
        || ctx->cache_status == NGX_HTTP_PPROF_CACHE_NONE)
    {
        v->not_found = 1;
        return NGX_OK;
    }

    if (ngx_http_pprof_capture_id_string(r, ctx->cache,
                                         ctx->capture.node.key, &id)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    v->data = id.data;
    v->len = id.len;
    v->valid = 1;
    v->no_cacheable = 0;
    v->not_found = 0;

    return NGX_OK;
}


/* $pprof_upstream_status: what the APIServer answered; none from the store */

static ngx_int_t
ngx_http_pprof_upstream_status_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    ngx_http_pprof_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_pprof_module);

    if (ctx == NULL || ctx->upstream_status == 0) {
        v->not_found = 1;
        return NGX_OK;
    }

    v->data = ngx_pnalloc(r->pool, NGX_INT_T_LEN);
    if (v->data == NULL) {
        return NGX_ERROR;
    }

    v->len = ngx_sprintf(v->data, "%ui", ctx->upstream_status) - v->data;
    v->valid = 1;
    v->no_cacheable = 0;
    v->not_found = 0;

    return NGX_OK;
}
