/*
 * billing.c — the `billing` program: payments (receipts), itemised bills,
 * voids, the clinic's list of charges, and the reports of a day or of a
 * range of days (JSON or CSV).
 *
 * Receipt numbers run 1, 2, 3... for the life of the clinic without gaps
 * or duplicates: max + 1 inside BEGIN IMMEDIATE, so concurrent payments
 * are serialised by the write lock (and receipt_no is UNIQUE besides).
 * Money is integer paise; a payment is 1 paisa to 1,00,000 rupees.  A
 * payment is never changed: the admin voids a mistake with a reason, the
 * receipt keeps its number, and no report counts it (payment.h).
 *
 * Days: payments and queue entries carry the clinic-local day the server
 * computed when they were written (`day`), so the reports select them by
 * that column.  Patients carry only created_at in UTC, so "new patients
 * of a day" is the UTC interval [local midnight, next local midnight) of
 * that day in settings.timezone, computed here with mktime() under the TZ
 * that db_today() installs.  That keeps the patients table as it is and
 * is exact across DST changes.  A report of many days hands the days and
 * their bounds to one statement as a JSON array (json_each), so a year is
 * one query, not 366.
 *
 * UPI: when the clinic has set its UPI address (settings.upi_vpa), a
 * receipt that counts links to a QR code of the payment link for its
 * amount, upi://pay?pa=<upi_vpa>&pn=<clinic>&am=<rupees>&tn=<receipt no>,
 * which any UPI app scans; the server draws it as SVG with libqrencode
 * (linked into this program alone) and calls no outside service.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <qrencode.h>

#include "nd.h"
#include "csv.h"
#include "payment.h"

#define RANGE_DAYS_MAX	366	/* the longest report: a leap year */
#define CHARGES_MAX	40	/* the longest list of charges */
#define DAY_JSON	72	/* one day of the range's JSON, at most */

/* Who takes payments (never the admin), and who reads the money. */
#define R_TAKE		(R_DOCTOR | R_FRONTDESK)
#define R_MONEY		(R_ADMIN | R_DOCTOR | R_FRONTDESK)

#define UPI_VPA	"nullif((SELECT value FROM settings WHERE key = 'upi_vpa'), '')"

/*
 * The columns of one payment (receipt) as the API shows it (jo_row).
 * Its lines come in their order: the key of payment_items is (payment_id,
 * line) and the table is WITHOUT ROWID, so it is read in that order.
 */
#define PAYMENT_COLUMNS \
	"SELECT y.id, y.receipt_no, y.patient_id, y.visit_id, y.amount_paise," \
	" y.mode, y.note," \
	" (SELECT json_group_array(json_object('description', i.description," \
	"  'amount_paise', i.amount_paise)) FROM payment_items i" \
	"  WHERE i.payment_id = y.id) AS \"@items\"," \
	" CASE WHEN " PAYMENT_COUNTS_Y " THEN 'false' ELSE 'true' END" \
	"  AS \"@voided\"," \
	" y.voided_at, w.name AS voided_by, y.void_reason," \
	" y.day AS date, y.created_at," \
	" u.name AS received_by," \
	" p.id AS \"patient.id\", p.name AS \"patient.name\"," \
	" p.clinic_no AS \"patient.clinic_no\"," \
	" p.language AS \"patient.language\"," \
	" CASE WHEN " UPI_VPA " IS NOT NULL AND " PAYMENT_COUNTS_Y \
	" THEN '/api/payments/' || y.id || '/upi-qr' END AS upi_qr_url" \
	" FROM payments y JOIN patients p ON p.id = y.patient_id" \
	" LEFT JOIN users u ON u.id = y.created_by" \
	" LEFT JOIN users w ON w.id = y.voided_by"

/* The sums of one mode over the payments that count (alias y). */
#define MODE_SUM(m) \
	" coalesce(sum(CASE y.mode WHEN '" m "' THEN y.amount_paise END), 0)"

