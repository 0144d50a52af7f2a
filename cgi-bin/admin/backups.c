/*
 * backups.c — backups on demand and their listing.
 *
 * POST /api/backups copies the database with SQLite's online backup API
 * from this worker's own connection (one step: one consistent read
 * snapshot; the clinic keeps writing meanwhile, WAL readers do not block
 * writers), into VAR/backups/nalamdesk-<UTC time>.db by way of a
 * ".partial" file, then checks the copy on a connection of its own
 * (integrity_check, foreign_key_check, schema version) before the file
 * takes its name, and records the result in the table `backups`.
 *
 * The directory may also hold backups the admin tool or the timer took:
 * those the tool recorded in the table are listed with their result, the
 * others as "unchecked".  Recorded copies whose file was rotated away are
 * not listed; failed attempts are.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "admin.h"

#define BACKUPS_MAX	10000	/* entries a listing considers */

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

/* The ISO-8601 UTC form of T into OUT (32 bytes). */
static void
iso_utc(time_t t, char *out)
{
	struct tm	 tm;

	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Writes one backup as a JSON object. */
void
backup_json(struct req *r, const struct backup *b)
{
	jo_obj(r, NULL);
	if (b->id > 0)
		jo_int(r, "id", b->id);
	else
		jo_null(r, "id");
	jo_str(r, "file", b->file);
	jo_int(r, "size_bytes", b->size);
	jo_str(r, "created_at", b->created_at);
	jo_str(r, "integrity", b->integrity);
	if (b->schema_version > 0)
		jo_int(r, "schema_version", b->schema_version);
	else
		jo_null(r, "schema_version");
	jo_str(r, "kind", b->kind[0] != '\0' ? b->kind : NULL);
	jo_bool(r, "present", b->present);
	jo_obj_close(r);
}

static int
backup_cmp(const void *a, const void *b)
{
	const struct backup *x = a, *y = b;
	int		 c;

	if ((c = strcmp(y->created_at, x->created_at)) != 0)
		return c;
	if (x->id != y->id)
		return y->id > x->id ? 1 : -1;
	return strcmp(y->file, x->file);
}

/* A name a backup may have: "*.db", no leading dot, no slash. */
static int
backup_name(const char *s)
{
	size_t	 n = strlen(s);

	return n > 3 && n < 256 && s[0] != '.' && strchr(s, '/') == NULL &&
	    strcmp(s + n - 3, ".db") == 0;
}

/*
 * A new zeroed entry at the end of *V (*LEN used of *CAP), which grows by
 * doubling.  Returns it, or NULL when memory ran out (*V is kept).
 */
static struct backup *
backup_new(struct backup **v, size_t *len, size_t *cap)
{
	struct backup	*nv;
	size_t		 ncap;

	if (*len == *cap) {
		ncap = *cap ? *cap * 2 : 32;
		if ((nv = reallocarray(*v, ncap, sizeof(**v))) == NULL)
			return NULL;
		*v = nv;
		*cap = ncap;
	}
	memset(&(*v)[*len], 0, sizeof(**v));
	return &(*v)[(*len)++];
}

/*
 * Collects the backups, newest first, into a new array *OUT of *N entries
 * (free() it; NULL when there are none): every file in VAR/backups, with
 * what the table knows of it, and the table's failed attempts.  A missing
 * directory holds nothing.  Returns SQLITE_OK, or an SQLite error.
 */
int
backups_gather(struct backup **out, size_t *n)
{
	struct backup	*v = NULL, *b;
	struct dirent	*de;
	struct stat	 sb;
	sqlite3_stmt	*s = st[STMT_BACKUP_LIST];
	DIR		*d = NULL;
	char		 dir[4200];
	size_t		 len = 0, cap = 0, i, k, known;
	int		 rc = SQLITE_OK, fd;

	*out = NULL;
	*n = 0;
	if (admin_var_path("backups", dir, sizeof(dir)) &&
	    (d = opendir(dir)) != NULL) {
		fd = dirfd(d);
		while ((de = readdir(d)) != NULL && len < BACKUPS_MAX) {
			if (!backup_name(de->d_name) ||
			    fstatat(fd, de->d_name, &sb, AT_SYMLINK_NOFOLLOW) ==
			    -1 || !S_ISREG(sb.st_mode))
				continue;
			if ((b = backup_new(&v, &len, &cap)) == NULL) {
				closedir(d);
				free(v);
				return SQLITE_NOMEM;
			}
			snprintf(b->file, sizeof(b->file), "%s", de->d_name);
			b->size = (long long)sb.st_size;
			iso_utc(sb.st_mtime, b->created_at);
			snprintf(b->integrity, sizeof(b->integrity), "unchecked");
			b->present = 1;
		}
		closedir(d);
	}
	known = len;
	db_bind_int(s, 1, BACKUPS_MAX);
	while ((rc = db_step(s)) == SQLITE_ROW) {
		const char *file = (const char *)sqlite3_column_text(s, 1);
		for (i = 0, b = NULL; i < known; i++)
			if (strcmp(v[i].file, file) == 0)
				b = &v[i];
		if (b == NULL) {
			if ((b = backup_new(&v, &len, &cap)) == NULL) {
				rc = SQLITE_NOMEM;
				break;
			}
			snprintf(b->file, sizeof(b->file), "%s", file);
			b->size = sqlite3_column_int64(s, 2);
		}
		b->id = sqlite3_column_int64(s, 0);
		snprintf(b->created_at, sizeof(b->created_at), "%s",
		    (const char *)sqlite3_column_text(s, 3));
		snprintf(b->integrity, sizeof(b->integrity), "%s",
		    (const char *)sqlite3_column_text(s, 4));
		b->schema_version = sqlite3_column_int64(s, 5);
		snprintf(b->kind, sizeof(b->kind), "%s",
		    (const char *)sqlite3_column_text(s, 6));
	}
	db_reset(s);
	if (rc != SQLITE_DONE) {
		free(v);
		return rc;
	}
	/* A good copy whose file was rotated away is history, not a backup;
	 * a failed attempt stays listed so that the failure is seen. */
	for (i = known, k = known; i < len; i++)
		if (strcmp(v[i].integrity, "ok") != 0)
			v[k++] = v[i];
	len = k;
	if (len > 0)
		qsort(v, len, sizeof(*v), backup_cmp);
	*out = v;
	*n = len;
	return SQLITE_OK;
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

/*
 * Copies the open database into PATH, which must not exist: it is created
 * 0600 first, so that no other user ever reads a copy of patient data.
 * On failure PATH is removed (unless it existed before).
 * Returns SQLITE_OK or an SQLite error.
 */
static int
snapshot(const char *path)
{
	sqlite3		*dst = NULL;
	sqlite3_backup	*bk;
	int		 fd, rc;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) ==
	    -1)
		return errno == ENOSPC ? SQLITE_FULL : SQLITE_CANTOPEN;
	close(fd);
	if ((rc = sqlite3_open_v2(path, &dst, SQLITE_OPEN_READWRITE, NULL)) !=
	    SQLITE_OK)
		goto out;
	if ((bk = sqlite3_backup_init(dst, "main", db, "main")) == NULL) {
		rc = sqlite3_extended_errcode(dst);
		goto out;
	}
	/* All pages in one step: one consistent read snapshot. */
	rc = sqlite3_backup_step(bk, -1);
	sqlite3_backup_finish(bk);
	if (rc != SQLITE_DONE)
		goto out;
	rc = sqlite3_exec(dst, verify_sql[VSTMT_JOURNAL_DELETE], NULL, NULL,
	    NULL);
out:
	if (rc != SQLITE_OK)
		nd_log("backup: the snapshot failed: %s (%d)",
		    dst != NULL ? sqlite3_errmsg(dst) : "cannot open", rc);
	sqlite3_close(dst);
	if (rc != SQLITE_OK)
		unlink(path);
	return rc;
}

