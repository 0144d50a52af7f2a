'use strict';
// sqlmap.js — sqlmap against every endpoint and parameter of a running stack, with a valid
// session of a role the route allows. Debian's sqlmap exits 0 whatever it finds, so its results
// are parsed: a route fails when sqlmap names any injection point (its output, its CSV of
// results, or a non-empty per-target log), or when it did not get to test at all.
//
//   node tests/audit/sqlmap.js BASE OUTDIR
//
// Env: ND_ADMIN_PASSWORD, ND_ROOT, ND_BIN (the programs, for --routes), AUDIT_SQLMAP_LEVEL (2:
// also the session cookie of every request), AUDIT_SQLMAP_RISK (1), AUDIT_SQLMAP_JOBS (3 sqlmap
// processes at once), AUDIT_SQLMAP_ONLY (a regular expression: only the targets it matches).
//
// The endpoints come from the programs' own route tables (--routes): a route missing from
// PARAMS below fails the run, so a new route cannot slip past the audit. PARAMS holds, for each
// route, a VALID request (so that every injected value reaches the handler, not just the
// validator): its query string and JSON body, with fixtures filled in ({P} a patient, {Q} a
// queue entry, {V} a draft visit, {Y} a payment, {A} an appointment, {U} a spare user, {TODAY}).
// Path ids are tested as their own target (an injection marker after the id).
const fs = require('node:fs');
const path = require('node:path');
const { spawn, execFileSync } = require('node:child_process');
const { Client, login, makeUser } = require('../drills/http.js');

const [base, outDir] = process.argv.slice(2);
const ROOT = process.env.ND_ROOT;
const BIN = process.env.ND_BIN || path.join(ROOT, 'build/asan/bin');
const LEVEL = process.env.AUDIT_SQLMAP_LEVEL || '2';
const RISK = process.env.AUDIT_SQLMAP_RISK || '1';
const JOBS = Number(process.env.AUDIT_SQLMAP_JOBS || 3);
const PNG = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

