/*
 * import.c — `nalamdesk-admin import-nalamdesk [--dry-run] FILE.db`: the
 * Electron NalamDesk's database moved into this server's, in one
 * transaction, so that it lands whole or not at all.
 *
 * What goes where (the old app's tables as its migrations made them):
 *   patients   → patients: name (a placeholder when empty), gender (m, male,
 *                ஆண், ... ; anything else becomes "other"), dob (YYYY-MM-DD
 *                or DD/MM/YYYY), age (as typed, "45 yrs") with the day it
 *                was given (its registration day), mobile, address with
 *                street, city, state and PIN; blood group, e-mail, the
 *                emergency contact and the insurance, which have no column
 *                here, go into the front-desk notes.  New clinic numbers
 *                follow the file's ids in order.
 *   visits     → finalized visits on the clinic-local day of their UTC time
 *                (the old app wrote UTC without a zone: 18:45 UTC is the
 *                next morning in India): symptoms as the complaint,
 *                examination notes as notes, the diagnosis, the last
 *                vitals row of the visit, and prescription_json as
 *                prescription lines; amount_paid becomes a cash payment
 *                with its own receipt number.
 *   users      → accounts, deactivated and without a password (the old
 *                hashes are never copied): an admin sets one to open each.
 *   settings   → the clinic's and the doctor's name, where not yet set.
 * Every imported row keeps its old id (old_id) and the import's id.  What
 * could not be brought, and why, is printed; so is what was changed on
 * the way.  A file whose SHA-256 was imported before is refused (exit 3)
 * and nothing changes; so is another copy of a database already imported
 * (its first patients, by old id and registration time, are here).  The old app's encrypted database (SQLite3
 * Multiple Ciphers) is refused with the way to an unencrypted copy: no
 * Debian library reads that format (see import_encrypted()).
 */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "nd.h"
#include "payment.h"
#include "users.h"
#include "legacy.h"
#include "pkey.h"
#include "text.h"
#include "vitals.h"
#include "tool.h"

#define LINES_SHOWN	100	/* detail lines per section before "and N more" */
#define NOTES_MAX	4000	/* bytes of a patient's or a visit's notes */
#define RAW_RX_MAX	2000	/* bytes of unreadable prescription_json kept */
#define TEXT_MAX	16384	/* bytes of any one text kept (cut at a character) */
#define NAME_CHARS	100	/* a name's characters, as the API allows */

/* This database's statements. */
enum stmt {
	STMT_SEEN,
	STMT_SEEN_PATIENT,
	STMT_IMPORT_ADD,
	STMT_IMPORT_SUMMARY,
	STMT_PATIENT_ADD,
	STMT_PATIENT_OF,
	STMT_VISIT_ADD,
	STMT_VISIT_FINAL,
	STMT_DIAGNOSIS_ADD,
	STMT_LINE_ADD,
	STMT_PAYMENT_ADD,
	STMT_SETTING_SET,
	STMT_SETTINGS_VERSION,
	STMT__MAX
};
static const char *const sql[STMT__MAX] = {
	/* STMT_SEEN */
	"SELECT id, imported_at FROM imports WHERE file_sha256 = ?1",
	/* STMT_SEEN_PATIENT: an old patient an earlier import brought */
	"SELECT i.id, i.imported_at FROM patients p"
	" JOIN imports i ON i.id = p.import_id"
	" WHERE p.old_id = ?1 AND p.created_at = ?2 LIMIT 1",
	/* STMT_IMPORT_ADD */
	"INSERT INTO imports (source, file_name, file_sha256, imported_at)"
	" VALUES ('nalamdesk-electron', ?1, ?2, ?3) RETURNING id",
	/* STMT_IMPORT_SUMMARY */
	"UPDATE imports SET summary = ?2 WHERE id = ?1",
	/* STMT_PATIENT_ADD: the next clinic number, under the write lock */
	"INSERT INTO patients (clinic_no, name, sex, dob, age_years, age_on,"
	" phone, address, notes, created_at, updated_at, import_id, old_id)"
	" SELECT coalesce(max(clinic_no), 0) + 1, ?1, ?2, ?3, ?4, ?5, ?6, ?7,"
	" ?8, ?9, ?9, ?10, ?11 FROM patients RETURNING id",
	/* STMT_PATIENT_OF */
	"SELECT id FROM patients WHERE import_id = ?1 AND old_id = ?2",
	/* STMT_VISIT_ADD: a draft until its lines are in (002's triggers) */
	"INSERT INTO visits (patient_id, doctor_id, day, status, complaint,"
	" notes, bp_systolic, bp_diastolic, pulse, temperature_c, weight_kg,"
	" height_cm, spo2, created_at, updated_at, finalized_at, import_id,"
	" old_id) VALUES (?1, ?2, ?3, 'draft', ?4, ?5, ?6, ?7, ?8, ?9, ?10,"
	" ?11, ?12, ?13, ?13, ?13, ?14, ?15) RETURNING id",
	/* STMT_VISIT_FINAL */
	"UPDATE visits SET status = 'final' WHERE id = ?1",
	/* STMT_DIAGNOSIS_ADD */
	"INSERT INTO visit_diagnoses (visit_id, pos, text) VALUES (?1, ?2, ?3)",
	/* STMT_LINE_ADD */
	"INSERT INTO prescriptions (visit_id, pos, medicine, strength, form,"
	" dose, timing, duration_days, instructions)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
	/* STMT_PAYMENT_ADD: the next receipt number, under the write lock */
	"INSERT INTO payments (receipt_no, patient_id, visit_id, amount_paise,"
	" mode, note, day, created_at, import_id, old_id)"
	" SELECT " PAYMENT_NEXT_RECEIPT ", ?1, ?2, ?3, 'cash', ?4, ?5,"
	" ?6, ?7, ?8 FROM payments",
	/* STMT_SETTING_SET: only a setting still at its first value */
	"UPDATE settings SET value = ?2 WHERE key = ?1 AND (value = ''"
	" OR (key = 'clinic_name' AND value = 'NalamDesk Clinic'))",
	/* STMT_SETTINGS_VERSION */
	"UPDATE settings SET value = CAST(value AS INTEGER) + 1"
	" WHERE key = 'version'",
};
/* As in every module with SQL (style.md 5): its own table, checked and prepared once. */
_Static_assert(ND_NELEM(sql) == STMT__MAX, "import sql");
static sqlite3_stmt *st[STMT__MAX];

