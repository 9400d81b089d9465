
/*
 * The capture store: pprof_cache_path.  Each capture is a file named by
 * its ID in the directory, a header then the bytes the APIServer sent;
 * the index of them all is in a shared memory zone (slab, rbtrees, LRU
 * queue, as ngx_http_file_cache.c keeps its own), so every worker sees
 * every capture, and it survives a reload.  At start or after a restart
 * the index is rebuilt from the files; the cache manager evicts by
 * inactive and max_size.
 *
 * Besides the captures the zone holds, per key (what defines a capture:
 * target, profile name, capture arguments), the newest capture and a
 * lock that collapses concurrent captures of it into one, and per target
 * the CPU profile or trace running there, since the Go runtime runs one
 * at a time.  Locks have deadlines: a worker that dies holding one does
 * not hold it for ever.
 *
 * Nothing here knows of requests: capture.c drives it, thread.c writes
 * and reads the files with the helpers at the end.
 */


#include "ngx_http_pprof.h"


#define NGX_HTTP_PPROF_CACHE_MAGIC    0x46525050   /* "PPRF" */
#define NGX_HTTP_PPROF_CACHE_VERSION  1


static ngx_int_t ngx_http_pprof_cache_init(ngx_shm_zone_t *shm_zone,
    void *data);
static void ngx_http_pprof_cache_load(ngx_http_pprof_cache_t *cache,
    ngx_log_t *log);
static ngx_int_t ngx_http_pprof_cache_load_file(
    ngx_http_pprof_cache_t *cache, ngx_str_t *name, ngx_log_t *log);
static ngx_msec_t ngx_http_pprof_cache_manager(void *data);
static void ngx_http_pprof_cache_rbtree_insert(ngx_rbtree_node_t *temp,
    ngx_rbtree_node_t *node, ngx_rbtree_node_t *sentinel);
static ngx_http_pprof_capture_t *ngx_http_pprof_cache_find_locked(
    ngx_http_pprof_cache_t *cache, uint64_t id);
static ngx_http_pprof_key_t *ngx_http_pprof_cache_key_locked(
    ngx_http_pprof_cache_t *cache, u_char *md5, ngx_uint_t create);
static ngx_http_pprof_target_t *ngx_http_pprof_cache_target_locked(
    ngx_http_pprof_cache_t *cache, uint64_t target, ngx_uint_t create);
static ngx_int_t ngx_http_pprof_cache_insert_locked(
    ngx_http_pprof_cache_t *cache, ngx_http_pprof_capture_t *c);
static void ngx_http_pprof_cache_delete_locked(ngx_http_pprof_cache_t *cache,
    ngx_http_pprof_capture_t *c, ngx_log_t *log);
static void ngx_http_pprof_cache_evict_locked(ngx_http_pprof_cache_t *cache,
    time_t now, ngx_log_t *log);
static uint32_t ngx_http_pprof_cache_crc(ngx_http_pprof_file_header_t *h);


/*
 * pprof_cache_path PATH keys_zone=NAME:SIZE [max_size=SIZE] [inactive=TIME]
 *     [replica=NAME|$hostname]
 */

