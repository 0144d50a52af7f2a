'use strict';
// auditlists.test.js — every listing that returns patients' records writes ONE audit row per
// request whose detail holds the query it was asked with and the ids of the patients it
// returned, each once, in the order first returned (as GET /api/patients does): the queue,
// the appointments and payments of a day, the follow-ups, a page of the change feed and a page
// of the audit trail. A 304 returns no record and writes no row; the trail of one patient shows
// the listings that named them; the reads still fold.
const t = require('../lib/t.js');

const S = {};
function need() {
  if (!S.desk) t.skip('no sessions (the first test failed)');
}
// The distinct ids of LIST, in order.
const distinct = (list) => list.filter((id, i) => id !== null && id !== undefined && list.indexOf(id) === i);
// The rows of ACTION by USER (newest last), their detail parsed.
const rows = (user, action) => t.db(`SELECT detail, patient_id, entity, entity_id FROM audit`
  + ` WHERE user_id = ${user.id} AND action = '${action}' ORDER BY id`)
  .map((r) => ({ ...r, detail: r.detail === null ? null : JSON.parse(r.detail) }));
const addDays = (d, n) => {
  const x = new Date(`${d}T00:00:00Z`);
  x.setUTCDate(x.getUTCDate() + n);
  return x.toISOString().slice(0, 10);
};

t.test('audit of listings: the queue, one row with the ids it returned; a 304 writes none', async () => {
  S.desk = await t.user('frontdesk');
  S.doc = await t.user('doctor');
  S.p = [];
  for (let i = 0; i < 3; i++) S.p.push(await t.patient(S.desk.cookie, { name: t.uniq(`Lst Queue${i} `) }));
  for (const pid of S.p) t.status(await t.api('POST', '/api/queue', { cookie: S.desk.cookie, body: { patient_id: pid } }), 201, 'token');
  const desk = await t.user('nurse');
  S.nurse = desk;
  const r = await t.api('GET', '/api/queue', { cookie: desk.cookie });
  t.status(r, 200, 'GET /api/queue');
  S.today = r.json.date;
  const ids = distinct(r.json.entries.map((e) => e.patient.id));
  t.ok(S.p.every((p) => ids.includes(p)), 'the three are in the queue');
  let got = rows(desk, 'queue.read');
  t.eq(got.length, 1, 'one row for the request');
  t.eq([got[0].patient_id, got[0].entity], [null, 'queue'], 'no single patient');
  t.eq(got[0].detail, { query: '', ids }, 'the query and the ids, in the order returned');
  const etag = r.headers.etag;
  const again = await t.api('GET', '/api/queue', { cookie: desk.cookie, headers: { 'If-None-Match': etag } });
  t.status(again, 304, 'unchanged: 304');
  t.eq(rows(desk, 'queue.read').length, 1, 'a 304 returns no record and writes no row');
  const day = await t.api('GET', `/api/queue?date=${S.today}`, { cookie: desk.cookie });
  t.status(day, 200, 'with ?date=');
  got = rows(desk, 'queue.read');
  t.eq(got.length, 2, 'a second 200, a second row');
  t.eq(got[1].detail, { query: `date=${S.today}`, ids: distinct(day.json.entries.map((e) => e.patient.id)) }, 'its query kept as asked');
  const empty = await t.api('GET', `/api/queue?date=${addDays(S.today, -3000)}`, { cookie: desk.cookie });
  t.status(empty, 200, 'a day with no queue');
  t.eq(rows(desk, 'queue.read')[2].detail.ids, [], 'an empty listing: no ids');
});

