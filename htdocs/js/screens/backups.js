// backups.js — snapshots of the database (admin): list with size, time and
// integrity result; "Back up now".
import { api } from '../api.js';
import { h, pageHead, replace, notice, btn, toast, fmtDateTime, fmtBytes, act } from '../ui.js';
import { t } from '../i18n.js';

// `integrity` is "ok", "unchecked" (a file taken elsewhere) or what the check
// found; a failed attempt is listed with present:false (docs/api.md §4.4).
const okText = b => {
	if (!b.present) return [t('backups.failed'), 'bad'];
	if (b.integrity === 'ok') return [t('backups.ok'), 'ok'];
	if (b.integrity === 'unchecked') return [t('backups.unchecked'), ''];
	return [b.integrity, 'bad'];
};

export function render(root) {
	const list = h('div', { id: 'backups-list' }, notice(t('header.loading')));
	const load = async () => {
		try {
			const rows = await api.backups();
			replace(list, rows.length ? h('table', { class: 'table', id: 'backups-table', 'data-testid': 'backups-table' },
				h('thead', {}, h('tr', {}, ['taken', 'file', 'size', 'integrity'].map(k => h('th', { scope: 'col' }, t(`backups.col_${k}`))))),
				h('tbody', {}, rows.map(b => {
					const [text, cls] = okText(b);
					return h('tr', { 'data-testid': 'backup-row' },
						h('td', {}, fmtDateTime(b.created_at)),
						h('td', { translate: 'no' }, b.file),
						h('td', {}, fmtBytes(b.size_bytes)),
						h('td', {}, h('span', { class: `badge ${cls}` }, text)));
				}))) : notice(t('backups.none'), 'error'));
		} catch (err) {
			replace(list, notice(err.message, 'error'));
		}
	};
	const now = btn(t('backups.now'), act(async () => {
		now.textContent = t('backups.running');
		try {
			await api.backUpNow();
			toast(t('backups.taken'), 'ok');
			document.dispatchEvent(new Event('nd:system-changed'));
			load();
		} finally { now.textContent = t('backups.now'); }
	}), { id: 'backup-now', class: 'btn primary', 'data-testid': 'backup-now' });
	root.append(pageHead(t('backups.title'), now), list, h('p', { class: 'hint' }, t('backups.hint')));
	load();
}
