/*
 * err.h - error codes and the allocation helpers that abort on OOM.
 *
 * Recoverable errors (bad input, I/O, SQLite) are returned as negative
 * SIM_E* codes with a one-line message in a caller-supplied buffer; running
 * out of memory or breaking an invariant aborts at once.
 */
#ifndef VSRSIM_ERR_H
#define VSRSIM_ERR_H

#include <stddef.h>

enum {
    SIM_OK = 0,
    SIM_EINPUT = -1, /* bad scenario, option or cost model (exit 2) */
    SIM_EIO = -2,    /* file or database I/O failed (exit 1)        */
    SIM_EEXEC = -3,  /* an external program failed (exit 1)         */
};

const char *sim_strerror(int code);

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
/* `align` is a power of two and a multiple of sizeof(void *); free() it. */
void *xmalloc_aligned(size_t align, size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);

#endif
