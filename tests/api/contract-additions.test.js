'use strict';
// contract-additions.test.js — ../shared/api-contract.md read as an outside client reads it:
// each line of "Additions, December 2026" (roles, patients, queue, visits and medicines,
// printing, billing and reports, sign-in and passwords, a Wi-Fi drop, data in and out) checked
// for its path, method, role, field names and types, statuses and error codes, and a pass over
// the original part (it must still hold). The deeper checks of each feature are in their own
// tests; this file is the contract's word against the running stack.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');
const t = require('../lib/t.js');

const BIN = process.env.ND_BIN;
const VAR = process.env.ND_VAR;
const S = {};	// what one test leaves for the next

const isInt = (v) => Number.isInteger(v);
const isStr = (v) => typeof v === 'string';
const isBool = (v) => typeof v === 'boolean';
const strOrNull = (v) => v === null || isStr(v);
const today = () => S.today;
const rnd = (n) => Array.from({ length: n }, () => Math.floor(Math.random() * 10)).join('');

function errIs(res, status, code, what) {
  t.eq([res.status, res.json && res.json.error && res.json.error.code], [status, code], `${what}: ${res.text.slice(0, 200)}`);
}
function hasKeys(obj, keys, what) {
  t.ok(obj && typeof obj === 'object', `${what} is an object: ${JSON.stringify(obj)}`);
  const missing = keys.filter((k) => !(k in obj));
  t.ok(missing.length === 0, `${what} lacks ${missing.join(', ')}: ${JSON.stringify(obj).slice(0, 300)}`);
}
function tool(args, input = '') {
  const r = spawnSync(path.join(BIN, 'nalamdesk-admin'), args, {
    input, encoding: 'utf8', env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=0' },
  });
  return { code: r.status, out: r.stdout || '', err: r.stderr || '' };
}
// The auth program as the machine at ADDR would reach it through nginx (the stack listens on
// loopback alone), on the live database.
function authAs(addr, body) {
  const text = JSON.stringify(body);
  const r = spawnSync(path.join(BIN, 'auth'), ['--cgi'], {
    input: text, encoding: 'utf8',
    env: {
      PATH: process.env.PATH, ASAN_OPTIONS: 'detect_leaks=0', NALAMDESK_DB: path.join(VAR, 'db', 'nalamdesk.db'),
      NALAMDESK_VAR: VAR, REQUEST_METHOD: 'POST', DOCUMENT_URI: '/api/auth/login', QUERY_STRING: '',
      HTTP_HOST: 'localhost', REMOTE_ADDR: addr, HTTP_COOKIE: '', CONTENT_TYPE: 'application/json',
      CONTENT_LENGTH: String(Buffer.byteLength(text)),
    },
  });
  return Number((/^Status: (\d+)/.exec(r.stdout || '') || [])[1]);
}
const auditCount = (action, entityId) => t.db(`SELECT count(*) AS n FROM audit WHERE action = '${action}'`
  + (entityId ? ` AND entity_id = ${Number(entityId)}` : ''))[0].n;

async function queueEntry(cookie, patientId, fields = {}) {
  const r = await t.api('POST', '/api/queue', { cookie, body: { patient_id: patientId, ...fields } });
  t.status(r, 201, 'POST /api/queue');
  return r.json;
}
async function queueList(cookie) {
  const r = await t.api('GET', '/api/queue', { cookie });
  t.status(r, 200, 'GET /api/queue');
  return r.json.entries;
}

t.test('contract: the staff of every role sign in', async () => {
  S.admin = await t.admin();
  S.desk = await t.user('frontdesk');
  S.doc = await t.user('doctor');
  S.nurse = await t.user('nurse');
  const s = await t.api('GET', '/api/settings', { cookie: S.desk.cookie });
  t.status(s, 200, 'GET /api/settings');
  S.settings = s.json;
  const d = await t.api('GET', '/api/queue', { cookie: S.desk.cookie });
  S.today = d.json.date;
  t.ok(/^\d{4}-\d\d-\d\d$/.test(S.today), `queue date ${S.today}`);
});

// ---- the original part ----------------------------------------------------------------------

t.test('contract (original): health, sign-in, me, logout, conventions', async () => {
  const h = await t.api('GET', '/api/health');
  t.eq([h.status, h.json], [200, { status: 'ok' }], 'health');
  const u = await t.user('frontdesk');
  const l = await t.api('POST', '/api/auth/login', { body: { username: u.username, password: u.password } });
  t.status(l, 200, 'login');
  hasKeys(l.json.user, ['id', 'username', 'name', 'role'], 'login user');
  const bad = await t.api('POST', '/api/auth/login', { body: { username: u.username, password: 'not-the-password' } });
  const none = await t.api('POST', '/api/auth/login', { body: { username: t.uniq('nobody'), password: 'not-the-password' } });
  t.eq([bad.status, none.status, bad.json.error.message], [401, 401, none.json.error.message], 'one 401 for both');
  const me = await t.api('GET', '/api/auth/me', { cookie: u.cookie });
  t.eq([me.status, me.json.user.username], [200, u.username], 'me');
  const noCt = await t.api('POST', '/api/patients', { cookie: u.cookie, body: {}, headers: { 'Content-Type': 'text/plain' } });
  t.eq(noCt.status, 415, 'a write without application/json');
  const foreign = await t.api('POST', '/api/patients', { cookie: u.cookie, body: {}, headers: { Origin: 'https://evil.example' } });
  t.eq(foreign.status, 403, 'a foreign Origin');
  const other = await t.login(u.username, u.password);
  const ch = await t.api('POST', '/api/auth/password', { cookie: u.cookie, body: { current_password: u.password, new_password: 'Brass-Kettle-5150' } });
  t.eq(ch.status, 204, 'password change');
  t.eq((await t.api('GET', '/api/auth/me', { cookie: other })).status, 401, 'the other session ended');
  t.eq((await t.api('GET', '/api/auth/me', { cookie: u.cookie })).status, 200, 'this one lives');
  const w = await t.user('frontdesk');
  const wu = (await t.api('GET', `/api/users/${w.id}`, { cookie: await t.admin() })).json.user;
  const off = await t.api('PATCH', `/api/users/${w.id}`, { cookie: await t.admin(), body: { active: false, version: wu.version } });
  t.eq([off.status, (await t.api('GET', '/api/auth/me', { cookie: w.cookie })).status], [200, 401], 'a deactivated user\'s session ends');
  const out = await t.api('POST', '/api/auth/logout', { cookie: u.cookie });
  t.eq(out.status, 204, 'logout');
  const dead = await t.api('GET', '/api/auth/me', { cookie: u.cookie });
  errIs(dead, 401, dead.json && dead.json.error.code, 'me after logout');
  t.ok(isStr(dead.json.error.code) && isStr(dead.json.error.message), `error shape ${dead.text}`);
});

