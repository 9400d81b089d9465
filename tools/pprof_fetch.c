
/*
 * pprof-summary's fetch (pprof_fetch.h): GET over https with libcurl,
 * verification always on, the token as a bearer credential that libcurl
 * sends to the URL's host only (no redirect is followed) and that no
 * message ever contains.
 */


#define _GNU_SOURCE                      /* memmem, explicit_bzero */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>

#include "pprof_fetch.h"


#define PPROF_FETCH_TOKEN_MAX    16384
#define PPROF_FETCH_QUOTE_MAX    200
#define PPROF_FETCH_CONNECT      10L


typedef struct {
    unsigned char  *data;
    size_t          len;
    size_t          size;
    int             too_big;
} pprof_fetch_buf_t;


const char *
pprof_fetch_option(pprof_fetch_t *f, const char *name, size_t len,
    const char *val)
{
    size_t       n;
    const char  *p;

#define pprof_fetch_is(s)                                                   \
    (len == sizeof(s) - 1 && memcmp(name, s, len) == 0)

    if (pprof_fetch_is("--token-file")) {
        f->token_file = val;

    } else if (pprof_fetch_is("--cacert")) {
        f->cacert = val;

    } else if (pprof_fetch_is("--output")) {
        if (*val == '\0') {
            return "--output needs a file name";
        }

        f->output = val;

    } else if (pprof_fetch_is("--seconds")) {
        /* 1 to 5 digits, a fraction (trace takes one) of at most 6 */
        n = strspn(val, "0123456789");
        p = val + n;

        if (*p == '.') {
            p++;
            p += strspn(p, "0123456789");
        }

        if (n == 0 || n > 5 || *p != '\0' || p - val > 12) {
            return "bad --seconds (a number, e.g. 30 or 0.5)";
        }

        f->seconds = val;

    } else if (pprof_fetch_is("--timeout")) {
        n = strspn(val, "0123456789");

        if (n == 0 || n > 5 || val[n] != '\0' || atol(val) == 0) {
            return "bad --timeout (whole seconds, 1 or more)";
        }

        f->timeout = val;

    } else {
        return NULL;
    }

#undef pprof_fetch_is

    return "";
}


int
pprof_fetch_is_url(const char *arg)
{
    return strncmp(arg, "https://", 8) == 0
           || strncmp(arg, "http://", 7) == 0
           || strncmp(arg, "/debug/pprof", 12) == 0
           || strncmp(arg, "/api/", 5) == 0;
}


void
pprof_fetch_usage(void)
{
    fprintf(stderr,
        "       pprof-summary [options above] [--token-file F] "
        "[--cacert F]\n"
        "                     [--seconds N] [--timeout N] "
        "[--output FILE] [-v]\n"
        "                     https://HOST/debug/pprof/NAME | "
        "/debug/pprof/NAME\n"
        "  in a pod: token and ca.crt of\n"
        "    " PPROF_FETCH_SA_DIR "/,\n"
        "  a path goes to KUBERNETES_SERVICE_HOST:KUBERNETES_SERVICE_PORT\n");
}


/*
 * printable, bounded: what a message may quote of a URL or an answer;
 * JSON's \" and \\ unescaped
 */
static void
pprof_fetch_clean(char *dst, size_t size, const char *src, size_t len)
{
    size_t  i, n;

    n = 0;

    for (i = 0; i < len && n + 4 < size; i++) {
        if (src[i] == '\\' && i + 1 < len
            && (src[i + 1] == '"' || src[i + 1] == '\\'))
        {
            i++;
        }

        dst[n++] = (src[i] >= 0x20 && src[i] < 0x7f) ? src[i] : '?';
    }

    if (i < len) {
        memcpy(dst + n, "...", 3);
        n += 3;
    }

    dst[n] = '\0';
}


/* the "message" of a Kubernetes Status, else the answer's first line */
static void
pprof_fetch_quote(char *dst, size_t size, const pprof_fetch_buf_t *b)
{
    size_t       n;
    const char  *s, *e, *p, *end;

    s = (const char *) b->data;
    end = s + b->len;

    if (s == NULL || b->len == 0) {
        pprof_fetch_clean(dst, size, "(no body)", 9);
        return;
    }

    p = memmem(s, b->len, "\"message\":\"", 11);

    if (p != NULL) {
        s = p + 11;

        for (e = s; e < end && *e != '"'; e++) {
            if (*e == '\\' && e + 1 < end) {
                e++;
            }
        }

    } else {
        for (e = s; e < end && *e != '\n' && *e != '\r'; e++) {
            /* void */
        }
    }

    n = (size_t) (e - s);
    pprof_fetch_clean(dst, size, s, n > PPROF_FETCH_QUOTE_MAX
                                    ? PPROF_FETCH_QUOTE_MAX + 1 : n);
}


