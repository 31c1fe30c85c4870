// Unread marks: a channel with messages Bob has not read is bold in his sidebar and his server
// gets a dot on the rail; a mention adds a count pill, a count on the rail and the tab title — live
// and after a full page load; reading it in one tab clears the marks in his other tab at once.
// Direct messages reach his inbox live, with a count.
import { expect, test } from '@playwright/test';
import { api, hydrated, messages, say, signUpByApi, watchForProblems } from './helpers.js';

/** The unread dot on the rail icon of the server `name`. */
function dot(page, name) {
  return rail(page, name).getByRole('img', { name: 'Unread messages' });
}

/** The rail icon of the server `name`. */
function rail(page, name) {
  return page.getByRole('navigation', { name: 'Servers' }).getByRole('link', { name });
}

/** The sidebar row of the channel `name`. */
function row(page, name) {
  return page.locator('li.channel-item', { has: page.getByRole('link', { name }) });
}

test('unread channels are marked for their reader, live on every tab, and reading clears them', async ({ browser }) => {
  const alice = await signUpByApi(browser, 'Alice Author');
  const bob = await signUpByApi(browser, 'Bob Reader');
  const server = await api(alice, 'create_server', { name: 'Unread Club' });
  const random = await api(alice, 'create_channel', { server_id: server.id, name: 'random', kind: 'TEXT' });
  const details = await api(alice, 'load_server', { server_id: server.id });
  await api(bob, 'join_server', { code: details.invite_code });
  const general = details.channels.find((c) => c.name === 'general');

  const pages = [];
  for (let i = 0; i < 2; i += 1) {
    const page = await bob.newPage();
    page.problems = watchForProblems(page);
    await page.goto(`/servers/${server.id}/channels/${general.id}`);
    await hydrated(page);
    await expect(page.getByTestId('connection')).toHaveText('Live: Real-time updates');
    pages.push(page);
  }
  const [first, second] = pages;
  await expect(row(first, 'random')).not.toHaveClass(/unread/);

  // Alice writes in #random: both of Bob's tabs mark it bold, and the rail dot; no count yet.
  const aliceTab = await alice.newPage();
  await aliceTab.goto(`/servers/${server.id}/channels/${random.id}`);
  await hydrated(aliceTab);
  await say(aliceTab, 'anyone here?');
  for (const page of pages) {
    await expect(row(page, 'random')).toHaveClass(/unread/);
    await expect(dot(page, 'Unread Club')).toBeVisible();
    await expect(row(page, 'random').getByRole('status')).toHaveCount(0);
    await expect(page).toHaveTitle('ChatterHub');
  }

  // She mentions him, picking his name from the list the composer opens at "@".
  const composer = aliceTab.getByLabel('Message #random');
  await composer.pressSequentially('hello? @bo');
  const options = aliceTab.getByRole('listbox', { name: 'Members to mention' }).getByRole('option');
  await expect(options).toHaveText(['Bob Reader']);
  await composer.press('Enter');
  await expect(composer).toHaveValue('hello? @Bob Reader ');
  await expect(options).toHaveCount(0);
  await composer.press('Enter');
  const sent = messages(aliceTab).filter({ hasText: 'hello?' });
  await expect(sent.locator('.mention')).toHaveText('@Bob Reader');
  for (const page of pages) {
    await expect(row(page, 'random').getByRole('status')).toHaveAccessibleName('1 mention');
    await expect(rail(page, 'Unread Club').getByRole('status')).toHaveAccessibleName('1 mention');
    await expect(page).toHaveTitle('(1) ChatterHub');
  }
  // What Bob is reading (#general, at its bottom) is never marked, even as messages arrive.
  await api(alice, 'send_message', { channel_id: general.id, content: 'in general', nonce: crypto.randomUUID() });
  await expect(first.getByText('in general')).toBeVisible();
  await expect(row(first, 'general')).not.toHaveClass(/unread/);

  // A full page load shows the marks as they are.
  await second.reload();
  await hydrated(second);
  await expect(row(second, 'random').getByRole('status')).toHaveAccessibleName('1 mention');
  await expect(second).toHaveTitle('(1) ChatterHub');

  // Bob reads #random in one tab: the mention stands out there, and the other tab's marks go
  // at once.
  await first.getByRole('link', { name: 'random' }).click();
  const mention = messages(first).filter({ hasText: 'hello?' });
  await expect(mention).toHaveClass(/mentions-me/);
  await expect(mention.locator('.mention-me')).toHaveText('@Bob Reader');
  await expect(row(first, 'random')).not.toHaveClass(/unread/);
  await expect(row(second, 'random')).not.toHaveClass(/unread/);
  await expect(dot(second, 'Unread Club')).toHaveCount(0);
  await expect(rail(second, 'Unread Club').getByRole('status')).toHaveCount(0);
  await expect(second).toHaveTitle('ChatterHub');
  // And it stays read after a reload.
  await second.reload();
  await hydrated(second);
  await expect(row(second, 'random')).not.toHaveClass(/unread/);

  // A message in another of Bob's servers, not open anywhere: its rail icon gets the dot live.
  const other = await api(alice, 'create_server', { name: 'Other Club' });
  const otherDetails = await api(alice, 'load_server', { server_id: other.id });
  await api(bob, 'join_server', { code: otherDetails.invite_code });
  await second.reload();
  await hydrated(second);
  await expect(second.getByRole('navigation', { name: 'Servers' }).getByRole('link', { name: 'Other Club' }))
    .toBeVisible();
  await expect(second.getByTestId('connection')).toHaveText('Live: Real-time updates');
  const otherGeneral = otherDetails.channels.find((c) => c.name === 'general');
  await api(alice, 'send_message', { channel_id: otherGeneral.id, content: 'over here', nonce: crypto.randomUUID() });
  await expect(dot(second, 'Other Club')).toBeVisible();
  await expect(dot(second, 'Unread Club')).toHaveCount(0);
  for (const page of pages) expect(page.problems).toEqual([]);
  await Promise.all([alice.close(), bob.close()]);
});

