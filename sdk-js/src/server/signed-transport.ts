import { randomBytes } from 'node:crypto';
import { envelopeData } from '../envelope.js';
import { ClientErrorCode, ParleyError } from '../errors.js';
import type { UploadedFile } from '../protocol/models.js';
import { OpenApiRouteTable, type OpenApiPath, type OpenApiRoutes, type SignatureParams } from '../protocol/open-api.js';
import { isRefusedForNow, retryAfterDelay } from '../retry-after.js';
import type { ParleyServerApiOptions } from './server-api.js';
import { computeSign, toSignedFields } from './signature.js';

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_RETRIES = 2;
const RETRY_BASE_MS = 200;
const RETRY_CAP_MS = 3_000;

/** Request fields with the signature parameters added. */
export type SignedParams = Record<string, unknown> & SignatureParams;

/**
 * Signed HTTP calls to the open API: each attempt is signed anew (fresh `nonce_str` and
 * `time_stamp`), sent as a GET query or a JSON body as the route table says, bounded by
 * `timeoutMs`, and read into the envelope's `data` or a {@link ParleyError}. Routes marked
 * `retrySafe` are tried again after a retryable failure (network error, timeout, 500), with
 * full-jitter exponential backoff. A `RATE_LIMITED` or `SERVER_BUSY` refusal means the server did
 * nothing, so with `retryRateLimited` every route is tried again after it, once the server's
 * `retryAfterMs` (or `Retry-After`) has passed; all retries together are at most `maxRetries`.
 */
export class SignedTransport {
  readonly #baseUrl: string;
  readonly #appId: string;
  readonly #appSecret: string;
  readonly #timeoutMs: number;
  readonly #maxRetries: number;
  readonly #retryRateLimited: boolean;
  readonly #fetch: typeof fetch;
  readonly #now: () => number;

  constructor(options: ParleyServerApiOptions) {
    this.#baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.#appId = options.appId;
    this.#appSecret = options.appSecret;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
    this.#retryRateLimited = options.retryRateLimited ?? true;
    this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.#now = options.now ?? Date.now;
  }

  /** Calls route `path` with `fields`; resolves with the envelope's `data`. */
  call<P extends OpenApiPath>(path: P, fields: OpenApiRoutes[P]['request']): Promise<OpenApiRoutes[P]['response']> {
    return this.#retrying(OpenApiRouteTable[path].retrySafe, () => this.#attempt(path, fields));
  }

  /**
   * `POST /file/upload` as the app's backend: the signature covers the query (the four
   * signature parameters); the file travels as the multipart field `up_file`. An upload is not
   * repeated after a network failure (it may have been stored), only after a refusal for now.
   */
  upload(file: Blob, name: string): Promise<UploadedFile> {
    return this.#retrying(false, async () => {
      const form = new FormData();
      form.append('up_file', file, name);
      const url = `${this.#baseUrl}/file/upload?${toSignedFields(this.sign({}))}`;
      return this.#send<UploadedFile>(url, { method: 'POST', body: form, headers: { accept: 'application/json' } }, 'POST /file/upload');
    });
  }

  async #retrying<T>(retrySafe: boolean, attemptOnce: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await attemptOnce();
      } catch (error) {
        if (!(error instanceof ParleyError) || !error.retryable || attempt > this.#maxRetries) throw error;
        const refused = isRefusedForNow(error);
        if (refused && !this.#retryRateLimited) throw error;
        if (refused && error.retryAfterMs !== undefined) {
          // Refused before anything was done: safe to repeat on any route, once the server's wait is over.
          await sleep(retryAfterDelay(error));
          continue;
        }
        if (!retrySafe && !refused) throw error;
        // Full-jitter exponential backoff spreads retries of many callers over time.
        const ceiling = Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** (attempt - 1));
        await sleep(Math.random() * ceiling);
      }
    }
  }

  /** `fields` with `app_id`, `time_stamp`, a fresh `nonce_str` and their `sign`. */
  sign(fields: object): SignedParams {
    const unsigned = {
      ...fields,
      app_id: this.#appId,
      time_stamp: String(Math.floor(this.#now() / 1000)),
      nonce_str: randomBytes(12).toString('hex'),
    };
    return { ...unsigned, sign: computeSign(unsigned, this.#appSecret) };
  }

  async #attempt<P extends OpenApiPath>(path: P, fields: OpenApiRoutes[P]['request']): Promise<OpenApiRoutes[P]['response']> {
    const params = this.sign(fields);
    const { method } = OpenApiRouteTable[path];
    let url = `${this.#baseUrl}${path}`;
    const init: RequestInit = { method, headers: { accept: 'application/json' } };
    if (method === 'GET') {
      url += `?${toSignedFields(params)}`;
    } else {
      init.body = JSON.stringify(params);
      init.headers = { accept: 'application/json', 'content-type': 'application/json' };
    }
    return this.#send(url, init, `${method} ${path}`);
  }

  async #send<T>(url: string, init: RequestInit, what: string): Promise<T> {
    let response: Response;
    try {
      response = await this.#fetch(url, { ...init, signal: AbortSignal.timeout(this.#timeoutMs) });
    } catch (cause) {
      const timedOut = cause instanceof DOMException && cause.name === 'TimeoutError';
      throw new ParleyError(
        timedOut ? ClientErrorCode.TIMEOUT : ClientErrorCode.NETWORK_ERROR,
        timedOut ? `${what} timed out after ${this.#timeoutMs} ms` : `${what} failed: ${String(cause)}`,
        { cause },
      );
    }
    return envelopeData(response.status, await response.text(), response.headers.get('retry-after'), what);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