static size_t
pprof_fetch_write(char *ptr, size_t size, size_t nmemb, void *data)
{
    size_t              n, want;
    unsigned char      *p;
    pprof_fetch_buf_t  *b = data;

    n = size * nmemb;

    if (b->len + n > PPROF_FETCH_MAX) {
        b->too_big = 1;
        return 0;
    }

    if (b->len + n > b->size) {
        want = b->size ? b->size : 65536;

        while (want < b->len + n) {
            want *= 2;
        }

        p = realloc(b->data, want);
        if (p == NULL) {
            b->too_big = 1;
            return 0;
        }

        b->data = p;
        b->size = want;
    }

    memcpy(b->data + b->len, ptr, n);
    b->len += n;

    return n;
}


/* the token file's one token, whitespace trimmed; NULL after a message */
static char *
pprof_fetch_token(const char *path)
{
    char    *buf, *s, *e, *p;
    FILE    *fp;
    size_t   n;

    fp = fopen(path, "r");
    if (fp == NULL) {
        fprintf(stderr, "pprof-summary: token file %s: %s\n", path,
                strerror(errno));
        return NULL;
    }

    buf = malloc(PPROF_FETCH_TOKEN_MAX + 1);
    if (buf == NULL) {
        fclose(fp);
        fprintf(stderr, "pprof-summary: out of memory\n");
        return NULL;
    }

    n = fread(buf, 1, PPROF_FETCH_TOKEN_MAX + 1, fp);
    fclose(fp);
    buf[n > PPROF_FETCH_TOKEN_MAX ? PPROF_FETCH_TOKEN_MAX : n] = '\0';

    for (s = buf; *s == ' ' || *s == '\t' || *s == '\n' || *s == '\r'; s++) {
        /* void */
    }

    e = s + strlen(s);

    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n'
                     || e[-1] == '\r'))
    {
        e--;
    }

    for (p = s; p < e; p++) {
        if (*p <= 0x20 || *p >= 0x7f) {
            break;
        }
    }

    if (n > PPROF_FETCH_TOKEN_MAX || s == e || p < e) {
        fprintf(stderr, "pprof-summary: token file %s: %s\n", path,
                n > PPROF_FETCH_TOKEN_MAX ? "larger than 16 KB"
                : s == e ? "empty" : "not one token");
        explicit_bzero(buf, PPROF_FETCH_TOKEN_MAX + 1);
        free(buf);
        return NULL;
    }

    memmove(buf, s, (size_t) (e - s));
    buf[e - s] = '\0';

    return buf;
}


/*
 * the URL to fetch, malloc()ed: ARG itself or, for a path, the in-cluster
 * APIServer's; ?seconds=N added; NULL after a message
 */
static char *
pprof_fetch_url(const char *arg, const pprof_fetch_t *f)
{
    int          bracket;
    char        *url, clean[256];
    size_t       size;
    const char  *host, *port, *p, *auth;

    pprof_fetch_clean(clean, sizeof(clean), arg, strlen(arg));

    for (p = arg; *p; p++) {
        if (*p <= 0x20 || *p >= 0x7f || *p == '#') {
            fprintf(stderr, "pprof-summary: %s: spaces, control "
                    "characters and fragments are not allowed in a URL\n",
                    clean);
            return NULL;
        }
    }

    host = NULL;
    port = NULL;
    bracket = 0;

    if (arg[0] == '/') {
        host = getenv("KUBERNETES_SERVICE_HOST");
        port = getenv("KUBERNETES_SERVICE_PORT");

        if (host == NULL || *host == '\0' || port == NULL || *port == '\0') {
            fprintf(stderr, "pprof-summary: %s: a path needs "
                    "KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT "
                    "(set in a pod), or give an https:// URL\n", clean);
            return NULL;
        }

        if (host[strcspn(host, "/@?#[] \t\r\n")] != '\0'
            || port[strspn(port, "0123456789")] != '\0'
            || strlen(port) > 5)
        {
            fprintf(stderr, "pprof-summary: KUBERNETES_SERVICE_HOST or "
                    "KUBERNETES_SERVICE_PORT is not a host and a port\n");
            return NULL;
        }

        bracket = strchr(host, ':') != NULL;

    } else if (strncmp(arg, "https://", 8) != 0) {
        fprintf(stderr, "pprof-summary: %s: https:// only: the token is "
                "never sent in clear text\n", clean);
        return NULL;

    } else {
        /* no user:password@: the token is the one credential */
        auth = arg + 8;
        p = auth + strcspn(auth, "/?");

        if (memchr(auth, '@', (size_t) (p - auth)) != NULL) {
            /* not quoted: it may hold a password */
            fprintf(stderr, "pprof-summary: a URL with user:password@ is "
                    "not allowed: the token is the one credential\n");
            return NULL;
        }

        if (p == auth) {
            fprintf(stderr, "pprof-summary: %s: no host\n", clean);
            return NULL;
        }
    }

    size = strlen(arg) + 64 + (host ? strlen(host) + strlen(port) : 0)
           + (f->seconds ? strlen(f->seconds) : 0);

    url = malloc(size);
    if (url == NULL) {
        fprintf(stderr, "pprof-summary: out of memory\n");
        return NULL;
    }

    if (host) {
        snprintf(url, size, "https://%s%s%s:%s%s", bracket ? "[" : "", host,
                 bracket ? "]" : "", port, arg);

    } else {
        snprintf(url, size, "%s", arg);
    }

    if (f->seconds) {
        strcat(url, strchr(url, '?') ? "&seconds=" : "?seconds=");
        strcat(url, f->seconds);
    }

    return url;
}


