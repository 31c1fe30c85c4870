// Starts the suite's server (chatterhub.mjs), runs Playwright against it, and stops the server
// whatever the outcome. A panic in the server fails the run, whatever the tests said.
import { spawn } from 'node:child_process';
import { startChatterhub } from './chatterhub.mjs';

let code = 1;
let server;
try {
  server = await startChatterhub();
  const runner = spawn('npx', ['playwright', 'test', ...process.argv.slice(2)], {
    cwd: import.meta.dirname,
    stdio: 'inherit',
    env: { ...process.env, CHATTERHUB_E2E_URL: server.url },
  });
  code = await new Promise((ok) => runner.once('exit', (c) => ok(c ?? 1)));
  if (server.panics() > 0) {
    console.error(`e2e: the server panicked ${server.panics()} time(s) (see its log above)`);
    code = 1;
  }
} catch (e) {
  console.error(`e2e: ${e.message}`);
} finally {
  await server?.stop();
}
process.exit(code);
