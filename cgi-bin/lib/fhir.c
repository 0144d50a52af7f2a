/*
 * fhir.c — a patient's record as a FHIR R4 Bundle (fhir.h), written with
 * the jo_* functions into a request's JSON buffer.
 *
 * Mapping, field by field:
 *   Patient            id "patient-<id>"; identifier: the clinic number
 *                      (type MR, system FHIR_CLINIC_NO_SYSTEM) and the ABHA
 *                      number or address (system FHIR_ABHA_SYSTEM); name
 *                      (as written, in any script: HumanName.text); gender
 *                      M/F/O → male/female/other; birthDate when the date
 *                      of birth is known (an age alone has no FHIR home);
 *                      telecom (phone); address (text); the language the
 *                      patient reads as communication (BCP 47: en, ta, hi).
 *   AllergyIntolerance one per item of patients.allergies (split at , ; and
 *                      new lines; "nil", "none", "NKDA" are not allergies).
 *   Encounter          one per finalized visit: finished, ambulatory (AMB),
 *                      its period from opening to finalizing, the complaint
 *                      as reasonCode, the doctor as participant.
 *   Observation        the visit's vitals: blood pressure as the panel
 *                      85354-9 with 8480-6 and 8462-4 as components, and
 *                      8867-4 pulse, 8310-5 temperature, 29463-7 weight,
 *                      8302-2 height, 59408-5 SpO2, each in UCUM units.
 *   Condition          one per diagnosis, encounter-diagnosis; coded with
 *                      ICD-10 when its code looks like one, else text only.
 *   MedicationRequest  one per prescription line: the medicine as text
 *                      (with the brand written, if any),
 *                      dosage text and a Timing read from the dose (1-0-1
 *                      is twice a day; BD, TDS, SOS...), the food timing
 *                      as Timing.when, the duration as boundsDuration.
 * Every entry's fullUrl is a urn:uuid made from a SHA-256 of its kind, id
 * and creation time (the same record exports to the same uuid every
 * time), and references point at those fullUrls.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nd.h"
#include "fhir.h"

const char *const fhir_type_names[FHIR__MAX] = {
	/* FHIR_PATIENT */	"Patient",
	/* FHIR_ALLERGY */	"AllergyIntolerance",
	/* FHIR_ENCOUNTER */	"Encounter",
	/* FHIR_OBSERVATION */	"Observation",
	/* FHIR_CONDITION */	"Condition",
	/* FHIR_MEDREQ */	"MedicationRequest",
};

enum stmt {
	STMT_PATIENT,
	STMT_VISITS,
	STMT_DIAGNOSES,
	STMT_LINES,
	STMT_ALL,
	STMT__MAX
};
static const char *const sql[STMT__MAX] = {
	/* STMT_PATIENT */
	"SELECT id, clinic_no, name, sex, dob, phone, address, abha_id,"
	" allergies, created_at, updated_at, language FROM patients"
	" WHERE id = ?1",
	/* STMT_VISITS: finalized visits, oldest first */
	"SELECT v.id, v.day, v.complaint, v.created_at,"
	" coalesce(v.finalized_at, v.updated_at), u.name,"
	" v.bp_systolic, v.bp_diastolic, v.pulse, v.temperature_c,"
	" v.weight_kg, v.height_cm, v.spo2"
	" FROM visits v LEFT JOIN users u ON u.id = v.doctor_id"
	" WHERE v.patient_id = ?1 AND v.status = 'final' ORDER BY v.id",
	/* STMT_DIAGNOSES */
	"SELECT id, text, code FROM visit_diagnoses WHERE visit_id = ?1"
	" ORDER BY pos, id",
	/*
	 * STMT_LINES: ?2 today; a line is completed once its days have
	 * run out, active while they run, of unknown status without them.
	 */
	"SELECT p.id, p.medicine, p.strength, p.form, p.dose, p.timing,"
	" p.duration_days, p.instructions,"
	" CASE WHEN p.duration_days IS NULL THEN 'unknown'"
	" WHEN date(v.day, '+' || p.duration_days || ' days') <= ?2"
	" THEN 'completed' ELSE 'active' END, p.brand"
	" FROM prescriptions p JOIN visits v ON v.id = p.visit_id"
	" WHERE p.visit_id = ?1 ORDER BY p.pos, p.id",
	/* STMT_ALL */
	"SELECT id FROM patients ORDER BY id",
};
/* As in every module with SQL (style.md 5): its own table, checked and prepared once. */
_Static_assert(ND_NELEM(sql) == STMT__MAX, "fhir sql");
static sqlite3_stmt *st[STMT__MAX];

