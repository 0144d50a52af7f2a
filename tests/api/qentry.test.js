'use strict';
// qentry.test.js — one owner of the queue entry (cgi-bin/lib/qentry.c):
// every path that moves an entry answers by the one transition table.
// Each mover is driven through the real stack into a move the table
// refuses (409, nothing changed) and into the moves it declares: the
// desk's PATCH, a visit opened from an entry, a visit finalized (the
// declared waiting→done, and a closed entry left alone), an appointment
// that arrives (a token from the same allocation, already_queued).  The
// source holds no statement that writes the queue outside qentry.c.
const fs = require('fs');
const path = require('path');
const t = require('../lib/t.js');

const S = {};
function need() { if (!S.doc) t.skip('no sessions (the first test failed or skipped)'); }
const qrow = (id) => t.db(`SELECT status, version, token FROM queue WHERE id = ${id}`)[0];
const enqueue = async (pid) => {
  const res = await t.api('POST', '/api/queue', { cookie: S.desk, body: { patient_id: pid } });
  t.status(res, 201, 'POST /api/queue');
  return res.json;
};
const desk = (e, status) => t.api('PATCH', `/api/queue/${e.id}`, { cookie: S.desk, body: { status } });
const open = (pid, qid) => t.api('POST', '/api/visits', { cookie: S.doc, body: { patient_id: pid, queue_id: qid } });
async function finalize(v) {
  const p = await t.api('PATCH', `/api/visits/${v.id}`, { cookie: S.doc, body: { version: v.version, complaint: 'Fever' } });
  t.status(p, 200, 'PATCH visit');
  return t.api('POST', `/api/visits/${v.id}/finalize`, { cookie: S.doc, body: {} });
}

t.test('qentry: sessions', async () => {
  S.desk = (await t.user('frontdesk')).cookie;
  S.doc = (await t.user('doctor')).cookie;
  t.ok(S.desk && S.doc, 'cookies');
});

t.test('qentry: the desk\'s PATCH is refused waiting→done by the table', async () => {
  need();
  const e = await enqueue(await t.patient(S.desk, { name: t.uniq('Q Pt '), sex: 'F', age_years: 30 }));
  const res = await desk(e, 'done');
  t.status(res, 409, 'PATCH waiting→done');
  t.eq(res.json.error.code, 'illegal_transition', 'code');
  t.eq(qrow(e.id).status, 'waiting', 'still waiting');
});

t.test('qentry: opening a visit from a closed entry is refused by the table', async () => {
  need();
  const pid = await t.patient(S.desk, { name: t.uniq('Q Pt '), sex: 'M', age_years: 40 });
  const e = await enqueue(pid);
  t.status(await desk(e, 'cancelled'), 200, 'cancelled by the desk');
  const v0 = qrow(e.id).version;
  const res = await open(pid, e.id);
  t.status(res, 409, 'POST /api/visits on a cancelled entry');
  t.eq(res.json.error.code, 'queue_status', 'code');
  t.eq([qrow(e.id).status, qrow(e.id).version], ['cancelled', v0], 'unchanged');
});

t.test('qentry: opening twice is a declared stay; finalizing from waiting is the declared jump', async () => {
  need();
  const pid = await t.patient(S.desk, { name: t.uniq('Q Pt '), sex: 'M', age_years: 41 });
  const e = await enqueue(pid);
  const a = await open(pid, e.id);
  t.status(a, 201, 'opened');
  const v1 = qrow(e.id).version;
  t.eq(qrow(e.id).status, 'in_consult', 'in_consult');
  t.status(await open(pid, e.id), 200, 'opened again');
  t.eq(qrow(e.id).version, v1, 'a stay writes nothing');
  t.status(await desk(e, 'waiting'), 200, 'the desk sends it back to waiting');
  const f = await finalize(a.json);
  t.status(f, 200, 'finalize');
  t.eq(qrow(e.id).status, 'done', 'waiting→done by the finalize mover');
  const au = t.db(`SELECT count(*) AS n FROM audit WHERE action = 'queue.status' AND entity_id = ${e.id}`)[0].n;
  t.eq(au, 3, 'each move audited (open, back to waiting, finalize)');
});

t.test('qentry: finalizing leaves a closed entry as the table says', async () => {
  need();
  const pid = await t.patient(S.desk, { name: t.uniq('Q Pt '), sex: 'F', age_years: 42 });
  const e = await enqueue(pid);
  const a = await open(pid, e.id);
  t.status(a, 201, 'opened');
  t.status(await desk(e, 'waiting'), 200, 'back to waiting');
  t.status(await desk(e, 'no_show'), 200, 'then a no-show');
  t.status(await finalize(a.json), 200, 'finalize');
  t.eq(qrow(e.id).status, 'no_show', 'the closed entry stays');
});

t.test('qentry: an arriving appointment takes the next token and is refused when already queued', async () => {
  need();
  const pid = await t.patient(S.desk, { name: t.uniq('Q Pt '), sex: 'F', age_years: 43 });
  const today = (await t.api('GET', '/api/queue', { cookie: S.desk })).json.date;
  const book = async () => {
    const r = await t.api('POST', '/api/appointments', { cookie: S.desk, body: { patient_id: pid, date: today, time: '23:58' } });
    t.status(r, 201, 'booked');
    return r.json;
  };
  const a1 = await book();
  const arr = await t.api('PATCH', `/api/appointments/${a1.id}`, { cookie: S.desk, body: { status: 'arrived', version: a1.version } });
  t.status(arr, 200, 'arrived');
  const max = t.db(`SELECT max(token) AS m FROM queue WHERE day = '${today}'`)[0].m;
  t.eq(qrow(arr.json.queue_id).token, max, 'the newest token of the day');
  const a2 = await book();
  const dbl = await t.api('PATCH', `/api/appointments/${a2.id}`, { cookie: S.desk, body: { status: 'arrived', version: a2.version } });
  t.status(dbl, 409, 'arriving while queued');
  t.eq(dbl.json.error.code, 'already_queued', 'code');
  t.eq(t.db(`SELECT status FROM appointments WHERE id = ${a2.id}`)[0].status, 'booked', 'still booked');
});

t.test('qentry: no statement writes the queue outside lib/qentry.c', async () => {
  const root = process.env.ND_ROOT || path.join(__dirname, '..', '..');
  const hits = [];
  const walk = (dir) => {
    for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, d.name);
      if (d.isDirectory()) walk(p);
      else if (/\.[ch]$/.test(d.name) && !p.endsWith(path.join('lib', 'qentry.c'))) {
        const s = fs.readFileSync(p, 'utf8');
        if (/(INSERT\s+(OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+queue\b/i.test(s)) hits.push(path.relative(root, p));
      }
    }
  };
  walk(path.join(root, 'cgi-bin'));
  t.eq(hits, [], 'files that write the queue');
});

t.run();
