/*
 * plot.c - draw the curves of a vsrsim CSV by running gnuplot.
 *
 * Gnuplot cannot split the CSV on its curve-name column, whose values may
 * hold commas and quotes, so this module parses the CSV itself (RFC 4180)
 * and hands plots/curves.gp a plain data file with one block per curve, in
 * a private temporary directory, plus the curve names as a gnuplot array
 * (and, when the CSV has them, each curve's NDR and PDR as two more).
 * Gnuplot is started with fork and execvp on a fixed argument vector, never
 * through a shell, so no name or path is ever interpreted as a command.
 * It draws into a temporary file beside the output, which is renamed into
 * place only on success: a reader never sees a half-written image.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <math.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "err.h"
#include "fileio.h"
#include "plot.h"

#ifndef VSRSIM_SHAREDIR
#define VSRSIM_SHAREDIR "/usr/local/share/vsrsim"
#endif

/* The CSV columns the plot uses; any columns after them are ignored. */
#define NKEEP 4
static const char *const csv_head[NKEEP] = {
    "curve", "offered_kpps", "forwarded_kpps", "ci99_kpps",
};

/* Columns found by name anywhere in the header, marked on each curve when
 * present: its NDR and PDR (report.h), the same on every row of a curve. */
#define NMARK 2
static const char *const mark_head[NMARK] = { "ndr_kpps", "pdr_kpps" };
static const char *const mark_array[NMARK] = { "curve_ndr", "curve_pdr" };

/* A growable, always NUL-terminated string. */
struct strbuf {
    char *s;
    size_t len;
    size_t cap;
};

static void sb_putc(struct strbuf *sb, char c)
{
    if (sb->len + 2 > sb->cap) {
        sb->cap = sb->cap ? 2 * sb->cap : 64;
        sb->s = xrealloc(sb->s, sb->cap);
    }
    sb->s[sb->len++] = c;
    sb->s[sb->len] = '\0';
}

static void sb_puts(struct strbuf *sb, const char *s)
{
    while (*s)
        sb_putc(sb, *s++);
}

/* The text of `sb`, "" if nothing was ever put in it. */
static const char *sb_str(const struct strbuf *sb)
{
    return sb->s ? sb->s : "";
}

static void sb_clear(struct strbuf *sb)
{
    sb->len = 0;
    if (sb->s)
        sb->s[0] = '\0';
}

/* Append `s` as a gnuplot single-quoted string. Inside one, '' stands for
 * a quote and nothing else is special; control characters (a newline
 * would end the command) become spaces. */
static void sb_put_gp_string(struct strbuf *sb, const char *s)
{
    sb_putc(sb, '\'');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '\'')
            sb_putc(sb, '\'');
        sb_putc(sb, (c < 0x20 || c == 0x7f) ? ' ' : (char)c);
    }
    sb_putc(sb, '\'');
}

static void set_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;

    if (!err || errlen == 0)
        return;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* A CSV file being read, one record at a time. */
struct csv_reader {
    FILE *fp;
    const char *path;
    long line;      /* line on which the last record read starts     */
    long next_line; /* line on which the next record starts          */
    struct strbuf field[NKEEP]; /* the record's first NKEEP fields   */
    int nfields;                /* how many fields the record had    */
    int in_header;              /* the record read next is the header */
    int mark_col[NMARK];        /* column of mark_head[j], or -1     */
    struct strbuf mark[NMARK];  /* the record's field in that column */
};

/* Read the next record. Quoted fields may hold commas, line breaks and
 * doubled quotes; CRLF and LF both end a record. Returns 1 for a record,
 * 0 at end of file or on a read error (see ferror), or SIM_EINPUT with a
 * message for a malformed record. */
