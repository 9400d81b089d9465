
/*
 * Units and numbers as pprof's internal/measurement (pprof_units.c).
 * pprof_format_value() is in pprof.h.
 */


#ifndef _PPROF_UNITS_H_INCLUDED_
#define _PPROF_UNITS_H_INCLUDED_


#include "pprof.h"


/*
 * value in unit from, in unit to ("minimum" or "auto": the largest unit
 * that keeps it at least 1); *unit is the unit it is in then
 */
double pprof_scale(int64_t value, pprof_str_t from, pprof_str_t to,
    pprof_str_t *unit);
/* "1.50MB": the scaled value and its unit, like snprintf */
size_t pprof_scaled_label(char *buf, size_t size, int64_t value,
    pprof_str_t from, pprof_str_t to);

/* pprof_scale()'s unit lookups done once for a run of values */
typedef struct {
    double                   from_factor;
    double                   to_factor;
    int                      found;      /* a known unit: factors apply */
    pprof_str_t              unit;
} pprof_scaler_t;

int pprof_scaler_init(pprof_scaler_t *s, pprof_str_t from, pprof_str_t to);
size_t pprof_scaler_label(const pprof_scaler_t *s, char *buf, size_t size,
    int64_t value);

/*
 * The unit a whole report is printed in, as pprof's selectOutputUnit with
 * -unit=minimum: min is the smallest non-zero |flat| (else |cum|) of what
 * is shown (0: none), total the report's total; unit the sample unit.
 */
pprof_str_t pprof_output_unit(int64_t min, int64_t total, pprof_str_t unit);

/* value as a share of total, "%5.2f%%" (below 1%: "%5.2g%%"), as -top */
size_t pprof_format_percent(char *buf, size_t size, int64_t value,
    int64_t total);


#endif /* _PPROF_UNITS_H_INCLUDED_ */
