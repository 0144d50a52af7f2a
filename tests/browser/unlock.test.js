'use strict';
// unlock.test.js — the users screen shows an account that wrong passwords locked, and its
// Unlock button (reached with the keyboard) clears the lock; a weak password is refused there
// with the server's reason next to the field. Screenshots at 1366 and 768 px wide go to
// $ND_OUT for a person to look at.
const path = require('path');
const t = require('../lib/t.js');
const H = require('./day-helpers.js');

const S = { problems: [] };

t.test('browser: a locked user shows Locked and an Unlock button; Enter on it unlocks', async () => {
  S.browser = await H.launch();
  const { ctx, page: p } = await H.newPage(S.browser, S.problems, 'admin');
  S.page = p;
  const u = await t.user('frontdesk');
  for (let i = 1; i <= 5; i++) {
    const r = await t.api('POST', '/api/auth/login', { body: { username: u.username, password: `wrong-guess-${i}-x` } });
    t.status(r, 401, `wrong password ${i}`);
  }
  await H.useCookie(ctx, await t.admin());
  await p.goto(`${t.BASE}/#/users`);
  const row = p.locator(`[data-testid=user-row][data-username="${u.username}"]`);
  await row.waitFor();
  t.eq(await row.locator('[data-testid=user-locked]').innerText(), 'Locked', 'the badge');
  const others = await p.locator('[data-testid=user-row]:not(:has([data-testid=user-unlock]))').count();
  t.ok(others >= 1, 'accounts that are not locked have no Unlock button');
  await p.screenshot({ path: path.join(process.env.ND_OUT || '/tmp', 'users-locked-1366.png') });
  await p.setViewportSize({ width: 768, height: 900 });
  await row.scrollIntoViewIfNeeded();
  await p.screenshot({ path: path.join(process.env.ND_OUT || '/tmp', 'users-locked-768.png') });
  await p.setViewportSize({ width: 1366, height: 800 });
  await row.locator('[data-testid=user-unlock]').focus();
  await p.keyboard.press('Enter');
  await p.waitForSelector(`[data-testid=toast]:has-text("${u.username} unlocked")`);
  await p.waitForSelector(`[data-testid=user-row][data-username="${u.username}"]:not(:has([data-testid=user-locked]))`);
  t.eq(t.db(`SELECT count(*) AS n FROM login_failures WHERE username = '${u.username}'`), [{ n: 0 }], 'the lock is gone');
  t.eq(t.db(`SELECT count(*) AS n FROM audit WHERE action = 'user.unlock' AND entity_id = ${u.id}`), [{ n: 1 }], 'audited');
  await t.login(u.username, u.password);
});

t.test('browser: a weak password for a new user is refused with the reason next to the field', async () => {
  if (!S.page) t.skip('no page');
  const p = S.page;
  const username = t.uniq('weak').toLowerCase();
  await p.fill('#user-username', username);
  await p.fill('#user-name', 'Weak Password');
  await p.fill('#user-password', 'password12');
  await p.press('#user-password', 'Enter');
  await p.waitForFunction(() => /common|simple/.test(document.querySelector('#user-password-error')?.textContent || ''));
  t.eq(t.db(`SELECT count(*) AS n FROM users WHERE username = '${username}'`), [{ n: 0 }], 'no user made');
  t.eq(await p.inputValue('#user-username'), username, 'nothing typed is lost');
});

t.test('browser: no page errors', async () => {
  if (S.browser) await S.browser.close();
  t.eq(S.problems, [], 'page errors, console errors, CSP reports');
});

t.run();
