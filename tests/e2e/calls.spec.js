// Calls on the peer-to-peer path, in real Chromium with its fake camera and microphone: who is
// in a call shows in every member's sidebar (live and after a reload); people in a voice channel
// hear each other (the receivers' statistics show audio arriving from every other person); in a
// video channel the camera plays in the other browser; mute and leave show everywhere.
import { expect, test } from '@playwright/test';
import { api, hydrated, messages, say, signUpByApi, watchForProblems } from './helpers.js';

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
        if (event.type === 'CallRefused') reject(new Error(event.data.message));
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

/** A signed-in browser whose RTCPeerConnections can be read by the test (the app's own are not
 *  reachable from the page otherwise). */
async function caller(browser, name) {
  const context = await signUpByApi(browser, name);
  await context.addInitScript(() => {
    const Native = window.RTCPeerConnection;
    window.peerConnections = [];
    window.RTCPeerConnection = function RTCPeerConnection(...args) {
      const connection = new Native(...args);
      window.peerConnections.push(connection);
      return connection;
    };
    window.RTCPeerConnection.prototype = Native.prototype;
    // Every camera and microphone track the app opens, to check it releases them.
    window.capturedTracks = [];
    const ask = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
    navigator.mediaDevices.getUserMedia = async (constraints) => {
      const stream = await ask(constraints);
      window.capturedTracks.push(...stream.getTracks());
      return stream;
    };
  });
  return context;
}

/** How many of the microphone and camera tracks `page` opened are still capturing. */
function capturing(page, kind) {
  return page.evaluate((kind) => window.capturedTracks
    .filter((t) => t.kind === kind && t.readyState === 'live').length, kind);
}

/** Bytes of `kind` received so far on each open link of `page`, one number per link. */
function received(page, kind) {
  return page.evaluate(async (kind) => {
    const open = window.peerConnections.filter((c) => c.connectionState !== 'closed');
    return Promise.all(open.map(async (connection) => {
      let bytes = 0;
      (await connection.getStats()).forEach((s) => {
        if (s.type === 'inbound-rtp' && s.kind === kind) bytes += s.bytesReceived;
      });
      return bytes;
    }));
  }, kind);
}

/** Every one of `count` links of `page` receives `kind`, and keeps receiving it. */
async function flowing(page, kind, count) {
  let before = [];
  await expect.poll(async () => {
    before = await received(page, kind);
    return before.filter((b) => b > 0).length;
  }, { timeout: 20_000 }).toBe(count);
  await expect.poll(async () => {
    const after = await received(page, kind);
    return after.filter((b, i) => b > (before[i] ?? 0)).length;
  }, { timeout: 10_000 }).toBe(count);
}

/** Resolves once the tile `name` in `page`'s call is marked speaking (the fake microphone beeps:
 *  the mark follows the measured audio level, so it comes and goes). */
async function speaks(page, name) {
  await call(page).getByRole('listitem', { name }).waitFor();
  await page.evaluate((name) => new Promise((resolve, reject) => {
    const tile = [...document.querySelectorAll('li.call-tile')]
      .find((t) => t.getAttribute('aria-label') === name);
    if (tile.dataset.speaking === 'true') return resolve();
    const watch = new MutationObserver(() => {
      if (tile.dataset.speaking === 'true') {
        watch.disconnect();
        resolve();
      }
    });
    watch.observe(tile, { attributes: true, attributeFilter: ['data-speaking'] });
    setTimeout(() => reject(new Error(`${name} never showed as speaking`)), 15_000);
  }), name);
}

/** Sets up a server with an owner and `names.length` members, all signed in. */
async function club(browser, names, kind) {
  const people = [];
  for (const name of names) people.push(await caller(browser, name));
  const [owner, ...members] = people;
  const server = await api(owner, 'create_server', { name: 'Call Club' });
  const channel = await api(owner, 'create_channel', { server_id: server.id, name: 'Room', kind });
  const { invite_code: code } = await api(owner, 'load_server', { server_id: server.id });
  for (const member of members) await api(member, 'join_server', { code });
  const pages = [];
  for (const person of people) {
    const page = await person.newPage();
    page.problems = watchForProblems(page);
    await page.goto(`/servers/${server.id}/channels/${channel.id}`);
    await hydrated(page);
    await expect(page.getByTestId('connection')).toHaveText('Live: Real-time updates');
    pages.push(page);
  }
  return pages;
}

function call(page, name = 'Room') {
  return page.getByRole('region', { name: `Call in ${name}` });
}

/** Closes the browsers of a test: their calls would otherwise keep sending media while the
 *  rest of the suite runs. */
async function hangUp(pages) {
  for (const page of pages) await page.context().close();
}

