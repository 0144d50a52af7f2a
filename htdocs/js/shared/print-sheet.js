// print-sheet.js — the printed sheets (prescription, receipt) and their print
// addresses (#/print/prescription/<id>, #/print/receipt/<id>): the paper and
// margins from the clinic's settings (paper A5|A4, print_letterhead,
// pad_margin_top_mm, pad_margin_left_mm), the letterhead with the address's
// own line breaks, the page rule (@page: size, margins, and from page 2 on a
// running line "<patient> · page 2 of 2"), the type made a little smaller when
// that keeps a sheet on one pre-printed pad sheet (fitOnePage), and the frame a print address
// shows: the sheet alone with a Print button.
//
// Use:  const s = sheet({ kind: 'prescription', runningHead: patient.name });
//       s.append(...the sheet's own content...);
//       return printFrame(root, s, { title, back: [['Patient', '/patient/12']] });
// The page rule goes in through CSSOM (a constructed style sheet): the CSP
// allows no inline <style>.
import { h, replace, btn, onKeys } from '../ui.js';
import { session } from '../session.js';
import { go } from '../nav.js';
import { t } from '../i18n.js';

const MARGIN_MM = 8;		// the sheet's margins on plain paper
const RUNNING_MM = 10;		// room for the running line on page 2 and after
const MARGIN_MAX_MM = 120;	// the server's limit for the pad margins
const PAPER_MM = { A5: 210, A4: 297 };	// the papers' heights
const FIT_MIN = 0.88;		// the smallest type fitOnePage makes (8.8 pt on A5)
const PX_PER_MM = 96 / 25.4;	// CSS pixels in a millimetre, at any zoom

const clampMm = v => Math.min(MARGIN_MAX_MM, Math.max(0, Number(v) || 0));

// {paper: 'A5'|'A4', letterhead: bool, top, left (mm)} from the settings S.
// Pre-printed pad mode (letterhead false) puts the first line at the pad margins.
export function printPrefs(s = session.settings) {
	const letterhead = s.print_letterhead !== false;
	return {
		paper: s.paper === 'A4' ? 'A4' : 'A5',
		letterhead,
		top: letterhead ? MARGIN_MM : clampMm(s.pad_margin_top_mm),
		left: letterhead ? MARGIN_MM : clampMm(s.pad_margin_left_mm),
	};
}

// The clinic's letterhead: logo, clinic, doctor, registration, and the address
// line by line as typed (a two-line address prints on two lines).
export function letterheadBlock(s = session.settings) {
	const logo = s.logo_url ? h('img', { class: 'lh-logo', src: s.version && s.logo_url.startsWith('/') ? `${s.logo_url}?v=${s.version}` : s.logo_url, alt: '' }) : null;
	const lines = String(s.address || '').split(/\r?\n/).map(l => l.trim()).filter(Boolean);
	return h('header', { class: 'letterhead', 'data-testid': 'letterhead' },
		logo,
		h('div', { class: 'lh-text' },
			h('div', { class: 'lh-clinic' }, s.clinic_name || 'Clinic'),
			s.doctor_name ? h('div', { class: 'lh-doctor' }, s.doctor_name, s.qualification ? `, ${s.qualification}` : '') : null,
			s.registration_no ? h('div', { class: 'lh-reg' }, `Reg. No. ${s.registration_no}`) : null),
		h('div', { class: 'lh-contact', 'data-testid': 'letterhead-address' },
			lines.map(l => h('div', { class: 'lh-line' }, l)),
			s.phone ? h('div', { class: 'lh-line' }, `Phone ${s.phone}`) : null));
}

// An empty sheet of KIND on the clinic's paper, with the letterhead unless the
// clinic prints on pre-printed pads. RUNNINGHEAD (e.g. the patient's name)
// heads page 2 and after. PREFS overrides the settings (the settings preview).
export function sheet({ kind, runningHead = '', prefs = printPrefs(), settings = session.settings, testid = kind } = {}) {
	const el = h('article', {
		class: `sheet framed ${kind} sheet-${prefs.paper.toLowerCase()}${prefs.letterhead ? '' : ' pad-mode'}`,
		id: kind, 'data-testid': testid, 'data-paper': prefs.paper, lang: 'en',
	});
	el.style.setProperty('--pad-top', `${prefs.top}mm`);
	el.style.setProperty('--pad-left', `${prefs.left}mm`);
	el.printPrefs = prefs;
	el.runningHead = runningHead;
	if (prefs.letterhead) el.append(letterheadBlock(settings));
	applyPage(el);	// the newest sheet's margins and running line, never an older one's
	return el;
}

// A CSS string literal of TEXT (for `content:`).
const cssString = text => `"${String(text).replace(/[\\"]/g, '\\$&').replace(/[\n\r\f]/g, ' ')}"`;

let pageSheet = null;