static int csv_read(struct csv_reader *r, char *err, size_t errlen)
{
    int c = getc(r->fp);

    if (c == EOF)
        return 0;
    for (int i = 0; i < NKEEP; i++)
        sb_clear(&r->field[i]);
    for (int j = 0; j < NMARK; j++)
        sb_clear(&r->mark[j]);
    r->nfields = 0;
    r->line = r->next_line++;
    for (;;) {
        struct strbuf scratch = { 0 };
        int col = r->nfields++;
        struct strbuf *out = col < NKEEP ? &r->field[col] : &scratch;
        for (int j = 0; j < NMARK; j++)
            if (col == r->mark_col[j])
                out = &r->mark[j];
        if (c == '"') {
            for (;;) {
                c = getc(r->fp);
                if (c == EOF) {
                    free(scratch.s);
                    set_err(err, errlen,
                            "%s line %ld: unterminated quoted field",
                            r->path, r->line);
                    return SIM_EINPUT;
                }
                if (c == '"') {
                    c = getc(r->fp);
                    if (c != '"')
                        break;
                }
                if (c == '\n')
                    r->next_line++;
                sb_putc(out, (char)c);
            }
            if (c == '\r')
                c = getc(r->fp);
            if (c != ',' && c != '\n' && c != EOF) {
                free(scratch.s);
                set_err(err, errlen,
                        "%s line %ld: text after a closing quote",
                        r->path, r->line);
                return SIM_EINPUT;
            }
        } else {
            while (c != ',' && c != '\n' && c != EOF) {
                if (c != '\r')
                    sb_putc(out, (char)c);
                c = getc(r->fp);
            }
        }
        for (int j = 0; r->in_header && j < NMARK; j++)
            if (strcmp(sb_str(out), mark_head[j]) == 0)
                r->mark_col[j] = col;
        free(scratch.s);
        if (c != ',')
            return 1;
        c = getc(r->fp);
    }
}

static int is_vsrsim_header(const struct csv_reader *r)
{
    if (r->nfields < NKEEP)
        return 0;
    for (int i = 0; i < NKEEP; i++)
        if (strcmp(sb_str(&r->field[i]), csv_head[i]) != 0)
            return 0;
    return 1;
}

/* Parse a whole field as a number; nan and inf are accepted (a nan ci99
 * draws the point without a bar). */
static int parse_number(const char *s, double *v)
{
    char *end;

    *v = strtod(s, &end);
    if (end == s)
        return -1;
    while (*end == ' ' || *end == '\t')
        end++;
    return *end ? -1 : 0;
}

/* Append the mark columns of the record in `r` to the array literals in
 * `marks`, NaN where a field is empty or not a number. */
static void put_marks(const struct csv_reader *r, struct strbuf *marks,
                      int first)
{
    for (int j = 0; j < NMARK; j++) {
        char num[32];
        double v;

        if (parse_number(sb_str(&r->mark[j]), &v) != 0 || !isfinite(v))
            snprintf(num, sizeof num, "NaN");
        else
            snprintf(num, sizeof num, "%.17g", v);
        if (!first)
            sb_putc(&marks[j], ',');
        sb_puts(&marks[j], num);
    }
}

/* Copy the data rows of `csv` into `dat` as gnuplot blocks, one per run
 * of rows with the same curve name, and append each block's name to
 * `names` as an element of a gnuplot array literal. When the header has
 * the mark columns, *have_marks is set and each block's marks are
 * appended to `marks` likewise. Returns 0, or SIM_EINPUT for a CSV that
 * is not vsrsim's, or SIM_EIO. */
