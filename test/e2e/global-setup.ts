import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Builds the server once, before any e2e file runs: the files start it as `node server/dist/main.js`,
 * like `npm start`. One build for all of them, because tsup empties server/dist before it writes:
 * a file that built it while another was starting a server would make that start fail.
 */
export default function setup(): void {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  execFileSync('npm', ['run', 'build', '--workspace', '@parley/server'], { cwd: root, stdio: 'pipe', encoding: 'utf8' });
}