t.test('audit of listings: a day\'s appointments and payments', async () => {
  need();
  const day = addDays(S.today, 2);
  for (const pid of S.p.slice(0, 2)) {
    t.status(await t.api('POST', '/api/appointments', { cookie: S.desk.cookie, body: { patient_id: pid, date: day, time: '10:00' } }), 201, 'book');
  }
  const reader = await t.user('frontdesk');
  const a = await t.api('GET', `/api/appointments?date=${day}`, { cookie: reader.cookie });
  t.status(a, 200, 'GET /api/appointments');
  const aIds = distinct(a.json.appointments.map((x) => x.patient.id));
  t.ok(S.p.slice(0, 2).every((p) => aIds.includes(p)), 'the two booked');
  const ar = rows(reader, 'appointment.list');
  t.eq(ar.length, 1, 'one appointment.list row');
  t.eq(ar[0].detail, { query: `date=${day}`, ids: aIds }, 'appointments: the query and the ids');

  for (const pid of [S.p[2], S.p[0], S.p[2]]) {
    t.status(await t.api('POST', '/api/payments', { cookie: S.desk.cookie, body: { patient_id: pid, amount_paise: 10000, mode: 'cash' } }), 201, 'pay');
  }
  const y = await t.api('GET', '/api/payments', { cookie: reader.cookie });
  t.status(y, 200, 'GET /api/payments');
  const yIds = distinct(y.json.payments.map((x) => x.patient.id));
  t.ok(yIds.includes(S.p[0]) && yIds.includes(S.p[2]), 'the payers');
  const yr = rows(reader, 'payment.list');
  t.eq(yr.length, 1, 'one payment.list row');
  t.eq(yr[0].detail, { query: '', ids: yIds }, 'payments: each patient once, in the order first listed');
  t.ok(y.json.payments.length > yIds.length, 'a patient who paid twice is named once');
});

t.test('audit of listings: the follow-ups', async () => {
  need();
  const pid = await t.patient(S.desk.cookie, { name: t.uniq('Lst Review ') });
  const c = await t.api('POST', '/api/visits', { cookie: S.doc.cookie, body: { patient_id: pid } });
  t.status(c, 201, 'visit');
  t.status(await t.api('PATCH', `/api/visits/${c.json.id}`, {
    cookie: S.doc.cookie, body: { version: c.json.version, complaint: 'Cough', follow_up_date: addDays(S.today, 1) },
  }), 200, 'a review tomorrow');
  t.status(await t.api('POST', `/api/visits/${c.json.id}/finalize`, { cookie: S.doc.cookie, body: {} }), 200, 'finalize');
  const reader = await t.user('frontdesk');
  const f = await t.api('GET', '/api/followups', { cookie: reader.cookie });
  t.status(f, 200, 'GET /api/followups');
  const ids = distinct(f.json.followups.map((x) => x.patient.id));
  t.ok(ids.includes(pid), 'the patient due');
  const fr = rows(reader, 'followup.list');
  t.eq(fr.length, 1, 'one followup.list row');
  t.eq(fr[0].detail, { query: '', ids }, 'the ids listed');
});

t.test('audit of listings: a page of the change feed names the patients of its records', async () => {
  need();
  const reader = await t.user('frontdesk');
  const r = await t.api('GET', '/api/changes?limit=1000', { cookie: reader.cookie });
  t.status(r, 200, 'GET /api/changes');
  const ids = distinct([...r.json.patients.map((p) => p.id), ...r.json.queue.map((q) => q.patient.id),
    ...r.json.appointments.map((a) => a.patient.id)]);
  t.ok(S.p.every((p) => ids.includes(p)), 'our patients are in the page');
  const cr = rows(reader, 'changes.read');
  t.eq(cr.length, 1, 'one changes.read row');
  t.eq(cr[0].detail, { query: 'limit=1000', ids }, 'the query and every patient named, once');
  const next = await t.api('GET', `/api/changes?since=${encodeURIComponent(r.json.cursor)}`, { cookie: reader.cookie });
  t.status(next, 200, 'the next page');
  t.eq(rows(reader, 'changes.read')[1].detail.query, `since=${encodeURIComponent(r.json.cursor)}`, 'its cursor in the query');
});

