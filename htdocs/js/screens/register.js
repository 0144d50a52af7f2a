// register.js — new patient registration with inline validation and a duplicate
// check before saving.
import { api } from '../api.js';
import { h, pageHead, bindForm, setValues, btn, toast, clearDraft } from '../ui.js';
import { go } from '../nav.js';
import { patientLine } from '../shared/patient-picker.js';
import { patientForm, patientPayload, validatePatient, normalisePhone } from '../shared/patient-form.js';
import { addToQueue } from '../shared/queue-actions.js';
import { t } from '../i18n.js';
import { send } from '../offline/outbox.js';
import { cachedDuplicates } from '../offline/cache.js';

const DRAFT = 'nd.register.draft';

// Patients who may be this one (same mobile, similar name): GET /api/patients/duplicates;
// without the network, those kept on this computer (the server checks again on sending).
async function findDuplicates(v) {
	try {
		return await api.duplicates(v.name, normalisePhone(v.phone));
	} catch (err) {
		if (err.status !== 0) throw err;
		return cachedDuplicates(v.name, normalisePhone(v.phone));
	}
}

// A registration kept in the outbox: said plainly, no clinic number invented; "and add to
// queue" waits for it and uses its real id (offline/outbox.js).
async function savedOffline(item, name, queueAfter) {
	toast(`${name} will be registered when the connection returns (the clinic number is given then).`, 'warn');
	if (queueAfter) await addToQueue({ ref: item.ref, name });
	go('/patients');
}

export function render(root, params, query) {
	const form = patientForm('register');
	const dups = h('section', { id: 'register-duplicates', class: 'duplicates', 'data-testid': 'register-duplicates', hidden: true });
	let dupChecked = false;	// the user has seen the candidates and chose "register anyway"
	form.append(h('div', { class: 'actions wide' },
		h('button', { type: 'submit', class: 'btn primary', id: 'register-submit', 'data-testid': 'register-submit' }, t('reg.submit')),
		h('button', { type: 'submit', class: 'btn', id: 'register-submit-queue', 'data-testid': 'register-submit-queue', value: 'queue' }, t('reg.submit_queue')),
		btn(t('reg.clear'), () => { form.reset(); clearDraft(DRAFT); dups.hidden = true; form.elements.name.focus(); }, { id: 'register-clear' }),
		btn(t('reg.cancel'), () => cancel(), { id: 'register-cancel', 'data-testid': 'register-cancel' })));
	root.append(pageHead(t('reg.title')), dups, form,
		h('p', { class: 'hint' }, t('reg.hint')));
	const cancel = () => go('/patients');
	let queueAfter = false;

	const showDuplicates = list => {
		dups.replaceChildren(
			h('h2', {}, t('reg.dups')),
			h('ul', { class: 'results' }, list.map(p => h('li', { class: 'dup', 'data-testid': 'duplicate-candidate', 'data-id': p.id },
				patientLine(p),
				btn(t('reg.use'), async () => {
					if (queueAfter) { try { await addToQueue(p); } catch (err) { toast(err.message, 'error'); } }
					clearDraft(DRAFT);
					go(`/patient/${p.id}`);
				}, { class: 'btn primary small', 'data-testid': 'duplicate-use' })))),
			h('div', { class: 'actions' }, btn(t('reg.anyway'), () => { dupChecked = true; form.requestSubmit(); },
				{ id: 'register-anyway', 'data-testid': 'register-anyway' })));
		dups.hidden = false;
		dups.querySelector('button').focus();
	};

	const save = async v => {
		const r = await send('patient', patientPayload(v), { name: v.name });
		if (r.pending) { clearDraft(DRAFT); await savedOffline(r.item, v.name, queueAfter); return; }
		const p = r.result;
		clearDraft(DRAFT);
		toast(t('reg.done', { name: p.name, no: p.clinic_no }), 'ok');
		if (queueAfter) { try { await addToQueue(p); } catch (err) { toast(err.message, 'error'); } }
		go(`/patient/${p.id}`);
	};

	bindForm(form, {
		draftKey: DRAFT,
		validate: validatePatient,
		cancel,
		submit: async (v, submitter) => {
			if (submitter) queueAfter = submitter.value === 'queue';
			if (!dupChecked) {
				const list = await findDuplicates(v);
				if (list.length) { showDuplicates(list); return false; }
			}
			await save(v);
		},
	});
	// A changed name or phone needs a fresh duplicate check.
	form.addEventListener('input', e => { if (['name', 'phone'].includes(e.target.name)) { dupChecked = false; dups.hidden = true; } });
	const pre = { name: query.get('name'), phone: query.get('phone') };
	if (pre.name || pre.phone) { form.reset(); setValues(form, Object.fromEntries(Object.entries(pre).filter(([, x]) => x))); }
	form.elements.name.focus();
}
