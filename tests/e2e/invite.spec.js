// Following an invite link while signed in (a full page load of /invite/{code}) shows the server
// and joins it on "Join", every time; and a crash in the browser never leaves a blank page.
import { expect, test } from '@playwright/test';
import { acceptInvite, api, hydrated, signUpByApi, watchForProblems } from './helpers.js';

test('a signed-in person opens an invite link and joins, 20 times over', async ({ browser }, testInfo) => {
  test.setTimeout(5 * 60_000);
  const owner = await signUpByApi(browser, 'Ivy Inviter');
  const server = await api(owner, 'create_server', { name: 'Open Doors' });
  const { invite_code: code } = await api(owner, 'load_server', { server_id: server.id });
  for (let i = 1; i <= 20; i += 1) {
    const name = `Guest ${i}`;
    const context = await signUpByApi(browser, name);
    const page = await context.newPage();
    const problems = watchForProblems(page);
    await test.step(`guest ${i}`, async () => {
      // Signed in with the app open, then the link, as someone pasting it would.
      await page.goto('/');
      await expect(page.getByRole('dialog', { name: 'Customize your server' })).toBeVisible();
      await page.goto(`/invite/${code}`);
      await expect(page.getByRole('heading', { level: 1, name: 'Open Doors' })).toBeVisible();
      await expect(page.getByText(`${i} member${i === 1 ? '' : 's'}`, { exact: true })).toBeVisible();
      await hydrated(page);
      if (i === 1) await page.screenshot({ path: testInfo.outputPath('invite-card.png') });
      await acceptInvite(page);
      await expect(page).toHaveURL(new RegExp(`/servers/${server.id}/channels/`));
      await expect(page.getByTestId('user-name')).toHaveText(name);
      // The link again: a member goes straight in.
      await page.goto(`/invite/${code}`);
      await expect(page).toHaveURL(new RegExp(`/servers/${server.id}/channels/`));
      await expect(page.getByRole('heading', { level: 1, name: 'general' })).toBeVisible();
      expect(problems).toEqual([]);
    });
    await context.close();
  }
});

test('a crash shows "Something went wrong" with a way to reload, and is reported', async ({ page }, testInfo) => {
  // The served sign-in page loses its email label: hydration meets a node the app did not render.
  await page.route('**/sign-in', async (route) => {
    const response = await route.fetch();
    const served = await response.text();
    // (Type-erased components leave a `<!>` marker after the text.)
    const html = served.replace(/<label for="email">Email(<!>)?<\/label>/, 'Email');
    expect(html).not.toEqual(served);
    // The page came compressed; the edited body goes back as plain text.
    const headers = { ...response.headers() };
    delete headers['content-encoding'];
    delete headers['content-length'];
    await route.fulfill({ status: response.status(), headers, body: html });
  });
  const report = page.waitForRequest((r) => r.url().endsWith('/api/report_crash'));
  await page.goto('/sign-in');
  const notice = page.getByRole('alertdialog', { name: 'Something went wrong' });
  await expect(notice).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('crash-notice.png') });
  const sent = await report;
  expect(sent.postData()).toMatch(/^page=%2Fsign-in&message=.+/);
  expect((await sent.response()).status()).toBe(200);

  await page.unroute('**/sign-in');
  await notice.getByRole('link', { name: 'Reload' }).click();
  await hydrated(page);
  await expect(page.getByRole('heading', { name: 'Welcome back!' })).toBeVisible();
  await expect(notice).toHaveCount(0);
});
