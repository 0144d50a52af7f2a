/*
 * backups.c — backups on demand and their listing, by the library's
 * backup module (lib/backup.c, lib/backupseal.c).
 *
 * POST /api/backups snapshots the database from this worker's own
 * connection into VAR/backups/nalamdesk-<UTC time>.db by way of a
 * ".partial" file, checks the copy before the file takes its name, and
 * records the result in the table `backups`.  When VAR/backup.key holds a
 * passphrase, the checked copy is sealed with it (the admin tool's format)
 * before it takes its name, so no plain copy of the password hashes and
 * the records stays in VAR/backups; `nalamdesk-admin verify` and
 * `restore` open it with the same file.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "admin.h"

/*
 * Writes VAR/SUB into OUT, where VAR is $NALAMDESK_VAR or, without it, the
 * directory two levels above $NALAMDESK_DB (VAR/db/nalamdesk.db).
 * Returns 1, or 0 when neither is set or OUT is too small.
 */
int
admin_var_path(const char *sub, char *out, size_t size)
{
	const char	*var = getenv("NALAMDESK_VAR"), *dbp;
	char		 buf[4096], *slash;
	int		 n;

	if (var == NULL || *var == '\0') {
		if ((dbp = getenv("NALAMDESK_DB")) == NULL ||
		    (size_t)snprintf(buf, sizeof(buf), "%s", dbp) >= sizeof(buf))
			return 0;
		if ((slash = strrchr(buf, '/')) == NULL)
			return 0;
		*slash = '\0';
		if ((slash = strrchr(buf, '/')) == NULL)
			snprintf(buf, sizeof(buf), ".");
		else
			*slash = '\0';
		var = buf;
	}
	n = snprintf(out, size, "%s/%s", var, sub);
	return n > 0 && (size_t)n < size;
}

/*
 * Collects the backups of VAR/backups and the table, newest first, into a
 * new array *OUT of *N (free() it).  Returns SQLITE_OK or the error.
 */
int
backups_gather(struct backup **out, size_t *n)
{
	char	 dir[4200];

	return backup_gather(admin_var_path("backups", dir, sizeof(dir)) ?
	    dir : NULL, out, n);
}

/* GET /api/backups: 200 {backups:[...]} newest first. */
int
backup_list(struct req *r)
{
	struct backup	*v;
	size_t		 n, i;
	int		 rc;

	if ((rc = backups_gather(&v, &n)) != SQLITE_OK)
		return db_fail(r, rc);
	jo_open(r);
	jo_arr(r, "backups");
	for (i = 0; i < n; i++)
		backup_json(r, &v[i]);
	jo_arr_close(r);
	jo_close(r);
	free(v);
	return 200;
}

/* Writes the second copy's settings as {dir, reachable, last_file, last_at}. */
static void
copy_json(struct req *r, const struct backup_copy *c)
{
	jo_open(r);
	if (c->dir[0] != '\0') {
		jo_str(r, "dir", c->dir);
		jo_bool(r, "reachable", access(c->dir, W_OK) == 0);
	} else {
		jo_null(r, "dir");
		jo_bool(r, "reachable", 0);
	}
	if (c->last_at[0] != '\0') {
		jo_str(r, "last_file", c->last_file);
		jo_str(r, "last_at", c->last_at);
	} else {
		jo_null(r, "last_file");
		jo_null(r, "last_at");
	}
	jo_close(r);
}

/*
 * GET /api/backups/copy: 200 {dir, reachable, last_file, last_at}: where
 * the scheduled backups are copied, encrypted, off this PC (a USB disk's
 * folder or another path; null: nowhere), whether this server can write
 * there now, and the last copy written there.
 */
int
backup_copy_read(struct req *r)
{
	struct backup_copy	 c;
	int			 rc;

	if ((rc = backup_copy_get(&c)) != SQLITE_OK)
		return db_fail(r, rc);
	copy_json(r, &c);
	return 200;
}

