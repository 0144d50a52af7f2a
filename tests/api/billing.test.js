'use strict';
// billing.test.js — payments and reports (cgi-bin/billing.c): receipts,
// sequential receipt numbers under concurrency, amount validation, visits
// that must be the patient's, exact report figures, itemised bills whose
// lines must add up, voids (admin only, kept in the list, counted by no
// report), reports over a range (at most 366 days) and as CSV with a BOM,
// the clinic's list of charges, the role matrix (the admin reads the
// money), and nothing written on a 4xx.
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
  const sum = (mode) => t.db(`SELECT coalesce(sum(amount_paise), 0) AS s FROM payments WHERE day = '${S.today}' AND voided_at IS NULL${mode ? ` AND mode = '${mode}'` : ''}`)[0].s;
  t.eq(a.collections, { cash: sum('cash'), upi: sum('upi'), card: sum('card'), total: sum('') }, 'collections match the payments not voided');
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


// Lines of payment ID from the database, in their order.
const linesOf = (id) => t.db(`SELECT line, description, amount_paise FROM payment_items WHERE payment_id = ${id} ORDER BY line`);
const itemCount = () => t.db('SELECT count(*) AS n FROM payment_items')[0].n;

t.test('billing: the day\'s list has every field of the contract', async () => {
  need();
  const day = await t.api('GET', `/api/payments?date=${S.today}`, { cookie: S.admin });
  t.status(day, 200, 'GET /api/payments as admin');
  const p = day.json.payments.find((x) => x.id === S.first.id);
  for (const k of ['id', 'receipt_no', 'patient', 'amount_paise', 'mode', 'note', 'items', 'voided', 'created_at', 'received_by']) {
    t.ok(k in p, `${k} in ${JSON.stringify(p)}`);
  }
  for (const k of ['id', 'name', 'clinic_no']) t.ok(k in p.patient, `patient.${k}`);
  t.eq([p.items, p.voided, p.received_by], [[], false, S.deskName], 'no lines, not voided, who took it');
});

