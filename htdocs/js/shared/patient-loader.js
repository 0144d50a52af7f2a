// patient-loader.js — one patient by id, for every screen that starts from a
// patient number in its address (#/patient/12, #/payments?patient=12, …).
import { api } from '../api.js';
import { t } from '../i18n.js';

// loadPatient(id) → the patient object of GET /api/patients/{id}; a missing
// one is an ApiError 404 with a sentence the screen can show as it is.
export async function loadPatient(id) {
	try {
		return await api.patient(id);
	} catch (err) {
		if (err.status === 404) err.message = t('loader.no_patient', { id });
		throw err;
	}
}