enum stmt {
	STMT_GET,
	STMT_LIST,
	STMT_PATIENT_EXISTS,
	STMT_VISIT_PATIENT,
	STMT_ADD,
	STMT_ITEM_ADD,
	STMT_VOID,
	STMT_VOID_STATE,
	STMT_RANGE,
	STMT_CHARGES,
	STMT_CHARGES_VERSION,
	STMT_CHARGES_BUMP,
	STMT_CHARGES_CLEAR,
	STMT_CHARGE_ADD,
	STMT_UPI,
	STMT__MAX
};
static const char *const sql[STMT__MAX] = {
	/* STMT_GET */
	PAYMENT_COLUMNS " WHERE y.id = ?1",
	/* STMT_LIST: the day's payments by receipt number, voided ones too */
	PAYMENT_COLUMNS " WHERE y.day = ?1 ORDER BY y.receipt_no",
	/* STMT_PATIENT_EXISTS */
	"SELECT 1 FROM patients WHERE id = ?1",
	/* STMT_VISIT_PATIENT */
	"SELECT patient_id FROM visits WHERE id = ?1",
	/* STMT_ADD: the next receipt number (under the write lock) */
	"INSERT INTO payments (receipt_no, patient_id, visit_id, amount_paise,"
	" mode, note, day, created_at, created_by)"
	" SELECT " PAYMENT_NEXT_RECEIPT ", ?1, ?2, ?3, ?4, ?5, ?6, ?7,"
	" ?8 FROM payments RETURNING id",
	/* STMT_ITEM_ADD: line ?2 of payment ?1 */
	"INSERT INTO payment_items (payment_id, line, description, amount_paise)"
	" VALUES (?1, ?2, ?3, ?4)",
	/* STMT_VOID: only a payment that still counts; answers its patient */
	"UPDATE payments SET voided_at = ?2, voided_by = ?3, void_reason = ?4"
	" WHERE id = ?1 AND " PAYMENT_COUNTS " RETURNING patient_id",
	/* STMT_VOID_STATE: 1 voided, 0 counts, no row: no such payment */
	"SELECT NOT " PAYMENT_COUNTS " FROM payments WHERE id = ?1",
	/*
	 * STMT_RANGE: ?1 the days as a JSON array of [date, lo, hi], where
	 * lo and hi bound the clinic-local day in UTC, written
	 * YYYY-MM-DDTHH:MM:SS without a zone suffix so that created_at with
	 * or without fractional seconds compares right as text; ?2 and ?3
	 * the first and last date.  One row a day, in order, empty days
	 * included.  patients_seen counts the day's done entries,
	 * tokens_issued all its tokens (cancelled and no-show included).
	 */
	"WITH d(n, date, lo, hi) AS (SELECT key, value ->> 0, value ->> 1,"
	"  value ->> 2 FROM json_each(?1)),"
	" q(day, tokens, seen) AS (SELECT day, count(*),"
	"  sum(status = 'done') FROM queue WHERE day BETWEEN ?2 AND ?3"
	"  GROUP BY day),"
	" m(day, cash, upi, card, total) AS (SELECT y.day," MODE_SUM("cash") ","
	  MODE_SUM("upi") "," MODE_SUM("card") ", sum(y.amount_paise)"
	"  FROM payments y WHERE y.day BETWEEN ?2 AND ?3"
	"  AND " PAYMENT_COUNTS_Y " GROUP BY y.day)"
	" SELECT d.date AS date, coalesce(q.seen, 0) AS patients_seen,"
	" (SELECT count(*) FROM patients WHERE created_at >= d.lo"
	"  AND created_at < d.hi) AS new_patients,"
	" coalesce(q.tokens, 0) AS tokens_issued,"
	" coalesce(m.cash, 0) AS \"collections.cash\","
	" coalesce(m.upi, 0) AS \"collections.upi\","
	" coalesce(m.card, 0) AS \"collections.card\","
	" coalesce(m.total, 0) AS \"collections.total\""
	" FROM d LEFT JOIN q ON q.day = d.date LEFT JOIN m ON m.day = d.date"
	" ORDER BY d.n",
	/* STMT_CHARGES: the list in its order */
	"SELECT description, amount_paise FROM charges ORDER BY pos",
	/* STMT_CHARGES_VERSION */
	"SELECT version FROM charges_list WHERE id = 1",
	/* STMT_CHARGES_BUMP: no row changed: a stale version */
	"UPDATE charges_list SET version = version + 1, updated_at = ?2,"
	" updated_by = ?3 WHERE id = 1 AND version = ?1",
	/* STMT_CHARGES_CLEAR */
	"DELETE FROM charges",
	/* STMT_CHARGE_ADD */
	"INSERT INTO charges (pos, description, amount_paise) VALUES (?1, ?2, ?3)",
	/* STMT_UPI: what a payment's UPI link says */
	"SELECT y.receipt_no, y.amount_paise, y.patient_id, " UPI_VPA ","
	" (SELECT value FROM settings WHERE key = 'clinic_name')"
	" FROM payments y WHERE y.id = ?1",
};
/* As in every module with SQL (style.md 5): its own table, checked and prepared once. */
_Static_assert(ND_NELEM(sql) == STMT__MAX, "billing sql");
static sqlite3_stmt *st[STMT__MAX];

/* Binds text S trimmed (the field tables have checked it is text). */
static void
bind_trimmed(sqlite3_stmt *s, int i, const char *v)
{
	size_t	 n;

	v = valid_trim(v, &n);
	db_bind_textn(s, i, v, n);
}