/* Columns of STMT_VISITS. */
enum vcol {
	VC_ID, VC_DAY, VC_COMPLAINT, VC_CREATED, VC_FINAL, VC_DOCTOR,
	VC_BP_SYS, VC_BP_DIA, VC_PULSE, VC_TEMP, VC_WEIGHT, VC_HEIGHT, VC_SPO2,
	VC__MAX
};

/* The vitals that are one Observation each (blood pressure is a panel). */
static const struct vital {
	enum vcol	 col;
	const char	*loinc, *display, *unit, *ucum;
} vitals[] = {
	{ VC_PULSE, "8867-4", "Heart rate", "beats/minute", "/min" },
	{ VC_TEMP, "8310-5", "Body temperature", "°C", "Cel" },
	{ VC_WEIGHT, "29463-7", "Body weight", "kg", "kg" },
	{ VC_HEIGHT, "8302-2", "Body height", "cm", "cm" },
	{ VC_SPO2, "59408-5",
	    "Oxygen saturation in Arterial blood by Pulse oximetry", "%", "%" },
};

/* Food timings of a prescription line → FHIR EventTiming and words. */
static const struct {
	const char	*timing, *when, *words;
} whens[] = {
	{ "before_food", "AC", "before food" },
	{ "after_food", "PC", "after food" },
	{ "with_food", "C", "with food" },
	{ "empty_stomach", "AC", "on an empty stomach" },
	{ "bedtime", "HS", "at bedtime" },
};

int
fhir_init(void)
{
	return db_prepare_all(sql, STMT__MAX, st);
}

void
fhir_fini(void)
{
	db_finalize_all(st, STMT__MAX);
}

/*
 * Writes into OUT (37 bytes) a uuid made from the SHA-256 of KIND, ID and
 * SALT (the record's creation time), version 8 (RFC 9562: made here).
 */
void
fhir_uuid(char *out, const char *kind, long long id, const char *salt)
{
	char	 in[256], h[65];
	int	 n;

	n = snprintf(in, sizeof(in), "nalamdesk/%s/%lld/%s", kind, id,
	    salt != NULL ? salt : "");
	if (n < 0 || (size_t)n >= sizeof(in))
		n = (int)sizeof(in) - 1;
	auth_sha256_hex(in, (size_t)n, h);
	h[12] = '8';
	h[16] = "89ab"[h[16] % 4];
	snprintf(out, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", h, h + 8, h + 12,
	    h + 16, h + 20);
}

/*
 * Whether CODE looks like an ICD-10 code: a letter, two digits or a digit
 * and a letter, then an optional dot and 1-4 letters or digits ("J06.9",
 * "E11", "M54.5", "U07.1").  Returns 1 or 0.
 */
int
fhir_icd10(const char *c)
{
	size_t	 i, n;

	if (c == NULL || !isupper((unsigned char)c[0]) ||
	    !isdigit((unsigned char)c[1]) || !isalnum((unsigned char)c[2]))
		return 0;
	if (c[3] == '\0')
		return 1;
	if (c[3] != '.')
		return 0;
	for (i = 4, n = 0; c[i] != '\0'; i++, n++)
		if (!isalnum((unsigned char)c[i]) || n == 4)
			return 0;
	return n > 0;
}