/*
 * PUT /api/backups/copy {dir}: sets the second copy's place (an absolute
 * path, or "" / null for none); the next scheduled backup writes there.
 * 200 as GET; 422 (field dir) for a relative path or "..", or for a
 * place inside VAR (the copy must leave it).  A folder that
 * is not there now (the USB disk unplugged) is accepted: reachable says
 * so.  Audited settings.update.
 */
int
backup_copy_put(struct req *r)
{
	struct backup_copy	 c;
	const char		*dir = json_str(r->json, "dir");
	char			 var[4096];
	int			 rc;

	if (dir == NULL)
		dir = "";
	if (!backup_copy_dir_ok(dir, NULL))
		return http_error(r, 422, "invalid", "Give the folder's full "
		    "path, starting with / (for example /media/usb/backups).",
		    "dir");
	if (admin_var_path("", var, sizeof(var)) &&
	    !backup_copy_dir_ok(dir, var))
		return http_error(r, 422, "invalid", "The copy must leave "
		    "NalamDesk's own folder: give a USB disk or another "
		    "computer's folder (for example /media/usb/backups).",
		    "dir");
	if ((rc = db_begin()) != SQLITE_OK)
		return db_fail(r, rc);
	if ((rc = backup_copy_set_dir(dir)) != SQLITE_OK ||
	    (rc = audit(r, "settings.update", "settings", 0, 0)) != SQLITE_OK)
		return db_fail(r, rc);
	if ((rc = db_commit()) != SQLITE_OK)
		return db_fail(r, rc);
	if ((rc = backup_copy_get(&c)) != SQLITE_OK)
		return db_fail(r, rc);
	copy_json(r, &c);
	return 200;
}

/* Makes DIR (mode 0700) if it is missing.  Returns 1 or 0. */
static int
dir_ready(const char *dir)
{
	struct stat	 sb;

	if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
		nd_log("backup: cannot make the backups directory: %s",
		    strerror(errno));
		return 0;
	}
	return stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode);
}

/* Makes the directory entry of a new file durable. */
static void
dir_sync(const char *dir)
{
	int	 fd;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		fsync(fd);
		close(fd);
	}
}

/* Records backup B in the table and the audit.  Returns SQLITE_OK or rc. */
static int
record(struct req *r, struct backup *b)
{
	int	 rc;

	if ((rc = db_begin()) != SQLITE_OK)
		return rc;
	if ((rc = backup_record(b, r->user.id, &b->id)) != SQLITE_OK ||
	    (rc = audit(r, "backup.create", "backup", b->id, 0)) != SQLITE_OK) {
		db_rollback();
		return rc;
	}
	return db_commit();
}

/*
 * The server's backup passphrase (VAR/backup.key) into PASS of SIZE.
 * Returns 1 read, 0 there is none, -1 it cannot be used (unreadable,
 * empty, or open to others than its owner and group).
 */
static int
backup_pass(char *pass, size_t size)
{
	char		 path[4200];
	struct stat	 sb;

	if (!admin_var_path(BACKUP_KEY_FILE, path, sizeof(path)))
		return 0;
	if (stat(path, &sb) == -1)
		return errno == ENOENT ? 0 : -1;
	/* The system install's is root:nalamdesk 0640; never others'. */
	if ((sb.st_mode & 007) != 0) {
		nd_log("backup: %s is open to others: chmod o= it", path);
		return -1;
	}
	return backup_key(path, pass, size);
}

/*
 * POST /api/backups: 201 {backup} once the copy passed its checks;
 * 500 "backup_unverified" when it did not (the copy is deleted and the
 * failure recorded, so the listing shows it); 507 when the disk is full;
 * 500 when no copy could be made.
 */
