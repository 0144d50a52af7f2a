'use strict';
// money.test.js — the money screens in Debian's chromium: an itemised bill
// from the clinic's charges, a receipt reprinted from its own address (the
// sheet alone, on A5), the admin voiding it with a reason on the payments
// screen (and the front desk unable to), and the owner's reports with their
// chart and CSV link.
const t = require('../lib/t.js');
const H = require('./day-helpers.js');

const BASE = t.BASE;
const S = { problems: [] };

function need(...keys) {
	for (const k of ['page', ...keys]) if (!S[k]) t.skip(`no ${k} (an earlier step failed or skipped)`);
}

t.test('money: set up a front desk, an admin and the clinic\'s charges', async () => {
	S.browser = await H.launch();
	S.admin = await t.admin();
	S.desk = await t.user('frontdesk');
	S.pid = await t.patient(S.desk.cookie, { name: t.uniq('Selvi Money ') });
	S.today = await H.clinicToday(S.desk.cookie);
	const ch = await t.api('GET', '/api/charges', { cookie: S.admin });
	t.status(ch, 200, 'GET /api/charges');
	S.charges = ch.json;
	const put = await t.api('PUT', '/api/charges', { cookie: S.admin, body: { version: ch.json.version, charges: [
		{ description: 'Consultation', amount_paise: 30000 }, { description: 'ECG', amount_paise: 25000 }, { description: 'Medicines', amount_paise: 0 }] } });
	t.status(put, 200, 'PUT /api/charges');
	const other = await t.patient(S.desk.cookie);
	t.status(await t.api('POST', '/api/payments', { cookie: S.desk.cookie, body: { patient_id: other, amount_paise: 30000, mode: 'cash' } }), 201, 'a payment that stays');
	({ ctx: S.ctx, page: S.page } = await H.newPage(S.browser, S.problems, 'desk'));
	await H.useCookie(S.ctx, S.desk.cookie);
});

t.test('money: the desk bills items from the charges list; the lines add up to the amount', async () => {
	need();
	const p = S.page;
	await p.goto(`${BASE}/#/payments?patient=${S.pid}`);
	await p.waitForSelector(`#pay-patient-chosen [data-id="${S.pid}"]`);
	await p.click('[data-testid=pay-charge][data-description="Consultation"]');
	await p.click('[data-testid=pay-charge][data-description="ECG"]');
	await p.click('[data-testid=pay-charge][data-description="Medicines"]');
	t.eq(await p.evaluate(() => document.activeElement.dataset.field), 'items[2].amount_paise', 'a charge without a price puts the cursor on its amount');
	await p.keyboard.type('84.50');
	t.eq(await p.inputValue('#pay-amount'), '634.50', 'the amount is the lines\' total');
	t.ok(await p.locator('#pay-amount').evaluate((el) => el.readOnly), 'and is not typed while there are lines');
	await p.locator('[data-testid=pay-line-remove]').nth(1).click();
	t.eq(await p.inputValue('#pay-amount'), '384.50', 'removing a line takes it off the total');
	await p.selectOption('#pay-mode', 'upi');
	await p.click('#pay-submit');
	await p.waitForSelector('#receipt-no');
	const pay = t.db(`SELECT id, receipt_no, amount_paise, mode FROM payments WHERE patient_id = ${S.pid}`);
	t.eq(pay.length, 1, 'one payment');
	t.eq([pay[0].amount_paise, pay[0].mode], [38450, 'upi'], 'payment row');
	t.eq(t.db(`SELECT line, description, amount_paise FROM payment_items WHERE payment_id = ${pay[0].id} ORDER BY line`),
		[{ line: 1, description: 'Consultation', amount_paise: 30000 }, { line: 2, description: 'Medicines', amount_paise: 8450 }], 'its lines');
	t.eq(await p.locator('[data-testid=receipt-items] tbody tr').count(), 2, 'the receipt lists the lines');
	S.pay = pay[0];
});

