// vitals.js — the vitals a screen asks for, with their labels and units: the
// consultation and the nurse's station show the same boxes. The server checks
// the ranges (cgi-bin/lib/vitals.c); these are the words and steps only.
import { h } from '../ui.js';

// [key, label, unit, step, min, max]
export const VITALS = [
	['bp_systolic', 'BP systolic', 'mmHg', 1, 50, 300],
	['bp_diastolic', 'BP diastolic', 'mmHg', 1, 20, 200],
	['pulse', 'Pulse', '/min', 1, 20, 250],
	['temperature_c', 'Temperature', '°C', 0.1, 30, 45],
	['spo2', 'SpO₂', '%', 1, 50, 100],
	['weight_kg', 'Weight', 'kg', 0.1, 0.5, 350],
	['height_cm', 'Height', 'cm', 0.1, 20, 250],
];

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
	if (v.bp_systolic || v.bp_diastolic) parts.push(`BP ${v.bp_systolic ?? '?'}/${v.bp_diastolic ?? '?'}`);
	if (v.pulse) parts.push(`Pulse ${v.pulse}`);
	if (v.temperature_c) parts.push(`${v.temperature_c} °C`);
	if (v.spo2) parts.push(`SpO₂ ${v.spo2}%`);
	if (v.weight_kg) parts.push(`${v.weight_kg} kg`);
	if (v.height_cm) parts.push(`${v.height_cm} cm`);
	return parts.join(' · ');
}

// The marker a queue row shows for recorded vitals.
export const vitalsMark = () => h('span', { class: 'badge mark-vitals', title: 'Vitals recorded', 'data-testid': 'mark-vitals' }, 'Vitals ✓');
