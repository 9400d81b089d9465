
/*
 * The legend of a report (pprof_legend.c): what `go tool pprof -top`
 * prints above its table ("File:", "Type:", "Time:", "Duration:", ...) and
 * what the pages' meta line shows, computed once as data so that the text
 * and HTML views print the same values.
 */


#ifndef _PPROF_LEGEND_H_INCLUDED_
#define _PPROF_LEGEND_H_INCLUDED_


#include "pprof.h"


#define PPROF_LEGEND_FILTERS    7


/* strings point into the profile and report, or are "" when unknown */
typedef struct {
    pprof_str_t              file;          /* the main binary's base name */
    pprof_str_t              binary;        /* the main binary as named */
    pprof_str_t              build_id;      /* of the main binary */
    const pprof_str_t       *comments;
    size_t                   ncomments;
    pprof_str_t              type;          /* the sample type reported */
    pprof_str_t              unit;          /* its unit */
    pprof_value_type_t       period_type;   /* e.g. cpu/nanoseconds */
    int                      goroutines;    /* a goroutine profile */
    /* "2026-11-23 15:30:00 UTC", always UTC; "" when the profile has none */
    char                     time[48];
    char                     duration[32];  /* "10s" */
    char                     period[32];    /* "10ms", in period_type */
    int64_t                  total;         /* sum of |value| */
    char                     total_label[48];   /* in its best unit */
    /* a time total as a share of the duration, as -top prints it: "99.62%"
     * or "  100%" (padded like a -top column); "" when it is not time */
    char                     total_share[32];
    /* the active filters in pprof's order (focus, ignore, hide, show,
     * show_from, tagfocus, tagignore): argument names and values */
    struct {
        const char          *name;
        pprof_str_t          value;
    }                        filters[PPROF_LEGEND_FILTERS];
    size_t                   nfilters;
} pprof_legend_t;


void pprof_report_legend(const pprof_report_t *report,
    pprof_legend_t *legend);

/* Unix seconds as legend->time shows them, "2026-11-23 15:30:00 UTC",
 * NUL-terminated; returns the length, 0 when out of gmtime's range */
size_t pprof_legend_utc(char *buf, size_t size, int64_t seconds);


#endif /* _PPROF_LEGEND_H_INCLUDED_ */
