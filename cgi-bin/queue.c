/*
 * queue.c — the `queue` program: the day's token queue and the
 * waiting-room board.
 *
 * Tokens run 1, 2, 3... per clinic day without gaps or duplicates: the
 * next token is max + 1 of the day, computed inside BEGIN IMMEDIATE, so
 * adds are serialised by the database's write lock.  A patient is in the
 * queue at most once at a time on a day (waiting or in consultation): the
 * unique partial index queue_active makes that a constraint, answered 409.
 *
 * Polling is cheap, as Fossil's etag.c: the ETag of the queue is the
 * change counter (rev, bumped by triggers on queue, patients and
 * appointments) read BEFORE anything else, the date shown, and this
 * build's id.  A matching If-None-Match is answered 304 after that one
 * integer read: no query, no audit row.  Reading rev before the queue
 * means a change that lands in between makes the body newer than its ETag,
 * never older: the next poll simply fetches again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nd.h"

/*
 * The build's id in every ETag, so that an upgrade (which may change what
 * a list holds) invalidates every copy a browser kept.  The Makefile may
 * pass -DND_BUILD="..."; otherwise the compile time stands in for it.
 */
#ifndef ND_BUILD
#define ND_BUILD	__DATE__ " " __TIME__
#endif

/* How the status of a queue entry may move (shared/api-contract.md). */
enum qstatus {
	QS_WAITING,
	QS_IN_CONSULT,
	QS_DONE,
	QS_CANCELLED,
	QS_NO_SHOW,
	QS__MAX
};
static const char *const qs_names[QS__MAX] = {
	"waiting",	/* QS_WAITING */
	"in_consult",	/* QS_IN_CONSULT */
	"done",		/* QS_DONE */
	"cancelled",	/* QS_CANCELLED */
	"no_show",	/* QS_NO_SHOW */
};
_Static_assert(ND_NELEM(qs_names) == QS__MAX, "qs_names");

/* legal[from][to]: the only transitions there are. */
static const unsigned char legal[QS__MAX][QS__MAX] = {
	/* QS_WAITING */	{ 0, 1, 0, 1, 1 },
	/* QS_IN_CONSULT */	{ 1, 0, 1, 0, 0 },
	/* QS_DONE */		{ 0, 0, 0, 0, 0 },
	/* QS_CANCELLED */	{ 0, 0, 0, 0, 0 },
	/* QS_NO_SHOW */	{ 0, 0, 0, 0, 0 },
};
_Static_assert(ND_NELEM(legal) == QS__MAX, "legal");

/*
 * Age in whole years on the entry's day: from dob, else from age_years.
 * Every date here is stored YYYY-MM-DD, so the year is substr(d, 1, 4)
 * and the month and day substr(d, 6), as patients.c does it: strftime()
 * parsed each date again, 8 calls a row, ~1 µs a row of CPU.
 */
#define AGE_ON_DAY \
	"CASE WHEN p.dob IS NOT NULL THEN" \
	" substr(q.day, 1, 4) - substr(p.dob, 1, 4) -" \
	" (substr(q.day, 6) < substr(p.dob, 6))" \
	" WHEN p.age_on IS NOT NULL THEN p.age_years + max(0," \
	" substr(q.day, 1, 4) - substr(p.age_on, 1, 4) -" \
	" (substr(q.day, 6) < substr(p.age_on, 6)))" \
	" ELSE p.age_years END"

/* The columns of one entry as the API shows it (jo_row). */
#define ENTRY_COLUMNS \
	"SELECT q.id, q.token, q.status, q.reason," \
	" p.id AS \"patient.id\", p.name AS \"patient.name\"," \
	" p.clinic_no AS \"patient.clinic_no\", p.sex AS \"patient.sex\"," \
	" " AGE_ON_DAY " AS \"patient.age_years\"," \
	" p.phone AS \"patient.phone\"," \
	" q.appointment_id, q.day AS date, q.created_at, q.updated_at," \
	" q.version" \
	" FROM queue q JOIN patients p ON p.id = q.patient_id"

