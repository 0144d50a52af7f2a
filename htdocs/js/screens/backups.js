// backups.js — snapshots of the database (admin): list with size, time and
// integrity result; "Back up now"; the second place the scheduled backups are copied to,
// encrypted, off this PC (a USB disk's folder or another path) with the last copy made there;
// and the clinic's records as CSV files (patients, visits with prescriptions, payments).
import { api } from '../api.js';
import { h, pageHead, replace, notice, btn, toast, fmtDateTime, fmtBytes, act, bindForm, field, input } from '../ui.js';

// `integrity` is "ok", "unchecked" (a file taken elsewhere) or what the check
// found; a failed attempt is listed with present:false (docs/api.md §4.4).
const okText = b => {
	if (!b.present) return ['FAILED', 'bad'];
	if (b.integrity === 'ok') return ['OK', 'ok'];
	if (b.integrity === 'unchecked') return ['not checked', ''];
	return [b.integrity, 'bad'];
};

export function render(root) {
	const list = h('div', { id: 'backups-list' }, notice('Loading…'));
	const load = async () => {
		try {
			const rows = await api.backups();
			replace(list, rows.length ? h('table', { class: 'table', id: 'backups-table', 'data-testid': 'backups-table' },
				h('thead', {}, h('tr', {}, ['Taken', 'File', 'Size', 'Integrity'].map(t => h('th', { scope: 'col' }, t)))),
				h('tbody', {}, rows.map(b => {
					const [text, cls] = okText(b);
					return h('tr', { 'data-testid': 'backup-row' },
						h('td', {}, fmtDateTime(b.created_at)),
						h('td', {}, b.file),
						h('td', {}, fmtBytes(b.size_bytes)),
						h('td', {}, h('span', { class: `badge ${cls}` }, text)));
				}))) : notice('No backups yet. Take one now.', 'error'));
		} catch (err) {
			replace(list, notice(err.message, 'error'));
		}
	};
	const now = btn('Back up now', act(async () => {
		now.textContent = 'Backing up…';
		try {
			await api.backUpNow();
			toast('Backup taken', 'ok');
			document.dispatchEvent(new Event('nd:system-changed'));
			load();
		} finally { now.textContent = 'Back up now'; }
	}), { id: 'backup-now', class: 'btn primary', 'data-testid': 'backup-now' });
	// The second copy: where, whether the server can write there now, the last one made.
	const dir = input('dir', { id: 'copy-dir', placeholder: '/media/usb/nalamdesk', maxlength: 200, 'data-testid': 'copy-dir' });
	const copyState = h('div', { id: 'copy-state', 'data-testid': 'copy-state' });
	const copyForm = h('form', { id: 'copy-form', class: 'grid-form', 'data-testid': 'copy-form' },
		field('Folder', dir, { wide: true, hint: 'A USB disk’s folder or another full path. Empty: no second copy.' }),
		h('div', { class: 'actions wide' }, h('button', { type: 'submit', class: 'btn primary', id: 'copy-save', 'data-testid': 'copy-save' }, 'Save')));
	const showCopy = c => {
		dir.value = c.dir || '';
		replace(copyState, !c.dir ? notice('No second place set: the backups stay on this PC only.', 'error')
			: [c.reachable ? null : notice(`The server cannot write to ${c.dir} now (is the USB disk plugged in?).`, 'error'),
				h('p', {}, c.last_at ? `Last copy off this PC: ${fmtDateTime(c.last_at)} — ${c.last_file} (encrypted with the backup passphrase).`
					: 'No copy made there yet: the next scheduled backup writes one.')]);
	};
	bindForm(copyForm, {
		submit: async v => {
			showCopy(await api.setBackupCopy(v.dir || null));
			toast('Saved', 'ok');
		},
	});
	api.backupCopy().then(showCopy).catch(err => replace(copyState, notice(err.message, 'error')));
	const link = (id, href, text) => h('a', { id, class: 'btn', href, download: '', 'data-testid': id }, text);
	const exports = h('section', { id: 'exports', 'aria-labelledby': 'exports-title' },
		h('h2', { id: 'exports-title' }, 'Export the records'),
		h('p', { class: 'hint' }, 'Every patient, visit (with diagnoses and prescriptions) and payment as a CSV file that Excel or LibreOffice opens with Tamil names intact. Each export is recorded in the audit trail.'),
		h('div', { class: 'actions' },
			link('export-patients', api.patientsCsvUrl(), 'Patients (CSV)'),
			link('export-visits', api.visitsCsvUrl(), 'Visits and prescriptions (CSV)'),
			link('export-payments', api.paymentsCsvUrl(), 'Payments (CSV)')));
	root.append(pageHead('Backups', now), list,
		h('p', { class: 'hint' }, 'Backups are also taken on a schedule: every hour from 08:00 to 20:00, Monday to Saturday, and at 21:30 every day. Restoring is done on the server with the admin tool (see the README).'),
		h('h2', {}, 'A second copy, off this PC'), copyForm, copyState, exports);
	load();
}
