// payments.js — a day's money: take a payment (rupees on screen, integer paise
// on the wire), itemised from the clinic's list of charges if wanted; the
// day's receipts with a reprint at each one's print address and, for the
// admin, a void with a reason; and the day's report. The admin reads all of
// it but takes no payment. The receipt itself is drawn by shared/receipt.js.
import { api } from '../api.js';
import { h, pageHead, replace, notice, btn, bindForm, field, input, select, onKeys, toast, dialog, money,
	rupeesToPaise, paiseToRupees, todayISO, addDays, fmtDate, fmtTime, clinicNo } from '../ui.js';
import { session, hasRole } from '../session.js';
import { patientPicker } from '../shared/patient-picker.js';
import { receiptSheet, PAY_MODES, modeLabel } from '../shared/receipt.js';
import { printFrame } from '../shared/print-sheet.js';
import { dayBox } from '../shared/date-field.js';
import { go } from '../nav.js';
import { send, waitFor } from '../offline/outbox.js';
import { t, tIn } from '../i18n.js';

const ITEMS_MAX = 20;	// the server's limit of lines on one bill

// The day's report (GET /api/reports/daily) into BOX.
async function report(box, day) {
	const row = (k, v, id) => h('tr', {}, h('th', { scope: 'row' }, k), h('td', { id, 'data-testid': id }, v));
	try {
		const r = await api.dailyReport(day);
		const c = r.collections;
		replace(box, h('h2', {}, t('pay.report_of', { date: fmtDate(day) })),
			h('table', { class: 'table kv', id: 'report-table', 'data-testid': 'report-table' }, h('tbody', {},
				row(t('pay.seen'), r.patients_seen, 'report-seen'),
				row(t('pay.new'), r.new_patients, 'report-new'),
				row(t('pay.tokens'), r.tokens_issued, 'report-tokens'),
				row(t('mode.cash'), money(c.cash), 'report-cash'),
				row(t('mode.upi'), money(c.upi), 'report-upi'),
				row(t('mode.card'), money(c.card), 'report-card'),
				row(t('pay.total'), money(c.total), 'report-total'))),
			h('p', { class: 'hint' }, t('pay.voided_note'), h('a', { href: '#/reports', id: 'to-reports' }, t('pay.to_reports'))));
	} catch (err) {
		replace(box, notice(err.message, 'error'));
	}
}

