/*
 * export.c — the `export` program: the clinic's records going out, so
 * that they outlive any one program.
 *
 *   GET /api/patients/{id}/fhir   one patient as a FHIR R4 Bundle
 *                                 (doctor, admin), built by lib/fhir.c,
 *                                 which `nalamdesk-admin export-fhir`
 *                                 calls too;
 *   GET /api/export/patients.csv  every patient          (admin)
 *   GET /api/export/visits.csv    every visit, with its diagnoses and
 *                                 prescription lines     (admin)
 *   GET /api/export/payments.csv  every payment          (admin)
 *
 * The CSV files are UTF-8 with a byte-order mark, so that spreadsheet
 * programs show Tamil and Devanagari names as written; lib/csv.c quotes
 * them and defuses cells a spreadsheet would run as formulas.  Every
 * export is audited before it is answered: a read that cannot be recorded
 * is not answered.  A GET reads in one snapshot (route.c), so a file is
 * consistent even while the clinic works.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nd.h"
#include "csv.h"
#include "fhir.h"
#include "payment.h"

enum stmt {
	STMT_PATIENTS,
	STMT_VISITS,
	STMT_PAYMENTS,
	STMT__MAX
};
static const char *const sql[STMT__MAX] = {
	/* STMT_PATIENTS */
	"SELECT p.clinic_no, p.name, p.sex, p.dob, p.age_years, p.age_on,"
	" p.phone, p.address, p.abha_id, p.allergies, p.notes, p.language,"
	" p.created_at, p.updated_at, p.id FROM patients p ORDER BY p.clinic_no",
	/*
	 * STMT_VISITS: diagnoses "text [code]" joined by "; ", prescription
	 * lines "medicine strength form (brand): dose, timing, N days,
	 * instructions" joined by " | ", each in the doctor's order.
	 */
	"SELECT v.id AS visit_id, v.day AS date, p.clinic_no,"
	" p.name AS patient_name, u.name AS doctor, v.status, v.complaint,"
	" v.notes, (SELECT group_concat(d.t, '; ') FROM (SELECT text ||"
	"  coalesce(' [' || code || ']', '') AS t FROM visit_diagnoses"
	"  WHERE visit_id = v.id ORDER BY pos, id) d) AS diagnoses,"
	" (SELECT group_concat(x.t, ' | ') FROM (SELECT medicine ||"
	"  coalesce(' ' || strength, '') || coalesce(' ' || form, '') ||"
	"  coalesce(' (' || brand || ')', '') || ': ' || dose || coalesce(', ' || replace(timing, '_', ' '), '') ||"
	"  coalesce(', ' || duration_days || ' days', '') ||"
	"  coalesce(', ' || instructions, '') AS t FROM prescriptions"
	"  WHERE visit_id = v.id ORDER BY pos, id) x) AS prescriptions,"
	" v.advice, v.follow_up_date, v.bp_systolic, v.bp_diastolic, v.pulse,"
	" v.temperature_c, v.weight_kg, v.height_cm, v.spo2, v.created_at,"
	" v.finalized_at FROM visits v JOIN patients p ON p.id = v.patient_id"
	" LEFT JOIN users u ON u.id = v.doctor_id ORDER BY v.id",
	/*
	 * STMT_PAYMENTS: items "description 150.00" joined by "; " in the
	 * receipt's order (payment_items' key); a voided receipt keeps its
	 * row, marked "yes" with the reason (no report counts it).
	 */
	"SELECT y.receipt_no, y.day AS date, y.created_at, p.clinic_no,"
	" p.name AS patient_name,"
	" printf('%d.%02d', y.amount_paise / 100, y.amount_paise % 100)"
	"  AS amount_rupees, y.amount_paise, y.mode, y.note, y.visit_id,"
	" u.name AS received_by,"
	" (SELECT group_concat(i.description || ' ' || printf('%d.%02d',"
	"  i.amount_paise / 100, i.amount_paise % 100), '; ')"
	"  FROM payment_items i WHERE i.payment_id = y.id) AS items,"
	" CASE WHEN " PAYMENT_COUNTS_Y " THEN 'no' ELSE 'yes' END AS voided,"
	" y.void_reason"
	" FROM payments y JOIN patients p ON p.id = y.patient_id"
	" LEFT JOIN users u ON u.id = y.created_by ORDER BY y.receipt_no",
};
/* As in every module with SQL (style.md 5): its own table, checked and prepared once. */
_Static_assert(ND_NELEM(sql) == STMT__MAX, "export sql");
static sqlite3_stmt *st[STMT__MAX];

