
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
static void ngx_http_pprof_job_store(ngx_http_pprof_job_t *job);
static u_char *ngx_http_pprof_job_load(ngx_http_pprof_job_t *job,
    ngx_http_pprof_capture_t *capture);
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
    job->rc = NGX_OK;

    if (job->store) {
        ngx_http_pprof_job_store(job);
    }

    if (job->load) {
        job->rd.data = ngx_http_pprof_job_load(job, &job->capture);
        job->rd.len = job->capture.size;

        if (job->failed) {
            return;
        }
    }

    if (job->load_base) {
        job->rd.base_data = ngx_http_pprof_job_load(job, &job->base);
        job->rd.base_len = job->base.size;

        if (job->failed) {
            job->failed_base = 1;
            return;
        }
    }

    if (job->render) {
        job->rc = ngx_http_pprof_render(&job->rd);
    }
}


/*
 * The capture's file, written whole under a temporary name, then renamed:
 * a reader or a restart sees all of it or nothing.  A failure is kept for
 * the event loop to log; the capture is served all the same.
 */

static void
ngx_http_pprof_job_store(ngx_http_pprof_job_t *job)
{
    u_char                        tmp[NGX_MAX_PATH], path[NGX_MAX_PATH];
    ssize_t                       n;
    ngx_fd_t                      fd;
    struct iovec                  iov[2];
    ngx_http_pprof_file_header_t  h;

    if (ngx_http_pprof_capture_path(job->cache, job->capture.node.key, tmp,
                                    1)
        != NGX_OK
        || ngx_http_pprof_capture_path(job->cache, job->capture.node.key,
                                       path, 0)
           != NGX_OK)
    {
        job->failed = "has a path too long";
        return;
    }

    ngx_http_pprof_capture_header(&h, &job->capture);

    fd = ngx_open_file(tmp, NGX_FILE_WRONLY, NGX_FILE_TRUNCATE,
                       NGX_FILE_DEFAULT_ACCESS);

    if (fd == NGX_INVALID_FILE) {
        job->err = ngx_errno;
        job->failed = "cannot be created in the cache directory";
        return;
    }

    iov[0].iov_base = (void *) &h;
    iov[0].iov_len = sizeof(h);
    iov[1].iov_base = (void *) job->rd.data;
    iov[1].iov_len = job->rd.len;

    n = writev(fd, iov, 2);

    if (n != (ssize_t) (sizeof(h) + job->rd.len)) {
        job->err = (n == -1) ? ngx_errno : 0;
        job->failed = "cannot be written whole (is the disk full?)";
    }

    if (ngx_close_file(fd) == NGX_FILE_ERROR && job->failed == NULL) {
        job->err = ngx_errno;
        job->failed = "cannot be closed";
    }

    if (job->failed == NULL && ngx_rename_file(tmp, path) == NGX_FILE_ERROR)
    {
        job->err = ngx_errno;
        job->failed = "cannot be renamed into place";
    }

    if (job->failed) {
        (void) ngx_delete_file(tmp);
    }
}


/* a capture's profile (capture->size bytes), read into the job's pool */

static u_char *
ngx_http_pprof_job_load(ngx_http_pprof_job_t *job,
    ngx_http_pprof_capture_t *capture)
{
    u_char                        path[NGX_MAX_PATH];
    u_char                       *p;
    ssize_t                       n;
    ngx_fd_t                      fd;
    uint64_t                      id;
    ngx_file_info_t               fi;
    ngx_http_pprof_file_header_t  h;

    id = capture->node.key;

    if (ngx_http_pprof_capture_path(job->cache, id, path, 0) != NGX_OK) {
        job->failed = "has a path too long";
        return NULL;
    }

    fd = ngx_open_file(path, NGX_FILE_RDONLY, NGX_FILE_OPEN, 0);

    if (fd == NGX_INVALID_FILE) {
        job->err = ngx_errno;
        job->failed = "cannot be opened";
        return NULL;
    }

    p = NULL;

    if (ngx_fd_info(fd, &fi) == NGX_FILE_ERROR) {
        job->err = ngx_errno;
        job->failed = "cannot be examined";

    } else if (pread(fd, &h, sizeof(h), 0) != (ssize_t) sizeof(h)
               || ngx_http_pprof_capture_header_check(&h) != NGX_OK
               || (off_t) h.size != capture->size
               || ngx_file_size(&fi) != (off_t) (sizeof(h) + h.size))
    {
        job->failed = "is not the capture the index knows";

    } else {
        p = ngx_palloc(job->pool, h.size);

        if (p == NULL) {
            job->failed = "does not fit in memory";

        } else {
            n = pread(fd, p, h.size, sizeof(h));

            if (n != (ssize_t) h.size) {
                job->err = (n == -1) ? ngx_errno : 0;
                job->failed = "cannot be read whole";
            }
        }
    }

    (void) ngx_close_file(fd);

    return job->failed ? NULL : p;
}


static void
ngx_http_pprof_job_cleanup(void *data)
{
    ngx_http_pprof_job_t  *job = data;

    ngx_destroy_pool(job->pool);
}
