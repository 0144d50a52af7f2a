// patient-picker.js — finding a patient as you type: the search call, the one
// line that shows a patient in a list, and the picker (an input with a
// drop-down of matches) used by the queue, appointment and payment forms.
import { api } from '../api.js';
import { h, searchList, ageSex, clinicNo } from '../ui.js';
import { loadPatient } from './patient-loader.js';
import { t } from '../i18n.js';
import { cachedPatients } from '../offline/cache.js';

// Name, phone digits or clinic number (docs/api.md §5, "Search"). Without the network, the
// patients kept on this computer for a Wi-Fi drop (offline/cache.js).
export async function searchPatients(q) {
	try {
		return await api.searchPatients(q);
	} catch (err) {
		if (err.status !== 0) throw err;
		return cachedPatients(q);
	}
}

// One line describing a patient: name, clinic number, age/sex, phone.
export function patientLine(p) {
	return h('div', { class: 'patient-line', 'data-testid': 'patient-result', 'data-id': p.id },
		h('span', { class: 'p-name' }, p.name),
		h('span', { class: 'p-no' }, clinicNo(p)),
		h('span', { class: 'p-agesex' }, ageSex(p)),
		h('span', { class: 'p-phone' }, p.phone || ''));
}

// patientPicker({id, label, onPick}) → {el, input, value, set(p), load(id), check()}.
// Ids: input #<id>, list #<id>-list, chosen #<id>-chosen. Server errors for
// `patient_id` land next to it (data-field). load(id) picks a patient by
// number (a screen opened with ?patient=) and resolves once it is shown.
// check() starts a form's validate() map: {patient_id: why} until one is picked.
export function patientPicker({ id = 'patient-pick', label = t('picker.label'), onPick = () => {} } = {}) {
	const box = h('input', { id, type: 'search', autocomplete: 'off', placeholder: t('picker.placeholder'), 'data-field': 'patient_id', 'data-testid': id });
	const list = h('ul', { class: 'dropdown', id: `${id}-list`, 'data-testid': `${id}-list` });
	const chosen = h('div', { class: 'picked', id: `${id}-chosen`, 'data-testid': `${id}-chosen` });
	const err = h('div', { class: 'field-error', id: `${id}-error` });
	box.setAttribute('aria-describedby', err.id);
	const picker = {
		value: null,
		input: box,
		set(p) {
			picker.value = p;
			box.value = p ? p.name : '';
			chosen.replaceChildren(p ? patientLine(p) : '');
			if (p) onPick(p);
		},
		check: () => picker.value ? {} : { patient_id: t('picker.choose') },
		async load(pid) {
			try {
				picker.set(await loadPatient(pid));
			} catch (e) {
				err.textContent = e.message;
				throw e;
			}
		},
	};
	box.addEventListener('input', () => { if (picker.value) { picker.value = null; chosen.replaceChildren(); } });
	searchList({ input: box, list, dropdown: true, search: searchPatients, render: patientLine, onPick: p => picker.set(p) });
	picker.el = h('div', { class: 'field wide picker' },
		h('label', { for: id }, label), h('div', { class: 'combo' }, box, list), chosen, err);
	return picker;
}
