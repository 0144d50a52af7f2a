/*
 * patients.c — the `patients` program: register, read, edit and find
 * patients (front desk and doctor; the admin manages staff, not records).
 *
 * Finding a patient (GET /api/patients?q=) must stay fast on a million
 * records, so no query ranks every match.  Text is split into words
 * (search_words()); the answer is, in this order:
 *   A. names whose first word starts with the first query word (and that
 *      have a word starting with each other query word).  One word:
 *      alphabetically, a range scan of the index on lower(name) that stops
 *      at the limit.  Several: newest first, the FTS5 index patients_fts
 *      read in rowid order, keeping the names in that range;
 *   B. the other names with a word starting with every query word, newest
 *      first: patients_fts again, which also stops at the limit (but reads
 *      every match when B has fewer than a page: the slow case, about
 *      10 ms for "rav kum s", which nobody has, on a million patients).
 *   C. the other names that sound like the query, newest first: every
 *      query word's sound key (phonetic.c: "murugan", "முருகன்" and
 *      "मुरुगन" are all "murukn") a prefix of a word of the name's key,
 *      from the FTS5 index patients_sound (schema 007), in any script.
 * Digits (spaces, dashes, a +91 prefix ignored) find the patient whose
 * clinic number they are, then the phones that start with them, in phone
 * order (index patients_phone), then (four digits or more) the phones
 * that have them anywhere else, newest first (patients_phone_tri, a
 * trigram index).  An empty query lists the newest patients.  A page
 * that starts past a part needs the size of the parts before it: counted
 * only then.  schema/003_patient_search.sql explains the tokenizer (Indic
 * scripts).
 *
 * Dates of birth win over ages: a body that gives both keeps the date.
 * An age is stored with the day it was given (age_on), so the age shown
 * (computed in SQL, on the clinic's today) grows with time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nd.h"
#include "patient.h"
#include "phonetic.h"
#include "text.h"

/* A patient as the API shows it (jo_row); ?1 is today. */
#define PATIENT_COLUMNS \
	"SELECT p.id AS id, p.clinic_no AS clinic_no, p.name AS name," \
	" p.sex AS sex, p.dob AS dob, " PATIENT_AGE_ON("?1") " AS age_years," \
	" p.phone AS phone, p.address AS address, p.abha_id AS abha_id," \
	" p.allergies AS allergies, p.notes AS notes, p.version AS version," \
	" p.created_at AS created_at, p.updated_at AS updated_at," \
	" p.language AS language"

/* Part A of a name search: ?2 <= lower(name) < ?3. */
#define FIRST_WORD	"lower(p.name) >= ?2 AND lower(p.name) < ?3"

