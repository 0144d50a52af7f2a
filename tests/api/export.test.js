'use strict';
// export.test.js — the clinic's records going out (cgi-bin/export.c, lib/fhir.c, lib/csv.c):
// GET /api/patients/{id}/fhir validated offline against the FHIR R4 JSON schema (the whole
// Bundle and every resource), for a patient with a Tamil name, every vital, coded and uncoded
// diagnoses, prescriptions and allergies, and for one without visits; LOINC codes and UCUM
// units checked one by one; references resolve inside the bundle; drafts are left out; the
// role matrix and the audit. Then the admin's three CSV files: byte-order mark, header, RFC 4180
// quoting (commas, quotes, line breaks), cells a spreadsheet would run as formulas defused,
// Tamil intact, and the audit; 403 for everyone but the admin.
const t = require('../lib/t.js');
const Validator = require('@asymmetrik/fhir-json-schema-validator');

const fhir = new Validator();
const S = {};

function need() {
  if (!S.doc) t.skip('no sessions (the first test failed or skipped)');
}

// Every vital of a visit, their LOINC codes and UCUM units (what FHIR's vital signs profile asks).
const VITALS = { bp_systolic: 128, bp_diastolic: 84, pulse: 76, temperature_c: 38.4, weight_kg: 61.5, height_cm: 158, spo2: 97 };
const LOINC = {
  '8480-6': ['mm[Hg]', 128], '8462-4': ['mm[Hg]', 84], '8867-4': ['/min', 76], '8310-5': ['Cel', 38.4],
  '29463-7': ['kg', 61.5], '8302-2': ['cm', 158], '59408-5': ['%', 97],
};

function validate(resource, what) {
  const errors = fhir.validate(resource);
  t.ok(errors.length === 0, `${what} is valid FHIR R4: ${JSON.stringify(errors).slice(0, 400)}`);
}

// A minimal RFC 4180 reader: rows of cells, quotes doubled inside quoted cells.
function parseCsv(text) {
  const rows = [];
  let row = [], cell = '', q = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (q) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (c === '"') q = false; else cell += c;
    } else if (c === '"') q = true;
    else if (c === ',') { row.push(cell); cell = ''; } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell); rows.push(row); row = []; cell = ''; i++;
    } else cell += c;
  }
  if (cell !== '' || row.length) { row.push(cell); rows.push(row); }
  return rows;
}

async function csv(path, cookie) {
  const res = await t.api('GET', path, { cookie });
  t.status(res, 200, `GET ${path}`);
  t.ok(/^text\/csv; charset=utf-8/.test(res.headers['content-type']), `${path} content type ${res.headers['content-type']}`);
  t.ok(/attachment; filename="nalamdesk-[a-z]+-\d{4}-\d\d-\d\d\.csv"/.test(res.headers['content-disposition'] || ''),
    `${path} is an attachment: ${res.headers['content-disposition']}`);
  t.ok(res.text.startsWith('\ufeff'), `${path} starts with the UTF-8 byte-order mark`);
  const rows = parseCsv(res.text.slice(1));
  const head = rows[0];
  t.ok(rows.slice(1).every((r) => r.length === head.length), `${path}: every row has ${head.length} cells`);
  return rows.slice(1).map((r) => Object.fromEntries(head.map((h, i) => [h, r[i]])));
}

t.test('export: a finalized visit with every vital, diagnoses and prescriptions', async () => {
  S.admin = await t.admin();
  S.desk = (await t.user('frontdesk')).cookie;
  const doc = await t.user('doctor');
  S.doc = doc.cookie;
  S.docName = doc.username;
  S.name = t.uniq('முருகன் ');
  S.phone = t.mobile();
  S.pid = await t.patient(S.desk, {
    name: S.name, sex: 'M', dob: '1961-04-14', phone: S.phone, abha_id: '12-3456-7890-1234',
    address: 'Door 5, "Lakshmi Nilayam"\nMadurai', allergies: 'Penicillin, Sulfa drugs; nil', notes: '=1+1 call back',
    language: 'ta',
  });
  let v = (await t.api('POST', '/api/visits', { cookie: S.doc, body: { patient_id: S.pid } })).json;
  const p = await t.api('PATCH', `/api/visits/${v.id}`, { cookie: S.doc, body: {
    version: v.version, complaint: 'Fever for 3 days', vitals: VITALS,
    diagnoses: [{ text: 'Acute upper respiratory infection', code: 'J06.9' }, { text: 'Viral fever, to watch', code: null }],
    prescriptions: [
      { medicine: 'Paracetamol', strength: '650 mg', form: 'tablet', dose: '1-0-1', timing: 'after_food', duration_days: 5, instructions: 'With warm water' },
      { medicine: 'Cetirizine', strength: '10 mg', form: 'tablet', dose: 'HS', timing: null, duration_days: 3, instructions: null },
      { medicine: 'Ibuprofen', strength: '400 mg', form: 'tablet', dose: 'SOS', timing: null, duration_days: null, instructions: null },
    ],
  } });
  t.status(p, 200, 'PATCH the visit');
  const f = await t.api('POST', `/api/visits/${v.id}/finalize`, { cookie: S.doc, body: {} });
  t.status(f, 200, 'finalize');
  S.vid = v.id;
  // A draft visit of the same patient: not part of the record yet.
  v = (await t.api('POST', '/api/visits', { cookie: S.doc, body: { patient_id: S.pid } })).json;
  S.draft = v.id;
  S.bare = await t.patient(S.desk, { name: t.uniq('Sita '), sex: 'F', age_years: 30 });
});

