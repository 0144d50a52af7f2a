// i18n.js — the screens' words in English, Tamil and Hindi. Every visible string of a screen
// is a key of the catalogues in i18n/ (en.js is the reference; ta.js and hi.js say the same
// as a Tamil or Hindi speaking receptionist would). t(key, vars) answers in the signed-in
// user's language; tIn(lang, key, vars) in another (a patient's printout). A key missing from
// a catalogue falls back to English, which the language walk test (tests/browser/lang.test.js)
// reports as untranslated. {name} in a string is replaced by vars.name.
import en from './i18n/en.js';
import ta from './i18n/ta.js';
import hi from './i18n/hi.js';

const CATALOGUES = { en, ta, hi };

// [code, the language's own name]: what the header's switch and the forms offer.
export const LANGUAGES = [['en', 'English'], ['ta', 'தமிழ்'], ['hi', 'हिन्दी']];

let current = 'en';

export const lang = () => current;

// Sets the screens' language (unknown codes: English) and the page's lang attribute.
export function setLang(code) {
	current = CATALOGUES[code] ? code : 'en';
	document.documentElement.lang = current === 'en' ? 'en-IN' : `${current}-IN`;
	return current;
}

const fill = (s, vars) => vars ? s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m)) : s;

export function tIn(code, key, vars) {
	const cat = CATALOGUES[code] || en;
	const s = key in cat ? cat[key] : key in en ? en[key] : key;
	return fill(s, vars);
}

export const t = (key, vars) => tIn(current, key, vars);

// Whether KEY is in the catalogues (for words the server also sends, e.g. an audit action's).
export const known = key => key in en;

// Every catalogue's text, for the walk test's "is this string from a catalogue" question.
export const catalogue = code => CATALOGUES[code] || en;
