// Two people in two browsers build a community: create, invite, join, promote, create a video
// channel, and kick; each sees only what their role allows.
import { expect, test } from '@playwright/test';
import {
  acceptInvite, freshEmail, menuItems, open, reload, signUp, submitSignUp,
} from './helpers.js';

const SERVER = 'Rustaceans';

test('two people build a community', async ({ browser }, testInfo) => {
  const shot = (page, name) => page.screenshot({ path: testInfo.outputPath(`${name}.png`), fullPage: true });
  const alice = await (await browser.newContext()).newPage();
  const bob = await (await browser.newContext()).newPage();

  // A signs up: with no server yet, the first-run dialog cannot be dismissed.
  await signUp(alice, 'Alice Admin', freshEmail('alice'));
  const customize = alice.getByRole('dialog', { name: 'Customize your server' });
  await expect(customize).toBeVisible();
  await expect(customize.getByRole('button', { name: 'Close' })).toHaveCount(0);
  await customize.getByLabel('Server name').fill(SERVER);
  await customize.getByRole('button', { name: 'Create' }).click();
  await expect(alice).toHaveURL(/\/servers\/[0-9a-f-]{36}\/channels\/[0-9a-f-]{36}$/);
  await expect(alice.getByRole('heading', { level: 1, name: 'general' })).toBeVisible();
  await expect(alice.getByRole('link', { name: SERVER })).toHaveClass(/active/);
  const serverId = alice.url().match(/servers\/([0-9a-f-]{36})/)[1];
  await shot(alice, 'server-view-admin');

  // The admin's menu has every item but "Leave Server" (the owner deletes instead).
  const adminItems = await menuItems(alice, SERVER);
  expect(adminItems).toEqual([
    'Mark As Read', 'Notification Settings', 'Invite People', 'Server Settings', 'Manage Members', 'Create Channel', 'Delete Server',
  ]);
  await shot(alice, 'menu-admin');
  await alice.getByRole('menuitem', { name: 'Invite People' }).click();
  const invite = alice.getByRole('dialog', { name: 'Invite friends' });
  const link = await invite.getByLabel('Invite link').inputValue();
  expect(link).toMatch(/\/invite\/[0-9a-f]{32}$/);
  await invite.getByRole('button', { name: 'Copy' }).click();
  await expect(invite.getByRole('button', { name: 'Copied' })).toBeVisible();
  await invite.getByRole('button', { name: 'Close' }).click();

  // B follows the link, signs up on the way, sees the server and joins it as a guest.
  await open(bob, link);
  await expect(bob).toHaveURL(/\/sign-in\?next=/);
  await bob.getByRole('link', { name: 'Create one' }).click();
  await submitSignUp(bob, 'Bob Builder', freshEmail('bob'));
  await expect(bob.getByRole('heading', { level: 1, name: SERVER })).toBeVisible();
  await expect(bob.getByText('1 member', { exact: true })).toBeVisible();
  await acceptInvite(bob);
  await expect(bob).toHaveURL(new RegExp(`/servers/${serverId}/channels/`));
  await expect(bob.getByRole('heading', { level: 1, name: 'general' })).toBeVisible();
  expect(await menuItems(bob, SERVER)).toEqual(['Mark As Read', 'Notification Settings', 'Leave Server']);
  await expect(bob.getByRole('button', { name: /Create .* channel/ })).toHaveCount(0);
  await shot(bob, 'menu-guest');
  await bob.keyboard.press('Escape');

  // A promotes B to moderator.
  await alice.getByRole('button', { name: SERVER }).click();
  await alice.getByRole('menuitem', { name: 'Manage Members' }).click();
  const members = alice.getByRole('dialog', { name: 'Manage members' });
  await expect(members.getByText('Bob Builder', { exact: true })).toBeVisible();
  await expect(members.getByLabel('Role of Alice Admin')).toHaveCount(0);
  await members.getByLabel('Role of Bob Builder').selectOption('MODERATOR');
  await expect(members.getByRole('img', { name: 'Moderator' })).toBeVisible();
  await shot(alice, 'members-modal');
  await members.getByRole('button', { name: 'Close' }).click();

  // B, now a moderator, creates a video channel from the section's "+".
  await reload(bob);
  expect(await menuItems(bob, SERVER)).toEqual(['Mark As Read', 'Notification Settings', 'Invite People', 'Create Channel', 'Leave Server']);
  await shot(bob, 'menu-moderator');
  await bob.getByRole('button', { name: SERVER }).click();
  await bob.getByRole('button', { name: 'Create Video channel' }).click();
  const create = bob.getByRole('dialog', { name: 'Create channel' });
  await expect(create.getByLabel('Channel type')).toHaveValue('VIDEO');
  await create.getByLabel('Channel name').fill('Stand Up');
  await create.getByRole('button', { name: 'Create Channel' }).click();
  await expect(bob.getByRole('heading', { level: 1, name: 'stand-up' })).toBeVisible();
  await expect(bob.getByRole('region', { name: 'Video Channels' }).getByText('stand-up')).toBeVisible();

  // B cannot kick A: no menu item, and the server refuses a hand-made request.
  const status = await bob.evaluate(async (server) => {
    const details = await (await fetch('/api/load_server', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `server_id=${server}`,
    })).json();
    const owner = details.members.find((m) => m.is_owner);
    const response = await fetch('/api/kick_member', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `server_id=${server}&member_id=${owner.id}`,
    });
    return response.status;
  }, serverId);
  expect(status).toBe(403);

  // Ctrl+K finds the new channel for A.
  await reload(alice);
  await alice.keyboard.press('Control+k');
  const search = alice.getByRole('dialog', { name: 'Search' });
  await search.getByLabel('Search channels and members').fill('stand');
  await search.getByLabel('Search channels and members').press('Enter');
  await expect(alice.getByRole('heading', { level: 1, name: 'stand-up' })).toBeVisible();

  // A kicks and bans B; B loses the server and cannot come back by the invite link.
  await alice.getByRole('button', { name: SERVER }).click();
  await alice.getByRole('menuitem', { name: 'Manage Members' }).click();
  await members.getByRole('button', { name: 'Kick Bob Builder' }).click();
  const confirmKick = members.getByRole('group', { name: 'Kick Bob Builder?' });
  await confirmKick.getByLabel(/Also ban Bob Builder/).check();
  await shot(alice, 'kick-and-ban');
  await confirmKick.getByRole('button', { name: 'Kick and Ban' }).click();
  await expect(members.getByRole('button', { name: 'Kick Bob Builder' })).toHaveCount(0);
  const bans = members.getByRole('region', { name: 'Banned' });
  await expect(bans.getByText('Bob Builder', { exact: true })).toBeVisible();
  await reload(bob);
  await expect(bob.getByRole('heading', { name: 'Page not found' })).toBeVisible();
  await expect(bob.getByRole('link', { name: SERVER })).toHaveCount(0);
  await shot(bob, 'kicked');
  await bob.goto(link);
  await expect(bob.getByRole('alert')).toContainText('You are banned from this server');
  await expect(bob.getByRole('button', { name: 'Join' })).toHaveCount(0);

  // A lifts the ban; B joins again by the same link.
  await bans.getByRole('button', { name: 'Lift the ban on Bob Builder' }).click();
  await expect(bans.getByText('Nobody is banned.')).toBeVisible();
  await bob.goto(link);
  await bob.getByRole('button', { name: 'Join' }).click();
  await expect(bob).toHaveURL(new RegExp(`/servers/${serverId}`));

  // A hands the server over to B, made a moderator first (a guest cannot be given it).
  await reload(alice);
  await alice.getByRole('button', { name: SERVER }).click();
  await alice.getByRole('menuitem', { name: 'Manage Members' }).click();
  await members.getByLabel('Role of Bob Builder').selectOption('MODERATOR');
  await members.getByRole('button', { name: 'Make Bob Builder the owner' }).click();
  const handOver = members.getByRole('group', { name: 'Make Bob Builder the owner?' });
  await handOver.getByRole('button', { name: 'Hand over' }).click();
  const bobRow = members.getByRole('listitem').filter({ hasText: 'Bob Builder' });
  await expect(bobRow.getByRole('img', { name: 'Owner' })).toBeVisible();
  await expect(members.getByRole('button', { name: /the owner$/ })).toHaveCount(0);

  // A, no longer the owner, leaves: Cancel first changes nothing, then "Leave Server" does.
  await reload(alice);
  await alice.getByRole('button', { name: SERVER }).click();
  await alice.getByRole('menuitem', { name: 'Leave Server' }).click();
  const leave = alice.getByRole('dialog', { name: 'Leave server' });
  await leave.getByRole('button', { name: 'Cancel' }).click();
  await expect(leave).toHaveCount(0);
  await expect(alice.getByRole('link', { name: SERVER })).toHaveCount(1);
  await alice.getByRole('button', { name: SERVER }).click();
  await alice.getByRole('menuitem', { name: 'Leave Server' }).click();
  await leave.getByRole('button', { name: 'Leave Server' }).click();
  await expect(alice.getByRole('link', { name: SERVER })).toHaveCount(0);
});
