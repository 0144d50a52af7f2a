// ui.js — small DOM helpers shared by every screen: element builder, toasts,
// dialogs, forms with inline server errors, search lists with keyboard
// navigation, and formatting of money, dates and times for the clinic.
import { session } from './session.js';
import { t, tIn, lang } from './i18n.js';

// ---------- elements ----------

// h('div', {class: 'x', onclick: fn, 'data-testid': 't'}, child, 'text', [more])
const PROPS = new Set(['value', 'checked', 'disabled', 'hidden', 'selected', 'readOnly', 'required', 'multiple']);
export function h(tag, attrs = {}, ...children) {
	const el = document.createElement(tag);
	for (const [k, v] of Object.entries(attrs || {})) {
		if (v === undefined || v === null || v === false && !PROPS.has(k)) continue;
		if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
		else if (k === 'text') el.textContent = v;
		else if (k === 'class') el.className = v;
		else if (k === 'for') el.htmlFor = v;
		else if (PROPS.has(k)) el[k] = v;
		else el.setAttribute(k, v === true ? '' : v);
	}
	append(el, children);
	return el;
}

function append(el, children) {
	for (const c of children.flat(Infinity)) {
		if (c === null || c === undefined || c === false) continue;
		el.append(c instanceof Node ? c : String(c));
	}
}

export const $ = (sel, root = document) => root.querySelector(sel);
export const $$ = (sel, root = document) => [...root.querySelectorAll(sel)];

export function replace(el, ...children) {
	el.replaceChildren();
	append(el, children);
	return el;
}

export function debounce(fn, ms) {
	let t = null;
	const d = (...args) => { clearTimeout(t); t = setTimeout(() => { t = null; fn(...args); }, ms); };
	d.cancel = () => { clearTimeout(t); t = null; };
	d.pending = () => t !== null;
	return d;
}

// ---------- toasts and messages ----------

export function toast(message, kind = 'info', ms = kind === 'error' ? 7000 : 3500) {
	const box = document.getElementById('toasts');
	if (!box) return;
	const t = h('div', { class: `toast toast-${kind}`, role: kind === 'error' ? 'alert' : 'status', 'data-testid': 'toast' }, message);
	box.append(t);
	setTimeout(() => t.remove(), ms);
}

// A page-level message block (loading failures, empty states).
export function notice(message, kind = 'info') {
	return h('p', { class: `notice notice-${kind}`, role: kind === 'error' ? 'alert' : null }, message);
}

// ---------- dialogs ----------

// dialog({title, body, ok, cancel, testid}) → Promise<boolean>. One Esc cancels (from any field), Enter
// in a field confirms.
// If onOk is given it runs before closing; throwing keeps the dialog open (errors shown by the caller).
export function dialog({ title, body, ok = t('ui.ok'), cancel = t('ui.cancel'), testid = 'dialog', onOk = null, danger = false }) {
	return new Promise(resolve => {
		const form = h('form', { method: 'dialog', class: 'dialog-form', novalidate: true });
		const okBtn = h('button', { type: 'submit', class: danger ? 'btn danger' : 'btn primary', id: 'dialog-ok', 'data-testid': 'dialog-ok' }, ok);
		const cancelBtn = cancel ? h('button', { type: 'button', class: 'btn', id: 'dialog-cancel', 'data-testid': 'dialog-cancel' }, cancel) : null;
		const dlg = h('dialog', { class: 'dialog', 'data-testid': testid, 'aria-labelledby': 'dialog-title' },
			form);
		form.append(h('h2', { id: 'dialog-title' }, title), body || '', h('div', { class: 'form-error', role: 'alert' }),
			h('div', { class: 'actions' }, okBtn, cancelBtn));
		let done = false;
		const finish = v => { if (done) return; done = true; dlg.close(); dlg.remove(); resolve(v); };
		cancelBtn?.addEventListener('click', () => finish(false));
		dlg.addEventListener('cancel', e => { e.preventDefault(); finish(false); });
		// One Escape closes the dialog, wherever the focus is: caught on the way down (capture),
		// before a search box clears itself or a drop-down closes (those took one press each).
		dlg.addEventListener('keydown', e => {
			if (e.key !== 'Escape' || e.isComposing) return;
			e.preventDefault();
			e.stopPropagation();
			finish(false);
		}, true);
		form.addEventListener('submit', async e => {
			e.preventDefault();
			if (onOk) {
				okBtn.disabled = true;
				try { await onOk(form); } catch (err) { showErrors(form, err); okBtn.disabled = false; return; }
			}
			finish(true);
		});
		document.body.append(dlg);
		dlg.showModal();
		(form.querySelector('input, select, textarea') || okBtn).focus();
	});
}

