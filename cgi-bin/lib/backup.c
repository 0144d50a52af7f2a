/*
 * backup.c — a backup's snapshot, checks, record and listing (backup.h);
 * sealing is in backupseal.c.
 *
 * Snapshot: SQLite's online backup API copies every page in ONE step, so
 * in one read transaction: a consistent snapshot while the clinic keeps
 * writing (WAL readers do not block writers).  The copy is switched to
 * rollback-journal mode so that it is one self-contained file.
 *
 * Verify, on a read-only connection of the copy's own: integrity_check,
 * foreign_key_check, and the schema version (newer than the program that
 * reads it, or not NalamDesk's at all, are refused as such).
 *
 * Record: the backups table keeps what was checked, by whom and when; the
 * listing joins it with the files of VAR/backups, which may also hold
 * copies the timer or the operator took.  Recorded copies whose file was
 * rotated away are not listed; failed attempts are.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "nd.h"
#include "backup.h"

#define BACKUPS_MAX	10000	/* entries a listing considers */

enum stmt {
	STMT_RECORD,
	STMT_LIST,
	STMT_COPY_GET,
	STMT_COPY_SET,
	STMT__MAX
};
static const char *const sql[STMT__MAX] = {
	/* STMT_RECORD: a file recorded again (the tool's same path) updates */
	"INSERT INTO backups (file, size_bytes, created_at, integrity,"
	" schema_version, kind, created_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
	" ON CONFLICT (file) DO UPDATE SET size_bytes = ?2, created_at = ?3,"
	" integrity = ?4, schema_version = ?5, kind = ?6, created_by = ?7"
	" RETURNING id",
	/* STMT_LIST: newest first, bounded */
	"SELECT id, file, size_bytes, created_at, integrity, schema_version,"
	" kind FROM backups ORDER BY created_at DESC, id DESC LIMIT ?1",
	/* STMT_COPY_GET: the second copy's place and the last copy made there */
	"SELECT (SELECT value FROM settings WHERE key = 'backup_copy_dir'),"
	" (SELECT value FROM settings WHERE key = 'backup_copy_last_file'),"
	" (SELECT value FROM settings WHERE key = 'backup_copy_last_at')",
	/* STMT_COPY_SET: ?1 key, ?2 value */
	"INSERT INTO settings (key, value) VALUES (?1, ?2)"
	" ON CONFLICT (key) DO UPDATE SET value = excluded.value",
};
/* As in every module with SQL (style.md 5): its own table, checked and prepared once. */
_Static_assert(ND_NELEM(sql) == STMT__MAX, "backup sql");
static sqlite3_stmt *st[STMT__MAX];

/* Columns that tell when a table was last written, for "newest record". */
static const char *const newest[][2] = {
	{ "audit", "ts" },
	{ "patients", "updated_at" },
	{ "visits", "updated_at" },
	{ "queue", "updated_at" },
	{ "appointments", "updated_at" },
	{ "payments", "created_at" },
};

int
backup_init(void)
{
	return db_prepare_all(sql, STMT__MAX, st);
}

void
backup_fini(void)
{
	db_finalize_all(st, STMT__MAX);
}

/*
 * Copies the database of connection SRC into PATH, which must not exist:
 * it is created 0600 first, so that no other user ever reads a copy of
 * patient data.  On failure PATH is removed.  Returns SQLITE_OK or an
 * SQLite error (SQLITE_FULL when the disk is).
 */
