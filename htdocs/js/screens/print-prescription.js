// print-prescription.js — #/print/prescription/<visit id>: a finalized
// visit's prescription alone, on the clinic's paper, for the doctor and the
// front desk (a reprint for a patient who lost theirs). A draft answers
// 403 not_finalized, shown as a message.
import { api } from '../api.js';
import { notice, replace } from '../ui.js';
import { hasRole } from '../session.js';
import { prescriptionSheet } from '../shared/prescription-sheet.js';
import { printFrame } from '../shared/print-sheet.js';

export async function render(root, { id }) {
	let rx;
	try {
		rx = await api.prescription(id);
	} catch (err) {
		replace(root, notice(err.code === 'not_finalized'
			? 'This visit is not finalized yet, so its prescription cannot be printed.' : err.message, 'error'));
		return null;
	}
	const back = [['Patient', `/patient/${rx.patient.id}`]];
	if (hasRole('doctor')) back.push(['Back to queue', '/queue']);
	return printFrame(root, prescriptionSheet(rx), { title: `Prescription — ${rx.patient.name}`, back });
}
