/*
 * backup.c — the admin tool's backup, verify and restore commands.
 *
 * backup FILE   an online, consistent snapshot: SQLite's backup API copies
 *               every page inside ONE read transaction (WAL lets the clinic
 *               keep writing meanwhile), into FILE.partial; the checks of
 *               verify run on the copy, and only a good copy is renamed to
 *               FILE.  With --passphrase-file the result is encrypted
 *               (crypt.c) and the plain copy never reaches FILE's disk.
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
#include <time.h>
#include <unistd.h>

#include "nd.h"
#include "tool.h"

/* Columns that tell when a table was last written, for "newest record". */
static const char *const newest[][2] = {
	{ "audit", "ts" },
	{ "patients", "updated_at" },
	{ "visits", "updated_at" },
	{ "queue", "updated_at" },
	{ "appointments", "updated_at" },
	{ "payments", "created_at" },
};

static long long
one_int(sqlite3 *s, const char *sql, long long def)
{
	sqlite3_stmt	*q;
	long long	 v = def;

	if (sqlite3_prepare_v2(s, sql, -1, &q, NULL) != SQLITE_OK)
		return def;
	if (sqlite3_step(q) == SQLITE_ROW)
		v = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return v;
}

/* Prints the row count of every table and the newest record's time. */
static void
report_rows(sqlite3 *s)
{
	sqlite3_stmt	*q, *c;
	const unsigned char *t;
	char		 sql[256], best[64] = "", from[64] = "";
	size_t		 i;

	/* Real tables only: not virtual tables nor their shadow tables. */
	if (sqlite3_prepare_v2(s, "SELECT name FROM pragma_table_list WHERE"
	    " schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite_%'"
	    " ORDER BY name", -1, &q, NULL) != SQLITE_OK)
		return;
	while (sqlite3_step(q) == SQLITE_ROW) {
		/* Table names come from the copy: quote them as identifiers. */
		t = sqlite3_column_text(q, 0);
		if (t == NULL || strchr((const char *)t, '"') != NULL)
			continue;
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM \"%s\"", t);
		if (sqlite3_prepare_v2(s, sql, -1, &c, NULL) != SQLITE_OK)
			continue;
		if (sqlite3_step(c) == SQLITE_ROW)
			printf("rows %s: %lld\n", t,
			    (long long)sqlite3_column_int64(c, 0));
		sqlite3_finalize(c);
	}
	sqlite3_finalize(q);
	for (i = 0; i < ND_NELEM(newest); i++) {
		snprintf(sql, sizeof(sql), "SELECT max(%s) FROM %s",
		    newest[i][1], newest[i][0]);
		if (sqlite3_prepare_v2(s, sql, -1, &c, NULL) != SQLITE_OK)
			continue;
		if (sqlite3_step(c) == SQLITE_ROW &&
		    (t = sqlite3_column_text(c, 0)) != NULL &&
		    strcmp((const char *)t, best) > 0) {
			snprintf(best, sizeof(best), "%s", t);
			snprintf(from, sizeof(from), "%s", newest[i][0]);
		}
		sqlite3_finalize(c);
	}
	if (best[0] != '\0')
		printf("newest record: %s (%s)\n", best, from);
	else
		printf("newest record: none\n");
}

/*
 * Runs the checks on the database file PATH (opened read-only) and, unless
 * QUIET, prints the report, which ends in "LABEL: good" (LABEL NULL: PATH).
 * Writes the schema version into *VERSION when not NULL.  Returns what was
 * found.
 */
