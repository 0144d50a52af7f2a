'use strict';
// patients.test.js — the patients program (cgi-bin/patients.c) through nginx:
// registration (normalised name and phone, clinic numbers without gaps, dob or
// age), every validation failure (422 naming the field, nothing written),
// reading, editing with versions (409 stale_version, nothing changed), search
// (name prefixes in Latin, Tamil and Devanagari, first-word matches first,
// phone digits (search.test.js: anywhere in the phone, across scripts), clinic number, paging, FTS and SQL syntax taken as text),
// the duplicate check, the role matrix and the audit rows.
const crypto = require('node:crypto');
const t = require('../lib/t.js');

const S = {};	// sessions and shared state, filled by the first test

function need() {
  if (!S.desk) t.skip('no sessions (the first test failed or skipped)');
}

// A word of lower-case letters no other patient has: names stay searchable
// apart from whatever else the shared stack holds.
function word(prefix = 'q') {
  const a = 'abcdefghijklmnopqrstuvwxyz';
  return prefix + Array.from(crypto.randomBytes(9), (b) => a[b % 26]).join('');
}

// A random valid mobile number (10 digits, 6-9 first).
function mobile() {
  return String(6 + crypto.randomInt(4)) + String(crypto.randomInt(1e9)).padStart(9, '0');
}

// The clinic's today (settings.timezone of a new database: Asia/Kolkata).
function today(shiftDays = 0, shiftYears = 0) {
  const d = new Date(Date.now() + shiftDays * 86400000);
  const s = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Kolkata' }).format(d);
  return shiftYears ? `${Number(s.slice(0, 4)) + shiftYears}${s.slice(4)}` : s;
}

async function create(body, cookie = S.desk) {
  const res = await t.api('POST', '/api/patients', { cookie, body });
  t.status(res, 201, `POST /api/patients ${JSON.stringify(body)}`);
  return res.json;
}

async function search(q, extra = '', cookie = S.desk) {
  const res = await t.api('GET', `/api/patients?q=${encodeURIComponent(q)}${extra}`, { cookie });
  t.status(res, 200, `search ${JSON.stringify(q)}`);
  t.ok(Array.isArray(res.json.patients), `patients list in ${res.text.slice(0, 200)}`);
  return res.json.patients;
}

const ids = (list) => list.map((p) => p.id);
const patientCount = () => t.db('SELECT count(*) AS n FROM patients')[0].n;
const FIELDS = ['id', 'clinic_no', 'name', 'sex', 'dob', 'age_years', 'phone', 'address', 'abha_id',
  'allergies', 'notes', 'version', 'created_at', 'updated_at', 'language'];

t.test('patients: register one; every field answered, name and phone normalised', async () => {
  S.admin = await t.admin();
  const d = await t.user('frontdesk');
  S.desk = d.cookie;
  S.deskId = d.id;
  S.doc = (await t.user('doctor')).cookie;
  const w = word();
  const dob = today(0, -30);
  const body = {
    name: `  Kavitha \t  ${w}   Raman `, sex: 'F', dob, phone: '+91 98765 43210',
    address: '12, Gandhi Road,\nMadurai', abha_id: '12-3456-7890-1234', allergies: 'Penicillin', notes: 'Prefers Tamil',
  };
  const res = await t.api('POST', '/api/patients', { cookie: S.desk, body });
  t.status(res, 201, 'POST /api/patients');
  const p = res.json;
  t.eq(Object.keys(p).sort(), [...FIELDS].sort(), 'the fields of a patient');
  t.eq(p.name, `Kavitha ${w} Raman`, 'name trimmed, inner spaces collapsed');
  t.eq(p.phone, '9876543210', 'phone normalised');
  t.eq([p.sex, p.dob, p.age_years, p.version], ['F', dob, 30, 1], 'sex, dob, computed age, version');
  t.eq([p.address, p.abha_id, p.allergies, p.notes], [body.address, body.abha_id, body.allergies, body.notes], 'texts verbatim');
  t.ok(Number.isInteger(p.id) && Number.isInteger(p.clinic_no) && p.clinic_no >= 1, 'id and clinic_no');
  t.ok(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(p.created_at) && p.created_at === p.updated_at, 'timestamps');
  const row = t.db(`SELECT name, phone, dob, age_years, age_on, created_by FROM patients WHERE id = ${p.id}`)[0];
  t.eq(row, { name: p.name, phone: '9876543210', dob, age_years: null, age_on: null, created_by: S.deskId }, 'row');
  const a = t.db(`SELECT user_id, role, entity FROM audit WHERE action = 'patient.create' AND entity_id = ${p.id} AND patient_id = ${p.id}`);
  t.eq(a, [{ user_id: S.deskId, role: 'frontdesk', entity: 'patient' }], 'patient.create audited');
  S.first = p;
});

