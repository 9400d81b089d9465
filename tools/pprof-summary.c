
/*
 * pprof-summary: the profile engine from the command line.
 *
 *   pprof-summary [--sample-type NAME] [--format FORMAT] [--view VIEW]
 *                 [--sort SORT] [--nodecount N] [--focus RE] [--ignore RE]
 *                 [--diff-base FILE | --base FILE] FILE|-
 *
 *   pprof-summary [those options] [--token-file F] [--cacert F]
 *                 [--seconds N] [--timeout N] [--output FILE] [-v]
 *                 https://HOST/debug/pprof/NAME | /debug/pprof/NAME
 *
 * fetches the profile as `kubectl get --raw` does (tools/pprof_fetch.c),
 * then renders it as a file would be, or saves it raw with --output.
 *
 * FORMAT, VIEW and SORT are the words of the query vocabulary (pprof.h's
 * pprof_formats, pprof_views, pprof_sorts), so the CLI and the gateway
 * take the same ones.  --format raw copies the profile unchanged.
 * --diff-base and --base compare FILE with an older profile (a file or a
 * URL too) as go tool pprof's -diff_base and -base do
 * (pprof_profile_merge()); a base in a regular file is parsed on a
 * thread of its own while FILE is, as go tool pprof fetches a source and
 * its base at once (URLs stay one after the other: two CPU profiles of one
 * process at once would collide).
 * Errors go to stderr with exit status 1, usage errors exit with 2.
 */


#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>


/*
 * Blocks from 1 MB up (the inflated profile, the per-sample and per-line
 * arrays) ask for huge pages: faulting in 4 KB pages can cost more than
 * the work done on them (about 11 us a page on a VM).
 */
#define PPROF_CLI_HUGE  (1 << 20)

#include "../src/profile/pprof.h"
#include "pprof_fetch.h"


static void *
pprof_cli_alloc(void *data, size_t size)
{
    void  *p;

    (void) data;

    if (size < PPROF_CLI_HUGE) {
        return malloc(size);
    }

    if (posix_memalign(&p, 2 << 20, size) != 0) {
        return NULL;
    }

#ifdef MADV_HUGEPAGE
    (void) madvise(p, size, MADV_HUGEPAGE);
#endif

    return p;
}


static void
pprof_cli_free(void *data, void *p)
{
    (void) data;

    free(p);
}


static int
pprof_cli_write(void *data, const char *buf, size_t len)
{
    return fwrite(buf, 1, len, data) == len ? 0 : -1;
}


/* "a|b|c" of a vocabulary table */
static void
pprof_cli_words(const pprof_keyword_t *table)
{
    const pprof_keyword_t  *k;

    for (k = table; k->name != NULL; k++) {
        fprintf(stderr, "%s%s", k == table ? "" : "|", k->name);
    }
}


static void
pprof_cli_usage(const char *msg)
{
    size_t  i;

    if (msg != NULL) {
        fprintf(stderr, "pprof-summary: %s\n", msg);
    }

    fprintf(stderr, "usage: pprof-summary [--format ");
    pprof_cli_words(pprof_formats);
    fprintf(stderr, "]\n                     [--view ");
    pprof_cli_words(pprof_views);
    fprintf(stderr, "] [--sort ");
    pprof_cli_words(pprof_sorts);
    fprintf(stderr, "]\n                     [--nodecount N]");

    /* the report's options: --sample-type NAME, --focus RE, ... */
    for (i = 0; i < PPROF_RARG_N; i++) {
        fprintf(stderr, "%s [%s ",
                (i % 3 == 2) ? "\n                    " : "",
                pprof_report_args[i].flag);

        if (i == PPROF_RARG_GRANULARITY) {
            pprof_cli_words(pprof_granularities);

        } else {
            fprintf(stderr, "%s",
                    i == PPROF_RARG_SAMPLE ? "NAME"
                    : i == PPROF_RARG_ZOOM ? "FUNC"
                    : (i == PPROF_RARG_NODEFRACTION
                       || i == PPROF_RARG_EDGEFRACTION) ? "F" : "RE");
        }

        fprintf(stderr, "]");
    }

    fprintf(stderr, "\n                     [--diff-base FILE | --base FILE]"
            " FILE|-\n");
    pprof_fetch_usage();

    exit(2);
}


