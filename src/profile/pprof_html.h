
/*
 * The HTML views (pprof_html.c), called by pprof_render() for
 * PPROF_FORMAT_HTML and PPROF_FORMAT_FLAMEGRAPH: each writes a whole page
 * to out and returns PPROF_OK, or PPROF_ERROR with err set.
 * pprof_render_text_page() and pprof_html_escape() are in pprof.h.
 */


#ifndef _PPROF_HTML_H_INCLUDED_
#define _PPROF_HTML_H_INCLUDED_


#include "pprof.h"
#include "pprof_out.h"


/* a page of options->view: top, flame graph or goroutines */
int pprof_html_page(pprof_report_t *report,
    const pprof_render_options_t *options, pprof_out_t *out,
    pprof_error_t *err);
/* a standalone flame graph document */
int pprof_html_flamegraph(pprof_report_t *report,
    const pprof_render_options_t *options, pprof_out_t *out,
    pprof_error_t *err);


#endif /* _PPROF_HTML_H_INCLUDED_ */
