/*
 * lib_qentry.c — the queue entry's one transition table (lib/qentry.c):
 * the moves each mover may make, the declared waiting→done of a finalized
 * visit and nothing else of the kind, and every move of qentry_move()
 * answered by that table (it is consulted once per move, refuses with the
 * mover's own error or quietly, writes nothing on a refusal or a stay);
 * tokens 1, 2, 3 of the day and already_queued.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nd.h"
#include "qentry.h"
#include "unit.h"

/* The moves the table must hold, per mover: from → to (W I D C N). */
static const char *const expect[QM__MAX] = {
	"WI WC WN IW ID",	/* QM_DESK */
	"WI II",		/* QM_VISIT_START */
	"ID WD",		/* QM_VISIT_FINALIZE */
	"WI",			/* QM_NEXT */
};

/*
 * The call order, as a table: entries added in this order (token 1, 2...)
 * with a priority, then postponed (places; 0 to the end of the line, -1
 * not), then moved; the tokens in the order the day's list must give.
 */
static const struct {
	const char	*priority;
	int		 postpone;
	enum qstatus	 to;		/* QS_WAITING: left waiting */
} day_in[] = {
	{ "normal", -1, QS_WAITING },		/* 1 */
	{ "normal", 1, QS_WAITING },		/* 2: behind 3 */
	{ "normal", -1, QS_WAITING },		/* 3 */
	{ "urgent", -1, QS_WAITING },		/* 4 */
	{ "normal", 0, QS_WAITING },		/* 5: to the end */
	{ "emergency", -1, QS_WAITING },	/* 6 */
	{ "normal", -1, QS_IN_CONSULT },	/* 7: with the doctor */
	{ "normal", -1, QS_CANCELLED },		/* 8: closed, last */
	{ "urgent", 5, QS_WAITING },		/* 9: past 4, to the end of urgent */
};
static const char day_out[] = "7 6 4 9 1 3 2 5 8";
/* Then: 5 made urgent, and the doctor calls the next (6). */
static const char day_after[] = "6 7 4 5 9 1 3 2 8";

/* The tokens of DAY in call order, as "1 2 3". */
static const char *
call_order(const char *day)
{
	static char	 out[256];
	sqlite3_stmt	*s = NULL;
	size_t		 n = 0;

	out[0] = '\0';
	if (sqlite3_prepare_v2(db, "SELECT q.token FROM queue q WHERE q.day = ?1"
	    " ORDER BY " QENTRY_CALL_ORDER, -1, &s, NULL) != SQLITE_OK)
		return "?";
	sqlite3_bind_text(s, 1, day, -1, SQLITE_STATIC);
	while (sqlite3_step(s) == SQLITE_ROW && n + 12 < sizeof(out))
		n += (size_t)snprintf(out + n, sizeof(out) - n, "%s%lld",
		    n ? " " : "", (long long)sqlite3_column_int64(s, 0));
	sqlite3_finalize(s);
	return out;
}

static int
allowed_in(const char *list, int from, int to)
{
	const char	*letters = "WIDCN";
	char		 pair[3] = { letters[from], letters[to], '\0' };
	const char	*p;

	for (p = list; (p = strstr(p, pair)) != NULL; p++)
		if ((p == list || p[-1] == ' ') && (p[2] == ' ' ||
		    p[2] == '\0'))
			return 1;
	return 0;
}

static const char *
status_of(long long id)
{
	static char	 buf[16];
	struct qentry	 e;

	if (qentry_get(id, &e) != 1)
		return "?";
	snprintf(buf, sizeof(buf), "%s", qentry_status_names[e.status]);
	return buf;
}

static long long
version_of(long long id)
{
	struct qentry	 e;

	return qentry_get(id, &e) == 1 ? e.version : -1;
}

/* One move inside its own transaction, as the programs do. */
static int
move(struct req *r, enum qmover m, long long id, enum qstatus to)
{
	unsigned long	 before = qentry_table_checks;
	int		 rc;

	jo_reset(r);
	if (db_begin() != SQLITE_OK)
		return -1000;
	rc = qentry_move(r, m, id, to, 0, NULL);
	if (rc == 0)
		db_commit();
	else
		db_rollback();
	if (qentry_table_checks != before + 1)
		return -2000;	/* the table was not asked, or twice */
	return rc;
}

