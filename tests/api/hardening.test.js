'use strict';
// hardening.test.js — the security review's checks of this round's surface, each one a case
// that failed before its fix: a password never kept as an idempotent request's body hash; the
// admin's CSV exports written out as they are read, never a whole table in the worker's memory;
// the system status, whose handler cut its answer by the caller's role, split into two routes;
// the second backup copy's folder never inside VAR (whose app/htdocs nginx serves); a large
// consultation's body kept in nginx's memory, never written to a temp file.
const t = require('../lib/t.js');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const S = {};

// route.c carries_secret(): a body with a password is never kept under its Idempotency-Key
// (the idempotency row would hold sha256(body), a fast hash of the password).
t.test('hardening: an Idempotency-Key on a password change keeps nothing of it', async () => {
  S.admin = await t.admin();
  const u = await t.user('frontdesk');
  const key = t.uniq('pw-key-').replace(/[^A-Za-z0-9_-]/g, '');
  const pw = await t.api('POST', '/api/auth/password', {
    cookie: u.cookie, headers: { 'Idempotency-Key': key },
    body: { current_password: u.password, new_password: `${u.password}-Nu2` },
  });
  t.status(pw, 204, 'POST /api/auth/password with a key');
  t.eq(t.db(`SELECT count(*) AS n FROM idempotency WHERE key = '${key}'`)[0].n, 0,
    'idempotency rows of the password change');
  t.ok(!pw.headers['idempotent-replay'], 'not answered as a replay');

  const k2 = t.uniq('user-key-').replace(/[^A-Za-z0-9_-]/g, '');
  const name = t.uniq('hard').toLowerCase().replace(/[^a-z0-9]/g, '');
  const add = await t.api('POST', '/api/users', {
    cookie: S.admin, headers: { 'Idempotency-Key': k2 },
    body: { username: name, name: 'Hardening Test', role: 'nurse', password: 'Kq7-vatr-Zu91-pol' },
  });
  t.status(add, 201, 'POST /api/users with a key');
  t.eq(t.db(`SELECT count(*) AS n FROM idempotency WHERE key = '${k2}'`)[0].n, 0,
    'idempotency rows of the new user (its body holds a password)');

  // A write without a secret still keeps its key (the check is not simply off).
  const k3 = t.uniq('pt-key-').replace(/[^A-Za-z0-9_-]/g, '');
  const pt = await t.api('POST', '/api/patients', {
    cookie: (await t.user('doctor')).cookie, headers: { 'Idempotency-Key': k3 },
    body: { name: t.uniq('Hardening Pt '), sex: 'F', age_years: 33 },
  });
  t.status(pt, 201, 'POST /api/patients with a key');
  t.eq(t.db(`SELECT count(*) AS n FROM idempotency WHERE key = '${k3}'`)[0].n, 1,
    'idempotency rows of a patient registration');
});

