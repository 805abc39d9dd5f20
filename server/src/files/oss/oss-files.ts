import type { Agent } from 'node:http';
import { Transform, pipeline, type Readable } from 'node:stream';
import OSS from 'ali-oss';
import { FileTooLargeError, objectPath, type ByteRange, type FileStorage, type ObjectKey, type PutOptions, type StoredObject } from '../ports.js';

export interface OssOptions {
  /** Region id as ali-oss spells it, e.g. `oss-cn-hangzhou`. */
  region: string;
  bucket: string;
  accessKeyId: string;
  accessKeySecret: string;
  /** Another endpoint than the region's public one (an internal endpoint, a compatible server); `http://` turns TLS off. */
  endpoint?: string;
  /** A base URL serving the bucket publicly (CDN, custom domain), for unsigned direct URLs. */
  publicBaseUrl?: string;
  /** Put before every object name, e.g. `parley/` to share a bucket. */
  prefix?: string;
  /** The HTTP(S) agent requests go through (a proxy, a connection pool; the tests reach a local endpoint with it). */
  agent?: Agent;
}

/** One request other than an upload (ali-oss counts from the connection to the response's headers). */
const REQUEST_TIMEOUT_MS = 60_000;
/** An upload is streamed as the client sends it, so it may take as long as the client takes. */
const UPLOAD_TIMEOUT_MS = 30 * 60_000;
/** OSS lists and deletes at most 1,000 objects per request. */
const PAGE = 1000;
/** deleteApp gives up after this many pages (a billion objects): a bound, not a limit anyone meets. */
const MAX_PAGES = 1_000_000;

/** An answer from OSS, or its absence, as a plain error: no request details, no credentials. */
export class OssError extends Error {
  override readonly name = 'OssError';
  constructor(
    message: string,
    /** OSS's error code (`NoSuchKey`, `SignatureDoesNotMatch`...), or the client's (`RequestError`...) when OSS did not answer. */
    readonly code: string | null,
    /** The HTTP status OSS answered, or null when it did not answer. */
    readonly status: number | null,
  ) {
    super(message);
  }
}

interface AliOssError {
  name?: unknown;
  code?: unknown;
  status?: unknown;
  message?: unknown;
  requestId?: unknown;
}

function answeredStatus(error: unknown): number | null {
  const status = (error as AliOssError | null)?.status;
  return typeof status === 'number' && status >= 100 ? status : null;
}

function isNoSuchKey(error: unknown): boolean {
  const e = error as AliOssError | null;
  return answeredStatus(error) === 404 && (e?.code === 'NoSuchKey' || e?.code === undefined || e?.code === null);
}

/** `error` from ali-oss, as an OssError saying what was being done and what OSS said. */
function ossError(action: string, error: unknown): OssError {
  const e = (error ?? {}) as AliOssError;
  const status = answeredStatus(error);
  const code = typeof e.code === 'string' && e.code !== '' ? e.code : typeof e.name === 'string' && e.name !== '' ? e.name : null;
  // urllib puts request details (URL, headers, agent state) after the first line: keep only that.
  const said = (typeof e.message === 'string' ? e.message : String(error)).split('\n')[0]!.slice(0, 300);
  if (status === null) return new OssError(`OSS could not be reached to ${action}: ${said}`, code, null);
  const requestId = typeof e.requestId === 'string' && e.requestId !== '' ? `, request ${e.requestId}` : '';
  return new OssError(`OSS refused to ${action}: ${code ?? 'error'} (HTTP ${status}${requestId}): ${said}`, code, status);
}

