'use strict';
// frontend-routes.test.js — htdocs/js/api.js against the programs' own route
// tables (`PROG --routes`): every endpoint the front end calls is a route with
// that method, and no other module of htdocs/js speaks to the server itself.
// The shapes of the answers are checked by api.js on every call of the browser
// tests (a wrong one is a console error, which fails them).
const fs = require('node:fs');
const path = require('node:path');
const t = require('../lib/t.js');

const JS = path.join(process.env.ND_ROOT, 'htdocs', 'js');

// [method, pattern] of every call in api.js: call('GET', `/api/patients/${id(pid)}`, …),
// qs('/api/…'), poll('/api/…') (a GET); `${…}` inside a path is an {id}.
function calls(src) {
	const out = [];
	const re = /\b(?:call\('(\w+)',\s*|poll\(|qs\()\s*(?:qs\()?[`'](\/api\/[^`'?]*)/g;
	for (const m of src.matchAll(re)) out.push([m[1] || 'GET', m[2].replace(/\$\{[^}]*\}/g, '{id}')]);
	return out;
}

function modules(dir) {
	return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
		e.isDirectory() ? modules(path.join(dir, e.name)) : e.name.endsWith('.js') ? [path.join(dir, e.name)] : []);
}

t.test('frontend: every endpoint api.js calls is in a program\'s route table', async () => {
	const have = new Set(t.routes().map((r) => `${r.method} ${r.pattern}`));
	const used = calls(fs.readFileSync(path.join(JS, 'api.js'), 'utf8'));
	t.ok(used.length >= 30, `api.js names its endpoints (found ${used.length})`);
	const missing = used.map(([m, p]) => `${m} ${p}`).filter((k) => !have.has(k));
	t.eq(missing, [], 'calls no program answers');
});

t.test('frontend: only api.js calls the server', async () => {
	const others = [];
	for (const f of modules(JS)) {
		if (path.basename(f) === 'api.js') continue;
		const code = fs.readFileSync(f, 'utf8').replace(/^\s*\/\/.*$/gm, '');
		if (/\bfetch\(|XMLHttpRequest|['"`]\/api\//.test(code)) others.push(path.relative(JS, f));
	}
	t.eq(others, [], 'modules with their own requests');
});

t.run();