/* One part of a dose pattern: 0, 1, 2, ½ (as stored) or 1/2, 0.5. */
static double
dose_part(const char *s, size_t n)
{
	if (n == 1 && s[0] >= '0' && s[0] <= '2')
		return s[0] - '0';
	if ((n == 2 && memcmp(s, "\xc2\xbd", 2) == 0) ||
	    (n == 3 && memcmp(s, "1/2", 3) == 0) ||
	    (n == 3 && memcmp(s, "0.5", 3) == 0))
		return 0.5;
	return -1;
}

/*
 * Reads a stored dose (visits/dose.c normalises it: "1-0-1", "1-0-½",
 * "BD", "SOS", or free text) into T.  Free text leaves T empty: the
 * dosage's text still says it.
 */
void
fhir_dose_timing(const char *dose, struct fhir_timing *t)
{
	static const struct { const char *kw; int freq, sos, once, hs; }
	    kws[] = {
		{ "OD", 1, 0, 0, 0 }, { "BD", 2, 0, 0, 0 },
		{ "TDS", 3, 0, 0, 0 }, { "QID", 4, 0, 0, 0 },
		{ "HS", 1, 0, 0, 1 }, { "SOS", 0, 1, 0, 0 },
		{ "STAT", 0, 0, 1, 0 },
	};
	const char	*p, *e;
	double		 v, q = -1;
	size_t		 i;
	int		 parts = 0, on = 0, alike = 1;

	memset(t, 0, sizeof(*t));
	if (dose == NULL)
		return;
	for (i = 0; i < ND_NELEM(kws); i++)
		if (strcmp(dose, kws[i].kw) == 0) {
			t->frequency = kws[i].freq;
			t->as_needed = kws[i].sos;
			t->once = kws[i].once;
			t->bedtime = kws[i].hs;
			return;
		}
	for (p = dose; ; p = e + 1) {
		e = strchr(p, '-');
		v = dose_part(p, e != NULL ? (size_t)(e - p) : strlen(p));
		if (v < 0 || ++parts > 4)
			return;		/* free text */
		if (v > 0) {
			on++;
			if (q >= 0 && v != q)
				alike = 0;
			q = v;
		}
		if (e == NULL)
			break;
	}
	if (parts < 2 || on == 0)
		return;
	t->frequency = on;
	t->quantity = alike ? q : 0;
}

/* {"coding":[{system, code, display}], "text": TEXT} under KEY. */
static void
concept(struct req *r, const char *key, const char *system, const char *code,
    const char *display, const char *text)
{
	jo_obj(r, key);
	if (code != NULL) {
		jo_arr(r, "coding");
		jo_obj(r, NULL);
		jo_str(r, "system", system);
		jo_str(r, "code", code);
		if (display != NULL)
			jo_str(r, "display", display);
		jo_obj_close(r);
		jo_arr_close(r);
	}
	if (text != NULL)
		jo_str(r, "text", text);
	jo_obj_close(r);
}

/* {"reference": "urn:uuid:UUID"} under KEY. */
static void
reference(struct req *r, const char *key, const char *uuid)
{
	char	 ref[48];

	snprintf(ref, sizeof(ref), "urn:uuid:%s", uuid);
	jo_obj(r, key);
	jo_str(r, "reference", ref);
	jo_obj_close(r);
}

/* Opens an entry and its resource; returns where the resource starts. */
static size_t
entry_open(struct req *r, const char *uuid, enum fhir_type type,
    const char *id)
{
	char	 url[48];
	size_t	 start;

	snprintf(url, sizeof(url), "urn:uuid:%s", uuid);
	jo_obj(r, NULL);
	jo_str(r, "fullUrl", url);
	jo_obj(r, "resource");
	start = r->g.len - 1;
	jo_str(r, "resourceType", fhir_type_names[type]);
	jo_str(r, "id", id);
	return start;
}

static void
entry_close(struct req *r, enum fhir_type type, size_t start,
    fhir_span_fn span, void *arg)
{
	jo_obj_close(r);
	if (span != NULL && !r->g.bad)
		span(arg, type, start, r->g.len);
	jo_obj_close(r);
}