// "METHOD pattern": {q: query string, body: JSON, as: role whose session is used}.
// body null: the route takes no fields (nothing to inject but the path and the cookie).
const PARAMS = {
  'GET /api/health': { q: '' },
  'POST /api/auth/login': { body: { username: '{LOGIN_USER}', password: '{LOGIN_PASSWORD}' } },
  'POST /api/auth/logout': { body: null, as: 'throwaway' },
  'GET /api/auth/me': { q: '' },
  // The same password again: the valid request stays valid (until sqlmap's new_password sticks).
  'POST /api/auth/password': { body: { current_password: '{PW_PASSWORD}', new_password: '{PW_PASSWORD}' }, as: 'pwuser' },
  'GET /api/users': { q: 'limit=10&offset=0', as: 'admin' },
  'POST /api/users': { body: { username: 'sqlmapuser', name: 'Sql Map', role: 'frontdesk', password: 'Sqlmap-pass-123' }, as: 'admin' },
  'GET /api/users/{id}': { q: '', id: '{U}', as: 'admin' },
  'PATCH /api/users/{id}': { body: { version: 1, name: 'Spare User', role: 'frontdesk', active: true, password: 'Spare-pass-12345' }, id: '{U}', as: 'admin' },
  'GET /api/settings': { q: '' },
  'PUT /api/settings': { body: { version: 1, clinic_name: 'Audit Clinic', doctor_name: 'Dr A', qualification: 'MBBS', registration_no: 'R-1', address: '1 Main Road', phone: '044 1234 5678', consultation_fee_paise: 30000 }, as: 'admin' },
  'GET /api/settings/logo': { q: '' },
  'PUT /api/settings/logo': { body: { data_url: PNG }, as: 'admin' },
  'DELETE /api/settings/logo': { body: null, as: 'admin' },
  'GET /api/audit': { q: 'from={TODAY}&to={TODAY}&user_id=1&patient_id={P}&action=patient.read&limit=10&offset=0', as: 'admin' },
  'GET /api/audit.csv': { q: 'from={TODAY}&to={TODAY}&user_id=1&patient_id={P}&action=patient.read&limit=10&offset=0', as: 'admin' },
  'GET /api/backups': { q: '', as: 'admin' },
  'POST /api/backups': { body: null, as: 'admin' },
  'GET /api/system': { q: '', as: 'admin' },
  'GET /api/patients': { q: 'q=Ravi&limit=10&offset=0' },
  'POST /api/patients': { body: { name: 'Audit Patient', sex: 'F', dob: '1980-02-03', phone: '9876500000', address: '2 Temple Street', abha_id: '12-3456-7890-1234', allergies: 'none', notes: 'audit' } },
  'GET /api/patients/duplicates': { q: 'name=Ravi%20Kumar&phone=9876543210' },
  'GET /api/patients/{id}': { q: '', id: '{P}' },
  'PATCH /api/patients/{id}': { body: { version: 1, name: 'Ravi Kumar', sex: 'M', age_years: 41, phone: '9876543210', address: 'Road', allergies: 'dust', notes: 'n' }, id: '{P}' },
  'GET /api/queue': { q: 'date={TODAY}' },
  'POST /api/queue': { body: { patient_id: '{P2}', reason: 'fever' } },
  'GET /api/queue/display': { q: '' },
  'GET /api/display': { q: '' },
  'PATCH /api/queue/{id}': { body: { status: 'in_consult', version: 1 }, id: '{Q}' },
  'GET /api/appointments': { q: 'date={TODAY}' },
  'POST /api/appointments': { body: { patient_id: '{P}', date: '{TODAY}', time: '10:30', reason: 'review' } },
  'PATCH /api/appointments/{id}': { body: { status: 'cancelled', version: 1 }, id: '{A}' },
  'POST /api/payments': { body: { patient_id: '{P}', visit_id: '{V}', amount_paise: 30000, mode: 'cash', note: 'consultation', items: [{ description: 'Consultation', amount_paise: 30000 }] } },
  'GET /api/payments': { q: 'date={TODAY}&limit=10&offset=0' },
  'GET /api/payments/{id}': { q: '', id: '{Y}' },
  'GET /api/reports/daily': { q: 'date={TODAY}' },
  'GET /api/reports/range': { q: 'from={TODAY}&to={TODAY}&format=json' },
  'POST /api/payments/{id}/void': { body: { reason: 'entered twice' }, id: '{Y}', as: 'admin' },
  'GET /api/charges': { q: '' },
  'PUT /api/charges': { body: { version: 1, charges: [{ description: 'ECG', amount_paise: 25000 }] }, as: 'admin' },
  'POST /api/visits': { body: { patient_id: '{P}', queue_id: '{Q}' }, as: 'doctor' },
  'GET /api/visits/{id}': { q: '', id: '{V}', as: 'doctor' },
  'PATCH /api/visits/{id}': { body: { version: 1, complaint: 'fever', vitals: { bp_systolic: 120, bp_diastolic: 80, pulse: 72, temperature_c: 37.5, weight_kg: 60, height_cm: 165, spo2: 98 }, notes: 'n', diagnoses: [{ text: 'Viral fever', code: 'B34.9' }], prescriptions: [{ medicine: 'Paracetamol', strength: '500 mg', form: 'tablet', dose: '1-0-1', timing: 'after_food', duration_days: 3, instructions: 'after food' }], advice: 'rest', follow_up_date: '{TODAY}' }, id: '{V}', as: 'doctor' },
  'POST /api/visits/{id}/finalize': { body: null, id: '{V2}', as: 'doctor' },
  'POST /api/visits/{id}/repeat-last': { body: null, id: '{V3}', as: 'doctor' },
  'GET /api/patients/{id}/visits': { q: 'limit=10&offset=0', id: '{P}', as: 'doctor' },
  'GET /api/medicines': { q: 'q=Para&limit=10' },
};

const lines = [];
let failed = 0;
function check(what, problem, skip) {
  let l;
  if (skip) l = `${what}... skip: ${skip}`;
  else if (problem) { failed++; l = `${what}... fail: ${problem}`; } else l = `${what}... ok`;
  console.log(l);
  lines.push(l);
}

function routes() {
  const out = [];
  for (const prog of ['auth', 'admin', 'patients', 'queue', 'appointments', 'billing', 'visits']) {
    const exe = path.join(BIN, prog);
    if (!fs.existsSync(exe)) continue;
    for (const l of execFileSync(exe, ['--routes'], { encoding: 'utf8' }).trim().split('\n')) {
      const [method, pattern, roles] = l.split('\t');
      out.push({ prog, method, pattern, roles: roles.split(',') });
    }
  }
  return out;
}

