// mock-api.mjs — an in-memory stand-in for the NalamDesk API (per
// /work/shared/api-contract.md) that also serves htdocs/ with the production
// CSP, so the front end can be exercised before the C backend runs.
// Usage: node tests/browser/mock-api.mjs [port]   (users: admin/doctor/desk, password "password1")
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../htdocs');
const PORT = Number(process.argv[2] || 8099);
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; frame-ancestors 'none'";
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.png': 'image/png', '.svg': 'image/svg+xml' };

const now = () => new Date().toISOString();
const today = () => new Date(Date.now() + 5.5 * 3600e3).toISOString().slice(0, 10);
let rev = 1;
const db = {
	users: [
		{ id: 1, username: 'admin', name: 'Admin', role: 'admin', active: true, version: 1 },
		{ id: 2, username: 'doctor', name: 'Dr. Meena', role: 'doctor', active: true, version: 1 },
		{ id: 3, username: 'desk', name: 'Kavya', role: 'frontdesk', active: true, version: 1 },
	],
	settings: { clinic_name: 'Nalam Clinic', doctor_name: 'Dr. Meena Raman', qualification: 'MBBS, MD', registration_no: 'TN 12345', address: '12 Gandhi Road, Madurai', phone: '0452 222 333', consultation_fee_paise: 30000, timezone: 'Asia/Kolkata', version: 1 },
	patients: [
		{ id: 1, clinic_no: 'P0001', name: 'Lakshmi Narayanan', sex: 'F', age_years: 42, phone: '9876543210', allergies: 'Penicillin', version: 1, created_at: now() },
		{ id: 2, clinic_no: 'P0002', name: 'முருகன் செல்வம்', sex: 'M', dob: '1980-05-01', phone: '9123456780', version: 1, created_at: now() },
	],
	queue: [], visits: [], payments: [], appts: [], audit: [], backups: [],
};
const sessions = new Map();
let fails = 0;

function send(res, status, body, headers = {}) {
	const h = { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...headers };
	if (body === undefined || status === 204 || status === 304) { res.writeHead(status, h); res.end(); return; }
	res.writeHead(status, h);
	res.end(JSON.stringify(body));
}
const err = (res, status, code, message, field) => send(res, status, { error: { code, message, ...(field ? { field } : {}) } });

function who(req) {
	const m = /nd_session=([a-f0-9]+)/.exec(req.headers.cookie || '');
	return m && sessions.get(m[1]);
}

function qentry(e) {
	const p = db.patients.find(x => x.id === e.patient_id);
	return { ...e, patient: { id: p.id, name: p.name, clinic_no: p.clinic_no, sex: p.sex, age_years: p.age_years ?? 44, phone: p.phone } };
}

const routes = [];
const route = (method, pattern, roles, fn) => routes.push({ method, re: new RegExp(`^${pattern.replace(/:\w+/g, '(\\d+)')}$`), roles, fn });

