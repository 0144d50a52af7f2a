'use strict';
// queue-day.test.js — the queue in call order, in chromium against the real
// stack (issues 16 and 17, "Done when"): the front desk adds an emergency
// with the keyboard and it jumps the line on the queue screen and on the
// waiting-room board; the nurse records vitals and the complaint at the
// vitals station with the keyboard alone; the doctor's N calls the emergency
// in and the visit starts with the nurse's vitals; "Finish and next"
// finalizes, prints and opens the next patient in call order, and the board
// then shows that one token alone. Every write is checked in the database.
const t = require('../lib/t.js');
const H = require('./day-helpers.js');

const S = { problems: [] };
const BASE = t.BASE;

function need(...keys) {
	for (const k of ['browser', ...keys]) if (!S[k]) t.skip(`no ${k} (an earlier check failed or skipped)`);
}

const qrow = (id) => t.db(`SELECT status, priority, token, complaint, bp_systolic, bp_diastolic, pulse, temperature_c, spo2,
	weight_kg, height_cm, vitals_at IS NOT NULL AS recorded FROM queue WHERE id = ${id}`)[0];
const board = async () => (await t.api('GET', '/api/display', {})).json;
const boardNext = () => S.board.locator('#display-next li').evaluateAll((lis) => lis.map((li) => Number(li.dataset.token)));
const boardServing = () => S.board.locator('#display-serving [data-token]').evaluateAll((els) => els.map((e) => Number(e.dataset.token)));

t.test('queue day: staff, three patients waiting, nobody else in the line', async () => {
	S.desk = await t.user('frontdesk');
	S.nurse = await t.user('nurse');
	S.doc = await t.user('doctor');
	// Earlier test files may have left people waiting or with the doctor today: clear the line.
	const all = await t.api('GET', '/api/queue', { cookie: S.desk.cookie });
	t.status(all, 200, 'GET /api/queue');
	for (const e of all.json.entries.filter((x) => x.status === 'waiting' || x.status === 'in_consult')) {
		t.status(await t.api('PATCH', `/api/queue/${e.id}`, { cookie: S.desk.cookie, body: { status: e.status === 'waiting' ? 'no_show' : 'done' } }), 200, `clear token ${e.token}`);
	}
	S.walkins = [];
	for (const n of ['Arun', 'Bala', 'Chitra']) {
		const pid = await t.patient(S.desk.cookie, { name: `${n} ${t.uniq('Qd')}`, sex: 'F', age_years: 30 });
		const q = await t.api('POST', '/api/queue', { cookie: S.desk.cookie, body: { patient_id: pid, reason: 'Fever' } });
		t.status(q, 201, 'POST /api/queue');
		S.walkins.push(q.json);
	}
	S.emName = `Devi ${t.uniq('Em')}`;
	S.emPid = await t.patient(S.desk.cookie, { name: S.emName, sex: 'F', age_years: 61 });
	S.browser = await H.launch();
	({ ctx: S.deskCtx, page: S.page } = await H.newPage(S.browser, S.problems, 'desk'));
	({ page: S.board } = await H.newPage(S.browser, S.problems, 'board'));
	await S.board.goto(`${BASE}/display.html`);
	await S.board.waitForFunction(() => document.querySelectorAll('#display-next li').length > 0);
	t.eq(await boardNext(), S.walkins.map((e) => e.token), 'the board: the three in order of arrival');
});

