// queue-actions.js — what the queue, the patient's profile and registration do
// to today's queue: add a patient (with or without a dialog), move an entry,
// and open the doctor's consultation for an entry or a patient.
import { api } from '../api.js';
import { h, dialog, field, input, toast } from '../ui.js';
import { go } from '../nav.js';
import { patientPicker } from './patient-picker.js';
import { send } from '../offline/outbox.js';

// addToQueue(patient, reason?) → the new entry; a toast names its token. Without the network
// (or behind writes still waiting) it is kept in the outbox and resolves with null: no token
// is shown before the server gives it. PATIENT may be one registered offline ({ref}).
export async function addToQueue(patient, reason) {
	const pid = patient.ref ? { ref: patient.ref } : patient.id;
	const r = await send('queue', { patient_id: pid, ...(reason ? { reason } : {}) }, { name: patient.name });
	if (r.pending) {
		toast(`${patient.name} will get a token when the connection returns.`, 'warn');
		return null;
	}
	toast(`${patient.name}: token ${r.result.token}`, 'ok');
	return r.result;
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

// Moves an entry (the server refuses an illegal move with 409 illegal_transition). Without the
// network the move is kept in the outbox: resolves with {pending: true}.
const MOVE_LABEL = { waiting: 'back to waiting', in_consult: 'called in', done: 'done', cancelled: 'cancelled', no_show: 'no-show' };
export async function setQueueStatus(entry, status) {
	const r = await send('status', { id: entry.id, status }, { name: entry.patient?.name, token: entry.token, label: MOVE_LABEL[status] || status });
	if (r.pending) toast(`Token ${entry.token}: ${MOVE_LABEL[status] || status}, to be sent when the connection returns.`, 'warn');
	return r.pending ? { pending: true } : r.result;
}

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
