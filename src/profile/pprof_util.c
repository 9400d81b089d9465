
/*
 * What every engine file uses and that uses no other: allocation through
 * the caller's allocator, error messages, pprof_str_t helpers, and the one
 * checked compile of regular expressions (the user's focus, ignore and
 * search, and the profile's own drop_frames and keep_frames).
 */


#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pprof_util.h"


void *
pprof_alloc(const pprof_allocator_t *a, size_t size)
{
    return a->alloc(a->data, size ? size : 1);
}


void
pprof_free(const pprof_allocator_t *a, void *p)
{
    if (p != NULL && a->free != NULL) {
        a->free(a->data, p);
    }
}


void *
pprof_alloc_n(const pprof_allocator_t *a, size_t n, size_t size)
{
    if (size != 0 && n > (size_t) -1 / size) {
        return NULL;
    }

    return pprof_alloc(a, n * size);
}


void
pprof_set_error(pprof_error_t *err, const char *fmt, ...)
{
    va_list   args;
    char     *p;

    if (err == NULL) {
        return;
    }

    va_start(args, fmt);
    vsnprintf(err->msg, sizeof(err->msg), fmt, args);
    va_end(args);

    /* one line, printable: messages may quote user input */
    for (p = err->msg; *p; p++) {
        if ((unsigned char) *p < 0x20 || *p == 0x7f) {
            *p = ' ';
        }
    }
}


pprof_str_t
pprof_cstr(const char *s)
{
    pprof_str_t  r;

    r.data = s ? s : "";
    r.len = s ? strlen(s) : 0;

    return r;
}


int
pprof_str_is(pprof_str_t s, const char *c)
{
    size_t  len;

    len = strlen(c);

    return s.len == len && memcmp(s.data, c, len) == 0;
}


int
pprof_str_has_prefix(pprof_str_t s, const char *c)
{
    size_t  len;

    len = strlen(c);

    return s.len >= len && memcmp(s.data, c, len) == 0;
}


int
pprof_fraction(const char *s, double dflt, double *f)
{
    char    *end;
    double   v;

    if (s == NULL || s[0] == '\0') {
        *f = dflt;
        return PPROF_OK;
    }

    /* decimal only: strtod() takes "0x1", Go's ParseFloat does not */
    if (strlen(s) > 32 || !((s[0] >= '0' && s[0] <= '9') || s[0] == '.')
        || strspn(s, "0123456789.eE+-") != strlen(s))
    {
        return PPROF_ERROR;
    }

    v = strtod(s, &end);

    if (*end != '\0' || !(v >= 0.0 && v <= 1.0)) {
        return PPROF_ERROR;
    }

    *f = v;

    return PPROF_OK;
}


int
pprof_str_cmp(pprof_str_t a, pprof_str_t b)
{
    int     rc;
    size_t  n;

    n = a.len < b.len ? a.len : b.len;
    rc = n ? memcmp(a.data, b.data, n) : 0;

    if (rc != 0) {
        return rc;
    }

    return a.len < b.len ? -1 : a.len > b.len;
}


/* --- regular expressions --- */

static int
pprof_regex_check(const char *what, const char *re, pprof_error_t *err)
{
    size_t  i, len;

    len = strlen(re);

    if (len > PPROF_MAX_REGEX) {
        pprof_set_error(err, "%s: regular expression longer than %d bytes",
                        what, PPROF_MAX_REGEX);
        return PPROF_ERROR;
    }

    /* backreferences make matching exponential: refused */
    for (i = 0; i < len; i++) {
        if (re[i] == '\\') {
            if (i + 1 < len && re[i + 1] >= '0' && re[i + 1] <= '9') {
                pprof_set_error(err, "%s: backreferences are not supported",
                                what);
                return PPROF_ERROR;
            }

            i++;
        }
    }

    return PPROF_OK;
}


/*
 * Go's regexp syntax (RE2, as pprof's -focus and the profile's drop_frames
 * take it) translated to glibc's POSIX ERE, matched in the C locale.  What
 * Go refuses is refused with Go's words; what ERE cannot say ((?i) not at
 * the start, (?m), \p classes, non-ASCII in a class) is refused too.
 */