t.test('billing: an itemised bill keeps its lines in order; they must add up to the amount', async () => {
  need();
  const items = [{ description: 'Consultation', amount_paise: 30000 }, { description: '  ECG  ', amount_paise: 25000 },
    { description: 'டிரெஸ்ஸிங் dressing', amount_paise: 5050 }];
  const res = await pay(S.desk, { patient_id: S.p1, amount_paise: 60050, mode: 'upi', items });
  t.status(res, 201, 'POST with items');
  t.eq(res.json.items, [{ description: 'Consultation', amount_paise: 30000 }, { description: 'ECG', amount_paise: 25000 },
    { description: 'டிரெஸ்ஸிங் dressing', amount_paise: 5050 }], 'lines answered in order, trimmed');
  t.eq(linesOf(res.json.id), [{ line: 1, description: 'Consultation', amount_paise: 30000 },
    { line: 2, description: 'ECG', amount_paise: 25000 }, { line: 3, description: 'டிரெஸ்ஸிங் dressing', amount_paise: 5050 }], 'lines stored');
  S.itemised = res.json;
  const again = await t.api('GET', `/api/payments/${res.json.id}`, { cookie: S.doc });
  t.eq(again.json.items, res.json.items, 'a reprint has the same lines');
  t.status(await pay(S.desk, { patient_id: S.p1, amount_paise: 100, mode: 'cash', items: [] }), 201, 'no lines: []');
  t.status(await pay(S.desk, { patient_id: S.p1, amount_paise: 100, mode: 'cash', items: null }), 201, 'no lines: null');
  const before = t.counts();
  const nItems = itemCount();
  const off = await pay(S.desk, { patient_id: S.p1, amount_paise: 60000, mode: 'upi', items });
  t.status(off, 422, 'lines adding up to 600.50 for an amount of 600.00');
  t.eq([off.json.error.code, off.json.error.field], ['items_total', 'items'], 'code and field');
  t.ok(/600\.50/.test(off.json.error.message) && /600\.00/.test(off.json.error.message), `message names both sums: ${off.json.error.message}`);
  const bad = [
    [[{ description: 'ECG', amount_paise: 0 }], 'items[0].amount_paise'],
    [[{ description: 'ECG', amount_paise: 100 }, { description: '', amount_paise: 100 }], 'items[1].description'],
    [[{ description: '   ', amount_paise: 200 }], 'items[0].description'],
    [[{ description: 'x'.repeat(101), amount_paise: 200 }], 'items[0].description'],
    [[{ description: 'ECG', amount_paise: 1.5 }], 'items[0].amount_paise'],
    [[{ description: 'ECG' }], 'items[0].amount_paise'],
    [[{ description: 'ECG', amount_paise: 200, qty: 2 }], 'items[0].qty'],
    [['ECG'], 'items[0]'],
    [{ description: 'ECG', amount_paise: 200 }, 'items'],
    [Array.from({ length: 21 }, () => ({ description: 'Line', amount_paise: 10 })), 'items'],
  ];
  for (const [list, field] of bad) {
    const amount = Array.isArray(list) ? list.reduce((a, x) => a + ((x && Number.isInteger(x.amount_paise)) ? x.amount_paise : 0), 0) || 200 : 200;
    const r = await pay(S.desk, { patient_id: S.p1, amount_paise: amount, mode: 'cash', items: list });
    t.status(r, 422, `items ${JSON.stringify(list).slice(0, 80)}`);
    t.eq(r.json.error.field, field, `field for ${JSON.stringify(list).slice(0, 80)}`);
  }
  const twenty = Array.from({ length: 20 }, (_, i) => ({ description: `Line ${i + 1}`, amount_paise: 10 }));
  const ok20 = await pay(S.desk, { patient_id: S.p1, amount_paise: 200, mode: 'card', items: twenty });
  t.status(ok20, 201, 'twenty lines are the most');
  t.eq(linesOf(ok20.json.id).length, 20, 'twenty lines stored');
  const after = t.counts();
  t.eq({ ...after, payments: undefined }, { ...before, payments: undefined }, 'nothing else written');
  t.eq(after.payments.n - before.payments.n, 1, 'only the twenty-line payment written');
  t.eq(itemCount() - nItems, 20, 'no lines of a refused bill');
});

// GET as COOKIE → json (status 200 asserted).
async function get(cookie, p) {
  const r = await t.api('GET', p, { cookie });
  t.status(r, 200, `GET ${p}`);
  return r.json;
}

