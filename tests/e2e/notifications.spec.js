// Desktop notifications, opted in from the toggle beside one's name: while the tab is hidden a
// mention and a direct message notify (a plain message only once the server's level is "All
// messages"), saying who wrote where; a click opens the thread at that message. Muting a channel
// takes its unread mark away. The browser's Notification API is the real one, recorded as it is
// called; the tab's visibility is set by the test.
import { expect, test } from '@playwright/test';
import {
  api, freshEmail, hydrated, messages, signUpByApi, watchForProblems,
} from './helpers.js';

/** Records every notification the page creates, and lets the test hide the tab. */
function recordNotifications() {
  window.recorded = [];
  const Real = window.Notification;
  window.Notification = class extends Real {
    constructor(title, options) {
      super(title, options);
      window.recorded.push({ title, body: options && options.body, notification: this });
    }
  };
  window.tabHidden = false;
  Object.defineProperty(document, 'hidden', { get: () => window.tabHidden, configurable: true });
}

async function setHidden(page, hidden) {
  await page.evaluate((value) => {
    window.tabHidden = value;
    document.dispatchEvent(new Event('visibilitychange'));
  }, hidden);
}

async function shown(page) {
  return page.evaluate(() => window.recorded.map(({ title, body }) => ({ title, body })));
}

test('mentions and direct messages notify while the tab is hidden, and a click opens the message', async ({ browser }) => {
  const alice = await signUpByApi(browser, 'Alice Notifier');
  const bob = await browser.newContext({
    baseURL: process.env.CHATTERHUB_E2E_URL, permissions: ['notifications'],
  });
  await api(bob, 'sign_up', {
    name: 'Bob Listener', email: freshEmail('Bob Listener'), password: 'correct horse battery',
  });
  await bob.addInitScript(recordNotifications);
  const server = await api(alice, 'create_server', { name: 'Notify Club' });
  const random = await api(alice, 'create_channel', { server_id: server.id, name: 'random', kind: 'TEXT' });
  const details = await api(alice, 'load_server', { server_id: server.id });
  await api(bob, 'join_server', { code: details.invite_code });
  const bobs = await api(bob, 'load_server', { server_id: server.id });
  const general = details.channels.find((c) => c.name === 'general');
  const say = (channel, content) => api(alice, 'send_message', {
    channel_id: channel.id, content, nonce: crypto.randomUUID(),
  });

  const page = await bob.newPage();
  page.problems = watchForProblems(page);
  await page.goto(`/servers/${server.id}/channels/${general.id}`);
  await hydrated(page);
  await expect(page.getByTestId('connection')).toHaveText('Live: Real-time updates');
  const toggle = page.getByLabel('Desktop notifications');
  await expect(toggle).not.toBeChecked();
  await toggle.check();
  await expect(toggle).toBeChecked();
  await setHidden(page, true);

  // A plain message does not notify by default; a mention does, saying who and where.
  await say(random, 'just chatting');
  const mention = await say(random, `hi <@${bobs.me.id}>`);
  await expect.poll(() => shown(page)).toEqual([
    { title: 'Alice Notifier in #random (Notify Club)', body: 'hi @Bob Listener' },
  ]);

  // A direct message notifies too.
  const conversation = await api(alice, 'open_conversation', { server_id: server.id, member_id: bobs.me.id });
  await api(alice, 'send_direct_message', { conversation_id: conversation.id, content: 'psst', nonce: crypto.randomUUID() });
  await expect.poll(async () => (await shown(page)).length).toBe(2);
  expect((await shown(page))[1]).toEqual({ title: 'Alice Notifier', body: 'psst' });

  // A click opens #random at the mention, highlighted.
  await setHidden(page, false);
  await page.evaluate(() => window.recorded[0].notification.onclick());
  await expect(page).toHaveURL(new RegExp(`/channels/${random.id}\\?message=${mention.id}$`));
  const opened = messages(page).filter({ hasText: 'hi @Bob Listener' });
  await expect(opened).toHaveClass(/focused/);
  await expect(opened).toBeInViewport();

  // "All messages" for the server: a plain message notifies.
  await page.getByRole('button', { name: 'Notify Club' }).click();
  await page.getByRole('menuitem', { name: 'Notification Settings' }).click();
  const dialog = page.getByRole('dialog', { name: 'Notification settings' });
  await dialog.getByLabel('All messages').check();
  await expect(dialog.getByLabel('All messages')).toBeChecked();
  await dialog.getByRole('button', { name: 'Close' }).click();
  await setHidden(page, true);
  await say(general, 'plain news');
  await expect.poll(async () => (await shown(page)).length).toBe(3);
  expect((await shown(page))[2].body).toBe('plain news');

  // Muting #general: no unread mark for it (and no notification for its plain messages).
  await setHidden(page, false);
  await page.getByRole('link', { name: 'random' }).click();
  await page.getByRole('button', { name: 'Notification settings for #random' }).click();
  await expect(dialog).toContainText('#random');
  await expect(dialog.getByLabel('As the server (All messages)')).toBeChecked();
  await dialog.getByRole('button', { name: 'Close' }).click();
  await page.getByRole('link', { name: 'general' }).click();
  await page.getByRole('button', { name: 'Notification settings for #general' }).click();
  await dialog.getByLabel('Mute #general').check();
  await expect(dialog.getByLabel('Mute #general')).toBeChecked();
  await dialog.getByRole('button', { name: 'Close' }).click();
  await page.getByRole('link', { name: 'random' }).click();
  const generalRow = page.locator('li.channel-item', { has: page.getByRole('link', { name: 'general' }) });
  await expect(generalRow).toHaveClass(/muted/);
  await setHidden(page, true);
  await say(general, 'quiet news');
  await say(random, 'loud news');
  await expect.poll(async () => (await shown(page)).length).toBe(4);
  expect((await shown(page))[3].body).toBe('loud news');
  await expect(generalRow).not.toHaveClass(/unread/);
  // A reload keeps the settings and the switch.
  await page.reload();
  await hydrated(page);
  await expect(page.getByLabel('Desktop notifications')).toBeChecked();
  await expect(generalRow).toHaveClass(/muted/);
  expect(page.problems).toEqual([]);
  await Promise.all([alice.close(), bob.close()]);
});
