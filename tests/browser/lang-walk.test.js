'use strict';
// lang-walk.test.js — the screens in Tamil and Hindi (issue 19): a front-desk user and a doctor
// switch language from the header and walk the screens converted to the message catalogues
// (the shell: header and nav; patients; follow-ups). Every visible string (text, placeholders,
// labels) must come from the catalogue: a Latin word on a Tamil or Hindi screen fails unless
// that catalogue itself uses it (UPI, WhatsApp, Enter) or it is data (the clinic's, the user's
// and the patients' names). Screens not yet converted are listed in WALK_LATER below.
const t = require('../lib/t.js');
const H = require('./day-helpers.js');

const S = { problems: [] };
const WALK = {
	frontdesk: ['/patients', '/followups', '/register', '/patient/:pid', '/queue', '/appointments', '/payments', '/reports'],
	doctor: ['/patients', '/followups', '/patient/:pid', '/queue', '/appointments', '/payments', '/consult/:vid'],
	nurse: ['/queue', '/vitals'],
	admin: ['/users', '/payments', '/reports', '/settings', '/backups', '/audit', '/status'],
};
// Print addresses show the printed sheet: the prescription stays English for the pharmacist
// (with the patient's-language dosing lines), the receipt is in the patient's language; they
// are checked by lang-print.test.js, not here.

async function catalogue(page, code) {
	return page.evaluate(async (c) => Object.values((await import('/js/i18n.js')).catalogue(c)), code);
}

// The visible strings of the page: text of rendered elements, placeholders, aria-labels.
function visibleStrings(page) {
	return page.evaluate(() => {
		const out = [];
		const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
		for (let n = walker.nextNode(); n; n = walker.nextNode()) {
			const el = n.parentElement;
			// translate="no" marks data shown as it is stored (file names, audit actions).
			if (!el || !n.textContent.trim() || el.closest('script,style,noscript,[hidden],[translate=no]')) continue;
			const r = el.getBoundingClientRect();
			if (r.width === 0 && r.height === 0) continue;
			if (getComputedStyle(el).visibility === 'hidden') continue;
			out.push(n.textContent.trim());
		}
		for (const el of document.querySelectorAll('[placeholder],[aria-label]')) {
			if (el.closest('[hidden],[translate=no]')) continue;
			for (const a of ['placeholder', 'aria-label']) if (el.getAttribute(a)) out.push(el.getAttribute(a));
		}
		return out;
	});
}

