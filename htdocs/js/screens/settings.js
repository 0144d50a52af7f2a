// settings.js — clinic letterhead and defaults (admin): PUT /api/settings;
// the prescription's paper and pre-printed pad margins, with a preview of a
// sample prescription as it will print; and the clinic's own charges offered
// as bill items (PUT /api/charges).
import { api } from '../api.js';
import { h, pageHead, field, input, textarea, select, bindForm, setValues, toast, btn, act, rupeesToPaise, paiseToRupees, todayISO,
	replace, notice, showErrors } from '../ui.js';
import { session, loadSettings, DEFAULT_TZ } from '../session.js';
import { letterheadBlock, printPrefs } from '../shared/print-sheet.js';
import { prescriptionSheet } from '../shared/prescription-sheet.js';
import { t } from '../i18n.js';

// [field, its longest length]; its label is t('settings.<field>').
const TEXT = [
	['clinic_name', 100], ['doctor_name', 100], ['qualification', 100], ['registration_no', 50], ['phone', 30],
];
const LOGO_MAX = 256 * 1024;	// the server's limit
const MARGIN_MAX = 120;		// mm, the server's limit for the pad margins
const PREVIEW_SCALE = 0.62;

// The sample the preview prints: a typical prescription.
const SAMPLE = {
	date: todayISO(),
	patient: { name: 'Sample Patient', sex: 'F', age_years: 42, clinic_no: 123, allergies: 'Penicillin' },
	vitals: { bp_systolic: 128, bp_diastolic: 84, pulse: 88, temperature_c: 38.4, weight_kg: 62 },
	diagnoses: [{ text: 'Acute pharyngitis' }, { text: 'Viral fever' }],
	prescriptions: [
		{ medicine: 'Paracetamol', strength: '650 mg', form: 'tablet', brand: 'Dolo 650', dose: '1-0-1', timing: 'after_food', duration_days: 3 },
		{ medicine: 'Cetirizine', strength: '10 mg', form: 'tablet', dose: '0-0-1', timing: 'bedtime', duration_days: 5 },
		{ medicine: 'Azithromycin', strength: '500 mg', form: 'tablet', brand: 'Azee 500', dose: '1-0-0', timing: 'before_food', duration_days: 3 },
	],
	advice: 'Warm saline gargles; plenty of fluids.',
	follow_up_date: null,
};

function zones() {
	let z = [];
	try { z = Intl.supportedValuesOf('timeZone'); } catch { /* older browser */ }
	if (!z.includes(DEFAULT_TZ)) z.unshift(DEFAULT_TZ);
	return z.map(x => [x, x]);
}

const CHARGES_MAX = 40;	// the server's limit

// The list of charges: one row each (what, usual price in rupees, blank or 0
// for "typed at the desk"), moved up and down, removed, added; saved as a whole.
function chargesEditor() {
	const rows = h('tbody', { id: 'charges-rows' });
	const form = h('form', { id: 'charges-form', 'data-testid': 'charges-form' },
		h('p', { class: 'hint' }, t('ch.hint')),
		h('table', { class: 'table small charges' },
			h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('ch.item')), h('th', { scope: 'col' }, t('ch.price')), h('th', {}, ''))), rows),
		h('div', { class: 'actions' },
			btn(t('ch.add'), () => add({ description: '', amount_paise: 0 }, true), { id: 'charges-add', 'data-testid': 'charges-add' }),
			h('button', { type: 'submit', class: 'btn primary', id: 'charges-save', 'data-testid': 'charges-save' }, t('ch.save'))),
		h('div', { class: 'form-error', role: 'alert' }));
	let version = null;
	const renumber = () => [...rows.children].forEach((tr, i) => {
		tr.querySelector('.c-desc').dataset.field = `charges[${i}].description`;
		tr.querySelector('.c-amt').dataset.field = `charges[${i}].amount_paise`;
	});
	const add = (c, focus) => {
		if (rows.children.length >= CHARGES_MAX) { toast(t('ch.max', { n: CHARGES_MAX }), 'error'); return; }
		const desc = h('input', { type: 'text', class: 'c-desc', maxlength: 60, value: c.description, 'aria-label': t('ch.item'), 'data-testid': 'charge-desc' });
		const amt = h('input', { type: 'text', class: 'c-amt', inputmode: 'decimal', value: c.amount_paise ? paiseToRupees(c.amount_paise) : '', 'aria-label': t('ch.price_label'), 'data-testid': 'charge-amount' });
		const tr = h('tr', { 'data-testid': 'charge-row' },
			h('td', { class: 'field' }, desc, h('div', { class: 'field-error' })),
			h('td', { class: 'field' }, amt, h('div', { class: 'field-error' })),
			h('td', { class: 'row-actions' },
				btn('↑', () => { if (tr.previousElementSibling) { rows.insertBefore(tr, tr.previousElementSibling); renumber(); } }, { class: 'btn small', title: t('ch.up'), 'aria-label': t('ch.up') }),
				btn('×', () => { tr.remove(); renumber(); }, { class: 'btn small', title: t('ch.remove'), 'aria-label': t('ch.remove'), 'data-testid': 'charge-remove' })));
		rows.append(tr);
		renumber();
		if (focus) desc.focus();
	};
	const fill = r => { version = r.version; rows.replaceChildren(); r.charges.forEach(c => add(c, false)); };
	form.addEventListener('submit', act(async e => {
		e.preventDefault();
		const problems = {};
		const charges = [...rows.children].map((tr, i) => {
			const description = tr.querySelector('.c-desc').value.trim();
			const text = tr.querySelector('.c-amt').value.trim();
			const paise = text === '' ? 0 : rupeesToPaise(text);
			if (!description) problems[`charges[${i}].description`] = t('ch.need_name');
			if (paise === null) problems[`charges[${i}].amount_paise`] = t('ch.bad_price');
			return { description, amount_paise: paise };
		});
		if (Object.keys(problems).length) { showErrors(form, problems); return; }
		try {
			fill(await api.saveCharges({ version, charges }));
			showErrors(form, {});
			toast(t('ch.saved'), 'ok');
		} catch (err) {
			showErrors(form, err);
		}
	}));
	const box = h('section', { class: 'card', id: 'charges', 'data-testid': 'charges' }, h('h2', {}, t('ch.title')), form);
	api.charges().then(fill).catch(err => replace(box, h('h2', {}, t('ch.title')), notice(err.message, 'error')));
	return box;
}

