/*
 * db.c — the one module that owns SQLite: opening with the pragmas of
 * DESIGN.md, the per-process prepared-statement tables, transactions that
 * take the write lock up front, the busy handler, and the mapping of
 * database failures to HTTP answers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "nd.h"

sqlite3 *db;

enum libstmt {
	LS_BEGIN,
	LS_COMMIT,
	LS_ROLLBACK,
	LS_REV,
	LS_TIMEZONE,
	LS_SNAPSHOT,
	LS__MAX
};
static const char *const libsql[LS__MAX] = {
	/* LS_BEGIN */
	"BEGIN IMMEDIATE",
	/* LS_COMMIT */
	"COMMIT",
	/* LS_ROLLBACK */
	"ROLLBACK",
	/* LS_REV */
	"SELECT n FROM rev WHERE id = 1",
	/* LS_TIMEZONE */
	"SELECT value FROM settings WHERE key = 'timezone'",
	/* LS_SNAPSHOT: stepped once and left open by db_read_begin() */
	"SELECT n FROM rev WHERE id = 1",
};
_Static_assert(ND_NELEM(libsql) == LS__MAX, "libsql");
static sqlite3_stmt *ls[LS__MAX];

/* How long a writer waits for the lock before answering 503. */
#define DB_BUSY_MS	5000

/*
 * SQLite's default busy handler sleeps in growing steps up to 100 ms, so
 * a writer that just missed the lock may sleep long after it was freed:
 * the tail latency of concurrent writers.  Ours polls every 50-250 µs
 * (with jitter, so processes do not wake in step) until DB_BUSY_MS.
 */
static int
db_busy(void *arg, int count)
{
	static struct timespec	 start;
	struct timespec		 now;
	long			 ms;

	(void)arg;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (count == 0)
		start = now;
	ms = (now.tv_sec - start.tv_sec) * 1000 +
	    (now.tv_nsec - start.tv_nsec) / 1000000;
	if (ms >= DB_BUSY_MS)
		return 0;
	usleep(count < 20 ? 50 + (unsigned)(rand() % 50) :
	    150 + (unsigned)(rand() % 100));
	return 1;
}

/*
 * Opens PATH (CREATE: may create it) with WAL, synchronous=FULL, foreign
 * keys and our busy handler, and prepares the library's statements when
 * the schema is there.  Returns 1, or 0 after logging why.
 */
int
db_open(const char *path, int create)
{
	int	 flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;

	if (create)
		flags |= SQLITE_OPEN_CREATE;
	if (sqlite3_open_v2(path, &db, flags, NULL) != SQLITE_OK) {
		nd_log("cannot open the database: %s",
		    db != NULL ? sqlite3_errmsg(db) : "out of memory");
		db_close();
		return 0;
	}
	sqlite3_extended_result_codes(db, 1);
	sqlite3_busy_handler(db, db_busy, NULL);
	srand((unsigned)getpid());
	if (db_exec("PRAGMA journal_mode = WAL") != SQLITE_OK ||
	    db_exec("PRAGMA synchronous = FULL") != SQLITE_OK ||
	    db_exec("PRAGMA foreign_keys = ON") != SQLITE_OK ||
	    db_exec("PRAGMA temp_store = MEMORY") != SQLITE_OK ||
	    db_exec("PRAGMA cache_size = -4096") != SQLITE_OK ||
	    /* After a long reader starved the checkpoints, the WAL is cut
	     * back to this size at the next restart of the log. */
	    db_exec("PRAGMA journal_size_limit = 16777216") != SQLITE_OK) {
		db_close();
		return 0;
	}
	return 1;
}

/* Prepares the library's own statements (after migrations). */
static int
db_lib_prepare(void)
{
	return db_prepare_all(libsql, LS__MAX, ls);
}

void
db_close(void)
{
	db_read_end();
	db_finalize_all(ls, LS__MAX);
	if (db != NULL)
		sqlite3_close_v2(db);
	db = NULL;
}

