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
	if (!v.name) p.name = tr('pf.need_name');
	else if (v.name.length > 100) p.name = tr('pf.name_long');
	if (!['M', 'F', 'O'].includes(v.sex)) p.sex = tr('pf.need_sex');
	if (v.dob) {
		if (v.dob > todayISO()) p.dob = tr('pf.dob_future');
	} else if (v.age_years === '') {
		p.age_years = tr('pf.need_age');
	} else if (!/^\d{1,3}$/.test(v.age_years) || Number(v.age_years) > 130) {
		p.age_years = tr('pf.bad_age');
	}
	if (v.phone && !/^[6-9]\d{9}$/.test(normalisePhone(v.phone))) p.phone = tr('pf.bad_phone');
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
		field(tr('pf.name'), input('name', t('name', { maxlength: 100, autocapitalize: 'words' })), { wide: true }),
		field(tr('pf.sex'), select('sex', [['', tr('pf.choose')], ['M', tr('pf.sex_M')], ['F', tr('pf.sex_F')], ['O', tr('pf.sex_O')]], t('sex'))),
		field(tr('pf.dob'), input('dob', t('dob', { type: 'date', max: todayISO() }))),
		field(tr('pf.age'), input('age_years', t('age', { inputmode: 'numeric', maxlength: 3 })), { hint: tr('pf.age_hint') }),
		field(tr('pf.mobile'), input('phone', t('phone', { type: 'tel', inputmode: 'tel', maxlength: 16 })), { hint: tr('pf.mobile_hint') }),
		field(tr('pf.address'), textarea('address', t('address')), { wide: true }),
		field(tr('pf.abha'), input('abha_id', t('abha', { maxlength: 40 }))),
		field(tr('pf.allergies'), input('allergies', t('allergies', { maxlength: 200 })), { hint: tr('pf.allergies_hint') }),
		field(tr('field.patient_language'), select('language', LANGUAGES, t('language'))),
		field(tr('pf.notes'), textarea('notes', t('notes')), { wide: true }));
}
