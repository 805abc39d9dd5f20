/**
 * `npm run screenshots`: retakes the pictures the console guide and the demo README show, by
 * running the browser tests that drive the console and the demo with PARLEY_DOC_SCREENSHOTS set;
 * each test saves its pictures at the moments the docs describe. Commit docs/images afterwards.
 * Emoji need a colour emoji font (Debian: `apt-get install fonts-noto-color-emoji`), or they come
 * out as empty boxes.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const images = fileURLToPath(new URL('../docs/images', import.meta.url));
const run = spawnSync('npx', ['vitest', 'run', '--project', 'ui'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, PARLEY_DOC_SCREENSHOTS: images, PARLEY_REQUIRE_BROWSER: '1' },
});
if (run.status === 0) console.log(`screenshots written to ${images}`);
process.exit(run.status ?? 1);
