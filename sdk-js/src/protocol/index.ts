/**
 * The Parley wire protocol: constants, error codes, payload and model types shared by the
 * server, the end-user client and the server API client.
 *
 * @packageDocumentation
 * @module @parley/sdk/protocol
 */
export * from './constants.js';
export * from './errors.js';
export * from './realtime.js';
export type * from './content.js';
export type * from './models.js';
export * from './open-api.js';
export type * from './console-api.js';