// The lines of an itemised bill: one button per charge of the clinic's list
// (and "Other item"), each adding a line whose text and amount can be edited.
// AMOUNT is the form's amount input: while there are lines it shows their
// total and cannot be typed in. Server errors for items[i].x land on the line.
function billLines(charges, amount) {
	const list = h('div', { class: 'bill-lines', id: 'pay-lines', 'data-testid': 'pay-lines' });
	const total = h('div', { class: 'hint', id: 'pay-lines-total' });
	let lines = [];	// [{el, desc, amt}]
	const sum = () => lines.reduce((a, l) => a + (rupeesToPaise(l.amt.value) || 0), 0);
	const update = () => {
		lines.forEach((l, i) => {
			l.desc.dataset.field = `items[${i}].description`;
			l.amt.dataset.field = `items[${i}].amount_paise`;
			l.desc.setAttribute('aria-label', t('pay.item_n', { n: i + 1 }));
			l.amt.setAttribute('aria-label', t('pay.item_amount_n', { n: i + 1 }));
		});
		amount.readOnly = lines.length > 0;
		amount.classList.toggle('computed', lines.length > 0);
		if (lines.length) amount.value = paiseToRupees(sum());
		total.textContent = lines.length ? t(lines.length > 1 ? 'pay.items_total' : 'pay.items_total_one', { n: lines.length }) : '';
	};
	const add = (description, paise) => {
		if (lines.length >= ITEMS_MAX) { toast(t('pay.items_max', { n: ITEMS_MAX }), 'error'); return; }
		const desc = h('input', { type: 'text', class: 'line-desc', maxlength: 100, value: description, autocomplete: 'off', 'data-testid': 'pay-line-desc' });
		const amt = h('input', { type: 'text', class: 'line-amount', inputmode: 'decimal', value: paise ? paiseToRupees(paise) : '', autocomplete: 'off', 'data-testid': 'pay-line-amount' });
		const l = { desc, amt };
		const remove = h('button', { type: 'button', class: 'chip-x', title: t('pay.remove_item'), 'aria-label': t('pay.remove_item'), 'data-testid': 'pay-line-remove' }, '×');
		l.el = h('div', { class: 'field bill-line', 'data-testid': 'pay-line' }, h('div', { class: 'inline' }, desc, amt, remove), h('div', { class: 'field-error' }));
		remove.addEventListener('click', () => {
			const at = lines.indexOf(l);
			lines.splice(at, 1);
			l.el.remove();
			update();
			const next = lines[at] || lines[at - 1];
			(next ? next.amt : amount).focus();
		});
		amt.addEventListener('input', update);
		lines.push(l);
		list.append(l.el);
		update();
		(description ? amt : desc).focus();
		if (paise) amt.select();
	};
	const chips = h('div', { class: 'chips charge-chips', id: 'pay-charges', 'data-testid': 'pay-charges' },
		charges.map(c => h('button', { type: 'button', class: 'chip', 'data-testid': 'pay-charge', 'data-description': c.description,
			onclick: () => add(c.description, c.amount_paise) }, h('span', { translate: 'no' }, c.description), c.amount_paise ? ` ${money(c.amount_paise)}` : '')),
		h('button', { type: 'button', class: 'chip', id: 'pay-other-item', 'data-testid': 'pay-other-item', onclick: () => add('', 0) }, t('pay.other_item')));
	return {
		el: h('div', { class: 'field wide' }, h('span', { class: 'label' }, t('pay.bill_items')), chips, list, total),
		// {items, problems}: the lines as the API takes them, or what is wrong with them.
		read() {
			const problems = {};
			const items = lines.map((l, i) => {
				const description = l.desc.value.trim();
				const paise = rupeesToPaise(l.amt.value);
				if (!description) problems[`items[${i}].description`] = t('pay.item_need');
				else if (!paise) problems[`items[${i}].amount_paise`] = t('pay.item_amount');
				return { description, amount_paise: paise };
			});
			return { items, problems };
		},
		clear() { lines = []; list.replaceChildren(); update(); },
	};
}

