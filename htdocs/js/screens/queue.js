// queue.js — today's token queue. Polls GET /api/queue every 2 s with the last
// ETag (a 304 costs nothing), keeps the selected row across refreshes, and lets
// the desk add, call in, send back, finish, cancel or mark no-show. The doctor
// gets "Call next" (N): lowest waiting token → in consultation → consultation screen.
import { api } from '../api.js';
import { h, pageHead, btn, onKeys, toast, fmtTime, patientMeta, act, todayISO } from '../ui.js';
import { hasRole } from '../session.js';
import { go } from '../nav.js';
import { addToQueueDialog, setQueueStatus, openConsultation } from '../shared/queue-actions.js';
import { cachedQueue } from '../offline/cache.js';
import { items as outboxItems, overlayQueue } from '../offline/outbox.js';

const POLL_MS = 2000;

const STATUS_LABEL = { waiting: 'Waiting', in_consult: 'With doctor', done: 'Done', cancelled: 'Cancelled', no_show: 'No-show', pending: 'Not sent yet' };

// Without the network: today's queue as kept on this computer, with the writes still in the
// outbox shown as what they are (a pending addition has no token yet).
async function offlineEntries(date) {
	return overlayQueue(await cachedQueue(date), await outboxItems());
}

// Allowed moves (the contract's transitions) and the buttons that make them.
const ACTIONS = {
	waiting: [['in_consult', 'Call in'], ['cancelled', 'Cancel'], ['no_show', 'No-show']],
	in_consult: [['done', 'Done'], ['waiting', 'Back to waiting']],
};