static int convert_csv(FILE *csv, const char *csv_path, FILE *dat,
                       struct strbuf *names, struct strbuf *marks,
                       int *have_marks, char *err, size_t errlen)
{
    struct csv_reader r = { .fp = csv, .path = csv_path, .next_line = 1,
                            .in_header = 1 };
    struct strbuf curve = { 0 };
    int nrows = 0;
    int rc;

    for (int j = 0; j < NMARK; j++)
        r.mark_col[j] = -1;
    rc = csv_read(&r, err, errlen);
    r.in_header = 0;
    *have_marks = 1;
    for (int j = 0; j < NMARK; j++)
        if (r.mark_col[j] < 0)
            *have_marks = 0;
    if (rc == 1 && !is_vsrsim_header(&r)) {
        set_err(err, errlen, "%s: header must start with %s,%s,%s,%s",
                csv_path, csv_head[0], csv_head[1], csv_head[2],
                csv_head[3]);
        rc = SIM_EINPUT;
    }
    while (rc == 1) {
        const char *name;
        double v[NKEEP - 1];

        rc = csv_read(&r, err, errlen);
        if (rc != 1)
            break;
        if (r.nfields == 1 && r.field[0].len == 0)
            continue; /* blank line */
        if (r.nfields < NKEEP) {
            set_err(err, errlen, "%s line %ld: %d fields, need at least %d",
                    csv_path, r.line, r.nfields, NKEEP);
            rc = SIM_EINPUT;
            break;
        }
        for (int i = 1; rc == 1 && i < NKEEP; i++) {
            if (parse_number(sb_str(&r.field[i]), &v[i - 1]) != 0) {
                set_err(err, errlen, "%s line %ld: %s is not a number",
                        csv_path, r.line, csv_head[i]);
                rc = SIM_EINPUT;
            }
        }
        if (rc != 1)
            break;
        name = sb_str(&r.field[0]);
        if (nrows == 0 || strcmp(sb_str(&curve), name) != 0) {
            sb_clear(&curve);
            sb_puts(&curve, name);
            if (nrows > 0) {
                fputs("\n\n", dat);
                sb_putc(names, ',');
            }
            /* For a human reading the file; gnuplot skips comments. */
            fputs("# curve ", dat);
            for (const char *p = name; *p; p++)
                fputc(*p == '\n' || *p == '\r' ? ' ' : *p, dat);
            fputs("\n# offered_kpps forwarded_kpps ci99_kpps\n", dat);
            sb_put_gp_string(names, name);
            if (*have_marks)
                put_marks(&r, marks, nrows == 0);
        }
        fprintf(dat, "%.17g %.17g %.17g\n", v[0], v[1], v[2]);
        nrows++;
    }
    if (rc == 0 && ferror(csv)) {
        set_err(err, errlen, "%s: read error", csv_path);
        rc = SIM_EIO;
    } else if (rc == 0 && nrows == 0) {
        set_err(err, errlen, "%s: no data rows to plot", csv_path);
        rc = SIM_EINPUT;
    }
    for (int i = 0; i < NKEEP; i++)
        free(r.field[i].s);
    for (int j = 0; j < NMARK; j++)
        free(r.mark[j].s);
    free(curve.s);
    return rc;
}

/* Run `argv` and wait for it. Returns 0 if it exited with status 0, else
 * SIM_EEXEC with a message; a gnuplot that cannot be found gets the
 * message that tells how to install it. The child keeps our stdout and
 * stderr, so gnuplot's own messages reach the user unchanged. */
static int run_gnuplot(char *const argv[], char *err, size_t errlen)
{
    int fds[2];
    int exec_errno = 0;
    int status;
    pid_t pid;
    ssize_t n;

    /* The child reports a failed execvp through this pipe; a successful
     * exec closes it (close-on-exec) and the parent reads end of file. */
    if (pipe(fds) != 0) {
        set_err(err, errlen, "cannot run gnuplot: pipe: %s",
                strerror(errno));
        return SIM_EEXEC;
    }
    if (fcntl(fds[1], F_SETFD, FD_CLOEXEC) != 0) {
        set_err(err, errlen, "cannot run gnuplot: fcntl: %s",
                strerror(errno));
        close(fds[0]);
        close(fds[1]);
        return SIM_EEXEC;
    }
    pid = fork();
    if (pid < 0) {
        set_err(err, errlen, "cannot run gnuplot: fork: %s",
                strerror(errno));
        close(fds[0]);
        close(fds[1]);
        return SIM_EEXEC;
    }
    if (pid == 0) {
        int e;

        close(fds[0]);
        execvp(argv[0], argv);
        e = errno;
        if (write(fds[1], &e, sizeof e) != (ssize_t)sizeof e)
            _exit(126);
        _exit(127);
    }
    close(fds[1]);
    do
        n = read(fds[0], &exec_errno, sizeof exec_errno);
    while (n < 0 && errno == EINTR);
    close(fds[0]);
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            set_err(err, errlen, "waiting for gnuplot: %s",
                    strerror(errno));
            return SIM_EEXEC;
        }
    }
    if (n == (ssize_t)sizeof exec_errno) {
        if (exec_errno == ENOENT)
            set_err(err, errlen,
                    "gnuplot not found: install gnuplot-nox "
                    "(apt-get install gnuplot-nox); the data is in CSV");
        else
            set_err(err, errlen, "cannot run gnuplot: %s",
                    strerror(exec_errno));
        return SIM_EEXEC;
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 0;
    if (WIFEXITED(status))
        set_err(err, errlen, "gnuplot failed with exit status %d",
                WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        set_err(err, errlen, "gnuplot was killed by signal %d",
                WTERMSIG(status));
    else
        set_err(err, errlen, "gnuplot ended abnormally");
    return SIM_EEXEC;
}

static int has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);

    return n >= m && strcmp(s + n - m, suffix) == 0;
}

