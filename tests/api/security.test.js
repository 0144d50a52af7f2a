'use strict';
// security.test.js — what auth.test.js, badinput.test.js and roles.test.js leave out:
// CSRF on EVERY write route of the route tables (foreign Origin, look-alike origins, the content
// types a cross-site form or a "simple" fetch can send), no CORS grant, no state change by GET;
// session fixation with a token the attacker chose; the cookie's flags on sign-out too; tokens
// never in bodies; IDOR and leaks: a front-desk user never sees a visit's clinical content
// through any route it may call, no answer to anyone carries a password hash or a session
// token's hash, the public display shows no names, ids in bodies cannot pick another user or
// be mass-assigned. Runs against the shared stack of tests/run (also from tests/audit/run).
const t = require('../lib/t.js');
const crypto = require('node:crypto');

const routes = t.routes();
const writes = routes.filter((r) => r.method !== 'GET');
const port = new URL(t.BASE).port;
const roleCookie = {};
async function cookieFor(r) {
  const role = r.roles.includes('anyone') ? 'frontdesk' : r.roles.includes('admin') ? 'admin' : r.roles[0];
  if (!roleCookie[role]) roleCookie[role] = role === 'admin' ? await t.admin() : (await t.user(role)).cookie;
  return roleCookie[role];
}
const pathOf = (r) => r.pattern.replace(/\{[^}]+\}/g, '1');

// ------------------------------------------------------------------ CSRF
t.test(`CSRF: every write route (${writes.length}) refuses a foreign or look-alike Origin with 403 before anything else`, async () => {
  for (const r of writes) await cookieFor(r);   // the users first: they are rows too
  const before = t.counts();
  const origins = ['https://evil.example', `https://127.0.0.1:${port}.evil.example`, `https://127.0.0.1:${port}0`,
    `https://evil.example/https://127.0.0.1:${port}`, `http://127.0.0.1:${port}`, `https://localhost:${port}`, 'null'];
  const bad = [];
  for (const r of writes) {
    const cookie = await cookieFor(r);
    for (const origin of origins) {
      const res = await t.api(r.method, pathOf(r), { cookie, headers: { Origin: origin }, body: {} });
      if (res.status !== 403 || !res.json || res.json.error.code !== 'bad_origin') bad.push(`${r.method} ${r.pattern} Origin ${JSON.stringify(origin)}: ${res.status} ${res.text.slice(0, 80)}`);
    }
  }
  t.eq(bad, [], 'answers that were not 403 bad_origin');
  t.eq(t.counts(), before, 'database unchanged');
});

t.test('CSRF: every write route refuses the content types a cross-site form or simple request can send (415)', async () => {
  const before = t.counts();
  const types = [null, 'text/plain', 'text/plain; charset=utf-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=xx',
    'application/json-patch+json', 'text/json', 'application/jsonp', 'application/x-json'];
  const bad = [];
  for (const r of writes) {
    const cookie = await cookieFor(r);
    for (const ct of types) {
      const res = await t.api(r.method, pathOf(r), { cookie, raw: '{}', headers: { 'Content-Type': ct } });
      if (res.status !== 415) bad.push(`${r.method} ${r.pattern} Content-Type ${ct}: ${res.status}`);
    }
  }
  t.eq(bad, [], 'answers that were not 415');
  t.eq(t.counts(), before, 'database unchanged');
});

t.test('CSRF: a sign-out from another site is refused and the session lives on', async () => {
  const u = await t.user('frontdesk');
  const r = await t.api('POST', '/api/auth/logout', { cookie: u.cookie, headers: { Origin: 'https://evil.example' } });
  t.status(r, 403, 'foreign sign-out');
  t.status(await t.api('GET', '/api/auth/me', { cookie: u.cookie }), 200, 'session after it');
});

