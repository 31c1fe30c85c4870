// Every kind of page renders and hydrates every time: each is loaded 20 times by a full page load
// in a fresh browser context, and reached again by in-app navigation. Any uncaught page error,
// any console error, a crash notice or an empty <main> fails the sweep.
import { expect, test } from '@playwright/test';
import { api, signUpByApi, watchForProblems } from './helpers.js';

const LOADS = 20;
const AT_ONCE = 4;

/** Alice owns a server with text, voice and video channels; Bob is a member; Carol has no
 *  server yet; Dave is in none of Alice's. Made through the API, once for the whole sweep. */
async function community(browser) {
  const [alice, bob, carol, dave] = await Promise.all(
    ['Alice Sweep', 'Bob Sweep', 'Carol Sweep', 'Dave Sweep'].map((name) => signUpByApi(browser, name)),
  );
  const server = await api(alice, 'create_server', { name: 'Sweep' });
  const voice = await api(alice, 'create_channel', { server_id: server.id, name: 'lounge', kind: 'AUDIO' });
  const video = await api(alice, 'create_channel', { server_id: server.id, name: 'studio', kind: 'VIDEO' });
  const details = await api(alice, 'load_server', { server_id: server.id });
  await api(bob, 'join_server', { code: details.invite_code });
  const members = (await api(alice, 'load_server', { server_id: server.id })).members;
  const bobMember = members.find((m) => m.name === 'Bob Sweep');
  const general = details.channels.find((c) => c.name === 'general');
  const states = {};
  for (const [name, context] of Object.entries({ alice, bob, carol, dave })) {
    states[name] = await context.storageState();
    await context.close();
  }
  return {
    states,
    server: server.id,
    channel: (id) => `/servers/${server.id}/channels/${id}`,
    general: general.id,
    voice: voice.id,
    video: video.id,
    bobMember: bobMember.id,
    invite: `/invite/${details.invite_code}`,
  };
}

/** The kinds of page: who loads it, where, and what shows that it rendered. */
function pageKinds(c) {
  const heading = (name) => (page) => page.getByRole('heading', { level: 1, name, exact: true });
  return [
    { kind: 'sign-in', as: null, path: '/sign-in', shows: heading('Welcome back!') },
    { kind: 'sign-up', as: null, path: '/sign-up', shows: heading('Create an account') },
    { kind: 'invite, signed out', as: null, path: c.invite, shows: heading('Welcome back!') },
    { kind: 'home', as: 'alice', path: '/', shows: heading('general') },
    { kind: 'first run', as: 'carol', path: '/', shows: (p) => p.getByRole('dialog', { name: 'Customize your server' }) },
    { kind: 'server', as: 'bob', path: `/servers/${c.server}`, shows: heading('general') },
    { kind: 'text channel', as: 'bob', path: c.channel(c.general), shows: (p) => p.getByLabel('Message #general') },
    { kind: 'voice channel', as: 'alice', path: c.channel(c.voice), shows: heading('lounge') },
    { kind: 'video channel', as: 'bob', path: c.channel(c.video), shows: heading('studio') },
    {
      kind: 'direct conversation',
      as: 'alice',
      path: `/servers/${c.server}/conversations/${c.bobMember}`,
      shows: (p) => p.getByLabel('Message @Bob Sweep'),
    },
    { kind: 'direct messages inbox', as: 'bob', path: '/direct', shows: heading('Direct Messages') },
    { kind: 'inbox, signed out', as: null, path: '/direct', shows: heading('Welcome back!') },
    { kind: 'invite, signed in', as: 'dave', path: c.invite, shows: (p) => p.getByRole('button', { name: 'Join' }) },
    { kind: 'invite, already a member', as: 'bob', path: c.invite, shows: heading('general') },
    { kind: 'invite, not valid', as: 'dave', path: '/invite/nothing-here', shows: heading('This invite is not valid') },
    { kind: 'not found', as: 'bob', path: '/no/such/page', shows: heading('Page not found') },
    {
      kind: 'server of others',
      as: 'dave',
      path: c.channel(c.general),
      shows: heading('Page not found'),
    },
  ];
}

