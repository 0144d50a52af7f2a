/*
 * qentry.c — the queue entry: its statements and its rules (qentry.h).
 *
 * Tokens run 1, 2, 3... per clinic day without gaps or duplicates: the
 * next token is max + 1 of the day, computed by the INSERT itself inside
 * the caller's write transaction (db_begin(): the write lock of every
 * process, then BEGIN IMMEDIATE or a savepoint of the batch), so
 * concurrent adds are serialised.  A patient is in the queue at most once
 * at a time on a day (waiting or in consultation): checked first, for a
 * message naming the token, and made a constraint by the unique partial
 * index queue_active, both answered 409 "already_queued".
 *
 * Every change of status goes through qentry_move(), which consults the
 * one transition table below (moves[]) for the mover that asks.
 *
 * The call order is QENTRY_CALL_ORDER (qentry.h).  The place in the line
 * (column line) starts as the order of arrival (max + 1 of the day, as the
 * token); postponing gives an entry the place just behind the one it lets
 * go first and moves every later place one down, so places stay distinct.
 * A priority changes whom the line calls first, never the place itself.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nd.h"
#include "patient.h"
#include "qentry.h"
#include "payment.h"

const char *const qentry_status_names[QS__MAX] = {
	"waiting",	/* QS_WAITING */
	"in_consult",	/* QS_IN_CONSULT */
	"done",		/* QS_DONE */
	"cancelled",	/* QS_CANCELLED */
	"no_show",	/* QS_NO_SHOW */
};
_Static_assert(ND_NELEM(qentry_status_names) == QS__MAX, "status names");

#define M_DESK		(1u << QM_DESK)
#define M_START		(1u << QM_VISIT_START)
#define M_FINALIZE	(1u << QM_VISIT_FINALIZE)
#define M_NEXT		(1u << QM_NEXT)

const char *const qentry_priority_names[QP__MAX] = {
	"normal",	/* QP_NORMAL */
	"urgent",	/* QP_URGENT */
	"emergency",	/* QP_EMERGENCY */
};
_Static_assert(ND_NELEM(qentry_priority_names) == QP__MAX, "priorities");

/*
 * The transition table: the only moves there are, each with the movers
 * allowed to make it and why it exists.  A row whose from and to are the
 * same is a declared "stays": allowed, and nothing is written.
 */
static const struct qmove {
	enum qstatus	 from, to;
	unsigned	 movers;
	const char	*why;
} moves[] = {
	{ QS_WAITING, QS_IN_CONSULT, M_DESK | M_START | M_NEXT,
	    "called in, by the desk, by the doctor opening the visit, or as "
	    "the next in call order" },
	{ QS_WAITING, QS_CANCELLED, M_DESK, "the patient left" },
	{ QS_WAITING, QS_NO_SHOW, M_DESK, "called and did not come" },
	{ QS_IN_CONSULT, QS_WAITING, M_DESK,
	    "sent back to wait (a test, a report to fetch)" },
	{ QS_IN_CONSULT, QS_DONE, M_DESK | M_FINALIZE, "seen" },
	{ QS_IN_CONSULT, QS_IN_CONSULT, M_START,
	    "opening the consultation again is harmless: it stays" },
	/*
	 * The one jump: a finalized visit means the patient was seen, even
	 * when the desk sent the entry back to waiting after the doctor
	 * opened it.  Leaving it waiting would call a patient already seen.
	 */
	{ QS_WAITING, QS_DONE, M_FINALIZE,
	    "the visit written from this entry is final: the patient was seen" },
};

/*
 * What each mover answers when the table refuses its move: the error code
 * and field, or quiet (nothing written, the caller carries on: a visit is
 * final whether or not its entry is still open).
 */
static const struct qmover_refusal {
	const char	*code;		/* NULL: quiet */
	const char	*field;
} refusal[QM__MAX] = {
	{ "illegal_transition", "status" },	/* QM_DESK */
	{ "queue_status", "queue_id" },		/* QM_VISIT_START */
	{ NULL, NULL },				/* QM_VISIT_FINALIZE */
	{ "not_waiting", "status" },		/* QM_NEXT */
};
_Static_assert(ND_NELEM(refusal) == QM__MAX, "refusal");

/* Times the table was consulted (a test's proof that a path used it). */
unsigned long qentry_table_checks;

