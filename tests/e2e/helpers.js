// Shared steps for the end-to-end tests.
import { expect } from '@playwright/test';

let counter = 0;

/** A unique email for this run. */
export function freshEmail(name) {
  counter += 1;
  return `${name.toLowerCase().replace(/\s+/g, '-')}-${Date.now()}-${counter}@example.com`;
}

/** Fills and submits the sign-up form on the current page. */
export async function fillSignUp(page, name, email, password = 'correct horse battery') {
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign up' }).click();
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
