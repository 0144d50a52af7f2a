/*
 * db.c — the one module that owns SQLite: opening with the pragmas of
 * DESIGN.md, the per-process prepared-statement tables, transactions that
 * take the write lock up front, the busy handler, the WAL checkpoints, and
 * the mapping of database failures to HTTP answers.
 *
 * Write transactions of every process are serialised by a kernel lock,
 * flock() on <database>-write.lock, taken before BEGIN IMMEDIATE and given
 * back after COMMIT or ROLLBACK.  A writer that finds it taken sleeps in
 * the kernel and is woken when it is free: no polling, no CPU spent
 * waiting, no 503 under ordinary contention.  (The kernel wakes waiters
 * rather than queueing them strictly, so the order is not exactly FIFO,
 * but nobody depends on the luck of a poll any more.)  SQLite's own lock
 * stays what makes writes safe; ours only decides who asks for it next.
 * The kernel drops a flock() when its holder dies, so a killed worker
 * never leaves the lock taken.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/time.h>
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
	LS_SAVEPOINT,
	LS_RELEASE,
	LS_ROLLBACK_TO,
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
	/* LS_SAVEPOINT */
	"SAVEPOINT nd_req",
	/* LS_RELEASE */
	"RELEASE nd_req",
	/* LS_ROLLBACK_TO */
	"ROLLBACK TO nd_req",
};
/* As in every module with SQL (style.md 5): its own table, checked and prepared once. */
_Static_assert(ND_NELEM(libsql) == LS__MAX, "libsql");
static sqlite3_stmt *ls[LS__MAX];

/* How long a writer waits for the write lock before answering 503. */
#define DB_BUSY_MS	5000

/*
 * A WAL checkpoint (see db_idle()) is due when the log holds this many
 * frames: SQLite's own default, so the log stays about 4 MiB.
 */
#define DB_CKPT_FRAMES	1000
/* How long a checkpoint waits for readers to leave the old log; writers
 * wait meanwhile, so it gives up early and tries again later. */
#define DB_CKPT_BUSY_MS	20
#define DB_CKPT_RETRY_MS 1000

static int	 lock_fd = -1;		/* <database>-write.lock, or -1 */
static int	 lock_held;
static int	 busy_ms = DB_BUSY_MS;	/* what db_busy() grants now */
static int	 wal_frames;		/* frames in the log at our last commit */
static int	 light;			/* in a db_try_begin() transaction */
static long long ckpt_after;		/* no checkpoint before (ms) */

/*
 * Group commit (db_batch_begin() .. db_batch_end()): the write requests of
 * one poll round share one real transaction, and so one fsync.  Each
 * request's db_begin() is a SAVEPOINT inside it, its db_commit() a RELEASE
 * and its db_rollback() a ROLLBACK TO that savepoint only.  Nothing is
 * durable before db_batch_end()'s COMMIT: serve.c holds the answers until
 * then.
 */
static int	 batch_on;		/* inside db_batch_begin() .. end() */
static int	 batch_tx;		/* the batch's BEGIN IMMEDIATE is open */
static int	 batch_sp;		/* this request's savepoint is open */
static int	 batch_released;	/* savepoints this request released */
static int	 batch_err;		/* the batch's transaction was lost: rc */
static long long batch_t0;		/* when its BEGIN IMMEDIATE ran (ms) */

static long long
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * SQLite's default busy handler sleeps in growing steps up to 100 ms, so
 * a connection that just missed a lock may sleep long after it was freed.
 * Writers of our programs no longer meet here (they queue on the write
 * lock first); what is left is the short waits that remain: a checkpoint
 * waiting for readers, a reader meeting a checkpoint or a log restart, and
 * a writer that does not take our lock (sqlite3 by hand).  Ours polls every
 * 50-250 µs (with jitter, so processes do not wake in step) until busy_ms.
 */
static int
db_busy(void *arg, int count)
{
	static long long start;
	long long	 now = now_ms();

	(void)arg;
	if (count == 0)
		start = now;
	if (now - start >= busy_ms)
		return 0;
	usleep(count < 20 ? 50 + (unsigned)(rand() % 50) :
	    150 + (unsigned)(rand() % 100));
	return 1;
}