/* Column I of S as text, or NULL. */
static const char *
col(sqlite3_stmt *s, int i)
{
	return (const char *)sqlite3_column_text(s, i);
}

/* The Patient; P is the row of STMT_PATIENT. */
static void
write_patient(struct req *r, sqlite3_stmt *p, const char *puuid,
    fhir_span_fn span, void *arg)
{
	char		 id[32], no[24];
	const char	*sex = col(p, 3), *abha = col(p, 7);
	size_t		 start;

	snprintf(id, sizeof(id), "patient-%lld",
	    (long long)sqlite3_column_int64(p, 0));
	start = entry_open(r, puuid, FHIR_PATIENT, id);
	jo_obj(r, "meta");
	jo_str(r, "lastUpdated", col(p, 10));
	jo_obj_close(r);
	jo_arr(r, "identifier");
	jo_obj(r, NULL);
	jo_str(r, "use", "usual");
	jo_obj(r, "type");
	jo_arr(r, "coding");
	jo_obj(r, NULL);
	jo_str(r, "system", "http://terminology.hl7.org/CodeSystem/v2-0203");
	jo_str(r, "code", "MR");
	jo_str(r, "display", "Medical record number");
	jo_obj_close(r);
	jo_arr_close(r);
	jo_str(r, "text", "Clinic number");
	jo_obj_close(r);
	jo_str(r, "system", FHIR_CLINIC_NO_SYSTEM);
	snprintf(no, sizeof(no), "%lld", (long long)sqlite3_column_int64(p, 1));
	jo_str(r, "value", no);
	jo_obj_close(r);
	if (abha != NULL && *abha != '\0') {
		jo_obj(r, NULL);
		jo_str(r, "use", "official");
		jo_obj(r, "type");
		jo_str(r, "text", strchr(abha, '@') != NULL ?
		    "ABHA address" : "ABHA number");
		jo_obj_close(r);
		jo_str(r, "system", FHIR_ABHA_SYSTEM);
		jo_str(r, "value", abha);
		jo_obj_close(r);
	}
	jo_arr_close(r);
	jo_bool(r, "active", 1);
	jo_arr(r, "name");
	jo_obj(r, NULL);
	jo_str(r, "use", "official");
	jo_str(r, "text", col(p, 2));
	jo_obj_close(r);
	jo_arr_close(r);
	if (col(p, 5) != NULL) {
		jo_arr(r, "telecom");
		jo_obj(r, NULL);
		jo_str(r, "system", "phone");
		jo_str(r, "value", col(p, 5));
		jo_str(r, "use", col(p, 5)[0] == '0' ? "home" : "mobile");
		jo_obj_close(r);
		jo_arr_close(r);
	}
	jo_str(r, "gender", sex == NULL ? "unknown" : sex[0] == 'M' ? "male" :
	    sex[0] == 'F' ? "female" : "other");
	if (col(p, 4) != NULL)
		jo_str(r, "birthDate", col(p, 4));
	if (col(p, 6) != NULL) {
		jo_arr(r, "address");
		jo_obj(r, NULL);
		jo_str(r, "use", "home");
		jo_str(r, "text", col(p, 6));
		jo_str(r, "country", "IN");
		jo_obj_close(r);
		jo_arr_close(r);
	}
	if (col(p, 11) != NULL) {
		jo_arr(r, "communication");
		jo_obj(r, NULL);
		concept(r, "language", "urn:ietf:bcp:47", col(p, 11), NULL, NULL);
		jo_bool(r, "preferred", 1);
		jo_obj_close(r);
		jo_arr_close(r);
	}
	entry_close(r, FHIR_PATIENT, start, span, arg);
}

/* Whether the allergy item S (N bytes, trimmed) says there is none. */
static int
no_allergy(const char *s, size_t n)
{
	static const char *const none[] = { "nil", "none", "no", "nkda",
	    "nka", "na", "n/a", "-", "no known allergies",
	    "no known drug allergies" };
	size_t	 i;

	for (i = 0; i < ND_NELEM(none); i++)
		if (strlen(none[i]) == n && strncasecmp(s, none[i], n) == 0)
			return 1;
	return 0;
}

