
/*
 * Text output: pprof's value and percentage formatting (internal/
 * measurement), the `go tool pprof -top` report, JSON, folded stacks, and
 * the pprof_render() dispatch.
 */


#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "pprof_internal.h"


#define PPROF_OUT_SIZE  16384


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

#define pprof_nelts(a)  (sizeof(a) / sizeof((a)[0]))

static const pprof_unit_type_t  pprof_unit_types[] = {
    { pprof_byte_units, pprof_nelts(pprof_byte_units), &pprof_byte_default },
    { pprof_time_units, pprof_nelts(pprof_time_units), &pprof_time_default },
    { pprof_gcu_units, pprof_nelts(pprof_gcu_units), &pprof_gcu_default }
};


int
pprof_str_is(pprof_str_t s, const char *c)
{
    size_t  len;

    len = strlen(c);

    return s.len == len && memcmp(s.data, c, len) == 0;
}


pprof_str_t
pprof_cstr(const char *s)
{
    pprof_str_t  r;

    r.data = s ? s : "";
    r.len = s ? strlen(s) : 0;

    return r;
}


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


/* --- the buffered writer --- */

void
pprof_out_init(pprof_out_t *out, pprof_write_pt write, void *data,
    char *buf, size_t size)
{
    out->write = write;
    out->data = data;
    out->buf = buf;
    out->len = 0;
    out->size = size;
    out->failed = 0;
}


static void
pprof_out_drain(pprof_out_t *out)
{
    if (out->len && !out->failed
        && out->write(out->data, out->buf, out->len) != 0)
    {
        out->failed = 1;
    }

    out->len = 0;
}


void
pprof_out_write(pprof_out_t *out, const char *s, size_t len)
{
    size_t  n;

    while (len && !out->failed) {
        if (out->len == out->size) {
            pprof_out_drain(out);
            continue;
        }

        n = out->size - out->len;
        if (n > len) {
            n = len;
        }

        memcpy(out->buf + out->len, s, n);
        out->len += n;
        s += n;
        len -= n;
    }
}


void
pprof_out_str(pprof_out_t *out, const char *s)
{
    pprof_out_write(out, s, strlen(s));
}


void
pprof_out_printf(pprof_out_t *out, const char *fmt, ...)
{
    int      n;
    char     tmp[512];
    va_list  args;

    /* short, formatted pieces only: names go through pprof_out_write() */
    va_start(args, fmt);
    n = vsnprintf(tmp, sizeof(tmp), fmt, args);
    va_end(args);

    if (n > 0) {
        pprof_out_write(out, tmp,
                        (size_t) n < sizeof(tmp) ? (size_t) n
                                                 : sizeof(tmp) - 1);
    }
}


int
pprof_out_flush(pprof_out_t *out)
{
    pprof_out_drain(out);

    return out->failed ? PPROF_ERROR : PPROF_OK;
}


/* length of a valid UTF-8 sequence at p, or 0 */
static size_t
pprof_utf8_len(const unsigned char *p, size_t len)
{
    uint32_t  c;
    size_t    n, i;

    if (p[0] < 0x80) {
        return 1;
    }

    if (p[0] >= 0xc2 && p[0] <= 0xdf) {
        n = 2;
        c = p[0] & 0x1f;

    } else if (p[0] >= 0xe0 && p[0] <= 0xef) {
        n = 3;
        c = p[0] & 0x0f;

    } else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
        n = 4;
        c = p[0] & 0x07;

    } else {
        return 0;
    }

    if (len < n) {
        return 0;
    }

    for (i = 1; i < n; i++) {
        if ((p[i] & 0xc0) != 0x80) {
            return 0;
        }

        c = (c << 6) | (p[i] & 0x3f);
    }

    /* overlong forms, surrogates, beyond U+10FFFF */
    if ((n == 3 && c < 0x800) || (n == 4 && c < 0x10000) || c > 0x10ffff
        || (c >= 0xd800 && c <= 0xdfff))
    {
        return 0;
    }

    return n;
}


