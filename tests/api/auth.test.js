'use strict';
// auth.test.js — sign-in, sessions, sign-out, password change, lockout, and
// what nginx adds in front: TLS versions, redirect, headers, JSON errors.
const t = require('../lib/t.js');
const { execFileSync } = require('node:child_process');

const curl = (...args) => {
  try {
    return execFileSync('curl', ['-ks', '--max-time', '10', ...args], { encoding: 'utf8' });
  } catch (e) {
    return { failed: true, code: e.status, out: String(e.stdout || '') };
  }
};

t.test('health answers 200 {"status":"ok"} without a session', async () => {
  const r = await t.api('GET', '/api/health');
  t.status(r, 200, 'GET /api/health');
  t.eq(r.json, { status: 'ok' }, 'body');
});

t.test('sign-in sets an HttpOnly Secure SameSite=Strict cookie and me answers', async () => {
  const u = await t.user('frontdesk');
  const r = await t.api('POST', '/api/auth/login', { body: { username: u.username, password: u.password } });
  t.status(r, 200, 'login');
  t.eq(r.json.user.username, u.username, 'user in the answer');
  t.eq(Object.keys(r.json.user).sort(), ['id', 'language', 'name', 'role', 'username'], 'user fields');
  const c = r.headers['set-cookie'][0];
  t.ok(/^nd_session=[A-Za-z0-9_-]{43};/.test(c), `cookie value: ${c}`);
  t.ok(/; HttpOnly/.test(c) && /; Secure/.test(c) && /; SameSite=Strict/.test(c), `cookie flags: ${c}`);
  const me = await t.api('GET', '/api/auth/me', { cookie: t.cookieOf(r) });
  t.status(me, 200, 'me');
  t.eq(me.json.user.role, 'frontdesk', 'role');
});

t.test('no session is 401 in the JSON error shape', async () => {
  const r = await t.api('GET', '/api/auth/me');
  t.status(r, 401, 'me without a cookie');
  t.eq(r.json.error.code, 'unauthenticated', 'code');
  t.ok(typeof r.json.error.message === 'string' && r.json.error.message.length > 0, 'message');
  const forged = await t.api('GET', '/api/auth/me', { cookie: 'nd_session=' + 'A'.repeat(43) });
  t.status(forged, 401, 'me with a forged token');
});

t.test('unknown user and wrong password get the same 401', async () => {
  const u = await t.user('doctor');
  const a = await t.api('POST', '/api/auth/login', { body: { username: u.username, password: 'wrong-password-1' } });
  const b = await t.api('POST', '/api/auth/login', { body: { username: t.uniq('nobody'), password: 'wrong-password-1' } });
  t.status(a, 401, 'wrong password');
  t.status(b, 401, 'unknown user');
  t.eq(a.json, b.json, 'same body');
});

t.test('logout ends the session on the server', async () => {
  const u = await t.user('frontdesk');
  const out = await t.api('POST', '/api/auth/logout', { cookie: u.cookie });
  t.status(out, 204, 'logout');
  t.ok(/Max-Age=0/.test(out.headers['set-cookie'][0]), 'cookie cleared');
  const me = await t.api('GET', '/api/auth/me', { cookie: u.cookie });
  t.status(me, 401, 'old cookie after logout');
  const hash = t.db(`SELECT count(*) AS n FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.username = '${u.username}'`);
  t.eq(hash[0].n, 0, 'sessions left in the database');
});

// A write on the live database, as another process would make it (SQLite's own locks).
const dbWrite = (sql) => execFileSync('sqlite3', ['-cmd', '.timeout 5000',
  require('node:path').join(process.env.ND_VAR, 'db', 'nalamdesk.db'), sql]);

t.test('a session idle over a minute is touched by its next request; idle 4 hours, refused', async () => {
  const u = await t.user('frontdesk');
  const where = `user_id = (SELECT id FROM users WHERE username = '${u.username}')`;
  const seen = () => t.db(`SELECT last_seen FROM sessions WHERE ${where}`)[0].last_seen;
  dbWrite(`UPDATE sessions SET last_seen = last_seen - 120 WHERE ${where}`);
  const before = seen();
  t.status(await t.api('GET', '/api/auth/me', { cookie: u.cookie }), 200, 'me after 2 minutes idle');
  const after = seen();
  t.ok(after >= before + 110, `last_seen moved on: ${before} -> ${after}`);
  t.status(await t.api('GET', '/api/auth/me', { cookie: u.cookie }), 200, 'me again');
  t.eq(seen(), after, 'not moved again within the minute');
  dbWrite(`UPDATE sessions SET last_seen = last_seen - 4 * 3600 - 60 WHERE ${where}`);
  t.status(await t.api('GET', '/api/auth/me', { cookie: u.cookie }), 401, 'me after 4 hours idle');
});

t.test('a new sign-in replaces the session presented with it (no fixation)', async () => {
  const u = await t.user('frontdesk');
  const r = await t.api('POST', '/api/auth/login', { cookie: u.cookie, body: { username: u.username, password: u.password } });
  t.status(r, 200, 'second sign-in');
  t.ok(t.cookieOf(r) !== u.cookie, 'a new token');
  t.status(await t.api('GET', '/api/auth/me', { cookie: u.cookie }), 401, 'the old token');
  t.status(await t.api('GET', '/api/auth/me', { cookie: t.cookieOf(r) }), 200, 'the new token');
});

