// outbox.js — the front desk's writes made while the link is down: register a patient, add
// to the queue, change a queue status, take a payment, book an appointment. Each is kept in
// IndexedDB with its own Idempotency-Key and sent again, in the order it was made, when the
// link returns: a write whose answer was lost is answered again by the server, never made
// twice. A write that needs an earlier one (queueing a patient registered offline) names it
// by its ref and waits for its real id. What the server refuses, what may be a duplicate, and
// everything made before a restore of the server's database waits for a person (review),
// with one click to settle each (panel.js).
//
// An item: {seq, ref, key, kind, body, meta, state, result, review, made_at}
//   state: pending → done | review; review → pending (send anyway) | done (same person) |
//   discarded; done and discarded items stay listed until the person clears them.
import { api } from '../api.js';
import { idb } from './db.js';
import { syncNow, linkState } from './cache.js';
import { t } from '../i18n.js';

const SEND = {
	patient: (b, key) => api.addPatient(b, key),
	queue: (b, key) => api.addToQueue(b, key),
	status: (b, key) => api.setQueueStatus(b.id, b.status, key),
	payment: (b, key) => api.pay(b, key),
	appointment: (b, key) => api.book(b, key),
};

const changed = () => document.dispatchEvent(new CustomEvent('nd:outbox'));
const newKey = () => (crypto.randomUUID ? crypto.randomUUID() : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`);

export const isRef = v => v !== null && typeof v === 'object' && typeof v.ref === 'string';

export async function items() {
	return (await idb.all('outbox')).sort((a, b) => a.seq - b.seq);
}
export const pendingCount = async () => (await items()).filter(i => i.state === 'pending').length;

async function save(item) {
	const seq = await idb.put('outbox', item);
	item.seq = seq;
	changed();
	return item;
}

// Keeps a write for later. META describes it for the screen ({name, token, status, ...}).
export async function enqueue(kind, body, meta = {}) {
	if (!SEND[kind]) throw new Error(`outbox: unknown kind ${kind}`);
	const item = { ref: `r${newKey()}`, key: newKey(), kind, body, meta, state: 'pending', made_at: new Date().toISOString() };
	return save(item);
}

// send(kind, body, meta) → {pending: false, result} when the server answered now, or
// {pending: true, item} when it was kept for later (no network, or earlier writes still
// waiting: the order is kept). A refusal of the server (4xx) is thrown as ApiError, as a
// plain api call would. A body naming an earlier pending write ({ref}) always waits.
export async function send(kind, body, meta = {}) {
	let waiting;
	try {
		waiting = (await items()).some(i => i.state === 'pending');
	} catch {
		// No IndexedDB in this browser (a private window): no outbox, the write goes as it is.
		return { pending: false, result: await SEND[kind](body) };
	}
	const refs = Object.values(body).some(isRef);
	if (navigator.onLine && !waiting && !refs) {
		const key = newKey();
		try {
			return { pending: false, result: await SEND[kind](body, key) };
		} catch (err) {
			if (err.status !== 0) throw err;
			linkState(false);
			// It may have reached the server: kept with the same key, so replaying it is safe.
			const item = await save({ ref: `r${newKey()}`, key, kind, body, meta, state: 'pending', made_at: new Date().toISOString() });
			return { pending: true, item };
		}
	}
	const item = await enqueue(kind, body, meta);
	if (navigator.onLine) replay();
	return { pending: true, item };
}

// What the screens show for an item: what it is and, while pending, what it does not have yet.
export function describe(i) {
	const m = i.meta || {};
	const r = i.result || {};
	const name = m.name || t('ob.a_patient');
	switch (i.kind) {
	case 'patient': return i.state === 'done'
		? t(r.existing ? 'ob.same' : 'ob.registered', { name, no: r.clinic_no })
		: t('ob.register', { name });
	case 'queue': return i.state === 'done' ? t('ob.token', { name, token: r.token }) : t('ob.queue', { name });
	case 'status': return t(i.state === 'pending' ? 'ob.status_pending' : 'ob.status', { token: m.token ?? '', name, label: m.label || i.body.status });
	case 'payment': return t(i.state === 'done' ? 'ob.receipt' : 'ob.payment', { no: r.receipt_no, amount: m.amount || '', name });
	case 'appointment': return t(i.state === 'done' ? 'ob.booked' : 'ob.book', { name, date: m.date, time: m.time });
	default: return i.kind;
	}
}

// Replaces each {ref} of BODY with the id its write got. → [body] | ['wait'] | ['blocked', item]
function resolveRefs(body, all) {
	const out = { ...body };
	for (const [k, v] of Object.entries(body)) {
		if (!isRef(v)) continue;
		const dep = all.find(i => i.ref === v.ref);
		if (!dep || dep.state === 'discarded') return ['blocked', dep];
		if (dep.state === 'pending') return ['wait'];
		if (dep.state !== 'done') return ['blocked', dep];
		out[k] = dep.result.id;
	}
	return [out];
}

const REVIEW = {
	already_queued: 'ob.already_queued',
	illegal_transition: 'ob.moved',
	stale_version: 'ob.changed',
};

let running = null;
// Sends the pending writes in order, once the cache has checked the server's epoch. Stops at
// the first network failure (the rest stay pending). Resolves when done.
export function replay() {
	running ||= (async () => {
		try {
			if (!(await items()).some(i => i.state === 'pending')) return;
			const epoch = await idb.get('kv', 'epoch');
			if (!(await syncNow())) return;
			// A restore since the cache last synced: nothing kept is sent by itself.
			if (epoch && epoch !== await idb.get('kv', 'epoch')) await holdForReview();
			let sent = 0;
			for (;;) {
				const all = await items();
				const item = all.find(i => i.state === 'pending');
				if (!item) break;
				const [body, dep] = resolveRefs(item.body, all);
				if (body === 'wait') break;
				if (body === 'blocked') {
					item.state = 'review';
					item.review = { reason: 'blocked', message: t('ob.blocked', { what: dep ? describe(dep) : t('ob.discarded_dep') }) };
					await save(item);
					continue;
				}
				if (item.kind === 'patient' && !item.force) {
					let dups;
					try { dups = await api.duplicates(body.name, body.phone || ''); } catch (err) { if (err.status === 0) break; dups = []; }
					if (dups.length) {
						item.state = 'review';
						item.review = { reason: 'duplicate', message: t('ob.dup'), candidates: dups.slice(0, 3) };
						await save(item);
						continue;
					}
				}
				try {
					item.result = await SEND[item.kind](body, item.key);
					item.state = 'done';
					item.sent_at = new Date().toISOString();
					sent++;
				} catch (err) {
					if (err.status === 0 || err.status >= 500) break;
					item.state = 'review';
					item.review = { reason: err.code === 'already_queued' ? 'already_queued' : (err.status === 409 ? 'stale' : 'refused'),
						code: err.code, message: REVIEW[err.code] ? t(REVIEW[err.code]) : err.message };
				}
				await save(item);
			}
			if (sent) await syncNow();
		} finally {
			running = null;
			changed();
		}
	})();
	return running;
}

// After a restore nothing pending is sent by itself: the person checks each write first.
async function holdForReview() {
	for (const i of await items()) {
		if (i.state !== 'pending') continue;
		i.state = 'review';
		i.review = { reason: 'restored', message: 'The clinic’s database was restored from a backup while this was waiting. Check it, then send or discard.' };
		await save(i);
	}
}
document.addEventListener('nd:epoch-changed', holdForReview);

// The person's one click on an item: 'send' (send it anyway), 'use' (the duplicate
// candidate C is the same person), 'discard' (with what waits for it), or 'clear' (take a
// done or discarded item off the list).
export async function resolve(seq, action, c = null) {
	const item = (await items()).find(i => i.seq === seq);
	if (!item) return;
	if (action === 'clear') { await idb.del('outbox', seq); changed(); return; }
	if (action === 'send') { item.state = 'pending'; item.force = true; item.review = null; }
	else if (action === 'use' && c) { item.state = 'done'; item.result = { ...c, existing: true }; item.review = null; }
	else if (action === 'discard') { item.state = 'discarded'; }
	await save(item);
	// What needed a discarded write cannot be made either: discarded with it.
	if (action === 'discard') {
		for (const i of await items()) {
			if (i.state !== 'done' && i.state !== 'discarded' && Object.values(i.body).some(v => isRef(v) && v.ref === item.ref)) await resolve(i.seq, 'discard');
		}
	}
	// Writes that were blocked by this one may go now.
	if (action !== 'discard') {
		for (const i of await items()) {
			if (i.state === 'review' && i.review?.reason === 'blocked' && Object.values(i.body).some(v => isRef(v) && v.ref === item.ref)) {
				i.state = 'pending';
				i.review = null;
				await save(i);
			}
		}
	}
	if (navigator.onLine) replay();
}

// Resolves with the result of the write REF once it was sent (a receipt waits for its number).
export function waitFor(ref) {
	return new Promise((resolve, reject) => {
		const check = async () => {
			const i = (await items()).find(x => x.ref === ref);
			if (!i || i.state === 'discarded') { document.removeEventListener('nd:outbox', check); reject(new Error('not sent')); return; }
			if (i.state === 'done') { document.removeEventListener('nd:outbox', check); resolve(i.result); }
		};
		document.addEventListener('nd:outbox', check);
		check();
	});
}

// On sign-out: what was sent or discarded goes; what still waits stays for the next sign-in.
export async function forgetSent() {
	for (const i of await items()) if (i.state === 'done' || i.state === 'discarded') await idb.del('outbox', i.seq);
}

// Today's queue as this computer knows it: the cached entries with their pending moves
// applied (pendingStatus), and the pending additions as rows without a token (pending).
export function overlayQueue(entries, all) {
	const out = entries.map(e => ({ ...e }));
	for (const i of all) {
		if (i.state !== 'pending' && i.state !== 'review') continue;
		if (i.kind === 'status') {
			const e = out.find(x => x.id === i.body.id);
			if (e && i.state === 'pending') { e.status = i.body.status; e.pendingStatus = true; e.position = null; }
		} else if (i.kind === 'queue') {
			out.push({ id: `pending-${i.ref}`, token: null, status: 'pending', reason: i.body.reason || '',
				patient: { id: isRef(i.body.patient_id) ? null : i.body.patient_id, name: i.meta?.name || '' },
				created_at: i.made_at, pending: true, review: i.state === 'review' });
		}
	}
	return out;
}
