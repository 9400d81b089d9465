
/*
 * The profile engine: decodes gzip-compressed profile.proto, aggregates
 * samples the way `go tool pprof` does and renders the result (text, JSON,
 * folded stacks, HTML pages, flame graphs).  It knows nothing of nginx: the
 * module, the pprof-summary CLI, the fuzzer and the unit tests all call this
 * API, so correctness and speed are measured once for all of them.
 *
 * Memory comes from the caller's allocator; output goes to the caller's
 * writer.  Every function is reentrant and keeps no global state.
 */


#ifndef _PPROF_H_INCLUDED_
#define _PPROF_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>


#define PPROF_OK                 0
#define PPROF_ERROR             -1
/* pprof_render(): the peek text's focus matched no function (err says
 * so, as `go tool pprof -peek` does); the request, not the engine */
#define PPROF_NOMATCH           -2

#define PPROF_DEFAULT_MAX_INFLATED  (256 * 1024 * 1024)


typedef struct {
    void                  *(*alloc)(void *data, size_t size);
    /* NULL when the memory is released all at once (nginx pools) */
    void                   (*free)(void *data, void *p);
    void                    *data;
} pprof_allocator_t;


/* one line, no trailing newline, safe to show to users and to log */
typedef struct {
    char                     msg[256];
} pprof_error_t;


typedef struct {
    /* bound on the decompressed size: a gzip bomb stops here */
    size_t                   max_inflated;
} pprof_limits_t;


/* strings point into the decoded buffer and are not NUL-terminated */
typedef struct {
    const char              *data;
    size_t                   len;
} pprof_str_t;


typedef struct {
    pprof_str_t              type;
    pprof_str_t              unit;
} pprof_value_type_t;


/* the header of a decoded profile; the rest of it is private */
typedef struct {
    pprof_value_type_t      *sample_types;
    size_t                   nsample_types;
    /* default_sample_type if set and known, else the last sample type */
    size_t                   default_sample;
    pprof_value_type_t       period_type;
    int64_t                  period;
    int64_t                  time_nanos;
    int64_t                  duration_nanos;
    pprof_str_t             *comments;
    size_t                   ncomments;
    pprof_str_t              main_binary;    /* mapping[0] filename or "" */
    size_t                   nsamples;
    size_t                   nlocations;
    size_t                   nfunctions;
    size_t                   nmappings;
    size_t                   inflated_size;
} pprof_info_t;


typedef struct pprof_profile_s  pprof_profile_t;
typedef struct pprof_report_s   pprof_report_t;


/*
 * Decodes a profile, gzip-compressed (magic 1f 8b) or not.  The input is
 * not referenced after the call.  Returns NULL and fills err on failure:
 * truncated, garbage, out-of-range indexes, cycles, limits exceeded.
 */
pprof_profile_t *pprof_profile_parse(const void *data, size_t len,
    const pprof_limits_t *limits, const pprof_allocator_t *allocator,
    pprof_error_t *err);
const pprof_info_t *pprof_profile_info(const pprof_profile_t *profile);
void pprof_profile_free(pprof_profile_t *profile);


/* how pprof_profile_merge() takes the base, as go tool pprof's flags */
enum {
    PPROF_BASE_DIFF = 0,        /* -diff_base: percentages of the base */
    PPROF_BASE_SUBTRACT         /* -base: the base subtracted */
};

/*
 * profile minus base, the merge `go tool pprof -diff_base BASE PROFILE`
 * (or -base) makes: the base's samples negated (with -diff_base labelled
 * pprof::base=true), equal locations shared, so that every report and
 * view of the result is one of the difference.  Profiles of other sample
 * or period types are refused (err says which).  On success the result
 * owns both profiles (pprof_profile_free() frees them with it); on
 * failure the caller still does.
 */
pprof_profile_t *pprof_profile_merge(pprof_profile_t *profile,
    pprof_profile_t *base, int mode, const pprof_allocator_t *allocator,
    pprof_error_t *err);