// Installs the page rules of sheet EL (made by sheet()): the named pages nda5
// and nda4 (app.css gives a framed sheet the one of its paper class, so a
// paper chosen on screen prints on that paper) with its margins (pad mode:
// the first line at the pad margins), and a running line from page 2.
export function applyPage(el) {
	const p = el.printPrefs || printPrefs();
	const head = el.runningHead ? `${cssString(`${el.runningHead} · `)} ` : '';
	const rules = [];
	for (const [name, size] of [['nda5', 'A5'], ['nda4', 'A4']]) {
		rules.push(`@page ${name} { size: ${size} portrait; margin: ${Math.max(p.top, RUNNING_MM)}mm ${MARGIN_MM}mm ${MARGIN_MM}mm ${p.left}mm;`
			+ ` @top-left { content: ${head}"page " counter(page) " of " counter(pages); font: 9pt sans-serif; color: #444; vertical-align: bottom; padding-bottom: 2mm; } }`,
		`@page ${name}:first { margin-top: ${p.top}mm; @top-left { content: none; } }`);
	}
	try {
		if (!pageSheet) {
			pageSheet = new CSSStyleSheet();
			document.adoptedStyleSheets = [...document.adoptedStyleSheets, pageSheet];
		}
		pageSheet.replaceSync(rules.join('\n'));
	} catch { /* an old browser: the stylesheet's A5 rule stays */ }
}

// On a pre-printed pad, sheet EL's type made up to 12 % smaller when that keeps it on one
// pad sheet: the pad's printed header leaves little room, and six medicines with the
// patient's-language lines ran onto a second (paid-for) pad sheet for the advice and
// signature alone. A sheet that needs more, and any sheet on plain paper, stays at full size
// and runs on to page 2 with its running line. The screen's sheet is as wide as the printed
// page's text (the same margins), so its height on screen is the printed height.
// Sets --fit (app.css scales the sheet's type by it) and data-fit.
export function fitOnePage(el) {
	const p = el.printPrefs || printPrefs();
	if (p.letterhead) {
		el.style.setProperty('--fit', '1');
		el.dataset.fit = '1';
		return;
	}
	const room = (PAPER_MM[p.paper] - p.top - MARGIN_MM) * PX_PER_MM;
	const used = () => {
		const last = el.lastElementChild;
		if (!last || !el.isConnected) return 0;
		const top = el.getBoundingClientRect().top + parseFloat(getComputedStyle(el).paddingTop);
		return last.getBoundingClientRect().bottom + parseFloat(getComputedStyle(last).marginBottom) - top;
	};
	let fit = 1;
	el.style.setProperty('--fit', '1');
	for (let i = 0; i < 4 && used() > room && fit > FIT_MIN; i++) {
		fit = Math.max(FIT_MIN, fit * (room / used()) * 0.99);
		el.style.setProperty('--fit', fit.toFixed(3));
	}
	if (used() > room) fit = 1;	// it goes on to page 2 anyway: full size
	el.style.setProperty('--fit', fit === 1 ? '1' : fit.toFixed(3));
	el.dataset.fit = el.style.getPropertyValue('--fit');
}

// A paper choice for sheet EL (A5|A4), starting at the clinic's paper; a
// change redraws the sheet and its page rule.
export function paperSelect(el, id = `${el.id}-paper`) {
	const sel = h('select', { id, 'data-testid': id, 'aria-label': t('ui.paper') },
		h('option', { value: 'A5' }, t('ui.paper_a5')), h('option', { value: 'A4' }, t('ui.paper_a4')));
	sel.value = el.printPrefs?.paper || 'A5';
	sel.addEventListener('change', () => {
		el.printPrefs = { ...el.printPrefs, paper: sel.value };
		el.classList.toggle('sheet-a4', sel.value === 'A4');
		el.classList.toggle('sheet-a5', sel.value !== 'A4');
		el.dataset.paper = sel.value;
		applyPage(el);
		fitOnePage(el);
	});
	return sel;
}

// The page of a printed sheet EL in ROOT: a toolbar (the paper, Print, then ACTIONS: buttons;
// BACK: [[label, path], …] made into buttons that go there) above the sheet. P prints; KEYS
// adds other keys of the page. IDS names the Print button and the paper choice (the screens'
// own: rx-print, receipt-print). A print address of its own (ADDRESS, the default) shows the
// sheet alone, without the app's header, and says when it prints on the clinic's pad; the
// consultation and the payments screen show their sheet in place. Returns the cleanup.
export function printFrame(root, el, { title, back = [], actions = [], keys = {}, ids = {}, address = true } = {}) {
	const { print = 'print-now', paper = 'print-paper' } = ids;
	applyPage(el);
	const printBtn = btn(t('ps.print'), () => window.print(), { id: print, class: 'btn primary', 'data-testid': print });
	replace(root,
		h('div', { class: 'page-head no-print' }, h('h1', {}, title || ''),
			h('div', { class: 'page-actions' },
				paperSelect(el, paper),
				address && el.printPrefs?.letterhead === false ? h('span', { class: 'muted', 'data-testid': 'print-pad' }, t('ps.pad')) : null,
				printBtn,
				actions,
				back.map(([label, path], i) => btn(label, () => go(path), { id: `print-back-${i}`, 'data-testid': `print-back-${i}` })))),
		h('div', { class: 'sheet-wrap' }, el));
	fitOnePage(el);
	document.fonts?.ready.then(() => fitOnePage(el));	// the Tamil and Devanagari fonts change heights
	printBtn.focus();
	if (address) document.body.classList.add('printing-sheet');
	const off = onKeys({ ...keys, p: () => window.print() });
	return () => { off(); if (address) document.body.classList.remove('printing-sheet'); };
}
