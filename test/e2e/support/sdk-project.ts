import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './markdown.js';
import { baseEnv, run, type Finished } from './processes.js';

/** Where `npm run pack:sdk` writes the SDK, as the docs say. */
export const tarball = join(root, 'parley-sdk.tgz');

/** A project outside the repository with the packed SDK installed, as another product would have it. */
export interface SdkProject {
  dir: string;
  /** `npm run pack:sdk`, run from the repository root. */
  packed: Finished;
  /** `npm install --offline --no-audit --no-fund <tarball>`, run in `dir`. */
  installed: Finished;
}

interface LockEntry {
  version?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  dev?: boolean;
  devOptional?: boolean;
  peer?: boolean;
  [field: string]: unknown;
}

/**
 * Runs the documented `npm run pack:sdk`, then installs the tarball into a new project in `dir`
 * with `npm install --offline --no-audit --no-fund <tarball>`. Rejects when either fails.
 *
 * Offline works from what `npm ci` left in npm's cache, with one help: npm resolves the
 * dependencies of a new package (`socket.io-client@^4.8.4`) from the registry's full metadata,
 * which `npm ci` never downloads (it installs from the lock file). So the new project starts with
 * a lock file holding the SDK's dependencies at the versions of the repository's lock file: npm
 * then takes them from there, the cache has their tarballs, and the SDK is tried with the very
 * versions the repository's tests run.
 */
export async function installPackedSdk(dir: string): Promise<SdkProject> {
  const packed = await run('npm', ['run', 'pack:sdk'], { env: baseEnv(), timeoutMs: 120_000 });
  if (packed.code !== 0) throw new Error(`npm run pack:sdk failed (${packed.code}):\n${packed.stdout}\n${packed.stderr}`);

  mkdirSync(dir, { recursive: true });
  const name = 'parley-sdk-consumer';
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name, version: '1.0.0', private: true }, null, 2)}\n`);
  const sdk = JSON.parse(readFileSync(join(root, 'sdk-js/package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  const lock = { name, version: '1.0.0', lockfileVersion: 3, requires: true, packages: { '': { name, version: '1.0.0' }, ...lockedTree(Object.keys(sdk.dependencies ?? {})) } };
  writeFileSync(join(dir, 'package-lock.json'), `${JSON.stringify(lock, null, 2)}\n`);

  const installed = await run('npm', ['install', '--offline', '--no-audit', '--no-fund', tarball], { cwd: dir, env: baseEnv(), timeoutMs: 60_000 });
  if (installed.code !== 0) throw new Error(`npm install of the tarball failed (${installed.code}):\n${installed.stdout}\n${installed.stderr}`);
  return { dir, packed, installed };
}

/** The entries of the repository's lock file that `names` need, at the same paths. */
function lockedTree(names: string[]): Record<string, LockEntry> {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const all = lock.packages;
  const picked: Record<string, LockEntry> = {};
  const pending = names.map((name) => `node_modules/${name}`);
  for (let path = pending.pop(); path !== undefined; path = pending.pop()) {
    if (picked[path]) continue;
    const entry = all[path];
    if (!entry) throw new Error(`package-lock.json has no ${path}`);
    const { dev: _dev, devOptional: _devOptional, peer: _peer, ...kept } = entry;
    picked[path] = kept;
    for (const dependency of Object.keys({ ...entry.dependencies, ...entry.optionalDependencies })) {
      const found = resolveFrom(all, path, dependency);
      if (found) pending.push(found);
    }
  }
  return picked;
}

/** Where Node would find `name` from the package at `from`: its own node_modules, then each parent's. */
function resolveFrom(all: Record<string, LockEntry>, from: string, name: string): string | undefined {
  for (let base = from; ; ) {
    const candidate = `${base}/node_modules/${name}`;
    if (all[candidate]) return candidate;
    const parent = base.lastIndexOf('/node_modules/');
    if (parent < 0) break;
    base = base.slice(0, parent);
  }
  return all[`node_modules/${name}`] ? `node_modules/${name}` : undefined;
}