test('direct messages reach the inbox live, with a count, and reading them clears it', async ({ browser }) => {
  const alice = await signUpByApi(browser, 'Alice Writer');
  const bob = await signUpByApi(browser, 'Bob Inbox');
  const server = await api(alice, 'create_server', { name: 'Inbox Club' });
  const details = await api(alice, 'load_server', { server_id: server.id });
  await api(bob, 'join_server', { code: details.invite_code });
  const bobs = await api(bob, 'load_server', { server_id: server.id });
  const general = details.channels.find((c) => c.name === 'general');

  const page = await bob.newPage();
  page.problems = watchForProblems(page);
  await page.goto(`/servers/${server.id}/channels/${general.id}`);
  await hydrated(page);
  await expect(page.getByTestId('connection')).toHaveText('Live: Real-time updates');
  const inboxLink = page.getByRole('navigation', { name: 'Servers' }).getByRole('link', { name: 'Direct Messages' });
  await expect(inboxLink.getByRole('status')).toHaveCount(0);

  // Alice writes to Bob: the rail's inbox entry counts it, and so does the tab title.
  const conversation = await api(alice, 'open_conversation', { server_id: server.id, member_id: bobs.me.id });
  const dm = (content) => api(alice, 'send_direct_message', {
    conversation_id: conversation.id, content, nonce: crypto.randomUUID(),
  });
  await dm('are you there?');
  await expect(inboxLink.getByRole('status')).toHaveAccessibleName('1 unread');
  await expect(page).toHaveTitle('(1) ChatterHub');

  // The inbox lists the conversation with her name, the server and the last line; a new message
  // moves it on live.
  await inboxLink.click();
  await expect(page.getByRole('heading', { name: 'Direct Messages' })).toBeVisible();
  const entry = page.getByRole('list', { name: 'Direct messages' }).getByRole('listitem');
  await expect(entry).toHaveCount(1);
  await expect(entry).toContainText('Alice Writer');
  await expect(entry).toContainText('Inbox Club');
  await expect(entry).toContainText('are you there?');
  await dm('hello again');
  await expect(entry).toContainText('hello again');
  await expect(entry.getByRole('status')).toHaveAccessibleName('2 unread');
  await expect(page).toHaveTitle('(2) ChatterHub');

  // A full load of the inbox shows the same; opening the conversation reads it.
  await page.reload();
  await hydrated(page);
  await expect(entry.getByRole('status')).toHaveAccessibleName('2 unread');
  await entry.getByRole('link').click();
  await expect(messages(page).filter({ hasText: 'hello again' })).toBeVisible();
  await expect(inboxLink.getByRole('status')).toHaveCount(0);
  await expect(page).toHaveTitle('ChatterHub');
  expect(page.problems).toEqual([]);
  await Promise.all([alice.close(), bob.close()]);
});
