// panel.js — what the screen says about the network and the outbox, under the header:
// offline or not, the writes waiting to be sent (and what they do not have yet), then, once
// sent, what went through and what needs a person, with one click to settle each. Also the
// service worker: registered here, and a reload offered when a new version of the app is
// ready (the worker never swaps files under an open page).
import { h, replace, $, btn } from '../ui.js';
import { items, describe, resolve, replay } from './outbox.js';
import { startSync, syncNow, link } from './cache.js';
import { t } from '../i18n.js';

let box = null;
let banner = null;

const ONLINE_NOTE = () => t('off.back');

async function draw() {
	if (!box) return;
	const all = await items();
	const pending = all.filter(i => i.state === 'pending');
	const review = all.filter(i => i.state === 'review');
	const done = all.filter(i => i.state === 'done' || i.state === 'discarded');
	const parts = [];
	if (pending.length) {
		parts.push(h('section', { class: 'outbox-pending', 'data-testid': 'outbox-pending' },
			h('h2', {}, t(pending.length === 1 ? 'off.kept_one' : 'off.kept', { n: pending.length })),
			h('ul', {}, pending.map(i => h('li', { 'data-testid': 'outbox-item', 'data-kind': i.kind }, describe(i))))));
	}
	if (review.length) {
		parts.push(h('section', { class: 'outbox-review', 'data-testid': 'outbox-review' },
			h('h2', {}, t('off.needs_you')),
			h('ul', {}, review.map(i => h('li', { 'data-testid': 'review-item', 'data-kind': i.kind, 'data-reason': i.review?.reason },
				h('div', {}, h('strong', {}, describe(i)), ' — ', i.review?.message || ''),
				h('div', { class: 'actions' }, actionsFor(i)))))));
	}
	if (done.length) {
		parts.push(h('section', { class: 'outbox-done', 'data-testid': 'outbox-done' },
			h('h2', {}, t('off.sent')),
			h('ul', {}, done.map(i => h('li', { 'data-testid': 'sent-item', 'data-kind': i.kind, 'data-state': i.state },
				i.state === 'discarded' ? t('off.discarded', { what: describe(i) }) : describe(i)))),
			btn(t('off.clear'), () => Promise.all(done.map(i => resolve(i.seq, 'clear'))), { class: 'btn small', 'data-testid': 'sent-clear' })));
	}
	replace(box, ...parts);
	box.hidden = parts.length === 0;
}

function actionsFor(i) {
	const b = (label, action, c, id) => btn(label, () => resolve(i.seq, action, c), { class: 'btn small', 'data-testid': id });
	switch (i.review?.reason) {
	case 'duplicate':
		return [...(i.review.candidates || []).map(c => b(t('off.same', { name: c.name, no: c.clinic_no }), 'use', c, 'review-use')),
			b(t('off.new_patient'), 'send', null, 'review-send'), b(t('off.discard'), 'discard', null, 'review-discard')];
	case 'already_queued':
	case 'stale':
		return [b(t('off.ok'), 'discard', null, 'review-ok')];
	case 'blocked':
		return [b(t('off.discard'), 'discard', null, 'review-discard')];
	case 'restored':
		return [b(t('off.send'), 'send', null, 'review-send'), b(t('off.discard'), 'discard', null, 'review-discard')];
	default:
		return [b(t('off.retry'), 'send', null, 'review-send'), b(t('off.discard'), 'discard', null, 'review-discard')];
	}
}

// How often kept writes are tried again while the browser believes it is online (the Wi-Fi
// came back without an 'online' event, or the server was out of reach).
const RETRY_MS = 20000;

function connectivity() {
	const set = () => {
		banner.hidden = navigator.onLine && link.up;
		banner.textContent = t('off.banner');
	};
	addEventListener('online', async () => { set(); banner.hidden = false; banner.textContent = ONLINE_NOTE(); await replay(); set(); });
	addEventListener('offline', set);
	document.addEventListener('nd:link', set);
	set();
}

function serviceWorker() {
	if (!('serviceWorker' in navigator)) return;
	navigator.serviceWorker.register('/sw.js', { scope: '/' }).then(reg => {
		const offer = w => {
			if (!w || !navigator.serviceWorker.controller) return;
			const bar = $('#update-banner');
			if (!bar) return;
			replace(bar, t('off.update'),
				btn(t('off.reload'), () => { w.postMessage('skip-waiting'); }, { class: 'btn small', 'data-testid': 'update-reload' }));
			bar.hidden = false;
		};
		offer(reg.waiting);
		reg.addEventListener('updatefound', () => {
			const w = reg.installing;
			w?.addEventListener('statechange', () => { if (w.state === 'installed') offer(w); });
		});
		let reloaded = false;
		navigator.serviceWorker.addEventListener('controllerchange', () => {
			if (reloaded || !$('#update-banner') || $('#update-banner').hidden) return;
			reloaded = true;
			location.reload();
		});
	}).catch(err => console.warn('service worker not registered', err));
}

// Starts the offline layer for a signed-in desk user: banner, panel, cache, outbox.
export function startOffline({ desk }) {
	banner = $('#offline-banner');
	box = $('#outbox-panel');
	connectivity();
	serviceWorker();
	if (!desk) return;
	document.addEventListener('nd:outbox', draw);
	draw();
	startSync().then(() => { if (navigator.onLine) replay(); });
	setInterval(() => { if (navigator.onLine) replay(); }, RETRY_MS);
}

export { syncNow };