char *
ngx_http_pprof_cache_path(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    u_char                  *p;
    ssize_t                  size;
    ngx_str_t                s, name, *value;
    ngx_int_t                max_size, bad;
    ngx_uint_t               i;
    const char              *why;
    ngx_path_t              *path;
    ngx_http_pprof_cache_t  *cache, **cachep;
    ngx_http_pprof_main_conf_t *pmcf = conf;

    cache = ngx_pcalloc(cf->pool, sizeof(ngx_http_pprof_cache_t));
    if (cache == NULL) {
        return NGX_CONF_ERROR;
    }

    path = ngx_pcalloc(cf->pool, sizeof(ngx_path_t));
    if (path == NULL) {
        return NGX_CONF_ERROR;
    }

    value = cf->args->elts;

    path->name = value[1];

    if (path->name.data[path->name.len - 1] == '/') {
        path->name.len--;
    }

    if (ngx_conf_full_name(cf->cycle, &path->name, 0) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    path->conf_file = cf->conf_file->file.name.data;
    path->line = cf->conf_file->line;

    ngx_str_null(&name);
    size = 0;
    max_size = NGX_MAX_OFF_T_VALUE;
    cache->inactive = 600;

    for (i = 2; i < cf->args->nelts; i++) {

        if (ngx_strncmp(value[i].data, "keys_zone=", 10) == 0) {

            name.data = value[i].data + 10;

            p = (u_char *) ngx_strchr(name.data, ':');

            if (p == NULL) {
                goto invalid;
            }

            name.len = p - name.data;

            s.data = p + 1;
            s.len = value[i].data + value[i].len - s.data;

            size = ngx_parse_size(&s);

            if (size == NGX_ERROR || name.len == 0) {
                goto invalid;
            }

            if (size < (ssize_t) (2 * ngx_pagesize)) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "pprof cache \"%V\" is too small",
                                   &value[i]);
                return NGX_CONF_ERROR;
            }

            continue;
        }

        if (ngx_strncmp(value[i].data, "max_size=", 9) == 0) {

            s.len = value[i].len - 9;
            s.data = value[i].data + 9;

            max_size = ngx_parse_offset(&s);
            if (max_size < 0) {
                goto invalid;
            }

            continue;
        }

        if (ngx_strncmp(value[i].data, "replica=", 8) == 0) {

            cache->replica.len = value[i].len - 8;
            cache->replica.data = value[i].data + 8;

            /* the host's name, as $hostname would give it at run time */

            if (cache->replica.len == sizeof("$hostname") - 1
                && ngx_strncmp(cache->replica.data, "$hostname",
                               sizeof("$hostname") - 1)
                   == 0)
            {
                cache->replica = cf->cycle->hostname;
            }

            why = ngx_http_pprof_target_check(&cache->replica, 0, &bad);

            if (why) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "\"%V\" replica \"%V\" must be a "
                                   "Kubernetes name (lowercase letters, "
                                   "digits, \"-\" and \".\"): it %s",
                                   &cmd->name, &cache->replica, why);
                return NGX_CONF_ERROR;
            }

            continue;
        }

        if (ngx_strncmp(value[i].data, "inactive=", 9) == 0) {

            s.len = value[i].len - 9;
            s.data = value[i].data + 9;

            cache->inactive = ngx_parse_time(&s, 1);
            if (cache->inactive == (time_t) NGX_ERROR || cache->inactive == 0)
            {
                goto invalid;
            }

            continue;
        }

        goto invalid;
    }

    if (name.len == 0 || size == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"%V\" must have \"keys_zone\" parameter",
                           &cmd->name);
        return NGX_CONF_ERROR;
    }

    cache->path = path;
    cache->max_size = max_size;

    path->manager = ngx_http_pprof_cache_manager;
    path->data = cache;

    if (ngx_add_path(cf, &cache->path) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    cache->shm_zone = ngx_shared_memory_add(cf, &name, size,
                                            &ngx_http_pprof_module);
    if (cache->shm_zone == NULL) {
        return NGX_CONF_ERROR;
    }

    if (cache->shm_zone->data) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "duplicate zone \"%V\"", &name);
        return NGX_CONF_ERROR;
    }

    cache->shm_zone->init = ngx_http_pprof_cache_init;
    cache->shm_zone->data = cache;
    cache->name = name;

    cachep = ngx_array_push(&pmcf->caches);
    if (cachep == NULL) {
        return NGX_CONF_ERROR;
    }

    *cachep = cache;

    return NGX_CONF_OK;

invalid:

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "invalid parameter \"%V\"", &value[i]);
    return NGX_CONF_ERROR;
}


static ngx_int_t
ngx_http_pprof_cache_init(ngx_shm_zone_t *shm_zone, void *data)
{
    ngx_http_pprof_cache_t  *ocache = data;

    size_t                   len;
    ngx_http_pprof_cache_t  *cache;

    cache = shm_zone->data;

    if (ocache) {
        if (ngx_strcmp(cache->path->name.data, ocache->path->name.data) != 0)
        {
            ngx_log_error(NGX_LOG_EMERG, shm_zone->shm.log, 0,
                          "pprof cache \"%V\" uses the \"%V\" path while "
                          "previously it used \"%V\"", &shm_zone->shm.name,
                          &cache->path->name, &ocache->path->name);
            return NGX_ERROR;
        }

        /* a reload: the index and what it knows live on */

        cache->sh = ocache->sh;
        cache->shpool = ocache->shpool;

        return NGX_OK;
    }

    cache->shpool = (ngx_slab_pool_t *) shm_zone->shm.addr;

    if (shm_zone->shm.exists) {
        cache->sh = cache->shpool->data;
        return NGX_OK;
    }

    cache->sh = ngx_slab_alloc(cache->shpool,
                               sizeof(ngx_http_pprof_cache_sh_t));
    if (cache->sh == NULL) {
        return NGX_ERROR;
    }

    cache->shpool->data = cache->sh;

    ngx_rbtree_init(&cache->sh->captures, &cache->sh->captures_sentinel,
                    ngx_http_pprof_cache_rbtree_insert);
    ngx_rbtree_init(&cache->sh->keys, &cache->sh->keys_sentinel,
                    ngx_http_pprof_cache_rbtree_insert);
    ngx_rbtree_init(&cache->sh->targets, &cache->sh->targets_sentinel,
                    ngx_http_pprof_cache_rbtree_insert);
    ngx_queue_init(&cache->sh->queue);

    cache->sh->size = 0;
    cache->sh->count = 0;

    len = sizeof(" in pprof cache zone \"\"") + shm_zone->shm.name.len;

    cache->shpool->log_ctx = ngx_slab_alloc(cache->shpool, len);
    if (cache->shpool->log_ctx == NULL) {
        return NGX_ERROR;
    }

    ngx_sprintf(cache->shpool->log_ctx, " in pprof cache zone \"%V\"%Z",
                &shm_zone->shm.name);

    cache->shpool->log_nomem = 0;

    /*
     * Started or restarted: the files are what is known.  Captures are few
     * (max_size bounds them) and only headers are read, so this is done
     * here, before the workers start, rather than a minute later by a
     * cache loader process.
     */

    ngx_http_pprof_cache_load(cache, shm_zone->shm.log);

    return NGX_OK;
}


