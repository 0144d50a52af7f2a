/*
 * fhirout.c — `nalamdesk-admin export-fhir [--var DIR] OUTDIR`: every
 * patient's record as FHIR R4, written by the same builder as
 * GET /api/patients/{id}/fhir (lib/fhir.c):
 *   OUTDIR/bundles/patient-<id>.json   one Bundle (collection) per patient
 *   OUTDIR/<Type>.ndjson               every resource of that type, one a
 *                                      line (FHIR Bulk Data's layout):
 *                                      Patient, AllergyIntolerance,
 *                                      Encounter, Observation, Condition,
 *                                      MedicationRequest
 * The directory and its files are private (umask 077): they hold patient
 * records.  Every patient exported is audited ("patient.fhir_export", by
 * the operator) before anything is written: a read that cannot be
 * recorded is not made, and a patient registered after the audit pass is
 * left for the next export.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nd.h"
#include "fhir.h"
#include "tool.h"

struct fout {
	FILE		*nd[FHIR__MAX];
	struct req	 r;
	char		 dir[4096];
	long		 patients, resources;
	long long	 audited;	/* the highest patient id audited */
	int		 err, arc;	/* arc: the audit pass's SQLite code */
};

/* fhir_bundle()'s span: the resource as one line of its type's file. */
static void
span(void *arg, enum fhir_type type, size_t start, size_t end)
{
	struct fout	*o = arg;

	if (fwrite(o->r.g.buf + start, 1, end - start, o->nd[type]) !=
	    end - start || fputc('\n', o->nd[type]) == EOF)
		o->err = 1;
	o->resources++;
}

/* Audits the export of patient ID (fhir_each_patient()'s callback). */
static int
audit_one(long long id, void *arg)
{
	struct fout	*o = arg;

	o->arc = audit_operator(TOOL_NAME, "patient.fhir_export", "patient",
	    id, id);
	if (id > o->audited)
		o->audited = id;
	return o->arc != SQLITE_OK;
}

/* Writes patient ID's bundle and resources (fhir_each_patient()'s). */
static int
export_one(long long id, void *arg)
{
	struct fout	*o = arg;
	char		 path[4200];
	FILE		*f;
	int		 rc;

	if (id > o->audited)
		return 0;	/* registered after the audit pass: not exported */
	jo_reset(&o->r);
	if ((rc = fhir_bundle(&o->r, id, span, o)) != SQLITE_OK ||
	    o->r.g.bad) {
		fprintf(stderr, "nalamdesk-admin: patient %lld: %s\n", id,
		    rc != SQLITE_OK ? sqlite3_errstr(rc) : "out of memory");
		o->err = 1;
		return 1;
	}
	snprintf(path, sizeof(path), "%s/bundles/patient-%lld.json", o->dir,
	    id);
	if ((f = fopen(path, "w")) == NULL ||
	    fwrite(o->r.g.buf, 1, o->r.g.len, f) != o->r.g.len ||
	    fputc('\n', f) == EOF || fclose(f) != 0) {
		fprintf(stderr, "nalamdesk-admin: cannot write %s: %s\n", path,
		    strerror(errno));
		o->err = 1;
		return 1;
	}
	o->patients++;
	return o->err;
}

/*
 * export-fhir [--var DIR] OUTDIR: see the top of this file.  Exit 0
 * written, 1 failed (what was written may be incomplete: said), 2 usage.
 */
int
cmd_export_fhir(int argc, char **argv)
{
	static const char *const names[] = { "var", NULL };
	const char	*vals[2];
	char		*pos[1], path[4200];
	struct fout	*o;
	size_t		 i;
	int		 rc = EXIT_FAIL;

	if (tool_args(argc, argv, names, vals, pos, 1) != 1)
		return EXIT_USAGE;
	if (vals[0] != NULL) {
		snprintf(tool_var, sizeof(tool_var), "%s", vals[0]);
		snprintf(tool_db, sizeof(tool_db), "%s/db/nalamdesk.db",
		    tool_var);
	}
	if ((o = calloc(1, sizeof(*o))) == NULL)
		return EXIT_FAIL;
	req_init(&o->r);
	snprintf(o->dir, sizeof(o->dir), "%s", pos[0]);
	if (!tool_open(0) || !fhir_init())
		goto out;
	if (!tool_mkdir(o->dir, NULL) || !tool_mkdir(o->dir, "bundles"))
		goto out;
	for (i = 0; i < FHIR__MAX; i++) {
		snprintf(path, sizeof(path), "%s/%s.ndjson", o->dir,
		    fhir_type_names[i]);
		if ((o->nd[i] = fopen(path, "w")) == NULL) {
			fprintf(stderr, "nalamdesk-admin: cannot write %s: %s\n",
			    path, strerror(errno));
			goto out;
		}
	}
	if (db_begin() != SQLITE_OK ||
	    fhir_each_patient(audit_one, o) != SQLITE_OK ||
	    o->arc != SQLITE_OK || db_commit() != SQLITE_OK) {
		db_rollback();
		fprintf(stderr, "nalamdesk-admin: the export could not be "
		    "audited (%s); nothing was exported\n", sqlite3_errmsg(db));
		goto out;
	}
	if (fhir_each_patient(export_one, o) != SQLITE_OK)
		o->err = 1;
	for (i = 0; i < FHIR__MAX; i++) {
		if (fclose(o->nd[i]) != 0)
			o->err = 1;
		o->nd[i] = NULL;
	}
	if (o->err) {
		fprintf(stderr, "nalamdesk-admin: the export to %s is "
		    "incomplete (said above)\n", o->dir);
		goto out;
	}
	printf("exported %ld patients (%ld resources) to %s\n", o->patients,
	    o->resources, o->dir);
	rc = EXIT_OK;
out:
	for (i = 0; i < FHIR__MAX; i++)
		if (o->nd[i] != NULL)
			fclose(o->nd[i]);
	req_free(&o->r);
	fhir_fini();
	free(o);
	return rc;
}
