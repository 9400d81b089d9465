
/*
 * The legend of a report: the profile's and the report's header values,
 * formatted once (time in UTC, duration, period, total in its unit and as
 * a share of the duration) for the text top and the HTML meta line to
 * print, and the UTC time of the history page's rows.  Part of the report
 * layer: uses pprof_util.c, pprof_units.c, pprof_proto.c and
 * pprof_report.c, and is used by the renderers.
 */


/* gmtime_r() under a strict -std=c99 too */
#if !defined(_GNU_SOURCE) && !defined(_DEFAULT_SOURCE)                    \
    && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE  200809L
#endif

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "pprof_util.h"
#include "pprof_units.h"
#include "pprof_proto.h"
#include "pprof_legend.h"


/*
 * Unix seconds as "2006-01-02 15:04:05 UTC", NUL-terminated, for the
 * legend and the history page; 0 when gmtime cannot tell (out of range)
 */
size_t
pprof_legend_utc(char *buf, size_t size, int64_t seconds)
{
    time_t     t;
    struct tm  tm;

    t = (time_t) seconds;

    if ((int64_t) t != seconds || gmtime_r(&t, &tm) == NULL) {
        return 0;
    }

    return strftime(buf, size, "%Y-%m-%d %H:%M:%S UTC", &tm);
}


/* the nanoseconds as such when gmtime cannot tell */
static void
pprof_legend_time(char *buf, size_t size, int64_t nanos)
{
    int64_t  t;

    t = nanos / 1000000000;
    if (nanos < 0 && nanos % 1000000000) {
        t--;
    }

    if (pprof_legend_utc(buf, size, t) == 0) {
        snprintf(buf, size, "%lld", (long long) nanos);
    }
}


/* filepath.Base */
static pprof_str_t
pprof_legend_base(pprof_str_t path)
{
    size_t  i;

    while (path.len > 1 && path.data[path.len - 1] == '/') {
        path.len--;
    }

    for (i = path.len; i > 0 && path.data[i - 1] != '/'; i--) {
        /* void */
    }

    if (path.len > 1 || i == 0) {
        path.data += i;
        path.len -= i;
    }

    return path;
}


void
pprof_report_legend(const pprof_report_t *report, pprof_legend_t *legend)
{
    size_t                         i;
    double                         total_ns;
    pprof_str_t                    ns, v;
    const pprof_info_t            *info;
    const pprof_profile_t         *pr;
    const pprof_value_type_t      *st;
    const pprof_report_info_t     *ri;
    const pprof_report_options_t  *o;

    static const int  filters[PPROF_LEGEND_FILTERS] = {
        PPROF_RARG_FOCUS, PPROF_RARG_IGNORE, PPROF_RARG_HIDE,
        PPROF_RARG_SHOW, PPROF_RARG_SHOW_FROM, PPROF_RARG_TAGFOCUS,
        PPROF_RARG_TAGIGNORE
    };

    memset(legend, 0, sizeof(pprof_legend_t));

    ri = pprof_report_info(report);
    pr = ri->profile;
    info = pprof_profile_info(pr);
    st = &info->sample_types[ri->sample_index];
    o = ri->options;

    legend->binary = info->main_binary;

    if (info->main_binary.len) {
        legend->file = pprof_legend_base(info->main_binary);
    }

    legend->build_id = pr->build_id;
    legend->comments = info->comments;
    legend->ncomments = info->ncomments;
    legend->type = st->type;
    legend->unit = st->unit;
    legend->period_type = info->period_type;

    for (i = 0; i < info->nsample_types; i++) {
        if (pprof_str_is(info->sample_types[i].type, "goroutine")) {
            legend->goroutines = 1;
        }
    }

    if (info->time_nanos != 0) {
        pprof_legend_time(legend->time, sizeof(legend->time),
                          info->time_nanos);
    }

    ns = pprof_cstr("nanoseconds");

    if (info->duration_nanos != 0) {
        pprof_format_value(legend->duration, sizeof(legend->duration),
                           info->duration_nanos, ns);
    }

    if (info->period != 0) {
        pprof_format_value(legend->period, sizeof(legend->period),
                           info->period, info->period_type.unit);
    }

    legend->total = ri->total;
    pprof_format_value(legend->total_label, sizeof(legend->total_label),
                       ri->total, st->unit);

    if (info->duration_nanos != 0) {
        total_ns = pprof_scale(ri->total, st->unit, ns, &ns);

        if (pprof_str_is(ns, "ns") && (int64_t) total_ns != 0) {
            pprof_format_percent(legend->total_share,
                                 sizeof(legend->total_share),
                                 (int64_t) total_ns, info->duration_nanos);
        }
    }

    legend->nfilters = 0;

    for (i = 0; o != NULL && i < PPROF_LEGEND_FILTERS; i++) {
        v = pprof_cstr(pprof_report_arg(o, filters[i]));

        /* the peek view's focus picks rows, it is no filter */
        if (v.len == 0 || (o->peek && filters[i] == PPROF_RARG_FOCUS)) {
            continue;
        }

        legend->filters[legend->nfilters].name =
                                           pprof_report_args[filters[i]].name;
        legend->filters[legend->nfilters++].value = v;
    }
}
