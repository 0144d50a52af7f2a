// consult.js — the doctor's consultation: patient header, history beside the
// form, vitals, complaint, notes, diagnoses, prescription pad, advice and
// follow-up. Every change is kept in localStorage at once and sent with PATCH
// (with version) ~1 s after typing stops or when a field loses focus, so a
// reload or a dropped connection loses nothing. Finalize → printable A5/A4
// prescription. A finalized visit opens straight into its printout. "Finish
// and next" finalizes, prints and opens the next patient in call order.
// Vitals (often the nurse's, already recorded) and history fold away so the
// pad sits above the fold.
import { api } from '../api.js';
import { h, $, $$, replace, notice, btn, field, clinicNo, input, select, textarea, searchList, debounce, toast, onKeys,
	setFieldError, clearErrors, fmtDate, todayISO, addDays, ageOf, sexLabel, act } from '../ui.js';
import { session, DRAFT_PREFIX } from '../session.js';
import { go } from '../nav.js';
import { DOSE_PRESETS, TIMINGS, FORMS, normaliseDose, isFinal, visitSummary } from '../rx.js';
import { VITALS, plainVitals, vitalsBrief } from '../shared/vitals.js';
import { callNextPatient, askFinishAndNext } from '../shared/queue-actions.js';
import { prescriptionSheet } from '../shared/prescription-sheet.js';
import { printFrame } from '../shared/print-sheet.js';
import { dateField } from '../shared/date-field.js';
import { t } from '../i18n.js';

const SAVE_DELAY_MS = 1000;
const RETRY_MS = 5000;

const RX_KEYS = ['medicine', 'strength', 'form', 'dose', 'timing', 'duration_days', 'instructions'];
const STATUS_TEXT = { saved: t('cs.saved'), saving: t('cs.saving'), offline: t('cs.offline'), error: t('cs.not_saved'), conflict: t('cs.not_saved') };

const searchMedicines = q => api.medicines(q);

// FIELD (a date field) with the quick-pick chips under its box, above its hint and error.
function withPresets(fieldEl, presets) {
	fieldEl.control.nextElementSibling.after(presets);	// after the date in words
	return fieldEl;
}

// ---------- the printout ----------

// The finalized visit V of patient P as its printed prescription (the same
// sheet as the print address #/print/prescription/<id>), on the clinic's paper.
function showPrint(page, v, p) {
	return printFrame(page, prescriptionSheet({ ...v, patient: p }), {
		title: t('cs.title_print', { name: p.name }), address: false,
		ids: { print: 'rx-print', paper: 'rx-paper' },
		actions: [btn(t('cs.patient'), () => go(`/patient/${p.id}`), { id: 'rx-patient' }),
			btn(t('cs.back'), () => go('/queue'), { id: 'rx-back', 'data-testid': 'rx-back' })],
	});
}

// ---------- the editor ----------

function vitalsFieldset() {
	const bmi = h('output', { id: 'consult-bmi', class: 'muted' });
	return h('fieldset', { class: 'vitals' }, h('legend', {}, t('cs.vitals')),
		VITALS.map(([k, label, unit, step]) => field(`${label} (${unit})`,
			input(k, { id: `consult-${k.replace(/_/g, '-')}`, type: 'number', step, inputmode: 'decimal', 'data-vital': k, 'data-testid': `consult-${k}` }))),
		h('div', { class: 'field' }, h('span', { class: 'label' }, t('cs.bmi')), bmi));
}

