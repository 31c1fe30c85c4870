// Two people chat in their browsers: live both ways, edits and deletes reach the other side,
// and when one socket is cut the page polls every second and then catches up exactly.
import { expect, test } from '@playwright/test';
import {
  inviteLink, joinAsNewAccount, messages, open, reload, say, signUpWithServer,
} from './helpers.js';

const SERVER = 'Chat Lab';

test('two people chat live, and a cut socket falls back to polling', async ({ browser }, testInfo) => {
  const shot = (page, name) => page.screenshot({ path: testInfo.outputPath(`${name}.png`) });
  const alice = await (await browser.newContext()).newPage();
  const bobContext = await browser.newContext();
  // Bob's live socket goes through the test, which can cut it and refuse new ones.
  let blocked = false;
  const sockets = [];
  await bobContext.routeWebSocket(/\/ws$/, (ws) => {
    if (blocked) {
      ws.close({ code: 1011, reason: 'cut by the test' });
      return;
    }
    sockets.push(ws);
    ws.connectToServer();
  });
  const bob = await bobContext.newPage();

  await signUpWithServer(alice, 'Alice Admin', SERVER);
  const link = await inviteLink(alice, SERVER);
  await joinAsNewAccount(bob, link, 'Bob Builder');
  await reload(alice);
  for (const page of [alice, bob]) {
    await expect(page.getByTestId('connection')).toHaveText('Live: Real-time updates');
    await expect(page.getByRole('heading', { name: 'Welcome to #general!' })).toBeVisible();
  }

  // Both ways, live.
  await say(alice, 'Hello Bob');
  await expect(messages(bob).filter({ hasText: 'Hello Bob' })).toBeVisible();
  await say(bob, 'Hi Alice');
  await expect(messages(alice).filter({ hasText: 'Hi Alice' })).toBeVisible();
  await expect(messages(bob).filter({ hasText: 'Hi Alice' }).getByRole('status')).toHaveCount(0);

  // Alice edits hers inline; Bob sees the new text marked "(edited)".
  const hello = messages(alice).filter({ hasText: 'Hello Bob' });
  await hello.hover();
  await hello.getByRole('button', { name: 'Edit message' }).click();
  const edit = alice.getByRole('textbox', { name: 'Edit message' });
  await edit.fill('Hello Bob, welcome aboard');
  await edit.press('Enter');
  const edited = messages(bob).filter({ hasText: 'Hello Bob, welcome aboard' });
  await expect(edited).toContainText('(edited)');

  // A guest cannot delete someone else's message: no action offered.
  const helloOnBob = messages(bob).filter({ hasText: 'Hello Bob' });
  await helloOnBob.hover();
  await expect(helloOnBob.getByRole('button', { name: 'Delete message' })).toHaveCount(0);
  await expect(helloOnBob.getByRole('button', { name: 'Edit message' })).toHaveCount(0);

  // Bob deletes his own after confirming; Alice sees it deleted.
  const hi = messages(bob).filter({ hasText: 'Hi Alice' });
  await hi.hover();
  await hi.getByRole('button', { name: 'Delete message' }).click();
  const confirm = bob.getByRole('dialog', { name: 'Delete message' });
  await confirm.getByRole('button', { name: 'Delete' }).click();
  await expect(confirm).toHaveCount(0);
  await expect(messages(alice).filter({ hasText: 'This message has been deleted.' })).toBeVisible();
  await expect(messages(alice).filter({ hasText: 'Hi Alice' })).toHaveCount(0);
  await shot(alice, 'chat-alice');

  // Cut Bob's socket and refuse new ones: his page says so and polls.
  blocked = true;
  for (const ws of sockets.splice(0)) await ws.close({ code: 1011, reason: 'cut by the test' });
  await expect(bob.getByTestId('connection')).toHaveText('Polling every 1s');
  await say(alice, 'Sent while your socket was down');
  await expect(messages(bob).filter({ hasText: 'Sent while your socket was down' }))
    .toBeVisible({ timeout: 3_000 });
  await shot(bob, 'chat-bob-polling');

  // Let it back: live again, and every message is there exactly once.
  blocked = false;
  await expect(bob.getByTestId('connection')).toHaveText('Live: Real-time updates', { timeout: 30_000 });
  await say(alice, 'Back to live');
  await expect(messages(bob).filter({ hasText: 'Back to live' })).toBeVisible();
  const texts = await messages(bob).allInnerTexts();
  for (const text of ['Hello Bob, welcome aboard', 'This message has been deleted.',
    'Sent while your socket was down', 'Back to live']) {
    expect(texts.filter((t) => t.includes(text)), text).toHaveLength(1);
  }
  expect(texts).toHaveLength(4);
  await shot(bob, 'chat-bob-live-again');
});

