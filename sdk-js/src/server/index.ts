/**
 * `@parley/sdk/server`: for tenant backends only (Node 18+). It holds the app secret; never
 * bundle it into a browser or mobile app.
 *
 * @packageDocumentation
 * @module @parley/sdk/server
 */
export { ParleyServerApi, type ParleyServerApiOptions } from './server-api.js';
export {
  canonicalJson,
  computeSign,
  signBase,
  signingBase,
  phpUrlEncode,
  signMatches,
  stringToSign,
  toSignedFields,
  type SignableParams,
} from './signature.js';
export { ClientErrorCode, ParleyError, type ParleyErrorCode, type ParleyErrorOptions } from '../errors.js';
