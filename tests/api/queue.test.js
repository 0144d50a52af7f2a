'use strict';
// queue.test.js — the day's token queue (cgi-bin/queue.c): tokens without gaps
// or duplicates under concurrent adds, 409 for a patient already queued, every
// legal status move and several illegal ones, ETag/304 from the change counter,
// the list in call order (queue-order.test.js holds priorities and postpone),
// the public waiting-room board, the role matrix, and nothing written on a 4xx.
const t = require('../lib/t.js');

const S = {};	// sessions and shared state, filled by the first test

const newPatient = (cookie, name) => t.patient(cookie, { name: name || t.uniq('Queue Pt '), sex: 'F', age_years: 41 });

async function enqueue(cookie, patientId, reason) {
  const body = { patient_id: patientId };
  if (reason !== undefined) body.reason = reason;
  return t.api('POST', '/api/queue', { cookie, body });
}

function need() {
  if (!S.desk) t.skip('no sessions (the first test failed or skipped)');
}

t.test('queue: sessions, a first entry and today', async () => {
  S.admin = await t.admin();
  S.desk = (await t.user('frontdesk')).cookie;
  S.doc = (await t.user('doctor')).cookie;
  const pid = await newPatient(S.desk, t.uniq('Lakshmi '));
  const res = await enqueue(S.desk, pid, 'Fever');
  t.status(res, 201, 'POST /api/queue');
  const e = res.json;
  t.ok(Number.isInteger(e.id) && Number.isInteger(e.token) && e.token >= 1, `entry ${res.text}`);
  t.eq(e.status, 'waiting', 'status');
  t.eq(e.reason, 'Fever', 'reason');
  t.eq(e.version, 1, 'version');
  t.eq(e.patient.id, pid, 'patient.id');
  t.eq(e.patient.sex, 'F', 'patient.sex');
  t.eq(e.patient.age_years, 41, 'patient.age_years');
  for (const k of ['name', 'clinic_no', 'phone']) t.ok(k in e.patient, `patient.${k} present`);
  for (const k of ['created_at', 'updated_at']) t.ok(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/.test(e[k]), k);
  const row = t.db(`SELECT day, token, patient_id, status, reason, created_by FROM queue WHERE id = ${e.id}`)[0];
  t.eq([row.token, row.patient_id, row.status, row.reason], [e.token, pid, 'waiting', 'Fever'], 'row in the database');
  S.date = row.day;
  const a = t.db(`SELECT count(*) AS n FROM audit WHERE action = 'queue.add' AND entity_id = ${e.id} AND patient_id = ${pid}`)[0];
  t.eq(a.n, 1, 'queue.add audited with the patient');
});

t.test('queue: 20 concurrent adds from two users get tokens without gaps or duplicates', async () => {
  need();
  const pids = [];
  for (let i = 0; i < 20; i++) pids.push(await newPatient(i % 2 ? S.doc : S.desk));
  const res = await Promise.all(pids.map((pid, i) => enqueue(i % 2 ? S.doc : S.desk, pid)));
  for (const r of res) t.status(r, 201, 'concurrent POST /api/queue');
  const mine = res.map((r) => r.json.token).sort((a, b) => a - b);
  t.eq(new Set(mine).size, 20, 'my 20 tokens are distinct');
  const all = t.db(`SELECT token FROM queue WHERE day = '${S.date}' ORDER BY token`).map((r) => r.token);
  t.eq(all, all.map((_, i) => i + 1), `today's tokens are 1..${all.length}`);
  for (const [i, r] of res.entries()) t.eq(r.json.patient.id, pids[i], 'each answer is its own patient');
});