async function fixtures(client) {
  const admin = await login(client, 'admin', process.env.ND_ADMIN_PASSWORD);
  const users = { admin: { username: 'admin', password: process.env.ND_ADMIN_PASSWORD, cookie: admin } };
  for (const r of ['doctor', 'frontdesk']) users[r] = await makeUser(client, admin, r, `sq${r.slice(0, 3)}`);
  users.pwuser = await makeUser(client, admin, 'frontdesk', 'sqpw');
  users.throwaway = await makeUser(client, admin, 'frontdesk', 'sqth');
  const loginUser = await makeUser(client, admin, 'frontdesk', 'sqlo');
  const spare = await makeUser(client, admin, 'frontdesk', 'sqsp');
  const d = users.doctor.cookie;
  const ok = (r, what) => { if (!(r.status >= 200 && r.status < 300)) throw new Error(`fixture ${what}: ${r.status} ${r.text}`); return r.json; };
  const p = ok(await client.request('POST', '/api/patients', { cookie: d, body: { name: 'Ravi Kumar', sex: 'M', age_years: 40, phone: '9876543210' } }), 'patient');
  const p2 = ok(await client.request('POST', '/api/patients', { cookie: d, body: { name: 'Meena Devi', sex: 'F', age_years: 35 } }), 'patient 2');
  const q = ok(await client.request('POST', '/api/queue', { cookie: d, body: { patient_id: p.id } }), 'queue');
  const v = ok(await client.request('POST', '/api/visits', { cookie: d, body: { patient_id: p.id, queue_id: q.id } }), 'visit');
  const v2 = ok(await client.request('POST', '/api/visits', { cookie: d, body: { patient_id: p2.id } }), 'visit 2');
  const v3 = ok(await client.request('POST', '/api/visits', { cookie: d, body: { patient_id: p.id } }), 'visit 3');
  const y = ok(await client.request('POST', '/api/payments', { cookie: d, body: { patient_id: p.id, amount_paise: 100, mode: 'upi' } }), 'payment');
  ok(await client.request('PUT', '/api/settings/logo', { cookie: admin, body: { data_url: PNG } }), 'logo');
  const a = ok(await client.request('POST', '/api/appointments', { cookie: d, body: { patient_id: p.id, date: q.date, time: '09:00' } }), 'appointment');
  return {
    users,
    vars: {
      '{P}': p.id, '{P2}': p2.id, '{Q}': q.id, '{V}': v.id, '{V2}': v2.id, '{V3}': v3.id, '{Y}': y.id, '{A}': a.id,
      '{U}': spare.id, '{TODAY}': q.date, '{LOGIN_USER}': loginUser.username, '{LOGIN_PASSWORD}': loginUser.password,
      '{PW_PASSWORD}': users.pwuser.password,
    },
  };
}

function fill(s, vars) {
  let out = s;
  for (const [k, v] of Object.entries(vars)) out = out.split(k).join(String(v));
  return out;
}
// A JSON body with the fixtures filled in; placeholders standing alone become numbers.
function body(b, vars) {
  return JSON.stringify(b, (k, v) => (typeof v === 'string' && /^\{[A-Z0-9]+\}$/.test(v) && typeof vars[v] === 'number' ? vars[v] : (typeof v === 'string' ? fill(v, vars) : v)));
}

function runSqlmap(job) {
  const dir = path.join(outDir, job.slug);
  fs.mkdirSync(dir, { recursive: true });
  const args = ['-u', job.url, '--method', job.method, '--batch', '--dbms=SQLite', `--level=${LEVEL}`, `--risk=${RISK}`,
    '--flush-session', '--output-dir', dir, '--disable-coloring', '--timeout', '30', '--retries', '1',
    // 401: what a tampered session cookie gets; 404: what a tampered path id gets. Without
    // these, sqlmap stops testing a target at the first such answer.
    '--ignore-code=401,404',
    '--drop-set-cookie', '--skip-waf', '--headers',
    // The JSON type on writes even when the body has no field for sqlmap to see as JSON ("{}"):
    // else sqlmap sends a form type, gets 415, and never reaches the session check.
    `Origin: ${base}\nAccept: application/json${job.method !== 'GET' ? '\nContent-Type: application/json' : ''}`];
  if (job.cookie) args.push('--cookie', job.cookie);
  if (job.data !== undefined) args.push('--data', job.data);
  if (job.p) args.push('-p', job.p);
  return new Promise((resolve) => {
    const log = fs.openSync(path.join(dir, 'sqlmap.out'), 'w');
    const child = spawn('sqlmap', args, { stdio: ['ignore', log, log], env: { ...process.env, HOME: dir } });
    child.on('close', (code) => { fs.closeSync(log); resolve(code); });
  });
}

