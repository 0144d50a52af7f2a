// followups.js — the patients due for review today, tomorrow and later this week (from their
// latest visit's follow-up date), each with a phone link and a WhatsApp link whose reminder is
// in the patient's language (GET /api/followups writes both; the app sends nothing itself).
import { api } from '../api.js';
import { h, pageHead, replace, notice, fmtDate, clinicNo } from '../ui.js';
import { t } from '../i18n.js';

const GROUPS = ['today', 'tomorrow', 'week'];

function row(f) {
	const p = f.patient;
	return h('tr', { 'data-testid': 'followup-row', 'data-id': p.id, 'data-when': f.when },
		h('td', {}, h('a', { href: `#/patient/${p.id}`, translate: 'no' }, p.name), ' ', h('span', { class: 'muted nowrap' }, clinicNo(p))),
		h('td', {}, t('followups.due', { date: fmtDate(f.follow_up_date) })),
		h('td', { class: 'followup-links' },
			f.tel ? h('a', { class: 'btn small', href: f.tel, 'data-testid': 'followup-call' }, t('followups.call'), ' ', p.phone) :
				h('span', { class: 'muted' }, t('followups.no_phone')),
			' ',
			f.whatsapp ? h('a', { class: 'btn small', href: f.whatsapp, target: '_blank', rel: 'noopener noreferrer', 'data-testid': 'followup-whatsapp' },
				t('followups.whatsapp')) : f.tel ? h('span', { class: 'muted' }, t('followups.landline')) : null),
		h('td', { class: 'muted' }, t('followups.lang', { lang: t(`lang.${p.language}`) })));
}

export async function render(root) {
	const body = h('div', { id: 'followups', 'data-testid': 'followups' }, notice('…'));
	root.append(pageHead(t('followups.title')), h('p', { class: 'hint' }, t('followups.hint')), body);
	try {
		const r = await api.followups();
		replace(body, GROUPS.map(g => {
			const list = r.followups.filter(f => f.when === g);
			return h('section', { class: 'card', 'data-testid': `followups-${g}` },
				h('h2', {}, t(`followups.${g}`), ' ', h('span', { class: 'badge' }, list.length)),
				list.length ? h('table', { class: 'table' }, h('tbody', {}, list.map(row))) : h('p', { class: 'muted' }, t('followups.none')));
		}));
	} catch (err) {
		replace(body, notice(err.message, 'error'));
	}
}