t.test('export: GET /api/patients/{id}/fhir is a valid FHIR R4 collection Bundle', async () => {
  need();
  const res = await t.api('GET', `/api/patients/${S.pid}/fhir`, { cookie: S.doc });
  t.status(res, 200, 'GET fhir as the doctor');
  t.ok(/^application\/fhir\+json/.test(res.headers['content-type']), `content type ${res.headers['content-type']}`);
  const b = res.json;
  t.eq([b.resourceType, b.type], ['Bundle', 'collection'], 'a collection Bundle');
  validate(b, 'the Bundle');
  for (const e of b.entry) validate(e.resource, `${e.resource.resourceType}/${e.resource.id}`);
  const count = {};
  for (const e of b.entry) count[e.resource.resourceType] = (count[e.resource.resourceType] || 0) + 1;
  t.eq(count, { Patient: 1, AllergyIntolerance: 2, Encounter: 1, Observation: 6, Condition: 2, MedicationRequest: 3 },
    'one Patient, 2 allergies (nil is none), the final visit only, 6 vital observations, 2 conditions, 3 lines');
  // Every reference points at an entry of this bundle.
  const urls = new Set(b.entry.map((e) => e.fullUrl));
  t.ok(b.entry.every((e) => /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(e.fullUrl)), 'fullUrls are urn:uuid');
  t.eq(urls.size, b.entry.length, 'fullUrls are unique');
  const refs = JSON.stringify(b).match(/"reference":"[^"]*"/g).map((r) => r.slice(13, -1));
  t.ok(refs.length > 10 && refs.every((r) => urls.has(r)), `every reference resolves in the bundle: ${refs.filter((r) => !urls.has(r))}`);
  S.bundle = b;
  // The validator is not blind: the same bundle with one wrong value fails.
  const bad = JSON.parse(res.text);
  bad.entry[0].resource.gender = 'bloke';
  bad.entry.find((e) => e.resource.resourceType === 'Observation').resource.valueQuantity = { value: 'high' };
  t.ok(fhir.validate(bad).length > 0, 'a wrong gender and a text value are refused');
  // The same bundle twice: stable uuids.
  const again = await t.api('GET', `/api/patients/${S.pid}/fhir`, { cookie: S.admin });
  t.status(again, 200, 'GET fhir as the admin');
  t.eq(again.json.entry.map((e) => e.fullUrl), b.entry.map((e) => e.fullUrl), 'the same uuids every time');
});

t.test('export: the Patient: identifiers, Tamil name, gender, birth date, phone, address', async () => {
  need();
  const pt = S.bundle.entry[0].resource;
  t.eq(pt.resourceType, 'Patient', 'Patient first');
  const clinicNo = t.db(`SELECT clinic_no FROM patients WHERE id = ${S.pid}`)[0].clinic_no;
  const mr = pt.identifier.find((i) => i.type && i.type.coding && i.type.coding[0].code === 'MR');
  t.eq(mr && mr.value, String(clinicNo), 'the clinic number is the MR identifier');
  const abha = pt.identifier.find((i) => i.system === 'https://healthid.ndhm.gov.in');
  t.eq(abha && abha.value, '12-3456-7890-1234', 'the ABHA number under the ABDM system');
  t.eq(pt.name[0].text, S.name, 'the Tamil name as written');
  t.eq([pt.gender, pt.birthDate], ['male', '1961-04-14'], 'gender and birth date');
  t.eq(pt.telecom, [{ system: 'phone', value: S.phone, use: 'mobile' }], 'telecom');
  t.eq(pt.address[0].text, 'Door 5, "Lakshmi Nilayam"\nMadurai', 'address');
  t.eq(pt.communication, [{ language: { coding: [{ system: 'urn:ietf:bcp:47', code: 'ta' }] }, preferred: true }],
    'the language the patient reads');
  const al = S.bundle.entry.filter((e) => e.resource.resourceType === 'AllergyIntolerance').map((e) => e.resource.code.text);
  t.eq(al, ['Penicillin', 'Sulfa drugs'], 'one AllergyIntolerance per recorded allergy');
});

