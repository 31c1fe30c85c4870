// Shared steps for the end-to-end tests.
import { expect } from '@playwright/test';

let counter = 0;

/** A unique email for this run. */
export function freshEmail(name) {
  counter += 1;
  return `${name.toLowerCase().replace(/\s+/g, '-')}-${Date.now()}-${counter}@example.com`;
}

/** Fills and submits the sign-up form on the current page. */
export async function submitSignUp(page, name, email, password = 'correct horse battery') {
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign up' }).click();
}

/** Signs up on the current page and waits for the app shell to show the new name. */
export async function fillSignUp(page, name, email, password) {
  await submitSignUp(page, name, email, password);
  await expect(page.getByTestId('user-name')).toHaveText(name);
}

/** Signs up from the sign-up page. */
export async function signUp(page, name, email) {
  await open(page, '/sign-up');
  await fillSignUp(page, name, email);
}

/** Opens the server menu from the sidebar header and returns the labels of its items. */
export async function menuItems(page, serverName) {
  await page.getByRole('button', { name: serverName }).click();
  const menu = page.getByRole('menu', { name: 'Server menu' });
  await expect(menu).toBeVisible();
  return menu.getByRole('menuitem').allInnerTexts();
}

/** Waits until the WASM has hydrated the page, so clicks reach their handlers. */
export async function hydrated(page) {
  await page.locator('body[data-hydrated]').waitFor({ state: 'attached' });
}

/** Loads `path` and waits for hydration. */
export async function open(page, path) {
  await page.goto(path);
  await hydrated(page);
}

/** Reloads and waits for hydration. */
export async function reload(page) {
  await page.reload();
  await hydrated(page);
}

/** Signs up and creates a server from the first-run dialog; returns the server's id. */
export async function signUpWithServer(page, name, serverName) {
  await signUp(page, name, freshEmail(name));
  const customize = page.getByRole('dialog', { name: 'Customize your server' });
  await customize.getByLabel('Server name').fill(serverName);
  await customize.getByRole('button', { name: 'Create' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'general' })).toBeVisible();
  return page.url().match(/servers\/([0-9a-f-]{36})/)[1];
}

/** The server's invite link, read from the invite dialog. */
export async function inviteLink(page, serverName) {
  await page.getByRole('button', { name: serverName }).click();
  await page.getByRole('menuitem', { name: 'Invite People' }).click();
  const invite = page.getByRole('dialog', { name: 'Invite friends' });
  const link = await invite.getByLabel('Invite link').inputValue();
  await invite.getByRole('button', { name: 'Close' }).click();
  return link;
}

/** Follows an invite link, signing up on the way, and joins; ends in the server's general
 *  channel. */
export async function joinAsNewAccount(page, link, name) {
  await open(page, link);
  await page.getByRole('link', { name: 'Create one' }).click();
  await submitSignUp(page, name, freshEmail(name));
  await acceptInvite(page);
}

/** On an invite page: joins and waits for the server's general channel. */
export async function acceptInvite(page) {
  await page.getByRole('button', { name: 'Join' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'general' })).toBeVisible();
}

/** Calls a server function from `context` (a browser context, with its cookies) and returns
 *  its JSON answer; fails on an error status. `baseURL` names another server than the suite's. */
export async function api(context, name, form, baseURL = process.env.CHATTERHUB_E2E_URL) {
  const response = await context.request.post(`${baseURL}/api/${name}`, {
    form,
    headers: { origin: baseURL, referer: `${baseURL}/` },
  });
  expect(response.status(), `${name}: ${await response.text()}`).toBeLessThan(300);
  const text = await response.text();
  return text ? JSON.parse(text) : null;
}

/** A new browser context signed in as a new account made through the API (of the server at
 *  `baseURL`, the suite's by default). */
export async function signUpByApi(browser, name, baseURL = process.env.CHATTERHUB_E2E_URL) {
  const context = await browser.newContext({ baseURL });
  const form = { name, email: freshEmail(name), password: 'correct horse battery' };
  await api(context, 'sign_up', form, baseURL);
  return context;
}

/** Collects every uncaught page error and console error of `page` from now on. The browser's
 *  note that the document itself came with an error status (a not-found page's 404) is the
 *  page's status, not a problem: the tests check what the page shows. */
export function watchForProblems(page) {
  const problems = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    const aboutDocument = message.text().startsWith('Failed to load resource')
      && message.location().url === page.url();
    if (message.type() === 'error' && !aboutDocument) {
      problems.push(`console error: ${message.text()} (${message.location().url})`);
    }
  });
  return problems;
}

/** The message list of the open channel or conversation. */
export function messages(page) {
  return page.getByRole('list', { name: 'Messages' }).getByTestId('message');
}

/** Types a message into the composer and sends it with Enter. */
export async function say(page, text) {
  const composer = page.getByLabel(/^Message [#@]/);
  await composer.fill(text);
  await composer.press('Enter');
}

/** A page of `context` on the channel, live. */
export async function openChannel(context, serverId, channelId) {
  const page = await context.newPage();
  page.problems = watchForProblems(page);
  await page.goto(`/servers/${serverId}/channels/${channelId}`);
  await hydrated(page);
  await expect(page.getByTestId('connection')).toHaveText('Live: Real-time updates');
  return page;
}

/** Posts `count` messages "`prefix` 0", "`prefix` 1", … by `posters` in turn (browser
 *  contexts), waiting out the send limit (a refused send is retried with its nonce, so none is
 *  stored twice). */
export async function postMany(posters, channelId, prefix, count) {
  for (let i = 0; i < count; i += 1) {
    const context = posters[i % posters.length];
    const form = { channel_id: channelId, content: `${prefix} ${i}`, nonce: crypto.randomUUID() };
    for (let attempt = 0; ; attempt += 1) {
      const response = await context.request.post(`${process.env.CHATTERHUB_E2E_URL}/api/send_message`, {
        form,
        headers: { origin: process.env.CHATTERHUB_E2E_URL, referer: `${process.env.CHATTERHUB_E2E_URL}/` },
      });
      if (response.status() === 200) break;
      expect(response.status(), await response.text()).toBe(429);
      expect(attempt).toBeLessThan(50);
      await new Promise((done) => { setTimeout(done, 250); });
    }
  }
}
