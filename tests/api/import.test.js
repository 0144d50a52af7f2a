'use strict';
// import.test.js — `nalamdesk-admin import-nalamdesk` on a running server's database, with a
// fixture of the Electron NalamDesk's schema (tests/lib/nalamdesk-fixture.sh: 307 patients, 404
// visits, odd rows). Every imported patient and visit is then found through the API: by id, by
// name (Tamil too) and by a shared mobile; visit days are clinic-local (times near midnight in
// India land on the right day); prescriptions, vitals and payments came across; users came
// deactivated and cannot sign in; an imported patient's FHIR bundle is valid. The summary names
// what was skipped and why; a second import of the same file is refused with exit 3 and changes
// nothing; a dry run changes nothing; an encrypted file is refused with the way out.
// It runs on a stack of its own (tests/lib/stack.sh), started here, so that the hundreds of
// patients, visits, receipts and users it brings do not change what later tests count.
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync, execFileSync } = require('node:child_process');
const t = require('../lib/t.js');
const Validator = require('@asymmetrik/fhir-json-schema-validator');

if (!process.env.ND_IMPORT_STACK) {
  // The parent: start a private stack, run this file again against it, stop it.
  const dir = fs.mkdtempSync(path.join(process.env.ND_OUT || '/tmp', 'import-stack-'));
  const v = path.join(dir, 'var');
  const up = spawnSync('bash', ['-c', `source "${process.env.ND_ROOT}/tests/lib/stack.sh"; port=$(free_port) || exit 1;
    stack_start "${v}" "$port" --login-rate 6000r/m || exit 1; echo "$port $STACK_PID"`], { encoding: 'utf8' });
  const [port, pid] = (up.stdout || '').trim().split(' ').map(Number);
  if (up.status !== 0 || !port || !pid) {
    console.log(`import: a stack of its own starts... fail: ${(up.stderr || '').slice(-300)}`);
    process.exit(1);
  }
  const child = spawnSync(process.execPath, [__filename], {
    stdio: 'inherit',
    env: { ...process.env, ND_IMPORT_STACK: '1', ND_BASE: `https://127.0.0.1:${port}`, ND_PORT: String(port), ND_VAR: v },
  });
  try { process.kill(-pid, 'SIGTERM'); } catch { /* gone already */ }
  for (let i = 0; i < 100; i++) {
    try { process.kill(pid, 0); } catch { break; }
    execFileSync('sleep', ['0.1']);
  }
  const log = fs.existsSync(`${v}.log`) ? fs.readFileSync(`${v}.log`, 'utf8') : '';
  const bad = /AddressSanitizer|runtime error|LeakSanitizer/.test(log);
  console.log(`import: no sanitizer reports from its stack... ${bad ? `fail: see ${v}.log` : 'ok'}`);
  if (!bad && child.status === 0) fs.rmSync(dir, { recursive: true, force: true });
  process.exit(child.status === 0 && !bad ? 0 : 1);
}
const TOOL = path.join(process.env.ND_BIN, 'nalamdesk-admin');
const DIR = fs.mkdtempSync(path.join(process.env.ND_OUT || '/tmp', 'import-'));
const FILE = path.join(DIR, 'nalamdesk.db');
const S = {};