t.test('billing: only the admin voids; a voided receipt keeps its number, is listed, and no report counts it', async () => {
  need();
  const victim = S.itemised;
  const daily0 = await get(S.desk, `/api/reports/daily?date=${S.today}`);
  const range0 = await get(S.admin, `/api/reports/range?from=${S.today}&to=${S.today}`);
  const before = t.counts();
  for (const [who, cookie] of [['frontdesk', S.desk], ['doctor', S.doc]]) {
    const r = await t.api('POST', `/api/payments/${victim.id}/void`, { cookie, body: { reason: 'Charged twice' } });
    t.status(r, 403, `${who} may not void`);
  }
  t.status(await t.api('POST', `/api/payments/${victim.id}/void`, { body: { reason: 'x' } }), 401, 'no session');
  for (const [body, field] of [[{}, 'reason'], [{ reason: '   ' }, 'reason'], [{ reason: 'r'.repeat(201) }, 'reason'], [{ reason: 'ok', why: 1 }, 'why']]) {
    const r = await t.api('POST', `/api/payments/${victim.id}/void`, { cookie: S.admin, body });
    t.status(r, 422, `void ${JSON.stringify(body).slice(0, 40)}`);
    t.eq(r.json.error.field, field, 'field');
  }
  t.status(await t.api('POST', '/api/payments/987654321/void', { cookie: S.admin, body: { reason: 'x' } }), 404, 'unknown payment');
  t.eq(t.counts(), before, 'nothing written by refused voids');
  t.eq(t.db(`SELECT voided_at FROM payments WHERE id = ${victim.id}`)[0].voided_at, null, 'still counts');

  const res = await t.api('POST', `/api/payments/${victim.id}/void`, { cookie: S.admin, body: { reason: '  Charged twice by mistake ' } });
  t.status(res, 200, 'admin voids');
  t.eq([res.json.id, res.json.receipt_no, res.json.amount_paise, res.json.voided, res.json.void_reason, res.json.voided_by],
    [victim.id, victim.receipt_no, victim.amount_paise, true, 'Charged twice by mistake', 'Administrator'], 'the voided receipt');
  t.ok(/^\d{4}-\d\d-\d\dT/.test(res.json.voided_at), 'voided_at');
  t.eq(res.json.items, victim.items, 'its lines stay');
  const row = t.db(`SELECT receipt_no, amount_paise, void_reason, voided_by FROM payments WHERE id = ${victim.id}`)[0];
  const adminId = t.db("SELECT id FROM users WHERE username = 'admin'")[0].id;
  t.eq(row, { receipt_no: victim.receipt_no, amount_paise: victim.amount_paise, void_reason: 'Charged twice by mistake', voided_by: adminId }, 'database');
  const au = t.db(`SELECT user_id, role, patient_id FROM audit WHERE action = 'payment.void' AND entity = 'payment' AND entity_id = ${victim.id}`);
  t.eq(au, [{ user_id: adminId, role: 'admin', patient_id: S.p1 }], 'payment.void audited once, with the patient');
  const trail = await get(S.admin, '/api/audit?action=payment.void');
  const entry = trail.entries.find((e) => e.entity_id === victim.id);
  t.eq(entry && [entry.action_text, entry.entity_name], ['Voided a receipt', `Receipt ${victim.receipt_no}, void: Charged twice by mistake`],
    'the audit trail says it in words, with the receipt and the reason');
  const again = await t.api('POST', `/api/payments/${victim.id}/void`, { cookie: S.admin, body: { reason: 'again' } });
  t.status(again, 409, 'a second void');
  t.eq(again.json.error.code, 'already_voided', 'code');
  t.eq(t.db(`SELECT void_reason FROM payments WHERE id = ${victim.id}`)[0].void_reason, 'Charged twice by mistake', 'the first reason stays');

  const list = await get(S.desk, `/api/payments?date=${S.today}`);
  const listed = list.payments.find((p) => p.id === victim.id);
  t.eq([listed && listed.voided, listed && listed.receipt_no], [true, victim.receipt_no], 'listed as voided with its number');
  const nos = list.payments.map((p) => p.receipt_no);
  t.eq(nos, nos.map((_, i) => nos[0] + i), 'the day\'s receipt numbers stay without gaps');
  const daily1 = await get(S.desk, `/api/reports/daily?date=${S.today}`);
  t.eq(daily1.collections.upi, daily0.collections.upi - victim.amount_paise, 'the daily report no longer counts it (upi)');
  t.eq(daily1.collections.total, daily0.collections.total - victim.amount_paise, 'nor in the total');
  const range1 = await get(S.admin, `/api/reports/range?from=${S.today}&to=${S.today}`);
  t.eq(range1.totals.collections.total, range0.totals.collections.total - victim.amount_paise, 'nor the range report');
  const sum = t.db(`SELECT coalesce(sum(amount_paise), 0) AS s FROM payments WHERE day = '${S.today}' AND voided_at IS NULL`)[0].s;
  t.eq(daily1.collections.total, sum, 'the total is the sum of the payments not voided');
  const exp = await t.api('GET', '/api/export/payments.csv', { cookie: S.admin });
  t.status(exp, 200, 'the payments export');
  const line = exp.text.split('\r\n').find((l) => l.startsWith(`${victim.receipt_no},`)) || '';
  t.ok(line.includes('"yes","Charged twice by mistake"') && line.includes('"Consultation 300.00; ECG 250.00; '),
    `the export says it is voided, why, and its lines: ${line}`);
  const reprint = await get(S.desk, `/api/payments/${victim.id}`);
  t.eq([reprint.voided, reprint.void_reason], [true, 'Charged twice by mistake'], 'a reprint says it is void');
});