t.test('contract (original): patients, queue with ETag, visits, payments, daily report, appointments', async () => {
  const c = S.desk.cookie;
  const p = await t.api('POST', '/api/patients', { cookie: c, body: { name: t.uniq('Orig Pt '), sex: 'F', age_years: 30, phone: `9${rnd(9)}` } });
  t.status(p, 201, 'POST /api/patients');
  hasKeys(p.json, ['id', 'clinic_no', 'name', 'sex', 'version'], 'patient');
  const e = await queueEntry(c, p.json.id, { reason: 'Fever' });
  hasKeys(e, ['id', 'token', 'status', 'reason', 'patient', 'created_at', 'updated_at'], 'queue entry');
  hasKeys(e.patient, ['id', 'name', 'clinic_no', 'sex', 'age_years', 'phone'], 'entry patient');
  const twice = await t.api('POST', '/api/queue', { cookie: c, body: { patient_id: p.json.id } });
  t.eq(twice.status, 409, 'a second add the same day');
  const q = await t.api('GET', '/api/queue', { cookie: c });
  hasKeys(q.json, ['date', 'rev', 'entries'], 'queue');
  t.ok(q.headers.etag, 'an ETag');
  const q304 = await t.api('GET', '/api/queue', { cookie: c, headers: { 'If-None-Match': q.headers.etag } });
  t.eq(q304.status, 304, 'If-None-Match');
  const illegal = await t.api('PATCH', `/api/queue/${e.id}`, { cookie: c, body: { status: 'done' } });
  t.eq(illegal.status, 409, 'waiting → done');
  const v = await t.api('POST', '/api/visits', { cookie: S.doc.cookie, body: { patient_id: p.json.id, queue_id: e.id } });
  t.ok([200, 201].includes(v.status), `POST /api/visits: ${v.status} ${v.text.slice(0, 200)}`);
  const vf = await t.api('POST', '/api/visits', { cookie: c, body: { patient_id: p.json.id } });
  t.eq(vf.status, 403, 'the front desk may not write a visit');
  const pv = await t.api('PATCH', `/api/visits/${v.json.id}`, {
    cookie: S.doc.cookie,
    body: {
      version: v.json.version, complaint: 'Fever', vitals: { pulse: 90 }, diagnoses: [{ text: 'Viral fever' }],
      prescriptions: [{ medicine: 'Paracetamol', dose: '1-0-1', duration_days: 3 }], advice: 'Fluids',
    },
  });
  t.status(pv, 200, 'PATCH visit');
  hasKeys(pv.json, ['complaint', 'vitals', 'notes', 'diagnoses', 'prescriptions', 'advice', 'follow_up_date', 'version'], 'visit');
  const stale = await t.api('PATCH', `/api/visits/${v.json.id}`, { cookie: S.doc.cookie, body: { version: v.json.version, advice: 'x' } });
  t.eq(stale.status, 409, 'a stale version');
  const fin = await t.api('POST', `/api/visits/${v.json.id}/finalize`, { cookie: S.doc.cookie });
  t.status(fin, 200, 'finalize');
  const after = await t.api('PATCH', `/api/visits/${v.json.id}`, { cookie: S.doc.cookie, body: { version: fin.json.version, advice: 'x' } });
  t.eq(after.status, 409, 'PATCH after finalize');
  t.eq((await queueList(c)).find((x) => x.id === e.id).status, 'done', 'its queue entry is done');
  const hist = await t.api('GET', `/api/patients/${p.json.id}/visits`, { cookie: S.doc.cookie });
  t.status(hist, 200, 'history');
  const pay = await t.api('POST', '/api/payments', { cookie: c, body: { patient_id: p.json.id, amount_paise: 30000, mode: 'cash' } });
  t.status(pay, 201, 'POST /api/payments');
  t.ok(isInt(pay.json.id) && isInt(pay.json.receipt_no), `receipt ${pay.text}`);
  const zero = await t.api('POST', '/api/payments', { cookie: c, body: { patient_id: p.json.id, amount_paise: 0, mode: 'cash' } });
  t.eq(zero.status, 422, 'amount 0');
  const rep = await t.api('GET', `/api/reports/daily?date=${today()}`, { cookie: c });
  t.status(rep, 200, 'daily report');
  hasKeys(rep.json, ['date', 'patients_seen', 'new_patients', 'tokens_issued', 'collections'], 'daily report');
  hasKeys(rep.json.collections, ['cash', 'upi', 'card', 'total'], 'collections');
  const p2 = await t.patient(c);
  const ap = await t.api('POST', '/api/appointments', { cookie: c, body: { patient_id: p2, date: today(), time: '23:59' } });
  t.status(ap, 201, 'POST /api/appointments');
  const arr = await t.api('PATCH', `/api/appointments/${ap.json.id}`, { cookie: c, body: { status: 'arrived', version: ap.json.version } });
  t.status(arr, 200, 'arrived');
  const qe = (await queueList(c)).find((x) => x.patient.id === p2);
  t.ok(qe && qe.appointment_id === ap.json.id, `the arrived patient is queued with appointment_id: ${JSON.stringify(qe)}`);
  const au = await t.api('GET', `/api/audit?patient_id=${p.json.id}&from=${today()}&to=${today()}`, { cookie: S.admin });
  t.status(au, 200, 'audit');
  const ts = au.json.entries.map((x) => x.ts);
  t.ok(ts.length > 3 && ts.every((x, i) => i === 0 || x <= ts[i - 1]), `audit entries newest first: ${ts}`);
  t.ok(au.json.entries.every((x) => x.patient_id === p.json.id), 'filtered by patient');
  const bk = await t.api('GET', '/api/backups', { cookie: S.admin });
  t.status(bk, 200, 'backups');
  t.ok(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(p.json.created_at), `timestamps ISO-8601 UTC: ${p.json.created_at}`);
  // tokens unique under concurrent adds
  const pids = [];
  for (let i = 0; i < 8; i++) pids.push(await t.patient(c));
  const adds = await Promise.all(pids.map((id) => t.api('POST', '/api/queue', { cookie: c, body: { patient_id: id } })));
  const tokens = adds.map((r) => r.json && r.json.token);
  t.ok(adds.every((r) => r.status === 201) && new Set(tokens).size === 8, `eight concurrent adds, eight tokens: ${tokens}`);
  // lists, sizes, unknown paths
  t.eq((await t.api('GET', '/api/patients?limit=201', { cookie: c })).status, 422, 'limit over 200');
  t.eq((await t.api('GET', '/api/patients?limit=2&offset=1', { cookie: c })).json.patients.length, 2, 'limit and offset');
  const big = await t.api('POST', '/api/patients', { cookie: c, raw: JSON.stringify({ name: 'x'.repeat(70000), sex: 'O', age_years: 1 }) });
  t.eq(big.status, 413, 'a body too large');
  const nf = await t.api('GET', '/api/no-such-thing', { cookie: c });
  t.eq([nf.status, nf.json && nf.json.error && nf.json.error.code], [404, 'not_found'], 'an unknown path');
});

// ---- Roles ------------------------------------------------------------------------------------

