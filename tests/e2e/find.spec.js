// Finding and managing: the header's search finds a message among what one may read, marks the
// words found, opens a hit in its own thread with the history around it loaded, and says in words
// when nothing matches or the query is wrong; the settings dialog changes one's name and picture,
// seen at once by the other browser.
import { expect, test } from '@playwright/test';
import {
  api, messages, openChannel, postMany, say, signUpByApi,
} from './helpers.js';

test('search finds a message and opens it in context', async ({ browser }) => {
  const alice = await signUpByApi(browser, 'Alice Finder');
  const bob = await signUpByApi(browser, 'Bob Poster');
  const server = await api(alice, 'create_server', { name: 'Findings' });
  const details = await api(alice, 'load_server', { server_id: server.id });
  await api(bob, 'join_server', { code: details.invite_code });
  const general = details.channels.find((c) => c.name === 'general');
  const random = await api(alice, 'create_channel', { server_id: server.id, name: 'random', kind: 'TEXT' });
  await api(bob, 'send_message', {
    channel_id: general.id,
    content: 'The **quarterly** report is ready',
    nonce: crypto.randomUUID(),
  });
  // More than a page of history after it: it is not on the channel's first screen.
  await postMany([alice, bob], general.id, 'filler', 60);
  // Someone else's server says the same word: Alice never finds it.
  const carol = await signUpByApi(browser, 'Carol Elsewhere');
  const hers = await api(carol, 'create_server', { name: 'Elsewhere' });
  const herDetails = await api(carol, 'load_server', { server_id: hers.id });
  await api(carol, 'send_message', {
    channel_id: herDetails.channels[0].id,
    content: 'quarterly numbers, private',
    nonce: crypto.randomUUID(),
  });

  const page = await openChannel(alice, server.id, random.id);
  const box = page.getByLabel('Search', { exact: true });
  await box.fill('QUARTERLY');
  await box.press('Enter');
  const results = page.getByRole('complementary', { name: 'Search: QUARTERLY' });
  const hit = results.getByTestId('search-hit');
  await expect(hit).toHaveCount(1);
  await expect(results.getByTestId('search-summary')).toHaveText('1 result');
  await expect(hit).toContainText('#general · Findings');
  await expect(hit).toContainText('Bob Poster');
  await expect(hit.locator('mark')).toHaveText('quarterly');

  // The hit opens #general around the message, which is on screen; the results stay.
  await hit.getByRole('link').click();
  await expect(page).toHaveURL(new RegExp(`/channels/${general.id}\\?message=`));
  const found = messages(page).filter({ hasText: 'The quarterly report is ready' });
  await expect(found).toBeInViewport();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('general');
  await expect(hit).toHaveCount(1);

  // Filters narrow; nothing found and a wrong query are said in words.
  await box.fill('filler from:alice in:general');
  await box.press('Enter');
  const narrowed = page.getByRole('complementary', { name: 'Search: filler from:alice in:general' });
  await expect(narrowed.getByTestId('search-summary')).toHaveText('25 newest results');
  await expect(narrowed.getByTestId('search-hit').first()).toContainText('Alice Finder');
  await narrowed.getByRole('button', { name: 'Show more' }).click();
  await expect(narrowed.getByTestId('search-hit')).toHaveCount(30);
  await expect(narrowed.getByTestId('search-summary')).toHaveText('30 results');
  await expect(narrowed.getByTestId('search-hit').filter({ hasText: 'Bob Poster' })).toHaveCount(0);

  await box.fill('nothinglikethis');
  await box.press('Enter');
  await expect(page.getByTestId('search-summary')).toHaveText('No messages found.');
  await box.fill('report before:soon');
  await box.press('Enter');
  await expect(page.getByRole('complementary', { name: 'Search: report before:soon' }).getByRole('alert'))
    .toContainText('YYYY-MM-DD');

  // Escape inside the results closes them.
  await page.getByRole('button', { name: 'Close search' }).focus();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('complementary', { name: /^Search/ })).toHaveCount(0);
  expect(page.problems).toEqual([]);
});

/** A 3×2 red PNG: not square, so the picture is cut to one. */
const WIDE_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAMAAAACCAIAAAASFvFNAAAAEElEQVR4nGP4z8AAQQxwFgBB0gX7h/C5SAAAAABJRU5ErkJggg==',
  'base64',
);