// The words of S in Latin letters, leaving out identifiers (a token with a digit, "_", "@",
// "/", ":" or a dot inside: file names, "patient.read", addresses, times).
const latinWords = (s) => String(s).split(/\s+/).filter((tok) => !/[\d_@/:]|\w\.\w/.test(tok))
	.flatMap((tok) => tok.match(/[A-Za-z][A-Za-z'’-]*/g) || []);

// The Latin words of STRINGS that neither the catalogue's text nor DATA holds.
function untranslated(strings, cat, data) {
	const allowed = new Set();
	for (const s of [...cat, ...data]) for (const w of latinWords(s)) allowed.add(w.toLowerCase());
	const bad = [];
	for (const s of strings) {
		const words = latinWords(s).filter((w) => w.length > 1 && !allowed.has(w.toLowerCase()));
		if (words.length) bad.push(`${s} [${words.join(' ')}]`);
	}
	return bad;
}

async function walk(role, user, code) {
	const { ctx, page } = await H.newPage(S.browser, S.problems, `${role} ${code}`);
	await H.useCookie(ctx, user.cookie);
	await page.goto(`${t.BASE}/#${WALK[role][0]}`);
	await page.waitForSelector('#lang-switch');
	// Switch from the header: the user's language is stored, and the page comes back in it.
	const reloaded = page.waitForEvent('load');
	await page.selectOption('#lang-switch', code);
	await reloaded;
	await page.waitForSelector('#lang-switch');
	t.eq(await page.inputValue('#lang-switch'), code, 'the switch shows the language');
	t.eq(t.db(`SELECT language FROM users WHERE id = ${user.id}`)[0].language, code, 'stored for the user');
	t.eq(await page.getAttribute('html', 'lang'), `${code}-IN`, 'the page\'s lang');
	const cat = await catalogue(page, code);
	const data = [S.clinic, user.username, `Test ${role} ${user.username}`, 'ND', 'Walk Patient'];
	for (const route of WALK[role]) {
		await page.goto(`${t.BASE}/#${route.replace(':pid', S.pid).replace(':vid', S.vid)}`);
		await page.waitForFunction(() => !document.querySelector('#main.loading'));
		await page.waitForLoadState('networkidle');
		const bad = untranslated(await visibleStrings(page), cat, data);
		t.eq(bad, [], `${role} ${code} ${route}: every visible string from the ${code} catalogue`);
	}
	await ctx.close();
}

t.test('lang walk: set up users and a clinic', async () => {
	S.desk = await t.user('frontdesk');
	S.doc = await t.user('doctor');
	S.adm = await t.user('admin');
	S.nurse = await t.user('nurse');
	S.clinic = (await t.api('GET', '/api/settings', { cookie: S.desk.cookie })).json.clinic_name;
	// A patient with every field filled: what the record holds is data, the labels are not.
	S.pid = await t.patient(S.desk.cookie, { name: t.uniq('Walk Patient '), sex: 'F', age_years: 41, phone: H.mobile(),
		address: '12 Gandhi Road, Chennai', allergies: 'Penicillin', notes: 'Prefers mornings', language: 'ta' });
	t.status(await t.api('POST', '/api/queue', { cookie: S.desk.cookie, body: { patient_id: S.pid, reason: 'Fever', priority: 'urgent' } }), 201, 'in the queue');
	// An earlier finished visit (the history) and today's draft (the consultation screen).
	const v1 = await t.api('POST', '/api/visits', { cookie: S.doc.cookie, body: { patient_id: S.pid } });
	t.status(v1, 201, 'a visit');
	t.status(await t.api('PATCH', `/api/visits/${v1.json.id}`, { cookie: S.doc.cookie, body: { version: v1.json.version, complaint: 'Fever',
		vitals: { bp_systolic: 130, bp_diastolic: 85, pulse: 88 }, diagnoses: [{ text: 'Viral fever' }], advice: 'Rest',
		prescriptions: [{ medicine: 'Paracetamol', strength: '650 mg', form: 'tablet', dose: '1-0-1', timing: 'after_food', duration_days: 3 }] } }), 200, 'filled');
	t.status(await t.api('POST', `/api/visits/${v1.json.id}/finalize`, { cookie: S.doc.cookie, body: {} }), 200, 'finalized');
	const v2 = await t.api('POST', '/api/visits', { cookie: S.doc.cookie, body: { patient_id: S.pid } });
	t.status(v2, 201, 'today\'s draft');
	S.vid = v2.json.id;
	S.browser = await H.launch();
});

for (const code of ['ta', 'hi']) {
	for (const role of Object.keys(WALK)) {
		t.test(`lang walk: ${role} in ${code === 'ta' ? 'Tamil' : 'Hindi'}`, async () => {
			if (!S.browser) t.skip('no browser');
			await walk(role, { doctor: S.doc, frontdesk: S.desk, admin: S.adm, nurse: S.nurse }[role], code);
		});
	}
}

t.test('lang walk: the check fails on an English string (the test can fail)', async () => {
	if (!S.browser) t.skip('no browser');
	const { ctx, page } = await H.newPage(S.browser, S.problems, 'check');
	await H.useCookie(ctx, S.desk.cookie);
	await page.goto(`${t.BASE}/#/patients`);
	await page.waitForSelector('#lang-switch');
	const cat = await catalogue(page, 'ta');
	t.ok(untranslated(['Search patients', 'நோயாளிகள்'], cat, []).length === 1, 'English found among Tamil');
	t.eq(untranslated(['UPI', 'WhatsApp', 'Enter', S.clinic], cat, [S.clinic]), [], 'brand words and data pass');
	await ctx.close();
});

t.test('lang walk: no page errors', async () => {
	if (!S.browser) t.skip('no browser');
	t.eq(S.problems, [], 'problems');
	await S.browser.close();
});

t.run();
