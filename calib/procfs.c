/*
 * procfs.c - read and parse the /proc and /sys files vsrcal measures with.
 *
 * Each file has a parser of its text and, where vsrcal reads it by path, a
 * reader that builds the path below `root`, reads the whole file and hands
 * the text to the parser. Parsers walk the text with a cursor and never
 * copy lines, so a long line (the "intr" line of /proc/stat, a row of
 * /proc/interrupts on a host with many CPUs) needs no line buffer.
 * Numbers are read digit by digit with an overflow check, never with
 * sscanf, so "12abc", "-1" where a count is expected and 2^64 are all
 * errors rather than silent wrong values.
 *
 * Sizes. A file of /proc reports size 0 and is read until EOF. Readers
 * inside this module grow a heap buffer from 4 KiB up to READ_MAX (1 MiB):
 * enough for /proc/stat or /proc/interrupts on a host with hundreds of
 * CPUs. procfs_read() fills the caller's buffer instead. Either way a file
 * that does not fit is an error, never silently cut.
 *
 * Per-CPU columns of /proc/interrupts and /proc/softirqs are stored by the
 * CPU number in the header ("CPU3" goes to index 3), not by column: the
 * header of /proc/interrupts lists only online CPUs, so after a CPU goes
 * offline column i is no longer CPU i.
 *
 * Errors: one line in `err`, naming the file (its path in the readers, its
 * usual name in the parsers of text) and what was expected there.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "procfs.h"

#define READ_INIT 4096
#define READ_MAX (1024 * 1024)

/* Fields of /proc/PID/task/TID/stat that must be present (guest_time). */
#define STAT_MIN_FIELDS 43

/* ---- Errors, paths and reading whole files ------------------------------ */

static int fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Formats the message into err (when given) and returns -1. errno is kept,
 * so a caller may still look at why open() failed. */
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    int saved = errno;
    va_list ap;

    if (err && errlen > 0) {
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    errno = saved;
    return -1;
}

static int path_vjoin(char *buf, size_t len, const char *root, char *err,
                      size_t errlen, const char *fmt, va_list ap)
    __attribute__((format(printf, 6, 0)));

/* root + "/" + the formatted relative path, with no doubled '/'. NULL or ""
 * root means "/". */
static int path_vjoin(char *buf, size_t len, const char *root, char *err,
                      size_t errlen, const char *fmt, va_list ap)
{
    char rel[PATH_MAX];
    int n = vsnprintf(rel, sizeof rel, fmt, ap);
    const char *r = rel;
    size_t rootlen;

    if (n < 0 || (size_t)n >= sizeof rel)
        return fail(err, errlen, "path below %s is too long",
                    root ? root : "/");
    if (root == NULL || root[0] == '\0')
        root = "/";
    rootlen = strlen(root);
    while (rootlen > 1 && root[rootlen - 1] == '/')
        rootlen--;
    while (*r == '/')
        r++;
    if (rootlen >= len)
        return fail(err, errlen, "%s: path too long", root);
    memcpy(buf, root, rootlen);
    if (root[rootlen - 1] != '/')
        buf[rootlen++] = '/';
    if (rootlen + strlen(r) >= len)
        return fail(err, errlen, "%s/%s: path too long", root, r);
    strcpy(buf + rootlen, r);
    return 0;
}