t.test('password change ends the other sessions and needs the current password', async () => {
  const u = await t.user('doctor');
  const other = await t.login(u.username, u.password);
  const bad = await t.api('POST', '/api/auth/password', { cookie: u.cookie, body: { current_password: 'not-it-at-all', new_password: 'a-new-password-2' } });
  t.status(bad, 403, 'wrong current password');
  const weak = await t.api('POST', '/api/auth/password', { cookie: u.cookie, body: { current_password: u.password, new_password: 'short' } });
  t.status(weak, 422, 'weak new password');
  t.eq(weak.json.error.field, 'new_password', 'field');
  const ok = await t.api('POST', '/api/auth/password', { cookie: u.cookie, body: { current_password: u.password, new_password: 'a-new-password-2' } });
  t.status(ok, 204, 'change');
  t.status(await t.api('GET', '/api/auth/me', { cookie: other }), 401, 'other session');
  t.status(await t.api('GET', '/api/auth/me', { cookie: u.cookie }), 200, 'this session');
  await t.login(u.username, 'a-new-password-2');
});

t.test('five failures pause the username with 429, even for the right password', async () => {
  const u = await t.user('frontdesk');
  for (let i = 0; i < 5; i++) {
    const r = await t.api('POST', '/api/auth/login', { body: { username: u.username, password: `wrong-${i}-password` } });
    t.status(r, 401, `failure ${i + 1}`);
  }
  const r = await t.api('POST', '/api/auth/login', { body: { username: u.username, password: u.password } });
  t.status(r, 429, 'sign-in while paused');
  t.ok(Number(r.headers['retry-after']) > 0, 'Retry-After');
  t.eq(r.json.error.code, 'too_many_attempts', 'code');
  const audit = t.db(`SELECT count(*) AS n FROM audit WHERE action = 'auth.login_failed' AND entity_id = ${u.id}`);
  t.eq(audit[0].n, 5, 'failed sign-ins audited');
});

t.test('sign-in with a username in capitals finds the user', async () => {
  const u = await t.user('frontdesk');
  const r = await t.api('POST', '/api/auth/login', { body: { username: u.username.toUpperCase(), password: u.password } });
  t.status(r, 200, 'login');
});

t.test('TLS 1.0 and 1.1 are refused, 1.2 and 1.3 accepted', async () => {
  const url = `${t.BASE}/api/health`;
  for (const v of ['1.0', '1.1']) {
    const r = curl('-o', '/dev/null', '-w', '%{http_code}', `--tlsv${v}`, '--tls-max', v, url);
    t.ok(r.failed || r === '000', `TLS ${v} answered ${JSON.stringify(r)}`);
  }
  for (const v of ['1.2', '1.3']) {
    const r = curl('-o', '/dev/null', '-w', '%{http_code}', `--tlsv${v}`, '--tls-max', v, url);
    t.eq(r, '200', `TLS ${v}`);
  }
});

t.test('plain HTTP to the TLS port is redirected to HTTPS', async () => {
  const port = new URL(t.BASE).port;
  const r = curl('-o', '/dev/null', '-w', '%{http_code} %{redirect_url}', `http://127.0.0.1:${port}/api/health`);
  t.ok(/^30[18] https:\/\/127\.0\.0\.1:\d+\/api\/health$/.test(r), `answer: ${r}`);
});

t.test('security headers on pages and on API errors', async () => {
  for (const p of ['/', '/api/nothing-here', '/api/auth/me']) {
    const r = await t.api('GET', p);
    const h = r.headers;
    t.ok(/max-age=\d+/.test(h['strict-transport-security'] || ''), `${p}: HSTS`);
    t.ok(/script-src 'self'/.test(h['content-security-policy'] || '') && !/unsafe-inline/.test(h['content-security-policy']), `${p}: CSP`);
    t.ok(/frame-ancestors 'none'/.test(h['content-security-policy'] || ''), `${p}: frame-ancestors`);
    t.eq(h['x-content-type-options'], 'nosniff', `${p}: nosniff`);
    t.ok(Boolean(h['referrer-policy']), `${p}: Referrer-Policy`);
  }
});

t.test('the login page is served', async () => {
  const r = await t.api('GET', '/');
  t.status(r, 200, 'GET /');
  t.ok(/<html/i.test(r.text) && /<script[^>]+src=/.test(r.text), 'an HTML page with a script');
  t.ok(!/<script>[^<]/.test(r.text), 'no inline script');
});

t.test("nginx's own errors on /api/ are JSON too", async () => {
  const missing = await t.api('GET', '/api/no-such-program/x');
  t.status(missing, 404, 'unknown API path');
  t.ok(missing.json && missing.json.error && missing.json.error.code, `404 body: ${missing.text}`);
  const big = await t.api('POST', '/api/auth/login', { raw: '{"username":"' + 'a'.repeat(200000) + '"}' });
  t.status(big, 413, 'huge body');
  t.ok(big.json && big.json.error && big.json.error.code === 'payload_too_large', `413 body: ${big.text.slice(0, 200)}`);
  t.ok(/application\/json/.test(big.headers['content-type']), '413 content type');
});

t.run();
