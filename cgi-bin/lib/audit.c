/*
 * audit.c — the append-only audit trail: who (user, role, client IP) did
 * what (action) to which record (entity, id, patient) and when.
 *
 * A write is audited inside its own transaction, so both land or neither.
 *
 * Anything audited outside a transaction (every read of a patient, a
 * search, the queue...) is appended as one line to the audit journal, a
 * file beside the database (DB-audit.log), with one write(): no write
 * lock, no WAL frames, no fsync, and no other process's page cache thrown
 * away.  The line is in the kernel when the answer leaves, so it survives
 * the death of the worker, as the old synchronous=NORMAL row did; like
 * that row, it is lost only with the machine's power before the kernel
 * wrote it out.  A read whose line cannot be written is refused.
 *
 * audit_import() moves the journal into the audit table in one
 * transaction.  The admin program's workers run it in the background
 * (audit_tick(), every ND_TICK_MS) once the journal passes AUDIT_IMPORT_AT,
 * so no read waits for it and the rows of one import share their index
 * pages; it also runs before the admin program shows or exports the trail
 * or takes a backup, and in `nalamdesk-admin audit-import` (and backup).
 *
 * The hand-over between appenders and an importer, without a lock file:
 * an appender holds a shared flock on the journal while it checks that its
 * open file is still the live journal and writes its line.  The importer
 * (inside BEGIN IMMEDIATE, so importers take turns) renames the journal to
 * DB-audit.log.importing, marks the file retired by taking away its owner's
 * write permission (JOURNAL_LIVE), then takes an exclusive flock on it,
 * which waits for any appender that got in before the mark; an appender
 * that comes later sees the mark on its open file (fstat(), no path
 * lookup), or cannot get its shared lock, and opens the new journal.  The
 * fingerprint of each imported file is kept in audit_import in the same
 * transaction as its rows, so a file left behind by an importer that died
 * after its commit is not imported twice.
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "nd.h"

/*
 * A journal this large is imported by the next tick of an admin worker:
 * about 11,800 rows, one transaction of about 150 ms that writers wait
 * for.  A clinic reads tens of records a minute, so there the journal
 * moves with the nightly backup; a load test reads 20,000 a second, an
 * import every half second.  Fewer, larger imports write each index page
 * once for many rows: per row, an import of 2 MiB took 12 µs, one of
 * 256 KiB 27.  At 256 KiB (four imports a second) the reads of patient by
 * id at 64 connections cost 75-88 µs and had a p99 of 12-42 ms; at 1 MiB,
 * 75 µs and 10.6 ms; with no import at all, 65 µs and 7 ms.
 */
#define AUDIT_IMPORT_AT	(1024 * 1024)

enum stmt {
	STMT_AUDIT_ADD,
	STMT_JOURNAL_ROW,
	STMT_JOURNAL_SEEN,
	STMT_JOURNAL_DONE,
	STMT_AUDIT_OPERATOR,
	STMT__MAX
};
static const char *const sql[STMT__MAX] = {
	/* STMT_AUDIT_ADD */
	"INSERT INTO audit (ts, user_id, username, role, ip, action, entity,"
	" entity_id, patient_id, detail) VALUES"
	" (strftime('%Y-%m-%dT%H:%M:%fZ'), ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
	/* STMT_JOURNAL_ROW: one journal line, with its own time */
	"INSERT INTO audit (ts, user_id, username, role, ip, action, entity,"
	" entity_id, patient_id, detail) VALUES"
	" (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
	/* STMT_JOURNAL_SEEN: a file with this fingerprint was imported */
	"SELECT 1 FROM audit_import WHERE fingerprint = ?1",
	/* STMT_JOURNAL_DONE */
	"INSERT OR REPLACE INTO audit_import (id, fingerprint, rows, skipped,"
	" ts) VALUES (1, ?1, ?2, ?3, strftime('%Y-%m-%dT%H:%M:%fZ'))",
	/* STMT_AUDIT_OPERATOR: the admin tool's rows, named by the tool */
	"INSERT INTO audit (ts, username, action, entity, entity_id, patient_id)"
	" VALUES (strftime('%Y-%m-%dT%H:%M:%fZ'), ?1, ?2, ?3, ?4, ?5)",
};
/* As in every module with SQL (style.md 5): its own table, checked and prepared once. */
_Static_assert(ND_NELEM(sql) == STMT__MAX, "audit sql");
static sqlite3_stmt *st[STMT__MAX];

