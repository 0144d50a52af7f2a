// api.js — the one way the front end talks to the server.
//
// JSON in and out, same-origin credentials, Content-Type: application/json on
// every write (the server answers 415 without it). Errors always arrive as an
// ApiError {status, code, message, field}. A 401 asks the app to sign in again
// (the screen underneath stays as it was, so nothing typed is lost) and then
// repeats the request once. GETs that fail on the network are retried a few
// times before giving up with a plain-language message.
//
// Every endpoint the screens use has one function in `api` below, with the
// shape docs/api.md gives its answer. An answer of another shape is not
// guessed at: it is logged in the console and thrown as ApiError 'bad_answer',
// which the screen shows like any other error.

import { t } from './i18n.js';

// Messages in the screens' language (i18n.js), read when an error is made.
const STALE_MESSAGE = () => t('api.stale');
const NETWORK_MESSAGE = () => t('api.network');
const BAD_ANSWER_MESSAGE = () => t('api.bad_answer');

// For answers without the error object (a proxy, a dropped connection mid-answer).
const DEFAULT_MESSAGE = status => status === 409 ? STALE_MESSAGE()
	: [400, 401, 403, 404, 413, 422, 429, 500, 503].includes(status) ? t(`api.${status}`)
	: status === 415 ? t('api.400') : null;

const GET_RETRY_DELAYS = [400, 1200, 3000];	// ms; bounded: 4 tries in all
const TIMEOUT_MS = 20000;
const PAGE_MAX = 200;	// the largest ?limit= a list takes

class ApiError extends Error {
	constructor(status, code, message, field) {
		super(message);
		this.status = status;	// 0 = network failure
		this.code = code;
		this.field = field || null;
	}
}

let authHandler = null;

// fn() shows the sign-in form and resolves once signed in again.
export function onAuthRequired(fn) { authHandler = fn; }

const sleep = ms => new Promise(r => setTimeout(r, ms));

async function once(method, path, body, etag, key) {
	const headers = { Accept: 'application/json' };
	const init = { method, headers, credentials: 'same-origin', cache: 'no-store' };
	if (method !== 'GET') {
		headers['Content-Type'] = 'application/json';
		init.body = JSON.stringify(body === undefined ? {} : body);
	}
	if (etag) headers['If-None-Match'] = etag;
	if (key) headers['Idempotency-Key'] = key;	// the outbox's writes (js/offline/outbox.js)
	const ctl = new AbortController();
	const timer = setTimeout(() => ctl.abort(), TIMEOUT_MS);
	init.signal = ctl.signal;
	try {
		return await fetch(path, init);
	} finally {
		clearTimeout(timer);
	}
}

// The error shape of docs/api.md §1.4: {"error": {code, message, field?}}.
async function toError(res) {
	let e = {};
	try { e = (await res.json()).error || {}; } catch { /* not JSON: a proxy's page */ }
	let message = e.message || DEFAULT_MESSAGE(res.status) || t('api.unexpected', { status: res.status });
	// A stale version gets the one standard sentence; other 409s (illegal move,
	// already in the queue, visit finalized) keep the server's more precise words.
	if (e.code === 'stale_version') message = STALE_MESSAGE();
	const err = new ApiError(res.status, e.code || `http_${res.status}`, message, e.field);
	if (Array.isArray(e.conflicts)) err.conflicts = e.conflicts;	// 409 allergy_conflict (§9)
	return err;
}

