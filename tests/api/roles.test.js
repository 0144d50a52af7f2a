'use strict';
// roles.test.js — the role matrix, generated from the route tables: every
// route of every program (`PROG --routes`) × no session and each role.
// A role the route does not declare gets 403; no session gets 401.  An
// allowed role must get past the role check: writes are sent a malformed
// body, which the library reads only after the role check (so 400 proves
// the role passed, and nothing is written); reads must not answer 401, nor 403 forbidden.
const t = require('../lib/t.js');

// roles: null for a route anyone may call (no session needed).
const routes = t.routes().map((r) => ({ ...r, roles: r.roles.includes('anyone') ? null : r.roles }));

t.test('every program declares routes', async () => {
  t.ok(routes.length >= 5, `${routes.length} routes`);
  const names = new Set(routes.map((r) => `${r.method} ${r.pattern}`));
  t.eq(names.size, routes.length, 'no route is declared twice');
});

const sessions = {};
t.test('one session per role', async () => {
  sessions.admin = await t.admin();
  sessions.doctor = (await t.user('doctor')).cookie;
  sessions.frontdesk = (await t.user('frontdesk')).cookie;
  sessions.nurse = (await t.user('nurse')).cookie;
});

// The nurse's share, stated apart from the route tables (which the matrix
// below reads): patients and the queue to read, vitals to record; never
// visits, prescriptions, payments or reports.
t.test('the nurse may read patients and the queue and record vitals, nothing clinical or of money', async () => {
  const nurse = (m, p) => routes.some((r) => r.method === m && r.pattern === p && r.roles && r.roles.includes('nurse'));
  for (const [m, p] of [['GET', '/api/patients'], ['GET', '/api/patients/{id}'], ['GET', '/api/queue'],
    ['PUT', '/api/queue/{id}/vitals'], ['GET', '/api/queue/{id}/vitals'], ['GET', '/api/auth/me']]) {
    t.ok(nurse(m, p), `nurse may ${m} ${p}`);
  }
  const theirs = routes.filter((r) => r.roles && r.roles.includes('nurse') &&
    /^\/api\/(visits|payments|reports|medicines)|\/visits$/.test(r.pattern));
  t.eq(theirs.map((r) => `${r.method} ${r.pattern}`), [], 'no route of visits, payments, reports or medicines');
  for (const p of ['/api/visits/1', '/api/patients/1/visits', '/api/payments', '/api/reports/daily']) {
    const res = await t.api('GET', p, { cookie: sessions.nurse });
    t.status(res, 403, `GET ${p} as nurse`);
  }
  const v = await t.api('POST', '/api/visits', { cookie: sessions.nurse, body: { patient_id: 1 } });
  t.status(v, 403, 'POST /api/visits as nurse');
  const pay = await t.api('POST', '/api/payments', { cookie: sessions.nurse, body: { patient_id: 1, amount_paise: 100, mode: 'cash' } });
  t.status(pay, 403, 'POST /api/payments as nurse');
});

for (const r of routes) {
  const urlPath = r.pattern.replace(/\{[^}]+\}/g, '1');
  const write = r.method !== 'GET';
  const send = (cookie) => t.api(r.method, urlPath, write ? { cookie, raw: '{' } : { cookie });
  if (r.roles) {
    t.test(`${r.method} ${r.pattern} (${r.prog}) without a session: 401`, async () => {
      const res = await send(undefined);
      t.status(res, 401, 'no session');
      t.eq(res.json && res.json.error && res.json.error.code, 'unauthenticated', 'code');
    });
  }
  for (const role of ['admin', 'doctor', 'frontdesk', 'nurse']) {
    const allowed = !r.roles || r.roles.includes(role);
    t.test(`${r.method} ${r.pattern} (${r.prog}) as ${role}: ${allowed ? 'allowed' : '403'}`, async () => {
      const res = await send(sessions[role]);
      if (!allowed) {
        t.status(res, 403, role);
        t.eq(res.json.error.code, 'forbidden', 'code');
      } else if (write) {
        t.status(res, 400, `${role} with a malformed body`);
      } else {
        // A 403 of the record's own rule (e.g. not_finalized: a draft's printed prescription)
        // is past the role check; the role check's 403 is always `forbidden`.
        const roleRefused = res.status === 403 && !(res.json && res.json.error && res.json.error.code !== 'forbidden');
        t.ok(![401, 405].includes(res.status) && !roleRefused && res.status < 500, `${role}: status ${res.status} ${res.text.slice(0, 200)}`);
        t.ok(res.status === 304 || res.status === 204 || res.json !== null || !/json/.test(res.headers['content-type'] || ''),
          'a JSON answer');
      }
    });
  }
}

t.run();
