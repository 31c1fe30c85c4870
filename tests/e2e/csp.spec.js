// The app runs under its Content-Security-Policy: every page loads, hydrates and works (live
// socket, server functions, dialogs) without a single violation, and the policy is enforced — a
// script without the page's nonce does not run.
import { expect, test } from '@playwright/test';
import { api, hydrated, messages, say, signUpByApi, watchForProblems } from './helpers.js';

/** Records every CSP violation the page reports, from before its first script runs. */
async function recordViolations(page) {
  await page.addInitScript(() => {
    window.cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
}

async function loadUnderPolicy(page, path) {
  const response = await page.goto(path);
  const policy = response.headers()['content-security-policy'];
  expect(policy, path).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9_-]+' 'wasm-unsafe-eval'/);
  expect(policy, path).toContain("frame-ancestors 'none'");
  await hydrated(page);
}

test('every page works under the policy without a violation', async ({ browser }, testInfo) => {
  const anonymous = await (await browser.newContext()).newPage();
  await recordViolations(anonymous);
  const anonymousProblems = watchForProblems(anonymous);
  await loadUnderPolicy(anonymous, '/sign-in');
  await loadUnderPolicy(anonymous, '/sign-up');
  expect(await anonymous.evaluate(() => window.cspViolations)).toEqual([]);
  expect(anonymousProblems).toEqual([]);

  const context = await signUpByApi(browser, 'Cora Policy');
  const server = await api(context, 'create_server', { name: 'Policed' });
  const details = await api(context, 'load_server', { server_id: server.id });
  const general = details.channels[0].id;
  const page = await context.newPage();
  await recordViolations(page);
  const problems = watchForProblems(page);
  for (const path of [
    '/',
    `/servers/${server.id}`,
    `/servers/${server.id}/channels/${general}`,
    `/invite/${details.invite_code}`,
    '/no/such/page',
  ]) {
    await test.step(path, async () => {
      await loadUnderPolicy(page, path);
      expect(await page.evaluate(() => window.cspViolations)).toEqual([]);
    });
  }
  // Working, not only loading: the live socket, a send, a dialog.
  await loadUnderPolicy(page, `/servers/${server.id}/channels/${general}`);
  await expect(page.getByTestId('connection')).toHaveText('Live: Real-time updates');
  await say(page, 'hello under the policy');
  await expect(messages(page).filter({ hasText: 'hello under the policy' })).toHaveCount(1);
  await page.getByRole('button', { name: 'Policed' }).click();
  await page.getByRole('menuitem', { name: 'Invite People' }).click();
  await expect(page.getByRole('dialog', { name: 'Invite friends' })).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('under-policy.png') });
  expect(await page.evaluate(() => window.cspViolations)).toEqual([]);
  expect(problems).toEqual([]);

  // Enforced: an inline script without the nonce is refused.
  await page.evaluate(() => {
    const script = document.createElement('script');
    script.textContent = 'window.injected = true;';
    document.body.append(script);
  });
  expect(await page.evaluate(() => window.injected)).toBeUndefined();
  expect(await page.evaluate(() => window.cspViolations)).toEqual([
    expect.stringMatching(/^script-src-elem inline$/),
  ]);
});
