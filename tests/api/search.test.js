'use strict';
// search.test.js — finding a patient the way the front desk types (schema 007,
// cgi-bin/lib/phonetic.c): four or more digits anywhere in the phone (numbers
// starting with them first), landlines with their STD code, and names across
// scripts by their sound (every example of the contract, also as a prefix),
// and the duplicate hint by the same sound.
const crypto = require('node:crypto');
const t = require('../lib/t.js');

const S = {};

function need() {
  if (!S.desk) t.skip('no session (the first test failed)');
}

// A random word spelt in Tamil and, as a receptionist might, in Latin letters
// (voiced where Tamil writes one letter, long vowels doubled, aspirated t):
// the two must sound alike, and no other patient of the shared stack has it.
const SYLLABLES = [['கு', 'gu'], ['ரு', 'ru'], ['மா', 'maa'], ['லி', 'li'], ['வே', 've'],
  ['தா', 'thaa'], ['பி', 'bi'], ['நெ', 'ne'], ['டு', 'du'], ['ரோ', 'ro'], ['கீ', 'kee']];
function tamilWord(n = 6) {
  const picks = Array.from(crypto.randomBytes(n), (b) => SYLLABLES[b % SYLLABLES.length]);
  return { ta: picks.map((p) => p[0]).join(''), en: picks.map((p) => p[1]).join('') };
}
function word(prefix = 'q') {
  const a = 'abcdefghijklmnopqrstuvwxyz';
  return prefix + Array.from(crypto.randomBytes(9), (b) => a[b % 26]).join('');
}
// A tag only the patients of one check have, whose sound starts unlike every word those
// checks type (murug, see, kaar, Mohan, Rajesh, Selvam…: m, s/c/z/j, k/g/q, r), so that a
// typed word can only find the name's own word, never the tag's.
function uniqueTag() {
  return word('lnptv'[crypto.randomInt(5)]);
}

async function create(body) {
  const res = await t.api('POST', '/api/patients', { cookie: S.desk, body: { sex: 'M', age_years: 40, ...body } });
  t.status(res, 201, `POST /api/patients ${JSON.stringify(body)}`);
  return res.json;
}
async function search(q, extra = '&limit=200') {
  const res = await t.api('GET', `/api/patients?q=${encodeURIComponent(q)}${extra}`, { cookie: S.desk });
  t.status(res, 200, `search ${JSON.stringify(q)}`);
  return res.json.patients.map((p) => p.id);
}

t.test('search: sign in', async () => {
  S.desk = (await t.user('frontdesk')).cookie;
});

t.test('search: four or more digits anywhere in the phone, numbers starting with them first', async () => {
  need();
  const x = String(7000 + crypto.randomInt(3000));		// 4 digits, a mobile's start
  const tail = () => String(crypto.randomInt(1e6)).padStart(6, '0');
  const starts = await create({ name: word('Ph '), phone: `${x}${tail()}` });
  const inside = await create({ name: word('Ph '), phone: `9${x}${tail().slice(1)}` });
  const list = await search(x);
  t.ok(list.includes(starts.id) && list.includes(inside.id), 'both found');
  t.ok(list.indexOf(starts.id) < list.indexOf(inside.id), 'the number starting with them first');
  const last5 = inside.phone.slice(5);
  t.ok((await search(last5)).includes(inside.id), `the last five digits ${last5}`);
  t.ok((await search(`${last5.slice(0, 2)} ${last5.slice(2)}`)).includes(inside.id), 'typed with a space');
  t.ok(!(await search(inside.phone.slice(4, 7))).includes(inside.id), 'three digits: only phones starting with them');
  const page1 = await search(x, '&limit=1');
  t.eq(page1.length, 1, 'a page of one');
});

t.test('search: a landline with its STD code is stored with its 0 and found by its digits', async () => {
  need();
  const local = String(2000000 + crypto.randomInt(7999999)).padStart(8, '2');
  const p = await create({ name: word('Land '), phone: `044 ${local.slice(0, 4)} ${local.slice(4)}` });
  t.eq(p.phone, `044${local}`, 'normalised with its 0');
  t.eq(t.db(`SELECT phone FROM patients WHERE id = ${p.id}`)[0].phone, `044${local}`, 'in the database');
  t.ok((await search(`044 ${local}`)).includes(p.id), 'found by the whole number');
  t.ok((await search(local)).includes(p.id), 'found by the local number');
  const m = t.mobile();
  const mob = await create({ name: word('Mob '), phone: `0${m.slice(0, 6)} ${m.slice(6)}` });
  t.eq(mob.phone, m, 'a mobile typed with its trunk 0 stays a mobile');
  const bad = await t.api('POST', '/api/patients', { cookie: S.desk, body: { name: 'X', sex: 'M', age_years: 3, phone: '00 4423 456789' } });
  t.status(bad, 422, 'an 00 number refused');
  t.eq(bad.json.error.field, 'phone', 'naming phone');
  const patch = await t.api('PATCH', `/api/patients/${mob.id}`, { cookie: S.desk, body: { version: mob.version, phone: '(080) 2345-6789' } });
  t.status(patch, 200, 'PATCH to a landline');
  t.eq(patch.json.phone, '08023456789', 'Bengaluru landline as written with its code');
});

