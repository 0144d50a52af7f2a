'use strict';
// http.js — the small HTTPS client of the drills, the soak and the audit (tests/drills/*.js,
// tests/soak/*.js). Unlike tests/lib/t.js it takes the server as an argument (a drill may run
// several stacks and restart them) and never throws on network errors: a request that did not
// get an answer resolves to {status: 0, error}. Writes carry Content-Type: application/json and
// the server's own Origin, as the browser front end sends them.
const https = require('node:https');
const crypto = require('node:crypto');

class Client {
  // base: https://127.0.0.1:PORT; sockets: keep-alive sockets at most; timeoutMs per request.
  constructor(base, { sockets = 16, timeoutMs = 30000 } = {}) {
    this.base = new URL(base);
    this.timeoutMs = timeoutMs;
    this.agent = new https.Agent({ keepAlive: true, maxSockets: sockets, rejectUnauthorized: false });
  }

  // One request: resolves {status, headers, text, json, ms} or {status: 0, error, ms}.
  request(method, path, { body, cookie, headers = {} } = {}) {
    const t0 = process.hrtime.bigint();
    const ms = () => Number(process.hrtime.bigint() - t0) / 1e6;
    return new Promise((resolve) => {
      const h = { Accept: 'application/json' };
      let data = null;
      if (body !== undefined) data = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
      if (method !== 'GET' && method !== 'HEAD') {
        h['Content-Type'] = 'application/json';
        h.Origin = this.base.origin;
      }
      if (cookie) h.Cookie = cookie;
      Object.assign(h, headers);
      if (data) h['Content-Length'] = data.length;
      let done = false;
      const finish = (v) => { if (!done) { done = true; v.ms = ms(); resolve(v); } };
      const req = https.request({
        host: this.base.hostname, port: this.base.port, path, method, headers: h,
        agent: this.agent, rejectUnauthorized: false,
      }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json = null;
          try { json = text ? JSON.parse(text) : null; } catch { json = null; }
          finish({ status: res.statusCode, headers: res.headers, text, json });
        });
        res.on('error', (e) => finish({ status: 0, error: e.code || e.message }));
        res.on('aborted', () => finish({ status: 0, error: 'aborted' }));
      });
      req.setTimeout(this.timeoutMs, () => req.destroy(new Error('timeout')));
      req.on('error', (e) => finish({ status: 0, error: e.code || e.message }));
      if (data) req.write(data);
      req.end();
    });
  }

  close() { this.agent.destroy(); }
}

function cookieOf(res) {
  return ((res.headers && res.headers['set-cookie']) || []).map((c) => c.split(';')[0])
    .filter((c) => /=./.test(c)).join('; ');
}

// Signs in (retrying while the stack is coming up); returns the cookie or throws.
async function login(client, username, password, tries = 50) {
  let last = null;
  for (let i = 0; i < tries; i++) {
    last = await client.request('POST', '/api/auth/login', { body: { username, password } });
    if (last.status === 200) return cookieOf(last);
    if (last.status !== 0 && last.status < 500 && last.status !== 429) break;
    await sleep(200);
  }
  throw new Error(`sign-in as ${username}: ${last.status} ${last.error || last.text}`);
}

// Creates a user of ROLE with the admin cookie and signs it in: {id, username, password, cookie}.
async function makeUser(client, adminCookie, role, prefix = role.slice(0, 4)) {
  const username = `${prefix}${crypto.randomBytes(4).toString('hex')}`;
  const password = `Pw-${crypto.randomBytes(12).toString('base64url')}`;
  const r = await client.request('POST', '/api/users', {
    cookie: adminCookie, body: { username, name: `Drill ${role} ${username}`, role, password },
  });
  if (r.status !== 201) throw new Error(`creating a ${role}: ${r.status} ${r.error || r.text}`);
  const id = r.json.id ?? (r.json.user && r.json.user.id);
  return { id, username, password, cookie: await login(client, username, password) };
}

function sleep(ms) { return new Promise((r) => setTimeout(r, ms)); }

module.exports = { Client, cookieOf, login, makeUser, sleep };
