
/*
 * Units and numbers as pprof's internal/measurement has them: the unit
 * tables (bytes, time, GCU), scaling a value from a unit to another or to
 * the best one ("minimum", "auto"), labels like "1.50MB", the value
 * formatting of pprof.h's pprof_format_value(), and -top's percentages.
 * printf-free where it runs per value.  Uses only pprof_util.c.
 */


#include <math.h>
#include <stdio.h>
#include <string.h>

#include "pprof_util.h"
#include "pprof_units.h"


/* --- units, as pprof's internal/measurement --- */

typedef struct {
    const char              *name;
    const char              *aliases[4];
    double                   factor;
} pprof_unit_t;


typedef struct {
    const pprof_unit_t      *units;
    size_t                   nunits;
    const pprof_unit_t      *def;
} pprof_unit_type_t;


static const pprof_unit_t  pprof_byte_units[] = {
    { "B",  { "b", "byte", NULL, NULL }, 1.0 },
    { "kB", { "kb", "kbyte", "kilobyte", NULL }, 1024.0 },
    { "MB", { "mb", "mbyte", "megabyte", NULL }, 1048576.0 },
    { "GB", { "gb", "gbyte", "gigabyte", NULL }, 1073741824.0 },
    { "TB", { "tb", "tbyte", "terabyte", NULL }, 1099511627776.0 },
    { "PB", { "pb", "pbyte", "petabyte", NULL }, 1125899906842624.0 }
};

static const pprof_unit_t  pprof_byte_default = { "B", { NULL }, 1.0 };

static const pprof_unit_t  pprof_time_units[] = {
    { "ns",  { "ns", "nanosecond", NULL, NULL }, 1.0 },
    { "us",  { "\xce\xbcs", "us", "microsecond", NULL }, 1e3 },
    { "ms",  { "ms", "millisecond", NULL, NULL }, 1e6 },
    { "s",   { "s", "sec", "second", NULL }, 1e9 },
    { "hrs", { "hour", "hr", NULL, NULL }, 3600e9 }
};

static const pprof_unit_t  pprof_time_default = { "s", { NULL }, 1e9 };

static const pprof_unit_t  pprof_gcu_units[] = {
    { "n*GCU", { "nanogcu", NULL, NULL, NULL }, 1e-9 },
    { "u*GCU", { "microgcu", NULL, NULL, NULL }, 1e-6 },
    { "m*GCU", { "milligcu", NULL, NULL, NULL }, 1e-3 },
    { "GCU",   { "gcu", NULL, NULL, NULL }, 1.0 },
    { "k*GCU", { "kilogcu", NULL, NULL, NULL }, 1e3 },
    { "M*GCU", { "megagcu", NULL, NULL, NULL }, 1e6 },
    { "G*GCU", { "gigagcu", NULL, NULL, NULL }, 1e9 },
    { "T*GCU", { "teragcu", NULL, NULL, NULL }, 1e12 },
    { "P*GCU", { "petagcu", NULL, NULL, NULL }, 1e15 }
};

static const pprof_unit_t  pprof_gcu_default = { "GCU", { NULL }, 1.0 };

static const pprof_unit_type_t  pprof_unit_types[] = {
    { pprof_byte_units, pprof_nelts(pprof_byte_units), &pprof_byte_default },
    { pprof_time_units, pprof_nelts(pprof_time_units), &pprof_time_default },
    { pprof_gcu_units, pprof_nelts(pprof_gcu_units), &pprof_gcu_default }
};


/* pprof's sniffUnit: lower case, a plural 's' dropped, then aliases */
static const pprof_unit_t *
pprof_sniff_unit(const pprof_unit_type_t *ut, pprof_str_t unit)
{
    char     lower[32];
    size_t   i, j, len;

    if (unit.len >= sizeof(lower)) {
        return NULL;
    }

    for (i = 0; i < unit.len; i++) {
        lower[i] = (unit.data[i] >= 'A' && unit.data[i] <= 'Z')
                   ? (char) (unit.data[i] + 32) : unit.data[i];
    }

    len = unit.len;
    if (len > 2 && lower[len - 1] == 's') {
        len--;
    }

    lower[len] = '\0';

    /* this runs per value: the first byte rules out most aliases */
    for (i = 0; i < ut->nunits; i++) {
        for (j = 0; j < 4 && ut->units[i].aliases[j]; j++) {
            if (lower[0] == ut->units[i].aliases[j][0]
                && strcmp(lower, ut->units[i].aliases[j]) == 0)
            {
                return &ut->units[i];
            }
        }
    }

    return NULL;
}


