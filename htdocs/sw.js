// sw.js — the service worker (scope /): the app's shell loads with no network.
//
// sw-manifest.js, written when the front end is installed (deploy/shell-manifest.sh), names
// every file of the front end and their version. All of them are kept in one cache named by
// that version, filled whole before this worker is used; a page is then served only from the
// cache of the worker that controls it, so a page never gets some old and some new files.
// A new version (any file changed) is a new manifest, so a new worker: it fills its own
// cache, waits while pages of the old one are open (the app offers a reload: message
// 'skip-waiting'), and removes the old cache once it takes over.
//
// No API answer passes through a cache here: /api/ goes to the network untouched. The
// patients the front desk needs offline are kept by the app itself in IndexedDB
// (js/offline/), dropped on sign-out. The one exception is the letterhead logo
// (/api/settings/logo, no patient data), kept so that a receipt printed offline has it.
/* eslint-env serviceworker */
'use strict';

importScripts('/sw-manifest.js');

const SHELL = `nd-shell-${self.ND_SHELL.version}`;
const LOGO = 'nd-logo';
const LOGO_PATH = '/api/settings/logo';

self.addEventListener('install', (event) => {
	event.waitUntil((async () => {
		const cache = await caches.open(SHELL);
		// cache: 'reload' — from the server, not from the browser's HTTP cache.
		await cache.addAll(self.ND_SHELL.files.map((f) => new Request(f, { cache: 'reload' })));
		// The first worker takes over at once (there is no old one to mix with).
		const had = (await caches.keys()).some((k) => k.startsWith('nd-shell-') && k !== SHELL);
		if (!had) await self.skipWaiting();
	})());
});

self.addEventListener('activate', (event) => {
	event.waitUntil((async () => {
		for (const k of await caches.keys()) {
			if (k.startsWith('nd-shell-') && k !== SHELL) await caches.delete(k);
		}
		await self.clients.claim();
	})());
});

self.addEventListener('message', (event) => {
	if (event.data === 'skip-waiting') self.skipWaiting();
});

async function fromShell(request) {
	const cache = await caches.open(SHELL);
	const hit = await cache.match(request, { ignoreSearch: true });
	return hit || fetch(request);
}

async function logo(request) {
	const cache = await caches.open(LOGO);
	try {
		const res = await fetch(request);
		if (res.ok) await cache.put(LOGO_PATH, res.clone());
		else if (res.status === 404) await cache.delete(LOGO_PATH);
		return res;
	} catch (err) {
		const hit = await cache.match(LOGO_PATH);
		if (hit) return hit;
		throw err;
	}
}

self.addEventListener('fetch', (event) => {
	const req = event.request;
	if (req.method !== 'GET') return;
	const url = new URL(req.url);
	if (url.origin !== self.location.origin) return;
	if (url.pathname === LOGO_PATH) { event.respondWith(logo(req)); return; }
	if (url.pathname.startsWith('/api/') || url.pathname === '/api') return;
	if (req.mode === 'navigate') {
		// The app is one page: any address of it is index.html (its routes are in the #hash).
		const page = url.pathname === '/display.html' ? '/display.html' : '/index.html';
		event.respondWith(caches.open(SHELL).then((c) => c.match(page)).then((hit) => hit || fetch(req)));
		return;
	}
	event.respondWith(fromShell(req));
});
