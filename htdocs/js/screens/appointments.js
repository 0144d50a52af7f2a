// appointments.js — one day's appointments: book, mark arrived (which puts the
// patient in that day's queue) or cancel.
import { api } from '../api.js';
import { send } from '../offline/outbox.js';
import { cachedAppointments } from '../offline/cache.js';
import { h, pageHead, replace, notice, btn, bindForm, field, input, onKeys, toast, todayISO, addDays, fmtDate, fmtClock, patientMeta, act } from '../ui.js';
import { patientPicker } from '../shared/patient-picker.js';
import { dateField, dayBox, dayFirstISO } from '../shared/date-field.js';
import { t } from '../i18n.js';

const LABEL = { booked: 'ap.booked', arrived: 'ap.arrived', cancelled: 'ap.cancelled' };

export function render(root, params, query) {
	let day = dayFirstISO(query.get('date')) || todayISO();
	// The day shown, typed day first like every date (the browser's date box said 12/07/2026 for
	// 7 December under en-US); 7/12 is the next 7 December.
	const dayPick = dayBox({ id: 'appt-date', label: t('ap.day'), yearless: 'ahead', onDay: d => setDay(d) });
	const title = h('h2', { id: 'appt-title' });
	const list = h('div', { id: 'appt-list' });

	const load = async () => {
		title.textContent = t(day === todayISO() ? 'ap.on_today' : 'ap.on', { date: fmtDate(day) });
		dayPick.set(day);
		try {
			const rows = await api.appointments(day);	// in time order
			replace(list, rows.length ? table(rows) : notice(t('ap.none')));
		} catch (err) {
			if (err.status === 0) { await offlineList(); return; }
			replace(list, notice(err.message, 'error'));
		}
	};
	// Without the network: the day's appointments as kept on this computer (today and later).
	const offlineList = async () => {
		const rows = await cachedAppointments(day).catch(() => []);
		replace(list, notice(t('ap.offline'), 'warn'), rows.length ? table(rows) : notice(t('ap.offline_none')));
	};
	const setDay = d => { if (d) { day = d; load(); form.elements.date.value = d; form.elements.date.echo(); } };

	const change = (a, status) => act(async () => {
		await api.updateAppointment(a.id, { status, version: a.version });
		toast(status === 'arrived' ? t('ap.arrived_done', { name: a.patient.name }) : t('ap.cancel_done'), 'ok');
		load();
	});

	const table = rows => h('table', { class: 'table', id: 'appt-table', 'data-testid': 'appt-table' },
		h('thead', {}, h('tr', {}, ['time', 'patient', 'reason', 'status'].map(k => h('th', { scope: 'col' }, t(`ap.col_${k}`))).concat(h('th', { scope: 'col' })))),
		h('tbody', {}, rows.map(a => h('tr', { 'data-testid': 'appt-row', 'data-id': a.id, 'data-status': a.status },
			h('td', {}, fmtClock(a.time)),
			h('td', {}, h('a', { href: `#/patient/${a.patient.id}`, translate: 'no' }, a.patient.name), h('span', { class: 'muted' }, ` ${patientMeta(a.patient)}`)),
			h('td', { translate: 'no' }, a.reason || ''),
			h('td', {}, h('span', { class: `badge ap-${a.status}` }, LABEL[a.status] ? t(LABEL[a.status]) : a.status)),
			h('td', { class: 'row-actions' }, a.status === 'booked' ? [
				btn(t('ap.mark_arrived'), change(a, 'arrived'), { class: 'btn small primary', 'data-action': 'arrived', 'data-testid': 'appt-arrived' }),
				btn(t('ap.cancel'), change(a, 'cancelled'), { class: 'btn small', 'data-action': 'cancelled', 'data-testid': 'appt-cancel' }),
			] : null)))));

	const picker = patientPicker({ id: 'appt-patient' });
	const form = h('form', { id: 'appt-form', class: 'grid-form', 'data-testid': 'appt-form' },
		picker.el,
		// typed day first whatever the browser's locale (a date box said 12/07 for 7 December under
		// en-US); 7/12 alone is the next 7 December, ArrowUp / ArrowDown a day on / back
		dateField(t('ap.date'), 'date', { id: 'appt-form-date', value: day, 'data-testid': 'appt-form-date' }, { yearless: 'ahead' }),
		field(t('ap.time'), input('time', { id: 'appt-time', type: 'time', step: 300, 'data-testid': 'appt-time' })),
		field(t('ap.reason'), input('reason', { id: 'appt-reason', maxlength: 200, 'data-testid': 'appt-reason' }), { wide: true }),
		h('div', { class: 'actions wide' },
			h('button', { type: 'submit', class: 'btn primary', id: 'appt-submit', 'data-testid': 'appt-submit' }, t('ap.book'))));
	bindForm(form, {
		validate: v => {
			const p = picker.check();
			const iso = form.elements.date.iso();
			if (!v.date) p.date = t('ap.need_date');
			else if (!iso) p.date = t('date.day_first');
			else if (iso < todayISO()) p.date = t('ap.past');
			if (!v.time) p.time = t('ap.need_time');
			return p;
		},
		cancel: () => { picker.set(null); form.reset(); form.elements.date.value = day; form.elements.date.echo(); },
		submit: async raw => {
			const v = { ...raw, date: form.elements.date.iso() };
			const r = await send('appointment', { patient_id: picker.value.id, date: v.date, time: v.time, ...(v.reason ? { reason: v.reason } : {}) },
				{ name: picker.value.name, date: fmtDate(v.date), time: fmtClock(v.time) });
			if (r.pending) toast(t('ap.booked_pending', { name: picker.value.name, date: fmtDate(v.date), time: fmtClock(v.time) }), 'warn');
			else toast(t('ap.booked_done', { name: picker.value.name, date: fmtDate(v.date), time: fmtClock(v.time) }), 'ok');
			picker.set(null);
			form.elements.time.value = '';
			form.elements.reason.value = '';
			setDay(v.date);
		},
	});

	root.append(
		pageHead(t('ap.title'),
			btn(t('ap.prev'), () => setDay(addDays(day, -1)), { id: 'appt-prev', 'data-testid': 'appt-prev' }),
			dayPick.el,
			btn(t('ap.today'), () => setDay(todayISO()), { id: 'appt-today', 'data-testid': 'appt-today' }),
			btn(t('ap.next'), () => setDay(addDays(day, 1)), { id: 'appt-next', 'data-testid': 'appt-next' })),
		h('div', { class: 'two-col' },
			h('section', {}, title, list),
			h('section', { class: 'card' }, h('h2', {}, t('ap.book_title')), form)),
		h('p', { class: 'hint' }, t('ap.hint')));

	const pid = query.get('patient');
	if (pid) picker.load(pid).catch(() => {});	// the picker says why
	load();
	(pid ? form.elements.time : picker.input).focus();
	return onKeys({ ArrowLeft: () => setDay(addDays(day, -1)), ArrowRight: () => setDay(addDays(day, 1)) });
}