t.test('patients: age instead of a date of birth; a date of birth wins over an age; ages computed today', async () => {
  need();
  const a = await create({ name: word('Age '), sex: 'M', age_years: 42 });
  t.eq([a.dob, a.age_years], [null, 42], 'age given');
  const row = t.db(`SELECT age_years, age_on FROM patients WHERE id = ${a.id}`)[0];
  t.eq(row, { age_years: 42, age_on: today() }, 'stored with the day it was given');
  const b = await create({ name: word('Both '), sex: 'O', dob: today(0, -20), age_years: 99 });
  t.eq([b.dob, b.age_years], [today(0, -20), 20], 'the date of birth wins');
  t.eq(t.db(`SELECT age_years FROM patients WHERE id = ${b.id}`)[0].age_years, null, 'the age is not stored');
  const c = await create({ name: word('Bday '), sex: 'F', dob: today(1, -10) });
  t.eq(c.age_years, 9, 'birthday tomorrow: still 9');
  const n = await create({ name: word('Newborn '), sex: 'F', dob: today(), age_years: null });
  t.eq(n.age_years, 0, 'born today: 0');
  const z = await create({ name: word('Zero '), sex: 'M', age_years: 0, dob: null });
  t.eq(z.age_years, 0, 'age 0 accepted');
});

t.test('patients: phone numbers as people write them are normalised; empty means none', async () => {
  need();
  for (const [given, want] of [['098765-43210', '9876543210'], ['91 7012345678', '7012345678'],
    ['(98765) 43210', '9876543210'], ['6000000000', '6000000000'], ['', null], [null, null]]) {
    const p = await create({ name: word('Phone '), sex: 'F', age_years: 30, phone: given });
    t.eq(p.phone, want, `phone ${JSON.stringify(given)}`);
  }
});

t.test('patients: 12 concurrent registrations get distinct clinic numbers; numbers have no gaps', async () => {
  need();
  const res = await Promise.all(Array.from({ length: 12 }, (_, i) => t.api('POST', '/api/patients', {
    cookie: i % 2 ? S.doc : S.desk, body: { name: word('Conc '), sex: 'M', age_years: 20 + i },
  })));
  for (const r of res) t.status(r, 201, 'concurrent POST');
  const nos = res.map((r) => r.json.clinic_no);
  t.eq(new Set(nos).size, 12, 'distinct clinic numbers');
  const all = t.db('SELECT count(*) AS n, min(clinic_no) AS lo, max(clinic_no) AS hi, count(DISTINCT clinic_no) AS d FROM patients')[0];
  t.eq([all.lo, all.hi, all.d], [1, all.n, all.n], 'clinic numbers run 1..N');
});

t.test('patients: GET by id answers the patient and audits patient.read; unknown id 404', async () => {
  need();
  const p = S.first;
  const before = t.db(`SELECT count(*) AS n FROM audit WHERE action = 'patient.read' AND entity_id = ${p.id}`)[0].n;
  const res = await t.api('GET', `/api/patients/${p.id}`, { cookie: S.doc });
  t.status(res, 200, 'GET by id (doctor)');
  t.eq(res.json, p, 'the same patient as registered');
  const after = t.db(`SELECT count(*) AS n FROM audit WHERE action = 'patient.read' AND entity_id = ${p.id} AND patient_id = ${p.id} AND role = 'doctor'`)[0].n;
  t.eq(after, before + 1, 'one patient.read row');
  const missing = await t.api('GET', '/api/patients/987654321', { cookie: S.desk });
  t.status(missing, 404, 'unknown id');
  t.eq(missing.json.error.code, 'not_found', 'code');
  t.status(await t.api('GET', '/api/patients/0', { cookie: S.desk }), 404, 'id 0');
  t.status(await t.api('GET', '/api/patients/abc', { cookie: S.desk }), 404, 'id abc');
});

