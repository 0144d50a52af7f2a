'use strict';
// desk.test.js — the front desk's forms and the owner's screens as a person uses them, in a
// browser whose locale is en-US (month first) on purpose: a walk-in registered by age with no
// Tab key spent in an empty field, a date of birth typed day first stored as that day, a
// landline accepted, one Escape closing the "Add to queue" dialog even with its search list
// open, every link of the header reachable on a 768-px tablet, and the owner's audit screen
// naming people and patients, folding reads, showing the listings that named the patient and
// keeping its filters.
const fs = require('node:fs');
const t = require('../lib/t.js');
const H = require('./day-helpers.js');

const BASE = t.BASE;
const S = { problems: [] };
const SHOTS = process.env.ND_OUT || '/tmp';

function need(what = 'page') {
  if (!S[what]) t.skip(`no ${what} (an earlier check failed or skipped)`);
}

async function context(viewport, cookie) {
  const ctx = await S.browser.newContext({ viewport, ignoreHTTPSErrors: true, locale: 'en-US', timezoneId: 'America/New_York' });
  const page = await ctx.newPage();
  page.setDefaultTimeout(15000);
  page.on('pageerror', (e) => S.problems.push(`page error: ${e.message}`));
  await H.useCookie(ctx, cookie);
  return { ctx, page };
}

// The id of the element that has the focus.
const focused = (p) => p.evaluate(() => document.activeElement && document.activeElement.id);

t.test('desk: chromium (en-US) starts; a front desk and the owner are signed in', async () => {
  S.browser = await H.launch();
  S.desk = await t.user('frontdesk');
  S.admin = await t.admin();
  ({ ctx: S.ctx, page: S.page } = await context({ width: 1366, height: 768 }, S.desk.cookie));
  await S.page.goto(`${BASE}/#/register`);
  await S.page.waitForSelector('#register-name');
  t.eq(await S.page.evaluate(() => navigator.language), 'en-US', 'the browser says en-US');
});

