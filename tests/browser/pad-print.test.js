'use strict';
// pad-print.test.js — the printed prescription in chromium against the real
// stack (issue 16): a typical prescription (six medicines, vitals, two
// diagnoses, allergies, advice, review date, a letterhead with a logo and a
// two-line address) prints on ONE A5 page (pdfinfo) with the address's lines
// kept and the brand beside the generic; a ten-medicine one continues on page
// 2 with the patient's name and "page 2 of 2" (pdftotext); in pre-printed pad
// mode the letterhead is absent and the first line sits at the set margins
// (pdftotext -bbox); the front desk reprints from the patient's page at the
// print address, and a draft's address says it is not finalized. On the pad,
// Enter on "dolo" takes Dolo 650's own strength, and a penicillin for a
// patient allergic to it is flagged at once and finalized only with a reason
// (not printed). The PDFs are
// also turned into PNGs (pdftoppm) in ND_OUT (or the temp dir) to be looked at.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const t = require('../lib/t.js');
const H = require('./day-helpers.js');

const S = { problems: [] };
// PAD_SHOTS keeps the PDFs, PNGs and screenshots somewhere that outlives the run.
const OUT = process.env.PAD_SHOTS || process.env.ND_OUT || os.tmpdir();
const ADDRESS = ['12, Gandhi Road, Mylapore', 'Chennai 600004'];

function need(...keys) {
	for (const k of ['page', ...keys]) if (!S[k]) t.skip(`no ${k} (an earlier check failed or skipped)`);
}

const line = H.rxLine;
const TYPICAL = [
	line('Paracetamol', '650 mg', 'tablet', '1-0-1', { brand: 'Dolo 650', instructions: 'Only if the fever is above 100 °F' }),
	line('Azithromycin', '500 mg', 'tablet', '1-0-0', { brand: 'Azee 500', timing: 'before_food', duration_days: 3 }),
	line('Pantoprazole', '40 mg', 'tablet', '1-0-0', { brand: 'Pan 40', timing: 'empty_stomach' }),
	line('Montelukast + Levocetirizine', '10 mg + 5 mg', 'tablet', '0-0-1', { brand: 'Montair-LC', timing: 'bedtime' }),
	line('Ambroxol', '15 mg/5 ml', 'syrup', '5 ml thrice a day', { brand: 'Ambrodil Syrup' }),
	line('Povidone-iodine', '2%', 'gargle', '1-1-1', { instructions: 'Gargle with 10 ml in warm water' }),
];
const MORE = H.RX_MORE;

async function finalVisit(pid, rx, { final = true } = {}) {
	const v = await t.api('POST', '/api/visits', { cookie: S.doc.cookie, body: { patient_id: pid } });
	t.status(v, 201, 'POST /api/visits');
	const p = await t.api('PATCH', `/api/visits/${v.json.id}`, {
		cookie: S.doc.cookie, body: {
			version: v.json.version, complaint: 'Sore throat and fever for 3 days', notes: 'Private note: throat congested',
			vitals: { bp_systolic: 128, bp_diastolic: 84, pulse: 96, temperature_c: 38.4, weight_kg: 62.5, height_cm: 158, spo2: 98 },
			diagnoses: [{ text: 'Acute pharyngitis', code: 'J02.9' }, { text: 'Viral fever' }],
			advice: 'Warm saline gargles four times a day; plenty of fluids; rest. Come back at once if breathing is difficult.',
			follow_up_date: S.review, prescriptions: rx,
		},
	});
	t.status(p, 200, 'PATCH the visit');
	if (!final) return p.json;
	const f = await t.api('POST', `/api/visits/${v.json.id}/finalize`, { cookie: S.doc.cookie, body: {} });
	t.status(f, 200, 'finalize');
	return f.json;
}

// The word boxes of page 1 of FILE: [{x, y, text}] in points from the top left.
function words(file) {
	const html = execFileSync('pdftotext', ['-bbox', '-f', '1', '-l', '1', file, '-'], { encoding: 'utf8' });
	return [...html.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="[\d.]+">([^<]*)<\/word>/g)]
		.map((m) => ({ x: Number(m[1]), y: Number(m[2]), text: m[3] }));
}

// PNGs of the PDF's pages, for a person to look at.
function pngs(file, name) {
	try {
		execFileSync('pdftoppm', ['-png', '-r', '70', file, path.join(OUT, name)]);
	} catch { /* only for looking at */ }
}