t.test('patients: each validation failure is 422 naming the field, and nothing is written', async () => {
  need();
  const ok = { name: 'Valid Name', sex: 'F', age_years: 30 };
  const cases = [
    [{ sex: 'F', age_years: 3 }, 'name'],
    [{ ...ok, name: '' }, 'name'],
    [{ ...ok, name: '    ' }, 'name'],
    [{ ...ok, name: 'x'.repeat(101) }, 'name'],
    [{ ...ok, name: 'Ab' + ' '.repeat(50) + 'c'.repeat(99) }, 'name'],
    [{ ...ok, name: '1234 5678' }, 'name'],
    [{ ...ok, name: 42 }, 'name'],
    [{ ...ok, name: 'Bad\u0001Name' }, 'name'],
    [{ name: 'No Sex', age_years: 3 }, 'sex'],
    [{ ...ok, sex: 'X' }, 'sex'],
    [{ ...ok, sex: 'm' }, 'sex'],
    [{ name: 'No Age', sex: 'M' }, 'dob'],
    [{ name: 'No Age', sex: 'M', dob: null, age_years: null }, 'dob'],
    [{ ...ok, dob: today(1) }, 'dob'],
    [{ ...ok, dob: '1899-12-31' }, 'dob'],
    [{ ...ok, dob: '2023-02-29' }, 'dob'],
    [{ ...ok, dob: '2020-13-01' }, 'dob'],
    [{ ...ok, dob: '12/05/1990' }, 'dob'],
    [{ ...ok, dob: 19900512 }, 'dob'],
    [{ ...ok, age_years: 131 }, 'age_years'],
    [{ ...ok, age_years: -1 }, 'age_years'],
    [{ ...ok, age_years: 3.5 }, 'age_years'],
    [{ ...ok, age_years: '30' }, 'age_years'],
    [{ ...ok, phone: '12345' }, 'phone'],
    [{ ...ok, phone: '5876543210' }, 'phone'],
    [{ ...ok, phone: '98765432100' }, 'phone'],
    [{ ...ok, phone: '+1 555 123 4567' }, 'phone'],
    [{ ...ok, phone: '98765abcde' }, 'phone'],
    [{ ...ok, abha_id: 'not-an-abha' }, 'abha_id'],
    [{ ...ok, address: 'a'.repeat(301) }, 'address'],
    [{ ...ok, allergies: 'a'.repeat(301) }, 'allergies'],
    [{ ...ok, notes: 'a'.repeat(1001) }, 'notes'],
    [{ ...ok, clinic_no: 5 }, 'clinic_no'],
    [{ ...ok, version: 1 }, 'version'],
  ];
  const before = t.counts();
  const audits = t.db("SELECT count(*) AS n FROM audit WHERE action = 'patient.create'")[0].n;
  for (const [body, field] of cases) {
    const res = await t.api('POST', '/api/patients', { cookie: S.desk, body });
    t.status(res, 422, `POST ${JSON.stringify(body).slice(0, 80)}`);
    t.eq(res.json.error.field, field, `field of ${JSON.stringify(body).slice(0, 80)}`);
    t.ok(typeof res.json.error.message === 'string' && /\.$/.test(res.json.error.message)
      && !/sqlite|constraint|null|NOT|CHECK/.test(res.json.error.message.replace(/may not be null/, '')),
    `a human message: ${res.json.error.message}`);
  }
  t.eq(t.counts(), before, 'no row written anywhere');
  t.eq(t.db("SELECT count(*) AS n FROM audit WHERE action = 'patient.create'")[0].n, audits, 'no patient.create audited');
  // Limits are inclusive: 100 characters of name (Tamil letters are one character each).
  const long = await create({ ...ok, name: 'அ'.repeat(100) });
  t.eq([...long.name].length, 100, '100 Tamil characters accepted');
  const edge = await create({ ...ok, dob: '1900-01-01', address: 'a'.repeat(300), allergies: 'b'.repeat(300), notes: 'c'.repeat(1000) });
  t.eq([edge.age_years >= 125, edge.notes.length], [true, 1000], 'the longest fields and 1900-01-01 accepted');
});