t.test('queue day: the desk adds an emergency with the keyboard; it jumps the line on the queue screen and the board', async () => {
	need();
	const p = S.page;
	await p.goto(`${BASE}/`);
	await H.signIn(p, S.desk.username, S.desk.password);
	await p.goto(`${BASE}/#/queue`);
	await p.waitForSelector(`[data-testid=queue-row][data-id="${S.walkins[2].id}"]`);
	await p.keyboard.press('a');
	await p.waitForSelector('#queue-add-patient:focus');
	await H.typeAndPick(p, { listSel: '#queue-add-patient-list', apiPath: '/api/patients', query: S.emName, id: S.emPid });
	await p.waitForSelector(`#queue-add-patient-chosen [data-id="${S.emPid}"]`);
	await p.focus('#queue-add-reason');
	await p.keyboard.type('Fall, head injury');
	await p.keyboard.press('Tab');
	t.ok(await p.locator('#queue-add-priority:focus').count() === 1, 'Tab reaches the priority');
	await p.keyboard.press('End');	// the last choice: emergency
	const added = p.waitForResponse((r) => r.url().endsWith('/api/queue') && r.request().method() === 'POST');
	await p.keyboard.press('Enter');
	const res = await added;
	t.eq(res.status(), 201, 'POST /api/queue');
	S.em = await res.json();
	t.eq(S.em.priority, 'emergency', 'sent as an emergency');
	t.eq(qrow(S.em.id).priority, 'emergency', 'stored as an emergency');
	const first = p.locator('[data-testid=queue-row][data-status=waiting]').first();
	await p.waitForFunction((id) => document.querySelector('[data-testid=queue-row][data-status=waiting]')?.dataset.id === String(id), S.em.id);
	t.eq(await first.getAttribute('data-token'), String(S.em.token), 'first of the waiting on the queue screen, though its token is the last');
	t.ok(S.em.token > S.walkins[2].token, 'its token is the highest');
	t.eq(H.norm(await first.locator('[data-testid=queue-position]').innerText()), '#1', 'position #1');
	const tokens = await p.locator('[data-testid=queue-row][data-status=waiting]').evaluateAll((trs) => trs.map((tr) => Number(tr.dataset.token)));
	t.eq(tokens, [S.em.token, ...S.walkins.map((e) => e.token)], 'then the others in order of arrival');
	await S.board.waitForFunction((tok) => Number(document.querySelector('#display-next li')?.dataset.token) === tok, S.em.token);
	t.eq(await boardNext(), [S.em.token, ...S.walkins.map((e) => e.token)], 'the board: the emergency first');
	// Postpone the first walk-in with the keyboard: P, Enter (to the end of the line).
	await p.click(`[data-testid=queue-row][data-id="${S.walkins[0].id}"] td.token`);
	await p.keyboard.press('p');
	await p.waitForSelector('#queue-postpone-places:focus');
	await p.keyboard.press('Enter');
	await p.waitForFunction((id) => [...document.querySelectorAll('[data-testid=queue-row][data-status=waiting]')].pop()?.dataset.id === String(id), S.walkins[0].id);
	t.eq(qrow(S.walkins[0].id).token, S.walkins[0].token, 'postponed, same token');
	S.order = [S.em, S.walkins[1], S.walkins[2], S.walkins[0]];
	await S.board.waitForFunction((tok) => Number([...document.querySelectorAll('#display-next li')].pop()?.dataset.token) === tok, S.walkins[0].token);
	t.eq(await boardNext(), S.order.map((e) => e.token), 'the board follows the postponement');
});

