/*
 * billing.c — the `billing` program: payments (receipts) and the daily
 * report.
 *
 * Receipt numbers run 1, 2, 3... for the life of the clinic without gaps
 * or duplicates: max + 1 inside BEGIN IMMEDIATE, so concurrent payments
 * are serialised by the write lock (and receipt_no is UNIQUE besides).
 * Money is integer paise; a payment is 1 paisa to 1,00,000 rupees.
 *
 * Days: payments and queue entries carry the clinic-local day the server
 * computed when they were written (`day`), so the report selects them by
 * that column.  Patients carry only created_at in UTC, so "new patients
 * of a day" is the UTC interval [local midnight, next local midnight) of
 * that day in settings.timezone, computed here with mktime() under the TZ
 * that db_today() installs.  That keeps the patients table as it is, is
 * exact across DST changes, and can use an index on created_at if one is
 * ever added.
 *
 * UPI: when the clinic has set its UPI address (settings.upi_vpa), a
 * receipt links to a QR code of the payment link for its amount,
 * upi://pay?pa=<upi_vpa>&pn=<clinic>&am=<rupees>&tn=<receipt no>, which any
 * UPI app scans; the server draws it as SVG with libqrencode (linked into
 * this program alone) and calls no outside service.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <qrencode.h>

#include "nd.h"

#define UPI_VPA	"nullif((SELECT value FROM settings WHERE key = 'upi_vpa'), '')"

/* The columns of one payment (receipt) as the API shows it (jo_row). */
#define PAYMENT_COLUMNS \
	"SELECT y.id, y.receipt_no, y.patient_id, y.visit_id, y.amount_paise," \
	" y.mode, y.note, y.day AS date, y.created_at," \
	" u.name AS received_by," \
	" p.id AS \"patient.id\", p.name AS \"patient.name\"," \
	" p.clinic_no AS \"patient.clinic_no\"," \
	" p.language AS \"patient.language\"," \
	" CASE WHEN " UPI_VPA " IS NOT NULL" \
	" THEN '/api/payments/' || y.id || '/upi-qr' END AS upi_qr_url" \
	" FROM payments y JOIN patients p ON p.id = y.patient_id" \
	" LEFT JOIN users u ON u.id = y.created_by"

enum stmt {
	STMT_GET,
	STMT_LIST,
	STMT_PATIENT_EXISTS,
	STMT_VISIT_PATIENT,
	STMT_ADD,
	STMT_DAILY,
	STMT_UPI,
	STMT__MAX
};
static const char *const sql[STMT__MAX] = {
	/* STMT_GET */
	PAYMENT_COLUMNS " WHERE y.id = ?1",
	/* STMT_LIST: the day's payments by receipt number */
	PAYMENT_COLUMNS " WHERE y.day = ?1 ORDER BY y.receipt_no",
	/* STMT_PATIENT_EXISTS */
	"SELECT 1 FROM patients WHERE id = ?1",
	/* STMT_VISIT_PATIENT */
	"SELECT patient_id FROM visits WHERE id = ?1",
	/* STMT_ADD: the next receipt number (under BEGIN IMMEDIATE) */
	"INSERT INTO payments (receipt_no, patient_id, visit_id, amount_paise,"
	" mode, note, day, created_at, created_by)"
	" SELECT coalesce(max(receipt_no), 0) + 1, ?1, ?2, ?3, ?4, ?5, ?6, ?7,"
	" ?8 FROM payments RETURNING id",
	/*
	 * STMT_DAILY: ?1 the day; ?2, ?3 its UTC bounds written
	 * YYYY-MM-DDTHH:MM:SS, without a zone suffix, so that created_at
	 * with or without fractional seconds compares right as text.
	 */
	"SELECT"
	" (SELECT count(*) FROM queue WHERE day = ?1 AND status = 'done')"
	"  AS patients_seen,"
	" (SELECT count(*) FROM patients WHERE created_at >= ?2"
	"  AND created_at < ?3) AS new_patients,"
	" (SELECT count(*) FROM queue WHERE day = ?1) AS tokens_issued,"
	" coalesce(sum(CASE mode WHEN 'cash' THEN amount_paise END), 0)"
	"  AS \"collections.cash\","
	" coalesce(sum(CASE mode WHEN 'upi' THEN amount_paise END), 0)"
	"  AS \"collections.upi\","
	" coalesce(sum(CASE mode WHEN 'card' THEN amount_paise END), 0)"
	"  AS \"collections.card\","
	" coalesce(sum(amount_paise), 0) AS \"collections.total\""
	" FROM payments WHERE day = ?1",
	/* STMT_UPI: what a payment's UPI link says */
	"SELECT y.receipt_no, y.amount_paise, y.patient_id, " UPI_VPA ","
	" (SELECT value FROM settings WHERE key = 'clinic_name')"
	" FROM payments y WHERE y.id = ?1",
};
/* As in every module with SQL (style.md 5): its own table, checked and prepared once. */
_Static_assert(ND_NELEM(sql) == STMT__MAX, "billing sql");
static sqlite3_stmt *st[STMT__MAX];

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
 * POST /api/payments {patient_id, visit_id?, amount_paise, mode, note?}:
 * 201 the receipt with the next receipt number.  404 (field patient_id)
 * for an unknown patient; 422 (field visit_id) for a visit that is not
 * this patient's.  Amounts are checked by the field table (422).
 */
