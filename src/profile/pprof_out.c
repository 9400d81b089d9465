
/*
 * The engine's one output buffer (pprof_out.h): a writer that gathers
 * bytes and hands them to the caller's pprof_write_pt a buffer at a time,
 * or, without a writer, a string cut like snprintf's.  The text formats,
 * the HTML views and the keyword lists all write through it.
 */


#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "pprof_util.h"
#include "pprof_out.h"


void
pprof_out_init(pprof_out_t *out, pprof_write_pt write, void *data,
    char *buf, size_t size)
{
    out->write = write;
    out->data = data;
    out->buf = buf;
    out->len = 0;
    out->size = size;
    out->failed = 0;
}


void
pprof_out_string(pprof_out_t *out, char *buf, size_t size)
{
    pprof_out_init(out, NULL, NULL, buf, buf ? size : 0);
}


size_t
pprof_out_string_end(pprof_out_t *out)
{
    if (out->size > 0) {
        out->buf[out->len < out->size ? out->len : out->size - 1] = '\0';
    }

    return out->len;
}


static void
pprof_out_drain(pprof_out_t *out)
{
    if (out->len && !out->failed
        && out->write(out->data, out->buf, out->len) != 0)
    {
        out->failed = PPROF_OUT_WRITE_FAILED;
    }

    out->len = 0;
}


/* what does not fit: pprof_out_write() copies what does */
void
pprof_out_append(pprof_out_t *out, const char *s, size_t len)
{
    if (out->write == NULL) {
        if (out->len < out->size) {
            memcpy(out->buf + out->len, s, out->size - out->len);
        }

        out->len += len;
        return;
    }

    pprof_out_drain(out);

    if (len >= out->size) {
        /* no copy of what fills a buffer anyway */
        if (!out->failed && out->write(out->data, s, len) != 0) {
            out->failed = PPROF_OUT_WRITE_FAILED;
        }

        return;
    }

    memcpy(out->buf, s, len);
    out->len = len;
}


void
pprof_out_str(pprof_out_t *out, const char *s)
{
    pprof_out_write(out, s, strlen(s));
}


void
pprof_out_uint(pprof_out_t *out, uint64_t n)
{
    char  buf[24], *p;

    p = buf + sizeof(buf);

    do {
        *--p = (char) ('0' + n % 10);
        n /= 10;
    } while (n);

    pprof_out_write(out, p, (size_t) (buf + sizeof(buf) - p));
}


void
pprof_out_printf(pprof_out_t *out, const char *fmt, ...)
{
    int      n;
    char     tmp[512];
    va_list  args;

    /* short, formatted pieces only: names go through pprof_out_write() */
    va_start(args, fmt);
    n = vsnprintf(tmp, sizeof(tmp), fmt, args);
    va_end(args);

    if (n > 0) {
        pprof_out_write(out, tmp,
                        (size_t) n < sizeof(tmp) ? (size_t) n
                                                 : sizeof(tmp) - 1);
    }
}


char *
pprof_out_make_room(pprof_out_t *out, size_t n)
{
    if (out->write == NULL || n > out->size) {
        return NULL;
    }

    pprof_out_drain(out);

    return out->buf;
}


int
pprof_out_flush(pprof_out_t *out)
{
    if (out->write != NULL) {
        pprof_out_drain(out);
    }

    return out->failed ? PPROF_ERROR : PPROF_OK;
}


int
pprof_out_finish(pprof_out_t *out, int rc, pprof_error_t *err)
{
    if (rc != PPROF_OK) {
        return rc;
    }

    if (pprof_out_flush(out) == PPROF_OK) {
        return PPROF_OK;
    }

    pprof_set_error(err, "%s", out->failed == PPROF_OUT_NOMEM
                               ? "out of memory"
                               : "writing the output failed");

    return PPROF_ERROR;
}
