'use strict';
// languages.test.js — the languages of issue 19 on the API: a user's screens' language
// (PATCH /api/auth/me, PATCH /api/users/{id}), a patient's language, the dosing of a
// prescription in the patient's language beside the English, the clinic's UPI ID and a
// receipt's UPI QR code (decoded with zbarimg to the exact link), and the follow-up list
// with its phone and WhatsApp links.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');
const t = require('../lib/t.js');

const S = {};

function need() {
  if (!S.doc) t.skip('no sessions (the first test failed or skipped)');
}

function addDays(date, n) {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

async function finalVisit(pid, body) {
  const c = await t.api('POST', '/api/visits', { cookie: S.doc.cookie, body: { patient_id: pid } });
  t.status(c, 201, 'POST /api/visits');
  const p = await t.api('PATCH', `/api/visits/${c.json.id}`, {
    cookie: S.doc.cookie, body: { version: c.json.version, complaint: 'Fever', ...body },
  });
  t.status(p, 200, 'PATCH /api/visits');
  const f = await t.api('POST', `/api/visits/${c.json.id}/finalize`, { cookie: S.doc.cookie, body: {} });
  t.status(f, 200, 'finalize');
  return f.json;
}

// The QR code of SVG text (a viewBox and one path of runs "Mx yhNv1h-Nz"), drawn as a PGM
// image at 8 pixels a module, and read by zbarimg: the server's geometry, not a renderer's.
function decodeSvgQr(svg, file) {
  const side = Number(/viewBox="0 0 (\d+) \1"/.exec(svg)[1]);
  const d = /<path[^>]* d="([^"]*)"/.exec(svg)[1];
  const px = 8, n = side * px;
  const img = Buffer.alloc(n * n, 255);
  for (const [, x, y, w] of d.matchAll(/M(\d+) (\d+)h(\d+)v1h-\3z/g)) {
    for (let yy = Number(y) * px; yy < (Number(y) + 1) * px; yy++)
      img.fill(0, yy * n + Number(x) * px, yy * n + (Number(x) + Number(w)) * px);
  }
  fs.writeFileSync(file, Buffer.concat([Buffer.from(`P5\n${n} ${n}\n255\n`), img]));
  return execFileSync('zbarimg', ['-q', '--raw', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
}

t.test('language: a user chooses their screens\' language (PATCH /api/auth/me)', async () => {
  S.desk = await t.user('frontdesk');
  S.doc = await t.user('doctor');
  S.deskCookie = S.desk.cookie;
  let me = await t.api('GET', '/api/auth/me', { cookie: S.desk.cookie });
  t.status(me, 200, 'GET /api/auth/me');
  t.eq(me.json.user.language, 'en', 'a new user reads English');
  const set = await t.api('PATCH', '/api/auth/me', { cookie: S.desk.cookie, body: { language: 'ta' } });
  t.status(set, 200, 'PATCH /api/auth/me');
  t.eq(set.json.user.language, 'ta', 'the answer says Tamil');
  me = await t.api('GET', '/api/auth/me', { cookie: S.desk.cookie });
  t.eq(me.json.user.language, 'ta', 'GET /api/auth/me says Tamil');
  t.eq(t.db(`SELECT language FROM users WHERE id = ${S.desk.id}`)[0].language, 'ta', 'stored');
  const bad = await t.api('PATCH', '/api/auth/me', { cookie: S.desk.cookie, body: { language: 'fr' } });
  t.status(bad, 422, 'French is not offered');
  t.eq(bad.json.error.field, 'language', 'the field is named');
  t.eq(t.db(`SELECT language FROM users WHERE id = ${S.desk.id}`)[0].language, 'ta', 'unchanged');
  const none = await t.api('PATCH', '/api/auth/me', { cookie: S.desk.cookie, body: {} });
  t.status(none, 422, 'language is required');
  const anon = await t.api('PATCH', '/api/auth/me', { body: { language: 'hi' } });
  t.status(anon, 401, 'no session');
  t.ok(t.db(`SELECT count(*) AS n FROM audit WHERE action = 'user.language' AND entity_id = ${S.desk.id}`)[0].n === 1,
    'audited once (the refused one wrote nothing)');
  const login = await t.api('POST', '/api/auth/login', { body: { username: S.desk.username, password: S.desk.password } });
  t.status(login, 200, 'sign in again');
  t.eq(login.json.user.language, 'ta', 'sign-in answers the language');
});

t.test('language: an admin sets a user\'s language (PATCH /api/users/{id})', async () => {
  need();
  const adm = await t.admin();
  const u = await t.api('GET', `/api/users/${S.doc.id}`, { cookie: adm });
  t.status(u, 200, 'GET user');
  t.eq(u.json.language ?? u.json.user?.language, 'en', 'users answer their language');
  const version = u.json.version ?? u.json.user.version;
  const p = await t.api('PATCH', `/api/users/${S.doc.id}`, { cookie: adm, body: { version, language: 'hi' } });
  t.status(p, 200, 'PATCH language');
  t.eq(p.json.language ?? p.json.user?.language, 'hi', 'answered');
  t.eq(t.db(`SELECT language FROM users WHERE id = ${S.doc.id}`)[0].language, 'hi', 'stored');
  const bad = await t.api('PATCH', `/api/users/${S.doc.id}`, {
    cookie: adm, body: { version: p.json.version ?? p.json.user.version, language: 'xx' },
  });
  t.status(bad, 422, 'unknown language');
  const self = await t.api('PATCH', `/api/users/${S.doc.id}`, {
    cookie: S.doc.cookie, body: { version: 1, language: 'en' },
  });
  t.status(self, 403, 'a doctor may not use the admin route');
  t.eq(t.db(`SELECT language FROM users WHERE id = ${S.doc.id}`)[0].language, 'hi', 'unchanged');
});

t.test('language: a patient\'s language is kept, changed and checked', async () => {
  need();
  const id = await t.patient(S.deskCookie, { name: 'முருகன் ' + t.uniq(''), language: 'ta', phone: t.mobile() });
  const g = await t.api('GET', `/api/patients/${id}`, { cookie: S.deskCookie });
  t.status(g, 200, 'GET patient');
  t.eq(g.json.language, 'ta', 'Tamil');
  const dflt = await t.patient(S.deskCookie, {});
  t.eq((await t.api('GET', `/api/patients/${dflt}`, { cookie: S.deskCookie })).json.language, 'en', 'default English');
  const bad = await t.api('POST', '/api/patients', {
    cookie: S.deskCookie, body: { name: t.uniq('Bad '), sex: 'M', age_years: 30, language: 'tamil' },
  });
  t.status(bad, 422, 'unknown language');
  t.eq(bad.json.error.field, 'language', 'field named');
  const p = await t.api('PATCH', `/api/patients/${dflt}`, {
    cookie: S.deskCookie, body: { version: 1, language: 'hi' },
  });
  t.status(p, 200, 'PATCH language');
  t.eq(t.db(`SELECT language FROM patients WHERE id = ${dflt}`)[0].language, 'hi', 'stored');
  const nul = await t.api('PATCH', `/api/patients/${dflt}`, {
    cookie: S.deskCookie, body: { version: 2, language: null },
  });
  t.status(nul, 422, 'language cannot be cleared');
  S.taPatient = id;
  S.hiPatient = dflt;
});

t.test('dosing: a Tamil reader\'s prescription carries each line in Tamil beside English', async () => {
  need();
  const v = await finalVisit(S.taPatient, {
    prescriptions: [
      { medicine: 'Paracetamol', strength: '650 mg', form: 'tablet', dose: '1-0-1', timing: 'after_food', duration_days: 5 },
      { medicine: 'Cetirizine', strength: '10 mg', form: 'tablet', dose: 'hs', timing: null, duration_days: 3 },
      { medicine: 'ORS', form: 'sachet', dose: 'after each loose stool', timing: null, duration_days: null },
    ],
  });
  const g = await t.api('GET', `/api/visits/${v.id}`, { cookie: S.doc.cookie });
  t.status(g, 200, 'GET visit');
  t.eq(g.json.patient.language, 'ta', 'the patient reads Tamil');
  const d = g.json.prescriptions.map((p) => p.dosing);
  t.eq(d[0], { en: 'Morning 1, night 1 — after food — 5 days', lang: 'ta',
    local: 'காலை 1, இரவு 1 — உணவுக்குப் பின் — 5 நாட்கள்' }, 'line 1');
  t.eq(d[1], { en: 'At bedtime — 3 days', lang: 'ta', local: 'இரவு படுக்கும் முன் — 3 நாட்கள்' }, 'line 2');
  t.eq(d[2], { en: 'after each loose stool', lang: 'ta', local: 'after each loose stool' }, 'the doctor\'s words');
  S.taVisit = v.id;
  const h = await finalVisit(S.hiPatient, { prescriptions: [{ medicine: 'Amoxicillin', dose: 'TDS', timing: 'before_food', duration_days: 1 }] });
  const hg = await t.api('GET', `/api/visits/${h.id}`, { cookie: S.doc.cookie });
  t.eq(hg.json.prescriptions[0].dosing.local, 'दिन में तीन बार — खाने से पहले — 1 दिन', 'Hindi');
});

t.test('upi: the clinic\'s UPI ID is checked, and a receipt\'s QR decodes to the exact link', async () => {
  need();
  const adm = await t.admin();
  const pid = S.taPatient;
  const pay = await t.api('POST', '/api/payments', {
    cookie: S.deskCookie, body: { patient_id: pid, amount_paise: 35050, mode: 'upi' },
  });
  t.status(pay, 201, 'POST /api/payments');
  let set = await t.api('GET', '/api/settings', { cookie: adm });
  if (set.json.upi_vpa !== null) {
    set = await t.api('PUT', '/api/settings', { cookie: adm, body: { version: set.json.version, upi_vpa: null } });
    t.status(set, 200, 'clear');
  }
  const none = await t.api('GET', `/api/payments/${pay.json.id}/upi-qr`, { cookie: S.deskCookie });
  t.status(none, 404, 'no UPI ID: no QR');
  t.eq(none.json.error.code, 'no_upi', 'code');
  const r0 = await t.api('GET', `/api/payments/${pay.json.id}`, { cookie: S.deskCookie });
  t.eq(r0.json.upi_qr_url, null, 'the receipt has no QR link');
  t.eq(r0.json.patient.language, 'ta', 'the receipt knows the patient\'s language');
  for (const bad of ['clinic', '@okaxis', 'a@b', 'clinic@ok axis', 'cl inic@okaxis', 'clinic@1bank', 'x@okaxis']) {
    const b = await t.api('PUT', '/api/settings', { cookie: adm, body: { version: set.json.version, upi_vpa: bad } });
    t.status(b, 422, `refused: ${bad}`);
    t.eq(b.json.error.field, 'upi_vpa', 'field named');
  }
  const clinic = (await t.api('GET', '/api/settings', { cookie: adm })).json.clinic_name;
  const ok = await t.api('PUT', '/api/settings', { cookie: adm, body: { version: set.json.version, upi_vpa: 'nalam.clinic-1@okaxis' } });
  t.status(ok, 200, 'a UPI ID');
  t.eq(ok.json.upi_vpa, 'nalam.clinic-1@okaxis', 'answered');
  const r1 = await t.api('GET', `/api/payments/${pay.json.id}`, { cookie: S.deskCookie });
  t.eq(r1.json.upi_qr_url, `/api/payments/${pay.json.id}/upi-qr`, 'the receipt links its QR');
  const q = await t.api('GET', r1.json.upi_qr_url, { cookie: S.deskCookie });
  t.status(q, 200, 'GET upi-qr');
  t.ok(/^image\/svg\+xml/.test(q.headers['content-type']), `SVG: ${q.headers['content-type']}`);
  t.ok(/^<svg [^>]*viewBox="0 0 \d+ \d+"/.test(q.text) && /<\/svg>\s*$/.test(q.text), 'an SVG document');
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nd-upi-')), 'qr.pgm');
  const got = decodeSvgQr(q.text, file);
  const enc = (s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
  const want = `upi://pay?pa=nalam.clinic-1@okaxis&pn=${enc(clinic)}&am=350.50&tn=${pay.json.receipt_no}`;
  t.eq(got, want, 'zbarimg reads the exact UPI link');
  t.ok(t.db(`SELECT count(*) AS n FROM audit WHERE action = 'payment.read' AND entity_id = ${pay.json.id}`)[0].n >= 2,
    'reading the QR is audited like the receipt');
  const gone = await t.api('GET', '/api/payments/999999999/upi-qr', { cookie: S.deskCookie });
  t.status(gone, 404, 'no such payment');
  t.eq(gone.json.error.code, 'not_found', 'code');
  // A clinic name that needs encoding: spaces, an ampersand, Tamil letters.
  const s2 = await t.api('PUT', '/api/settings', { cookie: adm, body: { version: ok.json.version, clinic_name: 'நலம் Clinic & Care' } });
  t.status(s2, 200, 'clinic name');
  const q2 = await t.api('GET', r1.json.upi_qr_url, { cookie: S.deskCookie });
  const got2 = decodeSvgQr(q2.text, file);
  t.eq(got2, `upi://pay?pa=nalam.clinic-1@okaxis&pn=${enc('நலம் Clinic & Care')}&am=350.50&tn=${pay.json.receipt_no}`,
    'the payee name is percent-encoded');
  const back = await t.api('PUT', '/api/settings', { cookie: adm, body: { version: s2.json.version, clinic_name: clinic, upi_vpa: null } });
  t.status(back, 200, 'clinic name back, UPI ID cleared');
  t.eq(back.json.upi_vpa, null, 'a cleared UPI ID reads null');
  t.eq((await t.api('GET', `/api/payments/${pay.json.id}`, { cookie: S.deskCookie })).json.upi_qr_url, null, 'and the receipt has no QR again');
});

t.test('follow-ups: today, tomorrow and this week, with phone and WhatsApp links in the patient\'s language', async () => {
  need();
  const first = await t.api('GET', '/api/followups', { cookie: S.deskCookie });
  t.status(first, 200, 'GET /api/followups');
  const today = first.json.date;
  t.ok(/^\d{4}-\d{2}-\d{2}$/.test(today), 'the day');
  const mk = async (name, lang, phone, days) => {
    const r = await t.api('POST', '/api/patients', { cookie: S.deskCookie, body: { name, sex: 'F', age_years: 33, language: lang, phone } });
    t.status(r, 201, `POST /api/patients (phone ${phone})`);
    const id = r.json.id;
    const v = await finalVisit(id, { follow_up_date: addDays(today, days) });
    return { id, v };
  };
  // Numbers no other test uses (the shared stack keeps every file's patients).
  const [taPhone, landline] = [t.mobile(), t.landline()];
  const ta = await mk('செல்வம் ' + t.uniq(''), 'ta', taPhone, 0);
  const hi = await mk('सीता ' + t.uniq(''), 'hi', t.mobile(), 1);
  const en = await mk(t.uniq('Karthik '), 'en', landline, 4);
  const far = await mk(t.uniq('Later '), 'en', t.mobile(), 7);
  const back = await mk(t.uniq('Came back '), 'ta', t.mobile(), 2);
  await finalVisit(back.id, {});	// a later visit: the review is done
  const res = await t.api('GET', '/api/followups', { cookie: S.deskCookie });
  t.status(res, 200, 'GET /api/followups');
  const by = Object.fromEntries(res.json.followups.map((f) => [f.patient.id, f]));
  t.eq(by[ta.id] && by[ta.id].when, 'today', 'today');
  t.eq(by[hi.id] && by[hi.id].when, 'tomorrow', 'tomorrow');
  t.eq(by[en.id] && by[en.id].when, 'week', 'this week');
  t.ok(!by[far.id], 'a week away is not listed');
  t.ok(!by[back.id], 'a patient who came back is not listed');
  t.eq(by[ta.id].follow_up_date, today, 'its date');
  t.eq(by[ta.id].visit_id, ta.v.id, 'its visit');
  t.eq(by[ta.id].tel, `tel:+91${taPhone}`, 'mobile phone link');
  const wa = new URL(by[ta.id].whatsapp);
  t.eq(wa.origin + wa.pathname, `https://wa.me/91${taPhone}`, 'click-to-chat number');
  const text = wa.searchParams.get('text');
  t.ok(text.startsWith('வணக்கம் செல்வம்') && text.includes('மறுபரிசோதனை'), `Tamil message: ${text}`);
  t.ok(!/\+/.test(by[ta.id].whatsapp), 'spaces are %20, not +');
  const htext = new URL(by[hi.id].whatsapp).searchParams.get('text');
  t.ok(htext.startsWith('नमस्ते सीता') && htext.includes('दोबारा जाँच'), `Hindi message: ${htext}`);
  t.eq(by[en.id].tel, `tel:${landline}`, 'a landline keeps its STD code');
  t.eq(by[en.id].whatsapp, null, 'a landline has no WhatsApp');
  const dates = res.json.followups.map((f) => f.follow_up_date);
  t.eq(dates, [...dates].sort(), 'by date');
  t.ok(t.db(`SELECT count(*) AS n FROM audit WHERE action = 'followup.list'`)[0].n >= 2, 'audited');
  const nurseOrAdmin = await t.api('GET', '/api/followups', { cookie: await t.admin() });
  t.status(nurseOrAdmin, 403, 'the admin does not read patients\' reviews');
});

t.run();
