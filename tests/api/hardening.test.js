'use strict';
// hardening.test.js — the security review's checks of this round's surface, each one a case
// that failed before its fix: a password never kept as an idempotent request's body hash; the
// admin's CSV exports written out as they are read, never a whole table in the worker's memory.
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

t.run();
