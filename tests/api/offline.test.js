'use strict';
// offline.test.js — what the front desk's outbox and read cache rely on: Idempotency-Key on
// writes (cgi-bin/lib/route.c, idem.c) and the changes feed (cgi-bin/changes.c), its cursor,
// its pages, and its epoch after a real restore (nalamdesk-admin restore).
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');
const t = require('../lib/t.js');

const S = {};
const key = () => `k-${crypto.randomBytes(12).toString('hex')}`;
const post = (p, cookie, body, k) => t.api('POST', p, { cookie, body, headers: k ? { 'Idempotency-Key': k } : {} });

t.test('idempotency: the same key twice is one patient and the same answer', async () => {
  S.desk = await t.user('frontdesk');
  S.doc = await t.user('doctor');
  const k = key();
  const body = { name: t.uniq('Idem Pt '), sex: 'F', age_years: 33 };
  const a = await post('/api/patients', S.desk.cookie, body, k);
  t.status(a, 201, 'first POST');
  t.eq(a.headers['idempotent-replay'], undefined, 'no replay header on the first answer');
  const b = await post('/api/patients', S.desk.cookie, body, k);
  t.status(b, 201, 'second POST, same key');
  t.eq(b.headers['idempotent-replay'], 'true', 'Idempotent-Replay: true');
  t.eq(b.text, a.text, 'the same answer, byte for byte');
  t.eq(t.db(`SELECT count(*) AS n FROM patients WHERE name = '${body.name}'`)[0].n, 1, 'one row');
  const kept = t.db(`SELECT method, path, status, length(body_sha256) AS h FROM idempotency WHERE key = '${k}'`);
  t.eq(kept, [{ method: 'POST', path: '/api/patients', status: 201, h: 64 }], 'kept under the key');
  S.pid = a.json.id;
});

t.test('idempotency: the same key with another body is 422 and writes nothing', async () => {
  const k = key();
  const body = { name: t.uniq('Reuse Pt '), sex: 'M', age_years: 50 };
  t.status(await post('/api/patients', S.desk.cookie, body, k), 201, 'first');
  const other = { ...body, name: t.uniq('Reuse Other ') };
  const r = await post('/api/patients', S.desk.cookie, other, k);
  t.status(r, 422, 'another body');
  t.eq(r.json.error.code, 'idempotency_key_reused', 'code');
  t.eq(t.db(`SELECT count(*) AS n FROM patients WHERE name = '${other.name}'`)[0].n, 0, 'nothing written');
  // Another path under the same key is another request too.
  const q = await post('/api/queue', S.desk.cookie, { patient_id: S.pid }, k);
  t.status(q, 422, 'another path');
  t.eq(t.db(`SELECT count(*) AS n FROM queue WHERE patient_id = ${S.pid}`)[0].n, 0, 'not queued');
});

t.test('idempotency: keys are per user', async () => {
  const k = key();
  const a = await post('/api/queue', S.desk.cookie, { patient_id: S.pid }, k);
  t.status(a, 201, 'the desk queues with key K');
  const pid2 = await t.patient(S.doc.cookie);
  const b = await post('/api/queue', S.doc.cookie, { patient_id: pid2 }, k);
  t.status(b, 201, 'the doctor uses the same K for another request');
  t.eq(b.headers['idempotent-replay'], undefined, 'not a replay');
  t.ok(b.json.id !== a.json.id && b.json.patient.id === pid2, 'its own entry');
  const c = await post('/api/queue', S.desk.cookie, { patient_id: S.pid }, k);
  t.eq([c.status, c.headers['idempotent-replay'], c.json.id], [201, 'true', a.json.id], 'the desk replays its own');
  t.eq(t.db(`SELECT count(*) AS n FROM queue WHERE patient_id = ${S.pid}`)[0].n, 1, 'queued once');
  t.eq(t.db(`SELECT count(*) AS n FROM idempotency WHERE key = '${k}'`)[0].n, 2, 'two kept answers');
});

