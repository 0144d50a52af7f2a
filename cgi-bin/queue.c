/*
 * queue.c — the `queue` program: the day's token queue and the
 * waiting-room board.
 *
 * The entry's rules (its token, the moves of its status, its priority and
 * place in the line, the call order, the vitals a nurse records) and its
 * statements belong to the library's queue-entry module (lib/qentry.c);
 * this program holds the routes and the caching.
 *
 * Polling is cheap, as Fossil's etag.c: the ETag of the queue is the
 * change counter (rev, bumped by triggers on queue, patients and
 * appointments) read BEFORE anything else, the date shown, and this
 * build's id.  A matching If-None-Match is answered 304 after that one
 * integer read: no query, no audit row (it returns no record).  Reading
 * rev before the queue means a change that lands in between makes the
 * body newer than its ETag, never older: the next poll simply fetches
 * again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nd.h"
#include "qentry.h"
#include "vitals.h"

/*
 * The build's id in every ETag, so that an upgrade (which may change what
 * a list holds) invalidates every copy a browser kept.  The Makefile may
 * pass -DND_BUILD="..."; otherwise the compile time stands in for it.
 */
#ifndef ND_BUILD
#define ND_BUILD	__DATE__ " " __TIME__
#endif

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
	return req_etag_match(r->if_none_match, etag);
}

/*
 * GET /api/queue?date=YYYY-MM-DD (default today): 200 {date, rev,
 * entries:[...]} in call order (QENTRY_CALL_ORDER) with an ETag, or 304 when If-None-Match
 * holds it (one integer read, nothing else).  422 for a bad date, 503
 * when the database does not answer.  Each 200 is audited "queue.read",
 * one row with the query and the patients listed (audit_list()); a 304
 * returns no record and writes no row.
 */
static int
queue_list(struct req *r)
{
	char		 date[11];
	long long	 rev;
	int		 rc;

	if ((rc = req_query_date(r, "date", date)) != 0)
		return rc;
	if ((rev = db_rev()) < 0)
		return db_fail(r, SQLITE_BUSY);
	if (etag_fresh(r, 'q', rev, date))
		return 304;
	audit_listing(r);
	jo_open(r);
	jo_str(r, "date", date);
	jo_int(r, "rev", rev);
	if ((rc = qentry_list(r, "entries", date)) != SQLITE_OK)
		return db_fail(r, rc);
	jo_close(r);
	if ((rc = audit_list(r, "queue.read", "queue")) != SQLITE_OK)
		return db_fail(r, rc);
	return 200;
}

/*
 * GET /api/queue/display and GET /api/display (no session; the IP
 * allow-list only): 200 {date, rev, clinic_name, serving:[{token}],
 * waiting:[{token}]} for today, token numbers only: serving holds the one
 * called in last (none when no one is with the doctor), waiting every
 * waiting token in call order; 304 as for the queue.
 */
/* The same ETag prologue and JSON epilogue as queue_list(), kept in line
 * so that each poll's cost reads at a glance (one integer read on a 304). */
static int
queue_display(struct req *r)
{
	char		 date[11];
	long long	 rev;
	int		 rc;

	db_today(date);
	if ((rev = db_rev()) < 0)
		return db_fail(r, SQLITE_BUSY);
	if (etag_fresh(r, 'd', rev, date))
		return 304;
	jo_open(r);
	jo_str(r, "date", date);
	jo_int(r, "rev", rev);
	if ((rc = qentry_display(r, date)) != SQLITE_OK)
		return db_fail(r, rc);
	jo_close(r);
	return 200;
}

/*
 * The end of every write of one entry: on a refusal (RC > 0, already
 * written into R) roll back and answer it; on a failure (RC < 0) db_fail;
 * else answer entry ID inside the transaction, commit, and answer STATUS.
 */
static int
entry_commit(struct req *r, int rc, long long id, int status)
{
	if (rc != 0) {
		if (rc < 0)
			return db_fail(r, -rc);
		db_rollback();
		return rc;
	}
	if (!qentry_reply(r, id))
		return db_fail(r, SQLITE_ERROR);
	if ((rc = db_commit()) != SQLITE_OK)
		return db_fail(r, rc);
	return status;
}

/*
 * POST /api/queue {patient_id, reason?, priority?}: 201 the new entry with
 * the next token of today, last in the line of its priority (default
 * normal).  404 (field patient_id) for an unknown patient; 409
 * "already_queued" when the patient is waiting or in consultation today.
 */
