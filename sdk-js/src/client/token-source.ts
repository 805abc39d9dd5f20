import { ParleyError } from '../errors.js';
import { ErrorCode } from '../protocol/errors.js';

/**
 * The user token the handshake sends: the `token` option at first, then whatever `getToken`
 * returned last. Renewals share one `getToken` call, so a refusal and a kick arriving together ask
 * the backend once.
 */
export class TokenSource {
  #token: string | undefined;
  readonly #getToken: (() => Promise<string>) | undefined;
  #renewal: Promise<string> | undefined;

  constructor(token: string | undefined, getToken: (() => Promise<string>) | undefined) {
    this.#token = token || undefined;
    this.#getToken = getToken;
  }

  /** The token to send; undefined until one was given or fetched. */
  get current(): string | undefined {
    return this.#token;
  }

  /** Whether a refused or expired token can be replaced (a `getToken` option was given). */
  get renewable(): boolean {
    return this.#getToken !== undefined;
  }

  /**
   * Asks `getToken` for a new token and keeps it. Rejects with `TOKEN_INVALID` when there is no
   * `getToken` or it returned something other than a non-empty string, and with `getToken`'s own
   * error when it failed.
   */
  renew(): Promise<string> {
    const getToken = this.#getToken;
    if (!getToken) return Promise.reject(new ParleyError(ErrorCode.TOKEN_INVALID, 'no getToken option to renew the token with'));
    this.#renewal ??= getToken()
      .then((token) => {
        if (typeof token !== 'string' || token === '') throw new ParleyError(ErrorCode.TOKEN_INVALID, 'getToken() did not return a token');
        return (this.#token = token);
      })
      .finally(() => (this.#renewal = undefined));
    return this.#renewal;
  }
}
