'use strict';
// queue-order.test.js — the queue in call order (shared/api-contract.md,
// Additions, Queue): a priority on POST and PATCH, postpone by places or to
// the end of the line with the token unchanged, the markers of each entry
// (position, paid_paise, appointment_id, vitals_recorded), the doctor's
// POST /api/queue/next, a nurse's vitals that the visit opened from the
// entry starts with (checked by the same validator as a visit's), and what
// a nurse may not do.
const t = require('../lib/t.js');

const S = {};
function need() { if (!S.nurse) t.skip('no sessions (the first test failed or skipped)'); }

const add = async (body, cookie = S.desk) => {
  const res = await t.api('POST', '/api/queue', { cookie, body });
  t.status(res, 201, `POST /api/queue ${JSON.stringify(body)}`);
  return res.json;
};
const fresh = async (priority) => add({ patient_id: await t.patient(S.desk), ...(priority ? { priority } : {}) });
const list = async (cookie = S.desk) => {
  const res = await t.api('GET', '/api/queue', { cookie });
  t.status(res, 200, 'GET /api/queue');
  return res.json.entries;
};
const tokens = (entries, ids) => entries.filter((e) => ids.includes(e.id)).map((e) => e.token);
const row = (id) => t.db(`SELECT status, priority, line, token, version FROM queue WHERE id = ${id}`)[0];

t.test('queue order: sessions', async () => {
  S.desk = (await t.user('frontdesk')).cookie;
  S.doc = (await t.user('doctor')).cookie;
  S.nurse = (await t.user('nurse')).cookie;
  S.admin = await t.admin();
});

t.test('queue order: an emergency jumps the line, urgent next; positions count the waiting', async () => {
  need();
  const a = await fresh();
  t.eq(a.priority, 'normal', 'normal by default');
  const b = await fresh('urgent');
  const c = await fresh('emergency');
  t.eq(c.priority, 'emergency', 'priority in the answer');
  const es = await list();
  const waiting = es.filter((e) => e.status === 'waiting');
  t.eq(waiting.map((e) => e.position), waiting.map((_, i) => i + 1), 'positions 1, 2, 3… among the waiting, in list order');
  t.ok(es.filter((e) => e.status !== 'waiting').every((e) => e.position === null), 'no position for the others');
  const pos = (x) => es.find((e) => e.id === x.id).position;
  t.ok(pos(c) < pos(b) && pos(b) < pos(a), `emergency ${pos(c)} before urgent ${pos(b)} before normal ${pos(a)}`);
  t.eq(es.filter((e) => e.status === 'waiting' && e.priority === 'emergency').slice(-1)[0].id, c.id,
    'the new emergency is behind earlier emergencies only');
  const firstNormal = waiting.findIndex((e) => e.priority === 'normal');
  t.ok(waiting.slice(firstNormal).every((e) => e.priority === 'normal'), 'every normal after every urgent');
  t.eq(c.position, pos(c), 'POST answers the same position');
  const bad = await t.api('POST', '/api/queue', { cookie: S.desk, body: { patient_id: a.patient.id, priority: 'vip' } });
  t.status(bad, 422, 'an unknown priority');
  t.eq(bad.json.error.field, 'priority', 'field');
  for (const x of [a, b, c]) await t.api('PATCH', `/api/queue/${x.id}`, { cookie: S.desk, body: { status: 'cancelled' } });
});

