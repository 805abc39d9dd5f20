import { envelopeData } from '../envelope.js';
import { ClientErrorCode, ParleyError } from '../errors.js';
import type { UploadedFile } from '../protocol/models.js';

/** What can be uploaded: a browser `File` or `Blob` (also Node's `fs.openAsBlob`), or bytes. */
export type UploadInput = Blob | ArrayBuffer | ArrayBufferView;

/** How far an upload has got: bytes of the request sent so far, of `total`. */
export interface UploadProgress {
  loaded: number;
  total: number;
}

export interface UploadOptions {
  /** The file name users see (default: the `File`'s name, else `file`). Never used as a storage path. */
  name?: string;
  /** The type to declare; the server checks it against the bytes (default: the `Blob`'s). */
  type?: string;
  /** Called as the request body goes out; in browsers from the upload's progress events, in Node per chunk. */
  onProgress?: (progress: UploadProgress) => void;
  /** Aborts the upload: it rejects with `ABORTED`, and the server keeps nothing of it. */
  signal?: AbortSignal;
  /** Gives up after this long, in milliseconds (default 120000). */
  timeoutMs?: number;
}

/** Where an upload goes and who sends it. */
export interface UploadTarget {
  url: string;
  appId: string;
  token: string;
}

/** The part of the browser's `XMLHttpRequest` an upload uses (typed here: the SDK also builds without DOM types). */
interface BrowserXhr {
  open(method: string, url: string): void;
  setRequestHeader(name: string, value: string): void;
  timeout: number;
  readonly status: number;
  readonly responseText: string;
  getResponseHeader(name: string): string | null;
  readonly upload: { addEventListener(type: 'progress', listener: (event: { lengthComputable: boolean; loaded: number; total: number }) => void): void };
  addEventListener(type: 'load' | 'abort' | 'timeout' | 'error', listener: () => void): void;
  send(body: FormData): void;
  abort(): void;
}

/** The browser's `XMLHttpRequest`, where there is one (the only API with upload progress). */
const BrowserXhr = (globalThis as { XMLHttpRequest?: new () => BrowserXhr }).XMLHttpRequest;

const DEFAULT_TIMEOUT_MS = 120_000;
/** Names the request in error messages. */
const WHAT = 'POST /file/upload';
/** Node: the body is handed to fetch in slices this big, each one a progress step. */
const CHUNK_BYTES = 64 * 1024;

function asBlob(input: UploadInput, type: string | undefined): Blob {
  if (input instanceof Blob) return type === undefined || type === input.type ? input : new Blob([input], { type });
  const bytes = input instanceof ArrayBuffer ? new Uint8Array(input) : new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  // Copied: the caller may reuse its buffer while the upload is under way.
  return new Blob([bytes.slice()], type === undefined ? {} : { type });
}

function nameOf(input: UploadInput, name: string | undefined): string {
  if (name) return name;
  const fileName = (input as { name?: unknown }).name;
  return typeof fileName === 'string' && fileName !== '' ? fileName : 'file';
}

/**
 * `POST /file/upload` with the user's token, as multipart field `up_file`. Browsers send it with
 * `XMLHttpRequest` (the only API with upload progress); Node streams it with `fetch`.
 */
export function uploadFile(target: UploadTarget, input: UploadInput, options: UploadOptions = {}): Promise<UploadedFile> {
  if (options.signal?.aborted) return Promise.reject(aborted());
  const file = asBlob(input, options.type);
  const name = nameOf(input, options.name);
  const endpoint = `${target.url.replace(/\/+$/, '')}/file/upload?appId=${encodeURIComponent(target.appId)}`;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return BrowserXhr
    ? viaXhr(BrowserXhr, endpoint, target.token, file, name, options, timeoutMs)
    : viaFetch(endpoint, target.token, file, name, options, timeoutMs);
}

function aborted(): ParleyError {
  return new ParleyError(ClientErrorCode.ABORTED, 'the upload was cancelled');
}

