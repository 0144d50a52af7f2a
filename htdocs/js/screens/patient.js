// patient.js — one patient's profile: details, edit (optimistic concurrency with
// version), add to queue, payment and appointment shortcuts, and for the doctor
// the visit history.
import { api } from '../api.js';
import { h, pageHead, replace, notice, btn, bindForm, setValues, onKeys, toast, act, fmtDate, ageSex, sexLabel } from '../ui.js';
import { hasRole } from '../session.js';
import { go } from '../nav.js';
import { visitSummary } from '../rx.js';
import { loadPatient } from '../shared/patient-loader.js';
import { patientForm, patientPayload, validatePatient } from '../shared/patient-form.js';
import { addToQueueDialog, openConsultation } from '../shared/queue-actions.js';

// The patient's finalized prescriptions, each with a link to its print
// address: the front desk reprints one a patient lost.
function prescriptionsBox(p) {
	const box = h('section', { id: 'patient-prescriptions', class: 'card', 'data-testid': 'patient-prescriptions', 'aria-label': 'Prescriptions' },
		h('h2', {}, 'Prescriptions'), notice('Loading…'));
	api.patientPrescriptions(p.id).then(list => {
		replace(box, h('h2', {}, 'Prescriptions'), list.length
			? h('ul', { class: 'rx-list' }, list.map(x => h('li', { 'data-testid': 'patient-prescription', 'data-id': x.visit_id },
				h('a', { href: `#/print/prescription/${x.visit_id}`, 'data-testid': 'reprint' }, `Print the prescription of ${fmtDate(x.date)}`),
				h('span', { class: 'muted' }, ` · ${x.medicines} medicine${x.medicines === 1 ? '' : 's'}`))))
			: notice('No finalized prescriptions yet.'));
	}, err => replace(box, h('h2', {}, 'Prescriptions'), notice(err.message, 'error')));
	return box;
}

function details(p) {
	const row = (label, value, attrs = {}) => value ? [h('dt', {}, label), h('dd', attrs, value)] : null;
	return h('dl', { class: 'details', id: 'patient-details', 'data-testid': 'patient-details' },
		row('Clinic no.', p.clinic_no, { 'data-testid': 'patient-clinic-no' }),
		row('Age / sex', `${ageSex(p)}${p.sex ? ` (${sexLabel(p.sex)})` : ''}`),
		row('Date of birth', fmtDate(p.dob)),
		row('Mobile', p.phone, { 'data-testid': 'patient-phone' }),
		row('Address', p.address),
		row('ABHA ID', p.abha_id),
		row('Allergies', p.allergies, { class: 'allergy', 'data-testid': 'patient-allergies' }),
		row('Notes', p.notes),
		row('Registered', fmtDate(p.created_at)));
}

export async function render(root, { id }) {
	const page = h('div', { class: 'patient-page' }, notice('Loading…'));
	root.append(page);
	let p = await loadPatient(id);
	const isDoctor = hasRole('doctor');

	const show = () => {
		replace(page,
			pageHead(p.name,
				btn('Edit (E)', edit, { id: 'patient-edit', 'data-testid': 'patient-edit' }),
				btn('Add to queue (Q)', () => addToQueueDialog(p), { id: 'patient-add-queue', class: 'btn primary', 'data-testid': 'patient-add-queue' }),
				btn('Payment', () => go(`/payments?patient=${p.id}`), { id: 'patient-pay', 'data-testid': 'patient-pay' }),
				btn('Appointment', () => go(`/appointments?patient=${p.id}`), { id: 'patient-appointment', 'data-testid': 'patient-appointment' }),
				isDoctor ? btn('Start consultation', act(() => openConsultation({ patientId: p.id })), { id: 'patient-consult', 'data-testid': 'patient-consult' }) : null),
			h('div', { class: isDoctor ? 'two-col' : '' },
				h('section', {}, details(p), prescriptionsBox(p)),
				isDoctor ? h('section', { id: 'patient-visits', class: 'history', 'data-testid': 'patient-visits', 'aria-label': 'Visit history' }, h('h2', {}, 'Visits'), notice('Loading…')) : null));
		if (isDoctor) loadVisits();
	};

	const loadVisits = async () => {
		const box = page.querySelector('#patient-visits');
		try {
			const r = await api.visits(p.id);
			const visits = [r.draft, ...r.visits].filter(Boolean);
			replace(box, h('h2', {}, 'Visits'), visits.length ? visits.map(v => visitSummary(v, { href: `#/consult/${v.id}` })) : notice('No visits yet.'));
		} catch (err) {
			replace(box, h('h2', {}, 'Visits'), notice(err.message, 'error'));
		}
	};

	const edit = () => {
		const form = patientForm('edit');
		const reloadBtn = btn('Reload their changes', async () => {
			p = await loadPatient(id);
			fill();
			reloadBtn.hidden = true;
			toast('Reloaded. Make your change again.', 'info');
		}, { id: 'edit-reload', hidden: true, 'data-testid': 'edit-reload' });
		form.append(h('div', { class: 'actions wide' },
			h('button', { type: 'submit', class: 'btn primary', id: 'edit-submit', 'data-testid': 'edit-submit' }, 'Save'),
			btn('Cancel', show, { id: 'edit-cancel', 'data-testid': 'edit-cancel' }), reloadBtn));
		const fill = () => setValues(form, { ...p, age_years: p.dob ? '' : p.age_years ?? '', dob: p.dob || '' });
		fill();
		bindForm(form, {
			validate: validatePatient,
			cancel: show,
			submit: async v => {
				try {
					p = await api.updatePatient(p.id, { ...patientPayload(v, { patch: true }), version: p.version });
					toast('Saved', 'ok');
					show();
				} catch (err) {
					if (err.status === 409) reloadBtn.hidden = false;
					throw err;
				}
			},
		});
		replace(page, pageHead(`Edit ${p.name}`), form);
		form.elements.name.focus();
	};

	show();
	return onKeys({
		e: () => { if (!page.querySelector('form')) edit(); },
		q: () => addToQueueDialog(p),
	});
}