t.test('idempotency: a 4xx answer is kept; a bad key is 400; no key works as before', async () => {
  const k = key();
  const a = await post('/api/queue', S.desk.cookie, { patient_id: S.pid }, k);
  t.status(a, 409, 'already queued');
  const b = await post('/api/queue', S.desk.cookie, { patient_id: S.pid }, k);
  t.eq([b.status, b.headers['idempotent-replay'], b.text], [409, 'true', a.text], 'the same 409 again');
  for (const bad of ['has space', 'x'.repeat(65), 'ünï', 'a/b']) {
    const r = await post('/api/patients', S.desk.cookie, { name: t.uniq('Bad Key '), sex: 'M', age_years: 5 }, bad);
    t.status(r, 400, `key ${JSON.stringify(bad)}`);
    t.eq(r.json.error.code, 'invalid_idempotency_key', 'code');
  }
  t.status(await post('/api/patients', S.desk.cookie, { name: t.uniq('No Key '), sex: 'M', age_years: 5 }), 201, 'no key');
  // A PATCH (a queue status from the outbox) is kept too.
  const e = (await post('/api/queue', S.desk.cookie, { patient_id: await t.patient(S.desk.cookie) })).json;
  const pk = key();
  const p1 = await t.api('PATCH', `/api/queue/${e.id}`, { cookie: S.desk.cookie, body: { status: 'no_show' }, headers: { 'Idempotency-Key': pk } });
  const p2 = await t.api('PATCH', `/api/queue/${e.id}`, { cookie: S.desk.cookie, body: { status: 'no_show' }, headers: { 'Idempotency-Key': pk } });
  t.eq([p1.status, p2.status, p2.headers['idempotent-replay']], [200, 200, 'true'], 'PATCH replayed, not 409');
  t.eq(t.db(`SELECT version FROM queue WHERE id = ${e.id}`)[0].version, 2, 'moved once');
});

// The cursor's seq: after the epoch and a dot.
const seqOf = (c) => Number(c.split('.')[1]);

async function feed(cookie, since, limit) {
  const q = new URLSearchParams();
  if (since) q.set('since', since);
  if (limit) q.set('limit', limit);
  const r = await t.api('GET', `/api/changes?${q}`, { cookie });
  return r;
}

t.test('changes: everything cached, then only what changed, page by page', async () => {
  const full = await feed(S.desk.cookie);
  t.status(full, 200, 'GET /api/changes');
  const f = full.json;
  t.ok(/^[0-9a-f]{16}$/.test(f.epoch), `epoch ${f.epoch}`);
  t.ok(f.cursor.startsWith(`${f.epoch}.`), `cursor ${f.cursor}`);
  t.eq(typeof f.more, 'boolean', 'more');
  for (const k of ['patients', 'queue', 'appointments']) t.ok(Array.isArray(f[k]), k);
  let cursor = f.cursor;
  let more = f.more;
  while (more) { const r = await feed(S.desk.cookie, cursor); cursor = r.json.cursor; more = r.json.more; }
  const none = await feed(S.desk.cookie, cursor);
  t.eq([none.status, none.json.patients.length, none.json.queue.length, none.json.more, none.json.cursor],
    [200, 0, 0, false, cursor], 'nothing new: empty, same cursor');
  // Three changes: a patient registered, queued, and a patient edited.
  const phone = t.mobile();
  const p1 = await t.patient(S.desk.cookie, { name: t.uniq('Feed A '), phone });
  const p2 = await t.patient(S.desk.cookie, { name: t.uniq('Feed B ') });
  const e = (await post('/api/queue', S.desk.cookie, { patient_id: p2 })).json;
  const page1 = await feed(S.desk.cookie, cursor, 1);
  t.status(page1, 200, 'page of 1');
  t.eq([page1.json.more, page1.json.patients.map((p) => p.id)], [true, [p1]], 'first page: the first change');
  const p = page1.json.patients[0];
  for (const k of ['id', 'clinic_no', 'name', 'sex', 'age_years', 'phone', 'version']) t.ok(k in p, `patient.${k}`);
  t.eq(p.phone, phone, 'phone');
  t.ok(seqOf(page1.json.cursor) > seqOf(cursor), 'the cursor moved');
  const page2 = await feed(S.desk.cookie, page1.json.cursor, 10);
  t.eq(page2.json.more, false, 'last page');
  t.eq(page2.json.queue.map((x) => [x.id, x.token, x.status, x.patient.id]), [[e.id, e.token, 'waiting', p2]], 'the entry, as GET /api/queue shows it');
  t.eq(page2.json.patients.map((x) => x.id), [p2], 'its patient, once, after its queueing');
  // A move of the entry shows it again; nothing else.
  await t.api('PATCH', `/api/queue/${e.id}`, { cookie: S.desk.cookie, body: { status: 'cancelled' } });
  const page3 = await feed(S.desk.cookie, page2.json.cursor);
  t.eq([page3.json.queue.map((x) => x.status), page3.json.patients.length], [['cancelled'], 0], 'only the moved entry');
  // An appointment booked for a later day comes with its patient.
  const day = new Date(Date.now() + 3 * 86400e3).toISOString().slice(0, 10);
  const ap = await post('/api/appointments', S.desk.cookie, { patient_id: p1, date: day, time: '10:30' });
  t.status(ap, 201, 'booked');
  const page4 = await feed(S.desk.cookie, page3.json.cursor);
  t.eq(page4.json.appointments.map((a) => [a.id, a.date, a.patient.id]), [[ap.json.id, day, p1]], 'the appointment');
  S.cursor = page4.json.cursor;
  S.epoch = f.epoch;
});

