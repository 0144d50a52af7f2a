// display.js — the waiting-room TV. Polls the public board every 2 s with the
// last ETag and shows token numbers only: the server never sends names or
// phone numbers to this screen.
// GET /api/queue/display → {date, rev, clinic_name, serving:[{token}], waiting:[{token}]}:
// serving holds at most the one token called in last, waiting is in call order
// (emergency and urgent first, postponed ones further down).
// The words are English, with the waiting room's own language under them when the TV's address
// names it: display.html?lang=ta (Tamil) or ?lang=hi (Hindi).
import { api } from './api.js';
import { h, fmtTime } from './ui.js';
import { tIn } from './i18n.js';

const POLL_MS = 2000;
const NEXT = 5;

let etag = null;
let lastServing = '';

const $ = id => document.getElementById(id);

const local = ['ta', 'hi'].find(l => l === new URLSearchParams(location.search).get('lang')) || null;

// KEY's words in English, and in the board's language (its own line) when one is set.
const words = key => local
	? [tIn('en', key), h('span', { class: 'board-local', lang: local }, tIn(local, key))]
	: [tIn('en', key)];

function draw({ serving, waiting }) {
	const s = serving.map(t => t.token).join(' · ') || '–';
	$('display-serving').replaceChildren(...(serving.length
		? serving.map(t => h('span', { class: 'token-big', 'data-token': t.token }, String(t.token)))
		: [h('span', { class: 'idle' }, ...words('board.wait'))]));
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
		if (err.status === 0) $('display-status').replaceChildren(...words('board.reconnecting'));
		else $('display-status').textContent = err.message;
	}
	setTimeout(poll, POLL_MS);
}

function clock() {
	$('display-clock').textContent = fmtTime(new Date().toISOString());
}

async function start() {
	$('display-serving-title').replaceChildren(...words('board.now_serving'));
	$('display-next-title').replaceChildren(...words('board.next'));
	$('display-fullscreen').replaceChildren(...words('board.fullscreen'));
	const full = () => document.fullscreenElement ? document.exitFullscreen() : document.documentElement.requestFullscreen().catch(() => {});
	$('display-fullscreen').addEventListener('click', full);
	document.addEventListener('keydown', e => { if (e.key === 'f' || e.key === 'F') full(); });
	clock();
	setInterval(clock, 15000);
	poll();
}

start();
