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
#include "text.h"
#include "migrations.h"
#include "pkey.h"
#include "tool.h"

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
 * user unlock --username U: forgets U's wrong passwords and clears every
 * lock, from every address (lib/users.c).  Audited "user.unlock".
 */
static int
user_unlock(const char *u)
{
	long long	 id;
	int		 cleared = 0, rc = EXIT_FAIL;

	if (!tool_open(0) || !users_init())
		goto out;
	if ((id = users_id(u)) <= 0) {
		fprintf(stderr, "nalamdesk-admin: no user %s\n", u);
		goto out;
	}
	if (db_begin() != SQLITE_OK)
		goto out;
	if (users_unlock(u, &cleared) != SQLITE_OK ||
	    audit_operator(TOOL_NAME, "user.unlock", "user", id, 0) != SQLITE_OK) {
		db_rollback();
		goto out;
	}
	if (db_commit() == SQLITE_OK) {
		rc = EXIT_OK;
		printf(cleared ? "unlocked %s\n" : "%s was not locked\n", u);
	}
out:
	users_fini();
	return rc;
}

/*
 * user add --username U --name N --role R | user passwd --username U |
 * user unlock --username U | user count: the password is the first line
 * of standard input.  The accounts module (lib/users.c) does the writing;
 * a new password ends the user's sessions, and `passwd` makes the account
 * active again (the operator's recovery).  Audited as "user.add" /
 * "user.passwd" / "user.unlock".
 */
