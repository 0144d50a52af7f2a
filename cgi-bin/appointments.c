/*
 * appointments.c — the `appointments` program: booking, the day's list,
 * and the moves of an appointment.
 *
 * An appointment is booked for today or a later clinic-local day.  On its
 * day, "arrived" puts the patient in that day's token queue in the same
 * transaction, exactly as POST /api/queue does (next token under BEGIN
 * IMMEDIATE; 409 when the patient is already waiting or in consultation),
 * and links the two rows both ways (queue.appointment_id,
 * appointments.queue_id).  Booked may also become cancelled; nothing else
 * moves.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nd.h"
#include "appointment.h"
#include "qentry.h"

/* How an appointment's status may move. */
enum astatus {
	AS_BOOKED,
	AS_ARRIVED,
	AS_CANCELLED,
	AS__MAX
};
static const char *const as_names[AS__MAX] = {
	"booked",	/* AS_BOOKED */
	"arrived",	/* AS_ARRIVED */
	"cancelled",	/* AS_CANCELLED */
};
_Static_assert(ND_NELEM(as_names) == AS__MAX, "as_names");

/* legal[from][to] */
static const unsigned char legal[AS__MAX][AS__MAX] = {
	/* AS_BOOKED */		{ 0, 1, 1 },
	/* AS_ARRIVED */	{ 0, 0, 0 },
	/* AS_CANCELLED */	{ 0, 0, 0 },
};
_Static_assert(ND_NELEM(legal) == AS__MAX, "legal");

enum stmt {
	STMT_LIST,
	STMT_GET,
	STMT_PATIENT_EXISTS,
	STMT_ADD,
	STMT_STATE,
	STMT_SET_STATUS,
	STMT__MAX
};
static const char *const sql[STMT__MAX] = {
	/* STMT_LIST: the day's appointments by time */
	APPT_COLUMNS " WHERE a.day = ?1 ORDER BY a.time, a.id",
	/* STMT_GET */
	APPT_COLUMNS " WHERE a.id = ?1",
	/* STMT_PATIENT_EXISTS */
	"SELECT 1 FROM patients WHERE id = ?1",
	/* STMT_ADD */
	"INSERT INTO appointments (patient_id, day, time, reason, created_at,"
	" updated_at, created_by) VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6)"
	" RETURNING id",
	/* STMT_STATE */
	"SELECT status, version, patient_id, day, reason FROM appointments"
	" WHERE id = ?1",
	/* STMT_SET_STATUS */
	"UPDATE appointments SET status = ?3, queue_id = coalesce(?4, queue_id),"
	" version = version + 1, updated_at = ?5"
	" WHERE id = ?1 AND version = ?2",
};
/* As in every module with SQL (style.md 5): its own table, checked and prepared once. */
_Static_assert(ND_NELEM(sql) == STMT__MAX, "appointments sql");
static sqlite3_stmt *st[STMT__MAX];

/*
 * GET /api/appointments?date=YYYY-MM-DD (default today): 200 {date,
 * appointments:[...]} by time.  A day's list is its own page (a clinic
 * books tens a day), so it takes no ?limit=.  422 for a bad date.
 * Audited "appointment.list": it names patients, so its one row holds the
 * query and their ids (audit_list()).
 */
static int
appt_list(struct req *r)
{
	char		 date[11];
	sqlite3_stmt	*s = st[STMT_LIST];
	int		 rc;

	if ((rc = req_query_date(r, "date", date)) != 0)
		return rc;
	audit_listing(r);
	if ((rc = jo_day_rows(r, date, "appointments", s)) != SQLITE_OK)
		return db_fail(r, rc);
	if ((rc = audit_list(r, "appointment.list", "appointment")) !=
	    SQLITE_OK)
		return db_fail(r, rc);
	return 200;
}

/*
 * POST /api/appointments {patient_id, date, time, reason?}: 201 the
 * appointment, booked.  422 (field date) for a day before today in the
 * clinic's time zone; 404 (field patient_id) for an unknown patient.
 */
static int
appt_add(struct req *r)
{
	char		 today[11], now[21];
	const char	*date = json_str(r->json, "date");
	long long	 pid = 0, id = 0;
	sqlite3_stmt	*s;
	int		 rc;

	json_int(r->json, "patient_id", &pid);
	db_today(today);
	db_now(now);
	if (strcmp(date, today) < 0)
		return http_error(r, 422, "invalid", "An appointment cannot be "
		    "booked for a day that has passed.", "date");
	if ((rc = db_begin()) != SQLITE_OK)
		return db_fail(r, rc);
	s = st[STMT_PATIENT_EXISTS];
	db_bind_int(s, 1, pid);
	if (db_int1(s, 0) != 1) {
		db_rollback();
		return http_error(r, 404, "patient_not_found",
		    "There is no patient with this id.", "patient_id");
	}
	s = st[STMT_ADD];
	db_bind_int(s, 1, pid);
	db_bind_text(s, 2, date);
	db_bind_text(s, 3, json_str(r->json, "time"));
	db_bind_text(s, 4, json_str(r->json, "reason"));
	db_bind_text(s, 5, now);
	db_bind_int(s, 6, r->user.id);
	if ((rc = db_step(s)) == SQLITE_ROW)
		id = sqlite3_column_int64(s, 0);
	db_reset(s);
	if (id == 0)
		return db_fail(r, rc);
	if ((rc = audit(r, "appointment.create", "appointment", id, pid)) !=
	    SQLITE_OK)
		return db_fail(r, rc);
	if (!jo_row_id(r, st[STMT_GET], id))
		return db_fail(r, SQLITE_ERROR);
	if ((rc = db_commit()) != SQLITE_OK)
		return db_fail(r, rc);
	return 201;
}