static void
ngx_http_pprof_cache_load(ngx_http_pprof_cache_t *cache, ngx_log_t *log)
{
    ngx_dir_t   dir;
    ngx_str_t   name;

    if (ngx_open_dir(&cache->path->name, &dir) == NGX_ERROR) {
        ngx_log_error(NGX_LOG_WARN, log, ngx_errno,
                      "pprof: " ngx_open_dir_n " \"%V\" failed: the "
                      "capture store starts empty", &cache->path->name);
        return;
    }

    for ( ;; ) {
        ngx_set_errno(0);

        if (ngx_read_dir(&dir) == NGX_ERROR) {
            if (ngx_errno != NGX_ENOMOREFILES) {
                ngx_log_error(NGX_LOG_WARN, log, ngx_errno,
                              "pprof: " ngx_read_dir_n " \"%V\" failed",
                              &cache->path->name);
            }

            break;
        }

        name.len = ngx_de_namelen(&dir);
        name.data = ngx_de_name(&dir);

        if (name.data[0] == '.') {
            continue;
        }

        (void) ngx_http_pprof_cache_load_file(cache, &name, log);
    }

    if (ngx_close_dir(&dir) == NGX_ERROR) {
        ngx_log_error(NGX_LOG_ALERT, log, ngx_errno,
                      ngx_close_dir_n " \"%V\" failed", &cache->path->name);
    }

    ngx_log_error(NGX_LOG_NOTICE, log, 0,
                  "pprof: cache \"%V\": %ui captures, %O bytes",
                  &cache->path->name, cache->sh->count, cache->sh->size);
}


/* a file of the directory: a capture, or logged (once: this runs once) */

static ngx_int_t
ngx_http_pprof_cache_load_file(ngx_http_pprof_cache_t *cache,
    ngx_str_t *name, ngx_log_t *log)
{
    char                          *problem;
    u_char                         path[NGX_MAX_PATH];
    ssize_t                        n;
    uint64_t                       id;
    ngx_fd_t                       fd;
    ngx_file_info_t                fi;
    ngx_http_pprof_capture_t       c;
    ngx_http_pprof_file_header_t   h;

    if (name->len == NGX_HTTP_PPROF_CAPTURE_ID_LEN + 4
        && ngx_strncmp(name->data + NGX_HTTP_PPROF_CAPTURE_ID_LEN, ".tmp", 4)
           == 0
        && ngx_http_pprof_capture_id_parse(name->data,
                                           NGX_HTTP_PPROF_CAPTURE_ID_LEN, &id)
           == NGX_OK
        && ngx_http_pprof_capture_path(cache, id, path, 1) == NGX_OK)
    {
        /* a capture whose writing did not finish: ours, and useless */
        (void) ngx_delete_file(path);
        return NGX_DECLINED;
    }

    if (ngx_http_pprof_capture_id_parse(name->data, name->len, &id)
        != NGX_OK
        || id == 0)
    {
        ngx_log_error(NGX_LOG_WARN, log, 0,
                      "pprof: cache \"%V\": \"%V\" is not a capture (the "
                      "name is not an ID), left alone",
                      &cache->path->name, name);
        return NGX_DECLINED;
    }

    if (cache->path->name.len + 1 + name->len + 1 > NGX_MAX_PATH) {
        return NGX_DECLINED;
    }

    (void) ngx_sprintf(path, "%V/%V%Z", &cache->path->name, name);

    problem = NULL;

    fd = ngx_open_file(path, NGX_FILE_RDONLY, NGX_FILE_OPEN, 0);

    if (fd == NGX_INVALID_FILE) {
        ngx_log_error(NGX_LOG_WARN, log, ngx_errno,
                      "pprof: cache file \"%s\" cannot be opened", path);
        return NGX_DECLINED;
    }

    n = pread(fd, &h, sizeof(h), 0);

    if (n != (ssize_t) sizeof(h)) {
        problem = "is shorter than a header";

    } else if (ngx_fd_info(fd, &fi) == NGX_FILE_ERROR) {
        problem = "cannot be examined";

    } else if (ngx_http_pprof_capture_header_check(&h) != NGX_OK) {
        problem = "has no valid capture header";

    } else if (ngx_file_size(&fi) != (off_t) (sizeof(h) + h.size)) {
        problem = "is truncated or too long";
    }

    (void) ngx_close_file(fd);

    if (problem) {
        ngx_log_error(NGX_LOG_WARN, log, 0,
                      "pprof: cache file \"%s\" %s: not served", path,
                      problem);
        return NGX_DECLINED;
    }

    ngx_http_pprof_capture_from_header(&c, &h, id);

    if (ngx_http_pprof_cache_insert_locked(cache, &c) != NGX_OK) {
        ngx_log_error(NGX_LOG_WARN, log, 0,
                      "pprof: cache \"%V\": no room in the zone for \"%s\"",
                      &cache->path->name, path);
        return NGX_DECLINED;
    }

    return NGX_OK;
}


