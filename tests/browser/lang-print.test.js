'use strict';
// lang-print.test.js — printouts a patient can read (issue 19): a Tamil-reading patient's
// prescription printed to A5 PDF holds the Tamil dosing lines (pdftotext) set in the app's own
// Noto Sans Tamil (fetched from /fonts/, embedded: pdffonts); their receipt is labelled in
// Tamil and its UPI QR code, printed and read back from the PDF's pixels (pdftoppm, zbarimg),
// is the exact UPI link; the follow-up screen lists them with a WhatsApp link in Tamil.
const fs = require('node:fs');
const path = require('node:path');
const os = require('node:os');
const { execFileSync } = require('node:child_process');
const t = require('../lib/t.js');
const H = require('./day-helpers.js');

const S = { problems: [] };
const VPA = 'nalam.test@okaxis';

function need() {
	if (!S.page) t.skip('no browser (the first test failed or skipped)');
}

t.test('lang print: set up a Tamil-reading patient, a finalized visit and a UPI ID', async () => {
	S.doc = await t.user('doctor');
	S.desk = await t.user('frontdesk');
	S.old = await H.setSettings({ upi_vpa: VPA });
	S.clinic = (await t.api('GET', '/api/settings', { cookie: S.desk.cookie })).json.clinic_name;
	S.today = await H.clinicToday(S.desk.cookie);
	S.name = `${H.tamilWord(3)} ${H.tamilWord(4)}`;
	S.pid = await t.patient(S.desk.cookie, { name: S.name, language: 'ta', phone: H.mobile() });
	const c = await t.api('POST', '/api/visits', { cookie: S.doc.cookie, body: { patient_id: S.pid } });
	t.status(c, 201, 'POST /api/visits');
	const tomorrow = new Date(`${S.today}T00:00:00Z`);
	tomorrow.setUTCDate(tomorrow.getUTCDate() + 1);
	const p = await t.api('PATCH', `/api/visits/${c.json.id}`, {
		cookie: S.doc.cookie, body: {
			version: c.json.version, complaint: 'Fever', follow_up_date: tomorrow.toISOString().slice(0, 10),
			prescriptions: [
				{ medicine: 'Paracetamol', strength: '650 mg', form: 'tablet', dose: '1-0-1', timing: 'after_food', duration_days: 5 },
				{ medicine: 'Pantoprazole', strength: '40 mg', form: 'tablet', dose: '1-0-0', timing: 'empty_stomach', duration_days: 10 },
			],
		},
	});
	t.status(p, 200, 'PATCH /api/visits');
	t.status(await t.api('POST', `/api/visits/${c.json.id}/finalize`, { cookie: S.doc.cookie, body: {} }), 200, 'finalize');
	S.vid = c.json.id;
	S.browser = await H.launch();
	({ ctx: S.ctx, page: S.page } = await H.newPage(S.browser, S.problems, 'doctor'));
	await H.useCookie(S.ctx, S.doc.cookie);
	S.fonts = [];
	S.page.on('response', (r) => { if (new URL(r.url()).pathname.startsWith('/fonts/')) S.fonts.push([new URL(r.url()).pathname, r.status()]); });
});

t.test('lang print: the prescription on A5 holds the Tamil dosing in the app\'s own font', async () => {
	need();
	const p = S.page;
	await p.goto(`${t.BASE}/#/consult/${S.vid}`);
	await p.waitForSelector('[data-testid=rx-local]');
	const shown = await p.locator('[data-testid=rx-local]').allInnerTexts();
	t.eq(shown.map(H.norm), ['காலை 1, இரவு 1 — உணவுக்குப் பின் — 5 நாட்கள்', 'காலை 1 — வெறும் வயிற்றில் — 10 நாட்கள்'], 'Tamil lines on screen');
	await p.evaluate(() => document.fonts.ready);
	t.eq(await p.evaluate(() => document.fonts.check('16px "ND Tamil"', 'காலை')), true, 'the app\'s Tamil font is loaded');
	const pdf = await H.printToPdf(p, 'lang-prescription');
	const mm = H.pageMm(pdf.info);
	t.ok(mm && Math.abs(mm[0] - 148) < 2 && Math.abs(mm[1] - 210) < 2, `A5 paper: ${pdf.info['Page size']}`);
	const txt = H.norm(pdf.text);
	for (const want of ['காலை 1, இரவு 1 — உணவுக்குப் பின் — 5 நாட்கள்', 'காலை 1 — வெறும் வயிற்றில் — 10 நாட்கள்',
		'morning and night, after food, 5 days', 'சாப்பிடும் முறை', S.name]) {
		t.ok(txt.includes(want), `"${want}" in the PDF: ${txt}`);
	}
	const fonts = execFileSync('pdffonts', [pdf.file], { encoding: 'utf8' });
	const tamil = fonts.split('\n').filter((l) => /NotoSansTamil/.test(l));
	t.ok(tamil.length > 0 && tamil.every((l) => /\byes\s+yes\s+yes\b|\byes\s+yes\s+no\b/.test(l)), `Noto Sans Tamil embedded: ${fonts}`);
	t.ok(S.fonts.some(([f, st]) => f === '/fonts/NotoSansTamil-Regular.ttf' && st === 200), `the font came from the app: ${JSON.stringify(S.fonts)}`);
	await p.screenshot({ path: path.join(process.env.ND_OUT || os.tmpdir(), `lang-prescription-${process.pid}.png`), fullPage: true });
});

