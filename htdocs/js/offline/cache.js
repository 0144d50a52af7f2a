// cache.js — the front desk's read cache for a Wi-Fi drop: today's queue and appointments,
// the patients seen or registered in the last 90 days (name, phone, clinic number, age, sex),
// the settings and who is signed in. Kept fresh from GET /api/changes while online (every
// SYNC_MS, when the link returns, after the outbox sent something); dropped on sign-out and
// when the server's epoch changed (a restore): the feed then answers 409 epoch_changed, the
// cache is emptied and filled again, and 'nd:epoch-changed' tells the outbox (which keeps its
// writes for a person to review).
import { api } from '../api.js';
import { idb } from './db.js';

const SYNC_MS = 30000;
const PAGE = 1000;
const CACHED = ['patients', 'queue', 'appointments'];

let syncing = null;

export const cacheState = { epoch: null, syncedAt: null };

// Whether the server answered the last time it was asked: the browser may say it is online
// (the Wi-Fi is up) while the clinic's server is out of reach. 'nd:link' says each change.
export const link = { up: true };
export function linkState(up) {
	if (link.up === up) return;
	link.up = up;
	document.dispatchEvent(new CustomEvent('nd:link', { detail: { up } }));
}

// Reads the feed from the cursor until `more` is false. Resolves with true when it reached the
// server. Only one sync runs at a time.
export function syncNow() {
	syncing ||= (async () => {
		try {
			for (let i = 0; i < 1000; i++) {
				const since = await idb.get('kv', 'cursor');
				let page;
				try {
					page = await api.changes(since || undefined, PAGE);
				} catch (err) {
					if (err.status === 409 && err.code === 'epoch_changed') {
						await dropRecords();
						document.dispatchEvent(new CustomEvent('nd:epoch-changed'));
						continue;	// start again from nothing
					}
					if (err.status === 0) { linkState(false); return false; }
					throw err;
				}
				linkState(true);
				await idb.putAll({ patients: page.patients, queue: page.queue, appointments: page.appointments },
					{ cursor: page.cursor, epoch: page.epoch, syncedAt: new Date().toISOString() });
				cacheState.epoch = page.epoch;
				cacheState.syncedAt = new Date();
				if (!page.more) break;
			}
			document.dispatchEvent(new CustomEvent('nd:cache-synced'));
			return true;
		} catch (err) {
			console.warn('offline cache: sync failed', err);
			return false;
		} finally {
			syncing = null;
		}
	})();
	return syncing;
}

let timer = null;
// Keeps the cache fresh while the page is open.
export function startSync() {
	clearInterval(timer);
	timer = setInterval(() => { if (navigator.onLine) syncNow(); }, SYNC_MS);
	return syncNow();
}

async function dropRecords() {
	await idb.clear(CACHED, ['cursor', 'epoch', 'syncedAt']);
	cacheState.epoch = null;
}

// On sign-out: nothing of the patients stays on this computer.
export async function dropCache() {
	clearInterval(timer);
	await idb.clear(CACHED, ['cursor', 'epoch', 'syncedAt', 'user', 'settings']);
}

// Who signed in and the settings, for a reload without the network.
export const rememberSession = (user, settings) => idb.putAll({}, { user, settings });
export async function cachedSession() {
	return { user: await idb.get('kv', 'user'), settings: await idb.get('kv', 'settings') };
}

const norm = s => String(s || '').normalize('NFC').toLowerCase();
const digits = s => String(s || '').replace(/\D/g, '');

// Cached patients matching Q as the server's search does, roughly: a word of the name
// starting with it, phone digits, or the clinic number. Best first, at most LIMIT.
export async function cachedPatients(q, limit = 20) {
	const t = norm(q).trim();
	if (!t) return [];
	const d = digits(t);
	const all = await idb.all('patients');
	const score = p => {
		const name = norm(p.name);
		if (/^\d+$/.test(t) && String(p.clinic_no) === t) return 0;
		if (name.startsWith(t)) return 1;
		if (name.split(/\s+/).some(w => w.startsWith(t))) return 2;
		if (d.length >= 4 && digits(p.phone).includes(d)) return 3;
		return -1;
	};
	return all.map(p => [score(p), p]).filter(([s]) => s >= 0)
		.sort((a, b) => a[0] - b[0] || a[1].name.localeCompare(b[1].name)).slice(0, limit).map(([, p]) => p);
}

// Cached patients who may be this one: the same phone, or the same name.
export async function cachedDuplicates(name, phone) {
	const n = norm(name).trim().replace(/\s+/g, ' ');
	const ph = digits(phone);
	return (await idb.all('patients')).filter(p =>
		(ph.length >= 10 && digits(p.phone) === ph) || (n && norm(p.name).trim().replace(/\s+/g, ' ') === n));
}

export const cachedPatient = id => idb.get('patients', Number(id));

// DATE's queue entries in the cache, in token order.
export async function cachedQueue(date) {
	return (await idb.all('queue')).filter(e => e.date === date).sort((a, b) => a.token - b.token);
}

export async function cachedAppointments(date) {
	return (await idb.all('appointments')).filter(a => a.date === date).sort((a, b) => a.time.localeCompare(b.time));
}
