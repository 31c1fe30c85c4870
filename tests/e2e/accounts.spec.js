// A person signs up, sees their name in the app shell, signs out and signs in again, in a real
// Chromium against the release build.
import { expect, test } from '@playwright/test';

test('sign up, see the shell, sign out, sign in again', async ({ page }, testInfo) => {
  const email = `ada-${Date.now()}@example.com`;
  const password = 'analytical engine';

  await page.goto('/');
  await expect(page).toHaveURL(/\/sign-in\?next=\//);
  await page.getByRole('link', { name: 'Create one' }).click();
  await expect(page).toHaveURL(/\/sign-up/);

  await page.getByLabel('Name').fill('Ada Lovelace');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign up' }).click();

  await expect(page.getByTestId('user-name')).toHaveText('Ada Lovelace');
  await expect(page.getByRole('heading', { name: 'Welcome, Ada Lovelace!' })).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('shell.png'), fullPage: true });

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  await page.goto('/');
  await expect(page).toHaveURL(/\/sign-in/);

  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('wrong password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText('Wrong email or password.');

  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('user-name')).toHaveText('Ada Lovelace');
});
