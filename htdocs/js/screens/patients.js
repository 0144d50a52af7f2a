// patients.js — find a patient as you type (name, phone digits or clinic number),
// open with arrow keys + Enter. Also exports the patient picker used by the
// queue, appointments and payments forms.
import { api, qs, listOf } from '../api.js';
import { h, pageHead, searchList, ageSex, clinicNo, btn } from '../ui.js';
import { go } from '../router.js';

const LAST_QUERY = 'nd.patients.q';

export async function searchPatients(q) {
	return listOf(await api.get(qs('/api/patients', { q, limit: 20 })), 'patients');
}

// One line describing a patient: name, clinic number, age/sex, phone.
export function patientLine(p) {
	return h('div', { class: 'patient-line', 'data-testid': 'patient-result', 'data-id': p.id },
		h('span', { class: 'p-name' }, p.name),
		h('span', { class: 'p-no' }, clinicNo(p)),
		h('span', { class: 'p-agesex' }, ageSex(p)),
		h('span', { class: 'p-phone' }, p.phone || ''));
}

// patientPicker({id, onPick}) → {el, input, value, set(p)} — an input with a drop-down
// of matches. Server errors for `patient_id` land next to it (data-field).
export function patientPicker({ id = 'patient-pick', label = 'Patient', onPick = () => {} } = {}) {
	const box = h('input', { id, type: 'search', autocomplete: 'off', placeholder: 'Name, phone or clinic no.', 'data-field': 'patient_id', 'data-testid': id });
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
	};
	box.addEventListener('input', () => { if (picker.value) { picker.value = null; chosen.replaceChildren(); } });
	searchList({ input: box, list, dropdown: true, search: searchPatients, render: patientLine, onPick: p => picker.set(p) });
	picker.el = h('div', { class: 'field wide picker' },
		h('label', { for: id }, label), h('div', { class: 'combo' }, box, list), chosen, err);
	return picker;
}

export function render(root) {
	const q = h('input', {
		id: 'patient-search', type: 'search', class: 'big-search', autocomplete: 'off', 'data-search': '',
		placeholder: 'Search name, phone or clinic number   ( / )', 'aria-label': 'Search patients', 'data-testid': 'patient-search',
	});
	const list = h('ul', { id: 'patient-results', class: 'results', 'data-testid': 'patient-results' });
	const newBtn = btn('New patient', () => register(), { id: 'patient-new', class: 'btn primary', 'data-testid': 'patient-new' });
	const register = () => {
		const t = q.value.trim();
		go(t ? `/register?${/^[\d\s+]+$/.test(t) ? 'phone' : 'name'}=${encodeURIComponent(t)}` : '/register');
	};
	root.append(
		pageHead('Patients', newBtn),
		q,
		h('p', { class: 'hint' }, 'Type at least one letter or digit. ↑ ↓ to move, Enter to open; Enter with no match registers a new patient.'),
		list);
	const s = searchList({
		input: q, list, search: searchPatients, render: patientLine,
		emptyText: 'No patient found — press Enter to register a new one.',
		onPick: p => go(`/patient/${p.id}`),
	});
	q.addEventListener('keydown', e => {
		if (e.key === 'Enter' && !e.defaultPrevented && q.value.trim() && !list.querySelector('[role=option]:not(.empty)')) register();
	});
	q.addEventListener('input', () => sessionStorage.setItem(LAST_QUERY, q.value));
	q.value = sessionStorage.getItem(LAST_QUERY) || '';
	if (q.value) s.refresh();
	q.focus();
	q.select();
}