/*
 * Prepares N statements from SQL into ST, once per process, persistent.
 * A statement that fails to prepare (schema drift) is logged with its
 * index and the program must stop.  Returns 1, or 0.
 */
int
db_prepare_all(const char *const *sql, size_t n, sqlite3_stmt **st)
{
	size_t	 i;

	if (st != ls && ls[0] == NULL && st != NULL && !db_lib_prepare())
		return 0;
	for (i = 0; i < n; i++) {
		if (sqlite3_prepare_v3(db, sql[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &st[i], NULL) != SQLITE_OK) {
			nd_log("statement %zu does not prepare: %s", i,
			    sqlite3_errmsg(db));
			return 0;
		}
	}
	return 1;
}

void
db_finalize_all(sqlite3_stmt **st, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		sqlite3_finalize(st[i]);
		st[i] = NULL;
	}
}

void
db_bind_int(sqlite3_stmt *st, int i, long long v)
{
	sqlite3_bind_int64(st, i, v);
}

/* Binds S, or NULL when S is NULL. */
void
db_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s == NULL)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}

void
db_bind_textn(sqlite3_stmt *st, int i, const char *s, size_t n)
{
	sqlite3_bind_text(st, i, s, (int)n, SQLITE_TRANSIENT);
}

void
db_bind_null(sqlite3_stmt *st, int i)
{
	sqlite3_bind_null(st, i);
}

void
db_bind_double(sqlite3_stmt *st, int i, double v)
{
	sqlite3_bind_double(st, i, v);
}

void
db_bind_blob(sqlite3_stmt *st, int i, const void *p, size_t n)
{
	sqlite3_bind_blob(st, i, p, (int)n, SQLITE_TRANSIENT);
}

/* 1 while LS_SNAPSHOT holds the request's read snapshot open. */
static int snapshot;

/*
 * Opens one read snapshot for the statements that follow (a GET request):
 * without it each statement is a WAL read transaction of its own, two
 * fcntl() locks and a look at the WAL index each, and sees another
 * moment.  The snapshot is held by a statement stepped once and left
 * unreset, not by BEGIN: the connection stays in autocommit mode, so
 * audit() and any other code that asks sqlite3_get_autocommit() still
 * sees "no transaction" and opens its own write transaction, and
 * db_step() ends the snapshot before any statement that may write (BEGIN
 * IMMEDIATE included), since a read transaction upgraded to a write one
 * fails at once with SQLITE_BUSY instead of waiting for the lock.
 * Does nothing inside a transaction or when the step fails.
 */
void
db_read_begin(void)
{
	if (snapshot || !sqlite3_get_autocommit(db) || ls[LS_SNAPSHOT] == NULL)
		return;
	if (sqlite3_step(ls[LS_SNAPSHOT]) == SQLITE_ROW)
		snapshot = 1;
	else
		sqlite3_reset(ls[LS_SNAPSHOT]);
}

/* Ends the snapshot of db_read_begin(), if one is open. */
void
db_read_end(void)
{
	if (snapshot) {
		sqlite3_reset(ls[LS_SNAPSHOT]);
		snapshot = 0;
	}
}

/*
 * Steps ST.  Returns SQLITE_ROW, SQLITE_DONE, or the (extended) error,
 * which is logged without any bound values.
 */
int
db_step(sqlite3_stmt *st)
{
	int	 rc;

	if (snapshot && !sqlite3_stmt_readonly(st))
		db_read_end();	/* a write waits for the lock, see above */
	rc = sqlite3_step(st);

	if (rc != SQLITE_ROW && rc != SQLITE_DONE &&
	    (rc & 0xff) != SQLITE_CONSTRAINT)
		nd_log("sqlite: %s (%d) in: %.60s", sqlite3_errmsg(db), rc,
		    sqlite3_sql(st));
	return rc;
}

/*
 * Runs a statement that returns no rows (INSERT, UPDATE, DELETE) once and
 * resets it.  Returns SQLITE_OK when it ran to completion, else the error.
 */
