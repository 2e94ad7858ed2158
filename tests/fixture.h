/*
 * fixture.h - what the unit tests set up around the code they test: a
 * temporary folder and the files in it, SQLite databases made from SQL,
 * files of the source tree, and a scenario loaded with its cost model.
 *
 * A test program has one temporary folder at a time,
 * $TMPDIR/vsrsim-test-NAME-XXXXXX (/tmp when TMPDIR is unset), made by
 * fixture_dir() and removed with everything in it by fixture_remove().
 * Source-tree files are found under $VSRSIM_SRCDIR (default ".").
 *
 * Nothing here calls cmocka's assertions: each function returns whether
 * it worked and says on stderr what failed, so that it serves group
 * set-ups as well as tests.
 */
#ifndef VSRSIM_TESTS_FIXTURE_H
#define VSRSIM_TESTS_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

struct scenario;
struct costmodel;

/* Make the temporary folder $TMPDIR/vsrsim-test-`name`-XXXXXX. Returns its
 * path, valid until fixture_remove(), or NULL (with a message) when it
 * cannot be made. */
const char *fixture_dir(const char *name);

/* `name` (which may hold a '/') inside the temporary folder, in buf of
 * size n. Returns buf. */
const char *fixture_path(char *buf, size_t n, const char *name);

/* Remove the temporary folder and everything in it, folders included;
 * links are removed, never followed. Nothing happens when there is none. */
void fixture_remove(void);

/* fixture_remove() as a cmocka set-up or tear-down function, for a group
 * that has nothing else to undo. Returns 0. */
int fixture_teardown(void **state);

/* The source tree: $VSRSIM_SRCDIR, or "." when it is unset. */
const char *fixture_srcdir(void);

/* The whole file at `path` as a NUL-terminated string to free(); *len, if
 * len is not NULL, gets its size in bytes (the file may hold NULs).
 * Returns NULL when the file cannot be read whole. */
char *fixture_slurp(const char *path, size_t *len);

/* At most n - 1 bytes of the file at `path` in buf, NUL-terminated; ""
 * when it cannot be read. Returns buf. */
const char *fixture_read_text(const char *path, char *buf, size_t n);

/* Write `text` to the file at `path`, replacing it. Returns 0, or -1 with
 * a message (errno set when opening failed). */
int fixture_write(const char *path, const char *text);

/* Run `sql` on the SQLite file `db_path`, creating it if needed. Returns
 * SQLITE_OK (0), or SQLite's error code with a message. */
int fixture_sql(const char *db_path, const char *sql);

/* Run the SQL of the source-tree file `rel` (e.g. "data/schema.sql") on
 * `db_path` as fixture_sql() does. Returns 0, or non-zero with a message. */
int fixture_sql_file(const char *db_path, const char *rel);

/* A cost-model database at `db_path`: data/schema.sql, then the models of
 * tests/fixtures/costs-test.sql ('test' has every activity, 'incomplete'
 * lacks one). Returns 0, or non-zero with a message. */
int fixture_costs_db(const char *db_path);

/* The first column of the first row of `sql` on `db_path`, opened read
 * only, as an integer; -1 on any failure. */
int64_t fixture_sql_int(const char *db_path, const char *sql);

/* The same as a double; NAN on any failure. */
double fixture_sql_real(const char *db_path, const char *sql);

/* Load the scenario at `path`, with the --set overrides set[0..nset), into
 * sc and its cost model into cm. Returns 0, or -1 with the error on stderr
 * (sc then needs no scenario_clear()). */
int fixture_load(const char *path, const char *const *set, int nset,
                 struct scenario *sc, struct costmodel *cm);

#endif
