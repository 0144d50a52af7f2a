'use strict';
// offline.test.js — the front desk through a Wi-Fi drop (issue 18), in Debian's chromium with
// context.setOffline(): the app reloads with no network (service worker), a cached patient
// is found, two patients are registered and queued, a payment taken and a no-show marked, all
// kept in the outbox; back online each reaches the server exactly once, tokens in the order
// the writes were made, the receipt gets its number; replaying the same outbox again changes
// nothing; a new epoch (what a restore gives) between the drop and the return drops the cache
// and keeps the outbox for a person to review.
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const t = require('../lib/t.js');
const fs = require('node:fs');
const { newPage, useCookie, sq } = require('./day-helpers.js');

// Chromium registers no service worker for a certificate it does not trust, whatever the
// context's ignoreHTTPSErrors says; a clinic's browsers trust the clinic's CA
// (docs/operations.md), the tests' self-signed certificate is trusted this way.
async function launch() {
	let chromium;
	try { ({ chromium } = require('playwright-core')); } catch { t.skip('playwright-core is not installed in tests/node_modules'); }
	if (!fs.existsSync('/usr/bin/chromium')) t.skip('/usr/bin/chromium is not installed');
	return chromium.launch({ executablePath: '/usr/bin/chromium',
		args: ['--no-sandbox', '--disable-dev-shm-usage', '--ignore-certificate-errors'] });
}

const S = {};
const DBF = () => path.join(process.env.ND_VAR, 'db', 'nalamdesk.db');
const count = (sql) => t.db(sql)[0].n;

async function outboxState(page) {
	return page.evaluate(async () => {
		const { items } = await import('/js/offline/outbox.js');
		return (await items()).map((i) => ({ kind: i.kind, state: i.state, reason: i.review?.reason || null, result: i.result || null }));
	});
}

async function cachedIds(page, store) {
	return page.evaluate(async (s) => (await (await import('/js/offline/db.js')).idb.all(s)).map((r) => r.id), store);
}

async function waitUntil(what, fn, ms = 15000) {
	const end = Date.now() + ms;
	for (;;) {
		const v = await fn();
		if (v) return v;
		if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 150));
	}
}

async function register(page, name, age) {
	await page.evaluate(() => { location.hash = '#/register'; });
	await page.waitForSelector('#register-name');
	await page.fill('#register-name', name);
	await page.selectOption('#register-sex', 'F');
	await page.fill('#register-age', String(age));
	await page.click('#register-submit-queue');
	await page.waitForSelector('#patient-search');	// back on the patients screen
}

t.test('offline: setup (a desk user, a patient seen today, one waiting)', async () => {
	S.desk = await t.user('frontdesk');
	S.tag = t.uniq('').replace(/[^a-z0-9]/gi, '').slice(-6);
	S.p0 = { name: `Kavya Offline${S.tag}`, id: await t.patient(S.desk.cookie, { name: `Kavya Offline${S.tag}`, sex: 'F', age_years: 30 }) };
	const w = await t.patient(S.desk.cookie, { name: `Waiting Offline${S.tag}`, sex: 'M', age_years: 61 });
	const e = await t.api('POST', '/api/queue', { cookie: S.desk.cookie, body: { patient_id: w } });
	t.status(e, 201, 'queued before the drop');
	S.e0 = e.json;
	S.browser = await launch();
	S.problems = [];
	({ ctx: S.ctx, page: S.page } = await newPage(S.browser, S.problems, 'desk'));
	await useCookie(S.ctx, S.desk.cookie);
	await S.page.goto(`${t.BASE}/#/patients`);
	await S.page.waitForSelector('#whoami-role');
	await S.page.waitForFunction(() => navigator.serviceWorker && navigator.serviceWorker.controller, null, { timeout: 20000 });
	await waitUntil('the cache holds the patient and the entry', async () =>
		(await cachedIds(S.page, 'patients')).includes(S.p0.id) && (await cachedIds(S.page, 'queue')).includes(S.e0.id));
});

