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
	if (!v.name) p.name = tr('pf.need_name');
	else if (v.name.length > 100) p.name = tr('pf.name_long');
	if (!['M', 'F', 'O'].includes(v.sex)) p.sex = tr('pf.need_sex');
	const dob = dayFirstISO(v.dob);
	if (dob === null) {
		p.dob = tr('pf.dob_format');
	} else if (dob) {
		if (dob > todayISO()) p.dob = tr('pf.dob_future');
	} else if (v.age_years === '') {
		p.age_years = tr('pf.need_age');
	} else if (!/^\d{1,3}$/.test(v.age_years) || Number(v.age_years) > 130) {
		p.age_years = tr('pf.bad_age');
	}
	if (v.phone && !validPhone(normalisePhone(v.phone))) p.phone = tr('pf.bad_phone');
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
		field(tr('pf.name'), input('name', t('name', { maxlength: 100, autocapitalize: 'words' })), { wide: true }),
		field(tr('pf.sex'), select('sex', [['', tr('pf.choose')], ['M', tr('pf.sex_M')], ['F', tr('pf.sex_F')], ['O', tr('pf.sex_O')]], t('sex'))),
		field(tr('pf.age'), input('age_years', t('age', { inputmode: 'numeric', maxlength: 3 })), { hint: tr('pf.age_hint') }),
		field(tr('pf.mobile'), input('phone', t('phone', { type: 'tel', inputmode: 'tel', maxlength: 20 })), { hint: tr('pf.mobile_hint') }),
		dateField(tr('pf.dob'), 'dob', t('dob')),
		field(tr('pf.address'), textarea('address', t('address')), { wide: true }),
		field(tr('pf.abha'), input('abha_id', t('abha', { maxlength: 40 }))),
		field(tr('pf.allergies'), input('allergies', t('allergies', { maxlength: 200 })), { hint: tr('pf.allergies_hint') }),
		field(tr('field.patient_language'), select('language', LANGUAGES, t('language'))),
		field(tr('pf.notes'), textarea('notes', t('notes')), { wide: true }));
}