t.test('contract Roles: the nurse reads patients and the queue, records vitals, and nothing of visits or money', async () => {
  const pid = await t.patient(S.desk.cookie);
  const e = await queueEntry(S.desk.cookie, pid);
  S.nurseEntry = e;
  const n = S.nurse.cookie;
  t.status(await t.api('GET', `/api/patients?q=${encodeURIComponent('Test')}`, { cookie: n }), 200, 'nurse: search');
  t.status(await t.api('GET', `/api/patients/${pid}`, { cookie: n }), 200, 'nurse: a patient');
  t.status(await t.api('GET', '/api/queue', { cookie: n }), 200, 'nurse: the queue');
  const v = await t.api('PUT', `/api/queue/${e.id}/vitals`, { cookie: n, body: { vitals: { pulse: 80 }, complaint: 'Cough' } });
  t.status(v, 200, 'nurse: vitals');
  for (const [m, p, body] of [['GET', '/api/payments'], ['GET', '/api/reports/daily'], ['GET', `/api/patients/${pid}/visits`],
    ['POST', '/api/visits', { patient_id: pid }], ['GET', '/api/visits/1'], ['GET', '/api/visits/1/prescription'],
    ['POST', '/api/patients', { name: 'X', sex: 'O', age_years: 1 }], ['POST', '/api/queue', { patient_id: pid }]]) {
    errIs(await t.api(m, p, { cookie: n, body }), 403, 'forbidden', `nurse: ${m} ${p}`);
  }
  // the admin, the clinic's owner, reads payments and reports, and never writes a visit
  t.status(await t.api('GET', '/api/payments', { cookie: S.admin }), 200, 'admin: payments');
  t.status(await t.api('GET', '/api/reports/daily', { cookie: S.admin }), 200, 'admin: daily report');
  t.status(await t.api('GET', '/api/reports/range', { cookie: S.admin }), 200, 'admin: range report');
  errIs(await t.api('POST', '/api/visits', { cookie: S.admin, body: { patient_id: pid } }), 403, 'forbidden', 'admin: POST visit');
  errIs(await t.api('PATCH', '/api/visits/1', { cookie: S.admin, body: { version: 1 } }), 403, 'forbidden', 'admin: PATCH visit');
});

t.test('contract Roles: users gain language (PATCH /api/users/{id}, PATCH /api/auth/me)', async () => {
  const u = await t.api('GET', `/api/users/${S.nurse.id}`, { cookie: S.admin });
  t.eq(u.json.user.language, 'en', 'a new user reads English');
  const p = await t.api('PATCH', `/api/users/${S.nurse.id}`, { cookie: S.admin, body: { language: 'ta', version: u.json.user.version } });
  t.eq([p.status, p.json.user.language], [200, 'ta'], 'admin sets ta');
  const me = await t.api('GET', '/api/auth/me', { cookie: S.nurse.cookie });
  t.eq(me.json.user.language, 'ta', 'me shows it');
  const mine = await t.api('PATCH', '/api/auth/me', { cookie: S.nurse.cookie, body: { language: 'hi' } });
  t.eq([mine.status, mine.json.user.language], [200, 'hi'], 'PATCH /api/auth/me {language}');
  const bad = await t.api('PATCH', '/api/auth/me', { cookie: S.nurse.cookie, body: { language: 'fr' } });
  t.eq([bad.status, bad.json.error.field], [422, 'language'], 'fr');
  const bad2 = await t.api('PATCH', `/api/users/${S.nurse.id}`, { cookie: S.admin, body: { language: 'xx', version: mine.json.user.version ?? 1 } });
  t.eq(bad2.status, 422, 'admin sets xx');
});

// ---- Patients ----------------------------------------------------------------------------------

t.test('contract Patients: four or more digits anywhere in the phone, those starting with them first', async () => {
  const x = `7${rnd(5)}`;
  const inside = await t.patient(S.desk.cookie, { phone: `9${x}123` });
  const starts = await t.patient(S.desk.cookie, { phone: `${x}4321` });
  const r = await t.api('GET', `/api/patients?q=${x}&limit=200`, { cookie: S.desk.cookie });
  t.status(r, 200, 'search');
  const ids = r.json.patients.map((p) => p.id);
  t.ok(ids.includes(inside) && ids.includes(starts), `both found by ${x}: ${ids}`);
  t.ok(ids.indexOf(starts) < ids.indexOf(inside), 'the phone starting with the digits first');
  t.ok(isBool(r.json.more), 'more');
});

t.test('contract Patients: a name in Latin letters finds it in Tamil or Devanagari and the reverse, also as a prefix', async () => {
  const made = {};
  for (const name of ['முருகன்', 'செல்வம்', 'கார்த்திக்', 'சீதா', 'सीता', 'ரமேஷ்', 'रमेश', 'Murugan', 'Selvam', 'Karthik', 'Sita', 'Ramesh']) {
    made[name] = await t.patient(S.desk.cookie, { name });
  }
  const find = async (q, name) => {
    const r = await t.api('GET', `/api/patients?q=${encodeURIComponent(q)}&limit=200`, { cookie: S.desk.cookie });
    t.status(r, 200, `search ${q}`);
    t.ok(r.json.patients.some((p) => p.id === made[name]), `q=${q} finds ${name}`);
  };
  await find('Murugan', 'முருகன்');
  await find('murug', 'முருகன்');
  await find('Selvam', 'செல்வம்');
  await find('Karthik', 'கார்த்திக்');
  await find('Sita', 'சீதா');
  await find('Sita', 'सीता');
  await find('சீதா', 'सीता');
  await find('Ramesh', 'ரமேஷ்');
  await find('Ramesh', 'रमेश');
  await find('முருகன்', 'Murugan');
  await find('செல்வம்', 'Selvam');
  await find('கார்த்திக்', 'Karthik');
  await find('सीता', 'Sita');
  await find('ரமேஷ்', 'Ramesh');
  await find('रमेश', 'Ramesh');
  await find('रमेश', 'ரமேஷ்');
});

t.test('contract Patients: a landline keeps its STD code; name in NFC; the refused characters → 422; language', async () => {
  const c = S.desk.cookie;
  const l = await t.api('POST', '/api/patients', { cookie: c, body: { name: t.uniq('Land '), sex: 'M', age_years: 50, phone: '044 2345 6789' } });
  t.eq([l.status, l.json.phone], [201, '04423456789'], 'landline');
  const word = t.uniq('Zoq');
  const nfd = await t.api('POST', '/api/patients', { cookie: c, body: { name: `Zoe\u0301 ${word}`, sex: 'F', age_years: 20 } });
  t.eq([nfd.status, nfd.json.name], [201, `Zo\u00e9 ${word}`], 'a decomposed accent stored composed (NFC)');
  const dup = await t.api('GET', `/api/patients/duplicates?name=${encodeURIComponent(`Zo\u00e9 ${word}`)}`, { cookie: c });
  t.ok(dup.status === 200 && dup.json.candidates.some((p) => p.id === nfd.json.id), `duplicate hints compare normalised names: ${dup.text.slice(0, 200)}`);
  for (const [bad, what] of [['Ravi\u202eKumar', 'a bidi override'], ['\ufeffRavi', 'a BOM'], ['Ra\u200bvi', 'a zero-width space'],
    ['Ra\u0085vi', 'a C1 control'], ['Ra\u0007vi', 'a C0 control'], ['Ra\u200dvi', 'a ZWJ in a Latin word'], ['Ra\u2066vi', 'an isolate']]) {
    const r = await t.api('POST', '/api/patients', { cookie: c, body: { name: bad, sex: 'M', age_years: 20 } });
    t.eq([r.status, r.json && r.json.error.field], [422, 'name'], what);
  }
  const zwnj = await t.api('POST', '/api/patients', { cookie: c, body: { name: `க\u200cஷ ${t.uniq('Zw')}`, sex: 'M', age_years: 20 } });
  t.eq(zwnj.status, 201, `a ZWNJ inside a Tamil word is kept: ${zwnj.text.slice(0, 200)}`);
  const ta = await t.api('POST', '/api/patients', { cookie: c, body: { name: t.uniq('Lang '), sex: 'F', age_years: 20, language: 'ta' } });
  t.eq([ta.status, ta.json.language], [201, 'ta'], 'patient language');
  const xx = await t.api('POST', '/api/patients', { cookie: c, body: { name: t.uniq('Lang '), sex: 'F', age_years: 20, language: 'fr' } });
  t.eq([xx.status, xx.json.error.field], [422, 'language'], 'language fr');
  const pa = await t.api('PATCH', `/api/patients/${ta.json.id}`, { cookie: c, body: { language: 'hi', version: ta.json.version } });
  t.eq([pa.status, pa.json.language], [200, 'hi'], 'PATCH language');
});

