/*
 * fileio.c - output files that appear whole or not at all (fileio.h).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"

/* Copy the bytes of `from` into the existing `to`. */
static int copy_into(const char *from, const char *to)
{
    FILE *in = fopen(from, "r");
    if (!in)
        return -1;
    FILE *out = fopen(to, "w");
    if (!out) {
        int e = errno;
        fclose(in);
        errno = e;
        return -1;
    }
    char buf[65536];
    size_t n;
    int rc = 0;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        if (fwrite(buf, 1, n, out) != n) {
            rc = -1;
            break;
        }
    int e = errno;
    if (ferror(in))
        rc = -1;
    fclose(in);
    if (fclose(out) != 0)
        rc = -1;
    else
        errno = e;
    return rc;
}

int fileio_replace(const char *part, const char *path)
{
    struct stat st;
    int rc;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
        rc = copy_into(part, path);
    else
        rc = rename(part, path);
    int e = errno;
    unlink(part);
    errno = e;
    return rc;
}

int fileio_writable(const char *path)
{
    struct stat st;
    int exists = stat(path, &st) == 0;
    if (exists && S_ISDIR(st.st_mode)) {
        errno = EISDIR;
        return -1;
    }
    if (exists && !S_ISREG(st.st_mode))
        return 0;
    char part[PATH_MAX];
    snprintf(part, sizeof part, "%s.tmp-%d", path, (int)getpid());
    FILE *f = fopen(part, "w");
    if (!f)
        return -1;
    fclose(f);
    unlink(part);
    return 0;
}
