// print-receipt.js — #/print/receipt/<payment id>: a receipt's own address,
// the sheet alone on the clinic's paper for a reprint (GET /api/payments/{id};
// a voided receipt prints with its VOID mark). The frame is print-sheet.js's.
import { api } from '../api.js';
import { notice, replace } from '../ui.js';
import { receiptSheet } from '../shared/receipt.js';
import { printFrame } from '../shared/print-sheet.js';
import { t } from '../i18n.js';

export async function render(root, params) {
	if (!/^[1-9]\d{0,15}$/.test(params.id || '')) {
		replace(root, notice(t('pr.no_receipt'), 'error'));
		return null;
	}
	const r = await api.payment(params.id);
	const title = document.title;
	document.title = `Receipt ${r.receipt_no} — ${r.patient.name}`;	// a saved PDF's name
	const done = printFrame(root, receiptSheet(r), {
		title: t(r.voided ? 'pr.receipt_void' : 'pr.receipt_title', { no: r.receipt_no }),
		back: [[t('pay.title'), `/payments?date=${r.date}`]],
	});
	return () => { done(); document.title = title; };
}