#define PPROF_REGEX_OUT        (8 * PPROF_MAX_REGEX)

typedef struct {
    char          *out;
    size_t         len;
    const char    *err;       /* Go's words, or ours */
    const char    *at;        /* the fragment the error names */
    size_t         at_len;
} pprof_rx_t;


static void
pprof_rx_put(pprof_rx_t *t, const char *s, size_t n)
{
    if (t->err != NULL) {
        return;
    }

    if (t->len + n >= PPROF_REGEX_OUT) {
        t->err = "expression too long once translated";
        t->at = NULL;
        return;
    }

    memcpy(t->out + t->len, s, n);
    t->len += n;
}


static void
pprof_rx_fail(pprof_rx_t *t, const char *msg, const char *at, size_t n)
{
    if (t->err == NULL) {
        t->err = msg;
        t->at = at;
        t->at_len = n;
    }
}


/* a set of bytes as an ERE bracket; NUL never occurs in a name */
static void
pprof_rx_set(pprof_rx_t *t, unsigned char *set)
{
    int   c, lo, neg, n;
    char  ch;

    set[0] = 0;

    for (n = 0, c = 1; c < 256; c++) {
        n += set[c];
    }

    if (n == 0) {
        pprof_rx_put(t, "[^\x01-\xff]", 6);
        return;
    }

    neg = n > 128;

    if (neg) {
        for (c = 1; c < 256; c++) {
            set[c] = !set[c];
        }
    }

    if (!neg && n == 1 && set['^']) {
        pprof_rx_put(t, "\\^", 2);
        return;
    }

    pprof_rx_put(t, neg ? "[^" : "[", neg ? 2 : 1);

    if (set[']']) {
        pprof_rx_put(t, "]", 1);
    }

    if (!neg && set['^'] && set['-'] && n == 2) {
        pprof_rx_put(t, "-^]", 3);
        return;
    }

    for (c = 1; c < 256; c++) {
        if (!set[c] || c == ']' || c == '^' || c == '-') {
            continue;
        }

        for (lo = c; c + 1 < 256 && set[c + 1] && c + 1 != ']'
             && c + 1 != '^' && c + 1 != '-'; c++)
        {
            /* void */
        }

        ch = (char) lo;
        pprof_rx_put(t, &ch, 1);

        if (c - lo >= 2) {
            pprof_rx_put(t, "-", 1);
        }

        if (c > lo) {
            ch = (char) c;
            pprof_rx_put(t, &ch, 1);
        }
    }

    if (set['^']) {
        pprof_rx_put(t, "^", 1);
    }

    if (set['-']) {
        pprof_rx_put(t, "-", 1);
    }

    pprof_rx_put(t, "]", 1);
}


static void
pprof_rx_range(unsigned char *set, int lo, int hi, int neg)
{
    int  c;

    for (c = 0; c < 256; c++) {
        if ((c >= lo && c <= hi) != neg) {
            set[c] = 1;
        }
    }
}


/* \d \s \w and their negations, Go's ASCII meanings; 0: not one */
static int
pprof_rx_perl(unsigned char *set, int c)
{
    int  neg;

    neg = (c == 'D' || c == 'S' || c == 'W');

    switch (c | 0x20) {
    case 'd':
        pprof_rx_range(set, '0', '9', neg);
        return 1;
    case 's':
        if (!neg) {
            set['\t'] = set['\n'] = set['\f'] = set['\r'] = set[' '] = 1;
            return 1;
        }
        pprof_rx_range(set, 0, '\b', 1 - 1);
        pprof_rx_range(set, '\v', '\v', 0);
        pprof_rx_range(set, 0x0e, 0x1f, 0);
        pprof_rx_range(set, '!', 0xff, 0);
        return 1;
    case 'w':
        if (!neg) {
            pprof_rx_range(set, '0', '9', 0);
            pprof_rx_range(set, 'A', 'Z', 0);
            pprof_rx_range(set, 'a', 'z', 0);
            set['_'] = 1;
            return 1;
        }
        pprof_rx_range(set, 0, '/', 0);
        pprof_rx_range(set, ':', '@', 0);
        pprof_rx_range(set, '[', '^', 0);
        pprof_rx_range(set, '`', '`', 0);
        pprof_rx_range(set, '{', 0xff, 0);
        return 1;
    }

    return 0;
}


