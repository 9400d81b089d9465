
/*
 * The query vocabulary: the words users type for format=, view=, sort=
 * and granularity= and what they mean (pprof.h's pprof_formats,
 * pprof_views, pprof_sorts, pprof_granularities), looked up by name or by value and listed for messages;
 * the report's string options by argument name and CLI flag
 * (pprof_report_args).
 * It uses only the output buffer.  The nginx handler, the CLI and the
 * pages' links all read these tables, so a word is spelled once.
 */


#include <stddef.h>
#include <string.h>

#include "pprof_out.h"


#define PPROF_CT_HTML   "text/html; charset=utf-8"
#define PPROF_CT_TEXT   "text/plain; charset=utf-8"


const pprof_keyword_t  pprof_formats[] = {
    { "html", PPROF_FORMAT_HTML, PPROF_CT_HTML },
    { "top", PPROF_FORMAT_TOP, PPROF_CT_TEXT },
    { "json", PPROF_FORMAT_JSON, "application/json" },
    { "flamegraph", PPROF_FORMAT_FLAMEGRAPH, PPROF_CT_HTML },
    { "collapsed", PPROF_FORMAT_COLLAPSED, PPROF_CT_TEXT },
    { "raw", PPROF_FORMAT_RAW, "application/octet-stream" },
    { "dot", PPROF_FORMAT_DOT, "text/vnd.graphviz; charset=utf-8" },
    { "svg", PPROF_FORMAT_SVG, "image/svg+xml" },
    { NULL, 0, NULL }
};


const pprof_keyword_t  pprof_views[] = {
    { "top", PPROF_VIEW_TOP, NULL },
    { "flame", PPROF_VIEW_FLAME, NULL },
    { "goroutines", PPROF_VIEW_GOROUTINES, NULL },
    { "graph", PPROF_VIEW_GRAPH, NULL },
    { "peek", PPROF_VIEW_PEEK, NULL },
    { NULL, 0, NULL }
};


const pprof_keyword_t  pprof_sorts[] = {
    { "flat", PPROF_SORT_FLAT, NULL },
    { "cum", PPROF_SORT_CUM, NULL },
    { NULL, 0, NULL }
};


const pprof_keyword_t  pprof_granularities[] = {
    { "functions", PPROF_GRAN_FUNCTIONS, NULL },
    { "filefunctions", PPROF_GRAN_FILEFUNCTIONS, NULL },
    { "files", PPROF_GRAN_FILES, NULL },
    { "lines", PPROF_GRAN_LINES, NULL },
    { "addresses", PPROF_GRAN_ADDRESSES, NULL },
    { NULL, 0, NULL }
};


/* how a diff takes its base: go tool pprof's -diff_base and -base */
const pprof_keyword_t  pprof_base_modes[] = {
    { "diff", PPROF_BASE_DIFF, NULL },
    { "subtract", PPROF_BASE_SUBTRACT, NULL },
    { NULL, 0, NULL }
};


const pprof_report_arg_t  pprof_report_args[PPROF_RARG_N] = {
    { PPROF_ARG_ZOOM, "--zoom", offsetof(pprof_report_options_t, zoom) },
    { PPROF_ARG_SAMPLE, "--sample-type",
      offsetof(pprof_report_options_t, sample_type) },
    { PPROF_ARG_FOCUS, "--focus", offsetof(pprof_report_options_t, focus) },
    { PPROF_ARG_IGNORE, "--ignore",
      offsetof(pprof_report_options_t, ignore) },
    { PPROF_ARG_NODEFRACTION, "--nodefraction",
      offsetof(pprof_report_options_t, nodefraction) },
    { PPROF_ARG_EDGEFRACTION, "--edgefraction",
      offsetof(pprof_report_options_t, edgefraction) },
    { PPROF_ARG_HIDE, "--hide", offsetof(pprof_report_options_t, hide) },
    { PPROF_ARG_SHOW, "--show", offsetof(pprof_report_options_t, show) },
    { PPROF_ARG_SHOW_FROM, "--show-from",
      offsetof(pprof_report_options_t, show_from) },
    { PPROF_ARG_TAGFOCUS, "--tagfocus",
      offsetof(pprof_report_options_t, tagfocus) },
    { PPROF_ARG_TAGIGNORE, "--tagignore",
      offsetof(pprof_report_options_t, tagignore) },
    { PPROF_ARG_GRANULARITY, "--granularity",
      offsetof(pprof_report_options_t, granularity) }
};


const pprof_keyword_t *
pprof_keyword_find(const pprof_keyword_t *table, const char *s, size_t len)
{
    const pprof_keyword_t  *k;

    if (table == NULL || (s == NULL && len > 0)) {
        return NULL;
    }

    for (k = table; k->name != NULL; k++) {
        if (strlen(k->name) == len && memcmp(k->name, s, len) == 0) {
            return k;
        }
    }

    return NULL;
}


const pprof_keyword_t *
pprof_keyword_by_value(const pprof_keyword_t *table, int value)
{
    const pprof_keyword_t  *k;

    if (table == NULL) {
        return NULL;
    }

    for (k = table; k->name != NULL; k++) {
        if (k->value == value) {
            return k;
        }
    }

    return NULL;
}


size_t
pprof_keyword_list(const pprof_keyword_t *table, char *buf, size_t size)
{
    pprof_out_t             out;
    const pprof_keyword_t  *k;

    pprof_out_string(&out, buf, size);

    if (table != NULL) {
        for (k = table; k->name != NULL; k++) {
            if (k != table) {
                pprof_out_str(&out, k[1].name == NULL ? " or " : ", ");
            }

            pprof_out_str(&out, k->name);
        }
    }

    return pprof_out_string_end(&out);
}