/* the cache manager process: inactive captures go, then the oldest ones */

static ngx_msec_t
ngx_http_pprof_cache_manager(void *data)
{
    ngx_http_pprof_cache_t  *cache = data;

    ngx_shmtx_lock(&cache->shpool->mutex);
    ngx_http_pprof_cache_evict_locked(cache, ngx_time(), ngx_cycle->log);
    ngx_shmtx_unlock(&cache->shpool->mutex);

    return 1000;
}


/*
 * Lookups and updates, from the workers.  Each takes the zone's mutex;
 * what is returned is a copy, safe to use after it is released.
 */

/* the capture with this ID, touched; NGX_DECLINED when gone */

ngx_int_t
ngx_http_pprof_cache_get(ngx_http_pprof_cache_t *cache, uint64_t id,
    ngx_http_pprof_capture_t *out)
{
    ngx_http_pprof_capture_t  *c;

    ngx_shmtx_lock(&cache->shpool->mutex);

    c = ngx_http_pprof_cache_find_locked(cache, id);

    if (c == NULL) {
        ngx_shmtx_unlock(&cache->shpool->mutex);
        return NGX_DECLINED;
    }

    c->accessed = ngx_time();
    ngx_queue_remove(&c->queue);
    ngx_queue_insert_head(&cache->sh->queue, &c->queue);

    *out = *c;

    ngx_shmtx_unlock(&cache->shpool->mutex);

    return NGX_OK;
}


/*
 * The state of a key: its newest capture (id 0: none) and whether one is
 * being made now (lock held and not past its deadline).
 */

void
ngx_http_pprof_cache_key_state(ngx_http_pprof_cache_t *cache, u_char *md5,
    ngx_http_pprof_key_state_t *st)
{
    ngx_http_pprof_key_t  *k;

    ngx_memzero(st, sizeof(ngx_http_pprof_key_state_t));

    ngx_shmtx_lock(&cache->shpool->mutex);

    k = ngx_http_pprof_cache_key_locked(cache, md5, 0);

    if (k) {
        st->newest = k->newest;
        st->newest_time = k->newest_time;
        st->locked = (k->lock_until > ngx_time());
        st->generation = k->generation;
        st->failed_status = k->failed_status;
        st->failed_generation = k->failed_generation;
        ngx_memcpy(st->failed_reason, k->failed_reason,
                   sizeof(st->failed_reason));
    }

    ngx_shmtx_unlock(&cache->shpool->mutex);
}


/*
 * Takes the key's lock until deadline: NGX_OK, or NGX_BUSY when another
 * request holds it.  st gets the key's state as it was.
 */

