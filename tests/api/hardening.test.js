'use strict';
// hardening.test.js — the security review's checks of this round's surface, each one a case
// that failed before its fix: a password never kept as an idempotent request's body hash.
const t = require('../lib/t.js');

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

t.run();
