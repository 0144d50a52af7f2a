// vitals.js — the nurse's vitals station: today's waiting patients in call
// order on the left, the vitals and presenting complaint of the one chosen on
// the right. Keyboard first: the first box has the focus, Enter walks to the
// next box and, in the last one (the complaint), saves and moves on to the
// next patient without vitals; Ctrl+Enter saves from anywhere; Alt+↓/Alt+↑
// choose another patient. The doctor's visit opened from the entry starts
// with what is saved here (PUT /api/queue/{id}/vitals). The list polls the
// queue (ETag: a 304 costs nothing) and never touches what is being typed.
import { api } from '../api.js';
import { h, pageHead, replace, notice, field, input, toast, fmtTime, patientMeta, setFieldError, clearErrors, $, $$, act } from '../ui.js';
import { VITALS, readVitals, plainVitals, vitalsMark } from '../shared/vitals.js';
import { priorityBadge } from '../shared/queue-actions.js';
import { pollQueue } from '../shared/queue-poll.js';
import { t } from '../i18n.js';

const POLL_MS = 3000;

export function render(root, _params, query) {
	let entries = [];	// today's waiting, in call order
	let chosen = Number(query.get('entry')) || null;
	let loaded = null;	// id whose vitals fill the form
	let version = null;
	let edited = false;	// typing since the form was filled

	const list = h('ol', { id: 'vitals-list', class: 'vitals-list', 'data-testid': 'vitals-list', 'aria-label': t('vs.waiting_patients') });
	const sync = h('span', { id: 'vitals-sync', class: 'sync', 'aria-live': 'polite' });
	const title = h('h2', { id: 'vitals-title', 'data-testid': 'vitals-title' });
	const gone = h('p', { class: 'notice notice-error', id: 'vitals-gone', role: 'alert', hidden: true });
	const complaint = input('complaint', { id: 'vitals-complaint', maxlength: 1000, 'data-testid': 'vitals-complaint', placeholder: t('vs.complaint_hint') });
	const saveBtn = h('button', { type: 'submit', class: 'btn primary', id: 'vitals-save', 'data-testid': 'vitals-save' }, t('vs.save_next'));
	const form = h('form', { id: 'vitals-form', class: 'vitals-form', 'data-testid': 'vitals-form', novalidate: true, hidden: true },
		title, gone,
		h('div', { class: 'vitals-grid' }, VITALS.map(([k, label, unit, step]) => field(`${label} (${unit})`,
			input(k, { id: `vitals-${k.replace(/_/g, '-')}`, type: 'number', step, inputmode: 'decimal', 'data-vital': k, 'data-testid': `vitals-${k}` })))),
		field(t('vs.complaint'), complaint, { wide: true }),
		h('div', { class: 'form-error', role: 'alert' }),
		h('div', { class: 'actions' }, saveBtn, h('span', { id: 'vitals-recorded', class: 'muted', 'data-testid': 'vitals-recorded' })));
	const none = notice(t('vs.none'));
	none.id = 'vitals-none';

	const boxes = () => $$('input', form);
	const entry = id => entries.find(e => e.id === id);

	const item = e => h('li', {},
		h('button', {
			type: 'button', class: `vitals-item${e.id === chosen ? ' current' : ''}`, 'data-testid': 'vitals-item', 'data-id': e.id, 'data-token': e.token,
			'aria-current': e.id === chosen ? 'true' : null, onclick: () => choose(e.id, true),
		},
			h('span', { class: 'token' }, e.token),
			h('span', { class: 'vitals-who' }, h('b', { translate: 'no' }, e.patient.name), h('span', { class: 'muted' }, ` ${patientMeta(e.patient)}`),
				e.reason ? h('span', { class: 'reason', translate: 'no' }, e.reason) : null),
			priorityBadge(e.priority),
			e.vitals_recorded ? vitalsMark() : null));

	const drawList = () => {
		list.replaceChildren(...entries.map(item));
		none.hidden = entries.length > 0;
		const e = entry(chosen);
		if (loaded && !e) {	// called in, cancelled… while on screen
			gone.textContent = t('vs.gone');
			gone.hidden = false;
			saveBtn.disabled = true;
		}
		if (!loaded) {
			const want = e || entries.find(x => !x.vitals_recorded) || entries[0];
			if (want) choose(want.id, true);
		}
	};

	// Fills the form for entry ID (its recorded vitals, if any); FOCUS the first box.
	async function choose(id, focus) {
		const e = entry(id);
		if (!e) return;
		chosen = id;
		for (const b of $$('.vitals-item', list)) {
			const on = Number(b.dataset.id) === id;
			b.classList.toggle('current', on);
			if (on) b.setAttribute('aria-current', 'true'); else b.removeAttribute('aria-current');
		}
		clearErrors(form);
		gone.hidden = true;
		saveBtn.disabled = false;
		form.hidden = false;
		title.textContent = t('vs.title_entry', { token: e.token, name: e.patient.name });
		for (const el of boxes()) el.value = '';
		$('#vitals-recorded', form).textContent = '';
		loaded = id;
		version = e.version;
		edited = false;
		if (focus) form.elements.bp_systolic.focus();
		if (!e.vitals_recorded) return;
		try {
			const v = await api.queueVitals(id);
			if (loaded !== id || edited) return;	// moved on, or already typing
			for (const [k] of VITALS) form.elements[k].value = v.vitals[k] ?? '';
			complaint.value = v.complaint || '';
			version = v.version;
			$('#vitals-recorded', form).textContent = v.recorded_at ? (v.recorded_by ? t('vs.recorded_by', { time: fmtTime(v.recorded_at), who: v.recorded_by }) : t('vs.recorded', { time: fmtTime(v.recorded_at) })) : '';
		} catch (err) {
			toast(err.message, 'error');
		}
	}

	async function save() {
		const id = loaded;
		const e = entry(id);
		if (!id || saveBtn.disabled) return;
		clearErrors(form);
		const vitals = readVitals(form);
		const text = complaint.value.trim();
		if (Object.values(vitals).every(v => v === null) && !text) {
			setFieldError(form, 'bp_systolic', t('vs.need_one'));
			form.elements.bp_systolic.focus();
			return;
		}
		try {
			await api.saveQueueVitals(id, { vitals, complaint: text || null, ...(version ? { version } : {}) });
		} catch (err) {
			const f = String(err.field || '').replace(/^vitals\./, '');
			const msg = plainVitals(err.message);
			if (err.status === 422 && setFieldError(form, f, msg)) { form.elements[f]?.focus(); return; }
			if (err.code === 'not_waiting' || err.code === 'not_today') {
				gone.textContent = t('vs.kept', { msg });
				gone.hidden = false;
				return;
			}
			$('.form-error', form).textContent = msg;
			return;
		}
		toast(t('vs.saved', { token: e?.token ?? '' }), 'ok');
		if (e) e.vitals_recorded = true;
		const after = entries.slice(entries.findIndex(x => x.id === id) + 1).find(x => !x.vitals_recorded) ||
			entries.find(x => !x.vitals_recorded && x.id !== id);
		drawList();
		if (after) choose(after.id, true);
		else { $('#vitals-recorded', form).textContent = t('vs.all_done'); form.elements.bp_systolic.focus(); }
		refresh(true);
	}

	const step = d => {
		const i = entries.findIndex(e => e.id === chosen);
		const e = entries[Math.min(entries.length - 1, Math.max(0, i + d))];
		if (e) choose(e.id, true);
	};

	form.addEventListener('input', () => { edited = true; });
	form.addEventListener('submit', e => { e.preventDefault(); act(save)(); });
	form.addEventListener('keydown', e => {
		if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); act(save)(); return; }
		if (e.altKey && (e.key === 'ArrowDown' || e.key === 'ArrowUp')) { e.preventDefault(); step(e.key === 'ArrowDown' ? 1 : -1); return; }
		if (e.key !== 'Enter' || e.target.tagName !== 'INPUT') return;
		e.preventDefault();	// Enter walks; in the last box it saves
		const all = boxes();
		const i = all.indexOf(e.target);
		if (i < all.length - 1) all[i + 1].focus();
		else act(save)();
	});
	const listKeys = e => {
		if (!list.contains(e.target)) return;
		if (e.key === 'ArrowDown' || e.key === 'j') { e.preventDefault(); step(1); }
		else if (e.key === 'ArrowUp' || e.key === 'k') { e.preventDefault(); step(-1); }
	};
	list.addEventListener('keydown', listKeys);

	const poll = pollQueue({
		sync, ms: POLL_MS, lost: t('vs.lost'),
		onEntries: list => { entries = list.filter(e => e.status === 'waiting'); drawList(); },
	});
	const refresh = poll.refresh;

	replace(root,
		pageHead(t('vs.title'), sync),
		h('div', { class: 'vitals-station' },
			h('section', { class: 'vitals-side' }, h('h2', {}, t('vs.waiting')), list, none),
			h('section', { class: 'vitals-main' }, form)),
		h('p', { class: 'hint' }, t('vs.hint')));
	refresh();
	return () => {
		poll.stop();
		list.removeEventListener('keydown', listKeys);
	};
}