// request(method, path, {body, etag, auth, key}) → {status, etag, data}
//   status 304 → data null (only when etag was given).
//   auth:false → a 401 is thrown to the caller instead of asking to sign in.
//   key → sent as Idempotency-Key: the same key again gets the first answer, nothing written twice.
async function request(method, path, { body, etag, auth = true, key } = {}) {
	let res;
	for (let attempt = 0; ; attempt++) {
		try {
			res = await once(method, path, body, etag, key);
		} catch {
			res = null;
		}
		const retryable = !res || res.status === 502 || res.status === 503 || res.status === 504;
		if (!res && !navigator.onLine) break;	// no network at all: say so at once
		if (!retryable || method !== 'GET' || attempt >= GET_RETRY_DELAYS.length) break;
		await sleep(GET_RETRY_DELAYS[attempt]);
	}
	if (!res) throw new ApiError(0, 'network', NETWORK_MESSAGE());
	if (res.status === 401 && auth && authHandler) {
		await authHandler();
		return request(method, path, { body, etag, auth: false, key });
	}
	if (res.status === 304) return { status: 304, etag, data: null };
	if (!res.ok) throw await toError(res);
	let data = null;
	if (res.status !== 204) {
		const text = await res.text();
		if (text) {
			try { data = JSON.parse(text); } catch { throw badAnswer(method, path, res.status, 'JSON', text); }
		}
	}
	return { status: res.status, etag: res.headers.get('ETag'), data };
}

function badAnswer(method, path, status, what, got) {
	console.error(`${method} ${path}: expected ${what}, got`, got);
	return new ApiError(status, 'bad_answer', BAD_ANSWER_MESSAGE());
}

// ---------- answer shapes (docs/api.md) ----------
// A shape is {what, take(data)}: take returns the part the screens use, or
// undefined when the data is not that shape. Records are checked for the
// members the screens rely on; members added later are let through.

const isObj = v => v !== null && typeof v === 'object' && !Array.isArray(v);

// An object having every one of KEYS (null values allowed).
const rec = (what, ...keys) => ({ what, take: d => isObj(d) && keys.every(k => k in d) ? d : undefined });
// {KEY: shape} → the inner value.
const inKey = (key, s) => ({ what: `{${key}: ${s.what}}`, take: d => isObj(d) ? s.take(d[key]) : undefined });
// {KEY: [shape]} → the array.
const listIn = (key, s) => ({
	what: `{${key}: [${s.what}]}`,
	take: d => isObj(d) && Array.isArray(d[key]) && d[key].every(x => s.take(x) !== undefined) ? d[key] : undefined,
});
const orNull = s => ({ what: `${s.what} or null`, take: d => d === null ? null : s.take(d) });
// 204: no body.
const NOTHING = { what: 'no body', take: d => d === null ? null : undefined };

const USER = rec('user', 'id', 'username', 'name', 'role');
const STAFF = rec('user', 'id', 'username', 'name', 'role', 'active', 'version');
const SETTINGS = rec('settings', 'clinic_name', 'timezone', 'consultation_fee_paise', 'logo_url', 'version');
const PATIENT = rec('patient', 'id', 'clinic_no', 'name', 'sex', 'version');
const ENTRY = rec('queue entry', 'id', 'token', 'status', 'priority', 'position', 'version', 'patient');
const QVITALS = rec('queue entry vitals', 'queue_id', 'complaint', 'vitals', 'recorded_at', 'version');
const APPOINTMENT = rec('appointment', 'id', 'date', 'time', 'status', 'version', 'patient');
const PAYMENT = rec('payment', 'id', 'receipt_no', 'amount_paise', 'mode', 'created_at', 'patient', 'items', 'voided', 'received_by');
const DAY_PAYMENTS = {
	what: '{date, payments: [payment]}',
	take: d => rec('', 'date').take(d) && listIn('payments', PAYMENT).take(d) ? d : undefined,
};
const REPORT = rec('daily report', 'date', 'patients_seen', 'new_patients', 'tokens_issued', 'collections');
const RANGE = {
	what: '{from, to, days: [daily report], totals}',
	take: d => rec('', 'from', 'to').take(d) && listIn('days', REPORT).take(d) &&
		rec('', 'patients_seen', 'new_patients', 'tokens_issued', 'collections').take(d.totals) ? d : undefined,
};
const CHARGES = {
	what: '{version, charges: [{description, amount_paise}]}',
	take: d => rec('', 'version').take(d) && listIn('charges', rec('charge', 'description', 'amount_paise')).take(d) ? d : undefined,
};
const VISIT = rec('visit', 'id', 'status', 'date', 'version', 'patient');
const MEDICINE = rec('medicine', 'name', 'strength', 'form', 'brand', 'ingredients');
const PRESCRIPTION = rec('prescription', 'visit_id', 'date', 'patient', 'vitals', 'diagnoses', 'prescriptions', 'advice', 'follow_up_date');
const RX_ITEM = rec('prescription', 'visit_id', 'date', 'medicines');
const AUDIT_ROW = rec('audit row', 'id', 'ts', 'first_ts', 'count', 'actions', 'username', 'user_name', 'role', 'ip', 'action',
	'action_text', 'entity', 'entity_id', 'patient');
