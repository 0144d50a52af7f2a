// audit.js — who did what (admin), as people say it: the staff member's name, the patient's name
// and clinic number, the action in words, and the reads of one person about one patient in one
// hour folded into one line ("Opened a patient's record · 12 times, 10:02–10:57"); a listing
// (a search, the queue, a day's payments...) says how many patients it named, and is in the
// trail of each patient it named. The filters
// stay as they were set when the screen is opened again (this tab's sessionStorage); the CSV
// download takes the same filters (raw rows).
import { api } from '../api.js';
import { dateField, dayFirstISO } from '../shared/date-field.js';
import { h, pageHead, replace, notice, btn, bindForm, field, input, select, setValues, fmtDateTime, fmtTime, todayISO, addDays, clinicNo } from '../ui.js';
import { t, known } from '../i18n.js';

const PAGE = 100;
const KEPT = 'nd-audit-filters';

// The filters last shown, or the last week's with reads folded.
function keptFilters() {
	try {
		const v = JSON.parse(sessionStorage.getItem(KEPT) || 'null');
		if (v && typeof v === 'object') return v;
	} catch { /* a damaged value: the defaults */ }
	return { from: addDays(todayISO(), -7), to: todayISO(), user_id: '', patient_id: '', action: '', fold: '1' };
}

// "Meena R (frontdesk)" or the username when the account has no name (or is gone).
// Names and identifiers are data (translate="no"); the role and the words around them are not.
const data = text => h('span', { translate: 'no' }, text);
const who = a => a.user_name ? [data(a.user_name), ' (', a.role ? t(`role.${a.role}`) : data(a.username), ')']
	: a.username ? data(a.username) : a.user_id ? t('audit.user_n', { n: a.user_id }) : t('audit.not_signed_in');

// What was done, in words; a folded entry names each of its actions (a search and the queue
// of one hour fold together) and says how often and between which times.
function what(a) {
	const word = x => known(`act.${x}`) ? t(`act.${x}`) : x;
	const words = Array.isArray(a.actions) && a.actions.length > 1 ? a.actions.map(word).join(', ')
		: known(`act.${a.action}`) ? t(`act.${a.action}`) : a.action_text || a.action || '';
	if (!a.count || a.count < 2) return words;
	const span = fmtTime(a.first_ts) === fmtTime(a.ts) ? fmtTime(a.ts) : `${fmtTime(a.first_ts)}–${fmtTime(a.ts)}`;
	return t('audit.times', { what: words, n: a.count, span });
}

// How many patients a listing's row names (its detail: the query and the ids returned), or null.
function listed(a) {
	try {
		const d = a.detail ? JSON.parse(a.detail) : null;
		return d && Array.isArray(d.ids) ? d.ids.length + (Number.isInteger(d.unlisted) ? d.unlisted : 0) : null;
	} catch { return null; }
}

// The record concerned: the patient by name and clinic number (and the receipt, with a void's
// reason), a staff account by name.
function record(a) {
	if (a.patient) return [data(a.patient.name), ` · ${clinicNo(a.patient)}`, a.entity === 'payment' && a.entity_name ? [' · ', data(a.entity_name)] : null];
	if (a.entity === 'user' && a.entity_name) return data(t('audit.staff', { name: a.entity_name }));
	const n = listed(a);
	if (n !== null) return t('audit.listed', { n });
	if (a.entity === 'patient' && a.action === 'patient.search') return '';
	return data([a.entity, a.entity_id].filter(x => x !== null && x !== undefined && x !== '').join(' #'));
}

export function render(root) {
	const users = select('user_id', [['', t('audit.anyone')]], { id: 'audit-user', 'data-testid': 'audit-user' });
	const csv = h('a', { id: 'audit-csv', class: 'btn', href: api.auditCsvUrl({}), download: 'audit.csv', 'data-testid': 'audit-csv' }, t('audit.csv'));
	const fold = select('fold', [['1', t('audit.fold_on')], ['0', t('audit.fold_off')]], { id: 'audit-fold', 'data-testid': 'audit-fold' });
	const form = h('form', { id: 'audit-form', class: 'filters', 'data-testid': 'audit-form' },
		dateField(t('audit.from'), 'from', { id: 'audit-from', 'data-testid': 'audit-from' }, { hint: '' }),
		dateField(t('audit.to'), 'to', { id: 'audit-to', 'data-testid': 'audit-to' }, { hint: '' }),
		field(t('audit.user'), users),
		field(t('audit.patient'), input('patient_id', { id: 'audit-patient', inputmode: 'numeric', 'data-testid': 'audit-patient' })),
		field(t('audit.action'), input('action', { id: 'audit-action', placeholder: t('audit.action_hint'), 'data-testid': 'audit-action' })),
		field(t('audit.reads'), fold),
		h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn primary', id: 'audit-search', 'data-testid': 'audit-search' }, t('audit.show')), csv));
	const out = h('div', { id: 'audit-results' });
	const kept = keptFilters();
	let filters = {};
	let offset = 0;
	let rows = [];

	const draw = more => {
		replace(out, rows.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'table small', id: 'audit-table', 'data-testid': 'audit-table' },
			h('thead', {}, h('tr', {}, ['time', 'who', 'what', 'record', 'computer'].map(k => h('th', { scope: 'col' }, t(`audit.col_${k}`))))),
			h('tbody', {}, rows.map(a => h('tr', { 'data-testid': 'audit-row', 'data-action': a.action, 'data-count': String(a.count ?? 1) },
				h('td', {}, fmtDateTime(a.ts)),
				h('td', { 'data-testid': 'audit-who' }, who(a)),
				h('td', { 'data-testid': 'audit-what' }, what(a)),
				h('td', { 'data-testid': 'audit-record' }, record(a)),
				h('td', {}, a.ip ?? '')))))) : notice(t('audit.none')),
		more ? btn(t('audit.more'), () => fetchPage(), { id: 'audit-more', 'data-testid': 'audit-more' }) : null);
	};
	const fetchPage = async () => {
		const got = await api.audit({ ...filters, limit: PAGE, offset });
		rows = rows.concat(got);
		offset += got.length;
		draw(got.length === PAGE);
	};

	bindForm(form, {
		validate: v => {
			const bad = {};
			for (const k of ['from', 'to']) if (dayFirstISO(v[k]) === null) bad[k] = t('audit.day_first');
			if (v.patient_id && !/^\d+$/.test(v.patient_id)) bad.patient_id = t('audit.bad_patient');
			return Object.keys(bad).length ? bad : null;
		},
		submit: async typed => {
			const v = { ...typed, from: dayFirstISO(typed.from), to: dayFirstISO(typed.to) };
			sessionStorage.setItem(KEPT, JSON.stringify(v));
			// A patient's trail includes the lists that showed the patient (a search, the queue...).
			filters = v.patient_id ? { ...v, listed: 1 } : v;
			const { fold: _f, ...raw } = filters;
			csv.href = api.auditCsvUrl(raw);
			offset = 0;
			rows = [];
			await fetchPage();
		},
	});
	root.append(pageHead(t('audit.title')), form, out);
	setValues(form, kept);
	api.users().then(list => {
		for (const u of list) users.append(h('option', { value: u.id }, `${u.name || u.username} (${u.username})`));
		if (kept.user_id) users.value = String(kept.user_id);
	}).catch(() => {});
	form.requestSubmit();
}