static const char *
error_code(struct req *r)
{
	const char	*t, *p;
	size_t		 n;
	static char	 text[512], code[32];

	if (!jo_text(r, &t, &n))
		return "";
	snprintf(text, sizeof(text), "%.*s", (int)n, t);	/* not NUL-ended */
	if ((p = strstr(text, "\"code\":\"")) == NULL)
		return "";
	snprintf(code, sizeof(code), "%s", p + 8);
	if ((p = strchr(code, '"')) != NULL)
		code[p - code] = '\0';
	return code;
}

int
main(void)
{
	char		 path[] = "qentryXXXXXX", day[11];
	struct req	 r;
	long long	 a = 0, b = 0, c = 0, v, ids[ND_NELEM(day_in)];
	size_t		 i;
	int		 m, from, to, bad = 0, jumps = 0, fd = mkstemp(path);

	close(fd);
	CHECK("database opens", db_open(path, 1));
	CHECK("every migration applies", unit_schema_apply_all() >= 7);
	CHECK("library statements prepare", db_prepare_all(NULL, 0, NULL) &&
	    auth_init() && audit_init() && qentry_init());
	CHECK("fixtures load", db_exec("INSERT INTO users (id, username, name, role,"
	    " password_hash, created_at, updated_at) VALUES (1, 'desk',"
	    " 'Desk', 'frontdesk', 'x', 'a', 'a');"
	    "INSERT INTO patients (id, clinic_no,"
	    " name, sex, age_years, created_at, updated_at) VALUES"
	    " (1, 1, 'A', 'M', 30, 'x', 'x'), (2, 2, 'B', 'F', 31, 'x', 'x'),"
	    " (3, 3, 'C', 'F', 32, 'x', 'x');"
	    "INSERT INTO patients (id, clinic_no, name, sex, age_years,"
	    " created_at, updated_at) WITH RECURSIVE n(v) AS (SELECT 4"
	    " UNION ALL SELECT v + 1 FROM n WHERE v < 12) SELECT v, v, 'P',"
	    " 'M', 40, 'x', 'x' FROM n") == SQLITE_OK);

	/* The table itself. */
	for (m = 0; m < QM__MAX; m++)
		for (from = 0; from < QS__MAX; from++)
			for (to = 0; to < QS__MAX; to++)
				if ((qentry_allowed(m, from, to) != 0) !=
				    allowed_in(expect[m], from, to))
					bad++;
	CHECK("each mover may make exactly its declared moves", bad == 0);
	for (m = 0; m < QM__MAX; m++)
		jumps += qentry_allowed(m, QS_WAITING, QS_DONE) != 0;
	CHECK("waiting→done is the finalize mover's alone", jumps == 1 &&
	    qentry_allowed(QM_VISIT_FINALIZE, QS_WAITING, QS_DONE) == 1);
	CHECK("a closed entry moves for no one",
	    !qentry_allowed(QM_DESK, QS_DONE, QS_WAITING) &&
	    !qentry_allowed(QM_VISIT_START, QS_CANCELLED, QS_IN_CONSULT) &&
	    !qentry_allowed(QM_VISIT_FINALIZE, QS_NO_SHOW, QS_DONE));

	/* Tokens. */
	req_init(&r);
	r.remote_addr = "127.0.0.1";
	r.user.id = 1;
	snprintf(r.user.username, sizeof(r.user.username), "desk");
	r.user.role = ROLE_FRONTDESK;
	db_today(day);
	CHECK("an add", db_begin() == SQLITE_OK && qentry_add(&r, day, 1,
	    NULL, QP_NORMAL, 0, "patient_id", &a) == 0 && db_commit() == SQLITE_OK);
	CHECK("a second add", db_begin() == SQLITE_OK && qentry_add(&r, day,
	    2, "x", QP_NORMAL, 0, "patient_id", &b) == 0 && db_commit() == SQLITE_OK);
	CHECK("a third add", db_begin() == SQLITE_OK && qentry_add(&r, day,
	    3, NULL, QP_NORMAL, 0, "patient_id", &c) == 0 && db_commit() == SQLITE_OK);
	CHECK("tokens 1, 2, 3 of the day", a > 0 && db_int_sql("SELECT"
	    " sum(token = id - (SELECT min(id) FROM queue) + 1) FROM queue",
	    0) == 3);
	jo_reset(&r);
	CHECK("the same patient again is 409 already_queued",
	    db_begin() == SQLITE_OK && qentry_add(&r, day, 1, NULL,
	    QP_NORMAL, 0, "patient_id", &v) == 409 &&
	    strcmp(error_code(&r), "already_queued") == 0);
	db_rollback();

	/* Every mover, through the table. */
	CHECK("desk waiting→done: 409 illegal_transition",
	    move(&r, QM_DESK, a, QS_DONE) == 409 &&
	    strcmp(error_code(&r), "illegal_transition") == 0 &&
	    strcmp(status_of(a), "waiting") == 0);
	CHECK("visit start waiting→in_consult", move(&r, QM_VISIT_START, a,
	    QS_IN_CONSULT) == 0 && strcmp(status_of(a), "in_consult") == 0);
	v = version_of(a);
	CHECK("visit start again: a stay, nothing written",
	    move(&r, QM_VISIT_START, a, QS_IN_CONSULT) == 0 &&
	    version_of(a) == v);
	CHECK("desk in_consult→waiting", move(&r, QM_DESK, a, QS_WAITING) == 0);
	CHECK("finalize waiting→done (declared)", move(&r, QM_VISIT_FINALIZE,
	    a, QS_DONE) == 0 && strcmp(status_of(a), "done") == 0);
	CHECK("visit start on a done entry: 409 queue_status",
	    move(&r, QM_VISIT_START, a, QS_IN_CONSULT) == 409 &&
	    strcmp(error_code(&r), "queue_status") == 0);
	CHECK("desk waiting→cancelled", move(&r, QM_DESK, b, QS_CANCELLED) == 0);
	v = version_of(b);
	CHECK("finalize on a cancelled entry: quiet, nothing written",
	    move(&r, QM_VISIT_FINALIZE, b, QS_DONE) == 0 &&
	    strcmp(status_of(b), "cancelled") == 0 && version_of(b) == v);
	CHECK("desk waiting→no_show", move(&r, QM_DESK, c, QS_NO_SHOW) == 0);
	CHECK("desk no_show→waiting: 409", move(&r, QM_DESK, c,
	    QS_WAITING) == 409);
	CHECK("each move audited", audit_import() >= 0 &&
	    db_int_sql("SELECT count(*) FROM audit WHERE action ="
	    " 'queue.status'", -1) == 5);

	/* The call order (another day, its own tokens). */
	bad = 0;
	for (i = 0; i < ND_NELEM(day_in); i++) {
		ids[i] = 0;
		if (db_begin() != SQLITE_OK || qentry_add(&r, "2031-05-05",
		    (long long)i + 4, NULL, qentry_priority_parse(
		    day_in[i].priority), 0, "patient_id", &ids[i]) != 0 ||
		    db_commit() != SQLITE_OK)
			bad++;
	}
	for (i = 0; i < ND_NELEM(day_in); i++) {
		if (day_in[i].postpone >= 0 && (db_begin() != SQLITE_OK ||
		    qentry_postpone(&r, ids[i], day_in[i].postpone, 0) != 0 ||
		    db_commit() != SQLITE_OK))
			bad++;
		if (day_in[i].to != QS_WAITING &&
		    move(&r, QM_DESK, ids[i], day_in[i].to) != 0)
			bad++;
	}
	CHECK("the day is added, postponed and moved", bad == 0);
	CHECK("call order: with the doctor, emergency, urgent, normal by "
	    "place, closed", strcmp(call_order("2031-05-05"), day_out) == 0);
	if (strcmp(call_order("2031-05-05"), day_out) != 0)
		printf("# got %s, want %s\n", call_order("2031-05-05"), day_out);
	CHECK("the tokens did not change", db_int_sql("SELECT count(*) FROM"
	    " queue WHERE day = '2031-05-05' AND token = id - (SELECT min(id)"
	    " FROM queue WHERE day = '2031-05-05') + 1", -1) == 9);
	jo_reset(&r);
	CHECK("a postponed cancelled entry: 409 not_waiting", db_begin() ==
	    SQLITE_OK && qentry_postpone(&r, ids[7], 0, 0) == 409 &&
	    strcmp(error_code(&r), "not_waiting") == 0);
	db_rollback();
	usleep(5000);	/* called_at is to the millisecond */
	jo_reset(&r);
	CHECK("a priority and the next", db_begin() == SQLITE_OK &&
	    qentry_set_priority(&r, ids[4], QP_URGENT, 0) == 0 &&
	    qentry_next(&r, "2031-05-05", &v) == 0 && v == ids[5] &&
	    db_commit() == SQLITE_OK);
	CHECK("the one called last leads", strcmp(call_order("2031-05-05"),
	    day_after) == 0);
	if (strcmp(call_order("2031-05-05"), day_after) != 0)
		printf("# got %s, want %s\n", call_order("2031-05-05"),
		    day_after);

	req_free(&r);
	qentry_fini();
	audit_fini();
	auth_fini();
	db_close();
	unit_db_remove(path);
	UNIT_END();
}
