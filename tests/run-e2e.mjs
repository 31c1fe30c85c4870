// Starts the suite's server (chatterhub.mjs), runs Playwright against it, and stops the server
// whatever the outcome.
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
} catch (e) {
  console.error(`e2e: ${e.message}`);
} finally {
  await server?.stop();
}
process.exit(code);