/* The old file's tables and the columns read of each, in this order. */
enum { P_ID, P_NAME, P_MOBILE, P_AGE, P_GENDER, P_ADDRESS, P_CREATED,
	P_DOB, P_BLOOD, P_EMAIL, P_EC_NAME, P_EC_MOBILE, P_STREET, P_CITY,
	P_STATE, P_ZIP, P_INSURANCE, P_POLICY, P__MAX };
static const char *const pcols[P__MAX] = { "id", "name", "mobile", "age",
	"gender", "address", "created_at", "dob", "blood_group", "email",
	"emergency_contact_name", "emergency_contact_mobile", "street", "city",
	"state", "zip_code", "insurance_provider", "policy_number" };
enum { OV_ID, OV_PATIENT, OV_DOCTOR, OV_DATE, OV_DIAGNOSIS, OV_RX, OV_AMOUNT,
	OV_SYMPTOMS, OV_EXAM, OV_DTYPE, OV__MAX };
static const char *const vcols[OV__MAX] = { "id", "patient_id", "doctor_id",
	"date", "diagnosis", "prescription_json", "amount_paid", "symptoms",
	"examination_notes", "diagnosis_type" };
enum { T_HEIGHT, T_WEIGHT, T_TEMP, T_SYS, T_DIA, T_PULSE, T_SPO2, T_BMI,
	T_RESP, T__MAX };
static const char *const tcols[T__MAX] = { "height", "weight",
	"temperature", "systolic_bp", "diastolic_bp", "pulse", "spo2", "bmi",
	"respiratory_rate" };
enum { U_ID, U_USERNAME, U_ROLE, U_NAME, U_ACTIVE, U_CREATED, U_SPECIALTY,
	U_LICENSE, U__MAX };
static const char *const ucols[U__MAX] = { "id", "username", "role", "name",
	"active", "created_at", "specialty", "license_number" };

/* The old file's column of each vital this server keeps (ranges: vitals.h). */
static const int vcol_of[V__MAX] = {
	/* V_BP_SYSTOLIC */	T_SYS,
	/* V_BP_DIASTOLIC */	T_DIA,
	/* V_PULSE */		T_PULSE,
	/* V_TEMPERATURE_C */	T_TEMP,
	/* V_WEIGHT_KG */	T_WEIGHT,
	/* V_HEIGHT_CM */	T_HEIGHT,
	/* V_SPO2 */		T_SPO2,
};

/* A section of the summary: its lines, and how many were not shown. */
struct section {
	FILE	*f;
	char	*text;
	size_t	 len;
	long	 lines;
};

struct imp {
	sqlite3		*src;
	sqlite3_stmt	*vitals;	/* the old file's vitals of a visit */
	long long	 id;		/* this import */
	char		 now[21];
	struct section	 skipped, changed;
	long		 patients, patients_seen, visits, visits_seen, lines,
			 lines_seen, payments, users, users_seen, vitals_used,
			 temps_converted, vitals_extra, raw_rx;
	int		 has_vitals;
};