t.test('CORS: no answer grants another origin access, preflights included', async () => {
  const cookie = await t.admin();
  const bad = [];
  for (const [m, p] of [['GET', '/api/auth/me'], ['GET', '/api/patients?q=a'], ['OPTIONS', '/api/patients'], ['OPTIONS', '/api/users']]) {
    const r = await t.api(m, p, { cookie, headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' } });
    for (const h of Object.keys(r.headers)) if (h.startsWith('access-control-')) bad.push(`${m} ${p}: ${h}: ${r.headers[h]}`);
  }
  t.eq(bad, [], 'Access-Control-* headers');
});

t.test('GET never changes state: write-only paths answer 405 to GET and nothing is written', async () => {
  const getPatterns = new Set(routes.filter((r) => r.method === 'GET').map((r) => r.pattern));
  const writeOnly = [...new Set(writes.map((r) => r.pattern))].filter((p) => !getPatterns.has(p));
  const cookie = await t.admin();
  const before = t.counts();
  const bad = [];
  for (const p of writeOnly) {
    const r = await t.api('GET', p.replace(/\{[^}]+\}/g, '1'), { cookie });
    if (r.status !== 405 && r.status !== 404) bad.push(`GET ${p}: ${r.status}`);
  }
  t.eq(bad, [], 'GET on write-only paths');
  t.status(await t.api('GET', '/api/auth/me', { cookie }), 200, 'the session survives a GET /api/auth/logout');
  t.eq(t.counts(), before, 'database unchanged');
});

// ------------------------------------------------------------------ sessions
t.test('session fixation: a token the client chose is never adopted at sign-in', async () => {
  const u = await t.user('doctor');
  const planted = crypto.randomBytes(32).toString('base64url'); // 43 characters, like a real one
  const r = await t.api('POST', '/api/auth/login', { cookie: `nd_session=${planted}`, body: { username: u.username, password: u.password } });
  t.status(r, 200, 'sign-in with a planted cookie');
  const issued = t.cookieOf(r);
  t.ok(issued && issued !== `nd_session=${planted}`, `a fresh token is issued: ${issued}`);
  t.status(await t.api('GET', '/api/auth/me', { cookie: `nd_session=${planted}` }), 401, 'the planted token');
  const hash = crypto.createHash('sha256').update(planted).digest('hex');
  t.eq(t.db(`SELECT count(*) AS n FROM sessions WHERE token_hash = '${hash}'`)[0].n, 0, 'planted token stored');
});

t.test('session tokens: 256-bit, all different, never in a body, only their SHA-256 stored', async () => {
  const u = await t.user('frontdesk');
  const seen = new Set();
  for (let i = 0; i < 10; i++) {
    const r = await t.api('POST', '/api/auth/login', { body: { username: u.username, password: u.password } });
    t.status(r, 200, 'sign-in');
    const tok = t.cookieOf(r).replace(/^nd_session=/, '');
    t.ok(/^[A-Za-z0-9_-]{43}$/.test(tok), `token shape: ${tok}`);
    t.ok(!r.text.includes(tok), 'token in the sign-in body');
    const me = await t.api('GET', '/api/auth/me', { cookie: `nd_session=${tok}` });
    t.ok(!me.text.includes(tok), 'token in /me');
    t.eq(t.db(`SELECT count(*) AS n FROM sessions WHERE token_hash = '${tok}'`)[0].n, 0, 'raw token stored');
    seen.add(tok);
  }
  t.eq(seen.size, 10, 'distinct tokens');
});

t.test('cookie flags: sign-out clears the cookie with the same flags; failed sign-ins set none', async () => {
  const u = await t.user('frontdesk');
  const out = await t.api('POST', '/api/auth/logout', { cookie: u.cookie });
  t.status(out, 204, 'sign-out');
  const c = (out.headers['set-cookie'] || [])[0] || '';
  t.ok(/^nd_session=;/.test(c) || /^nd_session=""?;/.test(c), `cleared value: ${c}`);
  for (const f of [/; HttpOnly/i, /; Secure/i, /; SameSite=Strict/i, /; Path=\//i, /Max-Age=0/i]) t.ok(f.test(c), `${f} in ${c}`);
  t.ok(!/; Domain=/i.test(c), `no Domain: ${c}`);
  const bad = await t.api('POST', '/api/auth/login', { body: { username: u.username, password: 'not-the-password' } });
  t.status(bad, 401, 'wrong password');
  t.eq(bad.headers['set-cookie'], undefined, 'cookie on a failed sign-in');
  const login = await t.api('POST', '/api/auth/login', { body: { username: u.username, password: u.password } });
  const lc = login.headers['set-cookie'][0];
  t.ok(!/; Domain=/i.test(lc) && /; Path=\//.test(lc), `sign-in cookie scope: ${lc}`);
  t.ok(!/Expires=|Max-Age=/i.test(lc), `sign-in cookie is a session cookie (no Expires/Max-Age): ${lc}`);
});

t.test('API answers with patient data are not cacheable by shared caches', async () => {
  const d = await t.user('doctor');
  const p = await t.api('POST', '/api/patients', { cookie: d.cookie, body: { name: 'Cache Check', sex: 'F', age_years: 30 } });
  t.status(p, 201, 'patient');
  const bad = [];
  for (const u of [`/api/patients/${p.json.id}`, '/api/patients?q=Cache', '/api/queue', '/api/auth/me']) {
    const r = await t.api('GET', u, { cookie: d.cookie });
    const cc = r.headers['cache-control'] || '';
    if (!/no-store|private/.test(cc)) bad.push(`${u}: Cache-Control ${JSON.stringify(cc)}`);
  }
  t.eq(bad, [], 'answers a shared cache may keep');
});

// ------------------------------------------------------------------ IDOR and leaks
const marker = `Zq${crypto.randomBytes(5).toString('hex')}`;
const PHONE = t.mobile();
const fx = {};
t.test('fixture: a patient with a finalised visit holding a unique marker, in the queue, paid for, with an appointment', async () => {
  const doc = await t.user('doctor');
  fx.doc = doc;
  const p = await t.api('POST', '/api/patients', { cookie: doc.cookie, body: { name: 'Idor Probe', sex: 'M', age_years: 50, phone: PHONE } });
  t.status(p, 201, 'patient');
  fx.p = p.json;
  const q = await t.api('POST', '/api/queue', { cookie: doc.cookie, body: { patient_id: p.json.id } });
  t.status(q, 201, 'queue');
  fx.q = q.json;
  const v = await t.api('POST', '/api/visits', { cookie: doc.cookie, body: { patient_id: p.json.id, queue_id: q.json.id } });
  t.status(v, 201, 'visit');
  const pv = await t.api('PATCH', `/api/visits/${v.json.id}`, {
    cookie: doc.cookie,
    body: { version: v.json.version, complaint: `complaint ${marker}`, notes: `notes ${marker}`, advice: `advice ${marker}`, diagnoses: [{ text: `dx ${marker}` }], prescriptions: [{ medicine: `Med${marker}`, dose: '1-0-1' }] },
  });
  t.status(pv, 200, 'visit draft');
  fx.v = pv.json;
  t.status(await t.api('POST', `/api/visits/${v.json.id}/finalize`, { cookie: doc.cookie, body: {} }), 200, 'finalise');
  const y = await t.api('POST', '/api/payments', { cookie: doc.cookie, body: { patient_id: p.json.id, visit_id: v.json.id, amount_paise: 30000, mode: 'cash' } });
  t.status(y, 201, 'payment');
  fx.y = y.json;
  const a = await t.api('POST', '/api/appointments', { cookie: doc.cookie, body: { patient_id: p.json.id, date: q.json.date, time: '11:00' } });
  t.status(a, 201, 'appointment');
  fx.a = a.json;
});

// Every GET route ROLE may call, with each {id} filled by every fixture id (so an id of one kind
// sent to a route of another kind is tried too), plus the query strings that select the data.
async function sweep(role, cookie) {
  const ids = [...new Set([fx.p.id, fx.q.id, fx.v.id, fx.y.id, fx.a.id, fx.doc.id])];
  const out = [];
  for (const r of routes.filter((x) => x.method === 'GET' && (x.roles.includes(role) || x.roles.includes('anyone')))) {
    const urls = r.pattern.includes('{') ? ids.map((i) => r.pattern.replace(/\{[^}]+\}/g, String(i))) : [r.pattern];
    for (const u of urls) {
      for (const q of ['', `?date=${fx.q.date}`, '?q=Idor', `?patient_id=${fx.p.id}`]) {
        const res = await t.api('GET', u + q, { cookie });
        out.push({ url: u + q, res });
      }
    }
  }
  return out;
}

t.test('IDOR: front desk never sees a visit\'s clinical content through any route it may call', async () => {
  const fd = await t.user('frontdesk');
  const got = await sweep('frontdesk', fd.cookie);
  t.ok(got.filter((g) => g.res.status === 200).length >= 10, `enough answers: ${got.filter((g) => g.res.status === 200).length}`);
  // The printed prescription (GET /api/visits/{id}/prescription) is the front desk's to reprint:
  // it holds the diagnoses, medicines and advice, never the notes or the complaint.
  const printout = (u) => /^\/api\/visits\/\d+\/prescription(\?|$)/.test(u);
  const leaks = got.filter((g) => printout(g.url)
    ? g.res.text.includes(`notes ${marker}`) || g.res.text.includes(`complaint ${marker}`)
    : g.res.text.includes(marker)).map((g) => `${g.url} (${g.res.status})`);
  t.eq(leaks, [], 'answers holding the visit\'s marker');
  t.ok(got.some((g) => printout(g.url) && g.res.status === 200), 'the printed prescription was swept too');
  for (const p of [`/api/visits/${fx.v.id}`, `/api/patients/${fx.p.id}/visits`, `/api/medicines?q=Med${marker}`]) {
    t.status(await t.api('GET', p, { cookie: fd.cookie }), 403, `GET ${p} as front desk`);
  }
});

t.test('leaks: no answer to any role carries a password hash or a session token hash', async () => {
  const hashes = t.db('SELECT password_hash AS h FROM users').map((r) => r.h)
    .concat(t.db('SELECT token_hash AS h FROM sessions').map((r) => r.h)).filter(Boolean);
  t.ok(hashes.length > 3, 'hashes to look for');
  const bad = [];
  for (const [role, cookie] of [['admin', await t.admin()], ['doctor', fx.doc.cookie], ['frontdesk', (await t.user('frontdesk')).cookie]]) {
    const got = await sweep(role, cookie);
    got.push({ url: '/api/users?limit=200', res: await t.api('GET', '/api/users?limit=200', { cookie }) });
    got.push({ url: '/api/audit?limit=200', res: await t.api('GET', '/api/audit?limit=200', { cookie }) });
    for (const g of got) {
      if (/\$argon2|password_hash|token_hash/.test(g.res.text)) bad.push(`${role} ${g.url}: ${g.res.text.match(/.{0,30}(\$argon2|password_hash|token_hash).{0,30}/)[0]}`);
      for (const h of hashes) if (g.res.text.includes(h)) bad.push(`${role} ${g.url}: a stored hash`);
    }
  }
  t.eq(bad, [], 'answers with secrets');
});

t.test('leaks: the public display (no session) shows tokens, never names, phones or clinic numbers', async () => {
  for (const p of ['/api/display', '/api/queue/display']) {
    const r = await t.api('GET', p);
    t.status(r, 200, p);
    t.ok(!r.text.includes('Idor Probe') && !r.text.includes(PHONE), `${p} names the patient: ${r.text.slice(0, 200)}`);
    t.ok(!/"(name|phone|clinic_no|patient_id|patient)"/.test(r.text), `${p} fields: ${r.text.slice(0, 200)}`);
  }
});

t.test('IDOR: /api/auth/me and the password change act on the session\'s own user only', async () => {
  const a = await t.user('frontdesk');
  const b = await t.user('frontdesk');
  const me = await t.api('GET', `/api/auth/me?user_id=${b.id}&id=${b.id}`, { cookie: a.cookie });
  t.eq(me.json.user.id, a.id, '/me with another id in the query');
  const r = await t.api('POST', '/api/auth/password', { cookie: a.cookie, body: { current_password: a.password, new_password: 'Hijacked-password-1', user_id: b.id } });
  t.ok(r.status === 422 || r.status === 204, `password change with user_id: ${r.status}`);
  await t.login(b.username, b.password); // b's password is unchanged
});

t.test('mass assignment: server-owned fields in a body are refused or ignored', async () => {
  const d = await t.user('doctor');
  const max = t.db('SELECT coalesce(max(id), 0) AS m, coalesce(max(clinic_no), 0) AS c FROM patients')[0];
  const r = await t.api('POST', '/api/patients', { cookie: d.cookie, body: { name: 'Mass Assign', sex: 'F', age_years: 20, id: max.m + 1000, clinic_no: 1, version: 99, created_by: 1, created_at: '2000-01-01T00:00:00Z' } });
  if (r.status === 201) {
    t.ok(r.json.id !== max.m + 1000 && r.json.clinic_no !== 1 && r.json.version === 1 && r.json.created_at !== '2000-01-01T00:00:00Z', `stored as sent: ${r.text.slice(0, 200)}`);
  } else {
    t.status(r, 422, 'patient with server-owned fields');
  }
  const q = await t.api('POST', '/api/queue', { cookie: d.cookie, body: { patient_id: fx.p.id, token: 1, status: 'done', day: '2000-01-01' } });
  t.ok(q.status === 422 || (q.status === 409) || (q.status === 201 && q.json.token !== 1 && q.json.status === 'waiting'), `queue add with token/status: ${q.status} ${q.text.slice(0, 120)}`);
  const u = await t.user('frontdesk');
  const role = await t.api('PATCH', '/api/patients/' + fx.p.id, { cookie: u.cookie, body: { version: 1, role: 'admin' } });
  t.ok(role.status === 422 || role.status === 409, `PATCH patient with role: ${role.status}`);
  t.eq(t.db(`SELECT role FROM users WHERE id = ${u.id}`)[0].role, 'frontdesk', 'role unchanged');
});

t.run();