t.test('changes: roles, a bad cursor, another epoch', async () => {
  t.status(await feed(S.doc.cookie), 200, 'doctor');
  const adm = await t.api('GET', '/api/changes', { cookie: await t.admin() });
  t.status(adm, 403, 'admin');
  t.status(await t.api('GET', '/api/changes'), 401, 'no session');
  for (const bad of ['12', 'zz.1', `${S.epoch}.x`, `${S.epoch}.-1`, `${S.epoch}`]) {
    const r = await feed(S.desk.cookie, bad);
    t.eq([r.status, r.json.error.code], [422, 'invalid_parameter'], `since=${bad}`);
  }
  const other = S.epoch === '0123456789abcdef' ? 'fedcba9876543210' : '0123456789abcdef';
  const r = await feed(S.desk.cookie, `${other}.5`);
  t.eq([r.status, r.json.error.code], [409, 'epoch_changed'], 'a cursor of another epoch');
  t.status(await feed(S.desk.cookie, S.cursor, 1001), 422, 'limit above 1000');
});

t.test('changes: after a restore the old cursor is 409 epoch_changed', async () => {
  const VAR = process.env.ND_VAR;
  const BIN = process.env.ND_BIN;
  const b = await t.api('POST', '/api/backups', { cookie: await t.admin() });
  t.status(b, 201, 'POST /api/backups');
  const file = path.join(VAR, 'backups', b.json.backup.file);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nd-epoch-'));
  const args = ['--var', tmp, 'restore'];
  if (fs.existsSync(path.join(VAR, 'backup.key'))) args.push('--passphrase-file', path.join(VAR, 'backup.key'));
  execFileSync(path.join(BIN, 'nalamdesk-admin'), [...args, file], { encoding: 'utf8' });
  const dbf = path.join(tmp, 'db', 'nalamdesk.db');
  const q = (sql) => execFileSync('sqlite3', [dbf, sql], { encoding: 'utf8' }).trim();
  const epoch = q('SELECT epoch FROM sync_epoch');
  t.ok(/^[0-9a-f]{16}$/.test(epoch) && epoch !== S.epoch, `a new epoch after the restore (${epoch} vs ${S.epoch})`);
  // The restored database served by the changes program itself (CGI mode), as the desk's
  // browser would reach it after the restore: its old cursor is refused.
  const token = crypto.randomBytes(32).toString('base64url');
  const hash = crypto.createHash('sha256').update(token).digest('hex');
  const now = Math.floor(Date.now() / 1000);
  q(`INSERT INTO sessions (token_hash, user_id, created_at, last_seen, ip) VALUES ('${hash}', ${S.desk.id}, ${now}, ${now}, '127.0.0.1')`);
  const cgi = (since) => {
    let out;
    try {
      out = execFileSync(path.join(BIN, 'changes'), ['--cgi'], {
        encoding: 'utf8',
        env: { ...process.env, NALAMDESK_DB: dbf, REQUEST_METHOD: 'GET', DOCUMENT_URI: '/api/changes',
          QUERY_STRING: since ? `since=${since}` : '', HTTP_COOKIE: `nd_session=${token}`, REMOTE_ADDR: '127.0.0.1' },
      });
    } catch (err) { out = String(err.stdout); }
    const [head, body] = out.split('\r\n\r\n');
    return { status: Number(/^Status: (\d+)/.exec(head)[1]), json: JSON.parse(body) };
  };
  const old = cgi(S.cursor);
  t.eq([old.status, old.json.error.code], [409, 'epoch_changed'], 'the cursor from before the restore');
  const fresh = cgi(null);
  t.eq([fresh.status, fresh.json.epoch], [200, epoch], 'starting again gives the new epoch');
  fs.rmSync(tmp, { recursive: true, force: true });
});

t.run();
