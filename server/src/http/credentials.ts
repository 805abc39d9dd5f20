import { ErrorCode } from '@parley/sdk/protocol';
import type { Context } from 'koa';
import { SIGNATURE_PARAMS } from '../domain/apps/request-signature.js';
import { AppError } from '../domain/errors.js';

/** The token of an `Authorization: Bearer <token>` header, or undefined when there is none. */
export function bearerOf(ctx: Context): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(ctx.get('authorization'))?.[1];
}

/**
 * A signed request without its credentials is an authentication failure (401, like a console
 * route without its token), not a malformed request: the four parameters are the route's
 * security scheme in the OpenAPI document, not fields of it.
 */
export function requireSignatureParams(params: Record<string, unknown>): void {
  for (const name of SIGNATURE_PARAMS) {
    const value = params[name];
    if (value === undefined || value === null || value === '') {
      throw new AppError(
        ErrorCode.SIGNATURE_INVALID,
        `${name}: is required; sign every open-API request with app_id, time_stamp, nonce_str and sign (see the signature guide)`,
      );
    }
  }
}
