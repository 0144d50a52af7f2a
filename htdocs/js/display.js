// display.js — the waiting-room TV. Polls the public board every 2 s with the
// last ETag and shows tokens only (with a first-name initial when the server
// gives one): no full names or phone numbers on a public screen.
// GET /api/queue/display → {date, rev, serving:[{token}], waiting:[{token}]}.
// Falls back to /api/display (the queue program's path in the layout notes),
// then to the signed-in GET /api/queue when opened on a staff machine.
import { api, listOf } from './api.js';
import { h, fmtTime } from './ui.js';

const POLL_MS = 2000;
const SOURCES = ['/api/queue/display', '/api/display', '/api/queue'];
const NEXT = 5;

let source = 0;
let etag = null;
let lastServing = '';

const $ = id => document.getElementById(id);

const initial = name => (name || '').trim().charAt(0).toUpperCase();

// Board from either the public shape or the full queue.
function board(d) {
	if (Array.isArray(d?.serving) || Array.isArray(d?.waiting)) {
		return { serving: d.serving || [], waiting: d.waiting || [] };
	}
	const entries = listOf(d, 'entries');
	const pick = st => entries.filter(e => e.status === st).map(e => ({ token: e.token, initial: initial(e.patient?.name) }));
	return { serving: pick('in_consult'), waiting: pick('waiting') };
}

const label = t => t.initial ? `${t.token} ${t.initial}` : `${t.token}`;

function draw({ serving, waiting }) {
	const s = serving.map(t => t.token).join(' · ') || '–';
	$('display-serving').replaceChildren(...(serving.length
		? serving.map(t => h('span', { class: 'token-big', 'data-token': t.token }, label(t)))
		: [h('span', { class: 'idle' }, 'Please wait')]));
	$('display-next').replaceChildren(...waiting.slice(0, NEXT).map(t => h('li', { 'data-token': t.token }, label(t))));
	if (s !== lastServing && serving.length) {	// draw the eye to a change
		$('display-serving').classList.remove('flash');
		void $('display-serving').offsetWidth;
		$('display-serving').classList.add('flash');
	}
	lastServing = s;
}

async function poll() {
	try {
		const r = await api.poll(SOURCES[source], etag, { auth: false });
		if (!r.notModified) {
			etag = r.etag;
			draw(board(r.data));
			if (r.data.clinic_name) $('display-clinic').textContent = r.data.clinic_name;
		}
		$('display-status').textContent = '';
	} catch (err) {
		if ((err.status === 404 || err.status === 401 || err.status === 403) && source < SOURCES.length - 1) {
			source++;
			etag = null;
			setTimeout(poll, 0);
			return;
		}
		$('display-status').textContent = err.status === 0 ? 'Reconnecting…' : err.message;
	}
	setTimeout(poll, POLL_MS);
}

function clock() {
	$('display-clock').textContent = fmtTime(new Date().toISOString());
}

async function start() {
	const full = () => document.fullscreenElement ? document.exitFullscreen() : document.documentElement.requestFullscreen().catch(() => {});
	$('display-fullscreen').addEventListener('click', full);
	document.addEventListener('keydown', e => { if (e.key === 'f' || e.key === 'F') full(); });
	clock();
	setInterval(clock, 15000);
	poll();
}

start();