// The vitals box folds to one line (what was recorded, often by the nurse
// before the consultation) so that the prescription pad sits above the fold;
// it is open when nothing is recorded yet. Alt+V opens it.
function vitalsBox(fieldset, vitals) {
	const brief = vitalsBrief(vitals || {});
	const summary = h('summary', { id: 'consult-vitals-summary', 'data-testid': 'consult-vitals-summary' },
		h('b', {}, t('cs.vitals')), h('span', { class: 'muted' }, brief ? ` — ${brief}` : t('cs.none_recorded')));
	const box = h('details', { class: 'vitals-box', id: 'consult-vitals', 'data-testid': 'consult-vitals' }, summary, fieldset);
	box.open = !brief;
	fieldset.addEventListener('input', () => {
		const v = Object.fromEntries(VITALS.map(([k]) => [k, fieldset.elements[k].value.trim()]));
		summary.lastChild.textContent = vitalsBrief(v) ? ` — ${vitalsBrief(v)}` : t('cs.none_recorded');
	});
	return box;
}

// The history beside the form folds away too; the choice is remembered.
const HISTORY_OPEN = 'nd.consult.history';
function foldHistory(content) {
	const box = h('details', { class: 'history-box', id: 'consult-history-box', 'data-testid': 'consult-history-box' },
		h('summary', {}, h('b', {}, t('cs.history'))), content);
	box.open = localStorage.getItem(HISTORY_OPEN) !== 'closed';
	box.addEventListener('toggle', () => localStorage.setItem(HISTORY_OPEN, box.open ? 'open' : 'closed'));
	return box;
}

// "Finish and next" (Alt+N, or N outside a box): FINALIZE (which saves and
// shows the printout; false when it could not), print, then call the next
// patient in call order in and open that consultation.
async function finishAndNext(finalize) {
	if (!(await finalize())) return;
	window.print();
	await callNextPatient();
}

function updateBmi(form) {
	const w = Number(form.elements.weight_kg.value), ht = Number(form.elements.height_cm.value) / 100;
	$('#consult-bmi', form).textContent = w > 0 && ht > 0.3 ? (w / ht / ht).toFixed(1) : '—';
}

// A search answer in the drop-down: "Dolo 650 — Paracetamol 650 mg tablet"
// for a brand, "Paracetamol 650 mg tablet" for a generic (its allergy class
// in the tooltip).
function medicineOption(m) {
	const what = [m.name, m.strength, m.form].filter(Boolean).join(' ');
	const title = m.class ? `${(m.ingredients || []).join(' + ')}: ${m.class}` : null;
	return m.brand
		? h('span', { 'data-brand': m.brand, title }, h('b', {}, m.brand), h('span', { class: 'muted' }, ` — ${what}`))
		: h('span', { title }, m.name, m.strength || m.form ? h('span', { class: 'muted' }, ` ${[m.strength, m.form].filter(Boolean).join(' ')}`) : '');
}

// The warnings of the server (GET/PATCH answer's warnings, or finalize's
// conflicts) on the rows they name: INDEX counts the lines sent, which are
// the complete rows. An allergy shows the box for the override reason.
function showRxWarnings(rxBody, warnings = [], conflicts = []) {
	const sent = $$('tr', rxBody).filter(tr => { const m = readRx(tr); return m.medicine && m.dose; });
	for (const tr of $$('tr', rxBody)) {
		replace($('.rx-warn', tr));
		tr.classList.remove('rx-allergic', 'rx-duplicate');
		const o = $('.rx-override', tr);
		o.hidden = !o.value;
	}
	const mark = (i, kind, text) => {
		const tr = sent[i];
		if (!tr) return null;
		tr.classList.add(kind === 'allergy' ? 'rx-allergic' : 'rx-duplicate');
		$('.rx-warn', tr).append(h('div', { class: `rx-warn-${kind}`, 'data-kind': kind }, text));
		if (kind === 'allergy') $('.rx-override', tr).hidden = false;
		return tr;
	};
	for (const w of warnings) mark(w.index, w.kind === 'allergy' ? 'allergy' : 'duplicate', `${w.message}${w.overridden ? t('cs.reason_given') : ''}`);
	return conflicts.map(c => mark(c.index, 'allergy', t('cs.allergy_conflict', { allergy: c.allergy, medicine: c.medicine }))).filter(Boolean);
}

