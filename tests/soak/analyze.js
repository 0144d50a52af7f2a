'use strict';
// analyze.js — the soak's verdict from its samples.
//
//   node tests/soak/analyze.js SAMPLES TOTALS LOADSUMMARY
//
// SAMPLES: "t pid name rss_kb fds sockets" per process per sample (pool workers, multiwatch,
// nginx); fds counts the open files and pipes, sockets the sockets;
// TOTALS: "t wal_bytes db_bytes requests failures" per sample.
// Prints the series (one row per sample) and check lines:
//   every pool process's RSS: mean of the last third <= 1.10 x mean of the first third
//     (also the sum over all pool processes, and nginx's processes);
//   open fds of every process: the last third's lowest <= the first third's highest + SOAK_FD_SLACK
//     (default 1): a leak raises the floor by far more over a soak; a connection or two in flight
//     at sampling time does not;
//   sockets of every process at most SOAK_SOCKETS_MAX (default 100) at every sample (connections
//     come and go with the load, and fastcgi_keep_conn keeps some, but never without bound);
//   WAL size <= SOAK_WAL_MAX_MIB (default 32) at every sample;
//   no request failed (status 0 or 5xx) under the load; the same processes all along.
const fs = require('node:fs');

const [samplesFile, totalsFile, loadFile] = process.argv.slice(2);
const RSS_GROWTH = Number(process.env.SOAK_RSS_GROWTH || 0.10);
const WAL_MAX = Number(process.env.SOAK_WAL_MAX_MIB || 32) * 1048576;
const FD_SLACK = Number(process.env.SOAK_FD_SLACK || 1);
const SOCKETS_MAX = Number(process.env.SOAK_SOCKETS_MAX || 100);
let failed = 0;
const check = (what, problems) => {
  if (problems.length === 0) console.log(`soak: ${what}... ok`);
  else { failed++; console.log(`soak: ${what}... fail: ${problems.slice(0, 6).join('; ')}`); }
};

const rows = fs.readFileSync(samplesFile, 'utf8').trim().split('\n').filter(Boolean).map((l) => {
  const [t, pid, name, rss, fds, socks] = l.split(/\s+/);
  return { t: Number(t), pid: Number(pid), name, rss: Number(rss), fds: Number(fds), socks: Number(socks || 0) };
});
const totals = fs.readFileSync(totalsFile, 'utf8').trim().split('\n').filter(Boolean).map((l) => {
  const [t, wal, db, req, fail] = l.split(/\s+/).map(Number);
  return { t, wal, db, req, fail };
});
const times = [...new Set(rows.map((r) => r.t))].sort((a, b) => a - b);
if (times.length < 6) {
  check('enough samples to compare thirds', [`only ${times.length} samples`]);
  process.exit(1);
}
const third = Math.floor(times.length / 3);
const first = new Set(times.slice(0, third));
const last = new Set(times.slice(times.length - third));
const mean = (a) => a.reduce((s, x) => s + x, 0) / a.length;
const t0 = times[0];

// Series: one row per sample.
const isPool = (n) => !n.startsWith('nginx');
console.log('# series: minute, pool RSS MiB (sum of workers and multiwatch), nginx RSS MiB, open files+pipes (all processes), sockets (all), WAL KiB, DB MiB, requests/s since the previous sample, failures');
let prev = null;
for (const t of times) {
  const at = rows.filter((r) => r.t === t);
  const tot = totals.find((x) => x.t === t) || { wal: 0, db: 0, req: 0, fail: 0 };
  const rate = prev ? Math.round((tot.req - prev.req) / ((t - prev.t) / 1000)) : '-';
  console.log(`#   ${((t - t0) / 60000).toFixed(1).padStart(5)}  pool ${(at.filter((r) => isPool(r.name)).reduce((s, r) => s + r.rss, 0) / 1024).toFixed(1).padStart(6)}  nginx ${(at.filter((r) => !isPool(r.name)).reduce((s, r) => s + r.rss, 0) / 1024).toFixed(1).padStart(6)}  fds ${String(at.reduce((s, r) => s + r.fds, 0)).padStart(4)}  socks ${String(at.reduce((s, r) => s + r.socks, 0)).padStart(4)}  wal ${String(Math.round(tot.wal / 1024)).padStart(6)}  db ${(tot.db / 1048576).toFixed(1).padStart(6)}  req/s ${String(rate).padStart(5)}  fail ${tot.fail}`);
  prev = tot;
}