/* One AllergyIntolerance per item of the allergies text TEXT. */
static void
write_allergies(struct req *r, long long pid, const char *text,
    const char *created, const char *puuid, fhir_span_fn span, void *arg)
{
	char		 item[1024], id[48], uuid[37];
	const char	*p, *e;
	size_t		 n, start;
	long long	 k = 0;

	for (p = text; p != NULL && *p != '\0'; p = *e != '\0' ? e + 1 : e) {
		e = p + strcspn(p, ",;\n");
		while (p < e && isspace((unsigned char)*p))
			p++;
		n = (size_t)(e - p);
		while (n > 0 && isspace((unsigned char)p[n - 1]))
			n--;
		if (n == 0 || no_allergy(p, n))
			continue;
		if (n >= sizeof(item))
			n = sizeof(item) - 1;
		memcpy(item, p, n);
		item[n] = '\0';
		k++;
		snprintf(id, sizeof(id), "allergy-%lld-%lld", pid, k);
		fhir_uuid(uuid, "allergy", pid * 1000 + k, created);
		start = entry_open(r, uuid, FHIR_ALLERGY, id);
		concept(r, "clinicalStatus", "http://terminology.hl7.org/"
		    "CodeSystem/allergyintolerance-clinical", "active", "Active",
		    NULL);
		concept(r, "code", NULL, NULL, NULL, item);
		reference(r, "patient", puuid);
		entry_close(r, FHIR_ALLERGY, start, span, arg);
	}
}

/* The start of an Observation of visit V (row of STMT_VISITS). */
static size_t
obs_open(struct req *r, sqlite3_stmt *v, const char *loinc,
    const char *display, const char *puuid, const char *euuid)
{
	char		 id[48], uuid[37];
	long long	 vid = sqlite3_column_int64(v, VC_ID);
	size_t		 start;

	snprintf(id, sizeof(id), "vitals-%lld-%s", vid, loinc);
	fhir_uuid(uuid, loinc, vid, col(v, VC_CREATED));
	start = entry_open(r, uuid, FHIR_OBSERVATION, id);
	jo_str(r, "status", "final");
	jo_arr(r, "category");
	concept(r, NULL, "http://terminology.hl7.org/CodeSystem/"
	    "observation-category", "vital-signs", "Vital Signs", NULL);
	jo_arr_close(r);
	concept(r, "code", FHIR_LOINC, loinc, display, display);
	reference(r, "subject", puuid);
	reference(r, "encounter", euuid);
	jo_str(r, "effectiveDateTime", col(v, VC_CREATED));
	return start;
}

/* {value, unit, system UCUM, code} under KEY. */
static void
quantity(struct req *r, const char *key, double value, const char *unit,
    const char *ucum)
{
	jo_obj(r, key);
	jo_num(r, "value", value);
	jo_str(r, "unit", unit);
	jo_str(r, "system", FHIR_UCUM);
	jo_str(r, "code", ucum);
	jo_obj_close(r);
}

