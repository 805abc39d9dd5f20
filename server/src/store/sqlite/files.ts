import type { FileRepo, FileUsage } from '../ports.js';
import type { FileRecord } from '../records.js';
import { inOrderOf } from '../in-order.js';
import { insertInto } from './columns.js';
import { mapDuplicateKey } from './errors.js';
import { fileParams, toFile, type FileRow } from './rows.js';
import { jsonList, type Sql } from './sql.js';

const INSERT_FILE = insertInto('files');

/** File records of one app, one row each, keyed by (app_id, file_id). */
export class SqliteFileRepo implements FileRepo {
  constructor(
    private readonly appId: string,
    private readonly sql: Sql,
  ) {}

  async insert(file: FileRecord): Promise<void> {
    mapDuplicateKey(`fileId ${file.fileId}`, () => this.sql.run(INSERT_FILE, { appId: this.appId, ...fileParams(file) }));
  }

  async get(fileId: string): Promise<FileRecord | null> {
    const row = this.sql.get<FileRow>('SELECT * FROM files WHERE app_id = @appId AND file_id = @fileId', { appId: this.appId, fileId });
    return row ? toFile(row) : null;
  }

  async getMany(fileIds: readonly string[]): Promise<Map<string, FileRecord>> {
    if (fileIds.length === 0) return new Map();
    const rows = this.sql.all<FileRow>('SELECT * FROM files WHERE app_id = @appId AND file_id IN (SELECT value FROM json_each(@ids))', {
      appId: this.appId,
      ids: jsonList(fileIds),
    });
    return inOrderOf(fileIds, rows.map(toFile), (file) => file.fileId);
  }

  async usage(): Promise<FileUsage> {
    return this.sql.get<FileUsage>(
      'SELECT count(*) AS files, coalesce(sum(size + coalesce(thumb_size, 0)), 0) AS bytes FROM files WHERE app_id = @appId',
      { appId: this.appId },
    )!;
  }

  async delete(fileId: string): Promise<void> {
    this.sql.run('DELETE FROM files WHERE app_id = @appId AND file_id = @fileId', { appId: this.appId, fileId });
  }
}
