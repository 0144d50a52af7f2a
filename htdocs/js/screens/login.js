// login.js — the sign-in form. It lies over the app rather than replacing it,
// so when a session expires mid-work the screen underneath keeps what was typed.
import { api } from '../api.js';
import { h, $, field, input, bindForm } from '../ui.js';
import { t } from '../i18n.js';

// showLogin({again}) → Promise<user> once signed in.
export function showLogin({ again = false } = {}) {
	return new Promise(resolve => {
		const root = $('#login-root');
		const user = input('username', { id: 'login-username', autocomplete: 'username', autocapitalize: 'none', spellcheck: 'false' });
		const pass = input('password', { id: 'login-password', type: 'password', autocomplete: 'current-password' });
		const error = h('div', { class: 'form-error', id: 'login-error', role: 'alert', 'data-testid': 'login-error' });
		const form = h('form', { id: 'login-form', class: 'login-card', 'data-testid': 'login-form' },
			h('h1', {}, 'NalamDesk'),
			h('p', { class: 'hint' }, t(again ? 'login.again' : 'login.hint')),
			field(t('login.username'), user), field(t('login.password'), pass), error,
			h('button', { type: 'submit', id: 'login-submit', class: 'btn primary wide', 'data-testid': 'login-submit' }, t('login.submit')));
		const others = ['#app-header', '#main', '#system-banner'].map(s => $(s)).filter(Boolean);
		others.forEach(el => { el.inert = true; });
		root.replaceChildren(h('div', { class: 'login-overlay', id: 'login' }, form));
		bindForm(form, {
			validate: v => {
				const p = {};
				if (!v.username) p.username = t('login.need_username');
				if (!pass.value) p.password = t('login.need_password');
				return p;
			},
			submit: async v => {
				try {
					const user = await api.login(v.username, pass.value);
					root.replaceChildren();
					others.forEach(el => { el.inert = false; });
					resolve(user);
				} catch (err) {
					if (err.status === 401) err.message = t('login.wrong');
					else if (err.status === 429) err.message = t('login.too_many');
					err.field = null;	// one message for the pair
					pass.select();
					throw err;
				}
			},
		});
		(user.value ? pass : user).focus();
	});
}
