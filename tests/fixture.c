/*
 * fixture.c - temporary folders, files, SQLite databases and scenarios for
 * the unit tests (see fixture.h).
 */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "err.h"
#include "fixture.h"
#include "scenario.h"
#include "store.h"

/* The temporary folder; "" when there is none. */
static char tmpdir[512];

const char *fixture_dir(const char *name)
{
    const char *base = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    int len =
        snprintf(tmpdir, sizeof tmpdir, "%s/vsrsim-test-%s-XXXXXX", base, name);

    if (len < 0 || (size_t)len >= sizeof tmpdir) {
        fprintf(stderr, "%s: too long for a temporary folder\n", base);
        tmpdir[0] = '\0';
        return NULL;
    }
    if (mkdtemp(tmpdir) == NULL) {
        perror(tmpdir);
        tmpdir[0] = '\0';
        return NULL;
    }
    return tmpdir;
}

const char *fixture_path(char *buf, size_t n, const char *name)
{
    snprintf(buf, n, "%s/%s", tmpdir, name);
    return buf;
}

/* Remove `dir` and everything in it. */
static void remove_tree(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    struct stat st;
    char path[1024];

    if (d == NULL)
        return;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
            remove_tree(path);
        else
            unlink(path);
    }
    closedir(d);
    rmdir(dir);
}

void fixture_remove(void)
{
    if (tmpdir[0] == '\0')
        return;
    remove_tree(tmpdir);
    tmpdir[0] = '\0';
}

int fixture_teardown(void **state)
{
    (void)state;
    fixture_remove();
    return 0;
}

const char *fixture_srcdir(void)
{
    const char *src = getenv("VSRSIM_SRCDIR");
    return src ? src : ".";
}

char *fixture_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;

    if (f == NULL)
        return NULL;
    if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
        fseek(f, 0, SEEK_SET) != 0) {
        fclose(f);
        return NULL;
    }
    buf = xmalloc((size_t)n + 1);
    if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        fclose(f);
        return NULL;
    }
    buf[n] = '\0';
    fclose(f);
    if (len != NULL)
        *len = (size_t)n;
    return buf;
}

const char *fixture_read_text(const char *path, char *buf, size_t n)
{
    FILE *f = fopen(path, "r");
    size_t got;

    buf[0] = '\0';
    if (f == NULL)
        return buf;
    got = fread(buf, 1, n - 1, f);
    buf[got] = '\0';
    fclose(f);
    return buf;
}

int fixture_write(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    int bad;

    if (f == NULL) {
        int saved = errno;
        fprintf(stderr, "%s: %s\n", path, strerror(errno));
        errno = saved;
        return -1;
    }
    bad = fputs(text, f) == EOF;
    if (fclose(f) != 0 || bad) {
        fprintf(stderr, "%s: cannot write\n", path);
        return -1;
    }
    return 0;
}

int fixture_sql(const char *db_path, const char *sql)
{
    sqlite3 *db = NULL;
    int rc = sqlite3_open(db_path, &db);

    if (rc == SQLITE_OK)
        rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        fprintf(stderr, "%s: %s\n", db_path, sqlite3_errmsg(db));
    sqlite3_close(db);
    return rc;
}

int fixture_sql_file(const char *db_path, const char *rel)
{
    char path[1024];
    char *sql;
    int rc;

    snprintf(path, sizeof path, "%s/%s", fixture_srcdir(), rel);
    sql = fixture_slurp(path, NULL);
    if (sql == NULL) {
        fprintf(stderr, "%s: cannot read (set VSRSIM_SRCDIR?)\n", path);
        return -1;
    }
    rc = fixture_sql(db_path, sql);
    free(sql);
    return rc;
}

int fixture_costs_db(const char *db_path)
{
    if (fixture_sql_file(db_path, "data/schema.sql") != 0)
        return -1;
    return fixture_sql_file(db_path, "tests/fixtures/costs-test.sql");
}

/* `sql` on `db_path`, opened read only into *db, stepped to its first
 * row; NULL when any of that fails. Finalize the statement and close *db
 * either way. */
static sqlite3_stmt *first_row(const char *db_path, const char *sql,
                               sqlite3 **db)
{
    sqlite3_stmt *st = NULL;

    *db = NULL;
    if (sqlite3_open_v2(db_path, db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(*db, sql, -1, &st, NULL) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_finalize(st);
        return NULL;
    }
    return st;
}

int64_t fixture_sql_int(const char *db_path, const char *sql)
{
    sqlite3 *db;
    sqlite3_stmt *st = first_row(db_path, sql, &db);
    int64_t v = st ? sqlite3_column_int64(st, 0) : -1;

    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

double fixture_sql_real(const char *db_path, const char *sql)
{
    sqlite3 *db;
    sqlite3_stmt *st = first_row(db_path, sql, &db);
    double v = st ? sqlite3_column_double(st, 0) : NAN;

    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

int fixture_load(const char *path, const char *const *set, int nset,
                 struct scenario *sc, struct costmodel *cm)
{
    char err[1024];

    if (scenario_load(sc, path, set, nset, err, sizeof err) != 0)
        goto fail;
    if (store_load_costmodel(sc->costmodel_db, sc->costmodel_id, cm, err,
                             sizeof err) != 0) {
        scenario_clear(sc);
        goto fail;
    }
    return 0;
fail:
    fprintf(stderr, "%s\n", err);
    return -1;
}