async function printAddress(id, rows) {
	const p = S.page;
	await p.goto(`${t.BASE}/#/print/prescription/${id}`);
	await p.waitForSelector('#prescription');
	t.eq(await p.locator('[data-testid=rx-print-row]').count(), rows, `${rows} lines on the sheet`);
	await p.evaluate(() => document.fonts.ready);
}

t.test('pad print: the clinic, a patient with allergies, a typical and a long prescription, finalized', async () => {
	S.admin = await t.admin();
	S.old = (await t.api('GET', '/api/settings', { cookie: S.admin })).json;
	S.clinic = `Sri Nalam Clinic ${t.uniq('')}`;
	await H.putSettings(S.admin, {
		clinic_name: S.clinic, doctor_name: 'Dr. K. Meenakshi', qualification: 'MBBS, DNB (Family Medicine)',
		registration_no: 'TNMC 123456', address: ADDRESS.join('\n'), phone: '044 2345 6789',
		paper: 'A5', print_letterhead: true, pad_margin_top_mm: 0, pad_margin_left_mm: 0,
	});
	t.status(await t.api('PUT', '/api/settings/logo', { cookie: S.admin, body: { data_url: H.pngDataUrl(160, 160) } }), 200, 'logo');
	S.doc = await t.user('doctor');
	S.desk = await t.user('frontdesk');
	const today = await H.clinicToday(S.desk.cookie);
	const d = new Date(`${today}T00:00:00Z`);
	d.setUTCDate(d.getUTCDate() + 5);
	S.review = d.toISOString().slice(0, 10);
	S.name = `Lakshmi Narayanan ${t.uniq('P')}`;
	S.pid = await t.patient(S.desk.cookie, { name: S.name, sex: 'F', age_years: 42, allergies: 'Penicillin, Sulfa drugs' });
	S.typical = (await finalVisit(S.pid, TYPICAL)).id;
	S.long = (await finalVisit(S.pid, [...TYPICAL, ...MORE])).id;
	S.draft = (await finalVisit(S.pid, TYPICAL.slice(0, 1), { final: false })).id;
	S.browser = await H.launch();
	const { ctx, page } = await H.newPage(S.browser, S.problems, 'frontdesk');
	await H.useCookie(ctx, S.desk.cookie);
	S.ctx = ctx;
	S.page = page;
});

t.test('pad print: the front desk reprints from the patient\'s page; a typical prescription is one A5 page', async () => {
	need('typical');
	const p = S.page;
	await p.goto(`${t.BASE}/#/patient/${S.pid}`);
	const link = p.locator(`[data-testid=patient-prescription][data-id="${S.typical}"] a`);
	await link.waitFor();
	t.eq(await p.locator('[data-testid=patient-prescription]').count(), 2, 'the two finalized visits, not the draft');
	await link.click();
	await p.waitForSelector('#prescription');
	t.eq(new URL(p.url()).hash, `#/print/prescription/${S.typical}`, 'at the print address');
	t.eq(await p.locator('[data-testid=rx-print-row]').count(), 6, 'six lines');
	await p.evaluate(() => document.fonts.ready);
	await p.screenshot({ path: path.join(OUT, 'pad-print-screen-1366.png') });
	const pdf = await H.printToPdf(p, 'pad-typical');
	pngs(pdf.file, 'pad-typical');
	const mm = H.pageMm(pdf.info);
	t.ok(mm && Math.abs(mm[0] - 148) < 2 && Math.abs(mm[1] - 210) < 2, `A5 paper: ${pdf.info['Page size']}`);
	t.eq(pdf.info.Pages, '1', 'ONE page');
	const txt = pdf.text;
	const flat = H.norm(txt);
	for (const want of [S.clinic, 'Dr. K. Meenakshi', 'Reg. No. TNMC 123456', S.name, 'Penicillin, Sulfa drugs',
		'Acute pharyngitis (J02.9); Viral fever', 'Paracetamol 650 mg tablet (Dolo 650)', 'Montelukast + Levocetirizine 10 mg + 5 mg tablet (Montair-LC)',
		'1-0-1 = morning and night, after food, 5 days', 'Warm saline gargles', 'Review on', 'BP 128/84 mmHg']) {
		t.ok(flat.includes(want), `"${want}" on the page`);
	}
	t.ok(new RegExp(`${ADDRESS[0]}\\s*\\n\\s*${ADDRESS[1]}`).test(txt), `the address keeps its two lines: ${JSON.stringify(txt.slice(0, 300))}`);
	for (const never of ['Private note', 'Sore throat', 'Print (P)', 'Sign out', 'page 1 of']) t.ok(!flat.includes(never), `no "${never}" on paper`);
	const images = execFileSync('pdfimages', ['-list', pdf.file], { encoding: 'utf8' }).trim().split('\n').length - 2;
	t.ok(images >= 1, `the logo is printed (${images} image)`);
});

