// api.js — the one way the front end talks to the server.
//
// JSON in and out, same-origin credentials, Content-Type: application/json on
// every write (the server answers 415 without it). Errors always arrive as an
// ApiError {status, code, message, field}. A 401 asks the app to sign in again
// (the screen underneath stays as it was, so nothing typed is lost) and then
// repeats the request once. GETs that fail on the network are retried a few
// times before giving up with a plain-language message.

export const STALE_MESSAGE = 'Someone else changed this record; reload to see their changes';
export const NETWORK_MESSAGE = 'Cannot reach the clinic server. Check the network; nothing you typed is lost.';

const DEFAULT_MESSAGES = {
	400: 'The request was not understood.',
	401: 'Please sign in.',
	403: 'You are not allowed to do this.',
	404: 'Not found.',
	409: STALE_MESSAGE,
	413: 'That is too large to send.',
	415: 'The request was not understood.',
	422: 'Please check the form.',
	429: 'Too many attempts, wait a few minutes.',
	500: 'The server had a problem. Try again.',
	503: 'The server is busy. Try again in a moment.',
};

const GET_RETRY_DELAYS = [400, 1200, 3000];	// ms; bounded: 4 tries in all
const TIMEOUT_MS = 20000;

export class ApiError extends Error {
	constructor(status, code, message, field) {
		super(message);
		this.status = status;	// 0 = network failure
		this.code = code;
		this.field = field || null;
	}
	get stale() { return this.status === 409 && this.code === 'stale'; }
}

let authHandler = null;

// fn() shows the sign-in form and resolves once signed in again.
export function onAuthRequired(fn) { authHandler = fn; }

const sleep = ms => new Promise(r => setTimeout(r, ms));

async function once(method, path, body, etag) {
	const headers = { Accept: 'application/json' };
	const init = { method, headers, credentials: 'same-origin', cache: 'no-store' };
	if (method !== 'GET') {
		headers['Content-Type'] = 'application/json';
		init.body = JSON.stringify(body === undefined ? {} : body);
	}
	if (etag) headers['If-None-Match'] = etag;
	const ctl = new AbortController();
	const timer = setTimeout(() => ctl.abort(), TIMEOUT_MS);
	init.signal = ctl.signal;
	try {
		return await fetch(path, init);
	} finally {
		clearTimeout(timer);
	}
}

async function toError(res, body) {
	let e = {};
	try { e = (await res.json()).error || {}; } catch { /* not JSON */ }
	let message = e.message || DEFAULT_MESSAGES[res.status] || `Unexpected answer (${res.status}).`;
	let code = e.code || `http_${res.status}`;
	// A stale version (or a 409 that does not say why) gets the one standard
	// sentence; other 409s (illegal transition, already in the queue, visit
	// already finalized) keep the server's more precise words.
	const sentVersion = body && typeof body === 'object' && 'version' in body;
	if (res.status === 409 && (/stale|version|conflict/.test(e.code || '') || !e.message || sentVersion && !e.code)) {
		message = STALE_MESSAGE;
		code = 'stale';
	}
	return new ApiError(res.status, code, message, e.field);
}

// request(method, path, {body, etag, auth}) → {status, etag, data}
//   status 304 → data null (only when etag was given).
//   auth:false → a 401 is thrown to the caller instead of asking to sign in.
export async function request(method, path, { body, etag, auth = true } = {}) {
	let res;
	for (let attempt = 0; ; attempt++) {
		try {
			res = await once(method, path, body, etag);
		} catch (err) {
			res = null;
		}
		const retryable = !res || res.status === 502 || res.status === 503 || res.status === 504;
		if (!retryable || method !== 'GET' || attempt >= GET_RETRY_DELAYS.length) break;
		await sleep(GET_RETRY_DELAYS[attempt]);
	}
	if (!res) throw new ApiError(0, 'network', NETWORK_MESSAGE);
	if (res.status === 401 && auth && authHandler) {
		await authHandler();
		return request(method, path, { body, etag, auth: false });
	}
	if (res.status === 304) return { status: 304, etag, data: null };
	if (!res.ok) throw await toError(res, body);
	let data = null;
	if (res.status !== 204) {
		const text = await res.text();
		if (text) {
			try { data = JSON.parse(text); } catch { throw new ApiError(res.status, 'bad_json', 'The server sent an unreadable answer.'); }
		}
	}
	return { status: res.status, etag: res.headers.get('ETag'), data };
}

export const api = {
	get: async (path, opts) => (await request('GET', path, opts)).data,
	post: async (path, body, opts) => (await request('POST', path, { ...opts, body })).data,
	put: async (path, body, opts) => (await request('PUT', path, { ...opts, body })).data,
	patch: async (path, body, opts) => (await request('PATCH', path, { ...opts, body })).data,
	del: async (path, opts) => (await request('DELETE', path, opts)).data,
	// Conditional GET for polling: returns {notModified, etag, data}.
	poll: async (path, etag, opts) => {
		const r = await request('GET', path, { ...opts, etag });
		return { notModified: r.status === 304, etag: r.etag || etag, data: r.data };
	},
};

// Build "path?a=1&b=2", leaving out empty values.
export function qs(path, params = {}) {
	const u = new URLSearchParams();
	for (const [k, v] of Object.entries(params)) {
		if (v !== undefined && v !== null && v !== '') u.set(k, v);
	}
	const s = u.toString();
	return s ? `${path}?${s}` : path;
}

// The contract does not name the key that wraps a list; accept the likely ones.
export function listOf(resp, ...keys) {
	if (Array.isArray(resp)) return resp;
	if (!resp || typeof resp !== 'object') return [];
	for (const k of [...keys, 'items', 'results', 'data']) {
		if (Array.isArray(resp[k])) return resp[k];
	}
	return [];
}