t.test('offline: a reload with no network finds the app, and a cached patient', async () => {
	if (!S.page) t.skip('no page');
	const page = S.page;
	await S.ctx.setOffline(true);
	await page.reload();
	await page.waitForSelector('#whoami-role', { timeout: 15000 });
	t.eq(await page.textContent('#whoami-role'), 'frontdesk', 'the app, signed in as before');
	t.ok(await page.isVisible('#offline-banner'), 'the offline banner');
	t.ok(/Offline/.test(await page.textContent('#offline-banner')), 'it says offline');
	await page.evaluate(() => { location.hash = '#/payments'; });	// a screen not opened before the drop
	await page.waitForSelector('#pay-form');
	await page.evaluate(() => { location.hash = '#/patients'; });
	await page.waitForSelector('#patient-search');
	await page.fill('#patient-search', '');
	await page.type('#patient-search', `Kavya Offline${S.tag}`.slice(0, 12));
	await page.waitForSelector(`#patient-results [data-id="${S.p0.id}"]`);
	// The service worker keeps no API answer: its caches hold the shell's files and the logo,
	// and an API read with no network fails instead of being answered from a cache.
	const cached = await page.evaluate(async () => {
		const out = [];
		for (const k of await caches.keys()) for (const r of await (await caches.open(k)).keys()) out.push(new URL(r.url).pathname);
		return out;
	});
	t.ok(cached.includes('/index.html') && cached.length > 10, `the shell is cached (${cached.length} files)`);
	t.eq(cached.filter((p) => p.startsWith('/api/') && p !== '/api/settings/logo'), [], 'no API answer in any cache');
	const reads = await page.evaluate(async () => Promise.all(['/api/auth/me', '/api/queue', '/api/changes'].map(async (u) => {
		try { return `${u} ${(await fetch(u)).status}`; } catch { return `${u} unreachable`; }
	})));
	t.eq(reads, ['/api/auth/me unreachable', '/api/queue unreachable', '/api/changes unreachable'], 'API reads offline reach no cache');
});

t.test('offline: register two and queue both, a payment, a no-show: all kept, nothing invented', async () => {
	if (!S.page) t.skip('no page');
	const page = S.page;
	S.a = `Anbu Drop${S.tag}`;
	S.b = `Bala Drop${S.tag}`;
	await register(page, S.a, 41);
	await register(page, S.b, 52);
	// The no-show, on the cached queue; the two new patients are there without a token.
	await page.evaluate(() => { location.hash = '#/queue'; });
	const row = page.locator(`[data-testid=queue-row][data-id="${S.e0.id}"]`);
	await row.waitFor();
	await page.waitForFunction(() => document.querySelectorAll('[data-testid=queue-no-token]').length === 2);
	t.eq(await page.locator('[data-testid=queue-no-token]').first().textContent(), 'will get a token', 'no token invented');
	await row.locator('[data-testid=queue-no_show]').click();
	await page.waitForSelector(`[data-testid=queue-row][data-id="${S.e0.id}"] [data-testid=queue-pending]`);
	// The payment, for the cached patient; its receipt stays on screen for the return.
	await page.evaluate(() => { location.hash = '#/payments'; });
	await page.waitForSelector('#pay-patient');
	await page.click('#pay-patient');
	await page.type('#pay-patient', `Kavya Offline${S.tag}`.slice(0, 12));
	await page.waitForSelector(`#pay-patient-list [data-id="${S.p0.id}"]`);
	await page.keyboard.press('ArrowDown');
	await page.keyboard.press('Enter');
	await page.waitForSelector('#pay-patient-chosen [data-id]');
	await page.fill('#pay-amount', '350');
	await page.click('#pay-submit');
	await page.waitForSelector('#receipt');
	t.ok(/when the connection returns/.test(await page.textContent('#receipt-no')), 'no receipt number invented');
	t.ok(await page.isDisabled('#receipt-print'), 'printing waits for the number');
	const pend = await page.locator('[data-testid=outbox-item]').allTextContents();
	t.eq(pend.length, 6, `six writes kept: ${pend.join(' | ')}`);
	t.ok(pend.some((x) => x.includes(S.a) && /no clinic number yet/.test(x)), 'a pending registration has no clinic number');
	t.ok(pend.some((x) => /will get a token/.test(x)), 'a pending token has no number');
	t.eq(count(`SELECT count(*) AS n FROM patients WHERE name IN (${sq(S.a)}, ${sq(S.b)})`), 0, 'nothing reached the server');
});