void
pprof_out_json_str(pprof_out_t *out, const char *s, size_t len)
{
    char                  esc[8];
    size_t                i, n, run;
    const unsigned char  *p;

    static const char  hex[] = "0123456789abcdef";

    p = (const unsigned char *) s;
    pprof_out_write(out, "\"", 1);

    run = 0;

    for (i = 0; i < len; i += n) {
        n = pprof_utf8_len(p + i, len - i);

        if (n == 1 && p[i] >= 0x20 && p[i] != '"' && p[i] != '\\'
            && p[i] != '<' && p[i] != '>' && p[i] != '&' && p[i] != 0x7f)
        {
            run++;
            continue;
        }

        /* U+2028 and U+2029 end lines in JavaScript */
        if (n == 3 && p[i] == 0xe2 && p[i + 1] == 0x80
            && (p[i + 2] == 0xa8 || p[i + 2] == 0xa9))
        {
            pprof_out_write(out, s + i - run, run);
            run = 0;
            pprof_out_str(out, p[i + 2] == 0xa8 ? "\\u2028" : "\\u2029");
            continue;
        }

        if (n > 1) {
            run += n;
            continue;
        }

        pprof_out_write(out, s + i - run, run);
        run = 0;

        if (n == 0) {
            /* invalid UTF-8: one replacement character per byte */
            pprof_out_str(out, "\\ufffd");
            n = 1;
            continue;
        }

        switch (p[i]) {
        case '"':
            pprof_out_str(out, "\\\"");
            break;
        case '\\':
            pprof_out_str(out, "\\\\");
            break;
        case '\n':
            pprof_out_str(out, "\\n");
            break;
        case '\r':
            pprof_out_str(out, "\\r");
            break;
        case '\t':
            pprof_out_str(out, "\\t");
            break;
        default:
            memcpy(esc, "\\u00", 4);
            esc[4] = hex[p[i] >> 4];
            esc[5] = hex[p[i] & 0xf];
            pprof_out_write(out, esc, 6);
        }
    }

    pprof_out_write(out, s + len - run, run);
    pprof_out_write(out, "\"", 1);
}


/* --- the -top header --- */

typedef struct {
    char                    *buf;
    size_t                   size;
    size_t                   len;
} pprof_sbuf_t;


static void
pprof_sbuf_add(pprof_sbuf_t *b, const char *s, size_t len)
{
    size_t  n;

    if (b->len < b->size) {
        n = b->size - b->len;
        memcpy(b->buf + b->len, s, n < len ? n : len);
    }

    b->len += len;
}


static void
pprof_sbuf_printf(pprof_sbuf_t *b, const char *fmt, ...)
{
    int      n;
    char     tmp[512];
    va_list  args;

    va_start(args, fmt);
    n = vsnprintf(tmp, sizeof(tmp), fmt, args);
    va_end(args);

    if (n > 0) {
        pprof_sbuf_add(b, tmp, (size_t) n < sizeof(tmp) ? (size_t) n
                                                         : sizeof(tmp) - 1);
    }
}


/* Go's "Jan 2, 2006 at 3:04pm (MST)", local time */
static void
pprof_sbuf_time(pprof_sbuf_t *b, int64_t nanos)
{
    int        hour;
    time_t     t;
    struct tm  tm;

    static const char  *months[] = {
        "Jan", "Feb", "Mar", "Apr", "May", "Jun",
        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
    };

    t = (time_t) (nanos / 1000000000);
    if (nanos < 0 && nanos % 1000000000) {
        t--;
    }

    if (localtime_r(&t, &tm) == NULL || tm.tm_mon < 0 || tm.tm_mon > 11) {
        pprof_sbuf_printf(b, "%lld", (long long) nanos);
        return;
    }

    hour = tm.tm_hour % 12;
    if (hour == 0) {
        hour = 12;
    }

    pprof_sbuf_printf(b, "%s %d, %d at %d:%02d%s (%s)", months[tm.tm_mon],
                      tm.tm_mday, tm.tm_year + 1900, hour, tm.tm_min,
                      tm.tm_hour < 12 ? "am" : "pm",
                      tm.tm_zone ? tm.tm_zone : "");
}


