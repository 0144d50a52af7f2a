'use strict';
// load.js — the soak's mixed load, through nginx, at a steady rate until STOPFILE exists.
//
//   node tests/soak/load.js BASE STOPFILE SUMMARY PROGRESS
//
// Env: ND_ADMIN_PASSWORD; SOAK_CLIENTS (concurrent clients, default 6); SOAK_RATE (requests per
// second in all, default 150); SOAK_QUEUE_MAX (queue entries a day the load adds, default 300:
// a clinic's day, so that a full queue poll does not grow for the whole soak; after that the
// clients move existing entries between waiting and in_consult instead).
//
// Each client, one step at a time, in a fixed rotation: register a patient and read it back;
// search by a name prefix and by phone digits; poll the queue with If-None-Match (mostly 304)
// and now and then in full; add a patient to the queue or move an entry; doctors save a visit
// draft (POST /api/visits once, then PATCH with its version), take a payment, poll the display
// and /api/auth/me. Statuses and latencies by kind go to SUMMARY (JSON) at the end; every 10 s
// PROGRESS gets a line "unix_ms requests failures".
const fs = require('node:fs');
const { Client, login, makeUser, sleep } = require('../drills/http.js');

const [base, stopFile, summaryFile, progressFile] = process.argv.slice(2);
const CLIENTS = Number(process.env.SOAK_CLIENTS || 6);
const RATE = Number(process.env.SOAK_RATE || 150);
const QUEUE_MAX = Number(process.env.SOAK_QUEUE_MAX || 300);
const perClientMs = (1000 * CLIENTS) / RATE;

const kinds = {};
let requests = 0, failures = 0;
const failSamples = [];
function record(kind, r) {
  const k = kinds[kind] || (kinds[kind] = { statuses: {}, lat: [] });
  const s = r.status || r.error;
  k.statuses[s] = (k.statuses[s] || 0) + 1;
  if (k.lat.length < 200000) k.lat.push(r.ms);
  requests++;
  if (r.status === 0 || r.status >= 500) {
    failures++;
    if (failSamples.length < 20) failSamples.push(`${kind}: ${s} ${(r.text || '').slice(0, 100)}`);
  }
}

const letters = (n) => { let s = ''; do { s = String.fromCharCode(97 + (n % 26)) + s; n = Math.floor(n / 26); } while (n > 0); return s; };
const shared = { queueAdded: 0, entries: [], etag: null };