/* The live journal's mode; an importer takes S_IWUSR away (retired). */
#define JOURNAL_LIVE	0600

static long long import_at_least(off_t);

static int	 jfd = -1;	/* the journal, open for appending */
static time_t	 retry_at;	/* after a failed import */

int
audit_init(void)
{
	return db_prepare_all(sql, STMT__MAX, st);
}

void
audit_fini(void)
{
	db_finalize_all(st, STMT__MAX);
	if (jfd != -1)
		close(jfd);
	jfd = -1;
}

/* The journal's path (SUFFIX: "" or ".importing") into BUF of SIZE. */
static int
journal_path(char *buf, size_t size, const char *suffix)
{
	const char	*f = sqlite3_db_filename(db, "main");
	int		 n;

	if (f == NULL || *f == '\0')
		return 0;
	n = snprintf(buf, size, "%s-audit.log%s", f, suffix);
	return n > 0 && (size_t)n < size;
}

static int
audit_insert(struct req *r, const char *action, const char *entity,
    long long entity_id, long long patient_id, const char *detail)
{
	sqlite3_stmt	*s = st[STMT_AUDIT_ADD];

	if (r->user.id > 0) {
		db_bind_int(s, 1, r->user.id);
		db_bind_text(s, 2, r->user.username);
		db_bind_text(s, 3, role_names[r->user.role]);
	}
	db_bind_text(s, 4, r->remote_addr);
	db_bind_text(s, 5, action);
	db_bind_text(s, 6, entity);
	if (entity_id > 0)
		db_bind_int(s, 7, entity_id);
	if (patient_id > 0)
		db_bind_int(s, 8, patient_id);
	db_bind_text(s, 9, detail);
	return db_run(s);
}

/* Appends S to the line at *P (before END), tabs and controls blanked. */
static void
put_field(char **p, const char *end, const char *s)
{
	for (; s != NULL && *s != '\0' && *p < end; s++)
		*(*p)++ = (unsigned char)*s < 0x20 || *s == 0x7f ? ' ' : *s;
	if (*p < end)
		*(*p)++ = '\t';
}

/*
 * The journal line of one audit row: ts, user_id, username, role, ip,
 * action, entity, entity_id, patient_id, and detail when DETAIL is not
 * NULL, tab-separated; empty is NULL.  Returns its length (ending in
 * '\n'), or 0 if it did not fit.
 */
size_t
audit_journal_line(char *buf, size_t size, const struct req *r,
    const char *action, const char *entity, long long entity_id,
    long long patient_id, const char *detail)
{
	struct timespec	 ts;
	struct tm	 tm;
	char		 num[3][24], *p = buf, *end = buf + size - 1;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	p += strftime(p, 24, "%Y-%m-%dT%H:%M:%S", &tm);
	p += snprintf(p, 8, ".%03ldZ", ts.tv_nsec / 1000000);
	*p++ = '\t';
	snprintf(num[0], sizeof(num[0]), "%lld", r->user.id);
	snprintf(num[1], sizeof(num[1]), "%lld", entity_id);
	snprintf(num[2], sizeof(num[2]), "%lld", patient_id);
	put_field(&p, end, r->user.id > 0 ? num[0] : "");
	put_field(&p, end, r->user.id > 0 ? r->user.username : "");
	put_field(&p, end, r->user.id > 0 ? role_names[r->user.role] : "");
	put_field(&p, end, r->remote_addr);
	put_field(&p, end, action);
	put_field(&p, end, entity);
	put_field(&p, end, entity_id > 0 ? num[1] : "");
	put_field(&p, end, patient_id > 0 ? num[2] : "");
	if (detail != NULL)	/* else the line of 9 fields it always was */
		put_field(&p, end, detail);
	if (p >= end)
		return 0;
	p[-1] = '\n';		/* the last field's tab */
	return (size_t)(p - buf);
}

