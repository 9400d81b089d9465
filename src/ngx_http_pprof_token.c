
/*
 * The ServiceAccount token: read from its file, re-read when the kubelet
 * rotates it.  Bound tokens expire (about hourly), so every worker checks
 * the file on a timer and never on a request's path.  The token itself is
 * never logged, at any level: messages name the file only.  The secret
 * of share links (pprof_link_secret file:PATH) is read the same way, so
 * a rewritten secret file is noticed without a reload.
 */


#include "ngx_http_pprof.h"


static void ngx_http_pprof_token_read(ngx_http_pprof_token_t *token,
    ngx_log_t *log, ngx_uint_t level);
static void ngx_http_pprof_token_timer(ngx_event_t *ev);
static void ngx_http_pprof_token_cleanup(void *data);
static void ngx_http_pprof_token_set(ngx_http_pprof_token_t *token,
    ngx_log_t *log, u_char *data, size_t len);


ngx_http_pprof_token_t *
ngx_http_pprof_token_add(ngx_conf_t *cf, ngx_str_t *name, const char *what)
{
    ngx_str_t                    full, *path;
    ngx_uint_t                   i;
    ngx_pool_cleanup_t          *cln;
    ngx_http_pprof_token_t      *token, **tokenp;
    ngx_http_pprof_main_conf_t  *pmcf;

    /* relative to the prefix, as pprof_trusted_certificate is */

    full = *name;

    if (ngx_conf_full_name(cf->cycle, &full, 1) != NGX_OK) {
        return NULL;
    }

    path = &full;

    pmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_pprof_module);

    tokenp = pmcf->tokens.elts;

    for (i = 0; i < pmcf->tokens.nelts; i++) {
        if (tokenp[i]->path.len == path->len
            && ngx_strncmp(tokenp[i]->path.data, path->data, path->len) == 0)
        {
            return tokenp[i];
        }
    }

    token = ngx_pcalloc(cf->pool, sizeof(ngx_http_pprof_token_t));
    if (token == NULL) {
        return NULL;
    }

    token->what = what;

    /* ngx_open_file() wants a C string */

    token->path.len = path->len;
    token->path.data = ngx_pnalloc(cf->pool, path->len + 1);
    if (token->path.data == NULL) {
        return NULL;
    }

    (void) ngx_cpystrn(token->path.data, path->data, path->len + 1);

    tokenp = ngx_array_push(&pmcf->tokens);
    if (tokenp == NULL) {
        return NULL;
    }

    *tokenp = token;

    /* the token goes with its cycle: on a reload, and on exit */

    cln = ngx_pool_cleanup_add(cf->pool, 0);
    if (cln == NULL) {
        return NULL;
    }

    cln->handler = ngx_http_pprof_token_cleanup;
    cln->data = token;

    /*
     * Read once while loading the configuration, so workers start with a
     * token; outside a cluster the file may well be missing: that is a
     * warning here and a clear 502 per request, not a failed start.
     */

    ngx_http_pprof_token_read(token, cf->log, NGX_LOG_WARN);

    return token;
}


ngx_int_t
ngx_http_pprof_token_init_process(ngx_cycle_t *cycle)
{
    ngx_uint_t                   i;
    ngx_http_pprof_token_t     **tokenp;
    ngx_http_conf_ctx_t         *ctx;
    ngx_http_pprof_main_conf_t  *pmcf;

    ctx = (ngx_http_conf_ctx_t *) cycle->conf_ctx[ngx_http_module.index];

    if (ctx == NULL) {
        return NGX_OK;
    }

    pmcf = ctx->main_conf[ngx_http_pprof_module.ctx_index];
    tokenp = pmcf->tokens.elts;

    for (i = 0; i < pmcf->tokens.nelts; i++) {
        tokenp[i]->refresh = pmcf->token_refresh;
        tokenp[i]->log = cycle->log;
        tokenp[i]->timer.handler = ngx_http_pprof_token_timer;
        tokenp[i]->timer.data = tokenp[i];
        tokenp[i]->timer.log = cycle->log;
        /* a pending check must not keep a worker from exiting */
        tokenp[i]->timer.cancelable = 1;

        ngx_add_timer(&tokenp[i]->timer, tokenp[i]->refresh);
    }

    return NGX_OK;
}


/* the APIServer said 401: the file may have changed since the last look */

void
ngx_http_pprof_token_recheck(ngx_http_pprof_token_t *token)
{
    if (token->timer.handler == NULL || ngx_exiting) {
        return;
    }

    if (token->timer.timer_set) {
        ngx_del_timer(&token->timer);
    }

    ngx_add_timer(&token->timer, 1);
}


static void
ngx_http_pprof_token_timer(ngx_event_t *ev)
{
    ngx_http_pprof_token_t  *token = ev->data;

    ngx_http_pprof_token_read(token, token->log, NGX_LOG_ERR);

    if (!ngx_exiting) {
        ngx_add_timer(ev, token->refresh);
    }
}


