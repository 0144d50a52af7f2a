// patient-form.js — the patient's details form, shared by registration and the
// profile's edit: the controls, the checks made before sending, and the body
// POST/PATCH /api/patients take (docs/api.md §5).
//
// Age comes first (most walk-ins give an age): Name, Sex, Age, Phone follow one another, so an
// age-only walk-in takes no Tab key in a field left empty; the date of birth, when it is known,
// is typed day first in one text field (shared/date-field.js), never the browser's date control.
import { h, field, input, select, textarea, todayISO } from '../ui.js';
import { t as tr, LANGUAGES } from '../i18n.js';
import { dateField, dayFirstISO } from './date-field.js';

// A phone as the server stores it (cgi-bin/lib/valid.c, valid_phone_clean): separators dropped,
// +91/91 before ten digits dropped; eleven digits starting 0 stay a landline with its STD code
// when written "044 2345 6789" (the 0 and the code first, 3-5 digits) or when the digit after the
// 0 cannot start a mobile; else the 0 of a mobile is dropped.
export function normalisePhone(text) {
	const s = String(text || '').trim().replace(/^\(/, '');
	const first = (/^[^\s\-().]*/.exec(s) || [''])[0];
	let d = s.replace(/[\s\-().]/g, '');
	if (/^\+91\d{10}$/.test(d)) d = d.slice(3);
	else if (/^91\d{10}$/.test(d)) d = d.slice(2);
	else if (/^0[6-9]\d{9}$/.test(d) && !(first.length >= 3 && first.length <= 5 && first.length < d.length)) d = d.slice(1);
	return d;
}

// A mobile (10 digits, 6-9 first) or a landline with its STD code and 0 (11 digits).
export const validPhone = d => /^([6-9]\d{9}|0[1-9]\d{9})$/.test(d);

// validatePatient(values) → {field: message}, empty when the form may be sent.
export function validatePatient(v) {
	const p = {};
	if (!v.name) p.name = 'Enter the patient’s name.';
	else if (v.name.length > 100) p.name = 'Keep the name under 100 characters.';
	if (!['M', 'F', 'O'].includes(v.sex)) p.sex = 'Choose M, F or O.';
	const dob = dayFirstISO(v.dob);
	if (dob === null) {
		p.dob = 'Type the date of birth day first: dd/mm/yyyy (e.g. 12/05/1980).';
	} else if (dob) {
		if (dob > todayISO()) p.dob = 'Date of birth cannot be in the future.';
	} else if (v.age_years === '') {
		p.age_years = 'Enter the age in years (or the date of birth).';
	} else if (!/^\d{1,3}$/.test(v.age_years) || Number(v.age_years) > 130) {
		p.age_years = 'Age must be a whole number of years (0–130).';
	}
	if (v.phone && !validPhone(normalisePhone(v.phone))) p.phone = 'Enter a 10-digit mobile (98765 43210) or a landline with its STD code (044 2345 6789).';
	return p;
}

// Request body from form values. For PATCH, cleared optional fields are sent as null.
export function patientPayload(v, { patch = false } = {}) {
	const body = { name: v.name, sex: v.sex };
	if (v.language) body.language = v.language;
	const dob = dayFirstISO(v.dob) || '';
	if (dob) body.dob = dob;
	else if (v.age_years !== '') body.age_years = Number(v.age_years);
	if (patch && dob) body.age_years = null;
	if (patch && !dob) body.dob = null;
	for (const k of ['phone', 'address', 'abha_id', 'allergies', 'notes']) {
		const val = k === 'phone' ? normalisePhone(v[k]) : v[k];
		if (val) body[k] = val;
		else if (patch) body[k] = null;
	}
	return body;
}

// patientForm(prefix) → <form> with ids `${prefix}-name`, `${prefix}-sex`, … and no buttons.
export function patientForm(prefix) {
	const id = n => `${prefix}-${n}`;
	const t = (n, extra = {}) => ({ id: id(n), 'data-testid': id(n), ...extra });
	return h('form', { id: `${prefix}-form`, class: 'grid-form', 'data-testid': `${prefix}-form` },
		field('Name', input('name', t('name', { maxlength: 100, autocapitalize: 'words' })), { wide: true }),
		field('Sex', select('sex', [['', 'Choose…'], ['M', 'M — Male'], ['F', 'F — Female'], ['O', 'O — Other']], t('sex'))),
		field('Age (years)', input('age_years', t('age', { inputmode: 'numeric', maxlength: 3 })), { hint: 'Or the date of birth, below' }),
		field('Phone', input('phone', t('phone', { type: 'tel', inputmode: 'tel', maxlength: 20 })), { hint: 'Mobile, or landline with STD code' }),
		dateField('or Date of birth', 'dob', t('dob')),
		field('Address', textarea('address', t('address')), { wide: true }),
		field('ABHA ID', input('abha_id', t('abha', { maxlength: 40 }))),
		field('Allergies', input('allergies', t('allergies', { maxlength: 200 })), { hint: 'Leave empty if none known' }),
		field(tr('field.patient_language'), select('language', LANGUAGES, t('language'))),
		field('Notes', textarea('notes', t('notes')), { wide: true }));
}
