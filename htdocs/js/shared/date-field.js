// date-field.js — a date typed day first, the Indian way, whatever the browser's locale: a plain
// text field "dd/mm/yyyy" (not <input type=date>, which follows the browser's locale, so that
// 12/05/1980 became 5 December and 7 December read 12/07 under en-US, and which costs three Tab
// keys for its day, month and year even when left empty). Accepts 12/05/1980, 12-5-1980,
// 12.05.80, 12051980; a two-digit year is the latest one not in the future (a birth date), or,
// for a day ahead (an appointment, a review), 20yy. Fields for a day ahead or behind also take a
// day and month alone (7/12, 0712): the next such day from today, or the latest one up to today.
// Beside the box, the date in words ("Mon 12 May 1980") so nobody misreads it. The form's value
// stays what was typed; dayFirstISO() turns it into YYYY-MM-DD for the API, and setValues() of a
// YYYY-MM-DD shows it day first.
import { h, field, input, todayISO, addDays, fmtDate } from '../ui.js';
import { t, lang } from '../i18n.js';

// The date in words in the screens' language ("Mon 12 May 1980", "திங்., 12 மே, 1980").
const inWords = () => new Intl.DateTimeFormat(`${lang()}-IN`, { weekday: 'short', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });

const isoOf = (y, mo, d) => `${String(y).padStart(4, '0')}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
const real = iso => {
	const t = new Date(`${iso}T00:00:00Z`);
	return !Number.isNaN(t.getTime()) && t.toISOString().slice(0, 10) === iso;
};

// '12/05/1980' → '1980-05-12'; '' → ''; not a real date → null. A YYYY-MM-DD is taken as it is.
// YEARLESS: 'ahead' (7/12 is the next 7 December, today included; 12/05/27 is 2027) or 'behind'
// (7/12 is the latest 7 December up to today); without it a year must be typed.
export function dayFirstISO(text, { yearless } = {}) {
	const s = String(text ?? '').trim();
	if (s === '') return '';
	let m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
	let d, mo, y;
	if (m) [, y, mo, d] = m.map(Number);
	else if ((m = /^(\d{1,2})\s*[/.\- ]\s*(\d{1,2})\s*[/.\- ]\s*(\d{2}|\d{4})$/.exec(s)) || (m = /^(\d{2})(\d{2})(\d{4}|\d{2})$/.exec(s))) {
		[d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
		if (m[3].length === 2) {
			y += 2000;
			if (yearless !== 'ahead' && y > Number(todayISO().slice(0, 4))) y -= 100;
		}
	} else if (yearless && ((m = /^(\d{1,2})\s*[/.\- ]\s*(\d{1,2})$/.exec(s)) || (m = /^(\d{2})(\d{2})$/.exec(s)))) {
		[d, mo] = [Number(m[1]), Number(m[2])];
		const today = todayISO();
		y = Number(today.slice(0, 4));
		// 29/2 in a year without it: the next (or last) leap year's
		for (let i = 0; i < 8; i++) {
			const iso = isoOf(y, mo, d);
			if (real(iso) && (yearless === 'ahead' ? iso >= today : iso <= today)) return iso;
			if (mo < 1 || mo > 12 || d < 1 || d > 31) return null;
			y += yearless === 'ahead' ? 1 : -1;
		}
		return null;
	} else return null;
	const iso = isoOf(y, mo, d);
	if (!real(iso) || y < 1900) return null;
	return iso;
}

// Wires INP (a text input) as a day-first date box: a YYYY-MM-DD put into it is shown dd/mm/yyyy,
// WORDS says the date in words; with ARROWS, ArrowUp / ArrowDown move the date a day on / back
// (from today when the box is empty). inp.iso() → dayFirstISO of what is typed.
function wire(inp, words, { yearless, arrows }) {
	inp.iso = () => dayFirstISO(inp.value, { yearless });
	inp.echo = () => {
		if (/^\d{4}-\d{2}-\d{2}$/.test(inp.value)) inp.value = fmtDate(inp.value);
		const iso = inp.iso();
		words.textContent = iso ? inWords().format(new Date(`${iso}T00:00:00Z`)) : '';
	};
	inp.addEventListener('input', inp.echo);
	if (arrows) {
		inp.addEventListener('keydown', e => {
			if ((e.key !== 'ArrowUp' && e.key !== 'ArrowDown') || e.altKey || e.ctrlKey || e.metaKey) return;
			const iso = inp.iso();
			if (iso === null) return;
			e.preventDefault();
			inp.value = addDays(iso || todayISO(), iso ? (e.key === 'ArrowUp' ? 1 : -1) : 0);
			inp.echo();
			inp.dispatchEvent(new Event('input', { bubbles: true }));
		});
	}
	inp.echo();
}

const boxAttrs = () => ({ inputmode: 'numeric', maxlength: 10, placeholder: t('date.placeholder'), autocomplete: 'off', spellcheck: 'false' });

// dateField(label, name, attrs, {hint, yearless, arrows}) → the field (label, text input, the date
// in words, error slot). The input is field.control; its .echo() (called by setValues) shows a
// YYYY-MM-DD value day first and refreshes the words; its .iso() reads it.
export function dateField(label, name, attrs = {}, { hint = t('date.hint'), yearless, arrows = !!yearless } = {}) {
	const inp = input(name, { ...boxAttrs(), class: 'date-box', ...attrs });
	const words = h('span', { class: 'date-echo', 'data-testid': `${inp.id || name}-echo`, 'aria-live': 'polite' });
	const el = field(label, inp, { hint });
	inp.after(words);
	wire(inp, words, { yearless, arrows });
	el.control = inp;
	return el;
}

// dayBox({id, label, yearless, onDay}) → {el, set(iso)}: the "which day" box of a list's heading
// (beside Previous / Today / Next), typed day first. Enter or leaving the box shows that day
// (onDay(iso)); a date it cannot read is said in the words' place and the list stays.
export function dayBox({ id, label, yearless, onDay }) {
	const inp = input('day', { ...boxAttrs(), id, class: 'day-box', 'data-testid': id, 'aria-label': label, title: t('date.hint') });
	const words = h('span', { class: 'date-echo', id: `${id}-echo`, 'data-testid': `${id}-echo`, 'aria-live': 'polite' });
	wire(inp, words, { yearless, arrows: true });
	let shown = '';
	const go = () => {
		const iso = inp.iso();
		if (!iso) {
			inp.setAttribute('aria-invalid', 'true');
			words.textContent = t('date.day_first');
			words.classList.add('bad');
			return;
		}
		if (iso !== shown) onDay(iso);
	};
	inp.addEventListener('input', () => { inp.removeAttribute('aria-invalid'); words.classList.remove('bad'); });
	inp.addEventListener('change', go);
	inp.addEventListener('keydown', e => {
		if (e.key === 'Enter') { e.preventDefault(); go(); }
		else if (e.key === 'ArrowUp' || e.key === 'ArrowDown') queueMicrotask(() => { if (inp.iso()) go(); });
	});
	inp.setAttribute('aria-describedby', words.id);
	return {
		el: h('span', { class: 'day-pick' }, inp, words),
		set(iso) { shown = iso; inp.value = iso; inp.removeAttribute('aria-invalid'); words.classList.remove('bad'); inp.echo(); },
	};
}
