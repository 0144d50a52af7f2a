// display.js — the waiting-room TV. Polls the public board every 2 s with the
// last ETag and shows token numbers only: the server never sends names or
// phone numbers to this screen.
// GET /api/queue/display → {date, rev, clinic_name, serving:[{token}], waiting:[{token}]}:
// serving holds at most the one token called in last, waiting is in call order
// (emergency and urgent first, postponed ones further down).
import { api } from './api.js';
import { h, fmtTime } from './ui.js';

const POLL_MS = 2000;
const NEXT = 5;

let etag = null;
let lastServing = '';

const $ = id => document.getElementById(id);

function draw({ serving, waiting }) {
	const s = serving.map(t => t.token).join(' · ') || '–';
	$('display-serving').replaceChildren(...(serving.length
		? serving.map(t => h('span', { class: 'token-big', 'data-token': t.token }, String(t.token)))
		: [h('span', { class: 'idle' }, 'Please wait')]));
	$('display-next').replaceChildren(...waiting.slice(0, NEXT).map(t => h('li', { 'data-token': t.token }, String(t.token))));
	if (s !== lastServing && serving.length) {	// draw the eye to a change
		$('display-serving').classList.remove('flash');
		void $('display-serving').offsetWidth;
		$('display-serving').classList.add('flash');
	}
	lastServing = s;
}

async function poll() {
	try {
		const r = await api.pollBoard(etag);
		if (!r.notModified) {
			etag = r.etag;
			draw(r.data);
			$('display-clinic').textContent = r.data.clinic_name;
		}
		$('display-status').textContent = '';
	} catch (err) {
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
