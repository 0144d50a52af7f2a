/*
 * fhir.h — a patient's record as a FHIR R4 Bundle (type "collection"):
 * the one builder that both GET /api/patients/{id}/fhir (the export
 * program) and `nalamdesk-admin export-fhir` call, so that the two can
 * never describe a patient differently.
 *
 * What goes in (fhir.c says how each field maps): the Patient (clinic
 * number and ABHA as identifiers), one Encounter per finalized visit,
 * the visit's vitals as Observations (LOINC codes, UCUM units), its
 * diagnoses as Conditions (ICD-10 where coded), its prescription lines as
 * MedicationRequests, and the recorded allergies as AllergyIntolerances.
 * Draft visits are not part of the record yet and are left out.
 */
#ifndef FHIR_H
#define FHIR_H

#include "nd.h"

/* Identifier systems, stated once. */
#define FHIR_ABHA_SYSTEM	"https://healthid.ndhm.gov.in"
#define FHIR_CLINIC_NO_SYSTEM	"urn:nalamdesk:clinic-number"
#define FHIR_LOINC		"http://loinc.org"
#define FHIR_UCUM		"http://unitsofmeasure.org"
#define FHIR_ICD10		"http://hl7.org/fhir/sid/icd-10"

/* The resource types a bundle holds, in the order of its entries. */
enum fhir_type {
	FHIR_PATIENT,
	FHIR_ALLERGY,
	FHIR_ENCOUNTER,
	FHIR_OBSERVATION,
	FHIR_CONDITION,
	FHIR_MEDREQ,
	FHIR__MAX
};
extern const char *const fhir_type_names[FHIR__MAX];

/*
 * Called after each resource is written: the resource's JSON (one line,
 * no new-line in it) is r->g.buf[start, end).  The admin tool copies it
 * into that type's NDJSON file.
 */
typedef void	(*fhir_span_fn)(void *, enum fhir_type, size_t, size_t);

/* How a stored dose ("1-0-1", "BD", "SOS") reads as a FHIR Timing. */
struct fhir_timing {
	int	 frequency;	/* times a day; 0: not known */
	int	 as_needed;	/* SOS */
	int	 once;		/* STAT: one dose, now */
	int	 bedtime;	/* HS */
	double	 quantity;	/* units each time, when every time is alike; 0 */
};

int	 fhir_init(void);
void	 fhir_fini(void);
int	 fhir_bundle(struct req *, long long, fhir_span_fn, void *);
int	 fhir_each_patient(int (*)(long long, void *), void *);
void	 fhir_dose_timing(const char *, struct fhir_timing *);
int	 fhir_icd10(const char *);
void	 fhir_uuid(char *, const char *, long long, const char *);

#endif /* FHIR_H */
