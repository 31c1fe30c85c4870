// Starts a release `chatterhub` on a free loopback port with a throw-away data folder and waits
// for /healthz; used by run-e2e.mjs for the suite's server, and by specs that need a server
// configured otherwise (e.g. with LiveKit).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const targetDir = process.env.CARGO_TARGET_DIR || join(root, 'target');
// CHATTERHUB_E2E_BINARY runs another build (e.g. a debug one, for readable hydration errors).
const binary = process.env.CHATTERHUB_E2E_BINARY || join(targetDir, 'release', 'chatterhub');

export const freePort = () =>
  new Promise((ok, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => ok(port));
    });
  });

// Every browser of the suite signs up from 127.0.0.1, so the per-address and overall sign-up and
// sign-in limits are raised; every other limit keeps its production value.
const accountLimits = ['sign-up-per-address', 'sign-up', 'sign-in-per-address'].flatMap((rule) => [
  '--rate-limit',
  `${rule}=10000/min`,
]);

/** A healthy server with `args` added to its command line: its `url`, `stop()`, and how many
 *  times it has panicked (`panics()`). */
export async function startChatterhub(args = []) {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'chatterhub-e2e-'));
  const url = `http://127.0.0.1:${port}`;
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
      ...args,
    ],
    { cwd: root, stdio: ['ignore', 'inherit', 'pipe'], env: { ...process.env, RUST_LOG: 'warn' } },
  );
  // Its log goes on to ours; a panic anywhere in it fails the run (`panics()`).
  let panics = 0;
  server.stderr.on('data', (chunk) => {
    process.stderr.write(chunk);
    // A Rust panic's first line (not a browser crash the server logs as reported to it).
    panics += (chunk.toString().match(/^thread '[^']*'.* panicked at /gm) || []).length;
  });
  const exited = new Promise((ok) => server.once('exit', (code) => ok(code)));
  const stop = async () => {
    server.kill('SIGTERM');
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (server.exitCode !== null) throw new Error(`chatterhub exited early with ${server.exitCode}`);
      try {
        if ((await fetch(`${url}/healthz`)).ok) break;
      } catch {
        /* not listening yet */
      }
      if (Date.now() > deadline) throw new Error('chatterhub did not become healthy within 60 s');
      await new Promise((ok) => setTimeout(ok, 200));
    }
  } catch (e) {
    await stop();
    throw e;
  }
  return { url, stop, panics: () => panics };
}
