import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalFileStorage } from '../src/files/local/local-files.js';
import { fileStorageContract } from './files.contract.js';

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

function freshRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'parley-files-'));
  roots.push(root);
  return root;
}

fileStorageContract('local disk', async () => {
  const root = freshRoot();
  const storage = await new LocalFileStorage(join(root, 'uploads')).open();
  return { storage, leftovers: async () => readdirSync(join(root, 'uploads', '.incoming')) };
});

describe('local disk file storage', () => {
  it('clears what an interrupted upload left when it opens', async () => {
    const root = freshRoot();
    const first = await new LocalFileStorage(root).open();
    writeFileSync(join(first.root, '.incoming', 'half-written'), 'partial bytes');
    await new LocalFileStorage(root).open();
    expect(readdirSync(join(root, '.incoming'))).toEqual([]);
  });
});