enum check
backup_check(const char *path, const char *label, int quiet, int *version)
{
	sqlite3		*s = NULL;
	sqlite3_stmt	*q = NULL;
	const unsigned char *t;
	enum check	 res = CHECK_GOOD;
	long long	 v;
	int		 n = 0, rc;

	if (version != NULL)
		*version = -1;
	if (access(path, R_OK) == -1) {
		fprintf(stderr, "nalamdesk-admin: cannot read %s: %s\n", path,
		    strerror(errno));
		return CHECK_BROKEN;
	}
	if (sqlite3_open_v2(path, &s, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		goto broken;
	if (sqlite3_prepare_v2(s, "PRAGMA integrity_check", -1, &q, NULL) !=
	    SQLITE_OK)
		goto broken;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		t = sqlite3_column_text(q, 0);
		if (t != NULL && strcmp((const char *)t, "ok") == 0)
			continue;
		res = CHECK_BROKEN;
		if (!quiet && n++ < 10)
			printf("integrity: %s\n", t ? (const char *)t : "?");
	}
	sqlite3_finalize(q);
	q = NULL;
	if (rc != SQLITE_DONE)
		goto broken;
	if (res != CHECK_GOOD)
		goto out;
	if (!quiet)
		printf("integrity: ok\n");
	if (sqlite3_prepare_v2(s, "PRAGMA foreign_key_check", -1, &q, NULL) !=
	    SQLITE_OK)
		goto broken;
	if ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		res = CHECK_BROKEN;
		if (!quiet)
			printf("foreign keys: a row of %s refers to a missing "
			    "row of %s\n", sqlite3_column_text(q, 0),
			    sqlite3_column_text(q, 2));
	} else if (rc != SQLITE_DONE)
		goto broken;
	else if (!quiet)
		printf("foreign keys: ok\n");
	sqlite3_finalize(q);
	q = NULL;
	v = one_int(s, "PRAGMA user_version", -1);
	if (version != NULL)
		*version = (int)v;
	if (!quiet)
		printf("schema version: %lld (this program: %d)\n", v,
		    tool_latest());
	if (v > tool_latest()) {
		res = CHECK_NEWER;
		if (!quiet)
			printf("schema: newer than this program: made by a "
			    "newer NalamDesk\n");
	} else if (v < 1 || one_int(s, "SELECT count(*) FROM sqlite_schema"
	    " WHERE name IN ('users', 'audit', 'rev')", 0) != 3) {
		res = CHECK_FOREIGN;
		if (!quiet)
			printf("schema: not a NalamDesk database\n");
	}
	if (!quiet && res != CHECK_FOREIGN)
		report_rows(s);
	goto out;
broken:
	res = CHECK_BROKEN;
	if (!quiet)
		printf("integrity: %s\n", s != NULL ? sqlite3_errmsg(s) :
		    "cannot open");
out:
	sqlite3_finalize(q);
	sqlite3_close(s);
	if (!quiet)
		printf("%s: %s\n", label ? label : path, res == CHECK_GOOD ? "good" :
		    res == CHECK_NEWER ? "NEWER SCHEMA" : "BAD");
	return res;
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
 * Copies the database SRC into the new file PATH in one read transaction
 * (a consistent snapshot while others write), as a self-contained file in
 * rollback-journal mode.  Returns 1, or 0 (PATH may be left: the caller
 * removes its .partial).
 */
static int
snapshot(sqlite3 *src, const char *path)
{
	sqlite3		*dst = NULL;
	sqlite3_backup	*b;
	int		 rc;

	if (sqlite3_open_v2(path, &dst, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		sqlite3_close(dst);
		return 0;
	}
	if ((b = sqlite3_backup_init(dst, "main", src, "main")) == NULL) {
		fprintf(stderr, "nalamdesk-admin: %s\n", sqlite3_errmsg(dst));
		sqlite3_close(dst);
		return 0;
	}
	/* All pages in one step: one read snapshot, never restarted. */
	rc = sqlite3_backup_step(b, -1);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE)
		fprintf(stderr, "nalamdesk-admin: the copy failed: %s\n",
		    sqlite3_errstr(rc));
	if (rc == SQLITE_DONE)
		rc = sqlite3_exec(dst, "PRAGMA journal_mode = DELETE", NULL, NULL,
		    NULL);
	sqlite3_close(dst);
	return rc == SQLITE_OK;
}

/*
 * Records a checked copy in the database's `backups` table when it has one
 * (the admin program lists VAR/backups from it).  Best effort: a backup is
 * not failed because its bookkeeping could not be written.
 */
void
backup_record(const char *path, const char *kind, const char *began)
{
	char		 dir[PATH_MAX], bdir[4300], rbdir[PATH_MAX], buf[PATH_MAX];
	sqlite3_stmt	*s = NULL;
	struct stat	 sb;
	int		 version = -1;

	snprintf(buf, sizeof(buf), "%s", path);
	snprintf(bdir, sizeof(bdir), "%s/backups", tool_var);
	if (realpath(dirname(buf), dir) == NULL ||
	    realpath(bdir, rbdir) == NULL || strcmp(dir, rbdir) != 0 ||
	    stat(path, &sb) == -1 || db == NULL)
		return;
	if (one_int(db, "SELECT count(*) FROM sqlite_schema WHERE name ="
	    " 'backups'", 0) != 1)
		return;
	version = (int)one_int(db, "PRAGMA user_version", -1);
	if (sqlite3_prepare_v2(db, "INSERT INTO backups (file, size_bytes,"
	    " created_at, integrity, schema_version, kind) VALUES"
	    " (?1, ?2, ?3, 'ok', ?4, ?5) ON CONFLICT (file) DO UPDATE SET"
	    " size_bytes = ?2, created_at = ?3, integrity = 'ok',"
	    " schema_version = ?4, kind = ?5", -1, &s, NULL) != SQLITE_OK)
		return;
	snprintf(buf, sizeof(buf), "%s", path);
	sqlite3_bind_text(s, 1, basename(buf), -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 2, (long long)sb.st_size);
	sqlite3_bind_text(s, 3, began, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 4, version);
	sqlite3_bind_text(s, 5, kind, -1, SQLITE_STATIC);
	/* Under the write lock, in line with the services' writers (db.c). */
	if (db_begin() != SQLITE_OK || sqlite3_step(s) != SQLITE_DONE ||
	    db_commit() != SQLITE_OK)
		fprintf(stderr, "nalamdesk-admin: note: could not record the "
		    "backup in the database: %s\n", sqlite3_errmsg(db));
	sqlite3_finalize(s);
	db_rollback();	/* after a failure; a no-op after COMMIT */
}

/*
 * Snapshots the open database into PATH: PATH.partial, checked, renamed,
 * and recorded as KIND (NULL: not recorded).  Prints the report unless
 * QUIET.  Returns 1 when PATH holds a good copy, else 0 and no PATH.
 */
int
backup_to(const char *path, const char *kind, int quiet)
{
	char	 tmp[PATH_MAX + 16], began[21];

	/* The copy holds the reads still in the audit journal. */
	if (tool_audit_import() < 0)
		fprintf(stderr, "nalamdesk-admin: the audit journal could not "
		    "be imported first; it stays beside the database\n");
	db_now(began);
	snprintf(tmp, sizeof(tmp), "%s.partial", path);
	unlink(tmp);
	if (!snapshot(db, tmp)) {
		fprintf(stderr, "nalamdesk-admin: the backup could not be "
		    "written to %s\n", path);
		unlink(tmp);
		return 0;
	}
	switch (backup_check(tmp, path, quiet, NULL)) {
	case CHECK_GOOD:
		break;
	case CHECK_NEWER:
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
		backup_record(path, kind, began);
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

	if (crypt_is_sealed(in))
		return crypt_open(in, out, pass);
	if (sqlite3_open_v2(in, &src, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		fprintf(stderr, "nalamdesk-admin: cannot open %s\n", in);
		sqlite3_close(src);
		return 0;
	}
	ok = snapshot(src, out);
	sqlite3_close(src);
	if (!ok) {
		fprintf(stderr, "nalamdesk-admin: %s is not a readable "
		    "database\n", in);
		unlink(out);
	}
	return ok;
}

/* Reads the passphrase for FILE when it is sealed.  Returns 1 or 0. */
static int
pass_for(const char *file, const char *passfile, char *pass, size_t size)
{
	pass[0] = '\0';
	if (!crypt_is_sealed(file))
		return 1;
	if (passfile == NULL)
		passfile = getenv("NALAMDESK_BACKUP_PASSPHRASE_FILE");
	return crypt_passphrase(passfile, pass, size);
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
		ok = backup_to(r->incoming, r->record ? "tool" : NULL, 0);
		tool_unlock(lock);
		return ok ? EXIT_OK : EXIT_FAIL;
	}
	tool_stamp(stamp, sizeof(stamp));
	snprintf(plain, sizeof(plain), "%s/backups/.seal-%s-%d.db", tool_var,
	    stamp, (int)getpid());
	snprintf(tmp, sizeof(tmp), "%s.partial", r->incoming);
	unlink(tmp);
	ok = tool_mkdir(tool_var, "backups") && backup_to(plain, NULL, 0) &&
	    crypt_seal(plain, tmp, r->pass) && rename(tmp, r->incoming) == 0;
	if (ok)
		fsync_dir(r->incoming);
	unlink(plain);
	unlink(tmp);
	tool_unlock(lock);
	return ok ? EXIT_OK : EXIT_FAIL;
}

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
	    !crypt_passphrase(vals[0], r.pass, sizeof(r.pass)))
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

/* ------------------------------------------------------------ verify */

/* The checks on the staged copy R->incoming, as the owner of VAR/db. */
static int
verify_staged(struct restore *r)
{
	return backup_check(r->incoming, r->file, 0, NULL) == CHECK_GOOD ?
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
	char		*pos[1], dir[4300];
	int		 sealed, root, ok, rc;

	memset(&r, 0, sizeof(r));
	if (tool_args(argc, argv, pass_opt, vals, pos, 1) != 1)
		return EXIT_USAGE;
	r.file = pos[0];
	if (access(r.file, R_OK) == -1) {
		fprintf(stderr, "nalamdesk-admin: cannot read %s: %s\n", r.file,
		    strerror(errno));
		return EXIT_FAIL;
	}
	sealed = crypt_is_sealed(r.file);
	if (sealed && !pass_for(r.file, vals[0], r.pass, sizeof(r.pass)))
		return EXIT_FAIL;
	snprintf(dir, sizeof(dir), "%s/db", tool_var);
	root = geteuid() == 0 && stat(dir, &sb) == 0 && sb.st_uid != 0;
	if (!sealed && !root) {
		if (!tool_drop_privileges())
			return EXIT_FAIL;
		return backup_check(r.file, NULL, 0, NULL) == CHECK_GOOD ?
		    EXIT_OK : EXIT_FAIL;
	}
	if (!root && !tool_drop_privileges())
		return EXIT_FAIL;
	if (!tool_mkdir(tool_var, NULL) || !tool_mkdir(tool_var, "backups"))
		return EXIT_FAIL;
	snprintf(r.incoming, sizeof(r.incoming), "%s/backups/.verify-%d.db",
	    tool_var, (int)getpid());
	unlink(r.incoming);
	ok = sealed ? crypt_open(r.file, r.incoming, r.pass) :
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
	enum check	 res;
	int		 version;

	if (!tool_mkdir(tool_var, "backups"))
		return EXIT_FAIL;
	snprintf(tmp, sizeof(tmp), "%s.partial", r->incoming);
	res = backup_check(tmp, r->file, 0, &version);
	if (res != CHECK_GOOD) {
		unlink(tmp);
		if (res == CHECK_NEWER)
			fprintf(stderr, "nalamdesk-admin: refused: %s has schema "
			    "version %d, but this NalamDesk knows versions up to "
			    "%d: it was made by a newer NalamDesk. Install that "
			    "version (or newer) and restore again. Nothing was "
			    "restored.\n", r->file, version, tool_latest());
		else
			fprintf(stderr, "nalamdesk-admin: refused: %s is %s (see "
			    "the checks above); take an older backup. Nothing "
			    "was restored.\n", r->file, res == CHECK_FOREIGN ?
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
	/* Sessions of the backup's time must not come back to life. */
	if (db_begin() != SQLITE_OK ||
	    db_exec("DELETE FROM sessions") != SQLITE_OK ||
	    audit_operator(TOOL_NAME, "backup.restore", "database", 0) !=
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
	char		*pos[1], stamp[32];
	int		 lfd, rc, stopped = 0;

	memset(&r, 0, sizeof(r));
	if (tool_args(argc, argv, pass_opt, vals, pos, 1) != 1)
		return EXIT_USAGE;
	r.file = pos[0];
	if (access(r.file, R_OK) == -1) {
		fprintf(stderr, "nalamdesk-admin: cannot read %s: %s\n", r.file,
		    strerror(errno));
		return EXIT_FAIL;
	}
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
