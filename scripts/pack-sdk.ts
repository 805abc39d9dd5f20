/**
 * `npm run pack:sdk`: builds `@parley/sdk` and packs it into `parley-sdk.tgz` at the root of the
 * repository, the file `npm publish` would upload. Another project installs it with
 * `npm install /path/to/parley/parley-sdk.tgz`, which copies the package in as if it came from
 * the registry.
 *
 * `npm pack` runs the package's `prepack` script (the tsup build), so the tarball is never older
 * than the sources. npm names the file after the version (`parley-sdk-0.1.0.tgz`); it is packed
 * into an empty folder and moved to a name that stays the same from one version to the next.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const target = join(root, 'parley-sdk.tgz');
const scratch = mkdtempSync(join(tmpdir(), 'parley-pack-'));

try {
  // npm's and the build's progress go to stderr, so stdout says only where the tarball is.
  execFileSync('npm', ['pack', '--workspace', '@parley/sdk', '--pack-destination', scratch], { cwd: root, stdio: ['ignore', process.stderr, 'inherit'] });
  const packed = readdirSync(scratch).filter((name) => name.endsWith('.tgz'));
  if (packed.length !== 1) throw new Error(`npm pack left ${packed.length} tarballs in ${scratch}, expected one`);
  copyFileSync(join(scratch, packed[0]!), target);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

process.stdout.write(`Packed @parley/sdk into ${target}\nInstall it in another project with: npm install ${target}\n`);
