/*
 * backup.c — the admin tool's backup, verify and restore commands.
 *
 * backup FILE   an online, consistent snapshot: SQLite's backup API copies
 *               every page inside ONE read transaction (WAL lets the clinic
 *               keep writing meanwhile), into FILE.partial; the checks of
 *               verify run on the copy, and only a good copy is renamed to
 *               FILE.  With --passphrase-file the result is encrypted
 *               (lib/backupseal.c) and the plain copy never reaches FILE's disk.
 *
 * Under sudo, the database is only ever opened by the owner of VAR/db (a
 * forked child that dropped privileges): root only reads and writes the
 * files the sysadmin named, which the service user may not reach.
 * verify FILE   integrity_check, foreign_key_check, the schema version,
 *               row counts and the newest record's time; exit 0 only if
 *               the copy is good and not newer than this program.
 * restore FILE  see cmd_restore() below: stage and verify first, stop the
 *               services, keep the current database, swap atomically,
 *               migrate, start the services again.
 */
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "nd.h"
#include "backup.h"
#include "changes.h"
#include "tool.h"

/*
 * Runs the checks of the backup module on the plain copy PATH and, unless
 * QUIET, prints the report, which ends in "LABEL: good" (LABEL NULL:
 * PATH).  Writes the schema version into *VERSION when not NULL.  Returns
 * what was found.
 */
enum backup_check
tool_check(const char *path, const char *label, int quiet, int *version)
{
	if (version != NULL)
		*version = -1;
	if (access(path, R_OK) == -1) {
		fprintf(stderr, "nalamdesk-admin: cannot read %s: %s\n", path,
		    strerror(errno));
		return BACKUP_BROKEN;
	}
	return backup_verify(path, label, tool_latest(), quiet ? NULL : stdout,
	    NULL, 0, version);
}

/*
 * Reads a passphrase: the first line of FILE when FILE is not NULL, else
 * from the terminal without echo.  Returns 1, or 0 after saying why.
 */
int
tool_passphrase(const char *file, char *buf, size_t size)
{
	struct termios	 t, old;
	FILE		*f;
	int		 tty = 0, ok;

	if (file != NULL) {
		if ((ok = backup_key(file, buf, size)) == 0)
			fprintf(stderr, "nalamdesk-admin: there is no "
			    "passphrase file %s\n", file);
		return ok == 1;
	}
	if ((f = fopen("/dev/tty", "r+e")) == NULL) {
		fprintf(stderr, "nalamdesk-admin: this copy is encrypted: give "
		    "--passphrase-file FILE (no terminal to ask on)\n");
		return 0;
	}
	fputs("Backup passphrase: ", f);
	fflush(f);
	if (tcgetattr(fileno(f), &old) == 0) {
		t = old;
		t.c_lflag &= ~(tcflag_t)ECHO;
		tty = tcsetattr(fileno(f), TCSAFLUSH, &t) == 0;
	}
	ok = fgets(buf, (int)size, f) != NULL;
	if (tty) {
		tcsetattr(fileno(f), TCSAFLUSH, &old);
		fputs("\n", f);
	}
	fclose(f);
	if (ok)
		buf[strcspn(buf, "\r\n")] = '\0';
	if (!ok || buf[0] == '\0') {
		fprintf(stderr, "nalamdesk-admin: empty passphrase\n");
		return 0;
	}
	return 1;
}