/*
 * Writes LINE (LEN bytes) to the journal.  Returns SQLITE_OK, SQLITE_FULL
 * or SQLITE_IOERR.
 */
static int
journal_append(const char *line, size_t len)
{
	char		 path[4200];
	struct stat	 sb;
	ssize_t		 n;
	int		 tries, err;

	for (tries = 0; tries < 8; tries++) {
		if (jfd == -1 && !journal_path(path, sizeof(path), ""))
			return SQLITE_IOERR;
		if (jfd == -1 && (jfd = open(path, O_WRONLY | O_APPEND |
		    O_CREAT | O_CLOEXEC, JOURNAL_LIVE)) == -1) {
			nd_log("audit journal: %s", strerror(errno));
			return errno == ENOSPC || errno == EDQUOT ?
			    SQLITE_FULL : SQLITE_IOERR;
		}
		/* Held exclusively, or marked: an importer has it. */
		if (flock(jfd, LOCK_SH | LOCK_NB) == -1 ||
		    fstat(jfd, &sb) == -1 || !(sb.st_mode & S_IWUSR)) {
			close(jfd);	/* drops the lock, if held */
			jfd = -1;
			continue;
		}
		n = write(jfd, line, len);
		err = errno;
		flock(jfd, LOCK_UN);
		if (n == (ssize_t)len)
			return SQLITE_OK;
		nd_log("audit journal: %s", n == -1 ? strerror(err) :
		    "short write");
		return n == -1 && err != ENOSPC && err != EDQUOT ?
		    SQLITE_IOERR : SQLITE_FULL;
	}
	nd_log("audit journal: retired under us %d times", tries);
	return SQLITE_BUSY;
}

/* audit() with DETAIL (JSON text, or NULL) in the row's detail column. */
static int
audit_detail(struct req *r, const char *action, const char *entity,
    long long entity_id, long long patient_id, const char *detail)
{
	char		 line[AUDIT_LINE_MAX];
	size_t		 len;

	if (db_in_tx())
		return audit_insert(r, action, entity, entity_id, patient_id,
		    detail);
	if ((len = audit_journal_line(line, sizeof(line), r, action, entity,
	    entity_id, patient_id, detail)) == 0)
		return SQLITE_TOOBIG;
	return journal_append(line, len);
}

/*
 * Appends one audit row for ACTION (e.g. "patient.read") on ENTITY with
 * ENTITY_ID and PATIENT_ID (0: none).  Inside an open transaction the row
 * joins it; otherwise it goes to the journal, as described above.
 * Returns SQLITE_OK or the error.
 */
int
audit(struct req *r, const char *action, const char *entity,
    long long entity_id, long long patient_id)
{
	return audit_detail(r, action, entity, entity_id, patient_id, NULL);
}

/*
 * A listing of patients' records (a search, the queue, a day's
 * appointments or payments, the follow-ups, a page of the change feed or
 * of the audit trail) is audited as ONE row, whatever it returned: the
 * handler calls audit_listing() before it writes the records, which then
 * note their patients as they are written (jo_row(), jo_rows() and
 * jo_rows_max(); audit_listed() for a record written field by field), and
 * audit_list() once the answer is written, before it is sent.  An answer
 * that returns no records (304, an error) writes no row.
 */