// ---- Queue -------------------------------------------------------------------------------------

const RANK = { emergency: 0, urgent: 1, normal: 2 };
function checkCallOrder(entries) {
  const group = (e) => (e.status === 'in_consult' ? 0 : e.status === 'waiting' ? 1 : 2);
  let pos = 0;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i];
    hasKeys(e, ['priority', 'position', 'paid_paise', 'appointment_id', 'vitals_recorded'], `entry ${e.id}`);
    t.ok(e.priority in RANK, `priority ${e.priority}`);
    t.ok(isInt(e.paid_paise) && isBool(e.vitals_recorded), `types of entry ${JSON.stringify(e)}`);
    t.ok(e.appointment_id === null || isInt(e.appointment_id), 'appointment_id');
    if (e.status === 'waiting') t.eq(e.position, ++pos, `position of waiting entry ${e.id}`);
    else t.eq(e.position, null, `position of ${e.status} entry ${e.id}`);
    if (i === 0) continue;
    const a = entries[i - 1];
    t.ok(group(a) <= group(e), `${a.status} before ${e.status}`);
    if (group(a) === 1 && group(e) === 1) t.ok(RANK[a.priority] <= RANK[e.priority], `${a.priority} before ${e.priority}`);
  }
}

t.test('contract Queue: priority on POST and PATCH, call order, position, paid_paise, vitals_recorded', async () => {
  const c = S.desk.cookie;
  const [pn, pu, pe] = [await t.patient(c), await t.patient(c), await t.patient(c)];
  const n = await queueEntry(c, pn);
  const u = await queueEntry(c, pu, { priority: 'urgent' });
  const e = await queueEntry(c, pe, { priority: 'emergency' });
  t.eq([n.priority, u.priority, e.priority], ['normal', 'urgent', 'emergency'], 'priorities');
  const bad = await t.api('POST', '/api/queue', { cookie: c, body: { patient_id: await t.patient(c), priority: 'vip' } });
  t.eq([bad.status, bad.json.error.field], [422, 'priority'], 'priority vip');
  await t.api('POST', '/api/payments', { cookie: c, body: { patient_id: pn, amount_paise: 12345, mode: 'upi' } });
  let list = await queueList(c);
  checkCallOrder(list);
  const at = (id) => list.findIndex((x) => x.id === id);
  t.ok(at(e.id) < at(u.id) && at(u.id) < at(n.id), 'emergency, urgent, normal');
  t.eq(list[at(n.id)].paid_paise, 12345, 'paid_paise');
  t.eq(list[at(S.nurseEntry.id)].vitals_recorded, true, 'vitals_recorded after the nurse');
  t.eq(list[at(n.id)].vitals_recorded, false, 'vitals_recorded before');
  const p = await t.api('PATCH', `/api/queue/${n.id}`, { cookie: c, body: { priority: 'emergency', version: list[at(n.id)].version } });
  t.eq([p.status, p.json.priority], [200, 'emergency'], 'PATCH {priority, version}');
  list = await queueList(c);
  checkCallOrder(list);
  t.ok(at(n.id) < at(u.id), 'the raised one comes before the urgent');
  S.queued = { n, u, e };
});

t.test('contract Queue: postpone moves a waiting entry down among its priority; token kept; 409 if not waiting', async () => {
  const c = S.desk.cookie;
  const a = await queueEntry(c, await t.patient(c), { priority: 'urgent' });
  const b = await queueEntry(c, await t.patient(c), { priority: 'urgent' });
  const d = await queueEntry(c, await t.patient(c), { priority: 'urgent' });
  const one = await t.api('POST', `/api/queue/${a.id}/postpone`, { cookie: c, body: { places: 1 } });
  t.eq([one.status, one.json.token], [200, a.token], 'postpone one place keeps the token');
  let list = await queueList(c);
  let at = (id) => list.findIndex((x) => x.id === id);
  t.ok(at(b.id) < at(a.id) && at(a.id) < at(d.id), 'one place down: b, a, d');
  const end = await t.api('POST', `/api/queue/${b.id}/postpone`, { cookie: c, body: {} });
  t.status(end, 200, 'postpone to the end');
  list = await queueList(c);
  at = (id) => list.findIndex((x) => x.id === id);
  t.ok(at(a.id) < at(d.id) && at(d.id) < at(b.id), 'to the end of its priority: a, d, b');
  t.ok(list.filter((x) => x.status === 'waiting' && x.priority === 'normal').every((x) => at(x.id) > at(b.id)),
    'still before the normal ones');
  const cancel = await t.api('PATCH', `/api/queue/${d.id}`, { cookie: c, body: { status: 'cancelled' } });
  t.status(cancel, 200, 'cancel');
  const no = await t.api('POST', `/api/queue/${d.id}/postpone`, { cookie: c, body: {} });
  t.eq(no.status, 409, 'postpone a cancelled entry');
  const nurse = await t.api('POST', `/api/queue/${a.id}/postpone`, { cookie: S.nurse.cookie, body: {} });
  t.eq(nurse.status, 403, 'the nurse may not postpone');
});

t.test('contract Queue: PUT /api/queue/{id}/vitals {vitals, complaint?}; a visit from the entry starts with them', async () => {
  const c = S.desk.cookie;
  const pid = await t.patient(c);
  const e = await queueEntry(c, pid);
  const out = await t.api('PUT', `/api/queue/${e.id}/vitals`, { cookie: S.nurse.cookie, body: { vitals: { pulse: 251 } } });
  t.eq([out.status, out.json.error.field], [422, 'vitals.pulse'], 'pulse 251');
  const bp = await t.api('PUT', `/api/queue/${e.id}/vitals`, { cookie: S.nurse.cookie, body: { vitals: { bp_systolic: 80, bp_diastolic: 90 } } });
  t.eq(bp.status, 422, 'diastolic above systolic');
  const ok = await t.api('PUT', `/api/queue/${e.id}/vitals`, {
    cookie: S.nurse.cookie,
    body: { vitals: { bp_systolic: 130, bp_diastolic: 85, pulse: 88, temperature_c: 37.8, weight_kg: 61.5, height_cm: 160, spo2: 97 }, complaint: 'Headache' },
  });
  t.status(ok, 200, 'vitals');
  const desk = await t.api('PUT', `/api/queue/${e.id}/vitals`, { cookie: c, body: { vitals: { pulse: 70 } } });
  t.eq(desk.status, 403, 'the front desk may not record vitals');
  const v = await t.api('POST', '/api/visits', { cookie: S.doc.cookie, body: { patient_id: pid, queue_id: e.id } });
  t.ok([200, 201].includes(v.status), `visit: ${v.text.slice(0, 200)}`);
  t.eq([v.json.complaint, v.json.vitals.pulse, v.json.vitals.temperature_c, v.json.vitals.spo2], ['Headache', 88, 37.8, 97],
    'the visit begins with the vitals and complaint');
});

