// app.js — boots the app: who is signed in, the role-aware shell (header, nav,
// banners), global shortcuts, then hands the page to the router.
import { api, onAuthRequired } from './api.js';
import { session, loadSettings, hasRole, forgetSavedDrafts } from './session.js';
import { h, $, replace, notice, toast, dialog, field, input, isTyping } from './ui.js';
import { showLogin } from './screens/login.js';
import { startRouter } from './router.js';
import { go } from './nav.js';
import { startOffline } from './offline/panel.js';
import { rememberSession, cachedSession, dropCache } from './offline/cache.js';
import { forgetSent } from './offline/outbox.js';
import { t, setLang, lang, LANGUAGES } from './i18n.js';

const NAV = {
	frontdesk: [['patients', 'nav.patients'], ['queue', 'nav.queue'], ['appointments', 'nav.appointments'], ['payments', 'nav.payments'], ['followups', 'nav.followups']],
	doctor: [['queue', 'nav.queue'], ['patients', 'nav.patients'], ['followups', 'nav.followups']],
	nurse: [['vitals', 'nav.vitals'], ['queue', 'nav.queue']],
	admin: [['users', 'nav.users'], ['payments', 'nav.payments'], ['reports', 'nav.reports'], ['settings', 'nav.settings'], ['backups', 'nav.backups'], ['audit', 'nav.audit'], ['status', 'nav.status']],
};

// Ask to sign in again when a request meets a 401; one prompt for all waiting requests.
let relogin = null;
onAuthRequired(() => {
	relogin ||= showLogin({ again: true }).then(user => {
		relogin = null;
		if (session.user && user.id !== session.user.id) location.reload();	// someone else: start clean
		session.user = user;
		setLang(user.language);
	});
	return relogin;
});

function buildShell() {
	const u = session.user;
	$('#clinic-name').textContent = session.settings.clinic_name || 'NalamDesk';
	document.title = `${session.settings.clinic_name || 'NalamDesk'} — NalamDesk`;
	$('#whoami-name').textContent = u.name || u.username;
	$('#whoami-role').textContent = t(`role.${u.role}`);
	$('#change-password').textContent = t('header.change_password');
	$('#signout').textContent = t('header.sign_out');
	$('#offline-banner').textContent = t('header.offline');
	$('#app-nav').setAttribute('aria-label', t('header.nav'));
	replace($('#app-nav'), (NAV[u.role] || []).map(([r, label]) =>
		h('a', { href: `#/${r}`, id: `nav-${r}`, 'data-testid': `nav-${r}`, 'data-route': r }, t(label))));
	$('#app-header').hidden = false;
	$('.who').prepend(languageSwitch());
	$('#signout').addEventListener('click', signOut);
	$('#change-password').addEventListener('click', changePassword);
}