t.test('offline: back online, each write reaches the server once, in order; the receipt gets its number', async () => {
	if (!S.page) t.skip('no page');
	const page = S.page;
	await page.waitForSelector('#receipt');	// kept open: its number comes
	await S.ctx.setOffline(false);
	await page.waitForFunction(() => document.querySelectorAll('[data-testid=sent-item]').length === 6, null, { timeout: 20000 });
	const pa = t.db(`SELECT id, clinic_no FROM patients WHERE name = ${sq(S.a)}`);
	const pb = t.db(`SELECT id, clinic_no FROM patients WHERE name = ${sq(S.b)}`);
	t.eq([pa.length, pb.length], [1, 1], 'each registered once');
	const qa = t.db(`SELECT token FROM queue WHERE patient_id = ${pa[0].id}`);
	const qb = t.db(`SELECT token FROM queue WHERE patient_id = ${pb[0].id}`);
	t.eq([qa.length, qb.length], [1, 1], 'each queued once');
	t.ok(qa[0].token < qb[0].token, `tokens in the order made: ${qa[0].token} < ${qb[0].token}`);
	const pay = t.db(`SELECT receipt_no FROM payments WHERE patient_id = ${S.p0.id} AND amount_paise = 35000`);
	t.eq(pay.length, 1, 'the payment once');
	t.eq(t.db(`SELECT status FROM queue WHERE id = ${S.e0.id}`)[0].status, 'no_show', 'the no-show');
	await page.waitForFunction((no) => document.querySelector('#receipt-no')?.textContent === String(no), pay[0].receipt_no, { timeout: 10000 });
	t.ok(!(await page.isDisabled('#receipt-print')), 'the receipt can be printed now');
	const sent = (await page.locator('[data-testid=sent-item]').allTextContents()).join(' | ');
	t.ok(sent.includes(`clinic no. ${pa[0].clinic_no}`) && sent.includes(`token ${qa[0].token}`), `what went through is said: ${sent}`);
	S.counts = () => [count(`SELECT count(*) AS n FROM patients WHERE name IN (${sq(S.a)}, ${sq(S.b)})`),
		count(`SELECT count(*) AS n FROM queue WHERE patient_id IN (${pa[0].id}, ${pb[0].id})`),
		count(`SELECT count(*) AS n FROM payments WHERE patient_id = ${S.p0.id}`),
		t.db(`SELECT version FROM queue WHERE id = ${S.e0.id}`)[0].version];
	S.before = S.counts();
});

t.test('offline: replaying the same outbox again changes nothing', async () => {
	if (!S.before) t.skip('no replay');
	const page = S.page;
	const again = await page.evaluate(async () => {
		const { idb } = await import('/js/offline/db.js');
		const ob = await import('/js/offline/outbox.js');
		for (const i of await ob.items()) { i.state = 'pending'; i.force = true; await idb.put('outbox', i); }
		await ob.replay();
		return (await ob.items()).map((i) => i.state);
	});
	t.eq(again, ['done', 'done', 'done', 'done', 'done', 'done'], 'sent again, answered again');
	t.eq(S.counts(), S.before, 'the server holds each write once still');
	await page.click('[data-testid=sent-clear]');
	await page.waitForSelector('#outbox-panel', { state: 'hidden' });
});