/* the index of the sample type named, or -1 */
int pprof_sample_index(const pprof_profile_t *profile, const char *name);


enum {
    PPROF_SORT_FLAT = 0,
    PPROF_SORT_CUM
};


typedef struct {
    const char              *sample_type;   /* NULL or "": the default */
    /* POSIX extended regular expressions on function and file names (and
     * a location's mapping file), like pprof's -focus (keep samples with
     * a matching frame) and -ignore (drop them) */
    const char              *focus;
    const char              *ignore;
    int                      sort;          /* PPROF_SORT_* */
    /* flame graph: make this function the root (its first occurrence on
     * each stack); NULL: the whole profile */
    const char              *zoom;
    /* the call graph: pprof's -nodefraction and -edgefraction, decimal
     * numbers from 0 to 1; NULL or "": pprof's 0.005 and 0.001 */
    const char              *nodefraction;
    const char              *edgefraction;
    /* pprof's -hide (drop matching frames), -show (keep only matching
     * frames) and -show_from (drop the frames above the outermost match),
     * regexes as focus */
    const char              *hide;
    const char              *show;
    const char              *show_from;
    /* pprof's -tagfocus and -tagignore on sample labels: "REGEX[,REGEX]"
     * on "key:value", or "key=REGEX[,REGEX]" on that key's values */
    const char              *tagfocus;
    const char              *tagignore;
    /* a word of pprof_granularities, NULL or "": "functions" */
    const char              *granularity;
    /* the peek view: focus selects the rows shown with their callers and
     * callees (`go tool pprof -peek focus`) and filters no sample */
    int                      peek;
} pprof_report_options_t;


/* a row of the report: a node at its granularity, named as `go tool pprof
 * -top` prints it ("main.f", "main.f /src/f.go:12", ...) */
typedef struct {
    pprof_str_t              name;
    int64_t                  flat;
    int64_t                  cum;
    /* the name before pprof's simplification of demangled names; equal to
     * name when it is the same */
    pprof_str_t              full;
} pprof_function_row_t;


/*
 * The report's string options as arguments (pprof_keyword.c): the nginx
 * handler reads each from the query by its name, the CLI from its flag,
 * and the pages keep each in their links and forms.  An option added to
 * pprof_report_options_t and to this table reaches them all.
 */
enum {
    PPROF_RARG_ZOOM = 0,
    PPROF_RARG_SAMPLE,
    PPROF_RARG_FOCUS,
    PPROF_RARG_IGNORE,
    PPROF_RARG_NODEFRACTION,
    PPROF_RARG_EDGEFRACTION,
    PPROF_RARG_HIDE,
    PPROF_RARG_SHOW,
    PPROF_RARG_SHOW_FROM,
    PPROF_RARG_TAGFOCUS,
    PPROF_RARG_TAGIGNORE,
    PPROF_RARG_GRANULARITY,
    PPROF_RARG_N
};

typedef struct {
    const char              *name;          /* PPROF_ARG_FOCUS */
    const char              *flag;          /* the CLI's "--focus" */
    size_t                   offset;        /* of its const char * field */
} pprof_report_arg_t;

/* indexed by PPROF_RARG_* */
extern const pprof_report_arg_t  pprof_report_args[PPROF_RARG_N];

/* the field of option i in *ro, a const char *: NULL or "" when unset */
#define pprof_report_arg(ro, i)                                              \
    (*(const char **) ((char *) (ro) + pprof_report_args[i].offset))


/* public part of a report; options strings must outlive it */
typedef struct {
    const pprof_profile_t         *profile;
    const pprof_report_options_t  *options;
    size_t                         sample_index;
    /* sum of |value|; of a diff, of the base's samples, as pprof */
    int64_t                        total;
    /* a profile minus its base (pprof_profile_merge(), or samples with
     * pprof's pprof::base label): flat and cum are the differences */
    int                            diff;
    /* sorted per options; none until pprof_report_functions() */
    pprof_function_row_t          *functions;
    size_t                         nfunctions;
} pprof_report_info_t;


