// router.js — hash routes (#/patients, #/patient/12, #/consult/34?print=1).
// Each screen module exports render(root, params, query) and may return a
// cleanup function (stop polling, remove key handlers) run on leaving it.
// Only app.js imports this module; screens move with go() from nav.js, so no
// screen imports the router back (and no screen imports another screen).
import { hasRole } from './session.js';
import { h, replace, notice } from './ui.js';
import { go, home } from './nav.js';
import { t } from './i18n.js';

const DESK = ['frontdesk', 'doctor'];
const QUEUE = ['frontdesk', 'doctor', 'nurse'];
const ADMIN = ['admin'];
const MONEY = ['frontdesk', 'doctor', 'admin'];	// the admin reads the money too

// [pattern, roles, loader]
const ROUTES = [
	['/patients', DESK, () => import('./screens/patients.js')],
	['/register', DESK, () => import('./screens/register.js')],
	['/patient/:id', DESK, () => import('./screens/patient.js')],
	['/queue', QUEUE, () => import('./screens/queue.js')],
	['/vitals', ['nurse', 'doctor'], () => import('./screens/vitals.js')],
	['/appointments', DESK, () => import('./screens/appointments.js')],
	['/payments', MONEY, () => import('./screens/payments.js')],
	['/reports', MONEY, () => import('./screens/reports.js')],
	['/print/receipt/:id', MONEY, () => import('./screens/print-receipt.js')],
	['/followups', DESK, () => import('./screens/followups.js')],
	['/consult/:id', ['doctor'], () => import('./screens/consult.js')],
	['/print/prescription/:id', DESK, () => import('./screens/print-prescription.js')],
	['/users', ADMIN, () => import('./screens/users.js')],
	['/settings', ADMIN, () => import('./screens/settings.js')],
	['/backups', ADMIN, () => import('./screens/backups.js')],
	['/audit', ADMIN, () => import('./screens/audit.js')],
	['/status', ADMIN, () => import('./screens/status.js')],
];

function match(path) {
	for (const [pattern, roles, load] of ROUTES) {
		const names = [];
		const re = new RegExp(`^${pattern.replace(/:(\w+)/g, (_, n) => { names.push(n); return '([^/]+)'; })}$`);
		const m = re.exec(path);
		if (m) return { pattern, roles, load, params: Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1])])) };
	}
	return null;
}

let cleanup = null;
let turn = 0;
let root = null;

async function route() {
	const raw = location.hash.replace(/^#/, '') || '';
	const [path, q = ''] = raw.split('?');
	const r = match(path);
	if (!r) { go(home()); return; }
	const mine = ++turn;
	if (typeof cleanup === 'function') { try { cleanup(); } catch { /* screen already gone */ } }
	cleanup = null;
	document.dispatchEvent(new CustomEvent('nd:route', { detail: { pattern: r.pattern } }));
	if (!hasRole(...r.roles)) {
		replace(root, notice(t('route.not_allowed'), 'error'),
			h('p', {}, h('a', { href: `#${home()}` }, t('route.go_home'))));
		return;
	}
	root.classList.add('loading');
	try {
		const mod = await r.load();
		if (mine !== turn) return;
		root.replaceChildren();
		root.dataset.screen = r.pattern.split('/')[1];
		const done = await mod.render(root, r.params, new URLSearchParams(q));
		if (mine === turn) cleanup = done;
		else if (typeof done === 'function') done();	// left the screen while it loaded
	} catch (err) {
		if (mine === turn) replace(root, notice(err.message || t('route.failed'), 'error'));
	} finally {
		if (mine === turn) root.classList.remove('loading');
	}
}

export function startRouter(el) {
	root = el;
	window.addEventListener('hashchange', route);
	return route();
}