t.test('money: a receipt reprints from its own address, the sheet alone', async () => {
	need('pay');
	const { ctx, page: p } = await H.newPage(S.browser, S.problems, 'reprint');
	await H.useCookie(ctx, S.desk.cookie);
	await p.goto(`${BASE}/#/print/receipt/${S.pay.id}`);
	await p.waitForSelector('#receipt');
	t.eq(await p.locator('#receipt-no').innerText(), String(S.pay.receipt_no), 'its number');
	t.eq(await p.locator('#receipt-amount').innerText(), '₹384.50', 'its amount');
	t.ok(!(await p.locator('#app-header').isVisible()), 'no app header around the sheet');
	t.eq(await p.locator('#print-paper').inputValue(), 'A5', 'the clinic\'s paper: A5 by default');
	const pdf = await H.printToPdf(p, 'money-receipt');
	const txt = H.norm(pdf.text);
	t.ok(new RegExp(`Receipt no\\. ${S.pay.receipt_no} `).test(txt) && txt.includes('Selvi Money') && txt.includes('Medicines') && txt.includes('384.50'),
		`number, patient, lines and amount on paper: ${txt.slice(0, 300)}`);
	for (const chrome of ['Print (P)', 'Payments', 'Sign out', 'A5 paper']) t.ok(!txt.includes(chrome), `no "${chrome}" on paper`);
	t.eq(pdf.info.Pages, '1', 'one page');
	const mm = H.pageMm(pdf.info);
	t.ok(mm && Math.abs(mm[0] - 148) < 2 && Math.abs(mm[1] - 210) < 2, `A5: ${pdf.info['Page size']}`);
	const au = t.db(`SELECT count(*) AS n FROM audit WHERE action = 'payment.read' AND entity_id = ${S.pay.id} AND user_id = ${S.desk.id}`)[0];
	t.ok(au.n >= 1, 'the reprint is audited');
	await p.click('#print-back-0');
	await p.waitForSelector('#pay-table');
	t.ok(await p.locator('#app-header').isVisible(), 'back to the payments, header and all');
	t.eq(await p.locator(`[data-testid=pay-row][data-id="${S.pay.id}"] [data-testid=pay-void]`).count(), 0, 'the desk has no Void button');
	await ctx.close();
});

t.test('money: the admin voids a receipt with a reason; it stays listed and leaves the report', async () => {
	need('pay');
	const { ctx, page: p } = await H.newPage(S.browser, S.problems, 'admin');
	S.actx = ctx;
	S.apage = p;
	await H.useCookie(ctx, S.admin);
	await p.goto(`${BASE}/#/payments`);
	const row = p.locator(`[data-testid=pay-row][data-id="${S.pay.id}"]`);
	await row.waitFor();
	t.eq(await p.locator('#take-payment, #pay-form').count(), 0, 'the admin takes no payment');
	const before = await p.locator('#report-total').innerText();
	await row.locator('[data-testid=pay-void]').click();
	await p.waitForSelector('[data-testid=void-dialog]');
	await p.click('[data-testid=dialog-ok]');
	await p.waitForSelector('#void-reason[aria-invalid=true]');
	t.eq(t.db(`SELECT voided_at FROM payments WHERE id = ${S.pay.id}`)[0].voided_at, null, 'no reason, no void');
	await p.fill('#void-reason', 'Entered for the wrong patient');
	await p.press('#void-reason', 'Enter');
	await p.waitForSelector(`[data-testid=pay-row][data-id="${S.pay.id}"] [data-testid=pay-voided]`);
	const db = t.db(`SELECT void_reason, receipt_no FROM payments WHERE id = ${S.pay.id}`)[0];
	t.eq(db, { void_reason: 'Entered for the wrong patient', receipt_no: S.pay.receipt_no }, 'voided in the database, number kept');
	await p.waitForFunction((old) => document.querySelector('#report-total')?.textContent !== old, before);
	const daily = await t.api('GET', `/api/reports/daily?date=${S.today}`, { cookie: S.admin });
	const shown = (await p.locator('#report-total').innerText()).replace(/[₹,]/g, '');
	t.eq(shown, (daily.json.collections.total / 100).toFixed(2), 'the day\'s total on screen leaves it out');
	t.ok((await row.innerText()).includes('Entered for the wrong patient'), 'the reason is shown in the list');
});

