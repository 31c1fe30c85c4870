// Being together in a channel, between two browsers: a moderator pins a message and the other
// reads the pinned list (updated live when it is unpinned); a reply's quote follows its original
// as it is edited and deleted; a message sent while offline waits in the browser, survives its
// tab being closed, and is delivered exactly once when the app is next opened online; who is
// online — a browser that closes turns its person offline. And when things go wrong, words: a
// history that fails to load offers Retry, new messages are announced to screen readers, a
// deleted channel, an unreachable server and being removed are each said with a way on.
import { expect, test } from '@playwright/test';
import { api, hydrated, messages, openChannel, say, signUpByApi } from './helpers.js';

test('pins, a message sent offline, and presence', async ({ browser }) => {
  const alice = await signUpByApi(browser, 'Alice Owner');
  const bob = await signUpByApi(browser, 'Bob Member');
  const server = await api(alice, 'create_server', { name: 'Together' });
  const details = await api(alice, 'load_server', { server_id: server.id });
  await api(bob, 'join_server', { code: details.invite_code });
  const general = details.channels.find((c) => c.name === 'general');
  const alicePage = await openChannel(alice, server.id, general.id);
  const bobPage = await openChannel(bob, server.id, general.id);

  // Each sees the other online, with a dot that says so.
  const online = (page) => page.getByRole('list', { name: 'Online' });
  const offline = (page) => page.getByRole('list', { name: 'Offline' });
  await expect(online(bobPage)).toContainText('Alice Owner');
  await expect(online(bobPage).locator('.member-item', { hasText: 'Alice Owner' })
    .getByRole('img', { name: 'Online' })).toBeVisible();
  await expect(online(alicePage)).toContainText('Bob Member');

  // Bob, a guest, may not pin; Alice, the owner, pins his message and he sees it marked.
  await say(bobPage, 'Meeting notes live in the wiki');
  const onBob = messages(bobPage).filter({ hasText: 'Meeting notes live in the wiki' });
  const onAlice = messages(alicePage).filter({ hasText: 'Meeting notes live in the wiki' });
  await onBob.hover();
  await expect(onBob.getByRole('button', { name: 'Pin message' })).toHaveCount(0);
  await onAlice.hover();
  await onAlice.getByRole('button', { name: 'Pin message' }).click();
  await expect(onBob.locator('.pinned-mark')).toHaveText('Pinned');

  // The header's list holds it; Jump closes the list at the message.
  await bobPage.getByRole('button', { name: 'Pinned messages' }).click();
  const bobPins = bobPage.getByRole('region', { name: 'Pinned messages' });
  await expect(bobPins.getByTestId('pinned-message')).toHaveCount(1);
  await expect(bobPins.getByTestId('pinned-message')).toContainText('Meeting notes live in the wiki');
  await expect(bobPins.getByRole('button', { name: 'Unpin' })).toHaveCount(0);
  await bobPins.getByRole('button', { name: 'Jump' }).click();
  await expect(bobPins).toHaveCount(0);
  // Open again, it follows Alice unpinning from her own list.
  await bobPage.getByRole('button', { name: 'Pinned messages' }).click();
  await expect(bobPins.getByTestId('pinned-message')).toHaveCount(1);
  await alicePage.getByRole('button', { name: 'Pinned messages' }).click();
  await alicePage.getByRole('region', { name: 'Pinned messages' }).getByRole('button', { name: 'Unpin' }).click();
  await expect(bobPins).toContainText('No pinned messages yet.');
  await expect(onBob.locator('.pinned-mark')).toHaveCount(0);
  await bobPage.keyboard.press('Escape');

  // A reply's quote follows the original live: edited, then deleted.
  await say(alicePage, 'Agenda: budget first');
  const agenda = messages(bobPage).filter({ hasText: 'Agenda: budget first' });
  await agenda.hover();
  await agenda.getByRole('button', { name: 'Reply' }).click();
  await say(bobPage, 'Noted, thanks');
  const quote = messages(bobPage).filter({ hasText: 'Noted, thanks' }).locator('.reply-line');
  await expect(quote).toHaveText('Agenda: budget first');
  const agendaOnAlice = messages(alicePage)
    .filter({ hasText: 'Agenda: budget first', hasNotText: 'Noted, thanks' });
  await agendaOnAlice.hover();
  await agendaOnAlice.getByRole('button', { name: 'Edit message' }).click();
  const edit = alicePage.getByRole('textbox', { name: 'Edit message' });
  await edit.fill('Agenda: hiring first');
  await edit.press('Enter');
  await expect(quote).toHaveText('Agenda: hiring first');
  const edited = messages(alicePage)
    .filter({ hasText: 'Agenda: hiring first', hasNotText: 'Noted, thanks' });
  await edited.hover();
  await edited.getByRole('button', { name: 'Delete message' }).click();
  await alicePage.getByRole('button', { name: 'Delete', exact: true }).click();
  await expect(quote).toHaveText('Original message was deleted');

  // Bob's network goes down: his message waits in his browser, and his tab closes. (Its
  // failed requests are the point here: its console is not checked.)
  await bob.setOffline(true);
  // The page must know it is offline before sending (else the send may already be on its way).
  await bobPage.waitForFunction(() => navigator.onLine === false);
  const text = 'Sent from a tunnel, delivered later';
  await say(bobPage, text);
  await expect(messages(bobPage).filter({ hasText: text })).toContainText('Waiting for network');
  await bobPage.close();
  await expect(messages(alicePage).filter({ hasText: text })).toHaveCount(0);

  // Back online, the app opened again sends it: Alice receives it once.
  await bob.setOffline(false);
  const backPage = await openChannel(bob, server.id, general.id);
  await expect(messages(alicePage).filter({ hasText: text })).toHaveCount(1);
  await expect(messages(backPage).filter({ hasText: text })).toHaveCount(1);
  await expect(messages(backPage).filter({ hasText: text })).not.toContainText('Waiting for network');
  const history = await api(alice, 'channel_history', { channel_id: general.id });
  expect(history.messages.filter((m) => m.content === text)).toHaveLength(1);
  // Opened once more, nothing is sent again.
  await backPage.reload();
  await hydrated(backPage);
  await expect(backPage.getByTestId('connection')).toHaveText('Live: Real-time updates');
  await expect(messages(alicePage).filter({ hasText: text })).toHaveCount(1);

  // Alice's browser closes: Bob sees her go offline.
  await expect(online(backPage)).toContainText('Alice Owner');
  const aliceProblems = alicePage.problems;
  await alice.close();
  await expect(offline(backPage)).toContainText('Alice Owner');
  await expect(online(backPage)).not.toContainText('Alice Owner');
  expect(aliceProblems).toEqual([]);
  expect(backPage.problems).toEqual([]);
  await bob.close();
});

