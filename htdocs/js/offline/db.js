// db.js — the browser's own IndexedDB database "nalamdesk": the offline read cache
// (cache.js) and the outbox (outbox.js). Every call opens a short transaction and resolves
// with its result; nothing here knows what the records mean.
const NAME = 'nalamdesk';
const VERSION = 1;
// patients, queue, appointments: as GET /api/changes gives them (keyed by id).
// kv: small values by name (the cursor, the epoch, the signed-in user, the settings).
// outbox: writes waiting to be sent, in the order they were made (seq).
export const STORES = ['kv', 'patients', 'queue', 'appointments', 'outbox'];

let opening = null;

function open() {
	opening ||= new Promise((resolve, reject) => {
		const rq = indexedDB.open(NAME, VERSION);
		rq.onupgradeneeded = () => {
			const d = rq.result;
			if (!d.objectStoreNames.contains('kv')) d.createObjectStore('kv');
			for (const s of ['patients', 'queue', 'appointments']) {
				if (!d.objectStoreNames.contains(s)) d.createObjectStore(s, { keyPath: 'id' });
			}
			if (!d.objectStoreNames.contains('outbox')) d.createObjectStore('outbox', { keyPath: 'seq', autoIncrement: true });
		};
		rq.onsuccess = () => resolve(rq.result);
		rq.onerror = () => { opening = null; reject(rq.error); };
	});
	return opening;
}

// run(stores, mode, fn(tx) → request or value) → its result once the transaction completed.
async function run(stores, mode, fn) {
	const d = await open();
	return new Promise((resolve, reject) => {
		const tx = d.transaction(stores, mode);
		let out;
		const r = fn(tx);
		if (r && 'onsuccess' in r) r.onsuccess = () => { out = r.result; };
		else out = r;
		tx.oncomplete = () => resolve(out);
		tx.onerror = () => reject(tx.error);
		tx.onabort = () => reject(tx.error);
	});
}

export const idb = {
	get: (store, key) => run([store], 'readonly', tx => tx.objectStore(store).get(key)),
	all: (store) => run([store], 'readonly', tx => tx.objectStore(store).getAll()),
	put: (store, value, key) => run([store], 'readwrite', tx => tx.objectStore(store).put(value, key)),
	del: (store, key) => run([store], 'readwrite', tx => tx.objectStore(store).delete(key)),
	// Puts every record of LISTS ({store: [records]}) and the kv pairs of KV in one transaction.
	putAll: (lists, kv = {}) => run([...Object.keys(lists), 'kv'], 'readwrite', tx => {
		for (const [s, rows] of Object.entries(lists)) for (const r of rows) tx.objectStore(s).put(r);
		for (const [k, v] of Object.entries(kv)) tx.objectStore('kv').put(v, k);
	}),
	// Empties STORES (and deletes the kv KEYS) in one transaction.
	clear: (stores, keys = []) => run([...stores, 'kv'], 'readwrite', tx => {
		for (const s of stores) tx.objectStore(s).clear();
		for (const k of keys) tx.objectStore('kv').delete(k);
	}),
};
