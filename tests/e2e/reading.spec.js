// Where a reader lands and how they get back: a channel with unread messages opens at a
// "New messages" divider (even when more arrived than a page holds), "Jump to present" takes them
// to the latest, new messages below a reader scrolled up are counted on that bar, and "Mark
// unread" / "Mark As Read" move the marks by hand.
import { expect, test } from '@playwright/test';
import {
  api, hydrated, messages, postMany, signUpByApi, watchForProblems,
} from './helpers.js';

/** The row of the message whose text is exactly `text`. */
function message(page, text) {
  return messages(page).filter({ has: page.locator('.message-text').getByText(text, { exact: true }) });
}

/** The row right below the "New messages" divider. */
function belowDivider(page) {
  return page.locator('.message-list > .new-divider + li');
}

function row(page, name) {
  return page.locator('li.channel-item', { has: page.getByRole('link', { name }) });
}

test('a channel opens at the first unread message, and the reader finds the way back to the present', async ({ browser }) => {
  const alice = await signUpByApi(browser, 'Alice Poster');
  const bob = await signUpByApi(browser, 'Bob Returner');
  const server = await api(alice, 'create_server', { name: 'Reading Room' });
  const random = await api(alice, 'create_channel', { server_id: server.id, name: 'random', kind: 'TEXT' });
  const details = await api(alice, 'load_server', { server_id: server.id });
  const general = details.channels.find((c) => c.name === 'general');
  await postMany([alice], general.id, 'old', 5);
  await api(bob, 'join_server', { code: details.invite_code });
  // A second poster: messages by turns each show their header, so a page of them is more than
  // the screen shows (one author's run would be compact, under one header).
  const carol = await signUpByApi(browser, 'Carol Poster');
  await api(carol, 'join_server', { code: details.invite_code });

  // Bob finds the history there read (he joined after it), then goes to #random.
  const page = await bob.newPage();
  page.problems = watchForProblems(page);
  await page.goto(`/servers/${server.id}/channels/${general.id}`);
  await hydrated(page);
  await expect(message(page, 'old 4')).toBeVisible();
  await expect(page.getByRole('separator', { name: 'New messages' })).toHaveCount(0);
  await page.getByRole('link', { name: 'random' }).click();
  await expect(page.getByLabel('Message #random')).toBeVisible();

  // More arrive than one page holds; #general opens at the first of them, under the divider,
  // short of the present.
  await postMany([alice, carol], general.id, 'new', 40);
  await expect(row(page, 'general')).toHaveClass(/unread/);
  await page.getByRole('link', { name: 'general' }).click();
  const divider = page.getByRole('separator', { name: 'New messages' });
  await expect(divider).toBeInViewport();
  await expect(message(page, 'new 0')).toBeInViewport();
  await expect(message(page, 'new 39')).toHaveCount(0);
  const bar = page.locator('.jump-bar');
  await expect(bar).toContainText('You are viewing older messages');
  await expect(row(page, 'general')).toHaveClass(/unread/);

  // Jump to present: the latest is there, and now it is read.
  await bar.getByRole('button', { name: 'Jump to present' }).click();
  await expect(message(page, 'new 39')).toBeInViewport();
  await expect(bar).toHaveCount(0);
  await expect(row(page, 'general')).not.toHaveClass(/unread/);

  // Scrolled up, a new message is counted on the bar, not scrolled to.
  await page.locator('.message-scroll').evaluate((el) => { el.scrollTop = 0; });
  await expect(message(page, 'new 39')).not.toBeInViewport();
  await api(alice, 'send_message', { channel_id: general.id, content: 'fresh news', nonce: crypto.randomUUID() });
  await expect(bar).toContainText('1 new message');
  await expect(message(page, 'fresh news')).not.toBeInViewport();
  await bar.getByRole('button', { name: 'Jump to present' }).click();
  await expect(message(page, 'fresh news')).toBeInViewport();
  await expect(bar).toHaveCount(0);

  // Mark unread from a message: the divider moves above it and the channel is unread again, even
  // while Bob looks at it; "Mark As Read" in the server menu clears it.
  const target = message(page, 'new 38');
  await target.hover();
  await target.getByRole('button', { name: 'Mark unread' }).click();
  await expect(row(page, 'general')).toHaveClass(/unread/);
  await expect(belowDivider(page)).toContainText('new 38');
  await page.getByRole('button', { name: 'Reading Room' }).click();
  await page.getByRole('menuitem', { name: 'Mark As Read' }).click();
  await expect(row(page, 'general')).not.toHaveClass(/unread/);

  // A full page load of a channel with something unread lands on the divider too.
  await api(alice, 'send_message', { channel_id: random.id, content: 'over in random', nonce: crypto.randomUUID() });
  await page.goto(`/servers/${server.id}/channels/${random.id}`);
  await hydrated(page);
  await expect(divider).toBeVisible();
  await expect(belowDivider(page)).toContainText('over in random');
  expect(page.problems).toEqual([]);
  await Promise.all([alice.close(), bob.close(), carol.close()]);
});