test('a history that fails to load says so and Retry recovers; new messages are announced', async ({ browser }) => {
  const alice = await signUpByApi(browser, 'Alice Speaker');
  const bob = await signUpByApi(browser, 'Bob Listener');
  const server = await api(alice, 'create_server', { name: 'Heard' });
  const details = await api(alice, 'load_server', { server_id: server.id });
  await api(bob, 'join_server', { code: details.invite_code });
  const general = details.channels.find((c) => c.name === 'general');
  await api(alice, 'send_message', { channel_id: general.id, content: 'Before Bob came', nonce: crypto.randomUUID() });

  // The first page fails (the request never reaches the server): said in words, with Retry.
  const page = await bob.newPage();
  await page.route('**/api/open_thread', (route) => route.abort('failed'));
  await page.goto(`/servers/${server.id}/channels/${general.id}`);
  await hydrated(page);
  await expect(page.getByRole('alert').filter({ hasText: "Couldn't load messages." })).toBeVisible();
  await expect(page.getByText('Loading messages…')).toHaveCount(0);
  await page.unroute('**/api/open_thread');
  await page.getByRole('button', { name: 'Retry' }).click();
  await expect(messages(page).filter({ hasText: 'Before Bob came' })).toBeVisible();
  await expect(page.getByRole('alert')).toHaveCount(0);

  // What Alice writes now is read out to Bob's screen reader; what he writes himself is not.
  const alicePage = await openChannel(alice, server.id, general.id);
  await say(alicePage, 'Hello **Bob**, welcome');
  await expect(page.getByTestId('announcer')).toHaveText('Alice Speaker: Hello Bob, welcome');
  await say(page, 'Thanks!');
  await expect(messages(page).filter({ hasText: 'Thanks!' })).toBeVisible();
  await expect(page.getByTestId('announcer')).toHaveText('Alice Speaker: Hello Bob, welcome');
  expect(alicePage.problems).toEqual([]);
  await alice.close();
  await bob.close();
});

