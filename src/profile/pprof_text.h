
/*
 * The text formats (pprof_text.c), called by pprof_render(): each writes
 * the whole output to out and returns PPROF_OK, or PPROF_ERROR with err
 * set.  options->allocator is set.
 */


#ifndef _PPROF_TEXT_H_INCLUDED_
#define _PPROF_TEXT_H_INCLUDED_


#include "pprof.h"
#include "pprof_out.h"


/* PPROF_FORMAT_TOP: like `go tool pprof -top` */
int pprof_text_top(pprof_report_t *report,
    const pprof_render_options_t *options, pprof_out_t *out,
    pprof_error_t *err);
/* PPROF_FORMAT_JSON */
int pprof_text_json(pprof_report_t *report,
    const pprof_render_options_t *options, pprof_out_t *out,
    pprof_error_t *err);
/* PPROF_FORMAT_COLLAPSED: folded stacks, "a;b;c value" */
int pprof_text_collapsed(pprof_report_t *report,
    const pprof_render_options_t *options, pprof_out_t *out,
    pprof_error_t *err);


#endif /* _PPROF_TEXT_H_INCLUDED_ */