/*
 * Remembers how long the log is after each of our commits (not after a
 * db_try_begin() one: it makes no checkpoint due).  Setting this
 * hook also turns off SQLite's automatic checkpoint, which would run inside
 * COMMIT: with the write lock held, before the answer is sent, and (under
 * load) on every commit, because a writer that begins while the previous
 * one is still checkpointing keeps the log from ever starting over.
 */
static int
db_wal_hook(void *arg, sqlite3 *d, const char *name, int frames)
{
	(void)arg;
	(void)d;
	(void)name;
	if (!light)		/* see db_try_begin() */
		wal_frames = frames;
	return SQLITE_OK;
}

/*
 * Opens <database>-write.lock (beside the file SQLite opened, its path made
 * absolute), creating it (0660) when missing.  Read-only is
 * enough for flock(), so a lock file that another user made and we may
 * only read still works; when root makes it, it is handed to the owner of
 * the database so that the services can open it.  Without the file the
 * programs still work: SQLite's lock and the busy handler alone serialise
 * the writes, as they did before.
 */
static void
db_lock_open(void)
{
	char		 lp[4200];
	struct stat	 sb;
	const char	*path = sqlite3_db_filename(db, "main");

	if (lock_fd != -1)
		close(lock_fd);	/* inherited over fork() by the admin tool */
	lock_fd = -1;
	lock_held = 0;
	/* An in-memory database (tests, fuzzers) has no file, nor sharers. */
	if (path == NULL || *path == '\0' ||
	    snprintf(lp, sizeof(lp), "%s-write.lock", path) >= (int)sizeof(lp))
		return;
	if ((lock_fd = open(lp, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
	    0660)) == -1)
		lock_fd = open(lp, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (lock_fd == -1) {
		nd_log("cannot open the write lock %s: %s; writers will poll",
		    lp, strerror(errno));
		return;
	}
	if (geteuid() == 0 && stat(path, &sb) == 0 && sb.st_uid != 0 &&
	    fchown(lock_fd, sb.st_uid, sb.st_gid) == -1)
		nd_log("cannot give %s to the database's owner: %s", lp,
		    strerror(errno));
}

static volatile sig_atomic_t lock_expired;

static void
on_lock_alarm(int sig)
{
	(void)sig;
	lock_expired = 1;
}

/*
 * Takes the write lock, waiting at most MS (0: not at all).  The wait is
 * flock() itself, interrupted by SIGALRM (installed without SA_RESTART).
 * The timer repeats every 10 ms after MS, so that a tick that lands just
 * before flock() is entered is followed by one that ends it.  Returns
 * SQLITE_OK (also when there is no lock file: see db_lock_open()) or
 * SQLITE_BUSY.
 */
static int
db_lock(int ms)
{
	struct sigaction	 sa, old;
	struct itimerval	 it, off;
	int			 rc, err;

	if (lock_fd == -1 || lock_held)
		return SQLITE_OK;
	if (flock(lock_fd, LOCK_EX | LOCK_NB) == 0) {
		lock_held = 1;
		return SQLITE_OK;
	}
	if (errno != EWOULDBLOCK) {
		nd_log("flock: %s", strerror(errno));
		return SQLITE_OK;	/* SQLite's lock still holds */
	}
	if (ms <= 0)
		return SQLITE_BUSY;	/* not waiting: db_try_begin() */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_lock_alarm;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, &old);
	memset(&it, 0, sizeof(it));
	memset(&off, 0, sizeof(off));
	it.it_value.tv_sec = ms / 1000;
	it.it_value.tv_usec = (ms % 1000) * 1000;
	it.it_interval.tv_usec = 10000;
	lock_expired = 0;
	setitimer(ITIMER_REAL, &it, NULL);
	while ((rc = flock(lock_fd, LOCK_EX)) == -1 && errno == EINTR &&
	    !lock_expired)
		continue;
	err = errno;
	/* Any tick due now is delivered to our handler before this returns. */
	setitimer(ITIMER_REAL, &off, NULL);
	sigaction(SIGALRM, &old, NULL);
	if (rc == 0) {
		lock_held = 1;
		return SQLITE_OK;
	}
	if (err != EINTR) {
		nd_log("flock: %s", strerror(err));
		return SQLITE_OK;
	}
	nd_log("the write lock stayed taken for %d ms", ms);
	return SQLITE_BUSY;
}

