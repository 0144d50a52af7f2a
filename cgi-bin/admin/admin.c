/*
 * admin.c — the `admin` program: staff accounts, clinic settings and logo,
 * the audit trail (read and CSV export), backups taken on demand, and the
 * server's status.  This file holds every SQL statement of the program, its
 * validators, its field tables and its route table; the handlers are in
 * users.c, settings.c, auditlog.c, backups.c and system.c.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "admin.h"

/* One setting's value by key. */
#define SETTING(k)	"(SELECT value FROM settings WHERE key = '" k "')"

/* The audit columns and the filters every audit list shares:
 * ?1 from, ?2 to (UTC bounds, always bound), ?3 user id, ?5 action
 * (exact, "family." prefix or ".verb" suffix), ?6 limit, ?7 offset.  The
 * statements of a family differ only in what they lead with: the time,
 * the user, the patient (?4), or AUDIT_NAMES. */
/*
 * The rows about patient ?4 with ?listed=1: those of the patient (index
 * audit_patient), and the listings whose detail names the patient among the ids they
 * returned (audit_list()), looked for in the rows of the time asked for
 * (index audit_ts).  The detail's text is searched for the id between
 * the array's delimiters first (audit_list() writes "[7,3]"), which keeps
 * the JSON reading to the few rows that may name it: 240,000 listings of
 * 40 ids read in 0.6 s instead of 2.2 (0.2 s just to scan them); a week
 * of a busy clinic's (9,000) in about 25 ms.  X: the table's alias and a
 * dot, or "".
 */
#define AUDIT_NAMES(x) \
	"(" x "patient_id = ?4 OR (" x "patient_id IS NULL AND " x "ts >= ?1" \
	" AND " x "ts < ?2 AND instr(" x "detail, ',' || ?4 || ',') +" \
	" instr(" x "detail, '[' || ?4 || ',') + instr(" x "detail, ',' ||" \
	" ?4 || ']') + instr(" x "detail, '[' || ?4 || ']') > 0 AND ?4 IN" \
	" (SELECT value FROM json_each(" x "detail, '$.ids'))))"
#define AUDIT_COLS \
	"SELECT id, ts, user_id, username, role, ip, action, entity," \
	" entity_id, patient_id FROM audit"
#define AUDIT_FILTER \
	" AND ts >= ?1 AND ts < ?2" \
	" AND (?3 IS NULL OR user_id = ?3)" \
	" AND (?5 IS NULL OR action = ?5" \
	" OR substr(action, 1, length(?5) + 1) = ?5 || '.'" \
	" OR substr(action, -length(?5) - 1) = '.' || ?5)" \
	" ORDER BY ts DESC, id DESC LIMIT ?6 OFFSET ?7"

/*
 * The audit trail as people read it (GET /api/audit): the staff member's
 * name, the patient's name and clinic number, the action in words; with
 * ?fold=1 the reads (actions ending read, .search, .list, .history) of one
 * user about one patient in one clinic-local hour (?8: the clinic's offset
 * from UTC, "+330 minutes") are one entry with their count and first time.
 * Filters as AUDIT_FILTER, on the audit table's alias a.
 */
#define AUDIT_WHERE \
	" AND a.ts >= ?1 AND a.ts < ?2" \
	" AND (?3 IS NULL OR a.user_id = ?3)" \
	" AND (?5 IS NULL OR a.action = ?5" \
	" OR substr(a.action, 1, length(?5) + 1) = ?5 || '.'" \
	" OR substr(a.action, -length(?5) - 1) = '.' || ?5)"
#define AUDIT_IS_READ(x) \
	"(" x " LIKE '%.read' OR " x " LIKE '%.search' OR " x " LIKE '%.list'" \
	" OR " x " LIKE '%.history' OR " x " LIKE '%_read')"
