// backups.js — snapshots of the database (admin): list with size, time and
// integrity result; "Back up now"; the second place the scheduled backups are copied to,
// encrypted, off this PC (a USB disk's folder or another path) with the last copy made there;
// and the clinic's records as CSV files (patients, visits with prescriptions, payments).
import { api } from '../api.js';
import { h, pageHead, replace, notice, btn, toast, fmtDateTime, fmtBytes, act, bindForm, field, input } from '../ui.js';
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
	// The second copy: where, whether the server can write there now, the last one made.
	const dir = input('dir', { id: 'copy-dir', placeholder: '/media/usb/nalamdesk', maxlength: 200, 'data-testid': 'copy-dir' });
	const copyState = h('div', { id: 'copy-state', 'data-testid': 'copy-state' });
	const copyForm = h('form', { id: 'copy-form', class: 'grid-form', 'data-testid': 'copy-form' },
		field(t('backups.folder'), dir, { wide: true, hint: t('backups.folder_hint') }),
		h('div', { class: 'actions wide' }, h('button', { type: 'submit', class: 'btn primary', id: 'copy-save', 'data-testid': 'copy-save' }, t('backups.save'))));
	const showCopy = c => {
		dir.value = c.dir || '';
		replace(copyState, !c.dir ? notice(t('backups.no_copy_place'), 'error')
			: [c.reachable ? null : notice(t('backups.unreachable', { dir: c.dir }), 'error'),
				h('p', { translate: 'no' }, c.last_at ? t('backups.last_copy', { time: fmtDateTime(c.last_at), file: c.last_file })
					: t('backups.no_copy_yet'))]);
	};
	bindForm(copyForm, {
		submit: async v => {
			showCopy(await api.setBackupCopy(v.dir || null));
			toast(t('backups.saved'), 'ok');
		},
	});
	api.backupCopy().then(showCopy).catch(err => replace(copyState, notice(err.message, 'error')));
	const link = (id, href, text) => h('a', { id, class: 'btn', href, download: '', 'data-testid': id }, text);
	const exports = h('section', { id: 'exports', 'aria-labelledby': 'exports-title' },
		h('h2', { id: 'exports-title' }, t('exp.title')),
		h('p', { class: 'hint' }, t('exp.hint')),
		h('div', { class: 'actions' },
			link('export-patients', api.patientsCsvUrl(), t('exp.patients')),
			link('export-visits', api.visitsCsvUrl(), t('exp.visits')),
			link('export-payments', api.paymentsCsvUrl(), t('exp.payments'))));
	root.append(pageHead(t('backups.title'), now), list,
		h('p', { class: 'hint' }, t('backups.hint_schedule')),
		h('h2', {}, t('backups.second_copy')), copyForm, copyState, exports);
	load();
}
