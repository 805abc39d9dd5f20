import { randomBytes } from 'node:crypto';
import { ClientErrorCode, ParleyError } from '../errors.js';
import { ErrorCode, type Envelope } from '../protocol/errors.js';
import { OpenApiRouteTable, type OpenApiPath, type OpenApiRoutes, type SignatureParams } from '../protocol/open-api.js';
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
 * `retrySafe` are tried again after a retryable failure (network error, timeout, 429, 500), with
 * full-jitter exponential backoff.
 */
export class SignedTransport {
  readonly #baseUrl: string;
  readonly #appId: string;
  readonly #appSecret: string;
  readonly #timeoutMs: number;
  readonly #maxRetries: number;
  readonly #fetch: typeof fetch;
  readonly #now: () => number;

  constructor(options: ParleyServerApiOptions) {
    this.#baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.#appId = options.appId;
    this.#appSecret = options.appSecret;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
    this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.#now = options.now ?? Date.now;
  }

  /** Calls route `path` with `fields`; resolves with the envelope's `data`. */
  async call<P extends OpenApiPath>(path: P, fields: OpenApiRoutes[P]['request']): Promise<OpenApiRoutes[P]['response']> {
    const attempts = OpenApiRouteTable[path].retrySafe ? this.#maxRetries + 1 : 1;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#attempt(path, fields);
      } catch (error) {
        if (!(error instanceof ParleyError) || !error.retryable || attempt >= attempts) throw error;
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
    const init: RequestInit = { method, signal: AbortSignal.timeout(this.#timeoutMs), headers: { accept: 'application/json' } };
    if (method === 'GET') {
      url += `?${toSignedFields(params)}`;
    } else {
      init.body = JSON.stringify(params);
      init.headers = { accept: 'application/json', 'content-type': 'application/json' };
    }

    let response: Response;
    try {
      response = await this.#fetch(url, init);
    } catch (cause) {
      const timedOut = cause instanceof DOMException && cause.name === 'TimeoutError';
      throw new ParleyError(
        timedOut ? ClientErrorCode.TIMEOUT : ClientErrorCode.NETWORK_ERROR,
        timedOut ? `${method} ${path} timed out after ${this.#timeoutMs} ms` : `${method} ${path} failed: ${String(cause)}`,
        { cause },
      );
    }
    return readEnvelope(response, `${method} ${path}`);
  }
}

async function readEnvelope<T>(response: Response, what: string): Promise<T> {
  let body: Envelope<T>;
  try {
    body = (await response.json()) as Envelope<T>;
  } catch (cause) {
    throw new ParleyError(ClientErrorCode.BAD_RESPONSE, `${what}: HTTP ${response.status} without a JSON body`, {
      status: response.status,
      cause,
    });
  }
  if (body?.status === 1) return body.data;
  if (body?.status === 0 && typeof body.code === 'string') {
    throw new ParleyError(body.code, body.message, { status: response.status });
  }
  const code = response.status >= 500 ? ErrorCode.INTERNAL : ClientErrorCode.BAD_RESPONSE;
  throw new ParleyError(code, `${what}: HTTP ${response.status} with an unexpected body`, { status: response.status });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
