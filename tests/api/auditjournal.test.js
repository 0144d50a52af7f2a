'use strict';
// auditjournal.test.js — reads are audited through the audit journal (cgi-bin/lib/audit.c):
// a read appends one line beside the database instead of a transaction; the admin program,
// the tool and a worker whose journal grew too large move the lines into the audit table.
// Every read must land exactly once, with the time it happened, even while reads and imports
// race; a torn line is skipped and counted; an import that died after its commit is not
// imported twice.
const fs = require('fs');
const path = require('path');
const { execFileSync, spawnSync } = require('child_process');
const t = require('../lib/t.js');

const DB = path.join(process.env.ND_VAR, 'db', 'nalamdesk.db');
const JOURNAL = `${DB}-audit.log`;
const MOVING = `${JOURNAL}.importing`;
const S = {};

// The audit table as it is, without importing the journal first (t.db would).
function raw(sql) {
  const out = execFileSync('sqlite3', ['-json', '-readonly', DB, sql], { encoding: 'utf8' });
  return out.trim() ? JSON.parse(out) : [];
}
function tool(...args) {
  return execFileSync(path.join(process.env.ND_BIN, 'nalamdesk-admin'), ['--var', process.env.ND_VAR, ...args],
    { encoding: 'utf8' });
}
const reads = (pid) => raw(`SELECT count(*) AS n FROM audit WHERE action = 'patient.read' AND entity_id = ${pid}`)[0].n;
const journalLines = () => (fs.existsSync(JOURNAL) ? fs.readFileSync(JOURNAL, 'utf8').split('\n').filter(Boolean) : []);

function need() {
  if (!S.desk) t.skip('no session (the first test failed or skipped)');
}

t.test('audit journal: a read appends a line, not a row; an import moves it with its own time', async () => {
  const desk = await t.user('frontdesk');
  S.desk = desk.cookie;
  S.deskId = desk.id;
  S.p = await t.patient(S.desk, { name: t.uniq('Journal Pt ') });
  tool('audit-import');
  const before = reads(S.p);
  const t0 = new Date().toISOString();
  t.status(await t.api('GET', `/api/patients/${S.p}`, { cookie: S.desk }), 200, 'GET patient');
  t.eq(reads(S.p), before, 'no audit row written by the read itself');
  const line = journalLines().find((l) => l.includes('\tpatient.read\tpatient\t') && l.endsWith(`\t${S.p}\t${S.p}`));
  t.ok(line, `a journal line for the read in ${JSON.stringify(journalLines().slice(-3))}`);
  const f = line.split('\t');
  t.eq(f.length, 9, 'nine tab-separated fields');
  t.eq([f[1], f[2], f[3], f[4]], [String(S.deskId), desk.username, 'frontdesk', '127.0.0.1'], 'user, role and ip');
  await new Promise((r) => setTimeout(r, 30));
  const said = tool('audit-import').trim();
  t.eq(said, '1 audit rows imported', 'the tool moved the one line and says so');
  t.eq(reads(S.p), before + 1, 'the row is in the audit table after the import');
  const row = raw(`SELECT ts, user_id, username, role, ip, patient_id FROM audit WHERE action = 'patient.read'
    AND entity_id = ${S.p} ORDER BY id DESC LIMIT 1`)[0];
  t.eq([row.user_id, row.username, row.role, row.ip, row.patient_id], [S.deskId, desk.username, 'frontdesk', '127.0.0.1', S.p], 'row fields');
  t.ok(row.ts >= t0.slice(0, 19) && row.ts === f[0], `the row keeps the read's time (${row.ts}, line ${f[0]})`);
  t.ok(!fs.existsSync(JOURNAL) && !fs.existsSync(MOVING), 'the journal is gone after the import');
});