static int
queue_add(struct req *r)
{
	char		 day[11];
	const char	*p = json_str(r->json, "priority");
	long long	 pid = 0, id = 0;
	int		 rc, prio = p != NULL ? qentry_priority_parse(p) : QP_NORMAL;

	if (prio < 0)
		abort();	/* the field table allows only these */
	json_int(r->json, "patient_id", &pid);
	db_today(day);
	if ((rc = db_begin()) != SQLITE_OK)
		return db_fail(r, rc);
	rc = qentry_add(r, day, pid, json_str(r->json, "reason"),
	    (enum qpriority)prio, 0, "patient_id", &id);
	return entry_commit(r, rc, id, 201);
}

/*
 * PATCH /api/queue/{id} {status?, priority?, version?}: 200 the entry.
 * A priority (with the version read: 422 without it) is given to a
 * waiting entry only (409 "not_waiting").  A status moves as the
 * transition table (lib/qentry.c) allows the desk: waiting→in_consult
 * →done, waiting→cancelled, waiting→no_show, in_consult→waiting; any other
 * move is 409 "illegal_transition".  404 no such entry; 409
 * "stale_version" when a version is sent and is not the current one; 422
 * when neither status nor priority is sent.
 */
static int
queue_patch(struct req *r)
{
	const char	*st = json_str(r->json, "status");
	const char	*p = json_str(r->json, "priority");
	long long	 id = r->param[0], version = 0;
	int		 to = -1, prio = -1, rc = 0;

	json_int(r->json, "version", &version);
	if (st == NULL && p == NULL)
		return http_error(r, 422, "required", "Send a status or a "
		    "priority.", "status");
	if (p != NULL && version == 0)
		return http_error(r, 422, "required", "Send the version you "
		    "read with a new priority.", "version");
	if ((st != NULL && (to = qentry_status_parse(st)) < 0) ||
	    (p != NULL && (prio = qentry_priority_parse(p)) < 0))
		abort();	/* the field table allows only these */
	if ((rc = db_begin()) != SQLITE_OK)
		return db_fail(r, rc);
	if (p != NULL) {
		rc = qentry_set_priority(r, id, (enum qpriority)prio, version);
		version = 0;	/* checked once */
	}
	if (rc == 0 && st != NULL)
		rc = qentry_move(r, QM_DESK, id, (enum qstatus)to, version,
		    NULL);
	return entry_commit(r, rc, id, 200);
}

/*
 * POST /api/queue/{id}/postpone {places?, version?}: 200 the entry, moved
 * PLACES down the line among the waiting of its priority (default, or
 * more than are behind it: to the end); its token stays.  404; 409
 * "not_waiting" when it is not waiting, "stale_version".
 */
static int
queue_postpone(struct req *r)
{
	long long	 id = r->param[0], places = 0, version = 0;
	int		 rc;

	json_int(r->json, "places", &places);
	json_int(r->json, "version", &version);
	if ((rc = db_begin()) != SQLITE_OK)
		return db_fail(r, rc);
	rc = qentry_postpone(r, id, places, version);
	return entry_commit(r, rc, id, 200);
}

/*
 * POST /api/queue/next (doctor): 200 today's first waiting entry in call
 * order, now in consultation.  404 "queue_empty" when no one waits.
 */
static int
queue_next(struct req *r)
{
	char		 day[11];
	long long	 id = 0;
	int		 rc;

	db_today(day);
	if ((rc = db_begin()) != SQLITE_OK)
		return db_fail(r, rc);
	rc = qentry_next(r, day, &id);
	return entry_commit(r, rc, id, 200);
}

/*
 * PUT /api/queue/{id}/vitals {vitals, complaint?, version?} (nurse,
 * doctor): 200 the entry's vitals as GET answers them; what was recorded
 * before is replaced (a vital left out is none; complaint left out is
 * none).  The ranges are a visit's (lib/vitals.c): 422 naming the vital.
 * 404; 409 "not_waiting" (the consultation began: the doctor records them
 * in the visit), "not_today", "stale_version".
 */