double
pprof_scale(int64_t value, pprof_str_t from, pprof_str_t to,
    pprof_str_t *unit)
{
    size_t                     i, k;
    double                     v, f, r;
    const pprof_unit_t        *fu, *tu, *best;
    const pprof_unit_type_t   *ut;

    if (value < 0 && value != INT64_MIN) {
        return -pprof_scale(-value, from, to, unit);
    }

    for (i = 0; i < pprof_nelts(pprof_unit_types); i++) {
        ut = &pprof_unit_types[i];

        fu = pprof_sniff_unit(ut, from);
        if (fu == NULL) {
            continue;
        }

        v = (double) value * fu->factor;

        if (pprof_str_is(to, "minimum") || pprof_str_is(to, "auto")) {
            /* the largest unit that keeps the value >= 1 */
            f = 0;
            best = NULL;

            for (k = 0; k < ut->nunits; k++) {
                if (ut->units[k].factor >= f
                    && v / ut->units[k].factor >= 1.0)
                {
                    f = ut->units[k].factor;
                    best = &ut->units[k];
                }
            }

            if (best == NULL) {
                best = ut->def;
            }

            *unit = pprof_cstr(best->name);
            return v / best->factor;
        }

        tu = pprof_sniff_unit(ut, to);
        if (tu == NULL) {
            tu = ut->def;
        }

        *unit = pprof_cstr(tu->name);
        r = v / tu->factor;

        return r;
    }

    if (pprof_str_is(to, "count") || pprof_str_is(to, "sample")
        || pprof_str_is(to, "unit") || pprof_str_is(to, "minimum")
        || pprof_str_is(to, "auto"))
    {
        unit->data = "";
        unit->len = 0;

    } else {
        *unit = to;
    }

    return (double) value;
}


/*
 * printf's "%.*f" (prec <= 5) without printf, which costs more than the
 * rest of a -top line.  v * 10^prec is rounded once by the multiplication,
 * by less than 2^-13 while it stays under 2^40; so unless it lands that
 * close to a half, where printf's exact decimal rounding could go the
 * other way, rounding it gives printf's digits.  Returns 0 when it cannot
 * tell (or for huge, infinite or NaN values): the caller asks snprintf.
 */
static size_t
pprof_fixed(char *buf, double v, unsigned prec)
{
    static const double    scale[] = { 1, 10, 100, 1e3, 1e4, 1e5 };
    static const uint64_t  iscale[] = { 1, 10, 100, 1000, 10000, 100000 };

    char      tmp[32], *p;
    double    t, frac;
    size_t    len;
    unsigned  i;
    uint64_t  n, ip, fp;

    p = buf;

    if (signbit(v)) {
        *p++ = '-';
        v = -v;
    }

    t = v * scale[prec];

    if (!(t < 1099511627776.0)) {
        return 0;
    }

    n = (uint64_t) t;
    frac = t - (double) n;

    if (frac > 0.5 - 0.001 && frac < 0.5 + 0.001) {
        return 0;
    }

    n += frac > 0.5;

    ip = n / iscale[prec];
    fp = n % iscale[prec];

    len = 0;
    do {
        tmp[len++] = (char) ('0' + ip % 10);
        ip /= 10;
    } while (ip);

    while (len) {
        *p++ = tmp[--len];
    }

    if (prec) {
        *p++ = '.';
        p += prec;

        for (i = 1; i <= prec; i++) {
            p[-(int) i] = (char) ('0' + fp % 10);
            fp /= 10;
        }
    }

    *p = '\0';

    return (size_t) (p - buf);
}


/*
 * printf's "%.2g" for 0 <= v < 1, the -top percentages below 1%:
 * two significant digits, trailing zeros dropped.  Returns 0 when it
 * cannot tell (an exponent, a near half): the caller asks snprintf.
 */
static size_t
pprof_g2(char *buf, double v)
{
    int       x;
    char     *p;
    double    t, frac;
    uint64_t  n;

    if (v == 0 && !signbit(v)) {
        buf[0] = '0';
        buf[1] = '\0';
        return 1;
    }

    /* x: the decimal exponent before rounding; the limits are above the
     * powers of ten, as their doubles are, so no double falls between */
    if (v >= 0.1 && v < 1) {
        x = -1;
        t = v * 100;

    } else if (v >= 0.01 && v < 0.1) {
        x = -2;
        t = v * 1000;

    } else if (v >= 0.001 && v < 0.01) {
        x = -3;
        t = v * 10000;

    } else if (v >= 0.0001 && v < 0.001) {
        x = -4;
        t = v * 100000;

    } else {
        return 0;
    }

    n = (uint64_t) t;
    frac = t - (double) n;

    if (frac > 0.5 - 0.001 && frac < 0.5 + 0.001) {
        return 0;
    }

    n += frac > 0.5;

    if (n < 10 || n > 100) {
        return 0;
    }

    if (n == 100) {
        n = 10;
        x++;
    }

    p = buf;

    if (x == 0) {
        *p++ = '1';

    } else {
        *p++ = '0';
        *p++ = '.';

        while (++x < 0) {
            *p++ = '0';
        }

        *p++ = (char) ('0' + n / 10);

        if (n % 10) {
            *p++ = (char) ('0' + n % 10);
        }
    }

    *p = '\0';

    return (size_t) (p - buf);
}


