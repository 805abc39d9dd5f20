import { createReadStream, createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { previewOf, RECALLED_PREVIEW } from '../domain/messages/preview.js';
import { DuplicateKeyError, type Store } from '../store/ports.js';
import {
  TRANSFER_BATCH,
  TRANSFER_COLLECTIONS,
  type TransferCollection,
  type TransferInput,
  type TransferRecords,
  type TransferScope,
} from '../store/transfer.js';
import { TRANSFER_SCHEMAS } from './schemas.js';

/**
 * A deployment as files: `manifest.json` and one `<collection>.ndjson` per collection, a record
 * per line. The manifest is written last and lists each file's line count, so a directory
 * without it is an export that did not finish, and a file shorter than its count was cut off.
 */

export const MANIFEST_FILE = 'manifest.json';
const FORMAT = 'parley-export';
const FORMAT_VERSION = 1;
/** Longest line an import reads: the largest message (1 MiB of content) with room to spare. */
const MAX_LINE_CHARS = 8 * 1024 * 1024;

/**
 * Collections added to the format after its first release: an export made before one existed
 * has neither its file nor its count, and imports as holding none of its records.
 */
const ADDED_LATER: ReadonlySet<TransferCollection> = new Set(['files', 'blocks', 'friendRequests', 'friendGroups', 'friends', 'joinRequests']);

const countSchema = z.number().int().nonnegative();
/** Each collection's record count; 0 for a collection added after the export was made. */
const countsSchema = z.object(
  Object.fromEntries(TRANSFER_COLLECTIONS.map((collection) => [collection, ADDED_LATER.has(collection) ? countSchema.default(0) : countSchema])) as Record<
    TransferCollection,
    z.ZodNumber | z.ZodDefault<z.ZodNumber>
  >,
);
const manifestSchema = z.object({
  format: z.literal(FORMAT),
  version: z.literal(FORMAT_VERSION),
  exportedAt: z.string(),
  /** The store it came from: `sqlite`, `mongodb`, ... */
  store: z.string(),
  scope: z.object({ appId: z.string().optional() }),
  counts: countsSchema,
});
export type ExportManifest = z.infer<typeof manifestSchema>;

/** The export or import cannot go on; the message says which file and line, and why. */
export class TransferError extends Error {
  override readonly name = 'TransferError';
}

const fileOf = (directory: string, collection: TransferCollection) => join(directory, `${collection}.ndjson`);

/**
 * Writes every record of `store` within `scope` to `directory` (created; refused when it
 * already holds files). Each message line also carries its conversation-list `preview`, which
 * a store that keeps it per message (MongoDB) needs on import.
 */
export async function exportStore(store: Store, directory: string, scope: TransferScope, exportedAt = new Date()): Promise<ExportManifest> {
  mkdirSync(directory, { recursive: true });
  if (readdirSync(directory).length > 0) throw new TransferError(`${directory} is not empty: export into a new directory`);
  if (scope.appId !== undefined && !(await store.apps.get(scope.appId))) throw new TransferError(`there is no app ${scope.appId} in this store`);
  const counts = {} as Record<TransferCollection, number>;
  for (const collection of TRANSFER_COLLECTIONS) counts[collection] = await exportCollection(store, collection, scope, fileOf(directory, collection));
  const manifest: ExportManifest = { format: FORMAT, version: FORMAT_VERSION, exportedAt: exportedAt.toISOString(), store: store.kind, scope, counts };
  writeFileSync(join(directory, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

async function exportCollection<C extends TransferCollection>(store: Store, collection: C, scope: TransferScope, file: string): Promise<number> {
  const out = createWriteStream(file, { flags: 'wx' });
  let count = 0;
  try {
    for await (const batch of store.transfer.read(collection, scope)) {
      const lines = batch.map((record) => `${JSON.stringify(lineOf(collection, record))}\n`).join('');
      count += batch.length;
      if (!out.write(lines)) await once(out, 'drain');
    }
  } finally {
    out.end();
    await once(out, 'close');
  }
  return count;
}

function lineOf(collection: TransferCollection, record: TransferRecords[TransferCollection]): object {
  if (collection !== 'messages') return record;
  const message = record as TransferRecords['messages'];
  return { ...message, preview: message.recall ? RECALLED_PREVIEW : previewOf(message.messageType, message.content) };
}

/**
 * Writes an export into `store`, replacing records with the same keys (run again, it finishes
 * an interrupted import and changes nothing after a complete one). Every line of every file is
 * validated first: a bad file is refused before anything is written.
 */
export async function importStore(store: Store, directory: string): Promise<ExportManifest> {
  const manifest = readManifest(directory);
  for (const collection of TRANSFER_COLLECTIONS) {
    if (absentAsAddedLater(directory, collection, manifest)) continue;
    const lines = await eachRecord(directory, collection, () => undefined);
    if (lines !== manifest.counts[collection]) {
      throw new TransferError(`${fileOf(directory, collection)} has ${lines} records, the manifest says ${manifest.counts[collection]}: the export is incomplete`);
    }
  }
  for (const collection of TRANSFER_COLLECTIONS) {
    if (!absentAsAddedLater(directory, collection, manifest)) await importCollection(store, directory, collection);
  }
  return manifest;
}

/** Whether `collection` is one the export was made before (see ADDED_LATER): no file, no records. */
function absentAsAddedLater(directory: string, collection: TransferCollection, manifest: ExportManifest): boolean {
  return ADDED_LATER.has(collection) && manifest.counts[collection] === 0 && !existsSync(fileOf(directory, collection));
}

async function importCollection<C extends TransferCollection>(store: Store, directory: string, collection: C): Promise<void> {
  let batch: TransferInput[C][] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const rows = batch;
    batch = [];
    try {
      await store.transfer.write(collection, rows);
    } catch (error) {
      if (error instanceof DuplicateKeyError && collection === 'tenants') {
        throw new TransferError('a console account of the export has the email of a different account already in this store; remove one of them first', { cause: error });
      }
      throw error;
    }
  };
  await eachRecord(directory, collection, async (record) => {
    batch.push(record);
    if (batch.length >= TRANSFER_BATCH) await flush();
  });
  await flush();
}

function readManifest(directory: string): ExportManifest {
  const file = join(directory, MANIFEST_FILE);
  if (!existsSync(file)) throw new TransferError(`${file} is missing: not an export, or one that did not finish`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new TransferError(`${file} is not JSON`, { cause: error });
  }
  const manifest = manifestSchema.safeParse(parsed);
  if (!manifest.success) throw new TransferError(`${file} is not a manifest of this format (${FORMAT} version ${FORMAT_VERSION}): ${z.prettifyError(manifest.error)}`);
  return manifest.data;
}

/** Calls `each` with every record of one file, validated, in order; returns how many there were. */
async function eachRecord<C extends TransferCollection>(directory: string, collection: C, each: (record: TransferInput[C]) => void | Promise<void>): Promise<number> {
  const file = fileOf(directory, collection);
  if (!existsSync(file)) throw new TransferError(`${file} is missing`);
  const schema: z.ZodType<TransferInput[C]> = TRANSFER_SCHEMAS[collection];
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  let number = 0;
  let count = 0;
  for await (const line of lines) {
    number++;
    if (line.trim() === '') continue;
    if (line.length > MAX_LINE_CHARS) throw new TransferError(`${file}:${number}: longer than ${MAX_LINE_CHARS} characters`);
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new TransferError(`${file}:${number}: not JSON`);
    }
    const record = schema.safeParse(value);
    if (!record.success) throw new TransferError(`${file}:${number}: ${z.prettifyError(record.error).replace(/\n/g, '; ')}`);
    count++;
    await each(record.data);
  }
  return count;
}