static int
pprof_rx_hex(int c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }

    c |= 0x20;

    return (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
}


/*
 * One escaped character (p at the backslash): its byte value, or -1 with
 * t->err set; *end past it.
 */
static int
pprof_rx_escape(pprof_rx_t *t, const char *p, const char **end)
{
    int          c, v, d;
    const char  *q;

    c = (unsigned char) p[1];
    *end = p + 2;

    if (c == '\0') {
        pprof_rx_fail(t, "trailing backslash at end of expression", NULL, 0);
        return -1;
    }

    if (c < 0x80 && !(c >= '0' && c <= '9') && !((c | 0x20) >= 'a'
                                                 && (c | 0x20) <= 'z'))
    {
        return c;
    }

    switch (c) {
    case 'a': return '\a';
    case 'f': return '\f';
    case 't': return '\t';
    case 'n': return '\n';
    case 'r': return '\r';
    case 'v': return '\v';
    case 'x':
        q = p + 2;
        v = 0;

        if (*q == '{') {
            for (q++, d = 0; pprof_rx_hex((unsigned char) *q) >= 0; q++, d++) {
                v = v * 16 + pprof_rx_hex((unsigned char) *q);
                if (v > 0x10ffff) {
                    break;
                }
            }

            if (*q != '}' || d == 0 || v > 0x10ffff) {
                break;
            }

            q++;

        } else {
            if (pprof_rx_hex((unsigned char) q[0]) < 0
                || pprof_rx_hex((unsigned char) q[1]) < 0)
            {
                break;
            }

            v = pprof_rx_hex((unsigned char) q[0]) * 16
                + pprof_rx_hex((unsigned char) q[1]);
            q += 2;
        }

        *end = q;

        if (v > 0x7f) {
            pprof_rx_fail(t, "non-ASCII \\x escapes are not supported",
                          p, (size_t) (q - p));
            return -1;
        }

        return v;
    }

    pprof_rx_fail(t, "invalid escape sequence", p, 2);

    return -1;
}


