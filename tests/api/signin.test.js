'use strict';
// signin.test.js — sign-in and data hygiene (issue 15, api-contract "Sign-in and passwords",
// the `name` rules of "Patients"): locks per (username, client address) and their unlock in
// the API, the tool and the users list; the password change's count, limit and audit; weak
// passwords refused everywhere; names in normal form with the refused characters; the audit
// row of a patient listing with its query and ids; and hashing kept out of the way of the
// other routes (a burst of sign-ins while /api/health and /api/auth/me keep answering).
//
// "Another computer" is the auth program run directly (--cgi) on the live database with
// REMOTE_ADDR set, as nginx would pass it: the stack listens on loopback alone.
const path = require('path');
const https = require('https');
const { spawnSync, execFileSync } = require('child_process');
const t = require('../lib/t.js');

const BIN = process.env.ND_BIN;
const VAR = process.env.ND_VAR;
const OTHER = '192.0.2.66';	// TEST-NET-1: never a real machine

// POST PATH with BODY to the auth program as the machine at ADDR, on the live database.
function authAs(addr, urlPath, body, cookie = '') {
  const text = JSON.stringify(body);
  const res = spawnSync(path.join(BIN, 'auth'), ['--cgi'], {
    input: text, encoding: 'utf8',
    env: {
      PATH: process.env.PATH, ASAN_OPTIONS: 'detect_leaks=0', NALAMDESK_DB: path.join(VAR, 'db', 'nalamdesk.db'),
      NALAMDESK_VAR: VAR, REQUEST_METHOD: 'POST', DOCUMENT_URI: urlPath, QUERY_STRING: '',
      HTTP_HOST: 'localhost', REMOTE_ADDR: addr, HTTP_COOKIE: cookie, CONTENT_TYPE: 'application/json',
      CONTENT_LENGTH: String(Buffer.byteLength(text)),
    },
  });
  const out = res.stdout || '';
  const cut = out.indexOf('\r\n\r\n');
  return { status: Number((/^Status: (\d+)/.exec(out) || [])[1]), head: out.slice(0, cut), text: out.slice(cut + 4) };
}

function tool(args, input = '') {
  return spawnSync(path.join(BIN, 'nalamdesk-admin'), ['--var', VAR, ...args], {
    input, encoding: 'utf8', env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=0' },
  });
}

