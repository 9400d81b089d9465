
/*
 * The engine's leaf of leaves (pprof_util.c): allocation through the
 * caller's allocator, error messages, pprof_str_t helpers and the one
 * checked regex compile.  Every other engine file may use it; it uses
 * none of them.
 */


#ifndef _PPROF_UTIL_H_INCLUDED_
#define _PPROF_UTIL_H_INCLUDED_


#include <regex.h>

#include "pprof.h"


#define PPROF_NONE  ((uint32_t) -1)

#define pprof_nelts(a)  (sizeof(a) / sizeof((a)[0]))


/* size 0 asks for 1 byte; pprof_free(NULL) and pool allocators are fine */
void *pprof_alloc(const pprof_allocator_t *a, size_t size);
void pprof_free(const pprof_allocator_t *a, void *p);
/* n elements of size bytes; NULL when n * size overflows */
void *pprof_alloc_n(const pprof_allocator_t *a, size_t n, size_t size);


/* err may be NULL; control characters become spaces (one line) */
void pprof_set_error(pprof_error_t *err, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;


/* a C string as a pprof_str_t (NULL is ""), and comparisons with one */
pprof_str_t pprof_cstr(const char *s);
int pprof_str_is(pprof_str_t s, const char *c);
int pprof_str_has_prefix(pprof_str_t s, const char *c);
/* a fraction option ("0.005", "0", "1e-3"): a whole decimal number in
 * [0, 1]; NULL or "" is dflt.  PPROF_ERROR when it is not one. */
int pprof_fraction(const char *s, double dflt, double *f);

/* bytewise, a prefix first: < 0, 0 or > 0 like memcmp */
int pprof_str_cmp(pprof_str_t a, pprof_str_t b);


/*
 * The one way patterns are compiled (POSIX ERE, no subexpressions): at
 * most PPROF_MAX_REGEX bytes, no backreferences, which make matching
 * exponential.  what names the pattern in err, which may be NULL.
 */
#define PPROF_MAX_REGEX        512

int pprof_regex_compile(regex_t *rx, const char *what, const char *re,
    pprof_error_t *err);


/* Go's filepath.Clean of path into dst, which holds path.len + 1 bytes
 * ("" is "."); returns the length */
size_t pprof_clean_path(char *dst, pprof_str_t path);


#endif /* _PPROF_UTIL_H_INCLUDED_ */
