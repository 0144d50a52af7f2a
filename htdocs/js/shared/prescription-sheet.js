// prescription-sheet.js — the printed prescription, drawn from what
// GET /api/visits/{id}/prescription answers (a finalized visit has the same
// members): patient, date, vitals, allergies, diagnoses, the medicines (the
// generic with the brand beside it, and how to take each), advice, review
// date, and the doctor's signature; never the notes or the complaint.
// The consultation screen (after finalizing) and the print address
// #/print/prescription/<id> both draw it; its paper and margins are
// print-sheet.js's.
import { h, fmtDate, ageSex } from '../ui.js';
import { rxLine, rxLocal, vitalsLine } from '../rx.js';
import { tIn } from '../i18n.js';
import { session } from '../session.js';
import { sheet } from './print-sheet.js';

// The one place a line's "how to take it" is written on paper
// ("1-0-1 = morning and night, after food, 5 days"), and below it the same
// in the language the patient reads (the line's dosing.local, when the
// server wrote one).
export function rxDoseLine(m) {
	return [h('div', { class: 'rx-how' }, rxLine(m)), rxLocal(m)];
}

// "Paracetamol 650 mg tablet" and the brand beside it ("Dolo 650").
export function rxMedicine(m) {
	return [h('span', { class: 'rx-generic' }, [m.medicine, m.strength, m.form].filter(Boolean).join(' ')),
		m.brand ? h('span', { class: 'rx-brand', 'data-testid': 'rx-brand' }, ` (${m.brand})`) : null];
}

const dxText = dx => (dx || []).map(d => d.code ? `${d.text} (${d.code})` : d.text).join('; ');

// The sheet of prescription RX ({date, vitals, diagnoses, prescriptions,
// advice, follow_up_date, patient, doctor?}); PREFS (optional) overrides the
// clinic's print settings, S its letterhead settings (the settings preview).
export function prescriptionSheet(rx, { prefs, settings = session.settings } = {}) {
	const p = rx.patient || {};
	const meds = rx.prescriptions || [];
	const vit = vitalsLine(rx.vitals || {});
	const dx = dxText(rx.diagnoses);
	const doctor = settings.doctor_name || rx.doctor?.name || '';
	const el = sheet({ kind: 'prescription', runningHead: p.name || '', ...(prefs ? { prefs } : {}), settings });
	el.append(
		h('div', { class: 'rx-patient', 'data-testid': 'rx-patient' },
			h('div', { class: 'rx-name' }, h('b', {}, 'Name: '), p.name || ''),
			h('div', {}, h('b', {}, 'Age/Sex: '), ageSex(p)),
			h('div', {}, h('b', {}, 'No. '), p.clinic_no ?? ''),
			h('div', {}, h('b', {}, 'Date: '), fmtDate(rx.date))),
		vit ? h('p', { class: 'rx-vitals' }, vit) : null,
		p.allergies ? h('p', { class: 'rx-allergy allergy', 'data-testid': 'rx-allergies' }, h('b', {}, 'Allergies: '), p.allergies) : null,
		dx ? h('p', { class: 'rx-dx', 'data-testid': 'rx-diagnosis' }, h('b', {}, 'Diagnosis: '), dx) : null,
		meds.length ? h('section', { class: 'rx-block' },
			h('table', { class: 'rx-table', 'data-testid': 'rx-print-table' },
				h('thead', {}, h('tr', {}, h('th', { class: 'rx-symbol', 'aria-label': 'Prescription' }, '℞'), h('th', {}, 'Medicine'), h('th', {}, 'How to take',
					p.language && p.language !== 'en' ? h('span', { class: 'rx-local', lang: p.language }, tIn(p.language, 'rx.how_to_take')) : null))),
				h('tbody', {}, meds.map((m, i) => h('tr', { 'data-testid': 'rx-print-row' },
					h('td', {}, i + 1),
					h('td', { class: 'rx-med' }, rxMedicine(m)),
					h('td', {}, rxDoseLine(m), m.instructions ? h('div', { class: 'rx-note' }, m.instructions) : null)))))) : null,
		// Advice and review date beside the signature: one band at the end.
		h('div', { class: 'rx-end' },
			h('div', { class: 'rx-end-text' },
				rx.advice ? h('p', { class: 'rx-advice', 'data-testid': 'rx-advice' }, h('b', {}, 'Advice: '), rx.advice) : null,
				rx.follow_up_date ? h('p', { class: 'rx-review', 'data-testid': 'rx-follow-up' }, h('b', {}, 'Review on: '), fmtDate(rx.follow_up_date)) : null),
			h('footer', { class: 'signature' },
				h('div', { class: 'sig-line' }, doctor),
				h('div', { class: 'sig-meta' }, settings.qualification || ''),
				settings.registration_no ? h('div', { class: 'sig-meta' }, `Reg. No. ${settings.registration_no}`) : null)));
	return el;
}