// ---------- forms ----------

let uid = 0;
// field(label, control, {hint, wide}) — a label tied to its control plus a slot for its error.
export function field(label, control, { hint, wide = false } = {}) {
	if (!control.id) control.id = `f${++uid}`;
	const err = h('div', { class: 'field-error', id: `${control.id}-error`, 'aria-live': 'polite' });
	control.setAttribute('aria-describedby', err.id);
	return h('div', { class: wide ? 'field wide' : 'field' },
		h('label', { for: control.id }, label),
		control,
		hint ? h('div', { class: 'hint' }, hint) : null,
		err);
}

export function input(name, attrs = {}) {
	return h('input', { name, type: 'text', autocomplete: 'off', ...attrs });
}

export function select(name, options, attrs = {}) {
	// options: [[value, label], …]
	return h('select', { name, ...attrs },
		options.map(([v, l]) => h('option', { value: v }, l)));
}

export function textarea(name, attrs = {}) {
	return h('textarea', { name, rows: 2, ...attrs });
}

function controlFor(form, name) {
	if (!name) return null;
	const esc = CSS.escape(name);
	return form.querySelector(`[name="${esc}"]`) || form.querySelector(`[data-field="${esc}"]`);
}

export function setFieldError(form, name, message) {
	const c = controlFor(form, name);
	if (!c) return false;
	const slot = c.closest('.field')?.querySelector('.field-error');
	c.setAttribute('aria-invalid', 'true');
	if (slot) slot.textContent = message;
	return true;
}

export function clearErrors(form) {
	for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
	for (const el of form.querySelectorAll('.field-error, .form-error')) el.textContent = '';
}

// Show an ApiError (or a plain Error / {field: message} map) inside the form.
export function showErrors(form, err) {
	clearErrors(form);
	const general = form.querySelector('.form-error');
	if (err && !(err instanceof Error) && typeof err === 'object') {	// local validation map
		let first = null;
		for (const [name, msg] of Object.entries(err)) {
			if (setFieldError(form, name, msg) && !first) first = controlFor(form, name);
		}
		first?.focus();
		return;
	}
	const msg = err?.message || t('ui.went_wrong');
	if (err?.field && setFieldError(form, err.field, msg)) {
		controlFor(form, err.field).focus();
		return;
	}
	if (general) general.textContent = msg;
	else toast(msg, 'error');
}

// Values of named controls; checkboxes become booleans, everything else trimmed strings.
export function formValues(form) {
	const v = {};
	for (const el of form.elements) {
		if (!el.name || el.disabled) continue;
		if (el.type === 'checkbox') v[el.name] = el.checked;
		else if (el.type === 'radio') { if (el.checked) v[el.name] = el.value; }
		else v[el.name] = el.value.trim();
	}
	return v;
}

export function setValues(form, values) {
	for (const el of form.elements) {
		if (!el.name || !(el.name in values)) continue;
		const val = values[el.name];
		if (el.type === 'checkbox') el.checked = !!val;
		else if (el.type === 'radio') el.checked = el.value === val;
		else el.value = val ?? '';
		el.echo?.();
	}
}