static void
pprof_sbuf_filter(pprof_sbuf_t *b, const char *name, const char *re)
{
    size_t  len;

    /* pprof cuts a filter at 80 bytes and adds an ellipsis */
    len = strlen(name) + 1 + strlen(re);

    pprof_sbuf_printf(b, "   %s=", name);

    if (len > 80) {
        pprof_sbuf_add(b, re, 80 - strlen(name) - 1);
        pprof_sbuf_add(b, "\xe2\x80\xa6", 3);

    } else {
        pprof_sbuf_add(b, re, strlen(re));
    }

    pprof_sbuf_add(b, "\n", 1);
}


size_t
pprof_report_labels(const pprof_report_t *report, size_t nodecount,
    char *buf, size_t size)
{
    char                          v[64], t[64], pct[64];
    size_t                        i, n;
    int64_t                       flat_sum;
    pprof_str_t                   base, ns;
    pprof_sbuf_t                  b;
    const pprof_info_t           *info;
    const pprof_profile_t        *pr;
    const pprof_report_info_t    *ri;
    const pprof_value_type_t     *st;
    const pprof_report_options_t *o;

    ri = pprof_report_info(report);
    pr = ri->profile;
    info = &pr->info;
    o = ri->options;
    st = &info->sample_types[ri->sample_index];

    b.buf = buf;
    b.size = size;
    b.len = 0;

    if (info->main_binary.len) {
        /* filepath.Base */
        base = info->main_binary;
        while (base.len > 1 && base.data[base.len - 1] == '/') {
            base.len--;
        }

        for (i = base.len; i > 0 && base.data[i - 1] != '/'; i--) {
            /* void */
        }

        if (base.len > 1 || i == 0) {
            base.data += i;
            base.len -= i;
        }

        pprof_sbuf_add(&b, "File: ", 6);
        pprof_sbuf_add(&b, base.data, base.len);
        pprof_sbuf_add(&b, "\n", 1);
    }

    if (pr->build_id.len) {
        pprof_sbuf_add(&b, "Build ID: ", 10);
        pprof_sbuf_add(&b, pr->build_id.data, pr->build_id.len);
        pprof_sbuf_add(&b, "\n", 1);
    }

    for (i = 0; i < info->ncomments; i++) {
        if (info->comments[i].len && info->comments[i].data[0] == '#') {
            continue;
        }

        pprof_sbuf_add(&b, info->comments[i].data, info->comments[i].len);
        pprof_sbuf_add(&b, "\n", 1);
    }

    if (st->type.len) {
        pprof_sbuf_add(&b, "Type: ", 6);
        pprof_sbuf_add(&b, st->type.data, st->type.len);
        pprof_sbuf_add(&b, "\n", 1);
    }

    if (info->time_nanos != 0) {
        pprof_sbuf_add(&b, "Time: ", 6);
        pprof_sbuf_time(&b, info->time_nanos);
        pprof_sbuf_add(&b, "\n", 1);
    }

    if (info->duration_nanos != 0) {
        double  total_ns;

        pprof_format_value(t, sizeof(t), info->duration_nanos,
                           pprof_cstr("nanoseconds"));
        pprof_report_format_value(report, nodecount, v, sizeof(v), ri->total);

        pct[0] = '\0';
        total_ns = pprof_scale(ri->total, st->unit, pprof_cstr("nanoseconds"),
                               &ns);

        if (pprof_str_is(ns, "ns") && (int64_t) total_ns != 0) {
            pct[0] = '(';
            n = pprof_format_percent(pct + 1, sizeof(pct) - 2,
                                     (int64_t) total_ns,
                                     info->duration_nanos);
            pct[n + 1] = ')';
            pct[n + 2] = '\0';
        }

        pprof_sbuf_printf(&b, "Duration: %s, Total samples = %s %s\n", t, v,
                          pct);
    }

    if ((o->focus && o->focus[0]) || (o->ignore && o->ignore[0])) {
        pprof_sbuf_add(&b, "Active filters:\n", 16);

        if (o->focus && o->focus[0]) {
            pprof_sbuf_filter(&b, "focus", o->focus);
        }

        if (o->ignore && o->ignore[0]) {
            pprof_sbuf_filter(&b, "ignore", o->ignore);
        }
    }

    n = ri->nfunctions;
    if (nodecount && nodecount < n) {
        n = nodecount;
    }

    flat_sum = 0;
    for (i = 0; i < n; i++) {
        flat_sum += ri->functions[i].flat;
    }

    pprof_report_format_value(report, nodecount, v, sizeof(v), flat_sum);
    pprof_report_format_value(report, nodecount, t, sizeof(t), ri->total);
    pprof_format_percent(pct, sizeof(pct), flat_sum, ri->total);

    for (i = 0; pct[i] == ' '; i++) { /* void */ }

    pprof_sbuf_printf(&b, "Showing nodes accounting for %s, %s of %s total\n",
                      v, pct + i, t);

    if (ri->total != 0 && n < ri->nfunctions) {
        pprof_sbuf_printf(&b, "Showing top %zu nodes out of %zu\n", n,
                          ri->nfunctions);
    }

    if (b.len < size) {
        buf[b.len] = '\0';
    }

    return b.len;
}


