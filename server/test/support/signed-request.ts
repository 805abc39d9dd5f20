import { randomBytes } from 'node:crypto';
import { computeSign, toSignedFields } from '@parley/sdk/server';
import { call, type JsonResponse } from './test-server.js';

export interface SignOptions {
  appId: string;
  secret: string;
  /** Override or remove (undefined) the signature parameters. */
  timeStamp?: string | number;
  nonce?: string;
  /** Use this sign instead of computing it. */
  sign?: string;
  /** Current time in ms; defaults to Date.now(). */
  now?: number;
}

/** Fields plus app_id, time_stamp, nonce_str and sign. */
export function signParams(fields: Record<string, unknown>, options: SignOptions): Record<string, unknown> {
  const params: Record<string, unknown> = {
    ...fields,
    app_id: options.appId,
    time_stamp: options.timeStamp ?? String(Math.floor((options.now ?? Date.now()) / 1000)),
    nonce_str: options.nonce ?? randomBytes(8).toString('hex'),
  };
  params.sign = options.sign ?? computeSign(params, options.secret);
  return params;
}

/** Sends a signed request the way a tenant backend might: JSON body, form body or query string. */
export function sendSigned(
  url: string,
  path: string,
  params: Record<string, unknown>,
  as: 'json' | 'form' | 'query' = 'json',
): Promise<JsonResponse> {
  if (as === 'query') return call(`${url}${path}?${toSignedFields(params)}`);
  if (as === 'form') {
    return call(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: toSignedFields(params).toString(),
    });
  }
  return call(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(params) });
}