static int
as_parse(const char *s)
{
	return valid_name(as_names, AS__MAX, s);
}

/*
 * PATCH /api/appointments/{id} {status, version}: 200 the appointment
 * after booked→arrived (only on its day, today: the patient joins today's
 * queue) or booked→cancelled.  404 no such appointment; 409
 * "stale_version", "illegal_transition", "not_today" (arriving on another
 * day) or "already_queued".
 */
/* Above, the end of every write (answer inside the transaction, then
 * commit, style of LAYOUT-NOTES): the same lines in each program. */
static int
appt_status(struct req *r)
{
	char		 today[11], now[21], day[11], msg[160];
	char		*reason = NULL;
	long long	 id = r->param[0], version = 0, cur, pid, qid = 0;
	int		 from, to, rc, status;
	sqlite3_stmt	*s;
	const unsigned char *t;

	json_int(r->json, "version", &version);
	if ((to = as_parse(json_str(r->json, "status"))) < 0)
		abort();	/* the field table allows only these */
	db_today(today);
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
		    "There is no such appointment.", NULL);
	}
	from = as_parse((const char *)sqlite3_column_text(s, 0));
	cur = sqlite3_column_int64(s, 1);
	pid = sqlite3_column_int64(s, 2);
	snprintf(day, sizeof(day), "%s",
	    (const char *)sqlite3_column_text(s, 3));
	if ((t = sqlite3_column_text(s, 4)) != NULL &&
	    (reason = strdup((const char *)t)) == NULL) {
		db_reset(s);
		status = db_fail(r, SQLITE_NOMEM);
		goto out;
	}
	db_reset(s);
	if (from < 0) {
		status = db_fail(r, SQLITE_CORRUPT);
		goto out;
	}
	if (version != cur) {
		db_rollback();
		status = http_error(r, 409, "stale_version", "Someone else "
		    "changed this appointment; reload to see the change.",
		    "version");
		goto out;
	}
	if (!legal[from][to]) {
		db_rollback();
		snprintf(msg, sizeof(msg), "An appointment cannot go from %s "
		    "to %s.", as_names[from], as_names[to]);
		status = http_error(r, 409, "illegal_transition", msg,
		    "status");
		goto out;
	}
	if (to == AS_ARRIVED) {
		if (strcmp(day, today) != 0) {
			db_rollback();
			snprintf(msg, sizeof(msg), "This appointment is for "
			    "%s; a patient can arrive only on the day of "
			    "the appointment.", day);
			status = http_error(r, 409, "not_today", msg,
			    "status");
			goto out;
		}
		if ((rc = qentry_add(r, day, pid, reason, QP_NORMAL, id,
		    "status", &qid)) != 0) {
			if (rc < 0)
				status = db_fail(r, -rc);
			else {
				db_rollback();
				status = rc;
			}
			goto out;
		}
	}
	s = st[STMT_SET_STATUS];
	db_bind_int(s, 1, id);
	db_bind_int(s, 2, cur);
	db_bind_text(s, 3, as_names[to]);
	if (qid > 0)
		db_bind_int(s, 4, qid);
	db_bind_text(s, 5, now);
	rc = db_step(s);
	db_reset(s);
	if (rc != SQLITE_DONE || sqlite3_changes(db) != 1) {
		status = db_fail(r, rc == SQLITE_DONE ? SQLITE_ERROR : rc);
		goto out;
	}
	if ((rc = audit(r, "appointment.status", "appointment", id, pid)) !=
	    SQLITE_OK) {
		status = db_fail(r, rc);
		goto out;
	}
	if (!jo_row_id(r, st[STMT_GET], id)) {
		status = db_fail(r, SQLITE_ERROR);
		goto out;
	}
	if ((rc = db_commit()) != SQLITE_OK) {
		status = db_fail(r, rc);
		goto out;
	}
	status = 200;
out:
	free(reason);
	return status;
}

static const struct field add_fields[] = {
	{ "patient_id", FT_INT, F_REQUIRED, 1, ID_MAX, NULL, NULL, NULL },
	{ "date", FT_DATE, F_REQUIRED, 0, 0, NULL, NULL, NULL },
	{ "time", FT_TIME, F_REQUIRED, 0, 0, NULL, NULL, NULL },
	{ "reason", FT_STRING, F_NULLABLE, 0, 200, NULL, NULL, NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL },
};

static const struct field status_fields[] = {
	{ "status", FT_ENUM, F_REQUIRED, 0, 0, "booked,arrived,cancelled",
	    NULL, NULL },
	{ "version", FT_INT, F_REQUIRED, 1, ID_MAX, NULL, NULL, NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL },
};

static const struct route routes[] = {
	{ METHOD_GET, "/api/appointments", R_CLINIC, NULL, appt_list, 0 },
	{ METHOD_POST, "/api/appointments", R_CLINIC, add_fields, appt_add,
	    0 },
	{ METHOD_PATCH, "/api/appointments/{id}", R_CLINIC, status_fields,
	    appt_status, 0 },
};

int
main(int argc, char **argv)
{
	/* Its writes are short: one fsync may serve several (serve.c). */
	nd_group_commit = 1;
	return nd_main(argc, argv, "appointments", routes, ND_NELEM(routes),
	    sql, STMT__MAX, st);
}
