
/*
 * Share links: the token of a link to one stored capture, signed with
 * HMAC-SHA256 and checked in constant time.  What is signed:
 *
 *     "pprof-link-v1\n" SHA256(location) ID "\n" EXPIRES
 *
 * the location as configured (a link opens its capture in that location
 * only; the location is hashed, so the message has a fixed size whatever
 * its name), the capture's ID in hex and the expiry in decimal, as the
 * token spells them.  The capture's profile needs no signing: an ID is
 * of one profile, and the store refuses it under another name; nor does
 * the replica an ID may name ("REPLICA-HEX"): the store refuses another
 * replica's ID.
 *
 * No nginx in here, only OpenSSL and libc: a fuzzer feeds
 * ngx_http_pprof_link_verify() hostile tokens directly.
 */


#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include "ngx_http_pprof_link.h"


#define NGX_HTTP_PPROF_LINK_PREFIX  "pprof-link-v1\n"
#define NGX_HTTP_PPROF_LINK_MSG_MAX                                           \
    (sizeof(NGX_HTTP_PPROF_LINK_PREFIX) - 1 + SHA256_DIGEST_LENGTH            \
     + NGX_HTTP_PPROF_LINK_ID_LEN + 1 + NGX_HTTP_PPROF_LINK_TIME_MAX)


static int ngx_http_pprof_link_mac(const unsigned char *key, size_t key_len,
    const unsigned char *location, size_t location_len,
    const unsigned char *id, const unsigned char *expires,
    size_t expires_len, unsigned char *mac);
static size_t ngx_http_pprof_link_hex(const unsigned char *p, size_t len,
    size_t max);
static size_t ngx_http_pprof_link_digits(const unsigned char *p, size_t len,
    size_t max);
static unsigned ngx_http_pprof_link_xvalue(unsigned char c);


static const char  ngx_http_pprof_link_xdigits[] = "0123456789abcdef";


size_t
ngx_http_pprof_link_sign(const unsigned char *key, size_t key_len,
    const unsigned char *location, size_t location_len, uint64_t id,
    int64_t expires, unsigned char *buf)
{
    int            i;
    size_t         n;
    uint64_t       t;
    unsigned char  digits[NGX_HTTP_PPROF_LINK_TIME_MAX];
    unsigned char  mac[SHA256_DIGEST_LENGTH];

    if (expires < 0) {
        return 0;
    }

    for (i = 0; i < NGX_HTTP_PPROF_LINK_ID_LEN; i++) {
        buf[i] = ngx_http_pprof_link_xdigits[(id >> (60 - 4 * i)) & 0xf];
    }

    /* the expiry's digits, most significant first */

    t = (uint64_t) expires;
    n = 0;

    do {
        if (n == NGX_HTTP_PPROF_LINK_TIME_MAX) {
            return 0;
        }

        digits[NGX_HTTP_PPROF_LINK_TIME_MAX - ++n] = '0' + t % 10;
        t /= 10;
    } while (t);

    buf[NGX_HTTP_PPROF_LINK_ID_LEN] = '.';
    memcpy(buf + NGX_HTTP_PPROF_LINK_ID_LEN + 1,
           digits + NGX_HTTP_PPROF_LINK_TIME_MAX - n, n);

    if (ngx_http_pprof_link_mac(key, key_len, location, location_len, buf,
                                buf + NGX_HTTP_PPROF_LINK_ID_LEN + 1, n, mac)
        != 0)
    {
        return 0;
    }

    n += NGX_HTTP_PPROF_LINK_ID_LEN + 1;
    buf[n++] = '.';

    for (i = 0; i < SHA256_DIGEST_LENGTH; i++) {
        buf[n++] = ngx_http_pprof_link_xdigits[mac[i] >> 4];
        buf[n++] = ngx_http_pprof_link_xdigits[mac[i] & 0xf];
    }

    OPENSSL_cleanse(mac, sizeof(mac));

    return n;
}