t.test('queue: a patient already waiting or in consultation gets 409 and nothing is written', async () => {
  need();
  const pid = await newPatient(S.desk);
  const first = await enqueue(S.desk, pid);
  t.status(first, 201, 'first add');
  const before = t.counts();
  const dup = await enqueue(S.doc, pid);
  t.status(dup, 409, 'second add while waiting');
  t.eq(dup.json.error.code, 'already_queued', 'code');
  t.eq(dup.json.error.field, 'patient_id', 'field');
  const ic = await t.api('PATCH', `/api/queue/${first.json.id}`, { cookie: S.doc, body: { status: 'in_consult' } });
  t.status(ic, 200, 'to in_consult');
  const mid = t.counts();
  const dup2 = await enqueue(S.desk, pid);
  t.status(dup2, 409, 'add while in consultation');
  t.eq(t.counts(), mid, 'nothing written by the 409s');
  t.eq(before.queue, mid.queue, 'no queue row added');
  const done = await t.api('PATCH', `/api/queue/${first.json.id}`, { cookie: S.doc, body: { status: 'done' } });
  t.status(done, 200, 'to done');
  const again = await enqueue(S.desk, pid, 'Came back');
  t.status(again, 201, 'after done the patient may queue again the same day');
  t.ok(again.json.token > first.json.token, 'with a new token');
});

async function entryIn(status) {
  const pid = await newPatient(S.desk);
  const res = await enqueue(S.desk, pid);
  t.status(res, 201, 'add');
  let e = res.json;
  const path = { waiting: [], in_consult: ['in_consult'], done: ['in_consult', 'done'],
    cancelled: ['cancelled'], no_show: ['no_show'] }[status];
  for (const s of path) {
    const r = await t.api('PATCH', `/api/queue/${e.id}`, { cookie: S.desk, body: { status: s } });
    t.status(r, 200, `to ${s}`);
    e = r.json;
  }
  return e;
}

const LEGAL = [['waiting', 'in_consult'], ['in_consult', 'done'], ['waiting', 'cancelled'],
  ['waiting', 'no_show'], ['in_consult', 'waiting']];
for (const [from, to] of LEGAL) {
  t.test(`queue: ${from} → ${to} is allowed, bumps version, is audited`, async () => {
    need();
    const e = await entryIn(from);
    const res = await t.api('PATCH', `/api/queue/${e.id}`, { cookie: S.doc, body: { status: to, version: e.version } });
    t.status(res, 200, 'PATCH');
    t.eq(res.json.status, to, 'answered status');
    t.eq(res.json.version, e.version + 1, 'version bumped');
    const row = t.db(`SELECT status, version FROM queue WHERE id = ${e.id}`)[0];
    t.eq([row.status, row.version], [to, e.version + 1], 'database');
    const a = t.db(`SELECT count(*) AS n FROM audit WHERE action = 'queue.status' AND entity_id = ${e.id}`)[0];
    t.ok(a.n >= 1, 'queue.status audited');
  });
}

const ILLEGAL = [['done', 'waiting'], ['done', 'in_consult'], ['cancelled', 'waiting'], ['no_show', 'in_consult'],
  ['waiting', 'done'], ['waiting', 'waiting'], ['in_consult', 'cancelled'], ['in_consult', 'no_show'],
  ['cancelled', 'no_show']];
for (const [from, to] of ILLEGAL) {
  t.test(`queue: ${from} → ${to} is 409 illegal_transition and changes nothing`, async () => {
    need();
    const e = await entryIn(from);
    const before = t.counts();
    const res = await t.api('PATCH', `/api/queue/${e.id}`, { cookie: S.desk, body: { status: to } });
    t.status(res, 409, 'PATCH');
    t.eq(res.json.error.code, 'illegal_transition', 'code');
    t.ok(res.json.error.message.includes(from) && res.json.error.message.includes(to),
      `message names both: ${res.json.error.message}`);
    const row = t.db(`SELECT status, version FROM queue WHERE id = ${e.id}`)[0];
    t.eq([row.status, row.version], [from, e.version], 'row unchanged');
    t.eq(t.counts(), before, 'nothing written');
  });
}