/*
 * Aggregates by function with `go tool pprof -top` semantics.  Returns NULL
 * and fills err on a bad option (unknown sample type, bad regex).
 */
pprof_report_t *pprof_report(const pprof_profile_t *profile,
    const pprof_report_options_t *options, const pprof_allocator_t *allocator,
    pprof_error_t *err);
const pprof_report_info_t *pprof_report_info(const pprof_report_t *report);
/*
 * The report's info with its function rows, made on the first call.
 * labels: with the "(inline)" labels (pprof_report_inline_label()), which
 * need a walk over every sample; without, the rows come from a flame
 * graph's or call graph's stacks when those were made first, for a pass
 * over their tree.  NULL and err when out of memory.
 */
const pprof_report_info_t *pprof_report_functions(pprof_report_t *report,
    int labels, pprof_error_t *err);
/*
 * What pprof_report() checks of the options without a profile: the name
 * filters' and tag filters' regexes, the granularity and the fractions
 * (not the sample type).  A caller that fetches the profile first (the
 * nginx handler) refuses a bad option with this before it asks for one.
 */
int pprof_report_check(const pprof_report_options_t *options,
    const pprof_allocator_t *allocator, pprof_error_t *err);
void pprof_report_free(pprof_report_t *report);


/* returns 0 on success; any other value aborts the rendering */
typedef int (*pprof_write_pt)(void *data, const char *buf, size_t len);


/*
 * PPROF_FORMAT_HTML is a page (see view), _TOP text like `go tool pprof
 * -top`, _FLAMEGRAPH a standalone flame graph file, _COLLAPSED folded
 * stacks ("a;b;c value").
 */
enum {
    PPROF_FORMAT_HTML = 0, PPROF_FORMAT_TOP, PPROF_FORMAT_JSON,
    PPROF_FORMAT_FLAMEGRAPH, PPROF_FORMAT_COLLAPSED,
    PPROF_FORMAT_RAW,           /* the profile as it came: never rendered, the caller copies it */
    PPROF_FORMAT_DOT,           /* the call graph as `go tool pprof -dot` */
    PPROF_FORMAT_SVG            /* the call graph drawn, a standalone SVG */
};


enum {
    PPROF_VIEW_TOP = 0,
    PPROF_VIEW_FLAME,
    PPROF_VIEW_GOROUTINES,
    PPROF_VIEW_GRAPH,
    PPROF_VIEW_PEEK
};


/* granularity= (pprof's -functions, -filefunctions, -files, -lines,
 * -addresses): what a row of the report is */
enum {
    PPROF_GRAN_FUNCTIONS = 0,
    PPROF_GRAN_FILEFUNCTIONS,
    PPROF_GRAN_FILES,
    PPROF_GRAN_LINES,
    PPROF_GRAN_ADDRESSES
};


/*
 * The query vocabulary (pprof_keyword.c): the words of format=, view= and
 * sort=, shared by the nginx handler, the CLI and the pages' links.
 */

/* a word of the query vocabulary: the name users type and what it means */
typedef struct {
    const char              *name;          /* "top" */
    int                      value;         /* PPROF_FORMAT_*, PPROF_VIEW_*, PPROF_SORT_* */
    const char              *content_type;  /* pprof_formats only, else NULL */
} pprof_keyword_t;

extern const pprof_keyword_t  pprof_formats[];   /* html top json flamegraph collapsed raw dot svg; ends with a NULL name */
extern const pprof_keyword_t  pprof_views[];     /* top flame goroutines graph peek */
extern const pprof_keyword_t  pprof_sorts[];     /* flat cum */
extern const pprof_keyword_t  pprof_granularities[];  /* functions ... addresses */
extern const pprof_keyword_t  pprof_base_modes[];  /* diff subtract: PPROF_BASE_* */

