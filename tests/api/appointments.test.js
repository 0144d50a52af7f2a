'use strict';
// appointments.test.js — booking, the day's list, cancel, and arrive, which
// puts the patient in today's queue in the same transaction
// (cgi-bin/appointments.c); stale versions, illegal moves, the role matrix, and
// nothing written on a 4xx.
const t = require('../lib/t.js');

const S = {};

const PHONE = t.mobile();	// no other file's patient has it
const newPatient = (cookie, name) => t.patient(cookie, { name: name || t.uniq('Appt Pt '), sex: 'M', age_years: 52, phone: PHONE });

function need() {
  if (!S.desk) t.skip('no sessions (the first test failed or skipped)');
}

// YYYY-MM-DD of DAYS after the clinic's today (S.today).
function plus(days) {
  const d = new Date(`${S.today}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

async function book(cookie, body) {
  return t.api('POST', '/api/appointments', { cookie, body });
}

t.test('appointments: book today and later; the day lists them by time', async () => {
  S.admin = await t.admin();
  S.desk = (await t.user('frontdesk')).cookie;
  S.doc = (await t.user('doctor')).cookie;
  const q = await t.api('GET', '/api/queue', { cookie: S.desk });
  t.status(q, 200, 'GET /api/queue for today');
  S.today = q.json.date;
  S.p1 = await newPatient(S.desk);
  S.p2 = await newPatient(S.desk);
  const late = await book(S.desk, { patient_id: S.p1, date: S.today, time: '23:50', reason: 'Review' });
  t.status(late, 201, 'book today 23:50');
  const a = late.json;
  t.eq([a.date, a.time, a.reason, a.status, a.version, a.queue_id], [S.today, '23:50', 'Review', 'booked', 1, null], 'answer');
  t.eq([a.patient.id, a.patient.phone], [S.p1, PHONE], 'patient');
  for (const k of ['name', 'clinic_no']) t.ok(k in a.patient, `patient.${k}`);
  const early = await book(S.doc, { patient_id: S.p2, date: S.today, time: '00:05' });
  t.status(early, 201, 'book today 00:05 (a time already past today is allowed)');
  const later = await book(S.desk, { patient_id: S.p2, date: plus(1), time: '09:00' });
  t.status(later, 201, 'book tomorrow');
  S.today1 = a; S.today2 = early.json; S.tomorrow = later.json;
  const list = await t.api('GET', `/api/appointments?date=${S.today}`, { cookie: S.desk });
  t.status(list, 200, 'GET today');
  t.eq(list.json.date, S.today, 'date');
  const times = list.json.appointments.map((x) => x.time);
  t.eq(times, [...times].sort(), 'ordered by time');
  const ids = list.json.appointments.map((x) => x.id);
  t.ok(ids.indexOf(early.json.id) < ids.indexOf(a.id), '00:05 before 23:50');
  t.ok(!ids.includes(later.json.id), 'tomorrow is not today');
  const dflt = await t.api('GET', '/api/appointments', { cookie: S.desk });
  t.eq(dflt.json.date, S.today, 'no date means today');
  const row = t.db(`SELECT patient_id, day, time, status, created_by FROM appointments WHERE id = ${a.id}`)[0];
  t.eq([row.patient_id, row.day, row.time, row.status], [S.p1, S.today, '23:50', 'booked'], 'database');
  const au = t.db(`SELECT count(*) AS n FROM audit WHERE action = 'appointment.create' AND entity_id = ${a.id} AND patient_id = ${S.p1}`)[0];
  t.eq(au.n, 1, 'audited');
});

t.test('appointments: bad bookings are refused and write nothing', async () => {
  need();
  const before = t.counts();
  const bad = [
    [{ patient_id: S.p1, date: plus(-1), time: '10:00' }, 422, 'date'],
    [{ patient_id: S.p1, date: '2026-02-30', time: '10:00' }, 422, 'date'],
    [{ patient_id: S.p1, date: S.today, time: '24:00' }, 422, 'time'],
    [{ patient_id: S.p1, date: S.today, time: '9:00' }, 422, 'time'],
    [{ patient_id: S.p1, date: S.today }, 422, 'time'],
    [{ patient_id: 987654321, date: S.today, time: '10:00' }, 404, 'patient_id'],
    [{ patient_id: 'x', date: S.today, time: '10:00' }, 422, 'patient_id'],
    [{ patient_id: S.p1, date: S.today, time: '10:00', reason: 'r'.repeat(201) }, 422, 'reason'],
    [{ patient_id: S.p1, date: S.today, time: '10:00', status: 'arrived' }, 422, 'status'],
  ];
  for (const [body, want, field] of bad) {
    const r = await book(S.desk, body);
    t.status(r, want, `POST ${JSON.stringify(body).slice(0, 70)}`);
    t.eq(r.json.error.field, field, `field for ${JSON.stringify(body).slice(0, 70)}`);
  }
  t.eq(t.counts(), before, 'nothing written');
});

t.test('appointments: arrive puts the patient in today\'s queue, linked both ways', async () => {
  need();
  const a = S.today1;
  const qBefore = t.db(`SELECT count(*) AS n FROM queue WHERE day = '${S.today}'`)[0].n;
  const res = await t.api('PATCH', `/api/appointments/${a.id}`, { cookie: S.desk, body: { status: 'arrived', version: a.version } });
  t.status(res, 200, 'arrived');
  t.eq([res.json.status, res.json.version], ['arrived', a.version + 1], 'status and version');
  t.ok(Number.isInteger(res.json.queue_id), 'queue_id set');
  const q = t.db(`SELECT day, token, patient_id, status, reason, appointment_id FROM queue WHERE id = ${res.json.queue_id}`)[0];
  t.eq([q.day, q.patient_id, q.status, q.reason, q.appointment_id], [S.today, S.p1, 'waiting', 'Review', a.id], 'queue row');
  t.eq(res.json.token, q.token, 'the token is in the answer');
  t.eq(q.token, qBefore + 1, 'the next token of the day');
  const row = t.db(`SELECT status, queue_id FROM appointments WHERE id = ${a.id}`)[0];
  t.eq([row.status, row.queue_id], ['arrived', res.json.queue_id], 'appointment row');
  const list = await t.api('GET', '/api/queue', { cookie: S.desk });
  t.ok(list.json.entries.some((e) => e.id === res.json.queue_id && e.appointment_id === a.id), 'listed in GET /api/queue');
  const au = t.db(`SELECT action FROM audit WHERE patient_id = ${S.p1} AND action IN ('appointment.status', 'queue.add') ORDER BY id`);
  t.eq(au.map((x) => x.action).sort(), ['appointment.status', 'queue.add'], 'both audited');
  S.arrived = res.json;
});

t.test('appointments: illegal moves, stale versions, other days and double queueing are 409 and write nothing', async () => {
  need();
  const before = t.counts();
  const cases = [
    [S.arrived, { status: 'arrived', version: S.arrived.version }, 'illegal_transition'],
    [S.arrived, { status: 'cancelled', version: S.arrived.version }, 'illegal_transition'],
    [S.arrived, { status: 'booked', version: S.arrived.version }, 'illegal_transition'],
    [S.today2, { status: 'booked', version: S.today2.version }, 'illegal_transition'],
    [S.today2, { status: 'cancelled', version: S.today2.version + 1 }, 'stale_version'],
    [S.tomorrow, { status: 'arrived', version: S.tomorrow.version }, 'not_today'],
  ];
  for (const [a, body, code] of cases) {
    const r = await t.api('PATCH', `/api/appointments/${a.id}`, { cookie: S.desk, body });
    t.status(r, 409, `PATCH ${a.id} ${JSON.stringify(body)}`);
    t.eq(r.json.error.code, code, `code for ${JSON.stringify(body)}`);
  }
  // p2 walks in and is queued; then their appointment today cannot arrive.
  const walk = await t.api('POST', '/api/queue', { cookie: S.desk, body: { patient_id: S.p2 } });
  t.status(walk, 201, 'walk-in');
  const mid = t.counts();
  const dbl = await t.api('PATCH', `/api/appointments/${S.today2.id}`, { cookie: S.desk, body: { status: 'arrived', version: S.today2.version } });
  t.status(dbl, 409, 'arrive while already queued');
  t.eq(dbl.json.error.code, 'already_queued', 'code');
  t.eq(t.counts(), mid, 'nothing written by the refused arrival');
  const row = t.db(`SELECT status, queue_id, version FROM appointments WHERE id = ${S.today2.id}`)[0];
  t.eq([row.status, row.queue_id, row.version], ['booked', null, S.today2.version], 'appointment unchanged');
  const bad = await t.api('PATCH', `/api/appointments/${S.today2.id}`, { cookie: S.desk, body: { status: 'cancelled' } });
  t.status(bad, 422, 'version is required');
  t.eq(bad.json.error.field, 'version', 'field');
  const none = await t.api('PATCH', '/api/appointments/987654321', { cookie: S.desk, body: { status: 'cancelled', version: 1 } });
  t.status(none, 404, 'unknown appointment');
  t.eq(mid.appointments, before.appointments, 'no appointment written');
});

t.test('appointments: booked → cancelled', async () => {
  need();
  const res = await t.api('PATCH', `/api/appointments/${S.today2.id}`, { cookie: S.doc, body: { status: 'cancelled', version: S.today2.version } });
  t.status(res, 200, 'cancel');
  t.eq([res.json.status, res.json.version, res.json.queue_id], ['cancelled', S.today2.version + 1, null], 'answer');
  const row = t.db(`SELECT status FROM appointments WHERE id = ${S.today2.id}`)[0];
  t.eq(row.status, 'cancelled', 'database');
  const again = await t.api('PATCH', `/api/appointments/${S.today2.id}`, { cookie: S.doc, body: { status: 'arrived', version: res.json.version } });
  t.status(again, 409, 'a cancelled appointment cannot arrive');
});

t.test('appointments: role matrix: admin 403, no session 401, nothing written', async () => {
  need();
  const before = t.counts();
  const calls = [['GET', `/api/appointments?date=${S.today}`],
    ['POST', '/api/appointments', { patient_id: S.p1, date: plus(2), time: '10:00' }],
    ['PATCH', `/api/appointments/${S.tomorrow.id}`, { status: 'cancelled', version: S.tomorrow.version }]];
  for (const [m, p, body] of calls) {
    const a = await t.api(m, p, { cookie: S.admin, body });
    t.status(a, 403, `${m} ${p} as admin`);
    const n = await t.api(m, p, { body });
    t.status(n, 401, `${m} ${p} without a session`);
  }
  t.eq(t.counts(), before, 'nothing written');
});

t.run();