// bindForm(form, {submit(values), cancel(), validate(values) → {field: msg}|null, draftKey})
//   Enter submits (Ctrl+Enter inside a textarea), Esc cancels. Errors go next to the field
//   the server names; the form is never cleared on error. With draftKey, what is typed is
//   kept in sessionStorage until a successful submit, so a reload or re-login loses nothing.
export function bindForm(form, { submit, cancel, validate, draftKey } = {}) {
	form.noValidate = true;
	if (!form.querySelector('.form-error')) form.append(h('div', { class: 'form-error', role: 'alert' }));
	if (draftKey) {
		try {
			const saved = JSON.parse(sessionStorage.getItem(draftKey) || 'null');
			if (saved) setValues(form, saved);
		} catch { /* ignore a broken draft */ }
		form.addEventListener('input', () => sessionStorage.setItem(draftKey, JSON.stringify(formValues(form))));
	}
	let busy = false;
	form.addEventListener('submit', async e => {
		e.preventDefault();
		if (busy) return;
		const values = formValues(form);
		const problems = validate ? validate(values) : null;
		if (problems && Object.keys(problems).length) { showErrors(form, problems); return; }
		clearErrors(form);
		busy = true;
		form.classList.add('busy');
		const buttons = [...form.querySelectorAll('button[type=submit]')];
		buttons.forEach(b => { b.disabled = true; });
		try {
			// submit() returning false means "not finished yet" (e.g. asked a question): keep the draft.
			if (await submit(values, e.submitter) !== false && draftKey) sessionStorage.removeItem(draftKey);
		} catch (err) {
			showErrors(form, err);
		} finally {
			busy = false;
			form.classList.remove('busy');
			buttons.forEach(b => { b.disabled = false; });
		}
	});
	form.addEventListener('keydown', e => {
		if (e.key === 'Escape' && cancel) {
			// Let an open autocomplete list close first.
			if (e.defaultPrevented) return;
			e.preventDefault();
			cancel();
		} else if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && e.target.tagName === 'TEXTAREA') {
			e.preventDefault();
			form.requestSubmit();
		}
	});
	return form;
}

export function clearDraft(key) { sessionStorage.removeItem(key); }

// ---------- keyboard ----------

export function isTyping(e) {
	const t = e.target;
	return t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
}

// onKeys({'n': fn, 'ArrowDown': fn}) — screen shortcuts, ignored while typing in a field,
// with a modifier held, or while a dialog is open. Returns the function that removes them.
export function onKeys(map) {
	const handler = e => {
		if (e.ctrlKey || e.metaKey || e.altKey || isTyping(e) || document.querySelector('dialog[open]')) return;
		if ((e.key === 'Enter' || e.key === ' ') && e.target.closest?.('button, a, summary')) return;	// let the focused control act
		const fn = map[e.key] || map[e.key.toLowerCase()];
		if (fn) { e.preventDefault(); fn(e); }
	};
	document.addEventListener('keydown', handler);
	return () => document.removeEventListener('keydown', handler);
}

// searchList({input, list, search(q) → Promise<items>, render(item) → Node, onPick(item), dropdown})
//   Search as you type (150 ms debounce), answers that arrive after a newer query are
//   dropped, ArrowUp/ArrowDown move, Enter picks, Esc closes a dropdown.
export function searchList({ input, list, search, render, onPick, dropdown = false, minLength = 1, emptyText = t('ui.no_matches') }) {
	let items = [];
	let active = -1;
	let seq = 0;
	list.setAttribute('role', 'listbox');
	if (!list.id) list.id = `list${++uid}`;
	input.setAttribute('role', 'combobox');
	input.setAttribute('aria-controls', list.id);
	input.setAttribute('aria-autocomplete', 'list');
	input.setAttribute('aria-expanded', 'false');

	const show = on => {
		if (dropdown) list.hidden = !on;
		input.setAttribute('aria-expanded', on ? 'true' : 'false');
	};
	const highlight = i => {
		active = i;
		[...list.children].forEach((li, j) => {
			li.classList.toggle('active', j === i);
			li.setAttribute('aria-selected', j === i ? 'true' : 'false');
			if (j === i) { li.scrollIntoView({ block: 'nearest' }); input.setAttribute('aria-activedescendant', li.id); }
		});
	};
	const pick = i => {
		if (i < 0 || i >= items.length) return;
		show(false);
		onPick(items[i]);
	};
	const draw = (q) => {
		list.replaceChildren(...items.map((it, i) => h('li', {
			id: `${list.id}-${i}`, role: 'option', class: 'option', 'data-index': i,
			onmousedown: e => e.preventDefault(),	// keep focus in the input
			onclick: () => pick(i),
		}, render(it))));
		if (!items.length && q) list.append(h('li', { class: 'option empty', 'aria-disabled': 'true' }, emptyText));
		highlight(items.length ? 0 : -1);
		show(items.length > 0 || !!q);
	};
	const run = async () => {
		const q = input.value.trim();
		const mine = ++seq;
		if (q.length < minLength) { items = []; draw(''); show(false); return; }
		list.classList.add('loading');
		try {
			const got = await search(q);
			if (mine !== seq) return;	// a newer query has been sent
			items = got || [];
			draw(q);
		} catch (err) {
			if (mine !== seq) return;
			items = [];
			list.replaceChildren(h('li', { class: 'option empty', role: 'alert' }, err.message));
			show(true);
		} finally {
			if (mine === seq) list.classList.remove('loading');
		}
	};
	const later = debounce(run, 150);
	input.addEventListener('input', later);
	input.addEventListener('keydown', e => {
		if (e.key === 'ArrowDown') { e.preventDefault(); if (items.length) highlight(Math.min(active + 1, items.length - 1)); }
		else if (e.key === 'ArrowUp') { e.preventDefault(); if (items.length) highlight(Math.max(active - 1, 0)); }
		else if (e.key === 'Enter') {
			if (later.pending()) { later.cancel(); e.preventDefault(); run().then(() => pick(active)); return; }
			if (active >= 0 && (!dropdown || !list.hidden)) { e.preventDefault(); pick(active); }
		} else if (e.key === 'Escape' && dropdown && !list.hidden) {
			e.preventDefault();
			show(false);
		}
	});
	if (dropdown) {
		list.hidden = true;
		input.addEventListener('blur', () => setTimeout(() => show(false), 150));
	}
	return { refresh: run, clear() { input.value = ''; items = []; draw(''); show(false); } };
}