enum stmt {
	STMT_LIST,
	STMT_GET,
	STMT_DISPLAY,
	STMT_PATIENT_EXISTS,
	STMT_ACTIVE_TOKEN,
	STMT_ADD,
	STMT_STATE,
	STMT_SET_STATUS,
	STMT__MAX
};
static const char *const sql[STMT__MAX] = {
	/* STMT_LIST: the day's queue in token order */
	ENTRY_COLUMNS " WHERE q.day = ?1 ORDER BY q.token",
	/* STMT_GET */
	ENTRY_COLUMNS " WHERE q.id = ?1",
	/* STMT_DISPLAY: tokens only, never patients' names (a public screen) */
	"SELECT (SELECT value FROM settings WHERE key = 'clinic_name')"
	" AS clinic_name,"
	" (SELECT json_group_array(json_object('token', token)) FROM"
	"  (SELECT token FROM queue WHERE day = ?1 AND status = 'in_consult'"
	"  ORDER BY token)) AS \"@serving\","
	" (SELECT json_group_array(json_object('token', token)) FROM"
	"  (SELECT token FROM queue WHERE day = ?1 AND status = 'waiting'"
	"  ORDER BY token)) AS \"@waiting\"",
	/* STMT_PATIENT_EXISTS */
	"SELECT 1 FROM patients WHERE id = ?1",
	/* STMT_ACTIVE_TOKEN: the patient's waiting/in-consultation token */
	"SELECT token FROM queue WHERE day = ?1 AND patient_id = ?2"
	" AND status IN ('waiting', 'in_consult')",
	/* STMT_ADD: the next token of the day (under BEGIN IMMEDIATE) */
	"INSERT INTO queue (day, token, patient_id, reason, created_at,"
	" updated_at, created_by)"
	" SELECT ?1, coalesce(max(token), 0) + 1, ?2, ?3, ?4, ?4, ?5"
	" FROM queue WHERE day = ?1 RETURNING id",
	/* STMT_STATE */
	"SELECT status, version, patient_id FROM queue WHERE id = ?1",
	/* STMT_SET_STATUS */
	"UPDATE queue SET status = ?3, version = version + 1, updated_at = ?4"
	" WHERE id = ?1 AND version = ?2",
};
_Static_assert(ND_NELEM(sql) == STMT__MAX, "queue sql");
static sqlite3_stmt *st[STMT__MAX];

/* The build id as 8 hex digits (FNV-1a of ND_BUILD), made once. */
static const char *
build_id(void)
{
	static char	 id[9];
	const char	*s;
	uint32_t	 h = 2166136261u;

	if (id[0] == '\0') {
		for (s = ND_BUILD; *s != '\0'; s++) {
			h ^= (unsigned char)*s;
			h *= 16777619u;
		}
		snprintf(id, sizeof(id), "%08x", h);
	}
	return id;
}

/*
 * Returns 1 if the If-None-Match header INM (a list of entity tags, each
 * perhaps weak "W/", or "*") names ETAG (quoted).  Weak comparison, as
 * RFC 9110 asks for If-None-Match.
 */
static int
etag_match(const char *inm, const char *etag)
{
	const char	*p = inm, *q;
	size_t		 n = strlen(etag);

	if (p == NULL)
		return 0;
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '\0')
			return 0;
		if (*p == '*')
			return 1;
		if (p[0] == 'W' && p[1] == '/')
			p += 2;
		if (*p != '"')
			return 0;	/* malformed: no match, answer 200 */
		if ((q = strchr(p + 1, '"')) == NULL)
			return 0;
		if ((size_t)(q + 1 - p) == n && strncmp(p, etag, n) == 0)
			return 1;
		p = q + 1;
	}
}

/*
 * The caching part of a poll: sets ETag (KIND, REV, DATE, build) and
 * Cache-Control on R.  Returns 1 when the client already holds it (the
 * caller answers 304), else 0.  "no-cache": every use revalidates;
 * "private" for the queue ('q'): it names patients, so no shared cache may
 * keep it.
 */
static int
etag_fresh(struct req *r, char kind, long long rev, const char *date)
{
	char	 etag[64];

	snprintf(etag, sizeof(etag), "\"%c%lld-%s-%s\"", kind, rev, date,
	    build_id());
	req_header(r, "ETag", etag);
	req_header(r, "Cache-Control", kind == 'q' ? "private, no-cache" :
	    "no-cache");
	return etag_match(r->if_none_match, etag);
}

/*
 * GET /api/queue?date=YYYY-MM-DD (default today): 200 {date, rev,
 * entries:[...]} in token order with an ETag, or 304 when If-None-Match
 * holds it (one integer read, nothing else).  422 for a bad date, 503
 * when the database does not answer.  Each 200 is audited "queue.read".
 */