/* a class, p at its '['; returns past its ']' */
static const char *
pprof_rx_class(pprof_rx_t *t, const char *p)
{
    int            lo, hi, neg, first, i;
    size_t         n;
    const char    *start, *q, *e;
    unsigned char  set[256];

    static const struct {
        const char  *name;
        const char  *ranges;   /* pairs */
    } named[] = {
        { "alnum", "09AZaz" }, { "alpha", "AZaz" }, { "ascii", "\x01\x7f" },
        { "blank", "\t\t  " }, { "cntrl", "\x01\x1f\x7f\x7f" },
        { "digit", "09" }, { "graph", "!~" }, { "lower", "az" },
        { "print", " ~" }, { "punct", "!/:@[`{~" },
        { "space", "\t\r  " }, { "upper", "AZ" },
        { "word", "09AZ__az" }, { "xdigit", "09AFaf" },
    };

    memset(set, 0, sizeof(set));
    start = p;
    p++;
    neg = 0;

    if (*p == '^') {
        neg = 1;
        p++;
    }

    for (first = 1; first || *p != ']'; first = 0) {

        if (*p == '\0') {
            pprof_rx_fail(t, "missing closing ]", start, strlen(start));
            return p;
        }

        if (p[0] == '[' && p[1] == ':' && (e = strstr(p + 2, ":]")) != NULL) {
            q = p + 2;
            i = (*q == '^');
            q += i;
            n = (size_t) (e - q);

            for (lo = 0; lo < (int) (sizeof(named) / sizeof(named[0])); lo++) {
                if (strlen(named[lo].name) == n
                    && memcmp(named[lo].name, q, n) == 0)
                {
                    break;
                }
            }

            if (lo == (int) (sizeof(named) / sizeof(named[0]))) {
                pprof_rx_fail(t, "invalid character class range", p,
                              (size_t) (e + 2 - p));
                return p;
            }

            {
                unsigned char  one[256];
                const char    *r;

                memset(one, 0, sizeof(one));

                for (r = named[lo].ranges; *r; r += 2) {
                    pprof_rx_range(one, (unsigned char) r[0],
                                   (unsigned char) r[1], 0);
                }

                for (hi = 0; hi < 256; hi++) {
                    if (one[hi] != i) {
                        set[hi] = 1;
                    }
                }
            }

            p = e + 2;
            continue;
        }

        if (p[0] == '\\' && (p[1] == 'p' || p[1] == 'P')) {
            pprof_rx_fail(t, "Unicode classes (\\p) are not supported", p, 2);
            return p;
        }

        if (p[0] == '\\' && p[1] != '\0' && pprof_rx_perl(set,
                                                  (unsigned char) p[1]))
        {
            p += 2;
            continue;
        }

        q = p;

        for (i = 0; i < 2; i++) {
            if (*p == '\0') {
                pprof_rx_fail(t, "missing closing ]", start, strlen(start));
                return p;
            }

            if (*p == '\\') {
                hi = pprof_rx_escape(t, p, &p);
                if (hi < 0) {
                    return p;
                }

            } else {
                hi = (unsigned char) *p++;
                if (hi >= 0x80) {
                    pprof_rx_fail(t, "non-ASCII characters in a class are "
                                  "not supported", start, strlen(start));
                    return p;
                }
            }

            if (i == 0) {
                lo = hi;

                if (!(p[0] == '-' && p[1] != ']' && p[1] != '\0')) {
                    break;
                }

                p++;
            }
        }

        if (hi < lo) {
            pprof_rx_fail(t, "invalid character class range", q,
                          (size_t) (p - q));
            return p;
        }

        pprof_rx_range(set, lo, hi, 0);
    }

    if (neg) {
        for (i = 0; i < 256; i++) {
            set[i] = !set[i];
        }
    }

    pprof_rx_set(t, set);

    return p + 1;
}


/* {n}, {n,}, {n,m} as Go reads them; 0: a literal '{' */
static int
pprof_rx_count(const char *p, int *min, int *max, const char **end)
{
    int  *v, k;

    p++;

    for (k = 0; k < 2; k++) {
        v = k ? max : min;

        if (!(*p >= '0' && *p <= '9')) {
            if (k == 1) {
                *max = -1;
                break;
            }
            return 0;
        }

        if (p[0] == '0' && p[1] >= '0' && p[1] <= '9') {
            return 0;
        }

        for (*v = 0; *p >= '0' && *p <= '9'; p++) {
            if (*v < 100000) {
                *v = *v * 10 + (*p - '0');
            }
        }

        if (k == 0) {
            if (*p == '}') {
                *max = *min;
                *end = p + 1;
                return 1;
            }

            if (*p != ',') {
                return 0;
            }

            p++;
        }
    }

    if (*p != '}') {
        return 0;
    }

    *end = p + 1;

    return 1;
}


#define PPROF_RX_DEPTH  (PPROF_MAX_REGEX / 2 + 1)

typedef struct {
    size_t        start;      /* its '(' in the output */
    int           dotnl;      /* the enclosing group's (?s) */
    int           weight;     /* the largest product of {n} inside */
} pprof_rx_group_t;


/*
 * Returns the flags to compile with (REG_ICASE for a leading (?i)), or -1
 * with t->err set.
 */