/*
 * GET /api/patients/{id}/fhir: 200 application/fhir+json, the patient's
 * Bundle (lib/fhir.c); 404 no such patient.  Audited "patient.fhir".
 */
static int
patient_fhir(struct req *r)
{
	long long	 id = r->param[0];
	int		 rc;

	if ((rc = fhir_bundle(r, id, NULL, NULL)) == SQLITE_NOTFOUND)
		return http_error(r, 404, "not_found",
		    "There is no such patient.", NULL);
	if (rc != SQLITE_OK)
		return db_fail(r, rc);
	if ((rc = audit(r, "patient.fhir", "patient", id, id)) != SQLITE_OK)
		return db_fail(r, rc);
	r->out_type = "application/fhir+json; charset=utf-8";
	return 200;
}

/*
 * Answers the rows of S as a CSV attachment NAME-<today>.csv, with a
 * byte-order mark and a header row, after auditing ACTION.  The file goes
 * out while it is read (req_csv_stream(): a clinic of 300,000 patients
 * and years of visits never sits in the worker's memory), from the GET's
 * one snapshot; a failure half-way drops the connection, so the download
 * fails instead of ending short.  Returns 200, 503 when memory ran short,
 * or db_fail()'s status.
 */
static int
csv_answer(struct req *r, sqlite3_stmt *s, const char *action,
    const char *name)
{
	struct csv	 c = CSV_INIT;
	char		 today[11], file[64];
	int		 rc;

	if ((rc = audit(r, action, "export", 0, 0)) != SQLITE_OK)
		return db_fail(r, rc);
	db_today(today);
	snprintf(file, sizeof(file), "nalamdesk-%s-%s.csv", name, today);
	req_csv_stream(r, &c, file);
	csv_bom(&c);
	csv_header(&c, s);
	while ((rc = db_step(s)) == SQLITE_ROW && c.ok)
		csv_row(&c, s);
	db_reset(s);
	return req_csv(r, &c, rc, file,
	    "The server is short of memory for this export.");
}

/* GET /api/export/patients.csv: 200 text/csv; audited "export.patients". */
static int
export_patients(struct req *r)
{
	return csv_answer(r, st[STMT_PATIENTS], "export.patients",
	    "patients");
}

/* GET /api/export/visits.csv: 200 text/csv; audited "export.visits". */
static int
export_visits(struct req *r)
{
	return csv_answer(r, st[STMT_VISITS], "export.visits", "visits");
}

/* GET /api/export/payments.csv: 200 text/csv; audited "export.payments". */
static int
export_payments(struct req *r)
{
	return csv_answer(r, st[STMT_PAYMENTS], "export.payments",
	    "payments");
}

/* Each program its own route table and main() (style.md 2): the same shape on purpose. */
static const struct route routes[] = {
	{ METHOD_GET, "/api/patients/{id}/fhir", R_DOCTOR | R_ADMIN, NULL,
	    patient_fhir, 0 },
	{ METHOD_GET, "/api/export/patients.csv", R_ADMIN, NULL,
	    export_patients, 0 },
	{ METHOD_GET, "/api/export/visits.csv", R_ADMIN, NULL,
	    export_visits, 0 },
	{ METHOD_GET, "/api/export/payments.csv", R_ADMIN, NULL,
	    export_payments, 0 },
};

int
main(int argc, char **argv)
{
	nd_init = fhir_init;	/* the bundle builder's statements */
	nd_fini = fhir_fini;
	return nd_main(argc, argv, "export", routes, ND_NELEM(routes), sql,
	    STMT__MAX, st);
}
