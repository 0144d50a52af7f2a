'use strict';
// look.test.js — every screen of every role photographed for a person to look at, and every
// printed sheet as PDF and PNG. Not part of `make test` (it takes minutes); run it with
//   bash tests/run tests/tools/look.test.js        (LOOK_OUT=/some/dir keeps the pictures there;
//                                                   LOOK_QUICK=1: English and Tamil at 1366 only;
//                                                   LOOK_SHEETS=1: the printed sheets only;
//                                                   LOOK_ROLES="admin nurse", LOOK_COMBOS="ta,768,en-IN"
//                                                   narrow the screens down)
// It fills a realistic day through the API (patients with Tamil and Hindi names, a queue with
// an emergency, a nurse's vitals, a finalized prescription with brands and an allergy override,
// a ten-medicine one, payments with items and one voided, appointments, follow-ups), then signs
// in as the front desk, the nurse, the doctor and the owner and photographs each of their screens
// at 1366x768 and at 768 px wide, in English, Tamil and Hindi (browser locale en-IN; English also
// under en-US, whose dates must stay day-first). Each screen is also measured: a fail line for a
// page wider than the window, a control whose text does not fit its box, money not written
// ₹1,23,456.00, a date written month-first. The prescription (A5, A4, pre-printed pad mode, ten
// medicines) and the receipt with its UPI QR are printed to PDF and turned into PNGs (pdftoppm).
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const t = require('../lib/t.js');
const H = require('../browser/day-helpers.js');

const OUT = process.env.LOOK_OUT || path.join(process.env.ND_OUT || '/tmp', 'look');
fs.mkdirSync(OUT, { recursive: true });
const QUICK = process.env.LOOK_QUICK === '1';
const SHEETS_ONLY = process.env.LOOK_SHEETS === '1';
const S = { problems: [], findings: [] };
const VPA = 'nalam.clinic@okaxis';

const SCREENS = {
	frontdesk: ['/patients', '/register', '/patient/:pid', '/queue', '/appointments', '/payments', '/reports', '/followups',
		'/print/prescription/:vid', '/print/receipt/:payid'],
	nurse: ['/queue', '/vitals'],
	doctor: ['/queue', '/consult/:draft', '/patient/:pid', '/vitals', '/followups', '/payments', '/reports'],
	admin: ['/users', '/payments', '/reports', '/settings', '/backups', '/audit', '/status'],
};

const day = (n) => { const d = new Date(`${S.today}T00:00:00Z`); d.setUTCDate(d.getUTCDate() + n); return d.toISOString().slice(0, 10); };
const line = H.rxLine;
const TYPICAL = [
	line('Paracetamol', '650 mg', 'tablet', '1-0-1', { brand: 'Dolo 650', instructions: 'Only if the fever is above 100 °F' }),
	line('Amoxicillin + Clavulanic acid', '625 mg', 'tablet', '1-0-1', { brand: 'Augmentin 625 Duo', allergy_override: 'Took it last year without a rash; watched' }),
	line('Pantoprazole', '40 mg', 'tablet', '1-0-0', { brand: 'Pan 40', timing: 'empty_stomach' }),
	line('Montelukast + Levocetirizine', '10 mg + 5 mg', 'tablet', '0-0-1', { brand: 'Montair-LC', timing: 'bedtime' }),
	line('Ambroxol', '15 mg/5 ml', 'syrup', '5 ml thrice a day', { brand: 'Ambrodil Syrup' }),
	line('Povidone-iodine', '2%', 'gargle', '1-1-1', { instructions: 'Gargle with 10 ml in warm water' }),
];
const MORE = H.RX_MORE;

async function visit(pid, rx, { final = true, extra = {} } = {}) {
	const v = await t.api('POST', '/api/visits', { cookie: S.doc.cookie, body: { patient_id: pid } });
	t.status(v, 201, 'POST /api/visits');
	const p = await t.api('PATCH', `/api/visits/${v.json.id}`, {
		cookie: S.doc.cookie, body: {
			version: v.json.version, complaint: 'Sore throat and fever for 3 days', notes: 'Throat congested',
			vitals: { bp_systolic: 128, bp_diastolic: 84, pulse: 96, temperature_c: 38.4, weight_kg: 62.5, height_cm: 158, spo2: 98 },
			diagnoses: [{ text: 'Acute pharyngitis', code: 'J02.9' }, { text: 'Viral fever' }],
			advice: 'Warm saline gargles four times a day; plenty of fluids; rest.',
			follow_up_date: day(1), prescriptions: rx, ...extra,
		},
	});
	t.status(p, 200, 'PATCH the visit');
	if (!final) return p.json;
	const f = await t.api('POST', `/api/visits/${v.json.id}/finalize`, { cookie: S.doc.cookie, body: {} });
	t.status(f, 200, 'finalize');
	return f.json;
}