void
audit_listing(struct req *r)
{
	r->listing = 1;
	r->listed_st = NULL;
	r->nlisted = 0;
	r->nunlisted = 0;
}

/* Notes patient ID of a record written field by field (see above). */
void
audit_listed(struct req *r, long long id)
{
	jo_listed(r, id);
}

/*
 * Appends the one audit row of a listing (ACTION on ENTITY, e.g.
 * "queue.read" on "queue"; PATIENT_ID, 0: none, e.g. the audit trail's
 * patient filter): its detail holds the request's query string as it came
 * and the ids of the patients whose records it returned, each once, in
 * the order first returned ({"query": "q=ravi&limit=200&offset=0", "ids":
 * [7, 3]}); past ND_AUDIT_IDS patients, "unlisted" counts the rows of
 * patients not named.  Returns SQLITE_OK or the error.
 */
int
audit_list_patient(struct req *r, const char *action, const char *entity,
    long long patient_id)
{
	struct req	 d;
	const char	*text;
	char		 detail[AUDIT_LINE_MAX - 512];
	size_t		 i, len;
	int		 rc = SQLITE_TOOBIG;

	req_init(&d);
	jo_open(&d);
	jo_str(&d, "query", r->query != NULL ? r->query : "");
	jo_arr(&d, "ids");
	for (i = 0; i < r->nlisted; i++)
		jo_val_int(&d, r->listed[i]);
	jo_arr_close(&d);
	if (r->nunlisted > 0)
		jo_int(&d, "unlisted", r->nunlisted);
	jo_close(&d);
	/* ND_QUERY_MAX bytes of query (6 a byte at worst, escaped) and
	 * ND_AUDIT_IDS ids of at most 16 digits: it fits. */
	if (jo_text(&d, &text, &len) && len < sizeof(detail)) {
		memcpy(detail, text, len);
		detail[len] = '\0';
		rc = audit_detail(r, action, entity, 0, patient_id, detail);
	}
	req_free(&d);
	r->listing = 0;
	return rc;
}

/* audit_list_patient() of no patient: the row of a listing. */
int
audit_list(struct req *r, const char *action, const char *entity)
{
	return audit_list_patient(r, action, entity, 0);
}

/*
 * Appends one audit row of the operator's command line (WHO, e.g.
 * "nalamdesk-admin": no user, no address) for ACTION on ENTITY with
 * ENTITY_ID and PATIENT_ID (0: none), inside the caller's open transaction.  Prepares the
 * module's statements if nobody did (the tool does not run nd_main()).
 * Returns SQLITE_OK or the error.
 */
/* Binds like audit_insert() and qentry_add(): each statement's own binds. */
int
audit_operator(const char *who, const char *action, const char *entity,
    long long entity_id, long long patient_id)
{
	sqlite3_stmt	*s;

	if (!db_in_tx())
		return SQLITE_MISUSE;
	if (st[STMT_AUDIT_OPERATOR] == NULL && !audit_init())
		return SQLITE_ERROR;
	s = st[STMT_AUDIT_OPERATOR];
	db_bind_text(s, 1, who);
	db_bind_text(s, 2, action);
	db_bind_text(s, 3, entity);
	if (entity_id > 0)
		db_bind_int(s, 4, entity_id);
	if (patient_id > 0)
		db_bind_int(s, 5, patient_id);
	return db_run(s);
}

/*
 * The admin program's tick (nd_tick): imports the journal once it passed
 * AUDIT_IMPORT_AT, but not within a minute of a failed import.  Returns 1
 * when it tried, 0 when there was nothing to do.
 */
int
audit_tick(void)
{
	char		 path[4200];
	struct stat	 sb;

	if (time(NULL) < retry_at || !sqlite3_get_autocommit(db) ||
	    !journal_path(path, sizeof(path), "") || stat(path, &sb) == -1 ||
	    sb.st_size < AUDIT_IMPORT_AT)
		return 0;
	if (import_at_least(AUDIT_IMPORT_AT) < 0) {
		nd_log("audit journal: import failed; retried in a minute");
		retry_at = time(NULL) + 60;
	}
	return 1;
}

