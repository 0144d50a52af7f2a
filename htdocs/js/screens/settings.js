// settings.js — clinic letterhead and defaults (admin): PUT /api/settings.
import { api } from '../api.js';
import { h, pageHead, field, input, textarea, select, bindForm, setValues, toast, btn, act, rupeesToPaise, paiseToRupees, letterhead } from '../ui.js';
import { session, loadSettings, DEFAULT_TZ } from '../session.js';
import { t } from '../i18n.js';

const TEXT = [
	['clinic_name', 'Clinic name', 100], ['doctor_name', 'Doctor’s name', 100], ['qualification', 'Qualification', 100],
	['registration_no', 'Registration no.', 50], ['phone', 'Phone', 30],
];
const LOGO_MAX = 256 * 1024;	// the server's limit

function zones() {
	let z = [];
	try { z = Intl.supportedValuesOf('timeZone'); } catch { /* older browser */ }
	if (!z.includes(DEFAULT_TZ)) z.unshift(DEFAULT_TZ);
	return z.map(x => [x, x]);
}

export async function render(root) {
	const preview = h('div', { class: 'sheet sheet-a5 preview', id: 'settings-preview' });
	const form = h('form', { id: 'settings-form', class: 'grid-form', 'data-testid': 'settings-form' },
		TEXT.map(([k, label, max]) => field(label, input(k, { id: `settings-${k.replace(/_/g, '-')}`, maxlength: max, 'data-testid': `settings-${k}` }))),
		field('Address', textarea('address', { id: 'settings-address', rows: 3, 'data-testid': 'settings-address' }), { wide: true }),
		field('Consultation fee (₹)', input('consultation_fee', { id: 'settings-fee', inputmode: 'decimal', 'data-field': 'consultation_fee_paise', 'data-testid': 'settings-fee' })),
		field('Time zone', select('timezone', zones(), { id: 'settings-timezone', 'data-testid': 'settings-timezone' })),
		field(t('settings.upi_vpa'), input('upi_vpa', { id: 'settings-upi-vpa', maxlength: 100, autocomplete: 'off', spellcheck: 'false', placeholder: 'clinic@okaxis', 'data-testid': 'settings-upi_vpa' }),
			{ hint: t('settings.upi_vpa_hint') }),
		h('div', { class: 'actions wide' }, h('button', { type: 'submit', class: 'btn primary', id: 'settings-submit', 'data-testid': 'settings-submit' }, 'Save settings')));
	const logoFile = h('input', { type: 'file', id: 'settings-logo', accept: 'image/png,image/jpeg,image/webp', 'data-testid': 'settings-logo' });
	const logoBox = h('section', { class: 'card' }, h('h2', {}, 'Logo'),
		field('Logo image (PNG, JPEG or WebP, at most 256 KB)', logoFile),
		btn('Remove logo', act(async () => {
			await api.removeLogo();
			toast('Logo removed', 'ok');
			fill(current = await loadSettings());
		}), { id: 'settings-logo-remove', 'data-testid': 'settings-logo-remove' }));
	logoFile.addEventListener('change', act(async () => {
		const f = logoFile.files[0];
		if (!f) return;
		if (f.size > LOGO_MAX) { toast('The logo may be at most 256 KB.', 'error'); return; }
		const dataUrl = await new Promise((ok, bad) => {
			const rd = new FileReader();
			rd.onload = () => ok(rd.result);
			rd.onerror = () => bad(new Error('The file could not be read.'));
			rd.readAsDataURL(f);
		});
		await api.saveLogo(dataUrl);
		toast('Logo saved', 'ok');
		fill(current = await loadSettings());
	}));
	root.append(pageHead('Clinic settings'), h('div', { class: 'two-col' }, form,
		h('div', {}, h('section', {}, h('h2', {}, 'Letterhead preview'), preview), logoBox)));

	let current = await loadSettings();
	const fill = s => {
		setValues(form, { ...s, consultation_fee: paiseToRupees(s.consultation_fee_paise), timezone: s.timezone || DEFAULT_TZ });
		preview.replaceChildren(letterhead(s));
	};
	fill(current);
	form.addEventListener('input', () => {
		const v = Object.fromEntries(TEXT.map(([k]) => [k, form.elements[k].value]));
		preview.replaceChildren(letterhead({ ...v, address: form.elements.address.value, logo_url: current.logo_url }));
	});
	bindForm(form, {
		validate: v => (v.consultation_fee && rupeesToPaise(v.consultation_fee) === null) ? { consultation_fee_paise: 'Enter an amount in rupees, e.g. 300.' } : null,
		cancel: () => fill(current),
		submit: async v => {
			// Only the fields PUT accepts (the server refuses unknown ones).
			const body = { version: current.version };
			for (const [k] of TEXT) body[k] = v[k] || (k === 'clinic_name' ? v[k] : null);
			body.address = v.address || null;
			body.timezone = v.timezone;
			body.upi_vpa = v.upi_vpa.trim() || null;
			body.consultation_fee_paise = v.consultation_fee ? rupeesToPaise(v.consultation_fee) : 0;
			current = session.settings = await api.saveSettings(body);
			document.getElementById('clinic-name').textContent = current.clinic_name || 'NalamDesk';
			toast('Settings saved', 'ok');
			fill(current);
		},
	});
	form.elements.clinic_name.focus();
}