t.test('contract Queue: POST /api/queue/next (doctor) → the first waiting in call order; 404 queue_empty', async () => {
  const before = (await queueList(S.desk.cookie)).find((x) => x.status === 'waiting');
  t.ok(before, 'someone waits');
  errIs(await t.api('POST', '/api/queue/next', { cookie: S.desk.cookie }), 403, 'forbidden', 'the front desk');
  const r = await t.api('POST', '/api/queue/next', { cookie: S.doc.cookie });
  t.eq([r.status, r.json.id, r.json.status], [200, before.id, 'in_consult'], 'next');
  t.eq(r.json.position, null, 'no position once with the doctor');
  let last = r;
  for (let i = 0; i < 1000 && last.status === 200; i++) last = await t.api('POST', '/api/queue/next', { cookie: S.doc.cookie });
  errIs(last, 404, 'queue_empty', 'no one left waiting');
  checkCallOrder(await queueList(S.desk.cookie));
});

// ---- Visits and medicines ---------------------------------------------------------------------

t.test('contract Visits: GET /api/medicines items {name, strength, form, brand?, ingredients, class?}; brands find generics', async () => {
  const d = await t.api('GET', '/api/medicines?q=dolo', { cookie: S.doc.cookie });
  t.status(d, 200, 'q=dolo');
  t.ok(Array.isArray(d.json.medicines) && d.json.medicines.length > 0, 'a list under medicines');
  for (const m of d.json.medicines) {
    t.ok(isStr(m.name) && isStr(m.strength) && isStr(m.form), `name/strength/form strings: ${JSON.stringify(m)}`);
    t.ok(Array.isArray(m.ingredients) && m.ingredients.every(isStr), 'ingredients: strings');
    t.ok(!('brand' in m) || strOrNull(m.brand), 'brand');
    t.ok(!('class' in m) || strOrNull(m.class), 'class');
  }
  t.ok(d.json.medicines.some((m) => m.name === 'Paracetamol' && m.strength === '650 mg' && m.form === 'tablet'
    && m.brand === 'Dolo 650' && m.ingredients.includes('Paracetamol')), `Dolo 650 → Paracetamol 650 mg tablet: ${d.text.slice(0, 300)}`);
  for (const q of ['crocin', 'azee', 'augmentin', 'pan 40']) {
    const r = await t.api('GET', `/api/medicines?q=${encodeURIComponent(q)}`, { cookie: S.doc.cookie });
    t.ok(r.status === 200 && r.json.medicines.some((m) => isStr(m.brand) && m.brand.toLowerCase().startsWith(q)), `q=${q} finds its brand`);
  }
  errIs(await t.api('GET', '/api/medicines?q=dolo', { cookie: S.nurse.cookie }), 403, 'forbidden', 'nurse: medicines');
});

t.test('contract Visits: warnings, allergy_override, 409 allergy_conflict with conflicts, the printed prescription', async () => {
  const c = S.doc.cookie;
  const pid = await t.patient(S.desk.cookie, { allergies: 'Penicillin' });
  const v = await t.api('POST', '/api/visits', { cookie: c, body: { patient_id: pid } });
  t.status(v, 201, 'draft');
  const lines = [
    { medicine: 'Paracetamol', strength: '650 mg', form: 'tablet', dose: '1-0-1', duration_days: 3 },
    { medicine: 'Amoxicillin', strength: '500 mg', form: 'capsule', dose: '1-1-1', duration_days: 5 },
    { medicine: 'Paracetamol', brand: 'Dolo 650', dose: 'SOS' },
  ];
  const pv = await t.api('PATCH', `/api/visits/${v.json.id}`, {
    cookie: c, body: { version: v.json.version, complaint: 'Fever', notes: 'SECRET-NOTE-zz', diagnoses: [{ text: 'Tonsillitis', code: 'J03.9' }], prescriptions: lines, advice: 'Rest', follow_up_date: today() },
  });
  t.status(pv, 200, 'PATCH');
  const g = await t.api('GET', `/api/visits/${v.json.id}`, { cookie: c });
  t.ok(Array.isArray(g.json.warnings), 'warnings');
  for (const w of g.json.warnings) t.ok(['allergy', 'duplicate_ingredient'].includes(w.kind) && isInt(w.index) && isStr(w.message), `warning ${JSON.stringify(w)}`);
  t.ok(g.json.warnings.some((w) => w.kind === 'allergy' && w.index === 1), `an allergy warning on line 1: ${JSON.stringify(g.json.warnings)}`);
  t.ok(g.json.warnings.some((w) => w.kind === 'duplicate_ingredient' && w.index === 2), 'a duplicate ingredient on line 2');
  const draft = await t.api('GET', `/api/visits/${v.json.id}/prescription`, { cookie: S.desk.cookie });
  errIs(draft, 403, 'not_finalized', 'the prescription of a draft');
  const f = await t.api('POST', `/api/visits/${v.json.id}/finalize`, { cookie: c });
  errIs(f, 409, 'allergy_conflict', 'finalize');
  const cf = f.json.error.conflicts;
  t.ok(Array.isArray(cf) && cf.length === 1, `conflicts: ${f.text}`);
  t.ok(cf[0].index === 1 && cf[0].medicine === 'Amoxicillin' && isStr(cf[0].allergy) && /penicillin/i.test(cf[0].allergy), `conflict ${JSON.stringify(cf[0])}`);
  const still = await t.api('GET', `/api/visits/${v.json.id}`, { cookie: c });
  t.eq([still.json.status, still.json.version], ['draft', g.json.version], 'nothing changed');
  lines[1].allergy_override = 'Tolerated amoxicillin before';
  const o = await t.api('PATCH', `/api/visits/${v.json.id}`, { cookie: c, body: { version: still.json.version, prescriptions: lines } });
  t.eq([o.status, o.json.prescriptions[1].allergy_override], [200, 'Tolerated amoxicillin before'], 'allergy_override kept');
  const f2 = await t.api('POST', `/api/visits/${v.json.id}/finalize`, { cookie: c });
  t.eq([f2.status, f2.json.status], [200, 'final'], 'finalize with the override');
  const audits = auditCount('prescription.read', v.json.id);
  const rx = await t.api('GET', `/api/visits/${v.json.id}/prescription`, { cookie: S.desk.cookie });
  t.status(rx, 200, 'the printed prescription (front desk)');
  hasKeys(rx.json, ['patient', 'date', 'vitals', 'diagnoses', 'prescriptions', 'advice', 'follow_up_date'], 'prescription');
  t.eq([rx.json.prescriptions.length, rx.json.advice, rx.json.follow_up_date], [3, 'Rest', today()], 'its content');
  t.ok(!rx.text.includes('SECRET-NOTE-zz') && !('notes' in rx.json), 'nothing of the notes');
  t.eq(auditCount('prescription.read', v.json.id), audits + 1, 'audited');
  errIs(await t.api('GET', `/api/visits/${v.json.id}/prescription`, { cookie: S.nurse.cookie }), 403, 'forbidden', 'nurse: prescription');
  S.finalVisit = v.json.id;
});

