'use strict';
// day-helpers.js — shared by the "day in the life" browser tests
// (frontdesk-day.test.js, doctor-day.test.js): Debian's chromium through
// playwright-core, sign-in through the form, keyboard picking from a search
// list, print-to-PDF and its text (poppler-utils), unique test data.
// Not a test file itself (tests/run runs *.test.js only).
const fs = require('node:fs');
const path = require('node:path');
const os = require('node:os');
const crypto = require('node:crypto');
const zlib = require('node:zlib');
const { execFileSync } = require('node:child_process');
const t = require('../lib/t.js');

const CHROMIUM = '/usr/bin/chromium';

// Starts chromium or skips (with the reason) when it or playwright-core is missing.
async function launch() {
	let chromium;
	try { ({ chromium } = require('playwright-core')); } catch { t.skip('playwright-core is not installed in tests/node_modules'); }
	if (!fs.existsSync(CHROMIUM)) t.skip(`${CHROMIUM} is not installed`);
	return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

// A new context and page; page errors, console errors and CSP reports go to PROBLEMS. LOCALE and
// TIMEZONEID are the browser's (en-US and America/New_York: a month-first browser far from the clinic).
async function newPage(browser, problems, label, { locale = 'en-IN', timezoneId } = {}) {
	const ctx = await browser.newContext({ viewport: { width: 1366, height: 800 }, ignoreHTTPSErrors: true, locale, ...(timezoneId ? { timezoneId } : {}) });
	const page = await ctx.newPage();
	page.setDefaultTimeout(15000);
	watch(page, problems, label);
	return { ctx, page };
}

function watch(page, problems, label) {
	page.on('pageerror', (e) => problems.push(`${label}: page error: ${e.message}`));
	page.on('console', (m) => {
		// 401 (after sign-out) and 422 (a refused vital) are expected answers, not faults.
		// The service worker (/sw.js) is refused for the tests' self-signed certificate, which
		// chromium says as an error; tests/browser/offline.test.js trusts it and tests the worker.
		if (m.type() === 'error' && !/Failed to load resource|SSL certificate error occurred when fetching the script/.test(m.text())) problems.push(`${label}: console: ${m.text()}`);
	});
}

// Signs in through the form (the page must show it).
async function signIn(page, username, password) {
	await page.waitForSelector('#login-username');
	await page.fill('#login-username', username);
	await page.fill('#login-password', password);
	await page.press('#login-password', 'Enter');
	await page.waitForSelector('#login-form', { state: 'detached' });
	await page.waitForSelector('#whoami-role');
}

// Gives CTX the session of an API sign-in (cookie string "nd_session=…").
async function useCookie(ctx, cookie) {
	const [name, ...rest] = cookie.split(';')[0].split('=');
	await ctx.addCookies([{ name, value: rest.join('='), url: t.BASE, httpOnly: true, secure: true, sameSite: 'Strict' }]);
}

// Types QUERY into the focused search box, waits for the answer to exactly
// that query (GET PATH?q=QUERY) to be drawn in the list LISTSEL (ul of
// li[role=option]), then picks with the keyboard: ArrowDown to the bottom,
// ArrowUp back to the wanted item, Enter. The wanted item is the one holding
// [data-id=ID] (patients) or, with TEXT, the one whose text is TEXT (medicines).
// Returns the number of items the list showed.
async function typeAndPick(page, { listSel, apiPath, query, id, text }) {
	const answered = page.waitForResponse((r) => {
		const u = new URL(r.url());
		return u.pathname === apiPath && u.searchParams.get('q') === query;
	});
	await page.keyboard.type(query);
	const res = await answered;
	t.eq(res.status(), 200, `GET ${apiPath}?q=${query}`);
	const list = page.locator(listSel);
	await page.waitForFunction((el) => !el.classList.contains('loading'), await list.elementHandle());
	const items = list.locator('li[role=option]:not(.empty)');
	const keys = id !== undefined
		? await items.evaluateAll((lis) => lis.map((li) => li.querySelector('[data-id]')?.getAttribute('data-id')))
		: (await items.allInnerTexts()).map(norm);
	const want = id !== undefined ? String(id) : text;
	const at = keys.indexOf(want);
	t.ok(at >= 0, `${want} among the ${keys.length} matches for "${query}": ${keys.join(' | ')}`);
	const active = async () => {
		const li = list.locator('li.active');
		if (id !== undefined) return li.locator('[data-id]').first().getAttribute('data-id');
		return norm(await li.innerText());
	};
	t.eq(await active(), keys[0], 'the first match is highlighted');
	for (let i = 0; i < keys.length - 1; i++) await page.keyboard.press('ArrowDown');
	t.eq(await active(), keys[keys.length - 1], 'ArrowDown reaches the last match');
	for (let i = keys.length - 1; i > at; i--) await page.keyboard.press('ArrowUp');
	t.eq(await active(), want, 'ArrowUp comes back to the wanted match');
	await page.keyboard.press('Enter');
	return keys.length;
}

// Prints PAGE to PDF with print media (page sizes from the CSS) and returns
// {text, info, file}: pdftotext's text and pdfinfo's fields.
async function printToPdf(page, name) {
	await page.emulateMedia({ media: 'print' });
	const dir = process.env.ND_OUT || os.tmpdir();
	const file = path.join(dir, `${name}-${process.pid}.pdf`);
	try {
		await page.pdf({ path: file, preferCSSPageSize: true, printBackground: true });
	} finally {
		await page.emulateMedia({ media: 'screen' });
	}
	let text, infoText;
	try {
		text = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
		infoText = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
	} catch (e) {
		if (e.code === 'ENOENT') t.skip('pdftotext/pdfinfo (poppler-utils) is not installed');
		throw e;
	}
	const info = {};
	for (const line of infoText.split('\n')) {
		const m = /^([^:]+):\s*(.*)$/.exec(line);
		if (m) info[m[1].trim()] = m[2].trim();
	}
	return { text, info, file };
}

// "419.528 x 595.276 pts (A5)" → [w, h] in millimetres.
function pageMm(info) {
	const m = /([\d.]+) x ([\d.]+) pts/.exec(info['Page size'] || '');
	return m ? [Number(m[1]) * 25.4 / 72, Number(m[2]) * 25.4 / 72] : null;
}

const norm = (s) => String(s).replace(/\s+/g, ' ').trim();

// A random 10-digit Indian mobile number.
function mobile() {
	const d = crypto.randomInt(0, 1e9).toString().padStart(9, '0');
	return `9${d}`;
}

// A unique word in Tamil letters (so a Tamil name can be unique and still all Tamil).
const TAMIL = ['க', 'ங', 'ச', 'ஞ', 'ட', 'ண', 'த', 'ந', 'ப', 'ம', 'ய', 'ர', 'ல', 'வ', 'ழ', 'ள', 'ற', 'ன'];
const VOWEL_SIGNS = ['ா', 'ி', 'ு', 'ெ', 'ை', 'ொ'];
function tamilWord(n = 4) {
	let s = '';
	for (let i = 0; i < n; i++) s += TAMIL[crypto.randomInt(TAMIL.length)] + VOWEL_SIGNS[crypto.randomInt(VOWEL_SIGNS.length)];
	return s;
}

// Today in the clinic's time zone (settings.timezone), YYYY-MM-DD.
async function clinicToday(cookie) {
	const s = await t.api('GET', '/api/settings', { cookie });
	t.status(s, 200, 'GET /api/settings');
	return new Intl.DateTimeFormat('en-CA', { timeZone: s.json.timezone || 'Asia/Kolkata' }).format(new Date());
}

// Dates for typing day first: addDays('2026-12-07', 3) → '2026-12-10'; dmy('2026-12-10', '-') →
// '10-12-2026'; monthFirstTrap(today) → the first day after TODAY (before it with STEP -1) whose day
// is 12 or less and not its month, so that a month-first reading of it is another real date
// (10/12 → 12 October).
function addDays(iso, n) {
	const d = new Date(`${iso}T00:00:00Z`);
	d.setUTCDate(d.getUTCDate() + n);
	return d.toISOString().slice(0, 10);
}
const dmy = (iso, sep = '/') => iso.split('-').reverse().join(sep);
function monthFirstTrap(today, step = 1) {
	for (let n = step; ; n += step) {
		const iso = addDays(today, n);
		const [, m, d] = iso.split('-').map(Number);
		if (d <= 12 && d !== m) return iso;
	}
}
// The date in words as the screens say it in English ("10 December 2026").
const inWords = (iso) => new Intl.DateTimeFormat('en-IN', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${iso}T00:00:00Z`));

// Replaces what the box SEL holds by TEXT, typed key by key as a person would.
async function retype(page, sel, text) {
	await page.focus(sel);
	await page.keyboard.press('Control+a');
	await page.keyboard.type(text);
}

// SHA-256 hex of a session cookie's token, as the sessions table keeps it.
function tokenHash(cookie) {
	const token = cookie.split(';')[0].split('=').slice(1).join('=');
	return crypto.createHash('sha256').update(token).digest('hex');
}

// Sets clinic settings as admin; returns the values to put back.
async function setSettings(values) {
	const admin = await t.admin();
	const before = await t.api('GET', '/api/settings', { cookie: admin });
	t.status(before, 200, 'GET /api/settings');
	const put = await t.api('PUT', '/api/settings', { cookie: admin, body: { ...values, version: before.json.version } });
	t.status(put, 200, 'PUT /api/settings');
	const old = {};
	for (const k of Object.keys(values)) old[k] = before.json[k];
	for (const [k, v] of Object.entries(values)) {
		t.eq(t.db(`SELECT value FROM settings WHERE key = '${k}'`)[0].value, String(v), `settings.${k} stored`);
	}
	return old;
}

async function restoreSettings(old) {
	if (!old) return;
	const admin = await t.admin();
	const now = await t.api('GET', '/api/settings', { cookie: admin });
	await t.api('PUT', '/api/settings', { cookie: admin, body: { ...old, version: now.json.version } });
}

// A W×H PNG of one colour with a white band, as a data: URL (the letterhead's logo).
function pngDataUrl(w, h) {
	const crcTable = Array.from({ length: 256 }, (_, n) => {
		let c = n;
		for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
		return c >>> 0;
	});
	const crc = (buf) => { let c = 0xffffffff; for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8); return (c ^ 0xffffffff) >>> 0; };
	const chunk = (type, data) => {
		const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
		const td = Buffer.concat([Buffer.from(type), data]);
		const c = Buffer.alloc(4); c.writeUInt32BE(crc(td));
		return Buffer.concat([len, td, c]);
	};
	const ihdr = Buffer.alloc(13);
	ihdr.writeUInt32BE(w, 0); ihdr.writeUInt32BE(h, 4); ihdr[8] = 8; ihdr[9] = 2;
	const raw = Buffer.alloc((w * 3 + 1) * h);
	for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
		const o = y * (w * 3 + 1) + 1 + x * 3;
		const band = y > h / 3 && y < (2 * h) / 3;
		raw[o] = band ? 255 : 11; raw[o + 1] = band ? 255 : 110; raw[o + 2] = band ? 255 : 110;
	}
	const png = Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr),
		chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
	return `data:image/png;base64,${png.toString('base64')}`;
}

// Puts clinic settings VALUES as the admin (whose cookie is ADMIN); returns the settings answered.
async function putSettings(admin, values) {
	const now = await t.api('GET', '/api/settings', { cookie: admin });
	const r = await t.api('PUT', '/api/settings', { cookie: admin, body: { ...values, version: now.json.version } });
	t.status(r, 200, `PUT /api/settings ${JSON.stringify(values).slice(0, 80)}`);
	return r.json;
}

// A prescription line as the pad sends it (after food, 5 days unless EXTRA says otherwise).
const rxLine = (medicine, strength, form, dose, extra = {}) => ({ medicine, strength, form, dose, timing: 'after_food', duration_days: 5, ...extra });
// The four lines that make a typical prescription ten (page 2 of 2).
const RX_MORE = [
	rxLine('Vitamin B complex', '', 'capsule', '1-0-0', { brand: 'Becosules', duration_days: 30 }),
	rxLine('Cholecalciferol', '60000 IU', 'capsule', 'once a week', { brand: 'Uprise-D3 60K', duration_days: 56 }),
	rxLine('Ascorbic acid', '500 mg', 'chewable tablet', '1-0-0', { brand: 'Celin 500' }),
	rxLine('Zinc sulfate', '20 mg', 'dispersible tablet', '0-1-0'),
];

const sq = (s) => `'${String(s).replace(/'/g, "''")}'`;	// SQL string literal for t.db

module.exports = {
	launch, newPage, watch, signIn, useCookie, typeAndPick, printToPdf, pageMm, norm,
	mobile, tamilWord, clinicToday, tokenHash, setSettings, restoreSettings, sq,
	addDays, dmy, monthFirstTrap, inWords, retype, pngDataUrl, putSettings, rxLine, RX_MORE,
};
