import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { openStore } from './adapters.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import type { Store } from './store/ports.js';
import { SqliteOpenRefusal } from './store/sqlite/errors.js';
import { openSqliteReader } from './store/sqlite/sqlite-store.js';
import { TRANSFER_COLLECTIONS } from './store/transfer.js';
import { exportStore, importStore, TransferError, type ExportManifest } from './transfer/ndjson.js';

/**
 * `npm run export`, `npm run import`, `npm run backup`: the data of the store the environment
 * names (the same STORE, DATA_DIR and MONGODB_URL as `npm start`), as files.
 */

const USAGE = `Usage (the store is the one npm start would open: STORE, DATA_DIR, MONGODB_URL):
  npm run export -- --out <directory> [--app <appId>]   every record, or one app's, as NDJSON files
  npm run import -- --in <directory>                     an export written into this store
  npm run backup -- --out <file>                         an online copy of the SQLite database`;

class UsageError extends Error {}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  const { values } = parseArgs({ args: rest, options: { out: { type: 'string' }, in: { type: 'string' }, app: { type: 'string' } }, strict: true });
  const config = loadConfig();
  switch (command) {
    case 'export': {
      if (!values.out) throw new UsageError('export needs --out <directory>');
      const store = openForReading(config);
      try {
        const manifest = await store.read((source) => exportStore(source, resolve(values.out!), values.app === undefined ? {} : { appId: values.app }));
        report(`exported from the ${manifest.store} store${values.app ? ` (app ${values.app})` : ''} to ${resolve(values.out)}`, manifest);
      } finally {
        await store.close();
      }
      return;
    }
    case 'import': {
      if (!values.in) throw new UsageError('import needs --in <directory>');
      if (config.store.kind === 'memory') throw new UsageError('STORE=memory keeps nothing after this command ends: import into sqlite or mongodb');
      const store = await openStore(config.store);
      try {
        const manifest = await importStore(store, resolve(values.in));
        report(`imported ${resolve(values.in)} (from a ${manifest.store} store) into the ${store.kind} store`, manifest);
      } finally {
        await store.close();
      }
      return;
    }
    case 'backup': {
      if (!values.out) throw new UsageError('backup needs --out <file>');
      if (config.store.kind !== 'sqlite') throw new UsageError(`backup copies the SQLite store; for ${config.store.kind}, use npm run export (or mongodump for MongoDB)`);
      const out = resolve(values.out);
      if (existsSync(out)) throw new UsageError(`${out} exists already: back up to a new file`);
      const reader = openSqliteReader(config.store.dataDir);
      try {
        await reader.backup(out);
      } finally {
        await reader.close();
      }
      process.stdout.write(`backed up ${reader.file} to ${out} (${statSync(out).size} bytes); restore: stop the server, put it in an empty DATA_DIR as parley.db\n`);
      return;
    }
    default:
      throw new UsageError(command === undefined ? 'name a command' : `unknown command ${command}`);
  }
}

/**
 * The configured store, opened to be read while the server may be running: SQLite through a
 * read-only connection that does not claim the data directory, read as one snapshot.
 */
function openForReading(config: Config): { read<T>(work: (store: Store) => Promise<T>): Promise<T>; close(): Promise<void> } {
  if (config.store.kind === 'memory') throw new UsageError('STORE=memory keeps its data inside the server process: there is nothing to export from here');
  if (config.store.kind === 'sqlite') {
    const reader = openSqliteReader(config.store.dataDir);
    return { read: (work) => reader.snapshot(() => work(reader)), close: () => reader.close() };
  }
  const opening = openStore(config.store);
  return {
    read: async (work) => work(await opening),
    close: async () => (await opening).close(),
  };
}

function report(what: string, manifest: ExportManifest): void {
  const counts = TRANSFER_COLLECTIONS.map((collection) => `${collection} ${manifest.counts[collection]}`).join(', ');
  process.stdout.write(`${what}: ${counts}\n`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const known = [UsageError, ConfigError, TransferError, SqliteOpenRefusal].some((kind) => error instanceof kind);
  if (known || (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${error instanceof UsageError ? `\n${USAGE}\n` : ''}`);
    process.exit(2);
  }
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