/* the value of --NAME in table, or a usage error naming the words */
static int
pprof_cli_keyword(const pprof_keyword_t *table, const char *name,
    const char *val)
{
    char                    words[256], msg[384];
    const pprof_keyword_t  *k;

    k = pprof_keyword_find(table, val, strlen(val));
    if (k != NULL) {
        return k->value;
    }

    (void) pprof_keyword_list(table, words, sizeof(words));
    snprintf(msg, sizeof(msg), "unknown %s \"%s\" (%s)", name, val, words);
    pprof_cli_usage(msg);

    return -1;
}


/* --format raw: the profile as it came */
static int
pprof_cli_copy(const unsigned char *data, size_t len)
{
    if (fwrite(data, 1, len, stdout) != len || fflush(stdout) != 0) {
        fprintf(stderr, "pprof-summary: writing the output failed\n");
        return 1;
    }

    return 0;
}


/* a regular file is mapped (no copy); *mapped tells how to release it */
static unsigned char *
pprof_cli_map(const char *path, size_t *len, int *mapped)
{
    int           fd;
    void         *p;
    struct stat   st;

    *mapped = 0;

    if (strcmp(path, "-") == 0) {
        return NULL;
    }

    fd = open(path, O_RDONLY);
    if (fd == -1) {
        return NULL;
    }

    if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) || st.st_size <= 0) {
        close(fd);
        return NULL;
    }

    p = mmap(NULL, (size_t) st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE,
             fd, 0);
    close(fd);

    if (p == MAP_FAILED) {
        return NULL;
    }

    *len = (size_t) st.st_size;
    *mapped = 1;

    return p;
}


/* reads a whole file (or stdin), growing by doubling */
static unsigned char *
pprof_cli_read(const char *path, size_t *len)
{
    FILE           *f;
    size_t          size, n;
    unsigned char  *buf, *nbuf;

    f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "pprof-summary: %s: %s\n", path, strerror(errno));
        return NULL;
    }

    size = 1 << 20;
    *len = 0;
    buf = malloc(size);

    if (f != stdin && fseek(f, 0, SEEK_END) == 0) {
        long  end = ftell(f);

        if (end > 0) {
            free(buf);
            size = (size_t) end + 1;
            buf = malloc(size);
        }

        rewind(f);
    }

    while (buf != NULL) {
        n = fread(buf + *len, 1, size - *len, f);
        *len += n;

        if (*len < size) {
            if (ferror(f)) {
                fprintf(stderr, "pprof-summary: %s: read error\n", path);
                free(buf);
                buf = NULL;
            }

            break;
        }

        nbuf = realloc(buf, size * 2);
        if (nbuf == NULL) {
            free(buf);
            buf = NULL;
            break;
        }

        buf = nbuf;
        size *= 2;
    }

    if (buf == NULL) {
        fprintf(stderr, "pprof-summary: %s: out of memory\n", path);
    }

    if (f != stdin) {
        fclose(f);
    }

    return buf;
}


/* a profile's bytes: fetched from a URL, a file mapped or read; NULL
 * after a message */
static unsigned char *
pprof_cli_bytes(const char *path, pprof_fetch_t *fetch, size_t *len,
    int *mapped)
{
    unsigned char  *data;

    *mapped = 0;

    /* https://HOST/debug/pprof/NAME: fetched (tools/pprof_fetch.c) */
    if (pprof_fetch_is_url(path)) {
        return pprof_fetch(path, fetch, len);
    }

    data = pprof_cli_map(path, len, mapped);

    return data ? data : pprof_cli_read(path, len);
}


static void
pprof_cli_release(unsigned char *data, size_t len, int mapped)
{
    if (mapped) {
        munmap(data, len);

    } else {
        free(data);
    }
}


/* a profile's bytes parsed: on its own thread, or called where it is */
typedef struct {
    const unsigned char      *data;
    size_t                    len;
    const pprof_allocator_t  *allocator;
    pprof_profile_t          *profile;
    pprof_error_t             err;
} pprof_cli_parse_t;


static void *
pprof_cli_parse(void *data)
{
    pprof_limits_t      limits;
    pprof_cli_parse_t  *p;

    p = data;
    limits.max_inflated = 0;

    p->profile = pprof_profile_parse(p->data, p->len, &limits, p->allocator,
                                     &p->err);

    return NULL;
}


/* what p parsed; NULL after a message naming path if nothing */
static pprof_profile_t *
pprof_cli_parsed(const char *path, const pprof_cli_parse_t *p)
{
    if (p->profile == NULL) {
        fprintf(stderr, "pprof-summary: %s: %s\n", path, p->err.msg);
    }

    return p->profile;
}