// ---- Printing ----------------------------------------------------------------------------------

t.test('contract Printing: the print addresses exist; settings paper, print_letterhead, pad margins, upi_vpa', async () => {
  const js = await t.api('GET', '/js/router.js');
  t.status(js, 200, 'the router');
  t.ok(js.text.includes("'/print/prescription/:id'") && js.text.includes("'/print/receipt/:id'"), 'both print addresses are routes');
  const s = S.settings;
  t.ok(['A5', 'A4'].includes(s.paper) && isBool(s.print_letterhead) && isInt(s.pad_margin_top_mm) && isInt(s.pad_margin_left_mm)
    && strOrNull(s.upi_vpa), `settings fields: ${JSON.stringify(s)}`);
  const cur = (await t.api('GET', '/api/settings', { cookie: S.admin })).json;
  const put = (body) => t.api('PUT', '/api/settings', { cookie: S.admin, body: { version: cur.version, ...body } });
  t.eq((await put({ pad_margin_top_mm: 121 })).status, 422, 'margin 121');
  t.eq((await put({ pad_margin_left_mm: -1 })).status, 422, 'margin -1');
  t.eq((await put({ paper: 'Letter' })).status, 422, 'paper Letter');
  t.eq((await put({ upi_vpa: 'not a vpa' })).status, 422, 'a bad upi_vpa');
  const r = await put({ paper: 'A4', print_letterhead: false, pad_margin_top_mm: 120, pad_margin_left_mm: 0, upi_vpa: 'clinic@okaxis' });
  t.status(r, 200, 'PUT the print settings');
  t.eq([r.json.paper, r.json.print_letterhead, r.json.pad_margin_top_mm, r.json.pad_margin_left_mm, r.json.upi_vpa],
    ['A4', false, 120, 0, 'clinic@okaxis'], 'read back');
  const back = await t.api('PUT', '/api/settings', { cookie: S.admin, body: {
    version: r.json.version, paper: cur.paper, print_letterhead: cur.print_letterhead, pad_margin_top_mm: cur.pad_margin_top_mm,
    pad_margin_left_mm: cur.pad_margin_left_mm, upi_vpa: cur.upi_vpa,
  } });
  t.status(back, 200, 'restore the settings');
});

// ---- Billing and reports -----------------------------------------------------------------------

t.test('contract Billing: items that add up, GET /api/payments?date= shape, void (admin) counted by no report', async () => {
  const c = S.desk.cookie;
  const pid = await t.patient(c);
  const rep0 = (await t.api('GET', `/api/reports/daily?date=${today()}`, { cookie: c })).json;
  const items = [{ description: 'Consultation', amount_paise: 30000 }, { description: 'ECG', amount_paise: 25000 }];
  const p = await t.api('POST', '/api/payments', { cookie: c, body: { patient_id: pid, amount_paise: 55000, mode: 'card', items } });
  t.status(p, 201, 'with items');
  t.eq(p.json.items, items, 'items kept');
  const wrong = await t.api('POST', '/api/payments', { cookie: c, body: { patient_id: pid, amount_paise: 50000, mode: 'card', items } });
  t.eq([wrong.status, wrong.json.error.field], [422, 'items'], 'items not adding up');
  for (const who of [S.desk.cookie, S.doc.cookie, S.admin]) {
    const l = await t.api('GET', `/api/payments?date=${today()}`, { cookie: who });
    t.status(l, 200, 'GET /api/payments');
    t.eq(l.json.date, today(), 'date');
    for (const x of l.json.payments) {
      hasKeys(x, ['id', 'receipt_no', 'patient', 'amount_paise', 'mode', 'note', 'items', 'voided', 'created_at', 'received_by'], 'a payment');
      hasKeys(x.patient, ['id', 'name', 'clinic_no'], 'its patient');
      t.ok(isInt(x.id) && isInt(x.receipt_no) && isInt(x.amount_paise) && ['cash', 'upi', 'card'].includes(x.mode)
        && strOrNull(x.note) && Array.isArray(x.items) && isBool(x.voided) && isStr(x.created_at) && strOrNull(x.received_by),
      `types: ${JSON.stringify(x)}`);
    }
    t.ok(l.json.payments.some((x) => x.id === p.json.id), 'ours listed');
  }
  const rep1 = (await t.api('GET', `/api/reports/daily?date=${today()}`, { cookie: c })).json;
  t.eq(rep1.collections.card - rep0.collections.card, 55000, 'counted before the void');
  errIs(await t.api('POST', `/api/payments/${p.json.id}/void`, { cookie: c, body: { reason: 'Twice' } }), 403, 'forbidden', 'the front desk voids');
  const v = await t.api('POST', `/api/payments/${p.json.id}/void`, { cookie: S.admin, body: { reason: 'Charged twice' } });
  t.eq([v.status, v.json.voided, v.json.receipt_no], [200, true, p.json.receipt_no], 'void');
  const l = await t.api('GET', `/api/payments?date=${today()}`, { cookie: c });
  t.eq(l.json.payments.find((x) => x.id === p.json.id).voided, true, 'listed as voided');
  const rep2 = (await t.api('GET', `/api/reports/daily?date=${today()}`, { cookie: c })).json;
  t.eq(rep2.collections, rep0.collections, 'no report counts it');
  const range = (await t.api('GET', `/api/reports/range?from=${today()}&to=${today()}`, { cookie: c })).json;
  t.eq(range.totals.collections, rep0.collections, 'nor the range report');
  errIs(await t.api('POST', `/api/payments/${p.json.id}/void`, { cookie: S.admin, body: {} }), 422, 'invalid', 'void without a reason');
});

t.test('contract Reports: GET /api/reports/range shape, at most 366 days, CSV with a BOM', async () => {
  const c = S.desk.cookie;
  const to = today();
  const from = new Date(Date.parse(`${to}T00:00:00Z`) - 2 * 86400000).toISOString().slice(0, 10);
  const r = await t.api('GET', `/api/reports/range?from=${from}&to=${to}`, { cookie: c });
  t.status(r, 200, 'range');
  t.eq([r.json.from, r.json.to, r.json.days.length], [from, to, 3], 'from, to, three days');
  const fields = ['patients_seen', 'new_patients', 'tokens_issued'];
  for (const d of [...r.json.days, r.json.totals]) {
    hasKeys(d, [...fields, 'collections'], 'a day');
    t.ok(fields.every((f) => isInt(d[f])) && ['cash', 'upi', 'card', 'total'].every((k) => isInt(d.collections[k])), `ints: ${JSON.stringify(d)}`);
  }
  t.ok(r.json.days.every((d) => /^\d{4}-\d\d-\d\d$/.test(d.date)), 'each day has its date');
  for (const f of fields) t.eq(r.json.totals[f], r.json.days.reduce((s, d) => s + d[f], 0), `totals.${f}`);
  const far = new Date(Date.parse(`${to}T00:00:00Z`) - 365 * 86400000).toISOString().slice(0, 10);
  t.status(await t.api('GET', `/api/reports/range?from=${far}&to=${to}`, { cookie: c }), 200, '366 days, both ends included');
  const long = await t.api('GET', `/api/reports/range?from=${new Date(Date.parse(`${far}T00:00:00Z`) - 86400000).toISOString().slice(0, 10)}&to=${to}`, { cookie: c });
  t.eq(long.status, 422, '367 days');
  const csv = await t.api('GET', `/api/reports/range?from=${from}&to=${to}&format=csv`, { cookie: S.admin });
  t.eq([csv.status, /^text\/csv/.test(csv.headers['content-type']), /utf-8/i.test(csv.headers['content-type'])], [200, true, true], 'text/csv UTF-8');
  t.ok(csv.text.charCodeAt(0) === 0xfeff, 'a byte-order mark');
});