ngx_int_t
ngx_http_pprof_cache_lock(ngx_http_pprof_cache_t *cache, u_char *md5,
    time_t deadline, ngx_http_pprof_key_state_t *st)
{
    ngx_int_t              rc;
    ngx_http_pprof_key_t  *k;

    ngx_memzero(st, sizeof(ngx_http_pprof_key_state_t));

    ngx_shmtx_lock(&cache->shpool->mutex);

    k = ngx_http_pprof_cache_key_locked(cache, md5, 1);

    if (k == NULL) {
        /* no room to collapse: capture without */
        ngx_shmtx_unlock(&cache->shpool->mutex);
        return NGX_OK;
    }

    st->newest = k->newest;
    st->newest_time = k->newest_time;
    st->generation = k->generation;

    if (k->lock_until > ngx_time()) {
        st->locked = 1;
        rc = NGX_BUSY;

    } else {
        k->lock_until = deadline;
        rc = NGX_OK;
    }

    ngx_shmtx_unlock(&cache->shpool->mutex);

    return rc;
}


/*
 * Releases the key's lock: with the new capture (id != 0), or with the
 * failure that waiters are to be told (status, reason).
 */

void
ngx_http_pprof_cache_unlock(ngx_http_pprof_cache_t *cache, u_char *md5,
    uint64_t id, time_t time, ngx_uint_t status, ngx_str_t *reason)
{
    size_t                 len;
    ngx_http_pprof_key_t  *k;

    ngx_shmtx_lock(&cache->shpool->mutex);

    k = ngx_http_pprof_cache_key_locked(cache, md5, 0);

    if (k) {
        k->lock_until = 0;
        k->generation++;

        if (id) {
            k->newest = id;
            k->newest_time = time;

        } else if (status) {
            k->failed_status = status;
            k->failed_generation = k->generation;

            len = ngx_min(reason->len, sizeof(k->failed_reason) - 1);
            ngx_memcpy(k->failed_reason, reason->data, len);
            k->failed_reason[len] = '\0';
        }
    }

    ngx_shmtx_unlock(&cache->shpool->mutex);
}


/*
 * A CPU profile or trace of the target: NGX_OK, it may run now (and is
 * recorded as running, with its end); NGX_BUSY: another one runs, and
 * this one is now among those waiting, at most queue of them; NGX_DECLINED:
 * the queue is full.  *running describes the one running.
 */

ngx_int_t
ngx_http_pprof_cache_target_acquire(ngx_http_pprof_cache_t *cache,
    uint64_t target, ngx_http_pprof_running_t *me, ngx_uint_t queue,
    ngx_uint_t waiting, ngx_http_pprof_running_t *running)
{
    ngx_int_t                 rc;
    ngx_http_pprof_target_t  *t;

    ngx_shmtx_lock(&cache->shpool->mutex);

    t = ngx_http_pprof_cache_target_locked(cache, target, 1);

    if (t == NULL) {
        ngx_shmtx_unlock(&cache->shpool->mutex);
        return NGX_OK;
    }

    if (t->running.until <= ngx_time()) {
        t->running = *me;

        if (waiting && t->waiting) {
            t->waiting--;
        }

        rc = NGX_OK;

    } else {
        *running = t->running;

        if (waiting) {
            rc = NGX_BUSY;

        } else if (t->waiting < queue) {
            t->waiting++;
            rc = NGX_BUSY;

        } else {
            rc = NGX_DECLINED;
        }
    }

    ngx_shmtx_unlock(&cache->shpool->mutex);

    return rc;
}


/* a waiter gives up (its client went away) */

void
ngx_http_pprof_cache_target_leave(ngx_http_pprof_cache_t *cache,
    uint64_t target)
{
    ngx_http_pprof_target_t  *t;

    ngx_shmtx_lock(&cache->shpool->mutex);

    t = ngx_http_pprof_cache_target_locked(cache, target, 0);

    if (t && t->waiting) {
        t->waiting--;
    }

    ngx_shmtx_unlock(&cache->shpool->mutex);
}


void
ngx_http_pprof_cache_target_release(ngx_http_pprof_cache_t *cache,
    uint64_t target)
{
    ngx_http_pprof_target_t  *t;

    ngx_shmtx_lock(&cache->shpool->mutex);

    t = ngx_http_pprof_cache_target_locked(cache, target, 0);

    if (t) {
        t->running.until = 0;
    }

    ngx_shmtx_unlock(&cache->shpool->mutex);
}


/* a capture whose file is in place: indexed, then max_size enforced */

ngx_int_t
ngx_http_pprof_cache_add(ngx_http_pprof_cache_t *cache,
    ngx_http_pprof_capture_t *c, ngx_log_t *log)
{
    ngx_int_t  rc;

    ngx_shmtx_lock(&cache->shpool->mutex);

    rc = ngx_http_pprof_cache_insert_locked(cache, c);

    if (rc != NGX_OK) {
        /* the zone is full: make room from the oldest, once */

        if (!ngx_queue_empty(&cache->sh->queue)) {
            ngx_http_pprof_cache_delete_locked(cache,
                ngx_queue_data(ngx_queue_last(&cache->sh->queue),
                               ngx_http_pprof_capture_t, queue), log);
        }

        rc = ngx_http_pprof_cache_insert_locked(cache, c);
    }

    if (rc == NGX_OK) {
        ngx_http_pprof_cache_evict_locked(cache, 0, log);
    }

    ngx_shmtx_unlock(&cache->shpool->mutex);

    return rc;
}


