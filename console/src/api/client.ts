import { ErrorCode } from '@parley/sdk/protocol';

/**
 * fetch + the Parley envelope. Every call is a same-origin relative request: the server that
 * serves the console also answers its API, so there is no base URL to configure.
 */

/** A refused or failed request: the server's `code` and human `message`, or a local one. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    /** The server's UPPER_SNAKE code, or `NETWORK` / `BAD_RESPONSE` when no envelope came back. */
    readonly code: string,
    message: string,
    /** HTTP status, 0 when the request never got an answer. */
    readonly status: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

interface SuccessEnvelope<T> {
  status: 1;
  message: string;
  data: T;
}
interface FailureEnvelope {
  status: 0;
  code: string;
  message: string;
}

export interface Credentials {
  /** The console token sent as `Authorization: Bearer`, or null for public routes. */
  token(): string | null;
  /** Called when the server says the token is no longer valid (expired, revoked, logged out). */
  onTokenRejected(): void;
}

let credentials: Credentials = { token: () => null, onTokenRejected: () => {} };

/** The session module plugs itself in here, so this file does not depend on it. */
export function useCredentials(source: Credentials): void {
  credentials = source;
}

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

function isFailure(value: unknown): value is FailureEnvelope {
  return typeof value === 'object' && value !== null && (value as { status?: unknown }).status === 0 && typeof (value as { code?: unknown }).code === 'string';
}
function isSuccess<T>(value: unknown): value is SuccessEnvelope<T> {
  return typeof value === 'object' && value !== null && (value as { status?: unknown }).status === 1 && 'data' in value;
}

/** Sends one request and resolves with the envelope's `data`; rejects with an {@link ApiError}. */
export async function request<T>(method: Method, path: string, body?: unknown): Promise<T> {
  const token = credentials.token();
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token !== null) headers['authorization'] = `Bearer ${token}`;
  let response: Response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? null : JSON.stringify(body) });
  } catch (cause) {
    throw new ApiError('NETWORK', 'The server could not be reached. Check your connection and try again.', 0, { cause });
  }
  let envelope: unknown;
  try {
    envelope = await response.json();
  } catch (cause) {
    throw new ApiError('BAD_RESPONSE', `The server answered ${response.status} without a readable body.`, response.status, { cause });
  }
  if (isSuccess<T>(envelope)) return envelope.data;
  if (isFailure(envelope)) {
    // Only a token we sent can be rejected; a wrong password on login or reveal is CREDENTIALS_INVALID.
    if (token !== null && envelope.code === ErrorCode.TOKEN_INVALID) credentials.onTokenRejected();
    throw new ApiError(envelope.code, envelope.message, response.status);
  }
  throw new ApiError('BAD_RESPONSE', `The server answered ${response.status} with an unexpected body.`, response.status);
}

/** A message fit to show for any error a request may throw. */
export function errorText(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}