// ---- Sign-in and passwords ---------------------------------------------------------------------

t.test('contract Sign-in: counted per (username, address); unlock by the API and by nalamdesk-admin', async () => {
  const u = await t.user('frontdesk');
  const wrong = () => t.api('POST', '/api/auth/login', { body: { username: u.username, password: 'wrong-password-1' } });
  for (let i = 0; i < 5; i++) t.eq((await wrong()).status, 401, `wrong ${i + 1}`);
  const locked = await t.api('POST', '/api/auth/login', { body: { username: u.username, password: u.password } });
  t.eq(locked.status, 429, 'locked here, even with the right password');
  t.eq(authAs('192.0.2.77', { username: u.username, password: u.password }), 200, 'the right password from another machine works');
  const un = await t.api('POST', `/api/users/${u.id}/unlock`, { cookie: S.admin });
  t.status(un, 200, 'POST /api/users/{id}/unlock');
  t.status(await t.api('POST', '/api/auth/login', { body: { username: u.username, password: u.password } }), 200, 'after the unlock');
  for (let i = 0; i < 5; i++) await wrong();
  t.eq((await t.api('POST', '/api/auth/login', { body: { username: u.username, password: u.password } })).status, 429, 'locked again');
  // the contract's own words, with the --var DIR every command takes after them
  const r = tool(['user', 'unlock', '--username', u.username, '--var', VAR]);
  t.eq(r.code, 0, `nalamdesk-admin user unlock --username U --var DIR: ${r.err}`);
  t.status(await t.api('POST', '/api/auth/login', { body: { username: u.username, password: u.password } }), 200, 'after the tool');
});

t.test('contract Sign-in: wrong current passwords count (429 after 5) and are audited auth.password_failed', async () => {
  const u = await t.user('doctor');
  const before = auditCount('auth.password_failed');
  const change = (cur) => t.api('POST', '/api/auth/password', { cookie: u.cookie, body: { current_password: cur, new_password: 'Another-Pass-77' } });
  for (let i = 0; i < 5; i++) {
    const r = await change(`wrong-current-${i}`);
    t.ok(r.status >= 400 && r.status < 429, `wrong current ${i + 1}: ${r.status}`);
  }
  t.eq((await change(u.password)).status, 429, 'the sixth, even right, is 429');
  t.eq(auditCount('auth.password_failed') - before, 5, 'each audited');
  await t.api('POST', `/api/users/${u.id}/unlock`, { cookie: S.admin });
});

t.test('contract Sign-in: weak passwords → 422 weak_password; a repeated key at any depth → 400', async () => {
  const clinic = S.settings.clinic_name.replace(/[^A-Za-z]/g, '');
  const username = t.uniq('weak').toLowerCase();
  for (const pw of ['password12', '1234567890', 'qwertyuiop', `${username}12`, `${clinic}1`.padEnd(10, '1')]) {
    const r = await t.api('POST', '/api/users', { cookie: S.admin, body: { username, name: 'Weak Pw', role: 'frontdesk', password: pw } });
    errIs(r, 422, 'weak_password', `password ${pw}`);
  }
  const u = await t.user('frontdesk');
  const ch = await t.api('POST', '/api/auth/password', { cookie: u.cookie, body: { current_password: u.password, new_password: 'qwertyuiop' } });
  errIs(ch, 422, 'weak_password', 'a password change to qwertyuiop');
  for (const [m, p, raw] of [
    ['POST', '/api/patients', '{"name":"A","sex":"O","age_years":3,"name":"B"}'],
    ['PATCH', `/api/visits/${S.finalVisit}`, '{"version":1,"vitals":{"pulse":80,"pulse":81}}'],
    ['POST', '/api/payments', '{"patient_id":1,"amount_paise":1,"mode":"cash","items":[{"description":"a","description":"b","amount_paise":1}]}'],
  ]) {
    const r = await t.api(m, p, { cookie: m === 'PATCH' ? S.doc.cookie : S.desk.cookie, raw });
    t.eq(r.status, 400, `${m} ${p} with a key twice`);
  }
});

// ---- Working through a Wi-Fi drop -------------------------------------------------------------

t.test('contract Wi-Fi drop: Idempotency-Key replays with Idempotent-Replay: true; another body → 422', async () => {
  const key = `k-${t.uniq('idem')}_1`;
  const body = { name: t.uniq('Idem '), sex: 'M', age_years: 33 };
  const first = await t.api('POST', '/api/patients', { cookie: S.desk.cookie, body, headers: { 'Idempotency-Key': key } });
  t.status(first, 201, 'first');
  const n = t.db('SELECT count(*) AS n FROM patients')[0].n;
  const again = await t.api('POST', '/api/patients', { cookie: S.desk.cookie, body, headers: { 'Idempotency-Key': key } });
  t.eq([again.status, again.headers['idempotent-replay'], again.text], [201, 'true', first.text], 'the same answer, replayed');
  t.eq(first.headers['idempotent-replay'], undefined, 'the first is no replay');
  t.eq(t.db('SELECT count(*) AS n FROM patients')[0].n, n, 'nothing written');
  const other = await t.api('POST', '/api/patients', { cookie: S.desk.cookie, body: { ...body, age_years: 34 }, headers: { 'Idempotency-Key': key } });
  errIs(other, 422, 'idempotency_key_reused', 'another body');
  for (const bad of ['a'.repeat(65), 'key.with.dots', 'key with space']) {
    const r = await t.api('POST', '/api/patients', { cookie: S.desk.cookie, body, headers: { 'Idempotency-Key': bad } });
    t.eq(r.status, 400, `the key ${bad}`);
  }
  const max = await t.api('POST', '/api/patients', { cookie: S.desk.cookie, body: { ...body, age_years: 35 }, headers: { 'Idempotency-Key': 'Az09_-'.repeat(10) + 'abcd' } });
  t.eq(max.status, 201, 'a 64-character key of every allowed kind');
  const q = await t.api('POST', '/api/queue', { cookie: S.desk.cookie, body: { patient_id: first.json.id }, headers: { 'Idempotency-Key': `${key}q` } });
  const q2 = await t.api('POST', '/api/queue', { cookie: S.desk.cookie, body: { patient_id: first.json.id }, headers: { 'Idempotency-Key': `${key}q` } });
  t.eq([q.status, q2.status, q2.headers['idempotent-replay'], q2.json.token], [201, 201, 'true', q.json.token], 'a queue add replayed');
});