t.test('audit journal: the admin\'s audit screen imports first, so it shows every read', async () => {
  need();
  t.status(await t.api('GET', `/api/patients/${S.p}`, { cookie: S.desk }), 200, 'GET patient');
  const res = await t.api('GET', `/api/audit?patient_id=${S.p}&action=patient.read&limit=200`, { cookie: await t.admin() });
  t.status(res, 200, 'GET /api/audit');
  t.eq(res.json.entries.length, reads(S.p), 'every read of the patient is listed');
  t.ok(res.json.entries.length >= 2, `${res.json.entries.length} reads listed`);
  const csv = await t.api('GET', `/api/audit.csv?patient_id=${S.p}&action=patient.read`, { cookie: await t.admin() });
  t.status(csv, 200, 'GET /api/audit.csv');
  t.eq(csv.text.trim().split('\n').length - 1, reads(S.p), 'the CSV has every read too');
});

t.test('audit journal: a backup holds the reads still in the journal', async () => {
  need();
  tool('audit-import');
  t.status(await t.api('GET', `/api/patients/${S.p}`, { cookie: S.desk }), 200, 'GET patient');
  t.ok(journalLines().some((l) => l.includes('\tpatient.read\t')), 'the read is in the journal');
  const file = path.join(process.env.ND_VAR, 'backups', `journal-test-${process.pid}.db`);
  tool('backup', file);
  try {
    const n = (f) => JSON.parse(execFileSync('sqlite3', ['-json', '-readonly', f,
      `SELECT count(*) AS n FROM audit WHERE action = 'patient.read' AND entity_id = ${S.p}`],
    { encoding: 'utf8' }))[0].n;
    tool('audit-import'); // whatever the backup left in the journal now reaches the table
    t.eq(n(file), reads(S.p), 'the backup has every read of the patient, the last one too');
  } finally {
    fs.rmSync(file, { force: true });
  }
});

t.test('audit journal: 400 reads racing 20 imports land exactly once each', async () => {
  need();
  const n = 400;
  const before = reads(S.p);
  let done = false;
  const importer = (async () => {
    let k = 0;
    while (!done && k < 20) {
      await new Promise((r) => setTimeout(r, 15));
      await new Promise((resolve, reject) => {
        require('child_process').execFile(path.join(process.env.ND_BIN, 'nalamdesk-admin'),
          ['--var', process.env.ND_VAR, 'audit-import'], (err) => (err ? reject(err) : resolve()));
      });
      k++;
    }
    return k;
  })();
  const codes = {};
  for (let i = 0; i < n; i += 20) {
    const batch = await Promise.all(Array.from({ length: 20 }, () => t.api('GET', `/api/patients/${S.p}`, { cookie: S.desk })));
    for (const r of batch) codes[r.status] = (codes[r.status] || 0) + 1;
  }
  done = true;
  const imports = await importer;
  tool('audit-import');
  t.eq(codes, { 200: n }, 'every read answered 200');
  t.ok(imports >= 3, `${imports} imports ran during the reads`);
  t.eq(reads(S.p), before + n, 'exactly one audit row per read');
});

t.test('audit journal: an admin worker imports a journal that passed 1 MiB in the background', async () => {
  need();
  tool('audit-import');
  // Pad the journal to just under the limit with well-formed lines of an action nobody uses.
  const pad = `2026-01-01T00:00:00.000Z\t\t\t\t127.0.0.1\ttest.padding\ttest\t\t\n`;
  const under = Math.floor((1024 * 1024 - 1) / pad.length);
  const st = fs.statSync(path.dirname(JOURNAL));
  fs.writeFileSync(JOURNAL, pad.repeat(under), { mode: 0o600 });
  fs.chownSync(JOURNAL, st.uid, st.gid);
  // Under the limit nothing moves: ticks come every 250 ms.
  await new Promise((r) => setTimeout(r, 800));
  t.eq(raw("SELECT count(*) AS n FROM audit WHERE action = 'test.padding'")[0].n, 0,
    'a journal under 1 MiB stays a journal');
  // One read takes it past the limit; no request to the admin program is needed.
  t.status(await t.api('GET', `/api/patients/${S.p}`, { cookie: S.desk }), 200, 'GET patient');
  let got = 0;
  for (let i = 0; i < 200 && got !== under; i++) {
    got = raw("SELECT count(*) AS n FROM audit WHERE action = 'test.padding'")[0].n;
    if (got !== under) await new Promise((r) => setTimeout(r, 50));
  }
  t.eq(got, under, 'the padding was imported in the background');
  t.ok(!fs.existsSync(JOURNAL) || fs.statSync(JOURNAL).size < 4096, 'the journal is small again');
});