// The contract's examples: each spelling finds the patient registered in every other.
const EXAMPLES = [
  ['Murugan', 'முருகன்', 'मुरुगन'],
  ['Selvam', 'செல்வம்'],
  ['Karthik', 'கார்த்திக்', 'कार्तिक'],
  ['Sita', 'சீதா', 'सीता'],
  ['Ramesh', 'ரமேஷ்', 'रमेश'],
];

t.test('search: every cross-script example of the contract, both ways', async () => {
  need();
  const tag = uniqueTag();
  for (const forms of EXAMPLES) {
    const made = [];
    for (const f of forms) made.push(await create({ name: `${f} ${tag}` }));
    for (const f of forms) {
      // One word (as the contract says), among whatever the shared stack holds ...
      const one = await search(f);
      // ... and with the tag, which only these patients have.
      const two = await search(`${f} ${tag}`);
      for (const [i, p] of made.entries()) {
        t.ok(one.includes(p.id), `${f} finds ${forms[i]}`);
        t.ok(two.includes(p.id), `${f} ${tag.slice(0, 4)}… finds ${forms[i]} ${tag.slice(0, 4)}…`);
      }
      t.eq(two.length, made.length, `${f} ${tag.slice(0, 4)}… finds only the ${made.length} of them`);
    }
  }
  // Names that only look a little alike are not found.
  t.ok(!(await search(`Mohan ${tag}`)).length, 'Mohan does not find Murugan');
  t.ok(!(await search(`Rajesh ${tag}`)).length, 'Rajesh does not find Ramesh');
});

t.test('search: as a prefix while typing (murug, கார்த், सी)', async () => {
  need();
  const tag = uniqueTag();
  const ta = await create({ name: `முருகன் ${tag}` });
  const hi = await create({ name: `सीता ${tag}` });
  const en = await create({ name: `Karthik ${tag}` });
  for (const [typed, p] of [['murug', ta], ['muru', ta], ['Murugan', ta], ['see', hi], ['Seetha', hi],
    ['கார்த்', en], ['कार्ति', en]]) {
    const got = await search(`${typed} ${tag}`);
    t.eq(got, [p.id], `"${typed} ${tag.slice(0, 4)}…" finds ${p.name.split(' ')[0]} only`);
  }
  const tw = tamilWord();
  const p = await create({ name: tw.ta });
  t.ok((await search(tw.en)).includes(p.id), `${tw.en} finds ${tw.ta} (one word)`);
  t.ok((await search(tw.en.slice(0, 6))).includes(p.id), `${tw.en.slice(0, 6)} finds it while typing`);
  // The sound keys are stored and indexed.
  const row = t.db(`SELECT name_key FROM patients WHERE id = ${ta.id}`)[0];
  t.ok(row.name_key.startsWith('murukn '), `name_key stored (${row.name_key})`);
  const edit = await t.api('PATCH', `/api/patients/${en.id}`, { cookie: S.desk, body: { version: en.version, name: `Selvam ${tag}` } });
  t.status(edit, 200, 'rename');
  t.eq(await search(`செல்வம் ${tag}`), [en.id], 'a renamed patient is found by the new sound');
  t.eq(await search(`Karthik ${tag}`), [], 'and no longer by the old one');
});

t.test('search: the duplicate hint uses the same sound', async () => {
  need();
  const dup = async (name) => {
    const res = await t.api('GET', `/api/patients/duplicates?name=${encodeURIComponent(name)}`, { cookie: S.desk });
    t.status(res, 200, `duplicates ${name}`);
    return res.json.candidates.map((c) => c.id);
  };
  const tw = tamilWord(7);
  const one = await create({ name: tw.ta });
  t.eq(await dup(tw.en), [one.id], `one word: ${tw.en} is ${tw.ta}`);
  t.eq(await dup(tw.en.slice(0, 7)), [], 'one word: not a prefix');
  const tag = uniqueTag();
  const two = await create({ name: `ரமேஷ் ${tag}` });
  t.eq(await dup(`Ramesh ${tag}`), [two.id], 'several words: Ramesh … is ரமேஷ் …');
});
t.run();
