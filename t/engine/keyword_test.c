
/*
 * Unit tests of the query vocabulary (pprof_keyword.c): the tables, the
 * lookups by name and by value, the list used in messages, and that
 * pprof_render() refuses PPROF_FORMAT_RAW.
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


static size_t
count(const pprof_keyword_t *table)
{
    size_t  n;

    for (n = 0; table[n].name != NULL; n++) { /* void */ }

    return n;
}


static void
test_tables(void)
{
    size_t  i;

    static const struct {
        const char  *name;
        int          value;
        const char  *type;
    } formats[] = {
        { "html", PPROF_FORMAT_HTML, "text/html; charset=utf-8" },
        { "top", PPROF_FORMAT_TOP, "text/plain; charset=utf-8" },
        { "json", PPROF_FORMAT_JSON, "application/json" },
        { "flamegraph", PPROF_FORMAT_FLAMEGRAPH,
          "text/html; charset=utf-8" },
        { "collapsed", PPROF_FORMAT_COLLAPSED, "text/plain; charset=utf-8" },
        { "raw", PPROF_FORMAT_RAW, "application/octet-stream" },
        { "dot", PPROF_FORMAT_DOT, "text/vnd.graphviz; charset=utf-8" },
        { "svg", PPROF_FORMAT_SVG, "image/svg+xml" }
    };

    CHECK(count(pprof_formats) == 8, "%zu formats", count(pprof_formats));
    CHECK(count(pprof_views) == 5, "%zu views", count(pprof_views));
    CHECK(count(pprof_sorts) == 2, "%zu sorts", count(pprof_sorts));

    for (i = 0; i < 8; i++) {
        CHECK(strcmp(pprof_formats[i].name, formats[i].name) == 0,
              "format %zu is %s", i, pprof_formats[i].name);
        CHECK(pprof_formats[i].value == formats[i].value, "%s value %d",
              formats[i].name, pprof_formats[i].value);
        CHECK(pprof_formats[i].content_type != NULL
              && strcmp(pprof_formats[i].content_type, formats[i].type) == 0,
              "%s type", formats[i].name);
    }

    CHECK(strcmp(pprof_views[0].name, "top") == 0
          && pprof_views[0].value == PPROF_VIEW_TOP, "views[0]");
    CHECK(strcmp(pprof_views[1].name, "flame") == 0
          && pprof_views[1].value == PPROF_VIEW_FLAME, "views[1]");
    CHECK(strcmp(pprof_views[2].name, "goroutines") == 0
          && pprof_views[2].value == PPROF_VIEW_GOROUTINES, "views[2]");
    CHECK(strcmp(pprof_views[3].name, "graph") == 0
          && pprof_views[3].value == PPROF_VIEW_GRAPH, "views[3]");
    CHECK(strcmp(pprof_sorts[0].name, "flat") == 0
          && pprof_sorts[0].value == PPROF_SORT_FLAT, "sorts[0]");
    CHECK(strcmp(pprof_sorts[1].name, "cum") == 0
          && pprof_sorts[1].value == PPROF_SORT_CUM, "sorts[1]");

    for (i = 0; i < 4; i++) {
        CHECK(pprof_views[i].content_type == NULL, "view %zu type", i);
    }

    for (i = 0; i < 2; i++) {
        CHECK(pprof_sorts[i].content_type == NULL, "sort %zu type", i);
    }

    CHECK(strcmp(PPROF_ARG_FORMAT, "format") == 0
          && strcmp(PPROF_ARG_VIEW, "view") == 0
          && strcmp(PPROF_ARG_SORT, "sort") == 0
          && strcmp(PPROF_ARG_SAMPLE, "sample") == 0
          && strcmp(PPROF_ARG_NODECOUNT, "nodecount") == 0
          && strcmp(PPROF_ARG_FOCUS, "focus") == 0
          && strcmp(PPROF_ARG_IGNORE, "ignore") == 0
          && strcmp(PPROF_ARG_ZOOM, "zoom") == 0
          && strcmp(PPROF_ARG_SEARCH, "search") == 0, "argument names");
}


static void
test_find(void)
{
    const char             *q;
    const pprof_keyword_t  *k;

    k = pprof_keyword_find(pprof_formats, "json", 4);
    CHECK(k != NULL && k->value == PPROF_FORMAT_JSON, "json");

    /* not NUL-terminated: the length decides */
    q = "topx";
    k = pprof_keyword_find(pprof_formats, q, 3);
    CHECK(k != NULL && k->value == PPROF_FORMAT_TOP, "top of topx");
    CHECK(pprof_keyword_find(pprof_formats, q, 4) == NULL, "topx");

    q = "format=flame&x";
    k = pprof_keyword_find(pprof_views, q + 7, 5);
    CHECK(k != NULL && k->value == PPROF_VIEW_FLAME, "flame in a query");

    CHECK(pprof_keyword_find(pprof_formats, "to", 2) == NULL, "prefix");
    CHECK(pprof_keyword_find(pprof_formats, "TOP", 3) == NULL, "case");
    CHECK(pprof_keyword_find(pprof_formats, "", 0) == NULL, "empty");
    CHECK(pprof_keyword_find(pprof_formats, NULL, 0) == NULL, "NULL");
    CHECK(pprof_keyword_find(pprof_formats, "html\0", 5) == NULL, "NUL");
    CHECK(pprof_keyword_find(NULL, "top", 3) == NULL, "no table");
    CHECK(pprof_keyword_find(pprof_views, "html", 4) == NULL,
          "html is not a view");

    k = pprof_keyword_find(pprof_sorts, "cum", 3);
    CHECK(k != NULL && k->value == PPROF_SORT_CUM, "cum");

    k = pprof_keyword_find(pprof_views, "goroutines", 10);
    CHECK(k != NULL && k->value == PPROF_VIEW_GOROUTINES, "goroutines");

    k = pprof_keyword_find(pprof_formats, "raw", 3);
    CHECK(k != NULL && k->value == PPROF_FORMAT_RAW, "raw");
}