t.test('audit journal: torn and overlong lines are skipped and counted; a file imported already is not imported twice', async () => {
  need();
  tool('audit-import');
  const good = `2026-01-02T00:00:00.000Z\t${S.deskId}\tx\tfrontdesk\t127.0.0.1\ttest.torn\tpatient\t${S.p}\t${S.p}\n`;
  // A line far longer than any the workers write, then a whole one: only the long one is lost.
  const content = good + 'garbage without tabs\n' + `${'x'.repeat(3000)}\n` + good
    + '2026-01-02T00:00:00.000Z\tcut short';
  const st = fs.statSync(path.dirname(JOURNAL));
  fs.writeFileSync(JOURNAL, content, { mode: 0o600 });
  fs.chownSync(JOURNAL, st.uid, st.gid);
  tool('audit-import');
  t.eq(raw("SELECT count(*) AS n FROM audit WHERE action = 'test.torn'")[0].n, 2, 'the two whole lines imported');
  t.eq(raw('SELECT rows, skipped FROM audit_import')[0], { rows: 2, skipped: 3 }, 'three skipped lines recorded');
  // An importer that died after its commit leaves the same file behind, renamed.
  fs.writeFileSync(MOVING, content, { mode: 0o600 });
  fs.chownSync(MOVING, st.uid, st.gid);
  tool('audit-import');
  t.eq(raw("SELECT count(*) AS n FROM audit WHERE action = 'test.torn'")[0].n, 2, 'not imported a second time');
  t.ok(!fs.existsSync(MOVING), 'the left-over file is removed');
});

t.test('audit journal: a read whose line cannot be written is refused, not served unaudited', async () => {
  need();
  tool('audit-import');
  // A directory where the journal should be: open() fails for every worker.
  fs.mkdirSync(JOURNAL);
  try {
    const res = await t.api('GET', `/api/patients/${S.p}`, { cookie: S.desk });
    t.ok(res.status >= 500 && res.json && res.json.error, `refused with a JSON error: ${res.status} ${res.text.slice(0, 120)}`);
    t.ok(!res.text.includes('Journal Pt'), 'no patient data in the answer');
  } finally {
    fs.rmdirSync(JOURNAL);
  }
  t.status(await t.api('GET', `/api/patients/${S.p}`, { cookie: S.desk }), 200, 'served again once the journal can be written');
});

t.test('audit journal: a journal another user owns is named in the refusal, then imported once mended', async () => {
  need();
  tool('audit-import');
  const line = `2026-01-01T00:00:00.000Z\t\t\t\t127.0.0.1\ttest.foreign\ttest\t\t\n`;
  const st = fs.statSync(path.dirname(JOURNAL));
  // As a root shell would leave it: root's, readable, not ours to retire.
  fs.writeFileSync(JOURNAL, line, { mode: 0o644 });
  fs.chownSync(JOURNAL, 0, 0);
  const res = spawnSync(path.join(process.env.ND_BIN, 'nalamdesk-admin'), ['--var', process.env.ND_VAR, 'audit-import'],
    { encoding: 'utf8' });
  t.ok(st.uid !== 0, 'the database belongs to a user other than root, as installed');
  t.ok(res.status !== 0, `the tool fails: ${res.status}`);
  t.ok(res.stderr.includes(`${JOURNAL}.importing: Operation not permitted`), `the file and the reason named: ${res.stderr}`);
  t.ok(!/busy/.test(res.stderr), 'no guess about a busy database');
  t.eq(raw("SELECT count(*) AS n FROM audit WHERE action = 'test.foreign'")[0].n, 0, 'nothing imported');
  fs.chownSync(MOVING, st.uid, st.gid);
  tool('audit-import');
  t.eq(raw("SELECT count(*) AS n FROM audit WHERE action = 'test.foreign'")[0].n, 1, 'imported once the owner is mended');
  t.ok(!fs.existsSync(MOVING), 'the file is removed');
});

t.run();
