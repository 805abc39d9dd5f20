/**
 * `@parley/sdk`: the Parley instant-messaging SDK for browsers and Node.
 *
 * This entry exposes the end-user realtime client ({@link ParleyClient}), the protocol constants
 * and types, and the error type; the signed server client lives in `@parley/sdk/server`.
 *
 * @packageDocumentation
 * @module @parley/sdk
 */
export * from './protocol/index.js';
export { ClientErrorCode, ParleyError, type ParleyErrorCode, type ParleyErrorOptions } from './errors.js';
export * from './client/index.js';