static void
test_by_value(void)
{
    const pprof_keyword_t  *k;

    k = pprof_keyword_by_value(pprof_formats, PPROF_FORMAT_COLLAPSED);
    CHECK(k != NULL && strcmp(k->name, "collapsed") == 0, "collapsed");

    k = pprof_keyword_by_value(pprof_formats, PPROF_FORMAT_HTML);
    CHECK(k == &pprof_formats[0], "html");

    k = pprof_keyword_by_value(pprof_views, PPROF_VIEW_GOROUTINES);
    CHECK(k != NULL && strcmp(k->name, "goroutines") == 0, "goroutines");

    k = pprof_keyword_by_value(pprof_sorts, PPROF_SORT_FLAT);
    CHECK(k != NULL && strcmp(k->name, "flat") == 0, "flat");

    CHECK(pprof_keyword_by_value(pprof_formats, 42) == NULL, "42");
    CHECK(pprof_keyword_by_value(pprof_formats, -1) == NULL, "-1");
    CHECK(pprof_keyword_by_value(pprof_sorts, 2) == NULL, "sort 2");
    CHECK(pprof_keyword_by_value(NULL, 0) == NULL, "no table");
}


static void
test_list(void)
{
    char    buf[128];
    size_t  n;

    static const char  all[] = "html, top, json, flamegraph, collapsed, raw, "
                               "dot or svg";
    static const pprof_keyword_t  one[] = {
        { "only", 1, NULL }, { NULL, 0, NULL }
    };
    static const pprof_keyword_t  none[] = { { NULL, 0, NULL } };

    n = pprof_keyword_list(pprof_formats, buf, sizeof(buf));
    CHECK(n == sizeof(all) - 1 && strcmp(buf, all) == 0, "%zu \"%s\"", n,
          buf);

    n = pprof_keyword_list(pprof_views, buf, sizeof(buf));
    CHECK(strcmp(buf, "top, flame, goroutines, graph or peek") == 0
          && n == strlen(buf),
          "\"%s\"", buf);

    n = pprof_keyword_list(pprof_sorts, buf, sizeof(buf));
    CHECK(strcmp(buf, "flat or cum") == 0 && n == 11, "\"%s\"", buf);

    n = pprof_keyword_list(one, buf, sizeof(buf));
    CHECK(strcmp(buf, "only") == 0 && n == 4, "\"%s\"", buf);

    memset(buf, 'x', sizeof(buf));
    n = pprof_keyword_list(none, buf, sizeof(buf));
    CHECK(n == 0 && buf[0] == '\0', "empty table");

    /* like snprintf: the length needed, truncated and terminated */
    n = pprof_keyword_list(pprof_formats, NULL, 0);
    CHECK(n == sizeof(all) - 1, "needed %zu", n);

    memset(buf, 'x', sizeof(buf));
    n = pprof_keyword_list(pprof_formats, buf, 0);
    CHECK(n == sizeof(all) - 1 && buf[0] == 'x', "size 0");

    memset(buf, 'x', sizeof(buf));
    n = pprof_keyword_list(pprof_formats, buf, 8);
    CHECK(n == sizeof(all) - 1 && strcmp(buf, "html, t") == 0
          && buf[8] == 'x', "truncated \"%s\"", buf);

    n = pprof_keyword_list(pprof_sorts, buf, 12);
    CHECK(n == 11 && strcmp(buf, "flat or cum") == 0, "exact fit");

    n = pprof_keyword_list(pprof_sorts, buf, 11);
    CHECK(n == 11 && strcmp(buf, "flat or cu") == 0, "one short");
}


static void
test_render_raw(void)
{
    int                     rc;
    pprof_error_t           err;
    pprof_render_options_t  o;

    memset(&o, 0, sizeof(pprof_render_options_t));
    memset(&err, 0, sizeof(pprof_error_t));
    o.format = PPROF_FORMAT_RAW;

    /* refused before the report is looked at */
    rc = pprof_render(NULL, &o, &err);
    CHECK(rc == PPROF_ERROR, "rc %d", rc);
    CHECK(strstr(err.msg, "raw") != NULL, "\"%s\"", err.msg);
}


int
main(void)
{
    test_tables();
    test_find();
    test_by_value();
    test_list();
    test_render_raw();

    printf("engine: %d passed, %d failed\n", passed, failed);

    return failed != 0;
}