async function queue(pid, reason, priority) {
	const r = await t.api('POST', '/api/queue', { cookie: S.desk.cookie, body: { patient_id: pid, reason, ...(priority ? { priority } : {}) } });
	t.status(r, 201, 'POST /api/queue');
	return r.json;
}

async function pay(pid, items, mode = 'upi') {
	const amount = items.reduce((a, x) => a + x.amount_paise, 0);
	const r = await t.api('POST', '/api/payments', { cookie: S.desk.cookie, body: { patient_id: pid, amount_paise: amount, mode, items } });
	t.status(r, 201, 'POST /api/payments');
	return r.json;
}

t.test('look: a clinic\'s day filled in through the API', async () => {
	S.admin = await t.admin();
	S.old = (await t.api('GET', '/api/settings', { cookie: S.admin })).json;
	await H.putSettings(S.admin, {
		clinic_name: 'Sri Nalam Family Clinic', doctor_name: 'Dr. K. Meenakshi Sundaram', qualification: 'MBBS, DNB (Family Medicine)',
		registration_no: 'TNMC 123456', address: '12, Gandhi Road, Mylapore\nChennai 600004', phone: '044 2345 6789',
		paper: 'A5', print_letterhead: true, pad_margin_top_mm: 0, pad_margin_left_mm: 0, upi_vpa: VPA,
	});
	t.status(await t.api('PUT', '/api/settings/logo', { cookie: S.admin, body: { data_url: H.pngDataUrl(160, 160) } }), 200, 'logo');
	S.desk = await t.user('frontdesk');
	S.doc = await t.user('doctor');
	S.nurse = await t.user('nurse');
	S.adm = await t.user('admin');
	S.today = await H.clinicToday(S.desk.cookie);
	const P = (fields) => t.patient(S.desk.cookie, fields);
	S.pid = await P({ name: 'முருகன் சுப்பிரமணியம்', sex: 'M', age_years: 54, phone: H.mobile(), address: '4/12, Kamarajar Salai, Triplicane\nChennai 600005',
		allergies: 'Penicillin', notes: 'Diabetic; prefers morning visits', language: 'ta' });
	S.hid = await P({ name: 'सुनीता देवी शर्मा', sex: 'F', age_years: 38, phone: H.mobile(), allergies: 'Sulpha drugs', language: 'hi' });
	S.lid = await P({ name: 'Lakshmi Narayanan Venkataraman', sex: 'F', dob: '1980-05-12', phone: '04423456789', language: 'en' });
	S.kid = await P({ name: 'கார்த்திகேயன் ராஜசேகரன்', sex: 'M', age_years: 7, phone: H.mobile(), language: 'ta' });
	S.rid = await P({ name: 'राजेश कुमार', sex: 'M', age_years: 61, phone: H.mobile(), language: 'hi' });
	// Earlier visits: a finalized prescription with brands and an allergy override (the Tamil
	// patient is allergic to penicillin), a ten-medicine one, follow-ups due.
	S.vid = (await visit(S.pid, TYPICAL)).id;
	S.long = (await visit(S.hid, [...TYPICAL.filter((l) => !l.allergy_override), ...MORE, line('Cetirizine', '10 mg', 'tablet', '0-0-1', { brand: 'Okacet' })])).id;
	await visit(S.lid, TYPICAL.slice(2, 4), { extra: { follow_up_date: day(3) } });
	await visit(S.rid, TYPICAL.slice(0, 1), { extra: { follow_up_date: day(0) } });
	// Today's queue: a walk-in, an emergency that jumps it, an urgent one, the doctor's current patient.
	const q1 = await queue(S.lid, 'Follow-up of blood pressure');
	await queue(S.hid, 'Fever and body ache for 3 days', 'urgent');
	const q3 = await queue(S.kid, 'Fell from the bicycle, cut on the knee', 'emergency');
	await queue(S.rid, 'Sugar review');
	const qm = await queue(S.pid, 'Cough');
	t.status(await t.api('PUT', `/api/queue/${q1.id}/vitals`, { cookie: S.nurse.cookie,
		body: { vitals: { bp_systolic: 150, bp_diastolic: 95, pulse: 88, temperature_c: 37.2, weight_kg: 71.5, height_cm: 162, spo2: 97 }, complaint: 'Headache in the mornings' } }), 200, 'vitals');
	t.status(await t.api('PUT', `/api/queue/${q3.id}/vitals`, { cookie: S.nurse.cookie,
		body: { vitals: { pulse: 110, temperature_c: 37.0, weight_kg: 21 }, complaint: 'Bleeding from the knee' } }), 200, 'vitals');
	// The doctor's draft for the Tamil patient: an amoxicillin not yet overridden (the conflict shows).
	const dr = await visit(S.pid, [TYPICAL[0], { ...TYPICAL[1], allergy_override: undefined }], { final: false });
	S.draft = dr.id;
	t.status(await t.api('PATCH', `/api/queue/${qm.id}`, { cookie: S.desk.cookie, body: { status: 'in_consult' } }), 200, 'in consult');
	// Appointments today and tomorrow.
	for (const [pid, date, time] of [[S.lid, day(0), '17:30'], [S.hid, day(0), '18:00'], [S.rid, day(1), '10:15']]) {
		t.status(await t.api('POST', '/api/appointments', { cookie: S.desk.cookie, body: { patient_id: pid, date, time } }), 201, 'appointment');
	}
	// Money: an itemised bill, a big one (lakh grouping), one voided.
	S.payid = (await pay(S.pid, [{ description: 'Consultation', amount_paise: 30000 }, { description: 'Dressing', amount_paise: 15000 }, { description: 'Injection', amount_paise: 7550 }])).id;
	await pay(S.hid, [{ description: 'Consultation', amount_paise: 30000 }], 'cash');
	await pay(S.kid, [{ description: 'Minor procedure and suturing', amount_paise: 9876550 }], 'card');
	const bad = await pay(S.rid, [{ description: 'ECG', amount_paise: 25000 }], 'cash');
	t.status(await t.api('POST', `/api/payments/${bad.id}/void`, { cookie: S.admin, body: { reason: 'Charged twice by mistake' } }), 200, 'void');
	S.browser = await H.launch();
});

