/*
 * toolbase.c — what the admin tool's commands share: --var and the
 * database's path, becoming the owner of VAR/db, the maintenance lock,
 * private directories, time stamps, arguments, opening and migrating the
 * database, and importing the audit journal.  The command files
 * (nalamdesk-admin.c, backup.c, rotate.c) call it; it calls none of them.
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "nd.h"
#include "migrations.h"
#include "pkey.h"
#include "tool.h"

char	 tool_var[4096] = "./var";
char	 tool_db[4200];

/* Becomes the owner of VAR/db when run as root.  Returns 1 or 0. */
int
tool_drop_privileges(void)
{
	char		 dir[4200];
	struct stat	 sb;

	if (geteuid() != 0)
		return 1;
	snprintf(dir, sizeof(dir), "%s/db", tool_var);
	if (stat(dir, &sb) == -1 || sb.st_uid == 0)
		return 1;	/* nothing to protect yet, or root's own */
	if (setgroups(0, NULL) == -1 || setgid(sb.st_gid) == -1 ||
	    setuid(sb.st_uid) == -1) {
		fprintf(stderr, "nalamdesk-admin: cannot drop privileges: %s\n",
		    strerror(errno));
		return 0;
	}
	return 1;
}

/*
 * Takes DIR/db/maintenance.lock, EXCLUSIVE or shared, waiting for it.
 * Returns the descriptor to give to tool_unlock(), or -1 (said why).
 */
int
tool_lock(int exclusive)
{
	char	 path[4300];
	int	 fd;

	snprintf(path, sizeof(path), "%s/db/maintenance.lock", tool_var);
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) == -1) {
		fprintf(stderr, "nalamdesk-admin: cannot open %s: %s\n", path,
		    strerror(errno));
		return -1;
	}
	if (flock(fd, exclusive ? LOCK_EX : LOCK_SH) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

void
tool_unlock(int fd)
{
	if (fd != -1)
		close(fd);
}

/* Makes DIR/SUB (or DIR when SUB is NULL), 0700, if missing.  1 or 0. */
int
tool_mkdir(const char *dir, const char *sub)
{
	char	 path[4300];

	snprintf(path, sizeof(path), "%s%s%s", dir, sub ? "/" : "",
	    sub ? sub : "");
	if (mkdir(path, 0700) == -1 && errno != EEXIST) {
		fprintf(stderr, "nalamdesk-admin: cannot make %s: %s\n", path,
		    strerror(errno));
		return 0;
	}
	return 1;
}

/* Writes the UTC time now as YYYYmmddTHHMMSSZ (file names sort by time). */
void
tool_stamp(char *buf, size_t size)
{
	time_t		 t = time(NULL);
	struct tm	 tm;

	gmtime_r(&t, &tm);
	strftime(buf, size, "%Y%m%dT%H%M%SZ", &tm);
}

/*
 * Splits ARGV into options "--NAME VALUE" (NAMES, NULL-ended; values into
 * VALS, NULL when absent) and at most MAXPOS positional arguments into POS.
 * Returns the number of positionals, or -1 for an unknown option or too
 * many positionals.
 */
int
tool_args(int argc, char **argv, const char *const *names, const char **vals,
    char **pos, int maxpos)
{
	int	 i, j, npos = 0;

	for (j = 0; names[j] != NULL; j++)
		vals[j] = NULL;
	for (i = 0; i < argc; i++) {
		if (strncmp(argv[i], "--", 2) != 0) {
			if (npos == maxpos)
				return -1;
			pos[npos++] = argv[i];
			continue;
		}
		for (j = 0; names[j] != NULL; j++)
			if (strcmp(argv[i] + 2, names[j]) == 0)
				break;
		if (names[j] == NULL || i + 1 == argc)
			return -1;
		vals[j] = argv[++i];
	}
	return npos;
}

/* Opens the database (CREATE: may create it).  Returns 1 or 0. */
int
tool_open(int create)
{
	if (!tool_drop_privileges())
		return 0;
	if (!create && access(tool_db, F_OK) == -1) {
		fprintf(stderr, "nalamdesk-admin: no database at %s "
		    "(run: nalamdesk-admin --var %s migrate)\n", tool_db,
		    tool_var);
		return 0;
	}
	return db_open(tool_db, create);
}

/* The newest schema version this build knows. */
int
tool_latest(void)
{
	return nmigrations > 0 ? migrations[nmigrations - 1].version : 0;
}

/*
 * Applies every migration newer than the database's user_version, each
 * in one transaction with its new user_version.  Refuses a database newer
 * than this build.  Returns EXIT_OK or EXIT_FAIL.
 */
int
tool_migrate(int quiet)
{
	long long	 have = db_int_sql("PRAGMA user_version", -1), n;
	size_t		 i;
	char		 set[64];

	if (have < 0)
		return EXIT_FAIL;
	if (have > tool_latest()) {
		fprintf(stderr, "nalamdesk-admin: the database has schema "
		    "version %lld, newer than this program's %d; install the "
		    "newer NalamDesk\n", have, tool_latest());
		return EXIT_FAIL;
	}
	for (i = 0; i < nmigrations; i++) {
		if (migrations[i].version <= have)
			continue;
		snprintf(set, sizeof(set), "PRAGMA user_version = %d",
		    migrations[i].version);
		if (db_begin() != SQLITE_OK)
			return EXIT_FAIL;
		if (db_exec(migrations[i].sql) != SQLITE_OK ||
		    db_exec(set) != SQLITE_OK) {
			db_rollback();
			fprintf(stderr, "nalamdesk-admin: migration %s failed; "
			    "nothing of it was applied\n", migrations[i].name);
			return EXIT_FAIL;
		}
		if (db_commit() != SQLITE_OK)
			return EXIT_FAIL;
		if (!quiet)
			printf("applied %s\n", migrations[i].name);
	}
	/* What a migration left for C to do (names.c), before the sound
	 * keys, which are made from the names. */
	if (tool_pending_steps(quiet) != EXIT_OK)
		return EXIT_FAIL;
	/* The sound keys SQL cannot compute (pkey.h): of the patients a
	 * migration, a restore or an import left without one. */
	if ((n = pkey_fill(0)) < 0) {
		fprintf(stderr, "nalamdesk-admin: the patients' sound keys "
		    "could not be written (run: nalamdesk-admin rekey)\n");
		return EXIT_FAIL;
	}
	if (n > 0 && !quiet)
		printf("sound keys of %lld patients written\n", n);
	return EXIT_OK;
}

/*
 * Moves the audit journal's rows into the audit table (cgi-bin/lib/audit.c)
 * of the open database.  Returns the rows moved, or -1.
 */
long long
tool_audit_import(void)
{
	char		 j[4300], k[4300];
	long long	 n;

	snprintf(j, sizeof(j), "%s-audit.log", tool_db);
	snprintf(k, sizeof(k), "%s-audit.log.importing", tool_db);
	if (access(j, F_OK) == -1 && access(k, F_OK) == -1)
		return 0;	/* no journal (or a database older than it) */
	if (!audit_init())	/* prepares the library's statements too */
		return -1;
	n = audit_import();
	audit_fini();
	return n;
}
