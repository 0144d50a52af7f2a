/*
 * backup.c — the admin tool's backup, verify and restore commands.
 *
 * backup FILE   an online, consistent snapshot (SQLite's backup API, which
 *               copies a read snapshot while the clinic keeps writing),
 *               then the checks of verify on the copy.
 * verify FILE   integrity_check, foreign_key_check, the schema version and
 *               row counts; exit status 0 only if all is well.
 * restore FILE  verifies FILE, refuses a newer schema, keeps the current
 *               database as DIR/db/pre-restore-<time>.db, swaps the file in
 *               atomically (rename), then migrates it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "nd.h"
#include "tool.h"

/* Runs the checks on the open database S; prints a report unless QUIET. */
static int
check(sqlite3 *s, const char *label, int quiet)
{
	static const char *const tables[] = { "users", "patients", "visits",
	    "queue", "payments", "appointments", "audit" };
	sqlite3_stmt	*q;
	const unsigned char *t;
	int		 ok = 1, version = -1;
	size_t		 i;
	char		 sql[128];

	if (sqlite3_prepare_v2(s, "PRAGMA integrity_check", -1, &q, NULL) !=
	    SQLITE_OK)
		return 0;
	while (sqlite3_step(q) == SQLITE_ROW) {
		t = sqlite3_column_text(q, 0);
		if (t == NULL || strcmp((const char *)t, "ok") != 0) {
			ok = 0;
			if (!quiet)
				printf("integrity: %s\n", t ? (const char *)t : "?");
		}
	}
	sqlite3_finalize(q);
	if (ok && !quiet)
		printf("integrity: ok\n");
	if (sqlite3_prepare_v2(s, "PRAGMA foreign_key_check", -1, &q, NULL) !=
	    SQLITE_OK)
		return 0;
	if (sqlite3_step(q) == SQLITE_ROW) {
		ok = 0;
		if (!quiet)
			printf("foreign keys: broken references found\n");
	} else if (!quiet)
		printf("foreign keys: ok\n");
	sqlite3_finalize(q);
	if (sqlite3_prepare_v2(s, "PRAGMA user_version", -1, &q, NULL) ==
	    SQLITE_OK && sqlite3_step(q) == SQLITE_ROW)
		version = sqlite3_column_int(q, 0);
	sqlite3_finalize(q);
	if (!quiet)
		printf("schema version: %d (this program: %d)\n", version,
		    tool_latest());
	if (version < 1 || version > tool_latest()) {
		if (!quiet)
			printf("schema: %s\n", version < 1 ? "not a NalamDesk "
			    "database" : "newer than this program");
		ok = 0;
	}
	for (i = 0; !quiet && i < sizeof(tables) / sizeof(tables[0]); i++) {
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", tables[i]);
		if (sqlite3_prepare_v2(s, sql, -1, &q, NULL) != SQLITE_OK)
			continue;
		if (sqlite3_step(q) == SQLITE_ROW)
			printf("rows %s: %lld\n", tables[i],
			    (long long)sqlite3_column_int64(q, 0));
		sqlite3_finalize(q);
	}
	if (!quiet && sqlite3_prepare_v2(s, "SELECT max(ts) FROM audit", -1, &q,
	    NULL) == SQLITE_OK) {
		if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_text(q, 0))
			printf("newest record: %s\n", sqlite3_column_text(q, 0));
		sqlite3_finalize(q);
	}
	if (!quiet)
		printf("%s: %s\n", label, ok ? "good" : "BAD");
	return ok;
}