t.test('patients: Tamil and Devanagari names stored verbatim and found by prefixes of their words', async () => {
  need();
  const w = word('t');
  const ta = await create({ name: `முருகன் ${w}`, sex: 'M', age_years: 50 });
  const hi = await create({ name: `राजेश ${w} कुमार`, sex: 'M', age_years: 35 });
  t.eq(ta.name, `முருகன் ${w}`, 'Tamil name verbatim');
  t.eq(hi.name, `राजेश ${w} कुमार`, 'Devanagari name verbatim');
  t.eq(t.db(`SELECT name FROM patients WHERE id = ${ta.id}`)[0].name, `முருகன் ${w}`, 'Tamil name in the database');
  t.ok(ids(await search('முரு', '&limit=200')).includes(ta.id), '"முரு" finds முருகன்');
  t.ok(ids(await search('முருகன்', '&limit=200')).includes(ta.id), 'the whole word finds it');
  t.ok(ids(await search('ம', '&limit=200')).includes(ta.id), 'its first letter finds it');
  t.ok(ids(await search('राजे', '&limit=200')).includes(hi.id), '"राजे" finds राजेश');
  t.ok(ids(await search('कुमा', '&limit=200')).includes(hi.id), '"कुमा" finds the last word कुमार');
  t.eq(ids(await search(`முரு ${w}`)), [ta.id], 'Tamil prefix and a Latin word together');
  t.eq(ids(await search(`${w} राजे`)), [hi.id], 'words in any order');
  // The default unicode61 tokenizer would cut முருகன் into ம|ர|கன and राजेश
  // into र|ज|श: these fragments must not find them.
  t.ok(!ids(await search('கன', '&limit=200')).includes(ta.id), '"கன" (a fragment) does not find முருகன்');
  t.ok(!ids(await search('ज', '&limit=200')).includes(hi.id), '"ज" (a fragment) does not find राजेश');
  t.ok(!ids(await search(`ர ${w}`)).includes(ta.id), '"ர" (a fragment) does not find முருகன்');
});

t.test('patients: search puts first-word matches first (alphabetical), then other word matches (newest first)', async () => {
  need();
  const w = word('o');
  const later1 = await create({ name: `Mohan ${w}`, sex: 'M', age_years: 40 });
  const first2 = await create({ name: `${w}a Kumar`, sex: 'M', age_years: 40 });
  const first1 = await create({ name: `${w.toUpperCase()} Bhat`, sex: 'F', age_years: 40 });
  const later2 = await create({ name: `Rekha ${w}b`, sex: 'F', age_years: 40 });
  S.order = [first1.id, first2.id, later2.id, later1.id];
  S.w = w;
  t.eq(ids(await search(w)), S.order, 'W Bhat, Wa Kumar, then Rekha Wb, Mohan W');
  t.eq(ids(await search(w.toUpperCase())), S.order, 'case-insensitive');
  t.eq(ids(await search(`  ${w.slice(0, 6)} `)), S.order, 'a prefix, spaces around');
  t.eq(ids(await search(`${w} ku`)), [first2.id], 'two words');
  t.eq(ids(await search(`KU ${w}`)), [first2.id], 'two words, other order');
  t.eq(ids(await search(`moh ${w}`)), [later1.id], 'first word of the name second in the query');
  t.eq(ids(await search(`${w} zzzz`)), [], 'a word no name has');
  const res = await t.api('GET', `/api/patients?q=${w}`, { cookie: S.desk });
  t.eq(res.json.more, false, 'more: false');
});

t.test('patients: search pages with limit and offset across both parts; more tells if there is another page', async () => {
  need();
  if (!S.order) t.skip('ordering test did not run');
  for (let off = 0; off < 5; off++) {
    const res = await t.api('GET', `/api/patients?q=${S.w}&limit=1&offset=${off}`, { cookie: S.desk });
    t.status(res, 200, `offset ${off}`);
    t.eq(ids(res.json.patients), S.order.slice(off, off + 1), `page at offset ${off}`);
    t.eq(res.json.more, off < 3, `more at offset ${off}`);
  }
  const two = await t.api('GET', `/api/patients?q=${S.w}&limit=2&offset=1`, { cookie: S.desk });
  t.eq(ids(two.json.patients), S.order.slice(1, 3), 'a page spanning both parts');
  for (const bad of ['limit=0', 'limit=201', 'limit=x', 'offset=-1']) {
    const res = await t.api('GET', `/api/patients?q=a&${bad}`, { cookie: S.desk });
    t.status(res, 422, bad);
  }
  const long = await t.api('GET', `/api/patients?q=${'a'.repeat(300)}`, { cookie: S.desk });
  t.status(long, 422, 'q of 300 characters');
  t.eq(long.json.error.field, 'q', 'field q');
});