static int
payment_add(struct req *r)
{
	char		 day[11], now[21];
	long long	 pid = 0, vid = 0, amount = 0, id = 0, owner;
	sqlite3_stmt	*s;
	int		 rc, has_visit;

	json_int(r->json, "patient_id", &pid);
	json_int(r->json, "amount_paise", &amount);
	has_visit = json_int(r->json, "visit_id", &vid);
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
	if ((rc = audit(r, "payment.create", "payment", id, pid)) != SQLITE_OK)
		return db_fail(r, rc);
	if (!payment_json(r, id, &pid))
		return db_fail(r, SQLITE_ERROR);
	if ((rc = db_commit()) != SQLITE_OK)
		return db_fail(r, rc);
	return 201;
}

/*
 * GET /api/payments/{id}: 200 the receipt (for a reprint), audited
 * "payment.read" with its patient; 404 when there is none.
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
 * payments:[...]} by receipt number.  A day's list is its own page, so it
 * takes no ?limit=.  422 for a bad date.  Audited "payment.list".
 */
static int
payment_list(struct req *r)
{
	char		 date[11];
	sqlite3_stmt	*s = st[STMT_LIST];
	int		 rc;

	if ((rc = req_query_date(r, "date", date)) != 0)
		return rc;
	if ((rc = audit(r, "payment.list", "payment", 0, 0)) != SQLITE_OK)
		return db_fail(r, rc);
	if ((rc = jo_day_rows(r, date, "payments", s)) != SQLITE_OK)
		return db_fail(r, rc);
	return 200;
}

/*
 * The UTC instants that bound clinic-local DATE (YYYY-MM-DD, valid) in
 * the time zone db_today() installed, into FROM and TO (20 bytes each) as
 * YYYY-MM-DDTHH:MM:SS.  Returns 1, or 0 if mktime() cannot say.
 */
static int
day_bounds_utc(const char *date, char *from, char *to)
{
	struct tm	 tm;
	time_t		 t;
	int		 y, m, d, i;

	if (sscanf(date, "%4d-%2d-%2d", &y, &m, &d) != 3)
		return 0;
	for (i = 0; i < 2; i++) {
		memset(&tm, 0, sizeof(tm));
		tm.tm_year = y - 1900;
		tm.tm_mon = m - 1;
		tm.tm_mday = d + i;	/* mktime() carries into the month */
		tm.tm_isdst = -1;
		if ((t = mktime(&tm)) == (time_t)-1)
			return 0;
		if (gmtime_r(&t, &tm) == NULL)
			return 0;
		strftime(i == 0 ? from : to, 20, "%Y-%m-%dT%H:%M:%S", &tm);
	}
	return 1;
}

/*
 * GET /api/reports/daily?date=YYYY-MM-DD (default today): 200 {date,
 * patients_seen, new_patients, tokens_issued, collections:{cash, upi,
 * card, total}} (paise).  patients_seen counts the day's queue entries
 * that are done; tokens_issued every token of the day, cancelled and
 * no-show included.  422 for a bad date.
 */
static int
report_daily(struct req *r)
{
	char		 date[11], today[11], from[20], to[20];
	sqlite3_stmt	*s = st[STMT_DAILY];
	int		 rc;

	db_today(today);	/* installs the clinic's TZ for mktime() */
	if ((rc = req_query_date(r, "date", date)) != 0)
		return rc;
	if (!day_bounds_utc(date, from, to))
		return http_error(r, 422, "invalid_parameter",
		    "This date cannot be reported on.", "date");
	db_bind_text(s, 1, date);
	db_bind_text(s, 2, from);
	db_bind_text(s, 3, to);
	if ((rc = db_step(s)) != SQLITE_ROW) {
		db_reset(s);
		return db_fail(r, rc);
	}
	jo_open(r);
	jo_str(r, "date", date);
	jo_row_fields(r, s);
	jo_close(r);
	db_reset(s);
	return 200;
}

#define AMOUNT_MAX	10000000LL		/* paise: 1,00,000 rupees */

static const struct field payment_fields[] = {
	{ "patient_id", FT_INT, F_REQUIRED, 1, ID_MAX, NULL, NULL, NULL },
	{ "visit_id", FT_INT, F_NULLABLE, 1, ID_MAX, NULL, NULL, NULL },
	{ "amount_paise", FT_INT, F_REQUIRED, 1, AMOUNT_MAX, NULL, NULL, NULL },
	{ "mode", FT_ENUM, F_REQUIRED, 0, 0, "cash,upi,card", NULL, NULL },
	{ "note", FT_STRING, F_NULLABLE, 0, 200, NULL, NULL, NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL },
};

/* Each program its own route table and main() (style.md 2): the same shape on purpose. */
static const struct route routes[] = {
	{ METHOD_POST, "/api/payments", R_CLINIC, payment_fields, payment_add,
	    0 },
	{ METHOD_GET, "/api/payments", R_CLINIC, NULL, payment_list, 0 },
	{ METHOD_GET, "/api/payments/{id}", R_CLINIC, NULL, payment_get, 0 },
	{ METHOD_GET, "/api/payments/{id}/upi-qr", R_CLINIC, NULL,
	    payment_upi_qr, 0 },
	{ METHOD_GET, "/api/reports/daily", R_CLINIC, NULL, report_daily, 0 },
};

int
main(int argc, char **argv)
{
	/* Its writes are short: one fsync may serve several (serve.c). */
	nd_group_commit = 1;
	return nd_main(argc, argv, "billing", routes, ND_NELEM(routes), sql,
	    STMT__MAX, st);
}
