// receipt.js — the printed receipt: ONE function draws it, for the payments
// screen (just after a payment is taken) and for its print address
// (#/print/receipt/<payment id>). Whatever a receipt gains (its labels in the
// patient's language, a UPI QR code) goes into receiptSheet() alone.
import { h, money, fmtDateTime, letterhead, amountInWords, clinicNo } from '../ui.js';
import { session } from '../session.js';

export const PAY_MODES = [['cash', 'Cash'], ['upi', 'UPI'], ['card', 'Card']];
export const modeLabel = m => (PAY_MODES.find(([v]) => v === m) || [m, m])[1];

// The receipt of payment R (GET /api/payments/{id}, or what POST answered),
// on the clinic's letterhead (SETTINGS): number, date, patient, the lines of
// an itemised bill, the amount in figures and words, how it was paid, who
// received it; a voided receipt says so across it, with when, who and why.
export function receiptSheet(r, { settings = session.settings } = {}) {
	const items = Array.isArray(r.items) ? r.items : [];
	const row = (label, ...value) => h('tr', {}, h('th', { scope: 'row' }, label), h('td', {}, ...value));
	return h('article', { class: `sheet receipt${r.voided ? ' voided' : ''}`, id: 'receipt', 'data-testid': 'receipt', 'data-id': r.id },
		letterhead(settings),
		h('h2', { class: 'sheet-title' }, 'Receipt'),
		r.voided ? h('div', { class: 'void-stamp', 'data-testid': 'receipt-void', role: 'note' },
			h('strong', {}, 'VOID'),
			h('span', {}, ` Voided ${fmtDateTime(r.voided_at)}${r.voided_by ? ` by ${r.voided_by}` : ''}${r.void_reason ? `: ${r.void_reason}` : ''}`)) : null,
		h('table', { class: 'kv' }, h('tbody', {},
			h('tr', {}, h('th', { scope: 'row' }, 'Receipt no.'), h('td', { id: 'receipt-no', 'data-testid': 'receipt-no' }, r.receipt_no)),
			row('Date', fmtDateTime(r.created_at)),
			row('Patient', r.patient.name, clinicNo(r.patient) ? ` (${clinicNo(r.patient)})` : ''))),
		items.length ? h('table', { class: 'bill', 'data-testid': 'receipt-items' },
			h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, '#'), h('th', { scope: 'col' }, 'Item'), h('th', { scope: 'col', class: 'num' }, 'Amount'))),
			h('tbody', {}, items.map((it, i) => h('tr', {},
				h('td', {}, i + 1), h('td', {}, it.description), h('td', { class: 'num' }, money(it.amount_paise)))))) : null,
		h('table', { class: 'kv' }, h('tbody', {},
			h('tr', {}, h('th', { scope: 'row' }, items.length ? 'Total' : 'Amount'),
				h('td', { id: 'receipt-amount', class: 'amount', 'data-testid': 'receipt-amount' }, money(r.amount_paise))),
			h('tr', {}, h('th', {}, ''), h('td', { class: 'muted' }, amountInWords(r.amount_paise))),
			row('Paid by', modeLabel(r.mode)),
			r.note ? row('For', r.note) : null)),
		h('div', { class: 'signature' }, h('div', { class: 'sig-block' },
			h('div', { class: 'sig-line' }, 'Received by'), h('div', { 'data-testid': 'receipt-received-by' }, r.received_by || ''))));
}