route('POST', '/api/auth/login', null, (req, res, b) => {
	const u = db.users.find(x => x.username === b.username && x.active);
	if (fails >= 5) return err(res, 429, 'rate_limited', 'Too many attempts');
	if (!u || b.password !== 'password1') { fails++; return err(res, 401, 'bad_credentials', 'Wrong username or password'); }
	fails = 0;
	const t = crypto.randomBytes(16).toString('hex');
	sessions.set(t, u);
	send(res, 200, { user: u }, { 'Set-Cookie': `nd_session=${t}; HttpOnly; SameSite=Strict; Path=/` });
});
route('POST', '/api/auth/logout', '*', (req, res) => { sessions.clear(); send(res, 204); });
route('GET', '/api/auth/me', '*', (req, res, b, u) => send(res, 200, { user: u }));
route('POST', '/api/auth/password', '*', (req, res, b) => b.current_password === 'password1' ? send(res, 204) : err(res, 422, 'wrong_password', 'The current password is wrong', 'current_password'));
route('GET', '/api/settings', '*', (req, res) => send(res, 200, db.settings));
route('PUT', '/api/settings', ['admin'], (req, res, b) => { db.settings = { ...b, version: db.settings.version + 1 }; send(res, 200, db.settings); });
route('GET', '/api/users', ['admin'], (req, res) => send(res, 200, { users: db.users }));
route('POST', '/api/users', ['admin'], (req, res, b) => {
	if (db.users.some(u => u.username === b.username)) return err(res, 409, 'exists', 'That username is taken', 'username');
	if ((b.password || '').length < 10) return err(res, 422, 'invalid', 'The password must have at least 10 characters', 'password');
	const u = { id: db.users.length + 1, username: b.username, name: b.name, role: b.role, active: true, version: 1 };
	db.users.push(u); send(res, 201, { user: u });
});
route('PATCH', '/api/users/:id', ['admin'], (req, res, b, me, [id]) => {
	const u = db.users.find(x => x.id === +id);
	if (b.version !== u.version) return err(res, 409, 'stale_version', 'Stale');
	for (const k of ['name', 'role', 'active']) if (k in b) u[k] = b[k];
	u.version++; send(res, 200, { user: u });
});
const DESK = ['frontdesk', 'doctor'];
route('GET', '/api/patients', DESK, (req, res, b, u, p, q) => {
	const s = (q.get('q') || '').toLowerCase();
	send(res, 200, { patients: db.patients.filter(x => x.name.toLowerCase().split(/\s+/).some(w => w.startsWith(s)) || (x.phone || '').includes(s) || x.clinic_no.toLowerCase() === s) });
});
route('GET', '/api/patients/duplicates', DESK, (req, res, b, u, p, q) => {
	const n = (q.get('name') || '').toLowerCase(), ph = q.get('phone');
	send(res, 200, { candidates: db.patients.filter(x => x.name.toLowerCase() === n || (ph && x.phone === ph)) });
});
route('POST', '/api/patients', DESK, (req, res, b) => {
	if (b.phone && !/^[6-9]\d{9}$/.test(b.phone)) return err(res, 422, 'invalid', 'Phone must be 10 digits', 'phone');
	const p = { ...b, id: db.patients.length + 1, clinic_no: `P${String(db.patients.length + 1).padStart(4, '0')}`, version: 1, created_at: now() };
	db.patients.push(p); send(res, 201, p);
});
route('GET', '/api/patients/:id', DESK, (req, res, b, u, [id]) => {
	const p = db.patients.find(x => x.id === +id);
	p ? send(res, 200, p) : err(res, 404, 'not_found', 'No such patient');
});
route('PATCH', '/api/patients/:id', DESK, (req, res, b, u, [id]) => {
	const p = db.patients.find(x => x.id === +id);
	if (b.version !== p.version) return err(res, 409, 'stale_version', 'Stale');
	Object.assign(p, b, { version: p.version + 1 }); send(res, 200, p);
});
route('GET', '/api/queue', DESK, (req, res) => {
	const tag = `"q${rev}"`;
	if (req.headers['if-none-match'] === tag) return send(res, 304, undefined, { ETag: tag });
	send(res, 200, { date: today(), rev, entries: db.queue.map(qentry) }, { ETag: tag });
});
route('GET', '/api/queue/display', null, (req, res) => {
	const tag = `"d${rev}"`;
	if (req.headers['if-none-match'] === tag) return send(res, 304, undefined, { ETag: tag });
	send(res, 200, { date: today(), rev, serving: db.queue.filter(e => e.status === 'in_consult').map(e => ({ token: e.token })), waiting: db.queue.filter(e => e.status === 'waiting').map(e => ({ token: e.token })) }, { ETag: tag });
});
route('POST', '/api/queue', DESK, (req, res, b) => {
	if (db.queue.some(e => e.patient_id === b.patient_id && ['waiting', 'in_consult'].includes(e.status))) return err(res, 409, 'already_queued', 'This patient is already in today’s queue');
	const e = { id: db.queue.length + 1, token: db.queue.length + 1, patient_id: b.patient_id, reason: b.reason || '', status: 'waiting', created_at: now(), updated_at: now() };
	db.queue.push(e); rev++; send(res, 201, qentry(e));
});
const MOVES = { waiting: ['in_consult', 'cancelled', 'no_show'], in_consult: ['done', 'waiting'] };
route('PATCH', '/api/queue/:id', DESK, (req, res, b, u, [id]) => {
	const e = db.queue.find(x => x.id === +id);
	if (!(MOVES[e.status] || []).includes(b.status)) return err(res, 409, 'illegal_transition', `Cannot go from ${e.status} to ${b.status}`);
	e.status = b.status; e.updated_at = now(); rev++; send(res, 200, qentry(e));
});
route('POST', '/api/visits', ['doctor'], (req, res, b) => {
	const old = b.queue_id && db.visits.find(x => x.queue_id === b.queue_id && x.status === 'draft');
	if (old) return send(res, 200, old);
	const e = b.queue_id && db.queue.find(x => x.id === b.queue_id);
	if (e && e.status === 'waiting') { e.status = 'in_consult'; rev++; }
	const v = { id: db.visits.length + 1, patient_id: b.patient_id, queue_id: b.queue_id ?? null, status: 'draft', complaint: '', vitals: {}, notes: '', diagnoses: [], prescriptions: [], advice: '', follow_up_date: null, version: 1, created_at: now(), updated_at: now() };
	db.visits.push(v); send(res, 201, v);
});
route('GET', '/api/visits/:id', ['doctor'], (req, res, b, u, [id]) => send(res, 200, db.visits.find(x => x.id === +id)));
route('PATCH', '/api/visits/:id', ['doctor'], (req, res, b, u, [id]) => {
	const v = db.visits.find(x => x.id === +id);
	if (v.status === 'final' || b.version !== v.version) return err(res, 409, 'stale_version', 'Stale');
	if (b.vitals?.pulse > 300) return err(res, 422, 'range', 'Pulse must be between 20 and 300', 'vitals.pulse');
	Object.assign(v, b, { version: v.version + 1, updated_at: now() }); send(res, 200, v);
});
route('POST', '/api/visits/:id/finalize', ['doctor'], (req, res, b, u, [id]) => {
	const v = db.visits.find(x => x.id === +id);
	if (v.status === 'final') return err(res, 409, 'final', 'Already final');
	v.status = 'final'; v.finalized_at = now();
	const e = db.queue.find(x => x.id === v.queue_id); if (e) { e.status = 'done'; rev++; }
	send(res, 200, v);
});
route('GET', '/api/patients/:id/visits', ['doctor'], (req, res, b, u, [id]) => {
	const mine = db.visits.filter(v => v.patient_id === +id).reverse();
	const fin = mine.filter(v => v.status === 'final');
	send(res, 200, { patient: db.patients.find(p => p.id === +id), total: fin.length, visits: fin, draft: mine.find(v => v.status !== 'final') || null });
});
route('GET', '/api/medicines', ['doctor'], (req, res, b, u, p, q) => {
	const all = ['Paracetamol', 'Pantoprazole', 'Amoxicillin', 'Azithromycin', 'Cetirizine', 'Metformin', 'Amlodipine'];
	send(res, 200, { medicines: all.filter(m => m.toLowerCase().startsWith((q.get('q') || '').toLowerCase())).map(name => ({ name, strength: name === 'Paracetamol' ? '500 mg' : undefined, form: 'tablet' })) });
});
route('POST', '/api/payments', DESK, (req, res, b) => {
	if (!(b.amount_paise > 0)) return err(res, 422, 'invalid', 'Amount must be more than zero', 'amount_paise');
	const p = { ...b, id: db.payments.length + 1, receipt_no: `R-${String(db.payments.length + 1).padStart(5, '0')}`, created_at: now() };
	db.payments.push(p); send(res, 201, p);
});
route('GET', '/api/reports/daily', DESK, (req, res, b, u, p, q) => {
	const c = { cash: 0, upi: 0, card: 0, total: 0 };
	for (const x of db.payments) { c[x.mode] += x.amount_paise; c.total += x.amount_paise; }
	send(res, 200, { date: q.get('date'), patients_seen: db.queue.filter(e => e.status === 'done').length, new_patients: db.patients.length, tokens_issued: db.queue.length, collections: c });
});
route('GET', '/api/appointments', DESK, (req, res, b, u, p, q) => send(res, 200, { appointments: db.appts.filter(a => a.date === q.get('date')).map(a => ({ ...a, patient: qentry({ patient_id: a.patient_id }).patient })) }));
route('POST', '/api/appointments', DESK, (req, res, b) => { const a = { ...b, id: db.appts.length + 1, status: 'booked', version: 1 }; db.appts.push(a); send(res, 201, a); });
route('PATCH', '/api/appointments/:id', DESK, (req, res, b, u, [id]) => {
	const a = db.appts.find(x => x.id === +id);
	if (b.version !== a.version) return err(res, 409, 'stale_version', 'Stale');
	a.status = b.status; a.version++;
	if (b.status === 'arrived') { db.queue.push({ id: db.queue.length + 1, token: db.queue.length + 1, patient_id: a.patient_id, reason: a.reason, status: 'waiting', created_at: now() }); rev++; }
	send(res, 200, a);
});
route('GET', '/api/audit', ['admin'], (req, res) => send(res, 200, { entries: [{ id: 1, at: now(), username: 'desk', role: 'frontdesk', action: 'patient.read', entity: 'patient', entity_id: 1, ip: '192.168.1.20' }] }));
route('GET', '/api/backups', ['admin'], (req, res) => send(res, 200, { backups: db.backups }));
route('POST', '/api/backups', ['admin'], (req, res) => { const x = { name: `nalamdesk-${Date.now()}.db`, size_bytes: 1234567, created_at: now(), integrity: 'ok' }; db.backups.unshift(x); send(res, 201, x); });
route('GET', '/api/system', ['admin', 'doctor'], (req, res) => send(res, 200, { version: '0.1.0', db_size_bytes: 5242880, disk_free_bytes: 1073741824, last_backup_at: now(), cert_expires_at: '2027-01-01T00:00:00Z', backup_stale: true, disk_low: false, pools: { auth: { workers: 2, alive: 2 }, queue: { workers: 2, alive: 2 } } }));