async function clientLoop(client, me, idx) {
  const tag = letters(process.pid) + letters(idx);
  const mine = [];             // patient ids this client registered
  let visit = null;            // {id, version} of the doctor's current draft
  let round = 0;
  const req = async (kind, method, path, body, headers) => {
    const r = await client.request(method, path, { cookie: me.cookie, body, headers });
    record(kind, r);
    return r;
  };
  while (!fs.existsSync(stopFile)) {
    const t0 = Date.now();
    round++;
    switch (round % 10) {
      case 1: {
        const name = `Soak ${tag} ${letters(round)}`;
        const r = await req('patient create', 'POST', '/api/patients', { name, sex: 'MFO'[round % 3], age_years: 1 + (round % 90), phone: `9${String(idx).padStart(3, '0')}${String(round).padStart(6, '0')}`.slice(0, 10) });
        if (r.status === 201) {
          mine.push(r.json.id);
          if (mine.length > 1000) mine.shift();
          await req('patient read', 'GET', `/api/patients/${r.json.id}`);
        }
        break;
      }
      case 2:
        await req('patient search', 'GET', `/api/patients?q=${encodeURIComponent(`Soak ${tag}`)}&limit=20`);
        break;
      case 3:
        await req('patient search', 'GET', `/api/patients?q=9${String(idx).padStart(3, '0')}&limit=20`);
        break;
      case 4: case 8: {
        const r = await req('queue poll', 'GET', '/api/queue', undefined, shared.etag ? { 'If-None-Match': shared.etag } : {});
        if (r.status === 200) {
          shared.etag = r.headers.etag;
          shared.entries = r.json.entries.filter((e) => e.status === 'waiting' || e.status === 'in_consult').map((e) => ({ id: e.id, version: e.version, status: e.status }));
        }
        break;
      }
      case 5: {
        if (shared.queueAdded < QUEUE_MAX && mine.length) {
          shared.queueAdded++;
          const r = await req('queue add', 'POST', '/api/queue', { patient_id: mine[mine.length - 1], reason: 'soak' });
          if (r.status !== 201) shared.queueAdded--;
        } else if (shared.entries.length) {
          const e = shared.entries[Math.floor(Math.random() * shared.entries.length)];
          const to = e.status === 'waiting' ? 'in_consult' : 'waiting';
          const r = await req('queue move', 'PATCH', `/api/queue/${e.id}`, { status: to, version: e.version });
          if (r.status === 200) { e.version = r.json.version; e.status = r.json.status; }
        }
        break;
      }
      case 6:
        if (me.role === 'doctor' && mine.length) {
          if (!visit || round % 200 === 6) {
            const r = await req('visit create', 'POST', '/api/visits', { patient_id: mine[Math.floor(Math.random() * mine.length)] });
            if (r.status === 201) visit = { id: r.json.id, version: r.json.version };
          } else {
            const r = await req('visit draft save', 'PATCH', `/api/visits/${visit.id}`, {
              version: visit.version, complaint: `fever for ${round % 7} days`, notes: `soak round ${round}`,
              vitals: { bp_systolic: 110 + (round % 30), bp_diastolic: 70 + (round % 15), pulse: 60 + (round % 40) },
              diagnoses: [{ text: 'Viral fever' }],
              prescriptions: [{ medicine: 'Paracetamol', strength: '500 mg', form: 'tablet', dose: '1-0-1', duration_days: 3 }],
            });
            if (r.status === 200) visit.version = r.json.version;
            else if (r.status === 409) visit = null;
          }
        } else {
          await req('display', 'GET', '/api/display');
        }
        break;
      case 7:
        if (mine.length && round % 30 === 7) await req('payment', 'POST', '/api/payments', { patient_id: mine[mine.length - 1], amount_paise: 20000, mode: 'upi' });
        else await req('me', 'GET', '/api/auth/me');
        break;
      case 9:
        if (mine.length) await req('patient read', 'GET', `/api/patients/${mine[Math.floor(Math.random() * mine.length)]}`);
        break;
      default:
        await req('display', 'GET', '/api/display');
    }
    const wait = perClientMs - (Date.now() - t0);
    if (wait > 0) await sleep(wait);
  }
}

(async () => {
  const client = new Client(base, { sockets: CLIENTS * 2, timeoutMs: 30000 });
  const admin = await login(client, 'admin', process.env.ND_ADMIN_PASSWORD);
  const users = [];
  for (let i = 0; i < CLIENTS; i++) {
    const role = i % 2 ? 'doctor' : 'frontdesk';
    const u = await makeUser(client, admin, role, `soak${role.slice(0, 1)}`);
    u.role = role;
    users.push(u);
  }
  const t = setInterval(() => fs.appendFileSync(progressFile, `${Date.now()} ${requests} ${failures}\n`), 10000);
  await Promise.all(users.map((u, i) => clientLoop(client, u, i)));
  clearInterval(t);
  fs.appendFileSync(progressFile, `${Date.now()} ${requests} ${failures}\n`);
  client.close();
  const out = { requests, failures, failSamples, kinds: {} };
  for (const [k, v] of Object.entries(kinds)) {
    v.lat.sort((a, b) => a - b);
    const p = (q) => Math.round(v.lat[Math.min(v.lat.length - 1, Math.floor(v.lat.length * q))] * 10) / 10;
    out.kinds[k] = { statuses: v.statuses, p50_ms: p(0.5), p99_ms: p(0.99), max_ms: p(1) };
  }
  fs.writeFileSync(summaryFile, JSON.stringify(out, null, 1));
})().catch((e) => { console.error(`load: ${e.stack}`); process.exit(1); });