static void
db_unlock(void)
{
	if (lock_held)
		flock(lock_fd, LOCK_UN);
	lock_held = 0;
}

/*
 * Opens PATH (CREATE: may create it) with WAL, synchronous=FULL, foreign
 * keys, our busy handler and write lock, and prepares the library's
 * statements when the schema is there.  Returns 1, or 0 after logging why.
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
	sqlite3_wal_hook(db, db_wal_hook, NULL);
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
	db_lock_open();
	return 1;
}

/*
 * The work that must not delay an answer, run after each one is sent: a
 * WAL checkpoint once the log is DB_CKPT_FRAMES long.  It runs under the
 * write lock, so no writer begins while the pages are copied (such a
 * writer would keep reading the old log and stop it from starting over),
 * and in RESTART mode: it also waits (briefly) for the readers still in
 * the old log, so that the next commit writes at its start again.  The
 * fsyncs are those of synchronous=FULL (log, then database).  A reader
 * that stays longer makes it give up; the pages copied so far stay copied
 * and it tries again after its next commit, not before DB_CKPT_RETRY_MS.
 * (A worker that only reads used to try again every DB_CKPT_RETRY_MS for
 * the log length of its last write, long ago: each time it queued for the
 * write lock behind the audit journal's imports and stopped for the
 * readers, its kept connections waiting too: p99 of 64-106 ms for patient
 * by id.  Not waiting for the lock at all made the writers' checkpoints
 * rare and the log long: POST patient +15 % CPU.)
 */
void
db_idle(void)
{
	int	 rc;

	if (db == NULL || batch_on || wal_frames < DB_CKPT_FRAMES ||
	    now_ms() < ckpt_after || !sqlite3_get_autocommit(db))
		return;
	wal_frames = 0;		/* tried once per commit of ours */
	if (db_lock(DB_BUSY_MS) != SQLITE_OK) {
		ckpt_after = now_ms() + DB_CKPT_RETRY_MS;
		return;
	}
	busy_ms = DB_CKPT_BUSY_MS;
	rc = sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_RESTART,
	    NULL, NULL);
	busy_ms = DB_BUSY_MS;
	db_unlock();
	if (rc != SQLITE_OK) {
		ckpt_after = now_ms() + DB_CKPT_RETRY_MS;
		if ((rc & 0xff) != SQLITE_BUSY)
			nd_log("checkpoint: %s", sqlite3_errstr(rc));
	}
}

/*
 * Gives the page cache's memory back to the heap (the caller then trims
 * the heap): for a worker that went idle.  Outside a transaction only;
 * the pages are read again from the operating system's cache when needed,
 * and in WAL mode another connection's commit empties this cache anyway.
 */