/*
 * Checks the copy at PATH: integrity, foreign keys, and that its schema
 * version is WANT.  Writes "ok" or what was found into WHAT (SIZE bytes)
 * and the copy's version into *VERSION.  Returns 1 if all is well.
 */
static int
verify_copy(const char *path, long long want, char *what, size_t size,
    long long *version)
{
	sqlite3		*c = NULL;
	sqlite3_stmt	*q = NULL;
	const char	*t;
	int		 ok = 0;

	*version = 0;
	snprintf(what, size, "the copy could not be opened");
	if (sqlite3_open_v2(path, &c, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		goto out;
	snprintf(what, size, "the copy could not be checked");
	if (sqlite3_prepare_v2(c, verify_sql[VSTMT_INTEGRITY], -1, &q, NULL) !=
	    SQLITE_OK || sqlite3_step(q) != SQLITE_ROW)
		goto out;
	t = (const char *)sqlite3_column_text(q, 0);
	if (t == NULL || strcmp(t, "ok") != 0) {
		snprintf(what, size, "integrity: %s", t != NULL ? t : "?");
		goto out;
	}
	sqlite3_finalize(q);
	if (sqlite3_prepare_v2(c, verify_sql[VSTMT_FOREIGN_KEYS], -1, &q,
	    NULL) != SQLITE_OK)
		goto out;
	switch (sqlite3_step(q)) {
	case SQLITE_DONE:
		break;
	case SQLITE_ROW:
		snprintf(what, size, "foreign keys: a row of %s refers to a "
		    "missing %s", (const char *)sqlite3_column_text(q, 0),
		    (const char *)sqlite3_column_text(q, 2));
		goto out;
	default:
		goto out;
	}
	sqlite3_finalize(q);
	if (sqlite3_prepare_v2(c, verify_sql[VSTMT_USER_VERSION], -1, &q,
	    NULL) != SQLITE_OK || sqlite3_step(q) != SQLITE_ROW)
		goto out;
	*version = sqlite3_column_int64(q, 0);
	if (*version != want) {
		snprintf(what, size, "schema version %lld, the database has "
		    "%lld", *version, want);
		goto out;
	}
	snprintf(what, size, "ok");
	ok = 1;
out:
	sqlite3_finalize(q);
	sqlite3_close(c);
	return ok;
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
backup_record(struct req *r, struct backup *b)
{
	sqlite3_stmt	*s = st[STMT_BACKUP_ADD];
	int		 rc;

	if ((rc = db_begin()) != SQLITE_OK)
		return rc;
	db_bind_text(s, 1, b->file);
	db_bind_int(s, 2, b->size);
	db_bind_text(s, 3, b->created_at);
	db_bind_text(s, 4, b->integrity);
	if (b->schema_version > 0)
		db_bind_int(s, 5, b->schema_version);
	db_bind_text(s, 6, b->kind);
	db_bind_int(s, 7, r->user.id);
	rc = db_step(s);
	db_reset(s);
	if (rc != SQLITE_DONE) {
		db_rollback();
		return rc;
	}
	b->id = sqlite3_last_insert_rowid(db);
	if ((rc = audit(r, "backup.create", "backup", b->id, 0)) != SQLITE_OK) {
		db_rollback();
		return rc;
	}
	return db_commit();
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
	char		 dir[4200], final[4500], part[4520], stamp[20];
	long long	 want;
	time_t		 t = time(NULL);
	int		 rc, i, ok;

	memset(&b, 0, sizeof(b));
	if (!admin_var_path("backups", dir, sizeof(dir)) || !dir_ready(dir))
		return http_error(r, 500, "backup_failed", "The backups "
		    "directory is missing and could not be made.", NULL);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", gmtime(&t));
	iso_utc(t, b.created_at);
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
		if (access(final, F_OK) == -1 && access(part, F_OK) == -1)
			break;
	}
	if (audit_import() < 0)		/* the copy holds the journal's reads */
		nd_log("backup: the audit journal was not imported first");
	if ((rc = snapshot(part)) != SQLITE_OK) {
		if ((rc & 0xff) == SQLITE_FULL)
			return db_fail(r, rc);
		return http_error(r, 500, "backup_failed", "The backup could "
		    "not be written. Nothing was kept.", NULL);
	}
	ok = verify_copy(part, want, b.integrity, sizeof(b.integrity),
	    &b.schema_version);
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
	if ((rc = backup_record(r, &b)) != SQLITE_OK)
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