test('three people in a voice channel hear each other; mute and leave show everywhere', async ({ browser }) => {
  const names = ['Ada Audio', 'Ben Bass', 'Cleo Chord'];
  const pages = await club(browser, names, 'AUDIO');
  for (const page of pages) {
    await call(page).getByRole('button', { name: 'Join call' }).click();
    await expect(call(page).getByRole('button', { name: 'Leave call' })).toBeVisible();
  }
  for (const [i, page] of pages.entries()) {
    for (const [j, name] of names.entries()) {
      if (i !== j) {
        const tile = call(page).getByRole('listitem', { name });
        await expect(tile).toBeVisible();
        await expect(tile.getByText('Connected', { exact: true })).toBeVisible({ timeout: 20_000 });
      }
    }
    // An audio channel offers no camera.
    await expect(call(page).getByRole('button', { name: 'Turn camera on' })).toHaveCount(0);
    await flowing(page, 'audio', 2);
    await expect(page.getByRole('list', { name: 'In Room' }).getByText(names[1])).toBeVisible();
  }
  // Who speaks is marked, from the sound itself: the others' as received, one's own as sent.
  await speaks(pages[0], 'Ben Bass');
  await speaks(pages[0], 'You');

  const [ada, ben, cleo] = pages;
  expect(await capturing(ben, 'audio')).toBe(1);
  await call(ben).getByRole('button', { name: 'Mute' }).click();
  await expect(call(ben).getByRole('button', { name: 'Unmute' })).toBeVisible();
  // Muting releases the microphone (the browser's recording mark goes out).
  await expect.poll(() => capturing(ben, 'audio')).toBe(0);
  await expect(call(ada).getByRole('listitem', { name: 'Ben Bass' }).getByRole('img', { name: 'Muted' }))
    .toBeVisible();
  const inRoom = ada.getByRole('list', { name: 'In Room' });
  await expect(inRoom.getByRole('img', { name: 'Muted' })).toHaveCount(1);

  await call(cleo).getByRole('button', { name: 'Leave call' }).click();
  await expect(call(cleo).getByRole('button', { name: 'Join call' })).toBeVisible();
  await expect.poll(() => capturing(cleo, 'audio'), { message: 'leaving releases the microphone' }).toBe(0);
  await expect(call(ada).getByRole('listitem', { name: 'Cleo Chord' })).toHaveCount(0);
  await expect(call(ben).getByRole('listitem', { name: 'Cleo Chord' })).toHaveCount(0);
  await expect(inRoom.getByText('Cleo Chord')).toHaveCount(0);
  for (const page of pages) expect(page.problems).toEqual([]);
  await hangUp(pages);
});

test('a refused microphone is explained, and the person is in the call muted, hearing the others', async ({ browser }) => {
  const [rae, sol] = await club(browser, ['Rae Refused', 'Sol Sound'], 'AUDIO');
  await rae.context().addInitScript(() => {
    const ask = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
    navigator.mediaDevices.getUserMedia = (constraints) => (constraints.audio
      ? Promise.reject(new DOMException('Permission denied', 'NotAllowedError'))
      : ask(constraints));
  });
  await rae.reload();
  await hydrated(rae);
  await call(sol).getByRole('button', { name: 'Join call' }).click();
  await call(rae).getByRole('button', { name: 'Join call' }).click();
  const refused = 'The browser refused the microphone: allow it for this site (the icon by the address) and try again.';
  await expect(call(rae).getByRole('alert')).toHaveText(refused);
  await expect(call(rae).getByRole('listitem', { name: 'You' }).getByRole('img', { name: 'Muted' })).toBeVisible();
  await expect(call(sol).getByRole('listitem', { name: 'Rae Refused' }).getByRole('img', { name: 'Muted' }))
    .toBeVisible();
  await flowing(rae, 'audio', 1);
  // Asking again is refused again, and said again.
  await call(rae).getByRole('button', { name: 'Unmute' }).click();
  await expect(call(rae).getByRole('alert')).toHaveText(refused);
  await expect(call(rae).getByRole('button', { name: 'Unmute' })).toBeVisible();
  for (const page of [rae, sol]) expect(page.problems).toEqual([]);
  await hangUp([rae, sol]);
});

