// Starts a release `chatterhub` on a free loopback port with a throw-away data folder, waits for
// /healthz, runs Playwright against it, and stops the server whatever the outcome.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const targetDir = process.env.CARGO_TARGET_DIR || join(root, 'target');
// CHATTERHUB_E2E_BINARY runs another build (e.g. a debug one, for readable hydration errors).
const binary = process.env.CHATTERHUB_E2E_BINARY || join(targetDir, 'release', 'chatterhub');

const freePort = () =>
  new Promise((ok, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => ok(port));
    });
  });

const port = await freePort();
const dataDir = mkdtempSync(join(tmpdir(), 'chatterhub-e2e-'));
const baseUrl = `http://127.0.0.1:${port}`;
// Every browser of the suite signs up from 127.0.0.1, so the per-address and overall sign-up and
// sign-in limits are raised; every other limit keeps its production value.
const accountLimits = ['sign-up-per-address', 'sign-up', 'sign-in-per-address'].flatMap((rule) => [
  '--rate-limit',
  `${rule}=10000/min`,
]);
const server = spawn(
  binary,
  [
    'serve',
    '--bind',
    `127.0.0.1:${port}`,
    '--data-dir',
    dataDir,
    '--site-root',
    join(root, 'target', 'site'),
    ...accountLimits,
  ],
  { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, RUST_LOG: 'warn' } },
);
const exited = new Promise((ok) => server.once('exit', (code) => ok(code)));

let code = 1;
try {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`chatterhub exited early with ${server.exitCode}`);
    try {
      if ((await fetch(`${baseUrl}/healthz`)).ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error('chatterhub did not become healthy within 60 s');
    await new Promise((ok) => setTimeout(ok, 200));
  }
  const runner = spawn('npx', ['playwright', 'test', ...process.argv.slice(2)], {
    cwd: import.meta.dirname,
    stdio: 'inherit',
    env: { ...process.env, CHATTERHUB_E2E_URL: baseUrl },
  });
  code = await new Promise((ok) => runner.once('exit', (c) => ok(c ?? 1)));
} catch (e) {
  console.error(`e2e: ${e.message}`);
} finally {
  server.kill('SIGTERM');
  await exited;
  rmSync(dataDir, { recursive: true, force: true });
}
process.exit(code);