t.test('export: vitals as Observations with LOINC codes and UCUM units', async () => {
  need();
  const obs = S.bundle.entry.map((e) => e.resource).filter((r) => r.resourceType === 'Observation');
  const seen = {};
  for (const o of obs) {
    t.eq(o.category[0].coding[0].code, 'vital-signs', `${o.id} category`);
    t.eq(o.code.coding[0].system, 'http://loinc.org', `${o.id} LOINC`);
    const parts = o.component ? o.component : [o];
    for (const c of parts) {
      const q = c.valueQuantity;
      t.eq(q.system, 'http://unitsofmeasure.org', `${o.id} UCUM`);
      seen[c.code.coding[0].code] = [q.code, q.value];
    }
  }
  t.eq(seen, LOINC, 'every vital with its LOINC code, UCUM unit and value');
  const bp = obs.find((o) => o.code.coding[0].code === '85354-9');
  t.ok(bp && bp.component.length === 2, 'blood pressure is the panel with two components');
});

t.test('export: Encounter, Conditions (ICD-10 where coded) and MedicationRequests', async () => {
  need();
  const rs = S.bundle.entry.map((e) => e.resource);
  const enc = rs.find((r) => r.resourceType === 'Encounter');
  t.eq([enc.id, enc.status, enc.class.code], [`encounter-${S.vid}`, 'finished', 'AMB'], 'the finalized visit as a finished ambulatory encounter');
  t.eq(enc.reasonCode[0].text, 'Fever for 3 days', 'the complaint as the reason');
  t.ok(!rs.some((r) => r.id === `encounter-${S.draft}`), 'the draft visit is left out');
  const cond = rs.filter((r) => r.resourceType === 'Condition');
  t.eq(cond[0].code.coding, [{ system: 'http://hl7.org/fhir/sid/icd-10', code: 'J06.9' }], 'ICD-10 coding');
  t.eq(cond[1].code, { text: 'Viral fever, to watch' }, 'an uncoded diagnosis is text only');
  const mr = rs.filter((r) => r.resourceType === 'MedicationRequest');
  t.eq(mr[0].medicationCodeableConcept.text, 'Paracetamol 650 mg tablet', 'the medicine');
  const d = mr[0].dosageInstruction[0];
  t.eq(d.text, '1-0-1, after food, for 5 days. With warm water', 'dosage text');
  t.eq(d.timing.repeat, { boundsDuration: { value: 5.0, unit: 'days', system: 'http://unitsofmeasure.org', code: 'd' },
    frequency: 2, period: 1, periodUnit: 'd', when: ['PC'] }, '1-0-1 after food: twice a day, after meals, 5 days');
  t.eq(d.doseAndRate[0].doseQuantity.value, 1.0, 'one each time');
  t.eq(mr[1].dosageInstruction[0].timing.repeat.when, ['HS'], 'HS at bedtime');
  t.eq(mr[2].dosageInstruction[0].asNeededBoolean, true, 'SOS as needed');
  t.eq(mr.map((m) => m.status), ['active', 'active', 'unknown'], 'status from the days left');
});

t.test('export: a patient without visits, the roles, 404, and the audit', async () => {
  need();
  const res = await t.api('GET', `/api/patients/${S.bare}/fhir`, { cookie: S.doc });
  t.status(res, 200, 'GET fhir of a patient without visits');
  validate(res.json, 'the bare Bundle');
  t.eq(res.json.entry.map((e) => e.resource.resourceType), ['Patient'], 'only the Patient');
  t.ok(!('birthDate' in res.json.entry[0].resource), 'an age alone is no birth date');
  t.status(await t.api('GET', `/api/patients/${S.pid}/fhir`, { cookie: S.desk }), 403, 'the front desk may not');
  t.status(await t.api('GET', `/api/patients/${S.pid}/fhir`, {}), 401, 'signed out');
  const nf = await t.api('GET', '/api/patients/999999999/fhir', { cookie: S.doc });
  t.status(nf, 404, 'no such patient');
  t.eq(nf.json.error.code, 'not_found', 'not_found');
  const n = t.db(`SELECT count(*) AS n FROM audit WHERE action = 'patient.fhir' AND patient_id = ${S.pid}`)[0].n;
  t.eq(n, 2, 'each read audited as patient.fhir');
});

