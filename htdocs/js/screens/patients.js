// patients.js — find a patient as you type (name, phone digits or clinic number),
// open with arrow keys + Enter.
import { h, pageHead, searchList, btn } from '../ui.js';
import { go } from '../nav.js';
import { searchPatients, patientLine } from '../shared/patient-picker.js';
import { t as tr } from '../i18n.js';

const LAST_QUERY = 'nd.patients.q';

export function render(root) {
	const q = h('input', {
		id: 'patient-search', type: 'search', class: 'big-search', autocomplete: 'off', 'data-search': '',
		placeholder: tr('patients.search_placeholder'), 'aria-label': tr('patients.search_label'), 'data-testid': 'patient-search',
	});
	const list = h('ul', { id: 'patient-results', class: 'results', 'data-testid': 'patient-results' });
	const newBtn = btn(tr('patients.new'), () => register(), { id: 'patient-new', class: 'btn primary', 'data-testid': 'patient-new' });
	const register = () => {
		const t = q.value.trim();
		go(t ? `/register?${/^[\d\s+]+$/.test(t) ? 'phone' : 'name'}=${encodeURIComponent(t)}` : '/register');
	};
	root.append(
		pageHead(tr('patients.title'), newBtn),
		q,
		h('p', { class: 'hint' }, tr('patients.hint')),
		list);
	const s = searchList({
		input: q, list, search: searchPatients, render: patientLine,
		emptyText: tr('patients.none'),
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