t.test('queue order: PATCH priority with its version moves the entry; 422 without version, 409 stale or not waiting', async () => {
  need();
  const a = await fresh();
  const b = await fresh();
  const nov = await t.api('PATCH', `/api/queue/${b.id}`, { cookie: S.desk, body: { priority: 'urgent' } });
  t.status(nov, 422, 'priority without a version');
  t.eq(nov.json.error.field, 'version', 'field');
  const stale = await t.api('PATCH', `/api/queue/${b.id}`, { cookie: S.desk, body: { priority: 'urgent', version: b.version + 5 } });
  t.status(stale, 409, 'a stale version');
  t.eq(stale.json.error.code, 'stale_version', 'code');
  t.eq(row(b.id).priority, 'normal', 'unchanged after the refusals');
  const up = await t.api('PATCH', `/api/queue/${b.id}`, { cookie: S.desk, body: { priority: 'urgent', version: b.version } });
  t.status(up, 200, 'to urgent');
  t.eq([up.json.priority, up.json.version, up.json.token], ['urgent', b.version + 1, b.token], 'priority, version + 1, same token');
  const es = await list();
  t.ok(es.findIndex((e) => e.id === b.id) < es.findIndex((e) => e.id === a.id), 'now called before the one added first');
  t.eq(t.db(`SELECT count(*) AS n FROM audit WHERE action = 'queue.priority' AND entity_id = ${b.id}`)[0].n, 1, 'audited');
  const ic = await t.api('PATCH', `/api/queue/${a.id}`, { cookie: S.desk, body: { status: 'in_consult' } });
  t.status(ic, 200, 'in consultation');
  const late = await t.api('PATCH', `/api/queue/${a.id}`, { cookie: S.desk, body: { priority: 'emergency', version: ic.json.version } });
  t.status(late, 409, 'priority of an entry with the doctor');
  t.eq(late.json.error.code, 'not_waiting', 'code');
  t.eq(row(a.id).priority, 'normal', 'unchanged');
  const none = await t.api('PATCH', `/api/queue/${a.id}`, { cookie: S.desk, body: { version: ic.json.version } });
  t.status(none, 422, 'neither status nor priority');
  await t.api('PATCH', `/api/queue/${a.id}`, { cookie: S.desk, body: { status: 'done' } });
  await t.api('PATCH', `/api/queue/${b.id}`, { cookie: S.desk, body: { status: 'cancelled' } });
});

t.test('queue order: postpone moves a waiting entry down by places or to the end; the token stays', async () => {
  need();
  const [a, b, c, d] = [await fresh(), await fresh(), await fresh(), await fresh()];
  const ids = [a.id, b.id, c.id, d.id];
  t.eq(tokens(await list(), ids), [a.token, b.token, c.token, d.token], 'in order of arrival');
  const p1 = await t.api('POST', `/api/queue/${a.id}/postpone`, { cookie: S.desk, body: { places: 2 } });
  t.status(p1, 200, 'postpone 2 places');
  t.eq([p1.json.token, p1.json.status], [a.token, 'waiting'], 'same token, still waiting');
  t.eq(tokens(await list(), ids), [b.token, c.token, a.token, d.token], 'two places down');
  const p2 = await t.api('POST', `/api/queue/${b.id}/postpone`, { cookie: S.doc, body: {} });
  t.status(p2, 200, 'postpone (the doctor), no places: to the end');
  let es = await list();
  t.eq(tokens(es, ids), [c.token, a.token, d.token, b.token], 'to the end of the line');
  t.eq(es.filter((e) => e.status === 'waiting' && e.priority === 'normal').slice(-1)[0].id, b.id, 'last of all the normal ones');
  const p3 = await t.api('POST', `/api/queue/${c.id}/postpone`, { cookie: S.desk, body: { places: 1000 } });
  t.status(p3, 200, 'more places than there are');
  t.eq(tokens(await list(), ids), [a.token, d.token, b.token, c.token], 'to the end');
  t.eq(p3.json.position, (await list()).find((e) => e.id === c.id).position, 'the answer has its new position');
  t.eq(t.db(`SELECT count(*) AS n FROM audit WHERE action = 'queue.postpone' AND entity_id IN (${ids})`)[0].n, 3, 'audited');
  // An emergency is not passed by postponing a normal entry behind it.
  const e = await fresh('emergency');
  const p4 = await t.api('POST', `/api/queue/${a.id}/postpone`, { cookie: S.desk, body: { places: 1 } });
  t.status(p4, 200, 'postpone among normal ones');
  es = await list();
  t.ok(es.findIndex((x) => x.id === e.id) < es.findIndex((x) => x.id === d.id), 'the emergency stays ahead');
  t.eq(tokens(es, ids), [d.token, a.token, b.token, c.token], 'one place down among its own priority');
  // Refusals change nothing.
  const done = await t.api('PATCH', `/api/queue/${d.id}`, { cookie: S.desk, body: { status: 'cancelled' } });
  t.status(done, 200, 'cancel one');
  const before = row(d.id);
  const no = await t.api('POST', `/api/queue/${d.id}/postpone`, { cookie: S.desk, body: {} });
  t.status(no, 409, 'postpone a cancelled entry');
  t.eq(no.json.error.code, 'not_waiting', 'code');
  t.eq(row(d.id), before, 'nothing changed');
  const zero = await t.api('POST', `/api/queue/${a.id}/postpone`, { cookie: S.desk, body: { places: 0 } });
  t.status(zero, 422, 'places 0');
  const gone = await t.api('POST', '/api/queue/999999999/postpone', { cookie: S.desk, body: {} });
  t.status(gone, 404, 'no such entry');
  const nurse = await t.api('POST', `/api/queue/${a.id}/postpone`, { cookie: S.nurse, body: {} });
  t.status(nurse, 403, 'a nurse does not postpone');
  for (const x of [a, b, c, e]) await t.api('PATCH', `/api/queue/${x.id}`, { cookie: S.desk, body: { status: 'cancelled' } });
});