static int path_join(char *buf, size_t len, const char *root, char *err,
                     size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

static int path_join(char *buf, size_t len, const char *root, char *err,
                     size_t errlen, const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = path_vjoin(buf, len, root, err, errlen, fmt, ap);
    va_end(ap);
    return rc;
}

/* Reads one byte past a full buffer: 1 if the file goes on, 0 at EOF. */
static int has_more(int fd)
{
    char c;
    ssize_t r;

    do
        r = read(fd, &c, 1);
    while (r < 0 && errno == EINTR);
    return r != 0;
}

/*
 * Reads all of `path` into *buf and NUL-terminates it. With grow 0, *buf is
 * the caller's buffer of `cap` bytes; with grow 1, *buf is NULL on entry and
 * is allocated, doubling from `cap` up to READ_MAX bytes, and the caller
 * frees it (also on error: it is then NULL). Returns the number of bytes
 * before the NUL, or -1 (errno from open() when the file is missing).
 */
static long read_whole(const char *path, char **buf, size_t cap, int grow,
                       char *err, size_t errlen)
{
    size_t n = 0;
    int fd;

    if (cap == 0) {
        errno = EINVAL;
        return fail(err, errlen, "%s: no room to read into", path);
    }
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return fail(err, errlen, "%s: cannot open: %s", path, strerror(errno));
    if (grow)
        *buf = xmalloc(cap);
    for (;;) {
        ssize_t r;
        if (n == cap - 1) {
            if (!grow || cap >= READ_MAX) {
                if (!has_more(fd))
                    break;
                close(fd);
                if (grow) {
                    free(*buf);
                    *buf = NULL;
                }
                errno = EFBIG;
                return fail(err, errlen, "%s: larger than %zu bytes", path,
                            cap - 1);
            }
            cap = cap * 2 > READ_MAX ? READ_MAX : cap * 2;
            *buf = xrealloc(*buf, cap);
        }
        r = read(fd, *buf + n, cap - 1 - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            int e = errno;
            close(fd);
            if (grow) {
                free(*buf);
                *buf = NULL;
            }
            errno = e;
            return fail(err, errlen, "%s: cannot read: %s", path, strerror(e));
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    close(fd);
    (*buf)[n] = '\0';
    return (long)n;
}

/* read_whole() into a new buffer; NULL on error. */
static char *slurp(const char *path, size_t *len, char *err, size_t errlen)
{
    char *buf = NULL;
    long n = read_whole(path, &buf, READ_INIT, 1, err, errlen);

    if (n < 0)
        return NULL;
    if (len)
        *len = (size_t)n;
    return buf;
}

long procfs_read(const char *root, const char *path, char *buf, size_t len,
                 char *err, size_t errlen)
{
    char full[PATH_MAX];

    if (path_join(full, sizeof full, root, err, errlen, "%s", path) < 0)
        return -1;
    return read_whole(full, &buf, len, 0, err, errlen);
}

/* ---- Scanning text ------------------------------------------------------ */

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* End of a field: a blank, the end of the line or of the text. */
static int is_end(char c)
{
    return is_blank(c) || c == '\n' || c == '\0';
}

static int is_eol(char c)
{
    return c == '\n' || c == '\0';
}

static const char *skip_blanks(const char *p)
{
    while (is_blank(*p))
        p++;
    return p;
}

static const char *skip_token(const char *p)
{
    while (!is_end(*p))
        p++;
    return p;
}

/* The line after the one p is in, or NULL after the last line. */
static const char *next_line(const char *p)
{
    const char *nl = strchr(p, '\n');

    return nl ? nl + 1 : NULL;
}

/* Decimal digits at *pp into *v, moving *pp past them. -1 without a digit
 * or when the value does not fit in 64 bits. */
static int scan_u64(const char **pp, uint64_t *v)
{
    const char *p = *pp;
    uint64_t x = 0;

    if (!isdigit((unsigned char)*p))
        return -1;
    for (; isdigit((unsigned char)*p); p++) {
        unsigned d = (unsigned)(*p - '0');
        if (x > (UINT64_MAX - d) / 10)
            return -1;
        x = x * 10 + d;
    }
    *v = x;
    *pp = p;
    return 0;
}

/* A whole blank-separated unsigned field: blanks, digits, then the end of
 * the field. */
static int field_u64(const char **pp, uint64_t *v)
{
    const char *p = skip_blanks(*pp);

    if (scan_u64(&p, v) < 0 || !is_end(*p))
        return -1;
    *pp = p;
    return 0;
}

/* `p` matches the literal `lit`: moves *pp past it. */
static int expect(const char **pp, const char *lit)
{
    size_t n = strlen(lit);

    if (strncmp(*pp, lit, n) != 0)
        return -1;
    *pp += n;
    return 0;
}

/* The token at p (after blanks), quoted for an error message. */
static const char *excerpt(const char *p, char *buf, size_t len)
{
    const char *s = skip_blanks(p);
    size_t n = (size_t)(skip_token(s) - s);

    if (n == 0) {
        snprintf(buf, len, "%s", *s == '\0' ? "end of text" : "end of line");
        return buf;
    }
    if (n > 24)
        n = 24;
    snprintf(buf, len, "'%.*s'", (int)n, s);
    return buf;
}

/* Copies at most len-1 bytes of [s, e) to buf, blanks at the end dropped. */
static void copy_trimmed(char *buf, size_t len, const char *s, const char *e)
{
    size_t n;

    while (e > s && (is_blank(e[-1]) || e[-1] == '\n'))
        e--;
    n = (size_t)(e - s);
    if (n >= len)
        n = len - 1;
    memcpy(buf, s, n);
    buf[n] = '\0';
}

static int positive_id(int id)
{
    return id > 0;
}

/* ---- /proc/PID/task/TID/stat ------------------------------------------- */

static const char *stat_field_name(int f)
{
    switch (f) {
    case 4:
        return "ppid";
    case 5:
        return "pgrp";
    case 14:
        return "utime";
    case 15:
        return "stime";
    case 22:
        return "starttime";
    case 39:
        return "processor";
    case 40:
        return "rt_priority";
    case 41:
        return "policy";
    case 43:
        return "guest_time";
    default:
        return NULL;
    }
}

/* Stores field f (4..43) of the stat line, already known to be a number. */
static int stat_store(struct task_stat *out, int f, uint64_t v)
{
    switch (f) {
    case 4:
        if (v > INT_MAX)
            return -1;
        out->ppid = (int)v;
        break;
    case 5:
        if (v > INT_MAX)
            return -1;
        out->pgrp = (int)v;
        break;
    case 14:
        out->utime = v;
        break;
    case 15:
        out->stime = v;
        break;
    case 22:
        out->starttime = v;
        break;
    case 39:
        if (v > INT_MAX)
            return -1;
        out->processor = (int)v;
        break;
    case 40:
        if (v > UINT_MAX)
            return -1;
        out->rt_priority = (unsigned)v;
        break;
    case 41:
        if (v > UINT_MAX)
            return -1;
        out->policy = (unsigned)v;
        break;
    case 43:
        out->guest_time = v;
        break;
    default:
        break;
    }
    return 0;
}

/* Fields 4 to 43, after the state letter. Fields not kept are checked to be
 * integers (some, like tpgid, may be -1); kept ones must not be negative.
 * Fields after 43 are not looked at. */
static int stat_fields(const char *p, const char *what, struct task_stat *out,
                       char *err, size_t errlen)
{
    char tok[32];

    for (int f = 4; f <= STAT_MIN_FIELDS; f++) {
        const char *name = stat_field_name(f), *start;
        uint64_t v;
        int neg;

        p = skip_blanks(p);
        if (is_eol(*p))
            return fail(err, errlen,
                        "%s: line ends after %d fields, expected at least %d",
                        what, f - 1, STAT_MIN_FIELDS);
        start = p;
        neg = *p == '-';
        if (neg)
            p++;
        if (scan_u64(&p, &v) < 0 || !is_end(*p))
            return fail(err, errlen,
                        "%s: field %d%s%s%s: expected a number, "
                        "found %s",
                        what, f, name ? " (" : "", name ? name : "",
                        name ? ")" : "", excerpt(start, tok, sizeof tok));
        if (name && (neg || stat_store(out, f, v) < 0))
            return fail(err, errlen, "%s: field %d (%s): %s is out of range",
                        what, f, name, excerpt(start, tok, sizeof tok));
    }
    return 0;
}

static int parse_task_stat(const char *text, const char *what,
                           struct task_stat *out, char *err, size_t errlen)
{
    const char *p = skip_blanks(text), *open, *close;
    char tok[32];
    uint64_t v;
    size_t n;

    memset(out, 0, sizeof *out);
    if (scan_u64(&p, &v) < 0 || v == 0 || v > INT_MAX)
        return fail(err, errlen, "%s: expected a thread id first, found %s",
                    what, excerpt(text, tok, sizeof tok));
    out->tid = (int)v;
    if (p[0] != ' ' || p[1] != '(')
        return fail(err, errlen,
                    "%s: expected ' (' and the thread name after the id %d",
                    what, out->tid);
    open = p + 1;
    /* The name may itself hold ')': it ends at the last one. */
    close = strrchr(open, ')');
    if (close == NULL)
        return fail(err, errlen, "%s: no ')' closing the thread name", what);
    n = (size_t)(close - open - 1);
    if (n >= sizeof out->comm)
        n = sizeof out->comm - 1;
    memcpy(out->comm, open + 1, n);
    out->comm[n] = '\0';
    p = close + 1;
    if (p[0] != ' ' || !isalpha((unsigned char)p[1]) || !is_blank(p[2]))
        return fail(err, errlen,
                    "%s: expected a state letter after the thread name, "
                    "found %s",
                    what, excerpt(p, tok, sizeof tok));
    out->state = p[1];
    return stat_fields(p + 2, what, out, err, errlen);
}

int procfs_parse_task_stat(const char *text, struct task_stat *out, char *err,
                           size_t errlen)
{
    return parse_task_stat(text, "stat", out, err, errlen);
}

int procfs_task_stat(const char *root, int pid, int tid, struct task_stat *out,
                     char *err, size_t errlen)
{
    char path[PATH_MAX], *text;
    int rc;

    memset(out, 0, sizeof *out);
    if (!positive_id(pid) || !positive_id(tid))
        return fail(err, errlen, "task stat: invalid pid %d or tid %d", pid,
                    tid);
    if (path_join(path, sizeof path, root, err, errlen, "proc/%d/task/%d/stat",
                  pid, tid) < 0)
        return -1;
    text = slurp(path, NULL, err, errlen);
    if (text == NULL)
        return -1;
    rc = parse_task_stat(text, path, out, err, errlen);
    free(text);
    if (rc == 0 && out->tid != tid)
        return fail(err, errlen, "%s: holds thread %d, expected %d", path,
                    out->tid, tid);
    return rc;
}

/* ---- /proc/PID/task/TID/schedstat -------------------------------------- */

static int parse_schedstat(const char *text, const char *what,
                           struct task_schedstat *out, char *err, size_t errlen)
{
    uint64_t v[3];
    const char *p = text;
    char tok[32];

    memset(out, 0, sizeof *out);
    for (int i = 0; i < 3; i++)
        if (field_u64(&p, &v[i]) < 0)
            return fail(err, errlen,
                        "%s: expected 3 numbers (run ns, wait "
                        "ns, slices), found %s as number %d",
                        what, excerpt(p, tok, sizeof tok), i + 1);
    p = skip_blanks(p);
    if (*p == '\n')
        p++;
    if (*p != '\0')
        return fail(err, errlen, "%s: expected 3 numbers, found more: %s", what,
                    excerpt(p, tok, sizeof tok));
    out->run_ns = v[0];
    out->wait_ns = v[1];
    out->slices = v[2];
    return 0;
}

int procfs_parse_schedstat(const char *text, struct task_schedstat *out,
                           char *err, size_t errlen)
{
    return parse_schedstat(text, "schedstat", out, err, errlen);
}

int procfs_task_schedstat(const char *root, int pid, int tid,
                          struct task_schedstat *out, char *err, size_t errlen)
{
    char path[PATH_MAX], *text;
    int rc;

    memset(out, 0, sizeof *out);
    if (!positive_id(pid) || !positive_id(tid))
        return fail(err, errlen, "schedstat: invalid pid %d or tid %d", pid,
                    tid);
    if (path_join(path, sizeof path, root, err, errlen,
                  "proc/%d/task/%d/schedstat", pid, tid) < 0)
        return -1;
    text = slurp(path, NULL, err, errlen);
    if (text == NULL)
        return -1;
    rc = parse_schedstat(text, path, out, err, errlen);
    free(text);
    return rc;
}

/* ---- /proc/PID/task/TID/sched ------------------------------------------ */

/* The value of the line named `name` (the whole name) into *out. */
static int sched_field(const char *text, const char *what, const char *name,
                       uint64_t *out, char *err, size_t errlen)
{
    char tok[32];

    *out = 0;
    for (const char *p = text; p; p = next_line(p)) {
        if (expect(&p, name) < 0 || (!is_end(*p) && *p != ':'))
            continue; /* another line, or a longer name */
        p = skip_blanks(p);
        if (expect(&p, ":") < 0 || field_u64(&p, out) < 0 ||
            !is_eol(*skip_blanks(p)))
            return fail(err, errlen, "%s: %s: expected ': N', found %s", what,
                        name, excerpt(p, tok, sizeof tok));
        return 0;
    }
    return fail(err, errlen, "%s: no '%s' line", what, name);
}

static int parse_sched(const char *text, const char *what,
                       struct task_sched *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (sched_field(text, what, "se.nr_migrations", &out->migrations, err,
                    errlen) < 0 ||
        sched_field(text, what, "nr_voluntary_switches", &out->voluntary, err,
                    errlen) < 0 ||
        sched_field(text, what, "nr_involuntary_switches", &out->involuntary,
                    err, errlen) < 0) {
        memset(out, 0, sizeof *out);
        return -1;
    }
    return 0;
}

int procfs_parse_sched(const char *text, struct task_sched *out, char *err,
                       size_t errlen)
{
    return parse_sched(text, "sched", out, err, errlen);
}

int procfs_task_sched(const char *root, int pid, int tid,
                      struct task_sched *out, char *err, size_t errlen)
{
    char path[PATH_MAX], *text;
    int rc;

    memset(out, 0, sizeof *out);
    if (!positive_id(pid) || !positive_id(tid))
        return fail(err, errlen, "sched: invalid pid %d or tid %d", pid, tid);
    if (path_join(path, sizeof path, root, err, errlen,
                  "proc/%d/task/%d/sched", pid, tid) < 0)
        return -1;
    text = slurp(path, NULL, err, errlen);
    if (text == NULL)
        return -1;
    rc = parse_sched(text, path, out, err, errlen);
    free(text);
    return rc;
}

/* ---- /proc/TID/status --------------------------------------------------- */

static int parse_tgid(const char *text, const char *what, int *tgid, char *err,
                      size_t errlen)
{
    char tok[32];

    *tgid = 0;
    for (const char *p = text; p; p = next_line(p)) {
        uint64_t v;
        if (expect(&p, "Tgid:") < 0)
            continue;
        if (field_u64(&p, &v) < 0 || v == 0 || v > INT_MAX ||
            !is_eol(*skip_blanks(p)))
            return fail(err, errlen,
                        "%s: Tgid: expected a process id, found %s", what,
                        excerpt(p, tok, sizeof tok));
        *tgid = (int)v;
        return 0;
    }
    return fail(err, errlen, "%s: no 'Tgid:' line", what);
}

int procfs_parse_status_tgid(const char *text, int *tgid, char *err,
                             size_t errlen)
{
    return parse_tgid(text, "status", tgid, err, errlen);
}

int procfs_tgid(const char *root, int tid, int *tgid, char *err, size_t errlen)
{
    char path[PATH_MAX], *text;
    int rc;

    *tgid = 0;
    if (!positive_id(tid))
        return fail(err, errlen, "status: invalid tid %d", tid);
    if (path_join(path, sizeof path, root, err, errlen, "proc/%d/status", tid) <
        0)
        return -1;
    text = slurp(path, NULL, err, errlen);
    if (text == NULL)
        return -1;
    rc = parse_tgid(text, path, tgid, err, errlen);
    free(text);
    return rc;
}

/* ---- Listing /proc and /proc/PID/task ---------------------------------- */

/* A directory entry named by a positive decimal int, else 0. */
static int numeric_name(const char *name)
{
    const char *p = name;
    uint64_t v;

    if (name[0] == '0' || scan_u64(&p, &v) < 0 || *p != '\0' || v > INT_MAX)
        return 0;
    return (int)v;
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;

    return (x > y) - (x < y);
}

/* Is the entry a directory (not a symlink)? d_type when the file system
 * gives it, else lstat. */
static int entry_is_dir(int dfd, const struct dirent *de)
{
    struct stat st;

    if (de->d_type != DT_UNKNOWN)
        return de->d_type == DT_DIR;
    return fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
           S_ISDIR(st.st_mode);
}

/*
 * Numeric subdirectories of `path`, ascending; the `max` smallest go into
 * ids. Symlinks are skipped: /proc lists processes as directories, and a
 * fixture may stand for a thread's hidden /proc/TID by a symlink.
 */
static int list_numeric(const char *path, int *ids, int max, char *err,
                        size_t errlen)
{
    DIR *d;
    struct dirent *de;
    int *all = NULL, n = 0, cap = 0;

    if (max < 0)
        return fail(err, errlen, "%s: negative maximum %d", path, max);
    d = opendir(path);
    if (d == NULL)
        return fail(err, errlen, "%s: cannot list: %s", path, strerror(errno));
    for (errno = 0; (de = readdir(d)) != NULL; errno = 0) {
        int id = numeric_name(de->d_name);
        if (id == 0 || !entry_is_dir(dirfd(d), de))
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            all = xrealloc(all, (size_t)cap * sizeof *all);
        }
        all[n++] = id;
    }
    if (errno != 0) {
        int e = errno;
        closedir(d);
        free(all);
        return fail(err, errlen, "%s: cannot list: %s", path, strerror(e));
    }
    closedir(d);
    if (n > 0)
        qsort(all, (size_t)n, sizeof *all, cmp_int);
    if (n > max)
        n = max;
    if (n > 0)
        memcpy(ids, all, (size_t)n * sizeof *ids);
    free(all);
    return n;
}

int procfs_list_tasks(const char *root, int pid, int *tids, int max, char *err,
                      size_t errlen)
{
    char path[PATH_MAX];

    if (!positive_id(pid))
        return fail(err, errlen, "task list: invalid pid %d", pid);
    if (path_join(path, sizeof path, root, err, errlen, "proc/%d/task", pid) <
        0)
        return -1;
    return list_numeric(path, tids, max, err, errlen);
}

int procfs_list_pids(const char *root, int *pids, int max, char *err,
                     size_t errlen)
{
    char path[PATH_MAX];

    if (path_join(path, sizeof path, root, err, errlen, "proc") < 0)
        return -1;
    return list_numeric(path, pids, max, err, errlen);
}

/* ---- /proc/PID/task/TID/cgroup ------------------------------------------ */

int procfs_parse_cgroup(const char *text, char *ctl, size_t ctllen, char *out,
                        size_t len, char *err, size_t errlen)
{
    const char *v2 = NULL, *v1 = NULL, *v1ctl = NULL;
    for (const char *line = text; *line;) {
        const char *eol = strchr(line, '\n');
        if (!eol)
            eol = line + strlen(line);
        const char *c1 = memchr(line, ':', (size_t)(eol - line));
        const char *c2 = c1 ? memchr(c1 + 1, ':', (size_t)(eol - c1 - 1))
                            : NULL;
        if (c2 && c1 == line + 1 && line[0] == '0' && c2 == c1 + 1)
            v2 = c2 + 1;
        for (const char *p = c1 ? c1 + 1 : eol; c2 && p < c2;) {
            const char *q = memchr(p, ',', (size_t)(c2 - p)); /* cpu,cpuacct */
            if (!q)
                q = c2;
            if (q - p == 3 && memcmp(p, "cpu", 3) == 0 && !v1) {
                v1 = c2 + 1;
                v1ctl = c1 + 1;
            }
            p = q + 1;
        }
        line = *eol ? eol + 1 : eol;
    }
    const char *p = v1 ? v1 : v2;
    if (!p)
        return fail(err, errlen, "cgroup: no line of the cpu controller");
    size_t n = v1 ? (size_t)(v1 - 1 - v1ctl) : 0;
    if (ctl && n >= ctllen)
        return fail(err, errlen, "cgroup: controllers '%.*s' do not fit",
                    (int)n, v1ctl);
    if (ctl) {
        memcpy(ctl, v1ctl ? v1ctl : "", n);
        ctl[n] = '\0';
    }
    while (*p == '/')
        p++;
    n = strcspn(p, "\n");
    if (n >= len)
        return fail(err, errlen,
                    "cgroup: a path of %zu bytes does not fit in %zu", n,
                    len - 1);
    memcpy(out, p, n);
    out[n] = '\0';
    return 0;
}

int procfs_task_cgroup(const char *root, int pid, int tid, char *ctl,
                       size_t ctllen, char *out, size_t len, char *err,
                       size_t errlen)
{
    char path[64], text[4096];
    snprintf(path, sizeof path, "proc/%d/task/%d/cgroup", pid, tid);
    if (procfs_read(root, path, text, sizeof text, err, errlen) < 0)
        return -1;
    return procfs_parse_cgroup(text, ctl, ctllen, out, len, err, errlen);
}

/* ---- /proc/PID/cmdline -------------------------------------------------- */

int procfs_cmdline(const char *root, int pid, char *buf, size_t len, char *err,
                   size_t errlen)
{
    char path[PATH_MAX], *text;
    size_t n;

    if (len == 0)
        return fail(err, errlen, "cmdline: no room for the result");
    buf[0] = '\0';
    if (!positive_id(pid))
        return fail(err, errlen, "cmdline: invalid pid %d", pid);
    if (path_join(path, sizeof path, root, err, errlen, "proc/%d/cmdline",
                  pid) < 0)
        return -1;
    text = slurp(path, &n, err, errlen);
    if (text == NULL)
        return -1;
    if (n > 0 && text[n - 1] == '\0')
        n--;
    if (n >= len) {
        free(text);
        return fail(err, errlen, "%s: %zu bytes do not fit in %zu", path, n,
                    len - 1);
    }
    for (size_t i = 0; i < n; i++)
        buf[i] = text[i] == '\0' ? ' ' : text[i];
    buf[n] = '\0';
    free(text);
    return 0;
}

/* ---- /proc/stat --------------------------------------------------------- */

/* One "cpuN ..." line of /proc/stat. */
static int cpu_line(const char *line, const char *what, struct cpu_times *c,
                    char *err, size_t errlen)
{
    const char *p = line + 3;
    uint64_t v[10], cpu;
    char tok[32];

    if (scan_u64(&p, &cpu) < 0 || cpu > INT_MAX || !is_blank(*p))
        return fail(err, errlen,
                    "%s: expected 'cpuN' with a CPU number, "
                    "found %s",
                    what, excerpt(line, tok, sizeof tok));
    for (int i = 0; i < 10; i++)
        if (field_u64(&p, &v[i]) < 0)
            return fail(err, errlen,
                        "%s: cpu%d: expected 10 tick counts, found %s as "
                        "count %d",
                        what, (int)cpu, excerpt(p, tok, sizeof tok), i + 1);
    c->cpu = (int)cpu;
    c->user = v[0];
    c->nice = v[1];
    c->system = v[2];
    c->idle = v[3];
    c->iowait = v[4];
    c->irq = v[5];
    c->softirq = v[6];
    c->steal = v[7];
    c->guest = v[8];
    c->guest_nice = v[9];
    return 0;
}

static int parse_cpu_times(const char *text, const char *what,
                           struct cpu_times *out, int max, char *err,
                           size_t errlen)
{
    int n = 0, seen = 0;

    if (max < 0)
        return fail(err, errlen, "%s: negative maximum %d", what, max);
    for (const char *p = text; p && n < max; p = next_line(p)) {
        /* "cpu " is the sum over CPUs; only "cpuN" lines are kept. */
        if (strncmp(p, "cpu", 3) != 0 || !isdigit((unsigned char)p[3]))
            continue;
        seen = 1;
        if (cpu_line(p, what, &out[n], err, errlen) < 0)
            return -1;
        n++;
    }
    if (!seen && max > 0)
        return fail(err, errlen, "%s: no 'cpuN' lines", what);
    return n;
}

int procfs_parse_cpu_times(const char *text, struct cpu_times *out, int max,
                           char *err, size_t errlen)
{
    return parse_cpu_times(text, "/proc/stat", out, max, err, errlen);
}

int procfs_cpu_times(const char *root, struct cpu_times *out, int max,
                     char *err, size_t errlen)
{
    char path[PATH_MAX], *text;
    int rc;

    if (path_join(path, sizeof path, root, err, errlen, "proc/stat") < 0)
        return -1;
    text = slurp(path, NULL, err, errlen);
    if (text == NULL)
        return -1;
    rc = parse_cpu_times(text, path, out, max, err, errlen);
    free(text);
    return rc;
}

/* ---- /proc/softirqs and /proc/interrupts -------------------------------- */

/*
 * The header line "CPU0 CPU1 ..." of both files: col_cpu[i] gets the CPU
 * number of column i. CPU numbers must rise and be below `limit` (the room
 * the caller has per CPU). Returns the number of columns, or -1.
 */
static int cpu_header(const char *line, const char *what, int *col_cpu,
                      int limit, char *err, size_t errlen)
{
    const char *p = skip_blanks(line);
    char tok[32];
    int ncols = 0;

    while (!is_eol(*p)) {
        uint64_t cpu;
        const char *start = p;
        if (expect(&p, "CPU") < 0 || scan_u64(&p, &cpu) < 0 || !is_end(*p))
            return fail(err, errlen,
                        "%s: header: expected CPU columns "
                        "'CPU0 CPU1 ...', found %s",
                        what, excerpt(start, tok, sizeof tok));
        if (cpu >= (uint64_t)limit)
            return fail(err, errlen,
                        "%s: header: CPU%llu is beyond the %d "
                        "CPUs this reader handles",
                        what, (unsigned long long)cpu, limit);
        if (ncols > 0 && (int)cpu <= col_cpu[ncols - 1])
            return fail(err, errlen,
                        "%s: header: CPU%d after CPU%d, "
                        "expected rising numbers",
                        what, (int)cpu, col_cpu[ncols - 1]);
        col_cpu[ncols++] = (int)cpu;
        p = skip_blanks(p);
    }
    if (ncols == 0)
        return fail(err, errlen, "%s: header: no CPU columns", what);
    return ncols;
}

/* The first line that is not empty. */
static const char *first_line(const char *text)
{
    const char *p = text;

    while (p && *skip_blanks(p) == '\n')
        p = next_line(p);
    return p ? p : text;
}

/* Per-CPU counts after "NAME:", one per header column, stored by CPU
 * number. p is just after the ':'; on return it is after the counts. */
static int row_counts(const char **pp, const char *what, const char *row,
                      const int *col_cpu, int ncols, uint64_t *by_cpu,
                      char *err, size_t errlen)
{
    char tok[32];

    for (int i = 0; i < ncols; i++) {
        uint64_t v;
        if (field_u64(pp, &v) < 0)
            return fail(err, errlen,
                        "%s: %s: expected %d per-CPU counts, "
                        "found %s as count %d",
                        what, row, ncols, excerpt(*pp, tok, sizeof tok), i + 1);
        by_cpu[col_cpu[i]] = v;
    }
    return 0;
}

static int parse_softirqs(const char *text, const char *what,
                          const char *vector, uint64_t *per_cpu, int max,
                          char *err, size_t errlen)
{
    int col_cpu[PROCFS_MAX_CPUS], ncols, limit;
    size_t vlen = strlen(vector);
    const char *p;
    char tok[32];

    if (vlen == 0)
        return fail(err, errlen, "%s: empty softirq name", what);
    if (max <= 0)
        return fail(err, errlen, "%s: no room for per-CPU counts", what);
    limit = max < PROCFS_MAX_CPUS ? max : PROCFS_MAX_CPUS;
    p = first_line(text);
    ncols = cpu_header(p, what, col_cpu, limit, err, errlen);
    if (ncols < 0)
        return -1;
    for (p = next_line(p); p; p = next_line(p)) {
        const char *q = skip_blanks(p);
        if (strncmp(q, vector, vlen) != 0 || q[vlen] != ':')
            continue;
        q += vlen + 1;
        memset(per_cpu, 0, (size_t)max * sizeof *per_cpu);
        if (row_counts(&q, what, vector, col_cpu, ncols, per_cpu, err, errlen) <
            0)
            return -1;
        if (!is_eol(*skip_blanks(q)))
            return fail(err, errlen,
                        "%s: %s: expected %d per-CPU counts, "
                        "found more: %s",
                        what, vector, ncols, excerpt(q, tok, sizeof tok));
        return col_cpu[ncols - 1] + 1;
    }
    return fail(err, errlen, "%s: no row for softirq %s", what, vector);
}

int procfs_parse_softirqs(const char *text, const char *vector,
                          uint64_t *per_cpu, int max, char *err, size_t errlen)
{
    return parse_softirqs(text, "/proc/softirqs", vector, per_cpu, max, err,
                          errlen);
}

static int is_word_sep(char c)
{
    return is_blank(c) || c == ',' || c == '\n' || c == '\0';
}

/* `dev` occurs in actions [a, a+n) as a whole word (words end at blanks
 * and commas) or as a word's prefix followed by '-'. */
static int actions_match(const char *a, size_t n, const char *dev)
{
    size_t dlen = strlen(dev);

    for (size_t i = 0; i + dlen <= n; i++) {
        char after = i + dlen < n ? a[i + dlen] : '\0';
        if (i > 0 && !is_word_sep(a[i - 1]))
            continue;
        if (memcmp(a + i, dev, dlen) == 0 &&
            (is_word_sep(after) || after == '-'))
            return 1;
    }
    return 0;
}

static int token_is(const char *p, const char *word)
{
    size_t n = strlen(word);

    return strncmp(p, word, n) == 0 && is_end(p[n]);
}

/*
 * Start of the action names of a numbered row, p just after the counts.
 * The kernel prints the chip name, then the hardware IRQ number, then on
 * some architectures "Level" or "Edge", then an optional "-name" of the
 * handler (glued to the number when there is one: "5-edge",
 * "524288-edge"), then two blanks and the actions joined by ", ".
 * Kernels before 3.x glued the type to the chip ("IO-APIC-edge").
 */
static const char *irq_actions(const char *p)
{
    p = skip_token(skip_blanks(p)); /* chip */
    p = skip_blanks(p);
    if (isdigit((unsigned char)*p))
        p = skip_blanks(skip_token(p)); /* hwirq[-type] */
    if (token_is(p, "Level") || token_is(p, "Edge"))
        p = skip_blanks(skip_token(p));
    if (*p == '-')
        p = skip_blanks(skip_token(p)); /* -type without hwirq */
    return p;
}

static int parse_interrupts(const char *text, const char *what,
                            const char *device, struct irq_line *out, int max,
                            char *err, size_t errlen)
{
    int col_cpu[PROCFS_MAX_CPUS], ncols, n = 0;
    const char *p;
    char tok[32];

    if (device[0] == '\0')
        return fail(err, errlen, "%s: empty device name", what);
    if (max < 0)
        return fail(err, errlen, "%s: negative maximum %d", what, max);
    p = first_line(text);
    ncols = cpu_header(p, what, col_cpu, PROCFS_MAX_CPUS, err, errlen);
    if (ncols < 0)
        return -1;
    for (p = next_line(p); p && n < max; p = next_line(p)) {
        const char *q = skip_blanks(p), *a, *e;
        struct irq_line *l = &out[n];
        char row[24];
        uint64_t irq;

        if (is_eol(*q))
            continue;
        if (!isdigit((unsigned char)*q))
            continue; /* NMI:, LOC:, ERR:, ...: not numbered */
        if (scan_u64(&q, &irq) < 0 || irq > INT_MAX || *q != ':')
            return fail(err, errlen,
                        "%s: expected 'IRQ:' at the start of "
                        "a row, found %s",
                        what, excerpt(p, tok, sizeof tok));
        q++;
        snprintf(row, sizeof row, "IRQ %d", (int)irq);
        memset(l, 0, sizeof *l);
        if (row_counts(&q, what, row, col_cpu, ncols, l->count, err, errlen) <
            0)
            return -1;
        a = irq_actions(q);
        e = strchrnul(a, '\n');
        if (!actions_match(a, (size_t)(e - a), device))
            continue;
        l->irq = (int)irq;
        l->ncpus = col_cpu[ncols - 1] + 1;
        copy_trimmed(l->actions, sizeof l->actions, a, e);
        n++;
    }
    return n;
}

int procfs_parse_interrupts(const char *text, const char *device,
                            struct irq_line *out, int max, char *err,
                            size_t errlen)
{
    return parse_interrupts(text, "/proc/interrupts", device, out, max, err,
                            errlen);
}

/* ---- CPU lists ---------------------------------------------------------- */

/* A CPU list into *mask; with mask NULL, of any CPU numbers, and *top
 * (if not NULL) gets the highest, or -1 for an empty list. */
static int walk_cpulist(const char *text, const char *what, uint64_t *mask,
                        int64_t *top, char *err, size_t errlen)
{
    const char *p = text;
    uint64_t m = 0;
    char tok[32];

    if (mask)
        *mask = 0;
    if (top)
        *top = -1;
    while (is_blank(*p) || *p == '\n')
        p++;
    if (*p == '\0')
        return 0; /* an empty list, as in an empty cpuset */
    for (;;) {
        const char *start = p;
        uint64_t lo, hi;
        if (scan_u64(&p, &lo) < 0)
            return fail(err, errlen, "%s: expected a CPU number, found %s",
                        what, excerpt(start, tok, sizeof tok));
        hi = lo;
        if (*p == '-') {
            p++;
            if (scan_u64(&p, &hi) < 0)
                return fail(err, errlen,
                            "%s: expected a CPU number after '-', found %s",
                            what, excerpt(start, tok, sizeof tok));
        }
        if (mask && (lo >= PROCFS_MAX_CPUS || hi >= PROCFS_MAX_CPUS))
            return fail(err, errlen, "%s: CPU %llu is out of range 0-%d", what,
                        (unsigned long long)(hi > lo ? hi : lo),
                        PROCFS_MAX_CPUS - 1);
        if (hi < lo)
            return fail(err, errlen, "%s: range %llu-%llu is reversed", what,
                        (unsigned long long)lo, (unsigned long long)hi);
        if (!mask && hi >= INT_MAX)
            return fail(err, errlen, "%s: CPU %llu is out of range 0-%d", what,
                        (unsigned long long)hi, INT_MAX - 1);
        for (uint64_t c = lo; mask && c <= hi; c++)
            m |= UINT64_C(1) << c;
        if (top && (int64_t)hi > *top)
            *top = (int64_t)hi;
        if (*p != ',')
            break;
        p++;
    }
    while (is_blank(*p) || *p == '\n')
        p++;
    if (*p != '\0')
        return fail(err, errlen, "%s: expected ',' or the end, found %s", what,
                    excerpt(p, tok, sizeof tok));
    if (mask)
        *mask = m;
    return 0;
}

static int parse_cpulist(const char *text, const char *what, uint64_t *mask,
                         char *err, size_t errlen)
{
    return walk_cpulist(text, what, mask, NULL, err, errlen);
}

int procfs_parse_cpulist(const char *text, uint64_t *mask, char *err,
                         size_t errlen)
{
    return parse_cpulist(text, "cpu list", mask, err, errlen);
}

void procfs_format_cpulist(uint64_t mask, char *buf, size_t len)
{
    size_t used = 0;

    if (len == 0)
        return;
    buf[0] = '\0';
    for (int c = 0; c < 64; c++) {
        char item[24];
        int e = c, k;
        if (!((mask >> c) & 1))
            continue;
        while (e < 63 && ((mask >> (e + 1)) & 1))
            e++;
        k = e == c ? snprintf(item, sizeof item, "%d", c)
                   : snprintf(item, sizeof item, "%d-%d", c, e);
        /* Cut only between items, so that no number is ever half shown. */
        if (used + (used > 0) + (size_t)k >= len)
            return;
        if (used > 0)
            buf[used++] = ',';
        memcpy(buf + used, item, (size_t)k + 1);
        used += (size_t)k;
        c = e;
    }
}

int procfs_irq_affinity(const char *root, int irq, uint64_t *mask, char *err,
                        size_t errlen)
{
    char path[PATH_MAX], *text;
    int rc;

    *mask = 0;
    if (irq < 0)
        return fail(err, errlen, "smp_affinity_list: invalid IRQ %d", irq);
    if (path_join(path, sizeof path, root, err, errlen,
                  "proc/irq/%d/smp_affinity_list", irq) < 0)
        return -1;
    text = slurp(path, NULL, err, errlen);
    if (text == NULL)
        return -1;
    rc = parse_cpulist(text, path, mask, err, errlen);
    free(text);
    return rc;
}

/* ---- /sys/devices/system/cpu ------------------------------------------- */

/* The text of /sys/devices/system/cpu/`name` below root, its path in
 * path; NULL on failure. */
static char *sys_cpu_file(const char *root, const char *name, char *path,
                          size_t len, char *err, size_t errlen)
{
    if (path_join(path, len, root, err, errlen, "sys/devices/system/cpu/%s",
                  name) < 0)
        return NULL;
    return slurp(path, NULL, err, errlen);
}

int procfs_online_cpus(const char *root, uint64_t *mask, char *err,
                       size_t errlen)
{
    char path[PATH_MAX], *text;
    int rc;

    *mask = 0;
    text = sys_cpu_file(root, "online", path, sizeof path, err, errlen);
    if (text == NULL)
        return -1;
    rc = parse_cpulist(text, path, mask, err, errlen);
    free(text);
    if (rc == 0 && *mask == 0)
        return fail(err, errlen, "%s: expected the online CPUs, found none",
                    path);
    return rc;
}

int procfs_possible_cpus(const char *root, char *err, size_t errlen)
{
    char path[PATH_MAX], *text;
    int64_t top;
    int rc;

    text = sys_cpu_file(root, "possible", path, sizeof path, err, errlen);
    if (text == NULL)
        return -1;
    rc = walk_cpulist(text, path, NULL, &top, err, errlen);
    free(text);
    if (rc == 0 && top < 0)
        return fail(err, errlen, "%s: expected the possible CPUs, found "
                    "none", path);
    return rc == 0 ? (int)(top + 1) : -1;
}

/* ---- /proc/net/dev ------------------------------------------------------ */

static int parse_net_dev(const char *text, const char *what, const char *dev,
                         struct netdev_counters *out, char *err, size_t errlen)
{
    size_t dlen = strlen(dev);
    const char *p = text;
    char tok[32];
    int lineno = 3;

    memset(out, 0, sizeof *out);
    if (dlen == 0)
        return fail(err, errlen, "%s: empty device name", what);
    /* Two header lines: "Inter-|   Receive ... |  Transmit", then names. */
    if (memchr(p, '|', (size_t)(strchrnul(p, '\n') - p)) == NULL ||
        (p = next_line(p)) == NULL || (p = next_line(p)) == NULL)
        return fail(err, errlen, "%s: expected two header lines", what);
    for (; p && *p; p = next_line(p), lineno++) {
        const char *q = skip_blanks(p), *e = strchrnul(q, '\n'), *colon;
        uint64_t v[16];
        if (q == e)
            continue;
        colon = memchr(q, ':', (size_t)(e - q));
        if (colon == NULL)
            return fail(err, errlen,
                        "%s: line %d: expected 'device:', "
                        "found %s",
                        what, lineno, excerpt(q, tok, sizeof tok));
        if ((size_t)(colon - q) != dlen || memcmp(q, dev, dlen) != 0)
            continue;
        q = colon + 1;
        for (int i = 0; i < 16; i++)
            if (field_u64(&q, &v[i]) < 0)
                return fail(err, errlen,
                            "%s: %s: expected 16 counters, "
                            "found %s as counter %d",
                            what, dev, excerpt(q, tok, sizeof tok), i + 1);
        if (!is_eol(*skip_blanks(q)))
            return fail(err, errlen,
                        "%s: %s: expected 16 counters, found "
                        "more: %s",
                        what, dev, excerpt(q, tok, sizeof tok));
        out->rx_bytes = v[0];
        out->rx_packets = v[1];
        out->rx_errs = v[2];
        out->rx_drop = v[3];
        out->rx_fifo = v[4];
        out->rx_frame = v[5];
        out->rx_compressed = v[6];
        out->rx_multicast = v[7];
        out->tx_bytes = v[8];
        out->tx_packets = v[9];
        out->tx_errs = v[10];
        out->tx_drop = v[11];
        out->tx_fifo = v[12];
        out->tx_colls = v[13];
        out->tx_carrier = v[14];
        out->tx_compressed = v[15];
        return 0;
    }
    return fail(err, errlen, "%s: no device %s", what, dev);
}

int procfs_parse_net_dev(const char *text, const char *dev,
                         struct netdev_counters *out, char *err, size_t errlen)
{
    return parse_net_dev(text, "/proc/net/dev", dev, out, err, errlen);
}

/* ---- /sys/class/net/DEV ------------------------------------------------- */

/* A path component that stays inside its folder. */
static int safe_name(const char *s, int allow_slash)
{
    const char *p = s;

    if (*s == '\0' || *s == '/')
        return 0;
    for (;;) {
        size_t n = strcspn(p, "/");
        if (n == 0 || (n == 1 && p[0] == '.') ||
            (n == 2 && p[0] == '.' && p[1] == '.'))
            return 0;
        if (p[n] == '\0')
            return 1;
        if (!allow_slash)
            return 0;
        p += n + 1;
    }
}

/* One decimal (or 0x-prefixed hexadecimal, as in "flags") number and
 * nothing else but blanks and a newline. */
static int parse_sys_value(const char *text, const char *what, uint64_t *val,
                           char *err, size_t errlen)
{
    const char *p = skip_blanks(text);
    char tok[32];
    uint64_t v = 0;

    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
        isxdigit((unsigned char)p[2])) {
        for (p += 2; isxdigit((unsigned char)*p); p++) {
            unsigned d =
                isdigit((unsigned char)*p)
                    ? (unsigned)(*p - '0')
                    : (unsigned)(tolower((unsigned char)*p) - 'a' + 10);
            if (v >> 60)
                return fail(err, errlen, "%s: number too large", what);
            v = v << 4 | d;
        }
    } else if (scan_u64(&p, &v) < 0) {
        return fail(err, errlen,
                    "%s: expected a non-negative number, "
                    "found %s",
                    what, excerpt(text, tok, sizeof tok));
    }
    p = skip_blanks(p);
    if (*p == '\n')
        p++;
    if (*p != '\0')
        return fail(err, errlen, "%s: expected one number, found %s after it",
                    what, excerpt(p, tok, sizeof tok));
    *val = v;
    return 0;
}

int sysfs_net_value(const char *root, const char *dev, const char *name,
                    uint64_t *val, char *err, size_t errlen)
{
    char path[PATH_MAX], text[256], *buf = text;
    struct stat st;
    long n;

    *val = 0;
    if (!safe_name(dev, 0))
        return fail(err, errlen, "/sys/class/net: invalid device name '%s'",
                    dev);
    if (!safe_name(name, 1))
        return fail(err, errlen, "/sys/class/net/%s: invalid file name '%s'",
                    dev, name);
    if (path_join(path, sizeof path, root, err, errlen,
                  "sys/class/net/%s/statistics/%s", dev, name) < 0)
        return -1;
    n = read_whole(path, &buf, sizeof text, 0, err, errlen);
    if (n < 0 && errno == ENOENT) {
        if (path_join(path, sizeof path, root, err, errlen,
                      "sys/class/net/%s/%s", dev, name) < 0)
            return -1;
        n = read_whole(path, &buf, sizeof text, 0, err, errlen);
    }
    if (n < 0 && errno == ENOENT) {
        char devdir[PATH_MAX];
        if (path_join(devdir, sizeof devdir, root, err, errlen,
                      "sys/class/net/%s", dev) < 0)
            return -1;
        if (stat(devdir, &st) < 0)
            return fail(err, errlen, "%s: no such network device", devdir);
        return fail(err, errlen, "%s: no file %s here or in statistics/",
                    devdir, name);
    }
    if (n < 0)
        return -1;
    return parse_sys_value(text, path, val, err, errlen);
}

/* ---- pktgen ------------------------------------------------------------- */

/* "OK: 13101142(c12220741+d880401) usec, 10000000 (60byte,0frags)" and
 * "  763292pps 390Mb/sec (390805504bps) errors: 39664"; p just after
 * "OK: ". */
static int pktgen_ok(const char *p, const char *what, struct pktgen_result *out,
                     char *err, size_t errlen)
{
    uint64_t busy, idle, size, frags;
    char tok[32];

    if (scan_u64(&p, &out->usec) < 0 || expect(&p, "(c") < 0 ||
        scan_u64(&p, &busy) < 0 || expect(&p, "+d") < 0 ||
        scan_u64(&p, &idle) < 0 || expect(&p, ") usec, ") < 0 ||
        scan_u64(&p, &out->sent) < 0 || expect(&p, " (") < 0 ||
        scan_u64(&p, &size) < 0 || size > INT_MAX || expect(&p, "byte,") < 0 ||
        scan_u64(&p, &frags) < 0 || expect(&p, "frags)") < 0 ||
        !is_eol(*skip_blanks(p)))
        return fail(err, errlen,
                    "%s: expected 'Result: OK: N(cN+dN) usec, "
                    "N (Nbyte,Nfrags)', stopped at %s",
                    what, excerpt(p, tok, sizeof tok));
    out->pkt_size = (int)size;
    p = next_line(p);
    if (p)
        p = skip_blanks(p);
    if (p == NULL || scan_u64(&p, &out->pps) < 0 || expect(&p, "pps") < 0)
        return fail(err, errlen,
                    "%s: expected 'NNNpps ...' on the line "
                    "after the result",
                    what);
    out->ok = 1;
    return 0;
}

static int parse_pktgen(const char *text, const char *what,
                        struct pktgen_result *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    for (const char *p = text; p; p = next_line(p)) {
        const char *q = p;
        if (expect(&q, "Result:") < 0)
            continue;
        q = skip_blanks(q);
        /* A finished run; "OK: count=..." after a setting is not one. */
        if (strncmp(q, "OK: ", 4) == 0 && isdigit((unsigned char)q[4]))
            return pktgen_ok(q + 4, what, out, err, errlen);
        copy_trimmed(out->message, sizeof out->message, q, strchrnul(q, '\n'));
        return 0;
    }
    return fail(err, errlen, "%s: no 'Result:' line", what);
}

int procfs_parse_pktgen(const char *text, struct pktgen_result *out, char *err,
                        size_t errlen)
{
    return parse_pktgen(text, "pktgen", out, err, errlen);
}