// YYYY-MM-DD N days from DATE.
function addDays(date, n) {
  const d = new Date(`${date}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

t.test('billing: a report over a range has every day, each as the daily report, and totals', async () => {
  need();
  const from = addDays(S.today, -3);
  const to = addDays(S.today, 1);
  const r = await get(S.doc, `/api/reports/range?from=${from}&to=${to}`);
  t.eq([r.from, r.to], [from, to], 'from and to');
  t.eq(r.days.map((d) => d.date), [0, 1, 2, 3, 4].map((i) => addDays(from, i)), 'every day in order, empty ones too');
  for (const d of r.days) {
    t.eq(d, await get(S.desk, `/api/reports/daily?date=${d.date}`), `${d.date} is its daily report`);
  }
  const today = r.days[3];
  const sum = (mode) => t.db(`SELECT coalesce(sum(amount_paise), 0) AS s FROM payments WHERE day = '${S.today}' AND voided_at IS NULL${mode ? ` AND mode = '${mode}'` : ''}`)[0].s;
  t.eq(today.collections, { cash: sum('cash'), upi: sum('upi'), card: sum('card'), total: sum('') }, 'today\'s collections from the database');
  t.eq(today.tokens_issued, t.db(`SELECT count(*) AS n FROM queue WHERE day = '${S.today}'`)[0].n, 'tokens');
  const add = (k) => r.days.reduce((a, d) => a + (k.startsWith('c.') ? d.collections[k.slice(2)] : d[k]), 0);
  t.eq(r.totals, { patients_seen: add('patients_seen'), new_patients: add('new_patients'), tokens_issued: add('tokens_issued'),
    collections: { cash: add('c.cash'), upi: add('c.upi'), card: add('c.card'), total: add('c.total') } }, 'totals are the sums');
  t.ok(r.totals.collections.total > 0 && r.totals.new_patients > 0, 'the totals hold today\'s work');
  const dflt = await get(S.admin, '/api/reports/range');
  t.eq([dflt.from, dflt.to, dflt.days.length], [addDays(S.today, -29), S.today, 30], 'no dates: the last 30 days');
});

t.test('billing: a range is at most 366 days; bad ranges are 422', async () => {
  need();
  const leap = await get(S.admin, '/api/reports/range?from=2024-01-01&to=2024-12-31');
  t.eq(leap.days.length, 366, 'a leap year is 366 days');
  t.eq([leap.days[59].date, leap.days[365].date], ['2024-02-29', '2024-12-31'], 'with its 29 February');
  t.eq(leap.totals, { patients_seen: 0, new_patients: 0, tokens_issued: 0, collections: { cash: 0, upi: 0, card: 0, total: 0 } }, 'nothing then');
  t.eq((await get(S.admin, '/api/reports/range?from=2023-01-01&to=2024-01-01')).days.length, 366, '366 days across a new year');
  const cases = [
    ['from=2023-01-01&to=2024-01-02', 'range_too_long', 'to'],
    ['from=2020-01-01&to=2026-01-01', 'range_too_long', 'to'],
    ['from=2026-02-01&to=2026-01-31', 'invalid_parameter', 'to'],
    ['from=2026-02-30&to=2026-03-01', 'invalid_parameter', 'from'],
    ['from=2026-01-01&to=tomorrow', 'invalid_parameter', 'to'],
    ['from=2026-01-01&to=2026-01-02&format=xlsx', 'invalid_parameter', 'format'],
  ];
  for (const [q, code, field] of cases) {
    const r = await t.api('GET', `/api/reports/range?${q}`, { cookie: S.desk });
    t.status(r, 422, q);
    t.eq([r.json.error.code, r.json.error.field], [code, field], `code and field for ${q}`);
  }
  const one = await get(S.desk, '/api/reports/range?from=2025-06-01&to=2025-06-01');
  t.eq(one.days.length, 1, 'one day');
});

t.test('billing: the range as CSV is UTF-8 with a byte-order mark, one row a day, rupees', async () => {
  need();
  const from = addDays(S.today, -2);
  const json = await get(S.admin, `/api/reports/range?from=${from}&to=${S.today}`);
  const r = await t.api('GET', `/api/reports/range?from=${from}&to=${S.today}&format=csv`, { cookie: S.admin, headers: { Accept: 'text/csv' } });
  t.status(r, 200, 'GET ?format=csv');
  t.ok(/^text\/csv/.test(r.headers['content-type']) && /utf-8/i.test(r.headers['content-type']), `content-type ${r.headers['content-type']}`);
  t.ok(/attachment; filename="nalamdesk-report-[\d-]+-to-[\d-]+\.csv"/.test(r.headers['content-disposition'] || ''), `content-disposition ${r.headers['content-disposition']}`);
  t.eq(r.text.charCodeAt(0), 0xfeff, 'starts with the byte-order mark (EF BB BF)');
  const lines = r.text.slice(1).split('\r\n');
  t.eq(lines.pop(), '', 'ends with CRLF');
  t.eq(lines[0], 'date,patients_seen,new_patients,tokens_issued,cash_rupees,upi_rupees,card_rupees,total_rupees', 'header');
  t.eq(lines.length, 1 + json.days.length, 'one row a day');
  const rupees = (p) => `${Math.floor(p / 100)}.${String(p % 100).padStart(2, '0')}`;
  json.days.forEach((d, i) => {
    t.eq(lines[i + 1], [d.date, d.patients_seen, d.new_patients, d.tokens_issued, rupees(d.collections.cash),
      rupees(d.collections.upi), rupees(d.collections.card), rupees(d.collections.total)].join(','), `row of ${d.date}`);
  });
  const big = await t.api('GET', '/api/reports/range?from=2024-01-01&to=2024-12-31&format=csv', { cookie: S.desk });
  t.status(big, 200, 'a year as CSV');
  t.eq(big.text.slice(1).trim().split('\r\n').length, 367, 'header and 366 rows');
  const long = await t.api('GET', '/api/reports/range?from=2023-01-01&to=2024-01-02&format=csv', { cookie: S.desk });
  t.status(long, 422, 'the limit holds for CSV too');
});

t.test('billing: the clinic\'s charges: everyone reads them, the admin sets them', async () => {
  need();
  const first = await get(S.desk, '/api/charges');
  t.ok(Number.isInteger(first.version), 'version');
  t.ok(first.charges.some((c) => c.description === 'Consultation'), `a first list: ${JSON.stringify(first.charges)}`);
  t.eq(await get(S.admin, '/api/charges'), first, 'the admin reads the same');
  const list = [{ description: 'Consultation', amount_paise: 30000 }, { description: 'ECG', amount_paise: 25000 },
    { description: 'Dressing', amount_paise: 0 }, { description: 'நெபுலைசர் Nebulisation', amount_paise: 15000 }];
  const before = t.counts();
  const audited = () => t.db("SELECT count(*) AS n FROM audit WHERE action = 'charges.update' AND role = 'admin'")[0].n;
  const audits = audited();
  t.status(await t.api('PUT', '/api/charges', { cookie: S.desk, body: { version: first.version, charges: list } }), 403, 'frontdesk may not set them');
  t.status(await t.api('PUT', '/api/charges', { cookie: S.doc, body: { version: first.version, charges: list } }), 403, 'nor the doctor');
  const bad = [
    [{ charges: list }, 'version'],
    [{ version: first.version, charges: [...list, { description: 'ecg', amount_paise: 1 }] }, 'charges[4].description'],
    [{ version: first.version, charges: [{ description: '', amount_paise: 1 }] }, 'charges[0].description'],
    [{ version: first.version, charges: [{ description: 'X', amount_paise: -1 }] }, 'charges[0].amount_paise'],
    [{ version: first.version, charges: [{ description: 'X', amount_paise: 10000001 }] }, 'charges[0].amount_paise'],
    [{ version: first.version, charges: Array.from({ length: 41 }, (_, i) => ({ description: `C${i}`, amount_paise: 1 })) }, 'charges'],
  ];
  for (const [body, field] of bad) {
    const r = await t.api('PUT', '/api/charges', { cookie: S.admin, body });
    t.status(r, 422, `PUT ${JSON.stringify(body).slice(0, 60)}`);
    t.eq(r.json.error.field, field, 'field');
  }
  t.eq(t.counts(), before, 'nothing written');
  const put = await t.api('PUT', '/api/charges', { cookie: S.admin, body: { version: first.version, charges: list } });
  t.status(put, 200, 'PUT /api/charges');
  t.eq(put.json, { version: first.version + 1, charges: list }, 'the new list, in order, a new version');
  t.eq(t.db('SELECT pos, description, amount_paise FROM charges ORDER BY pos'), list.map((c, i) => ({ pos: i + 1, ...c })), 'stored');
  t.eq(await get(S.doc, '/api/charges'), put.json, 'read back');
  const stale = await t.api('PUT', '/api/charges', { cookie: S.admin, body: { version: first.version, charges: [] } });
  t.status(stale, 409, 'a stale version');
  t.eq(stale.json.error.code, 'stale_version', 'code');
  t.eq((await get(S.doc, '/api/charges')).charges, list, 'unchanged by the stale write');
  t.eq(audited() - audits, 1, 'charges.update audited once (the stale write not)');
  // A receipt keeps the text it was printed with.
  const p = await pay(S.desk, { patient_id: S.p1, amount_paise: 25000, mode: 'cash', items: [{ description: 'ECG', amount_paise: 25000 }] });
  t.status(p, 201, 'a bill from the list');
  const renamed = list.map((c) => c.description === 'ECG' ? { ...c, description: 'ECG (12 lead)' } : c);
  t.status(await t.api('PUT', '/api/charges', { cookie: S.admin, body: { version: first.version + 1, charges: renamed } }), 200, 'rename a charge');
  t.eq((await get(S.desk, `/api/payments/${p.json.id}`)).items, [{ description: 'ECG', amount_paise: 25000 }], 'the old receipt is unchanged');
});

t.test('billing: role matrix: the admin reads the money but takes no payment; no session 401', async () => {
  need();
  const before = t.counts();
  const reads = ['/api/payments', `/api/payments/${S.first.id}`, '/api/reports/daily', `/api/reports/range?from=${S.today}&to=${S.today}`, '/api/charges'];
  for (const p of reads) {
    const a = await t.api('GET', p, { cookie: S.admin });
    t.status(a, 200, `GET ${p} as admin`);
    t.status(await t.api('GET', p), 401, `GET ${p} without a session`);
  }
  const take = await pay(S.admin, { patient_id: S.p1, amount_paise: 100, mode: 'cash' });
  t.status(take, 403, 'the admin takes no payment');
  t.status(await pay(undefined, { patient_id: S.p1, amount_paise: 100, mode: 'cash' }), 401, 'nor does anyone without a session');
  t.eq(t.counts(), before, 'nothing written');
  const au = t.db(`SELECT count(*) AS n FROM audit WHERE action = 'payment.read' AND role = 'admin' AND entity_id = ${S.first.id} AND patient_id = ${S.p1}`)[0];
  t.ok(au.n >= 1, 'the admin\'s reprint is audited');
});

t.run();