t.test('patients: digits search the phone (prefix) and the clinic number (exact, first)', async () => {
  need();
  const ph = mobile();
  const p = await create({ name: word('Dig '), sex: 'F', age_years: 33, phone: ph });
  for (const q of [ph.slice(0, 4), ph.slice(0, 7), ph, `${ph.slice(0, 5)} ${ph.slice(5)}`, `+91 ${ph}`, `0${ph}`, `${ph.slice(0, 5)}-${ph.slice(5)}`]) {
    t.ok(ids(await search(q, '&limit=200')).includes(p.id), `phone digits ${JSON.stringify(q)}`);
  }
  t.eq(ids(await search(ph)), [p.id], 'the whole number: only that patient (numbers are random)');
  t.ok(ids(await search(ph.slice(3), '&limit=200')).includes(p.id), 'digits from the middle: found too (search.test.js)');
  t.ok(!ids(await search(ph.slice(3, 6), '&limit=200')).includes(p.id), 'three digits from the middle: not a prefix');
  const byNo = await search(String(p.clinic_no), '&limit=5');
  t.eq(byNo[0].id, p.id, 'the clinic number first');
  t.ok(byNo.slice(1).every((x) => x.phone && x.phone.startsWith(String(p.clinic_no))), 'then phones starting with it');
});

t.test('patients: an empty query lists the newest patients first', async () => {
  need();
  const p = await create({ name: word('Newest '), sex: 'M', age_years: 60 });
  for (const q of ['', '   ']) {
    const list = await search(q, '&limit=3');
    t.eq(list[0].id, p.id, `newest first for ${JSON.stringify(q)}`);
    t.ok(list.length === 3 && list[0].id > list[1].id && list[1].id > list[2].id, 'id descending');
  }
  const res = await t.api('GET', '/api/patients', { cookie: S.desk });
  t.status(res, 200, 'no q at all');
});

t.test('patients: SQL and FTS syntax in q is text: never 500, tables intact; names with quotes verbatim', async () => {
  need();
  const w = word('x');
  const name = `O'Brien "Bobby" ${w}`;
  const p = await create({ name, sex: 'M', age_years: 70 });
  t.eq(p.name, name, 'quotes stored verbatim');
  t.eq(t.db(`SELECT name FROM patients WHERE id = ${p.id}`)[0].name, name, 'in the database too');
  const n = patientCount();
  for (const q of ['"', '""', '*', 'OR', 'AND', 'NOT', 'NEAR(', 'NEAR(a b', '^', '(', ')', ':', 'name:ra', '-ra',
    '+ra', "'; DROP TABLE patients; --", "' OR '1'='1", '%', '_', '\\', 'ra*', '"ra', 'ra"', '{ra}', '[ra]',
    'a OR b', 'a NOT b', '\u0964', '\u00a0', 'ä', '😀', '0', '00', '+91', '-', '--', '9'.repeat(30)]) {
    const res = await t.api('GET', `/api/patients?q=${encodeURIComponent(q)}`, { cookie: S.desk });
    t.status(res, 200, `q=${JSON.stringify(q)}`);
    t.ok(Array.isArray(res.json.patients), `list for ${JSON.stringify(q)}`);
  }
  t.eq(patientCount(), n, 'patients intact');
  t.eq(ids(await search(`o'brien ${w}`)), [p.id], "o'brien finds O'Brien");
  t.eq(ids(await search(`"bobby" ${w}*`)), [p.id], 'quoted and starred words are words');
  t.eq(ids(await search(`${w} OR nobodyzz`)), [], 'OR is a word, not an operator');
  const bad = await t.api('GET', '/api/patients?q=%ZZ', { cookie: S.desk });
  t.status(bad, 422, 'malformed escape');
  const notUtf8 = await t.api('GET', '/api/patients?q=%C3%28', { cookie: S.desk });
  t.status(notUtf8, 422, 'not UTF-8');
});