// What is wrong on the page, measured: [string].
function measure(page) {
	return page.evaluate(() => {
		const out = [];
		const W = window.innerWidth;
		const se = document.scrollingElement;
		if (se.scrollWidth > W + 1) out.push(`page ${se.scrollWidth}px wide in a ${W}px window`);
		const visible = (el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden' && !el.closest('[hidden]'); };
		const label = (el) => `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : ''} "${(el.tagName === 'SELECT' ? el.selectedOptions[0]?.text : el.textContent || el.value || '').trim().replace(/\s+/g, ' ').slice(0, 40)}"`;
		// A drop-down cuts its chosen option's words without a scroll width to show it: measured.
		const ctx = document.createElement('canvas').getContext('2d');
		for (const el of document.querySelectorAll('select')) {
			if (!visible(el) || !el.selectedOptions[0]) continue;
			const cs = getComputedStyle(el);
			ctx.font = `${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
			const need = ctx.measureText(el.selectedOptions[0].text).width + parseFloat(cs.paddingLeft) + 18;
			if (need > el.clientWidth + 1) out.push(`drop-down too narrow: ${label(el)} (${Math.round(need)} > ${el.clientWidth})`);
		}
		for (const el of document.querySelectorAll('button, a.button, .btn, label, th, .badge, nav a, .tabs a, input[type=submit]')) {
			if (!visible(el)) continue;
			if (el.scrollWidth > el.clientWidth + 2 && getComputedStyle(el).overflowX !== 'auto') out.push(`text does not fit: ${label(el)} (${el.scrollWidth} > ${el.clientWidth})`);
			const r = el.getBoundingClientRect();
			if (r.right > W + 1 && !el.closest('.table-wrap, [style*="overflow"]')) out.push(`off the screen: ${label(el)} right at ${Math.round(r.right)}`);
		}
		// The page's text but the charts' (an axis says ₹25k).
		const parts = [];
		const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
		for (let n = walker.nextNode(); n; n = walker.nextNode()) if (!n.parentElement.closest('svg,script,style,[hidden]')) parts.push(n.textContent);
		const text = parts.join(' ');
		for (const m of text.matchAll(/₹\s?-?[\d,]+(\.\d+)?/g)) {
			const s = m[0].replace(/₹\s?-?/, '');
			if (!/^(\d{1,3}|\d{1,2}(,\d{2})*,\d{3})\.\d{2}$/.test(s)) out.push(`money not ₹1,23,456.00: ${m[0]}`);
		}
		if (/\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]* \d{1,2}, \d{4}/.test(text)) out.push(`a month-first date: ${text.match(/\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]* \d{1,2}, \d{4}/)[0]}`);
		const d = new Date();
		const mf = `${d.getMonth() + 1}/${d.getDate()}/${d.getFullYear()}`;
		if (d.getMonth() + 1 !== d.getDate() && text.includes(mf)) out.push(`today written month-first: ${mf}`);
		return out;
	});
}

async function shoot(page, name) {
	await page.evaluate(() => document.fonts.ready);
	await page.screenshot({ path: path.join(OUT, `${name}.png`) });
	const full = await page.evaluate(() => document.scrollingElement.scrollHeight);
	if (full > page.viewportSize().height + 40) await page.screenshot({ path: path.join(OUT, `${name}-full.png`), fullPage: true });
}

const who = () => ({ frontdesk: S.desk, nurse: S.nurse, doctor: S.doc, admin: S.adm });
// LOOK_COMBOS="ta,768,en-IN hi,1366,en-IN" and LOOK_ROLES="admin nurse" narrow a run down.
const COMBOS = process.env.LOOK_COMBOS ? process.env.LOOK_COMBOS.trim().split(/\s+/).map((c) => { const [l, w, loc] = c.split(','); return [l, Number(w), loc || 'en-IN']; })
	: QUICK ? [['en', 1366, 'en-IN'], ['ta', 1366, 'en-IN']]
	: [['en', 1366, 'en-IN'], ['en', 1366, 'en-US'], ['en', 768, 'en-US'], ['ta', 1366, 'en-IN'], ['ta', 768, 'en-IN'], ['hi', 1366, 'en-IN'], ['hi', 768, 'en-IN'], ['en', 768, 'en-IN']];

for (const role of Object.keys(SCREENS)) {
	t.test(`look: ${role}'s screens`, async () => {
		if (!S.browser) t.skip('no browser');
		if (SHEETS_ONLY) t.skip('LOOK_SHEETS=1');
		if (process.env.LOOK_ROLES && !process.env.LOOK_ROLES.split(/\s+/).includes(role)) t.skip('not in LOOK_ROLES');
		const u = who()[role];
		const bad = [];
		for (const [lang, width, locale] of COMBOS) {
			t.status(await t.api('PATCH', '/api/auth/me', { cookie: u.cookie, body: { language: lang } }), 200, 'language');
			const ctx = await S.browser.newContext({ viewport: { width, height: width === 1366 ? 768 : 1024 }, ignoreHTTPSErrors: true, locale });
			const page = await ctx.newPage();
			page.setDefaultTimeout(15000);
			H.watch(page, S.problems, `${role} ${lang} ${width}`);
			await H.useCookie(ctx, u.cookie);
			for (const route of SCREENS[role]) {
				const url = route.replace(':pid', S.pid).replace(':vid', S.vid).replace(':draft', S.draft).replace(':payid', S.payid);
				await page.goto(`${t.BASE}/#${url}`);
				await page.waitForFunction(() => !document.querySelector('#main.loading'));
				await page.waitForLoadState('networkidle');
				await page.waitForTimeout(150);
				const name = `${role}-${route.split('/').filter((x) => x && !x.startsWith(':')).join('-')}-${lang}-${width}-${locale}`;
				await shoot(page, name);
				for (const m of await measure(page)) bad.push(`${name}: ${m}`);
			}
			await ctx.close();
		}
		t.status(await t.api('PATCH', '/api/auth/me', { cookie: u.cookie, body: { language: 'en' } }), 200, 'language back');
		S.findings.push(...bad);
		for (const b of bad) console.log(`  found: ${b}`);
		t.eq(bad, [], `${role}: what the measures found`);
	});
}

t.test('look: the sign-in form and the waiting-room board', async () => {
	if (!S.browser) t.skip('no browser');
	if (SHEETS_ONLY) t.skip('LOOK_SHEETS=1');
	for (const [lang, width] of [['en', 1366], ['ta', 768], ['hi', 1366]]) {
		const ctx = await S.browser.newContext({ viewport: { width, height: width === 1366 ? 768 : 1024 }, ignoreHTTPSErrors: true, locale: 'en-IN' });
		const page = await ctx.newPage();
		await page.addInitScript((l) => localStorage.setItem('nd.lang', l), lang);
		await page.goto(`${t.BASE}/`);
		await page.waitForSelector('#login-username');
		await shoot(page, `login-${lang}-${width}`);
		await page.goto(`${t.BASE}/display.html${lang === 'en' ? '' : `?lang=${lang}`}`);
		await page.waitForLoadState('networkidle');
		await page.waitForTimeout(500);
		await shoot(page, `board-${lang}-${width}`);
		await ctx.close();
	}
});

async function sheet(address, name, setup) {
	const { ctx, page } = await H.newPage(S.browser, S.problems, name);
	await H.useCookie(ctx, S.desk.cookie);
	if (setup) await H.putSettings(S.admin, setup);
	await page.goto(`${t.BASE}/#${address}`);
	await page.waitForFunction(() => !document.querySelector('#main.loading'));
	await page.waitForLoadState('networkidle');
	await page.evaluate(() => document.fonts.ready);
	await page.waitForTimeout(300);
	await shoot(page, `sheet-${name}-screen`);
	const pdf = await H.printToPdf(page, name);
	const to = path.join(OUT, `sheet-${name}.pdf`);
	fs.copyFileSync(pdf.file, to);
	execFileSync('pdftoppm', ['-png', '-r', '110', to, path.join(OUT, `sheet-${name}`)]);
	await ctx.close();
	return pdf;
}

t.test('look: the printed sheets as PDF and PNG', async () => {
	if (!S.browser) t.skip('no browser');
	const a5 = await sheet(`/print/prescription/${S.vid}`, 'rx-a5');
	t.eq(a5.info.Pages, '1', 'a typical prescription on one A5 page');
	const long = await sheet(`/print/prescription/${S.long}`, 'rx-long-a5');
	t.eq(long.info.Pages, '2', 'eleven medicines on two A5 pages');
	await sheet(`/print/prescription/${S.vid}`, 'rx-a4', { paper: 'A4' });
	await sheet(`/print/prescription/${S.long}`, 'rx-long-a4');
	await sheet(`/print/prescription/${S.vid}`, 'rx-pad-a5', { paper: 'A5', print_letterhead: false, pad_margin_top_mm: 45, pad_margin_left_mm: 15 });
	await H.putSettings(S.admin, { print_letterhead: true, pad_margin_top_mm: 0, pad_margin_left_mm: 0 });
	const rc = await sheet(`/print/receipt/${S.payid}`, 'receipt');
	t.ok(/₹525\.50/.test(H.norm(rc.text)), `the receipt's total: ${H.norm(rc.text).slice(0, 300)}`);
	const png = fs.readdirSync(OUT).filter((f) => /^sheet-receipt.*\.png$/.test(f) && !/screen/.test(f)).sort()[0];
	const got = execFileSync('zbarimg', ['-q', '--raw', path.join(OUT, png)], { encoding: 'utf8' }).trim();
	t.ok(got.startsWith(`upi://pay?pa=${VPA}`), `the QR reads: ${got}`);
});

t.test('look: no page errors', async () => {
	t.eq(S.problems, [], 'problems');
	console.log(`pictures in ${OUT}`);
});

t.test('look: close', async () => {
	if (S.browser) await S.browser.close();
	if (S.old) {
		const keep = ['clinic_name', 'doctor_name', 'qualification', 'registration_no', 'address', 'phone', 'paper',
			'print_letterhead', 'pad_margin_top_mm', 'pad_margin_left_mm', 'upi_vpa'];
		await H.putSettings(S.admin, Object.fromEntries(keep.filter((k) => k in S.old).map((k) => [k, S.old[k]])));
	}
});

t.run();