/*
 * The columns of one entry as the API shows it (jo_row), among the entries
 * of its day: position counts the waiting in call order, so it needs them
 * all (a window).  paid_paise: the patient's payments of the entry's day
 * that were not voided.
 */
#define ENTRY_COLUMNS ENTRY_COLUMNS_WITH( \
	"row_number() OVER (PARTITION BY q.status ORDER BY " \
	QENTRY_CALL_ORDER ")")
/*
 * One entry's place among the waiting of its day, counted: the same
 * number as the day's row_number(), without reading every entry of the
 * day and its payments (STMT_GET answers each write).
 */
#define ENTRY_POSITION \
	"1 + (SELECT count(*) FROM queue o WHERE o.day = q.day" \
	" AND o.status = 'waiting' AND (" QENTRY_RANK("o") ", o.line, o.token)" \
	" < (" QENTRY_RANK("q") ", q.line, q.token))"
#define ENTRY_COLUMNS_WITH(position) \
	"SELECT q.id, q.token, q.status, q.priority," \
	" CASE WHEN q.status = 'waiting' THEN " position " END" \
	" AS position, q.reason," \
	" p.id AS \"patient.id\", p.name AS \"patient.name\"," \
	" p.clinic_no AS \"patient.clinic_no\", p.sex AS \"patient.sex\"," \
	" " PATIENT_AGE_ON("q.day") " AS \"patient.age_years\"," \
	" p.phone AS \"patient.phone\"," \
	" (SELECT coalesce(sum(y.amount_paise), 0) FROM payments y" \
	" WHERE y.patient_id = q.patient_id AND y.day = q.day" \
	" AND " PAYMENT_COUNTS_Y ") AS paid_paise," \
	" q.appointment_id," \
	" CASE WHEN q.vitals_at IS NULL THEN 'false' ELSE 'true' END" \
	" AS \"@vitals_recorded\"," \
	" q.day AS date, q.created_at, q.updated_at, q.called_at," \
	" q.version" \
	" FROM queue q JOIN patients p ON p.id = q.patient_id"

/* The stored vitals in the order of enum vital (vitals.h). */
#define VITAL_COLUMNS \
	"bp_systolic, bp_diastolic, pulse, temperature_c, weight_kg," \
	" height_cm, spo2"