enum stmt {
	STMT_GET,
	STMT_EXISTS,
	STMT_INSERT,
	STMT_UPDATE,
	STMT_RECENT,
	STMT_NAME_FIRST,
	STMT_NAME_FIRST_ALL,
	STMT_NAME_FIRST_COUNT,
	STMT_NAME_FIRST_ALL_COUNT,
	STMT_NAME_OTHER,
	STMT_NAME_OTHER_COUNT,
	STMT_SOUND,
	STMT_SOUND_COUNT,
	STMT_CLINIC_ID,
	STMT_CLINIC_NO,
	STMT_CLINIC_NO_COUNT,
	STMT_PHONE,
	STMT_PHONE_COUNT,
	STMT_PHONE_IN,
	STMT_PHONE_IN_COUNT,
	STMT_DUP_PHONE,
	STMT_DUP_NAME,
	STMT_DUP_SOUND,
	STMT__MAX
};
static const char *const sql[STMT__MAX] = {
	/* STMT_GET */
	PATIENT_COLUMNS " FROM patients p WHERE p.id = ?2",
	/* STMT_EXISTS */
	"SELECT 1 FROM patients WHERE id = ?1",
	/* STMT_INSERT: the next clinic number, under BEGIN IMMEDIATE */
	"INSERT INTO patients (clinic_no, name, sex, dob, age_years, age_on,"
	" phone, address, abha_id, allergies, notes, created_at, updated_at,"
	" created_by, name_key, language) SELECT coalesce(max(clinic_no), 0) + 1,"
	" ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11, ?12, ?13,"
	" coalesce(?14, 'en') FROM patients",
	/* STMT_UPDATE: ?3 says which fields the body gave (enum pf) */
	"UPDATE patients SET"
	" name = CASE WHEN ?3 & 1 THEN ?4 ELSE name END,"
	" name_key = CASE WHEN ?3 & 1 THEN ?15 ELSE name_key END,"
	" sex = CASE WHEN ?3 & 2 THEN ?5 ELSE sex END,"
	" dob = CASE WHEN ?3 & 4 THEN ?6 ELSE dob END,"
	" age_years = CASE WHEN ?3 & 8 THEN ?7 ELSE age_years END,"
	" age_on = CASE WHEN ?3 & 8 THEN ?8 ELSE age_on END,"
	" phone = CASE WHEN ?3 & 16 THEN ?9 ELSE phone END,"
	" address = CASE WHEN ?3 & 32 THEN ?10 ELSE address END,"
	" abha_id = CASE WHEN ?3 & 64 THEN ?11 ELSE abha_id END,"
	" allergies = CASE WHEN ?3 & 128 THEN ?12 ELSE allergies END,"
	" notes = CASE WHEN ?3 & 256 THEN ?13 ELSE notes END,"
	" language = CASE WHEN ?3 & 512 THEN ?16 ELSE language END,"
	" version = version + 1, updated_at = ?14"
	" WHERE id = ?1 AND version = ?2",
	/* STMT_RECENT: ?4 limit, ?5 offset */
	PATIENT_COLUMNS " FROM patients p ORDER BY p.id DESC LIMIT ?4 OFFSET ?5",
	/* STMT_NAME_FIRST: part A, one word */
	PATIENT_COLUMNS " FROM patients p WHERE " FIRST_WORD
	" ORDER BY lower(p.name), p.id LIMIT ?4 OFFSET ?5",
	/* STMT_NAME_FIRST_ALL: part A, several words (?6 the FTS query) */
	PATIENT_COLUMNS " FROM patients_fts f JOIN patients p ON p.id = f.rowid"
	" WHERE patients_fts MATCH ?6 AND " FIRST_WORD
	" ORDER BY f.rowid DESC LIMIT ?4 OFFSET ?5",
	/* STMT_NAME_FIRST_COUNT */
	"SELECT count(*) FROM patients p WHERE " FIRST_WORD,
	/* STMT_NAME_FIRST_ALL_COUNT */
	"SELECT count(*) FROM patients_fts f JOIN patients p ON p.id = f.rowid"
	" WHERE patients_fts MATCH ?6 AND " FIRST_WORD,
	/* STMT_NAME_OTHER: part B, newest first */
	PATIENT_COLUMNS " FROM patients_fts f JOIN patients p ON p.id = f.rowid"
	" WHERE patients_fts MATCH ?6 AND NOT (" FIRST_WORD ")"
	" ORDER BY f.rowid DESC LIMIT ?4 OFFSET ?5",
	/* STMT_NAME_OTHER_COUNT */
	"SELECT count(*) FROM patients_fts f JOIN patients p ON p.id = f.rowid"
	" WHERE patients_fts MATCH ?6 AND NOT (" FIRST_WORD ")",
	/* STMT_SOUND: part C (?7 the sound keys' FTS5 query), newest first,
	 * without A and B (the names matching ?6: read once into a set, small
	 * whenever a page reaches C — a MATCH per row costs a doclist merge) */
	PATIENT_COLUMNS " FROM patients_sound k JOIN patients p ON p.id = k.rowid"
	" WHERE patients_sound MATCH ?7 AND NOT (" FIRST_WORD ") AND p.id NOT IN"
	" (SELECT rowid FROM patients_fts WHERE patients_fts MATCH ?6)"
	" ORDER BY k.rowid DESC LIMIT ?4 OFFSET ?5",
	/* STMT_SOUND_COUNT */
	"SELECT count(*) FROM patients_sound k JOIN patients p ON p.id = k.rowid"
	" WHERE patients_sound MATCH ?7 AND NOT (" FIRST_WORD ") AND p.id NOT IN"
	" (SELECT rowid FROM patients_fts WHERE patients_fts MATCH ?6)",
	/* STMT_CLINIC_ID: ?2 the number */
	"SELECT id FROM patients WHERE clinic_no = ?2",
	/* STMT_CLINIC_NO: ?2 the number */
	PATIENT_COLUMNS " FROM patients p WHERE p.clinic_no = ?2"
	" LIMIT ?4 OFFSET ?5",
	/* STMT_CLINIC_NO_COUNT */
	"SELECT count(*) FROM patients WHERE clinic_no = ?2",
	/* STMT_PHONE: phones starting with the digits, but patient ?6 */
	PATIENT_COLUMNS " FROM patients p WHERE p.phone >= ?2 AND p.phone < ?3"
	" AND p.id IS NOT ?6 ORDER BY p.phone, p.id LIMIT ?4 OFFSET ?5",
	/* STMT_PHONE_COUNT */
	"SELECT count(*) FROM patients p WHERE p.phone >= ?2 AND p.phone < ?3"
	" AND p.id IS NOT ?6",
	/* STMT_PHONE_IN: the digits elsewhere in the phone (?7 the trigram
	 * query), newest first, but patient ?6 */
	PATIENT_COLUMNS " FROM patients_phone_tri x JOIN patients p"
	" ON p.id = x.rowid WHERE patients_phone_tri MATCH ?7"
	" AND NOT (p.phone >= ?2 AND p.phone < ?3) AND p.id IS NOT ?6"
	" ORDER BY x.rowid DESC LIMIT ?4 OFFSET ?5",
	/* STMT_PHONE_IN_COUNT */
	"SELECT count(*) FROM patients_phone_tri x JOIN patients p"
	" ON p.id = x.rowid WHERE patients_phone_tri MATCH ?7"
	" AND NOT (p.phone >= ?2 AND p.phone < ?3) AND p.id IS NOT ?6",
	/* STMT_DUP_PHONE */
	PATIENT_COLUMNS " FROM patients p WHERE p.phone = ?2"
	" ORDER BY p.id DESC LIMIT ?4",
	/* STMT_DUP_NAME: the same name (case aside) or the same sound (?5
	 * the key), another phone */
	PATIENT_COLUMNS " FROM patients p WHERE (lower(p.name) = ?2"
	" OR p.name_key = ?5) AND (?3 IS NULL OR p.phone IS NOT ?3)"
	" ORDER BY p.id DESC LIMIT ?4",
	/* STMT_DUP_SOUND: names of several words that sound like it (?7 the
	 * keys' FTS5 query, the first key word ?2..?3), newest first */
	PATIENT_COLUMNS " FROM patients_sound k JOIN patients p ON p.id = k.rowid"
	" WHERE patients_sound MATCH ?7 AND p.name_key >= ?2"
	" AND p.name_key < ?3 ORDER BY k.rowid DESC LIMIT ?4",
};
_Static_assert(ND_NELEM(sql) == STMT__MAX, "patients sql");
static sqlite3_stmt *st[STMT__MAX];

/* Limits of a patient's fields (characters). */
#define NAME_MAX_CHARS	100	/* after trimming and collapsing spaces */
#define NAME_RAW_CHARS	400	/* as sent */
#define ADDRESS_CHARS	300
#define ALLERGIES_CHARS	300
#define NOTES_CHARS	1000
#define AGE_MAX		130
#define NAME_BUF	(NAME_RAW_CHARS * 4 + 1)

/* Limits of a search. */
#define Q_BYTES		256	/* longest ?q= (bytes, decoded) */
#define Q_WORDS		8	/* words of ?q= used; more are ignored */
#define DUP_MAX		10	/* duplicate candidates at most */
#define PHONE_IN_MIN	4	/* digits that may match inside a phone */

