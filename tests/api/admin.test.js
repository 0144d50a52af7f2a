'use strict';
// admin.test.js — the admin program through nginx: staff accounts (create, taken, stale, last
// admin, deactivation and password reset ending sessions), settings and logo, the audit trail
// and its CSV, backups, system status, the role matrix, and that refused requests write nothing.
// One check runs the program without nginx (CGI) on a scratch database: CSV formula escaping
// needs audit rows no API can write.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const https = require('node:https');
const { execFileSync, spawnSync } = require('node:child_process');
const zlib = require('node:zlib');
const t = require('../lib/t.js');

const VAR = process.env.ND_VAR;
const BIN = process.env.ND_BIN;
const DB = path.join(VAR, 'db', 'nalamdesk.db');

// GET returning the body as bytes (t.api decodes to UTF-8).
function getBytes(urlPath, cookie, headers = {}) {
  const base = new URL(t.BASE);
  return new Promise((resolve, reject) => {
    const req = https.request({
      host: base.hostname, port: base.port, path: urlPath, method: 'GET', agent: t.agent,
      rejectUnauthorized: false, headers: { Cookie: cookie, ...headers },
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

// A small valid PNG (W x H, red).
function png(w = 2, h = 2) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type), data]);
    const c = Buffer.alloc(4);
    c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; ihdr[9] = 2;
  const raw = Buffer.concat(Array.from({ length: h }, () => Buffer.concat([Buffer.from([0]),
    Buffer.from(Array.from({ length: w }, () => [255, 0, 0]).flat())])));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

const dataUrl = (type, bytes) => `data:${type};base64,${bytes.toString('base64')}`;
const userRow = (id) => t.db(`SELECT id, username, name, role, active, version, password_hash FROM users WHERE id = ${Number(id)}`)[0];
const sessionsOf = (id) => t.db(`SELECT count(*) AS n FROM sessions WHERE user_id = ${Number(id)}`)[0].n;
const counts = t.counts;
const adminId = () => t.db("SELECT id FROM users WHERE username = 'admin'")[0].id;

async function getSettings(cookie) {
  const r = await t.api('GET', '/api/settings', { cookie });
  t.status(r, 200, 'GET /api/settings');
  return r.json;
}

// The clinic-local date today (settings.timezone).
async function clinicToday() {
  const s = await getSettings(await t.admin());
  return new Intl.DateTimeFormat('en-CA', { timeZone: s.timezone }).format(new Date());
}

t.test('create a user: 201 without the hash, stored with argon2id, listed and readable', async () => {
  const admin = await t.admin();
  const username = t.uniq('desk').toLowerCase();
  const r = await t.api('POST', '/api/users', {
    cookie: admin, body: { username, name: 'Meena Desk', role: 'frontdesk', password: 'front-desk-pass-1' },
  });
  t.status(r, 201, 'POST /api/users');
  const u = r.json.user;
  t.eq(u.username, username, 'username');
  t.eq([u.name, u.role, u.active, u.version], ['Meena Desk', 'frontdesk', true, 1], 'name, role, active, version');
  t.ok(!/password|hash/.test(r.text), `no password or hash in the answer: ${r.text}`);
  for (const k of ['id', 'username', 'name', 'role', 'active', 'version', 'created_at', 'updated_at']) {
    t.ok(k in u, `field ${k}`);
  }
  const row = userRow(u.id);
  t.ok(row && row.password_hash.startsWith('$argon2id$'), 'argon2id hash stored');
  t.eq(row.username, username, 'stored username');
  const list = await t.api('GET', '/api/users?limit=200', { cookie: admin });
  t.status(list, 200, 'GET /api/users');
  t.ok(!/password|hash/.test(list.text), 'no hash in the list');
  t.ok(list.json.users.some((x) => x.id === u.id && x.username === username), 'listed');
  const one = await t.api('GET', `/api/users/${u.id}`, { cookie: admin });
  t.status(one, 200, 'GET /api/users/{id}');
  t.eq(one.json.user.username, username, 'read back');
  t.status(await t.api('GET', '/api/users/987654321', { cookie: admin }), 404, 'unknown id');
  const login = await t.api('POST', '/api/auth/login', { body: { username, password: 'front-desk-pass-1' } });
  t.status(login, 200, 'the new user signs in');
  t.eq(t.db(`SELECT count(*) AS n FROM audit WHERE action = 'user.create' AND entity_id = ${u.id}`)[0].n, 1,
    'audited as user.create');
});

t.test('refused user creations write nothing: taken 409, upper case 422, weak password 422', async () => {
  const admin = await t.admin();
  const u = await t.user('doctor');
  const before = counts();
  const taken = await t.api('POST', '/api/users', {
    cookie: admin, body: { username: u.username, name: 'Other', role: 'doctor', password: 'another-pass-1' },
  });
  t.status(taken, 409, 'same username');
  t.eq(taken.json.error.code, 'username_taken', 'code');
  const upper = await t.api('POST', '/api/users', {
    cookie: admin, body: { username: 'Ravi' + t.uniq(''), name: 'Ravi', role: 'doctor', password: 'another-pass-1' },
  });
  t.status(upper, 422, 'upper-case username');
  t.eq(upper.json.error.field, 'username', 'field');
  t.ok(/lower case/i.test(upper.json.error.message), `says lower case: ${upper.json.error.message}`);
  const weak = await t.api('POST', '/api/users', {
    cookie: admin, body: { username: t.uniq('weak'), name: 'Weak', role: 'doctor', password: 'short' },
  });
  t.status(weak, 422, 'short password');
  t.eq(weak.json.error.field, 'password', 'field');
  const role = await t.api('POST', '/api/users', {
    cookie: admin, body: { username: t.uniq('role'), name: 'R', role: 'superuser', password: 'another-pass-1' },
  });
  t.status(role, 422, 'unknown role');
  t.eq(counts(), before, 'row counts unchanged');
});

t.test('PATCH a user: version bumps; a stale version is 409 and changes nothing', async () => {
  const admin = await t.admin();
  const u = await t.user('frontdesk');
  const ok = await t.api('PATCH', `/api/users/${u.id}`, { cookie: admin, body: { version: 1, name: 'Renamed Person', role: 'doctor' } });
  t.status(ok, 200, 'PATCH with the right version');
  t.eq([ok.json.user.name, ok.json.user.role, ok.json.user.version], ['Renamed Person', 'doctor', 2], 'answer');
  const before = userRow(u.id);
  const stale = await t.api('PATCH', `/api/users/${u.id}`, { cookie: admin, body: { version: 1, name: 'Lost Update' } });
  t.status(stale, 409, 'PATCH with an old version');
  t.eq(stale.json.error.code, 'stale_version', 'code');
  t.eq(userRow(u.id), before, 'row unchanged');
  const noVersion = await t.api('PATCH', `/api/users/${u.id}`, { cookie: admin, body: { name: 'X' } });
  t.status(noVersion, 422, 'PATCH without version');
  t.status(await t.api('PATCH', '/api/users/987654321', { cookie: admin, body: { version: 1, name: 'X' } }), 404, 'unknown id');
  t.eq(userRow(u.id), before, 'row still unchanged');
});

t.test('deactivating a user ends their sessions; reactivating lets them sign in again', async () => {
  const admin = await t.admin();
  const u = await t.user('frontdesk');
  t.status(await t.api('GET', '/api/auth/me', { cookie: u.cookie }), 200, 'signed in before');
  const r = await t.api('PATCH', `/api/users/${u.id}`, { cookie: admin, body: { version: 1, active: false } });
  t.status(r, 200, 'deactivate');
  t.eq(r.json.user.active, false, 'active false');
  t.status(await t.api('GET', '/api/auth/me', { cookie: u.cookie }), 401, 'old cookie after deactivation');
  t.eq(sessionsOf(u.id), 0, 'no session rows left');
  t.status(await t.api('POST', '/api/auth/login', { body: { username: u.username, password: u.password } }), 401,
    'a deactivated user cannot sign in');
  const back = await t.api('PATCH', `/api/users/${u.id}`, { cookie: admin, body: { version: 2, active: true } });
  t.status(back, 200, 'reactivate');
  await t.login(u.username, u.password);
  t.ok(t.db(`SELECT count(*) AS n FROM audit WHERE action = 'user.deactivate' AND entity_id = ${u.id}`)[0].n === 1,
    'audited as user.deactivate');
});

t.test('resetting a password ends the sessions; the new password works', async () => {
  const admin = await t.admin();
  const u = await t.user('doctor');
  const second = await t.login(u.username, u.password);
  t.eq(sessionsOf(u.id), 2, 'two sessions');
  const r = await t.api('PATCH', `/api/users/${u.id}`, { cookie: admin, body: { version: 1, password: 'brand-new-pass-9' } });
  t.status(r, 200, 'reset');
  t.status(await t.api('GET', '/api/auth/me', { cookie: u.cookie }), 401, 'first cookie');
  t.status(await t.api('GET', '/api/auth/me', { cookie: second }), 401, 'second cookie');
  t.eq(sessionsOf(u.id), 0, 'no session rows left');
  await t.login(u.username, 'brand-new-pass-9');
  t.ok(/^\$argon2id\$/.test(userRow(u.id).password_hash), 'hash is argon2id');
});

t.test('the last active admin cannot be demoted or deactivated; nobody deactivates themselves', async () => {
  const admin = await t.admin();
  const me = adminId();
  // Another admin, then every other admin deactivated: 'admin' is the last one.
  const other = await t.user('admin');
  const others = t.db(`SELECT id, version FROM users WHERE role = 'admin' AND active = 1 AND id <> ${me}`);
  for (const o of others) {
    t.status(await t.api('PATCH', `/api/users/${o.id}`, { cookie: admin, body: { version: o.version, active: false } }),
      200, `deactivating admin ${o.id} while another remains`);
  }
  t.eq(t.db("SELECT count(*) AS n FROM users WHERE role = 'admin' AND active = 1")[0].n, 1, 'one active admin left');
  const before = userRow(me);
  const demote = await t.api('PATCH', `/api/users/${me}`, { cookie: admin, body: { version: before.version, role: 'doctor' } });
  t.status(demote, 409, 'demoting the last admin');
  t.eq(demote.json.error.code, 'last_admin', 'code');
  const self = await t.api('PATCH', `/api/users/${me}`, { cookie: admin, body: { version: before.version, active: false } });
  t.status(self, 409, 'deactivating oneself');
  t.eq(self.json.error.code, 'cannot_deactivate_self', 'code');
  t.eq(userRow(me), before, 'the admin row is unchanged');
  t.status(await t.api('GET', '/api/auth/me', { cookie: admin }), 200, 'still signed in');
  // Put the others back.
  for (const o of t.db(`SELECT id, version FROM users WHERE id IN (${others.map((o) => o.id).join(',') || 0})`)) {
    t.status(await t.api('PATCH', `/api/users/${o.id}`, { cookie: admin, body: { version: o.version, active: true } }),
      200, `reactivating admin ${o.id}`);
  }
  // With two active admins, one may be demoted.
  const v = userRow(other.id).version;
  const ok = await t.api('PATCH', `/api/users/${other.id}`, { cookie: admin, body: { version: v, role: 'doctor' } });
  t.status(ok, 200, 'demoting an admin who is not the last');
});

t.test('settings: every role reads them; admin changes them; stale 409; bad zone and fee 422', async () => {
  const admin = await t.admin();
  const doc = await t.user('doctor');
  const desk = await t.user('frontdesk');
  const s0 = await getSettings(admin);
  for (const k of ['clinic_name', 'doctor_name', 'qualification', 'registration_no', 'address', 'phone',
    'consultation_fee_paise', 'timezone', 'logo_url', 'version']) t.ok(k in s0, `field ${k}`);
  t.ok(Number.isInteger(s0.consultation_fee_paise), 'fee is an integer');
  t.eq(await getSettings(doc.cookie), s0, 'doctor reads the same');
  t.eq(await getSettings(desk.cookie), s0, 'front desk reads the same');
  t.status(await t.api('PUT', '/api/settings', { cookie: doc.cookie, body: { version: s0.version, clinic_name: 'X' } }),
    403, 'doctor may not change them');

  const want = {
    clinic_name: 'நலம் Clinic ' + t.uniq(''), doctor_name: 'Dr. Kavya R', qualification: 'MBBS, MD',
    registration_no: 'TNMC 12345', address: '12 Gandhi Road\nChennai 600001', phone: '044-2345 6789',
    consultation_fee_paise: 35000, timezone: 'Asia/Kolkata',
  };
  const put = await t.api('PUT', '/api/settings', { cookie: admin, body: { ...want, version: s0.version, logo_url: s0.logo_url } });
  t.status(put, 200, 'PUT /api/settings');
  t.eq(put.json.version, s0.version + 1, 'version bumped');
  const s1 = await getSettings(desk.cookie);
  for (const k of Object.keys(want)) t.eq(s1[k], want[k], k);
  t.eq(t.db("SELECT value FROM settings WHERE key = 'consultation_fee_paise'")[0].value, '35000', 'stored fee');

  const before = t.db('SELECT key, value FROM settings ORDER BY key');
  const stale = await t.api('PUT', '/api/settings', { cookie: admin, body: { version: s0.version, clinic_name: 'Stale' } });
  t.status(stale, 409, 'stale version');
  t.eq(stale.json.error.code, 'stale_version', 'code');
  for (const tz of ['Mars/Olympus', '../../../etc/passwd', 'Asia/Kolkata/..', '/etc/localtime', 'zone.tab']) {
    const bad = await t.api('PUT', '/api/settings', { cookie: admin, body: { version: s1.version, timezone: tz } });
    t.status(bad, 422, `time zone ${tz}`);
    t.eq(bad.json.error.field, 'timezone', 'field');
  }
  const fee = await t.api('PUT', '/api/settings', { cookie: admin, body: { version: s1.version, consultation_fee_paise: 10000001 } });
  t.status(fee, 422, 'fee above 10,000,000 paise');
  t.status(await t.api('PUT', '/api/settings', { cookie: admin, body: { version: s1.version, consultation_fee_paise: 350.5 } }),
    422, 'fractional fee');
  t.status(await t.api('PUT', '/api/settings', { cookie: admin, body: { clinic_name: 'No version' } }), 422, 'no version');
  t.eq(t.db('SELECT key, value FROM settings ORDER BY key'), before, 'settings unchanged by the refused requests');

  const utc = await t.api('PUT', '/api/settings', { cookie: admin, body: { version: s1.version, timezone: 'UTC' } });
  t.status(utc, 200, 'UTC (a tzdata alias) is accepted');
  // Leave the clinic as it was: other tests count days in its zone.
  const restore = { ...s0 };
  delete restore.logo_url;
  const back = await t.api('PUT', '/api/settings', { cookie: admin, body: { ...restore, version: utc.json.version } });
  t.status(back, 200, 'restore');
  t.ok(t.db("SELECT count(*) AS n FROM audit WHERE action = 'settings.update'")[0].n >= 3, 'audited as settings.update');
});

t.test('logo: a PNG round-trips with its type and ETag; a text file posing as PNG is 422', async () => {
  const admin = await t.admin();
  const desk = await t.user('frontdesk');
  const img = png(3, 2);
  const put = await t.api('PUT', '/api/settings/logo', { cookie: admin, body: { data_url: dataUrl('image/png', img) } });
  t.status(put, 200, 'PUT /api/settings/logo');
  t.eq((await getSettings(desk.cookie)).logo_url, '/api/settings/logo', 'logo_url in the settings');
  const got = await getBytes('/api/settings/logo', desk.cookie);
  t.eq(got.status, 200, 'GET the logo as front desk');
  t.eq(got.headers['content-type'], 'image/png', 'content type');
  t.ok(got.body.equals(img), 'the same bytes');
  const etag = got.headers.etag;
  t.ok(/^"[0-9a-f]{64}"$/.test(etag || ''), `ETag: ${etag}`);
  const again = await getBytes('/api/settings/logo', desk.cookie, { 'If-None-Match': etag });
  t.eq(again.status, 304, 'If-None-Match → 304');

  const stored = t.db('SELECT sha256, mime FROM settings_logo');
  const text = Buffer.from('This is only a text file, not an image.\n');
  const fake = await t.api('PUT', '/api/settings/logo', { cookie: admin, body: { data_url: dataUrl('image/png', text) } });
  t.status(fake, 422, 'text posing as PNG');
  t.eq(fake.json.error.field, 'data_url', 'field');
  const wrong = await t.api('PUT', '/api/settings/logo', { cookie: admin, body: { data_url: dataUrl('image/jpeg', img) } });
  t.status(wrong, 422, 'PNG bytes labelled JPEG');
  const gif = await t.api('PUT', '/api/settings/logo', { cookie: admin, body: { data_url: 'data:image/gif;base64,R0lGODlhAQABAAAAACw=' } });
  t.status(gif, 422, 'GIF');
  const big = Buffer.concat([img, Buffer.alloc(256 * 1024 + 1 - img.length)]);
  t.status(await t.api('PUT', '/api/settings/logo', { cookie: admin, body: { data_url: dataUrl('image/png', big) } }),
    422, 'one byte over 256 KiB');
  t.status(await t.api('PUT', '/api/settings/logo', { cookie: admin, body: { data_url: 'data:image/png;base64,@@@@' } }),
    422, 'bad base64');
  t.status(await t.api('PUT', '/api/settings/logo', { cookie: desk.cookie, body: { data_url: dataUrl('image/png', img) } }),
    403, 'front desk may not set it');
  t.eq(t.db('SELECT sha256, mime FROM settings_logo'), stored, 'stored logo unchanged');

  const max = Buffer.concat([img, Buffer.alloc(256 * 1024 - img.length)]);
  t.status(await t.api('PUT', '/api/settings/logo', { cookie: admin, body: { data_url: dataUrl('image/png', max) } }),
    200, 'exactly 256 KiB through nginx');
  const del = await t.api('DELETE', '/api/settings/logo', { cookie: admin });
  t.status(del, 204, 'DELETE');
  t.status(await t.api('GET', '/api/settings/logo', { cookie: admin }), 404, 'gone');
  t.eq((await getSettings(admin)).logo_url, null, 'logo_url null');
  t.eq(t.db('SELECT count(*) AS n FROM settings_logo')[0].n, 0, 'no row');
});

t.test('audit: filters by action, user and day, newest first; reading it is audited', async () => {
  const admin = await t.admin();
  const me = adminId();
  const today = await clinicToday();
  const u = await t.user('frontdesk');
  const reads = () => t.db(`SELECT count(*) AS n FROM audit WHERE action = 'audit.read' AND user_id = ${me}`)[0].n;
  const r0 = reads();
  const r = await t.api('GET', `/api/audit?action=user.create&user_id=${me}&from=${today}&to=${today}&limit=20`, { cookie: admin });
  t.status(r, 200, 'GET /api/audit');
  const e = r.json.entries;
  t.ok(Array.isArray(e) && e.length > 0, 'entries');
  t.ok(e.every((x) => x.action === 'user.create' && x.user_id === me), 'only the filtered action and user');
  t.eq([e[0].entity, e[0].entity_id, e[0].username, e[0].role], ['user', u.id, 'admin', 'admin'], 'newest entry is the last creation');
  for (const k of ['id', 'ts', 'user_id', 'username', 'role', 'ip', 'action', 'entity', 'entity_id', 'patient_id']) {
    t.ok(k in e[0], `field ${k}`);
  }
  t.ok(e.every((x, i) => i === 0 || e[i - 1].ts >= x.ts), 'newest first');
  t.eq(reads(), r0 + 1, 'the read was audited as audit.read');

  const fam = await t.api('GET', `/api/audit?action=user&user_id=${me}&limit=200`, { cookie: admin });
  t.ok(fam.json.entries.length > 0 && fam.json.entries.every((x) => x.action.startsWith('user.')), 'action=user is the family');
  const verb = await t.api('GET', `/api/audit?action=login&user_id=${u.id}`, { cookie: admin });
  t.eq(verb.json.entries.map((x) => x.action), ['auth.login'], 'action=login is the verb');
  const d = new Date(`${today}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  const tomorrow = d.toISOString().slice(0, 10);
  const none = await t.api('GET', `/api/audit?from=${tomorrow}&user_id=${me}`, { cookie: admin });
  t.eq(none.json.entries, [], 'nothing from tomorrow');
  t.status(await t.api('GET', '/api/audit?from=2026-02-30', { cookie: admin }), 422, 'impossible date');
  t.status(await t.api('GET', '/api/audit?action=x%27%20OR%201', { cookie: admin }), 422, 'odd action');
  t.status(await t.api('GET', '/api/audit?limit=500', { cookie: admin }), 422, 'limit over 200');
  const page = await t.api('GET', `/api/audit?user_id=${me}&limit=2&offset=1`, { cookie: admin });
  t.eq(page.json.entries.length, 2, 'limit');
});

t.test('audit CSV: text/csv with a header row, the filtered rows, admin only', async () => {
  const admin = await t.admin();
  const desk = await t.user('frontdesk');
  const r = await t.api('GET', `/api/audit.csv?action=user.create&user_id=${adminId()}`, { cookie: admin });
  t.status(r, 200, 'GET /api/audit.csv (nginx needs a location for it: conf/nginx.conf.in)');
  t.ok(/^text\/csv/.test(r.headers['content-type']), `content type ${r.headers['content-type']}`);
  t.ok(/attachment; filename="nalamdesk-audit-\d{4}-\d{2}-\d{2}\.csv"/.test(r.headers['content-disposition'] || ''),
    'Content-Disposition');
  const lines = r.text.split('\r\n').filter((l) => l);
  t.eq(lines[0], 'id,ts,user_id,username,role,ip,action,entity,entity_id,patient_id', 'header row');
  t.ok(lines.length > 1, 'rows');
  t.ok(lines.slice(1).every((l) => l.includes('"user.create"')), 'only the filtered action');
  t.ok(lines.slice(1).some((l) => l.endsWith(`"user","${desk.id}",`) || l.includes(`"user",${desk.id},`)),
    'the creation of the new user');
  t.status(await t.api('GET', '/api/audit.csv', { cookie: desk.cookie }), 403, 'front desk');
});

// Runs PROG --cgi (ASan build) on a scratch state directory.
function cgi(dir, prog, method, urlPath, { body = '', cookie = '', query = '' } = {}) {
  const res = spawnSync(path.join(BIN, prog), ['--cgi'], {
    input: body, encoding: 'utf8',
    env: {
      PATH: process.env.PATH, ASAN_OPTIONS: 'detect_leaks=0', NALAMDESK_DB: path.join(dir, 'db', 'nalamdesk.db'),
      NALAMDESK_VAR: dir, REQUEST_METHOD: method, DOCUMENT_URI: urlPath, QUERY_STRING: query,
      HTTP_HOST: 'localhost', REMOTE_ADDR: '127.0.0.1', HTTP_COOKIE: cookie, CONTENT_TYPE: 'application/json',
      CONTENT_LENGTH: String(Buffer.byteLength(body)),
    },
  });
  const out = res.stdout || '';
  const cut = out.indexOf('\r\n\r\n');
  const head = out.slice(0, cut);
  return { status: Number((/^Status: (\d+)/.exec(head) || [])[1]), head, text: out.slice(cut + 4), stderr: res.stderr };
}

t.test('audit CSV (program run directly): formula-like cells get a quote, quotes are doubled', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nd-admin-csv-'));
  try {
    const env = { ...process.env, ASAN_OPTIONS: 'detect_leaks=0' };
    execFileSync(path.join(BIN, 'nalamdesk-admin'), ['--var', dir, 'migrate'], { stdio: 'ignore', env });
    execFileSync(path.join(BIN, 'nalamdesk-admin'), ['--var', dir, 'user', 'add', '--username', 'boss', '--name', 'Boss',
      '--role', 'admin'], { input: 'scratch-pass-123\n', stdio: ['pipe', 'ignore', 'ignore'], env });
    execFileSync('sqlite3', [path.join(dir, 'db', 'nalamdesk.db'), "INSERT INTO audit (ts, username, ip, action) VALUES"
      + " ('2025-01-10T10:00:00.000Z', '=HYPERLINK(\"http://x\",\"y\")', '-1+2', 'test.inject'),"
      + " ('2025-01-10T10:00:01.000Z', '@SUM(1)', '+1', 'test.inject'),"
      + " ('2025-01-10T10:00:02.000Z', 'a\"b,c', NULL, 'test.inject')"]);
    const login = cgi(dir, 'auth', 'POST', '/api/auth/login', { body: JSON.stringify({ username: 'boss', password: 'scratch-pass-123' }) });
    t.eq(login.status, 200, `scratch sign-in: ${login.text}`);
    const cookie = /Set-Cookie: (nd_session=[^;]+)/.exec(login.head)[1];
    const r = cgi(dir, 'admin', 'GET', '/api/audit.csv', { cookie, query: 'action=test.inject' });
    t.eq(r.status, 200, `CSV: ${r.text.slice(0, 200)}`);
    const lines = r.text.split('\r\n').filter((l) => l);
    t.eq(lines.slice(1).map((l) => l.split(',').slice(3).join(',')), [
      '"a""b,c",,,"test.inject",,,',
      '"\'@SUM(1)",,"\'+1","test.inject",,,',
      '"\'=HYPERLINK(""http://x"",""y"")",,"\'-1+2","test.inject",,,',
    ], 'cells from username on');
    t.ok(!/runtime error|AddressSanitizer/.test(r.stderr + login.stderr), `no sanitizer report: ${r.stderr}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

t.test('backup: 201, the file exists 0600 and verifies, is recorded and listed first', async () => {
  const admin = await t.admin();
  const r = await t.api('POST', '/api/backups', { cookie: admin });
  t.status(r, 201, 'POST /api/backups');
  const b = r.json.backup;
  t.ok(/^nalamdesk-\d{8}T\d{6}Z(-\d+)?\.db$/.test(b.file), `file name ${b.file}`);
  t.eq([b.integrity, b.kind, b.present], ['ok', 'manual', true], 'integrity, kind, present');
  const file = path.join(VAR, 'backups', b.file);
  const st = fs.statSync(file);
  t.eq(st.mode & 0o777, 0o600, 'mode 0600');
  t.eq(b.size_bytes, st.size, 'size');
  t.eq(fs.statSync(path.join(VAR, 'backups')).mode & 0o777, 0o700, 'directory 0700');
  // With VAR/backup.key (deploy/run.sh makes one) the copy is sealed: the admin tool's verify
  // and restore open it; the restored database is then checked as a plain copy would be.
  let plain = file;
  const sealed = fs.readFileSync(file).subarray(0, 8).toString() === 'NDBKENC1';
  t.eq(b.encrypted, sealed, 'encrypted says what the file is');
  // The test stack is made as `make run` makes one (deploy/run.sh), with a backup passphrase:
  // the copy must be sealed, never skipped over as if it were plain.
  t.ok(fs.existsSync(path.join(VAR, 'backup.key')), 'the stack has VAR/backup.key');
  {
    t.ok(sealed, 'sealed with VAR/backup.key');
    t.ok(!fs.readFileSync(file).includes(Buffer.from('argon2id')), 'no password hash in the clear');
    const tool = path.join(BIN, 'nalamdesk-admin');
    const v = execFileSync(tool, ['--var', VAR, 'verify', file], { encoding: 'utf8' });
    t.ok(/decrypted: ok/.test(v) && /: good$/m.test(v), `nalamdesk-admin verify: ${v.slice(-200)}`);
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nd-restore-'));
    execFileSync(tool, ['--var', tmp, 'restore', '--passphrase-file', path.join(VAR, 'backup.key'), file],
      { encoding: 'utf8' });
    plain = path.join(tmp, 'db', 'nalamdesk.db');
    t.ok(fs.existsSync(plain), 'nalamdesk-admin restore put it in place');
  }
  const q = (sql) => execFileSync('sqlite3', ['-readonly', plain, sql], { encoding: 'utf8' }).trim();
  t.eq(q('PRAGMA integrity_check'), 'ok', 'integrity_check of the copy');
  t.eq(q('PRAGMA foreign_key_check'), '', 'foreign_key_check of the copy');
  t.eq(Number(q('PRAGMA user_version')), t.db('PRAGMA user_version')[0].user_version, 'schema version');
  t.eq(b.schema_version, t.db('PRAGMA user_version')[0].user_version, 'schema_version in the answer');
  t.eq(Number(q("SELECT count(*) FROM users WHERE username = 'admin'")), 1, 'the copy holds the data');
  const row = t.db(`SELECT file, integrity, kind, created_by FROM backups WHERE id = ${b.id}`)[0];
  t.eq(row, { file: b.file, integrity: 'ok', kind: 'manual', created_by: adminId() }, 'recorded');
  t.eq(t.db(`SELECT count(*) AS n FROM audit WHERE action = 'backup.create' AND entity_id = ${b.id}`)[0].n, 1, 'audited');
  const list = await t.api('GET', '/api/backups', { cookie: admin });
  t.status(list, 200, 'GET /api/backups');
  t.eq(list.json.backups[0].file, b.file, 'newest first');
  t.ok(!fs.readdirSync(path.join(VAR, 'backups')).some((f) => f.endsWith('.partial')), 'no .partial left');
});

t.test('backup listing shows files the table lacks as unchecked', async () => {
  const admin = await t.admin();
  const r = await t.api('POST', '/api/backups', { cookie: admin });
  t.status(r, 201, 'POST /api/backups');
  const ext = `nalamdesk-external-${t.uniq('')}.db`;
  const dst = path.join(VAR, 'backups', ext);
  try {
    fs.copyFileSync(path.join(VAR, 'backups', r.json.backup.file), dst);
  } catch (e) {
    t.skip(`cannot write into VAR/backups as this user: ${e.code}`);
  }
  try {
    const list = await t.api('GET', '/api/backups', { cookie: admin });
    const x = list.json.backups.find((b) => b.file === ext);
    t.ok(x, 'listed');
    t.eq([x.id, x.integrity, x.present, x.kind], [null, 'unchecked', true, null], 'as unchecked');
  } finally {
    fs.rmSync(dst, { force: true });
  }
});

t.test('system status: admin sees everything, the doctor only the warnings, front desk nothing', async () => {
  const admin = await t.admin();
  const doc = await t.user('doctor');
  const desk = await t.user('frontdesk');
  t.status(await t.api('POST', '/api/backups', { cookie: admin }), 201, 'a fresh backup');
  const r = await t.api('GET', '/api/system', { cookie: admin });
  t.status(r, 200, 'GET /api/system');
  const s = r.json;
  t.ok(typeof s.version === 'string' && s.version.length > 0, 'version');
  t.eq(s.schema_version, t.db('PRAGMA user_version')[0].user_version, 'schema_version');
  t.ok(s.database_bytes > 0 && Number.isInteger(s.wal_bytes), 'database and WAL sizes');
  t.ok(s.disk_free_bytes > 0 && typeof s.disk_low === 'boolean', 'disk');
  t.eq([s.backup_stale, s.backup_never], [false, false], 'a backup was just taken: neither old nor missing');
  t.eq(s.backup_copy, { dir: null, last_file: null, last_at: null }, 'no second place set: backup_copy of nulls');
  t.ok(s.last_backup && s.last_backup.integrity === 'ok', `last_backup ${JSON.stringify(s.last_backup)}`);
  const crt = path.join(VAR, 'tls', 'server.crt');
  const end = /notAfter=(.*)/.exec(execFileSync('openssl', ['x509', '-enddate', '-noout', '-in', crt], { encoding: 'utf8' }))[1];
  const want = new Date(end).toISOString().slice(0, 10);
  if (s.certificate_expires === null) {
    const mode = (fs.statSync(path.join(VAR, 'tls')).mode & 0o777).toString(8);
    t.ok(false, `certificate_expires is null; VAR/tls is mode ${mode}: the service user cannot read server.crt`);
  }
  t.eq(s.certificate_expires, want, 'certificate expiry date');
  const pool = (name) => s.pools.find((p) => p.program === name);
  t.ok(pool('admin') && pool('admin').workers >= 1, `admin pool: ${JSON.stringify(s.pools)}`);
  t.ok(pool('auth') && pool('auth').workers >= 1, 'auth pool');
  // The sign-in pool runs the auth program through its own link and is listed by that name,
  // not counted among auth's workers.
  t.ok(pool('signin') && pool('signin').workers >= 1, `signin pool listed on its own: ${JSON.stringify(s.pools)}`);
  t.ok(pool('auth').workers <= 2, `auth counts its own workers only (${pool('auth').workers})`);
  // The PC's clock zone (which the backup timer follows) beside the clinic's.
  const link = fs.readlinkSync('/etc/localtime');
  const clock = link.includes('zoneinfo/') ? link.slice(link.indexOf('zoneinfo/') + 9) : '';
  t.eq(s.clock_zone, clock, `clock_zone is /etc/localtime's zone (${link})`);
  const same = (zone) => Buffer.compare(fs.readFileSync('/etc/localtime'), fs.readFileSync(`/usr/share/zoneinfo/${zone}`)) === 0;
  const settings = (await t.api('GET', '/api/settings', { cookie: admin })).json;
  t.eq(s.clock_differs, !same(settings.timezone), `clock_differs: the PC keeps ${clock}, the clinic ${settings.timezone}`);
  const putZone = async (zone) => {
    const now = (await t.api('GET', '/api/settings', { cookie: admin })).json;
    t.status(await t.api('PUT', '/api/settings', { cookie: admin, body: { timezone: zone, version: now.version } }), 200, `timezone ${zone}`);
  };
  // A zone with other rules than the clock's differs; the clock's own zone does not.
  const other = same('Asia/Kolkata') ? 'Europe/London' : 'Asia/Kolkata';
  await putZone(other);
  t.eq((await t.api('GET', '/api/system', { cookie: admin })).json.clock_differs, true, `clinic in ${other}: differs`);
  if (clock) {
    await putZone(clock);
    t.eq((await t.api('GET', '/api/system', { cookie: admin })).json.clock_differs, false, `clinic in ${clock}: the same`);
  }
  await putZone(settings.timezone);
  t.ok(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(pool('admin').oldest_started_at || ''), 'oldest_started_at');
  t.status(await t.api('GET', '/api/system', { cookie: doc.cookie }), 403, 'doctor: the status is the admin\'s');
  const d = await t.api('GET', '/api/system/warnings', { cookie: doc.cookie });
  t.status(d, 200, 'doctor: the warnings');
  t.eq(Object.keys(d.json).sort(), ['backup_never', 'backup_stale', 'disk_low'], 'doctor sees only the warnings');
  t.eq(d.json.backup_stale, s.backup_stale, 'the same backup_stale as the admin\'s status');
  t.eq(d.json.backup_never, s.backup_never, 'the same backup_never');
  t.eq(d.json.disk_low, s.disk_low, 'the same disk_low');
  t.status(await t.api('GET', '/api/system', { cookie: desk.cookie }), 403, 'front desk');
  t.status(await t.api('GET', '/api/system/warnings', { cookie: desk.cookie }), 403, 'front desk: warnings');
});

t.test('role matrix: doctor and front desk get 403 on admin routes, no session 401; nothing written', async () => {
  const doc = await t.user('doctor');
  const desk = await t.user('frontdesk');
  const target = await t.user('frontdesk');
  const img = dataUrl('image/png', png());
  const routes = [
    ['GET', '/api/users'], ['GET', `/api/users/${target.id}`],
    ['POST', '/api/users', { username: t.uniq('x'), name: 'X', role: 'admin', password: 'some-password-1' }],
    ['PATCH', `/api/users/${target.id}`, { version: 1, role: 'admin' }],
    ['PUT', '/api/settings', { version: 1, clinic_name: 'Hijack' }],
    ['PUT', '/api/settings/logo', { data_url: img }], ['DELETE', '/api/settings/logo'],
    ['GET', '/api/audit'], ['GET', '/api/backups'], ['POST', '/api/backups'],
  ];
  const before = counts();
  const settings = t.db('SELECT key, value FROM settings ORDER BY key');
  for (const [m, p, body] of routes) {
    for (const [who, cookie] of [['doctor', doc.cookie], ['frontdesk', desk.cookie]]) {
      const r = await t.api(m, p, { cookie, body });
      t.status(r, 403, `${who} ${m} ${p}`);
    }
    t.status(await t.api(m, p, { body }), 401, `no session ${m} ${p}`);
  }
  for (const c of [doc.cookie, desk.cookie]) t.status(await t.api('GET', '/api/settings', { cookie: c }), 200, 'settings for all');
  t.eq(counts(), before, 'row counts unchanged');
  t.eq(t.db('SELECT key, value FROM settings ORDER BY key'), settings, 'settings unchanged');
  t.eq(userRow(target.id).role, 'frontdesk', 'target role unchanged');
});

t.run();
