/*
 * visits.c — the `visits` program: the doctor's consultations (visits)
 * with their vitals, diagnoses and prescription lines, a patient's visit
 * history, and the medicines catalogue of the prescription pad.
 *
 * Every route is the doctor's alone: the front desk never sees clinical
 * notes or prescriptions, and the administrator manages the system, not
 * patients.  A visit is a draft while the doctor writes it (PATCH, with
 * the version it read) and read-only once finalized; the schema enforces
 * that too (triggers in 002_clinic.sql).  Opening a visit from a queue
 * entry moves the entry to in_consult; finalizing moves it to done (both
 * through the queue-entry module's transition table, lib/qentry.c) and
 * counts each prescribed medicine in the catalogue, so that the pad offers
 * the clinic's own medicines first.
 *
 * The dose of a prescription line is classified and normalised by
 * dose_parse() in dose.c.  Each line a visit answers carries its dosing in
 * words, in English and in the language its patient reads ("dosing":
 * {en, lang, local}), written by dose_words() in dosewords.c, which the
 * statements call as the SQL function dose_words(lang, dose, timing, days).
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nd.h"
#include "qentry.h"
#include "vitals.h"
#include "dose.h"
#include "allergy.h"
#include "followup.h"

/* The language the visit's patient reads (dose_words() below). */
#define PATIENT_LANG \
	"(SELECT language FROM patients WHERE id = v.patient_id)"

/*
 * The columns of a visit as the API shows it (see jo_row_fields() for the
 * "@" and "patient." conventions).  ?2 is today's date, for the age.  A
 * line's brand and allergy_override are members only when set (json_patch
 * drops the null members of its patch).
 */
#define VISIT_COLS \
	"v.id AS id, v.patient_id AS patient_id, v.queue_id AS queue_id," \
	" v.status AS status, v.day AS date, v.complaint AS complaint," \
	" json_object('bp_systolic', v.bp_systolic, 'bp_diastolic'," \
	" v.bp_diastolic, 'pulse', v.pulse, 'temperature_c', v.temperature_c," \
	" 'weight_kg', v.weight_kg, 'height_cm', v.height_cm, 'spo2', v.spo2)" \
	" AS \"@vitals\", v.notes AS notes," \
	" (SELECT json_group_array(json_object('text', text, 'code', code))" \
	" FROM (SELECT text, code FROM visit_diagnoses WHERE visit_id = v.id" \
	" ORDER BY pos)) AS \"@diagnoses\"," \
	" (SELECT json_group_array(json_patch(json_object('medicine', medicine," \
	" 'strength', strength, 'form', form, 'dose', dose, 'timing', timing," \
	" 'duration_days', duration_days, 'instructions', instructions," \
	" 'dosing', json_object('en', dose_words('en', dose, timing," \
	" duration_days), 'lang', " PATIENT_LANG ", 'local'," \
	" dose_words(" PATIENT_LANG ", dose, timing, duration_days)))," \
	" json_object('brand', brand, 'allergy_override', allergy_override)))" \
	" FROM (SELECT * FROM prescriptions WHERE visit_id = v.id" \
	" ORDER BY pos)) AS \"@prescriptions\"," \
	" v.advice AS advice, v.follow_up_date AS follow_up_date," \
	" v.version AS version, v.created_at AS created_at," \
	" v.updated_at AS updated_at, v.finalized_at AS finalized_at"

/* Age in whole years on ?2 from the date of birth, else the age given. */
#define PATIENT_COLS \
	"p.id AS \"patient.id\", p.name AS \"patient.name\"," \
	" p.clinic_no AS \"patient.clinic_no\", p.sex AS \"patient.sex\"," \
	" p.dob AS \"patient.dob\"," \
	" CASE WHEN p.dob IS NOT NULL THEN substr(?2, 1, 4) -" \
	" substr(p.dob, 1, 4) - (substr(?2, 6) < substr(p.dob, 6))" \
	" WHEN p.age_on IS NOT NULL THEN p.age_years + substr(?2, 1, 4) -" \
	" substr(p.age_on, 1, 4) - (substr(?2, 6) < substr(p.age_on, 6))" \
	" ELSE p.age_years END AS \"patient.age_years\"," \
	" p.phone AS \"patient.phone\", p.allergies AS \"patient.allergies\"," \
	" p.language AS \"patient.language\""

/* A medicine on the pad matches ?1 by a prefix of its name. */
#define MED_NAME_PREFIX \
	"(name COLLATE NOCASE >= ?1 AND name COLLATE NOCASE < ?1 || x'ff')"

/* A brand matches ?1 by a prefix of its name (index of its UNIQUE). */
#define BRAND_PREFIX \
	"(b.brand >= ?1 AND b.brand < ?1 || x'ff')"

/*
 * A catalogue entry as the pad lists it: {id, name, strength, form, brand,
 * ingredients, class, uses}; m is the entry, b its brand or NULL, and
 * "uses" the hit's (the brand's own when it is one).
 */
#define MED_ITEM \
	"m.id AS id, m.name AS name, m.strength AS strength, m.form AS form," \
	" b.brand AS brand, coalesce(m.ingredients, '[]') AS \"@ingredients\"," \
	" (SELECT group_concat(class, ', ') FROM (SELECT DISTINCT d.class" \
	" AS class FROM json_each(m.ingredients) j, drug_classes d" \
	" WHERE ' ' || lower(j.value) || ' ' LIKE" \
	" '% ' || lower(d.ingredient) || ' %' ORDER BY 1)) AS class"

/* A prescription line and a catalogue entry name the same medicine. */
#define MED_SAME \
	"m.name = p.medicine COLLATE NOCASE" \
	" AND m.strength = coalesce(p.strength, '') COLLATE NOCASE" \
	" AND m.form = coalesce(p.form, '') COLLATE NOCASE"

