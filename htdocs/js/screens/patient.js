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
import { t } from '../i18n.js';

// The patient's finalized prescriptions, each with a link to its print
// address: the front desk reprints one a patient lost.
function prescriptionsBox(p) {
	const box = h('section', { id: 'patient-prescriptions', class: 'card', 'data-testid': 'patient-prescriptions', 'aria-label': t('pt.prescriptions') },
		h('h2', {}, t('pt.prescriptions')), notice(t('pt.loading')));
	api.patientPrescriptions(p.id).then(list => {
		replace(box, h('h2', {}, t('pt.prescriptions')), list.length
			? h('ul', { class: 'rx-list' }, list.map(x => h('li', { 'data-testid': 'patient-prescription', 'data-id': x.visit_id },
				h('a', { href: `#/print/prescription/${x.visit_id}`, 'data-testid': 'reprint' }, t('pt.print_rx', { date: fmtDate(x.date) })),
				h('span', { class: 'muted' }, t(x.medicines === 1 ? 'pt.medicines_one' : 'pt.medicines', { n: x.medicines })))))
			: notice(t('pt.no_rx')));
	}, err => replace(box, h('h2', {}, t('pt.prescriptions')), notice(err.message, 'error')));
	return box;
}

function details(p) {
	const row = (label, value, attrs = {}) => value ? [h('dt', {}, label), h('dd', attrs, value)] : null;
	return h('dl', { class: 'details', id: 'patient-details', 'data-testid': 'patient-details' },
		row(t('pt.clinic_no'), p.clinic_no, { 'data-testid': 'patient-clinic-no' }),
		row(t('pt.age_sex'), `${ageSex(p)}${p.sex ? ` (${sexLabel(p.sex)})` : ''}`),
		row(t('pt.dob'), fmtDate(p.dob)),
		row(t('pt.mobile'), p.phone, { 'data-testid': 'patient-phone', translate: 'no' }),
		row(t('pt.address'), p.address, { translate: 'no' }),
		row(t('pt.abha'), p.abha_id, { translate: 'no' }),
		row(t('pt.allergies'), p.allergies, { class: 'allergy', 'data-testid': 'patient-allergies', translate: 'no' }),
		row(t('pt.reads'), p.language ? t(`lang.${p.language}`) : null),
		row(t('pt.notes'), p.notes, { translate: 'no' }),
		row(t('pt.registered'), fmtDate(p.created_at)));
}

export async function render(root, { id }) {
	const page = h('div', { class: 'patient-page' }, notice(t('pt.loading')));
	root.append(page);
	let p = await loadPatient(id);
	const isDoctor = hasRole('doctor');

	const show = () => {
		replace(page,
			pageHead(p.name,
				btn(t('pt.edit'), edit, { id: 'patient-edit', 'data-testid': 'patient-edit' }),
				btn(t('pt.add_queue'), () => addToQueueDialog(p), { id: 'patient-add-queue', class: 'btn primary', 'data-testid': 'patient-add-queue' }),
				btn(t('pt.payment'), () => go(`/payments?patient=${p.id}`), { id: 'patient-pay', 'data-testid': 'patient-pay' }),
				btn(t('pt.appointment'), () => go(`/appointments?patient=${p.id}`), { id: 'patient-appointment', 'data-testid': 'patient-appointment' }),
				isDoctor ? btn(t('pt.consult'), act(() => openConsultation({ patientId: p.id })), { id: 'patient-consult', 'data-testid': 'patient-consult' }) : null),
			h('div', { class: isDoctor ? 'two-col' : '' },
				h('section', {}, details(p), prescriptionsBox(p)),
				isDoctor ? h('section', { id: 'patient-visits', class: 'history', 'data-testid': 'patient-visits', 'aria-label': t('pt.history') }, h('h2', {}, t('pt.visits')), notice(t('pt.loading'))) : null));
		if (isDoctor) loadVisits();
	};

	const loadVisits = async () => {
		const box = page.querySelector('#patient-visits');
		try {
			const r = await api.visits(p.id);
			const visits = [r.draft, ...r.visits].filter(Boolean);
			replace(box, h('h2', {}, t('pt.visits')), visits.length ? visits.map(v => visitSummary(v, { href: `#/consult/${v.id}` })) : notice(t('pt.no_visits')));
		} catch (err) {
			replace(box, h('h2', {}, t('pt.visits')), notice(err.message, 'error'));
		}
	};

	const edit = () => {
		const form = patientForm('edit');
		const reloadBtn = btn(t('pt.reload'), async () => {
			p = await loadPatient(id);
			fill();
			reloadBtn.hidden = true;
			toast(t('pt.reloaded'), 'info');
		}, { id: 'edit-reload', hidden: true, 'data-testid': 'edit-reload' });
		form.append(h('div', { class: 'actions wide' },
			h('button', { type: 'submit', class: 'btn primary', id: 'edit-submit', 'data-testid': 'edit-submit' }, t('pt.save')),
			btn(t('pt.cancel'), show, { id: 'edit-cancel', 'data-testid': 'edit-cancel' }), reloadBtn));
		const fill = () => setValues(form, { ...p, age_years: p.dob ? '' : p.age_years ?? '', dob: p.dob || '' });
		fill();
		bindForm(form, {
			validate: validatePatient,
			cancel: show,
			submit: async v => {
				try {
					p = await api.updatePatient(p.id, { ...patientPayload(v, { patch: true }), version: p.version });
					toast(t('pt.saved'), 'ok');
					show();
				} catch (err) {
					if (err.status === 409) reloadBtn.hidden = false;
					throw err;
				}
			},
		});
		replace(page, pageHead(t('pt.edit_title', { name: p.name })), form);
		form.elements.name.focus();
	};

	show();
	return onKeys({
		e: () => { if (!page.querySelector('form')) edit(); },
		q: () => addToQueueDialog(p),
	});
}
