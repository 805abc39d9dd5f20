import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Builds what the UI tests drive, once, before any of them runs: the server (started as
 * `node server/dist/main.js`, like `npm start`, which serves the console's build at /console), the
 * console and the demo chat.
 */
export default function setup(): void {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  for (const workspace of ['@parley/server', '@parley/console', '@parley/demo-vue']) {
    execFileSync('npm', ['run', 'build', '--workspace', workspace], { cwd: root, stdio: 'pipe', encoding: 'utf8' });
  }
}
