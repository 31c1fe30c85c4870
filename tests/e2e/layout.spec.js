// The theme is remembered across reloads, and on a phone-sized screen the sidebars slide in as
// a sheet from a header toggle.
import { expect, test } from '@playwright/test';
import { reload, signUpWithServer } from './helpers.js';

test('the theme choice is applied and remembered', async ({ browser }) => {
  const page = await (await browser.newContext()).newPage();
  await signUpWithServer(page, 'Theo Theme', 'Palette');
  const html = page.locator('html');
  await expect(html).toHaveAttribute('data-theme', 'dark');
  await page.getByLabel('Theme').selectOption('light');
  await expect(html).toHaveAttribute('data-theme', 'light');
  await reload(page);
  await expect(html).toHaveAttribute('data-theme', 'light');
  await expect(page.getByLabel('Theme')).toHaveValue('light');
  await page.getByLabel('Theme').selectOption('dark');
  await expect(html).toHaveAttribute('data-theme', 'dark');
});

test('on a narrow screen the navigation is a sliding sheet', async ({ browser }, testInfo) => {
  const page = await (await browser.newContext({ viewport: { width: 390, height: 800 } })).newPage();
  await signUpWithServer(page, 'Mo Bile', 'Pocket');
  const sidebar = page.getByRole('complementary');
  await expect(sidebar).not.toBeInViewport();
  await expect(page.getByLabel('Message #general')).toBeInViewport();
  await page.getByRole('button', { name: 'Open navigation' }).click();
  // Slid fully in, beside the server rail.
  await expect.poll(async () => (await sidebar.boundingBox()).x).toBe(72);
  await expect(page.getByRole('navigation', { name: 'Servers' })).toBeInViewport({ ratio: 1 });
  await page.screenshot({ path: testInfo.outputPath('mobile-sheet-open.png') });
  // A tap on the dimmed page beside the sheet closes it.
  await page.getByRole('button', { name: 'Close navigation' }).click({ position: { x: 370, y: 400 } });
  await expect(sidebar).not.toBeInViewport();
  await expect(page.getByRole('button', { name: 'Close navigation' })).toHaveCount(0);
  await page.screenshot({ path: testInfo.outputPath('mobile-chat.png') });
});