export function render(root) {
	const isDoctor = hasRole('doctor');
	let entries = [];
	let etag = null;
	let selected = null;	// id of the highlighted entry
	let timer = null;
	let stopped = false;

	const sync = h('span', { id: 'queue-sync', class: 'sync', 'data-testid': 'queue-sync', 'aria-live': 'polite' });
	const counts = h('div', { class: 'counts', id: 'queue-counts', 'data-testid': 'queue-counts' });
	const tbody = h('tbody');
	const table = h('table', { id: 'queue-table', class: 'table queue', 'data-testid': 'queue-table' },
		h('thead', {}, h('tr', {}, ['Token', 'Patient', 'Reason', 'Status', 'Time', ''].map(t => h('th', { scope: 'col' }, t)))),
		tbody);
	const empty = h('p', { class: 'notice', id: 'queue-empty', hidden: true }, 'No one in the queue yet today.');

	const callNext = async () => {
		const next = entries.find(e => e.status === 'waiting');
		if (!next) { toast('No one is waiting.'); return; }
		await callIn(next);
	};

	// The doctor's call-in opens the consultation; opening it from the entry
	// moves the entry to in_consult on the server (docs/api.md §9).
	const callIn = async e => {
		if (isDoctor) await openConsult(e);
		else { await setQueueStatus(e, 'in_consult'); refresh(true); }
	};

	const openConsult = e => openConsultation({ patientId: e.patient.id, queueId: e.id });

	const run = (e, status) => act(async () => {
		if (status === 'in_consult') await callIn(e);
		else { await setQueueStatus(e, status); refresh(true); }
	});

	const row = e => {
		const actions = (e.pendingStatus ? [] : ACTIONS[e.status] || []).map(([st, label]) =>
			btn(label, run(e, st), { class: st === 'in_consult' || st === 'done' ? 'btn small primary' : 'btn small', 'data-action': st, 'data-testid': `queue-${st}` }));
		if (!isDoctor && e.status !== 'cancelled' && !e.pending) actions.push(btn('Payment', () => go(`/payments?patient=${e.patient.id}`), { class: 'btn small', 'data-action': 'pay', 'data-testid': 'queue-pay' }));
		if (isDoctor && e.status === 'in_consult') actions.unshift(btn('Open', act(() => openConsult(e)), { class: 'btn small primary', 'data-action': 'open', 'data-testid': 'queue-open' }));
		const p = e.patient || {};
		return h('tr', {
			'data-testid': 'queue-row', 'data-id': e.id, 'data-status': e.status, 'data-token': e.token,
			class: `st-${e.status}${e.id === selected ? ' selected' : ''}`,
			'aria-selected': e.id === selected ? 'true' : 'false',
			onclick: ev => { if (!ev.target.closest('button, a')) select(e.id); },
		},
			h('td', { class: 'token' }, e.token ?? h('span', { class: 'muted', 'data-testid': 'queue-no-token' }, 'will get a token')),
			h('td', {}, p.id ? h('a', { href: `#/patient/${p.id}` }, p.name) : p.name, h('span', { class: 'muted' }, ` ${patientMeta(p)}`)),
			h('td', {}, e.reason || ''),
			h('td', {}, h('span', { class: `badge st-${e.status}` }, STATUS_LABEL[e.status] || e.status), e.pendingStatus ? h('span', { class: 'muted', 'data-testid': 'queue-pending' }, ' (not sent yet)') : null),
			h('td', {}, fmtTime(e.created_at)),
			h('td', { class: 'row-actions' }, actions));
	};

	const draw = () => {
		// Keep focus on the same button of the same row across a redraw.
		const f = document.activeElement;
		const keep = f && tbody.contains(f) ? [f.closest('tr')?.dataset.id, f.dataset.action] : null;
		if (!entries.some(e => e.id === selected)) selected = (entries.find(e => e.status === 'waiting') || entries[0])?.id ?? null;
		tbody.replaceChildren(...entries.map(row));
		empty.hidden = entries.length > 0;
		const n = s => entries.filter(e => e.status === s).length;
		counts.textContent = `Waiting ${n('waiting')} · With doctor ${n('in_consult')} · Done ${n('done')} · Total ${entries.length}`;
		if (keep) tbody.querySelector(`tr[data-id="${keep[0]}"] [data-action="${keep[1]}"]`)?.focus();
	};

	const select = id => {
		selected = id;
		for (const tr of tbody.children) {
			const on = Number(tr.dataset.id) === id;
			tr.classList.toggle('selected', on);
			tr.setAttribute('aria-selected', on ? 'true' : 'false');
			if (on) tr.scrollIntoView({ block: 'nearest' });
		}
	};
	const move = d => {
		if (!entries.length) return;
		const i = Math.max(0, entries.findIndex(e => e.id === selected));
		select(entries[Math.min(entries.length - 1, Math.max(0, i + d))].id);
	};
	const current = () => entries.find(e => e.id === selected);

	let gen = 0;	// only the newest refresh may draw and schedule the next one
	async function refresh(force = false) {
		const mine = ++gen;
		clearTimeout(timer);
		if (stopped) return;
		try {
			const r = await api.pollQueue(force ? null : etag);
			if (stopped || mine !== gen) return;
			if (!r.notModified) {
				etag = r.etag;
				entries = r.data.entries;
				draw();
			}
			sync.textContent = `Updated ${fmtTime(new Date().toISOString())}`;
			sync.classList.remove('error');
		} catch (err) {
			sync.textContent = err.status === 0 ? 'Offline — today’s queue as last seen on this computer' : err.message;
			sync.classList.add('error');
			if (mine !== gen) return;
			if (err.status === 0) {
				entries = await offlineEntries(todayISO());
				etag = null;
				if (!stopped && mine === gen) draw();
			}
		}
		if (!stopped) timer = setTimeout(refresh, document.hidden ? POLL_MS * 5 : POLL_MS);
	}

	const onVisible = () => { if (!document.hidden) refresh(); };
	document.addEventListener('visibilitychange', onVisible);

	const addBtn = btn('Add patient (A)', () => addToQueueDialog().then(ok => ok && refresh(true)), { id: 'queue-add', class: 'btn primary', 'data-testid': 'queue-add' });
	const nextBtn = isDoctor ? btn('Call next (N)', act(callNext), { id: 'queue-call-next', class: 'btn primary', 'data-testid': 'queue-call-next' }) : null;
	root.append(
		pageHead('Today’s queue', nextBtn, addBtn),
		h('div', { class: 'toolbar' }, counts, sync),
		table, empty,
		h('p', { class: 'hint' }, `j/k or ↑/↓ move · Enter calls in${isDoctor ? ' (and opens the consultation) · N calls the next token' : ''} · A adds a patient`));
	refresh();

	const removeKeys = onKeys({
		j: () => move(1), ArrowDown: () => move(1),
		k: () => move(-1), ArrowUp: () => move(-1),
		a: () => addBtn.click(),
		n: () => { if (isDoctor) nextBtn.click(); },
		Enter: act(async () => {
			const e = current();
			if (!e) return;
			if (e.status === 'waiting') await callIn(e);
			else if (e.status === 'in_consult' && isDoctor) await openConsult(e);
		}),
	});
	return () => {
		stopped = true;
		clearTimeout(timer);
		removeKeys();
		document.removeEventListener('visibilitychange', onVisible);
	};
}