/*
 * The captures of a target, newest first, at most n; returns how many
 * were copied to out.
 */

ngx_uint_t
ngx_http_pprof_cache_list(ngx_http_pprof_cache_t *cache, uint64_t target,
    ngx_http_pprof_capture_t *out, ngx_uint_t n)
{
    ngx_uint_t                 i, j;
    ngx_queue_t               *q;
    ngx_http_pprof_capture_t  *c, tmp;

    i = 0;

    ngx_shmtx_lock(&cache->shpool->mutex);

    for (q = ngx_queue_head(&cache->sh->queue);
         q != ngx_queue_sentinel(&cache->sh->queue) && i < n;
         q = ngx_queue_next(q))
    {
        c = ngx_queue_data(q, ngx_http_pprof_capture_t, queue);

        if (c->target == target) {
            out[i++] = *c;
        }
    }

    ngx_shmtx_unlock(&cache->shpool->mutex);

    /* the queue is by last use: sort by capture time, few entries */

    for (j = 1; j < i; j++) {
        tmp = out[j];
        c = &out[j];

        while (c > out && (c[-1].time < tmp.time
                           || (c[-1].time == tmp.time
                               && c[-1].node.key < tmp.node.key)))
        {
            *c = c[-1];
            c--;
        }

        *c = tmp;
    }

    return i;
}


static void
ngx_http_pprof_cache_rbtree_insert(ngx_rbtree_node_t *temp,
    ngx_rbtree_node_t *node, ngx_rbtree_node_t *sentinel)
{
    ngx_rbtree_node_t  **p;

    for ( ;; ) {

        p = (node->key < temp->key) ? &temp->left : &temp->right;

        if (*p == sentinel) {
            break;
        }

        temp = *p;
    }

    *p = node;
    node->parent = temp;
    node->left = sentinel;
    node->right = sentinel;
    ngx_rbt_red(node);
}


static ngx_rbtree_node_t *
ngx_http_pprof_rbtree_find(ngx_rbtree_t *tree, ngx_rbtree_key_t key)
{
    ngx_rbtree_node_t  *node, *sentinel;

    node = tree->root;
    sentinel = tree->sentinel;

    while (node != sentinel) {

        if (key < node->key) {
            node = node->left;
            continue;
        }

        if (key > node->key) {
            node = node->right;
            continue;
        }

        return node;
    }

    return NULL;
}


static ngx_http_pprof_capture_t *
ngx_http_pprof_cache_find_locked(ngx_http_pprof_cache_t *cache, uint64_t id)
{
    return (ngx_http_pprof_capture_t *)
               ngx_http_pprof_rbtree_find(&cache->sh->captures, id);
}


/* keys are found by their first 8 bytes, then compared whole */

static ngx_http_pprof_key_t *
ngx_http_pprof_cache_key_locked(ngx_http_pprof_cache_t *cache, u_char *md5,
    ngx_uint_t create)
{
    uint64_t               hash;
    ngx_rbtree_node_t     *node, *sentinel;
    ngx_http_pprof_key_t  *k;

    ngx_memcpy(&hash, md5, sizeof(uint64_t));

    node = cache->sh->keys.root;
    sentinel = cache->sh->keys.sentinel;

    while (node != sentinel) {

        if (hash < node->key) {
            node = node->left;
            continue;
        }

        if (hash > node->key) {
            node = node->right;
            continue;
        }

        k = (ngx_http_pprof_key_t *) node;

        if (ngx_memcmp(k->md5, md5, 16) == 0) {
            return k;
        }

        /* a collision of 64 bits: the insert put the later one right */

        node = node->right;
    }

    if (!create) {
        return NULL;
    }

    k = ngx_slab_calloc_locked(cache->shpool, sizeof(ngx_http_pprof_key_t));
    if (k == NULL) {
        return NULL;
    }

    k->node.key = hash;
    ngx_memcpy(k->md5, md5, 16);

    ngx_rbtree_insert(&cache->sh->keys, &k->node);

    return k;
}