/* Adds one line to section S, printf-style; past LINES_SHOWN only counts. */
static void
say(struct section *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void
say(struct section *s, const char *fmt, ...)
{
	va_list	 ap;
	char	 line[1024], plain[1024], *c;

	if (s->lines++ >= LINES_SHOWN || s->f == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	/* The old file's text, quoted in it, is shown on a terminal and kept
	 * in imports.summary: one line, no escape sequences. */
	legacy_plain(line, plain, sizeof(plain));
	for (c = plain; *c != '\0'; c++)
		if (*c == '\n' || *c == '\r' || *c == '\t')
			*c = ' ';
	fprintf(s->f, "  %s\n", plain);
}

/* Column I of S as text, "" for NULL. */
static const char *
ctext(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);

	return t != NULL ? (const char *)t : "";
}

/* Whether column I of S holds something other than NULL or blanks. */
static int
has(sqlite3_stmt *s, int i)
{
	const char	*t = ctext(s, i);

	return t[strspn(t, " \t\r\n")] != '\0';
}

/*
 * Prepares on the old file "SELECT <cols> FROM <table> [WHERE ...] ORDER
 * BY <order>", each column the old file lacks read as NULL (the old app added
 * columns over time).  Table and column names are this file's constants,
 * never the file's text.  Returns the statement, or NULL when the table
 * is missing (*MISSING set) or on an error.
 */
static sqlite3_stmt *
src_select(sqlite3 *src, const char *table, const char *const *cols, int n,
    const char *where, const char *order, int *missing)
{
	sqlite3_stmt	*ti = NULL, *s = NULL;
	char		 q[2048], have[64][40];
	int		 nhave = 0, i, j, len;

	*missing = 0;
	snprintf(q, sizeof(q), "SELECT name FROM pragma_table_info('%s')",
	    table);
	if (sqlite3_prepare_v2(src, q, -1, &ti, NULL) != SQLITE_OK)
		return NULL;
	while (sqlite3_step(ti) == SQLITE_ROW && nhave < 64)
		snprintf(have[nhave++], sizeof(have[0]), "%s",
		    (const char *)sqlite3_column_text(ti, 0));
	sqlite3_finalize(ti);
	if (nhave == 0) {
		*missing = 1;
		return NULL;
	}
	len = snprintf(q, sizeof(q), "SELECT ");
	for (i = 0; i < n; i++) {
		for (j = 0; j < nhave; j++)
			if (strcasecmp(have[j], cols[i]) == 0)
				break;
		len += snprintf(q + len, sizeof(q) - (size_t)len,
		    j < nhave ? "%s\"%s\"" : "%sNULL AS \"%s\"",
		    i > 0 ? ", " : "", cols[i]);
	}
	snprintf(q + len, sizeof(q) - (size_t)len, " FROM \"%s\"%s%s ORDER BY"
	    " %s", table, where != NULL ? " WHERE " : "",
	    where != NULL ? where : "", order);
	if (sqlite3_prepare_v2(src, q, -1, &s, NULL) != SQLITE_OK) {
		fprintf(stderr, "nalamdesk-admin: reading %s: %s\n", table,
		    sqlite3_errmsg(src));
		return NULL;
	}
	return s;
}

/* The old file's number of rows of TABLE, or -1 when it has none. */
static long long
src_count(sqlite3 *src, const char *table)
{
	sqlite3_stmt	*s = NULL;
	char		 q[128];
	long long	 n = -1;

	snprintf(q, sizeof(q), "SELECT count(*) FROM \"%s\"", table);
	if (sqlite3_prepare_v2(src, q, -1, &s, NULL) == SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return n;
}

/* Appends ", "-separated PART to BUF (SIZE) unless it is empty or in it. */
static void
join(char *buf, size_t size, const char *part, const char *sep)
{
	char	 p[512];
	size_t	 n = strlen(buf);

	snprintf(p, sizeof(p), "%s", part);
	legacy_trim(p);
	if (p[0] == '\0' || strstr(buf, p) != NULL || n + 1 >= size)
		return;
	snprintf(buf + n, size - n, "%s%s", n > 0 ? sep : "", p);
}

/*
 * Binds text T of the old file to parameter I of S as the API would have
 * stored it: valid UTF-8 without control characters (legacy_plain()).
 */
static void
bind_plain(sqlite3_stmt *s, int i, const char *t)
{
	static char	 buf[TEXT_MAX];

	legacy_plain(t != NULL ? t : "", buf, sizeof(buf));
	db_bind_text(s, i, buf);
}

/* bind_plain(), NULL when T is empty. */
static void
bind_opt(sqlite3_stmt *s, int i, const char *t)
{
	if (t == NULL || *t == '\0')
		db_bind_null(s, i);
	else
		bind_plain(s, i, t);
}

/*
 * A name of the old file (RAW) as the API stores one, into OUT of SIZE:
 * valid UTF-8, in normal form with the characters the API refuses taken
 * out (lib/text.c), at most NAME_CHARS characters.  Returns 1 when OUT
 * differs from RAW trimmed; OUT is "" when nothing of it is left.
 */
static int
import_name(const char *raw, char *out, size_t size)
{
	char	 plain[2048], was[2048];
	size_t	 n, chars;

	legacy_plain(raw, plain, sizeof(plain));
	if (!text_clean(plain, out, size))
		out[0] = '\0';
	for (n = 0, chars = 0; out[n] != '\0'; n++)
		if (((unsigned char)out[n] & 0xc0) != 0x80 &&
		    ++chars > NAME_CHARS) {
			out[n] = '\0';
			legacy_trim(out);
			break;
		}
	snprintf(was, sizeof(was), "%s", raw);
	legacy_trim(was);
	return strcmp(out, was) != 0;
}

/* One patient row P of the old file.  Returns SQLITE_OK or the error. */
static int
import_patient(struct imp *im, sqlite3_stmt *p)
{
	sqlite3_stmt	*s = st[STMT_PATIENT_ADD];
	long long	 old = sqlite3_column_int64(p, P_ID);
	char		 name[512], dob[11], phone[16], address[1024];
	char		 notes[NOTES_MAX], created[21], day[11], today[11];
	char		 sex, buf[600];
	long long	 pid;
	int		 age = -1, rc;

	im->patients_seen++;
	db_today(today);
	if (import_name(ctext(p, P_NAME), name, sizeof(name)) && name[0] != '\0')
		say(&im->changed, "patient #%lld: name \"%s\" kept as \"%s\" "
		    "(normal form, at most %d characters, no invisible or "
		    "control characters)", old, ctext(p, P_NAME), name,
		    NAME_CHARS);
	if (!legacy_utc(ctext(p, P_CREATED), created)) {
		if (has(p, P_CREATED))
			say(&im->changed, "patient #%lld: registration time "
			    "\"%s\" unreadable; the import's time used", old,
			    ctext(p, P_CREATED));
		memcpy(created, im->now, sizeof(created));
	}
	if (!legacy_local_day(created, day))
		memcpy(day, today, sizeof(day));
	if (!legacy_date(ctext(p, P_DOB), dob) || strcmp(dob, today) > 0) {
		if (has(p, P_DOB))
			say(&im->changed, "patient #%lld: date of birth \"%s\" "
			    "is no date; left out", old, ctext(p, P_DOB));
		dob[0] = '\0';
	}
	if (!legacy_age(ctext(p, P_AGE), &age)) {
		if (has(p, P_AGE) && dob[0] == '\0')
			say(&im->changed, "patient #%lld: age \"%s\" is no "
			    "age; left out", old, ctext(p, P_AGE));
		age = -1;
	}
	if (dob[0] == '\0' && age < 0) {
		say(&im->skipped, "patient #%lld \"%s\": neither a date of "
		    "birth nor an age (this server needs one); not imported, "
		    "nor their visits", old, name);
		return SQLITE_OK;
	}
	if (name[0] == '\0') {
		snprintf(name, sizeof(name), "No name (NalamDesk #%lld)", old);
		say(&im->changed, "patient #%lld: no name; registered as "
		    "\"%s\"", old, name);
	}
	if (!legacy_sex(ctext(p, P_GENDER), &sex))
		say(&im->changed, "patient #%lld: gender \"%s\" not known; "
		    "recorded as other", old, ctext(p, P_GENDER));
	snprintf(notes, sizeof(notes), "Imported from NalamDesk (patient "
	    "#%lld).", old);
	if (!legacy_phone(ctext(p, P_MOBILE), phone) && has(p, P_MOBILE)) {
		say(&im->changed, "patient #%lld: mobile \"%s\" is no phone "
		    "number; kept in the notes", old, ctext(p, P_MOBILE));
		snprintf(buf, sizeof(buf), "Phone as recorded: %s.",
		    ctext(p, P_MOBILE));
		join(notes, sizeof(notes), buf, " ");
	}
	address[0] = '\0';
	join(address, sizeof(address), ctext(p, P_ADDRESS), ", ");
	join(address, sizeof(address), ctext(p, P_STREET), ", ");
	join(address, sizeof(address), ctext(p, P_CITY), ", ");
	join(address, sizeof(address), ctext(p, P_STATE), ", ");
	join(address, sizeof(address), ctext(p, P_ZIP), " ");
	if (has(p, P_BLOOD)) {
		snprintf(buf, sizeof(buf), "Blood group: %s.",
		    ctext(p, P_BLOOD));
		join(notes, sizeof(notes), buf, " ");
	}
	if (has(p, P_EMAIL)) {
		snprintf(buf, sizeof(buf), "E-mail: %s.", ctext(p, P_EMAIL));
		join(notes, sizeof(notes), buf, " ");
	}
	if (has(p, P_EC_NAME) || has(p, P_EC_MOBILE)) {
		snprintf(buf, sizeof(buf), "Emergency contact: %s %s.",
		    ctext(p, P_EC_NAME), ctext(p, P_EC_MOBILE));
		join(notes, sizeof(notes), buf, " ");
	}
	if (has(p, P_INSURANCE) || has(p, P_POLICY)) {
		snprintf(buf, sizeof(buf), "Insurance: %s %s.",
		    ctext(p, P_INSURANCE), ctext(p, P_POLICY));
		join(notes, sizeof(notes), buf, " ");
	}
	db_bind_text(s, 1, name);	/* import_name() */
	db_bind_textn(s, 2, &sex, 1);
	bind_opt(s, 3, dob);
	if (dob[0] == '\0') {
		db_bind_int(s, 4, age);
		db_bind_text(s, 5, day);
	}
	bind_opt(s, 6, phone);
	bind_opt(s, 7, address);
	bind_plain(s, 8, notes);
	db_bind_text(s, 9, created);
	db_bind_int(s, 10, im->id);
	db_bind_int(s, 11, old);
	if ((rc = db_step(s)) == SQLITE_ROW)
		pid = sqlite3_column_int64(s, 0);
	db_reset(s);
	if (rc != SQLITE_ROW)
		return rc;
	im->patients++;
	return audit_operator(TOOL_NAME, "patient.import", "patient", pid, pid);
}

/* The state of one visit's prescription lines while they are read. */
struct lines {
	struct imp	*im;
	long long	 visit, old;
	int		 pos;
	int		 rc;
};

/* One prescription line of the old file (legacy_rx_parse()'s callback). */
static int
import_line(const struct legacy_rx *rx, void *arg)
{
	struct lines	*l = arg;
	sqlite3_stmt	*s = st[STMT_LINE_ADD];
	char		 instr[LEGACY_RX_INSTRUCTION + 2 * LEGACY_RX_FIELD + 64];
	int		 days;

	l->im->lines_seen++;
	if (rx->medicine[0] == '\0') {
		say(&l->im->skipped, "visit #%lld: a prescription line "
		    "without a medicine", l->old);
		return 0;
	}
	if (rx->cut)
		say(&l->im->changed, "visit #%lld: %s: a field cut at its "
		    "limit", l->old, rx->medicine);
	snprintf(instr, sizeof(instr), "%s", rx->instruction);
	days = legacy_duration_days(rx->duration);
	if (days < 0 && rx->duration[0] != '\0')
		join(instr, sizeof(instr), rx->duration, "; ");
	if (rx->route[0] != '\0' && strcasecmp(rx->route, "oral") != 0 &&
	    strcasecmp(rx->route, "po") != 0) {
		char	 r[LEGACY_RX_FIELD + 16];

		snprintf(r, sizeof(r), "route: %s", rx->route);
		join(instr, sizeof(instr), r, "; ");
	}
	db_bind_int(s, 1, l->visit);
	db_bind_int(s, 2, l->pos++);
	bind_plain(s, 3, rx->medicine);
	bind_opt(s, 4, rx->dosage);
	bind_opt(s, 5, rx->form);
	bind_plain(s, 6, rx->frequency[0] != '\0' ? rx->frequency :
	    "as directed");
	bind_opt(s, 7, legacy_timing(rx->instruction));
	if (days > 0)
		db_bind_int(s, 8, days);
	bind_opt(s, 9, instr);
	if ((l->rc = db_run(s)) != SQLITE_OK)
		return 1;
	l->im->lines++;
	return 0;
}

/*
 * Binds the last vitals row of old visit OLD to ?6..?12 of STMT_VISIT_ADD
 * S, dropping values out of this server's ranges (reported).
 */
static void
bind_vitals(struct imp *im, sqlite3_stmt *s, long long old)
{
	sqlite3_stmt	*t = im->vitals;
	double		 v;
	int		 i, conv, rows = 0;

	if (t == NULL)
		return;
	sqlite3_bind_int64(t, 1, old);
	while (sqlite3_step(t) == SQLITE_ROW) {
		if (rows++ > 0)
			continue;	/* the newest first; older ones counted */
		im->vitals_used++;
		for (i = 0; i < V__MAX; i++) {
			if (sqlite3_column_type(t, vcol_of[i]) ==
			    SQLITE_NULL || !has(t, vcol_of[i]))
				continue;
			v = sqlite3_column_double(t, vcol_of[i]);
			if (i == V_TEMPERATURE_C) {
				v = legacy_temp_c(v, &conv);
				im->temps_converted += conv;
			}
			if (!(v >= vital_defs[i].min && v <= vital_defs[i].max)) {
				say(&im->skipped, "visit #%lld: %s \"%s\" out "
				    "of range; left out", old, vital_defs[i].name,
				    ctext(t, vcol_of[i]));
				continue;
			}
			if (vital_defs[i].integer)
				db_bind_int(s, 6 + (int)i, llround(v));
			else
				db_bind_double(s, 6 + (int)i, v);
		}
	}
	if (rows > 1)
		im->vitals_extra += rows - 1;
	sqlite3_reset(t);
}

/* legacy_rx_parse()'s callback when only checking that the text reads. */
static int
rx_none(const struct legacy_rx *rx, void *arg)
{
	(void)rx;
	(void)arg;
	return 0;
}

/* One visit row V of the old file.  Returns SQLITE_OK or the error. */
static int
import_visit(struct imp *im, sqlite3_stmt *v)
{
	sqlite3_stmt	*s = st[STMT_VISIT_ADD];
	struct lines	 l;
	long long	 old = sqlite3_column_int64(v, OV_ID), pid, vid = 0;
	long long	 doc = 0, paise;
	char		 created[21], day[11], notes[NOTES_MAX], raw[RAW_RX_MAX];
	char		 pnote[128];
	const char	*rx;
	double		 amount;
	int		 rc, n, bad;

	im->visits_seen++;
	db_bind_int(st[STMT_PATIENT_OF], 1, im->id);
	db_bind_int(st[STMT_PATIENT_OF], 2, sqlite3_column_int64(v,
	    OV_PATIENT));
	if ((pid = db_int1(st[STMT_PATIENT_OF], 0)) <= 0) {
		say(&im->skipped, "visit #%lld: its patient #%s was not "
		    "imported", old, ctext(v, OV_PATIENT));
		return SQLITE_OK;
	}
	if (!legacy_utc(ctext(v, OV_DATE), created) ||
	    !legacy_local_day(created, day)) {
		say(&im->skipped, "visit #%lld: date \"%s\" unreadable; not "
		    "imported", old, ctext(v, OV_DATE));
		return SQLITE_OK;
	}
	if (sqlite3_column_type(v, OV_DOCTOR) != SQLITE_NULL)
		doc = users_imported(im->id, sqlite3_column_int64(v, OV_DOCTOR));
	snprintf(notes, sizeof(notes), "%s", ctext(v, OV_EXAM));
	legacy_trim(notes);
	if (has(v, OV_DTYPE)) {
		snprintf(pnote, sizeof(pnote), "Diagnosis type: %s",
		    ctext(v, OV_DTYPE));
		join(notes, sizeof(notes), pnote, "\n");
	}
	rx = ctext(v, OV_RX);
	n = legacy_rx_parse(rx, strlen(rx), rx_none, NULL, &bad) < 0 &&
	    has(v, OV_RX);
	if (n) {
		snprintf(raw, sizeof(raw), "Prescription as recorded: %s", rx);
		join(notes, sizeof(notes), raw, "\n");
		say(&im->changed, "visit #%lld: prescription_json unreadable; "
		    "kept in the notes as text", old);
		im->raw_rx++;
	}
	db_bind_int(s, 1, pid);
	if (doc > 0)
		db_bind_int(s, 2, doc);
	db_bind_text(s, 3, day);
	bind_opt(s, 4, ctext(v, OV_SYMPTOMS));
	bind_opt(s, 5, notes);
	bind_vitals(im, s, old);
	db_bind_text(s, 13, created);
	db_bind_int(s, 14, im->id);
	db_bind_int(s, 15, old);
	if ((rc = db_step(s)) == SQLITE_ROW)
		vid = sqlite3_column_int64(s, 0);
	db_reset(s);
	if (rc != SQLITE_ROW)
		return rc;
	if (has(v, OV_DIAGNOSIS)) {
		db_bind_int(st[STMT_DIAGNOSIS_ADD], 1, vid);
		db_bind_int(st[STMT_DIAGNOSIS_ADD], 2, 0);
		snprintf(notes, sizeof(notes), "%s", ctext(v, OV_DIAGNOSIS));
		legacy_trim(notes);
		bind_plain(st[STMT_DIAGNOSIS_ADD], 3, notes);
		if ((rc = db_run(st[STMT_DIAGNOSIS_ADD])) != SQLITE_OK)
			return rc;
	}
	l.im = im;
	l.visit = vid;
	l.old = old;
	l.pos = 0;
	l.rc = SQLITE_OK;
	if (legacy_rx_parse(rx, strlen(rx), import_line, &l, &bad) >= 0 &&
	    bad > 0)
		say(&im->skipped, "visit #%lld: %d prescription item(s) that "
		    "were no line (or past %d lines)", old, bad,
		    LEGACY_RX_LINES);
	if (l.rc != SQLITE_OK)
		return l.rc;
	db_bind_int(st[STMT_VISIT_FINAL], 1, vid);
	if ((rc = db_run(st[STMT_VISIT_FINAL])) != SQLITE_OK)
		return rc;
	im->visits++;
	if (sqlite3_column_type(v, OV_AMOUNT) == SQLITE_NULL)
		return SQLITE_OK;
	amount = sqlite3_column_double(v, OV_AMOUNT);
	if (sqlite3_column_type(v, OV_AMOUNT) == SQLITE_TEXT &&
	    strspn(ctext(v, OV_AMOUNT), "0123456789. ") !=
	    strlen(ctext(v, OV_AMOUNT))) {
		say(&im->skipped, "visit #%lld: amount paid \"%s\" is no "
		    "amount", old, ctext(v, OV_AMOUNT));
		return SQLITE_OK;
	}
	if (!(amount > 0) || amount > 10000000)
		return SQLITE_OK;
	paise = llround(amount * 100);
	snprintf(pnote, sizeof(pnote), "Imported from NalamDesk (visit #%lld);"
	    " the mode of payment was not recorded", old);
	s = st[STMT_PAYMENT_ADD];
	db_bind_int(s, 1, pid);
	db_bind_int(s, 2, vid);
	db_bind_int(s, 3, paise);
	db_bind_text(s, 4, pnote);
	db_bind_text(s, 5, day);
	db_bind_text(s, 6, created);
	db_bind_int(s, 7, im->id);
	db_bind_int(s, 8, old);
	if ((rc = db_run(s)) != SQLITE_OK)
		return rc;
	im->payments++;
	return SQLITE_OK;
}

/* One user row U of the old file.  Returns SQLITE_OK or the error. */
static int
import_user(struct imp *im, sqlite3_stmt *u)
{
	long long	 old = sqlite3_column_int64(u, U_ID), id;
	char		 name[256], base[40], uname[64], created[21];
	const char	*role, *p;
	size_t		 n = 0;
	int		 known, rc, k;

	im->users_seen++;
	for (p = ctext(u, U_USERNAME); *p != '\0' && n < 28; p++) {
		char	 c = (char)tolower((unsigned char)*p);

		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '.' || c == '_' || c == '-')
			base[n++] = c;
	}
	base[n] = '\0';
	if (n < 3)
		snprintf(base, sizeof(base), "nduser%lld", old % 100000000);
	import_name(ctext(u, U_NAME), name, sizeof(name));
	if (name[0] == '\0')
		snprintf(name, sizeof(name), "%s", base);
	role = legacy_role(ctext(u, U_ROLE), &known);
	if (role_parse(role) < 0)
		role = "frontdesk";	/* a role this build does not have yet */
	if (!known)
		say(&im->changed, "user %s: role \"%s\" not known; made %s",
		    base, ctext(u, U_ROLE), role);
	else if (strcasecmp(ctext(u, U_ROLE), role) != 0)
		say(&im->changed, "user %s: role \"%s\" is %s here", base,
		    ctext(u, U_ROLE), role);
	if (!legacy_utc(ctext(u, U_CREATED), created))
		memcpy(created, im->now, sizeof(created));
	for (k = 0; k < 100; k++) {
		if (k == 0)
			snprintf(uname, sizeof(uname), "%s", base);
		else
			snprintf(uname, sizeof(uname), "%s-nd%d", base, k);
		if (users_id(uname) <= 0)
			break;
	}
	if (k > 0)
		say(&im->changed, "user %s: that username is taken here; "
		    "imported as %s", base, uname);
	if (has(u, U_SPECIALTY) || has(u, U_LICENSE))
		say(&im->skipped, "user %s: specialty \"%s\" and licence "
		    "number \"%s\" have no place here (the clinic's "
		    "registration number is in the settings)", uname,
		    ctext(u, U_SPECIALTY), ctext(u, U_LICENSE));
	if ((rc = users_import(uname, name, role, created, im->id, old, &id)) !=
	    SQLITE_OK)
		return rc;
	im->users++;
	return SQLITE_OK;
}

/* Runs IMPORT_ROW on every row of S.  Returns SQLITE_OK or the error. */
static int
each_row(struct imp *im, sqlite3_stmt *s,
    int (*import_row)(struct imp *, sqlite3_stmt *))
{
	int	 rc;

	if (s == NULL)
		return SQLITE_OK;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		if ((rc = import_row(im, s)) != SQLITE_OK)
			return rc;
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* The old file's settings (one row): the clinic's and doctor's names. */
static int
import_settings(struct imp *im)
{
	static const char *const cols[] = { "clinic_name", "doctor_name" };
	sqlite3_stmt	*s, *set = st[STMT_SETTING_SET];
	size_t		 i;
	int		 rc = SQLITE_OK, changed = 0;

	if (sqlite3_prepare_v2(im->src, "SELECT clinic_name, doctor_name FROM"
	    " settings LIMIT 1", -1, &s, NULL) != SQLITE_OK)
		return SQLITE_OK;	/* a file without those columns */
	if (sqlite3_step(s) == SQLITE_ROW)
		for (i = 0; i < ND_NELEM(cols); i++) {
			if (!has(s, (int)i))
				continue;
			db_bind_text(set, 1, cols[i]);
			bind_plain(set, 2, ctext(s, (int)i));
			if ((rc = db_run(set)) != SQLITE_OK)
				break;
			if (sqlite3_changes(db) > 0)
				changed++;
			else
				say(&im->skipped, "setting %s \"%s\": this "
				    "clinic has its own already", cols[i],
				    ctext(s, (int)i));
		}
	sqlite3_finalize(s);
	if (rc == SQLITE_OK && changed > 0)
		rc = db_run(st[STMT_SETTINGS_VERSION]);
	return rc;
}

/*
 * Whether the file's first patients (id and registration time) came
 * with an earlier import: the same clinic's database copied again after
 * more work in the old app has other bytes but the same patients, and
 * importing it would register them twice.  Returns SQLITE_OK (not seen),
 * SQLITE_DONE (seen: said why), or the error.
 */
static int
seen_before(struct imp *im, const char *file)
{
	sqlite3_stmt	*p = NULL, *s = st[STMT_SEEN_PATIENT];
	char		 created[21];
	int		 rc = SQLITE_OK;

	if (sqlite3_prepare_v2(im->src, "SELECT id, created_at FROM patients"
	    " ORDER BY id LIMIT 50", -1, &p, NULL) != SQLITE_OK)
		return SQLITE_OK;	/* read again, and reported, below */
	while (rc == SQLITE_OK && sqlite3_step(p) == SQLITE_ROW) {
		if (!legacy_utc(ctext(p, 1), created))
			continue;
		db_bind_int(s, 1, sqlite3_column_int64(p, 0));
		db_bind_text(s, 2, created);
		if ((rc = db_step(s)) == SQLITE_ROW) {
			fprintf(stderr, "nalamdesk-admin: the patients of %s "
			    "were imported already (import %lld, %s: patient "
			    "#%lld of the same time); nothing was changed\n",
			    file, (long long)sqlite3_column_int64(s, 0),
			    ctext(s, 1), (long long)sqlite3_column_int64(p, 0));
			rc = SQLITE_DONE;
		} else if (rc == SQLITE_DONE)
			rc = SQLITE_OK;
		db_reset(s);
	}
	sqlite3_finalize(p);
	return rc;
}

/*
 * Whether FILE is a plain SQLite database (1), an encrypted or other file
 * (0, said why), or unreadable (-1, said why).
 */
static int
import_plain(const char *file)
{
	char	 head[16], dir[4200], sec[4300], *slash;
	int	 fd;
	ssize_t	 n;

	if ((fd = open(file, O_RDONLY | O_CLOEXEC)) == -1) {
		fprintf(stderr, "nalamdesk-admin: cannot open %s: %s\n", file,
		    strerror(errno));
		return -1;
	}
	n = read(fd, head, sizeof(head));
	close(fd);
	if (n == (ssize_t)sizeof(head) &&
	    memcmp(head, "SQLite format 3", 16) == 0)
		return 1;
	snprintf(dir, sizeof(dir), "%s", file);
	if ((slash = strrchr(dir, '/')) != NULL)
		*slash = '\0';
	else
		snprintf(dir, sizeof(dir), ".");
	snprintf(sec, sizeof(sec), "%s/security.json", dir);
	fprintf(stderr, "nalamdesk-admin: %s is not a plain SQLite database%s."
	    "\n", file, access(sec, F_OK) == 0 ? " (security.json beside it: "
	    "it is the NalamDesk app's encrypted database)" : "");
	fprintf(stderr,
	    "The NalamDesk app encrypts its database with SQLite3 Multiple "
	    "Ciphers\n(ChaCha20-Poly1305), its key wrapped in security.json "
	    "under your master\npassword. No library of this system reads that "
	    "format, so this server\nimports an unencrypted copy. To make one:\n"
	    "  1. In the NalamDesk app, sign in as the administrator and take "
	    "a backup.\n"
	    "  2. Export the database unencrypted (the app's standalone mode "
	    "keeps it\n     unencrypted), or open the encrypted file in a "
	    "SQLite3 Multiple Ciphers\n     shell with its key and run:  "
	    "VACUUM INTO 'nalamdesk-plain.db';\n"
	    "  3. Run: nalamdesk-admin import-nalamdesk nalamdesk-plain.db\n"
	    "     then delete the unencrypted copy.\n");
	return 0;
}

/*
 * import-nalamdesk [--var DIR] [--dry-run] FILE.db: see the top of this
 * file.  Exit 0 imported (or, with --dry-run, would import: nothing is
 * kept), 1 failed (nothing changed), 2 usage, 3 this file was imported
 * before (nothing changed).
 */
int
cmd_import_nalamdesk(int argc, char **argv)
{
	static const char *const names[] = { "var", "dry-run", NULL };
	const char	*vals[3];
	char		*pos[2], sha[65], *out = NULL;
	struct imp	 im;
	sqlite3_stmt	*ps = NULL, *vs = NULL, *us = NULL, *s;
	long long	 n;
	int		 fd, rc = EXIT_FAIL, dbrc = SQLITE_OK, lock = -1;
	int		 missing, dry = 0, i, began = 0;

	/* --dry-run takes no value: take it out before tool_args(). */
	for (i = 0; i < argc; i++)
		if (strcmp(argv[i], "--dry-run") == 0) {
			dry = 1;
			memmove(argv + i, argv + i + 1,
			    (size_t)(argc - i - 1) * sizeof(*argv));
			argc--;
			i--;
		}
	if (tool_args(argc, argv, names, vals, pos, 2) != 1)
		return EXIT_USAGE;
	if (vals[0] != NULL) {
		snprintf(tool_var, sizeof(tool_var), "%s", vals[0]);
		snprintf(tool_db, sizeof(tool_db), "%s/db/nalamdesk.db",
		    tool_var);
	}
	memset(&im, 0, sizeof(im));
	if (import_plain(pos[0]) != 1)
		return EXIT_FAIL;
	if ((fd = open(pos[0], O_RDONLY | O_CLOEXEC)) == -1 ||
	    !auth_sha256_fd_hex(fd, sha)) {
		if (fd != -1)
			close(fd);
		fprintf(stderr, "nalamdesk-admin: cannot read %s\n", pos[0]);
		return EXIT_FAIL;
	}
	close(fd);
	if (sqlite3_open_v2(pos[0], &im.src, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK || sqlite3_exec(im.src, "PRAGMA query_only = 1", NULL,
	    NULL, NULL) != SQLITE_OK) {
		fprintf(stderr, "nalamdesk-admin: cannot open %s: %s\n", pos[0],
		    sqlite3_errmsg(im.src));
		goto out;
	}
	if (!tool_open(0) || (lock = tool_lock(0)) == -1 || !users_init() ||
	    !db_prepare_all(sql, STMT__MAX, st))
		goto out;
	ps = src_select(im.src, "patients", pcols, P__MAX, NULL, "id",
	    &missing);
	if (ps == NULL) {
		fprintf(stderr, "nalamdesk-admin: %s has no patients table: "
		    "it is not the NalamDesk app's database\n", pos[0]);
		goto out;
	}
	vs = src_select(im.src, "visits", vcols, OV__MAX, NULL, "id", &missing);
	us = src_select(im.src, "users", ucols, U__MAX, NULL, "id", &missing);
	im.vitals = src_select(im.src, "vitals", tcols, T__MAX,
	    "visit_id = ?1", "id DESC", &missing);
	im.skipped.f = open_memstream(&im.skipped.text, &im.skipped.len);
	im.changed.f = open_memstream(&im.changed.text, &im.changed.len);
	if (im.skipped.f == NULL || im.changed.f == NULL)
		goto out;
	db_now(im.now);

	if ((dbrc = db_begin()) != SQLITE_OK)
		goto out;
	began = 1;
	db_bind_text(st[STMT_SEEN], 1, sha);
	if ((dbrc = db_step(st[STMT_SEEN])) == SQLITE_ROW) {
		fprintf(stderr, "nalamdesk-admin: %s was imported already "
		    "(import %lld, %s); nothing was changed\n", pos[0],
		    (long long)sqlite3_column_int64(st[STMT_SEEN], 0),
		    ctext(st[STMT_SEEN], 1));
		db_reset(st[STMT_SEEN]);
		rc = EXIT_REFUSED;
		dbrc = SQLITE_OK;
		goto out;
	}
	db_reset(st[STMT_SEEN]);
	if ((dbrc = seen_before(&im, pos[0])) != SQLITE_OK) {
		if (dbrc == SQLITE_DONE) {
			rc = EXIT_REFUSED;
			dbrc = SQLITE_OK;
		}
		goto out;
	}
	s = st[STMT_IMPORT_ADD];
	db_bind_text(s, 1, pos[0]);
	db_bind_text(s, 2, sha);
	db_bind_text(s, 3, im.now);
	im.id = db_int1(s, 0);
	if (im.id <= 0) {
		dbrc = SQLITE_ERROR;
		goto out;
	}
	if ((dbrc = each_row(&im, us, import_user)) != SQLITE_OK ||
	    (dbrc = each_row(&im, ps, import_patient)) != SQLITE_OK ||
	    (dbrc = each_row(&im, vs, import_visit)) != SQLITE_OK ||
	    (dbrc = import_settings(&im)) != SQLITE_OK)
		goto out;

	/* What the file holds that has no home here. */
	if (im.vitals != NULL) {
		sqlite3_stmt	*o = NULL;

		if (sqlite3_prepare_v2(im.src, "SELECT count(*) FROM vitals "
		    "WHERE visit_id IS NULL OR visit_id NOT IN (SELECT id FROM "
		    "visits)", -1, &o, NULL) == SQLITE_OK &&
		    sqlite3_step(o) == SQLITE_ROW &&
		    sqlite3_column_int64(o, 0) > 0)
			say(&im.skipped, "vitals: %lld rows recorded outside "
			    "any visit (this server keeps vitals with a "
			    "visit)", (long long)sqlite3_column_int64(o, 0));
		sqlite3_finalize(o);
	}
	if (im.vitals_extra > 0)
		say(&im.skipped, "vitals: %ld older rows of visits that had "
		    "several (the newest of each visit kept)", im.vitals_extra);
	if (im.vitals_used > 0)
		say(&im.skipped, "vitals: BMI and respiratory rate (BMI is "
		    "worked out from height and weight; no respiratory rate "
		    "here)");
	if ((n = src_count(im.src, "patient_queue")) > 0)
		say(&im.skipped, "patient_queue: %lld entries (a day's queue "
		    "does not outlive its day)", n);
	if ((n = src_count(im.src, "appointments")) > 0)
		say(&im.skipped, "appointments: %lld rows (their columns are "
		    "not in the app's migrations this import knows; book the "
		    "coming ones again)", n);
	if ((n = src_count(im.src, "audit_logs")) > 0)
		say(&im.skipped, "audit_logs: %lld rows (the old trail stays "
		    "in the old file; this server's trail records what is "
		    "done here)", n);
	if (im.temps_converted > 0)
		say(&im.changed, "temperatures: %ld in Fahrenheit turned into "
		    "Celsius", im.temps_converted);
	if (im.users > 0)
		say(&im.changed, "users: every one deactivated, without a "
		    "password; open one with: nalamdesk-admin user passwd "
		    "--username U");

	fflush(im.skipped.f);
	fflush(im.changed.f);
	{
		FILE	*f;
		size_t	 len;

		if ((f = open_memstream(&out, &len)) == NULL)
			goto out;
		fprintf(f, "%s %s (sha256 %.16s…)%s\n",
		    dry ? "dry run of the import of" : "imported", pos[0], sha,
		    dry ? ": nothing will be kept" : "");
		fprintf(f, "  patients: %ld of %ld\n", im.patients,
		    im.patients_seen);
		fprintf(f, "  visits: %ld of %ld (finalized)\n", im.visits,
		    im.visits_seen);
		fprintf(f, "  prescription lines: %ld of %ld\n", im.lines,
		    im.lines_seen);
		fprintf(f, "  vitals: %ld visits with vitals\n", im.vitals_used);
		fprintf(f, "  payments: %ld (cash; from the visits' amounts)\n",
		    im.payments);
		fprintf(f, "  users: %ld of %ld\n", im.users, im.users_seen);
		fprintf(f, "not imported (%ld):\n%s", im.skipped.lines,
		    im.skipped.text != NULL ? im.skipped.text : "");
		if (im.skipped.lines > LINES_SHOWN)
			fprintf(f, "  ... and %ld more\n",
			    im.skipped.lines - LINES_SHOWN);
		fprintf(f, "changed on the way (%ld):\n%s", im.changed.lines,
		    im.changed.text != NULL ? im.changed.text : "");
		if (im.changed.lines > LINES_SHOWN)
			fprintf(f, "  ... and %ld more\n",
			    im.changed.lines - LINES_SHOWN);
		fclose(f);
	}
	db_bind_int(st[STMT_IMPORT_SUMMARY], 1, im.id);
	db_bind_text(st[STMT_IMPORT_SUMMARY], 2, out);
	if ((dbrc = db_run(st[STMT_IMPORT_SUMMARY])) != SQLITE_OK ||
	    (dbrc = audit_operator(TOOL_NAME, "import.nalamdesk", "import",
	    im.id, 0)) != SQLITE_OK)
		goto out;
	if (dry) {
		db_rollback();
		began = 0;
	} else if ((dbrc = db_commit()) != SQLITE_OK)
		goto out;
	began = 0;
	fputs(out, stdout);
	/* The sound keys of the names (search), outside the import's
	 * transaction as after any migration: pkey.h. */
	if (!dry && pkey_fill(0) < 0)
		fprintf(stderr, "nalamdesk-admin: the imported names' sound "
		    "keys were not all written; run: nalamdesk-admin rekey\n");
	rc = EXIT_OK;
out:
	if (began)
		db_rollback();
	if (dbrc != SQLITE_OK && rc != EXIT_REFUSED)
		fprintf(stderr, "nalamdesk-admin: the import failed (%s); "
		    "nothing was imported\n", db != NULL ? sqlite3_errmsg(db) :
		    sqlite3_errstr(dbrc));
	free(out);
	if (im.skipped.f != NULL)
		fclose(im.skipped.f);
	if (im.changed.f != NULL)
		fclose(im.changed.f);
	free(im.skipped.text);
	free(im.changed.text);
	sqlite3_finalize(ps);
	sqlite3_finalize(vs);
	sqlite3_finalize(us);
	sqlite3_finalize(im.vitals);
	sqlite3_close(im.src);
	db_finalize_all(st, STMT__MAX);
	users_fini();
	tool_unlock(lock);
	return rc;
}