t.test('audit of listings: a page of the audit trail names patients, and is audited with their ids', async () => {
  need();
  const admin = await t.admin();
  const me = t.db("SELECT id FROM users WHERE username = 'admin'")[0].id;
  const before = rows({ id: me }, 'audit.read').length;
  const r = await t.api('GET', `/api/audit?patient_id=${S.p[0]}&limit=50`, { cookie: admin });
  t.status(r, 200, 'GET /api/audit');
  t.ok(r.json.entries.length > 0 && r.json.entries.every((e) => e.patient && e.patient.id === S.p[0]), 'the patient\'s entries');
  const got = rows({ id: me }, 'audit.read');
  t.eq(got.length, before + 1, 'one audit.read row');
  const last = got[got.length - 1];
  t.eq(last.patient_id, S.p[0], 'with the filter\'s patient');
  t.eq(last.detail, { query: `patient_id=${S.p[0]}&limit=50`, ids: [S.p[0]] }, 'and the patients the page named');
});

t.test('audit of listings: the trail of one patient shows the listings that named them', async () => {
  need();
  const admin = await t.admin();
  const strict = await t.api('GET', `/api/audit?patient_id=${S.p[1]}&user_id=${S.nurse.id}`, { cookie: admin });
  t.status(strict, 200, 'GET /api/audit?patient_id=&user_id=');
  t.eq(strict.json.entries, [], 'patient_id alone: the rows of the patient, as before');
  const mine = await t.api('GET', `/api/audit?patient_id=${S.p[1]}&user_id=${S.nurse.id}&listed=1`, { cookie: admin });
  t.status(mine, 200, 'GET /api/audit?patient_id=&user_id=&listed=1');
  t.eq(mine.json.entries.map((e) => e.action), ['queue.read', 'queue.read'],
    'the nurse\'s two queue reads that listed the patient (not the empty day\'s)');
  t.ok(mine.json.entries.every((e) => e.patient_id === null && JSON.parse(e.detail).ids.includes(S.p[1])), 'each names the patient in its ids');
  const all = await t.api('GET', `/api/audit?patient_id=${S.p[1]}&listed=1`, { cookie: admin });
  const acts = new Set(all.json.entries.map((e) => e.action));
  for (const a of ['patient.create', 'queue.add', 'queue.read', 'appointment.create', 'appointment.list', 'changes.read']) t.ok(acts.has(a), `${a} in the patient's trail`);
  t.ok(!acts.has('payment.list') && !acts.has('followup.list'), 'not the listings that did not name them');
  const csv = await t.api('GET', `/api/audit.csv?patient_id=${S.p[1]}&user_id=${S.nurse.id}&listed=1`, { cookie: admin });
  t.status(csv, 200, 'the CSV');
  t.eq(csv.text.trim().split('\r\n').length, 3, 'the same two rows, and the header');
  const other = await t.patient(S.desk.cookie, { name: t.uniq('Lst Never ') });
  const none = await t.api('GET', `/api/audit?patient_id=${other}&action=read&listed=1`, { cookie: admin });
  t.eq(none.json.entries, [], 'a patient no listing returned: no listing');
  t.ok(all.json.entries.every((e) => e.patient_id === S.p[1] || JSON.parse(e.detail).ids.includes(S.p[1])), 'every entry is about the patient');
  t.status(await t.api('GET', `/api/audit?patient_id=${S.p[1]}&listed=2`, { cookie: admin }), 422, 'listed is 0 or 1');
});

t.test('audit of listings: the listing reads fold per user and hour on the audit screen', async () => {
  need();
  for (let i = 0; i < 3; i++) t.status(await t.api('GET', '/api/queue', { cookie: S.nurse.cookie }), 200, 'poll');
  const r = await t.api('GET', `/api/audit?user_id=${S.nurse.id}&action=queue.read&fold=1`, { cookie: await t.admin() });
  t.status(r, 200, 'GET /api/audit folded');
  const e = r.json.entries;
  t.ok(e.length === 1 || e.length === 2, `one entry (two if an hour turned meanwhile): ${e.length}`);
  t.eq(e.reduce((n, x) => n + x.count, 0), 6, 'the six queue reads');
  t.eq(e[0].actions, ['queue.read'], 'the action folded');
  t.ok(Array.isArray(JSON.parse(e[0].detail).ids), 'the newest row\'s ids shown');
});

t.run();
