// print-frame.js — the page of a print address (#/print/<kind>/<id>): the
// sheet alone, with a small toolbar that never prints (the paper size, Print,
// the way back). The app's header and banners are hidden while it shows, so
// the screen looks like the paper. Any printable sheet can use it.
//
// Use:  return printFrame(root, sheetElement, { kind: 'receipt', title: 'Receipt 12',
//                                               back: [['Payments', '/payments']] });
// P prints, Escape goes back to the first of BACK. Returns the router's cleanup.
import { h, replace, btn, onKeys, paperToggle } from '../ui.js';
import { go } from '../nav.js';

export function printFrame(root, sheet, { kind, title = '', back = [] } = {}) {
	const printBtn = btn('Print (P)', () => window.print(), { id: 'print-now', class: 'btn primary', 'data-testid': 'print-now' });
	const backBtns = back.map(([label, path], i) =>
		btn(`${label}${i === 0 ? ' (Esc)' : ''}`, () => go(path), { id: `print-back-${i}`, 'data-testid': `print-back-${i}` }));
	replace(root,
		h('div', { class: 'page-head no-print print-toolbar' }, h('h1', {}, title),
			h('div', { class: 'page-actions' }, paperToggle(sheet, kind), printBtn, backBtns)),
		h('div', { class: 'sheet-wrap' }, sheet));
	document.body.classList.add('print-alone');
	printBtn.focus();
	const keys = onKeys({ p: () => window.print(), ...(back.length ? { Escape: () => go(back[0][1]) } : {}) });
	return () => { keys(); document.body.classList.remove('print-alone'); };
}