export function render(root, params, query) {
	const canTake = hasRole('frontdesk', 'doctor');
	const isAdmin = hasRole('admin');
	let day = /^\d{4}-\d{2}-\d{2}$/.test(query.get('date') || '') ? query.get('date') : todayISO();
	const page = h('div');
	root.append(page);
	let cleanupKeys = () => {};
	let charges = null;	// the clinic's list, read once

	// The day shown, typed day first like every date (the browser's date box follows its locale:
	// 12/07/2026 for 7 December under en-US); 7/12 is the latest 7 December.
	const dayPick = dayBox({ id: 'pay-date', label: t('ap.day'), yearless: 'behind', onDay: d => setDay(d) });
	const listTitle = h('h2', { id: 'pay-list-title' });
	const listBox = h('div', { id: 'pay-list' });
	const reportBox = h('section', { class: 'card', id: 'report', 'data-testid': 'report' });

	const voidIt = p => {
		const reason = input('reason', { id: 'void-reason', maxlength: 200, 'data-testid': 'void-reason', placeholder: t('pay.void_hint') });
		dialog({
			title: t('pay.void_title', { no: p.receipt_no }), ok: t('pay.void_ok'), danger: true, testid: 'void-dialog',
			body: h('div', {},
				h('p', {}, t('pay.void_body', { name: p.patient.name, amount: money(p.amount_paise), mode: modeLabel(p.mode) })),
				field(t('ap.col_reason'), reason)),
			onOk: async () => {
				if (!reason.value.trim()) throw { reason: t('pay.void_need') };
				await api.voidPayment(p.id, reason.value.trim());
			},
		}).then(ok => { if (ok) { toast(t('pay.void_done', { no: p.receipt_no }), 'ok'); load(); } });
	};

	const table = rows => h('table', { class: 'table payments', id: 'pay-table', 'data-testid': 'pay-table' },
		h('thead', {}, h('tr', {}, [t('pay.col_no'), t('ap.col_time'), t('ap.col_patient'), t('pay.mode'), t('pay.col_amount'), ''].map((label, i) => h('th', { scope: 'col', class: i === 4 ? 'num' : null }, label)))),
		h('tbody', {}, rows.map(p => h('tr', { 'data-testid': 'pay-row', 'data-id': p.id, 'data-receipt': p.receipt_no, class: p.voided ? 'voided' : null },
			h('td', { class: 'num-cell' }, p.receipt_no),
			h('td', { class: 'nowrap' }, fmtTime(p.created_at)),
			h('td', {}, h('span', { translate: 'no' }, p.patient.name), h('span', { class: 'muted' }, ` ${clinicNo(p.patient)}`),
				p.items.length ? h('div', { class: 'muted small', translate: 'no' }, p.items.map(i => i.description).join(', ')) : p.note ? h('div', { class: 'muted small', translate: 'no' }, p.note) : null,
				p.voided ? h('div', { class: 'small void-why' }, t('pay.void_why', { reason: '' }), h('span', { translate: 'no' }, p.void_reason || '')) : null),
			h('td', {}, modeLabel(p.mode)),
			h('td', { class: 'num' }, p.voided ? h('span', { class: 'badge bad', 'data-testid': 'pay-voided' }, t('pay.void')) : null, ' ', h('span', { class: 'amt' }, money(p.amount_paise))),
			h('td', { class: 'row-actions' },
				h('a', { class: 'btn small', href: `#/print/receipt/${p.id}`, 'data-testid': 'pay-reprint' }, t('pay.reprint')),
				isAdmin && !p.voided ? btn(t('pay.void'), () => voidIt(p), { class: 'btn small danger', 'data-testid': 'pay-void' }) : null)))));

	const load = async () => {
		dayPick.set(day);
		listTitle.textContent = t(day === todayISO() ? 'pay.receipts_of_today' : 'pay.receipts_of', { date: fmtDate(day) });
		report(reportBox, day);
		try {
			const { payments } = await api.payments(day);
			const counted = payments.filter(p => !p.voided);
			const voided = payments.length - counted.length;
			replace(listBox, payments.length ? [table(payments),
				h('p', { class: 'hint', id: 'pay-summary' }, t(counted.length === 1 ? 'pay.summary_one' : 'pay.summary', { n: counted.length, amount: money(counted.reduce((a, p) => a + p.amount_paise, 0)) }),
					voided ? t('pay.summary_voided', { n: voided }) : '')] : notice(t('pay.no_receipts')));
		} catch (err) {
			replace(listBox, notice(err.message, 'error'));
		}
	};
	const setDay = d => { if (/^\d{4}-\d{2}-\d{2}$/.test(d || '')) { day = d; load(); } };

	const takeForm = () => {
		const picker = patientPicker({ id: 'pay-patient' });
		const fee = session.settings.consultation_fee_paise;
		const amount = input('amount', { id: 'pay-amount', inputmode: 'decimal', value: fee ? paiseToRupees(fee) : '', 'data-testid': 'pay-amount' });
		const lines = billLines(charges || [], amount);
		const form = h('form', { id: 'pay-form', class: 'grid-form', 'data-testid': 'pay-form' },
			picker.el,
			lines.el,
			field(t('pay.amount'), amount),
			field(t('pay.mode'), select('mode', PAY_MODES, { id: 'pay-mode', 'data-testid': 'pay-mode' })),
			field(t('pay.note'), input('note', { id: 'pay-note', maxlength: 200, placeholder: t('pay.note_hint'), 'data-testid': 'pay-note' }), { wide: true }),
			h('div', { class: 'actions wide' },
				h('button', { type: 'submit', class: 'btn primary', id: 'pay-submit', 'data-testid': 'pay-submit' }, t('pay.submit'))));
		bindForm(form, {
			validate: v => {
				const p = picker.check();
				const { problems } = lines.read();
				Object.assign(p, problems);
				if (!rupeesToPaise(v.amount)) p.amount_paise = t('pay.bad_amount');
				return p;
			},
			cancel: () => { picker.set(null); lines.clear(); },
			submit: async v => {
				const { items } = lines.read();
				const body = { patient_id: picker.value.id, amount_paise: rupeesToPaise(v.amount), mode: v.mode };
				if (items.length) {
					body.items = items;
					body.amount_paise = items.reduce((a, i) => a + i.amount_paise, 0);
				}
				if (v.note) body.note = v.note;
				const visit = query.get('visit');
				if (visit) body.visit_id = Number(visit);
				const sent = await send('payment', body, { name: picker.value.name, amount: money(body.amount_paise) });
				if (sent.pending) { showPendingReceipt(sent.item, body, picker.value); return; }
				const r = sent.result;
				toast(t('pay.saved', { no: r.receipt_no }), 'ok');
				showReceipt(r);
			},
		});
		amount.dataset.field = 'amount_paise';
		const pid = query.get('patient');
		return { form, focus: () => {
			if (pid) picker.load(pid).then(() => { amount.focus(); amount.select(); }).catch(() => {});	// the picker says why
			else picker.input.focus();
		} };
	};

	const showMain = async () => {
		cleanupKeys();
		if (canTake && charges === null) {
			try { charges = (await api.charges()).charges; } catch { charges = []; }	// the bill still works without the list
		}
		const take = canTake ? takeForm() : null;
		replace(page,
			pageHead(t('pay.title'),
				btn(t('ap.prev'), () => setDay(addDays(day, -1)), { id: 'pay-prev', 'data-testid': 'pay-prev' }),
				dayPick.el,
				btn(t('ap.today'), () => setDay(todayISO()), { id: 'pay-today', 'data-testid': 'pay-today' }),
				btn(t('ap.next'), () => setDay(addDays(day, 1)), { id: 'pay-next', 'data-testid': 'pay-next' }),
				h('a', { class: 'btn', href: '#/reports', id: 'pay-reports', 'data-testid': 'pay-reports' }, t('pay.reports'))),
			h('div', { class: take ? 'two-col pay-grid' : 'two-col' },
				take ? h('section', { class: 'card' }, h('h2', {}, t('pay.take')), take.form) : h('section', {}, listTitle, listBox),
				h('div', { class: 'stack' }, take ? h('section', { class: 'card' }, listTitle, listBox) : null, reportBox)),
			h('p', { class: 'hint' }, t('pay.hint_days')));
		load();
		if (take) take.focus();
		cleanupKeys = onKeys({ ArrowLeft: () => setDay(addDays(day, -1)), ArrowRight: () => setDay(addDays(day, 1)) });
	};

	const showReceipt = r => {
		cleanupKeys();
		const sheet = receiptSheet(r);
		const again = () => { query.delete('patient'); query.delete('visit'); day = todayISO(); showMain(); };
		const newBtn = btn(t('pay.new_payment'), again, { id: 'receipt-new', 'data-testid': 'receipt-new' });
		const linkBtn = btn(t('pay.address'), () => go(`/print/receipt/${r.id}`), { id: 'receipt-address', 'data-testid': 'receipt-address' });
		cleanupKeys = printFrame(page, sheet, {
			title: t('pay.receipt'), address: false,
			ids: { print: 'receipt-print', paper: 'receipt-paper' },
			actions: [linkBtn, newBtn], keys: { Escape: again },
		});
	};

	// A payment kept in the outbox: its receipt shows no number, and cannot be printed, until the
	// server gave it one; then it is the real receipt (offline/outbox.js).
	const showPendingReceipt = (item, body, patient) => {
		toast(t('pay.kept'), 'warn');
		const r = { ...body, receipt_no: null, patient, created_at: item.made_at, received_by: session.user?.name || '' };
		showReceipt(r);
		const no = page.querySelector('#receipt-no');
		const printBtn = page.querySelector('#receipt-print');
		no.textContent = t('pay.no_pending');
		printBtn.disabled = true;
		printBtn.textContent = t('pay.print_waits');
		const link = page.querySelector('#receipt-address');
		if (link) link.hidden = true;	// no address before the server gives the payment its id
		cleanupKeys();
		cleanupKeys = onKeys({ Escape: () => { query.delete('patient'); query.delete('visit'); showMain(); } });
		waitFor(item.ref).then(res => {
			if (!page.contains(printBtn)) return;
			toast(t('pay.saved', { no: res.receipt_no }), 'ok');
			showReceipt(res);
		}).catch(() => { no.textContent = t('pay.not_sent'); });
	};

	showMain();
	return () => cleanupKeys();
}