/* the entry named by s (len bytes, not NUL-terminated), or NULL */
const pprof_keyword_t *pprof_keyword_find(const pprof_keyword_t *table, const char *s, size_t len);
/* the entry whose value is value, or NULL */
const pprof_keyword_t *pprof_keyword_by_value(const pprof_keyword_t *table, int value);
/* "html, top, json, flamegraph, collapsed or raw", NUL-terminated; returns the length written or needed, like snprintf */
size_t pprof_keyword_list(const pprof_keyword_t *table, char *buf, size_t size);

/*
 * The query's other values (pprof_query.c), for the nginx handler and the
 * fuzzer.  pprof_query_seconds: "5", or with fraction "0.5", positive and
 * at most max; *rounded (may be NULL) the whole seconds, rounded up.
 * pprof_query_string: a form value ('+' a space, %XX a byte) into dst of
 * len + 1 bytes, NUL-terminated; -1 for a malformed %-escape, a control
 * character or more than max bytes decoded, else the length.
 */
int pprof_query_seconds(const char *s, size_t len, unsigned max, int fraction, unsigned *rounded);
long pprof_query_string(char *dst, const char *src, size_t len, size_t max);

/* the query argument names, used by the nginx handler and by the pages' links */
#define PPROF_ARG_FORMAT     "format"
#define PPROF_ARG_VIEW       "view"
#define PPROF_ARG_SORT       "sort"
#define PPROF_ARG_SAMPLE     "sample"
#define PPROF_ARG_NODECOUNT  "nodecount"
#define PPROF_ARG_FOCUS      "focus"
#define PPROF_ARG_IGNORE     "ignore"
#define PPROF_ARG_ZOOM       "zoom"
#define PPROF_ARG_NODEFRACTION  "nodefraction"
#define PPROF_ARG_EDGEFRACTION  "edgefraction"
#define PPROF_ARG_HIDE       "hide"
#define PPROF_ARG_SHOW       "show"
#define PPROF_ARG_SHOW_FROM  "show_from"
#define PPROF_ARG_TAGFOCUS   "tagfocus"
#define PPROF_ARG_TAGIGNORE  "tagignore"
#define PPROF_ARG_GRANULARITY "granularity"
#define PPROF_ARG_SEARCH     "search"
#define PPROF_ARG_CAPTURE    "capture"
#define PPROF_ARG_BASE       "base"
#define PPROF_ARG_BASE_MODE  "base_mode"
#define PPROF_ARG_REFRESH    "refresh"


/* the graph's nodes by default (pprof's -nodecount for -dot and -web);
 * the callers set it when the query or flags give none */
#define PPROF_GRAPH_NODECOUNT  80


typedef struct {
    int                      format;      /* PPROF_FORMAT_* */
    int                      view;        /* PPROF_VIEW_*, HTML only */
    size_t                   nodecount;   /* rows (graph: nodes) shown; 0: all */
    const char              *title;       /* profile name, e.g. "heap" */
    /* capture arguments kept in every link, already URL-encoded, e.g.
     * "seconds=30"; "" or NULL for none.  Links are relative ("?..."), so
     * pages work under any location prefix. */
    const char              *query;
    const char              *search;      /* flame graph: regex to highlight */
    /* a stored capture's ID (16 hex digits) shown in the page's header
     * line, or NULL; its links already carry it through query */
    const char              *capture;
    /* a diff's base capture ID, shown next to capture; its links carry it
     * through query too (base=ID) */
    const char              *base;
    /* "capture again": the query of the link, e.g. "refresh=1"; NULL: no
     * link.  Also shown on text pages (an error saying a capture is gone
     * offers it as "capture anew") */
    const char              *again;
    /* the location's history page, a relative href such as
     * "./?view=history"; NULL: no link */
    const char              *history;
    /* "share link": a link to this capture for others, a path with its
     * query ("/debug/pprof/heap?capture=ID&link=TOKEN", already
     * URL-encoded); NULL: no link */
    const char              *share;
    pprof_write_pt           write;
    void                    *data;
    const pprof_allocator_t *allocator;   /* scratch memory */
} pprof_render_options_t;