static int
cmd_user(int argc, char **argv)
{
	const char	*sub = argc > 0 ? argv[0] : "";
	const char	*u = opt(argc, argv, "username");
	const char	*name = opt(argc, argv, "name");
	const char	*role = opt(argc, argv, "role");
	const char	*why;
	char		 pw[256] = "", hash[256], nname[512];
	enum text_refusal refusal;
	long long	 id = 0;
	int		 add, rc = EXIT_FAIL, dbrc;

	if (strcmp(sub, "count") == 0) {
		if (!tool_open(0) || !users_init())
			return EXIT_FAIL;
		printf("%lld\n", users_count());
		users_fini();
		return EXIT_OK;
	}
	if (strcmp(sub, "unlock") == 0) {
		if (u == NULL)
			return EXIT_USAGE;
		return user_unlock(u);
	}
	if ((add = strcmp(sub, "add") == 0)) {
		if (u == NULL || name == NULL || role == NULL)
			return EXIT_USAGE;
		if (!valid_username(u) || role_parse(role) < 0 ||
		    valid_utf8_chars(name) < 1 || valid_utf8_chars(name) > 100) {
			fprintf(stderr, "nalamdesk-admin: username is 3-32 of "
			    "a-z 0-9 . _ -; role is admin, doctor, frontdesk "
			    "or nurse; name is 1-100 characters\n");
			return EXIT_USAGE;
		}
		if (text_norm(name, nname, sizeof(nname), &refusal, NULL) != 1 ||
		    nname[0] == '\0') {
			fprintf(stderr, "nalamdesk-admin: the name: %s\n",
			    text_why(refusal));
			return EXIT_USAGE;
		}
	} else if (strcmp(sub, "passwd") == 0) {
		if (u == NULL)
			return EXIT_USAGE;
	} else
		return EXIT_USAGE;
	if (!read_password(pw, sizeof(pw)))
		return EXIT_FAIL;
	/* The sessions a new password ends are lib/auth.c's; the database
	 * is open first, for the password's check of the clinic's name. */
	if (!tool_open(0) || !auth_init() || !users_init())
		goto out;
	if (users_new_password(u, pw, hash, sizeof(hash), &why) != 1) {
		fprintf(stderr, "nalamdesk-admin: %s\n", why != NULL ? why :
		    "the password could not be hashed");
		goto out;
	}
	explicit_bzero(pw, sizeof(pw));
	if (db_begin() != SQLITE_OK)
		goto out;
	if (add) {
		if ((dbrc = users_create(u, nname, role, hash, &id)) !=
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
	    id, 0) != SQLITE_OK)
		goto out;
	if (db_commit() == SQLITE_OK) {
		rc = EXIT_OK;
		printf("%s %s\n", add ? "added" : "password set for", u);
	}
out:
	explicit_bzero(pw, sizeof(pw));
	explicit_bzero(hash, sizeof(hash));
	if (rc != EXIT_OK && db != NULL)
		db_rollback();
	users_fini();
	auth_fini();
	return rc;
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

/*
 * rekey: rebuilds every patient's sound key (patients.name_key, the search
 * across scripts) from the name; for keys written by an older NalamDesk or
 * rows changed by hand.
 */
static int
cmd_rekey(int argc, char **argv)
{
	long long	 n;
	int		 lock;

	(void)argv;
	if (argc != 0)
		return EXIT_USAGE;
	if (!tool_open(0))
		return EXIT_FAIL;
	if ((lock = tool_lock(1)) == -1)
		return EXIT_FAIL;
	n = pkey_fill(1);
	tool_unlock(lock);
	if (n < 0) {
		fprintf(stderr, "nalamdesk-admin: the sound keys could not be "
		    "written\n");
		return EXIT_FAIL;
	}
	printf("sound keys of %lld patients written\n", n);
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
	    "user add --username U --name N --role admin|doctor|frontdesk|nurse\n"
	    "                        add a user; password from stdin\n"
	    "  user passwd --username U  set a password (stdin); ends sessions\n"
	    "  user unlock --username U  clear the locks that wrong passwords put\n"
	    "                        on U, from every computer\n"
	    "  user count              print how many users exist" },
	{ "audit-import", cmd_audit_import,
	    "audit-import            move the audit journal's rows (reads) into\n"
	    "                        the database's audit trail now" },
	{ "export-fhir", cmd_export_fhir,
	    "export-fhir OUTDIR      every patient as FHIR R4: one Bundle each in\n"
	    "                        OUTDIR/bundles/, and OUTDIR/<Type>.ndjson" },
	{ "import-nalamdesk", cmd_import_nalamdesk,
	    "import-nalamdesk [--dry-run] FILE.db\n"
	    "                        import the Electron NalamDesk's (unencrypted)\n"
	    "                        database; prints what was and was not\n"
	    "                        imported; exit 3 if FILE was imported before" },
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
	    "                        monthly); the newest copied, encrypted, to DIR\n"
	    "                        (default: the folder set on the Backups screen;\n"
	    "                        passphrase default VAR/backup.key)" },
	{ "backup-schedule", cmd_schedule,
	    "backup-schedule [--count N]\n"
	    "                        print the next N times of the scheduled\n"
	    "                        backups (those of nalamdesk-backup.timer)" },
	{ "backup-wait", cmd_backup_wait,
	    "backup-wait             sleep until the next scheduled backup (make\n"
	    "                        run's schedule; NALAMDESK_BACKUP_EVERY=S:\n"
	    "                        S seconds instead, for drills)" },
	{ "rekey", cmd_rekey,
	    "rekey                   rebuild every patient's sound key (the name\n"
	    "                        search across scripts)" },
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
	fprintf(f, "--var DIR may also come after the command's name.\n"
	    "Exit status: 0 done, 1 failed, 2 wrong command line, 3 refused\n"
	    "(nothing changed).\n");
}

/*
 * Takes "--var DIR" out of a command's arguments ARGV (ARGC of them), where
 * it may stand anywhere an option may: every other "--NAME" but --dry-run
 * takes a value, which is skipped (a value "--var" stays a value).  Returns
 * the number of arguments left, or -1 for a --var without its DIR.
 */
static int
take_var(int argc, char **argv)
{
	int	 i = 0;

	while (i < argc) {
		if (strcmp(argv[i], "--var") == 0) {
			if (i + 1 == argc)
				return -1;
			snprintf(tool_var, sizeof(tool_var), "%s", argv[i + 1]);
			memmove(argv + i, argv + i + 2,
			    (size_t)(argc - i - 2) * sizeof(*argv));
			argc -= 2;
		} else if (strncmp(argv[i], "--", 2) == 0 &&
		    strcmp(argv[i], "--dry-run") != 0)
			i += 2;
		else
			i++;
	}
	return argc;
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
	if (argc == 0 || (argc = take_var(argc - 1, argv + 1) + 1) == 0) {
		usage(stderr);
		return EXIT_USAGE;
	}
	snprintf(tool_db, sizeof(tool_db), "%s/db/nalamdesk.db", tool_var);
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