enum stmt {
	STMT_VISIT_GET,
	STMT_VISIT_STATE,
	STMT_VISIT_INSERT,
	STMT_VISIT_UPDATE,
	STMT_VISIT_TOUCH,
	STMT_VISIT_FINALIZE,
	STMT_VISIT_DRAFT_FOR_QUEUE,
	STMT_VISIT_HISTORY,
	STMT_VISIT_HISTORY_COUNT,
	STMT_VISIT_DRAFT_TODAY,
	STMT_VISIT_LAST_FINAL,
	STMT_DX_DELETE,
	STMT_DX_INSERT,
	STMT_RX_DELETE,
	STMT_RX_INSERT,
	STMT_RX_COPY,
	STMT_RX_COUNT,
	STMT_PATIENT_EXISTS,
	STMT_PATIENT_GET,
	STMT_MED_USED,
	STMT_MED_NEW,
	STMT_MED_SEARCH,
	STMT_MED_TOP,
	STMT_BRAND_USED,
	STMT_RX_FACTS,
	STMT_DRUG_CLASSES,
	STMT_VISIT_ALLERGIES,
	STMT_RX_SHEET,
	STMT_RX_LIST,
	STMT_FOLLOWUPS,
	STMT__MAX
};
static const char *const sql[STMT__MAX] = {
	/* STMT_VISIT_GET */
	"SELECT " VISIT_COLS ", " PATIENT_COLS " FROM visits v"
	" JOIN patients p ON p.id = v.patient_id WHERE v.id = ?1",
	/* STMT_VISIT_STATE: what the writes check before they write */
	"SELECT status, version, patient_id, day, queue_id, bp_systolic,"
	" bp_diastolic, coalesce(complaint, '') <> '',"
	" (SELECT count(*) FROM visit_diagnoses WHERE visit_id = v.id)"
	" FROM visits v WHERE id = ?1",
	/* STMT_VISIT_INSERT */
	"INSERT INTO visits (patient_id, queue_id, doctor_id, day, created_at,"
	" updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
	/* STMT_VISIT_UPDATE: each field is set when its flag is 1 */
	"UPDATE visits SET"
	" complaint = CASE WHEN ?3 THEN ?4 ELSE complaint END,"
	" notes = CASE WHEN ?5 THEN ?6 ELSE notes END,"
	" advice = CASE WHEN ?7 THEN ?8 ELSE advice END,"
	" follow_up_date = CASE WHEN ?9 THEN ?10 ELSE follow_up_date END,"
	" bp_systolic = CASE WHEN ?11 THEN ?12 ELSE bp_systolic END,"
	" bp_diastolic = CASE WHEN ?13 THEN ?14 ELSE bp_diastolic END,"
	" pulse = CASE WHEN ?15 THEN ?16 ELSE pulse END,"
	" temperature_c = CASE WHEN ?17 THEN ?18 ELSE temperature_c END,"
	" weight_kg = CASE WHEN ?19 THEN ?20 ELSE weight_kg END,"
	" height_cm = CASE WHEN ?21 THEN ?22 ELSE height_cm END,"
	" spo2 = CASE WHEN ?23 THEN ?24 ELSE spo2 END,"
	" version = version + 1, updated_at = ?25"
	" WHERE id = ?1 AND version = ?2 AND status = 'draft'",
	/* STMT_VISIT_TOUCH */
	"UPDATE visits SET version = version + 1, updated_at = ?2"
	" WHERE id = ?1 AND status = 'draft'",
	/* STMT_VISIT_FINALIZE */
	"UPDATE visits SET status = 'final', finalized_at = ?2,"
	" updated_at = ?2, version = version + 1"
	" WHERE id = ?1 AND status = 'draft'",
	/* STMT_VISIT_DRAFT_FOR_QUEUE */
	"SELECT id FROM visits WHERE queue_id = ?1 AND status = 'draft'"
	" ORDER BY id LIMIT 1",
	/* STMT_VISIT_HISTORY: finalized, newest first */
	"SELECT " VISIT_COLS ", " PATIENT_COLS " FROM visits v"
	" JOIN patients p ON p.id = v.patient_id"
	" WHERE v.patient_id = ?1 AND v.status = 'final'"
	" ORDER BY v.id DESC LIMIT ?3 OFFSET ?4",
	/* STMT_VISIT_HISTORY_COUNT */
	"SELECT count(*) FROM visits WHERE patient_id = ?1 AND status = 'final'",
	/* STMT_VISIT_DRAFT_TODAY */
	"SELECT " VISIT_COLS ", " PATIENT_COLS " FROM visits v"
	" JOIN patients p ON p.id = v.patient_id"
	" WHERE v.patient_id = ?1 AND v.status = 'draft' AND v.day = ?2"
	" ORDER BY v.id DESC LIMIT 1",
	/* STMT_VISIT_LAST_FINAL: the newest finalized visit but ?2 */
	"SELECT id FROM visits WHERE patient_id = ?1 AND status = 'final'"
	" AND id <> ?2 ORDER BY id DESC LIMIT 1",
	/* STMT_DX_DELETE */
	"DELETE FROM visit_diagnoses WHERE visit_id = ?1",
	/* STMT_DX_INSERT */
	"INSERT INTO visit_diagnoses (visit_id, pos, text, code)"
	" VALUES (?1, ?2, ?3, ?4)",
	/* STMT_RX_DELETE */
	"DELETE FROM prescriptions WHERE visit_id = ?1",
	/* STMT_RX_INSERT */
	"INSERT INTO prescriptions (visit_id, pos, medicine, strength, form,"
	" dose, timing, duration_days, instructions, brand, allergy_override)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
	/* STMT_RX_COPY: the lines of visit ?2 into visit ?1 */
	"INSERT INTO prescriptions (visit_id, pos, medicine, strength, form,"
	" dose, timing, duration_days, instructions, brand)"
	" SELECT ?1, pos, medicine, strength, form, dose, timing,"
	" duration_days, instructions, brand FROM prescriptions"
	" WHERE visit_id = ?2"
	" ORDER BY pos",
	/* STMT_RX_COUNT */
	"SELECT count(*) FROM prescriptions WHERE visit_id = ?1",
	/* STMT_PATIENT_EXISTS */
	"SELECT 1 FROM patients WHERE id = ?1",
	/* STMT_PATIENT_GET */
	"SELECT " PATIENT_COLS " FROM patients p WHERE p.id = ?1",
	/* STMT_MED_USED: each catalogue entry of visit ?1 counts once more */
	"UPDATE medicines SET uses = uses + 1 WHERE id IN (SELECT m.id"
	" FROM prescriptions p JOIN medicines m ON " MED_SAME
	" WHERE p.visit_id = ?1)",
	/* STMT_MED_NEW: what visit ?1 prescribed that the catalogue lacks */
	"INSERT OR IGNORE INTO medicines (name, strength, form, uses)"
	" SELECT p.medicine, coalesce(p.strength, ''), coalesce(p.form, ''), 1"
	" FROM prescriptions p WHERE p.visit_id = ?1 AND NOT EXISTS"
	" (SELECT 1 FROM medicines m WHERE " MED_SAME ")"
	" GROUP BY p.medicine COLLATE NOCASE,"
	" coalesce(p.strength, '') COLLATE NOCASE,"
	" coalesce(p.form, '') COLLATE NOCASE",
	/* STMT_MED_SEARCH: ?1 prefixes the name or a word of it, or a brand
	 * (indexes); the clinic's most used first, then names and brands that
	 * start with ?1, then the seed list */
	"WITH hits (mid, bid, uses, label) AS ("
	" SELECT id, NULL, uses, name FROM medicines"
	" WHERE id IN (SELECT medicine_id FROM medicine_words"
	" WHERE word >= ?1 AND word < ?1 || x'ff'"
	" UNION ALL SELECT id FROM medicines WHERE " MED_NAME_PREFIX ")"
	" UNION ALL SELECT b.medicine_id, b.id, b.uses, b.brand"
	" FROM medicine_brands b WHERE " BRAND_PREFIX ")"
	" SELECT " MED_ITEM ", h.uses AS uses FROM hits h"
	" JOIN medicines m ON m.id = h.mid"
	" LEFT JOIN medicine_brands b ON b.id = h.bid"
	" ORDER BY h.uses DESC, (h.label COLLATE NOCASE >= ?1 AND"
	" h.label COLLATE NOCASE < ?1 || x'ff') DESC, m.seeded DESC,"
	" h.label COLLATE NOCASE, m.id, b.id LIMIT ?2 OFFSET ?3",
	/* STMT_MED_TOP: the clinic's most used, generics and brands */
	"WITH hits (mid, bid, uses, label) AS ("
	" SELECT id, NULL, uses, name FROM medicines"
	" UNION ALL SELECT medicine_id, id, uses, brand FROM medicine_brands"
	" WHERE uses > 0)"
	" SELECT " MED_ITEM ", h.uses AS uses FROM hits h"
	" JOIN medicines m ON m.id = h.mid"
	" LEFT JOIN medicine_brands b ON b.id = h.bid"
	" ORDER BY h.uses DESC, m.seeded DESC, h.label COLLATE NOCASE, m.id"
	" LIMIT ?1 OFFSET ?2",
	/* STMT_BRAND_USED: each brand visit ?1 prescribed counts once more */
	"UPDATE medicine_brands SET uses = uses + 1 WHERE brand IN"
	" (SELECT brand FROM prescriptions WHERE visit_id = ?1)",
	/* STMT_RX_FACTS: each line of visit ?1 with what the allergy check
	 * reads: its ingredients (its brand's, else the catalogue's for its
	 * name, else the name cut at " + ") joined by char(31); their allergy
	 * classes are found in C (classes_load(), allergy_classes()) */
	"SELECT p.pos, p.medicine, coalesce(p.brand, ''),"
	" coalesce(p.allergy_override, '') <> '',"
	" (SELECT group_concat(value, char(31)) FROM json_each(coalesce("
	" (SELECT m.ingredients FROM medicine_brands b"
	" JOIN medicines m ON m.id = b.medicine_id WHERE b.brand = p.brand),"
	" (SELECT m.ingredients FROM medicines m"
	" WHERE m.name = p.medicine COLLATE NOCASE"
	" ORDER BY m.seeded DESC, m.id LIMIT 1),"
	" '[' || replace(json_quote(p.medicine), ' + ', '\",\"') || ']')))"
	" FROM prescriptions p WHERE p.visit_id = ?1 ORDER BY p.pos",
	/* STMT_DRUG_CLASSES: the allergy class of each ingredient that has one */
	"SELECT ingredient, class FROM drug_classes",
	/* STMT_VISIT_ALLERGIES: the allergies of visit ?1's patient */
	"SELECT coalesce(p.allergies, '') FROM visits v"
	" JOIN patients p ON p.id = v.patient_id WHERE v.id = ?1",
	/* STMT_RX_SHEET: what the printed prescription of visit ?1 shows
	 * (never the notes, the complaint or an allergy override); ?2 today */
	"SELECT v.id AS visit_id, v.status AS status,"
	" v.patient_id AS patient_id, v.day AS date,"
	" v.finalized_at AS finalized_at,"
	" json_object('bp_systolic', v.bp_systolic, 'bp_diastolic',"
	" v.bp_diastolic, 'pulse', v.pulse, 'temperature_c', v.temperature_c,"
	" 'weight_kg', v.weight_kg, 'height_cm', v.height_cm, 'spo2', v.spo2)"
	" AS \"@vitals\","
	" (SELECT json_group_array(json_object('text', text, 'code', code))"
	" FROM (SELECT text, code FROM visit_diagnoses WHERE visit_id = v.id"
	" ORDER BY pos)) AS \"@diagnoses\","
	" (SELECT json_group_array(json_object('medicine', medicine,"
	" 'strength', strength, 'form', form, 'brand', brand, 'dose', dose,"
	" 'timing', timing, 'duration_days', duration_days, 'instructions',"
	" instructions, 'dosing', json_object('en', dose_words('en', dose,"
	" timing, duration_days), 'lang', " PATIENT_LANG ", 'local',"
	" dose_words(" PATIENT_LANG ", dose, timing, duration_days))))"
	" FROM (SELECT * FROM prescriptions"
	" WHERE visit_id = v.id ORDER BY pos)) AS \"@prescriptions\","
	" v.advice AS advice, v.follow_up_date AS follow_up_date,"
	" u.name AS \"doctor.name\", " PATIENT_COLS
	" FROM visits v JOIN patients p ON p.id = v.patient_id"
	" LEFT JOIN users u ON u.id = v.doctor_id WHERE v.id = ?1",
	/* STMT_RX_LIST: the finalized visits of patient ?1 that a printed
	 * prescription can be made of, newest first */
	"SELECT v.id AS visit_id, v.day AS date, v.finalized_at AS finalized_at,"
	" (SELECT count(*) FROM prescriptions WHERE visit_id = v.id)"
	" AS medicines FROM visits v WHERE v.patient_id = ?1"
	" AND v.status = 'final' ORDER BY v.id DESC LIMIT ?2 OFFSET ?3",
	/*
	 * STMT_FOLLOWUPS: ?1 today; the review dates of the coming week
	 * written at each patient's latest visit (one they came back for
	 * is done).
	 */
	"SELECT v.id, v.follow_up_date,"
	" CASE v.follow_up_date WHEN ?1 THEN 'today'"
	" WHEN date(?1, '+1 day') THEN 'tomorrow' ELSE 'week' END,"
	" p.id, p.name, p.clinic_no, p.phone, p.language,"
	" (SELECT value FROM settings WHERE key = 'clinic_name')"
	" FROM visits v JOIN patients p ON p.id = v.patient_id"
	" WHERE v.status = 'final' AND v.follow_up_date >= ?1"
	" AND v.follow_up_date <= date(?1, '+6 days')"
	" AND NOT EXISTS (SELECT 1 FROM visits w WHERE w.patient_id ="
	" v.patient_id AND (w.day > v.day OR (w.day = v.day AND w.id > v.id)))"
	" ORDER BY v.follow_up_date, p.name COLLATE NOCASE, p.id"
	" LIMIT ?2",
};
/* As in every module with SQL (style.md 5): its own table, checked and prepared once. */
_Static_assert(ND_NELEM(sql) == STMT__MAX, "visits sql");
static sqlite3_stmt *st[STMT__MAX];