/* --- renderers --- */

/* "%*s" into p, which has room: -top lines skip vsnprintf */
static char *
pprof_right(char *p, const char *s, size_t width)
{
    size_t  len;

    len = strlen(s);

    if (len < width) {
        memset(p, ' ', width - len);
        p += width - len;
    }

    memcpy(p, s, len);

    return p + len;
}


static int
pprof_render_top(pprof_report_t *report, const pprof_render_options_t *o,
    pprof_out_t *out, pprof_error_t *err)
{
    char                        *labels, *p;
    char                         flat[64], cum[64], fp[64], sp[64], cp[64];
    char                         line[5 * 64 + 8];
    size_t                       i, n, len;
    int64_t                      sum;
    const char                  *inl;
    const pprof_allocator_t     *a;
    const pprof_function_row_t  *row;
    const pprof_report_info_t   *ri;

    ri = pprof_report_info(report);
    a = o->allocator;

    len = pprof_report_labels(report, o->nodecount, NULL, 0);

    labels = pprof_alloc(a, len + 1);
    if (labels == NULL) {
        pprof_set_error(err, "out of memory");
        return PPROF_ERROR;
    }

    pprof_report_labels(report, o->nodecount, labels, len + 1);
    pprof_out_write(out, labels, len);
    pprof_free(a, labels);

    pprof_out_str(out, "      flat  flat%   sum%        cum   cum%\n");

    n = ri->nfunctions;
    if (o->nodecount && o->nodecount < n) {
        n = o->nodecount;
    }

    sum = 0;

    for (i = 0; i < n; i++) {
        row = &ri->functions[i];
        sum += row->flat;

        pprof_report_format_value(report, o->nodecount, flat, sizeof(flat),
                                  row->flat);
        pprof_report_format_value(report, o->nodecount, cum, sizeof(cum),
                                  row->cum);
        pprof_format_percent(fp, sizeof(fp), row->flat, ri->total);
        pprof_format_percent(sp, sizeof(sp), sum, ri->total);
        pprof_format_percent(cp, sizeof(cp), row->cum, ri->total);

        /* "%10s %s %s %10s %s  " */
        p = pprof_right(line, flat, 10);
        *p++ = ' ';
        p = pprof_right(p, fp, 0);
        *p++ = ' ';
        p = pprof_right(p, sp, 0);
        *p++ = ' ';
        p = pprof_right(p, cum, 10);
        *p++ = ' ';
        p = pprof_right(p, cp, 0);
        *p++ = ' ';
        *p++ = ' ';
        pprof_out_write(out, line, (size_t) (p - line));
        pprof_out_write(out, row->name.data, row->name.len);

        inl = pprof_report_inline_label(report, i);
        if (inl[0]) {
            pprof_out_write(out, " ", 1);
            pprof_out_str(out, inl);
        }

        pprof_out_write(out, "\n", 1);
    }

    return PPROF_OK;
}


