'use strict';
// t.js — the tiny harness every JS test uses. Each check prints one line:
//   name... ok | name... fail: why | name... skip: why
// tests/run counts those lines. The stack under test is named by ND_BASE etc.
// (see docs/LAYOUT-NOTES.md, "Tests").
const https = require('node:https');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const BASE = process.env.ND_BASE;
if (!BASE) {
  console.error('t.js: ND_BASE is not set; run tests through tests/run');
  process.exit(2);
}
const base = new URL(BASE);
const agent = new https.Agent({ keepAlive: true, maxSockets: 64, rejectUnauthorized: false });
const tests = [];

class Failure extends Error {}
class Skip extends Error {}

function test(name, fn) { tests.push({ name, fn }); }
function ok(cond, what) { if (!cond) throw new Failure(what); }
function show(v) { const s = JSON.stringify(v); return s && s.length > 300 ? s.slice(0, 300) + '…' : s; }
function same(a, b) { return JSON.stringify(a) === JSON.stringify(b); }
function eq(got, want, what) {
  if (!same(got, want)) throw new Failure(`${what}: got ${show(got)}, want ${show(want)}`);
}
function status(res, want, what) {
  if (res.status !== want) throw new Failure(`${what}: status ${res.status}, want ${want}: ${res.text.slice(0, 300)}`);
}
function skip(why) { throw new Skip(why); }

// One HTTPS request. opts: body (JSON), raw (string/Buffer), cookie, headers, noOrigin.
function api(method, urlPath, opts = {}) {
  return new Promise((resolve, reject) => {
    const headers = { Accept: 'application/json' };
    let data = null;
    if (opts.raw !== undefined) data = Buffer.from(opts.raw);
    else if (opts.body !== undefined) data = Buffer.from(JSON.stringify(opts.body));
    if (method !== 'GET' && method !== 'HEAD') {
      headers['Content-Type'] = 'application/json';
      if (!opts.noOrigin) headers.Origin = base.origin;
    }
    if (opts.cookie) headers.Cookie = opts.cookie;
    Object.assign(headers, opts.headers || {});
    for (const k of Object.keys(headers)) if (headers[k] === null) delete headers[k];
    if (data) headers['Content-Length'] = data.length;
    const req = https.request({
      host: base.hostname, port: base.port, path: urlPath, method, headers, agent,
      rejectUnauthorized: false,
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json = null;
        try { json = text ? JSON.parse(text) : null; } catch { json = null; }
        resolve({ status: res.statusCode, headers: res.headers, text, json });
      });
      res.on('error', reject);
    });
    req.setTimeout(30000, () => req.destroy(new Error(`${method} ${urlPath}: no answer in 30 s`)));
    req.on('error', reject);
    if (data) req.write(data);
    req.end();
  });
}

function cookieOf(res) {
  return (res.headers['set-cookie'] || []).map((c) => c.split(';')[0]).filter((c) => /=./.test(c)).join('; ');
}

async function login(username, password) {
  const res = await api('POST', '/api/auth/login', { body: { username, password } });
  if (res.status !== 200) throw new Failure(`sign-in as ${username}: ${res.status} ${res.text}`);
  return cookieOf(res);
}

let adminCookie = null;
async function admin() {
  if (!adminCookie) adminCookie = await login('admin', process.env.ND_ADMIN_PASSWORD);
  return adminCookie;
}

let counter = 0;
function uniq(prefix = 'x') {
  counter++;
  return `${prefix}${process.pid.toString(36)}${counter}${crypto.randomBytes(2).toString('hex')}`;
}

// A mobile number (10 digits from 9) and a Chennai landline (044 and 8 digits from 2) that no
// other test of the shared stack uses: every file's patients stay in the one database, so a
// fixed number would also find, or be offered as a duplicate of, another file's patients.
const numbersGiven = new Set();
function number(prefix, first, digits) {
  for (;;) {
    const n = `${prefix}${first}${String(crypto.randomInt(0, 10 ** (digits - 1))).padStart(digits - 1, '0')}`;
    if (!numbersGiven.has(n)) { numbersGiven.add(n); return n; }
  }
}
const mobile = () => number('', '9', 10);
const landline = () => number('044', '2', 8);