int
backup_snapshot(sqlite3 *src, const char *path)
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
	if ((bk = sqlite3_backup_init(dst, "main", src, "main")) == NULL) {
		rc = sqlite3_extended_errcode(dst);
		goto out;
	}
	/* All pages in one step: one consistent read snapshot. */
	rc = sqlite3_backup_step(bk, -1);
	sqlite3_backup_finish(bk);
	if (rc != SQLITE_DONE)
		goto out;
	/* A copy of a WAL database says "WAL" in its header. */
	rc = sqlite3_exec(dst, "PRAGMA journal_mode = DELETE", NULL, NULL,
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

static long long
one_int(sqlite3 *s, const char *q, long long def)
{
	sqlite3_stmt	*p;
	long long	 v = def;

	if (sqlite3_prepare_v2(s, q, -1, &p, NULL) != SQLITE_OK)
		return def;
	if (sqlite3_step(p) == SQLITE_ROW)
		v = sqlite3_column_int64(p, 0);
	sqlite3_finalize(p);
	return v;
}

/* Prints the row count of every table and the newest record's time. */
static void
report_rows(sqlite3 *s, FILE *out)
{
	sqlite3_stmt	*q, *c;
	const unsigned char *t;
	char		 buf[256], best[64] = "", from[64] = "";
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
		snprintf(buf, sizeof(buf), "SELECT count(*) FROM \"%s\"", t);
		if (sqlite3_prepare_v2(s, buf, -1, &c, NULL) != SQLITE_OK)
			continue;
		if (sqlite3_step(c) == SQLITE_ROW)
			fprintf(out, "rows %s: %lld\n", t,
			    (long long)sqlite3_column_int64(c, 0));
		sqlite3_finalize(c);
	}
	sqlite3_finalize(q);
	for (i = 0; i < ND_NELEM(newest); i++) {
		snprintf(buf, sizeof(buf), "SELECT max(%s) FROM %s",
		    newest[i][1], newest[i][0]);
		if (sqlite3_prepare_v2(s, buf, -1, &c, NULL) != SQLITE_OK)
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
		fprintf(out, "newest record: %s (%s)\n", best, from);
	else
		fprintf(out, "newest record: none\n");
}

/*
 * Checks the plain copy at PATH (read-only): integrity, foreign keys, and
 * a schema version of at most LATEST (the reader's newest).  With REPORT
 * not NULL, prints the report there, ending in "LABEL: good" (LABEL NULL:
 * PATH).  Writes a one-line finding ("ok" or what was wrong) into WHAT
 * (SIZE bytes; WHAT may be NULL) and the copy's schema version into
 * *VERSION (may be NULL; -1 unknown).  Returns what was found.
 */
enum backup_check
backup_verify(const char *path, const char *label, long long latest,
    FILE *report, char *what, size_t size, int *version)
{
	sqlite3		*s = NULL;
	sqlite3_stmt	*q = NULL;
	const unsigned char *t;
	enum backup_check res = BACKUP_GOOD;
	char		 found[256] = "the copy could not be checked";
	long long	 v;
	int		 n = 0, rc;

	if (version != NULL)
		*version = -1;
	if (sqlite3_open_v2(path, &s, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		goto broken;
	if (sqlite3_prepare_v2(s, "PRAGMA integrity_check", -1, &q, NULL) !=
	    SQLITE_OK)
		goto broken;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		t = sqlite3_column_text(q, 0);
		if (t != NULL && strcmp((const char *)t, "ok") == 0)
			continue;
		if (res == BACKUP_GOOD)
			snprintf(found, sizeof(found), "integrity: %s",
			    t ? (const char *)t : "?");
		res = BACKUP_BROKEN;
		if (report != NULL && n++ < 10)
			fprintf(report, "integrity: %s\n",
			    t ? (const char *)t : "?");
	}
	sqlite3_finalize(q);
	q = NULL;
	if (rc != SQLITE_DONE)
		goto broken;
	if (res != BACKUP_GOOD)
		goto out;
	if (report != NULL)
		fprintf(report, "integrity: ok\n");
	if (sqlite3_prepare_v2(s, "PRAGMA foreign_key_check", -1, &q, NULL) !=
	    SQLITE_OK)
		goto broken;
	if ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		res = BACKUP_BROKEN;
		snprintf(found, sizeof(found), "foreign keys: a row of %s "
		    "refers to a missing row of %s", sqlite3_column_text(q, 0),
		    sqlite3_column_text(q, 2));
		if (report != NULL)
			fprintf(report, "%s\n", found);
	} else if (rc != SQLITE_DONE)
		goto broken;
	else if (report != NULL)
		fprintf(report, "foreign keys: ok\n");
	sqlite3_finalize(q);
	q = NULL;
	if (res != BACKUP_GOOD)
		goto out;
	v = one_int(s, "PRAGMA user_version", -1);
	if (version != NULL)
		*version = (int)v;
	if (report != NULL)
		fprintf(report, "schema version: %lld (this program: %lld)\n",
		    v, latest);
	if (v > latest) {
		res = BACKUP_NEWER;
		snprintf(found, sizeof(found), "schema version %lld, newer "
		    "than %lld", v, latest);
		if (report != NULL)
			fprintf(report, "schema: newer than this program: made "
			    "by a newer NalamDesk\n");
	} else if (v < 1 || one_int(s, "SELECT count(*) FROM sqlite_schema"
	    " WHERE name IN ('users', 'audit', 'rev')", 0) != 3) {
		res = BACKUP_FOREIGN;
		snprintf(found, sizeof(found), "not a NalamDesk database");
		if (report != NULL)
			fprintf(report, "schema: not a NalamDesk database\n");
	} else
		snprintf(found, sizeof(found), "ok");
	if (report != NULL && res != BACKUP_FOREIGN)
		report_rows(s, report);
	goto out;
broken:
	res = BACKUP_BROKEN;
	snprintf(found, sizeof(found), "integrity: %s", s != NULL ?
	    sqlite3_errmsg(s) : "cannot open");
	if (report != NULL)
		fprintf(report, "%s\n", found);
out:
	sqlite3_finalize(q);
	sqlite3_close(s);
	if (what != NULL)
		snprintf(what, size, "%s", found);
	if (report != NULL)
		fprintf(report, "%s: %s\n", label ? label : path,
		    res == BACKUP_GOOD ? "good" : res == BACKUP_NEWER ?
		    "NEWER SCHEMA" : "BAD");
	return res;
}

/*
 * Records backup B, taken by user BY (0: the operator's tool), in the
 * backups table inside the caller's write transaction; its id into *ID
 * (may be NULL).  Returns SQLITE_OK or the error.
 */
int
backup_record(const struct backup *b, long long by, long long *id)
{
	sqlite3_stmt	*s = st[STMT_RECORD];
	int		 rc;

	db_bind_text(s, 1, b->file);
	db_bind_int(s, 2, b->size);
	db_bind_text(s, 3, b->created_at);
	db_bind_text(s, 4, b->integrity);
	if (b->schema_version > 0)
		db_bind_int(s, 5, b->schema_version);
	db_bind_text(s, 6, b->kind);
	if (by > 0)
		db_bind_int(s, 7, by);
	if ((rc = db_step(s)) == SQLITE_ROW && id != NULL)
		*id = sqlite3_column_int64(s, 0);
	db_reset(s);
	return rc == SQLITE_ROW ? SQLITE_OK : rc == SQLITE_DONE ?
	    SQLITE_ERROR : rc;
}

/* The ISO-8601 UTC form of T into OUT (32 bytes). */
static void
iso_utc(time_t t, char *out)
{
	struct tm	 tm;

	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
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
 * (free() it; NULL when there are none): every file in DIR (VAR/backups),
 * with what the table knows of it, and the table's failed attempts.  A
 * missing directory holds nothing.  Returns SQLITE_OK, or an SQLite error.
 */
int
backup_gather(const char *dir, struct backup **out, size_t *n)
{
	struct backup	*v = NULL, *b;
	struct dirent	*de;
	struct stat	 sb;
	sqlite3_stmt	*s = st[STMT_LIST];
	DIR		*d = NULL;
	char		 path[4400];
	size_t		 len = 0, cap = 0, i, k, known;
	int		 rc = SQLITE_OK, fd;

	*out = NULL;
	*n = 0;
	if (dir != NULL && (d = opendir(dir)) != NULL) {
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
			snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
			b->sealed = backup_is_sealed(path);
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

/* Writes one backup as a JSON object (an array's item). */
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
	jo_bool(r, "encrypted", b->sealed);
	jo_obj_close(r);
}

/* --- the schedule -------------------------------------------------- */

/*
 * The next scheduled backup after NOW: Monday to Saturday every hour on the
 * hour from 08:00 to 20:00, and every day at 21:30, in local time (TZ) —
 * what deploy/systemd/nalamdesk-backup.timer says to systemd, so that
 * `make run` (deploy/run.sh, `nalamdesk-admin backup-wait`) and the
 * installed service take backups at the same times (tests/ops compares the
 * two with systemd-analyze).
 */
time_t
backup_next(time_t now)
{
	struct tm	 day, tm;
	time_t		 t, best = 0;
	int		 d, hh;

	localtime_r(&now, &day);
	for (d = 0; d <= 8 && best == 0; d++) {
		for (hh = 8; hh <= 21; hh++) {
			memset(&tm, 0, sizeof(tm));
			tm.tm_year = day.tm_year;
			tm.tm_mon = day.tm_mon;
			tm.tm_mday = day.tm_mday + d;
			tm.tm_hour = hh;
			tm.tm_min = hh == 21 ? 30 : 0;
			tm.tm_isdst = -1;
			if ((t = mktime(&tm)) == (time_t)-1 || t <= now)
				continue;
			/* Hourly ones on Monday to Saturday only (tm_wday 1-6). */
			if (hh <= 20 && tm.tm_wday == 0)
				continue;
			if (best == 0 || t < best)
				best = t;
		}
	}
	return best;
}

/* --- the second copy (off this PC) ------------------------------------ */

static void
copy_text(sqlite3_stmt *s, int i, char *out, size_t size)
{
	const unsigned char	*t = sqlite3_column_text(s, i);

	snprintf(out, size, "%s", t != NULL ? (const char *)t : "");
}

/*
 * The second copy's place (settings key backup_copy_dir, "" when none) and
 * the last copy written there (file name and ISO-8601 UTC time, "" when
 * none) into C.  Returns SQLITE_OK or the error.
 */
int
backup_copy_get(struct backup_copy *c)
{
	sqlite3_stmt	*s = st[STMT_COPY_GET];
	int		 rc;

	memset(c, 0, sizeof(*c));
	if ((rc = db_step(s)) == SQLITE_ROW) {
		copy_text(s, 0, c->dir, sizeof(c->dir));
		copy_text(s, 1, c->last_file, sizeof(c->last_file));
		copy_text(s, 2, c->last_at, sizeof(c->last_at));
	}
	db_reset(s);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Whether the absolute PATH is the folder DIR or inside it. */
static int
path_within(const char *path, const char *dir)
{
	size_t	 n = strlen(dir);

	while (n > 1 && dir[n - 1] == '/')
		n--;
	if (n == 1 && dir[0] == '/')
		return 1;
	return strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

/*
 * A place for the second copy: "" (none), or an absolute path of at most
 * BACKUP_COPY_DIR_MAX bytes, one line, no "." or ".." component, and not
 * the state folder VAR (NULL: unknown) nor inside it, as written or once
 * links are followed: the copy must leave NalamDesk's own folder, whose
 * app/htdocs the web server serves to every machine of the allow-list.
 * 1 or 0.
 */
int
backup_copy_dir_ok(const char *dir, const char *var)
{
	char		 rvar[PATH_MAX], rdir[PATH_MAX];
	size_t		 n = strlen(dir);
	const char	*p;

	if (n == 0)
		return 1;
	if (n > BACKUP_COPY_DIR_MAX || dir[0] != '/')
		return 0;
	for (p = dir; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return 0;
	if (strstr(dir, "/../") != NULL || strstr(dir, "/./") != NULL ||
	    (n >= 3 && strcmp(dir + n - 3, "/..") == 0) ||
	    (n >= 2 && strcmp(dir + n - 2, "/.") == 0))
		return 0;
	if (var == NULL || var[0] == '\0')
		return 1;
	if (var[0] == '/' && path_within(dir, var))
		return 0;
	if (realpath(var, rvar) != NULL && (path_within(dir, rvar) ||
	    (realpath(dir, rdir) != NULL && path_within(rdir, rvar))))
		return 0;
	return 1;
}

/* Sets the key KEY of the copy's settings to VALUE.  SQLITE_OK or rc. */
static int
copy_set(const char *key, const char *value)
{
	sqlite3_stmt	*s = st[STMT_COPY_SET];

	db_bind_text(s, 1, key);
	db_bind_text(s, 2, value);
	return db_run(s);
}

/* Sets the second copy's place (valid by backup_copy_dir_ok()), inside the
 * caller's transaction.  SQLITE_OK or the error. */
int
backup_copy_set_dir(const char *dir)
{
	return copy_set("backup_copy_dir", dir);
}

/* Records a copy FILE written to the second place at AT (ISO-8601 UTC), in
 * the caller's transaction.  SQLITE_OK or the error. */
int
backup_copy_done(const char *file, const char *at)
{
	int	 rc;

	if ((rc = copy_set("backup_copy_last_file", file)) != SQLITE_OK)
		return rc;
	return copy_set("backup_copy_last_at", at);
}

/*
 * How old the newest good backup of V (N, newest first, from
 * backup_gather()) is: BACKUP_NEVER when there is none (a fresh install:
 * "no backup yet", not "more than a day old"), BACKUP_OLD when the newest
 * is older than BACKUP_STALE_SECONDS, else BACKUP_RECENT.  Good: its
 * checks passed, or the tool wrote it (it checks a copy before naming
 * it), and the file is still there.
 */
enum backup_age
backup_age(const struct backup *v, size_t n)
{
	char		 since[32];
	time_t		 t = time(NULL) - BACKUP_STALE_SECONDS;
	struct tm	 tm;
	size_t		 i;
	int		 any = 0;

	gmtime_r(&t, &tm);
	strftime(since, sizeof(since), "%Y-%m-%dT%H:%M:%SZ", &tm);
	for (i = 0; i < n; i++) {
		if (!v[i].present || v[i].size <= 0 ||
		    (strcmp(v[i].integrity, "ok") != 0 &&
		    strcmp(v[i].integrity, "unchecked") != 0))
			continue;
		any = 1;
		if (strcmp(v[i].created_at, since) >= 0)
			return BACKUP_RECENT;
	}
	return any ? BACKUP_OLD : BACKUP_NEVER;
}
