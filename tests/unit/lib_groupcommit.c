/*
 * lib_groupcommit.c — group commit in db.c: inside db_batch_begin() ..
 * db_batch_end() each request's db_begin() is a savepoint of the batch's one
 * transaction, db_commit() releases it, db_rollback() (also route.c's
 * safety rollback after a handler) undoes only the request's own open
 * savepoint; nothing is visible to another connection, nor durable, before
 * db_batch_end()'s COMMIT; a failed COMMIT leaves nothing of the batch; the
 * write lock is held from the first db_begin() to the end of the batch.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "nd.h"
#include "unit.h"

static char	 dir[] = "/tmp/nd-groupcommit.XXXXXX";
static char	 path[256], lockpath[300];
static sqlite3	*other;		/* another process's view, in effect */

/* The rows of t in id order, as connection C sees them, into BUF. */
static const char *
rows(sqlite3 *c, char *buf, size_t size)
{
	sqlite3_stmt	*s;
	const unsigned char *v;

	buf[0] = '\0';
	if (sqlite3_prepare_v2(c, "SELECT group_concat(who) FROM"
	    " (SELECT who FROM t ORDER BY id)", -1, &s, NULL) != SQLITE_OK)
		return "(error)";
	if (sqlite3_step(s) == SQLITE_ROW &&
	    (v = sqlite3_column_text(s, 0)) != NULL)
		snprintf(buf, size, "%s", (const char *)v);
	sqlite3_finalize(s);
	return buf;
}

static int
refuse(void *arg)
{
	(void)arg;
	return 1;	/* turns the COMMIT into a ROLLBACK: an error */
}

int
main(void)
{
	char	 a[300], b[256];
	int	 rc;

	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(path, sizeof(path), "%s/t.db", dir);
	snprintf(lockpath, sizeof(lockpath), "%s-write.lock", path);
	CHECK("database opens", db_open(path, 1));
	CHECK("table", db_exec("CREATE TABLE t (id INTEGER PRIMARY KEY,"
	    " who TEXT)") == SQLITE_OK);
	CHECK("a second connection", sqlite3_open(path, &other) == SQLITE_OK);

	db_batch_begin();
	CHECK("a batch takes no lock before its first write", unit_lock_free(lockpath) == 1 &&
	    db_batching() && db_batch_age() == 0 && !db_in_tx());

	/* Request 1: written and released. */
	db_batch_mark();
	CHECK("request 1 begins", db_begin() == SQLITE_OK);
	CHECK("the first db_begin takes the write lock", unit_lock_free(lockpath) == 0);
	CHECK("inside its own transaction", db_in_tx());
	CHECK("a nested db_begin still fails", db_begin() != SQLITE_OK);
	CHECK("request 1 commits (releases)", unit_insert("one") == SQLITE_OK &&
	    db_commit() == SQLITE_OK && db_batch_released() == 1 &&
	    !db_in_tx());
	db_rollback();	/* route_dispatch()'s safety rollback */
	CHECK("the safety rollback keeps request 1",
	    strcmp(rows(db, a, sizeof(a)), "one") == 0);
	CHECK("the lock stays held between requests", unit_lock_free(lockpath) == 0);

	/* Request 2: rolled back, alone. */
	db_batch_mark();
	CHECK("request 2 begins", db_begin() == SQLITE_OK && unit_insert("two") ==
	    SQLITE_OK && db_batch_released() == 0);
	db_rollback();
	CHECK("request 2's rollback undoes only request 2",
	    strcmp(rows(db, a, sizeof(a)), "one") == 0 && !db_in_tx());
	CHECK("and leaves the batch's transaction open",
	    !sqlite3_get_autocommit(db) && unit_lock_free(lockpath) == 0);

	/* Request 3: a handler that returned inside its transaction. */
	db_batch_mark();
	CHECK("request 3 begins", db_begin() == SQLITE_OK &&
	    unit_insert("three") == SQLITE_OK);
	db_rollback();
	CHECK("the safety rollback undoes the open request 3",
	    strcmp(rows(db, a, sizeof(a)), "one") == 0);

	/* Request 4: a stray db_commit must not commit the batch. */
	db_batch_mark();
	CHECK("db_commit without db_begin fails in a batch",
	    db_commit() != SQLITE_OK && !sqlite3_get_autocommit(db));
	CHECK("request 4 commits", db_begin() == SQLITE_OK &&
	    unit_insert("four") == SQLITE_OK && db_commit() == SQLITE_OK &&
	    db_batch_released() == 1);
	CHECK("another connection sees nothing before the batch's COMMIT",
	    rows(other, b, sizeof(b))[0] == '\0');
	CHECK("the batch's age counts from its BEGIN", db_batch_age() >= 0);
	CHECK("no checkpoint inside a batch", (db_idle(), unit_lock_free(lockpath) == 0));
	CHECK("db_batch_end commits", db_batch_end() == SQLITE_OK &&
	    !db_batching() && sqlite3_get_autocommit(db));
	CHECK("the lock is free after the batch", unit_lock_free(lockpath) == 1);
	CHECK("another connection sees the released requests only",
	    strcmp(rows(other, b, sizeof(b)), "one,four") == 0);

	/* A batch whose COMMIT fails leaves nothing. */
	db_batch_begin();
	db_batch_mark();
	CHECK("request 5 commits (releases)", db_begin() == SQLITE_OK &&
	    unit_insert("five") == SQLITE_OK && db_commit() == SQLITE_OK &&
	    db_batch_released() == 1);
	db_batch_mark();
	CHECK("request 6 commits (releases)", db_begin() == SQLITE_OK &&
	    unit_insert("six") == SQLITE_OK && db_commit() == SQLITE_OK);
	sqlite3_commit_hook(db, refuse, NULL);
	rc = db_batch_end();
	sqlite3_commit_hook(db, NULL, NULL);
	CHECK("a failed COMMIT is reported", rc != SQLITE_OK);
	CHECK("nothing of that batch is written",
	    strcmp(rows(other, b, sizeof(b)), "one,four") == 0 &&
	    strcmp(rows(db, a, sizeof(a)), "one,four") == 0);
	CHECK("and the lock is free", unit_lock_free(lockpath) == 1 &&
	    sqlite3_get_autocommit(db));

	/* A batch in which no request wrote: no transaction at all. */
	db_batch_begin();
	db_batch_mark();
	CHECK("an empty batch ends without a transaction",
	    db_batch_end() == SQLITE_OK && unit_lock_free(lockpath) == 1);

	/* Outside a batch nothing changed. */
	CHECK("plain db_begin/db_commit after batches", db_begin() ==
	    SQLITE_OK && unit_insert("seven") == SQLITE_OK && db_commit() ==
	    SQLITE_OK && unit_lock_free(lockpath) == 1 &&
	    strcmp(rows(other, b, sizeof(b)), "one,four,seven") == 0);

	sqlite3_close(other);
	db_close();
	unit_db_remove(path);
	rmdir(dir);
	UNIT_END();
}