#define AUDIT_WORDS \
	"CASE a.action" \
	" WHEN 'patient.create' THEN 'Registered a patient'" \
	" WHEN 'patient.read' THEN 'Opened a patient''s record'" \
	" WHEN 'patient.update' THEN 'Edited a patient''s details'" \
	" WHEN 'patient.search' THEN 'Searched for patients'" \
	" WHEN 'visit.create' THEN 'Started a consultation'" \
	" WHEN 'visit.read' THEN 'Opened a consultation'" \
	" WHEN 'visit.update' THEN 'Saved a consultation'" \
	" WHEN 'visit.finalize' THEN 'Finished a consultation'" \
	" WHEN 'visit.history' THEN 'Looked at past visits'" \
	" WHEN 'queue.add' THEN 'Gave a token'" \
	" WHEN 'queue.status' THEN 'Changed a token''s status'" \
	" WHEN 'queue.read' THEN 'Looked at the queue'" \
	" WHEN 'queue.postpone' THEN 'Moved a patient down the line'" \
	" WHEN 'queue.priority' THEN 'Changed a token''s priority'" \
	" WHEN 'queue.vitals' THEN 'Recorded vitals'" \
	" WHEN 'queue.vitals_read' THEN 'Looked at recorded vitals'" \
	" WHEN 'visit.allergy_override' THEN 'Prescribed despite an allergy'" \
	" WHEN 'prescription.read' THEN 'Opened a prescription'" \
	" WHEN 'prescription.list' THEN 'Looked at prescriptions'" \
	" WHEN 'backup.restore' THEN 'Restored a backup'" \
	" WHEN 'user.add' THEN 'Added a staff account (command line)'" \
	" WHEN 'payment.create' THEN 'Took a payment'" \
	" WHEN 'payment.read' THEN 'Opened a receipt'" \
	" WHEN 'payment.list' THEN 'Looked at the payments'" \
	" WHEN 'payment.void' THEN 'Voided a receipt'" \
	" WHEN 'charges.update' THEN 'Changed the list of charges'" \
	" WHEN 'appointment.create' THEN 'Booked an appointment'" \
	" WHEN 'appointment.status' THEN 'Changed an appointment'" \
	" WHEN 'appointment.list' THEN 'Looked at the appointments'" \
	" WHEN 'auth.login' THEN 'Signed in'" \
	" WHEN 'auth.logout' THEN 'Signed out'" \
	" WHEN 'auth.login_failed' THEN 'Could not sign in (wrong password)'" \
	" WHEN 'auth.password' THEN 'Changed their own password'" \
	" WHEN 'auth.password_failed' THEN 'Typed a wrong current password'" \
	" WHEN 'user.create' THEN 'Added a staff account'" \
	" WHEN 'user.update' THEN 'Changed a staff account'" \
	" WHEN 'user.deactivate' THEN 'Deactivated a staff account'" \
	" WHEN 'user.password_reset' THEN 'Reset a staff member''s password'" \
	" WHEN 'user.unlock' THEN 'Unlocked a staff account'" \
	" WHEN 'user.passwd' THEN 'Set a password (command line)'" \
	" WHEN 'settings.update' THEN 'Changed the clinic''s settings'" \
	" WHEN 'settings.logo_update' THEN 'Changed the logo'" \
	" WHEN 'settings.logo_delete' THEN 'Removed the logo'" \
	" WHEN 'backup.create' THEN 'Took a backup'" \
	" WHEN 'backup.copy' THEN 'Copied a backup off the PC'" \
	" WHEN 'audit.read' THEN 'Looked at the audit log'" \
	" WHEN 'user.language' THEN 'Changed a screen language'" \
	" WHEN 'followup.list' THEN 'Looked at the follow-ups'" \
	" WHEN 'changes.read' THEN 'Brought the desk''s offline copy up to date'" \
	" WHEN 'patient.fhir' THEN 'Exported a patient''s record (FHIR)'" \
	" WHEN 'patient.fhir_export' THEN 'Exported a patient''s record (FHIR, command line)'" \
	" WHEN 'patient.name_normalised' THEN 'Put a patient''s name in normal form (command line)'" \
	" WHEN 'export.patients' THEN 'Exported every patient (CSV)'" \
	" WHEN 'export.visits' THEN 'Exported every visit (CSV)'" \
	" WHEN 'export.payments' THEN 'Exported every payment (CSV)'" \
	" WHEN 'import.nalamdesk' THEN 'Imported the NalamDesk app''s records (command line)'" \
	" WHEN 'patient.import' THEN 'Brought a patient from the NalamDesk app (command line)'" \
	" WHEN 'request.replay' THEN 'Sent a request again (answered from the first time)'" \
	" END"