const BACKUP = rec('backup', 'file', 'size_bytes', 'created_at', 'integrity', 'present');
const SYSTEM = rec('system status', 'backup_stale', 'backup_never', 'disk_low');	// /api/system/warnings: these three only
const BACKUP_COPY = rec('backup copy', 'dir', 'reachable', 'last_file', 'last_at');
const QUEUE = {
	what: '{date, rev, entries: [queue entry]}',
	take: d => rec('', 'date', 'rev').take(d) && listIn('entries', ENTRY).take(d) ? d : undefined,
};
const FOLLOWUP = rec('follow-up', 'visit_id', 'follow_up_date', 'when', 'patient', 'tel', 'whatsapp');
const FOLLOWUPS = {
	what: '{date, followups: [follow-up]}',
	take: d => rec('', 'date').take(d) && listIn('followups', FOLLOWUP).take(d) ? d : undefined,
};
const TOKEN = rec('token', 'token');
const CACHED_PATIENT = rec('patient', 'id', 'clinic_no', 'name', 'sex', 'age_years', 'phone', 'version');
const CHANGES = {
	what: '{epoch, cursor, more, patients: [patient], queue: [queue entry], appointments: [appointment]}',
	take: d => rec('', 'epoch', 'cursor', 'more').take(d) && listIn('patients', CACHED_PATIENT).take(d) &&
		listIn('queue', ENTRY).take(d) && listIn('appointments', APPOINTMENT).take(d) ? d : undefined,
};
const BOARD = {
	what: '{date, clinic_name, serving: [{token}], waiting: [{token}]}',
	take: d => rec('', 'date', 'clinic_name').take(d) && listIn('serving', TOKEN).take(d) && listIn('waiting', TOKEN).take(d) ? d : undefined,
};
const HISTORY = {
	what: '{patient, total, visits: [visit], draft: visit or null}',
	take: d => rec('', 'patient', 'total').take(d) && listIn('visits', VISIT).take(d) &&
		orNull(VISIT).take(d.draft) !== undefined ? d : undefined,
};

// Checks DATA against SHAPE; returns the part the screens use or throws.
function take(method, path, status, data, shape) {
	const v = shape.take(data);
	if (v === undefined) throw badAnswer(method, path, status, shape.what, data);
	return v;
}

async function call(method, path, shape, opts = {}) {
	const r = await request(method, path, opts);
	return take(method, path, r.status, r.data, shape);
}

// Build "path?a=1&b=2", leaving out empty values.
function qs(path, params = {}) {
	const u = new URLSearchParams();
	for (const [k, v] of Object.entries(params)) {
		if (v !== undefined && v !== null && v !== '') u.set(k, v);
	}
	const s = u.toString();
	return s ? `${path}?${s}` : path;
}

const id = n => encodeURIComponent(n);
const body = (b, key) => ({ body: b, key });

// ---------- the endpoints (docs/api.md, section in brackets) ----------

