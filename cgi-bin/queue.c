/*
 * queue.c — the `queue` program: the day's token queue and the
 * waiting-room board.
 *
 * The entry's rules (its token, the moves of its status, the order of the
 * list) and its statements belong to the library's queue-entry module
 * (lib/qentry.c); this program holds the routes and the caching.
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
#include "qentry.h"

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
	if ((rc = qentry_list(r, "entries", date)) != SQLITE_OK)
		return db_fail(r, rc);
	jo_close(r);
	return 200;
}

/*
 * GET /api/queue/display and GET /api/display (no session; the IP
 * allow-list only): 200 {date, rev, clinic_name, serving:[{token}],
 * waiting:[{token}]} for today, token numbers only; 304 as for the queue.
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
 * POST /api/queue {patient_id, reason?}: 201 the new entry with the next
 * token of today.  404 (field patient_id) for an unknown patient; 409
 * "already_queued" when the patient is waiting or in consultation today.
 */
static int
queue_add(struct req *r)
{
	char		 day[11];
	long long	 pid = 0, id = 0;
	int		 rc;

	json_int(r->json, "patient_id", &pid);
	db_today(day);
	if ((rc = db_begin()) != SQLITE_OK)
		return db_fail(r, rc);
	if ((rc = qentry_add(r, day, pid, json_str(r->json, "reason"), 0,
	    "patient_id", &id)) != 0) {
		if (rc < 0)
			return db_fail(r, -rc);
		db_rollback();
		return rc;
	}
	if (!qentry_reply(r, id))
		return db_fail(r, SQLITE_ERROR);
	if ((rc = db_commit()) != SQLITE_OK)
		return db_fail(r, rc);
	return 201;
}

/*
 * PATCH /api/queue/{id} {status, version?}: 200 the entry after a move
 * the transition table (lib/qentry.c) allows the desk: waiting→in_consult
 * →done, waiting→cancelled, waiting→no_show, in_consult→waiting.  404 no
 * such entry; 409 "illegal_transition" for any other move, 409
 * "stale_version" when a version is sent and is not the current one.
 */
/* Above, the end of every write (answer inside the transaction, then
 * commit, style of LAYOUT-NOTES): the same lines in each program. */
static int
queue_status(struct req *r)
{
	long long	 id = r->param[0], version = 0;
	int		 to, rc;

	json_int(r->json, "version", &version);
	if ((to = qentry_status_parse(json_str(r->json, "status"))) < 0)
		abort();	/* the field table allows only these */
	if ((rc = db_begin()) != SQLITE_OK)
		return db_fail(r, rc);
	if ((rc = qentry_move(r, QM_DESK, id, (enum qstatus)to, version,
	    NULL)) != 0) {
		if (rc < 0)
			return db_fail(r, -rc);
		db_rollback();
		return rc;
	}
	if (!qentry_reply(r, id))
		return db_fail(r, SQLITE_ERROR);
	if ((rc = db_commit()) != SQLITE_OK)
		return db_fail(r, rc);
	return 200;
}

static const struct field add_fields[] = {
	{ "patient_id", FT_INT, F_REQUIRED, 1, ID_MAX, NULL, NULL, NULL },
	{ "reason", FT_STRING, F_NULLABLE, 0, 200, NULL, NULL, NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL },
};

static const struct field status_fields[] = {
	{ "status", FT_ENUM, F_REQUIRED, 0, 0,
	    QENTRY_STATUS_CHOICES, NULL, NULL },
	{ "version", FT_INT, 0, 1, ID_MAX, NULL, NULL, NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL },
};

/* Each program its own route table and main() (style.md 2): the same shape on purpose. */
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
	/* Its writes are short: one fsync may serve several (serve.c). */
	nd_group_commit = 1;
	return nd_main(argc, argv, "queue", routes, ND_NELEM(routes), NULL,
	    0, NULL);
}
