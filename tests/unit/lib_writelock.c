/*
 * lib_writelock.c — the write lock of db.c: every write transaction holds
 * flock() on <database>-write.lock from BEGIN to COMMIT or ROLLBACK; a
 * second writer waits for it in the kernel (not in SQLite's busy handler)
 * and is served when it is free; a writer killed while holding it frees
 * it; the wait is bounded; db_try_begin() does not wait; and db_idle()
 * starts the WAL over, trying once per commit (not for db_try_begin's).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "nd.h"
#include "unit.h"

static char	 dir[] = "/tmp/nd-writelock.XXXXXX";
static char	 path[256], lockpath[300];

static long long
ms_now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Whether /proc/locks shows PID blocked on a flock(). */
static int
waits_in_kernel(pid_t pid)
{
	char	 line[256], want[32];
	FILE	*f = fopen("/proc/locks", "r");
	int	 found = 0;

	if (f == NULL)
		return 0;
	snprintf(want, sizeof(want), " %ld ", (long)pid);
	while (fgets(line, sizeof(line), f) != NULL)
		if (strstr(line, "-> FLOCK") != NULL &&
		    strstr(line, want) != NULL)
			found = 1;
	fclose(f);
	return found;
}

enum job { WAITER, HOLDER, STUCK };

struct child {
	pid_t	 pid;
	int	 go;	/* we write a byte: start */
	int	 out;	/* it writes: its report */
};

/*
 * Forks a child for JOB before this process opens the database (a child
 * must not inherit an open SQLite connection, nor SQLite's record of the
 * parent's locks); it opens its own when told to go.
 */
static void
spawn(struct child *ch, enum job job)
{
	long long	 t0, waited;
	int		 go[2], out[2], rc;
	char		 c;

	if (pipe(go) == -1 || pipe(out) == -1 || (ch->pid = fork()) == -1)
		exit(1);
	if (ch->pid != 0) {
		close(go[0]);
		close(out[1]);
		ch->go = go[1];
		ch->out = out[0];
		return;
	}
	close(go[1]);
	close(out[0]);
	if (read(go[0], &c, 1) != 1 || !db_open(path, 0))
		_exit(3);
	switch (job) {
	case WAITER:
		t0 = ms_now();
		rc = db_begin();
		waited = ms_now() - t0;
		if (rc == SQLITE_OK && unit_insert("child") == SQLITE_OK)
			rc = db_commit();
		if (write(out[1], &waited, sizeof(waited)) != sizeof(waited))
			_exit(4);
		_exit(rc == SQLITE_OK ? 0 : 1);
	case HOLDER:
		if (db_begin() != SQLITE_OK || unit_insert("lost") != SQLITE_OK)
			_exit(1);
		if (write(out[1], "x", 1) != 1)
			_exit(4);
		pause();
		_exit(0);
	case STUCK:
		if (db_begin() != SQLITE_OK)
			_exit(1);
		if (write(out[1], "x", 1) != 1)
			_exit(4);
		sleep(30);
		_exit(0);
	}
	_exit(5);
}