/* The columns of a readable entry, from audit a (the newest row of a
 * folded entry), users u, patients p; then FROM and the joins. */
#define AUDIT_READABLE \
	" a.user_id AS user_id, a.username AS username, u.name AS user_name," \
	" a.role AS role, a.ip AS ip, a.action AS action, " AUDIT_WORDS \
	" AS action_text, a.entity AS entity, a.entity_id AS entity_id," \
	" CASE WHEN a.entity = 'user' THEN (SELECT name FROM users" \
	" WHERE id = a.entity_id) WHEN a.entity = 'payment' THEN (SELECT" \
	" 'Receipt ' || receipt_no || coalesce(', void: ' || void_reason, '')" \
	" FROM payments WHERE id = a.entity_id) END AS entity_name," \
	" a.patient_id AS patient_id, CASE WHEN p.id IS NOT NULL THEN" \
	" json_object('id', p.id, 'name', p.name, 'clinic_no', p.clinic_no)" \
	" END AS \"@patient\", a.detail AS detail"
#define AUDIT_JOINS \
	" LEFT JOIN users u ON u.id = a.user_id" \
	" LEFT JOIN patients p ON p.id = a.patient_id"
#define AUDIT_READ(lead) \
	"SELECT a.id AS id, a.ts AS ts, a.ts AS first_ts, 1 AS count," \
	" json_array(a.action) AS \"@actions\"," AUDIT_READABLE \
	" FROM audit a" AUDIT_JOINS " WHERE " lead AUDIT_WHERE \
	" ORDER BY a.ts DESC, a.id DESC LIMIT ?6 OFFSET ?7"
#define AUDIT_FOLD(lead) \
	"WITH g AS (SELECT max(a.id) AS id, max(a.ts) AS ts," \
	" min(a.ts) AS first_ts, count(*) AS count," \
	" json_group_array(DISTINCT a.action) AS actions FROM audit a" \
	" WHERE " lead AUDIT_WHERE " GROUP BY CASE WHEN " \
	AUDIT_IS_READ("a.action") " THEN coalesce(a.user_id, 0) || '|' ||" \
	" coalesce(a.patient_id, 0) || '|' || strftime('%Y-%m-%dT%H', a.ts, ?8)" \
	" ELSE 'w' || a.id END ORDER BY max(a.ts) DESC, max(a.id) DESC" \
	" LIMIT ?6 OFFSET ?7)" \
	" SELECT g.id AS id, g.ts AS ts, g.first_ts AS first_ts," \
	" g.count AS count, g.actions AS \"@actions\"," AUDIT_READABLE \
	" FROM g JOIN audit a ON a.id = g.id" AUDIT_JOINS \
	" ORDER BY g.ts DESC, g.id DESC"

