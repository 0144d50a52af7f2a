// queue-actions.js — what the queue, the patient's profile and registration do
// to today's queue: add a patient (with or without a dialog), move an entry,
// and open the doctor's consultation for an entry or a patient.
import { api } from '../api.js';
import { h, dialog, field, input, select, toast } from '../ui.js';
import { go } from '../nav.js';
import { patientPicker } from './patient-picker.js';
import { t } from '../i18n.js';
import { send } from '../offline/outbox.js';

// The priorities of a queue entry, in the words the screens use; the call
// order puts emergency, then urgent, before normal (docs/api.md §6).
export const PRIORITIES = [['normal', t('qa.normal')], ['urgent', t('qa.urgent')], ['emergency', t('qa.emergency')]];
export const PRIORITY_LABEL = Object.fromEntries(PRIORITIES);

// A priority badge (nothing for normal: the exceptions stand out).
export const priorityBadge = p => p && p !== 'normal'
	? h('span', { class: `badge prio-${p}`, 'data-testid': 'queue-priority', 'data-priority': p }, PRIORITY_LABEL[p] || p) : null;

// addToQueue(patient, reason?, priority?) → the new entry; a toast names its token. Without the
// network (or behind writes still waiting) it is kept in the outbox and resolves with null: no
// token is shown before the server gives it. PATIENT may be one registered offline ({ref}).
export async function addToQueue(patient, reason, priority = 'normal') {
	const pid = patient.ref ? { ref: patient.ref } : patient.id;
	const body = { patient_id: pid, ...(reason ? { reason } : {}), ...(priority !== 'normal' ? { priority } : {}) };
	const r = await send('queue', body, { name: patient.name });
	if (r.pending) {
		toast(t('qa.pending', { name: patient.name }), 'warn');
		return null;
	}
	const e = r.result;
	toast(priority !== 'normal' ? t('qa.added_prio', { name: patient.name, token: e.token, priority: PRIORITY_LABEL[priority].toLocaleLowerCase() })
		: t('qa.added', { name: patient.name, token: e.token }), 'ok');
	return e;
}

// addToQueueDialog(patient?) → Promise<boolean added>. Without a patient the
// dialog has a picker (#queue-add-patient, reason #queue-add-reason, priority
// #queue-add-priority); with one, the reason (#queue-reason) and priority
// (#queue-priority).
export function addToQueueDialog(patient = null) {
	const picker = patient ? null : patientPicker({ id: 'queue-add-patient' });
	const rid = patient ? 'queue-reason' : 'queue-add-reason';
	const pid = patient ? 'queue-priority' : 'queue-add-priority';
	const reason = input('reason', { id: rid, maxlength: 200, 'data-testid': rid });
	const priority = select('priority', PRIORITIES, { id: pid, 'data-testid': pid });
	// Enter on the priority adds, as in the text boxes (a select does not submit by itself).
	priority.addEventListener('keydown', e => { if (e.key === 'Enter') { e.preventDefault(); priority.form.requestSubmit(); } });
	return dialog({
		title: patient ? t('qa.add_title', { name: patient.name }) : t('qa.add_any'),
		ok: patient ? t('qa.add_ok') : t('qa.add'),
		testid: patient ? 'queue-dialog' : 'queue-add-dialog',
		body: h('div', {}, picker?.el, field(t('qa.reason'), reason),
			field(t('qa.priority'), priority, { hint: t('qa.priority_hint') })),
		onOk: async () => {
			if (!patient && !picker.value) throw picker.check();
			await addToQueue(patient || picker.value, reason.value.trim(), priority.value);
		},
	});
}

// postponeDialog(entry) → Promise<boolean moved>: how many places down the
// line (#queue-postpone-places; empty: to the end of its line).
export function postponeDialog(entry) {
	const places = input('places', { id: 'queue-postpone-places', type: 'number', min: 1, max: 1000, inputmode: 'numeric', 'data-testid': 'queue-postpone-places' });
	return dialog({
		title: t('qa.postpone_title', { token: entry.token }),
		ok: t('qa.postpone'),
		testid: 'queue-postpone-dialog',
		body: h('div', {}, field(t('qa.places'), places, { hint: t('qa.places_hint') })),
		onOk: async () => {
			const n = places.value.trim() === '' ? 0 : Number(places.value);
			if (!(Number.isInteger(n) && n >= 0 && n <= 1000)) throw { places: t('qa.bad_places') };
			const e = await api.postpone(entry.id, n);
			toast(t('qa.moved', { token: e.token, place: e.position }), 'ok');
		},
	});
}

// Asks before a single key finishes a visit: → Promise<boolean go on>.
export const askFinishAndNext = () => dialog({
	title: t('qa.finish_q'),
	body: h('p', {}, t('qa.finish_body')),
	ok: t('qa.finish_ok'), testid: 'finish-next-dialog',
});

// Calls the next patient in call order in (the doctor) and opens the
// consultation; false (and a toast) when no one is waiting.
export async function callNextPatient() {
	let e;
	try {
		e = await api.callNext();
	} catch (err) {
		if (err.code !== 'queue_empty') throw err;
		toast(t('qa.none_waiting'));
		return false;
	}
	toast(t('qa.called', { token: e.token, name: e.patient.name }), 'ok');
	await openConsultation({ patientId: e.patient.id, queueId: e.id });
	return true;
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
