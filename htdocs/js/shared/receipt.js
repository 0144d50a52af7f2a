// receipt.js — the printed receipt: ONE function draws it, for the payments
// screen (just after a payment is taken) and for its print address
// (#/print/receipt/<payment id>). Whatever a receipt gains goes into
// receiptSheet() alone: it is labelled in the language the patient reads,
// carries the clinic's UPI QR code when the clinic has a UPI ID, lists the
// lines of an itemised bill, and says VOID across a voided one.
import { h, money, fmtDateTime, amountInWords } from '../ui.js';
import { t, tIn } from '../i18n.js';
import { sheet } from './print-sheet.js';

// The ways to pay, in the screens' language (read when a screen module loads).
export const PAY_MODES = ['cash', 'upi', 'card'].map(m => [m, t(`mode.${m}`)]);
export const modeLabel = m => ['cash', 'upi', 'card'].includes(m) ? t(`mode.${m}`) : m;

// The receipt of payment R (GET /api/payments/{id}, or what POST answered)
// on a sheet of the clinic's paper (print-sheet.js: its letterhead unless the
// clinic prints on pre-printed pads): number, date, patient, the bill's lines,
// the amount in figures and words, how it was paid, who received it.
export function receiptSheet(r) {
	const pl = r.patient.language || 'en';
	const L = (key, vars) => tIn(pl, key, vars);
	const items = Array.isArray(r.items) ? r.items : [];
	const row = (label, ...value) => h('tr', {}, h('th', { scope: 'row' }, label), h('td', {}, ...value));
	const el = sheet({ kind: 'receipt', runningHead: r.patient.name });
	el.lang = pl;
	el.dataset.id = r.id;
	el.classList.toggle('voided', !!r.voided);
	const qr = r.upi_qr_url && !r.voided ? h('figure', { class: 'receipt-upi', 'data-testid': 'receipt-upi' },
		h('img', { src: r.upi_qr_url, alt: 'UPI QR', width: 132, height: 132, 'data-testid': 'receipt-qr' }),
		h('figcaption', {}, L('receipt.upi_scan'))) : null;
	const voidWord = pl === 'en' ? L('receipt.void') : `${tIn('en', 'receipt.void')} · ${L('receipt.void')}`;
	el.append(...[
		h('h2', { class: 'sheet-title' }, L('receipt.title')),
		r.voided ? h('div', { class: 'void-stamp', 'data-testid': 'receipt-void', role: 'note' },
			h('strong', {}, voidWord),
			h('span', {}, L('receipt.voided', { when: fmtDateTime(r.voided_at), who: r.voided_by || '', reason: r.void_reason || '' }))) : null,
		h('div', { class: 'receipt-body' }, h('div', { class: 'receipt-lines' },
			h('table', { class: 'kv' }, h('tbody', {},
				h('tr', {}, h('th', { scope: 'row' }, L('receipt.no')), h('td', { id: 'receipt-no', 'data-testid': 'receipt-no' }, r.receipt_no)),
				row(L('receipt.date'), fmtDateTime(r.created_at)),
				row(L('receipt.patient'), r.patient.name, ` (${L('receipt.clinic_no', { n: r.patient.clinic_no })})`))),
			items.length ? h('table', { class: 'bill', 'data-testid': 'receipt-items' },
				h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, '#'), h('th', { scope: 'col' }, L('receipt.item')),
					h('th', { scope: 'col', class: 'num' }, L('receipt.amount')))),
				h('tbody', {}, items.map((it, i) => h('tr', {},
					h('td', {}, i + 1), h('td', {}, it.description), h('td', { class: 'num' }, money(it.amount_paise)))))) : null,
			h('table', { class: 'kv' }, h('tbody', {},
				h('tr', {}, h('th', { scope: 'row' }, items.length ? L('receipt.total') : L('receipt.amount')),
					h('td', { id: 'receipt-amount', class: 'amount', 'data-testid': 'receipt-amount' }, money(r.amount_paise))),
				h('tr', {}, h('th', {}, ''), h('td', { class: 'muted' }, amountInWords(r.amount_paise))),
				row(L('receipt.paid_by'), L(`mode.${r.mode}`)),
				r.note ? row(L('receipt.for'), r.note) : null))),
			qr),
		h('div', { class: 'signature' }, h('div', { class: 'sig-block' },
			h('div', { class: 'sig-line' }, L('receipt.received_by')), h('div', { 'data-testid': 'receipt-received-by' }, r.received_by || ''))),
	].filter(Boolean));
	return el;
}