/* a scaled value and its unit as pprof prints them: "%.2f", ".00" cut */
static size_t
pprof_label(char *buf, size_t size, double v, pprof_str_t unit)
{
    int     n;
    char    num[400];
    size_t  len, k;

    len = pprof_fixed(num, v, 2);

    if (len == 0) {
        n = snprintf(num, sizeof(num), "%.2f", v);
        len = n > 0 && (size_t) n < sizeof(num) ? (size_t) n : 0;
        num[len] = '\0';
    }

    if (len >= 3 && memcmp(num + len - 3, ".00", 3) == 0) {
        len -= 3;
        num[len] = '\0';
    }

    if (strcmp(num, "0") == 0 || strcmp(num, "-0") == 0) {
        unit.len = 0;
    }

    /* num and unit, cut to size like snprintf (this runs per value) */
    if (size > 0) {
        k = len + unit.len < size ? len + unit.len : size - 1;
        memcpy(buf, num, k < len ? k : len);

        if (k > len) {
            memcpy(buf + len, unit.data, k - len);
        }

        buf[k] = '\0';
    }

    return len + unit.len;
}


size_t
pprof_scaled_label(char *buf, size_t size, int64_t value, pprof_str_t from,
    pprof_str_t to)
{
    double       v;
    pprof_str_t  unit;

    v = pprof_scale(value, from, to, &unit);

    return pprof_label(buf, size, v, unit);
}


/*
 * What pprof_scale() finds for from and to, unless that depends on the
 * value (to "minimum" or "auto" of a known unit): then PPROF_ERROR.
 */
int
pprof_scaler_init(pprof_scaler_t *s, pprof_str_t from, pprof_str_t to)
{
    size_t                     i;
    const pprof_unit_t        *fu, *tu;
    const pprof_unit_type_t   *ut;

    for (i = 0; i < pprof_nelts(pprof_unit_types); i++) {
        ut = &pprof_unit_types[i];

        fu = pprof_sniff_unit(ut, from);
        if (fu == NULL) {
            continue;
        }

        if (pprof_str_is(to, "minimum") || pprof_str_is(to, "auto")) {
            return PPROF_ERROR;
        }

        tu = pprof_sniff_unit(ut, to);
        if (tu == NULL) {
            tu = ut->def;
        }

        s->found = 1;
        s->from_factor = fu->factor;
        s->to_factor = tu->factor;
        s->unit = pprof_cstr(tu->name);

        return PPROF_OK;
    }

    s->found = 0;
    s->from_factor = 1;
    s->to_factor = 1;

    /* the value's own scale: pprof_scale()'s "not a known unit" */
    (void) pprof_scale(0, from, to, &s->unit);

    return PPROF_OK;
}


/*
 * pprof_scaled_label() with the units looked up: the same arithmetic as
 * pprof_scale(); negating first there changes nothing, as rounding to
 * nearest is symmetric.
 */
size_t
pprof_scaler_label(const pprof_scaler_t *s, char *buf, size_t size,
    int64_t value)
{
    double  v;

    v = (double) value;

    if (s->found) {
        v = v * s->from_factor / s->to_factor;
    }

    return pprof_label(buf, size, v, s->unit);
}


size_t
pprof_format_value(char *buf, size_t size, int64_t value, pprof_str_t unit)
{
    return pprof_scaled_label(buf, size, value, unit, pprof_cstr("auto"));
}


pprof_str_t
pprof_output_unit(int64_t min, int64_t total, pprof_str_t unit)
{
    pprof_str_t  out, min_unit, max_unit, minimum;

    if (min == 0) {
        min = total;
    }

    minimum.data = "minimum";
    minimum.len = 7;

    pprof_scale(min, unit, minimum, &min_unit);
    pprof_scale(total, unit, minimum, &max_unit);

    out = min_unit;

    if ((min_unit.len != max_unit.len
         || memcmp(min_unit.data, max_unit.data, min_unit.len) != 0)
        && min * 100 < total)
    {
        pprof_scale(100 * min, unit, minimum, &out);
    }

    return out.len ? out : unit;
}


size_t
pprof_format_percent(char *buf, size_t size, int64_t value, int64_t total)
{
    int     n;
    char    num[32];
    size_t  len, pad;
    double  ratio;

    ratio = 0;
    if (total != 0) {
        ratio = (double) value / (double) total * 100;
        if (ratio < 0) {
            ratio = -ratio;
        }
    }

    if (ratio >= 99.95 && ratio <= 100.05) {
        n = snprintf(buf, size, "  100%%");

    } else {
        len = ratio >= 1.0 ? pprof_fixed(num, ratio, 2) : pprof_g2(num, ratio);

        /* "%5s%%" by hand: this runs three times a -top line */
        if (len != 0 && size > 8) {
            pad = len < 5 ? 5 - len : 0;
            memset(buf, ' ', pad);
            memcpy(buf + pad, num, len);
            buf[pad + len] = '%';
            buf[pad + len + 1] = '\0';
            return pad + len + 1;
        }

        n = ratio >= 1.0 ? snprintf(buf, size, "%5.2f%%", ratio)
                         : snprintf(buf, size, "%5.2g%%", ratio);
    }

    return n > 0 ? (size_t) n : 0;
}
