// rx.js — prescriptions in plain language and visit summaries, shared by the
// consultation screen, its printout and the patient's history.
import { h, fmtDate } from './ui.js';
import { t, tIn, lang } from './i18n.js';

export const DOSE_PRESETS = ['1-0-1', '1-1-1', '1-0-0', '0-0-1', '0-1-0', '1-1-1-1', 'SOS'];

// The pad's timing choices, in the screens' language (read when a screen module loads).
const TIMING_CODES = ['after_food', 'before_food', 'with_food', 'bedtime', 'empty_stomach'];
export const TIMINGS = [['', '—'], ...TIMING_CODES.map(c => [c, t(`timing.${c}`)])];

export const FORMS = ['tablet', 'capsule', 'syrup', 'drops', 'ointment', 'cream', 'injection', 'inhaler', 'sachet', 'gel', 'spray', 'powder'];

const SLOTS3 = ['morning', 'afternoon', 'night'];
const SLOTS4 = ['morning', 'afternoon', 'evening', 'night'];

const joinAnd = a => a.length < 2 ? a.join('') : `${a.slice(0, -1).join(', ')} and ${a[a.length - 1]}`;

// "101" → "1-0-1", "1111" → "1-1-1-1", "s"/"sos" → "SOS"; anything else unchanged.
export function normaliseDose(text) {
	const t = String(text || '').trim();
	if (/^[0-4½]{3,4}$/.test(t)) return t.split('').join('-');
	if (/^sos$|^s$/i.test(t)) return 'SOS';
	return t;
}

// "1-0-1" → "morning and night"; "2-0-1" → "2 in the morning and 1 at night";
// "1-1-1-1" → "four times a day (morning, afternoon, evening and night)"; "SOS" → "only when needed".
export function doseWords(dose) {
	const d = normaliseDose(dose);
	if (/^sos$/i.test(d)) return 'only when needed';
	const parts = d.split('-');
	if (parts.length < 3 || parts.length > 4 || !parts.every(p => /^(\d+(\.\d+)?|½|1\/2)$/.test(p))) return d;
	const slots = parts.length === 3 ? SLOTS3 : SLOTS4;
	const used = parts.map((p, i) => [p, slots[i]]).filter(([p]) => p !== '0');
	if (!used.length) return d;
	const allOne = used.every(([p]) => p === '1');
	const names = used.map(([p, s]) => allOne ? s : `${p} ${s === 'night' ? 'at night' : `in the ${s}`}`);
	if (allOne && used.length === 4) return `four times a day (${joinAnd(names)})`;
	return joinAnd(names);
}

// A timing in the English line of the prescription ("after food").
export function timingWords(code) {
	return TIMING_CODES.includes(code) ? tIn('en', `timing.${code}`).toLowerCase() : (code || '');
}

// "1-0-1 = morning and night, after food, 5 days"
export function rxLine(p) {
	const dose = normaliseDose(p.dose);
	const words = doseWords(dose);
	const rest = [timingWords(p.timing)];
	if (p.duration_days) rest.push(`${p.duration_days} day${Number(p.duration_days) === 1 ? '' : 's'}`);
	if (words !== dose) return `${dose} = ${[words, ...rest].filter(Boolean).join(', ')}`;
	return [dose, ...rest].filter(Boolean).join(', ');
}

// The line's dosing in the language its patient reads (the server writes it: "dosing" of
// docs/api.md §9), under the English line, for the patient; nothing for an English reader.
export function rxLocal(p) {
	const d = p.dosing;
	if (!d || !d.local || d.lang === 'en') return null;
	return h('div', { class: 'rx-local', lang: d.lang, 'data-testid': 'rx-local' }, d.local);
}

export const medicineName = p => [p.medicine, p.strength, p.form].filter(Boolean).join(' ');

// A visit is `draft` or `final` (docs/api.md §9); a final one is read-only.
export const isFinal = v => v.status === 'final';

// The vitals in one line, in CODE (English on the printout; the screens' language elsewhere).
export function vitalsLine(vt = {}, code = 'en') {
	const out = [];
	if (vt.bp_systolic || vt.bp_diastolic) out.push(tIn(code, 'rx.vl_bp', { s: vt.bp_systolic ?? '–', d: vt.bp_diastolic ?? '–' }));
	if (vt.pulse) out.push(tIn(code, 'rx.vl_pulse', { n: vt.pulse }));
	if (vt.temperature_c) out.push(tIn(code, 'rx.vl_temp', { n: vt.temperature_c }));
	if (vt.spo2) out.push(tIn(code, 'rx.vl_spo2', { n: vt.spo2 }));
	if (vt.weight_kg) out.push(tIn(code, 'rx.vl_wt', { n: vt.weight_kg }));
	if (vt.height_cm) out.push(tIn(code, 'rx.vl_ht', { n: vt.height_cm }));
	return out.join(' · ');
}

// One entry of the history timeline.
export function visitSummary(v, { href } = {}) {
	const dx = (v.diagnoses || []).map(d => d.text).filter(Boolean).join('; ');
	const rx = v.prescriptions || [];
	return h('article', { class: 'visit-card', 'data-testid': 'visit-card', 'data-id': v.id },
		h('header', {},
			href ? h('a', { href }, fmtDate(v.date)) : h('strong', {}, fmtDate(v.date)),
			isFinal(v) ? '' : h('span', { class: 'tag' }, t('rx.draft'))),
		v.complaint ? h('p', {}, h('b', {}, t('rx.co')), h('span', { translate: 'no' }, v.complaint)) : null,
		vitalsLine(v.vitals) ? h('p', { class: 'muted' }, vitalsLine(v.vitals, lang())) : null,
		dx ? h('p', {}, h('b', {}, t('rx.dx')), h('span', { translate: 'no' }, dx)) : null,
		// The prescription as written: English for the pharmacist, as on the printout.
		rx.length ? h('ul', { class: 'rx-mini', translate: 'no' }, rx.map(p => h('li', {}, `${medicineName(p)} — ${rxLine(p)}`))) : null,
		v.advice ? h('p', { class: 'muted', translate: 'no' }, v.advice) : null,
		v.follow_up_date ? h('p', { class: 'muted' }, t('rx.follow_up', { date: fmtDate(v.follow_up_date) })) : null);
}
