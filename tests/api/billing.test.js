'use strict';
// billing.test.js — payments and the daily report (cgi-bin/billing.c):
// receipts, sequential receipt numbers under concurrency, amount validation,
// visits that must be the patient's, exact report figures, the role matrix,
// and nothing written on a 4xx.
const t = require('../lib/t.js');

const S = {};

const newPatient = (cookie, name) => t.patient(cookie, { name: name || t.uniq('Bill Pt '), sex: 'O', age_years: 29 });

function need() {
  if (!S.desk) t.skip('no sessions (the first test failed or skipped)');
}

function pay(cookie, body) {
  return t.api('POST', '/api/payments', { cookie, body });
}

function receipts() {
  return t.db('SELECT receipt_no FROM payments ORDER BY receipt_no').map((r) => r.receipt_no);
}

t.test('billing: a payment answers its receipt', async () => {
  S.admin = await t.admin();
  const desk = await t.user('frontdesk');
  S.desk = desk.cookie;
  S.deskName = `Test frontdesk ${desk.username}`;
  S.doc = (await t.user('doctor')).cookie;
  S.p1 = await newPatient(S.desk, t.uniq('Meenakshi '));
  const res = await pay(S.desk, { patient_id: S.p1, amount_paise: 30000, mode: 'cash', note: 'Consultation' });
  t.status(res, 201, 'POST /api/payments');
  const r = res.json;
  t.ok(Number.isInteger(r.id) && Number.isInteger(r.receipt_no), `ids in ${res.text}`);
  t.eq([r.patient_id, r.visit_id, r.amount_paise, r.mode, r.note], [S.p1, null, 30000, 'cash', 'Consultation'], 'fields');
  t.ok(/^\d{4}-\d\d-\d\d$/.test(r.date), 'date');
  t.ok(/^\d{4}-\d\d-\d\dT/.test(r.created_at), 'created_at');
  t.eq(r.patient.id, S.p1, 'patient.id');
  t.ok(r.patient.name.startsWith('Meenakshi') && Number.isInteger(r.patient.clinic_no), 'patient name and clinic_no');
  S.today = r.date;
  S.first = r;
  const row = t.db(`SELECT receipt_no, patient_id, amount_paise, mode, note, day FROM payments WHERE id = ${r.id}`)[0];
  t.eq(row, { receipt_no: r.receipt_no, patient_id: S.p1, amount_paise: 30000, mode: 'cash', note: 'Consultation', day: r.date }, 'database');
  const au = t.db(`SELECT count(*) AS n FROM audit WHERE action = 'payment.create' AND entity_id = ${r.id} AND patient_id = ${S.p1}`)[0];
  t.eq(au.n, 1, 'payment.create audited');
  const all = receipts();
  t.eq(all, all.map((_, i) => i + 1), 'receipt numbers 1..N');
});

t.test('billing: 20 concurrent payments from two users get sequential receipt numbers', async () => {
  need();
  const before = receipts().length;
  const res = await Promise.all(Array.from({ length: 20 }, (_, i) =>
    pay(i % 2 ? S.doc : S.desk, { patient_id: S.p1, amount_paise: 100 + i, mode: ['cash', 'upi', 'card'][i % 3] })));
  for (const r of res) t.status(r, 201, 'concurrent POST /api/payments');
  const mine = res.map((r) => r.json.receipt_no).sort((a, b) => a - b);
  t.eq(mine, mine.map((_, i) => before + 1 + i), `my receipts are ${before + 1}..${before + 20}`);
  const all = receipts();
  t.eq(all, all.map((_, i) => i + 1), 'every receipt number 1..N, no gaps or duplicates');
  for (const r of res) t.eq(t.db(`SELECT amount_paise FROM payments WHERE receipt_no = ${r.json.receipt_no}`)[0].amount_paise, r.json.amount_paise, 'each answer is its own row');
});

