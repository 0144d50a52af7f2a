// users.js — staff accounts (admin): list, add, change role or name,
// deactivate/reactivate, reset a password, and unlock an account that wrong
// passwords locked (on some computer). Every PATCH carries the version.
import { api } from '../api.js';
import { h, pageHead, replace, notice, btn, bindForm, field, input, select, dialog, toast, fmtDateTime, act } from '../ui.js';
import { session } from '../session.js';
import { t, LANGUAGES } from '../i18n.js';

const ROLES = ['frontdesk', 'nurse', 'doctor', 'admin'].map(r => [r, t(`users.role_${r}`)]);

export function render(root) {
	const list = h('div', { id: 'users-list' }, notice(t('header.loading')));

	const patch = async (u, body, done) => {
		await api.updateUser(u.id, { ...body, version: u.version });
		toast(done, 'ok');
		load();
	};

	const resetPassword = u => {
		const pw = input('password', { id: 'reset-password', type: 'password', autocomplete: 'new-password', 'data-testid': 'reset-password' });
		dialog({
			title: t('users.new_password_for', { u: u.username }), ok: t('users.set_password'), testid: 'reset-dialog',
			body: field(t('password.new'), pw, { hint: t('users.password_hint') }),
			onOk: async () => {
				if (pw.value.length < 10) throw { password: t('password.too_short') };
				await patch(u, { password: pw.value }, t('users.password_reset', { u: u.username }));
			},
		});
	};

	const rename = u => {
		const name = input('name', { id: 'rename-name', value: u.name || '', maxlength: 100, 'data-testid': 'rename-name' });
		dialog({
			title: t('users.name_of', { u: u.username }), ok: t('users.save'), testid: 'rename-dialog',
			body: field(t('users.full_name'), name),
			onOk: async () => {
				if (!name.value.trim()) throw { name: t('users.need_name') };
				await patch(u, { name: name.value.trim() }, t('users.name_saved'));
			},
		});
	};

	const row = u => {
		const me = u.id === session.user.id;
		const role = select('role', ROLES, { 'aria-label': t('users.role_of', { u: u.username }), 'data-testid': 'user-role-select', disabled: me });
		role.value = u.role;
		role.addEventListener('change', () => patch(u, { role: role.value }, t('users.now_role', { u: u.username, role: t(`users.role_${role.value}`) }))
			.catch(err => { role.value = u.role; toast(err.message, 'error'); }));
		const language = select('language', LANGUAGES, { 'aria-label': t('users.language_of', { u: u.username }), 'data-testid': 'user-language-select' });
		language.value = u.language || 'en';
		language.addEventListener('change', () => patch(u, { language: language.value }, t('users.language_set', { u: u.username, lang: language.selectedOptions[0].text }))
			.catch(err => { language.value = u.language || 'en'; toast(err.message, 'error'); }));
		const active = u.active;
		const unlock = act(async () => {
			await api.unlockUser(u.id);
			toast(t('users.unlocked', { u: u.username }), 'ok');
			load();
		});
		return h('tr', { 'data-testid': 'user-row', 'data-id': u.id, 'data-username': u.username, class: active ? '' : 'inactive' },
			h('td', { translate: 'no' }, u.username), h('td', { translate: 'no' }, u.name), h('td', {}, role), h('td', {}, language),
			h('td', {}, t(active ? 'users.active' : 'users.deactivated'), u.locked ? ' ' : null,
				u.locked ? h('span', { class: 'badge bad', 'data-testid': 'user-locked',
					title: t('users.locked_until', { at: fmtDateTime(u.locked_until || '') }) }, t('users.locked')) : null,
				u.locked ? ' ' : null,
				u.locked ? btn(t('users.unlock'), unlock, { class: 'btn small', 'data-testid': 'user-unlock',
					'aria-label': t('users.unlock_of', { u: u.username }) }) : null),
			h('td', {}, fmtDateTime(u.last_login_at || '')),
			h('td', { class: 'row-actions' },
				btn(t('users.rename'), () => rename(u), { class: 'btn small', 'data-testid': 'user-rename' }),
				btn(t('users.reset'), () => resetPassword(u), { class: 'btn small', 'data-testid': 'user-reset' }),
				me ? null : btn(t(active ? 'users.deactivate' : 'users.reactivate'),
					act(() => patch(u, { active: !active }, t(active ? 'users.deactivated_done' : 'users.reactivated_done', { u: u.username }))),
					{ class: active ? 'btn small danger' : 'btn small', 'data-testid': 'user-toggle' })));
	};

	const load = async () => {
		try {
			const users = await api.users();
			replace(list, h('table', { class: 'table', id: 'users-table', 'data-testid': 'users-table' },
				h('thead', {}, h('tr', {}, ['username', 'name', 'role', 'language', 'status', 'last'].map(k => h('th', { scope: 'col' }, t(`users.col_${k}`))).concat(h('th', { scope: 'col' })))),
				h('tbody', {}, users.map(row))));
		} catch (err) {
			replace(list, notice(err.message, 'error'));
		}
	};

	const form = h('form', { id: 'user-form', class: 'grid-form', 'data-testid': 'user-form' },
		field(t('users.username'), input('username', { id: 'user-username', maxlength: 32, autocapitalize: 'none', 'data-testid': 'user-username' })),
		field(t('users.full_name'), input('name', { id: 'user-name', maxlength: 100, 'data-testid': 'user-name' })),
		field(t('users.role'), select('role', ROLES, { id: 'user-role', 'data-testid': 'user-role' })),
		field(t('users.password'), input('password', { id: 'user-password', type: 'password', autocomplete: 'new-password', 'data-testid': 'user-password' }), { hint: t('password.hint') }),
		h('div', { class: 'actions wide' }, h('button', { type: 'submit', class: 'btn primary', id: 'user-submit', 'data-testid': 'user-submit' }, t('users.add'))));
	bindForm(form, {
		validate: v => {
			const p = {};
			if (!/^[a-z0-9][a-z0-9._-]{2,31}$/.test(v.username)) p.username = t('users.bad_username');
			if (!v.name) p.name = t('users.need_full_name');
			if ((form.elements.password.value || '').length < 10) p.password = t('password.too_short');
			return p;
		},
		cancel: () => form.reset(),
		submit: async v => {
			await api.addUser({ username: v.username, name: v.name, role: v.role, password: form.elements.password.value });
			toast(t('users.added', { u: v.username }), 'ok');
			form.reset();
			load();
		},
	});
	root.append(pageHead(t('users.title')), list, h('section', { class: 'card' }, h('h2', {}, t('users.add_title')), form));
	load();
}