t.test('export: patients.csv — BOM, quoting, formula guard, Tamil intact', async () => {
  need();
  const rows = await csv('/api/export/patients.csv', S.admin);
  const me = rows.find((r) => r.name === S.name);
  t.ok(me, 'the Tamil name reads back intact');
  t.eq(me.address, 'Door 5, "Lakshmi Nilayam"\nMadurai', 'commas, quotes and a line break survive');
  t.eq(me.notes, "'=1+1 call back", 'a cell starting with = is defused');
  t.eq([me.sex, me.dob, me.phone, me.abha_id, me.language], ['M', '1961-04-14', S.phone, '12-3456-7890-1234', 'ta'], 'fields');
  t.eq(rows.length, t.db('SELECT count(*) AS n FROM patients')[0].n, 'every patient');
  for (const who of ['desk', 'doc']) {
    t.status(await t.api('GET', '/api/export/patients.csv', { cookie: S[who] }), 403, `${who} may not`);
  }
});

t.test('export: visits.csv with diagnoses and prescriptions; payments.csv', async () => {
  need();
  const pay = await t.api('POST', '/api/payments', { cookie: S.desk, body: { patient_id: S.pid, visit_id: S.vid, amount_paise: 15050, mode: 'upi', note: '+ tip -',
    items: [{ description: 'Consultation', amount_paise: 10000 }, { description: 'ECG', amount_paise: 5050 }] } });
  t.status(pay, 201, 'a payment with two items');
  const wrong = await t.api('POST', '/api/payments', { cookie: S.desk, body: { patient_id: S.pid, amount_paise: 999, mode: 'cash' } });
  t.status(wrong, 201, 'a mistaken payment');
  t.status(await t.api('POST', `/api/payments/${wrong.json.id}/void`, { cookie: S.admin, body: { reason: 'Typed twice' } }), 200, 'voided');
  const visits = await csv('/api/export/visits.csv', S.admin);
  const v = visits.find((r) => r.visit_id === String(S.vid));
  t.ok(v, 'the visit is there');
  t.eq([v.patient_name, v.status, v.bp_systolic, v.temperature_c], [S.name, 'final', '128', '38.4'], 'visit fields');
  t.eq(v.diagnoses, 'Acute upper respiratory infection [J06.9]; Viral fever, to watch', 'diagnoses in order, coded');
  t.eq(v.prescriptions.split(' | ')[0], 'Paracetamol 650 mg tablet: 1-0-1, after food, 5 days, With warm water', 'a line');
  t.eq(v.prescriptions.split(' | ').length, 3, 'every line');
  t.ok(visits.some((r) => r.visit_id === String(S.draft) && r.status === 'draft'), 'drafts are listed as drafts');
  const pays = await csv('/api/export/payments.csv', S.admin);
  const p = pays.find((r) => r.receipt_no === String(pay.json.receipt_no));
  t.eq([p.patient_name, p.amount_rupees, p.amount_paise, p.mode, p.note, p.items, p.voided],
    [S.name, '150.50', '15050', 'upi', "'+ tip -", 'Consultation 100.00; ECG 50.50', 'no'], 'the payment and its items');
  const v2 = pays.find((r) => r.receipt_no === String(wrong.json.receipt_no));
  t.eq([v2.voided, v2.void_reason, v2.amount_paise], ['yes', 'Typed twice', '999'], 'a voided receipt keeps its row, marked');
  const n = t.db("SELECT action, count(*) AS n FROM audit WHERE action LIKE 'export.%' GROUP BY action ORDER BY action");
  t.eq(n.map((r) => r.action), ['export.patients', 'export.payments', 'export.visits'], 'each export audited');
  t.status(await t.api('GET', '/api/export/visits.csv', { cookie: S.doc }), 403, 'the doctor may not');
  t.status(await t.api('GET', '/api/export/payments.csv', { cookie: S.desk }), 403, 'the front desk may not');
});

t.run();
