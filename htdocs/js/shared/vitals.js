// vitals.js — the vitals a screen asks for, with their labels and units: the
// consultation and the nurse's station show the same boxes. The server checks
// the ranges (cgi-bin/lib/vitals.c); these are the words and steps only.
import { h } from '../ui.js';
import { t } from '../i18n.js';

// [key, label, unit, step, min, max]: the label and unit in the screens' language (read when
// a screen module loads, after the app has set the language).
export const VITALS = [
	['bp_systolic', 'mmHg', 1, 50, 300],
	['bp_diastolic', 'mmHg', 1, 20, 200],
	['pulse', 'min', 1, 20, 250],
	['temperature_c', 'C', 0.1, 30, 45],
	['spo2', 'pct', 1, 50, 100],
	['weight_kg', 'kg', 0.1, 0.5, 350],
	['height_cm', 'cm', 0.1, 20, 250],
].map(([k, unit, ...rest]) => [k, t(`vit.${k}`), t(`vit.unit_${unit}`), ...rest]);

// The server names a vital by its JSON path ("vitals.bp_systolic must be from 50 to 300 mmHg."):
// people read the label instead ("BP systolic must be …").
export const VITAL_LABELS = Object.fromEntries(VITALS.map(([k, label]) => [k, label]));
export const plainVitals = msg => String(msg || '').replace(/\bvitals\.(\w+)/g, (m, k) => VITAL_LABELS[k] || m);

// Reads the vitals boxes of FORM (named by key) → {key: number or null}.
export function readVitals(form) {
	const out = {};
	for (const [k] of VITALS) {
		const v = form.elements[k].value.trim();
		out[k] = v === '' ? null : Number(v);
	}
	return out;
}

// A short line of the recorded vitals: "BP 150/95 · Pulse 88 · 38.4 °C".
export function vitalsBrief(v = {}) {
	const parts = [];
	if (v.bp_systolic || v.bp_diastolic) parts.push(t('vit.brief_bp', { s: v.bp_systolic ?? '?', d: v.bp_diastolic ?? '?' }));
	if (v.pulse) parts.push(t('vit.brief_pulse', { n: v.pulse }));
	if (v.temperature_c) parts.push(`${v.temperature_c} ${t('vit.unit_C')}`);
	if (v.spo2) parts.push(`${t('vit.spo2')} ${v.spo2}${t('vit.unit_pct')}`);
	if (v.weight_kg) parts.push(`${v.weight_kg} ${t('vit.unit_kg')}`);
	if (v.height_cm) parts.push(`${v.height_cm} ${t('vit.unit_cm')}`);
	return parts.join(' · ');
}

// The marker a queue row shows for recorded vitals.
export const vitalsMark = () => h('span', { class: 'badge mark-vitals', title: t('vit.recorded'), 'data-testid': 'mark-vitals' }, t('vit.mark'));