function markNav() {
	const top = (location.hash.match(/^#\/(\w+)/) || [])[1] || '';
	const alias = { patient: 'patients', register: 'patients', consult: 'queue' };
	for (const a of document.querySelectorAll('#app-nav a')) {
		const on = a.dataset.route === (alias[top] || top);
		a.classList.toggle('current', on);
		if (on) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
	}
}

// The header's language switch: the user's own screens' language (PATCH /api/auth/me), then
// the page is drawn again in it (typing in progress is kept by the screens' drafts).
function languageSwitch() {
	const sel = h('select', { id: 'lang-switch', 'data-testid': 'lang-switch', class: 'lang-switch', 'aria-label': t('header.language') },
		LANGUAGES.map(([code, name]) => h('option', { value: code, lang: code }, name)));
	sel.value = lang();
	sel.addEventListener('change', async () => {
		try {
			const u = await api.setMyLanguage(sel.value);
			session.user = u;
			location.reload();
		} catch (err) {
			sel.value = lang();
			toast(err.message, 'error');
		}
	});
	return sel;
}

async function signOut() {
	try { await api.logout(); } catch { /* the session dies anyway */ }
	forgetSavedDrafts();
	await forgetOffline();
	for (const k of Object.keys(sessionStorage)) if (k.startsWith('nd.')) sessionStorage.removeItem(k);
	location.hash = '';
	location.reload();
}

function changePassword() {
	const cur = input('current_password', { type: 'password', id: 'password-current', autocomplete: 'current-password' });
	const nw = input('new_password', { type: 'password', id: 'password-new', autocomplete: 'new-password' });
	const again = input('confirm', { type: 'password', id: 'password-confirm', autocomplete: 'new-password' });
	dialog({
		title: t('password.title'), ok: t('password.title'), testid: 'password-dialog',
		body: h('div', { id: 'password-form' }, field(t('password.current'), cur), field(t('password.new'), nw, { hint: t('password.hint') }), field(t('password.again'), again)),
		onOk: async () => {
			if (nw.value.length < 10) throw { new_password: t('password.too_short') };
			if (nw.value !== again.value) throw { confirm: t('password.differ') };
			try {
				await api.changePassword({ current_password: cur.value, new_password: nw.value });
			} catch (err) {
				if (err.status === 401 || err.status === 403) { err.message = t('password.wrong'); err.field = 'current_password'; }
				throw err;
			}
		},
	}).then(ok => { if (ok) toast(t('password.changed'), 'ok'); });
}

// Admin and doctor see a banner when backups are stale or the disk is nearly full.
async function checkSystem() {
	if (!hasRole('admin', 'doctor')) return;
	const banner = $('#system-banner');
	try {
		const s = await api.systemWarnings({ auth: false });
		const warn = [];
		if (s.backup_never) warn.push(t('system.backup_never'));
		if (s.backup_stale) warn.push(t('system.backup_stale'));
		if (s.disk_low) warn.push(t('system.disk_low'));
		if (warn.length) warn.push(t(hasRole('admin') ? 'system.see_status' : 'system.tell_admin'));
		banner.textContent = warn.join(' ');
		banner.hidden = !warn.length;
	} catch {
		banner.hidden = true;	// 403/404/offline: say nothing
	}
}

function globalKeys(e) {
	if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey || document.querySelector('dialog[open]')) return;
	const search = document.querySelector('[data-search]');
	if (e.target === search && !search.value) { e.preventDefault(); return; }	// already there
	if (isTyping(e)) return;
	e.preventDefault();
	if (search) search.focus();
	else if (hasRole('frontdesk', 'doctor')) go('/patients');
}

// Sign-out: the patients cached for a Wi-Fi drop leave this computer (writes not yet sent stay).
async function forgetOffline() {
	try { await dropCache(); await forgetSent(); } catch { /* no IndexedDB: nothing kept */ }
}

// Without the network, a reload starts from who was signed in and the settings as last seen
// (offline/cache.js); the server checks the session again when the link returns.
async function offlineStart() {
	try {
		const { user, settings } = await cachedSession();
		if (!user || !settings) return null;
		session.settings = settings;
		return user;
	} catch {
		return null;
	}
}

async function boot() {
	setLang(localStorage.getItem('nd.lang'));
	const main = $('#main');
	const failed = err => replace(main, notice(err.message, 'error'),
		h('button', { class: 'btn', type: 'button', onclick: () => location.reload() }, t('header.try_again')));
	let user = null;
	let offline = false;
	try {
		user = await api.me();
	} catch (err) {
		if (err.status === 0) offline = !!(user = await offlineStart());
		if (err.status !== 401 && !offline) { failed(err); return; }
	}
	if (!user) user = await showLogin();
	session.user = user;
	setLang(user.language);
	localStorage.setItem('nd.lang', lang());	// the sign-in form's language next time
	if (!offline) {
		try { await loadSettings(); } catch (err) { failed(err); return; }
		try { await rememberSession(user, session.settings); } catch { /* no IndexedDB */ }
	}
	buildShell();
	startOffline({ desk: hasRole('frontdesk') });
	document.addEventListener('keydown', globalKeys);
	document.addEventListener('nd:route', markNav);
	checkSystem();
	setInterval(checkSystem, 10 * 60 * 1000);
	document.addEventListener('nd:system-changed', checkSystem);	// e.g. after "Back up now"
	await startRouter(main);
	markNav();
}

boot();