/* Longest texts of a visit, in characters. */
#define COMPLAINT_MAX	1000
#define NOTES_MAX	4000
#define ADVICE_MAX	2000
#define DIAGNOSES_MAX	20	/* diagnoses of one visit */
#define RX_MAX		30	/* prescription lines of one visit */
#define MED_QUERY_MAX	100	/* characters of a medicine search */
/* Every field at its limit in Tamil is ~80 KiB; nginx's 64k cap (conf/) acts first. */
#define PATCH_BODY_MAX	(128 * 1024)

/*
 * The vitals (enum vital, lib/vitals.h: their names and ranges are shared
 * with the vitals a nurse records on a queue entry) are parameters of
 * STMT_VISIT_UPDATE in that order: ?11 and ?12 for the first, and so on.
 */
#define UPDATE_VITAL_PARAM	11	/* flag of the first vital in the UPDATE */

static const char timings[] =
    "before_food,after_food,with_food,empty_stomach,bedtime";

/* What the writes learn of a visit before they write (STMT_VISIT_STATE). */
struct vstate {
	int		 final;
	long long	 version;
	long long	 patient_id;
	char		 day[11];
	long long	 queue_id;	/* 0: none */
	int		 has_sys, has_dia;
	long long	 sys, dia;
	int		 has_complaint;
	long long	 ndiagnoses;
};

/*
 * Reads the state of visit ID into VS.
 * Returns SQLITE_ROW (found), SQLITE_DONE (no such visit), or the error.
 */
static int
visit_state(long long id, struct vstate *vs)
{
	sqlite3_stmt	*s = st[STMT_VISIT_STATE];
	int		 rc;

	memset(vs, 0, sizeof(*vs));
	db_bind_int(s, 1, id);
	if ((rc = db_step(s)) == SQLITE_ROW) {
		vs->final = strcmp((const char *)sqlite3_column_text(s, 0),
		    "final") == 0;
		vs->version = sqlite3_column_int64(s, 1);
		vs->patient_id = sqlite3_column_int64(s, 2);
		snprintf(vs->day, sizeof(vs->day), "%s",
		    (const char *)sqlite3_column_text(s, 3));
		vs->queue_id = sqlite3_column_int64(s, 4);
		if ((vs->has_sys = sqlite3_column_type(s, 5) != SQLITE_NULL))
			vs->sys = sqlite3_column_int64(s, 5);
		if ((vs->has_dia = sqlite3_column_type(s, 6) != SQLITE_NULL))
			vs->dia = sqlite3_column_int64(s, 6);
		vs->has_complaint = sqlite3_column_int(s, 7);
		vs->ndiagnoses = sqlite3_column_int64(s, 8);
	}
	db_reset(s);
	return rc;
}

/*
 * Inside a write transaction: reads visit ID into VS and refuses to go on
 * unless it exists and is a draft.  Returns 0, or (after rolling back and
 * writing the error) 404, 409 "visit_final", or the database failure.
 */
