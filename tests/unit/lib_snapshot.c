/*
 * lib_snapshot.c — a GET reads in one snapshot (db_read_begin), and that
 * snapshot never stands in the way of a write: another process's commit
 * after the snapshot began must not make the request's own audit row or
 * write fail (a read transaction upgraded to a write one would fail at
 * once with SQLITE_BUSY_SNAPSHOT instead of waiting for the lock).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "nd.h"
#include "unit.h"

static sqlite3	*other;		/* another process's connection */
static long long seen[2];	/* rev as the handler read it, twice */

/* Another process commits a change of rev. */
static int
other_commits(void)
{
	return sqlite3_exec(other, "UPDATE rev SET n = n + 1 WHERE id = 1",
	    NULL, NULL, NULL) == SQLITE_OK;
}

/* A read that audits, as patient_get does, after another commit. */
static int
handler(struct req *r)
{
	int	 rc;

	seen[0] = db_rev();
	if (!other_commits())
		return 500;
	seen[1] = db_rev();
	if ((rc = audit(r, "thing.read", "thing", 1, 0)) != SQLITE_OK)
		return db_fail(r, rc);
	return 200;
}

static const struct route routes[] = {
	{ METHOD_GET, "/api/things/{id}", R_FRONTDESK, NULL, handler, 0 },
};

int
main(void)
{
	char	 path[] = "snapshotXXXXXX", token[] =
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", hash[65], sql[512];
	char	 cookie[80];
	long long v0;
	struct req r;
	int	 fd = mkstemp(path), st;

	close(fd);
	CHECK("database opens", db_open(path, 1));
	CHECK("schema applies", unit_schema_apply("001_init.sql"));
	/* The audit journal's import record, for the read's audit line. */
	CHECK("audit journal schema applies",
	    unit_schema_apply("006_audit_journal.sql"));
	/* The audit row's detail column (a listing's ids). */
	CHECK("sign-in schema applies", unit_schema_apply_topic("signin.sql"));
	CHECK("library statements prepare", db_prepare_all(NULL, 0, NULL) &&
	    auth_init() && audit_init());
	CHECK("a second connection opens", sqlite3_open(path, &other) ==
	    SQLITE_OK && sqlite3_busy_timeout(other, 5000) == SQLITE_OK);
	auth_token_hash(token, hash);
	snprintf(sql, sizeof(sql),
	    "INSERT INTO users VALUES (1, 'desk', 'Desk', 'frontdesk', 'x', 1, 1, 'a', 'a');"
	    "INSERT INTO sessions VALUES (1, '%s', 1, %lld, %lld, NULL);",
	    hash, (long long)time(NULL), (long long)time(NULL));
	CHECK("fixtures load", db_exec(sql) == SQLITE_OK);
	snprintf(cookie, sizeof(cookie), "nd_session=%s", token);

	/* The library's functions on their own. */
	db_read_begin();
	v0 = db_rev();
	CHECK("another process commits during the snapshot", other_commits());
	CHECK("the snapshot does not see it", db_rev() == v0);
	CHECK("the connection stays in autocommit mode",
	    sqlite3_get_autocommit(db));
	CHECK("a write transaction still begins", db_begin() == SQLITE_OK);
	CHECK("and sees the latest commit", db_rev() == v0 + 1);
	CHECK("and commits", db_commit() == SQLITE_OK);
	db_read_end();
	db_read_begin();
	CHECK("db_exec() ends the snapshot before its SQL",
	    other_commits() && db_exec("UPDATE rev SET n = n + 1 WHERE id = 1")
	    == SQLITE_OK && db_rev() == v0 + 3);
	db_read_end();
	CHECK("after the snapshot, a read sees every commit",
	    other_commits() && db_rev() == v0 + 4);

	/* Through route_dispatch: a GET whose handler audits. */
	req_init(&r);
	r.method = METHOD_GET;
	r.path = "/api/things/1";
	r.cookie = cookie;
	r.remote_addr = "127.0.0.1";
	st = route_dispatch(&r, routes, ND_NELEM(routes));
	req_free(&r);
	CHECK("a GET that audits after another commit answers 200", st == 200);
	CHECK("its reads saw one moment", seen[0] == v0 + 4 &&
	    seen[1] == v0 + 4);
	CHECK("its audit line was written to the journal, and imports",
	    audit_import() == 1);
	CHECK("its audit row is then in the table", db_int_sql("SELECT count(*)"
	    " FROM audit WHERE action = 'thing.read'", -1) == 1);
	CHECK("no transaction is left open", sqlite3_get_autocommit(db) &&
	    db_int_sql("SELECT n FROM rev", -1) == v0 + 5);

	sqlite3_close(other);
	audit_fini();
	auth_fini();
	db_close();
	unit_db_remove(path);
	UNIT_END();
}