void plot_find_dir(char *out, size_t len)
{
    const char *env = getenv("VSRSIM_PLOTS");
    if (env) {
        snprintf(out, len, "%s", env);
        return;
    }
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        snprintf(out, len, "%s/../plots", dirname(exe));
        char probe[PATH_MAX + 16];
        snprintf(probe, sizeof probe, "%s/curves.gp", out);
        if (access(probe, R_OK) == 0)
            return;
    }
    snprintf(out, len, "%s/plots", VSRSIM_SHAREDIR);
}

int plot_curves(const char *plots_dir, const char *csv_path,
                const char *out_path, const char *title, char *err,
                size_t errlen)
{
    const char *format;
    const char *tmpdir = getenv("TMPDIR");
    struct strbuf names = { 0 };
    struct strbuf marks[NMARK] = { { 0 } };
    struct strbuf cmd = { 0 };
    struct strbuf script = { 0 };
    struct strbuf dir = { 0 };
    struct strbuf dat_path = { 0 };
    struct strbuf tmp_out = { 0 };
    char pid_text[32];
    FILE *csv = NULL;
    FILE *dat = NULL;
    int have_dir = 0;
    int have_marks = 0;
    int rc = 0;

    if (has_suffix(out_path, ".png")) {
        format = "png";
    } else if (has_suffix(out_path, ".svg")) {
        format = "svg";
    } else {
        set_err(err, errlen, "%s: plot file must end in .png or .svg",
                out_path);
        return SIM_EINPUT;
    }

    sb_puts(&script, plots_dir);
    sb_puts(&script, "/curves.gp");
    if (access(script.s, R_OK) != 0) {
        set_err(err, errlen, "cannot read %s: %s", script.s,
                strerror(errno));
        free(script.s);
        return SIM_EIO;
    }

    csv = fopen(csv_path, "r");
    if (!csv) {
        set_err(err, errlen, "cannot open %s: %s", csv_path,
                strerror(errno));
        free(script.s);
        return SIM_EIO;
    }

    sb_puts(&dir, tmpdir && *tmpdir ? tmpdir : "/tmp");
    sb_puts(&dir, "/vsrsim-plot-XXXXXX");
    if (!mkdtemp(dir.s)) {
        set_err(err, errlen, "cannot create a directory %s: %s", dir.s,
                strerror(errno));
        rc = SIM_EIO;
        goto out;
    }
    have_dir = 1;
    sb_puts(&dat_path, dir.s);
    sb_puts(&dat_path, "/curves.dat");
    dat = fopen(dat_path.s, "w");
    if (!dat) {
        set_err(err, errlen, "cannot create %s: %s", dat_path.s,
                strerror(errno));
        rc = SIM_EIO;
        goto out;
    }
    rc = convert_csv(csv, csv_path, dat, &names, marks, &have_marks, err,
                     errlen);
    if (fclose(dat) != 0 && rc == 0) {
        set_err(err, errlen, "cannot write %s: %s", dat_path.s,
                strerror(errno));
        rc = SIM_EIO;
    }
    dat = NULL;
    if (rc != 0)
        goto out;

    snprintf(pid_text, sizeof pid_text, "%ld", (long)getpid());
    sb_puts(&tmp_out, out_path);
    sb_puts(&tmp_out, ".tmp-");
    sb_puts(&tmp_out, pid_text);

    sb_puts(&cmd, "datafile=");
    sb_put_gp_string(&cmd, dat_path.s);
    sb_puts(&cmd, "; outfile=");
    sb_put_gp_string(&cmd, tmp_out.s);
    sb_puts(&cmd, "; outformat=");
    sb_put_gp_string(&cmd, format);
    sb_puts(&cmd, "; plottitle=");
    sb_put_gp_string(&cmd, title ? title : "");
    sb_puts(&cmd, "; array curve_names = [");
    sb_puts(&cmd, sb_str(&names));
    sb_puts(&cmd, "]");
    for (int j = 0; have_marks && j < NMARK; j++) {
        sb_puts(&cmd, "; array ");
        sb_puts(&cmd, mark_array[j]);
        sb_puts(&cmd, " = [");
        sb_puts(&cmd, sb_str(&marks[j]));
        sb_puts(&cmd, "]");
    }

    {
        static char prog[] = "gnuplot", opt_e[] = "-e";
        char *argv[] = { prog, opt_e, cmd.s, script.s, NULL };

        rc = run_gnuplot(argv, err, errlen);
    }
    if (rc == 0 && fileio_replace(tmp_out.s, out_path) != 0) {
        set_err(err, errlen, "cannot rename %s to %s: %s", tmp_out.s,
                out_path, strerror(errno));
        rc = SIM_EIO;
    }
    if (rc != 0)
        unlink(tmp_out.s);

out:
    if (csv)
        fclose(csv);
    if (have_dir) {
        unlink(dat_path.s);
        rmdir(dir.s);
    }
    free(names.s);
    for (int j = 0; j < NMARK; j++)
        free(marks[j].s);
    free(cmd.s);
    free(script.s);
    free(dir.s);
    free(dat_path.s);
    free(tmp_out.s);
    return rc;
}

