import { ClientErrorCode, ParleyError } from './errors.js';
import { ErrorCode, type Envelope } from './protocol/errors.js';

/**
 * The `data` of an HTTP answer in the Parley envelope, or the {@link ParleyError} it stands for:
 * the server's code and `retryAfterMs` (else the `Retry-After` header), `RATE_LIMITED` for a 429
 * from something in front of the server, `INTERNAL` for another 5xx, `BAD_RESPONSE` otherwise.
 * `what` names the request in messages (`POST /file/upload`).
 *
 * @internal
 */
export function envelopeData<T>(status: number, text: string, retryAfter: string | null, what: string): T {
  const headerWait = retryAfterHeader(retryAfter, Date.now());
  let body: Envelope<T>;
  try {
    body = JSON.parse(text) as Envelope<T>;
  } catch (cause) {
    // A 429 from something in front of the server (a proxy, a gateway) is still "slow down".
    if (status === 429) throw new ParleyError(ErrorCode.RATE_LIMITED, `${what}: HTTP 429`, { status, cause, ...wait(headerWait) });
    throw new ParleyError(ClientErrorCode.BAD_RESPONSE, `${what}: HTTP ${status} without a JSON body`, { status, cause });
  }
  if (body?.status === 1) return body.data;
  if (body?.status === 0 && typeof body.code === 'string') {
    const bodyWait = typeof body.retryAfterMs === 'number' && Number.isFinite(body.retryAfterMs) && body.retryAfterMs >= 0 ? body.retryAfterMs : undefined;
    const muted = typeof body.mutedUntil === 'number' && Number.isFinite(body.mutedUntil) ? { mutedUntil: body.mutedUntil } : {};
    throw new ParleyError(body.code, body.message, { status, ...wait(bodyWait ?? headerWait), ...muted });
  }
  if (status === 429) throw new ParleyError(ErrorCode.RATE_LIMITED, `${what}: HTTP 429 with an unexpected body`, { status, ...wait(headerWait) });
  const code = status >= 500 ? ErrorCode.INTERNAL : ClientErrorCode.BAD_RESPONSE;
  throw new ParleyError(code, `${what}: HTTP ${status} with an unexpected body`, { status });
}

const wait = (retryAfterMs: number | undefined) => (retryAfterMs === undefined ? {} : { retryAfterMs });

/** `Retry-After` in milliseconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3); undefined when absent or unreadable. */
function retryAfterHeader(value: string | null, now: number): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
