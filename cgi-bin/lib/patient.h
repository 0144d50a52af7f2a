/*
 * patient.h — a patient record: the rules about one that more than one
 * program relies on, as pieces of SQL.
 *
 * The patients program writes patients (cgi-bin/patients.c holds every
 * statement that writes one); the queue (qentry.c), the change feed
 * (changes.c) and the visits program show them, with the age worked out
 * the same way everywhere.
 */
#ifndef PATIENT_H
#define PATIENT_H

/*
 * The age in whole years of the patient aliased p on DAY (an SQL
 * expression of a YYYY-MM-DD date, e.g. "?1" or "q.day"): from the date
 * of birth, else the age given plus the whole years since it was given
 * (age_on; never less than the age given).  Every date is stored
 * YYYY-MM-DD, so the year is substr(d, 1, 4) and the month and day
 * substr(d, 6): strftime() parsed each date again, 8 calls a row.
 */
#define PATIENT_AGE_ON(day) \
	"CASE WHEN p.dob IS NOT NULL THEN" \
	" substr(" day ", 1, 4) - substr(p.dob, 1, 4) -" \
	" (substr(" day ", 6) < substr(p.dob, 6))" \
	" ELSE p.age_years + max(0, coalesce(" \
	" substr(" day ", 1, 4) - substr(p.age_on, 1, 4) -" \
	" (substr(" day ", 6) < substr(p.age_on, 6)), 0)) END"

#endif /* PATIENT_H */