int plot_script(const char *plots_dir, const char *script,
                const char *data_path, const char *out_path,
                const char *title, const struct plot_array *arrays,
                int narrays, const char *vars, char *err, size_t errlen)
{
    const char *format = has_suffix(out_path, ".png")   ? "png"
                         : has_suffix(out_path, ".svg") ? "svg"
                                                        : NULL;
    struct strbuf path = { 0 }, cmd = { 0 }, tmp_out = { 0 };
    char pid_text[32];
    int rc;

    if (!format) {
        set_err(err, errlen, "%s: plot file must end in .png or .svg",
                out_path);
        return SIM_EINPUT;
    }
    sb_puts(&path, plots_dir);
    sb_putc(&path, '/');
    sb_puts(&path, script);
    if (access(path.s, R_OK) != 0) {
        set_err(err, errlen, "cannot read %s: %s", path.s, strerror(errno));
        free(path.s);
        return SIM_EIO;
    }
    snprintf(pid_text, sizeof pid_text, "%ld", (long)getpid());
    sb_puts(&tmp_out, out_path);
    sb_puts(&tmp_out, ".tmp-");
    sb_puts(&tmp_out, pid_text);
    sb_puts(&cmd, "datafile=");
    sb_put_gp_string(&cmd, data_path);
    sb_puts(&cmd, "; outfile=");
    sb_put_gp_string(&cmd, tmp_out.s);
    sb_puts(&cmd, "; outformat=");
    sb_put_gp_string(&cmd, format);
    sb_puts(&cmd, "; plottitle=");
    sb_put_gp_string(&cmd, title ? title : "");
    for (int i = 0; i < narrays; i++) {
        sb_puts(&cmd, "; array ");
        sb_puts(&cmd, arrays[i].name);
        sb_puts(&cmd, "[");
        snprintf(pid_text, sizeof pid_text, "%d",
                 arrays[i].n > 0 ? arrays[i].n : 1);
        sb_puts(&cmd, pid_text);
        sb_puts(&cmd, "]");
        for (int k = 0; k < arrays[i].n; k++) {
            sb_puts(&cmd, k ? "," : " = [");
            sb_put_gp_string(&cmd, arrays[i].item[k]);
        }
        if (arrays[i].n > 0)
            sb_puts(&cmd, "]");
    }
    if (vars) {
        sb_puts(&cmd, "; ");
        sb_puts(&cmd, vars);
    }
    {
        static char prog[] = "gnuplot", opt_e[] = "-e";
        char *argv[] = { prog, opt_e, cmd.s, path.s, NULL };

        rc = run_gnuplot(argv, err, errlen);
    }
    if (rc == 0 && fileio_replace(tmp_out.s, out_path) != 0) {
        set_err(err, errlen, "cannot rename %s to %s: %s", tmp_out.s,
                out_path, strerror(errno));
        rc = SIM_EIO;
    }
    if (rc != 0)
        unlink(tmp_out.s);
    free(path.s);
    free(cmd.s);
    free(tmp_out.s);
    return rc;
}
