'use strict';
// verify.js — checks a database against the acknowledged writes of writer.js.
//
//   node tests/drills/verify.js NAME ACKS DBFILE
//
// Prints check lines "NAME: ...... ok|fail: why":
//   every acknowledged patient, queue entry and payment is in the database with the values the
//   answer showed; every acknowledged status change is there (or a later one of the same entry);
//   no two acknowledgements share a token of a day, a receipt number or a clinic number;
//   tokens of every day run 1..N, receipt numbers 1..N, clinic numbers are unique;
//   PRAGMA integrity_check is ok and PRAGMA foreign_key_check finds nothing.
// The database is read with sqlite3 -readonly.
const fs = require('node:fs');
const { execFileSync } = require('node:child_process');

const [name, ackFile, dbFile] = process.argv.slice(2);
if (!name || !ackFile || !dbFile) {
  console.error('usage: verify.js NAME ACKS DBFILE');
  process.exit(2);
}
let failed = 0;
const check = (what, problems, extra = '') => {
  if (problems.length === 0) console.log(`${name}: ${what}${extra}... ok`);
  else {
    failed++;
    console.log(`${name}: ${what}${extra}... fail: ${problems.length} problem(s): ${problems.slice(0, 5).join('; ')}`);
  }
};
const sql = (q) => {
  const out = execFileSync('sqlite3', ['-json', '-readonly', dbFile, q], { encoding: 'utf8', maxBuffer: 1 << 30 });
  return out.trim() ? JSON.parse(out) : [];
};

const acks = fs.readFileSync(ackFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const by = (k) => acks.filter((a) => a.k === k);
const patients = by('patient');
const queue = by('queue');
const payments = by('payment');
const qpatches = by('qpatch');
const fails = by('fail');

const integrity = sql('PRAGMA integrity_check').map((r) => r.integrity_check).join(' ');
check('PRAGMA integrity_check', integrity === 'ok' ? [] : [integrity.slice(0, 300)]);
const fk = sql('PRAGMA foreign_key_check');
check('PRAGMA foreign_key_check', fk.map((r) => JSON.stringify(r)));

const rowsP = new Map(sql('SELECT id, clinic_no, name FROM patients').map((r) => [r.id, r]));
const rowsQ = new Map(sql('SELECT id, day, token, patient_id, status, version FROM queue').map((r) => [r.id, r]));
const rowsY = new Map(sql('SELECT id, receipt_no, amount_paise, patient_id, day FROM payments').map((r) => [r.id, r]));

const pProblems = [];
for (const a of patients) {
  const r = rowsP.get(a.id);
  if (!r) pProblems.push(`patient ${a.id} missing`);
  else if (r.clinic_no !== a.clinic_no || r.name !== a.name) pProblems.push(`patient ${a.id}: ${JSON.stringify(r)} vs acknowledged ${JSON.stringify(a)}`);
}
check('every acknowledged patient is stored', pProblems, ` (${patients.length})`);

const qProblems = [];
for (const a of queue) {
  const r = rowsQ.get(a.id);
  if (!r) qProblems.push(`queue entry ${a.id} missing`);
  else if (r.token !== a.token || r.day !== a.date || r.patient_id !== a.patient_id) qProblems.push(`queue ${a.id}: ${JSON.stringify(r)} vs acknowledged ${JSON.stringify(a)}`);
}
check('every acknowledged queue entry is stored with its token', qProblems, ` (${queue.length})`);

const yProblems = [];
for (const a of payments) {
  const r = rowsY.get(a.id);
  if (!r) yProblems.push(`payment ${a.id} missing`);
  else if (r.receipt_no !== a.receipt_no || r.amount_paise !== a.amount_paise || r.patient_id !== a.patient_id) yProblems.push(`payment ${a.id}: ${JSON.stringify(r)} vs acknowledged ${JSON.stringify(a)}`);
}
check('every acknowledged payment is stored with its receipt number', yProblems, ` (${payments.length})`);

// Status changes: the entry's version is at least the acknowledged one; at that same version
// the status is the acknowledged one (a later, unacknowledged change may have landed too).
const last = new Map();
for (const a of qpatches) if (!last.has(a.id) || last.get(a.id).version < a.version) last.set(a.id, a);
const sProblems = [];
for (const a of last.values()) {
  const r = rowsQ.get(a.id);
  if (!r) sProblems.push(`queue entry ${a.id} missing`);
  else if (r.version < a.version || (r.version === a.version && r.status !== a.status)) sProblems.push(`queue ${a.id}: stored ${r.status} v${r.version}, acknowledged ${a.status} v${a.version}`);
}
check('every acknowledged status change is stored', sProblems, ` (${qpatches.length})`);

const dup = (list, key) => {
  const seen = new Map();
  const out = [];
  for (const a of list) {
    const k = key(a);
    if (seen.has(k) && seen.get(k) !== a.id) out.push(`${k} acknowledged for ids ${seen.get(k)} and ${a.id}`);
    seen.set(k, a.id);
  }
  return out;
};
check('no token acknowledged twice', dup(queue, (a) => `token ${a.date}/${a.token}`));
check('no receipt number acknowledged twice', dup(payments, (a) => `receipt ${a.receipt_no}`));
check('no clinic number acknowledged twice', dup(patients, (a) => `clinic_no ${a.clinic_no}`));

const days = sql('SELECT day, count(*) AS n, count(DISTINCT token) AS d, min(token) AS lo, max(token) AS hi FROM queue GROUP BY day');
check('tokens of each day run 1..N without gaps or duplicates',
  days.filter((r) => !(r.n === r.d && r.lo === 1 && r.hi === r.n)).map((r) => JSON.stringify(r)),
  ` (${days.map((r) => `${r.day}: ${r.n}`).join(', ')})`);
const rc = sql('SELECT count(*) AS n, count(DISTINCT receipt_no) AS d, coalesce(min(receipt_no), 1) AS lo, coalesce(max(receipt_no), 0) AS hi FROM payments')[0];
check('receipt numbers run 1..N without gaps or duplicates', rc.n === rc.d && rc.lo === 1 && rc.hi === rc.n ? [] : [JSON.stringify(rc)], ` (${rc.n})`);
const cn = sql('SELECT count(*) AS n, count(DISTINCT clinic_no) AS d FROM patients')[0];
check('clinic numbers are unique', cn.n === cn.d ? [] : [JSON.stringify(cn)], ` (${cn.n})`);

const byOp = {};
for (const f of fails) {
  const key = `${f.op} ${f.status || f.error}`;
  byOp[key] = (byOp[key] || 0) + 1;
}
console.log(`# ${name}: ${patients.length + queue.length + payments.length + qpatches.length} acknowledged writes verified; failures: ${JSON.stringify(byOp)}`);
process.exitCode = failed ? 1 : 0;
