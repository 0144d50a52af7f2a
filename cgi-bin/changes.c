/*
 * changes.c — the `changes` program: GET /api/changes, the feed that keeps
 * the front desk's offline cache fresh.
 *
 * The change log (schema: change_log, filled by triggers on patients,
 * queue and appointments) holds one row per record, moved to a new,
 * higher seq each time the record changes.  A page is the next rows after
 * the cursor's seq that the front desk caches: today's queue entries,
 * today's and later appointments, and the patients seen, queued, booked
 * or registered in the last 90 days.  A cursor is "<epoch>.<seq>"; the
 * epoch (changes.h) changes on every restore, and a cursor of another
 * epoch is refused: the browser then drops its cache and starts again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nd.h"
#include "appointment.h"
#include "changes.h"
#include "patient.h"
#include "qentry.h"

#define CHANGES_LIMIT_DEFAULT	500	/* records a page, by default */
#define CHANGES_LIMIT_MAX	1000	/* and at most */
#define CHANGES_DAYS		90	/* the patients of the last ... days */

enum stmt {
	STMT_PAGE,
	STMT_LAST,
	STMT_PATIENT,
	STMT_APPOINTMENT,
	STMT__MAX
};
static const char *const sql[STMT__MAX] = {
	/* STMT_PAGE: ?1 after this seq, ?2 today, ?3 rows (one more than
	 * the page, to know whether more follow) */
	"SELECT seq, entity, entity_id FROM change_log WHERE seq > ?1 AND"
	" ((entity = 'queue' AND day = ?2) OR"
	" (entity = 'appointment' AND day >= ?2) OR"
	" (entity = 'patient' AND day >= date(?2, '-90 days')))"
	" ORDER BY seq LIMIT ?3",
	/* STMT_LAST */
	"SELECT coalesce(max(seq), 0) FROM change_log",
	/* STMT_PATIENT: what the desk's cache keeps of a patient (?2 today) */
	"SELECT p.id, p.clinic_no, p.name, p.sex, p.dob,"
	" " PATIENT_AGE_ON("?2") " AS age_years,"
	" p.phone, p.language, p.version, p.created_at, p.updated_at"
	" FROM patients p WHERE p.id = ?1",
	/* STMT_APPOINTMENT: as GET /api/appointments shows one */
	APPT_COLUMNS " WHERE a.id = ?1",
};
/* As in every module with SQL (style.md 5): its own table, checked and prepared once. */
_Static_assert(ND_NELEM(sql) == STMT__MAX, "sql");
static sqlite3_stmt *st[STMT__MAX];

/* The kinds of record in a page, in the order the answer lists them. */
enum kind {
	K_PATIENT,
	K_QUEUE,
	K_APPOINTMENT,
	K__MAX
};
static const char *const kind_entity[K__MAX] = {
	"patient",	/* K_PATIENT */
	"queue",	/* K_QUEUE */
	"appointment",	/* K_APPOINTMENT */
};
static const char *const kind_key[K__MAX] = {
	"patients",	/* K_PATIENT */
	"queue",	/* K_QUEUE */
	"appointments",	/* K_APPOINTMENT */
};
_Static_assert(ND_NELEM(kind_entity) == K__MAX, "kind_entity");
_Static_assert(ND_NELEM(kind_key) == K__MAX, "kind_key");

/*
 * Reads ?since= into *SEQ: absent or empty, 0 (everything cached);
 * else "<epoch>.<seq>", whose epoch must be EPOCH.  Returns 0, 422 for a
 * malformed cursor, or 409 epoch_changed.
 */
static int
since_param(struct req *r, const char *epoch, long long *seq)
{
	char	 buf[64];
	int	 rc;

	*seq = 0;
	if ((rc = req_query(r, "since", buf, sizeof(buf))) == 0 ||
	    (rc == 1 && buf[0] == '\0'))
		return 0;
	switch (rc < 0 ? CURSOR_BAD : changes_cursor(buf, epoch, seq)) {
	case CURSOR_OK:
		return 0;
	case CURSOR_OTHER_EPOCH:
		return http_error(r, 409, "epoch_changed",
		    "The clinic's database was restored since this cursor "
		    "was read: start again without since.", "since");
	case CURSOR_BAD:
		return http_error(r, 422, "invalid_parameter",
		    "since must be a cursor this feed gave.", "since");
	default:
		abort();
	}
}

/* Writes record ID of kind K into R's open array; a vanished one is left
 * out.  Returns SQLITE_OK. */
