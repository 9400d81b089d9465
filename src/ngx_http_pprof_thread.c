
/*
 * Work off the event loop.  A job renders a profile held in memory (and,
 * with the capture store, writes or reads its file first) as a thread
 * task of pprof_thread_pool, or on the worker when it is off.  The job
 * owns its pool: the task never touches the request or its pool, and
 * the output it leaves is freed with the request.  While the task runs
 * the request is blocked, as nginx's own thread reads block it, so that
 * a client that goes away cannot free what the task reads.
 */


#include "ngx_http_pprof.h"


#if (NGX_THREADS)
static void ngx_http_pprof_job_thread(void *data, ngx_log_t *log);
static void ngx_http_pprof_job_event(ngx_event_t *ev);
#endif
static void ngx_http_pprof_job_work(ngx_http_pprof_job_t *job);
static void ngx_http_pprof_job_cleanup(void *data);


ngx_http_pprof_job_t *
ngx_http_pprof_job_create(ngx_http_request_t *r)
{
    ngx_pool_cleanup_t    *cln;
    ngx_http_pprof_job_t  *job;

    job = ngx_pcalloc(r->pool, sizeof(ngx_http_pprof_job_t));
    if (job == NULL) {
        return NULL;
    }

    cln = ngx_pool_cleanup_add(r->pool, 0);
    if (cln == NULL) {
        return NULL;
    }

    job->pool = ngx_create_pool(NGX_DEFAULT_POOL_SIZE, ngx_cycle->log);
    if (job->pool == NULL) {
        return NULL;
    }

    cln->handler = ngx_http_pprof_job_cleanup;
    cln->data = job;

    job->request = r;
    job->rd.pool = job->pool;

    return job;
}


/*
 * NGX_OK: the job ran on the worker, its result is in job->rd; NGX_AGAIN:
 * it was posted, and job->done(job) is called on the event loop when it
 * has run, after r->write_event_handler is back in charge.
 */

ngx_int_t
ngx_http_pprof_job_run(ngx_http_request_t *r, ngx_http_pprof_job_t *job)
{
#if (NGX_THREADS)
    ngx_thread_task_t          *task;
    ngx_http_pprof_loc_conf_t  *plcf;

    plcf = ngx_http_get_module_loc_conf(r, ngx_http_pprof_module);

    if (plcf->thread_pool) {
        task = ngx_thread_task_alloc(r->pool, 0);
        if (task == NULL) {
            return NGX_ERROR;
        }

        task->ctx = job;
        task->handler = ngx_http_pprof_job_thread;
        task->event.data = job;
        task->event.handler = ngx_http_pprof_job_event;

        if (ngx_thread_task_post(plcf->thread_pool, task) != NGX_OK) {
            return NGX_ERROR;
        }

        r->main->blocked++;
        r->aio = 1;

        return NGX_AGAIN;
    }
#endif

    ngx_http_pprof_job_work(job);

    return NGX_OK;
}


#if (NGX_THREADS)

static void
ngx_http_pprof_job_thread(void *data, ngx_log_t *log)
{
    ngx_http_pprof_job_t  *job = data;

    ngx_http_pprof_job_work(job);
}


static void
ngx_http_pprof_job_event(ngx_event_t *ev)
{
    ngx_http_pprof_job_t  *job = ev->data;

    ngx_connection_t    *c;
    ngx_http_request_t  *r;

    r = job->request;
    c = r->connection;

    ngx_http_set_log_request(c->log, r);

    ngx_log_debug2(NGX_LOG_DEBUG_HTTP, c->log, 0,
                   "pprof: job done: \"%V?%V\"", &r->uri, &r->args);

    r->main->blocked--;
    r->aio = 0;

    job->done(job);

    ngx_http_run_posted_requests(c);
}

#endif


/* what a job does, wherever it runs: nothing here may touch the request */

static void
ngx_http_pprof_job_work(ngx_http_pprof_job_t *job)
{
    job->rc = ngx_http_pprof_render(&job->rd);
}


static void
ngx_http_pprof_job_cleanup(void *data)
{
    ngx_http_pprof_job_t  *job = data;

    ngx_destroy_pool(job->pool);
}