t.test('desk: a walk-in by age — Name, Tab, Sex, Tab, Age, Tab, Phone, Enter: no key wasted', async () => {
  need();
  const p = S.page;
  S.walkin = t.uniq('Walkin ');
  t.eq(await focused(p), 'register-name', 'the name has the focus');
  await p.keyboard.type(S.walkin);
  await p.keyboard.press('Tab');
  t.eq(await focused(p), 'register-sex', 'Tab: sex');
  await p.keyboard.press('m');
  await p.keyboard.press('Tab');
  t.eq(await focused(p), 'register-age', 'Tab: age, no date of birth in between');
  await p.keyboard.type('45');
  await p.keyboard.press('Tab');
  t.eq(await focused(p), 'register-phone', 'Tab: phone');
  // A landline with its STD code, one no other test registers (the duplicate hint would stop
  // the registration at an earlier patient with the same number).
  const tail = String(Date.now() % 10000000).padStart(7, '0');
  S.landline = `0442${tail}`;
  await p.keyboard.type(`044 2${tail.slice(0, 3)} ${tail.slice(3)}`);
  await p.keyboard.press('Enter');
  await p.waitForURL(/#\/patient\/\d+/);
  const row = t.db(`SELECT sex, age_years, dob, phone FROM patients WHERE name = '${S.walkin}'`);
  t.eq(row, [{ sex: 'M', age_years: 45, dob: null, phone: S.landline }], 'stored: M, 45, no date of birth, the landline');
});

t.test('desk: a date of birth typed day first (12/05/1980) is 12 May 1980 under en-US', async () => {
  need();
  const p = S.page;
  await p.goto(`${BASE}/#/register`);
  await p.waitForSelector('#register-name');
  S.dobName = t.uniq('Dob ');
  await p.fill('#register-name', S.dobName);
  await p.selectOption('#register-sex', 'F');
  t.eq(await p.getAttribute('#register-dob', 'type'), 'text', 'a text field, not the browser’s date control');
  await p.fill('#register-dob', '12/05/1980');
  t.ok((await p.innerText('[data-testid=register-dob-echo]')).includes('12 May 1980'), 'said back in words: 12 May 1980');
  await p.press('#register-dob', 'Enter');
  await p.waitForURL(/#\/patient\/\d+/);
  const row = t.db(`SELECT id, dob, age_years FROM patients WHERE name = '${S.dobName}'`)[0];
  t.eq([row.dob, row.age_years], ['1980-05-12', null], 'stored 1980-05-12');
  // The profile's edit shows it day first again.
  await p.waitForSelector('#patient-details');
  await p.click('#patient-edit');
  t.eq(await p.inputValue('#edit-dob'), '12/05/1980', 'the edit form shows 12/05/1980');
  await p.fill('#edit-dob', '31/02/1980');
  await p.press('#edit-dob', 'Enter');
  await p.waitForFunction(() => /day first/.test(document.querySelector('#edit-dob-error')?.textContent || ''));
  t.eq(t.db(`SELECT dob FROM patients WHERE id = ${row.id}`)[0].dob, '1980-05-12', 'an impossible day is refused, nothing written');
  await p.click('#edit-cancel');
});

t.test('desk: the payments day is typed and shown day first under en-US (7/12 alone: the latest 7 December)', async () => {
  need();
  const p = S.page;
  await p.goto(`${BASE}/#/payments`);
  await p.waitForSelector('#pay-list-title');
  const today = await H.clinicToday(S.desk.cookie);
  t.eq(await p.getAttribute('#pay-date', 'type'), 'text', 'a text field, not the browser’s date control');
  t.eq(await p.inputValue('#pay-date'), H.dmy(today), 'today, day first');
  const day = H.monthFirstTrap(today, -1);	// its month-first reading is another real date
  const [, m, d] = day.split('-').map(Number);
  const asked = p.waitForResponse((r) => new URL(r.url()).pathname === '/api/payments' && new URL(r.url()).searchParams.get('date') === day);
  await H.retype(p, '#pay-date', `${d}/${m}`);
  await p.keyboard.press('Enter');
  t.eq((await asked).status(), 200, `${d}/${m} asks for ${day}`);
  await p.waitForFunction((v) => document.querySelector('#pay-list-title').textContent.includes(v), H.dmy(day));
  t.eq(await p.inputValue('#pay-date'), H.dmy(day), 'shown day first');
  t.ok((await p.innerText('[data-testid=pay-date-echo]')).includes(H.inWords(day)), `said in words: ${H.inWords(day)}`);
});

t.test('desk: one Escape closes “Add to queue”, even with its search list open', async () => {
  need();
  const p = S.page;
  await p.goto(`${BASE}/#/queue`);
  await p.click('#queue-add');
  await p.waitForSelector('[data-testid=queue-add-dialog]');
  const answered = p.waitForResponse((r) => new URL(r.url()).pathname === '/api/patients');
  await p.keyboard.type(S.walkin.slice(0, 8));
  await answered;
  await p.waitForSelector('#queue-add-patient-list:not([hidden])');
  await p.keyboard.press('Escape');
  await p.waitForTimeout(200);
  t.eq(await p.locator('dialog[open]').count(), 0, 'closed by one Escape');
  t.eq(await p.locator('[data-testid=queue-add-dialog]').count(), 0, 'and removed');
});

t.test('desk: on a 768-px tablet every header link can be seen and clicked', async () => {
  need();
  const { ctx, page: p } = await context({ width: 768, height: 1024 }, S.desk.cookie);
  await p.goto(`${BASE}/#/patients`);
  await p.waitForSelector('#app-nav a');
  await p.screenshot({ path: `${SHOTS}/desk-768-patients.png` });
  const links = await p.$$eval('#app-nav a', (as) => as.map((a) => a.textContent.trim()));
  for (const want of ['Queue', 'Appointments', 'Payments']) t.ok(links.includes(want), `${want} in the header`);
  for (const label of links) {
    const a = p.locator('#app-nav a', { hasText: label }).first();
    const on = await a.evaluate((el) => {
      const r = el.getBoundingClientRect();
      const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      return r.width > 0 && r.right <= innerWidth && r.left >= 0 && (top === el || el.contains(top));
    });
    t.ok(on, `${label}: inside the screen and not covered`);
    const href = await a.getAttribute('href');
    await a.click();
    await p.waitForFunction((h) => location.hash === h, href);
  }
  await p.goto(`${BASE}/#/register`);
  await p.waitForSelector('#register-name');
  const overflow = await p.evaluate(() => document.documentElement.scrollWidth - innerWidth);
  t.ok(overflow <= 0, `the registration form fits 768 px (overflow ${overflow} px)`);
  await p.screenshot({ path: `${SHOTS}/desk-768-register.png`, fullPage: true });
  await ctx.close();
});

t.test('desk: the owner’s audit screen names people and patients, folds reads, keeps its filters', async () => {
  need();
  const pid = t.db(`SELECT id, clinic_no FROM patients WHERE name = '${S.dobName}'`)[0];
  for (let i = 0; i < 3; i++) t.status(await t.api('GET', `/api/patients/${pid.id}`, { cookie: S.desk.cookie }), 200, 'a read');
  const found = await t.api('GET', `/api/patients?q=${encodeURIComponent(S.dobName)}`, { cookie: S.desk.cookie });
  t.status(found, 200, 'a search that lists the patient');
  const { ctx, page: p } = await context({ width: 1366, height: 768 }, S.admin);
  await p.goto(`${BASE}/#/audit`);
  await p.waitForSelector('#audit-form');
  await p.fill('#audit-patient', String(pid.id));
  await p.fill('#audit-action', 'patient');
  await p.click('#audit-search');
  // The click submits at once (the form is busy until the filtered page is drawn): wait for
  // that page, not the unfiltered one the screen opened with.
  await p.waitForFunction(() => !document.querySelector('#audit-form').classList.contains('busy')
    && document.querySelectorAll('[data-testid=audit-row]').length >= 2);
  const rows = await p.$$eval('[data-testid=audit-row]', (trs) => trs.map((tr) => ({
    action: tr.dataset.action, count: Number(tr.dataset.count),
    who: tr.querySelector('[data-testid=audit-who]').textContent,
    what: tr.querySelector('[data-testid=audit-what]').textContent,
    record: tr.querySelector('[data-testid=audit-record]').textContent,
  })));
  const reads = rows.filter((r) => r.action === 'patient.read');
  t.eq(reads.reduce((n, r) => n + r.count, 0) >= 4, true, `the reads folded: ${JSON.stringify(reads)}`);
  t.ok(reads.length <= 2, `into one line (two if an hour turned): ${JSON.stringify(rows)}`);
  t.ok(/Opened a patient’s record|Opened a patient's record/.test(reads[0].what) && /times/.test(reads[0].what), `in words: ${reads[0].what}`);
  t.ok(reads[0].who.includes(`Test frontdesk ${S.desk.username}`), `the staff member by name: ${reads[0].who}`);
  t.ok(reads[0].record.includes(S.dobName) && reads[0].record.includes(`No. ${pid.clinic_no}`), `the patient by name and clinic number: ${reads[0].record}`);
  t.ok(!rows.some((r) => /patient #/.test(r.record)), 'no "patient #1"');
  const search = rows.find((r) => r.action === 'patient.search');
  t.ok(search && /Searched for patients/.test(search.what) && search.record === `Patients listed: ${found.json.patients.length}`,
    `the search that listed the patient, and how many it named: ${JSON.stringify(search)}`);
  await p.screenshot({ path: `${SHOTS}/desk-1366-audit.png` });
  // Away and back: the filters are kept.
  await p.goto(`${BASE}/#/users`);
  await p.waitForSelector('#app-nav a.current');
  await p.goto(`${BASE}/#/audit`);
  await p.waitForSelector('[data-testid=audit-row]');
  t.eq([await p.inputValue('#audit-patient'), await p.inputValue('#audit-action')], [String(pid.id), 'patient'], 'filters kept');
  await ctx.close();
});

t.test('desk: the owner sets the second copy’s folder on the Backups screen; the status names the last copy', async () => {
  need();
  const { ctx, page: p } = await context({ width: 768, height: 1024 }, S.admin);
  await p.goto(`${BASE}/#/backups`);
  await p.waitForSelector('#copy-form');
  await p.waitForSelector('[data-testid=copy-state] .notice, [data-testid=copy-state] p');
  const dir = `/tmp/nd-desk-usb-${process.pid}`;
  await p.fill('#copy-dir', 'usb/backups');
  await p.click('#copy-save');
  await p.waitForFunction(() => /full path/.test(document.querySelector('#copy-dir-error')?.textContent || ''));
  await p.fill('#copy-dir', dir);
  await p.click('#copy-save');
  await p.waitForFunction(() => /cannot write|No copy made/.test(document.querySelector('[data-testid=copy-state]').textContent));
  const got = await t.api('GET', '/api/backups/copy', { cookie: S.admin });
  t.eq([got.json.dir, got.json.reachable], [dir, false], 'saved (the folder is not there: not reachable, said so)');
  await p.screenshot({ path: `${SHOTS}/desk-768-backups.png`, fullPage: true });
  await p.goto(`${BASE}/#/status`);
  await p.waitForSelector('#status-table');
  const copyRow = await p.innerText('#status-table tr[data-key=backup_copy] td');
  t.ok(copyRow.includes(dir), `the status names the second place: ${copyRow}`);
  // The PC's clock zone: a warning with the command to run when it is not the clinic's.
  const sys = (await t.api('GET', '/api/system', { cookie: S.admin })).json;
  if (sys.clock_zone) t.ok((await p.innerText('#status-table tr[data-key=clock_zone] td')).includes(sys.clock_zone), 'the clock zone is shown');
  const warned = /timedatectl set-timezone/.test(await p.innerText('#status-body'));
  t.eq(warned, sys.clock_differs, `the set-timezone warning shown exactly when the zones differ (${sys.clock_zone})`);
  await p.screenshot({ path: `${SHOTS}/desk-768-status.png`, fullPage: true });
  t.status(await t.api('PUT', '/api/backups/copy', { cookie: S.admin, body: { dir: null } }), 200, 'cleared again');
  await ctx.close();
});

t.test('desk: every screen of the front desk and the owner fits 768 px and 1366 px (no sideways scrolling)', async () => {
  need();
  for (const [who, cookie, screens] of [['frontdesk', S.desk.cookie, ['patients', 'register', 'queue', 'appointments', 'payments']],
    ['admin', S.admin, ['users', 'settings', 'backups', 'audit', 'status']]]) {
    for (const width of [768, 1366]) {
      const { ctx, page: p } = await context({ width, height: width === 768 ? 1024 : 768 }, cookie);
      for (const sc of screens) {
        await p.goto(`${BASE}/#/${sc}`);
        await p.waitForSelector('main h1');
        await p.waitForTimeout(300);
        const over = await p.evaluate(() => document.documentElement.scrollWidth - innerWidth);
        if (over > 0) await p.screenshot({ path: `${SHOTS}/desk-${width}-${sc}.png`, fullPage: true });
        t.ok(over <= 0, `${who} ${sc} at ${width} px: ${over > 0 ? `${over} px too wide` : 'fits'}`);
      }
      await ctx.close();
    }
  }
});

t.test('desk: no page errors', async () => {
  need();
  t.eq(S.problems, [], 'page errors');
  await S.browser.close();
});
t.run();
