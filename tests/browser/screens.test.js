'use strict';
// screens.test.js — the screens' writes that the "day" tests do not make, each
// through the real stack: the profile's edit (and its 409 when someone else
// saved first), the queue's "Add patient" dialog with its picker, the doctor's
// "Start consultation" carrying on today's draft, the admin's users and
// settings. Then api.js meeting an answer of the wrong shape: the screen says
// so and the console names what was expected, nothing is guessed.
const t = require('../lib/t.js');
const H = require('./day-helpers.js');

const BASE = t.BASE;
const S = { problems: [] };

function need(what = 'page') {
	if (!S[what]) t.skip(`no ${what} (an earlier check failed or skipped)`);
}

t.test('screens: chromium starts; a front desk is signed in', async () => {
	S.browser = await H.launch();
	({ ctx: S.ctx, page: S.page } = await H.newPage(S.browser, S.problems, 'desk'));
	S.desk = await t.user('frontdesk');
	S.doc = await t.user('doctor');
	S.name = t.uniq('Kavitha ');
	S.pid = await t.patient(S.desk.cookie, { name: S.name, sex: 'F', age_years: 30, phone: H.mobile() });
	await H.useCookie(S.ctx, S.desk.cookie);
	await S.page.goto(`${BASE}/#/patient/${S.pid}`);
	await S.page.waitForSelector('#patient-details');
});

t.test('screens: E edits the profile; Enter saves the new mobile number', async () => {
	need();
	const p = S.page;
	await p.locator('body').press('e');
	await p.waitForSelector('#edit-form');
	t.eq(await p.inputValue('#edit-name'), S.name, 'the form holds the patient');
	const phone = H.mobile();
	await p.fill('#edit-phone', phone);
	await p.press('#edit-phone', 'Enter');
	await p.waitForSelector('#patient-details');
	t.eq(await p.locator('[data-testid=patient-phone]').innerText(), phone, 'the profile shows the new number');
	t.eq(t.db(`SELECT phone, version FROM patients WHERE id = ${S.pid}`)[0], { phone, version: 2 }, 'saved once');
});

t.test('screens: an edit after someone else saved shows the 409 and reloads their change', async () => {
	need();
	const p = S.page;
	await p.click('#patient-edit');
	await p.waitForSelector('#edit-form');
	const other = await t.api('PATCH', `/api/patients/${S.pid}`, { cookie: S.desk.cookie, body: { version: 2, notes: 'From the other desk' } });
	t.status(other, 200, 'PATCH /api/patients/{id} from another desk');
	await p.fill('#edit-allergies', 'Sulfa');
	await p.press('#edit-allergies', 'Enter');
	await p.waitForSelector('#edit-reload:visible');
	t.ok((await p.locator('#edit-form .form-error, #edit-form .field-error').allInnerTexts()).join(' ').includes('Someone else changed this record'),
		'the standard sentence for a stale version');
	t.eq(t.db(`SELECT allergies FROM patients WHERE id = ${S.pid}`)[0].allergies, null, 'nothing written');
	await p.click('#edit-reload');
	await p.waitForFunction(() => document.querySelector('#edit-notes').value === 'From the other desk');
	await p.click('#edit-cancel');
	await p.waitForSelector('#patient-details');
});

t.test('screens: A on the queue opens the picker; the patient gets a token', async () => {
	need();
	const p = S.page;
	await p.goto(`${BASE}/#/queue`);
	await p.waitForSelector('#queue-table');
	await p.locator('body').press('a');
	await p.waitForSelector('#queue-add-patient:focus');
	await H.typeAndPick(p, { listSel: '#queue-add-patient-list', apiPath: '/api/patients', query: S.name, id: S.pid });
	await p.waitForSelector(`#queue-add-patient-chosen [data-id="${S.pid}"]`);
	await p.fill('#queue-add-reason', 'Cough');
	await p.press('#queue-add-reason', 'Enter');
	await p.waitForSelector('[data-testid=toast]:has-text("token")');
	const row = p.locator(`[data-testid=queue-row]`, { hasText: S.name });
	await row.waitFor();
	const q = t.db(`SELECT id, status, reason FROM queue WHERE patient_id = ${S.pid}`);
	t.eq(q.map((r) => [r.status, r.reason]), [['waiting', 'Cough']], 'one waiting entry');
	S.qid = q[0].id;
	t.eq(await row.getAttribute('data-id'), String(S.qid), 'the row is that entry');
});

