// status.js — the server's health for the admin: version, database size, free
// disk, last backup, certificate expiry, worker pools (GET /api/system).
import { api } from '../api.js';
import { h, pageHead, replace, notice, btn, fmtDateTime, fmtBytes, fmtDate } from '../ui.js';

const FIELDS = [
	['version', 'Version', String],
	['schema_version', 'Database schema', String],
	['database_bytes', 'Database size', fmtBytes],
	['wal_bytes', 'Write-ahead log', fmtBytes],
	['disk_free_bytes', 'Free disk space', fmtBytes],
	['disk_total_bytes', 'Disk size', fmtBytes],
	['last_backup', 'Last backup', b => b ? `${fmtDateTime(b.created_at)} — ${b.integrity || 'not checked'} (${b.file || ''})` : 'No backup yet'],
	['backup_copy', 'Last copy off this PC', c => !c || !c.dir ? 'No second place set (Backups screen)'
		: c.last_at ? `${fmtDateTime(c.last_at)} — ${c.last_file} in ${c.dir} (encrypted)` : `None yet — to ${c.dir}`],
	['certificate_expires', 'Certificate expires', d => d ? fmtDate(d) : 'unknown'],
	['backup_stale', 'Backup older than a day', v => v ? 'YES' : 'no'],
	['backup_never', 'No backup yet', v => v ? 'YES — none has been taken' : 'no'],
	['disk_low', 'Disk nearly full', v => v ? 'YES' : 'no'],
];

function value(v, k = '') {
	if (v === null || v === undefined) return '';
	if (k.endsWith('_at')) return fmtDateTime(v);
	if (typeof v === 'boolean') return v ? 'yes' : 'no';
	if (typeof v === 'object') return JSON.stringify(v);
	return String(v);
}

export function render(root) {
	const out = h('div', { id: 'status-body' }, notice('Loading…'));
	const load = async () => {
		try {
			const s = await api.system();
			const known = new Set(FIELDS.map(f => f[0]).concat('pools'));
			const warn = [s.backup_never && 'No backup yet: take one now on Backups (they are also taken every hour of clinic hours).',
				s.backup_stale && 'The last good backup is more than a day old.', s.disk_low && 'The disk is nearly full.'].filter(Boolean);
			const pools = s.pools || [];	// [{program, workers, oldest_started_at}]
			replace(out,
				warn.map(w => notice(w, 'error')),
				h('table', { class: 'table kv', id: 'status-table', 'data-testid': 'status-table' }, h('tbody', {},
					FIELDS.filter(([k]) => k in s).map(([k, label, f]) => h('tr', { 'data-key': k }, h('th', { scope: 'row' }, label), h('td', {}, f(s[k])))),
					Object.entries(s).filter(([k]) => !known.has(k)).map(([k, v]) => h('tr', { 'data-key': k }, h('th', { scope: 'row' }, k.replace(/_/g, ' ')), h('td', {}, value(v)))))),
				pools.length ? [h('h2', {}, 'Worker pools'), h('table', { class: 'table', id: 'status-pools', 'data-testid': 'status-pools' },
					h('thead', {}, h('tr', {}, Object.keys(pools[0]).map(k => h('th', { scope: 'col' }, k.replace(/_/g, ' '))))),
					h('tbody', {}, pools.map(p => h('tr', {}, Object.keys(pools[0]).map(k => h('td', {}, value(p[k], k)))))))] : null);
		} catch (err) {
			replace(out, notice(err.message, 'error'));
		}
	};
	root.append(pageHead('Server status', btn('Refresh', load, { id: 'status-refresh', 'data-testid': 'status-refresh' })), out);
	load();
}