static int
queue_vitals_put(struct req *r)
{
	struct vitals_in vi;
	const char	*complaint = json_str(r->json, "complaint");
	long long	 id = r->param[0], version = 0, pid = 0;
	int		 rc;

	json_int(r->json, "version", &version);
	if ((rc = valid_vitals(r, json_get(r->json, "vitals"), &vi, NULL)) !=
	    0)
		return rc;
	if (complaint != NULL && *complaint == '\0')
		complaint = NULL;
	if ((rc = db_begin()) != SQLITE_OK)
		return db_fail(r, rc);
	if ((rc = qentry_set_vitals(r, id, &vi, complaint, version)) != 0) {
		if (rc < 0)
			return db_fail(r, -rc);
		db_rollback();
		return rc;
	}
	if ((rc = qentry_vitals_reply(r, id, &pid)) != 1)
		return db_fail(r, rc < 0 ? -rc : SQLITE_ERROR);
	if ((rc = db_commit()) != SQLITE_OK)
		return db_fail(r, rc);
	return 200;
}

/*
 * GET /api/queue/{id}/vitals (nurse, doctor): 200 {queue_id, complaint,
 * vitals:{...}, recorded_at, recorded_by, version} (nulls when none were
 * recorded); 404.  Audited "queue.vitals_read".
 */
static int
queue_vitals_get(struct req *r)
{
	long long	 pid = 0;
	int		 rc;

	if ((rc = qentry_vitals_reply(r, r->param[0], &pid)) <= 0)
		return rc < 0 ? db_fail(r, -rc) : http_error(r, 404,
		    "not_found", "There is no such queue entry.", NULL);
	if ((rc = audit(r, "queue.vitals_read", "queue", r->param[0], pid)) !=
	    SQLITE_OK)
		return db_fail(r, rc);
	return 200;
}

static const struct field add_fields[] = {
	{ "patient_id", FT_INT, F_REQUIRED, 1, ID_MAX, NULL, NULL, NULL },
	{ "reason", FT_STRING, F_NULLABLE, 0, 200, NULL, NULL, NULL },
	{ "priority", FT_ENUM, 0, 0, 0, QENTRY_PRIORITY_CHOICES, NULL, NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL },
};

static const struct field patch_fields[] = {
	{ "status", FT_ENUM, 0, 0, 0, QENTRY_STATUS_CHOICES, NULL, NULL },
	{ "priority", FT_ENUM, 0, 0, 0, QENTRY_PRIORITY_CHOICES, NULL, NULL },
	{ "version", FT_INT, 0, 1, ID_MAX, NULL, NULL, NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL },
};

static const struct field postpone_fields[] = {
	{ "places", FT_INT, 0, 1, 1000, NULL, NULL, NULL },
	{ "version", FT_INT, 0, 1, ID_MAX, NULL, NULL, NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL },
};

/* The vitals themselves are checked by valid_vitals() (lib/vitals.c). */
static const struct field vitals_fields[] = {
	{ "vitals", FT_OBJECT, F_REQUIRED, 0, 0, NULL, NULL, NULL },
	{ "complaint", FT_STRING, F_NULLABLE, 0, 1000, NULL, NULL, NULL },
	{ "version", FT_INT, 0, 1, ID_MAX, NULL, NULL, NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL },
};

/* Each program its own route table and main() (style.md 2): the same shape on purpose. */
static const struct route routes[] = {
	{ METHOD_GET, "/api/queue", R_CLINIC | R_NURSE, NULL, queue_list, 0 },
	{ METHOD_POST, "/api/queue", R_CLINIC, add_fields, queue_add, 0 },
	{ METHOD_GET, "/api/queue/display", R_ANYONE, NULL, queue_display, 0 },
	{ METHOD_GET, "/api/display", R_ANYONE, NULL, queue_display, 0 },
	{ METHOD_POST, "/api/queue/next", R_DOCTOR, NULL, queue_next, 0 },
	{ METHOD_PATCH, "/api/queue/{id}", R_CLINIC, patch_fields,
	    queue_patch, 0 },
	{ METHOD_POST, "/api/queue/{id}/postpone", R_CLINIC, postpone_fields,
	    queue_postpone, 0 },
	{ METHOD_GET, "/api/queue/{id}/vitals", R_NURSE | R_DOCTOR, NULL,
	    queue_vitals_get, 0 },
	{ METHOD_PUT, "/api/queue/{id}/vitals", R_NURSE | R_DOCTOR,
	    vitals_fields, queue_vitals_put, 0 },
};

int
main(int argc, char **argv)
{
	/* Its writes are short: one fsync may serve several (serve.c). */
	nd_group_commit = 1;
	return nd_main(argc, argv, "queue", routes, ND_NELEM(routes), NULL,
	    0, NULL);
}