function viaXhr(Xhr: new () => BrowserXhr, endpoint: string, token: string, file: Blob, name: string, options: UploadOptions, timeoutMs: number): Promise<UploadedFile> {
  return new Promise((resolve, reject) => {
    const xhr = new Xhr();
    const form = new FormData();
    form.append('up_file', file, name);
    xhr.open('POST', endpoint);
    xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    xhr.timeout = timeoutMs;
    const onAbort = () => xhr.abort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const done = () => options.signal?.removeEventListener('abort', onAbort);
    if (options.onProgress) {
      const report = options.onProgress;
      xhr.upload.addEventListener('progress', (event) => {
        if (event.lengthComputable) report({ loaded: event.loaded, total: event.total });
      });
    }
    xhr.addEventListener('load', () => {
      done();
      try {
        resolve(envelopeData<UploadedFile>(xhr.status, xhr.responseText, xhr.getResponseHeader('retry-after'), WHAT));
      } catch (error) {
        reject(error);
      }
    });
    xhr.addEventListener('abort', () => {
      done();
      reject(aborted());
    });
    xhr.addEventListener('timeout', () => {
      done();
      reject(new ParleyError(ClientErrorCode.TIMEOUT, `the upload took longer than ${timeoutMs} ms`));
    });
    xhr.addEventListener('error', () => {
      done();
      reject(new ParleyError(ClientErrorCode.NETWORK_ERROR, 'the upload failed: no answer from the server'));
    });
    xhr.send(form);
  });
}

async function viaFetch(endpoint: string, token: string, file: Blob, name: string, options: UploadOptions, timeoutMs: number): Promise<UploadedFile> {
  const boundary = `----parley${crypto.randomUUID().replace(/-/g, '')}`;
  const quoted = name.replace(/[\r\n"\\]/g, '_');
  const head = new TextEncoder().encode(
    `--${boundary}\r\nContent-Disposition: form-data; name="up_file"; filename="${quoted}"; filename*=UTF-8''${encodeURIComponent(name)}\r\n` +
      `Content-Type: ${file.type || 'application/octet-stream'}\r\n\r\n`,
  );
  const tail = new TextEncoder().encode(`\r\n--${boundary}--\r\n`);
  const total = head.length + file.size + tail.length;
  let loaded = 0;
  let offset = 0;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(head);
      loaded += head.length;
    },
    async pull(controller) {
      if (offset >= file.size) {
        controller.enqueue(tail);
        loaded += tail.length;
        options.onProgress?.({ loaded, total });
        controller.close();
        return;
      }
      const chunk = new Uint8Array(await file.slice(offset, offset + CHUNK_BYTES).arrayBuffer());
      offset += chunk.length;
      controller.enqueue(chunk);
      loaded += chunk.length;
      options.onProgress?.({ loaded: Math.min(loaded, total), total });
    },
  }, { highWaterMark: 1 });
  const signals = [AbortSignal.timeout(timeoutMs), ...(options.signal ? [options.signal] : [])];
  let response: Response;
  try {
    response = await fetch(endpoint, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': `multipart/form-data; boundary=${boundary}`, accept: 'application/json' },
      body,
      signal: AbortSignal.any(signals),
      // Node's fetch streams a request body only when told it is half-duplex.
      duplex: 'half',
    } as RequestInit & { duplex: 'half' });
  } catch (cause) {
    if (options.signal?.aborted) throw aborted();
    const timedOut = cause instanceof DOMException && cause.name === 'TimeoutError';
    throw new ParleyError(timedOut ? ClientErrorCode.TIMEOUT : ClientErrorCode.NETWORK_ERROR, timedOut ? `the upload took longer than ${timeoutMs} ms` : `the upload failed: ${String(cause)}`, { cause });
  }
  return envelopeData<UploadedFile>(response.status, await response.text(), response.headers.get('retry-after'), WHAT);
}
