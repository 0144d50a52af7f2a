// patients.js — find a patient as you type (name, phone digits or clinic number),
// open with arrow keys + Enter.
import { h, pageHead, searchList, btn } from '../ui.js';
import { go } from '../nav.js';
import { searchPatients, patientLine } from '../shared/patient-picker.js';

const LAST_QUERY = 'nd.patients.q';

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