// Per process.
const procs = new Map();
for (const r of rows) {
  const k = `${r.name}[${r.pid}]`;
  if (!procs.has(k)) procs.set(k, []);
  procs.get(k).push(r);
}
const rssProblems = [], fdProblems = [], sockProblems = [], table = [];
for (const [k, series] of procs) {
  const a = series.filter((r) => first.has(r.t));
  const b = series.filter((r) => last.has(r.t));
  if (!a.length || !b.length) continue;
  const ma = mean(a.map((r) => r.rss)), mb = mean(b.map((r) => r.rss));
  const smax = Math.max(...series.map((r) => r.socks));
  table.push(`${k} ${Math.round(ma)}→${Math.round(mb)} KiB (${(((mb / ma) - 1) * 100).toFixed(1)}%), fds ${Math.max(...a.map((r) => r.fds))}→${Math.min(...b.map((r) => r.fds))}, sockets at most ${smax}`);
  if (smax > SOCKETS_MAX) sockProblems.push(`${k} ${smax} sockets`);
  if (mb > ma * (1 + RSS_GROWTH)) rssProblems.push(`${k} ${Math.round(ma)} → ${Math.round(mb)} KiB (+${(((mb / ma) - 1) * 100).toFixed(1)}%)`);
  const fa = Math.max(...a.map((r) => r.fds)), fb = Math.min(...b.map((r) => r.fds));
  if (fb > fa + FD_SLACK) fdProblems.push(`${k} fds ${fa} → ${fb}`);
}
console.log('# per process, first third → last third: mean RSS, highest → lowest open files+pipes; most sockets');
for (const l of table) console.log(`#   ${l}`);

// Sums.
const sumAt = (t, pred) => rows.filter((r) => r.t === t && pred(r.name)).reduce((s, r) => s + r.rss, 0);
for (const [label, pred] of [['all pool processes', isPool], ['nginx', (n) => !isPool(n)]]) {
  const ma = mean([...first].map((t) => sumAt(t, pred))), mb = mean([...last].map((t) => sumAt(t, pred)));
  if (mb > ma * (1 + RSS_GROWTH)) rssProblems.push(`${label} ${Math.round(ma)} → ${Math.round(mb)} KiB`);
  console.log(`# ${label}: mean RSS ${Math.round(ma)} → ${Math.round(mb)} KiB (${(((mb / ma) - 1) * 100).toFixed(1)}%)`);
}
check(`RSS of every pool and nginx process flat (last third within ${RSS_GROWTH * 100}% of the first, ${times.length} samples)`, rssProblems);
check(`open fds of every process flat (the last third's lowest at most ${FD_SLACK} above the first third's highest)`, fdProblems);

// The same processes all along: a worker that died and was replaced would hide a leak.
const firstPids = new Set(rows.filter((r) => r.t === times[0]).map((r) => r.pid));
const lastPids = new Set(rows.filter((r) => r.t === times[times.length - 1]).map((r) => r.pid));
const changed = [...firstPids].filter((p) => !lastPids.has(p)).length + [...lastPids].filter((p) => !firstPids.has(p)).length;
check(`sockets of every process at most ${SOCKETS_MAX} at every sample`, sockProblems);
check('no process died or was replaced during the soak', changed ? [`${changed} pids differ between the first and last samples`] : []);

const walMax = Math.max(...totals.map((x) => x.wal));
check(`WAL at most ${WAL_MAX / 1048576} MiB at every sample (largest ${Math.round(walMax / 1024)} KiB)`, walMax <= WAL_MAX ? [] : [`${Math.round(walMax / 1024)} KiB`]);

const load = JSON.parse(fs.readFileSync(loadFile, 'utf8'));
console.log(`# load: ${load.requests} requests`);
for (const [k, v] of Object.entries(load.kinds)) console.log(`#   ${k.padEnd(17)} ${JSON.stringify(v.statuses)} p50 ${v.p50_ms} ms, p99 ${v.p99_ms} ms, max ${v.max_ms} ms`);
check(`no request failed under the soak load (${load.requests} requests)`, load.failures ? [`${load.failures} failed: ${load.failSamples.slice(0, 3).join(' | ')}`] : []);
process.exitCode = failed ? 1 : 0;