// export.c csv_answer() + req.c req_csv_stream(): patients.csv of a big clinic streams. The
// export program runs in its CGI mode (the same handler and sink as under FastCGI) on a private
// copy of the database with 12,000 extra patients carrying 3 KB of notes each (36 MB of CSV),
// so the shared stack's data stays as it is. Its peak memory must not grow with the file:
// buffered, the answer was held twice (the CSV and the rendered answer), 70 MB and more.
t.test('hardening: a 36 MB patients.csv is written out without holding it', async () => {
  const admin = S.admin || await t.admin();
  t.status(await t.api('GET', '/api/auth/me', { cookie: admin }), 200, 'admin session');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nd-stream-'));
  try {
    const copy = path.join(dir, 'nalamdesk.db');
    const live = path.join(process.env.ND_VAR, 'db', 'nalamdesk.db');
    execFileSync('sqlite3', [live, `VACUUM INTO '${copy}'`]);
    execFileSync('sqlite3', [copy, `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 12000)
      INSERT INTO patients (clinic_no, name, sex, age_years, age_on, notes, created_at, updated_at)
      SELECT 900000000 + i, 'Bulk ' || i, 'O', 40, '2020-01-01', printf('%.3000c', 'n'),
        '2020-01-01T00:00:00Z', '2020-01-01T00:00:00Z' FROM n`]);
    const run = (uri) => {
      const out = path.join(dir, 'out.csv');
      // python3 reports the child's peak resident memory (getrusage), in KiB.
      const kib = execFileSync('python3', ['-c', `
import resource, subprocess, sys
with open(sys.argv[2], 'wb') as f:
    subprocess.run([sys.argv[1], '--cgi'], stdout=f, check=True)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
`, path.join(process.env.ND_BIN, 'export'), out], {
        encoding: 'utf8',
        env: { ...process.env, NALAMDESK_DB: copy, NALAMDESK_VAR: dir, REQUEST_METHOD: 'GET',
          DOCUMENT_URI: uri, QUERY_STRING: '', HTTP_COOKIE: admin, REMOTE_ADDR: '127.0.0.1' },
      });
      return { kib: Number(kib.trim()), size: fs.statSync(out).size, text: fs.readFileSync(out, 'utf8') };
    };
    const small = run('/api/export/payments.csv');
    t.ok(/^Status: 200/.test(small.text), `payments.csv answered: ${small.text.slice(0, 120)}`);
    const big = run('/api/export/patients.csv');
    t.ok(/^Status: 200/.test(big.text), `patients.csv answered: ${big.text.slice(0, 120)}`);
    t.ok(/Content-Type: text\/csv; charset=utf-8\r\n/.test(big.text), 'its CSV type');
    t.ok(/Content-Disposition: attachment; filename="nalamdesk-patients-/.test(big.text), 'its attachment name');
    const body = big.text.slice(big.text.indexOf('\r\n\r\n') + 4);
    t.ok(body.startsWith('\ufeff"clinic_no"') || body.startsWith('\ufeffclinic_no'), `BOM and header: ${body.slice(0, 40)}`);
    const rows = body.split('\r\n').filter((l) => l.startsWith('900'));
    t.eq(rows.length, 12000, 'bulk rows in the file');
    t.ok(body.endsWith('\r\n'), 'the last row ended');
    t.ok(big.size > 36e6, `the file is big: ${big.size} bytes`);
    const grew = (big.kib - small.kib) / 1024;
    t.ok(grew < 16, `peak memory grew ${grew.toFixed(1)} MiB for a ${(big.size / 1048576).toFixed(0)} MiB file (want < 16)`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

// admin/system.c: no handler looks at the caller's role. GET /api/system answered the doctor a
// cut-down object chosen inside the handler; the doctor's three warnings now have their own route.
t.test('hardening: the doctor reads the system warnings by a route of their own', async () => {
  const doc = (await t.user('doctor')).cookie;
  const nurse = (await t.user('nurse')).cookie;
  const sys = t.routes().filter((r) => r.pattern.startsWith('/api/system'));
  t.eq(sys.map((r) => `${r.method} ${r.pattern} ${r.roles.join(',')}`).sort(),
    ['GET /api/system admin', 'GET /api/system/warnings admin,doctor'], 'the route table');
  t.status(await t.api('GET', '/api/system', { cookie: doc }), 403, 'doctor: GET /api/system');
  const w = await t.api('GET', '/api/system/warnings', { cookie: doc });
  t.status(w, 200, 'doctor: GET /api/system/warnings');
  t.eq(Object.keys(w.json).sort(), ['backup_never', 'backup_stale', 'disk_low'], 'the three warnings');
  t.ok(Object.values(w.json).every((v) => typeof v === 'boolean'), `booleans: ${w.text}`);
  t.status(await t.api('GET', '/api/system/warnings', { cookie: nurse }), 403, 'nurse');
  t.status(await t.api('GET', '/api/system/warnings'), 401, 'no session');
});

// lib/backup.c backup_copy_dir_ok(): the second copy must leave VAR. Set to VAR/app/htdocs, the
// scheduled backup would write the clinic's (encrypted) records into the web root, for any
// machine of the allow-list to download.
t.test('hardening: the second copy of the backups cannot be put inside VAR', async () => {
  const admin = S.admin || await t.admin();
  const VAR = process.env.ND_VAR;
  const sib = `${VAR}-usb`;
  const link = `${sib}/link-to-var`;
  fs.mkdirSync(sib, { recursive: true });
  try {
    try { fs.symlinkSync(VAR, link); } catch { /* there already */ }
    for (const dir of [`${VAR}/app/htdocs`, VAR, `${VAR}/`, `${VAR}/backups/copy`, `${link}/app/htdocs`]) {
      const r = await t.api('PUT', '/api/backups/copy', { cookie: admin, body: { dir } });
      t.status(r, 422, `PUT /api/backups/copy ${dir}`);
      t.eq(r.json.error.field, 'dir', 'the field named');
    }
    const ok = await t.api('PUT', '/api/backups/copy', { cookie: admin, body: { dir: sib } });
    t.status(ok, 200, `a sibling folder whose name starts like VAR's: ${sib}`);
    t.eq(ok.json.dir, sib, 'saved');
  } finally {
    t.status(await t.api('PUT', '/api/backups/copy', { cookie: admin, body: { dir: null } }), 200, 'cleared');
    fs.rmSync(sib, { recursive: true, force: true });
  }
  t.eq((await t.api('GET', '/api/backups/copy', { cookie: admin })).json.dir, null, 'none set afterwards');
});

// conf/nginx.conf.in: /api/ keeps request bodies in memory (client_body_buffer_size = the largest
// body), "never in temp files"; /api/visits/ raised the largest body to 160k but not the buffer,
// so a consultation of more than 64 KiB went to VAR/nginx/tmp/client_body on disk. A file made
// there (and removed) changes the folder's modification time.
t.test('hardening: a 100 KiB consultation never goes through a temp file of nginx', async () => {
  const tmp = path.join(process.env.ND_VAR, 'nginx', 'tmp', 'client_body');
  const doc = (await t.user('doctor')).cookie;
  const desk = (await t.user('frontdesk')).cookie;
  const pid = await t.patient(desk, {});
  const v = await t.api('POST', '/api/visits', { cookie: doc, body: { patient_id: pid } });
  t.status(v, 201, 'POST /api/visits');
  const body = JSON.stringify({ version: v.json.version, complaint: 'Fever for 3 days' });
  const raw = body.slice(0, -1) + ' '.repeat(100 * 1024) + '}';
  const before = fs.existsSync(tmp) ? fs.statSync(tmp).mtimeMs : null;
  const r = await t.api('PATCH', `/api/visits/${v.json.id}`, { cookie: doc, raw });
  t.status(r, 200, `PATCH /api/visits/{id} with a ${raw.length}-byte body`);
  t.eq(r.json.complaint, 'Fever for 3 days', 'saved');
  const after = fs.existsSync(tmp) ? fs.statSync(tmp).mtimeMs : null;
  t.eq(after, before, `${tmp} untouched (no body written to disk)`);
});

t.run();