/* The Observations of visit V's vitals. */
static void
write_vitals(struct req *r, sqlite3_stmt *v, const char *puuid,
    const char *euuid, fhir_span_fn span, void *arg)
{
	static const struct { enum vcol col; const char *loinc, *display; }
	    bp[] = {
		{ VC_BP_SYS, "8480-6", "Systolic blood pressure" },
		{ VC_BP_DIA, "8462-4", "Diastolic blood pressure" },
	};
	size_t	 i, start;

	if (sqlite3_column_type(v, VC_BP_SYS) != SQLITE_NULL ||
	    sqlite3_column_type(v, VC_BP_DIA) != SQLITE_NULL) {
		start = obs_open(r, v, "85354-9", "Blood pressure panel with "
		    "all children optional", puuid, euuid);
		jo_arr(r, "component");
		for (i = 0; i < ND_NELEM(bp); i++) {
			if (sqlite3_column_type(v, bp[i].col) == SQLITE_NULL)
				continue;
			jo_obj(r, NULL);
			concept(r, "code", FHIR_LOINC, bp[i].loinc,
			    bp[i].display, bp[i].display);
			quantity(r, "valueQuantity",
			    sqlite3_column_double(v, bp[i].col), "mmHg",
			    "mm[Hg]");
			jo_obj_close(r);
		}
		jo_arr_close(r);
		entry_close(r, FHIR_OBSERVATION, start, span, arg);
	}
	for (i = 0; i < ND_NELEM(vitals); i++) {
		if (sqlite3_column_type(v, vitals[i].col) == SQLITE_NULL)
			continue;
		start = obs_open(r, v, vitals[i].loinc, vitals[i].display,
		    puuid, euuid);
		quantity(r, "valueQuantity",
		    sqlite3_column_double(v, vitals[i].col), vitals[i].unit,
		    vitals[i].ucum);
		entry_close(r, FHIR_OBSERVATION, start, span, arg);
	}
}

