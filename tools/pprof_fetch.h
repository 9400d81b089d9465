
/*
 * pprof-summary's fetch: a profile from the APIServer (or any https
 * server) over verified TLS with a bearer token, as `kubectl get --raw`
 * does it from a pod.  libcurl; no part of the engine.
 */


#ifndef PPROF_FETCH_H
#define PPROF_FETCH_H


#include <stddef.h>


#define PPROF_FETCH_SA_DIR  "/var/run/secrets/kubernetes.io/serviceaccount"
#define PPROF_FETCH_TOKEN   PPROF_FETCH_SA_DIR "/token"
#define PPROF_FETCH_CA      PPROF_FETCH_SA_DIR "/ca.crt"

/* the largest profile fetched */
#define PPROF_FETCH_MAX     (256 << 20)


typedef struct {
    const char  *token_file;    /* NULL: PPROF_FETCH_TOKEN if present */
    const char  *cacert;        /* NULL: PPROF_FETCH_CA if present */
    const char  *seconds;       /* NULL or a number: ?seconds=N */
    const char  *output;        /* NULL or where the raw profile goes */
    const char  *timeout;       /* NULL: seconds + 60, as the gateway */
    int          verbose;
} pprof_fetch_t;


/*
 * --token-file, --cacert, --seconds, --output, --timeout: NULL when NAME
 * (of LEN bytes) is none of them, "" when it took VAL, or a usage error
 */
const char *pprof_fetch_option(pprof_fetch_t *f, const char *name,
    size_t len, const char *val);

/* "https://..." or an APIServer path ("/debug/pprof/...", "/api/...") */
int pprof_fetch_is_url(const char *arg);

/*
 * the body of a 2xx answer to GET URL, malloc()ed, or NULL after one line
 * on stderr; the token is never printed
 */
unsigned char *pprof_fetch(const char *url, pprof_fetch_t *f, size_t *len);

/* --output: the bytes, as they are, into f->output; 0 or 1 (printed) */
int pprof_fetch_save(pprof_fetch_t *f, const unsigned char *data,
    size_t len);

/* the usage lines of the options above */
void pprof_fetch_usage(void);


#endif /* PPROF_FETCH_H */