static void
pprof_json_value_type(pprof_out_t *out, const pprof_value_type_t *vt)
{
    pprof_out_str(out, "{\"type\":");
    pprof_out_json_str(out, vt->type.data, vt->type.len);
    pprof_out_str(out, ",\"unit\":");
    pprof_out_json_str(out, vt->unit.data, vt->unit.len);
    pprof_out_str(out, "}");
}


static int
pprof_render_json(pprof_report_t *report, pprof_out_t *out)
{
    size_t                       i;
    const pprof_info_t          *info;
    const pprof_report_info_t   *ri;
    const pprof_value_type_t    *st;
    const pprof_function_row_t  *row;

    ri = pprof_report_info(report);
    info = &ri->profile->info;
    st = &info->sample_types[ri->sample_index];

    pprof_out_str(out, "{\"sample_types\":[");

    for (i = 0; i < info->nsample_types; i++) {
        if (i) {
            pprof_out_write(out, ",", 1);
        }

        pprof_json_value_type(out, &info->sample_types[i]);
    }

    pprof_out_str(out, "],\"sample_type\":");
    pprof_out_json_str(out, st->type.data, st->type.len);
    pprof_out_str(out, ",\"unit\":");
    pprof_out_json_str(out, st->unit.data, st->unit.len);
    pprof_out_printf(out, ",\"total\":%lld,\"period_type\":",
                     (long long) ri->total);
    pprof_json_value_type(out, &info->period_type);
    pprof_out_printf(out, ",\"period\":%lld,\"time_nanos\":%lld,"
                     "\"duration_nanos\":%lld,\"functions\":[",
                     (long long) info->period, (long long) info->time_nanos,
                     (long long) info->duration_nanos);

    for (i = 0; i < ri->nfunctions; i++) {
        row = &ri->functions[i];

        pprof_out_str(out, i ? ",\n{\"name\":" : "\n{\"name\":");
        pprof_out_json_str(out, row->name.data, row->name.len);
        pprof_out_printf(out, ",\"flat\":%lld,\"cum\":%lld}",
                         (long long) row->flat, (long long) row->cum);
    }

    pprof_out_str(out, "]}\n");

    return PPROF_OK;
}


/* a frame of a folded stack: ';', '%' and control bytes percent-encoded */
static void
pprof_out_frame(pprof_out_t *out, pprof_str_t name)
{
    char    esc[4];
    size_t  i, run;

    static const char  hex[] = "0123456789ABCDEF";

    run = 0;

    for (i = 0; i < name.len; i++) {
        unsigned char  c = (unsigned char) name.data[i];

        if (c >= 0x20 && c != 0x7f && c != ';' && c != '%') {
            run++;
            continue;
        }

        pprof_out_write(out, name.data + i - run, run);
        run = 0;

        esc[0] = '%';
        esc[1] = hex[c >> 4];
        esc[2] = hex[c & 0xf];
        pprof_out_write(out, esc, 3);
    }

    pprof_out_write(out, name.data + name.len - run, run);
}


/* a name pprof_out_frame() writes as it is */
static int
pprof_frame_clean(pprof_str_t name)
{
    size_t         i;
    unsigned char  c;

    for (i = 0; i < name.len; i++) {
        c = (unsigned char) name.data[i];

        if (c < 0x20 || c == 0x7f || c == ';' || c == '%') {
            return 0;
        }
    }

    return 1;
}