/* one line for a failed transfer or a non-2xx answer */
static void
pprof_fetch_failed(const char *url, CURLcode rc, long status,
    const char *errbuf, const pprof_fetch_buf_t *b, const char *token_file,
    const char *cacert, long timeout, const char *location)
{
    char  u[256], q[PPROF_FETCH_QUOTE_MAX + 8];

    pprof_fetch_clean(u, sizeof(u), url, strlen(url));

    fprintf(stderr, "pprof-summary: %s: ", u);

    switch (rc) {

    case CURLE_OK:
        break;

    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CONNECT_ERROR:
        fprintf(stderr, "TLS verification failed: %s; check --cacert "
                "(%s) and the URL's host name\n", errbuf,
                cacert ? cacert : "the system's CAs");
        return;

    case CURLE_OPERATION_TIMEDOUT:
        fprintf(stderr, "timed out after %ld s (--timeout; %s)\n", timeout,
                errbuf);
        return;

    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
        fprintf(stderr, "cannot connect: %s\n", errbuf);
        return;

    case CURLE_WRITE_ERROR:
        if (b->too_big) {
            fprintf(stderr, "the profile is larger than %d MB\n",
                    PPROF_FETCH_MAX >> 20);
            return;
        }

        /* fall through */

    default:
        fprintf(stderr, "fetch failed: %s\n", errbuf[0] ? errbuf
                : curl_easy_strerror(rc));
        return;
    }

    pprof_fetch_quote(q, sizeof(q), b);

    switch (status) {

    case 401:
        if (token_file == NULL) {
            fprintf(stderr, "401 Unauthorized: no token was sent (no "
                    "--token-file, no " PPROF_FETCH_TOKEN ")\n");

        } else {
            fprintf(stderr, "401 Unauthorized: the token in %s was "
                    "rejected: it may have expired, or it is not this "
                    "cluster's\n", token_file);
        }

        return;

    case 403:
        fprintf(stderr, "403 Forbidden: %s; the ServiceAccount needs a "
                "ClusterRole with nonResourceURLs [\"/debug/pprof/*\"] and "
                "verbs [\"get\"] (\"post\" for symbol)\n", q);
        return;

    default:
        if (status >= 300 && status < 400 && location != NULL) {
            pprof_fetch_clean(q, sizeof(q), location, strlen(location));
            fprintf(stderr, "HTTP %ld: redirected to %s (not followed)\n",
                    status, q);
            return;
        }

        fprintf(stderr, "HTTP %ld: %s\n", status, q);
    }
}