t.test('queue: a stale version is 409 stale_version; unknown ids 404; bad bodies 422', async () => {
  need();
  const e = await entryIn('waiting');
  const before = t.counts();
  const stale = await t.api('PATCH', `/api/queue/${e.id}`, { cookie: S.desk, body: { status: 'in_consult', version: e.version + 5 } });
  t.status(stale, 409, 'stale version');
  t.eq(stale.json.error.code, 'stale_version', 'code');
  const missing = await t.api('PATCH', '/api/queue/987654321', { cookie: S.desk, body: { status: 'in_consult' } });
  t.status(missing, 404, 'unknown entry');
  const bad = [
    [{ status: 'seen' }, 'status'], [{}, 'status'], [{ status: 'done', version: 'x' }, 'version'],
    [{ status: 'done', extra: 1 }, 'extra'],
  ];
  for (const [body, field] of bad) {
    const r = await t.api('PATCH', `/api/queue/${e.id}`, { cookie: S.desk, body });
    t.status(r, 422, `PATCH ${JSON.stringify(body)}`);
    t.eq(r.json.error.field, field, `field of ${JSON.stringify(body)}`);
  }
  const pid = await newPatient(S.desk);
  const before2 = t.counts();
  const posts = [
    [{ patient_id: 987654321 }, 404, 'patient_id'], [{ patient_id: 0 }, 422, 'patient_id'],
    [{ patient_id: '1' }, 422, 'patient_id'], [{}, 422, 'patient_id'],
    [{ patient_id: pid, reason: 'x'.repeat(201) }, 422, 'reason'], [{ patient_id: pid, foo: 1 }, 422, 'foo'],
  ];
  for (const [body, want, field] of posts) {
    const r = await t.api('POST', '/api/queue', { cookie: S.desk, body });
    t.status(r, want, `POST ${JSON.stringify(body).slice(0, 60)}`);
    t.eq(r.json.error.field, field, `field of ${JSON.stringify(body).slice(0, 60)}`);
  }
  t.eq(t.counts(), before2, 'nothing written by the bad POSTs');
  t.eq(before.queue, before2.queue, 'nor by the bad PATCHes');
  const ok = await t.api('PATCH', `/api/queue/${e.id}`, { cookie: S.desk, body: { status: 'in_consult', version: e.version } });
  t.status(ok, 200, 'the current version is accepted');
});

// The contract's call order, written here apart from the server's SQL: with
// the doctor first (the one called last on top), then the waiting by
// priority and place in the line, then the closed ones.
const RANK = { in_consult: 0, waiting: 1 };
const PRIO = { emergency: 0, urgent: 1, normal: 2 };
function callOrder(rows) {
  const key = (r) => [RANK[r.status] ?? 2, r.status === 'in_consult' ? -Date.parse(r.called_at) : 0,
    r.status === 'waiting' ? PRIO[r.priority] : 0, r.line, r.token];
  return rows.slice().sort((a, b) => {
    const x = key(a), y = key(b);
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1;
    return 0;
  }).map((r) => r.token);
}

t.test('queue: GET lists today in call order with rev; ETag gives 304; a change gives a new ETag', async () => {
  need();
  const res = await t.api('GET', '/api/queue', { cookie: S.desk });
  t.status(res, 200, 'GET /api/queue');
  t.eq(res.json.date, S.date, 'date is today');
  const toks = res.json.entries.map((e) => e.token);
  const rows = t.db(`SELECT token, status, priority, line, called_at FROM queue WHERE day = '${S.date}'`);
  t.eq(toks, callOrder(rows), 'entries in call order, all of them');
  t.ok(res.json.entries.some((e) => e.status === 'in_consult') && res.json.entries[0].status === 'in_consult',
    'those with the doctor first');
  const etag = res.headers.etag;
  t.ok(/^"q\d+-\d{4}-\d\d-\d\d-[0-9a-f]+"$/.test(etag || ''), `ETag ${etag}`);
  t.ok(etag.startsWith(`"q${res.json.rev}-${S.date}-`), 'ETag carries the rev of the body and the date');
  t.ok(/no-cache/.test(res.headers['cache-control'] || ''), 'Cache-Control no-cache');
  const reads = () => t.db("SELECT count(*) AS n FROM audit WHERE action = 'queue.read'")[0].n;
  const r0 = reads();
  for (const inm of [etag, `W/${etag}`, `"nope", ${etag}`, `W/"x",W/${etag}`, '*']) {
    const c = await t.api('GET', '/api/queue', { cookie: S.doc, headers: { 'If-None-Match': inm } });
    t.status(c, 304, `If-None-Match: ${inm}`);
    t.eq(c.text, '', '304 has no body');
    t.eq(c.headers.etag, etag, '304 repeats the ETag');
  }
  t.eq(reads(), r0, 'a 304 is not audited');
  const other = await t.api('GET', '/api/queue', { cookie: S.desk, headers: { 'If-None-Match': '"q1-2000-01-01-0"' } });
  t.status(other, 200, 'another ETag gets the list');
  t.eq(reads(), r0 + 1, 'one queue.read per 200');
  const old = await t.api('GET', `/api/queue?date=2001-01-01`, { cookie: S.desk, headers: { 'If-None-Match': etag } });
  t.status(old, 200, 'another date is another ETag');
  t.eq(old.json.entries, [], 'an empty day');
  t.eq(old.json.date, '2001-01-01', 'the date asked for');
  const e = await entryIn('waiting');
  const after = await t.api('GET', '/api/queue', { cookie: S.desk, headers: { 'If-None-Match': etag } });
  t.status(after, 200, 'after an add the old ETag is stale');
  t.ok(after.headers.etag !== etag, 'a new ETag');
  t.ok(after.json.rev > res.json.rev, 'rev went up');
  t.ok(after.json.entries.some((x) => x.id === e.id), 'the new entry is listed');
  const c2 = await t.api('GET', '/api/queue', { cookie: S.desk, headers: { 'If-None-Match': after.headers.etag } });
  t.status(c2, 304, 'the new ETag is fresh');
  const p = await t.api('PATCH', `/api/queue/${e.id}`, { cookie: S.desk, body: { status: 'cancelled' } });
  t.status(p, 200, 'cancel');
  const c3 = await t.api('GET', '/api/queue', { cookie: S.desk, headers: { 'If-None-Match': after.headers.etag } });
  t.status(c3, 200, 'a status change makes the ETag stale');
  const bad = await t.api('GET', '/api/queue?date=2026-02-30', { cookie: S.desk });
  t.status(bad, 422, 'an impossible date');
});