static int
pprof_rx_translate(pprof_rx_t *t, const char *re)
{
    int                c, v, n, on, min, max, icase, newicase, dotnl, newdot;
    int                depth, leading, wrap, weight;
    char               ch, num[32];
    size_t             atom;
    const char        *p, *q, *op, *last_rep;
    unsigned char      set[256];
    pprof_rx_group_t   groups[PPROF_RX_DEPTH];

    icase = 0;
    dotnl = 0;
    depth = 0;
    leading = 1;
    atom = (size_t) -1;        /* where the last repeatable atom starts */
    wrap = 0;                  /* it is an anchor or a rune: a group */
    weight = 1;                /* its nested {n} product */
    groups[0].weight = 1;
    last_rep = NULL;

    for (p = re; *p != '\0' && t->err == NULL; /* void */) {
        c = (unsigned char) *p;
        op = p;
        q = p + 1;
        min = -1;
        max = -1;

        if (c == '*' || c == '+' || c == '?'
            || (c == '{' && pprof_rx_count(p, &min, &max, &q)))
        {
            if (*q == '?') {
                q++;                   /* lazy: the same match or not */
            }

            if (last_rep != NULL) {
                pprof_rx_fail(t, "invalid nested repetition operator",
                              last_rep, (size_t) (q - last_rep));
                break;
            }

            if (atom == (size_t) -1) {
                pprof_rx_fail(t, "missing argument to repetition operator",
                              op, (size_t) (q - op));
                break;
            }

            if (c == '{') {
                n = max >= 0 ? max : min;

                if (min > 1000 || max > 1000 || (max >= 0 && min > max)
                    || (long) n * weight > 1000)
                {
                    pprof_rx_fail(t, "invalid repeat count", op,
                                  (size_t) (q - op));
                    break;
                }

                weight = n ? n * weight : 1;
            }

            if (wrap) {
                pprof_rx_put(t, "(", 1);

                if (t->err == NULL) {
                    memmove(t->out + atom + 1, t->out + atom,
                            t->len - 1 - atom);
                    t->out[atom] = '(';
                }

                pprof_rx_put(t, ")", 1);
            }

            if (c == '{') {
                n = max < 0 ? snprintf(num, sizeof(num), "{%d,}", min)
                    : max == min ? snprintf(num, sizeof(num), "{%d}", min)
                    : snprintf(num, sizeof(num), "{%d,%d}", min, max);
                pprof_rx_put(t, num, (size_t) n);

            } else {
                ch = (char) c;
                pprof_rx_put(t, &ch, 1);
            }

            if (groups[depth].weight < weight) {
                groups[depth].weight = weight;
            }

            last_rep = op;
            p = q;
            continue;
        }

        last_rep = NULL;

        if (c == '(' && p[1] == '?' && p[2] != ':' && p[2] != 'P') {
            /* flags: (?i) (?s) (?U) (?-s) (?s:...) */
            on = 1;
            n = 0;
            newicase = icase;
            newdot = dotnl;

            for (q = p + 2; *q != ')' && *q != ':'; q++) {
                if (*q == '-' && on) {
                    on = 0;
                    n = 0;
                    continue;
                }

                if (*q == '\0' || strchr("imsU", *q) == NULL) {
                    pprof_rx_fail(t, "invalid or unsupported Perl syntax",
                                  p, (size_t) (q + (*q != '\0') - p));
                    return -1;
                }

                if (*q == 'm') {
                    pprof_rx_fail(t, "the flag m is not supported",
                                  p, (size_t) (q + 1 - p));
                    return -1;
                }

                n = 1;
                newicase = (*q == 'i') ? on : newicase;
                newdot = (*q == 's') ? on : newdot;
            }

            if (!on && !n) {
                pprof_rx_fail(t, "invalid or unsupported Perl syntax",
                              p, (size_t) (q + 1 - p));
                return -1;
            }

            if (newicase != icase) {
                if (!leading || *q == ':') {
                    pprof_rx_fail(t, "(?i) not at the start is not "
                                  "supported",
                                  p, (size_t) (q + 1 - p));
                    return -1;
                }

                icase = newicase;
            }

            p = q + 1;

            if (*q == ')') {
                dotnl = newdot;
                continue;
            }

            q = p;
            goto group;
        }

        leading = 0;

        switch (c) {

        case '(':
            q = p + 1;
            newdot = dotnl;

            if (p[1] == '?' && p[2] == ':') {
                q = p + 3;

            } else if (p[1] == '?') {
                /* (?P<name> */
                q = p + 3;

                if (*q++ != '<') {
                    pprof_rx_fail(t, "invalid or unsupported Perl syntax",
                                  p, 3);
                    break;
                }

                for (n = 0; *q == '_' || (*q >= '0' && *q <= '9')
                     || ((*q | 0x20) >= 'a' && (*q | 0x20) <= 'z'); q++, n++)
                {
                    /* void */
                }

                if (*q != '>' || n == 0) {
                    pprof_rx_fail(t, "invalid named capture", p,
                                  (size_t) (q + (*q != '\0') - p));
                    break;
                }

                q++;
            }

        group:

            leading = 0;

            if (depth + 1 >= PPROF_RX_DEPTH) {
                pprof_rx_fail(t, "expression nests too deeply", NULL, 0);
                break;
            }

            depth++;
            groups[depth].start = t->len;
            groups[depth].dotnl = dotnl;
            groups[depth].weight = 1;
            dotnl = newdot;
            atom = (size_t) -1;
            pprof_rx_put(t, "(", 1);
            p = q;
            continue;

        case ')':
            if (depth == 0) {
                pprof_rx_fail(t, "unexpected )", re, strlen(re));
                break;
            }

            pprof_rx_put(t, ")", 1);
            atom = groups[depth].start;
            wrap = 0;
            weight = groups[depth].weight;
            dotnl = groups[depth].dotnl;
            depth--;

            if (groups[depth].weight < weight) {
                groups[depth].weight = weight;
            }

            p++;
            continue;

        case '|':
            pprof_rx_put(t, "|", 1);
            atom = (size_t) -1;
            p++;
            continue;
        }

        if (t->err != NULL) {
            break;
        }

        /* an atom */
        atom = t->len;
        wrap = 0;
        weight = 1;

        switch (c) {

        case '[':
            p = pprof_rx_class(t, p);
            continue;

        case '.':
            pprof_rx_put(t, dotnl ? "." : "[^\n]", dotnl ? 1 : 4);
            p++;
            continue;

        case '^':
        case '$':
            wrap = 1;
            pprof_rx_put(t, p, 1);
            p++;
            continue;

        case '{':
            pprof_rx_put(t, "\\{", 2);
            p++;
            continue;

        case '\\':
            c = (unsigned char) p[1];

            if (c == 'Q') {
                atom = (size_t) -1;

                for (p += 2; *p != '\0'; p++) {
                    if (p[0] == '\\' && p[1] == 'E') {
                        p += 2;
                        break;
                    }

                    if ((unsigned char) *p >= 0x80) {
                        pprof_rx_fail(t, "non-ASCII characters in \\Q...\\E "
                                      "are not supported", NULL, 0);
                        break;
                    }

                    atom = t->len;

                    if (strchr(".[()*+?{|^$\\", *p) != NULL) {
                        pprof_rx_put(t, "\\", 1);
                    }

                    pprof_rx_put(t, p, 1);
                }

                continue;
            }

            if (c == 'A' || c == 'z' || c == 'b' || c == 'B') {
                wrap = 1;

                if (c == 'A' || c == 'z') {
                    pprof_rx_put(t, c == 'A' ? "^" : "$", 1);

                } else {
                    pprof_rx_put(t, c == 'b' ? "\\b" : "\\B", 2);
                }

                p += 2;
                continue;
            }

            if (c == 'p' || c == 'P') {
                pprof_rx_fail(t, "Unicode classes (\\p) are not supported",
                              p, 2);
                break;
            }

            memset(set, 0, sizeof(set));

            if (c != '\0' && pprof_rx_perl(set, c)) {
                pprof_rx_set(t, set);
                p += 2;
                continue;
            }

            v = pprof_rx_escape(t, p, &p);

            if (v <= 0) {
                if (v == 0) {
                    pprof_rx_fail(t, "NUL characters are not supported",
                                  NULL, 0);
                }
                break;
            }

            if (strchr(".[()*+?{|^$\\", v) != NULL) {
                pprof_rx_put(t, "\\", 1);
            }

            ch = (char) v;
            pprof_rx_put(t, &ch, 1);
            continue;
        }

        if (c < 0x80) {
            pprof_rx_put(t, p, 1);
            p++;
            continue;
        }

        /* one UTF-8 rune, checked as Go does */
        n = (c >= 0xf0 && c <= 0xf4) ? 4 : (c >= 0xe0 && c < 0xf0) ? 3
            : (c >= 0xc2 && c < 0xe0) ? 2 : 0;

        for (v = 1; v < n; v++) {
            if (((unsigned char) p[v] & 0xc0) != 0x80) {
                n = 0;
                break;
            }
        }

        if (n == 0) {
            pprof_rx_fail(t, "invalid UTF-8", p, 1);
            break;
        }

        wrap = 1;
        pprof_rx_put(t, p, (size_t) n);
        p += n;
    }

    if (t->err == NULL && depth != 0) {
        pprof_rx_fail(t, "missing closing )", re, strlen(re));
    }

    if (t->err != NULL) {
        return -1;
    }

    t->out[t->len] = '\0';

    return icase ? REG_ICASE : 0;
}