const sq = (s) => s.replace(/'/g, "''");
const rowsOf = (username) => t.db(`SELECT ip, failures, locked_until FROM login_failures WHERE username = '${sq(username)}'`);
async function userRow(id) {
  const r = await t.api('GET', `/api/users/${id}`, { cookie: await t.admin() });
  t.status(r, 200, 'GET user');
  return r.json.user;
}

// Five wrong passwords from OTHER lock (username, OTHER).
function lockFromOther(username) {
  for (let i = 1; i <= 5; i++) {
    const r = authAs(OTHER, '/api/auth/login', { username, password: `wrong-guess-${i}-x` });
    t.eq(r.status, 401, `wrong password ${i} from ${OTHER}: ${r.text}`);
  }
  const r = authAs(OTHER, '/api/auth/login', { username, password: 'still-not-it-9' });
  t.eq(r.status, 429, `sixth try from ${OTHER}: ${r.text}`);
}

t.test('a lock from another computer leaves the right password working on this one', async () => {
  const u = await t.user('frontdesk');
  lockFromOther(u.username);
  const there = authAs(OTHER, '/api/auth/login', { username: u.username, password: u.password });
  t.eq(there.status, 429, `the right password from ${OTHER} while locked there`);
  t.ok(Number((/Retry-After: (\d+)/.exec(there.head) || [])[1]) > 0, `Retry-After in ${there.head}`);
  const here = await t.api('POST', '/api/auth/login', { body: { username: u.username, password: u.password } });
  t.status(here, 200, 'the right password from 127.0.0.1');
  const rows = rowsOf(u.username);
  t.eq(rows.map((r) => r.ip), [OTHER], 'only the other address is counted (and a success here cleared nothing there)');
  t.ok(rows[0].locked_until > Date.now() / 1000 + 60, `locked for minutes: ${JSON.stringify(rows)}`);
  const audit = t.db(`SELECT ip FROM audit WHERE action = 'auth.login_failed' AND entity_id = ${u.id}`);
  t.eq(audit.map((a) => a.ip), Array(5).fill(OTHER), 'each failure audited with its address');
});

t.test('guesses at made-up usernames do not pile up: a wrong password forgets 16 stale pairs', async () => {
  // Stale pairs (window and lock long over) written as old guesses would have left them.
  const file = path.join(VAR, 'db', 'nalamdesk.db');
  const old = Math.floor(Date.now() / 1000) - 3600;
  const vals = Array.from({ length: 20 }, (_, i) => `('stale-guess-${i}', '${OTHER}', 3, ${old}, 0)`);
  vals.push(`('stale-but-locked', '${OTHER}', 5, ${old}, ${old + 7200})`);
  execFileSync('sqlite3', [file, '.timeout 5000',
    `INSERT INTO login_failures (username, ip, failures, window_start, locked_until) VALUES ${vals.join(',')}`]);
  const stale = () => t.db("SELECT count(*) AS n FROM login_failures WHERE username LIKE 'stale-guess-%'")[0].n;
  t.eq(stale(), 20, 'twenty stale pairs written');
  const r = authAs(OTHER, '/api/auth/login', { username: 'someone-new', password: 'wrong-guess-x1' });
  t.eq(r.status, 401, `a wrong password: ${r.text}`);
  t.eq(stale(), 4, 'sixteen stale pairs forgotten by one wrong password');
  t.eq(rowsOf('stale-but-locked').length, 1, 'a pair still locked is kept');
  t.eq(rowsOf('someone-new').map((x) => x.failures), [1], 'the new guess counted');
  authAs(OTHER, '/api/auth/login', { username: 'someone-new2', password: 'wrong-guess-x2' });
  t.eq(stale(), 0, 'the rest on the next one');
});

t.test('the users list shows a lock; POST /api/users/{id}/unlock (admin) clears it, audited', async () => {
  const u = await t.user('doctor');
  lockFromOther(u.username);
  const before = await userRow(u.id);
  t.eq(before.locked, true, 'locked in the list');
  t.ok(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(before.locked_until || ''), `locked_until ${before.locked_until}`);
  const list = await t.api('GET', '/api/users?limit=200', { cookie: await t.admin() });
  t.eq(list.json.users.find((x) => x.id === u.id).locked, true, 'locked in GET /api/users');
  t.status(await t.api('POST', `/api/users/${u.id}/unlock`, { cookie: u.cookie, body: {} }), 403, 'a doctor may not unlock');
  t.eq(rowsOf(u.username).length, 1, 'still locked after the refused unlock');
  t.status(await t.api('POST', '/api/users/999999999/unlock', { cookie: await t.admin(), body: {} }), 404, 'no such user');
  const r = await t.api('POST', `/api/users/${u.id}/unlock`, { cookie: await t.admin(), body: {} });
  t.status(r, 200, 'unlock');
  t.eq([r.json.user.locked, r.json.user.locked_until], [false, null], 'answered unlocked');
  t.eq(rowsOf(u.username), [], 'every count and lock of the user gone');
  t.eq(t.db(`SELECT username FROM audit WHERE action = 'user.unlock' AND entity_id = ${u.id}`),
    [{ username: 'admin' }], 'audited user.unlock by the admin');
  const again = authAs(OTHER, '/api/auth/login', { username: u.username, password: u.password });
  t.eq(again.status, 200, `the right password from ${OTHER} after the unlock: ${again.text}`);
});

t.test('nalamdesk-admin user unlock --username U clears the locks, audited; --help names it', async () => {
  const u = await t.user('frontdesk');
  lockFromOther(u.username);
  const r = tool(['user', 'unlock', '--username', u.username]);
  t.eq([r.status, r.stdout.trim()], [0, `unlocked ${u.username}`], `tool: ${r.stderr}`);
  t.eq(rowsOf(u.username), [], 'no lock left');
  t.eq(t.db(`SELECT username FROM audit WHERE action = 'user.unlock' AND entity_id = ${u.id}`),
    [{ username: 'nalamdesk-admin' }], 'audited as the tool');
  t.eq(tool(['user', 'unlock', '--username', 'nobody-such-user']).status, 1, 'unknown user: exit 1');
  t.eq(tool(['user', 'unlock']).status, 2, 'no --username: exit 2');
  const help = tool(['--help']);
  t.ok(help.status === 0 && help.stdout.includes('user unlock --username U'), `--help: ${help.stdout}`);
});

t.test('password change: wrong current passwords counted, each audited auth.password_failed, 429 after 5', async () => {
  const u = await t.user('frontdesk');
  for (let i = 1; i <= 5; i++) {
    const r = await t.api('POST', '/api/auth/password', { cookie: u.cookie,
      body: { current_password: `not-my-password-${i}`, new_password: 'river-lantern-copper-7' } });
    t.status(r, 403, `wrong current password ${i}`);
  }
  const r = await t.api('POST', '/api/auth/password', { cookie: u.cookie,
    body: { current_password: u.password, new_password: 'river-lantern-copper-7' } });
  t.status(r, 429, 'the right one after five wrong ones');
  t.ok(Number(r.headers['retry-after']) > 0, 'Retry-After');
  t.eq(t.db(`SELECT count(*) AS n FROM audit WHERE action = 'auth.password_failed' AND user_id = ${u.id}`
    + ` AND entity_id = ${u.id} AND ip = '127.0.0.1'`), [{ n: 5 }], 'five auth.password_failed rows');
  const there = authAs(OTHER, '/api/auth/password', { current_password: u.password, new_password: 'password12' }, u.cookie);
  t.eq([there.status, JSON.parse(there.text).error.code], [422, 'weak_password'],
    'from another address the right current password is taken (and the weak new one refused)');
  // The same lock holds at sign-in from this address, and nowhere else.
  t.status(await t.api('POST', '/api/auth/login', { body: { username: u.username, password: u.password } }), 429,
    'sign-in from the same address');
  t.eq(authAs(OTHER, '/api/auth/login', { username: u.username, password: u.password }).status, 200,
    'sign-in from another address');
});

t.test('weak passwords: 422 weak_password on create, reset, change and in the tool; nothing stored', async () => {
  const adm = await t.admin();
  const username = t.uniq('weak').toLowerCase();
  const set = (await t.api('GET', '/api/settings', { cookie: adm })).json;
  const clinic = (set.settings || set).clinic_name;	// another test may have renamed it
  const word = clinic.split(/\s+/).sort((a, b) => b.length - a.length)[0];
  const weak = ['password12', '1234567890', 'qwertyuiop', 'nalamdesk1', `${username}2026`, `${word}-2026!!`,
    `${clinic} 1`];
  for (const password of weak) {
    const r = await t.api('POST', '/api/users', { cookie: adm, body: { username, name: 'Weak Pw', role: 'frontdesk', password } });
    t.status(r, 422, `create with ${password}`);
    t.eq([r.json.error.code, r.json.error.field], ['weak_password', 'password'], `error of ${password}`);
    t.ok(r.json.error.message.length > 20, 'says why');
  }
  t.eq(t.db(`SELECT count(*) AS n FROM users WHERE username = '${username}'`), [{ n: 0 }], 'no user made');
  const u = await t.user('doctor');
  const before = t.db(`SELECT password_hash FROM users WHERE id = ${u.id}`);
  const reset = await t.api('PATCH', `/api/users/${u.id}`, { cookie: adm,
    body: { version: (await userRow(u.id)).version, password: `${u.username}-${u.username}` } });
  t.status(reset, 422, 'reset to the username twice');
  t.eq(reset.json.error.code, 'weak_password', 'reset: code');
  const change = await t.api('POST', '/api/auth/password', { cookie: u.cookie,
    body: { current_password: u.password, new_password: 'password12' } });
  t.status(change, 422, 'change to password12');
  t.eq([change.json.error.code, change.json.error.field], ['weak_password', 'new_password'], 'change: error');
  t.eq(t.db(`SELECT password_hash FROM users WHERE id = ${u.id}`), before, 'the hash is unchanged');
  const cli = tool(['user', 'add', '--username', username, '--name', 'Weak', '--role', 'frontdesk'], 'qwertyuiop\n');
  t.ok(cli.status === 1 && /common|simple/.test(cli.stderr), `tool refuses: ${cli.status} ${cli.stderr}`);
  const good = tool(['user', 'add', '--username', username, '--name', 'Strong', '--role', 'frontdesk'],
    'copper kettle monsoon 42\n');
  t.eq(good.status, 0, `a passphrase of words is accepted: ${good.stderr}`);
});

// --- names ----------------------------------------------------------------------------

t.test('names: bidi controls, BOM, zero-width, C0/C1 controls and separators are 422 naming the field', async () => {
  const desk = await t.user('frontdesk');
  const before = t.db('SELECT count(*) AS n FROM patients');
  const bad = ['\u202eramuK ivaR', 'Ravi\u200bKumar', '\ufeffRavi Kumar', 'Ravi\u0085Kumar', 'Ravi\u0007 Kumar',
    '\u2066Ravi\u2069 Kumar', 'Ravi\u2028Kumar', 'Ravi\u200dKumar', 'Ravi\u200e Kumar', 'Ra\u00advi', 'Ravi\u2060Kumar'];
  for (const name of bad) {
    const r = await t.api('POST', '/api/patients', { cookie: desk.cookie, body: { name, sex: 'M', age_years: 30 } });
    t.status(r, 422, `POST ${JSON.stringify(name)}`);
    t.eq([r.json.error.code, r.json.error.field], ['invalid', 'name'], `error of ${JSON.stringify(name)}`);
  }
  t.eq(t.db('SELECT count(*) AS n FROM patients'), before, 'nothing stored');
  const id = await t.patient(desk.cookie);
  const v = (await t.api('GET', `/api/patients/${id}`, { cookie: desk.cookie })).json.version;
  const p = await t.api('PATCH', `/api/patients/${id}`, { cookie: desk.cookie, body: { version: v, name: '\u202eramuK ivaR' } });
  t.status(p, 422, 'PATCH with a bidi override');
  t.eq(p.json.error.field, 'name', 'PATCH: field');
  const staff = await t.api('POST', '/api/users', { cookie: await t.admin(), body: {
    username: t.uniq('bidi').toLowerCase(), name: 'Dr \u202eramuK', role: 'doctor', password: 'copper kettle monsoon 42' } });
  t.status(staff, 422, 'a staff name with a bidi override');
  t.eq(staff.json.error.field, 'name', 'staff: field');
});

t.test('names: ZWJ/ZWNJ inside a Tamil or Devanagari word are kept; NFC; fullwidth folded', async () => {
  const desk = await t.user('frontdesk');
  const keep = ['லக்\u200cஷ்மி ' + t.uniq('x'), 'क्\u200dष ' + t.uniq('x')];
  for (const name of keep) {
    const r = await t.api('POST', '/api/patients', { cookie: desk.cookie, body: { name, sex: 'F', age_years: 30 } });
    t.status(r, 201, `POST ${JSON.stringify(name)}`);
    t.eq(r.json.name, name, 'stored as typed');
    t.eq(t.db(`SELECT name FROM patients WHERE id = ${r.json.id}`)[0].name, name, 'in the database');
  }
  const w = t.uniq('').replace(/[^a-z]/g, 'q');
  const decomposed = await t.api('POST', '/api/patients', { cookie: desk.cookie,
    body: { name: `Jose\u0301 ${w}`, sex: 'M', age_years: 30 } });
  t.status(decomposed, 201, 'decomposed accent');
  t.eq(decomposed.json.name, `José ${w}`, 'stored precomposed (NFC)');
  const full = await t.api('POST', '/api/patients', { cookie: desk.cookie,
    body: { name: `Ｓｅｌｖｉ  ${w}`, sex: 'F', age_years: 30 } });
  t.status(full, 201, 'fullwidth letters');
  t.eq(full.json.name, `Selvi ${w}`, 'stored folded, spaces collapsed');
});

t.test('names: the duplicate hint and the search find names typed in another normal form', async () => {
  const desk = await t.user('frontdesk');
  const w = t.uniq('').replace(/[^a-z]/g, 'z');
  const id = await t.patient(desk.cookie, { name: `José ${w}` });
  const dup = await t.api('GET', `/api/patients/duplicates?name=${encodeURIComponent(`Jose\u0301 ${w}`)}`, { cookie: desk.cookie });
  t.status(dup, 200, 'duplicates');
  t.ok(dup.json.candidates.some((c) => c.id === id), `decomposed finds precomposed: ${dup.text}`);
  const one = await t.patient(desk.cookie, { name: `Ｗ${w}` });
  const dup1 = await t.api('GET', `/api/patients/duplicates?name=${encodeURIComponent(`w${w}`)}`, { cookie: desk.cookie });
  t.ok(dup1.json.candidates.some((c) => c.id === one), `one word, fullwidth stored, ASCII typed: ${dup1.text}`);
  const s = await t.api('GET', `/api/patients?q=${encodeURIComponent(`ｊｏｓｅ ${w}`)}`, { cookie: desk.cookie });
  t.status(s, 200, 'search');
  t.ok(s.json.patients.some((p) => p.id === id), `fullwidth query finds it: ${s.text}`);
});

t.test('nalamdesk-admin migrate puts names stored before the check into normal form, once', async () => {
  const fs = require('fs');
  const os = require('os');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nd-names-'));
  try {
    const env = { ...process.env, ASAN_OPTIONS: 'detect_leaks=0' };
    const run = (...a) => spawnSync(path.join(BIN, 'nalamdesk-admin'), ['--var', dir, ...a], { encoding: 'utf8', env });
    t.eq(run('migrate').status, 0, 'migrate');
    const file = path.join(dir, 'db', 'nalamdesk.db');
    // As an older version stored them, and the step left to do again.
    execFileSync('sqlite3', [file, "INSERT INTO patients (clinic_no, name, sex, age_years, age_on, created_at, updated_at)"
      + " VALUES (1, 'Jose' || char(769) || ' Kumar', 'M', 30, '2026-01-01', 'x', 'x'),"
      + " (2, char(8238) || 'ramuK ivaR', 'M', 30, '2026-01-01', 'x', 'x'),"
      + " (3, 'Lak' || char(8203) || 'shmi  R', 'F', 30, '2026-01-01', 'x', 'x');"
      + " INSERT INTO users (username, name, role, password_hash, created_at, updated_at)"
      + " VALUES ('oldnurse', 'Me' || char(8203) || 'ena', 'nurse', '!', 'x', 'x');"
      + " INSERT INTO pending_steps (name) VALUES ('normalise_names');"]);
    const r = run('migrate');
    t.ok(r.status === 0 && r.stdout.includes('names in normal form: 4 changed'), `migrate again: ${r.stdout} ${r.stderr}`);
    const rows = JSON.parse(execFileSync('sqlite3', ['-json', file, 'SELECT name, version FROM patients ORDER BY clinic_no'], { encoding: 'utf8' }));
    t.eq(rows, [{ name: 'José Kumar', version: 2 }, { name: 'ramuK ivaR', version: 2 }, { name: 'Lakshmi R', version: 2 }], 'names');
    const staff = JSON.parse(execFileSync('sqlite3', ['-json', file, "SELECT name FROM users WHERE username = 'oldnurse'"], { encoding: 'utf8' }));
    t.eq(staff, [{ name: 'Meena' }], "a staff member's name too");
    // Each patient's renaming is in the trail, under the patient.
    const trail = JSON.parse(execFileSync('sqlite3', ['-json', file, "SELECT username, patient_id FROM audit"
      + " WHERE action = 'patient.name_normalised' ORDER BY patient_id"], { encoding: 'utf8' }));
    const pids = JSON.parse(execFileSync('sqlite3', ['-json', file, 'SELECT id AS patient_id FROM patients ORDER BY id'], { encoding: 'utf8' }));
    t.eq(trail, pids.map((p) => ({ username: 'nalamdesk-admin', patient_id: p.patient_id })), 'audited per patient');
    t.eq(run('migrate').stdout.trim(), '', 'the step ran once');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

// --- audit of a listing -----------------------------------------------------------------

t.test('a patient listing is audited in one row with its query and the ids it returned', async () => {
  const desk = await t.user('frontdesk');
  const w = t.uniq('Lst').toLowerCase().replace(/[^a-z]/g, 'k');
  const ids = [];
  for (let i = 0; i < 3; i++) ids.push(await t.patient(desk.cookie, { name: `${w} Person${i}` }));
  const q = `q=${w}&limit=200&offset=0`;
  const r = await t.api('GET', `/api/patients?${q}`, { cookie: desk.cookie });
  t.status(r, 200, 'listing');
  const got = r.json.patients.map((p) => p.id);
  t.eq(got.slice().sort(), ids.slice().sort(), 'the three');
  const rows = t.db(`SELECT detail, patient_id FROM audit WHERE user_id = ${desk.id} AND action = 'patient.search'`);
  t.eq(rows.length, 1, 'one row for the request');
  t.eq(rows[0].patient_id, null, 'no single patient');
  t.eq(JSON.parse(rows[0].detail), { query: q, ids: got }, 'its query and the ids, in the order returned');
  const d = await t.api('GET', `/api/patients/duplicates?name=${w}%20Person1`, { cookie: desk.cookie });
  t.status(d, 200, 'duplicate hint');
  const last = t.db(`SELECT detail FROM audit WHERE user_id = ${desk.id} AND action = 'patient.search' ORDER BY id DESC LIMIT 1`);
  t.eq(JSON.parse(last[0].detail).ids, d.json.candidates.map((c) => c.id), 'the hint too');
});

// --- hashing never starves the other routes ------------------------------------------

// One HTTPS request on its own connection; resolves to [status, ms].
function timed(method, urlPath, body, cookie) {
  const data = body ? Buffer.from(JSON.stringify(body)) : null;
  const t0 = process.hrtime.bigint();
  return new Promise((resolve) => {
    const headers = { Accept: 'application/json' };
    if (cookie) headers.Cookie = cookie;
    if (data) Object.assign(headers, { 'Content-Type': 'application/json', 'Content-Length': data.length, Origin: process.env.ND_BASE });
    const req = https.request(`${process.env.ND_BASE}${urlPath}`, { method, headers, rejectUnauthorized: false, agent: KEEP },
      (res) => { res.resume(); res.on('end', () => resolve([res.statusCode, Number(process.hrtime.bigint() - t0) / 1e6])); });
    req.setTimeout(60000, () => req.destroy());
    req.on('error', () => resolve([0, Number(process.hrtime.bigint() - t0) / 1e6]));
    if (data) req.write(data);
    req.end();
  });
}
const KEEP = new https.Agent({ keepAlive: true, maxSockets: 64 });
const pct = (a, p) => a.slice().sort((x, y) => x - y)[Math.min(a.length - 1, Math.floor(a.length * p))];

t.test('a burst of sign-ins and wrong password changes does not delay /api/health or /api/auth/me', async () => {
  const u = await t.user('frontdesk');
  const probe = await t.user('doctor');
  // What one hash costs here (ASan build, this machine's load): the delay a shared pool would add.
  const one = (await timed('POST', '/api/auth/login', { username: t.uniq('nobody'), password: 'not-a-real-pw-1' }))[1];
  const burst = [];
  let done = false;
  const t0 = Date.now();
  // 10 hashes at once (about 3 s of work, 10 under ASan on a busy machine): sign-ins of unknown
  // usernames (each its own count) and wrong current passwords.
  // Sent 15 ms apart: under the test stack's nginx rate (6000/min), so none is refused there.
  const all = (async () => {
    for (let i = 0; i < 10; i++) {
      burst.push(i % 5 === 4
        ? timed('POST', '/api/auth/password', { current_password: `guess-${i}-xyzzy`, new_password: 'copper kettle monsoon 42' }, u.cookie)
        : timed('POST', '/api/auth/login', { username: t.uniq('nobody'), password: `guess-${i}-xyzzy` }));
      await new Promise((res) => setTimeout(res, 15));
    }
    const r = await Promise.all(burst);
    done = true;
    return r;
  })();
  const health = [], me = [];
  while (!done && Date.now() - t0 < 60000) {
    const [hs, hm] = await timed('GET', '/api/health');
    const [ms, mm] = await timed('GET', '/api/auth/me', null, probe.cookie);
    t.eq([hs, ms], [200, 200], 'health and me answer during the burst');
    health.push(hm);
    me.push(mm);
    await new Promise((res) => setTimeout(res, 20));
  }
  const results = await all;
  const took = Date.now() - t0;
  const hashed = results.filter(([s]) => s === 401 || s === 403).length;
  console.log(`# one hash ${one.toFixed(0)} ms; burst of ${results.length} (${hashed} hashed) took ${took} ms;`
    + ` health p50 ${pct(health, 0.5).toFixed(1)} p99 ${pct(health, 0.99).toFixed(1)} ms,`
    + ` me p50 ${pct(me, 0.5).toFixed(1)} p99 ${pct(me, 0.99).toFixed(1)} ms (${health.length} each)`);
  t.ok(hashed >= 9, `the burst was hashed, not refused: ${JSON.stringify(results.map(([s]) => s))}`);
  t.ok(took > 2 * one, `the burst queued (${took} ms for ${hashed} hashes of ${one.toFixed(0)} ms)`);
  t.ok(health.length >= 5, `health was asked during the burst (${health.length} times)`);
  // A pool shared with the hashing would make them wait a whole hash (or several) each time.
  const bound = Math.max(50, one / 3);
  t.ok(pct(health, 0.9) < bound && pct(me, 0.9) < bound,
    `health p90 ${pct(health, 0.9).toFixed(1)} ms, me p90 ${pct(me, 0.9).toFixed(1)} ms: under ${bound.toFixed(0)} ms`);
  KEEP.destroy();
});

t.run();
