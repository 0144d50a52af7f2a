'use strict';
// pad.test.js — the doctor's pad (cgi-bin/visits/, the pad-safety migration):
// brand names find their generic (q=dolo → Paracetamol 650 mg tablet, brand
// "Dolo 650"), the allergy check (Penicillin/Amoxicillin, sulpha/
// cotrimoxazole, aspirin/NSAID refused at finalize without an override and
// accepted with one, audited), warnings of GET /api/visits/{id} (allergy and
// duplicate ingredient), the printed prescription (403 not_finalized on a
// draft, 200 for the front desk on a finalized visit, nothing of the notes,
// audited), the patient's list of prescriptions, and the print settings.
const t = require('../lib/t.js');

const S = {};

function need() {
  if (!S.doc) t.skip('no sessions (the first test failed or skipped)');
}

async function draft(allergies, rx, extra = {}) {
  const pid = await t.patient(S.desk, { name: t.uniq('Pad Pt '), sex: 'F', age_years: 40, ...(allergies ? { allergies } : {}) });
  const v = await t.api('POST', '/api/visits', { cookie: S.doc, body: { patient_id: pid } });
  t.status(v, 201, 'POST /api/visits');
  const res = await t.api('PATCH', `/api/visits/${v.json.id}`, {
    cookie: S.doc, body: { version: v.json.version, complaint: 'Fever', prescriptions: rx, ...extra },
  });
  t.status(res, 200, 'PATCH the prescription');
  return res.json;
}

const finalize = (v) => t.api('POST', `/api/visits/${v.id}/finalize`, { cookie: S.doc, body: {} });
const statusOf = (v) => t.db(`SELECT status FROM visits WHERE id = ${v.id}`)[0].status;
const line = (medicine, extra = {}) => ({ medicine, dose: '1-0-1', duration_days: 5, ...extra });

t.test('pad: sessions', async () => {
  S.doc = (await t.user('doctor')).cookie;
  S.desk = (await t.user('frontdesk')).cookie;
  S.admin = await t.admin();
});

t.test('pad: q=dolo finds Paracetamol 650 mg tablet, brand "Dolo 650"', async () => {
  need();
  const res = await t.api('GET', '/api/medicines?q=dolo', { cookie: S.doc });
  t.status(res, 200, 'GET /api/medicines?q=dolo');
  const m = res.json.medicines[0];
  t.eq([m.name, m.strength, m.form, m.brand], ['Paracetamol', '650 mg', 'tablet', 'Dolo 650'], 'the first item');
  t.eq(m.ingredients, ['Paracetamol'], 'its ingredients');
  t.eq(m.class, null, 'paracetamol has no allergy class');
  const want = {
    crocin: (x) => x.brand && x.brand.startsWith('Crocin') && x.name === 'Paracetamol',
    azee: (x) => x.brand === 'Azee 500' && x.name === 'Azithromycin' && x.class === 'macrolide',
    augmentin: (x) => x.brand === 'Augmentin 625 Duo' && x.strength === '625 mg' &&
      JSON.stringify(x.ingredients) === '["Amoxicillin","Clavulanic acid"]' && x.class === 'penicillin',
    amoxy: (x) => x.brand === 'Amoxyclav 625' && x.name === 'Amoxicillin + Clavulanic acid',
    'pan 40': (x) => x.brand === 'Pan 40' && x.name === 'Pantoprazole' && x.strength === '40 mg',
    septran: (x) => x.brand && /Cotrimoxazole/.test(x.name) && x.class === 'sulfonamide',
  };
  for (const [q, ok] of Object.entries(want)) {
    const r = await t.api('GET', `/api/medicines?q=${encodeURIComponent(q)}&limit=50`, { cookie: S.doc });
    t.status(r, 200, `q=${q}`);
    t.ok(r.json.medicines.some(ok), `q=${q} finds its brand: ${JSON.stringify(r.json.medicines.slice(0, 3))}`);
  }
  const n = t.db('SELECT count(*) AS n FROM medicine_brands')[0].n;
  t.ok(n >= 300, `${n} brands in the catalogue`);
  const desk = await t.api('GET', '/api/medicines?q=dolo', { cookie: S.desk });
  t.status(desk, 403, 'the front desk does not search medicines');
});