static int
pprof_render_collapsed(pprof_report_t *report, const pprof_allocator_t *a,
    pprof_out_t *out, pprof_error_t *err)
{
    char                   num[32], *p;
    size_t                 i, k;
    int64_t                w;
    unsigned char         *clean;
    const uint32_t        *f;
    const pprof_str_t     *name;
    const pprof_stacks_t  *st;

    st = pprof_report_stacks(report, err);
    if (st == NULL) {
        return PPROF_ERROR;
    }

    /* whether a name needs escapes is found once, not once a frame */
    clean = pprof_alloc(a, st->nnames);
    if (clean == NULL) {
        pprof_set_error(err, "out of memory");
        return PPROF_ERROR;
    }

    for (i = 0; i < st->nnames; i++) {
        clean[i] = (unsigned char) pprof_frame_clean(st->names[i]);
    }

    /* the stacks come in the call tree's pre-order, children by name */
    for (i = 0; i < st->nstacks && !out->failed; i++) {
        f = st->stacks[i].frames;

        for (k = 1; k <= f[0]; k++) {
            if (k > 1) {
                pprof_out_write(out, ";", 1);
            }

            name = &st->names[f[k]];

            if (clean[f[k]]) {
                pprof_out_write(out, name->data, name->len);

            } else {
                pprof_out_frame(out, *name);
            }
        }

        w = st->stacks[i].weight;

        if (w <= 0) {
            pprof_out_printf(out, " %lld\n", (long long) w);
            continue;
        }

        /* " %lld\n" of a positive weight, without printf */
        p = num + sizeof(num);
        *--p = '\n';

        do {
            *--p = (char) ('0' + w % 10);
            w /= 10;
        } while (w);

        *--p = ' ';
        pprof_out_write(out, p, (size_t) (num + sizeof(num) - p));
    }

    pprof_free(a, clean);

    return PPROF_OK;
}


static int
pprof_write_discard(void *data, const char *buf, size_t len)
{
    (void) data;
    (void) buf;
    (void) len;

    return 0;
}


int
pprof_render(pprof_report_t *report, const pprof_render_options_t *options,
    pprof_error_t *err)
{
    int                      rc;
    char                    *buf;
    pprof_out_t              out;
    pprof_render_options_t   o;

    o = *options;

    if (o.format == PPROF_FORMAT_RAW) {
        pprof_set_error(err, "format raw is not rendered: the caller sends "
                        "the profile as it came");
        return PPROF_ERROR;
    }

    if (o.allocator == NULL) {
        o.allocator = pprof_report_allocator(report);
    }

    if (o.write == NULL) {
        o.write = pprof_write_discard;
    }

    switch (o.format) {

    case PPROF_FORMAT_HTML:
        return pprof_render_html(report, &o, err);

    case PPROF_FORMAT_FLAMEGRAPH:
        return pprof_render_flamegraph(report, &o, err);

    case PPROF_FORMAT_TOP:
    case PPROF_FORMAT_JSON:
    case PPROF_FORMAT_COLLAPSED:
        break;

    default:
        pprof_set_error(err, "unknown output format %d", o.format);
        return PPROF_ERROR;
    }

    buf = pprof_alloc(o.allocator, PPROF_OUT_SIZE);
    if (buf == NULL) {
        pprof_set_error(err, "out of memory");
        return PPROF_ERROR;
    }

    pprof_out_init(&out, o.write, o.data, buf, PPROF_OUT_SIZE);

    switch (o.format) {

    case PPROF_FORMAT_TOP:
        rc = pprof_render_top(report, &o, &out, err);
        break;

    case PPROF_FORMAT_JSON:
        rc = pprof_render_json(report, &out);
        break;

    default:
        rc = pprof_render_collapsed(report, o.allocator, &out, err);
        break;
    }

    if (pprof_out_flush(&out) != PPROF_OK && rc == PPROF_OK) {
        pprof_set_error(err, "writing the output failed");
        rc = PPROF_ERROR;
    }

    pprof_free(o.allocator, buf);

    return rc;
}