/* Fields of a PATCH body, the bits of STMT_UPDATE's ?3. */
enum pf {
	PF_NAME = 1,
	PF_SEX = 2,
	PF_DOB = 4,
	PF_AGE = 8,
	PF_PHONE = 16,
	PF_ADDRESS = 32,
	PF_ABHA = 64,
	PF_ALLERGIES = 128,
	PF_NOTES = 256,
	PF_LANGUAGE = 512
};

/*
 * Writes S trimmed, with every run of white space made one space, into
 * OUT of SIZE bytes (never shorter than S: the result is no longer);
 * sets *LETTER if it has a letter (ASCII or any non-ASCII character).
 * OUT may be S.  Returns the number of characters written.
 */
static size_t
name_norm(const char *s, char *out, size_t size, int *letter)
{
	size_t		 o = 0;
	int		 space = 0;
	unsigned char	 c;

	*letter = 0;
	for (; *s != '\0' && o + 2 < size; s++) {
		c = (unsigned char)*s;
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			space = o > 0;
			continue;
		}
		if (space)
			out[o++] = ' ';
		space = 0;
		out[o++] = (char)c;
		if (c >= 0x80 || (unsigned)((c | 0x20) - 'a') < 26u)
			*letter = 1;
	}
	out[o] = '\0';
	return valid_utf8_chars(out);
}

/*
 * The name of a body, NAME, in normal form (text_norm(): NFKC, white
 * space collapsed) into OUT (NAME_BUF bytes).  Returns 422 after writing
 * the error if it holds a refused character (lib/text.c), is empty,
 * longer than NAME_MAX_CHARS or has no letter, else 0.
 */
static int
name_clean(struct req *r, const char *name, char *out)
{
	enum text_refusal	 why;
	size_t			 chars;
	int			 letter, rc;

	if ((rc = text_norm(name, out, NAME_BUF, &why, NULL)) == 0)
		return http_errorf(r, 422, "invalid", "name",
		    "The name cannot be saved as typed. %s", text_why(why));
	if (rc < 0)
		return http_error(r, 422, "invalid",
		    "The name must be at most 100 characters long.", "name");
	chars = name_norm(out, out, NAME_BUF, &letter);
	if (chars == 0)
		return http_error(r, 422, "invalid", "Enter the patient's name.",
		    "name");
	if (chars > NAME_MAX_CHARS)
		return http_error(r, 422, "invalid",
		    "The name must be at most 100 characters long.", "name");
	if (!letter)
		return http_error(r, 422, "invalid",
		    "The name must have letters in it.", "name");
	return 0;
}

/*
 * A search text Q (NUL-terminated, SIZE bytes of room) in the normal form
 * of stored names, in place, so that what was typed decomposed or in
 * fullwidth letters finds its twin.  A text with a refused character is
 * left as it is (no stored name has one).
 */
static void
query_norm(char *q, size_t size)
{
	enum text_refusal	 why;
	char			 buf[Q_BYTES * 3];

	if (text_norm(q, buf, sizeof(buf), &why, NULL) == 1 &&
	    strlen(buf) < size)
		memcpy(q, buf, strlen(buf) + 1);
}

/*
 * The sound key of the stored name NAME into KEY (PHON_KEY_MAX bytes):
 * phon_key(), its whole words when it is too long.  ICU failing leaves an
 * empty key: the patient is still found as written.
 */
static void
name_key(const char *name, char *key)
{
	(void)phon_key(name, key, PHON_KEY_MAX);
}

