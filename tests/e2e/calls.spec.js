// Who is in a voice channel's call shows in every member's sidebar, live and after a reload.
// The call view is not built yet: the second person joins over the live socket directly, with
// the same command the call view will send.
import { expect, test } from '@playwright/test';
import { api, hydrated, signUpByApi, watchForProblems } from './helpers.js';

/** Opens a second live socket in `page` and joins the channel's call on it, muted. */
async function joinOverSocket(page, channelId) {
  await page.evaluate(async (id) => {
    const socket = new WebSocket(`${location.origin.replace(/^http/, 'ws')}/ws`);
    await new Promise((resolve, reject) => {
      socket.onopen = resolve;
      socket.onerror = reject;
    });
    const entered = new Promise((resolve, reject) => {
      socket.onmessage = (e) => {
        const event = JSON.parse(e.data);
        if (event.type === 'CallEntered') resolve();
        if (event.type === 'Error') reject(new Error(event.data.message));
      };
    });
    socket.send(JSON.stringify({
      type: 'JoinCall',
      data: { room: { kind: 'Channel', id }, media: { microphone: false, camera: false, screen: false } },
    }));
    await entered;
    window.callSocket = socket;
  }, channelId);
}

test('the sidebar shows who is in a voice channel, live and after a reload', async ({ browser }) => {
  const owner = await signUpByApi(browser, 'Vera Voice');
  const server = await api(owner, 'create_server', { name: 'Voice Club' });
  const lounge = await api(owner, 'create_channel', { server_id: server.id, name: 'Lounge', kind: 'AUDIO' });
  const { invite_code: code } = await api(owner, 'load_server', { server_id: server.id });
  const guest = await signUpByApi(browser, 'Gil Guest');
  await api(guest, 'join_server', { code });

  const page = await owner.newPage();
  const problems = watchForProblems(page);
  await page.goto(`/servers/${server.id}`);
  await hydrated(page);
  await expect(page.getByTestId('connection')).toHaveText('Live: Real-time updates');
  const inLounge = page.getByRole('list', { name: 'In Lounge' });
  await expect(inLounge).toHaveCount(0);

  const guestPage = await guest.newPage();
  await guestPage.goto(`/servers/${server.id}`);
  await hydrated(guestPage);
  await joinOverSocket(guestPage, lounge.id);
  await expect(inLounge.getByText('Gil Guest')).toBeVisible();
  await expect(inLounge.getByRole('img', { name: 'Muted' })).toBeVisible();

  // A full page load shows the call as it is.
  await page.reload();
  await hydrated(page);
  await expect(inLounge.getByText('Gil Guest')).toBeVisible();

  await guestPage.evaluate((id) => {
    window.callSocket.send(JSON.stringify({ type: 'LeaveCall', data: { room: { kind: 'Channel', id } } }));
  }, lounge.id);
  await expect(inLounge).toHaveCount(0);
  expect(problems).toEqual([]);
});
