// reports.js — the owner's reports over any range of days, up to a year
// (GET /api/reports/range): the totals, a chart of collections (bars, by mode)
// and patients seen (a line) per day, drawn here as SVG, the table of days,
// and the same figures as a CSV file for a spreadsheet.
import { api } from '../api.js';
import { h, pageHead, replace, notice, btn, field, select, bindForm, money, todayISO, addDays, fmtDate, onKeys } from '../ui.js';
import { go } from '../nav.js';
import { t } from '../i18n.js';
import { dateField, dayFirstISO } from '../shared/date-field.js';

const RANGE_MAX = 366;	// days, the server's limit
const SVG = 'http://www.w3.org/2000/svg';

// An SVG element (the h() of ui.js makes HTML ones).
function s(tag, attrs = {}, ...children) {
	const el = document.createElementNS(SVG, tag);
	for (const [k, v] of Object.entries(attrs)) if (v !== null && v !== undefined) el.setAttribute(k, v);
	for (const c of children.flat()) if (c !== null && c !== undefined) el.append(c instanceof Node ? c : String(c));
	return el;
}

const days = (from, to) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86400000) + 1;

// The preset ranges, each [value, label, () => [from, to]].
function presets() {
	const today = todayISO();
	const [y, m] = today.split('-').map(Number);
	const first = (yy, mm) => `${yy}-${String(mm).padStart(2, '0')}-01`;
	const prevY = m === 1 ? y - 1 : y, prevM = m === 1 ? 12 : m - 1;
	return [
		['7', t('rep.last7'), () => [addDays(today, -6), today]],
		['30', t('rep.last30'), () => [addDays(today, -29), today]],
		['month', t('rep.this_month'), () => [first(y, m), today]],
		['last-month', t('rep.last_month'), () => [first(prevY, prevM), addDays(first(y, m), -1)]],
		['90', t('rep.last3m'), () => [addDays(today, -89), today]],
		['year', t('rep.this_year'), () => [first(y, 1), today]],
		['365', t('rep.last12m'), () => [addDays(today, -364), today]],
	];
}

// A round number at or above V for an axis's top (1, 2 or 5 × 10^k).
function niceTop(v) {
	if (v <= 0) return 1;
	const p = 10 ** Math.floor(Math.log10(v));
	return [1, 2, 5, 10].map(k => k * p).find(x => x >= v);
}

// ₹ on an axis: 1500 → "₹1.5k", 250000 → "₹2.5L" (lakh).
function shortRupees(paise) {
	const r = paise / 100;
	const trim = x => String(Number(x.toFixed(1)));
	if (r >= 100000) return `₹${trim(r / 100000)}L`;
	if (r >= 1000) return `₹${trim(r / 1000)}k`;
	return `₹${Math.round(r)}`;
}

const shortDate = d => `${d.slice(8, 10)}/${d.slice(5, 7)}`;
const MONTHS = t('rep.months').split(',');

