'use strict';
// diskfull.js — the HTTP half of the disk-full drill (tests/drills/diskfull.sh mounts the small
// tmpfs and starts the stack on it).
//
//   node tests/drills/diskfull.js BASE VAR ACKS
//
// 1. writes some patients; 2. fills the file system of VAR with VAR/filler until it is full;
// 2b. sends bursts of 16 concurrent patients while the last 2 MiB run out, so that the workers
//    group several into one commit (serve.c) and such a group's COMMIT fails: every refused one
//    must be absent from the database afterwards, every 201 present (verify.js);
// 3. keeps writing (patients with long notes, queue adds, payments) until writes are refused:
//    every refusal must be 507 (or 503) in the JSON error shape, never 500/502 or a dropped
//    connection, and reads must go on; 4. checks integrity with sqlite3 while full; 5. deletes
//    the filler: writes succeed again. Acknowledged writes go to ACKS in writer.js's format, for
//    verify.js. Prints check lines "disk full: ...".
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { Client, login, makeUser, sleep } = require('./http.js');

const [base, varDir, ackFile] = process.argv.slice(2);
const dbFile = path.join(varDir, 'db', 'nalamdesk.db');
const filler = path.join(varDir, 'filler');
const ackFd = fs.openSync(ackFile, 'a');
const ack = (o) => fs.writeSync(ackFd, JSON.stringify(o) + '\n');
let failed = 0;
const line = (what, problem, skip) => {
  if (skip) console.log(`disk full: ${what}... skip: ${skip}`);
  else if (problem) { failed++; console.log(`disk full: ${what}... fail: ${problem}`); }
  else console.log(`disk full: ${what}... ok`);
};
const free = () => {
  const out = execFileSync('df', ['-B1', '--output=avail', varDir], { encoding: 'utf8' });
  return Number(out.trim().split('\n').pop());
};
const mib = (n) => `${(n / 1048576).toFixed(1)} MiB`;
const size = (f) => { try { return fs.statSync(f).size; } catch { return 0; } };

// Grows FILLER until LEAVE bytes are free: big writes, then smaller ones; with LEAVE 0, until
// not even 4 KiB fits.
function fill(leave) {
  const fd = fs.openSync(filler, 'a');
  for (let chunk = 1 << 20; chunk >= 4096; chunk >>= 1) {
    const buf = Buffer.alloc(chunk, 0x5a);
    while (free() - chunk >= leave) {
      try { fs.writeSync(fd, buf); } catch (e) { if (e.code === 'ENOSPC') break; throw e; }
    }
  }
  fs.closeSync(fd);
}

let n = 0;
const letters = (k) => { let s = ''; do { s = String.fromCharCode(97 + (k % 26)) + s; k = Math.floor(k / 26); } while (k > 0); return s; };
async function addPatient(client, cookie, notes) {
  n++;
  const r = await client.request('POST', '/api/patients', {
    cookie, body: { name: `Full ${letters(process.pid)} ${letters(n)}`, sex: 'F', age_years: 30, notes },
  });
  if (r.status === 201) ack({ k: 'patient', id: r.json.id, clinic_no: r.json.clinic_no, name: r.json.name });
  return r;
}

const jsonError = (r) => r.json && r.json.error && typeof r.json.error.code === 'string' && typeof r.json.error.message === 'string'
  && /application\/json/.test(r.headers['content-type'] || '');

