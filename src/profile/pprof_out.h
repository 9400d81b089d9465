
/*
 * The engine's one output buffer (pprof_out.c), used by every renderer
 * and by whatever builds a string: bytes gather in a buffer and go to a
 * pprof_write_pt when it fills up, so the writer is called a few times a
 * page, never per byte.  With no writer it is a string of the buffer's
 * size, cut like snprintf's, whose len still counts every byte asked.
 */


#ifndef _PPROF_OUT_H_INCLUDED_
#define _PPROF_OUT_H_INCLUDED_


#include <string.h>

#include "pprof.h"


#define PPROF_OUT_SIZE          16384

/* out->failed */
#define PPROF_OUT_WRITE_FAILED  1
#define PPROF_OUT_NOMEM         2


typedef struct {
    pprof_write_pt           write;     /* NULL: a string */
    void                    *data;
    char                    *buf;
    size_t                   len;       /* a string: may exceed size */
    size_t                   size;
    int                      failed;    /* PPROF_OUT_* or 0 */
} pprof_out_t;


/* a writer over buf; size is at least 64 */
void pprof_out_init(pprof_out_t *out, pprof_write_pt write, void *data,
    char *buf, size_t size);
/* a string in buf: pprof_out_string_end() terminates it */
void pprof_out_string(pprof_out_t *out, char *buf, size_t size);
size_t pprof_out_string_end(pprof_out_t *out);

/* the rest of pprof_out_write() and pprof_out_reserve() */
void pprof_out_append(pprof_out_t *out, const char *s, size_t len);
char *pprof_out_make_room(pprof_out_t *out, size_t n);

void pprof_out_str(pprof_out_t *out, const char *s);
void pprof_out_uint(pprof_out_t *out, uint64_t n);
void pprof_out_printf(pprof_out_t *out, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

#define pprof_out_lit(out, s)  pprof_out_write(out, s, sizeof(s) - 1)


/* inline: the pages write thousands of short pieces */
static inline void
pprof_out_write(pprof_out_t *out, const char *s, size_t len)
{
    if (out->len <= out->size && len <= out->size - out->len) {
        memcpy(out->buf + out->len, s, len);
        out->len += len;
        return;
    }

    pprof_out_append(out, s, len);
}


/*
 * Room for n bytes (at most size) at out->buf + out->len, draining the
 * buffer first if needed; the caller adds what it wrote to out->len.
 * NULL for a string that has no such room left.
 */
static inline char *
pprof_out_reserve(pprof_out_t *out, size_t n)
{
    if (out->len <= out->size && n <= out->size - out->len) {
        return out->buf + out->len;
    }

    return pprof_out_make_room(out, n);
}

/* drains the buffer; PPROF_ERROR if any write failed */
int pprof_out_flush(pprof_out_t *out);

/*
 * The end of a rendering: flushes after rc PPROF_OK, and turns a failed
 * output into PPROF_ERROR with err set ("out of memory", "writing the
 * output failed").  A renderer's own error (rc) is kept.
 */
int pprof_out_finish(pprof_out_t *out, int rc, pprof_error_t *err);


#endif /* _PPROF_OUT_H_INCLUDED_ */