export async function render(root) {
	const preview = h('div', { class: 'sheet framed sheet-a5 preview', id: 'settings-preview' });
	const rxPreview = h('div', { class: 'settings-preview-wrap', id: 'settings-rx-preview', 'data-testid': 'settings-rx-preview' });
	const form = h('form', { id: 'settings-form', class: 'grid-form', 'data-testid': 'settings-form' },
		TEXT.map(([k, max]) => field(t(`settings.${k}`), input(k, { id: `settings-${k.replace(/_/g, '-')}`, maxlength: max, 'data-testid': `settings-${k}` }))),
		field(t('settings.address'), textarea('address', { id: 'settings-address', rows: 3, 'data-testid': 'settings-address' }), { wide: true }),
		field(t('settings.fee'), input('consultation_fee', { id: 'settings-fee', inputmode: 'decimal', 'data-field': 'consultation_fee_paise', 'data-testid': 'settings-fee' })),
		field(t('settings.timezone'), select('timezone', zones(), { id: 'settings-timezone', 'data-testid': 'settings-timezone' })),
		h('fieldset', { class: 'wide print-settings' }, h('legend', {}, t('settings.printing')),
			field(t('settings.paper'), select('paper', [['A5', t('settings.paper_a5')], ['A4', t('settings.paper_a4')]], { id: 'settings-paper', 'data-testid': 'settings-paper' })),
			h('div', { class: 'field check-field' }, h('label', { class: 'check' },
				h('input', { type: 'checkbox', name: 'print_letterhead', id: 'settings-print-letterhead', 'data-testid': 'settings-print-letterhead' }),
				t('settings.letterhead'))),
			field(t('settings.pad_top'), input('pad_margin_top_mm', { id: 'settings-pad-top', type: 'number', min: 0, max: MARGIN_MAX, step: 1, inputmode: 'numeric', 'data-testid': 'settings-pad-top' })),
			field(t('settings.pad_left'), input('pad_margin_left_mm', { id: 'settings-pad-left', type: 'number', min: 0, max: MARGIN_MAX, step: 1, inputmode: 'numeric', 'data-testid': 'settings-pad-left' }))),
		field(t('settings.upi_vpa'), input('upi_vpa', { id: 'settings-upi-vpa', maxlength: 100, autocomplete: 'off', spellcheck: 'false', placeholder: 'clinic@okaxis', 'data-testid': 'settings-upi_vpa' }),
			{ hint: t('settings.upi_vpa_hint') }),
		h('div', { class: 'actions wide' }, h('button', { type: 'submit', class: 'btn primary', id: 'settings-submit', 'data-testid': 'settings-submit' }, t('settings.save'))));
	const logoFile = h('input', { type: 'file', id: 'settings-logo', accept: 'image/png,image/jpeg,image/webp', 'data-testid': 'settings-logo' });
	const logoBox = h('section', { class: 'card' }, h('h2', {}, t('settings.logo')),
		field(t('settings.logo_file'), logoFile),
		btn(t('settings.logo_remove'), act(async () => {
			await api.removeLogo();
			toast(t('settings.logo_removed'), 'ok');
			fill(current = await loadSettings());
		}), { id: 'settings-logo-remove', 'data-testid': 'settings-logo-remove' }));
	logoFile.addEventListener('change', act(async () => {
		const f = logoFile.files[0];
		if (!f) return;
		if (f.size > LOGO_MAX) { toast(t('settings.logo_too_big'), 'error'); return; }
		const dataUrl = await new Promise((ok, bad) => {
			const rd = new FileReader();
			rd.onload = () => ok(rd.result);
			rd.onerror = () => bad(new Error(t('settings.logo_unreadable')));
			rd.readAsDataURL(f);
		});
		await api.saveLogo(dataUrl);
		toast(t('settings.logo_saved'), 'ok');
		fill(current = await loadSettings());
	}));
	root.append(pageHead(t('settings.title')), h('div', { class: 'two-col' }, h('div', { class: 'stack' }, form, chargesEditor()),
		h('div', {}, h('section', {}, h('h2', {}, t('settings.preview')), h('div', { translate: 'no' }, preview)),
			h('section', {}, h('h2', {}, t('settings.rx_preview')), h('div', { translate: 'no' }, rxPreview)), logoBox)));

	let current = await loadSettings();
	// The settings as the form has them now (for the previews).
	const typed = () => {
		const v = Object.fromEntries(TEXT.map(([k]) => [k, form.elements[k].value]));
		return { ...current, ...v, address: form.elements.address.value, paper: form.elements.paper.value,
			print_letterhead: form.elements.print_letterhead.checked,
			pad_margin_top_mm: Number(form.elements.pad_margin_top_mm.value) || 0,
			pad_margin_left_mm: Number(form.elements.pad_margin_left_mm.value) || 0 };
	};
	const drawPreviews = s => {
		preview.replaceChildren(letterheadBlock(s));
		const sheet = prescriptionSheet(SAMPLE, { prefs: printPrefs(s), settings: s });
		sheet.style.transform = `scale(${PREVIEW_SCALE})`;
		rxPreview.replaceChildren(sheet);
		// The scaled sheet keeps its layout box: size the frame to what shows.
		requestAnimationFrame(() => {
			rxPreview.style.height = `${Math.ceil(sheet.offsetHeight * PREVIEW_SCALE) + 8}px`;
			rxPreview.style.width = `${Math.ceil(sheet.offsetWidth * PREVIEW_SCALE) + 8}px`;
		});
		for (const id of ['settings-pad-top', 'settings-pad-left']) form.elements[id === 'settings-pad-top' ? 'pad_margin_top_mm' : 'pad_margin_left_mm'].disabled = s.print_letterhead;
	};
	const fill = s => {
		setValues(form, { ...s, consultation_fee: paiseToRupees(s.consultation_fee_paise), timezone: s.timezone || DEFAULT_TZ,
			paper: s.paper || 'A5', print_letterhead: s.print_letterhead !== false,
			pad_margin_top_mm: s.pad_margin_top_mm ?? 0, pad_margin_left_mm: s.pad_margin_left_mm ?? 0 });
		drawPreviews(s);
	};
	fill(current);
	form.addEventListener('input', () => drawPreviews(typed()));
	form.addEventListener('change', () => drawPreviews(typed()));
	bindForm(form, {
		validate: v => {
			const bad = {};
			if (v.consultation_fee && rupeesToPaise(v.consultation_fee) === null) bad.consultation_fee_paise = t('settings.bad_fee');
			for (const k of ['pad_margin_top_mm', 'pad_margin_left_mm']) {
				if (v[k] === undefined || v[k] === '') continue;
				const n = Number(v[k]);
				if (!Number.isInteger(n) || n < 0 || n > MARGIN_MAX) bad[k] = t('settings.bad_mm', { max: MARGIN_MAX });
			}
			return Object.keys(bad).length ? bad : null;
		},
		cancel: () => fill(current),
		submit: async v => {
			// Only the fields PUT accepts (the server refuses unknown ones).
			const body = { version: current.version };
			for (const [k] of TEXT) body[k] = v[k] || (k === 'clinic_name' ? v[k] : null);
			body.address = v.address || null;
			body.timezone = v.timezone;
			body.upi_vpa = v.upi_vpa.trim() || null;
			body.consultation_fee_paise = v.consultation_fee ? rupeesToPaise(v.consultation_fee) : 0;
			body.paper = v.paper;
			body.print_letterhead = v.print_letterhead;
			if (!v.print_letterhead) {
				body.pad_margin_top_mm = Number(v.pad_margin_top_mm) || 0;
				body.pad_margin_left_mm = Number(v.pad_margin_left_mm) || 0;
			}
			current = session.settings = await api.saveSettings(body);
			document.getElementById('clinic-name').textContent = current.clinic_name || 'NalamDesk';
			toast(t('settings.saved'), 'ok');
			fill(current);
		},
	});
	form.elements.clinic_name.focus();
}
