// status.js — the server's health for the admin: version, database size, free
// disk, last backup, certificate expiry, worker pools (GET /api/system).
import { api } from '../api.js';
import { h, pageHead, replace, notice, btn, fmtDateTime, fmtBytes, fmtDate } from '../ui.js';
import { session } from '../session.js';
import { t } from '../i18n.js';

// [key of GET /api/system, how its value is shown]; the label is t('status.<key>').
const FIELDS = [
	['version', String],
	['schema_version', String],
	['database_bytes', fmtBytes],
	['wal_bytes', fmtBytes],
	['disk_free_bytes', fmtBytes],
	['disk_total_bytes', fmtBytes],
	['last_backup', b => b ? `${fmtDateTime(b.created_at)} — ${b.integrity === 'ok' ? t('backups.ok') : b.integrity || t('backups.unchecked')} (${b.file || ''})` : t('status.no_backup')],
	['backup_copy', c => !c || !c.dir ? t('status.no_copy_place')
		: c.last_at ? t('status.copy_line', { time: fmtDateTime(c.last_at), file: c.last_file, dir: c.dir }) : t('status.copy_none', { dir: c.dir })],
	['certificate_expires', d => d ? fmtDate(d) : t('status.unknown')],
	['backup_stale', v => t(v ? 'status.YES' : 'status.no')],
	['backup_never', v => t(v ? 'status.never_yes' : 'status.no')],
	['disk_low', v => t(v ? 'status.YES' : 'status.no')],
	['clock_zone', v => v || t('status.unknown')],
	['clock_differs', v => t(v ? 'status.YES' : 'status.no')],
];

function value(v, k = '') {
	if (v === null || v === undefined) return '';
	if (k.endsWith('_at')) return fmtDateTime(v);
	if (typeof v === 'boolean') return t(v ? 'status.yes' : 'status.no');
	if (typeof v === 'object') return JSON.stringify(v);
	return String(v);
}

export function render(root) {
	const out = h('div', { id: 'status-body' }, notice(t('header.loading')));
	const load = async () => {
		try {
			const s = await api.system();
			const known = new Set(FIELDS.map(f => f[0]).concat('pools'));
			const warn = [s.backup_never && t('status.warn_never'),
				s.backup_stale && t('system.backup_stale'), s.disk_low && t('system.disk_low'),
				s.clock_differs && t('status.warn_clock', { clock: s.clock_zone || '?', zone: session.tz })].filter(Boolean);
			const pools = s.pools || [];	// [{program, workers, oldest_started_at}]
			replace(out,
				warn.map(w => notice(w, 'error')),
				h('table', { class: 'table kv', id: 'status-table', 'data-testid': 'status-table' }, h('tbody', {},
					FIELDS.filter(([k]) => k in s).map(([k, f]) => h('tr', { 'data-key': k }, h('th', { scope: 'row' }, t(`status.${k}`)), h('td', {}, f(s[k])))),
					// A field this screen does not know yet: its key as the server names it.
					Object.entries(s).filter(([k]) => !known.has(k)).map(([k, v]) => h('tr', { 'data-key': k, translate: 'no' }, h('th', { scope: 'row' }, k.replace(/_/g, ' ')), h('td', {}, value(v)))))),
				pools.length ? [h('h2', {}, t('status.pools')), h('table', { class: 'table', id: 'status-pools', 'data-testid': 'status-pools' },
					h('thead', {}, h('tr', {}, Object.keys(pools[0]).map(k => h('th', { scope: 'col' }, t(`status.pool_${k}`))))),
					h('tbody', {}, pools.map(p => h('tr', { translate: 'no' }, Object.keys(pools[0]).map(k => h('td', {}, value(p[k], k)))))))] : null);
		} catch (err) {
			replace(out, notice(err.message, 'error'));
		}
	};
	root.append(pageHead(t('status.title'), btn(t('status.refresh'), load, { id: 'status-refresh', 'data-testid': 'status-refresh' })), out);
	load();
}