t.test('pad print: ten medicines continue on page 2 with the patient\'s name and "page 2 of 2"', async () => {
	need('long');
	await printAddress(S.long, 10);
	const pdf = await H.printToPdf(S.page, 'pad-long');
	pngs(pdf.file, 'pad-long');
	t.eq(pdf.info.Pages, '2', 'two pages');
	const p2 = H.norm(execFileSync('pdftotext', ['-enc', 'UTF-8', '-f', '2', '-l', '2', pdf.file, '-'], { encoding: 'utf8' }));
	t.ok(p2.includes('page 2 of 2'), `"page 2 of 2" on page 2: ${p2.slice(0, 200)}`);
	t.ok(p2.includes(S.name), 'the patient\'s name on page 2');
	const p1 = H.norm(execFileSync('pdftotext', ['-enc', 'UTF-8', '-f', '1', '-l', '1', pdf.file, '-'], { encoding: 'utf8' }));
	t.ok(!p1.includes('page 1 of'), 'page 1 has no running line');
	t.ok(H.norm(pdf.text).includes('Zinc sulfate 20 mg dispersible tablet'), 'the tenth medicine is printed');
});

t.test('pad print: pre-printed pad mode: no letterhead, the first line at the set margins', async () => {
	need('typical');
	await H.putSettings(S.admin, { print_letterhead: false, pad_margin_top_mm: 40, pad_margin_left_mm: 20 });
	await S.page.goto('about:blank');
	await printAddress(S.typical, 6);
	t.eq(await S.page.locator('[data-testid=letterhead]').count(), 0, 'no letterhead on the sheet');
	const pdf = await H.printToPdf(S.page, 'pad-mode');
	pngs(pdf.file, 'pad-mode');
	t.eq(pdf.info.Pages, '1', 'one page');
	const flat = H.norm(pdf.text);
	for (const never of [S.clinic, ADDRESS[0], '044 2345 6789']) t.ok(!flat.includes(never), `no "${never}" on a pre-printed pad`);
	t.ok(flat.includes('Paracetamol 650 mg tablet (Dolo 650)'), 'the prescription is there');
	const w = words(pdf.file);
	const top = Math.min(...w.map((x) => x.y));
	const left = Math.min(...w.map((x) => x.x));
	const pt = (mm) => (mm * 72) / 25.4;
	// pdftotext boxes a word by its font's ascent, a little above the line's own top.
	t.ok(Math.abs(top - pt(40)) <= pt(1.5), `first line at 40 mm from the top: ${(top * 25.4 / 72).toFixed(1)} mm`);
	t.ok(Math.abs(left - pt(20)) <= pt(1), `first column at 20 mm from the left: ${(left * 25.4 / 72).toFixed(1)} mm`);
	t.eq(execFileSync('pdfimages', ['-list', pdf.file], { encoding: 'utf8' }).trim().split('\n').length - 2, 0, 'no logo');
});

