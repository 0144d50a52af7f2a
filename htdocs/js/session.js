// session.js — who is signed in and the clinic's settings, shared by all screens.
import { api } from './api.js';

export const DEFAULT_TZ = 'Asia/Kolkata';

export const session = {
	user: null,		// {id, username, name, role}
	settings: {},		// GET /api/settings
	get tz() { return this.settings.timezone || DEFAULT_TZ; },
};

export function hasRole(...roles) {
	return !!session.user && roles.includes(session.user.role);
}

// GET /api/settings (answered unwrapped). On failure the settings already
// loaded stay (the screens still draw with defaults) and the error is thrown.
export async function loadSettings() {
	session.settings = await api.settings();
	return session.settings;
}

// Consultation drafts live in localStorage under this prefix (see screens/consult.js).
export const DRAFT_PREFIX = 'nd.visit.';

// On sign-out, drop local copies the server already has; keep unsaved ones.
export function forgetSavedDrafts() {
	for (const k of Object.keys(localStorage)) {
		if (!k.startsWith(DRAFT_PREFIX)) continue;
		try {
			if (!JSON.parse(localStorage.getItem(k)).dirty) localStorage.removeItem(k);
		} catch { localStorage.removeItem(k); }
	}
}
