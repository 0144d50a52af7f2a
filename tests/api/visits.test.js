'use strict';
// visits.test.js — consultations (cgi-bin/visits/): opening one from the
// queue (entry → in_consult, idempotent), reading it (audited), PATCH with
// vitals in and out of their ranges (422 naming the field), lists and their
// limits, doses normalised, stale versions, finalize (read-only after, queue
// entry done, medicines counted), the patient's history newest first,
// repeat-last, the medicines search, the role matrix, and nothing written on
// any 4xx.
const t = require('../lib/t.js');

const S = {};	// sessions and shared state, filled by the first test

function need() {
  if (!S.doc) t.skip('no sessions (the first test failed or skipped)');
}

const newPatient = (extra = {}) => t.patient(S.desk, { name: t.uniq('Visit Pt '), sex: 'M', age_years: 52, ...extra });

async function enqueue(pid) {
  const res = await t.api('POST', '/api/queue', { cookie: S.desk, body: { patient_id: pid, reason: 'Fever' } });
  t.status(res, 201, 'POST /api/queue');
  return res.json;
}

async function newVisit(pid, queueId) {
  const body = { patient_id: pid };
  if (queueId !== undefined) body.queue_id = queueId;
  const res = await t.api('POST', '/api/visits', { cookie: S.doc, body });
  t.status(res, 201, 'POST /api/visits');
  return res.json;
}

function patch(v, body) {
  return t.api('PATCH', `/api/visits/${v.id}`, { cookie: S.doc, body: { version: v.version, ...body } });
}

// A draft visit with a complaint and the prescription lines RX, finalized.
async function finalVisit(pid, rx, complaint = 'Cough') {
  let v = await newVisit(pid);
  const p = await patch(v, { complaint, prescriptions: rx });
  t.status(p, 200, 'PATCH before finalize');
  v = p.json;
  const f = await t.api('POST', `/api/visits/${v.id}/finalize`, { cookie: S.doc, body: {} });
  t.status(f, 200, 'finalize');
  return f.json;
}

const auditCount = (action, entityId) =>
  t.db(`SELECT count(*) AS n FROM audit WHERE action = '${action}' AND entity_id = ${entityId}`)[0].n;

const VISIT_KEYS = ['id', 'patient_id', 'queue_id', 'status', 'date', 'complaint', 'vitals', 'notes', 'diagnoses',
  'prescriptions', 'advice', 'follow_up_date', 'version', 'created_at', 'updated_at', 'finalized_at', 'patient', 'warnings'];
const VITALS = ['bp_systolic', 'bp_diastolic', 'pulse', 'temperature_c', 'weight_kg', 'height_cm', 'spo2'];

