// audit.js — who did what (admin): filters, a table, and the same filters as a CSV download.
import { api } from '../api.js';
import { h, pageHead, replace, notice, btn, bindForm, field, input, select, fmtDateTime, todayISO, addDays } from '../ui.js';
import { t } from '../i18n.js';

const PAGE = 100;

export function render(root) {
	const users = select('user_id', [['', t('audit.anyone')]], { id: 'audit-user', 'data-testid': 'audit-user' });
	const csv = h('a', { id: 'audit-csv', class: 'btn', href: api.auditCsvUrl({}), download: 'audit.csv', 'data-testid': 'audit-csv' }, t('audit.csv'));
	const form = h('form', { id: 'audit-form', class: 'filters', 'data-testid': 'audit-form' },
		field(t('audit.from'), input('from', { id: 'audit-from', type: 'date', value: addDays(todayISO(), -7), 'data-testid': 'audit-from' })),
		field(t('audit.to'), input('to', { id: 'audit-to', type: 'date', value: todayISO(), 'data-testid': 'audit-to' })),
		field(t('audit.user'), users),
		field(t('audit.patient'), input('patient_id', { id: 'audit-patient', inputmode: 'numeric', 'data-testid': 'audit-patient' })),
		field(t('audit.action'), input('action', { id: 'audit-action', placeholder: t('audit.action_hint'), 'data-testid': 'audit-action' })),
		h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn primary', id: 'audit-search', 'data-testid': 'audit-search' }, t('audit.show')), csv));
	const out = h('div', { id: 'audit-results' });
	let filters = {};
	let offset = 0;
	let rows = [];

	const draw = more => {
		replace(out, rows.length ? h('table', { class: 'table small', id: 'audit-table', 'data-testid': 'audit-table' },
			h('thead', {}, h('tr', {}, ['time', 'user', 'role', 'action', 'record', 'ip'].map(k => h('th', { scope: 'col' }, t(`audit.col_${k}`))))),
			h('tbody', {}, rows.map(a => h('tr', { 'data-testid': 'audit-row' },
				h('td', {}, fmtDateTime(a.ts)),
				h('td', { translate: 'no' }, a.username ?? a.user_id ?? ''),
				h('td', {}, a.role ? t(`role.${a.role}`) : ''),
				h('td', { translate: 'no' }, a.action || ''),
				h('td', { translate: 'no' }, [a.entity, a.entity_id].filter(x => x !== null && x !== undefined && x !== '').join(' #')),
				h('td', {}, a.ip ?? ''))))) : notice(t('audit.none')),
		more ? btn(t('audit.more'), () => fetchPage(), { id: 'audit-more', 'data-testid': 'audit-more' }) : null);
	};
	const fetchPage = async () => {
		const got = await api.audit({ ...filters, limit: PAGE, offset });
		rows = rows.concat(got);
		offset += got.length;
		draw(got.length === PAGE);
	};

	bindForm(form, {
		validate: v => (v.patient_id && !/^\d+$/.test(v.patient_id) ? { patient_id: t('audit.bad_patient') } : null),
		submit: async v => {
			filters = v;
			csv.href = api.auditCsvUrl(v);
			offset = 0;
			rows = [];
			await fetchPage();
		},
	});
	root.append(pageHead(t('audit.title')), form, out);
	api.users().then(list => {
		for (const u of list) users.append(h('option', { value: u.id }, `${u.name || u.username} (${u.username})`));
	}).catch(() => {});
	form.requestSubmit();
}