static const char *const sql[STMT__MAX] = {
	/* STMT_SETTINGS_GET: one row, keys as columns */
	"SELECT " SETTING("clinic_name") " AS clinic_name,"
	" " SETTING("doctor_name") " AS doctor_name,"
	" " SETTING("qualification") " AS qualification,"
	" " SETTING("registration_no") " AS registration_no,"
	" " SETTING("address") " AS address,"
	" " SETTING("phone") " AS phone,"
	" CAST(" SETTING("consultation_fee_paise") " AS INTEGER)"
	" AS consultation_fee_paise,"
	" " SETTING("timezone") " AS timezone,"
	" coalesce(" SETTING("paper") ", 'A5') AS paper,"
	" CASE WHEN " SETTING("print_letterhead") " = '0' THEN 'false'"
	" ELSE 'true' END AS \"@print_letterhead\","
	" CAST(coalesce(" SETTING("pad_margin_top_mm") ", 0) AS INTEGER)"
	" AS pad_margin_top_mm,"
	" CAST(coalesce(" SETTING("pad_margin_left_mm") ", 0) AS INTEGER)"
	" AS pad_margin_left_mm,"
	" nullif(" SETTING("upi_vpa") ", '') AS upi_vpa,"
	" CASE WHEN EXISTS (SELECT 1 FROM settings_logo)"
	" THEN '/api/settings/logo' END AS logo_url,"
	" CAST(" SETTING("version") " AS INTEGER) AS version",
	/* STMT_SETTING_SET */
	"INSERT INTO settings (key, value) VALUES (?1, ?2)"
	" ON CONFLICT (key) DO UPDATE SET value = excluded.value",
	/* STMT_SETTINGS_BUMP: the optimistic-concurrency check of PUT */
	"UPDATE settings SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT)"
	" WHERE key = 'version' AND CAST(value AS INTEGER) = ?1",
	/* STMT_LOGO_GET: data last, so an ETag match never reads it */
	"SELECT sha256, mime, data FROM settings_logo WHERE id = 1",
	/* STMT_LOGO_SET */
	"INSERT INTO settings_logo (id, mime, data, sha256, updated_at,"
	" updated_by) VALUES (1, ?1, ?2, ?3, ?4, ?5) ON CONFLICT (id) DO UPDATE"
	" SET mime = excluded.mime, data = excluded.data,"
	" sha256 = excluded.sha256, updated_at = excluded.updated_at,"
	" updated_by = excluded.updated_by",
	/* STMT_LOGO_DELETE */
	"DELETE FROM settings_logo WHERE id = 1",
	/* STMT_AUDIT_LIST: by time (index audit_ts) */
	AUDIT_COLS " WHERE 1" AUDIT_FILTER,
	/* STMT_AUDIT_LIST_USER: one user (index audit_user) */
	AUDIT_COLS " WHERE user_id = ?3" AUDIT_FILTER,
	/* STMT_AUDIT_LIST_PATIENT: one patient (index audit_patient) */
	AUDIT_COLS " WHERE patient_id = ?4" AUDIT_FILTER,
	/* STMT_AUDIT_LIST_NAMED: and the listings that named them */
	AUDIT_COLS " WHERE " AUDIT_NAMES("") AUDIT_FILTER,
	/* STMT_AUDIT_READ: readable, by time */
	AUDIT_READ("1"),
	/* STMT_AUDIT_READ_USER */
	AUDIT_READ("a.user_id = ?3"),
	/* STMT_AUDIT_READ_PATIENT */
	AUDIT_READ("a.patient_id = ?4"),
	/* STMT_AUDIT_READ_NAMED */
	AUDIT_READ(AUDIT_NAMES("a.")),
	/* STMT_AUDIT_FOLD: readable, reads folded, by time */
	AUDIT_FOLD("1"),
	/* STMT_AUDIT_FOLD_USER */
	AUDIT_FOLD("a.user_id = ?3"),
	/* STMT_AUDIT_FOLD_PATIENT */
	AUDIT_FOLD("a.patient_id = ?4"),
	/* STMT_AUDIT_FOLD_NAMED */
	AUDIT_FOLD(AUDIT_NAMES("a.")),
	/* STMT_SCHEMA_VERSION */
	"SELECT user_version FROM pragma_user_version",
	/* STMT_TIMEZONE: the clinic's zone */
	"SELECT value FROM settings WHERE key = 'timezone'",
};
_Static_assert(ND_NELEM(sql) == STMT__MAX, "admin sql");
sqlite3_stmt *st[STMT__MAX];

/* One line of text with something in it: no tab, CR or LF, not blank. */
int
check_one_line(const char *s)
{
	int	 seen = 0;

	for (; *s != '\0'; s++) {
		if (*s == '\t' || *s == '\r' || *s == '\n')
			return 0;
		if (*s != ' ')
			seen = 1;
	}
	return seen;
}

/* A clinic phone as printed on the letterhead: empty, or digits with
 * spaces and + - ( ) / , (landlines and several numbers included). */
int
check_phone_text(const char *s)
{
	for (; *s != '\0'; s++)
		if (!isdigit((unsigned char)*s) && strchr(" +-()/,", *s) == NULL)
			return 0;
	return 1;
}

