
/*
 * All of the engine's internal headers, for the unit tests.  The engine's
 * own files include only the headers of the layers below them (see
 * sources for the order); this one is not for them.
 */


#ifndef _PPROF_INTERNAL_H_INCLUDED_
#define _PPROF_INTERNAL_H_INCLUDED_


#include "pprof.h"
#include "pprof_util.h"
#include "pprof_out.h"
#include "pprof_units.h"
#include "pprof_proto.h"
#include "pprof_report.h"
#include "pprof_legend.h"
#include "pprof_graph.h"
#include "pprof_dot.h"
#include "pprof_svg.h"
#include "pprof_text.h"
#include "pprof_html.h"


#endif /* _PPROF_INTERNAL_H_INCLUDED_ */