t.test('pad: allergy conflicts refused at finalize without an override, accepted with one', async () => {
  need();
  const pairs = [
    ['Penicillin', line('Amoxicillin', { strength: '500 mg', form: 'capsule' }), 'penicillin'],
    ['sulpha drugs', line('Cotrimoxazole (Sulfamethoxazole + Trimethoprim)', { strength: '800 mg + 160 mg', form: 'tablet', brand: 'Septran DS' }), 'sulfonamide'],
    ['aspirin', line('Ibuprofen', { strength: '400 mg', form: 'tablet', brand: 'Brufen 400' }), 'nsaid'],
  ];
  for (const [allergy, rx, cls] of pairs) {
    const safe = line('Paracetamol', { strength: '650 mg', form: 'tablet' });
    let v = await draft(allergy, [safe, rx]);
    const w = v.warnings.filter((x) => x.kind === 'allergy');
    t.eq(w.map((x) => [x.index, x.overridden]), [[1, false]], `${allergy}: the warning names line 1`);
    t.ok(w[0].message.includes(cls), `${allergy}: the message names ${cls}: ${w[0].message}`);
    const res = await finalize(v);
    t.status(res, 409, `${allergy} / ${rx.medicine}: finalize refused`);
    t.eq(res.json.error.code, 'allergy_conflict', 'code');
    t.eq(res.json.error.conflicts.map((c) => [c.index, c.medicine, c.allergy]), [[1, rx.medicine, allergy]], 'conflicts');
    t.eq(statusOf(v), 'draft', 'nothing changed');
    // With the doctor's reason on that line, it goes through and is audited.
    const p = await t.api('PATCH', `/api/visits/${v.id}`, {
      cookie: S.doc, body: { version: v.version, prescriptions: [safe, { ...rx, allergy_override: 'Tolerated before; watched' }] },
    });
    t.status(p, 200, 'PATCH with the override');
    v = p.json;
    t.eq(v.warnings.filter((x) => x.kind === 'allergy').map((x) => x.overridden), [true], 'the warning stays, overridden');
    const ok = await finalize(v);
    t.status(ok, 200, `${allergy}: finalize with the override`);
    t.eq(statusOf(v), 'final', 'final');
    const a = t.db(`SELECT count(*) AS n FROM audit WHERE action = 'visit.allergy_override' AND entity_id = ${v.id}`);
    t.eq(a[0].n, 1, 'the override is audited');
    const rx2 = await t.api('GET', `/api/visits/${v.id}/prescription`, { cookie: S.desk });
    t.status(rx2, 200, 'the printout');
    t.ok(!JSON.stringify(rx2.json).includes('Tolerated before'), 'the override reason is printed nowhere');
  }
  // No allergy recorded, or one the medicines do not meet: finalize as before.
  const none = await draft('NKDA', [line('Amoxicillin')]);
  t.eq(none.warnings, [], 'NKDA: no warning');
  t.status(await finalize(none), 200, 'NKDA: finalized');
  const other = await draft('Sulfa', [line('Amoxicillin', { brand: 'Mox 500', strength: '500 mg', form: 'capsule' })]);
  t.eq(other.warnings, [], 'sulfa does not meet amoxicillin');
  // A brand the patient wrote meets its generic; an NSAID allergy meets aspirin.
  const brand = await draft('Crocin', [line('Paracetamol', { strength: '500 mg', form: 'tablet' })]);
  t.eq(brand.warnings.map((x) => x.kind), ['allergy'], 'crocin meets paracetamol');
  const nsaid = await draft('NSAIDs', [line('Aspirin', { brand: 'Ecosprin 75', strength: '75 mg', form: 'tablet' })]);
  t.eq(nsaid.warnings.map((x) => x.kind), ['allergy'], 'NSAIDs meets aspirin');
});

t.test('pad: two lines with one active ingredient are flagged', async () => {
  need();
  const v = await draft('', [
    line('Paracetamol', { brand: 'Dolo 650', strength: '650 mg', form: 'tablet' }),
    line('Cetirizine'),
    line('Aceclofenac + Paracetamol', { strength: '100 mg + 325 mg', form: 'tablet' }),
  ]);
  t.eq(v.warnings.map((w) => [w.kind, w.index]), [['duplicate_ingredient', 2]], 'line 2 repeats paracetamol');
  t.ok(/Paracetamol/.test(v.warnings[0].message), v.warnings[0].message);
  const get = await t.api('GET', `/api/visits/${v.id}`, { cookie: S.doc });
  t.eq(get.json.warnings, v.warnings, 'GET answers the same warnings');
  t.status(await finalize(v), 200, 'a duplicate does not stop finalize');
});