t.test('pad print: a pad with a tall printed header: the type made a little smaller keeps one page; far too tall goes to page 2 at full size', async () => {
	need('typical');
	// The sheet's own height in mm at full size (the screen's sheet is as wide as the page's text).
	const heightMm = () => S.page.evaluate(() => {
		const el = document.querySelector('#prescription');
		const top = el.getBoundingClientRect().top + parseFloat(getComputedStyle(el).paddingTop);
		return (el.lastElementChild.getBoundingClientRect().bottom - top) / (96 / 25.4);
	});
	const fit = () => S.page.locator('#prescription').getAttribute('data-fit');
	await printAddress(S.typical, 6);
	t.eq(await fit(), '1', 'at 40 mm the sheet fits at full size');
	t.eq(await S.page.evaluate(() => getComputedStyle(document.querySelector('#prescription')).fontSize), '13.3333px', '10 pt type');
	const h = await heightMm();
	// Room on A5 below a top margin M: 210 - M - 8 mm. 94 % of the sheet's height: fits smaller.
	const tight = Math.round(202 - 0.94 * h);
	t.ok(tight > 40 && tight <= 120, `a margin to try: ${tight} mm (sheet ${h.toFixed(1)} mm)`);
	await H.putSettings(S.admin, { print_letterhead: false, pad_margin_top_mm: tight, pad_margin_left_mm: 20 });
	await S.page.goto('about:blank');
	await printAddress(S.typical, 6);
	const f = Number(await fit());
	t.ok(f >= 0.88 && f < 0.98, `type made smaller: --fit ${f}`);
	let pdf = await H.printToPdf(S.page, 'pad-fit');
	pngs(pdf.file, 'pad-fit');
	t.eq(pdf.info.Pages, '1', `one page below a ${tight} mm header`);
	t.ok(H.norm(pdf.text).includes('Review on'), 'the review date and signature on that page');
	// 75 % of the height: more than 12 % smaller would be needed, so full size on two pages.
	const tall = Math.min(120, Math.round(202 - 0.75 * h));
	await H.putSettings(S.admin, { pad_margin_top_mm: tall });
	await S.page.goto('about:blank');
	await printAddress(S.typical, 6);
	t.eq(await fit(), '1', `below a ${tall} mm header: full size`);
	pdf = await H.printToPdf(S.page, 'pad-nofit');
	t.eq(pdf.info.Pages, '2', 'two pages');
	await H.putSettings(S.admin, { pad_margin_top_mm: 40, pad_margin_left_mm: 20 });
});

t.test('pad print: a draft\'s print address says it is not finalized', async () => {
	need('draft');
	const p = S.page;
	await p.goto(`${t.BASE}/#/print/prescription/${S.draft}`);
	await p.waitForSelector('.notice-error');
	t.ok(/not finalized/.test(await p.locator('.notice-error').innerText()), 'the message');
	t.eq(await p.locator('#prescription').count(), 0, 'no sheet');
});

t.test('pad print: the settings screen previews the pad mode (screenshots at 1366 and 768 wide)', async () => {
	need();
	const { ctx, page } = await H.newPage(S.browser, S.problems, 'admin');
	await H.useCookie(ctx, S.admin);
	await page.goto(`${t.BASE}/#/settings`);
	await page.waitForSelector('#settings-rx-preview .sheet');
	t.eq(await page.locator('#settings-print-letterhead').isChecked(), false, 'the letterhead box is unticked');
	t.eq(await page.inputValue('#settings-pad-top'), '40', 'the top margin');
	t.eq(await page.locator('#settings-rx-preview [data-testid=letterhead]').count(), 0, 'the preview has no letterhead');
	await page.check('#settings-print-letterhead');
	await page.waitForSelector('#settings-rx-preview [data-testid=letterhead]');
	t.ok(await page.locator('#settings-pad-top').isDisabled(), 'the margins are for pads only');
	await page.screenshot({ path: path.join(OUT, 'pad-settings-1366.png'), fullPage: true });
	await page.setViewportSize({ width: 768, height: 1024 });
	await page.screenshot({ path: path.join(OUT, 'pad-settings-768.png'), fullPage: true });
	await ctx.close();
});

