/*
 * nalamdesk-admin — the command-line tool of the server's operator:
 * migrations, staff accounts, and (see cmd_* below) backups.
 *
 * Every command takes --var DIR (default $NALAMDESK_VAR, else ./var); the
 * database is DIR/db/nalamdesk.db.  Started as root, the tool first becomes
 * the owner of DIR/db, so that files SQLite creates (WAL, shm) stay
 * readable by the services and by nobody else.  Every file it creates is
 * private (umask 077): backups hold patient records.
 *
 * Commands that change the database file as a whole (migrate, restore)
 * hold DIR/db/maintenance.lock exclusively; backups hold it shared, so a
 * scheduled backup never copies a file that is being swapped.
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
#include "users.h"
#include "migrations.h"
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
	long long	 have = db_int_sql("PRAGMA user_version", -1);
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
	return EXIT_OK;
}

/*
 * migrate: creates or upgrades the database.  A database that already
 * holds data and has migrations to apply is first backed up (checked) to
 * VAR/backups/pre-migrate-<time>.db; if that fails nothing is migrated.
 */
static int
cmd_migrate(int argc, char **argv)
{
	char		 path[4400], stamp[32];
	long long	 have;
	int		 lock, rc;

	(void)argv;
	if (argc != 0)
		return EXIT_USAGE;
	if (!tool_mkdir(tool_var, NULL) || !tool_mkdir(tool_var, "db"))
		return EXIT_FAIL;
	if (!tool_open(1))
		return EXIT_FAIL;
	if ((lock = tool_lock(1)) == -1)
		return EXIT_FAIL;
	have = db_int_sql("PRAGMA user_version", -1);
	if (have >= 1 && have < tool_latest()) {
		tool_stamp(stamp, sizeof(stamp));
		snprintf(path, sizeof(path), "%s/backups/pre-migrate-%s.db",
		    tool_var, stamp);
		if (!tool_mkdir(tool_var, "backups") ||
		    !tool_backup_to(path, "tool", 1)) {
			fprintf(stderr, "nalamdesk-admin: could not back up the "
			    "database before migrating; nothing was migrated\n");
			tool_unlock(lock);
			return EXIT_FAIL;
		}
		printf("backed up to %s before migrating\n", path);
	}
	rc = tool_migrate(0);
	tool_unlock(lock);
	return rc;
}

/* Reads one line of stdin (the password) into BUF without its newline. */
static int
read_password(char *buf, size_t size)
{
	size_t	 n;

	if (fgets(buf, (int)size, stdin) == NULL)
		return 0;
	n = strcspn(buf, "\r\n");
	buf[n] = '\0';
	return 1;	/* checked by users_new_password() */
}

/* Finds "--NAME VALUE" in ARGV.  Returns VALUE or NULL. */
static const char *
opt(int argc, char **argv, const char *name)
{
	int	 i;

	for (i = 0; i + 1 < argc; i++)
		if (strncmp(argv[i], "--", 2) == 0 &&
		    strcmp(argv[i] + 2, name) == 0)
			return argv[i + 1];
	return NULL;
}

/*
 * user add --username U --name N --role R | user passwd --username U |
 * user count: the password is the first line of standard input.  The
 * accounts module (lib/users.c) does the writing; a new password ends the
 * user's sessions, and `passwd` makes the account active again (the
 * operator's recovery).  Audited as "user.add" / "user.passwd".
 */
