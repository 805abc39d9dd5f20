import { DuplicateKeyError, type FileRepo, type FileUsage } from '../ports.js';
import type { FileRecord } from '../records.js';
import { copyFile } from './clone.js';

/** File records of one app, by fileId. */
export class MemoryFileRepo implements FileRepo {
  readonly #byId = new Map<string, FileRecord>();

  async insert(file: FileRecord): Promise<void> {
    if (this.#byId.has(file.fileId)) throw new DuplicateKeyError(`fileId ${file.fileId} is taken`);
    this.#byId.set(file.fileId, copyFile(file));
  }

  async get(fileId: string): Promise<FileRecord | null> {
    const file = this.#byId.get(fileId);
    return file ? copyFile(file) : null;
  }

  async getMany(fileIds: readonly string[]): Promise<Map<string, FileRecord>> {
    const found = new Map<string, FileRecord>();
    for (const id of fileIds) {
      const file = this.#byId.get(id);
      if (file && !found.has(id)) found.set(id, copyFile(file));
    }
    return found;
  }

  async usage(): Promise<FileUsage> {
    let bytes = 0;
    for (const file of this.#byId.values()) bytes += file.size + (file.thumb?.size ?? 0);
    return { files: this.#byId.size, bytes };
  }

  async delete(fileId: string): Promise<void> {
    this.#byId.delete(fileId);
  }

  /** Every file record, by fileId (for the transfer port). */
  all(): FileRecord[] {
    return [...this.#byId.values()].sort((a, b) => (a.fileId < b.fileId ? -1 : a.fileId > b.fileId ? 1 : 0)).map(copyFile);
  }

  /** Stores `file` as it is, replacing the record with its fileId (for the transfer port). */
  put(file: FileRecord): void {
    this.#byId.set(file.fileId, copyFile(file));
  }
}
