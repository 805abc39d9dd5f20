interface MaybeCrypto {
  randomUUID?: () => string;
  getRandomValues?: <T extends ArrayBufferView>(array: T) => T;
}

/**
 * A fresh idempotency key for a send: a version-4 UUID (36 characters, within the 64 the server
 * accepts).
 *
 * Uses `crypto.randomUUID` when the platform has it, else `crypto.getRandomValues` (browsers on
 * plain http, where `randomUUID` is missing), else `Math.random` (Node 18 without the global
 * `crypto`). The key only has to be unique per sender, not secret.
 */
export function createClientMsgId(): string {
  const crypto = (globalThis as { crypto?: MaybeCrypto }).crypto;
  if (typeof crypto?.randomUUID === 'function') return crypto.randomUUID();

  const bytes = new Uint8Array(16);
  if (typeof crypto?.getRandomValues === 'function') crypto.getRandomValues(bytes);
  else for (let i = 0; i < 16; i++) bytes[i] = Math.floor(Math.random() * 256);
  bytes[6] = (bytes[6]! & 0x0f) | 0x40; // version 4
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // RFC 4122 variant

  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
