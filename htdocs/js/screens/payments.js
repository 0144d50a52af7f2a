// payments.js — take a payment (rupees on screen, integer paise on the wire),
// show and print the receipt on the clinic letterhead, and the daily report.
import { api } from '../api.js';
import { h, pageHead, replace, notice, btn, bindForm, field, input, dateEcho, select, onKeys, toast, money, rupeesToPaise,
	paiseToRupees, todayISO, fmtDateTime, letterhead, paperToggle, amountInWords } from '../ui.js';
import { session } from '../session.js';
import { patientPicker } from '../shared/patient-picker.js';
import { tIn } from '../i18n.js';

const MODES = [['cash', 'Cash'], ['upi', 'UPI'], ['card', 'Card']];

// The receipt of payment R (POST /api/payments answers it with its patient), labelled in the
// language the patient reads; with the clinic's UPI QR code for the amount when it has a UPI ID.
function receiptSheet(r) {
	const pl = r.patient.language || 'en';
	const L = (key, vars) => tIn(pl, key, vars);
	const qr = r.upi_qr_url ? h('figure', { class: 'receipt-upi', 'data-testid': 'receipt-upi' },
		h('img', { src: r.upi_qr_url, alt: 'UPI QR', width: 132, height: 132, 'data-testid': 'receipt-qr' }),
		h('figcaption', {}, L('receipt.upi_scan'))) : null;
	return h('article', { class: 'sheet receipt', id: 'receipt', 'data-testid': 'receipt', lang: pl },
		letterhead(),
		h('h2', { class: 'sheet-title' }, L('receipt.title')),
		h('div', { class: 'receipt-body' },
			h('table', { class: 'kv' }, h('tbody', {},
				h('tr', {}, h('th', {}, L('receipt.no')), h('td', { id: 'receipt-no', 'data-testid': 'receipt-no' }, r.receipt_no)),
				h('tr', {}, h('th', {}, L('receipt.date')), h('td', {}, fmtDateTime(r.created_at))),
				h('tr', {}, h('th', {}, L('receipt.patient')), h('td', {}, r.patient.name, ` (${L('receipt.clinic_no', { n: r.patient.clinic_no })})`)),
				h('tr', {}, h('th', {}, L('receipt.amount')), h('td', { id: 'receipt-amount', class: 'amount', 'data-testid': 'receipt-amount' }, money(r.amount_paise))),
				h('tr', {}, h('th', {}, ''), h('td', { class: 'muted' }, amountInWords(r.amount_paise))),
				h('tr', {}, h('th', {}, L('receipt.paid_by')), h('td', {}, L(`mode.${r.mode}`))),
				r.note ? h('tr', {}, h('th', {}, L('receipt.for')), h('td', {}, r.note)) : null)),
			qr),
		h('div', { class: 'signature' }, h('div', { class: 'sig-line' }, L('receipt.received_by')), h('div', {}, session.user?.name || '')));
}

function report(box) {
	const date = input('date', { id: 'report-date', type: 'date', value: todayISO(), 'data-testid': 'report-date', 'aria-label': 'Report date' });
	const out = h('div', { id: 'report-body' });
	const load = async () => {
		try {
			const r = await api.dailyReport(date.value);
			const c = r.collections;
			const row = (k, v, id) => h('tr', {}, h('th', { scope: 'row' }, k), h('td', { id, 'data-testid': id }, v));
			replace(out, h('table', { class: 'table kv', id: 'report-table', 'data-testid': 'report-table' }, h('tbody', {},
				row('Patients seen', r.patients_seen, 'report-seen'),
				row('New patients', r.new_patients, 'report-new'),
				row('Tokens issued', r.tokens_issued, 'report-tokens'),
				row('Cash', money(c.cash), 'report-cash'),
				row('UPI', money(c.upi), 'report-upi'),
				row('Card', money(c.card), 'report-card'),
				row('Total collected', money(c.total), 'report-total'))));
		} catch (err) {
			replace(out, notice(err.message, 'error'));
		}
	};
	date.addEventListener('change', load);
	replace(box, h('div', { class: 'page-head' }, h('h2', {}, 'Daily report'), h('div', { class: 'page-actions' }, date, dateEcho(date))), out);
	load();
	return load;
}

export function render(root, params, query) {
	const page = h('div');
	root.append(page);
	let cleanupKeys = () => {};

	const showForm = () => {
		cleanupKeys();
		const picker = patientPicker({ id: 'pay-patient' });
		const fee = session.settings.consultation_fee_paise;
		const form = h('form', { id: 'pay-form', class: 'grid-form', 'data-testid': 'pay-form' },
			picker.el,
			field('Amount (₹)', input('amount', { id: 'pay-amount', inputmode: 'decimal', value: fee ? paiseToRupees(fee) : '', 'data-testid': 'pay-amount' })),
			field('Mode', select('mode', MODES, { id: 'pay-mode', 'data-testid': 'pay-mode' })),
			field('Note', input('note', { id: 'pay-note', maxlength: 200, placeholder: 'e.g. Consultation', 'data-testid': 'pay-note' }), { wide: true }),
			h('div', { class: 'actions wide' },
				h('button', { type: 'submit', class: 'btn primary', id: 'pay-submit', 'data-testid': 'pay-submit' }, 'Save and show receipt')));
		bindForm(form, {
			validate: v => {
				const p = picker.check();
				const paise = rupeesToPaise(v.amount);
				if (!paise) p.amount_paise = 'Enter an amount in rupees, e.g. 300 or 150.50.';
				return p;
			},
			cancel: () => { picker.set(null); },
			submit: async v => {
				const body = { patient_id: picker.value.id, amount_paise: rupeesToPaise(v.amount), mode: v.mode };
				if (v.note) body.note = v.note;
				const visit = query.get('visit');
				if (visit) body.visit_id = Number(visit);
				const r = await api.pay(body);
				toast(`Receipt ${r.receipt_no} saved`, 'ok');
				showReceipt(r);
			},
		});
		form.elements.amount.dataset.field = 'amount_paise';
		const reportBox = h('section', { class: 'card', id: 'report', 'data-testid': 'report' });
		replace(page, pageHead('Payments'),
			h('div', { class: 'two-col' }, h('section', { class: 'card' }, h('h2', {}, 'Take a payment'), form), reportBox));
		report(reportBox);
		const pid = query.get('patient');
		if (pid) picker.load(pid).then(() => { form.elements.amount.focus(); form.elements.amount.select(); }).catch(() => {});	// the picker says why
		else picker.input.focus();
	};

	const showReceipt = r => {
		const sheet = receiptSheet(r);
		const newBtn = btn('New payment (Esc)', showForm, { id: 'receipt-new', 'data-testid': 'receipt-new' });
		const printBtn = btn('Print (P)', () => window.print(), { id: 'receipt-print', class: 'btn primary', 'data-testid': 'receipt-print' });
		replace(page, h('div', { class: 'page-head no-print' }, h('h1', {}, 'Receipt'),
			h('div', { class: 'page-actions' }, paperToggle(sheet, 'receipt'), printBtn, newBtn)), h('div', { class: 'sheet-wrap' }, sheet));
		printBtn.focus();
		cleanupKeys = onKeys({ p: () => window.print(), Escape: showForm });
	};

	showForm();
	return () => cleanupKeys();
}
