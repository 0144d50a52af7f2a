/*
 * auditlog.c — reading the audit trail: a JSON page for the screen and a
 * CSV export for the clinic's records.  Both take the same filters and
 * both are themselves audited ("audit.read") before anything is shown, so
 * a read that cannot be recorded is not answered.
 *
 * Dates in ?from= and ?to= are clinic-local days (settings.timezone); the
 * trail's timestamps are UTC, so the days are turned into UTC bounds.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "admin.h"
#include "csv.h"

#define CSV_MAX_ROWS	100000	/* the most rows one export holds */
#define ACTION_MAX	64	/* longest ?action= accepted */

struct filter {
	char		 from[32];	/* UTC bound, inclusive ("" = none) */
	char		 to[32];	/* UTC bound, exclusive */
	long long	 user_id;	/* 0 = any */
	long long	 patient_id;	/* 0 = any */
	long long	 listed;	/* 1: and the listings naming patient_id */
	char		 action[ACTION_MAX + 1];	/* "" = any */
};

/*
 * Writes into OUT (32 bytes) the UTC instant at which clinic-local day DAY
 * (YYYY-MM-DD, valid) plus ADD days begins, as the trail writes times
 * ("2026-11-26T18:30:00.000Z").  The clinic's zone is in TZ once
 * db_today() has run.
 */
static void
day_bound(const char *day, int add, char *out)
{
	struct tm	 tm;
	time_t		 t;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = atoi(day) - 1900;
	tm.tm_mon = atoi(day + 5) - 1;
	tm.tm_mday = atoi(day + 8) + add;
	tm.tm_isdst = -1;
	t = mktime(&tm);
	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
}

/*
 * Before the CSV is made: the reading itself is audited (with the
 * filter's patient), then the journal's rows join the table so that the
 * reads are shown too.  Returns 0, or the status of the error written.
 * (The page, which names patients, is audited once written, with their
 * ids: auditlog_list().)
 */
static int
read_audited(struct req *r, const struct filter *f)
{
	int	 rc;

	if ((rc = audit(r, "audit.read", "audit", 0, f->patient_id)) !=
	    SQLITE_OK)
		return db_fail(r, rc);
	if (audit_import() < 0)		/* the journal's reads too */
		return db_fail(r, SQLITE_BUSY);
	return 0;
}

/* Reads the filters of the query string.  Returns 0, or 422. */
static int
filter_read(struct req *r, struct filter *f)
{
	static const char *const bound[2] = { "from", "to" };
	char	 day[16], today[11];
	size_t	 i;
	int	 rc;

	memset(f, 0, sizeof(*f));
	db_today(today);	/* loads the clinic's zone into TZ */
	snprintf(f->to, sizeof(f->to), "9999");
	for (i = 0; i < 2; i++) {	/* ?from= then ?to= */
		if ((rc = req_query(r, bound[i], day, sizeof(day))) < 0 ||
		    (rc == 1 && day[0] != '\0' && !valid_date(day)))
			return http_error(r, 422, "invalid_parameter",
			    "Dates are written YYYY-MM-DD.", bound[i]);
		if (rc == 1 && day[0] != '\0')
			day_bound(day, (int)i, i == 0 ? f->from : f->to);
	}
	if ((rc = req_query_int(r, "user_id", 0, 1, ID_MAX,
	    &f->user_id)) != 0 ||
	    (rc = req_query_int(r, "patient_id", 0, 1, ID_MAX,
	    &f->patient_id)) != 0 ||
	    (rc = req_query_int(r, "listed", 0, 0, 1, &f->listed)) != 0)
		return rc;
	if ((rc = req_query(r, "action", f->action, sizeof(f->action))) < 0)
		return http_error(r, 422, "invalid_parameter", "An action is "
		    "at most 64 of a-z, 0-9, dot and underscore.", "action");
	for (i = 0; rc == 1 && f->action[i] != '\0'; i++)
		if (!islower((unsigned char)f->action[i]) &&
		    !isdigit((unsigned char)f->action[i]) &&
		    f->action[i] != '.' && f->action[i] != '_')
			return http_error(r, 422, "invalid_parameter",
			    "An action is at most 64 of a-z, 0-9, dot and "
			    "underscore.", "action");
	return 0;
}

/*
 * The statement for F, bound, with LIMIT and OFFSET: of the family FIRST
 * (the raw rows, readable, or folded: each four statements in a row, by
 * time, one user, one patient, one patient and the listings that named
 * them).
 */