export const api = {
	// [3] auth — sign-in and password errors go to the caller (auth: false), not to the sign-in prompt.
	login: (username, password) => call('POST', '/api/auth/login', inKey('user', USER), { body: { username, password }, auth: false }),
	logout: () => call('POST', '/api/auth/logout', NOTHING, { auth: false }),
	me: () => call('GET', '/api/auth/me', inKey('user', USER), { auth: false }),
	changePassword: b => call('POST', '/api/auth/password', NOTHING, { body: b, auth: false }),
	setMyLanguage: language => call('PATCH', '/api/auth/me', inKey('user', USER), body({ language })),

	// [4.1] users
	users: () => every(page => call('GET', qs('/api/users', page), listIn('users', STAFF))),
	addUser: b => call('POST', '/api/users', inKey('user', STAFF), body(b)),
	updateUser: (uid, b) => call('PATCH', `/api/users/${id(uid)}`, inKey('user', STAFF), body(b)),
	unlockUser: uid => call('POST', `/api/users/${id(uid)}/unlock`, inKey('user', STAFF)),

	// [4.2] settings and logo
	settings: () => call('GET', '/api/settings', SETTINGS),
	saveSettings: b => call('PUT', '/api/settings', SETTINGS, body(b)),
	saveLogo: dataUrl => call('PUT', '/api/settings/logo', rec('logo', 'logo_url'), body({ data_url: dataUrl })),
	removeLogo: () => call('DELETE', '/api/settings/logo', NOTHING),

	// [4.3] audit trail; auditCsvUrl is a link, not a call
	audit: filters => call('GET', qs('/api/audit', filters), listIn('entries', AUDIT_ROW)),
	auditCsvUrl: filters => qs('/api/audit.csv', filters),

	// [4.4] backups, [4.5] system status (auth: false — a role without it just sees no banner)
	backups: () => call('GET', '/api/backups', listIn('backups', BACKUP)),
	backUpNow: () => call('POST', '/api/backups', inKey('backup', BACKUP)),
	backupCopy: () => call('GET', '/api/backups/copy', BACKUP_COPY),
	setBackupCopy: dir => call('PUT', '/api/backups/copy', BACKUP_COPY, { body: { dir } }),
	// [4.6] the admin's exports (CSV, UTF-8 with a BOM): links, not calls
	patientsCsvUrl: () => '/api/export/patients.csv',
	visitsCsvUrl: () => '/api/export/visits.csv',
	paymentsCsvUrl: () => '/api/export/payments.csv',
	system: (opts = {}) => call('GET', '/api/system', SYSTEM, opts),
	systemWarnings: (opts = {}) => call('GET', '/api/system/warnings', SYSTEM, opts),

	// [5] patients
	searchPatients: (q, limit = 20) => call('GET', qs('/api/patients', { q, limit }), listIn('patients', PATIENT)),
	duplicates: (name, phone) => call('GET', qs('/api/patients/duplicates', { name, phone }), listIn('candidates', PATIENT)),
	patient: pid => call('GET', `/api/patients/${id(pid)}`, PATIENT),
	addPatient: (b, key) => call('POST', '/api/patients', PATIENT, body(b, key)),
	updatePatient: (pid, b) => call('PATCH', `/api/patients/${id(pid)}`, PATIENT, body(b)),

	// [6] queue. pollQueue/pollBoard → {notModified, etag, data}: 304 costs nothing.
	pollQueue: etag => poll('/api/queue', etag, QUEUE),
	pollBoard: etag => poll('/api/queue/display', etag, BOARD, { auth: false }),
	addToQueue: (b, key) => call('POST', '/api/queue', ENTRY, body(b, key)),
	setQueueStatus: (qid, status, key) => call('PATCH', `/api/queue/${id(qid)}`, ENTRY, body({ status }, key)),
	setQueuePriority: (qid, priority, version) => call('PATCH', `/api/queue/${id(qid)}`, ENTRY, body({ priority, version })),
	postpone: (qid, places) => call('POST', `/api/queue/${id(qid)}/postpone`, ENTRY, body(places ? { places } : {})),
	callNext: () => call('POST', '/api/queue/next', ENTRY),
	queueVitals: qid => call('GET', `/api/queue/${id(qid)}/vitals`, QVITALS),
	saveQueueVitals: (qid, b) => call('PUT', `/api/queue/${id(qid)}/vitals`, QVITALS, body(b)),

	// [7] appointments
	appointments: date => call('GET', qs('/api/appointments', { date }), listIn('appointments', APPOINTMENT)),
	book: (b, key) => call('POST', '/api/appointments', APPOINTMENT, body(b, key)),
	updateAppointment: (aid, b) => call('PATCH', `/api/appointments/${id(aid)}`, APPOINTMENT, body(b)),

	// [8] billing; rangeReportCsvUrl is a link, not a call
	pay: (b, key) => call('POST', '/api/payments', PAYMENT, body(b, key)),
	payments: date => call('GET', qs('/api/payments', { date }), DAY_PAYMENTS),
	payment: pid => call('GET', `/api/payments/${id(pid)}`, PAYMENT),
	voidPayment: (pid, reason) => call('POST', `/api/payments/${id(pid)}/void`, PAYMENT, body({ reason })),
	dailyReport: date => call('GET', qs('/api/reports/daily', { date }), REPORT),
	rangeReport: (from, to) => call('GET', qs('/api/reports/range', { from, to }), RANGE),
	rangeReportCsvUrl: (from, to) => qs('/api/reports/range', { from, to, format: 'csv' }),
	charges: () => call('GET', '/api/charges', CHARGES),
	saveCharges: b => call('PUT', '/api/charges', CHARGES, body(b)),

	// [9] visits (doctor)
	startVisit: b => call('POST', '/api/visits', VISIT, body(b)),
	visit: vid => call('GET', `/api/visits/${id(vid)}`, VISIT),
	saveVisit: (vid, b) => call('PATCH', `/api/visits/${id(vid)}`, VISIT, body(b)),
	finalize: vid => call('POST', `/api/visits/${id(vid)}/finalize`, VISIT),
	visits: pid => call('GET', `/api/patients/${id(pid)}/visits`, HISTORY),
	medicines: (q, limit = 15) => call('GET', qs('/api/medicines', { q, limit }), listIn('medicines', MEDICINE)),

	// [9.1] the printed prescription (doctor, front desk)
	prescription: vid => call('GET', `/api/visits/${id(vid)}/prescription`, PRESCRIPTION),
	patientPrescriptions: pid => call('GET', qs(`/api/patients/${id(pid)}/prescriptions`, { limit: 50 }), listIn('prescriptions', RX_ITEM)),
	// [9.1] follow-ups: the patients due for review this week
	followups: () => call('GET', '/api/followups', FOLLOWUPS),

	// [12] the offline cache's feed; errors (409 epoch_changed) go to the caller, not the sign-in prompt.
	changes: (since, limit) => call('GET', qs('/api/changes', { since, limit }), CHANGES, { auth: false }),
};

// All pages of a paged list (docs/api.md §1.8): getPage({limit, offset}) → one page.
async function every(getPage) {
	const all = [];
	for (let offset = 0; ; offset += PAGE_MAX) {
		const got = await getPage({ limit: PAGE_MAX, offset });
		all.push(...got);
		if (got.length < PAGE_MAX) return all;
	}
}

// Conditional GET: {notModified, etag, data}; data is checked only when it came.
async function poll(path, etag, shape, opts = {}) {
	const r = await request('GET', path, { ...opts, etag });
	if (r.status === 304) return { notModified: true, etag, data: null };
	return { notModified: false, etag: r.etag || etag, data: take('GET', path, r.status, r.data, shape) };
}