enum stmt {
	STMT_LIST,
	STMT_GET,
	STMT_DISPLAY,
	STMT_PATIENT_EXISTS,
	STMT_ACTIVE_TOKEN,
	STMT_ADD,
	STMT_STATE,
	STMT_SET_STATUS,
	STMT_SET_PRIORITY,
	STMT_PLACE,
	STMT_BEHIND,
	STMT_LINE_END,
	STMT_LINE_SHIFT,
	STMT_SET_LINE,
	STMT_FIRST_WAITING,
	STMT_SET_VITALS,
	STMT_VITALS,
	STMT__MAX
};
static const char *const sql[STMT__MAX] = {
	/* STMT_LIST: the day's queue in call order */
	ENTRY_COLUMNS " WHERE q.day = ?1 ORDER BY " QENTRY_CALL_ORDER,
	/* STMT_GET: one entry, its position among its day's */
	ENTRY_COLUMNS_WITH(ENTRY_POSITION) " WHERE q.id = ?1",
	/*
	 * STMT_DISPLAY: tokens only, never patients' names (a public screen).
	 * Serving: the one called in last (a consultation left open when the
	 * doctor called the next is not who is being seen).
	 */
	"SELECT (SELECT value FROM settings WHERE key = 'clinic_name')"
	" AS clinic_name,"
	" (SELECT json_group_array(json_object('token', token)) FROM"
	"  (SELECT q.token FROM queue q WHERE q.day = ?1"
	"  AND q.status = 'in_consult' ORDER BY " QENTRY_CALL_ORDER
	"  LIMIT 1)) AS \"@serving\","
	" (SELECT json_group_array(json_object('token', token)) FROM"
	"  (SELECT q.token FROM queue q WHERE q.day = ?1"
	"  AND q.status = 'waiting' ORDER BY " QENTRY_CALL_ORDER "))"
	" AS \"@waiting\"",
	/* STMT_PATIENT_EXISTS */
	"SELECT 1 FROM patients WHERE id = ?1",
	/* STMT_ACTIVE_TOKEN: the patient's waiting/in-consultation token */
	"SELECT token FROM queue WHERE day = ?1 AND patient_id = ?2"
	" AND status IN ('waiting', 'in_consult')",
	/* STMT_ADD: the next token and the last place of the day (inside the
	 * write lock) */
	"INSERT INTO queue (day, token, patient_id, reason, appointment_id,"
	" created_at, updated_at, created_by, priority, line)"
	" SELECT ?1, coalesce(max(token), 0) + 1, ?2, ?3, ?4, ?5, ?5, ?6, ?7,"
	" coalesce(max(line), 0) + 1"
	" FROM queue WHERE day = ?1 RETURNING id",
	/* STMT_STATE */
	"SELECT status, version, patient_id, day FROM queue WHERE id = ?1",
	/* STMT_SET_STATUS: called_at is when it last went to the doctor, to
	 * the millisecond (the board shows the one called last) */
	"UPDATE queue SET status = ?3, version = version + 1, updated_at = ?4,"
	" called_at = CASE WHEN ?3 = 'in_consult'"
	" THEN strftime('%Y-%m-%dT%H:%M:%fZ', 'now') ELSE called_at END"
	" WHERE id = ?1 AND version = ?2",
	/* STMT_SET_PRIORITY */
	"UPDATE queue SET priority = ?3, version = version + 1, updated_at = ?4"
	" WHERE id = ?1 AND version = ?2",
	/* STMT_PLACE: an entry's priority, place and token */
	"SELECT priority, line, token FROM queue WHERE id = ?1",
	/* STMT_BEHIND: the place of the ?5th waiting entry behind place ?3
	 * (token ?4) of priority ?2 */
	"SELECT line FROM queue WHERE day = ?1 AND status = 'waiting'"
	" AND priority = ?2 AND (line, token) > (?3, ?4)"
	" ORDER BY line, token LIMIT 1 OFFSET ?5 - 1",
	/* STMT_LINE_END: the place after the day's last */
	"SELECT coalesce(max(line), 0) + 1 FROM queue WHERE day = ?1",
	/* STMT_LINE_SHIFT: every place after ?2 one down, to free ?2 + 1 */
	"UPDATE queue SET line = line + 1 WHERE day = ?1 AND line > ?2",
	/* STMT_SET_LINE */
	"UPDATE queue SET line = ?2, version = version + 1, updated_at = ?3"
	" WHERE id = ?1",
	/* STMT_FIRST_WAITING: whom the doctor calls next */
	"SELECT q.id FROM queue q WHERE q.day = ?1 AND q.status = 'waiting'"
	" ORDER BY " QENTRY_CALL_ORDER " LIMIT 1",
	/* STMT_SET_VITALS: ?3..?9 the vitals of enum vital */
	"UPDATE queue SET complaint = ?2, (" VITAL_COLUMNS ") ="
	" (?3, ?4, ?5, ?6, ?7, ?8, ?9), vitals_at = ?10, vitals_by = ?11,"
	" version = version + 1, updated_at = ?10 WHERE id = ?1",
	/* STMT_VITALS: columns 0..6 the vitals of enum vital */
	"SELECT " VITAL_COLUMNS ", complaint, vitals_at, q.id AS queue_id,"
	" q.patient_id, u.name AS recorded_by, q.version"
	" FROM queue q LEFT JOIN users u ON u.id = q.vitals_by WHERE q.id = ?1",
};
/* As in every module with SQL (style.md 5): its own table, checked and prepared once. */
_Static_assert(ND_NELEM(sql) == STMT__MAX, "qentry sql");
static sqlite3_stmt *st[STMT__MAX];

int
qentry_init(void)
{
	return db_prepare_all(sql, STMT__MAX, st);
}

void
qentry_fini(void)
{
	db_finalize_all(st, STMT__MAX);
}

/* The enum qstatus named S, or -1. */
int
qentry_status_parse(const char *s)
{
	return valid_name(qentry_status_names, QS__MAX, s);
}

/* The enum qpriority named S, or -1. */
int
qentry_priority_parse(const char *s)
{
	return valid_name(qentry_priority_names, QP__MAX, s);
}

/*
 * The transition table's answer for mover M moving an entry FROM → TO:
 * 0 refused, 1 a move, 2 a declared stay (nothing to write).
 */
