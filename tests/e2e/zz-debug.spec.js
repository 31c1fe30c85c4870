import { test } from '@playwright/test';
import { signUp, freshEmail } from './helpers.js';
test('debug', async ({ page }) => {
  page.on('console', (m) => console.log('CONSOLE', m.type(), m.text().slice(0, 1500)));
  page.on('pageerror', (e) => console.log('PAGEERROR', e.message.slice(0, 1500)));
  await signUp(page, 'Dee Bug', freshEmail('dee'));
  await page.getByLabel('Server name').fill('Dbg');
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  await page.waitForURL(/channels/);
  console.log('URL', page.url());
  await page.reload();
  await page.waitForTimeout(3000);
  console.log('HYDRATED', await page.locator('body[data-hydrated]').count());
});