t.test('patients: PATCH edits fields, bumps version, null clears optional fields; audited patient.update', async () => {
  need();
  const p = await create({ name: word('Edit '), sex: 'F', age_years: 30, phone: mobile(), allergies: 'Dust', notes: 'n' });
  const w = word('e');
  let res = await t.api('PATCH', `/api/patients/${p.id}`, {
    cookie: S.doc, body: { version: 1, name: ` Sundari  ${w} `, phone: '+91 99999 88888', address: 'Salem' },
  });
  t.status(res, 200, 'PATCH');
  t.eq([res.json.name, res.json.phone, res.json.address, res.json.version], [`Sundari ${w}`, '9999988888', 'Salem', 2], 'changed');
  t.eq([res.json.allergies, res.json.notes, res.json.sex, res.json.age_years], ['Dust', 'n', 'F', 30], 'others kept');
  t.ok(res.json.updated_at >= p.updated_at, 'updated_at');
  t.eq(ids(await search(w)), [p.id], 'the new name is searchable');
  t.ok(!ids(await search(p.name.split(' ')[1])).includes(p.id), 'the old name is not');
  res = await t.api('PATCH', `/api/patients/${p.id}`, {
    cookie: S.desk, body: { version: 2, phone: null, allergies: null, notes: '', address: null, abha_id: null },
  });
  t.status(res, 200, 'PATCH with nulls');
  const row = t.db(`SELECT phone, allergies, notes, address, abha_id, version FROM patients WHERE id = ${p.id}`)[0];
  t.eq(row, { phone: null, allergies: null, notes: null, address: null, abha_id: null, version: 3 }, 'cleared in the database');
  const a = t.db(`SELECT count(*) AS n FROM audit WHERE action = 'patient.update' AND entity_id = ${p.id} AND patient_id = ${p.id}`)[0].n;
  t.eq(a, 2, 'two patient.update rows');
  S.edited = p.id;
});

t.test('patients: concurrent writes (grouped into one commit per worker round) each land alone: every 201 stored, of 16 edits at one version one 200 with its audit row and no trace of the 409s', async () => {
  need();
  const p = await create({ name: word('Grp '), sex: 'M', age_years: 40 });
  const tag = word('g');
  const reqs = [];
  for (let i = 0; i < 16; i++) {
    reqs.push(t.api('PATCH', `/api/patients/${p.id}`, { cookie: i % 2 ? S.doc : S.desk, body: { version: 1, notes: `${tag} ${i}` } }));
    reqs.push(t.api('POST', '/api/patients', { cookie: i % 2 ? S.doc : S.desk, body: { name: `Grp ${tag} ${word('')}`, sex: 'F', age_years: 20 + i } }));
  }
  const res = await Promise.all(reqs);
  const edits = res.filter((_, i) => i % 2 === 0), posts = res.filter((_, i) => i % 2 === 1);
  t.eq(edits.map((r) => r.status).sort(), [200, ...Array(15).fill(409)], 'one edit 200, fifteen 409');
  const won = edits.find((r) => r.status === 200);
  const row = t.db(`SELECT version, notes FROM patients WHERE id = ${p.id}`)[0];
  t.eq(row, { version: 2, notes: won.json.notes }, 'the database holds the 200 edit, once');
  const a = t.db(`SELECT count(*) AS n FROM audit WHERE action = 'patient.update' AND entity_id = ${p.id}`)[0].n;
  t.eq(a, 1, 'one patient.update row: the 409s left no audit row');
  for (const r of posts) t.status(r, 201, 'concurrent POST');
  const stored = t.db(`SELECT id, name FROM patients WHERE name LIKE 'Grp ${tag} %' ORDER BY id`);
  t.eq(stored, posts.map((r) => ({ id: r.json.id, name: r.json.name })).sort((x, y) => x.id - y.id), 'every 201 is stored as answered, nothing else');
  const created = t.db(`SELECT count(*) AS n FROM audit WHERE action = 'patient.create' AND entity_id IN (${posts.map((r) => r.json.id).join(',')})`)[0].n;
  t.eq(created, 16, 'each with its patient.create row');
});