static int
draft_or_fail(struct req *r, long long id, struct vstate *vs)
{
	int	 rc;

	if ((rc = visit_state(id, vs)) != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(r, rc);
	if (rc == SQLITE_DONE) {
		db_rollback();
		return http_error(r, 404, "not_found", "There is no such visit.",
		    NULL);
	}
	if (vs->final) {
		db_rollback();
		return http_error(r, 409, "visit_final",
		    "This visit is finalized and can no longer be changed.",
		    NULL);
	}
	return 0;
}

/* --- the allergy check and the duplicate ingredients ----------------- */

#define FACT_TEXT	1600	/* bytes kept of one line's names */

/* One prescription line as the check reads it (STMT_RX_FACTS). */
struct fact {
	struct allergy_line l;
	long long	 pos;
	int		 overridden;	/* the doctor gave a reason */
	char		 text[FACT_TEXT];
};
static struct fact facts[RX_MAX];
static char allergies[ALLERGY_TEXT_MAX + 1];

/*
 * The drug_classes table, read once by classes_load(): only the migrations
 * write it, and they run before the pools start (deploy/run.sh).  Matching
 * a line's ingredients against it in C costs microseconds; the same match
 * in SQL (LIKE '% ' || ingredient || ' %' over every row, for every
 * ingredient of every line) made each visit answer several times dearer.
 */
#define CLASSES_MAX	512		/* rows of drug_classes */
#define CLASS_POOL	(CLASSES_MAX * 64)	/* bytes of their keys and classes */
static struct allergy_class dclasses[CLASSES_MAX];
static size_t ndclasses;
static int dclasses_loaded;
static char dclass_pool[CLASS_POOL];

/* Reads drug_classes into dclasses[] unless done.  Returns SQLITE_OK, or
 * the error (SQLITE_TOOBIG: more rows or text than the arrays hold). */
static int
classes_load(void)
{
	sqlite3_stmt	*s = st[STMT_DRUG_CLASSES];
	char		 key[ALLERGY_KEY_MAX];
	const char	*cls;
	size_t		 at = 0, klen, clen;
	int		 rc;

	if (dclasses_loaded)
		return SQLITE_OK;
	ndclasses = 0;
	while ((rc = db_step(s)) == SQLITE_ROW) {
		klen = allergy_class_key((const char *)sqlite3_column_text(s,
		    0), key, sizeof(key));
		cls = (const char *)sqlite3_column_text(s, 1);
		clen = cls != NULL ? strlen(cls) : 0;
		if (ndclasses == CLASSES_MAX ||
		    klen + clen + 2 > sizeof(dclass_pool) - at) {
			rc = SQLITE_TOOBIG;
			break;
		}
		memcpy(dclass_pool + at, key, klen + 1);
		dclasses[ndclasses].key = dclass_pool + at;
		at += klen + 1;
		if (clen > 0)
			memcpy(dclass_pool + at, cls, clen);
		dclass_pool[at + clen] = '\0';
		dclasses[ndclasses++].class = dclass_pool + at;
		at += clen + 1;
	}
	db_reset(s);
	if (rc != SQLITE_DONE) {
		ndclasses = 0;
		return rc;
	}
	dclasses_loaded = 1;
	return SQLITE_OK;
}

/*
 * Appends column I of S to F's text at *AT and returns where it starts;
 * cut (at a character's end) when the text is full.
 */
static char *
fact_put(struct fact *f, size_t *at, sqlite3_stmt *s, int i)
{
	const char	*v = (const char *)sqlite3_column_text(s, i);
	char		*start = f->text + *at;
	size_t		 n = v != NULL ? strlen(v) : 0, room;

	room = sizeof(f->text) - *at - 1;
	if (n > room) {
		n = room;
		while (n > 0 && ((unsigned char)v[n] & 0xc0) == 0x80)
			n--;
	}
	if (n > 0)
		memcpy(start, v, n);
	start[n] = '\0';
	*at += n + (*at + n + 1 < sizeof(f->text));
	return start;
}

/* Cuts LIST at char(31) into at most ALLERGY_NAMES_MAX NAMES.  Returns
 * how many. */
static size_t
fact_split(char *list, const char **names)
{
	size_t	 n = 0;
	char	*p;

	if (*list == '\0')
		return 0;
	while (n < ALLERGY_NAMES_MAX) {
		names[n++] = list;
		if ((p = strchr(list, '\x1f')) == NULL)
			break;
		*p = '\0';
		list = p + 1;
	}
	return n;
}

/*
 * Reads the prescription lines of visit ID into facts[] and its patient's
 * allergies into allergies[].  Returns SQLITE_OK (*N lines) or the error.
 */
static int
facts_load(long long id, size_t *n)
{
	sqlite3_stmt	*s = st[STMT_VISIT_ALLERGIES];
	struct fact	*f;
	size_t		 at;
	int		 rc;

	*n = 0;
	allergies[0] = '\0';
	if ((rc = classes_load()) != SQLITE_OK)
		return rc;
	db_bind_int(s, 1, id);
	if ((rc = db_step(s)) == SQLITE_ROW)
		snprintf(allergies, sizeof(allergies), "%s",
		    (const char *)sqlite3_column_text(s, 0));
	db_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return rc;
	s = st[STMT_RX_FACTS];
	db_bind_int(s, 1, id);
	while (*n < RX_MAX && (rc = db_step(s)) == SQLITE_ROW) {
		f = &facts[(*n)++];
		memset(&f->l, 0, sizeof(f->l));
		at = 0;
		f->pos = sqlite3_column_int64(s, 0);
		f->l.medicine = fact_put(f, &at, s, 1);
		f->l.brand = fact_put(f, &at, s, 2);
		f->overridden = sqlite3_column_int(s, 3);
		f->l.nclasses = allergy_classes((const char *)
		    sqlite3_column_text(s, 4), '\x1f', dclasses, ndclasses,
		    f->l.classes, ALLERGY_NAMES_MAX);
		f->l.ningredients = fact_split(fact_put(f, &at, s, 4),
		    f->l.ingredients);
	}
	db_reset(s);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* The allergy of line I of facts[] into ALLERGY and WHAT; 1 if it has one. */
static int
fact_allergy(size_t i, char *allergy, size_t asz, char *what, size_t wsz)
{
	return allergy_match(allergies, &facts[i].l, allergy, asz, what, wsz);
}

/*
 * Writes "warnings": [{kind, index, message, overridden?}] for the N lines
 * of facts[]: a line that meets a recorded allergy ("allergy"; overridden
 * is true when the doctor gave a reason), and a line with an active
 * ingredient of an earlier line ("duplicate_ingredient").
 */
static void
warnings_write(struct req *r, size_t n)
{
	char		 allergy[128], what[128], ing[128], msg[512];
	size_t		 i, j;

	jo_arr(r, "warnings");
	for (i = 0; i < n; i++) {
		if (fact_allergy(i, allergy, sizeof(allergy), what,
		    sizeof(what))) {
			snprintf(msg, sizeof(msg), "%s%s%s: the patient is "
			    "allergic to \"%s\" (%s).", facts[i].l.medicine,
			    *facts[i].l.brand ? ", " : "", facts[i].l.brand,
			    allergy, what);
			jo_open(r);
			jo_str(r, "kind", "allergy");
			jo_int(r, "index", facts[i].pos);
			jo_str(r, "message", msg);
			jo_bool(r, "overridden", facts[i].overridden);
			jo_obj_close(r);
		}
		for (j = 0; j < i; j++)
			if (allergy_shared(&facts[i].l, &facts[j].l, ing,
			    sizeof(ing))) {
				snprintf(msg, sizeof(msg), "%s is also in "
				    "medicine %lld (%s).", ing,
				    facts[j].pos + 1, facts[j].l.medicine);
				jo_open(r);
				jo_str(r, "kind", "duplicate_ingredient");
				jo_int(r, "index", facts[i].pos);
				jo_str(r, "message", msg);
				jo_obj_close(r);
				break;
			}
	}
	jo_arr_close(r);
}

/*
 * Writes visit ID (with its patient) as the answer.  Returns STATUS, or
 * 404 if there is no such visit, or the failure after writing it.
 * *PATIENT_ID (may be NULL) gets the visit's patient.
 */
static int
visit_reply(struct req *r, long long id, int status, long long *patient_id)
{
	sqlite3_stmt	*s = st[STMT_VISIT_GET];
	char		 today[11];
	size_t		 n;
	int		 rc;

	db_today(today);
	db_bind_int(s, 1, id);
	db_bind_text(s, 2, today);
	if ((rc = db_step(s)) == SQLITE_ROW) {
		if (patient_id != NULL)
			*patient_id = sqlite3_column_int64(s, 1);
		jo_open(r);
		jo_row_fields(r, s);
	}
	db_reset(s);
	if (rc == SQLITE_DONE)
		return http_error(r, 404, "not_found", "There is no such visit.",
		    NULL);
	if (rc != SQLITE_ROW)
		return db_fail(r, rc);
	if ((rc = facts_load(id, &n)) != SQLITE_OK)
		return db_fail(r, rc);
	warnings_write(r, n);
	jo_obj_close(r);
	return status;
}

/*
 * The end of every write of a visit: audits ACTION on visit ID of patient
 * PID inside the transaction, commits, and answers the visit with STATUS.
 * Returns the status (db_fail()'s on a failure).
 */
static int
visit_commit(struct req *r, const char *action, long long id, long long pid,
    int status)
{
	int	 rc;

	if ((rc = audit(r, action, "visit", id, pid)) != SQLITE_OK ||
	    (rc = db_commit()) != SQLITE_OK)
		return db_fail(r, rc);
	return visit_reply(r, id, status, NULL);
}

/* Binds text S trimmed, or NULL when S is NULL or only white space. */
static void
bind_text_trim(sqlite3_stmt *s, int i, const char *v)
{
	size_t	 n;

	if (v != NULL && (v = valid_trim(v, &n), n > 0))
		db_bind_textn(s, i, v, n);
	else
		db_bind_null(s, i);
}

/* Writes the 422 naming PATH.  Returns 422. */
#define item_bad(r, path, ...)	http_errorf((r), 422, "invalid", (path), \
	__VA_ARGS__)

/*
 * Checks ITEM, member IDX of the list LIST, against FIELDS; errors name
 * its path, e.g. "prescriptions[2].dose".  Returns 0, or 422.
 */
static int
item_check(struct req *r, const char *list, size_t idx, yajl_val item,
    const struct field *fields)
{
	char	 path[64];

	snprintf(path, sizeof(path), "%s[%zu]", list, idx);
	return valid_object(r, item, fields, path);
}

/*
 * The diastolic pressure must stay below the systolic once the body's
 * vitals (VI, checked again) are applied to the stored visit VS.  Returns
 * 0, or 422 naming the vital the body set.
 */
static int
bp_check(struct req *r, struct vitals_in *vi, const struct vstate *vs)
{
	struct vitals_in	 old;

	memset(&old, 0, sizeof(old));
	old.set[V_BP_SYSTOLIC] = vs->has_sys;
	old.val[V_BP_SYSTOLIC] = (double)vs->sys;
	old.set[V_BP_DIASTOLIC] = vs->has_dia;
	old.val[V_BP_DIASTOLIC] = (double)vs->dia;
	return valid_vitals(r, json_get(r->json, "vitals"), vi, &old);
}

/* db.c binds no doubles (yet); the real vitals need them. */
static void
bind_double(sqlite3_stmt *s, int i, double d)
{
	sqlite3_bind_double(s, i, d);
}

/* Field tables are declarations (style.md 10): alike in every program, by design. */
static const struct field dx_fields[] = {
	{ "text", FT_STRING, F_REQUIRED, 1, 200, NULL, NULL, NULL },
	{ "code", FT_STRING, F_NULLABLE, 0, 20, NULL, NULL, NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL },
};

/* The dose's own limits are dose_parse()'s; 200 only bounds the work. */
static const struct field rx_fields[] = {
	{ "medicine", FT_STRING, F_REQUIRED, 1, 100, NULL, NULL, NULL },
	{ "strength", FT_STRING, F_NULLABLE, 0, 40, NULL, NULL, NULL },
	{ "form", FT_STRING, F_NULLABLE, 0, 40, NULL, NULL, NULL },
	{ "dose", FT_STRING, F_REQUIRED, 1, 200, NULL, NULL, NULL },
	{ "timing", FT_ENUM, F_NULLABLE, 0, 0, timings, NULL, NULL },
	{ "duration_days", FT_INT, F_NULLABLE, 1, 365, NULL, NULL, NULL },
	{ "instructions", FT_STRING, F_NULLABLE, 0, 200, NULL, NULL, NULL },
	{ "brand", FT_STRING, F_NULLABLE, 0, 100, NULL, NULL, NULL },
	{ "allergy_override", FT_STRING, F_NULLABLE, 0, 200, NULL, NULL, NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL },
};

/*
 * Checks the prescription lines RX (an array, or NULL) and writes each
 * line's normalised dose into DOSES.  Returns 0, or 422 naming the field.
 */
static int
rx_check(struct req *r, yajl_val rx, char doses[][DOSE_OUT_MAX])
{
	char	 path[64];
	size_t	 i;
	int	 rc;

	for (i = 0; rx != NULL && YAJL_IS_ARRAY(rx) && i < rx->u.array.len;
	    i++) {
		if ((rc = item_check(r, "prescriptions", i,
		    rx->u.array.values[i], rx_fields)) != 0)
			return rc;
		if (dose_parse(json_str(rx->u.array.values[i], "dose"),
		    doses[i], DOSE_OUT_MAX) == DOSE_INVALID) {
			snprintf(path, sizeof(path), "prescriptions[%zu].dose",
			    i);
			return item_bad(r, path, "%s must be like 1-0-1, "
			    "1-1-1-1, SOS or OD, or words of up to %d "
			    "characters, and not all zero.", path,
			    DOSE_FREE_MAX);
		}
	}
	return 0;
}

/* Replaces the diagnoses of visit ID with DX.  Returns SQLITE_OK or rc. */
static int
dx_replace(long long id, yajl_val dx)
{
	sqlite3_stmt	*s = st[STMT_DX_DELETE];
	yajl_val	 d;
	size_t		 i;
	int		 rc;

	db_bind_int(s, 1, id);
	rc = db_step(s);
	db_reset(s);
	if (rc != SQLITE_DONE)
		return rc;
	s = st[STMT_DX_INSERT];
	for (i = 0; YAJL_IS_ARRAY(dx) && i < dx->u.array.len; i++) {
		d = dx->u.array.values[i];
		db_bind_int(s, 1, id);
		db_bind_int(s, 2, (long long)i);
		bind_text_trim(s, 3, json_str(d, "text"));
		bind_text_trim(s, 4, json_str(d, "code"));
		rc = db_step(s);
		db_reset(s);
		if (rc != SQLITE_DONE)
			return rc;
	}
	return SQLITE_OK;
}

/*
 * Replaces the prescription lines of visit ID with RX, whose normalised
 * doses are DOSES.  Returns SQLITE_OK or rc.
 */
static int
rx_replace(long long id, yajl_val rx, char doses[][DOSE_OUT_MAX])
{
	sqlite3_stmt	*s = st[STMT_RX_DELETE];
	yajl_val	 m;
	long long	 days;
	size_t		 i;
	int		 rc;

	db_bind_int(s, 1, id);
	rc = db_step(s);
	db_reset(s);
	if (rc != SQLITE_DONE)
		return rc;
	s = st[STMT_RX_INSERT];
	for (i = 0; YAJL_IS_ARRAY(rx) && i < rx->u.array.len; i++) {
		m = rx->u.array.values[i];
		db_bind_int(s, 1, id);
		db_bind_int(s, 2, (long long)i);
		bind_text_trim(s, 3, json_str(m, "medicine"));
		bind_text_trim(s, 4, json_str(m, "strength"));
		bind_text_trim(s, 5, json_str(m, "form"));
		db_bind_text(s, 6, doses[i]);
		db_bind_text(s, 7, json_str(m, "timing"));
		if (json_int(m, "duration_days", &days))
			db_bind_int(s, 8, days);
		bind_text_trim(s, 9, json_str(m, "instructions"));
		bind_text_trim(s, 10, json_str(m, "brand"));
		bind_text_trim(s, 11, json_str(m, "allergy_override"));
		rc = db_step(s);
		db_reset(s);
		if (rc != SQLITE_DONE)
			return rc;
	}
	return SQLITE_OK;
}

/*
 * A new visit VID opened from queue entry QID starts with the vitals and
 * complaint recorded on the entry (by a nurse, before the doctor), if any.
 * Inside the write transaction.  Returns SQLITE_OK or the error.
 */
static int
visit_from_entry(long long vid, long long qid, const char *now)
{
	sqlite3_stmt		*s = st[STMT_VISIT_UPDATE];
	struct vitals_in	 vi;
	char			 complaint[COMPLAINT_MAX * 4 + 1];
	int			 rc, k;

	if ((rc = qentry_vitals(qid, &vi, complaint, sizeof(complaint))) <= 0)
		return rc < 0 ? -rc : SQLITE_OK;
	db_bind_int(s, 1, vid);
	db_bind_int(s, 2, 1);
	db_bind_int(s, 3, complaint[0] != '\0');
	db_bind_text(s, 4, complaint[0] != '\0' ? complaint : NULL);
	for (k = 5; k < UPDATE_VITAL_PARAM; k++)
		db_bind_int(s, k, 0);	/* notes, advice, follow-up: as new */
	for (k = 0; k < V__MAX; k++) {
		db_bind_int(s, UPDATE_VITAL_PARAM + 2 * k, vi.set[k]);
		if (!vi.set[k])
			db_bind_null(s, UPDATE_VITAL_PARAM + 2 * k + 1);
		else if (vital_defs[k].integer)
			db_bind_int(s, UPDATE_VITAL_PARAM + 2 * k + 1,
			    (long long)vi.val[k]);
		else
			bind_double(s, UPDATE_VITAL_PARAM + 2 * k + 1,
			    vi.val[k]);
	}
	db_bind_text(s, 25, now);
	return db_run(s);
}

/*
 * POST /api/visits {patient_id, queue_id?}: 201 a new draft visit of
 * today.  With queue_id (today's entry of that patient) the entry moves to
 * in_consult, a new visit starts with the vitals and complaint recorded on
 * the entry, and when a draft of that entry exists already it is answered
 * (200) instead of a second one: opening a consultation twice is harmless.
 * 404 no such patient or queue entry; 422 the entry is another patient's
 * or another day's; 409 the entry is done, cancelled or a no-show.
 */
static int
visit_create(struct req *r)
{
	sqlite3_stmt	*s;
	struct qentry	 e;
	long long	 pid = 0, qid = 0, vid = 0;
	char		 today[11], now[21];
	int		 rc, found;

	json_int(r->json, "patient_id", &pid);
	json_int(r->json, "queue_id", &qid);
	db_today(today);
	db_now(now);
	if ((rc = db_begin()) != SQLITE_OK)
		return db_fail(r, rc);
	s = st[STMT_PATIENT_EXISTS];
	db_bind_int(s, 1, pid);
	if ((rc = db_step(s)) != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(r, rc);
	db_reset(s);
	if (rc == SQLITE_DONE) {
		db_rollback();
		return http_error(r, 404, "not_found", "There is no such patient.",
		    "patient_id");
	}
	if (qid > 0) {
		if ((rc = qentry_get(qid, &e)) < 0)
			return db_fail(r, -rc);
		if (rc == 0) {
			db_rollback();
			return http_error(r, 404, "not_found",
			    "There is no such queue entry.", "queue_id");
		}
		if (e.patient_id != pid || strcmp(e.day, today) != 0) {
			db_rollback();
			return http_error(r, 422, "invalid", "queue_id must be "
			    "today's queue entry of this patient.", "queue_id");
		}
		if ((rc = qentry_move(r, QM_VISIT_START, qid, QS_IN_CONSULT, 0,
		    NULL)) != 0) {
			if (rc < 0)
				return db_fail(r, -rc);
			db_rollback();
			return rc;
		}
		s = st[STMT_VISIT_DRAFT_FOR_QUEUE];
		db_bind_int(s, 1, qid);
		vid = db_int1(s, 0);
	}
	found = vid > 0;
	if (!found) {
		s = st[STMT_VISIT_INSERT];
		db_bind_int(s, 1, pid);
		if (qid > 0)
			db_bind_int(s, 2, qid);
		db_bind_int(s, 3, r->user.id);
		db_bind_text(s, 4, today);
		db_bind_text(s, 5, now);
		if ((rc = db_run(s)) != SQLITE_OK)
			return db_fail(r, rc);
		vid = sqlite3_last_insert_rowid(db);
		if (qid > 0 && (rc = visit_from_entry(vid, qid, now)) !=
		    SQLITE_OK)
			return db_fail(r, rc);
	}
	return visit_commit(r, found ? "visit.read" : "visit.create", vid, pid,
	    found ? 200 : 201);
}

/* GET /api/visits/{id}: 200 the visit with its patient; 404. */
static int
visit_get(struct req *r)
{
	long long	 pid = 0;
	int		 status, rc;

	if ((status = visit_reply(r, r->param[0], 200, &pid)) != 200)
		return status;
	if ((rc = audit(r, "visit.read", "visit", r->param[0], pid)) !=
	    SQLITE_OK)
		return db_fail(r, rc);
	return 200;
}

/* Binds flag I (1: KEY is in BODY) and, at I + 1, its trimmed text. */
static void
bind_flag_text(sqlite3_stmt *s, int i, yajl_val body, const char *key)
{
	yajl_val	 v = json_get(body, key);

	db_bind_int(s, i, v != NULL);
	bind_text_trim(s, i + 1, v != NULL && YAJL_IS_STRING(v) ?
	    v->u.string : NULL);
}

/*
 * PATCH /api/visits/{id} {version, complaint?, vitals?, notes?,
 * diagnoses?, prescriptions?, advice?, follow_up_date?}: 200 the visit.
 * A list present replaces the whole list; a vital present replaces that
 * vital (null clears it).  422 naming the field (e.g. "vitals.pulse",
 * "prescriptions[2].dose"); 404; 409 "visit_final" once finalized, 409
 * "stale_version" when the version is not the current one.
 */
static int
visit_patch(struct req *r)
{
	static char	 doses[RX_MAX][DOSE_OUT_MAX];
	sqlite3_stmt	*s;
	struct vitals_in vi;
	struct vstate	 vs;
	yajl_val	 dx = json_get(r->json, "diagnoses");
	yajl_val	 rx = json_get(r->json, "prescriptions");
	const char	*fu = json_str(r->json, "follow_up_date");
	long long	 id = r->param[0], version = 0;
	char		 now[21];
	size_t		 i;
	int		 rc, k;

	json_int(r->json, "version", &version);
	if ((rc = valid_vitals(r, json_get(r->json, "vitals"), &vi, NULL)) !=
	    0)
		return rc;
	for (i = 0; dx != NULL && YAJL_IS_ARRAY(dx) && i < dx->u.array.len;
	    i++)
		if ((rc = item_check(r, "diagnoses", i, dx->u.array.values[i],
		    dx_fields)) != 0)
			return rc;
	if ((rc = rx_check(r, rx, doses)) != 0)
		return rc;

	db_now(now);
	if ((rc = db_begin()) != SQLITE_OK)
		return db_fail(r, rc);
	if ((rc = draft_or_fail(r, id, &vs)) != 0)
		return rc;
	if (vs.version != version) {
		db_rollback();
		return http_error(r, 409, "stale_version", "Someone else changed "
		    "this visit. Reload it to see the latest version.",
		    "version");
	}
	if (fu != NULL && strcmp(fu, vs.day) < 0) {
		db_rollback();
		return http_error(r, 422, "invalid", "follow_up_date may not be "
		    "before the visit.", "follow_up_date");
	}
	if ((rc = bp_check(r, &vi, &vs)) != 0) {
		db_rollback();
		return rc;
	}

	s = st[STMT_VISIT_UPDATE];
	db_bind_int(s, 1, id);
	db_bind_int(s, 2, version);
	bind_flag_text(s, 3, r->json, "complaint");
	bind_flag_text(s, 5, r->json, "notes");
	bind_flag_text(s, 7, r->json, "advice");
	bind_flag_text(s, 9, r->json, "follow_up_date");
	for (k = 0; k < V__MAX; k++) {
		db_bind_int(s, UPDATE_VITAL_PARAM + 2 * k, vi.set[k]);
		if (!vi.set[k] || vi.null[k])
			db_bind_null(s, UPDATE_VITAL_PARAM + 2 * k + 1);
		else if (vital_defs[k].integer)
			db_bind_int(s, UPDATE_VITAL_PARAM + 2 * k + 1,
			    (long long)vi.val[k]);
		else
			bind_double(s, UPDATE_VITAL_PARAM + 2 * k + 1,
			    vi.val[k]);
	}
	db_bind_text(s, 25, now);
	if ((rc = db_run(s)) != SQLITE_OK)
		return db_fail(r, rc);
	if (sqlite3_changes(db) != 1)	/* checked above; the lock held */
		return db_fail(r, SQLITE_INTERNAL);
	if (dx != NULL && (rc = dx_replace(id, dx)) != SQLITE_OK)
		return db_fail(r, rc);
	if (rx != NULL && (rc = rx_replace(id, rx, doses)) != SQLITE_OK)
		return db_fail(r, rc);
	return visit_commit(r, "visit.update", id, vs.patient_id, 200);
}

/*
 * The lines of facts[] (N of them) that meet a recorded allergy: when one
 * has no override, writes the 409 "allergy_conflict" with conflicts:
 * [{index, medicine, allergy}] and returns -1; else returns how many were
 * overridden.
 */
static int
allergy_conflicts(struct req *r, size_t n)
{
	char		 allergy[128], what[128];
	size_t		 i;
	int		 bad = 0, overridden = 0;

	for (i = 0; i < n; i++)
		if (fact_allergy(i, allergy, sizeof(allergy), what,
		    sizeof(what))) {
			if (facts[i].overridden)
				overridden++;
			else
				bad++;
		}
	if (bad == 0)
		return overridden;
	http_error_begin(r, "allergy_conflict", "A medicine meets an allergy "
	    "the patient has. Change it, or give a reason to prescribe it "
	    "anyway (allergy_override).", "prescriptions");
	jo_arr(r, "conflicts");
	for (i = 0; i < n; i++)
		if (!facts[i].overridden && fact_allergy(i, allergy,
		    sizeof(allergy), what, sizeof(what))) {
			jo_open(r);
			jo_int(r, "index", facts[i].pos);
			jo_str(r, "medicine", facts[i].l.medicine);
			jo_str(r, "allergy", allergy);
			jo_str(r, "matches", what);
			jo_obj_close(r);
		}
	jo_arr_close(r);
	http_error_end(r, 409);
	return -1;
}

/*
 * POST /api/visits/{id}/finalize: 200 the visit, now final and read-only;
 * its queue entry (if any, and still open) becomes done; each medicine
 * prescribed counts once more in the catalogue (new ones join it).
 * 404; 409 "visit_final" when already final; 422 when it has neither a
 * complaint nor a diagnosis; 409 "allergy_conflict" with conflicts:
 * [{index, medicine, allergy}] when a line meets a recorded allergy and
 * has no allergy_override (nothing changes).  A finalize that overrides an
 * allergy is audited as visit.allergy_override too.
 */
static int
visit_finalize(struct req *r)
{
	sqlite3_stmt	*s;
	struct vstate	 vs;
	long long	 id = r->param[0];
	char		 now[21];
	size_t		 n;
	int		 rc, overrides;

	db_now(now);
	if ((rc = db_begin()) != SQLITE_OK)
		return db_fail(r, rc);
	if ((rc = draft_or_fail(r, id, &vs)) != 0)
		return rc;
	if (!vs.has_complaint && vs.ndiagnoses == 0) {
		db_rollback();
		return http_error(r, 422, "incomplete", "Write the complaint or "
		    "a diagnosis before finalizing the visit.", "complaint");
	}
	if ((rc = facts_load(id, &n)) != SQLITE_OK)
		return db_fail(r, rc);
	if ((overrides = allergy_conflicts(r, n)) < 0) {
		db_rollback();
		return 409;
	}
	if (overrides > 0 && (rc = audit(r, "visit.allergy_override",
	    "visit", id, vs.patient_id)) != SQLITE_OK)
		return db_fail(r, rc);
	s = st[STMT_VISIT_FINALIZE];
	db_bind_int(s, 1, id);
	db_bind_text(s, 2, now);
	if ((rc = db_run(s)) != SQLITE_OK)
		return db_fail(r, rc);
	/* A closed entry stays as it is (the mover is quiet). */
	if (vs.queue_id > 0 && (rc = qentry_move(r, QM_VISIT_FINALIZE,
	    vs.queue_id, QS_DONE, 0, NULL)) != 0) {
		if (rc < 0)
			return db_fail(r, -rc);
		db_rollback();
		return rc;
	}
	/* Known medicines first, so that the new ones start at one use. */
	s = st[STMT_MED_USED];
	db_bind_int(s, 1, id);
	if ((rc = db_run(s)) != SQLITE_OK)
		return db_fail(r, rc);
	s = st[STMT_MED_NEW];
	db_bind_int(s, 1, id);
	if ((rc = db_run(s)) != SQLITE_OK)
		return db_fail(r, rc);
	s = st[STMT_BRAND_USED];
	db_bind_int(s, 1, id);
	if ((rc = db_run(s)) != SQLITE_OK)
		return db_fail(r, rc);
	return visit_commit(r, "visit.finalize", id, vs.patient_id, 200);
}

/*
 * POST /api/visits/{id}/repeat-last: 200 the visit, whose prescription
 * lines are now those of the patient's newest finalized visit (the lines
 * it had are replaced).  404 no such visit, or 404 "no_previous_visit";
 * 409 "visit_final"; 409 "nothing_to_repeat" when that visit prescribed
 * nothing (the draft keeps its lines).
 */
/* Its statements run one after the other as visit_finalize()'s do: each is
 * its own step of the rule, so the bind-run-fail lines repeat by shape. */
static int
visit_repeat_last(struct req *r)
{
	sqlite3_stmt	*s;
	struct vstate	 vs;
	long long	 id = r->param[0], src;
	char		 now[21];
	int		 rc;

	db_now(now);
	if ((rc = db_begin()) != SQLITE_OK)
		return db_fail(r, rc);
	if ((rc = draft_or_fail(r, id, &vs)) != 0)
		return rc;
	s = st[STMT_VISIT_LAST_FINAL];
	db_bind_int(s, 1, vs.patient_id);
	db_bind_int(s, 2, id);
	if ((src = db_int1(s, 0)) == 0) {
		db_rollback();
		return http_error(r, 404, "no_previous_visit", "This patient "
		    "has no finalized visit to repeat.", NULL);
	}
	s = st[STMT_RX_COUNT];
	db_bind_int(s, 1, src);
	if (db_int1(s, 0) == 0) {
		db_rollback();
		return http_error(r, 409, "nothing_to_repeat", "The patient's "
		    "last visit prescribed no medicines.", NULL);
	}
	s = st[STMT_RX_DELETE];
	db_bind_int(s, 1, id);
	if ((rc = db_run(s)) != SQLITE_OK)
		return db_fail(r, rc);
	s = st[STMT_RX_COPY];
	db_bind_int(s, 1, id);
	db_bind_int(s, 2, src);
	if ((rc = db_run(s)) != SQLITE_OK)
		return db_fail(r, rc);
	s = st[STMT_VISIT_TOUCH];
	db_bind_int(s, 1, id);
	db_bind_text(s, 2, now);
	if ((rc = db_run(s)) != SQLITE_OK)
		return db_fail(r, rc);
	return visit_commit(r, "visit.update", id, vs.patient_id, 200);
}

/*
 * GET /api/patients/{id}/visits?limit=&offset=: 200 {patient, total,
 * visits, draft}: the patient's finalized visits (full, newest first;
 * total counts them all), and today's draft or null.  404; 422 paging.
 */
static int
visit_history(struct req *r)
{
	sqlite3_stmt	*s;
	long long	 pid = r->param[0], limit, offset, total;
	char		 today[11];
	int		 rc;

	if ((rc = req_paging(r, &limit, &offset)) != 0)
		return rc;
	db_today(today);
	s = st[STMT_PATIENT_GET];
	db_bind_int(s, 1, pid);
	db_bind_text(s, 2, today);
	if ((rc = db_step(s)) == SQLITE_ROW) {
		jo_open(r);
		jo_row_fields(r, s);
	}
	db_reset(s);
	if (rc == SQLITE_DONE)
		return http_error(r, 404, "not_found", "There is no such patient.",
		    NULL);
	if (rc != SQLITE_ROW)
		return db_fail(r, rc);

	s = st[STMT_VISIT_HISTORY_COUNT];
	db_bind_int(s, 1, pid);
	if ((total = db_int1(s, -1)) < 0)
		return db_fail(r, SQLITE_ERROR);
	jo_int(r, "total", total);

	s = st[STMT_VISIT_HISTORY];
	db_bind_int(s, 1, pid);
	db_bind_text(s, 2, today);
	db_bind_int(s, 3, limit);
	db_bind_int(s, 4, offset);
	if ((rc = jo_rows(r, "visits", s)) != SQLITE_OK)
		return db_fail(r, rc);

	s = st[STMT_VISIT_DRAFT_TODAY];
	db_bind_int(s, 1, pid);
	db_bind_text(s, 2, today);
	if ((rc = db_step(s)) == SQLITE_ROW) {
		jo_key(r, "draft");
		jo_row(r, s);
	} else
		jo_null(r, "draft");
	db_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(r, rc);
	jo_close(r);

	if ((rc = audit(r, "visit.history", "patient", pid, pid)) != SQLITE_OK)
		return db_fail(r, rc);
	return 200;
}

/*
 * GET /api/visits/{id}/prescription (doctor, frontdesk): 200 what the
 * printed prescription shows: {visit_id, status, patient_id, date,
 * finalized_at,
 * vitals, diagnoses, prescriptions (no allergy override), advice,
 * follow_up_date, doctor:{name}, patient:{id, name, clinic_no, sex, dob,
 * age_years, phone, allergies}}; never the notes or the complaint.  404;
 * 403 "not_finalized" while the visit is a draft.  Audited
 * (prescription.read).
 */
static int
prescription_get(struct req *r)
{
	sqlite3_stmt	*s = st[STMT_RX_SHEET];
	long long	 id = r->param[0], pid = 0;
	char		 today[11];
	int		 rc, final = 0;

	db_today(today);
	db_bind_int(s, 1, id);
	db_bind_text(s, 2, today);
	if ((rc = db_step(s)) == SQLITE_ROW) {
		final = strcmp((const char *)sqlite3_column_text(s, 1),
		    "final") == 0;
		pid = sqlite3_column_int64(s, 2);
		if (final)
			jo_row(r, s);
	}
	db_reset(s);
	if (rc == SQLITE_DONE)
		return http_error(r, 404, "not_found", "There is no such visit.",
		    NULL);
	if (rc != SQLITE_ROW)
		return db_fail(r, rc);
	if (!final)
		return http_error(r, 403, "not_finalized", "This visit is not "
		    "finalized yet: its prescription cannot be printed.", NULL);
	if ((rc = audit(r, "prescription.read", "visit", id, pid)) !=
	    SQLITE_OK)
		return db_fail(r, rc);
	return 200;
}

/*
 * GET /api/patients/{id}/prescriptions?limit=&offset= (doctor, frontdesk):
 * 200 {prescriptions:[{visit_id, date, finalized_at, medicines}]}: the
 * patient's finalized visits, newest first, each with how many medicines
 * it prescribed, for a reprint.  404; 422 paging.  Audited
 * (prescription.list).
 */
static int
prescription_list(struct req *r)
{
	sqlite3_stmt	*s = st[STMT_PATIENT_EXISTS];
	long long	 pid = r->param[0], limit, offset;
	int		 rc;

	if ((rc = req_paging(r, &limit, &offset)) != 0)
		return rc;
	db_bind_int(s, 1, pid);
	if ((rc = db_int1(s, 0)) == 0)
		return http_error(r, 404, "not_found", "There is no such "
		    "patient.", NULL);
	s = st[STMT_RX_LIST];
	db_bind_int(s, 1, pid);
	db_bind_int(s, 2, limit);
	db_bind_int(s, 3, offset);
	jo_open(r);
	if ((rc = jo_rows(r, "prescriptions", s)) != SQLITE_OK)
		return db_fail(r, rc);
	jo_close(r);
	if ((rc = audit(r, "prescription.list", "patient", pid, pid)) !=
	    SQLITE_OK)
		return db_fail(r, rc);
	return 200;
}

/*
 * GET /api/medicines?q=&limit=&offset=: 200 {medicines:[{id, name,
 * strength, form, brand, ingredients, class, uses}]}: catalogue entries
 * whose name, or a word of it, starts with q (any case), and brands that
 * start with q (brand set: the entry is the brand's generic, strength and
 * form); the clinic's most prescribed first, then those starting with q,
 * then the seed list in alphabetical order; without q, the most
 * prescribed.  class: the allergy classes of its ingredients, or null.
 * 422 q too long.
 */
static int
medicine_search(struct req *r)
{
	sqlite3_stmt	*s;
	long long	 limit, offset;
	char		 buf[MED_QUERY_MAX * 4 + 1];
	const char	*q = "";
	size_t		 n = 0;
	int		 rc;

	if ((rc = req_query(r, "q", buf, sizeof(buf))) < 0 ||
	    (rc == 1 && valid_utf8_chars(buf) > MED_QUERY_MAX))
		return http_error(r, 422, "invalid_parameter", "q must be text "
		    "of at most 100 characters.", "q");
	if (rc == 1)
		q = valid_trim(buf, &n);
	if ((rc = req_paging(r, &limit, &offset)) != 0)
		return rc;
	if (n == 0) {
		s = st[STMT_MED_TOP];
		db_bind_int(s, 1, limit);
		db_bind_int(s, 2, offset);
	} else {
		s = st[STMT_MED_SEARCH];
		db_bind_textn(s, 1, q, n);
		db_bind_int(s, 2, limit);
		db_bind_int(s, 3, offset);
	}
	jo_open(r);
	if ((rc = jo_rows(r, "medicines", s)) != SQLITE_OK)
		return db_fail(r, rc);
	jo_close(r);
	return 200;
}

#define FOLLOWUPS_MAX	500	/* patients of one week's list */

/*
 * GET /api/followups: 200 {date, followups:[{visit_id, follow_up_date,
 * when: "today"|"tomorrow"|"week", patient:{id, name, clinic_no, phone,
 * language}, tel, whatsapp}]}: the patients due for review today,
 * tomorrow and the rest of the coming week (to today + 6 days), by date
 * and name.  tel and whatsapp are null without a phone; whatsapp is null
 * for a landline; its message is in the patient's language.
 * Audited "followup.list": one row with the ids of the patients listed
 * (audit_list()).
 */
static int
followup_list(struct req *r)
{
	sqlite3_stmt	*s = st[STMT_FOLLOWUPS];
	char		 today[11], tel[FOLLOWUP_TEL_MAX], wa[FOLLOWUP_LINK_MAX];
	const char	*lang, *clinic;
	int		 rc, k;

	db_today(today);
	db_bind_text(s, 1, today);
	db_bind_int(s, 2, FOLLOWUPS_MAX);
	audit_listing(r);
	jo_open(r);
	jo_str(r, "date", today);
	jo_arr(r, "followups");
	while ((rc = db_step(s)) == SQLITE_ROW) {
		lang = (const char *)sqlite3_column_text(s, 7);
		clinic = (const char *)sqlite3_column_text(s, 8);
		k = dose_lang(lang);
		if (k < 0 || !followup_links((enum dose_lang)k,
		    (const char *)sqlite3_column_text(s, 6),
		    (const char *)sqlite3_column_text(s, 4),
		    clinic != NULL ? clinic : "",
		    (const char *)sqlite3_column_text(s, 1), tel, sizeof(tel),
		    wa, sizeof(wa)))
			tel[0] = wa[0] = '\0';
		jo_obj(r, NULL);
		jo_int(r, "visit_id", sqlite3_column_int64(s, 0));
		jo_str(r, "follow_up_date",
		    (const char *)sqlite3_column_text(s, 1));
		jo_str(r, "when", (const char *)sqlite3_column_text(s, 2));
		jo_obj(r, "patient");
		audit_listed(r, sqlite3_column_int64(s, 3));
		jo_int(r, "id", sqlite3_column_int64(s, 3));
		jo_str(r, "name", (const char *)sqlite3_column_text(s, 4));
		jo_int(r, "clinic_no", sqlite3_column_int64(s, 5));
		jo_key(r, "phone");
		jo_col(r, s, 6);
		jo_str(r, "language", lang);
		jo_obj_close(r);
		if (tel[0] != '\0')
			jo_str(r, "tel", tel);
		else
			jo_null(r, "tel");
		if (wa[0] != '\0')
			jo_str(r, "whatsapp", wa);
		else
			jo_null(r, "whatsapp");
		jo_obj_close(r);
	}
	db_reset(s);
	if (rc != SQLITE_DONE)
		return db_fail(r, rc);
	jo_arr_close(r);
	jo_close(r);
	if ((rc = audit_list(r, "followup.list", "patient")) != SQLITE_OK)
		return db_fail(r, rc);
	return 200;
}

static const struct field create_fields[] = {
	{ "patient_id", FT_INT, F_REQUIRED, 1, LLONG_MAX, NULL, NULL, NULL },
	{ "queue_id", FT_INT, F_NULLABLE, 1, LLONG_MAX, NULL, NULL, NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL },
};

static const struct field patch_fields[] = {
	{ "version", FT_INT, F_REQUIRED, 1, LLONG_MAX, NULL, NULL, NULL },
	{ "complaint", FT_STRING, F_NULLABLE, 0, COMPLAINT_MAX, NULL, NULL,
	    NULL },
	{ "vitals", FT_OBJECT, F_NULLABLE, 0, 0, NULL, NULL, NULL },
	{ "notes", FT_STRING, F_NULLABLE, 0, NOTES_MAX, NULL, NULL, NULL },
	{ "diagnoses", FT_ARRAY, F_NULLABLE, 0, DIAGNOSES_MAX, NULL, NULL,
	    NULL },
	{ "prescriptions", FT_ARRAY, F_NULLABLE, 0, RX_MAX, NULL, NULL, NULL },
	{ "advice", FT_STRING, F_NULLABLE, 0, ADVICE_MAX, NULL, NULL, NULL },
	{ "follow_up_date", FT_DATE, F_NULLABLE, 0, 0, NULL, NULL, NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL },
};

/* Each program its own route table and main() (style.md 2): the same shape on purpose. */
static const struct route routes[] = {
	{ METHOD_POST, "/api/visits", R_DOCTOR, create_fields, visit_create,
	    0 },
	{ METHOD_GET, "/api/visits/{id}", R_DOCTOR, NULL, visit_get, 0 },
	{ METHOD_PATCH, "/api/visits/{id}", R_DOCTOR, patch_fields,
	    visit_patch, PATCH_BODY_MAX },
	{ METHOD_POST, "/api/visits/{id}/finalize", R_DOCTOR, NULL,
	    visit_finalize, 0 },
	{ METHOD_POST, "/api/visits/{id}/repeat-last", R_DOCTOR, NULL,
	    visit_repeat_last, 0 },
	{ METHOD_GET, "/api/patients/{id}/visits", R_DOCTOR, NULL,
	    visit_history, 0 },
	{ METHOD_GET, "/api/medicines", R_DOCTOR, NULL, medicine_search, 0 },
	{ METHOD_GET, "/api/visits/{id}/prescription", R_CLINIC, NULL,
	    prescription_get, 0 },
	{ METHOD_GET, "/api/patients/{id}/prescriptions", R_CLINIC, NULL,
	    prescription_list, 0 },
	{ METHOD_GET, "/api/followups", R_CLINIC, NULL, followup_list, 0 },
};

/*
 * The SQL function dose_words(LANG, DOSE, TIMING, DAYS): the text of
 * dose_words(), or NULL when it has nothing to say (an unknown language,
 * a dose dose_parse() refuses).
 */
static void
sql_dose_words(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
	char		 out[DOSE_WORDS_MAX];
	const char	*dose, *timing;
	long long	 days;
	int		 lang;
	size_t		 n;

	(void)argc;
	lang = dose_lang((const char *)sqlite3_value_text(argv[0]));
	dose = (const char *)sqlite3_value_text(argv[1]);
	timing = (const char *)sqlite3_value_text(argv[2]);
	days = sqlite3_value_type(argv[3]) == SQLITE_INTEGER ?
	    sqlite3_value_int64(argv[3]) : 0;
	if (lang < 0 || dose == NULL ||
	    (n = dose_words((enum dose_lang)lang, dose, timing, days, out,
	    sizeof(out))) == 0) {
		sqlite3_result_null(cx);
		return;
	}
	sqlite3_result_text(cx, out, (int)n, SQLITE_TRANSIENT);
}

/* Gives connection D the function dose_words() before any statement is
 * prepared on it (registered by main() with sqlite3_auto_extension()). */
static int
dosing_ext(sqlite3 *d, char **err, const void *api)
{
	(void)err;
	(void)api;
	return sqlite3_create_function(d, "dose_words", 4, SQLITE_UTF8 |
	    SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL, sql_dose_words,
	    NULL, NULL);
}

int
main(int argc, char **argv)
{
	if (sqlite3_auto_extension((void (*)(void))dosing_ext) != SQLITE_OK)
		return 1;
	/* Its writes are short: one fsync may serve several (serve.c). */
	nd_group_commit = 1;
	return nd_main(argc, argv, "visits", routes, ND_NELEM(routes), sql,
	    STMT__MAX, st);
}
