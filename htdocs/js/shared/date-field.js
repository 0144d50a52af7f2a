// date-field.js — a date typed day first, the Indian way, whatever the browser's locale: a plain
// text field "dd/mm/yyyy" (not <input type=date>, which follows the browser's locale, so that
// 12/05/1980 became 5 December under en-US, and which costs three Tab keys for its day, month
// and year even when left empty). Accepts 12/05/1980, 12-5-1980, 12.05.80, 12051980; a two-digit
// year is the latest one not in the future. Beside it, the date in words ("Mon 12 May 1980") so
// nobody misreads it. The form's value stays what was typed; dayFirstISO() turns it into
// YYYY-MM-DD for the API, and setValues() of a YYYY-MM-DD shows it day first.
import { h, field, input, todayISO, fmtDate } from '../ui.js';
import { t, lang } from '../i18n.js';

// The date in words in the screens' language ("Mon 12 May 1980", "திங்., 12 மே, 1980").
const inWords = () => new Intl.DateTimeFormat(`${lang()}-IN`, { weekday: 'short', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });

// '12/05/1980' → '1980-05-12'; '' → ''; not a real date → null. A YYYY-MM-DD is taken as it is.
export function dayFirstISO(text) {
	const s = String(text ?? '').trim();
	if (s === '') return '';
	let m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
	let d, mo, y;
	if (m) [, y, mo, d] = m.map(Number);
	else if ((m = /^(\d{1,2})\s*[/.\- ]\s*(\d{1,2})\s*[/.\- ]\s*(\d{2}|\d{4})$/.exec(s)) || (m = /^(\d{2})(\d{2})(\d{4}|\d{2})$/.exec(s))) {
		[d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
		if (m[3].length === 2) {
			const now = Number(todayISO().slice(0, 4));
			y += 2000;
			if (y > now) y -= 100;
		}
	} else return null;
	const iso = `${String(y).padStart(4, '0')}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
	const t = new Date(`${iso}T00:00:00Z`);
	if (Number.isNaN(t.getTime()) || t.toISOString().slice(0, 10) !== iso || y < 1900) return null;
	return iso;
}

// dateField(label, name, attrs, {hint}) → the field (label, text input, the date in words, error
// slot). The input is field.control; its .echo() (called by setValues) shows a YYYY-MM-DD value
// day first and refreshes the words.
export function dateField(label, name, attrs = {}, { hint = t('date.hint') } = {}) {
	const inp = input(name, { inputmode: 'numeric', maxlength: 10, placeholder: t('date.placeholder'), autocomplete: 'off', ...attrs });
	const words = h('span', { class: 'date-echo', 'data-testid': `${inp.id || name}-echo`, 'aria-live': 'polite' });
	inp.echo = () => {
		if (/^\d{4}-\d{2}-\d{2}$/.test(inp.value)) inp.value = fmtDate(inp.value);
		const iso = dayFirstISO(inp.value);
		words.textContent = iso ? inWords().format(new Date(`${iso}T00:00:00Z`)) : '';
	};
	inp.addEventListener('input', inp.echo);
	const el = field(label, inp, { hint });
	inp.after(words);
	inp.echo();
	el.control = inp;
	return el;
}