test('in a video channel the camera of one plays in the other browser', async ({ browser }) => {
  const pages = await club(browser, ['Vic Video', 'Wes Watcher'], 'VIDEO');
  const [vic, wes] = pages;
  for (const page of pages) {
    await call(page).getByRole('button', { name: 'Join call' }).click();
  }
  await expect(call(wes).getByRole('listitem', { name: 'Vic Video' }).getByText('Connected', { exact: true }))
    .toBeVisible({ timeout: 20_000 });
  await call(vic).getByRole('button', { name: 'Turn camera on' }).click();
  await expect(call(vic).getByRole('button', { name: 'Turn camera off' })).toBeVisible();
  const remote = call(wes).getByRole('listitem', { name: 'Vic Video' }).locator('video');
  await expect.poll(() => remote.evaluate((v) => v.videoWidth), { timeout: 20_000 }).toBeGreaterThan(0);
  await flowing(wes, 'video', 1);
  // Wes's own tile shows nothing until his camera is on.
  await expect(call(wes).getByRole('listitem', { name: 'You' }).locator('video')).toHaveCount(0);

  await call(vic).getByRole('button', { name: 'Turn camera off' }).click();
  await expect(call(wes).getByRole('listitem', { name: 'Vic Video' }).locator('video')).toHaveCount(0);
  for (const page of pages) expect(page.problems).toEqual([]);
  await hangUp(pages);
});

test('a direct call rings on any page, can be declined, and once accepted carries video beside the chat; the conversation keeps a line for each', async ({ browser }) => {
  const mia = await caller(browser, 'Mia Direct');
  const noah = await caller(browser, 'Noah Direct');
  const server = await api(mia, 'create_server', { name: 'Direct Club' });
  const { invite_code: code } = await api(mia, 'load_server', { server_id: server.id });
  await api(noah, 'join_server', { code });
  const { members } = await api(mia, 'load_server', { server_id: server.id });
  const noahMember = members.find((m) => m.name === 'Noah Direct').id;
  const miaPage = await mia.newPage();
  const noahPage = await noah.newPage();
  const pages = [miaPage, noahPage];
  for (const page of pages) page.problems = watchForProblems(page);
  await miaPage.goto(`/servers/${server.id}/conversations/${noahMember}`);
  await noahPage.goto(`/servers/${server.id}`);
  for (const page of pages) {
    await hydrated(page);
    await expect(page.getByTestId('connection')).toHaveText('Live: Real-time updates');
  }
  const miaCall = call(miaPage, 'Noah Direct');
  const ringing = noahPage.getByRole('alertdialog', { name: 'Incoming call' });

  // Declined: the caller is told.
  await miaCall.getByRole('button', { name: 'Start a video call' }).click();
  await expect(miaCall.getByRole('status')).toHaveText('Calling…');
  await expect(ringing).toContainText('Mia Direct is calling you');
  await ringing.getByRole('button', { name: 'Mute ringtone' }).click();
  await expect(ringing.getByRole('button', { name: 'Unmute ringtone' })).toBeVisible();
  await ringing.getByRole('button', { name: 'Decline' }).click();
  await expect(ringing).toHaveCount(0);
  await expect(miaCall.getByRole('status')).toHaveText('The call was declined.');
  await expect(messages(miaPage).filter({ hasText: 'Missed video call' })).toHaveCount(1);

  // Accepted from another page: the conversation opens and the call connects.
  await miaCall.getByRole('button', { name: 'Start a video call' }).click();
  await ringing.getByRole('button', { name: 'Accept' }).click();
  await expect(noahPage).toHaveURL(/\/conversations\//);
  const noahCall = call(noahPage, 'Mia Direct');
  await expect(noahCall.getByRole('listitem', { name: 'Mia Direct' }).getByText('Connected', { exact: true }))
    .toBeVisible({ timeout: 20_000 });
  await expect(miaCall.getByRole('listitem', { name: 'Noah Direct' }).getByText('Connected', { exact: true }))
    .toBeVisible({ timeout: 20_000 });
  await miaCall.getByRole('button', { name: 'Turn camera on' }).click();
  const remote = noahCall.getByRole('listitem', { name: 'Mia Direct' }).locator('video');
  await expect.poll(() => remote.evaluate((v) => v.videoWidth), { timeout: 20_000 }).toBeGreaterThan(0);
  await flowing(noahPage, 'audio', 1);

  // The conversation stays usable during the call.
  await say(noahPage, 'Can you hear me?');
  await expect(messages(miaPage).filter({ hasText: 'Can you hear me?' })).toHaveCount(1);

  // Hung up: the other side is alone again; when both are out, the call's length is written.
  await noahCall.getByRole('button', { name: 'Leave call' }).click();
  await expect(miaCall.getByRole('listitem', { name: 'Noah Direct' })).toHaveCount(0);
  await expect(miaCall.getByRole('status')).toHaveText('Connected: waiting for others to join');
  await miaCall.getByRole('button', { name: 'Leave call' }).click();
  for (const page of pages) {
    await expect(messages(page).filter({ hasText: 'Call — under a minute' })).toHaveCount(1);
    await expect(messages(page).filter({ hasText: 'Missed video call' })).toHaveCount(1);
  }
  for (const page of pages) expect(page.problems).toEqual([]);
  await hangUp(pages);
});
