// patient-form.js — the patient's details form, shared by registration and the
// profile's edit: the controls, the checks made before sending, and the body
// POST/PATCH /api/patients take (docs/api.md §5).
import { h, field, input, select, textarea, todayISO } from '../ui.js';
import { t as tr, LANGUAGES } from '../i18n.js';

// Indian mobile: 10 digits starting 6-9, after dropping spaces, dashes, +91/91/0.
export function normalisePhone(text) {
	let d = String(text || '').replace(/[\s\-()]/g, '');
	if (/^\+91\d{10}$/.test(d)) d = d.slice(3);
	else if (/^91\d{10}$/.test(d)) d = d.slice(2);
	else if (/^0\d{10}$/.test(d)) d = d.slice(1);
	return d;
}

// validatePatient(values) → {field: message}, empty when the form may be sent.
export function validatePatient(v) {
	const p = {};
	if (!v.name) p.name = 'Enter the patient’s name.';
	else if (v.name.length > 100) p.name = 'Keep the name under 100 characters.';
	if (!['M', 'F', 'O'].includes(v.sex)) p.sex = 'Choose M, F or O.';
	if (v.dob) {
		if (v.dob > todayISO()) p.dob = 'Date of birth cannot be in the future.';
	} else if (v.age_years === '') {
		p.age_years = 'Enter the date of birth or the age in years.';
	} else if (!/^\d{1,3}$/.test(v.age_years) || Number(v.age_years) > 130) {
		p.age_years = 'Age must be a whole number of years (0–130).';
	}
	if (v.phone && !/^[6-9]\d{9}$/.test(normalisePhone(v.phone))) p.phone = 'Enter a 10-digit mobile number (e.g. 98765 43210).';
	return p;
}

// Request body from form values. For PATCH, cleared optional fields are sent as null.
export function patientPayload(v, { patch = false } = {}) {
	const body = { name: v.name, sex: v.sex };
	if (v.language) body.language = v.language;
	if (v.dob) body.dob = v.dob;
	else if (v.age_years !== '') body.age_years = Number(v.age_years);
	if (patch && v.dob) body.age_years = null;
	if (patch && !v.dob) body.dob = null;
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
		field('Date of birth', input('dob', t('dob', { type: 'date', max: todayISO() }))),
		field('or Age (years)', input('age_years', t('age', { inputmode: 'numeric', maxlength: 3 })), { hint: 'If the date of birth is not known' }),
		field('Mobile', input('phone', t('phone', { type: 'tel', inputmode: 'tel', maxlength: 16 })), { hint: '10 digits' }),
		field('Address', textarea('address', t('address')), { wide: true }),
		field('ABHA ID', input('abha_id', t('abha', { maxlength: 40 }))),
		field('Allergies', input('allergies', t('allergies', { maxlength: 200 })), { hint: 'Leave empty if none known' }),
		field(tr('field.patient_language'), select('language', LANGUAGES, t('language'))),
		field('Notes', textarea('notes', t('notes')), { wide: true }));
}