unsigned char *
pprof_fetch(const char *arg, pprof_fetch_t *f, size_t *len)
{
    long                timeout, status;
    char               *url, *token, errbuf[CURL_ERROR_SIZE];
    CURL               *curl;
    CURLcode            rc;
    double              secs;
    const char         *token_file, *cacert, *location;
    pprof_fetch_buf_t   b;

    url = pprof_fetch_url(arg, f);
    if (url == NULL) {
        return NULL;
    }

    /* the pod's token and CA unless told otherwise, where they exist */
    token_file = f->token_file;
    if (token_file == NULL && access(PPROF_FETCH_TOKEN, F_OK) == 0) {
        token_file = PPROF_FETCH_TOKEN;
    }

    cacert = f->cacert;
    if (cacert == NULL && access(PPROF_FETCH_CA, F_OK) == 0) {
        cacert = PPROF_FETCH_CA;
    }

    if (cacert != NULL && access(cacert, R_OK) != 0) {
        fprintf(stderr, "pprof-summary: CA file %s: %s\n", cacert,
                strerror(errno));
        free(url);
        return NULL;
    }

    token = NULL;
    if (token_file != NULL) {
        token = pprof_fetch_token(token_file);
        if (token == NULL) {
            free(url);
            return NULL;
        }
    }

    timeout = f->timeout ? atol(f->timeout)
              : (f->seconds ? (long) strtod(f->seconds, NULL) : 0) + 60;

    if (f->verbose) {
        pprof_fetch_clean(errbuf, sizeof(errbuf), url, strlen(url));
        fprintf(stderr, "pprof-summary: GET %s\n"
                "pprof-summary: token: %s, CA: %s, timeout %ld s\n", errbuf,
                token_file ? token_file : "none", cacert ? cacert
                : "the system's CAs", timeout);
    }

    curl_global_init(CURL_GLOBAL_DEFAULT);
    curl = curl_easy_init();

    memset(&b, 0, sizeof(pprof_fetch_buf_t));
    errbuf[0] = '\0';
    rc = CURLE_FAILED_INIT;
    status = 0;
    location = NULL;

    if (curl != NULL) {
        (void) curl_easy_setopt(curl, CURLOPT_URL, url);
        (void) curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "https");
        (void) curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
        (void) curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
        (void) curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
        (void) curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
        (void) curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT,
                                PPROF_FETCH_CONNECT);
        (void) curl_easy_setopt(curl, CURLOPT_TIMEOUT, timeout);
        (void) curl_easy_setopt(curl, CURLOPT_USERAGENT, "pprof-summary");
        (void) curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
        (void) curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION,
                                pprof_fetch_write);
        (void) curl_easy_setopt(curl, CURLOPT_WRITEDATA, &b);

        if (cacert != NULL) {
            (void) curl_easy_setopt(curl, CURLOPT_CAINFO, cacert);
        }

        if (token != NULL) {
            (void) curl_easy_setopt(curl, CURLOPT_HTTPAUTH, CURLAUTH_BEARER);
            (void) curl_easy_setopt(curl, CURLOPT_XOAUTH2_BEARER, token);
        }

        rc = curl_easy_perform(curl);

        (void) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
        (void) curl_easy_getinfo(curl, CURLINFO_REDIRECT_URL, &location);
    }

    if (token != NULL) {
        explicit_bzero(token, strlen(token));
        free(token);
    }

    if (rc != CURLE_OK || status < 200 || status > 299) {
        pprof_fetch_failed(url, rc, status, errbuf, &b, token_file, cacert,
                           timeout, location);
        free(b.data);
        b.data = NULL;

    } else {
        if (f->verbose) {
            secs = 0;
            (void) curl_easy_getinfo(curl, CURLINFO_TOTAL_TIME, &secs);
            fprintf(stderr, "pprof-summary: HTTP %ld, %zu bytes in %.3f s\n",
                    status, b.len, secs);
        }

        *len = b.len;

        if (b.data == NULL) {
            fprintf(stderr, "pprof-summary: the answer is empty\n");
        }
    }

    if (curl != NULL) {
        curl_easy_cleanup(curl);
    }

    curl_global_cleanup();
    free(url);

    return b.data;
}


int
pprof_fetch_save(pprof_fetch_t *f, const unsigned char *data, size_t len)
{
    FILE  *fp;

    fp = fopen(f->output, "wb");
    if (fp == NULL) {
        fprintf(stderr, "pprof-summary: %s: %s\n", f->output,
                strerror(errno));
        return 1;
    }

    if (fwrite(data, 1, len, fp) != len) {
        fclose(fp);
        fprintf(stderr, "pprof-summary: %s: writing failed\n", f->output);
        return 1;
    }

    if (fclose(fp) != 0) {
        fprintf(stderr, "pprof-summary: %s: %s\n", f->output,
                strerror(errno));
        return 1;
    }

    if (f->verbose) {
        fprintf(stderr, "pprof-summary: %zu bytes saved to %s\n", len,
                f->output);
    }

    return 0;
}
