'use strict';
// badinput.test.js — bad requests get the right 4xx in the one JSON error
// shape, and leave the database exactly as it was.
const t = require('../lib/t.js');

const bodyCases = [
  ['malformed JSON', '{"username": "x", ', 400, 'malformed_json'],
  ['a JSON array', '["admin"]', 400, 'malformed_json'],
  ['a bare string', '"x"', 400, 'malformed_json'],
  ['trailing garbage', '{"username":"newuser1","name":"N","role":"frontdesk","password":"long-enough-1"} x', 400, 'malformed_json'],
  ['a comment', '{/* hi */"username":"newuser1"}', 400, 'malformed_json'],
  ['nesting 50 deep', '{"name":' + '['.repeat(50) + ']'.repeat(50) + '}', 400, 'malformed_json'],
  ['invalid UTF-8', Buffer.concat([Buffer.from('{"username":"ab'), Buffer.from([0xc3, 0x28]), Buffer.from('","name":"N","role":"frontdesk","password":"long-enough-1"}')]), 400, 'malformed_json'],
  ['an overlong UTF-8 slash', Buffer.concat([Buffer.from('{"name":"a'), Buffer.from([0xc0, 0xaf]), Buffer.from('"}')]), 400, 'malformed_json'],
  ['a NUL escape in a string', '{"username":"newuser2","name":"a\\u0000b","role":"frontdesk","password":"long-enough-1"}', 400, 'malformed_json'],
  ['a number for a string', '{"username":12,"name":"N","role":"frontdesk","password":"long-enough-1"}', 422, 'invalid'],
  ['an unknown role', '{"username":"newuser3","name":"N","role":"superuser","password":"long-enough-1"}', 422, 'invalid'],
  ['an unknown field', '{"username":"newuser4","name":"N","role":"frontdesk","password":"long-enough-1","is_admin":true}', 422, 'unknown_field'],
  ['a missing field', '{"username":"newuser5","role":"frontdesk","password":"long-enough-1"}', 422, 'invalid'],
  ['a duplicated field', '{"username":"newuser6","username":"x","name":"N","role":"frontdesk","password":"long-enough-1"}', 400, 'malformed_json'],
  ['a key repeated inside a nested object', '{"username":"newuser8","name":"N","role":"frontdesk","password":"long-enough-1","x":{"a":{"k":1,"k":2}}}', 400, 'malformed_json'],
  ['a key repeated inside an array', '{"username":"newuser9","name":"N","role":"frontdesk","password":"long-enough-1","x":[1,{"k":1,"k":2}]}', 400, 'malformed_json'],
  ['the same key in sibling objects (not a repeat)', '{"username":"newuser10","name":"N","role":"frontdesk","password":"long-enough-1","x":[{"k":1},{"k":2}]}', 422, 'unknown_field'],
  ['a huge number', '{"username":"newuser7","name":"N","role":"frontdesk","password":"long-enough-1","x":1e999999}', 422, 'unknown_field'],
];

t.test('bad bodies to POST /api/users: right status, one error shape, nothing written', async () => {
  const cookie = await t.admin();
  const before = t.counts();
  for (const [what, raw, want, code] of bodyCases) {
    const r = await t.api('POST', '/api/users', { cookie, raw });
    t.eq(r.status, want, `${what}: status (${r.text.slice(0, 120)})`);
    t.eq(r.json && r.json.error && r.json.error.code, code, `${what}: code`);
    t.ok(typeof r.json.error.message === 'string', `${what}: message`);
    t.ok(!/sqlite|yajl|\.c:|errno/i.test(r.json.error.message), `${what}: no internals`);
  }
  t.eq(t.counts(), before, 'database unchanged');
});

t.test('a wrong type on PATCH names the field and changes nothing', async () => {
  const cookie = await t.admin();
  const u = await t.user('frontdesk');
  const before = t.counts();
  const r = await t.api('PATCH', `/api/users/${u.id}`, { cookie, body: { active: 'no', version: 1 } });
  t.status(r, 422, 'PATCH active:"no"');
  t.eq(r.json.error.field, 'active', 'field');
  t.eq(t.counts(), before, 'database unchanged');
});

