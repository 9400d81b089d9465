
/*
 * libFuzzer target for the profile engine: every input is parsed (with a
 * small inflate bound), reported on every sample type and rendered in
 * every format to a writer that discards, its pages as a stored capture's
 * too; the same bytes, cut into strings, are a history page's entries.
 * The same bytes are a query string for the parsers of the arguments
 * clients send, and a share link's token for its verifier (and the key,
 * location and capture of links signed and then checked).  The malloc/free allocator lets LeakSanitizer see
 * anything the engine forgets to free.
 */


#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/profile/pprof.h"
#include "../src/ngx_http_pprof_link.h"


static void *
pprof_fuzz_alloc(void *data, size_t size)
{
    (void) data;

    return malloc(size);
}


static void
pprof_fuzz_free(void *data, void *p)
{
    (void) data;

    free(p);
}


static int
pprof_fuzz_write(void *data, const char *buf, size_t len)
{
    /* touch the output so sanitizers check every byte was written */
    volatile unsigned char  *sum = data;
    size_t                   i;

    for (i = 0; i < len; i++) {
        *sum ^= (unsigned char) buf[i];
    }

    return 0;
}


/*
 * The history page of entries cut from the input: NUL-separated strings
 * (id, name, args in turn, the last one unterminated is dropped), the
 * numbers from the bytes themselves, hostile as files on disk may be.
 */

static void
pprof_fuzz_captures(const uint8_t *data, size_t size)
{
    char                    *copy, *p, *end, *nul;
    size_t                   n, k, i;
    uint64_t                 v;
    unsigned char            sum;
    pprof_capture_entry_t    e[16];
    pprof_render_options_t   o;

    copy = malloc(size + 1);
    if (copy == NULL) {
        return;
    }

    memcpy(copy, data, size);
    copy[size] = '\0';

    memset(e, 0, sizeof(e));
    p = copy;
    end = copy + size;
    n = 0;
    k = 0;

    while (p < end && n < sizeof(e) / sizeof(e[0])) {
        nul = memchr(p, '\0', end - p);
        if (nul == NULL) {
            break;
        }

        if (k == 0) {
            e[n].id = p;

        } else if (k == 1) {
            e[n].name = p;

        } else {
            e[n].args = p;

            for (v = 0, i = 0; i < 8 && p + i < nul; i++) {
                v = v << 8 | (unsigned char) p[i];
            }

            e[n].time = (int64_t) v;
            e[n].duration_ms = (int64_t) (v >> 7) - (int64_t) (v & 0xffff);
            e[n].size = (int64_t) (v * 2654435761u);
            e[n].text = (int) (v & 1);
            n++;
        }

        k = (k + 1) % 3;
        p = nul + 1;
    }

    memset(&o, 0, sizeof(o));
    o.title = "fuzz";
    o.write = pprof_fuzz_write;
    o.data = &sum;

    (void) pprof_render_captures(n ? e[0].name : NULL, e, n, &o);

    free(copy);
}


/*
 * The input as a query string, the handler's view of it: pieces split at
 * '&', each value through every parser the handler uses on what clients
 * send (the seconds, the vocabulary, the free-text decoder), checking
 * what they promise: a seconds value accepted is a whole 1..max rounded
 * up; a decoded string is NUL-terminated, no longer than its bound or its
 * input, and free of control characters.
 */