t.test('lang print: the receipt is labelled in Tamil and its printed QR reads the exact UPI link', async () => {
	need();
	const { ctx, page: p } = await H.newPage(S.browser, S.problems, 'frontdesk');
	S.deskCtx = ctx;
	await H.useCookie(ctx, S.desk.cookie);
	await p.goto(`${t.BASE}/#/payments?patient=${S.pid}`);
	await p.waitForSelector('#pay-amount');
	await p.waitForFunction(() => document.activeElement && document.activeElement.id === 'pay-amount');
	await p.fill('#pay-amount', '1234.50');
	await p.click('#pay-submit');
	await p.waitForSelector('[data-testid=receipt-qr]');
	await p.waitForFunction(() => { const i = document.querySelector('[data-testid=receipt-qr]'); return i && i.complete && i.naturalWidth > 0; });
	const no = (await p.innerText('#receipt-no')).trim();
	const pdf = await H.printToPdf(p, 'lang-receipt');
	const txt = H.norm(pdf.text);
	for (const want of ['ரசீது', 'ரசீது எண்', 'தொகை', 'செலுத்திய முறை', '₹1,234.50']) t.ok(txt.includes(want), `"${want}" on the receipt: ${txt}`);
	const png = pdf.file.replace(/\.pdf$/, '');
	execFileSync('pdftoppm', ['-r', '200', '-png', '-singlefile', pdf.file, png]);
	let got;
	try {
		got = execFileSync('zbarimg', ['-q', '--raw', `${png}.png`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
	} catch (e) {
		if (e.code === 'ENOENT') t.skip('zbarimg (zbar-tools) is not installed');
		throw new Error(`zbarimg found no QR code in ${png}.png`);
	}
	const enc = (s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
	t.eq(got, `upi://pay?pa=${VPA}&pn=${enc(S.clinic)}&am=1234.50&tn=${no}`, 'the exact UPI link');
	await p.screenshot({ path: path.join(process.env.ND_OUT || os.tmpdir(), `lang-receipt-${process.pid}.png`), fullPage: true });
	S.deskPage = p;
});

t.test('lang print: the follow-up screen lists the patient with a Tamil WhatsApp reminder', async () => {
	need();
	const p = S.deskPage;
	await p.goto(`${t.BASE}/#/followups`);
	const row = p.locator(`[data-testid=followup-row][data-id="${S.pid}"]`);
	await row.waitFor();
	t.eq(await row.getAttribute('data-when'), 'tomorrow', 'due tomorrow');
	const wa = await row.locator('[data-testid=followup-whatsapp]').getAttribute('href');
	t.ok(new URL(wa).searchParams.get('text').startsWith(`வணக்கம் ${S.name}`), `Tamil reminder: ${wa}`);
	t.ok((await row.locator('[data-testid=followup-call]').getAttribute('href')).startsWith('tel:+91'), 'phone link');
	await p.setViewportSize({ width: 768, height: 900 });
	await p.screenshot({ path: path.join(process.env.ND_OUT || os.tmpdir(), `lang-followups-768-${process.pid}.png`), fullPage: true });
});

t.test('lang print: no page errors or CSP violations', async () => {
	need();
	t.eq(S.problems, [], 'problems');
});

t.test('lang print: close', async () => {
	if (S.browser) await S.browser.close();
	await H.restoreSettings(S.old);
});

t.run();