int
qentry_allowed(enum qmover m, enum qstatus from, enum qstatus to)
{
	size_t	 i;

	qentry_table_checks++;
	for (i = 0; i < ND_NELEM(moves); i++)
		if (moves[i].from == from && moves[i].to == to &&
		    (moves[i].movers & (1u << m)) != 0)
			return from == to ? 2 : 1;
	return 0;
}

/*
 * Reads entry ID into E.  Returns 1 found, 0 no such entry, or -rc on a
 * database failure.
 */
int
qentry_get(long long id, struct qentry *e)
{
	sqlite3_stmt	*s = st[STMT_STATE];
	int		 rc, status;

	db_bind_int(s, 1, id);
	if ((rc = db_step(s)) != SQLITE_ROW) {
		db_reset(s);
		return rc == SQLITE_DONE ? 0 : -rc;
	}
	status = qentry_status_parse((const char *)sqlite3_column_text(s, 0));
	e->id = id;
	e->version = sqlite3_column_int64(s, 1);
	e->patient_id = sqlite3_column_int64(s, 2);
	snprintf(e->day, sizeof(e->day), "%s",
	    (const char *)sqlite3_column_text(s, 3));
	db_reset(s);
	if (status < 0)
		return -SQLITE_CORRUPT;
	e->status = (enum qstatus)status;
	return 1;
}

/*
 * Puts patient PID in DAY's queue with the next token of that day and the
 * last place in its line, with REASON (may be NULL), priority PRIO and
 * appointment APPT (0: none), audited "queue.add"; inside the caller's
 * write transaction.  The new id goes
 * into *QID.  Returns 0 done; 404 "patient_not_found" or 409
 * "already_queued" (naming FIELD) written into R: the caller rolls back
 * and answers that status; or -rc on a database failure (db_fail()).
 */
int
qentry_add(struct req *r, const char *day, long long pid, const char *reason,
    enum qpriority prio, long long appt, const char *field, long long *qid)
{
	char		 msg[128], now[21];
	long long	 token, id = 0;
	sqlite3_stmt	*s;
	int		 rc;

	s = st[STMT_PATIENT_EXISTS];
	db_bind_int(s, 1, pid);
	if (db_int1(s, 0) != 1)
		return http_error(r, 404, "patient_not_found",
		    "There is no patient with this id.", "patient_id");
	s = st[STMT_ACTIVE_TOKEN];
	db_bind_text(s, 1, day);
	db_bind_int(s, 2, pid);
	if ((token = db_int1(s, 0)) > 0) {
		snprintf(msg, sizeof(msg), "This patient is already in "
		    "today's queue with token %lld.", token);
		return http_error(r, 409, "already_queued", msg, field);
	}
	s = st[STMT_ADD];
	db_bind_text(s, 1, day);
	db_bind_int(s, 2, pid);
	db_bind_text(s, 3, reason);
	if (appt > 0)
		db_bind_int(s, 4, appt);
	db_now(now);
	db_bind_text(s, 5, now);
	db_bind_int(s, 6, r->user.id);
	db_bind_text(s, 7, qentry_priority_names[prio]);
	if ((rc = db_step(s)) == SQLITE_ROW)
		id = sqlite3_column_int64(s, 0);
	db_reset(s);
	if ((rc & 0xff) == SQLITE_CONSTRAINT)	/* queue_active */
		return http_error(r, 409, "already_queued", "This patient is "
		    "already in today's queue.", field);
	if (id == 0)
		return -(rc == SQLITE_ROW || rc == SQLITE_DONE ?
		    SQLITE_ERROR : rc);
	if ((rc = audit(r, "queue.add", "queue", id, pid)) != SQLITE_OK)
		return -rc;
	*qid = id;
	return 0;
}

/*
 * Mover M moves entry ID to status TO, inside the caller's write
 * transaction, if the transition table allows it; VERSION > 0 must be the
 * entry's version.  A move is audited "queue.status".  The entry's patient
 * goes into *PID (may be NULL).  Returns 0 done (moved, a declared stay,
 * or a quiet mover's refusal: nothing written); 404 "not_found", 409
 * "stale_version" or the mover's refusal written into R (the caller rolls
 * back and answers it); or -rc on a database failure.
 */