t.test('patients: PATCH switches between date of birth and age; cannot clear both', async () => {
  need();
  const p = await create({ name: word('Switch '), sex: 'M', age_years: 45 });
  let res = await t.api('PATCH', `/api/patients/${p.id}`, { cookie: S.desk, body: { version: 1, dob: today(0, -50), age_years: null } });
  t.status(res, 200, 'to a date of birth');
  t.eq([res.json.dob, res.json.age_years], [today(0, -50), 50], 'dob set');
  t.eq(t.db(`SELECT age_years, age_on FROM patients WHERE id = ${p.id}`)[0], { age_years: null, age_on: null }, 'age cleared');
  res = await t.api('PATCH', `/api/patients/${p.id}`, { cookie: S.desk, body: { version: 2, dob: null, age_years: 61 } });
  t.status(res, 200, 'back to an age');
  t.eq([res.json.dob, res.json.age_years], [null, 61], 'age set');
  t.eq(t.db(`SELECT dob, age_on FROM patients WHERE id = ${p.id}`)[0], { dob: null, age_on: today() }, 'dob cleared, age_on today');
  res = await t.api('PATCH', `/api/patients/${p.id}`, { cookie: S.desk, body: { version: 3, age_years: 62 } });
  t.status(res, 200, 'an age alone');
  const before = t.db(`SELECT * FROM patients WHERE id = ${p.id}`)[0];
  for (const [body, field] of [[{ version: 4, age_years: null }, 'age_years'], [{ version: 4, dob: null, age_years: null }, 'dob'],
    [{ version: 4, dob: today(2) }, 'dob'], [{ version: 4, name: '  ' }, 'name'], [{ version: 4, name: null }, 'name'],
    [{ version: 4, sex: null }, 'sex'], [{ version: 4, phone: '123' }, 'phone'], [{ version: 4, abha_id: 'x' }, 'abha_id'],
    [{ name: 'No Version' }, 'version'], [{ version: 0 }, 'version'], [{ version: 4, clinic_no: 1 }, 'clinic_no']]) {
    res = await t.api('PATCH', `/api/patients/${p.id}`, { cookie: S.desk, body });
    t.status(res, 422, `PATCH ${JSON.stringify(body)}`);
    t.eq(res.json.error.field, field, `field of ${JSON.stringify(body)}`);
  }
  t.eq(t.db(`SELECT * FROM patients WHERE id = ${p.id}`)[0], before, 'nothing changed');
});

t.test('patients: a stale version is 409 stale_version and nothing changes; unknown id 404', async () => {
  need();
  const p = await create({ name: word('Stale '), sex: 'F', age_years: 28, phone: mobile() });
  const one = await t.api('PATCH', `/api/patients/${p.id}`, { cookie: S.desk, body: { version: 1, notes: 'first edit' } });
  t.status(one, 200, 'first edit');
  const before = t.db(`SELECT * FROM patients WHERE id = ${p.id}`)[0];
  const counts = t.counts();
  const audits = t.db("SELECT count(*) AS n FROM audit WHERE action = 'patient.update'")[0].n;
  const stale = await t.api('PATCH', `/api/patients/${p.id}`, { cookie: S.doc, body: { version: 1, name: 'Someone Else', phone: null } });
  t.status(stale, 409, 'second edit with the old version');
  t.eq(stale.json.error.code, 'stale_version', 'code');
  t.eq(t.db(`SELECT * FROM patients WHERE id = ${p.id}`)[0], before, 'the row is unchanged');
  t.eq(t.counts(), counts, 'nothing written (rev included)');
  t.eq(t.db("SELECT count(*) AS n FROM audit WHERE action = 'patient.update'")[0].n, audits, 'no patient.update audited');
  const future = await t.api('PATCH', `/api/patients/${p.id}`, { cookie: S.doc, body: { version: 99, notes: 'x' } });
  t.status(future, 409, 'a version from the future');
  const missing = await t.api('PATCH', '/api/patients/987654321', { cookie: S.desk, body: { version: 1, notes: 'x' } });
  t.status(missing, 404, 'unknown id');
  // Two editors at once: exactly one wins.
  const race = await Promise.all([S.desk, S.doc].map((cookie, i) => t.api('PATCH', `/api/patients/${p.id}`,
    { cookie, body: { version: 2, notes: `racer ${i}` } })));
  t.eq(race.map((r) => r.status).sort(), [200, 409], 'one 200 and one 409');
  t.eq(t.db(`SELECT version FROM patients WHERE id = ${p.id}`)[0].version, 3, 'version moved once');
});

