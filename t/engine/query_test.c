
/*
 * Unit tests of the query's values (pprof_query.c): the seconds of a
 * capture or delta profile, and the free-text decoder, on the cases the
 * nginx suites send (t/003-args.t, t/017-hostile.t) and their edges.
 *
 * The last line is "engine: N passed, M failed"; the exit status is 1 if
 * anything failed.
 */


#include <stdio.h>
#include <string.h>

#include "../../src/profile/pprof.h"


static int  passed, failed;


#define CHECK(cond, ...)                                                    \
    do {                                                                    \
        if (cond) {                                                         \
            passed++;                                                       \
        } else {                                                            \
            failed++;                                                       \
            fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
            fprintf(stderr, __VA_ARGS__);                                   \
            fprintf(stderr, "\n");                                          \
        }                                                                   \
    } while (0)


static void
test_seconds(void)
{
    size_t    i;
    unsigned  r;
    int       rc;

    static const struct {
        const char  *s;
        unsigned     max;
        int          fraction;
        int          ok;
        unsigned     rounded;
    } cases[] = {
        { "5", 60, 0, 1, 5 },
        { "60", 60, 0, 1, 60 },
        { "0005", 60, 0, 1, 5 },
        { "61", 60, 0, 0, 0 },
        { "0", 60, 0, 0, 0 },
        { "-1", 60, 0, 0, 0 },
        { "1.5", 60, 0, 0, 0 },
        { "1.5", 60, 1, 1, 2 },
        { ".5", 60, 1, 1, 1 },
        { "0.1", 60, 1, 1, 1 },
        { "59.999", 60, 1, 1, 60 },
        { "60.5", 60, 1, 0, 0 },
        { "60.0", 60, 1, 0, 0 },
        { "0.0", 60, 1, 0, 0 },
        { ".", 60, 1, 0, 0 },
        { "1.", 60, 1, 0, 0 },
        { "1..5", 60, 1, 0, 0 },
        { "1.5.5", 60, 1, 0, 0 },
        { "1e3", 60, 1, 0, 0 },
        { "+5", 60, 0, 0, 0 },
        { " 5", 60, 0, 0, 0 },
        { "5 ", 60, 0, 0, 0 },
        { "0x10", 60, 0, 0, 0 },
        { "%35", 60, 0, 0, 0 },
        { "99999999999999999999", 60, 0, 0, 0 },
        { "0000000000000001", 60, 0, 1, 1 },
        { "00000000000000001", 60, 0, 0, 0 },
        { "4294967296", 4294967295u, 0, 0, 0 },
        { "300", 300, 0, 1, 300 },
        { "", 60, 0, 0, 0 },
    };

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        r = 12345;
        rc = pprof_query_seconds(cases[i].s, strlen(cases[i].s),
                                 cases[i].max, cases[i].fraction, &r);

        CHECK((rc == PPROF_OK) == cases[i].ok, "\"%s\" max %u fraction %d",
              cases[i].s, cases[i].max, cases[i].fraction);

        if (cases[i].ok && rc == PPROF_OK) {
            CHECK(r == cases[i].rounded, "\"%s\": %u, not %u", cases[i].s,
                  r, cases[i].rounded);
        }
    }

    CHECK(pprof_query_seconds(NULL, 0, 60, 1, NULL) == PPROF_ERROR, "NULL");
    CHECK(pprof_query_seconds("5", 1, 60, 0, NULL) == PPROF_OK, "no rounded");
}


static void
test_string(void)
{
    size_t  i;
    long    n;
    char    dst[64];

    static const struct {
        const char  *in;
        size_t       max;
        const char  *out;      /* NULL: refused */
    } cases[] = {
        { "main.main", 1024, "main.main" },
        { "a+b", 1024, "a b" },
        { "%41%62%2B", 1024, "Ab+" },
        { "main%2E%28a%7Cb%29", 1024, "main.(a|b)" },
        { "", 1024, "" },
        { "%zz", 1024, NULL },
        { "100%", 1024, NULL },
        { "%4", 1024, NULL },
        { "%0d%0a", 1024, NULL },
        { "%00", 1024, NULL },
        { "a\tb", 1024, NULL },
        { "%7f", 1024, NULL },
        { "%1b[31m", 1024, NULL },
        { "%c3%a9", 1024, "\xc3\xa9" },
        { "abcd", 4, "abcd" },
        { "abcde", 4, NULL },
        { "%41%41%41%41%41", 4, NULL },
        { "a", 0, NULL },
    };

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        memset(dst, 'x', sizeof(dst));
        n = pprof_query_string(dst, cases[i].in, strlen(cases[i].in),
                               cases[i].max);

        if (cases[i].out == NULL) {
            CHECK(n == -1, "\"%s\" refused, not %ld", cases[i].in, n);

        } else {
            CHECK(n == (long) strlen(cases[i].out)
                  && strcmp(dst, cases[i].out) == 0,
                  "\"%s\": %ld \"%s\"", cases[i].in, n, n >= 0 ? dst : "");
        }
    }
}


int
main(void)
{
    test_seconds();
    test_string();

    printf("engine: %d passed, %d failed\n", passed, failed);

    return failed ? 1 : 0;
}