t.test('queue: the waiting-room board needs no session and shows tokens only', async () => {
  need();
  const name = t.uniq('Secretname ');
  const pid = await newPatient(S.desk, name);
  const w = await enqueue(S.desk, pid);
  t.status(w, 201, 'add');
  const e = await entryIn('in_consult');
  for (const path of ['/api/queue/display', '/api/display']) {
    const res = await t.api('GET', path, {});
    t.status(res, 200, `GET ${path} without a session`);
    t.eq(Object.keys(res.json).sort(), ['clinic_name', 'date', 'rev', 'serving', 'waiting'], 'keys');
    t.eq(res.json.date, S.date, 'today');
    for (const x of [...res.json.serving, ...res.json.waiting]) t.eq(Object.keys(x), ['token'], 'token only');
    t.ok(res.json.waiting.some((x) => x.token === w.json.token), 'the waiting token');
    t.ok(res.json.serving.some((x) => x.token === e.token), 'the token in consultation');
    t.ok(!res.text.includes(name) && !res.text.includes('Secretname'), 'no names');
    const db = t.db(`SELECT token, status, priority, line, called_at FROM queue WHERE day = '${S.date}' AND status = 'waiting'`);
    t.eq(res.json.waiting.map((x) => x.token), callOrder(db), 'every waiting token, in call order');
    const last = t.db(`SELECT token FROM queue WHERE day = '${S.date}' AND status = 'in_consult' ORDER BY called_at DESC LIMIT 1`);
    t.eq(res.json.serving.map((x) => x.token), last.map((r) => r.token), 'the one token called in last, though several are open');
    t.eq(res.json.serving, [{ token: e.token }], 'the one just called in');
    const c = await t.api('GET', path, { headers: { 'If-None-Match': res.headers.etag } });
    t.status(c, 304, `${path} 304`);
  }
});

t.test('queue: role matrix: admin 403, no session 401, nothing written', async () => {
  need();
  const e = await entryIn('waiting');
  const before = t.counts();
  const calls = [['GET', '/api/queue'], ['POST', '/api/queue', { patient_id: e.patient.id }],
    ['PATCH', `/api/queue/${e.id}`, { status: 'in_consult' }]];
  for (const [m, p, body] of calls) {
    const a = await t.api(m, p, { cookie: S.admin, body });
    t.status(a, 403, `${m} ${p} as admin`);
    const n = await t.api(m, p, { body });
    t.status(n, 401, `${m} ${p} without a session`);
  }
  t.eq(t.counts(), before, 'nothing written');
  const row = t.db(`SELECT status FROM queue WHERE id = ${e.id}`)[0];
  t.eq(row.status, 'waiting', 'entry unchanged');
});

t.run();
