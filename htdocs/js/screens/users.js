// users.js — staff accounts (admin): list, add, change role or name,
// deactivate/reactivate, reset a password, and unlock an account that wrong
// passwords locked (on some computer). Every PATCH carries the version.
import { api } from '../api.js';
import { h, pageHead, replace, notice, btn, bindForm, field, input, select, dialog, toast, fmtDateTime, act } from '../ui.js';
import { session } from '../session.js';
import { LANGUAGES } from '../i18n.js';

const ROLES = [['frontdesk', 'Front desk'], ['nurse', 'Nurse'], ['doctor', 'Doctor'], ['admin', 'Admin']];

export function render(root) {
	const list = h('div', { id: 'users-list' }, notice('Loading…'));

	const patch = async (u, body, done) => {
		await api.updateUser(u.id, { ...body, version: u.version });
		toast(done, 'ok');
		load();
	};

	const resetPassword = u => {
		const pw = input('password', { id: 'reset-password', type: 'password', autocomplete: 'new-password', 'data-testid': 'reset-password' });
		dialog({
			title: `New password for ${u.username}`, ok: 'Set password', testid: 'reset-dialog',
			body: field('New password', pw, { hint: 'At least 10 characters; not a common password, nor made of the username or the clinic\'s name. Tell the user in person.' }),
			onOk: async () => {
				if (pw.value.length < 10) throw { password: 'Use at least 10 characters.' };
				await patch(u, { password: pw.value }, `Password reset for ${u.username}`);
			},
		});
	};

	const rename = u => {
		const name = input('name', { id: 'rename-name', value: u.name || '', maxlength: 100, 'data-testid': 'rename-name' });
		dialog({
			title: `Name of ${u.username}`, ok: 'Save', testid: 'rename-dialog',
			body: field('Full name', name),
			onOk: async () => {
				if (!name.value.trim()) throw { name: 'Enter a name.' };
				await patch(u, { name: name.value.trim() }, 'Name saved');
			},
		});
	};

	const row = u => {
		const me = u.id === session.user.id;
		const role = select('role', ROLES, { 'aria-label': `Role of ${u.username}`, 'data-testid': 'user-role-select', disabled: me });
		role.value = u.role;
		role.addEventListener('change', () => patch(u, { role: role.value }, `${u.username} is now ${role.value}`)
			.catch(err => { role.value = u.role; toast(err.message, 'error'); }));
		const language = select('language', LANGUAGES, { 'aria-label': `Language of ${u.username}`, 'data-testid': 'user-language-select' });
		language.value = u.language || 'en';
		language.addEventListener('change', () => patch(u, { language: language.value }, `${u.username}: ${language.selectedOptions[0].text}`)
			.catch(err => { language.value = u.language || 'en'; toast(err.message, 'error'); }));
		const active = u.active;
		const unlock = act(async () => {
			await api.unlockUser(u.id);
			toast(`${u.username} unlocked`, 'ok');
			load();
		});
		return h('tr', { 'data-testid': 'user-row', 'data-id': u.id, 'data-username': u.username, class: active ? '' : 'inactive' },
			h('td', {}, u.username), h('td', {}, u.name), h('td', {}, role), h('td', {}, language),
			h('td', {}, active ? 'Active' : 'Deactivated', u.locked ? ' ' : null,
				u.locked ? h('span', { class: 'badge bad', 'data-testid': 'user-locked',
					title: `Too many wrong passwords; locked until ${fmtDateTime(u.locked_until || '')} unless unlocked` }, 'Locked') : null,
				u.locked ? ' ' : null,
				u.locked ? btn('Unlock', unlock, { class: 'btn small', 'data-testid': 'user-unlock',
					'aria-label': `Unlock ${u.username}` }) : null),
			h('td', {}, fmtDateTime(u.last_login_at || '')),
			h('td', { class: 'row-actions' },
				btn('Rename', () => rename(u), { class: 'btn small', 'data-testid': 'user-rename' }),
				btn('Reset password', () => resetPassword(u), { class: 'btn small', 'data-testid': 'user-reset' }),
				me ? null : btn(active ? 'Deactivate' : 'Reactivate',
					act(() => patch(u, { active: !active }, `${u.username} ${active ? 'deactivated' : 'reactivated'}`)),
					{ class: active ? 'btn small danger' : 'btn small', 'data-testid': 'user-toggle' })));
	};

	const load = async () => {
		try {
			const users = await api.users();
			replace(list, h('table', { class: 'table', id: 'users-table', 'data-testid': 'users-table' },
				h('thead', {}, h('tr', {}, ['Username', 'Name', 'Role', 'Language', 'Status', 'Last sign-in', ''].map(t => h('th', { scope: 'col' }, t)))),
				h('tbody', {}, users.map(row))));
		} catch (err) {
			replace(list, notice(err.message, 'error'));
		}
	};

	const form = h('form', { id: 'user-form', class: 'grid-form', 'data-testid': 'user-form' },
		field('Username', input('username', { id: 'user-username', maxlength: 32, autocapitalize: 'none', 'data-testid': 'user-username' })),
		field('Full name', input('name', { id: 'user-name', maxlength: 100, 'data-testid': 'user-name' })),
		field('Role', select('role', ROLES, { id: 'user-role', 'data-testid': 'user-role' })),
		field('Password', input('password', { id: 'user-password', type: 'password', autocomplete: 'new-password', 'data-testid': 'user-password' }), { hint: 'At least 10 characters; not a common password, nor made of the username or the clinic\'s name' }),
		h('div', { class: 'actions wide' }, h('button', { type: 'submit', class: 'btn primary', id: 'user-submit', 'data-testid': 'user-submit' }, 'Add user')));
	bindForm(form, {
		validate: v => {
			const p = {};
			if (!/^[a-z0-9][a-z0-9._-]{2,31}$/.test(v.username)) p.username = 'Use 3–32 lower-case letters, digits, dot, dash or underscore.';
			if (!v.name) p.name = 'Enter the full name.';
			if ((form.elements.password.value || '').length < 10) p.password = 'Use at least 10 characters.';
			return p;
		},
		cancel: () => form.reset(),
		submit: async v => {
			await api.addUser({ username: v.username, name: v.name, role: v.role, password: form.elements.password.value });
			toast(`User ${v.username} added`, 'ok');
			form.reset();
			load();
		},
	});
	root.append(pageHead('Users'), list, h('section', { class: 'card' }, h('h2', {}, 'Add a user'), form));
	load();
}
