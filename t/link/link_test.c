
/*
 * The share links' signature (src/ngx_http_pprof_link.c) on its own: a
 * signed token verifies for its capture until it expires; every prefix
 * of it is "truncated"; no change of a single byte verifies; another
 * key, location or capture does not.  Built plain and under ASan/UBSan
 * by mk/link.mk (make link-test).
 */


#include <stdio.h>
#include <string.h>

#include "../../src/ngx_http_pprof_link.h"


static int  failed, passed;


static void
check(int ok, const char *what, size_t i)
{
    if (ok) {
        passed++;
        return;
    }

    failed++;
    printf("not ok - %s (%zu)\n", what, i);
}


static int
verify(const char *key, const char *location, const unsigned char *token,
    size_t len, const char *capture, int64_t now)
{
    int64_t  expires;

    return ngx_http_pprof_link_verify((const unsigned char *) key,
                                      strlen(key),
                                      (const unsigned char *) location,
                                      strlen(location), token, len,
                                      (const unsigned char *) capture,
                                      strlen(capture), now, &expires);
}


int
main(void)
{
    int             rc;
    size_t          n, i, k;
    int64_t         exp, expires;
    unsigned char   token[NGX_HTTP_PPROF_LINK_MAX + 2];
    unsigned char   t[NGX_HTTP_PPROF_LINK_MAX + 2];
    const char     *key = "0123456789abcdef-secret";
    const char     *loc = "/debug/pprof/";
    const char     *id = "00ff12ab34cd56ef";
    static const unsigned char  subst[] = "0a9f.-xA";

    exp = 1764642000;

    n = ngx_http_pprof_link_sign((const unsigned char *) key, strlen(key),
                                 (const unsigned char *) loc, strlen(loc),
                                 0x00ff12ab34cd56efULL, exp, token);

    check(n == 16 + 1 + 10 + 1 + 64, "the token's length", n);
    check(memcmp(token, id, 16) == 0 && token[16] == '.'
          && memcmp(token + 17, "1764642000.", 11) == 0,
          "the token spells the ID and the expiry", 0);

    check(verify(key, loc, token, n, id, exp - 1) == NGX_HTTP_PPROF_LINK_OK,
          "valid for its capture", 0);
    check(verify(key, loc, token, n, "replica-0-00ff12ab34cd56ef", exp - 1)
          == NGX_HTTP_PPROF_LINK_OK, "valid for REPLICA-ID", 0);
    check(verify(key, loc, token, n, id, exp) == NGX_HTTP_PPROF_LINK_EXPIRED,
          "expired at its expiry", 0);
    check(verify(key, loc, token, n, "00ff12ab34cd56ee", exp - 1)
          == NGX_HTTP_PPROF_LINK_OTHER, "another capture", 0);
    check(verify(key, loc, token, n, "x00ff12ab34cd56ef", exp - 1)
          == NGX_HTTP_PPROF_LINK_OTHER, "an ID with junk before it", 0);
    check(verify(key, loc, token, n, "", exp - 1)
          == NGX_HTTP_PPROF_LINK_OTHER, "no capture", 0);
    check(verify("0123456789abcdef-secreT", loc, token, n, id, exp - 1)
          == NGX_HTTP_PPROF_LINK_ALTERED, "another key", 0);
    check(verify(key, "/debug/pprof", token, n, id, exp - 1)
          == NGX_HTTP_PPROF_LINK_ALTERED, "another location", 0);
    check(verify("", loc, token, n, id, exp - 1)
          == NGX_HTTP_PPROF_LINK_ERROR, "an empty key", 0);

    (void) ngx_http_pprof_link_verify((const unsigned char *) key,
                                      strlen(key), (const unsigned char *) loc,
                                      strlen(loc), token, n,
                                      (const unsigned char *) id, 16, 0,
                                      &expires);
    check(expires == exp, "the expiry read back", 0);

    for (i = 0; i < n; i++) {
        check(verify(key, loc, token, i, id, exp - 1)
              == NGX_HTTP_PPROF_LINK_TRUNCATED, "a prefix is truncated", i);
    }

    memcpy(t, token, n);
    t[n] = '0';
    check(verify(key, loc, t, n + 1, id, exp - 1)
          == NGX_HTTP_PPROF_LINK_MALFORMED, "one byte too many", 0);

    for (i = 0; i < n; i++) {
        for (k = 0; k < sizeof(subst) - 1; k++) {
            if (token[i] == subst[k]) {
                continue;
            }

            memcpy(t, token, n);
            t[i] = subst[k];
            rc = verify(key, loc, t, n, id, exp - 1);
            check(rc == NGX_HTTP_PPROF_LINK_ALTERED
                  || rc == NGX_HTTP_PPROF_LINK_MALFORMED
                  || rc == NGX_HTTP_PPROF_LINK_TRUNCATED,
                  "a byte changed does not verify", i);
        }
    }

    check(ngx_http_pprof_link_sign((const unsigned char *) key, strlen(key),
                                   (const unsigned char *) loc, strlen(loc),
                                   1, -1, token)
          == 0, "no negative expiry", 0);

    printf("link: %d passed, %d failed\n", passed, failed);

    return failed ? 1 : 0;
}