/* The Conditions of visit V.  Returns SQLITE_OK or the error. */
static int
write_conditions(struct req *r, sqlite3_stmt *v, const char *puuid,
    const char *euuid, fhir_span_fn span, void *arg)
{
	sqlite3_stmt	*s = st[STMT_DIAGNOSES];
	char		 id[48], uuid[37];
	const char	*code;
	size_t		 start;
	int		 rc;

	db_bind_int(s, 1, sqlite3_column_int64(v, VC_ID));
	while ((rc = db_step(s)) == SQLITE_ROW) {
		snprintf(id, sizeof(id), "condition-%lld",
		    (long long)sqlite3_column_int64(s, 0));
		fhir_uuid(uuid, "condition", sqlite3_column_int64(s, 0),
		    col(v, VC_CREATED));
		start = entry_open(r, uuid, FHIR_CONDITION, id);
		jo_arr(r, "category");
		concept(r, NULL, "http://terminology.hl7.org/CodeSystem/"
		    "condition-category", "encounter-diagnosis",
		    "Encounter Diagnosis", NULL);
		jo_arr_close(r);
		code = col(s, 2);
		concept(r, "code", FHIR_ICD10, fhir_icd10(code) ? code : NULL,
		    NULL, col(s, 1));
		reference(r, "subject", puuid);
		reference(r, "encounter", euuid);
		jo_str(r, "recordedDate", col(v, VC_FINAL));
		entry_close(r, FHIR_CONDITION, start, span, arg);
	}
	db_reset(s);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* The dosage's words: "1-0-1, after food, for 5 days. Instructions". */
static void
dosage_text(char *out, size_t size, const char *dose, const char *words,
    long long days, const char *instr)
{
	size_t	 n;

	n = (size_t)snprintf(out, size, "%s", dose != NULL ? dose : "");
	if (words != NULL && n < size)
		n += (size_t)snprintf(out + n, size - n, ", %s", words);
	if (days > 0 && n < size)
		n += (size_t)snprintf(out + n, size - n, ", for %lld day%s",
		    days, days == 1 ? "" : "s");
	if (instr != NULL && *instr != '\0' && n < size)
		snprintf(out + n, size - n, ". %s", instr);
}

/* The MedicationRequests of visit V.  Returns SQLITE_OK or the error. */
static int
write_lines(struct req *r, sqlite3_stmt *v, const char *today,
    const char *puuid, const char *euuid, fhir_span_fn span, void *arg)
{
	sqlite3_stmt		*s = st[STMT_LINES];
	struct fhir_timing	 t;
	char			 id[48], uuid[37], med[1024], text[2048];
	const char		*when, *words;
	long long		 days;
	size_t			 i, start;
	int			 rc;

	db_bind_int(s, 1, sqlite3_column_int64(v, VC_ID));
	db_bind_text(s, 2, today);
	while ((rc = db_step(s)) == SQLITE_ROW) {
		snprintf(id, sizeof(id), "medreq-%lld",
		    (long long)sqlite3_column_int64(s, 0));
		fhir_uuid(uuid, "medreq", sqlite3_column_int64(s, 0),
		    col(v, VC_CREATED));
		snprintf(med, sizeof(med), "%s%s%s%s%s%s%s%s", col(s, 1),
		    col(s, 2) ? " " : "", col(s, 2) ? col(s, 2) : "",
		    col(s, 3) ? " " : "", col(s, 3) ? col(s, 3) : "",
		    col(s, 9) ? " (" : "", col(s, 9) ? col(s, 9) : "",
		    col(s, 9) ? ")" : "");
		when = words = NULL;
		for (i = 0; col(s, 5) != NULL && i < ND_NELEM(whens); i++)
			if (strcmp(col(s, 5), whens[i].timing) == 0) {
				when = whens[i].when;
				words = whens[i].words;
			}
		days = sqlite3_column_type(s, 6) == SQLITE_NULL ? 0 :
		    sqlite3_column_int64(s, 6);
		fhir_dose_timing(col(s, 4), &t);
		if (t.bedtime && when == NULL)
			when = "HS";
		dosage_text(text, sizeof(text), col(s, 4), words, days,
		    col(s, 7));

		start = entry_open(r, uuid, FHIR_MEDREQ, id);
		jo_str(r, "status", col(s, 8));
		jo_str(r, "intent", "order");
		concept(r, "medicationCodeableConcept", NULL, NULL, NULL, med);
		reference(r, "subject", puuid);
		reference(r, "encounter", euuid);
		jo_str(r, "authoredOn", col(v, VC_FINAL));
		if (col(v, VC_DOCTOR) != NULL) {
			jo_obj(r, "requester");
			jo_str(r, "display", col(v, VC_DOCTOR));
			jo_obj_close(r);
		}
		jo_arr(r, "dosageInstruction");
		jo_obj(r, NULL);
		jo_int(r, "sequence", 1);
		jo_str(r, "text", text);
		if (col(s, 7) != NULL && *col(s, 7) != '\0')
			jo_str(r, "patientInstruction", col(s, 7));
		if (t.frequency > 0 || t.once || when != NULL || days > 0) {
			jo_obj(r, "timing");
			jo_obj(r, "repeat");
			if (days > 0)
				quantity(r, "boundsDuration", (double)days,
				    days == 1 ? "day" : "days", "d");
			if (t.once)
				jo_int(r, "count", 1);
			if (t.frequency > 0) {
				jo_int(r, "frequency", t.frequency);
				jo_int(r, "period", 1);
				jo_str(r, "periodUnit", "d");
			}
			if (when != NULL) {
				jo_arr(r, "when");
				jo_val_str(r, when);
				jo_arr_close(r);
			}
			jo_obj_close(r);
			jo_obj_close(r);
		}
		if (t.as_needed)
			jo_bool(r, "asNeededBoolean", 1);
		if (t.quantity > 0) {
			jo_arr(r, "doseAndRate");
			jo_obj(r, NULL);
			jo_obj(r, "doseQuantity");
			jo_num(r, "value", t.quantity);
			jo_obj_close(r);
			jo_obj_close(r);
			jo_arr_close(r);
		}
		jo_obj_close(r);
		jo_arr_close(r);
		entry_close(r, FHIR_MEDREQ, start, span, arg);
	}
	db_reset(s);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* The Encounter of visit V. */
static void
write_encounter(struct req *r, sqlite3_stmt *v, const char *puuid,
    const char *euuid, fhir_span_fn span, void *arg)
{
	char	 id[48];
	size_t	 start;

	snprintf(id, sizeof(id), "encounter-%lld",
	    (long long)sqlite3_column_int64(v, VC_ID));
	start = entry_open(r, euuid, FHIR_ENCOUNTER, id);
	jo_str(r, "status", "finished");
	jo_obj(r, "class");
	jo_str(r, "system", "http://terminology.hl7.org/CodeSystem/v3-ActCode");
	jo_str(r, "code", "AMB");
	jo_str(r, "display", "ambulatory");
	jo_obj_close(r);
	reference(r, "subject", puuid);
	if (col(v, VC_DOCTOR) != NULL) {
		jo_arr(r, "participant");
		jo_obj(r, NULL);
		jo_obj(r, "individual");
		jo_str(r, "display", col(v, VC_DOCTOR));
		jo_obj_close(r);
		jo_obj_close(r);
		jo_arr_close(r);
	}
	jo_obj(r, "period");
	jo_str(r, "start", col(v, VC_CREATED));
	jo_str(r, "end", col(v, VC_FINAL));
	jo_obj_close(r);
	if (col(v, VC_COMPLAINT) != NULL && *col(v, VC_COMPLAINT) != '\0') {
		jo_arr(r, "reasonCode");
		concept(r, NULL, NULL, NULL, NULL, col(v, VC_COMPLAINT));
		jo_arr_close(r);
	}
	entry_close(r, FHIR_ENCOUNTER, start, span, arg);
}

/*
 * Writes patient PID's Bundle into R's JSON buffer (which must be empty
 * or inside an array), calling SPAN (may be NULL) with ARG after each
 * resource.  Reads only: the caller audits.  Returns SQLITE_OK, or
 * SQLITE_NOTFOUND (nothing written) when there is no such patient, or
 * the SQLite error (the caller answers db_fail()).
 */
int
fhir_bundle(struct req *r, long long pid, fhir_span_fn span, void *arg)
{
	sqlite3_stmt	*p = st[STMT_PATIENT], *v = st[STMT_VISITS];
	char		 puuid[37], euuid[37], now[24], today[11];
	int		 rc;

	if (p == NULL && !fhir_init())
		return SQLITE_ERROR;
	p = st[STMT_PATIENT];
	v = st[STMT_VISITS];
	db_bind_int(p, 1, pid);
	if ((rc = db_step(p)) != SQLITE_ROW) {
		db_reset(p);
		return rc == SQLITE_DONE ? SQLITE_NOTFOUND : rc;
	}
	db_now(now);
	db_today(today);
	fhir_uuid(puuid, "patient", pid, col(p, 9));
	jo_obj(r, NULL);
	jo_str(r, "resourceType", "Bundle");
	jo_str(r, "type", "collection");
	jo_str(r, "timestamp", now);
	jo_arr(r, "entry");
	write_patient(r, p, puuid, span, arg);
	write_allergies(r, pid, col(p, 8), col(p, 9), puuid, span, arg);
	db_reset(p);

	db_bind_int(v, 1, pid);
	while ((rc = db_step(v)) == SQLITE_ROW) {
		fhir_uuid(euuid, "encounter", sqlite3_column_int64(v, VC_ID),
		    col(v, VC_CREATED));
		write_encounter(r, v, puuid, euuid, span, arg);
		write_vitals(r, v, puuid, euuid, span, arg);
		if ((rc = write_conditions(r, v, puuid, euuid, span, arg)) !=
		    SQLITE_OK ||
		    (rc = write_lines(r, v, today, puuid, euuid, span, arg)) !=
		    SQLITE_OK)
			break;
	}
	db_reset(v);
	if (rc != SQLITE_DONE && rc != SQLITE_OK)
		return rc;
	jo_arr_close(r);
	jo_obj_close(r);
	return SQLITE_OK;
}

/*
 * Calls FN(id, ARG) for every patient, by id, until it returns nonzero.
 * Returns SQLITE_OK (all seen, or FN stopped) or the SQLite error.
 */
int
fhir_each_patient(int (*fn)(long long, void *), void *arg)
{
	sqlite3_stmt	*s;
	int		 rc;

	if (st[STMT_ALL] == NULL && !fhir_init())
		return SQLITE_ERROR;
	s = st[STMT_ALL];
	while ((rc = db_step(s)) == SQLITE_ROW)
		if (fn(sqlite3_column_int64(s, 0), arg) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	db_reset(s);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}