function addDays(date, n) {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

t.test('visits: sessions, and a visit opened from the queue moves the entry to in_consult', async () => {
  S.desk = (await t.user('frontdesk')).cookie;
  S.admin = await t.admin();
  const doc = await t.user('doctor');
  S.doc = doc.cookie;
  S.docId = doc.id;
  S.pid = await newPatient({ allergies: 'Sulfa drugs' });
  const q = await enqueue(S.pid);
  S.queueId = q.id;
  const res = await t.api('POST', '/api/visits', { cookie: S.doc, body: { patient_id: S.pid, queue_id: q.id } });
  t.status(res, 201, 'POST /api/visits');
  const v = res.json;
  t.eq(Object.keys(v).sort(), [...VISIT_KEYS].sort(), 'the keys of a visit');
  t.eq([v.patient_id, v.queue_id, v.status, v.version], [S.pid, q.id, 'draft', 1], 'a draft of that entry');
  t.eq(Object.keys(v.vitals).sort(), [...VITALS].sort(), 'vitals keys');
  t.ok(VITALS.every((k) => v.vitals[k] === null), 'no vitals yet');
  t.eq([v.diagnoses, v.prescriptions], [[], []], 'empty lists');
  t.eq(v.patient.id, S.pid, 'patient.id');
  t.eq(v.patient.allergies, 'Sulfa drugs', 'patient.allergies for the doctor');
  t.eq(v.patient.age_years, 52, 'patient.age_years');
  for (const k of ['name', 'clinic_no', 'sex', 'phone']) t.ok(k in v.patient, `patient.${k}`);
  t.ok(/^\d{4}-\d\d-\d\d$/.test(v.date), `date ${v.date}`);
  const qrow = t.db(`SELECT status, version FROM queue WHERE id = ${q.id}`)[0];
  t.eq(qrow.status, 'in_consult', 'queue entry in_consult');
  const row = t.db(`SELECT patient_id, queue_id, doctor_id, status, day FROM visits WHERE id = ${v.id}`)[0];
  t.eq([row.patient_id, row.queue_id, row.doctor_id, row.status, row.day], [S.pid, q.id, S.docId, 'draft', v.date],
    'row in the database');
  t.eq(t.db(`SELECT count(*) AS n FROM audit WHERE action = 'visit.create' AND entity_id = ${v.id}`
    + ` AND patient_id = ${S.pid}`)[0].n, 1, 'visit.create audited with the patient');
  S.v = v;
  S.date = v.date;
});

t.test('visits: opening the same queue entry again answers the same draft (200), writes no visit', async () => {
  need();
  const before = t.db('SELECT count(*) AS n FROM visits')[0].n;
  const res = await t.api('POST', '/api/visits', { cookie: S.doc, body: { patient_id: S.pid, queue_id: S.queueId } });
  t.status(res, 200, 'second POST');
  t.eq(res.json.id, S.v.id, 'the same visit');
  t.eq(t.db('SELECT count(*) AS n FROM visits')[0].n, before, 'no visit added');
  t.eq(t.db(`SELECT status FROM queue WHERE id = ${S.queueId}`)[0].status, 'in_consult', 'still in_consult');
  // Concurrent opens of a fresh entry make one draft.
  const pid = await newPatient();
  const q = await enqueue(pid);
  const all = await Promise.all([1, 2, 3, 4].map(() =>
    t.api('POST', '/api/visits', { cookie: S.doc, body: { patient_id: pid, queue_id: q.id } })));
  const ids = new Set(all.map((r) => r.json && r.json.id));
  t.eq(all.map((r) => r.status).sort(), [200, 200, 200, 201], 'one 201, three 200');
  t.eq(ids.size, 1, 'one visit for all four');
  t.eq(t.db(`SELECT count(*) AS n FROM visits WHERE queue_id = ${q.id}`)[0].n, 1, 'one row');
});

t.test('visits: bad queue entries and patients are refused and nothing is written', async () => {
  need();
  const other = await newPatient();
  const oq = await enqueue(other);
  const done = await newPatient();
  const dq = await enqueue(done);
  for (const s of ['in_consult', 'done']) {
    const r = await t.api('PATCH', `/api/queue/${dq.id}`, { cookie: S.desk, body: { status: s } });
    t.status(r, 200, `queue → ${s}`);
  }
  const cancelled = await newPatient();
  const cq = await enqueue(cancelled);
  t.status(await t.api('PATCH', `/api/queue/${cq.id}`, { cookie: S.desk, body: { status: 'cancelled' } }), 200, 'cancel');
  const before = t.counts();
  const cases = [
    [{ patient_id: 987654321 }, 404, 'patient_id'],
    [{ patient_id: S.pid, queue_id: 987654321 }, 404, 'queue_id'],
    [{ patient_id: S.pid, queue_id: oq.id }, 422, 'queue_id'],
    [{ patient_id: done, queue_id: dq.id }, 409, 'queue_id'],
    [{ patient_id: cancelled, queue_id: cq.id }, 409, 'queue_id'],
    [{ patient_id: 0 }, 422, 'patient_id'],
    [{ patient_id: '1' }, 422, 'patient_id'],
    [{}, 422, 'patient_id'],
    [{ patient_id: S.pid, extra: 1 }, 422, 'extra'],
  ];
  for (const [body, want, field] of cases) {
    const r = await t.api('POST', '/api/visits', { cookie: S.doc, body });
    t.status(r, want, `POST ${JSON.stringify(body)}`);
    t.eq(r.json.error.field, field, `field of ${JSON.stringify(body)}`);
  }
  t.eq(t.counts(), before, 'nothing written');
  t.eq(t.db(`SELECT status FROM queue WHERE id = ${oq.id}`)[0].status, 'waiting', "the other patient's entry untouched");
});

t.test('visits: GET answers the visit and audits the read with the patient; 404 is not audited', async () => {
  need();
  const n0 = auditCount('visit.read', S.v.id);
  const res = await t.api('GET', `/api/visits/${S.v.id}`, { cookie: S.doc });
  t.status(res, 200, 'GET');
  t.eq(res.json.id, S.v.id, 'id');
  t.eq(Object.keys(res.json).sort(), [...VISIT_KEYS].sort(), 'keys');
  t.eq(auditCount('visit.read', S.v.id), n0 + 1, 'one visit.read row');
  const a = t.db(`SELECT user_id, role, patient_id FROM audit WHERE action = 'visit.read' AND entity_id = ${S.v.id}`
    + ' ORDER BY id DESC LIMIT 1')[0];
  t.eq([a.user_id, a.role, a.patient_id], [S.docId, 'doctor', S.pid], 'who and which patient');
  const all = t.db('SELECT count(*) AS n FROM audit')[0].n;
  const miss = await t.api('GET', '/api/visits/987654321', { cookie: S.doc });
  t.status(miss, 404, 'unknown visit');
  t.eq(t.db('SELECT count(*) AS n FROM audit')[0].n, all, 'a 404 writes no audit row');
});

t.test('visits: PATCH saves vitals, notes, lists (doses normalised), bumps the version, is audited', async () => {
  need();
  const fu = addDays(S.date, 7);
  const res = await patch(S.v, {
    complaint: '  Fever and sore throat, 3 days ',
    vitals: { bp_systolic: 128, bp_diastolic: 84, pulse: 96, temperature_c: 38.4, weight_kg: 61.5, height_cm: 158.5, spo2: 97 },
    notes: 'Tonsils enlarged, no exudate.\nChest clear.',
    diagnoses: [{ text: 'Acute pharyngitis', code: 'J02.9' }, { text: 'Fever' }],
    prescriptions: [
      { medicine: 'Paracetamol', strength: '650 mg', form: 'tablet', dose: '1 - 0 - 1', timing: 'after_food', duration_days: 3 },
      { medicine: 'Azithromycin', strength: '500 mg', form: 'tablet', dose: 'od', timing: 'before_food', duration_days: 3 },
      { medicine: 'Cetirizine', strength: '10 mg', form: 'tablet', dose: '0-0-1', timing: 'bedtime', duration_days: 5 },
      { medicine: 'Betadine gargle', dose: '1/2-0-1/2', instructions: 'Gargle with warm water' },
      { medicine: 'Salt water', dose: '  warm   gargles thrice a day ' },
    ],
    advice: 'Plenty of fluids. Rest.',
    follow_up_date: fu,
  });
  t.status(res, 200, 'PATCH');
  const v = res.json;
  t.eq(v.version, 2, 'version bumped');
  t.eq(v.complaint, 'Fever and sore throat, 3 days', 'complaint trimmed');
  t.eq(v.vitals, { bp_systolic: 128, bp_diastolic: 84, pulse: 96, temperature_c: 38.4, weight_kg: 61.5, height_cm: 158.5, spo2: 97 },
    'vitals');
  t.eq(v.diagnoses, [{ text: 'Acute pharyngitis', code: 'J02.9' }, { text: 'Fever', code: null }], 'diagnoses in order');
  t.eq(v.prescriptions.map((p) => p.dose), ['1-0-1', 'OD', '0-0-1', '½-0-½', 'warm gargles thrice a day'], 'doses normalised');
  t.eq(v.prescriptions[0], { medicine: 'Paracetamol', strength: '650 mg', form: 'tablet', dose: '1-0-1', timing: 'after_food',
    duration_days: 3, instructions: null,
    dosing: { en: 'Morning 1, night 1 — after food — 3 days', lang: 'en', local: 'Morning 1, night 1 — after food — 3 days' } },
  'a whole line');
  t.eq([v.advice, v.follow_up_date], ['Plenty of fluids. Rest.', fu], 'advice and follow-up');
  const row = t.db(`SELECT complaint, bp_systolic, temperature_c, version FROM visits WHERE id = ${v.id}`)[0];
  t.eq([row.complaint, row.bp_systolic, row.temperature_c, row.version], ['Fever and sore throat, 3 days', 128, 38.4, 2],
    'row in the database');
  t.eq(t.db(`SELECT medicine, dose FROM prescriptions WHERE visit_id = ${v.id} ORDER BY pos`).map((r) => r.dose),
    ['1-0-1', 'OD', '0-0-1', '½-0-½', 'warm gargles thrice a day'], 'prescription rows in order');
  t.eq(auditCount('visit.update', v.id), 1, 'visit.update audited');
  // Autosave does not count medicines: that happens at finalize.
  t.eq(t.db("SELECT count(*) AS n FROM medicines WHERE name = 'Betadine gargle'")[0].n, 0, 'no catalogue entry yet');
  // A PATCH without the lists keeps them; a vital named alone is the only one changed; null clears.
  const p2 = await patch(v, { vitals: { pulse: 88, spo2: null } });
  t.status(p2, 200, 'partial PATCH');
  t.eq(p2.json.vitals, { ...v.vitals, pulse: 88, spo2: null }, 'other vitals kept');
  t.eq(p2.json.prescriptions.length, 5, 'lines kept');
  t.eq(p2.json.diagnoses.length, 2, 'diagnoses kept');
  S.v = p2.json;
});

const OUT_OF_RANGE = [
  ['bp_systolic', 49], ['bp_systolic', 301], ['bp_diastolic', 19], ['bp_diastolic', 201], ['pulse', 19], ['pulse', 251],
  ['temperature_c', 29.9], ['temperature_c', 45.1], ['weight_kg', 0.4], ['weight_kg', 350.5], ['height_cm', 19],
  ['height_cm', 251], ['spo2', 49], ['spo2', 101], ['pulse', 72.5], ['spo2', '98'], ['temperature_c', true],
];

t.test('visits: vitals out of their ranges are 422 naming the vital, and nothing is written', async () => {
  need();
  const before = t.counts();
  const row0 = t.db(`SELECT * FROM visits WHERE id = ${S.v.id}`)[0];
  for (const [k, val] of OUT_OF_RANGE) {
    const r = await patch(S.v, { vitals: { [k]: val } });
    t.status(r, 422, `${k} = ${JSON.stringify(val)}`);
    t.eq(r.json.error.field, `vitals.${k}`, `field for ${k} = ${JSON.stringify(val)}`);
  }
  const edges = [['bp_systolic', 50], ['bp_systolic', 300], ['pulse', 20], ['pulse', 250], ['temperature_c', 30],
    ['temperature_c', 45], ['weight_kg', 0.5], ['weight_kg', 350], ['height_cm', 20], ['height_cm', 250], ['spo2', 50],
    ['spo2', 100]];
  // The limits themselves are accepted (checked on a visit of its own).
  const pid = await newPatient();
  let v = await newVisit(pid);
  for (const [k, val] of edges) {
    const body = { vitals: { [k]: val } };
    if (k === 'bp_systolic') body.vitals.bp_diastolic = null;
    const r = await patch(v, body);
    t.status(r, 200, `${k} = ${val} accepted`);
    v = r.json;
  }
  const mid = t.counts();
  // diastolic must stay below systolic, against the stored value too
  t.status(await patch(v, { vitals: { bp_systolic: 120, bp_diastolic: 120 } }), 422, 'diastolic = systolic');
  const r1 = await patch(v, { vitals: { bp_systolic: 120, bp_diastolic: 130 } });
  t.eq(r1.json.error.field, 'vitals.bp_diastolic', 'names the diastolic');
  const set = await patch(v, { vitals: { bp_systolic: 110, bp_diastolic: 70 } });
  t.status(set, 200, '110/70');
  v = set.json;
  const mid2 = t.counts();
  const r2 = await patch(v, { vitals: { bp_diastolic: 115 } });
  t.status(r2, 422, 'diastolic above the stored systolic');
  t.eq(r2.json.error.field, 'vitals.bp_diastolic', 'field');
  const r3 = await patch(v, { vitals: { bp_systolic: 65 } });
  t.status(r3, 422, 'systolic below the stored diastolic');
  t.eq(r3.json.error.field, 'vitals.bp_systolic', 'field');
  const r4 = await patch(v, { vitals: { flow: 3 } });
  t.status(r4, 422, 'unknown vital');
  t.eq([r4.json.error.code, r4.json.error.field], ['unknown_field', 'vitals.flow'], 'unknown vital named');
  t.status(await patch(v, { vitals: [] }), 422, 'vitals not an object');
  t.eq(t.counts(), mid2, 'nothing written by the refused PATCHes');
  t.ok(mid.visits.n === mid2.visits.n, 'no visit added');
  t.eq(t.db(`SELECT * FROM visits WHERE id = ${S.v.id}`)[0], row0, 'the first visit is unchanged');
  t.eq(before.visits.n + 1, mid.visits.n, 'only the one visit added');
  // null clears every vital
  const clear = await patch(v, { vitals: null });
  t.status(clear, 200, 'vitals: null');
  t.ok(VITALS.every((k) => clear.json.vitals[k] === null), 'all cleared');
});

t.test('visits: list items and their limits are 422 with the path of the field, and nothing is written', async () => {
  need();
  const line = { medicine: 'Paracetamol', dose: '1-0-1' };
  const many = (n, x) => Array.from({ length: n }, () => ({ ...x }));
  const cases = [
    [{ diagnoses: many(21, { text: 'x' }) }, 'diagnoses'],
    [{ prescriptions: many(31, line) }, 'prescriptions'],
    [{ diagnoses: [{ text: 'ok' }, { text: '' }] }, 'diagnoses[1].text'],
    [{ diagnoses: [{ text: 'x'.repeat(201) }] }, 'diagnoses[0].text'],
    [{ diagnoses: [{ text: 'x', code: 'C'.repeat(21) }] }, 'diagnoses[0].code'],
    [{ diagnoses: [{ code: 'J02' }] }, 'diagnoses[0].text'],
    [{ diagnoses: ['Fever'] }, 'diagnoses[0]'],
    [{ diagnoses: [{ text: 'x', severity: 1 }] }, 'diagnoses[0].severity'],
    [{ prescriptions: [line, line, { medicine: 'X', dose: '0-0-0' }] }, 'prescriptions[2].dose'],
    [{ prescriptions: [line, line, { medicine: 'X', dose: 'x'.repeat(61) }] }, 'prescriptions[2].dose'],
    [{ prescriptions: [{ medicine: 'X' }] }, 'prescriptions[0].dose'],
    [{ prescriptions: [{ medicine: 'X', dose: '   ' }] }, 'prescriptions[0].dose'],
    [{ prescriptions: [{ medicine: '', dose: '1-0-1' }] }, 'prescriptions[0].medicine'],
    [{ prescriptions: [{ medicine: 'm'.repeat(101), dose: '1-0-1' }] }, 'prescriptions[0].medicine'],
    [{ prescriptions: [{ ...line, strength: 's'.repeat(41) }] }, 'prescriptions[0].strength'],
    [{ prescriptions: [{ ...line, form: 'f'.repeat(41) }] }, 'prescriptions[0].form'],
    [{ prescriptions: [{ ...line, timing: 'noon' }] }, 'prescriptions[0].timing'],
    [{ prescriptions: [{ ...line, duration_days: 0 }] }, 'prescriptions[0].duration_days'],
    [{ prescriptions: [{ ...line, duration_days: 366 }] }, 'prescriptions[0].duration_days'],
    [{ prescriptions: [{ ...line, duration_days: 2.5 }] }, 'prescriptions[0].duration_days'],
    [{ prescriptions: [{ ...line, instructions: 'i'.repeat(201) }] }, 'prescriptions[0].instructions'],
    [{ prescriptions: [{ ...line, route: 'oral' }] }, 'prescriptions[0].route'],
    [{ complaint: 'c'.repeat(1001) }, 'complaint'],
    [{ follow_up_date: '2026-02-30' }, 'follow_up_date'],
    [{ follow_up_date: addDays(S.date, -1) }, 'follow_up_date'],
    [{ status: 'final' }, 'status'],
  ];
  const before = t.counts();
  const row0 = t.db(`SELECT * FROM visits WHERE id = ${S.v.id}`)[0];
  for (const [body, field] of cases) {
    const r = await patch(S.v, body);
    t.status(r, 422, `PATCH ${JSON.stringify(body).slice(0, 80)}`);
    t.eq(r.json.error.field, field, `field of ${JSON.stringify(body).slice(0, 80)}`);
  }
  const noVersion = await t.api('PATCH', `/api/visits/${S.v.id}`, { cookie: S.doc, body: { complaint: 'x' } });
  t.status(noVersion, 422, 'no version');
  t.eq(noVersion.json.error.field, 'version', 'version named');
  t.eq(t.counts(), before, 'nothing written');
  t.eq(t.db(`SELECT * FROM visits WHERE id = ${S.v.id}`)[0], row0, 'the visit is unchanged');
  // The limits themselves are accepted.
  const ok = await patch(S.v, { diagnoses: many(20, { text: 'd'.repeat(200), code: 'C'.repeat(20) }),
    prescriptions: many(30, { ...line, strength: 's'.repeat(40), instructions: 'இ'.repeat(200), duration_days: 365 }) });
  t.status(ok, 200, '20 diagnoses and 30 lines at their limits');
  t.eq([ok.json.diagnoses.length, ok.json.prescriptions.length], [20, 30], 'all kept');
  // An empty list clears; then restore the real ones.
  const cleared = await patch(ok.json, { diagnoses: [], prescriptions: [] });
  t.status(cleared, 200, 'empty lists');
  t.eq([cleared.json.diagnoses, cleared.json.prescriptions], [[], []], 'cleared');
  t.eq(t.db(`SELECT count(*) AS n FROM prescriptions WHERE visit_id = ${S.v.id}`)[0].n, 0, 'rows gone');
  S.v = cleared.json;
});

t.test('visits: a stale version is 409 stale_version and nothing changes; unknown visit 404', async () => {
  need();
  const before = t.counts();
  const row0 = t.db(`SELECT * FROM visits WHERE id = ${S.v.id}`)[0];
  for (const version of [S.v.version - 1, S.v.version + 1]) {
    const r = await t.api('PATCH', `/api/visits/${S.v.id}`, { cookie: S.doc, body: { version, complaint: 'Overwritten' } });
    t.status(r, 409, `version ${version}`);
    t.eq(r.json.error.code, 'stale_version', 'code');
  }
  const miss = await t.api('PATCH', '/api/visits/987654321', { cookie: S.doc, body: { version: 1, complaint: 'x' } });
  t.status(miss, 404, 'unknown visit');
  t.eq(t.counts(), before, 'nothing written');
  t.eq(t.db(`SELECT * FROM visits WHERE id = ${S.v.id}`)[0], row0, 'row unchanged');
});

t.test('visits: finalize needs a complaint or a diagnosis; then the visit is read-only and its queue entry done', async () => {
  need();
  const emptyPid = await newPatient();
  const empty = await newVisit(emptyPid);
  const blank = await patch(empty, { complaint: '   ', notes: 'only notes' });
  t.status(blank, 200, 'blank complaint saved');
  const before = t.counts();
  const r0 = await t.api('POST', `/api/visits/${empty.id}/finalize`, { cookie: S.doc, body: {} });
  t.status(r0, 422, 'finalize an empty visit');
  t.eq(r0.json.error.field, 'complaint', 'names the complaint');
  t.eq(t.counts(), before, 'nothing written');
  const withDx = await patch(blank.json, { diagnoses: [{ text: 'Routine check-up' }] });
  t.status(withDx, 200, 'add a diagnosis');
  t.status(await t.api('POST', `/api/visits/${empty.id}/finalize`, { cookie: S.doc, body: {} }), 200,
    'a diagnosis alone is enough');

  const p = await patch(S.v, {
    complaint: 'Fever and sore throat, 3 days',
    diagnoses: [{ text: 'Acute pharyngitis', code: 'J02.9' }],
    prescriptions: [
      { medicine: 'Paracetamol', strength: '650 mg', form: 'tablet', dose: '1-0-1', duration_days: 3 },
      { medicine: 'azithromycin', strength: '500 MG', form: 'Tablet', dose: 'OD', duration_days: 3 },
    ],
  });
  t.status(p, 200, 'PATCH');
  S.v = p.json;
  const usesOf = (name, strength, form) => t.db(`SELECT uses FROM medicines WHERE name = '${name}' AND strength = '${strength}'`
    + ` AND form = '${form}'`)[0].uses;
  const para0 = usesOf('Paracetamol', '650 mg', 'tablet');
  const azi0 = usesOf('Azithromycin', '500 mg', 'tablet');
  const f = await t.api('POST', `/api/visits/${S.v.id}/finalize`, { cookie: S.doc, body: {} });
  t.status(f, 200, 'finalize');
  t.eq(f.json.status, 'final', 'status final');
  t.ok(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(f.json.finalized_at || ''), `finalized_at ${f.json.finalized_at}`);
  t.eq(f.json.version, S.v.version + 1, 'version bumped');
  t.eq(t.db(`SELECT status FROM queue WHERE id = ${S.queueId}`)[0].status, 'done', 'queue entry done');
  t.eq(auditCount('visit.finalize', S.v.id), 1, 'visit.finalize audited');
  t.eq(usesOf('Paracetamol', '650 mg', 'tablet'), para0 + 1, 'Paracetamol 650 mg counted once more');
  t.eq(usesOf('Azithromycin', '500 mg', 'tablet'), azi0 + 1, 'case does not make a new medicine');
  t.eq(t.db("SELECT count(*) AS n FROM medicines WHERE name = 'azithromycin'")[0].n, 0, 'no lower-case duplicate');

  const before2 = t.counts();
  const edit = await patch(f.json, { complaint: 'Changed' });
  t.status(edit, 409, 'PATCH after finalize');
  t.eq(edit.json.error.code, 'visit_final', 'code');
  const again = await t.api('POST', `/api/visits/${S.v.id}/finalize`, { cookie: S.doc, body: {} });
  t.status(again, 409, 'second finalize');
  t.eq(again.json.error.code, 'visit_final', 'code');
  const rep = await t.api('POST', `/api/visits/${S.v.id}/repeat-last`, { cookie: S.doc, body: {} });
  t.status(rep, 409, 'repeat-last into a final visit');
  t.eq(t.counts(), before2, 'nothing written');
  t.eq(t.db(`SELECT complaint FROM visits WHERE id = ${S.v.id}`)[0].complaint, 'Fever and sore throat, 3 days', 'unchanged');
  const miss = await t.api('POST', '/api/visits/987654321/finalize', { cookie: S.doc, body: {} });
  t.status(miss, 404, 'finalize an unknown visit');
  S.v = f.json;
});

t.test('visits: history is the finalized visits newest first, with today\'s draft apart; audited', async () => {
  need();
  const pid = await newPatient();
  const ids = [];
  for (let i = 0; i < 3; i++) ids.push((await finalVisit(pid, [{ medicine: 'Paracetamol', dose: `${i % 2}-0-1` }], `Visit ${i}`)).id);
  const draft = await newVisit(pid);
  const n0 = t.db(`SELECT count(*) AS n FROM audit WHERE action = 'visit.history' AND patient_id = ${pid}`)[0].n;
  const res = await t.api('GET', `/api/patients/${pid}/visits`, { cookie: S.doc });
  t.status(res, 200, 'GET history');
  t.eq(res.json.patient.id, pid, 'patient');
  t.eq(res.json.total, 3, 'total');
  t.eq(res.json.visits.map((v) => v.id), [...ids].reverse(), 'newest first');
  t.ok(res.json.visits.every((v) => v.status === 'final'), 'finalized only');
  t.eq(Object.keys(res.json.visits[0]).sort(), VISIT_KEYS.filter((k) => k !== 'warnings').sort(), 'full visits');
  t.eq(res.json.visits[0].complaint, 'Visit 2', 'the newest');
  t.eq(res.json.visits[2].prescriptions[0].dose, '0-0-1', 'with its prescription');
  t.eq(res.json.draft && res.json.draft.id, draft.id, "today's draft apart");
  t.eq(t.db(`SELECT count(*) AS n FROM audit WHERE action = 'visit.history' AND patient_id = ${pid}`)[0].n, n0 + 1,
    'visit.history audited with the patient');
  const page = await t.api('GET', `/api/patients/${pid}/visits?limit=1&offset=1`, { cookie: S.doc });
  t.status(page, 200, 'paged');
  t.eq(page.json.visits.map((v) => v.id), [ids[1]], 'limit=1&offset=1');
  for (const q of ['limit=0', 'limit=201', 'offset=-1', 'limit=x']) {
    const r = await t.api('GET', `/api/patients/${pid}/visits?${q}`, { cookie: S.doc });
    t.status(r, 422, q);
  }
  const none = await t.api('GET', `/api/patients/${await newPatient()}/visits`, { cookie: S.doc });
  t.status(none, 200, 'a new patient');
  t.eq([none.json.total, none.json.visits, none.json.draft], [0, [], null], 'no history, no draft');
  t.status(await t.api('GET', '/api/patients/987654321/visits', { cookie: S.doc }), 404, 'unknown patient');
});

t.test('visits: repeat-last copies the newest finalized prescription into the draft', async () => {
  need();
  const pid = await newPatient();
  const before0 = t.counts();
  const first = await newVisit(pid);
  const none = await t.api('POST', `/api/visits/${first.id}/repeat-last`, { cookie: S.doc, body: {} });
  t.status(none, 404, 'no finalized visit yet');
  t.eq(none.json.error.code, 'no_previous_visit', 'code');
  t.eq(t.counts().prescriptions, before0.prescriptions, 'nothing written');
  const old = [{ medicine: 'Amlodipine', strength: '5 mg', form: 'tablet', dose: '1-0-0', timing: 'after_food', duration_days: 30 }];
  const newer = [
    { medicine: 'Metformin', strength: '500 mg', form: 'tablet', dose: '1-0-1', timing: 'after_food', duration_days: 30,
      instructions: 'With meals' },
    { medicine: 'Atorvastatin', strength: '10 mg', form: 'tablet', dose: 'HS', timing: 'bedtime', duration_days: 30 },
  ];
  await finalVisit(pid, old);
  await finalVisit(pid, newer);
  const draft = await newVisit(pid);
  const mine = await patch(draft, { prescriptions: [{ medicine: 'Something else', dose: 'SOS' }] });
  const res = await t.api('POST', `/api/visits/${draft.id}/repeat-last`, { cookie: S.doc, body: {} });
  t.status(res, 200, 'repeat-last');
  const line = (m) => ({ medicine: m.medicine, strength: m.strength ?? null, form: m.form ?? null, dose: m.dose,
    timing: m.timing ?? null, duration_days: m.duration_days ?? null, instructions: m.instructions ?? null });
  t.eq(res.json.prescriptions.map(({ dosing, ...m }) => m), newer.map(line), 'the newest visit\'s lines, replacing the draft\'s');
  t.eq(res.json.version, mine.json.version + 1, 'version bumped');
  t.eq(res.json.status, 'draft', 'still a draft');
  const a = t.db(`SELECT count(*) AS n FROM audit WHERE action = 'visit.update' AND entity_id = ${draft.id}`)[0].n;
  t.eq(a, 2, 'audited as an update');
  // The last visit prescribed nothing: 409 and the draft keeps its lines.
  const pid2 = await newPatient();
  await finalVisit(pid2, []);
  const d2 = await newVisit(pid2);
  const kept = await patch(d2, { prescriptions: [{ medicine: 'Keep me', dose: 'OD' }] });
  const before = t.counts();
  const r2 = await t.api('POST', `/api/visits/${d2.id}/repeat-last`, { cookie: S.doc, body: {} });
  t.status(r2, 409, 'nothing to repeat');
  t.eq(r2.json.error.code, 'nothing_to_repeat', 'code');
  t.eq(t.counts(), before, 'nothing written');
  t.eq(t.db(`SELECT medicine FROM prescriptions WHERE visit_id = ${d2.id}`).map((r) => r.medicine), ['Keep me'], 'lines kept');
  t.eq(kept.status, 200, 'setup');
  t.status(await t.api('POST', '/api/visits/987654321/repeat-last', { cookie: S.doc, body: {} }), 404, 'unknown visit');
});

t.test('visits: medicines search by name or word prefix, any case, most prescribed first', async () => {
  need();
  const para = await t.api('GET', '/api/medicines?q=parac&limit=50', { cookie: S.doc });
  t.status(para, 200, 'q=parac');
  const meds = para.json.medicines;
  t.ok(meds.length >= 5, `${meds.length} paracetamol entries`);
  t.ok(meds.every((m) => /(^|[\s+(/-])paracetamol/i.test(m.name)), 'each matches the prefix');
  t.eq(Object.keys(meds[0]).sort(), ['brand', 'class', 'form', 'id', 'ingredients', 'name', 'strength', 'uses'], 'keys');
  for (let i = 1; i < meds.length; i++) t.ok(meds[i - 1].uses >= meds[i].uses, 'most used first');
  const p650 = meds.findIndex((m) => m.name === 'Paracetamol' && m.strength === '650 mg' && m.form === 'tablet');
  t.ok(p650 >= 0 && meds[p650].uses >= 1, 'Paracetamol 650 mg tablet, prescribed above, has a use');
  t.ok(meds.slice(0, p650).every((m) => m.uses >= meds[p650].uses), 'and nothing less used comes before it');
  const upper = await t.api('GET', '/api/medicines?q=PARAC&limit=50', { cookie: S.doc });
  t.eq(upper.json.medicines.map((m) => m.id), meds.map((m) => m.id), 'case does not matter');
  const clav = await t.api('GET', '/api/medicines?q=clav', { cookie: S.doc });
  t.ok(clav.json.medicines.some((m) => m.name === 'Amoxicillin + Clavulanic acid' && m.strength === '625 mg'),
    'a word inside the name: clav finds Amoxicillin + Clavulanic acid 625 mg');
  const ors = await t.api('GET', '/api/medicines?q=ors', { cookie: S.doc });
  t.ok(ors.json.medicines.some((m) => /ORS/.test(m.name)), 'ors finds the oral rehydration salts');
  const long = await t.api('GET', '/api/medicines?q=amoxicillin%20%2B%20cl', { cookie: S.doc });
  t.ok(long.json.medicines.length >= 1 && long.json.medicines.every((m) => m.name.startsWith('Amoxicillin + Clav')),
    'a prefix with spaces matches the name');
  // Two new medicines of the clinic's own: the one prescribed twice leads.
  const stem = t.uniq('Zq').toLowerCase();
  const pid = await newPatient();
  await finalVisit(pid, [{ medicine: `${stem}alpha`, dose: '1-0-0' }]);
  await finalVisit(pid, [{ medicine: `${stem}beta`, strength: '5 mg', dose: '1-0-0' }]);
  await finalVisit(pid, [{ medicine: `${stem}beta`, strength: '5 mg', dose: '1-0-1' }]);
  await finalVisit(pid, [{ medicine: `Compound ${stem}gamma`, dose: '1-0-1' }]);
  const mine = await t.api('GET', `/api/medicines?q=${stem}`, { cookie: S.doc });
  t.eq(mine.json.medicines.map((m) => [m.name, m.strength, m.uses]),
    [[`${stem}beta`, '5 mg', 2], [`${stem}alpha`, '', 1], [`Compound ${stem}gamma`, '', 1]], 'most used first, then by name');
  const row = t.db(`SELECT seeded, uses FROM medicines WHERE name = '${stem}beta'`)[0];
  t.eq([row.seeded, row.uses], [0, 2], 'stored as the clinic\'s own');
  const top = await t.api('GET', '/api/medicines?limit=200', { cookie: S.doc });
  t.status(top, 200, 'empty q');
  const uses = top.json.medicines.map((m) => m.uses);
  t.eq(uses, [...uses].sort((a, b) => b - a), 'empty q: most used first');
  t.ok(top.json.medicines.length === 200, 'limit honoured');
  const seeded = t.db('SELECT count(*) AS n FROM medicines WHERE seeded = 1')[0].n;
  t.ok(seeded >= 250, `${seeded} seeded medicines`);
  t.status(await t.api('GET', `/api/medicines?q=${'x'.repeat(101)}`, { cookie: S.doc }), 422, 'q too long');
  t.status(await t.api('GET', '/api/medicines?q=%ff', { cookie: S.doc }), 422, 'q not UTF-8');
  const nothing = await t.api('GET', '/api/medicines?q=qqqqzzzz', { cookie: S.doc });
  t.eq(nothing.json.medicines, [], 'no match');
});

t.test('visits: front desk and admin get 403 on every visit route, no session 401, nothing written', async () => {
  need();
  const id = S.v.id;
  const routes = [
    ['POST', '/api/visits', { patient_id: S.pid }], ['GET', `/api/visits/${id}`], ['PATCH', `/api/visits/${id}`,
      { version: S.v.version, complaint: 'x' }], ['POST', `/api/visits/${id}/finalize`, {}],
    ['POST', `/api/visits/${id}/repeat-last`, {}], ['GET', `/api/patients/${S.pid}/visits`], ['GET', '/api/medicines?q=para'],
  ];
  const before = t.counts();
  const audits = t.db('SELECT count(*) AS n FROM audit WHERE action LIKE \'visit.%\'')[0].n;
  for (const [method, p, body] of routes) {
    for (const [who, cookie, want] of [['frontdesk', S.desk, 403], ['admin', S.admin, 403], ['no session', undefined, 401]]) {
      const r = await t.api(method, p, body ? { cookie, body } : { cookie });
      t.status(r, want, `${method} ${p} as ${who}`);
      t.eq(r.json.error.code, want === 403 ? 'forbidden' : 'unauthenticated', `code for ${who}`);
      t.ok(!/complaint|prescriptions/.test(r.text), 'no clinical data in the answer');
    }
  }
  t.eq(t.counts(), before, 'nothing written');
  t.eq(t.db('SELECT count(*) AS n FROM audit WHERE action LIKE \'visit.%\'')[0].n, audits, 'no visit audit rows');
});

t.test('visits: a patient with 50 past visits opens fast', async () => {
  need();
  const pid = await newPatient();
  const rx = [
    { medicine: 'Metformin', strength: '500 mg', form: 'tablet', dose: '1-0-1', timing: 'after_food', duration_days: 30 },
    { medicine: 'Amlodipine', strength: '5 mg', form: 'tablet', dose: '1-0-0', duration_days: 30 },
    { medicine: 'Atorvastatin', strength: '10 mg', form: 'tablet', dose: 'HS', duration_days: 30 },
  ];
  for (let i = 0; i < 50; i++) await finalVisit(pid, rx, `Review ${i}`);
  const times = [];
  let res;
  for (let i = 0; i < 5; i++) {
    const t0 = process.hrtime.bigint();
    res = await t.api('GET', `/api/patients/${pid}/visits`, { cookie: S.doc });
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  t.status(res, 200, 'history');
  t.eq(res.json.visits.length, 50, '50 visits');
  t.eq(res.json.visits[0].complaint, 'Review 49', 'newest first');
  t.eq(res.json.visits[49].prescriptions.length, 3, 'each with its lines');
  const best = Math.min(...times);
  console.log(`  history of 50 visits over HTTPS (ASan build): best ${best.toFixed(1)} ms of ${times.map((x) => x.toFixed(1)).join(', ')}`);
  t.ok(best < 500, `answers in ${best.toFixed(1)} ms (< 500 ms even under ASan)`);
});

t.run();