static int
write_one(struct req *r, enum kind k, long long id, const char *today)
{
	switch (k) {
	case K_PATIENT:
		db_bind_text(st[STMT_PATIENT], 2, today);
		jo_row_id(r, st[STMT_PATIENT], id);
		break;
	case K_QUEUE:
		qentry_reply(r, id);
		break;
	case K_APPOINTMENT:
		jo_row_id(r, st[STMT_APPOINTMENT], id);
		break;
	default:
		abort();
	}
	return SQLITE_OK;
}

/*
 * GET /api/changes?since=<cursor>&limit= (frontdesk, doctor, nurse): 200 {epoch,
 * cursor, more, patients:[...], queue:[...], appointments:[...]}, the
 * cached records changed after the cursor (no since: all of them), at
 * most `limit` (default 500, at most 1000) in all, oldest change first;
 * `more` says whether another page follows (ask again with the new
 * cursor).  409 epoch_changed for a cursor from before a restore, 422
 * for a malformed one.  Audited "changes.read" once a page: one row with
 * the query and the ids of the patients its records name (audit_list()).
 */
static int
changes_list(struct req *r)
{
	sqlite3_stmt	*s = st[STMT_PAGE];
	char		 epoch[CHANGES_EPOCH_LEN + 1], today[11], cursor[48];
	long long	 since, limit, last, *ids = NULL;
	enum kind	*kinds = NULL;
	size_t		 n = 0, i;
	int		 rc, more = 0, k, status;
	const char	*e;

	if ((rc = changes_epoch(epoch)) != SQLITE_OK)
		return db_fail(r, rc);
	if ((status = since_param(r, epoch, &since)) != 0 ||
	    (status = req_query_int(r, "limit", CHANGES_LIMIT_DEFAULT, 1,
	    CHANGES_LIMIT_MAX, &limit)) != 0)
		return status;
	if ((ids = calloc((size_t)limit, sizeof(*ids))) == NULL ||
	    (kinds = calloc((size_t)limit, sizeof(*kinds))) == NULL) {
		status = db_fail(r, SQLITE_NOMEM);
		goto out;
	}
	db_today(today);
	last = since;
	db_bind_int(s, 1, since);
	db_bind_text(s, 2, today);
	db_bind_int(s, 3, limit + 1);
	while ((rc = db_step(s)) == SQLITE_ROW) {
		if ((long long)n == limit) {
			more = 1;
			break;
		}
		e = (const char *)sqlite3_column_text(s, 1);
		for (k = 0; k < K__MAX; k++)
			if (e != NULL && strcmp(e, kind_entity[k]) == 0)
				break;
		last = sqlite3_column_int64(s, 0);
		if (k == K__MAX)
			continue;
		kinds[n] = (enum kind)k;
		ids[n++] = sqlite3_column_int64(s, 2);
	}
	db_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		status = db_fail(r, rc);
		goto out;
	}
	/* The whole log was read: the cursor skips what is not cached. */
	if (!more && (last = db_int1(st[STMT_LAST], -1)) < 0) {
		status = db_fail(r, SQLITE_BUSY);
		goto out;
	}
	audit_listing(r);
	snprintf(cursor, sizeof(cursor), "%s.%lld", epoch, last);
	jo_open(r);
	jo_str(r, "epoch", epoch);
	jo_str(r, "cursor", cursor);
	jo_bool(r, "more", more);
	for (k = 0; k < K__MAX; k++) {
		jo_arr(r, kind_key[k]);
		for (i = 0; i < n; i++)
			if (kinds[i] == (enum kind)k)
				write_one(r, (enum kind)k, ids[i], today);
		jo_arr_close(r);
	}
	jo_close(r);
	if ((rc = audit_list(r, "changes.read", "change_log")) != SQLITE_OK) {
		status = db_fail(r, rc);
		goto out;
	}
	status = 200;
out:
	free(ids);
	free(kinds);
	return status;
}

/* Each program its own route table and main() (style.md 2): the same shape on purpose. */
static const struct route routes[] = {
	{ METHOD_GET, "/api/changes", R_CLINIC | R_NURSE, NULL, changes_list,
	    0 },
};

static int
init(void)
{
	return changes_init();
}

int
main(int argc, char **argv)
{
	nd_init = init;
	nd_fini = changes_fini;
	return nd_main(argc, argv, "changes", routes, ND_NELEM(routes), sql,
	    STMT__MAX, st);
}
