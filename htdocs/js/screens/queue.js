// queue.js — today's queue in call order (the server's: those with the doctor,
// then the waiting by priority and place in the line, then the closed ones).
// Polls GET /api/queue every 2 s with the last ETag (a 304 costs nothing),
// keeps the selected row across refreshes, and lets the desk add (with a
// priority), change a priority, postpone, call in, send back, finish, cancel
// or mark no-show. Each row shows its markers: paid today, came by
// appointment, vitals recorded. The doctor gets "Call next" (N): the first
// waiting in call order → in consultation → consultation screen. The nurse
// reads the list and goes to the vitals station from it.
import { api } from '../api.js';
import { h, pageHead, btn, select, onKeys, toast, fmtTime, patientMeta, act, money, todayISO } from '../ui.js';
import { hasRole } from '../session.js';
import { go } from '../nav.js';
import { addToQueueDialog, setQueueStatus, openConsultation, postponeDialog, callNextPatient, PRIORITIES, priorityBadge } from '../shared/queue-actions.js';
import { vitalsMark } from '../shared/vitals.js';
import { pollQueue } from '../shared/queue-poll.js';
import { t } from '../i18n.js';
import { cachedQueue } from '../offline/cache.js';
import { items as outboxItems, overlayQueue } from '../offline/outbox.js';

const POLL_MS = 2000;

const STATUS_LABEL = { waiting: 'q.st_waiting', in_consult: 'q.st_in_consult', done: 'q.st_done', cancelled: 'q.st_cancelled', no_show: 'q.st_no_show', pending: 'q.st_pending' };

// Without the network: today's queue as kept on this computer, with the writes still in the
// outbox shown as what they are (a pending addition has no token yet).
async function offlineEntries(date) {
	return overlayQueue(await cachedQueue(date), await outboxItems());
}

// Allowed moves (the contract's transitions) and the buttons that make them.
const ACTIONS = {
	waiting: [['in_consult', 'q.call_in'], ['cancelled', 'q.cancel'], ['no_show', 'q.st_no_show']],
	in_consult: [['done', 'q.st_done'], ['waiting', 'q.back']],
};