// The verdict on one job from sqlmap's output and files.
function verdict(job) {
  const dir = path.join(outDir, job.slug);
  const out = fs.readFileSync(path.join(dir, 'sqlmap.out'), 'utf8');
  const found = [];
  if (/identified the following injection point|sqlmap resumed the following injection point/.test(out)) found.push('injection point(s) identified');
  for (const m of out.matchAll(/parameter '([^']+)' (?:is|seems to be) '?([^']*)'? injectable|parameter '([^']+)' is vulnerable/g)) found.push(`${m[1] || m[3]} ${m[2] || ''}`.trim());
  const dismissed = [];
  for (const f of walk(dir)) {
    if (/results-.*\.csv$/.test(f)) {
      const rows = fs.readFileSync(f, 'utf8').trim().split('\n').slice(1).filter(Boolean);
      // sqlmap lists a candidate it then proved false ("checking if the injection point ... is
      // a false positive") with that note; anything else in the file is a finding.
      for (const r of rows) (/false positive or unexploitable/.test(r) ? dismissed : found).push(`csv: ${r}`);
    } else if (path.basename(f) === 'log' && fs.statSync(f).size > 0) found.push(`log: ${fs.readFileSync(f, 'utf8').slice(0, 200)}`);
  }
  const tested = (out.match(/\[INFO\] testing '/g) || []).length;
  const params = [...new Set([...out.matchAll(/parameter '([^']+)' does not seem to be injectable/g)].map((m) => m[1]))];
  const finished = /all tested parameters do not appear to be injectable|do not appear to be injectable/.test(out);
  const noParams = /no parameter\(s\) found for testing/.test(out);
  const critical = (out.match(/\[CRITICAL\][^\n]*/g) || []).filter((l) => !/do not appear to be injectable/.test(l));
  const http = {};
  const m = out.match(/HTTP error codes detected during run:\n((?:\d{3} [^\n]*\n?)+)/);
  if (m) for (const l of m[1].trim().split('\n')) { const [, code, n] = l.match(/^(\d{3}) .* - (\d+) times/) || []; if (code) http[code] = Number(n); }
  return { found, dismissed, tested, params, finished, noParams, critical, http };
}
function* walk(dir) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) yield* walk(p); else yield p;
  }
}

(async () => {
  fs.mkdirSync(outDir, { recursive: true });
  const client = new Client(base, { sockets: 4 });
  const rs = routes();
  check(`sqlmap: the route tables list the endpoints (${rs.length})`, rs.length >= 30 ? '' : `only ${rs.length} routes`);
  const missing = rs.filter((r) => !PARAMS[`${r.method} ${r.pattern}`]).map((r) => `${r.method} ${r.pattern}`);
  check('sqlmap: every route has a request in tests/audit/sqlmap.js', missing.length ? `add: ${missing.join(', ')}` : '');
  const { users, vars } = await fixtures(client);

  const jobs = [];
  for (const r of rs) {
    const spec = PARAMS[`${r.method} ${r.pattern}`];
    if (!spec) continue;
    const role = spec.as || (r.roles.includes('anyone') ? 'frontdesk' : r.roles.includes('frontdesk') ? 'frontdesk' : r.roles[0]);
    // A session of its own for every target: a sign-in presenting a cookie ends that session,
    // a password change ends the user's other sessions, a sign-out its own.
    const cookie = await login(client, users[role].username, users[role].password);
    const p = fill(r.pattern.replace('{id}', spec.id || ''), vars);
    const q = spec.q ? `?${fill(spec.q, vars)}` : '';
    const data = spec.body === undefined || spec.body === null ? (r.method === 'GET' ? undefined : '{}') : body(spec.body, vars);
    const slug = `${r.method}-${r.pattern}`.replace(/[^A-Za-z0-9]+/g, '_');
    const params = [];
    if (q) params.push(...fill(spec.q, vars).split('&').map((kv) => kv.split('=')[0]));
    if (spec.body) params.push(...Object.keys(spec.body));
    if (LEVEL >= 2 && cookie) params.push('cookie nd_session');
    jobs.push({ name: `${r.method} ${r.pattern}`, prog: r.prog, slug, method: r.method, url: `${base}${p}${q}`, data, cookie, params });
    // The path id as its own target: the marker after the id.
    if (spec.id) {
      jobs.push({ name: `${r.method} ${r.pattern} (the {id} in the path)`, slug: `${slug}_path`, method: r.method, url: `${base}${p}*${q}`, data, cookie, params: ['{id}'], p: undefined, pathOnly: true });
    }
  }

  // Every route reachable through nginx at all: nginx answers a path it has no location for
  // with its own 404 (conf/nginx.conf.in), whatever the method, so a GET tells without side
  // effects.
  const unreachable = [];
  for (const r of rs) {
    const res = await client.request('GET', fill(r.pattern.replace('{id}', '1'), vars), { cookie: users.admin.cookie });
    if (res.status === 404 && res.json && res.json.error && res.json.error.message === 'There is no such API endpoint.') unreachable.push(`${r.method} ${r.pattern} (${r.prog})`);
  }
  check('routes: every route of the route tables reaches its program through nginx', unreachable.length ? `nginx answers its own 404 (no location in conf/nginx.conf.in) for: ${unreachable.join(', ')}` : '');
  client.close();
  // AUDIT_SQLMAP_ONLY: a regular expression on the target names, to rerun a few by hand.
  if (process.env.AUDIT_SQLMAP_ONLY) {
    const re = new RegExp(process.env.AUDIT_SQLMAP_ONLY);
    jobs.splice(0, jobs.length, ...jobs.filter((j) => re.test(j.name)));
  }
  // Run them JOBS at a time; DELETE targets last (the logo they delete is another's fixture).
  jobs.sort((a, b) => (a.method === 'DELETE') - (b.method === 'DELETE'));
  let next = 0;
  const t0 = Date.now();
  const runQueue = async (list) => {
    await Promise.all(Array.from({ length: JOBS }, async () => {
      while (next < list.length) {
        const j = list[next++];
        await runSqlmap(j);
      }
    }));
  };
  const firstPart = jobs.filter((j) => j.method !== 'DELETE');
  await runQueue(firstPart);
  next = 0;
  await runQueue(jobs.filter((j) => j.method === 'DELETE'));
  const secs = Math.round((Date.now() - t0) / 1000);

  const errors500 = [];
  let totalTests = 0;
  for (const j of jobs) {
    const v = verdict(j);
    totalTests += v.tested;
    if (v.http['500']) errors500.push(`${j.name}: ${v.http['500']}`);
    if (v.dismissed.length) console.log(`# ${j.name}: sqlmap dismissed as false positive: ${v.dismissed.join(' | ')}`);
    const what = `sqlmap: ${j.name} [${j.params.join(', ') || 'no parameters'}]`;
    if (v.found.length) check(what, `INJECTABLE: ${v.found.slice(0, 3).join(' | ')} (see ${path.join(outDir, j.slug)})`);
    else if (v.noParams && !j.params.length) check(what, '', 'no parameter to inject (the session cookie of the other routes is the same code)');
    else if (!v.finished || v.tested === 0) check(what, `sqlmap did not finish its tests: ${v.critical.slice(-1)[0] || 'no verdict line'} (see ${path.join(outDir, j.slug, 'sqlmap.out')})`);
    else check(what, '');
  }
  check('sqlmap: no payload made a program answer 500', errors500.length ? errors500.join('; ') : '');
  console.log(`# sqlmap: ${jobs.length} targets, ${totalTests} test groups, level ${LEVEL}, risk ${RISK}, ${secs} s; output in ${outDir}`);
  process.exitCode = failed ? 1 : 0;
})().catch((e) => { console.log(`sqlmap: the scan runs... fail: ${e.stack.replace(/\n/g, ' | ')}`); process.exitCode = 1; });