/* every format but PPROF_FORMAT_RAW, which is refused (err says so) */
int pprof_render(pprof_report_t *report,
    const pprof_render_options_t *options, pprof_error_t *err);

/*
 * An HTML page (same chrome as the views) around preformatted text:
 * debug=1/2 profiles, and error messages when title says so.
 */
int pprof_render_text_page(const char *title, const char *text, size_t len,
    const pprof_render_options_t *options);


/* a stored capture, as the history page lists it; NULL strings are "" */
typedef struct {
    const char              *id;           /* 16 lowercase hex digits */
    const char              *name;         /* profile name, "heap" */
    const char              *args;         /* "seconds=30" or "" */
    int64_t                  time;         /* when captured, Unix seconds */
    int64_t                  duration_ms;  /* how long capturing took */
    int64_t                  size;         /* bytes of the profile */
    int                      text;         /* debug=N text, not a profile */
} pprof_capture_entry_t;

/*
 * The stored captures of a location, newest first as given; links are
 * relative to the location's index ("heap?capture=ID"): each view, the raw
 * download and, for a profile with an older one of its name further down,
 * a diff ("&base=OLDER_ID").  Of options only the writer applies: the page
 * has no views' links and no capture store line.
 */
int pprof_render_captures(const char *title,
    const pprof_capture_entry_t *entries, size_t n,
    const pprof_render_options_t *options);


/*
 * The gateway's index: the profile types a location serves, each a row
 * with its description, its views (every word of pprof_views that
 * applies), its raw download, its debug=N text and, for a capture, a form
 * asking for the seconds.
 */
#define PPROF_INDEX_VIEWS       0x01   /* a profile: the views apply */
#define PPROF_INDEX_GOROUTINES  0x02   /* the goroutines view, debug=2 */
#define PPROF_INDEX_DEBUG       0x04   /* debug=1 text */
#define PPROF_INDEX_CAPTURE     0x08   /* seconds= is its length: a form */
#define PPROF_INDEX_FRACTION    0x10   /* seconds may be fractional */
#define PPROF_INDEX_DOWNLOAD    0x20   /* binary: raw is a file to save */

typedef struct {
    const char              *name;         /* "heap"; URL-encoded in links */
    const char              *description;  /* one line; NULL: none */
    unsigned                 flags;        /* PPROF_INDEX_* */
} pprof_index_entry_t;

/* a pprof_pass location of the configuration, as the index lists it */
typedef struct {
    const char              *location;     /* "/debug/pprof/", "~ ^/nodes/" */
    const char              *url;          /* its pprof_pass, as written */
    /* a relative link to its index; NULL: none (a regex location, or a
     * target named by variables) */
    const char              *href;
    unsigned                 current:1;    /* the location of this page */
} pprof_index_target_t;

typedef struct {
    const pprof_index_entry_t  *entries;
    size_t                   n;
    /* every pprof_pass location configured, in configuration order */
    const pprof_index_target_t *targets;
    size_t                   ntargets;
    /* where the location's requests go, as configured ("https://host/
     * debug/pprof/"), shown; NULL: not shown */
    const char              *target;
    /* the path segment the links start with when the index's URL does
     * not end with "/" ("pprof" for /pprof: "pprof/heap"); NULL: none */
    const char              *base;
    unsigned                 max_seconds;  /* the form's bound, >= 1 */
} pprof_index_t;

/*
 * The index page: title (the location) as the heading; of options the
 * writer, and history (a link to the stored captures, or NULL).
 */
int pprof_render_index(const char *title, const pprof_index_t *index,
    const pprof_render_options_t *options);


/* the HTML escaping every page uses; returns the escaped length when dst
 * is NULL */
size_t pprof_html_escape(char *dst, const char *src, size_t len);


/* "1.50MB", "250ms", "42" as pprof prints them */
size_t pprof_format_value(char *buf, size_t size, int64_t value,
    pprof_str_t unit);


#endif /* _PPROF_H_INCLUDED_ */