function rxRow(m = {}, onChange) {
	const med = input('rx_medicine', { class: 'rx-medicine', value: m.medicine || '', 'aria-label': t('cs.medicine'), placeholder: t('cs.medicine'), 'data-key': 'medicine' });
	const list = h('ul', { class: 'dropdown' });
	const strength = input('rx_strength', { class: 'rx-strength', value: m.strength || '', 'aria-label': t('cs.strength'), placeholder: t('cs.strength_hint'), 'data-key': 'strength' });
	const form = input('rx_form', { class: 'rx-form', value: m.form || '', list: 'rx-forms', 'aria-label': t('cs.form'), placeholder: t('cs.form_hint'), 'data-key': 'form' });
	const dose = input('rx_dose', { class: 'rx-dose', value: m.dose || '', 'aria-label': t('cs.dose'), placeholder: '1-0-1', 'data-key': 'dose' });
	const timing = select('rx_timing', TIMINGS, { class: 'rx-timing', 'aria-label': t('cs.timing'), 'data-key': 'timing' });
	timing.value = m.timing || '';
	const days = input('rx_days', { class: 'rx-days', value: m.duration_days ?? '', type: 'number', min: 1, max: 365, inputmode: 'numeric', 'aria-label': t('cs.days'), placeholder: t('cs.days_hint'), 'data-key': 'duration_days' });
	const instr = input('rx_instructions', { class: 'rx-instructions', value: m.instructions || '', 'aria-label': t('cs.instructions'), placeholder: t('cs.instructions_hint'), 'data-key': 'instructions' });
	// The brand the doctor picked (printed beside the generic), the allergy
	// warning of the line and the reason to prescribe it anyway.
	const brand = input('rx_brand', { type: 'hidden', value: m.brand || '', 'data-key': 'brand' });
	const brandTag = h('span', { class: 'rx-brand-tag', 'data-testid': 'rx-brand-tag' }, m.brand || '');
	const warn = h('div', { class: 'rx-warn', 'data-testid': 'rx-warning', 'aria-live': 'polite' });
	const override = input('rx_override', { class: 'rx-override', value: m.allergy_override || '', hidden: !m.allergy_override,
		'aria-label': t('cs.override'), placeholder: t('cs.override_hint'), 'data-key': 'allergy_override', 'data-testid': 'rx-override' });
	med.addEventListener('input', () => { brand.value = ''; brandTag.textContent = ''; });
	const presets = h('div', { class: 'presets' }, DOSE_PRESETS.map(d => h('button', {
		type: 'button', class: 'chip', tabindex: -1, 'data-dose': d, 'data-testid': 'rx-preset',
		onclick: () => { dose.value = d; onChange(); timing.focus(); },
	}, d)));
	dose.addEventListener('blur', () => {
		const n = normaliseDose(dose.value);
		if (n !== dose.value) { dose.value = n; onChange(); }
	});
	const tr = h('tr', { 'data-testid': 'rx-row' },
		h('td', { class: 'combo' }, med, list, brand, brandTag, warn, override), h('td', {}, strength), h('td', {}, form),
		h('td', {}, dose, presets), h('td', {}, timing), h('td', {}, days), h('td', {}, instr),
		h('td', {}, h('button', { type: 'button', class: 'btn small', 'aria-label': t('cs.remove_medicine'), 'data-testid': 'rx-remove', onclick: () => { tr.remove(); onChange(); } }, '✕')));
	searchList({
		input: med, list, dropdown: true, search: searchMedicines,
		render: medicineOption,
		// A pick brings its own strength and form (a brand's are on its pack):
		// never the strength a row had before.
		onPick: m2 => {
			med.value = m2.name;
			brand.value = m2.brand || '';
			brandTag.textContent = m2.brand || '';
			strength.value = m2.strength || '';
			form.value = m2.form || '';
			onChange();
			(strength.value ? dose : strength).focus();
		},
	});
	return tr;
}