t.test('patients: duplicates by phone and by name', async () => {
  need();
  const ph = mobile();
  const w = word('d');
  const a = await create({ name: `Ravi ${w}`, sex: 'M', age_years: 40, phone: ph });
  const b = await create({ name: `Ravindra ${w}an`, sex: 'M', age_years: 41 });
  const c = await create({ name: `${w}`, sex: 'F', age_years: 20 });
  const dup = async (qs) => {
    const res = await t.api('GET', `/api/patients/duplicates?${qs}`, { cookie: S.desk });
    t.status(res, 200, `duplicates ${qs}`);
    t.ok(Array.isArray(res.json.candidates) && res.json.candidates.length <= 10, 'candidates, at most 10');
    return ids(res.json.candidates);
  };
  t.eq(await dup(`phone=${encodeURIComponent(`+91 ${ph.slice(0, 5)} ${ph.slice(5)}`)}`), [a.id], 'same phone');
  t.eq((await dup(`name=${encodeURIComponent(`ravi ${w}`)}`)).sort(), [a.id, b.id].sort(), 'name words as prefixes, first word first');
  t.eq(await dup(`name=${encodeURIComponent(`Ravi ${w}`)}&phone=${ph}`), [a.id, b.id], 'phone match first, then names, once each');
  t.eq(await dup(`name=${encodeURIComponent(` ${w.toUpperCase()} `)}`), [c.id], 'one word: the same name only');
  t.eq(await dup(`name=${w.slice(0, 5)}`), [], 'one word: not a prefix');
  t.eq(await dup(''), [], 'nothing asked');
  const bad = await t.api('GET', '/api/patients/duplicates?phone=12345', { cookie: S.desk });
  t.status(bad, 422, 'an unusable phone');
  t.eq(bad.json.error.field, 'phone', 'field');
});

t.test('patients: role matrix: frontdesk and doctor only; admin 403; no session 401; writes need JSON and our origin', async () => {
  need();
  const id = S.first.id;
  const routes = [['GET', '/api/patients?q=ra'], ['GET', '/api/patients'], ['POST', '/api/patients', { name: 'Role Test', sex: 'M', age_years: 1 }],
    ['GET', `/api/patients/${id}`], ['PATCH', `/api/patients/${id}`, { version: 1, notes: 'x' }],
    ['GET', '/api/patients/duplicates?name=ra']];
  const before = t.counts();
  for (const [m, path, body] of routes) {
    const anon = await t.api(m, path, { body });
    t.status(anon, 401, `${m} ${path} without a session`);
    const adm = await t.api(m, path, { body, cookie: S.admin });
    t.status(adm, 403, `${m} ${path} as admin`);
  }
  t.eq(t.counts(), before, 'nothing written');
  const noType = await t.api('POST', '/api/patients', { cookie: S.desk, raw: '{"name":"A","sex":"M","age_years":1}', headers: { 'Content-Type': 'text/plain' } });
  t.status(noType, 415, 'text/plain');
  const evil = await t.api('POST', '/api/patients', { cookie: S.desk, body: { name: 'A', sex: 'M', age_years: 1 }, headers: { Origin: 'https://evil.example' } });
  t.status(evil, 403, 'foreign origin');
  t.status(await t.api('DELETE', `/api/patients/${id}`, { cookie: S.desk }), 405, 'DELETE is not a route');
  t.eq(t.counts(), before, 'still nothing written');
  const docRead = await t.api('GET', `/api/patients/${id}`, { cookie: S.doc });
  t.status(docRead, 200, 'doctor reads');
});

t.test('patients: one patient.search audit row per search and per duplicate check, with no patient id', async () => {
  need();
  const q = () => t.db(`SELECT count(*) AS n FROM audit WHERE action = 'patient.search' AND user_id = ${S.deskId}`)[0].n;
  const n0 = q();
  await search('ra');
  await search('98');
  await search('');
  await t.api('GET', '/api/patients/duplicates?name=ravi', { cookie: S.desk });
  t.eq(q(), n0 + 4, 'four rows');
  const last = t.db(`SELECT entity, entity_id, patient_id, role, ip FROM audit WHERE action = 'patient.search' AND user_id = ${S.deskId} ORDER BY id DESC LIMIT 1`)[0];
  t.eq([last.entity, last.entity_id, last.patient_id, last.role], ['patient', null, null, 'frontdesk'], 'entity patient, no ids');
  t.ok(last.ip && last.ip.length > 0, 'client address recorded');
  const reads = t.db(`SELECT count(*) AS n FROM audit WHERE action = 'patient.read' AND user_id = ${S.deskId}`)[0].n;
  t.status(await t.api('GET', '/api/patients/987654321', { cookie: S.desk }), 404, 'unknown id');
  t.eq(t.db(`SELECT count(*) AS n FROM audit WHERE action = 'patient.read' AND user_id = ${S.deskId}`)[0].n, reads, 'a 404 reads no patient: not audited');
});

t.run();