t.test('offline: a restore between the drop and the return drops the cache and keeps the outbox for review', async () => {
	if (!S.page) t.skip('no page');
	const page = S.page;
	const before = await page.evaluate(async () => (await import('/js/offline/db.js')).idb.get('kv', 'epoch'));
	await S.ctx.setOffline(true);
	S.c = `Chitra Drop${S.tag}`;
	await register(page, S.c, 33);
	// What a restore does to the feed (nalamdesk-admin restore cannot run beside the live
	// stack; tests/api/offline.test.js runs the real one): a new epoch.
	execFileSync('sqlite3', ['-cmd', '.timeout 5000', DBF(), "UPDATE sync_epoch SET epoch = lower(hex(randomblob(8)))"]);
	await S.ctx.setOffline(false);
	await page.waitForSelector('[data-testid=review-item][data-reason=restored]', { timeout: 20000 });
	const items = await outboxState(page);
	t.eq(items.filter((i) => i.state === 'review').map((i) => [i.kind, i.reason]), [['patient', 'restored'], ['queue', 'restored']], 'kept for a person');
	t.eq(count(`SELECT count(*) AS n FROM patients WHERE name = ${sq(S.c)}`), 0, 'not sent by itself');
	const epoch = t.db('SELECT epoch FROM sync_epoch')[0].epoch;
	const kvEpoch = () => page.evaluate(async () => (await import('/js/offline/db.js')).idb.get('kv', 'epoch'));
	// The cache is emptied first, then filled again from the start of the new epoch.
	await waitUntil('the cache in the new epoch', async () => (await kvEpoch()) === epoch).catch(() => {});
	const after = await kvEpoch();
	t.ok(after === epoch && after !== before, `the cache started again in the new epoch (${before} → ${after})`);
	// One click each: send the registration, which lets its queueing go too.
	await page.click('[data-testid=review-item][data-kind=patient] [data-testid=review-send]');
	await page.click('[data-testid=review-item][data-kind=queue] [data-testid=review-send]');
	await page.waitForFunction(() => document.querySelectorAll('[data-testid=sent-item]').length === 2, null, { timeout: 15000 });
	t.eq(count(`SELECT count(*) AS n FROM patients WHERE name = ${sq(S.c)}`), 1, 'registered once after review');
	t.eq(count(`SELECT count(*) AS n FROM queue q JOIN patients p ON p.id = q.patient_id WHERE p.name = ${sq(S.c)}`), 1, 'and queued once');
	t.eq(S.problems.filter((p) => !/net::ERR_INTERNET_DISCONNECTED|Failed to fetch|ERR_NETWORK/.test(p)), [], 'no page errors');
});

t.test('offline: what needs a person after the return, one click each (duplicate, already queued, token moved)', async () => {
	if (!S.page) t.skip('no page');
	const page = S.page;
	if (await page.isVisible('[data-testid=sent-clear]')) await page.click('[data-testid=sent-clear]');
	// Known to this browser before the drop: a patient not queued, and a waiting entry.
	const other = await t.user('frontdesk');	// the other desk, working on while this one is cut off
	const q = { name: `Queued Twice${S.tag}`, id: await t.patient(other.cookie, { name: `Queued Twice${S.tag}`, sex: 'F', age_years: 28 }) };
	const w = await t.patient(other.cookie, { name: `Moved Token${S.tag}`, sex: 'M', age_years: 45 });
	const ew = (await t.api('POST', '/api/queue', { cookie: other.cookie, body: { patient_id: w } })).json;
	await page.evaluate(async () => (await import('/js/offline/cache.js')).syncNow());
	await waitUntil('both in the cache', async () =>
		(await cachedIds(page, 'patients')).includes(q.id) && (await cachedIds(page, 'queue')).includes(ew.id));
	await S.ctx.setOffline(true);
	const dup = `Devi Twice${S.tag}`;
	// A phone no other test registers (the whole suite's patients are in the cache too).
	S.dupPhone = `9${String(Date.now()).slice(-9)}`;
	await page.evaluate(() => { location.hash = '#/register'; });
	await page.waitForSelector('#register-name');
	await page.fill('#register-name', dup);
	await page.selectOption('#register-sex', 'F');
	await page.fill('#register-age', '39');
	await page.fill('#register-phone', S.dupPhone);
	await page.click('#register-submit-queue');
	await page.waitForSelector('#patient-search');
	await page.evaluate((id) => { location.hash = `#/patient/${id}`; }, q.id);	// from the cache
	await page.click('#patient-add-queue');
	await page.click('[data-testid=queue-dialog] [data-testid=dialog-ok]');
	await page.waitForSelector('[data-testid=queue-dialog]', { state: 'detached' });
	await page.evaluate(() => { location.hash = '#/queue'; });
	await page.locator(`[data-testid=queue-row][data-id="${ew.id}"] [data-testid=queue-no_show]`).click();
	await page.waitForSelector(`[data-testid=queue-row][data-id="${ew.id}"] [data-testid=queue-pending]`);
	// Meanwhile at the other desk: the same person registered, Q queued, W called in.
	const existing = (await t.api('POST', '/api/patients', { cookie: other.cookie, body: { name: dup, sex: 'F', age_years: 39, phone: S.dupPhone } })).json;
	t.status(await t.api('POST', '/api/queue', { cookie: other.cookie, body: { patient_id: q.id } }), 201, 'Q queued by the other desk');
	t.status(await t.api('PATCH', `/api/queue/${ew.id}`, { cookie: other.cookie, body: { status: 'in_consult' } }), 200, 'W called in');
	await S.ctx.setOffline(false);
	await page.waitForFunction(() => document.querySelectorAll('[data-testid=review-item]').length === 4, null, { timeout: 20000 });
	const reasons = (await outboxState(page)).filter((i) => i.state === 'review').map((i) => [i.kind, i.reason]);
	t.eq(reasons, [['patient', 'duplicate'], ['queue', 'blocked'], ['queue', 'already_queued'], ['status', 'stale']], 'each kept write that needs a person, and why');
	t.eq(count(`SELECT count(*) AS n FROM patients WHERE name = ${sq(dup)}`), 1, 'not registered twice meanwhile');
	// One click: the same person; the queueing that waited for the registration goes with that id.
	await page.click(`[data-testid=review-item][data-reason=duplicate] [data-testid=review-use]`);
	await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=sent-item]')].some((li) => li.dataset.kind === 'queue'), null, { timeout: 15000 });
	t.eq(t.db(`SELECT count(*) AS n FROM queue WHERE patient_id = ${existing.id}`)[0].n, 1, 'the existing patient queued once');
	t.eq(count(`SELECT count(*) AS n FROM patients WHERE name = ${sq(dup)}`), 1, 'still one patient');
	await page.click('[data-testid=review-item][data-reason=already_queued] [data-testid=review-ok]');
	await page.click('[data-testid=review-item][data-reason=stale] [data-testid=review-ok]');
	await page.waitForSelector('[data-testid=outbox-review]', { state: 'detached' });
	t.eq([count(`SELECT count(*) AS n FROM queue WHERE patient_id = ${q.id}`), t.db(`SELECT status FROM queue WHERE id = ${ew.id}`)[0].status],
		[1, 'in_consult'], 'nothing of the refused writes was made');
});