// ---------- formatting ----------

const moneyFmt = new Intl.NumberFormat('en-IN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
export function money(paise) {
	const n = Number(paise) || 0;
	return `₹${moneyFmt.format(n / 100)}`;
}

// "150", "150.5", "1,500.00" → paise (integer) or null when not a valid amount.
export function rupeesToPaise(text) {
	const s = String(text ?? '').replace(/[₹,\s]/g, '');
	const m = /^(\d{1,7})(?:\.(\d{1,2}))?$/.exec(s);
	if (!m) return null;
	return Number(m[1]) * 100 + Number((m[2] || '').padEnd(2, '0'));
}

export const paiseToRupees = p => (p === null || p === undefined || p === '') ? '' : (Number(p) / 100).toFixed(2);

function parts(date, opts) {
	const o = {};
	for (const p of new Intl.DateTimeFormat('en-GB', { timeZone: session.tz, ...opts }).formatToParts(date)) o[p.type] = p.value;
	return o;
}

// YYYY-MM-DD of "now" (or a Date) in the clinic's time zone.
export function todayISO(date = new Date()) {
	const p = parts(date, { year: 'numeric', month: '2-digit', day: '2-digit' });
	return `${p.year}-${p.month}-${p.day}`;
}

export function addDays(iso, n) {
	const d = new Date(`${iso}T00:00:00Z`);
	d.setUTCDate(d.getUTCDate() + n);
	return d.toISOString().slice(0, 10);
}

// DD/MM/YYYY for a YYYY-MM-DD date or an ISO timestamp (shown in the clinic's zone).
export function fmtDate(value) {
	if (!value) return '';
	const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
	if (m) return `${m[3]}/${m[2]}/${m[1]}`;
	const d = new Date(value);
	if (isNaN(d)) return String(value);
	const p = parts(d, { year: 'numeric', month: '2-digit', day: '2-digit' });
	return `${p.day}/${p.month}/${p.year}`;
}

// A clock time as the screens' language writes it: "6:36 pm", "மாலை 6:36", "शाम 6:36".
function clock(hr, min) {
	const period = hr >= 4 && hr < 12 ? 'morning' : hr >= 12 && hr < 16 ? 'afternoon' : hr >= 16 && hr < 19 ? 'evening' : 'night';
	return t('ui.time', { h: hr % 12 || 12, m: String(min).padStart(2, '0'), ampm: hr < 12 ? 'am' : 'pm', period: t(`ui.period_${period}`) });
}

export function fmtTime(value) {
	if (!value) return '';
	const d = new Date(value);
	if (isNaN(d)) return String(value);
	const p = parts(d, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
	return clock(Number(p.hour) % 24, Number(p.minute));
}

export const fmtDateTime = v => v ? `${fmtDate(v)} ${fmtTime(v)}` : '';

// "14:30" → "2:30 pm"
export function fmtClock(hhmm) {
	const m = /^(\d{1,2}):(\d{2})/.exec(hhmm || '');
	if (!m) return hhmm || '';
	return clock(Number(m[1]), Number(m[2]));
}

export function ageOf(p) {
	if (!p) return null;
	if (p.dob) {
		const [y, mo, d] = p.dob.split('-').map(Number);
		const [ty, tm, td] = todayISO().split('-').map(Number);
		let age = ty - y;
		if (tm < mo || tm === mo && td < d) age--;
		return age;
	}
	return p.age_years ?? null;
}

export const sexLabel = (s, code = lang()) => ['M', 'F', 'O'].includes(s) ? tIn(code, `ui.sex_${s}`) : s || '';

// "34 y / F" (in CODE, the screens' language by default; printouts pass theirs)
export function ageSex(p, code = lang()) {
	const a = ageOf(p);
	return [a !== null && a !== undefined ? tIn(code, 'ui.years', { n: a }) : null,
		['M', 'F', 'O'].includes(p?.sex) ? tIn(code, `ui.sex_short_${p.sex}`) : p?.sex || null].filter(Boolean).join(' / ');
}

// "12 · 34 y / F" — clinic number and age/sex, leaving out what is unknown.
// Clinic numbers are plain integers on the server: show them as "No. 12".
export const clinicNo = (p, code = lang()) => (p?.clinic_no === null || p?.clinic_no === undefined || p?.clinic_no === '') ? '' : tIn(code, 'ui.clinic_no', { n: p.clinic_no });

export const patientMeta = p => [clinicNo(p), ageSex(p)].filter(x => x !== null && x !== undefined && x !== '').join(' · ');

export function fmtBytes(n) {
	if (n === null || n === undefined || n === '') return '';
	const u = ['B', 'KB', 'MB', 'GB', 'TB'];
	let i = 0, v = Number(n);
	while (v >= 1024 && i < u.length - 1) { v /= 1024; i++; }
	return `${v.toFixed(i ? 1 : 0)} ${t(`ui.unit_${u[i]}`)}`;
}

// ---------- shared pieces ----------

// A page heading with optional actions on the right.
export function pageHead(title, ...actions) {
	return h('div', { class: 'page-head' }, h('h1', {}, title), h('div', { class: 'page-actions' }, actions));
}

export function btn(label, onclick, attrs = {}) {
	return h('button', { type: 'button', class: 'btn', onclick, ...attrs }, label);
}

// Wrap an async action for a button: disable while running, toast the error.
export function act(fn) {
	return async e => {
		const b = e?.currentTarget instanceof HTMLButtonElement ? e.currentTarget : null;
		if (b) b.disabled = true;
		try { await fn(e); } catch (err) { toast(err.message, 'error'); } finally { if (b) b.disabled = false; }
	};
}

const ONES = ['', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve',
	'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
function words99(n) { return n < 20 ? ONES[n] : `${TENS[Math.floor(n / 10)]}${n % 10 ? `-${ONES[n % 10]}` : ''}`; }
function wordsIndian(n) {
	const out = [];
	for (const [size, name] of [[10000000, 'crore'], [100000, 'lakh'], [1000, 'thousand'], [100, 'hundred']]) {
		if (n >= size) { out.push(`${wordsIndian(Math.floor(n / size))} ${name}`); n %= size; }
	}
	if (n) out.push(words99(n));
	return out.join(' ');
}
// 15050 → "Rupees one hundred fifty and fifty paise only"
export function amountInWords(paise) {
	const r = Math.floor(paise / 100), p = paise % 100;
	const s = `Rupees ${r ? wordsIndian(r) : 'zero'}${p ? ` and ${words99(p)} paise` : ''} only`;
	return s.charAt(0).toUpperCase() + s.slice(1);
}