/*
 * Writes payment ID (one object) and sets *PID to its patient.
 * Returns 1, or 0 if there is none.
 */
/* jo_row_id() with the patient kept: the receipt's audit row needs it. */
static int
payment_json(struct req *r, long long id, long long *pid)
{
	sqlite3_stmt	*s = st[STMT_GET];
	int		 found = 0;

	db_bind_int(s, 1, id);
	if (db_step(s) == SQLITE_ROW) {
		*pid = sqlite3_column_int64(s, 2);
		jo_row(r, s);
		found = 1;
	}
	db_reset(s);
	return found;
}

/*
 * POST /api/payments {patient_id, visit_id?, amount_paise, mode, note?,
 * items?: [{description, amount_paise}]}: 201 the receipt with the next
 * receipt number, its lines in their order.  404 (field patient_id) for
 * an unknown patient; 422 (field visit_id) for a visit that is not this
 * patient's; 422 "items_total" (field items) when the lines do not add up
 * to amount_paise.  Amounts and lines are checked by the field tables
 * (422).  Audited "payment.create" with the patient.
 */
static int
payment_add(struct req *r)
{
	char		 day[11], now[21];
	long long	 pid = 0, vid = 0, amount = 0, id = 0, owner, v;
	yajl_val	 items = json_get(r->json, "items"), it;
	sqlite3_stmt	*s;
	size_t		 i;
	int		 rc, has_visit;

	json_int(r->json, "patient_id", &pid);
	json_int(r->json, "amount_paise", &amount);
	has_visit = json_int(r->json, "visit_id", &vid);
	if ((rc = payment_items_check(r, items, amount)) != 0)
		return rc;
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
	if (has_visit) {
		s = st[STMT_VISIT_PATIENT];
		db_bind_int(s, 1, vid);
		if ((owner = db_int1(s, 0)) != pid) {
			db_rollback();
			return http_error(r, 422, "invalid", owner == 0 ?
			    "There is no visit with this id." :
			    "This visit is another patient's.", "visit_id");
		}
	}
	s = st[STMT_ADD];
	db_bind_int(s, 1, pid);
	if (has_visit)
		db_bind_int(s, 2, vid);
	db_bind_int(s, 3, amount);
	db_bind_text(s, 4, json_str(r->json, "mode"));
	db_bind_text(s, 5, json_str(r->json, "note"));
	db_bind_text(s, 6, day);
	db_bind_text(s, 7, now);
	db_bind_int(s, 8, r->user.id);
	if ((rc = db_step(s)) == SQLITE_ROW)
		id = sqlite3_column_int64(s, 0);
	db_reset(s);
	if (id == 0)
		return db_fail(r, rc == SQLITE_DONE ? SQLITE_ERROR : rc);
	for (i = 0; items != NULL && YAJL_IS_ARRAY(items) &&
	    i < items->u.array.len; i++) {
		it = items->u.array.values[i];
		json_int(it, "amount_paise", &v);
		s = st[STMT_ITEM_ADD];
		db_bind_int(s, 1, id);
		db_bind_int(s, 2, (long long)i + 1);
		bind_trimmed(s, 3, json_str(it, "description"));
		db_bind_int(s, 4, v);
		if ((rc = db_run(s)) != SQLITE_OK)
			return db_fail(r, rc);
	}
	if ((rc = audit(r, "payment.create", "payment", id, pid)) != SQLITE_OK)
		return db_fail(r, rc);
	if (!payment_json(r, id, &pid))
		return db_fail(r, SQLITE_ERROR);
	if ((rc = db_commit()) != SQLITE_OK)
		return db_fail(r, rc);
	return 201;
}

/*
 * GET /api/payments/{id}: 200 the receipt (for a reprint), voided or
 * not, audited "payment.read" with its patient; 404 when there is none.
 */
/* Above, the end of every write (answer inside the transaction, then
 * commit, style of LAYOUT-NOTES): the same lines in each program. */
static int
payment_get(struct req *r)
{
	long long	 pid = 0;
	int		 rc;

	if (!payment_json(r, r->param[0], &pid))
		return http_error(r, 404, "not_found",
		    "There is no such payment.", NULL);
	if ((rc = audit(r, "payment.read", "payment", r->param[0], pid)) !=
	    SQLITE_OK)
		return db_fail(r, rc);
	return 200;
}

/*
 * The UPI link paying AMOUNT paise to VPA (CLINIC, the payee's name) for
 * receipt RECEIPT, into OUT of SIZE bytes, each value percent-encoded.
 * Returns 1, or 0 when it does not fit.
 */