int
qentry_move(struct req *r, enum qmover m, long long id, enum qstatus to,
    long long version, long long *pid)
{
	struct qentry	 e;
	char		 now[21], msg[160];
	sqlite3_stmt	*s;
	int		 rc, ok;

	if ((rc = qentry_get(id, &e)) <= 0)
		return rc < 0 ? rc : http_error(r, 404, "not_found",
		    "There is no such queue entry.",
		    m == QM_DESK ? NULL : "queue_id");
	if (pid != NULL)
		*pid = e.patient_id;
	if (version > 0 && version != e.version)
		return http_error(r, 409, "stale_version", "Someone else "
		    "changed this queue entry; reload to see the change.",
		    "version");
	if ((ok = qentry_allowed(m, e.status, to)) == 2)
		return 0;
	if (ok == 0) {
		if (refusal[m].code == NULL)
			return 0;
		if (m == QM_DESK)
			snprintf(msg, sizeof(msg), "A queue entry cannot go "
			    "from %s to %s.", qentry_status_names[e.status],
			    qentry_status_names[to]);
		else
			snprintf(msg, sizeof(msg), "This queue entry is no "
			    "longer waiting (it is %s).",
			    qentry_status_names[e.status]);
		return http_error(r, 409, refusal[m].code, msg,
		    refusal[m].field);
	}
	db_now(now);
	s = st[STMT_SET_STATUS];
	db_bind_int(s, 1, id);
	db_bind_int(s, 2, e.version);
	db_bind_text(s, 3, qentry_status_names[to]);
	db_bind_text(s, 4, now);
	if ((rc = db_run(s)) != SQLITE_OK)
		return -rc;
	if (sqlite3_changes(db) != 1)
		return -SQLITE_ERROR;	/* read under the write lock */
	if ((rc = audit(r, "queue.status", "queue", id, e.patient_id)) !=
	    SQLITE_OK)
		return -rc;
	return 0;
}

/*
 * Reads entry ID for a change that only a waiting entry takes (priority,
 * place, vitals): 1 into E when it may go on; else 404 "not_found", 409
 * "stale_version" (VERSION > 0 and not the entry's) or 409 "not_waiting"
 * written into R; or -rc on a database failure.
 */
static int
waiting_entry(struct req *r, long long id, long long version,
    struct qentry *e)
{
	char	 msg[128];
	int	 rc;

	if ((rc = qentry_get(id, e)) <= 0)
		return rc < 0 ? rc : http_error(r, 404, "not_found",
		    "There is no such queue entry.", NULL);
	if (version > 0 && version != e->version)
		return http_error(r, 409, "stale_version", "Someone else "
		    "changed this queue entry; reload to see the change.",
		    "version");
	if (e->status != QS_WAITING) {
		snprintf(msg, sizeof(msg), "Only a waiting entry can be "
		    "changed so; this one is %s.",
		    qentry_status_names[e->status]);
		return http_error(r, 409, "not_waiting", msg, "status");
	}
	return 1;
}

/*
 * Gives waiting entry ID priority PRIO, inside the caller's write
 * transaction; VERSION > 0 must be the entry's.  Audited "queue.priority".
 * Returns 0 done; 404, 409 "stale_version" or "not_waiting" written into
 * R; or -rc on a database failure.
 */
int
qentry_set_priority(struct req *r, long long id, enum qpriority prio,
    long long version)
{
	struct qentry	 e;
	sqlite3_stmt	*s = st[STMT_SET_PRIORITY];
	char		 now[21];
	int		 rc;

	if ((rc = waiting_entry(r, id, version, &e)) != 1)
		return rc;
	db_now(now);
	db_bind_int(s, 1, id);
	db_bind_int(s, 2, e.version);
	db_bind_text(s, 3, qentry_priority_names[prio]);
	db_bind_text(s, 4, now);
	if ((rc = db_run(s)) != SQLITE_OK)
		return -rc;
	if ((rc = audit(r, "queue.priority", "queue", id, e.patient_id)) !=
	    SQLITE_OK)
		return -rc;
	return 0;
}

/*
 * Moves waiting entry ID PLACES down the line among the waiting of its
 * priority (0, or more than there are behind it: to the end of the
 * line), inside the caller's write transaction; its token stays.
 * VERSION > 0 must be the entry's.  Audited "queue.postpone".  Returns 0
 * done; 404, 409 "stale_version" or "not_waiting" written into R; or -rc
 * on a database failure.
 */