/* Optional text: NULL when absent, null, or only white space. */
static const char *
opt_text(struct req *r, const char *key)
{
	const char	*s = json_str(r->json, key), *p;

	if (s == NULL)
		return NULL;
	for (p = s; *p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'; p++)
		continue;
	return *p == '\0' ? NULL : s;
}

/*
 * Writes patient ID as one object (today TODAY).
 * Returns 1, 0 if there is none, or <0 (the SQLite error, negated).
 */
static int
patient_json(struct req *r, long long id, const char *today)
{
	sqlite3_stmt	*s = st[STMT_GET];
	int		 rc;

	db_bind_text(s, 1, today);
	db_bind_int(s, 2, id);
	if ((rc = db_step(s)) == SQLITE_ROW)
		jo_row(r, s);
	db_reset(s);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -rc;
}

/* The 404 of a patient. */
static int
not_found(struct req *r)
{
	return http_error(r, 404, "not_found", "There is no such patient.",
	    NULL);
}

/* GET /api/patients/{id}: 200 the patient, 404; audited patient.read. */
static int
patient_get(struct req *r)
{
	char	 today[11];
	int	 rc;

	db_today(today);
	if ((rc = patient_json(r, r->param[0], today)) < 0)
		return db_fail(r, -rc);
	if (rc == 0)
		return not_found(r);
	if ((rc = audit(r, "patient.read", "patient", r->param[0],
	    r->param[0])) != SQLITE_OK)
		return db_fail(r, rc);
	return 200;
}

/*
 * Checks the date of birth DOB (NULL: none given): a real calendar date,
 * written YYYY-MM-DD, from 1900 and not after TODAY.  Returns 0, or 422
 * after writing the error.
 */
static int
dob_check(struct req *r, const char *dob, const char *today)
{
	if (dob == NULL)
		return 0;
	if (!valid_date(dob))
		return http_error(r, 422, "invalid", strlen(dob) == 10 &&
		    strncmp(dob, "1900", 4) < 0 && dob[4] == '-' ?
		    "The date of birth cannot be before 1900." :
		    "Write the date of birth as YYYY-MM-DD, a real date.",
		    "dob");
	if (strcmp(dob, today) > 0)
		return http_error(r, 422, "invalid",
		    "The date of birth cannot be in the future.", "dob");
	return 0;
}

/*
 * Normalises phone PH (NULL: not given) into OUT with valid_phone_clean().
 * Returns 0, or 422 naming the field.
 */
static int
phone_check(struct req *r, const char *ph, char *out)
{
	if (ph != NULL && !valid_phone_clean(ph, out))
		return http_error(r, 422, "invalid",
		    "Enter a 10-digit mobile number (98765 43210) or a landline "
		    "with its STD code (044 2345 6789).", "phone");
	return 0;
}

/*
 * POST /api/patients {name, sex, dob?, age_years?, phone?, address?,
 * abha_id?, allergies?, notes?, language?}: 201 the patient with the next clinic
 * number; 422 naming the field.  Audited patient.create.
 */
static int
patient_create(struct req *r)
{
	char		 name[NAME_BUF], phone[VALID_PHONE_BUF], today[11], now[21];
	char		 key[PHON_KEY_MAX];
	const char	*dob = opt_text(r, "dob");
	const char	*ph = json_str(r->json, "phone");
	sqlite3_stmt	*s = st[STMT_INSERT];
	long long	 age = -1, id;
	int		 rc;

	db_today(today);
	db_now(now);
	if ((rc = name_clean(r, json_str(r->json, "name"), name)) != 0 ||
	    (rc = dob_check(r, dob, today)) != 0)
		return rc;
	if (dob == NULL && !json_int(r->json, "age_years", &age))
		return http_error(r, 422, "invalid",
		    "Enter the date of birth or the age in years.", "dob");
	if ((rc = phone_check(r, ph, phone)) != 0)
		return rc;

	if ((rc = db_begin()) != SQLITE_OK)
		return db_fail(r, rc);
	db_bind_text(s, 1, name);
	db_bind_text(s, 2, json_str(r->json, "sex"));
	if (dob != NULL)
		db_bind_text(s, 3, dob);
	else {
		db_bind_int(s, 4, age);
		db_bind_text(s, 5, today);
	}
	if (ph != NULL && phone[0] != '\0')
		db_bind_text(s, 6, phone);
	db_bind_text(s, 7, opt_text(r, "address"));
	db_bind_text(s, 8, opt_text(r, "abha_id"));
	db_bind_text(s, 9, opt_text(r, "allergies"));
	db_bind_text(s, 10, opt_text(r, "notes"));
	db_bind_text(s, 11, now);
	db_bind_int(s, 12, r->user.id);
	name_key(name, key);
	db_bind_text(s, 13, key);
	db_bind_text(s, 14, json_str(r->json, "language"));
	rc = db_step(s);
	db_reset(s);
	if (rc != SQLITE_DONE)
		return db_fail(r, rc);
	id = sqlite3_last_insert_rowid(db);
	if ((rc = audit(r, "patient.create", "patient", id, id)) != SQLITE_OK)
		return db_fail(r, rc);
	if ((rc = patient_json(r, id, today)) != 1)
		return db_fail(r, rc < 0 ? -rc : SQLITE_INTERNAL);
	if ((rc = db_commit()) != SQLITE_OK)
		return db_fail(r, rc);
	return 201;
}

/*
 * PATCH /api/patients/{id} {version, name?, sex?, dob?, age_years?,
 * phone?, address?, abha_id?, allergies?, notes?, language?}: 200 the patient; null
 * clears an optional field.  A date of birth clears the age and an age
 * clears the date of birth (both given: the date wins); clearing the one
 * the patient has without giving the other is 422.  404; 409
 * stale_version (nothing changed); 422.  Audited patient.update.
 */
/* Reads the same fields as patient_create() (same locals), but each may be
 * absent or null here: the two stay apart, the checks they share are the
 * field tables' and opt_text()'s. */
static int
patient_update(struct req *r)
{
	char		 name[NAME_BUF], phone[VALID_PHONE_BUF], today[11], now[21];
	char		 key[PHON_KEY_MAX];
	const char	*dob = opt_text(r, "dob");
	const char	*ph = json_str(r->json, "phone");
	sqlite3_stmt	*s = st[STMT_UPDATE];
	long long	 id = r->param[0], version = 0, age = -1;
	unsigned	 mask = 0;
	int		 rc, changed;

	db_today(today);
	db_now(now);
	json_int(r->json, "version", &version);
	if (json_has(r->json, "name") &&
	    (rc = name_clean(r, json_str(r->json, "name"), name)) != 0)
		return rc;
	if ((rc = dob_check(r, dob, today)) != 0)
		return rc;
	if ((rc = phone_check(r, ph, phone)) != 0)
		return rc;
	json_int(r->json, "age_years", &age);

	db_bind_int(s, 1, id);
	db_bind_int(s, 2, version);
	if (json_has(r->json, "name")) {
		mask |= PF_NAME;
		db_bind_text(s, 4, name);
		name_key(name, key);
		db_bind_text(s, 15, key);
	}
	if (json_has(r->json, "sex")) {
		mask |= PF_SEX;
		db_bind_text(s, 5, json_str(r->json, "sex"));
	}
	if (dob != NULL) {		/* the date wins; the age goes */
		mask |= PF_DOB | PF_AGE;
		db_bind_text(s, 6, dob);
	} else if (age >= 0) {		/* an age replaces the date */
		mask |= PF_DOB | PF_AGE;
		db_bind_int(s, 7, age);
		db_bind_text(s, 8, today);
	} else {			/* nulls: the CHECK keeps one */
		if (json_has(r->json, "dob"))
			mask |= PF_DOB;
		if (json_has(r->json, "age_years"))
			mask |= PF_AGE;
	}
	if (json_has(r->json, "phone")) {
		mask |= PF_PHONE;
		if (ph != NULL && phone[0] != '\0')
			db_bind_text(s, 9, phone);
	}
	if (json_has(r->json, "address")) {
		mask |= PF_ADDRESS;
		db_bind_text(s, 10, opt_text(r, "address"));
	}
	if (json_has(r->json, "abha_id")) {
		mask |= PF_ABHA;
		db_bind_text(s, 11, opt_text(r, "abha_id"));
	}
	if (json_has(r->json, "allergies")) {
		mask |= PF_ALLERGIES;
		db_bind_text(s, 12, opt_text(r, "allergies"));
	}
	if (json_has(r->json, "notes")) {
		mask |= PF_NOTES;
		db_bind_text(s, 13, opt_text(r, "notes"));
	}
	if (json_has(r->json, "language")) {
		mask |= PF_LANGUAGE;
		db_bind_text(s, 16, json_str(r->json, "language"));
	}
	db_bind_int(s, 3, mask);
	db_bind_text(s, 14, now);

	if ((rc = db_begin()) != SQLITE_OK) {
		db_reset(s);
		return db_fail(r, rc);
	}
	rc = db_step(s);
	db_reset(s);
	if (rc == SQLITE_CONSTRAINT_CHECK) {
		db_rollback();
		return http_error(r, 422, "invalid",
		    "Enter the date of birth or the age in years.",
		    json_has(r->json, "dob") ? "dob" : "age_years");
	}
	if (rc != SQLITE_DONE)
		return db_fail(r, rc);
	changed = sqlite3_changes(db);
	if (changed == 0) {
		s = st[STMT_EXISTS];
		db_bind_int(s, 1, id);
		rc = db_step(s);
		db_reset(s);
		db_rollback();
		if (rc == SQLITE_DONE)
			return not_found(r);
		if (rc != SQLITE_ROW)
			return db_fail(r, rc);
		return http_error(r, 409, "stale_version",
		    "Someone else changed this patient since you opened it. "
		    "Reload to see their changes.", "version");
	}
	if ((rc = audit(r, "patient.update", "patient", id, id)) != SQLITE_OK)
		return db_fail(r, rc);
	if ((rc = patient_json(r, id, today)) != 1)
		return db_fail(r, rc < 0 ? -rc : SQLITE_INTERNAL);
	if ((rc = db_commit()) != SQLITE_OK)
		return db_fail(r, rc);
	return 200;
}

/* --- search ------------------------------------------------------- */

/* What a query asks for. */
enum qkind {
	QK_RECENT,	/* empty: the newest patients */
	QK_NAME,	/* words of a name */
	QK_DIGITS,	/* a clinic number or the start of a phone */
	QK_NOTHING,	/* only punctuation: no patient can match */
	QK__MAX
};

struct query {
	enum qkind	 kind;
	int		 nwords;
	char		 key[Q_BYTES];		/* first word, or the digits */
	char		 key_end[Q_BYTES];	/* just after all KEY starts */
	char		 fts[Q_BYTES * 2 + Q_WORDS * 4];  /* "w1"* "w2"* */
	char		 sound[PHON_KEY_MAX + Q_WORDS * 4]; /* "k1"* "k2"*, or
					 * (digits, 4 or more) "digits" */
	char		 skey[PHON_KEY_MAX];	/* first sound key word */
	char		 skey_end[PHON_KEY_MAX];
};

/* One part of an answer: its rows statement and the one counting them. */
struct part {
	enum stmt	 rows;
	enum stmt	 count;
};

/* The smallest string above every string starting with KEY, into END. */
static void
key_after(const char *key, char *end)
{
	size_t	 n = strlen(key);

	memcpy(end, key, n + 1);
	/* UTF-8 has no 0xff byte, so the last byte can always grow. */
	if (n > 0)
		end[n - 1] = (char)((unsigned char)end[n - 1] + 1);
}

/* A byte that belongs to a word: ASCII letter or digit, or non-ASCII. */
static int
word_byte(unsigned char c)
{
	return c >= 0x80 || (c >= '0' && c <= '9') ||
	    (unsigned)((c | 0x20) - 'a') < 26u;
}

/*
 * Q made of digits, spaces, dashes and brackets, perhaps after "+91":
 * writes the digits into OUT->key (a leading trunk 0 of an 11-digit
 * number dropped).  Returns 1 if Q is such and has a digit.
 */
static int
search_digits(const char *q, struct query *out)
{
	size_t	 n = 0;

	while (*q == ' ')
		q++;
	if (strncmp(q, "+91", 3) == 0)
		q += 3;
	for (; *q != '\0'; q++) {
		if (*q >= '0' && *q <= '9')
			out->key[n++] = *q;
		else if (strchr(" -()", *q) == NULL)
			return 0;
	}
	out->key[n] = '\0';
	if (n == 11 && out->key[0] == '0' && out->key[1] >= '6')
		memmove(out->key, out->key + 1, n--);	/* a mobile's trunk 0 */
	key_after(out->key, out->key_end);
	if (n >= PHONE_IN_MIN)
		snprintf(out->sound, sizeof(out->sound), "\"%s\"", out->key);
	return n > 0;
}

/*
 * Splits Q into words for a name search: a word is a run of ASCII letters
 * and digits and of any non-ASCII characters (other scripts).  ASCII
 * punctuation, quotes and FTS5 syntax ('"', '*', '(', ':', '^', '-', '+')
 * only separate words, so none of it reaches FTS5 outside a quoted string,
 * and "OR", "NEAR" are plain words.  ASCII letters are lower-cased.  Fills
 * OUT with the first word (key, key_end) and the FTS5 query: each word a
 * quoted prefix, all required ("w1"* "w2"*).  Returns the number of words
 * (at most Q_WORDS: the rest are ignored).
 */
static int
search_words(const char *q, struct query *out)
{
	char		*f = out->fts, *k = out->key;
	unsigned char	 c;
	int		 inword = 0;

	out->nwords = 0;
	for (;; q++) {
		c = (unsigned char)*q;
		if (word_byte(c)) {
			if (!inword) {
				if (out->nwords == Q_WORDS)
					break;
				if (out->nwords > 0)
					*f++ = ' ';
				*f++ = '"';
				inword = 1;
			}
			if (c >= 'A' && c <= 'Z')
				c |= 0x20;
			*f++ = (char)c;
			if (out->nwords == 0)
				*k++ = (char)c;
			continue;
		}
		if (inword) {
			*f++ = '"';
			*f++ = '*';
			inword = 0;
			out->nwords++;
		}
		if (c == '\0')
			break;
	}
	*f = '\0';
	*k = '\0';
	key_after(out->key, out->key_end);
	return out->nwords;
}

/*
 * The sound keys of the words of Q (phon_key()) as an FTS5 query into
 * OUT->sound, each key word a quoted prefix, all required ("k1"* "k2"*;
 * keys are only a-z), at most Q_WORDS; the first key word into OUT->skey
 * and OUT->skey_end.  OUT->sound is "" when Q has nothing to sound out.
 */
static void
search_sound(const char *q, struct query *out)
{
	char		 key[PHON_KEY_MAX], *w, *save = NULL, *f = out->sound;
	int		 n = 0;

	out->sound[0] = out->skey[0] = out->skey_end[0] = '\0';
	if (phon_key(q, key, sizeof(key)) < 0 && key[0] == '\0')
		return;
	for (w = strtok_r(key, " ", &save); w != NULL && n < Q_WORDS;
	    w = strtok_r(NULL, " ", &save), n++) {
		if (n == 0) {
			snprintf(out->skey, sizeof(out->skey), "%s", w);
			key_after(out->skey, out->skey_end);
		}
		f += snprintf(f, sizeof(out->sound) - (size_t)(f - out->sound),
		    "%s\"%s\"*", n > 0 ? " " : "", w);
	}
}

/* Classifies the text Q (decoded ?q=) into OUT. */
static void
search_parse(const char *q, struct query *out)
{
	const char	*p;

	memset(out, 0, sizeof(*out));
	for (p = q; *p == ' ' || *p == '\t'; p++)
		continue;
	if (*p == '\0')
		out->kind = QK_RECENT;
	else if (search_digits(q, out))
		out->kind = QK_DIGITS;
	else if (search_words(q, out) > 0) {
		out->kind = QK_NAME;
		search_sound(q, out);
	} else
		out->kind = QK_NOTHING;
}

/*
 * Binds what a search statement may use: ?1 today, ?2 key, ?3 key_end,
 * ?4 limit, ?5 offset, ?6 the FTS5 query or (digits) the patient to leave
 * out, ?7 the sound keys' FTS5 query or (digits) the trigram query.  A
 * statement without some of them ignores those (SQLITE_RANGE).
 */
static void
search_bind(sqlite3_stmt *s, const struct query *q, const char *today,
    long long limit, long long offset, long long except)
{
	db_bind_text(s, 1, today);
	db_bind_text(s, 2, q->key);
	db_bind_text(s, 3, q->key_end);
	db_bind_int(s, 4, limit);
	db_bind_int(s, 5, offset);
	if (q->kind == QK_NAME)
		db_bind_text(s, 6, q->fts);
	else if (except > 0)
		db_bind_int(s, 6, except);
	if (q->sound[0] != '\0')
		db_bind_text(s, 7, q->sound);
}

/*
 * Runs search statement S (bound), writing rows into the open array while
 * *ROOM lasts and setting *MORE if a row is left over.  Returns the rows
 * read, or <0 (the SQLite error, negated).  S is reset.
 */
static long long
search_rows(struct req *r, sqlite3_stmt *s, long long *room, int *more)
{
	long long	 n;
	int		 rc;

	if ((rc = jo_rows_max(r, s, *room, &n)) != SQLITE_OK)
		return -rc;
	if (n > *room)
		*more = 1;
	*room -= n < *room ? n : *room;
	return n;
}

/* Steps count statement S (bound).  Returns the count or <0. */
static long long
search_count(sqlite3_stmt *s)
{
	long long	 n;
	int		 rc;

	if ((rc = db_step(s)) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	else
		n = rc == SQLITE_DONE ? 0 : -rc;
	db_reset(s);
	return n;
}

/*
 * One page (LIMIT rows from OFFSET) of the NPARTS parts one after the
 * other into the open array, asking each for one row more than the room
 * left to set *MORE.  A part's size is known from its rows, unless the
 * page starts past its end: then its count statement counts it (the only
 * time a search counts).  EXCEPT: bound as ?6 for digits (search_bind).
 * Returns 0, or the SQLite error.
 */
static int
search_parts(struct req *r, const struct query *q, const char *today,
    const struct part *parts, int nparts, long long limit, long long offset,
    long long except, int *more)
{
	long long	 room = limit, skip = offset, got, size;
	int		 i;

	for (i = 0; i < nparts; i++) {
		search_bind(st[parts[i].rows], q, today, room + 1, skip, except);
		if ((got = search_rows(r, st[parts[i].rows], &room, more)) < 0)
			return (int)-got;
		if (*more)
			return 0;
		if (got > 0 || skip == 0)
			size = skip + got;
		else {
			search_bind(st[parts[i].count], q, today, 0, 0, except);
			if ((size = search_count(st[parts[i].count])) < 0)
				return (int)-size;
		}
		skip = skip > size ? skip - size : 0;
	}
	return 0;
}

/* The parts of each kind of query (the top of this file). */
static const struct part parts_one_word[] = {
	{ STMT_NAME_FIRST, STMT_NAME_FIRST_COUNT },
	{ STMT_NAME_OTHER, STMT_NAME_OTHER_COUNT },
	{ STMT_SOUND, STMT_SOUND_COUNT },
};
static const struct part parts_words[] = {
	{ STMT_NAME_FIRST_ALL, STMT_NAME_FIRST_ALL_COUNT },
	{ STMT_NAME_OTHER, STMT_NAME_OTHER_COUNT },
	{ STMT_SOUND, STMT_SOUND_COUNT },
};
static const struct part parts_digits[] = {
	{ STMT_CLINIC_NO, STMT_CLINIC_NO_COUNT },
	{ STMT_PHONE, STMT_PHONE_COUNT },
	{ STMT_PHONE_IN, STMT_PHONE_IN_COUNT },
};

/*
 * Digits: the patient with that clinic number (0 or 1), the phones
 * starting with them, then (PHONE_IN_MIN digits or more) the phones that
 * have them elsewhere; the clinic number's patient once.
 */
static int
search_page_digits(struct req *r, const struct query *q, const char *today,
    long long limit, long long offset, int *more)
{
	sqlite3_stmt	*s = st[STMT_CLINIC_ID];
	long long	 except = 0;
	int		 rc;

	db_bind_text(s, 2, q->key);
	if ((rc = db_step(s)) == SQLITE_ROW)
		except = sqlite3_column_int64(s, 0);
	db_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return rc;
	return search_parts(r, q, today, parts_digits,
	    q->sound[0] != '\0' ? 3 : 2, limit, offset, except, more);
}

/*
 * GET /api/patients?q=&limit=&offset=: 200 {patients:[...], more}, best
 * matches first (see the top of this file); more: another page exists.
 * 422 for a bad parameter.  Audited patient.search: one row, no patient,
 * whose detail holds the query and the ids returned (audit_list()).
 */
static int
patient_search(struct req *r)
{
	char		 qtext[Q_BYTES], today[11];
	struct query	 q;
	long long	 limit, offset, room, got;
	int		 rc = 0, more = 0;

	if ((rc = req_paging(r, &limit, &offset)) != 0)
		return rc;
	if ((rc = req_query(r, "q", qtext, sizeof(qtext))) < 0)
		return http_error(r, 422, "invalid_parameter",
		    "The search text is too long or not valid text.", "q");
	if (rc == 0)
		qtext[0] = '\0';
	query_norm(qtext, sizeof(qtext));
	search_parse(qtext, &q);
	db_today(today);
	audit_listing(r);	/* the ids go into the audit row */

	jo_open(r);
	jo_arr(r, "patients");
	rc = 0;
	switch (q.kind) {
	case QK_RECENT:
		room = limit;
		search_bind(st[STMT_RECENT], &q, today, limit + 1, offset, 0);
		got = search_rows(r, st[STMT_RECENT], &room, &more);
		rc = got < 0 ? (int)-got : 0;
		break;
	case QK_NAME:
		rc = search_parts(r, &q, today,
		    q.nwords == 1 ? parts_one_word : parts_words,
		    q.sound[0] != '\0' ? 3 : 2, limit, offset, 0, &more);
		break;
	case QK_DIGITS:
		rc = search_page_digits(r, &q, today, limit, offset, &more);
		break;
	case QK_NOTHING:
		break;
	default:
		abort();
	}
	if (rc != 0)
		return db_fail(r, rc);
	jo_arr_close(r);
	jo_bool(r, "more", more);
	jo_close(r);
	if ((rc = audit_list(r, "patient.search", "patient")) != SQLITE_OK)
		return db_fail(r, rc);
	return 200;
}

/*
 * Writes the rows of statement S (bound) as candidates while *ROOM lasts,
 * but those already written (SEEN, *NSEEN of them: the same phone's are
 * listed first).  Returns 0, or the SQLite error.  S is reset.
 */
static int
dup_rows(struct req *r, sqlite3_stmt *s, long long *seen, int *nseen,
    long long *room)
{
	long long	 id;
	int		 rc = SQLITE_DONE, i;

	while (*room > 0 && (rc = db_step(s)) == SQLITE_ROW) {
		id = sqlite3_column_int64(s, 0);
		for (i = 0; i < *nseen && seen[i] != id; i++)
			continue;
		if (i < *nseen)
			continue;
		seen[(*nseen)++] = id;
		jo_row(r, s);
		(*room)--;
	}
	if (*room == 0)
		rc = SQLITE_DONE;
	db_reset(s);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : rc;
}

/*
 * GET /api/patients/duplicates?name=&phone=: 200 {candidates:[...]}, at
 * most DUP_MAX patients who may be the one about to be registered; the
 * registration form asks before it saves:
 *   1. the same mobile number (normalised as on registration), newest
 *      first;
 *   2. for a name of several words, the names whose first word starts
 *      with the first word given and that have a word starting with each
 *      other word ("Ravi Kumar" finds "Ravi Kumaran" and "Ravindra S
 *      Kumar"), newest first; then the same by the words' sounds, in any
 *      script ("Ravi Kumar" finds "ரவி குமார்"); for a one-word name only
 *      that same name, case aside, or the same sound ("Murugan" finds
 *      "முருகன்", not every "Ravi...").
 * Sex and age are not asked for: the form calls this before they are
 * known, and the staff decide from the list.  422 for an unusable phone
 * or name.  Audited patient.search with the query and the ids returned.
 */
static int
patient_duplicates(struct req *r)
{
	char		 nbuf[Q_BYTES], pbuf[32], phone[VALID_PHONE_BUF] = "";
	char		 name[Q_BYTES], today[11], key[PHON_KEY_MAX];
	struct query	 q;
	sqlite3_stmt	*s;
	long long	 room = DUP_MAX, seen[DUP_MAX];
	int		 rc, letter, nseen = 0;
	size_t		 i;

	if ((rc = req_query(r, "name", nbuf, sizeof(nbuf))) < 0)
		return http_error(r, 422, "invalid_parameter",
		    "The name is too long or not valid text.", "name");
	if (rc == 0)
		nbuf[0] = '\0';
	query_norm(nbuf, sizeof(nbuf));
	if ((rc = req_query(r, "phone", pbuf, sizeof(pbuf))) < 0 ||
	    (rc == 1 && !valid_phone_clean(pbuf, phone)))
		return http_error(r, 422, "invalid_parameter",
		    "Enter a 10-digit mobile number or a landline with its STD "
		    "code.", "phone");
	db_today(today);
	audit_listing(r);	/* the ids go into the audit row */
	memset(&q, 0, sizeof(q));
	q.kind = QK_NAME;
	search_words(nbuf, &q);
	/* The name as it would be stored, lower-cased as lower() does. */
	name_norm(nbuf, name, sizeof(name), &letter);
	for (i = 0; name[i] != '\0'; i++)
		if (name[i] >= 'A' && name[i] <= 'Z')
			name[i] |= 0x20;

	search_sound(nbuf, &q);
	name_key(name, key);

	jo_open(r);
	jo_arr(r, "candidates");
	if (phone[0] != '\0') {
		s = st[STMT_DUP_PHONE];
		db_bind_text(s, 1, today);
		db_bind_text(s, 2, phone);
		db_bind_int(s, 4, DUP_MAX);
		if ((rc = dup_rows(r, s, seen, &nseen, &room)) != 0)
			return db_fail(r, rc);
	}
	if (q.nwords == 1 && room > 0) {
		s = st[STMT_DUP_NAME];
		db_bind_text(s, 1, today);
		db_bind_text(s, 2, name);
		if (phone[0] != '\0')
			db_bind_text(s, 3, phone);
		db_bind_int(s, 4, DUP_MAX);
		if (key[0] != '\0')
			db_bind_text(s, 5, key);
		if ((rc = dup_rows(r, s, seen, &nseen, &room)) != 0)
			return db_fail(r, rc);
	} else if (q.nwords > 1) {
		s = st[STMT_NAME_FIRST_ALL];
		search_bind(s, &q, today, DUP_MAX * 2, 0, 0);
		if ((rc = dup_rows(r, s, seen, &nseen, &room)) != 0)
			return db_fail(r, rc);
		if (q.sound[0] != '\0' && room > 0) {
			s = st[STMT_DUP_SOUND];
			db_bind_text(s, 1, today);
			db_bind_text(s, 2, q.skey);
			db_bind_text(s, 3, q.skey_end);
			db_bind_int(s, 4, DUP_MAX * 2);
			db_bind_text(s, 7, q.sound);
			if ((rc = dup_rows(r, s, seen, &nseen, &room)) != 0)
				return db_fail(r, rc);
		}
	}
	jo_arr_close(r);
	jo_close(r);
	if ((rc = audit_list(r, "patient.search", "patient")) != SQLITE_OK)
		return db_fail(r, rc);
	return 200;
}

static const struct field create_fields[] = {
	{ "name", FT_STRING, F_REQUIRED, 1, NAME_RAW_CHARS, NULL, NULL, NULL },
	{ "sex", FT_ENUM, F_REQUIRED, 0, 0, "M,F,O", NULL, NULL },
	{ "dob", FT_STRING, F_NULLABLE, 0, 40, NULL, NULL, NULL },
	{ "age_years", FT_INT, F_NULLABLE, 0, AGE_MAX, NULL, NULL, NULL },
	{ "phone", FT_STRING, F_NULLABLE, 0, 20, NULL, NULL, NULL },
	{ "address", FT_STRING, F_NULLABLE, 0, ADDRESS_CHARS, NULL, NULL,
	    NULL },
	{ "abha_id", FT_STRING, F_NULLABLE, 0, 40, NULL, valid_abha,
	    "The ABHA ID must be the 14-digit number (12-3456-7890-1234) or "
	    "an ABHA address such as name@abdm." },
	{ "allergies", FT_STRING, F_NULLABLE, 0, ALLERGIES_CHARS, NULL, NULL,
	    NULL },
	{ "notes", FT_STRING, F_NULLABLE, 0, NOTES_CHARS, NULL, NULL, NULL },
	{ "language", FT_ENUM, 0, 0, 0, "en,ta,hi", NULL, NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL },
};

static const struct field update_fields[] = {
	{ "version", FT_INT, F_REQUIRED, 1, INT64_MAX, NULL, NULL, NULL },
	{ "name", FT_STRING, 0, 1, NAME_RAW_CHARS, NULL, NULL, NULL },
	{ "sex", FT_ENUM, 0, 0, 0, "M,F,O", NULL, NULL },
	{ "dob", FT_STRING, F_NULLABLE, 0, 40, NULL, NULL, NULL },
	{ "age_years", FT_INT, F_NULLABLE, 0, AGE_MAX, NULL, NULL, NULL },
	{ "phone", FT_STRING, F_NULLABLE, 0, 20, NULL, NULL, NULL },
	{ "address", FT_STRING, F_NULLABLE, 0, ADDRESS_CHARS, NULL, NULL,
	    NULL },
	{ "abha_id", FT_STRING, F_NULLABLE, 0, 40, NULL, valid_abha,
	    "The ABHA ID must be the 14-digit number (12-3456-7890-1234) or "
	    "an ABHA address such as name@abdm." },
	{ "allergies", FT_STRING, F_NULLABLE, 0, ALLERGIES_CHARS, NULL, NULL,
	    NULL },
	{ "notes", FT_STRING, F_NULLABLE, 0, NOTES_CHARS, NULL, NULL, NULL },
	{ "language", FT_ENUM, 0, 0, 0, "en,ta,hi", NULL, NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL },
};

/* Each program its own route table and main() (style.md 2): the same shape on purpose. */
static const struct route routes[] = {
	{ METHOD_GET, "/api/patients", R_CLINIC | R_NURSE, NULL, patient_search,
	    0 },
	{ METHOD_POST, "/api/patients", R_CLINIC, create_fields,
	    patient_create, 0 },
	{ METHOD_GET, "/api/patients/duplicates", R_CLINIC, NULL,
	    patient_duplicates, 0 },
	{ METHOD_GET, "/api/patients/{id}", R_CLINIC | R_NURSE, NULL,
	    patient_get, 0 },
	{ METHOD_PATCH, "/api/patients/{id}", R_CLINIC, update_fields,
	    patient_update, 0 },
};

int
main(int argc, char **argv)
{
	/* Its writes are short: one fsync may serve several (serve.c). */
	nd_group_commit = 1;
	return nd_main(argc, argv, "patients", routes, ND_NELEM(routes), sql,
	    STMT__MAX, st);
}
