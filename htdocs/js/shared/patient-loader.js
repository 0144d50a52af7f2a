// patient-loader.js — one patient by id, for every screen that starts from a
// patient number in its address (#/patient/12, #/payments?patient=12, …).
import { api } from '../api.js';
import { t } from '../i18n.js';
import { cachedPatient } from '../offline/cache.js';

// loadPatient(id) → the patient object of GET /api/patients/{id}; a missing
// one is an ApiError 404 with a sentence the screen can show as it is.
export async function loadPatient(id) {
	try {
		return await api.patient(id);
	} catch (err) {
		if (err.status === 404) err.message = t('loader.no_patient', { id });
		// Without the network: the patient as kept on this computer, if kept.
		if (err.status === 0) { const p = await cachedPatient(id).catch(() => null); if (p) return p; }
		throw err;
	}
}
