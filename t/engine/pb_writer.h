
/*
 * A tiny protobuf writer for building profile.proto test inputs in C.
 * Messages are built inside-out: write a child into its own buffer, then
 * add it to the parent with pbw_bytes().
 */


#ifndef _PBW_H_INCLUDED_
#define _PBW_H_INCLUDED_


#include <stdint.h>
#include <stdlib.h>
#include <string.h>


typedef struct {
    unsigned char           *data;
    size_t                   len;
    size_t                   cap;
} pbw_t;


static void
pbw_put(pbw_t *b, const void *p, size_t n)
{
    if (b->len + n > b->cap) {
        b->cap = (b->len + n) * 2 + 64;
        b->data = realloc(b->data, b->cap);
        if (b->data == NULL) {
            abort();
        }
    }

    memcpy(b->data + b->len, p, n);
    b->len += n;
}


static void
pbw_varint(pbw_t *b, uint64_t v)
{
    unsigned char  c;

    do {
        c = v & 0x7f;
        v >>= 7;
        if (v) {
            c |= 0x80;
        }
        pbw_put(b, &c, 1);
    } while (v);
}


static void
pbw_int(pbw_t *b, uint32_t field, uint64_t v)
{
    pbw_varint(b, (uint64_t) field << 3);
    pbw_varint(b, v);
}


static void
pbw_bytes(pbw_t *b, uint32_t field, const void *p, size_t n)
{
    pbw_varint(b, (uint64_t) field << 3 | 2);
    pbw_varint(b, n);
    pbw_put(b, p, n);
}


static void
pbw_str(pbw_t *b, uint32_t field, const char *s)
{
    pbw_bytes(b, field, s, strlen(s));
}


static void
pbw_msg(pbw_t *b, uint32_t field, pbw_t *child)
{
    pbw_bytes(b, field, child->data, child->len);
    child->len = 0;
}


/* repeated integers, packed or one field each */
static void
pbw_ints(pbw_t *b, uint32_t field, const int64_t *v, size_t n, int packed)
{
    size_t  i;
    pbw_t   tmp;

    if (!packed) {
        for (i = 0; i < n; i++) {
            pbw_int(b, field, (uint64_t) v[i]);
        }
        return;
    }

    memset(&tmp, 0, sizeof(pbw_t));

    for (i = 0; i < n; i++) {
        pbw_varint(&tmp, (uint64_t) v[i]);
    }

    pbw_bytes(b, field, tmp.data ? tmp.data : (unsigned char *) "", tmp.len);
    free(tmp.data);
}


static void
pbw_free(pbw_t *b)
{
    free(b->data);
    memset(b, 0, sizeof(pbw_t));
}


#endif /* _PBW_H_INCLUDED_ */