static int
verify_file(const char *path, int quiet)
{
	sqlite3	*s = NULL;
	int	 ok;

	if (access(path, R_OK) == -1) {
		fprintf(stderr, "nalamdesk-admin: cannot read %s: %s\n", path,
		    strerror(errno));
		return 0;
	}
	if (sqlite3_open_v2(path, &s, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		fprintf(stderr, "nalamdesk-admin: %s is not a database\n", path);
		sqlite3_close(s);
		return 0;
	}
	ok = check(s, path, quiet);
	sqlite3_close(s);
	return ok;
}

int
cmd_verify(int argc, char **argv)
{
	if (argc != 1)
		return 2;
	if (!tool_drop_privileges())
		return 1;
	return verify_file(argv[0], 0) ? 0 : 1;
}

/* Copies the open database into PATH with the backup API.  Returns 1/0. */
static int
snapshot(const char *path)
{
	sqlite3		*dst = NULL;
	sqlite3_backup	*b;
	int		 rc;

	if (sqlite3_open_v2(path, &dst, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		sqlite3_close(dst);
		return 0;
	}
	if ((b = sqlite3_backup_init(dst, "main", db, "main")) == NULL) {
		sqlite3_close(dst);
		return 0;
	}
	/* All pages in one step: one consistent read snapshot. */
	rc = sqlite3_backup_step(b, -1);
	sqlite3_backup_finish(b);
	if (rc == SQLITE_DONE)
		rc = sqlite3_exec(dst, "PRAGMA journal_mode = DELETE", NULL, NULL,
		    NULL);
	sqlite3_close(dst);
	return rc == SQLITE_OK;
}

int
cmd_backup(int argc, char **argv)
{
	char	 tmp[4300];

	if (argc != 1)
		return 2;
	if (!tool_open(0))
		return 1;
	snprintf(tmp, sizeof(tmp), "%s.partial", argv[0]);
	unlink(tmp);
	if (!snapshot(tmp)) {
		fprintf(stderr, "nalamdesk-admin: the backup could not be "
		    "written to %s\n", argv[0]);
		unlink(tmp);
		return 1;
	}
	if (!verify_file(tmp, 0)) {
		unlink(tmp);
		return 1;
	}
	if (rename(tmp, argv[0]) == -1) {
		unlink(tmp);
		return 1;
	}
	printf("backup written: %s\n", argv[0]);
	return 0;
}

int
cmd_restore(int argc, char **argv)
{
	char	 keep[4300], tmp[4300], stamp[32];
	time_t	 t = time(NULL);

	if (argc != 1)
		return 2;
	if (!tool_drop_privileges())
		return 1;
	if (!verify_file(argv[0], 0)) {
		fprintf(stderr, "nalamdesk-admin: %s did not pass its checks; "
		    "nothing was restored\n", argv[0]);
		return 1;
	}
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", gmtime(&t));
	snprintf(keep, sizeof(keep), "%s/db/pre-restore-%s.db", tool_var,
	    stamp);
	snprintf(tmp, sizeof(tmp), "%s/db/restore.partial", tool_var);
	unlink(tmp);
	/* The incoming copy is written next to the database, then renamed. */
	if (access(tool_db, F_OK) == 0) {
		if (!tool_open(0) || !snapshot(keep)) {
			fprintf(stderr, "nalamdesk-admin: could not keep the "
			    "current database; nothing was restored\n");
			return 1;
		}
		db_close();
		printf("current database kept as %s\n", keep);
	}
	{
		sqlite3	*src = NULL;
		if (sqlite3_open_v2(argv[0], &src, SQLITE_OPEN_READONLY, NULL) !=
		    SQLITE_OK) {
			sqlite3_close(src);
			return 1;
		}
		db = src;
		if (!snapshot(tmp)) {
			sqlite3_close(src);
			db = NULL;
			unlink(tmp);
			return 1;
		}
		sqlite3_close(src);
		db = NULL;
	}
	{
		char wal[4300], shm[4300];
		snprintf(wal, sizeof(wal), "%s-wal", tool_db);
		snprintf(shm, sizeof(shm), "%s-shm", tool_db);
		if (rename(tmp, tool_db) == -1) {
			unlink(tmp);
			return 1;
		}
		unlink(wal);
		unlink(shm);
	}
	if (!tool_open(0) || tool_migrate(0) != 0)
		return 1;
	printf("restored %s\n", argv[0]);
	return 0;
}
