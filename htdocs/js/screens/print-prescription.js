// print-prescription.js — #/print/prescription/<visit id>: a finalized
// visit's prescription alone, on the clinic's paper, for the doctor and the
// front desk (a reprint for a patient who lost theirs). A draft answers
// 403 not_finalized, shown as a message.
import { api } from '../api.js';
import { notice, replace } from '../ui.js';
import { hasRole } from '../session.js';
import { prescriptionSheet } from '../shared/prescription-sheet.js';
import { printFrame } from '../shared/print-sheet.js';
import { t } from '../i18n.js';

export async function render(root, { id }) {
	let rx;
	try {
		rx = await api.prescription(id);
	} catch (err) {
		replace(root, notice(err.code === 'not_finalized'
			? t('pr.not_final') : err.message, 'error'));
		return null;
	}
	const back = [[t('cs.patient'), `/patient/${rx.patient.id}`]];
	if (hasRole('doctor')) back.push([t('cs.back'), '/queue']);
	return printFrame(root, prescriptionSheet(rx), { title: t('cs.title_print', { name: rx.patient.name }), back });
}