/*
 * An IANA time zone name that this machine knows: 1-64 of [A-Za-z0-9_+/-],
 * no empty, "." or ".." component, and /usr/share/zoneinfo/NAME is a
 * regular file that starts with the TZif magic.  Symbolic links are
 * followed: tzdata's own aliases (UTC, Asia/Calcutta) are links, and the
 * name check above keeps the path inside the zoneinfo tree.
 */
int
check_timezone(const char *s)
{
	char		 path[128], magic[4];
	const char	*p;
	struct stat	 sb;
	size_t		 n = strlen(s);
	int		 fd, ok;

	if (n < 1 || n > 64 || s[0] == '/' || s[n - 1] == '/' ||
	    strstr(s, "//") != NULL || strstr(s, "..") != NULL)
		return 0;
	for (p = s; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && strchr("_+/-", *p) == NULL)
			return 0;
	snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", s);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return 0;
	ok = fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) &&
	    read(fd, magic, 4) == 4 && memcmp(magic, "TZif", 4) == 0;
	close(fd);
	return ok;
}

static const struct field user_add_fields[] = {
	{ "username", FT_STRING, F_REQUIRED, 3, 32, NULL, valid_username,
	    "Usernames are lower case: 3 to 32 of a-z, 0-9, dot, underscore "
	    "or dash, starting with a letter or digit." },
	{ "name", FT_STRING, F_REQUIRED, 1, 100, NULL, check_one_line,
	    "The name must be one line of text." },
	{ "role", FT_ENUM, F_REQUIRED, 0, 0, ROLE_CHOICES, NULL,
	    NULL },
	{ "password", FT_STRING, F_REQUIRED, 10, 128, NULL, valid_password,
	    "The password must be 10 to 128 characters, not all the same." },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL },
};

static const struct field user_patch_fields[] = {
	{ "version", FT_INT, F_REQUIRED, 1, ID_MAX, NULL, NULL,
	    NULL },
	{ "name", FT_STRING, 0, 1, 100, NULL, check_one_line,
	    "The name must be one line of text." },
	{ "role", FT_ENUM, 0, 0, 0, ROLE_CHOICES, NULL, NULL },
	{ "active", FT_BOOL, 0, 0, 0, NULL, NULL, NULL },
	{ "password", FT_STRING, 0, 10, 128, NULL, valid_password,
	    "The password must be 10 to 128 characters, not all the same." },
	{ "language", FT_ENUM, 0, 0, 0, "en,ta,hi", NULL, NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL },
};

/* Fee limit: Rs 1,00,000 (10,000,000 paise). */
#define FEE_MAX_PAISE	10000000LL

/* The largest margin of a pre-printed pad, top or left, in mm. */
#define PAD_MARGIN_MAX_MM	120

/* Optional text fields take null as "" (cleared). */
static const struct field copy_fields[] = {
	{ "dir", FT_STRING, F_NULLABLE, 0, BACKUP_COPY_DIR_MAX,
	    NULL, NULL, NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL },
};