(async () => {
  const client = new Client(base, { sockets: 4, timeoutMs: 30000 });
  const admin = await login(client, 'admin', process.env.ND_ADMIN_PASSWORD);
  const fd = await makeUser(client, admin, 'frontdesk', 'full');
  const notes = 'n'.repeat(990);   // the notes field takes 1000 characters

  let before = 0;
  for (let i = 0; i < 20; i++) if ((await addPatient(client, fd.cookie, notes)).status === 201) before++;
  line('writes succeed before the disk fills', before === 20 ? '' : `${before} of 20`);
  const seed = [];
  for (const l of fs.readFileSync(ackFile, 'utf8').split('\n')) if (l.includes('"patient"')) seed.push(JSON.parse(l).id);

  // Almost full: the writes themselves use up the last 2 MiB, so space runs out in the middle
  // of appending to the WAL. Then full to the last page, and more writes.
  const statuses = {};
  const bad = [];
  let refused = 0, accepted = 0;
  const writeUntilRefused = async (most, enough) => {
    for (let i = 0, seen = 0; i < most && seen < enough; i++) {
      const r = await addPatient(client, fd.cookie, notes);
      statuses[r.status || r.error] = (statuses[r.status || r.error] || 0) + 1;
      if (r.status === 201) { accepted++; continue; }
      refused++;
      seen++;
      if (!((r.status === 507 || r.status === 503) && jsonError(r))) bad.push(`${r.status || r.error} ${(r.text || '').slice(0, 120)}`);
    }
  };
  fill(2 << 20);
  console.log(`# filled: ${mib(size(filler))} of filler, ${mib(free())} left; database ${mib(size(dbFile))}, WAL ${mib(size(dbFile + '-wal'))}`);
  // Concurrent bursts: a group commit whose COMMIT fails must refuse every request of it.
  const wide = new Client(base, { sockets: 16, timeoutMs: 30000 });
  const burstRefused = [], burstBad = [], burstStatus = {};
  for (let b = 0; b < 250 && burstRefused.length < 16; b++) {
    const names = Array.from({ length: 16 }, () => `Full ${letters(process.pid)} ${letters(++n)}`);
    const rs = await Promise.all(names.map((name) => wide.request('POST', '/api/patients', {
      cookie: fd.cookie, body: { name, sex: 'F', age_years: 30, notes },
    })));
    rs.forEach((r, i) => {
      burstStatus[r.status || r.error] = (burstStatus[r.status || r.error] || 0) + 1;
      if (r.status === 201) ack({ k: 'patient', id: r.json.id, clinic_no: r.json.clinic_no, name: r.json.name });
      else if ((r.status === 507 || r.status === 503) && jsonError(r)) burstRefused.push(names[i]);
      else burstBad.push(`${r.status || r.error} ${(r.text || '').slice(0, 100)}`);
    });
  }
  wide.close();
  console.log(`# concurrent bursts in the last 2 MiB: ${JSON.stringify(burstStatus)}`);
  line('concurrent writes on a filling disk: 201, or 507/503 JSON', burstBad.length ? `${burstBad.length} other answers: ${burstBad.slice(0, 3).join(' | ')}` : '', burstRefused.length ? '' : 'nothing was refused');
  const list = burstRefused.map((x) => `'${x.toLowerCase()}'`).join(',') || "''";
  const leaked = execFileSync('sqlite3', ['-readonly', dbFile, `SELECT count(*) FROM patients WHERE lower(name) IN (${list})`], { encoding: 'utf8' }).trim();
  line('no refused concurrent write is in the database', leaked === '0' ? '' : `${leaked} of ${burstRefused.length} refused patients were written`);
  await writeUntilRefused(4000, 10);
  console.log(`# ${accepted} writes fitted in the last 2 MiB, then ${refused} refused; WAL ${mib(size(dbFile + '-wal'))}, ${free()} bytes free`);
  fill(0);
  await writeUntilRefused(20, 20);
  console.log(`# patient writes on the full disk: ${JSON.stringify(statuses)}`);
  line('writes on a full disk are refused', refused > 0 ? '' : `4000 writes all accepted (${JSON.stringify(statuses)})`);
  line('refused writes answer 507 or 503 in the JSON error shape', bad.length ? `${bad.length} other answers: ${bad.slice(0, 3).join(' | ')}` : '', refused ? '' : 'nothing was refused');
  const codes = {};

  // Other writes too: a queue add and a payment for a patient made before.
  if (refused) {
    const others = [];
    const q = await client.request('POST', '/api/queue', { cookie: fd.cookie, body: { patient_id: seed[0] } });
    const y = await client.request('POST', '/api/payments', { cookie: fd.cookie, body: { patient_id: seed[1], amount_paise: 5000, mode: 'cash' } });
    for (const [what, r] of [['queue add', q], ['payment', y]]) {
      codes[what] = r.status;
      if (r.status === 201 && what === 'queue add') ack({ k: 'queue', id: r.json.id, token: r.json.token, date: r.json.date, patient_id: r.json.patient.id });
      else if (r.status === 201) ack({ k: 'payment', id: r.json.id, receipt_no: r.json.receipt_no, amount_paise: r.json.amount_paise, patient_id: r.json.patient_id, date: r.json.date });
      else if (!((r.status === 507 || r.status === 503) && jsonError(r))) others.push(`${what}: ${r.status || r.error} ${(r.text || '').slice(0, 100)}`);
    }
    line('queue adds and payments on a full disk: 201, or 507/503 JSON', others.join(' | '));
  }

  // Reads on a full disk. Every read of patient data writes an audit row (LAYOUT-NOTES), so
  // those may be refused too (fail closed): 200, or 507/503 JSON. Health must answer 200.
  const reads = {};
  const badReads = [];
  for (const [what, p] of [['health', '/api/health'], ['queue', '/api/queue'], ['search', '/api/patients?q=Full'], ['patient', `/api/patients/${seed[2]}`], ['display', '/api/display']]) {
    const r = await client.request('GET', p, { cookie: fd.cookie });
    reads[what] = r.status;
    if (!(r.status === 200 || ((r.status === 507 || r.status === 503) && jsonError(r)))) badReads.push(`${what}: ${r.status} ${(r.text || '').slice(0, 100)}`);
  }
  console.log(`# reads on the full disk: ${JSON.stringify(reads)} (other writes: ${JSON.stringify(codes)})`);
  line('health answers 200 on a full disk', reads.health === 200 ? '' : JSON.stringify(reads));
  line('reads on a full disk answer 200, or 507/503 JSON when their audit row cannot be written', badReads.join(' | '));

  const integ = execFileSync('sqlite3', ['-readonly', dbFile, 'PRAGMA integrity_check'], { encoding: 'utf8' }).trim();
  line('integrity_check while the disk is full', integ === 'ok' ? '' : integ.slice(0, 200));

  // Space returns.
  fs.unlinkSync(filler);
  console.log(`# filler deleted: ${mib(free())} free`);
  let after = null, tries = 0;
  for (; tries < 50; tries++) {
    after = await addPatient(client, fd.cookie, 'after');
    if (after.status === 201) break;
    await sleep(100);
  }
  line('writes succeed again once space returns', after.status === 201 && tries === 0 ? '' : after.status === 201 ? `only after ${tries} refusals` : `still ${after.status} ${after.text}`);
  let ok = 0;
  for (let i = 0; i < 30; i++) if ((await addPatient(client, fd.cookie, notes)).status === 201) ok++;
  const q = await client.request('POST', '/api/queue', { cookie: fd.cookie, body: { patient_id: seed[3] } });
  if (q.status === 201) ack({ k: 'queue', id: q.json.id, token: q.json.token, date: q.json.date, patient_id: q.json.patient.id });
  const login2 = await client.request('POST', '/api/auth/login', { body: { username: fd.username, password: fd.password } });
  line('every program writes again after space returns (30 patients, a queue add, a sign-in)', ok === 30 && q.status === 201 && login2.status === 200 ? '' : `patients ${ok}/30, queue ${q.status}, sign-in ${login2.status}`);
  client.close();
  fs.closeSync(ackFd);
  process.exitCode = failed ? 1 : 0;
})().catch((e) => { console.log(`disk full: the drill runs... fail: ${e.stack.replace(/\n/g, ' | ')}`); process.exitCode = 1; });