t.test('missing or wrong Content-Type is 415 and writes nothing', async () => {
  const cookie = await t.admin();
  const before = t.counts();
  const body = JSON.stringify({ username: t.uniq('ct'), name: 'N', role: 'frontdesk', password: 'long-enough-1' });
  for (const ct of [null, 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonx']) {
    const r = await t.api('POST', '/api/users', { cookie, raw: body, headers: { 'Content-Type': ct } });
    t.eq(r.status, 415, `Content-Type ${ct}`);
    t.eq(r.json.error.code, 'unsupported_media_type', 'code');
  }
  t.eq(t.counts(), before, 'database unchanged');
});

t.test('a foreign Origin is 403 and writes nothing; no Origin is accepted', async () => {
  const cookie = await t.admin();
  const before = t.counts();
  for (const origin of ['https://evil.example', 'http://127.0.0.1:' + new URL(t.BASE).port, 'null', 'https://127.0.0.1']) {
    const r = await t.api('POST', '/api/users', { cookie, headers: { Origin: origin }, body: { username: t.uniq('or'), name: 'N', role: 'frontdesk', password: 'long-enough-1' } });
    t.eq(r.status, 403, `Origin ${origin}`);
    t.eq(r.json.error.code, 'bad_origin', 'code');
  }
  t.eq(t.counts(), before, 'database unchanged');
  const ok = await t.api('POST', '/api/auth/logout', { cookie: (await t.user('frontdesk')).cookie, noOrigin: true });
  t.status(ok, 204, 'a write without Origin (non-browser client)');
});

t.test('a body over the limit is 413 JSON from nginx, nothing written', async () => {
  const cookie = await t.admin();
  const before = t.counts();
  const r = await t.api('POST', '/api/users', { cookie, raw: JSON.stringify({ username: 'big', name: 'x'.repeat(100000), role: 'frontdesk', password: 'long-enough-1' }) });
  t.status(r, 413, 'huge body');
  t.eq(r.json.error.code, 'payload_too_large', 'code');
  t.eq(t.counts(), before, 'database unchanged');
});

t.test('SQL metacharacters are stored verbatim', async () => {
  const cookie = await t.admin();
  const name = `Robert'); DROP TABLE users;-- "x" \\ % _ ; O'Brien`;
  const username = t.uniq('sq');
  const r = await t.api('POST', '/api/users', { cookie, body: { username, name, role: 'frontdesk', password: 'long-enough-1' } });
  t.status(r, 201, 'create');
  const row = t.db(`SELECT name FROM users WHERE username = '${username}'`);
  t.eq(row[0].name, name, 'stored name');
  const list = await t.api('GET', '/api/users', { cookie });
  t.ok(list.json.users.some((u) => u.name === name), 'read back through the API');
  t.ok(t.db("SELECT count(*) AS n FROM sqlite_schema WHERE name = 'users'")[0].n === 1, 'users table still there');
});

t.test('query strings: bad escapes and huge values are 4xx, not 500', async () => {
  const cookie = await t.admin();
  for (const q of ['limit=abc', 'limit=-1', 'limit=100000', 'limit=%zz', 'from=2026-13-45', `x=${'a'.repeat(3000)}`]) {
    const r = await t.api('GET', `/api/audit?${q}`, { cookie });
    t.ok(r.status >= 400 && r.status < 500, `?${q.slice(0, 30)}: status ${r.status}`);
    t.ok(r.json && r.json.error && r.json.error.code, `?${q.slice(0, 30)}: JSON error`);
  }
});

t.test('path ids that are not positive integers are 404 (a NUL in the path: 400)', async () => {
  const cookie = await t.admin();
  for (const id of ['0', '-1', 'abc', '1.5', '99999999999999999999999', '1%00']) {
    const r = await t.api('GET', `/api/users/${id}`, { cookie });
    t.eq(r.status, id === '1%00' ? 400 : 404, `/api/users/${id}`);
    t.ok(r.json && r.json.error, 'JSON error');
  }
});

t.run();
