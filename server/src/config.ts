import { Limits, LoginPolicy } from '@parley/sdk/protocol';
import { z } from 'zod';

/**
 * The only place that reads the environment. Every variable is optional, validated at start,
 * and documented in docs/configuration.md.
 */

const integer = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, `must be a whole number from ${min} to ${max}`)
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`))
    .meta({ range: [min, max] });

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const powerOfTwo = (min: number, max: number) =>
  integer(min, max).refine((n) => (n & (n - 1)) === 0, `must be a power of two from ${min} to ${max}`);

/** Allowed values in words, for the reference. */
const oneOf = (values: readonly string[]) => values.map((value) => `\`${value}\``).join(', ');

/**
 * Every variable with its rule and default; `describe` is its line in docs/configuration.md
 * (generated from this schema by `npm run docs`).
 */
export const envSchema = z.object({
  PORT: integer(0, 65_535).default(3000).describe('TCP port to listen on (`0` picks a free one)'),
  HOST: z.string().min(1).default('0.0.0.0').describe('address to bind; `127.0.0.1` for this machine only'),
  LOG_LEVEL: z
    .enum(LOG_LEVELS)
    .default('info')
    .describe(
      `${oneOf(LOG_LEVELS)}. Logs are JSON lines on stdout: one per request (method, path, status, time, app, request id; never query strings, bodies or headers)`,
    ),
  TRUST_PROXY: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true')
    .describe('`true` behind a reverse proxy that sets `X-Forwarded-For` / `X-Forwarded-Proto`'),
  TOKEN_TTL_SECONDS: integer(60, 365 * 24 * 3600)
    .default(7 * 24 * 3600)
    .describe('lifetime of user tokens for new apps, 7 days by default (each app can change its own)'),
  CONSOLE_TOKEN_TTL_SECONDS: integer(60, 30 * 24 * 3600).default(24 * 3600).describe('lifetime of console tokens (1 day by default)'),
  SIGNATURE_WINDOW_SECONDS: integer(30, 3600)
    .default(300)
    .describe("how far a signed request's `time_stamp` may be from server time, either way"),
  SECRET_ROTATION_GRACE_SECONDS: integer(0, 30 * 24 * 3600)
    .default(24 * 3600)
    .describe('how long a rotated-out app secret keeps working when the rotation does not say'),
  MAX_MESSAGE_BYTES: integer(1024, 1024 * 1024).default(64 * 1024).describe('largest message `content`, measured as UTF-8 JSON'),
  MAX_BODY_BYTES: integer(4096, 16 * 1024 * 1024)
    .default(Limits.PACKET_BYTES_DEFAULT)
    .describe(
      "largest request body, and largest socket.io packet (a larger packet closes the connection). Raise the SDK's `maxPayloadBytes` with it",
    ),
  MAX_GROUP_MEMBERS: integer(2, 10_000).default(2000).describe('group size limit for new apps (each app can change its own)'),
  PASSWORD_SCRYPT_COST: powerOfTwo(1024, 1 << 20)
    .default(1 << 17)
    .describe('scrypt cost N for console passwords (a power of two; 2^17 is the OWASP minimum). Existing hashes keep their own cost'),
  RECALL_WINDOW_SECONDS: integer(0, 7 * 24 * 3600)
    .default(120)
    .describe('how long after sending the sender may recall a message, for new apps (each app can change its own)'),
  ADMIN_RECALL_WINDOW_SECONDS: integer(0, 7 * 24 * 3600)
    .default(7200)
    .describe("how long a group owner or admin may recall any member's message, 2 hours by default, for new apps (each app can change its own)"),
  LOGIN_POLICY: z
    .enum(Object.values(LoginPolicy))
    .default(LoginPolicy.MULTI_DEVICE)
    .describe(
      `how many devices a user may keep connected, for new apps: ${oneOf(Object.values(LoginPolicy))} (\`${LoginPolicy.MULTI_DEVICE}\`: any number; \`${LoginPolicy.ONE_PER_PLATFORM}\`: a new login replaces the older device of the same platform). Each app can change its own`,
    ),
  SOCKET_PING_INTERVAL_MS: integer(1000, 300_000).default(25_000).describe('socket heartbeat: how often the server pings each connected device'),
  SOCKET_PING_TIMEOUT_MS: integer(1000, 300_000)
    .default(20_000)
    .describe(
      'socket heartbeat: how long the server waits for the answer before it drops the device. A silent device is dropped within interval + timeout (45 s by default)',
    ),
});

/** Everything the server needs to start, typed and with defaults applied. */
export interface Config {
  port: number;
  host: string;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  /** Honour X-Forwarded-For / -Proto from a reverse proxy. */
  trustProxy: boolean;
  /** Default lifetime of user tokens for new apps. */
  tokenTtlSeconds: number;
  consoleTokenTtlSeconds: number;
  /** How far a signed request's time_stamp may be from server time. */
  signatureWindowSeconds: number;
  /** How long a rotated-out app secret keeps working by default. */
  secretRotationGraceSeconds: number;
  /** Largest message content, as UTF-8 JSON. */
  maxMessageBytes: number;
  /** Largest request body. */
  maxBodyBytes: number;
  /** Default group size limit for new apps. */
  maxGroupMembers: number;
  /** scrypt N for console passwords. */
  passwordScryptCost: number;
  /** Default recall windows for new apps: the sender's, and a group owner's or admin's. */
  recallWindowSeconds: number;
  adminRecallWindowSeconds: number;
  /** Default login policy for new apps. */
  loginPolicy: LoginPolicy;
  /** Heartbeat: how often the server pings a device, and how long it waits for the pong. */
  socketPingIntervalMs: number;
  socketPingTimeoutMs: number;
}

/** Thrown when the environment is invalid; lists every bad variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Reads and validates the environment. Empty variables count as unset. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    // One line per variable: its first problem is enough to fix it.
    const problems = new Map<string, string>();
    for (const issue of parsed.error.issues) {
      const name = String(issue.path[0]);
      if (!problems.has(name)) problems.set(name, `${name}=${JSON.stringify(env[name])}: ${issue.message}`);
    }
    throw new ConfigError([...problems.values()]);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    logLevel: e.LOG_LEVEL,
    trustProxy: e.TRUST_PROXY,
    tokenTtlSeconds: e.TOKEN_TTL_SECONDS,
    consoleTokenTtlSeconds: e.CONSOLE_TOKEN_TTL_SECONDS,
    signatureWindowSeconds: e.SIGNATURE_WINDOW_SECONDS,
    secretRotationGraceSeconds: e.SECRET_ROTATION_GRACE_SECONDS,
    maxMessageBytes: e.MAX_MESSAGE_BYTES,
    maxBodyBytes: e.MAX_BODY_BYTES,
    maxGroupMembers: e.MAX_GROUP_MEMBERS,
    passwordScryptCost: e.PASSWORD_SCRYPT_COST,
    recallWindowSeconds: e.RECALL_WINDOW_SECONDS,
    adminRecallWindowSeconds: e.ADMIN_RECALL_WINDOW_SECONDS,
    loginPolicy: e.LOGIN_POLICY,
    socketPingIntervalMs: e.SOCKET_PING_INTERVAL_MS,
    socketPingTimeoutMs: e.SOCKET_PING_TIMEOUT_MS,
  };
}