t.test('offline: a new version of the front end is offered, never mixed into the open page', async () => {
	if (!S.page) t.skip('no page');
	const page = S.page;
	const htdocs = path.join(process.env.ND_VAR, 'app', 'htdocs');
	const file = path.join(htdocs, 'js', 'nav.js');
	const old = fs.readFileSync(file, 'utf8');
	const mark = `// new version ${S.tag}`;
	const navText = () => page.evaluate(async () => (await fetch('/js/nav.js')).text());
	try {
		// What installing a new front end does: new files, a new manifest (deploy/shell-manifest.sh).
		fs.writeFileSync(file, `${old}${mark}\n`);
		execFileSync('bash', [path.join(process.env.ND_ROOT, 'deploy', 'shell-manifest.sh'), htdocs]);
		await page.evaluate(async () => (await navigator.serviceWorker.getRegistration()).update());
		await page.waitForSelector('#update-banner [data-testid=update-reload]', { timeout: 20000 });
		t.ok(!(await navText()).includes(mark), 'the open page still gets its own version of every file');
		await Promise.all([page.waitForNavigation(), page.click('[data-testid=update-reload]')]);
		await page.waitForSelector('#whoami-role');
		t.ok((await navText()).includes(mark), 'after the reload, the new version');
	} finally {
		fs.writeFileSync(file, old);
		execFileSync('bash', [path.join(process.env.ND_ROOT, 'deploy', 'shell-manifest.sh'), htdocs]);
	}
});

t.test('offline: sign-out drops the cache', async () => {
	if (!S.page) t.skip('no page');
	const page = S.page;
	await page.click('#signout');
	await page.waitForSelector('#login-username');
	const left = await page.evaluate(async () => {
		const { idb } = await import('/js/offline/db.js');
		return [(await idb.all('patients')).length, (await idb.all('queue')).length, await idb.get('kv', 'user')];
	});
	t.eq(left, [0, 0, undefined], 'no patient left on this computer');
	await S.browser.close();
});

t.run();
