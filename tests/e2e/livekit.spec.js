// The LiveKit path, as a contract test (no LiveKit server can be installed here): a ChatterHub
// configured with a LiveKit URL that points at a stand-in endpoint. The browser's LiveKit client
// (loaded from /vendor/) must open its signalling socket there with the token this server minted
// for the call it joined; the stand-in records the request and answers with a close, and the
// call view must say the call server could not be reached. The token is verified here on its own
// (signature, issuer, identity, room, grants, lifetime).
import { createHash, createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import { expect, test } from '@playwright/test';
import { startChatterhub } from '../chatterhub.mjs';
import { api, hydrated, signUpByApi, watchForProblems } from './helpers.js';

const KEY = 'devkey';
const SECRET = 'secret';
const WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** A stand-in LiveKit server on a loopback port: records every request's URL; a signalling
 *  socket is accepted and closed at once (1008, "contract test"), anything else is refused. */
async function standIn() {
  const requests = [];
  const server = createServer((req, res) => {
    requests.push(new URL(req.url, 'http://stand-in'));
    res.writeHead(401, { 'access-control-allow-origin': '*' });
    res.end('contract test');
  });
  server.on('upgrade', (req, socket) => {
    requests.push(new URL(req.url, 'http://stand-in'));
    const accept = createHash('sha1')
      .update(req.headers['sec-websocket-key'] + WEBSOCKET_GUID)
      .digest('base64');
    socket.write(
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n'
        + `Sec-WebSocket-Accept: ${accept}\r\n\r\n`,
    );
    const payload = Buffer.concat([Buffer.from([0x03, 0xf0]), Buffer.from('contract test')]);
    socket.end(Buffer.concat([Buffer.from([0x88, payload.length]), payload]));
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  return { url: `ws://127.0.0.1:${server.address().port}`, requests, close: () => server.close() };
}

/** The claims of a JWT signed with HS256 by `secret`; fails if the signature is not that. */
function verified(token) {
  const [header, payload, signature] = token.split('.');
  expect(JSON.parse(Buffer.from(header, 'base64url'))).toMatchObject({ alg: 'HS256' });
  const expected = createHmac('sha256', SECRET).update(`${header}.${payload}`).digest('base64url');
  expect(signature, 'signed with the configured secret').toBe(expected);
  return JSON.parse(Buffer.from(payload, 'base64url'));
}

test('the LiveKit client connects to the configured server with the token this server minted', async ({ browser }) => {
  const livekit = await standIn();
  const chatterhub = await startChatterhub([
    '--livekit-url',
    livekit.url,
    '--livekit-api-key',
    KEY,
    '--livekit-api-secret',
    SECRET,
  ]);
  try {
    const context = await signUpByApi(browser, 'Liv Kit', chatterhub.url);
    const me = await api(context, 'me', {}, chatterhub.url);
    const server = await api(context, 'create_server', { name: 'Kit Club' }, chatterhub.url);
    const lounge = await api(
      context,
      'create_channel',
      { server_id: server.id, name: 'Lounge', kind: 'AUDIO' },
      chatterhub.url,
    );
    const page = await context.newPage();
    const problems = watchForProblems(page);
    await page.goto(`/servers/${server.id}/channels/${lounge.id}`);
    await hydrated(page);
    const call = page.getByRole('region', { name: 'Call in Lounge' });
    await call.getByRole('button', { name: 'Join call' }).click();

    await expect(call.getByText('Could not reach the call server: check your network.')).toBeVisible({
      timeout: 30_000,
    });
    const signalling = livekit.requests.filter((url) => /\/rtc(\/v1)?$/.test(url.pathname));
    expect(signalling.length, 'the client opened its signalling socket').toBeGreaterThan(0);
    const claims = verified(signalling[0].searchParams.get('access_token'));
    expect(claims.iss).toBe(KEY);
    expect(claims.sub).toBe(me.id);
    expect(claims.name).toBe('Liv Kit');
    expect(claims.video).toMatchObject({
      room: lounge.id,
      roomJoin: true,
      canSubscribe: true,
      canPublish: true,
      canPublishSources: ['microphone'],
    });
    expect(claims.exp - Date.now() / 1000).toBeLessThanOrEqual(600);
    // Having failed, the person is out of the call (nobody is left listed in it).
    await expect(page.getByRole('list', { name: 'In Lounge' })).toHaveCount(0);
    await expect(call.getByRole('button', { name: 'Join call' })).toBeVisible();
    expect(problems).toEqual([]);
    await context.close();
  } finally {
    await chatterhub.stop();
    livekit.close();
  }
});