/*
 * Splits journal LINE (NUL-terminated, its '\n' removed) in place into
 * its AUDIT_FIELDS fields F (a line written before the detail column has
 * one field less: its detail is "").  Returns 1 when it is a whole row:
 * all fields, a 24-byte time stamp, an action, and digits only in the
 * three id fields.
 */
int
audit_journal_parse(char *line, char *f[AUDIT_FIELDS])
{
	static const int id[AUDIT_FIELDS] = { 0, 1, 0, 0, 0, 0, 0, 1, 1, 0 };
	char	*p = line;
	int	 i;

	for (i = 0; i < AUDIT_FIELDS && p != NULL; i++) {
		f[i] = p;
		if ((p = strchr(p, '\t')) != NULL)
			*p++ = '\0';
	}
	if (i == AUDIT_FIELDS - 1 && p == NULL)
		f[i++] = p = line + strlen(line);	/* "" */
	else if (i != AUDIT_FIELDS || p != NULL)
		return 0;
	if (strlen(f[0]) != 24 || *f[5] == '\0')
		return 0;
	for (i = 0; i < AUDIT_FIELDS; i++)
		if (id[i] && (strlen(f[i]) > 18 ||
		    strspn(f[i], "0123456789") != strlen(f[i])))
			return 0;
	return 1;
}

/* Binds field I (1-based, "" is NULL) of a journal line to S at column I. */
static void
bind_field(sqlite3_stmt *s, int i, const char *f, int integer)
{
	if (*f == '\0')
		db_bind_null(s, i);
	else if (integer)
		db_bind_int(s, i, strtoll(f, NULL, 10));
	else
		db_bind_text(s, i, f);
}

/*
 * Inserts the rows of journal F, line by line (a line longer than any
 * audit_journal_line() writes is not a row), and records its fingerprint
 * FP.  Lines that are not whole rows (a torn write on a full disk) are
 * counted as skipped.  Returns SQLITE_OK or the error.
 */
static int
import_rows(FILE *f, const char *fp, long long *rows, long long *skipped)
{
	static const int integer[AUDIT_FIELDS] =
	    { 0, 1, 0, 0, 0, 0, 0, 1, 1, 0 };
	sqlite3_stmt	*ins = st[STMT_JOURNAL_ROW], *done = st[STMT_JOURNAL_DONE];
	char		 line[AUDIT_LINE_MAX + 64], *field[AUDIT_FIELDS];
	size_t		 len;
	int		 rc = SQLITE_OK, i, whole;

	while (rc == SQLITE_OK && fgets(line, sizeof(line), f) != NULL) {
		len = strlen(line);
		if (!(whole = len > 0 && line[len - 1] == '\n')) {
			/* Too long, or the torn end of the file: skip to the
			 * line's end. */
			while (len == sizeof(line) - 1 && line[len - 1] != '\n' &&
			    fgets(line, sizeof(line), f) != NULL)
				len = strlen(line);
			(*skipped)++;
			continue;
		}
		line[len - 1] = '\0';
		if (!audit_journal_parse(line, field)) {
			(*skipped)++;
			continue;
		}
		for (i = 0; i < AUDIT_FIELDS; i++)
			bind_field(ins, i + 1, field[i], integer[i]);
		if ((rc = db_step(ins)) == SQLITE_DONE)
			rc = SQLITE_OK;
		db_reset(ins);
		(*rows)++;
	}
	if (rc == SQLITE_OK && ferror(f))
		rc = SQLITE_IOERR;
	if (rc == SQLITE_OK) {
		db_bind_text(done, 1, fp);
		db_bind_int(done, 2, *rows);
		db_bind_int(done, 3, *skipped);
		if ((rc = db_step(done)) == SQLITE_DONE)
			rc = SQLITE_OK;
		db_reset(done);
	}
	return rc;
}