t.test('money: the owner\'s reports show a chart of the range and a CSV link', async () => {
	need('apage');
	const p = S.apage;
	await p.click('#nav-reports');
	await p.waitForSelector('#report-chart');
	const iso = (dmy) => { const m = /^(\d\d)\/(\d\d)\/(\d{4})$/.exec(dmy); return m ? `${m[3]}-${m[2]}-${m[1]}` : dmy; };
	const from = iso(await p.inputValue('#range-from'));
	const to = iso(await p.inputValue('#range-to'));
	t.eq(to, S.today, 'to today, shown day first');
	const api = await t.api('GET', `/api/reports/range?from=${from}&to=${to}`, { cookie: S.admin });
	t.status(api, 200, 'the same range from the API');
	t.eq(await p.locator('#report-chart g.day').count(), api.json.days.length, 'one group a day in the chart');
	const today = p.locator(`#report-chart g.day[data-date="${S.today}"]`);
	t.ok(await today.locator('rect.bar').count() >= 1, 'today has a bar');
	t.ok((await today.locator('title').textContent()).includes('seen'), 'each day says its figures');
	t.eq(await p.locator('[data-testid=range-day]').count(), api.json.days.length, 'a table row a day');
	const total = (await p.locator('#range-total').innerText()).replace(/[₹,]/g, '');
	t.eq(total, (api.json.totals.collections.total / 100).toFixed(2), 'the total collected');
	t.eq(await p.getAttribute('#range-csv', 'href'), `/api/reports/range?from=${from}&to=${to}&format=csv`, 'the CSV link');
	const [y, m, d] = S.today.split('-');
	const first = new Date(Date.UTC(+y, +m - 1, +d - 2)).toISOString().slice(0, 10);
	await p.fill('#range-from', `${first.slice(8)}${first.slice(5, 7)}${first.slice(0, 4)}`);
	await p.press('#range-from', 'Enter');
	await p.waitForFunction(() => document.querySelectorAll('#report-chart g.day').length === 3);
	t.eq(await p.inputValue('#range-from'), `${first.slice(8)}/${first.slice(5, 7)}/${first.slice(0, 4)}`, 'a range typed day first (ddmmyyyy), Enter shows it');
	await p.selectOption('#range-preset', '7');
	await p.waitForFunction(() => document.querySelectorAll('#report-chart g.day').length === 7);
	t.ok(/#\/reports\?from=\d{4}-\d\d-\d\d&to=/.test(p.url()), `the range stays in the address: ${p.url()}`);
	const dl = p.waitForEvent('download');
	await p.click('#range-csv');
	const file = await (await dl).path();
	const bytes = require('node:fs').readFileSync(file);
	t.eq([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'the download starts with a byte-order mark');
	t.eq(bytes.toString('utf8').trim().split('\r\n').length, 8, 'header and 7 days');
});

t.test('money: the admin sets the clinic\'s charges in Settings', async () => {
	need('apage');
	const p = S.apage;
	await p.click('#nav-settings');
	await p.waitForSelector('[data-testid=charge-row]');
	t.eq(await p.locator('[data-testid=charge-row]').count(), 3, 'the list as set');
	await p.click('#charges-add');
	t.eq(await p.evaluate(() => document.activeElement.dataset.field), 'charges[3].description', 'a new row, its name focused');
	await p.keyboard.type('Dressing');
	await p.keyboard.press('Tab');
	await p.keyboard.type('150');
	await p.locator('[data-testid=charge-remove]').nth(2).click();
	await p.click('#charges-save');
	await p.waitForSelector('[data-testid=toast]:has-text("Charges saved")');
	t.eq(t.db('SELECT pos, description, amount_paise FROM charges ORDER BY pos'), [
		{ pos: 1, description: 'Consultation', amount_paise: 30000 }, { pos: 2, description: 'ECG', amount_paise: 25000 },
		{ pos: 3, description: 'Dressing', amount_paise: 15000 }], 'saved in order');
	await p.click('#charges-add');
	await p.keyboard.type('ecg');
	await p.click('#charges-save');
	await p.waitForSelector('[data-field="charges[3].description"][aria-invalid=true]');
	t.eq(t.db('SELECT count(*) AS n FROM charges')[0].n, 3, 'a duplicate is refused, nothing saved');
});

t.test('money: no page errors', async () => {
	if (S.actx) await S.actx.close();
	if (S.browser) await S.browser.close();
	t.eq(S.problems, [], 'page errors and console errors');
});

t.run();