/* the profile in path, parsed; NULL after a message on failure */
static pprof_profile_t *
pprof_cli_load(const char *path, pprof_fetch_t *fetch,
    const pprof_allocator_t *allocator)
{
    int                mapped;
    unsigned char     *data;
    pprof_cli_parse_t  p;

    data = pprof_cli_bytes(path, fetch, &p.len, &mapped);
    if (data == NULL) {
        return NULL;
    }

    p.data = data;
    p.allocator = allocator;
    (void) pprof_cli_parse(&p);

    pprof_cli_release(data, p.len, mapped);

    return pprof_cli_parsed(path, &p);
}


/*
 * --diff-base or --base in a regular file: mapped, and parsed on a thread
 * while the main thread loads FILE; 0 when it is not one (or no thread
 * started), and pprof_cli_load() takes it after FILE.  Silent: what it
 * has to say is said after FILE's (pprof_cli_parsed()), as
 * pprof_cli_load() would.
 */
static int
pprof_cli_base_start(const char *path, const char *file, pthread_t *tid,
    pprof_cli_parse_t *p, int *mapped)
{
    unsigned char  *data;

    if (pprof_fetch_is_url(path) || pprof_fetch_is_url(file)) {
        return 0;
    }

    data = pprof_cli_map(path, &p->len, mapped);
    if (data == NULL) {
        return 0;
    }

    p->data = data;
    p->profile = NULL;

    if (pthread_create(tid, NULL, pprof_cli_parse, p) != 0) {
        pprof_cli_release(data, p->len, *mapped);
        return 0;
    }

    return 1;
}


/* the base's thread done, its bytes released; p->profile is its own */
static void
pprof_cli_base_join(pthread_t tid, pprof_cli_parse_t *p, int mapped)
{
    (void) pthread_join(tid, NULL);
    pprof_cli_release((unsigned char *) p->data, p->len, mapped);
}