static ngx_http_pprof_target_t *
ngx_http_pprof_cache_target_locked(ngx_http_pprof_cache_t *cache,
    uint64_t target, ngx_uint_t create)
{
    ngx_http_pprof_target_t  *t;

    t = (ngx_http_pprof_target_t *)
            ngx_http_pprof_rbtree_find(&cache->sh->targets, target);

    if (t || !create) {
        return t;
    }

    t = ngx_slab_calloc_locked(cache->shpool,
                               sizeof(ngx_http_pprof_target_t));
    if (t == NULL) {
        return NULL;
    }

    t->node.key = target;

    ngx_rbtree_insert(&cache->sh->targets, &t->node);

    return t;
}


static ngx_int_t
ngx_http_pprof_cache_insert_locked(ngx_http_pprof_cache_t *cache,
    ngx_http_pprof_capture_t *c)
{
    ngx_http_pprof_key_t      *k;
    ngx_http_pprof_capture_t  *n;

    if (ngx_http_pprof_cache_find_locked(cache, c->node.key)) {
        return NGX_OK;
    }

    n = ngx_slab_alloc_locked(cache->shpool,
                              sizeof(ngx_http_pprof_capture_t));
    if (n == NULL) {
        return NGX_ERROR;
    }

    *n = *c;

    if (n->accessed == 0) {
        n->accessed = ngx_time();
    }

    ngx_rbtree_insert(&cache->sh->captures, &n->node);
    ngx_queue_insert_head(&cache->sh->queue, &n->queue);

    cache->sh->size += n->size;
    cache->sh->count++;

    /* the newest capture of its key, as the loader finds them too */

    k = ngx_http_pprof_cache_key_locked(cache, n->key, 1);

    if (k && (k->newest == 0 || k->newest_time <= n->time)) {
        k->newest = n->node.key;
        k->newest_time = n->time;
    }

    return NGX_OK;
}


static void
ngx_http_pprof_cache_delete_locked(ngx_http_pprof_cache_t *cache,
    ngx_http_pprof_capture_t *c, ngx_log_t *log)
{
    u_char                 path[NGX_MAX_PATH];
    ngx_http_pprof_key_t  *k;

    if (ngx_http_pprof_capture_path(cache, c->node.key, path, 0) == NGX_OK
        && ngx_delete_file(path) == NGX_FILE_ERROR
        && ngx_errno != NGX_ENOENT)
    {
        ngx_log_error(NGX_LOG_CRIT, log, ngx_errno,
                      ngx_delete_file_n " \"%s\" failed", path);
    }

    k = ngx_http_pprof_cache_key_locked(cache, c->key, 0);

    if (k && k->newest == c->node.key) {
        k->newest = 0;
        k->newest_time = 0;
    }

    ngx_queue_remove(&c->queue);
    ngx_rbtree_delete(&cache->sh->captures, &c->node);

    cache->sh->size -= c->size;
    cache->sh->count--;

    ngx_slab_free_locked(cache->shpool, c);
}


/* now == 0: only max_size */

static void
ngx_http_pprof_cache_evict_locked(ngx_http_pprof_cache_t *cache, time_t now,
    ngx_log_t *log)
{
    ngx_queue_t               *q;
    ngx_http_pprof_capture_t  *c;

    while (!ngx_queue_empty(&cache->sh->queue)) {

        q = ngx_queue_last(&cache->sh->queue);
        c = ngx_queue_data(q, ngx_http_pprof_capture_t, queue);

        if (cache->sh->size > cache->max_size
            /* the newest capture stays, whatever its size */
            && cache->sh->count > 1)
        {
            ngx_log_error(NGX_LOG_INFO, log, 0,
                          "pprof: capture %016xL evicted: the store is "
                          "over max_size", c->node.key);

        } else if (now && c->accessed + cache->inactive <= now) {
            ngx_log_error(NGX_LOG_INFO, log, 0,
                          "pprof: capture %016xL expired: not used for "
                          "%T s", c->node.key, cache->inactive);

        } else {
            break;
        }

        ngx_http_pprof_cache_delete_locked(cache, c, log);
    }
}


/* --- the files, written and read by jobs (thread.c) --- */

/* "PATH/0123456789abcdef" (tmp: with ".tmp"), NUL-terminated */

ngx_int_t
ngx_http_pprof_capture_path(ngx_http_pprof_cache_t *cache, uint64_t id,
    u_char *buf, ngx_uint_t tmp)
{
    if (cache->path->name.len + sizeof("/0123456789abcdef.tmp")
        > NGX_MAX_PATH)
    {
        return NGX_ERROR;
    }

    (void) ngx_sprintf(buf, "%V/%016xL%s%Z", &cache->path->name, id,
                       tmp ? ".tmp" : "");

    return NGX_OK;
}