test('a deleted channel, an unreachable server and being removed are each said in words', async ({ browser }) => {
  const alice = await signUpByApi(browser, 'Alice Admin');
  const bob = await signUpByApi(browser, 'Bob Guest');
  const server = await api(alice, 'create_server', { name: 'Changing Room' });
  const random = await api(alice, 'create_channel', { server_id: server.id, name: 'random', kind: 'TEXT' });
  const details = await api(alice, 'load_server', { server_id: server.id });
  await api(bob, 'join_server', { code: details.invite_code });
  const page = await openChannel(bob, server.id, random.id);

  // The channel Bob reads is deleted: he is told, and led to #general.
  await api(alice, 'delete_channel', { channel_id: random.id });
  await expect(page.getByRole('heading', { name: '#random was deleted' })).toBeVisible();
  await page.getByRole('link', { name: 'Go to #general' }).click();
  await expect(page.getByRole('heading', { name: 'general', exact: true })).toBeVisible();

  // The server cannot be reached when it changes: that is not "not found", and Retry recovers.
  await page.route('**/api/load_server', (route) => route.abort('failed'));
  await api(alice, 'create_channel', { server_id: server.id, name: 'news', kind: 'TEXT' });
  await expect(page.getByRole('heading', { name: "Couldn't load this server" })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Page not found' })).toHaveCount(0);
  await page.unroute('**/api/load_server');
  await page.getByRole('button', { name: 'Retry' }).click();
  await expect(page.getByRole('link', { name: 'news' })).toBeVisible();

  // The search palette from the keyboard: nothing found says so; the arrows choose, Enter goes.
  await page.keyboard.press('Control+k');
  const search = page.getByLabel('Search channels and members');
  await search.fill('zzz');
  await expect(page.getByRole('status').filter({ hasText: 'No results' })).toBeVisible();
  await search.fill('');
  await expect(page.getByRole('option', { name: 'general' })).toHaveAttribute('aria-selected', 'true');
  await search.press('ArrowDown');
  await expect(page.getByRole('option', { name: 'news' })).toHaveAttribute('aria-selected', 'true');
  await search.press('Enter');
  await expect(page.getByRole('heading', { name: 'news', exact: true })).toBeVisible();

  // Removed from the server: he is told which, and where to go on.
  const now = await api(alice, 'load_server', { server_id: server.id });
  const bobMember = now.members.find((m) => m.name === 'Bob Guest');
  await api(alice, 'kick_member', { server_id: server.id, member_id: bobMember.id });
  await expect(page.getByRole('heading', { name: 'You are no longer a member of Changing Room' })).toBeVisible();
  await page.getByRole('link', { name: 'Go to your servers' }).click();
  await expect(page.getByRole('heading', { name: /no longer a member/ })).toHaveCount(0);
  await alice.close();
  await bob.close();
});
