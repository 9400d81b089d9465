
/*
 * What every engine file uses and that uses no other: allocation through
 * the caller's allocator, error messages, pprof_str_t helpers, and the one
 * checked compile of regular expressions (the user's focus, ignore and
 * search, and the profile's own drop_frames and keep_frames).
 */


#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pprof_util.h"


void *
pprof_alloc(const pprof_allocator_t *a, size_t size)
{
    return a->alloc(a->data, size ? size : 1);
}


void
pprof_free(const pprof_allocator_t *a, void *p)
{
    if (p != NULL && a->free != NULL) {
        a->free(a->data, p);
    }
}


void *
pprof_alloc_n(const pprof_allocator_t *a, size_t n, size_t size)
{
    if (size != 0 && n > (size_t) -1 / size) {
        return NULL;
    }

    return pprof_alloc(a, n * size);
}


void
pprof_set_error(pprof_error_t *err, const char *fmt, ...)
{
    va_list   args;
    char     *p;

    if (err == NULL) {
        return;
    }

    va_start(args, fmt);
    vsnprintf(err->msg, sizeof(err->msg), fmt, args);
    va_end(args);

    /* one line, printable: messages may quote user input */
    for (p = err->msg; *p; p++) {
        if ((unsigned char) *p < 0x20 || *p == 0x7f) {
            *p = ' ';
        }
    }
}


pprof_str_t
pprof_cstr(const char *s)
{
    pprof_str_t  r;

    r.data = s ? s : "";
    r.len = s ? strlen(s) : 0;

    return r;
}


int
pprof_str_is(pprof_str_t s, const char *c)
{
    size_t  len;

    len = strlen(c);

    return s.len == len && memcmp(s.data, c, len) == 0;
}


int
pprof_str_has_prefix(pprof_str_t s, const char *c)
{
    size_t  len;

    len = strlen(c);

    return s.len >= len && memcmp(s.data, c, len) == 0;
}


int
pprof_fraction(const char *s, double dflt, double *f)
{
    char    *end;
    double   v;

    if (s == NULL || s[0] == '\0') {
        *f = dflt;
        return PPROF_OK;
    }

    /* decimal only: strtod() takes "0x1", Go's ParseFloat does not */
    if (strlen(s) > 32 || !((s[0] >= '0' && s[0] <= '9') || s[0] == '.')
        || strspn(s, "0123456789.eE+-") != strlen(s))
    {
        return PPROF_ERROR;
    }

    v = strtod(s, &end);

    if (*end != '\0' || !(v >= 0.0 && v <= 1.0)) {
        return PPROF_ERROR;
    }

    *f = v;

    return PPROF_OK;
}


int
pprof_str_cmp(pprof_str_t a, pprof_str_t b)
{
    int     rc;
    size_t  n;

    n = a.len < b.len ? a.len : b.len;
    rc = n ? memcmp(a.data, b.data, n) : 0;

    if (rc != 0) {
        return rc;
    }

    return a.len < b.len ? -1 : a.len > b.len;
}


/* --- regular expressions --- */

static int
pprof_regex_check(const char *what, const char *re, pprof_error_t *err)
{
    size_t  i, len;

    len = strlen(re);

    if (len > PPROF_MAX_REGEX) {
        pprof_set_error(err, "%s: regular expression longer than %d bytes",
                        what, PPROF_MAX_REGEX);
        return PPROF_ERROR;
    }

    /* backreferences make matching exponential: refused */
    for (i = 0; i < len; i++) {
        if (re[i] == '\\') {
            if (i + 1 < len && re[i + 1] >= '0' && re[i + 1] <= '9') {
                pprof_set_error(err, "%s: backreferences are not supported",
                                what);
                return PPROF_ERROR;
            }

            i++;
        }
    }

    return PPROF_OK;
}


/*
 * Every pattern, whether a user's or a profile's (drop_frames comes from
 * untrusted bytes too), is checked before it is compiled.
 */

int
pprof_regex_compile(regex_t *rx, const char *what, const char *re,
    pprof_error_t *err)
{
    int   rc;
    char  msg[128];

    if (pprof_regex_check(what, re, err) != PPROF_OK) {
        return PPROF_ERROR;
    }

    rc = regcomp(rx, re, REG_EXTENDED | REG_NOSUB);

    if (rc != 0) {
        if (err != NULL) {
            regerror(rc, rx, msg, sizeof(msg));
            pprof_set_error(err, "%s: bad regular expression: %s", what, msg);
        }

        return PPROF_ERROR;
    }

    return PPROF_OK;
}


/* Go's filepath.Clean (Unix), as pprof cleans a node's file name */
size_t
pprof_clean_path(char *dst, pprof_str_t path)
{
    int      rooted;
    size_t   r, w, dotdot, n;
    const char  *p;

    p = path.data;
    n = path.len;

    if (n == 0) {
        dst[0] = '.';
        return 1;
    }

    rooted = p[0] == '/';
    r = 0;
    w = 0;
    dotdot = 0;

    if (rooted) {
        dst[w++] = '/';
        r = 1;
        dotdot = 1;
    }

    while (r < n) {
        if (p[r] == '/') {
            r++;

        } else if (p[r] == '.' && (r + 1 == n || p[r + 1] == '/')) {
            r++;

        } else if (p[r] == '.' && p[r + 1] == '.'
                   && (r + 2 == n || p[r + 2] == '/'))
        {
            r += 2;

            if (w > dotdot) {
                w--;
                while (w > dotdot && dst[w] != '/') {
                    w--;
                }

            } else if (!rooted) {
                if (w > 0) {
                    dst[w++] = '/';
                }

                dst[w++] = '.';
                dst[w++] = '.';
                dotdot = w;
            }

        } else {
            if ((rooted && w != 1) || (!rooted && w != 0)) {
                dst[w++] = '/';
            }

            while (r < n && p[r] != '/') {
                dst[w++] = p[r++];
            }
        }
    }

    if (w == 0) {
        dst[w++] = '.';
    }

    return w;
}