// The chart of DAYS ({date, patients_seen, collections}): stacked bars of
// cash, UPI and card per day against the left axis, patients seen per day as
// a line against the right one.
function chart(list) {
	const W = 960, H = 340, L = 64, R = 44, T = 34, B = 40;
	const pw = W - L - R, ph = H - T - B, n = list.length;
	const band = pw / n;
	const barW = Math.max(1, Math.min(28, band * 0.72));
	const topMoney = niceTop(Math.max(0, ...list.map(d => d.collections.total)));
	const seenStep = niceTop(Math.max(1, ...list.map(d => d.patients_seen)) / 4);
	const topSeen = Math.max(4, Math.ceil(seenStep) * 4);	// four whole steps: no half patients
	const yM = v => T + ph - (v / topMoney) * ph;
	const yS = v => T + ph - (v / topSeen) * ph;
	const xC = i => L + band * (i + 0.5);
	const grid = [], bars = [], labels = [];
	for (let k = 0; k <= 4; k++) {
		const y = T + ph - (k / 4) * ph;
		grid.push(s('line', { x1: L, x2: L + pw, y1: y, y2: y, class: k ? 'grid' : 'axis' }),
			s('text', { x: L - 6, y: y + 4, class: 'tick money', 'text-anchor': 'end' }, shortRupees(topMoney * k / 4)),
			s('text', { x: L + pw + 6, y: y + 4, class: 'tick seen' }, String(topSeen * k / 4)));
	}
	list.forEach((d, i) => {
		const c = d.collections;
		let y = T + ph;
		const parts = [['cash', c.cash], ['upi', c.upi], ['card', c.card]].filter(([, v]) => v > 0).map(([mode, v]) => {
			const hgt = (v / topMoney) * ph;
			y -= hgt;
			return s('rect', { x: xC(i) - barW / 2, y, width: barW, height: Math.max(hgt, 0.5), class: `bar m-${mode}` });
		});
		bars.push(s('g', { class: 'day', 'data-date': d.date },
			s('title', {}, `${fmtDate(d.date)}: ${money(c.total)} (cash ${money(c.cash)}, UPI ${money(c.upi)}, card ${money(c.card)}); ${d.patients_seen} seen`),
			s('rect', { x: L + band * i, y: T, width: band, height: ph, class: 'hit' }), parts));
	});
	// Date labels: every day when few, else the first of each month (or every k-th day).
	const monthly = n > 62;
	const step = Math.ceil(n / 10);
	list.forEach((d, i) => {
		const show = monthly ? d.date.endsWith('-01') || i === 0 : i % step === 0;
		if (!show) return;
		const text = monthly ? `${MONTHS[Number(d.date.slice(5, 7)) - 1]}${d.date.slice(5, 7) === '01' || i === 0 ? ` ${d.date.slice(0, 4)}` : ''}` : shortDate(d.date);
		labels.push(s('line', { x1: xC(i), x2: xC(i), y1: T + ph, y2: T + ph + 4, class: 'axis' }),
			s('text', { x: xC(i), y: T + ph + 18, class: 'tick', 'text-anchor': monthly ? 'start' : 'middle' }, text));
	});
	const points = list.map((d, i) => `${xC(i).toFixed(1)},${yS(d.patients_seen).toFixed(1)}`).join(' ');
	const dots = n <= 62 ? list.map((d, i) => s('circle', { cx: xC(i), cy: yS(d.patients_seen), r: 3, class: 'seen-dot' })) : [];
	const total = list.reduce((a, d) => a + d.collections.total, 0);
	const seen = list.reduce((a, d) => a + d.patients_seen, 0);
	return s('svg', {
		viewBox: `0 0 ${W} ${H}`, class: 'chart', id: 'report-chart', 'data-testid': 'report-chart', role: 'img',
		'aria-label': t('rep.chart_label', { from: fmtDate(list[0].date), to: fmtDate(list[n - 1].date), total: money(total), seen }),
	},
	grid,
	s('text', { x: 4, y: 14, class: 'tick money' }, t('rep.collected_axis')),
	s('text', { x: W - 4, y: 14, class: 'tick seen', 'text-anchor': 'end' }, t('rep.seen')),
	bars,
	s('polyline', { points, class: 'seen-line' }), dots,
	labels);
}

function legend() {
	const key = (cls, label) => h('span', { class: 'key' }, h('span', { class: `swatch ${cls}` }), label);
	return h('div', { class: 'chart-legend' }, key('m-cash', t('mode.cash')), key('m-upi', t('mode.upi')), key('m-card', t('mode.card')), key('m-seen', t('rep.seen')));
}

function totalsBlock(tot) {
	const c = tot.collections;
	const tile = (label, value, id, sub) => h('div', { class: 'tile' }, h('div', { class: 'tile-label' }, label),
		h('div', { class: 'tile-value', id, 'data-testid': id }, value), sub ? h('div', { class: 'muted small' }, sub) : null);
	return h('div', { class: 'tiles', id: 'report-totals' },
		tile(t('rep.collected'), money(c.total), 'range-total', t('rep.split', { cash: money(c.cash), upi: money(c.upi), card: money(c.card) })),
		tile(t('rep.seen'), tot.patients_seen, 'range-seen'),
		tile(t('rep.new'), tot.new_patients, 'range-new'),
		tile(t('rep.tokens'), tot.tokens_issued, 'range-tokens'));
}