static void
pprof_fuzz_query(const uint8_t *data, size_t size)
{
    char                   *dst;
    long                    n;
    size_t                  i, len;
    unsigned                max, rounded;
    const char             *p, *end, *amp, *eq, *v;
    const pprof_keyword_t  *k;
    const size_t            bounds[] = { 0, 1, 16, 1024 };

    static const pprof_keyword_t  *tables[] = {
        pprof_formats, pprof_views, pprof_sorts
    };
    static const unsigned          maxes[] = { 1, 5, 60, 300 };

    p = (const char *) data;
    end = p + size;

    dst = malloc(size + 1);
    if (dst == NULL) {
        return;
    }

    while (p <= end) {
        amp = memchr(p, '&', end - p);
        if (amp == NULL) {
            amp = end;
        }

        eq = memchr(p, '=', amp - p);
        v = eq ? eq + 1 : p;
        len = amp - v;

        for (i = 0; i < sizeof(maxes) / sizeof(maxes[0]) * 2; i++) {
            max = maxes[i / 2];
            rounded = 0;

            if (pprof_query_seconds(v, len, max, (int) (i & 1), &rounded)
                == PPROF_OK
                && (rounded < 1 || rounded > max
                    || ((i & 1) == 0 && memchr(v, '.', len) != NULL)))
            {
                abort();
            }
        }

        for (i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
            k = pprof_keyword_find(tables[i], v, len);

            if (k != NULL
                && (strlen(k->name) != len || memcmp(k->name, v, len) != 0))
            {
                abort();
            }
        }

        for (i = 0; i < sizeof(bounds) / sizeof(bounds[0]); i++) {
            n = pprof_query_string(dst, v, len, bounds[i]);

            if (n < 0) {
                continue;
            }

            if ((size_t) n > bounds[i] || (size_t) n > len
                || dst[n] != '\0')
            {
                abort();
            }

            for (; n > 0; n--) {
                if ((unsigned char) dst[n - 1] < 0x20
                    || dst[n - 1] == 0x7f)
                {
                    abort();
                }
            }
        }

        p = amp + 1;
    }

    free(dst);
}


/*
 * Share links (ngx_http_pprof_link.c).  The input as a token: whatever
 * the verdict, it is one of the verifier's, and a token it accepts is
 * byte for byte the one signing its ID and expiry makes.  The input as a
 * key, a location, an ID and an expiry: the signed token verifies, not
 * after its expiry, not for another ID, not in another location, not
 * with any one byte changed, not cut short.
 */

