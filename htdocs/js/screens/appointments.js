// appointments.js — one day's appointments: book, mark arrived (which puts the
// patient in that day's queue) or cancel.
import { api } from '../api.js';
import { send } from '../offline/outbox.js';
import { cachedAppointments } from '../offline/cache.js';
import { h, pageHead, replace, notice, btn, bindForm, field, input, dateEcho, onKeys, toast, todayISO, addDays, fmtDate, fmtClock, patientMeta, act } from '../ui.js';
import { patientPicker } from '../shared/patient-picker.js';

const LABEL = { booked: 'Booked', arrived: 'Arrived', cancelled: 'Cancelled' };

export function render(root, params, query) {
	let day = query.get('date') || todayISO();
	const dateInput = input('date', { id: 'appt-date', type: 'date', value: day, 'data-testid': 'appt-date', 'aria-label': 'Day' });
	const title = h('h2', { id: 'appt-title' });
	const list = h('div', { id: 'appt-list' });

	const load = async () => {
		title.textContent = `Appointments on ${fmtDate(day)}${day === todayISO() ? ' (today)' : ''}`;
		dateInput.value = day;
		dateInput.echo();
		try {
			const rows = await api.appointments(day);	// in time order
			replace(list, rows.length ? table(rows) : notice('No appointments on this day.'));
		} catch (err) {
			if (err.status === 0) { await offlineList(); return; }
			replace(list, notice(err.message, 'error'));
		}
	};
	// Without the network: the day's appointments as kept on this computer (today and later).
	const offlineList = async () => {
		const rows = await cachedAppointments(day).catch(() => []);
		replace(list, notice('Offline: the appointments as last seen on this computer.', 'warn'), rows.length ? table(rows) : notice('No appointments kept for this day.'));
	};
	const setDay = d => { if (d) { day = d; load(); form.elements.date.value = d; form.elements.date.echo(); } };

	const change = (a, status) => act(async () => {
		await api.updateAppointment(a.id, { status, version: a.version });
		toast(status === 'arrived' ? `${a.patient.name} marked arrived and added to the queue` : 'Appointment cancelled', 'ok');
		load();
	});

	const table = rows => h('table', { class: 'table', id: 'appt-table', 'data-testid': 'appt-table' },
		h('thead', {}, h('tr', {}, ['Time', 'Patient', 'Reason', 'Status', ''].map(t => h('th', { scope: 'col' }, t)))),
		h('tbody', {}, rows.map(a => h('tr', { 'data-testid': 'appt-row', 'data-id': a.id, 'data-status': a.status },
			h('td', {}, fmtClock(a.time)),
			h('td', {}, h('a', { href: `#/patient/${a.patient.id}` }, a.patient.name), h('span', { class: 'muted' }, ` ${patientMeta(a.patient)}`)),
			h('td', {}, a.reason || ''),
			h('td', {}, h('span', { class: `badge ap-${a.status}` }, LABEL[a.status] || a.status)),
			h('td', { class: 'row-actions' }, a.status === 'booked' ? [
				btn('Arrived', change(a, 'arrived'), { class: 'btn small primary', 'data-action': 'arrived', 'data-testid': 'appt-arrived' }),
				btn('Cancel', change(a, 'cancelled'), { class: 'btn small', 'data-action': 'cancelled', 'data-testid': 'appt-cancel' }),
			] : null)))));

	const picker = patientPicker({ id: 'appt-patient' });
	const form = h('form', { id: 'appt-form', class: 'grid-form', 'data-testid': 'appt-form' },
		picker.el,
		field('Date', input('date', { id: 'appt-form-date', type: 'date', value: day, 'data-testid': 'appt-form-date' })),
		field('Time', input('time', { id: 'appt-time', type: 'time', step: 300, 'data-testid': 'appt-time' })),
		field('Reason', input('reason', { id: 'appt-reason', maxlength: 200, 'data-testid': 'appt-reason' }), { wide: true }),
		h('div', { class: 'actions wide' },
			h('button', { type: 'submit', class: 'btn primary', id: 'appt-submit', 'data-testid': 'appt-submit' }, 'Book appointment')));
	bindForm(form, {
		validate: v => {
			const p = picker.check();
			if (!v.date) p.date = 'Choose a date.';
			else if (v.date < todayISO()) p.date = 'The date has passed.';
			if (!v.time) p.time = 'Choose a time.';
			return p;
		},
		cancel: () => { picker.set(null); form.reset(); form.elements.date.value = day; },
		submit: async v => {
			const r = await send('appointment', { patient_id: picker.value.id, date: v.date, time: v.time, ...(v.reason ? { reason: v.reason } : {}) },
				{ name: picker.value.name, date: fmtDate(v.date), time: fmtClock(v.time) });
			if (r.pending) toast(`${picker.value.name} on ${fmtDate(v.date)} at ${fmtClock(v.time)}: kept on this computer, booked when the connection returns`, 'warn');
			else toast(`Booked ${picker.value.name} on ${fmtDate(v.date)} at ${fmtClock(v.time)}`, 'ok');
			picker.set(null);
			form.elements.time.value = '';
			form.elements.reason.value = '';
			setDay(v.date);
		},
	});

	dateInput.addEventListener('change', () => setDay(dateInput.value));
	root.append(
		pageHead('Appointments',
			btn('← Previous day', () => setDay(addDays(day, -1)), { id: 'appt-prev', 'data-testid': 'appt-prev' }),
			dateInput, dateEcho(dateInput),
			btn('Today', () => setDay(todayISO()), { id: 'appt-today', 'data-testid': 'appt-today' }),
			btn('Next day →', () => setDay(addDays(day, 1)), { id: 'appt-next', 'data-testid': 'appt-next' })),
		h('div', { class: 'two-col' },
			h('section', {}, title, list),
			h('section', { class: 'card' }, h('h2', {}, 'Book an appointment'), form)),
		h('p', { class: 'hint' }, '← / → change the day.'));

	const pid = query.get('patient');
	if (pid) picker.load(pid).catch(() => {});	// the picker says why
	load();
	(pid ? form.elements.time : picker.input).focus();
	return onKeys({ ArrowLeft: () => setDay(addDays(day, -1)), ArrowRight: () => setDay(addDays(day, 1)) });
}