static int
queue_list(struct req *r)
{
	char		 date[11];
	long long	 rev;
	sqlite3_stmt	*s = st[STMT_LIST];
	int		 rc;

	if ((rc = req_query_date(r, "date", date)) != 0)
		return rc;
	if ((rev = db_rev()) < 0)
		return db_fail(r, SQLITE_BUSY);
	if (etag_fresh(r, 'q', rev, date))
		return 304;
	if ((rc = audit(r, "queue.read", "queue", 0, 0)) != SQLITE_OK)
		return db_fail(r, rc);
	jo_open(r);
	jo_str(r, "date", date);
	jo_int(r, "rev", rev);
	db_bind_text(s, 1, date);
	if ((rc = jo_rows(r, "entries", s)) != SQLITE_OK)
		return db_fail(r, rc);
	jo_close(r);
	return 200;
}

/*
 * GET /api/queue/display and GET /api/display (no session; the IP
 * allow-list only): 200 {date, rev, clinic_name, serving:[{token}],
 * waiting:[{token}]} for today, token numbers only; 304 as for the queue.
 */
static int
queue_display(struct req *r)
{
	char		 date[11];
	long long	 rev;
	sqlite3_stmt	*s = st[STMT_DISPLAY];
	int		 rc;

	db_today(date);
	if ((rev = db_rev()) < 0)
		return db_fail(r, SQLITE_BUSY);
	if (etag_fresh(r, 'd', rev, date))
		return 304;
	db_bind_text(s, 1, date);
	if ((rc = db_step(s)) != SQLITE_ROW) {
		db_reset(s);
		return db_fail(r, rc);
	}
	jo_open(r);
	jo_str(r, "date", date);
	jo_int(r, "rev", rev);
	jo_row_fields(r, s);
	jo_close(r);
	db_reset(s);
	return 200;
}

/*
 * POST /api/queue {patient_id, reason?}: 201 the new entry with the next
 * token of today.  404 (field patient_id) for an unknown patient; 409
 * "already_queued" when the patient is waiting or in consultation today.
 */
static int
queue_add(struct req *r)
{
	char		 day[11], now[21], msg[128];
	long long	 pid = 0, id, token;
	sqlite3_stmt	*s;
	int		 rc;

	json_int(r->json, "patient_id", &pid);
	db_today(day);
	db_now(now);
	if ((rc = db_begin()) != SQLITE_OK)
		return db_fail(r, rc);

	s = st[STMT_PATIENT_EXISTS];
	db_bind_int(s, 1, pid);
	if (db_int1(s, 0) != 1) {
		db_rollback();
		return http_error(r, 404, "patient_not_found",
		    "There is no patient with this id.", "patient_id");
	}
	s = st[STMT_ACTIVE_TOKEN];
	db_bind_text(s, 1, day);
	db_bind_int(s, 2, pid);
	if ((token = db_int1(s, 0)) > 0) {
		db_rollback();
		snprintf(msg, sizeof(msg), "This patient is already in "
		    "today's queue with token %lld.", token);
		return http_error(r, 409, "already_queued", msg, "patient_id");
	}

	s = st[STMT_ADD];
	db_bind_text(s, 1, day);
	db_bind_int(s, 2, pid);
	db_bind_text(s, 3, json_str(r->json, "reason"));
	db_bind_text(s, 4, now);
	db_bind_int(s, 5, r->user.id);
	id = 0;
	if ((rc = db_step(s)) == SQLITE_ROW)
		id = sqlite3_column_int64(s, 0);
	db_reset(s);
	if ((rc & 0xff) == SQLITE_CONSTRAINT) {
		/* queue_active: the check above already answers this. */
		db_rollback();
		return http_error(r, 409, "already_queued", "This patient is "
		    "already in today's queue.", "patient_id");
	}
	if (id == 0)
		return db_fail(r, rc);
	if ((rc = audit(r, "queue.add", "queue", id, pid)) != SQLITE_OK)
		return db_fail(r, rc);
	if (!jo_row_id(r, st[STMT_GET], id))
		return db_fail(r, SQLITE_ERROR);
	if ((rc = db_commit()) != SQLITE_OK)
		return db_fail(r, rc);
	return 201;
}

