import { ErrorCode } from '@parley/sdk/protocol';
import { signBase, signingBase, signMatches, type SignableParams } from '@parley/sdk/server';
import type { NonceCache } from '../../bus/ports.js';
import type { AppContext } from '../app-context.js';
import type { Clock } from '../../clock.js';
import { AppError, invalidParams } from '../errors.js';
import type { AppService } from './app-service.js';

export interface SignatureRules {
  /** How far `time_stamp` may be from server time, either way, in seconds. */
  windowSeconds: number;
}

/** The four parameters that authenticate an open-API request; they are not part of any route's fields. */
export const SIGNATURE_PARAMS = ['app_id', 'time_stamp', 'nonce_str', 'sign'] as const;

const NONCE_PATTERN = /^[\x21-\x7e]{1,64}$/;
const SIGN_PATTERN = /^[0-9A-Fa-f]{32}$/;
/**
 * Most parameters a signed request may carry, signature included. Every route has far fewer;
 * the cap keeps sorting and encoding a hostile request's keys cheap.
 */
export const SIGNED_PARAMS_MAX = 64;

/**
 * Verifies the signature of an open-API request (DESIGN §3.2) and returns the app it speaks
 * for. Checks run cheapest first, so that a forged request is refused before it costs anything:
 * shapes and lengths, then the time window (no I/O), then the app (one cached read), and only
 * then the string to sign, built once however many secrets are live. The body it covers is
 * bounded by the transport (`SIGNED_BODY_MAX_BYTES`). The nonce is spent only once the
 * signature is known good, so nobody can burn another app's nonces.
 */
export class RequestSignatureVerifier {
  constructor(
    private readonly apps: AppService,
    private readonly nonces: NonceCache,
    private readonly clock: Clock,
    private readonly rules: SignatureRules,
  ) {}

  async verify(params: SignableParams): Promise<AppContext> {
    const appId = requireText(params, 'app_id');
    const timestamp = parseTimestamp(requireText(params, 'time_stamp'));
    const nonce = requireText(params, 'nonce_str');
    if (!NONCE_PATTERN.test(nonce)) throw invalidParams('nonce_str', 'must be 1-64 printable ASCII characters');
    const sign = requireText(params, 'sign');
    if (!SIGN_PATTERN.test(sign)) throw new AppError(ErrorCode.SIGNATURE_INVALID, 'sign must be 32 hex characters (an MD5 digest)');
    const count = Object.keys(params).length;
    if (count > SIGNED_PARAMS_MAX) throw invalidParams('body', `has ${count} parameters; a signed request may have at most ${SIGNED_PARAMS_MAX}`);

    const windowMs = this.rules.windowSeconds * 1000;
    const skew = Math.abs(this.clock.now() - timestamp);
    if (skew > windowMs) {
      throw new AppError(
        ErrorCode.SIGNATURE_EXPIRED,
        `time_stamp is ${Math.round(skew / 1000)} s away from server time; the limit is ${this.rules.windowSeconds} s`,
      );
    }

    const signing = await this.apps.openForSigning(appId);

    // Compute every candidate before comparing, so timing does not reveal which secret matched.
    const candidates = signBase(signingBase(params), signing.secrets);
    const matches = candidates.map((candidate) => signMatches(sign, candidate));
    if (!matches.includes(true)) {
      throw new AppError(ErrorCode.SIGNATURE_INVALID, 'sign does not match the parameters and the app secret');
    }

    // A request stays acceptable until its time_stamp leaves the window, i.e. for at most two
    // windows from now; the nonce must be remembered that long.
    if (!(await this.nonces.claim(appId, nonce, 2 * windowMs))) {
      throw new AppError(ErrorCode.NONCE_REUSED, 'nonce_str was already used; send a new one with every request');
    }
    return signing.ctx;
  }
}

function requireText(params: SignableParams, field: string): string {
  const value = params[field];
  if (value === undefined || value === null || value === '') throw invalidParams(field, 'is required');
  if (typeof value !== 'string' && typeof value !== 'number') throw invalidParams(field, 'must be a string');
  return String(value);
}

/** Unix seconds, or milliseconds when given with 13 digits. */
function parseTimestamp(text: string): number {
  if (!/^\d{1,13}$/.test(text)) {
    throw invalidParams('time_stamp', 'must be Unix time in seconds (or 13-digit milliseconds)');
  }
  const number = Number(text);
  return text.length === 13 ? number : number * 1000;
}
