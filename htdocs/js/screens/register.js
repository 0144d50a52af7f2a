// register.js — new patient registration with inline validation and a duplicate
// check before saving. Also exports the patient form used by the profile's edit.
import { api, qs, listOf } from '../api.js';
import { h, pageHead, field, input, select, textarea, bindForm, setValues, btn, toast, todayISO, clearDraft } from '../ui.js';
import { go } from '../router.js';
import { patientLine } from './patients.js';

const DRAFT = 'nd.register.draft';

// Indian mobile: 10 digits starting 6-9, after dropping spaces, dashes, +91/91/0.
export function normalisePhone(text) {
	let d = String(text || '').replace(/[\s\-()]/g, '');
	if (/^\+91\d{10}$/.test(d)) d = d.slice(3);
	else if (/^91\d{10}$/.test(d)) d = d.slice(2);
	else if (/^0\d{10}$/.test(d)) d = d.slice(1);
	return d;
}

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
		field('Notes', textarea('notes', t('notes')), { wide: true }));
}

async function findDuplicates(v) {
	const phone = normalisePhone(v.phone);
	try {
		return listOf(await api.get(qs('/api/patients/duplicates', { name: v.name, phone })), 'candidates', 'patients');
	} catch (err) {
		if (err.status !== 404) throw err;
		// No duplicates endpoint on this server: ask the search instead.
		const got = listOf(await api.get(qs('/api/patients', { q: phone || v.name, limit: 10 })), 'patients');
		const name = v.name.toLowerCase();
		return got.filter(p => (phone && p.phone === phone) || (p.name || '').toLowerCase() === name);
	}
}

export async function addToQueue(patient, reason) {
	const e = await api.post('/api/queue', { patient_id: patient.id, ...(reason ? { reason } : {}) });
	toast(`${patient.name}: token ${e.token}`, 'ok');
	return e;
}

export function render(root, params, query) {
	const form = patientForm('register');
	const dups = h('section', { id: 'register-duplicates', class: 'duplicates', 'data-testid': 'register-duplicates', hidden: true });
	let dupChecked = false;	// the user has seen the candidates and chose "register anyway"
	form.append(h('div', { class: 'actions wide' },
		h('button', { type: 'submit', class: 'btn primary', id: 'register-submit', 'data-testid': 'register-submit' }, 'Register'),
		h('button', { type: 'submit', class: 'btn', id: 'register-submit-queue', 'data-testid': 'register-submit-queue', value: 'queue' }, 'Register and add to queue'),
		btn('Clear', () => { form.reset(); clearDraft(DRAFT); dups.hidden = true; form.elements.name.focus(); }, { id: 'register-clear' }),
		btn('Cancel', () => cancel(), { id: 'register-cancel', 'data-testid': 'register-cancel' })));
	root.append(pageHead('Register a new patient'), dups, form,
		h('p', { class: 'hint' }, 'Enter saves, Esc goes back. What you type is kept until it is saved.'));
	const cancel = () => go('/patients');
	let queueAfter = false;

	const showDuplicates = list => {
		dups.replaceChildren(
			h('h2', {}, 'Possible duplicates — is the patient already registered?'),
			h('ul', { class: 'results' }, list.map(p => h('li', { class: 'dup', 'data-testid': 'duplicate-candidate', 'data-id': p.id },
				patientLine(p),
				btn('Use this patient', async () => {
					if (queueAfter) { try { await addToQueue(p); } catch (err) { toast(err.message, 'error'); } }
					clearDraft(DRAFT);
					go(`/patient/${p.id}`);
				}, { class: 'btn primary small', 'data-testid': 'duplicate-use' })))),
			h('div', { class: 'actions' }, btn('Register anyway', () => { dupChecked = true; form.requestSubmit(); },
				{ id: 'register-anyway', 'data-testid': 'register-anyway' })));
		dups.hidden = false;
		dups.querySelector('button').focus();
	};

	const save = async v => {
		const p = await api.post('/api/patients', patientPayload(v));
		clearDraft(DRAFT);
		toast(`Registered ${p.name}${p.clinic_no ? `, clinic no. ${p.clinic_no}` : ''}`, 'ok');
		if (queueAfter) { try { await addToQueue(p); } catch (err) { toast(err.message, 'error'); } }
		go(`/patient/${p.id}`);
	};

	bindForm(form, {
		draftKey: DRAFT,
		validate: validatePatient,
		cancel,
		submit: async (v, submitter) => {
			if (submitter) queueAfter = submitter.value === 'queue';
			if (!dupChecked) {
				const list = await findDuplicates(v);
				if (list.length) { showDuplicates(list); return false; }
			}
			await save(v);
		},
	});
	// A changed name or phone needs a fresh duplicate check.
	form.addEventListener('input', e => { if (['name', 'phone'].includes(e.target.name)) { dupChecked = false; dups.hidden = true; } });
	const pre = { name: query.get('name'), phone: query.get('phone') };
	if (pre.name || pre.phone) { form.reset(); setValues(form, Object.fromEntries(Object.entries(pre).filter(([, x]) => x))); }
	form.elements.name.focus();
}