int
backup_create(struct req *r)
{
	struct backup	 b;
	struct stat	 sb;
	char		 dir[4200], final[4500], part[4520], sealed[4520];
	char		 stamp[20], pass[512];
	long long	 want;
	time_t		 t = time(NULL);
	struct tm	 tm;
	int		 rc, i, ok, version, seal;

	memset(&b, 0, sizeof(b));
	if ((seal = backup_pass(pass, sizeof(pass))) < 0)
		return http_error(r, 500, "backup_failed", "The backup "
		    "passphrase file cannot be used (see the server's log). "
		    "Nothing was written.", NULL);
	if (!admin_var_path("backups", dir, sizeof(dir)) || !dir_ready(dir))
		return http_error(r, 500, "backup_failed", "The backups "
		    "directory is missing and could not be made.", NULL);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", gmtime(&t));
	gmtime_r(&t, &tm);
	strftime(b.created_at, sizeof(b.created_at), "%Y-%m-%dT%H:%M:%SZ",
	    &tm);
	snprintf(b.kind, sizeof(b.kind), "manual");
	want = db_int1(st[STMT_SCHEMA_VERSION], -1);

	/* A name no other backup has, even two in one second. */
	for (i = 0; i < 100; i++) {
		if (i == 0)
			snprintf(b.file, sizeof(b.file), "nalamdesk-%s.db", stamp);
		else
			snprintf(b.file, sizeof(b.file), "nalamdesk-%s-%d.db",
			    stamp, i);
		snprintf(final, sizeof(final), "%s/%s", dir, b.file);
		snprintf(part, sizeof(part), "%s.partial", final);
		snprintf(sealed, sizeof(sealed), "%s.sealing", final);
		if (access(final, F_OK) == -1 && access(part, F_OK) == -1 &&
		    access(sealed, F_OK) == -1)
			break;
	}
	if (audit_import() < 0)		/* the copy holds the journal's reads */
		nd_log("backup: the audit journal was not imported first");
	if ((rc = backup_snapshot(db, part)) != SQLITE_OK) {
		if ((rc & 0xff) == SQLITE_FULL)
			return db_fail(r, rc);
		return http_error(r, 500, "backup_failed", "The backup could "
		    "not be written. Nothing was kept.", NULL);
	}
	ok = backup_verify(part, NULL, want, NULL, b.integrity,
	    sizeof(b.integrity), &version) == BACKUP_GOOD;
	b.schema_version = version > 0 ? version : 0;
	if (ok && seal) {
		/* The plain copy never takes the backup's name. */
		b.sealed = backup_seal(part, sealed, pass);
		unlink(part);
		if (!b.sealed) {
			explicit_bzero(pass, sizeof(pass));
			return http_error(r, 500, "backup_failed", "The backup "
			    "could not be encrypted. Nothing was kept.", NULL);
		}
		if (rename(sealed, part) == -1) {
			unlink(sealed);
			explicit_bzero(pass, sizeof(pass));
			return http_error(r, 500, "backup_failed", "The backup "
			    "could not be named. Nothing was kept.", NULL);
		}
	}
	explicit_bzero(pass, sizeof(pass));
	if (stat(part, &sb) == 0)
		b.size = (long long)sb.st_size;
	if (ok) {
		/* link() never replaces a file that appeared meanwhile. */
		if (link(part, final) == -1) {
			nd_log("backup: cannot name the copy: %s",
			    strerror(errno));
			unlink(part);
			return http_error(r, 500, "backup_failed", "The backup "
			    "could not be named. Nothing was kept.", NULL);
		}
		b.present = 1;
	} else {
		nd_log("backup: the copy did not pass its checks: %s",
		    b.integrity);
		/* Recorded under a name no file in the directory can have. */
		strncat(b.file, ".failed", sizeof(b.file) - strlen(b.file) - 1);
	}
	unlink(part);
	dir_sync(dir);
	if ((rc = record(r, &b)) != SQLITE_OK)
		return db_fail(r, rc);
	if (!ok)
		return http_error(r, 500, "backup_unverified", "The backup "
		    "did not pass its checks and was not kept. The list of "
		    "backups says what was found; the database itself may be "
		    "damaged: see the operations guide.", NULL);
	jo_open(r);
	jo_key(r, "backup");
	backup_json(r, &b);
	jo_close(r);
	return 201;
}
