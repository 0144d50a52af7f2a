'use strict';
// auditread.test.js — the audit trail as the owner reads it (GET /api/audit): the staff
// member's name, the patient's name and clinic number, the action in words, and with ?fold=1
// the reads of one user about one patient in one hour as one entry with its count; the filters
// still apply; the CSV keeps its columns.
const t = require('../lib/t.js');

const S = {};
function need() {
  if (!S.admin) t.skip('no sessions (the first test failed)');
}
const entries = async (qs) => {
  const res = await t.api('GET', `/api/audit?${qs}`, { cookie: S.admin });
  t.status(res, 200, `GET /api/audit?${qs}`);
  t.ok(Array.isArray(res.json.entries), 'entries');
  return res.json.entries;
};

t.test('audit readable: a front desk morning', async () => {
  S.admin = await t.admin();
  S.desk = await t.user('frontdesk');
  const res = await t.api('POST', '/api/patients', { cookie: S.desk.cookie, body: { name: `Lakshmi ${t.uniq('Aud')}`, sex: 'F', age_years: 50 } });
  t.status(res, 201, 'register');
  S.p = res.json;
  for (let i = 0; i < 3; i++) t.status(await t.api('GET', `/api/patients/${S.p.id}`, { cookie: S.desk.cookie }), 200, 'read');
  t.status(await t.api('PATCH', `/api/patients/${S.p.id}`, { cookie: S.desk.cookie, body: { version: 1, notes: 'x' } }), 200, 'edit');
  t.status(await t.api('GET', `/api/patients/${S.p.id}`, { cookie: S.desk.cookie }), 200, 'read again');
});

t.test('audit readable: names, clinic number and words instead of ids', async () => {
  need();
  const list = await entries(`patient_id=${S.p.id}&action=patient`);
  t.eq(list.length, 6, 'one create, four reads, one edit');
  const read = list.find((e) => e.action === 'patient.read');
  t.eq(read.patient, { id: S.p.id, name: S.p.name, clinic_no: S.p.clinic_no }, 'the patient by name and clinic number');
  t.eq(read.user_name, `Test frontdesk ${S.desk.username}`, 'the staff member by name');
  t.eq(read.username, S.desk.username, 'and username');
  t.eq(read.action_text, "Opened a patient's record", 'the action in words');
  t.eq(read.count, 1, 'not folded without fold=1');
  t.eq(list.find((e) => e.action === 'patient.create').action_text, 'Registered a patient', 'create in words');
  t.eq(list.find((e) => e.action === 'patient.update').action_text, "Edited a patient's details", 'edit in words');
  // A page's own audit.read row (with the ids the page named) is written once the page is, so
  // the second of two reads shows the first.
  await entries('action=audit.read&limit=1');
  const own = (await entries('action=audit.read&limit=1'))[0];
  t.eq(own.patient, null, 'an entry about no patient: patient null');
  t.eq(own.action_text, 'Looked at the audit log', 'the reading itself, in words');
});

t.test('audit readable: reads folded per user, patient and hour; writes stay apart', async () => {
  need();
  const list = await entries(`patient_id=${S.p.id}&action=patient&fold=1`);
  const reads = list.filter((e) => e.action === 'patient.read');
  const writes = list.filter((e) => e.action !== 'patient.read');
  t.eq(reads.reduce((n, e) => n + e.count, 0), 4, 'four reads in all');
  t.ok(reads.length === 1 || reads.length === 2, `one entry (two if an hour turned meanwhile): ${reads.length}`);
  t.ok(reads[0].first_ts <= reads[0].ts, 'first and last time');
  t.eq(reads[0].actions, ['patient.read'], 'the actions folded');
  t.eq(writes.map((e) => e.action).sort(), ['patient.create', 'patient.update'], 'writes one by one');
  t.ok(writes.every((e) => e.count === 1), 'each a count of 1');
  // Newest first, by the newest row of each entry.
  const ts = list.map((e) => e.ts);
  t.eq(ts, [...ts].sort().reverse(), 'newest first');
  // The filters still apply to folded lists.
  const mine = await entries(`user_id=${S.desk.id}&action=read&fold=1`);
  t.ok(mine.length >= 1 && mine.every((e) => e.user_id === S.desk.id && e.action.endsWith('.read')), 'user and action filters kept');
  const page = await entries(`patient_id=${S.p.id}&action=patient&fold=1&limit=1&offset=1`);
  t.eq(page.map((e) => e.id), [list[1].id], 'paging counts folded entries');
  const bad = await t.api('GET', '/api/audit?fold=2', { cookie: S.admin });
  t.status(bad, 422, 'fold is 0 or 1');
});

t.test('audit readable: the CSV keeps its columns', async () => {
  need();
  const res = await t.api('GET', `/api/audit.csv?patient_id=${S.p.id}&action=patient`, { cookie: S.admin });
  t.status(res, 200, 'CSV');
  t.eq(res.text.split('\r\n')[0], 'id,ts,user_id,username,role,ip,action,entity,entity_id,patient_id', 'header as before');
  t.eq(res.text.trim().split('\r\n').length, 7, 'six rows, not folded');
});
t.run();