t.test('billing: amounts, modes and notes are validated; nothing written on a 4xx', async () => {
  need();
  const before = t.counts();
  const bad = [
    [{ amount_paise: 0 }, 'amount_paise'], [{ amount_paise: -100 }, 'amount_paise'],
    [{ amount_paise: 1.5 }, 'amount_paise'], [{ amount_paise: '100' }, 'amount_paise'],
    [{ amount_paise: 10000001 }, 'amount_paise'], [{ amount_paise: null }, 'amount_paise'],
    [{ amount_paise: undefined }, 'amount_paise'], [{ amount_paise: 1e20 }, 'amount_paise'],
    [{ mode: 'cheque' }, 'mode'], [{ mode: 'CASH' }, 'mode'], [{ mode: undefined }, 'mode'],
    [{ note: 'n'.repeat(201) }, 'note'], [{ patient_id: 0 }, 'patient_id'], [{ visit_id: 'x' }, 'visit_id'],
    [{ visit_id: 987654321 }, 'visit_id'], [{ receipt_no: 5 }, 'receipt_no'],
  ];
  for (const [over, field] of bad) {
    const body = { patient_id: S.p1, amount_paise: 500, mode: 'upi', ...over };
    const r = await pay(S.desk, body);
    t.status(r, 422, `POST ${JSON.stringify(over)}`);
    t.eq(r.json.error.field, field, `field for ${JSON.stringify(over)}`);
  }
  const np = await pay(S.desk, { patient_id: 987654321, amount_paise: 500, mode: 'upi' });
  t.status(np, 404, 'unknown patient');
  t.eq(np.json.error.field, 'patient_id', 'field');
  t.eq(t.counts(), before, 'nothing written');
  const edge = await pay(S.desk, { patient_id: S.p1, amount_paise: 10000000, mode: 'card' });
  t.status(edge, 201, '1,00,000 rupees is the most');
  const one = await pay(S.desk, { patient_id: S.p1, amount_paise: 1, mode: 'upi', note: '' });
  t.status(one, 201, 'one paisa is the least');
});

t.test('billing: a visit must be the patient\'s', async () => {
  need();
  const p2 = await newPatient(S.desk);
  const v = await t.api('POST', '/api/visits', { cookie: S.doc, body: { patient_id: S.p1 } });
  t.status(v, 201, 'POST /api/visits');
  const vid = v.json.id ?? (v.json.visit && v.json.visit.id);
  const before = t.counts();
  const other = await pay(S.desk, { patient_id: p2, visit_id: vid, amount_paise: 500, mode: 'cash' });
  t.status(other, 422, "another patient's visit");
  t.eq(other.json.error.field, 'visit_id', 'field');
  t.eq(t.counts(), before, 'nothing written');
  const mine = await pay(S.desk, { patient_id: S.p1, visit_id: vid, amount_paise: 500, mode: 'cash' });
  t.status(mine, 201, 'own visit');
  t.eq(mine.json.visit_id, vid, 'visit_id kept');
});

t.test('billing: receipts reprint; the day lists its payments', async () => {
  need();
  const res = await t.api('GET', `/api/payments/${S.first.id}`, { cookie: S.doc });
  t.status(res, 200, 'GET /api/payments/{id}');
  t.eq(res.json, S.first, 'the same receipt as when taken');
  t.eq(res.json.received_by, S.deskName, 'received by the desk user');
  const au = t.db(`SELECT count(*) AS n FROM audit WHERE action = 'payment.read' AND entity_id = ${S.first.id} AND patient_id = ${S.p1}`)[0];
  t.ok(au.n >= 1, 'payment.read audited');
  const none = await t.api('GET', '/api/payments/987654321', { cookie: S.doc });
  t.status(none, 404, 'unknown payment');
  const day = await t.api('GET', `/api/payments?date=${S.today}`, { cookie: S.desk });
  t.status(day, 200, 'GET /api/payments?date=');
  t.eq(day.json.date, S.today, 'date');
  const nos = day.json.payments.map((p) => p.receipt_no);
  t.eq(nos, [...nos].sort((a, b) => a - b), 'by receipt number');
  const n = t.db(`SELECT count(*) AS n FROM payments WHERE day = '${S.today}'`)[0].n;
  t.eq(nos.length, n, 'all of the day');
  t.ok(day.json.payments.some((p) => p.id === S.first.id), 'includes the first');
  const empty = await t.api('GET', '/api/payments?date=2001-01-01', { cookie: S.desk });
  t.eq(empty.json.payments, [], 'an empty day');
  const bad = await t.api('GET', '/api/payments?date=yesterday', { cookie: S.desk });
  t.status(bad, 422, 'a bad date');
});

// The clinic-local date (settings.timezone) of a UTC timestamp, independently of the server.
function localDay(iso, tz) {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' })
    .formatToParts(new Date(iso));
  const get = (k) => parts.find((p) => p.type === k).value;
  return `${get('year')}-${get('month')}-${get('day')}`;
}