/*
 * Every pattern, whether a user's or a profile's (drop_frames comes from
 * untrusted bytes too), is checked before it is compiled.
 */

int
pprof_regex_compile(regex_t *rx, const char *what, const char *re,
    pprof_error_t *err)
{
    int         rc, flags;
    char        msg[128], out[PPROF_REGEX_OUT];
    pprof_rx_t  t;

    if (pprof_regex_check(what, re, err) != PPROF_OK) {
        return PPROF_ERROR;
    }

    memset(&t, 0, sizeof(pprof_rx_t));
    t.out = out;

    flags = pprof_rx_translate(&t, re);

    if (flags < 0) {
        if (t.at != NULL) {
            pprof_set_error(err, "%s: bad regular expression: %s: `%.*s`",
                            what, t.err, (int) t.at_len, t.at);
        } else {
            pprof_set_error(err, "%s: bad regular expression: %s",
                            what, t.err);
        }

        return PPROF_ERROR;
    }

    rc = regcomp(rx, out, REG_EXTENDED | REG_NOSUB | flags);

    if (rc != 0) {
        if (err != NULL) {
            regerror(rc, rx, msg, sizeof(msg));
            pprof_set_error(err, "%s: bad regular expression: %s", what, msg);
        }

        return PPROF_ERROR;
    }

    return PPROF_OK;
}


