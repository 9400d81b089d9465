
/*
 * The text formats: the `go tool pprof -top` report (its header printed
 * from the legend), JSON and folded stacks ("a;b;c value").  Each writes
 * to the output buffer pprof_render() gives it.  Uses the layers below
 * (util, out, units, report, legend); nothing here calls back up.
 */


#include <string.h>

#include "pprof_util.h"
#include "pprof_out.h"
#include "pprof_units.h"
#include "pprof_report.h"
#include "pprof_legend.h"
#include "pprof_text.h"


/* --- JSON strings --- */

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


/* a JSON string with its quotes; invalid UTF-8 becomes U+FFFD */
static void
pprof_text_json_str(pprof_out_t *out, const char *s, size_t len)
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


/* --- the -top header, from the legend --- */

static void
pprof_text_filter(pprof_out_t *out, const char *name, pprof_str_t re)
{
    size_t  len;

    /* pprof cuts a filter at 80 bytes and adds an ellipsis */
    len = strlen(name) + 1 + re.len;

    pprof_out_lit(out, "   ");
    pprof_out_str(out, name);
    pprof_out_lit(out, "=");

    if (len > 80) {
        pprof_out_write(out, re.data, 80 - strlen(name) - 1);
        pprof_out_lit(out, "\xe2\x80\xa6");

    } else {
        pprof_out_write(out, re.data, re.len);
    }

    pprof_out_lit(out, "\n");
}


/*
 * The lines of `go tool pprof -top` above the table: "File:", "Build
 * ID:", the comments, "Type:", "Time:", "Duration: ..., Total samples =",
 * "Active filters:", "Showing nodes accounting for ...", "Showing top N
 * nodes out of M".  Values of the table's rows are in the report's one
 * unit; nodecount as in rendering.
 */