/** Fails unless the page shows `shows`, hydrated, with a non-empty <main> and no problems. */
async function expectSound(page, shows, problems) {
  await expect(shows(page)).toBeVisible();
  await page.locator('body[data-hydrated]').waitFor({ state: 'attached', timeout: 30_000 });
  await expect(page.locator('#crash-notice')).toHaveCount(0);
  const main = (await page.locator('main').allInnerTexts()).join('').trim();
  expect(main, 'the page has main content').not.toBe('');
  expect(problems).toEqual([]);
}

test.describe('every page, every time', () => {
  let c;
  test.beforeAll(async ({ browser }) => {
    c = await community(browser);
  });

  test('each kind of page survives 20 full page loads in fresh browsers', async ({ browser }) => {
    test.setTimeout(15 * 60_000);
    const load = async ({ kind, as, path, shows }, i) => {
      const context = await browser.newContext(as ? { storageState: c.states[as] } : {});
      const page = await context.newPage();
      const problems = watchForProblems(page);
      const failedRequests = [];
      page.on('requestfailed', (r) => failedRequests.push(`${r.url()}: ${r.failure()?.errorText}`));
      await test.step(`${kind} #${i + 1}`, async () => {
        const response = await page.goto(path);
        try {
          await expectSound(page, shows, problems);
        } catch (error) {
          // Say what the browser got, so a rare failure can be understood from the log alone.
          const headers = response ? await response.allHeaders() : {};
          console.log(JSON.stringify({
            kind, load: i + 1, status: response?.status(), policy: headers['content-security-policy'],
            problems, failedRequests, hydrated: await page.locator('body[data-hydrated]').count(),
          }));
          throw error;
        }
      });
      await context.close();
    };
    // A few browsers at once: the loads are independent, and most of each is waiting.
    for (const kind of pageKinds(c)) {
      for (let i = 0; i < LOADS; i += AT_ONCE) {
        await Promise.all([...Array(AT_ONCE).keys()].map((k) => load(kind, i + k)));
      }
    }
  });

  test('the same pages reached by in-app navigation', async ({ browser }) => {
    const context = await browser.newContext({ storageState: c.states.alice });
    const page = await context.newPage();
    const problems = watchForProblems(page);
    const heading = (name) => page.getByRole('heading', { level: 1, name, exact: true });
    await page.goto(c.channel(c.general));
    await expectSound(page, () => heading('general'), problems);

    // Channels from the sidebar.
    for (const name of ['lounge', 'studio', 'general']) {
      await page.getByRole('region', { name: /Channels/ }).getByRole('link', { name }).click();
      await expectSound(page, () => heading(name), problems);
    }
    // A direct conversation from the member list, then home (which opens the server again).
    await page.getByRole('region', { name: 'Members' }).getByRole('link', { name: /Bob Sweep/ }).click();
    await expectSound(page, () => page.getByLabel('Message @Bob Sweep'), problems);
    await page.getByRole('link', { name: 'Home' }).click();
    await expectSound(page, () => heading('general'), problems);
    await page.getByRole('navigation', { name: 'Servers' }).getByRole('link', { name: 'Sweep', exact: true }).click();
    await expectSound(page, () => heading('general'), problems);
    await context.close();

    // Signed out: sign-in and sign-up link to each other.
    const visitor = await browser.newPage();
    const seen = watchForProblems(visitor);
    await visitor.goto('/sign-in');
    await expectSound(visitor, () => visitor.getByRole('heading', { name: 'Welcome back!' }), seen);
    await visitor.getByRole('link', { name: 'Create one' }).click();
    await expectSound(visitor, () => visitor.getByRole('heading', { name: 'Create an account' }), seen);
    await visitor.getByRole('link', { name: 'Sign in' }).click();
    await expectSound(visitor, () => visitor.getByRole('heading', { name: 'Welcome back!' }), seen);
    await visitor.close();
  });
});