/* Go's filepath.Clean (Unix), as pprof cleans a node's file name */
size_t
pprof_clean_path(char *dst, pprof_str_t path)
{
    int      rooted;
    size_t   r, w, dotdot, n;
    const char  *p;

    p = path.data;
    n = path.len;

    if (n == 0) {
        dst[0] = '.';
        return 1;
    }

    rooted = p[0] == '/';
    r = 0;
    w = 0;
    dotdot = 0;

    if (rooted) {
        dst[w++] = '/';
        r = 1;
        dotdot = 1;
    }

    while (r < n) {
        if (p[r] == '/') {
            r++;

        } else if (p[r] == '.' && (r + 1 == n || p[r + 1] == '/')) {
            r++;

        } else if (p[r] == '.' && p[r + 1] == '.'
                   && (r + 2 == n || p[r + 2] == '/'))
        {
            r += 2;

            if (w > dotdot) {
                w--;
                while (w > dotdot && dst[w] != '/') {
                    w--;
                }

            } else if (!rooted) {
                if (w > 0) {
                    dst[w++] = '/';
                }

                dst[w++] = '.';
                dst[w++] = '.';
                dotdot = w;
            }

        } else {
            if ((rooted && w != 1) || (!rooted && w != 0)) {
                dst[w++] = '/';
            }

            while (r < n && p[r] != '/') {
                dst[w++] = p[r++];
            }
        }
    }

    if (w == 0) {
        dst[w++] = '.';
    }

    return w;
}