static int
cmd_user(int argc, char **argv)
{
	const char	*sub = argc > 0 ? argv[0] : "";
	const char	*u = opt(argc, argv, "username");
	const char	*name = opt(argc, argv, "name");
	const char	*role = opt(argc, argv, "role");
	const char	*why;
	char		 pw[256], hash[256];
	long long	 id = 0;
	int		 add, rc = EXIT_FAIL, dbrc;

	if (strcmp(sub, "count") == 0) {
		if (!tool_open(0) || !users_init())
			return EXIT_FAIL;
		printf("%lld\n", users_count());
		users_fini();
		return EXIT_OK;
	}
	if ((add = strcmp(sub, "add") == 0)) {
		if (u == NULL || name == NULL || role == NULL)
			return EXIT_USAGE;
		if (!valid_username(u) || role_parse(role) < 0 ||
		    valid_utf8_chars(name) < 1 || valid_utf8_chars(name) > 100) {
			fprintf(stderr, "nalamdesk-admin: username is 3-32 of "
			    "a-z 0-9 . _ -; role is admin, doctor or frontdesk; "
			    "name is 1-100 characters\n");
			return EXIT_USAGE;
		}
	} else if (strcmp(sub, "passwd") == 0) {
		if (u == NULL)
			return EXIT_USAGE;
	} else
		return EXIT_USAGE;
	if (!read_password(pw, sizeof(pw)))
		return EXIT_FAIL;
	if (users_new_password(u, pw, hash, sizeof(hash), &why) != 1) {
		fprintf(stderr, "nalamdesk-admin: %s\n", why != NULL ? why :
		    "the password could not be hashed");
		return EXIT_FAIL;
	}
	explicit_bzero(pw, sizeof(pw));
	/* The sessions a new password ends are lib/auth.c's. */
	if (!tool_open(0) || !auth_init() || !users_init())
		goto out;
	if (db_begin() != SQLITE_OK)
		goto out;
	if (add) {
		if ((dbrc = users_create(u, name, role, hash, &id)) !=
		    SQLITE_OK) {
			fprintf(stderr, "nalamdesk-admin: %s\n",
			    dbrc == SQLITE_CONSTRAINT ?
			    "that username is taken" : sqlite3_errmsg(db));
			goto out;
		}
	} else if ((id = users_id(u)) <= 0 ||
	    users_set_password(id, hash, 1, 0) != SQLITE_OK) {
		fprintf(stderr, "nalamdesk-admin: no user %s\n", u);
		goto out;
	}
	if (audit_operator(TOOL_NAME, add ? "user.add" : "user.passwd", "user",
	    id) != SQLITE_OK)
		goto out;
	if (db_commit() == SQLITE_OK) {
		rc = EXIT_OK;
		printf("%s %s\n", add ? "added" : "password set for", u);
	}
out:
	explicit_bzero(hash, sizeof(hash));
	if (rc != EXIT_OK && db != NULL)
		db_rollback();
	users_fini();
	auth_fini();
	return rc;
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

/* Moves the audit journal's rows into the audit table (cgi-bin/lib/audit.c). */
static int
cmd_audit_import(int argc, char **argv)
{
	long long	 n;

	(void)argv;
	if (argc != 0)
		return EXIT_USAGE;
	if (!tool_open(0))
		return EXIT_FAIL;
	if ((n = tool_audit_import()) < 0) {
		fprintf(stderr, "nalamdesk-admin: the audit journal could not "
		    "be imported (the line above says why)\n");
		return EXIT_FAIL;
	}
	printf("%lld audit rows imported\n", n);
	return EXIT_OK;
}

static const struct command {
	const char	*name;
	int		(*fn)(int, char **);
	const char	*usage;
} commands[] = {
	{ "migrate", cmd_migrate,
	    "migrate                 create or upgrade the database" },
	{ "user", cmd_user,
	    "user add --username U --name N --role admin|doctor|frontdesk\n"
	    "                        add a user; password from stdin\n"
	    "  user passwd --username U  set a password (stdin); ends sessions\n"
	    "  user count              print how many users exist" },
	{ "audit-import", cmd_audit_import,
	    "audit-import            move the audit journal's rows (reads) into\n"
	    "                        the database's audit trail now" },
	{ "backup", cmd_backup,
	    "backup [--passphrase-file F] FILE\n"
	    "                        online snapshot of the database (audit\n"
	    "                        journal imported first), checked;\n"
	    "                        encrypted with the passphrase in F if given" },
	{ "verify", cmd_verify,
	    "verify [--passphrase-file F] FILE\n"
	    "                        check a backup: integrity, schema, row counts,\n"
	    "                        newest record; exit 0 only if it is good" },
	{ "restore", cmd_restore,
	    "restore [--passphrase-file F] FILE\n"
	    "                        replace the database with a checked backup\n"
	    "                        (plain or encrypted); stops and restarts the\n"
	    "                        services ($NALAMDESK_SERVICE under systemd)" },
	{ "backup-rotate", cmd_rotate,
	    "backup-rotate [--copy-to DIR] [--passphrase-file F] [--keep H,D,W,M]\n"
	    "                        scheduled backup into VAR/backups, rotated\n"
	    "                        (default 48 hourly, 14 daily, 8 weekly, 12\n"
	    "                        monthly); the newest copied, encrypted, to DIR" },
	{ "net", cmd_net,
	    "net apply | net check   (installed systems) regenerate the allow-list,\n"
	    "                        certificate and firewall from network.conf" },
};

static void
usage(FILE *f)
{
	size_t	 i;

	fprintf(f, "usage: nalamdesk-admin [--var DIR] COMMAND ...\n"
	    "The database is DIR/db/nalamdesk.db (DIR defaults to "
	    "$NALAMDESK_VAR, else ./var).\n"
	    "Commands:\n");
	for (i = 0; i < ND_NELEM(commands); i++)
		fprintf(f, "  %s\n", commands[i].usage);
	fprintf(f, "Exit status: 0 done, 1 failed, 2 wrong command line.\n");
}

int
main(int argc, char **argv)
{
	size_t	 i;
	int	 rc;

	nd_prog = TOOL_NAME;
	umask(077);
	if (getenv("NALAMDESK_VAR") != NULL && getenv("NALAMDESK_VAR")[0] != '\0')
		snprintf(tool_var, sizeof(tool_var), "%s", getenv("NALAMDESK_VAR"));
	argc--, argv++;
	while (argc > 0 && strncmp(argv[0], "--", 2) == 0) {
		if (strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0) {
			usage(stdout);
			return EXIT_OK;
		}
		if (strcmp(argv[0], "--var") == 0 && argc > 1) {
			snprintf(tool_var, sizeof(tool_var), "%s", argv[1]);
			argc -= 2, argv += 2;
		} else {
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	snprintf(tool_db, sizeof(tool_db), "%s/db/nalamdesk.db", tool_var);
	if (argc == 0) {
		usage(stderr);
		return EXIT_USAGE;
	}
	for (i = 0; i < ND_NELEM(commands); i++) {
		if (strcmp(argv[0], commands[i].name) != 0)
			continue;
		rc = commands[i].fn(argc - 1, argv + 1);
		if (rc == EXIT_USAGE)
			usage(stderr);
		audit_fini();
		db_close();
		return rc;
	}
	usage(stderr);
	return EXIT_USAGE;
}
