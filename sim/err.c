/*
 * err.c - error strings and allocation that never returns NULL.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"

const char *sim_strerror(int code)
{
    switch (code) {
    case SIM_OK: return "success";
    case SIM_EINPUT: return "invalid input";
    case SIM_EIO: return "input/output error";
    case SIM_EEXEC: return "external program failed";
    default: return "unknown error";
    }
}

static void *oom(size_t n)
{
    fprintf(stderr, "vsrsim: out of memory (%zu bytes)\n", n);
    abort();
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    return p ? p : oom(n);
}

void *xmalloc_aligned(size_t align, size_t n)
{
    void *p;
    return posix_memalign(&p, align, n ? n : 1) == 0 ? p : oom(n);
}

void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    return p ? p : oom(n * size);
}

void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    return q ? q : oom(n);
}

char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(xmalloc(n), s, n);
}