http.createServer((req, res) => {
	const url = new URL(req.url, 'http://x');
	if (!url.pathname.startsWith('/api/')) {
		const file = path.join(ROOT, url.pathname === '/' ? 'index.html' : path.normalize(url.pathname));
		if (!file.startsWith(ROOT) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) { res.writeHead(404); res.end('not found'); return; }
		res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream', 'Content-Security-Policy': CSP, 'Cache-Control': 'no-cache' });
		fs.createReadStream(file).pipe(res);
		return;
	}
	let raw = '';
	req.on('data', c => { raw += c; });
	req.on('end', () => {
		if (req.method !== 'GET' && req.headers['content-type'] !== 'application/json') return err(res, 415, 'unsupported_media_type', 'Send JSON');
		let body = {};
		try { body = raw ? JSON.parse(raw) : {}; } catch { return err(res, 400, 'bad_json', 'Malformed JSON'); }
		const r = routes.find(x => x.method === req.method && x.re.test(url.pathname));
		if (!r) return err(res, 404, 'not_found', 'No such endpoint');
		const user = who(req);
		if (r.roles && !user) return err(res, 401, 'unauthenticated', 'Please sign in');
		if (Array.isArray(r.roles) && !r.roles.includes(user.role)) return err(res, 403, 'forbidden', 'Not for your role');
		const params = r.re.exec(url.pathname).slice(1);
		db.audit.push({ at: now(), path: url.pathname });
		r.fn(req, res, body, user, params, url.searchParams);
	});
}).listen(PORT, '127.0.0.1', () => console.log(`mock api on http://127.0.0.1:${PORT}/`));
