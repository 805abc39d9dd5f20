import { createHash } from 'node:crypto';
import type { RateLimit } from '../ports.js';

/**
 * Where the Redis bus keeps things. Every key starts with the bus's prefix (default `parley:`)
 * and, where it belongs to a tenant, the appId, so two apps never share a key:
 *
 * | key | type | lifetime |
 * | --- | --- | --- |
 * | `<prefix>nonce:<appId>:<nonce>` | string `1` | `PX` = the nonce TTL (`SET … PX ttl NX`) |
 * | `<prefix>presence:<appId>:<userId>` | hash: `c:<connectionId>` -> `<expiresAt>\|<seq>\|<platform>`, `n` -> connect counter | `PEXPIRE` to the last device's expiry plus one TTL; deleted when the last device leaves |
 * | `<prefix>seen:<appId>:<userId>` | string: ms epoch | no expiry (like the memory adapter's last-seen map) |
 * | `<prefix>rl:<points>/<seconds>:<key>` | string counter (rate-limiter-flexible) | `EX` = the window |
 *
 * Key length is bounded whatever the caller passes: the tenant part is kept as is when it is
 * 1-64 characters of `[A-Za-z0-9_-]` (appIds are 16 hex) and the last part when it is 1-64
 * printable ASCII characters (nonces, userIds); anything else is replaced by `#` and its SHA-256
 * in hex. A replaced part is 65 characters long, so it can never equal a kept one.
 */
export class RedisKeys {
  constructor(readonly prefix: string) {}

  nonce(appId: string, nonce: string): string {
    return `${this.prefix}nonce:${tenant(appId)}:${last(nonce)}`;
  }

  /** The hash of a user's live devices. */
  devices(appId: string, userId: string): string {
    return `${this.prefix}presence:${tenant(appId)}:${last(userId)}`;
  }

  /** When the user's last device left (or, while devices are registered, when the last would lapse). */
  seen(appId: string, userId: string): string {
    return `${this.prefix}seen:${tenant(appId)}:${last(userId)}`;
  }

  /** rate-limiter-flexible's `keyPrefix` for one limit (it appends `:<key>`). */
  rateLimitPrefix(limit: RateLimit): string {
    return `${this.prefix}rl:${limit.points}/${limit.durationSeconds}`;
  }

  /**
   * A rate-limit key as stored: kept when it is 1-200 printable ASCII characters not starting
   * with `#` (so it cannot look like a hashed one), hashed otherwise.
   */
  rateLimitKey(key: string): string {
    return bounded(key, /^(?!#)[\x20-\x7e]{1,200}$/);
  }
}

/** The field of one device in a user's presence hash (the Lua scripts read the `c:` prefix). */
export function deviceField(connectionId: string): string {
  return `c:${last(connectionId)}`;
}

/** A part followed by `:` must not contain one, or `a:b` + `c` would meet `a` + `b:c`. */
function tenant(part: string): string {
  return bounded(part, /^[A-Za-z0-9_-]{1,64}$/);
}

function last(part: string): string {
  return bounded(part, /^[\x20-\x7e]{1,64}$/);
}

function bounded(part: string, kept: RegExp): string {
  return kept.test(part) ? part : `#${createHash('sha256').update(part, 'utf8').digest('hex')}`;
}
