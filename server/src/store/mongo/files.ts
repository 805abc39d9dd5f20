import type { Collection } from 'mongodb';
import type { FileRepo, FileUsage } from '../ports.js';
import type { FileRecord } from '../records.js';
import { inOrderOf } from '../in-order.js';
import { fileDocOf, toFile, type FileDoc, type FileUsageEntry } from './documents.js';
import { mapDuplicateKey } from './errors.js';

/** One total of `usage`'s aggregate. */
interface UsageTotal {
  _id: FileUsageEntry['k'];
  total: number;
}

/** File records of one app, unique by (appId, fileId). */
export class MongoFileRepo implements FileRepo {
  constructor(
    private readonly appId: string,
    private readonly files: Collection<FileDoc>,
  ) {}

  async insert(file: FileRecord): Promise<void> {
    await mapDuplicateKey(`fileId ${file.fileId}`, () => this.files.insertOne(fileDocOf(this.appId, file)));
  }

  async get(fileId: string): Promise<FileRecord | null> {
    const doc = await this.files.findOne({ appId: this.appId, fileId });
    return doc ? toFile(doc) : null;
  }

  async getMany(fileIds: readonly string[]): Promise<Map<string, FileRecord>> {
    if (fileIds.length === 0) return new Map();
    const docs = await this.files.find({ appId: this.appId, fileId: { $in: [...new Set(fileIds)] } }).toArray();
    return inOrderOf(fileIds, docs.map(toFile), (file) => file.fileId);
  }

  async usage(): Promise<FileUsage> {
    // The app's range of files_id, summed in the server into one total per term of
    // FileDoc.usage (none at all for an app without files).
    const totals = await this.files
      .aggregate<UsageTotal>([{ $match: { appId: this.appId } }, { $unwind: '$usage' }, { $group: { _id: '$usage.k', total: { $sum: '$usage.v' } } }])
      .toArray();
    const totalOf = (k: FileUsageEntry['k']) => totals.find((total) => total._id === k)?.total ?? 0;
    return { files: totalOf('files'), bytes: totalOf('bytes') };
  }

  async delete(fileId: string): Promise<void> {
    await this.files.deleteOne({ appId: this.appId, fileId });
  }
}