t.test('contract Wi-Fi drop: GET /api/changes {epoch, cursor, more, patients, queue, appointments}; 409 epoch_changed', async () => {
  const all = await t.api('GET', '/api/changes?limit=1000', { cookie: S.desk.cookie });
  t.status(all, 200, 'changes');
  hasKeys(all.json, ['epoch', 'cursor', 'more', 'patients', 'queue', 'appointments'], 'changes');
  t.ok(isStr(all.json.epoch) && isStr(all.json.cursor) && isBool(all.json.more), `types: ${all.text.slice(0, 200)}`);
  t.ok(['patients', 'queue', 'appointments'].every((k) => Array.isArray(all.json[k])), 'three lists');
  let cur = all.json;
  for (let i = 0; i < 50 && cur.more; i++) {
    cur = (await t.api('GET', `/api/changes?since=${encodeURIComponent(cur.cursor)}&limit=1000`, { cookie: S.desk.cookie })).json;
  }
  const pid = await t.patient(S.desk.cookie);
  const next = await t.api('GET', `/api/changes?since=${encodeURIComponent(cur.cursor)}`, { cookie: S.desk.cookie });
  t.status(next, 200, 'since the cursor');
  t.eq(next.json.patients.map((p) => p.id), [pid], 'the new patient alone');
  t.status(await t.api('GET', '/api/changes', { cookie: S.nurse.cookie }), 200, 'nurse');
  t.status(await t.api('GET', '/api/changes', { cookie: S.doc.cookie }), 200, 'doctor');
  errIs(await t.api('GET', '/api/changes', { cookie: S.admin }), 403, 'forbidden', 'admin');
  const seq = cur.cursor.slice(cur.cursor.lastIndexOf('.') + 1);
  const otherEpoch = cur.epoch.replace(/./g, (ch) => (ch === '0' ? '1' : '0'));
  errIs(await t.api('GET', `/api/changes?since=${otherEpoch}.${seq}`, { cookie: S.desk.cookie }), 409, 'epoch_changed', 'a cursor of another epoch');
  const sw = await t.api('GET', '/sw.js');
  t.ok(sw.status === 200 && /javascript/.test(sw.headers['content-type']), `/sw.js: ${sw.status} ${sw.headers['content-type']}`);
});

// ---- Data in and out ---------------------------------------------------------------------------

t.test('contract Data: GET /api/patients/{id}/fhir (doctor, admin; audited) → application/fhir+json Bundle collection', async () => {
  const pid = await t.patient(S.desk.cookie);
  const before = t.db(`SELECT count(*) AS n FROM audit WHERE action = 'patient.fhir' AND patient_id = ${pid}`)[0].n;
  for (const who of [S.doc.cookie, S.admin]) {
    const r = await t.api('GET', `/api/patients/${pid}/fhir`, { cookie: who });
    t.eq([r.status, /^application\/fhir\+json/.test(r.headers['content-type'])], [200, true], `fhir: ${r.headers['content-type']}`);
    t.eq([r.json.resourceType, r.json.type], ['Bundle', 'collection'], 'a Bundle of type collection');
    t.ok(r.json.entry.some((e) => e.resource.resourceType === 'Patient'), 'with the Patient');
  }
  t.eq(t.db(`SELECT count(*) AS n FROM audit WHERE action = 'patient.fhir' AND patient_id = ${pid}`)[0].n, before + 2, 'audited');
  errIs(await t.api('GET', `/api/patients/${pid}/fhir`, { cookie: S.desk.cookie }), 403, 'forbidden', 'front desk');
  errIs(await t.api('GET', `/api/patients/${pid}/fhir`, { cookie: S.nurse.cookie }), 403, 'forbidden', 'nurse');
});

t.test('contract Data: the CSV exports (admin; audited) are UTF-8 with a byte-order mark', async () => {
  for (const what of ['patients', 'visits', 'payments']) {
    const before = auditCount(`export.${what}`);
    const r = await t.api('GET', `/api/export/${what}.csv`, { cookie: S.admin });
    t.eq([r.status, /^text\/csv/.test(r.headers['content-type']), r.text.charCodeAt(0)], [200, true, 0xfeff], `${what}.csv`);
    t.eq(auditCount(`export.${what}`), before + 1, `${what}.csv audited`);
    errIs(await t.api('GET', `/api/export/${what}.csv`, { cookie: S.doc.cookie }), 403, 'forbidden', `${what}.csv, doctor`);
  }
});

t.test('contract Data: nalamdesk-admin import-nalamdesk: exit 0 with a summary; the same file again exit 3, nothing changed', async () => {
  const dir = fs.mkdtempSync(path.join(process.env.ND_OUT || os.tmpdir(), 'contract-import-'));
  const file = path.join(dir, 'electron.db');
  const v = path.join(dir, 'var');
  const fx = spawnSync('bash', [path.join(process.env.ND_ROOT, 'tests/lib/nalamdesk-fixture.sh'), file], { encoding: 'utf8' });
  t.eq(fx.status, 0, `the fixture: ${fx.stderr}`);
  t.eq(tool(['migrate', '--var', v]).code, 0, 'migrate --var DIR');
  const one = tool(['import-nalamdesk', '--var', v, file]);
  t.eq(one.code, 0, `first import: ${one.err.slice(0, 300)}`);
  t.ok(/patients/.test(one.out), `a summary: ${one.out.slice(0, 200)}`);
  const db = path.join(v, 'db', 'nalamdesk.db');
  const n = () => spawnSync('sqlite3', ['-readonly', db, 'SELECT (SELECT count(*) FROM patients) || "/" || (SELECT count(*) FROM visits) || "/" || (SELECT count(*) FROM users)'], { encoding: 'utf8' }).stdout.trim();
  const before = n();
  const two = tool(['import-nalamdesk', '--var', v, file]);
  t.eq(two.code, 3, `second import: ${two.out} ${two.err}`);
  t.eq(n(), before, 'nothing changed');
  // an imported account has no password (an unusable hash) until the admin gives it one
  const pw = spawnSync('sqlite3', ['-readonly', db, "SELECT count(*) || '/' || sum(password_hash LIKE '$argon2%') FROM users WHERE import_id IS NOT NULL"], { encoding: 'utf8' });
  t.ok(/^[1-9]\d*\/0$/.test(pw.stdout.trim()), `imported users, none with a password: ${pw.stdout} ${pw.stderr}`);
  // the original tool commands, --var before and after the command's name
  const add = tool(['user', 'add', '--username', 'nurse1', '--name', 'Nurse One', '--role', 'nurse', '--var', v], 'Nurse-Pass-4271\n');
  t.eq(add.code, 0, `user add --role nurse: ${add.err}`);
  t.eq(tool(['--var', v, 'user', 'passwd', '--username', 'nurse1'], 'Other-Pass-9918\n').code, 0, 'user passwd');
  const snap = path.join(dir, 'snap.db');
  t.eq(tool(['backup', '--var', v, snap]).code, 0, 'backup FILE');
  t.eq(tool(['verify', snap, '--var', v]).code, 0, 'verify FILE');
  t.eq(tool(['user', 'count', '--var']).code, 2, '--var without its DIR');
  fs.rmSync(dir, { recursive: true, force: true });
});

t.run();