int
main(void)
{
	struct child	 waiter, holder, stuck;
	sqlite3_stmt	*s;
	long long	 t0, waited = -1;
	int		 st, i, rc, seen = 0;
	int		 wal = -1, ckpt = -1;
	char		 c;

	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(path, sizeof(path), "%s/t.db", dir);
	snprintf(lockpath, sizeof(lockpath), "%s-write.lock", path);
	spawn(&waiter, WAITER);
	spawn(&holder, HOLDER);
	spawn(&stuck, STUCK);
	CHECK("database opens", db_open(path, 1));
	CHECK("table", db_exec("CREATE TABLE t (id INTEGER PRIMARY KEY,"
	    " who TEXT, pad BLOB)") == SQLITE_OK);
	CHECK("the lock file is made beside the database",
	    access(lockpath, F_OK) == 0);

	/* Held from BEGIN to COMMIT, and only then. */
	CHECK("free outside a transaction", unit_lock_free(lockpath) == 1);
	CHECK("db_begin", db_begin() == SQLITE_OK);
	CHECK("held inside a write transaction", unit_lock_free(lockpath) == 0);
	CHECK("a nested BEGIN fails", db_begin() != SQLITE_OK);
	CHECK("and leaves the lock held", unit_lock_free(lockpath) == 0);
	CHECK("db_commit", unit_insert("a") == SQLITE_OK && db_commit() ==
	    SQLITE_OK);
	CHECK("free after COMMIT", unit_lock_free(lockpath) == 1);
	CHECK("db_begin again", db_begin() == SQLITE_OK && unit_lock_free(lockpath) == 0);
	db_rollback();
	CHECK("free after ROLLBACK", unit_lock_free(lockpath) == 1);

	/* A second writer waits in the kernel and is served at COMMIT. */
	CHECK("db_begin before the other writer", db_begin() == SQLITE_OK);
	if (write(waiter.go, "g", 1) != 1)
		return 1;
	for (i = 0; i < 200 && !seen; i++) {
		usleep(10000);
		seen = waits_in_kernel(waiter.pid);
	}
	CHECK("the second writer sleeps in flock(), not in SQLite", seen);
	usleep(200000);
	CHECK("the first writer commits", unit_insert("parent") == SQLITE_OK &&
	    db_commit() == SQLITE_OK);
	CHECK("the second writer was served (no busy)",
	    read(waiter.out, &waited, sizeof(waited)) == sizeof(waited) &&
	    waitpid(waiter.pid, &st, 0) == waiter.pid && WIFEXITED(st) &&
	    WEXITSTATUS(st) == 0);
	CHECK("after waiting for the first", waited >= 150 && waited < 3000);
	CHECK("in that order", sqlite3_prepare_v2(db, "SELECT group_concat(who)"
	    " FROM (SELECT who FROM t ORDER BY id)", -1, &s, NULL) ==
	    SQLITE_OK && sqlite3_step(s) == SQLITE_ROW &&
	    strcmp((const char *)sqlite3_column_text(s, 0),
	    "a,parent,child") == 0);
	sqlite3_finalize(s);

	/* db_try_begin(): the same lock, taken only when free. */
	CHECK("db_try_begin with the lock free takes it",
	    db_try_begin() == SQLITE_OK && unit_lock_free(lockpath) == 0);
	CHECK("inside it, synchronous=NORMAL: its commit does not wait for the disk",
	    db_int_sql("PRAGMA synchronous", -1) == 1);
	CHECK("and its commit frees it", unit_insert("tried") == SQLITE_OK &&
	    db_commit() == SQLITE_OK && unit_lock_free(lockpath) == 1);
	CHECK("the next commits wait for it again (synchronous=FULL)",
	    db_int_sql("PRAGMA synchronous", -1) == 2);
	CHECK("one rolled back frees it and puts FULL back too",
	    db_try_begin() == SQLITE_OK && (db_rollback(), 1) &&
	    unit_lock_free(lockpath) == 1 &&
	    db_int_sql("PRAGMA synchronous", -1) == 2);

	/* A writer killed while holding it frees it. */
	CHECK("a child holds the lock", write(holder.go, "g", 1) == 1 &&
	    read(holder.out, &c, 1) == 1 && unit_lock_free(lockpath) == 0);
	kill(holder.pid, SIGKILL);
	waitpid(holder.pid, &st, 0);
	t0 = ms_now();
	CHECK("after SIGKILL the next writer gets it at once",
	    db_begin() == SQLITE_OK && ms_now() - t0 < 1000);
	CHECK("and the killed writer's row is not there",
	    unit_insert("after") == SQLITE_OK && db_commit() == SQLITE_OK &&
	    db_int_sql("SELECT count(*) FROM t WHERE who = 'lost'", -1) == 0);

	/* The wait is bounded: 503 (SQLITE_BUSY) after 5 s, not forever. */
	if (write(stuck.go, "g", 1) != 1 || read(stuck.out, &c, 1) != 1)
		return 1;
	t0 = ms_now();
	rc = db_begin();
	waited = ms_now() - t0;
	CHECK("a writer behind a stuck one gives up busy", rc == SQLITE_BUSY);
	CHECK("after about 5 s", waited >= 4900 && waited < 8000);
	usleep(50000);	/* a late SIGALRM would end this process here */
	CHECK("with no transaction open", sqlite3_get_autocommit(db));
	t0 = ms_now();
	rc = db_try_begin();
	waited = ms_now() - t0;
	CHECK("db_try_begin behind a writer gives up at once",
	    rc == SQLITE_BUSY && waited < 50 && sqlite3_get_autocommit(db) &&
	    db_int_sql("PRAGMA synchronous", -1) == 2);
	kill(stuck.pid, SIGKILL);
	waitpid(stuck.pid, &st, 0);
	CHECK("the process survives its timer and writes on",
	    db_begin() == SQLITE_OK && db_commit() == SQLITE_OK);

	/* db_idle(): after 1,000 frames, the log starts over. */
	for (i = 0; i < 600; i++) {
		if (db_begin() != SQLITE_OK || db_exec("INSERT INTO t (who, pad)"
		    " VALUES ('pad', zeroblob(3000))") != SQLITE_OK ||
		    db_commit() != SQLITE_OK)
			break;
	}
	CHECK("600 commits", i == 600);
	sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_PASSIVE, &wal,
	    &ckpt);
	CHECK("no automatic checkpoint: the log keeps growing", wal >= 1000);
	db_idle();
	CHECK("db_idle leaves the lock free", unit_lock_free(lockpath) == 1);
	CHECK("one more commit", db_begin() == SQLITE_OK &&
	    unit_insert("z") == SQLITE_OK && db_commit() == SQLITE_OK);
	sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_PASSIVE, &wal,
	    &ckpt);
	CHECK("after db_idle the log started over", wal >= 0 && wal < 10);

	/* db_idle() tries once per commit of ours: a worker that only reads
	 * does not keep stopping for a log length it saw long ago. */
	for (i = 0; i < 600; i++) {
		if (db_begin() != SQLITE_OK || db_exec("INSERT INTO t (who, pad)"
		    " VALUES ('pad', zeroblob(3000))") != SQLITE_OK ||
		    db_commit() != SQLITE_OK)
			break;
	}
	{
		sqlite3	*rd = NULL;

		/* A reader in the log: the checkpoint gives up on it. */
		CHECK("a reader holds a snapshot", sqlite3_open_v2(path, &rd,
		    SQLITE_OPEN_READONLY, NULL) == SQLITE_OK && sqlite3_exec(rd,
		    "BEGIN; SELECT count(*) FROM t", NULL, NULL, NULL) ==
		    SQLITE_OK);
		t0 = ms_now();
		db_idle();
		waited = ms_now() - t0;
		CHECK("db_idle tries, and gives up on the reader", waited >= 15);
		usleep(1100 * 1000);	/* past DB_CKPT_RETRY_MS */
		t0 = ms_now();
		db_idle();
		waited = ms_now() - t0;
		CHECK("nor tries again (and waits for the reader) before a"
		    " commit of its own", waited < 10);
		CHECK("a commit of db_try_begin's", db_try_begin() ==
		    SQLITE_OK && unit_insert("w") == SQLITE_OK &&
		    db_commit() == SQLITE_OK);
		t0 = ms_now();
		db_idle();
		waited = ms_now() - t0;
		CHECK("does not make a checkpoint due either", waited < 10);
		sqlite3_exec(rd, "COMMIT", NULL, NULL, NULL);
		sqlite3_close(rd);
	}
	CHECK("a commit of its own", db_begin() == SQLITE_OK &&
	    unit_insert("y") == SQLITE_OK && db_commit() == SQLITE_OK);
	db_idle();
	CHECK("then db_idle, and one more commit", db_begin() == SQLITE_OK &&
	    unit_insert("x") == SQLITE_OK && db_commit() == SQLITE_OK);
	sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_PASSIVE, &wal,
	    &ckpt);
	CHECK("and the log started over", wal >= 0 && wal < 10);

	db_close();
	unit_db_remove(path);
	rmdir(dir);
	UNIT_END();
}
