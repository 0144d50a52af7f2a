/*
 * appointment.h — an appointment: what more than one program relies on,
 * as pieces of SQL.
 *
 * The appointments program books, lists and moves appointments (every
 * statement that writes one is in cgi-bin/appointments.c); the change
 * feed (changes.c) sends the desk's offline cache an appointment exactly
 * as GET /api/appointments shows it.
 */
#ifndef APPOINTMENT_H
#define APPOINTMENT_H

/*
 * One appointment as the API shows it (jo_row), its patient nested and
 * its queue token once arrived; the caller adds WHERE and ORDER BY.
 */
#define APPT_COLUMNS \
	"SELECT a.id, a.day AS date, a.time, a.reason, a.status, a.version," \
	" a.queue_id, q.token," \
	" p.id AS \"patient.id\", p.name AS \"patient.name\"," \
	" p.clinic_no AS \"patient.clinic_no\", p.phone AS \"patient.phone\"," \
	" a.created_at, a.updated_at" \
	" FROM appointments a JOIN patients p ON p.id = a.patient_id" \
	" LEFT JOIN queue q ON q.id = a.queue_id"

#endif /* APPOINTMENT_H */