static void
pprof_text_header(pprof_report_t *report, size_t nodecount,
    pprof_out_t *out)
{
    char                        v[64], t[64], pct[64];
    size_t                      i, n;
    int64_t                     flat_sum;
    pprof_legend_t              lg;
    const pprof_report_info_t  *ri;

    ri = pprof_report_info(report);
    pprof_report_legend(report, &lg);

    if (lg.file.len) {
        pprof_out_lit(out, "File: ");
        pprof_out_write(out, lg.file.data, lg.file.len);
        pprof_out_lit(out, "\n");
    }

    if (lg.build_id.len) {
        pprof_out_lit(out, "Build ID: ");
        pprof_out_write(out, lg.build_id.data, lg.build_id.len);
        pprof_out_lit(out, "\n");
    }

    for (i = 0; i < lg.ncomments; i++) {
        if (lg.comments[i].len && lg.comments[i].data[0] == '#') {
            continue;
        }

        pprof_out_write(out, lg.comments[i].data, lg.comments[i].len);
        pprof_out_lit(out, "\n");
    }

    if (lg.type.len) {
        pprof_out_lit(out, "Type: ");
        pprof_out_write(out, lg.type.data, lg.type.len);
        pprof_out_lit(out, "\n");
    }

    if (lg.time[0]) {
        pprof_out_lit(out, "Time: ");
        pprof_out_str(out, lg.time);
        pprof_out_lit(out, "\n");
    }

    if (lg.duration[0]) {
        pprof_report_format_value(report, nodecount, v, sizeof(v), lg.total);

        pprof_out_lit(out, "Duration: ");
        pprof_out_str(out, lg.duration);
        pprof_out_lit(out, ", Total samples = ");
        pprof_out_str(out, v);
        pprof_out_lit(out, " ");

        if (lg.total_share[0]) {
            pprof_out_lit(out, "(");
            pprof_out_str(out, lg.total_share);
            pprof_out_lit(out, ")");
        }

        pprof_out_lit(out, "\n");
    }

    if (lg.nfilters) {
        pprof_out_lit(out, "Active filters:\n");

        for (i = 0; i < lg.nfilters; i++) {
            pprof_text_filter(out, lg.filters[i].name, lg.filters[i].value);
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
    pprof_report_format_value(report, nodecount, t, sizeof(t), lg.total);
    pprof_format_percent(pct, sizeof(pct), flat_sum, lg.total);

    for (i = 0; pct[i] == ' '; i++) { /* void */ }

    pprof_out_printf(out, "Showing nodes accounting for %s, %s of %s total\n",
                     v, pct + i, t);

    if (lg.total != 0 && n < ri->nfunctions) {
        pprof_out_printf(out, "Showing top %zu nodes out of %zu\n", n,
                         ri->nfunctions);
    }
}


/* --- the formats --- */

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


#define PPROF_PEEK_SEPARATOR                                                  \
    "----------------------------------------------------------+-------------\n"


/* an edge line of `go tool pprof -peek`: "%50s %s |   %s%s" */
static void
pprof_text_peek_edge(pprof_report_t *report, pprof_out_t *out,
    const pprof_peek_edge_t *e, int64_t cum)
{
    char                        v[64], pct[64];
    const pprof_function_row_t *row;

    row = &pprof_report_info(report)->functions[e->row];

    pprof_report_format_value(report, 0, v, sizeof(v), e->weight);
    pprof_format_percent(pct, sizeof(pct), e->weight, cum);

    pprof_out_printf(out, "%50s %s |   ", v, pct);
    pprof_out_write(out, row->name.data, row->name.len);

    if (e->inl) {
        pprof_out_lit(out, " (inline)");
    }

    pprof_out_lit(out, "\n");
}


/* `go tool pprof -peek RX` (pprof's printTree): the rows matching
 * options->focus, each with its callers above and callees below */
static int
pprof_text_peek(pprof_report_t *report, pprof_out_t *out, pprof_error_t *err)
{
    char                        flat[64], cum[64], fp[64], sp[64], cp[64];
    size_t                      i, j, n;
    int64_t                     sum;
    const pprof_peek_t         *pk;
    const pprof_function_row_t *row;
    const pprof_report_info_t  *ri;

    ri = pprof_report_info(report);

    if (pprof_report_peek(report, &pk, &n, err) != PPROF_OK) {
        return PPROF_ERROR;
    }

    if (n == 0) {
        /* as `go tool pprof -peek` says it */
        pprof_set_error(err, "no matches found for regexp: %.200s",
                        ri->options->focus ? ri->options->focus : "");
        return PPROF_NOMATCH;
    }

    /* peek trims no node: the header and units are those of all rows */
    pprof_text_header(report, 0, out);

    pprof_out_lit(out, PPROF_PEEK_SEPARATOR
                  "      flat  flat%   sum%        cum   cum%   calls calls%"
                  " + context \t \t \n");

    sum = 0;

    for (i = 0; i < n; i++) {
        row = &ri->functions[pk[i].row];

        pprof_out_lit(out, PPROF_PEEK_SEPARATOR);

        for (j = 0; j < pk[i].nin; j++) {
            pprof_text_peek_edge(report, out, &pk[i].in[j], row->cum);
        }

        sum += row->flat;

        pprof_report_format_value(report, 0, flat, sizeof(flat), row->flat);
        pprof_report_format_value(report, 0, cum, sizeof(cum), row->cum);
        pprof_format_percent(fp, sizeof(fp), row->flat, ri->total);
        pprof_format_percent(sp, sizeof(sp), sum, ri->total);
        pprof_format_percent(cp, sizeof(cp), row->cum, ri->total);

        pprof_out_printf(out, "%10s %s %s %10s %s                | ", flat,
                         fp, sp, cum, cp);
        pprof_out_write(out, row->name.data, row->name.len);
        pprof_out_lit(out, "\n");

        for (j = 0; j < pk[i].nout; j++) {
            pprof_text_peek_edge(report, out, &pk[i].out[j], row->cum);
        }
    }

    if (ri->nfunctions) {
        pprof_out_lit(out, PPROF_PEEK_SEPARATOR);
    }

    return PPROF_OK;
}


int
pprof_text_top(pprof_report_t *report, const pprof_render_options_t *o,
    pprof_out_t *out, pprof_error_t *err)
{
    char                        *p;
    char                         flat[64], cum[64], fp[64], sp[64], cp[64];
    char                         line[5 * 64 + 8];
    size_t                       i, n;
    int64_t                      sum;
    const char                  *inl;
    const pprof_function_row_t  *row;
    const pprof_report_info_t   *ri;

    if (o->view == PPROF_VIEW_PEEK) {
        return pprof_text_peek(report, out, err);
    }

    ri = pprof_report_functions(report, 1, err);
    if (ri == NULL) {
        return PPROF_ERROR;
    }

    pprof_text_header(report, o->nodecount, out);

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
    pprof_text_json_str(out, vt->type.data, vt->type.len);
    pprof_out_str(out, ",\"unit\":");
    pprof_text_json_str(out, vt->unit.data, vt->unit.len);
    pprof_out_str(out, "}");
}


int
pprof_text_json(pprof_report_t *report, const pprof_render_options_t *o,
    pprof_out_t *out, pprof_error_t *err)
{
    size_t                       i;
    const pprof_info_t          *info;
    const pprof_report_info_t   *ri;
    const pprof_value_type_t    *st;
    const pprof_function_row_t  *row;

    (void) o;

    ri = pprof_report_functions(report, 0, err);
    if (ri == NULL) {
        return PPROF_ERROR;
    }

    info = pprof_profile_info(ri->profile);
    st = &info->sample_types[ri->sample_index];

    pprof_out_str(out, "{\"sample_types\":[");

    for (i = 0; i < info->nsample_types; i++) {
        if (i) {
            pprof_out_write(out, ",", 1);
        }

        pprof_json_value_type(out, &info->sample_types[i]);
    }

    pprof_out_str(out, "],\"sample_type\":");
    pprof_text_json_str(out, st->type.data, st->type.len);
    pprof_out_str(out, ",\"unit\":");
    pprof_text_json_str(out, st->unit.data, st->unit.len);
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
        pprof_text_json_str(out, row->name.data, row->name.len);
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


int
pprof_text_collapsed(pprof_report_t *report, const pprof_render_options_t *o,
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
    clean = pprof_alloc(o->allocator, st->nnames);
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

        if (pprof_report_info(report)->diff) {
            /* difffolded.pl's "stack before after" */
            pprof_out_printf(out, " %lld %lld\n",
                             (long long) st->stacks[i].base, (long long) w);
            continue;
        }

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

    pprof_free(o->allocator, clean);

    return PPROF_OK;
}
