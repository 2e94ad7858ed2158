/*
 * test_plot.c - plot_curves end to end: a real gnuplot draws a small CSV.
 *
 * Checks that both image formats come out, that a bad output name and a
 * missing gnuplot are reported with the right codes, and that no temporary
 * file (the data file, OUT.tmp-PID) is left behind in any case. The
 * scripts are taken from $VSRSIM_SRCDIR/plots (default ./plots), and each
 * test works in a scratch directory that is also used as TMPDIR.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "err.h"
#include "fixture.h"
#include "plot.h"

/* Two curves, one whose name needs quoting, with a doubled quote as well;
 * extra columns follow the four the plot uses. */
static const char csv_text[] =
    "curve,offered_kpps,forwarded_kpps,ci99_kpps,core0_busy,busy:vhost\r\n"
    "\"4 cores, \"\"tight\"\" bind\",100,99.5,0.8,0.2,0.1\r\n"
    "\"4 cores, \"\"tight\"\" bind\",200,190,2.5,0.4,0.2\r\n"
    "\"4 cores, \"\"tight\"\" bind\",300,240,6,0.9,0.5\r\n"
    "default_1core,100,80,3,0.5,0.3\r\n"
    "default_1core,200,120,4.5,1,0.6\r\n"
    "default_1core,300,110,9,1,0.7\r\n";

struct fixture {
    const char *dir; /* scratch directory, also TMPDIR */
    char csv[512];
    char plots[1024];
    char *saved_path;
    char *saved_tmpdir;
};

static char *dup_env(const char *name)
{
    const char *v = getenv(name);
    return v ? strdup(v) : NULL;
}

static void restore_env(const char *name, const char *value)
{
    if (value)
        setenv(name, value, 1);
    else
        unsetenv(name);
}

/* Number of entries in `dir`, besides . and .. */
static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;

    assert_non_null(d);
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            n++;
    closedir(d);
    return n;
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);

    if (!f)
        return -1;
    f->dir = fixture_dir("plot");
    if (!f->dir)
        return -1;
    fixture_path(f->csv, sizeof f->csv, "curves.csv");
    snprintf(f->plots, sizeof f->plots, "%s/plots", fixture_srcdir());
    if (fixture_write(f->csv, csv_text) != 0)
        return -1;
    f->saved_path = dup_env("PATH");
    f->saved_tmpdir = dup_env("TMPDIR");
    setenv("TMPDIR", f->dir, 1);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    restore_env("PATH", f->saved_path);
    restore_env("TMPDIR", f->saved_tmpdir);
    fixture_remove();
    free(f->saved_path);
    free(f->saved_tmpdir);
    free(f);
    return 0;
}

/* Read up to `cap` - 1 bytes of `path` into `buf`; returns the file size. */
static long read_head(const char *path, char *buf, size_t cap)
{
    FILE *fp = fopen(path, "rb");
    struct stat st;
    size_t n;

    assert_non_null(fp);
    assert_int_equal(fstat(fileno(fp), &st), 0);
    n = fread(buf, 1, cap - 1, fp);
    buf[n] = '\0';
    fclose(fp);
    return (long)st.st_size;
}

static void test_png(void **state)
{
    struct fixture *f = *state;
    static const char magic[8] = "\x89PNG\r\n\x1a\n";
    char out[512], err[256] = "", head[16];

    fixture_path(out, sizeof out, "curves.png");
    assert_int_equal(plot_curves(f->plots, f->csv, out, "two curves", err,
                                 sizeof err), 0);
    assert_true(read_head(out, head, sizeof head) > (long)sizeof magic);
    assert_memory_equal(head, magic, sizeof magic);
    /* The CSV and the image: no data file, no OUT.tmp-PID. */
    assert_int_equal(count_entries(f->dir), 2);
}

static void test_svg(void **state)
{
    struct fixture *f = *state;
    static char head[4096];
    char out[512], err[256] = "";

    fixture_path(out, sizeof out, "curves.svg");
    assert_int_equal(plot_curves(f->plots, f->csv, out, "it's a title",
                                 err, sizeof err), 0);
    assert_true(read_head(out, head, sizeof head) > 0);
    assert_non_null(strstr(head, "<svg"));
    assert_int_equal(count_entries(f->dir), 2);
}

static void test_bad_extension(void **state)
{
    struct fixture *f = *state;
    char out[512], err[256] = "";

    fixture_path(out, sizeof out, "curves.pdf");
    assert_int_equal(plot_curves(f->plots, f->csv, out, "t", err,
                                 sizeof err), SIM_EINPUT);
    assert_non_null(strstr(err, ".png or .svg"));
    assert_int_equal(access(out, F_OK), -1);
    assert_int_equal(count_entries(f->dir), 1);
}

static void test_no_gnuplot(void **state)
{
    struct fixture *f = *state;
    char empty[512], out[512], err[256] = "";
    int rc;

    fixture_path(empty, sizeof empty, "empty-bin");
    assert_int_equal(mkdir(empty, 0700), 0);
    fixture_path(out, sizeof out, "curves.png");
    setenv("PATH", empty, 1);
    rc = plot_curves(f->plots, f->csv, out, "t", err, sizeof err);
    restore_env("PATH", f->saved_path);
    assert_int_equal(rc, SIM_EEXEC);
    assert_non_null(strstr(err, "gnuplot-nox"));
    assert_int_equal(access(out, F_OK), -1);
    /* The CSV and the empty bin directory only. */
    assert_int_equal(count_entries(f->dir), 2);
}

/* A script that draws its file and then fails: the half-made image must
 * not survive, and the exit status must reach the message. */
static void test_gnuplot_fails(void **state)
{
    struct fixture *f = *state;
    char plots[512], script[512], out[512], err[256] = "";

    fixture_path(plots, sizeof plots, "bad-plots");
    assert_int_equal(mkdir(plots, 0700), 0);
    fixture_path(script, sizeof script, "bad-plots/curves.gp");
    assert_int_equal(fixture_write(script, "set terminal svg\n"
                                           "set output outfile\nplot x\n"
                                           "set output\nexit status 3\n"),
                     0);
    fixture_path(out, sizeof out, "curves.svg");
    assert_int_equal(plot_curves(plots, f->csv, out, "t", err, sizeof err),
                     SIM_EEXEC);
    assert_non_null(strstr(err, "exit status 3"));
    assert_int_equal(access(out, F_OK), -1);
    /* The CSV and bad-plots only. */
    assert_int_equal(count_entries(f->dir), 2);
}

static void test_not_vsrsim_csv(void **state)
{
    struct fixture *f = *state;
    char csv[512], out[512], err[256] = "";

    fixture_path(csv, sizeof csv, "other.csv");
    assert_int_equal(fixture_write(csv, "name,x,y,z\na,1,2,3\n"), 0);
    fixture_path(out, sizeof out, "other.png");
    assert_int_equal(plot_curves(f->plots, csv, out, "t", err, sizeof err),
                     SIM_EINPUT);
    assert_non_null(strstr(err, "header"));
    assert_int_equal(access(out, F_OK), -1);
    assert_int_equal(count_entries(f->dir), 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_png, setup, teardown),
        cmocka_unit_test_setup_teardown(test_svg, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_extension, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_no_gnuplot, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gnuplot_fails, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_not_vsrsim_csv, setup,
                                        teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