void
db_shrink(void)
{
	if (db != NULL && sqlite3_get_autocommit(db))
		sqlite3_db_release_memory(db);
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
	if (db != NULL) {
		db_rollback();
		db_idle();	/* the last connection would checkpoint anyway */
		sqlite3_close_v2(db);
	}
	db = NULL;
	if (lock_fd != -1)
		close(lock_fd);
	lock_fd = -1;
	lock_held = 0;
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

/*
 * SQL text's first row, first column, as an integer (db_int1()), or DEF:
 * for the tool and the tests, as db_exec() is; a program keeps its SQL in
 * its statement table.
 */
long long
db_int_sql(const char *sql, long long def)
{
	sqlite3_stmt	*s;
	long long	 v;

	db_read_end();
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		return def;
	v = db_int1(s, def);
	sqlite3_finalize(s);
	return v;
}

/* Runs library statement K, or its SQL when not prepared (no schema yet). */
static int
db_ls(enum libstmt k)
{
	int	 rc;

	if (ls[k] == NULL)
		return db_exec(libsql[k]);
	rc = db_step(ls[k]);
	sqlite3_reset(ls[k]);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? SQLITE_OK : rc;
}

/*
 * In a batch, notes that SQLite rolled the batch's whole transaction back
 * (it does so on SQLITE_FULL, IOERR, NOMEM and some BUSY errors): RC is
 * then the batch's error, every request of the batch fails with it, and the
 * write lock is given back.
 */
static void
batch_check(int rc)
{
	if (!batch_tx || !sqlite3_get_autocommit(db))
		return;
	batch_tx = batch_sp = 0;
	batch_err = rc != SQLITE_OK ? rc : SQLITE_ABORT;
	db_unlock();
}

/* db_begin() in a batch: the batch's transaction when none is open yet,
 * then this request's savepoint. */
static int
batch_begin(void)
{
	int	 rc;

	if (batch_err != SQLITE_OK)
		return batch_err;
	if (batch_sp)
		return db_ls(LS_BEGIN);	/* fails, as it would outside */
	if (!batch_tx) {
		if ((rc = db_lock(DB_BUSY_MS)) != SQLITE_OK)
			return rc;
		if ((rc = db_ls(LS_BEGIN)) != SQLITE_OK) {
			db_unlock();
			return rc;
		}
		batch_tx = 1;
		batch_t0 = now_ms();
	}
	if ((rc = db_ls(LS_SAVEPOINT)) != SQLITE_OK) {
		batch_check(rc);
		return rc;
	}
	batch_sp = 1;
	return SQLITE_OK;
}

/* After db_try_begin()'s transaction: full commits again. */
static void
try_end(void)
{
	light = 0;
	db_exec("PRAGMA synchronous = FULL");
}

/*
 * For a write that may as well be left to a later request (a session's
 * last_seen): BEGIN IMMEDIATE only if the write lock is free now, else
 * SQLITE_BUSY at once.  Its commit does not wait for the disk
 * (synchronous=NORMAL for it: such a write may be lost with the power; the
 * next full commit's fsync covers it) and does not make a checkpoint due
 * in db_idle().  A read that waited for the lock behind the writers and the
 * audit import, and then for a checkpoint of their log, held every kept
 * connection of its worker meanwhile, and nginx sent the next requests to
 * them too: in the benchmark, the row that met a session's once-a-minute
 * touch had a p99 of 34-157 ms (5-15 ms without it).  Inside a write
 * already under way (a batch, a transaction) it is db_begin().
 */
int
db_try_begin(void)
{
	int	 rc;

	if (batch_on || !sqlite3_get_autocommit(db) || lock_held)
		return db_begin();
	if ((rc = db_lock(0)) != SQLITE_OK)
		return rc;
	if ((rc = db_exec("PRAGMA synchronous = NORMAL")) != SQLITE_OK ||
	    (rc = db_ls(LS_BEGIN)) != SQLITE_OK) {
		try_end();
		db_unlock();
		return rc;
	}
	light = 1;
	return SQLITE_OK;
}

/*
 * Takes the write lock of all processes, then BEGIN IMMEDIATE (SQLite's).
 * Returns SQLITE_OK, or rc with neither held (SQLITE_BUSY after DB_BUSY_MS
 * of waiting: 503).  Inside a transaction it only runs BEGIN, which fails.
 * In a batch, see batch_begin().
 */
int
db_begin(void)
{
	int	 rc, took = 0;

	if (batch_on)
		return batch_begin();
	if (sqlite3_get_autocommit(db) && !lock_held) {
		if ((rc = db_lock(DB_BUSY_MS)) != SQLITE_OK)
			return rc;
		took = 1;
	}
	if ((rc = db_ls(LS_BEGIN)) != SQLITE_OK && took)
		db_unlock();
	return rc;
}

/*
 * COMMIT and gives the lock back; on failure rolls back.  SQLITE_OK or rc.
 * In a batch it only releases the request's savepoint: the write is
 * durable once db_batch_end() returned SQLITE_OK, not before.
 */
int
db_commit(void)
{
	int	 rc;

	if (batch_on) {
		if (!batch_sp) {
			/* COMMIT here would end the other requests' batch. */
			nd_log("db_commit without db_begin in a batch");
			return batch_err != SQLITE_OK ? batch_err : SQLITE_ERROR;
		}
		if ((rc = db_ls(LS_RELEASE)) != SQLITE_OK) {
			batch_check(rc);
			db_rollback();
			return rc;
		}
		batch_sp = 0;
		batch_released++;
		return SQLITE_OK;
	}
	if ((rc = db_ls(LS_COMMIT)) != SQLITE_OK)
		db_rollback();
	else if (sqlite3_get_autocommit(db))
		db_unlock();
	if (light && sqlite3_get_autocommit(db))
		try_end();
	return rc;
}

/*
 * Rolls back if a transaction is open, and gives the write lock back.
 * In a batch it rolls back only the request's open savepoint (if any):
 * what earlier requests of the batch released stays.
 */
void
db_rollback(void)
{
	if (batch_on) {
		if (batch_sp) {
			db_ls(LS_ROLLBACK_TO);
			db_ls(LS_RELEASE);
			batch_sp = 0;
		}
		batch_check(SQLITE_ABORT);
		return;
	}
	if (!sqlite3_get_autocommit(db))
		db_ls(LS_ROLLBACK);
	if (sqlite3_get_autocommit(db)) {
		db_unlock();
		if (light)
			try_end();
	}
}

/*
 * Whether the caller's own transaction is open: in a batch, the request's
 * savepoint (the batch's transaction, open between requests, is not
 * theirs).
 */
int
db_in_tx(void)
{
	return batch_on ? batch_sp : !sqlite3_get_autocommit(db);
}

/* Starts a batch; the transaction itself begins at the first db_begin(). */
void
db_batch_begin(void)
{
	batch_on = 1;
	batch_tx = batch_sp = batch_released = 0;
	batch_err = SQLITE_OK;
}

int
db_batching(void)
{
	return batch_on;
}

/* Before each request of a batch: counts its savepoints afresh. */
void
db_batch_mark(void)
{
	batch_released = 0;
}

/* How many savepoints the current request released into the batch. */
int
db_batch_released(void)
{
	return batch_released;
}

/* How long the batch's transaction has been open (ms); 0 if not begun. */
long long
db_batch_age(void)
{
	return batch_tx ? now_ms() - batch_t0 : 0;
}

/* The error that lost the batch's transaction, or SQLITE_OK. */
int
db_batch_lost(void)
{
	batch_check(SQLITE_ABORT);
	return batch_err;
}

/*
 * Ends the batch: COMMIT (the one fsync of all its requests) and gives the
 * write lock back.  Returns SQLITE_OK when everything released in the batch
 * is durable, else the error (nothing of the batch was written).
 */
int
db_batch_end(void)
{
	int	 rc = SQLITE_OK;

	if (!batch_on)
		return SQLITE_OK;
	if (batch_sp)
		db_rollback();
	batch_check(SQLITE_ABORT);
	if (batch_err != SQLITE_OK)
		rc = batch_err;
	else if (batch_tx && (rc = db_ls(LS_COMMIT)) != SQLITE_OK &&
	    !sqlite3_get_autocommit(db))
		db_ls(LS_ROLLBACK);
	if (batch_tx)
		db_unlock();
	batch_on = batch_tx = batch_sp = batch_released = 0;
	batch_err = SQLITE_OK;
	return rc;
}

/*
 * Ends whatever the failure RC interrupted: marks a lost batch (so that it
 * fails with RC), then rolls back the caller's transaction or savepoint.
 * db_fail() (req.c) answers it.
 */
void
db_abort(int rc)
{
	batch_check(rc);
	db_rollback();
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
 * most once a minute); BUF holds 11 bytes.  Worked out once per second:
 * glibc's localtime_r() parses the zone's rule again on every call (1 %
 * of a worker serving patients by id).
 */
void
db_today(char *buf)
{
	static char	 tz[64] = "", day[11];
	static time_t	 read_at, day_at = -1;
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
			day_at = -1;
		}
		sqlite3_reset(ls[LS_TIMEZONE]);
	}
	if (t != day_at) {
		localtime_r(&t, &tm);
		strftime(day, sizeof(day), "%Y-%m-%d", &tm);
		day_at = t;
	}
	memcpy(buf, day, sizeof(day));
}