function tool(...args) {
  const r = spawnSync(TOOL, args, { encoding: 'utf8', env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=0' } });
  return { code: r.status, out: r.stdout || '', err: r.stderr || '' };
}

// What the database holds, to prove that a refused import changed nothing.
function state() {
  return t.db(`SELECT (SELECT count(*) FROM patients) AS p, (SELECT max(id) FROM patients) AS pm,
    (SELECT count(*) FROM visits) AS v, (SELECT count(*) FROM prescriptions) AS rx,
    (SELECT count(*) FROM visit_diagnoses) AS d, (SELECT count(*) FROM payments) AS y,
    (SELECT count(*) FROM users) AS u, (SELECT count(*) FROM imports) AS i,
    (SELECT group_concat(key || '=' || value) FROM settings) AS s`)[0];
}

function need() {
  if (!S.imported) t.skip('the import did not run');
}

t.test('import: the fixture imports in one go, and the summary says what was left and why', async () => {
  execFileSync('bash', [path.join(process.env.ND_ROOT, 'tests/lib/nalamdesk-fixture.sh'), FILE]);
  S.before = state();
  const r = tool('import-nalamdesk', '--var', process.env.ND_VAR, FILE);
  t.eq(r.code, 0, `exit 0: ${r.err}`);
  S.summary = r.out;
  for (const line of ['patients: 306 of 307', 'visits: 402 of 404', 'prescription lines: 301 of 302', 'users: 5 of 5',
    'payments: 82']) t.ok(r.out.includes(line), `the summary says "${line}": ${r.out.slice(0, 300)}`);
  for (const why of ['patient #305 "No Age Anywhere": neither a date of birth nor an age',
    'visit #401: its patient #9999 was not imported', 'visit #404: date "sometime" unreadable',
    'visit #7: pulse "900" out of range', 'vitals: 2 rows recorded outside any visit',
    'visit #403: a prescription line without a medicine', 'patient_queue: 2 entries',
    'patient #303: gender "unknown" not known', 'patient #304: date of birth "31/02/1990" is no date',
    'patient #301: no name', 'visit #402: prescription_json unreadable', 'user guest: role "superuser" not known',
    'user admin: that username is taken here; imported as admin-nd1']) {
    t.ok(r.out.includes(why), `the summary names: ${why}`);
  }
  const after = state();
  t.eq([after.p - S.before.p, after.v - S.before.v, after.u - S.before.u, after.i - S.before.i], [306, 402, 5, 1],
    'the rows the summary counts');
  S.imp = t.db('SELECT id, summary FROM imports ORDER BY id DESC LIMIT 1')[0];
  t.eq(S.imp.summary, r.out, 'the summary is kept with the import');
  t.eq(t.db(`SELECT count(*) AS n FROM audit WHERE action = 'import.nalamdesk' AND entity_id = ${S.imp.id}`)[0].n, 1,
    'audited');
  S.imported = true;
  S.desk = (await t.user('frontdesk')).cookie;
  S.doc = (await t.user('doctor')).cookie;
});

t.test('import: every imported patient is found through the API', async () => {
  need();
  const rows = t.db(`SELECT id, old_id, name FROM patients WHERE import_id = ${S.imp.id} ORDER BY old_id`);
  t.eq(rows.length, 306, 'imported patients');
  let found = 0;
  for (const p of rows) {
    const res = await t.api('GET', `/api/patients/${p.id}`, { cookie: S.desk });
    if (res.status === 200 && res.json.name === p.name) found++;
  }
  t.eq(found, 306, 'GET /api/patients/{id} answers each');
  const byName = await t.api('GET', `/api/patients?q=${encodeURIComponent('முருகன் 100')}`, { cookie: S.desk });
  t.ok(byName.json.patients.some((p) => p.name === 'முருகன் 100'), 'a Tamil name is found by search');
  const byPhone = await t.api('GET', '/api/patients?q=9840012345', { cookie: S.desk });
  t.eq(byPhone.json.patients.filter((p) => p.phone === '9840012345').length, 6, 'the six who shared one mobile');
  const p2 = (await t.api('GET', `/api/patients/${rows[1].id}`, { cookie: S.desk })).json;
  t.eq([p2.sex, p2.dob, p2.phone], ['M', '1952-03-03', '9800000002'], 'gender, date of birth and phone mapped');
  const p5 = rows.find((r) => r.old_id === 5);
  t.eq((await t.api('GET', `/api/patients/${p5.id}`, { cookie: S.desk })).json.dob, '1955-06-06', 'DD/MM/YYYY read');
  const p301 = rows.find((r) => r.old_id === 301);
  t.eq(p301.name, 'No name (NalamDesk #301)', 'a missing name gets a placeholder the desk can correct');
});

t.test('import: every imported visit is found, on its clinic-local day, with lines, vitals and payments', async () => {
  need();
  const pats = t.db(`SELECT p.id, count(v.id) AS n FROM patients p JOIN visits v ON v.patient_id = p.id
    WHERE p.import_id = ${S.imp.id} GROUP BY p.id`);
  let seen = 0;
  for (const p of pats) {
    const res = await t.api('GET', `/api/patients/${p.id}/visits?limit=200`, { cookie: S.doc });
    if (res.status === 200) seen += res.json.visits.filter((v) => v.status === 'final').length;
  }
  t.eq(seen, 402, 'GET /api/patients/{id}/visits lists all 402, finalized');
  const ids = Object.fromEntries(t.db(`SELECT old_id, id FROM visits WHERE import_id = ${S.imp.id}`).map((r) => [r.old_id, r.id]));
  const v1 = (await t.api('GET', `/api/visits/${ids[1]}`, { cookie: S.doc })).json;
  const v2 = (await t.api('GET', `/api/visits/${ids[2]}`, { cookie: S.doc })).json;
  t.eq(v1.date, '2025-02-02', '18:15 UTC is 23:45 in India: the same day');
  t.eq(v2.date, '2025-03-04', '18:45 UTC on 3 March is 00:15 on 4 March in India');
  t.eq(v1.prescriptions.map((l) => [l.medicine, l.dose, l.timing, l.duration_days]),
    [['Amoxicillin', '1-1-1', 'before_food', 7], ['Cetirizine', '0-0-1', 'bedtime', 3]], 'prescription lines mapped');
  t.eq(v1.diagnoses.map((d) => d.text), ['Acute pharyngitis'], 'the diagnosis');
  t.eq(v2.vitals.temperature_c, 37.0, '98.6 °F came across as 37.0 °C');
  t.eq([v1.vitals.bp_systolic, v1.vitals.height_cm], [111, 151.0], 'the newest vitals row of a visit');
  const v7 = (await t.api('GET', `/api/visits/${ids[7]}`, { cookie: S.doc })).json;
  t.eq(v7.vitals.pulse, null, 'a pulse of 900 is left out');
  const pay = t.db(`SELECT amount_paise, mode, day FROM payments WHERE import_id = ${S.imp.id} AND old_id = 5`)[0];
  t.eq([pay.amount_paise, pay.mode], [15000, 'cash'], 'amount_paid became a payment');
  const login = await t.api('POST', '/api/auth/login', { body: { username: 'drselvam', password: 'anything-at-all' } });
  t.status(login, 401, 'an imported user cannot sign in before an admin sets a password');
  t.eq(t.db("SELECT active, role, password_hash FROM users WHERE username = 'drselvam'")[0],
    { active: 0, role: 'doctor', password_hash: '!' }, 'deactivated, role mapped, no password');
  const b = await t.api('GET', `/api/patients/${t.db(`SELECT id FROM patients WHERE import_id = ${S.imp.id} AND old_id = 1`)[0].id}/fhir`, { cookie: S.doc });
  t.status(b, 200, 'FHIR of an imported patient');
  t.eq(new Validator().validate(b.json), [], 'valid FHIR R4');
  t.eq(b.json.entry.filter((e) => e.resource.resourceType === 'Encounter').length, 2, 'both visits as encounters');
});

t.test('import: a second import of the same file is refused (exit 3) and changes nothing', async () => {
  need();
  const before = state();
  const r = tool('import-nalamdesk', '--var', process.env.ND_VAR, FILE);
  t.eq(r.code, 3, `exit 3: ${r.out}${r.err}`);
  t.ok(/imported already .*nothing was changed/.test(r.err), `says why: ${r.err}`);
  t.eq(state(), before, 'nothing changed');
});

t.test('import: a later copy of the same clinic is refused; a dry run changes nothing; an encrypted file is refused with the way out', async () => {
  need();
  const other = path.join(DIR, 'other.db');
  fs.copyFileSync(FILE, other);
  execFileSync('sqlite3', [other, "UPDATE patients SET name = 'Changed' WHERE id = 1"]);
  const before = state();
  // The same clinic's file copied again after more work: other bytes, the same patients.
  const again = tool('import-nalamdesk', '--var', process.env.ND_VAR, other);
  t.eq(again.code, 3, `a later copy of the same database: exit 3: ${again.err}`);
  t.ok(/patients of .* were imported already/.test(again.err), `says why: ${again.err}`);
  t.eq(state(), before, 'the later copy changed nothing');
  // Another clinic's file (other registration times): a dry run of it.
  execFileSync('sqlite3', [other, "UPDATE patients SET created_at = datetime(created_at, '+1 second')"]);
  const dry = tool('import-nalamdesk', '--var', process.env.ND_VAR, '--dry-run', other);
  t.eq(dry.code, 0, `dry run exit 0: ${dry.err}`);
  t.ok(/^dry run of the import of .*nothing will be kept/.test(dry.out) && dry.out.includes('patients: 306 of 307'),
    `dry run summary: ${dry.out.slice(0, 200)}`);
  t.eq(state(), before, 'the dry run changed nothing');
  const enc = path.join(DIR, 'enc');
  fs.mkdirSync(enc);
  fs.writeFileSync(path.join(enc, 'nalamdesk.db'), Buffer.concat([Buffer.from('0123456789abcdef'), require('node:crypto').randomBytes(8192)]));
  fs.writeFileSync(path.join(enc, 'security.json'), JSON.stringify({ salt: 'x', wrappedKey: 'y', kdf: 'argon2id' }));
  const e = tool('import-nalamdesk', '--var', process.env.ND_VAR, path.join(enc, 'nalamdesk.db'));
  t.eq(e.code, 1, 'exit 1');
  t.ok(/encrypted database/.test(e.err) && /unencrypted copy/.test(e.err) && /VACUUM INTO/.test(e.err),
    `explains how to export it unencrypted: ${e.err.slice(0, 300)}`);
  t.eq(state(), before, 'nothing changed');
  const usage = tool('import-nalamdesk', '--var', process.env.ND_VAR);
  t.eq(usage.code, 2, 'no file: usage');
});

t.test('import: the old file\'s texts are stored as the API stores them: names in normal form, no controls, valid UTF-8; each patient audited', async () => {
  need();
  const odd = path.join(DIR, 'odd.db');
  const long = 'Ab'.repeat(80);
  execFileSync('sqlite3', [odd, `CREATE TABLE patients (id INTEGER PRIMARY KEY, name TEXT, mobile TEXT, age INTEGER,
    gender TEXT, address TEXT, created_at DATETIME);
    CREATE TABLE visits (id INTEGER PRIMARY KEY, patient_id INTEGER, date DATETIME, diagnosis TEXT, symptoms TEXT);
    INSERT INTO patients VALUES (1, 'Ra' || char(8238) || 'vi' || char(27) || '[31m  Kumar', NULL, 40, 'M',
      'No. 5' || char(7) || ' Street', '2019-03-01 10:00:00'),
    (2, CAST(X'53656cff7669' AS TEXT), NULL, 30, 'F', NULL, '2019-03-01 10:01:00'),
    (3, '${long}', NULL, 20, 'F', NULL, '2019-03-01 10:02:00');
    INSERT INTO visits VALUES (1, 1, '2019-03-01 10:05:00', 'Fever' || char(0x202e), 'cough' || char(1) || ' and cold');`]);
  const r = tool('import-nalamdesk', '--var', process.env.ND_VAR, odd);
  t.eq(r.code, 0, `exit 0: ${r.err}`);
  t.ok(!/[\x00-\x08\x0b-\x1f\x7f]/.test(r.out), `the summary holds no control character: ${JSON.stringify(r.out)}`);
  const imp = t.db('SELECT id FROM imports ORDER BY id DESC LIMIT 1')[0].id;
  const rows = t.db(`SELECT id, name, address, hex(name) AS h FROM patients WHERE import_id = ${imp} ORDER BY old_id`);
  t.eq(rows.map((p) => p.name), ['Ravi [31m Kumar', 'Selvi', 'Ab'.repeat(50)], 'names as the API would store them');
  t.eq(rows[0].address, 'No. 5  Street', 'no control character in the address');
  for (const p of rows) {
    const res = await t.api('GET', `/api/patients/${p.id}`, { cookie: S.desk });
    t.ok(res.status === 200 && res.json.name === p.name, `the API answers it: ${res.text.slice(0, 200)}`);
  }
  const v = t.db(`SELECT complaint, (SELECT text FROM visit_diagnoses WHERE visit_id = v.id) AS d FROM visits v
    WHERE import_id = ${imp}`);
  t.eq(v, [{ complaint: 'cough  and cold', d: 'Fever\u202e' }], 'the visit\'s texts: controls out (free text keeps other characters)');
  const aud = t.db(`SELECT patient_id FROM audit WHERE action = 'patient.import' AND username = 'nalamdesk-admin'
    AND patient_id IN (${rows.map((p) => p.id).join(',')}) ORDER BY patient_id`);
  t.eq(aud.map((a) => a.patient_id), rows.map((p) => p.id), 'each imported patient is in their own audit trail');
});

t.run();