static void
pprof_fuzz_link(const uint8_t *data, size_t size)
{
    int            rc;
    size_t         i, n, m, klen, llen;
    int64_t        expires, exp2;
    uint64_t       id;
    unsigned char  tok[NGX_HTTP_PPROF_LINK_MAX], again[NGX_HTTP_PPROF_LINK_MAX];
    char           hex[32];

    static const unsigned char  key[] = "fuzz-secret";
    static const unsigned char  loc[] = "/debug/pprof/";

    rc = ngx_http_pprof_link_verify(key, sizeof(key) - 1, loc,
                                    sizeof(loc) - 1, data, size,
                                    (const unsigned char *) "0123456789abcdef",
                                    16, 0, &expires);

    if (rc < NGX_HTTP_PPROF_LINK_OK || rc > NGX_HTTP_PPROF_LINK_ERROR) {
        abort();
    }

    if (rc == NGX_HTTP_PPROF_LINK_OK) {
        n = ngx_http_pprof_link_sign(key, sizeof(key) - 1, loc,
                                     sizeof(loc) - 1, 0x0123456789abcdefULL,
                                     expires, again);
        if (n != size || memcmp(again, data, n) != 0) {
            abort();
        }
    }

    if (size < 17) {
        return;
    }

    for (id = 0, i = 0; i < 8; i++) {
        id = id << 8 | data[i];
    }

    for (expires = 0, i = 8; i < 13; i++) {
        expires = expires << 8 | data[i];
    }

    expires %= 1000000000000LL;
    klen = 1 + data[13] % (size - 16);
    llen = data[14] % (size - 16 - klen + 1);

    n = ngx_http_pprof_link_sign(data + 16, klen, data + 16 + klen, llen, id,
                                 expires, tok);
    if (n == 0 || n > NGX_HTTP_PPROF_LINK_MAX) {
        abort();
    }

    snprintf(hex, sizeof(hex), "r-%016llx", (unsigned long long) id);

#define PPROF_FUZZ_VERIFY(t, tl, l, ll, c, cl, now)                           \
    ngx_http_pprof_link_verify(data + 16, klen, l, ll, t, tl,                 \
                               (const unsigned char *) (c), cl, now, &exp2)

    if (PPROF_FUZZ_VERIFY(tok, n, data + 16 + klen, llen, hex + 2, 16,
                          expires - 1)
        != NGX_HTTP_PPROF_LINK_OK
        || exp2 != expires
        || PPROF_FUZZ_VERIFY(tok, n, data + 16 + klen, llen, hex, 18,
                             expires - 1)
           != NGX_HTTP_PPROF_LINK_OK
        || PPROF_FUZZ_VERIFY(tok, n, data + 16 + klen, llen, hex + 2, 16,
                             expires)
           != NGX_HTTP_PPROF_LINK_EXPIRED
        || PPROF_FUZZ_VERIFY(tok, n - 1, data + 16 + klen, llen, hex + 2, 16,
                             expires - 1)
           != NGX_HTTP_PPROF_LINK_TRUNCATED)
    {
        abort();
    }

    /* another location: a location one byte longer, never the same */

    if (PPROF_FUZZ_VERIFY(tok, n, data + 16, klen + llen, hex + 2, 16,
                          expires - 1)
        == NGX_HTTP_PPROF_LINK_OK)
    {
        abort();
    }

    /* another capture */

    hex[17] = (hex[17] == '0') ? '1' : '0';

    if (PPROF_FUZZ_VERIFY(tok, n, data + 16 + klen, llen, hex + 2, 16,
                          expires - 1)
        != NGX_HTTP_PPROF_LINK_OTHER)
    {
        abort();
    }

    hex[17] = (hex[17] == '0') ? '1' : '0';

    /* one byte changed, where the input says */

    m = data[15] % n;
    memcpy(again, tok, n);
    again[m] ^= (unsigned char) (1 + data[16] % 255);

    if (PPROF_FUZZ_VERIFY(again, n, data + 16 + klen, llen, hex + 2, 16,
                          expires - 1)
        == NGX_HTTP_PPROF_LINK_OK)
    {
        abort();
    }

#undef PPROF_FUZZ_VERIFY
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int                      rc;
    size_t                   i, f;
    unsigned char            sum;
    pprof_error_t            err;
    pprof_limits_t           limits;
    pprof_report_t          *r;
    pprof_profile_t         *p;
    pprof_allocator_t        a;
    pprof_report_options_t   ro;
    pprof_render_options_t   o;
    const pprof_info_t      *info;
    char                     index[32];

    pprof_fuzz_captures(data, size);
    pprof_fuzz_query(data, size);
    pprof_fuzz_link(data, size);

    a.alloc = pprof_fuzz_alloc;
    a.free = pprof_fuzz_free;
    a.data = NULL;
    limits.max_inflated = 8 << 20;

    p = pprof_profile_parse(data, size, &limits, &a, &err);
    if (p == NULL) {
        return 0;
    }

    info = pprof_profile_info(p);

    for (i = 0; i < info->nsample_types && i < 8; i++) {
        memset(&ro, 0, sizeof(ro));

        /* by index: sample type names may repeat or be empty */
        snprintf(index, sizeof(index), "%zu", i);
        ro.sample_type = index;
        ro.sort = (int) (i & 1);
        ro.zoom = i == 1 ? "main.main" : NULL;
        ro.focus = i == 2 ? "a|b" : NULL;
        ro.ignore = i == 3 ? "^runtime\\." : NULL;

        r = pprof_report(p, &ro, &a, &err);
        if (r == NULL) {
            continue;
        }

        /* every format of the vocabulary, raw too (refused) */
        for (f = 0; pprof_formats[f].name != NULL; f++) {
            memset(&o, 0, sizeof(o));
            o.format = pprof_formats[f].value;
            o.view = (int) (f % 3);
            o.nodecount = i & 1 ? 3 : 0;
            o.title = "fuzz";
            o.query = "seconds=1";
            o.search = "a";

            /* every other sample type: as a stored capture's pages */
            if (i & 1) {
                o.capture = "0123456789abcdef";
                o.again = "seconds=1&refresh=1";
                o.history = "./?view=history";
            }

            o.write = pprof_fuzz_write;
            o.data = &sum;
            o.allocator = &a;

            rc = pprof_render(r, &o, &err);

            if (o.format == PPROF_FORMAT_RAW && rc != PPROF_ERROR) {
                abort();
            }

            /* every HTML view */
            if (o.format == PPROF_FORMAT_HTML) {
                o.view = PPROF_VIEW_FLAME;
                (void) pprof_render(r, &o, &err);
                o.view = PPROF_VIEW_GOROUTINES;
                (void) pprof_render(r, &o, &err);
            }
        }

        pprof_report_free(r);
    }

    pprof_profile_free(p);

    return 0;
}