static int
upi_link(char *out, size_t size, const char *vpa, const char *clinic,
    long long amount, long long receipt)
{
	char	 pa[3 * 100 + 1], pn[3 * 400 + 1];
	int	 n;

	/* "@" may stand in a query as it is, and UPI apps expect it so. */
	if (url_encode(vpa, pa, sizeof(pa), "@") < 0 ||
	    url_encode(clinic, pn, sizeof(pn), NULL) < 0)
		return 0;
	n = snprintf(out, size, "upi://pay?pa=%s&pn=%s&am=%lld.%02lld&tn=%lld",
	    pa, pn, amount / 100, amount % 100, receipt);
	return n > 0 && (size_t)n < size;
}

/*
 * QR code Q as SVG (a white square with a quiet zone of 4 modules, one
 * path of black runs) into R's raw answer.  Returns 1, or 0 out of memory.
 */
static int
qr_svg(struct req *r, const QRcode *q)
{
	char		*buf;
	size_t		 cap, len = 0;
	int		 x, y, run, n, w = q->width, side = q->width + 8;

	/* A run at most every other module, each under 32 bytes. */
	cap = 512 + (size_t)w * (size_t)w * 16;
	if ((buf = malloc(cap)) == NULL)
		return 0;
	/* 6 px a module unless the page sizes it (the receipt does). */
	n = snprintf(buf, cap, "<svg xmlns=\"http://www.w3.org/2000/svg\""
	    " viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\""
	    " shape-rendering=\"crispEdges\">"
	    "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>"
	    "<path fill=\"#000\" d=\"", side, side, side * 6, side * 6, side,
	    side);
	len = (size_t)n;
	for (y = 0; y < w; y++)
		for (x = 0; x < w; x += run) {
			for (run = 0; x + run < w &&
			    (q->data[y * w + x + run] & 1); run++)
				;
			if (run == 0) {
				run = 1;
				continue;
			}
			len += (size_t)snprintf(buf + len, cap - len,
			    "M%d %dh%dv1h-%dz", x + 4, y + 4, run, run);
		}
	len += (size_t)snprintf(buf + len, cap - len, "\"/></svg>\n");
	if (len >= cap) {
		free(buf);
		return 0;
	}
	free(r->out);
	r->out = buf;
	r->out_len = len;
	r->raw = 1;
	r->out_type = "image/svg+xml";
	return 1;
}

/*
 * GET /api/payments/{id}/upi-qr: 200 image/svg+xml, the QR code of the
 * UPI link paying this receipt's amount to the clinic; 404 "not_found";
 * 404 "no_upi" when the clinic has set no UPI address.  Audited
 * "payment.read".
 */
static int
payment_upi_qr(struct req *r)
{
	sqlite3_stmt	*s = st[STMT_UPI];
	char		 vpa[128] = "", clinic[512] = "", link[2048];
	long long	 receipt = 0, amount = 0, pid = 0;
	QRcode		*q;
	int		 rc, found = 0;

	db_bind_int(s, 1, r->param[0]);
	if ((rc = db_step(s)) == SQLITE_ROW) {
		found = 1;
		receipt = sqlite3_column_int64(s, 0);
		amount = sqlite3_column_int64(s, 1);
		pid = sqlite3_column_int64(s, 2);
		if (sqlite3_column_text(s, 3) != NULL)
			snprintf(vpa, sizeof(vpa), "%s",
			    (const char *)sqlite3_column_text(s, 3));
		if (sqlite3_column_text(s, 4) != NULL)
			snprintf(clinic, sizeof(clinic), "%s",
			    (const char *)sqlite3_column_text(s, 4));
	}
	db_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(r, rc);
	if (!found)
		return http_error(r, 404, "not_found",
		    "There is no such payment.", NULL);
	if (vpa[0] == '\0')
		return http_error(r, 404, "no_upi", "The clinic has no UPI ID "
		    "yet. An admin can set it in Settings.", NULL);
	if (!upi_link(link, sizeof(link), vpa, clinic, amount, receipt))
		return http_error(r, 500, "internal",
		    "The UPI link is too long.", NULL);
	if ((rc = audit(r, "payment.read", "payment", r->param[0], pid)) !=
	    SQLITE_OK)
		return db_fail(r, rc);
	/* Medium correction: still scans from a creased receipt. */
	if ((q = QRcode_encodeString(link, 0, QR_ECLEVEL_M, QR_MODE_8, 1)) ==
	    NULL)
		return http_error(r, 500, "internal",
		    "The QR code could not be made.", NULL);
	rc = qr_svg(r, q);
	QRcode_free(q);
	if (!rc)
		return http_error(r, 503, "busy",
		    "The server is short of memory. Please try again.", NULL);
	req_header(r, "Cache-Control", "private, no-cache");
	return 200;
}

/*
 * GET /api/payments?date=YYYY-MM-DD (default today): 200 {date,
 * payments:[...]} by receipt number, voided ones included (voided: true).
 * A day's list is its own page, so it takes no ?limit=.  422 for a bad
 * date.  Audited "payment.list", one row with the query and the ids of
 * the patients named (audit_list()).
 */