export function render(root) {
	const isDoctor = hasRole('doctor');
	const isNurse = hasRole('nurse');
	const canMove = hasRole('frontdesk', 'doctor');
	let entries = [];
	let selected = null;	// id of the highlighted entry
	let late = false;	// a redraw waits for the priority box to lose focus

	const sync = h('span', { id: 'queue-sync', class: 'sync', 'data-testid': 'queue-sync', 'aria-live': 'polite' });
	const counts = h('div', { class: 'counts', id: 'queue-counts', 'data-testid': 'queue-counts' });
	const tbody = h('tbody');
	const table = h('table', { id: 'queue-table', class: 'table queue', 'data-testid': 'queue-table' },
		h('thead', {}, h('tr', {}, ['token', 'patient', 'reason', 'status', 'time'].map(k => h('th', { scope: 'col' }, t(`q.col_${k}`))).concat(h('th', { scope: 'col' })))),
		tbody);
	const empty = h('p', { class: 'notice', id: 'queue-empty', hidden: true }, t('q.empty'));
	tbody.addEventListener('focusout', () => { if (late) { late = false; setTimeout(draw); } });

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

	const postpone = e => postponeDialog(e).then(ok => ok && refresh(true));

	const setPriority = async (e, priority) => {
		try {
			await api.setQueuePriority(e.id, priority, e.version);
		} catch (err) {
			toast(err.message, 'error');
		}
		refresh(true);
	};

	// Paid today, came by appointment, vitals recorded.
	const markers = e => h('span', { class: 'markers' },
		e.paid_paise > 0 ? h('span', { class: 'badge ok mark-paid', title: t('q.paid_title'), 'data-testid': 'mark-paid' }, t('q.paid', { amount: money(e.paid_paise) })) : null,
		e.appointment_id ? h('span', { class: 'badge mark-appt', title: t('q.appt_title'), 'data-testid': 'mark-appt' }, t('q.appt')) : null,
		e.vitals_recorded ? vitalsMark() : null);

	const priorityControl = e => {
		if (!canMove || e.status !== 'waiting') return priorityBadge(e.priority);
		const s = select('priority', PRIORITIES, { class: `prio-select prio-${e.priority}`, 'aria-label': t('q.priority_of', { token: e.token }), 'data-testid': 'queue-priority-select', 'data-action': 'priority' });
		s.value = e.priority;
		s.addEventListener('change', () => setPriority(e, s.value));
		return s;
	};

	const row = e => {
		// A row kept offline (offline/outbox.js) has no moves until it was sent.
		const still = e.pending || e.pendingStatus;
		const actions = canMove && !still ? (ACTIONS[e.status] || []).map(([st, label]) =>
			btn(t(label), run(e, st), { class: st === 'in_consult' || st === 'done' ? 'btn small primary' : 'btn small', 'data-action': st, 'data-testid': `queue-${st}` })) : [];
		if (canMove && !still && e.status === 'waiting') actions.push(btn(t('q.postpone'), () => postpone(e), { class: 'btn small', 'data-action': 'postpone', 'data-testid': 'queue-postpone' }));
		if (!isDoctor && canMove && !e.pending && e.status !== 'cancelled') actions.push(btn(t('q.payment'), () => go(`/payments?patient=${e.patient.id}`), { class: 'btn small', 'data-action': 'pay', 'data-testid': 'queue-pay' }));
		if (isDoctor && e.status === 'in_consult') actions.unshift(btn(t('q.open'), act(() => openConsult(e)), { class: 'btn small primary', 'data-action': 'open', 'data-testid': 'queue-open' }));
		if (isNurse && e.status === 'waiting') actions.push(btn(t('q.vitals'), () => go(`/vitals?entry=${e.id}`), { class: 'btn small primary', 'data-action': 'vitals', 'data-testid': 'queue-vitals' }));
		const p = e.patient || {};
		return h('tr', {
			'data-testid': 'queue-row', 'data-id': e.id, 'data-status': e.status, 'data-token': e.token, 'data-priority': e.priority,
			class: `st-${e.status} prio-${e.priority}${e.id === selected ? ' selected' : ''}`,
			'aria-selected': e.id === selected ? 'true' : 'false',
			onclick: ev => { if (!ev.target.closest('button, a, select')) select1(e.id); },
		},
			h('td', { class: 'token' }, e.token ?? h('span', { class: 'no-token', 'data-testid': 'queue-no-token' }, t('q.no_token'))),
			h('td', {}, isNurse || !p.id ? h('b', { translate: 'no' }, p.name) : h('a', { href: `#/patient/${p.id}`, translate: 'no' }, p.name), h('span', { class: 'muted' }, ` ${patientMeta(p)}`), markers(e)),
			h('td', { translate: 'no' }, e.reason || ''),
			h('td', { class: 'status-cell' },
				h('span', { class: `badge st-${e.status}` }, STATUS_LABEL[e.status] ? t(STATUS_LABEL[e.status]) : e.status),
				e.pendingStatus ? h('span', { class: 'muted', 'data-testid': 'queue-pending' }, t('q.not_sent')) : null,
				e.position ? h('span', { class: 'position', 'data-testid': 'queue-position', title: t('q.place_title') }, ` #${e.position}`) : null,
				' ', priorityControl(e)),
			h('td', {}, fmtTime(e.created_at)),
			h('td', { class: 'row-actions' }, actions));
	};

	const draw = () => {
		// Keep focus on the same control of the same row across a redraw.
		const f = document.activeElement;
		const keep = f && tbody.contains(f) ? [f.closest('tr')?.dataset.id, f.dataset.action] : null;
		if (keep && f.tagName === 'SELECT') { late = true; return; }	// a priority being chosen: draw after
		if (!entries.some(e => e.id === selected)) selected = (entries.find(e => e.status === 'waiting') || entries[0])?.id ?? null;
		tbody.replaceChildren(...entries.map(row));
		empty.hidden = entries.length > 0;
		const n = s => entries.filter(e => e.status === s).length;
		const urgent = entries.filter(e => e.status === 'waiting' && e.priority !== 'normal').length;
		counts.textContent = t(urgent ? 'q.counts_urgent' : 'q.counts', { waiting: n('waiting'), urgent, consult: n('in_consult'), done: n('done'), total: entries.length });
		if (keep) tbody.querySelector(`tr[data-id="${keep[0]}"] [data-action="${keep[1]}"]`)?.focus();
	};

	const select1 = id => {
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
		select1(entries[Math.min(entries.length - 1, Math.max(0, i + d))].id);
	};
	const current = () => entries.find(e => e.id === selected);

	const poll = pollQueue({
		sync, ms: POLL_MS, lost: t('q.offline'),
		onEntries: list => { entries = list; draw(); },
		onLost: () => offlineEntries(todayISO()),
	});
	const refresh = poll.refresh;

	const onVisible = () => { if (!document.hidden) refresh(); };
	document.addEventListener('visibilitychange', onVisible);

	const addBtn = canMove ? btn(t('q.add'), () => addToQueueDialog().then(ok => ok && refresh(true)), { id: 'queue-add', class: 'btn primary', 'data-testid': 'queue-add' }) : null;
	const nextBtn = isDoctor ? btn(t('q.next'), act(callNextPatient), { id: 'queue-call-next', class: 'btn primary', 'data-testid': 'queue-call-next' }) : null;
	const vitalsBtn = isNurse ? btn(t('q.vitals_station'), () => go('/vitals'), { id: 'queue-vitals-station', class: 'btn primary' }) : null;
	const hint = canMove
		? t(isDoctor ? 'q.hint_doctor' : 'q.hint_desk')
		: t('q.hint_nurse');
	root.append(
		pageHead(t('q.title'), nextBtn, addBtn, vitalsBtn),
		h('div', { class: 'toolbar' }, counts, sync),
		table, empty,
		h('p', { class: 'hint' }, hint));
	refresh();

	const removeKeys = onKeys({
		j: () => move(1), ArrowDown: () => move(1),
		k: () => move(-1), ArrowUp: () => move(-1),
		a: () => addBtn?.click(),
		n: () => nextBtn?.click(),
		p: () => { const e = current(); if (canMove && e?.status === 'waiting') postpone(e); },
		Enter: act(async () => {
			const e = current();
			if (!e) return;
			if (isNurse) { if (e.status === 'waiting') go(`/vitals?entry=${e.id}`); return; }
			if (e.status === 'waiting') await callIn(e);
			else if (e.status === 'in_consult' && isDoctor) await openConsult(e);
		}),
	});
	return () => {
		poll.stop();
		removeKeys();
		document.removeEventListener('visibilitychange', onVisible);
	};
}