function daysTable(r) {
	const row = (label, d, attrs = {}) => h('tr', attrs, h('th', { scope: 'row' }, label),
		[d.patients_seen, d.new_patients, d.tokens_issued].map(v => h('td', { class: 'num' }, v)),
		['cash', 'upi', 'card', 'total'].map(k => h('td', { class: 'num' }, money(d.collections[k]))));
	return h('table', { class: 'table small report-days', id: 'range-table', 'data-testid': 'range-table' },
		h('thead', {}, h('tr', {}, [t('rep.col_day'), t('rep.col_seen'), t('rep.col_new'), t('rep.col_tokens'), t('mode.cash'), t('mode.upi'), t('mode.card'), t('rep.col_total')].map((x, i) => h('th', { scope: 'col', class: i ? 'num' : null }, x)))),
		h('tbody', {}, r.days.map(d => row(fmtDate(d.date), d, { 'data-date': d.date, 'data-testid': 'range-day' }))),
		h('tfoot', {}, row(t('rep.col_total'), r.totals)));
}

export function render(root, params, query) {
	const PRESETS = presets();
	const iso = v => /^\d{4}-\d{2}-\d{2}$/.test(v || '') ? v : null;
	let to = iso(query.get(t('rep.to'))) || todayISO();
	let from = iso(query.get('from')) || addDays(to, -29);
	// The dates are typed day first (dd/mm/yyyy), whatever the browser's locale (date-field.js).
	const fromF = dateField(t('rep.from'), 'from', { id: 'range-from', 'data-testid': 'range-from' }, { hint: '' });
	const toF = dateField(t('rep.to_label'), 'to', { id: 'range-to', 'data-testid': 'range-to' }, { hint: '' });
	const fromIn = fromF.control, toIn = toF.control;
	const preset = select('preset', [['', t('rep.choose_short')], ...PRESETS.map(([v, l]) => [v, l])], { id: 'range-preset', 'data-testid': 'range-preset' });
	const csv = h('a', { class: 'btn', id: 'range-csv', 'data-testid': 'range-csv', download: '' }, t('rep.csv'));
	const form = h('form', { class: 'filters', id: 'range-form', 'data-testid': 'range-form' },
		field(t('rep.range'), preset), fromF, toF,
		h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn primary', id: 'range-show', 'data-testid': 'range-show' }, t('rep.show')), csv));
	const body = h('div', { id: 'range-body' });
	let seq = 0;

	const load = async () => {
		fromIn.value = from;
		toIn.value = to;
		fromIn.echo();
		toIn.echo();
		csv.href = api.rangeReportCsvUrl(from, to);
		history.replaceState(null, '', `#/reports?from=${from}&to=${to}`);
		const n = days(from, to);
		if (!(n >= 1)) { replace(body, notice(t('rep.backwards'), 'error')); return; }
		if (n > RANGE_MAX) { replace(body, notice(t('rep.too_long', { max: RANGE_MAX, n }), 'error')); return; }
		const mine = ++seq;
		body.classList.add('loading');
		try {
			const r = await api.rangeReport(from, to);
			if (mine !== seq) return;
			replace(body,
				totalsBlock(r.totals),
				h('section', { class: 'card chart-card' }, h('h2', {}, t('rep.per_day', { from: fmtDate(r.from), to: fmtDate(r.to) })), chart(r.days), legend()),
				h('section', {}, h('h2', {}, t('rep.by_day')), daysTable(r)));
		} catch (err) {
			if (mine === seq) replace(body, notice(err.message, 'error'));
		} finally {
			if (mine === seq) body.classList.remove('loading');
		}
	};
	const set = (f, tt) => { if (iso(f) && iso(tt)) { from = f; to = tt; load(); } };
	bindForm(form, {
		validate: v => {
			const bad = {};
			for (const k of ['from', 'to']) if (!dayFirstISO(v[k])) bad[k] = t('rep.day_first');
			return bad;
		},
		submit: v => { preset.value = ''; set(dayFirstISO(v.from), dayFirstISO(v.to)); },
	});
	preset.addEventListener('change', () => {
		const p = PRESETS.find(([v]) => v === preset.value);
		if (p) set(...p[2]());
	});
	const shift = dir => { const n = days(from, to); set(addDays(from, dir * n), addDays(to, dir * n)); };

	root.append(
		pageHead(t('rep.title'), btn(t('rep.payments'), () => go('/payments'), { id: 'range-payments', 'data-testid': 'range-payments' })),
		form,
		body,
		h('p', { class: 'hint' }, t('rep.hint2')));
	load();
	preset.focus();
	return onKeys({ ArrowLeft: () => shift(-1), ArrowRight: () => shift(1) });
}
