// queue-poll.js — today's queue kept fresh on a screen (the queue, the vitals station): GET
// /api/queue every MS milliseconds (five times slower while the tab is hidden) with the last
// ETag, so an unchanged queue costs a 304. Only the newest poll may draw and schedule the next
// one (a forced refresh after an action overtakes a slow poll). SYNC says when the queue was
// last read, or LOST when the network is gone (then ONLOST, if given, answers the entries to
// show instead) or the server's message.
import { api } from '../api.js';
import { fmtTime } from '../ui.js';
import { t } from '../i18n.js';

// → { refresh(force), stop() }; ONENTRIES(entries) draws what was read.
export function pollQueue({ sync, ms, lost, onEntries, onLost = null }) {
	let etag = null;
	let timer = null;
	let stopped = false;
	let gen = 0;
	async function refresh(force = false) {
		const mine = ++gen;
		clearTimeout(timer);
		if (stopped) return;
		try {
			const r = await api.pollQueue(force ? null : etag);
			if (stopped || mine !== gen) return;
			if (!r.notModified) {
				etag = r.etag;
				onEntries(r.data.entries);
			}
			sync.textContent = t('q.updated', { time: fmtTime(new Date().toISOString()) });
			sync.classList.remove('error');
		} catch (err) {
			sync.textContent = err.status === 0 ? lost : err.message;
			sync.classList.add('error');
			if (mine !== gen) return;
			if (err.status === 0 && onLost) {
				const entries = await onLost();
				etag = null;
				if (!stopped && mine === gen) onEntries(entries);
			}
		}
		if (!stopped) timer = setTimeout(refresh, document.hidden ? ms * 5 : ms);
	}
	return { refresh, stop() { stopped = true; clearTimeout(timer); } };
}
