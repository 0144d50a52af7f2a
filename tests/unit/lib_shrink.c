/*
 * lib_shrink.c — db_shrink(), which an idle worker calls before it trims
 * its heap (serve.c): the connection's page cache is given back outside a
 * transaction, kept inside one, and what was cached reads back the same.
 */
#include <stdio.h>
#include <unistd.h>

#include "nd.h"
#include "unit.h"

/* Bytes of heap the page cache of the worker's connection holds. */
static int
cache_used(void)
{
	int	 cur = -1, hi = 0;

	sqlite3_db_status(db, SQLITE_DBSTATUS_CACHE_USED, &cur, &hi, 0);
	return cur;
}

/* Reads every row of t; returns the sum of their lengths, or -1. */
static long long
read_all(void)
{
	return db_int_sql("SELECT sum(length(b)) FROM t", -1);
}

int
main(void)
{
	char	 path[] = "shrinkXXXXXX";
	int	 fd = mkstemp(path), full;

	close(fd);
	CHECK("database opens", db_open(path, 1));
	CHECK("a table of 2,000 rows of 1 KiB is written",
	    db_exec("BEGIN IMMEDIATE") == SQLITE_OK &&
	    db_exec("CREATE TABLE t (id INTEGER PRIMARY KEY, b BLOB)") ==
	    SQLITE_OK &&
	    db_exec("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 "
	    "FROM n WHERE i < 2000) INSERT INTO t (b) SELECT randomblob(1024) "
	    "FROM n") == SQLITE_OK &&
	    db_exec("COMMIT") == SQLITE_OK);
	CHECK("it reads back whole", read_all() == 2000 * 1024);
	full = cache_used();
	CHECK("the read filled the page cache (over 1 MiB)",
	    full > 1024 * 1024);

	CHECK("a transaction is open", db_exec("BEGIN") == SQLITE_OK &&
	    read_all() == 2000 * 1024);
	db_shrink();
	CHECK("inside a transaction the cache is kept",
	    cache_used() >= full);
	CHECK("the transaction ends", db_exec("COMMIT") == SQLITE_OK);

	db_shrink();
	CHECK("outside one, db_shrink gives the cache back (under 64 KiB)",
	    cache_used() < 64 * 1024);
	CHECK("and the rows read back the same", read_all() == 2000 * 1024);

	db_close();
	db_shrink();		/* no connection: nothing to do */
	unit_db_remove(path);
	UNIT_END();
}
