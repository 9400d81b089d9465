
/*
 * The query's values outside the vocabulary: the seconds of a capture or
 * delta profile, and free-text arguments (focus=, ignore=, sample=, ...)
 * decoded from their form encoding.  No nginx in here, so the fuzzer
 * reaches exactly the code the handler runs on what clients send.
 */


#include <string.h>

#include "pprof.h"


#define PPROF_QUERY_SECONDS_LEN  16


static int pprof_query_hex(int c);


/*
 * "5", and with fraction "0.5" or ".5": positive, at most max ("60.5" is
 * more than 60).  *rounded is the length in whole seconds, rounded up.
 */

int
pprof_query_seconds(const char *s, size_t len, unsigned max, int fraction,
    unsigned *rounded)
{
    size_t        i, dot;
    uint64_t      n;
    int           nonzero;

    if (s == NULL || len == 0 || len > PPROF_QUERY_SECONDS_LEN) {
        return PPROF_ERROR;
    }

    dot = len;
    n = 0;
    nonzero = 0;

    for (i = 0; i < len; i++) {

        if (s[i] == '.' && dot == len) {
            dot = i;
            continue;
        }

        if (s[i] < '0' || s[i] > '9') {
            return PPROF_ERROR;
        }

        if (s[i] != '0') {
            nonzero = 1;
        }

        if (dot == len) {
            /* stops as soon as it is too many: no overflow */
            if (n > max) {
                return PPROF_ERROR;
            }

            n = n * 10 + (uint64_t) (s[i] - '0');
        }
    }

    if (dot < len && (!fraction || dot == len - 1)) {
        return PPROF_ERROR;
    }

    /* "0" and "0.0" are no capture; "60.0" is more than 60 for the rule
     * that a fraction at max is too long */

    if (!nonzero || n > max || (n == max && dot < len)) {
        return PPROF_ERROR;
    }

    if (rounded) {
        *rounded = (unsigned) n + (dot < len ? 1 : 0);
    }

    return PPROF_OK;
}


/*
 * A form value: '+' is a space, %XX the byte XX.  A '%' not followed by
 * two hex digits, a control character (decoded or not) or more than max
 * decoded bytes refuse it.  dst has room for len + 1 bytes and gets the
 * value NUL-terminated; returns its length, or -1.
 */

long
pprof_query_string(char *dst, const char *src, size_t len, size_t max)
{
    int            hi, lo;
    size_t         i, n;
    unsigned char  c;

    if (dst == NULL || (src == NULL && len > 0)) {
        return -1;
    }

    n = 0;

    for (i = 0; i < len; i++) {
        c = (unsigned char) src[i];

        if (c == '+') {
            c = ' ';

        } else if (c == '%') {
            if (len - i < 3) {
                return -1;
            }

            hi = pprof_query_hex((unsigned char) src[i + 1]);
            lo = pprof_query_hex((unsigned char) src[i + 2]);

            if (hi < 0 || lo < 0) {
                return -1;
            }

            c = (unsigned char) (hi << 4 | lo);
            i += 2;
        }

        if (c < 0x20 || c == 0x7f || n == max) {
            return -1;
        }

        dst[n++] = (char) c;
    }

    dst[n] = '\0';

    return (long) n;
}


static int
pprof_query_hex(int c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }

    c |= 0x20;

    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }

    return -1;
}