int
ngx_http_pprof_link_verify(const unsigned char *key, size_t key_len,
    const unsigned char *location, size_t location_len,
    const unsigned char *token, size_t token_len,
    const unsigned char *capture, size_t capture_len, int64_t now,
    int64_t *expires)
{
    int                   rc;
    size_t                i, n, left;
    int64_t               t;
    const unsigned char  *id, *time, *sig;
    unsigned char         mac[SHA256_DIGEST_LENGTH];
    unsigned char         given[SHA256_DIGEST_LENGTH];

    /*
     * The shape first.  A token cut anywhere is still a run of its
     * fields' characters: what ends early is "truncated", anything else
     * is "malformed".
     */

    id = token;
    left = token_len;

    n = ngx_http_pprof_link_hex(id, left, NGX_HTTP_PPROF_LINK_ID_LEN);

    if (n < NGX_HTTP_PPROF_LINK_ID_LEN) {
        return (n == left) ? NGX_HTTP_PPROF_LINK_TRUNCATED
                           : NGX_HTTP_PPROF_LINK_MALFORMED;
    }

    left -= n;

    if (left == 0) {
        return NGX_HTTP_PPROF_LINK_TRUNCATED;
    }

    if (id[n] != '.') {
        return NGX_HTTP_PPROF_LINK_MALFORMED;
    }

    time = id + n + 1;
    left--;

    n = ngx_http_pprof_link_digits(time, left, NGX_HTTP_PPROF_LINK_TIME_MAX);

    if (n == left) {
        return (n <= NGX_HTTP_PPROF_LINK_TIME_MAX)
               ? NGX_HTTP_PPROF_LINK_TRUNCATED
               : NGX_HTTP_PPROF_LINK_MALFORMED;
    }

    if (n == 0 || n > NGX_HTTP_PPROF_LINK_TIME_MAX || time[n] != '.'
        || (n > 1 && time[0] == '0'))
    {
        return NGX_HTTP_PPROF_LINK_MALFORMED;
    }

    sig = time + n + 1;
    left -= n + 1;

    i = ngx_http_pprof_link_hex(sig, left, NGX_HTTP_PPROF_LINK_SIG_LEN + 1);

    if (i != left || i > NGX_HTTP_PPROF_LINK_SIG_LEN) {
        return NGX_HTTP_PPROF_LINK_MALFORMED;
    }

    if (i < NGX_HTTP_PPROF_LINK_SIG_LEN) {
        return NGX_HTTP_PPROF_LINK_TRUNCATED;
    }

    for (t = 0, i = 0; i < n; i++) {
        t = t * 10 + (time[i] - '0');
    }

    *expires = t;

    /* then the signature, over the token's own ID and expiry */

    if (ngx_http_pprof_link_mac(key, key_len, location, location_len, id,
                                time, n, mac)
        != 0)
    {
        return NGX_HTTP_PPROF_LINK_ERROR;
    }

    for (i = 0; i < SHA256_DIGEST_LENGTH; i++) {
        given[i] = (unsigned char)
                   (ngx_http_pprof_link_xvalue(sig[2 * i]) << 4
                    | ngx_http_pprof_link_xvalue(sig[2 * i + 1]));
    }

    rc = CRYPTO_memcmp(mac, given, SHA256_DIGEST_LENGTH);

    OPENSSL_cleanse(mac, sizeof(mac));

    if (rc != 0) {
        return NGX_HTTP_PPROF_LINK_ALTERED;
    }

    /* a genuine link: for this capture, and still valid */

    if (capture_len < NGX_HTTP_PPROF_LINK_ID_LEN
        || (capture_len > NGX_HTTP_PPROF_LINK_ID_LEN
            && capture[capture_len - NGX_HTTP_PPROF_LINK_ID_LEN - 1] != '-')
        || memcmp(capture + capture_len - NGX_HTTP_PPROF_LINK_ID_LEN, id,
                  NGX_HTTP_PPROF_LINK_ID_LEN)
           != 0)
    {
        return NGX_HTTP_PPROF_LINK_OTHER;
    }

    if (now >= t) {
        return NGX_HTTP_PPROF_LINK_EXPIRED;
    }

    return NGX_HTTP_PPROF_LINK_OK;
}


/* 0, or -1 when OpenSSL failed (a key must not be empty) */

static int
ngx_http_pprof_link_mac(const unsigned char *key, size_t key_len,
    const unsigned char *location, size_t location_len,
    const unsigned char *id, const unsigned char *expires,
    size_t expires_len, unsigned char *mac)
{
    size_t         n;
    unsigned int   len;
    unsigned char  msg[NGX_HTTP_PPROF_LINK_MSG_MAX];

    if (key_len == 0 || key_len > 0x7fffffff
        || expires_len > NGX_HTTP_PPROF_LINK_TIME_MAX)
    {
        return -1;
    }

    n = sizeof(NGX_HTTP_PPROF_LINK_PREFIX) - 1;
    memcpy(msg, NGX_HTTP_PPROF_LINK_PREFIX, n);

    if (SHA256(location, location_len, msg + n) == NULL) {
        return -1;
    }

    n += SHA256_DIGEST_LENGTH;
    memcpy(msg + n, id, NGX_HTTP_PPROF_LINK_ID_LEN);
    n += NGX_HTTP_PPROF_LINK_ID_LEN;
    msg[n++] = '\n';
    memcpy(msg + n, expires, expires_len);
    n += expires_len;

    len = SHA256_DIGEST_LENGTH;

    if (HMAC(EVP_sha256(), key, (int) key_len, msg, n, mac, &len) == NULL
        || len != SHA256_DIGEST_LENGTH)
    {
        return -1;
    }

    return 0;
}


/* how many of the first bytes (at most max) are lowercase hex digits */

static size_t
ngx_http_pprof_link_hex(const unsigned char *p, size_t len, size_t max)
{
    size_t  n;

    for (n = 0; n < len && n < max; n++) {
        if (!((p[n] >= '0' && p[n] <= '9') || (p[n] >= 'a' && p[n] <= 'f')))
        {
            break;
        }
    }

    return n;
}


/* how many of the first bytes (at most max + 1) are decimal digits */

static size_t
ngx_http_pprof_link_digits(const unsigned char *p, size_t len, size_t max)
{
    size_t  n;

    for (n = 0; n < len && n <= max; n++) {
        if (p[n] < '0' || p[n] > '9') {
            break;
        }
    }

    return n;
}


/* a lowercase hex digit's value */

static unsigned
ngx_http_pprof_link_xvalue(unsigned char c)
{
    return (c <= '9') ? (unsigned) (c - '0') : (unsigned) (c - 'a' + 10);
}