static sqlite3_stmt *
filter_bind(const struct filter *f, enum stmt first, long long limit,
    long long offset)
{
	sqlite3_stmt	*s;
	char		 shift[32];
	struct tm	 tm;
	time_t		 now = time(NULL);

	s = st[first + (f->patient_id > 0 ? 2 + (f->listed != 0) :
	    f->user_id > 0 ? 1 : 0)];
	/* The clinic's hours (TZ is the clinic's once db_today() ran). */
	localtime_r(&now, &tm);
	snprintf(shift, sizeof(shift), "%+ld minutes", tm.tm_gmtoff / 60);
	db_bind_text(s, 8, shift);
	db_bind_text(s, 1, f->from);
	db_bind_text(s, 2, f->to);
	if (f->user_id > 0)
		db_bind_int(s, 3, f->user_id);
	if (f->patient_id > 0)
		db_bind_int(s, 4, f->patient_id);
	if (f->action[0] != '\0')
		db_bind_text(s, 5, f->action);
	db_bind_int(s, 6, limit);
	db_bind_int(s, 7, offset);
	return s;
}

/*
 * GET /api/audit?from=&to=&user_id=&patient_id=&listed=&action=&fold=
 * &limit=&offset=:
 * 200 {entries:[{id, ts, first_ts, count, actions, user_id, username,
 * user_name, role, ip, action, action_text, entity, entity_id,
 * entity_name, patient_id, patient:{id, name, clinic_no}|null, detail}]}
 * newest first (detail: JSON text or null, e.g. a listing's query and
 * ids); 422 for a malformed filter.  ?listed=1 with ?patient_id=: the
 * listings whose ids name the patient too.  ?action= matches exactly, a
 * family ("patient") or a verb ("login").  ?fold=1: the reads of one user about
 * one patient in one clinic-local hour are one entry (count, first_ts,
 * actions; the other fields those of the newest).  The page names
 * patients, so its "audit.read" row (with the filter's patient) is written
 * once the page is, with the query and their ids; it is in the next page
 * read, not in its own.
 */
int
auditlog_list(struct req *r)
{
	struct filter	 f;
	sqlite3_stmt	*s;
	long long	 limit, offset, fold;
	int		 rc;

	if ((rc = filter_read(r, &f)) != 0 ||
	    (rc = req_paging(r, &limit, &offset)) != 0 ||
	    (rc = req_query_int(r, "fold", 0, 0, 1, &fold)) != 0)
		return rc;
	if (audit_import() < 0)		/* the journal's reads too */
		return db_fail(r, SQLITE_BUSY);
	s = filter_bind(&f, fold ? STMT_AUDIT_FOLD : STMT_AUDIT_READ, limit,
	    offset);
	audit_listing(r);
	jo_open(r);
	if ((rc = jo_rows(r, "entries", s)) != SQLITE_OK)
		return db_fail(r, rc);
	jo_close(r);
	if ((rc = audit_list_patient(r, "audit.read", "audit",
	    f.patient_id)) != SQLITE_OK)
		return db_fail(r, rc);
	return 200;
}

/*
 * GET /api/audit.csv?(the filters of /api/audit)&limit=&offset=: 200
 * text/csv with a header row, newest first, at most 100,000 rows (?limit=
 * may ask for fewer), written out while it is read; 422 for a malformed
 * filter.
 */
int
auditlog_csv(struct req *r)
{
	struct filter	 f;
	struct csv	 b = CSV_INIT;
	sqlite3_stmt	*s;
	long long	 limit, offset;
	char		 today[11], file[48];
	int		 rc;

	if ((rc = filter_read(r, &f)) != 0 ||
	    (rc = req_query_int(r, "limit", CSV_MAX_ROWS, 1, CSV_MAX_ROWS,
	    &limit)) != 0 ||
	    (rc = req_query_int(r, "offset", 0, 0, 1000000000, &offset)) != 0)
		return rc;
	if ((rc = read_audited(r, &f)) != 0)
		return rc;
	s = filter_bind(&f, STMT_AUDIT_LIST, limit, offset);
	db_today(today);
	snprintf(file, sizeof(file), "nalamdesk-audit-%s.csv", today);
	req_csv_stream(r, &b, file);	/* out while it is read, as the exports */
	csv_header(&b, s);
	while ((rc = db_step(s)) == SQLITE_ROW && b.ok)
		csv_row(&b, s);
	db_reset(s);
	return req_csv(r, &b, rc, file,
	    "The server is short of memory. Ask for fewer rows.");
}