static int
qs_parse(const char *s)
{
	int	 i;

	for (i = 0; s != NULL && i < QS__MAX; i++)
		if (strcmp(s, qs_names[i]) == 0)
			return i;
	return -1;
}

/*
 * PATCH /api/queue/{id} {status, version?}: 200 the entry after one of
 * the legal moves (waiting→in_consult→done, waiting→cancelled,
 * waiting→no_show, in_consult→waiting).  404 no such entry; 409
 * "illegal_transition" for any other move, 409 "stale_version" when a
 * version is sent and is not the current one.
 */
static int
queue_status(struct req *r)
{
	char		 now[21], msg[160];
	long long	 id = r->param[0], version = 0, cur, pid;
	int		 from, to, rc, has_version;
	sqlite3_stmt	*s;

	has_version = json_int(r->json, "version", &version);
	to = qs_parse(json_str(r->json, "status"));
	if (to < 0)
		abort();	/* the field table allows only these */
	db_now(now);
	if ((rc = db_begin()) != SQLITE_OK)
		return db_fail(r, rc);
	s = st[STMT_STATE];
	db_bind_int(s, 1, id);
	if ((rc = db_step(s)) != SQLITE_ROW) {
		db_reset(s);
		if (rc != SQLITE_DONE)
			return db_fail(r, rc);
		db_rollback();
		return http_error(r, 404, "not_found",
		    "There is no such queue entry.", NULL);
	}
	from = qs_parse((const char *)sqlite3_column_text(s, 0));
	cur = sqlite3_column_int64(s, 1);
	pid = sqlite3_column_int64(s, 2);
	db_reset(s);
	if (from < 0)
		return db_fail(r, SQLITE_CORRUPT);
	if (has_version && version != cur) {
		db_rollback();
		return http_error(r, 409, "stale_version", "Someone else "
		    "changed this queue entry; reload to see the change.",
		    "version");
	}
	if (!legal[from][to]) {
		db_rollback();
		snprintf(msg, sizeof(msg), "A queue entry cannot go from %s "
		    "to %s.", qs_names[from], qs_names[to]);
		return http_error(r, 409, "illegal_transition", msg, "status");
	}
	s = st[STMT_SET_STATUS];
	db_bind_int(s, 1, id);
	db_bind_int(s, 2, cur);
	db_bind_text(s, 3, qs_names[to]);
	db_bind_text(s, 4, now);
	if ((rc = db_run(s)) != SQLITE_OK)
		return db_fail(r, rc);
	if (sqlite3_changes(db) != 1)
		return db_fail(r, SQLITE_ERROR);	/* held the lock: cannot be */
	if ((rc = audit(r, "queue.status", "queue", id, pid)) != SQLITE_OK)
		return db_fail(r, rc);
	if (!jo_row_id(r, st[STMT_GET], id))
		return db_fail(r, SQLITE_ERROR);
	if ((rc = db_commit()) != SQLITE_OK)
		return db_fail(r, rc);
	return 200;
}

#define ID_MAX	9007199254740991LL	/* 2^53 - 1: exact in JavaScript */

static const struct field add_fields[] = {
	{ "patient_id", FT_INT, F_REQUIRED, 1, ID_MAX, NULL, NULL, NULL },
	{ "reason", FT_STRING, F_NULLABLE, 0, 200, NULL, NULL, NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL },
};

static const struct field status_fields[] = {
	{ "status", FT_ENUM, F_REQUIRED, 0, 0,
	    "waiting,in_consult,done,cancelled,no_show", NULL, NULL },
	{ "version", FT_INT, 0, 1, ID_MAX, NULL, NULL, NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL },
};

static const struct route routes[] = {
	{ METHOD_GET, "/api/queue", R_CLINIC, NULL, queue_list, 0 },
	{ METHOD_POST, "/api/queue", R_CLINIC, add_fields, queue_add, 0 },
	{ METHOD_GET, "/api/queue/display", R_ANYONE, NULL, queue_display, 0 },
	{ METHOD_GET, "/api/display", R_ANYONE, NULL, queue_display, 0 },
	{ METHOD_PATCH, "/api/queue/{id}", R_CLINIC, status_fields,
	    queue_status, 0 },
};

int
main(int argc, char **argv)
{
	/* Its writes are short: one fsync may serve several (route.c). */
	nd_group_commit = 1;
	return nd_main(argc, argv, "queue", routes, ND_NELEM(routes), sql,
	    STMT__MAX, st);
}