static const struct field settings_fields[] = {
	{ "version", FT_INT, F_REQUIRED, 1, ID_MAX, NULL, NULL,
	    NULL },
	{ "clinic_name", FT_STRING, 0, 1, 100, NULL, check_one_line,
	    "The clinic name must be one line of text." },
	{ "doctor_name", FT_STRING, F_NULLABLE, 0, 100, NULL, NULL, NULL },
	{ "qualification", FT_STRING, F_NULLABLE, 0, 100, NULL, NULL, NULL },
	{ "registration_no", FT_STRING, F_NULLABLE, 0, 50, NULL, NULL, NULL },
	{ "address", FT_STRING, F_NULLABLE, 0, 500, NULL, NULL, NULL },
	{ "phone", FT_STRING, F_NULLABLE, 0, 30, NULL, check_phone_text,
	    "The phone may hold digits, spaces and + - ( ) / , only." },
	{ "consultation_fee_paise", FT_INT, 0, 0, FEE_MAX_PAISE, NULL, NULL,
	    NULL },
	{ "timezone", FT_STRING, 0, 1, 64, NULL, check_timezone,
	    "The time zone must be an IANA name this server knows, "
	    "e.g. Asia/Kolkata." },
	/* The prescription sheet: its paper, and pre-printed pads. */
	{ "paper", FT_ENUM, 0, 0, 0, "A5,A4", NULL, NULL },
	{ "print_letterhead", FT_BOOL, 0, 0, 0, NULL, NULL, NULL },
	{ "pad_margin_top_mm", FT_INT, 0, 0, PAD_MARGIN_MAX_MM, NULL, NULL,
	    NULL },
	{ "pad_margin_left_mm", FT_INT, 0, 0, PAD_MARGIN_MAX_MM, NULL, NULL,
	    NULL },
	{ "upi_vpa", FT_STRING, F_NULLABLE, 5, 100, NULL, valid_upi_vpa,
	    "The UPI ID must look like clinic@okaxis: letters, digits, "
	    ". _ - before the @ and the bank's handle after it." },
	/* Read-only (answered by GET); accepted so that a client may send
	 * back what it read, and ignored: the logo has its own route. */
	{ "logo_url", FT_STRING, F_NULLABLE, 0, 300, NULL, NULL, NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL },
};

/* The logo arrives as a data: URL; its base64 is 4/3 of the image. */
#define LOGO_BODY_MAX	(400 * 1024)

static const struct field logo_fields[] = {
	{ "data_url", FT_STRING, F_REQUIRED, 1, LOGO_BODY_MAX, NULL, NULL,
	    NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL },
};

static const struct route routes[] = {
	{ METHOD_GET, "/api/users", R_ADMIN, NULL, user_list, 0 },
	{ METHOD_POST, "/api/users", R_ADMIN, user_add_fields, user_create,
	    0 },
	{ METHOD_GET, "/api/users/{id}", R_ADMIN, NULL, user_get, 0 },
	{ METHOD_PATCH, "/api/users/{id}", R_ADMIN, user_patch_fields,
	    user_update, 0 },
	{ METHOD_POST, "/api/users/{id}/unlock", R_ADMIN, NULL, user_unlock,
	    0 },
	{ METHOD_GET, "/api/settings", R_STAFF, NULL, settings_get, 0 },
	{ METHOD_PUT, "/api/settings", R_ADMIN, settings_fields, settings_put,
	    0 },
	{ METHOD_GET, "/api/settings/logo", R_STAFF, NULL, logo_get, 0 },
	{ METHOD_PUT, "/api/settings/logo", R_ADMIN, logo_fields, logo_put,
	    LOGO_BODY_MAX },
	{ METHOD_DELETE, "/api/settings/logo", R_ADMIN, NULL, logo_delete,
	    0 },
	{ METHOD_GET, "/api/audit", R_ADMIN, NULL, auditlog_list, 0 },
	{ METHOD_GET, "/api/audit.csv", R_ADMIN, NULL, auditlog_csv, 0 },
	{ METHOD_GET, "/api/backups", R_ADMIN, NULL, backup_list, 0 },
	{ METHOD_POST, "/api/backups", R_ADMIN, NULL, backup_create, 0 },
	{ METHOD_GET, "/api/backups/copy", R_ADMIN, NULL, backup_copy_read, 0 },
	{ METHOD_PUT, "/api/backups/copy", R_ADMIN, copy_fields,
	    backup_copy_put, 0 },
	{ METHOD_GET, "/api/system", R_ADMIN, NULL, system_status, 0 },
	/* The banner's three warnings: the doctor must see them too. */
	{ METHOD_GET, "/api/system/warnings", R_ADMIN | R_DOCTOR, NULL,
	    system_warnings, 0 },
};

int
main(int argc, char **argv)
{
	nd_tick = audit_tick;	/* imports the audit journal in the background */
	nd_init = backup_init;	/* the backup module's statements */
	nd_fini = backup_fini;
	return nd_main(argc, argv, "admin", routes, ND_NELEM(routes), sql,
	    STMT__MAX, st);
}