test('two hundred messages are all reachable by scrolling up', async ({ browser }, testInfo) => {
  const page = await (await browser.newContext()).newPage();
  await signUpWithServer(page, 'Sam Scroller', 'Archive');
  const channelId = page.url().match(/channels\/([0-9a-f-]{36})/)[1];
  // Seeded through the same server function the composer uses, one after another, as a
  // well-behaved client does under the send limit: a 429 is retried (same nonce) after the
  // `Retry-After` it names.
  test.setTimeout(3 * 60_000);
  const { stored, waited } = await page.evaluate(async (channel) => {
    let ok = 0;
    let waits = 0;
    for (let i = 1; i <= 200; i += 1) {
      const body = new URLSearchParams({ channel_id: channel, content: `seed ${i}`, nonce: crypto.randomUUID() });
      for (let attempt = 0; attempt < 5; attempt += 1) {
        const res = await fetch('/api/send_message', {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
          body,
        });
        if (res.ok) {
          ok += 1;
          break;
        }
        if (res.status !== 429) break;
        waits += 1;
        const seconds = Number(res.headers.get('retry-after'));
        await new Promise((done) => setTimeout(done, seconds * 1000));
      }
    }
    return { stored: ok, waited: waits };
  }, channelId);
  expect(stored).toBe(200);
  expect(waited).toBeGreaterThan(0);

  await reload(page);
  await expect(messages(page).filter({ has: page.getByText('seed 200', { exact: true }) })).toBeVisible();
  expect(await messages(page).count()).toBeLessThan(200);
  const scroller = page.locator('.message-scroll');
  const start = page.getByRole('heading', { name: 'Welcome to #general!' });
  for (let i = 0; i < 30 && !(await start.isVisible()); i += 1) {
    await scroller.evaluate((el) => { el.scrollTop = 0; });
    await page.waitForTimeout(300);
  }
  await expect(start).toBeVisible();
  await expect(messages(page)).toHaveCount(200);
  const texts = await messages(page).allInnerTexts();
  const seeds = texts.map((t) => Number(t.match(/seed (\d+)/)[1]));
  expect(seeds).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
  await page.screenshot({ path: testInfo.outputPath('start-of-channel.png') });
});

test('a direct message round trip', async ({ browser }, testInfo) => {
  const alice = await (await browser.newContext()).newPage();
  const bob = await (await browser.newContext()).newPage();
  await signUpWithServer(alice, 'Alice Admin', 'Quiet Room');
  const link = await inviteLink(alice, 'Quiet Room');
  await joinAsNewAccount(bob, link, 'Bob Builder');
  await say(bob, 'Anyone here?');

  // Alice opens the conversation from Bob's name on his message.
  await reload(alice);
  await messages(alice).filter({ hasText: 'Anyone here?' }).getByRole('link', { name: 'Bob Builder' }).click();
  await expect(alice.getByRole('heading', { level: 1, name: 'Bob Builder' })).toBeVisible();
  await say(alice, 'Psst, Bob');

  // Bob opens it from the member list and answers.
  await bob.getByRole('region', { name: 'Members' }).getByRole('link', { name: /Alice Admin/ }).click();
  await expect(bob.getByRole('heading', { level: 1, name: 'Alice Admin' })).toBeVisible();
  await expect(messages(bob).filter({ hasText: 'Psst, Bob' })).toBeVisible();
  await say(bob, 'Hi, what is up?');
  await expect(messages(alice).filter({ hasText: 'Hi, what is up?' })).toBeVisible();
  await expect(messages(alice)).toHaveCount(2);

  // The emoji picker writes into the composer.
  await alice.getByRole('button', { name: 'Add emoji' }).click();
  await alice.getByRole('group', { name: 'Emoji' }).getByRole('button', { name: 'grinning face', exact: true }).click();
  await expect(alice.getByLabel('Message @Bob Builder')).toHaveValue('😀');
  await alice.getByLabel('Message @Bob Builder').press('Enter');
  await expect(messages(bob).filter({ hasText: '😀' })).toBeVisible();

  // Attachments: a file that only claims to be a PNG is refused in place; a real one arrives.
  await bob.getByRole('button', { name: 'Attach a file' }).click();
  const attach = bob.getByRole('dialog', { name: 'Add an attachment' });
  await attach.getByLabel('File').setInputFiles({ name: 'fake.png', mimeType: 'image/png', buffer: Buffer.from('not an image at all') });
  await attach.getByRole('button', { name: 'Send' }).click();
  await expect(attach.getByRole('alert')).toHaveText(/This file type is not allowed/);
  await attach.getByLabel('File').setInputFiles({ name: 'dot.png', mimeType: 'image/png', buffer: Buffer.from(PNG, 'base64') });
  await expect(attach.getByRole('img', { name: 'Preview of the chosen image' })).toBeVisible();
  await attach.getByLabel('Caption (optional)').fill('A tiny picture');
  await attach.getByRole('button', { name: 'Send' }).click();
  await expect(attach).toHaveCount(0);
  const picture = messages(alice).filter({ hasText: 'A tiny picture' });
  await expect(picture.getByRole('img', { name: 'Image attachment' })).toBeVisible();
  const src = await picture.getByRole('img', { name: 'Image attachment' }).getAttribute('src');
  expect(src).toMatch(/^\/files\/[0-9a-f]{32}\.png$/);

  await alice.screenshot({ path: testInfo.outputPath('direct-message.png') });
  await open(alice, alice.url());
  await expect(messages(alice)).toHaveCount(4);
});

