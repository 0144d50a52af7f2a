// queue-actions.js — what the queue, the patient's profile and registration do
// to today's queue: add a patient (with or without a dialog), move an entry,
// and open the doctor's consultation for an entry or a patient.
import { api } from '../api.js';
import { h, dialog, field, input, toast } from '../ui.js';
import { go } from '../nav.js';
import { patientPicker } from './patient-picker.js';

// addToQueue(patient, reason?) → the new entry; a toast names its token.
export async function addToQueue(patient, reason) {
	const e = await api.addToQueue({ patient_id: patient.id, ...(reason ? { reason } : {}) });
	toast(`${patient.name}: token ${e.token}`, 'ok');
	return e;
}

// addToQueueDialog(patient?) → Promise<boolean added>. Without a patient the
// dialog has a picker (#queue-add-patient, reason #queue-add-reason); with one,
// only the reason (#queue-reason).
export function addToQueueDialog(patient = null) {
	const picker = patient ? null : patientPicker({ id: 'queue-add-patient' });
	const rid = patient ? 'queue-reason' : 'queue-add-reason';
	const reason = input('reason', { id: rid, maxlength: 200, 'data-testid': rid });
	return dialog({
		title: patient ? `Add ${patient.name} to today’s queue` : 'Add to today’s queue',
		ok: patient ? 'Add to queue' : 'Add',
		testid: patient ? 'queue-dialog' : 'queue-add-dialog',
		body: h('div', {}, picker?.el, field('Reason (optional)', reason)),
		onOk: async () => {
			if (!patient && !picker.value) throw picker.check();
			await addToQueue(patient || picker.value, reason.value.trim());
		},
	});
}

// Moves an entry (the server refuses an illegal move with 409 illegal_transition).
export const setQueueStatus = (entry, status) => api.setQueueStatus(entry.id, status);

// Opens the consultation of a queue entry (the server answers the entry's
// draft if it has one, else a new one, and marks the entry in consultation),
// or of a patient seen without a token (today's open draft is carried on
// rather than a second one started).
export async function openConsultation({ patientId, queueId = null }) {
	const v = queueId !== null
		? await api.startVisit({ patient_id: patientId, queue_id: queueId })
		: (await api.visits(patientId)).draft || await api.startVisit({ patient_id: patientId });
	go(`/consult/${v.id}`);
}