t.test('billing: the daily report is exact', async () => {
  need();
  const get = async (date) => {
    const r = await t.api('GET', `/api/reports/daily?date=${date}`, { cookie: S.desk });
    t.status(r, 200, `GET /api/reports/daily?date=${date}`);
    return r.json;
  };
  const a = await get(S.today);
  t.eq(Object.keys(a).sort(), ['collections', 'date', 'new_patients', 'patients_seen', 'tokens_issued'], 'keys');
  t.eq(Object.keys(a.collections).sort(), ['card', 'cash', 'total', 'upi'], 'collection keys');
  // Independent figures from the database.
  const sum = (mode) => t.db(`SELECT coalesce(sum(amount_paise), 0) AS s FROM payments WHERE day = '${S.today}'${mode ? ` AND mode = '${mode}'` : ''}`)[0].s;
  t.eq(a.collections, { cash: sum('cash'), upi: sum('upi'), card: sum('card'), total: sum('') }, 'collections match the payments');
  t.eq(a.tokens_issued, t.db(`SELECT count(*) AS n FROM queue WHERE day = '${S.today}'`)[0].n, 'tokens issued');
  t.eq(a.patients_seen, t.db(`SELECT count(*) AS n FROM queue WHERE day = '${S.today}' AND status = 'done'`)[0].n, 'patients seen');
  const tz = t.db("SELECT value FROM settings WHERE key = 'timezone'")[0].value;
  const created = t.db('SELECT created_at FROM patients').map((r) => r.created_at);
  t.eq(a.new_patients, created.filter((c) => localDay(c, tz) === S.today).length, `new patients (local day in ${tz})`);
  // Deltas of a known set of actions.
  const np = await newPatient(S.desk);
  const np2 = await newPatient(S.doc);
  const q1 = await t.api('POST', '/api/queue', { cookie: S.desk, body: { patient_id: np } });
  const q2 = await t.api('POST', '/api/queue', { cookie: S.desk, body: { patient_id: np2 } });
  t.status(q1, 201, 'queue 1');
  t.status(q2, 201, 'queue 2');
  for (const s of ['in_consult', 'done']) {
    t.status(await t.api('PATCH', `/api/queue/${q1.json.id}`, { cookie: S.doc, body: { status: s } }), 200, s);
  }
  t.status(await t.api('PATCH', `/api/queue/${q2.json.id}`, { cookie: S.doc, body: { status: 'no_show' } }), 200, 'no_show');
  for (const [amount, mode] of [[25000, 'cash'], [12345, 'upi'], [99, 'card'], [1, 'cash']]) {
    t.status(await pay(S.desk, { patient_id: np, amount_paise: amount, mode }), 201, `pay ${amount} ${mode}`);
  }
  const b = await get(S.today);
  t.eq(b.new_patients - a.new_patients, 2, 'two new patients');
  t.eq(b.tokens_issued - a.tokens_issued, 2, 'two tokens (a no-show counts as issued)');
  t.eq(b.patients_seen - a.patients_seen, 1, 'one seen (done)');
  t.eq({ cash: b.collections.cash - a.collections.cash, upi: b.collections.upi - a.collections.upi,
    card: b.collections.card - a.collections.card, total: b.collections.total - a.collections.total },
  { cash: 25001, upi: 12345, card: 99, total: 37445 }, 'collections in paise');
  const old = await get('2001-01-01');
  t.eq(old, { date: '2001-01-01', patients_seen: 0, new_patients: 0, tokens_issued: 0,
    collections: { cash: 0, upi: 0, card: 0, total: 0 } }, 'an empty day is all zeros');
  const dflt = await t.api('GET', '/api/reports/daily', { cookie: S.doc });
  t.eq(dflt.json.date, S.today, 'no date means today');
  const bad = await t.api('GET', '/api/reports/daily?date=2026-13-01', { cookie: S.doc });
  t.status(bad, 422, 'a bad date');
});

t.test('billing: role matrix: admin 403, no session 401, nothing written', async () => {
  need();
  const before = t.counts();
  const calls = [['POST', '/api/payments', { patient_id: S.p1, amount_paise: 100, mode: 'cash' }],
    ['GET', '/api/payments'], ['GET', `/api/payments/${S.first.id}`], ['GET', '/api/reports/daily']];
  for (const [m, p, body] of calls) {
    const a = await t.api(m, p, { cookie: S.admin, body });
    t.status(a, 403, `${m} ${p} as admin`);
    const n = await t.api(m, p, { body });
    t.status(n, 401, `${m} ${p} without a session`);
  }
  t.eq(t.counts(), before, 'nothing written');
});

t.run();