/* fsync()s the directory holding PATH, so a rename in it is durable. */
int
fsync_dir(const char *path)
{
	char	 buf[PATH_MAX];
	int	 fd, ok;

	snprintf(buf, sizeof(buf), "%s", path);
	if ((fd = open(dirname(buf), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return 0;
	ok = fsync(fd) == 0;
	close(fd);
	return ok;
}

/*
 * Records a checked copy PATH in VAR/backups (of KIND, begun at BEGAN) in
 * the database's `backups` table (the admin program lists VAR/backups from
 * it).  Best effort: a backup is not failed because its bookkeeping could
 * not be written.
 */
static void
tool_record(const char *path, const char *kind, const char *began)
{
	char		 dir[PATH_MAX], bdir[4300], rbdir[PATH_MAX], buf[PATH_MAX];
	struct backup	 b;
	struct stat	 sb;

	snprintf(buf, sizeof(buf), "%s", path);
	snprintf(bdir, sizeof(bdir), "%s/backups", tool_var);
	if (realpath(dirname(buf), dir) == NULL ||
	    realpath(bdir, rbdir) == NULL || strcmp(dir, rbdir) != 0 ||
	    stat(path, &sb) == -1 || db == NULL)
		return;
	memset(&b, 0, sizeof(b));
	snprintf(buf, sizeof(buf), "%s", path);
	snprintf(b.file, sizeof(b.file), "%s", basename(buf));
	b.size = (long long)sb.st_size;
	snprintf(b.created_at, sizeof(b.created_at), "%s", began);
	snprintf(b.integrity, sizeof(b.integrity), "ok");
	b.schema_version = db_int_sql("PRAGMA user_version", 0);
	snprintf(b.kind, sizeof(b.kind), "%s", kind);
	/* Under the write lock, in line with the services' writers (db.c). */
	if (!backup_init() || db_begin() != SQLITE_OK ||
	    backup_record(&b, 0, NULL) != SQLITE_OK ||
	    db_commit() != SQLITE_OK)
		fprintf(stderr, "nalamdesk-admin: note: could not record the "
		    "backup in the database: %s\n", sqlite3_errmsg(db));
	db_rollback();	/* after a failure; a no-op after COMMIT */
	backup_fini();
}

/*
 * Snapshots the open database into PATH: PATH.partial, checked, renamed,
 * and recorded as KIND (NULL: not recorded).  Prints the report unless
 * QUIET.  Returns 1 when PATH holds a good copy, else 0 and no PATH.
 */
int
tool_backup_to(const char *path, const char *kind, int quiet)
{
	char	 tmp[PATH_MAX + 16], began[21];

	/* The copy holds the reads still in the audit journal. */
	if (tool_audit_import() < 0)
		fprintf(stderr, "nalamdesk-admin: the audit journal could not "
		    "be imported first; it stays beside the database\n");
	db_now(began);
	snprintf(tmp, sizeof(tmp), "%s.partial", path);
	unlink(tmp);
	if (backup_snapshot(db, tmp) != SQLITE_OK) {
		fprintf(stderr, "nalamdesk-admin: the backup could not be "
		    "written to %s\n", path);
		unlink(tmp);
		return 0;
	}
	switch (tool_check(tmp, path, quiet, NULL)) {
	case BACKUP_GOOD:
		break;
	case BACKUP_NEWER:
		fprintf(stderr, "nalamdesk-admin: the database is newer than "
		    "this program (schema version above %d): use the "
		    "nalamdesk-admin of the NalamDesk that runs it\n",
		    tool_latest());
		unlink(tmp);
		return 0;
	default:
		fprintf(stderr, "nalamdesk-admin: the copy failed its checks; "
		    "the live database may be damaged: run verify on it\n");
		unlink(tmp);
		return 0;
	}
	if (rename(tmp, path) == -1) {
		fprintf(stderr, "nalamdesk-admin: cannot rename %s: %s\n", tmp,
		    strerror(errno));
		unlink(tmp);
		return 0;
	}
	fsync_dir(path);
	if (kind != NULL)
		tool_record(path, kind, began);
	return 1;
}

static const char *const pass_opt[] = { "passphrase-file", NULL };

/*
 * Makes a plain, private copy of the backup IN at OUT (must not exist):
 * decrypted with PASS when sealed, else copied with the backup API.
 * Returns 1, or 0 after saying why.
 */
static int
stage_copy(const char *in, const char *out, const char *pass)
{
	sqlite3	*src = NULL;
	int	 ok;

	if (backup_is_sealed(in))
		return backup_unseal(in, out, pass);
	if (sqlite3_open_v2(in, &src, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		fprintf(stderr, "nalamdesk-admin: cannot open %s\n", in);
		sqlite3_close(src);
		return 0;
	}
	ok = backup_snapshot(src, out) == SQLITE_OK;
	sqlite3_close(src);
	if (!ok) {
		fprintf(stderr, "nalamdesk-admin: %s is not a readable "
		    "database\n", in);
		unlink(out);
	}
	return ok;
}

/*
 * Reads the passphrase for FILE when it is sealed: from PASSFILE, else
 * $NALAMDESK_BACKUP_PASSPHRASE_FILE, else VAR/backup.key when there is
 * one, else the terminal.  Returns 1 or 0.
 */
static int
pass_for(const char *file, const char *passfile, char *pass, size_t size)
{
	char	 key[4300];

	pass[0] = '\0';
	if (!backup_is_sealed(file))
		return 1;
	if (passfile == NULL)
		passfile = getenv("NALAMDESK_BACKUP_PASSPHRASE_FILE");
	/* A copy the admin program sealed: the server's own passphrase. */
	if (passfile == NULL) {
		snprintf(key, sizeof(key), "%s/%s", tool_var, BACKUP_KEY_FILE);
		if (access(key, F_OK) == 0)
			passfile = key;
	}
	return tool_passphrase(passfile, pass, size);
}

/* ------------------------------------------------------------ jobs as the owner */

/* One backup, verify or restore job, shared with the child of as_owner(). */
struct restore {
	const char	*file;		/* the backup given */
	char		 pass[512];	/* its passphrase, if sealed ("": plain) */
	char		 incoming[4400];/* the staged copy (restore, verify) or
					   the file to write (backup) */
	char		 keep[4400];	/* VAR/backups/pre-restore-<time>.db */
	int		 record;	/* backup: record it in the database */
};

/*
 * Runs FN(R) as the owner of VAR/db: in a child that drops privileges when
 * we are root (the parent keeps root to stop and start the services), else
 * here.  Returns FN's exit status.
 */
static int
as_owner(int (*fn)(struct restore *), struct restore *r)
{
	pid_t	 pid;
	int	 st;

	if (geteuid() != 0)
		return fn(r);
	fflush(stdout);
	fflush(stderr);
	if ((pid = fork()) == -1)
		return EXIT_FAIL;
	if (pid == 0) {
		if (!tool_drop_privileges())
			_exit(EXIT_FAIL);
		st = fn(r);
		fflush(stdout);
		_exit(st);
	}
	while (waitpid(pid, &st, 0) == -1)
		if (errno != EINTR)
			return EXIT_FAIL;
	return WIFEXITED(st) ? WEXITSTATUS(st) : EXIT_FAIL;
}

/* ------------------------------------------------------------ backup */

/*
 * As the owner of VAR/db: a checked snapshot written to R->incoming,
 * sealed with R->pass when it is set (the plain copy then stays in the
 * private VAR/backups until sealed).
 */
static int
backup_owner(struct restore *r)
{
	char	 plain[4400], tmp[4500], stamp[32];
	int	 lock, ok;

	if (!tool_open(0) || !tool_mkdir(tool_var, "backups") ||
	    (lock = tool_lock(0)) == -1)
		return EXIT_FAIL;
	if (r->pass[0] == '\0') {
		ok = tool_backup_to(r->incoming, r->record ? "tool" : NULL, 0);
		tool_unlock(lock);
		return ok ? EXIT_OK : EXIT_FAIL;
	}
	tool_stamp(stamp, sizeof(stamp));
	snprintf(plain, sizeof(plain), "%s/backups/.seal-%s-%d.db", tool_var,
	    stamp, (int)getpid());
	snprintf(tmp, sizeof(tmp), "%s.partial", r->incoming);
	unlink(tmp);
	ok = tool_mkdir(tool_var, "backups") && tool_backup_to(plain, NULL, 0) &&
	    backup_seal(plain, tmp, r->pass) && rename(tmp, r->incoming) == 0;
	if (ok)
		fsync_dir(r->incoming);
	unlink(plain);
	unlink(tmp);
	tool_unlock(lock);
	return ok ? EXIT_OK : EXIT_FAIL;
}

/* Ends like backup_seal() (lib/backupseal.c): the same close-and-remove
 * tail of a new private file; a plain copy, so not the module's. */
/* Copies the bytes of the file IN into OUT (new, 0600), synced.  1 or 0. */
static int
copy_bytes(const char *in, const char *out)
{
	char	 buf[65536];
	ssize_t	 n, w, off;
	int	 ifd, ofd = -1, ok = 0;

	if ((ifd = open(in, O_RDONLY | O_CLOEXEC)) == -1)
		return 0;
	if ((ofd = open(out, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) ==
	    -1)
		goto out;
	while ((n = read(ifd, buf, sizeof(buf))) > 0)
		for (off = 0; off < n; off += w)
			if ((w = write(ofd, buf + off, (size_t)(n - off))) <= 0)
				goto out;
	ok = n == 0 && fsync(ofd) == 0;
out:
	close(ifd);
	if (ofd != -1 && close(ofd) == -1)
		ok = 0;
	if (!ok && ofd != -1)
		unlink(out);
	return ok;
}

/* 1 when PATH's directory is VAR/backups. */
static int
in_backups(const char *path)
{
	char	 buf[PATH_MAX], dir[PATH_MAX], bdir[4300], rb[PATH_MAX];

	snprintf(buf, sizeof(buf), "%s", path);
	snprintf(bdir, sizeof(bdir), "%s/backups", tool_var);
	return realpath(dirname(buf), dir) != NULL &&
	    realpath(bdir, rb) != NULL && strcmp(dir, rb) == 0;
}

/*
 * backup [--passphrase-file F] FILE.  Exit 0: FILE holds a good copy (or,
 * encrypted, the sealed form of one).  The snapshot is always made by the
 * owner of VAR/db; under sudo, for a FILE outside VAR/backups, it is made
 * in VAR/backups and root then puts it at FILE (a place the owner may not
 * write, e.g. a USB disk mounted for root).
 */
int
cmd_backup(int argc, char **argv)
{
	struct restore	 r;
	struct stat	 sb;
	const char	*vals[1];
	char		*pos[1], dir[4300], tmp[PATH_MAX + 16];
	int		 rc, staged, exdev;

	memset(&r, 0, sizeof(r));
	if (tool_args(argc, argv, pass_opt, vals, pos, 1) != 1)
		return EXIT_USAGE;
	if (vals[0] != NULL &&
	    !tool_passphrase(vals[0], r.pass, sizeof(r.pass)))
		return EXIT_FAIL;
	snprintf(dir, sizeof(dir), "%s/db", tool_var);
	staged = geteuid() == 0 && stat(dir, &sb) == 0 && sb.st_uid != 0 &&
	    !in_backups(pos[0]);
	if (!staged) {
		snprintf(r.incoming, sizeof(r.incoming), "%s", pos[0]);
		r.record = 1;
		rc = backup_owner(&r);
	} else {
		snprintf(r.incoming, sizeof(r.incoming),
		    "%s/backups/.out-%d.db", tool_var, (int)getpid());
		rc = as_owner(backup_owner, &r);
		if (rc == EXIT_OK && rename(r.incoming, pos[0]) == -1) {
			/* Another file system: copy, then rename there. */
			exdev = errno == EXDEV;
			snprintf(tmp, sizeof(tmp), "%s.partial", pos[0]);
			unlink(tmp);
			if (!exdev || !copy_bytes(r.incoming, tmp) ||
			    rename(tmp, pos[0]) == -1) {
				fprintf(stderr, "nalamdesk-admin: cannot write "
				    "%s: %s\n", pos[0], strerror(errno));
				unlink(tmp);
				rc = EXIT_FAIL;
			}
		}
		if (rc == EXIT_OK)
			fsync_dir(pos[0]);
		unlink(r.incoming);
	}
	if (rc == EXIT_OK)
		printf("%sbackup written: %s\n", r.pass[0] ? "encrypted " : "",
		    pos[0]);
	explicit_bzero(r.pass, sizeof(r.pass));
	return rc;
}

/*
 * The arguments of verify and restore, [--passphrase-file F] FILE, into a
 * new job R (FILE must be readable) and VALS.  Returns EXIT_OK, or the
 * exit status after saying why.
 */
static int
job_args(int argc, char **argv, struct restore *r, const char **vals)
{
	char	*pos[1];

	memset(r, 0, sizeof(*r));
	if (tool_args(argc, argv, pass_opt, vals, pos, 1) != 1)
		return EXIT_USAGE;
	r->file = pos[0];
	if (access(r->file, R_OK) == -1) {
		fprintf(stderr, "nalamdesk-admin: cannot read %s: %s\n", r->file,
		    strerror(errno));
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

/* ------------------------------------------------------------ verify */

/* The checks on the staged copy R->incoming, as the owner of VAR/db. */
static int
verify_staged(struct restore *r)
{
	return tool_check(r->incoming, r->file, 0, NULL) == BACKUP_GOOD ?
	    EXIT_OK : EXIT_FAIL;
}

/*
 * verify [--passphrase-file F] FILE.  A plain file is checked where it is,
 * as the owner of VAR/db.  A sealed one is decrypted into the private
 * VAR/backups first.  Under sudo, FILE may be one only root can read (a USB
 * disk mounted for root), and SQLite must not create files as root beside
 * a database: root copies (or decrypts) it into VAR/backups, hands the copy
 * to the owner of VAR/db, and the owner checks it.  Exit 0 only if good.
 */
int
cmd_verify(int argc, char **argv)
{
	struct restore	 r;
	struct stat	 sb;
	const char	*vals[1];
	char		 dir[4300];
	int		 sealed, root, ok, rc;

	if ((rc = job_args(argc, argv, &r, vals)) != EXIT_OK)
		return rc;
	sealed = backup_is_sealed(r.file);
	if (sealed && !pass_for(r.file, vals[0], r.pass, sizeof(r.pass)))
		return EXIT_FAIL;
	snprintf(dir, sizeof(dir), "%s/db", tool_var);
	root = geteuid() == 0 && stat(dir, &sb) == 0 && sb.st_uid != 0;
	if (!sealed && !root) {
		if (!tool_drop_privileges())
			return EXIT_FAIL;
		return tool_check(r.file, NULL, 0, NULL) == BACKUP_GOOD ?
		    EXIT_OK : EXIT_FAIL;
	}
	if (!root && !tool_drop_privileges())
		return EXIT_FAIL;
	if (!tool_mkdir(tool_var, NULL) || !tool_mkdir(tool_var, "backups"))
		return EXIT_FAIL;
	snprintf(r.incoming, sizeof(r.incoming), "%s/backups/.verify-%d.db",
	    tool_var, (int)getpid());
	unlink(r.incoming);
	ok = sealed ? backup_unseal(r.file, r.incoming, r.pass) :
	    copy_bytes(r.file, r.incoming);
	explicit_bzero(r.pass, sizeof(r.pass));
	if (!ok) {
		fprintf(stderr, "nalamdesk-admin: could not make a private copy "
		    "of %s in %s/backups\n", r.file, tool_var);
		return EXIT_FAIL;
	}
	if (sealed)
		printf("decrypted: ok\n");
	if (root && chown(r.incoming, sb.st_uid, sb.st_gid) == -1) {
		unlink(r.incoming);
		return EXIT_FAIL;
	}
	rc = as_owner(verify_staged, &r);
	unlink(r.incoming);
	return rc;
}

/* ------------------------------------------------------------ restore */

/*
 * Phase 1a, while the clinic keeps working, as whoever runs restore (root
 * can read a backup the service user cannot, e.g. in /root or on a USB disk
 * mounted for root): a plain copy of the backup next to the database,
 * decrypted if sealed, then given to the owner of VAR/db.  Nothing live is
 * touched.
 */
static int
restore_copy(struct restore *r)
{
	char		 tmp[4500], dir[4300];
	struct stat	 sb;

	if (!tool_mkdir(tool_var, "db"))
		return EXIT_FAIL;
	snprintf(tmp, sizeof(tmp), "%s.partial", r->incoming);
	unlink(tmp);
	unlink(r->incoming);
	if (!stage_copy(r->file, tmp, r->pass)) {
		fprintf(stderr, "nalamdesk-admin: refused: %s cannot be read as "
		    "a backup; nothing was restored\n", r->file);
		return EXIT_FAIL;
	}
	snprintf(dir, sizeof(dir), "%s/db", tool_var);
	if (geteuid() == 0 && stat(dir, &sb) == 0 &&
	    chown(tmp, sb.st_uid, sb.st_gid) == -1) {
		unlink(tmp);
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

/*
 * Phase 1b, as the owner of VAR/db: the checks of verify on that copy; a
 * damaged, foreign or newer-schema copy is refused and removed.
 */
static int
restore_check(struct restore *r)
{
	char		 tmp[4500];
	enum backup_check res;
	int		 version;

	if (!tool_mkdir(tool_var, "backups"))
		return EXIT_FAIL;
	snprintf(tmp, sizeof(tmp), "%s.partial", r->incoming);
	res = tool_check(tmp, r->file, 0, &version);
	if (res != BACKUP_GOOD) {
		unlink(tmp);
		if (res == BACKUP_NEWER)
			fprintf(stderr, "nalamdesk-admin: refused: %s has schema "
			    "version %d, but this NalamDesk knows versions up to "
			    "%d: it was made by a newer NalamDesk. Install that "
			    "version (or newer) and restore again. Nothing was "
			    "restored.\n", r->file, version, tool_latest());
		else
			fprintf(stderr, "nalamdesk-admin: refused: %s is %s (see "
			    "the checks above); take an older backup. Nothing "
			    "was restored.\n", r->file, res == BACKUP_FOREIGN ?
			    "not a NalamDesk database" : "damaged");
		return EXIT_FAIL;
	}
	if (rename(tmp, r->incoming) == -1) {
		unlink(tmp);
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

/* Renames A to B when A exists.  Returns 1 on success or when absent. */
static int
move_if(const char *a, const char *b)
{
	if (rename(a, b) == 0 || errno == ENOENT)
		return 1;
	fprintf(stderr, "nalamdesk-admin: cannot move %s to %s: %s\n", a, b,
	    strerror(errno));
	return 0;
}

/*
 * Phase 2, with every service stopped: keep the current database under
 * VAR/backups, put the staged copy in its place with one rename, migrate,
 * and end every session of the restored file.
 */
static int
restore_swap(struct restore *r)
{
	char	 wal[4400], shm[4400], kwal[4500], base[4300];
	int	 lock, n, rc = EXIT_FAIL;

	if ((lock = tool_lock(1)) == -1)
		return EXIT_FAIL;
	snprintf(wal, sizeof(wal), "%s-wal", tool_db);
	snprintf(shm, sizeof(shm), "%s-shm", tool_db);
	snprintf(kwal, sizeof(kwal), "%s-wal", r->keep);
	if (access(tool_db, F_OK) == 0) {
		/*
		 * Fold the WAL into the file so the kept copy is one file.  A
		 * damaged database may refuse; then its WAL is kept beside
		 * it under the matching name, which SQLite reads as a pair.
		 */
		if (tool_open(0)) {
			db_exec("PRAGMA wal_checkpoint(TRUNCATE)");
			db_close();
		}
		/*
		 * The kept copy is the old file itself (a hard link), so the
		 * rename below replaces the database in one step and nothing
		 * of the old one is rewritten on the way.
		 */
		/* Two restores within a second: pre-restore-<time>-2.db. */
		snprintf(base, sizeof(base), "%.*s", (int)strlen(r->keep) - 3,
		    r->keep);
		for (n = 2; link(tool_db, r->keep) == -1; n++) {
			if (errno != EEXIST || n > 99) {
				fprintf(stderr, "nalamdesk-admin: cannot keep the "
				    "current database as %s: %s; nothing was "
				    "restored\n", r->keep, strerror(errno));
				goto out;
			}
			snprintf(r->keep, sizeof(r->keep), "%s-%d.db", base, n);
		}
		snprintf(kwal, sizeof(kwal), "%s-wal", r->keep);
		if (!move_if(wal, kwal))
			goto out;
		unlink(shm);
		printf("current database kept as %s\n", r->keep);
	}
	if (rename(r->incoming, tool_db) == -1) {
		fprintf(stderr, "nalamdesk-admin: cannot put the restored "
		    "database in place: %s; the current one is unchanged\n",
		    strerror(errno));
		goto out;
	}
	fsync_dir(tool_db);
	if (!tool_open(0) || tool_migrate(0) != EXIT_OK) {
		fprintf(stderr, "nalamdesk-admin: restored, but the migration "
		    "failed (above); the previous database is %s\n", r->keep);
		goto out;
	}
	/* Sessions of the backup's time must not come back to life; the
	 * browsers' cursors into the old history must not be followed into
	 * this one (a new epoch: they drop their caches, changes.h). */
	if (db_begin() != SQLITE_OK ||
	    db_exec("DELETE FROM sessions") != SQLITE_OK ||
	    changes_new_epoch() != SQLITE_OK ||
	    audit_operator(TOOL_NAME, "backup.restore", "database", 0, 0) !=
	    SQLITE_OK ||
	    db_commit() != SQLITE_OK)
		goto out;	/* db_close() rolls back */
	rc = EXIT_OK;
out:
	audit_fini();
	db_close();
	tool_unlock(lock);
	return rc;
}

/*
 * Runs `systemctl VERB UNIT`.  Returns 1 when it succeeded.
 */
static int
systemctl(const char *verb, const char *unit)
{
	pid_t	 pid;
	int	 st;

	fflush(stdout);
	if ((pid = fork()) == -1)
		return 0;
	if (pid == 0) {
		execlp("systemctl", "systemctl", verb, unit, (char *)NULL);
		fprintf(stderr, "nalamdesk-admin: cannot run systemctl: %s\n",
		    strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &st, 0) == -1)
		if (errno != EINTR)
			return 0;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/* Opened like tool_lock()'s maintenance.lock, but another lock: the
 * launcher's (deploy/run.sh holds it while the stack runs). */
/*
 * The launcher (deploy/run.sh, `make run`) holds VAR/launcher.lock with
 * flock(2) in every process it starts.  Takes that lock for the whole
 * restore, so a launcher cannot start halfway.  Returns the descriptor, or
 * -1 after saying that a launcher is running.
 */
static int
launcher_lock(void)
{
	char	 path[4300];
	int	 fd;

	snprintf(path, sizeof(path), "%s/launcher.lock", tool_var);
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) == -1) {
		fprintf(stderr, "nalamdesk-admin: cannot open %s: %s\n", path,
		    strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		fprintf(stderr, "nalamdesk-admin: refused: NalamDesk is running "
		    "from %s (`make run` holds %s). Stop it first (Ctrl-C in "
		    "its terminal), then restore, then start it again. Nothing "
		    "was restored.\n", tool_var, path);
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * restore [--passphrase-file F] FILE
 *
 * 1. stage: a plain copy of FILE (decrypted if sealed) in VAR/db, made by
 *    the caller, checked by the owner of VAR/db; a damaged, foreign or
 *    newer-schema file is refused here, with the clinic still working;
 * 2. stop: under systemd ($NALAMDESK_SERVICE names the unit, e.g.
 *    nalamdesk.target) the services are stopped; a running launcher
 *    (`make run`) is refused instead, it must be stopped by hand;
 * 3. swap: the current database is kept as VAR/backups/pre-restore-<time>.db,
 *    the staged copy renamed over it, migrated, its sessions ended;
 * 4. start: the services are started again, whatever happened in 3.
 * Exit 0 only when the restored database is in place and migrated.
 */
int
cmd_restore(int argc, char **argv)
{
	struct restore	 r;
	const char	*vals[1], *unit = getenv("NALAMDESK_SERVICE");
	char		 stamp[32];
	int		 lfd, rc, stopped = 0;

	if ((rc = job_args(argc, argv, &r, vals)) != EXIT_OK)
		return rc;
	if (unit != NULL && unit[0] == '\0')
		unit = NULL;
	if (unit != NULL && geteuid() != 0) {
		fprintf(stderr, "nalamdesk-admin: restore stops and starts %s: "
		    "run it as root (sudo)\n", unit);
		return EXIT_FAIL;
	}
	if (!pass_for(r.file, vals[0], r.pass, sizeof(r.pass)))
		return EXIT_FAIL;
	if (mkdir(tool_var, 0700) == -1 && errno != EEXIST)
		return EXIT_FAIL;
	if ((lfd = launcher_lock()) == -1)
		return EXIT_FAIL;
	tool_stamp(stamp, sizeof(stamp));
	snprintf(r.incoming, sizeof(r.incoming), "%s/db/restore-incoming.db",
	    tool_var);
	snprintf(r.keep, sizeof(r.keep), "%s/backups/pre-restore-%s.db",
	    tool_var, stamp);

	if ((rc = restore_copy(&r)) != EXIT_OK ||
	    (rc = as_owner(restore_check, &r)) != EXIT_OK)
		goto out;
	printf("%s passed its checks\n", r.file);
	if (unit != NULL) {
		printf("stopping %s\n", unit);
		if (!systemctl("stop", unit)) {
			fprintf(stderr, "nalamdesk-admin: could not stop %s; "
			    "nothing was restored\n", unit);
			rc = EXIT_FAIL;
			goto out;
		}
		stopped = 1;
	}
	rc = as_owner(restore_swap, &r);
	if (stopped) {
		printf("starting %s\n", unit);
		if (!systemctl("start", unit)) {
			fprintf(stderr, "nalamdesk-admin: could not start %s "
			    "again: run `systemctl start %s` and see `journalctl "
			    "-u 'nalamdesk*'`\n", unit, unit);
			rc = EXIT_FAIL;
		}
	}
	if (rc == EXIT_OK)
		printf("restored %s\n", r.file);
out:
	unlink(r.incoming);
	explicit_bzero(r.pass, sizeof(r.pass));
	close(lfd);
	return rc;
}