t.test('queue order: markers: paid today, the appointment that brought them, vitals recorded', async () => {
  need();
  const a = await fresh();
  const b = await fresh();
  t.eq([a.paid_paise, a.appointment_id, a.vitals_recorded], [0, null, false], 'a walk-in, nothing paid, no vitals');
  const pay = await t.api('POST', '/api/payments', { cookie: S.desk, body: { patient_id: a.patient.id, amount_paise: 30000, mode: 'cash' } });
  t.status(pay, 201, 'a payment for the first');
  const pay2 = await t.api('POST', '/api/payments', { cookie: S.desk, body: { patient_id: a.patient.id, amount_paise: 5000, mode: 'upi' } });
  t.status(pay2, 201, 'a second payment');
  let es = await list();
  const of = (x) => es.find((e) => e.id === x.id);
  t.eq(of(a).paid_paise, 35000, 'paid_paise sums the day\'s payments');
  const v = await t.api('POST', `/api/payments/${pay2.json.id}/void`, { cookie: S.admin, body: { reason: 'Entered twice' } });
  t.status(v, 200, 'the admin voids the second');
  es = await list();
  t.eq(of(a).paid_paise, 30000, 'a voided payment is not counted');
  t.eq(of(b).paid_paise, 0, 'another patient has paid nothing');
  const pid = await t.patient(S.desk);
  const today = t.db("SELECT day FROM queue ORDER BY id DESC LIMIT 1")[0].day;
  const ap = await t.api('POST', '/api/appointments', { cookie: S.desk, body: { patient_id: pid, date: today, time: '23:50' } });
  t.status(ap, 201, 'book for today');
  const ar = await t.api('PATCH', `/api/appointments/${ap.json.id}`, { cookie: S.desk, body: { status: 'arrived', version: ap.json.version } });
  t.status(ar, 200, 'arrived');
  const put = await t.api('PUT', `/api/queue/${b.id}/vitals`, { cookie: S.nurse, body: { vitals: { pulse: 80 } } });
  t.status(put, 200, 'vitals for the second');
  es = await list(S.nurse);
  const c = es.find((e) => e.patient.id === pid);
  t.eq([c.appointment_id, c.priority, c.status], [ap.json.id, 'normal', 'waiting'], 'the arrived appointment is marked');
  t.eq([of(a).appointment_id, of(a).vitals_recorded, of(b).vitals_recorded], [null, false, true], 'vitals_recorded');
  for (const x of [a, b, c]) await t.api('PATCH', `/api/queue/${x.id}`, { cookie: S.desk, body: { status: 'cancelled' } });
});

