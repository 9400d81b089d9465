
/*
 * Share links (ngx_http_pprof_link.c): the signature of a link to one
 * stored capture, made and checked.  Plain C and OpenSSL, no nginx: a
 * fuzzer calls ngx_http_pprof_link_verify() with hostile bytes as is.
 */


#ifndef _NGX_HTTP_PPROF_LINK_H_INCLUDED_
#define _NGX_HTTP_PPROF_LINK_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>


/*
 * A link's token, the value of its "link" argument:
 *
 *     ID.EXPIRES.SIGNATURE
 *
 * ID the capture's 16 lowercase hex digits, EXPIRES Unix seconds in
 * decimal, SIGNATURE 64 lowercase hex digits: HMAC-SHA256 with the secret
 * over the location, the ID and EXPIRES (see ngx_http_pprof_link.c).
 */

#define NGX_HTTP_PPROF_LINK_ID_LEN      16
#define NGX_HTTP_PPROF_LINK_TIME_MAX    12      /* digits of EXPIRES */
#define NGX_HTTP_PPROF_LINK_SIG_LEN     64
#define NGX_HTTP_PPROF_LINK_MAX                                               \
    (NGX_HTTP_PPROF_LINK_ID_LEN + 1 + NGX_HTTP_PPROF_LINK_TIME_MAX + 1        \
     + NGX_HTTP_PPROF_LINK_SIG_LEN)


/* what ngx_http_pprof_link_verify() found */
#define NGX_HTTP_PPROF_LINK_OK          0
#define NGX_HTTP_PPROF_LINK_TRUNCATED   1   /* a valid token's beginning */
#define NGX_HTTP_PPROF_LINK_MALFORMED   2   /* not a token at all */
#define NGX_HTTP_PPROF_LINK_ALTERED     3   /* the signature does not match */
#define NGX_HTTP_PPROF_LINK_OTHER       4   /* signed for another capture */
#define NGX_HTTP_PPROF_LINK_EXPIRED     5   /* signed, but too late */
#define NGX_HTTP_PPROF_LINK_ERROR       6   /* OpenSSL failed */


/*
 * Writes the token of a link to capture id (16 hex digits) in location,
 * valid until expires, into buf (NGX_HTTP_PPROF_LINK_MAX bytes at least);
 * returns its length, 0 when OpenSSL failed.  Not NUL-terminated.
 */
size_t ngx_http_pprof_link_sign(const unsigned char *key, size_t key_len,
    const unsigned char *location, size_t location_len, uint64_t id,
    int64_t expires, unsigned char *buf);

/*
 * Checks token (any bytes) as the link of a request for capture (any
 * bytes: the request's "capture" argument, "HEX" or "REPLICA-HEX", whose
 * hex must be the token's ID) in location at time now.  The
 * signature is compared in constant time, and checked before the ID and
 * the expiry: a token's fields tell nothing until it is known to be
 * signed.  *expires is set when the token is well formed.
 */
int ngx_http_pprof_link_verify(const unsigned char *key, size_t key_len,
    const unsigned char *location, size_t location_len,
    const unsigned char *token, size_t token_len,
    const unsigned char *capture, size_t capture_len, int64_t now,
    int64_t *expires);


#endif /* _NGX_HTTP_PPROF_LINK_H_INCLUDED_ */