int
qentry_postpone(struct req *r, long long id, long long places,
    long long version)
{
	struct qentry	 e;
	sqlite3_stmt	*s;
	char		 now[21], prio[16] = "";
	long long	 line = 0, token = 0, behind = -1, to;
	int		 rc;

	if ((rc = waiting_entry(r, id, version, &e)) != 1)
		return rc;
	s = st[STMT_PLACE];
	db_bind_int(s, 1, id);
	if ((rc = db_step(s)) == SQLITE_ROW) {
		snprintf(prio, sizeof(prio), "%s",
		    (const char *)sqlite3_column_text(s, 0));
		line = sqlite3_column_int64(s, 1);
		token = sqlite3_column_int64(s, 2);
	}
	db_reset(s);
	if (rc != SQLITE_ROW)
		return -(rc == SQLITE_DONE ? SQLITE_ERROR : rc);
	if (places > 0) {
		s = st[STMT_BEHIND];
		db_bind_text(s, 1, e.day);
		db_bind_text(s, 2, prio);
		db_bind_int(s, 3, line);
		db_bind_int(s, 4, token);
		db_bind_int(s, 5, places);
		behind = db_int1(s, -1);
	}
	if (behind >= 0) {
		s = st[STMT_LINE_SHIFT];
		db_bind_text(s, 1, e.day);
		db_bind_int(s, 2, behind);
		if ((rc = db_run(s)) != SQLITE_OK)
			return -rc;
		to = behind + 1;
	} else {
		s = st[STMT_LINE_END];
		db_bind_text(s, 1, e.day);
		if ((to = db_int1(s, -1)) < 0)
			return -SQLITE_ERROR;
	}
	db_now(now);
	s = st[STMT_SET_LINE];
	db_bind_int(s, 1, id);
	db_bind_int(s, 2, to);
	db_bind_text(s, 3, now);
	if ((rc = db_run(s)) != SQLITE_OK)
		return -rc;
	if ((rc = audit(r, "queue.postpone", "queue", id, e.patient_id)) !=
	    SQLITE_OK)
		return -rc;
	return 0;
}

/*
 * Calls DAY's first waiting entry in call order in to the doctor (mover
 * QM_NEXT), inside the caller's write transaction; its id goes into *QID.
 * Returns 0 done; 404 "queue_empty" written into R; or -rc.
 */
int
qentry_next(struct req *r, const char *day, long long *qid)
{
	sqlite3_stmt	*s = st[STMT_FIRST_WAITING];
	long long	 id;

	db_bind_text(s, 1, day);
	if ((id = db_int1(s, 0)) <= 0)
		return http_error(r, 404, "queue_empty",
		    "No one is waiting.", NULL);
	*qid = id;
	return qentry_move(r, QM_NEXT, id, QS_IN_CONSULT, 0, NULL);
}

/*
 * Records vitals VI and presenting COMPLAINT (NULL: none) on waiting entry
 * ID of today, replacing what it held, inside the caller's write
 * transaction; VERSION > 0 must be the entry's.  Audited "queue.vitals".
 * Returns 0 done; 404, 409 "stale_version", "not_waiting" or "not_today"
 * written into R; or -rc on a database failure.
 */
int
qentry_set_vitals(struct req *r, long long id, const struct vitals_in *vi,
    const char *complaint, long long version)
{
	struct qentry	 e;
	sqlite3_stmt	*s = st[STMT_SET_VITALS];
	char		 now[21], today[11];
	int		 rc, k;

	if ((rc = waiting_entry(r, id, version, &e)) != 1)
		return rc;
	db_today(today);
	if (strcmp(e.day, today) != 0)
		return http_error(r, 409, "not_today", "Vitals are recorded "
		    "for today's queue only.", NULL);
	db_now(now);
	db_bind_int(s, 1, id);
	db_bind_text(s, 2, complaint);
	for (k = 0; k < V__MAX; k++) {
		if (!vi->set[k] || vi->null[k])
			db_bind_null(s, 3 + k);
		else if (vital_defs[k].integer)
			db_bind_int(s, 3 + k, (long long)vi->val[k]);
		else
			db_bind_double(s, 3 + k, vi->val[k]);
	}
	db_bind_text(s, 10, now);
	db_bind_int(s, 11, r->user.id);
	if ((rc = db_run(s)) != SQLITE_OK)
		return -rc;
	if ((rc = audit(r, "queue.vitals", "queue", id, e.patient_id)) !=
	    SQLITE_OK)
		return -rc;
	return 0;
}

