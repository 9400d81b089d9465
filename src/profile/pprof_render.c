
/*
 * pprof_render(): the dispatch of a report to its format, at the top of
 * the engine.  It sets up the output buffer over the caller's writer,
 * calls the text formats (pprof_text.c) or the HTML views (pprof_html.c)
 * and turns a failed write into an error.  PPROF_FORMAT_RAW is refused:
 * the raw profile is the caller's to copy.
 */


#include "pprof_util.h"
#include "pprof_out.h"
#include "pprof_report.h"
#include "pprof_dot.h"
#include "pprof_svg.h"
#include "pprof_text.h"
#include "pprof_html.h"


typedef int (*pprof_render_pt)(pprof_report_t *report,
    const pprof_render_options_t *options, pprof_out_t *out,
    pprof_error_t *err);


int
pprof_render(pprof_report_t *report, const pprof_render_options_t *options,
    pprof_error_t *err)
{
    int                      rc;
    char                     buf[PPROF_OUT_SIZE];
    pprof_out_t              out;
    pprof_render_pt          render;
    pprof_render_options_t   o;

    o = *options;

    switch (o.format) {

    case PPROF_FORMAT_HTML:
        render = pprof_html_page;
        break;

    case PPROF_FORMAT_FLAMEGRAPH:
        render = pprof_html_flamegraph;
        break;

    case PPROF_FORMAT_TOP:
        render = pprof_text_top;
        break;

    case PPROF_FORMAT_JSON:
        render = pprof_text_json;
        break;

    case PPROF_FORMAT_COLLAPSED:
        render = pprof_text_collapsed;
        break;

    case PPROF_FORMAT_DOT:
        render = pprof_dot_render;
        break;

    case PPROF_FORMAT_SVG:
        render = pprof_svg_render;
        break;

    case PPROF_FORMAT_RAW:
        pprof_set_error(err, "format raw is not rendered: the caller sends "
                        "the profile as it came");
        return PPROF_ERROR;

    default:
        pprof_set_error(err, "unknown output format %d", o.format);
        return PPROF_ERROR;
    }

    if (o.allocator == NULL) {
        o.allocator = pprof_report_allocator(report);
    }

    /* no writer: the output goes nowhere (a string that keeps nothing) */
    pprof_out_init(&out, o.write, o.data, buf, sizeof(buf));

    rc = render(report, &o, &out, err);

    return pprof_out_finish(&out, rc, err);
}
