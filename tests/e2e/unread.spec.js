// Unread marks: a channel with messages Bob has not read is bold in his sidebar with a count and
// his server gets a dot on the rail, live and after a full page load; reading it in one tab clears
// the mark in his other tab at once.
import { expect, test } from '@playwright/test';
import { api, hydrated, say, signUpByApi, watchForProblems } from './helpers.js';

/** The unread dot on the rail icon of the server `name`. */
function dot(page, name) {
  return page.getByRole('navigation', { name: 'Servers' }).getByRole('link', { name })
    .getByRole('img', { name: 'Unread messages' });
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

  // Alice writes in #random: both of Bob's tabs mark it, with the count, and the rail dot.
  const aliceTab = await alice.newPage();
  await aliceTab.goto(`/servers/${server.id}/channels/${random.id}`);
  await hydrated(aliceTab);
  await say(aliceTab, 'anyone here?');
  await say(aliceTab, 'hello?');
  for (const page of pages) {
    await expect(row(page, 'random')).toHaveClass(/unread/);
    await expect(row(page, 'random').getByRole('status')).toHaveAccessibleName('2 unread');
    await expect(dot(page, 'Unread Club')).toBeVisible();
  }
  // What Bob is reading (#general, at its bottom) is never marked, even as messages arrive.
  await api(alice, 'send_message', { channel_id: general.id, content: 'in general', nonce: crypto.randomUUID() });
  await expect(first.getByText('in general')).toBeVisible();
  await expect(row(first, 'general')).not.toHaveClass(/unread/);

  // A full page load shows the marks as they are.
  await second.reload();
  await hydrated(second);
  await expect(row(second, 'random').getByRole('status')).toHaveAccessibleName('2 unread');

  // Bob reads #random in one tab: the other tab's mark goes at once.
  await first.getByRole('link', { name: 'random' }).click();
  await expect(first.getByText('hello?')).toBeVisible();
  await expect(row(first, 'random')).not.toHaveClass(/unread/);
  await expect(row(second, 'random')).not.toHaveClass(/unread/);
  await expect(dot(second, 'Unread Club')).toHaveCount(0);
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