static int
payment_list(struct req *r)
{
	char		 date[11];
	sqlite3_stmt	*s = st[STMT_LIST];
	int		 rc;

	if ((rc = req_query_date(r, "date", date)) != 0)
		return rc;
	audit_listing(r);
	if ((rc = jo_day_rows(r, date, "payments", s)) != SQLITE_OK)
		return db_fail(r, rc);
	if ((rc = audit_list(r, "payment.list", "payment")) != SQLITE_OK)
		return db_fail(r, rc);
	return 200;
}

/*
 * POST /api/payments/{id}/void {reason} (admin): 200 the payment, now
 * voided (voided_at, voided_by, void_reason); it keeps its receipt number
 * and no report counts it.  404 when there is none; 409 "already_voided".
 * Audited "payment.void" with the patient; the reason stays on the
 * payment, which can no longer change.
 */
static int
payment_void(struct req *r)
{
	char		 now[21];
	long long	 id = r->param[0], pid = 0, state;
	sqlite3_stmt	*s = st[STMT_VOID];
	int		 rc;

	db_now(now);
	if ((rc = db_begin()) != SQLITE_OK)
		return db_fail(r, rc);
	db_bind_int(s, 1, id);
	db_bind_text(s, 2, now);
	db_bind_int(s, 3, r->user.id);
	bind_trimmed(s, 4, json_str(r->json, "reason"));
	if ((rc = db_step(s)) == SQLITE_ROW)
		pid = sqlite3_column_int64(s, 0);
	db_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(r, rc);
	if (pid == 0) {
		s = st[STMT_VOID_STATE];
		db_bind_int(s, 1, id);
		state = db_int1(s, -1);
		db_rollback();
		if (state < 0)
			return http_error(r, 404, "not_found",
			    "There is no such payment.", NULL);
		return http_error(r, 409, "already_voided",
		    "This receipt was voided already.", NULL);
	}
	if ((rc = audit(r, "payment.void", "payment", id, pid)) != SQLITE_OK)
		return db_fail(r, rc);
	if (!payment_json(r, id, &pid))
		return db_fail(r, SQLITE_ERROR);
	if ((rc = db_commit()) != SQLITE_OK)
		return db_fail(r, rc);
	return 200;
}

/* --- reports ------------------------------------------------------- */

/*
 * The UTC instant of clinic-local midnight starting day Y-M-D (D may run
 * past the month: mktime() carries it) in the time zone db_today()
 * installed, into OUT (20 bytes) as YYYY-MM-DDTHH:MM:SS, and that day's
 * own date into DATE (11 bytes) unless NULL.  Returns 1, or 0 if mktime()
 * cannot say.
 */
static int
local_midnight(int y, int m, int d, char *out, char *date)
{
	struct tm	 tm;
	time_t		 t;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_hour = 12;	/* noon is never skipped by a DST change */
	tm.tm_isdst = -1;
	if (mktime(&tm) == (time_t)-1)
		return 0;
	if (date != NULL)
		strftime(date, 11, "%Y-%m-%d", &tm);
	tm.tm_hour = 0;
	tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	if ((t = mktime(&tm)) == (time_t)-1 || gmtime_r(&t, &tm) == NULL)
		return 0;
	strftime(out, 20, "%Y-%m-%dT%H:%M:%S", &tm);
	return 1;
}