/*
 * Imports the file at PATH (the journal, renamed), if it was not already,
 * inside the caller's transaction.  Read as a stream, so its size costs
 * time, not memory.  Returns SQLITE_OK or the error; *DONE is set when the
 * file may be removed after the commit.
 */
static int
import_file(const char *path, long long *rows, int *done)
{
	FILE		*f;
	char		 fp[65];
	long long	 skipped = 0;
	int		 fd, rc, seen = 0;

	*done = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		if (errno == ENOENT)
			return SQLITE_OK;
		nd_log("audit journal: %s: %s", path, strerror(errno));
		return SQLITE_IOERR;
	}
	/* Retired, then the fingerprint after the last appender that got
	 * in before the mark let go.  fchmod() fails with EPERM on a file
	 * another user owns (one root left behind, say): name it. */
	if (fchmod(fd, JOURNAL_LIVE & ~S_IWUSR) == -1 ||
	    flock(fd, LOCK_EX) == -1 || !auth_sha256_fd_hex(fd, fp) ||
	    (f = fdopen(fd, "r")) == NULL) {
		nd_log("audit journal: %s: %s", path, strerror(errno));
		close(fd);
		return SQLITE_IOERR;
	}
	db_bind_text(st[STMT_JOURNAL_SEEN], 1, fp);
	if ((rc = db_step(st[STMT_JOURNAL_SEEN])) == SQLITE_ROW)
		seen = 1;
	db_reset(st[STMT_JOURNAL_SEEN]);
	if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		rc = seen ? SQLITE_OK : import_rows(f, fp, rows, &skipped);
	fclose(f);
	if (skipped > 0)
		nd_log("audit journal: %lld torn lines skipped", skipped);
	*done = rc == SQLITE_OK;
	return rc;
}

/*
 * Moves the audit journal into the audit table (see above), if it holds
 * at least MIN bytes (0: anything) or an import was cut short.  Must be
 * called outside a transaction.  Returns the rows imported, or -1.
 */
static long long
import_at_least(off_t min)
{
	char		 path[4200], moving[4200];
	struct stat	 sb;
	long long	 rows = 0;
	int		 rc, done = 0;

	if (!journal_path(path, sizeof(path), "") ||
	    !journal_path(moving, sizeof(moving), ".importing"))
		return -1;
	if (access(path, F_OK) == -1 && access(moving, F_OK) == -1)
		return 0;	/* nothing to do: no transaction */
	if ((rc = db_begin()) != SQLITE_OK)
		return -1;
	/* Checked again under the write lock: another importer may have
	 * taken it while we waited. */
	if (min > 0 && access(moving, F_OK) == -1 &&
	    (stat(path, &sb) == -1 || sb.st_size < min)) {
		db_rollback();
		return 0;
	}
	/* A file an importer left behind first, then the journal. */
	if ((rc = import_file(moving, &rows, &done)) == SQLITE_OK && done) {
		if ((rc = db_commit()) != SQLITE_OK)
			return -1;
		unlink(moving);
		if ((rc = db_begin()) != SQLITE_OK)
			return -1;
	}
	if (rc == SQLITE_OK && rename(path, moving) == -1 && errno != ENOENT) {
		nd_log("audit journal: %s: %s", path, strerror(errno));
		rc = SQLITE_IOERR;
	}
	if (rc == SQLITE_OK)
		rc = import_file(moving, &rows, &done);
	if (rc != SQLITE_OK) {
		db_rollback();
		nd_log("audit journal: import failed (%d)", rc);
		return -1;
	}
	if (db_commit() != SQLITE_OK)
		return -1;
	if (done)
		unlink(moving);
	return rows;
}

/* Moves the whole audit journal into the audit table now (see above). */
long long
audit_import(void)
{
	return import_at_least(0);
}