/*
 * The vitals and complaint recorded on entry QID, for a visit opened from
 * it: VI (set where a value is stored) and COMPLAINT (SIZE bytes, "" when
 * none).  Returns 1 when vitals were recorded, 0 when not (or no such
 * entry; VI empty), or -rc on a database failure.
 */
int
qentry_vitals(long long qid, struct vitals_in *vi, char *complaint,
    size_t size)
{
	sqlite3_stmt	*s = st[STMT_VITALS];
	int		 rc, k, got = 0;

	memset(vi, 0, sizeof(*vi));
	complaint[0] = '\0';
	db_bind_int(s, 1, qid);
	if ((rc = db_step(s)) == SQLITE_ROW &&
	    sqlite3_column_type(s, V__MAX + 1) != SQLITE_NULL) {
		got = 1;
		for (k = 0; k < V__MAX; k++)
			if (sqlite3_column_type(s, k) != SQLITE_NULL) {
				vi->set[k] = 1;
				vi->val[k] = sqlite3_column_double(s, k);
			}
		if (sqlite3_column_type(s, V__MAX) != SQLITE_NULL)
			snprintf(complaint, size, "%s",
			    (const char *)sqlite3_column_text(s, V__MAX));
	}
	db_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return -rc;
	return got;
}

/*
 * Writes entry ID's vitals as the API shows them into R: {queue_id,
 * complaint, vitals:{...}, recorded_at, recorded_by, version}.  The
 * entry's patient goes into *PID.  Returns 1, 0 no such entry, or -rc.
 */
int
qentry_vitals_reply(struct req *r, long long id, long long *pid)
{
	sqlite3_stmt	*s = st[STMT_VITALS];
	int		 rc, k;

	db_bind_int(s, 1, id);
	if ((rc = db_step(s)) != SQLITE_ROW) {
		db_reset(s);
		return rc == SQLITE_DONE ? 0 : -rc;
	}
	*pid = sqlite3_column_int64(s, V__MAX + 3);
	jo_open(r);
	jo_int(r, "queue_id", sqlite3_column_int64(s, V__MAX + 2));
	jo_key(r, "complaint");
	jo_col(r, s, V__MAX);
	jo_obj(r, "vitals");
	for (k = 0; k < V__MAX; k++) {
		jo_key(r, vital_defs[k].name);
		jo_col(r, s, k);
	}
	jo_obj_close(r);
	jo_key(r, "recorded_at");
	jo_col(r, s, V__MAX + 1);
	jo_key(r, "recorded_by");
	jo_col(r, s, V__MAX + 4);
	jo_int(r, "version", sqlite3_column_int64(s, V__MAX + 5));
	jo_close(r);
	db_reset(s);
	return 1;
}

/* Writes entry ID as the API shows it into R.  Returns 1, or 0. */
int
qentry_reply(struct req *r, long long id)
{
	return jo_row_id(r, st[STMT_GET], id);
}

/*
 * Writes DATE's entries in call order as array KEY into R's open object.
 * Returns SQLITE_OK or the error.
 */
int
qentry_list(struct req *r, const char *key, const char *date)
{
	sqlite3_stmt	*s = st[STMT_LIST];

	db_bind_text(s, 1, date);
	return jo_rows(r, key, s);
}

/*
 * Writes the board's fields of DATE (clinic_name, serving, waiting: tokens
 * in call order) into R's open object.  Returns SQLITE_OK or the error.
 */
int
qentry_display(struct req *r, const char *date)
{
	sqlite3_stmt	*s = st[STMT_DISPLAY];
	int		 rc;

	db_bind_text(s, 1, date);
	if ((rc = db_step(s)) != SQLITE_ROW) {
		db_reset(s);
		return rc == SQLITE_DONE ? SQLITE_ERROR : rc;
	}
	jo_row_fields(r, s);
	db_reset(s);
	return SQLITE_OK;
}
