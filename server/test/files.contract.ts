import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { FileTooLargeError, InvalidObjectKeyError, type FileStorage, type ObjectKey } from '../src/files/ports.js';

/**
 * The conformance suite of the file storage port: every adapter (local disk, OSS) runs it.
 * `leftovers` lists whatever the adapter holds besides whole objects (temporary files, parts of
 * multipart uploads), so the suite can check that a failed upload leaves nothing behind.
 */
export function fileStorageContract(name: string, open: () => Promise<{ storage: FileStorage; leftovers: () => Promise<string[]> }>): void {
  describe(`${name} file storage contract`, () => {
    const appA = 'a'.repeat(16);
    const appB = 'b'.repeat(16);
    const newKey = (appId = appA, variant?: 'thumb'): ObjectKey => ({ appId, fileId: randomBytes(16).toString('hex'), ...(variant ? { variant } : {}) });
    const options = { maxBytes: 4 * 1024 * 1024, contentType: 'application/octet-stream' };
    /** A body that arrives in several chunks, as an upload does. */
    const chunked = (bytes: Buffer, size = 64 * 1024) => Readable.from(Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size)));

    it('gives back exactly the bytes it stored, whole or a range of them', async () => {
      const { storage } = await open();
      const bytes = randomBytes(1024 * 1024 + 17);
      const key = newKey();
      expect(await storage.put(key, chunked(bytes), options)).toEqual({ size: bytes.length });
      const whole = await storage.get(key);
      expect(whole?.size).toBe(bytes.length);
      expect((await buffer(whole!.body)).equals(bytes)).toBe(true);
      const part = await storage.get(key, { start: 1000, end: 1999 });
      expect(part?.size).toBe(bytes.length);
      expect((await buffer(part!.body)).equals(bytes.subarray(1000, 2000))).toBe(true);
      const tail = await storage.get(key, { start: bytes.length - 1, end: bytes.length - 1 });
      expect((await buffer(tail!.body)).equals(bytes.subarray(bytes.length - 1))).toBe(true);
    });

    it('stores an empty file, and a variant beside its original', async () => {
      const { storage } = await open();
      const key = newKey();
      await storage.put(key, Readable.from([]), options);
      await storage.put({ ...key, variant: 'thumb' }, Readable.from([Buffer.from('thumb')]), options);
      expect((await buffer((await storage.get(key))!.body)).length).toBe(0);
      expect((await buffer((await storage.get({ ...key, variant: 'thumb' }))!.body)).toString()).toBe('thumb');
    });

    it('refuses a body past the limit and keeps nothing of it', async () => {
      const { storage, leftovers } = await open();
      const key = newKey();
      await expect(storage.put(key, chunked(randomBytes(300_000)), { ...options, maxBytes: 200_000 })).rejects.toBeInstanceOf(FileTooLargeError);
      expect(await storage.get(key)).toBeNull();
      expect(await leftovers()).toEqual([]);
      // Exactly at the limit is allowed.
      expect(await storage.put(key, chunked(randomBytes(200_000)), { ...options, maxBytes: 200_000 })).toEqual({ size: 200_000 });
    });

    it('keeps nothing of an upload that breaks off', async () => {
      const { storage, leftovers } = await open();
      const key = newKey();
      const aborted = new Readable({
        read() {
          this.push(randomBytes(64 * 1024));
          this.destroy(new Error('connection reset by the client'));
        },
      });
      await expect(storage.put(key, aborted, options)).rejects.toThrow('connection reset by the client');
      expect(await storage.get(key)).toBeNull();
      expect(await leftovers()).toEqual([]);
    });

    it('keeps apps apart, deletes one object or all of an app', async () => {
      const { storage } = await open();
      const fileId = randomBytes(16).toString('hex');
      await storage.put({ appId: appA, fileId }, Readable.from([Buffer.from('of A')]), options);
      await storage.put({ appId: appB, fileId }, Readable.from([Buffer.from('of B')]), options);
      const other = newKey(appA);
      await storage.put(other, Readable.from([Buffer.from('another of A')]), options);
      expect((await buffer((await storage.get({ appId: appB, fileId }))!.body)).toString()).toBe('of B');

      await storage.delete(other);
      await storage.delete(other);
      expect(await storage.get(other)).toBeNull();
      await storage.deleteApp(appA);
      expect(await storage.get({ appId: appA, fileId })).toBeNull();
      expect((await buffer((await storage.get({ appId: appB, fileId }))!.body)).toString()).toBe('of B');
      expect(await storage.get(newKey(appB))).toBeNull();
    });

    it("accepts only keys made of the server's own ids", async () => {
      const { storage } = await open();
      const bad: ObjectKey[] = [
        { appId: '../../etc', fileId: 'a'.repeat(32) },
        { appId: appA, fileId: '../' + 'a'.repeat(29) },
        { appId: appA, fileId: 'photo.jpg' },
        { appId: appA.toUpperCase(), fileId: 'a'.repeat(32) },
      ];
      for (const key of bad) {
        await expect(storage.put(key, Readable.from([Buffer.from('x')]), options)).rejects.toBeInstanceOf(InvalidObjectKeyError);
        await expect(storage.get(key)).rejects.toBeInstanceOf(InvalidObjectKeyError);
      }
      await expect(storage.deleteApp('..')).rejects.toBeInstanceOf(InvalidObjectKeyError);
      await expect(storage.ping()).resolves.toBeUndefined();
    });
  });
}
