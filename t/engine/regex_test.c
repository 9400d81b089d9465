
/*
 * Unit tests of the translation of Go's regexp syntax to POSIX ERE
 * (pprof_regex_compile in pprof_util.c): every row of regex_cases.tsv,
 * whose expectations regex_ref.go checks against Go itself.  A "match" or
 * "nomatch" row compiles and matches as Go does; an "error" row is refused
 * with Go's words; a "refused" row (valid Go that ERE cannot say) is
 * refused.
 *
 * The last line is "engine: N passed, M failed"; the exit status is 1 if
 * anything failed.
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pprof_util.h"


#define CASES  "t/engine/regex_cases.tsv"


static int  passed, failed;


static void
unescape(char *s)
{
    char  *w;

    for (w = s; *s != '\0'; s++) {
        if (s[0] == '\\' && (s[1] == 'n' || s[1] == 't')) {
            *w++ = s[1] == 'n' ? '\n' : '\t';
            s++;

        } else {
            *w++ = *s;
        }
    }

    *w = '\0';
}


static void
check(int line, char **col, int ncol)
{
    int            rc, ok;
    regex_t        rx;
    pprof_error_t  err;

    memset(&err, 0, sizeof(pprof_error_t));
    rc = pprof_regex_compile(&rx, "focus", col[0], &err);

    if (strcmp(col[2], "match") == 0 || strcmp(col[2], "nomatch") == 0) {
        ok = rc == PPROF_OK
             && (regexec(&rx, col[1], 0, NULL, 0) == 0)
                == (strcmp(col[2], "match") == 0);

    } else if (strcmp(col[2], "error") == 0) {
        ok = rc != PPROF_OK && ncol > 3 && strstr(err.msg, col[3]) != NULL
             && strncmp(err.msg, "focus: bad regular expression: ", 31) == 0;

    } else {
        ok = rc != PPROF_OK && strstr(err.msg, "not supported") != NULL;
    }

    if (rc == PPROF_OK) {
        regfree(&rx);
    }

    if (ok) {
        passed++;

    } else {
        failed++;
        fprintf(stderr, "FAIL %s:%d: \"%s\" on \"%s\": want %s, got %s\n",
                CASES, line, col[0], col[1], col[2],
                rc == PPROF_OK ? "compiled" : err.msg);
    }
}


int
main(void)
{
    int    line, ncol;
    char   buf[4096], *col[4], *p;
    FILE  *f;

    f = fopen(CASES, "r");

    if (f == NULL) {
        fprintf(stderr, "FAIL: cannot open %s\n", CASES);
        printf("engine: 0 passed, 1 failed\n");
        return 1;
    }

    for (line = 1; fgets(buf, sizeof(buf), f) != NULL; line++) {
        buf[strcspn(buf, "\n")] = '\0';

        if (buf[0] == '\0' || buf[0] == '#') {
            continue;
        }

        for (ncol = 0, p = buf; ncol < 4 && p != NULL; ncol++) {
            col[ncol] = p;
            p = strchr(p, '\t');

            if (p != NULL) {
                *p++ = '\0';
            }
        }

        if (ncol < 3) {
            failed++;
            fprintf(stderr, "FAIL %s:%d: fewer than 3 columns\n", CASES, line);
            continue;
        }

        unescape(col[1]);
        check(line, col, ncol);
    }

    fclose(f);

    printf("engine: %d passed, %d failed\n", passed, failed);

    return failed != 0;
}