/* Noon UTC of DATE (YYYY-MM-DD, valid): a calendar day, free of zones. */
static time_t
noon_of(const char *date)
{
	struct tm	 tm;

	memset(&tm, 0, sizeof(tm));
	sscanf(date, "%4d-%2d-%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday);
	tm.tm_year -= 1900;
	tm.tm_mon--;
	tm.tm_hour = 12;
	return timegm(&tm);
}

/* The number of days from the date FROM to the date TO (valid): TO - FROM. */
static long
days_between(const char *from, const char *to)
{
	return (long)((noon_of(to) - noon_of(from)) / 86400);
}

/* The date N days after DATE (valid) into OUT (11 bytes). */
static void
date_add(const char *date, long n, char *out)
{
	struct tm	 tm;
	time_t		 t = noon_of(date) + (time_t)n * 86400;

	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

/* The figures of a report: a day's row, or the totals of many. */
struct figures {
	long long	 seen, fresh, tokens, cash, upi, card, total;
};

/*
 * Binds the days FROM..TO (valid dates, at most RANGE_DAYS_MAX) to
 * STMT_RANGE and returns it, or NULL if mktime() cannot place a day.
 * BUF holds the JSON of the days until the statement is reset.
 */
static sqlite3_stmt *
range_bind(const char *from, const char *to, char *buf, size_t size)
{
	sqlite3_stmt	*s = st[STMT_RANGE];
	char		 date[11], lo[20], hi[20];
	long		 n = days_between(from, to), i;
	size_t		 len = 0;
	int		 y, m, d, k;

	if (sscanf(from, "%4d-%2d-%2d", &y, &m, &d) != 3)
		return NULL;
	buf[len++] = '[';
	for (i = 0; i <= n; i++) {
		if (!local_midnight(y, m, d + (int)i, lo, date) ||
		    !local_midnight(y, m, d + (int)i + 1, hi, NULL))
			return NULL;
		k = snprintf(buf + len, size - len, "%s[\"%s\",\"%s\",\"%s\"]",
		    i > 0 ? "," : "", date, lo, hi);
		if (k < 0 || (size_t)k >= size - len)
			return NULL;
		len += (size_t)k;
	}
	if (len + 2 > size)
		return NULL;
	buf[len++] = ']';
	buf[len] = '\0';
	db_bind_textn(s, 1, buf, len);
	db_bind_text(s, 2, from);
	db_bind_text(s, 3, to);
	return s;
}

/* Adds the row S of STMT_RANGE to the totals F. */
static void
figures_add(struct figures *f, sqlite3_stmt *s)
{
	f->seen += sqlite3_column_int64(s, 1);
	f->fresh += sqlite3_column_int64(s, 2);
	f->tokens += sqlite3_column_int64(s, 3);
	f->cash += sqlite3_column_int64(s, 4);
	f->upi += sqlite3_column_int64(s, 5);
	f->card += sqlite3_column_int64(s, 6);
	f->total += sqlite3_column_int64(s, 7);
}

/*
 * GET /api/reports/daily?date=YYYY-MM-DD (default today): 200 {date,
 * patients_seen, new_patients, tokens_issued, collections:{cash, upi,
 * card, total}} (paise), the range report of that one day.  Voided
 * payments are not counted.  422 for a bad date.
 */
static int
report_daily(struct req *r)
{
	char		 date[11], today[11], days[DAY_JSON + 8];
	sqlite3_stmt	*s;
	int		 rc;

	db_today(today);	/* installs the clinic's TZ for mktime() */
	if ((rc = req_query_date(r, "date", date)) != 0)
		return rc;
	if ((s = range_bind(date, date, days, sizeof(days))) == NULL)
		return http_error(r, 422, "invalid_parameter",
		    "This date cannot be reported on.", "date");
	if ((rc = db_step(s)) != SQLITE_ROW) {
		db_reset(s);
		return db_fail(r, rc == SQLITE_DONE ? SQLITE_ERROR : rc);
	}
	jo_row(r, s);
	db_reset(s);
	return 200;
}

/*
 * The days of the bound STMT_RANGE S as CSV into R's raw answer (csv.c):
 * UTF-8 with a byte-order mark (so a spreadsheet reads it as UTF-8), a
 * header row, one row a day, money in rupees.  Returns 200, or
 * db_fail/503.
 */
static int
range_csv(struct req *r, sqlite3_stmt *s, const char *from, const char *to)
{
	static const char *const head[] = { "date", "patients_seen",
	    "new_patients", "tokens_issued", "cash_rupees", "upi_rupees",
	    "card_rupees", "total_rupees" };
	struct csv	 c = CSV_INIT;
	char		 file[64];
	size_t		 i;
	int		 rc;

	csv_bom(&c);
	for (i = 0; i < ND_NELEM(head); i++)
		csv_bare(&c, head[i]);
	csv_end(&c);
	while ((rc = db_step(s)) == SQLITE_ROW && c.ok) {
		/* the day is a YYYY-MM-DD the statement made */
		csv_bare(&c, (const char *)sqlite3_column_text(s, 0));
		for (i = 1; i <= 3; i++)
			csv_int(&c, sqlite3_column_int64(s, (int)i));
		for (i = 4; i <= 7; i++)
			csv_rupees(&c, sqlite3_column_int64(s, (int)i));
		csv_end(&c);
	}
	db_reset(s);
	snprintf(file, sizeof(file), "nalamdesk-report-%s-to-%s.csv", from, to);
	return req_csv(r, &c, rc, file,
	    "The server is short of memory. Please try again.");
}

/*
 * GET /api/reports/range?from=&to=[&format=csv]: the daily report of every
 * day from..to (both included; to defaults to today, from to 29 days
 * before to), at most RANGE_DAYS_MAX days: 200 {from, to, days:[{date,
 * patients_seen, new_patients, tokens_issued, collections:{cash, upi,
 * card, total}}], totals:{the same but date}}; with format=csv, text/csv
 * (see range_csv).  422 (invalid_parameter) for a bad date, a from after
 * to, or a format other than json/csv; 422 "range_too_long" past 366
 * days.  Voided payments are not counted.
 */
static int
report_range(struct req *r)
{
	char		 from[11], to[11], today[11], fmt[16];
	char		*days = NULL;
	size_t		 size = (size_t)(RANGE_DAYS_MAX + 1) * DAY_JSON + 8;
	struct figures	 f;
	sqlite3_stmt	*s;
	long		 n;
	int		 rc, csv = 0;

	db_today(today);	/* installs the clinic's TZ for mktime() */
	if ((rc = req_query_date(r, "to", to)) != 0)
		return rc;
	if ((rc = req_query(r, "from", fmt, sizeof(fmt))) == 0 ||
	    (rc == 1 && fmt[0] == '\0'))
		date_add(to, -29, from);
	else if ((rc = req_query_date(r, "from", from)) != 0)
		return rc;
	if ((rc = req_query(r, "format", fmt, sizeof(fmt))) < 0 ||
	    (rc == 1 && fmt[0] != '\0' && strcmp(fmt, "json") != 0 &&
	    !(csv = strcmp(fmt, "csv") == 0)))
		return http_error(r, 422, "invalid_parameter",
		    "format is json or csv.", "format");
	if ((n = days_between(from, to)) < 0)
		return http_error(r, 422, "invalid_parameter",
		    "The range ends before it begins.", "to");
	if (n >= RANGE_DAYS_MAX)
		return http_errorf(r, 422, "range_too_long", "to",
		    "A report covers at most %d days; this range has %ld.",
		    RANGE_DAYS_MAX, n + 1);
	if ((days = malloc(size)) == NULL)
		return http_error(r, 503, "busy",
		    "The server is short of memory. Please try again.", NULL);
	if ((s = range_bind(from, to, days, size)) == NULL) {
		free(days);
		return http_error(r, 422, "invalid_parameter",
		    "These dates cannot be reported on.", "from");
	}
	if (csv) {
		rc = range_csv(r, s, from, to);
		free(days);
		return rc;
	}
	memset(&f, 0, sizeof(f));
	jo_open(r);
	jo_str(r, "from", from);
	jo_str(r, "to", to);
	jo_arr(r, "days");
	while ((rc = db_step(s)) == SQLITE_ROW) {
		jo_row(r, s);
		figures_add(&f, s);
	}
	db_reset(s);
	free(days);
	if (rc != SQLITE_DONE)
		return db_fail(r, rc);
	jo_arr_close(r);
	jo_obj(r, "totals");
	jo_int(r, "patients_seen", f.seen);
	jo_int(r, "new_patients", f.fresh);
	jo_int(r, "tokens_issued", f.tokens);
	jo_obj(r, "collections");
	jo_int(r, "cash", f.cash);
	jo_int(r, "upi", f.upi);
	jo_int(r, "card", f.card);
	jo_int(r, "total", f.total);
	jo_obj_close(r);
	jo_obj_close(r);
	jo_close(r);
	return 200;
}

/* --- the clinic's charges ----------------------------------------- */

/* Writes {version, charges:[{description, amount_paise}]}.  Returns 200. */
static int
charges_answer(struct req *r)
{
	int	 rc;

	jo_open(r);
	jo_int(r, "version", db_int1(st[STMT_CHARGES_VERSION], 1));
	if ((rc = jo_rows(r, "charges", st[STMT_CHARGES])) != SQLITE_OK)
		return db_fail(r, rc);
	jo_close(r);
	return 200;
}

/*
 * GET /api/charges: 200 {version, charges:[{description, amount_paise}]},
 * the clinic's own charges in their order (amount 0: the desk types it).
 */
static int
charges_get(struct req *r)
{
	return charges_answer(r);
}

/* One charge of PUT /api/charges. */
static const struct field charge_fields[] = {
	{ "description", FT_STRING, F_REQUIRED, 1, 60, NULL, NULL, NULL },
	{ "amount_paise", FT_INT, F_REQUIRED, 0, PAYMENT_AMOUNT_MAX, NULL, NULL,
	    NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL },
};

/*
 * PUT /api/charges {version, charges:[{description, amount_paise}]}
 * (admin): replaces the whole list, in the order given: 200 the list.
 * 409 "stale_version"; 422 naming the charge's field, or "duplicate"
 * when two descriptions are the same (ignoring case).  Audited
 * "charges.update".  Receipts already taken keep their lines' text.
 */
static int
charges_put(struct req *r)
{
	yajl_val	 list = json_get(r->json, "charges"), it;
	const char	*a, *b;
	char		 path[48], now[21];
	long long	 version = 0, v;
	size_t		 i, j, na, nb;
	sqlite3_stmt	*s;
	int		 rc;

	for (i = 0; i < list->u.array.len; i++) {
		snprintf(path, sizeof(path), "charges[%zu]", i);
		if ((rc = valid_object(r, list->u.array.values[i],
		    charge_fields, path)) != 0)
			return rc;
		a = valid_trim(json_str(list->u.array.values[i], "description"), &na);
		for (j = 0; j < i; j++) {
			b = valid_trim(json_str(list->u.array.values[j],
			    "description"), &nb);
			if (na == nb && strncasecmp(a, b, na) == 0) {
				snprintf(path, sizeof(path),
				    "charges[%zu].description", i);
				return http_error(r, 422, "duplicate",
				    "This charge is in the list twice.", path);
			}
		}
	}
	json_int(r->json, "version", &version);
	db_now(now);
	if ((rc = db_begin()) != SQLITE_OK)
		return db_fail(r, rc);
	s = st[STMT_CHARGES_BUMP];
	db_bind_int(s, 1, version);
	db_bind_text(s, 2, now);
	db_bind_int(s, 3, r->user.id);
	if ((rc = db_run(s)) != SQLITE_OK)
		return db_fail(r, rc);
	if (sqlite3_changes(db) == 0) {
		db_rollback();
		return http_error(r, 409, "stale_version", "Someone else "
		    "changed the charges since you read them. Reload and try "
		    "again.", "version");
	}
	if ((rc = db_run(st[STMT_CHARGES_CLEAR])) != SQLITE_OK)
		return db_fail(r, rc);
	for (i = 0; i < list->u.array.len; i++) {
		it = list->u.array.values[i];
		json_int(it, "amount_paise", &v);
		s = st[STMT_CHARGE_ADD];
		db_bind_int(s, 1, (long long)i + 1);
		bind_trimmed(s, 2, json_str(it, "description"));
		db_bind_int(s, 3, v);
		if ((rc = db_run(s)) != SQLITE_OK)
			return db_fail(r, rc);
	}
	if ((rc = audit(r, "charges.update", "charges", 0, 0)) != SQLITE_OK)
		return db_fail(r, rc);
	if ((rc = charges_answer(r)) != 200)
		return rc;
	if ((rc = db_commit()) != SQLITE_OK)
		return db_fail(r, rc);
	return 200;
}

static const struct field payment_fields[] = {
	{ "patient_id", FT_INT, F_REQUIRED, 1, ID_MAX, NULL, NULL, NULL },
	{ "visit_id", FT_INT, F_NULLABLE, 1, ID_MAX, NULL, NULL, NULL },
	{ "amount_paise", FT_INT, F_REQUIRED, 1, PAYMENT_AMOUNT_MAX, NULL, NULL,
	    NULL },
	{ "mode", FT_ENUM, F_REQUIRED, 0, 0, PAYMENT_MODES, NULL, NULL },
	{ "note", FT_STRING, F_NULLABLE, 0, 200, NULL, NULL, NULL },
	{ "items", FT_ARRAY, F_NULLABLE, 0, PAYMENT_ITEMS_MAX, NULL, NULL,
	    NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL },
};

static const struct field void_fields[] = {
	{ "reason", FT_STRING, F_REQUIRED, 1, 200, NULL, NULL, NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL },
};

static const struct field charges_fields[] = {
	{ "version", FT_INT, F_REQUIRED, 1, ID_MAX, NULL, NULL, NULL },
	{ "charges", FT_ARRAY, F_REQUIRED, 0, CHARGES_MAX, NULL, NULL, NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL },
};

/* Each program its own route table and main() (style.md 2): the same shape on purpose. */
static const struct route routes[] = {
	{ METHOD_POST, "/api/payments", R_TAKE, payment_fields, payment_add,
	    0 },
	{ METHOD_GET, "/api/payments", R_MONEY, NULL, payment_list, 0 },
	{ METHOD_GET, "/api/payments/{id}", R_MONEY, NULL, payment_get, 0 },
	{ METHOD_GET, "/api/payments/{id}/upi-qr", R_MONEY, NULL,
	    payment_upi_qr, 0 },
	{ METHOD_POST, "/api/payments/{id}/void", R_ADMIN, void_fields,
	    payment_void, 0 },
	{ METHOD_GET, "/api/reports/daily", R_MONEY, NULL, report_daily, 0 },
	{ METHOD_GET, "/api/reports/range", R_MONEY, NULL, report_range, 0 },
	{ METHOD_GET, "/api/charges", R_MONEY, NULL, charges_get, 0 },
	{ METHOD_PUT, "/api/charges", R_ADMIN, charges_fields, charges_put, 0 },
};

int
main(int argc, char **argv)
{
	/* Its writes are short: one fsync may serve several (serve.c). */
	nd_group_commit = 1;
	return nd_main(argc, argv, "billing", routes, ND_NELEM(routes), sql,
	    STMT__MAX, st);
}