t.test('queue order: a nurse records vitals and complaint; the same checks as a visit; the visit starts with them', async () => {
  need();
  const e = await fresh();
  const get0 = await t.api('GET', `/api/queue/${e.id}/vitals`, { cookie: S.nurse });
  t.status(get0, 200, 'GET vitals before any');
  t.eq([get0.json.recorded_at, get0.json.complaint, get0.json.vitals.pulse], [null, null, null], 'none yet');
  // The same refusals as a visit's vitals, word for word.
  const v = await t.api('POST', '/api/visits', { cookie: S.doc, body: { patient_id: (await t.patient(S.desk)) } });
  t.status(v, 201, 'a visit to compare with');
  for (const [vitals, field] of [[{ pulse: 500 }, 'vitals.pulse'], [{ spo2: 97.5 }, 'vitals.spo2'],
    [{ bp_systolic: 80, bp_diastolic: 90 }, 'vitals.bp_diastolic'], [{ pressure: 1 }, 'vitals.pressure'],
    [{ temperature_c: 'hot' }, 'vitals.temperature_c']]) {
    const q = await t.api('PUT', `/api/queue/${e.id}/vitals`, { cookie: S.nurse, body: { vitals } });
    t.status(q, 422, `queue ${JSON.stringify(vitals)}`);
    t.eq(q.json.error.field, field, 'field');
    const w = await t.api('PATCH', `/api/visits/${v.json.id}`, { cookie: S.doc, body: { version: v.json.version, vitals } });
    t.status(w, 422, `visit ${JSON.stringify(vitals)}`);
    t.eq([q.json.error.code, q.json.error.message], [w.json.error.code, w.json.error.message], 'the same code and words');
  }
  t.eq(row(e.id).version, e.version, 'nothing written by the refusals');
  const vitals = { bp_systolic: 150, bp_diastolic: 95, pulse: 88, temperature_c: 38.4, weight_kg: 61.5, height_cm: 158, spo2: 97 };
  const put = await t.api('PUT', `/api/queue/${e.id}/vitals`, { cookie: S.nurse, body: { vitals, complaint: 'Fever for 3 days' } });
  t.status(put, 200, 'PUT vitals');
  t.eq(put.json.vitals, vitals, 'stored as sent');
  t.eq(put.json.complaint, 'Fever for 3 days', 'complaint');
  t.ok(/^\d{4}-/.test(put.json.recorded_at) && /^Test nurse/.test(put.json.recorded_by), `recorded by ${put.json.recorded_by}`);
  t.eq(t.db(`SELECT count(*) AS n FROM audit WHERE action = 'queue.vitals' AND entity_id = ${e.id} AND patient_id = ${e.patient.id}`)[0].n, 1, 'audited with the patient');
  const again = await t.api('PUT', `/api/queue/${e.id}/vitals`, { cookie: S.nurse, body: { vitals: { ...vitals, pulse: 90 }, complaint: 'Fever for 3 days, cough' } });
  t.status(again, 200, 'recorded again (a second reading replaces the first)');
  const desk = await t.api('PUT', `/api/queue/${e.id}/vitals`, { cookie: S.desk, body: { vitals } });
  t.status(desk, 403, 'the front desk does not record vitals');
  const dget = await t.api('GET', `/api/queue/${e.id}/vitals`, { cookie: S.desk });
  t.status(dget, 403, 'nor reads them');
  const visit = await t.api('POST', '/api/visits', { cookie: S.doc, body: { patient_id: e.patient.id, queue_id: e.id } });
  t.status(visit, 201, 'the doctor opens the visit from the entry');
  t.eq(visit.json.vitals, { ...vitals, pulse: 90 }, 'the visit starts with the nurse\'s vitals');
  t.eq(visit.json.complaint, 'Fever for 3 days, cough', 'and the complaint');
  const late = await t.api('PUT', `/api/queue/${e.id}/vitals`, { cookie: S.nurse, body: { vitals } });
  t.status(late, 409, 'vitals once the consultation began');
  t.eq(late.json.error.code, 'not_waiting', 'code');
  const plain = await fresh();
  const pv = await t.api('POST', '/api/visits', { cookie: S.doc, body: { patient_id: plain.patient.id, queue_id: plain.id } });
  t.status(pv, 201, 'a visit from an entry without vitals');
  t.eq([pv.json.complaint, pv.json.vitals.pulse, pv.json.version], [null, null, 1], 'starts empty, as before');
});