t.test('queue day: the nurse records vitals and the complaint with the keyboard alone', async () => {
	need('em');
	({ ctx: S.nurseCtx, page: S.npage } = await H.newPage(S.browser, S.problems, 'nurse'));
	const p = S.npage;
	await p.goto(`${BASE}/`);
	await H.signIn(p, S.nurse.username, S.nurse.password);
	await p.waitForURL(/#\/vitals$/);	// the nurse starts at her station
	await p.waitForSelector('#vitals-bp-systolic:focus');
	t.eq(H.norm(await p.locator('#vitals-title').innerText()), `Token ${S.em.token} — ${S.emName}`, 'the first waiting (the emergency) is ready');
	const items = await p.locator('[data-testid=vitals-item]').evaluateAll((bs) => bs.map((b) => Number(b.dataset.token)));
	t.eq(items, S.order.map((e) => e.token), 'the waiting in call order');
	const put = p.waitForResponse((r) => r.url().endsWith(`/api/queue/${S.em.id}/vitals`) && r.request().method() === 'PUT');
	for (const v of ['142', '92', '96', '37.9', '98', '58.5', '160']) {
		await p.keyboard.type(v);
		await p.keyboard.press('Enter');
	}
	t.eq(await p.locator('#vitals-complaint:focus').count(), 1, 'Enter walked to the complaint');
	await p.keyboard.type('Fell at home, headache');
	await p.keyboard.press('Enter');
	t.eq((await put).status(), 200, 'PUT vitals');
	const r = qrow(S.em.id);
	t.eq([r.bp_systolic, r.bp_diastolic, r.pulse, r.temperature_c, r.spo2, r.weight_kg, r.height_cm, r.complaint, r.recorded],
		[142, 92, 96, 37.9, 98, 58.5, 160, 'Fell at home, headache', 1], 'stored on the entry');
	await p.waitForFunction((tok) => document.querySelector('#vitals-title')?.textContent.startsWith(`Token ${tok} `), S.order[1].token);
	t.eq(await p.locator('#vitals-bp-systolic:focus').count(), 1, 'on to the next patient without vitals, first box');
	await p.waitForSelector(`[data-testid=vitals-item][data-id="${S.em.id}"] [data-testid=mark-vitals]`);
	// A refused value is shown beside its box in words, and nothing is stored.
	await p.keyboard.type('400');
	await p.keyboard.press('Control+Enter');
	await p.waitForFunction(() => document.querySelector('#vitals-bp-systolic-error')?.textContent.trim() !== '');
	const msg = await p.locator('#vitals-bp-systolic-error').innerText();
	t.ok(/BP systolic/.test(msg) && /300/.test(msg) && !/vitals\./.test(msg), `the message names the vital: "${msg}"`);
	t.eq(qrow(S.order[1].id).recorded, 0, 'nothing stored for the refused value');
	await S.page.waitForSelector(`[data-testid=queue-row][data-id="${S.em.id}"] [data-testid=mark-vitals]`);
	t.ok(true, 'the desk\'s queue shows who has vitals');
});

t.test('queue day: the doctor\'s N calls the emergency in; the visit starts with the nurse\'s vitals', async () => {
	need('em');
	({ ctx: S.docCtx, page: S.dpage } = await H.newPage(S.browser, S.problems, 'doctor'));
	const p = S.dpage;
	await p.addInitScript(() => { window.print = () => { window.printed = (window.printed || 0) + 1; }; });
	await p.goto(`${BASE}/`);
	await H.signIn(p, S.doc.username, S.doc.password);
	await p.waitForSelector('#queue-call-next');
	await p.waitForSelector(`[data-testid=queue-row][data-id="${S.em.id}"]`);
	const next = p.waitForResponse((r) => r.url().endsWith('/api/queue/next'));
	await p.keyboard.press('n');
	t.eq((await next).status(), 200, 'POST /api/queue/next');
	await p.waitForURL(/#\/consult\/\d+$/);
	await p.waitForSelector('#consult-form');
	S.visit = Number(/#\/consult\/(\d+)/.exec(p.url())[1]);
	t.eq(H.norm(await p.locator('#consult-patient h1').innerText()), S.emName, 'the emergency\'s consultation');
	const v = t.db(`SELECT queue_id, complaint, bp_systolic, bp_diastolic, pulse, temperature_c, spo2, weight_kg, height_cm FROM visits WHERE id = ${S.visit}`)[0];
	t.eq(v, { queue_id: S.em.id, complaint: 'Fell at home, headache', bp_systolic: 142, bp_diastolic: 92, pulse: 96, temperature_c: 37.9, spo2: 98, weight_kg: 58.5, height_cm: 160 },
		'the visit holds the nurse\'s vitals and complaint');
	t.eq(await p.locator('#consult-complaint').inputValue(), 'Fell at home, headache', 'the complaint is filled in');
	t.ok(/BP 142\/92/.test(await p.locator('#consult-vitals-summary').innerText()), 'the folded vitals line shows them');
	t.eq(await p.locator('#consult-vitals').evaluate((d) => d.open), false, 'vitals folded, as they are recorded');
	const pad = await p.locator('#rx-rows .rx-medicine').first().boundingBox();
	t.ok(pad && pad.y + pad.height <= 768, `the pad's first line is above the fold at 1366×768 (y ${pad && Math.round(pad.y)})`);
	t.eq(await p.locator('.rx-medicine:focus').count(), 1, 'the medicine box has the focus');
	await S.board.waitForFunction((tok) => Number(document.querySelector('#display-serving [data-token]')?.dataset.token) === tok, S.em.token);
	t.eq(await boardServing(), [S.em.token], 'the board serves the emergency');
});

t.test('queue day: Finish and next finalizes, prints and opens the next in call order; the board shows one token', async () => {
	need('visit');
	const p = S.dpage;
	await p.focus('#consult-diagnosis-input');
	await p.keyboard.type('Head injury, minor');
	await p.keyboard.press('Enter');
	await p.waitForSelector('[data-testid=diagnosis]');
	await p.waitForSelector('#consult-status[data-state=saved]');
	const next = p.waitForResponse((r) => r.url().endsWith('/api/queue/next'));
	await p.keyboard.press('Alt+n');
	t.eq((await next).status(), 200, 'POST /api/queue/next');
	await p.waitForFunction((v) => /#\/consult\/\d+$/.test(location.hash) && !location.hash.endsWith(`/${v}`), S.visit);
	await p.waitForSelector('#consult-form');
	t.eq(await p.evaluate(() => window.printed), 1, 'the prescription was printed once');
	t.eq(t.db(`SELECT status FROM visits WHERE id = ${S.visit}`)[0].status, 'final', 'the emergency\'s visit is final');
	t.eq(qrow(S.em.id).status, 'done', 'its entry done');
	const nv = Number(/#\/consult\/(\d+)/.exec(p.url())[1]);
	const row = t.db(`SELECT queue_id FROM visits WHERE id = ${nv}`)[0];
	t.eq(row.queue_id, S.order[1].id, 'the next visit is of the next in call order');
	t.eq(qrow(S.order[1].id).status, 'in_consult', 'who is with the doctor now');
	await S.board.waitForFunction((tok) => Number(document.querySelector('#display-serving [data-token]')?.dataset.token) === tok, S.order[1].token);
	t.eq(await boardServing(), [S.order[1].token], 'the board: one token being served');
	t.eq(await boardNext(), S.order.slice(2).map((e) => e.token), 'and the rest in call order');
	const api = await board();
	t.eq(api.serving, [{ token: S.order[1].token }], 'GET /api/display says the same');
});

t.test('queue day: the single key N asks before it finishes a visit; Escape keeps it open', async () => {
	need('visit');
	const p = S.dpage;
	const nv = Number(/#\/consult\/(\d+)/.exec(p.url())[1]);
	await p.locator('#consult-finish-next').focus();	// outside a text box
	await p.keyboard.press('n');
	await p.waitForSelector('[data-testid=finish-next-dialog]');
	await p.keyboard.press('Escape');
	await p.waitForSelector('[data-testid=finish-next-dialog]', { state: 'detached' });
	t.eq(t.db(`SELECT status FROM visits WHERE id = ${nv}`)[0].status, 'draft', 'still a draft');
	t.eq(qrow(S.order[1].id).status, 'in_consult', 'still with the doctor');
	t.ok(/#\/consult\//.test(p.url()) && p.url().endsWith(`/${nv}`), 'still on the same consultation');
});

t.test('queue day: screenshots at 1366 and 768 px wide', async () => {
	need('page', 'npage');
	const dir = process.env.ND_OUT;
	if (!dir) t.skip('ND_OUT is not set');
	await S.page.screenshot({ path: `${dir}/queue-1366.png` });
	await S.npage.screenshot({ path: `${dir}/vitals-1366.png` });
	await S.page.setViewportSize({ width: 768, height: 1024 });
	await S.page.screenshot({ path: `${dir}/queue-768.png` });
	t.ok(true, 'written');
});

t.test('queue day: no page errors or CSP violations', async () => {
	need();
	t.eq(S.problems, [], 'problems');
});

t.test('queue day: close', async () => {
	if (S.browser) await S.browser.close();
});

t.run();