// A 1×1 PNG.
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

test('channels appear live, and a channel left and reopened catches up', async ({ browser }, testInfo) => {
  const alice = await (await browser.newContext()).newPage();
  const bob = await (await browser.newContext()).newPage();
  await signUpWithServer(alice, 'Alice Admin', 'Switchyard');
  const link = await inviteLink(alice, 'Switchyard');
  await joinAsNewAccount(bob, link, 'Bob Builder');
  await expect(bob.getByTestId('connection')).toHaveText('Live: Real-time updates');
  await say(bob, 'First in general');

  // A new channel shows up in Bob's sidebar without a reload.
  await alice.getByRole('button', { name: 'Create Text channel' }).click();
  const create = alice.getByRole('dialog', { name: 'Create channel' });
  await create.getByLabel('Channel name').fill('random');
  await create.getByRole('button', { name: 'Create Channel' }).click();
  await expect(alice.getByRole('heading', { level: 1, name: 'random' })).toBeVisible();
  const random = bob.getByRole('region', { name: 'Text Channels' }).getByRole('link', { name: /random/ });
  await expect(random).toBeVisible();

  // Bob moves to #random; what Alice then says in #general is there when he comes back, once.
  await random.click();
  await expect(bob.getByRole('heading', { level: 1, name: 'random' })).toBeVisible();
  await expect(bob.getByRole('heading', { name: 'Welcome to #random!' })).toBeVisible();
  await alice.getByRole('region', { name: 'Text Channels' }).getByRole('link', { name: /general/ }).click();
  await expect(messages(alice).filter({ hasText: 'First in general' })).toBeVisible();
  await say(alice, 'Said while Bob was away');
  await expect(messages(alice).filter({ hasText: 'Said while Bob was away' }).getByRole('status')).toHaveCount(0);
  await bob.getByRole('region', { name: 'Text Channels' }).getByRole('link', { name: /general/ }).click();
  await expect(messages(bob).filter({ hasText: 'Said while Bob was away' })).toBeVisible();
  const texts = await messages(bob).allInnerTexts();
  expect(texts).toHaveLength(2);
  expect(texts[0]).toContain('First in general');
  expect(texts[1]).toContain('Said while Bob was away');
  await bob.screenshot({ path: testInfo.outputPath('back-in-general.png') });
});

test('sending faster than the limit says "Slow down", and Retry delivers', async ({ browser }, testInfo) => {
  const page = await (await browser.newContext()).newPage();
  await signUpWithServer(page, 'Quinn Quick', 'Fast Lane');
  await expect(page.getByLabel(/^Message #/)).toBeVisible();
  // A burst of 10 goes through, then 5 a second. The 30 messages are typed and sent with Enter
  // within one task of the page, so how fast the browser runs cannot keep them under the limit.
  const SENT = 30;
  await page.evaluate((sent) => {
    const composer = document.getElementById('composer');
    for (let i = 1; i <= sent; i += 1) {
      composer.value = `quick ${i}`;
      composer.dispatchEvent(new Event('input', { bubbles: true }));
      composer.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }));
    }
  }, SENT);
  const refused = messages(page).filter({ hasText: /Slow down: try again in \d+ s\./ });
  await expect(refused.first()).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('slow-down.png') });
  // After the wait, Retry sends each one, once: one click every 400 ms stays under 5 a second.
  await page.waitForTimeout(1_500);
  for (let i = 0; i < SENT && (await refused.count()) > 0; i += 1) {
    await refused.first().getByRole('button', { name: 'Retry' }).click();
    await page.waitForTimeout(400);
  }
  await expect(refused).toHaveCount(0);
  for (let i = 1; i <= SENT; i += 1) {
    await expect(messages(page).filter({ hasText: new RegExp(`quick ${i}\\b`) })).toHaveCount(1);
  }
});

test('signing out in one tab sends the other tab to sign in', async ({ browser }) => {
  const context = await browser.newContext();
  const first = await context.newPage();
  await signUpWithServer(first, 'Tabitha Tabs', 'Two Tabs');
  const second = await context.newPage();
  await open(second, first.url());
  await expect(second.getByTestId('connection')).toHaveText('Live: Real-time updates');
  const channelPath = new URL(first.url()).pathname;
  await first.getByRole('button', { name: 'Sign out' }).click();
  await expect(first).toHaveURL(/\/sign-in/);
  // The second tab's socket is closed by the server, and the tab asks to sign in again.
  await expect(second).toHaveURL(new RegExp(`/sign-in\\?next=${channelPath}$`));
  await expect(second.getByRole('heading', { name: 'Welcome back!' })).toBeVisible();
});