/** `attachment` with `name` for any browser: an ASCII fallback and the exact name per RFC 5987 / 6266. */
function attachment(name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  const exact = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${exact}`;
}

/** Only bytes `start` to `end` (included) of what passes, for an answer that ignored the Range asked. */
function slice(start: number, end: number): Transform {
  let offset = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      const from = Math.max(start - offset, 0);
      const to = Math.min(end + 1 - offset, chunk.length);
      offset += chunk.length;
      done(null, from < to ? chunk.subarray(from, to) : undefined);
    },
  });
}

/**
 * Files in an Alibaba Cloud OSS bucket, as `<prefix><appId>/<fileId>[.thumb]`, through ali-oss
 * with V1 (HMAC-SHA1) signatures and virtual-hosted addressing (`<bucket>.<endpoint host>`).
 *
 * An upload is streamed to OSS in one PutObject (chunked), counted on the way: past the limit or
 * when the body fails, the request is cut before its end, so OSS stores nothing (the adapter still
 * deletes the name when it cannot tell). Unsigned direct URLs point at `publicBaseUrl` (a CDN) or
 * the bucket itself; signed ones are V1 query-string signatures naming the type and download name.
 */
export class OssFileStorage implements FileStorage {
  readonly kind = 'oss';
  readonly #client: OSS;
  readonly #prefix: string;
  readonly #publicBaseUrl: string | null;
  readonly #bucket: string;

  constructor(options: OssOptions) {
    const prefix = options.prefix ?? '';
    if (prefix.startsWith('/') || prefix.startsWith('\\') || /[\x00-\x1f\x7f]/.test(prefix)) {
      throw new Error(`the OSS prefix must not start with a slash nor hold control characters: ${JSON.stringify(prefix)}`);
    }
    this.#prefix = prefix;
    this.#bucket = options.bucket;
    this.#publicBaseUrl = options.publicBaseUrl === undefined ? null : options.publicBaseUrl.replace(/\/+$/, '');
    // An endpoint without a scheme gets ali-oss's `https://`; the region's own endpoint is always TLS.
    const secure = options.endpoint === undefined || !/^http:\/\//i.test(options.endpoint);
    const clientOptions: OSS.Options & { agent?: Agent; httpsAgent?: Agent } = {
      region: options.region,
      bucket: options.bucket,
      accessKeyId: options.accessKeyId,
      accessKeySecret: options.accessKeySecret,
      secure,
      timeout: REQUEST_TIMEOUT_MS,
      ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
      ...(options.agent === undefined ? {} : secure ? { httpsAgent: options.agent } : { agent: options.agent }),
    };
    this.#client = new OSS(clientOptions);
  }

  /** The object's name in the bucket (checks the key). */
  #name(key: ObjectKey): string {
    return `${this.#prefix}${objectPath(key)}`;
  }

  async put(key: ObjectKey, body: Readable, options: PutOptions): Promise<{ size: number }> {
    const name = this.#name(key);
    let size = 0;
    // The first thing that went wrong on our side (the body failed, or went past the limit).
    let failure: unknown = null;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        size += chunk.length;
        if (size > options.maxBytes) {
          failure ??= new FileTooLargeError(options.maxBytes);
          done(failure as Error);
        } else {
          done(null, chunk);
        }
      },
    });
    // A body error destroys the counter, which makes ali-oss cut the request before its end.
    body.once('error', (error) => {
      failure ??= error;
    });
    pipeline(body, counter, (error) => {
      if (error) failure ??= error;
    });
    try {
      await this.#client.putStream(name, counter, {
        mime: options.contentType,
        // A public bucket serves the object itself: a download there must be one too.
        headers: { 'Content-Type': options.contentType, ...(options.downloadName ? { 'Content-Disposition': attachment(options.downloadName) } : {}) },
        timeout: UPLOAD_TIMEOUT_MS,
      } as OSS.PutStreamOptions);
    } catch (error) {
      // Taken before the streams are torn down (which reports a premature close of its own).
      const ours = failure;
      counter.destroy();
      body.destroy();
      // An answered error stored nothing; otherwise (cut, unreachable, timed out) OSS may have all of it.
      if (ours !== null || answeredStatus(error) === null) await this.#client.delete(name).catch(() => undefined);
      throw ours ?? ossError(`store ${name}`, error);
    }
    if (failure !== null) {
      await this.#client.delete(name).catch(() => undefined);
      throw failure;
    }
    return { size };
  }

  async get(key: ObjectKey, range?: ByteRange): Promise<StoredObject | null> {
    const name = this.#name(key);
    let result: OSS.GetStreamResult;
    try {
      result = await this.#client.getStream(name, {
        timeout: REQUEST_TIMEOUT_MS,
        ...(range ? { headers: { Range: `bytes=${range.start}-${range.end}` } } : {}),
      });
    } catch (error) {
      if (isNoSuchKey(error)) return null;
      throw ossError(`read ${name}`, error);
    }
    const stream = result.stream as Readable;
    const headers = result.res.headers as Record<string, string | undefined>;
    const status = result.res.status;
    let size: number;
    if (status === 206) {
      size = Number(/\/(\d+)\s*$/.exec(headers['content-range'] ?? '')?.[1] ?? Number.NaN);
    } else if (status === 200) {
      size = Number(headers['content-length'] ?? Number.NaN);
    } else {
      size = Number.NaN;
    }
    if (!Number.isSafeInteger(size) || size < 0) {
      stream.destroy();
      throw new OssError(`OSS answered ${status} without the size of ${name}`, null, status);
    }
    // OSS answers a range it cannot satisfy with the whole object (200): cut it to what was asked.
    if (range && status === 200) {
      const part = slice(range.start, range.end);
      pipeline(stream, part, () => undefined);
      return { body: part, size };
    }
    return { body: stream, size };
  }

  async delete(key: ObjectKey): Promise<void> {
    const name = this.#name(key);
    try {
      await this.#client.delete(name, { timeout: REQUEST_TIMEOUT_MS });
    } catch (error) {
      if (isNoSuchKey(error)) return;
      throw ossError(`delete ${name}`, error);
    }
  }

  async deleteApp(appId: string): Promise<void> {
    // objectPath checks the app id before it becomes a prefix.
    const folder = `${this.#prefix}${objectPath({ appId, fileId: '0'.repeat(32) }).split('/')[0]!}/`;
    let deleted = new Set<string>();
    for (let page = 0; page < MAX_PAGES; page++) {
      let names: string[];
      try {
        // Always the first page: what the last round deleted is gone from it.
        const listed = await this.#client.listV2({ prefix: folder, 'max-keys': PAGE }, { timeout: REQUEST_TIMEOUT_MS });
        names = (listed.objects ?? []).map((object) => object.name);
      } catch (error) {
        throw ossError(`list ${folder}`, error);
      }
      if (names.length === 0) return;
      // A name the last round deleted and OSS still lists would make this loop forever.
      const again = names.find((name) => deleted.has(name));
      if (again !== undefined) throw new OssError(`OSS still lists ${again} after deleting it`, null, null);
      deleted = new Set(names);
      try {
        await this.#client.deleteMulti(names, { quiet: true, timeout: REQUEST_TIMEOUT_MS });
      } catch (error) {
        throw ossError(`delete ${names.length} objects under ${folder}`, error);
      }
    }
    throw new OssError(`OSS still lists objects under ${folder} after ${MAX_PAGES} pages`, null, null);
  }

  directUrl(key: ObjectKey, options: { signed: boolean; expiresInSeconds: number; contentType: string; downloadName: string | null }): string {
    const name = this.#name(key);
    if (!options.signed) {
      if (this.#publicBaseUrl !== null) return `${this.#publicBaseUrl}/${name.split('/').map(encodeURIComponent).join('/')}`;
      return this.#client.generateObjectUrl(name);
    }
    return this.#client.signatureUrl(name, {
      expires: Math.max(1, Math.ceil(options.expiresInSeconds)),
      response: {
        'content-type': options.contentType,
        ...(options.downloadName === null ? {} : { 'content-disposition': attachment(options.downloadName) }),
      },
    });
  }

  async ping(): Promise<void> {
    try {
      await this.#client.listV2({ prefix: this.#prefix, 'max-keys': 1 }, { timeout: 10_000 });
    } catch (error) {
      throw ossError(`list the bucket ${this.#bucket}`, error);
    }
  }
}