t.test('pad: the printed prescription: 403 on a draft, 200 for the front desk when final', async () => {
  need();
  const v = await draft('Penicillin', [line('Paracetamol', { brand: 'Dolo 650', strength: '650 mg', form: 'tablet' })],
    { notes: 'Secret clinical note', diagnoses: [{ text: 'Viral fever' }], advice: 'Fluids', vitals: { pulse: 88 } });
  const before = t.db(`SELECT count(*) AS n FROM audit WHERE action = 'prescription.read' AND entity_id = ${v.id}`)[0].n;
  for (const who of ['desk', 'doc']) {
    const r = await t.api('GET', `/api/visits/${v.id}/prescription`, { cookie: S[who] });
    t.status(r, 403, `${who}: draft`);
    t.eq(r.json.error.code, 'not_finalized', 'code');
  }
  t.status(await finalize(v), 200, 'finalize');
  const r = await t.api('GET', `/api/visits/${v.id}/prescription`, { cookie: S.desk });
  t.status(r, 200, 'the front desk reads the printout');
  const j = r.json;
  t.eq(j.visit_id, v.id, 'visit_id');
  t.eq(j.patient.allergies, 'Penicillin', 'the allergies print');
  t.eq(j.prescriptions.map((m) => [m.medicine, m.strength, m.brand]), [['Paracetamol', '650 mg', 'Dolo 650']], 'the lines');
  t.eq(j.diagnoses.map((d) => d.text), ['Viral fever'], 'diagnoses');
  t.eq(j.vitals.pulse, 88, 'vitals');
  t.eq(j.advice, 'Fluids', 'advice');
  for (const k of ['notes', 'complaint', 'warnings']) t.ok(!(k in j), `no ${k}`);
  t.ok(!JSON.stringify(j).includes('Secret clinical note'), 'nothing of the notes');
  t.ok(!('allergy_override' in j.prescriptions[0]), 'no override field');
  const after = t.db(`SELECT count(*) AS n FROM audit WHERE action = 'prescription.read' AND entity_id = ${v.id}`)[0].n;
  t.eq(after - before, 1, 'the read is audited');
  t.status(await t.api('GET', `/api/visits/${v.id}/prescription`, { cookie: S.admin }), 403, 'admin: 403');
  t.status(await t.api('GET', '/api/visits/999999999/prescription', { cookie: S.desk }), 404, 'no such visit');
  // The patient's reprint list, for the front desk.
  const list = await t.api('GET', `/api/patients/${v.patient_id}/prescriptions`, { cookie: S.desk });
  t.status(list, 200, 'GET /api/patients/{id}/prescriptions');
  t.eq(list.json.prescriptions.map((x) => [x.visit_id, x.medicines]), [[v.id, 1]], 'the finalized visit');
  t.status(await t.api('GET', '/api/patients/999999999/prescriptions', { cookie: S.desk }), 404, 'no such patient');
  t.status(await t.api('GET', `/api/visits/${v.id}`, { cookie: S.desk }), 403, 'the visit itself stays the doctor\'s');
});

t.test('pad: print settings: paper, letterhead, pad margins (0-120)', async () => {
  need();
  const s = (await t.api('GET', '/api/settings', { cookie: S.admin })).json;
  t.eq([s.paper, s.print_letterhead, s.pad_margin_top_mm, s.pad_margin_left_mm], ['A5', true, 0, 0], 'defaults');
  const bad = [[{ paper: 'A3' }, 'paper'], [{ pad_margin_top_mm: 121 }, 'pad_margin_top_mm'],
    [{ pad_margin_left_mm: -1 }, 'pad_margin_left_mm'], [{ print_letterhead: 'no' }, 'print_letterhead']];
  for (const [body, field] of bad) {
    const r = await t.api('PUT', '/api/settings', { cookie: S.admin, body: { version: s.version, ...body } });
    t.status(r, 422, JSON.stringify(body));
    t.eq(r.json.error.field, field, 'names the field');
  }
  const r = await t.api('PUT', '/api/settings', {
    cookie: S.admin, body: { version: s.version, paper: 'A4', print_letterhead: false, pad_margin_top_mm: 40, pad_margin_left_mm: 15 },
  });
  t.status(r, 200, 'PUT');
  t.eq([r.json.paper, r.json.print_letterhead, r.json.pad_margin_top_mm, r.json.pad_margin_left_mm], ['A4', false, 40, 15], 'saved');
  const back = await t.api('PUT', '/api/settings', {
    cookie: S.admin, body: { version: r.json.version, paper: 'A5', print_letterhead: true, pad_margin_top_mm: 0, pad_margin_left_mm: 0 },
  });
  t.status(back, 200, 'back to the defaults');
});

t.run();