t.test('queue order: a nurse reads patients and the queue, and gets 403 on visits, payments, adding and moving', async () => {
  need();
  const e = await fresh();
  t.status(await t.api('GET', '/api/patients?q=Test', { cookie: S.nurse }), 200, 'search patients');
  t.status(await t.api('GET', `/api/patients/${e.patient.id}`, { cookie: S.nurse }), 200, 'read a patient');
  const before = t.counts();
  for (const [m, p, body] of [['GET', `/api/patients/${e.patient.id}/visits`], ['POST', '/api/visits', { patient_id: e.patient.id, queue_id: e.id }],
    ['GET', '/api/payments'], ['POST', '/api/payments', { patient_id: e.patient.id, amount_paise: 100, mode: 'cash' }],
    ['GET', '/api/reports/daily'], ['POST', '/api/queue', { patient_id: e.patient.id }],
    ['PATCH', `/api/queue/${e.id}`, { status: 'in_consult' }], ['POST', '/api/queue/next'], ['PATCH', `/api/patients/${e.patient.id}`, { version: 1, name: 'X' }]]) {
    const res = await t.api(m, p, { cookie: S.nurse, body });
    t.status(res, 403, `${m} ${p} as nurse`);
  }
  t.eq(t.counts(), before, 'nothing written');
  t.eq(row(e.id).status, 'waiting', 'the entry still waits');
  await t.api('PATCH', `/api/queue/${e.id}`, { cookie: S.desk, body: { status: 'cancelled' } });
});

t.test('queue order: next calls the first waiting in call order; 404 queue_empty when no one waits', async () => {
  need();
  const a = await fresh();
  const b = await fresh('urgent');
  const es = await list();
  const first = es.find((e) => e.status === 'waiting');
  const r1 = await t.api('POST', '/api/queue/next', { cookie: S.doc });
  t.status(r1, 200, 'next');
  t.eq([r1.json.id, r1.json.status], [first.id, 'in_consult'], `the first waiting (token ${first.token}) is called`);
  t.ok(r1.json.called_at, 'called_at set');
  const e = await fresh('emergency');
  const r2 = await t.api('POST', '/api/queue/next', { cookie: S.doc });
  t.status(r2, 200, 'next after an emergency arrived');
  t.eq(r2.json.id, e.id, 'the emergency is called before everyone waiting');
  const board = await t.api('GET', '/api/display', {});
  t.eq(board.json.serving, [{ token: e.token }], 'the board shows the one called last');
  t.status(await t.api('POST', '/api/queue/next', { cookie: S.desk }), 403, 'the desk does not call next');
  // Empty the day's line, then next has no one.
  for (const x of (await list()).filter((y) => y.status === 'waiting')) {
    t.status(await t.api('PATCH', `/api/queue/${x.id}`, { cookie: S.desk, body: { status: 'cancelled' } }), 200, 'cancel');
  }
  const before = t.counts();
  const r3 = await t.api('POST', '/api/queue/next', { cookie: S.doc });
  t.status(r3, 404, 'no one waits');
  t.eq(r3.json.error.code, 'queue_empty', 'code');
  t.eq(t.counts(), before, 'nothing written');
  t.eq([row(a.id).status, row(b.id).status], [a.id === first.id ? 'in_consult' : 'cancelled', b.id === first.id ? 'in_consult' : 'cancelled'], 'states as expected');
  for (const x of (await list()).filter((y) => y.status === 'in_consult')) {
    await t.api('PATCH', `/api/queue/${x.id}`, { cookie: S.desk, body: { status: 'done' } });
  }
});

t.run();