test('a new name and picture are seen by the other browser', async ({ browser }) => {
  const alice = await signUpByApi(browser, 'Alice Watcher');
  const bob = await signUpByApi(browser, 'Bob Before');
  const server = await api(alice, 'create_server', { name: 'Names' });
  const details = await api(alice, 'load_server', { server_id: server.id });
  await api(bob, 'join_server', { code: details.invite_code });
  const general = details.channels.find((c) => c.name === 'general');
  const alicePage = await openChannel(alice, server.id, general.id);
  const bobPage = await openChannel(bob, server.id, general.id);
  await say(bobPage, 'hello from bob');
  const onAlice = messages(alicePage).filter({ hasText: 'hello from bob' });
  await expect(onAlice).toContainText('Bob Before');

  await bobPage.getByRole('button', { name: 'User settings' }).click();
  const dialog = bobPage.getByRole('dialog', { name: 'Settings' });
  await dialog.getByLabel('Picture (cut to a square)').setInputFiles({
    name: 'wide.png', mimeType: 'image/png', buffer: WIDE_PNG,
  });
  const preview = dialog.locator('img.image-preview');
  await expect(preview).toHaveAttribute('src', /^\/files\//);
  // The picture was cut to a square in the browser before it went up.
  const side = await preview.evaluate(async (img) => {
    await img.decode();
    return [img.naturalWidth, img.naturalHeight];
  });
  expect(side).toEqual([256, 256]);
  await dialog.getByLabel('Display name').fill('Robert Renamed');
  await dialog.getByRole('button', { name: 'Save profile' }).click();
  await expect(dialog.getByRole('status')).toHaveText('Profile saved.');
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(bobPage.getByTestId('user-name')).toHaveText('Robert Renamed');

  // Alice sees it without reloading: on his message and in the member list.
  await expect(onAlice).toContainText('Robert Renamed');
  await expect(onAlice.locator('img.avatar')).toHaveAttribute('src', /^\/files\//);
  await expect(alicePage.getByRole('list', { name: 'Online' })).toContainText('Robert Renamed');
  expect(alicePage.problems).toEqual([]);
  expect(bobPage.problems).toEqual([]);
});

test('keyboard only: a dialog keeps focus inside and gives it back; a message is edited', async ({ browser }) => {
  const alice = await signUpByApi(browser, 'Alice Keys');
  const server = await api(alice, 'create_server', { name: 'Keyboard' });
  const details = await api(alice, 'load_server', { server_id: server.id });
  const general = details.channels.find((c) => c.name === 'general');
  const page = await openChannel(alice, server.id, general.id);
  const focused = () => page.evaluate(() => {
    const el = document.activeElement;
    return el?.getAttribute('aria-label') || el?.id || el?.textContent?.trim() || el?.tagName;
  });

  // The settings dialog: its first field has focus, Tab and Shift+Tab stay inside, Escape
  // from anywhere in it closes it, and focus goes back to the button that opened it.
  const opener = page.getByRole('button', { name: 'User settings' });
  await opener.focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: 'Settings' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByLabel('Picture (cut to a square)')).toBeFocused();
  for (let i = 0; i < 25; i += 1) {
    await page.keyboard.press('Tab');
    expect(await dialog.evaluate((d) => d.contains(document.activeElement))).toBe(true);
  }
  for (let i = 0; i < 5; i += 1) {
    await page.keyboard.press('Shift+Tab');
    expect(await dialog.evaluate((d) => d.contains(document.activeElement))).toBe(true);
  }
  await dialog.getByLabel('New password').focus();
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(opener).toBeFocused();

  // A message sent and edited from the keyboard: Up in the empty composer, and the message's
  // own Edit button reached with Tab.
  const composer = page.getByLabel('Message #general');
  await composer.focus();
  await page.keyboard.type('first draft');
  await page.keyboard.press('Enter');
  // The channel's only message, whatever it says.
  const message = messages(page);
  await expect(message).toHaveCount(1);
  await expect(message.locator('.message-text')).toHaveText('first draft');
  await page.keyboard.press('ArrowUp');
  const edit = page.getByLabel('Edit message', { exact: true }).and(page.locator('textarea'));
  await expect(edit).toBeFocused();
  await page.keyboard.press('Control+a');
  await page.keyboard.type('second draft');
  await page.keyboard.press('Enter');
  await expect(message.locator('.message-text')).toHaveText('second draft');
  await expect(composer).toBeFocused();
  const path = [];
  for (let i = 0; i < 30 && path.at(-1) !== 'Edit message'; i += 1) {
    await page.keyboard.press('Shift+Tab');
    path.push(await focused());
  }
  expect(path.at(-1), `Shift+Tab from the composer went through ${path.join(' | ')}`)
    .toBe('Edit message');
  // Reaching it shows the message's actions.
  expect(await message.locator('.message-actions').evaluate((e) => getComputedStyle(e).opacity))
    .toBe('1');
  await page.keyboard.press('Enter');
  await expect(edit).toBeFocused();
  await page.keyboard.press('Control+a');
  await page.keyboard.type('final words');
  await page.keyboard.press('Enter');
  await expect(message.locator('.message-text')).toHaveText('final words');
  expect(page.problems).toEqual([]);
});