t.test('pad: the doctor picks brands with Enter, sees the penicillin conflict at once, finalizes only with a reason', async () => {
	need();
	const pid = await t.patient(S.desk.cookie, { name: `Pad Allergy ${t.uniq('P')}`, sex: 'M', age_years: 35, allergies: 'Penicillin' });
	const v = await t.api('POST', '/api/visits', { cookie: S.doc.cookie, body: { patient_id: pid } });
	t.status(v, 201, 'POST /api/visits');
	t.status(await t.api('PATCH', `/api/visits/${v.json.id}`, { cookie: S.doc.cookie, body: { version: v.json.version, complaint: 'Fever' } }), 200, 'complaint');
	const { ctx, page: p } = await H.newPage(S.browser, S.problems, 'doctor');
	await H.useCookie(ctx, S.doc.cookie);
	await p.goto(`${t.BASE}/#/consult/${v.json.id}`);
	const row = (i) => p.locator(`#rx-rows > tr:nth-child(${i + 1})`);
	await row(0).locator('.rx-medicine').focus();
	// Enter on "dolo" takes Dolo 650: its own strength, never another.
	const answered = p.waitForResponse((r) => new URL(r.url()).searchParams.get('q') === 'dolo');
	await p.keyboard.type('dolo');
	await answered;
	await p.waitForSelector('#rx-rows > tr:nth-child(1) ul.dropdown li[role=option]');
	await p.keyboard.press('Enter');
	await row(0).locator('.rx-dose:focus').waitFor();
	t.eq([await row(0).locator('.rx-medicine').inputValue(), await row(0).locator('.rx-strength').inputValue(),
		await row(0).locator('.rx-form').inputValue(), await row(0).locator('[data-testid=rx-brand-tag]').innerText()],
	['Paracetamol', '650 mg', 'tablet', 'Dolo 650'], 'Enter on "dolo" fills Paracetamol 650 mg tablet, brand Dolo 650');
	await p.keyboard.type('101');
	await p.keyboard.press('Alt+m');
	await row(1).locator('.rx-medicine:focus').waitFor();
	await H.typeAndPick(p, { listSel: '#rx-rows > tr:nth-child(2) ul.dropdown', apiPath: '/api/medicines', query: 'augmentin',
		text: 'Augmentin 625 Duo — Amoxicillin + Clavulanic acid 625 mg tablet' });
	await row(1).locator('.rx-dose:focus').waitFor();
	await p.keyboard.type('101');
	await p.keyboard.press('Tab');
	// The autosave answers the warning: on the Augmentin line, at once.
	await row(1).locator('.rx-warn-allergy').waitFor();
	t.ok(/penicillin/i.test(await row(1).locator('.rx-warn-allergy').innerText()), 'the warning names penicillin');
	t.eq(await row(0).locator('.rx-warn-allergy').count(), 0, 'Dolo 650 is fine');
	await p.waitForSelector('#consult-status[data-state=saved]');
	await p.screenshot({ path: path.join(OUT, 'pad-consult-warning-1366.png') });
	await p.keyboard.press('Control+Enter');
	await row(1).locator('.rx-override:focus').waitFor();
	t.ok(/allergy/i.test(await p.locator('#rx-error').innerText()), 'the refusal is said');
	t.eq(t.db(`SELECT status FROM visits WHERE id = ${v.json.id}`)[0].status, 'draft', 'not finalized without a reason');
	await p.keyboard.type('Took Augmentin last year without a reaction');
	await p.waitForSelector('#consult-status[data-state=saved]');
	await p.keyboard.press('Control+Enter');
	await p.waitForSelector('#prescription');
	t.eq(t.db(`SELECT status FROM visits WHERE id = ${v.json.id}`)[0].status, 'final', 'finalized with the reason');
	t.eq(t.db(`SELECT allergy_override AS o, brand FROM prescriptions WHERE visit_id = ${v.json.id} ORDER BY pos`).map((r) => [r.brand, r.o]),
		[['Dolo 650', null], ['Augmentin 625 Duo', 'Took Augmentin last year without a reaction']], 'brands and the reason stored');
	const sheet = H.norm(await p.locator('#prescription').innerText());
	t.ok(sheet.includes('Amoxicillin + Clavulanic acid 625 mg tablet (Augmentin 625 Duo)'), 'generic with the brand beside it');
	t.ok(!sheet.includes('without a reaction'), 'the reason is not printed');
	await ctx.close();
});

t.test('pad print: no page errors or CSP violations; settings put back', async () => {
	if (S.admin && S.old) {
		const keep = ['clinic_name', 'doctor_name', 'qualification', 'registration_no', 'address', 'phone', 'paper',
			'print_letterhead', 'pad_margin_top_mm', 'pad_margin_left_mm'];
		await H.putSettings(S.admin, Object.fromEntries(keep.map((k) => [k, S.old[k]])));
		if (!S.old.logo_url) await t.api('DELETE', '/api/settings/logo', { cookie: S.admin });
	}
	if (S.browser) await S.browser.close();
	t.eq(S.problems, [], 'problems');
	t.ok(fs.existsSync(OUT), 'output folder');
});

t.run();