/*
 * The whole file is read on every tick: it is small, and comparing its
 * content catches any rewrite (a kubelet's symlink swap, or an in-place
 * write that keeps size and mtime).  A failure is logged once, when it
 * starts, not on every tick.
 */

static void
ngx_http_pprof_token_read(ngx_http_pprof_token_t *token, ngx_log_t *log,
    ngx_uint_t level)
{
    u_char           *p, *last;
    u_char            buf[NGX_HTTP_PPROF_TOKEN_MAX + 1];
    char             *problem;
    ssize_t           n;
    ngx_fd_t          fd;
    ngx_err_t         err;
    ngx_file_t        file;
    ngx_file_info_t   fi;

    err = 0;
    problem = NULL;

    fd = ngx_open_file(token->path.data, NGX_FILE_RDONLY, NGX_FILE_OPEN, 0);

    if (fd == NGX_INVALID_FILE) {
        err = ngx_errno;
        problem = "cannot be opened";
        goto failed;
    }

    /* a directory (or a FIFO) is no token: said here, not by a [crit] */

    if (ngx_fd_info(fd, &fi) == NGX_FILE_ERROR) {
        err = ngx_errno;
        n = NGX_ERROR;

    } else if (!ngx_is_file(&fi)) {
        problem = "is not a regular file";
        n = NGX_ERROR;

    } else {
        ngx_memzero(&file, sizeof(ngx_file_t));
        file.fd = fd;
        file.name = token->path;
        file.log = log;

        n = ngx_read_file(&file, buf, sizeof(buf), 0);

        if (n == NGX_ERROR) {
            err = ngx_errno;
        }
    }

    if (ngx_close_file(fd) == NGX_FILE_ERROR) {
        ngx_log_error(NGX_LOG_ALERT, log, ngx_errno,
                      ngx_close_file_n " \"%V\" failed", &token->path);
    }

    if (n == NGX_ERROR) {
        if (problem == NULL) {
            problem = "cannot be read";
        }

        goto failed;
    }

    p = buf;
    last = buf + n;

    while (p < last && (*p == ' ' || *p == '\t' || *p == CR || *p == LF)) {
        p++;
    }

    while (last > p
           && (last[-1] == ' ' || last[-1] == '\t'
               || last[-1] == CR || last[-1] == LF))
    {
        last--;
    }

    if (p == last) {
        problem = "is empty";
        goto failed;
    }

    if (n > NGX_HTTP_PPROF_TOKEN_MAX) {
        problem = "is too large";
        goto failed;
    }

    /* what goes into a header line must not be able to end it */

    for (n = 0; p + n < last; n++) {
        if (p[n] < 0x21 || p[n] > 0x7e) {
            problem = "holds a character not allowed in a token";
            goto failed;
        }
    }

    ngx_http_pprof_token_set(token, log, p, last - p);
    ngx_explicit_memzero(buf, sizeof(buf));

    if (token->error) {
        ngx_log_error(NGX_LOG_NOTICE, log, 0,
                      "pprof: %s file \"%V\" read", token->what,
                      &token->path);
        token->error = 0;
    }

    return;

failed:

    ngx_explicit_memzero(buf, sizeof(buf));

    if (!token->error) {
        ngx_log_error(level, log, err,
                      "pprof: %s file \"%V\" %s: %s will be refused "
                      "until it holds one", token->what, &token->path,
                      problem, (token->what[0] == 't') ? "requests"
                                                       : "share links");
    }

    token->error = 1;
    ngx_http_pprof_token_set(token, log, NULL, 0);
}


/*
 * The token lives in malloc()ed memory: it is replaced in every worker at
 * run time, long after the configuration pool stopped growing.
 */

static void
ngx_http_pprof_token_set(ngx_http_pprof_token_t *token, ngx_log_t *log,
    u_char *data, size_t len)
{
    u_char  *p;

    if (token->token.len == len
        && (len == 0 || ngx_memcmp(token->token.data, data, len) == 0))
    {
        return;
    }

    ngx_log_debug2(NGX_LOG_DEBUG_HTTP, log, 0,
                   "pprof: %s file \"%V\" changed", token->what,
                   &token->path);

    p = NULL;

    if (len) {
        p = ngx_alloc(len, log);
        if (p == NULL) {
            len = 0;

        } else {
            ngx_memcpy(p, data, len);
        }
    }

    if (token->token.data) {
        ngx_explicit_memzero(token->token.data, token->token.len);
        ngx_free(token->token.data);
    }

    token->token.data = p;
    token->token.len = len;
}


static void
ngx_http_pprof_token_cleanup(void *data)
{
    ngx_http_pprof_token_t  *token = data;

    ngx_http_pprof_token_set(token, ngx_cycle->log, NULL, 0);
}