// A fresh signed-in user of ROLE: {id, username, password, cookie}.
async function user(role) {
  const username = uniq(role.slice(0, 4)).toLowerCase();
  const password = `Pw-${crypto.randomBytes(9).toString('base64url')}`;
  const res = await api('POST', '/api/users', {
    cookie: await admin(), body: { username, name: `Test ${role} ${username}`, role, password },
  });
  if (res.status !== 201) throw new Failure(`creating a ${role}: ${res.status} ${res.text}`);
  const id = res.json.id ?? (res.json.user && res.json.user.id);
  return { id, username, password, cookie: await login(username, password) };
}

// A newly registered patient's id: POST /api/patients as COOKIE with FIELDS over defaults.
async function patient(cookie, fields = {}) {
  const res = await api('POST', '/api/patients', {
    cookie, body: { name: uniq('Test Pt '), sex: 'O', age_years: 40, ...fields },
  });
  status(res, 201, 'POST /api/patients');
  ok(Number.isInteger(res.json.id), `patient id in ${res.text}`);
  return res.json.id;
}

// Rows of SQL on the live database, read-only (sqlite3 -json). A query of the audit trail
// first moves the audit journal (reads, appended by the workers) into it, as the admin
// program does before it shows the trail.
function db(sql) {
  const file = path.join(process.env.ND_VAR, 'db', 'nalamdesk.db');
  if (/\baudit\b/.test(sql)) {
    execFileSync(path.join(process.env.ND_BIN, 'nalamdesk-admin'),
      ['--var', process.env.ND_VAR, 'audit-import'], { stdio: 'ignore' });
  }
  const out = execFileSync('sqlite3', ['-json', '-readonly', file, sql], { encoding: 'utf8' });
  return out.trim() ? JSON.parse(out) : [];
}

// Every route of every program in ND_BIN, from its own table (`PROG --routes`):
// [{prog, method, pattern, roles: ['frontdesk', ...] or ['anyone']}].
function routes() {
  const out = [];
  for (const prog of fs.readdirSync(process.env.ND_BIN).sort()) {
    if (prog === 'nalamdesk-admin') continue;
    const text = execFileSync(path.join(process.env.ND_BIN, prog), ['--routes'], { encoding: 'utf8' });
    for (const line of text.trim().split('\n')) {
      const [method, pattern, roles] = line.split('\t');
      out.push({ prog, method, pattern, roles: roles.split(',') });
    }
  }
  return out;
}

// Row counts of every table but the ones every request may touch.
function counts() {
  // Ordinary rowid tables (FTS shadow tables without rowid are covered by their content table).
  const tables = db("SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table'"
    + " AND wr = 0 AND name NOT LIKE 'sqlite_%'"
    + " AND name NOT IN ('audit', 'sessions', 'login_failures')").map((r) => r.name);
  const out = {};
  for (const t of tables) out[t] = db(`SELECT count(*) AS n, coalesce(max(rowid), 0) AS m FROM "${t}"`)[0];
  out.rev = db('SELECT n FROM rev')[0].n;
  return out;
}

async function run() {
  let failed = 0;
  for (const { name, fn } of tests) {
    try {
      await fn();
      console.log(`${name}... ok`);
    } catch (e) {
      if (e instanceof Skip) console.log(`${name}... skip: ${e.message}`);
      else {
        failed++;
        const why = e instanceof Failure ? e.message : (e && e.stack) || String(e);
        console.log(`${name}... fail: ${why.replace(/\n/g, ' | ')}`);
      }
    }
  }
  agent.destroy();
  process.exitCode = failed ? 1 : 0;
}

module.exports = {
  BASE, test, ok, eq, status, skip, api, login, admin, user, patient, db, counts, routes, uniq, mobile, landline, cookieOf, run, agent,
};
