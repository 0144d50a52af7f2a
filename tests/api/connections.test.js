'use strict';
// connections.test.js — 2,000 connections at once: nginx answers every one of them. First all
// of them are opened (TLS handshakes done) and held, then each asks GET /api/health at the same
// moment, which holds a second slot per request in nginx (the connection to the program). A
// connection nginx closes without an answer for lack of slots ("worker_connections are not
// enough") fails the test; an answer of any status counts (a pool that is full answers 503).
const tls = require('tls');
const t = require('../lib/t.js');

const N = 2000;
const base = new URL(process.env.ND_BASE);

// Opens one TLS connection; resolves to {sock} when the handshake is done, {failed} if not.
function open() {
  return new Promise((resolve) => {
    const sock = tls.connect({ host: base.hostname, port: Number(base.port), rejectUnauthorized: false,
      servername: 'localhost' });
    let settled = false;
    const done = (v) => { if (!settled) { settled = true; resolve(v); } };
    sock.once('secureConnect', () => done({ sock }));
    sock.once('error', (e) => done({ failed: e.code || e.message }));
    sock.once('close', () => done({ failed: 'closed during the handshake' }));
    sock.setTimeout(60000, () => { sock.destroy(); done({ failed: 'handshake timeout' }); });
  });
}

// Sends one request on SOCK; resolves to its status, or to a string saying how it ended without one.
function ask(sock) {
  return new Promise((resolve) => {
    let head = '';
    let settled = false;
    const done = (v) => { if (!settled) { settled = true; resolve(v); sock.destroy(); } };
    sock.removeAllListeners('close');
    sock.removeAllListeners('error');
    sock.on('data', (d) => {
      head += d.toString('latin1');
      const m = /^HTTP\/1\.1 (\d{3})/.exec(head);
      if (m) done(Number(m[1]));
    });
    sock.once('error', (e) => done(`error ${e.code || e.message}`));
    sock.once('close', () => done('closed unanswered'));
    sock.setTimeout(60000, () => done('no answer in 60 s'));
    sock.write(`GET /api/health HTTP/1.1\r\nHost: ${base.host}\r\nConnection: close\r\n\r\n`);
  });
}

t.test(`${N} connections at once: every one is opened and answered, none closed unanswered`, async () => {
  const t0 = Date.now();
  const opened = await Promise.all(Array.from({ length: N }, open));
  const failed = opened.filter((o) => o.failed).map((o) => o.failed);
  const socks = opened.filter((o) => o.sock).map((o) => o.sock);
  const t1 = Date.now();
  const answers = await Promise.all(socks.map(ask));
  const t2 = Date.now();
  const count = {};
  for (const a of answers) count[a] = (count[a] || 0) + 1;
  console.log(`# ${socks.length} of ${N} opened in ${t1 - t0} ms, answered in ${t2 - t1} ms: ${JSON.stringify(count)}`);
  t.eq(failed.slice(0, 5), [], `connections that could not be opened (${failed.length})`);
  const unanswered = answers.filter((a) => typeof a === 'string');
  t.eq(unanswered.length, 0, `closed without an answer: ${JSON.stringify(count)}`);
  t.ok((count[200] || 0) >= N / 2, `most answered 200: ${JSON.stringify(count)}`);
});

t.run();