t.test('screens: the doctor\'s "Start consultation" carries on today\'s draft', async () => {
	need();
	const v = await t.api('POST', '/api/visits', { cookie: S.doc.cookie, body: { patient_id: S.pid } });
	t.status(v, 201, 'POST /api/visits');
	const { ctx, page } = await H.newPage(S.browser, S.problems, 'doctor');
	await H.useCookie(ctx, S.doc.cookie);
	await page.goto(`${BASE}/#/patient/${S.pid}`);
	await page.click('#patient-consult');
	await page.waitForSelector('#consult-form');
	t.eq(page.url().split('#')[1], `/consult/${v.json.id}`, 'the open draft, not a new one');
	t.eq(t.db(`SELECT count(*) AS n FROM visits WHERE patient_id = ${S.pid}`)[0].n, 1, 'one visit');
	await ctx.close();
});

t.test('screens: the admin adds a user, renames and deactivates them, and saves settings', async () => {
	need();
	const { ctx, page: p } = await H.newPage(S.browser, S.problems, 'admin');
	S.adminCtx = ctx;
	await H.useCookie(ctx, await t.admin());
	await p.goto(`${BASE}/#/users`);
	await p.waitForSelector('#users-table');
	const username = t.uniq('nurse').toLowerCase();
	await p.fill('#user-username', username);
	await p.fill('#user-name', 'Selvi');
	await p.selectOption('#user-role', 'frontdesk');
	await p.fill('#user-password', 'Long-enough-pw-1');
	await p.press('#user-password', 'Enter');
	const row = p.locator(`[data-testid=user-row][data-username="${username}"]`);
	await row.waitFor();
	await row.locator('[data-testid=user-rename]').click();
	await p.fill('#rename-name', 'Selvi R');
	await p.press('#rename-name', 'Enter');
	await p.waitForSelector('[data-testid=toast]:has-text("Name saved")');
	await p.locator(`[data-testid=user-row][data-username="${username}"] [data-testid=user-toggle]`).click();
	await p.waitForSelector(`[data-testid=user-row][data-username="${username}"].inactive`);
	t.eq(t.db(`SELECT name, active FROM users WHERE username = ${H.sq(username)}`), [{ name: 'Selvi R', active: 0 }], 'the user in the database');

	S.oldSettings = { doctor_name: (await t.api('GET', '/api/settings', { cookie: await t.admin() })).json.doctor_name };
	await p.goto(`${BASE}/#/settings`);
	await p.waitForSelector('#settings-doctor-name');
	await p.fill('#settings-doctor-name', 'Dr. Test Screens');
	await p.waitForFunction(() => document.querySelector('#settings-preview').textContent.includes('Dr. Test Screens'));
	await p.press('#settings-doctor-name', 'Enter');
	await p.waitForSelector('[data-testid=toast]:has-text("Settings saved")');
	t.eq(t.db("SELECT value FROM settings WHERE key = 'doctor_name'")[0].value, 'Dr. Test Screens', 'saved');
});

t.test('screens: an answer of the wrong shape is shown as an error, never guessed', async () => {
	need();
	const seen = [];
	const { ctx, page } = await H.newPage(S.browser, seen, 'shape');
	await H.useCookie(ctx, S.desk.cookie);
	// The queue as a server that had drifted might send it: a list under another key.
	await page.route((u) => u.pathname === '/api/queue', (route) => route.fulfill({
		status: 200, contentType: 'application/json', body: JSON.stringify({ items: [{ id: 1, token: 1 }] }),
	}));
	await page.goto(`${BASE}/#/queue`);
	await page.waitForFunction(() => /does not understand/.test(document.querySelector('#queue-sync')?.textContent || ''));
	t.eq(await page.locator('[data-testid=queue-row]').count(), 0, 'no rows made up from it');
	t.ok(seen.some((s) => s.includes('GET /api/queue: expected {date, rev, entries: [queue entry]}')), `console names the shape: ${seen.join(' | ')}`);
	// A list whose items lack what the screen needs.
	await page.route((u) => u.pathname === '/api/appointments', (route) => route.fulfill({
		status: 200, contentType: 'application/json', body: JSON.stringify({ date: '2026-12-07', appointments: [{ id: 9 }] }),
	}));
	await page.goto(`${BASE}/#/appointments`);
	await page.waitForSelector('#appt-list .notice-error:has-text("does not understand")');
	await ctx.close();
});

t.test('screens: no page errors or CSP violations', async () => {
	need();
	t.eq(S.problems, [], 'problems');
});

t.test('screens: close', async () => {
	await H.restoreSettings(S.oldSettings);
	if (S.browser) await S.browser.close();
});

t.run();