int
main(int argc, char **argv)
{
    int                      i, rc, mapped, view, mode, has_nodecount,
                             threaded, bmapped;
    char                    *end, *eq;
    size_t                   k, len, optlen;
    const char              *file, *opt, *val, *msg, *base;
    unsigned char           *data;
    unsigned long long       n;
    pprof_error_t            err;
    pprof_report_t          *report;
    pprof_profile_t         *profile, *bprofile, *merged;
    pprof_allocator_t        allocator;
    pprof_fetch_t            fetch;
    pprof_report_options_t   ro;
    pprof_render_options_t   o;
    pthread_t                tid;
    pprof_cli_parse_t        bparse;

    memset(&ro, 0, sizeof(pprof_report_options_t));
    memset(&o, 0, sizeof(pprof_render_options_t));
    memset(&fetch, 0, sizeof(pprof_fetch_t));
    o.format = PPROF_FORMAT_TOP;
    view = PPROF_VIEW_TOP;
    has_nodecount = 0;
    file = NULL;
    base = NULL;
    mode = PPROF_BASE_DIFF;

    for (i = 1; i < argc; i++) {
        opt = argv[i];

        if (opt[0] != '-' || opt[1] == '\0') {
            if (file != NULL) {
                pprof_cli_usage("more than one file");
            }

            file = opt;
            continue;
        }

        if (strcmp(opt, "-h") == 0 || strcmp(opt, "--help") == 0) {
            pprof_cli_usage(NULL);
        }

        if (strcmp(opt, "-v") == 0 || strcmp(opt, "--verbose") == 0) {
            fetch.verbose = 1;
            continue;
        }

        /* --opt value and --opt=value */
        eq = strchr(opt, '=');
        optlen = eq ? (size_t) (eq - opt) : strlen(opt);

        if (eq) {
            val = eq + 1;

        } else {
            if (i + 1 >= argc) {
                pprof_cli_usage("option needs a value");
            }

            val = argv[++i];
        }

#define pprof_cli_is(name)                                                  \
        (optlen == strlen(name) && memcmp(opt, name, optlen) == 0)

        for (k = 0; k < PPROF_RARG_N; k++) {
            if (pprof_cli_is(pprof_report_args[k].flag)) {
                break;
            }
        }

        if (k < PPROF_RARG_N) {
            pprof_report_arg(&ro, k) = val;

        } else if (pprof_cli_is("--format")) {
            o.format = pprof_cli_keyword(pprof_formats, "format", val);

        } else if (pprof_cli_is("--view")) {
            view = pprof_cli_keyword(pprof_views, "view", val);

        } else if (pprof_cli_is("--sort")) {
            ro.sort = pprof_cli_keyword(pprof_sorts, "sort", val);

        } else if (pprof_cli_is("--diff-base") || pprof_cli_is("--base")) {
            if (base != NULL) {
                pprof_cli_usage("--base and --diff-base cannot both be "
                                "given, nor either twice");
            }

            base = val;
            mode = pprof_cli_is("--base") ? PPROF_BASE_SUBTRACT
                                          : PPROF_BASE_DIFF;

        } else if (pprof_cli_is("--nodecount")) {
            errno = 0;
            n = strtoull(val, &end, 10);

            if (*val == '\0' || *val == '-' || *end != '\0' || errno) {
                pprof_cli_usage("bad --nodecount");
            }

            o.nodecount = (size_t) n;
            has_nodecount = 1;

        } else if ((msg = pprof_fetch_option(&fetch, opt, optlen, val))
                   != NULL)
        {
            if (*msg != '\0') {
                pprof_cli_usage(msg);
            }

        } else {
            pprof_cli_usage("unknown option");
        }
    }

    if (file == NULL) {
        pprof_cli_usage("no profile given");
    }

    if (o.format == PPROF_FORMAT_RAW || fetch.output != NULL) {
        if (base != NULL) {
            pprof_cli_usage("--format raw and --output keep one profile: "
                            "no base");
        }

        data = pprof_cli_bytes(file, &fetch, &len, &mapped);
        if (data == NULL) {
            return 1;
        }

        rc = fetch.output ? pprof_fetch_save(&fetch, data, len)
                          : pprof_cli_copy(data, len);

        pprof_cli_release(data, len, mapped);

        return rc;
    }

    allocator.alloc = pprof_cli_alloc;
    allocator.free = pprof_cli_free;
    allocator.data = NULL;

    threaded = 0;
    bmapped = 0;

    if (base != NULL) {
        bparse.allocator = &allocator;
        threaded = pprof_cli_base_start(base, file, &tid, &bparse, &bmapped);
    }

    profile = pprof_cli_load(file, &fetch, &allocator);
    if (profile == NULL) {
        if (threaded) {
            pprof_cli_base_join(tid, &bparse, bmapped);
            pprof_profile_free(bparse.profile);
        }

        return 1;
    }

    if (base != NULL) {
        if (threaded) {
            pprof_cli_base_join(tid, &bparse, bmapped);
            bprofile = pprof_cli_parsed(base, &bparse);

        } else {
            bprofile = pprof_cli_load(base, &fetch, &allocator);
        }

        if (bprofile == NULL) {
            pprof_profile_free(profile);
            return 1;
        }

        merged = pprof_profile_merge(profile, bprofile, mode, &allocator,
                                     &err);
        if (merged == NULL) {
            fprintf(stderr, "pprof-summary: %s: %s\n", base, err.msg);
            pprof_profile_free(profile);
            pprof_profile_free(bprofile);
            return 1;
        }

        profile = merged;
    }

    /* the peek view's --focus picks its rows */
    ro.peek = view == PPROF_VIEW_PEEK;

    report = pprof_report(profile, &ro, &allocator, &err);
    if (report == NULL) {
        fprintf(stderr, "pprof-summary: %s\n", err.msg);
        pprof_profile_free(profile);
        return 1;
    }

    o.view = view;
    o.title = file;

    if (!has_nodecount
        && (o.format == PPROF_FORMAT_DOT || o.format == PPROF_FORMAT_SVG
            || (o.format == PPROF_FORMAT_HTML && view == PPROF_VIEW_GRAPH)))
    {
        o.nodecount = PPROF_GRAPH_NODECOUNT;
    }
    o.write = pprof_cli_write;
    o.data = stdout;
    o.allocator = &allocator;

    rc = pprof_render(report, &o, &err);

    if (rc != PPROF_OK) {
        fprintf(stderr, "pprof-summary: %s\n", err.msg);
    }

    pprof_report_free(report);
    pprof_profile_free(profile);

    if (fflush(stdout) != 0) {
        fprintf(stderr, "pprof-summary: writing the output failed\n");
        return 1;
    }

    return rc == PPROF_OK ? 0 : 1;
}