int
db_run(sqlite3_stmt *st)
{
	int	 rc = db_step(st);

	db_reset(st);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

void
db_reset(sqlite3_stmt *st)
{
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

/* Runs SQL without results.  Returns SQLITE_OK or the error (logged). */
int
db_exec(const char *sql)
{
	char	*err = NULL;
	int	 rc;

	db_read_end();	/* SQL text: it may write */
	if ((rc = sqlite3_exec(db, sql, NULL, NULL, &err)) != SQLITE_OK) {
		nd_log("sqlite: %s in: %.60s", err != NULL ? err : "?", sql);
		sqlite3_free(err);
	}
	return rc;
}

static int
db_ls(enum libstmt k)
{
	int	 rc = db_step(ls[k]);

	sqlite3_reset(ls[k]);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? SQLITE_OK : rc;
}

/* BEGIN IMMEDIATE: takes the write lock now.  Returns SQLITE_OK or rc. */
int
db_begin(void)
{
	return db_ls(LS_BEGIN);
}

/* COMMIT; on failure rolls back.  Returns SQLITE_OK or rc. */
int
db_commit(void)
{
	int	 rc;

	if ((rc = db_ls(LS_COMMIT)) != SQLITE_OK)
		db_rollback();
	return rc;
}

/* Rolls back if a transaction is open. */
void
db_rollback(void)
{
	if (!sqlite3_get_autocommit(db))
		db_ls(LS_ROLLBACK);
}

/*
 * Answers a database failure RC: rolls back, then 503 when the database
 * stayed locked, 507 when the disk is full, 500 otherwise.  The message
 * never holds internals.  Returns the status.
 */
int
db_fail(struct req *r, int rc)
{
	db_rollback();
	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		req_header(r, "Retry-After", "1");
		return http_error(r, 503, "busy",
		    "The server is busy. Please try again.", NULL);
	case SQLITE_FULL:
		return http_error(r, 507, "storage_full",
		    "The server's disk is full. Nothing was saved; tell the "
		    "administrator.", NULL);
	default:
		return http_error(r, 500, "internal",
		    "Something went wrong on the server. Please try again.",
		    NULL);
	}
}

/* Steps ST once: its first column as an integer, or DEF.  Resets ST. */
long long
db_int1(sqlite3_stmt *st, long long def)
{
	long long v = def;

	if (db_step(st) == SQLITE_ROW &&
	    sqlite3_column_type(st, 0) != SQLITE_NULL)
		v = sqlite3_column_int64(st, 0);
	db_reset(st);
	return v;
}

/* The change counter; -1 on failure. */
long long
db_rev(void)
{
	return db_int1(ls[LS_REV], -1);
}

/* Now in UTC, ISO-8601 ("2026-11-27T05:47:36Z"); BUF holds 21 bytes. */
void
db_now(char *buf)
{
	time_t		 t = time(NULL);
	struct tm	 tm;

	gmtime_r(&t, &tm);
	strftime(buf, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/*
 * Today's date in the clinic's time zone (settings.timezone, re-read at
 * most once a minute); BUF holds 11 bytes.
 */
void
db_today(char *buf)
{
	static char	 tz[64] = "";
	static time_t	 read_at;
	time_t		 t = time(NULL);
	struct tm	 tm;
	const unsigned char *v;

	if (ls[LS_TIMEZONE] != NULL && t - read_at >= 60) {
		read_at = t;
		if (db_step(ls[LS_TIMEZONE]) == SQLITE_ROW &&
		    (v = sqlite3_column_text(ls[LS_TIMEZONE], 0)) != NULL &&
		    strlen((const char *)v) < sizeof(tz) &&
		    strcmp((const char *)v, tz) != 0) {
			snprintf(tz, sizeof(tz), "%s", (const char *)v);
			setenv("TZ", tz, 1);
			tzset();
		}
		sqlite3_reset(ls[LS_TIMEZONE]);
	}
	localtime_r(&t, &tm);
	strftime(buf, 11, "%Y-%m-%d", &tm);
}
