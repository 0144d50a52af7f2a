'use strict';
// exports.test.js — the admin's Backups screen offers the three CSV exports: each button is a
// link that downloads a file (UTF-8 with a BOM, a header row, the clinic's Tamil names intact),
// reachable with the keyboard; at 1366x768 and at 768 px wide the buttons fit the screen
// (screenshots in $ND_SHOTS, else ND_OUT, for a person to look at).
const fs = require('node:fs');
const path = require('node:path');
const t = require('../lib/t.js');
const H = require('./day-helpers.js');

const S = { problems: [] };

t.test('exports: the Backups screen has a download for patients, visits and payments', async () => {
	S.browser = await H.launch();
	({ ctx: S.ctx, page: S.page } = await H.newPage(S.browser, S.problems, 'admin'));
	const desk = await t.user('frontdesk');
	S.name = t.uniq('கார்த்திக் ');
	await t.patient(desk.cookie, { name: S.name, sex: 'M', age_years: 40 });
	await H.useCookie(S.ctx, await t.admin());
	const p = S.page;
	await p.goto(`${t.BASE}/#/backups`);
	await p.waitForSelector('#exports');
	for (const [id, path] of [['export-patients', '/api/export/patients.csv'], ['export-visits', '/api/export/visits.csv'],
		['export-payments', '/api/export/payments.csv']]) {
		t.eq(await p.getAttribute(`#${id}`, 'href'), path, `${id} links to ${path}`);
	}
	// Keyboard: Tab reaches the first export, Enter downloads it.
	await p.focus('#export-visits');
	await p.keyboard.press('Shift+Tab');
	t.eq(await p.evaluate(() => document.activeElement.id), 'export-patients', 'Tab order reaches the exports');
	const [dl] = await Promise.all([p.waitForEvent('download'), p.keyboard.press('Enter')]);
	t.ok(/^nalamdesk-patients-\d{4}-\d\d-\d\d\.csv$/.test(dl.suggestedFilename()), `file name ${dl.suggestedFilename()}`);
	const text = fs.readFileSync(await dl.path(), 'utf8');
	t.ok(text.startsWith('\ufeffclinic_no,name,'), 'BOM and header');
	t.ok(text.includes(`"${S.name}"`), 'the Tamil name as written');
	const out = process.env.ND_SHOTS || process.env.ND_OUT || '/tmp';
	await p.setViewportSize({ width: 1366, height: 768 });
	await p.screenshot({ path: path.join(out, 'exports-1366.png') });
	await p.setViewportSize({ width: 768, height: 1024 });
	await p.screenshot({ path: path.join(out, 'exports-768.png'), fullPage: true });
	const box = await p.locator('#export-payments').boundingBox();
	t.ok(box && box.x + box.width <= 768, `the last button fits 768 px: ${JSON.stringify(box)}`);
	t.eq(S.problems, [], 'no page or console errors');
	await S.browser.close();
});

t.run();