function readRx(tr) {
	const o = {};
	for (const el of $$('[data-key]', tr)) {
		const k = el.dataset.key;
		let v = el.value.trim();
		if (k === 'dose') v = normaliseDose(v);
		if (k === 'duration_days') v = v === '' ? null : Number(v);
		if (v !== '' && v !== null) o[k] = v;
	}
	return o;
}

export async function render(root, { id }) {
	const page = h('div', { class: 'consult-page' }, notice(t('cs.loading')));
	root.append(page);
	let visit = await api.visit(id);
	const patient = visit.patient;	// every visit answer carries its patient
	const key = `${DRAFT_PREFIX}${visit.id}`;
	if (isFinal(visit)) {
		localStorage.removeItem(key);
		return showPrint(page, visit, patient);
	}

	let version = visit.version;
	let dirty = false, saving = null, edits = 0, retryTimer = null, finalized = false, leaveKeys = null;
	let history = [];

	// Restore the copy kept on this computer when it is newer than the server's.
	let data = visit;
	try {
		const local = JSON.parse(localStorage.getItem(key) || 'null');
		const serverTime = Date.parse(visit.updated_at || '') || 0;
		if (local?.dirty && Date.parse(local.editedAt) > serverTime) {
			data = { ...visit, ...local.data };
			dirty = true;
		} else if (local) {
			if (local.dirty) toast(t('cs.newer_elsewhere'), 'info');
			localStorage.removeItem(key);
		}
	} catch { localStorage.removeItem(key); }

	// --- layout ---
	const status = h('span', { id: 'consult-status', class: 'save-status', role: 'status', 'data-testid': 'consult-status' });
	const conflictBox = h('div', { class: 'notice notice-error', id: 'consult-conflict', role: 'alert', hidden: true });
	const form = h('form', { id: 'consult-form', class: 'consult-form', 'data-testid': 'consult-form', novalidate: true });
	const dxInput = input('dx_new', { id: 'consult-diagnosis-input', placeholder: t('cs.dx_hint'), 'data-testid': 'consult-diagnosis-input', 'aria-keyshortcuts': 'Alt+D' });
	const dxList = h('ul', { id: 'consult-diagnoses', class: 'chips', 'data-testid': 'consult-diagnoses', 'data-field': 'diagnoses' });
	const rxBody = h('tbody', { id: 'rx-rows' });
	// The review date typed day first whatever the browser's locale (a date box read 08/12 as 12 August
	// under en-US); 7/12 alone is the next 7 December, ArrowUp / ArrowDown a day on / back, and the
	// chips below fill it.
	const followUpField = dateField(t('cs.follow_up'), 'follow_up_date', { id: 'consult-follow-up', 'data-testid': 'consult-follow-up' }, { yearless: 'ahead' });
	const followUp = followUpField.control;
	// What is wrong with the typed review date (null: nothing; empty is no review).
	const followUpProblem = () => {
		const iso = followUp.iso();
		return iso === null ? t('date.day_first') : iso && iso < (visit.date || todayISO()) ? t('date.past') : null;
	};
	// Said under the box once the doctor leaves it (or finalizes), gone as soon as it reads well.
	const checkFollowUp = () => {
		const problem = followUpProblem();
		if (problem) setFieldError(form, 'follow_up_date', problem);
		else if (followUp.hasAttribute('aria-invalid')) { followUp.removeAttribute('aria-invalid'); $('#consult-follow-up-error', form).textContent = ''; }
		return !problem;
	};

	const dxItem = d => h('li', { class: 'chip', 'data-testid': 'diagnosis', 'data-text': d.text, 'data-code': d.code || '' },
		d.code ? `${d.text} (${d.code})` : d.text,
		h('button', { type: 'button', class: 'chip-x', 'aria-label': t('cs.remove_dx', { text: d.text }), onclick: e => { e.currentTarget.parentElement.remove(); changed(); } }, '✕'));
	const addDx = () => {
		const text = dxInput.value.trim();
		if (!text) return false;
		dxList.append(dxItem({ text }));
		dxInput.value = '';
		changed();
		return true;
	};
	const addRx = (m, focus = true) => {
		const tr = rxRow(m, changed);
		rxBody.append(tr);
		if (focus) $('.rx-medicine', tr).focus();
		return tr;
	};

	form.append(
		vitalsBox(vitalsFieldset(), data.vitals),
		// complaints and notes side by side: the prescription starts higher on a 1366x768 screen
		field(t('cs.complaints'), textarea('complaint', { id: 'consult-complaint', rows: 2, 'data-testid': 'consult-complaint' })),
		field(t('cs.notes'), textarea('notes', { id: 'consult-notes', rows: 2, 'data-testid': 'consult-notes' })),
		h('div', { class: 'field wide' }, h('label', { for: dxInput.id }, t('cs.diagnosis')),
			h('div', { class: 'inline' }, dxInput, btn(t('cs.add'), addDx, { id: 'consult-diagnosis-add', class: 'btn small' })), dxList,
			h('div', { class: 'field-error', id: 'consult-diagnoses-error' })),
		h('fieldset', { class: 'rx-pad wide' }, h('legend', {}, t('cs.rx')),
			h('table', { class: 'rx-edit', id: 'rx-table', 'data-testid': 'rx-table', 'data-field': 'prescriptions' },
				h('thead', {}, h('tr', {}, [t('cs.medicine'), t('cs.strength'), t('cs.form'), t('cs.dose'), t('cs.timing'), t('cs.days'), t('cs.instructions'), ''].map(t => h('th', { scope: 'col' }, t)))),
				rxBody),
			h('datalist', { id: 'rx-forms' }, FORMS.map(f => h('option', { value: f }))),
			h('div', { class: 'field-error', id: 'rx-error' }),
			h('div', { class: 'actions' },
				btn(t('cs.add_medicine'), () => addRx(), { id: 'rx-add', 'data-testid': 'rx-add', 'aria-keyshortcuts': 'Alt+M' }),
				btn(t('cs.repeat'), act(() => repeatLast()), { id: 'consult-repeat', 'data-testid': 'consult-repeat' })),
			h('p', { class: 'hint' }, t('cs.dose_hint'))),
		field(t('cs.advice'), textarea('advice', { id: 'consult-advice', rows: 2, 'data-testid': 'consult-advice' }), { wide: true }),
		withPresets(followUpField, h('div', { class: 'presets' }, [3, 5, 7, 15, 30].map(n => h('button', {
			type: 'button', class: 'chip', 'data-testid': `followup-plus-${n}`,
			onclick: () => { followUp.value = addDays(todayISO(), n); followUp.echo(); changed(); },
		}, n === 30 ? t('cs.plus_month') : t('cs.plus_days', { n }))))),
		h('div', { class: 'form-error wide', role: 'alert' }),
		h('div', { class: 'actions wide' },
			h('button', { type: 'button', class: 'btn', id: 'consult-save', 'data-testid': 'consult-save', 'aria-keyshortcuts': 'Control+S', onclick: () => save() }, t('cs.save_now')),
			h('button', { type: 'submit', class: 'btn primary', id: 'consult-finalize', 'data-testid': 'consult-finalize', 'aria-keyshortcuts': 'Control+Enter' }, t('cs.finalize')),
			h('button', { type: 'button', class: 'btn', id: 'consult-finish-next', 'data-testid': 'consult-finish-next', 'aria-keyshortcuts': 'Alt+N', onclick: e => next(e) }, t('cs.finish_next'))));

	const allergies = patient.allergies
		? h('div', { id: 'consult-allergies', class: 'allergy', 'data-testid': 'consult-allergies' }, t('cs.allergies', { a: '' }), h('span', { translate: 'no' }, patient.allergies))
		: h('div', { id: 'consult-allergies', class: 'muted', 'data-testid': 'consult-allergies' }, t('cs.no_allergies'));
	const historyBox = h('aside', { id: 'consult-history', class: 'history', 'data-testid': 'consult-history', 'aria-label': t('cs.previous') }, notice(t('cs.loading')));
	replace(page,
		h('div', { class: 'patient-banner', id: 'consult-patient', 'data-testid': 'consult-patient' },
			h('div', {}, h('h1', { translate: 'no' }, patient.name), h('span', { class: 'muted' },
				[ageOf(patient) !== null ? t('ui.years', { n: ageOf(patient) }) : '?', sexLabel(patient.sex), clinicNo(patient), patient.phone].filter(Boolean).join(' · '))),
			allergies, status),
		conflictBox,
		h('div', { class: 'consult-grid' }, form, foldHistory(historyBox)));

	// --- fill from data ---
	for (const [k] of VITALS) form.elements[k].value = data.vitals?.[k] ?? '';
	for (const k of ['complaint', 'notes', 'advice']) form.elements[k].value = data[k] || '';
	followUp.value = data.follow_up_date || '';
	followUp.echo();
	dxList.replaceChildren(...(data.diagnoses || []).map(dxItem));
	(data.prescriptions || []).forEach(m => addRx(m, false));
	if (!rxBody.children.length) addRx({}, false);
	updateBmi(form);
	if (!dirty) showRxWarnings(rxBody, visit.warnings);

	// --- saving ---
	// forServer: only complete medicine lines (the server needs medicine and dose);
	// the copy on this computer keeps half-typed lines too.
	const collect = (forServer = false) => {
		const vitals = {};
		for (const [k] of VITALS) {
			const v = form.elements[k].value.trim();
			vitals[k] = v === '' ? null : Number(v);
		}
		return {
			complaint: form.elements.complaint.value.trim(),
			vitals,
			notes: form.elements.notes.value.trim(),
			diagnoses: $$('li[data-text]', dxList).map(li => li.dataset.code ? { text: li.dataset.text, code: li.dataset.code } : { text: li.dataset.text }),
			prescriptions: $$('tr', rxBody).map(readRx).filter(m => forServer ? m.medicine && m.dose : Object.keys(m).length),
			advice: form.elements.advice.value.trim(),
			// the server gets a date only once it reads well (until then it keeps the last one); the
			// copy on this computer keeps the typing as it is
			...(forServer && followUpProblem() ? {} : { follow_up_date: followUp.iso() || (forServer ? null : followUp.value.trim() || null) }),
		};
	};
	const keepLocal = () => {
		try {
			const data = collect();
			// Half-typed medicine lines never reach the server, so the local copy stays "dirty".
			const pending = dirty || data.prescriptions.some(m => !(m.medicine && m.dose));
			localStorage.setItem(key, JSON.stringify({ dirty: pending, editedAt: new Date().toISOString(), version, data }));
		} catch { /* storage full: the server copy is still being saved */ }
	};
	const setStatus = (state, detail = '') => {
		status.dataset.state = state;
		status.textContent = detail ? `${STATUS_TEXT[state]}: ${detail}` : STATUS_TEXT[state];
	};
	const later = debounce(() => save(), SAVE_DELAY_MS);
	function changed() {
		if (finalized) return;
		dirty = true;
		edits++;
		keepLocal();
		setStatus('saving');
		later();
	}

	const showFieldError = err => {
		const f = String(err.field || '').replace(/^vitals\./, '');
		const m = /^prescriptions(?:\[|\.)(\d+)\]?\.?(\w+)?/.exec(f);
		if (m) {
			const row = rxBody.children[Number(m[1])];
			const el = row && m[2] ? $(`[data-key="${m[2]}"]`, row) : null;
			el?.setAttribute('aria-invalid', 'true');
			$('#rx-error', form).textContent = t('cs.rx_line_error', { n: Number(m[1]) + 1, msg: err.message });
			return;
		}
		const target = { follow_up_date: 'follow_up_date', diagnoses: 'diagnoses', prescriptions: 'prescriptions' }[f] || f;
		if (target === 'diagnoses') { $('#consult-diagnoses-error', form).textContent = err.message; return; }
		if (target === 'prescriptions') { $('#rx-error', form).textContent = err.message; return; }
		if (!setFieldError(form, target, err.message)) $('.form-error', form).textContent = err.message;
	};

	// save() → true when the server has everything typed so far.
	async function save() {
		later.cancel();
		clearTimeout(retryTimer);
		if (finalized) return true;
		if (saving) { await saving; return dirty ? save() : true; }
		if (!dirty) { setStatus('saved'); return true; }
		const mark = edits;
		saving = (async () => {
			setStatus('saving');
			try {
				const r = await api.saveVisit(visit.id, { ...collect(true), version });
				version = r.version;
				showRxWarnings(rxBody, r.warnings);
				clearErrors(form);
				if (document.activeElement !== followUp) checkFollowUp();	// still not a date: keep saying so
				if (edits === mark) dirty = false;
				keepLocal();
				setStatus(dirty ? 'saving' : 'saved');
				if (dirty) later();
			} catch (err) {
				keepLocal();
				if (err.status === 0) {
					setStatus('offline');
					retryTimer = setTimeout(save, RETRY_MS);
				} else if (err.status === 409) {
					setStatus('conflict', 'changed elsewhere');
					replace(conflictBox, t('cs.kept', { msg: err.message }),
						btn(t('cs.reload'), () => { localStorage.removeItem(key); location.reload(); }, { id: 'consult-reload', class: 'btn small' }));
					conflictBox.hidden = false;
				} else {
					err.message = plainVitals(err.message);
					setStatus('error', err.message);
					if (err.status === 422 || err.status === 400) showFieldError(err);
					else retryTimer = setTimeout(save, RETRY_MS);
				}
			}
		})();
		try { await saving; } finally { saving = null; }
		return !dirty;
	}

	// Lines the server would not take: a medicine without a dose or the reverse.
	const incompleteRx = () => {
		$('#rx-error', form).textContent = '';
		const rows = $$('tr', rxBody);
		for (const [i, tr] of rows.entries()) {
			const m = readRx(tr);
			if (!Object.keys(m).length) continue;
			const missing = !m.medicine ? 'medicine' : !m.dose ? 'dose' : null;
			if (missing) {
				$(`[data-key="${missing}"]`, tr).setAttribute('aria-invalid', 'true');
				$(`[data-key="${missing}"]`, tr).focus();
				$('#rx-error', form).textContent = t(`cs.missing_${missing}`, { n: i + 1 });
				return true;
			}
		}
		return false;
	};

	// finalize() → true once the visit is final and its printout shown.
	async function finalize() {
		if (incompleteRx()) return false;
		if (!checkFollowUp()) { followUp.focus(); return false; }
		if (!(await save())) { toast(t('cs.not_finalized'), 'error'); return false; }
		try {
			visit = await api.finalize(visit.id);
		} catch (err) {
			if (err.code !== 'allergy_conflict') throw err;
			const rows = showRxWarnings(rxBody, [], err.conflicts || []);
			$('#rx-error', form).textContent = err.message;
			$('.rx-override', rows[0] || rxBody)?.focus();
			return false;
		}
		finalized = true;
		localStorage.removeItem(key);
		toast(t('cs.finalized'), 'ok');
		leaveKeys?.();
		printKeys = showPrint(page, visit, patient);
		return true;
	}
	// Finish and next; once final (the printout shown), only the next. The
	// single key N asks first (Alt+N and the button do not): one key must not
	// finalize a visit by accident.
	const next = act(() => finalized ? callNextPatient() : finishAndNext(finalize));
	const nextKeys = onKeys({ n: () => (finalized ? Promise.resolve(true) : askFinishAndNext()).then(ok => ok && next()) });

	async function repeatLast() {
		const last = history[0];	// the newest finalized visit
		if (!last) { toast(t('cs.no_earlier')); return; }
		const rx = last.prescriptions;
		if (!rx.length) { toast(t('cs.no_medicines', { date: fmtDate(last.date) })); return; }
		for (const tr of $$('tr', rxBody)) if (!readRx(tr).medicine) tr.remove();
		rx.forEach(m => addRx(m, false));
		changed();
		toast(t(rx.length > 1 ? 'cs.copied' : 'cs.copied_one', { n: rx.length, date: fmtDate(last.date) }), 'ok');
	}

	// --- events ---
	form.addEventListener('input', e => {
		if (e.target === dxInput) return;
		if (e.target.dataset.vital) updateBmi(form);
		changed();
	});
	form.addEventListener('change', e => {
		if (e.target === followUp) checkFollowUp();
		if (e.target.tagName === 'SELECT') changed();
	});
	followUp.addEventListener('input', () => { if (followUp.hasAttribute('aria-invalid')) checkFollowUp(); });
	form.addEventListener('focusout', () => { if (dirty && later.pending()) save(); });
	form.addEventListener('submit', e => { e.preventDefault(); act(finalize)(e); });
	form.addEventListener('keydown', e => {
		if (e.key !== 'Enter' || e.ctrlKey || e.metaKey || e.defaultPrevented) return;
		if (e.target === dxInput) { e.preventDefault(); addDx(); return; }
		const tr = e.target.closest('tr[data-testid=rx-row]');
		if (tr) {	// Enter walks along the row; on the last box it opens a new row
			e.preventDefault();
			const boxes = $$('[data-key]', tr).filter(b => b.type !== 'hidden' && !b.hidden);
			const i = boxes.indexOf(e.target);
			if (i >= 0 && i < boxes.length - 1) boxes[i + 1].focus();
			else addRx();
			return;
		}
		if (e.target.tagName === 'INPUT') e.preventDefault();	// plain Enter must not finalize
	});
	const pageKeys = e => {
		if (finalized || document.querySelector('dialog[open]')) return;
		const k = e.key.toLowerCase();
		if ((e.ctrlKey || e.metaKey) && k === 's') { e.preventDefault(); save(); }
		else if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') { e.preventDefault(); form.requestSubmit(); }
		else if (e.altKey && k === 'm') { e.preventDefault(); addRx(); }
		else if (e.altKey && k === 'd') { e.preventDefault(); dxInput.focus(); }
		else if (e.altKey && k === 'v') { e.preventDefault(); $('#consult-vitals', form).open = true; form.elements.bp_systolic.focus(); }
		else if (e.altKey && k === 'n') { e.preventDefault(); next(); }
	};
	document.addEventListener('keydown', pageKeys);
	leaveKeys = () => document.removeEventListener('keydown', pageKeys);
	const online = () => { if (dirty) save(); };
	addEventListener('online', online);
	let printKeys = null;

	// --- history ---
	(async () => {
		try {
			history = (await api.visits(patient.id)).visits;	// finalized ones: never this draft
			replace(historyBox, history.length
				? history.map(v => visitSummary(v, { href: `#/consult/${v.id}` }))
				: notice(t('cs.first_visit')));
		} catch (err) {
			replace(historyBox, notice(err.message, 'error'));
		}
	})();

	if (dirty) { toast(t('cs.restored'), 'info'); save(); }
	else setStatus('saved');
	(form.elements.complaint.value ? $('.rx-medicine', rxBody) : $('#consult-vitals', form).open ? form.elements.bp_systolic : form.elements.complaint).focus();

	return () => {
		leaveKeys();
		nextKeys();
		printKeys?.();
		removeEventListener('online', online);
		clearTimeout(retryTimer);
		if (dirty && !finalized) save();	// the local copy stays until the server has it
	};
}