/*
 * A capture's ID as clients see it (capture=, X-Pprof-Capture, links):
 * 16 lowercase hex digits, after "NAME-" with replica=NAME, so that a
 * router in front of several replicas sends it to the one that has it.
 * Files are named by the hex digits alone.  Returns the end.
 */

u_char *
ngx_http_pprof_capture_id(ngx_http_pprof_cache_t *cache, u_char *buf,
    uint64_t id)
{
    if (cache->replica.len) {
        buf = ngx_sprintf(buf, "%V-", &cache->replica);
    }

    return ngx_sprintf(buf, "%016xL", id);
}


/* what a client gives: "HEX", or "NAME-HEX" (replica: NAME, else empty) */

ngx_int_t
ngx_http_pprof_capture_id_split(u_char *p, size_t len, ngx_str_t *replica,
    uint64_t *id)
{
    size_t     n;
    ngx_int_t  bad;

    replica->data = p;
    replica->len = 0;

    if (len > NGX_HTTP_PPROF_CAPTURE_ID_LEN + 1) {
        n = len - NGX_HTTP_PPROF_CAPTURE_ID_LEN;

        if (p[n - 1] != '-') {
            return NGX_ERROR;
        }

        replica->len = n - 1;

        if (ngx_http_pprof_target_check(replica, 0, &bad) != NULL) {
            return NGX_ERROR;
        }

        p += n;
        len -= n;
    }

    return ngx_http_pprof_capture_id_parse(p, len, id);
}


ngx_int_t
ngx_http_pprof_capture_id_parse(u_char *p, size_t len, uint64_t *id)
{
    size_t    i;
    u_char    ch;
    uint64_t  v;

    if (len != NGX_HTTP_PPROF_CAPTURE_ID_LEN) {
        return NGX_ERROR;
    }

    v = 0;

    for (i = 0; i < len; i++) {
        ch = p[i];

        if (ch >= '0' && ch <= '9') {
            v = (v << 4) | (uint64_t) (ch - '0');

        } else if (ch >= 'a' && ch <= 'f') {
            v = (v << 4) | (uint64_t) (ch - 'a' + 10);

        } else {
            return NGX_ERROR;
        }
    }

    *id = v;

    return NGX_OK;
}


void
ngx_http_pprof_capture_header(ngx_http_pprof_file_header_t *h,
    ngx_http_pprof_capture_t *c)
{
    ngx_memzero(h, sizeof(ngx_http_pprof_file_header_t));

    h->magic = NGX_HTTP_PPROF_CACHE_MAGIC;
    h->version = NGX_HTTP_PPROF_CACHE_VERSION;
    ngx_memcpy(h->key, c->key, sizeof(h->key));
    h->target = c->target;
    h->time = c->time;
    h->duration = c->duration;
    h->size = c->size;
    ngx_memcpy(h->name, c->name, sizeof(h->name));
    ngx_memcpy(h->args, c->args, sizeof(h->args));
    h->flags = c->text ? 1 : 0;
    h->crc = ngx_http_pprof_cache_crc(h);
}


ngx_int_t
ngx_http_pprof_capture_header_check(ngx_http_pprof_file_header_t *h)
{
    if (h->magic != NGX_HTTP_PPROF_CACHE_MAGIC
        || h->version != NGX_HTTP_PPROF_CACHE_VERSION
        || h->crc != ngx_http_pprof_cache_crc(h)
        || h->name[sizeof(h->name) - 1] != '\0'
        || h->args[sizeof(h->args) - 1] != '\0'
        || h->size == 0 || h->size > NGX_MAX_OFF_T_VALUE / 2)
    {
        return NGX_ERROR;
    }

    return NGX_OK;
}


void
ngx_http_pprof_capture_from_header(ngx_http_pprof_capture_t *c,
    ngx_http_pprof_file_header_t *h, uint64_t id)
{
    ngx_memzero(c, sizeof(ngx_http_pprof_capture_t));

    c->node.key = id;
    ngx_memcpy(c->key, h->key, sizeof(c->key));
    c->target = h->target;
    c->time = h->time;
    c->duration = h->duration;
    c->size = h->size;
    ngx_memcpy(c->name, h->name, sizeof(c->name));
    ngx_memcpy(c->args, h->args, sizeof(c->args));
    c->text = (h->flags & 1) ? 1 : 0;
}


static uint32_t
ngx_http_pprof_cache_crc(ngx_http_pprof_file_header_t *h)
{
    return ngx_crc32_long((u_char *) h,
                          offsetof(ngx_http_pprof_file_header_t, crc));
}
