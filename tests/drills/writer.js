'use strict';
// writer.js — mixed clinic writes through nginx, recording every acknowledged (2xx) answer.
//
//   node tests/drills/writer.js BASE ACKS STOPFILE
//
// Env: ND_ADMIN_PASSWORD (admin's password: makes one frontdesk and one doctor user),
//      WRITER_CLIENTS (concurrent clients, default 4), WRITER_SECONDS (hard stop, default 600),
//      WRITER_SUMMARY (optional file: {ok, refused, unanswered, p50_ms, p99_ms, max_ms} of the
//      acknowledged writes, written at the end),
//      WRITER_USERS (optional file: reuse the users written there by an earlier run, so a second
//      writer after a restart signs in instead of creating users again; created when missing).
//
// Each client loops: POST /api/patients → POST /api/queue → POST /api/payments →
// PATCH /api/queue/{id} in_consult → PATCH done (every third round: cancel while waiting
// instead). Every 2xx answer becomes one JSON line in ACKS (fsync'd by the kernel's page cache
// only, which is enough: the drills kill the server, never this process):
//   {"k":"patient","id":..,"clinic_no":..,"name":..}
//   {"k":"queue","id":..,"token":..,"date":..,"patient_id":..}
//   {"k":"payment","id":..,"receipt_no":..,"amount_paise":..,"patient_id":..,"date":..}
//   {"k":"qpatch","id":..,"status":..,"version":..}
// and every failure {"k":"fail","op":..,"status":..,"error":..,"t":ms}. A round stops at its
// first failure (the next step would depend on it). Network errors (the stack being killed)
// are retried by the next round after a short pause. Runs until STOPFILE exists.
const fs = require('node:fs');
const { Client, login, makeUser, sleep } = require('./http.js');

const [base, ackFile, stopFile] = process.argv.slice(2);
if (!base || !ackFile || !stopFile) {
  console.error('usage: writer.js BASE ACKS STOPFILE');
  process.exit(2);
}
const CLIENTS = Number(process.env.WRITER_CLIENTS || 4);
const SECONDS = Number(process.env.WRITER_SECONDS || 600);
// WRITER_SECONDS of writing, counted once the users are signed in (argon2 on a busy machine
// can take seconds of its own).
let deadline = Date.now() + SECONDS * 1000;
const ackFd = fs.openSync(ackFile, 'a');
const ack = (o) => fs.writeSync(ackFd, JSON.stringify(o) + '\n');
const letters = (n) => { let s = ''; do { s = String.fromCharCode(97 + (n % 26)) + s; n = Math.floor(n / 26); } while (n > 0); return s; };
const stats = { ok: 0, fail: 0, net: 0 };
const lat = [];

async function users(client) {
  const file = process.env.WRITER_USERS;
  if (file && fs.existsSync(file)) {
    const u = JSON.parse(fs.readFileSync(file, 'utf8'));
    for (const x of Object.values(u)) x.cookie = await login(client, x.username, x.password);
    return u;
  }
  const admin = await login(client, 'admin', process.env.ND_ADMIN_PASSWORD);
  const u = { frontdesk: await makeUser(client, admin, 'frontdesk', 'dfd'), doctor: await makeUser(client, admin, 'doctor', 'ddr') };
  if (file) fs.writeFileSync(file, JSON.stringify(u));
  return u;
}

async function clientLoop(client, me, n) {
  const tag = letters(process.pid) + letters(n);
  let round = 0;
  while (!fs.existsSync(stopFile) && Date.now() < deadline) {
    round++;
    const step = async (op, method, path, body, want) => {
      const r = await client.request(method, path, { cookie: me.cookie, body });
      if (r.status >= 200 && r.status < 300) { stats.ok++; lat.push(r.ms); return r.json; }
      if (r.status === 0) stats.net++; else stats.fail++;
      ack({ k: 'fail', op, status: r.status, error: r.error || (r.json && r.json.error && r.json.error.code) || r.text.slice(0, 80), t: Date.now(), want });
      return null;
    };
    const name = `Drill ${tag} ${letters(round)}`;
    const p = await step('patient', 'POST', '/api/patients', { name, sex: 'MFO'[round % 3], age_years: 20 + (round % 60), phone: `98${String(process.pid % 1e4).padStart(4, '0')}${String(round % 1e4).padStart(4, '0')}` });
    if (!p) { await sleep(100); continue; }
    ack({ k: 'patient', id: p.id, clinic_no: p.clinic_no, name: p.name });
    const q = await step('queue', 'POST', '/api/queue', { patient_id: p.id, reason: 'drill' });
    if (!q) { await sleep(100); continue; }
    ack({ k: 'queue', id: q.id, token: q.token, date: q.date, patient_id: q.patient.id });
    const amount = 100 + Math.floor(Math.random() * 90000);
    const y = await step('payment', 'POST', '/api/payments', { patient_id: p.id, amount_paise: amount, mode: ['cash', 'upi', 'card'][round % 3] });
    if (!y) { await sleep(100); continue; }
    ack({ k: 'payment', id: y.id, receipt_no: y.receipt_no, amount_paise: y.amount_paise, patient_id: y.patient_id, date: y.date });
    if (round % 3 === 0) {
      const c = await step('qpatch', 'PATCH', `/api/queue/${q.id}`, { status: 'cancelled', version: q.version });
      if (c) ack({ k: 'qpatch', id: c.id, status: c.status, version: c.version });
      continue;
    }
    const a = await step('qpatch', 'PATCH', `/api/queue/${q.id}`, { status: 'in_consult', version: q.version });
    if (!a) continue;
    ack({ k: 'qpatch', id: a.id, status: a.status, version: a.version });
    const b = await step('qpatch', 'PATCH', `/api/queue/${q.id}`, { status: 'done', version: a.version });
    if (b) ack({ k: 'qpatch', id: b.id, status: b.status, version: b.version });
  }
}

(async () => {
  const client = new Client(base, { sockets: CLIENTS * 2, timeoutMs: 20000 });
  let u;
  try { u = await users(client); } catch (e) { console.error(`writer: ${e.message}`); process.exit(1); }
  deadline = Date.now() + SECONDS * 1000;
  const loops = [];
  for (let i = 0; i < CLIENTS; i++) loops.push(clientLoop(client, i % 2 ? u.doctor : u.frontdesk, i));
  await Promise.all(loops);
  client.close();
  fs.closeSync(ackFd);
  lat.sort((a, b) => a - b);
  const pct = (p) => (lat.length ? Math.round(lat[Math.min(lat.length - 1, Math.floor(lat.length * p))] * 10) / 10 : null);
  const summary = { ok: stats.ok, refused: stats.fail, unanswered: stats.net, p50_ms: pct(0.5), p99_ms: pct(0.99), max_ms: pct(1) };
  if (process.env.WRITER_SUMMARY) fs.writeFileSync(process.env.WRITER_SUMMARY, JSON.stringify(summary) + '\n');
  console.log(`writer: ${JSON.stringify(summary)}`);
})();
